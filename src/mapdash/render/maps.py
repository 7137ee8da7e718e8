"""Build the offline campaign map (folium/Leaflet) from a GeoDataFrame of place mentions.

Nothing is fetched from the internet: Leaflet comes from the asset base (or is inlined), the
basemap is Natural Earth country polygons drawn on a sea-blue background, and tile layers are
added only when asked for. The places travel as one GeoJSON collection drawn in the browser
(one layer per phase, in a layer control), never as one Python object per marker.

DOM hooks for browser tests: each place is an SVG ``path.mapdash-marker`` with ``data-place``
(place_id) and ``data-phase``; its tooltip is the place name and its popup a ``.mapdash-popup``.
Country polygons are ``path.mapdash-land``, labels ``.mapdash-country-label``, shaded admin-1
divisions ``path.mapdash-admin1[data-place]``, the legend ``.mapdash-legend`` with one
``.mapdash-legend-item[data-phase]`` per phase shown, the playback control ``.mapdash-timeline``.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import pandas as pd
from folium.template import Template

from mapdash.model import Col
from mapdash.render import assets, mapscripts
from mapdash.render.control import control_areas
from mapdash.render.overlays import admin1_collection
from mapdash.render.popups import MAX_SENTENCES, PhaseStyleLike, popup_html
from mapdash.render.popups import text as _text
from mapdash.render.theatre import Theatre, theatre
from mapdash.settings import DATA_DIR

BasemapMode = Literal["auto", "url", "inline", "none"]
__all__ = [
    "MAX_SENTENCES",
    "NO_PHASE",
    "MapView",
    "PhaseStyle",
    "Theatre",
    "build_map",
    "place_features",
    "shipped_phase_styles",
    "theatre",
]


@dataclass(frozen=True)
class PhaseStyle:
    """How one campaign phase is drawn: legend label, marker colour, optional glyph for the legend."""

    label: str
    color: str
    icon: str = ""


@dataclass(frozen=True)
class MapView:
    """A map's centre and zoom, as kept in the URL (``view=lat,lon,zoom``)."""

    lat: float
    lon: float
    zoom: int

    def to_param(self) -> str:
        """Return the view as URL text, e.g. ``33.4200,43.3100,7``."""
        return f"{self.lat:.4f},{self.lon:.4f},{self.zoom}"

    @classmethod
    def from_param(cls, value: str | None) -> MapView | None:
        """Return the view in URL text, None when it is absent or not a valid view."""
        try:
            lat, lon, zoom = (float(part) for part in (value or "").split(","))
        except ValueError:
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
            return None
        return cls(lat, lon, int(zoom))


NO_PHASE = PhaseStyle("No phase", "#3b73b9", "")
# For phases missing from the styles: darker than the taxonomy's tab10 colours, and no blue like NO_PHASE.
_SPARE_COLORS = ("#843c39", "#637939", "#7b4173", "#8c6d31", "#393b79", "#e7969c")
MIN_ZOOM, MAX_ZOOM = 1, 11  # towns (GeoNames) and the theatre's rivers hold to 11; markercluster needs a max zoom
WORLD_VIEW = ([20.0, 10.0], 2)
CLUSTER_ABOVE = 400  # places; below this every marker stays visible (and testable) at every zoom
ADMIN1_LABEL = "Provinces named"
PLAY_INTERVAL_MS = 700
LEGEND_OPEN_ABOVE = 420  # px of map height: a smaller map starts with its legend folded
LEGEND_CLEARANCE = 170  # px kept free on the right when fitting, so the legend never covers a fitted marker


class _Element(folium.MacroElement):
    """A MacroElement with a template and attributes given at construction."""

    def __init__(self, template: str, **attrs: Any) -> None:
        super().__init__()
        self._template = Template(template)
        self._name = attrs.pop("name", "MapdashElement")
        self.__dict__.update(attrs)


