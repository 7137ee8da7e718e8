"""Every page runs without a browser (streamlit AppTest) on the seed database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app_pages import component_script

from mapdash.settings import REPO_ROOT

PAGES = ["views/map.py", "views/places.py", "views/quotes.py", "views/documents.py", "views/timeline.py"]


@pytest.fixture
def app(seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app on the seed database."""
    monkeypatch.setenv("MAPDASH_DB", str(seed_db))
    monkeypatch.chdir(REPO_ROOT)
    return AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)


def test_map_page_is_the_default_and_draws_the_places(app: AppTest) -> None:
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Campaign map"
    (component,) = [c for c in app.get("iframe") if "streamlit_folium" in str(c.proto)] or _components(app)
    script = component_script(app)  # the map's script and the places data it fetches
    for name in ("Ramadi", "Mosul", "Ar Raqqah", "Al Anbar", "Libya", "Canada"):
        assert name in script
    assert "cdn.jsdelivr" not in script and "unpkg.com" not in script
    table = app.dataframe[0].value
    assert {"Hīt", "Mosul", "Ar Raqqah"} <= set(table["place_name"])


def _components(app: AppTest) -> list:
    """Return the custom components of the page (st_folium is one)."""
    return [
        el
        for el in app.main
        if type(el).__name__ == "UnknownElement" and 'component_name: "streamlit_folium.st_folium"' in str(el.proto)
    ]


@pytest.mark.parametrize("page", PAGES[1:])
def test_other_pages_run(app: AppTest, page: str) -> None:
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    assert app.dataframe, f"{page} shows a table"


def test_country_filter_narrows_the_table(app: AppTest) -> None:
    app.run()
    app.sidebar.multiselect[0].select("Syria").run()
    assert not app.exception
    assert set(app.dataframe[0].value["place_name"]) == {"Syria", "Ar Raqqah"}


def test_empty_database_shows_an_empty_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPDASH_DB", str(tmp_path / "empty.sqlite"))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert os.path.exists(tmp_path / "empty.sqlite")
