"""The static briefing snapshot drawn with geopandas/matplotlib, for machines without Chromium.

It lays out the same content as the Chromium snapshot (title, legend, source documents, filters,
export date, attributions) around the shipped Natural Earth basemap and the markers by phase, in the
same Web Mercator projection and with the same fit-to-data rule as the Leaflet map.
"""

from __future__ import annotations

import io
import math
import textwrap
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import box

from mapdash.export.briefing import SIDE_WIDTH, BriefingContent, label_order
from mapdash.render import assets
from mapdash.render.maps import MAX_ZOOM, MapView
from mapdash.render.mapscripts import BORDER, LAKE, LAND, RIVER, SEA

HEAD, FOOT = 85, 57  # px: the header and footer bands, as Chromium lays out the HTML
FIT_PADDING = 40  # px around the places when fitting to them, as build_map's fitBounds
FIT_MAX_ZOOM = 7  # and its maxZoom
WORLD_M = 2 * math.pi * 6378137  # Web Mercator world width in metres
MAX_LAT = 85.0511287798  # Web Mercator's limit; the basemap is clipped to it
FONT = ["DejaVu Sans", "Liberation Sans", "sans-serif"]


@lru_cache(maxsize=2)
def _basemap(path: Path, mtime_ns: int) -> gpd.GeoDataFrame:
    """Return the shipped countries clipped to Web Mercator's latitudes and projected (mtime_ns: cache key)."""
    countries = gpd.read_file(path)
    return gpd.clip(countries, box(-180, -MAX_LAT, 180, MAX_LAT)).to_crs(3857)


def _mercator(lat: float, lon: float) -> tuple[float, float]:
    """Return Web Mercator metres of a latitude/longitude, as Leaflet projects it."""
    lat = max(min(lat, MAX_LAT), -MAX_LAT)
    return 6378137 * math.radians(lon), 6378137 * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _extent(content: BriefingContent, width: float, height: float) -> tuple[float, float, float, float]:
    """Return (xmin, xmax, ymin, ymax) in metres: the view filling the map, or the places fitted as Leaflet does."""
    if isinstance(content.view, MapView):  # the app's centre and zoom: the same scale as on screen
        (x0, y0), per_px = _mercator(content.view.lat, content.view.lon), WORLD_M / (256 * 2**content.view.zoom)
        x1, y1 = x0, y0
    elif content.view is not None:
        south, west, north, east = content.view
        (x0, y0), (x1, y1) = _mercator(south, west), _mercator(north, east)
        per_px = max((x1 - x0) / width, (y1 - y0) / height)
    elif content.places:
        corners = (
            [(content.extent[0], content.extent[1]), (content.extent[2], content.extent[3])] if content.extent else None
        )
        xs, ys = zip(
            *(_mercator(lat, lon) for lat, lon in (corners or [(p.lat, p.lon) for p in content.places])), strict=True
        )
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        per_px = max(
            (x1 - x0) / (width - 2 * FIT_PADDING),
            (y1 - y0) / (height - 2 * FIT_PADDING),
            WORLD_M / (256 * 2**FIT_MAX_ZOOM),
        )
    else:  # the map's world view: centred on 20°N 10°E at zoom 2
        (x0, y0), per_px = _mercator(20, 10), WORLD_M / (256 * 2**2)
        x1, y1 = x0, y0
    per_px = max(per_px, WORLD_M / (256 * 2**MAX_ZOOM))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - width * per_px / 2, cx + width * per_px / 2, cy - height * per_px / 2, cy + height * per_px / 2


def _draw_towns(
    ax,
    content: BriefingContent,
    extent: tuple[float, float, float, float],
    map_w: float,
    most: int = 40,
) -> None:
    """Draw the towns the interactive map names at this scale (Natural Earth, by rank), none over another or a place."""
    import json

    xmin, xmax, ymin, ymax = extent
    per_px = (xmax - xmin) / map_w
    zoom = math.log2(WORLD_M / (256 * per_px))
    path = assets.basemap_path().parent / "towns.json"
    if not path.exists():
        return
    taken = [(*_mercator(p.lat, p.lon), p.radius * per_px + 4 * per_px) for p in content.places]
    boxes: list[tuple[float, float, float, float]] = []
    shown = 0
    for name, lon, lat, min_zoom, _population in json.loads(path.read_text(encoding="utf-8")):
        if min_zoom > zoom + 0.5 or shown >= most:
            continue
        x, y = _mercator(lat, lon)
        width, height = (len(name) * 6.2 + 10) * per_px, 14 * per_px
        box = (x - 3 * per_px, y - height / 2, x + width, y + height / 2)
        if not (xmin < box[0] and box[2] < xmax and ymin < box[1] and box[3] < ymax):
            continue
        if any(abs(x - tx) < r + width and abs(y - ty) < r + height for tx, ty, r in taken):
            continue
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        shown += 1
        ax.plot([x], [y], marker="o", markersize=2.5, color="#444444", zorder=2)
        ax.text(x + 4 * per_px, y, name, fontsize=8, color="#333333", family=FONT, va="center", zorder=2)


