"""Every statement the store runs, written for SQLite and, where PostgreSQL's differs, for PostgreSQL.

They differ in parameter markers (``?`` and ``:name`` against ``%s`` and ``%(name)s``) and in the column name
``end``, which PostgreSQL reserves unless it follows a table alias (``m.end``). Nothing is translated at run time:
each backend reads its own class's text.
"""

from __future__ import annotations

from typing import ClassVar

TABLES = ("documents", "mentions", "places", "quotes", "phases", "corrections")


class SqliteSQL:
    """The statements in SQLite's dialect."""

    BUMP_REVISION: ClassVar[str] = "UPDATE meta SET value = value + 1 WHERE key = 'revision'"
    REVISION: ClassVar[str] = "SELECT value FROM meta WHERE key = 'revision'"
    HAS_DOCUMENT: ClassVar[str] = "SELECT 1 FROM documents WHERE doc_id = ?"
    DELETE_DOCUMENT: ClassVar[str] = "DELETE FROM documents WHERE doc_id = ?"
    # DO NOTHING covers a writer that stored the same text meanwhile: PostgreSQL has no IMMEDIATE lock to prevent it.
    INSERT_DOCUMENT: ClassVar[str] = (
        "INSERT INTO documents (doc_id, title, byline, published, source, text, geoparse_mode, ingested_at)"
        " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (doc_id) DO NOTHING"
    )
    UPSERT_PLACE: ClassVar[str] = (
        "INSERT INTO places (place_id, geonameid, name, feature, country_code, country_name, admin1_name, lat, lon,"
        " population, feature_code) VALUES (:place_id, :geonameid, :name, :feature, :country_code, :country_name,"
        " :admin1_name, :lat, :lon, :population, :feature_code)"
        " ON CONFLICT(place_id) DO UPDATE SET name=excluded.name, lat=excluded.lat, lon=excluded.lon,"
        " population=excluded.population"
        # Only when something changed: most documents name known places, and rewriting each row (and in
        # PostgreSQL its GiST and B-tree entries) for nothing was most of a store's cost.
        " WHERE places.name <> excluded.name OR places.lat <> excluded.lat OR places.lon <> excluded.lon"
        " OR places.population <> excluded.population"
    )
    INSERT_MENTION: ClassVar[str] = (
        "INSERT INTO mentions (doc_id, start, end, text, lookup, source, is_demonym, sentence_start, sentence_end,"
        " place_id, confidence, candidates) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    INSERT_QUOTE: ClassVar[str] = (
        "INSERT INTO quotes (doc_id, start, end, text, speaker, role, kind, mention_spans) VALUES (?,?,?,?,?,?,?,?)"
    )
    INSERT_PHASE: ClassVar[str] = (
        "INSERT INTO phases (doc_id, mention_start, mention_end, phase, rule, confidence, evidence_start,"
        " evidence_end, date_from, date_to) VALUES (?,?,?,?,?,?,?,?,?,?)"
    )
    INSERT_CORRECTION: ClassVar[str] = (
        "INSERT INTO corrections (doc_id, mention_start, mention_end, kind, value, note, created_at, author)"
        " VALUES (?,?,?,?,?,?,?,?) RETURNING correction_id"
    )
    MENTIONS: ClassVar[str] = """
SELECT m.mention_id, m.doc_id, d.title, d.published, d.source, d.byline, m.start, m.end, m.text AS mention,
       m.lookup, m.source AS recognizer, m.is_demonym, m.sentence_start, m.sentence_end,
       m.confidence, m.candidates, p.place_id, p.geonameid, p.name AS place_name, p.feature, p.country_code,
       p.country_name, p.admin1_name, p.lat, p.lon, p.population, p.feature_code
FROM mentions m JOIN documents d USING (doc_id) LEFT JOIN places p ON p.place_id = m.place_id
ORDER BY d.published, m.doc_id, m.start
"""
    DOCUMENTS: ClassVar[str] = (
        "SELECT d.doc_id, d.title, d.byline, d.published, d.source, d.geoparse_mode, d.ingested_at,"
        " length(d.text) AS characters,"
        " (SELECT count(*) FROM mentions m WHERE m.doc_id = d.doc_id) AS mentions,"
        " (SELECT count(*) FROM quotes q WHERE q.doc_id = d.doc_id) AS quotes"
        " FROM documents d ORDER BY d.published DESC, d.title"
    )
    QUOTES: ClassVar[str] = (
        "SELECT q.quote_id, q.doc_id, d.title, d.published, q.speaker, q.role, q.kind, q.text, q.start, q.end,"
        " q.mention_spans FROM quotes q JOIN documents d USING (doc_id) ORDER BY d.published, q.doc_id, q.start"
    )
    PHASES: ClassVar[str] = "SELECT * FROM phases ORDER BY doc_id, phase_id"
    DOCUMENT: ClassVar[str] = "SELECT * FROM documents WHERE doc_id = ?"
    DOCUMENT_TEXT: ClassVar[str] = "SELECT text FROM documents WHERE doc_id = ?"
    DOCUMENT_IDS: ClassVar[str] = "SELECT doc_id FROM documents WHERE doc_id LIKE ? ORDER BY doc_id"
    PLACE: ClassVar[str] = "SELECT * FROM places WHERE place_id = ?"
    HAS_MENTION: ClassVar[str] = "SELECT 1 FROM mentions WHERE doc_id = ? AND start = ? AND end = ?"
    ALL_ROWS: ClassVar[dict[str, str]] = {table: f"SELECT * FROM {table}" for table in TABLES}  # noqa: S608
    COUNT: ClassVar[dict[str, str]] = {table: f"SELECT count(*) FROM {table}" for table in TABLES}  # noqa: S608


