"""The store's suite (tests/unit/test_store.py) on both backends: a SQLite file and a PostgreSQL + PostGIS database.

Every test of test_store.py that takes the ``db`` fixture is collected again here, with ``target`` a fresh database
of each backend (``db_target`` in conftest.py: PostgreSQL cases are skipped, with the reason, only where no server
can be started). A test added there runs here too.
"""

from __future__ import annotations

import inspect

import pytest
import test_store
from test_store import db  # noqa: F401 - the fixture, over the target below

SUITE = {
    name: test
    for name, test in vars(test_store).items()
    if name.startswith("test_") and "db" in inspect.signature(test).parameters
}
globals().update(SUITE)


@pytest.fixture
def target(db_target: str) -> str:
    """A fresh database on the backend under test."""
    return db_target


def test_the_suite_is_collected_here() -> None:
    assert len(SUITE) >= 15 and "test_a_failing_document_leaves_nothing" in SUITE
