"""The map's CSS and the Jinja templates of its JavaScript: basemap, admin-1 shading, places, legend, timeline.

Kept apart from ``maps`` so the Python that builds the data reads on its own. Each template is a folium
``script`` macro; ``this`` is the element (attributes set in ``maps``), ``this._parent`` the map.
"""

from __future__ import annotations

SEA, LAND, BORDER = "#a9cde3", "#e6e5e0", "#9c9c9c"
RIVER, LAKE, ADMIN1_LINE = "#5b9bd1", "#a9cde3", "#8f8577"
TOWN_TILE_ZOOM = 8  # GeoNames towns (tiles) from this zoom on; kept in step with scripts/build_basemap_layers.py
ADMIN1_LINE_ZOOM = 5  # first-level borders from this zoom on
MAX_LABELS = 140  # reference labels (towns, provinces) at once, beyond the places' own names

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
.mapdash-ref-label {{ position: absolute; white-space: nowrap; pointer-events: none; font: 11px/14px sans-serif; color: #333;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }}
.mapdash-town::before {{ content: ""; display: inline-block; width: 4px; height: 4px; margin: 0 3px 1px 0; border-radius: 50%;
  background: #444; vertical-align: middle; }}
.mapdash-town.mapdash-left::before {{ display: none; }}
.mapdash-town.mapdash-left::after {{ content: ""; display: inline-block; width: 4px; height: 4px; margin: 0 0 1px 3px;
  border-radius: 50%; background: #444; vertical-align: middle; }}
.mapdash-admin1-label {{ color: #7a6f64; font-size: 10px; letter-spacing: .08em; text-transform: uppercase; }}
.mapdash-place-name {{ font: bold 12px/16px sans-serif; color: #111; }}
.mapdash-place-name.mapdash-picked {{ font-size: 14px; background: #ffe066; padding: 0 3px; border-radius: 3px; text-shadow: none; }}
.mapdash-legend summary {{ cursor: pointer; font-weight: bold; }}
.mapdash-legend:not([open]) {{ padding: 3px 8px; }}
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
  /* Countries' outlines lie under the control areas (310) and the markers, so a click there reaches them first. */
  if (!map.getPane('mapdashCountries')) { map.createPane('mapdashCountries').style.zIndex = 305; }
  function marker(f, ll) {
    if (f.properties.shape) {  /* a country: its outline in its phase colour, never a bubble at its centroid */
      var outline = L.geoJSON(f.properties.shape, {className: 'mapdash-marker mapdash-country-place', pane: 'mapdashCountries',
        style: {color: f.properties.color, weight: 1.6, dashArray: '7 4', fillColor: f.properties.color, fillOpacity: 0.05}}).getLayers()[0];
      outline.setRadius = function () {}; outline.getRadius = function () { return 0; };
      return outline;
    }
    return L.circleMarker(ll, {radius: f.properties.radius, color: '#ffffff', weight: 1.5,
      fillColor: f.properties.color, fillOpacity: 0.9, className: 'mapdash-marker'});
  }
  function bind(f, layer) {
    layer.bindPopup(f.properties.popup, {maxWidth: 380});
    layer.bindTooltip(f.properties.tooltip, {direction: 'top', sticky: !!f.properties.shape});
    layer.on('add', function () {  /* SVG paths take no data-* option, so tag them once drawn */
      this._path.setAttribute('data-place', f.properties.place_id);
      this._path.setAttribute('data-phase', f.properties.phase);
      if (f.properties.place_id === picked) { this._path.classList.add('mapdash-picked'); }
    });
  }
  var picked = {{ this.picked }};
  /* The groups exist before the data arrives: st_folium listens for clicks on the layers present when
     the map is made, and a marker's click reaches it through its group. */
  var layers = {}, overlays = {}, proxies = {}, result = {layers: layers, markers: []};
  function points(layer) { return layer.getLayers().filter(function (l) { return !!l.getLatLng; }); }
  {% if this.cluster %}var cluster = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40}).addTo(map);{% endif %}
  groups.forEach(function (g) {
    var layer = L.geoJSON(null, {pointToLayer: marker, onEachFeature: bind});
    layers[g[0]] = layer;
    {% if this.cluster %}
    /* One cluster group for every phase; the control toggles empty proxies that add or remove a phase's markers. */
    var proxy = L.layerGroup().addTo(map); proxy.mapdashLayer = layer; overlays[g[1]] = proxy; proxies[g[0]] = proxy;
    {% else %}layer.addTo(map); overlays[g[1]] = layer;{% endif %}
  });
  {% if this.cluster %}
  map.on('overlayadd', function (e) { if (e.layer.mapdashLayer) { cluster.addLayers(points(e.layer.mapdashLayer)); } });
  map.on('overlayremove', function (e) { if (e.layer.mapdashLayer) { cluster.removeLayers(points(e.layer.mapdashLayer)); } });
  {% endif %}
  {% if this.admin1 %}overlays[{{ this.admin1_label }}] = {{ this.admin1 }};{% endif %}
  {% if this.control %}L.control.layers(null, overlays, {collapsed: true, position: 'topright'}).addTo(map);{% endif %}
  function fill(places) {
    result.areas = places.areas;  /* control areas travel with the places (see CONTROL) */
    places.features.forEach(function (f) {
      var layer = layers['*'] || layers[f.properties.phase];
      if (layer) { layer.addData(f); }
    });
    Object.keys(layers).forEach(function (key) {
      result.markers = result.markers.concat(layers[key].getLayers());
      {% if this.cluster %}cluster.addLayers(points(layers[key]));  /* outlines cannot cluster: they go with their phase's proxy */
      layers[key].getLayers().forEach(function (l) { if (!l.getLatLng) { proxies[key].addLayer(l); } });{% endif %}
    });
    if (map.mapdashLabels) {  /* the places' names, laid out with the towns' (see REFERENCE) */
      map.mapdashLabels.picked = picked;
      map.mapdashLabels.places = result.markers.filter(function (m) { return !m.feature.properties.shape; });
      map.mapdashLabels.update();
    }
    if (picked) { highlight(result.markers.filter(function (m) { return m.feature.properties.place_id === picked; })[0]); }
    return result;
  }
  function highlight(m) {  /* the place picked beside the map: a ring, on top, in view */
    if (!m) { return; }
    if (m.feature.properties.shape) { m.setStyle({weight: 4}); m.bringToFront(); return; }
    var ll = m.getLatLng();
    L.circleMarker(ll, {radius: m.getRadius() + 7, color: '#111', weight: 3, fill: false, interactive: false,
                        className: 'mapdash-highlight'}).addTo(map);
    if (m.bringToFront) { m.bringToFront(); }
    if (!map.getBounds().contains(ll)) { map.panTo(ll, {animate: false}); }
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
  legend.onAdd = function () {  /* collapsible: a click on "Legend" folds it away from the markers beneath */
    var div = L.DomUtil.create('details', 'mapdash-legend');
    div.innerHTML = {{ this.html }};
    div.insertAdjacentHTML('afterbegin', '<summary>Legend</summary>');
    if ({{ this._parent.get_name() }}.getSize().y >= {{ this.open_above }}) { div.open = true; }
    L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
    return div;
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
    if (map.mapdashControl) {  /* each area as its place stood on that day */
      map.mapdashControl.eachLayer(function (a) {
        var s = stepAt(a.feature.properties.steps, day);
        if (!s) { if (map.hasLayer(a)) { map.removeLayer(a); } return; }
        if (!map.hasLayer(a)) { a.addTo(map); }
        a.setStyle({fillColor: s[2], color: s[3]});
        if (a._path) { a._path.setAttribute('data-control', s[1]); }
      });
    }
    if (map.mapdashLabels) { map.mapdashLabels.update(); }
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

# Rivers, lakes, first-level borders and the labels of towns and provinces: the reference layers an analyst
# orients by. Layers come by zoom (borders and GeoNames towns as 10-degree tiles, fetched for the view only);
# labels are laid out after each move, most important first, and one that would touch another label or a
# marker is left out, so labels never pile up. Places' own names come first (window hook: map.mapdashLabels).
REFERENCE = """{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, base = {{ this.base }}, inline = {{ this.inline }}, index = {{ this.index }};
  var TILE = 10, TOWN_ZOOM = {{ this.town_zoom }}, LINE_ZOOM = {{ this.line_zoom }}, MAX = {{ this.max_labels }};
  var townTiles = new Set(index.towns), lineTiles = new Set(index.lines), loaded = {};
  function get(path) {
    if (Object.prototype.hasOwnProperty.call(inline, path)) { return Promise.resolve(inline[path]); }
    {% if this.fetching %}return fetch(base + '/' + path).then(function (r) { return r.ok ? r.json() : null; })
      .catch(function (err) { console.warn('mapdash: not loaded', path, err); return null; });
    {% else %}return Promise.resolve(null);  /* standalone: what is not inlined is not there */{% endif %}
  }
  function pane(name, z) { var p = map.createPane(name); p.style.zIndex = z; p.style.pointerEvents = 'none'; return p; }
  pane('mapdashWater', 160); pane('mapdashBorders', 170);
  var labelPane = pane('mapdashRefLabels', 450);
  var byZoom = [];
  function showByZoom() {
    var z = map.getZoom();
    byZoom.forEach(function (e) {
      if (z >= e[0]) { if (!map.hasLayer(e[1])) { e[1].addTo(map); } } else if (map.hasLayer(e[1])) { map.removeLayer(e[1]); }
    });
  }
  function addByZoom(data, options) {  /* one layer per first zoom: a zoom change adds or removes whole layers */
    var byZ = {};
    ((data && data.features) || []).forEach(function (f) { (byZ[f.properties.z] = byZ[f.properties.z] || []).push(f); });
    Object.keys(byZ).forEach(function (z) {
      byZoom.push([+z, L.geoJSON({type: 'FeatureCollection', features: byZ[z]}, options)]);
    });
    showByZoom();
  }
  var candidates = [], sorted = true, pending = false;
  function addLabels(rows, group, cls, zoom) {
    rows.forEach(function (r) {
      candidates.push({name: r[0], lon: r[1], lat: r[2], z: zoom === undefined ? r[3] : zoom, pop: zoom === undefined ? r[4] : 0,
                       group: group, cls: cls});
    });
    sorted = false; schedule();
  }
  var lines = L.layerGroup();
  function tileKeys() {
    var b = map.getBounds(), keys = [];
    var west = Math.max(-180, Math.floor(b.getWest() / TILE) * TILE), east = Math.min(180, b.getEast());
    var south = Math.max(-90, Math.floor(b.getSouth() / TILE) * TILE), north = Math.min(90, b.getNorth());
    for (var x = west; x < east; x += TILE) { for (var y = south; y < north; y += TILE) { keys.push(x + '_' + y); } }
    return keys;
  }
  function loadTiles() {
    var z = map.getZoom(), keys = tileKeys();
    if (z >= LINE_ZOOM) {
      if (!map.hasLayer(lines)) { lines.addTo(map); }
      keys.forEach(function (k) {
        if (!lineTiles.has(k) || loaded['l' + k]) { return; }
        loaded['l' + k] = get('basemap/admin1-lines/' + k + '.json').then(function (d) {
          if (d) { L.geoJSON(d, {pane: 'mapdashBorders', interactive: false, className: 'mapdash-admin1-line',
                                 style: {color: '{{ this.line_color }}', weight: 0.9, dashArray: '5 3', opacity: 0.9}}).addTo(lines); }
        });
      });
    } else if (map.hasLayer(lines)) { map.removeLayer(lines); }
    if (z >= TOWN_ZOOM) {
      keys.forEach(function (k) {
        if (!townTiles.has(k) || loaded['t' + k]) { return; }
        loaded['t' + k] = get('basemap/towns/' + k + '.json').then(function (rows) { addLabels(rows || [], 3, 'mapdash-town'); });
      });
    }
  }
  var ctx = document.createElement('canvas').getContext('2d'), widths = {};
  var FONTS = {'mapdash-place-name': 'bold 12px sans-serif', 'mapdash-town': '11px sans-serif', 'mapdash-admin1-label': '10px sans-serif'};
  function textWidth(text, cls) {
    var key = cls + '|' + text;
    if (!(key in widths)) { ctx.font = FONTS[cls]; widths[key] = ctx.measureText(cls === 'mapdash-admin1-label' ? text.toUpperCase() : text).width * (cls === 'mapdash-admin1-label' ? 1.12 : 1); }
    return widths[key];
  }
  var api = map.mapdashLabels = {places: [], picked: '', update: schedule, candidates: function () { return candidates.length; }};
  function layout() {
    pending = false;
    var z = map.getZoom(), size = map.getSize(), view = map.getBounds().pad(0.02), boxes = [];
    var out = document.createDocumentFragment(), shown = 0;
    function free(b) {
      if (b.x < 2 || b.y < 2 || b.x + b.w > size.x - 2 || b.y + b.h > size.y - 2) { return false; }
      for (var i = 0; i < boxes.length; i++) {
        var o = boxes[i];
        if (b.x < o.x + o.w + 2 && o.x < b.x + b.w + 2 && b.y < o.y + o.h && o.y < b.y + b.h) { return false; }
      }
      return true;
    }
    function put(name, at, r, cls, place) {
      var w = Math.ceil(textWidth(name, cls)) + (cls === 'mapdash-town' ? 9 : 4), h = cls === 'mapdash-place-name' ? 16 : 14;
      var spots = cls === 'mapdash-admin1-label' ? [[at.x - w / 2, at.y - h / 2, '']] :
        [[at.x - (cls === 'mapdash-town' ? 5 : -r), at.y - h / 2, ''], [at.x - w + (cls === 'mapdash-town' ? 5 : -r), at.y - h / 2, ' mapdash-left']];
      if (cls === 'mapdash-place-name') { spots.push([at.x - w / 2, at.y - r - h, ''], [at.x - w / 2, at.y + r, '']); }
      for (var i = 0; i < spots.length; i++) {
        var box = {x: spots[i][0], y: spots[i][1], w: w, h: h};
        if (!free(box)) { continue; }
        boxes.push(box);
        var div = document.createElement('div');
        div.className = 'mapdash-ref-label ' + cls + spots[i][2] + (place && place === api.picked ? ' mapdash-picked' : '');
        div.textContent = name;
        if (place) { div.setAttribute('data-place', place); }
        L.DomUtil.setPosition(div, map.containerPointToLayerPoint([box.x, box.y]));
        out.appendChild(div);
        return true;
      }
      return false;
    }
    var frame = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll('.leaflet-control').forEach(function (c) {  /* nor hide under the legend or a button */
      var r = c.getBoundingClientRect();
      if (r.width && r.height) { boxes.push({x: r.left - frame.left, y: r.top - frame.top, w: r.width, h: r.height}); }
    });
    var marks = api.places.filter(function (m) { return m.getLatLng && map.hasLayer(m) && view.contains(m.getLatLng()); });
    marks.forEach(function (m) {  /* no label may cover a marker */
      var p = map.latLngToContainerPoint(m.getLatLng()), r = m.getRadius() + 1;
      boxes.push({x: p.x - r, y: p.y - r, w: 2 * r, h: 2 * r});
    });
    marks.sort(function (a, b) {
      var pa = a.feature.properties, pb = b.feature.properties;
      return (pb.place_id === api.picked) - (pa.place_id === api.picked) || (pb.phase ? 1 : 0) - (pa.phase ? 1 : 0) ||
        b.getRadius() - a.getRadius() || (pa.name < pb.name ? -1 : 1);
    });
    marks.forEach(function (m) {
      var f = m.feature.properties;
      put(f.name, map.latLngToContainerPoint(m.getLatLng()), m.getRadius() + 2, 'mapdash-place-name', f.place_id);
    });
    if (!sorted) {
      candidates.sort(function (a, b) { return a.group - b.group || a.z - b.z || b.pop - a.pop; });
      sorted = true;
    }
    for (var i = 0; i < candidates.length && shown < MAX; i++) {
      var c = candidates[i];
      if (c.z > z || !view.contains([c.lat, c.lon])) { continue; }
      if (put(c.name, map.latLngToContainerPoint([c.lat, c.lon]), 4, c.cls, '')) { shown++; }
    }
    labelPane.innerHTML = '';
    labelPane.appendChild(out);
    labelPane.style.visibility = '';
  }
  function schedule() { if (!pending) { pending = true; requestAnimationFrame(layout); } }
  map.on('zoomstart', function () { labelPane.style.visibility = 'hidden'; });
  map.on('zoomend', showByZoom);
  map.on('moveend', function () { loadTiles(); schedule(); });
  map.on('layeradd layerremove', function (e) { if (e.layer && e.layer.feature) { schedule(); } });
  get('basemap/lakes.geojson').then(function (d) {
    addByZoom(d, {pane: 'mapdashWater', interactive: false, className: 'mapdash-lake',
                  style: {stroke: false, fillColor: '{{ this.lake_color }}', fillOpacity: 1}});
  });
  get('basemap/rivers.geojson').then(function (d) {
    addByZoom(d, {pane: 'mapdashWater', interactive: false, className: 'mapdash-river',
                  style: function (f) { return {color: '{{ this.river_color }}', weight: f.properties.level <= 1 ? 1.7 : 1, opacity: 0.95}; }});
  });
  get('basemap/towns.json').then(function (rows) { addLabels(rows || [], 1, 'mapdash-town'); });
  get('basemap/admin1-labels.json').then(function (rows) { addLabels(rows || [], 2, 'mapdash-admin1-label', 6); });
  loadTiles();
})();
{% endmacro %}"""

# Control areas: each place's latest control phase (enemy-held, contested, retaken) shaded around it.
CONTROL = """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var map = {{ this._parent.get_name() }};
  map.createPane('mapdashControl').style.zIndex = 310;  /* above the provinces named, below names and markers */
  var layer = L.geoJSON(null, {pane: 'mapdashControl', className: 'mapdash-control',
    style: function (f) { return {color: f.properties.stroke, weight: 1.5, fillColor: f.properties.color, fillOpacity: 0.35}; },
    onEachFeature: function (f, l) {
      l.bindPopup(f.properties.popup, {maxWidth: 360});
      l.on('add', function () {
        this._path.setAttribute('data-place', f.properties.place_id);
        this._path.setAttribute('data-control', f.properties.control);
      });
    }
  }).addTo(map);
  map.mapdashControl = layer;
  {{ this.places }}.ready.then(function (places) { if (places && places.areas) { layer.addData(places.areas); } });
  return layer;
})();
{% endmacro %}"""

# The mouse wheel scrolls the page over the map until the map is clicked (or focused); once the mouse
# leaves the map the wheel is the page's again, so scrolling a page past its map never zooms it out.
WHEEL = """{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, box = map.getContainer();
  function wake() { map.scrollWheelZoom.enable(); box.setAttribute('data-wheel', 'zoom'); }
  function sleep() { map.scrollWheelZoom.disable(); box.setAttribute('data-wheel', 'page'); }
  sleep();
  map.on('click focus', wake);
  box.addEventListener('mousedown', wake);
  box.addEventListener('mouseleave', sleep);
})();
{% endmacro %}"""

# Starts the download of an export the app has just written under static/exports/ (a Streamlit v2 component
# in the app page), once per request, and leaves a link to download it again.
DOWNLOAD_HTML = '<a class="mapdash-download" hidden></a>'
DOWNLOAD_CSS = ".mapdash-download { font: inherit; color: inherit; }"
DOWNLOAD_JS = """export default function (component) {
  const { parentElement, data } = component;
  const link = parentElement.querySelector('a.mapdash-download');
  if (!data || !data.url || !link) { return; }
  link.href = data.url; link.download = data.name; link.hidden = false;
  link.textContent = 'Download again: ' + data.label;
  const done = window.mapdashDownloads || (window.mapdashDownloads = new Set());
  if (!done.has(data.nonce)) { done.add(data.nonce); link.click(); }
}"""
