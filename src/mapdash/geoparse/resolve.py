"""Toponym resolution: each recognised name tied to one gazetteer entry, with a confidence.

Two passes, as a reader would: first the countries and first-level divisions a document is about
(their names are rarely ambiguous), then every name ranked by how it fits that context, its
population and the kind of place the text says it is.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mapdash.gazetteer import normalize_name
from mapdash.gazetteer.indexes import PlaceIndex
from mapdash.gazetteer.theatre import split_direction
from mapdash.gazetteer.translit import skeleton
from mapdash.geo import haversine_km, haversine_km_matrix
from mapdash.model import Candidate, Place, Resolution, Toponym

KEEP_CANDIDATES = 5
SOFTMAX_SHARPNESS = 12.0
SUPPORT_ADMIN1 = 0.3  # weight of the other names' candidates that lie in the same province or state
SUPPORT_COUNTRY = 0.15
ABBREVIATION = re.compile(r"(?:[A-Z][a-z]{1,4}\.|(?:[A-Z]\.){2,3})")  # "Colo.", "Kan.", "N.L.", "P.E.I."
VARIANT_PENALTY = 0.4  # a place found only by the consonant skeleton, where others bear the name as written
VARIANT_NEIGHBOUR_KM = 300.0  # a place found by a spelling variant stands only this near the document's others
SHADOWED_PENALTY = 0.6  # a governorate named like its capital, where the text does not say "province"
ALTERNATE_PENALTY = 0.15  # a place named so only in its alternate names, where another bears the name as its own


@dataclass(frozen=True)
class Support:
    """Where the document's names could all be: a name spreads a vote over its candidates' provinces and countries."""

    admin1: Counter[tuple[str, str]]
    countries: Counter[str]
    by_name_admin1: dict[str, Counter[tuple[str, str]]]
    by_name_countries: dict[str, Counter[str]]

    def admin1_of_others(self, name: str, key: tuple[str, str]) -> float:
        """Return the votes for a province from the names other than this one."""
        return self.admin1[key] - self.by_name_admin1.get(name, Counter())[key]

    def country_of_others(self, name: str, code: str) -> float:
        """Return the votes for a country from the names other than this one."""
        return self.countries[code] - self.by_name_countries.get(name, Counter())[code]


def _support(toponyms: Sequence[Toponym], pools: Sequence[Sequence[Place]]) -> Support:
    """Count, for every province and country, how many of the document's names could lie in it."""
    admin1: Counter[tuple[str, str]] = Counter()
    countries: Counter[str] = Counter()
    by_name_a: dict[str, Counter[tuple[str, str]]] = {}
    by_name_c: dict[str, Counter[str]] = {}
    for toponym, pool in zip(toponyms, pools, strict=True):
        keys = {k for k in map(_admin1_key, pool) if k is not None}
        codes = {p.country_code for p in pool}
        name = normalize_name(toponym.lookup)
        for key in keys:
            admin1[key] += 1 / len(keys)
            by_name_a.setdefault(name, Counter())[key] += 1 / len(keys)
        for code in codes:
            countries[code] += 1 / len(codes)
            by_name_c.setdefault(name, Counter())[code] += 1 / len(codes)
    return Support(admin1, countries, by_name_a, by_name_c)


