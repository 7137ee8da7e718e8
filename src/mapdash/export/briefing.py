"""The briefing page around the map: title, legend, source documents, filters, export date, attributions.

One layout serves the standalone HTML export (the map fills the window and stays interactive) and the
PNG/PDF snapshots (the same page at a fixed size, drawn by Chromium in ``mapdash.export.snapshot``).
DOM hooks: ``.mapdash-brief-title``, ``.mapdash-brief-legend-item[data-phase]``, ``.mapdash-brief-doc``,
``.mapdash-brief-filters``; ``window.mapdashProject([[lat, lon], ...])`` returns page pixels.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import folium
import geopandas as gpd
import pandas as pd
from folium.template import Template

from mapdash.frame import Filters, is_missing
from mapdash.render.maps import (
    MapView,
    PhaseStyleLike,
    build_map,
    complete_styles,
    phase_style,
    place_features,
    shipped_phase_styles,
    theatre,
)
from mapdash.text import plural

Bounds = tuple[float, float, float, float]  # south, west, north, east, in degrees
ATTRIBUTION = "Basemap: Natural Earth (public domain), GSHHG rivers and lakes (LGPL) · Places: GeoNames (CC BY 4.0)"
SIDE_WIDTH = 300  # px; the legend and the source list
MAX_DOCUMENTS = 8  # listed by title; more are counted
MAX_BEYOND = 10  # places beyond the map, listed by name; more are counted


@dataclass(frozen=True)
class Briefing:
    """What the page says around the map, and the extent it shows (None: fit to the places, as the app does)."""

    title: str = "Campaign map"
    filters: Filters | None = field(default_factory=Filters)  # None: not known (the caption says so)
    view: Bounds | MapView | None = None  # bounds to fit, or the app's centre and zoom
    exported: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class LegendEntry:
    """One phase shown on the map, and how many places carry it."""

    phase: str
    label: str
    icon: str
    color: str
    places: int


@dataclass(frozen=True)
class PlacePoint:
    """One marker as the map draws it."""

    place_id: str
    name: str
    lat: float
    lon: float
    phase: str
    color: str
    radius: float
    kind: str = "place"  # "country": drawn as its outline, never as a bubble at its centroid
    code: str = ""  # the country's ISO code (outline)


@dataclass(frozen=True)
class BriefingContent:
    """Everything the briefing page shows, as plain values (the HTML and the matplotlib fallback draw it)."""

    title: str
    summary: str
    legend: tuple[LegendEntry, ...]
    documents: tuple[str, ...]
    filters: str
    exported: str
    attribution: str
    places: tuple[PlacePoint, ...]
    view: Bounds | MapView | None
    extent: Bounds | None = None  # the theatre: what the map fits when no view is given
    beyond: tuple[str, ...] = ()  # the places outside the theatre, "name — phase"


def check_view(view: Bounds) -> Bounds:
    """Return view as floats after checking it is south < north, west < east, within the globe."""
    south, west, north, east = (float(v) for v in view)
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ValueError(
            f"view {view} is not (south, west, north, east) with south < north and west < east, in degrees"
        )
    return south, west, north, east


def placed(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the mentions the map can draw: those tied to a place with coordinates."""
    if gdf.empty:
        return gdf
    return gdf[gdf["place_id"].notna() & gdf["lat"].notna() & gdf["lon"].notna()]


def describe_filters(filters: Filters | None, gdf: gpd.GeoDataFrame) -> str:
    """Return the active filters as one line (documents by title), "Filters: none" when none is set."""
    if filters is None:
        return "Filters: not recorded"
    titles = dict(zip(gdf["doc_id"], gdf["title"], strict=False)) if not gdf.empty else {}
    parts = []
    if filters.countries:
        parts.append("country " + ", ".join(filters.countries))
    if filters.phases:
        parts.append("phase " + ", ".join(filters.phases))
    if filters.doc_ids:
        parts.append("document " + ", ".join(f"“{titles.get(d) or d[:12]}”" for d in filters.doc_ids))
    if filters.speakers:
        parts.append("speaker " + ", ".join(filters.speakers))
    if filters.since or filters.until:
        since, until = (
            filters.since.isoformat() if filters.since else "…",
            filters.until.isoformat() if filters.until else "…",
        )
        parts.append(f"published {since} to {until}")
    if filters.min_confidence > 0:
        parts.append(f"confidence ≥ {filters.min_confidence:.2f}")
    if filters.text:
        parts.append(f"text “{filters.text}”")
    return "Filters: " + ("; ".join(parts) if parts else "none (every mention)")


