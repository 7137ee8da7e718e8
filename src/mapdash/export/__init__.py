"""Exports of the filtered mentions: GeoJSON, CSV and GeoPackage data, the standalone HTML map, PNG/PDF snapshots.

Every format takes the frame as already filtered (``frame.filter_mentions``) and exports the rows the
map draws (mentions tied to a place), with every column. Values are made portable first: dates become
ISO text, lists and dicts JSON text (GeoPackage and CSV columns hold only scalars), the index is dropped.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import pandas as pd

from mapdash.export.briefing import Bounds, Briefing, briefing_html, placed
from mapdash.export.snapshot import (
    DEFAULT_SCALE,
    DEFAULT_SIZE,
    Renderer,
    Snapshot,
    SnapshotError,
    SnapshotFormat,
    chromium_missing,
    render_snapshot,
)
from mapdash.frame import is_missing
from mapdash.render.maps import PhaseStyleLike

FORMATS = ("png", "pdf", "html", "geojson", "csv", "gpkg")
DATA_FORMATS = ("geojson", "csv", "gpkg")
MIME = {
    "png": "image/png",
    "pdf": "application/pdf",
    "html": "text/html",
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
}
LABELS = {"png": "PNG", "pdf": "PDF", "html": "HTML", "geojson": "GeoJSON", "csv": "CSV", "gpkg": "GeoPackage"}
HELP = {
    "png": "Briefing snapshot: title, map, legend, sources, filters; 1600x1000 at 2x",
    "pdf": "The briefing snapshot as one PDF page",
    "html": "The interactive map in one file that works offline",
    "geojson": "The mentions on the map, every column",
    "csv": "The mentions on the map, every column; point as lat/lon and WKT",
    "gpkg": "The mentions on the map, every column (layer: mentions)",
}
GPKG_LAYER = "mentions"
_SUFFIXES = {
    ".png": "png",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".gpkg": "gpkg",
}

__all__ = [
    "DATA_FORMATS",
    "FORMATS",
    "HELP",
    "LABELS",
    "MIME",
    "Bounds",
    "Briefing",
    "Export",
    "ExportError",
    "Snapshot",
    "chromium_missing",
    "export_bytes",
    "export_filename",
    "export_table",
    "parse_size",
    "publish_export",
    "resolve_doc_ids",
    "to_csv",
    "to_geojson",
    "to_gpkg",
    "write_export",
]


class ExportError(ValueError):
    """An export request the user can correct: unknown format, size, view or document."""


@dataclass(frozen=True)
class Export:
    """One exported file: its bytes, format, number of mention rows and, for PNG/PDF, the snapshot's details."""

    data: bytes
    fmt: str
    rows: int
    snapshot: Snapshot | None = None

    @property
    def mime(self) -> str:
        """Return the file's MIME type."""
        return MIME[self.fmt]

    @property
    def note(self) -> str:
        """Return why a snapshot was drawn by the matplotlib fallback, "" otherwise."""
        return self.snapshot.note if self.snapshot else ""


def _portable(value: Any) -> Any:
    """Return a cell as a scalar a data file can hold: ISO text for dates, JSON text for lists and dicts."""
    if is_missing(value):
        return None  # blank in CSV, null in GeoJSON and GeoPackage: never the text "None", "NaT" or "nan"
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, list | tuple | set | dict):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False, default=str)
    return value


