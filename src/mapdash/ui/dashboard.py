"""What the dashboard's shared frame and pages compute, without Streamlit: the filter choices, Filters
from widget values, counts, which place a map click hit, the quotes that pass the filters, links.

Widget values travel in the URL under the keys of ``PARAMS`` (Streamlit binds the sidebar widgets to
query parameters); multiselects store their visible labels, so option labels here are unique.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import folium
import geopandas as gpd
import pandas as pd

from mapdash.frame import Filters, places_summary, quotes_table
from mapdash.model import Col
from mapdash.render.maps import PhaseStyleLike, phase_style
from mapdash.render.theatre import Beyond
from mapdash.store import Store
from mapdash.text import plural

# URL query parameter of each sidebar filter (the widget keys), and of the map page's own state.
PARAMS = {
    "countries": "country",
    "phases": "phase",
    "documents": "document",
    "speakers": "speaker",
    "dates": "dates",
    "min_confidence": "confidence",
    "text": "q",
}
VIEW_PARAM, PLACE_PARAM, DOC_PARAM = "view", "place", "doc"
MAP_HEIGHT = 540  # px: most of a 1280x720 laptop's viewport under a one-line title
# Laptop layout (1280x720): less padding above the page, a one-line title, the map high on the page.
LAYOUT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.9rem; padding-bottom: 1rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.4rem; line-height: 2rem; padding: 0; white-space: nowrap; }
[data-testid="stMainBlockContainer"] h2 { padding-top: 0; }
</style>"""
SPECIFIC = ("city", "admin2", "admin1", "region", "country")  # feature kinds, most precise first


@dataclass(frozen=True)
class FilterOptions:
    """The choices the sidebar offers, from the stored data."""

    countries: dict[str, str]  # country name -> ISO code, by name
    phases: dict[str, str]  # phase key -> label ("Retaken"), in taxonomy order
    documents: dict[str, str]  # doc_id -> unique label (title; the id's start where titles repeat)
    speakers: tuple[str, ...]
    first: date | None = None  # earliest and latest publication day
    last: date | None = None


@dataclass(frozen=True)
class Counts:
    """How much the filtered view holds."""

    places: int
    mentions: int
    documents: int

    def caption(self) -> str:
        """Return the counts as a caption ("2 places, 5 mentions in 1 document")."""
        places, mentions = plural(self.places, "place"), plural(self.mentions, "mention")
        return f"{places}, {mentions} in {plural(self.documents, 'document')}"


def _unique_labels(names: Mapping[str, str]) -> dict[str, str]:
    """Return names made unique by adding the key's start to repeated ones."""
    seen = Counter(names.values())
    return {key: name if seen[name] == 1 else f"{name} [{key[:8]}]" for key, name in names.items()}


def document_labels(documents: pd.DataFrame) -> dict[str, str]:
    """Return {doc_id: label} for a documents table (title, or the id's start when untitled)."""
    titles = {
        d: (t if isinstance(t, str) and t.strip() else d[:12])
        for d, t in zip(documents["doc_id"], documents["title"], strict=True)
    }
    return _unique_labels(titles)


def filter_options(
    gdf: gpd.GeoDataFrame, documents: pd.DataFrame, styles: Mapping[str, PhaseStyleLike]
) -> FilterOptions:
    """Return the sidebar's choices: countries, phases and speakers present, every document, the date span."""
    resolved = gdf[gdf[Col.PLACE_ID].notna()]
    pairs = {
        (n, c)
        for n, c in zip(resolved[Col.COUNTRY_NAME], resolved[Col.COUNTRY_CODE], strict=True)
        if isinstance(c, str) and c
    }
    countries = dict(sorted((n if isinstance(n, str) and n else c, c) for n, c in pairs))
    present = {p for v in resolved[Col.PHASES].fillna("") for p in str(v).split(";") if p}
    order = [k for k in styles if k in present] + sorted(present - set(styles))
    phases = {k: phase_style(k, styles).label for k in order}  # plain labels: they are what the URL holds
    speakers = tuple(sorted({s for s in resolved[Col.SPEAKER].dropna() if s}))
    days = sorted(d for d in documents["published"].dropna() if d) if len(documents) else []
    days = [d if isinstance(d, date) else date.fromisoformat(str(d)[:10]) for d in days]
    return FilterOptions(
        countries, phases, document_labels(documents), speakers, days[0] if days else None, days[-1] if days else None
    )


