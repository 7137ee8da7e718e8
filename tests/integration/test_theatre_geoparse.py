"""The theatre on the real gazetteer and spaCy: campaign names placed, bodies and persons told from places, and more."""

from __future__ import annotations

import pytest

from mapdash.geoparse.resolve import Resolver
from mapdash.geoparse.toponyms import Recognizer
from mapdash.model import Resolution

# (text, mention as written, (country code, feature, place-name fragment or None))
PLACED = [
    # datelines are resolved as one name, as the office issuing the release
    (
        "SOUTHWEST ASIA, March 3, 2018 — Coalition forces struck targets near Mosul, Iraq.",
        "SOUTHWEST ASIA",
        ("", "region", "Southwest Asia"),
    ),
    (
        "WASHINGTON -- The secretary discussed the fight against ISIL in Iraq and Syria.",
        "WASHINGTON",
        ("US", "city", "Washington"),
    ),
    ("TAMPA, Fla., May 2, 2015 - Aircraft continued to attack targets in Iraq.", "TAMPA", ("US", "city", "Tampa")),
    (
        "ARLINGTON, Va., May 2, 2015 - Officials said aircraft attacked targets in Iraq.",
        "ARLINGTON",
        ("US", "city", "Arlington"),
    ),
    # transliterations of one name
    ("Near Huwajah, a strike destroyed a checkpoint in Iraq.", "Huwajah", ("IQ", "city", "awījah")),
    ("Iraqi troops reached Beiji and then pushed north from Baghdad.", "Beiji", ("IQ", "city", "Bayj")),
    ("In Syria, a strike near Shadaddi destroyed a vehicle.", "Shadaddi", ("SY", "city", "Shaddadi")),
    ("In Syria, near Tabaqah, strikes hit two fighting positions.", "Tabaqah", ("SY", "city", "Tabq")),
    ("Near Palmyra, two strikes destroyed artillery in Syria.", "Palmyra", ("SY", "city", "Tadmur")),
    # kind words after a name
    ("Fighters withdrew from Manbij City in northern Syria.", "Manbij City", ("SY", "city", "Manbij")),
    ("Engineers inspected the Mosul Dam on the Tigris in Iraq.", "Mosul Dam", ("IQ", "city", "Mosul Dam")),
    ("Trainers arrived at Al Asad Air Base in Iraq.", "Al Asad Air Base", ("IQ", "city", "Al Asad")),
    (
        "Aircraft used Qayyarah Airfield West after Iraqi forces cleared it.",
        "Qayyarah Airfield West",
        ("IQ", "city", "Qayyarah Airfield"),
    ),
    # the theatre supplement: regions and valleys
    (
        "Operations went on in the Middle Euphrates River Valley of Syria.",
        "Middle Euphrates River Valley",
        ("SY", "region", "Euphrates"),
    ),
    ("Officials of the Kurdistan Region met in Erbil, Iraq.", "Kurdistan Region", ("IQ", "region", "Kurdistan Region")),
    # region phrases
    (
        "Displaced families returned to homes in northern Iraq last week.",
        "northern Iraq",
        ("IQ", "region", "Northern Iraq"),
    ),
    # city or province
    ("Iraqi forces retook the city of Raqqa from the militants in Syria.", "Raqqa", ("SY", "city", "Raqqah")),
    ("In Syria, Raqqa, a city long divided, was cleared.", "Raqqa", ("SY", "city", "Raqqah")),
    ("Fighting spread across Raqqa province in Syria.", "Raqqa", ("SY", "admin1", "Raqqah")),
    # demonyms count as places
    ("Dutch aircraft struck targets in Iraq.", "Dutch", ("NL", "country", None)),
    # a country before an officer's rank is the officer's country
    (
        "ISIS is weaker, said United Kingdom Maj. Gen. Robert Smith, a commander.",
        "United Kingdom",
        ("GB", "country", None),
    ),
]


