"""Property-based tests of geoparsing with the real gazetteer and spaCy: spans inside, order kept, scores calibrated."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from test_fuzz import texts

from mapdash.geoparse.pipeline import geoparse
from mapdash.model import Document

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@FAST
@given(text=texts)
def test_recognition_spans_lie_inside_the_text(services, text: str) -> None:
    found = services.recognizer.recognize(text)
    previous_end = 0
    for t in found:
        assert previous_end <= t.start < t.end <= len(text), services.mode  # in order, never overlapping
        previous_end = t.end
        assert text[t.start : t.end] == t.text and t.lookup
        assert t.sentence_start <= t.start and t.end <= t.sentence_end <= len(text)
        assert t.source in ("ner", "gazetteer", "demonym")


@FAST
@given(text=texts)
@example(text='Iraq:APa0AnBR"')  # a spelling variant far from the document's other place: no place, no candidates
@example(text="000011 PArIS US. PArIS")  # one sense per name: the place its mentions agree on comes first
def test_resolution_keeps_order_and_calibrated_scores(services, text: str) -> None:
    toponyms = services.recognizer.recognize(text)
    resolutions = services.resolver.resolve(toponyms)
    assert [r.toponym for r in resolutions] == toponyms
    for r in resolutions:
        assert 0.0 <= r.confidence <= 1.0
        assert all(0.0 <= c.score <= 1.0 for c in r.candidates)
        assert (r.place is None) == (not r.candidates)
        if r.place is not None:
            assert r.candidates[0].place == r.place
            assert -90 <= r.place.lat <= 90 and -180 <= r.place.lon <= 180


@FAST
@given(text=texts)
def test_the_whole_pipeline_keeps_every_span_inside(services, text: str) -> None:
    result = geoparse(Document("fuzz", text), services)
    mentions = {(r.toponym.start, r.toponym.end) for r in result.resolutions if r.place is not None}
    for q in result.quotes:
        assert 0 <= q.start < q.end <= len(text) and q.text.strip()
        assert set(q.mention_spans) <= mentions
    for p in result.phases:
        assert (p.mention_start, p.mention_end) in mentions
        assert 0 <= p.evidence_start <= p.mention_start < p.mention_end <= p.evidence_end <= len(text)
        assert p.date_from is None or p.date_to is None or p.date_from <= p.date_to


@pytest.mark.parametrize("text", ["", " ", "\n\n", "<script>", "Hit", "Hit hit HIT", "\x00" * 5, "Ramadi" * 1000])
def test_edge_texts_geoparse(services, text: str) -> None:
    result = geoparse(Document("edge", text), services)
    assert all(text[r.toponym.start : r.toponym.end] == r.toponym.text for r in result.resolutions)
