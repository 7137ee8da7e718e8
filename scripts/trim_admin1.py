"""Regenerate data/basemap/admin1.geojson.gz from Natural Earth 1:10m first-level divisions (public domain).

Usage: python scripts/trim_admin1.py [SOURCE] [DEST] [--tolerance 0.03] [--digits 2]

The map shades the governorate or province a release names (Anbar), so every admin-1 polygon is
shipped, but only its GeoNames id, country code and name are kept, each polygon is simplified on its
own (the map shows a few named divisions at a time, so hairline gaps between neighbours never show)
and coordinates are rounded. The map inlines just the polygons the filtered mentions name.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = REPO_ROOT.parent / "shared" / "data" / "naturalearth" / "ne_10m_admin_1_states_provinces_simplified.geojson"
DEST = REPO_ROOT / "data" / "basemap" / "admin1.geojson.gz"


def _polygonal(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """Return the polygon parts of a geometry (repairs can leave stray lines), None when there are none."""
    if geom is None:
        return None
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.multipolygons(parts)


def _repair(geom: shapely.Geometry) -> shapely.Geometry | None:
    """Return a rounded geometry made valid part by part, keeping only what is still an area."""
    repaired = [shapely.make_valid(p, method="structure", keep_collapsed=False) for p in shapely.get_parts(geom)]
    repaired = [r for r in repaired if not r.is_empty]
    return _polygonal(shapely.union_all(repaired)) if repaired else None


def trim(source: Path, tolerance: float, digits: int) -> dict:
    """Return the trimmed admin-1 polygons as a GeoJSON FeatureCollection dict."""
    gdf = gpd.read_file(source).to_crs(4326)
    features = []
    for _, row in gdf.iterrows():
        shape = _polygonal(shapely.make_valid(row.geometry)) if row.geometry is not None else None
        if shape is None:
            continue
        simplified = shapely.simplify(shape, tolerance, preserve_topology=True)
        shape = _repair(shapely.transform(simplified, lambda xy: np.round(xy, digits)))
        if shape is None:
            continue
        gn_id = row["gn_id"]
        properties = {
            "gn_id": int(gn_id) if gn_id == gn_id and gn_id and gn_id > 0 else 0,  # NaN != NaN
            "iso_a2": str(row["iso_a2"] or ""),
            "name": str(row["name"] or ""),
        }
        geometry = json.loads(shapely.to_geojson(shapely.remove_repeated_points(shape)))
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    features.sort(key=lambda f: (f["properties"]["iso_a2"], f["properties"]["name"]))
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> None:
    """Write the trimmed admin-1 polygons (gzip-compressed GeoJSON) and print their size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SOURCE)
    parser.add_argument("dest", nargs="?", type=Path, default=DEST)
    parser.add_argument("--tolerance", type=float, default=0.03, help="simplification, degrees (0.03 = about 3 km)")
    parser.add_argument("--digits", type=int, default=2, help="decimals kept (2 = about 1 km)")
    args = parser.parse_args(argv)
    collection = trim(args.source, args.tolerance, args.digits)
    args.dest.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n"
    # mtime=0: the same source gives byte-identical output, so regenerating makes no spurious diff.
    args.dest.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{args.dest}: {len(collection['features'])} admin-1 divisions, {args.dest.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
