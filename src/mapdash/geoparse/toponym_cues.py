"""Text cues the recogniser reads around names: datelines, direction words, organisation names, kind words,
titles, lists, headings, sentence starts, and English word frequencies.

Pure functions of the text and offsets (the theatre check also asks a gazetteer for demonyms), so each cue is
tested on made-up sentences; `toponyms.Recognizer` weighs them with its gazetteer and NER.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from mapdash.gazetteer.indexes import NameIndex
from mapdash.gazetteer.translit import ARTICLES
from mapdash.model import FeatureKind, Place
from mapdash.text import Token

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE = rf"{MONTH}\s+\d{{1,2}}(?:\s*,\s*\d{{4}})?"
# "SOUTHWEST ASIA, Dec. 20, 2016 --", "WASHINGTON --", "TAMPA, Fla., Aug. 19, 2014 -", "BAGHDAD, Iraq Iraqi ...",
# "WASHINGTON,(June 27, 2016) --": a name in capitals at a line's start, then a qualifier, a date or a dash.
_CAPS_WORD = r"[A-Z][A-Za-z'’.\-]*[A-Z.]"
DATELINE = re.compile(
    rf"^[ \t]*(?P<place>{_CAPS_WORD}(?:[ \t]+{_CAPS_WORD}){{0,4}})"
    rf"(?:[ \t]*,[ \t]*(?P<qualifier>[A-Z][a-z]+\.?(?:[ \t][A-Z][a-z]+\.?)?|(?:[A-Z]\.){{2,3}}))?"
    rf"(?P<date>[ \t]*,?[ \t]*\(?[ \t]*{DATE}[ \t]*\)?)?"
    r"(?P<tail>[ \t]*(?:--|[—–-]))?",
    re.MULTILINE,
)
DATELINE_WINDOW = 1200  # characters from the start: a dateline opens the release, after its title and byline
DIRECTION_WORDS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "north-eastern",
        "north-western",
        "south-eastern",
        "south-western",
    }
)
_DIRECTION_BEFORE = re.compile(
    rf"\b(?P<word>{'|'.join(sorted(DIRECTION_WORDS, key=len, reverse=True))})\s+$", re.IGNORECASE
)
# Head nouns of bodies named after a place: "Syrian Democratic Forces", "Kurdistan Regional Government",
# "U.S. Central Command", "The New York Times". A state's own institutions stay places ("Iraqi Security Forces").
ORG_TAILS = frozenset(
    {
        "Forces",
        "Force",
        "Coalition",
        "Government",
        "Command",
        "Times",
        "Post",
        "Tribune",
        "Journal",
        "News",
        "Herald",
        "Party",
        "Front",
        "Council",
        "Units",
        "Unit",
        "Brigade",
        "Brigades",
        "Movement",
        "Alliance",
        "Network",
        "Agency",
        "Institute",
        "Ministry",
        "Army",
        "Militia",
        "Militias",
        "Mobilization",
        "Committee",
        "Company",
        "Corporation",
    }
)
STATE_WORDS = frozenset(
    {
        "Security",
        "Armed",
        "Air",
        "Special",
        "Navy",
        "Naval",
        "Defence",
        "Defense",
        "National",
        "Federal",
        "Counter",
        "Counter-Terrorism",
        "Border",
        "Police",
        "Army",
        "Government",
    }
)
_FOLLOWING_CAPS = re.compile(r"\.?(?:[ \t]+(?:[A-Z][\w.'’-]*|of|and|the))*")
# "the city of X", "X, a city ...", "X city": the town, not its province.
CITY_BEFORE = re.compile(r"\b(?:city|town|village)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
CITY_AFTER = re.compile(r"^,?\s+(?:a|the|an)\s+(?:\w+\s+){0,2}?(?:city|town|village)\b", re.IGNORECASE)
# A preposition NER took into a name: "Near Palmyra" (PERSON), "In Raqqa".
LEADING_PREPOSITION = re.compile(
    r"(?:Near|In|At|Outside|Around|From|Into|Toward|Towards|Inside|Across|Through)\s+(?=[A-Z])"
)


@dataclass(frozen=True)
class Dateline:
    """Where a release says it was issued: the place's span, and a qualifier's ("Fla.") if any."""

    start: int
    end: int


def find_dateline(text: str) -> Dateline | None:
    """Return the dateline's place span when the release opens with one ("WASHINGTON --"), else None."""
    for m in DATELINE.finditer(text, 0, min(len(text), DATELINE_WINDOW)):
        place = m.group("place")
        if sum(c.isupper() for c in place) < 0.7 * sum(c.isalpha() for c in place) or len(place.strip(".")) < 3:
            continue  # "MacDILL" passes; a title-case heading does not
        rest = text[m.end() : m.end() + 2]
        evidence = (
            m.group("date") or m.group("tail") is not None or (m.group("qualifier") and rest[:1] in (" ", "\n", ""))
        )
        if evidence and not text[m.end() : m.end() + 1] == ":":
            return Dateline(m.start("place"), m.end("place"))
    return None


