"""The embedded database: documents, mentions, places, quotes, phases and analyst corrections in SQLite.

One document is written in one transaction, so a failure leaves nothing half-written. A document's id
is the hash of its text, so storing the same text twice is a no-op, and corrections keyed by
(document, span) survive re-processing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from mapdash.model import Geoparse, Place
from mapdash.store import postgres as pgconn

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY, title TEXT, byline TEXT, published TEXT, source TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL, geoparse_mode TEXT NOT NULL DEFAULT '', ingested_at TEXT NOT NULL);
    CREATE TABLE places (
        place_id TEXT PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, feature TEXT NOT NULL,
        country_code TEXT NOT NULL, country_name TEXT NOT NULL, admin1_name TEXT,
        lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL DEFAULT 0, feature_code TEXT NOT NULL DEFAULT '');
    CREATE TABLE mentions (
        mention_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL, lookup TEXT NOT NULL, source TEXT NOT NULL,
        is_demonym INTEGER NOT NULL DEFAULT 0, sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL,
        place_id TEXT REFERENCES places(place_id), confidence REAL NOT NULL, candidates TEXT NOT NULL DEFAULT '[]',
        UNIQUE (doc_id, start, end));
    CREATE INDEX mentions_place ON mentions(place_id);
    CREATE TABLE quotes (
        quote_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL, speaker TEXT, role TEXT,
        kind TEXT NOT NULL, mention_spans TEXT NOT NULL DEFAULT '[]');
    CREATE TABLE phases (
        phase_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        mention_start INTEGER NOT NULL, mention_end INTEGER NOT NULL, phase TEXT NOT NULL, rule TEXT NOT NULL,
        confidence REAL NOT NULL, evidence_start INTEGER NOT NULL, evidence_end INTEGER NOT NULL,
        date_from TEXT, date_to TEXT);
    CREATE INDEX phases_doc ON phases(doc_id, mention_start);
    -- Analyst corrections are kept apart from machine output and outlive re-processing and deletion.
    CREATE TABLE corrections (
        correction_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, mention_start INTEGER NOT NULL,
        mention_end INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('place', 'phase')),
        value TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
    CREATE INDEX corrections_doc ON corrections(doc_id, mention_start);
    -- A counter bumped by every write: the dashboard's cache key.
    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO meta (key, value) VALUES ('revision', 0);
    """,
    # Who made each correction: the user logged in to the dashboard, or the command line's user. Older ones: ''.
    2: """
    ALTER TABLE corrections ADD COLUMN author TEXT NOT NULL DEFAULT '';
    """,
}


class StoreError(RuntimeError):
    """The database cannot be used as asked (newer schema, unreadable file)."""