@dataclass(frozen=True)
class Context:
    """Where a document is: the countries and admin-1 divisions its places lie in, weighted."""

    countries: Counter[str]
    admin1: Counter[tuple[str, str]]  # (country_code, admin1 name) -> weight
    sentence_countries: dict[int, frozenset[str]]  # sentence start -> countries named in it
    sentence_admin1: dict[int, frozenset[tuple[str, str]]]
    # name -> the countries (and below, admin-1 divisions) of the places counted for its mentions, counted once,
    # not per candidate: a name is no evidence for itself
    own_countries: dict[str, Counter[str]] = field(default_factory=dict)
    support: Support | None = None
    own_admin1: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolver:
    """Ranks gazetteer candidates for the toponyms of one document."""

    gazetteer: PlaceIndex

    def resolve(self, toponyms: Sequence[Toponym]) -> list[Resolution]:
        """Return one Resolution per toponym, in the same order."""
        pools = [self._candidates(t) for t in toponyms]
        # What the document is about comes from names as written: a dateline says where the office sits, not where the
        # story is, and a spelling variant ("Abadi" for Al Bayda, Yemen) is no evidence of a country.
        written = [
            [p for p in pool if p.place_id not in self._spelt(t)] if not t.is_dateline else []
            for t, pool in zip(toponyms, pools, strict=True)
        ]
        support = _support(toponyms, written)
        # Once: rebuilt per toponym it made long documents quadratic.
        sure = _context(_unambiguous(toponyms, written), support)
        picks = [self._pick(t, pool, sure) for t, pool in zip(toponyms, pools, strict=True)]
        first = [r for r, _ in picks]
        # Second pass: every strong first choice is context for the others ("Atlanta" makes "Georgia" the state).
        settled = [(r.toponym, r.place, strength) for r, strength in picks if r.place is not None and strength >= 0.4]
        context = _context(settled, support)
        nearby = proximity(toponyms, pools, first)
        chosen = one_sense_per_name(
            [self._choose(t, pool, context, bonus) for t, pool, bonus in zip(toponyms, pools, nearby, strict=True)]
        )
        chosen = [
            border_resolution(r.toponym, pool, first) if _is_border(pool) else r
            for r, pool in zip(chosen, pools, strict=True)
        ]
        chosen = self._variants_with_neighbours(chosen)
        return [
            dateline_resolution(r.toponym, pool, _qualifier(r.toponym, chosen)) if r.toponym.is_dateline else r
            for r, pool in zip(chosen, pools, strict=True)
        ]

    def _spelt(self, toponym: Toponym) -> set[str]:
        """Return the ids of the places a toponym finds only by a spelling variant."""
        return {p.place_id for p in self.gazetteer.variants(toponym.lookup)} if not toponym.is_demonym else set()

    def _variants_with_neighbours(self, chosen: list[Resolution]) -> list[Resolution]:
        """Return the resolutions with a place found only by its spelling variant kept only near the document's others.

        A variant is weak evidence ("Ghazlani" is no spelling of a village near Damascus in a story on Mosul): it
        stands where another place of the document lies within VARIANT_NEIGHBOUR_KM or in the same province, or
        where the document names no other town or province at all.
        """
        variants = self.gazetteer.variants
        local = [r for r in chosen if r.place is not None and r.place.feature in ("city", "admin2", "admin1")]
        out = []
        for r in chosen:
            place = r.place
            if (
                place is not None
                and not r.toponym.is_demonym
                and any(v.place_id == place.place_id for v in variants(r.toponym.lookup))
            ):
                others = [o.place for o in local if o.place is not None and o.place.place_id != place.place_id]
                near = any(
                    o.admin1_name
                    and o.admin1_name == place.admin1_name
                    and o.country_code == place.country_code
                    or haversine_km(o.lat, o.lon, place.lat, place.lon) <= VARIANT_NEIGHBOUR_KM
                    for o in others
                )
                # Alone among countries it stands; far from all the document's towns it does not.
                if others and not near:
                    r = Resolution(toponym=r.toponym, place=None, confidence=0.0, candidates=())
            out.append(r)
        return out

    def _candidates(self, toponym: Toponym) -> list[Place]:
        """Return the gazetteer entries a toponym may name."""
        if toponym.is_demonym:
            country = self.gazetteer.demonym(toponym.text)
            return [country] if country is not None else []
        if toponym.hint == "region" and toponym.lookup.lower().endswith(" border"):
            # Points along it: the document's other places pick the one meant.
            return self.gazetteer.borders(toponym.lookup)
        pool = self.gazetteer.candidates(toponym.lookup)
        if toponym.hint == "region" or not any(p.feature in ("country", "admin1") for p in pool):
            # "northern Iraq", "eastern Anbar": a part of the country or province
            regions = self.gazetteer.parts(toponym.lookup)
            rest = split_direction(toponym.lookup)
            base = self.gazetteer.candidates(rest[1]) if rest else []
            if regions and _shadowed_provinces(base, self.gazetteer.transliterated):
                pool = [
                    p for p in base if p.feature == "city"
                ] + pool  # "northern Baghdad", "eastern Raqqa": the city's part
            else:
                pool = regions + pool
        spelt_as_written = self.gazetteer.transliterated
        if not toponym.is_dateline and not any(p.country_code in spelt_as_written for p in pool):
            # "Huwajah" for Al Hawijah, "Beiji" for Bayji; not "Iraq" for Raqqa
            pool = pool + self.gazetteer.variants(toponym.lookup)
        # "Rapides" in "Rapides Parish", or a lone "Avoyelles": a division's bare name.
        if toponym.hint == "admin2" or not pool:
            known = {p.place_id for p in pool}
            pool = [p for p in self.gazetteer.admin2_bare(toponym.lookup) if p.place_id not in known] + pool
        return pool

    def _choose(
        self, toponym: Toponym, pool: Sequence[Place], context: Context, bonus: Sequence[float] | None = None
    ) -> Resolution:
        """Score each candidate in context and return the best with a calibrated confidence."""
        return self._pick(toponym, pool, context, bonus)[0]

    def _pick(
        self, toponym: Toponym, pool: Sequence[Place], context: Context, bonus: Sequence[float] | None = None
    ) -> tuple[Resolution, float]:
        """Return _choose's Resolution and how strongly its place was picked.

        The strength counts the naming convention that picks a city over its namesake province, which the
        analyst-visible confidence leaves out (it is no evidence): a pick that strong is context for the document's
        other names in the second pass, whatever the evidence alone says.
        """
        extra = list(bonus) if bonus is not None else [0.0] * len(pool)
        spelt = self._spelt(toponym)
        if spelt:  # a spelling variant only counts in the document's countries ("Tishrin" is no spelling of Tehran)
            kept = [i for i, p in enumerate(pool) if p.place_id not in spelt or p.country_code in context.countries]
            pool, extra = [pool[i] for i in kept], [extra[i] for i in kept]
        if not pool:
            return Resolution(toponym=toponym, place=None, confidence=0.0, candidates=()), 0.0
        # A city that shares its name with its own province is what a bare name means ("Raqqa").
        provinces = {(p.country_code, p.name) for p in pool if p.feature == "admin1"}
        # A place found only by one of its alternate names yields to places that bear the name as their own.
        lookup = normalize_name(toponym.lookup)
        own = [normalize_name(p.name) == lookup for p in pool]
        if any(own):  # towns' alternate names are GeoNames' noisiest; countries' and provinces' are curated
            # Unless the document is about the alternate's country and not the owners': "Palmyra" in a story on Syria.
            mine_cc = context.own_countries.get(lookup, Counter())
            owners = max(
                _share(context.countries, p.country_code, mine_cc) for p, mine in zip(pool, own, strict=True) if mine
            )
            extra = [
                b
                - (
                    ALTERNATE_PENALTY
                    if not mine
                    and p.feature in ("city", "admin2")
                    and _share(context.countries, p.country_code, mine_cc) <= owners
                    else 0.0
                )
                for b, mine, p in zip(extra, own, pool, strict=True)
            ]
        if spelt and any(p.place_id not in spelt for p in pool):  # a place bearing the name as written comes first
            extra = [b - (VARIANT_PENALTY if p.place_id in spelt else 0.0) for b, p in zip(extra, pool, strict=True)]
        if toponym.hint not in ("admin1", "admin2"):
            shadowed = _shadowed_provinces(pool, self.gazetteer.transliterated)
            extra = [
                b - (SHADOWED_PENALTY if p.place_id in shadowed else 0.0) for b, p in zip(extra, pool, strict=True)
            ]
        plain = [score_candidate(p, toponym, context) + near for p, near in zip(pool, extra, strict=True)]
        # The naming convention breaks the tie between a city and its namesake province; it is no evidence, so the
        # confidence is what the evidence alone gives the chosen place ("Raqqa" stays less certain than "Mosul").
        capital = [
            0.15 if (p.country_code, p.admin1_name) in provinces and toponym.hint != "admin1" else 0.0 for p in pool
        ]
        order = sorted(range(len(pool)), key=lambda i: -(plain[i] + capital[i]))
        scored = [(plain[i] + capital[i], pool[i]) for i in order]
        weights = [math.exp(SOFTMAX_SHARPNESS * s) for s, _ in scored]
        total = sum(weights)
        top_score, top = scored[0]
        evidence = [math.exp(SOFTMAX_SHARPNESS * plain[i]) for i in order]
        confidence = round((evidence[0] / sum(evidence)) * min(1.0, plain[order[0]]), 3)
        candidates = tuple(
            Candidate(place=p, score=round(w / total, 3))
            for (s, p), w in zip(scored[:KEEP_CANDIDATES], weights, strict=False)
        )
        strength = round((weights[0] / total) * min(1.0, top_score), 3)
        return Resolution(toponym=toponym, place=top, confidence=confidence, candidates=candidates), strength


