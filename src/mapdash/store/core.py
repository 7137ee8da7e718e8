"""The Store: one object owns a database (a SQLite file or a PostgreSQL server) and every connection to it.

Reads run on a connection of the calling thread's own (``threading.local``); writes are serialised through one
writer connection behind a lock, each in one transaction (``BEGIN IMMEDIATE`` in SQLite), which also bumps the
revision counter the dashboard keys its caches on. This is datasette's ``Database`` pattern: the app caches one
Store for every browser session, and two analysts saving corrections at the same moment queue for the writer
instead of meeting in one connection's transaction. Rows come back as plain dicts: no driver row type leaves
the store.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from mapdash.model import Geoparse, Place, StoredMention
from mapdash.store.errors import StoreError
from mapdash.store.postgres import PostgresBackend, is_url
from mapdash.store.sql import TABLES
from mapdash.store.sqlite import SqliteBackend

Row = dict[str, Any]


class Store:
    """A database and its connections: reads per thread, writes through one writer in one transaction each."""

    def __init__(self, backend: SqliteBackend | PostgresBackend) -> None:
        self._backend = backend
        self._sql = backend.sql
        self._local = threading.local()
        self._readers: dict[threading.Thread, Any] = {}  # every thread's reader, so close() can close them all
        self._readers_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._closed = False
        self._writer = backend.connect()
        try:
            backend.migrate(self._writer)
        except BaseException:
            self._writer.close()
            raise

    @classmethod
    def open(cls, target: str | Path) -> Store:
        """Return the Store of a SQLite file (created and migrated if need be) or a postgresql:// URL."""
        return cls(PostgresBackend(str(target)) if is_url(target) else SqliteBackend(target))

    @property
    def backend(self) -> str:
        """Return which database this is: "sqlite" or "postgresql"."""
        return self._backend.name

    @property
    def target(self) -> str:
        """Return the file or the URL (password hidden) this store opened."""
        return str(self._backend.path)

    def __repr__(self) -> str:
        return f"Store({self.backend}: {self.target})"

    def close(self) -> None:
        """Close the writer and every thread's reader; the store cannot be used after."""
        self._closed = True
        with self._readers_lock:
            readers, self._readers = list(self._readers.values()), {}
        for conn in readers:
            conn.close()
        self._local = threading.local()
        with self._write_lock:
            self._writer.close()

    # --- Connections ---

    def _reader(self) -> Any:
        """Return this thread's read connection: on first use, one an ended thread left, else a new one.

        Streamlit runs each rerun of a page on a new thread: handing an ended thread's connection on keeps the
        number of connections at the most threads ever alive at once, and spares a connect per page run. A
        connection whose server went away (a PostgreSQL restart) is replaced on the next read.
        """
        conn = getattr(self._local, "conn", None)
        if conn is not None and not _lost(conn):
            return conn
        self._check_open()
        with self._readers_lock:
            for thread, other in list(self._readers.items()):
                if _lost(other):
                    del self._readers[thread]
                    other.close()
            ended = next((t for t in self._readers if not t.is_alive()), None)
            conn = self._readers.pop(ended) if ended is not None else None
        if conn is None:
            conn = self._backend.connect()
        with self._readers_lock:
            self._readers[threading.current_thread()] = conn
        self._local.conn = conn
        return conn

    def _check_open(self) -> None:
        """Raise StoreError once the store is closed (rather than open new connections behind its back)."""
        if self._closed:
            raise StoreError(f"{self.target}: the store is closed")

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        """Yield a connection to read from (this thread's; the writer's for an in-memory database)."""
        with self._backend.errors():
            if self._backend.shared:
                with self._write_lock:
                    yield self._writer
            else:
                yield self._reader()

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        """Yield the writer inside one transaction, holding the write lock; the revision is bumped on the way out."""
        with self._write_lock:
            self._check_open()
            if _lost(self._writer):  # a server that restarted: this write opens a new connection
                self._writer = self._backend.connect()
            with self._backend.errors(), self._backend.transaction(self._writer) as conn:
                yield conn
                conn.execute(self._sql.BUMP_REVISION)

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        """Run one statement, in the backend's own dialect, on this thread's connection; return the driver's cursor.

        For tests and for inspecting a database by hand: mapdash's own code calls the named methods below (a
        statement run here takes no write lock and bumps no revision).
        """
        with self._reading() as conn:
            return conn.execute(sql, params or None) if self.backend == "postgresql" else conn.execute(sql, params)

    def schema_version(self) -> int:
        """Return the schema version the database records."""
        with self._reading() as conn:
            return self._backend.version(conn)

    # --- Writes ---

    def save_geoparse(self, result: Geoparse, *, replace: bool = False) -> bool:
        """Store a document with its mentions, quotes and phases; return False when it was already stored."""
        doc, sql = result.document, self._sql
        with self._writing() as conn:
            if _exists(conn, sql.HAS_DOCUMENT, (doc.doc_id,)):
                if not replace:
                    return False
                conn.execute(sql.DELETE_DOCUMENT, (doc.doc_id,))
            ingested = datetime.now(UTC).isoformat(timespec="seconds")
            row = (doc.doc_id, doc.title, doc.byline, _iso(doc.published), doc.source, doc.text, result.mode, ingested)
            if not conn.execute(sql.INSERT_DOCUMENT, row).rowcount:
                return False
            # Each place once per document, and one executemany per table: a document names the same places many
            # times, and statement calls, not rows, are what the single writer spends its time on.
            places = {c.place.place_id: c.place for res in result.resolutions for c in res.candidates}
            places.update((res.place.place_id, res.place) for res in result.resolutions if res.place is not None)
            _many(conn, sql.UPSERT_PLACE, [vars(place) for place in places.values()])
            _many(conn, sql.INSERT_MENTION, [_mention(doc.doc_id, res) for res in result.resolutions])
            _many(
                conn,
                sql.INSERT_QUOTE,
                [
                    (
                        doc.doc_id,
                        q.start,
                        q.end,
                        q.text,
                        q.speaker,
                        q.role,
                        q.kind,
                        json.dumps([list(s) for s in q.mention_spans]),
                    )
                    for q in result.quotes
                ],
            )
            _many(
                conn,
                sql.INSERT_PHASE,
                [
                    (
                        doc.doc_id,
                        p.mention_start,
                        p.mention_end,
                        p.phase,
                        p.rule,
                        p.confidence,
                        p.evidence_start,
                        p.evidence_end,
                        _iso(p.date_from),
                        _iso(p.date_to),
                    )
                    for p in result.phases
                ],
            )
        return True

    def save_place(self, place: Place) -> None:
        """Store one gazetteer entry, or refresh it (for an analyst's correction to point at)."""
        with self._writing() as conn:
            _many(conn, self._sql.UPSERT_PLACE, [vars(place)])

    def delete_document(self, doc_id: str) -> bool:
        """Delete a document and its machine output (corrections are kept); return whether it existed."""
        with self._writing() as conn:
            return conn.execute(self._sql.DELETE_DOCUMENT, (doc_id,)).rowcount > 0

    def add_correction(
        self, doc_id: str, span: tuple[int, int], kind: str, value: object, note: str = "", author: str = ""
    ) -> int:
        """Record an analyst's correction of a mention's place or phase, and who made it; return its id."""
        if kind not in ("place", "phase"):
            raise ValueError(f"correction kind must be 'place' or 'phase', not {kind!r}")
        created = datetime.now(UTC).isoformat(timespec="seconds")
        row = (doc_id, span[0], span[1], kind, json.dumps(value), note, created, author)
        with self._writing() as conn:
            return int(conn.execute(self._sql.INSERT_CORRECTION, row).fetchone()[0])

    # --- Reads ---

    def data_version(self) -> str:
        """Return a token that changes whenever anything is written (a cache key)."""
        with self._reading() as conn:
            return str(conn.execute(self._sql.REVISION).fetchone()[0])

    def has_document(self, doc_id: str) -> bool:
        """Say whether a document with this id is stored."""
        with self._reading() as conn:
            return _exists(conn, self._sql.HAS_DOCUMENT, (doc_id,))

    def has_mention(self, doc_id: str, start: int, end: int) -> bool:
        """Say whether a place mention with this span is stored."""
        with self._reading() as conn:
            return _exists(conn, self._sql.HAS_MENTION, (doc_id, start, end))

    def document_ids(self, prefix: str = "") -> list[str]:
        """Return the ids of the stored documents that start with prefix, in order."""
        with self._reading() as conn:
            return [r[0] for r in conn.execute(self._sql.DOCUMENT_IDS, (prefix + "%",)).fetchall()]

    def count(self, table: str) -> int:
        """Return how many rows one of the store's tables holds."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        with self._reading() as conn:
            return int(conn.execute(self._sql.COUNT[table]).fetchone()[0])

    def mention_rows(self) -> list[StoredMention]:
        """Return every stored mention joined with its document and place, and its sentence."""
        with self._reading() as conn:
            rows = _dicts(conn.execute(self._sql.MENTIONS))
            rows = _with_span(conn, self._sql.DOCUMENT_TEXT, rows, "sentence", "sentence_start", "sentence_end")
        return cast(list[StoredMention], rows)

    def phase_rows(self) -> list[Row]:
        """Return every stored phase tag with the text of its evidence sentence."""
        with self._reading() as conn:
            rows = _dicts(conn.execute(self._sql.PHASES))
            return _with_span(conn, self._sql.DOCUMENT_TEXT, rows, "evidence", "evidence_start", "evidence_end")

    def document_rows(self) -> list[Row]:
        """Return every stored document (without its text) with its mention and quote counts."""
        with self._reading() as conn:
            return _dicts(conn.execute(self._sql.DOCUMENTS))

    def quote_rows(self) -> list[Row]:
        """Return every stored quote with its document's title and date."""
        with self._reading() as conn:
            return _dicts(conn.execute(self._sql.QUOTES))

    def table_rows(self, table: str) -> list[Row]:
        """Return all rows of one of the store's tables."""
        if table not in TABLES or table == "mentions":
            raise ValueError(f"unknown table {table!r}")
        with self._reading() as conn:
            return _dicts(conn.execute(self._sql.ALL_ROWS[table]))

    def document_row(self, doc_id: str) -> Row | None:
        """Return a stored document, text included, by id (None if there is none)."""
        with self._reading() as conn:
            return next(iter(_dicts(conn.execute(self._sql.DOCUMENT, (doc_id,)))), None)

    def place_by_id(self, place_id: str) -> Row | None:
        """Return a stored place by id (None if there is none)."""
        with self._reading() as conn:
            return next(iter(_dicts(conn.execute(self._sql.PLACE, (place_id,)))), None)


