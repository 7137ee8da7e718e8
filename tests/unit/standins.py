"""Small stand-in gazetteers: a few hand-written places held in dicts, answering as the real index does.

``DictGazetteer`` is a ``NameIndex`` (what the recogniser asks) and a ``PlaceIndex`` (what the resolver asks), so
recognition and resolution run in milliseconds, without the real index and without spaCy. Its lookups follow
``mapdash.gazetteer.queries.Gazetteer``'s: names by their normalised key, ordered by rank, population, then row;
spelling variants by consonant skeleton in the transliterated countries; parts from a box; border points.
``WORLD`` is the small world the table-driven tests use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mapdash.gazetteer import RANK, Gazetteer, normalize_name
from mapdash.gazetteer.build import _Builder, _write
from mapdash.gazetteer.theatre import border_point, canonical_direction, part_of, part_points, split_border
from mapdash.gazetteer.theatre import split_direction as split_direction_phrase
from mapdash.gazetteer.translit import similar_spelling, skeleton
from mapdash.model import FeatureKind, Place

VARIANT_LIMIT = 20
MAX_NAME_TOKENS = 6


@dataclass(frozen=True)
class Row:
    """One hand-written place: its record, the other names it is found by, and for admin-2 its bare name."""

    place: Place
    aliases: tuple[str, ...] = ()
    bare: str | None = None  # an admin-2 division's name without its generic word ("Rapides" for Rapides Parish)
    extent: tuple[float, float, float, float] | None = None  # (west, south, east, north): where its parts lie


def row(
    name: str,
    feature: FeatureKind,
    country_code: str,
    lat: float,
    lon: float,
    population: int = 0,
    *,
    admin1: str | None = None,
    country: str = "",
    aliases: tuple[str, ...] = (),
    bare: str | None = None,
    code: str = "",
    extent: tuple[float, float, float, float] | None = None,
) -> Row:
    """Return a Row; a country's own name is its country name, an admin-1's own name its admin-1 name."""
    place = Place(
        place_id=f"t:{country_code}:{feature}:{normalize_name(name).replace(' ', '-')}",
        geonameid=None,
        name=name,
        feature=feature,
        country_code=country_code,
        country_name=name if feature == "country" else country,
        admin1_name=name if feature == "admin1" else admin1,
        lat=lat,
        lon=lon,
        population=population,
        feature_code=code or {"country": "PCLI", "admin1": "ADM1", "admin2": "ADM2"}.get(feature, "PPL"),
    )
    return Row(place, aliases, bare, extent)


class DictGazetteer:
    """A gazetteer over a few rows held in dicts: the recogniser's NameIndex and the resolver's PlaceIndex."""

    def __init__(
        self,
        rows: Iterable[Row],
        demonyms: Mapping[str, str] | None = None,
        not_places: Iterable[str] = (),
        transliterated: Iterable[str] = (),
        borders: Iterable[tuple[str, str, float, float]] = (),
    ) -> None:
        self._rows = list(rows)
        self._by_key: dict[str, list[int]] = {}
        self._bare: dict[str, list[int]] = {}
        for i, r in enumerate(self._rows):
            for key in {normalize_name(n) for n in (r.place.name, *r.aliases)} - {""}:
                self._by_key.setdefault(key, []).append(i)
            if r.bare:
                self._bare.setdefault(normalize_name(r.bare), []).append(i)
        self._countries = {r.place.country_code: r.place for r in self._rows if r.place.feature == "country"}
        self._demonyms = {
            normalize_name(word): self._countries[cc] for word, cc in (demonyms or {}).items() if cc in self._countries
        }
        self._not_places = frozenset(normalize_name(n) for n in not_places)
        self._transliterated = frozenset(transliterated)
        self._borders = list(borders)
        self._demonym_words = dict(demonyms or {})
        self.max_name_tokens = min(MAX_NAME_TOKENS, max((len(k.split()) for k in self._by_key), default=1))

    @property
    def transliterated(self) -> frozenset[str]:
        """Return the codes of the countries whose places are also found by their consonant skeleton."""
        return self._transliterated

    @property
    def theatre_words(self) -> frozenset[str]:
        """Return the names and demonyms of the transliterated countries."""
        words = {p.name for cc, p in self._countries.items() if cc in self._transliterated}
        return frozenset(words | {w for w, p in self._demonyms.items() if p.country_code in self._transliterated})

    def _ordered(self, indexes: Iterable[int], limit: int, by_rank: bool = True) -> list[Place]:
        """Return the places of these rows by rank (if asked), population (largest first), then row order."""
        places = sorted(
            set(indexes),
            key=lambda i: (RANK[self._rows[i].place.feature] if by_rank else 0, -self._rows[i].place.population, i),
        )
        return [self._rows[i].place for i in places[:limit]]

    def candidates(self, name: str, limit: int = 50) -> list[Place]:
        """Return the places called name: countries, admin-1, admin-2, then cities by population."""
        return self._ordered(self._by_key.get(normalize_name(name), ()), limit)

    def has_name(self, name: str) -> bool:
        """Say whether any place is called name (after normalisation)."""
        return normalize_name(name) in self._by_key

    def admin2_bare(self, name: str, limit: int = 50) -> list[Place]:
        """Return the admin-2 divisions called name without their generic word, by population."""
        return self._ordered(self._bare.get(normalize_name(name), ()), limit, by_rank=False)

    def demonym(self, word: str) -> Place | None:
        """Return the country a demonym or adjective names, or None."""
        return self._demonyms.get(normalize_name(word))

    def is_not_place(self, name: str) -> bool:
        """Say whether a name is listed as never a place."""
        return normalize_name(name) in self._not_places

    def _skeletal(self, skel: str, limit: int) -> list[Place]:
        """Return the places of transliterated countries one of whose names has this skeleton."""
        found = [
            i
            for i, r in enumerate(self._rows)
            if r.place.country_code in self._transliterated
            and r.place.feature not in ("country", "region")
            and any(skeleton(normalize_name(n)) == skel for n in (r.place.name, *r.aliases))
        ]
        return self._ordered(found, limit)

    def variants(self, name: str, limit: int = VARIANT_LIMIT) -> list[Place]:
        """Return the places of transliterated countries spelt like name, less those candidates() finds."""
        skel = skeleton(name)
        if not skel:
            return []
        exact = {p.place_id for p in self.candidates(name)}
        return [p for p in self._skeletal(skel, limit) if p.place_id not in exact and similar_spelling(name, p.name)]

    def has_variant(self, name: str) -> bool:
        """Say whether a place of a transliterated country is spelt like name but for vowels and articles."""
        skel = skeleton(name)
        return bool(skel) and any(similar_spelling(name, p.name) for p in self._skeletal(skel, VARIANT_LIMIT))

    def parts(self, name: str) -> list[Place]:
        """Return the regions a direction phrase names ("northern Iraq"), from the row's box."""
        split = split_direction_phrase(name)
        if split is None:
            return []
        direction, rest = split
        extents = {r.place.place_id: r.extent for r in self._rows if r.extent}
        found = []
        for place in self.candidates(rest, limit=10):
            extent = extents.get(place.place_id)
            if place.feature in ("country", "admin1") and extent is not None:
                points = part_points(extent, [])
                key = canonical_direction(direction)
                if key in points:
                    found.append(part_of(place, direction, points[key]))
        return found

    def borders(self, name: str) -> list[Place]:
        """Return the points of the border a phrase names ("Turkey border", "Syria-Iraq border")."""
        split = split_border(name)
        if split is None:
            return []
        named = [
            self.demonym(n) or next((p for p in self.candidates(n, 3) if p.feature == "country"), None) for n in split
        ]
        countries = [c for c in named if c is not None]
        if len(countries) != len(split):
            return []
        a = countries[0].country_code  # the first named country is the place's country, as in the real index
        b = countries[1].country_code if len(countries) == 2 else None
        return [
            border_point(self._countries[a], self._countries[y if x == a else x], lat, lon)
            for x, y, lat, lon in self._borders
            if ({x, y} == {a, b} if b else a in (x, y)) and x in self._countries and y in self._countries
        ]

    def real_index(self, path: Path) -> Gazetteer:
        """Return the real Gazetteer over an index of these same rows, written by the real build's writer."""
        builder = _Builder()
        for r in self._rows:
            p = r.place
            admin1_code = f"{p.country_code}.{p.admin1_name}" if p.admin1_name else None
            builder.add(
                {normalize_name(n) for n in (p.name, *r.aliases)} - {""},
                (*_fields(p)[:6], admin1_code, *_fields(p)[6:], RANK[p.feature]),
                bare={normalize_name(r.bare)} if r.bare else (),
            )
        builder.add_variants(set(self._transliterated))
        parts = [
            (r.place.country_code if r.place.feature == "country" else r.place.place_id, d, lat, lon)
            for r in self._rows
            if r.extent
            for d, (lat, lon) in part_points(r.extent, []).items()
        ]
        demonyms = [(normalize_name(w), cc) for w, cc in self._demonym_words.items()]
        _write(path, builder, demonyms, parts, self._not_places, self._borders)
        return Gazetteer(path)


