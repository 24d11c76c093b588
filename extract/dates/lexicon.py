"""The date lexicon: the words, character classes and settings of ``rules/dates/*.toml``, read once.

The files, one topic each: ``calendar.toml`` (written dates: numerals, years, months, days, quarters,
parts of years and months, lunar dates, decades), ``relative.toml`` (今年, 上月, 次日, weekdays, 同期),
``holidays.toml``, ``connectors.toml`` (至, 、, 截至, 以来, 之间, 从), ``periods.toml`` (10年来, 未来5年),
``times.toml`` (day parts, clocks), ``scan.toml`` (the scan's first tests) and ``resolve.toml`` (the
year of a date written without one, reference-date inference).  Every table that produces records
has a ``name``: the rule name its records carry (:class:`Names`).

The grammar (:mod:`extract.dates.grammar`) reads the tables as they are (:attr:`Lexicon.tables`); the
reading and the resolution of matches use the typed tables below.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

import lunardate

from extract.dates import festivals
from extract.dates.calendar import month_end, nth_weekday
from extract.rules import load_list, load_toml

FILES = ("calendar", "relative", "holidays", "connectors", "periods", "times", "scan", "resolve", "options")


@dataclass(frozen=True, slots=True)
class Relative:
    """A relative word: ``offset`` units from the reference date or from the context date."""

    unit: str  # year | month | day | week
    offset: int
    anchor: str  # ref | context
    rule: str
    comparative: bool = False  # after 比/较, counts from the period discussed (上年, 上月)
    span: int = 0  # more units the word covers after the first (今明两天: 1, 今明后三天: 2)


class YearPart(NamedTuple):
    """A part of a year (年初, 上半年, 冬季): its first and last month (over 12: the next year's); with
    ``last_day`` only the last day of the last month (年底)."""

    first: int
    last: int
    granularity: str
    rule: str
    last_day: bool = False


@dataclass(frozen=True, slots=True)
class Holiday:
    """A holiday: its canonical name, how its day is found in a year, and the period around it."""

    name: str
    calendar: str  # solar | lunar | eve | solar_term | weekday | easter | hebrew | table | country
    month: int
    day: int
    span: tuple[int, int]
    period_only: bool
    rule: str
    weekday: int = 6
    nth: int = 1  # weekday: the n-th one of the month (-1: the last)
    not_after_country: bool = False  # 国庆: after another country's name (以色列国庆节) it is that country's
    key: str = ""  # solar_term: the term; easter: the rite; table: calendar.holiday; country: the country code
    offset: int = 0  # days after the day the calendar gives (耶稣受难日: Easter - 2; 黑色星期五: 感恩节 + 1)
    names: tuple[str, ...] = ()  # country: the holiday's English names in python-holidays, preferred first
    end_key: str = ""  # table: a period ending the day before another holiday of the table (斋月: 开斋节)
    sunset: bool = False  # its days begin at sunset the evening before (options.toml sunset_start)
    needs_country: bool = False  # 独立日: only after a country's name

    def day_in(self, y: int) -> date | None:
        """The holiday of (Gregorian or lunar) year ``y``; None where the calendar has no such day."""
        try:
            d = self._base(y)
        except ValueError:
            return None
        return d + timedelta(days=self.offset) if d is not None and self.offset else d

    def period_in(self, y: int) -> tuple[date, date] | None:
        """The days the holiday's period covers in year ``y`` (its span around the day; a period ending
        before another holiday: 斋月 runs to the eve of 开斋节)."""
        d = self.day_in(y)
        if d is None:
            return None
        if self.end_key:
            end = festivals.table(y, self.end_key)
            if end is None or end <= d:
                end = festivals.table(y + 1, self.end_key)
            return (d, end - timedelta(days=1)) if end is not None else None
        return d + timedelta(days=self.span[0]), d + timedelta(days=self.span[1])

    def _base(self, y: int) -> date | None:
        """The day the holiday's calendar gives for year ``y``, before ``offset``."""
        cal = self.calendar
        if cal == "solar":
            return date(y, self.month, self.day)
        if cal == "lunar":
            return lunardate.LunarDate(y, self.month, self.day).to_solar_date()
        if cal == "eve":
            return lunardate.LunarDate(y, 1, 1).to_solar_date() - timedelta(days=1)
        if cal == "weekday":
            return nth_weekday(date(y, self.month, 1), month_end(y, self.month), self.weekday, self.nth)
        if cal == "solar_term":
            return festivals.solar_term(y, self.key)
        if cal == "easter":
            return festivals.easter(y, self.key or "western")
        if cal == "hebrew":
            return festivals.hebrew(y, self.month, self.day)
        if cal == "table":
            return festivals.table(y, self.key)
        if cal == "country":
            return festivals.country(y, self.key, self.names)
        return None


