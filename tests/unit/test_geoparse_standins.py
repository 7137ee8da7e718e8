"""Recognition and resolution as tables, on a stand-in gazetteer of a few rows, without spaCy: milliseconds a case.

The stand-in (``standins.world``) is checked against the real ``Gazetteer`` over the same rows, so what these
tables show of the recogniser and resolver holds for the real index too.
"""

from __future__ import annotations

import inspect

import pytest
from standins import DictGazetteer, world

from mapdash.gazetteer import Gazetteer
from mapdash.gazetteer.indexes import NameIndex, PlaceIndex
from mapdash.geoparse.resolve import Resolver
from mapdash.geoparse.toponyms import Recognizer
from mapdash.model import Resolution, Toponym

WORLD = world()


def recognize(text: str, gazetteer: NameIndex = WORLD) -> list[Toponym]:
    """Return the toponyms the gazetteer-only recogniser finds in text."""
    return Recognizer(gazetteer).recognize(text)


def geoparse(text: str, gazetteer: DictGazetteer | Gazetteer = WORLD) -> list[Resolution]:
    """Return the resolutions of the toponyms found in text."""
    return Resolver(gazetteer).resolve(Recognizer(gazetteer).recognize(text))


def placed(text: str, surface: str) -> Resolution:
    """Return the one resolution of the toponym written as surface."""
    (res,) = [r for r in geoparse(text) if r.toponym.text == surface]
    return res


# --- recognition: which words are places ----------------------------------------------------------------------

RECOGNISED = [
    # Hit the town, hit the verb
    ("The next phase will target ISIL-controlled Hit in Iraq’s Anbar province, he said.", ["Hit", "Iraq", "Anbar"]),
    ("“We can hit them anywhere, anytime -- and we do.”", []),
    # peoples name their countries
    ("He noted that Dutch aircraft are now striking ISIL targets in Syria.", ["Dutch", "Syria"]),
    ("Iraqi and Syrian ground forces are pushing back, he said.", ["Iraqi", "Syrian"]),
    ("The Canadian trainers arrived in Iraq.", ["Canadian", "Iraq"]),
    # a place inside an organisation's name, a group's acronym, a person: no place
    ("The war against the Islamic State of Iraq and the Levant goes on.", []),
    ("The Syrian Democratic Forces advanced.", []),
    ("ISIS fighters fled Ramadi.", ["Ramadi"]),
    ("Col. Steve Warren told reporters in Baghdad.", ["Baghdad"]),
    ("President Barack Obama said so yesterday.", []),
    # kind words and lists
    ("Forces recaptured the city of Ramadi last month.", ["Ramadi"]),
    ("Talks were held in Paris and Geneva.", ["Paris", "Geneva"]),
    ("Police in Alexandria, Louisiana, arrested a man near Pineville.", ["Alexandria", "Louisiana", "Pineville"]),
    # a direction or a border taken in with its name
    ("Strikes hit targets in northern Iraq.", ["northern Iraq"]),
    ("Fighters crossed the Syria-Iraq border.", ["Syria-Iraq border"]),
    ("The Turkish border stayed closed.", ["Turkish border"]),
    # a spelling of a town of the theatre
    ("Iraqi forces retook Huwajah last week.", ["Iraqi", "Huwajah"]),
    ("He flew to Zzyzxqvbn.", []),
]


@pytest.mark.parametrize(("text", "expected"), RECOGNISED)
def test_recognises_places_and_nothing_else(text: str, expected: list[str]) -> None:
    found = recognize(text)
    assert [t.text for t in found] == expected
    for t in found:
        assert text[t.start : t.end] == t.text
        assert t.sentence_start <= t.start < t.end <= t.sentence_end <= len(text)


@pytest.mark.parametrize(
    ("text", "word", "country"),
    [
        ("Dutch aircraft struck.", "Dutch", "Netherlands"),
        ("Iraqi forces advanced.", "Iraqi", "Iraq"),
        ("Aid reached Syrians in the north.", "Syrians", "Syria"),
        ("The Canadian trainers arrived in Iraq.", "Canadian", "Canada"),
    ],
)
def test_a_demonym_looks_up_its_country(text: str, word: str, country: str) -> None:
    (t,) = [t for t in recognize(text) if t.text == word]
    assert t.is_demonym and t.lookup == country and t.source == "demonym"