NO_PLACE = [
    # group acronyms and names: never places
    ("IS fighters fled toward the border of Syria.", {"IS"}),
    (
        "ISIS, ISIL and Daesh lost ground; the SDF, the YPG and the KRG gained it in Syria.",
        {"ISIS", "ISIL", "Daesh", "SDF", "YPG", "KRG"},
    ),
    ("CJTF-OIR officials said the strikes went on in Iraq.", {"CJTF-OIR", "CJTF", "OIR"}),
    # bodies named after a place
    ("The Syrian Democratic Forces advanced on the town of Tabqa.", {"Syrian", "Syrian Democratic Forces"}),
    ("Kurdistan Regional Government officials met the delegation in Erbil.", {"Kurdistan"}),
    ("Gen. Joseph Votel of U.S. Central Command spoke in Baghdad.", {"U.S", "U.S."}),
    # a person's name after a rank, however big a town shares it
    ("“We keep at it,” said Army Col. Steve Warren in Baghdad.", {"Warren"}),
    ("Army Lt. Gen. Stephen J. Townsend spoke from Baghdad, Iraq.", {"Townsend"}),
    # an operation's name and a month's abbreviation
    ("Operation Roundup began on Nov. 3 in Syria.", {"Roundup", "Nov"}),
    # a ruler's name before "regime"
    ("The Asad regime bombed Aleppo in Syria.", {"Asad"}),
    ("The New York Times reported the strikes in Iraq.", {"New York"}),
    # a dateline's words are not resolved one by one
    ("SOUTHWEST ASIA, June 1, 2017 — Coalition forces struck targets in Syria.", {"SOUTHWEST", "ASIA"}),
]


@pytest.fixture(scope="module", params=["spacy+gazetteer", "gazetteer"])
def geoparse(request: pytest.FixtureRequest, gazetteer, nlp):
    """Recognise and resolve a text with the real gazetteer, in each recognition mode."""
    recognizer = Recognizer(gazetteer, nlp if request.param == "spacy+gazetteer" else None)
    resolver = Resolver(gazetteer)

    def run(text: str) -> list[Resolution]:
        return [r for r in resolver.resolve(recognizer.recognize(text)) if r.place is not None]

    return run


def _placed(resolutions: list[Resolution], surface: str) -> Resolution:
    """Return the resolution of the mention written `surface` (with or without its kind word: "Manbij City")."""
    hits = [
        r
        for r in resolutions
        if r.toponym.text == surface
        or r.toponym.text.startswith(surface + " ")
        or surface.startswith(r.toponym.text + " ")
    ]
    assert hits, [r.toponym.text for r in resolutions]
    return hits[0]


@pytest.mark.parametrize(("text", "surface", "expected"), PLACED)
def test_campaign_names_are_placed(geoparse, text: str, surface: str, expected: tuple[str, str, str | None]) -> None:
    resolutions = geoparse(text)
    r = _placed(resolutions, surface)
    country, feature, fragment = expected
    assert r.place is not None
    assert (r.place.country_code, r.place.feature) == (country, feature), r.candidates[:3]
    assert fragment is None or fragment in r.place.name, r.place.name


@pytest.mark.parametrize(
    ("text", "expected_lat", "expected_lon"),
    [
        ("Strikes continued in northern Iraq and near Mosul.", (35.0, 37.4), (41.0, 46.0)),
        ("Tribal fighters patrolled eastern Anbar in Iraq.", (32.5, 34.5), (42.3, 44.3)),
        # a province named like its capital: the direction is a part of the city ("northern Baghdad")
        ("Iraqi forces cleared northern Baghdad last year.", (33.2, 33.5), (44.2, 44.6)),
    ],
)
def test_a_region_phrase_lies_in_the_part_it_names(
    geoparse, text: str, expected_lat: tuple[float, float], expected_lon: tuple[float, float]
) -> None:
    region = next(r for r in geoparse(text) if r.place is not None and r.toponym.hint == "region")
    assert (
        expected_lat[0] <= region.place.lat <= expected_lat[1]
        and expected_lon[0] <= region.place.lon <= expected_lon[1]
    )


@pytest.mark.parametrize(("text", "absent"), NO_PLACE)
def test_groups_and_bodies_are_no_places(geoparse, text: str, absent: set[str]) -> None:
    texts = {r.toponym.text for r in geoparse(text)}
    assert not texts & absent, texts


