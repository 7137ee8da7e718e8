"""Script injection, in Debian's Chromium: releases whose text, title, byline, source, quotes and analyst
place names carry <script>, <img onerror>, javascript: links, backticks, quotes and </div> are shown on
every page, popup, tooltip, table, reader, URL parameter, error message and export without any of it
running or breaking the page: no dialog, no script run (``window.__pwned`` stays unset), the text visible
as text."""

from __future__ import annotations

import io
import json
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

import pytest
from harness import free_port, launch_chromium, record_requests, run_app, serve_directory

from mapdash import store
from mapdash.cli import main
from mapdash.frame import mentions_frame

pytestmark = pytest.mark.browser

MARK = "window.__pwned=(window.__pwned||0)+1"
SCRIPT = f"<script>{MARK};alert('script')</script>"
IMG = f"<img src=x onerror=\"{MARK};alert('img')\">"
SVG = f"</div></script><svg onload=\"{MARK};alert('svg')\">"
MD_LINK = "[a link](javascript:alert('md'))"
TITLE = f"Coalition {SCRIPT} \"Update\" 'Two' </div>"
NAME = f"Hit {IMG} `x`"  # an analyst's name for a point set by hand
TEXT = f"""{TITLE}

Iraqi forces retook Ramadi in Iraq’s Anbar province {IMG} on Tuesday, officials said, and posted {MD_LINK} and \
javascript:alert('link') :red[alarm] $x^2$.

“We pushed ISIL out of Ramadi {SVG} and `${{alert('tpl')}}` will follow,” President Barack Obama said.

The next phase will target ISIL-controlled Hit in Iraq’s Anbar province, he said, \
with 'single' and "double" quotes and {SCRIPT}.
"""
HTML_PAGE = f"""<html><head><title>Strikes &lt;script&gt;{MARK};alert('title')&lt;/script&gt; near Mosul</title></head>
<body><article><h1>Strikes &lt;script&gt;{MARK};alert('title')&lt;/script&gt; near Mosul</h1>
<p>Coalition aircraft struck targets near Mosul in Iraq &lt;img src=x onerror="{MARK}"&gt; \
on Monday, the spokesman said after the strikes.</p>
<script>{MARK};alert('inline')</script>
<p>“We will strike again in Raqqa &lt;/div&gt;&lt;script&gt;{MARK}&lt;/script&gt;,” Army Col. Steve Warren said \
<a href="javascript:alert('a')">here</a> on Monday.</p>
</article></body></html>"""
FILE_NAME = '"><img src=x onerror=alert(6)>'
SIDECAR = {"title": f"Aid {IMG} `code` ${{x}}", "byline": IMG, "source": "javascript:alert('source')"}
SIDECAR_TEXT = (
    "Aid Update\n\nAid convoys reached Mosul and Fallujah in Iraq on Sunday, the United Nations said in a statement.\n"
)
PAGES = ["", "places", "quotes", "documents", "timeline"]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the hostile releases (plain text, HTML, a sidecar'd file) and hostile corrections."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "releases"
    folder.mkdir()
    (folder / "hostile.txt").write_text(TEXT, encoding="utf-8")
    (folder / "hostile.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / f"{FILE_NAME}.txt").write_text(SIDECAR_TEXT, encoding="utf-8")
    (folder / f"{FILE_NAME}.json").write_text(json.dumps(SIDECAR), encoding="utf-8")
    db = root / "hostile.sqlite"
    with redirect_stdout(io.StringIO()):
        assert main(["--db", str(db), "ingest", str(folder)]) == 0
        conn = store.connect(db)
        doc_id = conn.execute("SELECT doc_id FROM documents WHERE title = ?", (TITLE,)).fetchone()[0]
        spans = dict(
            conn.execute("SELECT text, start || ' ' || end FROM mentions WHERE doc_id = ?", (doc_id,)).fetchall()
        )
        hit, ramadi = spans["Hit"].split(), spans["Ramadi"].split()
        assert (
            main(
                [
                    "--db",
                    str(db),
                    "correct",
                    doc_id,
                    *hit,
                    "--point",
                    "33.63",
                    "42.83",
                    "--name",
                    NAME,
                    "--note",
                    SCRIPT,
                ]
            )
            == 0
        )
        assert main(["--db", str(db), "correct", doc_id, *ramadi, "--phase", "strike", "--note", IMG]) == 0
    return db


def test_the_hostile_text_is_stored_as_written(hostile_db: Path) -> None:
    conn = store.connect(hostile_db)
    titles = {r[0] for r in conn.execute("SELECT title FROM documents")}
    assert titles == {TITLE, SIDECAR["title"], f"Strikes <script>{MARK};alert('title')</script> near Mosul"}
    text = conn.execute("SELECT text FROM documents WHERE title = ?", (TITLE,)).fetchone()[0]
    assert IMG in text and SVG in text and MD_LINK in text
    assert "alert('inline')" not in "".join(r[0] for r in conn.execute("SELECT text FROM documents")), (
        "a page's own <script> is no text"
    )
    assert NAME in set(mentions_frame(conn)["place_name"])


@contextmanager
def serve(db: Path, *options: str) -> Iterator[str]:
    """Run `mapdash serve` (with options) on db on a free loopback port; yield its URL."""
    port = free_port()
    command = [sys.executable, "-m", "mapdash", "--db", str(db), "serve", *options, "--port", str(port)]
    with run_app(command, db.with_suffix(f".{port}.log"), env={"MAPDASH_DB": str(db)}) as (url, _pid):
        yield url


@pytest.fixture(scope="module")
def app(hostile_db: Path) -> Iterator[str]:
    """The dashboard on the hostile database."""
    with serve(hostile_db) as url:
        yield url


class Watch:
    """Dialogs and page errors of a browser context, and the checks that nothing ran."""

    def __init__(self, context) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests = record_requests(context)
        context.on("page", self._attach)
        for page in context.pages:
            self._attach(page)

    def _attach(self, page) -> None:
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def assert_nothing_ran(self, page, *, failed_page: bool = False) -> None:
        """No dialog, no marker set in any frame, no javascript: link, no element made from the data, no failed page."""
        assert self.dialogs == [], self.dialogs
        failures = page.locator('[data-testid="stAlert"]').filter(has_text="could not be drawn")
        assert failed_page or failures.count() == 0, failures.all_inner_texts()
        for frame in page.frames:
            assert frame.evaluate("() => window.__pwned") is None, frame.url
            injected = frame.locator('a[href^="javascript:"], img[src="x"], [onerror], [onload], svg[onload]')
            assert injected.count() == 0, (frame.url, injected.first.evaluate("e => e.outerHTML"))
        body = page.inner_text("body")
        assert "Traceback" not in body and 'File "' not in body
        assert page.locator('[data-testid="stException"]').count() == 0
        assert self.requests.external() == [], self.requests.external()


def settle(page, url: str) -> None:
    """Open url and wait until Streamlit has drawn the page and stopped running."""
    page.goto(url)
    # A page's title, or the message that says why it could not be drawn.
    page.locator(
        '[data-testid="stMain"] h1, [data-testid="stMain"] .mapdash-title, [data-testid="stMain"] '
        '[data-testid="stAlert"]'
    ).first.wait_for(timeout=90_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    page.wait_for_timeout(1000)  # components (the map iframe) draw after the script run


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_no_running_script(app: str, path: str) -> None:
    with launch_chromium(viewport=(1500, 1000)) as context:
        watch = Watch(context)
        page = context.new_page()
        settle(page, f"{app}/{path}")
        watch.assert_nothing_ran(page)
        grids = page.locator('[data-testid="stDataFrame"] table')
        if path in ("places", "quotes", "documents"):
            grids.first.wait_for(state="attached", timeout=30_000)
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"stDataFrame\"] table td')", timeout=30_000
            )
        shown = " ".join(grids.nth(i).text_content() or "" for i in range(grids.count()))
        if path == "documents":
            assert TITLE in shown and SIDECAR["title"] in shown and SIDECAR["byline"] in shown, (
                "titles are text in the table"
            )
        if path == "places":
            assert NAME in shown, "the analyst's name is text in the table"
        if path == "quotes":
            assert "`${alert('tpl')}`" in shown


def test_map_popup_and_tooltip_show_the_text(app: str) -> None:
    with launch_chromium(viewport=(1500, 1000)) as context:
        watch = Watch(context)
        page = context.new_page()
        settle(page, app)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        frame.locator("path.mapdash-marker").first.wait_for(state="visible", timeout=90_000)
        frame.locator('path.mapdash-marker[data-place="gn:98717"]').click()  # Ramadi
        popup = frame.locator(".mapdash-popup")
        popup.wait_for(state="visible")
        text = popup.inner_text()
        for literal in (IMG, MD_LINK, TITLE, SVG, "`${alert('tpl')}`"):
            assert literal in text, literal
        page.keyboard.press("Escape")
        frame.locator('path.mapdash-marker[data-place^="analyst:"]').dispatch_event("mouseover")
        assert NAME in frame.locator(".leaflet-tooltip").all_inner_texts()
        watch.assert_nothing_ran(page)


def test_reader_and_choices_show_the_text(app: str) -> None:
    with launch_chromium(viewport=(1500, 1200)) as context:
        watch = Watch(context)
        page = context.new_page()
        settle(page, f"{app}/documents")
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Read").click()
        options = page.locator('[role="option"]')
        assert TITLE in options.all_inner_texts()
        options.filter(has_text="Coalition <script>").click()
        page.get_by_text("javascript:alert('link')", exact=False).first.wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert IMG in body and SVG in body and MD_LINK in body and SCRIPT in body
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Document").click()
        assert SIDECAR["title"] in page.locator('[role="option"]').all_inner_texts()
        page.keyboard.press("Escape")
        watch.assert_nothing_ran(page)


def test_hostile_url_parameters_are_harmless(app: str) -> None:
    query = "&".join(
        [
            f"q={urllib.request.quote(IMG)}",
            f"country={urllib.request.quote(SCRIPT)}",
            "confidence=7",
            "dates=garbage",
            f"document={urllib.request.quote(TITLE)}",
            "view=javascript:alert(1)",
            f"place={urllib.request.quote(SVG)}",
            f"doc={urllib.request.quote(MD_LINK)}",
        ]
    )
    with launch_chromium(viewport=(1500, 1000)) as context:
        watch = Watch(context)
        page = context.new_page()
        for path in PAGES:
            settle(page, f"{app}/{path}?{query}")
            watch.assert_nothing_ran(page)


def test_an_error_message_quotes_the_input_as_text(hostile_db: Path, tmp_path: Path) -> None:
    typed = f"{MD_LINK} :red[x] {IMG}.txt"
    with serve(hostile_db, "--release-dir", str(tmp_path)) as app, launch_chromium(viewport=(1500, 1200)) as context:
        watch = Watch(context)
        page = context.new_page()
        settle(page, f"{app}/documents")
        page.get_by_text("Add releases").click()
        page.get_by_role("tab", name="Server path").click()
        page.get_by_label("File or folder in a release folder", exact=False).fill(typed)
        page.get_by_role("button", name="Add").last.click()
        alert = page.locator('[data-testid="stAlert"]').filter(has_text="no such file")
        alert.wait_for(timeout=30_000)
        assert typed in alert.inner_text()
        watch.assert_nothing_ran(page)


def test_exports_keep_the_text_inert(hostile_db: Path, tmp_path: Path) -> None:
    from mapdash.export import export_bytes
    from mapdash.export.briefing import Briefing

    gdf = mentions_frame(store.connect(hostile_db))
    briefing = Briefing(title=f"Briefing {SCRIPT} {IMG}")
    (tmp_path / "map.html").write_bytes(export_bytes(gdf, "html", briefing).data)
    features = json.loads(export_bytes(gdf, "geojson").data)["features"]
    assert {TITLE, SIDECAR["title"]} <= {f["properties"]["title"] for f in features}, "GeoJSON keeps the text exactly"
    assert NAME in {f["properties"]["place_name"] for f in features}
    png = export_bytes(gdf, "png", briefing, size=(800, 500), scale=1)
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n") and png.rows == len(features)
    with serve_directory(tmp_path) as base, launch_chromium(viewport=(1400, 900)) as context:
        watch = Watch(context)
        page = context.new_page()
        page.goto(f"{base}/map.html")
        page.locator("path.mapdash-marker").first.wait_for(state="visible", timeout=30_000)
        assert briefing.title in page.inner_text("body")
        page.locator('path.mapdash-marker[data-place="gn:98717"]').click()
        assert IMG in page.locator(".mapdash-popup").inner_text()
        page.locator('path.mapdash-marker[data-place^="analyst:"]').dispatch_event("mouseover")
        assert NAME in page.locator(".leaflet-tooltip").all_inner_texts()
        watch.assert_nothing_ran(page)


def test_a_broken_database_is_a_message_without_a_trace(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite"
    db.write_text("these are notes, not a database\n" * 50)
    with serve(db) as url, launch_chromium() as context:
        watch = Watch(context)
        page = context.new_page()
        page.goto(url)
        alert = page.locator('[data-testid="stAlert"]')
        alert.wait_for(timeout=90_000)
        assert "cannot be read" in alert.inner_text() and "file is not a database" in alert.inner_text()
        watch.assert_nothing_ran(page)
    assert db.read_text() == "these are notes, not a database\n" * 50, "opening it did not change the file"


def test_an_upload_over_the_limit_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Forces retook Ramadi in Iraq, officials said. " * 50_000)  # 2.3 MB
    db = tmp_path / "upload.sqlite"
    with serve(db, "--max-upload-mb", "1") as url, launch_chromium(viewport=(1400, 1000)) as context:
        watch = Watch(context)
        page = context.new_page()
        settle(page, f"{url}/documents")
        page.get_by_text("Add releases").click()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
        message = page.get_by_text("File must be 1.0MB or smaller", exact=False)
        message.wait_for(timeout=30_000)
        watch.assert_nothing_ran(page)
    assert store.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0] == 0
