"""Reviewing a place's resolution: the gazetteer candidates the resolver weighed for its mentions, and
the analyst's correction (another candidate, or a point set by hand) stored for each mention.

Corrections go to the store's own table, apart from machine output, so they outlive re-processing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd

from mapdash.model import Col
from mapdash.store import Store

CANDIDATE_COLUMNS = [
    "place_id",
    "name",
    "feature",
    "feature_code",
    "country_code",
    "admin1_name",
    "lat",
    "lon",
    "population",
    "score",
    "chosen",
]
# A place's mentions as the review table shows them.
REVIEW_COLUMNS = [
    Col.DOC_ID,
    Col.TITLE,
    Col.PUBLISHED,
    Col.MENTION,
    Col.START,
    Col.END,
    Col.SENTENCE,
    Col.CONFIDENCE,
    Col.CORRECTED,
    Col.CANDIDATES,
]
_PLACE_FIELDS = ("feature", "feature_code", "country_code", "admin1_name", "lat", "lon", "population")


def mentions_of(mentions: gpd.GeoDataFrame, place_id: str) -> pd.DataFrame:
    """Return the mentions resolved to a place, with their document and span."""
    rows = mentions[mentions[Col.PLACE_ID] == place_id]
    return pd.DataFrame(rows[[c for c in REVIEW_COLUMNS if c in rows.columns]]).reset_index(drop=True)


def candidates(db: Store, mentions: pd.DataFrame, chosen: str | None = None) -> pd.DataFrame:
    """Return the gazetteer candidates weighed for these mentions, best score first, the chosen place flagged."""
    scores: dict[str, float] = {}
    for raw in mentions[Col.CANDIDATES].fillna("[]") if Col.CANDIDATES in mentions else []:
        for place_id, score in json.loads(raw):
            scores[place_id] = max(score, scores.get(place_id, 0.0))
    if chosen and chosen not in scores:
        scores[chosen] = float("nan")  # an analyst's choice or a point: not among the resolver's candidates
    rows = []
    for place_id, score in scores.items():
        place = db.place_by_id(place_id)
        if place is None:
            continue
        rows.append(
            {
                "place_id": place_id,
                "name": place["name"],
                **{k: place[k] for k in _PLACE_FIELDS},
                "score": score,
                "chosen": place_id == chosen,
            }
        )
    table = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    return table.sort_values(["chosen", "score"], ascending=[False, False], na_position="last", ignore_index=True)


def spans(mentions: pd.DataFrame) -> list[tuple[str, int, int]]:
    """Return the (doc_id, start, end) of each mention."""
    return [
        (str(d), int(s), int(e))
        for d, s, e in zip(mentions[Col.DOC_ID], mentions[Col.START], mentions[Col.END], strict=True)
    ]


def correct_place(
    db: Store, targets: Iterable[tuple[str, int, int]], place_id: str, note: str = "", author: str = ""
) -> int:
    """Store, for each mention, the analyst's (author's) choice of another gazetteer place; return how many were
    corrected."""
    if db.place_by_id(place_id) is None:
        raise ValueError(f"no stored place {place_id!r}: pick one of the candidates")
    return sum(
        1
        for doc_id, start, end in targets
        if db.add_correction(doc_id, (start, end), "place", place_id, note, author=author)
    )


def correct_point(
    db: Store,
    targets: Iterable[tuple[str, int, int]],
    lat: float,
    lon: float,
    name: str = "",
    note: str = "",
    author: str = "",
) -> int:
    """Store, for each mention, a point set by hand (optionally named) by author; return how many were corrected."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{lat}, {lon} is not a latitude, longitude")
    value: Mapping[str, object] = {"lat": float(lat), "lon": float(lon), "name": name.strip()}
    return sum(
        1
        for doc_id, start, end in targets
        if db.add_correction(doc_id, (start, end), "place", dict(value), note, author=author)
    )
