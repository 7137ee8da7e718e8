"""The geoparsing pipeline for one document: recognise, resolve, annotate.

Services (gazetteer, spaCy pipeline, phase taxonomy) are built once and passed in, so tests and
workers can run the same code with other stand-ins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from mapdash.gazetteer import Gazetteer, load_gazetteer
from mapdash.geoparse.annotate import (
    MentionRef,
    PhaseDef,
    assign_phases,
    find_quotes,
    load_phase_taxonomy,
    resolve_relative_dates,
    span_dates,
)
from mapdash.geoparse.resolve import Resolver
from mapdash.geoparse.slices import Limits, SliceProgress, geoparse_in_slices
from mapdash.geoparse.toponyms import Recognizer, load_nlp
from mapdash.model import Document, Geoparse
from mapdash.settings import Settings


@dataclass(frozen=True)
class Services:
    """What geoparsing a document needs, built once per process."""

    gazetteer: Gazetteer
    recognizer: Recognizer
    resolver: Resolver
    taxonomy: Mapping[str, PhaseDef]
    limits: Limits = Limits()  # slice size of long texts, and what one document may produce

    @property
    def mode(self) -> str:
        """Return the recognition mode: 'spacy+gazetteer' or 'gazetteer'."""
        return self.recognizer.mode


def load_services(settings: Settings, *, use_spacy: bool = True) -> Services:
    """Return the services for geoparsing: gazetteer index, spaCy model when installed, phase taxonomy."""
    gazetteer = load_gazetteer(settings.data_dir, settings.cache_dir)
    nlp = load_nlp() if use_spacy else None
    return Services(
        gazetteer=gazetteer,
        recognizer=Recognizer(gazetteer, nlp),
        resolver=Resolver(gazetteer),
        taxonomy=load_phase_taxonomy(phase_taxonomy_path(settings)),
        limits=Limits(settings.max_mentions, settings.max_quotes, settings.max_phases),
    )


def phase_taxonomy_path(settings: Settings) -> Path:
    """Return the path of the phase taxonomy file."""
    return settings.data_dir / "phases.toml"


def geoparse(document: Document, services: Services, *, progress: SliceProgress | None = None) -> Geoparse:
    """Return the document's resolved place mentions, quotes and campaign phases (a long text in slices, output capped).

    progress, when given, is called with (characters done, characters in all) after each slice.
    """
    return geoparse_in_slices(document, lambda part: geoparse_text(part, services), services.limits, progress)


def geoparse_text(document: Document, services: Services) -> Geoparse:
    """Return one text's (or one slice's) resolved place mentions, quotes and campaign phases."""
    toponyms = services.recognizer.recognize(document.text)
    resolutions = tuple(services.resolver.resolve(toponyms))
    placed = [r for r in resolutions if r.place is not None]
    spans = [(r.toponym.start, r.toponym.end) for r in placed]
    refs = [
        MentionRef(
            start=r.toponym.start,
            end=r.toponym.end,
            name=r.place.name,
            feature=r.place.feature,
            country_code=r.place.country_code,
        )
        for r in placed
        if r.place is not None
    ]
    quotes = tuple(find_quotes(document.text, spans))
    expressions = resolve_relative_dates(document.text, document.published)
    phases = tuple(
        replace(tag, date_from=when[0], date_to=when[1])
        for tag in assign_phases(document.text, refs, services.taxonomy)
        for when in [span_dates(expressions, tag.evidence_start, tag.evidence_end, document.published)]
    )
    return Geoparse(document=document, resolutions=resolutions, mode=services.mode, quotes=quotes, phases=phases)
