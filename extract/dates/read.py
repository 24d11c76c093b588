"""Reading the scanning regex's matches into parts: what a match says, before it is resolved.

:func:`scan` runs the scanning regex (:mod:`extract.dates.grammar`) over a text, reads each match with
the reader of the alternative that matched (:data:`_READERS`), then extends a day with the weekday and
time written after it (:func:`_extend`).  Each reader names the rule that decided the match's shape
(``Parts.rule``): the most precise written part of it (去年11月30日: ``date.day``).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import NamedTuple

from extract.dates import festivals
from extract.dates.grammar import ALT, Grammar
from extract.dates.lexicon import Holiday, Lexicon, Relative, YearPart
from extract.numeral import cn_int

_Group = Callable[[str], str | None]  # a match's group() method


class Select(NamedTuple):
    """A part of a year or a month chosen by order (calendar.toml [selector])."""

    kind: str  # nth (第) | first (前, 首, 头) | last (最后)
    n: int
    unit: str  # month | week | day
    weekday: int | None  # 第一个星期一: the n-th such weekday
    level: str  # year | month: what it is a part of


@dataclass(slots=True)
class Parts:
    """What one regex match said, before it is resolved against a reference or context date."""

    start: int
    end: int
    rule: str | None = None  # the rule name (a ``name`` of rules/dates/)
    year: int | None = None
    year_rel: Relative | None = None
    year2: int | None = None
    year_part: YearPart | None = None
    month: int | None = None
    month_rel: Relative | None = None
    months: tuple[int, int] | None = None
    day: int | None = None
    days: tuple[int, int] | None = None
    month_part: tuple[int, int, str] | None = None  # first day, last day, granularity
    quarters: tuple[int, int] | None = None
    day_rel: Relative | None = None
    week_rel: Relative | None = None
    quarter_rel: Relative | None = None
    select: Select | None = None  # a part chosen by order: 第一周, 前4个月, 最后一个星期一
    ago: tuple[str, int] | None = None  # (unit, signed count): 两年前 = ("year", -2)
    paren_offset: int | None = None  # 今（10）日: 0, 昨（9）日: -1
    future: bool = False  # a deadline or plan (12月底前, 将于7月): no year before the reference one
    two_digit: bool = False  # the year was written with two digits (24年): its century comes with the reference
    weekday: int | None = None
    holiday: Holiday | None = None
    holiday_period: bool = False
    prefixed: bool = False  # the record took in a word before the holiday (以色列国庆节, 东正教复活节)
    holiday_shift: int = 0  # 国庆节前夕: -1 (the day before), 国庆节次日: 1 (the day after)
    same_period: bool = False
    same_month: bool = False  # 同月: the context's month
    # (the decade's year in its century, the century written (20世纪: 20) or None, the century relative
    # to the reference date's (上世纪: -1) or None)
    decade: tuple[int, int | None, int | None] | None = None
    decade_part: tuple[int, int] | None = None  # 九十年代末期: years [first, last] of the decade
    week_days: tuple[int, int] | None = None  # days [first, last] of the week (0 = Monday): 周末 (5, 6), 下半周
    lunar: tuple[int, int | None] | None = None  # lunar (month, day); no day: the whole lunar month
    lunar_leap: bool = False  # 闰四月: the leap month
    clock_only: bool = False
    time: str | None = None
    has_clock: bool = False
    inherited: bool = False
    range_end: str | None = None  # a range written in one expression (1995-1997年): options.toml range_end

    def anchor(self, relative: bool) -> str | None:
        """What a relative match was resolved against: the context (当年, 次日, 同期) or the reference."""
        if self.same_period or self.clock_only or _from_context(self.year_rel) or _from_context(self.month_rel) \
                or _from_context(self.day_rel):
            return "context"
        return "ref" if relative else None

    def has_select_day(self) -> bool:
        return self.select is not None and self.select.weekday is not None

    def has_day(self) -> bool:
        return (self.day is not None or self.day_rel is not None or self.weekday is not None
                or self.lunar is not None and self.lunar[1] is not None or self.has_select_day()
                or self.ago is not None and self.ago[0] == "day")

    def has_year(self) -> bool:
        return self.year is not None or self.year_rel is not None

    def has_calendar_tail(self) -> bool:
        """True when the match names something inside a year (month, quarter, holiday ...)."""
        return (self.month is not None or self.month_rel is not None or self.months is not None
                or self.lunar is not None or self.select is not None
                or self.quarters is not None or self.holiday is not None or self.year_part is not None)


def _from_context(rel: Relative | None) -> bool:
    """True for a relative word anchored on the date mentioned last (当年, 当月, 次日)."""
    return rel is not None and rel.anchor == "context"


_PART_FIELDS = operator.attrgetter(*Parts.__slots__)  # in the order of the constructor's arguments


def copy(p: Parts) -> Parts:
    """A fresh copy of a scanned match (its fields are immutable values, so a shallow copy is enough)."""
    return Parts(*_PART_FIELDS(p))


def scan(text: str, gr: Grammar) -> list[Parts]:
    """The date expressions of ``text`` as parts, in order, none overlapping the one before."""
    out: list[Parts] = []
    for m in _matches(text, gr):
        p = _read(m, gr)
        if p is None or _titled(text, p):
            continue
        while p.end > p.start and text[p.end - 1].isspace():
            p.end -= 1
        _extend(text, p, gr)
        if _is_relative(p) and _named(text, p, gr):
            continue
        if out and _year_of(text, out[-1], p):
            y = out.pop()
            p.start, p.year, p.year_rel, p.two_digit = y.start, y.year, y.year_rel, y.two_digit
        if out and p.start < out[-1].end:
            continue
        out.append(p)
    return out


def _matches(text: str, gr: Grammar) -> Iterator[re.Match]:
    """The non-empty matches of the scanning regex, as its ``finditer`` gives them.

    The class-led guard finds the few places where a match may start (a date's first character, and the
    second one a date word needs), and only there are the alternatives tried: the scanning regex itself
    starts with a look-ahead, which the engine enters at every position of the text.  An empty match, which
    ``finditer`` follows with a non-empty one at the same place, hands the rest of the text to ``finditer``."""
    pos, search, match = 0, gr.guard.search, gr.main.match  # (its guard again: cheaper than compiling it without)
    while (g := search(text, pos)) is not None:
        p = g.start()
        m = match(text, p)
        if m is None:
            pos = p + 1
        elif m.end() > p:
            yield m
            pos = m.end()
        else:
            rest = gr.main.finditer(text, p)
            next(rest)  # (the same empty match)
            yield from (m for m in rest if m.end() > m.start())
            return


def _year_of(text: str, y: Parts, p: Parts) -> bool:
    """True when ``y`` is a year alone written right before the word taken in by a holiday ``p`` (the country
    of 2019年以色列国庆节, 明年的美国独立日, the church of 2024年东正教复活节): the year of that day."""
    return (p.holiday is not None and p.prefixed and not p.has_year() and y.has_year()
            and not y.has_calendar_tail() and y.year2 is None and y.decade is None and y.day is None
            and not y.same_period and text[y.end:p.start] in ("", "的"))


def _is_relative(p: Parts) -> bool:
    """True when the match holds a relative word (今日, 同年, 上周, 本月)."""
    return p.day_rel is not None or p.week_rel is not None or p.year_rel is not None or p.month_rel is not None


def _titled(text: str, p: Parts) -> bool:
    """A relative word inside a title (《明日之后》, 《今天》): part of a name, not a date of the article."""
    if not _is_relative(p):
        return False
    return text.rfind("《", 0, p.start) > text.rfind("》", 0, p.start)


def _named(text: str, p: Parts, gr: Grammar) -> bool:
    """A relative word that only begins a longer dictionary word (今日说法, 今日头条, 同日而语): a name or an
    idiom, not a date (relative.toml [relative_names]).  The words are looked up as jieba builds its word
    graph: every prefix of a word is in the dictionary, so the look-up stops at the first text that is none."""
    if gr.bound_re.match(text, p.end):
        return False  # 今年以来, 今日起: the word ends with a bound the date takes in
    d = _dictionary(gr.lex)
    for k in range(p.end + 1, min(len(text), p.start + d.longest) + 1):
        w = text[p.start:k]
        if w in d.names:
            return True
        f = d.freq.get(w)
        if f and w not in d.still:
            return True
        if f is None and w not in d.name_prefixes:
            return False
    return False


class _Names(NamedTuple):
    """What :func:`_named` looks words up in."""

    freq: dict[str, int]  # the project tokenizer's words (and jieba's zero-frequency prefixes of words)
    names: frozenset[str]  # names the dictionary lacks
    name_prefixes: frozenset[str]
    still: frozenset[str]  # dictionary words in which the relative word stays a date
    longest: int


@cache
def _dictionary(lx: Lexicon) -> _Names:
    """The words of :class:`_Names`, read once."""
    from extract.lexicon import tokenizer  # jieba's dictionary: loaded only once a relative word is read

    t = lx.tables["relative_names"]
    prefixes = frozenset(n[:i] for n in t["names"] for i in range(1, len(n)))
    return _Names(tokenizer().FREQ, frozenset(t["names"]), prefixes, frozenset(t["still_dates"]), t["max_len"])


def _read(m: re.Match, gr: Grammar) -> Parts | None:
    """Read one scanning match into parts with the reader of its alternative; ``None`` when it is not
    a valid date after all."""
    return _READERS[m.lastgroup](m, Parts(m.start(), m.end()), gr)  # type: ignore[index]


# ---------------------------------------------------------------------------- one reader per alternative

def _read_numeric(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """2024-09-09, 20240307, 3/3/2015 (the year last), 6·30 and 09-01 (no year)."""
    g = m.group
    if g("ny") or g("cy"):
        p.year, p.month, p.day = int(g("ny") or g("cy")), int(g("nm") or g("cm")), int(g("nd") or g("cd"))
    elif g("xy"):
        a, b = int(g("xa")), int(g("xb"))
        day_first = a > 12 or b <= 12 and gr.lex.options.year_last_order == "dmy"
        p.year, p.month, p.day = int(g("xy")), (b if day_first else a), (a if day_first else b)
        if p.month > 12:
            return None
    else:
        p.month, p.day = int(g("dm") or g("hm")), int(g("dd") or g("hd"))
    p.rule = gr.lex.names.numeric
    return p


def _read_ago(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """两年前, 3个月后, 20天后: N units from the reference date; 半年后 and 一年半前 in months, 半个月后 in days."""
    t = gr.lex.tables
    if m["az"] or m["az2"]:
        unit, n = t["ago_half"]["words"][m["az"] or m["az2"]]
    else:
        n = cn_int(m["an"] or m["an2"])
        unit = t["ago_units"]["units"][m["au"] or m["au2"]]
        if n and (m["ah"] or m["ah2"]):  # 一年半: in months
            if unit != "year":
                return None
            unit, n = "month", 12 * n + 6
    if not n:
        return None
    p.ago = (unit, -n if m["ago"] else n)
    p.rule = gr.lex.names.ago if m["ago"] else gr.lex.names.later
    return p


def _read_paren_day(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """今（10）日: the day of the month written in brackets."""
    p.day = cn_int(m["pd"])
    if p.day is None or not 1 <= p.day <= 31:
        return None
    p.paren_offset = gr.lex.tables["paren_day"]["words"][m["pw"]]
    p.rule = gr.lex.names.paren_day
    return p


def _read_rel_quarter(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """本季度, 上个季度."""
    p.quarter_rel = gr.lex.relative[m["rq"]]
    p.rule = p.quarter_rel.rule
    return p


def _read_lunar(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """农历 with an optional year, 正月/腊月, 闰四月, 三月初一, 大年初五, 八月十五 (a month alone: the lunar month)."""
    g = m.group
    k = next(i for i in "123456" if g("lm" + i))  # the branch that matched
    lm_text, ld_text = g("lm" + k), g("ld" + k)
    lx = gr.lex
    lm = 1 if k == "6" else lx.lunar_months.get(lm_text) or cn_int(lm_text)  # 6: 大年初五
    ld = cn_int(ld_text.lstrip(lx.tables["lunar"]["day_prefix"])) if ld_text else None
    if g("ly") or g("ly2"):
        p.year = cn_int(g("ly") or g("ly2"))
    elif g("lye"):  # 康熙三年正月初一
        k = 1 if g("lyen") == lx.tables["era"]["first_year"] else cn_int(g("lyen"))
        if not k:
            return None
        p.year = lx.tables["era"]["eras"][g("lye")] + k - 1
    elif g("lyr") or g("lyr2"):
        p.year_rel = lx.relative[g("lyr") or g("lyr2")]
    if lm is None or not 1 <= lm <= 12:
        return None
    p.lunar = (lm, ld)
    p.lunar_leap = bool(g("lleap") or g("lleap2") or g("lleap3"))
    p.rule = lx.names.lunar
    return p


def _read_years(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """2023—2026年, 从2016到2018; 2016-2018 alone may be a number range."""
    if not (m["yfrom"] or m["yyn"]):
        return None
    p.year, p.year2 = int(m["yy1"]), int(m["yy2"])
    p.rule, p.range_end = gr.lex.names.year_range, gr.lex.options.range_end
    return p if p.year < p.year2 else None


def _read_decade(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """上世纪90年代 (a relative century), 20世纪80年代, 九十年代 (no century), 1990年代."""
    if m["cent2"]:
        return _read_century(m, p, gr)
    if m["dec4"]:
        year = int(m["dec4"])
        p.decade = (year % 100, year // 100 + 1, None)
    else:
        cent = m["cent"]
        offset = gr.lex.centuries.get(cent) if cent else None
        number = (cn_int(cent) or 0) if cent and offset is None else None
        p.decade = (cn_int(m["dec"]) or 0, number, offset)
    part = m["decp"] or m["decp2"]
    if part:
        first, last = gr.lex.tables["decade"]["parts"][part]
        p.decade_part = (int(first), int(last))
    p.rule = gr.lex.names.decade
    return p


def _read_century(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """19世纪, 本世纪 (a relative century), 20世纪末: a decade of the whole century (or of its part)."""
    cent = m["cent2"]
    offset = gr.lex.centuries.get(cent)
    number = cn_int(cent) if offset is None else None
    if offset is None and not number:
        return None
    t = gr.lex.tables["century"]
    first, last = t["parts"][m["centp"]] if m["centp"] else (0, 99)
    p.decade, p.decade_part, p.rule = (0, number, offset), (int(first), int(last)), t["name"]
    return p


def _read_rel_day(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """今天, 昨日, 次日."""
    p.day_rel = gr.lex.relative[m["rd"]]
    p.rule = p.day_rel.rule
    return p


def _read_week(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """上周, 下周五, 下下周末; 周末 alone (this week's); 上半周, 下半周 (this week's halves)."""
    if m["rw"]:
        p.week_rel = gr.lex.relative[m["rw"]]
        p.rule = p.week_rel.rule
    else:
        p.week_rel = _THIS_WEEK
        p.rule = gr.lex.names.weekend
    if m["rwd"]:
        p.weekday = gr.lex.weekdays[m["rwd"]]
    if m["rwe"] or m["we0"]:
        p.week_days = _WEEKEND
    elif m["wp"]:
        first, last = gr.lex.tables["week_part"]["parts"][m["wp"]]
        p.week_days, p.rule = (int(first), int(last)), gr.lex.names.week_part
    return p


_THIS_WEEK = Relative("week", 0, "ref", "")  # the week of a weekday or weekend written alone
_WEEKEND = (5, 6)  # Saturday and Sunday
_THIS_MONTH = Relative("month", 0, "ref", "")  # the month of a month part written alone (月底)


def _read_weekday(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """星期一, 礼拜天, 周五: a day of the reference week."""
    p.weekday = gr.lex.weekdays[m["wd"] or m["wd2"]]
    p.week_rel = _THIS_WEEK
    p.rule = gr.lex.names.weekday
    return p


def _read_month_part(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """月底, 月中旬: a part of the reference month."""
    p.month_rel = _THIS_MONTH
    p.month_part = gr.lex.month_parts[m["mp0"] or m["mp1"]]
    p.rule = gr.lex.names.month_part
    return p


def _read_bare_day(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """29日: a day of the reference month."""
    p.day = cn_int(m["bd"])
    p.rule = gr.lex.names.bare_day
    return p


def _read_clock(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """8:30 alone."""
    p.clock_only = True
    p.time = _clock(gr.lex, m["hh"], m["mi"], m["ss"], None)
    p.rule = gr.lex.names.clock
    return p


def _read_daypart_clock(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """下午5:00, 凌晨2点半: the clock after the day part is read with the day-time regex."""
    t = gr.day_time.match(m.string, m.start())
    if t is None or not (t["hh"] or t["hc"]):
        return None
    p.clock_only, p.end = True, t.end()
    p.time = _time_of(gr.lex, t, t["dp"])
    p.rule = gr.lex.names.daypart_clock
    return p if p.time else None


_Reader = Callable[[re.Match, Parts, Grammar], "Parts | None"]


def _read_dated(m: re.Match, p: Parts, gr: Grammar) -> Parts | None:
    """A year with an optional tail, or a tail alone (whose groups are read again from ``tail_re``)."""
    tg: _Group = m.group
    if m["tailonly"]:
        t = gr.tail_re.match(m.string, m.start())
        assert t is not None and t.end() == m.end()
        tg = t.group
    if not _read_year(m.group, p, gr.lex) or not _read_tail(tg, p, gr.lex):
        return None
    if p.holiday is not None and (p.holiday.not_after_country or p.holiday.needs_country) \
            and not _country_day(m.string, p, gr.lex):
        return None
    if p.holiday is not None and not p.has_year():
        _prefix(m.string, p, gr.lex)
    if p.month is not None and not 1 <= p.month <= 12:
        return None
    if p.day is not None and not 1 <= p.day <= 31:
        return None
    return p


# The reader of each alternative of the scanning regex, by the name of its group (see date_grammar).
_READERS: dict[str, _Reader] = {ALT + k: v for k, v in {
    "numeric": _read_numeric, "years": _read_years, "decade": _read_decade, "lunar": _read_lunar,
    "ago": _read_ago, "paren_day": _read_paren_day, "rel_quarter": _read_rel_quarter, "dated": _read_dated,
    "rel_day": _read_rel_day, "rel_week": _read_week, "weekend": _read_week,
    "weekday": _read_weekday, "weekday_short": _read_weekday, "mpart": _read_month_part,
    "bare_day": _read_bare_day, "clock": _read_clock, "dp_clock": _read_daypart_clock}.items()}


# ---------------------------------------------------------------------------- a year and its tail

def _country_before(text: str, pos: int, lx: Lexicon) -> str | None:
    """The name of another country that ends at ``pos`` (the longest: 以色列 of 以色列国庆节), or None."""
    for n in range(9, 1, -1):
        if pos >= n and text[pos - n:pos] in lx.countries:
            return text[pos - n:pos]
    return None


def _country_day(text: str, p: Parts, lx: Lexicon) -> bool:
    """A national day after a country's name (以色列国庆节, 美国独立日) is that country's: ``p`` takes its
    name and that country's day (holidays.toml [national_day]).  False when there is no record: a
    country whose calendar python-holidays lacks, or 独立日 without a country."""
    h = p.holiday
    assert h is not None
    country = _country_before(text, p.start, lx) if p.year is None and p.year_rel is None else None
    if country is None:
        return not h.needs_country
    code = lx.countries[country]
    if code not in festivals.supported_countries():
        return False
    p.holiday = _national(h, country, code, lx.national_days.get(h.name, ()), code in lx.sunset_countries,
                          lx.names.national_day)
    p.start, p.prefixed = p.start - len(country), True
    p.rule = p.holiday.rule if not (p.holiday_period or p.holiday_shift) else p.rule
    return True


def _prefix(text: str, p: Parts, lx: Lexicon) -> None:
    """A word before a holiday that belongs to it, which the record takes in: 东正教 before a holiday counted
    from Easter (东正教复活节: counted from the Orthodox Easter, holidays.toml [orthodox]), 农历 before a
    holiday of the lunar calendar (农历元宵)."""
    h = p.holiday
    assert h is not None
    if h.calendar == "easter":
        for w in lx.tables["orthodox"]["prefixes"]:
            if text.endswith(w, 0, p.start):
                p.holiday, p.start, p.prefixed = _rite(h, w), p.start - len(w), True
                return
    marker = lx.tables["lunar"]["marker"]
    if h.calendar in ("lunar", "eve") and text.endswith(marker, 0, p.start):
        p.start, p.prefixed = p.start - len(marker), True


@cache
def _rite(h: Holiday, word: str) -> Holiday:
    """The holiday ``h`` counted from the Orthodox Easter, named with ``word`` (东正教复活节)."""
    return replace(h, name=word + h.name, key="orthodox")


@cache
def _national(h: Holiday, country: str, code: str, names: tuple[str, ...], sunset: bool, rule: str) -> Holiday:
    """The national day word ``h`` (国庆, 独立日) as the day of ``country``'s calendar."""
    return replace(h, name=country + h.name, calendar="country", key=code, names=names, sunset=sunset, rule=rule,
                   not_after_country=False, needs_country=False)


