"""What the dashboard's pages share, typed: the view the entry script builds on each run, and what one browser
session keeps between runs.

app.py puts a `ViewState` in Streamlit's session state on every run (under `VIEW_KEY`); the pages read it with
`view_state(st.session_state)`. What a session keeps from one run to the next (the map's view, a requested export,
the running job) lives in one `SessionState` (`session_state(st.session_state)`). Widgets keep their own keys
(Streamlit owns those, and the query-parameter bound ones are the URL's names). No Streamlit import here: both take
the session state as a plain mapping, so they are tested without an app.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from mapdash.frame import Filters
from mapdash.library import IngestResult
from mapdash.model import Col
from mapdash.render.maps import MapView, PhaseStyleLike
from mapdash.settings import Settings
from mapdash.ui.dashboard import FilterOptions

if TYPE_CHECKING:
    from mapdash.store import Store

VIEW_KEY = "mapdash_view"  # session-state key of the run's ViewState
SESSION_KEY = "mapdash_session"  # session-state key of the session's SessionState
DateSpan = tuple[date | None, date | None]


@dataclass(frozen=True)
class ViewState:
    """What the shared frame (app.py) computes on each run and every page reads: one data version, filtered."""

    version: str  # the data version: the key of the pages' caches
    filters: Filters
    mentions: gpd.GeoDataFrame  # the mentions that pass the filters
    all_mentions: gpd.GeoDataFrame  # every mention (a place's details show them all, whatever the filters)
    documents: pd.DataFrame  # frame.documents_table
    options: FilterOptions  # the sidebar's choices
    styles: Mapping[str, PhaseStyleLike]  # the phase taxonomy's styles
    settings: Settings
    db: Store
    user: str  # who is using this session; corrections record it

    @property
    def placed(self) -> gpd.GeoDataFrame:
        """Return the filtered mentions that are resolved to a place."""
        return self.mentions[self.mentions[Col.PLACE_ID].notna()]


@dataclass(frozen=True)
class ExportReady:
    """A prepared export file: where it is published, its name, the link's label, and the request it answers."""

    url: str
    name: str
    label: str
    nonce: int  # which button press made it: the download starts once per press

    def as_data(self) -> dict[str, Any]:
        """Return it as the download component's data."""
        return asdict(self)


@dataclass
class MapState:
    """The map page's state across runs: the view, the last marker click, the export asked for and made."""

    view: MapView | None = None  # the centre and zoom shown (from the URL's view= when the page opened)
    view_known: bool = False  # whether view was set yet: the URL's view applies once, when the page opens
    view_filters: Filters | None = None  # the filters the view was shown with
    last_click: tuple[Any, Any] | None = None  # the map component's (tooltip, point) of the last click handled
    clicked_place: str | None = None  # a place a marker click picked, for the place widget to take on the next run
    export_request: str | None = None  # the export format asked for, until its file is written
    export_nonce: int = 0  # export button presses so far
    export_ready: ExportReady | None = None

    def follow_filters(self, filters: Filters, url_view: MapView | None) -> bool:
        """Keep the view for these filters; return True when a filter change dropped it (then the URL's goes too).

        The URL's view (url_view) applies when the page opens; once the filters change, the map fits the data again.
        """
        dropped = self.view_filters is not None and self.view_filters != filters
        if dropped:
            self.view, self.view_known = None, True
        elif not self.view_known:
            self.view, self.view_known = url_view, True
        self.view_filters = filters
        return dropped

    def ask_export(self, fmt: str) -> None:
        """Remember which export was asked for (a button's callback: it runs first in the next run, even mid-update)."""
        self.export_request = fmt
        self.export_nonce += 1


@dataclass
class DocumentsState:
    """The documents page's state across runs: the running job, the last one's results, the document read."""

    job_id: str | None = None  # the ingest job running for this session
    ingest_results: list[IngestResult] | None = None  # what the last job (or a refused paste) did, until cleared
    job_outcome: str = ""  # why the last job ended early ("" when it finished)
    reader_follows: str | None = None  # the document the reader opened from the table's selection

    def clear_results(self) -> None:
        """Forget the last job's results and outcome."""
        self.ingest_results, self.job_outcome = None, ""


@dataclass
class LoginState:
    """The team-password login of this session (mapdash.ui.auth): who logged in, and the failed attempts."""

    user: str = ""
    failures: int = 0


@dataclass
class SessionState:
    """What one browser session keeps from run to run, apart from its widgets' values."""

    date_span: DateSpan | None = None  # the data's publication span at the last run (an upload may widen it)
    places_message: str = ""  # the places page's confirmation, shown once after the rerun a correction causes
    map: MapState = field(default_factory=MapState)
    documents: DocumentsState = field(default_factory=DocumentsState)
    login: LoginState = field(default_factory=LoginState)


def view_state(session: Mapping[str, Any]) -> ViewState:
    """Return the run's view, as the entry script (app.py) put it in the session state."""
    return session[VIEW_KEY]


def session_state(session: MutableMapping[str, Any]) -> SessionState:
    """Return the session's kept state, made empty on its first run."""
    if SESSION_KEY not in session:
        session[SESSION_KEY] = SessionState()
    return session[SESSION_KEY]
