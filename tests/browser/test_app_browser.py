"""The running dashboard in Debian's Chromium: the offline map shows every expected place, and no
request leaves 127.0.0.1."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import free_port, launch_chromium, record_requests, run_app

pytestmark = pytest.mark.browser
SCREENSHOT = Path(os.environ.get("MAPDASH_SCREENSHOT", "/tmp/mapdash_app.png"))
EXPECTED = {
    "gn:163843": "Syria",
    "gn:99237": "Iraq",
    "gn:98717": "Ramadi",
    "gn:95788": "Hit",
    "gn:99592": "Anbar",
    "gn:99072": "Mosul",
    "gn:172955": "Raqqa",
    "gn:2215636": "Libya",
    "gn:2328926": "Nigeria",
    "gn:1149361": "Afghanistan",
    "gn:2750405": "Netherlands",
    "gn:102358": "Saudi Arabia",
    "gn:290557": "United Arab Emirates",
    "gn:6251999": "Canada",
}


@pytest.fixture(scope="module")
def app_url(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `mapdash serve` on a free port with the seed database; yield its URL."""
    command = [sys.executable, "-m", "mapdash", "--db", str(seed_db), "serve", "--port", str(free_port())]
    with run_app(command, tmp_path_factory.mktemp("serve") / "serve.log", env={"MAPDASH_DB": str(seed_db)}) as (
        url,
        _pid,
    ):
        yield url


def test_map_shows_every_expected_place_offline(app_url: str) -> None:
    with launch_chromium(viewport=(1500, 950)) as context:
        requests = record_requests(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(app_url)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        frame.locator("path.mapdash-marker").first.wait_for(state="visible", timeout=90_000)
        container = frame.locator(".leaflet-container")
        assert container.is_visible()
        box = container.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 300
        assert frame.locator("path.mapdash-land").count() > 100, "the offline basemap drew"
        shown = {el.get_attribute("data-place") for el in frame.locator("path.mapdash-marker").all()}
        missing = {pid: name for pid, name in EXPECTED.items() if pid not in shown}
        assert not missing, f"no marker for {missing}"
        page.wait_for_timeout(1500)
        page.screenshot(path=str(SCREENSHOT))
        assert requests.external() == [], requests.external()
        assert requests.blocked == []
        assert errors == []
