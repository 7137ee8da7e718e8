"""Set the countries' points in data/gazetteer/countries.tsv to the conventional ones (CIA World Factbook).

GeoNames, and gold corpora built on it, place a country at the Factbook's conventional point
(Russia 60N 100E, Canada 60N 95W), not at a cartographic label point; a resolver placing
"Russia" 480 km away from that is right but scored wrong. The PyPI package `countryinfo`
(MIT licence) carries these points. Dev-time only: `pip install countryinfo`, then run this script.
"""

from __future__ import annotations

import csv
import json
from importlib.util import find_spec
from pathlib import Path

TSV = Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "countries.tsv"
# Where GeoNames itself keeps another point: the US at the centre of the contiguous states, 234 km from the Factbook's.
OVERRIDES = {"US": (39.76, -98.5)}


def factbook_points() -> dict[str, tuple[float, float]]:
    """Return ISO alpha-2 -> (lat, lon) from countryinfo's data files."""
    spec = find_spec("countryinfo")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install countryinfo first")
    points: dict[str, tuple[float, float]] = {}
    for path in (Path(spec.origin).parent / "data").glob("*.json"):
        info = json.loads(path.read_text(encoding="utf-8"))
        iso2, latlng = (info.get("ISO") or {}).get("alpha2"), info.get("latlng")
        if iso2 and latlng and len(latlng) == 2:
            points[iso2.upper()] = (float(latlng[0]), float(latlng[1]))
    return points


def main() -> None:
    """Rewrite the lat/lon columns of countries.tsv where countryinfo has a point."""
    points = factbook_points() | OVERRIDES
    with TSV.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        fields, rows = reader.fieldnames, list(reader)
    changed = 0
    for row in rows:
        if row["iso2"] in points:
            row["lat"], row["lon"] = (f"{v:g}" for v in points[row["iso2"]])
            changed += 1
    with TSV.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{changed} of {len(rows)} countries set to their Factbook point")


if __name__ == "__main__":
    main()
