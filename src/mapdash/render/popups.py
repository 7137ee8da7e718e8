"""A place's popup on the map: the place, its phase and evidence, a quote, the sentences behind it.

Every piece of document or gazetteer text is HTML-escaped here; the map inserts the result as HTML.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from mapdash.frame import is_missing
from mapdash.model import Col

MAX_SENTENCES = 3  # per popup: enough to see why a place is there without a wall of text
MAX_SENTENCE_CHARS = 300
MAX_QUOTE_CHARS = 200
PRECISION = {
    "country": "country (centroid)",
    "admin1": "province or governorate (centroid)",
    "admin2": "district (centroid)",
    "city": "town or city",
    "region": "region (approximate)",
}


class PhaseStyleLike(Protocol):
    """Anything with a label, colour and icon: PhaseStyle, or the taxonomy's PhaseDef as it is."""

    @property
    def label(self) -> str: ...
    @property
    def color(self) -> str: ...
    @property
    def icon(self) -> str: ...


def text(value: Any) -> str:
    """Return a cell as text, "" for None/NaN."""
    if value.__class__ is str:  # the common case first: this runs for every cell of every popup
        return value
    if is_missing(value):
        return ""
    return str(value)


def clip(value: str, limit: int) -> str:
    """Return value cut to limit characters with an ellipsis (cut before escaping, so no entity is split)."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def precision(row: Mapping[str, Any]) -> str:
    """Return how precise a place's point is: what kind of place it stands for, or who set it."""
    if text(row.get(Col.FEATURE_CODE)) == "ANALYST":
        return "point set by an analyst"
    kind = PRECISION.get(text(row.get(Col.FEATURE)), text(row.get(Col.FEATURE)))
    code = text(row.get(Col.FEATURE_CODE))
    return f"{kind} ({code})" if code else kind


def confidence(rows: Sequence[Mapping[str, Any]]) -> float | None:
    """Return the highest confidence among a place's mentions, None when none has one."""
    values = [float(c) for c in (r.get(Col.CONFIDENCE) for r in rows) if text(c)]
    return max(values) if values else None


def _same_statement(quote: str, sentence: str) -> bool:
    """Say whether a quote is its sentence, give or take quote marks and a reporting clause ("he said")."""
    words = set("".join(c if c.isalnum() else " " for c in quote.casefold()).split())
    around = set("".join(c if c.isalnum() else " " for c in sentence.casefold()).split())
    return bool(words) and len(words & around) >= 0.8 * len(words)


def _source(row: Mapping[str, Any]) -> str:
    """Return a mention's document title and date."""
    return " ".join(t for t in (text(row.get(Col.TITLE)), text(row.get(Col.PUBLISHED))[:10]) if t)


def _phase_block(rows: Sequence[Mapping[str, Any]], style: PhaseStyleLike) -> tuple[str, str]:
    """Return the phase line with the evidence sentence of the newest phased mention (and its source), and that
    sentence."""
    e = html.escape
    label = f"{style.icon} {style.label}".strip()
    parts = [
        f'<div class="mapdash-phase"><span class="mapdash-swatch" style="background:{e(style.color)}"></span>{e(label)}'
    ]
    tagged = next((r for r in rows if text(r.get(Col.PHASE)).strip()), None)
    if tagged is None:
        return "".join(parts) + "</div>", ""
    when = text(tagged.get(Col.PHASE_FROM))[:10] or text(tagged.get(Col.PUBLISHED))[:10]
    parts.append(f" <i>{e(when)}</i></div>" if when else "</div>")
    evidence = text(tagged.get(Col.EVIDENCE))
    if evidence:
        # A reported statement is often the evidence sentence itself: then it is attributed here, not repeated.
        quote, speaker = text(tagged.get(Col.QUOTE)), text(tagged.get(Col.SPEAKER))
        by = f" — {e(speaker)}" if speaker and quote and _same_statement(quote, evidence) else ""
        parts.append(
            f'<div class="mapdash-evidence">“{e(clip(evidence, MAX_SENTENCE_CHARS))}”{by}'
            f"<br><i>{e(_source(tagged))}</i></div>"
        )
    return "".join(parts), evidence


def _quote_block(rows: Sequence[Mapping[str, Any]], evidence: str) -> str:
    """Return the newest quote that names the place, with its speaker, unless it is the evidence sentence shown."""
    quoted = next((r for r in rows if text(r.get(Col.QUOTE))), None)
    if quoted is None:
        return ""
    quote = text(quoted.get(Col.QUOTE))
    if evidence and _same_statement(quote, evidence):
        return ""
    speaker = text(quoted.get(Col.SPEAKER))
    by = f" — {html.escape(speaker)}" if speaker else ""
    return f'<div class="mapdash-quote">{html.escape(clip(quote, MAX_QUOTE_CHARS))}{by}</div>'


def popup_html(rows: Sequence[Mapping[str, Any]], style: PhaseStyleLike) -> str:
    """Return a place's popup from its mentions (newest first); all text escaped."""
    e, first = html.escape, rows[0]
    name = text(first.get(Col.PLACE_NAME))
    where = ", ".join(
        t for t in (text(first.get(Col.ADMIN1_NAME)), text(first.get(Col.COUNTRY_NAME))) if t and t != name
    )
    documents, forms, corrected = set(), set(), False
    sentences: dict[str, Mapping[str, Any]] = {}  # each sentence once, at its newest mention
    for row in rows:  # one pass: a country can have thousands of mentions
        documents.add(row.get(Col.DOC_ID))
        forms.add(text(row.get(Col.MENTION)))
        corrected = corrected or text(row.get(Col.CORRECTED)) in ("True", "1")
        sentence = text(row.get(Col.SENTENCE))
        if sentence and sentence not in sentences:
            sentences[sentence] = row
    best = confidence(rows)
    facts = [e(where), e(precision(first)), f"confidence {best:.2f}" if best is not None else ""]
    facts.append(
        f"{len(rows)} mention{'' if len(rows) == 1 else 's'}"
        + (f" in {len(documents)} documents" if len(documents) > 1 else "")
    )
    if corrected:
        facts.append("corrected by an analyst")
    forms = sorted(forms - {"", name})
    phase, evidence = _phase_block(rows, style)
    sentences.pop(evidence, None)  # shown with its phase already
    parts = [
        f'<div class="mapdash-popup" data-place="{e(text(first.get(Col.PLACE_ID)))}"><b>{e(name)}</b>',
        f'<div class="mapdash-facts">{" · ".join(f for f in facts if f)}</div>',
        phase,
        _quote_block(rows, evidence),
        f"<div>as: {e(', '.join(forms))}</div>" if forms else "",
        "<ul>",
    ]
    for sentence, row in list(sentences.items())[:MAX_SENTENCES]:
        parts.append(f"<li>“{e(clip(sentence, MAX_SENTENCE_CHARS))}”<br><i>{e(_source(row))}</i></li>")
    parts.append("</ul>")
    if len(sentences) > MAX_SENTENCES:
        parts.append(f"<div>and {len(sentences) - MAX_SENTENCES} more sentence(s)</div>")
    return "".join(parts) + "</div>"
