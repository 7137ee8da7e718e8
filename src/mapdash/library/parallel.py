"""Parallel ingest: releases read and geoparsed in worker processes (this machine's cores or a Dask cluster).

The parent process is the only writer, one transaction per document as ``Store.save_geoparse`` does, so a
SQLite file needs no cross-process locking and a PostgreSQL server sees one connection. Only a few
documents per worker are in flight at any time, so memory stays flat however many releases there are.
Workers load the gazetteer and spaCy once per process and keep them (``worker_services``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from mapdash.gazetteer import load_gazetteer
from mapdash.geoparse.ingest import IngestError, iter_release_paths, read_release
from mapdash.geoparse.pipeline import Services, geoparse, load_services
from mapdash.library import IngestResult, _store, counts
from mapdash.model import Document, Geoparse
from mapdash.settings import Settings
from mapdash.store import Store

IN_FLIGHT_PER_WORKER = 4  # keeps each worker busy while the writer stores, and bounds what is held in memory
STALL_SECONDS = 600.0  # a document takes well under a second: this long without one means the workers are gone
LOCAL = "local"  # --scheduler value for a Dask LocalCluster on this machine
_SERVICES: dict[tuple[str, str, bool], Services] = {}
_SERVICES_LOCK = threading.Lock()  # a Dask worker may run tasks on several threads


def default_workers() -> int:
    """Return the number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worker_services(settings: Settings, use_spacy: bool) -> Services:
    """Return this process's geoparsing services, loaded on its first document and then reused."""
    key = (str(settings.data_dir), str(settings.cache_dir), use_spacy)
    with _SERVICES_LOCK:
        if key not in _SERVICES:
            _SERVICES[key] = load_services(settings, use_spacy=use_spacy)
        return _SERVICES[key]


def read_task(path: str, default_date: date | None, max_mb: float) -> Document | str:
    """Return the Document of a release file, or the one-line reason it is rejected (runs in a worker)."""
    try:
        return read_release(Path(path), default_date=default_date, max_mb=max_mb)
    except IngestError as exc:
        return str(exc)


def parse_task(doc: Document, settings: Settings, use_spacy: bool) -> Geoparse:
    """Return a document's geoparse, made with this worker's cached services (runs in a worker)."""
    return geoparse(doc, worker_services(settings, use_spacy))


@contextmanager
def open_executor(workers: int, scheduler: str | None = None) -> Iterator[tuple[Executor, int]]:
    """Yield an executor and its number of worker slots: local processes, a Dask LocalCluster, or a Dask scheduler."""
    if scheduler is None:
        # spawn, not fork: a forked child would share the parent's open database connection.
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
        try:
            yield pool, workers
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    from distributed import Client, LocalCluster  # optional: only --scheduler needs Dask

    cluster = None
    if scheduler in ("", LOCAL):
        # One single-threaded process per core: geoparsing holds the GIL, so threads would not add speed.
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        )
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout="30s")
    try:
        yield client.get_executor(pure=False), max(1, sum(client.nthreads().values()))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def ingest_parallel(
    db: Store,
    paths: Iterable[Path],
    settings: Settings,
    *,
    workers: int,
    scheduler: str | None = None,
    default_date: date | None = None,
    reprocess: bool = False,
    use_spacy: bool = True,
    report: Callable[[IngestResult], None] | None = None,
) -> dict[str, int]:
    """Read and geoparse releases in workers, store them here; report each result and return the tally by status."""
    files = list(iter_release_paths(paths))  # every path checked before any work, as the serial path does
    results = _ingest(db, files, settings, workers, scheduler, default_date, reprocess, use_spacy)
    return counts(_reported(results, report))


def _reported(results: Iterable[IngestResult], report: Callable[[IngestResult], None] | None) -> Iterator[IngestResult]:
    """Yield each result after reporting it (as it comes: a long run prints as it goes)."""
    for result in results:
        if report is not None:
            report(result)
        yield result


def _ingest(
    db: Store,
    paths: list[Path],
    settings: Settings,
    workers: int,
    scheduler: str | None,
    default_date: date | None,
    reprocess: bool,
    use_spacy: bool,
) -> Iterator[IngestResult]:
    """Yield the result of each release as its worker (or the store, for one already there) is done with it."""
    files = iter(paths)
    load_gazetteer(settings.data_dir, settings.cache_dir)  # build a missing index once, not in every worker at once
    with open_executor(workers, scheduler) as (pool, slots):
        pending: dict[Future[Any], tuple[str, str, bool]] = {}  # future -> (task, source, was present)
        limit = slots * IN_FLIGHT_PER_WORKER
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < limit:
                path = next(files, None)
                if path is None:
                    exhausted = True
                else:
                    read = pool.submit(read_task, str(path), default_date, settings.max_file_mb)
                    pending[read] = ("read", str(path), False)
            done, _ = wait(pending, timeout=STALL_SECONDS, return_when=FIRST_COMPLETED)
            if not done:  # a lost cluster or workers that cannot start would otherwise wait forever
                raise TimeoutError(
                    f"no worker finished a release in {STALL_SECONDS:.0f} s: {len(pending)} waiting; stopped"
                )
            for future in done:
                task, source, present = pending.pop(future)
                value = future.result()  # a worker's unexpected error stops the run, as it would serially
                if task == "read":
                    result = _after_read(db, pool, pending, source, value, settings, use_spacy, reprocess)
                else:
                    result = _store(db, source, value, present=present, reprocess=reprocess)
                if result is not None:
                    yield result


def _after_read(
    db: Store,
    pool: Executor,
    pending: dict[Future[Any], tuple[str, str, bool]],
    source: str,
    value: Document | str,
    settings: Settings,
    use_spacy: bool,
    reprocess: bool,
) -> IngestResult | None:
    """Return the result of a release that needs no geoparsing, or send it to be geoparsed and return None."""
    if isinstance(value, str):
        return IngestResult(source, "rejected", reason=value)
    present = db.has_document(value.doc_id)
    if present and not reprocess:
        return IngestResult(source, "present", value.doc_id, value.title or "")
    pending[pool.submit(parse_task, value, settings, use_spacy)] = ("parse", source, present)
    return None
