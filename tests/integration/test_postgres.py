"""The PostgreSQL backend: URLs told from files (pure), then PostGIS, errors and concurrent writers on a real server.

The store's general suite runs on PostgreSQL too: tests/integration/test_store_backends.py.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import new_pg_database
from test_store import RAMADI, sample

from mapdash import store
from mapdash.store import Store
from mapdash.store import postgres as pgconn


@pytest.mark.parametrize(
    ("target", "is_url", "url"),
    [
        ("postgresql://me@127.0.0.1:5432/db", True, "postgresql://me@127.0.0.1:5432/db"),
        (
            str(Path("postgresql://me@127.0.0.1:5432/db")),
            True,
            "postgresql://me@127.0.0.1:5432/db",
        ),  # as Settings.db_path has it
        ("postgres://me:pw@host/db?sslmode=require", True, "postgresql://me:pw@host/db?sslmode=require"),
        ("/home/me/mapdash.sqlite", False, None),
        ("postgres.sqlite", False, None),
    ],
)
def test_database_urls_are_told_from_files(target: str, is_url: bool, url: str | None) -> None:
    assert pgconn.is_url(target) is is_url
    if url:
        assert pgconn.normalise_url(target) == url


def test_passwords_are_kept_out_of_messages() -> None:
    assert pgconn.redact("postgresql://me:secret@h:5/db") == "postgresql://me:***@h:5/db"


@pytest.fixture
def pg(pg_template: str) -> Iterator[Store]:
    """A fresh PostgreSQL database through the store."""
    opened = Store.open(new_pg_database(pg_template))
    yield opened
    opened.close()


def test_places_have_postgis_points_with_a_gist_index(pg: Store) -> None:
    pg.save_geoparse(sample())
    near = pg.execute(
        "SELECT name FROM places_geo WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326), 0.5)", (43.3, 33.4)
    ).fetchall()
    assert [r[0] for r in near] == [RAMADI.name]
    (mention,) = pg.execute("SELECT mention, ST_Y(geom) AS lat FROM mentions_geo").fetchall()
    assert mention[0] == "Ramadi" and mention[1] == pytest.approx(RAMADI.lat)
    pg.execute("SET enable_seqscan = off")  # two rows: the planner would scan; the test is whether the index serves
    plan = " ".join(
        r[0]
        for r in pg.execute(
            "EXPLAIN SELECT name FROM places_geo"
            " WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(43.3, 33.4), 4326), 0.5)"
        )
    )
    assert "places_geom" in plan


def test_errors_are_sqlite_classes_and_roll_back(pg: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        pg.save_geoparse(sample(mentions=2))
    assert pg.count("documents") == 0
    assert pg.save_geoparse(sample()) is True, "the writer's transaction was rolled back, not left open"
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        pg.execute("SELECT * FROM no_such_table")


def test_sql_is_not_rewritten(pg: Store) -> None:
    """What the regular-expression adapter broke: a lower-case `end` of CASE, a `?` inside a comment."""
    assert pg.execute("SELECT case when 1 = 1 then 'yes' else 'no' end -- is it? yes").fetchone()[0] == "yes"
    assert pg.execute("SELECT %s::text || '?'", ("why",)).fetchone()[0] == "why?"


def test_the_schema_version_is_a_table(pg: Store) -> None:
    assert pg.execute("SELECT version FROM mapdash_schema").fetchall() == [(store.SCHEMA_VERSION,)]
    assert pg.schema_version() == store.SCHEMA_VERSION


def test_an_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match=r"cannot connect to postgresql://me:\*\*\*@127\.0\.0\.1:9/"):
        Store.open("postgresql://me:secret@127.0.0.1:9/nothing")


def test_two_writers_storing_one_text_store_it_once(pg_template: str) -> None:
    """A second analyst's ingest of the same release, while the first is mid-transaction, finds it stored."""
    url = new_pg_database(pg_template)
    first, second = Store.open(url), Store.open(url)
    doc = sample().document
    first.execute("BEGIN")
    first.execute("INSERT INTO documents (doc_id, text, ingested_at) VALUES (%s, %s, 'now')", (doc.doc_id, doc.text))
    outcome: list[bool] = []
    writer = threading.Thread(target=lambda: outcome.append(second.save_geoparse(sample())))
    writer.start()
    writer.join(timeout=1.0)
    assert writer.is_alive(), "the second writer waits on the first's uncommitted row"
    first.execute("COMMIT")
    writer.join(timeout=30)
    assert outcome == [False]
    assert second.count("mentions") == 0


def test_first_connections_at_once_migrate_once(pg_template: str) -> None:
    """Team members opening a new shared database at the same moment: one migrates, the others wait and use it."""
    from concurrent.futures import ThreadPoolExecutor

    url = new_pg_database(pg_template)
    with ThreadPoolExecutor(max_workers=4) as pool:
        stores = list(pool.map(lambda _: Store.open(url), range(4)))
    assert {s.schema_version() for s in stores} == {store.SCHEMA_VERSION}
    assert stores[0].execute("SELECT count(*) FROM meta").fetchone()[0] == 1


def test_a_server_that_dropped_the_connections_is_reconnected_to(pg: Store, pg_template: str) -> None:
    """A PostgreSQL restart (here: every connection of the database ended by the server) fails what was under way,
    then the shared store reads and writes again: the app needs no restart."""
    import psycopg

    pg.save_geoparse(sample())
    pg.count("documents")  # this thread's reader is open
    name = pg.execute("SELECT current_database()").fetchone()[0]
    with psycopg.connect(pg_template, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchone()[0]
    assert ended == 2, "the writer and this thread's reader"
    with pytest.raises(sqlite3.OperationalError):
        pg.count("documents")
    assert pg.count("documents") == 1, "the next read opens a new connection"
    with pytest.raises(sqlite3.OperationalError):
        pg.add_correction("d", (0, 1), "phase", "strike")
    assert pg.add_correction("d", (0, 1), "phase", "strike") > 0, "the next write opens a new writer"
    assert len(pg.table_rows("corrections")) == 1, "the failed write left nothing"
