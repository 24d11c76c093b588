"""Calendar arithmetic of the date extractor: month ends, moving by months and years, Qingming."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def month_end(y: int, m: int) -> date:
    """The last day of month ``m`` of year ``y``."""
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(y: int, m: int, k: int) -> tuple[int, int]:
    """(year, month) ``k`` months after month ``m`` of year ``y`` (k may be negative)."""
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def add_years(d: date, k: int) -> date:
    """``d`` moved by k years; 29 February falls back to the 28th in common years."""
    try:
        return d.replace(year=d.year + k)
    except ValueError:
        return d.replace(year=d.year + k, day=28)


def shift(d: date, unit: str, k: int) -> date:
    """``d`` moved by k units (year, month, week or day; month ends clamp: 3月31日 - 1 month = 2月29日)."""
    if unit == "year":
        return add_years(d, k)
    if unit == "month":
        y, mo = add_months(d.year, d.month, k)
        return date(y, mo, min(d.day, calendar.monthrange(y, mo)[1]))
    return d + timedelta(weeks=k) if unit == "week" else d + timedelta(days=k)


def qingming(y: int) -> date:
    """Date of the Qingming solar term (4 or 5 April): the usual [Y*D+C]-L formula, 1901-2099."""
    yy = y % 100
    c = 4.81 if y >= 2000 else 5.59
    return date(y, 4, int(yy * 0.2422 + c) - yy // 4)


def week_monday(a: date, b: date, k: int) -> date:
    """The Monday of the k-th week of the period [a, b] (k < 0: counted from its end), weeks running
    Monday to Sunday, the first the one holding the period's first Thursday and the last the one
    holding its last Thursday (ISO 8601's rule, used for months too)."""
    if k > 0:
        thursday = a + timedelta(days=(3 - a.weekday()) % 7)
        return thursday - timedelta(days=3) + timedelta(weeks=k - 1)
    thursday = b - timedelta(days=(b.weekday() - 3) % 7)
    return thursday - timedelta(days=3) + timedelta(weeks=k + 1)


def nth_weekday(a: date, b: date, weekday: int, k: int) -> date:
    """The k-th ``weekday`` (0 = Monday) of [a, b] (k < 0: counted from its end)."""
    if k > 0:
        return a + timedelta(days=(weekday - a.weekday()) % 7 + 7 * (k - 1))
    return b - timedelta(days=(b.weekday() - weekday) % 7 + 7 * (-k - 1))
