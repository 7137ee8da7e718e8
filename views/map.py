"""Map page: the filtered place mentions on the offline campaign map, with the table beside it."""

import streamlit as st
from streamlit_folium import st_folium

from mapdash.frame import places_summary
from mapdash.maps import build_map

mentions = st.session_state["mentions"]
st.title("Campaign map")
placed = mentions[mentions["place_id"].notna()]
st.caption(f"{placed['place_id'].nunique()} places, {len(placed)} mentions in {placed['doc_id'].nunique()} documents")

left, right = st.columns([3, 2])
with left:
    # returned_objects=[]: panning and zooming stay in the browser and never rerun the app.
    st_folium(build_map(placed), height=620, use_container_width=True, returned_objects=[], key="campaign_map")
with right:
    st.dataframe(
        places_summary(placed)[["place_name", "feature", "country_code", "admin1_name", "mentions", "phases", "confidence"]],
        hide_index=True, width="stretch", height=620,
    )