def _documents(gdf: gpd.GeoDataFrame) -> tuple[str, ...]:
    """Return "title (date)" for each document in gdf, newest first, at most MAX_DOCUMENTS and a count."""
    if gdf.empty:
        return ()
    docs = pd.DataFrame({"title": gdf["title"].fillna(gdf["doc_id"]), "published": gdf["published"].map(_iso)})
    docs = (
        docs.assign(doc_id=gdf["doc_id"])
        .drop_duplicates("doc_id")
        .sort_values(["published", "title"], ascending=[False, True])
    )
    lines = [f"{t} ({p})" if p else str(t) for t, p in zip(docs["title"], docs["published"], strict=True)]
    more = len(lines) - MAX_DOCUMENTS
    return tuple(lines[:MAX_DOCUMENTS] + ([f"and {more} more documents"] if more > 0 else []))


def _iso(value: object) -> str:
    """Return a date cell as YYYY-MM-DD, "" when missing."""
    return "" if is_missing(value) else str(value)[:10]


def briefing_content(
    gdf: gpd.GeoDataFrame, briefing: Briefing, styles: Mapping[str, PhaseStyleLike] | None = None
) -> BriefingContent:
    """Return what the briefing page shows for the (already filtered) mentions in gdf."""
    rows = placed(gdf)
    styles = complete_styles(
        rows["phase"] if "phase" in rows else [], shipped_phase_styles() if styles is None else styles
    )
    features = place_features(rows, styles)["features"]
    names = dict(zip(rows["place_id"], rows["place_name"], strict=False)) if not rows.empty else {}
    codes = (
        dict(zip(rows["place_id"], rows["country_code"], strict=False))
        if not rows.empty and "country_code" in rows
        else {}
    )
    places = tuple(
        PlacePoint(
            p["place_id"],
            str(names.get(p["place_id"], "")),
            f["geometry"]["coordinates"][1],
            f["geometry"]["coordinates"][0],
            p["phase"],
            p["color"],
            p["radius"],
            p.get("kind", "place"),
            str(codes.get(p["place_id"]) or ""),
        )
        for f in features
        for p in [f["properties"]]
    )
    area = theatre(features)
    beyond = []
    for place in area.beyond:
        style = phase_style(place.phase, styles)
        beyond.append(f"{place.name} — {style.icon} {style.label}".replace("  ", " ") if place.phase else place.name)
    counts: dict[str, int] = {}
    for place in places:
        counts[place.phase] = counts.get(place.phase, 0) + 1
    order = {key: i for i, key in enumerate(styles)}
    order[""] = len(order) + 1  # "No phase" last, as in the map's own legend
    legend = []
    for phase in sorted(counts, key=lambda p: (order.get(p, len(order)), p)):
        style = phase_style(phase, styles)
        legend.append(LegendEntry(phase, style.label, style.icon, style.color, counts[phase]))
    n_docs = rows["doc_id"].nunique() if not rows.empty else 0
    return BriefingContent(
        title=briefing.title,
        summary=f"{plural(len(places), 'place')} · {plural(len(rows), 'mention')} · {plural(n_docs, 'document')}",
        legend=tuple(legend),
        documents=_documents(rows),
        filters=describe_filters(briefing.filters, gdf),
        exported="Exported " + briefing.exported.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        attribution=ATTRIBUTION,
        places=places,
        view=briefing.view
        if briefing.view is None or isinstance(briefing.view, MapView)
        else check_view(briefing.view),
        extent=area.bounds,
        beyond=tuple(
            beyond[:MAX_BEYOND] + ([f"and {len(beyond) - MAX_BEYOND} more"] if len(beyond) > MAX_BEYOND else [])
        ),
    )


