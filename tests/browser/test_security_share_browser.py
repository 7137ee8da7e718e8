"""A dashboard shared by a team, in Debian's Chromium: server paths off unless release folders are given and confined
to them; uploads run as jobs (progress, cancel, other sessions served meanwhile, closing the browser cancels);
a password login in front of every page; the map keeps its markers across more than 40 filter sets."""

from __future__ import annotations

import io
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

import psutil
import pytest
from harness import free_port, launch_chromium, run_app
from test_security_browser import Watch, settle

from mapdash import store
from mapdash.cli import main
from mapdash.devtools import benchcorpus
from mapdash.library import REFUSED

pytestmark = pytest.mark.browser
CAPITALS = (
    "Baghdad Damascus Amman Beirut Cairo Riyadh Tehran Ankara Kabul Islamabad Doha Muscat Tunis Algiers Rabat Khartoum "
    "Nairobi Paris Berlin Madrid Rome Vienna Warsaw Prague Budapest Athens Lisbon Dublin Oslo Stockholm Helsinki "
    "Copenhagen Brussels Amsterdam Moscow Tokyo Seoul Beijing Manila Jakarta Hanoi Bangkok Canberra Ottawa Lima"
).split()


@contextmanager
def dashboard(db: Path, log_dir: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """Serve db with `mapdash serve` and options on a free loopback port; yield (URL, server pid)."""
    command = [sys.executable, "-m", "mapdash", "--db", str(db), "serve", *options, "--port", str(free_port())]
    with run_app(
        command, log_dir / f"serve-{time.monotonic_ns()}.log", env={"MAPDASH_DB": str(db), **(env or {})}
    ) as served:
        yield served


@pytest.fixture
def seed_copy(seed_db: Path, tmp_path: Path) -> Path:
    """A copy of the seed database for one test."""
    db = tmp_path / "seed.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    return db


def open_add_releases(page, url: str, tab: str | None = None) -> None:
    """Open the Documents page with "Add releases" expanded (and a tab chosen)."""
    settle(page, f"{url}/documents")
    if (
        page.locator('[data-testid="stTab"]').count() == 0
        or not page.get_by_role("tab", name="Upload files").is_visible()
    ):
        page.get_by_text("Add releases").first.click()
    if tab:
        page.get_by_role("tab", name=tab).click()


def job_workers(server_pid: int) -> list[psutil.Process]:
    """Return the job worker processes the server has started and that still run."""
    kids = psutil.Process(server_pid).children(recursive=True)
    return [
        p
        for p in kids
        if p.is_running() and p.status() != psutil.STATUS_ZOMBIE and "worker_main" in " ".join(p.cmdline())
    ]


def documents(db: Path) -> int:
    """Return how many documents db holds."""
    return store.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]


def test_server_paths_are_off_unless_release_folders_are_given(seed_copy: Path, tmp_path: Path) -> None:
    with dashboard(seed_copy, tmp_path) as (url, _), launch_chromium(viewport=(1400, 1100)) as context:
        watch = Watch(context)
        page = context.new_page()
        open_add_releases(page, url, "Server path")
        page.get_by_text("Reading releases from the server's disk is off").wait_for(timeout=30_000)
        assert page.get_by_label("File or folder", exact=False).count() == 0, "no field to type a path into"
        watch.assert_nothing_ran(page)


def test_server_paths_read_only_inside_the_release_folders(seed_copy: Path, tmp_path: Path) -> None:
    releases, outside = tmp_path / "releases", tmp_path / "outside"
    releases.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("Top secret: the server's keys are in Baghdad, Iraq, said the admin.")
    (releases / "link.txt").symlink_to(outside / "secret.txt")
    (releases / "aid.txt").write_text(
        "Aid Update\n\nAid convoys reached Mosul and Fallujah in Iraq on Sunday, the United Nations said.\n"
    )
    with (
        dashboard(seed_copy, tmp_path, "--release-dir", str(releases)) as (url, _),
        launch_chromium(viewport=(1400, 1200)) as context,
    ):
        watch = Watch(context)
        page = context.new_page()
        open_add_releases(page, url, "Server path")
        field = page.get_by_label("File or folder in a release folder", exact=False)
        for typed in (str(outside / "secret.txt"), "link.txt", "../outside/secret.txt", "/etc/passwd", "missing.txt"):
            field.fill(typed)
            page.get_by_role("button", name="Add", exact=True).last.click()
            alert = page.locator('[data-testid="stAlert"]').filter(has_text=f"{typed}: {REFUSED}")
            alert.wait_for(timeout=30_000)  # the same answer whatever the reason
            assert alert.inner_text().strip() == f"{typed}: {REFUSED}"
        field.fill("aid.txt")
        page.get_by_role("button", name="Add", exact=True).last.click()
        page.locator('[data-testid="stDataFrame"]').filter(has_text="added").first.wait_for(timeout=180_000)
        watch.assert_nothing_ran(page)
    texts = " ".join(r[0] for r in store.connect(seed_copy).execute("SELECT text FROM documents"))
    assert "Aid convoys" in texts and "secret" not in texts


