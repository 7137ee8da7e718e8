"""The database: documents, mentions, places, quotes, phases and analyst corrections, in SQLite or PostgreSQL.

``Store.open(path or postgresql:// URL)`` returns the one object that owns the database (``store/core.py``);
every other module reads and writes through its methods, never through a connection. One document is written
in one transaction, so a failure leaves nothing half-written. A document's id is the hash of its text, so storing
the same text twice is a no-op, and corrections keyed by (document, span) survive re-processing.

Modules: ``core`` (the Store), ``sql`` (each statement in each dialect), ``schema`` (the migrations),
``sqlite`` and ``postgres`` (the two backends' connections and transactions), ``errors``.
"""

from __future__ import annotations

from mapdash.store.core import Row, Store, connect
from mapdash.store.errors import StoreError
from mapdash.store.schema import MIGRATIONS, PG_MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "PG_MIGRATIONS", "SCHEMA_VERSION", "Row", "Store", "StoreError", "connect"]
