"""Resolving read dates (:class:`~extract.dates.read.Parts`) to inclusive intervals.

A match resolves against the reference date (今年, 上月, a date without its year) or against the
context, the last date the article mentioned (当年, 次日, 同期, a time alone).  Without the date it
needs, it stays unresolved (``None``) rather than being guessed.  :func:`resolve` sends a match to the
resolver of its kind; :func:`calendar_interval` is the interval of a match once its year is known.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import lunardate

from extract.dates.calendar import add_months, add_years, month_end
from extract.dates.lexicon import Lexicon, Relative
from extract.dates.read import Parts

Interval = tuple[date, date, str]  # first day, last day, granularity
Resolved = tuple[Interval | None, bool]  # the interval (None: unresolved) and whether it is relative


@dataclass(slots=True)
class Ctx:
    """The last date the text mentioned: the anchor of 当年, 当天, 次日, 同期."""

    start: date | None = None
    end: date | None = None
    granularity: str = "day"


# ---------------------------------------------------------------------------- once the year is known

def calendar_interval(p: Parts, y: int, ref: date | None) -> Interval | None:
    """The interval of a match once its year ``y`` is known (None: no such day in that year)."""
    if p.lunar is not None:
        try:
            d = lunardate.LunarDate(y, *p.lunar).to_solar_date()
        except ValueError:
            return None
        return d, d, "day"
    if p.holiday is not None:
        return _holiday(p, y)
    if p.months is not None:
        return date(y, p.months[0], 1), month_end(y, p.months[1]), "range"
    if p.quarters is not None:
        q1, q2 = p.quarters
        if not 1 <= q1 <= q2 <= 4:
            return None
        return date(y, 3 * q1 - 2, 1), month_end(y, 3 * q2), "quarter"
    month = p.month
    if month is None and p.month_rel is not None:
        if p.month_rel.anchor == "context" or ref is None:
            return None
        month = add_months(ref.year, ref.month, p.month_rel.offset)[1]
    if month is not None:
        return _in_month(p, y, month)
    if p.year_part is not None:
        a, b, gran, _ = p.year_part  # b > 12 runs into the next year (冬季: 12 to 14)
        return date(y, a, 1), month_end(*add_months(y, b, 0)) if b <= 12 else month_end(y + 1, b - 12), gran
    if p.year2 is not None:
        return date(y, 1, 1), date(p.year2, 12, 31), "range"
    return date(y, 1, 1), date(y, 12, 31), "year"


def _holiday(p: Parts, y: int) -> Interval | None:
    """The holiday of year ``y``, or the period around it (春节期间)."""
    assert p.holiday is not None
    d = p.holiday.day_in(y)
    if d is None:
        return None
    if p.holiday_period:
        a, b = p.holiday.span
        return d + timedelta(days=a), d + timedelta(days=b), "range"
    return d, d, "day"


def _in_month(p: Parts, y: int, month: int) -> Interval | None:
    """A day, days, a part or the whole of ``month`` of year ``y``."""
    last = calendar.monthrange(y, month)[1]
    if p.day is not None:
        if p.day > last:
            return None
        return date(y, month, p.day), date(y, month, p.day), "day"
    if p.days is not None:
        if p.days[1] > last:
            return None
        return date(y, month, p.days[0]), date(y, month, p.days[1]), "range"
    if p.month_part is not None:
        return date(y, month, p.month_part[0]), date(y, month, min(p.month_part[1], last)), "xun"
    return date(y, month, 1), date(y, month, last), "month"


# ---------------------------------------------------------------------------- one resolver per kind of match

def resolve(p: Parts, ref: date | None, ctx: Ctx, lx: Lexicon) -> Resolved:
    """(interval or None when unresolvable, relative?) of one match, by the first kind of match it is
    (the order decides: a month relative to the reference with no year of its own before a bare day,
    a written year before a relative one)."""
    if p.clock_only:
        return _time_alone(ctx)
    if p.decade is not None:
        return _decade(p.decade, ref)
    if p.same_period:
        return _same_period(p, ctx)
    if p.day_rel is not None:
        return _relative_day(p.day_rel, ref, ctx)
    if p.week_rel is not None:
        return _week(p, p.week_rel, ref)
    if p.month_rel is not None and not p.has_year():
        return _relative_month(p, p.month_rel, ref, ctx)
    if p.day is not None and p.month is None and not p.has_year():
        return _bare_day(p.day, ref, lx)
    if p.year is not None:  # relative only when inherited from a relative date (今年5月1日至5日)
        return calendar_interval(p, p.year, ref), p.inherited
    if p.year_rel is not None:
        return _relative_year(p, p.year_rel, ref, ctx)
    return _implicit_year(p, ref, lx)


def _time_alone(ctx: Ctx) -> Resolved:
    """A time alone is on the day last mentioned (10月14日上午开幕……下午3时签约)."""
    if ctx.end is None or ctx.granularity not in ("day", "datetime"):
        return None, True
    return (ctx.end, ctx.end, "datetime"), True


def _decade(decade: tuple[int, int | None, int | None], ref: date | None) -> Resolved:
    """上世纪90年代 -> 1990..1999; 20世纪80年代 -> 1980s; 九十年代 alone -> the 1900s (as news mean it)."""
    dec, century, offset = decade
    rel = offset is not None
    if rel:
        if ref is None:
            return None, True
        base = (ref.year // 100 + offset) * 100
    elif century is not None:
        if not century:
            return None, False
        base = (century - 1) * 100
    else:
        base = 1900
    return (date(base + dec, 1, 1), date(base + dec + 9, 12, 31), "range"), rel


def _same_period(p: Parts, ctx: Ctx) -> Resolved:
    """同期: the context period, moved by the year before it (去年同期)."""
    if ctx.start is None or ctx.end is None:
        return None, True
    k = p.year_rel.offset if p.year_rel is not None else 0
    return (add_years(ctx.start, k), add_years(ctx.end, k), ctx.granularity), True


def _relative_day(rel: Relative, ref: date | None, ctx: Ctx) -> Resolved:
    """今天, 昨日 (from the reference); 当天, 次日 (from the day last mentioned)."""
    base = ref if rel.anchor == "ref" else ctx.end if ctx.granularity in ("day", "datetime") else None
    if base is None:
        return None, True
    d = base + timedelta(days=rel.offset)
    return (d, d, "day"), True


def _week(p: Parts, rel: Relative, ref: date | None) -> Resolved:
    """A week of the reference date's (上周), one of its days (下周五) or its weekend (下下周末)."""
    if ref is None:
        return None, True
    monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=rel.offset)
    if p.weekday is not None:
        d = monday + timedelta(days=p.weekday)
        return (d, d, "day"), True
    if p.weekend:
        return (monday + timedelta(days=5), monday + timedelta(days=6), "range"), True
    return (monday, monday + timedelta(days=6), "range"), True


