"""Crash safety: a real `mapdash ingest` process killed with SIGKILL mid-batch leaves a consistent database
(no half documents, no orphan rows), the same command then completes the batch without duplicates, and
analyst corrections survive re-processing (killed or not) and schema upgrades.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mapdash import store
from mapdash.frame import mentions_frame
from mapdash.geoparse.ingest import read_release
from mapdash.geoparse.pipeline import geoparse

pytestmark = pytest.mark.slow
DOCUMENTS = 200
PLACES = [
    "Ramadi",
    "Mosul",
    "Raqqa",
    "Fallujah",
    "Tikrit",
    "Kirkuk",
    "Baghdad",
    "Aleppo",
    "Palmyra",
    "Deir ez-Zor",
    "Manbij",
    "Hasakah",
    "Sinjar",
    "Baiji",
    "Haditha",
    "Samarra",
    "Erbil",
    "Damascus",
    "Homs",
    "Idlib",
]
CHILD_TABLES = ("mentions", "quotes", "phases")


def write_batch(folder: Path, count: int = DOCUMENTS) -> list[Path]:
    """Write count distinct releases, each naming places, quoting a speaker and stating a phase."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        a, b, c = PLACES[i % 20], PLACES[(i * 7 + 3) % 20], PLACES[(i * 11 + 5) % 20]
        text = (
            f"Coalition Update No. {i}\n\n"
            f"Iraqi forces retook {a} in Iraq on Tuesday after {i + 2} days of fighting, officials said.\n\n"
            f"“The next phase will target {b},” Army Col. Steve Warren told reporters in Baghdad.\n\n"
            f"Coalition aircraft conducted {i % 9 + 1} airstrikes near {c} in Syria, destroying {i % 5 + 2} fighting "
            "positions."
        )
        path = folder / f"release_{i:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def batch(
    tmp_path_factory: pytest.TempPathFactory, services_gazetteer
) -> tuple[Path, dict[str, dict[str, list[tuple]]]]:
    """The batch folder and, per document id, the rows a clean run stores for it."""
    folder = tmp_path_factory.mktemp("crash") / "batch"
    expected: dict[str, dict[str, list[tuple]]] = {}
    reference = store.connect(":memory:")
    for path in write_batch(folder):
        reference.save_geoparse(geoparse(read_release(path), services_gazetteer))
    for doc_id in (r[0] for r in reference.execute("SELECT doc_id FROM documents")):
        expected[doc_id] = child_rows(reference, doc_id)
    return folder, expected


@pytest.fixture(scope="module")
def services_gazetteer(settings):
    """Gazetteer-only services, the mode the killed processes run in (--no-spacy)."""
    from mapdash.geoparse.pipeline import load_services

    return load_services(settings, use_spacy=False)


def child_rows(conn: store.Store, doc_id: str) -> dict[str, list[tuple]]:
    """Return a document's mentions, quotes and phases without their row ids (which differ between databases)."""
    rows = {}
    for table in CHILD_TABLES:
        cursor = conn.execute(f"SELECT * FROM {table} WHERE doc_id = ?", (doc_id,))  # noqa: S608 - fixed names
        names = [d[0] for d in cursor.description]
        rows[table] = sorted(
            tuple(v for n, v in zip(names, r, strict=True) if not n.endswith("_id") or n == "place_id") for r in cursor
        )
    return rows


def ingest_command(db: Path, folder: Path, *extra: str) -> list[str]:
    """Return the command line of a gazetteer-mode ingest of folder into db."""
    return [sys.executable, "-m", "mapdash", "--db", str(db), "--no-spacy", "ingest", *extra, str(folder)]


def stored(db: Path) -> int:
    """Return how many documents db holds, read through a separate connection as any reader would."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        conn.close()


def run_and_kill(command: list[str], db: Path, after: int, rng: random.Random) -> int:
    """Start command, SIGKILL it once db holds more than `after` documents (plus a random few ms); return the count
    then."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while stored(db) <= after:
            assert proc.poll() is None, (
                f"the ingest ended before it was killed: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
            assert time.monotonic() < deadline, "the ingest made no progress"
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.03))  # land anywhere in a document: reading, geoparsing or mid-transaction
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return stored(db)


