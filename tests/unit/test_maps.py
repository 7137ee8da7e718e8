"""The offline map rendered to a string: local assets only, escaping, one marker per place, legend, bounds."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
import folium.plugins
import geopandas as gpd
import pandas as pd
import pytest

from mapdash.geoparse.annotate import load_phase_taxonomy
from mapdash.model import Col
from mapdash.render import assets
from mapdash.render.maps import (
    MAX_SENTENCES,
    MAX_ZOOM,
    NO_PHASE,
    PhaseStyle,
    build_map,
    place_features,
    shipped_phase_styles,
)

XSS = "<script>alert(1)</script>"
STYLES = {
    "strike": PhaseStyle("Strikes", "#d62728", "✸"),
    "retaken": PhaseStyle("Retaken", "#2ca02c", "✔"),
    "enemy_held": PhaseStyle("Enemy-held", "#8c564b", "■"),
    "offensive": PhaseStyle("Offensive", "#ff7f0e", "➤"),
}
# name, lat, lon, country code, country, admin-1, feature, phase
PLACES = [
    ("Ramadi", 33.42, 43.31, "IQ", "Iraq", "Al Anbar", "city", "retaken"),
    ("Mosul", 36.34, 43.12, "IQ", "Iraq", "Nineveh", "city", "enemy_held"),
    ("Raqqa", 35.95, 39.01, "SY", "Syria", "Ar Raqqah", "city", "strike"),
    ("Libya", 27.0, 17.0, "LY", "Libya", None, "country", ""),
    ("Canada", 60.0, -95.0, "CA", "Canada", None, "country", None),
]


def mention(place: tuple[Any, ...], **overrides: Any) -> dict[str, Any]:
    """Return one mention row of a PLACES entry as the frame stage produces it (some of `MentionRow`'s columns)."""
    name, lat, lon, cc, country, admin1, feature, phase = place
    row = {
        Col.DOC_ID: "doc1",
        Col.TITLE: "Counter-ISIL Campaign Continues",
        Col.PUBLISHED: date(2015, 12, 28),
        Col.MENTION: name,
        Col.PLACE_NAME: name,
        Col.PLACE_ID: f"test:{name.lower()}",
        Col.FEATURE: feature,
        Col.COUNTRY_CODE: cc,
        Col.COUNTRY_NAME: country,
        Col.ADMIN1_NAME: admin1,
        Col.LAT: lat,
        Col.LON: lon,
        Col.CONFIDENCE: 0.9,
        Col.SENTENCE: f"Coalition forces struck near {name}.",
        Col.PHASE: phase,
    }
    row.update(overrides)
    return row


def mentions_gdf(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Return rows as an EPSG:4326 point GeoDataFrame."""
    df = pd.DataFrame(rows, columns=list(mention(PLACES[0])))
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df[Col.LON], df[Col.LAT]), crs="EPSG:4326")


def five_places() -> gpd.GeoDataFrame:
    """Return the five test places, one mention each."""
    return mentions_gdf([mention(p) for p in PLACES])


def embedded_places(html_text: str) -> list[dict[str, Any]]:
    """Return the place features embedded in rendered map HTML."""
    match = re.search(r"var places = (\{.*?\});\n", html_text, re.DOTALL)
    assert match, "no place layer in the HTML"
    return json.loads(match.group(1))["features"]


def cdn_hosts() -> set[str]:
    """Return every host folium (and the markercluster plugin) would load assets from by default."""
    links = folium.Map.default_js + folium.Map.default_css
    links += folium.plugins.MarkerCluster.default_js + folium.plugins.MarkerCluster.default_css
    return {urlsplit(url).hostname for _, url in links} - {None}


def referenced_urls(html_text: str) -> list[str]:
    """Return what the page would load: src/href attributes, CSS url(...) and fetch(...) targets."""
    urls = re.findall(r'\b(?:src|href)\s*=\s*["\']([^"\']+)', html_text)
    urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", html_text)
    urls += re.findall(r"fetch\(\s*['\"]([^'\"]+)", html_text)
    return urls


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"basemap": "inline"}, {"basemap": "none"}, {"cluster": True}, {"asset_base": "/assets"}],
    ids=["default", "inline-basemap", "no-basemap", "cluster", "other-base"],
)
def test_only_local_assets_are_referenced(kwargs: dict[str, Any]) -> None:
    html_text = build_map(five_places(), **kwargs).get_root().render()
    base = kwargs.get("asset_base", assets.APP_ASSET_BASE)
    urls = referenced_urls(html_text)
    assert any(u.endswith(assets.LEAFLET_JS) for u in urls)
    assert [u for u in urls if not u.startswith(base + "/") and not u.startswith("#")] == []
    assert re.findall(r"https?://", html_text) == []
    assert not any(host in html_text for host in cdn_hosts())


def test_cluster_scripts_come_from_the_asset_base() -> None:
    html_text = build_map(five_places(), cluster=True).get_root().render()
    assert f'src="{assets.APP_ASSET_BASE}/{assets.CLUSTER_JS}"' in html_text
    assert "L.markerClusterGroup" in html_text
    assert f'"maxZoom": {MAX_ZOOM}' in html_text  # markercluster refuses a map without one
    assert assets.CLUSTER_JS not in build_map(five_places()).get_root().render()


def test_standalone_map_inlines_everything() -> None:
    html_text = build_map(five_places(), asset_base=None).get_root().render()
    # Leaflet's own attribution link is an <a href>, never loaded.
    assert {u for u in referenced_urls(html_text) if not u.startswith(("data:", "#"))} <= {"https://leafletjs.com"}
    assert "fetch(" not in html_text and '"Iraq"' in html_text  # basemap inlined
    # Only strings that are no requests: the SVG namespace, Leaflet's attribution link, a CSS comment.
    hosts = {urlsplit(u).hostname for u in re.findall(r"https?://[^\s\"'<>)]+", html_text)}
    assert hosts <= {"www.w3.org", "leafletjs.com", "bugzilla.mozilla.org"}
    with pytest.raises(ValueError):
        build_map(five_places(), asset_base=None, basemap="url")


def test_online_tiles_only_when_asked() -> None:
    assert "tile.openstreetmap.org" not in build_map(five_places()).get_root().render()
    assert "tile.openstreetmap.org" in build_map(five_places(), online_tiles=True).get_root().render()


@pytest.mark.parametrize(
    "field", [Col.SENTENCE, Col.PLACE_NAME, Col.TITLE, Col.MENTION, Col.ADMIN1_NAME, Col.COUNTRY_NAME, Col.FEATURE]
)
def test_document_text_is_escaped(field: str) -> None:
    row = mention(PLACES[0], **{field: f"Ramadi {XSS}"})
    html_text = build_map(mentions_gdf([row])).get_root().render()
    assert XSS not in html_text
    assert "alert(1)" in html_text  # the text is still there, only escaped
    (feature,) = embedded_places(html_text)
    shown = feature["properties"]["popup"] + feature["properties"]["tooltip"]
    assert XSS not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_one_marker_per_place_with_its_mentions() -> None:
    rows = [mention(p) for p in PLACES]
    rows += [
        mention(
            PLACES[0],
            doc_id="doc2",
            title="Ramadi retaken",
            published=date(2016, 1, 2),
            mention="Ar Ramadi",
            sentence="Iraqi forces retook Ramadi.",
            confidence=0.95,
            phase="retaken",
        ),
        mention(
            PLACES[0],
            doc_id="doc0",
            title="Older",
            published=date(2015, 6, 1),
            phase="enemy_held",
            sentence="Coalition forces struck near Ramadi.",
        ),  # same sentence as doc1: listed once
    ]
    features = embedded_places(build_map(mentions_gdf(rows)).get_root().render())
    assert sorted(f["properties"]["place_id"] for f in features) == sorted(f"test:{p[0].lower()}" for p in PLACES)
    ramadi = next(f for f in features if f["properties"]["place_id"] == "test:ramadi")
    popup = ramadi["properties"]["popup"]
    assert ramadi["geometry"]["coordinates"] == [43.31, 33.42]
    assert ramadi["properties"]["phase"] == "retaken"  # the newest report's phase
    assert "3 mentions" in popup and "confidence 0.95" in popup and "as: Ar Ramadi" in popup
    assert popup.count("<li>") == 2 and popup.index("retook Ramadi") < popup.index("struck near Ramadi")
    assert "Al Anbar, Iraq" in popup and "Ramadi retaken 2016-01-02" in popup


def test_popup_lists_a_few_sentences() -> None:
    rows = [mention(PLACES[1], sentence=f"Sentence {i} about Mosul.", doc_id=f"d{i}") for i in range(MAX_SENTENCES + 2)]
    (feature,) = place_features(mentions_gdf(rows), STYLES)["features"]
    assert feature["properties"]["popup"].count("<li>") == MAX_SENTENCES
    assert "and 2 more sentence(s)" in feature["properties"]["popup"]


@pytest.mark.parametrize(
    ("phase", "color"),
    [("retaken", STYLES["retaken"].color), ("", NO_PHASE.color), (None, NO_PHASE.color)],
)
def test_markers_are_coloured_by_phase(phase: str | None, color: str) -> None:
    (feature,) = place_features(mentions_gdf([mention(PLACES[0], phase=phase)]), STYLES)["features"]
    assert feature["properties"]["color"] == color


def test_default_styles_are_the_shipped_taxonomy() -> None:
    taxonomy = load_phase_taxonomy(assets.DATA_DIR / "phases.toml")
    assert shipped_phase_styles().keys() == taxonomy.keys()
    (feature,) = embedded_places(build_map(mentions_gdf([mention(PLACES[0])])).get_root().render())
    assert feature["properties"]["color"] == taxonomy["retaken"].color


def test_unknown_and_custom_phases() -> None:
    rows = [mention(PLACES[0], phase="siege"), mention(PLACES[1], phase="cleared")]
    styles = {"cleared": PhaseStyle("Cleared", "#00ff00", "✔")}
    html_text = build_map(mentions_gdf(rows), phase_styles=styles).get_root().render()
    colors = {f["properties"]["phase"]: f["properties"]["color"] for f in embedded_places(html_text)}
    assert colors["cleared"] == "#00ff00"
    assert colors["siege"] not in {"#00ff00", NO_PHASE.color}
    rows.append(mention(PLACES[2], phase="blockade"))  # two unknown phases never share a colour
    unknown = {f["properties"]["color"] for f in place_features(mentions_gdf(rows), {})["features"]}
    assert len(unknown) == 3
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");", html_text).group(1))
    assert re.findall(r'data-phase="([^"]*)"', legend) == ["cleared", "siege"]
    assert "✔ Cleared" in legend and "Siege" in legend


def test_legend_lists_the_phases_present() -> None:
    html_text = build_map(five_places(), phase_styles=STYLES).get_root().render()
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");", html_text).group(1))
    assert re.findall(r'data-phase="([^"]*)"', legend) == ["strike", "retaken", "enemy_held", ""]
    assert "No phase" in legend and "Offensive" not in legend


def test_view_fits_the_theatre_not_every_place_named() -> None:
    # Ramadi, Mosul and Raqqa carry phases; Libya and Canada (countries) are named only: the view fits the three.
    html_text = build_map(five_places()).get_root().render()
    bounds = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", html_text, re.DOTALL).group(1)
    assert json.loads(bounds) == [[33.42, 39.01], [36.34, 43.31]]


def test_with_no_phase_anywhere_the_view_fits_the_towns() -> None:
    rows = [mention(p, phase="") for p in PLACES]
    html_text = build_map(mentions_gdf(rows)).get_root().render()
    bounds = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", html_text, re.DOTALL).group(1)
    assert json.loads(bounds) == [[33.42, 39.01], [36.34, 43.31]]


def test_empty_frame_gives_a_world_view() -> None:
    m = build_map(mentions_gdf([]))
    html_text = m.get_root().render()
    assert "fitBounds" not in html_text and "L.control(" not in html_text and "circleMarker" not in html_text
    assert m.location == [20.0, 10.0]
    assert "mapdash-land" in html_text


def test_basemap_modes() -> None:
    url_html = build_map(five_places()).get_root().render()
    assert f'fetch("{assets.APP_ASSET_BASE}/{assets.BASEMAP}")' in url_html
    inline_html = build_map(five_places(), basemap="inline").get_root().render()
    assert len(inline_html) > len(url_html) + 500_000
    assert "mapdash-land" not in build_map(five_places(), basemap="none").get_root().render()


def test_shipped_basemap_is_small_and_complete() -> None:
    path = assets.basemap_path()
    assert 0.5e6 < path.stat().st_size < 1.5e6
    countries = gpd.read_file(path)
    assert len(countries) > 200 and countries.is_valid.all()
    assert {"name", "iso_a2", "iso_a3", "min_label", "label"} <= set(countries.columns)
    iraq = countries[countries["iso_a2"] == "IQ"].geometry.iloc[0]
    assert iraq.contains(gpd.points_from_xy([43.31], [33.42])[0])  # Ramadi is in Iraq
    assert set(countries.loc[countries["name"].isin(["France", "Norway"]), "iso_a2"]) == {"FR", "NO"}


def test_install_static_copies_once(tmp_path: Path) -> None:
    vendor = assets.install_static(tmp_path)
    assert vendor == tmp_path / "vendor"
    for rel in (
        assets.LEAFLET_JS,
        assets.LEAFLET_CSS,
        assets.CLUSTER_JS,
        assets.BASEMAP,
        assets.LEAFLET_IMAGES + "marker-icon.png",
    ):
        assert (vendor / rel).stat().st_size > 0
    before = {p: p.stat().st_mtime_ns for p in vendor.rglob("*") if p.is_file()}
    (vendor / assets.LEAFLET_CSS).write_text("stale")
    assets.install_static(tmp_path)
    after = {p: p.stat().st_mtime_ns for p in vendor.rglob("*") if p.is_file()}
    assert before == after  # the stale file was replaced, the others left alone
    assert (vendor / assets.LEAFLET_CSS).read_text() != "stale"


def test_inline_assets_need_no_files() -> None:
    code = assets.inline_assets()
    assert set(code) == {"leaflet.js", "leaflet.css", "markercluster.js", "markercluster.css"}
    assert "url(images/" not in code["leaflet.css"] and "data:image/png;base64," in code["leaflet.css"]
    assert not any("sourceMappingURL" in text for text in code.values())
    assert "</script" not in code["leaflet.js"] + code["markercluster.js"]
