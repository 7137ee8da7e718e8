"""Build the offline campaign map (folium/Leaflet) from a GeoDataFrame of place mentions.

Nothing is fetched from the internet: Leaflet comes from the asset base (or is inlined), the
basemap is Natural Earth country polygons drawn on a sea-blue background, and tile layers are
added only when asked for.

DOM hooks for browser tests: each place is an SVG ``path.mapdash-marker`` with ``data-place``
(place_id) and ``data-phase``; its tooltip is the place name and its popup a ``.mapdash-popup``.
Country polygons are ``path.mapdash-land``, labels ``.mapdash-country-label``, the legend
``.mapdash-legend`` with one ``.mapdash-legend-item[data-phase]`` per phase shown.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import folium
import geopandas as gpd
import pandas as pd
from folium.template import Template

from mapdash import assets
from mapdash.settings import load_settings

BasemapMode = Literal["auto", "url", "inline", "none"]


@dataclass(frozen=True)
class PhaseStyle:
    """How one campaign phase is drawn: legend label, marker colour, optional glyph for the legend."""

    label: str
    color: str
    icon: str = ""


class PhaseStyleLike(Protocol):
    """Anything with a label, colour and icon: PhaseStyle, or the taxonomy's PhaseDef as it is."""

    @property
    def label(self) -> str: ...
    @property
    def color(self) -> str: ...
    @property
    def icon(self) -> str: ...


NO_PHASE = PhaseStyle("No phase", "#3b73b9", "")
# For phases missing from the styles: darker than the taxonomy's tab10 colours, and no blue like NO_PHASE.
_SPARE_COLORS = ("#843c39", "#637939", "#7b4173", "#8c6d31", "#393b79", "#e7969c")
MAX_ZOOM = 10  # the 1:50m basemap is too coarse for more; markercluster needs a max zoom
WORLD_VIEW = ([20.0, 10.0], 2)
MAX_SENTENCES = 3  # per popup: enough to see why a place is there without a wall of text
MAX_SENTENCE_CHARS = 300
CLUSTER_ABOVE = 400  # places; below this every marker stays visible (and testable) at every zoom
SEA, LAND, BORDER = "#a9cde3", "#e6e5e0", "#9c9c9c"

_CSS = f"""<style>
.leaflet-container {{ background: {SEA}; }}
.mapdash-country-label span {{ display: block; transform: translate(-50%, -50%); white-space: nowrap;
  font: 11px/1.2 sans-serif; color: #666; text-shadow: 0 0 2px #fff, 0 0 2px #fff; pointer-events: none; }}
.mapdash-legend {{ background: rgba(255,255,255,.9); padding: 6px 8px; border-radius: 4px;
  font: 12px/1.5 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
.mapdash-swatch {{ display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 6px; border: 1px solid #fff; box-shadow: 0 0 0 1px #888; }}
.mapdash-popup ul {{ padding-left: 16px; margin: 4px 0; }} .mapdash-popup li {{ margin-bottom: 4px; }}
</style>"""


class _Element(folium.MacroElement):
    """A MacroElement with a template and attributes given at construction."""

    def __init__(self, template: str, **attrs: Any) -> None:
        super().__init__()
        self._template = Template(template)
        self._name = attrs.pop("name", "MapdashElement")
        self.__dict__.update(attrs)


# st_folium inserts the header with innerHTML, where scripts never run: only styles (and, for
# standalone HTML, inlined libraries) go there; code that needs L runs in the body script.
_HEAD_TEMPLATE = """{% macro header(this, kwargs) %}{{ this.head }}{% endmacro %}
{% macro script(this, kwargs) %}{{ this.setup }}{% endmacro %}"""