def _read_year(g: _Group, p: Parts, lx: Lexicon) -> bool:
    """The year (written, of an era or relative) and a part after it (2023年底); False when the year is
    not one.  A two-digit year keeps its two digits (its century comes with the reference date)."""
    if g("ya"):
        p.year = cn_int(g("ya"))
        if p.year is not None and p.year < 100:
            p.two_digit = True
        elif p.year is None or not 1000 <= p.year <= 2200:
            return False
        p.rule = lx.names.year
    elif g("ye"):
        n = g("yen")
        k = 1 if n == lx.tables["era"]["first_year"] else cn_int(n or "")
        if not k:
            return False
        p.year, p.rule = lx.tables["era"]["eras"][g("ye")] + k - 1, lx.names.era
    elif g("yr"):
        p.year_rel = lx.relative[g("yr")]
        p.rule = p.year_rel.rule
    if g("yp"):
        p.year_part = lx.year_parts[g("yp")]
        p.rule = p.year_part.rule
    return True


def _read_tail(g: _Group, p: Parts, lx: Lexicon) -> bool:
    """What follows the year (or stands alone); False when it is not a valid date after all."""
    if g("mr1"):
        return _read_month_range(g, p, lx)
    if g("m") or g("mr"):
        return _read_month(g, p, lx)
    if g("q1"):
        return _read_quarters(g, p, lx)
    if g("qn"):  # 前三季度
        p.quarters, p.rule = (1, cn_int(g("qn")) or 1), lx.names.quarter
    elif g("qs") or g("qf"):  # 第3季, 首季
        q = cn_int(g("qs")) if g("qs") else 1
        p.quarters, p.rule = (q or 1, q or 1), lx.names.quarter
    elif g("ysk"):
        return _read_select(g, "y", p, lx)
    elif g("yp0"):
        return _read_year_part(g("yp0"), p, lx)
    elif g("hol"):
        p.holiday = lx.holidays[g("hol")]
        p.holiday_shift = -1 if g("heve") else 1 if g("hnext") else 0
        p.holiday_period = bool(g("hp")) or p.holiday.period_only and not p.holiday_shift  # 逾越节前夕: a day
        p.rule = (lx.names.holiday_period if p.holiday_period else lx.names.holiday_eve if g("heve")
                  else lx.names.holiday_next if g("hnext")
                  else p.holiday.rule)
    elif g("tq"):
        p.same_period, p.rule = True, lx.names.same_period
        p.same_month = g("tq") in lx.tables["same_period"]["month_words"]
    return True


