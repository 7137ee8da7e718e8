"""The SQLite store: schema, one transaction per document, no duplicates, corrections that survive."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from mapdash import store
from mapdash.model import Candidate, Document, Geoparse, PhaseTag, Place, Quote, Resolution, Toponym

RAMADI = Place("gn:98717", 98717, "Ramadi", "city", "IQ", "Iraq", "Al Anbar", 33.42056, 43.30778, 223500, "PPL")
OTHER = Place("gn:1", 1, "Ar Ramadi", "city", "YE", "Yemen", None, 15.0, 44.0, 100, "PPL")
TEXT = "Iraqi forces pushed ISIL out of Ramadi. “It is done,” he said."


def sample(text: str = TEXT, *, mentions: int = 1) -> Geoparse:
    """A small geoparse result built by hand."""
    doc = Document(
        doc_id=f"doc-{hash(text) & 0xFFFF:x}", text=text, title="T", published=date(2016, 2, 26), source="x.txt"
    )
    start = text.index("Ramadi")
    top = Toponym(start, start + 6, "Ramadi", "Ramadi", "ner", 0, 39)
    res = Resolution(top, RAMADI, 0.9, (Candidate(RAMADI, 0.9), Candidate(OTHER, 0.1)))
    return Geoparse(
        document=doc,
        resolutions=(res,) * mentions,
        mode="gazetteer",
        quotes=(Quote(40, 53, "“It is done,”", "Barack Obama", "President", "direct", ((start, start + 6),)),),
        phases=(PhaseTag(start, start + 6, "retaken", "pushed out of", 0.9, 0, 39),),
    )


@pytest.fixture
def conn(db_target: str) -> sqlite3.Connection:
    """A fresh database on each backend: a SQLite file, a PostgreSQL database."""
    return store.connect(db_target)


def test_schema_is_versioned(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    for table in ("documents", "mentions", "places", "quotes", "phases", "corrections"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_newer_schema_is_refused(db_target: str) -> None:
    store.connect(db_target).execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(store.StoreError, match="newer"):
        store.connect(db_target)


def test_newer_schema_is_refused_in_a_bare_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(store.StoreError, match="newer"):
        store.connect(path)


def test_same_document_is_stored_once(conn: sqlite3.Connection) -> None:
    assert store.save_geoparse(conn, sample()) is True
    assert store.save_geoparse(conn, sample()) is False
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM places").fetchone()[0] == 2, "candidates are stored too"


def test_a_failing_document_leaves_nothing(conn: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.save_geoparse(conn, sample(mentions=2))  # the same span twice breaks UNIQUE mid-write
    for table in ("documents", "mentions", "quotes", "phases", "places"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_corrections_survive_reprocessing(conn: sqlite3.Connection) -> None:
    result = sample()
    store.save_geoparse(conn, result)
    t = result.resolutions[0].toponym
    store.add_correction(conn, result.document.doc_id, (t.start, t.end), "place", "gn:1", note="analyst")
    before = store.data_version(conn)
    assert store.save_geoparse(conn, result, replace=True) is True
    assert store.delete_document(conn, result.document.doc_id) is True
    store.save_geoparse(conn, result)
    assert len(store.table_rows(conn, "corrections")) == 1
    assert store.data_version(conn) != before


def test_bad_correction_kind_is_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="correction kind"):
        store.add_correction(conn, "d", (0, 1), "colour", "red")


def test_mention_rows_join_document_and_place(conn: sqlite3.Connection) -> None:
    store.save_geoparse(conn, sample())
    (row,) = store.mention_rows(conn)
    assert (row["mention"], row["place_name"], row["country_code"], row["published"]) == (
        "Ramadi",
        "Ramadi",
        "IQ",
        "2016-02-26",
    )
    assert row["sentence"] == TEXT[:39]
    (phase,) = store.phase_rows(conn)
    assert phase["evidence"] == TEXT[:39]
