"""mapdash dashboard: the shared frame (title, data loading, sidebar filters) around the pages."""

from __future__ import annotations

from datetime import date

import streamlit as st

from mapdash import store
from mapdash.frame import Filters, filter_mentions, mentions_frame
from mapdash.settings import load_settings

st.set_page_config(page_title="mapdash — campaign map", page_icon="🗺️", layout="wide")
settings = load_settings()


@st.cache_resource
def connection(db_path: str):
    """Return the app's shared database connection."""
    return store.connect(db_path)


@st.cache_data(show_spinner=False)
def load_frame(db_path: str, version: str):
    """Return the mentions GeoDataFrame for one data version (re-read when the data changes)."""
    return mentions_frame(connection(db_path))


conn = connection(str(settings.db_path))
gdf = load_frame(str(settings.db_path), store.data_version(conn))

with st.sidebar:
    st.header("Filters")
    resolved = gdf[gdf["place_id"].notna()]
    countries = st.multiselect("Country", sorted(c for c in resolved["country_code"].dropna().unique() if c))
    phases = st.multiselect("Campaign phase", sorted({p for v in resolved["phases"].fillna("") for p in v.split(";") if p}))
    titles = dict(zip(resolved["doc_id"], resolved["title"].fillna(resolved["doc_id"]), strict=False))
    doc_ids = st.multiselect("Document", list(titles), format_func=lambda d: titles.get(d, d))
    speakers = st.multiselect("Speaker", sorted(s for s in resolved["speaker"].dropna().unique() if s))
    dates = sorted(d for d in resolved["published"].dropna().unique())
    date_range: tuple[date, ...] = ()
    if dates:
        date_range = tuple(st.date_input("Published between", value=(dates[0], dates[-1])))
    min_confidence = st.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05)
    text = st.text_input("Search text")

filters = Filters(
    countries=tuple(countries), phases=tuple(phases), doc_ids=tuple(doc_ids), speakers=tuple(speakers),
    since=date_range[0] if len(date_range) > 0 else None, until=date_range[1] if len(date_range) > 1 else None,
    min_confidence=min_confidence, text=text,
)
st.session_state["mentions"] = filter_mentions(gdf, filters)
st.session_state["all_mentions"] = gdf
st.session_state["settings"] = settings
st.session_state["conn"] = conn

# The page files live in views/, not pages/: a pages/ folder beside the entry script switches Streamlit
# (1.67) to its legacy multipage mode, and reruns then skip this frame, so the filters stop applying.
page = st.navigation(
    [
        st.Page("views/map.py", title="Map", icon=":material/map:", default=True),
        st.Page("views/places.py", title="Places", icon=":material/place:"),
        st.Page("views/documents.py", title="Documents", icon=":material/description:"),
    ]
)
page.run()
