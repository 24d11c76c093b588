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

from extract.dates.calendar import add_months, add_years, month_end, nth_weekday, shift, week_monday
from extract.dates.lexicon import Holiday, Lexicon, Relative
from extract.dates.read import Parts, Select

Interval = tuple[date, date, str]  # first day, last day, granularity
Resolved = tuple[Interval | None, bool]  # the interval (None: unresolved) and whether it is relative


@dataclass(slots=True)
class Ctx:
    """The last date the text mentioned: the anchor of 当年, 当天, 次日, 同期."""

    start: date | None = None
    end: date | None = None
    granularity: str = "day"
    holiday: Holiday | None = None  # the holiday whose period it is (春运): 2019年同期 is that holiday in 2019


# ---------------------------------------------------------------------------- once the year is known

def calendar_interval(p: Parts, y: int, ref: date | None, lx: Lexicon) -> Interval | None:
    """The interval of a match once its year ``y`` is known (None: no such day in that year)."""
    if p.lunar is not None:
        return _lunar(p.lunar[0], p.lunar[1], p.lunar_leap, y)
    if p.holiday is not None:
        return _holiday(p, y, lx)
    if p.select is not None and p.select.level == "year":
        return _select(p.select, date(y, 1, 1), date(y, 12, 31))
    if p.months is not None:
        a, b = p.months  # b > 12: a month of the year after (8月至2月)
        last = add_months(y, b, 0)
        end = date(*last, 1) - timedelta(days=1) if p.range_end == "start" else month_end(*last)
        return date(y, a, 1), end, "month" if a == b else "range"
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
        a, b, gran, _, last_day = p.year_part  # b > 12 runs into the next year (冬季: 12 to 14)
        if last_day:
            end = month_end(y, b)
            return end, end, gran
        return date(y, a, 1), month_end(*add_months(y, b, 0)) if b <= 12 else month_end(y + 1, b - 12), gran
    if p.year2 is not None:
        return date(y, 1, 1), date(p.year2 - (p.range_end == "start"), 12, 31), "range"
    return date(y, 1, 1), date(y, 12, 31), "year"


def _lunar(month: int, day: int | None, leap: bool, y: int) -> Interval | None:
    """A day of lunar year ``y``, or the whole lunar month (腊月: to the day before the next month's first)."""
    try:
        if day is not None:
            d = lunardate.LunarDate(y, month, day, leap).to_solar_date()
            return d, d, "day"
        first = lunardate.LunarDate(y, month, 1, leap).to_solar_date()
    except ValueError:
        return None
    for length in (30, 29):
        try:
            last = lunardate.LunarDate(y, month, length, leap).to_solar_date()
        except ValueError:
            continue
        return first, last, "month"
    return None


def _holiday(p: Parts, y: int, lx: Lexicon) -> Interval | None:
    """The holiday of year ``y``, or the period it names or that a period word makes of it (春节期间); a
    holiday of a calendar whose days begin at sunset starts the evening before by the option
    ``sunset_start`` "eve" (赎罪日 is then its eve, 逾越节 its eight days from the eve)."""
    h = p.holiday
    assert h is not None
    if p.holiday_period:
        iv = h.period_in(y)
        if iv is None:
            return None
        a, b = iv
        gran = "range"
    else:
        d = h.day_in(y)
        if d is None:
            return None
        d += timedelta(days=p.holiday_shift)  # 前夕: the day before, 翌日: the day after
        a, b, gran = d, d, "day"
    if h.sunset and lx.options.sunset_start == "eve" and not p.holiday_shift:
        a -= timedelta(days=1)
        b = b if gran == "range" else a
    return a, b, gran


def _select(sel: Select, a: date, b: date) -> Interval | None:
    """The part of [a, b] (a year or a month) chosen by order: 第三个月, 前2周, 最后3周, 前10天, 第一周,
    第一个星期一, 最后一个星期一."""
    n = sel.n
    if sel.weekday is not None:
        d = nth_weekday(a, b, sel.weekday, -n if sel.kind == "last" else n)
        return (d, d, "day") if a <= d <= b else None
    if sel.unit == "month":
        first, last = (n, n) if sel.kind == "nth" else (13 - n, 12) if sel.kind == "last" else (1, n)
        if not 1 <= first <= last <= 12:
            return None
        return date(a.year, first, 1), month_end(a.year, last), "month" if first == last else "range"
    if sel.unit == "week":
        if sel.kind == "last":
            return week_monday(a, b, -n), week_monday(a, b, -1) + timedelta(days=6), "range"
        start = week_monday(a, b, n if sel.kind == "nth" else 1)
        return start, week_monday(a, b, n) + timedelta(days=6), "range"
    if sel.kind == "last":
        return b - timedelta(days=n - 1), b, "range"
    if sel.kind == "nth":
        d = a + timedelta(days=n - 1)
        return (d, d, "day") if d <= b else None
    return a, min(b, a + timedelta(days=n - 1)), "range"


