"""The filters as tables, on a mentions frame and a quotes table built in the test: every case is a row, no database."""

from __future__ import annotations

from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

from mapdash.frame import COLUMNS, CRS, Filters, filter_mentions
from mapdash.model import Col, MentionRow
from mapdash.ui.dashboard import filter_quotes

BLANK: MentionRow = {
    "doc_id": "",
    "title": None,
    "published": None,
    "source": "",
    "mention": "",
    "start": 0,
    "end": 0,
    "sentence": "",
    "sentence_start": 0,
    "lookup": "",
    "recognizer": "gazetteer",
    "is_demonym": False,
    "place_id": None,
    "geonameid": None,
    "place_name": None,
    "feature": None,
    "feature_code": None,
    "country_code": None,
    "country_name": None,
    "admin1_name": None,
    "lat": None,
    "lon": None,
    "confidence": 0.0,
    "candidates": "[]",
    "phase": "",
    "phases": "",
    "phase_rule": "",
    "phase_confidence": None,
    "evidence": "",
    "phase_from": None,
    "phase_to": None,
    "quote": "",
    "speaker": "",
    "quote_kind": "",
    "corrected": False,
}
RAMADI_RELEASE = {Col.DOC_ID: "d1", Col.TITLE: "Iraqi Forces Retake Ramadi", Col.PUBLISHED: date(2015, 12, 28)}
RAQQA_RELEASE = {Col.DOC_ID: "d2", Col.TITLE: "Strikes Near Raqqa (U.S. CENTCOM)", Col.PUBLISHED: date(2016, 2, 26)}
UNDATED = {Col.DOC_ID: "d3", Col.TITLE: "Coalition Update", Col.PUBLISHED: None}


def place(name: str, cc: str, lat: float, lon: float, start: int, **more: Any) -> dict[str, Any]:
    """Return the columns of one resolved mention of name."""
    return {
        Col.MENTION: name,
        Col.START: start,
        Col.END: start + len(name),
        Col.PLACE_ID: f"t:{name.lower()}",
        Col.PLACE_NAME: name,
        Col.FEATURE: "country" if name in ("Iraq", "Syria") else "city",
        Col.COUNTRY_CODE: cc,
        Col.LAT: lat,
        Col.LON: lon,
        **more,
    }


# One row per mention: (key, release, place) -> the mention is known by key in the tables below.
ROWS: dict[str, dict[str, Any]] = {
    "ramadi": {
        **RAMADI_RELEASE,
        **place("Ramadi", "IQ", 33.42, 43.3, 10, confidence=0.95, phase="retaken", phases="retaken"),
        Col.SENTENCE: "Iraqi forces retook Ramadi last week.",
        Col.SPEAKER: "Col. Steve Warren",
        Col.QUOTE: "Ramadi is retaken.",
    },
    "mosul": {
        **RAMADI_RELEASE,
        **place("Mosul", "IQ", 36.34, 43.13, 60, confidence=0.55, phase="ultimate_goal", phases="ultimate_goal"),
        Col.SENTENCE: "Mosul remains the ultimate goal.",
    },
    "iraq": {
        **RAMADI_RELEASE,
        **place("Iraq", "IQ", 33.0, 43.5, 90, confidence=1.0, phase="context", phases="context;retaken"),
        Col.SENTENCE: "The campaign in Iraq goes on.",
        Col.SPEAKER: "Col. Steve Warren",
    },
    "raqqa": {
        **RAQQA_RELEASE,
        **place("Raqqa", "SY", 35.95, 39.01, 5, confidence=0.8, phase="strike", phases="strike;enemy_held"),
        Col.SENTENCE: "Strikes hit ISIL near Raqqa.",
        Col.SPEAKER: "Barack Obama",
    },
    "syria": {
        **RAQQA_RELEASE,
        **place("Syria", "SY", 35.0, 38.5, 40, confidence=float("nan"), phase="airstrikes", phases="airstrikes"),
        Col.SENTENCE: "Airstrikes continued across Syria.",
    },
    "unresolved": {**RAQQA_RELEASE, Col.MENTION: "Zzyzx", Col.START: 70, Col.END: 75, Col.SENTENCE: "Near Zzyzx."},
    "hit": {
        **UNDATED,
        **place("Hit", "IQ", 33.64, 42.83, 3, confidence=0.7, phase="next_target", phases="next_target"),
        Col.SENTENCE: "The next target is Hit, in Anbar.",
    },
}


def mentions_frame(rows: dict[str, dict[str, Any]] = ROWS) -> gpd.GeoDataFrame:
    """Return rows as the mentions frame: every column of MentionRow in order, EPSG:4326 points."""
    df = pd.DataFrame([{**BLANK, **r} for r in rows.values()], columns=COLUMNS, index=list(rows))
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df[Col.LON], df[Col.LAT]), crs=CRS)


