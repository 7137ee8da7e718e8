"""The pipeline's layers hold: each stage imports only the stages before it; no streamlit below the UI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from mapdash.settings import REPO_ROOT


def test_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint is not None, "import-linter is in requirements-dev.txt"
    run = subprocess.run([lint], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "0 broken" in run.stdout
