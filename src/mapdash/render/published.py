"""Published map data (``static/cache/``): files the browser fetches, kept as long as a map in use points at them.

The app publishes each map's places as a static, content-addressed JSON file that the map fetches. A file
must not disappear while a map that points at it can still be shown, and several apps started from one
checkout share ``static/``. So:

- each server process publishes into a folder of its own, ``static/cache/<instance>/``, locked (``flock``)
  for the life of the process; no process ever removes another live process's files, and the folder of a
  process that has ended (its lock free) is removed by the next one that looks;
- within a process, a file is pinned by every ``PublishedUrl`` that names it: the URL lives in the map
  layer the app caches and hands to each session that shows that map, and a session that reruns after the
  layer left the cache publishes it again (same name, same file). Files no live URL names are removed
  once they are ``GRACE_SECONDS`` old (a browser fetches its map's data within seconds of getting the map),
  the newest ``KEEP_UNPINNED`` kept all the same.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

GRACE_SECONDS = 600.0
KEEP_UNPINNED = 40
OTHERS_EVERY = 60.0  # seconds between looks for the folders of processes that have ended
LOCK_NAME = ".lock"
_INSTANCE = re.compile(r"\d+-[0-9a-f]{8}")  # a process's folder: <pid>-<random>


class PublishedUrl(str):
    """The URL of a published file; the file stays while this object (or another naming it) is alive."""

    def __new__(cls, url: str, publisher: Publisher | None = None, name: str = "") -> PublishedUrl:
        self = super().__new__(cls, url)
        self._publisher, self._name = publisher, name
        return self

    def __del__(self) -> None:
        publisher = getattr(self, "_publisher", None)
        if publisher is not None:
            try:
                publisher.release(self._name)
            except Exception:  # noqa: BLE001 - at interpreter exit the publisher may be half gone; nothing to keep then
                pass

    def __reduce__(self):  # a copy (pickle, deepcopy) is a plain URL: only the original pins
        return (str, (str(self),))


class Publisher:
    """A process's published files, under ``<static_dir>/cache/<instance>/``, served at ``<base>/<instance>/<name>``."""

    def __init__(self, static_dir: Path, base: str) -> None:
        self.root = Path(static_dir) / "cache"
        self.instance = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.folder = self.root / self.instance
        self.base = base
        self.pins: Counter[str] = Counter()
        # Reentrant: a URL's __del__ may run in a garbage collection that publish() itself triggers, on its thread.
        self._lock = threading.RLock()
        self._lock_file: int | None = None
        self._last_others = 0.0

    def _open(self) -> None:
        """Create this process's folder and hold its lock until the process ends."""
        if self._lock_file is not None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock_file = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        atexit.register(self.close)

    def publish(self, text: str) -> PublishedUrl:
        """Write text once (content-addressed) and return its URL, which pins the file while it lives."""
        name = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + ".json"
        with self._lock:
            self._open()
            path = self.folder / name
            if path.exists():
                os.utime(path)
            else:
                tmp = path.with_name(f".{name}.tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, path)  # a reader never sees half a file
            self.pins[name] += 1
            self._prune()
        return PublishedUrl(f"{self.base}/{self.instance}/{name}", self, name)

    def release(self, name: str) -> None:
        """Drop one pin of a file (a URL naming it was dropped)."""
        with self._lock:
            self.pins[name] -= 1
            if self.pins[name] <= 0:
                del self.pins[name]

    def _prune(self) -> None:
        """Remove this process's files no URL pins, past the grace time and beyond the newest KEEP_UNPINNED."""
        now = time.time()
        unpinned = []
        for path in self.folder.glob("*.json"):
            if path.name not in self.pins:
                try:
                    unpinned.append((path.stat().st_mtime, path))
                except FileNotFoundError:
                    continue
        unpinned.sort(reverse=True)
        for mtime, path in unpinned[KEEP_UNPINNED:]:
            if now - mtime > GRACE_SECONDS:
                path.unlink(missing_ok=True)
        if now - self._last_others > OTHERS_EVERY:
            self._last_others = now
            remove_ended(self.root, keep=self.instance)

    def close(self) -> None:
        """Remove this process's folder (at exit: no map of this process can be shown any more)."""
        if self._lock_file is None:
            return
        shutil.rmtree(self.folder, ignore_errors=True)
        os.close(self._lock_file)
        self._lock_file = None


def remove_ended(root: Path, keep: str = "") -> list[str]:
    """Remove the folders of processes that have ended (their lock is free), and loose files of old versions; return
    them."""
    removed = []
    if not root.is_dir():
        return removed
    for entry in root.iterdir():
        if entry.name == keep or not (entry.is_file() or _INSTANCE.fullmatch(entry.name)):
            continue  # only what this module made
        if entry.is_file():
            if entry.suffix == ".json" and time.time() - entry.stat().st_mtime > GRACE_SECONDS:
                entry.unlink(missing_ok=True)  # published by a version before per-process folders
            continue
        lock = entry / LOCK_NAME
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            if time.time() - entry.stat().st_mtime > GRACE_SECONDS:  # never locked: a process that died starting
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # its process is alive: its files are its own
        shutil.rmtree(entry, ignore_errors=True)
        os.close(fd)
        removed.append(entry.name)
    return removed


_PUBLISHERS: dict[tuple[int, str], Publisher] = {}
_PUBLISHERS_LOCK = threading.Lock()


def publisher(static_dir: Path, base: str) -> Publisher:
    """Return this process's publisher for static_dir (one per process and folder)."""
    key = (os.getpid(), str(Path(static_dir).resolve()))
    with _PUBLISHERS_LOCK:
        if key not in _PUBLISHERS:
            _PUBLISHERS[key] = Publisher(static_dir, base)
        return _PUBLISHERS[key]
