"""What the pipeline asks of a gazetteer: names for the recogniser (NameIndex), places for the resolver (PlaceIndex).

``queries.Gazetteer`` is the real index and satisfies both; a test may pass a small stand-in built from a few rows
(``tests/unit/standins.py``), so recognition and resolution run without the index and without spaCy.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mapdash.model import Place


@runtime_checkable
class Demonyms(Protocol):
    """The countries a people's name or adjective names ("Iraqi" -> Iraq)."""

    def demonym(self, word: str) -> Place | None:
        """Return the country a demonym or adjective names, or None."""
        ...


@runtime_checkable
class NameIndex(Demonyms, Protocol):
    """What recognition asks: is this word sequence a place name, a people, a known spelling, never a place."""

    max_name_tokens: int  # the longest name, in words: how far the scan looks ahead

    @property
    def transliterated(self) -> frozenset[str]:
        """Return the codes of the countries whose places are also found by their consonant skeleton."""
        ...

    @property
    def theatre_words(self) -> frozenset[str]:
        """Return the names and demonyms of the transliterated countries, as written ("Iraq", "Syrian")."""
        ...

    def has_name(self, name: str) -> bool:
        """Say whether any place is called name (after normalisation)."""
        ...

    def candidates(self, name: str, limit: int = 50) -> list[Place]:
        """Return the places called name: countries, admin-1, admin-2, then cities by population."""
        ...

    def has_variant(self, name: str) -> bool:
        """Say whether a place of a transliterated country is spelt like name but for vowels and articles."""
        ...

    def variants(self, name: str, limit: int = 20) -> list[Place]:
        """Return the places of transliterated countries spelt like name, less those candidates() finds."""
        ...

    def is_not_place(self, name: str) -> bool:
        """Say whether a name is listed as never a place ("ISIL", "SDF")."""
        ...

    def parts(self, name: str) -> list[Place]:
        """Return the regions a direction phrase names ("northern Iraq"), one per country or province."""
        ...

    def borders(self, name: str) -> list[Place]:
        """Return points on the border a phrase names ("Turkey border", "Syria-Iraq border")."""
        ...


@runtime_checkable
class PlaceIndex(Demonyms, Protocol):
    """What resolution asks: the places a name may mean, by its full name, its bare admin-2 name or its spelling."""

    @property
    def transliterated(self) -> frozenset[str]:
        """Return the codes of the countries whose places are also found by their consonant skeleton."""
        ...

    def candidates(self, name: str, limit: int = 50) -> list[Place]:
        """Return the places called name: countries, admin-1, admin-2, then cities by population."""
        ...

    def admin2_bare(self, name: str, limit: int = 50) -> list[Place]:
        """Return the admin-2 divisions called name without their generic word ("Rapides" for Rapides Parish)."""
        ...

    def variants(self, name: str, limit: int = 20) -> list[Place]:
        """Return the places of transliterated countries spelt like name, less those candidates() finds."""
        ...

    def parts(self, name: str) -> list[Place]:
        """Return the regions a direction phrase names ("northern Iraq"), one per country or province."""
        ...

    def borders(self, name: str) -> list[Place]:
        """Return points on the border a phrase names ("Turkey border", "Syria-Iraq border")."""
        ...
