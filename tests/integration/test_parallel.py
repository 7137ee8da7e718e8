"""Parallel ingest: worker processes and a real Dask LocalCluster store what the serial path stores."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED

from mapdash import store
from mapdash.cli import main
from mapdash.library import parallel
from mapdash.settings import Settings

RELEASES = {
    "strikes.txt": "Coalition Strikes Continue\n\nCoalition aircraft struck ISIL targets near Mosul and Raqqa on "
    "Tuesday, "
    "officials in Baghdad said. Iraqi forces advanced toward Fallujah in Anbar province.",
    "aid.txt": "Aid Reaches Aleppo\n\nConvoys from Turkey reached Aleppo and Idlib this week, the United Nations said "
    "in Geneva. "
    "Jordan and Lebanon host most of the refugees.",
}


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of three releases: the seed and two short ones."""
    folder = tmp_path_factory.mktemp("releases")
    shutil.copy(SEED, folder / SEED.name)
    for name, text in RELEASES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def stored(db: str) -> list[tuple[Any, ...]]:
    """Return every stored mention as (document, span, place), in a fixed order."""
    rows = (
        store.connect(db)
        .execute("SELECT m.doc_id, m.start, m.end, m.place_id FROM mentions m ORDER BY m.doc_id, m.start")
        .fetchall()
    )
    return [tuple(r) for r in rows]


@pytest.fixture(scope="module")
def serial(releases: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, ...]]:
    """What the serial path stores for the releases, gazetteer only."""
    db = str(tmp_path_factory.mktemp("serial") / "s.sqlite")
    assert main(["--no-spacy", "--db", db, "ingest", str(releases)]) == 0
    return stored(db)


def test_worker_processes_store_what_the_serial_path_stores(
    releases: Path, serial: list[tuple[Any, ...]], db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--no-spacy", "--db", db_target, "ingest", "--workers", "2", str(releases)]) == 0
    out = capsys.readouterr().out
    assert (
        out.count("added: ") == 3 and "3 added, 0 already present, 0 rejected" in out and "(2 worker processes)" in out
    )
    assert stored(db_target) == serial and len({r[0] for r in serial}) == 3
    assert main(["--no-spacy", "--db", db_target, "ingest", "--workers", "0", str(releases)]) == 0
    assert "0 added, 3 already present" in capsys.readouterr().out


def test_a_dask_local_cluster_stores_what_the_serial_path_stores(
    releases: Path, serial: list[tuple[Any, ...]], db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--no-spacy", "--db", db_target, "ingest", str(releases), "--workers", "2", "--scheduler"]) == 0
    assert "3 added, 0 already present, 0 rejected" in capsys.readouterr().out
    assert stored(db_target) == serial


def test_spacy_runs_in_the_workers_too(releases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--db", str(tmp_path / "p.sqlite"), "ingest", "--workers", "2", str(releases / "strikes.txt"), str(SEED)])
        == 0
    )
    assert capsys.readouterr().out.count("[spacy+gazetteer]") == 2


def test_rejected_files_are_reported_and_the_rest_stored(
    releases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    db = str(tmp_path / "r.sqlite")
    assert (
        main(
            [
                "--no-spacy",
                "--db",
                db,
                "ingest",
                "--workers",
                "2",
                str(tmp_path / "empty.txt"),
                str(releases / "aid.txt"),
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "rejected: " in out and "empty.txt" in out and "1 added" in out


@pytest.mark.parametrize(
    ("option", "message"), [(["--workers", "-1"], "--workers"), (["--scheduler", "nowhere"], "tcp://HOST:PORT")]
)
def test_bad_options_are_one_line_errors(
    releases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], message: str
) -> None:
    assert main(["--db", str(tmp_path / "b.sqlite"), "ingest", str(releases), *option]) == 2
    assert message in capsys.readouterr().err


def test_documents_in_flight_stay_bounded(
    releases: Path, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many files there are, at most IN_FLIGHT_PER_WORKER tasks per worker wait at any time."""
    folder = tmp_path / "many"
    folder.mkdir()
    text = (releases / "strikes.txt").read_text()
    for i in range(30):
        (folder / f"r{i:02d}.txt").write_text(f"{text} Report number {i}.")
    outstanding, peak, lock = [0], [0], threading.Lock()

    class Counting(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            with lock:
                outstanding[0] += 1
                peak[0] = max(peak[0], outstanding[0])
            future = super().submit(fn, *args, **kwargs)
            future.add_done_callback(lambda _f: _done())
            return future

    def _done() -> None:
        with lock:
            outstanding[0] -= 1

    @contextmanager
    def threads(workers: int, scheduler: str | None = None) -> Iterator[tuple[Counting, int]]:
        with Counting(max_workers=workers) as pool:
            yield pool, workers

    monkeypatch.setattr(parallel, "open_executor", threads)
    conn = store.connect(tmp_path / "f.sqlite")
    tally = parallel.ingest_parallel(conn, [folder], settings, workers=2, use_spacy=False)
    assert tally["added"] == 30
    assert peak[0] <= 2 * parallel.IN_FLIGHT_PER_WORKER


def test_a_scheduler_address_sends_the_work_to_that_cluster(
    releases: Path, serial: list[tuple[Any, ...]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--scheduler tcp://HOST:PORT`: a running cluster (here one started by the test) does the geoparsing."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        db = str(tmp_path / "tcp.sqlite")
        assert main(["--no-spacy", "--db", db, "ingest", "--scheduler", address, str(releases)]) == 0
    assert f"(Dask {address})" in capsys.readouterr().out
    assert stored(db) == serial


def test_workers_that_never_answer_stop_the_run(
    releases: Path, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lost cluster is an error after STALL_SECONDS, not a command that hangs."""

    class Silent(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            return Future()  # never runs, never completes

    @contextmanager
    def silent(workers: int, scheduler: str | None = None) -> Iterator[tuple[Silent, int]]:
        with Silent(max_workers=1) as pool:
            yield pool, 1

    monkeypatch.setattr(parallel, "open_executor", silent)
    monkeypatch.setattr(parallel, "STALL_SECONDS", 0.2)
    with pytest.raises(TimeoutError, match="no worker finished"):
        parallel.ingest_parallel(store.connect(tmp_path / "t.sqlite"), [releases], settings, workers=1, use_spacy=False)