_CSS = """<style>
html, body { width: 100%; height: 100%; margin: 0; padding: 0; }
body { display: grid; grid-template-columns: minmax(0, 1fr) {side}px; grid-template-rows: auto minmax(0, 1fr) auto;
  grid-template-areas: "head head" "map side" "foot foot"; background: #fff; color: #222;
  font: 14px/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
body > .folium-map { grid-area: map; }
.mapdash-brief-head { grid-area: head; padding: 14px 20px 10px; border-bottom: 3px solid #2c3e50; }
.mapdash-brief-title { font-size: 26px; font-weight: bold; margin: 0; }
.mapdash-brief-summary { color: #555; margin-top: 2px; }
.mapdash-brief-side { grid-area: side; padding: 12px 16px; border-left: 1px solid #ccc; overflow: hidden; }
.mapdash-brief-side h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: #555;
  margin: 4px 0 8px; }
.mapdash-brief-legend-item { display: flex; align-items: center; margin-bottom: 6px; }
.mapdash-brief-legend-item .mapdash-swatch { width: 14px; height: 14px; flex: none; margin-right: 8px; }
.mapdash-brief-icon { width: 18px; flex: none; text-align: center; margin-right: 4px; }
.mapdash-brief-count { margin-left: auto; color: #666; padding-left: 8px; }
.mapdash-brief-doc { margin-bottom: 6px; font-size: 13px; }
.mapdash-brief-beyond { margin-bottom: 3px; font-size: 13px; }
.mapdash-brief-foot { grid-area: foot; padding: 8px 20px 10px; border-top: 1px solid #ccc; font-size: 12px;
  color: #444; }
.mapdash-brief-foot div { margin-top: 2px; }
.mapdash-place-label { position: absolute; white-space: nowrap; font: bold 12px/1.3 "DejaVu Sans", sans-serif;
  color: #1a1a1a;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
.mapdash-legend { display: none; }  /* the side panel carries the legend, with counts */
{static}</style>"""
_STATIC_CSS = ".leaflet-control-layers { display: none; }"  # nothing to click on paper

_LAYOUT = """{% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
{% macro html(this, kwargs) %}{{ this.body }}{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  {% if this.view %}map.fitBounds({{ this.view }}, {animate: false});{% endif %}
  {% if this.labels %}
  /* Paper has no hover: name the places, biggest first, right or left of the marker (or above, below),
     leaving out a label that would cover a marker or a label already shown, or leave the map. */
  var pane = map.createPane('mapdashPlaceLabels'), size = map.getSize(), labels = {{ this.labels }};
  pane.style.zIndex = 640; pane.style.pointerEvents = 'none';
  var shown = labels.map(function (p) {  /* no label may cover a marker */
    var at = map.latLngToContainerPoint([p[0], p[1]]);
    return {x: at.x - p[2], y: at.y - p[2], w: 2 * p[2], h: 2 * p[2]};
  });
  function fits(b) {
    var inside = b.x >= 0 && b.y >= 0 && b.x + b.w <= size.x && b.y + b.h <= size.y;
    return inside && !shown.some(function (o) {
      return b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h;
    });
  }
  labels.forEach(function (p) {
    var at = map.latLngToContainerPoint([p[0], p[1]]), r = p[2] + 3;
    var div = L.DomUtil.create('div', 'mapdash-place-label', pane);
    div.textContent = p[3];
    var w = div.offsetWidth, h = div.offsetHeight;
    var box = [[at.x + r, at.y - h / 2], [at.x - r - w, at.y - h / 2],
               [at.x - w / 2, at.y - r - h], [at.x - w / 2, at.y + r]]
      .map(function (xy) { return {x: xy[0], y: xy[1], w: w, h: h}; }).filter(fits)[0];
    if (!box) { div.remove(); return; }
    shown.push(box);
    L.DomUtil.setPosition(div, map.containerPointToLayerPoint([box.x, box.y]));
  });
  {% endif %}
  window.mapdashMap = map;
  window.mapdashProject = function (points) {  /* page pixels of [lat, lon] pairs, for tests and snapshots */
    var box = map.getContainer().getBoundingClientRect();
    return points.map(function (p) { var c = map.latLngToContainerPoint(p); return [box.left + c.x, box.top + c.y]; });
  };
})();
{% endmacro %}"""


class _Layout(folium.MacroElement):
    """The briefing's CSS, its header/side/footer blocks, and the page hooks, attached to a map."""

    def __init__(self, css: str, body: str, view: str, labels: str) -> None:
        super().__init__()
        self._template = Template(_LAYOUT)
        self._name = "MapdashBriefing"
        self.css, self.body, self.view, self.labels = css, body, view, labels


