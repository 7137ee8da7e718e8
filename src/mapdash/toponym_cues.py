"""Text cues the recogniser reads around names: datelines, direction words, organisation names, kind phrases.

Pure functions of the text and offsets, so each cue is tested on made-up sentences without a gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
DIRECTION_WORDS = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "northeast",
    "northwest", "southeast", "southwest", "northeastern", "northwestern", "southeastern", "southwestern",
    "north-east", "north-west", "south-east", "south-west", "north-eastern", "north-western", "south-eastern",
    "south-western",
})
_DIRECTION_BEFORE = re.compile(rf"\b(?P<word>{'|'.join(sorted(DIRECTION_WORDS, key=len, reverse=True))})\s+$", re.IGNORECASE)
# Head nouns of bodies named after a place: "Syrian Democratic Forces", "Kurdistan Regional Government",
# "U.S. Central Command", "The New York Times". A state's own institutions stay places ("Iraqi Security Forces").
ORG_TAILS = frozenset({
    "Forces", "Force", "Coalition", "Government", "Command", "Times", "Post", "Tribune", "Journal", "News", "Herald",
    "Party", "Front", "Council", "Units", "Unit", "Brigade", "Brigades", "Movement", "Alliance", "Network", "Agency",
    "Institute", "Ministry", "Army", "Militia", "Militias", "Mobilization", "Committee", "Company", "Corporation",
})
STATE_WORDS = frozenset({"Security", "Armed", "Air", "Special", "Navy", "Naval", "Defence", "Defense", "National",
                         "Federal", "Counter", "Counter-Terrorism", "Border", "Police", "Army", "Government"})
_FOLLOWING_CAPS = re.compile(r"\.?(?:[ \t]+(?:[A-Z][\w.'’-]*|of|and|the))*")
# "the city of X", "X, a city ...", "X city": the town, not its province.
CITY_BEFORE = re.compile(r"\b(?:city|town|village)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
CITY_AFTER = re.compile(r"^,?\s+(?:a|the|an)\s+(?:\w+\s+){0,2}?(?:city|town|village)\b", re.IGNORECASE)
# A preposition NER took into a name: "Near Palmyra" (PERSON), "In Raqqa".
LEADING_PREPOSITION = re.compile(r"(?:Near|In|At|Outside|Around|From|Into|Toward|Towards|Inside|Across|Through)\s+(?=[A-Z])")


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
        evidence = m.group("date") or m.group("tail") is not None or (m.group("qualifier") and rest[:1] in (" ", "\n", ""))
        if evidence and not text[m.end() : m.end() + 1] == ":":
            return Dateline(m.start("place"), m.end("place"))
    return None


def direction_before(text: str, start: int) -> tuple[str, int] | None:
    """Return the direction word just before a name ("northern" in "northern Iraq") and where it starts, or None."""
    offset = max(0, start - 20)
    m = _DIRECTION_BEFORE.search(text[offset:start])
    return (m.group("word"), offset + m.start("word")) if m else None


def names_an_organisation(text: str, end: int) -> bool:
    """Say whether the capitalised words after a name make it a body named after the place ("Syrian Democratic Forces")."""
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
