"""Corrections on the seed database record who made them."""

from __future__ import annotations

import io
import sqlite3
from contextlib import redirect_stdout
from pathlib import Path

from mapdash import store
from mapdash.cli import main
from mapdash.library import corrections


def test_corrections_record_who_made_them(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "authors.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    conn = store.connect(db)
    doc_id, start, end = conn.execute("SELECT doc_id, start, end FROM mentions WHERE text = 'Raqqa' LIMIT 1").fetchone()
    place_id = conn.execute("SELECT place_id FROM mentions WHERE text = 'Ramadi' LIMIT 1").fetchone()[0]
    assert corrections.correct_place(conn, [(doc_id, start, end)], place_id, "wrong town", author="Alice Analyst") == 1
    assert corrections.correct_point(conn, [(doc_id, start, end)], 35.95, 39.01, "Raqqa centre", author="Bob") == 1
    with redirect_stdout(io.StringIO()):
        assert (
            main(
                [
                    "--db",
                    str(db),
                    "correct",
                    doc_id[:12],
                    str(start),
                    str(end),
                    "--phase",
                    "strike",
                    "--author",
                    "Carol",
                ]
            )
            == 0
        )
        assert main(["--db", str(db), "correct", doc_id[:12], str(start), str(end), "--phase", "strike"]) == 0
    authors = [r["author"] for r in conn.execute("SELECT author FROM corrections ORDER BY correction_id")]
    from mapdash.ui.auth import local_user

    assert authors == ["Alice Analyst", "Bob", "Carol", local_user()]
