"""Control areas: from each place's latest control phase by report date, an area shaded around it as
enemy-held, contested (a current operation) or retaken, with the sentence and date behind it.

The area is the place's own polygon where the text names a governorate or province (Natural Earth
admin-1), else a circle scaled to the town's population (from the shipped town labels). Undated
releases never decide a place's state; each area keeps its steps, so the timeline replays it.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from mapdash.model import Col
from mapdash.render import assets
from mapdash.render.overlays import darker
from mapdash.render.popups import MAX_SENTENCE_CHARS, clip
from mapdash.render.popups import text as _text
from mapdash.settings import DATA_DIR

# Phase key -> what it says about control. The first control phase of a mention (by confidence) counts.
CONTROL_PHASES = {"enemy_held": "enemy-held", "current_operation": "contested", "retaken": "retaken"}
_COLORS = {"enemy_held": "#c0392b", "current_operation": "#e67e22", "retaken": "#27ae60"}
_LABELS = {"enemy_held": "Enemy-held", "current_operation": "Contested (current operation)", "retaken": "Retaken"}
MIN_KM, MAX_KM, DEFAULT_KM, DISTRICT_KM = 8.0, 25.0, 12.0, 18.0  # a town's area reads around its marker at zoom 7


def control_style(key: str) -> tuple[str, str]:
    """Return (label, fill colour) of a control state."""
    return _LABELS[key], _COLORS[key]


def radius_km(population: int | None) -> float:
    """Return the radius of a town's area: 8 km for a village, growing with the log of its population, 25 km at most."""
    if not population:
        return DEFAULT_KM
    return round(min(MAX_KM, max(MIN_KM, MIN_KM + 5 * math.log10(max(population, 1000) / 1000))), 1)


