"""PNG and PDF snapshots of the briefing page, drawn by headless Chromium with every request blocked.

Chromium renders the same standalone HTML as the HTML export (``mapdash.export.briefing``), so a snapshot
shows what the map shows. Where Chromium or the ``playwright`` package is missing, the snapshot is
drawn with matplotlib instead (``mapdash.export.static_map``), and ``Snapshot.note`` says so.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import geopandas as gpd

from mapdash.export.briefing import Briefing, briefing_content, render_briefing
from mapdash.render.maps import CLUSTER_ABOVE, PhaseStyleLike, shipped_phase_styles

if TYPE_CHECKING:
    from playwright.sync_api import Route

SnapshotFormat = Literal["png", "pdf"]
Renderer = Literal["auto", "chromium", "matplotlib"]
DEFAULT_SIZE = (1600, 1000)  # CSS pixels of the whole page
DEFAULT_SCALE = 2.0  # device pixels per CSS pixel: 1600x1000 at 2x is a 3200x2000 PNG
MIN_SIZE = (640, 400)  # below this the side panel leaves no room for a map
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No first-run network chatter; no GPU (headless in containers and VMs).
CHROMIUM_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Each Chromium step (start, load, draw) may take this long: on a busy shared server a render of the basemap can
# need tens of seconds, and an export that gives up then makes the analyst press again for the same wait.
TIMEOUT_MS = 120_000
FULL_RENDERING_HINT = (
    "for the full rendering install Chromium (apt-get install chromium) "
    "and the Python package playwright (see README, Export)"
)
_LOCAL_SCHEMES = ("data:", "about:", "blob:")
_READY_JS = """([markers, clustered]) => document.querySelectorAll('path.mapdash-land').length > 0 && (clustered
  ? document.querySelectorAll('path.mapdash-marker, .marker-cluster').length > 0
  : document.querySelectorAll('path.mapdash-marker').length >= markers)"""
_SETTLE_JS = (
    "() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))"
)


class SnapshotError(RuntimeError):
    """Chromium could not render the page (or was required and is missing)."""


class _LaunchError(SnapshotError):
    """Chromium is there but does not start: the caller may fall back to matplotlib."""


@dataclass(frozen=True)
class Snapshot:
    """A rendered PNG or PDF, how it was drawn, and where each place's marker is (page CSS pixels)."""

    data: bytes
    fmt: SnapshotFormat
    renderer: Literal["chromium", "matplotlib"]
    size: tuple[int, int]
    scale: float
    positions: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    note: str = ""  # why the matplotlib fallback drew it; "" for Chromium


def find_chromium() -> Path | None:
    """Return the Chromium to use: $MAPDASH_CHROMIUM, else the first of CHROMIUM_CANDIDATES found, else None."""
    given = os.environ.get("MAPDASH_CHROMIUM")
    if given:
        return Path(given) if Path(given).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def chromium_missing() -> str:
    """Return why Chromium cannot draw snapshots here, "" when it can."""
    if find_chromium() is None:
        where = os.environ.get("MAPDASH_CHROMIUM") or ", ".join(CHROMIUM_CANDIDATES)
        return f"no Chromium found (looked for {where})"
    try:
        import playwright.sync_api  # noqa: F401 - only checking it is installed
    except ImportError:
        return "the Python package playwright is not installed"
    return ""


def render_snapshot(
    gdf: gpd.GeoDataFrame,
    briefing: Briefing,
    fmt: SnapshotFormat = "png",
    *,
    size: tuple[int, int] = DEFAULT_SIZE,
    scale: float = DEFAULT_SCALE,
    renderer: Renderer = "auto",
    styles: Mapping[str, PhaseStyleLike] | None = None,
) -> Snapshot:
    """Return the briefing page of the (filtered) mentions in gdf as a PNG or PDF.

    renderer: "chromium" fails where Chromium is missing, "matplotlib" always draws the static
    fallback, "auto" uses Chromium when it can and says why it did not in ``Snapshot.note``.
    """
    width, height = int(size[0]), int(size[1])
    if width < MIN_SIZE[0] or height < MIN_SIZE[1] or not 0.5 <= scale <= 4:
        raise ValueError(
            f"size {width}x{height} at {scale}x: need at least {MIN_SIZE[0]}x{MIN_SIZE[1]} and a scale from 0.5 to 4"
        )
    styles = shipped_phase_styles() if styles is None else styles
    missing = "" if renderer == "matplotlib" else chromium_missing()
    if missing and renderer == "chromium":
        raise SnapshotError(f"cannot render with Chromium: {missing}")
    if renderer != "matplotlib" and not missing:
        page, content = render_briefing(gdf, briefing, static=True, styles=styles)
        points = {p.place_id: (p.lat, p.lon) for p in content.places}
        # Playwright's sync API refuses to run where an asyncio loop is running (a web server's thread): own thread.
        with ThreadPoolExecutor(max_workers=1) as pool:
            job = pool.submit(_chromium, page, fmt, (width, height), scale, points, len(points) > CLUSTER_ABOVE)
            try:
                data, positions = job.result()
                return Snapshot(data, fmt, "chromium", (width, height), scale, positions)
            except _LaunchError as exc:
                if renderer == "chromium":
                    raise SnapshotError(str(exc)) from exc
                missing = str(exc)
    from mapdash.export.static_map import draw_briefing  # matplotlib is imported only when it is needed

    content = briefing_content(gdf, briefing, styles)
    data, positions = draw_briefing(content, fmt, (width, height), scale)
    note = (
        ""
        if renderer == "matplotlib"
        else f"{missing}: drew a static matplotlib rendering instead; {FULL_RENDERING_HINT}"
    )
    return Snapshot(data, fmt, "matplotlib", (width, height), scale, positions, note)


def _local_only(route: Route) -> None:
    """Let data:/about:/blob: through and abort everything else: a snapshot never touches the network."""
    if route.request.url.startswith(_LOCAL_SCHEMES):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def _chromium(
    page_html: str,
    fmt: SnapshotFormat,
    size: tuple[int, int],
    scale: float,
    points: Mapping[str, tuple[float, float]],
    clustered: bool,
) -> tuple[bytes, dict[str, tuple[float, float]]]:
    """Render page_html in headless Chromium; return the PNG/PDF bytes and each place's page position."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    args = CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])  # Chromium will not sandbox as root
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=args, headless=True, timeout=TIMEOUT_MS
            )
        except PlaywrightError as exc:
            raise _LaunchError(f"Chromium at {chromium} did not start ({str(exc).splitlines()[0]})") from exc
        try:
            context = browser.new_context(
                viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale, offline=True
            )
            context.route("**/*", _local_only)
            tab = context.new_page()
            tab.set_default_timeout(TIMEOUT_MS)
            tab.set_content(page_html, wait_until="load")
            tab.wait_for_function(_READY_JS, arg=[len(points), clustered])
            tab.evaluate(_SETTLE_JS)
            ids = list(points)
            projected = tab.evaluate("pts => window.mapdashProject(pts)", [list(points[i]) for i in ids])
            positions = {i: (float(x), float(y)) for i, (x, y) in zip(ids, projected, strict=True)}
            if fmt == "png":
                data = tab.screenshot(type="png")
            else:
                tab.emulate_media(media="screen")  # the page as seen, not a print stylesheet
                data = tab.pdf(width=f"{size[0]}px", height=f"{size[1]}px", print_background=True, page_ranges="1")
        except PlaywrightError as exc:
            raise SnapshotError(f"Chromium could not render the map: {exc}") from exc
        finally:
            browser.close()
    return data, positions
