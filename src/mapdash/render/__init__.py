"""The campaign map: folium map, popups, overlays, map scripts, offline assets, highlight, timeline."""
