"""Documents page: add releases (upload, paste, server path), list, delete and re-process them, and read
one with its place mentions and quotes highlighted."""

from pathlib import Path

import pandas as pd
import streamlit as st

from mapdash import library
from mapdash.dashboard import DOC_PARAM, markdown_literal, plural
from mapdash.highlight import document_html
from mapdash.ingest import IngestError
from mapdash.pipeline import load_services

state = st.session_state
conn, settings, docs = state["conn"], state["settings"], state["documents"]


@st.cache_resource(show_spinner="Loading the gazetteer and the language model (once per server)…")
def services():
    """Return the geoparsing services, built once per server process."""
    return load_services(settings)


def run(label: str, work) -> None:
    """Run an ingest with a progress bar, keep its per-file results for after the rerun, and rerun."""
    bar = st.progress(0.0, text=label)

    def progress(done: int, total: int, result: library.IngestResult) -> None:
        bar.progress(done / total, text=markdown_literal(f"{done} of {total}: {result.source} — {result.status}"))

    try:
        state["ingest_results"] = work(services, progress)
    except IngestError as exc:
        st.error(markdown_literal(str(exc)))  # it quotes the path as typed: show it as text, never as Markdown
        return
    st.rerun()  # the sidebar's choices and every page read the new data version


st.title("Documents")
with st.expander("Add releases", expanded=docs.empty or "ingest_results" in state, icon=":material/add:"):
    upload, paste, path = st.tabs(["Upload files", "Paste text", "Server path"])
    with upload, st.form("upload", clear_on_submit=True):
        files = st.file_uploader("Releases (.txt, .html, .htm; a same-named .json sidecar is applied)", accept_multiple_files=True,
                                 type=["txt", "html", "htm", "json"])
        day = st.date_input("Publication date for releases that state none", value=None)
        if st.form_submit_button("Add", type="primary", key="upload_add") and files:
            uploads = [(f.name, f.getvalue()) for f in files]
            run(f"Adding {len(uploads)} file(s)…", lambda s, p: library.ingest_uploads(conn, uploads, s, default_date=day, progress=p))
    with paste, st.form("paste", clear_on_submit=True):
        title = st.text_input("Title (optional: the first line otherwise)", key="paste_title")
        day = st.date_input("Publication date", value=None, key="paste_date")
        body = st.text_area("Release text (or HTML)", height=200, key="paste_text")
        if st.form_submit_button("Add", type="primary", key="paste_add"):
            run("Adding the pasted release…", lambda s, p: [library.ingest_text(conn, body, s, title=title or None, published=day)])
    with path, st.form("server_path"):
        where = st.text_input("File or folder on the server", placeholder="/data/releases/", key="server_path")
        if st.form_submit_button("Add", type="primary", key="path_add") and where.strip():
            run(f"Adding {where}…", lambda s, p: library.ingest_paths(conn, [Path(where.strip()).expanduser()], s, progress=p))
    if results := state.get("ingest_results"):
        tally = library.counts(results)
        st.caption(", ".join(f"{n} {status}" for status, n in tally.items() if n))
        st.dataframe(pd.DataFrame([vars(r) for r in results]), hide_index=True, width="stretch",
                     column_order=["status", "source", "title", "places", "quotes", "reason", "doc_id"])
        st.button("Clear these results", on_click=lambda: state.pop("ingest_results", None))

st.caption(plural(len(docs), "document"))
listed = st.dataframe(docs, hide_index=True, width="stretch", on_select="rerun", selection_mode="multi-row", key="documents_table",
                      column_order=["title", "published", "byline", "mentions", "quotes", "source", "geoparse_mode", "ingested_at", "doc_id"])
chosen = [docs.iloc[i]["doc_id"] for i in listed.selection.rows if i < len(docs)]
if chosen:
    a, b = st.columns(2)
    if a.button(f"Re-process {len(chosen)} document(s)", icon=":material/refresh:"):
        run("Re-processing…", lambda s, p: library.reprocess_documents(conn, chosen, s, progress=p))
    with b.popover(f"Delete {len(chosen)} document(s)", icon=":material/delete:"):
        st.write("Their mentions, quotes and phases go too; analyst corrections are kept.")
        if st.button("Delete", type="primary"):
            library.delete_documents(conn, chosen)
            st.rerun()

labels = state["options"].documents
if len(chosen) == 1 and state.get("reader_follows") != chosen[0]:  # selecting one row opens it in the reader
    state["reader_follows"] = state[DOC_PARAM] = chosen[0]
doc = st.selectbox("Read", list(labels), format_func=labels.__getitem__, index=None, key=DOC_PARAM, bind="query-params",
                   placeholder="Select a document in the table, or pick one here")
if doc:
    st.html(document_html(conn, doc, state["all_mentions"], state["styles"]))