def _script_json(value: Any) -> str:
    """Return compact JSON that is safe inside a <script> element (no '</script>' can close it)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def shipped_phase_styles(data_dir: Path = DATA_DIR) -> dict[str, PhaseStyleLike]:
    """Return the phase styles of the shipped taxonomy (``data/phases.toml``), {} when there is none."""
    from mapdash.geoparse.annotate import load_phase_taxonomy  # an earlier stage; only needed for the default

    path = data_dir / "phases.toml"
    return dict(load_phase_taxonomy(path)) if path.exists() else {}


def complete_styles(phases: Iterable[Any], styles: Mapping[str, PhaseStyleLike]) -> dict[str, PhaseStyleLike]:
    """Return styles plus a distinct spare colour for each phase key in phases that styles lacks."""
    complete = dict(styles)
    unknown = sorted({_text(p).strip() for p in phases} - set(styles) - {""})
    for i, key in enumerate(unknown):  # sorted, so a phase keeps its colour from one rerun to the next
        complete[key] = PhaseStyle(key.replace("_", " ").capitalize(), _SPARE_COLORS[i % len(_SPARE_COLORS)])
    return complete


def phase_style(phase: Any, styles: Mapping[str, PhaseStyleLike]) -> PhaseStyleLike:
    """Return the style of a phase key; NO_PHASE for an empty one (unless styles has a "" key)."""
    key = _text(phase).strip()
    if not key:
        return styles.get("", NO_PHASE)
    return styles.get(key) or complete_styles([key], {})[key]


def _steps(rows: list[dict[str, Any]], styles: Mapping[str, PhaseStyleLike]) -> list[list[str]]:
    """Return a place's [report day, phase, colour] changes, oldest first: what the timeline replays.

    Playback steps by the day each release was published; an undated release has no step.
    """
    by_day: dict[str, str] = {}
    for row in reversed(rows):  # rows are newest first; a phased mention beats an unphased one the same day
        day = _text(row.get(Col.PUBLISHED))[:10]
        phase = _text(row.get(Col.PHASE)).strip()
        if day and (phase or day not in by_day):
            by_day[day] = phase
    return [[day, phase, phase_style(phase, styles).color] for day, phase in sorted(by_day.items())]


# What a place's feature, popup and timeline steps read from its mentions.
_FEATURE_COLUMNS = frozenset(
    {
        Col.COUNTRY_CODE,
        Col.PLACE_ID,
        Col.PLACE_NAME,
        Col.ADMIN1_NAME,
        Col.COUNTRY_NAME,
        Col.FEATURE,
        Col.FEATURE_CODE,
        Col.LAT,
        Col.LON,
        Col.CONFIDENCE,
        Col.DOC_ID,
        Col.TITLE,
        Col.PUBLISHED,
        Col.START,
        Col.MENTION,
        Col.SENTENCE,
        Col.CORRECTED,
        Col.PHASE,
        Col.PHASE_FROM,
        Col.EVIDENCE,
        Col.QUOTE,
        Col.SPEAKER,
    }
)


def place_features(
    gdf: gpd.GeoDataFrame, styles: Mapping[str, PhaseStyleLike], *, steps: bool = False, outlines: bool = True
) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection with one point per distinct place_id (newest report first).

    A place's phase is that of its newest dated report that has one (undated releases come last, so they
    never override a dated phase). outlines: countries carry their outline (``shape``), drawn instead of a
    marker at their centroid.
    """
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name, errors="ignore")) if len(gdf) else pd.DataFrame()
    if not frame.empty:  # only placed rows, and only the columns a feature reads: fewer values to copy per row
        frame = frame[frame[Col.PLACE_ID].notna() & frame[Col.LAT].notna() & frame[Col.LON].notna()]
        frame = frame[[c for c in frame.columns if c in _FEATURE_COLUMNS]]
    groups: dict[str, list[dict[str, Any]]] = {}
    if not frame.empty:
        frame["_when"] = pd.to_datetime(frame[Col.PUBLISHED].map(lambda v: _text(v)[:10]), errors="coerce")
        keys = ["_when", Col.DOC_ID, *([Col.START] if Col.START in frame else [])]
        frame = frame.sort_values(keys, ascending=[False] + [True] * (len(keys) - 1), na_position="last", kind="stable")
        # Plain dicts: grouping thousands of places this way is much faster than pandas groupby + iloc; built from
        # whole columns (tolist), which is 6x faster than to_dict("records") at 100,000 mentions, same values.
        columns = list(frame.columns)
        for row in (
            dict(zip(columns, values, strict=True))
            for values in zip(*(frame[c].tolist() for c in columns), strict=True)
        ):
            if _text(row.get(Col.PLACE_ID)) and _text(row.get(Col.LAT)) and _text(row.get(Col.LON)):
                groups.setdefault(_text(row[Col.PLACE_ID]), []).append(row)
    styles = complete_styles(frame[Col.PHASE].unique() if Col.PHASE in frame else [], styles)
    features: list[dict[str, Any]] = []
    for place_id in sorted(groups):
        rows = groups[place_id]
        phase = next((p for p in (_text(r.get(Col.PHASE)).strip() for r in rows) if p), "")  # newest report wins
        style = phase_style(phase, styles)
        kind = "country" if _text(rows[0].get(Col.FEATURE)) == "country" else "place"
        properties = {
            "place_id": place_id,
            "name": _text(rows[0][Col.PLACE_NAME]),
            "kind": kind,
            "phase": phase,
            "color": style.color,
            "radius": round(min(6 + 2 * math.log2(len(rows)), 14), 1),
            "tooltip": html.escape(_text(rows[0][Col.PLACE_NAME])),
            "popup": popup_html(rows, style),
        }
        if steps:
            properties["steps"] = _steps(rows, styles)
        if outlines and kind == "country":
            shape = assets.country_shape(_text(rows[0].get(Col.COUNTRY_CODE)))
            if shape is not None:
                properties["shape"] = shape
        point = {"type": "Point", "coordinates": [round(float(rows[0][Col.LON]), 5), round(float(rows[0][Col.LAT]), 5)]}
        features.append({"type": "Feature", "properties": properties, "geometry": point})
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class PlaceLayer:
    """A map's places, built once and reusable: the GeoJSON collection, and the URL it is published at ("" = inline)."""

    collection: dict[str, Any]
    url: str = ""


