"""Direct quotations and reported speech, each attributed to a speaker.

Direct quotes are runs between double quotation marks (straight or curly). Single quotes are never
delimiters: inside a quote they nest (the "significant 'if'"), elsewhere they are apostrophes.
A quote left open at a paragraph end continues when the next paragraph opens with a quote mark
(the press convention for a multi-paragraph quote). Attribution is looked for after the closing mark
("...," the president said), then before the opening mark (Obama said: "..."), then anywhere in the
quote's sentence (for partial quotes); a quote with none continues the previous quote's speaker.
Reported speech is a sentence without quote marks that carries an attribution clause:
"X, he said." / "X, said Ash Carter." / "The president said (that) X." / "X, according to Y."
Speakers are resolved by ``speakers.SpeakerRegistry``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from mapdash.text import sentence_spans
from mapdash.annotate.speakers import ANONYMOUS, ROLE_REF, SPEAKER, VERB, Person, SpeakerRegistry
from mapdash.model import Quote

_OPEN, _CLOSE, _STRAIGHT = "“„", "”", '"'
_WINDOW = 200  # characters around a quote searched for its attribution
_MARKS = re.compile(r'[“„”"]|\n')
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# ", general counsel for the department," between a name and its verb; one inner comma ("Adam, 14, from Botley,").
_APPOS = r"(?:,\s+(?P<appos>[^,“”\"\n]{2,80}?)(?:,\s+[^,“”\"\n]{2,60}?)?,)?"
_TAIL_APPOS = r"(?:,\s+(?P<appos2>[^,.;“”\"\n]{2,80}))?"
_AFTER = re.compile(
    rf"\s*(?:,|--|—|–)?\s*(?:(?P<spk>{SPEAKER}){_APPOS}\s+(?:also\s+|later\s+|then\s+)?{VERB}\b"
    rf"|{VERB}\s+(?P<spk2>{SPEAKER}){_TAIL_APPOS})"
)
_BEFORE = re.compile(
    rf"(?:\b(?P<spk>{SPEAKER}){_APPOS}\s+(?:also\s+|later\s+|then\s+)?{VERB}(?:\s+[a-z]+){{0,4}}"
    rf"|\b[Aa]ccording\s+to\s+(?P<spk2>{SPEAKER}))\s*[,:]?\s*$"
)
# Anywhere in the sentence, for a partial quote ("He called the deal "a first step" toward peace").
_IN_SENTENCE = re.compile(
    rf"\b(?P<spk>{SPEAKER})\s+(?:also\s+|later\s+|then\s+)?(?:{VERB}|called|described|dubbed|termed)\b"
    rf"|\b(?:{VERB})\s+(?P<spk2>{SPEAKER})"
)
_TRAIL = re.compile(
    rf",\s*(?:(?P<spk>{SPEAKER}){_APPOS}\s+(?:also\s+|later\s+)?{VERB}\b|{VERB}\s+(?P<spk2>{SPEAKER}){_TAIL_APPOS}(?=[\s,.;]|$)"
    rf"|according\s+to\s+(?P<spk3>{SPEAKER}))"
)
_LEAD = re.compile(
    rf"^(?:(?:And|But|Yet|Also)\s+)?(?:(?P<spk>{SPEAKER}){_APPOS}\s+(?:also\s+|later\s+|then\s+)?"
    rf"(?:(?:said|says|told\s+(?:reporters|journalists|[a-z]+))\s+(?:that\s+)?|{VERB}\s+that\s+)"
    rf"|According\s+to\s+(?P<spk2>{SPEAKER}),\s*)"
)
# An appositive that reads as a role ("the defense secretary", "general counsel for the department").
_ROLE_APPOS = re.compile(
    r"(?:(?:the|a|an)\s+)?(?!(?:from|of|in|who|which|whose|at|on|with|and|but|as)\b|[a-z]+ing\b)[a-z][a-z .’'-]*"
    r"(?:\s+(?:of|for|at)\s+[\w .’'-]+)?"
)


@dataclass(frozen=True)
class _Direct:
    """A direct quote found by the mark scanner: its content parts (one per paragraph) and mark positions."""

    parts: tuple[tuple[int, int], ...]
    open_mark: int
    close_mark: int | None  # None when the quote ran to a paragraph end unclosed


def find_quotes(text: str, mentions: Sequence[tuple[int, int]]) -> list[Quote]:
    """Return the direct and reported quotes of text in order, attributed, with the place mentions each touches."""
    sentences = sentence_spans(text)
    mentions = sorted(mentions)  # _mentions_in bisects them
    directs = _direct_quotes(text)
    registry = SpeakerRegistry()
    quotes: list[Quote] = []
    previous: tuple[str | None, str | None] = (None, None)
    pending = list(directs)
    quoted_until = 0  # the end of the last direct quote: sentences inside it are not reported speech
    for s_start, s_end in sentences:
        registry.register_titled(text[s_start:s_end])
        here = [d for d in pending if d.open_mark < s_end]
        pending = pending[len(here) :]
        for direct in here:
            attribution = _direct_attribution(text, direct, sentences)
            speaker, role = _speaker(registry, attribution) if attribution else previous
            quotes.append(_direct_quote(text, direct, speaker, role, sentences, mentions))
            previous = (speaker, role)
            quoted_until = max(quoted_until, direct.parts[-1][1])
        if not here and s_start >= quoted_until and not _has_quote_mark(text, s_start, s_end):
            reported = _reported(text, s_start, s_end, registry, mentions)
            if reported is not None:
                quotes.append(reported)
                previous = (reported.speaker, reported.role)
    return quotes


def _direct_quotes(text: str) -> list[_Direct]:
    """Return the double-quoted runs of text, joining paragraphs of a multi-paragraph quote."""
    found: list[_Direct] = []
    open_at: int | None = None
    open_mark = 0
    parts: list[tuple[int, int]] = []
    pos = 0
    while (match := _MARKS.search(text, pos)) is not None:
        i, char = match.start(), match.group()
        pos = i + 1
        if char == "\n":
            if open_at is None:
                continue
            nxt = i
            while nxt < len(text) and text[nxt].isspace():
                nxt += 1
            if nxt < len(text) and text[nxt] in _OPEN + _STRAIGHT:
                parts.append((open_at, i))  # the next paragraph reopens the same quote
                open_at, pos = nxt + 1, nxt + 1
            elif not _blank_line_at(text, i) and _closes_before_blank_line(text, nxt):
                continue  # a hard-wrapped line inside the quote
            else:
                found.append(_Direct(tuple(parts + [(open_at, i)]), open_mark, None))
                open_at, parts = None, []
        elif open_at is None and _is_opening(text, i):
            open_at, open_mark, parts = i + 1, i, []
        elif open_at is not None and char in _OPEN:
            # An opening mark inside an open quote: the earlier one was never closed.
            found.append(_Direct(tuple(parts + [(open_at, i)]), open_mark, None))
            open_at, open_mark, parts = i + 1, i, []
        elif open_at is not None:
            found.append(_Direct(tuple(parts + [(open_at, i)]), open_mark, i))
            open_at, parts = None, []
    if open_at is not None:
        found.append(_Direct(tuple(parts + [(open_at, len(text))]), open_mark, None))
    return [d for d in (_trimmed(text, d) for d in found) if d.parts]


def _is_opening(text: str, i: int) -> bool:
    """Return True when the mark at i opens a quote: a curly opener, or a straight one not glued to a word before."""
    if text[i] in _OPEN:
        return True
    if text[i] in _CLOSE:
        return False
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-:" or (i + 1 < len(text) and not text[i + 1].isspace())


def _blank_line_at(text: str, i: int) -> bool:
    """Return True when the newline at i is followed by a blank line."""
    return _BLANK_LINE.match(text, i) is not None


def _closes_before_blank_line(text: str, start: int) -> bool:
    """Return True when a closing mark comes before the next blank line (or the end)."""
    blank = _BLANK_LINE.search(text, start)
    stop = blank.start() if blank else len(text)
    return any(c in _CLOSE + _STRAIGHT for c in text[start:stop])


def _trimmed(text: str, direct: _Direct) -> _Direct:
    """Return the quote with each part trimmed of whitespace and the trailing comma, dropping empty parts."""
    parts = []
    for start, end in direct.parts:
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        if end > start:
            parts.append((start, end))
    return _Direct(tuple(parts), direct.open_mark, direct.close_mark)


def _direct_attribution(text: str, direct: _Direct, sentences: list[tuple[int, int]]) -> re.Match[str] | None:
    """Return the attribution match of a direct quote (speaker in group spk or spk2), or None when it has none."""
    if direct.close_mark is not None:
        after = _AFTER.match(text, direct.close_mark + 1, min(len(text), direct.close_mark + _WINDOW))
        if after:
            return after
    s_start, s_end = _sentence_around(sentences, direct.open_mark)
    # Attributions are short: bounded windows keep a run-on "sentence" of many quotes linear.
    start = max(s_start, direct.open_mark - _WINDOW)
    before = _BEFORE.search(text[start : direct.open_mark])
    if before:
        return before
    end = max(s_end, direct.parts[-1][1])
    after_close = (direct.close_mark or end) + 1
    outside = text[start : direct.open_mark] + " … " + text[after_close : min(end, after_close + _WINDOW)]
    return _IN_SENTENCE.search(outside) if direct.open_mark > s_start else None


def _speaker(registry: SpeakerRegistry, attribution: re.Match[str]) -> tuple[str | None, str | None]:
    """Return (speaker, role) for an attribution match and remember the speaker."""
    groups = attribution.groupdict()
    expr = " ".join((groups.get("spk") or groups.get("spk2") or groups.get("spk3") or "").split())
    appos = (groups.get("appos") or groups.get("appos2") or "").strip()
    role = re.sub(r"^(?:the|a|an)\s+", "", appos) if appos and _ROLE_APPOS.fullmatch(appos) else None
    person: Person | None = registry.resolve(expr, role)
    registry.spoke(person)
    if person is not None:
        return person.name, person.role
    if re.fullmatch(ROLE_REF, expr) or re.fullmatch(ANONYMOUS, expr):  # unnamed: keep what they are
        return None, re.sub(r"^(?:[Tt]he|[Aa]n?|[Oo]ne)\s+", "", expr)
    return None, None


def _direct_quote(
    text: str, direct: _Direct, speaker: str | None, role: str | None,
    sentences: list[tuple[int, int]], mentions: Sequence[tuple[int, int]],
) -> Quote:
    """Return the Quote record of a direct quote (paragraphs joined by a newline)."""
    start, end = direct.parts[0][0], direct.parts[-1][1]
    body = "\n".join(text[s:e] for s, e in direct.parts)
    return Quote(start, end, body, speaker, role, "direct", _mentions_near(start, end, sentences, mentions))


def _reported(
    text: str, s_start: int, s_end: int, registry: SpeakerRegistry, mentions: Sequence[tuple[int, int]],
) -> Quote | None:
    """Return the reported statement of a sentence with an attribution clause, or None."""
    sentence = text[s_start:s_end]
    lead = _LEAD.match(sentence)
    if lead:
        attribution, c_start, c_end, body = lead, s_start + lead.end(), s_end, None
    else:
        trail = _TRAIL.search(sentence)
        if trail is None:
            return None
        attribution, c_start, c_end, body = trail, s_start, s_start + trail.start(), None
        # "X, he said, with Y." goes on after the clause; in "X, he said Tuesday at ..." the rest is the clause's.
        more = re.match(r",\s*(?P<more>\S.*)$", sentence[trail.end() :], re.DOTALL)
        if more:
            c_end = s_end
            body = text[c_start : s_start + trail.start()] + ", " + more.group("more")
    c_end = _strip_end(text, c_start, c_end)
    if body is not None:
        body = body.rstrip(" .!?;")
    if len(text[c_start:c_end].split()) < 3:
        return None
    speaker, role = _speaker(registry, attribution)
    return Quote(c_start, c_end, body or text[c_start:c_end], speaker, role, "reported", _mentions_in(s_start, s_end, mentions))


def _strip_end(text: str, start: int, end: int) -> int:
    """Return end moved back over trailing punctuation and spaces."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".!?;,"):
        end -= 1
    return end


