"""Places page: every place mention with its sentence, resolution and confidence."""

import streamlit as st

mentions = st.session_state["mentions"]
st.title("Place mentions")
columns = ["mention", "place_name", "feature", "country_name", "admin1_name", "lat", "lon", "confidence", "phases", "sentence", "title"]
st.dataframe(mentions[columns], hide_index=True, width="stretch")
