"""The map's CSS and the Jinja templates of its JavaScript: basemap, admin-1 shading, places, legend, timeline.

Kept apart from ``maps`` so the Python that builds the data reads on its own. Each template is a folium
``script`` macro; ``this`` is the element (attributes set in ``maps``), ``this._parent`` the map.
"""

from __future__ import annotations

SEA, LAND, BORDER = "#a9cde3", "#e6e5e0", "#9c9c9c"

CSS = f"""<style>
.leaflet-container {{ background: {SEA}; }}
.mapdash-country-label span {{ display: block; transform: translate(-50%, -50%); white-space: nowrap;
  font: 11px/1.2 sans-serif; color: #666; text-shadow: 0 0 2px #fff, 0 0 2px #fff; pointer-events: none; }}
.mapdash-legend, .mapdash-timeline {{ background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
  font: 12px/1.5 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
.mapdash-swatch {{ display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 6px; border: 1px solid #fff; box-shadow: 0 0 0 1px #888; }}
.mapdash-popup {{ font: 13px/1.4 sans-serif; }}
.mapdash-popup ul {{ padding-left: 16px; margin: 4px 0; }} .mapdash-popup li {{ margin-bottom: 4px; }}
.mapdash-facts {{ color: #555; }}
.mapdash-evidence, .mapdash-quote {{ margin: 3px 0; padding-left: 6px; border-left: 3px solid #ccc; }}
.mapdash-quote {{ border-left-color: #e0b040; font-style: italic; }}
.mapdash-timeline {{ display: flex; align-items: center; gap: 6px; }}
.mapdash-timeline input {{ width: 220px; }} .mapdash-timeline button {{ width: 32px; cursor: pointer; }}
.mapdash-day {{ font-variant-numeric: tabular-nums; min-width: 76px; }}
</style>"""

# st_folium inserts the header with innerHTML, where scripts never run: only styles (and, for
# standalone HTML, inlined libraries) go there; code that needs L runs in the body script.
HEAD = """{% macro header(this, kwargs) %}{{ this.head }}{% endmacro %}
{% macro script(this, kwargs) %}{{ this.setup }}{% endmacro %}"""

