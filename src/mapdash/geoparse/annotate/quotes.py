"""Direct quotations and reported speech, each attributed to a speaker.

Direct quotes are runs between double quotation marks (straight or curly). Single quotes are never
delimiters: inside a quote they nest (the "significant 'if'"), elsewhere they are apostrophes.
A quote left open at a paragraph end continues when the next paragraph opens with a quote mark
(the press convention for a multi-paragraph quote). Attribution is looked for after the closing mark
on the same paragraph ("...," the president said), then before the opening mark (Obama said: "..."),
then in a sentence ending in a colon just before the quote (X made the following statement: "..."),
then anywhere in the quote's sentence (for partial quotes). A quote with none continues the previous
quote's speaker, unless it is a few words inside someone else's sentence (a scare quote).
Reported speech is a sentence carrying an attribution clause outside its quotation marks:
"X, he said." / "X, said Ash Carter." / "The president said (that) X." / "X, according to Y." /
"..., noting that X." Transcript turns ("COL. WARREN: ...") are direct quotes of the labelled speaker.
Datelines ("SOUTHWEST ASIA, Dec. 20, 2016 --") are never quoted text. Speakers are people, bodies
("Combined Joint Task Force officials", "the task force") or unnamed sources, resolved by
``speakers.SpeakerRegistry``; an unnamed role ("the spokesman said") takes the name of the next
person quoted directly by name.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mapdash.geoparse.annotate.attribution import (
    AFTER,
    BEFORE,
    IN_SENTENCE,
    INTRO_PHRASE,
    INTRO_SUBJECT,
    LEAD,
    NO_CLAUSE,
    PARTICIPLE,
    ROLE_APPOS,
    SUBJECT,
    TRAIL,
    blank_datelines,
)
from mapdash.geoparse.annotate.speakers import (
    ANONYMOUS,
    BODY,
    DOC_REF,
    INSTITUTION,
    NAME,
    PRONOUN,
    ROLE_REF,
    TITLE,
    Person,
    SpeakerRegistry,
)
from mapdash.geoparse.annotate.transcripts import Turn, transcript_turns
from mapdash.model import Quote
from mapdash.text import sentence_spans

_OPEN, _CLOSE, _STRAIGHT = "“„", "”", '"'
_WINDOW = 200  # characters around a quote searched for its attribution
_SCARE_WORDS = 6  # a quote of at most this many words inside another's sentence may be a scare quote
_MARKS = re.compile(r'[“„”"]|\n')
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class _Direct:
    """A direct quote found by the mark scanner: its content parts (one per paragraph) and mark positions."""

    parts: tuple[tuple[int, int], ...]
    open_mark: int
    close_mark: int | None  # None when the quote ran to a paragraph end unclosed


@dataclass
class _State:
    """What attribution carries from one quote to the next: the previous speaker and unnamed roles awaiting a name."""

    registry: SpeakerRegistry
    previous: tuple[str | None, str | None] = (None, None)
    # quotes (indexes) whose unnamed role ("the spokesman") awaits a name
    awaiting: list[int] = field(default_factory=list)


def find_quotes(text: str, mentions: Sequence[tuple[int, int]]) -> list[Quote]:
    """Return the direct and reported quotes of text in order, attributed, with the place mentions each touches."""
    work = blank_datelines(text)  # the same offsets, datelines blanked: matching never sees them
    sentences = sentence_spans(work)
    mentions = sorted(mentions)  # _mentions_in bisects them
    turns = transcript_turns(work)
    directs = [d for d in _direct_quotes(work) if not any(t.start <= d.open_mark < t.end for t in turns)]
    state = _State(SpeakerRegistry())
    quotes: list[Quote] = []
    pending = list(directs)
    quoted_until = 0  # the end of the last direct quote: sentences inside it are not reported speech
    turn_index = 0
    for s_start, s_end in sentences:
        state.registry.register_titled(work[s_start:s_end])
        while turn_index < len(turns) and turns[turn_index].start < s_end:
            quotes.append(_turn_quote(work, turns[turn_index], state, sentences, mentions))
            turn_index += 1
        if any(t.start <= s_start < t.end for t in turns):
            continue
        here = [d for d in pending if d.open_mark < s_end]
        pending = pending[len(here) :]
        for direct in here:
            quotes.append(_attributed_direct(work, direct, sentences, mentions, state, quotes))
            quoted_until = max(quoted_until, direct.parts[-1][1])
        if s_start >= quoted_until or (here and all(s_start <= d.open_mark for d in here)):
            for quote in _reported_quotes(work, s_start, s_end, here, state, mentions):
                _remember(state, quote, len(quotes))
                quotes.append(quote)
    for turn in turns[turn_index:]:
        quotes.append(_turn_quote(work, turn, state, sentences, mentions))
    quotes = [replace(q, text=text[q.start : q.end]) if q.text == work[q.start : q.end] else q for q in quotes]
    return sorted(quotes, key=lambda q: q.start)


def _attributed_direct(
    work: str,
    direct: _Direct,
    sentences: list[tuple[int, int]],
    mentions: Sequence[tuple[int, int]],
    state: _State,
    quotes: list[Quote],
) -> Quote:
    """Return a direct quote with its speaker: its attribution's, else the last speaker's, else none (scare quote)."""
    attribution = _direct_attribution(work, direct, sentences)
    if attribution is not None:
        speaker, role, named = _speaker(state, attribution)
        if named and state.awaiting and _may_hold(quotes[state.awaiting[0]].role, role):
            # The role named before ("the Pentagon press secretary said") is this person.
            for i in state.awaiting:
                quotes[i] = replace(quotes[i], speaker=speaker, role=role)
            state.awaiting.clear()
        quote = _direct_quote(work, direct, speaker, role, sentences, mentions)
        _remember(state, quote, len(quotes))
        return quote
    if _is_scare_quote(work, direct, sentences):
        return _direct_quote(work, direct, None, None, sentences, mentions)
    introduced = _introduced(work, direct, sentences, state, quotes)
    if introduced is not None:
        quote = _direct_quote(work, direct, introduced.name, introduced.role, sentences, mentions)
        state.registry.spoke(introduced)
        _remember(state, quote, len(quotes))
        return quote
    speaker, role = state.previous
    quote = _direct_quote(work, direct, speaker, role, sentences, mentions)
    if speaker is None and role is not None and state.awaiting and len(quotes) - 1 in state.awaiting:
        state.awaiting.append(len(quotes))
    return quote


# Ranks and offices: "the general" is never a colonel. Functions ("the spokesman", "the press secretary") fit any rank.
_RANKS = {
    "general": ("general", "gen."),
    "admiral": ("admiral", "adm."),
    "colonel": ("colonel", "col."),
    "captain": ("captain", "capt."),
    "president": ("president",),
    "minister": ("minister",),
    "ambassador": ("ambassador",),
    "senator": ("senator", "sen."),
    "governor": ("governor", "gov."),
}


def _may_hold(unnamed_role: str | None, role: str | None) -> bool:
    """Return True when a person with role may be the one an unnamed role ("the general") stood for."""
    words = (unnamed_role or "").lower().split()
    noun = words[-1] if words else ""
    if noun == "secretary" and "press" not in words:
        keys: tuple[str, ...] = ("secretary",)
    else:
        keys = _RANKS.get(noun, ())
    return not keys or role is None or any(k in role.lower() for k in keys)


def _remember(state: _State, quote: Quote, index: int) -> None:
    """Make quote's speaker the previous one; an unnamed role waits for its name."""
    state.previous = (quote.speaker, quote.role)
    last = state.registry.last_speaker
    if quote.speaker is None and quote.role is not None and last is not None and not last.name:
        state.awaiting.append(index)


