"""Typed records that every pipeline stage passes along.

A stage returns these; nothing downstream needs to know how an earlier stage worked.
Character offsets are always Python string indices into ``Document.text`` (end exclusive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal, TypedDict

FeatureKind = Literal["country", "admin1", "admin2", "city", "region"]
ToponymSource = Literal["ner", "gazetteer", "demonym"]
QuoteKind = Literal["direct", "reported"]


@dataclass(frozen=True)
class Document:
    """A cleaned release: its text without page chrome, and what is known about it."""

    doc_id: str  # sha256 hex of the cleaned text
    text: str
    title: str | None = None
    byline: str | None = None
    published: date | None = None
    source: str = ""  # file path or URL it came from


@dataclass(frozen=True)
class Toponym:
    """A place name found in a text, not yet tied to a gazetteer entry."""

    start: int
    end: int
    text: str  # the surface form, exactly text[start:end]
    lookup: str  # the name to look up ("Iraq" for "Iraqi", "Ramadi" for "the city of Ramadi")
    source: ToponymSource
    sentence_start: int
    sentence_end: int
    is_demonym: bool = False
    hint: FeatureKind | None = None  # e.g. "admin1" when followed by "province"
    is_dateline: bool = False  # where the release was issued ("WASHINGTON --"): resolved as one name, no context


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    place_id: str  # "gn:<geonameid>" or another stable key
    geonameid: int | None
    name: str
    feature: FeatureKind
    country_code: str  # ISO 3166-1 alpha-2, "" where none
    country_name: str
    admin1_name: str | None
    lat: float
    lon: float
    population: int = 0
    feature_code: str = ""  # GeoNames feature code: PCLI, ADM1, PPLC, PPLA, PPL ...


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry considered for a toponym, with the resolver's score (0..1)."""

    place: Place
    score: float


@dataclass(frozen=True)
class Resolution:
    """A toponym tied to its chosen place (or to none), with the other candidates kept."""

    toponym: Toponym
    place: Place | None
    confidence: float
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A quotation (direct) or reported statement with its speaker."""

    start: int
    end: int
    text: str
    speaker: str | None
    role: str | None
    kind: QuoteKind
    mention_spans: tuple[tuple[int, int], ...] = ()  # place mentions inside it or in its sentence


@dataclass(frozen=True)
class PhaseTag:
    """A campaign phase assigned to one place mention, with its evidence."""

    mention_start: int
    mention_end: int
    phase: str  # key in the phase taxonomy, e.g. "retaken"
    rule: str  # which cue fired
    confidence: float
    evidence_start: int  # the evidence sentence's span
    evidence_end: int
    date_from: date | None = None  # when it happened, from the sentence's date words or the publication day
    date_to: date | None = None


@dataclass(frozen=True)
class Geoparse:
    """Everything the geoparser produced for one document."""

    document: Document
    resolutions: tuple[Resolution, ...]
    mode: str = "gazetteer"  # "spacy+gazetteer" or "gazetteer"
    quotes: tuple[Quote, ...] = field(default=())
    phases: tuple[PhaseTag, ...] = field(default=())
    cap_note: str = ""  # what a cap left out of a very long document ("" when nothing was), see mapdash.geoparse.slices


class StoredMention(TypedDict):
    """One mention as the store reads it back: joined with its document and place, and its sentence's text."""

    mention_id: int
    doc_id: str
    title: str | None
    published: str | None  # ISO date text
    source: str
    byline: str | None
    start: int
    end: int
    mention: str
    lookup: str
    recognizer: ToponymSource
    is_demonym: int  # 0 or 1
    sentence_start: int
    sentence_end: int
    confidence: float
    candidates: str  # JSON list of [place_id, score]
    place_id: str | None  # None: not resolved
    geonameid: int | None
    place_name: str | None
    feature: FeatureKind | None
    country_code: str | None
    country_name: str | None
    admin1_name: str | None
    lat: float | None
    lon: float | None
    population: int | None
    feature_code: str | None
    sentence: str


class MentionRow(TypedDict):
    """One row of the mentions frame (``mapdash.frame``): a place mention with its document, place, phase and quote.

    The frame holds these columns in this order (`MENTION_COLUMNS`), plus its point geometry; `Col` names each one.
    """

    doc_id: str
    title: str | None
    published: date | None
    source: str
    mention: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    lookup: str
    recognizer: ToponymSource
    is_demonym: bool
    place_id: str | None  # None (NaN in the frame): not resolved; "analyst:<lat>,<lon>" for a point the analyst set
    geonameid: int | None
    place_name: str | None
    feature: FeatureKind | None
    feature_code: str | None
    country_code: str | None
    country_name: str | None
    admin1_name: str | None
    lat: float | None
    lon: float | None
    confidence: float
    candidates: str
    phase: str  # the strongest phase's key, "" when none
    phases: str  # every phase's key, ";"-joined
    phase_rule: str
    phase_confidence: float | None
    evidence: str  # the phase's evidence sentence, else the mention's own sentence
    phase_from: date | None
    phase_to: date | None
    quote: str  # the quote that holds or names the mention, "" when none
    speaker: str
    quote_kind: str
    corrected: bool  # an analyst's correction overrode the machine's output


class Col:
    """The mentions frame's column names, one constant per `MentionRow` key: ``gdf[Col.PLACE_ID]``."""

    DOC_ID: Final = "doc_id"
    TITLE: Final = "title"
    PUBLISHED: Final = "published"
    SOURCE: Final = "source"
    MENTION: Final = "mention"
    START: Final = "start"
    END: Final = "end"
    SENTENCE: Final = "sentence"
    SENTENCE_START: Final = "sentence_start"
    LOOKUP: Final = "lookup"
    RECOGNIZER: Final = "recognizer"
    IS_DEMONYM: Final = "is_demonym"
    PLACE_ID: Final = "place_id"
    GEONAMEID: Final = "geonameid"
    PLACE_NAME: Final = "place_name"
    FEATURE: Final = "feature"
    FEATURE_CODE: Final = "feature_code"
    COUNTRY_CODE: Final = "country_code"
    COUNTRY_NAME: Final = "country_name"
    ADMIN1_NAME: Final = "admin1_name"
    LAT: Final = "lat"
    LON: Final = "lon"
    CONFIDENCE: Final = "confidence"
    CANDIDATES: Final = "candidates"
    PHASE: Final = "phase"
    PHASES: Final = "phases"
    PHASE_RULE: Final = "phase_rule"
    PHASE_CONFIDENCE: Final = "phase_confidence"
    EVIDENCE: Final = "evidence"
    PHASE_FROM: Final = "phase_from"
    PHASE_TO: Final = "phase_to"
    QUOTE: Final = "quote"
    SPEAKER: Final = "speaker"
    QUOTE_KIND: Final = "quote_kind"
    CORRECTED: Final = "corrected"


MENTION_COLUMNS: tuple[str, ...] = tuple(MentionRow.__annotations__)
"""The mentions frame's columns, in order."""