CALENDARS = ("solar", "lunar", "eve", "solar_term", "weekday", "easter", "hebrew", "table", "country")


@dataclass(frozen=True, slots=True)
class Names:
    """The rule names of the forms (each the ``name`` of the table of the same key)."""

    numeric: str
    year: str
    year_range: str
    month: str
    day: str
    days: str
    months: str
    bare_day: str
    quarter: str
    first_months: str
    month_part: str
    lunar: str
    decade: str
    weekday: str
    weekend: str
    week_part: str
    same_period: str
    holiday_period: str
    holiday_eve: str
    holiday_next: str
    national_day: str
    clock: str
    daypart_clock: str
    range: str
    list: str
    until: str
    since: str
    until_after: str
    from_after: str
    before: str
    after: str
    era: str
    selector: str
    paren_day: str
    ago: str
    later: str
    between: str
    back: str
    ahead: str


@dataclass(frozen=True, slots=True)
class Options:
    """The readings where news and some suites differ (``rules/dates/options.toml``; the defaults are the
    news readings)."""

    weekday_alone: str = "this_week"  # this_week | past | future
    range_end: str = "whole"  # whole | start
    ago_granularity: str = "unit"  # unit | day
    holiday_year: str = "reference"  # reference | nearest | future
    year_last_order: str = "dmy"  # dmy | mdy
    back_end: str = "reference"  # reference | day_before
    sunset_start: str = "day"  # day | eve


_CHOICES = {"weekday_alone": ("this_week", "past", "future"), "range_end": ("whole", "start"),
            "ago_granularity": ("unit", "day"), "holiday_year": ("reference", "nearest", "future"),
            "year_last_order": ("dmy", "mdy"), "back_end": ("reference", "day_before"),
            "sunset_start": ("day", "eve")}
_OVERRIDES: dict[str, str] = {}  # set by :func:`configure`


def configure(**options: str) -> None:
    """Change the readings of ``rules/dates/options.toml`` for this process (no argument: back to the
    file's).  The date lexicon and grammar are read again on next use."""
    for k, v in options.items():
        if v not in _CHOICES.get(k, ()):
            raise ValueError(f"date option {k}={v!r}: expected one of {_CHOICES.get(k, ())}")
    _OVERRIDES.clear()
    _OVERRIDES.update(options)
    lexicon.cache_clear()


def _options(t: dict[str, Any]) -> Options:
    values = {**t["options"], **_OVERRIDES}
    for k, v in values.items():
        if v not in _CHOICES.get(k, ()):
            raise ValueError(f"rules/dates/options.toml: {k}={v!r}: expected one of {_CHOICES.get(k, ())}")
    return Options(**values)