def draw_briefing(
    content: BriefingContent, fmt: str, size: tuple[int, int], scale: float
) -> tuple[bytes, dict[str, tuple[float, float]]]:
    """Return the briefing as PNG/PDF bytes and each place's position (page CSS pixels from the top left)."""
    width, height = size
    fig = Figure(figsize=(width / 100, height / 100), dpi=100 * scale)
    FigureCanvasAgg(fig)

    def frac(x: float, y: float) -> tuple[float, float]:
        """Figure fraction of a CSS pixel position (y down, as in the HTML layout)."""
        return x / width, 1 - y / height

    map_w, map_h = width - SIDE_WIDTH, height - HEAD - FOOT
    ax = fig.add_axes((0, FOOT / height, map_w / width, map_h / height))
    ax.set_facecolor(SEA)  # set_axis_off would hide this sea too: hide the ticks and frame instead
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    path = assets.basemap_path()
    _basemap(path, path.stat().st_mtime_ns).plot(ax=ax, color=LAND, edgecolor=BORDER, linewidth=0.5)
    for name, style in (
        ("lakes.geojson", {"color": LAKE, "linewidth": 0}),
        ("rivers.geojson", {"color": RIVER, "linewidth": 0.9}),
    ):
        water = assets.basemap_path().parent / name
        if water.exists():  # the same rivers and lakes as the interactive map (GSHHG)
            _basemap(water, water.stat().st_mtime_ns).plot(ax=ax, zorder=1, **style)
    xmin, xmax, ymin, ymax = _extent(content, map_w, map_h)
    ax.set_xlabel("")  # geopandas labels projected axes ("Easting [metre]")
    ax.set_ylabel("")
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("auto")  # the limits already keep metres square in this box
    _draw_towns(ax, content, (xmin, xmax, ymin, ymax), map_w)
    positions: dict[str, tuple[float, float]] = {}
    countries = [p for p in content.places if p.kind == "country"]
    if countries:  # a country's phase is its outline, never a bubble at its centroid
        land = _basemap(path, path.stat().st_mtime_ns)
        for place in countries:
            outline = land[land["iso_a2"] == place.code]
            if len(outline):
                outline.boundary.plot(ax=ax, color=place.color, linewidth=1.4, linestyle=(0, (6, 3)), zorder=2)
    points = tuple(p for p in content.places if p.kind != "country")
    if points:
        xy = np.array([_mercator(p.lat, p.lon) for p in points])
        # Leaflet's radius is in CSS px; a CSS px is 0.72 pt at 100 dpi per CSS px.
        sizes = [(2 * p.radius * 0.72) ** 2 for p in points]
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=sizes,
            c=[p.color for p in points],
            edgecolors="white",
            linewidths=1.1,
            alpha=0.9,
            zorder=3,
        )
    if content.places:
        xy = np.array([_mercator(p.lat, p.lon) for p in content.places])
        per_px = (xmax - xmin) / map_w  # transData is only final after a draw: compute page pixels directly
        for place, (mx, my) in zip(content.places, xy, strict=True):
            positions[place.place_id] = (float((mx - xmin) / per_px), float(HEAD + (ymax - my) / per_px))

        _label_places(fig, content, positions, (map_w, map_h), scale)

    fig.add_artist(_line(fig, frac(0, HEAD - 2), frac(width, HEAD - 2), "#2c3e50", 3))
    fig.add_artist(_line(fig, frac(map_w, HEAD), frac(map_w, height - FOOT), "#cccccc", 1))
    fig.add_artist(_line(fig, frac(0, height - FOOT), frac(width, height - FOOT), "#cccccc", 1))
    fig.text(*frac(20, 40), content.title, fontsize=19.5, fontweight="bold", family=FONT, va="baseline")
    fig.text(*frac(20, 66), content.summary, fontsize=10.5, color="#555555", family=FONT, va="baseline")
    y = HEAD + 26
    fig.text(
        *frac(map_w + 16, y),
        "CAMPAIGN PHASE (PLACES)",
        fontsize=9.5,
        color="#555555",
        fontweight="bold",
        family=FONT,
        va="baseline",
    )
    for item in content.legend:
        y += 24
        fig.add_artist(_dot(fig, frac(map_w + 23, y - 4), item.color))
        fig.text(*frac(map_w + 38, y), f"{item.icon}  {item.label}", fontsize=10.5, family=FONT, va="baseline")
        fig.text(
            *frac(width - 16, y),
            str(item.places),
            fontsize=10.5,
            color="#666666",
            family=FONT,
            ha="right",
            va="baseline",
        )
    if content.beyond:
        y += 40
        fig.text(
            *frac(map_w + 16, y),
            "BEYOND THIS MAP",
            fontsize=9.5,
            color="#555555",
            fontweight="bold",
            family=FONT,
            va="baseline",
        )
        for line in content.beyond:
            y += 18
            fig.text(*frac(map_w + 16, y), textwrap.shorten(line, 40), fontsize=9.75, family=FONT, va="baseline")
    y += 40
    fig.text(
        *frac(map_w + 16, y),
        "SOURCE DOCUMENTS",
        fontsize=9.5,
        color="#555555",
        fontweight="bold",
        family=FONT,
        va="baseline",
    )
    for doc in content.documents:
        for i, line in enumerate(textwrap.wrap(doc, 38)[:3]):
            y += 18 if i else 22
            fig.text(*frac(map_w + 16, y), line, fontsize=9.75, family=FONT, va="baseline")
    fig.text(*frac(20, height - FOOT + 22), content.filters, fontsize=9, color="#444444", family=FONT, va="baseline")
    fig.text(
        *frac(20, height - FOOT + 40),
        f"{content.exported} · {content.attribution} · static rendering: matplotlib",
        fontsize=9,
        color="#444444",
        family=FONT,
        va="baseline",
        wrap=True,
    )
    out = io.BytesIO()
    fig.savefig(out, format=fmt, dpi=100 * scale)
    return out.getvalue(), positions