def connect(target: str | Path) -> Store:
    """Return the Store of a SQLite file or a postgresql:// URL (``Store.open``)."""
    return Store.open(target)


def _lost(conn: Any) -> bool:
    """Say whether a connection can no longer be used (psycopg's, after its server went away; never sqlite3's)."""
    return bool(getattr(conn, "broken", False) or getattr(conn, "closed", False))


def _exists(conn: Any, sql: str, params: Sequence[Any]) -> bool:
    """Say whether a query returns a row."""
    return conn.execute(sql, params).fetchone() is not None


def _many(conn: Any, sql: str, rows: Sequence[Sequence[Any] | Mapping[str, Any]]) -> None:
    """Run one statement for each parameter set (nothing when there are none)."""
    if rows:
        conn.cursor().executemany(sql, rows)


def _mention(doc_id: str, res: Any) -> tuple[Any, ...]:
    """Return the mentions row of one resolution."""
    t = res.toponym
    candidates = json.dumps([[c.place.place_id, c.score] for c in res.candidates])
    place_id = res.place.place_id if res.place else None
    return (doc_id, t.start, t.end, t.text, t.lookup, t.source, int(t.is_demonym), t.sentence_start, t.sentence_end,
            place_id, res.confidence, candidates)  # fmt: skip


def _iso(day: date | None) -> str | None:
    """Return a date as ISO text."""
    return day.isoformat() if day else None


def _dicts(cursor: Any) -> list[Row]:
    """Return a cursor's rows as dicts by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _with_span(conn: Any, text_sql: str, rows: list[Row], name: str, start: str, end: str) -> list[Row]:
    """Add to rows (grouped by doc_id) one more column, name: their document's text from start to end.

    Slicing in Python, not ``substr()`` in SQL: SQLite reads a text value whole for every substr(), so a
    40 MB document with 20,000 mentions cost 800 GB of reading (minutes per query) and held the dashboard.
    Each document's text is fetched once, as the rows come grouped by document.
    """
    doc_id, text = None, ""
    for row in rows:
        if row["doc_id"] != doc_id:
            found = conn.execute(text_sql, (row["doc_id"],)).fetchone()
            doc_id, text = row["doc_id"], (found[0] if found else "")
        row[name] = text[row[start] : row[end]]
    return rows
