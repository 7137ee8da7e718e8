"""The pages' typed state: the session's kept state and the map page's view across filter changes."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from test_maps import PLACES, mention, mentions_gdf

from mapdash.frame import Filters
from mapdash.model import Col
from mapdash.render.maps import MapView
from mapdash.ui.dashboard import FilterOptions
from mapdash.ui.state import (
    SESSION_KEY,
    VIEW_KEY,
    ExportReady,
    MapState,
    SessionState,
    ViewState,
    session_state,
    view_state,
)

URL_VIEW = MapView(33.42, 43.31, 7)
SYRIA = Filters(countries=("SY",))


@pytest.mark.parametrize(
    ("runs", "expected_view", "dropped"),
    [
        ([Filters()], URL_VIEW, [False]),  # the page opens: the URL's view applies
        ([Filters(), Filters()], URL_VIEW, [False, False]),  # a rerun with the same filters keeps it
        ([Filters(), SYRIA], None, [False, True]),  # a filter change drops it: the map fits the data again
        ([Filters(), SYRIA, SYRIA], None, [False, True, False]),  # and the URL's view never comes back
        ([SYRIA, replace(SYRIA)], URL_VIEW, [False, False]),  # equal filters are the same filters
    ],
)
def test_the_urls_view_applies_until_the_filters_change(
    runs: list[Filters], expected_view: MapView | None, dropped: list[bool]
) -> None:
    state = MapState()
    assert [state.follow_filters(filters, URL_VIEW) for filters in runs] == dropped
    assert state.view == expected_view and state.view_filters == runs[-1]


def test_no_view_in_the_url_fits_the_data() -> None:
    state = MapState()
    assert not state.follow_filters(Filters(), None)
    assert state.view is None and not state.follow_filters(Filters(), URL_VIEW)  # read once, when the page opens
    assert state.view is None


def test_each_export_press_is_a_new_request() -> None:
    state = MapState()
    state.ask_export("png")
    state.ask_export("png")
    assert (state.export_request, state.export_nonce) == ("png", 2)
    ready = ExportReady("/app/static/exports/x.png", "x.png", "x.png (3 KB)", state.export_nonce)
    assert ready.as_data() == {"url": "/app/static/exports/x.png", "name": "x.png", "label": "x.png (3 KB)", "nonce": 2}


def test_the_session_state_is_made_once() -> None:
    session: dict[str, object] = {}
    kept = session_state(session)
    kept.map.clicked_place = "gn:98717"
    assert session_state(session) is kept and session[SESSION_KEY] is kept
    assert session_state({}) == SessionState()  # another session starts empty
    kept.documents.ingest_results, kept.documents.job_outcome = [], "cancelled"
    kept.documents.clear_results()
    assert (kept.documents.ingest_results, kept.documents.job_outcome) == (None, "")


def test_the_view_gives_the_placed_mentions() -> None:
    rows = [mention(p) for p in PLACES] + [mention(PLACES[0], place_id=None)]
    gdf = mentions_gdf(rows)
    options = FilterOptions({}, {}, {}, ())
    view = ViewState("1", Filters(), gdf, gdf, pd.DataFrame(), options, {}, None, None, "analyst")  # no store needed
    assert view_state({VIEW_KEY: view}) is view
    assert len(view.placed) == len(PLACES) and view.placed[Col.PLACE_ID].notna().all()
