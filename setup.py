"""Build hook: a wheel carries the checkout's data/, app.py and views/ as ``mapdash/_shipped/`` (README: Install).

Everything else about the package is declared in pyproject.toml. In a checkout (and an editable install) the files
are read in place; ``mapdash.settings.shipped_root`` says which.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("data", "app.py", "views")  # the shipped data, the Streamlit entry script and its pages


class BuildWithShippedFiles(build_py):
    """build_py, then copy the shipped files into the built package."""

    def run(self) -> None:
        """Build the package; outside editable mode, add ``mapdash/_shipped``."""
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "mapdash" / "_shipped"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
        for name in SHIPPED:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=ignore)
            else:
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildWithShippedFiles})
