"""The campaign map an analyst briefs from (issue 13), in Debian's Chromium against the running app: both
ways of starting it draw the markers; rivers, borders and labelled towns without a label on another; the
theatre in view and the places beyond it listed; control areas with their sentence and date, replayed by
the timeline by report date; a laptop layout; the wheel scrolls the page until the map is clicked; the
date filter after an upload; exports clicked while the page updates."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
import pytest
from harness import free_port, launch_chromium, record_requests, run_app
from test_dashboard_browser import MAP, eventually, markers, the_map

from mapdash.cli import main
from mapdash.settings import REPO_ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
HIT, RAMADI, MOSUL, FALLUJAH, IRAQ, LIBYA = "gn:95788", "gn:98717", "gn:99072", "gn:99454", "gn:99237", "gn:2215636"
# Two later releases: Hit retaken on 2016-04-14, then Fallujah, where fighting went on, retaken on 2016-06-27.
RELEASES = {
    "2016-04-14": "Iraqi Forces Retake Hit\n\nIraqi security forces retook the town of Hit from ISIL, a coalition "
    "spokesman said. "
    "Iraqi forces are fighting in Fallujah, where ISIL fighters remain.\n",
    "2016-06-27": "Fallujah Liberated\n\nIraqi forces retook the city of Fallujah from ISIL, officials said. "
    "Coalition aircraft struck ISIL fighting positions near Mosul.\n",
}


@pytest.fixture(scope="module")
def campaign_db(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed release (2016-02-26) and two later releases, ingested through the command line."""
    folder = tmp_path_factory.mktemp("campaign")
    db = folder / "campaign.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    for day, text in RELEASES.items():
        path = folder / f"release-{day}.txt"
        path.write_text(text, encoding="utf-8")
        assert main(["--db", str(db), "ingest", "--date", day, str(path)]) == 0
    return db