FRAME = mentions_frame()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), list(ROWS)),
        # country: any of the codes
        (Filters(countries=("SY",)), ["raqqa", "syria"]),
        (Filters(countries=("SY", "IQ")), ["ramadi", "mosul", "iraq", "raqqa", "syria", "hit"]),
        (Filters(countries=("FR",)), []),
        # phase: one of a mention's phases, as a whole key ("strike" is not "airstrikes")
        (Filters(phases=("retaken",)), ["ramadi", "iraq"]),
        (Filters(phases=("strike",)), ["raqqa"]),
        (Filters(phases=("enemy_held", "next_target")), ["raqqa", "hit"]),
        (Filters(phases=("held",)), []),
        # document and speaker
        (Filters(doc_ids=("d2",)), ["raqqa", "syria", "unresolved"]),
        (Filters(doc_ids=("d1", "d3")), ["ramadi", "mosul", "iraq", "hit"]),
        (Filters(speakers=("Col. Steve Warren",)), ["ramadi", "iraq"]),
        (Filters(speakers=("Steve Warren",)), []),
        # dates: both ends included; an undated release passes no date filter
        (Filters(since=date(2016, 1, 1)), ["raqqa", "syria", "unresolved"]),
        (Filters(until=date(2015, 12, 28)), ["ramadi", "mosul", "iraq"]),
        (
            Filters(since=date(2015, 12, 28), until=date(2016, 2, 26)),
            ["ramadi", "mosul", "iraq", "raqqa", "syria", "unresolved"],
        ),
        (Filters(since=date(2016, 3, 1)), []),
        # confidence: at least this; no confidence counts as 0
        (Filters(min_confidence=0.8), ["ramadi", "iraq", "raqqa"]),
        (Filters(min_confidence=1.0), ["iraq"]),
        # search: case-insensitive, literal, in the sentence, the place's name or the title
        (Filters(text="anbar"), ["hit"]),
        (Filters(text="MOSUL"), ["mosul"]),
        (Filters(text="retake"), ["ramadi", "mosul", "iraq"]),
        (Filters(text="(U.S. CENTCOM)"), ["raqqa", "syria", "unresolved"]),
        (Filters(text="zzyzx"), ["unresolved"]),
        (Filters(text="r.qqa"), []),
        # every active filter at once
        (Filters(countries=("IQ",), phases=("retaken",), min_confidence=0.99), ["iraq"]),
        (Filters(countries=("SY",), text="strikes", speakers=("Barack Obama",)), ["raqqa"]),
        (Filters(doc_ids=("d1",), since=date(2016, 1, 1)), []),
    ],
)
def test_filter_mentions(filters: Filters, expected: list[str]) -> None:
    got = filter_mentions(FRAME, filters)
    assert list(got.index) == expected
    assert isinstance(got, gpd.GeoDataFrame) and list(got.columns) == list(FRAME.columns) and got.crs == FRAME.crs


def test_filtering_leaves_the_frame_as_it_was() -> None:
    before = FRAME.copy()
    filter_mentions(FRAME, Filters(countries=("SY",), text="raqqa", min_confidence=0.5))
    pd.testing.assert_frame_equal(FRAME, before)


def test_an_empty_frame_filters_to_an_empty_frame() -> None:
    empty = mentions_frame({})
    got = filter_mentions(empty, Filters(countries=("IQ",), phases=("retaken",), since=date(2015, 1, 1), text="x"))
    assert got.empty and list(got.columns) == list(FRAME.columns)


# --- the quotes table follows the same filters -------------------------------------------------------------------

QUOTES = pd.DataFrame(
    [
        # (doc, title, published, speaker, text, places, the mentions it names)
        (
            "d1",
            "Iraqi Forces Retake Ramadi",
            "2015-12-28",
            "Col. Steve Warren",
            "Ramadi is retaken.",
            "Ramadi",
            ["ramadi"],
        ),
        ("d1", "Iraqi Forces Retake Ramadi", "2015-12-28", "Col. Steve Warren", "We go on.", "", []),
        ("d2", "Strikes Near Raqqa (U.S. CENTCOM)", "2016-02-26", "Barack Obama", "Raqqa is next.", "Raqqa", ["raqqa"]),
        ("d3", "Coalition Update", "", "Ash Carter", "Hit and Mosul.", "Hit; Mosul", ["hit", "mosul"]),
    ],
    columns=["doc_id", "title", "published", "speaker", "text", "places", "mentions"],
)
QUOTES["mention_keys"] = [
    [(ROWS[k][Col.DOC_ID], ROWS[k][Col.START], ROWS[k][Col.END]) for k in keys] for keys in QUOTES.pop("mentions")
]


@pytest.mark.parametrize(
    ("filters", "search", "expected"),
    [
        (Filters(), "", [0, 1, 2, 3]),
        (Filters(doc_ids=("d1",)), "", [0, 1]),
        (Filters(speakers=("Barack Obama", "Ash Carter")), "", [2, 3]),
        (Filters(since=date(2016, 1, 1)), "", [2]),  # an undated quote passes no date filter
        (Filters(until=date(2015, 12, 28)), "", [0, 1]),
        # place filters keep the quotes that name a mention passing them
        (Filters(countries=("SY",)), "", [2]),
        (Filters(countries=("IQ",)), "", [0, 3]),
        (Filters(phases=("ultimate_goal",)), "", [3]),
        (Filters(min_confidence=0.9), "", [0]),
        # the filter's text and the page's own search both narrow, in text, speaker, places and title
        (Filters(text="warren"), "", [0, 1]),
        (Filters(), "  mosul ", [3]),
        (Filters(text="retake"), "go on", [1]),
        (Filters(text="(U.S. CENTCOM)"), "", [2]),
    ],
)
def test_filter_quotes(filters: Filters, search: str, expected: list[int]) -> None:
    mentions = filter_mentions(FRAME, filters)
    assert list(filter_quotes(QUOTES, mentions, filters, search).index) == expected