def _read_select(g: _Group, px: str, p: Parts, lx: Lexicon) -> bool:
    """A part chosen by order (前4个月, 第一周, 最后一个星期一) of the year (``px`` "y") or month ("m").

    The first months (前4个月, 首月) and nothing else may stand without a year: 第三个月, 前10天, 前2周
    alone are counts or periods back."""
    t = lx.tables["selector"]
    word, unit_word, wd = g(px + "sk"), g(px + "su") or "", g(px + "sw")
    kind = "nth" if word == t["ordinal"] else "last" if word in t["last"] else "first"
    n = cn_int(g(px + "sn") or "") if g(px + "sn") else (1 if kind != "first" or word != t["first"][0] else None)
    unit = "month" if unit_word in t["months"] else "week" if unit_word in t["weeks"] else "day"
    level = "month" if px == "m" else "year"
    if n is None or not 1 <= n <= 53 or (level == "month" and unit == "month"):
        return False
    if wd and (unit != "week" or unit_word == t["weeks"][0] and not g(px + "sm")):
        return False  # 第一周一: a weekday needs 星期 / 礼拜 or 个周
    if level == "year" and not p.has_year() and not (kind == "first" and unit == "month"):
        return False
    weekday = lx.weekdays[wd] if wd else None
    p.select = Select(kind, n, unit, weekday, level)
    if kind == "first" and unit == "month":
        p.months, p.select = (1, n), None  # 前4个月: January to April
        p.rule = lx.names.first_months
        return n <= 12
    p.rule = lx.names.selector
    return True