def _fields(p: Place) -> tuple[object, ...]:
    """Return a place's fields in the index's column order, without the admin-1 code and the rank."""
    return (
        p.place_id,
        p.geonameid,
        p.name,
        p.feature,
        p.country_code,
        p.country_name,
        p.admin1_name,
        p.lat,
        p.lon,
        p.population,
        p.feature_code,
    )


def world() -> DictGazetteer:
    """Return the small world of the table-driven tests: Iraq and Syria, namesakes in the US, France and Egypt."""
    rows = [
        row("Iraq", "country", "IQ", 33.0, 43.5, 38_000_000, extent=(38.8, 29.1, 48.6, 37.4)),
        row("Syria", "country", "SY", 35.0, 38.5, 22_000_000),
        row("Turkey", "country", "TR", 39.0, 35.0, 80_000_000),
        row("United States", "country", "US", 39.8, -98.6, 320_000_000, aliases=("U.S.", "United States of America")),
        row("Netherlands", "country", "NL", 52.1, 5.3, 17_000_000),
        row("Canada", "country", "CA", 60.0, -95.0, 36_000_000),
        row("France", "country", "FR", 46.0, 2.0, 67_000_000),
        row("Egypt", "country", "EG", 27.0, 30.0, 95_000_000),
        row("Switzerland", "country", "CH", 47.0, 8.0, 8_000_000),
        row("Al Anbar", "admin1", "IQ", 33.4, 42.0, 1_500_000, country="Iraq", aliases=("Anbar", "Anbar province")),
        row("Ninawa", "admin1", "IQ", 36.0, 42.5, 3_000_000, country="Iraq", aliases=("Nineveh",)),
        row("At Ta'mim", "admin1", "IQ", 35.5, 44.0, 1_200_000, country="Iraq", aliases=("Kirkuk",)),
        row(
            "Ar Raqqah",
            "admin1",
            "SY",
            35.9,
            38.9,
            900_000,
            country="Syria",
            aliases=("Raqqa", "Raqqah", "Raqqa province"),
        ),
        row("Louisiana", "admin1", "US", 31.0, -92.0, 4_600_000, country="United States", aliases=("La.",)),
        row("Texas", "admin1", "US", 31.0, -100.0, 28_000_000, country="United States", aliases=("Tex.",)),
        row(
            "Rapides Parish",
            "admin2",
            "US",
            31.2,
            -92.5,
            130_000,
            country="United States",
            admin1="Louisiana",
            bare="Rapides",
        ),
        row("Hit", "city", "IQ", 33.64, 42.83, 31_901, country="Iraq", admin1="Al Anbar", aliases=("Heet",)),
        row("Ramadi", "city", "IQ", 33.42, 43.30, 274_539, country="Iraq", admin1="Al Anbar", aliases=("Ar Ramadi",)),
        row("Mosul", "city", "IQ", 36.34, 43.13, 1_739_800, country="Iraq", admin1="Ninawa"),
        row("Baghdad", "city", "IQ", 33.34, 44.40, 5_672_513, country="Iraq", code="PPLC"),
        row("Al Hawijah", "city", "IQ", 35.33, 43.77, 30_000, country="Iraq", admin1="At Ta'mim", aliases=("Hawija",)),
        row("Bayji", "city", "IQ", 34.93, 43.49, 40_000, country="Iraq", admin1="Salah ad Din"),
        row("Ash Shaddadah", "city", "SY", 36.06, 40.73, 15_000, country="Syria", admin1="Al Hasakah"),
        row("Al Ghizlaniyah", "city", "SY", 33.40, 36.45, 5_000, country="Syria", admin1="Rif Dimashq"),
        row("Ar Raqqah", "city", "SY", 35.95, 39.01, 177_636, country="Syria", admin1="Ar Raqqah", aliases=("Raqqa",)),
        row("Paris", "city", "FR", 48.85, 2.35, 2_138_551, country="France", admin1="Ile-de-France", code="PPLC"),
        row("Paris", "city", "US", 33.66, -95.56, 25_171, country="United States", admin1="Texas"),
        row("Dallas", "city", "US", 32.78, -96.81, 1_300_092, country="United States", admin1="Texas"),
        row("Alexandria", "city", "EG", 31.20, 29.92, 3_811_516, country="Egypt", admin1="Alexandria"),
        row("Alexandria", "city", "US", 31.31, -92.45, 47_723, country="United States", admin1="Louisiana"),
        row("Pineville", "city", "US", 31.32, -92.43, 14_555, country="United States", admin1="Louisiana"),
        row("Cairo", "city", "EG", 30.06, 31.25, 7_734_614, country="Egypt", admin1="Cairo", code="PPLC"),
        row("Geneva", "city", "CH", 46.20, 6.15, 183_981, country="Switzerland", admin1="Geneva"),
        row("Warren", "city", "US", 41.24, -80.82, 40_000, country="United States", admin1="Ohio"),
        row("Isis", "city", "AU", -25.2, 152.3, 800, country="Australia", admin1="Queensland"),
    ]
    demonyms = {
        "Iraqi": "IQ",
        "Iraqis": "IQ",
        "Syrian": "SY",
        "Syrians": "SY",
        "Turkish": "TR",
        "Dutch": "NL",
        "Canadian": "CA",
        "French": "FR",
        "Egyptian": "EG",
    }
    borders = [("IQ", "SY", 34.4, 40.9), ("IQ", "SY", 36.5, 41.3), ("SY", "TR", 36.8, 38.0), ("IQ", "TR", 37.2, 42.6)]
    return DictGazetteer(rows, demonyms, ("ISIL", "ISIS", "SDF"), ("IQ", "SY"), borders)
