"""Geoparsing campaign releases: datelines, transliterations, kind words, groups, bodies, regions, city or province.

Sentences are made up for these tests (none is taken from the campaign dev set); each row is one mechanism.
"""

from __future__ import annotations

import pytest

from mapdash.gazetteer.theatre import canonical_direction, part_points, split_direction
from mapdash.gazetteer.translit import similar_spelling, skeleton
from mapdash.geoparse.toponym_cues import direction_before, find_dateline, names_an_organisation, says_city


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Huwayjah", "Al Ḩawījah"),
        ("Huwajah", "Hawija"),
        ("Beiji", "Bayjī"),
        ("Deir ez-Zor", "Dayr Az Zawr"),
        ("Tabaqah", "Aţ Ţabqah"),
        ("Shadaddi", "Ash Shaddādī"),
        ("Qayyarah", "Al Qayyārah"),
        ("Abu Kamal", "Ālbū Kamāl"),
        ("Fishkapour", "Faysh Khābūr"),
        ("Manbij", "Menbij"),
        ("Tall Afar", "Tal Afar"),
        ("Jarablus", "Jarabulus"),
    ],
)
def test_one_skeleton_for_the_spellings_of_one_name(a: str, b: str) -> None:
    assert skeleton(a) and skeleton(a) == skeleton(b)
    assert similar_spelling(a, b)


@pytest.mark.parametrize(
    ("a", "b"), [("Kisik", "Al Ḩasakah"), ("Rashad", "Ar-Raqqah"), ("Dawlab", "Idlib"), ("Soleimani", "As Salmān")]
)
def test_names_sharing_consonants_by_chance_are_not_one_spelling(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b) or not similar_spelling(a, b)


@pytest.mark.parametrize("short", ["Hit", "Rai", "Ur", "al"])
def test_short_names_have_no_skeleton(short: str) -> None:
    assert skeleton(short) == ""


DATELINES = [
    ("Strikes Hit Targets\n\nSOUTHWEST ASIA, March 3, 2018 — Coalition forces struck.", "SOUTHWEST ASIA"),
    ("WASHINGTON -- The secretary spoke today.", "WASHINGTON"),
    ("Title of a story\n\nTAMPA, Fla., May 2, 2015 - Forces continued to attack.", "TAMPA"),
    ("BAGHDAD, Iraq Officials announced the seizure today.", "BAGHDAD"),
    ("WASHINGTON,(June 5, 2019) — The minister arrived.", "WASHINGTON"),
    ("Briefing\n\nWASHINGTON –\nGood morning, everyone.", "WASHINGTON"),
    ("FORT BRAGG, N.C., Jan. 5, 2017 — Soldiers deployed.", "FORT BRAGG"),
    ("CAMP ARIFJAN, Kuwait (June 3, 2017) – Soldiers trained.", "CAMP ARIFJAN"),
    ("KUWAIT CITY (AP) — Ministers met on Monday.", None),  # no date, qualifier or dash after it
    ("DEFENSE MINISTER JEAN-YVES LE DRIAN (THROUGH TRANSLATOR): Ladies and gentlemen.", None),
    ("CJTF-OIR continues partner support to Defeat ISIS", None),
    ("Strikes in Syria\n\nAircraft conducted five strikes.", None),
    ("STRIKES IN SYRIA\n\nAircraft conducted five strikes.", None),  # a heading in capitals: no date, no dash
]


@pytest.mark.parametrize(("text", "place"), DATELINES)
def test_a_dateline_is_found_at_the_top(text: str, place: str | None) -> None:
    found = find_dateline(text)
    assert (text[found.start : found.end] if found else None) == place


@pytest.mark.parametrize(
    ("text", "end_of", "expected"),
    [
        ("The Syrian Democratic Forces advanced.", "Syrian", True),
        ("Kurdistan Regional Government officials met.", "Kurdistan", True),
        ("a U.S. Central Command statement", "U.S", True),
        ("The New York Times reported it.", "New York", True),
        ("The Syrian Arab Coalition holds the town.", "Syrian", True),
        ("Iraqi Security Forces seized the centre.", "Iraqi", False),
        ("The Iraqi Army entered the city.", "Iraqi", False),
        ("Iraqi forces entered the city.", "Iraqi", False),
        ("Turkey and Syria met.", "Turkey", False),
        ("Forces cleared Bashiqa. Coalition aircraft struck.", "Bashiqa", False),
    ],
)
def test_a_body_named_after_a_place_is_told_from_the_place(text: str, end_of: str, expected: bool) -> None:
    assert names_an_organisation(text, text.index(end_of) + len(end_of)) is expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("They retook the city of Raqqa.", "Raqqa", True),
        ("Raqqa, a city long divided, fell.", "Raqqa", True),
        ("Raqqa, the town they held, fell.", "Raqqa", True),
        ("Raqqa province is wide.", "Raqqa", False),
        ("Raqqa, Syria, is far.", "Raqqa", False),
    ],
)
def test_the_text_can_say_a_name_is_the_city(text: str, name: str, expected: bool) -> None:
    start = text.index(name)
    assert says_city(text, start, start + len(name)) is expected


@pytest.mark.parametrize(
    ("phrase", "direction", "rest"),
    [
        ("northern Iraq", "northern", "Iraq"),
        ("Eastern Anbar", "eastern", "Anbar"),
        ("north-eastern Syria", "north-eastern", "Syria"),
        ("Iraq", None, None),
    ],
)
def test_direction_words_split_off(phrase: str, direction: str | None, rest: str | None) -> None:
    split = split_direction(phrase)
    assert (split or (None, None)) == (direction, rest)
    text = f"forces in {phrase}"
    found = direction_before(text, text.index(rest)) if rest else None
    assert (found[0].lower() if found else None) == (direction and direction.lower())


@pytest.mark.parametrize(
    ("word", "key"), [("northern", "north"), ("North-Eastern", "northeast"), ("central", "central"), ("west", "west")]
)
def test_direction_words_have_one_key(word: str, key: str) -> None:
    assert canonical_direction(word) == key


def test_a_part_lies_where_its_towns_are_else_in_its_share_of_the_box() -> None:
    box = (40.0, 30.0, 50.0, 40.0)  # west, south, east, north
    towns = [(39.0, 45.0), (38.5, 44.0), (39.5, 46.0), (31.0, 41.0)]
    points = part_points(box, towns)
    assert points["north"] == pytest.approx((39.0, 45.0))
    south_lat, _ = points["south"]
    assert 30.0 <= south_lat <= 34.0  # one town in the south: the box's southern share instead
