"""Map page: the filtered place mentions on the offline campaign map; beside it the places, or the
mentions of the place clicked (every sentence, highlighted)."""

from functools import partial

import streamlit as st
from streamlit_folium import st_folium

from mapdash.assets import publish_json
from mapdash.dashboard import PLACE_PARAM, VIEW_PARAM, clicked_place, counts, place_labels, places_table, plural, share_url
from mapdash.highlight import place_details_html, place_mentions
from mapdash.maps import MapView, build_map, place_layer
from mapdash.export import FORMATS, HELP, LABELS, MIME, Briefing, chromium_missing, export_bytes, export_filename
from mapdash.mapscripts import SHARE_VIEW_CSS, SHARE_VIEW_HTML, SHARE_VIEW_JS


@st.cache_resource
def share_button():
    """Return the "Share this view" component, registered once per process."""
    return st.components.v2.component("mapdash_share_view", html=SHARE_VIEW_HTML, css=SHARE_VIEW_CSS, js=SHARE_VIEW_JS)


@st.cache_resource(max_entries=16, show_spinner=False)
def map_data(version: str, filters, _placed, _styles, static_dir):
    """Return the places layer (published as a static file), labels and table for one data version and filter set.

    Built once and shared by reruns and sessions: a click or a rerun sends the browser a small map that
    fetches its places, instead of re-rendering thousands of popups.
    """
    layer = place_layer(_placed, _styles, publish=partial(publish_json, static_dir))
    return layer, place_labels(_placed), places_table(_placed, _styles)[["place_name", "country_code", "mentions", "phases"]]


state = st.session_state
mentions = state["mentions"]
st.title("Campaign map")
placed = mentions[mentions["place_id"].notna()]
st.caption(counts(placed).caption())
# A view from the URL applies when the page opens; a filter change drops it so the map fits the data again.
if state.get("map_filters") not in (None, state["filters"]):
    state["map_view"] = None
    st.query_params.pop(VIEW_PARAM, None)
elif "map_view" not in state:
    state["map_view"] = MapView.from_param(st.query_params.get(VIEW_PARAM))
state["map_filters"] = state["filters"]

left, right = st.columns([3, 2])
with left:
    # Only a marker click reruns the app: panning and zooming change nothing in returned_objects.
    layer, labels, table = map_data(state["version"], state["filters"], placed, state["styles"], state["settings"].static_dir)
    clicked = st_folium(build_map(placed, view=state["map_view"], places=layer, phase_styles=state["styles"]), height=620, use_container_width=True,
                        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"], key="campaign_map") or {}
    click = (clicked.get("last_object_clicked_tooltip"), clicked.get("last_object_clicked"))
    if click[1] and click != state.get("map_click"):  # the component repeats its last click on every rerun
        state["map_click"] = click
        state[PLACE_PARAM] = clicked_place(placed, *click)  # the widget below is bound to the URL's place=
    shared = share_button()(key="share_view", on_view_change=lambda: None)
    if shared.view:
        st.query_params[VIEW_PARAM] = MapView(float(shared.view[0]), float(shared.view[1]), int(shared.view[2])).to_param()
        st.caption("This view's address (also in the address bar):")
        st.code(share_url(st.context.url or "", {k: st.query_params.get_all(k) for k in st.query_params}), language=None)
with right:
    place = st.selectbox("Place", list(labels), format_func=labels.__getitem__, index=None, key=PLACE_PARAM,
                         bind="query-params", placeholder="Click a marker, or pick a place")
    if place:
        st.button("All places", icon=":material/arrow_back:", on_click=lambda: state.update({PLACE_PARAM: None}))
        details = place_mentions(state["all_mentions"], place)
        st.caption(f"{plural(len(details), 'mention')} in {plural(details['doc_id'].nunique(), 'document')} (all documents, whatever the filters)")
        with st.container(height=520):
            st.html(place_details_html(details, state["styles"]))
    else:
        st.dataframe(table, hide_index=True, width="stretch", height=560)

# Downloads of what the page shows: the filtered mentions, the view in the URL (shared) or else fitted to them.
# Each file is made only when its button is clicked (a callable runs then), so reruns stay cheap.
st.subheader("Export", divider="gray")
export_view, export_filters, export_styles = MapView.from_param(st.query_params.get(VIEW_PARAM)), state["filters"], state["styles"]
for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
    # The callable runs on another thread, where session state is out of reach: it gets plain values.
    make = lambda fmt=fmt: export_bytes(placed, fmt, Briefing(filters=export_filters, view=export_view), styles=export_styles).data  # noqa: E731
    column.download_button(LABELS[fmt], data=make, file_name=export_filename(fmt), mime=MIME[fmt], on_click="ignore",
                           icon=":material/download:", help=HELP[fmt], key=f"export_{fmt}", width="stretch")
if missing := chromium_missing():
    st.caption(f"PNG and PDF: {missing}, so they are drawn with matplotlib (static); the README's Export section tells how to get Chromium's rendering.")
