"""Load benchmark: concurrent browser sessions changing the dashboard's filters; prints p50/p95 response times.

    .venv/bin/python scripts/bench_load.py                        # 20 sessions, 60 s, its own app on a fresh database
    .venv/bin/python scripts/bench_load.py --url http://127.0.0.1:8501 --sessions 5 --duration 20

Each session is a Playwright context in one Debian Chromium (no browser download), on loopback only: any
other host is refused and any request leaving the machine is aborted. A session opens a page (Map,
Places or Quotes); once every session has its page, each picks a country or phase, removes one, moves
the confidence slider or types a search until the time is up. The response time of an action is the
time from the browser sending Streamlit's rerun request to receiving its "script finished" message (both
read off the websocket): what the server takes under this load, page rendering aside.

Errors (the app's): an uncaught exception or a "could not be drawn" message on the page, a JavaScript
error, a rerun not finished within --timeout seconds, a closed websocket, an HTTP 5xx; exit code 1 when
there is any. Browser stalls (the load generator's own: its browser could not click within --timeout,
which 20 pages on 2 cores can cause) are reported apart. The browsers run niced (--browser-nice), as
they stand in for the users' own computers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

try:
    from playwright.async_api import TimeoutError as PlaywrightTimeout
except ImportError:  # pragma: no cover - playwright is in requirements-dev.txt
    PlaywrightTimeout = TimeoutError

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from harness import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402 - the tests' own Chromium settings

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
PAGES = ("", "places", "quotes")
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
    "Sabratha",
    "Sirte",
    "Kabul",
    "Maiduguri",
    "Kandahar",
    "Benghazi",
    "Tripoli",
    "Jalalabad",
]
SEARCHES = ["", "", "Mosul", "Raqqa", "strike", "forces", "Iraq", "province", "said"]
FAILED = ("could not be drawn", "cannot be read")
NOOP_WAIT = 2.0  # seconds: an action that sends no rerun within this changed nothing
OPEN_TIMEOUT = 180.0  # seconds a session may take to open its page
P95_TARGET_MS = 60_000  # a rerun answered within a minute at the 95th percentile, under load


@dataclass
class Tally:
    """What every session measured."""

    latencies: list[float] = field(default_factory=list)  # seconds per rerun
    errors: list[str] = field(default_factory=list)  # the app failed: an exception, a failed page, no answer, 5xx
    stalls: list[str] = field(default_factory=list)  # the load generator failed: its browser could not act in time
    actions: int = 0
    noops: int = 0  # actions that changed nothing, so the app did not rerun
    loads: list[float] = field(default_factory=list)  # seconds from opening a page to its first run's end


class Start:
    """The moment the measured period begins: once every session has opened its page (so opening is not measured)."""

    def __init__(self, sessions: int, duration: float) -> None:
        self.waiting, self.duration = sessions, duration
        self.event = asyncio.Event()
        self.until = 0.0

    async def ready(self) -> float:
        """Wait for the other sessions; return the end of the measured period."""
        self.waiting -= 1
        if self.waiting == 0:
            self.until = time.perf_counter() + self.duration
            self.event.set()
        await self.event.wait()
        return self.until

    def release(self) -> None:
        """Let the others start when a session failed before it was ready."""
        self.waiting -= 1
        if self.waiting == 0 and not self.event.is_set():
            self.until = time.perf_counter() + self.duration
            self.event.set()


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0-100) of values, by linear interpolation."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def write_releases(folder: Path, count: int) -> None:
    """Write count small releases naming places across Iraq, Syria, Libya, Afghanistan and Nigeria."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        a, b, c = PLACES[i % len(PLACES)], PLACES[(i * 7 + 3) % len(PLACES)], PLACES[(i * 11 + 5) % len(PLACES)]
        (folder / f"release_{i:03d}.txt").write_text(
            f"Coalition Update No. {i}\n\nWASHINGTON, March {i % 28 + 1}, 2016 -- Partner forces retook {a} on Tuesday "
            f"after {i + 2} days of fighting, officials said.\n\n“The next phase will target {b},” Army Col. Steve "
            "Warren "
            f"told reporters.\n\nCoalition aircraft conducted {i % 9 + 1} airstrikes near {c}, destroying {i % 5 + 2} "
            "fighting positions.\n",
            encoding="utf-8",
        )


