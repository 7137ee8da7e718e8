"""The campaign over time: phase events, each place's history, the places given a phase, the chart."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

from mapdash.model import Col
from mapdash.render.maps import shipped_phase_styles
from mapdash.render.timeline import phase_events, phase_table, place_histories, timeline_chart

STYLES = shipped_phase_styles()


def frame(rows: list[tuple]) -> gpd.GeoDataFrame:
    """Return mentions (place, doc, published, phase, phase_from) as the frame stage gives them."""
    df = pd.DataFrame(rows, columns=[Col.PLACE_NAME, Col.DOC_ID, Col.PUBLISHED, Col.PHASE, Col.PHASE_FROM])
    df = df.assign(
        **{
            Col.PLACE_ID: "gn:" + df[Col.PLACE_NAME],
            Col.COUNTRY_CODE: "IQ",
            Col.TITLE: "T " + df[Col.DOC_ID],
            Col.EVIDENCE: "Evidence about " + df[Col.PLACE_NAME],
            Col.SENTENCE: "",
            Col.LAT: 33.0,
            Col.LON: 43.0,
        }
    )
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df[Col.LON], df[Col.LAT]), crs="EPSG:4326")


ROWS = [
    ("Ramadi", "d1", date(2015, 6, 1), "enemy_held", None),
    ("Ramadi", "d2", date(2015, 12, 1), "enemy_held", None),  # repeated: one step in the history
    ("Ramadi", "d3", date(2016, 1, 5), "retaken", date(2015, 12, 28)),  # the day the sentence refers to
    ("Ramadi", "d3", date(2016, 1, 5), "retaken", date(2015, 12, 28)),  # a second mention, same report
    ("Mosul", "d3", date(2016, 1, 5), "next_target", None),
    ("Hit", "d4", None, "next_target", None),  # undated: not on a timeline
    ("Iraq", "d3", date(2016, 1, 5), "", None),  # no phase
]


def test_events_are_dated_deduplicated_and_ordered() -> None:
    events = phase_events(frame(ROWS), STYLES)
    assert list(zip(events[Col.PLACE_NAME], events["day"], events[Col.PHASE], strict=True)) == [
        ("Ramadi", date(2015, 6, 1), "enemy_held"),
        ("Ramadi", date(2015, 12, 1), "enemy_held"),
        ("Ramadi", date(2015, 12, 28), "retaken"),
        ("Mosul", date(2016, 1, 5), "next_target"),
    ]
    assert events.loc[2, "label"] == "Retaken" and events.loc[2, "color"] == STYLES["retaken"].color


def test_place_histories_collapse_repeats() -> None:
    histories = place_histories(phase_events(frame(ROWS), STYLES)).set_index(Col.PLACE_NAME)
    assert histories.loc["Ramadi", "history"] == "Enemy-held 2015-06-01 → Retaken 2015-12-28"
    assert (histories.loc["Ramadi", "latest"], histories.loc["Ramadi", "documents"]) == ("Retaken", 3)
    assert list(histories.index) == ["Mosul", "Ramadi"]  # latest change first


def test_phase_table_says_which_places_when() -> None:
    events = phase_events(frame(ROWS), STYLES)
    targets = phase_table(events, "next_target")
    assert targets.to_dict("records") == [
        {
            "place_name": "Mosul",
            "country_code": "IQ",
            "first": date(2016, 1, 5),
            "last": date(2016, 1, 5),
            "documents": 1,
            "evidence": "Evidence about Mosul",
        }
    ]
    assert phase_table(events, "strike").empty


def test_chart_uses_the_taxonomy_colours() -> None:
    spec = timeline_chart(phase_events(frame(ROWS), STYLES), STYLES).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Retaken", "Next target", "Enemy-held"]
    assert scale["range"] == [STYLES[k].color for k in ("retaken", "next_target", "enemy_held")]
    assert spec["encoding"]["y"]["sort"] == ["Ramadi", "Mosul"]