def _sentence_around(sentences: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """Return the sentence holding offset, or the nearest one before it."""
    i = bisect_right(sentences, offset, key=lambda span: span[0]) - 1
    return sentences[i] if i >= 0 else (0, 0)


def _has_quote_mark(text: str, start: int, end: int) -> bool:
    """Return True when text[start:end] holds a double quotation mark."""
    return any(c in _OPEN + _CLOSE + _STRAIGHT for c in text[start:end])


def _mentions_near(
    start: int, end: int, sentences: list[tuple[int, int]], mentions: Sequence[tuple[int, int]],
) -> tuple[tuple[int, int], ...]:
    """Return the mentions inside the span or inside a sentence it overlaps."""
    first, last = _sentence_around(sentences, start), _sentence_around(sentences, max(start, end - 1))
    lo = first[0] if first[1] > start else start
    return _mentions_in(min(lo, start), max(last[1], end), mentions)


def _mentions_in(start: int, end: int, mentions: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Return the mentions lying within [start, end), in text order (mentions sorted)."""
    # A bisect, not a scan of all mentions: a scan per sentence made long texts quadratic.
    lo, hi = bisect_left(mentions, (start, -math.inf)), bisect_right(mentions, (end, end))
    return tuple((s, e) for s, e in mentions[lo:hi] if e <= end)