def direction_before(text: str, start: int) -> tuple[str, int] | None:
    """Return the direction word just before a name ("northern" in "northern Iraq") and where it starts, or None."""
    offset = max(0, start - 20)
    m = _DIRECTION_BEFORE.search(text[offset:start])
    return (m.group("word"), offset + m.start("word")) if m else None


def names_an_organisation(text: str, end: int) -> bool:
    """Say whether the capitalised words after a name make it a body named for a place ("Syrian Democratic Forces")."""
    if text[end : end + 1] == "." and text[end - 2 : end - 1] != ".":
        return False  # a sentence ends here; only initials ("U.S. Central Command") run on after a point
    following = _FOLLOWING_CAPS.match(text, end, min(len(text), end + 80))
    words = following.group().split() if following else []
    while words and words[-1] in ("of", "and", "the"):
        words.pop()
    if not words or words[-1] not in ORG_TAILS:
        return False
    middle = words[:-1]
    if any(w in STATE_WORDS for w in middle):
        return False  # "Iraqi Security Forces", "Iraqi Counter-Terrorism Force": the state's own
    return bool(middle) or words[-1] not in ("Army", "Government", "Forces", "Force", "Police", "Ministry")


REGIME_AFTER = re.compile(r"[’']?s?\s+regime\b", re.IGNORECASE)


def names_a_ruler(text: str, end: int) -> bool:
    """Say whether a name is followed by "regime": a ruler's name ("the Asad regime"), unless it is a country's."""
    return REGIME_AFTER.match(text, end) is not None


def says_city(text: str, start: int, end: int) -> bool:
    """Say whether the text calls the name a city or town: "the city of X", "X, a city long divided"."""
    return bool(CITY_BEFORE.search(text[max(0, start - 30) : start]) or CITY_AFTER.match(text[end : end + 60]))


# --- cues the recogniser reads around one name (moved from toponyms.py: pure functions of text and offsets) ---

# Words after a name that say it is a place of that kind ("Anbar province").
KIND_SUFFIXES: dict[str, FeatureKind] = {
    "province": "admin1",
    "governorate": "admin1",
    "state": "admin1",
    "region": "admin1",
    "prefecture": "admin1",
    "oblast": "admin1",
    "county": "admin2",
    "parish": "admin2",
    "district": "admin2",
    "city": "city",
    "town": "city",
    "village": "city",
}


ACRONYM_MAX = 5


TITLES = frozenset(
    {
        "Col",
        "Gen",
        "Lt",
        "Maj",
        "Capt",
        "Sgt",
        "Adm",
        "Brig",
        "Cmdr",
        "Cpl",
        "Pvt",
        "Spc",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sen",
        "Rep",
        "Gov",
        "Amb",
        "Sec",
        "Prof",
        "Rev",
        "Lt.Col",
        "Msgt",
        "Ssgt",
    }
)


ORG_HEADS = frozenset(
    {
        "State",
        "University",
        "College",
        "Bank",
        "Church",
        "Ministry",
        "Department",
        "Council",
        "Army",
        "Front",
        "Party",
        "Museum",
        "Institute",
        "Times",
        "Post",
        "News",
    }
)


PLURAL_KINDS: dict[str, FeatureKind] = {
    "counties": "admin2",
    "parishes": "admin2",
    "districts": "admin2",
    "provinces": "admin1",
    "governorates": "admin1",
    "states": "admin1",
    "regions": "admin1",
    "cities": "city",
    "towns": "city",
}