class PostgresSQL(SqliteSQL):
    """The statements in PostgreSQL's dialect, where it differs from SQLite's."""

    HAS_DOCUMENT = "SELECT 1 FROM documents WHERE doc_id = %s"
    DELETE_DOCUMENT = "DELETE FROM documents WHERE doc_id = %s"
    INSERT_DOCUMENT = (
        "INSERT INTO documents (doc_id, title, byline, published, source, text, geoparse_mode, ingested_at)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (doc_id) DO NOTHING"
    )
    UPSERT_PLACE = (
        "INSERT INTO places (place_id, geonameid, name, feature, country_code, country_name, admin1_name, lat, lon,"
        " population, feature_code) VALUES (%(place_id)s, %(geonameid)s, %(name)s, %(feature)s, %(country_code)s,"
        " %(country_name)s, %(admin1_name)s, %(lat)s, %(lon)s, %(population)s, %(feature_code)s)"
        " ON CONFLICT(place_id) DO UPDATE SET name=excluded.name, lat=excluded.lat, lon=excluded.lon,"
        " population=excluded.population"
        " WHERE places.name <> excluded.name OR places.lat <> excluded.lat OR places.lon <> excluded.lon"
        " OR places.population <> excluded.population"
    )
    INSERT_MENTION = (
        'INSERT INTO mentions (doc_id, start, "end", text, lookup, source, is_demonym, sentence_start, sentence_end,'
        " place_id, confidence, candidates) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    )
    INSERT_QUOTE = (
        'INSERT INTO quotes (doc_id, start, "end", text, speaker, role, kind, mention_spans)'
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s)"
    )
    INSERT_PHASE = (
        "INSERT INTO phases (doc_id, mention_start, mention_end, phase, rule, confidence, evidence_start,"
        " evidence_end, date_from, date_to) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    )
    INSERT_CORRECTION = (
        "INSERT INTO corrections (doc_id, mention_start, mention_end, kind, value, note, created_at, author)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s) RETURNING correction_id"
    )
    DOCUMENT = "SELECT * FROM documents WHERE doc_id = %s"
    DOCUMENT_TEXT = "SELECT text FROM documents WHERE doc_id = %s"
    DOCUMENT_IDS = "SELECT doc_id FROM documents WHERE doc_id LIKE %s ORDER BY doc_id"
    PLACE = "SELECT * FROM places WHERE place_id = %s"
    HAS_MENTION = 'SELECT 1 FROM mentions WHERE doc_id = %s AND start = %s AND "end" = %s'
