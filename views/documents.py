"""Documents page: the stored releases."""

import streamlit as st

from mapdash.frame import documents_table

st.title("Documents")
docs = documents_table(st.session_state["conn"])
st.caption(f"{len(docs)} documents")
st.dataframe(docs, hide_index=True, width="stretch")
