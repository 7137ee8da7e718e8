"""Published map data across processes: a process's folder goes when it ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_security_published import BASE, file_of

from mapdash.render.published import Publisher, remove_ended


def test_the_folder_of_an_ended_process_is_removed(tmp_path: Path) -> None:
    script = (
        "import os; from pathlib import Path; from mapdash.render import assets\n"
        f"print(assets.publish_json(Path({str(tmp_path)!r}), '{{\"x\": 1}}'), flush=True)\n"
        "os._exit(0)  # killed: no clean-up at exit\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    left = file_of(tmp_path, run.stdout.strip())
    assert left.exists()
    assert remove_ended(tmp_path / "cache") == [left.parent.name]
    assert not left.parent.exists()
    again = file_of(
        tmp_path,
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
        ).stdout.strip(),
    )
    alive = Publisher(tmp_path, BASE)
    alive.publish('{"y": 1}')  # an app publishing looks for ended processes' folders itself
    assert not again.parent.exists() and alive.folder.exists()


def test_a_process_removes_its_folder_when_it_ends(tmp_path: Path) -> None:
    script = (
        "from pathlib import Path; from mapdash.render import assets\n"
        f"print(assets.publish_json(Path({str(tmp_path)!r}), '{{\"x\": 1}}'))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert not file_of(tmp_path, run.stdout.strip()).parent.exists()