def place_layer(
    gdf: gpd.GeoDataFrame,
    phase_styles: Mapping[str, PhaseStyleLike] | None = None,
    *,
    timeline: bool = False,
    publish: Callable[[str], str] | None = None,
) -> PlaceLayer:
    """Return the places of gdf for build_map; publish, when given, stores the GeoJSON text and returns its URL."""
    given = shipped_phase_styles() if phase_styles is None else phase_styles
    collection = place_features(gdf, complete_styles(gdf[Col.PHASE] if Col.PHASE in gdf else [], given), steps=timeline)
    # A foreign member: the control areas travel (and are cached) with the places.
    collection["areas"] = control_areas(gdf)
    url = publish(json.dumps(collection, separators=(",", ":"), ensure_ascii=False)) if publish else ""
    return PlaceLayer(collection, url)


def _phase_order(features: list[dict[str, Any]], styles: Mapping[str, PhaseStyleLike]) -> list[str]:
    """Return the phases present, in the order styles lists them, "No phase" last."""
    present = {f["properties"]["phase"] for f in features}
    order = {key: i for i, key in enumerate(styles)}
    order[""] = len(order) + 1  # after phases missing from styles
    return sorted(present, key=lambda p: (order.get(p, len(order)), p))


def _legend_label(phase: str, styles: Mapping[str, PhaseStyleLike], count: int | None = None) -> str:
    """Return a phase's swatch, icon and label as HTML (with a place count for the layer control)."""
    style = phase_style(phase, styles)
    label = html.escape(f"{style.icon} {style.label}".strip())
    suffix = f" <small>({count})</small>" if count is not None else ""
    return f'<span class="mapdash-swatch" style="background:{html.escape(style.color)}"></span>{label}{suffix}'


def _legend_html(features: list[dict[str, Any]], styles: Mapping[str, PhaseStyleLike]) -> str:
    """Return the legend's inner HTML: one entry per phase present, in the order styles lists them."""
    return "".join(
        f'<div class="mapdash-legend-item" data-phase="{html.escape(p)}">{_legend_label(p, styles)}</div>'
        for p in _phase_order(features, styles)
    )


def _head(base: str | None, cluster: bool) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """Return (header HTML, js links, css links): links under base, or everything inlined when None."""
    if base is None:
        code = assets.inline_assets()
        css = code["leaflet.css"] + (code["markercluster.css"] if cluster else "")
        js = code["leaflet.js"] + (";\n" + code["markercluster.js"] if cluster else "")
        return f"<style>{css}</style><script>{js}</script>{mapscripts.CSS}", [], []
    js_links = [("leaflet", f"{base}/{assets.LEAFLET_JS}")]
    css_links = [("leaflet_css", f"{base}/{assets.LEAFLET_CSS}")]
    if cluster:
        js_links.append(("markercluster", f"{base}/{assets.CLUSTER_JS}"))
        css_links += [
            ("cluster_css", f"{base}/{assets.CLUSTER_CSS}"),
            ("cluster_default_css", f"{base}/{assets.CLUSTER_DEFAULT_CSS}"),
        ]
    return mapscripts.CSS, js_links, css_links


