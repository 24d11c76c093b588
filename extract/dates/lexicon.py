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

from extract.dates.calendar import qingming
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
    calendar: str  # solar | lunar | eve | qingming | weekday (the n-th weekday of the month)
    month: int
    day: int
    span: tuple[int, int]
    period_only: bool
    rule: str
    weekday: int = 6
    nth: int = 1
    not_after_country: bool = False  # 国庆: after another country's name (以色列国庆节) it is that country's

    def day_in(self, y: int) -> date | None:
        """The holiday of (Gregorian or lunar) year ``y``; None where the calendar has no such day."""
        try:
            if self.calendar == "solar":
                return date(y, self.month, self.day)
            if self.calendar == "lunar":
                return lunardate.LunarDate(y, self.month, self.day).to_solar_date()
            if self.calendar == "eve":
                return lunardate.LunarDate(y, 1, 1).to_solar_date() - timedelta(days=1)
            if self.calendar == "qingming":
                return qingming(y)
            if self.calendar == "weekday":
                first = date(y, self.month, 1)
                return first + timedelta(days=(self.weekday - first.weekday()) % 7 + 7 * (self.nth - 1))
        except ValueError:
            return None
        return None


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
    same_period: str
    holiday_period: str
    holiday_eve: str
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
    holiday_year: str = "reference"  # reference | nearest
    year_last_order: str = "dmy"  # dmy | mdy
    back_end: str = "reference"  # reference | day_before


_CHOICES = {"weekday_alone": ("this_week", "past", "future"), "range_end": ("whole", "start"),
            "ago_granularity": ("unit", "day"), "holiday_year": ("reference", "nearest"),
            "year_last_order": ("dmy", "mdy"), "back_end": ("reference", "day_before")}
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
    countries: frozenset[str]  # countries.txt: names of other countries (CLDR)


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
                        bool(r.get("comparative", False))) for r in t["relative"] for w in r["words"]}


def _holidays(t: dict[str, Any]) -> dict[str, Holiday]:
    out: dict[str, Holiday] = {}
    for h in t["holiday"]:
        hol = Holiday(h["holiday"], h["calendar"], int(h.get("month", 1)), int(h.get("day", 1)),
                      (int(h["span"][0]), int(h["span"][1])), bool(h.get("period_only", False)), h["name"],
                      int(h.get("weekday", 6)), int(h.get("nth", 1)), bool(h.get("not_after_country", False)))
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
        countries=frozenset(load_list("dates/countries.txt")),
    )