_LIST_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}"


LIST_OF_KIND = re.compile(
    rf"(?:\s*(?:,|,?\s+and|,?\s+or|\s*&)\s+{_LIST_NAME})*\s+(?P<kind>{'|'.join(PLURAL_KINDS)})\b", re.IGNORECASE
)


COMMON_ZIPF = 4.5


# wordfreq Zipf value above which a lower-cased name is an everyday English word ("In", "Me", "Or": state codes
# that are also the commonest words)
FUNCTION_WORD_ZIPF = 6.0


ORG_OF = re.compile(r"\b(?P<head>[A-Z][a-z]+) of (?:[A-Z][\w-]+ )?(?:and (?:the )?)?$")


def _inside_org_name(before: str) -> bool:
    """Say whether a name continues an organisation's name: "Islamic State of Iraq (and the Levant)"."""
    m = ORG_OF.search(before)
    return m is not None and m.group("head") in ORG_HEADS


LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)(?:the\s+)?")


def _listed_with(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Say whether a name stands in a list beside a place: "Tikrit, Bayji, al Hawl, the Tishrin Dam, and Sinjar"."""
    i = bisect_left(spans, (start, 0))
    before = spans[i - 1] if i > 0 else None
    after = spans[i] if i < len(spans) and spans[i][0] >= end else (spans[i + 1] if i + 1 < len(spans) else None)
    if after is not None and LIST_GAP.fullmatch(text, end, after[0]) is not None:
        return True
    gap = LIST_GAP.fullmatch(text, before[1], start) if before is not None and before[1] <= start else None
    # "Tikrit, Bayji and al Hawl"; after a bare comma the list must go on ("from Baghdad, Warren said" is no list).
    return gap is not None and (
        re.search(r"\b(?:and|or)\b", gap.group()) is not None
        or LIST_GAP.match(text, end) is not None
        and text[end : end + 1] in ", "
    )


# First words of Arabic place names that no person's name starts with: "Tal Afar", "Ras al Ayn", "Deir Hafir".
TOPONYM_HEADS = frozenset(
    {
        "tal",
        "tall",
        "tel",
        "tell",
        "ras",
        "ayn",
        "ain",
        "jabal",
        "jebel",
        "khan",
        "deir",
        "dayr",
        "kafr",
        "qasr",
        "wadi",
        "jisr",
        "umm",
        "bir",
        "hammam",
        "hamam",
        "qalat",
        "qalaat",
        "sheikh",
    }
)


def _one_word_toponym(name: str) -> bool:
    """Say whether a name is one word but for a leading article or a place-name head ("Al Qaim", "Tal Afar")."""
    words = re.split(r"[\s-]+", name.strip())
    while len(words) > 1 and (words[0].lower() in ARTICLES or words[0].lower() in TOPONYM_HEADS):
        words = words[1:]
    return len(words) == 1 or len(words) == 2 and words[0].lower() in ARTICLES


def _spelling_variant_span(tokens: Sequence[Token], i: int, j: int) -> bool:
    """Say whether tokens i..j may be a transliterated name: no English word first, capitals or articles only."""
    words = [t.text for t in tokens[i : j + 1]]
    return _zipf(words[0].lower()) < COMMON_ZIPF and all(w[0].isupper() or w.lower() in ARTICLES for w in words)


def _is_acronym(name: str) -> bool:
    """Say whether a name is a short run of capitals ("IS", "ISIS", "SDF"), not a word or a dotted abbreviation."""
    letters = name.replace("-", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= ACRONYM_MAX


def _hint(text: str, start: int, end: int) -> FeatureKind | None:
    """Return the kind the words around a name state: its kind word ("Anbar province"), or "the city of X"."""
    kind = _suffix_kind(text, end)
    if kind is None and says_city(text, start, end):
        return "city"
    return kind


def _is_strong(candidates: Sequence[Place], name: str) -> bool:
    """Say whether a name is a country or first-level division, or a large city that is no English word."""
    if any(p.feature in ("country", "admin1") for p in candidates):
        return True
    return any(p.population >= 100_000 for p in candidates) and _zipf(name.lower()) < COMMON_ZIPF


def _names_its_kind(name: str) -> bool:
    """Say whether a name ends in a capitalised kind word: "Rapides Parish", "Fulton County"."""
    last = name.rsplit(maxsplit=1)[-1]
    return " " in name and last[0].isupper() and last.lower() in KIND_SUFFIXES


def _joinable(gap: str) -> bool:
    """Say whether two tokens separated by gap can belong to one name."""
    return gap in (" ", "-", "- ", " -", ". ")


def _after_a_title(text: str, tokens: Sequence[Token], i: int) -> bool:
    """Say whether token i ends a person's name that a rank or title opens ("Lt. Gen. Stephen J. Townsend")."""
    k = i - 1
    while (
        k >= 0
        and i - k <= 4
        and text[tokens[k].end : tokens[k + 1].start] in (" ", ". ")
        and tokens[k].text[0].isupper()
    ):
        if tokens[k].text in TITLES and text[tokens[k].end : tokens[k].end + 1] == ".":
            return True
        k -= 1
    return False


def _sentence_initial(text: str, tokens: Sequence[Token], i: int) -> bool:
    """Say whether token i opens its sentence or a quotation (not after a title's point: "Col. Steve Warren")."""
    if i == 0:
        return True
    gap = text[tokens[i - 1].end : tokens[i].start]
    if gap.startswith(".") and gap.strip() == "." and tokens[i - 1].text in TITLES:
        return False
    return re.search(r"[.!?:;“\"(]\s*$", gap) is not None


def _is_heading(text: str, start: int, end: int, tokens: Sequence[Token]) -> bool:
    """Say whether a sentence is a title-case heading, where capitals prove nothing."""
    if text[end - 1 : end] in '.!?”"' or len(tokens) > 12 or not tokens:
        return False
    capitals = sum(1 for t in tokens if t.text[0].isupper())
    return capitals / len(tokens) >= 0.6


def _suffix_kind(text: str, end: int) -> FeatureKind | None:
    """Return the feature kind the name's own last word or the next word ('Anbar province') states, if any."""
    own = re.search(r"([A-Za-z]+)\W*$", text[max(0, end - 20) : end])
    if own and own.group(1).lower() in KIND_SUFFIXES and own.group(1)[0].isupper():
        return KIND_SUFFIXES[own.group(1).lower()]  # "Rapides Parish", "Fulton County"
    m = re.match(r"\s+([A-Za-z]+)", text[end : end + 20])
    if m and m.group(1).lower() in KIND_SUFFIXES:
        return KIND_SUFFIXES[m.group(1).lower()]
    plural = LIST_OF_KIND.match(text, end, min(len(text), end + 120))  # "Geauga and Medina counties"
    return PLURAL_KINDS[plural.group("kind").lower()] if plural else None


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Say whether [start, end) overlaps any span."""
    return any(s < end and start < e for s, e in spans)


def _names_theatre(text: str, gazetteer: NameIndex) -> bool:
    """Say whether a text names a transliterated country or its people ("Iraq", "Syrians"), not in a person's name."""
    words = gazetteer.theatre_words
    if not words:
        return False
    for m in _theatre_pattern(words).finditer(text):
        if gazetteer.demonym(m.group()) is not None:
            return True  # "Iraqi Security Forces", "Syrians": peoples are nobody's first name
        before = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, m.start() - 20) : m.start()])
        if before and _zipf(before.group(1).lower()) < FUNCTION_WORD_ZIPF - 0.5:
            continue  # "Michael Jordan"; "In Iraq" still counts
        if re.match(r"\s+[A-Z][a-z]", text[m.end() : m.end() + 3]):
            continue  # "Jordan Spieth"
        return True
    return False


@lru_cache(maxsize=4)
def _theatre_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """Return one pattern for the theatre's country names and demonyms, capitalised, whole words."""
    alternatives = "|".join(
        re.escape(w[:1].upper() + w[1:]).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"\b(?:{alternatives})\b")


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    """Return wordfreq's Zipf frequency of an English word (0 when wordfreq is missing)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a declared dependency
        return 0.0
    return float(zipf_frequency(word, "en"))
