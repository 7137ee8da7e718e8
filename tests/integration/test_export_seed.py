"""Exports of the seed without a browser: round trips, the briefing's content, the CLI's filters, matplotlib's PNG."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from shapely import wkt

from mapdash import store
from mapdash.cli import main
from mapdash.export import (
    GPKG_LAYER,
    ExportError,
    export_bytes,
    export_table,
    resolve_doc_ids,
    to_csv,
    to_geojson,
    to_gpkg,
)
from mapdash.export.briefing import Briefing, PlacePoint, briefing_content, briefing_html, describe_filters, label_order
from mapdash.export.snapshot import Snapshot, render_snapshot
from mapdash.frame import Filters, filter_mentions, mentions_frame
from mapdash.render.maps import MapView, shipped_phase_styles
from mapdash.render.mapscripts import LAND

EXPORTED = datetime(2016, 2, 27, 9, 30, tzinfo=UTC)
KEY = ["doc_id", "start", "end"]


@pytest.fixture(scope="module")
def seed_gdf(seed_db: Path) -> gpd.GeoDataFrame:
    """The seed release's mentions."""
    return mentions_frame(store.connect(seed_db))


# ---- helpers shared with test_export_browser -------------------------------------------------------------


def decode(png: bytes) -> Image.Image:
    """Return a PNG as an RGB image."""
    return Image.open(io.BytesIO(png)).convert("RGB")


