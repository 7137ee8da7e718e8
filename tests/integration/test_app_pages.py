"""Each page's logic in streamlit's AppTest: filters restored from the URL, the place details, the Places
page's correction, the Quotes search, adding and reading a document, the Timeline's tables."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapdash.settings import REPO_ROOT
from mapdash.ui.state import SESSION_KEY

TITLE = "Counter-ISIL Campaign Continues, President Says"
RELEASE = (
    "Coalition Strikes Hit ISIL Near Fallujah\n\n"
    "Coalition aircraft struck ISIL fighting positions near Fallujah and Tikrit in Iraq yesterday, officials said. "
    "Iraqi forces recently pushed ISIL out of Baiji, the spokesman said.\n\n"
    "The strikes destroyed several fighting positions, he added."
)


def open_app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **params: str | list[str]) -> AppTest:
    """Run the app on a database with URL query parameters, then switch to a page."""
    monkeypatch.setenv("MAPDASH_DB", str(db))
    monkeypatch.chdir(REPO_ROOT)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def writable_db(seed_db: Path, tmp_path: Path) -> Path:
    """A copy of the seed database that a test may change."""
    copy = tmp_path / "seed-copy.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def component_script(at: AppTest) -> str:
    """Return the st_folium map's script, with the places data it fetches from the app's static files."""
    (component,) = [
        el for el in at.main if 'component_name: "streamlit_folium.st_folium"' in str(getattr(el, "proto", ""))
    ]
    script = json.loads(component.proto.json_args)["script"]
    published = re.search(r'fetch\("/app/static/(cache/[^"]+\.json)"\)', script)
    return script + ((REPO_ROOT / "static" / published.group(1)).read_text(encoding="utf-8") if published else "")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": ["Syria"]}, {"Syria", "Ar Raqqah"}),
        ({"country": ["Iraq"], "phase": ["Retaken"]}, {"Ramadi"}),
        ({"phase": ["Next target"]}, {"Hīt"}),
        ({"phase": ["Ultimate goal"], "country": ["Iraq"]}, {"Mosul"}),
        ({"q": "training camp"}, {"Libya"}),
        ({"confidence": "0.95", "country": ["Syria"]}, {"Syria"}),
    ],
)
def test_filters_in_the_url_drive_the_map_and_table(
    seed_db: Path, monkeypatch: pytest.MonkeyPatch, params: dict, expected: set[str]
) -> None:
    at = open_app(seed_db, monkeypatch, **params)
    assert set(at.dataframe[0].value["place_name"]) == expected
    assert at.caption[0].value.startswith(f"{len(expected)} place{'' if len(expected) == 1 else 's'}, ")
    script = component_script(at)
    for name in expected:
        assert name in script


def test_a_shared_view_and_place_reopen(seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(seed_db, monkeypatch, view="33.4000,43.3000,7", place="Mosul")
    script = component_script(at)
    assert "fitBounds" not in script and "33.4" in script
    assert at.selectbox(key="place").value == "gn:99072"
    details = "".join(h.proto.body for h in at.get("html"))
    assert "mapdash-sentence" in details and 'data-place="gn:99072"' in details
    assert "mention in 1 document (" in at.caption[1].value


def test_places_page_corrects_a_resolution(writable_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(writable_db, monkeypatch, "views/places.py")
    mentions = int(at.dataframe[0].value.set_index("place_name").loc["Ar Raqqah", "mentions"])
    at.selectbox(key="place").select("gn:172955").run()
    candidates = at.dataframe[2].value
    assert candidates.iloc[0]["place_id"] == "gn:172955" and "gn:172957" in set(candidates["place_id"])
    # AppTest does not keep a query-bound widget's value between runs (a browser does): choose it again.
    at.selectbox(key="place").select("gn:172955")
    at.selectbox(key="correct_candidate").select("gn:172957")
    at.text_input(key="correct_note").input("the province is meant")
    at.button(key="correct_submit").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [f"{mentions} mention(s) corrected."]
    table = at.dataframe[0].value.set_index("place_id")
    assert table.loc["gn:172957", "feature"] == "admin1" and table.loc["gn:172957", "corrected"] == mentions
    assert "gn:172955" not in table.index


def test_quotes_page_searches_and_links(seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(seed_db, monkeypatch, "views/quotes.py", speaker=["Barack Obama"])
    everything = at.dataframe[0].value
    assert len(everything) >= 10 and set(everything["speaker"]) == {"Barack Obama"}
    at.text_input(key="quote_search").input("Ramadi").run()
    found = at.dataframe[0].value
    assert 1 <= len(found) < len(everything) and all("Ramadi" in p for p in found["places"])
    assert found["document_link"].str.startswith("./documents?doc=").all()
    assert found["map_link"].str.contains("place=Ramadi").all()  # the most precise place, not Iraq


def test_documents_page_adds_pasted_text_and_reads_it(writable_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(writable_db, monkeypatch, "views/documents.py")
    assert at.caption[0].value == "1 document"
    at.text_input(key="paste_title").input("Strikes near Fallujah")
    at.text_area(key="paste_text").input(RELEASE)
    at.button(key="paste_add").click().run()
    assert not at.exception, at.exception
    deadline = time.monotonic() + 180  # the release is geoparsed by a job in a worker process; the page polls it
    while at.session_state[SESSION_KEY].documents.job_id is not None and time.monotonic() < deadline:
        time.sleep(1)
        at.run()
    results = at.dataframe[0].value
    assert list(results["status"]) == ["added"] and results.iloc[0]["places"] >= 3
    assert "2 documents" in [c.value for c in at.caption]
    assert "Strikes near Fallujah" in at.sidebar.multiselect[2].options
    at.selectbox(key="doc").select_index(at.selectbox(key="doc").options.index("Strikes near Fallujah")).run()
    reader = "".join(h.proto.body for h in at.get("html"))
    assert "Al Fall" in reader and 'class="mapdash-place"' in reader


def test_timeline_page_lists_retaken_and_next_targets(seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(seed_db, monkeypatch, "views/timeline.py")
    assert at.get("vega_lite_chart"), "the timeline chart"
    assert list(at.dataframe[0].value["place_name"]) == ["Ramadi"]  # retaken, chosen by default
    at.selectbox[0].select("next_target").run()
    assert set(at.dataframe[0].value["place_name"]) == {"Hīt"}
    histories = at.dataframe[1].value.set_index("place_name")
    assert "Enemy-held" in histories.loc["Ar Raqqah", "history"]
    assert "mapdash-timeline" in component_script(at)
