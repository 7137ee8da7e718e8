"""Ingest jobs run off the dashboard's thread: one worker process per job, live progress, cancel, a limit at once.

Adding releases from the Documents page must never hold the page (or the server) while a long release is
geoparsed. A ``JobManager`` lives once per server process; each job runs ``mapdash.library`` in a worker
process of its own (a fresh ``python``, at a lower CPU priority and under a memory limit) that writes to the
database itself, one transaction per release, and sends its progress back through a socket pair.
Cancelling ends that process: releases already stored stay, whole; the one being geoparsed is not stored.
At most ``max_running`` jobs run at once, ``max_waiting`` more wait their turn, and any more are refused.
A job whose owner is gone (its browser closed for longer than ``grace`` seconds) is cancelled.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

from mapdash.library import IngestResult
from mapdash.settings import Settings

State = Literal["waiting", "running", "done", "failed", "cancelled"]
Kind = Literal["paths", "uploads", "text", "reprocess"]
FINAL: frozenset[str] = frozenset({"done", "failed", "cancelled"})
WORKER_EXIT_S = 30.0  # how long a worker that reported it is done may take to exit before it is killed
TICK = 0.2  # seconds between the supervisor's looks at the jobs
STOP_SECONDS = 5.0  # after SIGTERM, how long a worker has before SIGKILL


class JobLimitError(RuntimeError):
    """Too many jobs are running or waiting; the message says so and what to do."""


@dataclass(frozen=True)
class JobRequest:
    """What one job should add: files and folders, written uploads, pasted text, or stored documents to re-process."""

    kind: Kind
    label: str
    paths: tuple[str, ...] = ()  # kind paths: files and folders; kind uploads: the files write_uploads wrote
    release_dirs: tuple[str, ...] | None = None  # kind paths: confine every path to these folders
    text: str = ""
    title: str | None = None
    published: date | None = None  # kind text: its date; otherwise the date of releases that state none
    doc_ids: tuple[str, ...] = ()
    cleanup: str | None = None  # a temporary folder removed when the job ends (the written uploads)


@dataclass(frozen=True)
class JobStatus:
    """A job as the page shows it: its state, how far it is, and the per-release results so far."""

    job_id: str
    label: str
    owner: str
    state: State = "waiting"
    done: int = 0  # releases finished
    total: int = 0  # releases in the job (0 until known)
    current: str = ""  # the release being geoparsed
    chars_done: int = 0  # of the release being geoparsed
    chars_total: int = 0
    results: tuple[IngestResult, ...] = ()
    error: str = ""
    waiting_behind: int = 0  # jobs ahead of it while it waits
    created: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def fraction(self) -> float:
        """Return how much of the job is done, 0 to 1, counting the release being geoparsed by its characters."""
        if self.state in FINAL:
            return 1.0
        if not self.total:
            return self.chars_done / self.chars_total if self.chars_total else 0.0
        within = self.chars_done / self.chars_total if self.chars_total else 0.0
        return min(1.0, (self.done + within) / self.total)

    def caption(self) -> str:
        """Return one line saying where the job is."""
        if self.state == "waiting":
            return f"{self.label}: waiting for {self.waiting_behind} job(s) ahead"
        if self.state == "running" and not self.total and not self.chars_total:
            return f"{self.label}: starting (loading the gazetteer and the language model)"
        if self.state == "running":
            part = (
                f", {self.chars_done / self.chars_total:.0%} of {self.current}"
                if self.chars_total and self.current
                else ""
            )
            return f"{self.label}: {self.done} of {self.total or '?'} release(s) done{part}"
        return {
            "done": f"{self.label}: finished",
            "failed": f"{self.label}: failed: {self.error}",
            "cancelled": f"{self.label}: cancelled{f' ({self.error})' if self.error else ''}; the {self.done} "
            "release(s)"
            " stored before that stay",
        }[self.state]


@dataclass
class _Job:
    status: JobStatus
    request: JobRequest
    alive: Callable[[], bool] | None
    process: Any = None
    pipe: Connection | None = None
    gone_since: float | None = None
    stop_requested: float | None = None
    cancel_reason: str = ""


class JobManager:
    """Runs ingest jobs in worker processes, a few at a time; one per server process (thread-safe)."""

    def __init__(
        self,
        settings: Settings,
        *,
        use_spacy: bool = True,
        max_running: int = 1,
        max_waiting: int = 4,
        grace: float = 15.0,
        nice: int = 19,
        memory_mb: int | None = None,
        keep_finished: int = 50,
    ) -> None:
        self.settings, self.use_spacy = settings, use_spacy  # the workers get these settings, not their environment
        self.max_running, self.max_waiting, self.grace = max(1, max_running), max(0, max_waiting), grace
        self.nice, self.memory_mb, self.keep_finished = nice, memory_mb, keep_finished
        self._jobs: dict[str, _Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._supervise, name="mapdash-jobs", daemon=True)
        self._thread.start()
        atexit.register(self.close)  # a server stopping stops its workers (a worker also stops when its socket closes)

    def submit(self, request: JobRequest, owner: str, alive: Callable[[], bool] | None = None) -> str:
        """Queue a job for owner, return its id; raise JobLimitError if owner has one already or the queue is full."""
        with self._lock:
            live = [j for j in self._jobs.values() if j.status.state not in FINAL]
            if any(j.status.owner == owner for j in live):
                raise JobLimitError("this page already has a job running: wait for it or cancel it")
            if len(live) >= self.max_running + self.max_waiting:
                raise JobLimitError(
                    f"the server is busy ({len(live)} jobs running or waiting): try again in a few minutes"
                )
            job_id = f"job-{next(self._ids)}-{os.getpid()}"
            self._jobs[job_id] = _Job(JobStatus(job_id, request.label, owner), request, alive)
            self._update_waiting()
        return job_id

    def status(self, job_id: str) -> JobStatus | None:
        """Return a job's status, or None for an unknown id."""
        with self._lock:
            job = self._jobs.get(job_id)
            return job.status if job else None

    def jobs(self) -> list[JobStatus]:
        """Return every job known, oldest first."""
        with self._lock:
            return [j.status for j in self._jobs.values()]

    def cancel(self, job_id: str, reason: str = "cancelled") -> None:
        """Cancel a job: a waiting one never starts, a running one's worker process is stopped."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status.state in FINAL:
                return
            job.cancel_reason = reason
            if job.process is None:
                self._finish(job, "cancelled")
            elif job.stop_requested is None:
                job.stop_requested = time.monotonic()
                _signal(job.process, signal.SIGTERM)

    def close(self) -> None:
        """Cancel every job and stop the supervisor."""
        if self._closed:
            return
        for status in self.jobs():
            self.cancel(status.job_id, "server stopping")
        self._closed = True
        self._thread.join(timeout=STOP_SECONDS + 2)

    # --- the supervisor thread ---

    def _supervise(self) -> None:
        """Start waiting jobs, read progress, notice ended workers and owners gone, until closed."""
        while not self._closed or any(j.process is not None for j in self._jobs.values()):
            with self._lock:
                for job in list(self._jobs.values()):
                    try:
                        self._look_after(job)
                    except Exception as exc:  # noqa: BLE001 - one job's failure must not stop the others
                        self._finish(job, "failed", f"{type(exc).__name__}: {exc}")
                self._start_waiting()
                self._forget_old()
            time.sleep(TICK)

    def _look_after(self, job: _Job) -> None:
        """Read a job's messages, end it when its worker has exited, cancel it when its owner is gone."""
        if job.status.state in FINAL:
            return
        if job.alive is not None and not _safe_alive(job.alive):
            job.gone_since = job.gone_since or time.monotonic()
            if time.monotonic() - job.gone_since > self.grace:
                job.cancel_reason = "its page was closed"
                if job.process is None:
                    self._finish(job, "cancelled")
                elif job.stop_requested is None:
                    job.stop_requested = time.monotonic()
                    _signal(job.process, signal.SIGTERM)
        else:
            job.gone_since = None
        if job.process is None:
            return
        while job.pipe is not None and job.pipe.poll():
            try:
                message = job.pipe.recv()
            except (EOFError, OSError):
                break
            self._apply(job, message)
        if job.process is None:  # a message ended it
            return
        if (
            job.stop_requested is not None
            and job.process.poll() is None
            and time.monotonic() - job.stop_requested > STOP_SECONDS
        ):
            _signal(job.process, signal.SIGKILL)
        if job.process.poll() is not None and job.status.state not in FINAL:
            while job.pipe is not None and job.pipe.poll():  # its last words, sent just before it exited
                try:
                    self._apply(job, job.pipe.recv())
                except (EOFError, OSError):
                    break
            if job.process is None:
                return
            code = job.process.returncode
            if job.stop_requested is not None:
                self._finish(job, "cancelled")
            else:
                reason = (
                    "out of memory" if code in (-signal.SIGKILL, -signal.SIGSEGV) else f"worker exited with code {code}"
                )
                self._finish(job, "failed", f"{reason} (the releases stored before are kept)")

    def _apply(self, job: _Job, message: tuple[Any, ...]) -> None:
        """Apply one message from a worker to its job's status."""
        kind = message[0]
        s = job.status
        if kind == "total":
            job.status = replace(s, total=message[1])
        elif kind == "parsing":
            job.status = replace(s, current=message[1], chars_done=message[2], chars_total=message[3])
        elif kind == "result":
            _, done, total, result = message
            job.status = replace(
                s, done=done, total=total, results=(*s.results, result), current="", chars_done=0, chars_total=0
            )
        elif kind == "done" and s.state not in FINAL:
            self._finish(job, "done")
        elif kind == "failed":
            self._finish(job, "failed", message[1])

    def _start_waiting(self) -> None:
        """Start the oldest waiting jobs while fewer than max_running run."""
        running = sum(1 for j in self._jobs.values() if j.status.state == "running")
        for job in self._jobs.values():
            if running >= self.max_running:
                break
            if job.status.state == "waiting" and not self._closed:
                try:
                    self._launch(job)
                except Exception as exc:  # noqa: BLE001 - say why on the page; the next job may start
                    self._finish(job, "failed", f"the worker process could not start: {type(exc).__name__}: {exc}")
                    continue
                running += 1
        self._update_waiting()

    def _launch(self, job: _Job) -> None:
        """Start a job's worker process."""
        # A fresh interpreter, not multiprocessing: in a Streamlit server, spawn would re-run the app script (it
        # sits in sys.modules["__main__"]) in the worker, and fork would copy the server's threads and connections.
        mine, theirs = socket.socketpair()
        fd = theirs.fileno()
        job.process = subprocess.Popen(
            [sys.executable, "-c", f"from mapdash.library.jobs import worker_main; worker_main({fd})"],
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
            close_fds=True,
        )
        theirs.close()
        job.pipe = Connection(mine.detach())
        job.pipe.send((job.request, self.settings, self.use_spacy, self.nice, self.memory_mb))
        job.status = replace(job.status, state="running", waiting_behind=0)

    def _update_waiting(self) -> None:
        """Number each waiting job by the jobs ahead of it."""
        ahead = sum(1 for j in self._jobs.values() if j.status.state == "running")
        for job in self._jobs.values():
            if job.status.state == "waiting":
                job.status = replace(job.status, waiting_behind=ahead)
                ahead += 1

    def _finish(self, job: _Job, state: State, error: str = "") -> None:
        """End a job: its final state, its pipe closed, its temporary files removed."""
        if state == "cancelled" and job.cancel_reason and job.cancel_reason != "cancelled":
            error = job.cancel_reason
        job.status = replace(
            job.status, state=state, error=error, finished=time.time(), current="", chars_done=0, chars_total=0
        )
        if job.pipe is not None:
            job.pipe.close()
            job.pipe = None
        if job.process is not None:
            if state == "done":  # the worker said so and is exiting: done means its process has ended
                try:
                    job.process.wait(timeout=WORKER_EXIT_S)
                except subprocess.TimeoutExpired:
                    job.process.kill()
                    job.process.wait()
            job.process.poll()  # reap it if it has exited
            job.process = None
        if job.request.cleanup:
            shutil.rmtree(job.request.cleanup, ignore_errors=True)

    def _forget_old(self) -> None:
        """Keep only the newest finished jobs."""
        finished = [k for k, j in self._jobs.items() if j.status.state in FINAL]
        for key in finished[: max(0, len(finished) - self.keep_finished)]:
            del self._jobs[key]


