"""Documents page: add releases (upload, paste, server path) as jobs run off the page, list, delete and re-process
them, and read one with its place mentions and quotes highlighted."""

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mapdash import library
from mapdash.geoparse.ingest import IngestError
from mapdash.library.jobs import FINAL, JobLimitError, JobManager, JobRequest, upload_request
from mapdash.render.highlight import document_html
from mapdash.ui.dashboard import DOC_PARAM, markdown_literal, plural
from mapdash.ui.state import session_state, view_state

READER_MAX_CHARS = (
    1_000_000  # longer documents are shown as plain text, in part: highlighting them would hang the browser
)
state, view, kept = st.session_state, view_state(st.session_state), session_state(st.session_state).documents
db, settings, docs = view.db, view.settings, view.documents


@st.cache_resource(show_spinner=False)
def job_manager(db: str) -> JobManager:
    """Return the server's one job manager: ingest jobs run in worker processes, max_jobs at once."""
    return JobManager(  # its worker processes get the app's settings, not their environment
        settings, max_running=settings.max_jobs, memory_mb=settings.job_memory_mb, grace=settings.job_grace_s
    )


def start(request: JobRequest) -> None:
    """Hand a job to the manager (it runs in a worker process); its owner is this browser session."""
    session_id = get_script_run_ctx().session_id
    runtime = Runtime.instance()
    # A browser's session: the job goes when it has gone. (A session the runtime does not list, as in AppTest, has no
    # browser to close.)
    alive = (lambda: runtime.is_active_session(session_id)) if runtime.is_active_session(session_id) else None
    try:
        kept.job_id = job_manager(str(settings.db_path)).submit(request, session_id, alive=alive)
    except JobLimitError as exc:
        if request.cleanup:
            shutil.rmtree(request.cleanup, ignore_errors=True)
        st.warning(markdown_literal(str(exc)))
        return
    kept.ingest_results = None
    st.rerun()


@st.fragment(run_every=1.0)
def job_panel(job_id: str) -> None:
    """Show the running job's progress and a Cancel button, refreshed every second without rerunning the page."""
    status = job_manager(str(settings.db_path)).status(job_id)
    if status is None or status.state in FINAL:
        kept.job_id = None
        if status is not None:
            kept.ingest_results = list(status.results)
            kept.job_outcome = status.caption() if status.state != "done" else ""
        st.rerun(scope="app")  # the sidebar's choices and every page read the new data version
    st.progress(status.fraction, text=markdown_literal(status.caption()))
    done = ", ".join(markdown_literal(f"{r.source} — {r.status}") for r in status.results[-3:])
    st.caption(f"Running in a worker process: other pages stay usable. {done}")
    if st.button("Cancel", icon=":material/cancel:", key="job_cancel"):
        job_manager(str(settings.db_path)).cancel(job_id)


