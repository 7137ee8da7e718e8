"""Property tests: no input crashes the annotate stage, and every span it returns lies inside the text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapdash.geoparse.annotate import (
    MentionRef,
    assign_phases,
    find_quotes,
    load_phase_taxonomy,
    resolve_relative_dates,
    sentence_spans,
)

TAXONOMY = load_phase_taxonomy(Path(__file__).resolve().parents[2] / "data" / "phases.toml")
# Pieces that make the rules fire: quote marks, speakers, speech verbs, cue words, place-like names.
PIECES = [
    "“",
    "”",
    '"',
    "‘",
    "’",
    "'",
    ",",
    ".",
    "!",
    "?",
    ":",
    ";",
    "--",
    "—",
    "\n",
    "\n\n",
    " ",
    "(",
    ")",
    "he said",
    "said",
    "Obama said",
    "the president said",
    "President Barack Obama",
    "Defense Secretary Ash Carter",
    "she",
    "according to",
    "noted that",
    "told reporters that",
    "Lt.",
    "Gen.",
    "U.S.",
    "pushed ISIL out of",
    "retook",
    "the next phase will target",
    "ISIL-controlled",
    "ultimate goal of retaking",
    "self-proclaimed capital of",
    "airstrikes in",
    "strike on a camp in",
    "aircraft are striking",
    "thanked",
    "for",
    "cessation of hostilities in",
    "no cease-fire",
    "partners from",
    "to",
    "beyond",
    "work with",
    "Mosul",
    "Iraq",
    "Iraq’s",
    "Anbar province",
    "Raqqa",
    "Syria",
    "Dutch",
    "Hit",
    "and",
    "the",
    "yesterday evening",
    "last week",
    "recently",
    "on Tuesday",
    "Feb. 29",
    "in June 2014",
    "3 weeks ago",
    "since 2014",
    "\ue000",
    "\ue001",
    "0",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=60).map(lambda parts: " ".join(parts)),
    st.lists(st.sampled_from(PIECES), max_size=60).map(lambda parts: "".join(parts)),
)
FEATURES = ["country", "admin1", "admin2", "city", "region", "unknown"]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def text_and_mentions(draw: st.DrawFn) -> tuple[str, list[MentionRef]]:
    """Draw a text and mentions: mostly inside it, some overlapping or out of range."""
    text = draw(texts)
    n = len(text)
    spans = draw(st.lists(st.tuples(st.integers(-3, n + 3), st.integers(0, 12)), max_size=12))
    mentions = [
        MentionRef(
            s,
            s + length,
            draw(st.sampled_from(["Mosul", "Iraq", ""])),
            draw(st.sampled_from(FEATURES)),
            draw(st.sampled_from(["IQ", "SY", "NL", "US", ""])),
        )
        for s, length in spans
    ]
    return text, mentions


@FAST
@given(texts)
def test_sentence_spans_cover_the_text_in_order(text: str) -> None:
    spans = sentence_spans(text)
    previous_end = 0
    for s, e in spans:
        assert previous_end <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        previous_end = e
    covered = {i for s, e in spans for i in range(s, e)}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@FAST
@given(text_and_mentions())
def test_quotes_lie_inside_the_text(data: tuple[str, list[MentionRef]]) -> None:
    text, mentions = data
    spans = [(m.start, m.end) for m in mentions]
    quotes = find_quotes(text, spans)
    previous_end = 0
    for q in quotes:
        assert previous_end <= q.start < q.end <= len(text)  # in order, never overlapping
        previous_end = q.end
        assert q.kind in ("direct", "reported") and q.text.strip()
        assert set(q.mention_spans) <= set(spans)
        assert all(0 <= s and e <= len(text) for s, e in q.mention_spans)


@FAST
@given(text_and_mentions())
def test_phase_tags_lie_inside_the_text(data: tuple[str, list[MentionRef]]) -> None:
    text, mentions = data
    tags = assign_phases(text, mentions, TAXONOMY)
    given_spans = {(m.start, m.end) for m in mentions}
    assert len({(t.mention_start, t.mention_end, t.phase) for t in tags}) == len(tags)
    for t in tags:
        assert (t.mention_start, t.mention_end) in given_spans
        assert 0 <= t.evidence_start <= t.mention_start < t.mention_end <= t.evidence_end <= len(text)
        assert t.phase in TAXONOMY and 0 < t.confidence <= 1 and t.rule


@FAST
@given(texts, st.one_of(st.none(), st.dates()))
def test_dates_lie_inside_the_text(text: str, published: date | None) -> None:
    previous_end = 0
    for expr in resolve_relative_dates(text, published):
        assert previous_end <= expr.start < expr.end <= len(text)
        previous_end = expr.end
        assert text[expr.start : expr.end] == expr.text
        assert expr.date_from <= expr.date_to