def assert_not_blank(image: Image.Image) -> None:
    """A briefing has a white page, dark title text, sea, land and coloured markers: many colours, real contrast."""
    pixels = np.asarray(image)
    assert pixels.std() > 30, "the image is nearly uniform"
    assert len(np.unique(pixels.reshape(-1, 3)[::7], axis=0)) > 200, "too few colours for a map"
    title_band = pixels[: pixels.shape[0] // 20, : pixels.shape[1] // 3]
    assert (title_band.max(axis=2) < 80).sum() > 100, "no dark title text in the top-left corner"


def rgb(hex_color: str) -> tuple[int, int, int]:
    """Return "#2ca02c" as (44, 160, 44)."""
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def clear_places(
    places: tuple[PlacePoint, ...], positions: dict[str, tuple[float, float]], box: tuple[float, float, float, float]
) -> list[PlacePoint]:
    """Return the places whose marker no other marker touches, inside box (left, top, right, bottom, CSS px)."""

    def apart(a: PlacePoint, b: PlacePoint) -> bool:
        (ax, ay), (bx, by) = positions[a.place_id], positions[b.place_id]
        return float(np.hypot(ax - bx, ay - by)) > a.radius + b.radius + 3

    inside = [
        p
        for p in places
        if box[0] + 20 < positions[p.place_id][0] < box[2] - 20 and box[1] + 20 < positions[p.place_id][1] < box[3] - 20
    ]
    return [p for p in inside if all(apart(p, q) for q in places if q is not p)]


def assert_phase_colours(
    shot: Snapshot, places: tuple[PlacePoint, ...], box: tuple[float, float, float, float], minimum: int
) -> list[str]:
    """Each clear place's marker centre has its phase's taxonomy colour (fill opacity 0.9); return the phases seen."""
    styles = shipped_phase_styles()
    image = decode(shot.data)
    seen = []
    for place in clear_places(places, dict(shot.positions), box):
        x, y = shot.positions[place.place_id]
        got = image.getpixel((round(x * shot.scale), round(y * shot.scale)))
        want = rgb(styles[place.phase].color) if place.phase else rgb("#3b73b9")
        if place.kind == "country":  # a country is its outline: no bubble of its colour at its centroid
            if (
                max(abs(a - b) for a, b in zip(want, rgb(LAND), strict=True)) > 40
            ):  # a grey phase reads as land: nothing to tell
                assert max(abs(g - w) for g, w in zip(got, want, strict=True)) > 30, f"{place.name} drawn as a bubble"
            continue
        assert max(abs(g - w) for g, w in zip(got, want, strict=True)) <= 30, (
            f"{place.name} ({place.phase}): {got} is not {want}"
        )
        seen.append(place.phase)
    assert len(seen) >= minimum, f"only {len(seen)} markers stand clear of the others"
    return seen


# ---- data ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_geodata_round_trips_through_geopandas(seed_gdf: gpd.GeoDataFrame, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"mentions.{fmt}"
    path.write_bytes(to_geojson(seed_gdf) if fmt == "geojson" else to_gpkg(seed_gdf))
    back = gpd.read_file(path, **({"layer": GPKG_LAYER} if fmt == "gpkg" else {}))
    want = export_table(seed_gdf)
    assert back.shape == want.shape and list(back.columns) == list(seed_gdf.columns)
    assert back.crs.to_epsg() == 4326
    for column in ("place_id", "place_name", "phase", "phases", "quote", "speaker", "sentence", "candidates"):
        assert back[column].fillna("").tolist() == want[column].fillna("").tolist(), column
    assert back["start"].tolist() == want["start"].tolist() and back["corrected"].tolist() == want["corrected"].tolist()
    # GDAL's GeoJSON reader turns ISO text back into dates; the GeoPackage keeps the text.
    assert pd.to_datetime(back["published"]).dt.strftime("%Y-%m-%d").tolist() == want["published"].tolist()
    assert back.geometry.geom_equals_exact(want.geometry, tolerance=1e-9).all()
    assert {"enemy_held;next_target"} <= set(back["phases"]) and back["quote"].str.len().max() > 40


def test_csv_has_every_column_iso_dates_and_wkt(seed_gdf: gpd.GeoDataFrame) -> None:
    back = pd.read_csv(io.BytesIO(to_csv(seed_gdf)), keep_default_na=False)
    assert list(back.columns) == list(seed_gdf.columns) and len(back) == len(seed_gdf)
    assert set(back["published"]) == {"2016-02-26"}
    point = wkt.loads(back.loc[back["place_name"] == "Mosul", "geometry"].iloc[0])
    row = back[back["place_name"] == "Mosul"].iloc[0]
    assert (point.x, point.y) == pytest.approx((row["lon"], row["lat"]))
    assert json.loads(back["candidates"].iloc[0])  # JSON text, as stored


def test_gpkg_list_columns_become_json_text(seed_gdf: gpd.GeoDataFrame, tmp_path: Path) -> None:
    gdf = seed_gdf.assign(tags=[["x", str(i)] for i in range(len(seed_gdf))])
    (tmp_path / "tags.gpkg").write_bytes(to_gpkg(gdf))
    back = gpd.read_file(tmp_path / "tags.gpkg")
    assert [json.loads(t) for t in back["tags"]] == [["x", str(i)] for i in range(len(seed_gdf))]


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg", "html"])
def test_an_empty_selection_still_exports(seed_gdf: gpd.GeoDataFrame, fmt: str) -> None:
    empty = filter_mentions(seed_gdf, Filters(countries=("ZZ",)))
    result = export_bytes(empty, fmt)
    assert result.rows == 0 and result.data


# ---- the briefing ---------------------------------------------------------------------------------------------


def test_describe_filters_names_documents_by_title(seed_gdf: gpd.GeoDataFrame) -> None:
    doc = seed_gdf["doc_id"].iloc[0]
    assert (
        describe_filters(Filters(doc_ids=(doc,)), seed_gdf)
        == "Filters: document “Counter-ISIL Campaign Continues, President Says”"
    )


def test_briefing_content_of_the_seed(seed_gdf: gpd.GeoDataFrame) -> None:
    content = briefing_content(seed_gdf, Briefing(exported=EXPORTED))
    styles = shipped_phase_styles()
    assert content.summary == f"{seed_gdf['place_id'].nunique()} places · {len(seed_gdf)} mentions · 1 document"
    assert content.documents == ("Counter-ISIL Campaign Continues, President Says (2016-02-26)",)
    assert content.exported == "Exported 2016-02-27 09:30 UTC"
    assert "Natural Earth" in content.attribution and "GeoNames (CC BY 4.0)" in content.attribution
    phases = [entry.phase for entry in content.legend]
    assert phases == sorted(phases, key=lambda p: list(styles).index(p) if p in styles else len(styles) + 1), (
        "taxonomy order, no phase last"
    )
    assert sum(entry.places for entry in content.legend) == len(content.places)
    by_name = {p.name: p for p in content.places}
    assert by_name["Ramadi"].phase == "retaken" and by_name["Ramadi"].color == styles["retaken"].color
    assert label_order(content.places)[0].radius == max(p.radius for p in content.places)


def test_briefing_html_is_standalone_and_escaped(seed_gdf: gpd.GeoDataFrame) -> None:
    page = briefing_html(seed_gdf, Briefing(title="<script>alert(1)</script> & Co", filters=Filters(text="<b>")))
    assert "<script>alert(1)</script> &" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert "text “&lt;b&gt;”" in page
    links = re.findall(r'\b(?:src|href)\s*=\s*["\']([^"\']+)', page) + re.findall(r"url\(\s*['\"]?([^'\")]+)", page)
    # Leaflet's attribution links to its home page: a link to click, not a resource to load.
    assert [u for u in links if not u.startswith(("data:", "#", "https://leafletjs.com"))] == [], (
        "everything is inlined"
    )
    assert "countries.geojson" not in page and "Mongolia" in page, "the basemap is inlined, not fetched"
    assert page.count('class="mapdash-brief-legend-item"') == len(briefing_content(seed_gdf, Briefing()).legend)
    assert "<title>&lt;script&gt;" in page


@pytest.mark.parametrize("view", [(40, 10, 30, 20), (10, 20, 20, 10), (-95, 0, 10, 10)])
def test_bad_views_are_refused(seed_gdf: gpd.GeoDataFrame, view: tuple[float, float, float, float]) -> None:
    with pytest.raises(ExportError, match="south < north"):
        export_bytes(seed_gdf, "html", Briefing(view=view))


def test_resolve_doc_ids(seed_gdf: gpd.GeoDataFrame) -> None:
    doc = seed_gdf["doc_id"].iloc[0]
    assert resolve_doc_ids(seed_gdf, [doc[:6], doc]) == (doc, doc)
    with pytest.raises(ExportError, match="matches 0"):
        resolve_doc_ids(seed_gdf, ["zz"])


# ---- the matplotlib fallback ----------------------------------------------------------------------------------

MAP_BOX = (0, 85, 1300, 1000 - 57)  # left, top, right, bottom of the map in a 1600x1000 page (CSS px)


def test_fallback_png_is_a_briefing_with_phase_colours_in_place(seed_gdf: gpd.GeoDataFrame) -> None:
    shot = render_snapshot(seed_gdf, Briefing(), "png", renderer="matplotlib")
    assert shot.renderer == "matplotlib" and shot.note == ""
    image = decode(shot.data)
    assert image.size == (3200, 2000)
    assert_not_blank(image)
    content = briefing_content(seed_gdf, Briefing())
    # The theatre (Iraq and Syria) fills the map; countries are outlines, and those beyond it are listed beside it.
    seen = assert_phase_colours(shot, content.places, MAP_BOX, minimum=3)
    assert {"retaken", "enemy_held", "ultimate_goal"} <= set(seen)
    assert {"Canada", "Libya", "Afghanistan"} <= {b.split(" — ")[0] for b in content.beyond}
    xs = {p.name: shot.positions[p.place_id][0] for p in content.places}
    assert xs["Canada"] < xs["Netherlands"] < xs["Libya"] < xs["Afghanistan"], "west to east"


def test_fallback_follows_a_view(seed_gdf: gpd.GeoDataFrame) -> None:
    iraq = (31.5, 37.0, 37.5, 45.0)
    shot = render_snapshot(seed_gdf, Briefing(view=iraq), "png", size=(1600, 1000), scale=1, renderer="matplotlib")
    content = briefing_content(seed_gdf, Briefing(view=iraq))
    seen = assert_phase_colours(shot, content.places, MAP_BOX, minimum=4)
    assert {"retaken", "enemy_held", "ultimate_goal"} <= set(seen), "Ramadi, Hit and Mosul stand apart at this scale"
    centred = render_snapshot(
        seed_gdf, Briefing(view=MapView(33.42, 43.31, 7)), "png", size=(1600, 1000), scale=1, renderer="matplotlib"
    )
    x, y = centred.positions["gn:98717"]  # Ramadi, the centre
    assert (x, y) == pytest.approx(((1600 - 300) / 2, 85 + (1000 - 85 - 57) / 2), abs=1)


def test_fallback_pdf_is_one_page(seed_gdf: gpd.GeoDataFrame) -> None:
    shot = render_snapshot(seed_gdf, Briefing(), "pdf", renderer="matplotlib")
    assert shot.data.startswith(b"%PDF") and shot.data.count(b"/Type /Page") - shot.data.count(b"/Type /Pages") == 1


def test_without_chromium_png_says_so_and_falls_back(
    seed_gdf: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPDASH_CHROMIUM", "/nonexistent/chromium")
    result = export_bytes(seed_gdf, "png", size=(800, 500), scale=1)
    assert result.snapshot is not None and result.snapshot.renderer == "matplotlib"
    assert "no Chromium found" in result.note and "/nonexistent/chromium" in result.note and "README" in result.note
    assert decode(result.data).size == (800, 500)
    with pytest.raises(ExportError, match="cannot render with Chromium"):
        export_bytes(seed_gdf, "png", renderer="chromium")


# ---- the command line -------------------------------------------------------------------------------------------


CLI_FILTERS = [
    (["--country", "IQ", "--country", "SY"], Filters(countries=("IQ", "SY"))),
    (["--country", "iq"], Filters(countries=("IQ",))),
    (["--phase", "strike"], Filters(phases=("strike",))),
    (["--phase", "retaken", "--phase", "enemy_held"], Filters(phases=("retaken", "enemy_held"))),
    (["--speaker", "Barack Obama"], Filters(speakers=("Barack Obama",))),
    (
        ["--since", "2016-02-26", "--until", "2016-02-26", "--country", "LY"],
        Filters(since=date(2016, 2, 26), until=date(2016, 2, 26), countries=("LY",)),
    ),
    (["--since", "2016-02-27"], Filters(since=date(2016, 2, 27))),
    (["--until", "2016-02-25"], Filters(until=date(2016, 2, 25))),
    (["--min-confidence", "0.95"], Filters(min_confidence=0.95)),
    (["--text", "Mosul"], Filters(text="Mosul")),
    (["--document", "DOC", "--phase", "partner_support"], Filters(doc_ids=("DOC",), phases=("partner_support",))),
]


@pytest.mark.parametrize(("args", "filters"), CLI_FILTERS)
def test_cli_filters_give_exactly_the_filtered_rows(
    seed_db: Path,
    seed_gdf: gpd.GeoDataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    filters: Filters,
) -> None:
    doc = seed_gdf["doc_id"].iloc[0]
    args = [doc[:10] if a == "DOC" else a for a in args]
    filters = replace(filters, doc_ids=tuple(doc for _ in filters.doc_ids))
    out = tmp_path / "rows.geojson"
    assert main(["--db", str(seed_db), "export", "-o", str(out), *args]) == 0
    assert f"wrote {out} (geojson" in capsys.readouterr().out
    expected = export_table(filter_mentions(seed_gdf, filters))
    if expected.empty:
        assert json.loads(out.read_text())["features"] == []
        return
    got = gpd.read_file(out)
    assert got[KEY].values.tolist() == expected[KEY].values.tolist()
    assert list(got.columns) == list(seed_gdf.columns)


def test_cli_filters_really_narrow(seed_gdf: gpd.GeoDataFrame) -> None:
    sizes = {tuple(a): len(filter_mentions(seed_gdf, f)) for a, f in CLI_FILTERS if "DOC" not in a}
    assert sizes[("--since", "2016-02-27")] == 0
    assert all(
        0 < n < len(seed_gdf)
        for a, n in sizes.items()
        if a not in (("--since", "2016-02-27"), ("--until", "2016-02-25"), ("--speaker", "Barack Obama"))
    )


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("csv", ".csv"), ("gpkg", ".gpkg"), ("html", ".html"), ("geojson", ".json")]
)
def test_cli_format_from_suffix(seed_db: Path, tmp_path: Path, fmt: str, suffix: str) -> None:
    out = tmp_path / f"export{suffix}"
    assert main(["--db", str(seed_db), "export", "-o", str(out), "--country", "SY"]) == 0
    data = out.read_bytes()
    checks = {
        "csv": lambda: data.startswith(b"doc_id,"),
        "gpkg": lambda: data.startswith(b"SQLite format 3"),
        "html": lambda: b"<!DOCTYPE html>" in data[:200],
        "geojson": lambda: json.loads(data)["type"] == "FeatureCollection",
    }
    assert checks[fmt]()


