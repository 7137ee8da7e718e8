"""Paths and options in one place: shipped data, the database, the cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "mapdash"
MB = 1024 * 1024  # Streamlit's server.maxUploadSize counts megabytes this way too
DEFAULT_MAX_FILE_MB = 50.0
DEFAULT_MAX_UPLOAD_MB = 50
REPO_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(ValueError):
    """An environment variable holds a value mapdash cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Where mapdash reads its shipped data and keeps its database and caches."""

    data_dir: Path
    db_path: Path
    cache_dir: Path
    static_dir: Path
    max_file_mb: float = DEFAULT_MAX_FILE_MB  # larger releases are refused before they are read
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB  # the dashboard's upload limit (server.maxUploadSize)


def load_settings(db: str | os.PathLike[str] | None = None) -> Settings:
    """Return settings from arguments, then environment (MAPDASH_DB, _DATA, _CACHE, _MAX_FILE_MB, _MAX_UPLOAD_MB), then defaults."""
    data_dir = Path(os.environ.get("MAPDASH_DATA") or REPO_ROOT / "data")
    cache_dir = Path(os.environ.get("MAPDASH_CACHE") or platformdirs.user_cache_dir(APP_NAME))
    db_value = db or os.environ.get("MAPDASH_DB") or Path(platformdirs.user_data_dir(APP_NAME)) / "mapdash.sqlite"
    return Settings(
        data_dir=data_dir,
        db_path=Path(db_value).expanduser(),
        cache_dir=cache_dir,
        static_dir=REPO_ROOT / "static",
        max_file_mb=_env_number("MAPDASH_MAX_FILE_MB", DEFAULT_MAX_FILE_MB),
        max_upload_mb=max(1, round(_env_number("MAPDASH_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))),
    )


def _env_number(name: str, default: float) -> float:
    """Return a positive number from the environment; raise SettingsError naming the variable when it is not one."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0:
        raise SettingsError(f"{name}={value!r} is not a positive number of megabytes: fix or unset it")
    return number
