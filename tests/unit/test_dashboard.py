"""The dashboard's logic without Streamlit: filter choices, Filters from widget values, counts, map clicks,
quote filtering, links, the map view in the URL."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from mapdash.frame import Filters
from mapdash.model import Col
from mapdash.render.maps import MapView
from mapdash.ui import dashboard
from mapdash.ui.dashboard import FilterOptions, make_filters

OPTIONS = FilterOptions({"Iraq": "IQ", "Syria": "SY"}, {}, {}, (), date(2015, 1, 1), date(2016, 12, 31))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, Filters()),
        ({"countries": ["Syria", "Iraq"]}, Filters(countries=("SY", "IQ"))),
        ({"dates": (date(2015, 1, 1), date(2016, 12, 31))}, Filters()),  # the whole span filters nothing
        ({"dates": (date(2015, 6, 1), date(2016, 12, 31))}, Filters(since=date(2015, 6, 1), until=date(2016, 12, 31))),
        ({"dates": (date(2015, 6, 1),)}, Filters(since=date(2015, 6, 1), until=date(2015, 6, 1))),  # mid-pick
        ({"min_confidence": 0.5, "text": "  Mosul "}, Filters(min_confidence=0.5, text="Mosul")),
        (
            {"phases": ["retaken"], "documents": ["abc"], "speakers": ["Obama"]},
            Filters(phases=("retaken",), doc_ids=("abc",), speakers=("Obama",)),
        ),
    ],
)
def test_make_filters(values: dict, expected: Filters) -> None:
    assert make_filters(OPTIONS, **values) == expected


def test_labels_are_unique() -> None:
    docs = pd.DataFrame({"doc_id": ["aaaa1111bbbb", "cccc2222dddd", "eeee3333ffff"], "title": ["Same", "Same", None]})
    assert dashboard.document_labels(docs) == {
        "aaaa1111bbbb": "Same [aaaa1111]",
        "cccc2222dddd": "Same [cccc2222]",
        "eeee3333ffff": "eeee3333ffff",
    }


def test_repeated_place_names_get_where_they_are() -> None:
    import geopandas as gpd

    df = pd.DataFrame(
        {
            Col.PLACE_ID: ["a", "b", "b", "c", "d"],
            Col.PLACE_NAME: ["Springfield", "Springfield", "Springfield", "Paris", "Paris"],
            Col.ADMIN1_NAME: ["Illinois", "Missouri", "Missouri", None, None],
            Col.COUNTRY_CODE: ["US", "US", "US", "FR", "FR"],
        }
    )
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy([0] * 5, [0] * 5))
    assert dashboard.place_labels(gdf) == {
        "b": "Springfield (Missouri, US)",
        "a": "Springfield (Illinois, US)",
        "c": "Paris (FR) [c]",
        "d": "Paris (FR) [d]",
    }


def test_clicked_place_is_the_nearest_with_that_name() -> None:
    import geopandas as gpd

    df = pd.DataFrame(
        {
            Col.PLACE_ID: ["a", "b", "c"],
            Col.PLACE_NAME: ["Springfield", "Springfield", "Paris"],
            Col.LAT: [39.8, 37.2, 48.9],
            Col.LON: [-89.6, -93.3, 2.35],
        }
    )
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df[Col.LON], df[Col.LAT]))
    assert dashboard.clicked_place(gdf, "Springfield", {"lat": 37.0, "lng": -93.0}) == "b"
    assert dashboard.clicked_place(gdf, "Springfield", {"lat": 40.0, "lng": -89.0}) == "a"
    assert dashboard.clicked_place(gdf, "Nowhere", {"lat": 0, "lng": 0}) is None
    assert dashboard.clicked_place(gdf, None, None) is None


@pytest.mark.parametrize(
    ("page", "params", "url"),
    [
        ("", {}, "./"),
        ("documents", {"doc": "A, B"}, "./documents?doc=A%2C+B"),
        ("", {"country": ["Iraq", "Syria"], "q": "Hit"}, "./?country=Iraq&country=Syria&q=Hit"),
    ],
)
def test_page_url(page: str, params: dict, url: str) -> None:
    assert dashboard.page_url(page, params) == url


def test_share_url() -> None:
    assert (
        dashboard.share_url("http://127.0.0.1:8501/", {"view": "1.0000,2.0000,5"})
        == "http://127.0.0.1:8501/?view=1.0000%2C2.0000%2C5"
    )


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("33.42,43.31,7", MapView(33.42, 43.31, 7)),
        ("-10,170.5,1", MapView(-10.0, 170.5, 1)),
        ("33.42,43.31", None),
        ("north,43,7", None),
        ("95,43,7", None),
        ("33,43,30", None),
        ("", None),
        (None, None),
    ],
)
def test_map_view_in_the_url(text: str | None, view: MapView | None) -> None:
    assert MapView.from_param(text) == view
    if view is not None:
        assert MapView.from_param(view.to_param()) == view
