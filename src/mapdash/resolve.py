"""Toponym resolution: each recognised name tied to one gazetteer entry, with a confidence.

Two passes, as a reader would: first the countries and first-level divisions a document is about
(their names are rarely ambiguous), then every name ranked by how it fits that context, its
population and the kind of place the text says it is.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from mapdash.gazetteer import normalize_name
from mapdash.model import Candidate, Place, Resolution, Toponym

KEEP_CANDIDATES = 5
SOFTMAX_SHARPNESS = 6.0


class PlaceIndex(Protocol):
    """What resolution needs of a gazetteer."""

    def candidates(self, name: str, limit: int = 50) -> list[Place]: ...
    def demonym(self, word: str) -> Place | None: ...


@dataclass(frozen=True)
class Context:
    """What a document says about where it is: countries and admin-1 divisions named in it."""

    countries: Counter[str]
    admin1: frozenset[tuple[str, str]]  # (country_code, admin1 name)
    sentence_countries: dict[int, frozenset[str]]  # sentence start -> countries named in it
    sentence_admin1: dict[int, frozenset[tuple[str, str]]]


@dataclass(frozen=True)
class Resolver:
    """Ranks gazetteer candidates for the toponyms of one document."""

    gazetteer: PlaceIndex

    def resolve(self, toponyms: Sequence[Toponym]) -> list[Resolution]:
        """Return one Resolution per toponym, in the same order."""
        pools = [self._candidates(t) for t in toponyms]
        context = _context(toponyms, pools)
        return [self._choose(t, pool, context) for t, pool in zip(toponyms, pools, strict=True)]

    def _candidates(self, toponym: Toponym) -> list[Place]:
        """Return the gazetteer entries a toponym may name."""
        if toponym.is_demonym:
            country = self.gazetteer.demonym(toponym.text)
            return [country] if country is not None else []
        return self.gazetteer.candidates(toponym.lookup)

    def _choose(self, toponym: Toponym, pool: Sequence[Place], context: Context) -> Resolution:
        """Score each candidate in context and return the best with a calibrated confidence."""
        if not pool:
            return Resolution(toponym=toponym, place=None, confidence=0.0, candidates=())
        scored = sorted(((score_candidate(p, toponym, context), p) for p in pool), key=lambda sp: -sp[0])
        weights = [math.exp(SOFTMAX_SHARPNESS * s) for s, _ in scored]
        total = sum(weights)
        top_score, top = scored[0]
        confidence = round((weights[0] / total) * min(1.0, top_score), 3)
        candidates = tuple(Candidate(place=p, score=round(w / total, 3)) for (s, p), w in zip(scored[:KEEP_CANDIDATES], weights))
        return Resolution(toponym=toponym, place=top, confidence=confidence, candidates=candidates)


def score_candidate(place: Place, toponym: Toponym, context: Context) -> float:
    """Return how well a place fits a toponym in its document (about 0..1.5)."""
    if place.feature == "country":
        score = 1.1
    elif place.feature == "admin1":
        score = 0.55
    else:
        score = 0.25 + 0.45 * min(1.0, math.log10(place.population + 1) / 7.0)
        if place.feature_code == "PPLC":
            score += 0.1
    if normalize_name(place.name) == normalize_name(toponym.lookup):
        score += 0.1  # the entry's own name, not one of its alternate names
    if toponym.hint == "admin1":
        score += 0.35 if place.feature == "admin1" else -0.2
    elif toponym.hint == "city":
        score += 0.2 if place.feature == "city" else -0.1
    if place.feature != "country" and context.countries:
        share = context.countries[place.country_code] / sum(context.countries.values())
        score += 0.35 * min(1.0, 2 * share)
        if place.country_code in context.sentence_countries.get(toponym.sentence_start, frozenset()):
            score += 0.2
    if place.feature == "city" and place.admin1_name:
        key = (place.country_code, place.admin1_name)
        if key in context.sentence_admin1.get(toponym.sentence_start, frozenset()):
            score += 0.3
        elif key in context.admin1:
            score += 0.15
    return score


def _context(toponyms: Sequence[Toponym], pools: Sequence[Sequence[Place]]) -> Context:
    """Collect the countries and admin-1 divisions a document names unambiguously."""
    countries: Counter[str] = Counter()
    admin1: set[tuple[str, str]] = set()
    by_sentence_c: dict[int, set[str]] = {}
    by_sentence_a: dict[int, set[tuple[str, str]]] = {}
    for toponym, pool in zip(toponyms, pools, strict=True):
        country = next((p for p in pool if p.feature == "country"), None)
        if country is not None:
            countries[country.country_code] += 1
            by_sentence_c.setdefault(toponym.sentence_start, set()).add(country.country_code)
            continue
        regions = [p for p in pool if p.feature == "admin1"]
        if len(regions) == 1 and (toponym.hint == "admin1" or len(pool) == 1 or regions[0].population > 0):
            key = (regions[0].country_code, regions[0].admin1_name or regions[0].name)
            admin1.add(key)
            by_sentence_a.setdefault(toponym.sentence_start, set()).add(key)
    return Context(
        countries=countries,
        admin1=frozenset(admin1),
        sentence_countries={k: frozenset(v) for k, v in by_sentence_c.items()},
        sentence_admin1={k: frozenset(v) for k, v in by_sentence_a.items()},
    )
