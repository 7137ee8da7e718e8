"""Local copies of the map's JavaScript, CSS, images and basemap, so nothing is fetched from a CDN.

Streamlit serves the ``static/`` folder beside the entry script (``settings.STATIC_DIR``) as ``/app/static/`` when
started with ``--server.enableStaticServing true``; ``install_static`` fills ``static/vendor/`` (git-ignored) from
the ``xstatic-leaflet`` and ``xstatic-leaflet-markercluster`` packages and ``data/basemap/``.
``inline_assets`` gives the same files' contents for standalone HTML, where everything is inlined. Every reader
takes the data folder as ``data_dir`` (the caller's ``Settings.data_dir``), the shipped one by default.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from unidecode import unidecode

from mapdash.render.published import KEEP_UNPINNED, publisher
from mapdash.settings import DATA_DIR

# URL prefix under which Streamlit serves static/vendor/.
APP_ASSET_BASE = "/app/static/vendor"
# Where the app publishes the places data of the maps it draws (static/cache/, git-ignored).
APP_CACHE_BASE = "/app/static/cache"
KEEP_PUBLISHED = KEEP_UNPINNED  # data files kept beyond those a map in use points at (see mapdash.render.published)

# Paths relative to the asset base (and to static/vendor/ on disk).
LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"
LEAFLET_IMAGES = "leaflet/images/"
CLUSTER_JS = "markercluster/leaflet.markercluster.js"
CLUSTER_CSS = "markercluster/MarkerCluster.css"
CLUSTER_DEFAULT_CSS = "markercluster/MarkerCluster.Default.css"
BASEMAP = "basemap/countries.geojson"
ADMIN1 = "admin1.geojson.gz"  # under data/basemap/; read by Python only, never served
# Reference layers under data/basemap/ (scripts/build_basemap_layers.py), served under basemap/.
REFERENCE_FILES = ("rivers.geojson", "lakes.geojson", "towns.json", "admin1-labels.json")
REFERENCE_TILES = ("towns", "admin1-lines")  # folders of 10-degree tiles named "<west>_<south>.json"

_LEAFLET_DIR = Path(xstatic.pkg.leaflet.BASE_DIR)
_CLUSTER_DIR = Path(xstatic.pkg.leaflet_markercluster.BASE_DIR)
_IMAGES = ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")
# Browsers only fetch source maps with devtools open, but inlined code must not point at missing files.
_SOURCE_MAP = re.compile(r"^\s*/[/*][#@] sourceMappingURL=.*$", re.MULTILINE)


def basemap_path(data_dir: Path = DATA_DIR) -> Path:
    """Return the shipped, trimmed Natural Earth countries GeoJSON."""
    return data_dir / "basemap" / "countries.geojson"


def vendor_files(data_dir: Path = DATA_DIR) -> dict[str, Path]:
    """Return {path relative to static/vendor/: source file} for every file the map may request."""
    files = {
        LEAFLET_JS: _LEAFLET_DIR / "leaflet.js",
        LEAFLET_CSS: _LEAFLET_DIR / "leaflet.css",
        CLUSTER_JS: _CLUSTER_DIR / "leaflet.markercluster.js",
        CLUSTER_CSS: _CLUSTER_DIR / "MarkerCluster.css",
        CLUSTER_DEFAULT_CSS: _CLUSTER_DIR / "MarkerCluster.Default.css",
        BASEMAP: basemap_path(data_dir),
    }
    files.update({LEAFLET_IMAGES + name: _LEAFLET_DIR / "images" / name for name in _IMAGES})
    files.update(reference_files(data_dir))
    return files


def _up_to_date(source: Path, dest: Path) -> bool:
    """Return True when dest is a copy of source made by ``_copy`` (same size and mtime)."""
    try:
        src, dst = source.stat(), dest.stat()
    except FileNotFoundError:
        return False
    return src.st_size == dst.st_size and src.st_mtime_ns == dst.st_mtime_ns


def _copy(source: Path, dest: Path) -> None:
    """Copy source to dest atomically, keeping its mtime, so a concurrent reader never sees half a file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    shutil.copy2(source, tmp)
    os.replace(tmp, dest)


def install_static(static_dir: Path, data_dir: Path = DATA_DIR) -> Path:
    """Copy the map's assets into ``static_dir/vendor/`` (skipping files already there); return that folder."""
    vendor = static_dir / "vendor"
    for rel, source in vendor_files(data_dir).items():
        dest = vendor / rel
        if not _up_to_date(source, dest):
            _copy(source, dest)
    return vendor


def _data_uri(path: Path) -> str:
    """Return a file as a base64 data: URI."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _read_code(path: Path) -> str:
    """Return a JS/CSS file's text without its source-map comment."""
    return _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def inline_assets() -> Mapping[str, str]:
    """Return the contents of Leaflet and markercluster JS/CSS (images as data: URIs) for inlining.

    Keys: ``leaflet.js``, ``leaflet.css``, ``markercluster.js``, ``markercluster.css``.
    """
    leaflet_css = _read_code(_LEAFLET_DIR / "leaflet.css")
    for name in _IMAGES:  # url(images/x.png) would otherwise resolve against the exported file's folder
        leaflet_css = leaflet_css.replace(f"url(images/{name})", f"url({_data_uri(_LEAFLET_DIR / 'images' / name)})")
    cluster_css = (
        _read_code(_CLUSTER_DIR / "MarkerCluster.css") + "\n" + _read_code(_CLUSTER_DIR / "MarkerCluster.Default.css")
    )
    return MappingProxyType(
        {
            "leaflet.js": _read_code(_LEAFLET_DIR / "leaflet.js"),
            "leaflet.css": leaflet_css,
            "markercluster.js": _read_code(_CLUSTER_DIR / "leaflet.markercluster.js"),
            "markercluster.css": cluster_css,
        }
    )