def _line(fig: Figure, start: tuple[float, float], end: tuple[float, float], color: str, width: float):
    """Return a line across the figure between two figure-fraction points."""
    from matplotlib.lines import Line2D

    return Line2D(
        [start[0], end[0]], [start[1], end[1]], transform=fig.transFigure, color=color, linewidth=width * 0.72
    )


def _dot(fig: Figure, at: tuple[float, float], color: str):
    """Return a legend swatch: a round marker with a white rim and a grey ring, as in the HTML legend."""
    from matplotlib.lines import Line2D

    return Line2D(
        [at[0]],
        [at[1]],
        transform=fig.transFigure,
        marker="o",
        markersize=10.5,
        markerfacecolor=color,
        markeredgecolor="#888888",
        markeredgewidth=0.8,
        linestyle="none",
    )


def _label_places(
    fig: Figure, content: BriefingContent, positions: dict[str, tuple[float, float]], box: tuple[int, int], scale: float
) -> None:
    """Name the places as the Chromium snapshot does: biggest first, beside a marker, never over a marker or label."""
    width, height = fig.bbox.width / scale, fig.bbox.height / scale
    renderer = fig.canvas.get_renderer()
    taken = [
        (x - p.radius, y - p.radius, 2 * p.radius, 2 * p.radius)
        for p in content.places
        for x, y in [positions[p.place_id]]
    ]
    for place in label_order(content.places):
        x, y = positions[place.place_id]
        text = fig.text(
            0,
            0,
            place.name,
            fontsize=9,
            fontweight="bold",
            family=FONT,
            color="#1a1a1a",
            va="top",
            path_effects=[_halo()],
        )
        extent = text.get_window_extent(renderer)
        w, h, r = extent.width / scale, extent.height / scale, place.radius + 3
        for bx, by in ((x + r, y - h / 2), (x - r - w, y - h / 2), (x - w / 2, y - r - h), (x - w / 2, y + r)):
            inside = 0 <= bx and bx + w <= box[0] and HEAD <= by and by + h <= HEAD + box[1]
            if inside and not any(
                bx < ox + ow and ox < bx + w and by < oy + oh and oy < by + h for ox, oy, ow, oh in taken
            ):
                taken.append((bx, by, w, h))
                text.set_position((bx / width, 1 - by / height))
                break
        else:
            text.remove()


def _halo():
    """Return the white halo that keeps a label readable over borders, as the HTML labels' text-shadow."""
    from matplotlib import patheffects

    return patheffects.withStroke(linewidth=2.5, foreground="white")
