"""The campaign map's logic without a browser (issue 13): the theatre and the places beyond it, control areas
(latest dated phase, area scaled to the place, escaped popups), the date filter after an upload, blank
missing values in exports and tables, the briefing's list of places beyond the map, the reference layers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from test_maps import PLACES, STYLES, mention, mentions_gdf

from mapdash.export import export_bytes, to_csv
from mapdash.export.briefing import Briefing, briefing_content, briefing_html
from mapdash.frame import Filters, blank_missing
from mapdash.render import assets
from mapdash.render.control import circle, control_areas, radius_km, town_population
from mapdash.render.maps import build_map, place_features
from mapdash.render.theatre import theatre
from mapdash.ui.dashboard import date_filter_note, widen_dates

D = date


def features(rows: list[dict]) -> list[dict]:
    """Return the map's place features of mention rows."""
    return place_features(mentions_gdf(rows), STYLES)["features"]


def test_theatre_fits_the_phased_towns_and_lists_the_rest() -> None:
    area = theatre(features([mention(p) for p in PLACES]))
    assert area.bounds == (33.42, 39.01, 36.34, 43.31)  # Ramadi, Mosul, Raqqa
    assert [b.name for b in area.beyond] == ["Canada", "Libya"]


def test_a_far_phased_town_does_not_drag_the_theatre() -> None:
    sirte = ("Sirte", 31.2, 16.6, "LY", "Libya", None, "city", "strike")
    area = theatre(features([mention(p) for p in [*PLACES, sirte]]))
    assert area.bounds == (33.42, 39.01, 36.34, 43.31)
    assert [b.name for b in area.beyond][:1] == ["Sirte"]  # phased places first


def test_countries_carry_their_outline_not_a_bubble() -> None:
    by_name = {f["properties"]["name"]: f["properties"] for f in features([mention(p) for p in PLACES])}
    assert by_name["Libya"]["kind"] == "country" and by_name["Libya"]["shape"]["type"] in ("Polygon", "MultiPolygon")
    assert by_name["Ramadi"]["kind"] == "place" and "shape" not in by_name["Ramadi"]


@pytest.mark.parametrize(
    ("population", "km"), [(None, 12.0), (0, 12.0), (500, 8.0), (60_000, 16.9), (1_800_000, 24.3), (300_000_000, 25.0)]
)
def test_town_areas_grow_with_population(population: int | None, km: float) -> None:
    assert radius_km(population) == pytest.approx(km, abs=0.1)


def test_circle_is_closed_and_round_on_the_ground() -> None:
    ring = circle(36.0, 43.0, 10.0)["coordinates"][0]
    assert ring[0] == ring[-1]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    assert (max(lats) - min(lats)) * 111.32 == pytest.approx(20.0, rel=0.02)
    assert (max(lons) - min(lons)) * 111.32 * 0.809 == pytest.approx(20.0, rel=0.02)  # cos 36°


def test_town_population_from_the_shipped_labels() -> None:
    assert town_population("Mosul", 36.34, 43.13) > 1_000_000
    assert town_population("Nowhere", 0.0, -160.0) is None


def test_control_areas_follow_the_latest_dated_report() -> None:
    hit = ("Hit", 33.64, 42.83, "IQ", "Iraq", "Al Anbar", "city", "")
    anbar = ("Al Anbar", 33.0, 42.0, "IQ", "Iraq", None, "admin1", "")  # found by country and name
    rows = [
        mention(hit, doc_id="d1", published=D(2016, 2, 26), phase="enemy_held", start=1),
        mention(
            hit,
            doc_id="d2",
            published=D(2016, 4, 14),
            phase="retaken",
            start=1,
            sentence="Iraqi forces retook Hit <b>now</b>.",
        ),
        mention(hit, doc_id="d3", published=None, phase="enemy_held", start=1),  # undated: decides nothing
        mention(anbar, doc_id="d2", published=D(2016, 4, 14), phase="current_operation", geonameid=99592, start=5),
        mention(PLACES[3], doc_id="d2", published=D(2016, 4, 14), phase="enemy_held", start=9),  # a country: no area
        mention(PLACES[0], doc_id="d2", published=D(2016, 4, 14), phase="strike", start=12),  # no control phase
    ]
    areas = {f["properties"]["name"]: f for f in control_areas(mentions_gdf(rows))["features"]}
    assert set(areas) == {"Hit", "Al Anbar"}
    hit_area = areas["Hit"]["properties"]
    assert hit_area["control"] == "retaken" and hit_area["since"] == "2016-04-14"
    assert [s[:2] for s in hit_area["steps"]] == [["2016-02-26", "enemy_held"], ["2016-04-14", "retaken"]]
    assert (
        "2016-04-14" in hit_area["popup"]
        and "&lt;b&gt;now&lt;/b&gt;" in hit_area["popup"]
        and "<b>now" not in hit_area["popup"]
    )
    assert areas["Hit"]["geometry"]["type"] == "Polygon"
    ring = areas["Al Anbar"]["geometry"]["coordinates"][0]  # the governorate's own outline, not a circle
    assert max(p[0] for p in ring) - min(p[0] for p in ring) > 3.0 and [39.15, 32.12] in ring
    assert areas["Al Anbar"]["properties"]["control"] == "current_operation"


def test_control_areas_travel_with_the_places_and_are_drawn() -> None:
    rows = [mention(PLACES[0], phase="retaken"), mention(PLACES[1], phase="enemy_held")]
    html_text = build_map(mentions_gdf(rows), phase_styles=STYLES).get_root().render()
    assert "mapdash-control" in html_text and "map.mapdashControl = layer" in html_text
    assert '"areas":{"type":"FeatureCollection"' in html_text.replace(" ", "")


