"""Quotes page: the quotes that pass the filters, searchable, each linked to its document and places."""

import streamlit as st

from mapdash.ui.dashboard import filter_quotes, quote_links, quotes_frame


@st.cache_resource(max_entries=2, show_spinner=False)
def load_quotes(_conn, version: str, _mentions):
    """Return every quote with the mentions it names, for one data version."""
    return quotes_frame(_conn, _mentions)


state = st.session_state
conn = state["conn"]
quotes = load_quotes(conn, state["version"], state["all_mentions"])
search = st.session_state.get("quote_search", "")
shown = filter_quotes(quotes, state["mentions"], state["filters"], search)
head, note = st.columns([1, 3], vertical_alignment="bottom")  # the title and its count on one compact line
head.title("Quotes")
note.caption(f"{len(shown)} of {len(quotes)} quotes")
st.text_input("Search quotes", key="quote_search", placeholder="words, speaker, place or document title")
shown = quote_links(shown, state["options"].documents, state["all_mentions"])
st.dataframe(
    shown[["speaker", "text", "places", "document_link", "map_link", "title", "published", "role"]],
    hide_index=True,
    width="stretch",
    column_config={
        "text": st.column_config.TextColumn("quote", width="large"),
        "title": st.column_config.TextColumn("document"),
        "document_link": st.column_config.LinkColumn("read", display_text="read ↗"),
        "map_link": st.column_config.LinkColumn("map", display_text="on the map ↗"),
    },
)
