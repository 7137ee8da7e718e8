"""The store: schema, one transaction per document, no duplicates, corrections that survive, plain rows.

The tests taking the ``db`` fixture are the store's suite: here on a SQLite file (fast), and again on SQLite and
PostgreSQL in tests/integration/test_store_backends.py, which collects the same functions.
"""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from mapdash import store
from mapdash.model import Candidate, Document, Geoparse, PhaseTag, Place, Quote, Resolution, Toponym
from mapdash.settings import REPO_ROOT
from mapdash.store import Store

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
def target(tmp_path: Path) -> str:
    """Where the fresh database of one test is: a SQLite file here (and a PostgreSQL URL in the backends suite)."""
    return str(tmp_path / "mapdash.sqlite")


@pytest.fixture
def db(target: str) -> Iterator[Store]:
    """A fresh store."""
    opened = Store.open(target)
    yield opened
    opened.close()


def set_schema_version(db: Store, version: int) -> None:
    """Record another schema version, as a newer mapdash would have (each backend keeps it in its own place)."""
    if db.backend == "sqlite":
        db.execute(f"PRAGMA user_version = {version}")
    else:
        db.execute("UPDATE mapdash_schema SET version = %s", (version,))


# --- The suite (also run on PostgreSQL) ---


def test_schema_is_versioned(db: Store) -> None:
    assert db.schema_version() == store.SCHEMA_VERSION
    for table in ("documents", "mentions", "places", "quotes", "phases", "corrections"):
        assert db.count(table) == 0
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0  # noqa: S608 - fixed names


def test_newer_schema_is_refused(db: Store, target: str) -> None:
    set_schema_version(db, store.SCHEMA_VERSION + 1)
    with pytest.raises(store.StoreError, match="newer"):
        Store.open(target)


def test_same_document_is_stored_once(db: Store) -> None:
    assert db.save_geoparse(sample()) is True
    assert db.save_geoparse(sample()) is False
    assert db.has_document(sample().document.doc_id)
    assert db.count("documents") == 1
    assert db.count("mentions") == 1
    assert db.count("places") == 2, "candidates are stored too"


