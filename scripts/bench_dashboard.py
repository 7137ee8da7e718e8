"""Benchmark the dashboard at scale: about 10,000 place mentions in 500 documents made of real news text.

    .venv/bin/python scripts/bench_dashboard.py [--db PATH] [--rebuild] [--docs 500] [--mentions 10000] [--browser]

The text is the LGL corpus (../shared/bench/geoparse/lgl.jsonl, or $MAPDASH_LGL): evaluation data beside
the project, never shipped or copied into it. Without it the benchmark says so and exits 0. Document i
joins consecutive LGL articles until it holds its share of the mentions; dates run one a day from
2009-01-01. The database is built once (gazetteer-only geoparsing, under a minute) and reused.

Server time is measured with streamlit's AppTest, which runs the app script exactly as a browser's
rerun does (widgets, caches, the map component's payload) without the network: the map page's first
load with every cache cleared, and one rerun per filter change. --browser also opens the running app
in Debian's Chromium: time to the first marker, and whether panning or zooming sent anything.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
LGL = Path(os.environ.get("MAPDASH_LGL") or REPO_ROOT.parent / "shared" / "bench" / "geoparse" / "lgl.jsonl")
FIRST_DAY = date(2009, 1, 1)
BUDGET = {"first load": 3.0, "filter change": 1.0}  # seconds of server time, from the issue


def build_database(db: Path, docs: int, mentions: int) -> None:
    """Geoparse LGL articles into docs documents of about mentions / docs place mentions each."""
    from mapdash import store
    from mapdash.geoparse.ingest import document_id
    from mapdash.geoparse.pipeline import geoparse, load_services
    from mapdash.model import Document
    from mapdash.settings import load_settings

    with LGL.open(encoding="utf-8") as lines:  # not str.splitlines: the texts hold U+2028 line separators
        articles = [a for a in map(json.loads, lines) if a.get("text")]
    services = load_services(load_settings(db), use_spacy=False)
    started = time.perf_counter()
    # How many mentions each article gives on its own, to share them out evenly among the documents.
    sizes = [sum(1 for r in geoparse(Document("x", a["text"]), services).resolutions if r.place) for a in articles]
    conn, share, cursor, total = store.connect(db), mentions / docs, 0, 0
    for i in range(docs):
        parts, count = [], 0
        # Keep the running total on target; past the corpus's end the same articles come round again,
        # so a document identical to one stored (same text, same id) takes one more article.
        while count < share * (i + 1) - total or not parts or conn.has_document(document_id(joined(parts))):
            parts.append(articles[cursor % len(articles)])
            count += sizes[cursor % len(articles)]
            cursor += 1
        text = joined(parts)
        title = f"{parts[0]['title']} [{i}]"
        doc = Document(
            document_id(text),
            text,
            title,
            None,
            FIRST_DAY + timedelta(days=i),
            "lgl:" + ",".join(a["doc_id"] for a in parts),
        )
        result = geoparse(doc, services)
        conn.save_geoparse(result)
        total += sum(1 for r in result.resolutions if r.place)
    print(f"built {db}: {docs} documents, {total} resolved mentions in {time.perf_counter() - started:.0f} s")


def joined(parts: list[dict]) -> str:
    """Return the articles' texts as one document, a blank line between them."""
    return "\n\n".join(a["text"].strip() for a in parts)


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Return the wall-clock and CPU seconds an action takes (CPU time is the steadier figure on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_server(db: Path) -> dict[str, tuple[float, float]]:
    """Return the server time of the map page's first load and of each filter change (AppTest)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["MAPDASH_DB"] = str(db)
    os.chdir(REPO_ROOT)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
    figures = {"map page, first load (cold caches)": timed(at.run)}
    assert not at.exception, at.exception
    figures["map page, rerun with nothing changed"] = timed(at.run)
    sidebar = {w.label: w for w in at.sidebar.multiselect}
    country, document = sidebar["Country"], sidebar["Document"]
    busiest = "United States" if "United States" in country.options else country.options[0]
    changes: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        (
            f"filter: country = {busiest}",
            lambda: country.set_value([busiest]).run(),
            lambda: country.set_value([]).run(),
        ),
        (
            "filter: one document",
            lambda: document.set_value([document.options[0]]).run(),
            lambda: document.set_value([]).run(),
        ),
        (
            "filter: minimum confidence 0.9",
            lambda: at.sidebar.slider[0].set_value(0.9).run(),
            lambda: at.sidebar.slider[0].set_value(0.0).run(),
        ),
        (
            "filter: text search 'police'",
            lambda: at.sidebar.text_input[0].input("police").run(),
            lambda: at.sidebar.text_input[0].input("").run(),
        ),
    ]
    if sidebar["Campaign phase"].options:
        phase = sidebar["Campaign phase"]
        changes.append(
            (
                f"filter: phase = {phase.options[0]}",
                lambda: phase.set_value([phase.options[0]]).run(),
                lambda: phase.set_value([]).run(),
            )
        )
    if at.sidebar.date_input:
        span = at.sidebar.date_input[0]
        first, last = span.value
        half = (first, first + (last - first) / 2)
        changes.append(
            (
                "filter: first half of the dates",
                lambda: span.set_value(half).run(),
                lambda: span.set_value((first, last)).run(),
            )
        )
    for name, apply, undo in changes:
        figures[name] = timed(apply)
        assert not at.exception, (name, at.exception)
        undo()
    for page in ("views/places.py", "views/quotes.py", "views/documents.py", "views/timeline.py"):
        at.switch_page(page)
        figures[f"{Path(page).stem} page, opened"] = timed(at.run)
        assert not at.exception, (page, at.exception)
    return figures


def bench_browser(db: Path) -> dict[str, tuple[float, float]]:
    """Return Chromium's time to the first marker, and how many messages panning and zooming sent."""
    import socket
    import subprocess
    import urllib.request

    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from harness import launch_chromium, record_requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mapdash", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with launch_chromium(viewport=(1500, 950)) as context:
            log = record_requests(context)
            page = context.new_page()
            sent: list[float] = []
            page.on("websocket", lambda ws: ws.on("framesent", lambda _payload: sent.append(time.perf_counter())))
            started = time.perf_counter()
            page.goto(url)
            frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
            frame.locator(".leaflet-marker-icon, path.mapdash-marker").first.wait_for(state="visible", timeout=120_000)
            figures = {
                "browser: first marker drawn (server + network + Chromium)": (
                    time.perf_counter() - started,
                    float("nan"),
                )
            }
            page.wait_for_timeout(2000)
            before = len(sent)
            box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
            page.mouse.move(box["x"] + 300, box["y"] + 300)
            page.mouse.down()
            page.mouse.move(box["x"] + 420, box["y"] + 360, steps=10)
            page.mouse.up()
            frame.locator(".leaflet-control-zoom-in").click()
            page.mouse.wheel(0, 400)
            page.wait_for_timeout(2000)
            figures["browser: messages sent to the server by panning and zooming"] = (
                float(len(sent) - before),
                float("nan"),
            )
            again = context.new_page()  # another analyst: the server's caches are warm now
            started = time.perf_counter()
            again.goto(url)
            again.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(
                ".leaflet-marker-icon, path.mapdash-marker"
            ).first.wait_for(state="visible", timeout=120_000)
            figures["browser: first marker drawn, next visit (warm caches)"] = (
                time.perf_counter() - started,
                float("nan"),
            )
            figures["browser: requests leaving 127.0.0.1"] = (float(len(log.external())), float("nan"))
            return figures
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    """Build (or reuse) the benchmark database, run the benchmarks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "mapdash-bench-dashboard.sqlite")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--mentions", type=int, default=10_000)
    parser.add_argument("--browser", action="store_true", help="also time the running app in Chromium")
    args = parser.parse_args()
    if not LGL.is_file():
        print(
            f"skipped: the LGL corpus is not at {LGL} (evaluation data beside the project, never shipped; set "
            "MAPDASH_LGL)"
        )
        return 0
    if args.rebuild or not args.db.exists():
        args.db.unlink(missing_ok=True)
        build_database(args.db, args.docs, args.mentions)
    from mapdash import store

    conn = store.connect(args.db)
    docs = conn.count("documents")
    placed = [row["place_id"] for row in conn.mention_rows() if row["place_id"] is not None]
    mentions, places = len(placed), len(set(placed))
    conn.close()
    print(f"database {args.db}: {docs} documents, {mentions} resolved mentions, {places} places")
    figures = bench_server(args.db)
    if args.browser:
        figures |= bench_browser(args.db)
    width = max(map(len, figures))
    print(f"{'':<{width}}  {'wall':>7}  {'cpu':>7}   (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    for name, (wall, cpu) in figures.items():
        budget = (
            BUDGET["first load"]
            if "first load" in name
            else BUDGET["filter change"]
            if name.startswith("filter")
            else None
        )
        verdict = "" if budget is None else ("  ok" if min(wall, cpu) < budget else f"  OVER {budget:.0f} s")
        cpu_text = "" if cpu != cpu else f"{cpu:7.2f}"  # NaN: not a time
        print(f"{name:<{width}}  {wall:7.2f}  {cpu_text:>7}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
