"""The SQLite backend: connections to one file (WAL, foreign keys, a 30 s busy wait), its migrations and transactions.

Python's own sqlite3 module: ``executemany`` of prepared statements is as fast as the file allows, and nothing
needs installing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from mapdash.store import schema
from mapdash.store.errors import StoreError
from mapdash.store.sql import SqliteSQL

MEMORY = ":memory:"


class SqliteBackend:
    """Opens connections to a SQLite file (or one in-memory database) and runs its transactions."""

    name = "sqlite"
    sql = SqliteSQL

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # An in-memory database exists once per connection: every thread must share the writer's.
        self.shared = str(path) == MEMORY
        if not self.shared:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def connect(self) -> sqlite3.Connection:
        """Return a new connection in autocommit mode (transactions are begun explicitly), rows by name."""
        try:
            # check_same_thread off: each connection serves one thread, but Store.close() may close it from another.
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 30000")
            if not self.shared:
                conn.execute("PRAGMA journal_mode = WAL")
                # In WAL mode NORMAL still never corrupts the file; a power cut may lose only the last commits (which
                # a re-ingest restores), and the writer is spared an fsync per document: 2.5x faster stores.
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        return conn

    def migrate(self, conn: sqlite3.Connection) -> int:
        """Bring the schema up to SCHEMA_VERSION and return the version."""
        try:
            version = self.version(conn)
            if version > schema.SCHEMA_VERSION:
                raise StoreError(
                    f"database schema {version} is newer than this mapdash ({schema.SCHEMA_VERSION}): upgrade mapdash"
                )
            for target in range(version + 1, schema.SCHEMA_VERSION + 1):
                with self.transaction(conn):
                    # Read again under the write lock: another process opening the same new file may have migrated it.
                    if self.version(conn) >= target:
                        continue
                    for statement in schema.statements(schema.MIGRATIONS[target]):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {target}")
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        return schema.SCHEMA_VERSION

    @staticmethod
    def version(conn: sqlite3.Connection) -> int:
        """Return the schema version the file records."""
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    @staticmethod
    @contextmanager
    def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """Run a block in one IMMEDIATE transaction (the file's write lock taken at once): all of it, or none."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @staticmethod
    def errors() -> AbstractContextManager[None]:
        """sqlite3's own exceptions are the store's: nothing to map."""
        return nullcontext()

    def _error(self, exc: sqlite3.DatabaseError) -> StoreError:
        """Return the one message for a file that cannot be used: which file, what went wrong, what to do."""
        busy = "locked" in str(exc) or "busy" in str(exc)
        hint = "another process kept it locked for 30 s; try again" if busy else "give another --db (or MAPDASH_DB)"
        return StoreError(f"{self.path}: cannot use this database ({exc}): {hint}")