def _read_month_range(g: _Group, p: Parts, lx: Lexicon) -> bool:
    """1-7月, 1至7月份; 8月至2月 (the second month before the first: of the year after)."""
    a, b = cn_int(g("mr1")), cn_int(g("mr2"))
    if not (a and b and a <= 12 and b <= 12 and a != b):
        return False
    p.months, p.rule, p.range_end = (a, b if b > a else b + 12), lx.names.months, lx.options.range_end
    return True


def _read_month(g: _Group, p: Parts, lx: Lexicon) -> bool:
    """A month (numeral or relative word) with its day, day range or part."""
    if g("m"):
        p.month, p.rule = cn_int(g("m")), lx.names.month
    else:
        p.month_rel = lx.relative[g("mr")]
        p.rule = p.month_rel.rule
    if g("msk"):
        return _read_select(g, "m", p, lx)
    if g("d") or g("dn"):
        p.day = cn_int(g("d") or g("dn").lstrip(lx.tables["lunar"]["day_prefix"]))
        p.rule = lx.names.day
    elif g("d1"):
        a, b = cn_int(g("d1")), cn_int(g("d2"))
        if not (a and b and a < b <= 31):
            return False
        p.days, p.rule, p.range_end = (a, b), lx.names.days, lx.options.range_end
    elif g("mp"):
        p.month_part, p.rule = lx.month_parts[g("mp")], lx.names.month_part
    return True


