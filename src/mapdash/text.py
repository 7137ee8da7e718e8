"""Plain-text helpers every stage may use: sentences and word tokens with their offsets, month names, counts."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (with any closing quotes/brackets) when whitespace and a capital, digit,
# opening quote or list bullet ("* Near Mosul, ...", "-- Near Raqqa, ...") follow. A blank line ends one;
# so does a line break, unless the next line starts in lower case (a hard-wrapped sentence).
_END = re.compile(
    r"""[.!?]+["'”’)\]]*(?=[ \t]+["“‘'(\[]?[A-Z0-9]|[ \t]+(?:[*•▪‣]|--?|[–—])[ \t])"""
    r"""|[ \t]*\n[ \t]*\n\s*|[ \t]*\n\s*+(?![a-z])"""
)
# Abbreviations and initials that end in a period without ending the sentence ("Lt. Gen. Sean MacFarland").
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Cmdr|Sgt|Spc|Pvt|Adm|Brig|Sen|Rep|Gov|Sec|Secs|Amb|Prof|Rev|St|Mt|Ft"
    r"|Jr|Sr|Inc|Co|Corp|Ltd|No|Nos|vs|etc|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
    r"|\b[A-Z]|\b(?:[A-Za-z]\.){1,3}[A-Za-z])\.$"
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# A month as releases write it, in full or abbreviated ("Feb. 25, 2016", "25 September"); capitalised only:
# "may", "march" and "sat" are everyday words.
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)(?![a-z])"
)
# Month number by lower-case name or abbreviation, without the point ("sept" -> 9).
MONTH_NUMBERS = {
    name: i
    for i, names in enumerate(
        [
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}


@dataclass(frozen=True)
class Token:
    """A run of letters in a text and where it stands."""

    start: int
    end: int
    text: str


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each sentence in order, trimmed of whitespace, never empty."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if "\n" not in match.group() and _ABBREV.search(text[max(start, match.start() - 12) : match.start() + 1]):
            continue
        end = match.start() if "\n" in match.group() else match.end()
        _append_trimmed(text, start, end, spans)
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append the span without surrounding whitespace, if anything is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def plural(n: int, word: str) -> str:
    """Return a count with its noun, in the plural unless it is one ("1 place", "2 places")."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def word_tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Return the letter runs of text[start:end] with absolute offsets."""
    stop = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, stop)]
