"""What cities500 lacks for a campaign map: the theatre supplement, and the parts of countries and provinces.

``data/gazetteer/theatre.csv`` holds the features releases name that GeoNames' cities500 has not: dams, air
bases and airfields, river valleys, regions ("Southwest Asia", "Kurdistan Region") and villages, each with
its source. ``data/gazetteer/extents.tsv`` holds the bounding box of each country and first-level division,
so "northern Iraq" or "eastern Anbar" is placed in the part of the box its direction word names.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from mapdash.model import FeatureKind, Place

# Direction words and where, as fractions of the box from its south-west corner (north, east), their part lies.
DIRECTIONS: dict[str, tuple[float, float]] = {
    "north": (0.78, 0.5),
    "northern": (0.78, 0.5),
    "south": (0.22, 0.5),
    "southern": (0.22, 0.5),
    "east": (0.5, 0.78),
    "eastern": (0.5, 0.78),
    "west": (0.5, 0.22),
    "western": (0.5, 0.22),
    "northeast": (0.75, 0.75),
    "northeastern": (0.75, 0.75),
    "northwest": (0.75, 0.25),
    "northwestern": (0.75, 0.25),
    "southeast": (0.25, 0.75),
    "southeastern": (0.25, 0.75),
    "southwest": (0.25, 0.25),
    "southwestern": (0.25, 0.25),
    "central": (0.5, 0.5),
    "north-east": (0.75, 0.75),
    "north-eastern": (0.75, 0.75),
    "north-west": (0.75, 0.25),
    "north-western": (0.75, 0.25),
    "south-east": (0.25, 0.75),
    "south-eastern": (0.25, 0.75),
    "south-west": (0.25, 0.25),
    "south-western": (0.25, 0.25),
}
DIRECTION_PHRASE = re.compile(
    rf"^(?P<direction>{'|'.join(sorted(DIRECTIONS, key=len, reverse=True))})\s+(?P<rest>\S.*)$", re.IGNORECASE
)
# The part of the box each direction word names, as (north, east) fraction ranges: "northern" is the top 35 %.
PART_BOXES: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "north": ((0.65, 1.0), (0.0, 1.0)),
    "south": ((0.0, 0.35), (0.0, 1.0)),
    "east": ((0.0, 1.0), (0.65, 1.0)),
    "west": ((0.0, 1.0), (0.0, 0.35)),
    "northeast": ((0.5, 1.0), (0.5, 1.0)),
    "northwest": ((0.5, 1.0), (0.0, 0.5)),
    "southeast": ((0.0, 0.5), (0.5, 1.0)),
    "southwest": ((0.0, 0.5), (0.0, 0.5)),
    "central": ((0.3, 0.7), (0.3, 0.7)),
}
MIN_TOWNS = 3  # fewer towns in a part than this: its point is the box fraction instead of where its towns are
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
                rows.append(
                    Feature(
                        name=row["name"].strip(),
                        alt_names=tuple(a.strip() for a in row["alt_names"].split("|") if a.strip()),
                        feature=cast(FeatureKind, feature),  # checked against FEATURES above
                        feature_code=row["feature_code"].strip(),
                        country_code=row["country"].strip(),
                        admin1=row["admin1"].strip(),
                        lat=float(row["lat"]),
                        lon=float(row["lon"]),
                        geonameid=int(row["geonameid"]) if row["geonameid"].strip() else None,
                        source=row["source"].strip(),
                        population=int(row["population"] or 0),
                    )
                )
            except (KeyError, ValueError, AttributeError) as exc:
                raise ValueError(f"{path}:{number}: not a supplement row ({exc})") from exc
    return rows


def read_not_places(path: Path) -> list[str]:
    """Return the names of not_places.csv (groups and bodies that are never places)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            r["name"].strip()
            for r in csv.DictReader(line for line in handle if not line.startswith("#"))
            if r["name"].strip()
        ]


def read_borders(path: Path) -> list[tuple[str, str, float, float]]:
    """Return borders.tsv as (country a, country b, lat, lon) points along the land borders."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["a"], r["b"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(handle, delimiter="\t")]


BORDER_PHRASE = re.compile(r"^(?P<a>.+?)(?:\s*[-–/]\s*(?P<b>[^-–/]+?))?\s+border$", re.IGNORECASE)


def split_border(name: str) -> tuple[str, ...] | None:
    """Return the country names of a border phrase ("Turkey border" -> ("Turkey",), "Syria-Iraq border"), or None."""
    m = BORDER_PHRASE.match(name.strip())
    if m is None:
        return None
    return (m.group("a"), m.group("b")) if m.group("b") else (m.group("a"),)


def border_point(a: Place, b: Place, lat: float, lon: float) -> Place:
    """Return one point of the border between two countries as a region place."""
    first, second = sorted((a, b), key=lambda p: p.name)
    return Place(
        place_id=f"border:{first.country_code}-{second.country_code}:{lat:.2f},{lon:.2f}",
        geonameid=None,
        name=f"{first.name}–{second.name} border",
        feature="region",
        country_code=a.country_code,
        country_name=a.country_name,
        admin1_name=None,
        lat=lat,
        lon=lon,
        feature_code="BDR",
    )


def read_extents(path: Path) -> dict[str, tuple[float, float, float, float]]:
    """Return extents.tsv as key ('IQ' or 'gn:<id>') -> (west, south, east, north)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            r["key"]: (float(r["west"]), float(r["south"]), float(r["east"]), float(r["north"]))
            for r in csv.DictReader(handle, delimiter="\t")
        }


def split_direction(name: str) -> tuple[str, str] | None:
    """Return (direction word, rest) of "northern Iraq", or None when a name starts with none."""
    m = DIRECTION_PHRASE.match(name.strip())
    return (m.group("direction").lower(), m.group("rest")) if m else None


def canonical_direction(word: str) -> str:
    """Return the direction key of a direction word: "northern" and "north-east" -> "north", "northeast"."""
    word = word.lower().replace("-", "")
    word = word[:-3] if word.endswith("ern") else word
    return "central" if word == "central" else word


def part_points(
    extent: tuple[float, float, float, float], towns: Sequence[tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Return, per direction, where a part of a box is: the mean of its towns in that part, else the box fraction.

    The towns make "eastern Anbar" the Ramadi-Fallujah end of the province, not an empty corner of its box.
    """
    west, south, east, north = extent
    height, width = max(north - south, 1e-9), max(east - west, 1e-9)
    points = {}
    for direction, ((y0, y1), (x0, x1)) in PART_BOXES.items():
        inside = [
            (lat, lon) for lat, lon in towns if y0 <= (lat - south) / height <= y1 and x0 <= (lon - west) / width <= x1
        ]
        if len(inside) >= MIN_TOWNS:
            points[direction] = (
                round(sum(p[0] for p in inside) / len(inside), 4),
                round(sum(p[1] for p in inside) / len(inside), 4),
            )
        else:
            fy, fx = DIRECTIONS[direction]
            points[direction] = (round(south + fy * height, 4), round(west + fx * width, 4))
    return points


def part_of(place: Place, direction: str, point: tuple[float, float]) -> Place:
    """Return the region a direction word names in a country or province ("northern Iraq"), at the given point."""
    label = f"{direction.capitalize()} {place.name}"
    return replace(
        place,
        place_id=f"{place.place_id}#{canonical_direction(direction)}",
        name=label,
        feature="region",
        lat=point[0],
        lon=point[1],
        feature_code="RGN",
        admin1_name=place.admin1_name if place.feature != "country" else None,
    )