def _read_quarters(g: _Group, p: Parts, lx: Lexicon) -> bool:
    """一季度, 二、三季度; 一季度末 = the quarter's last month, 三季度初 its first."""
    a = cn_int(g("q1"))
    b = cn_int(g("q2")) if g("q2") else a
    if not (a and b and a <= b):
        return False
    p.quarters, p.rule = (a, b), lx.names.quarter
    edge = g("qe")
    if edge:
        p.quarters, p.month = None, 3 * b if lx.quarter_edges[edge] == "last" else 3 * a - 2
    return True


def _read_year_part(word: str, p: Parts, lx: Lexicon) -> bool:
    """上半年, 年底, 春季 (a season only after a year: 夏天 alone is of no year in particular)."""
    w = word[1:] if word.startswith("年") else word
    if w in lx.needs_year and not p.has_year():
        return False
    p.year_part = lx.year_parts[w]
    p.rule = p.year_part.rule
    return True


# ---------------------------------------------------------------------------- times

def _clock(lx: Lexicon, hh: str, mi: str | None, ss: str | None, daypart: str | None, half: bool = False) -> str | None:
    """``HH:MM[:SS]`` of a clock time, in the afternoon after a day part such as 下午; None when invalid."""
    h = cn_int(hh)
    if h is None or h > 24:
        return None
    mins = 30 if half else (cn_int(mi) if mi else 0)
    if mins is None or mins > 59:
        return None
    if daypart in lx.pm and h < 12 or daypart == lx.tables["daypart"]["noon"] and h < 11:
        h += 12
    out = f"{h:02d}:{mins:02d}"
    return out + f":{int(ss):02d}" if ss else out


