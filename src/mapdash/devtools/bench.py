"""`mapdash bench`: how fast mapdash geoparses, ingests, loads, filters, maps and exports, at growing sizes.

Every figure is printed beside its target and written to JSON. Sizes grow tenfold, and for each series
the growth exponent log(t2/t1)/log(n2/n1) says how cost grows: 1 is linear, below 1 better than linear.
The corpora are real news text (``benchcorpus``); the LGL corpus they come from is evaluation data beside
the project, so without it the benchmark says so and measures nothing.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from mapdash.devtools import benchcorpus
from mapdash.devtools.benchtools import Figure, PeakMemory, Results, cpu_seconds, machine, table, write_results
from mapdash.gazetteer import load_gazetteer
from mapdash.settings import Settings
from mapdash.store import Store

INGEST_TARGET = 50.0  # documents per second per core, gazetteer path
FILTER_TARGET_MS = 200.0  # one filter query at 100,000 mentions
GAZETTEER_OPEN_TARGET_S = 0.5  # opening the index once it is built: every CLI command and app start pays it
QUICK = {"docs": (20, 40), "mentions": (200, 400), "geoparse": 20}  # checks that every step runs; measures nothing


def bench_geoparse(
    results: Results, settings: Settings, articles: Sequence[benchcorpus.Article], *, use_spacy: bool
) -> None:
    """Geoparse the LGL articles in this process: documents per second and peak memory."""
    from mapdash.geoparse.ingest import document_id
    from mapdash.geoparse.pipeline import geoparse, load_services
    from mapdash.model import Document

    docs = [Document(document_id(a.text), a.text, a.title) for a in articles]
    mode = "spaCy+gazetteer" if use_spacy else "gazetteer"
    with PeakMemory() as memory:
        services = load_services(settings, use_spacy=use_spacy)
        started, cpu = time.perf_counter(), cpu_seconds()
        mentions = sum(len(geoparse(doc, services).resolutions) for doc in docs)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    note = f"LGL, {mentions / len(docs):.1f} mentions/doc, {len(docs) / cpu:.0f} docs per CPU-s"
    target = f">= {INGEST_TARGET:.0f}/s" if not use_spacy else ""
    results.add(
        Figure(
            "geoparse",
            f"{mode}, 1 process",
            len(docs),
            len(docs) / elapsed,
            "docs/s",
            elapsed,
            target,
            len(docs) / elapsed >= INGEST_TARGET if not use_spacy else None,
            note,
        )
    )
    results.add(
        Figure("geoparse", f"{mode}, peak memory", len(docs), memory.peak_mb, "MB RSS", note="services loaded + run")
    )


def bench_ingest(
    results: Results, corpus: Path, size: int, db: str, *, workers: int, use_spacy: bool, scheduler: str | None = None
) -> str:
    """Run `mapdash ingest` on a corpus folder into an empty database, in a fresh process; return the database."""
    # A fresh process per run: memory is what one ingest needs, not what earlier benchmarks left behind.
    command = [
        sys.executable,
        "-m",
        "mapdash",
        *([] if use_spacy else ["--no-spacy"]),
        "--db",
        db,
        "ingest",
        str(corpus),
        "--workers",
        str(workers),
        *(["--scheduler", scheduler] if scheduler else []),
    ]
    before = Store.open(db).count("documents")  # a reused database counts too
    with PeakMemory(include_self=False) as memory:
        started, cpu = time.perf_counter(), cpu_seconds()
        run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {run.stderr.strip()[-500:]}")
    database = Store.open(db)
    stored = database.count("documents") - before
    mentions = database.count("mentions")
    mode = "spaCy+gazetteer" if use_spacy else "gazetteer"
    where = (
        f"Dask {scheduler}, {workers} workers"
        if scheduler
        else (f"{workers} processes" if workers > 1 else "1 process")
    )
    name = f"{mode}, {where}, {'PostgreSQL' if '://' in db else 'SQLite'}"
    per_core = stored / elapsed / workers
    gate = not use_spacy
    results.add(
        Figure(
            "ingest",
            name,
            size,
            stored / elapsed,
            "docs/s",
            elapsed,
            "",
            note=f"{stored / cpu:.0f} docs per CPU-s, {mentions:,} mentions; process start included",
        )
    )
    results.add(
        Figure(
            "ingest",
            f"{name}: per core",
            size,
            per_core,
            "docs/s/core",
            0.0,
            f">= {INGEST_TARGET:.0f}/s/core" if gate else "",
            per_core >= INGEST_TARGET if gate else None,
        )
    )
    results.add(
        Figure(
            "ingest",
            f"{name}: peak memory",
            size,
            memory.peak_mb,
            "MB RSS",
            0.0,
            "flat in size",
            note=f"summed over {memory.processes} processes",
        )
    )
    return db


def bench_frame(results: Results, db: str, label: str) -> gpd.GeoDataFrame:
    """Load the mentions GeoDataFrame from a database, as the dashboard does once per change; return it."""
    from mapdash.frame import mentions_frame

    database = Store.open(db)
    started = time.perf_counter()
    gdf = mentions_frame(database)
    elapsed = time.perf_counter() - started
    results.add(
        Figure(
            "frame",
            f"load mentions_frame ({label})",
            len(gdf),
            elapsed * 1000,
            "ms",
            elapsed,
            note="once per change: the dashboard caches it",
        )
    )
    return gdf


def sized(gdf: gpd.GeoDataFrame, n: int) -> tuple[gpd.GeoDataFrame, str]:
    """Return the first n mentions, repeating the frame when it holds fewer (and say so)."""
    if len(gdf) >= n:
        return gdf.iloc[:n], ""
    times = math.ceil(n / len(gdf))
    return gpd.GeoDataFrame(
        pd.concat([gdf] * times, ignore_index=True).iloc[:n], crs=gdf.crs
    ), f"frame repeated x{times}"


def filter_cases() -> dict[str, Any]:
    """Return the filters an analyst combines: country, phases, dates, confidence, text, all at once."""
    from mapdash.frame import Filters

    return {
        "country": Filters(countries=("US",)),
        "phases": Filters(phases=("strike", "retaken")),
        "dates": Filters(since=date(2012, 1, 1), until=date(2020, 12, 31)),
        "confidence": Filters(min_confidence=0.8),
        "text": Filters(text="police"),
        "all at once": Filters(
            countries=("US", "CA"), phases=("strike",), since=date(2010, 1, 1), min_confidence=0.5, text="fire"
        ),
    }


def bench_filters(results: Results, gdf: gpd.GeoDataFrame, n: int) -> None:
    """Time each filter at n mentions (best of 5); the slowest is the figure held to the target."""
    from mapdash.frame import filter_mentions

    frame, note = sized(gdf, n)
    worst = 0.0
    for label, filters in filter_cases().items():
        best = min(_timed(partial(filter_mentions, frame, filters))[0] for _ in range(5))
        worst = max(worst, best)
        results.add(Figure("filter", f"filter_mentions: {label}", n, best * 1000, "ms", best, note=note))
    results.add(
        Figure(
            "filter",
            "slowest filter query",
            n,
            worst * 1000,
            "ms",
            0.0,
            f"< {FILTER_TARGET_MS:.0f} ms",
            worst * 1000 < FILTER_TARGET_MS,
            note,
        )
    )


def bench_map(results: Results, gdf: gpd.GeoDataFrame, n: int) -> None:
    """Build the dashboard's map of n mentions and render its HTML: seconds and size."""
    from mapdash.render.maps import CLUSTER_ABOVE, build_map

    frame, note = sized(gdf, n)
    seconds, html = _timed(lambda: build_map(frame).get_root().render())
    places = frame["place_id"].nunique()
    how = "clustered" if places > CLUSTER_ABOVE else "every marker"
    results.add(
        Figure("map", "build_map + HTML", n, seconds, "s", seconds, note=f"{places:,} places, {how} {note}".strip())
    )
    results.add(Figure("map", "map HTML size", n, len(html) / 1e6, "MB", note="basemap fetched separately (cached)"))


