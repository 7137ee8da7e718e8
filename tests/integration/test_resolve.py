"""Toponym resolution: context, feature kind and population decide between candidates."""

from __future__ import annotations

import pytest

from mapdash.geoparse.resolve import Resolver
from mapdash.geoparse.toponyms import Recognizer

CASES = [
    # (text, name, expected country, expected feature, expected admin-1 or None)
    ("Police in Alexandria, Louisiana, arrested a man near Pineville.", "Alexandria", "US", "city", "Louisiana"),
    ("Protesters gathered in Alexandria and Cairo, Egypt.", "Alexandria", "EG", "city", None),
    ("The rodeo in Paris, Texas, drew crowds from Dallas.", "Paris", "US", "city", "Texas"),
    ("Talks in Paris with France's allies went on.", "Paris", "FR", "city", None),
    ("ISIL-controlled Hit in Iraq's Anbar province is next.", "Hit", "IQ", "city", "Al Anbar"),
    ("ISIL-controlled Hit in Iraq's Anbar province is next.", "Anbar", "IQ", "admin1", None),
    ("The capital of Raqqa in Syria is under stress.", "Raqqa", "SY", "city", None),
    ("Forces entered Raqqa province in Syria.", "Raqqa", "SY", "admin1", None),
    ("Fighting continued around Mosul, Iraq's second-largest city.", "Mosul", "IQ", "city", None),
    ("The convoy left Georgia for Atlanta's suburbs.", "Georgia", "US", "admin1", None),
    ("Russian troops stayed in Georgia near Tbilisi.", "Georgia", "GE", "country", None),
    ("The Rapides Parish Fire District investigated the fire.", "Rapides Parish", "US", "admin2", "Louisiana"),
    ("Deputies from Fulton County and Atlanta police responded.", "Fulton County", "US", "admin2", "Georgia"),
    # Names the small spaCy model calls persons or organisations, placed by the words around them.
    (
        "Bekelech Asefa, 26, of Canal Winchester, Ohio, faces 20 felony counts.",
        "Canal Winchester",
        "US",
        "city",
        "Ohio",
    ),
    ("Police searched a home in Glen Allen on Monday.", "Glen Allen", "US", "city", "Virginia"),
    # Newspaper abbreviations of states (AP style).
    ("The bus was hijacked in Chowchilla, Calif., in 1976.", "Calif", "US", "admin1", "California"),
    ("Three escaped inmates were captured near Ogallala, Neb., on Friday.", "Neb", "US", "admin1", "Nebraska"),
    ("Three escaped inmates were captured near Ogallala, Neb., on Friday.", "Ogallala", "US", "city", "Nebraska"),
]


@pytest.fixture(scope="module", params=["spacy+gazetteer", "gazetteer"])
def parse(request: pytest.FixtureRequest, gazetteer, nlp):
    """A recognise-and-resolve function in each mode."""
    recognizer = Recognizer(gazetteer, nlp if request.param == "spacy+gazetteer" else None)
    resolver = Resolver(gazetteer)
    return lambda text: resolver.resolve(recognizer.recognize(text))


@pytest.mark.parametrize(("text", "name", "country", "feature", "admin1"), CASES)
def test_context_decides(parse, text: str, name: str, country: str, feature: str, admin1: str | None) -> None:
    (res,) = [r for r in parse(text) if r.toponym.text == name]
    assert res.place is not None
    assert (res.place.country_code, res.place.feature) == (country, feature), res.candidates[:3]
    if admin1:
        assert res.place.admin1_name == admin1


@pytest.mark.parametrize(
    ("text", "name"),
    [("Harvey Pitt sent a letter to Clinton about it.", "Clinton"), ("Clinton said the plan would work.", "Clinton")],
)
def test_a_person_is_not_placed_by_a_weak_preposition(gazetteer, nlp, text: str, name: str) -> None:
    """Only strong location words ("in", "near", "X, Ohio") outweigh NER calling a name a person."""
    assert name not in [t.text for t in Recognizer(gazetteer, nlp).recognize(text)]


def test_a_gold_span_of_a_state_abbreviation_resolves_to_the_state(gazetteer) -> None:
    text = "DENVER, Colo. (AP) -- Snow closed the roads."
    start = text.index("Colo.")
    (res,) = Resolver(gazetteer).resolve([Recognizer(gazetteer).span_toponym(text, start, start + len("Colo."))])
    assert res.place is not None and (res.place.name, res.place.feature) == ("Colorado", "admin1")


def test_candidates_kept_and_confidence_calibrated(parse) -> None:
    (res,) = [r for r in parse("He flew to Paris.") if r.toponym.text == "Paris"]
    assert len(res.candidates) > 1, "the other Parises are kept"
    assert res.candidates[0].place == res.place
    assert all(0.0 <= c.score <= 1.0 for c in res.candidates)
    assert abs(sum(c.score for c in res.candidates) - 1.0) < 0.05 or len(res.candidates) == 5
    (iraq,) = [r for r in parse("He flew to Iraq.") if r.toponym.text == "Iraq"]
    assert iraq.confidence > res.confidence, "an unambiguous country is surer than a bare Paris"


def test_bare_county_name_with_the_kind_in_the_text(gazetteer) -> None:
    from mapdash.geoparse.toponyms import Recognizer

    text = "Both Rapides and Avoyelles parishes, and Rapides Parish deputies."
    start = text.index("Rapides Parish")
    span = Recognizer(gazetteer).span_toponym(text, start, start + len("Rapides"))
    assert span.hint == "admin2"
    (res,) = Resolver(gazetteer).resolve([span])
    assert res.place is not None and (res.place.feature, res.place.admin1_name) == ("admin2", "Louisiana")


def test_unknown_name_is_an_explicit_no_match(gazetteer) -> None:
    from mapdash.model import Toponym

    t = Toponym(0, 9, "Zzyzxqvbn", "Zzyzxqvbn", "ner", 0, 9)
    (res,) = Resolver(gazetteer).resolve([t])
    assert res.place is None and res.confidence == 0.0 and res.candidates == ()