def assert_consistent(db: Path, expected: dict[str, dict[str, list[tuple]]]) -> set[str]:
    """Check db holds only whole documents, no orphan rows, and a sound file; return the stored ids."""
    conn = store.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in CHILD_TABLES:
        query = f"SELECT count(*) FROM {table} WHERE doc_id NOT IN (SELECT doc_id FROM documents)"  # noqa: S608
        orphans = conn.execute(query).fetchone()[0]
        assert orphans == 0, f"orphan {table}"
    missing_places = conn.execute(
        "SELECT count(*) FROM mentions WHERE place_id IS NOT NULL AND place_id NOT IN (SELECT place_id FROM places)"
    ).fetchone()[0]
    assert missing_places == 0
    ids = {r[0] for r in conn.execute("SELECT doc_id FROM documents")}
    assert ids <= set(expected), "only documents of the batch"
    for doc_id in ids:
        assert child_rows(conn, doc_id) == expected[doc_id], f"document {doc_id[:12]} is whole"
    conn.close()
    return ids


def test_sigkill_mid_batch_then_rerun_completes_without_duplicates(tmp_path: Path, batch) -> None:
    folder, expected = batch
    db = tmp_path / "crash.sqlite"
    rng = random.Random(20160226)
    for after in (10, 60, 120):  # three kills, at different points of the batch
        count = run_and_kill(ingest_command(db, folder), db, after, rng)
        assert after < count < DOCUMENTS, "killed mid-batch"
        assert len(assert_consistent(db, expected)) == count
    before = stored(db)
    run = subprocess.run(ingest_command(db, folder), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert f"{DOCUMENTS - before} added, {before} already present, 0 rejected" in run.stdout
    assert assert_consistent(db, expected) == set(expected)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone() == (DOCUMENTS, DOCUMENTS)
    assert (
        conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM quotes GROUP BY doc_id, start, end HAVING count(*) > 1)"
        ).fetchone()[0]
        == 0
    )
    assert (
        conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM phases GROUP BY doc_id, mention_start, mention_end, phase HAVING "
            "count(*) > 1)"
        ).fetchone()[0]
        == 0
    )


def test_sigkill_during_reprocessing_keeps_documents_and_corrections(tmp_path: Path, batch) -> None:
    folder, expected = batch
    db = tmp_path / "reprocess.sqlite"
    assert subprocess.run(ingest_command(db, folder), capture_output=True, timeout=600).returncode == 0
    conn = store.connect(db)
    corrections = []
    for doc_id, start, end in conn.execute(
        "SELECT doc_id, start, end FROM mentions WHERE text = 'Ramadi' ORDER BY doc_id LIMIT 5"
    ).fetchall():
        conn.add_correction(doc_id, (start, end), "phase", "strike", note="analyst")
        corrections.append((doc_id, start, end))
    before = [tuple(r.values()) for r in conn.table_rows("corrections")]
    conn.close()
    # Re-processing replaces each document in one transaction: killed anywhere, every document is old or new, never
    # gone.
    run_and_kill_reprocess(db, folder)
    assert assert_consistent(db, expected) == set(expected)
    conn = store.connect(db)
    assert [tuple(r.values()) for r in conn.table_rows("corrections")] == before
    frame = mentions_frame(conn)
    for doc_id, start, end in corrections:
        row = frame[(frame["doc_id"] == doc_id) & (frame["start"] == start) & (frame["end"] == end)].iloc[0]
        assert row["phase"] == "strike" and bool(row["corrected"])


