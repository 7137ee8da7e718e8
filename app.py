"""mapdash dashboard: the shared frame (title, data loading, sidebar filters) around the pages."""

from __future__ import annotations

import logging

import streamlit as st

from mapdash.frame import documents_table, filter_mentions, mentions_frame
from mapdash.render.assets import install_static
from mapdash.render.maps import shipped_phase_styles
from mapdash.settings import load_settings
from mapdash.store import Store
from mapdash.ui.dashboard import (
    LAYOUT_CSS,
    PARAMS,
    FilterOptions,
    filter_options,
    make_filters,
    markdown_literal,
    widen_dates,
)
from mapdash.ui.state import VIEW_KEY, ViewState, session_state
from views.login_gate import require_user

st.set_page_config(page_title="mapdash — campaign map", page_icon="🗺️", layout="wide")
settings = load_settings()
user = require_user()  # beyond loopback a user logs in first; corrections record who
st.html(LAYOUT_CSS)  # laptop layout: compact title, the map gets most of the height


@st.cache_resource(show_spinner=False)
def offline_assets(static_dir: str) -> str:
    """Copy Leaflet and the basemap into static/ once a process: `streamlit run app.py` works like `mapdash serve`."""
    return str(install_static(settings.static_dir, settings.data_dir))


offline_assets(str(settings.static_dir))


@st.cache_resource
def database(db_path: str) -> Store:
    """Return the app's Store, shared by every browser session (each thread reads on its own connection, and
    writes queue for the one writer)."""
    return Store.open(db_path)


# cache_resource, not cache_data: the frame is read-only for the pages, and cache_data would copy
# (pickle) 10,000 rows on every rerun. Two entries: the current data version and the one before.
@st.cache_resource(max_entries=2, show_spinner=False)
def load_frame(db_path: str, version: str):
    """Return the mentions GeoDataFrame for one data version (re-read when the data changes)."""
    return mentions_frame(database(db_path))


@st.cache_resource(max_entries=2, show_spinner=False)
def load_documents(db_path: str, version: str):
    """Return the documents table for one data version."""
    return documents_table(database(db_path))


@st.cache_resource(show_spinner=False)
def phase_styles():
    """Return the taxonomy's phase styles (label, colour, icon)."""
    return shipped_phase_styles(settings.data_dir)


@st.cache_resource(max_entries=2, show_spinner=False)
def load_options(db_path: str, version: str) -> FilterOptions:
    """Return the sidebar's choices for one data version."""
    return filter_options(load_frame(db_path, version), load_documents(db_path, version), phase_styles())


def show_error(what: str, exc: Exception) -> None:
    """Show a failure as one readable line (the traceback goes to the server's log, never to the browser)."""
    logging.getLogger("mapdash").error("%s", what, exc_info=exc)
    st.error(markdown_literal(f"{what}. {type(exc).__name__}: {exc}"[:400]))  # the message may quote a document


db = str(settings.db_path)
try:
    conn = database(db)
    version = conn.data_version()
    gdf = load_frame(db, version)
    options = load_options(db, version)
except Exception as exc:  # noqa: BLE001 - a broken or locked database: say so and draw nothing else
    show_error(f"The database {db} cannot be read; check the file or start mapdash with another --db", exc)
    st.stop()

# Each filter is bound to a URL query parameter (its key), so a copied URL reopens the same view.
with st.sidebar:
    st.header("Filters")
    bound = {"bind": "query-params"}
    countries = st.multiselect("Country", list(options.countries), key=PARAMS["countries"], **bound)
    phases = st.multiselect(
        "Campaign phase", list(options.phases), format_func=options.phases.__getitem__, key=PARAMS["phases"], **bound
    )
    doc_ids = st.multiselect(
        "Document", list(options.documents), format_func=options.documents.__getitem__, key=PARAMS["documents"], **bound
    )
    speakers = st.multiselect("Speaker", list(options.speakers), key=PARAMS["speakers"], **bound)
    dates = ()
    span, initial = (options.first, options.last), {"value": (options.first, options.last)}
    kept = session_state(st.session_state)
    if kept.date_span not in (None, span) and PARAMS["dates"] in st.session_state:  # an upload moved the span
        st.session_state[PARAMS["dates"]] = widen_dates(st.session_state[PARAMS["dates"]], kept.date_span, span)
        initial = {}  # a value set through session state this run: no default beside it (Streamlit would warn)
    kept.date_span = span
    if options.first and options.last:
        dates = st.date_input("Published between", key=PARAMS["dates"], **initial, **bound)
    min_confidence = st.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05, key=PARAMS["min_confidence"], **bound)
    text = st.text_input("Search text", key=PARAMS["text"], placeholder="place, sentence or title", **bound)

filters = make_filters(
    options,
    countries=countries,
    phases=phases,
    documents=doc_ids,
    speakers=speakers,
    dates=tuple(dates) if isinstance(dates, tuple | list) else (dates,),
    min_confidence=min_confidence,
    text=text,
)
st.session_state[VIEW_KEY] = ViewState(  # what every page reads: view_state(st.session_state)
    version=version,
    filters=filters,
    mentions=filter_mentions(gdf, filters),
    all_mentions=gdf,
    documents=load_documents(db, version),
    options=options,
    styles=phase_styles(),
    settings=settings,
    db=conn,
    user=user,
)

# The page files live in views/, not pages/: a pages/ folder beside the entry script switches Streamlit
# (1.67) to its legacy multipage mode, and reruns then skip this frame, so the filters stop applying.
page = st.navigation(
    [
        st.Page("views/map.py", title="Map", icon=":material/map:", default=True),
        st.Page("views/places.py", title="Places", icon=":material/place:"),
        st.Page("views/quotes.py", title="Quotes", icon=":material/format_quote:"),
        st.Page("views/documents.py", title="Documents", icon=":material/description:"),
        st.Page("views/timeline.py", title="Timeline", icon=":material/timeline:"),
    ]
)
try:
    page.run()
except Exception as exc:  # noqa: BLE001 - a page's failure is a message on that page, not a stack trace
    show_error(f"The {page.title} page could not be drawn; change the filters or reload the page", exc)