D0, D1, D2 = D(2016, 2, 26), D(2016, 4, 14), D(2016, 6, 27)


@pytest.mark.parametrize(
    ("selected", "before", "after", "expected"),
    [
        ((D0, D1), (D0, D1), (D0, D2), (D0, D2)),  # the whole span stays the whole span: the new release shows
        ((D0, D0), (D0, D1), (D0, D2), (D0, D2)),  # a narrowed range widens to take the new days in
        ((D1, D1), (D0, D1), (D(2015, 1, 1), D1), (D(2015, 1, 1), D1)),  # an older release
        ((D0,), (D0, D1), (D0, D2), (D0, D2)),  # half-picked range
        ((D0, D1), (D0, D1), (None, None), (D0, D1)),  # nothing dated any more: unchanged
    ],
)
def test_the_date_filter_widens_after_an_upload(selected, before, after, expected) -> None:
    assert widen_dates(selected, before, after) == expected


def test_an_active_date_filter_is_stated() -> None:
    assert date_filter_note(Filters()) == ""
    note = date_filter_note(Filters(since=D0, until=D1))
    assert note.startswith("Published 2016-02-26 to 2016-04-14") and "undated" in note


def test_missing_values_are_blank_in_exports_and_tables() -> None:
    rows = [mention(PLACES[0], published=None, admin1_name=None), mention(PLACES[1])]
    gdf = mentions_gdf(rows)
    csv = to_csv(gdf).decode("utf-8")
    assert "NaT" not in csv and "None" not in csv and "nan" not in csv
    geo = json.loads(export_bytes(gdf, "geojson").data)
    assert {f["properties"]["published"] for f in geo["features"]} == {None, "2015-12-28"}
    table = blank_missing(gpd.GeoDataFrame(gdf.drop(columns="geometry")))
    assert table["published"].tolist()[0] == "" and table["admin1_name"].tolist()[0] == ""


def test_briefing_lists_the_places_beyond_the_map() -> None:
    gdf = mentions_gdf([mention(p) for p in PLACES])
    content = briefing_content(gdf, Briefing(), STYLES)
    assert content.beyond == ("Canada", "Libya") and content.extent == (33.42, 39.01, 36.34, 43.31)
    html_text = briefing_html(gdf, Briefing(), styles=STYLES)
    assert 'class="mapdash-brief-beyond">Libya<' in html_text and "Beyond this map" in html_text
    assert "GSHHG" in html_text


def test_png_fallback_draws_countries_as_outlines(tmp_path: Path) -> None:
    gdf = mentions_gdf([mention(p) for p in PLACES])
    made = export_bytes(gdf, "png", Briefing(), renderer="matplotlib", size=(800, 500), scale=1, styles=STYLES)
    assert made.data[:8] == b"\x89PNG\r\n\x1a\n"
    points = {p.name: p for p in made.snapshot.content.places} if hasattr(made.snapshot, "content") else {}
    assert not points or points["Libya"].kind == "country"


def test_reference_layers_ship_and_are_served() -> None:
    files = assets.vendor_files()
    for rel in (
        "basemap/rivers.geojson",
        "basemap/lakes.geojson",
        "basemap/towns.json",
        "basemap/admin1-labels.json",
        "basemap/towns/40_30.json",
        "basemap/admin1-lines/40_30.json",
    ):
        assert rel in files and files[rel].exists(), rel
    rivers = json.loads(files["basemap/rivers.geojson"].read_text(encoding="utf-8"))
    theatre_rivers = [f for f in rivers["features"] if f["properties"]["detail"] == "theatre"]
    assert theatre_rivers and min(f["properties"]["z"] for f in theatre_rivers) <= 3
    towns = json.loads(files["basemap/towns.json"].read_text(encoding="utf-8"))
    assert any(t[0] == "Mosul" for t in towns)


def test_standalone_map_inlines_the_reference_layers_around_the_theatre() -> None:
    html_text = build_map(mentions_gdf([mention(p) for p in PLACES]), asset_base=None).get_root().render()
    assert '"basemap/rivers.geojson":' in html_text and '"basemap/towns/40_30.json":' in html_text
    assert '"basemap/towns/0_40.json":' not in html_text  # far from Iraq and Syria: left out
    assert "fetch(" not in html_text


def test_undated_releases_never_place_a_phase_in_time_and_no_row_is_empty() -> None:
    import pandas as pd

    from mapdash.render.timeline import phase_events, place_histories, timeline_chart

    hit = ("Hit", 33.64, 42.83, "IQ", "Iraq", "Al Anbar", "city", "")
    rows = [
        {**mention(hit, doc_id="d1", published=D(2016, 2, 26), phase="enemy_held"), "phase_from": pd.NaT},
        {**mention(hit, doc_id="d2", published=None, phase="retaken"), "phase_from": D(2016, 3, 1)},  # undated release
        {**mention(PLACES[0], doc_id="d2", published=None, phase="retaken"), "phase_from": None},
    ]
    frame = pd.DataFrame(rows)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    events = phase_events(gdf, STYLES)
    assert events[["place_name", "phase"]].values.tolist() == [["Hit", "enemy_held"]]
    assert place_histories(events)["latest"].tolist() == ["Enemy-held"]
    chart = timeline_chart(events, STYLES).to_dict()
    data = next(iter(chart["datasets"].values())) if "datasets" in chart else chart["data"]["values"]
    assert {r["place_name"] for r in data} == {"Hit"} and all(r["day"] for r in data)