def build_map(
    gdf: gpd.GeoDataFrame,
    *,
    asset_base: str | None = assets.APP_ASSET_BASE,
    basemap: BasemapMode = "auto",
    phase_styles: Mapping[str, PhaseStyleLike] | None = None,
    online_tiles: bool = False,
    cluster: bool | None = None,
    country_labels: bool = True,
    view: MapView | None = None,
    timeline: bool = False,
    admin1: bool = True,
    publish: Callable[[str], str] | None = None,
    places: PlaceLayer | None = None,
    picked: str | None = None,
    reference: bool = True,
    control: bool = True,
    wheel_after_click: bool = True,
    legend_clearance: int = LEGEND_CLEARANCE,
) -> folium.Map:
    """Return a folium Map of the places in gdf that needs nothing beyond asset_base (or nothing when None).

    basemap: "url" fetches ``<asset_base>/basemap/countries.geojson`` (small HTML, cached by the browser),
    "inline" embeds it (about 0.8 MB; for standalone export), "none" draws no land, and "auto" (default)
    means "url" when there is an asset base and "inline" when there is none.
    phase_styles: label/colour/icon per phase key (the taxonomy's PhaseDefs will do); None reads the
    shipped ``data/phases.toml``. Phases it lacks get spare colours, empty phases NO_PHASE.
    cluster: group markers with Leaflet.markercluster; None clusters above CLUSTER_ABOVE places.
    view: centre and zoom to open at; None fits the places. timeline: a playback slider that shows each
    place's phase as of a day (no clustering, no per-phase layers). admin1: shade the divisions named.
    publish: stores the places' GeoJSON text and returns the URL the browser fetches it from, so the
    map's HTML stays small however many places there are; None embeds the places in the HTML.
    places: the places already built by place_layer for this gdf, styles and timeline (a cache's answer).
    picked: the place_id of the place picked beside the map: ringed, its name first, panned into view.
    reference: rivers, lakes, first-level borders, town and province names (fetched by zoom under asset_base,
    or the tiles around the theatre inlined). control: control areas shaded (see ``mapdash.render.control``).
    wheel_after_click: the mouse wheel scrolls the page until the map is clicked (and again once the mouse leaves it).
    legend_clearance: px kept free on the right when fitting (the legend's width; 40 where no legend is shown).
    Without a view the map fits the theatre (``mapdash.render.theatre``): the places with campaign phases, not every
    place named.
    """
    given = shipped_phase_styles() if phase_styles is None else phase_styles
    styles = complete_styles(gdf[Col.PHASE] if Col.PHASE in gdf else [], given)
    places = places or place_layer(gdf, styles, timeline=timeline, publish=publish)
    features = places.collection["features"]
    if cluster is None:
        cluster = len(features) > CLUSTER_ABOVE and not timeline
    base = None if asset_base is None else asset_base.rstrip("/")
    if basemap == "auto":
        basemap = "inline" if base is None else "url"
    if basemap == "url" and base is None:
        raise ValueError('basemap="url" needs an asset_base to fetch the countries from')

    location, zoom = ([view.lat, view.lon], view.zoom) if view else WORLD_VIEW
    # folium hands min/max zoom to its tile layer only; with no tiles the map itself must get them.
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=True)
    m.options.update(max_zoom=MAX_ZOOM, min_zoom=MIN_ZOOM)
    if wheel_after_click:
        m.options.update(scroll_wheel_zoom=False)
        m.add_child(_Element(mapscripts.WHEEL, name="MapdashWheel"))
    head, m.default_js, m.default_css = _head(base, cluster)  # instance lists replace folium's CDN ones
    # Leaflet guesses the icon folder from its CSS; say it outright so a default Marker stays local.
    setup = f"L.Icon.Default.imagePath = {_script_json(f'{base}/{assets.LEAFLET_IMAGES}')};" if base else ""
    m.add_child(_Element(mapscripts.HEAD, head=head, setup=setup, name="MapdashHead"))
    if online_tiles:  # the only way a request leaves the machine, and only when asked
        folium.TileLayer("OpenStreetMap", max_zoom=MAX_ZOOM).add_to(m)
    if basemap in ("url", "inline"):
        url = _script_json(f"{base}/{assets.BASEMAP}") if basemap == "url" else ""
        data = "" if url else assets.basemap_geojson().strip().replace("</", "<\\/")
        style = _script_json(
            {"color": mapscripts.BORDER, "weight": 0.7, "fillColor": mapscripts.LAND, "fillOpacity": 1}
        )
        labels = country_labels and not online_tiles  # OSM tiles carry their own names
        m.add_child(_Element(mapscripts.BASEMAP, url=url, data=data, style=style, labels=labels, name="MapdashBasemap"))
    area = theatre(features)
    if reference and basemap in ("url", "inline"):
        m.add_child(_reference(base if basemap == "url" else None, area))
    if not features:
        return m
    shapes = admin1_collection(gdf, features) if admin1 else {"features": []}
    admin1_layer = None
    if shapes["features"]:
        admin1_layer = _Element(mapscripts.ADMIN1, data=_script_json(shapes), name="MapdashAdmin1")
        m.add_child(admin1_layer)
    phases = _phase_order(features, styles)
    counts = {p: sum(1 for f in features if f["properties"]["phase"] == p) for p in phases}
    groups = [["*", "Places"]] if timeline else [[p, _legend_label(p, styles, counts[p])] for p in phases]
    url = _script_json(places.url) if places.url else ""
    layer = _Element(
        mapscripts.PLACES,
        data="" if url else _script_json(places.collection),
        url=url,
        groups=_script_json(groups),
        cluster=cluster,
        admin1=admin1_layer.get_name() if admin1_layer else "",
        admin1_label=_script_json(ADMIN1_LABEL),
        control=not timeline,
        picked=_script_json(picked or ""),
        name="MapdashPlaces",
    )
    m.add_child(layer)
    if control and places.collection.get("areas", {}).get("features"):  # before the timeline: it restyles them
        m.add_child(_Element(mapscripts.CONTROL, places=layer.get_name(), name="MapdashControl"))
    m.add_child(
        _Element(
            mapscripts.LEGEND,
            html=_script_json(_legend_html(features, styles)),
            open_above=LEGEND_OPEN_ABOVE,
            name="MapdashLegend",
        )
    )
    if timeline:
        days = sorted({s[0] for f in features for s in f["properties"]["steps"]})
        if days:
            m.add_child(
                _Element(
                    mapscripts.TIMELINE,
                    places=layer.get_name(),
                    dates=_script_json(days),
                    interval=PLAY_INTERVAL_MS,
                    name="MapdashTimeline",
                )
            )
    if view is None and area.bounds is not None:
        south, west, north, east = area.bounds
        # The legend sits bottom right: fitting clear of it means it never hides a marker of the opening view.
        m.fit_bounds(
            [[south, west], [north, east]],
            padding_top_left=(40, 40),
            padding_bottom_right=(legend_clearance, 40),
            max_zoom=7,
        )
    return m


