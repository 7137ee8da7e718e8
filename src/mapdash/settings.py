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
# What geoparsing one document may produce; a release names tens of places, a book a few thousand.
DEFAULT_MAX_MENTIONS, DEFAULT_MAX_QUOTES, DEFAULT_MAX_PHASES = 20_000, 5_000, 20_000
DEFAULT_JOB_MEMORY_MB = 4096  # a 40 MB release peaks near 1.5 GB of resident memory; address space runs higher
REPO_ROOT = Path(__file__).resolve().parents[2]  # the checkout (src/mapdash/settings.py); the developer tools' root
# What a wheel carries beside the code (setup.py copies it in): data/, the Streamlit entry script app.py and views/.
# Absent in a checkout (an editable install included), where the same files are read in place.
PACKAGED_ROOT = Path(__file__).resolve().parent / "_shipped"


def shipped_root() -> Path:
    """Return the folder holding data/, app.py, views/ and static/: the installed package's, else the checkout."""
    return PACKAGED_ROOT if (PACKAGED_ROOT / "app.py").is_file() else REPO_ROOT


SHIPPED_ROOT = shipped_root()
DATA_DIR = SHIPPED_ROOT / "data"  # the shipped data: gazetteer files, basemap, phases.toml, chrome patterns, seeds
APP_SCRIPT = SHIPPED_ROOT / "app.py"  # what `mapdash serve` runs with `streamlit run`
# Streamlit serves <entry script's folder>/static: the offline assets and published caches are written there.
STATIC_DIR = SHIPPED_ROOT / "static"


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
    max_mentions: int = DEFAULT_MAX_MENTIONS  # per document: geoparsing stops there and says so
    max_quotes: int = DEFAULT_MAX_QUOTES
    max_phases: int = DEFAULT_MAX_PHASES
    # Folders the dashboard's "Server path" may read releases from; none (the default): it reads nothing from disk.
    release_dirs: tuple[Path, ...] = ()
    max_jobs: int = 1  # ingest jobs the dashboard runs at once (each a worker process); more wait their turn
    job_memory_mb: int = DEFAULT_JOB_MEMORY_MB  # address-space limit of each such worker process
    job_grace_s: float = 15.0  # a job whose page has been closed this long is cancelled (a reconnect takes less)


def load_settings(db: str | os.PathLike[str] | None = None) -> Settings:
    """Return settings from arguments, then environment (MAPDASH_DB, _DATA, _CACHE, _MAX_FILE_MB, _MAX_UPLOAD_MB,
    _MAX_MENTIONS, _MAX_QUOTES, _MAX_PHASES, _RELEASE_DIRS, _PASSWORD, _MAX_JOBS), then defaults.

    Made once, by the command line or the app, and passed down: nothing below them reads the environment."""
    data_dir = Path(os.environ.get("MAPDASH_DATA") or DATA_DIR)
    cache_dir = Path(os.environ.get("MAPDASH_CACHE") or platformdirs.user_cache_dir(APP_NAME))
    db_value = db or os.environ.get("MAPDASH_DB") or Path(platformdirs.user_data_dir(APP_NAME)) / "mapdash.sqlite"
    return Settings(
        data_dir=data_dir,
        db_path=Path(db_value).expanduser(),
        cache_dir=cache_dir,
        static_dir=STATIC_DIR,
        max_file_mb=_env_number("MAPDASH_MAX_FILE_MB", DEFAULT_MAX_FILE_MB),
        max_upload_mb=max(1, round(_env_number("MAPDASH_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))),
        max_mentions=round(_env_number("MAPDASH_MAX_MENTIONS", DEFAULT_MAX_MENTIONS, "mentions")),
        max_quotes=round(_env_number("MAPDASH_MAX_QUOTES", DEFAULT_MAX_QUOTES, "quotes")),
        max_phases=round(_env_number("MAPDASH_MAX_PHASES", DEFAULT_MAX_PHASES, "phase tags")),
        release_dirs=release_dirs_from_env(),
        max_jobs=round(_env_number("MAPDASH_MAX_JOBS", 1, "jobs")),
        job_memory_mb=round(_env_number("MAPDASH_JOB_MEMORY_MB", DEFAULT_JOB_MEMORY_MB)),
        job_grace_s=_env_number("MAPDASH_JOB_GRACE_S", 15.0, "seconds"),
    )


def release_dirs_from_env() -> tuple[Path, ...]:
    """Return the release folders in MAPDASH_RELEASE_DIRS (separated by the OS path separator, ':' on Linux)."""
    value = os.environ.get("MAPDASH_RELEASE_DIRS", "")
    return tuple(Path(part).expanduser() for part in value.split(os.pathsep) if part.strip())


def _env_number(name: str, default: float, unit: str = "megabytes") -> float:
    """Return a positive number from the environment; raise SettingsError naming the variable when it is not one."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0:
        raise SettingsError(f"{name}={value!r} is not a positive number of {unit}: fix or unset it")
    return number
