"""The offline map opened in Chromium: Leaflet runs, land and markers draw, and no request leaves 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from harness import RequestLog, launch_chromium, record_requests, serve_directory
from test_maps import PLACES, XSS, five_places, mention, mentions_gdf

from mapdash.render import assets
from mapdash.render.maps import build_map

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
SCREENSHOT = Path("/tmp/mapdash_map.png")
PLACE_IDS = {f"test:{p[0].lower()}" for p in PLACES}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Serve a folder laid out like Streamlit's static serving: /app/static/vendor/... plus test pages."""
    root = tmp_path_factory.mktemp("site")
    assets.install_static(root / "app" / "static")
    with serve_directory(root) as base:
        yield root, base


@dataclass
class OpenMap:
    """A map page open in Chromium, with what it requested and any dialogs it raised."""

    page: Page
    log: RequestLog
    dialogs: list[str]


@contextmanager
def open_map(site: tuple[Path, str], name: str, html_text: str, wait_for: dict[str, int]) -> Iterator[OpenMap]:
    """Write a page, open it in a fresh Chromium and wait until each selector matches at least n elements."""
    root, base = site
    (root / name).write_text(html_text, encoding="utf-8")
    with launch_chromium() as context:
        log = record_requests(context)
        page = context.new_page()
        dialogs: list[str] = []
        errors: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/{name}")
        page.wait_for_load_state("networkidle")
        for selector, count in wait_for.items():
            page.wait_for_function(f"document.querySelectorAll({selector!r}).length >= {count}", timeout=10_000)
        assert errors == []
        yield OpenMap(page, log, dialogs)


MARKERS, LAND = "path.mapdash-marker", "path.mapdash-land"


def test_app_map_draws_offline(site: tuple[Path, str]) -> None:
    html_text = build_map(five_places()).get_root().render()
    with open_map(site, "map.html", html_text, {MARKERS: 5, LAND: 200}) as opened:
        page = opened.page
        assert page.locator(".leaflet-container").is_visible()
        assert {page.locator(f'{MARKERS}[data-place="{pid}"]').count() for pid in PLACE_IDS} == {1}
        assert page.locator(f'{MARKERS}[data-phase="retaken"]').count() == 1
        assert page.locator(".mapdash-legend-item").count() == 4
        assert page.locator(".mapdash-country-label").count() > 20
        page.screenshot(path=str(SCREENSHOT))
        assert opened.log.external() == [] and opened.log.blocked == []
        paths = opened.log.paths()
        assert f"{assets.APP_ASSET_BASE}/{assets.LEAFLET_JS}" in paths
        assert f"{assets.APP_ASSET_BASE}/{assets.BASEMAP}" in paths
        assert all(p == "/map.html" or p.startswith(assets.APP_ASSET_BASE + "/") for p in paths), paths
        # fitBounds put every town of the theatre inside the visible map (countries are outlines, Canada beyond it).
        box = page.locator(".leaflet-container").bounding_box()
        for marker in page.locator(f"{MARKERS}:not(.mapdash-country-place)").all():
            m = marker.bounding_box()
            assert (
                box
                and m
                and box["x"] <= m["x"] <= box["x"] + box["width"]
                and box["y"] <= m["y"] <= box["y"] + box["height"]
            )


def test_popup_shows_escaped_text_and_runs_nothing(site: tuple[Path, str]) -> None:
    row = mention(PLACES[0], place_name=f"Ramadi {XSS}", sentence=f"Forces entered Ramadi {XSS} today.")
    html_text = build_map(mentions_gdf([row, mention(PLACES[1])])).get_root().render()
    with open_map(site, "xss.html", html_text, {MARKERS: 2}) as opened:
        opened.page.locator(f'{MARKERS}[data-place="test:ramadi"]').click()
        popup = opened.page.locator(".leaflet-popup-content .mapdash-popup")
        popup.wait_for(timeout=5_000)
        assert XSS in popup.inner_text()  # shown as text...
        assert popup.locator("script").count() == 0  # ...never as an element
        assert opened.dialogs == [] and opened.log.external() == []


def test_standalone_map_makes_no_other_request(site: tuple[Path, str]) -> None:
    html_text = build_map(five_places(), asset_base=None).get_root().render()
    with open_map(site, "standalone.html", html_text, {MARKERS: 5, LAND: 200}) as opened:
        assert opened.log.paths() == ["/standalone.html"]
        assert opened.log.external() == []


def test_many_places_cluster_locally(site: tuple[Path, str]) -> None:
    rows = [
        mention(
            ("Spot", 30 + (i % 25) * 0.3, 35 + (i // 25) * 0.3, "IQ", "Iraq", None, "city", "strike"),
            place_id=f"test:spot{i}",
            place_name=f"Spot {i}",
        )
        for i in range(500)
    ]
    with open_map(
        site, "cluster.html", build_map(mentions_gdf(rows)).get_root().render(), {".marker-cluster": 1}
    ) as opened:
        assert f"{assets.APP_ASSET_BASE}/{assets.CLUSTER_JS}" in opened.log.paths()
        assert opened.log.external() == []
