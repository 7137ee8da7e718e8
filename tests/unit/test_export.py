"""Exports without data: tables made portable, filters described, sizes parsed, snapshots offline, CLI formats."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import pytest

from mapdash.cli import build_parser
from mapdash.export import (
    FORMATS,
    ExportError,
    export_table,
    parse_size,
)
from mapdash.export.briefing import describe_filters
from mapdash.export.snapshot import _local_only
from mapdash.frame import Filters


def test_export_table_makes_values_portable() -> None:
    rows = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", "d2"],
            "start": [0, 5, 9],
            "place_id": ["gn:1", None, "gn:2"],
            "lat": [33.4, None, 36.3],
            "lon": [43.3, None, 43.1],
            "published": [date(2016, 2, 26), date(2016, 2, 26), None],
            "tags": [["a", "b"], [], {"k": 1}],
            "when": pd.to_datetime(["2016-02-26 10:00", None, "2016-02-27 00:00"]),
        },
        index=[7, 8, 9],
    )
    gdf = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(rows["lon"], rows["lat"]), crs="EPSG:4326")
    table = export_table(gdf)
    assert list(table.index) == [0, 1], "unplaced mention dropped, index reset"
    assert table["published"].iloc[0] == "2016-02-26" and pd.isna(table["published"].iloc[1])
    assert list(table["tags"]) == ['["a", "b"]', '{"k": 1}']
    assert list(table["when"]) == ["2016-02-26T10:00:00", "2016-02-27T00:00:00"]
    assert list(table.columns) == list(gdf.columns)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), "Filters: none (every mention)"),
        (None, "Filters: not recorded"),
        (Filters(countries=("IQ", "SY")), "Filters: country IQ, SY"),
        (Filters(phases=("retaken",), min_confidence=0.5), "Filters: phase retaken; confidence ≥ 0.50"),
        (Filters(since=date(2016, 1, 1)), "Filters: published 2016-01-01 to …"),
        (Filters(speakers=("Barack Obama",), text="Mosul"), "Filters: speaker Barack Obama; text “Mosul”"),
    ],
)
def test_describe_filters(filters: Filters | None, expected: str) -> None:
    assert describe_filters(filters, gpd.GeoDataFrame({"doc_id": [], "title": []})) == expected


@pytest.mark.parametrize(("text", "size"), [("1600x1000", (1600, 1000)), ("800X500", (800, 500))])
def test_parse_size(text: str, size: tuple[int, int]) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["1600", "1600x", "axb", "1x2x3"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ExportError, match="WIDTHxHEIGHT"):
        parse_size(text)


def test_snapshots_block_every_request() -> None:
    class Route:
        def __init__(self, url: str) -> None:
            self.request, self.done = type("Request", (), {"url": url})(), ""

        def continue_(self) -> None:
            self.done = "continued"

        def abort(self, reason: str) -> None:
            self.done = reason

    for url, done in [
        ("https://tile.openstreetmap.org/1/0/0.png", "blockedbyclient"),
        ("http://127.0.0.1:8501/x.js", "blockedbyclient"),
        ("data:image/png;base64,AAAA", "continued"),
        ("about:blank", "continued"),
    ]:
        route = Route(url)
        _local_only(route)  # a stand-in with the two calls _local_only makes of playwright's Route
        assert route.done == done, url


def test_cli_format_choices_are_the_export_formats() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["export"]
    assert tuple(next(a for a in sub._actions if a.dest == "format").choices) == FORMATS