def make_filters(
    options: FilterOptions,
    *,
    countries: Iterable[str] = (),
    phases: Iterable[str] = (),
    documents: Iterable[str] = (),
    speakers: Iterable[str] = (),
    dates: Sequence[date] = (),
    min_confidence: float = 0.0,
    text: str = "",
) -> Filters:
    """Return the Filters for the sidebar's values (country names, phase keys, doc ids, a date range).

    The full date span filters nothing, so undated documents stay in view until the range is narrowed.
    """
    since = dates[0] if len(dates) > 0 else None
    until = dates[1] if len(dates) > 1 else since
    if (since, until) == (options.first, options.last) or since is None:
        since = until = None
    return Filters(
        countries=tuple(options.countries.get(c, c) for c in countries),
        phases=tuple(phases),
        doc_ids=tuple(documents),
        speakers=tuple(speakers),
        since=since,
        until=until,
        min_confidence=float(min_confidence),
        text=text.strip(),
    )


DateSpan = tuple[date | None, date | None]


def widen_dates(selected: Sequence[date], before: DateSpan, after: DateSpan) -> tuple[date, ...]:
    """Return the date filter's value once the data's publication span went from before to after (an upload).

    The whole old span (no date filter) becomes the whole new span, so the new release and every undated one
    stay in view; a narrowed range is widened just enough to take in the days the new data added.
    """
    chosen = tuple(selected)
    if after[0] is None or after[1] is None:
        return chosen
    if len(chosen) < 2 or chosen == before or before[0] is None or before[1] is None:
        return (after[0], after[1])
    since = min(chosen[0], after[0]) if after[0] < before[0] else chosen[0]
    until = max(chosen[1], after[1]) if after[1] > before[1] else chosen[1]
    return (since, until)


def date_filter_note(filters: Filters) -> str:
    """Return the active date filter as one line ("" when dates filter nothing): undated releases are then hidden."""
    if filters.since is None and filters.until is None:
        return ""
    since = filters.since.isoformat() if filters.since else "…"
    until = filters.until.isoformat() if filters.until else "…"
    return (
        f"Published {since} to {until} (undated releases hidden; widen the dates in the sidebar to show every release)"
    )


def beyond_lines(beyond: Iterable[Beyond], styles: Mapping[str, PhaseStyleLike]) -> list[str]:
    """Return one Markdown line per place beyond the map: its name (escaped) and its phase's icon and label."""
    lines = []
    for place in beyond:
        phase = f" — {phase_labels(place.phase, styles)}" if place.phase else ""
        lines.append(markdown_literal(place.name + phase))
    return lines


def highlight_group(collection: Mapping[str, Any], place_id: str | None) -> folium.FeatureGroup | None:
    """Return a feature group ringing the picked place on the map (its outline, for a country); None when none is
    picked."""
    found = (
        next((f for f in collection.get("features", []) if f["properties"]["place_id"] == place_id), None)
        if place_id
        else None
    )
    if found is None:
        return None
    group = folium.FeatureGroup(name="Picked place", control=False)
    props = found["properties"]
    if props.get("shape"):
        style = {"color": "#111111", "weight": 4, "fill": False, "className": "mapdash-highlight"}
        folium.GeoJson(props["shape"], style_function=lambda _feature: style, interactive=False).add_to(group)
    else:
        lon, lat = found["geometry"]["coordinates"]
        folium.CircleMarker(
            [lat, lon],
            radius=float(props["radius"]) + 7,
            color="#111111",
            weight=3,
            fill=False,
            interactive=False,
            className="mapdash-highlight",
        ).add_to(group)
    return group


def counts(mentions: gpd.GeoDataFrame) -> Counts:
    """Return the number of places, mentions and documents among resolved mentions."""
    placed = mentions[mentions[Col.PLACE_ID].notna()]
    return Counts(int(placed[Col.PLACE_ID].nunique()), len(placed), int(placed[Col.DOC_ID].nunique()))