def test_a_failing_document_leaves_nothing(db: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.save_geoparse(sample(mentions=2))  # the same span twice breaks UNIQUE mid-write
    for table in ("documents", "mentions", "quotes", "phases", "places"):
        assert db.count(table) == 0, table
    assert db.save_geoparse(sample()) is True, "the writer is usable after a failed transaction"


def test_corrections_survive_reprocessing(db: Store) -> None:
    result = sample()
    db.save_geoparse(result)
    t = result.resolutions[0].toponym
    db.add_correction(result.document.doc_id, (t.start, t.end), "place", "gn:1", note="analyst")
    before = db.data_version()
    assert db.save_geoparse(result, replace=True) is True
    assert db.delete_document(result.document.doc_id) is True
    assert db.delete_document(result.document.doc_id) is False
    db.save_geoparse(result)
    assert len(db.table_rows("corrections")) == 1
    assert db.data_version() != before


def test_every_write_changes_the_data_version_and_reads_do_not(db: Store) -> None:
    first = db.data_version()
    db.mention_rows(), db.document_rows(), db.quote_rows()
    assert db.data_version() == first
    db.save_place(OTHER)
    second = db.data_version()
    db.add_correction("d", (0, 1), "phase", "strike")
    assert len({first, second, db.data_version()}) == 3


def test_bad_correction_kind_is_refused(db: Store) -> None:
    with pytest.raises(ValueError, match="correction kind"):
        db.add_correction("d", (0, 1), "colour", "red")


def test_correction_ids_count_up(db: Store) -> None:
    db.save_geoparse(sample())
    first = db.add_correction("d", (0, 1), "phase", "retaken", author="ana")
    assert db.add_correction("d", (0, 1), "phase", "strike") == first + 1 > 0
    (row, _) = sorted(db.table_rows("corrections"), key=lambda r: r["correction_id"])
    assert (row["doc_id"], row["mention_start"], row["value"], row["author"]) == ("d", 0, '"retaken"', "ana")


def test_mention_rows_join_document_and_place(db: Store) -> None:
    db.save_geoparse(sample())
    (row,) = db.mention_rows()
    assert (row["mention"], row["place_name"], row["country_code"], row["published"]) == (
        "Ramadi",
        "Ramadi",
        "IQ",
        "2016-02-26",
    )
    assert row["sentence"] == TEXT[:39]
    (phase,) = db.phase_rows()
    assert phase["evidence"] == TEXT[:39]


def test_values_keep_their_precision(db: Store) -> None:
    db.save_geoparse(sample())
    row = db.place_by_id(RAMADI.place_id)
    assert row is not None
    assert (row["lat"], row["lon"], row["population"]) == (RAMADI.lat, RAMADI.lon, RAMADI.population)
    assert db.place_by_id("gn:nowhere") is None


def test_rows_are_plain_dicts(db: Store) -> None:
    """No driver row type (sqlite3.Row, psycopg's) leaves the store."""
    result = sample()
    db.save_geoparse(result)
    db.add_correction(result.document.doc_id, (0, 1), "phase", "strike")
    reads = [
        db.mention_rows(),
        db.phase_rows(),
        db.document_rows(),
        db.quote_rows(),
        *(db.table_rows(t) for t in ("documents", "places", "quotes", "phases", "corrections")),
        [db.document_row(result.document.doc_id), db.place_by_id(RAMADI.place_id)],
    ]
    for rows in reads:
        assert rows and all(type(row) is dict for row in rows), rows


def test_documents_and_mentions_are_found_by_id_and_span(db: Store) -> None:
    result = sample()
    db.save_geoparse(result)
    doc_id, t = result.document.doc_id, result.resolutions[0].toponym
    assert db.document_ids(doc_id[:5]) == [doc_id] and db.document_ids("zz") == []
    assert db.has_mention(doc_id, t.start, t.end) and not db.has_mention(doc_id, t.start, t.end + 1)
    row = db.document_row(doc_id)
    assert row is not None and (row["text"], row["title"], row["published"]) == (TEXT, "T", "2016-02-26")
    (listed,) = db.document_rows()
    assert (listed["characters"], listed["mentions"], listed["quotes"]) == (len(TEXT), 1, 1)


@pytest.mark.parametrize("table", ["mentions; DROP TABLE documents", "sqlite_master", "meta"])
def test_unknown_tables_are_refused(db: Store, table: str) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        db.table_rows(table)
    if table != "mentions; DROP TABLE documents":
        with pytest.raises(ValueError, match="unknown table"):
            db.count(table)


def test_each_thread_reads_on_its_own_connection(db: Store) -> None:
    import threading

    seen: list[object] = []
    together = threading.Barrier(2)  # both alive at once: neither may have the other's connection

    def read() -> None:
        seen.append(db._reader())
        together.wait(timeout=30)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 2 and db._reader() is db._reader()
    assert all(c is not db._writer for c in seen), "reads never run on the writer's connection"


# --- SQLite only ---


def test_newer_schema_is_refused_in_a_bare_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(store.StoreError, match="newer"):
        Store.open(path)


def test_an_in_memory_store_shares_one_database_across_threads() -> None:
    import threading

    db = Store.open(":memory:")
    writer = threading.Thread(target=lambda: db.save_geoparse(sample()))
    writer.start()
    writer.join()
    db.save_geoparse(sample("Ramadi again."))
    assert db.count("documents") == 2 and len(db.mention_rows()) == 2


def test_no_sql_outside_the_store() -> None:
    """mapdash's modules outside store/ (and the app's pages) call the Store's methods, never execute SQL."""
    src = REPO_ROOT / "src" / "mapdash"
    files = [
        p for p in src.rglob("*.py") if not p.is_relative_to(src / "store") and not p.is_relative_to(src / "gazetteer")
    ]
    files += [REPO_ROOT / "app.py", *(REPO_ROOT / "views").glob("*.py")]
    offenders = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "executescript"):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert offenders == []  # the gazetteer's own index (gazetteer/) is a separate SQLite file, not the store


def test_an_ended_threads_connection_is_handed_on(db: Store) -> None:
    """Streamlit runs each page run on a new thread: connections are reused, not opened per run and left."""
    import threading

    seen: list[object] = []
    for _ in range(5):
        thread = threading.Thread(target=lambda: seen.append(db._reader()) or db.count("documents"))
        thread.start()
        thread.join()
    assert len({id(c) for c in seen}) == 1 and len(db._readers) == 1


def test_a_closed_store_is_refused(db: Store) -> None:
    db.close()
    with pytest.raises(store.StoreError, match="closed"):
        db.count("documents")
    with pytest.raises(store.StoreError, match="closed"):
        db.save_geoparse(sample())