def _is_scare_quote(work: str, direct: _Direct, sentences: list[tuple[int, int]]) -> bool:
    """Return True for a few quoted words inside a sentence that goes on around them ("met "heavy resistance" in X")."""
    s_start, s_end = _sentence_around(sentences, direct.open_mark)
    if direct.close_mark is None or len(work[direct.parts[0][0] : direct.parts[-1][1]].split()) > _SCARE_WORDS:
        return False
    before = work[s_start : direct.open_mark].strip()
    after = work[direct.close_mark + 1 : s_end].strip(" \t.,;!?")
    return bool(before) and bool(re.search(r"[A-Za-z]", before)) and bool(after or not before.endswith(":"))


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
    return (
        i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-:" or (i + 1 < len(text) and not text[i + 1].isspace())
    )


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
        after = AFTER.match(text, direct.close_mark + 1, min(len(text), direct.close_mark + _WINDOW))
        # A line break after a finished sentence ends the paragraph: what follows is someone else's.
        if after and not ("\n" in after.group() and text[direct.parts[-1][1] - 1] in ".!?"):
            return after
    s_start, s_end = _sentence_around(sentences, direct.open_mark)
    # Attributions are short: bounded windows keep a run-on "sentence" of many quotes linear.
    start = max(s_start, direct.open_mark - _WINDOW)
    before = BEFORE.search(text[start : direct.open_mark])
    if before:
        return before
    intro = _colon_intro(text, direct, sentences)
    if intro is not None:
        return intro
    end = max(s_end, direct.parts[-1][1])
    after_close = (direct.close_mark or end) + 1
    outside = text[start : direct.open_mark] + " … " + text[after_close : min(end, after_close + _WINDOW)]
    return IN_SENTENCE.search(outside) if direct.open_mark > s_start else None


