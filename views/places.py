"""Places page: the resolved places with mentions, phases and confidence; a place's candidates and the
analyst's correction (another candidate, or a point set by hand)."""

import streamlit as st

from mapdash.frame import DOCUMENTS, MENTIONS, blank_missing
from mapdash.library.corrections import candidates, correct_place, correct_point, mentions_of, spans
from mapdash.model import Col
from mapdash.ui.dashboard import PLACE_PARAM, counts, markdown_literal, place_labels, places_table
from mapdash.ui.state import session_state, view_state

state, view, kept = st.session_state, view_state(st.session_state), session_state(st.session_state)
mentions = view.mentions
head, note = st.columns([1, 3], vertical_alignment="bottom")  # the title and its counts on one compact line
head.title("Places")
note.caption(counts(mentions).caption())
if message := kept.places_message:
    kept.places_message = ""
    st.success(message)

table = places_table(mentions, view.styles)
labels = place_labels(mentions)


def follow_selection() -> None:
    """Open the place of the row just selected."""
    rows = state["places_table"].selection.rows
    if rows and rows[0] < len(table):  # a cleared selection keeps the place open
        state[PLACE_PARAM] = table.iloc[rows[0]][Col.PLACE_ID]


st.dataframe(
    table[
        [
            Col.PLACE_NAME,
            Col.FEATURE,
            Col.COUNTRY_CODE,
            Col.ADMIN1_NAME,
            MENTIONS,
            DOCUMENTS,
            Col.PHASES,
            Col.CONFIDENCE,
            Col.CORRECTED,
            Col.PLACE_ID,
        ]
    ],
    hide_index=True,
    width="stretch",
    height=360,
    on_select=follow_selection,
    selection_mode="single-row",
    key="places_table",
    column_config={
        Col.CONFIDENCE: st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0, format="%.2f"),
        Col.PHASES: st.column_config.TextColumn("phases", width="large"),
    },  # each phase's icon and label, uncropped
)
place_id = st.selectbox(
    "Place",
    list(labels),
    format_func=labels.__getitem__,
    index=None,
    key=PLACE_PARAM,
    bind="query-params",
    placeholder="Select a row, or pick a place, to see its candidates and correct it",
)
if place_id is None:
    st.stop()

place = table.set_index(Col.PLACE_ID).loc[place_id].to_dict() | {Col.PLACE_ID: place_id}
own = mentions_of(mentions, place[Col.PLACE_ID])
# An analyst's name may hold Markdown.
st.subheader(markdown_literal(f"{place[Col.PLACE_NAME]} ({place[Col.PLACE_ID]})"))
left, right = st.columns(2)
with left:
    st.markdown("**Mentions**")
    st.dataframe(
        blank_missing(own[[Col.TITLE, Col.PUBLISHED, Col.MENTION, Col.SENTENCE, Col.CONFIDENCE, Col.CORRECTED]]),
        hide_index=True,
        width="stretch",
    )
with right:
    st.markdown("**Candidates** (score from the resolver; the chosen place first)")
    options = candidates(view.db, own, chosen=place[Col.PLACE_ID])
    st.dataframe(
        options,
        hide_index=True,
        width="stretch",
        column_order=[
            "chosen",
            "name",
            "feature",
            "country_code",
            "admin1_name",
            "score",
            "population",
            "lat",
            "lon",
            "place_id",
        ],
    )

with st.form("correction"):
    st.markdown("**Correct the resolution** (stored as an analyst correction; it outlives re-processing)")
    which = st.multiselect(
        "Mentions to correct",
        list(range(len(own))),
        default=list(range(len(own))),
        format_func=lambda i: (
            f"“{own.loc[i, Col.MENTION]}” in {own.loc[i, Col.TITLE] or own.loc[i, Col.DOC_ID][:12]}"
            f" @{own.loc[i, Col.START]}"
        ),
    )
    how = st.radio("How", ["Pick another candidate", "Set a point"], horizontal=True)
    others = [p for p in options["place_id"] if p != place[Col.PLACE_ID]]
    names = dict(
        zip(
            options["place_id"],
            options["name"] + " — " + options["feature"] + ", " + options["country_code"],
            strict=True,
        )
    )
    choice = st.selectbox(
        "Candidate",
        others,
        format_func=names.__getitem__,
        index=None,
        placeholder="one of the candidates above",
        key="correct_candidate",
    )
    a, b, c = st.columns(3)
    lat = a.number_input("Latitude", -90.0, 90.0, float(place[Col.LAT]), format="%.5f")
    lon = b.number_input("Longitude", -180.0, 180.0, float(place[Col.LON]), format="%.5f")
    name = c.text_input("Name", value=str(place[Col.PLACE_NAME]))
    note = st.text_input("Note (why)", key="correct_note")
    submitted = st.form_submit_button("Store correction", type="primary", key="correct_submit")

if submitted:
    targets = spans(own.loc[which])
    try:
        if how == "Pick another candidate":
            if choice is None:
                raise ValueError("pick a candidate first")
            done = correct_place(view.db, targets, choice, note, author=view.user)
        else:
            done = correct_point(view.db, targets, lat, lon, name, note, author=view.user)
    except ValueError as exc:
        st.error(markdown_literal(str(exc)))
    else:
        kept.places_message = f"{done} mention(s) corrected."
        st.rerun()
