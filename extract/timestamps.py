"""Publication timestamps: the one reader of every common way a publication date and time is written.

The JSONL ``published`` field, ``--ref-date``, a page's metadata (JSON-LD, meta tags, the URL) and the
datelines of plain text all go through :func:`read`, so a form read in one place is read in all:
ISO 8601 with or without a zone (``2024-03-05T08:30:00+08:00``, ``…Z``), slashes and dots, 年月日 with
a weekday and a time of day (``2024年3月5日 星期二 下午3:30``), RFC 822 (``Tue, 05 Mar 2024 08:00:00
+0800``), epoch seconds and milliseconds, and compact ``20240305``.

A date and time is given as ISO text: ``YYYY-MM-DD`` when no time is stated, else
``YYYY-MM-DDTHH:MM:SS`` as wall time (a stated zone or an epoch count is brought to the zone of
``rules/clean/timestamps.toml``).  A value that is no date, an impossible date (2024-13-45) or a year
outside the plausible range (0001-01-01, 9999-12-31 are placeholders) is not read, and :func:`read`
says why, so that every caller can report it instead of dropping it silently.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from typing import NamedTuple

from extract.rules import load_toml

# Full-width digits, colon, plus, minus, slash and dot to ASCII (a value from a page or a JSONL field is
# not normalised yet).
_WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, 0xFF1A: 0x3A, 0xFF0B: 0x2B, 0xFF0D: 0x2D, 0xFF0F: 0x2F,
          0xFF0E: 0x2E, 0x3000: 0x20}
_MONTH_NAME = re.compile(r"[A-Za-z]{3}")


class _Grammar(NamedTuple):
    """The compiled forms of timestamps.toml."""

    written: re.Pattern[str]
    compact: re.Pattern[str]
    seconds: re.Pattern[str]
    milliseconds: re.Pattern[str]
    years: tuple[int, int]
    local: timezone
    afternoon: frozenset[str]


@cache
def _grammar() -> _Grammar:
    r = load_toml("clean/timestamps")
    return _Grammar(re.compile(r["pattern"]), re.compile(r["compact"]), re.compile(r["epoch_seconds"]),
                    re.compile(r["epoch_milliseconds"]), (r["min_year"], r["max_year"]),
                    timezone(timedelta(minutes=r["local_offset_minutes"])), frozenset(r["afternoon"]))


def pattern() -> str:
    """The written-timestamp pattern (named groups y m d ampm H M S tz), for rules that find one in text."""
    return load_toml("clean/timestamps")["pattern"]


class Reading(NamedTuple):
    """What a timestamp reads as: the ISO text, or None and the reason."""

    iso: str | None
    why: str | None = None
    out_of_range: bool = False  # a real date, but no plausible publication date (reported, then ignored)


def parse(s: str | None) -> str | None:
    """ISO form of a stated date or date and time (see the module docstring), or None."""
    return read(s).iso if s else None


def read(s: str) -> Reading:
    """Read a whole value as a timestamp: its ISO text, or None and why it is not one."""
    g = _grammar()
    v = s.translate(_WIDTH).strip()
    if not v:
        return Reading(None, "empty")
    if g.seconds.fullmatch(v) or g.milliseconds.fullmatch(v):
        return _epoch(v, g)
    m = g.written.fullmatch(v) or g.compact.fullmatch(v)
    if m:
        return _from_match(m, g)
    if _MONTH_NAME.search(v):
        return _rfc822(v, g)
    return Reading(None, "not a date or time")


def read_match(m: re.Match[str]) -> Reading:
    """A timestamp found in text with :func:`pattern` (its named groups), read."""
    return _from_match(m, _grammar())


def _from_match(m: re.Match[str], g: _Grammar) -> Reading:
    """The date (and time) of a match of the written or compact form, checked."""
    parts = m.groupdict()
    y, mo, d = int(parts["y"]), int(parts["m"]), int(parts["d"])
    if not g.years[0] <= y <= g.years[1]:
        return _out_of_range(y, g)
    try:
        day = date(y, mo, d)
    except ValueError:
        return Reading(None, "not a valid date")
    if parts.get("H") is None:
        return Reading(day.isoformat())
    hour, minute, second = int(parts["H"]), int(parts["M"]), int(parts.get("S") or 0)
    if parts.get("ampm") in g.afternoon and hour < 12:
        hour += 12
    try:
        stamp = datetime(y, mo, d, hour, minute, second)
    except ValueError:
        return Reading(None, "not a valid time")
    zone = _zone(parts.get("tz"))
    if zone is not None:
        stamp = stamp.replace(tzinfo=zone).astimezone(g.local).replace(tzinfo=None)
    return _checked(stamp, g)


_OFFSET = re.compile(r"([+-])(\d{1,2}):?(\d{2})?$")


def _zone(tz: str | None) -> timezone | None:
    """The zone a timestamp states (Z, +08:00, +0800, GMT+8, UTC), or None when it states none."""
    if not tz:
        return None
    m = _OFFSET.search(tz)
    if not m:
        return UTC  # Z, GMT, UTC
    minutes = int(m[2]) * 60 + int(m[3] or 0)
    return timezone(timedelta(minutes=-minutes if m[1] == "-" else minutes))


def _epoch(v: str, g: _Grammar) -> Reading:
    """Seconds or milliseconds since 1970 (UTC), as wall time in the local zone."""
    seconds = float(v) / (1000 if g.milliseconds.fullmatch(v) else 1)
    try:
        stamp = datetime.fromtimestamp(seconds, UTC).astimezone(g.local).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return Reading(None, "epoch time out of range", out_of_range=True)
    return _checked(stamp.replace(microsecond=0), g)


def _rfc822(v: str, g: _Grammar) -> Reading:
    """An e-mail / RSS date (Tue, 05 Mar 2024 08:00:00 +0800); a zone-less one is taken as written."""
    try:
        stamp = parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError, OverflowError):
        try:  # a day without a time of day (Tue, 05 Mar 2024)
            day = parsedate_to_datetime(f"{v} 00:00:00").date()
        except (TypeError, ValueError, IndexError, OverflowError):
            return Reading(None, "not a date or time")
        return Reading(day.isoformat()) if g.years[0] <= day.year <= g.years[1] else _out_of_range(day.year, g)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(g.local).replace(tzinfo=None)
    return _checked(stamp, g)


def _checked(stamp: datetime, g: _Grammar) -> Reading:
    """The ISO text of a date and time whose year is plausible."""
    if not g.years[0] <= stamp.year <= g.years[1]:
        return _out_of_range(stamp.year, g)
    return Reading(stamp.isoformat(timespec="seconds"))


def _out_of_range(year: int, g: _Grammar) -> Reading:
    return Reading(None, f"year {year} is outside {g.years[0]}–{g.years[1]}", out_of_range=True)


def read_date(s: str) -> Reading:
    """A day given as ``YYYY-MM-DD`` (an option such as ``--ref-date``): its ISO text, or None and why."""
    v = s.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return Reading(None, "expected YYYY-MM-DD")
    return read(v)