def bench_export(results: Results, gdf: gpd.GeoDataFrame, n: int) -> None:
    """Export n mentions as a PNG snapshot (mapdash.export), if that module offers it here."""
    try:
        from mapdash.export import export_bytes

        frame, note = sized(gdf, n)
        seconds, out = _timed(lambda: export_bytes(frame, "png"))
    except Exception as exc:  # noqa: BLE001 - a benchmark reports what failed and goes on
        results.skipped.append(f"PNG export at {n:,} mentions: {type(exc).__name__}: {exc}")
        return
    renderer = getattr(getattr(out, "snapshot", None), "renderer", "")
    results.add(
        Figure(
            "export",
            f"PNG export ({renderer or 'default'})",
            n,
            seconds,
            "s",
            seconds,
            note=f"{len(out.data) / 1e3:.0f} kB {note}".strip(),
        )
    )


LONG_SIZES_MB = (1, 4, 40)
LONG_PEAK_TARGET_MB = 1500.0  # at 40 MB


def bench_long_documents(
    results: Results,
    work: Path,
    sizes_mb: Sequence[float],
    articles: Sequence[benchcorpus.Article] | None,
    *,
    use_spacy: bool,
) -> None:
    """Ingest a long document per size and kind with `mapdash ingest`, a new process: time, peak memory, what's kept."""
    import re

    mode = "spaCy+gazetteer" if use_spacy else "gazetteer"
    for kind in benchcorpus.LONG_KINDS:
        for mb in sizes_mb:
            try:
                text = benchcorpus.long_text(kind, int(mb * 1024 * 1024), list(articles or []))
            except benchcorpus.CorpusMissing as exc:
                results.skipped.append(str(exc))
                break
            path = work / f"long-{kind}-{mb:g}MB.txt"
            path.write_text(text, encoding="utf-8")
            del text
            db = work / f"long-{kind}-{mb:g}MB.sqlite"
            command = [
                sys.executable,
                "-m",
                "mapdash",
                *([] if use_spacy else ["--no-spacy"]),
                "--db",
                str(db),
                "ingest",
                str(path),
            ]
            with PeakMemory(include_self=False) as memory:
                started, cpu = time.perf_counter(), cpu_seconds()
                run = subprocess.run(command, capture_output=True, text=True, check=False)
                elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
            line = run.stdout.strip().splitlines()[0] if run.stdout.strip() else run.stderr.strip()[-300:]
            if run.returncode != 0:
                results.skipped.append(f"long {kind} document, {mb:g} MB: {line}")
                continue
            mentions = int(m.group(1)) if (m := re.search(r"\) (\d+) place mentions", line)) else 0
            capped = re.search(r"stopped at character ([\d,]+)", line)
            geoparsed = int(capped.group(1).replace(",", "")) if capped else path.stat().st_size
            note = (
                f"{mentions:,} place mentions resolved; {'capped, ' if capped else ''}{geoparsed / 1e6:.1f} M "
                "characters geoparsed,"
                f" {geoparsed / 1e6 / cpu:.2f} M per CPU-s; process start included"
            )
            name = f"{kind} text, {mode}"
            results.add(
                Figure(
                    "long document", name, round(mb * 1024 * 1024), elapsed, "s", elapsed, "linear in size", note=note
                )
            )
            gate = mb >= 40
            results.add(
                Figure(
                    "long document",
                    f"{name}: peak memory",
                    round(mb * 1024 * 1024),
                    memory.peak_mb,
                    "MB RSS",
                    0.0,
                    f"<= {LONG_PEAK_TARGET_MB:.0f} MB at 40 MB" if gate else "",
                    memory.peak_mb <= LONG_PEAK_TARGET_MB if gate else None,
                )
            )
            path.unlink()
            db.unlink(missing_ok=True)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Return (seconds, result) of one call."""
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


@contextlib.contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    """Yield a scratch folder for corpora and databases (kept when asked, for inspection)."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="mapdash-bench-") as tmp:
        yield Path(tmp)