def _reference(base: str | None, area: Theatre) -> _Element:
    """Return the reference layers' element: fetched under base by zoom, or (base None) inlined around the theatre."""
    index = assets.reference_index()
    inline: dict[str, str] = {}
    if base is None:
        for rel in assets.REFERENCE_FILES:
            text = assets.reference_text(f"basemap/{rel}")
            if text is not None:
                inline[f"basemap/{rel}"] = text
        near = set(_tile_keys(area.bounds)) if area.bounds else set()
        index = {"towns": [k for k in index["towns"] if k in near], "lines": [k for k in index["lines"] if k in near]}
        for folder, keys in (("towns", index["towns"]), ("admin1-lines", index["lines"])):
            for key in keys:
                text = assets.reference_text(f"basemap/{folder}/{key}.json")
                if text is not None:
                    inline[f"basemap/{folder}/{key}.json"] = text
    # The files are JSON already: inlined as they are, with <, > and & escaped (they only occur inside strings).
    data = "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in inline.items()) + "}"
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _Element(
        mapscripts.REFERENCE,
        base=_script_json(base),
        fetching=base is not None,
        inline=data,
        index=_script_json(index),
        town_zoom=mapscripts.TOWN_TILE_ZOOM,
        line_zoom=mapscripts.ADMIN1_LINE_ZOOM,
        max_labels=mapscripts.MAX_LABELS,
        river_color=mapscripts.RIVER,
        lake_color=mapscripts.LAKE,
        line_color=mapscripts.ADMIN1_LINE,
        name="MapdashReference",
    )


def _tile_keys(bounds: tuple[float, float, float, float], margin: float = 4.0, size: int = 10) -> list[str]:
    """Return the keys ("40_30") of the 10-degree tiles over bounds (south, west, north, east) and a margin."""
    south, west, north, east = bounds
    xs = range(int(math.floor(max(-180.0, west - margin) / size)) * size, int(min(180.0, east + margin)), size)
    ys = range(int(math.floor(max(-90.0, south - margin) / size)) * size, int(min(90.0, north + margin)), size)
    return [f"{x}_{y}" for x in xs for y in ys]
