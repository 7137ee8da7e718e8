"""Map page: the filtered place mentions on the offline campaign map, fitted to the theatre; beside it the
places (and those beyond the map), or the mentions of the place clicked (every sentence, highlighted)."""

from functools import partial

import streamlit as st
from streamlit_folium import st_folium

from mapdash.export import (
    FORMATS,
    HELP,
    LABELS,
    Briefing,
    ExportError,
    chromium_missing,
    export_bytes,
    export_filename,
    publish_export,
)
from mapdash.frame import MENTIONS
from mapdash.model import Col
from mapdash.render.assets import publish_json
from mapdash.render.highlight import place_details_html, place_mentions
from mapdash.render.maps import MapView, build_map, place_layer, theatre
from mapdash.render.mapscripts import (
    DOWNLOAD_CSS,
    DOWNLOAD_HTML,
    DOWNLOAD_JS,
    SHARE_VIEW_CSS,
    SHARE_VIEW_HTML,
    SHARE_VIEW_JS,
)
from mapdash.ui.dashboard import (
    MAP_HEIGHT,
    PLACE_PARAM,
    VIEW_PARAM,
    beyond_lines,
    clicked_place,
    counts,
    date_filter_note,
    highlight_group,
    place_labels,
    places_table,
    plural,
    share_url,
)
from mapdash.ui.state import ExportReady, session_state, view_state


@st.cache_resource
def share_button():
    """Return the "Share this view" component, registered once per process."""
    return st.components.v2.component("mapdash_share_view", html=SHARE_VIEW_HTML, css=SHARE_VIEW_CSS, js=SHARE_VIEW_JS)


@st.cache_resource
def download_link():
    """Return the component that starts a prepared export's download, registered once per process."""
    return st.components.v2.component("mapdash_download", html=DOWNLOAD_HTML, css=DOWNLOAD_CSS, js=DOWNLOAD_JS)


@st.cache_resource(max_entries=16, show_spinner=False)
def map_data(version: str, filters, _placed, _styles, static_dir):
    """Return the places layer (published as a static file), labels, table and theatre for a data version and filters.

    Built once and shared by reruns and sessions: a click or a rerun sends the browser a small map that
    fetches its places, instead of re-rendering thousands of popups.
    """
    layer = place_layer(_placed, _styles, publish=partial(publish_json, static_dir))
    table = places_table(_placed, _styles)[[Col.PLACE_NAME, Col.COUNTRY_CODE, MENTIONS, Col.PHASES]]
    return layer, place_labels(_placed), table, theatre(layer.collection["features"])


state, view, kept = st.session_state, view_state(st.session_state), session_state(st.session_state).map
placed = view.placed
head, note = st.columns([1, 3], vertical_alignment="bottom")  # the title and its counts on one compact line
head.title("Campaign map")
note.caption(counts(placed).caption())
if dated := date_filter_note(view.filters):
    st.caption(f":material/filter_alt: {dated}")
# A view from the URL applies when the page opens; a filter change drops it so the map fits the data again.
if kept.follow_filters(view.filters, MapView.from_param(st.query_params.get(VIEW_PARAM))):
    st.query_params.pop(VIEW_PARAM, None)

left, right = st.columns([7, 3])
layer, labels, table, area = map_data(view.version, view.filters, placed, view.styles, view.settings.static_dir)
if kept.clicked_place is not None:  # a marker clicked in the last run: the place widget takes it before it is drawn
    state[PLACE_PARAM], kept.clicked_place = kept.clicked_place, None
with right:  # drawn first, so the map knows the place picked (from the URL too) and rings it
    place = st.selectbox(
        "Place",
        list(labels),
        format_func=labels.__getitem__,
        index=None,
        key=PLACE_PARAM,
        bind="query-params",
        placeholder="Click a marker, or pick a place",
    )