_BASEMAP_JS = """{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  map.createPane('mapdashLand').style.zIndex = 150;  /* below tiles (200): online tiles cover it */
  var labelPane = map.createPane('mapdashLabels');
  labelPane.style.zIndex = 350; labelPane.style.pointerEvents = 'none';
  function draw(data) {
    L.geoJSON(data, {pane: 'mapdashLand', interactive: false, className: 'mapdash-land',
      attribution: 'Natural Earth', style: {{ this.style }}}).addTo(map);
    {% if not this.labels %}return;{% endif %}
    var labels = data.features.map(function (f) {
      var span = document.createElement('span'); span.textContent = f.properties.name;
      var ll = [f.properties.label[1], f.properties.label[0]];
      var m = L.marker(ll, {pane: 'mapdashLabels', interactive: false, keyboard: false,
        icon: L.divIcon({className: 'mapdash-country-label', html: span, iconSize: null})});
      m.minZoom = f.properties.min_label;
      return m;
    });
    function update() {  /* Natural Earth's min_label keeps small countries' names off the world view */
      var z = map.getZoom();
      labels.forEach(function (m) { if (z >= m.minZoom) { m.addTo(map); } else { m.remove(); } });
    }
    map.on('zoomend', update); update();
  }
  {% if this.url %}fetch({{ this.url }}).then(function (r) { return r.json(); }).then(draw)
    .catch(function (err) { console.warn('mapdash: basemap not loaded', err); });
  {% else %}draw({{ this.data }});{% endif %}
})();
{% endmacro %}"""

_PLACES_JS = """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
  pointToLayer: function (f, ll) {
    return L.circleMarker(ll, {radius: f.properties.radius, color: '#ffffff', weight: 1.5,
      fillColor: f.properties.color, fillOpacity: 0.9, className: 'mapdash-marker'});
  },
  onEachFeature: function (f, layer) {
    layer.bindPopup(f.properties.popup, {maxWidth: 380});
    layer.bindTooltip(f.properties.tooltip, {direction: 'top'});
    layer.on('add', function () {  /* SVG paths take no data-* option, so tag them once drawn */
      this._path.setAttribute('data-place', f.properties.place_id);
      this._path.setAttribute('data-phase', f.properties.phase);
    });
  }
});
{% if this.cluster %}L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40})
  .addLayer({{ this.get_name() }}).addTo({{ this._parent.get_name() }});
{% else %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
{% endmacro %}"""

_LEGEND_JS = """{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'mapdash-legend'); div.innerHTML = {{ this.html }}; return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}"""


def _script_json(value: Any) -> str:
    """Return compact JSON that is safe inside a <script> element (no '</script>' can close it)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _text(value: Any) -> str:
    """Return a cell as text, "" for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    return str(value)


def shipped_phase_styles(data_dir: Path | None = None) -> dict[str, PhaseStyleLike]:
    """Return the phase styles of the shipped taxonomy (``data/phases.toml``), {} when there is none."""
    from mapdash.annotate import load_phase_taxonomy  # an earlier stage; only needed for the default

    path = (data_dir or load_settings().data_dir) / "phases.toml"
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


def _confidence(rows: list[dict[str, Any]]) -> float | None:
    """Return the highest confidence among a place's mentions, None when none has one."""
    values = [float(c) for c in (r.get("confidence") for r in rows) if _text(c)]
    return max(values) if values else None


def _popup_html(rows: list[dict[str, Any]], style: PhaseStyleLike) -> str:
    """Return a place's popup; every piece of document or gazetteer text is HTML-escaped."""
    e, first = html.escape, rows[0]
    name = _text(first.get("place_name"))
    where = ", ".join(t for t in (_text(first.get("admin1_name")), _text(first.get("country_name"))) if t)
    confidence = _confidence(rows)
    facts = [e(where), e(_text(first.get("feature")))]
    facts.append(f"confidence {confidence:.2f}" if confidence is not None else "")
    facts.append(f"{len(rows)} mention{'' if len(rows) == 1 else 's'}")
    forms = sorted({_text(r.get("mention")) for r in rows} - {"", name})
    parts = [
        f'<div class="mapdash-popup"><b>{e(name)}</b>',
        f'<div>{" · ".join(f for f in facts if f)}</div>',
        f'<div><span class="mapdash-swatch" style="background:{e(style.color)}"></span>{e(style.label)}</div>',
        f"<div>as: {e(', '.join(forms))}</div>" if forms else "",
        "<ul>",
    ]
    quoted = list({_text(r.get("sentence")): r for r in reversed(rows) if _text(r.get("sentence"))}.values())[::-1]
    for row in quoted[:MAX_SENTENCES]:
        sentence = _text(row.get("sentence"))
        if len(sentence) > MAX_SENTENCE_CHARS:  # cut before escaping so no entity is split
            sentence = sentence[: MAX_SENTENCE_CHARS - 1] + "…"
        source = " ".join(t for t in (_text(row.get("title")), _text(row.get("published"))[:10]) if t)
        parts.append(f"<li>“{e(sentence)}”<br><i>{e(source)}</i></li>")
    parts.append("</ul>")
    if len(quoted) > MAX_SENTENCES:
        parts.append(f"<div>and {len(quoted) - MAX_SENTENCES} more sentence(s)</div>")
    return "".join(parts) + "</div>"


