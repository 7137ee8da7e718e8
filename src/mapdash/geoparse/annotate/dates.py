"""Dates in a text: absolute dates, and relative ones ("last week", "yesterday evening") resolved
against the publication date, so phases from many documents can share one timeline.

Conventions (news style):
- "last week" / "next week" are the previous / next Monday-to-Sunday week; "last month" the previous
  calendar month; "this week" the whole current week.
- A bare weekday ("on Tuesday") is the latest such day on or before publication (news reports the
  past); "last Tuesday" the latest strictly before; "next Tuesday" the first strictly after.
- "recently" / "lately" are the 90 days up to publication; "in recent days/weeks/months" 7/28/182.
- A day and month without a year take the year that puts them nearest the publication date.
- Tense decides for a month, a day and month, or a weekday without a year: in a clause about the future
  or plans ("will", "plans to", "is expected to") it is the next one on or after publication ("in
  September" written in August 2017 is September 2017); in a clause in the past tense, the latest one on
  or before it (September 2016). The clause is the stretch between commas around the expression, else
  its sentence.
Expressions that need a publication date are left out when there is none.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from mapdash.text import MONTH, MONTH_NUMBERS, sentence_spans

Range = tuple[date, date]
Tense = Literal["future", "past"] | None


@dataclass(frozen=True)
class DateExpression:
    """A date expression in a text and the day or range it stands for (inclusive)."""

    start: int
    end: int
    text: str
    date_from: date
    date_to: date


_MONTHS = MONTH_NUMBERS
_MONTH = rf"(?P<month>{MONTH})"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBERS.update({"a": 1, "an": 1, "a few": 3, "several": 3, "couple of": 2, "a couple of": 2})
_COUNT = (
    r"(?P<n>\d{1,3}|a\s+few|a\s+couple\s+of|couple\s+of|several|an?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_UNIT = r"(?P<unit>day|week|month|year)s?"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_I = re.IGNORECASE
_FUTURE = re.compile(
    r"\b(?:will|shall|won['’]t|going\s+to|plans?\s+to|planned\s+to|planning\s+to|expect(?:s|ed)?\s+to|(?:is|are)\s+expe"
    r"cted"
    r"|scheduled|set\s+to|intends?\s+to|aims?\s+to|upcoming|prepar(?:e|es|ing)\s+to|would|next)\b|['’]ll\b",
    _I,
)
_PAST = re.compile(
    r"\b(?:was|were|had|did|began|begun|fell|took|won|lost|went|came|saw|held|ago|last"
    r"|(?!(?:need|indeed|speed|proceed|exceed|succeed)\b)[a-z]{2,}ed)\b",
    _I,
)
_CLAUSE_BREAK = re.compile(r"[,;:()—–]")


def _rules() -> list[tuple[re.Pattern[str], Callable[[re.Match[str], date | None], Range | None]]]:
    """Return the (pattern, resolver) rules; a resolver returns the range or None when it cannot tell."""
    return [
        (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"), _iso),
        (re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?"), _month_day),
        (
            re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>\d{{4}})\b)?"),
            _month_day,
        ),
        (
            re.compile(
                r"\b(?:(?P<since>(?i:since))\s+|(?i:in|during|until|by|early|late|mid-?|last|next|this)\s+|(?=\w+\s+\d"
                rf"{{4}}\b)){_MONTH}(?:\s+(?P<year>\d{{4}})\b)?"
            ),
            _month,
        ),
        (re.compile(r"\b(?:(?P<since>since)|in|during|by|until)\s+(?P<year>(?:19|20)\d\d)\b", _I), _year),
        (re.compile(rf"\b(?P<word>yesterday|today|tonight|tomorrow){_PART}\b", _I), _day_word),
        (
            re.compile(
                r"\b(?P<word>last|this|earlier\s+this|later\s+this)\s+(?P<part>morning|afternoon|evening|night)\b", _I
            ),
            _day_part,
        ),
        (
            re.compile(
                rf"\b(?:(?P<rel>last|next|this|on|since|by|until|earlier\s+on|late\s+on|early\s+on)\s+)?{_WEEKDAY}"
                rf"{_PART}\b"
            ),
            _weekday,
        ),
        (
            re.compile(
                r"\b(?P<rel>last|next|this|past|previous|coming|earlier\s+this|later\s+this|so\s+far\s+this)\s+(?P<unit"
                r">week|month|year)\b",
                _I,
            ),
            _period,
        ),
        (
            re.compile(rf"\b(?:(?:in|over|during)\s+)?the\s+(?:past|last|previous)\s+(?:{_COUNT}\s+)?{_UNIT}\b", _I),
            _past_n,
        ),
        (re.compile(rf"\b{_COUNT}\s+{_UNIT}\s+ago\b", _I), _ago),
        (re.compile(r"\b(?:recently|lately|in\s+recent\s+(?P<unit>days|weeks|months))\b", _I), _recent),
    ]


def resolve_relative_dates(text: str, published: date | None) -> list[DateExpression]:
    """Return the date expressions of text in order, each with the day or range it stands for."""
    found: list[DateExpression] = []
    sentences = sentence_spans(text) if published is not None else []
    for pattern, resolve in _RULES:
        for match in pattern.finditer(text):
            try:
                if resolve in _TENSED:
                    span = resolve(match, published, tense_at(text, match.start(), match.end(), sentences))
                else:
                    span = resolve(match, published)
            except (ValueError, OverflowError):  # "in June 0000", or a shift past date.min/max
                continue
            if span is not None and match.end() > match.start():
                found.append(DateExpression(match.start(), match.end(), match.group(), span[0], span[1]))
    kept: list[DateExpression] = []
    for expr in sorted(found, key=lambda e: (e.start, -(e.end - e.start))):
        if not kept or expr.start >= kept[-1].end:  # the longest wins: "yesterday evening" over "yesterday"
            kept.append(expr)
    return kept


def tense_at(text: str, start: int, end: int, sentences: Sequence[tuple[int, int]] | None = None) -> Tense:
    """Return whether the clause around text[start:end] speaks of the future, the past, or neither."""
    spans = sentence_spans(text) if sentences is None else sentences
    i = bisect_right(spans, start, key=lambda span: span[0]) - 1
    s_start, s_end = spans[i] if i >= 0 and start < spans[i][1] else (0, len(text))
    before = [m.end() for m in _CLAUSE_BREAK.finditer(text, s_start, start)]
    after = _CLAUSE_BREAK.search(text, end, s_end)
    clause = text[before[-1] if before else s_start : after.start() if after else s_end]
    sentence = text[s_start:s_end]
    for words in (clause.replace(text[start:end], " "), sentence.replace(text[start:end], " ")):
        if _FUTURE.search(words):
            return "future"
        if _PAST.search(words):
            return "past"
    return None


def span_dates(
    expressions: Sequence[DateExpression], start: int, end: int, published: date | None
) -> tuple[date | None, date | None]:
    """Return the range of the first date expression inside [start, end), else the publication day."""
    for expr in expressions:
        if start <= expr.start and expr.end <= end:
            return expr.date_from, expr.date_to
    return published, published


def _iso(m: re.Match[str], published: date | None) -> Range | None:
    """Return the day of 2016-02-25."""
    day = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return (day, day) if day else None


def _month_day(m: re.Match[str], published: date | None, tense: Tense = None) -> Range | None:
    """Return the day of "Feb. 25, 2016" / "25 February"; with no year, the one the tense says, else the nearest."""
    month, day = _MONTHS[m["month"].rstrip(".").lower()], int(m["day"])
    if m["year"]:
        found = _safe_date(int(m["year"]), month, day)
        return (found, found) if found else None
    if published is None:
        return None
    options = [d for y in (published.year - 1, published.year, published.year + 1) if (d := _safe_date(y, month, day))]
    if tense == "future":
        options = [d for d in options if d >= published]
    elif tense == "past":
        options = [d for d in options if d <= published]
    best = min(options, key=lambda d: abs((d - published).days), default=None)
    return (best, best) if best else None


def _month(m: re.Match[str], published: date | None, tense: Tense = None) -> Range | None:
    """Return the month of "in January" / "March 2015"; "since January" runs to publication."""
    month = _MONTHS[m["month"].rstrip(".").lower()]
    if m["year"]:
        year = int(m["year"])
    elif published is not None and tense == "future" and not m["since"]:  # the next such month from publication
        year = published.year if month >= published.month else published.year + 1
    elif published is not None:  # the latest such month not after publication
        year = published.year if month <= published.month else published.year - 1
    else:
        return None
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if m["since"] and published is not None and first <= published:
        return first, published
    return first, last


def _year(m: re.Match[str], published: date | None) -> Range | None:
    """Return the year of "in 2014"; "since 2014" runs to publication."""
    year = int(m["year"])
    if m["since"] and published is not None and year <= published.year:
        return date(year, 1, 1), published
    return date(year, 1, 1), date(year, 12, 31)


def _day_word(m: re.Match[str], published: date | None) -> Range | None:
    """Return the day of "yesterday evening" / "today" / "tomorrow"."""
    if published is None:
        return None
    shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[m["word"].lower()]
    day = published + timedelta(days=shift)
    return day, day


def _day_part(m: re.Match[str], published: date | None) -> Range | None:
    """Return the day of "last night" (the day before) or "this morning" (the day itself)."""
    if published is None:
        return None
    day = published - timedelta(days=1) if m["word"].lower() == "last" else published
    return day, day


def _weekday(m: re.Match[str], published: date | None, tense: Tense = None) -> Range | None:
    """Return the day a weekday name stands for, relative to publication (forwards in a clause about the future)."""
    if published is None:
        return None
    target, rel = _WEEKDAYS.index(m["weekday"].lower()), (m["rel"] or "").lower()
    back = (published.weekday() - target) % 7
    if rel in ("", "on", "by", "until") and tense == "future":
        day = published + timedelta(days=(target - published.weekday()) % 7)
    elif rel == "next":
        day = published + timedelta(days=(target - published.weekday()) % 7 or 7)
    elif rel == "this":
        day = published + timedelta(days=target - published.weekday())
    else:
        day = published - timedelta(days=back or (7 if rel == "last" else 0))
    return day, day


def _period(m: re.Match[str], published: date | None) -> Range | None:
    """Return the week, month or year of "last week", "this month", "earlier this year"."""
    if published is None:
        return None
    rel, unit = " ".join(m["rel"].lower().split()), m["unit"].lower()
    offset = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(rel, 0)
    first, last = _period_of(published, unit, offset)
    if rel in ("earlier this", "so far this"):
        return first, published
    if rel == "later this":
        return published, last
    return first, last


def _period_of(day: date, unit: str, offset: int) -> Range:
    """Return the calendar week (Monday first), month or year holding day, moved by offset units."""
    if unit == "week":
        monday = day - timedelta(days=day.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        index = day.year * 12 + day.month - 1 + offset
        year, month = divmod(index, 12)
        return date(year, month + 1, 1), date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    year = day.year + offset
    return date(year, 1, 1), date(year, 12, 31)


def _past_n(m: re.Match[str], published: date | None) -> Range | None:
    """Return the range of "the past two weeks" up to publication."""
    if published is None:
        return None
    return _minus(published, _count(m["n"]), m["unit"]), published


def _ago(m: re.Match[str], published: date | None) -> Range | None:
    """Return the day of "three days ago", or the week, month or year of "two weeks ago"."""
    if published is None:
        return None
    n, unit = _count(m["n"]), m["unit"].lower()
    if unit == "day":
        day = published - timedelta(days=n)
        return day, day
    return _period_of(published, unit, -n)


def _recent(m: re.Match[str], published: date | None) -> Range | None:
    """Return the range "recently" or "in recent weeks" covers, up to publication."""
    if published is None:
        return None
    days = {"days": 7, "weeks": 28, "months": 182}.get((m["unit"] or "").lower(), 90)
    return published - timedelta(days=days), published


def _count(word: str | None) -> int:
    """Return the number a count word stands for ("two" -> 2); none means one."""
    if not word:
        return 1
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else _NUMBERS.get(word, 1)


def _minus(day: date, n: int, unit: str) -> date:
    """Return day moved back n days, weeks, months or years (clamped to the month's end)."""
    unit = unit.lower().rstrip("s")
    if unit in ("day", "week"):
        return day - timedelta(days=n * (7 if unit == "week" else 1))
    months = n * (12 if unit == "year" else 1)
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _safe_date(year: int, month: int, day: int) -> date | None:
    """Return the date, or None when it does not exist (Feb. 30)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


_RULES = _rules()
_TENSED = frozenset({_month, _month_day, _weekday})  # resolvers whose answer the clause's tense decides
