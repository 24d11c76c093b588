"""The days of holidays kept by other calendars, from maintained packages (no dates typed by hand).

Which day a holiday falls on in a Gregorian year, where that takes more than month-and-day arithmetic:

- the 24 solar terms (立春 … 大寒): ``lunar_python`` (astronomical, Beijing time);
- Easter and the days counted from it (耶稣受难日, 圣灵降临节): ``dateutil.easter``;
- the Hebrew calendar (逾越节 = 15 Nisan): ``convertdate.hebrew`` (the calendar is arithmetic, so exact);
- the Hindu, Islamic and Buddhist holidays (胡里节, 开斋节, 卫塞节): the tables of python-holidays
  (``holidays.calendars``: Hindu 2001-2035, Islamic 1925-2100 by the Umm al-Qura calendar);
- other countries' national days (以色列国庆节, 美国独立日): python-holidays' country calendars.

Every package is imported on first use only, and every answer is cached: a document pays for a
lookup only when it names such a holiday, and a process computes each (holiday, year) once.  A year
the package does not cover gives None (the date stays unresolved rather than guessed).
"""

from __future__ import annotations

import warnings
from datetime import date
from functools import cache
from typing import Any

_TABLES = {"hindu": "_HinduLunisolar", "islamic": "_IslamicLunar", "buddhist": "_BuddhistLunisolar"}


@cache
def solar_terms(y: int) -> dict[str, date]:
    """The 24 solar terms of Gregorian year ``y`` by their Chinese names (立春: 2024-02-04)."""
    from lunar_python import Lunar

    out: dict[str, date] = {}
    for ly in (y, y + 1):  # lunar year y's table runs from the December before to the March after
        for name, solar in Lunar.fromYmd(ly, 1, 1).getJieQiTable().items():
            d = date(solar.getYear(), solar.getMonth(), solar.getDay())
            if d.year == y and not name.isascii():  # the ASCII keys repeat terms of the years around
                out.setdefault(name, d)
    return out


def solar_term(y: int, term: str) -> date | None:
    """The day of the solar term ``term`` (立春, 冬至) in year ``y``."""
    return solar_terms(y).get(term)


@cache
def easter(y: int, rite: str = "western") -> date | None:
    """Easter Sunday of year ``y`` (``rite``: western | orthodox)."""
    from dateutil import easter as de

    try:
        return de.easter(y, de.EASTER_ORTHODOX if rite == "orthodox" else de.EASTER_WESTERN)
    except ValueError:
        return None


@cache
def hebrew(y: int, month: int, day: int) -> date | None:
    """The Gregorian day in year ``y`` of ``day`` of Hebrew ``month`` (1 = Nisan … 7 = Tishrei … 12 =
    Adar; in a leap year Adar is Adar II, where Purim is kept)."""
    from convertdate import hebrew as hb

    for hy in (y + 3760, y + 3761):
        m = 13 if month == 12 and hb.leap(hy) else month
        try:
            with warnings.catch_warnings():  # convertdate 2.5 calls a function of its own it deprecated
                warnings.simplefilter("ignore", DeprecationWarning)
                d = date(*hb.to_gregorian(hy, m, day))
        except ValueError:
            continue
        if d.year == y:
            return d
    return None


@cache
def _table(name: str) -> Any:
    import holidays.calendars as hc

    return getattr(hc, _TABLES[name])()


@cache
def table(y: int, key: str) -> date | None:
    """The first day in year ``y`` of a holiday of python-holidays' calendar tables, ``key`` written
    ``calendar.holiday`` (hindu.holi, islamic.eid_al_fitr, buddhist.vesak)."""
    name, _, holiday = key.partition(".")
    cal = _table(name)
    fn = getattr(cal, f"{holiday}_date", None) or getattr(cal, f"{holiday}_dates")
    days = sorted(d for d in _dates(fn(y)) if d is not None and d.year == y)
    return days[0] if days else None


def _dates(res: Any) -> list[date | None]:
    """The days of a python-holidays calendar answer, whatever its shape: a date or None, a set of dates,
    (date, estimated), or an iterable of (date, estimated)."""
    if res is None or isinstance(res, date):
        return [res]
    if isinstance(res, tuple) and len(res) == 2 and isinstance(res[1], bool):
        return [res[0]]
    return [r[0] if isinstance(r, tuple) else r for r in res]


@cache
def _country(code: str, y: int) -> dict[date, str]:
    import holidays

    try:
        h = holidays.country_holidays(code, years=y, language="en_US")
    except (NotImplementedError, KeyError, ValueError):
        return {}
    return dict(h.items())


def country(y: int, code: str, names: tuple[str, ...]) -> date | None:
    """The day in year ``y`` of the first of ``names`` (English names of python-holidays) that the
    country ``code`` keeps: the day itself, else the day it is observed on."""
    days = _country(code, y)
    for wanted in names:
        for suffix in ("", " (observed)"):
            hits = sorted(d for d, n in days.items() if wanted + suffix in n.split("; "))
            if hits:
                return hits[0]
    return None


def supported_countries() -> frozenset[str]:
    """The country codes python-holidays has calendars for."""
    import holidays

    return frozenset(holidays.list_supported_countries())