def test_an_upload_runs_as_a_job_that_others_wait_for_not_and_cancel_stops(seed_copy: Path, tmp_path: Path) -> None:
    big = tmp_path / "long.txt"
    big.write_text(benchcorpus.long_text("repetitive", 2_000_000), encoding="utf-8")
    with dashboard(seed_copy, tmp_path) as (url, pid), launch_chromium(viewport=(1400, 1200)) as context:
        watch = Watch(context)
        page = context.new_page()
        open_add_releases(page, url)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
        page.get_by_text("long.txt").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Add", exact=True).first.click()
        progress = page.locator('[data-testid="stProgress"]')
        progress.wait_for(timeout=60_000)
        page.get_by_text("% of long.txt", exact=False).first.wait_for(timeout=120_000)  # it moves within the release
        assert job_workers(pid), "the release is geoparsed in a worker process"
        second = context.new_page()
        settle(second, f"{url}/documents")  # another session (a tab is one) is served while the job runs
        second.get_by_text("1 document", exact=True).wait_for(timeout=30_000)
        second.close()
        page.get_by_role("button", name="Cancel").click()
        page.get_by_text("cancelled", exact=False).first.wait_for(timeout=60_000)
        watch.assert_nothing_ran(page)
        deadline = time.monotonic() + 30
        while job_workers(pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert job_workers(pid) == [], "cancelling ended the worker"
    assert documents(seed_copy) == 1, "the cancelled release was not stored; the seed is still there"


def test_closing_the_browser_cancels_its_job(seed_copy: Path, tmp_path: Path) -> None:
    big = tmp_path / "long.txt"
    big.write_text(benchcorpus.long_text("repetitive", 2_000_000), encoding="utf-8")
    with dashboard(seed_copy, tmp_path, env={"MAPDASH_JOB_GRACE_S": "2"}) as (url, pid):
        with launch_chromium(viewport=(1400, 1200)) as context:
            page = context.new_page()
            open_add_releases(page, url)
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
            page.get_by_text("long.txt").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Add", exact=True).first.click()
            page.locator('[data-testid="stProgress"]').wait_for(timeout=60_000)
            deadline = time.monotonic() + 60
            while not job_workers(pid) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert job_workers(pid), "the job is running"
        deadline = time.monotonic() + 60  # the browser is closed: the job goes after the grace time
        while job_workers(pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert job_workers(pid) == [], "closing the browser cancelled the job"
    assert documents(seed_copy) == 1


def test_a_password_login_guards_every_page(seed_copy: Path, tmp_path: Path) -> None:
    env = {"MAPDASH_PASSWORD": "correct horse battery"}
    with dashboard(seed_copy, tmp_path, env=env) as (url, _), launch_chromium(viewport=(1400, 1000)) as context:
        watch = Watch(context)
        page = context.new_page()
        for path in ("", "documents", "places"):
            page.goto(f"{url}/{path}")
            page.get_by_label("Team password").wait_for(timeout=90_000)
            body = page.inner_text("body")
            assert "Filters" not in body and "Counter-ISIL" not in body, "nothing is shown before the login"
        page.get_by_label("Your name").fill("Alice Analyst")
        page.get_by_label("Team password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Wrong password.").wait_for(timeout=30_000)
        assert "Filters" not in page.inner_text("body")
        page.get_by_label("Team password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Logged in as Alice Analyst").wait_for(timeout=60_000)
        page.locator('[data-testid="stSidebar"]').get_by_text("Filters").wait_for(timeout=60_000)
        watch.assert_nothing_ran(page)


def _places_drawn(page) -> set[str]:
    """Return the place ids of the markers the page's maps draw (a map frame a rerun just replaced counts for none)."""
    drawn: set[str] = set()
    for frame in page.frames:
        if "streamlit_folium" in frame.url:
            try:
                drawn.update(frame.eval_on_selector_all("path.mapdash-marker", "els => els.map(e => e.dataset.place)"))
            except Exception:  # noqa: BLE001 - playwright raises a plain Error for a detached frame
                continue
    return drawn


@pytest.fixture(scope="module")
def capitals_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A database of one short release per capital; returns it and each capital's place id."""
    folder = tmp_path_factory.mktemp("capitals")
    for i, city in enumerate(CAPITALS):
        (folder / f"{i:02d}-{city}.txt").write_text(
            f"Talks in {city}\n\nCoalition envoys met officials in {city} on Monday to discuss aid, the spokesman "
            "said.\n"
        )
    db = tmp_path_factory.mktemp("capitals-db") / "capitals.sqlite"
    with redirect_stdout(io.StringIO()):
        assert main(["--no-spacy", "--db", str(db), "ingest", str(folder)]) == 0
    ids = dict(store.connect(db).execute("SELECT text, place_id FROM mentions WHERE place_id IS NOT NULL").fetchall())
    return db, {c: ids[c] for c in CAPITALS if c in ids}


def test_the_map_keeps_its_markers_across_more_than_40_filter_sets(capitals_db, tmp_path: Path) -> None:
    db, place_ids = capitals_db
    cities = [c for c in CAPITALS if c in place_ids]
    assert len(cities) > 41, "more distinct filter sets than the 40 published files once kept"
    home, others = cities[0], cities[1:]
    with dashboard(db, tmp_path) as (url, _), launch_chromium(viewport=(1400, 1000)) as context:
        watch = Watch(context)
        page = context.new_page()
        missing: list[str] = []
        page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
        settle(page, url)
        search = page.locator('[data-testid="stSidebar"]').get_by_label("Search text")

        def show(city: str) -> None:
            """Filter on city and wait until the map draws its marker (from the data it fetched)."""
            search.fill(city)
            search.press("Enter")
            deadline = time.monotonic() + 60
            while _places_drawn(page) != {place_ids[city]}:  # the map of this filter set alone, drawn from its data
                assert time.monotonic() < deadline, f"the map of {city} shows {_places_drawn(page)}; missing: {missing}"
                page.wait_for_timeout(200)

        show(home)
        for n, city in enumerate(others, start=1):
            show(city)
            if n % 10 == 0 or n == len(others):  # back to the first set: a cached map whose data was published long ago
                show(home)
        watch.assert_nothing_ran(page)
        fetched = [u for u in watch.requests.urls if "/app/static/cache/" in u]
        assert len(set(fetched)) > 40, "each filter set's map fetched its own published data"
        assert missing == [], missing
