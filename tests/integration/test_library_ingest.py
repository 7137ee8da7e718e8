"""The library with the real gazetteer: per-release results for paths, uploads, pasted text, reprocessing, deletion."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SEED
from test_library import conn, never  # noqa: F401 - conn is the fixture, shared

from mapdash import library
from mapdash.geoparse.pipeline import Services

RELEASE = (
    "Coalition Strikes Continue Near Fallujah\n\n"
    "Coalition aircraft struck ISIL positions near Fallujah and Tikrit in Iraq yesterday, officials said. "
    "Iraqi forces recently pushed ISIL out of Baiji, the spokesman said.\n\n"
    "The strikes destroyed several fighting positions, he added."
)


@pytest.fixture(scope="module")
def fast_services(gazetteer, settings) -> Services:
    """Gazetteer-only services: the library's logic does not depend on the recognition mode."""
    from mapdash.geoparse.annotate import load_phase_taxonomy
    from mapdash.geoparse.pipeline import phase_taxonomy_path
    from mapdash.geoparse.resolve import Resolver
    from mapdash.geoparse.toponyms import Recognizer

    return Services(
        gazetteer, Recognizer(gazetteer, None), Resolver(gazetteer), load_phase_taxonomy(phase_taxonomy_path(settings))
    )


def test_paths_added_then_present_without_building_services(conn, fast_services) -> None:  # noqa: F811 - the fixture
    (first,) = library.ingest_paths(conn, [SEED], lambda: fast_services)
    assert (first.status, first.source, first.title) == (
        "added",
        str(SEED),
        "Counter-ISIL Campaign Continues, President Says",
    )
    assert first.places >= 14 and first.quotes >= 1 and first.mode == "gazetteer"
    assert first.line().startswith("added: ")
    (again,) = library.ingest_paths(conn, [SEED], never)
    assert (again.status, again.doc_id) == ("present", first.doc_id)
    assert again.line() == f"already present: {SEED} ({first.doc_id[:12]})"


def test_uploads_report_each_file_and_apply_sidecars(conn, fast_services) -> None:  # noqa: F811 - the fixture
    seen: list[tuple[int, int, str]] = []
    uploads = [
        ("seed.txt", SEED.read_bytes()),
        ("seed.json", b'{"title": "Uploaded title", "date": "2016-02-27"}'),
        ("notes.pdf", b"%PDF-1.4"),
        ("../../empty.txt", b"   \n"),
        ("strikes.txt", RELEASE.encode()),
    ]
    results = library.ingest_uploads(
        conn, uploads, lambda: fast_services, progress=lambda d, t, r: seen.append((d, t, r.status))
    )
    by_source = {r.source: r for r in results}
    assert set(by_source) == {"seed.txt", "notes.pdf", "empty.txt", "strikes.txt"}
    assert by_source["seed.txt"].status == "added" and by_source["seed.txt"].title == "Uploaded title"
    assert by_source["notes.pdf"].status == "rejected" and "not a release file" in by_source["notes.pdf"].reason
    assert by_source["empty.txt"].reason == "empty.txt: empty file"  # the uploaded name, not a temporary path
    assert by_source["strikes.txt"].status == "added" and by_source["strikes.txt"].places >= 3
    assert seen == [(i, 4, r.status) for i, r in enumerate(results, start=1)]
    row = conn.document_row(by_source["seed.txt"].doc_id)
    assert (row["source"], row["published"]) == ("seed.txt", "2016-02-27")


def test_pasted_text_is_added_once(conn, fast_services) -> None:  # noqa: F811 - the fixture
    added = library.ingest_text(conn, RELEASE, lambda: fast_services, published=date(2016, 3, 1))
    assert added.status == "added" and added.source == library.PASTED
    names = {r["name"] for r in conn.execute("SELECT p.name FROM mentions m JOIN places p USING (place_id)")}
    assert {"Al Fallūjah", "Tikrīt"} <= names
    assert library.ingest_text(conn, RELEASE + "\n", never).status == "present"
    assert library.ingest_text(conn, "   ", never).reason == "pasted text: empty text"
    assert library.ingest_text(conn, "Hello.", never).status == "rejected"


def test_reprocess_keeps_the_document_and_delete_removes_it(conn, fast_services) -> None:  # noqa: F811 - the fixture
    (first,) = library.ingest_paths(conn, [SEED], lambda: fast_services)
    redone, missing = library.reprocess_documents(conn, [first.doc_id, "feedface"], lambda: fast_services)
    assert (redone.status, redone.doc_id, redone.places) == ("reprocessed", first.doc_id, first.places)
    assert missing.status == "rejected" and "no such document" in missing.reason
    assert library.counts([first, redone, missing]) == {"added": 1, "present": 0, "reprocessed": 1, "rejected": 1}
    assert library.delete_documents(conn, [first.doc_id, first.doc_id]) == 1
    assert not conn.has_document(first.doc_id)
