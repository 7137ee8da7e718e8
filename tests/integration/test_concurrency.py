"""Concurrency: two real ingest processes on one SQLite database finish without "database is locked" or
duplicates, and the dashboard keeps serving pages while an ingest writes."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_crash_safety import DOCUMENTS, assert_consistent, child_rows, write_batch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, settings) -> tuple[list[Path], dict[str, dict[str, list[tuple]]]]:
    """The release files and, per document id, the rows a clean single-process run stores."""
    from mapdash import store
    from mapdash.geoparse.ingest import read_release
    from mapdash.geoparse.pipeline import geoparse, load_services

    paths = write_batch(tmp_path_factory.mktemp("concurrent") / "batch")
    services = load_services(settings, use_spacy=False)
    reference = store.connect(":memory:")
    for path in paths:
        reference.save_geoparse(geoparse(read_release(path), services))
    return paths, {r[0]: child_rows(reference, r[0]) for r in reference.execute("SELECT doc_id FROM documents")}


def counts(output: str) -> tuple[int, int, int]:
    """Return (added, already present, rejected) from an ingest's summary line."""
    m = re.search(r"(\d+) added, (\d+) already present, (\d+) rejected", output)
    assert m, output[-500:]
    return int(m[1]), int(m[2]), int(m[3])


def start_ingest(db: Path, paths: list[Path], spacy: bool = False) -> subprocess.Popen[str]:
    """Start a `mapdash ingest` of paths (in the order given) into db, gazetteer-mode unless spacy."""
    command = [
        sys.executable,
        "-m",
        "mapdash",
        "--db",
        str(db),
        *([] if spacy else ["--no-spacy"]),
        "ingest",
        *map(str, paths),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_ingest_one_new_database(tmp_path: Path, batch) -> None:
    paths, expected = batch
    db = tmp_path / "shared.sqlite"
    # Both start on a database that does not exist yet: they race to create and migrate it too.
    # One goes forwards and one backwards through the same files, so they meet in the middle.
    procs = [start_ingest(db, paths), start_ingest(db, paths[::-1])]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in out + err and "Traceback" not in err
    tallies = [counts(out) for out, _ in outputs]
    assert sum(added for added, _, _ in tallies) == DOCUMENTS, "each release added by exactly one process"
    assert all(added + present == DOCUMENTS and rejected == 0 for added, present, rejected in tallies)
    assert all(added > 0 for added, _, _ in tallies), "both processes did work"
    assert assert_consistent(db, expected) == set(expected)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone() == (
            DOCUMENTS,
            DOCUMENTS,
        )


def test_a_reader_never_waits_for_the_writer(tmp_path: Path, batch) -> None:
    """While an ingest writes, reads of the whole mentions frame keep answering fast (WAL: readers never block)."""
    from mapdash import store
    from mapdash.frame import mentions_frame

    paths, _ = batch
    db = tmp_path / "read.sqlite"
    store.connect(db).close()
    proc = start_ingest(db, paths)
    reader = store.connect(db)
    # A reader that may not wait at all: a read blocked by the writer would raise "database is locked" at once.
    impatient = sqlite3.connect(db, timeout=0)
    reads, seen, counted = 0, set(), set()
    while proc.poll() is None:
        seen.add(len(mentions_frame(reader)))
        counted.add(impatient.execute("SELECT count(*) FROM mentions").fetchone()[0])
        reads += 1
    out, err = proc.communicate()
    impatient.close()
    assert proc.returncode == 0, err
    assert reads > 5 and len(seen) > 2 and len(counted) > 2, "the readers saw the data grow"


@pytest.mark.browser
def test_the_dashboard_keeps_serving_during_an_ingest(tmp_path: Path, batch, seed_db: Path) -> None:
    from harness import launch_chromium
    from test_security_browser import Watch, serve, settle

    paths, _ = batch
    db = tmp_path / "serving.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    with serve(db) as url, launch_chromium(viewport=(1400, 900)) as context:
        watch = Watch(context)
        page = context.new_page()
        settle(page, url)  # warm: the first run builds the caches
        # With spaCy, as analysts run it: the gazetteer path can store all 200 releases before a second page load.
        proc = start_ingest(db, paths, spacy=True)
        loads: list[str] = []  # each page served while the ingest ran, by its caption
        while proc.poll() is None or not loads:
            settle(page, url)
            loads.append(page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text())
            watch.assert_nothing_ran(page)
            assert watch.errors == [], watch.errors
        out, err = proc.communicate()
        assert proc.returncode == 0 and "locked" not in out + err, err
        settle(page, url)
        final = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    # How fast they were served is a benchmark's figure (scripts/bench_upload.py), not this test's.
    assert len(loads) >= 2, "pages were served while the ingest ran"
    assert f"in {DOCUMENTS + 1} documents" in final, final
