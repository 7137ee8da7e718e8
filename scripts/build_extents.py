"""Write data/gazetteer/extents.tsv: the bounding box of every country and first-level division.

Read from the shipped basemap (Natural Earth, public domain): data/basemap/countries.geojson (keyed by ISO
alpha-2) and data/basemap/admin1.geojson.gz (keyed by GeoNames id). A country's box is its largest polygon's,
so France is not stretched to Guiana. The resolver places "northern Iraq" or "eastern Anbar" inside these boxes.

Run: .venv/bin/python scripts/build_extents.py
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from shapely.geometry import shape

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


if __name__ == "__main__":
    main()
