"""Exports that need Chromium: the PNG/PDF snapshot drawn by it, the HTML export opened offline, the app's buttons."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import pytest
from harness import launch_chromium
from test_app_browser import app_url  # noqa: F401 - the running app, as a fixture
from test_export_seed import MAP_BOX, assert_not_blank, assert_phase_colours, decode, rgb, seed_gdf  # noqa: F401

from mapdash.export import export_bytes
from mapdash.export.briefing import Briefing, briefing_content
from mapdash.export.snapshot import chromium_missing, render_snapshot
from mapdash.render.maps import shipped_phase_styles

pytestmark = pytest.mark.browser
IRAQ = (31.5, 37.0, 37.5, 45.0)  # south, west, north, east
SNAPSHOT = Path("/tmp/mapdash_export.png")


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    """Skip where Chromium or playwright is missing (the fallback is tested in test_export)."""
    if missing := chromium_missing():
        pytest.skip(f"Chromium snapshots: {missing}")


def test_png_of_the_seed_view(seed_gdf: gpd.GeoDataFrame) -> None:  # noqa: F811 - the fixture
    shot = render_snapshot(seed_gdf, Briefing(), "png", size=(1600, 1000), scale=2, renderer="chromium")
    SNAPSHOT.write_bytes(shot.data)
    assert shot.renderer == "chromium" and shot.note == ""
    image = decode(shot.data)
    assert image.size == (3200, 2000)
    assert_not_blank(image)
    content = briefing_content(seed_gdf, Briefing())
    # The theatre (Iraq and Syria) fills the map; countries are outlines, and those beyond it are listed beside it.
    seen = assert_phase_colours(shot, content.places, MAP_BOX, minimum=3)
    assert {"retaken", "enemy_held", "ultimate_goal"} <= set(seen)
    assert {"Canada", "Libya", "Afghanistan"} <= {b.split(" — ")[0] for b in content.beyond}


def test_png_follows_the_view(seed_gdf: gpd.GeoDataFrame) -> None:  # noqa: F811
    shot = render_snapshot(seed_gdf, Briefing(view=IRAQ), "png", size=(1600, 1000), scale=1, renderer="chromium")
    content = briefing_content(seed_gdf, Briefing(view=IRAQ))
    seen = assert_phase_colours(shot, content.places, MAP_BOX, minimum=4)
    assert {"retaken", "enemy_held", "ultimate_goal"} <= set(seen), "Ramadi, Hit and Mosul stand apart in this view"
    x, y = shot.positions["gn:98717"]  # Ramadi, retaken
    got = decode(shot.data).getpixel((round(x), round(y)))
    assert max(abs(g - w) for g, w in zip(got, rgb(shipped_phase_styles()["retaken"].color), strict=True)) <= 30
    assert shot.positions["gn:6251999"][0] < 0, "Canada is off this view"


def test_chromium_and_the_fallback_put_places_at_the_same_pixels(seed_gdf: gpd.GeoDataFrame) -> None:  # noqa: F811
    for view in (None, IRAQ):
        drawn = render_snapshot(seed_gdf, Briefing(view=view), "png", scale=1, renderer="chromium").positions
        static = render_snapshot(seed_gdf, Briefing(view=view), "png", scale=1, renderer="matplotlib").positions
        assert drawn.keys() == static.keys()
        on_map = {
            k: xy for k, xy in drawn.items() if MAP_BOX[0] <= xy[0] <= MAP_BOX[2] and MAP_BOX[1] <= xy[1] <= MAP_BOX[3]
        }
        assert len(on_map) >= 6
        for place_id, (x, y) in on_map.items():
            assert static[place_id] == pytest.approx((x, y), abs=2), place_id


def test_pdf_is_one_page_of_the_same_layout(seed_gdf: gpd.GeoDataFrame) -> None:  # noqa: F811
    result = export_bytes(seed_gdf, "pdf", Briefing(title="Counter-ISIL briefing"), renderer="chromium")
    assert result.snapshot is not None and result.snapshot.renderer == "chromium"
    assert result.data.startswith(b"%PDF") and b"Counter-ISIL briefing" in result.data
    assert result.data.count(b"/Type /Page") - result.data.count(b"/Type /Pages") == 1


def test_html_export_works_with_the_network_off(seed_gdf: gpd.GeoDataFrame, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "map.html"
    path.write_bytes(export_bytes(seed_gdf, "html", Briefing(title="Offline check")).data)
    places = briefing_content(seed_gdf, Briefing()).places
    with launch_chromium(viewport=(1400, 900)) as context:
        context.set_offline(True)
        leaving: list[str] = []
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).scheme in ("file", "data", "about")
                else (leaving.append(route.request.url), route.abort("blockedbyclient"))
            ),
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_function(
            f"document.querySelectorAll('path.mapdash-marker').length >= {len(places)}", timeout=20_000
        )
        assert page.locator("path.mapdash-land").count() > 100, "the inlined basemap drew"
        assert {el.get_attribute("data-place") for el in page.locator("path.mapdash-marker").all()} == {
            p.place_id for p in places
        }
        assert page.title() == "Offline check" and page.locator(".mapdash-brief-title").inner_text() == "Offline check"
        assert page.locator(".mapdash-brief-legend-item").count() >= 5
        assert page.locator(".leaflet-control-zoom").is_visible(), "the HTML export stays interactive"
        # The theatre in view, its phased places named; Libya (a country, beyond it) listed beside the map.
        page.wait_for_function("document.querySelectorAll('.mapdash-place-name').length >= 3", timeout=10_000)
        named = {el.get_attribute("data-place") for el in page.locator(".mapdash-place-name").all()}
        assert {"gn:98717", "gn:99072"} <= named  # Ramadi, Mosul
        assert "Libya" in page.locator(".mapdash-brief-side").inner_text()
        page.locator('path.mapdash-marker[data-place="gn:99072"]').click(force=True)  # Mosul
        assert "Mosul" in page.locator(".mapdash-popup").inner_text(timeout=5_000)
        assert errors == [] and leaving == []


def test_the_map_page_downloads_what_it_shows(app_url: str) -> None:  # noqa: F811
    with launch_chromium(viewport=(1500, 950)) as context:
        page = context.new_page()
        page.goto(app_url)
        button = page.get_by_role("button", name="CSV", exact=True)
        button.wait_for(timeout=90_000)
        with page.expect_download(timeout=60_000) as csv_download:
            button.click()
        rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
        assert csv_download.value.suggested_filename.endswith(".csv") and len(rows) > 20
        assert {"Ramadi", "Mosul", "Libya"} <= {r["place_name"] for r in rows}
        with page.expect_download(timeout=60_000) as png_download:
            page.get_by_role("button", name="PNG", exact=True).click()
        image = decode(Path(png_download.value.path()).read_bytes())
        assert image.size == (3200, 2000)
        assert_not_blank(image)