def run_benchmarks(
    settings: Settings,
    out: Path,
    *,
    docs: Sequence[int] = (1000, 10000),
    mentions: Sequence[int] = (1000, 10000, 100000),
    workers: int = 2,
    postgres: str | None = None,
    quick: bool = False,
    spacy: bool = True,
    keep: Path | None = None,
    long_mb: Sequence[float] = LONG_SIZES_MB,
    long_only: bool = False,
    echo: Callable[[str], None] = print,
) -> Results:
    """Run every benchmark, print the table, write JSON to out; return the results (skipped without LGL)."""
    results = Results(meta={**machine(), "workers": workers, "quick": quick})
    try:
        articles = every = benchcorpus.load_lgl()
    except benchcorpus.CorpusMissing as exc:
        results.skipped.append(str(exc))
        echo(f"mapdash bench: skipped: {exc}")
        if long_only:  # the repetitive long documents need no LGL
            with _workdir(keep) as work:
                bench_long_documents(results, work, long_mb, None, use_spacy=spacy)
            echo(table(results))
        write_results(results, out)
        return results
    if long_only:
        with _workdir(keep) as work:
            bench_long_documents(results, work, long_mb, every, use_spacy=spacy)
        write_results(results, out)
        echo("")
        echo(table(results))
        echo(f"\nwritten to {out}")
        return results
    if quick:
        docs, mentions, articles = QUICK["docs"], QUICK["mentions"], articles[: QUICK["geoparse"]]
    echo(f"corpus: {benchcorpus.HOW}")
    seconds, _ = _timed(
        lambda: load_gazetteer(settings.data_dir, settings.cache_dir)
    )  # built now, not inside a timed step
    results.add(Figure("setup", "gazetteer index ready (built if missing)", 1, seconds, "s"), echo)
    seconds, _ = _timed(lambda: load_gazetteer(settings.data_dir, settings.cache_dir))
    target, ok = f"< {GAZETTEER_OPEN_TARGET_S} s", seconds < GAZETTEER_OPEN_TARGET_S
    results.add(Figure("setup", "gazetteer index opened (built before)", 1, seconds, "s", seconds, target, ok), echo)
    for use_spacy in (False, True) if spacy else (False,):
        bench_geoparse(results, settings, articles, use_spacy=use_spacy)
    with _workdir(keep) as work:
        largest = ""
        for size in docs:
            corpus = benchcorpus.write_corpus(every, size, work / f"corpus-{size}")
            bench_ingest(results, corpus, size, str(work / f"serial-{size}.sqlite"), workers=1, use_spacy=False)
            largest = bench_ingest(
                results, corpus, size, str(work / f"parallel-{size}.sqlite"), workers=workers, use_spacy=False
            )
            if size == docs[0]:
                if spacy:
                    bench_ingest(results, corpus, size, str(work / f"spacy-{size}.sqlite"), workers=1, use_spacy=True)
                    bench_ingest(
                        results, corpus, size, str(work / f"spacy-par-{size}.sqlite"), workers=workers, use_spacy=True
                    )
                bench_ingest(
                    results,
                    corpus,
                    size,
                    str(work / f"dask-{size}.sqlite"),
                    workers=workers,
                    use_spacy=False,
                    scheduler="local",
                )
                if postgres:
                    bench_ingest(results, corpus, size, postgres, workers=workers, use_spacy=False)
                    bench_frame(results, postgres, "PostgreSQL")
        results.check_flat("ingest", "peak memory")
        gdf = bench_frame(results, largest, "SQLite")
        for n in mentions:
            bench_filters(results, gdf, n)
        for n in mentions:
            bench_map(results, gdf, n)
        for n in mentions[:2]:  # a snapshot draws places, not mentions: beyond 10,000 it says nothing new
            bench_export(results, gdf, n)
        bench_long_documents(results, work, [0.05, 0.1] if quick else long_mb, every, use_spacy=spacy)
    if quick:  # tiny sizes are all process start: they check that each step runs, not the targets
        for figure in results.figures:
            figure.ok = None
    write_results(results, out)
    echo("")
    echo(table(results))
    echo(f"\nwritten to {out}")
    return results