@pytest.fixture(scope="module")
def app(campaign_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mapdash serve` on the campaign database."""
    log = tmp_path_factory.mktemp("campaign-serve") / "serve.log"
    command = [sys.executable, "-m", "mapdash", "--db", str(campaign_db), "serve", "--port", str(free_port())]
    with run_app(command, log, env={"MAPDASH_DB": str(campaign_db)}) as (url, _pid):
        yield url


@pytest.fixture
def page() -> Iterator[Page]:
    """A 1280x720 laptop page; at the end nothing may have left 127.0.0.1 and no script may have failed."""
    with launch_chromium(viewport=(1280, 720)) as context:
        log = record_requests(context)
        errors: list[str] = []
        context.on("page", lambda p: p.on("pageerror", lambda e: errors.append(str(e))))
        yield context.new_page()
        assert log.external() == [] and log.blocked == [], log.external() + log.blocked
        assert errors == []


def open_map(page: Page, url: str) -> None:
    """Open url and wait for the markers."""
    page.goto(url)
    the_map(page).locator("path.mapdash-marker").first.wait_for(state="attached", timeout=90_000)


def set_view(page: Page, lat: float, lon: float, zoom: int) -> None:
    """Move the map (as a user would by zooming) and let its layers and labels follow."""
    # The script returns nothing: a Leaflet map is slow to serialise.
    the_map(page).locator(".leaflet-container").evaluate(
        f"() => {{ window.map.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}"
    )
    page.wait_for_timeout(1200)


LABEL_BOXES = """() => Array.from(document.querySelectorAll('.mapdash-ref-label')).map(e => {
  const r = e.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom, e.textContent, e.className, e.dataset.place || ''];
})"""


def overlapping(boxes: list[list]) -> list[tuple[str, str]]:
    """Return the pairs of labels whose boxes overlap."""
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                pairs.append((a[4], b[4]))
    return pairs


@pytest.mark.parametrize("how", ["mapdash serve", "streamlit run app.py"])
def test_both_ways_of_starting_the_app_draw_the_markers_on_loopback(
    campaign_db: Path, tmp_path: Path, page: Page, how: str
) -> None:
    vendor = REPO_ROOT / "static" / "vendor"
    for name in ("leaflet/leaflet.js", "basemap/rivers.geojson"):  # a fresh clone has none: the app installs them
        (vendor / name).unlink(missing_ok=True)
    port = str(free_port())
    command = (
        [sys.executable, "-m", "mapdash", "--db", str(campaign_db), "serve", "--port", port]
        if how == "mapdash serve"
        else [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", port]
    )
    with run_app(command, tmp_path / "app.log", env={"MAPDASH_DB": str(campaign_db)}, cwd=REPO_ROOT) as (url, pid):
        listening = {
            c.laddr.ip
            for p in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
            for c in p.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        }
        assert listening == {"127.0.0.1"}, f"{how} listens on {listening}"
        open_map(page, url)
        eventually(lambda: {RAMADI, HIT, MOSUL, FALLUJAH} <= markers(page), message="the campaign's markers")
        assert the_map(page).locator("path.mapdash-river").count() > 0
    assert (vendor / "leaflet/leaflet.js").exists() and (vendor / "basemap/rivers.geojson").exists()


def test_rivers_borders_and_labels_that_never_pile_up(app: str, page: Page) -> None:
    open_map(page, app)
    frame = the_map(page)
    eventually(lambda: frame.locator(".mapdash-place-name").count() >= 4, message="the places' names")
    assert frame.locator("path.mapdash-river").count() > 0 and frame.locator("path.mapdash-lake").count() > 0
    # GeoNames knows few Iraqi towns (cities500 holds 169): dense labels where it has them, never one on another.
    for lat, lon, zoom, least in (
        (34.5, 42.0, 5, 15),
        (34.5, 42.0, 6, 15),
        (36.3, 43.1, 8, 10),
        (33.4, 43.3, 9, 3),
        (36.34, 43.13, 10, 3),
    ):
        set_view(page, lat, lon, zoom)
        boxes = frame.locator(".leaflet-container").evaluate(LABEL_BOXES)
        assert len(boxes) >= least, f"labels at zoom {zoom}: {boxes}"
        assert overlapping(boxes) == [], f"labels piled up at zoom {zoom}"
        assert frame.locator("path.mapdash-admin1-line").count() > 0, "first-level borders from zoom 5"
        if least > 3:
            assert sum("mapdash-town" in b[5] for b in boxes) >= 5, f"town names at zoom {zoom}"
            assert any("mapdash-admin1-label" in b[5] for b in boxes) or zoom < 6, f"province names at zoom {zoom}"
    set_view(page, 36.34, 43.13, 8)  # Mosul: its name and the towns around it, the Tigris under them
    names = {b[4] for b in frame.locator(".leaflet-container").evaluate(LABEL_BOXES)}
    assert "Mosul" in names and len(names) >= 10
    assert frame.locator("path.mapdash-river").count() > 0
    set_view(page, 33.5, 43.2, 8)  # every place with a phase that fits is named (Ramadi, Hit, Fallujah)
    named = {b[6] for b in frame.locator(".leaflet-container").evaluate(LABEL_BOXES) if b[6]}
    assert {RAMADI, HIT, FALLUJAH} <= named


def test_countries_are_outlines_and_the_picked_place_is_ringed(app: str, page: Page) -> None:
    open_map(page, f"{app}/?place=Mosul")
    frame = the_map(page)
    iraq = frame.locator(f'path.mapdash-country-place[data-place="{IRAQ}"]')
    eventually(lambda: iraq.count() == 1, message="Iraq as an outline")
    box = iraq.bounding_box()
    assert box is not None and box["width"] > 150 and box["height"] > 150, (
        "a country's outline, not a bubble at its centroid"
    )
    assert frame.locator(f'path.mapdash-marker.mapdash-country-place[data-place="{IRAQ}"]').count() == 1
    ring = frame.locator("path.mapdash-highlight")
    eventually(lambda: ring.count() == 1, message="Mosul ringed")
    mosul = frame.locator(f'path.mapdash-marker[data-place="{MOSUL}"]').bounding_box()
    around = ring.bounding_box()
    assert abs((around["x"] + around["width"] / 2) - (mosul["x"] + mosul["width"] / 2)) < 2
    assert around["width"] > mosul["width"]


def test_the_theatre_is_in_view_and_the_rest_listed_beside_it(app: str, page: Page) -> None:
    open_map(page, app)
    frame = the_map(page)
    view = frame.locator(".leaflet-container").evaluate(
        "() => { const b = window.map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast(), "
        "window.map.getZoom()]; }"
    )
    south, west, north, east, zoom = view
    assert zoom >= 5, "Iraq and Syria, not the world"
    for lat, lon in ((36.34, 43.13), (33.42, 43.30), (35.95, 39.01), (33.35, 43.78)):  # Mosul, Ramadi, Raqqa, Fallujah
        assert south < lat < north and west < lon < east
    assert not (west < 17.0 < east), "Libya is beyond the opening view"
    beyond = page.locator(".st-key-beyond_map")
    eventually(
        lambda: "Libya" in beyond.inner_text() and "Afghanistan" in beyond.inner_text(),
        message="the places beyond, listed",
    )
    assert "Mosul" not in beyond.inner_text()


def test_control_areas_with_sentence_and_date_replayed_by_report_date(app: str, page: Page) -> None:
    open_map(page, app)
    frame = the_map(page)
    area = frame.locator(f'path.mapdash-control[data-place="{HIT}"]')
    eventually(lambda: area.count() == 1, message="Hit's area")
    assert area.get_attribute("data-control") == "retaken"  # its latest report (2016-04-14), not the seed's enemy-held
    assert frame.locator(f'path.mapdash-control[data-place="{RAMADI}"]').get_attribute("data-control") == "retaken"
    assert frame.locator(f'path.mapdash-control[data-place="{FALLUJAH}"]').get_attribute("data-control") == "retaken"
    set_view(page, 33.64, 42.83, 10)
    box = area.bounding_box()  # below the marker at its centre: click the area itself
    area.click(position={"x": box["width"] / 2, "y": box["height"] * 0.85}, force=True)
    popup = frame.locator(".mapdash-control-popup")
    eventually(lambda: popup.count() == 1, message="the area's popup")
    text = popup.inner_text()
    assert "Retaken" in text and "2016-04-14" in text and "retook the town of Hit" in text

    page.goto(f"{app}/timeline")
    control = the_map(page).locator(".mapdash-timeline")
    control.wait_for(timeout=90_000)
    slider = control.locator("input.mapdash-slider")
    days = []
    for i in range(int(slider.get_attribute("max")) + 1):
        slider.evaluate(f"el => {{ el.value = {i}; el.dispatchEvent(new Event('input')); }}")
        days.append(control.get_attribute("data-day"))
        hit = the_map(page).locator(f'path.mapdash-control[data-place="{HIT}"]')
        state = hit.get_attribute("data-control") if hit.count() else None
        fallujah = the_map(page).locator(f'path.mapdash-control[data-place="{FALLUJAH}"]')
        if days[-1] == "2016-02-26":
            assert state == "enemy_held" and fallujah.count() == 0
        if days[-1] == "2016-04-14":
            assert state == "retaken" and fallujah.get_attribute("data-control") == "current_operation"
    assert days == ["2016-02-26", "2016-04-14", "2016-06-27"], "one step per report date"


def test_laptop_layout_legend_and_wheel(app: str, page: Page) -> None:
    open_map(page, app)
    frame_box = page.locator(MAP).bounding_box()
    assert frame_box["height"] >= 0.6 * 720 and frame_box["y"] + frame_box["height"] <= 720, (
        "the map takes most of the viewport"
    )
    title = page.locator('[data-testid="stMain"] h1').first
    assert title.inner_text() == "Campaign map" and title.bounding_box()["height"] <= 40
    counts = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.bounding_box()
    box = title.bounding_box()
    assert box["y"] <= counts["y"] + counts["height"] / 2 <= box["y"] + box["height"], (
        "the counts beside the title, one line"
    )
    assert frame_box["y"] - box["y"] < 60, "the map right under the title"
    legend = the_map(page).locator(".mapdash-legend")
    tall = legend.bounding_box()["height"]
    legend.locator("summary").click()
    eventually(lambda: legend.bounding_box()["height"] < min(30, tall), message="the legend folded")
    # The wheel over the map scrolls the page; once the map is clicked it zooms the map.
    zoom = lambda: the_map(page).locator(".leaflet-container").evaluate("() => window.map.getZoom()")  # noqa: E731
    scrolled = lambda: page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop")  # noqa: E731
    before, top = zoom(), scrolled()
    page.mouse.move(frame_box["x"] + 200, frame_box["y"] + 200)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(800)
    assert zoom() == before and scrolled() > top
    page.mouse.move(frame_box["x"] + 200, frame_box["y"] + 100)
    page.mouse.click(frame_box["x"] + 200, frame_box["y"] + 100)
    page.mouse.wheel(0, 300)
    eventually(lambda: zoom() < before, timeout=10, message="the wheel zooms once the map was clicked")


def test_tables_show_each_phase_uncropped(app: str, page: Page) -> None:
    # The grid draws on a canvas: its column widths are the "large" preset (400 px) in a table as wide as the page.
    open_map(page, app)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=30_000)
    assert grid.locator('th[aria-colindex="4"]').inner_text() == "phases"
    cells = grid.locator('td[aria-colindex="4"]').all_inner_texts()
    assert any("✔ Retaken" in c for c in cells)
    assert grid.bounding_box()["width"] >= 760, "the places table spans the page under the map"
    longest = page.evaluate(
        """(texts) => { const c = document.createElement('canvas').getContext('2d');
      c.font = '14px "Source Sans", sans-serif'; return Math.max(...texts.map(t => c.measureText(t).width)); }""",
        cells,
    )
    assert longest + 16 <= 400, f"a phase cell of {longest:.0f} px in a 400 px column"


def date_inputs(page: Page) -> list[str]:
    """Return the sidebar's publication date range as ISO text."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input').evaluate_all(
        "es => es.map(e => e.value)"
    )


def test_an_active_date_filter_is_in_the_url_and_stated(app: str, page: Page) -> None:
    open_map(page, f"{app}/?dates=2016-02-26&dates=2016-04-14")
    eventually(lambda: date_inputs(page) == ["2016-02-26", "2016-04-14"], message="the dates from the URL")
    note = page.get_by_text("Published 2016-02-26 to 2016-04-14")
    eventually(lambda: note.count() == 1, message="the active date filter stated over the map")
    eventually(lambda: FALLUJAH in markers(page) and HIT in markers(page), message="places of the releases in range")
    assert "dates=2016-02-26" in page.evaluate("location.href")


def test_after_an_upload_the_date_filter_takes_the_new_release_in(
    campaign_db: Path, tmp_path: Path, page: Page
) -> None:
    db = tmp_path / "upload.sqlite"
    with sqlite3.connect(campaign_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    command = [sys.executable, "-m", "mapdash", "--db", str(db), "serve", "--port", str(free_port())]
    with run_app(command, tmp_path / "serve.log", env={"MAPDASH_DB": str(db)}) as (url, _pid):
        open_map(page, url)
        eventually(lambda: date_inputs(page) == ["2016-02-26", "2016-06-27"], message="the whole span")
        release, sidecar = tmp_path / "qayyarah.txt", tmp_path / "qayyarah.json"
        release.write_text(
            "Qayyarah Retaken\n\nIraqi forces retook the town of Qayyarah from ISIL, officials said.\n",
            encoding="utf-8",
        )
        sidecar.write_text('{"date": "2016-08-25"}', encoding="utf-8")
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Documents").click()  # the same session
        page.get_by_text("Add releases").click()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(release), str(sidecar)])
        page.get_by_role("button", name="Add", exact=True).first.click()
        eventually(lambda: page.get_by_text("1 added").count() >= 1, timeout=180, message="the upload's result")
        with sqlite3.connect(db) as conn:
            ((doc_id,),) = conn.execute("SELECT doc_id FROM documents WHERE published = '2016-08-25'").fetchall()
            new = {
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT place_id FROM mentions WHERE doc_id = ? AND place_id IS NOT NULL", (doc_id,)
                )
            }
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Map").click()
        eventually(
            lambda: date_inputs(page) == ["2016-02-26", "2016-08-25"],
            message="the date filter widened to the new release",
        )
        eventually(
            lambda: new <= markers(page) and {HIT, MOSUL} <= markers(page),
            message="the new release's places beside the others",
        )
        assert page.get_by_text("undated releases hidden").count() == 0, "the whole span filters nothing"


def test_an_export_clicked_while_the_page_updates_still_downloads(app: str, page: Page, tmp_path: Path) -> None:
    open_map(page, app)
    search = page.locator('[data-testid="stSidebar"] input[placeholder="place, sentence or title"]')
    for label, magic in (("CSV", b"doc_id,"), ("PNG", b"\x89PNG")):
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=label, exact=True).click()
            search.fill("Hit" if label == "CSV" else "")  # a filter change: the page updates while the file is made
            search.press("Enter")
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.read_bytes().startswith(magic), label
        assert path.suffix == f".{label.lower()}"
    assert page.get_by_text("Press its button again to retry").count() == 0
