"""Plain-text helpers every stage may use: sentences and word tokens with their offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and a
# capital, digit or opening quote; or at a paragraph break. Abbreviations below do not end one.
_SENT_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["“‘(\[]?[A-Z0-9])|\n\s*\n""")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Sen|Rep|Gov|Sec|St|Mt|Ft|Jr|Sr|Inc|Co|Corp|No|vs|etc|U\.S|U\.K|U\.N|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Token:
    """A run of letters in a text and where it stands."""

    start: int
    end: int
    text: str


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each sentence, whitespace trimmed, covering the text in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENT_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if match.group().strip() and _ABBREV.search(text[max(start, end - 12) : match.start() + 1]):
            continue
        _append_trimmed(text, start, end, spans)
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append the span with surrounding whitespace removed, if anything is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def word_tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Return the letter runs of text[start:end] with absolute offsets."""
    stop = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, stop)]