def test_cli_png_fallback_with_size_and_scale(
    seed_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "map.png"
    argv = [
        "--db",
        str(seed_db),
        "export",
        "-o",
        str(out),
        "--renderer",
        "matplotlib",
        "--size",
        "800x500",
        "--scale",
        "1.5",
        "--bbox",
        "31.5",
        "37",
        "37.5",
        "45",
        "--title",
        "Iraq",
    ]
    assert main(argv) == 0
    assert decode(out.read_bytes()).size == (1200, 750)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.txt"], "cannot tell the format"),
        (["-o", "x.csv", "--document", "zz"], "matches 0 stored documents"),
        (["-o", "x.png", "--size", "10"], "WIDTHxHEIGHT"),
        (["-o", "x.png", "--size", "100x100", "--renderer", "matplotlib"], "need at least"),
        (["-o", "x.html", "--bbox", "40", "10", "30", "20"], "south < north"),
        (["-o", "x.html", "--view", "33,43"], "LAT,LON,ZOOM"),
    ],
)
def test_cli_export_errors_are_one_line(
    seed_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    assert main(["--db", str(seed_db), "export", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not any(tmp_path.iterdir()), "nothing written"


def test_cli_says_when_chromium_is_missing(
    seed_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPDASH_CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["--db", str(seed_db), "export", "-o", str(tmp_path / "m.pdf"), "--size", "800x500"]) == 0
    captured = capsys.readouterr()
    assert "no Chromium found" in captured.err and "matplotlib" in captured.err and "README" in captured.err
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
