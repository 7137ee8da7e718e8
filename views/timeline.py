"""Timeline page: each place's campaign phases across documents over time, the places given one phase,
and the map played back day by day."""

import streamlit as st
from streamlit_folium import st_folium

from mapdash.maps import build_map
from mapdash.timeline import phase_events, phase_table, place_histories, timeline_chart

state = st.session_state
mentions, styles = state["mentions"], state["styles"]
st.title("Timeline")
events = phase_events(mentions, styles)
if events.empty:
    st.info("No dated campaign phases among the filtered mentions.")
    st.stop()
st.caption(f"{len(events)} phase reports on {events['place_id'].nunique()} places, {events['day'].min()} to {events['day'].max()}")
st.altair_chart(timeline_chart(events, styles), width="stretch")

st.subheader("Playback")
st.caption("Drag the slider or press ▶ (bottom left of the map): each place shows its phase as of that day; it runs in the browser.")
placed = mentions[mentions["place_id"].notna()]
st_folium(build_map(placed, timeline=True), height=560, use_container_width=True, returned_objects=[], key="timeline_map")

left, right = st.columns(2)
with left:
    present = list(dict.fromkeys(k for k in styles if k in set(events["phase"])))
    phase = st.selectbox("Places given the phase", present, format_func=lambda k: f"{styles[k].icon} {styles[k].label}",
                         index=present.index("retaken") if "retaken" in present else 0)
    st.dataframe(phase_table(events, phase), hide_index=True, width="stretch")
with right:
    st.markdown("**Each place's phases, latest change first**")
    st.dataframe(place_histories(events)[["place_name", "country_code", "latest", "since", "history", "documents"]],
                 hide_index=True, width="stretch")