def _safe_alive(alive: Callable[[], bool]) -> bool:
    """Return alive(), taking an error for 'still there' (a check that fails must not cancel work)."""
    try:
        return bool(alive())
    except Exception:  # noqa: BLE001
        return True


def _signal(process: Any, sig: int) -> None:
    """Send a signal to a worker process that may have exited already."""
    try:
        if process.pid is not None:
            os.kill(process.pid, sig)
    except ProcessLookupError:
        pass


def limit_memory(megabytes: int | None) -> None:
    """Cap this process's address space, so a runaway release fails here instead of taking the server's memory."""
    if megabytes:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(fd: int) -> None:
    """Entry point of a worker process: read the job from the socket fd, run it, report through it."""
    pipe = Connection(fd)
    request, settings, use_spacy, nice, memory_mb = pipe.recv()
    run_job(request, settings, use_spacy, pipe, nice, memory_mb)


def run_job(
    request: JobRequest,
    settings: Settings,
    use_spacy: bool,
    pipe: Connection,
    nice: int = 19,
    memory_mb: int | None = None,
) -> None:
    """Run one job in this (worker) process with the server's settings, sending its progress through pipe."""
    signal.signal(signal.SIGTERM, lambda *_: os._exit(143))  # stop now: the open transaction, if any, is rolled back
    if nice:
        os.nice(nice)  # the dashboard's own threads come first
    limit_memory(memory_mb)
    last = [0.0]

    def parsing(source: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 0.25 or done == total:  # a few messages a second, whatever the slice size
            last[0] = now
            pipe.send(("parsing", source, done, total))

    try:
        from mapdash import library
        from mapdash.geoparse.ingest import RELEASE_SUFFIXES, iter_release_paths
        from mapdash.geoparse.pipeline import load_services
        from mapdash.store import Store

        database = Store.open(settings.db_path)
        loader = lambda: load_services(settings, use_spacy=use_spacy)  # noqa: E731
        progress = lambda done, total, result: pipe.send(("result", done, total, result))  # noqa: E731
        if request.kind == "paths":
            dirs = [Path(d) for d in request.release_dirs] if request.release_dirs is not None else None
            paths = [Path(p) for p in request.paths]
            files = list(iter_release_paths(paths)) if dirs is None else library.confined_files(paths, dirs)
            pipe.send(("total", len(files)))
            library.ingest_paths(
                database,
                files,
                loader,
                default_date=request.published,
                progress=progress,
                parsing=parsing,
                release_dirs=dirs,
                max_mb=settings.max_file_mb,
            )
        elif request.kind == "uploads":
            files = [Path(p) for p in request.paths]
            stems = {p.stem for p in files if p.suffix.lower() in RELEASE_SUFFIXES}
            pipe.send(("total", sum(1 for p in files if not (p.suffix.lower() == ".json" and p.stem in stems))))
            library.ingest_written_uploads(
                database,
                files,
                loader,
                default_date=request.published,
                progress=progress,
                parsing=parsing,
                max_mb=settings.max_file_mb,
            )
        elif request.kind == "text":
            pipe.send(("total", 1))
            result = library.ingest_text(
                database, request.text, loader, title=request.title, published=request.published, parsing=parsing
            )
            pipe.send(("result", 1, 1, result))
        else:
            pipe.send(("total", len(request.doc_ids)))
            library.reprocess_documents(database, list(request.doc_ids), loader, progress=progress, parsing=parsing)
        pipe.send(("done",))
    except MemoryError:
        pipe.send(("failed", f"out of memory (the limit is {memory_mb} MB; the releases stored before are kept)"))
    except Exception as exc:  # noqa: BLE001 - reported on the page as one line
        pipe.send(("failed", " ".join(f"{type(exc).__name__}: {exc}".split())[:400]))
    finally:
        pipe.close()


def upload_request(label: str, folder: Path, files: Sequence[Path], default_date: date | None) -> JobRequest:
    """Return the request for uploads written into a temporary folder that the job removes when it ends."""
    return JobRequest("uploads", label, tuple(str(p) for p in files), published=default_date, cleanup=str(folder))
