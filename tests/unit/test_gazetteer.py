"""The gazetteer's pure parts: the name key, admin-2 names and points, the admin-2 build on small stand-ins."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapdash.gazetteer import normalize_name
from mapdash.gazetteer.admin2 import (
    bare_name,
    build_admin2,
    match_states,
    name_variants,
    read_admin2_ids,
    weighted_point,
)
from mapdash.geo import haversine_km as km


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hīt", "hit"),
        ("Ar-Raqqah", "ar raqqah"),
        ("Ar\u2011Raqqah", "ar raqqah"),  # non-breaking hyphen
        ("  Ar   Raqqah ", "ar raqqah"),
        ("Karbalāʼ", "karbala"),
        ("Karbala'", "karbala"),
        ("Dar`a", "dara"),
        ("Côte d\u2019Ivoire", "cote divoire"),
        ("Côte d'Ivoire", "cote divoire"),
        ("São Tomé", "sao tome"),
        ("U.S.", "u s"),
        ("Homs (Hims)", "homs hims"),
        ("İstanbul", "istanbul"),
        ("", ""),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


# --- the admin-2 build's pure parts, on small stand-ins -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("Rapides Parish", "Rapides"),
        ("Fulton County", "Fulton"),
        ("Kusilvak Census Area", "Kusilvak"),
        ("Juneau City and Borough", "Juneau"),
        ("Matanuska-Susitna Borough", "Matanuska-Susitna"),
        ("Capitol Planning Region", "Capitol"),  # the longest generic word wins
        ("Manbij District", "Manbij"),
        ("Département du Vaucluse", "Vaucluse"),
        ("Provincia de Huesca", "Huesca"),
        ("Abashiri-gun", "Abashiri"),
        ("City of Richmond", "Richmond"),
        ("Città metropolitana di Milano", "Milano"),
        ("Yonne", "Yonne"),
        ("Cambridgeshire", "Cambridgeshire"),
        ("District of Columbia", "District of Columbia"),
        ("Carson City", "Carson City"),  # "City" is no generic word: Jersey City, Kansas City
        ("County", "County"),
    ],
)
def test_bare_name(name: str, bare: str) -> None:
    assert bare_name(name) == bare


@pytest.mark.parametrize(
    ("key", "variants"),
    [
        ("st landry parish", {"st landry parish", "saint landry parish"}),
        ("saint tammany parish", {"saint tammany parish", "st tammany parish"}),
        (
            "ste genevieve county",
            {"ste genevieve county", "sainte genevieve county", "ste genevieve co", "sainte genevieve co"},
        ),
        ("fulton county", {"fulton county", "fulton co"}),
        ("county line", {"county line"}),
        ("yonne", {"yonne"}),
    ],
)
def test_name_variants(key: str, variants: set[str]) -> None:
    assert name_variants(key) == variants


@pytest.mark.parametrize(
    ("points", "lat", "lon"),
    [
        ([(10.0, 20.0, 100)], 10.0, 20.0),
        ([(10.0, 20.0, 300), (10.0, 21.0, 100)], 10.0, 20.25),  # weighted by population
        ([(10.0, 20.0, 0), (10.0, 22.0, 0)], 10.0, 21.0),  # no populations: the plain mean
        ([(10.0, 20.0, 100), (10.0, 22.0, 0)], 10.0, 20.0),  # a town of unknown size does not move the point
        ([(52.0, 179.0, 100), (52.0, -179.0, 100)], 52.0, 180.0),  # across the antimeridian, not at 0
    ],
)
def test_weighted_point(points: list[tuple[float, float, int]], lat: float, lon: float) -> None:
    got_lat, got_lon = weighted_point(points)
    assert km(got_lat, got_lon, lat, lon) < 1


ADMIN1 = {
    "US.LA": {"name": "Louisiana", "asciiname": "Louisiana"},
    "VN.44": {"name": "Quảng Nam", "asciiname": "Quang Nam"},
}
TOWNS = [
    {
        "country_code": "US",
        "city": "Alexandria",
        "latitude": 31.31,
        "longitude": -92.45,
        "population": 47000,
        "state": "Louisiana",
        "county": "Rapides Parish",
    },
    {
        "country_code": "US",
        "city": "Pineville",
        "latitude": 31.32,
        "longitude": -92.43,
        "population": 14000,
        "state": "Louisiana",
        "county": "Rapides Parish",
    },
    {
        "country_code": "US",
        "city": "Nowhere",
        "latitude": 30.0,
        "longitude": -90.0,
        "population": 0,
        "state": "Louisiana",
    },
    {
        "country_code": "VN",
        "city": "Tam Ky",
        "latitude": 15.57,
        "longitude": 108.47,
        "population": 59000,
        "state": "Quảng Nam Province",
        "county": "Tam Ky",
    },
    {
        "country_code": "ZZ",
        "city": "Elsewhere",
        "latitude": 1.0,
        "longitude": 1.0,
        "population": 10,
        "state": "Ruritania",
        "county": "Grand District",
    },
]


def test_match_states_by_towns_then_by_name() -> None:
    by_point = {("US", 31.31, -92.45): "LA"}  # cities500 towns at the same point; none for Quang Nam
    states = match_states(TOWNS, ADMIN1, by_point, normalize_name)
    assert states == {("US", "Louisiana"): "US.LA", ("VN", "Quảng Nam Province"): "VN.44"}


def test_build_admin2() -> None:
    states = {("US", "Louisiana"): "US.LA", ("VN", "Quảng Nam Province"): "VN.44"}
    entries = {
        e.name: e for e in build_admin2(TOWNS, ADMIN1, states, {("US.LA", "rapides parish"): 4338356}, normalize_name)
    }
    assert set(entries) == {"Rapides Parish", "Tam Ky", "Grand District"}  # a town without a county makes none
    rapides = entries["Rapides Parish"]
    assert (rapides.place_id, rapides.geonameid, rapides.bare, rapides.admin1_code, rapides.admin1_name) == (
        "gn:4338356",
        4338356,
        "Rapides",
        "US.LA",
        "Louisiana",
    )
    assert (rapides.population, rapides.towns) == (61000, 2) and km(rapides.lat, rapides.lon, 31.31, -92.445) < 1
    tam_ky = entries["Tam Ky"]  # no GeoNames id: a stable synthetic one
    assert (tam_ky.place_id, tam_ky.geonameid, tam_ky.bare, tam_ky.admin1_name) == (
        "adm2:VN:44:Tam Ky",
        None,
        "Tam Ky",
        "Quảng Nam",
    )
    grand = entries["Grand District"]  # a state matching none of ours keeps its own name
    assert (grand.place_id, grand.admin1_code, grand.admin1_name, grand.bare) == (
        "adm2:ZZ:ruritania:Grand District",
        "",
        "Ruritania",
        "Grand",
    )


def test_read_admin2_ids(tmp_path: Path) -> None:
    path = tmp_path / "admin2.tsv"
    path.write_text(
        "admin1_code\tname\tgeonameid\nUS.LA\tRapides Parish\t4338356\n"
        "JP.12\tNakagawa-gun\t1\nJP.12\tNakagawa Gun\t2\n",
        encoding="utf-8",
    )
    # Two divisions with one key in one admin-1 give no id: a synthetic one is better than a wrong one.
    assert read_admin2_ids(path, normalize_name) == {
        ("US.LA", "rapides parish"): 4338356,
        ("JP.12", "nakagawa gun"): None,
    }
    assert read_admin2_ids(tmp_path / "missing.tsv", normalize_name) == {}  # an older data folder still builds


# --- the theatre supplement, spelling variants, parts and borders in the index -------------------------------


def test_a_malformed_supplement_row_is_named(tmp_path: Path) -> None:
    from mapdash.gazetteer.theatre import read_supplement

    path = tmp_path / "theatre.csv"
    path.write_text(
        "name,alt_names,feature,feature_code,country,admin1,lat,lon,population,geonameid,source\n"
        "Somewhere,,city,PPL,IQ,,north,43.0,0,,a source\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="theatre.csv:2"):
        read_supplement(path)
