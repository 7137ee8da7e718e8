"""The analyst's dashboard in Debian's Chromium against the running app: filters narrow the markers and
the table to exactly the expected places, a copied URL reopens the same view, panning and zooming never
rerun the app, a click opens a place's sentences, an uploaded release's places appear, and no request
leaves 127.0.0.1."""

from __future__ import annotations

import sqlite3
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from harness import RequestLog, free_port, launch_chromium, record_requests, run_app

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, FrameLocator, Page

pytestmark = pytest.mark.browser
MAP = 'iframe[title="streamlit_folium.st_folium"]'
IRAQ = {"gn:99237", "gn:98717", "gn:95788", "gn:99592", "gn:99072"}  # Iraq, Ramadi, Hit, Anbar, Mosul
RELEASE = (
    "Coalition Strikes Hit ISIL Near Fallujah\n\n"
    "Coalition aircraft struck ISIL fighting positions near Fallujah and Tikrit in Iraq yesterday, officials said. "
    "Iraqi forces recently pushed ISIL out of Baiji, the spokesman said.\n\n"
    "The strikes destroyed several fighting positions, he added.\n"
)


@pytest.fixture(scope="module")
def served(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Start `mapdash serve` on a copy of the seed database (the upload test adds to it); yield (URL, database)."""
    folder = tmp_path_factory.mktemp("dashboard")
    db = folder / "seed.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    command = [sys.executable, "-m", "mapdash", "--db", str(db), "serve", "--port", str(free_port())]
    with run_app(command, folder / "serve.log", env={"MAPDASH_DB": str(db)}) as (url, _pid):
        yield url, db


@pytest.fixture
def browser() -> Iterator[tuple[BrowserContext, RequestLog, list[str]]]:
    """A fresh Chromium recording every request and page error; at the end nothing may have left 127.0.0.1."""
    with launch_chromium(viewport=(1500, 1000)) as context:
        log = record_requests(context)
        errors: list[str] = []
        context.on("page", lambda page: page.on("pageerror", lambda e: errors.append(str(e))))
        yield context, log, errors
        assert log.external() == [] and log.blocked == [], log.external() + log.blocked
        assert errors == []


def eventually(check: Callable[[], object], timeout: float = 60.0, message: str = "") -> object:
    """Return check()'s first truthy result, polling until timeout; fail with the last value otherwise."""
    deadline, value = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception as exc:  # noqa: BLE001 - an element mid-rerun: try again
            value = exc
        if value and not isinstance(value, Exception):
            return value
        time.sleep(0.3)
    raise AssertionError(f"{message or 'condition'} not met in {timeout:.0f} s; last: {value!r}")


def the_map(page: Page) -> FrameLocator:
    """Return the map's frame."""
    return page.frame_locator(MAP)


def markers(page: Page) -> set[str]:
    """Return the place ids of the markers drawn on the map."""
    return {el.get_attribute("data-place") or "" for el in the_map(page).locator("path.mapdash-marker").all()}


def table_names(page: Page) -> list[str]:
    """Return the first column of the page's first table (glide's accessible grid holds the visible cells)."""
    cells = page.locator('[data-testid="stDataFrame"]').first.locator('td[aria-colindex="1"]')
    return cells.all_inner_texts()


def address(page: Page) -> str:
    """Return the address bar's URL (page.url can lag behind history.pushState)."""
    return page.evaluate("location.href")


def view(page: Page) -> list[float]:
    """Return the map's centre and zoom."""
    return (
        the_map(page)
        .locator(".leaflet-container")
        .evaluate("() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }")
    )


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option in a sidebar multiselect, as an analyst does: click, type, Enter."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def open_map(context: BrowserContext, url: str) -> Page:
    """Open the app at url and wait for its markers."""
    page = context.new_page()
    page.goto(url)
    the_map(page).locator("path.mapdash-marker").first.wait_for(state="attached", timeout=90_000)
    return page


def test_country_and_phase_filters_narrow_markers_and_table(served, browser) -> None:
    url, _ = served
    page = open_map(browser[0], url)
    assert len(eventually(lambda: markers(page) if len(markers(page)) >= 14 else None)) >= 14
    choose(page, "Country", "Iraq")
    eventually(lambda: markers(page) == IRAQ, message="only Iraq's places on the map")
    eventually(
        lambda: sorted(table_names(page)) == sorted(["Iraq", "Ramadi", "Hīt", "Al Anbar", "Mosul"]),
        message="Iraq's places in the table",
    )
    assert the_map(page).locator('path.mapdash-admin1[data-place="gn:99592"]').count() == 1  # Anbar shaded
    choose(page, "Campaign phase", "Retaken")
    eventually(lambda: markers(page) == {"gn:98717"}, message="only Ramadi")
    eventually(lambda: table_names(page) == ["Ramadi"], message="only Ramadi in the table")
    assert "country=Iraq" in address(page) and "phase=Retaken" in address(page)


def recording_page(context, url: str) -> tuple[Any, list[float]]:
    """Open url in a new page; return it and the list of times it sends a websocket message (a rerun request)."""
    page = context.new_page()
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _payload: sent.append(time.monotonic())))
    page.goto(url)
    return page, sent


