"""The dashboard's logic on the seed database: filter choices, counts and labels, quotes and their links, the
places table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mapdash import store
from mapdash.frame import Filters, documents_table, filter_mentions, mentions_frame
from mapdash.model import Col
from mapdash.render.maps import shipped_phase_styles
from mapdash.store import Store
from mapdash.ui import dashboard
from mapdash.ui.dashboard import FilterOptions


@pytest.fixture(scope="module")
def seed(seed_db: Path) -> tuple[Store, object]:
    """The seed database and its mentions frame."""
    conn = store.connect(seed_db)
    return conn, mentions_frame(conn)


@pytest.fixture(scope="module")
def options(seed) -> FilterOptions:
    """The sidebar's choices on the seed."""
    conn, gdf = seed
    return dashboard.filter_options(gdf, documents_table(conn), shipped_phase_styles())


def test_filter_options_offer_what_is_stored(options: FilterOptions) -> None:
    assert options.countries["Iraq"] == "IQ" and options.countries["Syria"] == "SY"
    assert list(options.countries) == sorted(options.countries)
    assert options.phases["retaken"] == "Retaken"
    taxonomy = list(shipped_phase_styles())
    assert list(options.phases) == sorted(options.phases, key=taxonomy.index)  # taxonomy order, not alphabetical
    assert list(options.documents.values()) == ["Counter-ISIL Campaign Continues, President Says"]
    assert "Barack Obama" in options.speakers
    assert options.first == options.last == date(2016, 2, 26)


def test_counts_and_place_labels(seed) -> None:
    _, gdf = seed
    syria = filter_mentions(gdf, Filters(countries=("SY",)))
    counts = dashboard.counts(syria)
    assert (counts.places, counts.documents) == (2, 1) and counts.mentions >= 2
    assert counts.caption().startswith("2 places, ")
    labels = dashboard.place_labels(syria)
    assert set(labels.values()) == {"Syria", "Ar Raqqah"}
    assert next(iter(labels.values())) == "Syria"  # the most mentioned first


def test_quotes_follow_the_filters(seed) -> None:
    conn, gdf = seed
    quotes = dashboard.quotes_frame(conn, gdf)
    assert len(quotes) >= 10 and {"mention_keys", "place_ids"} <= set(quotes.columns)
    everything = dashboard.filter_quotes(quotes, gdf, Filters())
    assert len(everything) == len(quotes)
    syria = Filters(countries=("SY",))
    named = dashboard.filter_quotes(quotes, filter_mentions(gdf, syria), syria)
    assert 0 < len(named) < len(quotes)
    assert all(("Syria" in p) or ("Ar Raqqah" in p) for p in named["places"])
    assert dashboard.filter_quotes(quotes, gdf, Filters(speakers=("Nobody",))).empty
    assert dashboard.filter_quotes(quotes, gdf, Filters(since=date(2017, 1, 1))).empty
    searched = dashboard.filter_quotes(quotes, gdf, Filters(), search="RAMADI")
    assert len(searched) >= 1 and all(
        "ramadi" in (t + p).lower() for t, p in zip(searched["text"], searched["places"], strict=True)
    )


def test_quote_links_open_the_document_and_the_place(seed, options: FilterOptions) -> None:
    conn, gdf = seed
    quotes = dashboard.quotes_frame(conn, gdf)
    linked = dashboard.quote_links(quotes, options.documents, gdf)
    row = linked[linked["places"].str.contains("Ramadi")].iloc[0]
    assert row["document_link"] == "./documents?doc=Counter-ISIL+Campaign+Continues%2C+President+Says"
    assert row["map_link"].startswith("./?document=Counter-ISIL+Campaign") and "&place=" in row["map_link"]


def test_places_table_labels_phases(seed) -> None:
    _, gdf = seed
    table = dashboard.places_table(gdf, shipped_phase_styles()).set_index(Col.PLACE_NAME)
    assert "✔ Retaken" in table.loc["Ramadi", Col.PHASES]
    assert table[Col.CORRECTED].sum() == 0