def connect(path: str | Path) -> sqlite3.Connection:
    """Return a connection to the SQLite file at path, or the PostgreSQL server at a postgresql:// URL, migrated."""
    if pgconn.is_url(path):
        return _connect_postgres(pgconn.normalise_url(path))
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still never corrupts the file; a power cut may lose only the last commits (which a
            # re-ingest restores), and the writer is spared an fsync per document: 2.5x faster stores.
            conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        # A file that is no database, a folder, a lock held too long: say which file and what to do, once.
        busy = "locked" in str(exc) or "busy" in str(exc)
        hint = "another process kept it locked for 30 s; try again" if busy else "give another --db (or MAPDASH_DB)"
        raise StoreError(f"{path}: cannot use this database ({exc}): {hint}") from exc
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to SCHEMA_VERSION and return the version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"database schema {version} is newer than this mapdash ({SCHEMA_VERSION}): upgrade mapdash")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with transaction(conn, write=False):  # the revision counter may not exist yet
            # Read again under the write lock: another process opening the same new file may have migrated it.
            if conn.execute("PRAGMA user_version").fetchone()[0] >= target:
                continue
            for statement in _statements(MIGRATIONS[target]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
    return SCHEMA_VERSION


def _connect_postgres(url: str) -> sqlite3.Connection:
    """Return a PostgreSQL connection that speaks the sqlite3 subset this module uses, migrated, with PostGIS views."""
    try:
        conn = pgconn.PgConnection(url)
    except sqlite3.OperationalError as exc:
        raise StoreError(str(exc)) from None
    # BEGIN takes no lock in PostgreSQL: an advisory lock keeps two team members' first connections from both migrating.
    conn.execute("SELECT pg_advisory_lock(?)", (pgconn.MIGRATION_LOCK,))
    try:
        migrate(conn)  # type: ignore[arg-type]  # duck-typed: PgConnection offers the sqlite3 calls used here
        if conn.execute("SELECT to_regclass('places_geo') IS NULL").fetchone()[0]:
            pgconn.ensure_postgis(conn)
    finally:
        conn.execute("SELECT pg_advisory_unlock(?)", (pgconn.MIGRATION_LOCK,))
    return conn  # type: ignore[return-value]


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (it holds no semicolons inside literals)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@contextmanager
def transaction(conn: sqlite3.Connection, *, write: bool = True) -> Iterator[sqlite3.Connection]:
    """Run a block in one IMMEDIATE transaction: all of it is written, or none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        if write:
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def has_document(conn: sqlite3.Connection, doc_id: str) -> bool:
    """Say whether a document with this id is stored."""
    return conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None


def save_geoparse(conn: sqlite3.Connection, result: Geoparse, *, replace: bool = False) -> bool:
    """Store a document with its mentions, quotes and phases; return False when it was already stored."""
    doc = result.document
    with transaction(conn):
        if has_document(conn, doc.doc_id):
            if not replace:
                return False
            conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
        # DO NOTHING covers a writer that stored the same text meanwhile: PostgreSQL has no IMMEDIATE lock to prevent
        # it.
        if not conn.execute(
            "INSERT INTO documents (doc_id, title, byline, published, source, text, geoparse_mode, ingested_at) VALUES "
            "(?,?,?,?,?,?,?,?)"
            " ON CONFLICT (doc_id) DO NOTHING",
            (
                doc.doc_id,
                doc.title,
                doc.byline,
                _iso(doc.published),
                doc.source,
                doc.text,
                result.mode,
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        ).rowcount:
            return False
        # Each place once per document, and one executemany per table: a document names the same places many
        # times, and statement calls, not rows, are what the single writer spends its time on.
        places = {c.place.place_id: c.place for res in result.resolutions for c in res.candidates}
        places.update((res.place.place_id, res.place) for res in result.resolutions if res.place is not None)
        _upsert_places(conn, places.values())
        conn.executemany(
            "INSERT INTO mentions (doc_id, start, end, text, lookup, source, is_demonym, sentence_start, sentence_end, "
            "place_id, confidence, candidates)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    doc.doc_id,
                    t.start,
                    t.end,
                    t.text,
                    t.lookup,
                    t.source,
                    int(t.is_demonym),
                    t.sentence_start,
                    t.sentence_end,
                    res.place.place_id if res.place else None,
                    res.confidence,
                    json.dumps([[c.place.place_id, c.score] for c in res.candidates]),
                )
                for res in result.resolutions
                for t in [res.toponym]
            ],
        )
        conn.executemany(
            "INSERT INTO quotes (doc_id, start, end, text, speaker, role, kind, mention_spans) VALUES "
            "(?,?,?,?,?,?,?,?)",
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
        conn.executemany(
            "INSERT INTO phases (doc_id, mention_start, mention_end, phase, rule, confidence, evidence_start, "
            "evidence_end, date_from, date_to)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
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


def _iso(day: date | None) -> str | None:
    """Return a date as ISO text for SQLite."""
    return day.isoformat() if day else None


UPSERT_PLACE = (
    "INSERT INTO places (place_id, geonameid, name, feature, country_code, country_name, admin1_name, lat, lon, "
    "population, feature_code)"
    " VALUES (:place_id, :geonameid, :name, :feature, :country_code, :country_name, :admin1_name, :lat, :lon, "
    ":population, :feature_code)"
    " ON CONFLICT(place_id) DO UPDATE SET name=excluded.name, lat=excluded.lat, lon=excluded.lon, "
    "population=excluded.population"
    # Only when something changed: most documents name known places, and rewriting each row (and in PostgreSQL
    # its GiST and B-tree entries) for nothing was most of a store's cost.
    " WHERE places.name <> excluded.name OR places.lat <> excluded.lat OR places.lon <> excluded.lon"
    " OR places.population <> excluded.population"
)


def _upsert_place(conn: sqlite3.Connection, place: Place) -> None:
    """Insert a gazetteer entry, or refresh it, so mentions can point at it."""
    _upsert_places(conn, [place])


def _upsert_places(conn: sqlite3.Connection, places: Iterable[Place]) -> None:
    """Insert or refresh gazetteer entries; vars(), not asdict(), which deep-copies every field of every place."""
    conn.executemany(UPSERT_PLACE, [vars(place) for place in places])


def save_place(conn: sqlite3.Connection, place: Place) -> None:
    """Store one gazetteer entry (for an analyst's correction to point at)."""
    with transaction(conn):
        _upsert_place(conn, place)


def delete_document(conn: sqlite3.Connection, doc_id: str) -> bool:
    """Delete a document and its machine output (corrections are kept); return whether it existed."""
    with transaction(conn):
        return conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0


def add_correction(
    conn: sqlite3.Connection,
    doc_id: str,
    span: tuple[int, int],
    kind: str,
    value: object,
    note: str = "",
    author: str = "",
) -> int:
    """Record an analyst's correction of a mention's place or phase, and who made it; return its id."""
    if kind not in ("place", "phase"):
        raise ValueError(f"correction kind must be 'place' or 'phase', not {kind!r}")
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO corrections (doc_id, mention_start, mention_end, kind, value, note, created_at, author) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (
                doc_id,
                span[0],
                span[1],
                kind,
                json.dumps(value),
                note,
                datetime.now(UTC).isoformat(timespec="seconds"),
                author,
            ),
        )
        return int(cur.lastrowid or 0)


MENTIONS_SQL = """
SELECT m.mention_id, m.doc_id, d.title, d.published, d.source, d.byline, m.start, m.end, m.text AS mention,
       m.lookup, m.source AS recognizer, m.is_demonym, m.sentence_start, m.sentence_end,
       m.confidence, m.candidates, p.place_id, p.geonameid, p.name AS place_name, p.feature, p.country_code,
       p.country_name, p.admin1_name, p.lat, p.lon, p.population, p.feature_code
FROM mentions m JOIN documents d USING (doc_id) LEFT JOIN places p ON p.place_id = m.place_id
ORDER BY d.published, m.doc_id, m.start
"""


def data_version(conn: sqlite3.Connection) -> str:
    """Return a token that changes whenever anything is written (a cache key)."""
    return str(conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])


