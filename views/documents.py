"""Documents page: the stored releases."""

import streamlit as st

mentions = st.session_state["all_mentions"]
st.title("Documents")
docs = mentions.groupby("doc_id", as_index=False).agg(title=("title", "first"), published=("published", "first"), source=("source", "first"), mentions=("mention", "size"))
st.dataframe(docs, hide_index=True, width="stretch")
