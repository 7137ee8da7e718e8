"""A spelling-blind key for names transliterated from Arabic (and Kurdish, Persian) into Latin letters.

One place has many English spellings: Huwayjah / Huwajah / Hawija, Bayji / Beiji, Deir ez-Zor / Dayr Az Zawr,
Tabaqah / Tabqa, Ash Shaddadi / Shadaddi, Faysh Khabur / Fishkapour. Their consonants agree where their vowels,
articles, doubled letters and digraphs do not, so the key keeps the consonant skeleton only. It is a fallback:
the gazetteer finds a name by its exact key first, and only places of the theatre's countries get this key.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from unidecode import unidecode

# The Arabic article as English spells it, alone ("Al Hawl") or hyphenated ("ash-Shaddadi": split before this runs).
ARTICLES = frozenset(
    {
        "al",
        "el",
        "il",
        "ul",
        "ar",
        "as",
        "ash",
        "ad",
        "adh",
        "at",
        "ath",
        "az",
        "an",
        "ed",
        "es",
        "et",
        "ez",
        "en",
        "er",
    }
)
# Word-initial forms of "Abu" (father of): "Abu Kamal", "Albu Kamal", "Al Bu Kamal" name one town.
ABU = frozenset({"abu", "albu", "bu", "abou", "abo"})
# Letter groups that transliterations render differently, to one form (order matters: digraphs before letters).
DIGRAPHS = (
    ("kh", "k"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("p", "b"),
    ("x", "ks"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
)
VOWELS = re.compile(r"[aeiouy]")
DOUBLED = re.compile(r"(.)\1+")
FINAL_H = re.compile(r"(?<=[aeiou])h$")  # the feminine ending: "Tabaqah" / "Tabqa", "Qayyarah" / "Qayyara"
DIPHTHONG_AW = re.compile(r"aw(?![aeiou])")
MIN_LETTERS = 4  # shorter names ("Hit", "Rai") have too few consonants to tell apart


@lru_cache(maxsize=262_144)
def skeleton(name: str) -> str:
    """Return the consonant skeleton of a name ('' when it is too short to be told apart by one).

    >>> skeleton("Deir ez-Zor") == skeleton("Dayr Az Zawr")
    True
    """
    words = re.sub(r"[^a-z]+", " ", unidecode(name).casefold().replace("'", "").replace("’", "")).split()
    if sum(map(len, words)) < MIN_LETTERS:
        return ""
    kept = [w for i, w in enumerate(words) if not (w in ARTICLES and i < len(words) - 1)]
    kept = ["bu" if w in ABU and i < len(kept) - 1 else w for i, w in enumerate(kept)]
    out = []
    for word in kept:
        word = DIPHTHONG_AW.sub("o", FINAL_H.sub("", word))  # "Zawr" / "Zor"; not "Hawija", where w is a consonant
        word = DOUBLED.sub(r"\1", word)
        for group, letter in DIGRAPHS:
            word = word.replace(group, letter)
        out.append(word)
    key = DOUBLED.sub(r"\1", VOWELS.sub("", "".join(out)))
    return key if len(key) >= 2 else ""


SYLLABLE = re.compile(r"[aeiou]+")
SIMILAR_ENOUGH = 0.58  # Beiji/Bayji 0.6, Huwajah/Al Hawijah 0.71; Kisik/Al Hasakah 0.17, Rashad/Ar-Raqqah 0.5


def _core(name: str) -> str:
    """Return a name lower-cased, in ASCII, without articles."""
    words = re.sub(r"[^a-z]+", " ", unidecode(name).casefold().replace("'", "")).split()
    return " ".join(w for i, w in enumerate(words) if not (w in ARTICLES and i < len(words) - 1))


def similar_spelling(name: str, other: str) -> bool:
    """Say whether two names with one skeleton are spelt alike enough to be one name, not two that collide.

    Spellings of one name differ in their vowels, not in their number of syllables by more than one: "Beiji" and
    "Bayji" do, "Soleimani" (a person) and "As Salman" (a town) do not.
    """
    a, b = _core(name), _core(other)
    if abs(len(SYLLABLE.findall(a)) - len(SYLLABLE.findall(b))) > 1:
        return False
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR_ENOUGH
