"""Upload benchmark: one browser session uploads a 40 MB release while other sessions open the dashboard; prints
how long their pages take to load before and during the upload, and what the upload cost the server.

    .venv/bin/python scripts/bench_upload.py                       # 40 MB of repetitive text, its own app and database
    .venv/bin/python scripts/bench_upload.py --mb 4 --kind ordinary --out bench/upload.json

A page load is a new browser tab (a new Streamlit session) opening the Map page, timed from the request to the
map having drawn its markers with the page idle. Debian's Chromium through Playwright, loopback only; the app is
`mapdash serve` in its own process, on a copy of a database holding the seed release. The upload is geoparsed
in the app's job worker process (spaCy + gazetteer); the server's memory is sampled over its whole process tree.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import threading
import time
from contextlib import redirect_stdout
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import CHROMIUM, free_port, launch_chromium, run_app  # noqa: E402

from mapdash.cli import main as mapdash  # noqa: E402
from mapdash.devtools import benchcorpus  # noqa: E402

SEED = ROOT / "data" / "seeds" / "000_4dfe93347b0ca329.txt"


def load_map(context, url: str, timeout: float = 120.0) -> tuple[float, float, float]:
    """Open the Map page in a new tab (a new session); return seconds the server took to run the page (its rerun
    request to its script-finished message, off the websocket), until the page is shown (title drawn, the run
    finished) and until its map has drawn its markers."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    page = context.new_page()
    marks: dict[str, float] = {}

    def sent(payload) -> None:
        if (
            isinstance(payload, bytes)
            and "sent" not in marks
            and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script"
        ):
            marks["sent"] = time.perf_counter()

    def received(payload) -> None:
        if isinstance(payload, bytes) and "sent" in marks and "finished" not in marks:
            msg = ForwardMsg.FromString(payload)
            if (
                msg.WhichOneof("type") == "script_finished"
                and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
            ):
                marks["finished"] = time.perf_counter()

    page.on("websocket", lambda ws: (ws.on("framesent", sent), ws.on("framereceived", received)))
    started = time.perf_counter()
    page.goto(url)
    deadline = time.monotonic() + timeout
    shown = float("nan")
    while True:
        if shown != shown and page.evaluate(
            "() => !!document.querySelector('.mapdash-title') && !document.querySelector('[data-testid=\"stStatusWidget"
            "\"]')"
        ):
            shown = time.perf_counter() - started
        drawn = 0
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                try:
                    drawn += frame.locator("path.mapdash-marker").count()
                except Exception:  # noqa: BLE001 - a frame replaced meanwhile
                    pass
        idle = page.evaluate("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        if drawn and idle:
            break
        if time.monotonic() > deadline:
            page.close()
            return float("nan"), shown, float("nan")
        page.wait_for_timeout(50)
    seconds = time.perf_counter() - started
    server = marks["finished"] - marks["sent"] if "finished" in marks else float("nan")
    page.close()
    return server, (seconds if shown != shown else shown), seconds


class TreeMemory:
    """Peak resident memory of a process and its children, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.root, self.peak_mb, self.worker_peak_mb = psutil.Process(pid), 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            total = workers = 0
            for proc in [self.root, *self.root.children(recursive=True)]:
                try:
                    rss = proc.memory_info().rss
                    total += rss
                    if "worker_main" in " ".join(proc.cmdline()):
                        workers += rss
                except psutil.Error:
                    continue
            self.peak_mb, self.worker_peak_mb = max(self.peak_mb, total / 1e6), max(self.worker_peak_mb, workers / 1e6)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def summary(values: list[float]) -> dict[str, float]:
    """Return count, p50, p95 and max of some timings (NaN = did not load)."""
    ok = sorted(v for v in values if v == v)
    if not ok:
        return {"n": len(values), "failed": len(values)}
    p95 = ok[min(len(ok) - 1, round(0.95 * (len(ok) - 1)))]
    return {"n": len(values), "failed": len(values) - len(ok), "p50": statistics.median(ok), "p95": p95, "max": ok[-1]}


def run(args: argparse.Namespace) -> dict:
    """Serve the app, time page loads before and during the upload; return the figures."""
    work = Path(tempfile.mkdtemp(prefix="mapdash-bench-upload-"))
    db = work / "bench.sqlite"
    with redirect_stdout(io.StringIO()):
        assert mapdash(["--db", str(db), "ingest", str(SEED)]) == 0
    upload = work / f"r{args.mb:g}.txt"  # short: the uploader shows the name whole
    articles = benchcorpus.load_lgl() if args.kind == "ordinary" else None
    upload.write_text(benchcorpus.long_text(args.kind, int(args.mb * 1024 * 1024), articles), encoding="utf-8")
    command = [sys.executable, "-m", "mapdash", "--db", str(db), "serve", "--port", str(free_port())]
    figures: dict = {"upload": {"file": upload.name, "bytes": upload.stat().st_size}}
    with (
        run_app(command, work / "serve.log", env={"MAPDASH_DB": str(db)}) as (url, pid),
        launch_chromium(viewport=(1400, 1000)) as context,
    ):
        load_map(context, url)  # the first load compiles and caches what every later one reuses
        before = [load_map(context, url) for _ in range(args.loads)]
        figures["before_server"], figures["before"], figures["before_markers"] = (
            summary([x[i] for x in before]) for i in range(3)
        )
        print(f"page loads before the upload: {figures['before']}", flush=True)
        memory = TreeMemory(pid)
        uploader = context.new_page()
        uploader.goto(f"{url}/documents")
        uploader.get_by_text("Add releases").first.wait_for(timeout=60_000)
        if not uploader.get_by_role("tab", name="Upload files").is_visible():
            uploader.get_by_text("Add releases").first.click()
        uploader.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
        uploader.get_by_text(upload.name).first.wait_for(timeout=300_000)
        started = time.perf_counter()
        uploader.get_by_role("button", name="Add", exact=True).first.click()
        uploader.locator('[data-testid="stProgress"]').wait_for(timeout=300_000)
        figures["upload"]["seconds_to_job"] = time.perf_counter() - started
        during, fractions = [], []
        while uploader.locator('[data-testid="stProgress"]').count() and time.perf_counter() - started < args.timeout:
            during.append(load_map(context, url))
            text = (
                uploader.locator('[data-testid="stProgress"]').first.inner_text()
                if uploader.locator('[data-testid="stProgress"]').count()
                else ""
            )
            fractions.append(text.strip())
            print(
                f"  page load during the upload: server {during[-1][0]:.2f} s, shown {during[-1][1]:.2f} s, markers "
                f"{during[-1][2]:.2f} s"
                f"   [{fractions[-1]}]",
                flush=True,
            )
            time.sleep(args.pause)
        figures["upload"]["seconds_total"] = time.perf_counter() - started
        results = uploader.locator('[data-testid="stDataFrame"]').first
        figures["upload"]["result"] = results.inner_text()[:400] if results.count() else ""
        memory.stop()
        figures["during_server"], figures["during"], figures["during_markers"] = (
            summary([x[i] for x in during]) for i in range(3)
        )
        figures["during_all"] = during
        figures["server_peak_mb"], figures["worker_peak_mb"] = memory.peak_mb, memory.worker_peak_mb
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=40.0, help="size of the uploaded release in MB (default 40)")
    parser.add_argument(
        "--kind",
        choices=benchcorpus.LONG_KINDS,
        default="repetitive",
        help="repetitive (default) or ordinary (needs LGL)",
    )
    parser.add_argument("--loads", type=int, default=5, help="page loads measured before the upload")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between page loads during the upload")
    parser.add_argument("--timeout", type=float, default=1800.0, help="stop measuring after this many seconds")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"bench_upload: needs Debian's Chromium at {CHROMIUM} (bash scripts/install_chromium.sh)")
    figures = run(args)
    before, during = figures["before"], figures["during"]
    before_m, during_m = figures["before_markers"], figures["during_markers"]
    before_s, during_s = figures["before_server"], figures["during_server"]
    print(
        f"\nupload: {figures['upload']['file']} ({figures['upload']['bytes'] / 1e6:.1f} MB): job running after "
        f"{figures['upload']['seconds_to_job']:.1f} s, done after {figures['upload']['seconds_total']:.0f} s"
    )
    print(
        f"other sessions' page loads (page shown): before p50 {before.get('p50', float('nan')):.2f} s, max "
        f"{before.get('max', float('nan')):.2f} s;"
        f" during ({during['n']} loads) p50 {during.get('p50', float('nan')):.2f} s, p95 "
        f"{during.get('p95', float('nan')):.2f} s,"
        f" max {during.get('max', float('nan')):.2f} s, {during.get('failed', 0)} not loaded"
    )
    print(
        f"  the server's run of the page: before p50 {before_s.get('p50', float('nan')):.2f} s; during p50"
        f" {during_s.get('p50', float('nan')):.2f} s, p95 {during_s.get('p95', float('nan')):.2f} s, max "
        f"{during_s.get('max', float('nan')):.2f} s"
    )
    print(
        f"  markers drawn: before p50 {before_m.get('p50', float('nan')):.2f} s; during p50 "
        f"{during_m.get('p50', float('nan')):.2f} s,"
        f" p95 {during_m.get('p95', float('nan')):.2f} s, max {during_m.get('max', float('nan')):.2f} s"
    )
    print(
        f"server peak memory (all its processes): {figures['server_peak_mb']:.0f} MB, of which the job worker "
        f"{figures['worker_peak_mb']:.0f} MB"
    )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
