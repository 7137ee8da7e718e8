"""Benchmark the exports of the seed release's view: PNG/PDF (Chromium and the matplotlib fallback), HTML, data.

Usage: .venv/bin/python scripts/bench_export.py [--db FILE] [--runs 5] [--size 1600x1000] [--scale 2]
Without --db the seed release is ingested into a throw-away database first. Prints a table, then the
figures as one JSON line; exits 1 when the median Chromium PNG export takes longer than the 5 s budget.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mapdash import store
from mapdash.cli import main as cli_main
from mapdash.export import Briefing, export_bytes, parse_size
from mapdash.export.snapshot import chromium_missing
from mapdash.frame import mentions_frame
from mapdash.settings import REPO_ROOT

SEED = REPO_ROOT / "data" / "seeds" / "000_4dfe93347b0ca329.txt"
BUDGET_S = 5.0


def timed(make: Callable[[], bytes], runs: int) -> dict[str, float]:
    """Return the first run's seconds, the median and the fastest of the others, and the output's size."""
    seconds, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(make())
        seconds.append(time.perf_counter() - started)
    rest = seconds[1:] or seconds
    return {
        "first_s": round(seconds[0], 3),
        "median_s": round(statistics.median(rest), 3),
        "min_s": round(min(rest), 3),
        "bytes": size,
    }


def cli_seconds(db: Path, out: Path, size: str, scale: float) -> float:
    """Return the wall time of `mapdash export` as a new process (Python start-up and imports included)."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mapdash",
            "--db",
            str(db),
            "export",
            "-o",
            str(out),
            "--size",
            size,
            "--scale",
            str(scale),
        ],
        check=True,
        capture_output=True,
    )
    return round(time.perf_counter() - started, 3)


def main() -> int:
    """Run the benchmark; return 1 when the PNG export misses its budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to export (default: the seed, ingested now)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--scale", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mapdash-bench-") as tmp:
        db = args.db or Path(tmp) / "seed.sqlite"
        if args.db is None:
            assert cli_main(["--db", str(db), "ingest", str(SEED)]) == 0
        gdf = mentions_frame(store.connect(db))
        size, briefing = parse_size(args.size), Briefing()
        results: dict[str, dict[str, float]] = {}
        chromium = not chromium_missing()
        for fmt, renderer in [("png", "chromium"), ("pdf", "chromium"), ("png", "matplotlib"), ("pdf", "matplotlib")]:
            if renderer == "chromium" and not chromium:
                continue
            results[f"{fmt} ({renderer})"] = timed(
                lambda fmt=fmt, renderer=renderer: (
                    export_bytes(gdf, fmt, briefing, size=size, scale=args.scale, renderer=renderer).data
                ),
                args.runs,
            )
        for fmt in ("html", "geojson", "csv", "gpkg"):
            results[fmt] = timed(lambda fmt=fmt: export_bytes(gdf, fmt, briefing).data, args.runs)
        cli = cli_seconds(db, Path(tmp) / "cli.png", args.size, args.scale)
    print(
        f"{len(gdf)} mentions, {gdf['place_id'].nunique()} places; page {args.size} at {args.scale}x; {args.runs} runs "
        "each"
    )
    print(f"{'export':<22}{'first s':>9}{'median s':>10}{'min s':>8}{'bytes':>12}")
    for name, r in results.items():
        print(f"{name:<22}{r['first_s']:>9.2f}{r['median_s']:>10.2f}{r['min_s']:>8.2f}{r['bytes']:>12,}")
    print(f"{'`mapdash export` png':<22}{cli:>9.2f}  (a new process: start-up, database read, Chromium)")
    print(json.dumps({"mentions": len(gdf), "size": args.size, "scale": args.scale, "cli_png_s": cli, **results}))
    png = results.get("png (chromium)") or results["png (matplotlib)"]
    return 0 if png["median_s"] <= BUDGET_S and cli <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
