"""Offline gazetteer: an index of GeoNames places built once (``build``) and read by indexed queries (``queries``).

``load_gazetteer`` opens the cached index for a data folder, building it first when the shipped files or the
build's code changed; the supplements (``admin2``, ``theatre``) and the transliteration key (``translit``) sit below.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from mapdash.gazetteer.build import RANK, build_gazetteer, index_key, normalize_name
from mapdash.gazetteer.queries import Gazetteer

__all__ = ["RANK", "Gazetteer", "build_gazetteer", "index_key", "load_gazetteer", "normalize_name"]


def load_gazetteer(data_dir: Path, cache_dir: Path) -> Gazetteer:
    """Return a Gazetteer over the cached index for data_dir, building the index first if it is missing."""
    path = Path(cache_dir) / f"gazetteer-{index_key(Path(data_dir))}.sqlite"
    if not path.exists():
        build_gazetteer(Path(data_dir), path)
        for stale in path.parent.glob("gazetteer-*.sqlite"):  # earlier versions' indexes are dead weight
            if stale != path:
                with contextlib.suppress(OSError):  # still open elsewhere on Windows: leave it for next time
                    stale.unlink()
    return Gazetteer(path)