def place_features(gdf: gpd.GeoDataFrame, styles: Mapping[str, PhaseStyleLike]) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection with one point per distinct place_id (newest mention first)."""
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name, errors="ignore")) if len(gdf) else pd.DataFrame()
    groups: dict[str, list[dict[str, Any]]] = {}
    if not frame.empty:
        frame["_when"] = pd.to_datetime(frame["published"].map(_text), errors="coerce")
        keys = ["_when", "doc_id", *(["start"] if "start" in frame else [])]
        frame = frame.sort_values(keys, ascending=[False] + [True] * (len(keys) - 1), na_position="last", kind="stable")
        # Plain dicts: grouping thousands of places this way is much faster than pandas groupby + iloc.
        for row in frame.to_dict("records"):
            if _text(row.get("place_id")) and _text(row.get("lat")) and _text(row.get("lon")):
                groups.setdefault(_text(row["place_id"]), []).append(row)
    styles = complete_styles((r.get("phase") for rows in groups.values() for r in rows), styles)
    features: list[dict[str, Any]] = []
    for place_id in sorted(groups):
        rows = groups[place_id]
        phase = next((p for p in (_text(r.get("phase")).strip() for r in rows) if p), "")  # newest report wins
        style = phase_style(phase, styles)
        properties = {
            "place_id": place_id,
            "phase": phase,
            "color": style.color,
            "radius": round(min(6 + 2 * math.log2(len(rows)), 14), 1),
            "tooltip": html.escape(_text(rows[0]["place_name"])),
            "popup": _popup_html(rows, style),
        }
        point = {"type": "Point", "coordinates": [round(float(rows[0]["lon"]), 5), round(float(rows[0]["lat"]), 5)]}
        features.append({"type": "Feature", "properties": properties, "geometry": point})
    return {"type": "FeatureCollection", "features": features}


def _legend_html(features: list[dict[str, Any]], styles: Mapping[str, PhaseStyleLike]) -> str:
    """Return the legend's inner HTML: one entry per phase present, in the order styles lists them."""
    present = {f["properties"]["phase"] for f in features}
    order = {key: i for i, key in enumerate(styles)}
    order[""] = len(order) + 1  # "No phase" last, after phases missing from styles
    rows = []
    for phase in sorted(present, key=lambda p: (order.get(p, len(order)), p)):
        style = phase_style(phase, styles)
        label = f"{style.icon} {style.label}".strip()
        rows.append(
            f'<div class="mapdash-legend-item" data-phase="{html.escape(phase)}">'
            f'<span class="mapdash-swatch" style="background:{html.escape(style.color)}"></span>'
            f"{html.escape(label)}</div>"
        )
    return "".join(rows)


