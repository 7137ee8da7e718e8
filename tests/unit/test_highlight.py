"""Highlighted text: marks nest and never cross, all text is escaped, the reader and the place details."""

from __future__ import annotations

import re

import pytest

from mapdash.model import Col
from mapdash.render.highlight import Mark, mark_html, sentence_html
from mapdash.render.maps import shipped_phase_styles

STYLES = shipped_phase_styles()


def m(start: int, end: int, cls: str = "p", tag: str = "mark") -> Mark:
    """Return a bare mark."""
    return Mark(start, end, cls, tag=tag)


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        ("Hit in Anbar", [], "Hit in Anbar"),
        ("Hit in Anbar", [m(0, 3), m(7, 12)], '<mark class="p">Hit</mark> in <mark class="p">Anbar</mark>'),
        # a quote holding a place mention: nested
        (
            "“Raqqa falls,” he said",
            [m(0, 14, "q", "span"), m(1, 6)],
            '<span class="q">“<mark class="p">Raqqa</mark> falls,”</span> he said',
        ),
        # a mark crossing the end of the one it starts in is cut there
        ("abcdefgh", [m(0, 4, "q", "span"), m(2, 6)], '<span class="q">ab<mark class="p">cd</mark></span>efgh'),
        # text is escaped, inside and outside marks; marks out of range are dropped
        ("<b>&</b>", [m(3, 4), m(5, 99)], '&lt;b&gt;<mark class="p">&amp;</mark>&lt;/b&gt;'),
    ],
)
def test_mark_html(text: str, marks: list[Mark], expected: str) -> None:
    assert mark_html(text, marks) == expected


def test_mark_attributes_are_escaped() -> None:
    html_text = mark_html("Mosul", [Mark(0, 5, "p", attrs={"title": '"><script>alert(1)</script>'})])
    assert "<script>" not in html_text and "&quot;&gt;&lt;script&gt;" in html_text


def test_sentence_html_marks_the_mention_by_offset() -> None:
    row = {
        Col.SENTENCE: "Hit is near Hit.",
        Col.SENTENCE_START: 100,
        Col.START: 112,
        Col.END: 115,
        Col.MENTION: "Hit",
        Col.PLACE_ID: "gn:95788",
        Col.PLACE_NAME: "Hīt",
        Col.PHASE: "next_target",
        Col.CONFIDENCE: 0.9,
    }
    html_text = sentence_html(row, STYLES)
    assert (
        re.sub(r"<mark[^>]*>", "<mark>", html_text)
        == '<div class="mapdash-sentence">Hit is near <mark>Hit</mark>.</div>'
    )
    assert 'data-phase="next_target"' in html_text and "Hīt · Next target · confidence 0.90" in html_text
