"""The theatre: the extent a campaign map opens at, fitted to the places that carry campaign phases, and
the places that lie beyond it (listed beside the map or in the briefing instead of zooming out to the world).

Works on the map's place features (``maps.place_features``): point geometries, ``phase``, ``kind``, ``name``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely

from mapdash.geo import haversine_km

Bounds = tuple[float, float, float, float]  # south, west, north, east
LINK_KM = 900.0  # places within this distance of one another belong to one theatre
MIN_MARGIN = 1.5  # degrees around the theatre's places still in view once fitted (padding, whole zoom levels)


@dataclass(frozen=True)
class Beyond:
    """A place outside the theatre: its id, name and phase key."""

    place_id: str
    name: str
    phase: str


@dataclass(frozen=True)
class Theatre:
    """The extent to open at (None when there is no place) and the places beyond it."""

    bounds: Bounds | None
    beyond: tuple[Beyond, ...] = ()


def _groups(points: Sequence[tuple[float, float]], link_km: float) -> list[list[int]]:
    """Return the indices of points grouped by single linkage: a point within link_km of a group joins it."""
    groups: list[list[int]] = []
    for i, point in enumerate(points):
        near = [g for g in groups if any(haversine_km(*point, *points[j]) <= link_km for j in g)]
        merged = [i] + [j for g in near for j in g]
        groups = [g for g in groups if g not in near] + [merged]
    return groups


def _inside(feature: Mapping[str, Any], bounds: Bounds, margin: float) -> bool:
    """Say whether a place lies in the bounds (a country: whether its outline reaches into them)."""
    south, west, north, east = bounds
    shape = feature["properties"].get("shape")
    if shape:
        return bool(shapely.intersects(shapely.geometry.shape(shape), shapely.box(west, south, east, north)))
    lon, lat = feature["geometry"]["coordinates"]
    return south - margin <= lat <= north + margin and west - margin <= lon <= east + margin


def theatre(features: Sequence[Mapping[str, Any]], link_km: float = LINK_KM) -> Theatre:
    """Return the theatre of a map's place features: the bounds of the largest group of places with a campaign phase
    (countries aside; every town when none has a phase), and every place outside it, phased ones first."""
    if not features:
        return Theatre(None)
    towns = [f for f in features if f["properties"].get("kind") != "country"]
    core = [f for f in towns if f["properties"].get("phase")] or towns or list(features)
    points = [(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]) for f in core]
    groups = _groups(points, link_km)
    best = max(groups, key=lambda g: (len(g), sum(float(core[i]["properties"].get("radius", 0)) for i in g)))
    lats, lons = [points[i][0] for i in best], [points[i][1] for i in best]
    bounds = (min(lats), min(lons), max(lats), max(lons))
    beyond = [
        Beyond(
            str(f["properties"]["place_id"]),
            str(f["properties"].get("name", "")),
            str(f["properties"].get("phase", "")),
        )
        for f in features
        if not _inside(f, bounds, max(MIN_MARGIN, 0.25 * max(bounds[2] - bounds[0], bounds[3] - bounds[1])))
    ]
    beyond.sort(key=lambda b: (b.phase == "", b.name))
    return Theatre(bounds, tuple(beyond))
