"""Lookups in the built gazetteer index: places by name, id, demonym, spelling variant, direction and border.

Every lookup is an indexed query on a read-only SQLite file, so opening the index costs milliseconds.
"""

from __future__ import annotations

import sqlite3
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from mapdash.gazetteer import theatre as gazetteer_theatre
from mapdash.gazetteer.build import PLACE_COLUMNS, VARIANT_LIMIT, normalize_name
from mapdash.gazetteer.translit import similar_spelling, skeleton
from mapdash.model import Place


class Gazetteer:
    """Read-only lookups of places by name, id, country code and demonym; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()  # one connection per thread: sqlite3 connections are not meant to be shared
        meta = dict(self._con().execute("SELECT key, value FROM meta"))
        self.max_name_tokens: int = int(meta["max_name_tokens"])
        self.mode_info: str = f"geonames cities500 + admin2 + admin1 + countries, {int(meta['names']):,} names"
        rows = self._con().execute(f"SELECT {PLACE_COLUMNS} FROM places WHERE feature = 'country'")  # noqa: S608
        self._countries = {p.country_code: p for p in map(_place, rows)}
        demonyms = self._con().execute("SELECT norm, country_code FROM demonyms")
        self._demonyms = {norm: self._countries[cc] for norm, cc in demonyms if cc in self._countries}
        self._lookup = lru_cache(maxsize=100_000)(self._query_candidates)
        self._known = lru_cache(maxsize=200_000)(self._query_has_name)
        self._bare = lru_cache(maxsize=10_000)(self._query_admin2_bare)
        self._skeletal = lru_cache(maxsize=50_000)(self._query_variants)
        self._spellings = lru_cache(maxsize=50_000)(self._query_spellings)
        self._spelt = lru_cache(maxsize=200_000)(self._query_has_variant)
        self._not_places = frozenset(n for (n,) in self._con().execute("SELECT norm FROM not_places"))
        self.transliterated: frozenset[str] = frozenset(
            cc
            for (cc,) in self._con().execute(
                "SELECT DISTINCT country_code FROM variants JOIN places ON places.id = variants.place"
            )
        )

    def _con(self) -> sqlite3.Connection:
        """Return this thread's read-only connection, opening it on first use."""
        con = getattr(self._local, "con", None)
        if con is None:  # immutable: the file is replaced, never written, so SQLite may skip locking
            con = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            self._local.con = con
        return con

    def _query_candidates(self, key: str, limit: int) -> tuple[Place, ...]:
        """Return the places a normalised name finds: countries, admin-1, admin-2, then cities by population."""
        rows = self._con().execute(
            f"SELECT {PLACE_COLUMNS} FROM names JOIN places ON places.id = names.place WHERE names.norm = ? "  # noqa: S608
            "ORDER BY rank, population DESC, places.id LIMIT ?",
            (key, limit),
        )
        return tuple(map(_place, rows))

    def _query_admin2_bare(self, key: str, limit: int) -> tuple[Place, ...]:
        """Return the admin-2 divisions whose name without its generic word normalises to key, by population."""
        rows = self._con().execute(
            f"SELECT {PLACE_COLUMNS} FROM admin2_bare JOIN places ON places.id = admin2_bare.place "  # noqa: S608
            "WHERE admin2_bare.norm = ? ORDER BY population DESC, places.id LIMIT ?",
            (key, limit),
        )
        return tuple(map(_place, rows))

    def _query_variants(self, skel: str, limit: int) -> tuple[Place, ...]:
        """Return the places one of whose names has this consonant skeleton, by rank and population."""
        rows = self._con().execute(
            f"SELECT {PLACE_COLUMNS} FROM variants JOIN places ON places.id = variants.place WHERE variants.skel = ? "  # noqa: S608
            "ORDER BY rank, population DESC, places.id LIMIT ?",
            (skel, limit),
        )
        return tuple(map(_place, rows))

    def _query_has_name(self, key: str) -> bool:
        """Say whether any place has this normalised name."""
        return self._con().execute("SELECT 1 FROM names WHERE norm = ? LIMIT 1", (key,)).fetchone() is not None

    def candidates(self, name: str, limit: int = 50) -> list[Place]:
        """Return the places named like name (normalised): countries, admin-1, admin-2, then cities by population.

        Admin-2 divisions are found by their full names only ("Fulton County", not "Fulton"): see admin2_bare.
        """
        key = normalize_name(name)
        return list(self._lookup(key, limit)) if key else []

    def admin2_bare(self, name: str, limit: int = 50) -> list[Place]:
        """Return the admin-2 divisions called name less their generic word ("Rapides": Rapides Parish), by population.

        For a text that says the kind itself ("Rapides Parish", "Fulton County", "Manbij district"); a bare
        name alone mostly means the town the division is named after.
        """
        key = normalize_name(name)
        return list(self._bare(key, limit)) if key else []

    def variants(self, name: str, limit: int = VARIANT_LIMIT) -> list[Place]:
        """Return the places of transliterated countries spelt like name but for vowels, articles and doubled letters.

        "Huwajah" finds Al Hawijah and "Dayr Az Zawr" Deir ez-Zor; the places candidates() finds are left out.
        """
        return list(self._spellings(name, limit))

    def _query_spellings(self, name: str, limit: int) -> tuple[Place, ...]:
        """Return variants() for one name (cached: the resolver asks for each mention twice)."""
        skel = skeleton(name)
        if not skel:
            return ()
        exact = {p.place_id for p in self.candidates(name)}
        return tuple(
            p for p in self._skeletal(skel, limit) if p.place_id not in exact and similar_spelling(name, p.name)
        )

    def has_variant(self, name: str) -> bool:
        """Say whether a place of a transliterated country is spelt like name but for vowels and articles."""
        return self._spelt(name)

    def _query_has_variant(self, name: str) -> bool:
        """Return has_variant() for one name (cached: the scan asks for every capitalised n-gram)."""
        skel = skeleton(name)
        return bool(skel) and any(similar_spelling(name, p.name) for p in self._skeletal(skel, VARIANT_LIMIT))

    @property
    def theatre_words(self) -> frozenset[str]:
        """Return the names and demonyms of the transliterated countries, as written ("Iraq", "Syrian")."""
        words = {p.name for cc, p in self._countries.items() if cc in self.transliterated}
        words |= {norm for norm, p in self._demonyms.items() if p.country_code in self.transliterated}
        return frozenset(words)

    def parts(self, name: str) -> list[Place]:
        """Return the regions a direction phrase names ("northern Iraq", "eastern Anbar"): one a country or province."""
        split = gazetteer_theatre.split_direction(name)
        if split is None:
            return []
        direction, rest = split
        found = []
        for place in self.candidates(rest, limit=10):
            key = place.country_code if place.feature == "country" else place.place_id
            if place.feature in ("country", "admin1"):
                row = (
                    self._con()
                    .execute(
                        "SELECT lat, lon FROM parts WHERE key = ? AND direction = ?",
                        (key, gazetteer_theatre.canonical_direction(direction)),
                    )
                    .fetchone()
                )
                if row is not None:
                    found.append(gazetteer_theatre.part_of(place, direction, row))
        return found

    def is_not_place(self, name: str) -> bool:
        """Say whether a name is listed as never a place (armed groups and their acronyms: "ISIL", "SDF")."""
        return normalize_name(name) in self._not_places

    def borders(self, name: str) -> list[Place]:
        """Return points on the border a phrase names ("Turkey border", "Syria-Iraq border"): along all of the named
        country's land borders, or along the one two named countries share; the document's other places pick one."""
        split = gazetteer_theatre.split_border(name)
        if split is None:
            return []
        countries = [c for c in (self._country_named(n) for n in split) if c is not None]
        if len(countries) != len(split):
            return []
        a = countries[0].country_code
        if len(countries) == 2:
            b = countries[1].country_code
            rows = self._con().execute(
                "SELECT a, b, lat, lon FROM borders WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)", (a, b, b, a)
            )
        else:
            rows = self._con().execute("SELECT a, b, lat, lon FROM borders WHERE a = ? OR b = ?", (a, a))
        return [
            gazetteer_theatre.border_point(self._countries[a], self._countries[y if x == a else x], lat, lon)
            for x, y, lat, lon in rows
            if x in self._countries and y in self._countries
        ]

    def _country_named(self, name: str) -> Place | None:
        """Return the country a name or demonym names ("Turkish", "Syria"), or None."""
        return self.demonym(name) or next((p for p in self.candidates(name, limit=3) if p.feature == "country"), None)

    def has_name(self, name: str) -> bool:
        """Say whether any place is called name (after normalisation)."""
        key = normalize_name(name)
        return bool(key) and self._known(key)

    def demonym(self, word: str) -> Place | None:
        """Return the country a demonym or adjective names ("Iraqis" -> Iraq), or None."""
        return self._demonyms.get(normalize_name(word))

    def place(self, place_id: str) -> Place | None:
        """Return the place with this id ("gn:99072"), or None."""
        row = self._con().execute(f"SELECT {PLACE_COLUMNS} FROM places WHERE place_id = ?", (place_id,)).fetchone()  # noqa: S608
        return _place(row) if row else None


def _place(row: tuple[Any, ...]) -> Place:
    """Return a Place from a row of PLACE_COLUMNS."""
    return Place(*row)
