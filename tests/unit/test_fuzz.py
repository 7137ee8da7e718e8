"""Property tests (hypothesis): recognition, resolution, the whole pipeline, ingest cleaning and the map's
escaping never crash on arbitrary text, and every span they return lies inside it.

Recognition runs with the real gazetteer in both modes (spaCy + gazetteer, gazetteer only); the annotate
stage alone is covered by test_annotate_props.py.
"""

from __future__ import annotations

import html
import json

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapdash.geoparse.ingest import IngestError, clean_text
from mapdash.geoparse.pipeline import geoparse
from mapdash.geoparse.toponyms import _chunks
from mapdash.model import Document
from mapdash.render.maps import _script_json, place_features

# Pieces that make the stages work: place names (common-word ones too), demonyms, cue words, quotes,
# abbreviations, markup and script injection, other scripts, odd whitespace.
PIECES = [
    "Mosul",
    "Iraq",
    "Iraq’s",
    "Iraqi",
    "Anbar province",
    "the city of Ramadi",
    "Hit",
    "hit",
    "Raqqa",
    "Syria",
    "Dutch",
    "Paris",
    "Georgia",
    "Atlanta",
    "New York",
    "Saudi Arabia",
    "United Arab Emirates",
    "Islamic State of Iraq and the Levant",
    "President Barack Obama",
    "Ash Carter",
    "Lt. Gen.",
    "U.S.",
    "he said",
    "said",
    "according to",
    "told reporters that",
    "retook",
    "pushed ISIL out of",
    "the next phase will target",
    "ISIL-controlled",
    "airstrikes in",
    "on Tuesday",
    "last week",
    "“",
    "”",
    '"',
    "‘",
    "’",
    "'",
    "«",
    "»",
    ",",
    ".",
    "!",
    "?",
    ":",
    ";",
    "—",
    "-",
    "(",
    ")",
    "\n",
    "\n\n",
    " ",
    "\t",
    "\u00a0",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</div>",
    "javascript:alert(1)",
    "`rm -rf`",
    "&amp;",
    "&lt;",
    "الموصل",
    "拉马迪",
    "Рамади",
    "Hīt",
    "Cafe\u0301",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\x00",
    "\x0b",
    "🗺️",
    "\ue000",
    "0",
    "2016",
]
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)
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


@settings(max_examples=300, deadline=None)
@given(text=texts, is_html=st.booleans())
def test_cleaning_returns_text_or_a_clear_error(text: str, is_html: bool) -> None:
    try:
        cleaned = clean_text(text, is_html=is_html)
    except IngestError as exc:
        assert str(exc) == "no article text found"
        return
    assert cleaned.text.strip() and "\n\n\n" not in cleaned.text
    assert cleaned.title is None or "\n" not in cleaned.title


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(1, 60), cuts=st.lists(st.integers(0, 400), max_size=20))
def test_ner_chunks_cover_the_text_within_the_limit(text: str, limit: int, cuts: list[int]) -> None:
    ends = sorted({min(c, len(text)) for c in cuts} - {0})
    sentences = list(zip([0, *ends][: len(ends)], ends, strict=True))
    pieces = _chunks(text, sentences, limit)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    for (_, e), (s2, _) in zip(pieces, pieces[1:], strict=False):
        assert e == s2  # contiguous: no character is skipped or read twice
    assert all(s < e <= s + limit for s, e in pieces) if text else pieces == [(0, 0)]


HOSTILE = st.text(max_size=60).map(lambda s: f"{s}<x-evil onerror=alert(1)>{s}")
TEXT_COLUMNS = [
    "title",
    "mention",
    "sentence",
    "place_name",
    "admin1_name",
    "country_name",
    "phase",
    "phases",
    "evidence",
    "quote",
    "speaker",
    "doc_id",
    "source",
    "feature",
]


@settings(max_examples=100, deadline=None)
@given(values=st.fixed_dictionaries({c: HOSTILE for c in TEXT_COLUMNS}))
def test_map_popups_and_tooltips_escape_every_text(values: dict[str, str]) -> None:
    row = {
        **values,
        "place_id": "gn:1",
        "lat": 33.4,
        "lon": 43.3,
        "confidence": 0.9,
        "published": "2016-02-26",
        "start": 0,
        "end": 3,
    }
    gdf = gpd.GeoDataFrame(pd.DataFrame([row]), geometry=gpd.points_from_xy([43.3], [33.4]), crs="EPSG:4326")
    collection = place_features(gdf, {})
    (feature,) = collection["features"]
    for key in ("popup", "tooltip"):
        assert "<x-evil" not in feature["properties"][key]
    assert html.unescape(feature["properties"]["tooltip"]) == values["place_name"]
    script = _script_json(collection)
    assert not set("<>&") & set(script), "nothing can close the <script> element the data sits in"
    assert json.loads(script) == collection


@pytest.mark.parametrize("text", ["", " ", "\n\n", "<script>", "Hit", "Hit hit HIT", "\x00" * 5, "Ramadi" * 1000])
def test_edge_texts_geoparse(services, text: str) -> None:
    result = geoparse(Document("edge", text), services)
    assert all(text[r.toponym.start : r.toponym.end] == r.toponym.text for r in result.resolutions)
