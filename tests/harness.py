"""Reusable Playwright helpers: Debian's Chromium with a fresh profile, a request recorder, a local server.

Usage::

    with serve_directory(tmp_path) as base, launch_chromium() as context:
        log = record_requests(context)
        page = context.new_page()
        page.goto(f"{base}/map.html")
        assert log.external() == []
"""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request, Route

CHROMIUM = Path("/usr/bin/chromium")
# No first-run network chatter, no GPU (headless in containers), no sandbox (we run as root in CI).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
# Schemes that never touch the network.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome-error", "chrome"})


@contextmanager
def launch_chromium(*, headless: bool = True, viewport: tuple[int, int] = (1200, 800)) -> Iterator[BrowserContext]:
    """Yield a Chromium browser context with a fresh user-data-dir; skip the test when Chromium is absent."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser test needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    width, height = viewport
    with tempfile.TemporaryDirectory(prefix="mapdash-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=headless,
            viewport={"width": width, "height": height},
        )
        try:
            yield context
        finally:
            context.close()


def is_local(url: str) -> bool:
    """Return True for URLs that stay on this machine (127.0.0.1/localhost, data:, blob:, about:)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class RequestLog:
    """Every URL a browser context requested, in order."""

    urls: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def external(self) -> list[str]:
        """Return the requested URLs that would have left the machine."""
        return [url for url in self.urls if not is_local(url)]

    def paths(self) -> list[str]:
        """Return the path of every local http(s) request, e.g. ``/vendor/leaflet/leaflet.js``."""
        return [urlsplit(u).path for u in self.urls if urlsplit(u).scheme in ("http", "https") and is_local(u)]


def record_requests(context: BrowserContext, *, block_external: bool = True) -> RequestLog:
    """Record every request of the context; abort those leaving the machine so a test never waits on them."""
    log = RequestLog()

    def on_request(request: Request) -> None:
        log.urls.append(request.url)

    def on_route(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            log.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.on("request", on_request)
    if block_external:
        context.route("**/*", on_route)
    return log


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging each request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve root over HTTP on 127.0.0.1 (a free port) in a thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="mapdash-test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    """Return a TCP port nobody listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def run_app(
    command: list[str], log: Path, *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 90.0
) -> Iterator[tuple[str, int]]:
    """Start a dashboard command whose last words are its port option (``--port N`` or ``--server.port N``);
    yield (its URL, its process id) once it answers, and stop it at the end."""
    import os
    import subprocess
    import time
    import urllib.request

    port = int(command[-1])
    with log.open("w") as out:
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env={**os.environ, **(env or {})}
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
