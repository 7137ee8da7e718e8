"""Long texts geoparsed in slices, and what one document may produce capped.

A release is a few kilobytes; a book-length upload is not, and the recogniser, the resolver and the
annotators hold structures that grow faster than the text (spaCy's parse of a million characters takes
gigabytes). So a text longer than one slice is cut at paragraph (else sentence, else word) boundaries into
slices of at most ``Limits.slice_chars`` characters; each slice is geoparsed as a document of its own and
its offsets are shifted back, so memory is bounded by one slice plus the output kept, and time grows with
the number of slices. The output is capped (mentions, quotes, phases): when the mentions cap is reached
geoparsing stops there, and the ``Geoparse.cap_note`` says what was kept and where it stopped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, TypeVar, cast

from mapdash.model import Document, Geoparse, PhaseTag, Quote, Resolution

SLICE_CHARS = 50_000  # about 8,000 words: a real release is never sliced
SliceProgress = Callable[[int, int], None]  # (characters geoparsed, characters in the text)
T = TypeVar("T")
# Every offset field of the geoparser's records; a slice's offsets are shifted by where it starts.
_OFFSETS = frozenset(
    {"start", "end", "sentence_start", "sentence_end", "mention_start", "mention_end", "evidence_start", "evidence_end"}
)
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Limits:
    """What one document may produce, and the size of the slices a long text is geoparsed in."""

    max_mentions: int = 20_000
    max_quotes: int = 5_000
    max_phases: int = 20_000
    slice_chars: int = SLICE_CHARS


def slice_bounds(text: str, size: int = SLICE_CHARS) -> Iterator[tuple[int, int]]:
    """Yield (start, end) slices covering text, each at most size characters, cut at a paragraph, sentence or word."""
    start, n = 0, len(text)
    while start < n:
        end = start + size
        if end >= n:
            yield start, n
            return
        end = _cut(text, start + size // 2, end) or end  # no boundary in the second half: a hard cut
        yield start, end
        start = end


def _cut(text: str, low: int, high: int) -> int | None:
    """Return the last paragraph, else sentence, else word boundary in text[low:high], or None."""
    for pattern in (_PARAGRAPH, _SENTENCE, _SPACE):
        last = None
        for match in pattern.finditer(text, low, high):
            last = match.end()
        if last is not None and last < high:
            return last
    return None


def shifted(record: T, offset: int) -> T:
    """Return a geoparser record (toponym, resolution, quote, phase tag) with every offset moved by offset."""
    if not offset or not is_dataclass(record):
        return record
    changes: dict[str, Any] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if f.name in _OFFSETS and isinstance(value, int):
            changes[f.name] = value + offset
        elif f.name == "mention_spans":
            changes[f.name] = tuple((a + offset, b + offset) for a, b in value)
        elif is_dataclass(value) and not isinstance(value, type) and f.name == "toponym":
            changes[f.name] = shifted(value, offset)
    return replace(cast(Any, record), **changes)  # a dataclass, as checked above


def geoparse_in_slices(
    document: Document,
    parse: Callable[[Document], Geoparse],
    limits: Limits = Limits(),
    progress: SliceProgress | None = None,
) -> Geoparse:
    """Return parse(document), run slice by slice on a long text, offsets shifted back and output capped by limits."""
    text, total = document.text, len(document.text)
    resolutions: list[Resolution] = []
    quotes: list[Quote] = []
    phases: list[PhaseTag] = []
    mode, stopped_at = "gazetteer", None
    for start, end in slice_bounds(text, limits.slice_chars) if total > limits.slice_chars else [(0, total)]:
        part = parse(document if (start, end) == (0, total) else replace(document, text=text[start:end]))
        mode = part.mode
        resolutions += (shifted(r, start) for r in part.resolutions)
        quotes += (shifted(q, start) for q in part.quotes)
        phases += (shifted(p, start) for p in part.phases)
        if progress is not None:
            progress(end, total)
        if len(resolutions) > limits.max_mentions or (len(resolutions) == limits.max_mentions and end < total):
            stopped_at = (
                resolutions[limits.max_mentions].toponym.start if len(resolutions) > limits.max_mentions else end
            )
            break
    notes = []
    if stopped_at is not None:
        resolutions = resolutions[: limits.max_mentions]
        quotes = [q for q in quotes if q.start < stopped_at]
        phases = [p for p in phases if p.mention_start < stopped_at]
        notes.append(
            f"capped at {limits.max_mentions:,} place mentions: geoparsing stopped at character {stopped_at:,}"
            f" of {total:,} ({stopped_at / max(total, 1):.0%})"
        )
    if len(quotes) > limits.max_quotes:
        notes.append(f"first {limits.max_quotes:,} of {len(quotes):,} quotes kept")
        quotes = quotes[: limits.max_quotes]
    if len(phases) > limits.max_phases:
        notes.append(f"first {limits.max_phases:,} of {len(phases):,} phase tags kept")
        phases = phases[: limits.max_phases]
    return Geoparse(
        document=document,
        resolutions=tuple(resolutions),
        mode=mode,
        quotes=tuple(quotes),
        phases=tuple(phases),
        cap_note="; ".join(notes),
    )
