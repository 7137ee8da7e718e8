"""Databases made before the Store keep opening: a SQLite file and a PostgreSQL database written by the old store
module (the sqlite3-shaped functions and the regular-expression PostgreSQL adapter, taken from git history)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from test_store import OTHER, RAMADI, TEXT, sample

from mapdash.settings import REPO_ROOT
from mapdash.store import SCHEMA_VERSION, Store

OLD = "2d5fb66"  # the last commit with the old store (src/mapdash/store/__init__.py and postgres.py)


@pytest.fixture(scope="module")
def old_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The old store package, importable as `oldstore` (skipped without the repository's history)."""
    folder = tmp_path_factory.mktemp("old") / "oldstore"
    folder.mkdir()
    for name in ("__init__.py", "postgres.py"):
        shown = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "show", f"{OLD}:src/mapdash/store/{name}"], capture_output=True, text=True
        )
        if shown.returncode != 0:
            pytest.skip(f"the old store is read from git history, not available here ({shown.stderr.strip()})")
        text = shown.stdout.replace("from mapdash.store import postgres as pgconn", "from oldstore import postgres")
        (folder / name).write_text(text.replace("pgconn.", "postgres."), encoding="utf-8")
    sys.path.insert(0, str(folder.parent))
    try:
        import oldstore

        yield oldstore
    finally:
        sys.path.remove(str(folder.parent))
        for module in ("oldstore", "oldstore.postgres"):
            sys.modules.pop(module, None)


def test_a_database_the_old_store_made_opens_and_grows(old_store: ModuleType, db_target: str) -> None:
    result = sample()
    doc_id, t = result.document.doc_id, result.resolutions[0].toponym
    conn = old_store.connect(Path(db_target) if "://" not in db_target else db_target)
    old_store.save_geoparse(conn, result)
    first = old_store.add_correction(conn, doc_id, (t.start, t.end), "place", OTHER.place_id, author="old")
    conn.close()

    db = Store.open(db_target)
    assert db.schema_version() == SCHEMA_VERSION
    (row,) = db.mention_rows()
    assert (row["mention"], row["place_id"], row["lat"], row["sentence"]) == (
        "Ramadi",
        RAMADI.place_id,
        RAMADI.lat,
        TEXT[:39],
    )
    (correction,) = db.table_rows("corrections")
    assert (correction["correction_id"], correction["author"], correction["value"]) == (first, "old", '"gn:1"')
    assert db.add_correction(doc_id, (t.start, t.end), "phase", "strike") == first + 1, "ids go on from the old ones"
    assert db.save_geoparse(sample("Ramadi, again.")) and db.count("documents") == 2
    db.close()
    assert Store.open(db_target).schema_version() == SCHEMA_VERSION, "opening again migrates nothing"
