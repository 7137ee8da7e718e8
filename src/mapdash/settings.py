"""Paths and options in one place: shipped data, the database, the cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "mapdash"
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Where mapdash reads its shipped data and keeps its database and caches."""

    data_dir: Path
    db_path: Path
    cache_dir: Path
    static_dir: Path


def load_settings(db: str | os.PathLike[str] | None = None) -> Settings:
    """Return settings from arguments, then environment (MAPDASH_DB, MAPDASH_DATA, MAPDASH_CACHE), then defaults."""
    data_dir = Path(os.environ.get("MAPDASH_DATA") or REPO_ROOT / "data")
    cache_dir = Path(os.environ.get("MAPDASH_CACHE") or platformdirs.user_cache_dir(APP_NAME))
    db_value = db or os.environ.get("MAPDASH_DB") or Path(platformdirs.user_data_dir(APP_NAME)) / "mapdash.sqlite"
    return Settings(
        data_dir=data_dir,
        db_path=Path(db_value).expanduser(),
        cache_dir=cache_dir,
        static_dir=REPO_ROOT / "static",
    )
