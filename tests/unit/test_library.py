"""The document library: per-release results for paths, uploads, pasted text, re-processing and deletion."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mapdash import library, store
from mapdash.geoparse.ingest import IngestError
from mapdash.geoparse.pipeline import Services


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    """A fresh database."""
    return store.connect(tmp_path / "lib.sqlite")


def never() -> Services:
    """A services loader that must not be called."""
    raise AssertionError("services were built although nothing needed geoparsing")


def test_missing_path_stops_before_any_work(conn, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        library.ingest_paths(conn, [tmp_path / "nope.txt"], never)