def test_is_never_in_russia_and_kurdistan_region_never_in_iran(geoparse) -> None:
    text = "IS fighters attacked Peshmerga positions in the Kurdistan Region of Iraq, officials in Erbil said."
    places = [r.place for r in geoparse(text) if r.place is not None]
    assert all(p.country_code not in ("RU", "IR") for p in places), [(p.name, p.country_code) for p in places]
    assert any(p.country_code == "IQ" and p.feature == "region" for p in places)


def test_a_spelling_variant_far_from_all_the_documents_towns_is_no_place(geoparse) -> None:
    text = "In Iraq, forces took Mosul airport and the Ghazlani military complex near Mosul; Syria was quiet."
    names = {r.toponym.text: r.place for r in geoparse(text) if r.place is not None}
    assert "Mosul" in names and "Ghazlani" not in names, names


def test_a_town_in_a_list_of_places_is_a_place_whatever_ner_says(geoparse) -> None:
    text = "Recent losses of the group in Iraq and Syria include Tikrit, Bayji, al Hawl, and Sinjar, officials said."
    names = {r.place.name for r in geoparse(text) if r.place is not None}
    assert {"Tikrīt", "Bayjī", "Al Ḩawl"} <= names and any(n.startswith("Sinj") for n in names), names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # towns NER calls persons, known only in the countries the document names, after an article or a place-name head
        ("Iraqi units moved north from Hammam al-Alil along the river.", {"Hammam al Alil"}),
        (
            "In Iraq, militants still hold Tal Afar, Hawijah and parts of Anbar, including Al Qaim, Anah and Rawa.",
            {"Tall ‘Afar", "Al Ḩawījah", "Al Anbar", "Al Qā’im", "‘Anah", "Rāwah"},
        ),
        (
            "Kurdish fighters and Iraqi Security Forces cleared Bashiqa. Coalition aircraft struck near Hit.",
            {"Bashiqa", "Hīt"},
        ),
        (
            "In Iraq, next they go to Hawijah and then western Anbar, where the group still holds Rawah and Al Qaim.",
            {"Al Ḩawījah", "Rāwah", "Al Qā’im"},
        ),
        ("Q: What about Deir ez-Zor? The regime is in Deir ez-Zor, Syria.", {"Deir ez-Zor"}),
        ("The Kurdish authorities widened the Fishkapour crossing for aid to Syria.", {"Faysh Khabur"}),
    ],
)
def test_towns_of_the_documents_countries_overrule_ner(geoparse, text: str, expected: set[str]) -> None:
    names = {r.place.name for r in geoparse(text) if r.place is not None}
    assert expected <= names, names


@pytest.mark.parametrize(
    ("text", "surface", "lat", "lon"),
    [
        # a border phrase lies on that border, near the document's towns
        ("Fighters fled from Manbij toward the Turkish border in Syria.", "Turkish border", (36.5, 37.0), (37.6, 38.4)),
        (
            "Militants crossed the Syria-Iraq border near Al Qaim, Iraq.",
            "Syria-Iraq border",
            (34.0, 34.8),
            (40.5, 41.3),
        ),
    ],
)
def test_a_border_phrase_is_a_point_of_that_border(
    geoparse, text: str, surface: str, lat: tuple[float, float], lon: tuple[float, float]
) -> None:
    r = _placed(geoparse(text), surface)
    assert r.place is not None and r.place.feature == "region" and "border" in r.place.name
    assert lat[0] <= r.place.lat <= lat[1] and lon[0] <= r.place.lon <= lon[1], (r.place.lat, r.place.lon)


def test_a_nationality_before_a_person_or_a_weapon_is_a_place(geoparse) -> None:
    names = {
        r.place.name for r in geoparse("Dutch and Belgian F-16s flew from Jordan over Iraq.") if r.place is not None
    }
    assert {"Netherlands", "Belgium", "Jordan"} <= names, names