def place_labels(mentions: gpd.GeoDataFrame) -> dict[str, str]:
    """Return {place_id: label} for the resolved places, by mentions; the country or province is added to repeated
    names."""
    placed = mentions[mentions[Col.PLACE_ID].notna()]
    if placed.empty:
        return {}
    order = placed[Col.PLACE_ID].value_counts().index
    first = (
        placed.drop_duplicates(Col.PLACE_ID)
        .set_index(Col.PLACE_ID)
        .loc[order, [Col.PLACE_NAME, Col.ADMIN1_NAME, Col.COUNTRY_CODE]]
    )
    names = dict(zip(first.index, first[Col.PLACE_NAME].fillna(""), strict=True))
    tally = Counter(names.values())
    for pid, _name, admin1, country in first[first[Col.PLACE_NAME].map(tally) > 1].itertuples():
        where = ", ".join(str(x) for x in (admin1, country) if isinstance(x, str) and x)
        names[pid] = f"{names[pid]} ({where})" if where else names[pid]
    return _unique_labels(names)


def clicked_place(mentions: gpd.GeoDataFrame, name: str | None, where: Mapping[str, float] | None) -> str | None:
    """Return the place a map click hit: the place with the clicked marker's name nearest to the click."""
    if not name or not where:
        return None
    placed = mentions[(mentions[Col.PLACE_NAME] == name) & mentions[Col.PLACE_ID].notna()].drop_duplicates(Col.PLACE_ID)
    if placed.empty:
        return None
    lat, lng = float(where.get("lat", 0.0)), float(where.get("lng", 0.0))
    scale = math.cos(math.radians(lat))  # degrees of longitude shrink towards the poles
    distance = (placed[Col.LAT] - lat) ** 2 + ((placed[Col.LON] - lng) * scale) ** 2
    return str(placed.loc[distance.idxmin(), Col.PLACE_ID])


