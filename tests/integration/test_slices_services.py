"""Slicing long texts with the real gazetteer: what the slices give at their offsets, progress, the caps."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import SEED

from mapdash.geoparse.ingest import document_id
from mapdash.geoparse.pipeline import Services, geoparse, geoparse_text
from mapdash.geoparse.slices import Limits
from mapdash.model import Document


@pytest.fixture(scope="module")
def fast_services(gazetteer, settings) -> Services:
    """Gazetteer-only services (slicing does not depend on the recognition mode)."""
    from mapdash.geoparse.annotate import load_phase_taxonomy
    from mapdash.geoparse.pipeline import phase_taxonomy_path
    from mapdash.geoparse.resolve import Resolver
    from mapdash.geoparse.toponyms import Recognizer

    return Services(
        gazetteer, Recognizer(gazetteer, None), Resolver(gazetteer), load_phase_taxonomy(phase_taxonomy_path(settings))
    )


def test_a_long_text_gives_what_its_slices_give_at_their_offsets(fast_services: Services) -> None:
    release = SEED.read_text(encoding="utf-8").strip() + "\n\n"
    text = release * 12  # about 54,000 characters: sliced at 8,000
    doc = Document(document_id(text), text, "Long")
    sliced = geoparse(doc, replace(fast_services, limits=Limits(slice_chars=8_000)))
    whole = geoparse_text(Document(document_id(release), release, "One"), fast_services)
    assert len(sliced.resolutions) == 12 * len(whole.resolutions) and sliced.cap_note == ""
    for r in sliced.resolutions:  # every span points at its own words in the long text
        t = r.toponym
        assert text[t.start : t.end] == t.text and t.sentence_start <= t.start < t.end <= t.sentence_end <= len(text)
    for q in sliced.quotes:
        assert text[q.start : q.end].strip() and all(0 <= a < b <= len(text) for a, b in q.mention_spans)
    spans = {(r.toponym.start, r.toponym.end) for r in sliced.resolutions}
    assert all((p.mention_start, p.mention_end) in spans for p in sliced.phases)
    assert len(sliced.phases) == 12 * len(whole.phases) and len(sliced.quotes) == 12 * len(whole.quotes)


def test_progress_is_reported_per_slice(fast_services: Services) -> None:
    text = (SEED.read_text(encoding="utf-8").strip() + "\n\n") * 6
    seen: list[tuple[int, int]] = []
    geoparse(
        Document("x", text),
        replace(fast_services, limits=Limits(slice_chars=5_000)),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert len(seen) >= 5 and seen[-1] == (len(text), len(text)) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_the_caps_stop_geoparsing_and_say_so(fast_services: Services) -> None:
    text = (SEED.read_text(encoding="utf-8").strip() + "\n\n") * 20
    capped = geoparse(
        Document("x", text),
        replace(fast_services, limits=Limits(max_mentions=50, max_quotes=3, max_phases=10, slice_chars=5_000)),
    )
    assert len(capped.resolutions) == 50 and len(capped.quotes) <= 3 and len(capped.phases) <= 10
    assert "capped at 50 place mentions: geoparsing stopped at character" in capped.cap_note
    stop = int(capped.cap_note.split("character ")[1].split(" of")[0].replace(",", ""))
    assert all(r.toponym.start < stop for r in capped.resolutions) and all(q.start < stop for q in capped.quotes)
    assert "quotes kept" in capped.cap_note and "phase tags kept" in capped.cap_note


def test_the_result_line_says_when_a_cap_was_hit(tmp_path, fast_services: Services) -> None:
    from mapdash import library, store

    path = tmp_path / "long.txt"
    path.write_text("Long Release\n\n" + (SEED.read_text(encoding="utf-8").strip() + "\n\n") * 10, encoding="utf-8")
    services = replace(fast_services, limits=Limits(max_mentions=40, slice_chars=5_000))
    (result,) = library.ingest_paths(store.connect(tmp_path / "db.sqlite"), [path], lambda: services)
    assert result.status == "added" and result.places <= 40
    assert "(capped at 40 place mentions: geoparsing stopped at character" in result.line()
