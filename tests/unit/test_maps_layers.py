"""The map's dashboard features rendered to a string: a layer per phase, admin-1 shading, the popup's
evidence and quote, a view from the URL, the timeline's steps."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from test_maps import PLACES, STYLES, XSS, five_places, mention

from mapdash.render import assets
from mapdash.render.maps import ADMIN1_LABEL, MapView, build_map, place_features
from mapdash.render.popups import precision

ANBAR = ("Al Anbar", 33.0, 42.0, "IQ", "Iraq", "Al Anbar", "admin1", "enemy_held")


def mentions_gdf(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Return rows, with every column any of them has, as an EPSG:4326 point GeoDataFrame."""
    df = pd.DataFrame(rows)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")


def script_json(html_text: str, name: str) -> Any:
    """Return the JSON a map script assigns to `var <name> = ...;` (first occurrence)."""
    match = re.search(rf"var {name} = (.*?);(?: +/\*.*?\*/)?\n", html_text)
    assert match, f"no {name} in the HTML"
    return json.loads(match.group(1))


def test_one_layer_per_phase_in_a_layer_control() -> None:
    html_text = build_map(five_places(), phase_styles=STYLES).get_root().render()
    groups = script_json(html_text, "groups")
    assert [g[0] for g in groups] == ["strike", "retaken", "enemy_held", ""]
    assert "✔ Retaken <small>(1)</small>" in groups[1][1] and "No phase" in groups[3][1]
    assert "L.control.layers(null, overlays" in html_text
    assert "L.markerClusterGroup" not in html_text


def test_clustered_layers_toggle_through_one_cluster_group() -> None:
    html_text = build_map(five_places(), phase_styles=STYLES, cluster=True).get_root().render()
    assert html_text.count("L.markerClusterGroup(") == 1
    assert (
        "cluster.addLayers(points(e.layer.mapdashLayer))" in html_text
        and "cluster.removeLayers(points(e.layer.mapdashLayer))" in html_text
    )
    # Country outlines go with their phase's toggle, not into the cluster.
    assert "proxies[key].addLayer(l)" in html_text


def test_named_governorate_is_shaded_in_its_phase_colour() -> None:
    rows = [mention(p) for p in PLACES] + [mention(ANBAR, geonameid=99592)]
    html_text = build_map(mentions_gdf(rows), phase_styles=STYLES).get_root().render()
    match = re.search(r"return L\.geoJSON\((\{.*?\}), \{pane: 'mapdashAdmin1'", html_text, re.DOTALL)
    assert match, "no admin-1 layer"
    (feature,) = json.loads(match.group(1))["features"]
    assert feature["properties"] == {
        "place_id": "test:al anbar",
        "name": "Al Anbar",
        "color": STYLES["enemy_held"].color,
        "stroke": "#54332d",
        "phase": "enemy_held",
    }  # the brown, darker for the outline
    shape = shapely.geometry.shape(feature["geometry"])
    assert shape.contains(shapely.Point(43.31, 33.42))  # Ramadi is in Anbar
    assert f'overlays["{ADMIN1_LABEL}"]' in html_text
    assert "mapdashAdmin1" not in build_map(five_places()).get_root().render()  # no province named, none drawn
    assert "mapdashAdmin1" not in build_map(mentions_gdf(rows), admin1=False).get_root().render()


@pytest.mark.parametrize(
    ("geonameid", "country", "name"), [(99592, "IQ", "whatever"), (None, "IQ", "Al-Anbar"), (None, "IQ", "al anbar")]
)
def test_admin1_shapes_by_id_or_name(geonameid: int | None, country: str, name: str) -> None:
    shape = assets.admin1_shape(geonameid, country, name)
    assert shape is not None and shapely.geometry.shape(shape).contains(shapely.Point(43.31, 33.42))
    assert assets.admin1_shape(None, "IQ", "Atlantis") is None


def test_shipped_admin1_file_is_small() -> None:
    assert assets.admin1_path().stat().st_size < 1.2e6


def test_popup_shows_phase_evidence_quote_and_precision() -> None:
    row = mention(
        PLACES[0],
        evidence="Iraqi forces pushed ISIL out of Ramadi.",
        quote="“Ramadi is free,” he said",
        speaker="Ash Carter",
        feature_code="PPLA",
        phase_from=date(2015, 12, 28),
    )
    (feature,) = place_features(mentions_gdf([row]), STYLES)["features"]
    popup = feature["properties"]["popup"]
    assert (
        '<div class="mapdash-evidence">“Iraqi forces pushed ISIL out of Ramadi.”<br><i>Counter-ISIL Campaign Continues '
        "2015-12-28</i></div>" in popup
    )
    assert "✔ Retaken <i>2015-12-28</i>" in popup
    assert "“Ramadi is free,” he said — Ash Carter" in popup
    assert "town or city (PPLA)" in popup and "confidence 0.90" in popup