def quotes_frame(db: Store, mentions: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the quotes table with the (doc, start, end) keys of the place mentions each names."""
    table = quotes_table(db, mentions)
    spans = {(q["doc_id"], q["start"], q["end"]): json.loads(q["mention_spans"]) for q in db.quote_rows()}
    place_ids = {
        (d, s, e): p
        for d, s, e, p in zip(
            mentions[Col.DOC_ID], mentions[Col.START], mentions[Col.END], mentions[Col.PLACE_ID], strict=True
        )
    }
    keys = [
        [(d, int(s), int(e)) for s, e in spans.get((d, qs, qe), [])]
        for d, qs, qe in zip(table["doc_id"], table["start"], table["end"], strict=True)
    ]
    table["mention_keys"] = keys
    table["place_ids"] = [
        list(dict.fromkeys(place_ids[k] for k in ks if isinstance(place_ids.get(k), str))) for ks in keys
    ]
    return table


def filter_quotes(quotes: pd.DataFrame, mentions: gpd.GeoDataFrame, filters: Filters, search: str = "") -> pd.DataFrame:
    """Return the quotes that pass the filters (and a search): document, speaker, dates, and, when place
    filters are active, naming at least one mention that passes them."""
    keep = pd.Series(True, index=quotes.index)
    if filters.doc_ids:
        keep &= quotes["doc_id"].isin(filters.doc_ids)
    if filters.speakers:
        keep &= quotes["speaker"].isin(filters.speakers)
    published = quotes["published"].map(
        lambda d: date.fromisoformat(str(d)[:10]) if isinstance(d, str | date) and d else None
    )
    if filters.since is not None:
        keep &= published.map(lambda d: d is not None and d >= filters.since)
    if filters.until is not None:
        keep &= published.map(lambda d: d is not None and d <= filters.until)
    if filters.countries or filters.phases or filters.min_confidence > 0:
        passed = set(zip(mentions[Col.DOC_ID], mentions[Col.START], mentions[Col.END], strict=True))
        keep &= quotes["mention_keys"].map(lambda keys: any(k in passed for k in keys))
    for needle in (filters.text, search):
        if needle.strip():
            haystack = (
                quotes["text"].fillna("")
                + " "
                + quotes["speaker"].fillna("")
                + " "
                + quotes["places"].fillna("")
                + " "
                + quotes["title"].fillna("")
            )
            keep &= haystack.str.casefold().str.contains(needle.strip().casefold(), regex=False)
    return quotes[keep]


def page_url(page: str, params: Mapping[str, str | Sequence[str]]) -> str:
    """Return a relative link to a dashboard page (url path, "" for the map) with query parameters."""
    query = urlencode([(k, v) for k, vs in params.items() for v in ([vs] if isinstance(vs, str) else vs)])
    return f"./{page}" + (f"?{query}" if query else "")


def share_url(base: str, params: Mapping[str, str | Sequence[str]]) -> str:
    """Return the full address of a view: the app's URL and every query parameter."""
    return base.rstrip("/") + "/" + page_url("", params)[2:]


def phase_labels(value: object, styles: Mapping[str, PhaseStyleLike]) -> str:
    """Return ";"-joined phase keys as their icons and labels ("✔ Retaken, · Context")."""
    keys = [k for k in str(value or "").split(";") if k]
    return ", ".join(f"{phase_style(k, styles).icon} {phase_style(k, styles).label}".strip() for k in keys)


def places_table(mentions: gpd.GeoDataFrame, styles: Mapping[str, PhaseStyleLike]) -> pd.DataFrame:
    """Return one row per resolved place: name, kind, where, mentions, documents, phases (labelled), confidence,
    corrections."""
    summary = places_summary(mentions)
    corrected = (
        mentions[mentions[Col.PLACE_ID].notna()].groupby(Col.PLACE_ID)[Col.CORRECTED].sum()
        if len(mentions)
        else pd.Series(dtype=int)
    )
    return summary.assign(
        **{
            Col.PHASES: summary[Col.PHASES].map(lambda v: phase_labels(v, styles)),
            Col.CORRECTED: summary[Col.PLACE_ID].map(corrected).fillna(0).astype(int),
        }
    )


def quote_links(quotes: pd.DataFrame, documents: Mapping[str, str], mentions: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return quotes with a link to read each one's document and one to its most precise place on the map."""
    placed = mentions[mentions[Col.PLACE_ID].notna()]
    pairs = placed.drop_duplicates([Col.DOC_ID, Col.PLACE_ID])
    # The label the map shows when filtered to the document: the name, unless the document names two places so.
    labels = {(d, p): n for d, p, n in zip(pairs[Col.DOC_ID], pairs[Col.PLACE_ID], pairs[Col.PLACE_NAME], strict=True)}
    for doc_id in set(pairs.loc[pairs.duplicated([Col.DOC_ID, Col.PLACE_NAME], keep=False), Col.DOC_ID]):
        labels.update({(doc_id, p): label for p, label in place_labels(placed[placed[Col.DOC_ID] == doc_id]).items()})
    rank = {
        p: SPECIFIC.index(f) if f in SPECIFIC else len(SPECIFIC)
        for p, f in zip(pairs[Col.PLACE_ID], pairs[Col.FEATURE], strict=True)
    }
    reader, on_map = [], []
    for doc_id, place_ids in zip(quotes["doc_id"], quotes["place_ids"], strict=True):
        label = documents.get(doc_id, doc_id[:12])
        reader.append(page_url("documents", {DOC_PARAM: label}))
        known = sorted((p for p in place_ids if (doc_id, p) in labels), key=lambda p: rank.get(p, len(SPECIFIC)))
        params = {PARAMS["documents"]: label, **({PLACE_PARAM: labels[(doc_id, known[0])]} if known else {})}
        on_map.append(page_url("", params))
    return quotes.assign(document_link=reader, map_link=on_map)


# Markdown's active characters (links, emphasis, :colour[...], $maths$, HTML-like tags): Streamlit renders
# titles, captions and messages as Markdown, and a release's text or an analyst's name may hold any of them.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def markdown_literal(text: str) -> str:
    """Return text escaped so that Streamlit's Markdown shows it exactly as written, on one line."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", " ".join(str(text).split()))