@dataclass(frozen=True, eq=False)  # hashed by identity: the grammar is compiled once per lexicon
class Lexicon:
    """Everything ``rules/dates/`` says, read from its files."""

    tables: dict[str, Any]  # every top-level table of the files, by key (keys are unique across files)
    names: Names
    relative: dict[str, Relative]
    year_parts: dict[str, YearPart]
    needs_year: frozenset[str]
    month_parts: dict[str, tuple[int, int, str]]  # first day, last day (31: the month's end), granularity
    holidays: dict[str, Holiday]
    weekdays: dict[str, int]
    lunar_months: dict[str, int]
    centuries: dict[str, int]
    quarter_edges: dict[str, str]
    pm: frozenset[str]
    period_units: dict[str, str]
    future_days: int
    bare_day_days: int
    future_markers: tuple[str, ...]
    options: Options
    countries: dict[str, str]  # countries.txt: names of other countries (CLDR) and their ISO codes
    national_days: dict[str, tuple[str, ...]]  # holidays.toml [national_day]: a holiday's English names by country
    sunset_countries: frozenset[str]  # holidays.toml [national_day]: countries whose days begin at sunset


def _read_tables() -> dict[str, Any]:
    """The top-level tables of all the files, by key; a key in two files is an error."""
    tables: dict[str, Any] = {}
    for name in FILES:
        for key, value in load_toml(f"dates/{name}").items():
            if key in tables:
                raise ValueError(f"rules/dates/{name}.toml: table [{key}] is defined twice in rules/dates/")
            tables[key] = value
    return tables


def _relative(t: dict[str, Any]) -> dict[str, Relative]:
    return {w: Relative(r["unit"], int(r["offset"]), r.get("anchor", "ref"), r["name"],
                        bool(r.get("comparative", False)), int(r.get("span", 0)))
            for r in t["relative"] for w in r["words"]}


def _holidays(t: dict[str, Any]) -> dict[str, Holiday]:
    out: dict[str, Holiday] = {}
    for h in t["holiday"]:
        if h["calendar"] not in CALENDARS:
            raise ValueError(f"rules/dates/holidays.toml: {h['holiday']}: calendar {h['calendar']!r} is not one of "
                             f"{CALENDARS}")
        hol = Holiday(h["holiday"], h["calendar"], int(h.get("month", 1)), int(h.get("day", 1)),
                      (int(h["span"][0]), int(h["span"][1])), bool(h.get("period_only", False)), h["name"],
                      int(h.get("weekday", 6)), int(h.get("nth", 1)), bool(h.get("not_after_country", False)),
                      str(h.get("key", "")), int(h.get("offset", 0)), tuple(h.get("names", ())),
                      str(h.get("end_key", "")), bool(h.get("sunset", False)), bool(h.get("needs_country", False)))
        out.update(dict.fromkeys(h["words"], hol))
    return out


@cache
def lexicon() -> Lexicon:
    """The date lexicon (read once per process)."""
    t = _read_tables()
    parts = t["year_part"]["parts"]
    return Lexicon(
        tables=t,
        names=Names(**{f.name: t[f.name]["name"] for f in fields(Names)}),
        relative=_relative(t),
        year_parts={w: YearPart(p["months"][0], p["months"][1], p.get("granularity", "month"), p["name"],
                                bool(p.get("last_day", False))) for p in parts for w in p["words"]},
        needs_year=frozenset(w for p in parts if p.get("needs_year") for w in p["words"]),
        month_parts={w: (p["days"][0], p["days"][1], p.get("granularity", "xun"))
                     for p in t["month_part"]["parts"] for w in p["words"]},
        holidays=_holidays(t),
        weekdays=dict(t["weekday"]["days"]),
        lunar_months=dict(t["lunar"]["named_months"]),
        centuries=dict(t["decade"]["centuries"]),
        quarter_edges=dict(t["quarter"]["edges"]),
        pm=frozenset(t["daypart"]["pm"]),
        period_units=dict(t["period"]["units"]),
        future_days=int(t["resolve"]["future_tolerance_days"]),
        bare_day_days=int(t["resolve"]["bare_day_future_days"]),
        future_markers=tuple(t["inference"]["future_markers"]),
        options=_options(t),
        countries=dict(line.split("\t") for line in load_list("dates/countries.txt")),
        national_days={n["holiday"]: tuple(n["names"]) for n in t["national_day"]["days"]},
        sunset_countries=frozenset(t["national_day"]["sunset_countries"]),
    )