def _introduced(
    work: str,
    direct: _Direct,
    sentences: list[tuple[int, int]],
    state: _State,
    quotes: Sequence[Quote],
) -> Person | None:
    """Return the titled person a narrative sentence just introduced, when an unattributed quote paragraph follows.

    "Army Col. X, a coalition spokesman, briefed reporters. / "We are winning."": the quote is X's, not the last
    speaker's. Headings between them are skipped; a sentence that holds a quote introduces nobody.
    """
    line_start = work.rfind("\n", 0, direct.open_mark) + 1
    if work[line_start : direct.open_mark].strip():
        return None  # not the start of a paragraph
    i = bisect_right(sentences, direct.open_mark, key=lambda span: span[0]) - 2
    while i >= 0 and not re.search(r"[.!?:][\"”’)]?$", work[sentences[i][0] : sentences[i][1]]):
        i -= 1  # a heading ("Progress in Syria")
    if i < 0 or any(q.start < sentences[i][1] and q.end > sentences[i][0] for q in quotes):
        return None
    s_start, s_end = sentences[i]
    phrase = INTRO_PHRASE.match(work, s_start, s_end)
    subject = SUBJECT.match(work, s_start, s_end) or (phrase and SUBJECT.match(work, phrase.end(), s_end))
    if not subject or not re.fullmatch(rf"(?:[\w.'’-]+\s+){{0,8}}?{TITLE}{NAME}", subject.group("spk")):
        return None
    person = state.registry.resolve(subject.group("spk"))
    return person if person is not None and person.name else None


def _colon_intro(text: str, direct: _Direct, sentences: list[tuple[int, int]]) -> re.Match[str] | None:
    """Return the subject of the sentence that ends in a colon right before the quote ("X released this statement:")."""
    head = text[: direct.open_mark].rstrip()
    if not head.endswith(":"):
        return None
    s_start, _ = _sentence_around(sentences, len(head) - 1)
    intro = text[s_start : len(head)]
    if len(intro) > 2 * _WINDOW:
        return None
    phrase = INTRO_PHRASE.match(intro)
    return BEFORE.search(intro) or INTRO_SUBJECT.match(intro) or (phrase and INTRO_SUBJECT.match(intro, phrase.end()))


def _speaker(state: _State, attribution: re.Match[str]) -> tuple[str | None, str | None, bool]:
    """Return (speaker, role, named) for an attribution match and remember the speaker.

    named is True when the attribution named a person (directly or by a role someone holds), not by a pronoun.
    """
    registry = state.registry
    groups = attribution.groupdict()
    expr = " ".join((groups.get("spk") or groups.get("spk2") or groups.get("spk3") or "").split())
    appos = (groups.get("appos") or groups.get("appos2") or "").strip()
    role = re.sub(r"^(?:the|a|an)\s+", "", appos) if appos and ROLE_APPOS.fullmatch(appos) else None
    if _is_body(expr):
        return registry.resolve_body(expr), None, False
    person: Person | None = registry.resolve(expr, role)
    if appos and not re.fullmatch(PRONOUN, expr):
        registry.describe(person, appos)
    if person is None and re.fullmatch(ROLE_REF, expr):
        person = Person("", re.sub(r"^[Tt]he\s+", "", expr))  # an unnamed role, named later
    registry.spoke(person)
    if person is not None and person.name:
        return person.name, person.role, not re.fullmatch(PRONOUN, expr)
    if person is not None:
        return None, person.role, False
    if re.fullmatch(ANONYMOUS, expr):  # unnamed: keep what they are
        return None, re.sub(r"^(?:[Tt]he\s+|[Aa]n?\s+|[Oo]ne\s+)", "", expr), False
    return None, None, False


