"""Golden test on the seed release: every expected place found and put in the right spot."""

from __future__ import annotations

import re

import pytest
from conftest import SEED

from mapdash.geo import haversine_km as km
from mapdash.geoparse.ingest import read_release
from mapdash.geoparse.pipeline import geoparse

# name -> (GeoNames id, lat, lon, feature) from GeoNames
EXPECTED = {
    "Syria": (163843, 35.0, 38.0, "country"),
    "Iraq": (99237, 33.0, 44.0, "country"),
    "Ramadi": (98717, 33.42056, 43.30778, "city"),
    "Hit": (95788, 33.63664, 42.82768, "city"),
    "Anbar": (99592, 33.3, 42.3, "admin1"),
    "Mosul": (99072, 36.335, 43.11889, "city"),
    "Raqqa": (172955, 35.95283, 39.00788, "city"),
    "Libya": (2215636, 25.0, 17.0, "country"),
    "Nigeria": (2328926, 10.0, 8.0, "country"),
    "Afghanistan": (1149361, 33.0, 66.0, "country"),
    "Dutch": (2750405, 52.25, 5.75, "country"),
    "Saudi Arabia": (102358, 25.0, 45.0, "country"),
    "United Arab Emirates": (290557, 24.0, 54.0, "country"),
    "Canada": (6251999, 60.0, -95.0, "country"),
}
# Countries sit at their conventional (Factbook) points, a province at its label point: near, not on, GeoNames.
TOLERANCE_KM = {"city": 25.0, "admin1": 150.0, "country": 150.0}


@pytest.fixture(scope="module")
def seed_result(services):
    """The seed geoparsed in one mode."""
    return geoparse(read_release(SEED), services)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_place_found_and_placed(seed_result, name: str) -> None:
    geonameid, lat, lon, feature = EXPECTED[name]
    hits = [r for r in seed_result.resolutions if r.toponym.text == name]
    assert hits, f"{name} not recognised ({seed_result.mode})"
    for r in hits:
        assert r.place is not None, f"{name} not resolved"
        assert r.place.geonameid == geonameid, f"{name} -> {r.place}"
        assert r.place.feature == feature
        assert km(r.place.lat, r.place.lon, lat, lon) <= TOLERANCE_KM[feature]
        assert 0.5 <= r.confidence <= 1.0


def test_the_verb_hit_is_no_place(seed_result) -> None:
    text = seed_result.document.text
    verb = re.search(r"We can hit them", text)
    assert verb is not None
    assert not [r for r in seed_result.resolutions if r.toponym.start <= verb.start() + 7 < r.toponym.end]
    assert all(r.toponym.text != "hit" for r in seed_result.resolutions)


def test_no_false_places(seed_result) -> None:
    """Names of people, organisations and headings are not places."""
    texts = {r.toponym.text for r in seed_result.resolutions if r.place is not None}
    assert not texts & {"Obama", "Carter", "Ash", "Levant", "In", "Ground", "State", "Taking", "Coalition"}
    assert texts <= set(EXPECTED) | {"United States", "Syrians", "Syrian", "Iraqi"}


def test_raqqa_is_the_city_and_anbar_the_governorate(seed_result) -> None:
    by_text = {r.toponym.text: r for r in seed_result.resolutions}
    raqqa, anbar = by_text["Raqqa"], by_text["Anbar"]
    assert raqqa.place is not None and raqqa.place.country_code == "SY"
    assert any(c.place.feature == "admin1" for c in raqqa.candidates), "the province is kept as a candidate"
    assert anbar.place is not None and anbar.place.name == "Al Anbar"
    assert anbar.toponym.hint == "admin1"


# place (surface form) -> phases every mention of it in that sentence must carry (issue: expected seed phases)
EXPECTED_PHASES = {
    "Ramadi": {"retaken"},
    "Hit": {"next_target", "enemy_held"},
    "Mosul": {"ultimate_goal"},
    "Raqqa": {"ultimate_goal", "enemy_held"},
    "Libya": {"strike"},
    "Dutch": {"partner_support"},
    "Saudi Arabia": {"partner_support"},
    "United Arab Emirates": {"partner_support"},
    "Canada": {"partner_support"},
    "Nigeria": {"beyond_theater"},
    "Afghanistan": {"beyond_theater"},
}


def phases_by_text(result) -> dict[str, set[str]]:
    """Return the phases of all mentions of each surface form."""
    found: dict[str, set[str]] = {}
    for tag in result.phases:
        text = result.document.text[tag.mention_start : tag.mention_end]
        found.setdefault(text, set()).add(tag.phase)
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED_PHASES))
def test_seed_phases(seed_result, name: str) -> None:
    assert EXPECTED_PHASES[name] <= phases_by_text(seed_result).get(name, set())


def test_syria_ceasefire_and_strike_and_anbar_is_context(seed_result) -> None:
    phases = phases_by_text(seed_result)
    assert {"humanitarian_ceasefire", "strike"} <= phases["Syria"]
    assert "next_target" not in phases.get("Anbar", set()), "Anbar only locates Hit"
    for tag in seed_result.phases:
        assert tag.evidence_start <= tag.mention_start < tag.mention_end <= tag.evidence_end
        assert tag.date_from is not None and tag.date_from <= tag.date_to


def test_libya_strike_dated_last_week(seed_result) -> None:
    from datetime import date

    (strike,) = [
        t
        for t in seed_result.phases
        if t.phase == "strike" and seed_result.document.text[t.mention_start : t.mention_end] == "Libya"
    ]
    assert (strike.date_from, strike.date_to) == (date(2016, 2, 15), date(2016, 2, 21))


def test_seed_quotes_all_obama_with_places_linked(seed_result) -> None:
    quotes = seed_result.quotes
    direct = [q for q in quotes if q.kind == "direct"]
    assert len(direct) == 14 and len(quotes) == 23  # counted by hand
    assert {q.speaker for q in quotes} == {"Barack Obama"}
    text = seed_result.document.text

    def linked(fragment: str) -> set[str]:
        (q,) = [q for q in direct if fragment in q.text]
        return {text[s:e] for s, e in q.mention_spans}

    assert "Ramadi" in linked("pushing ISIL out of Ramadi")
    assert "Raqqa" in linked("Raqqa is not the capital")
    assert "Libya" in linked("training camp in Libya")
