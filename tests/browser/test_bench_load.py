"""The load benchmark (scripts/bench_load.py) runs: a short, small load against the app, with no errors.

Its speed is what the benchmark prints against its target; this test asserts only that it runs, without errors.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

from mapdash.settings import REPO_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def load_bench():
    """Import scripts/bench_load.py as a module."""
    spec = importlib.util.spec_from_file_location("bench_load", REPO_ROOT / "scripts" / "bench_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_short_load_has_no_errors(tmp_path: Path, seed_db: Path) -> None:
    from harness import CHROMIUM
    from test_security_browser import serve

    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM}")
    bench = load_bench()
    db = tmp_path / "bench.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    with serve(db) as url:
        tally = asyncio.run(bench.bench(url, sessions=3, duration=8, timeout=120))
    assert tally.errors == [] and tally.stalls == []
    assert len(tally.latencies) >= 3 and len(tally.loads) == 3
    # How fast (p95 under 60 s) is the benchmark's figure and target (scripts/bench_load.py: p95_within_target).


def test_only_loopback_is_loaded() -> None:
    with pytest.raises(SystemExit, match="not on loopback"):
        load_bench().main(["--url", "http://example.org:8501"])