def export_table(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the mapped rows of gdf with every column made portable (see the module's note), index reset."""
    rows = placed(gdf).reset_index(drop=True)
    table = rows.copy()
    for column in rows.columns:
        if column == rows.geometry.name:
            continue
        if pd.api.types.is_datetime64_any_dtype(rows[column]):
            table[column] = rows[column].map(lambda v: None if pd.isna(v) else v.isoformat())
        elif rows[column].dtype == object:
            table[column] = rows[column].map(_portable).astype(object)
    return gpd.GeoDataFrame(table, geometry=rows.geometry.name, crs=gdf.crs or "EPSG:4326")


def to_geojson(gdf: gpd.GeoDataFrame) -> bytes:
    """Return the mapped rows as a GeoJSON FeatureCollection (UTF-8), one point feature per mention."""
    return export_table(gdf).to_json(drop_id=True, ensure_ascii=False, na="null").encode("utf-8")


def to_csv(gdf: gpd.GeoDataFrame) -> bytes:
    """Return the mapped rows as UTF-8 CSV; the point is in lat/lon and, as WKT, in the geometry column."""
    table = export_table(gdf)
    frame = pd.DataFrame(table.drop(columns=table.geometry.name)).assign(geometry=table.geometry.to_wkt())
    return frame.to_csv(index=False).encode("utf-8")


def to_gpkg(gdf: gpd.GeoDataFrame) -> bytes:
    """Return the mapped rows as a GeoPackage (layer "mentions") written by pyogrio in memory."""
    out = io.BytesIO()
    export_table(gdf).to_file(out, driver="GPKG", layer=GPKG_LAYER, engine="pyogrio")
    return out.getvalue()


def parse_size(text: str) -> tuple[int, int]:
    """Return (width, height) from "1600x1000"."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ExportError(f"size {text!r} is not WIDTHxHEIGHT in pixels, e.g. 1600x1000") from None
    return width, height


def resolve_doc_ids(gdf: gpd.GeoDataFrame, given: Iterable[str]) -> tuple[str, ...]:
    """Return the full document ids of the given ids or unique prefixes; ExportError names any that fit none or many."""
    known = sorted(set(gdf["doc_id"].dropna())) if len(gdf) else []
    ids = []
    for prefix in given:
        matches = [d for d in known if d.startswith(prefix)]
        if len(matches) != 1:
            raise ExportError(f"document {prefix!r} matches {len(matches)} stored documents: give more of its id")
        ids.append(matches[0])
    return tuple(ids)


def export_filename(fmt: str, when: datetime | None = None) -> str:
    """Return a file name such as ``mapdash-20160226-1530.png`` (UTC)."""
    stamp = (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M")
    return f"mapdash-{stamp}.{fmt}"


def export_bytes(
    gdf: gpd.GeoDataFrame,
    fmt: str,
    briefing: Briefing | None = None,
    *,
    size: tuple[int, int] = DEFAULT_SIZE,
    scale: float = DEFAULT_SCALE,
    renderer: Renderer = "auto",
    styles: Mapping[str, PhaseStyleLike] | None = None,
) -> Export:
    """Return the (already filtered) mentions in gdf exported in fmt, one of FORMATS.

    briefing: title, filters to state, view (south, west, north, east) for png/pdf/html; size, scale and
    renderer: for png/pdf (see ``snapshot.render_snapshot``).
    """
    briefing = briefing or Briefing()
    rows = len(placed(gdf))
    writers = {"geojson": to_geojson, "csv": to_csv, "gpkg": to_gpkg}
    try:
        if fmt in ("png", "pdf"):
            kind = cast(SnapshotFormat, fmt)  # "png" or "pdf", as just checked
            shot = render_snapshot(gdf, briefing, kind, size=size, scale=scale, renderer=renderer, styles=styles)
            return Export(shot.data, fmt, rows, shot)
        if fmt == "html":
            return Export(briefing_html(gdf, briefing, styles=styles).encode("utf-8"), fmt, rows)
    except (ValueError, SnapshotError) as exc:  # a bad view or size, or Chromium failing
        raise ExportError(str(exc)) from exc
    if fmt not in writers:
        raise ExportError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
    return Export(writers[fmt](gdf), fmt, rows)


EXPORTS_URL = "/app/static/exports"  # where the app serves the files its export buttons made
KEEP_EXPORTS = 30  # newest files kept in static/exports/


def publish_export(result: Export, static_dir: Path, file_name: str) -> str:
    """Write an export under ``static_dir/exports/<sha256>/file_name`` and return the URL the app serves it at.

    A file on disk outlives the page's reruns, so a download clicked while the page updates still finds it
    (Streamlit's own download buttons hand out ids that a rerun revokes). Older files beyond KEEP_EXPORTS go.
    """
    import hashlib
    import os
    import shutil

    folder = static_dir / "exports"
    digest = hashlib.sha256(result.data).hexdigest()[:32]
    path = folder / digest / file_name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{file_name}.{os.getpid()}.tmp")
        tmp.write_bytes(result.data)
        os.replace(tmp, path)
    os.utime(path.parent)
    for old in sorted((d for d in folder.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime, reverse=True)[
        KEEP_EXPORTS:
    ]:
        shutil.rmtree(old, ignore_errors=True)
    return f"{EXPORTS_URL}/{digest}/{file_name}"


def write_export(
    gdf: gpd.GeoDataFrame, path: Path, fmt: str | None = None, briefing: Briefing | None = None, **options: Any
) -> Export:
    """Write the export to path (format from fmt, else from the file's suffix) and return it."""
    fmt = fmt or _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(f"cannot tell the format from {path.name!r}: give --format ({', '.join(FORMATS)})")
    result = export_bytes(gdf, fmt, briefing, **options)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(result.data)
    tmp.replace(path)  # a half-written file never stands where a briefing expects the last good one
    return result
