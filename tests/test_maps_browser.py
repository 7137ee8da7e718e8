"""The offline map opened in Chromium: Leaflet runs, land and markers draw, and no request leaves 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import launch_chromium, record_requests, serve_directory
from test_maps import PLACES, XSS, five_places, mention, mentions_gdf

from mapdash import assets
from mapdash.maps import build_map

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


def open_map(site: tuple[Path, str], name: str, html_text: str, **wait_for: int):
    """Write a page, open it in a fresh Chromium, wait for markers and land; return (page, log, dialogs)."""
    root, base = site
    (root / name).write_text(html_text, encoding="utf-8")
    browser = launch_chromium()
    context = browser.__enter__()
    log = record_requests(context)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/{name}")
    page.wait_for_load_state("networkidle")
    for selector, count in wait_for.items():
        page.wait_for_function(f"document.querySelectorAll({selector!r}).length >= {count}", timeout=10_000)
    assert errors == []
    return browser, page, log, dialogs


SELECTORS = {"markers": "path.mapdash-marker", "land": "path.mapdash-land"}


def counts(page) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Return how many markers and land polygons the page drew."""
    return {key: page.locator(css).count() for key, css in SELECTORS.items()}


def test_app_map_draws_offline(site: tuple[Path, str]) -> None:
    browser, page, log, _ = open_map(site, "map.html", build_map(five_places()).get_root().render(),
                                     **{SELECTORS["markers"]: 5, SELECTORS["land"]: 200})
    try:
        assert page.locator(".leaflet-container").is_visible()
        assert {page.locator(f'path.mapdash-marker[data-place="{pid}"]').count() for pid in PLACE_IDS} == {1}
        assert page.locator('path.mapdash-marker[data-phase="retaken"]').count() == 1
        assert page.locator(".mapdash-legend-item").count() == 4
        assert page.locator(".mapdash-country-label").count() > 20
        page.screenshot(path=str(SCREENSHOT))
        assert log.external() == [] and log.blocked == []
        paths = log.paths()
        assert f"{assets.APP_ASSET_BASE}/{assets.LEAFLET_JS}" in paths
        assert f"{assets.APP_ASSET_BASE}/{assets.BASEMAP}" in paths
        assert all(p == "/map.html" or p.startswith(assets.APP_ASSET_BASE + "/") for p in paths), paths
        # Markers sit over their country: Ramadi's marker lies inside the Iraq polygon's box on screen.
        ramadi = page.locator('path.mapdash-marker[data-place="test:ramadi"]').bounding_box()
        container = page.locator(".leaflet-container").bounding_box()
        assert ramadi and container and container["x"] < ramadi["x"] < container["x"] + container["width"]
    finally:
        browser.__exit__(None, None, None)


def test_popup_shows_escaped_text_and_runs_nothing(site: tuple[Path, str]) -> None:
    row = mention(PLACES[0], place_name=f"Ramadi {XSS}", sentence=f"Forces entered Ramadi {XSS} today.")
    html_text = build_map(mentions_gdf([row, mention(PLACES[1])])).get_root().render()
    browser, page, log, dialogs = open_map(site, "xss.html", html_text, **{SELECTORS["markers"]: 2})
    try:
        page.locator('path.mapdash-marker[data-place="test:ramadi"]').click()
        popup = page.locator(".leaflet-popup-content .mapdash-popup")
        popup.wait_for(timeout=5_000)
        assert XSS in popup.inner_text()  # shown as text...
        assert popup.locator("script").count() == 0  # ...never as an element
        assert dialogs == [] and log.external() == []
    finally:
        browser.__exit__(None, None, None)


def test_standalone_map_makes_no_other_request(site: tuple[Path, str]) -> None:
    html_text = build_map(five_places(), asset_base=None).get_root().render()
    browser, page, log, _ = open_map(site, "standalone.html", html_text,
                                     **{SELECTORS["markers"]: 5, SELECTORS["land"]: 200})
    try:
        assert log.paths() == ["/standalone.html"]
        assert log.external() == []
    finally:
        browser.__exit__(None, None, None)


def test_many_places_cluster_locally(site: tuple[Path, str]) -> None:
    rows = [
        mention(("Spot", 30 + (i % 25) * 0.3, 35 + (i // 25) * 0.3, "IQ", "Iraq", None, "city", "strike"),
                place_id=f"test:spot{i}", place_name=f"Spot {i}")
        for i in range(500)
    ]
    browser, page, log, _ = open_map(site, "cluster.html", build_map(mentions_gdf(rows)).get_root().render(),
                                     **{".marker-cluster": 1})
    try:
        assert f"{assets.APP_ASSET_BASE}/{assets.CLUSTER_JS}" in log.paths()
        assert log.external() == []
    finally:
        browser.__exit__(None, None, None)
