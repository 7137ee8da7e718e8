"""The offline gazetteer on real data: names, features, coordinates, demonyms, the index build and its cache."""

from __future__ import annotations

import math
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mapdash.gazetteer import Gazetteer, _index_key, load_gazetteer, normalize_name
from mapdash.settings import REPO_ROOT

SHIPPED = REPO_ROOT / "data" / "gazetteer"
SHIPPED_FILES = {"countries.tsv", "admin1.tsv", "demonyms.csv", "country_aliases.csv"}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos)))


@pytest.fixture(scope="session")
def shipped_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding only the shipped gazetteer files, as a user's clone has (no ../shared)."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(SHIPPED, data / "gazetteer", ignore=shutil.ignore_patterns("README*"))
    return data


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh cache folder, so the session builds the index itself."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def gaz(shipped_copy: Path, cache_dir: Path) -> Gazetteer:
    """The gazetteer built once for the session from the shipped files alone."""
    return load_gazetteer(shipped_copy, cache_dir)


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


@pytest.mark.parametrize(
    ("name", "iso2", "lat", "lon", "tolerance_km"),
    [
        ("Iraq", "IQ", 33.0, 43.5, 400),
        ("Republic of Iraq", "IQ", 33.0, 43.5, 400),
        ("Syria", "SY", 35.0, 38.5, 300),
        ("Libya", "LY", 27.0, 17.5, 700),
        ("Nigeria", "NG", 9.5, 8.0, 400),
        ("Afghanistan", "AF", 34.0, 66.0, 400),
        ("Canada", "CA", 58.0, -100.0, 1500),
        ("Netherlands", "NL", 52.2, 5.5, 150),
        ("Holland", "NL", 52.2, 5.5, 150),
        ("Saudi Arabia", "SA", 24.0, 45.0, 500),
        ("United Arab Emirates", "AE", 23.8, 54.0, 250),
        ("UAE", "AE", 23.8, 54.0, 250),
        ("United States of America", "US", 39.0, -98.0, 800),
        ("France", "FR", 46.5, 2.5, 300),  # its polygon includes French Guiana: the label must stay in Europe
    ],
)
def test_countries(gaz: Gazetteer, name: str, iso2: str, lat: float, lon: float, tolerance_km: float) -> None:
    first = gaz.candidates(name)[0]
    assert (first.feature, first.country_code, first.feature_code) == ("country", iso2, "PCLI")
    assert first.place_id == f"gn:{first.geonameid}"
    assert first.population > 100_000
    assert km(first.lat, first.lon, lat, lon) < tolerance_km
    assert gaz.country(iso2) == first
    assert gaz.country(iso2.lower()) == first


@pytest.mark.parametrize("name", ["Anbar", "Al Anbar", "Al-Anbar", "Anbar Province", "al-Anbar province", "Dulaim"])
def test_anbar_is_the_iraqi_province(gaz: Gazetteer, name: str) -> None:
    first = gaz.candidates(name)[0]
    assert (first.place_id, first.name, first.feature, first.feature_code) == ("gn:99592", "Al Anbar", "admin1", "ADM1")
    assert (first.country_code, first.country_name, first.admin1_name) == ("IQ", "Iraq", "Al Anbar")
    assert km(first.lat, first.lon, 33.4, 42.0) < 150
    assert first.population > 100_000  # the sum of its towns


@pytest.mark.parametrize(
    ("name", "geonameid", "iso2", "admin1", "lat", "lon"),
    [
        ("Raqqa", 172955, "SY", "Ar-Raqqah", 35.95, 39.01),
        ("Raqqah", 172955, "SY", "Ar-Raqqah", 35.95, 39.01),
        ("Rakka", 172955, "SY", "Ar-Raqqah", 35.95, 39.01),
        ("Ar Raqqah", 172955, "SY", "Ar-Raqqah", 35.95, 39.01),
        ("Hit", 95788, "IQ", "Al Anbar", 33.64, 42.83),
        ("Hīt", 95788, "IQ", "Al Anbar", 33.64, 42.83),
        ("Mosul", 99072, "IQ", "Nineveh", 36.34, 43.12),
        ("Al Mawsil", 99072, "IQ", "Nineveh", 36.34, 43.12),
        ("Ramadi", 98717, "IQ", "Al Anbar", 33.42, 43.31),
        ("Ar-Ramadi", 98717, "IQ", "Al Anbar", 33.42, 43.31),
    ],
)
def test_cities(gaz: Gazetteer, name: str, geonameid: int, iso2: str, admin1: str, lat: float, lon: float) -> None:
    (city,) = [p for p in gaz.candidates(name) if p.geonameid == geonameid]
    assert (city.feature, city.country_code, city.admin1_name) == ("city", iso2, admin1)
    assert km(city.lat, city.lon, lat, lon) < 5
    assert gaz.place(f"gn:{geonameid}") == city
    assert gaz.admin1_of(city) is not None and gaz.admin1_of(city).name == admin1


@pytest.mark.parametrize(("name", "place_id"), [("Raqqa", "gn:172957"), ("Ar-Raqqah", "gn:172957"), ("Nineveh", "gn:92877")])
def test_admin1_found_with_their_capital_city(gaz: Gazetteer, name: str, place_id: str) -> None:
    assert place_id in [p.place_id for p in gaz.candidates(name) if p.feature == "admin1"]