def basemap_geojson(data_dir: Path = DATA_DIR) -> str:
    """Return the basemap GeoJSON text, read once per file version."""
    path = basemap_path(data_dir)
    return _read_text_cached(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _read_text_cached(path: Path, mtime_ns: int) -> str:
    """Return a file's text; mtime_ns is part of the cache key so an edited file is re-read."""
    return path.read_text(encoding="utf-8")


def country_shape(iso_a2: str, data_dir: Path = DATA_DIR) -> dict | None:
    """Return the basemap's outline (GeoJSON geometry) of a country by ISO alpha-2 code; None when unknown."""
    path = basemap_path(data_dir)
    return _country_index(path, path.stat().st_mtime_ns).get((iso_a2 or "").upper())


@lru_cache(maxsize=2)
def _country_index(path: Path, mtime_ns: int) -> dict[str, dict]:
    """Return the basemap's country geometries by ISO alpha-2 code; read once per file version."""
    collection = json.loads(_read_text_cached(path, mtime_ns))
    return {f["properties"]["iso_a2"]: f["geometry"] for f in collection["features"] if f["properties"].get("iso_a2")}


def reference_files(data_dir: Path = DATA_DIR) -> dict[str, Path]:
    """Return {path relative to the asset base: file} for the reference layers (rivers, lakes, borders, towns)."""
    folder = data_dir / "basemap"
    files = {f"basemap/{name}": folder / name for name in REFERENCE_FILES if (folder / name).exists()}
    for sub in REFERENCE_TILES:
        files.update({f"basemap/{sub}/{p.name}": p for p in sorted((folder / sub).glob("*.json"))})
    return files


def reference_index(data_dir: Path = DATA_DIR) -> dict[str, list[str]]:
    """Return the tile keys ("40_30") of the towns and first-level borders the map may fetch."""
    folder = data_dir / "basemap"
    return {
        "towns": sorted(p.stem for p in (folder / "towns").glob("*_*.json")),
        "lines": sorted(p.stem for p in (folder / "admin1-lines").glob("*_*.json")),
    }


def reference_text(rel: str, data_dir: Path = DATA_DIR) -> str | None:
    """Return the JSON text of a reference file ("basemap/rivers.geojson"), None when it is not shipped."""
    path = reference_files(data_dir).get(rel) if rel.count("/") == 1 else data_dir / rel
    if path is None or not path.exists():
        return None
    return _read_reference(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _read_reference(path: Path, mtime_ns: int) -> str:
    """Return a reference file's text; mtime_ns is part of the cache key so an edited file is re-read."""
    return path.read_text(encoding="utf-8").strip()


def admin1_path(data_dir: Path = DATA_DIR) -> Path:
    """Return the shipped, trimmed Natural Earth admin-1 polygons (gzip-compressed GeoJSON)."""
    return data_dir / "basemap" / ADMIN1


def name_key(name: str) -> str:
    """Return a name reduced to lower-case ASCII letters and digits ("Al-Anbar" and "Al Anbar" match)."""
    return "".join(c for c in unidecode(name).lower() if c.isalnum())


def admin1_shape(geonameid: float | None, country_code: str, name: str, data_dir: Path = DATA_DIR) -> dict | None:
    """Return an admin-1 division's GeoJSON geometry, by GeoNames id, else by country and name; None if unknown."""
    path = admin1_path(data_dir)
    if not path.exists():
        return None
    by_id, by_name = _admin1_index(path, path.stat().st_mtime_ns)
    found = by_id.get(int(geonameid)) if geonameid and geonameid == geonameid else None  # NaN != NaN
    return found or by_name.get((country_code, name_key(name)))


@lru_cache(maxsize=2)
def _admin1_index(path: Path, mtime_ns: int) -> tuple[dict[int, dict], dict[tuple[str, str], dict]]:
    """Return the admin-1 geometries by GeoNames id and by (country code, name key); read once per file version."""
    collection = json.loads(gzip.decompress(path.read_bytes()))
    by_id: dict[int, dict] = {}
    by_name: dict[tuple[str, str], dict] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        if props["gn_id"]:
            by_id.setdefault(int(props["gn_id"]), feature["geometry"])
        by_name.setdefault((props["iso_a2"], name_key(props["name"])), feature["geometry"])
    return by_id, by_name


def publish_json(static_dir: Path, text: str) -> str:
    """Write text once to ``static_dir/cache/<process>/<sha256>.json`` and return the URL the app serves it at.

    Content-addressed, so the browser may cache it and two sessions never clash. The URL returned pins the
    file while it lives (a cached map layer holds it), and each server process keeps its own folder, so
    no map in use loses its data, whatever the other sessions or apps sharing the checkout do
    (``mapdash.render.published``).
    """
    return publisher(static_dir, APP_CACHE_BASE).publish(text)
