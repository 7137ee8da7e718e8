"""The campaign over time: each place's phases across documents, which places were retaken when and
which were named next targets, and the chart of it all.

A phase's day is the day its evidence sentence refers to ("on Tuesday", "last month") when the
annotator resolved one, else the document's publication day. Phases from undated releases are left out:
they cannot say when, so they never decide a place's latest phase.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from mapdash.frame import is_missing
from mapdash.model import Col
from mapdash.render.maps import PhaseStyleLike, phase_style
from mapdash.render.popups import text as _text

if TYPE_CHECKING:
    import altair as alt

# A phase event carries its mention's columns under their own names (`Col`), and its day, label and colour.
EVENT_COLUMNS = [
    "day",
    Col.PLACE_ID,
    Col.PLACE_NAME,
    Col.COUNTRY_CODE,
    Col.PHASE,
    "label",
    "color",
    Col.DOC_ID,
    Col.TITLE,
    Col.EVIDENCE,
]


def _day(row: Mapping[str, object], keys: tuple[str, ...] = (Col.PHASE_FROM, Col.PUBLISHED)) -> date | None:
    """Return the day a phase tag refers to: its resolved date, else its document's publication day (None: neither)."""
    for key in keys:
        value = row.get(key)
        if is_missing(value):
            continue
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if _text(value):
            try:
                return date.fromisoformat(_text(value)[:10])
            except ValueError:
                continue
    return None


def phase_events(mentions: gpd.GeoDataFrame, styles: Mapping[str, PhaseStyleLike]) -> pd.DataFrame:
    """Return one row per dated phase of a place's mention (one per place, document, phase and day), oldest first."""
    rows = []
    tagged = mentions[mentions[Col.PLACE_ID].notna() & (mentions[Col.PHASE].fillna("") != "")]
    for row in pd.DataFrame(tagged.drop(columns=tagged.geometry.name, errors="ignore")).to_dict("records"):
        day = _day(row)
        if day is None or _day(row, (Col.PUBLISHED,)) is None:  # an undated release never places a phase in time
            continue
        # Every phase of the mention ("enemy_held;next_target" for Hit): a next target is one even when held.
        for phase in dict.fromkeys([row[Col.PHASE], *(p for p in _text(row.get(Col.PHASES)).split(";") if p)]):
            style = phase_style(phase, styles)
            evidence = _text(row.get(Col.EVIDENCE)) if phase == row[Col.PHASE] else ""
            rows.append(
                {
                    "day": day,
                    Col.PLACE_ID: row[Col.PLACE_ID],
                    Col.PLACE_NAME: row[Col.PLACE_NAME],
                    Col.COUNTRY_CODE: row[Col.COUNTRY_CODE],
                    Col.PHASE: phase,
                    "label": style.label,
                    "color": style.color,
                    Col.DOC_ID: row[Col.DOC_ID],
                    Col.TITLE: _text(row.get(Col.TITLE)),
                    Col.EVIDENCE: evidence or _text(row.get(Col.SENTENCE)),
                }
            )
    events = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    events = events.drop_duplicates([Col.PLACE_ID, Col.DOC_ID, Col.PHASE, "day"])
    return events.sort_values(["day", Col.PLACE_NAME], kind="stable", ignore_index=True)


def place_histories(events: pd.DataFrame) -> pd.DataFrame:
    """Return one row per place: its phases in order ("Enemy-held 2015-06-01 → Retaken 2016-01-02"), latest first."""
    columns = [Col.PLACE_ID, Col.PLACE_NAME, Col.COUNTRY_CODE, "latest", "since", "history", "documents"]
    rows = []
    for place_id, group in events.groupby(Col.PLACE_ID, sort=False):
        steps: list[tuple[str, date]] = []
        for label, day in zip(group["label"], group["day"], strict=True):
            if not steps or steps[-1][0] != label:  # a phase repeated by later reports is one step
                steps.append((label, day))
        rows.append(
            {
                Col.PLACE_ID: place_id,
                Col.PLACE_NAME: group[Col.PLACE_NAME].iloc[0],
                Col.COUNTRY_CODE: group[Col.COUNTRY_CODE].iloc[0],
                "latest": steps[-1][0],
                "since": steps[-1][1],
                "history": " → ".join(f"{lab} {d.isoformat()}" for lab, d in steps),
                "documents": group[Col.DOC_ID].nunique(),
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["since", Col.PLACE_NAME], ascending=[False, True], kind="stable", ignore_index=True)


def phase_table(events: pd.DataFrame, phase: str) -> pd.DataFrame:
    """Return the places given one phase: first and last day reported, documents, the latest evidence."""
    columns = [Col.PLACE_NAME, Col.COUNTRY_CODE, "first", "last", "documents", Col.EVIDENCE]
    chosen = events[events[Col.PHASE] == phase]
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    grouped = chosen.groupby(Col.PLACE_ID, sort=False).agg(
        **{
            Col.PLACE_NAME: (Col.PLACE_NAME, "first"),
            Col.COUNTRY_CODE: (Col.COUNTRY_CODE, "first"),
            "first": ("day", "min"),
            "last": ("day", "max"),
            "documents": (Col.DOC_ID, "nunique"),
            Col.EVIDENCE: (Col.EVIDENCE, "last"),
        }
    )
    return grouped.sort_values(["first", Col.PLACE_NAME], kind="stable").reset_index(drop=True)[columns]


def timeline_chart(events: pd.DataFrame, styles: Mapping[str, PhaseStyleLike], max_places: int = 40) -> alt.Chart:
    """Return an Altair chart: one row per place (the most reported), a dot per report coloured by phase."""
    import altair as alt  # the chart library is only needed by the timeline page

    top = events[Col.PLACE_ID].value_counts().index[:max_places]
    shown = events[events[Col.PLACE_ID].isin(top)].assign(day=lambda d: pd.to_datetime(d["day"]))
    order = shown.groupby(Col.PLACE_NAME)["day"].min().sort_values().index.tolist()
    keys = [k for k in styles if k in set(shown[Col.PHASE])] + sorted(set(shown[Col.PHASE]) - set(styles))
    labels = [phase_style(k, styles).label for k in keys]
    colors = [phase_style(k, styles).color for k in keys]
    return (
        alt.Chart(shown)
        .mark_circle(size=90, opacity=0.9)
        .encode(
            x=alt.X("day:T", title="day reported"),
            y=alt.Y("place_name:N", sort=order, title=None),
            color=alt.Color("label:N", scale=alt.Scale(domain=labels, range=colors), title="phase"),
            tooltip=[
                alt.Tooltip("place_name:N", title="place"),
                alt.Tooltip("label:N", title="phase"),
                alt.Tooltip("day:T", title="day"),
                alt.Tooltip("title:N", title="document"),
                alt.Tooltip("evidence:N", title="evidence"),
            ],
        )
        .properties(height=max(120, 22 * len(order)))
    )
