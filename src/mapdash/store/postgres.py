"""The PostgreSQL backend (with PostGIS), through psycopg, so a team can share one database.

The statements are PostgreSQL's own (``mapdash.store.sql.PostgresSQL``, ``mapdash.store.schema.PG_MIGRATIONS``):
nothing is translated. The schema version is kept in the one-row table ``mapdash_schema``; an advisory lock keeps
two team members' first connections from both migrating (BEGIN takes no lock in PostgreSQL). Where PostGIS is
installed, places get an indexed point expression and two views (``places_geo``, ``mentions_geo``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mapdash.store import schema
from mapdash.store.errors import StoreError
from mapdash.store.sql import PostgresSQL

URL_SCHEMES = ("postgresql", "postgres")
MIGRATION_LOCK = 0x6D617064  # "mapd": the advisory lock a connection holds while it migrates the schema
# A place's point: the one expression the GiST index holds and the views use (so queries on `geom` use the index).
POSTGIS = (
    "CREATE INDEX IF NOT EXISTS places_geom ON places"
    " USING gist ((ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geometry(Point, 4326)))",
    "CREATE OR REPLACE VIEW places_geo AS"
    " SELECT p.*, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geometry(Point, 4326) AS geom FROM places p",
    "CREATE OR REPLACE VIEW mentions_geo AS"
    " SELECT m.mention_id, m.doc_id, m.start, m.end, m.text AS mention, m.confidence, p.place_id,"
    " p.name AS place_name, p.country_code, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geometry(Point, 4326) AS geom"
    " FROM mentions m JOIN places p ON p.place_id = m.place_id",
)


def is_url(target: object) -> bool:
    """Say whether a database target names a PostgreSQL server rather than a SQLite file."""
    return str(target).split(":", 1)[0].lower() in URL_SCHEMES and ":" in str(target)


def normalise_url(target: object) -> str:
    """Return a PostgreSQL URL as libpq reads it, also from a pathlib.Path that collapsed its '//'."""
    rest = str(target).split(":", 1)[1]
    return f"postgresql://{rest.lstrip('/')}"


def redact(url: str) -> str:
    """Return a URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


class PostgresBackend:
    """Opens psycopg connections to one database and runs its migrations and transactions."""

    name = "postgresql"
    sql = PostgresSQL
    shared = False

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.path = redact(self.url)

    def connect(self) -> Any:
        """Return a new psycopg connection in autocommit mode (transactions are begun explicitly)."""
        import psycopg  # optional: only a PostgreSQL store needs it (the `scale` extra)

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {self.path}: {str(exc).strip().splitlines()[0]}") from None

    def migrate(self, conn: Any) -> int:
        """Bring the schema up to SCHEMA_VERSION (a transaction per step), add the PostGIS views; return the version."""
        with self.errors():
            conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                version = self.version(conn)
                if version > schema.SCHEMA_VERSION:
                    raise StoreError(
                        f"database schema {version} is newer than this mapdash ({schema.SCHEMA_VERSION}):"
                        " upgrade mapdash"
                    )
                for target in range(version + 1, schema.SCHEMA_VERSION + 1):
                    with conn.transaction():
                        for statement in schema.statements(schema.PG_MIGRATIONS[target]):
                            conn.execute(statement)
                        conn.execute("CREATE TABLE IF NOT EXISTS mapdash_schema (version INTEGER NOT NULL)")
                        conn.execute("DELETE FROM mapdash_schema")
                        conn.execute("INSERT INTO mapdash_schema (version) VALUES (%s)", (target,))
                if conn.execute("SELECT to_regclass('places_geo') IS NULL").fetchone()[0]:
                    ensure_postgis(conn)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        return schema.SCHEMA_VERSION

    @staticmethod
    def version(conn: Any) -> int:
        """Return the schema version the database records (0: a new database)."""
        if not conn.execute("SELECT to_regclass('mapdash_schema') IS NOT NULL").fetchone()[0]:
            return 0
        return int(conn.execute("SELECT coalesce(max(version), 0) FROM mapdash_schema").fetchone()[0])

    @staticmethod
    @contextmanager
    def transaction(conn: Any) -> Iterator[Any]:
        """Run a block in one transaction: all of it, or none."""
        with conn.transaction():
            yield conn

    @staticmethod
    @contextmanager
    def errors() -> Iterator[None]:
        """Re-raise psycopg errors as the sqlite3 classes (IntegrityError, OperationalError ...) callers catch."""
        import psycopg

        try:
            yield
        except psycopg.Error as exc:
            mapped = {
                psycopg.IntegrityError: sqlite3.IntegrityError,
                psycopg.OperationalError: sqlite3.OperationalError,
                psycopg.ProgrammingError: sqlite3.OperationalError,  # bad SQL is an OperationalError in sqlite3
                psycopg.DataError: sqlite3.DataError,
            }
            cls = next((v for k, v in mapped.items() if isinstance(exc, k)), sqlite3.DatabaseError)
            raise cls(str(exc).strip()) from exc


def ensure_postgis(conn: Any) -> bool:
    """Add PostGIS points for places (an indexed expression and two views); return False where PostGIS is missing."""
    import psycopg

    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.Error:
        return False  # not installed, or no right to install it: the store works without the spatial views
    # An expression index rather than a stored column: `SELECT * FROM places` stays the same on both backends,
    # and the views expand to the indexed expression, so ST_DWithin/ST_Intersects on `geom` use the GiST index.
    for statement in POSTGIS:
        conn.execute(statement)
    return True
