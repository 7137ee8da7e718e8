"""Bounded work per document: a 4 MB repetitive release (the kind that once took 10.6 GB) is ingested, with spaCy,
in a process whose address space is capped, and its output is capped with a line that says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mapdash import store
from mapdash.devtools import benchcorpus
from mapdash.settings import DEFAULT_MAX_MENTIONS

pytestmark = pytest.mark.slow
LIMIT_MB = 2500  # address space, not resident memory: Python, spaCy and the gazetteer map more than they touch

RUN = """
import resource, sys
limit = {limit} * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from mapdash.cli import main
sys.exit(main(["--db", {db!r}, "ingest", {path!r}]))
"""


def test_a_4_mb_repetitive_release_is_ingested_under_a_memory_limit(tmp_path: Path) -> None:
    path = tmp_path / "repetitive.txt"
    path.write_text(benchcorpus.long_text("repetitive", 4 * 1024 * 1024), encoding="utf-8")
    db = tmp_path / "long.sqlite"
    run = subprocess.run(
        [sys.executable, "-c", RUN.format(limit=LIMIT_MB, db=str(db), path=str(path))],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-2000:]
    line = run.stdout.splitlines()[0]
    assert line.startswith("added: ") and f"capped at {DEFAULT_MAX_MENTIONS:,} place mentions" in line, line
    conn = store.connect(db)
    assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == DEFAULT_MAX_MENTIONS
    # The whole (cleaned) text is stored, not the part geoparsed: repeated headlines and datelines are what cleaning
    # drops.
    assert conn.execute("SELECT length(text) FROM documents").fetchone()[0] > 3_000_000


def test_the_limit_is_real(tmp_path: Path) -> None:
    """The same limit stops a process that asks for more: the test above could fail."""
    script = (
        f"import resource; l = {LIMIT_MB} * 1024 * 1024; "
        "resource.setrlimit(resource.RLIMIT_AS, (l, l)); b = bytearray(l)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "MemoryError" in run.stderr
