"""What cities500 lacks for a campaign map: the theatre supplement, and the parts of countries and provinces.

``data/gazetteer/theatre.csv`` holds the features releases name that GeoNames' cities500 has not: dams, air
bases and airfields, river valleys, regions ("Southwest Asia", "Kurdistan Region") and villages, each with
its source. ``data/gazetteer/extents.tsv`` holds the bounding box of each country and first-level division,
so "northern Iraq" or "eastern Anbar" is placed in the part of the box its direction word names.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from mapdash.model import FeatureKind, Place

# Direction words and where, as fractions of the box from its south-west corner (north, east), their part lies.
DIRECTIONS: dict[str, tuple[float, float]] = {
    "north": (0.78, 0.5), "northern": (0.78, 0.5), "south": (0.22, 0.5), "southern": (0.22, 0.5),
    "east": (0.5, 0.78), "eastern": (0.5, 0.78), "west": (0.5, 0.22), "western": (0.5, 0.22),
    "northeast": (0.75, 0.75), "northeastern": (0.75, 0.75), "northwest": (0.75, 0.25), "northwestern": (0.75, 0.25),
    "southeast": (0.25, 0.75), "southeastern": (0.25, 0.75), "southwest": (0.25, 0.25), "southwestern": (0.25, 0.25),
    "central": (0.5, 0.5), "north-east": (0.75, 0.75), "north-eastern": (0.75, 0.75), "north-west": (0.75, 0.25),
    "north-western": (0.75, 0.25), "south-east": (0.25, 0.75), "south-eastern": (0.25, 0.75),
    "south-west": (0.25, 0.25), "south-western": (0.25, 0.25),
}
DIRECTION_PHRASE = re.compile(rf"^(?P<direction>{'|'.join(sorted(DIRECTIONS, key=len, reverse=True))})\s+(?P<rest>\S.*)$", re.IGNORECASE)
FEATURES: frozenset[str] = frozenset({"city", "region", "admin1", "admin2", "country"})


@dataclass(frozen=True)
class Feature:
    """One row of the theatre supplement."""

    name: str
    alt_names: tuple[str, ...]
    feature: FeatureKind
    feature_code: str  # GeoNames' code where one fits: DAM, AIRB, AIRF, VAL, RGN, PPL, MT
    country_code: str
    admin1: str  # GeoNames admin-1 code ("IQ.15"), "" for regions across borders
    lat: float
    lon: float
    geonameid: int | None
    source: str
    population: int = 0

    @property
    def place_id(self) -> str:
        """Return 'gn:<id>' where GeoNames has the feature, else a stable supplement key."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.name.casefold()).strip("-")
        return f"gn:{self.geonameid}" if self.geonameid else f"theatre:{self.country_code or 'xx'}:{slug}"


def read_supplement(path: Path) -> list[Feature]:
    """Return the rows of theatre.csv; raise ValueError naming the line when one is malformed."""
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(line for line in handle if not line.startswith("#")), start=2):
            try:
                feature = row["feature"].strip()
                if feature not in FEATURES or not row["source"].strip():
                    raise ValueError(f"feature {feature!r} or source missing")
                rows.append(Feature(
                    name=row["name"].strip(), alt_names=tuple(a.strip() for a in row["alt_names"].split("|") if a.strip()),
                    feature=feature, feature_code=row["feature_code"].strip(),  # type: ignore[arg-type]
                    country_code=row["country"].strip(), admin1=row["admin1"].strip(), lat=float(row["lat"]), lon=float(row["lon"]),
                    geonameid=int(row["geonameid"]) if row["geonameid"].strip() else None, source=row["source"].strip(),
                    population=int(row["population"] or 0)))
            except (KeyError, ValueError, AttributeError) as exc:
                raise ValueError(f"{path}:{number}: not a supplement row ({exc})") from exc
    return rows


def read_not_places(path: Path) -> list[str]:
    """Return the names of not_places.csv (groups and bodies that are never places)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [r["name"].strip() for r in csv.DictReader(line for line in handle if not line.startswith("#")) if r["name"].strip()]


def read_extents(path: Path) -> dict[str, tuple[float, float, float, float]]:
    """Return extents.tsv as key ('IQ' or 'gn:<id>') -> (west, south, east, north)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["key"]: (float(r["west"]), float(r["south"]), float(r["east"]), float(r["north"]))
                for r in csv.DictReader(handle, delimiter="\t")}


def split_direction(name: str) -> tuple[str, str] | None:
    """Return (direction word, rest) of "northern Iraq", or None when a name starts with none."""
    m = DIRECTION_PHRASE.match(name.strip())
    return (m.group("direction").lower(), m.group("rest")) if m else None


def part_of(place: Place, direction: str, extent: tuple[float, float, float, float]) -> Place:
    """Return the region a direction word names inside a country's or province's box ("northern Iraq")."""
    north, east = DIRECTIONS[direction.lower()]
    west, south, east_edge, north_edge = extent
    label = f"{direction.capitalize()} {place.name}"
    return replace(place, place_id=f"{place.place_id}#{direction.lower()}", name=label, feature="region",
                   lat=round(south + north * (north_edge - south), 4), lon=round(west + east * (east_edge - west), 4),
                   feature_code="RGN", admin1_name=place.admin1_name if place.feature != "country" else None)
