"""The annotate stage: quotes with their speakers, campaign phases for place mentions, and dates.

Plain Python and regular expressions: it needs no NLP model, and imports only ``mapdash.model`` and ``mapdash.text``.
"""

from mapdash.geoparse.annotate.dates import DateExpression, resolve_relative_dates, span_dates
from mapdash.geoparse.annotate.phases import MentionRef, assign_phases
from mapdash.geoparse.annotate.quotes import find_quotes
from mapdash.geoparse.annotate.taxonomy import Cue, PhaseDef, Scope, TaxonomyError, load_phase_taxonomy
from mapdash.text import sentence_spans

__all__ = [
    "Cue",
    "DateExpression",
    "MentionRef",
    "PhaseDef",
    "Scope",
    "TaxonomyError",
    "assign_phases",
    "find_quotes",
    "load_phase_taxonomy",
    "resolve_relative_dates",
    "sentence_spans",
    "span_dates",
]
