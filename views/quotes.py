"""Quotes page: the quotes that pass the filters, searchable, each linked to its document and places."""

import streamlit as st

from mapdash.ui.dashboard import filter_quotes, quote_links, quotes_frame
from mapdash.ui.state import view_state


@st.cache_resource(max_entries=2, show_spinner=False)
def load_quotes(_db, version: str, _mentions):
    """Return every quote with the mentions it names, for one data version."""
    return quotes_frame(_db, _mentions)


view = view_state(st.session_state)
quotes = load_quotes(view.db, view.version, view.all_mentions)
search = st.session_state.get("quote_search", "")  # the search box's value: its widget key
shown = filter_quotes(quotes, view.mentions, view.filters, search)
head, note = st.columns([1, 3], vertical_alignment="bottom")  # the title and its count on one compact line
head.title("Quotes")
note.caption(f"{len(shown)} of {len(quotes)} quotes")
st.text_input("Search quotes", key="quote_search", placeholder="words, speaker, place or document title")
shown = quote_links(shown, view.options.documents, view.all_mentions)
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