st.title("Documents")
busy = kept.job_id is not None
with st.expander("Add releases", expanded=docs.empty or busy or kept.ingest_results is not None, icon=":material/add:"):
    if busy:
        job_panel(kept.job_id)
    upload, paste, path = st.tabs(["Upload files", "Paste text", "Server path"])
    with upload, st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            "Releases (.txt, .html, .htm; a same-named .json sidecar is applied)",
            accept_multiple_files=True,
            type=["txt", "html", "htm", "json"],
        )
        day = st.date_input("Publication date for releases that state none", value=None)
        if st.form_submit_button("Add", type="primary", key="upload_add", disabled=busy) and files:
            folder = Path(tempfile.mkdtemp(prefix="mapdash-upload-"))
            written = library.write_uploads(folder, ((f.name, f.getvalue()) for f in files))
            start(upload_request(f"Adding {len(files)} file(s)", folder, written, day))
    with paste, st.form("paste", clear_on_submit=True):
        title = st.text_input("Title (optional: the first line otherwise)", key="paste_title")
        day = st.date_input("Publication date", value=None, key="paste_date")
        body = st.text_area("Release text (or HTML)", height=200, key="paste_text")
        if st.form_submit_button("Add", type="primary", key="paste_add", disabled=busy):
            if body.strip():
                start(JobRequest("text", "Adding the pasted release", text=body, title=title or None, published=day))
            else:
                kept.ingest_results = [
                    library.IngestResult(library.PASTED, "rejected", reason=f"{library.PASTED}: empty text")
                ]
    with path:
        if not settings.release_dirs:
            st.info(
                "Reading releases from the server's disk is off. To allow it, start the server with "
                "`mapdash serve --release-dir DIR` (or set `MAPDASH_RELEASE_DIRS`): only files inside those folders "
                "can be read."
            )
        else:
            st.caption(
                "Release folders on the server: " + ", ".join(markdown_literal(str(d)) for d in settings.release_dirs)
            )
            with st.form("server_path"):
                where = st.text_input(
                    "File or folder in a release folder (a path inside one, or relative to it)",
                    placeholder=str(settings.release_dirs[0]),
                    key="server_path",
                )
                if st.form_submit_button("Add", type="primary", key="path_add", disabled=busy) and where.strip():
                    dirs = tuple(str(d) for d in settings.release_dirs)
                    try:
                        library.confined_files([where.strip()], settings.release_dirs)  # refused now, not in the job
                    except IngestError as exc:
                        st.error(markdown_literal(str(exc)))  # it quotes the path as typed: text, never Markdown
                    else:
                        start(JobRequest("paths", f"Adding {where.strip()}", paths=(where.strip(),), release_dirs=dirs))
    if outcome := kept.job_outcome:
        st.warning(markdown_literal(outcome))
    if results := kept.ingest_results:
        tally = library.counts(results)
        st.caption(", ".join(f"{n} {status}" for status, n in tally.items() if n))
        st.dataframe(
            pd.DataFrame([vars(r) for r in results]),
            hide_index=True,
            width="stretch",
            column_order=["status", "source", "title", "places", "quotes", "reason", "note", "doc_id"],
        )
        st.button("Clear these results", on_click=kept.clear_results)

st.caption(plural(len(docs), "document"))
listed = st.dataframe(
    docs,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="multi-row",
    key="documents_table",
    column_order=[
        "title",
        "published",
        "byline",
        "mentions",
        "quotes",
        "source",
        "geoparse_mode",
        "ingested_at",
        "doc_id",
    ],
)
chosen = [docs.iloc[i]["doc_id"] for i in listed.selection.rows if i < len(docs)]
if chosen:
    a, b = st.columns(2)
    if a.button(f"Re-process {len(chosen)} document(s)", icon=":material/refresh:", disabled=busy):
        start(JobRequest("reprocess", f"Re-processing {len(chosen)} document(s)", doc_ids=tuple(chosen)))
    with b.popover(f"Delete {len(chosen)} document(s)", icon=":material/delete:"):
        st.write("Their mentions, quotes and phases go too; analyst corrections are kept.")
        if st.button("Delete", type="primary"):
            library.delete_documents(db, chosen)
            st.rerun()

labels = view.options.documents
if len(chosen) == 1 and kept.reader_follows != chosen[0]:  # selecting one row opens it in the reader
    kept.reader_follows = state[DOC_PARAM] = chosen[0]
doc = st.selectbox(
    "Read",
    list(labels),
    format_func=labels.__getitem__,
    index=None,
    key=DOC_PARAM,
    bind="query-params",
    placeholder="Select a document in the table, or pick one here",
)
if doc:
    size = docs.loc[docs["doc_id"] == doc, "characters"]
    if len(size) and int(size.iloc[0]) > READER_MAX_CHARS:
        st.info(
            f"This document has {int(size.iloc[0]):,} characters: the reader shows its first "
            f"{READER_MAX_CHARS // 10:,} as plain text."
        )
        row = db.document_row(doc)
        st.text(row["text"][: READER_MAX_CHARS // 10] if row else "")
    else:
        st.html(document_html(db, doc, view.all_mentions, view.styles))