def _is_body(expr: str) -> bool:
    """Return True for a body, institution or document speaking ("officials", "the task force", "the release")."""
    return any(re.fullmatch(p, expr) for p in (BODY, INSTITUTION, DOC_REF))


def _direct_quote(
    text: str,
    direct: _Direct,
    speaker: str | None,
    role: str | None,
    sentences: list[tuple[int, int]],
    mentions: Sequence[tuple[int, int]],
) -> Quote:
    """Return the Quote record of a direct quote (paragraphs joined by a newline)."""
    start, end = direct.parts[0][0], direct.parts[-1][1]
    body = "\n".join(text[s:e] for s, e in direct.parts)
    return Quote(start, end, body, speaker, role, "direct", _mentions_near(start, end, sentences, mentions))


def _turn_quote(
    work: str,
    turn: Turn,
    state: _State,
    sentences: list[tuple[int, int]],
    mentions: Sequence[tuple[int, int]],
) -> Quote:
    """Return a transcript turn as a direct quote of its labelled speaker."""
    person = state.registry.resolve(turn.speaker) if turn.speaker else None
    speaker = person.name if person is not None else turn.speaker
    role = person.role if person is not None else None
    quote = Quote(
        turn.start,
        turn.end,
        work[turn.start : turn.end],
        speaker,
        role,
        "direct",
        _mentions_near(turn.start, turn.end, sentences, mentions),
    )
    state.previous = (speaker, role)
    return quote


def _reported_quotes(
    work: str,
    s_start: int,
    s_end: int,
    directs: Sequence[_Direct],
    state: _State,
    mentions: Sequence[tuple[int, int]],
) -> list[Quote]:
    """Return the reported statements of a sentence: its attribution clause's, then a participle's ("noting that X")."""
    found: list[Quote] = []
    # A sentence that opens with a quote mark is a quotation with its attribution: the direct quote is the statement.
    if work[s_start] not in _OPEN + _STRAIGHT:
        found = _reported(work, s_start, s_end, directs, state, mentions)
    for participle in _participle(work, s_start, s_end, directs, state, mentions):
        if not any(q.start <= participle.start < q.end for q in found):
            found.append(participle)
    return found


def _reported(
    work: str,
    s_start: int,
    s_end: int,
    directs: Sequence[_Direct],
    state: _State,
    mentions: Sequence[tuple[int, int]],
) -> list[Quote]:
    """Return the reported statement of a sentence with an attribution clause outside its quote marks, if any."""
    sentence = work[s_start:s_end]
    lead = LEAD.match(sentence)
    if lead and (
        NO_CLAUSE.fullmatch(" " + sentence[lead.end() :])
        or len(sentence[lead.end() :].split()) < 3
        or _inside_quote(s_start + lead.start("spk" if lead.group("spk") else "spk2"), directs)
    ):
        lead = None  # "X grew, officials said today.": the clause before is the statement
    if lead:
        attribution, pieces, body = lead, [(s_start + lead.end(), s_end)], None
    else:
        trail = next((t for t in TRAIL.finditer(sentence) if not _inside_quote(s_start + t.start(), directs)), None)
        if trail is None:
            return []
        attribution, pieces, body = trail, [(s_start, s_start + trail.start())], None
        # "X, he said, with Y." goes on after the clause; in "X, he said Tuesday at ..." the rest is the clause's.
        more = re.match(r",\s*(?P<more>\S.*)$", sentence[trail.end() :], re.DOTALL)
        if more and not PARTICIPLE.match(sentence, trail.end()):
            pieces.append((s_start + trail.end() + more.start("more"), s_end))
            body = work[s_start : s_start + trail.start()] + ", " + more.group("more").rstrip(" .!?;")
    participle = PARTICIPLE.search(work, pieces[-1][0], pieces[-1][1])
    if participle is not None and body is None:
        pieces[-1] = (pieces[-1][0], participle.start())
    c_start, c_end = pieces[0][0], _strip_end(work, pieces[0][0], pieces[-1][1])
    if _mostly_quoted(c_start, c_end, directs) or len(work[c_start:c_end].split()) < 3:
        return []  # "X said on Friday: "..."": the direct quote is the statement
    speaker, role, _ = _speaker(state, attribution)
    state.previous = (speaker, role)
    inside = [d for d in directs if c_start <= d.open_mark < c_end]
    if not inside:
        return [
            Quote(
                c_start,
                c_end,
                body or work[c_start:c_end],
                speaker,
                role,
                "reported",
                _mentions_in(s_start, s_end, mentions),
            )
        ]
    # Quoted words inside the statement are a direct quote of their own: the statement is the words around them.
    return [
        Quote(a, b, work[a:b], speaker, role, "reported", _mentions_in(s_start, s_end, mentions))
        for a, b in _outside(work, pieces, inside)
    ]


