"""Errors: every command-line failure exits non-zero with one line that says what to do (a traceback only
with --debug); the dashboard shows a readable message, never a stack trace."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapdash import cli, store
from mapdash.cli import main
from mapdash.settings import REPO_ROOT


def not_a_database(tmp: Path) -> list[str]:
    (tmp / "notes.sqlite").write_text("these are my notes, not a database\n" * 100)
    return ["--db", str(tmp / "notes.sqlite"), "places"]


def newer_schema(tmp: Path) -> list[str]:
    conn = sqlite3.connect(tmp / "new.sqlite")
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 5}")
    conn.close()
    return ["--db", str(tmp / "new.sqlite"), "places"]


def folder_as_database(tmp: Path) -> list[str]:
    (tmp / "folder.sqlite").mkdir()
    return ["--db", str(tmp / "folder.sqlite"), "places"]


def database_under_a_file(tmp: Path) -> list[str]:
    (tmp / "file").write_text("x")
    return ["--db", str(tmp / "file" / "m.sqlite"), "places"]


# (case, argv maker, exit code, what the one line must say)
CASES: list[tuple[str, Callable[[Path], list[str]], int, str]] = [
    (
        "missing release",
        lambda t: ["--db", str(t / "m.sqlite"), "ingest", str(t / "nope.txt")],
        2,
        "nope.txt: no such file or folder (check the path)",
    ),
    (
        "not a database",
        not_a_database,
        2,
        "notes.sqlite: cannot use this database (file is not a database): give another --db",
    ),
    ("newer schema", newer_schema, 2, f"is newer than this mapdash ({store.SCHEMA_VERSION}): upgrade mapdash"),
    (
        "folder as database",
        folder_as_database,
        2,
        "folder.sqlite: cannot use this database (unable to open database file): give another --db",
    ),
    ("database under a file", database_under_a_file, 2, "(check the path and its permissions)"),
    (
        "unknown document",
        lambda t: ["--db", str(t / "m.sqlite"), "correct", "ffff", "1", "2", "--phase", "strike"],
        2,
        "give more of the id",
    ),
    ("bad point", lambda t: ["--db", str(t / "m.sqlite"), "correct", "x", "1", "2", "--point", "91", "0"], 2, ""),
]


@pytest.mark.parametrize(("case", "argv", "code", "says"), CASES, ids=[c[0] for c in CASES])
def test_cli_failures_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, argv, code: int, says: str
) -> None:
    assert main(argv(tmp_path)) == code
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mapdash: error: "), captured.err
    assert says in lines[0] and "Traceback" not in captured.err + captured.out


@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["places", "--format", "xml"],
        ["ingest"],
        ["ingest", "--date", "26/02/2016", "x.txt"],
        ["correct", "abc", "one", "2", "--phase", "x"],
        ["serve", "--max-upload-mb", "lots"],
    ],
)
def test_usage_errors_are_one_line_pointing_to_help(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("mapdash") and "--help`)" in err, err


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (
            RuntimeError("the gazetteer index is broken"),
            "unexpected RuntimeError: the gazetteer index is broken (run again with --debug",
        ),
        (sqlite3.OperationalError("disk I/O error"), "database error: disk I/O error (try again;"),
        (MemoryError(), "out of memory (ingest fewer or smaller files at once)"),
        (
            PermissionError(13, "Permission denied", "/data/x.sqlite"),
            "/data/x.sqlite: Permission denied (check the path",
        ),
        (ValueError("line one\nline two\ttab"), "unexpected ValueError: line one line two tab"),
    ],
)
def test_unexpected_failures_are_one_line_unless_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: BaseException, says: str
) -> None:
    def fail(args, settings):
        raise error

    monkeypatch.setitem(cli.COMMANDS, "places", fail)
    assert main(["--db", str(tmp_path / "m.sqlite"), "places"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err
    with pytest.raises(type(error)):
        main(["--db", str(tmp_path / "m.sqlite"), "--debug", "places"])


def test_real_process_failure_and_closed_pipe(tmp_path: Path, seed_db: Path) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    (tmp_path / "bad.sqlite").write_bytes(b"\x00" * 4096)
    run = subprocess.run(
        [sys.executable, "-m", "mapdash", "--db", str(tmp_path / "bad.sqlite"), "places"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert run.returncode == 2 and len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr, run.stderr
    # A reader that stops early (| head) is no failure to report.
    run = subprocess.run(
        f"'{sys.executable}' -m mapdash --db '{seed_db}' places --format csv | head -c 20",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert len(run.stdout) == 20 and run.stderr == "", run.stderr


# --- The dashboard ---


def app_on(db: Path | str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """Return the app on db, run once."""
    monkeypatch.setenv("MAPDASH_DB", str(db))
    monkeypatch.chdir(REPO_ROOT)
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    app.run()
    return app


def test_unreadable_database_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.sqlite").write_text("not a database\n" * 100)
    app = app_on(tmp_path / "notes.sqlite", monkeypatch)
    assert not app.exception, app.exception
    (error,) = app.error
    assert "cannot be read" in error.value and "file is not a database" in error.value
    assert "Traceback" not in error.value and 'File "' not in error.value


def test_broken_correction_rows_are_a_message(tmp_path: Path, seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "broken.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    conn = store.connect(db)
    doc_id, start, end = conn.execute("SELECT doc_id, start, end FROM mentions LIMIT 1").fetchone()
    # Written by hand, as a damaged file or a careless script might leave it: a point without coordinates.
    conn.execute(
        "INSERT INTO corrections (doc_id, mention_start, mention_end, kind, value, created_at) VALUES (?,?,?,?,?,?)",
        (doc_id, start, end, "place", '{"name": "<b>x</b>"}', "2016-02-26"),
    )
    app = app_on(db, monkeypatch)
    assert not app.exception, app.exception
    assert app.error and "cannot be read" in app.error[0].value


def test_a_failing_page_shows_a_message_and_the_frame_stays(seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("the basemap file is damaged [see](javascript:alert(1))")

    # The page imports st_folium by name on each run; no mapdash module keeps a reference to the stand-in after the
    # test.
    monkeypatch.setattr("streamlit_folium.st_folium", boom)
    app = app_on(seed_db, monkeypatch)
    assert not app.exception, app.exception
    (error,) = app.error
    assert error.value.startswith("The Map page could not be drawn") and "RuntimeError" in error.value
    assert "](javascript" not in error.value, "markdown in the message is escaped"
    assert app.sidebar.multiselect, "the filters still show"
