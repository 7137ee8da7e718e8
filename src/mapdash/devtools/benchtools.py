"""Measuring tools for `mapdash bench`: peak memory of a process tree, CPU time, figures and their table."""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from mapdash.devtools.benchcorpus import HOW

LINEAR = 1.15  # a growth exponent up to this counts as linear (timing noise on a shared machine)
FLAT = 1.5  # peak memory at 10x the documents within this factor: bounded, not growing with the corpus
SAMPLE_SECONDS = 0.05


class PeakMemory:
    """Peak resident memory (RSS, MB) of this process (unless include_self is off) and its children during a block."""

    def __init__(self, *, include_self: bool = True) -> None:
        self.include_self = include_self
        self.peak_mb = 0.0
        self.processes = 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        """Sum the RSS of the process tree every SAMPLE_SECONDS (worker processes come and go)."""
        import psutil  # comes with dask[distributed]

        me = psutil.Process()
        while True:
            total, seen = 0, 0
            for proc in [me, *me.children(recursive=True)][0 if self.include_self else 1 :]:
                try:
                    total += proc.memory_info().rss
                    seen += 1
                except psutil.Error:
                    continue  # it ended between listing and reading
            self.peak_mb = max(self.peak_mb, total / 1e6)
            self.processes = max(self.processes, seen)
            if self._stop.wait(SAMPLE_SECONDS):
                return


def cpu_seconds() -> float:
    """Return the CPU time (user + system) of this process and of its children that have ended."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Figure:
    """One measurement: what, at which size, its value and unit, and the target it answers."""

    section: str
    name: str
    size: int
    value: float
    unit: str
    seconds: float = 0.0
    target: str = ""
    ok: bool | None = None
    note: str = ""


@dataclass
class Results:
    """All figures of one run, with the machine and how the corpora were made."""

    figures: list[Figure] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def add(self, figure: Figure, echo: Callable[[str], None] = print) -> Figure:
        """Record a figure and print it as it comes (a long run shows progress)."""
        self.figures.append(figure)
        echo(format_row(figure))
        return figure

    def growth(self) -> list[dict[str, Any]]:
        """Return, per series measured at several sizes, the exponent of its time's growth between sizes."""
        series: dict[tuple[str, str], list[Figure]] = {}
        for f in self.figures:
            if f.seconds > 0:
                series.setdefault((f.section, f.name), []).append(f)
        out = []
        for (section, name), figs in series.items():
            figs = sorted(figs, key=lambda f: f.size)
            for a, b in zip(figs, figs[1:], strict=False):
                if b.size > a.size:
                    k = math.log(b.seconds / a.seconds) / math.log(b.size / a.size)
                    out.append(
                        {
                            "section": section,
                            "name": name,
                            "from": a.size,
                            "to": b.size,
                            "exponent": round(k, 2),
                            "linear_or_better": k <= LINEAR,
                        }
                    )
        return out

    def check_flat(self, section: str, suffix: str, limit: float = FLAT) -> None:
        """Judge each series ending in suffix at its largest size: flat if it grew under limit times the smallest."""
        series: dict[str, list[Figure]] = {}
        for f in self.figures:
            if f.section == section and f.name.endswith(suffix):
                series.setdefault(f.name, []).append(f)
        for figs in series.values():
            low, high = min(figs, key=lambda f: f.size), max(figs, key=lambda f: f.size)
            if high.size > low.size:
                high.ok = high.value <= low.value * limit
                high.note = f"{high.note}; {high.value / low.value:.2f}x the peak at {low.size:,}".lstrip("; ")

    def to_json(self) -> dict[str, Any]:
        """Return the run as a JSON-ready dict."""
        return {
            "meta": self.meta,
            "figures": [asdict(f) for f in self.figures],
            "growth": self.growth(),
            "skipped": self.skipped,
        }


def format_row(f: Figure) -> str:
    """Return one table row: section, name, size, value, target and whether it is met."""
    verdict = {True: "ok", False: "MISSED", None: ""}[f.ok]
    return (
        f"{f.section:<9} {f.name:<56} {f.size:>8,} {f.value:>11,.1f} {f.unit:<10} {f.target:<18} {verdict:<6} {f.note}"
    )


def table(results: Results) -> str:
    """Return the whole run as a text table, then the growth exponents."""
    head = f"{'section':<9} {'figure':<56} {'size':>8} {'value':>11} {'unit':<10} {'target':<18} {'met':<6} note"
    lines = [
        head,
        "-" * len(head),
        *map(format_row, results.figures),
        "",
        "growth (exponent of time vs size; 1 = linear):",
    ]
    lines += [
        f"  {g['section']:<9} {g['name']:<56} {g['from']:>7,} -> {g['to']:<8,} {g['exponent']:>5.2f}"
        f"  {'linear or better' if g['linear_or_better'] else 'WORSE than linear'}"
        for g in results.growth()
    ]
    return "\n".join(lines + [f"skipped: {s}" for s in results.skipped])


def machine() -> dict[str, Any]:
    """Return what the figures were measured on."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "load_average_at_start": load,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "corpus": HOW,
    }


def write_results(results: Results, out: Path) -> None:
    """Write the run as JSON to out."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results.to_json(), indent=1, default=str) + "\n", encoding="utf-8")