def _outside(work: str, pieces: Sequence[tuple[int, int]], directs: Sequence[_Direct]) -> list[tuple[int, int]]:
    """Return the stretches of pieces outside the direct quotes' marks, trimmed, of three words or more."""
    cuts = sorted((d.open_mark, (d.close_mark if d.close_mark is not None else d.parts[-1][1]) + 1) for d in directs)
    stretches = []
    for a, b in pieces:
        pos = a
        for open_mark, after_close in cuts:
            if a <= open_mark < b:
                stretches.append((pos, open_mark))
                pos = max(pos, after_close)
        stretches.append((pos, b))
    kept = []
    for a, b in stretches:
        while a < b and (work[a].isspace() or work[a] in ",;:"):
            a += 1
        b = _strip_end(work, a, b)
        if len(work[a:b].split()) >= 3:
            kept.append((a, b))
    return kept


def _participle(
    work: str,
    s_start: int,
    s_end: int,
    directs: Sequence[_Direct],
    state: _State,
    mentions: Sequence[tuple[int, int]],
) -> list[Quote]:
    """Return the statement of "..., noting that X" / "..., adding that X", by the sentence's speaker."""
    match = PARTICIPLE.search(work, s_start, s_end)
    if match is None or _inside_quote(match.start(), directs):
        return []
    c_start, c_end = match.end(), _strip_end(work, match.end(), s_end)
    if len(work[c_start:c_end].split()) < 3:
        return []
    in_sentence = [d for d in directs if s_start <= d.open_mark < match.start()]
    if in_sentence or LEAD.match(work, s_start, s_end) or TRAIL.search(work, s_start, match.start()):
        speaker, role = state.previous  # the sentence's quote or statement set it just before
    else:
        subject = SUBJECT.match(work, s_start, match.start())
        if subject is None:
            return []
        speaker, role, _ = _speaker(state, subject)
        state.previous = (speaker, role)
    inside = [d for d in directs if c_start <= d.open_mark < c_end]
    return [
        Quote(a, b, work[a:b], speaker, role, "reported", _mentions_in(s_start, s_end, mentions))
        for a, b in _outside(work, [(c_start, c_end)], inside)
    ]


def _mostly_quoted(start: int, end: int, directs: Sequence[_Direct]) -> bool:
    """Return True when direct quotes fill half or more of [start, end)."""
    quoted = sum(max(0, min(end, e) - max(start, s)) for d in directs for s, e in d.parts)
    return quoted * 2 >= max(1, end - start)


def _inside_quote(offset: int, directs: Sequence[_Direct]) -> bool:
    """Return True when offset lies between the marks of one of the direct quotes."""
    return any(d.open_mark <= offset <= (d.close_mark if d.close_mark is not None else d.parts[-1][1]) for d in directs)


def _strip_end(text: str, start: int, end: int) -> int:
    """Return end moved back over trailing punctuation and spaces."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".!?;,"):
        end -= 1
    return end


def _sentence_around(sentences: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """Return the sentence holding offset, or the nearest one before it."""
    i = bisect_right(sentences, offset, key=lambda span: span[0]) - 1
    return sentences[i] if i >= 0 else (0, 0)


def _mentions_near(
    start: int,
    end: int,
    sentences: list[tuple[int, int]],
    mentions: Sequence[tuple[int, int]],
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
