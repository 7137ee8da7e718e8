"""Ingest jobs in real worker processes: progress, results, cancel, a limit on jobs at once, a closed page's job
cancelled, a memory limit; the database keeps whole documents only."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import psutil
import pytest
from conftest import SEED

from mapdash import library, store
from mapdash.devtools import benchcorpus
from mapdash.library.jobs import FINAL, JobLimitError, JobManager, JobRequest, JobStatus, upload_request
from mapdash.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A fresh database file."""
    path = tmp_path / "jobs.sqlite"
    store.connect(path).close()
    return str(path)


@pytest.fixture
def manager(db: str, settings: Settings) -> Iterator[JobManager]:
    """A job manager (gazetteer only, so each worker starts fast), closed after the test."""
    jobs = JobManager(replace(settings, db_path=Path(db)), use_spacy=False, max_running=1, max_waiting=1, grace=1.0)
    yield jobs
    jobs.close()


def wait(manager: JobManager, job_id: str, until=lambda s: s.state in FINAL, timeout: float = 180) -> JobStatus:
    """Return the job's status once until(status) holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = manager.status(job_id)
        assert status is not None
        if until(status):
            return status
        time.sleep(0.1)
    raise AssertionError(f"job never got there: {manager.status(job_id)}")


def workers() -> list[psutil.Process]:
    """Return this process's job worker processes still running (not multiprocessing's resource tracker)."""
    return [
        p
        for p in psutil.Process().children(recursive=True)
        if p.is_running() and p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline())
    ]


def long_upload(tmp_path: Path, size: int = 400_000) -> JobRequest:
    """Return an upload request of one long repetitive release (several slices)."""
    folder = tmp_path / "upload"
    folder.mkdir()
    files = library.write_uploads(folder, [("long.txt", benchcorpus.long_text("repetitive", size).encode())])
    return upload_request("Adding long.txt", folder, files, None)


def test_a_job_runs_in_another_process_and_reports_each_release(manager: JobManager, db: str, tmp_path: Path) -> None:
    folder = tmp_path / "up"
    folder.mkdir()
    files = library.write_uploads(folder, [("seed.txt", SEED.read_bytes()), ("notes.pdf", b"%PDF-1.4 binary")])
    job_id = manager.submit(upload_request("Adding 2 files", folder, files, None), owner="session-a")
    running = wait(manager, job_id, lambda s: s.state == "running")
    assert running.state == "running"
    done = wait(manager, job_id)
    assert done.state == "done" and done.fraction == 1.0 and done.total == 2
    assert sorted(r.status for r in done.results) == ["added", "rejected"]
    assert store.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert not folder.exists(), "the uploads' temporary folder is removed"
    assert workers() == [], "the worker process has ended"


def test_progress_moves_within_a_long_release_and_cancel_stops_it(manager: JobManager, db: str, tmp_path: Path) -> None:
    job_id = manager.submit(long_upload(tmp_path, 3_000_000), owner="session-a")
    moving = wait(manager, job_id, lambda s: s.chars_done > 0 or s.state in FINAL)
    assert moving.state == "running" and 0 < moving.fraction < 1 and "long.txt" in moving.caption()
    pid = manager._jobs[job_id].process.pid
    manager.cancel(job_id)
    cancelled = wait(manager, job_id, timeout=30)
    assert cancelled.state == "cancelled" and "cancelled" in cancelled.caption()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    conn = store.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0, (
        "the release being geoparsed is not stored"
    )
    assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0


def test_jobs_beyond_the_limit_wait_and_then_are_refused(manager: JobManager, tmp_path: Path) -> None:
    first = manager.submit(long_upload(tmp_path, 2_000_000), owner="a")
    with pytest.raises(JobLimitError, match="already has a job"):
        manager.submit(JobRequest("text", "again", text="Strikes near Mosul, Iraq."), owner="a")
    second = manager.submit(
        JobRequest("text", "paste", text="Strikes near Mosul in Iraq, officials said on Monday."), owner="b"
    )
    assert wait(manager, second, lambda s: True).state == "waiting"
    assert manager.status(second).waiting_behind == 1 and "waiting for 1 job" in manager.status(second).caption()
    with pytest.raises(JobLimitError, match="busy"):
        manager.submit(JobRequest("text", "third", text="x"), owner="c")
    manager.cancel(first)
    assert wait(manager, second).state == "done", "the waiting job ran once the first ended"


def test_a_job_whose_page_closed_is_cancelled(manager: JobManager, tmp_path: Path) -> None:
    page_open = [True]
    job_id = manager.submit(long_upload(tmp_path, 3_000_000), owner="a", alive=lambda: page_open[0])
    wait(manager, job_id, lambda s: s.chars_done > 0)
    page_open[0] = False  # the browser closed: after the grace time (1 s here) the job goes
    status = wait(manager, job_id, timeout=30)
    assert status.state == "cancelled" and "page was closed" in status.caption()


def test_a_worker_over_its_memory_limit_fails_alone(db: str, settings: Settings, tmp_path: Path) -> None:
    # far below what loading the geoparser takes
    jobs = JobManager(replace(settings, db_path=Path(db)), use_spacy=False, memory_mb=100)
    try:
        job_id = jobs.submit(
            JobRequest("text", "paste", text="Strikes near Mosul in Iraq, officials said on Monday."), owner="a"
        )
        status = wait(jobs, job_id)
    finally:
        jobs.close()
    assert status.state == "failed" and ("memory" in status.error.lower() or "MemoryError" in status.error), (
        status.error
    )


def test_the_worker_takes_the_servers_settings_not_its_environment(
    db: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAPDASH_MAX_FILE_MB", raising=False)  # the environment would allow 50 MB
    monkeypatch.setenv("MAPDASH_DB", str(Path(db).with_name("elsewhere.sqlite")))  # and name another database
    tiny = SEED.stat().st_size / 2 / 1024 / 1024  # megabytes: half the seed release
    jobs = JobManager(replace(settings, db_path=Path(db), max_file_mb=tiny), use_spacy=False)
    try:
        job_id = jobs.submit(JobRequest("paths", "Adding the seed", paths=(str(SEED),)), owner="a")
        status = wait(jobs, job_id)
    finally:
        jobs.close()
    assert status.state == "done", status
    (result,) = status.results
    assert result.status == "rejected" and f"over the {tiny:g} MB limit" in result.reason, result
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert not Path(db).with_name("elsewhere.sqlite").exists(), "the worker opened the database it was given"
