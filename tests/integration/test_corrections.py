"""Reviewing a resolution: a place's candidates, and corrections that the frame applies and flags."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mapdash import store
from mapdash.frame import mentions_frame
from mapdash.library.corrections import candidates, correct_place, correct_point, mentions_of, spans
from mapdash.model import Col


@pytest.fixture
def conn(seed_db: Path, tmp_path: Path) -> sqlite3.Connection:
    """A copy of the seed database, to correct freely."""
    with sqlite3.connect(seed_db) as source, sqlite3.connect(tmp_path / "seed.sqlite") as copy:
        source.backup(copy)  # a file copy could miss pages still in the write-ahead log
    return store.connect(tmp_path / "seed.sqlite")


def test_candidates_of_raqqa_include_the_province(conn: sqlite3.Connection) -> None:
    raqqa = mentions_of(mentions_frame(conn), "gn:172955")
    assert len(raqqa) >= 1 and set(raqqa[Col.MENTION]) == {"Raqqa"}
    table = candidates(conn, raqqa, chosen="gn:172955")
    assert table.iloc[0]["place_id"] == "gn:172955" and bool(table.iloc[0]["chosen"])
    assert "gn:172957" in set(table["place_id"])  # Ar Raqqah province, weighed and ranked lower
    assert table["chosen"].sum() == 1 and table["score"].notna().all()


def test_picking_another_candidate_is_applied_and_flagged(conn: sqlite3.Connection) -> None:
    raqqa = mentions_of(mentions_frame(conn), "gn:172955")
    assert correct_place(conn, spans(raqqa), "gn:172957", note="the province is meant") == len(raqqa)
    after = mentions_frame(conn)
    fixed = after[after[Col.START].isin(raqqa[Col.START]) & (after[Col.MENTION] == "Raqqa")]
    assert set(fixed["place_id"]) == {"gn:172957"} and fixed["corrected"].all()
    assert mentions_of(after, "gn:172955").empty
    with pytest.raises(ValueError, match="no stored place"):
        correct_place(conn, spans(raqqa), "gn:0")


def test_setting_a_point_by_hand(conn: sqlite3.Connection) -> None:
    hit = mentions_of(mentions_frame(conn), "gn:95788")
    assert correct_point(conn, spans(hit.iloc[:1]), 33.64, 42.83, name="Hit (town centre)") == 1
    row = mentions_frame(conn).set_index(["doc_id", "start"]).loc[(hit.iloc[0]["doc_id"], hit.iloc[0]["start"])]
    assert (row[Col.PLACE_NAME], row[Col.LAT], row[Col.LON], row[Col.FEATURE_CODE]) == (
        "Hit (town centre)",
        33.64,
        42.83,
        "ANALYST",
    )
    # The point is no gazetteer place, so none is chosen; the resolver's candidates stay on offer to go back to.
    again = candidates(conn, mentions_of(mentions_frame(conn), row[Col.PLACE_ID]), chosen=row[Col.PLACE_ID])
    assert list(again["place_id"]) == ["gn:95788"] and not again["chosen"].any()
    with pytest.raises(ValueError, match="not a latitude"):
        correct_point(conn, spans(hit), 123.0, 0.0)
