"""Highlighting on the seed database: the reader's marks for places and quotes, a place's sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_highlight import STYLES

from mapdash import store
from mapdash.frame import mentions_frame
from mapdash.model import Col
from mapdash.render.highlight import document_html, place_details_html, place_mentions


@pytest.fixture(scope="module")
def seed(seed_db: Path):
    """The seed database and its frame."""
    conn = store.connect(seed_db)
    return conn, mentions_frame(conn)


def test_reader_highlights_places_and_quotes(seed) -> None:
    conn, gdf = seed
    doc_id = gdf[Col.DOC_ID].iloc[0]
    html_text = document_html(conn, doc_id, gdf, STYLES)
    places = set(re.findall(r'<mark class="mapdash-place" data-place="([^"]+)"', html_text))
    assert {"gn:99072", "gn:98717", "gn:95788", "gn:99592"} <= places  # Mosul, Ramadi, Hit, Anbar
    assert html_text.count('class="mapdash-quote"') >= 10
    text_only = re.sub(r"<[^>]+>", "", html_text.split('<div class="mapdash-reader">', 1)[1])
    assert "pushing ISIL out of Ramadi" in text_only.replace("&#x27;", "'")
    assert document_html(conn, "nope", gdf, STYLES) == ""


def test_place_details_list_every_sentence(seed) -> None:
    _, gdf = seed
    iraq = place_mentions(gdf, "gn:99237")
    html_text = place_details_html(iraq, STYLES)
    assert html_text.count('class="mapdash-doc"') == 1
    marked = re.findall(r'<mark class="mapdash-place"[^>]*>([^<]+)</mark>', html_text)
    assert marked and set(marked) <= {"Iraq", "Iraqi", "Iraq’s", "Iraq's"}
    assert html_text.count('class="mapdash-sentence"') == iraq[Col.SENTENCE].nunique()
