"""Toponym recognition on hard cases, in both modes (spaCy + gazetteer, gazetteer only)."""

from __future__ import annotations

import pytest

from mapdash.geoparse.toponyms import Recognizer

CASES = [
    # (text, expected toponym surface forms in order)
    ("The next phase will target ISIL-controlled Hit in Iraq’s Anbar province, he said.", ["Hit", "Iraq", "Anbar"]),
    ("“We can hit them anywhere, anytime -- and we do.”", []),
    ("He noted that Dutch aircraft are now striking ISIL targets in Syria.", ["Dutch", "Syria"]),
    ("Iraqi and Syrian ground forces are pushing back, he said.", ["Iraqi", "Syrian"]),
    ("He praised Defense Secretary Ash Carter’s efforts.", []),
    ("President Barack Obama said so yesterday.", []),
    ("The war against the Islamic State of Iraq and the Levant goes on.", []),
    ("In Syria, local forces continue their gains.", ["Syria"]),
    ("Taking Ground from ISIL", []),
    ("The president thanked Canada for tripling its personnel in Iraq.", ["Canada", "Iraq"]),
    ("Saudi Arabia and the United Arab Emirates are expanding their roles.", ["Saudi Arabia", "United Arab Emirates"]),
    ("Forces recaptured the city of Ramadi last month.", ["Ramadi"]),
    ("The strike hit a camp near Sabratha in Libya.", ["Sabratha", "Libya"]),
    ("Talks were held in Paris and Geneva.", ["Paris", "Geneva"]),
]


@pytest.fixture(scope="module", params=["spacy+gazetteer", "gazetteer"])
def recognizer(request: pytest.FixtureRequest, gazetteer, nlp) -> Recognizer:
    """A recognizer in each mode."""
    return Recognizer(gazetteer, nlp if request.param == "spacy+gazetteer" else None)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_recognises_places_and_nothing_else(recognizer: Recognizer, text: str, expected: list[str]) -> None:
    found = recognizer.recognize(text)
    assert [t.text for t in found] == expected, recognizer.mode
    for t in found:
        assert text[t.start : t.end] == t.text
        assert t.sentence_start <= t.start < t.end <= t.sentence_end <= len(text)


@pytest.mark.parametrize(
    ("text", "word", "lookup"),
    [
        ("Dutch aircraft struck.", "Dutch", "Netherlands"),
        ("Emirati pilots flew.", "Emirati", "United Arab Emirates"),
        ("Canadian trainers arrived.", "Canadian", "Canada"),
        ("The Sri Lankan government met.", "Sri Lankan", "Sri Lanka"),
    ],
)
def test_demonyms_look_up_their_country(recognizer: Recognizer, text: str, word: str, lookup: str) -> None:
    (t,) = [t for t in recognizer.recognize(text) if t.text == word]
    assert t.is_demonym and t.lookup == lookup


def test_a_gold_span_of_a_two_word_demonym_is_a_demonym(recognizer: Recognizer) -> None:
    text = "Ambassador Ansar, a Sri Lankan Muslim himself, spoke."
    t = recognizer.span_toponym(text, text.index("Sri"), text.index(" Muslim"))
    assert t.is_demonym and t.lookup == "Sri Lanka"


def test_province_suffix_gives_a_hint(recognizer: Recognizer) -> None:
    (anbar,) = [t for t in recognizer.recognize("Fighting spread across Anbar province.") if t.text == "Anbar"]
    assert anbar.hint == "admin1"


def test_modes_are_named(gazetteer, nlp) -> None:
    assert Recognizer(gazetteer).mode == "gazetteer"
    assert Recognizer(gazetteer, nlp).mode == "spacy+gazetteer"
