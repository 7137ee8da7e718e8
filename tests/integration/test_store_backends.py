"""The store's suite (tests/unit/test_store.py) on both backends: a SQLite file and a PostgreSQL + PostGIS database.

The functions are collected again here, with ``target`` a fresh database of each backend (``db_target`` in
conftest.py: PostgreSQL cases are skipped, with the reason, only where no server can be started).
"""

from __future__ import annotations

import pytest
from test_store import (  # noqa: F401 - collected here again, on both backends
    db,
    test_a_failing_document_leaves_nothing,
    test_bad_correction_kind_is_refused,
    test_correction_ids_count_up,
    test_corrections_survive_reprocessing,
    test_documents_and_mentions_are_found_by_id_and_span,
    test_an_ended_threads_connection_is_handed_on,
    test_each_thread_reads_on_its_own_connection,
    test_every_write_changes_the_data_version_and_reads_do_not,
    test_mention_rows_join_document_and_place,
    test_newer_schema_is_refused,
    test_rows_are_plain_dicts,
    test_same_document_is_stored_once,
    test_schema_is_versioned,
    test_unknown_tables_are_refused,
    test_values_keep_their_precision,
)


@pytest.fixture
def target(db_target: str) -> str:
    """A fresh database on the backend under test."""
    return db_target
