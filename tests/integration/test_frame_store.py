"""The mentions GeoDataFrame read from a store (the seed, on each backend), its filters and tables."""

from __future__ import annotations

import math
import types
import typing
from datetime import date

import numpy as np
import pytest
from test_store import OTHER, sample

from mapdash import store
from mapdash.frame import COLUMNS, Filters, filter_mentions, mentions_frame, places_summary
from mapdash.model import Col, MentionRow, StoredMention


@pytest.fixture(scope="module")
def seed_frame(seed_target: str):
    """The seed's mentions, read from each backend."""
    return mentions_frame(store.connect(seed_target))


def test_the_store_reads_back_stored_mentions(seed_target: str) -> None:
    """`StoredMention` is what the store reads back (the columns the frame is made from)."""
    rows = store.connect(seed_target).mention_rows()
    assert rows and all(list(row.keys()) == list(StoredMention.__annotations__) for row in rows)


def _has_type(value: object, hint: object) -> bool:
    """Say whether a frame cell holds a value of a `MentionRow` annotation (missing only where it says `| None`)."""
    value = value.item() if isinstance(value, np.generic) else value
    options = typing.get_args(hint) if typing.get_origin(hint) in (types.UnionType, typing.Union) else (hint,)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return type(None) in options
    for option in options:
        if typing.get_origin(option) is typing.Literal:
            if value in typing.get_args(option):
                return True
        elif option is int and isinstance(value, float):  # pandas holds an int column with gaps as floats
            if value.is_integer():
                return True
        elif isinstance(option, type) and isinstance(value, option) and not (option is int and type(value) is bool):
            return True
    return False


def test_frame_values_have_the_row_types(seed_frame) -> None:
    hints = typing.get_type_hints(MentionRow)
    wrong = {
        column: sorted({repr(v) for v in seed_frame[column] if not _has_type(v, hint)})[:3]
        for column, hint in hints.items()
    }
    assert {column: values for column, values in wrong.items() if values} == {}


def test_frame_is_a_geodataframe_in_wgs84(seed_frame) -> None:
    assert seed_frame.crs.to_epsg() == 4326
    assert list(seed_frame.columns[:-1]) == COLUMNS and seed_frame.geometry.name == "geometry"
    placed = seed_frame[seed_frame[Col.PLACE_ID].notna()]
    assert (placed.geometry.x.round(4) == placed[Col.LON].round(4)).all()
    assert (placed.geometry.y.round(4) == placed[Col.LAT].round(4)).all()


@pytest.mark.parametrize(
    ("filters", "expected_places"),
    [
        (Filters(countries=("SY",)), {"Syria", "Ar Raqqah"}),
        (Filters(countries=("CA", "NL")), {"Canada", "Netherlands"}),
        (Filters(text="Anbar"), {"Hīt", "Iraq", "Al Anbar", "Mosul"}),  # one sentence names all four
        (Filters(text="training camp"), {"Libya"}),
        (Filters(since=date(2017, 1, 1)), set()),
        (Filters(until=date(2016, 2, 26), countries=("LY",)), {"Libya"}),
    ],
)
def test_filters_select_exactly(seed_frame, filters: Filters, expected_places: set[str]) -> None:
    got = filter_mentions(seed_frame, filters)
    assert set(got[Col.PLACE_NAME].dropna()) == expected_places


def test_empty_filters_keep_everything(seed_frame) -> None:
    assert len(filter_mentions(seed_frame, Filters())) == len(seed_frame)


def test_places_summary_counts_mentions(seed_frame) -> None:
    summary = places_summary(seed_frame).set_index("place_name")
    assert summary.loc["Iraq", "mentions"] >= 5
    assert summary.loc["Al Anbar", "feature"] == "admin1"


def test_empty_database_gives_an_empty_frame(db_target: str) -> None:
    gdf = mentions_frame(store.connect(db_target))
    assert gdf.empty and gdf.crs.to_epsg() == 4326 and set(COLUMNS) <= set(gdf.columns)


def test_place_correction_overrides_and_is_flagged(db_target: str) -> None:
    conn = store.connect(db_target)
    result = sample()
    conn.save_geoparse(result)
    t = result.resolutions[0].toponym
    conn.add_correction(result.document.doc_id, (t.start, t.end), "place", OTHER.place_id)
    conn.add_correction(result.document.doc_id, (t.start, t.end), "phase", "current_operation")
    row = mentions_frame(conn).iloc[0]
    assert (row["place_name"], row["country_code"], row["phase"], bool(row["corrected"])) == (
        "Ar Ramadi",
        "YE",
        "current_operation",
        True,
    )
    assert row.geometry.x == pytest.approx(OTHER.lon)


def test_documents_table_lists_the_seed(seed_target: str) -> None:
    from mapdash.frame import documents_table

    docs = documents_table(store.connect(seed_target))
    (row,) = docs.to_dict("records")
    assert row["title"] == "Counter-ISIL Campaign Continues, President Says"
    assert row["byline"] == "Jim Garamone" and row["published"] == "2016-02-26"
    assert row["mentions"] >= 30 and row["quotes"] >= 1