def _shadowed_provinces(pool: Sequence[Place], countries: frozenset[str]) -> set[str]:
    """Return the ids of the provinces named like a city of the pool that lies in them: a bare "Raqqa" is the city.

    Only in countries whose governorates are named after their capitals (the transliterated ones): elsewhere a
    bare "New York" or "Mexico" stays for context to decide.
    """
    towns = {
        (p.country_code, p.admin1_name, skeleton(p.name) or normalize_name(p.name)) for p in pool if p.feature == "city"
    }

    def shadowed(p: Place) -> bool:
        return (
            p.feature in ("admin1", "admin2")
            and p.country_code in countries
            and (p.country_code, p.admin1_name or p.name, skeleton(p.name) or normalize_name(p.name)) in towns
        )

    return {p.place_id for p in pool if shadowed(p)}


def _is_border(pool: Sequence[Place]) -> bool:
    """Say whether a pool holds points along a border."""
    return bool(pool) and all(p.feature_code == "BDR" for p in pool)


def border_resolution(toponym: Toponym, pool: Sequence[Place], first: Sequence[Resolution]) -> Resolution:
    """Resolve a border phrase to the border's point nearest the document's towns ("the Turkish border" near Manbij).

    Without towns to go by, the border's middle point is taken, with low confidence.
    """
    near_in_text = sorted(
        (r for r in first if r.place is not None and r.toponym.start != toponym.start),
        key=lambda r: abs(r.toponym.start - toponym.start),
    )
    towns = [r.place for r in near_in_text if r.place is not None and r.place.feature in ("city", "admin2", "admin1")][
        :PROXIMITY_NAMES
    ]
    here = np.array([[p.lat, p.lon] for p in pool])
    if towns:
        pull = np.exp(-haversine_km_matrix(here, np.array([[t.lat, t.lon] for t in towns])) / PROXIMITY_KM).sum(axis=1)
        best, confidence = int(np.argmax(pull)), round(float(min(1.0, pull.max())), 3)
    else:
        best, confidence = len(pool) // 2, 0.2
    candidates = (Candidate(place=pool[best], score=1.0),)
    return Resolution(toponym=toponym, place=pool[best], confidence=confidence, candidates=candidates)