@pytest.mark.parametrize(
    ("text", "surface", "hint"),
    [
        ("Forces entered Raqqa province in Syria.", "Raqqa", "admin1"),
        ("Forces recaptured the city of Ramadi last month.", "Ramadi", "city"),
        ("Deputies from Rapides Parish responded.", "Rapides Parish", "admin2"),
        ("Strikes hit targets in northern Iraq.", "northern Iraq", "region"),
        ("Talks were held in Paris and Geneva.", "Paris", None),
    ],
)
def test_a_kind_word_is_the_hint(text: str, surface: str, hint: str | None) -> None:
    (t,) = [t for t in recognize(text) if t.text == surface]
    assert t.hint == hint


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("BAGHDAD, Iraq, Dec. 20, 2016 -- Coalition aircraft struck ISIL near Mosul.", "BAGHDAD"),
        ("PARIS, Tex., Aug. 19, 2014 -- The rodeo drew crowds from Dallas.", "PARIS"),
        ("Coalition aircraft struck ISIL near Mosul, officials said.", None),
    ],
)
def test_a_dateline_opens_the_release(text: str, dateline: str | None) -> None:
    found = recognize(text)
    assert [t.text for t in found if t.is_dateline] == ([dateline] if dateline else [])
    assert all(t.start == 0 for t in found if t.is_dateline)


def test_a_gold_span_of_a_bare_division_name_gets_the_kind_the_text_says() -> None:
    text = "Both Rapides and Avoyelles parishes, and Rapides Parish deputies."
    start = text.index("Rapides Parish")
    span = Recognizer(WORLD).span_toponym(text, start, start + len("Rapides"))
    assert span.hint == "admin2"
    (res,) = Resolver(WORLD).resolve([span])
    assert res.place is not None and (res.place.name, res.place.feature) == ("Rapides Parish", "admin2")


# --- resolution: which place a name means ----------------------------------------------------------------------

RESOLVED = [
    # (text, surface, (name, feature, country, admin-1))
    ("Police in Alexandria, Louisiana, arrested a man near Pineville.", "Alexandria", ("US", "city", "Louisiana")),
    ("Protesters gathered in Alexandria and Cairo, Egypt.", "Alexandria", ("EG", "city", "Alexandria")),
    ("The rodeo in Paris, Texas, drew crowds from Dallas.", "Paris", ("US", "city", "Texas")),
    ("Talks in Paris with France's allies went on.", "Paris", ("FR", "city", "Ile-de-France")),
    ("The next phase will target ISIL-controlled Hit in Iraq’s Anbar province.", "Hit", ("IQ", "city", "Al Anbar")),
    ("The next phase will target ISIL-controlled Hit in Iraq’s Anbar province.", "Anbar", ("IQ", "admin1", "Al Anbar")),
    # a city over its namesake province, unless the text says province
    ("The capital of Raqqa in Syria is under stress.", "Raqqa", ("SY", "city", "Ar Raqqah")),
    ("Forces entered Raqqa province in Syria.", "Raqqa", ("SY", "admin1", "Ar Raqqah")),
    ("Deputies from Rapides Parish responded.", "Rapides Parish", ("US", "admin2", "Louisiana")),
    ("He noted that Dutch aircraft are now striking ISIL targets in Syria.", "Dutch", ("NL", "country", None)),
    # a spelling variant, a part of a country, a border
    ("Iraqi forces retook Huwajah last week.", "Huwajah", ("IQ", "city", "At Ta'mim")),
    ("Iraqi forces retook Beiji and its refinery.", "Beiji", ("IQ", "city", "Salah ad Din")),
    ("Syrian forces advanced on Shadaddi last week.", "Shadaddi", ("SY", "city", "Al Hasakah")),
    ("Coalition aircraft struck near Ghazlani in Syria.", "Ghazlani", ("SY", "city", "Rif Dimashq")),
    ("Strikes hit targets in northern Iraq.", "northern Iraq", ("IQ", "region", None)),
    ("Fighters crossed the Syria-Iraq border.", "Syria-Iraq border", ("SY", "region", None)),
    # a dateline's qualifier picks the namesake
    ("PARIS, Tex., Aug. 19, 2014 -- The rodeo drew crowds from Dallas.", "PARIS", ("US", "city", "Texas")),
    ("BAGHDAD, Iraq, Dec. 20, 2016 -- Coalition aircraft struck ISIL near Mosul.", "BAGHDAD", ("IQ", "city", None)),
]


@pytest.mark.parametrize(("text", "surface", "expected"), RESOLVED)
def test_context_decides(text: str, surface: str, expected: tuple[str, str, str | None]) -> None:
    res = placed(text, surface)
    assert res.place is not None, res.candidates[:3]
    assert (res.place.country_code, res.place.feature, res.place.admin1_name) == expected, res.candidates[:3]
    assert 0.0 < res.confidence <= 1.0


def test_a_city_over_its_namesake_province_is_less_sure_than_an_unambiguous_one() -> None:
    raqqa = placed("The capital of Raqqa in Syria is under stress.", "Raqqa")
    mosul = placed("Coalition aircraft struck ISIL near Mosul in Iraq.", "Mosul")
    assert raqqa.place is not None and raqqa.place.feature == "city"
    assert {c.place.feature for c in raqqa.candidates} == {"city", "admin1"}, "the province stays a candidate"
    assert mosul.confidence == 1.0


