"""Write data/gazetteer/extents.tsv (the box of every country and first-level division) and borders.tsv.

Read from the shipped basemap (Natural Earth, public domain): data/basemap/countries.geojson (keyed by ISO
alpha-2) and data/basemap/admin1.geojson.gz (keyed by GeoNames id). A country's box is its largest polygon's,
so France is not stretched to Guiana. The resolver places "northern Iraq" or "eastern Anbar" inside these boxes.
borders.tsv samples every land border between two countries about every 25 km, so "the Turkish border" in a
story on Manbij is placed on the Syria-Turkey border north of Manbij.

Run: .venv/bin/python scripts/build_extents.py
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from shapely.geometry import shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[1]


def _largest_bounds(geometry: dict) -> tuple[float, float, float, float]:
    """Return (west, south, east, north) of a geometry's largest polygon."""
    geom = shape(geometry)
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: g.area).bounds


def main() -> None:
    """Write the extents table."""
    rows = []
    countries = json.loads((ROOT / "data/basemap/countries.geojson").read_text(encoding="utf-8"))
    for f in countries["features"]:
        iso2 = f["properties"].get("iso_a2")
        if iso2 and iso2 != "-99" and f["geometry"]:
            rows.append((iso2, *_largest_bounds(f["geometry"])))
    with gzip.open(ROOT / "data/basemap/admin1.geojson.gz", "rt", encoding="utf-8") as handle:
        admin1 = json.load(handle)
    for f in admin1["features"]:
        gn = f["properties"].get("gn_id")
        if gn and f["geometry"]:
            rows.append((f"gn:{gn}", *_largest_bounds(f["geometry"])))
    out = ROOT / "data/gazetteer/extents.tsv"
    with out.open("w", encoding="utf-8") as handle:
        handle.write("key\twest\tsouth\teast\tnorth\n")
        for key, w, s, e, n in sorted(set(rows)):
            handle.write(f"{key}\t{w:.2f}\t{s:.2f}\t{e:.2f}\t{n:.2f}\n")
    print(f"{out}: {len(rows)} extents")
    _write_borders(countries["features"])


BORDER_STEP_DEG = 0.25  # about 25 km between border points
TOUCH_DEG = 0.02  # simplified polygons of neighbours may not share their boundary exactly


def _write_borders(features: list[dict]) -> None:
    """Write borders.tsv: points along each land border shared by two countries."""
    shapes = {
        f["properties"]["iso_a2"]: shape(f["geometry"])
        for f in features
        if f["properties"].get("iso_a2") not in (None, "-99") and f["geometry"]
    }
    rows = set()
    codes = sorted(shapes)
    for i, a in enumerate(codes):
        grown = shapes[a].buffer(TOUCH_DEG)
        for b in codes[i + 1 :]:
            if not grown.intersects(shapes[b]):
                continue
            line = unary_union(grown.intersection(shapes[b].boundary))
            if line.is_empty or line.length < BORDER_STEP_DEG:
                continue
            steps = int(line.length / BORDER_STEP_DEG) + 1
            for k in range(steps + 1):
                point = line.interpolate(min(line.length, k * BORDER_STEP_DEG))
                rows.add((a, b, round(point.y, 2), round(point.x, 2)))
    out = ROOT / "data/gazetteer/borders.tsv"
    with out.open("w", encoding="utf-8") as handle:
        handle.write("a\tb\tlat\tlon\n")
        for a, b, lat, lon in sorted(rows):
            handle.write(f"{a}\t{b}\t{lat:.2f}\t{lon:.2f}\n")
    print(f"{out}: {len(rows)} border points")


if __name__ == "__main__":
    main()
