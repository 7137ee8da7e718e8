"""Date expressions resolved against the publication date (the seed's: Friday 2016-02-26)."""

from __future__ import annotations

from datetime import date

import pytest

from mapdash.geoparse.annotate import resolve_relative_dates, span_dates

PUBLISHED = date(2016, 2, 26)  # a Friday
D = date

CASES = [
    # the seed's three
    ("Obama said yesterday evening at the State Department", "yesterday evening", D(2016, 2, 25), D(2016, 2, 25)),
    ("Iraqi forces recently succeeded in pushing ISIL out", "recently", D(2015, 11, 28), D(2016, 2, 26)),
    ("As we showed last week with our strike", "last week", D(2016, 2, 15), D(2016, 2, 21)),
    # days
    ("He spoke today.", "today", PUBLISHED, PUBLISHED),
    ("The strike came last night.", "last night", D(2016, 2, 25), D(2016, 2, 25)),
    ("They meet tomorrow morning.", "tomorrow morning", D(2016, 2, 27), D(2016, 2, 27)),
    ("This morning the jets returned.", "This morning", PUBLISHED, PUBLISHED),
    ("three days ago", "three days ago", D(2016, 2, 23), D(2016, 2, 23)),
    # weekdays: the latest on or before publication; last/next move a week
    ("The raid took place on Tuesday.", "on Tuesday", D(2016, 2, 23), D(2016, 2, 23)),
    ("The raid took place Friday.", "Friday", PUBLISHED, PUBLISHED),
    ("It happened last Friday.", "last Friday", D(2016, 2, 19), D(2016, 2, 19)),
    ("Talks resume next Monday.", "next Monday", D(2016, 2, 29), D(2016, 2, 29)),
    # weeks, months, years
    ("Talks resume next week.", "next week", D(2016, 2, 29), D(2016, 3, 6)),
    ("It has been a hard week this week.", "this week", D(2016, 2, 22), D(2016, 2, 28)),
    ("Last month the group lost Ramadi.", "Last month", D(2016, 1, 1), D(2016, 1, 31)),
    ("Earlier this month the group lost Ramadi.", "Earlier this month", D(2016, 2, 1), PUBLISHED),
    ("So far this year, 3,000 strikes.", "So far this year", D(2016, 1, 1), PUBLISHED),
    ("Later this year the offensive begins.", "Later this year", PUBLISHED, D(2016, 12, 31)),
    ("Last year, the coalition grew.", "Last year", D(2015, 1, 1), D(2015, 12, 31)),
    ("two weeks ago", "two weeks ago", D(2016, 2, 8), D(2016, 2, 14)),
    ("over the past two weeks", "over the past two weeks", D(2016, 2, 12), PUBLISHED),
    ("in the past month", "in the past month", D(2016, 1, 26), PUBLISHED),
    ("in recent weeks", "in recent weeks", D(2016, 1, 29), PUBLISHED),
    # absolute dates
    ("The strike on Feb. 19 killed him.", "Feb. 19", D(2016, 2, 19), D(2016, 2, 19)),
    ("Ramadi fell on Dec. 28.", "Dec. 28", D(2015, 12, 28), D(2015, 12, 28)),
    ("WASHINGTON, Feb. 26, 2016 — The president", "Feb. 26, 2016", PUBLISHED, PUBLISHED),
    ("On 17 May 2015 Ramadi fell.", "17 May 2015", D(2015, 5, 17), D(2015, 5, 17)),
    ("Mosul fell in June 2014.", "in June 2014", D(2014, 6, 1), D(2014, 6, 30)),
    ("In December, Ramadi was retaken.", "In December", D(2015, 12, 1), D(2015, 12, 31)),
    ("Since January, the strikes doubled.", "Since January", D(2016, 1, 1), PUBLISHED),
    ("since 2014", "since 2014", D(2014, 1, 1), PUBLISHED),
    ("2016-02-20", "2016-02-20", D(2016, 2, 20), D(2016, 2, 20)),
]


