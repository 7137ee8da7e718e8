"""Timeline page: each place's campaign phases across documents over time, the places given one phase,
and the map played back day by day."""

from functools import partial

import streamlit as st
from streamlit_folium import st_folium

from mapdash.model import Col
from mapdash.render.assets import publish_json
from mapdash.render.maps import build_map, place_layer
from mapdash.render.timeline import phase_events, phase_table, place_histories, timeline_chart
from mapdash.ui.dashboard import MAP_HEIGHT
from mapdash.ui.state import view_state


@st.cache_resource(max_entries=8, show_spinner=False)
def timeline_layer(version: str, filters, _placed, _styles, static_dir):
    """Return the playback map's places (published as a static file) for one data version and filter set."""
    return place_layer(_placed, _styles, timeline=True, publish=partial(publish_json, static_dir))


view = view_state(st.session_state)
mentions, styles = view.mentions, view.styles
events = phase_events(mentions, styles)
if events.empty:
    st.title("Timeline")
    st.info("No dated campaign phases among the filtered mentions.")
    st.stop()
head, note = st.columns([1, 3], vertical_alignment="bottom")  # the title and its counts on one compact line
head.title("Timeline")
note.caption(
    f"{len(events)} phase reports on {events[Col.PLACE_ID].nunique()} places, "
    f"{events['day'].min()} to {events['day'].max()} (undated releases left out)"
)
st.altair_chart(timeline_chart(events, styles), width="stretch")

st.subheader("Playback")
st.caption(
    "Drag the slider or press ▶ (bottom left of the map): each place shows its phase, and each area who held it, as of "
    "each report's date; it runs in the browser. Click the map to zoom it with the mouse wheel."
)
placed = view.placed
layer = timeline_layer(view.version, view.filters, placed, styles, view.settings.static_dir)
st_folium(
    build_map(placed, timeline=True, places=layer, phase_styles=styles),
    height=MAP_HEIGHT,
    use_container_width=True,
    returned_objects=[],
    key="timeline_map",
)

left, right = st.columns(2)
with left:
    present = list(dict.fromkeys(k for k in styles if k in set(events[Col.PHASE])))
    phase = st.selectbox(
        "Places given the phase",
        present,
        format_func=lambda k: f"{styles[k].icon} {styles[k].label}",
        index=present.index("retaken") if "retaken" in present else 0,
    )
    st.dataframe(phase_table(events, phase), hide_index=True, width="stretch")
with right:
    st.markdown("**Each place's phases, latest change first**")
    st.dataframe(
        place_histories(events)[[Col.PLACE_NAME, Col.COUNTRY_CODE, "latest", "since", "history", "documents"]],
        hide_index=True,
        width="stretch",
    )