def _in_month(p: Parts, y: int, month: int) -> Interval | None:
    """A day, days, a part, a part chosen by order or the whole of ``month`` of year ``y``."""
    last = calendar.monthrange(y, month)[1]
    if p.select is not None:
        return _select(p.select, date(y, month, 1), date(y, month, last))
    if p.day is not None:
        if p.day > last:
            return None
        return date(y, month, p.day), date(y, month, p.day), "day"
    if p.days is not None:
        if p.days[1] > last:
            return None
        end = date(y, month, p.days[1]) - timedelta(days=p.range_end == "start")
        return date(y, month, p.days[0]), end, "range"
    if p.month_part is not None:
        a, b, gran = p.month_part
        return date(y, month, min(a, last)), date(y, month, min(b, last)), gran
    return date(y, month, 1), date(y, month, last), "month"


# ---------------------------------------------------------------------------- one resolver per kind of match

def resolve(p: Parts, ref: date | None, ctx: Ctx, lx: Lexicon) -> Resolved:
    """(interval or None when unresolvable, relative?) of one match, by the first kind of match it is
    (the order decides: a month relative to the reference with no year of its own before a bare day,
    a written year before a relative one)."""
    if p.two_digit and p.year is not None:
        p.year, p.two_digit = _century(p.year, ref, lx), False
    if p.clock_only:
        return _time_alone(ctx)
    if p.decade is not None:
        return _decade(p.decade, ref, p.decade_part or (0, 9))
    if p.same_period:
        return _same_period(p, ctx)
    if p.day_rel is not None:
        return _relative_day(p.day_rel, ref, ctx)
    if p.week_rel is not None:
        return _week(p, p.week_rel, ref, lx)
    if p.quarter_rel is not None:
        return _relative_quarter(p.quarter_rel, ref)
    if p.ago is not None:
        return _ago(p.ago, ref, lx)
    if p.month_rel is not None and not p.has_year():
        return _relative_month(p, p.month_rel, ref, ctx, lx)
    if p.day is not None and p.month is None and not p.has_year():
        if p.paren_offset is not None:
            return _paren_day(p.day, p.paren_offset, ref)
        return _bare_day(p.day, ref, lx)
    if p.year is not None:  # relative only when inherited from a relative date (今年5月1日至5日)
        return calendar_interval(p, p.year, ref, lx), p.inherited
    if p.year_rel is not None:
        return _relative_year(p, p.year_rel, ref, ctx, lx)
    return _implicit_year(p, ref, lx)


def _century(yy: int, ref: date | None, lx: Lexicon) -> int:
    """The year of a two-digit year: this century's up to ``two_digit_years_ahead`` after the reference
    year, else the last century's (98年 = 1998, 24年 = 2024)."""
    base = ref.year if ref is not None else 2035  # no reference: 00-40 this century, 41-99 the last
    ahead = int(lx.tables["year"]["two_digit_years_ahead"])
    y = base // 100 * 100 + yy
    return y if y <= base + ahead else y - 100