class Record(tuple):
    """A row addressable by position and by column name (like sqlite3.Row), with columns computed in Python."""

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key):  # type: ignore[override]
        return tuple.__getitem__(self, self._index[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        """Return the column names."""
        return list(self._index)


def _record_type(names: Iterable[str]) -> type[Record]:
    """Return a Record class for these column names."""
    return type("Record", (Record,), {"__slots__": (), "_index": {name: i for i, name in enumerate(names)}})


class _Texts:
    """Documents' texts fetched one at a time, for rows that come grouped by document.

    Slicing in Python, not ``substr()`` in SQL: SQLite reads a text value whole for every substr(), so a
    40 MB document with 20,000 mentions cost 800 GB of reading (minutes per query) and held the dashboard.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn, self.doc_id, self.text = conn, None, ""

    def span(self, doc_id: str, start: int, end: int) -> str:
        """Return text[start:end] of a document."""
        if doc_id != self.doc_id:
            row = self.conn.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            self.doc_id, self.text = doc_id, (row[0] if row else "")
        return self.text[start:end]


def _with_span(conn: sqlite3.Connection, rows: list, name: str, start: str, end: str) -> list[Record]:
    """Return rows (grouped by doc_id) with one more column, name: their document's text from start to end."""
    if not rows:
        return []
    record = _record_type([*rows[0].keys(), name])
    texts = _Texts(conn)
    return [record((*r, texts.span(r["doc_id"], r[start], r[end]))) for r in rows]


def mention_rows(conn: sqlite3.Connection) -> list[Record]:
    """Return every stored mention joined with its document and place, and its sentence."""
    return _with_span(conn, conn.execute(MENTIONS_SQL).fetchall(), "sentence", "sentence_start", "sentence_end")


def document_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Return every stored document (without its text) with its mention and quote counts."""
    return conn.execute(
        "SELECT d.doc_id, d.title, d.byline, d.published, d.source, d.geoparse_mode, d.ingested_at, length(d.text) AS "
        "characters,"
        " (SELECT count(*) FROM mentions m WHERE m.doc_id = d.doc_id) AS mentions,"
        " (SELECT count(*) FROM quotes q WHERE q.doc_id = d.doc_id) AS quotes"
        " FROM documents d ORDER BY d.published DESC, d.title"
    ).fetchall()


def quote_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Return every stored quote with its document's title and date."""
    return conn.execute(
        "SELECT q.quote_id, q.doc_id, d.title, d.published, q.speaker, q.role, q.kind, q.text, q.start, q.end, "
        "q.mention_spans"
        " FROM quotes q JOIN documents d USING (doc_id) ORDER BY d.published, q.doc_id, q.start"
    ).fetchall()


def table_rows(conn: sqlite3.Connection, table: str) -> list[sqlite3.Row]:
    """Return all rows of one of the store's tables."""
    if table not in ("documents", "places", "quotes", "phases", "corrections"):
        raise ValueError(f"unknown table {table!r}")
    return conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - table name checked above


def phase_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Return every stored phase tag with the text of its evidence sentence."""
    rows = conn.execute("SELECT * FROM phases ORDER BY doc_id, phase_id").fetchall()
    return _with_span(conn, rows, "evidence", "evidence_start", "evidence_end")


def document_row(conn: sqlite3.Connection, doc_id: str) -> sqlite3.Row | None:
    """Return a stored document row, text included, by id."""
    return conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()


def place_by_id(conn: sqlite3.Connection, place_id: str) -> sqlite3.Row | None:
    """Return a stored place row by id."""
    return conn.execute("SELECT * FROM places WHERE place_id = ?", (place_id,)).fetchone()