with left:
    # Only a marker click reruns the app: panning and zooming change nothing in returned_objects. The place picked
    # beside the map is ringed by a feature group added to the drawn map, so picking one never resets the view.
    picked = place
    clicked = (
        st_folium(
            build_map(placed, view=kept.view, places=layer, phase_styles=view.styles),
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
            feature_group_to_add=highlight_group(layer.collection, picked),
            key="campaign_map",
        )
        or {}
    )
    click = (clicked.get("last_object_clicked_tooltip"), clicked.get("last_object_clicked"))
    if click[1] and click != kept.last_click:  # the component repeats its last click on every rerun
        kept.last_click = click
        hit = clicked_place(placed, *click)
        if hit and hit != picked:
            kept.clicked_place = hit  # the widget beside the map is bound to the URL's place=
            st.rerun()
    shared = share_button()(key="share_view", on_view_change=lambda: None)
    if shared.view:
        st.query_params[VIEW_PARAM] = MapView(
            float(shared.view[0]), float(shared.view[1]), int(shared.view[2])
        ).to_param()
        st.caption("This view's address (also in the address bar):")
        st.code(
            share_url(st.context.url or "", {k: st.query_params.get_all(k) for k in st.query_params}), language=None
        )
with right:
    if place:
        st.button("All places", icon=":material/arrow_back:", on_click=lambda: state.update({PLACE_PARAM: None}))
        details = place_mentions(view.all_mentions, place)
        st.caption(
            f"{plural(len(details), 'mention')} in {plural(details[Col.DOC_ID].nunique(), 'document')} (all documents, "
            "whatever the filters)"
        )
        with st.container(height=MAP_HEIGHT - 90):
            st.html(place_details_html(details, view.styles))
    elif area.beyond:
        st.markdown(f"**Beyond this map** ({plural(len(area.beyond), 'place')})")
        with st.container(height=MAP_HEIGHT - 110, key="beyond_map"):
            st.markdown("\n".join(f"- {line}" for line in beyond_lines(area.beyond, view.styles)))
# Full width under the map, so every phase reads as its icon and label, uncropped.
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    key="places_table",
    column_config={
        Col.PLACE_NAME: st.column_config.TextColumn("place", width="medium"),
        Col.COUNTRY_CODE: st.column_config.TextColumn("country", width="small"),
        MENTIONS: st.column_config.NumberColumn("mentions", width="small"),
        Col.PHASES: st.column_config.TextColumn("phases", width="large"),
    },
)

# Downloads of what the page shows: the filtered mentions, the view in the URL (shared) or else fitted to them.
# A button asks for a file; the next rerun makes it, writes it under static/exports/ and starts its download. The
# file stays on disk, so a download clicked while the page updates still works (no id that a rerun revokes).
st.subheader("Export", divider="gray")
for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
    column.button(
        LABELS[fmt],
        icon=":material/download:",
        help=HELP[fmt],
        key=f"export_{fmt}",
        width="stretch",
        on_click=kept.ask_export,
        args=(fmt,),
    )
if fmt := kept.export_request:  # kept until the file is written: a rerun that interrupts this one makes it again
    name = export_filename(fmt)
    try:
        with st.spinner(f"Making {LABELS[fmt]}…"):
            shown = MapView.from_param(st.query_params.get(VIEW_PARAM))
            made = export_bytes(placed, fmt, Briefing(filters=view.filters, view=shown), styles=view.styles)
            kept.export_ready = ExportReady(
                url=publish_export(made, view.settings.static_dir, name),
                name=name,
                label=f"{name} ({len(made.data) / 1024:,.0f} KB)",
                nonce=kept.export_nonce,
            )
            kept.export_request = None  # written: a rerun that stops this one at the spinner's end keeps the file
    except (ExportError, OSError) as exc:
        kept.export_ready = None
        st.error(f"The {LABELS[fmt]} export failed: {exc}. Press its button again to retry.")
    kept.export_request = None
if ready := kept.export_ready:
    download_link()(key="export_download", data=ready.as_data())
if missing := chromium_missing():
    st.caption(
        f"PNG and PDF: {missing}, so they are drawn with matplotlib (static); the README's Export section tells how to "
        "get Chromium's rendering."
    )