BASEMAP = """{% macro script(this, kwargs) %}
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

ADMIN1 = """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var map = {{ this._parent.get_name() }};
  map.createPane('mapdashAdmin1').style.zIndex = 300;  /* above land and tiles, below names and markers */
  return L.geoJSON({{ this.data }}, {pane: 'mapdashAdmin1', interactive: false, className: 'mapdash-admin1',
    style: function (f) { return {color: f.properties.stroke, weight: 2, dashArray: '5 3', fillColor: f.properties.color, fillOpacity: 0.25}; },
    onEachFeature: function (f, layer) {
      layer.on('add', function () { this._path.setAttribute('data-place', f.properties.place_id); });
    }
  }).addTo(map);
})();
{% endmacro %}"""

PLACES = """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var map = {{ this._parent.get_name() }};
  var groups = {{ this.groups }};  /* [phase key, layer-control label] in legend order; "*" = every place */
  function marker(f, ll) {
    return L.circleMarker(ll, {radius: f.properties.radius, color: '#ffffff', weight: 1.5,
      fillColor: f.properties.color, fillOpacity: 0.9, className: 'mapdash-marker'});
  }
  function bind(f, layer) {
    layer.bindPopup(f.properties.popup, {maxWidth: 380});
    layer.bindTooltip(f.properties.tooltip, {direction: 'top'});
    layer.on('add', function () {  /* SVG paths take no data-* option, so tag them once drawn */
      this._path.setAttribute('data-place', f.properties.place_id);
      this._path.setAttribute('data-phase', f.properties.phase);
    });
  }
  /* The groups exist before the data arrives: st_folium listens for clicks on the layers present when
     the map is made, and a marker's click reaches it through its group. */
  var layers = {}, overlays = {}, result = {layers: layers, markers: []};
  {% if this.cluster %}var cluster = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40}).addTo(map);{% endif %}
  groups.forEach(function (g) {
    var layer = L.geoJSON(null, {pointToLayer: marker, onEachFeature: bind});
    layers[g[0]] = layer;
    {% if this.cluster %}
    /* One cluster group for every phase; the control toggles empty proxies that add or remove a phase's markers. */
    var proxy = L.layerGroup().addTo(map); proxy.mapdashLayer = layer; overlays[g[1]] = proxy;
    {% else %}layer.addTo(map); overlays[g[1]] = layer;{% endif %}
  });
  {% if this.cluster %}
  map.on('overlayadd', function (e) { if (e.layer.mapdashLayer) { cluster.addLayers(e.layer.mapdashLayer.getLayers()); } });
  map.on('overlayremove', function (e) { if (e.layer.mapdashLayer) { cluster.removeLayers(e.layer.mapdashLayer.getLayers()); } });
  {% endif %}
  {% if this.admin1 %}overlays[{{ this.admin1_label }}] = {{ this.admin1 }};{% endif %}
  {% if this.control %}L.control.layers(null, overlays, {collapsed: true, position: 'topright'}).addTo(map);{% endif %}
  function fill(places) {
    places.features.forEach(function (f) {
      var layer = layers['*'] || layers[f.properties.phase];
      if (layer) { layer.addData(f); }
    });
    Object.keys(layers).forEach(function (key) {
      result.markers = result.markers.concat(layers[key].getLayers());
      {% if this.cluster %}cluster.addLayers(layers[key].getLayers());{% endif %}
    });
    return result;
  }
  {% if this.url %}
  result.ready = fetch({{ this.url }}).then(function (r) { return r.json(); }).then(fill)
    .catch(function (err) { console.warn('mapdash: places not loaded', err); });
  {% else %}
  var places = {{ this.data }};
  result.ready = Promise.resolve(fill(places));
  {% endif %}
  return result;
})();
{% endmacro %}"""

LEGEND = """{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'mapdash-legend'); div.innerHTML = {{ this.html }}; return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}"""

# Playback in the browser: the slider only restyles markers, so it never reruns the app.
TIMELINE = """{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, places = {{ this.places }}, dates = {{ this.dates }};
  var group = places.layers['*'], last = dates.length - 1, timer = null;
  places.ready.then(function () {
  function stepAt(steps, day) {
    var found = null;
    for (var i = 0; i < steps.length && steps[i][0] <= day; i++) { found = steps[i]; }
    return found;
  }
  var control = L.control({position: 'bottomleft'});
  control.onAdd = function () {
    var div = L.DomUtil.create('div', 'mapdash-timeline');
    div.innerHTML = '<button type="button" class="mapdash-play" title="Play">▶</button>' +
      '<input type="range" class="mapdash-slider" min="0" max="' + last + '" value="' + last + '" step="1">' +
      '<span class="mapdash-day"></span>';
    L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  control.addTo(map);
  var div = control.getContainer(), slider = div.querySelector('input'), label = div.querySelector('.mapdash-day');
  var button = div.querySelector('button');
  function show(i) {
    var day = dates[i]; slider.value = i; label.textContent = 'to ' + day; div.setAttribute('data-day', day);
    places.markers.forEach(function (m) {
      if (!m.feature.properties.steps.length) { return; }  /* undated: shown all along */
      var s = stepAt(m.feature.properties.steps, day);
      if (!s) { if (group.hasLayer(m)) { group.removeLayer(m); } return; }
      if (!group.hasLayer(m)) { group.addLayer(m); }
      m.setStyle({fillColor: s[2]});
      if (m._path) { m._path.setAttribute('data-phase', s[1]); }
    });
  }
  function stop() { clearInterval(timer); timer = null; button.textContent = '▶'; button.title = 'Play'; }
  slider.addEventListener('input', function () { stop(); show(+slider.value); });
  button.addEventListener('click', function () {
    if (timer) { stop(); return; }
    if (+slider.value >= last) { show(0); }
    button.textContent = '❚❚'; button.title = 'Pause';
    timer = setInterval(function () { if (+slider.value >= last) { stop(); } else { show(+slider.value + 1); } }, {{ this.interval }});
  });
  show(last);
  });
})();
{% endmacro %}"""

# A "Share this view" button beside the map (a Streamlit v2 component: it runs in the app page). It
# reads the centre and zoom of the st_folium map (same origin) only when pressed, so panning and
# zooming never send anything to the server.
SHARE_VIEW_HTML = '<button type="button" class="mapdash-share" title="Put the map\'s centre and zoom in the page address">Share this view</button>'
SHARE_VIEW_CSS = """.mapdash-share { font: inherit; padding: 0.3rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.2); background: var(--st-background-color, #fff); color: inherit; }
.mapdash-share:hover { border-color: #ff4b4b; color: #ff4b4b; }"""
SHARE_VIEW_JS = """export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const button = parentElement.querySelector('button.mapdash-share');
  button.onclick = () => {
    const frame = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const map = frame && frame.contentWindow ? frame.contentWindow.map : null;
    if (!map) { return; }
    const centre = map.getCenter();
    setTriggerValue('view', [centre.lat, centre.lng, map.getZoom()]);
  };
}"""