def run_and_kill_reprocess(db: Path, folder: Path) -> None:
    """Run `ingest --reprocess` and SIGKILL it once it has replaced some documents."""
    conn = sqlite3.connect(db)
    first = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0]
    conn.close()
    proc = subprocess.Popen(
        ingest_command(db, folder, "--reprocess"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    try:
        while True:
            with sqlite3.connect(db, timeout=30) as reader:
                revision = reader.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0]
            if revision >= first + 40:
                break
            assert proc.poll() is None and time.monotonic() < deadline, "the re-processing ended before it was killed"
            time.sleep(0.005)
        time.sleep(0.013)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


# --- Schema upgrades keep the analyst's work ---

V2 = """
ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
CREATE INDEX documents_language ON documents(language);
"""
# The upgrade under test is the one after the current schema ("v1" below: the current one; "v2": the next).
V1, NEXT = store.SCHEMA_VERSION, store.SCHEMA_VERSION + 1


def corrected_v1(tmp_path: Path, seed_db: Path) -> tuple[Path, list[tuple]]:
    """Return a copy of the seed database (schema 1) with two corrections, and its corrections."""
    db = tmp_path / "v1.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)  # not a file copy: the seed's last commits may still be in its -wal file
    conn = store.connect(db)
    assert conn.schema_version() == V1
    doc_id, start, end = conn.execute("SELECT doc_id, start, end FROM mentions WHERE text = 'Raqqa' LIMIT 1").fetchone()
    conn.add_correction(doc_id, (start, end), "phase", "current_operation", note="analyst")
    conn.add_correction(doc_id, (start, end), "place", {"lat": 35.95, "lon": 39.01, "name": "Raqqa (city centre)"})
    rows = [tuple(r.values()) for r in conn.table_rows("corrections")]
    conn.close()
    return db, rows


def test_upgrade_v1_to_v2_keeps_corrections(tmp_path: Path, seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, corrections = corrected_v1(tmp_path, seed_db)
    monkeypatch.setitem(store.MIGRATIONS, NEXT, V2)
    monkeypatch.setattr(store.schema, "SCHEMA_VERSION", NEXT)
    conn = store.connect(db)
    assert conn.schema_version() == NEXT
    assert [tuple(r) for r in conn.execute("SELECT DISTINCT language FROM documents")] == [("en",)]
    assert [tuple(r.values()) for r in conn.table_rows("corrections")] == corrections
    frame = mentions_frame(conn)
    raqqa = frame[frame["place_name"] == "Raqqa (city centre)"]
    assert len(raqqa) == 1 and raqqa.iloc[0]["phase"] == "current_operation" and bool(raqqa.iloc[0]["corrected"])
    assert store.connect(db).schema_version() == NEXT, "a second open migrates nothing"


def test_failed_upgrade_changes_nothing(tmp_path: Path, seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, corrections = corrected_v1(tmp_path, seed_db)
    monkeypatch.setitem(store.MIGRATIONS, NEXT, V2 + "\nALTER TABLE no_such_table ADD COLUMN x TEXT;")
    monkeypatch.setattr(store.schema, "SCHEMA_VERSION", NEXT)
    with pytest.raises(store.StoreError, match="no such table: no_such_table"):
        store.connect(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == V1, "the upgrade rolled back as a whole"
    assert "language" not in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    assert conn.execute("SELECT * FROM corrections").fetchall() == corrections


def test_upgrade_in_a_subprocess_killed_midway_is_retried(tmp_path: Path, seed_db: Path) -> None:
    """A v1 -> v2 upgrade in a real process killed while it holds the write lock leaves v1; the next open upgrades."""
    db, corrections = corrected_v1(tmp_path, seed_db)
    script = (
        "import os, signal, sys, time\n"
        "from mapdash import store\n"
        f"store.MIGRATIONS[{NEXT}] = {V2!r} + 'SELECT 1;'\n"
        f"store.schema.SCHEMA_VERSION = {NEXT}\n"
        "real = store.schema.statements\n"
        "def slow(script):\n"
        "    for s in real(script):\n"
        "        yield s\n"
        "        if 'language' in s: print('migrating', flush=True); time.sleep(60)\n"
        "store.schema.statements = slow\n"
        f"store.connect({str(db)!r})\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "migrating"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == V1
    assert conn.execute("SELECT * FROM corrections").fetchall() == corrections
    conn.close()
    run = subprocess.run(
        [sys.executable, "-c", script.replace("time.sleep(60)", "pass")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == NEXT
    assert conn.execute("SELECT * FROM corrections").fetchall() == corrections
    assert json.loads(corrections[1][5]) == {"lat": 35.95, "lon": 39.01, "name": "Raqqa (city centre)"}