def test_panning_and_zooming_never_rerun_but_a_click_opens_the_place(served, browser) -> None:
    url, _ = served
    page, sent = recording_page(browser[0], f"{url}/?country=Iraq")
    eventually(lambda: markers(page) == IRAQ)
    page.wait_for_timeout(1500)
    before = len(sent)
    box = page.locator(MAP).bounding_box()
    page.mouse.move(box["x"] + 250, box["y"] + 300)
    page.mouse.down()
    page.mouse.move(box["x"] + 330, box["y"] + 340, steps=8)
    page.mouse.up()
    page.mouse.wheel(0, 200)  # zooms out: Mosul stays in view for the click below
    the_map(page).locator(".leaflet-control-zoom-out").click()
    page.wait_for_timeout(2000)
    assert len(sent) == before, "panning or zooming sent a message to the server"
    the_map(page).locator('path.mapdash-marker[data-place="gn:99072"]').click()
    sentence = page.locator(".mapdash-sentence mark[data-place='gn:99072']")
    eventually(lambda: sentence.count() >= 1, message="Mosul's sentences beside the map")
    assert len(sent) > before
    eventually(lambda: "place=Mosul" in address(page), message="the place in the address")
    assert sentence.first.inner_text() == "Mosul"


def test_a_copied_url_opens_the_same_view(served, browser) -> None:
    url, _ = served
    context = browser[0]
    page = open_map(context, f"{url}/?country=Iraq&phase=Retaken&phase=Ultimate+goal")
    eventually(lambda: markers(page) == {"gn:98717", "gn:99072"})
    the_map(page).locator('path.mapdash-marker[data-place="gn:98717"]').click()
    eventually(lambda: "place=Ramadi" in address(page), message="the place in the address")
    the_map(page).locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(800)
    page.get_by_role("button", name="Share this view").click()
    eventually(lambda: "view=" in address(page), message="the view in the address bar")
    copied, shown = address(page), view(page)
    eventually(
        lambda: page.locator("code").filter(has_text="view=").count() == 1, message="the address to copy, on the page"
    )

    again = open_map(context, copied)
    eventually(lambda: markers(again) == {"gn:98717", "gn:99072"}, message="the same markers")
    assert view(again) == pytest.approx(shown, abs=1e-3)
    chips = again.locator('[data-testid="stSidebar"] [data-tag] span[title]').all_inner_texts()
    assert {c.strip() for c in chips} == {"Iraq", "Retaken", "Ultimate goal"}
    eventually(
        lambda: again.locator(".mapdash-sentence mark[data-place='gn:98717']").count() >= 1,
        message="Ramadi's sentences",
    )


def test_timeline_plays_the_map_back_in_the_browser(served, browser) -> None:
    url, _ = served
    page, sent = recording_page(browser[0], f"{url}/timeline")
    control = the_map(page).locator(".mapdash-timeline")
    control.wait_for(timeout=90_000)
    eventually(lambda: len(markers(page)) >= 14, message="every place at the last day")
    last_day = control.get_attribute("data-day")
    page.wait_for_timeout(1000)
    before = len(sent)
    # Playback steps by report date: the seed is one release (2016-02-26), so one step, with Ramadi retaken
    # (test_campaign_map_browser replays three releases).
    slider = control.locator("input.mapdash-slider")
    assert (slider.get_attribute("min"), slider.get_attribute("max"), last_day) == ("0", "0", "2016-02-26")
    slider.evaluate("el => { el.value = 0; el.dispatchEvent(new Event('input')); }")
    assert control.get_attribute("data-day") == last_day
    assert the_map(page).locator('path.mapdash-marker[data-place="gn:98717"]').get_attribute("data-phase") == "retaken"
    assert (
        the_map(page).locator('path.mapdash-control[data-place="gn:98717"]').get_attribute("data-control") == "retaken"
    )
    control.locator("button.mapdash-play").click()  # play to the end
    eventually(
        lambda: control.get_attribute("data-day") == last_day and len(markers(page)) >= 14,
        timeout=30,
        message="playback to the end",
    )
    assert len(sent) == before, "the slider and playback stay in the browser"


def test_an_uploaded_release_shows_its_places(served, browser, tmp_path: Path) -> None:
    url, db = served
    release = tmp_path / "strikes-near-fallujah.txt"
    release.write_text(RELEASE, encoding="utf-8")
    page = browser[0].new_page()
    page.goto(f"{url}/documents")
    page.get_by_text("Add releases").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(release))
    page.get_by_role("button", name="Add", exact=True).first.click()
    eventually(lambda: page.get_by_text("1 added").count() >= 1, timeout=180, message="the upload's result")
    with sqlite3.connect(db) as conn:
        ((title, doc_id),) = conn.execute(
            "SELECT title, doc_id FROM documents WHERE source = ?", (release.name,)
        ).fetchall()
        expected = {
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT place_id FROM mentions WHERE doc_id = ? AND place_id IS NOT NULL", (doc_id,)
            )
        }
    assert len(expected) >= 3 and "gn:99237" in expected  # Iraq, Fallujah, Tikrit, ...
    assert title == "Coalition Strikes Hit ISIL Near Fallujah"
    document = open_map(browser[0], f"{url}/?" + urllib.parse.urlencode({"document": title}))
    eventually(lambda: markers(document) == expected, message="the new release's places on the map")
    everything = open_map(browser[0], url)
    eventually(
        lambda: expected <= markers(everything) and len(markers(everything)) > len(expected),
        message="its places among the others",
    )