def _qualifier(toponym: Toponym, chosen: Sequence[Resolution]) -> Place | None:
    """Return the state or country that qualifies a dateline right after it ("ARLINGTON, Va."), if any."""
    nxt = next((r for r in chosen if r.toponym.start > toponym.end), None)
    if (
        nxt is None
        or nxt.place is None
        or nxt.toponym.start - toponym.end > 3
        or nxt.place.feature not in ("admin1", "country")
    ):
        return None
    return nxt.place


def dateline_resolution(toponym: Toponym, pool: Sequence[Place], qualifier: Place | None = None) -> Resolution:
    """Resolve a dateline as the place an office issues releases from: a region, a capital, else the largest city.

    The document's other names say nothing about it: "WASHINGTON --" over a story on Iraq is still Washington, D.C.
    Only a qualifier right after it does: "ARLINGTON, Va." is the one in Virginia.
    """
    if qualifier is not None:
        inside = [
            p
            for p in pool
            if p.country_code == qualifier.country_code
            and (qualifier.feature == "country" or p.admin1_name == qualifier.name)
        ]
        pool = inside or pool
    usable = [p for p in pool if p.feature in ("region", "city", "country")] or list(pool)
    if not usable:
        return Resolution(toponym=toponym, place=None, confidence=0.0, candidates=())
    lookup = normalize_name(toponym.lookup)
    ranked = sorted(
        usable,
        key=lambda p: (
            p.feature != "region",
            p.feature_code != "PPLC",
            normalize_name(p.name) != lookup and p.feature != "city",
            -p.population,
        ),
    )
    candidates = tuple(
        Candidate(place=p, score=round(1.0 if i == 0 else 0.0, 3)) for i, p in enumerate(ranked[:KEEP_CANDIDATES])
    )
    return Resolution(toponym=toponym, place=ranked[0], confidence=0.9, candidates=candidates)