def test_a_reported_statement_is_attributed_not_repeated() -> None:
    sentence = "The next phase will target Hit in Anbar province, he said, with the ultimate goal of retaking Mosul."
    quote = "The next phase will target Hit in Anbar province, with the ultimate goal of retaking Mosul"
    row = mention(
        PLACES[1], sentence=sentence, evidence=sentence, quote=quote, speaker="Barack Obama", phase="ultimate_goal"
    )
    (feature,) = place_features(mentions_gdf([row]), STYLES)["features"]
    assert (
        feature["properties"]["popup"].count("retaking Mosul") == 1
        and "— Barack Obama" in feature["properties"]["popup"]
    )


def test_a_quote_that_is_the_evidence_is_attributed_not_repeated() -> None:
    sentence = "The next phase will target Hit, with the ultimate goal of retaking Mosul."
    row = mention(
        PLACES[1],
        sentence=sentence,
        evidence=sentence,
        quote=sentence.rstrip("."),
        speaker="Barack Obama",
        phase="ultimate_goal",
    )
    (feature,) = place_features(mentions_gdf([row]), STYLES)["features"]
    popup = feature["properties"]["popup"]
    assert popup.count("retaking Mosul") == 1 and f"“{sentence}” — Barack Obama" in popup
    assert "mapdash-quote" not in popup and "<li>" not in popup


@pytest.mark.parametrize("field", ["evidence", "quote", "speaker"])
def test_new_popup_fields_are_escaped(field: str) -> None:
    row = mention(PLACES[0], **{field: f"Ramadi {XSS}"}, **({"quote": "a quote"} if field == "speaker" else {}))
    (feature,) = place_features(mentions_gdf([row]), STYLES)["features"]
    assert XSS not in feature["properties"]["popup"] and "&lt;script&gt;" in feature["properties"]["popup"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"feature": "city", "feature_code": "PPLC"}, "town or city (PPLC)"),
        ({"feature": "admin1", "feature_code": "ADM1"}, "province or governorate (centroid) (ADM1)"),
        ({"feature": "country", "feature_code": ""}, "country (centroid)"),
        ({"feature": "city", "feature_code": "ANALYST"}, "point set by an analyst"),
    ],
)
def test_precision(row: dict[str, str], expected: str) -> None:
    assert precision(row) == expected


def test_view_from_the_url_replaces_fitting() -> None:
    m = build_map(five_places(), view=MapView(33.4, 43.3, 7))
    html_text = m.get_root().render()
    assert "fitBounds" not in html_text and m.location == [33.4, 43.3] and '"zoom": 7' in html_text


def test_timeline_replays_each_places_phases() -> None:
    rows = [
        mention(PLACES[0], doc_id="d1", published=date(2015, 6, 1), phase="enemy_held"),
        mention(PLACES[0], doc_id="d2", published=date(2016, 1, 2), phase="retaken", phase_from=date(2015, 12, 28)),
        mention(PLACES[1], doc_id="d2", published=date(2016, 1, 2), phase=""),
    ]
    html_text = build_map(mentions_gdf(rows), phase_styles=STYLES, timeline=True).get_root().render()
    features = {f["properties"]["place_id"]: f["properties"] for f in script_json(html_text, "places")["features"]}
    # Playback steps by report date: the release of 2016-01-02 reports Ramadi retaken (on 2015-12-28).
    assert features["test:ramadi"]["steps"] == [
        ["2015-06-01", "enemy_held", STYLES["enemy_held"].color],
        ["2016-01-02", "retaken", STYLES["retaken"].color],
    ]
    assert features["test:mosul"]["steps"] == [["2016-01-02", "", "#3b73b9"]]
    assert script_json(html_text, "groups") == [["*", "Places"]]
    assert 'dates = ["2015-06-01","2016-01-02"]' in html_text.replace(", dates = ", "dates = ")
    assert "L.control.layers" not in html_text and "L.markerClusterGroup" not in html_text
    assert "mapdash-timeline" in html_text


def test_published_places_keep_the_html_small(tmp_path) -> None:
    published: list[str] = []

    def publish(text: str) -> str:
        published.append(text)
        return "/app/static/cache/abc.json"

    html_text = build_map(five_places(), publish=publish).get_root().render()
    (text,) = published
    assert {f["properties"]["place_id"] for f in json.loads(text)["features"]} == {
        f"test:{p[0].lower()}" for p in PLACES
    }
    assert 'fetch("/app/static/cache/abc.json")' in html_text and "var places" not in html_text
    assert "Coalition forces struck" not in html_text  # the popups travel with the data


def test_publish_json_is_content_addressed(tmp_path) -> None:
    first = assets.publish_json(tmp_path, '{"a": 1}')
    assert first == assets.publish_json(tmp_path, '{"a": 1}') != assets.publish_json(tmp_path, '{"a": 2}')
    assert first.startswith(assets.APP_CACHE_BASE + "/")
    assert (tmp_path / "cache" / first.removeprefix(assets.APP_CACHE_BASE + "/")).read_text() == '{"a": 1}'
    # What is kept and removed, across sessions and apps: tests/test_security_published.py.