@pytest.mark.parametrize(("text", "surface", "date_from", "date_to"), CASES, ids=[c[1] for c in CASES])
def test_date_expression(text: str, surface: str, date_from: date, date_to: date) -> None:
    found = resolve_relative_dates(text, PUBLISHED)
    assert [(e.text, e.date_from, e.date_to) for e in found] == [(surface, date_from, date_to)]
    (expr,) = found
    assert text[expr.start : expr.end] == surface


@pytest.mark.parametrize(
    "text",
    [
        "It may rain.",
        "They march on.",
        "the world has seen in recent times",
        "Every day, our air campaign",
        "2016-02-30",
        "Feb. 30, 2016",
        "He said so.",
    ],
)
def test_not_a_date(text: str) -> None:
    assert resolve_relative_dates(text, PUBLISHED) == []


def test_without_a_publication_date_only_absolute_dates_are_kept() -> None:
    text = "Yesterday, on Feb. 19 and on Feb. 19, 2016, and last week."
    assert [e.text for e in resolve_relative_dates(text, None)] == ["Feb. 19, 2016"]


def test_a_dateline_is_a_full_date_without_a_publication_day() -> None:
    dateline = resolve_relative_dates("WASHINGTON, Feb. 26, 2016 — The president said yesterday ...", None)
    assert (dateline[0].date_from, dateline[0].date_to) == (PUBLISHED, PUBLISHED)
    assert resolve_relative_dates("No date in this one.", None) == []


def test_span_dates_places_a_sentence_on_the_timeline() -> None:
    text = "Obama spoke yesterday. Strikes continue."
    exprs = resolve_relative_dates(text, PUBLISHED)
    assert span_dates(exprs, 0, 22, PUBLISHED) == (D(2016, 2, 25), D(2016, 2, 25))
    assert span_dates(exprs, 23, len(text), PUBLISHED) == (PUBLISHED, PUBLISHED)


AUGUST = date(2017, 8, 15)  # a Tuesday
TENSE_CASES = [
    # a month without a year: forwards in a clause about plans or the future, backwards in the past tense
    ("The offensive will begin in September.", "in September", D(2017, 9, 1), D(2017, 9, 30)),
    ("Forces plan to enter the old city in January.", "in January", D(2018, 1, 1), D(2018, 1, 31)),
    ("The offensive began in September.", "in September", D(2016, 9, 1), D(2016, 9, 30)),
    ("Elections are expected in March, officials said.", "in March", D(2018, 3, 1), D(2018, 3, 31)),
    ("In March, the dam was retaken.", "In March", D(2017, 3, 1), D(2017, 3, 31)),
    # the clause decides where a sentence mixes tenses
    ("The town, which fell in September, will be cleared by engineers.", "in September", D(2016, 9, 1), D(2016, 9, 30)),
    # a day and month without a year
    ("The operation started on Aug. 20.", "Aug. 20", D(2016, 8, 20), D(2016, 8, 20)),
    ("Talks will resume Aug. 10.", "Aug. 10", D(2018, 8, 10), D(2018, 8, 10)),
    ("Strikes on Aug. 14 hit a depot.", "Aug. 14", D(2017, 8, 14), D(2017, 8, 14)),
    # a weekday
    ("The convoy will leave on Friday.", "on Friday", D(2017, 8, 18), D(2017, 8, 18)),
    ("The convoy left on Friday.", "on Friday", D(2017, 8, 11), D(2017, 8, 11)),
]


@pytest.mark.parametrize(("text", "surface", "date_from", "date_to"), TENSE_CASES, ids=[c[0][:40] for c in TENSE_CASES])
def test_tense_resolves_forwards_or_backwards(text: str, surface: str, date_from: date, date_to: date) -> None:
    found = resolve_relative_dates(text, AUGUST)
    assert [(e.text, e.date_from, e.date_to) for e in found] == [(surface, date_from, date_to)]


@pytest.mark.parametrize(
    ("text", "tense"),
    [
        ("Forces will advance in May.", "future"),
        ("Forces are preparing to advance in May.", "future"),
        ("Forces advanced in May.", "past"),
        ("Forces advance in May.", None),
    ],
)
def test_tense_of_a_clause(text: str, tense: str | None) -> None:
    from mapdash.geoparse.annotate.dates import tense_at

    start = text.index("in May")
    assert tense_at(text, start, start + 6) == tense