def _relative_quarter(rel: Relative, ref: date | None) -> Resolved:
    """本季度, 上个季度, 上个半年: a quarter (or half year) counted from the reference date's."""
    if ref is None:
        return None, True
    size = 6 if rel.unit == "half" else 3
    y, m = add_months(ref.year, (ref.month - 1) // size * size + 1, size * rel.offset)
    return (date(y, m, 1), month_end(y, m + size - 1), "quarter"), True


def _ago(ago: tuple[str, int], ref: date | None, lx: Lexicon) -> Resolved:
    """两年前, 3个月后: the unit N away from the reference date (or the day, by ``ago_granularity``)."""
    if ref is None:
        return None, True
    unit, k = ago
    d = shift(ref, unit, k)
    if lx.options.ago_granularity == "day" or unit == "day":
        return (d, d, "day"), True
    if unit == "year":
        return (date(d.year, 1, 1), date(d.year, 12, 31), "year"), True
    if unit == "month":
        return (date(d.year, d.month, 1), month_end(d.year, d.month), "month"), True
    monday = d - timedelta(days=d.weekday())
    return (monday, monday + timedelta(days=6), "range"), True


def _time_alone(ctx: Ctx) -> Resolved:
    """A time alone is on the day last mentioned (10月14日上午开幕……下午3时签约)."""
    if ctx.end is None or ctx.granularity not in ("day", "datetime"):
        return None, True
    return (ctx.end, ctx.end, "datetime"), True


def _decade(decade: tuple[int, int | None, int | None], ref: date | None, part: tuple[int, int]) -> Resolved:
    """上世纪90年代 -> 1990..1999; 20世纪80年代 -> 1980s; 九十年代 alone -> the 1900s (as news mean it);
    with a part (九十年代末期) its years only."""
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
    return (date(base + dec + part[0], 1, 1), date(base + dec + part[1], 12, 31), "range"), rel


def _same_period(p: Parts, ctx: Ctx) -> Resolved:
    """同期: the context period, moved by the year before it (去年同期, 2019年同期); a holiday's period is
    that holiday's in the year named.  同月: the context's month, moved likewise (上年同月)."""
    if ctx.start is None or ctx.end is None:
        return None, True
    start, end, gran = ctx.start, ctx.end, ctx.granularity
    if p.same_month:
        start, end, gran = date(end.year, end.month, 1), month_end(end.year, end.month), "month"
    if p.year is not None:
        k = p.year - end.year
    elif p.year_rel is not None:
        k = p.year_rel.offset  # 去年同期, 上年同月: a year before the period discussed
    else:
        k = 0
    if ctx.holiday is not None and not p.same_month:
        iv = ctx.holiday.period_in(end.year + k)
        return ((iv[0], iv[1], "range") if iv else None), True
    return (add_years(start, k), add_years(end, k), gran), True


def _relative_day(rel: Relative, ref: date | None, ctx: Ctx) -> Resolved:
    """今天, 昨日 (from the reference; 今明两天: two days); 当天, 次日 (from the day last mentioned; with no
    date mentioned before, from the reference date: 当天 is then today)."""
    if rel.anchor == "ref" or ctx.end is None:
        base = ref
    else:
        base = ctx.end if ctx.granularity in ("day", "datetime") else None
    if base is None:
        return None, True
    d = base + timedelta(days=rel.offset)
    if rel.span:  # 今明两天, 明后两天
        return (d, d + timedelta(days=rel.span), "range"), True
    return (d, d, "day"), True


def _week(p: Parts, rel: Relative, ref: date | None, lx: Lexicon) -> Resolved:
    """A week of the reference date's (上周), one of its days (下周五), its weekend (下下周末) or half.  A
    weekday alone (星期二) is of the reference week, or by the option ``weekday_alone`` the last one on
    or before the reference date, or the next one on or after it."""
    if ref is None:
        return None, True
    monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=rel.offset)
    if p.weekday is not None:
        d = monday + timedelta(days=p.weekday)
        alone = lx.options.weekday_alone if not rel.rule else "this_week"
        if alone == "past" and d > ref:
            d -= timedelta(weeks=1)
        elif alone == "future" and d < ref:
            d += timedelta(weeks=1)
        return (d, d, "day"), True
    if p.week_days is not None:
        return (monday + timedelta(days=p.week_days[0]), monday + timedelta(days=p.week_days[1]), "range"), True
    return (monday, monday + timedelta(days=6), "range"), True


def _relative_month(p: Parts, rel: Relative, ref: date | None, ctx: Ctx, lx: Lexicon) -> Resolved:
    """A month relative to the reference or to the context, with no year of its own (本月, 上月, 当月; 当月
    with no date mentioned before is the reference month)."""
    if rel.anchor == "context" and ctx.end is not None:
        if ctx.granularity in ("year", "range", "quarter"):
            return None, True
        y, mo = add_months(ctx.end.year, ctx.end.month, rel.offset)
    else:
        if ref is None:
            return None, True
        y, mo = add_months(ref.year, ref.month, rel.offset)
    q = Parts(p.start, p.end, month=mo, day=p.day, days=p.days, month_part=p.month_part)
    return calendar_interval(q, y, ref, lx), True


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