def test_a_spelling_variant_far_from_all_the_documents_towns_is_no_place() -> None:
    text = "In Iraq, forces took Mosul airport and the Ghazlani military complex near Mosul; Syria was quiet."
    res = placed(text, "Ghazlani")  # Al Ghizlaniyah lies near Damascus, 600 km from Mosul
    assert res.place is None and res.confidence == 0.0
    assert placed("Coalition aircraft struck near Ghazlani in Syria.", "Ghazlani").place is not None


def test_a_border_phrase_is_a_point_of_that_border() -> None:
    res = placed("Fighters crossed the Syria-Iraq border.", "Syria-Iraq border")
    assert res.place is not None and res.place.feature_code == "BDR" and res.place.name == "Iraq–Syria border"
    assert {c.place.place_id for c in res.candidates} <= {p.place_id for p in WORLD.borders("Syria-Iraq border")}


def test_candidates_are_kept_and_scores_calibrated() -> None:
    res = placed("He flew to Paris in the spring.", "Paris")
    assert [c.place.country_code for c in res.candidates] == ["FR", "US"], "the other Paris is kept"
    assert res.candidates[0].place == res.place
    assert abs(sum(c.score for c in res.candidates) - 1.0) < 0.01
    iraq = placed("He flew to Iraq in the spring.", "Iraq")
    assert iraq.confidence > res.confidence, "an unambiguous country is surer than a bare Paris"


def test_an_unknown_name_is_an_explicit_no_match() -> None:
    t = Toponym(0, 9, "Zzyzxqvbn", "Zzyzxqvbn", "ner", 0, 9)
    (res,) = Resolver(WORLD).resolve([t])
    assert res.place is None and res.confidence == 0.0 and res.candidates == ()


# --- the stand-in and the real index answer alike ---------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """The real Gazetteer over an index of the stand-in's rows, written by the real build."""
    return WORLD.real_index(tmp_path_factory.mktemp("index") / "world.sqlite")


@pytest.mark.parametrize("protocol", [NameIndex, PlaceIndex])
def test_the_real_gazetteer_and_the_stand_in_are_the_interfaces(real: Gazetteer, protocol: type) -> None:
    assert isinstance(real, protocol) and isinstance(WORLD, protocol)
    members = {
        name: m
        for cls in protocol.__mro__[::-1]
        if cls.__module__ == protocol.__module__
        for name, m in vars(cls).items()
    }
    assert {"candidates", "demonym"} <= set(members)
    for name, member in members.items():
        if callable(member) and not name.startswith("_"):
            want = inspect.signature(member)
            for impl in (Gazetteer, DictGazetteer):
                got = inspect.signature(getattr(impl, name))
                assert list(got.parameters) == list(want.parameters), (impl, name)
                assert [p.default for p in got.parameters.values()] == [p.default for p in want.parameters.values()]


NAMES = ["Hit", "Heet", "Anbar", "Raqqa", "Paris", "Alexandria", "Rapides", "U.S.", "Huwajah", "Zzyzx", ""]


@pytest.mark.parametrize("name", NAMES)
def test_the_stand_in_finds_what_the_real_index_finds(real: Gazetteer, name: str) -> None:
    assert WORLD.candidates(name) == real.candidates(name)
    assert WORLD.has_name(name) == real.has_name(name)
    assert WORLD.admin2_bare(name) == real.admin2_bare(name)
    assert WORLD.variants(name) == real.variants(name)
    assert WORLD.has_variant(name) == real.has_variant(name)


@pytest.mark.parametrize(
    "phrase", ["northern Iraq", "eastern Syria", "Syria-Iraq border", "Turkish border", "Iraqi", "ISIL", "Hit"]
)
def test_the_stand_in_has_the_real_index_parts_borders_and_demonyms(real: Gazetteer, phrase: str) -> None:
    assert WORLD.parts(phrase) == real.parts(phrase)
    assert sorted(WORLD.borders(phrase), key=str) == sorted(real.borders(phrase), key=str)
    assert WORLD.demonym(phrase) == real.demonym(phrase)
    assert WORLD.is_not_place(phrase) == real.is_not_place(phrase)
    assert (WORLD.transliterated, WORLD.theatre_words, WORLD.max_name_tokens) == (
        real.transliterated,
        real.theatre_words,
        real.max_name_tokens,
    )


@pytest.mark.parametrize("text", [text for text, _ in RECOGNISED] + [text for text, _, _ in RESOLVED])
def test_the_tables_read_the_same_on_the_real_index(real: Gazetteer, text: str) -> None:
    assert geoparse(text, real) == geoparse(text, WORLD)
