"""Text with its place mentions and quotes highlighted, as escaped HTML: the document reader and the
sentences beside the map.

Marks nest (a quote holds place mentions); a mark that would cross the end of the one it starts in is
cut there, so the HTML is always well-formed. All text is escaped; only the marks are markup.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from mapdash.model import Col
from mapdash.render.maps import PhaseStyleLike, phase_style
from mapdash.render.popups import text as _text
from mapdash.store import Store

CSS = """<style>
.mapdash-reader { white-space: pre-wrap; font: 15px/1.6 serif; max-width: 70em; }
.mapdash-reader mark, .mapdash-sentence mark { padding: 0 2px; border-radius: 3px;
  border-bottom: 2px solid var(--phase, #3b73b9); }
.mapdash-reader .mapdash-quote { background: #fdf3d6; }
.mapdash-sentence { margin: 2px 0 10px; }
.mapdash-hl-legend span { margin-right: 12px; }
</style>"""


@dataclass(frozen=True)
class Mark:
    """A span of text to wrap in an element: its tag, class and attributes."""

    start: int
    end: int
    css_class: str
    tag: str = "mark"
    attrs: Mapping[str, str] = field(default_factory=dict)

    def open(self) -> str:
        """Return the opening tag, attribute values escaped."""
        attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in self.attrs.items())
        return f'<{self.tag} class="{self.css_class}"{attrs}>'


def mark_html(text: str, marks: Sequence[Mark]) -> str:
    """Return text escaped, with each mark's span wrapped in its element (nested marks cut to fit)."""
    ordered = sorted((m for m in marks if 0 <= m.start < m.end <= len(text)), key=lambda m: (m.start, -m.end))
    out: list[str] = []
    stack: list[tuple[Mark, int]] = []  # open marks with their (possibly cut) end
    pos = 0

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1][1] <= limit:
            mark, end = stack.pop()
            out.append(html.escape(text[pos:end]) + f"</{mark.tag}>")
            pos = end

    for mark in ordered:
        close_until(mark.start)
        if mark.start < pos:  # overlaps a mark already closed at this offset: skip it
            continue
        end = min(mark.end, stack[-1][1]) if stack else mark.end
        out.append(html.escape(text[pos : mark.start]) + mark.open())
        pos = mark.start
        stack.append((mark, end))
    close_until(len(text))
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _tint(color: str) -> str:
    """Return a phase colour as a light background (the hex colour with an alpha byte)."""
    return f"{color}33" if color.startswith("#") and len(color) == 7 else "#3b73b933"


def mention_mark(row: Mapping[str, object], start: int, end: int, styles: Mapping[str, PhaseStyleLike]) -> Mark:
    """Return the mark of a place mention, coloured by its phase, titled with place, phase and confidence."""
    phase = _text(row.get(Col.PHASE))
    style = phase_style(phase, styles)
    confidence = row.get(Col.CONFIDENCE)
    title = " · ".join(
        t
        for t in (
            _text(row.get(Col.PLACE_NAME)),
            style.label if phase else "",
            f"confidence {float(confidence):.2f}" if _text(confidence) else "",
        )
        if t
    )
    attrs = {
        "data-place": _text(row.get(Col.PLACE_ID)),
        "data-phase": phase,
        "title": title,
        "style": f"background:{_tint(style.color)};--phase:{style.color}",
    }
    return Mark(start, end, "mapdash-place", attrs=attrs)


def sentence_html(row: Mapping[str, Any], styles: Mapping[str, PhaseStyleLike]) -> str:
    """Return a mention's sentence with the mention highlighted."""
    sentence, offset = _text(row.get(Col.SENTENCE)), row.get(Col.SENTENCE_START)
    if not _text(offset):  # an older frame without sentence offsets: highlight the first occurrence
        at = sentence.find(_text(row.get(Col.MENTION)))
        offset = int(row[Col.START]) - at if at >= 0 else int(row[Col.START])
    start = int(row[Col.START]) - int(offset)
    end = start + int(row[Col.END]) - int(row[Col.START])
    return f'<div class="mapdash-sentence">{mark_html(sentence, [mention_mark(row, start, end, styles)])}</div>'


def place_mentions(mentions: gpd.GeoDataFrame, place_id: str) -> pd.DataFrame:
    """Return every mention of a place across documents, newest document first."""
    rows = mentions[mentions[Col.PLACE_ID] == place_id]
    return pd.DataFrame(rows.drop(columns=rows.geometry.name, errors="ignore")).sort_values(
        [Col.PUBLISHED, Col.DOC_ID, Col.START], ascending=[False, True, True], na_position="last", kind="stable"
    )


def place_details_html(mentions: pd.DataFrame, styles: Mapping[str, PhaseStyleLike]) -> str:
    """Return a place's mentions grouped by document: title, date, then each sentence highlighted."""
    parts = [CSS]
    for doc_id, rows in mentions.groupby(Col.DOC_ID, sort=False):
        first = rows.iloc[0]
        when = _text(first.get(Col.PUBLISHED))[:10]
        parts.append(
            f'<div class="mapdash-doc" data-doc="{html.escape(str(doc_id))}"><b>'
            f"{html.escape(_text(first.get('title')) or str(doc_id)[:12])}</b>"
            + (f" <small>{html.escape(when)}</small>" if when else "")
            + "</div>"
        )
        seen: set[str] = set()
        for row in rows.to_dict("records"):
            if _text(row.get(Col.SENTENCE)) in seen:  # two mentions in one sentence: show it once
                continue
            seen.add(_text(row.get(Col.SENTENCE)))
            parts.append(sentence_html(row, styles))
    return "".join(parts)


def document_html(db: Store, doc_id: str, mentions: gpd.GeoDataFrame, styles: Mapping[str, PhaseStyleLike]) -> str:
    """Return a stored document's cleaned text with its place mentions and quotes highlighted ("" if unknown)."""
    row = db.document_row(doc_id)
    if row is None:
        return ""
    marks = [
        Mark(
            q["start"],
            q["end"],
            "mapdash-quote",
            tag="span",
            attrs={"title": f"quote: {q['speaker'] or 'unknown speaker'}"},
        )
        for q in db.quote_rows()
        if q["doc_id"] == doc_id
    ]
    own = mentions[(mentions[Col.DOC_ID] == doc_id) & mentions[Col.PLACE_ID].notna()]
    marks += [mention_mark(r, int(r[Col.START]), int(r[Col.END]), styles) for r in own.to_dict("records")]
    legend = (
        '<div class="mapdash-hl-legend"><span><mark class="mapdash-place" style="background:#3b73b933">place</mark>'
        " (underlined in its phase colour)</span>"
        '<span class="mapdash-quote" style="background:#fdf3d6">quote</span></div>'
    )
    return f'{CSS}{legend}<div class="mapdash-reader">{mark_html(row["text"], marks)}</div>'