@contextmanager
def own_app(db: Path | None, releases: int) -> Iterator[str]:
    """Start `mapdash serve` on loopback, on db or a fresh database of the seed and made-up releases; yield its URL."""
    with tempfile.TemporaryDirectory(prefix="mapdash-bench-") as tmp:
        if db is None:
            db = Path(tmp) / "bench.sqlite"
            write_releases(Path(tmp) / "releases", releases)
            for args in (["seed"], ["--no-spacy", "ingest", str(Path(tmp) / "releases")]):
                subprocess.run(
                    [sys.executable, "-m", "mapdash", "--db", str(db), *args], check=True, stdout=subprocess.DEVNULL
                )
        port = free_port()
        log = Path(tmp) / "serve.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "mapdash", "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"bench_load: the app did not start: {log.read_text()[-1500:]}") from None
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


class Session:
    """One browser context on the app, recording its reruns off the websocket."""

    def __init__(self, index: int, tally: Tally, timeout: float, artifacts: Path | None = None) -> None:
        self.index, self.tally, self.timeout, self.artifacts = index, tally, timeout, artifacts
        self.choice = ""
        self.rng = random.Random(index)
        self.events: asyncio.Queue[tuple[str, float]] = asyncio.Queue()
        self.closing = False  # a websocket closed after this is the session's own end, not an error

    def on_websocket(self, ws) -> None:
        """Turn the websocket's rerun requests and script-finished messages into timed events."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def sent(payload: str | bytes) -> None:
            if isinstance(payload, bytes) and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script":
                self.events.put_nowait(("sent", time.perf_counter()))

        def received(payload: str | bytes) -> None:
            if not isinstance(payload, bytes):
                return
            msg = ForwardMsg.FromString(payload)
            kind = msg.WhichOneof("type")
            if kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.events.put_nowait(("finished", time.perf_counter()))
            elif (
                kind == "delta"
                and msg.delta.WhichOneof("type") == "new_element"
                and msg.delta.new_element.WhichOneof("type") == "exception"
            ):
                self.tally.errors.append(
                    f"session {self.index}: exception: {msg.delta.new_element.exception.message[:200]}"
                )

        ws.on("framesent", sent)
        ws.on("framereceived", received)
        ws.on(
            "close",
            lambda _ws: (
                self.tally.errors.append(f"session {self.index}: websocket closed") if not self.closing else None
            ),
        )

    async def run(self, browser, url: str, start: Start) -> None:
        """Open a page, wait for every session to have its page, then change filters until the time is up."""
        # Every filter in view, no scrolling.
        context = await browser.new_context(viewport={"width": 1300, "height": 1000})
        context.set_default_timeout(self.timeout * 1000)  # 20 pages on 2 cores: the browser itself can be slow to act

        async def route(r) -> None:
            if (urlsplit(r.request.url).hostname or "") in LOOPBACK or urlsplit(r.request.url).scheme in (
                "data",
                "blob",
                "about",
            ):
                await r.continue_()
            else:
                self.tally.errors.append(f"session {self.index}: blocked request to {r.request.url}")
                await r.abort("blockedbyclient")

        await context.route("**/*", route)
        page = await context.new_page()
        page.on("websocket", self.on_websocket)
        page.on("pageerror", lambda e: self.tally.errors.append(f"session {self.index}: page error: {e}"))
        page.on(
            "response",
            lambda r: (
                self.tally.errors.append(f"session {self.index}: HTTP {r.status} {r.url}") if r.status >= 500 else None
            ),
        )
        opened = time.perf_counter()
        try:
            # Opening gets more time than a rerun: 20 browsers parsing Streamlit's scripts at once on 2 cores is slow.
            await page.goto(f"{url}/{PAGES[self.index % len(PAGES)]}", timeout=OPEN_TIMEOUT * 1000)
        except PlaywrightTimeout:
            self.tally.stalls.append(
                f"session {self.index}: the browser could not open the page within {OPEN_TIMEOUT:.0f} s"
            )
            start.release()
            self.closing = True
            await context.close()
            return
        await self.wait_finished(None)
        self.tally.loads.append(time.perf_counter() - opened)
        until = await start.ready()
        try:
            while time.perf_counter() < until:
                try:
                    await self.act(page)
                except PlaywrightTimeout:  # the browser could not even click: record what the page showed
                    self.tally.stalls.append(
                        f"session {self.index}: the browser could not {self.choice} within {self.timeout:.0f} s"
                    )
                    if self.artifacts:
                        await page.screenshot(path=str(self.artifacts / f"stall-{self.index}-{self.tally.actions}.png"))
                await self.check(page)
                await asyncio.sleep(self.rng.uniform(0.1, 0.6))  # a user's pause between two changes
        finally:
            self.closing = True  # from here a closed websocket is this session's own end
            await context.close()

    async def wait_finished(self, started: float | None) -> None:
        """Wait for the rerun an action started (None: the first page load) and record how long it took."""
        try:
            first = started is None
            kind, sent_at = await asyncio.wait_for(self.events.get(), timeout=NOOP_WAIT if not first else self.timeout)
            while kind != "sent":
                kind, sent_at = await asyncio.wait_for(self.events.get(), timeout=self.timeout)
        except TimeoutError:
            if started is None:
                return  # the first run's request goes out before the listener is attached
            self.tally.noops += 1
            return
        try:
            while True:
                kind, at = await asyncio.wait_for(self.events.get(), timeout=self.timeout)
                if kind == "finished":
                    break
        except TimeoutError:
            self.tally.errors.append(f"session {self.index}: no answer within {self.timeout:.0f} s")
            return
        if started is not None:
            self.tally.latencies.append(at - sent_at)

    async def act(self, page) -> None:
        """Change one filter at random and wait for the app's answer."""
        while not self.events.empty():
            self.events.get_nowait()
        self.tally.actions += 1
        choice = self.choice = self.rng.choice(["country", "phase", "remove", "slider", "search"])
        sidebar = page.locator('[data-testid="stSidebar"]')
        started = time.perf_counter()
        if choice in ("country", "phase"):
            box = sidebar.locator('[data-testid="stMultiSelect"]').nth(0 if choice == "country" else 1)
            await box.click()
            options = page.locator('[role="option"]').filter(has_not_text="Select all")
            count = await options.count()
            if count:
                await options.nth(self.rng.randrange(count)).click()
            await page.keyboard.press("Escape")
        elif choice == "remove":
            chips = sidebar.locator('button[aria-label^="Remove "]')
            count = await chips.count()
            if count:
                await chips.nth(self.rng.randrange(count)).click()
                await page.keyboard.press("Escape")
        elif choice == "slider":  # a click on the track: keys move the thumb but commit only on release
            track = sidebar.locator(
                '[data-testid="stSlider"] [data-orientation="horizontal"][style*="touch-action"]'
            ).first
            box = await track.bounding_box()
            if box:
                await page.mouse.click(box["x"] + box["width"] * self.rng.uniform(0, 0.7), box["y"] + box["height"] / 2)
        else:
            box = sidebar.locator('[data-testid="stTextInput"] input').first
            await box.fill(self.rng.choice(SEARCHES))
            await box.press("Enter")
        await self.wait_finished(started)

    async def check(self, page) -> None:
        """Record an uncaught exception or a page that could not be drawn."""
        if await page.locator('[data-testid="stException"]').count():
            self.tally.errors.append(f"session {self.index}: exception shown on the page")
        for text in await page.locator('[data-testid="stAlert"]').all_inner_texts():
            if any(f in text for f in FAILED):
                self.tally.errors.append(f"session {self.index}: {text[:200]}")