def circle(lat: float, lon: float, km: float, sides: int = 40) -> dict[str, Any]:
    """Return a GeoJSON polygon approximating a circle of km around a point (longitude degrees shrink with latitude)."""
    dlat = km / 111.32
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    ring = [
        [
            round(lon + dlon * math.cos(2 * math.pi * i / sides), 4),
            round(lat + dlat * math.sin(2 * math.pi * i / sides), 4),
        ]
        for i in range(sides)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@lru_cache(maxsize=64)
def _town_rows(path: Path) -> tuple[tuple[str, float, float, int], ...]:
    """Return a town file's rows (name, lon, lat, population); () when the file is absent."""
    if not path.exists():
        return ()
    return tuple((str(r[0]), float(r[1]), float(r[2]), int(r[4])) for r in json.loads(path.read_text(encoding="utf-8")))


def town_population(name: str, lat: float, lon: float, data_dir: Path = DATA_DIR) -> int | None:
    """Return the population of the town called name nearest to (lat, lon) in the shipped labels, None when none is
    within 10 km."""
    folder = data_dir / "basemap"
    tile = folder / "towns" / f"{math.floor(lon / 10) * 10}_{math.floor(lat / 10) * 10}.json"
    key, best = assets.name_key(name), None
    for town, tlon, tlat, population in (*_town_rows(folder / "towns.json"), *_town_rows(tile)):
        far = (tlat - lat) ** 2 + ((tlon - lon) * math.cos(math.radians(lat))) ** 2
        if far < 0.01 and (best is None or (assets.name_key(town) == key, -far) > best[0]):
            best = ((assets.name_key(town) == key, -far), population)
    return best[1] if best else None


def _area(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the area a place's control is drawn over: its admin-1 polygon, else a circle scaled to it."""
    feature, lat, lon = _text(row.get(Col.FEATURE)), float(row[Col.LAT]), float(row[Col.LON])
    if feature == "admin1":
        shape = assets.admin1_shape(
            row.get(Col.GEONAMEID), _text(row.get(Col.COUNTRY_CODE)), _text(row.get(Col.PLACE_NAME))
        )
        return shape or circle(lat, lon, DISTRICT_KM * 2)
    if feature == "admin2":
        return circle(lat, lon, DISTRICT_KM)
    if feature == "city":
        return circle(lat, lon, radius_km(town_population(_text(row.get(Col.PLACE_NAME)), lat, lon)))
    return None  # countries and regions: too large to say who holds them


def control_phase(row: Mapping[str, Any]) -> str:
    """Return the control phase a mention states ("" when none): its first phase that speaks of control."""
    for phase in (_text(row.get(Col.PHASE)), *_text(row.get(Col.PHASES)).split(";")):
        if phase in CONTROL_PHASES:
            return phase
    return ""


def _popup(name: str, key: str, row: Mapping[str, Any], day: str) -> str:
    """Return an area's popup: the place, its state and since when, the sentence and its document; all text escaped."""
    e = html.escape
    label = _LABELS[key]
    sentence = _text(row.get(Col.EVIDENCE)) or _text(row.get(Col.SENTENCE))
    source = " ".join(t for t in (_text(row.get(Col.TITLE)), day) if t)
    return (
        f'<div class="mapdash-popup mapdash-control-popup"><b>{e(name)}</b>: {e(label)} <i>as of {e(day)}</i>'
        f'<div class="mapdash-evidence">“{e(clip(sentence, MAX_SENTENCE_CHARS))}”<br><i>{e(source)}</i></div></div>'
    )


def control_areas(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection: one area per place whose dated mentions state control, in its latest state.

    Properties: place_id, name, control (phase key), label, color, stroke, since (report day), popup, steps
    ([[day, phase key, fill, stroke], ...] by report date, for the timeline).
    """
    empty: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    if not len(gdf) or not {Col.PHASE, Col.PLACE_ID, Col.LAT, Col.LON, Col.PUBLISHED} <= set(gdf.columns):
        return empty
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name, errors="ignore"))
    kinds = frame[Col.FEATURE] if Col.FEATURE in frame else pd.Series("", index=frame.index)
    frame = frame[frame[Col.PLACE_ID].notna() & frame[Col.LAT].notna() & frame[Col.LON].notna() & (kinds != "country")]
    phases = frame[Col.PHASES] if Col.PHASES in frame else pd.Series("", index=frame.index)
    frame = frame.assign(
        _control=[control_phase({Col.PHASE: p, Col.PHASES: ps}) for p, ps in zip(frame[Col.PHASE], phases, strict=True)]
    )
    frame = frame[frame["_control"] != ""]
    frame = frame.assign(_day=frame[Col.PUBLISHED].map(lambda v: _text(v)[:10]))
    frame = frame[frame["_day"] != ""]  # an undated release never decides who holds a place
    if frame.empty:
        return empty
    frame = frame.sort_values([c for c in ("_day", Col.DOC_ID, Col.START) if c in frame], kind="stable")
    features = []
    for place_id, rows in frame.groupby(Col.PLACE_ID, sort=True):
        records = rows.to_dict("records")
        by_day: dict[str, dict[str, Any]] = {}
        for record in records:  # a later report the same day wins
            by_day[record["_day"]] = record
        steps = [
            [day, r["_control"], _COLORS[r["_control"]], darker(_COLORS[r["_control"]])]
            for day, r in sorted(by_day.items())
        ]
        last_day, latest = max(by_day.items())
        key = latest["_control"]
        since = last_day
        for day, state, *_ in reversed(steps):  # the first report of the run of reports that ends in this state
            if state != key:
                break
            since = day
        area = _area(latest)
        if area is None:
            continue
        name = _text(latest.get(Col.PLACE_NAME))
        properties = {
            "place_id": str(place_id),
            "name": name,
            "control": key,
            "label": _LABELS[key],
            "color": _COLORS[key],
            "stroke": darker(_COLORS[key]),
            "since": since,
            "popup": _popup(name, key, latest, last_day),
            "steps": steps,
        }
        features.append({"type": "Feature", "properties": properties, "geometry": area})
    return {"type": "FeatureCollection", "features": features}