def test_persons_named_like_villages_stay_persons(gazetteer, nlp) -> None:
    # Persons need NER: the gazetteer-only path has no way to tell "Abadi said" from a place.
    text = (
        "Prime Minister Haider al-Abadi visited Mosul, Iraq. Abadi said the city would be rebuilt. "
        "Abu Bakr al-Baghdadi fled; Baghdadi was not found. Col. John Dorrian said Raqqa, Syria, would fall."
    )
    texts = {
        r.toponym.text
        for r in Resolver(gazetteer).resolve(Recognizer(gazetteer, nlp).recognize(text))
        if r.place is not None
    }
    assert not texts & {"Abadi", "Baghdadi", "al-Baghdadi", "Dorrian", "Haider"}, texts


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. said the Syrian and Arab forces have repelled many attacks as they advanced on Raqqa, Syria.",
        "Kurdish, Yazidi and Arab families returned to Sinjar in Iraq.",
    ],
)
def test_peoples_and_name_fragments_are_no_places(geoparse, text: str) -> None:
    places = [(r.toponym.text, r.place.country_code) for r in geoparse(text) if r.place is not None]
    assert all(code in ("SY", "US", "IQ") for _, code in places), places
    assert "Arab" not in {t for t, _ in places}


def test_a_surname_stays_the_persons_in_the_whole_document(gazetteer, nlp) -> None:
    text = (
        '"They will be ready," Australian Army Brig. Roger Noble said in Baghdad. '
        "Noble said the soldiers trained in Iraq for months."
    )
    texts = {
        r.toponym.text
        for r in Resolver(gazetteer).resolve(Recognizer(gazetteer, nlp).recognize(text))
        if r.place is not None
    }
    assert "Noble" not in texts and {"Baghdad", "Iraq"} <= texts, texts


@pytest.mark.parametrize(
    ("text", "surface", "country"),
    [
        ("Palmyra, New York, held its annual fair on Saturday.", "Palmyra", "US"),
        ("Raqqa and Mosul, Iraq, are far apart.", "Iraq", "IQ"),
    ],
)
def test_spelling_variants_never_displace_the_name_as_written(geoparse, text: str, surface: str, country: str) -> None:
    r = _placed(geoparse(text), surface)
    assert r.place is not None and r.place.country_code == country, r.candidates[:3]


def test_supplement_rows_have_sources_and_known_kinds(gazetteer) -> None:
    from mapdash.gazetteer.theatre import read_supplement
    from mapdash.settings import REPO_ROOT

    rows = read_supplement(REPO_ROOT / "data" / "gazetteer" / "theatre.csv")
    assert len(rows) >= 40
    assert all(r.source and -90 <= r.lat <= 90 and -180 <= r.lon <= 180 for r in rows)
    assert len({r.place_id for r in rows}) == len(rows)
    for row in rows:  # each row is in the index, found by its own name
        assert any(p.place_id == row.place_id for p in gazetteer.candidates(row.name)), row.name


def test_a_datelines_qualifier_picks_its_namesake(geoparse) -> None:
    r = _placed(
        geoparse("ARLINGTON, Va., May 2, 2015 - Officials said aircraft attacked targets in Iraq."), "ARLINGTON"
    )
    assert r.place is not None and r.place.lon > -80.0, (r.place.name, r.place.admin1_name)  # Virginia, not Texas


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fighting went on in Iraq.", True),
        ("Syrians fled north.", True),
        ("In Iraq, forces advanced.", True),
        ("Fighting went on in Ohio.", False),
        ("Michael Jordan scored.", False),
        ("Chad Smith said so.", False),
    ],
)
def test_the_theatre_is_told_from_the_text_before_the_scan(gazetteer, text: str, expected: bool) -> None:
    from mapdash.geoparse.toponyms import _names_theatre

    assert _names_theatre(text, gazetteer) is expected


def test_a_possessive_name_ner_calls_a_person_is_the_place_the_document_names(geoparse) -> None:
    # spaCy's small model tags "Ramadi’s" a PERSON here; the document names Ramadi as a place before.
    text = (
        "Iraqi forces raised the flag over Ramadi yesterday. Speaking from Baghdad, the colonel praised them. "
        "Ramadi’s strategic location on the highway connecting Iraq with Syria and Jordan made it an important "
        "target in the fight."
    )
    mentions = [r for r in geoparse(text) if r.place is not None and r.place.name == "Ramadi"]
    assert len(mentions) == 2, [(r.toponym.text, r.place.name) for r in geoparse(text)]