@pytest.mark.parametrize("name", ["Mosul", "Ramadi", "Washington"])
def test_province_aliases_naming_their_capital_are_dropped(gaz: Gazetteer, name: str) -> None:
    # Natural Earth lists "Mosul" for Ninawa and "Ramadi" for Anbar; in a text they mean the city.
    kinds = [(p.feature, p.name) for p in gaz.candidates(name)]
    assert ("admin1", "Nineveh") not in kinds and ("admin1", "Al Anbar") not in kinds
    assert ("admin1", "District of Columbia") not in kinds


def test_candidates_order_countries_admin1_then_cities_by_population(gaz: Gazetteer) -> None:
    places = gaz.candidates("Baghdad")
    ranks = [{"country": 0, "admin1": 1, "city": 2}[p.feature] for p in places]
    assert ranks == sorted(ranks)
    cities = [p.population for p in places if p.feature == "city"]
    assert cities == sorted(cities, reverse=True)
    assert [p.feature_code for p in places if p.geonameid == 98182] == ["PPLC"]


def test_paris_is_french_first(gaz: Gazetteer) -> None:
    places = gaz.candidates("Paris")
    countries = [p.country_code for p in places]
    assert {"FR", "US"} <= set(countries)
    assert (places[0].country_code, places[0].feature_code) == ("FR", "PPLC")
    assert countries.index("FR") < countries.index("US")
    assert gaz.max_population("Paris") == places[0].population > 2_000_000


@pytest.mark.parametrize("name", ["Xyzzyqq", "Notaplaceatall Province", "", "   ", "'"])
def test_unknown_names(gaz: Gazetteer, name: str) -> None:
    assert gaz.candidates(name) == []
    assert not gaz.has_name(name)
    assert gaz.max_population(name) == 0


@pytest.mark.parametrize("name", ["Mosul", "mosul", "MOSUL", "Al Anbar", "anbar province", "United Arab Emirates"])
def test_has_name(gaz: Gazetteer, name: str) -> None:
    assert gaz.has_name(name)


@pytest.mark.parametrize("code", ["XTM", "OSM"])
def test_codes_are_not_names(gaz: Gazetteer, code: str) -> None:
    # GeoNames lists airport codes among Ramadi's and Mosul's alternate names.
    assert all(p.geonameid not in (98717, 99072) for p in gaz.candidates(code))


@pytest.mark.parametrize(
    ("word", "iso2"),
    [
        ("Iraqi", "IQ"), ("Iraqis", "IQ"), ("iraqi", "IQ"), ("Syrian", "SY"), ("Syrians", "SY"), ("Dutch", "NL"),
        ("Saudi", "SA"), ("Saudis", "SA"), ("Emirati", "AE"), ("Emiratis", "AE"), ("Canadian", "CA"),
        ("American", "US"), ("British", "GB"), ("French", "FR"), ("Afghan", "AF"), ("Libyan", "LY"),
        ("Nigerian", "NG"), ("Turkish", "TR"), ("Iranian", "IR"), ("Russian", "RU"), ("Jordanian", "JO"),
    ],
)
def test_demonyms(gaz: Gazetteer, word: str, iso2: str) -> None:
    country = gaz.demonym(word)
    assert country is not None and (country.feature, country.country_code) == ("country", iso2)


@pytest.mark.parametrize("word", ["Kurdish", "Kurds", "Iraq", "hit", ""])
def test_not_demonyms(gaz: Gazetteer, word: str) -> None:
    assert gaz.demonym(word) is None


def test_lookups_and_ids(gaz: Gazetteer) -> None:
    assert gaz.place("gn:0") is None
    assert gaz.country("ZZ") is None
    assert gaz.admin1_of(gaz.country("IQ")) is None
    anbar = gaz.place("gn:99592")
    assert anbar is not None and gaz.admin1_of(anbar) == anbar
    assert 3 <= gaz.max_name_tokens <= 6
    assert "cities500" in gaz.mode_info


def test_shared_between_threads(gaz: Gazetteer) -> None:
    names = ["Mosul", "Ramadi", "Hit", "Raqqa", "Anbar", "Paris"] * 50
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda n: gaz.candidates(n, limit=3)[0].place_id, names))
    assert results == [gaz.candidates(n, limit=3)[0].place_id for n in names]


def test_shipped_files_are_enough_and_compact(gaz: Gazetteer, shipped_copy: Path) -> None:
    # The session index was built from a copy holding only the shipped files: no ../shared at run time.
    assert {p.name for p in (shipped_copy / "gazetteer").iterdir()} == SHIPPED_FILES
    assert gaz.path.parent != SHIPPED and gaz.path.stat().st_size > 1_000_000
    assert sum((SHIPPED / name).stat().st_size for name in SHIPPED_FILES) < 2_000_000
    source = (REPO_ROOT / "src" / "mapdash" / "gazetteer.py").read_text()
    assert "../shared" not in source and "shared/data" not in source


def test_existing_index_opens_fast_and_is_reused(gaz: Gazetteer, shipped_copy: Path, cache_dir: Path) -> None:
    built = gaz.path.stat().st_mtime_ns
    started = time.perf_counter()
    again = load_gazetteer(shipped_copy, cache_dir)
    assert time.perf_counter() - started < 0.5
    assert again.path == gaz.path and again.path.stat().st_mtime_ns == built
    assert [p.name for p in cache_dir.iterdir()] == [gaz.path.name]  # no temporary file left behind


def test_changed_inputs_give_a_new_index_name(shipped_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(shipped_copy, data)
    before = _index_key(data)
    with (data / "gazetteer" / "demonyms.csv").open("a", encoding="utf-8") as handle:
        handle.write("Ruritanian,IQ\n")
    assert _index_key(data) != before
    assert _index_key(data / "gazetteer") == _index_key(data)  # the data folder or its gazetteer child