def _time_of(lx: Lexicon, t: re.Match, daypart: str | None) -> str | None:
    """The clock of a day-time match (with separators or with units), or None."""
    if t["hh"]:
        return _clock(lx, t["hh"], t["mi"], t["ss"], daypart)
    if t["hc"]:
        return _clock(lx, t["hc"], t["mc"], None, daypart, bool(t["half"]))
    return None


def _extend(text: str, p: Parts, gr: Grammar) -> None:
    """Weekday, day part and clock time after a day (2024-09-09 10:58:07, 10月14日上午)."""
    if not p.has_day() or p.week_rel is not None and p.weekday is None:
        return
    m = gr.day_time.match(text, p.end)
    if not m or m.end() == p.end:
        return
    lx = gr.lex
    dps = lx.tables["daypart"]
    dp = m["dp"] or (dps["evening"] if text[p.end - 1] in dps["evening_chars"] else None)  # 今晚6点: 18:00
    time = _time_of(lx, m, dp)
    if (time is None and (m["hh"] or m["hc"])) or (m["wd"] and p.weekday is not None):
        return  # an invalid clock, or a second weekday (周四，星期天) that is a date of its own
    if time:
        p.time, p.has_clock = time, True
    elif m["dp"]:
        p.time = m["dp"]
    p.end = m.end()