def label_order(places: tuple[PlacePoint, ...]) -> list[PlacePoint]:
    """Return the places in the order their labels are placed: biggest marker (most mentions) first, then by name."""
    return sorted(places, key=lambda p: (-p.radius, p.name))


def _body(content: BriefingContent) -> str:
    """Return the header, side panel and footer HTML; every text is escaped."""
    e = html.escape
    legend = (
        "".join(
            f'<div class="mapdash-brief-legend-item" data-phase="{e(item.phase)}">'
            f'<span class="mapdash-swatch" style="background:{e(item.color)}"></span><span '
            f'class="mapdash-brief-icon">{e(item.icon)}</span>'
            f'<span>{e(item.label)}</span><span class="mapdash-brief-count">{item.places}</span></div>'
            for item in content.legend
        )
        or "<div>No places</div>"
    )
    docs = "".join(f'<div class="mapdash-brief-doc">{e(d)}</div>' for d in content.documents) or "<div>None</div>"
    beyond = "".join(f'<div class="mapdash-brief-beyond">{e(b)}</div>' for b in content.beyond)
    beyond = f'<h2 style="margin-top:18px">Beyond this map</h2>{beyond}' if beyond else ""
    return (
        f'<header class="mapdash-brief-head"><h1 class="mapdash-brief-title">{e(content.title)}</h1>'
        f'<div class="mapdash-brief-summary">{e(content.summary)}</div></header>'
        f'<aside class="mapdash-brief-side"><h2>Campaign phase (places)</h2>{legend}{beyond}<h2 '
        f'style="margin-top:18px">Source documents</h2>{docs}</aside>'
        f'<footer class="mapdash-brief-foot"><div class="mapdash-brief-filters">{e(content.filters)}</div>'
        f"<div>{e(content.exported)} · {e(content.attribution)} · Map: Leaflet</div></footer>"
    )


def briefing_map(
    gdf: gpd.GeoDataFrame,
    briefing: Briefing,
    *,
    static: bool = False,
    styles: Mapping[str, PhaseStyleLike] | None = None,
) -> tuple[folium.Map, BriefingContent]:
    """Return the standalone map inside the briefing layout, and its content.

    static: for snapshots: no zoom buttons or animations, fractional zoom so the extent fills the map.
    """
    styles = shipped_phase_styles() if styles is None else styles
    content = briefing_content(gdf, briefing, styles)
    at = content.view if isinstance(content.view, MapView) else None
    m = build_map(
        placed(gdf),
        asset_base=None,
        basemap="inline",
        phase_styles=styles,
        view=at,
        wheel_after_click=False,
        legend_clearance=40,  # the side panel carries the legend: fitted as the matplotlib fallback fits
    )
    if static:  # zoomSnap 0: fitBounds fills the map exactly instead of stepping back a whole zoom level
        m.options.update(
            zoom_control=False,
            zoom_snap=0,
            zoom_animation=False,
            fade_animation=False,
            marker_zoom_animation=False,
            attribution_control=False,
        )
    bounds = content.view if content.view is not None and not isinstance(content.view, MapView) else None
    view = "" if bounds is None else json.dumps([[bounds[0], bounds[1]], [bounds[2], bounds[3]]])
    css = _CSS.replace("{side}", str(SIDE_WIDTH)).replace("{static}", _STATIC_CSS if static else "")
    labels = ""  # the map names its places itself, decluttered with the towns' names (mapscripts.REFERENCE)
    m.add_child(_Layout(css, _body(content), view, labels.replace("</", "<\\/")))
    return m, content


def render_briefing(
    gdf: gpd.GeoDataFrame,
    briefing: Briefing,
    *,
    static: bool = False,
    styles: Mapping[str, PhaseStyleLike] | None = None,
) -> tuple[str, BriefingContent]:
    """Return the briefing page as one self-contained HTML document (Leaflet, basemap, data inlined) and its content."""
    m, content = briefing_map(gdf, briefing, static=static, styles=styles)
    page = m.get_root().render()
    return page.replace("<head>", f"<head>\n<title>{html.escape(content.title)}</title>", 1), content


def briefing_html(
    gdf: gpd.GeoDataFrame,
    briefing: Briefing,
    *,
    static: bool = False,
    styles: Mapping[str, PhaseStyleLike] | None = None,
) -> str:
    """Return the briefing page as one self-contained HTML document."""
    return render_briefing(gdf, briefing, static=static, styles=styles)[0]
