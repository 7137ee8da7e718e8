"""Regenerate data/basemap/countries.geojson from Natural Earth 1:50m countries (public domain).

Usage: python scripts/trim_basemap.py [SOURCE] [DEST] [--tolerance 0.05] [--digits 2]

The shipped basemap must be small (it is fetched by the browser or inlined into exported HTML) and
must not need ../shared at run time, so this script keeps only names, ISO codes and a label point,
simplifies the polygons as a coverage (shared borders stay shared, no slivers or gaps) and rounds
coordinates.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = REPO_ROOT.parent / "shared" / "data" / "naturalearth" / "ne_50m_admin_0_countries.geojson"
DEST = REPO_ROOT / "data" / "basemap" / "countries.geojson"
# Natural Earth leaves ISO_A2 as -99 for these because of overseas parts; the main part is clear.
ISO_FIXES = {"FRA": ("FR", "FRA"), "NOR": ("NO", "NOR"), "KOS": ("XK", "XKX")}


def _iso(row: pd.Series) -> tuple[str, str]:
    """Return the (alpha-2, alpha-3) code of a Natural Earth row, "" where it has none."""
    if row["ADM0_A3"] in ISO_FIXES:
        return ISO_FIXES[row["ADM0_A3"]]
    a2, a3 = str(row["ISO_A2"]), str(row["ISO_A3"])
    return ("" if a2 == "-99" else a2), ("" if a3 == "-99" else a3)


def _label_point(geom: shapely.Geometry, digits: int) -> list[float]:
    """Return [lon, lat] inside the largest part, where a country name reads best."""
    parts = list(getattr(geom, "geoms", [geom]))
    largest = max(parts, key=lambda p: p.area)
    point = shapely.ops.polylabel(largest, tolerance=0.05)
    return [round(point.x, digits), round(point.y, digits)]


def trim(source: Path, tolerance: float, digits: int) -> dict:
    """Return the trimmed countries as a GeoJSON FeatureCollection dict."""
    gdf = gpd.read_file(source).to_crs(4326)
    simplified = shapely.coverage_simplify(gdf.geometry.values, tolerance)
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, digits))
    rounded = shapely.remove_repeated_points(shapely.make_valid(rounded))
    features = []
    for (_, row), geom, original in zip(gdf.iterrows(), rounded, gdf.geometry.values, strict=True):
        if geom is None or geom.is_empty:
            continue
        iso_a2, iso_a3 = _iso(row)
        properties = {
            "name": row["NAME"],
            "iso_a2": iso_a2,
            "iso_a3": iso_a3,
            "min_label": float(row["MIN_LABEL"]),
            "label": _label_point(original, digits),
        }
        features.append({"type": "Feature", "properties": properties, "geometry": json.loads(shapely.to_geojson(geom))})
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> None:
    """Write the trimmed basemap and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SOURCE)
    parser.add_argument("dest", nargs="?", type=Path, default=DEST)
    parser.add_argument("--tolerance", type=float, default=0.05, help="coverage simplification, degrees")
    parser.add_argument("--digits", type=int, default=2, help="decimals kept (2 = about 1 km)")
    args = parser.parse_args(argv)
    collection = trim(args.source, args.tolerance, args.digits)
    args.dest.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    args.dest.write_text(text + "\n", encoding="utf-8")
    print(f"{args.dest}: {len(collection['features'])} countries, {args.dest.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