async def bench(url: str, sessions: int, duration: float, timeout: float, artifacts: Path | None = None) -> Tally:
    """Run the sessions on url for duration seconds; return what they measured (stalls screenshotted in artifacts)."""
    from playwright.async_api import async_playwright

    tally = Tally()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        start = Start(sessions, duration)

        async def session(i: int) -> None:
            try:
                await Session(i, tally, timeout, artifacts).run(browser, url, start)
            except BaseException:
                if not start.event.is_set():
                    start.release()
                raise

        runs = [session(i) for i in range(sessions)]
        for outcome in await asyncio.gather(*runs, return_exceptions=True):
            if isinstance(outcome, BaseException):
                tally.errors.append(f"a session failed: {type(outcome).__name__}: {str(outcome).splitlines()[0][:200]}")
        await browser.close()
    return tally


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; return 1 when any error was seen."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app on loopback (default: start one)")
    parser.add_argument(
        "--db", type=Path, help="with no --url: serve this database (default: seed + --releases generated ones)"
    )
    parser.add_argument("--releases", type=int, default=200, help="generated releases in the default database")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds a rerun may take before it counts as an error"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--artifacts", type=Path, help="save a screenshot here whenever the browser cannot act")
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=10,
        help="niceness of this process and its browser (default 10): on one machine the browsers stand in for the "
        "users' own computers, so the app keeps its priority; 0 to share the CPU equally",
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"bench_load: needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    if args.url and (urlsplit(args.url).hostname or "") not in LOOPBACK:
        raise SystemExit(f"bench_load: {args.url} is not on loopback; this benchmark only loads this machine")

    def run(url: str) -> Tally:
        if args.artifacts:
            args.artifacts.mkdir(parents=True, exist_ok=True)
        if args.browser_nice:  # after the app started (it keeps its priority); Chromium inherits this
            os.nice(args.browser_nice)
        return asyncio.run(bench(url, args.sessions, args.duration, args.timeout, args.artifacts))

    if args.url:
        tally = run(args.url.rstrip("/"))
    else:
        with own_app(args.db, args.releases) as url:
            tally = run(url)
    lat, loads = sorted(tally.latencies), sorted(tally.loads)
    figures = {
        "sessions": args.sessions,
        "duration_s": args.duration,
        "actions": tally.actions,
        "reruns": len(lat),
        "noops": tally.noops,
        "errors": len(tally.errors),
        "browser_stalls": len(tally.stalls),
        "browser_nice": args.browser_nice,
        "p50_ms": round(percentile(lat, 50) * 1000) if lat else None,
        "p95_ms": round(percentile(lat, 95) * 1000) if lat else None,
        "p95_target_ms": P95_TARGET_MS,
        "p95_within_target": bool(lat) and percentile(lat, 95) * 1000 < P95_TARGET_MS,
        "max_ms": round(lat[-1] * 1000) if lat else None,
        "reruns_per_s": round(len(lat) / args.duration, 2),
        "page_open_p50_ms": round(percentile(loads, 50) * 1000) if loads else None,
        "page_open_p95_ms": round(percentile(loads, 95) * 1000) if loads else None,
        "cpus": os.cpu_count(),
    }
    print(
        f"{args.sessions} sessions, {args.duration:.0f} s: {len(lat)} reruns ({figures['reruns_per_s']}/s), "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
        f"(target < {P95_TARGET_MS} ms: {'met' if figures['p95_within_target'] else 'missed'}), "
        f"max {figures['max_ms']} ms, {len(tally.errors)} "
        "errors, "
        f"{len(tally.stalls)} browser stalls"
        f" (opening a page, before the measured period: p50 {figures['page_open_p50_ms']} ms, p95 "
        f"{figures['page_open_p95_ms']} ms)"
    )
    for error in tally.errors[:20]:
        print(f"  error: {error}")
    for stall in tally.stalls[:20]:
        print(f"  browser stall (the load generator's own CPU starvation, not an app error): {stall}")
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(
            json.dumps({**figures, "error_list": tally.errors, "stall_list": tally.stalls}, indent=1) + "\n",
            encoding="utf-8",
        )
    return 1 if tally.errors or not lat else 0


if __name__ == "__main__":
    sys.exit(main())