def score_candidate(place: Place, toponym: Toponym, context: Context) -> float:
    """Return how well a place fits a toponym in its document (about 0..2)."""
    if place.feature in ("country", "region"):
        score = 1.5  # a country's or continent's name means it, unless the sentence names a state of a namesake town
    elif place.feature == "admin1":
        score = 0.55
    elif place.feature == "admin2":
        score = 0.45
    else:
        score = 0.25 + 0.45 * min(1.0, math.log10(place.population + 1) / 7.0)
        if place.feature_code == "PPLC":
            score += 0.1
    if normalize_name(place.name) == normalize_name(toponym.lookup):
        score += 0.2  # the entry's own name, not one of its alternate names
    if place.feature == "admin1" and ABBREVIATION.fullmatch(toponym.text):
        score += 0.3  # "Colo.", "N.L.": a newspaper's state or province, not the hamlet of Colo, Iowa
    if toponym.hint in ("admin1", "admin2"):
        score += 0.35 if place.feature == toponym.hint else -0.2
    elif toponym.hint == "city":
        score += 0.2 if place.feature == "city" else -0.1
    name = normalize_name(toponym.lookup)
    own_countries = context.own_countries.get(name, Counter())
    own_admin1 = context.own_admin1.get(name, Counter())
    if place.feature not in ("country", "region"):
        score += 0.35 * _share(context.countries, place.country_code, own_countries)
        if place.country_code in context.sentence_countries.get(toponym.sentence_start, frozenset()) - set(
            own_countries
        ):
            score += 0.2
    key = (place.country_code, place.admin1_name or place.name)
    if place.feature in ("city", "admin2") and place.admin1_name:
        if key in context.sentence_admin1.get(toponym.sentence_start, frozenset()) - set(own_admin1):
            score += 0.3
        else:
            score += 0.15 * _share(context.admin1, key, own_admin1)
    elif place.feature == "admin1":
        # A division that holds other places of the document ("Atlanta" for "Georgia").
        score += 0.45 * _share(context.admin1, key, own_admin1)
    if context.support is not None and place.feature not in ("country", "region"):
        if place.admin1_name or place.feature == "admin1":
            score += SUPPORT_ADMIN1 * min(1.0, context.support.admin1_of_others(name, key))
        score += SUPPORT_COUNTRY * min(1.0, context.support.country_of_others(name, place.country_code) / 2)
    return score


def _share(counts: Counter, key: object, own: Counter) -> float:
    """Return key's share of the counts (doubled, capped at 1), leaving out the name's own mentions."""
    total = sum(counts.values()) - sum(own.values())
    mine = counts[key] - own[key]
    return min(1.0, 2 * mine / total) if total > 0 and mine > 0 else 0.0


def _admin1_key(place: Place | None) -> tuple[str, str] | None:
    """Return the (country, admin-1) key a place contributes to the context."""
    if (
        place is None
        or place.feature not in ("admin1", "admin2", "city")
        or not (place.admin1_name or place.feature == "admin1")
    ):
        return None
    return (place.country_code, place.admin1_name or place.name)


def _unambiguous(toponyms: Sequence[Toponym], pools: Sequence[Sequence[Place]]) -> list[tuple[Toponym, Place, float]]:
    """Return the places a first reading is sure of: country names and lone admin-1 names."""
    sure: list[tuple[Toponym, Place, float]] = []
    for toponym, pool in zip(toponyms, pools, strict=True):
        country = next((p for p in pool if p.feature == "country"), None)
        regions = [p for p in pool if p.feature == "admin1"]
        if country is not None:
            sure.append((toponym, country, 1.0))
        elif len(regions) == 1 and (toponym.hint == "admin1" or len(pool) == 1 or regions[0].population > 0):
            sure.append((toponym, regions[0], 1.0))
    return sure


def _context(places: Sequence[tuple[Toponym, Place, float]], support: Support | None = None) -> Context:
    """Collect the countries and admin-1 divisions of the given places, by document and by sentence."""
    countries: Counter[str] = Counter()
    admin1: Counter[tuple[str, str]] = Counter()
    by_sentence_c: dict[int, set[str]] = {}
    by_sentence_a: dict[int, set[tuple[str, str]]] = {}
    own: dict[str, list[Place]] = {}
    for toponym, place, _ in places:
        own.setdefault(normalize_name(toponym.lookup), []).append(place)
        countries[place.country_code] += 1
        by_sentence_c.setdefault(toponym.sentence_start, set()).add(place.country_code)
        key = _admin1_key(place)
        if key is not None:
            admin1[key] += 1
            by_sentence_a.setdefault(toponym.sentence_start, set()).add(key)
    return Context(
        countries=countries,
        admin1=admin1,
        sentence_countries={k: frozenset(v) for k, v in by_sentence_c.items()},
        sentence_admin1={k: frozenset(v) for k, v in by_sentence_a.items()},
        own_countries={k: Counter(p.country_code for p in v) for k, v in own.items()},
        own_admin1={k: Counter(a for a in map(_admin1_key, v) if a is not None) for k, v in own.items()},
        support=support,
    )