def _paren_day(day: int, offset: int, ref: date | None) -> Resolved:
    """今（10）日: the day ``day`` of the month nearest to the reference date moved by ``offset`` (今 0,
    昨 -1): the day written wins over a reference date a few days off."""
    if ref is None:
        return None, True
    target = ref + timedelta(days=offset)
    best: date | None = None
    for k in (-1, 0, 1):
        y, mo = add_months(target.year, target.month, k)
        if day <= calendar.monthrange(y, mo)[1]:
            d = date(y, mo, day)
            if best is None or abs((d - target).days) < abs((best - target).days):
                best = d
    return ((best, best, "day") if best else None), True


def _relative_year(p: Parts, rel: Relative, ref: date | None, ctx: Ctx, lx: Lexicon) -> Resolved:
    """A year relative to the reference (今年, 去年; 今明两年: two years) or to the context (当年, 次年: unresolved
    with no date mentioned before, 当年 alone is "back then"), with its tail."""
    if rel.anchor == "context":
        if ctx.end is None:
            return None, True
        y = ctx.end.year + rel.offset
    else:
        if ref is None:
            return None, True
        y = ref.year + rel.offset
    if rel.span and not p.has_calendar_tail():  # 今明两年
        return (date(y, 1, 1), date(y + rel.span, 12, 31), "range"), True
    return calendar_interval(p, y, ref, lx), True


def _implicit_year(p: Parts, ref: date | None, lx: Lexicon) -> Resolved:
    """A date without its year (10月18日, 一季度, 国庆): the reference year, or the year before when it
    would start more than ``future_tolerance_days`` after the reference date (not for parts of the
    year alone: 年底 is this year's; nor, by the option ``holiday_year``, for holidays and lunar dates,
    which "future" makes the next one: this year's unless it is over, else next year's).
    A leap month (闰四月) is the nearest year's that has one."""
    if not p.has_calendar_tail() or ref is None:
        return None, True
    if p.lunar_leap:
        return _nearest_leap(p, ref, lx), True
    festive_option = lx.options.holiday_year if p.holiday is not None or p.lunar is not None else None
    iv = _in_year(p, ref.year, ref, lx) if p.holiday is not None else calendar_interval(p, ref.year, ref, lx)
    only_year_part = p.year_part is not None and p.month is None and p.months is None and p.quarters is None
    if festive_option == "future":  # the next one: this year's unless it is over
        if iv is None or iv[1] < ref:
            iv = _in_year(p, ref.year + 1, ref, lx) if p.holiday is not None else calendar_interval(p, ref.year + 1,
                                                                                                    ref, lx)
        return iv, True
    if (iv is not None and not only_year_part and festive_option != "reference" and not p.future
            and iv[0] > ref + timedelta(days=lx.future_days)):
        iv = calendar_interval(p, ref.year - 1, ref, lx)
    if iv is None and p.month == 2 and p.day == 29:  # 2月29日 in a common year: the leap year before
        iv = calendar_interval(p, ref.year - (ref.year % 4 or 4), ref, lx)
    return iv, True


def _in_year(p: Parts, y: int, ref: date, lx: Lexicon) -> Interval | None:
    """A holiday without its year, of year ``y``: that of (lunar) year ``y``, or, when that
    one falls in the next Gregorian year (腊八, 腊月), the nearer to the reference date of it and the
    one of lunar year ``y - 1`` (腊八 said in January 2024 is that January's, said in December the
    coming one)."""
    iv = calendar_interval(p, y, ref, lx)
    if iv is not None and iv[0].year > y:
        before = calendar_interval(p, y - 1, ref, lx)
        if before is not None and abs((before[0] - ref).days) < abs((iv[0] - ref).days):
            iv = before
    return iv


def _nearest_leap(p: Parts, ref: date, lx: Lexicon) -> Interval | None:
    """闰四月 without a year: the nearest lunar year (this one first, then one after, one before ...)
    that has that leap month."""
    for k in sorted(range(-19, 20), key=lambda k: (abs(k), -k)):  # a leap month comes back within 19 years
        iv = calendar_interval(p, ref.year + k, ref, lx)
        if iv is not None:
            return iv
    return None


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
