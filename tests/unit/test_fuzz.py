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
from hypothesis import given, settings
from hypothesis import strategies as st

from mapdash.geoparse.ingest import IngestError, clean_text
from mapdash.geoparse.toponyms import _chunks
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