PROXIMITY_WEIGHT = 1.2
PROXIMITY_KM = 100.0  # places this close to where the document's other names probably are count as near
PROXIMITY_CAP = 0.3  # the most nearness can add: it must not outweigh a capital against a hamlet
PROXIMITY_NAMES = 40  # the other names considered: the nearest in the text, so long documents stay linear


def proximity(
    toponyms: Sequence[Toponym], pools: Sequence[Sequence[Place]], first: Sequence[Resolution]
) -> list[list[float]]:
    """Return, per toponym and candidate, a bonus for lying near where the document's other names probably are.

    Each other name votes with its first-pass candidates, weighted by their scores; "Sharon, Cornwall and
    Salisbury" pull one another to the one state where all three lie close together.
    """
    names = [normalize_name(t.lookup) for t in toponyms]
    voters: dict[str, tuple[int, np.ndarray, np.ndarray, list[tuple[str, str] | None]]] = {}
    for i, r in enumerate(first):
        local = [c for c in r.candidates if c.place.feature in ("city", "admin2")]
        if local and names[i] not in voters:  # one vote per distinct name
            voters[names[i]] = (
                i,
                np.array([[c.place.lat, c.place.lon] for c in local]),
                np.array([c.score for c in local]),
                [_admin1_key(c.place) for c in local],
            )
    result: list[list[float]] = []
    for i, pool in enumerate(pools):
        if not pool or _is_border(pool):  # a border's points are weighed by border_resolution
            result.append([0.0] * len(pool))
            continue
        others = sorted((v for name, v in voters.items() if name != names[i]), key=lambda v: abs(v[0] - i))[
            :PROXIMITY_NAMES
        ]
        if not others:
            result.append([0.0] * len(pool))
            continue
        here = np.array([[p.lat, p.lon] for p in pool])
        votes = np.zeros(len(pool))
        provinces = [(p.country_code, p.name) if p.feature == "admin1" else None for p in pool]
        for _, pts, w, keys in others:
            votes += (np.exp(-haversine_km_matrix(here, pts) / PROXIMITY_KM) * w).sum(axis=1)
            # A province is near the names whose candidates lie inside it, wherever its label point is.
            votes += np.array(
                [sum(wk for wk, k in zip(w, keys, strict=True) if k == prov) if prov else 0.0 for prov in provinces]
            )
        near = np.minimum(PROXIMITY_CAP, PROXIMITY_WEIGHT * votes / len(others))
        result.append([float(v) if p.feature != "country" else 0.0 for v, p in zip(near, pool, strict=True)])
    return result


def one_sense_per_name(resolutions: Sequence[Resolution]) -> list[Resolution]:
    """Give every mention of a name in a document the place its mentions agree on most (summed candidate scores).

    A writer means one Paris throughout; resolving each mention alone can put one in Maine and two in Texas.
    Analyst-visible confidence stays each mention's own.
    """
    votes: dict[str, Counter[str]] = {}
    places: dict[str, Place] = {}
    for r in resolutions:
        if r.place is None or r.toponym.is_demonym:
            continue
        tally = votes.setdefault(normalize_name(r.toponym.lookup), Counter())
        for c in r.candidates:
            tally[c.place.place_id] += c.score
            places[c.place.place_id] = c.place
    result = []
    for r in resolutions:
        tally = (
            votes.get(normalize_name(r.toponym.lookup)) if r.place is not None and not r.toponym.is_demonym else None
        )
        if tally and len(tally) > 1:
            best = places[tally.most_common(1)[0][0]]
            if best.place_id != r.place.place_id and best.feature == r.place.feature:
                share = next((c.score for c in r.candidates if c.place.place_id == best.place_id), 0.0)
                # The place given comes first among the candidates, with its own score; the others keep their order.
                others = tuple(c for c in r.candidates if c.place.place_id != best.place_id)
                candidates = (Candidate(place=best, score=share), *others)
                r = Resolution(toponym=r.toponym, place=best, confidence=round(share, 3), candidates=candidates)
        result.append(r)
    return result