def _head(base: str | None, cluster: bool) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """Return (header HTML, js links, css links): links under base, or everything inlined when None."""
    if base is None:
        code = assets.inline_assets()
        css = code["leaflet.css"] + (code["markercluster.css"] if cluster else "")
        js = code["leaflet.js"] + (";\n" + code["markercluster.js"] if cluster else "")
        return f"<style>{css}</style><script>{js}</script>{_CSS}", [], []
    js_links = [("leaflet", f"{base}/{assets.LEAFLET_JS}")]
    css_links = [("leaflet_css", f"{base}/{assets.LEAFLET_CSS}")]
    if cluster:
        js_links.append(("markercluster", f"{base}/{assets.CLUSTER_JS}"))
        css_links += [("cluster_css", f"{base}/{assets.CLUSTER_CSS}"), ("cluster_default_css", f"{base}/{assets.CLUSTER_DEFAULT_CSS}")]
    return _CSS, js_links, css_links


def build_map(
    gdf: gpd.GeoDataFrame,
    *,
    asset_base: str | None = assets.APP_ASSET_BASE,
    basemap: BasemapMode = "auto",
    phase_styles: Mapping[str, PhaseStyleLike] | None = None,
    online_tiles: bool = False,
    cluster: bool | None = None,
    country_labels: bool = True,
) -> folium.Map:
    """Return a folium Map of the places in gdf that needs nothing beyond asset_base (or nothing when None).

    basemap: "url" fetches ``<asset_base>/basemap/countries.geojson`` (small HTML, cached by the browser),
    "inline" embeds it (about 0.8 MB; for standalone export), "none" draws no land, and "auto" (default)
    means "url" when there is an asset base and "inline" when there is none.
    phase_styles: label/colour/icon per phase key (the taxonomy's PhaseDefs will do); None reads the
    shipped ``data/phases.toml``. Phases it lacks get spare colours, empty phases NO_PHASE.
    cluster: group markers with Leaflet.markercluster; None clusters above CLUSTER_ABOVE places.
    """
    given = shipped_phase_styles() if phase_styles is None else phase_styles
    styles = complete_styles(gdf["phase"] if "phase" in gdf else [], given)
    collection = place_features(gdf, styles)
    features = collection["features"]
    if cluster is None:
        cluster = len(features) > CLUSTER_ABOVE
    base = None if asset_base is None else asset_base.rstrip("/")
    if basemap == "auto":
        basemap = "inline" if base is None else "url"
    if basemap == "url" and base is None:
        raise ValueError('basemap="url" needs an asset_base to fetch the countries from')

    # folium hands min/max zoom to its tile layer only; with no tiles the map itself must get them.
    m = folium.Map(location=WORLD_VIEW[0], zoom_start=WORLD_VIEW[1], tiles=None, control_scale=True)
    m.options.update(max_zoom=MAX_ZOOM, min_zoom=1)
    head, m.default_js, m.default_css = _head(base, cluster)  # instance lists replace folium's CDN ones
    # Leaflet guesses the icon folder from its CSS; say it outright so a default Marker stays local.
    setup = f"L.Icon.Default.imagePath = {_script_json(f'{base}/{assets.LEAFLET_IMAGES}')};" if base else ""
    m.add_child(_Element(_HEAD_TEMPLATE, head=head, setup=setup, name="MapdashHead"))
    if online_tiles:  # the only way a request leaves the machine, and only when asked
        folium.TileLayer("OpenStreetMap", max_zoom=MAX_ZOOM).add_to(m)
    if basemap in ("url", "inline"):
        url = _script_json(f"{base}/{assets.BASEMAP}") if basemap == "url" else ""
        data = "" if url else assets.basemap_geojson().strip().replace("</", "<\\/")
        style = _script_json({"color": BORDER, "weight": 0.7, "fillColor": LAND, "fillOpacity": 1})
        labels = country_labels and not online_tiles  # OSM tiles carry their own names
        m.add_child(_Element(_BASEMAP_JS, url=url, data=data, style=style, labels=labels, name="MapdashBasemap"))
    if features:
        m.add_child(_Element(_PLACES_JS, data=_script_json(collection), cluster=cluster, name="MapdashPlaces"))
        m.add_child(_Element(_LEGEND_JS, html=_script_json(_legend_html(features, styles)), name="MapdashLegend"))
        lons = [f["geometry"]["coordinates"][0] for f in features]
        lats = [f["geometry"]["coordinates"][1] for f in features]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(40, 40), max_zoom=7)
    return m