def _relative_month(p: Parts, rel: Relative, ref: date | None, ctx: Ctx) -> Resolved:
    """A month relative to the reference or to the context, with no year of its own (本月, 上月, 当月)."""
    if rel.anchor == "context":
        if ctx.end is None or ctx.granularity in ("year", "range", "quarter"):
            return None, True
        y, mo = add_months(ctx.end.year, ctx.end.month, rel.offset)
    else:
        if ref is None:
            return None, True
        y, mo = add_months(ref.year, ref.month, rel.offset)
    q = Parts(p.start, p.end, month=mo, day=p.day, days=p.days, month_part=p.month_part)
    return calendar_interval(q, y, ref), True


def _bare_day(day: int, ref: date | None, lx: Lexicon) -> Resolved:
    """A bare day (29日): the reference month, or the month before when clearly in the future."""
    if ref is None:
        return None, True
    for k in (0, -1):
        y, mo = add_months(ref.year, ref.month, k)
        if day <= calendar.monthrange(y, mo)[1]:
            d = date(y, mo, day)
            if k == -1 or d <= ref + timedelta(days=lx.bare_day_days):
                return (d, d, "day"), True
    return None, True


def _relative_year(p: Parts, rel: Relative, ref: date | None, ctx: Ctx) -> Resolved:
    """A year relative to the reference (今年, 去年) or to the context (当年, 次年), with its tail."""
    if rel.anchor == "context":
        if ctx.end is None:
            return None, True
        y = ctx.end.year + rel.offset
    else:
        if ref is None:
            return None, True
        y = ref.year + rel.offset
    return calendar_interval(p, y, ref), True


def _implicit_year(p: Parts, ref: date | None, lx: Lexicon) -> Resolved:
    """A date without its year (10月18日, 一季度, 国庆): the reference year, or the year before when it
    would start more than ``future_tolerance_days`` after the reference date (not for parts of the
    year alone: 年底 is this year's)."""
    if not p.has_calendar_tail() or ref is None:
        return None, True
    iv = calendar_interval(p, ref.year, ref)
    only_year_part = p.year_part is not None and p.month is None and p.months is None and p.quarters is None
    if iv is not None and not only_year_part and iv[0] > ref + timedelta(days=lx.future_days):
        iv = calendar_interval(p, ref.year - 1, ref)
    return iv, True


def inherit(p2: Parts, resolved_end: date, relative: bool) -> bool:
    """The second date of a range or list takes the year (and month) it leaves out: 5月1日至5日.

    True when it took them."""
    if p2.has_year() or p2.day_rel is not None or p2.week_rel is not None or p2.same_period:
        return False
    if p2.day is not None and p2.month is None and p2.month_rel is None:
        p2.month = resolved_end.month
    elif not p2.has_calendar_tail():
        return False
    p2.year = resolved_end.year
    p2.inherited = relative  # relative when the date it inherits from was
    return True
