"""Dates: every calendar reference, absolute or relative, resolved to an inclusive interval.

The core is :func:`find_dates`, a pure function of a string and a reference date, so it can be
tested on sentences and reused by other stages; :func:`extract` is the thin wrapper that turns
its matches into :class:`DateRec` records of a :class:`Doc` (offsets, raw offsets, sentence).

How it works, in three passes over the text:

1. One precompiled regular expression finds candidate expressions.  It is assembled from the
   word tables in ``rules/dates.toml`` (relative words, parts of years and months, holidays,
   connectors) and a small fixed grammar: an optional year (2023年, 二〇二三年, 今年, 当年)
   followed by an optional tail (a month with its day, xun or part, a month range, a quarter,
   a half year, a holiday, 同期), or a stand-alone form (2024-09-09, 今天, 上周一, 29日, 10:58).
2. Matches are extended (weekday and time after a day, 截至 before, 以来/至今 after) and
   joined: two dates around a range connector (至, 到, —) become one record of granularity
   ``range``; a date after a list connector (、) inherits the year and month it leaves out.
3. Matches are resolved in document order, so that anaphoric words (当年, 当天, 次日, 同期)
   take the last date the article mentioned.  Relative words take the reference date; without
   one they stay unresolved (value ``None``) rather than being guessed.

Periods reaching back from the reference date (10年来, 近4个月来) are returned with kind
``relative_period``: they are not points on a time line, but their numbers must not be read as
quantities either.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import lunardate

from extract.model import DateRec, Doc
from extract.rules import load_toml

# ---------------------------------------------------------------------------- numerals

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN = "〇○零一二两三四五六七八九十"


def cn_int(s: str) -> int | None:
    """Integer of an ASCII or Chinese numeral: 12, 十二, 廿三, 二〇二三 (digit by digit), 两千零四."""
    if not s:
        return None
    if s.isascii():
        return int(s) if s.isdigit() else None
    if len(s) > 1 and all(c in _CN_DIGIT for c in s):
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    total, num = 0, 0
    for c in s:
        if c in _CN_DIGIT:
            num = _CN_DIGIT[c]
        elif c in _CN_UNIT:
            total += (num or 1) * _CN_UNIT[c]
            num = 0
        elif c == "廿":
            total += 20
        elif c == "卅":
            total += 30
        else:
            return None
    return total + num


# ---------------------------------------------------------------------------- calendar helpers

def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def add_years(d: date, k: int) -> date:
    """``d`` moved by k years; 29 February falls back to the 28th in common years."""
    try:
        return d.replace(year=d.year + k)
    except ValueError:
        return d.replace(year=d.year + k, day=28)


def qingming(y: int) -> date:
    """Date of the Qingming solar term (4 or 5 April): the usual [Y*D+C]-L formula, 1901-2099."""
    yy = y % 100
    c = 4.81 if y >= 2000 else 5.59
    return date(y, 4, int(yy * 0.2422 + c) - yy // 4)


# ---------------------------------------------------------------------------- rule tables

@dataclass(frozen=True, slots=True)
class Relative:
    """A relative word: ``offset`` units from the reference date or from the context date."""

    unit: str  # year | month | day | week
    offset: int
    anchor: str  # ref | context


@dataclass(frozen=True, slots=True)
class Holiday:
    name: str
    calendar: str  # solar | lunar | eve | qingming
    month: int
    day: int
    span: tuple[int, int]
    period_only: bool

    def day_in(self, y: int) -> date | None:
        """The holiday of (Gregorian or lunar) year ``y``."""
        try:
            if self.calendar == "solar":
                return date(y, self.month, self.day)
            if self.calendar == "lunar":
                return lunardate.LunarDate(y, self.month, self.day).to_solar_date()
            if self.calendar == "eve":
                return lunardate.LunarDate(y, 1, 1).to_solar_date() - timedelta(days=1)
            if self.calendar == "qingming":
                return qingming(y)
        except ValueError:
            return None
        return None


def _alt(words: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of literal words, longest first (so 上个月 wins over 上月 prefixes)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _strip_names(pattern: str) -> str:
    """The same pattern without named groups (for the look-ahead that guards empty matches)."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@dataclass(frozen=True)
class Rules:
    relative: dict[str, Relative]
    year_part: dict[str, tuple[int, int, str]]
    month_part: dict[str, tuple[int, int]]
    holidays: dict[str, Holiday]
    holiday_period: tuple[str, ...]
    range_conn: tuple[str, ...]
    list_conn: tuple[str, ...]
    until: tuple[str, ...]
    since: tuple[str, ...]
    future_days: int
    bare_day_days: int
    main: re.Pattern
    tail_ext: re.Pattern
    gap_range: re.Pattern
    gap_list: re.Pattern
    until_re: re.Pattern
    since_re: re.Pattern
    period_res: tuple[re.Pattern, ...]
    period_units: dict[str, str]
    future_markers: tuple[str, ...] = ()


_DAYPARTS = "凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|晚间|夜间|夜里|深夜|白天|晚|早"
_PM = {"下午", "午后", "傍晚", "晚上", "晚间", "夜间", "夜里", "深夜", "晚"}
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_MEASURE_CI = "班车人架航层批频档名场轮户项"
_CONN_RANGE_RE = "(?:至|到|——|—|–|-|~|～|－)"


@cache
def rules() -> Rules:
    """Compile ``rules/dates.toml`` into word tables and the one scanning regex (once per process)."""
    t = load_toml("dates")
    relative: dict[str, Relative] = {}
    for r in t["relative"]:
        for w in r["words"]:
            relative[w] = Relative(r["unit"], int(r["offset"]), r.get("anchor", "ref"))
    year_part = {w: (r["months"][0], r["months"][1], r.get("granularity", "month"))
                 for r in t["year_part"] for w in r["words"]}
    month_part = {w: (r["days"][0], r["days"][1]) for r in t["month_part"] for w in r["words"]}
    period_words = tuple(t["holiday_period"]["words"])
    holidays: dict[str, Holiday] = {}
    hol_pats: list[tuple[str, str]] = []
    for h in t["holiday"]:
        hol = Holiday(h["name"], h["calendar"], int(h.get("month", 1)), int(h.get("day", 1)),
                      (int(h["span"][0]), int(h["span"][1])), bool(h.get("period_only", False)))
        for w in h["words"]:
            holidays[w] = hol
            pat = re.escape(w)
            if w[0] in _CN:
                pat = f"(?<![{_CN}\\d]){pat}"
            if w in h.get("needs_suffix", []):
                pat += f"(?=(?:{_alt(period_words)}))"
            if h.get("not_after"):
                pat += f"(?![{re.escape(h['not_after'])}])"
            hol_pats.append((w, pat))
    hol_re = "|".join(p for _, p in sorted(hol_pats, key=lambda x: (-len(x[0]), x[0])))
    conn = t["connectors"]

    words = {u: [w for w, r in relative.items() if r.unit == u] for u in ("year", "month", "day", "week")}
    # 次日 after a measure word is 班次/车次/人次 + 日...: guard those words by what precedes them.
    rd_words = "|".join(f"(?<![{_MEASURE_CI}]){re.escape(w)}" if w.startswith("次") else re.escape(w)
                        for w in sorted(words["day"], key=lambda w: (-len(w), w)))
    y_abs = (r"(?<!\d)(?<!\d\.)(?:1[6-9]|20|21)\d{2}(?!\d)|(?<![" + _CN + r"])[〇○零一二三四五六七八九]{4}"
             r"|两千(?:零[一二三四五六七八九]|[一二三四五六七八九]?十[一二三四五六七八九]?)?")
    m_num = (r"(?<!\d)(?<!\d\.)(?:1[0-2]|0?[1-9])(?!\d)"
             r"|(?<![" + _CN + r"统单同逐每个这那第])(?:十[一二]|十|[一二三四五六七八九])(?![" + _CN + "])")
    d_num = (r"(?<!\d)(?<!\d\.)(?:3[01]|[12]\d|0?[1-9])(?!\d)"
             r"|(?<![" + _CN + r"])(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|廿[一二三四五六七八九]?"
             r"|卅一?|[一二三四五六七八九])(?![" + _CN + "])")
    yp_after = _alt([w for w in year_part if len(w) == 1])
    yp_alone = _alt([w for w in year_part if len(w) > 1] + ["年" + w for w in year_part if len(w) == 1])
    mp = _alt(list(month_part))
    year = (f"(?:(?P<ya>{y_abs})年度?|(?P<yr>{_alt(words['year'])}))"
            f"(?P<yp>(?:{yp_after})(?!步|级|期|心|衷|始|中|审|赛))?")
    month = (f"(?:(?P<m>{m_num})月份?(?!度)|(?P<mr>{_alt(words['month'])}))"
             f"(?:(?P<d1>{d_num})[日号]?{_CONN_RANGE_RE}(?P<d2>{d_num})[日号]"
             f"|(?P<d>{d_num})[日号](?![线楼院机台库站厂车门位窗])"
             f"|(?P<mp>{mp}))?")
    tail = (f"(?:(?P<mr1>{m_num})(?:月份?)?{_CONN_RANGE_RE}(?P<mr2>{m_num})月份?"
            f"|{month}"
            f"|第?(?P<q1>[一二三四1-4])(?:{_CONN_RANGE_RE}|、)?(?P<q2>[一二三四1-4])?季度"
            f"|前(?P<qn>[一二两三1-3])个?季度"
            f"|前(?P<mf>十[一二]|1[0-2]|[一二两三四五六七八九十]|[1-9])个?月"
            f"|(?P<yp0>{yp_alone})(?!步|级|期|心|衷|始)"
            f"|(?P<hol>{hol_re})(?P<hp>{_alt(period_words)})?"
            f"|(?P<tq>同期))")
    lead = f"(?={_strip_names(year)}|{_strip_names(tail)})"
    clock = (r"(?<![\d.:])(?P<hh>[01]?\d|2[0-4])[:：](?P<mi>[0-5]\d)(?:[:：](?P<ss>[0-5]\d))?(?![\d:])")
    main = "|".join([
        r"(?<!\d)(?<!\d\.)(?P<ny>(?:1[6-9]|20|21)\d{2})(?P<sep>[-/.])(?P<nm>1[0-2]|0?[1-9])(?P=sep)"
        r"(?P<nd>3[01]|[12]\d|0?[1-9])(?!\d|\.\d)",
        f"(?<!\\d)(?<!\\d\\.)(?P<yy1>(?:1[6-9]|20|21)\\d{{2}}){_CONN_RANGE_RE}(?P<yy2>(?:1[6-9]|20|21)\\d{{2}})年(?!来)",
        f"{lead}(?:{year})?{tail}?",
        f"(?P<rd>{rd_words})(?![渐益趋])",
        f"(?P<rw>{_alt(words['week'])})(?P<rwd>[一二三四五六日天](?![直些般样致切]))?",
        r"(?<![每一两三四五六七八九十\d])(?:星期|礼拜)(?P<wd>[一二三四五六日天])",
        r"(?<![每一两三四五六七八九十\d])周(?P<wd2>[一二三四五六日])(?:(?![\u4e00-\u9fff])|(?=[上下晚早起至到中凌]))",
        f"(?<![每个岁\\d{_CN}正腊冬])月(?P<mp0>{mp})",
        f"(?<![\\d.月第每个{_CN}])(?P<bd>(?:3[01]|[12]\\d|0?[1-9])(?!\\d)|(?:二十|三十|十|廿)[一二三四五六七八九]?)"
        f"日(?![内以之左余多间均])",
        clock,
    ])
    tail_ext = (r"(?:\s*[（(]?(?:星期|周|礼拜)(?P<wd>[一二三四五六日天])[）)]?)?"
                f"(?:\\s*(?P<dp>{_DAYPARTS}))?"
                r"(?:\s*(?:(?P<hh>[01]?\d|2[0-4])[:：](?P<mi>[0-5]\d)(?:[:：](?P<ss>[0-5]\d))?(?![\d:])"
                r"|(?P<hc>[01]?\d|2[0-4]|[零一二两三四五六七八九十]{1,3})[时点]"
                r"(?:(?P<mc>[0-5]?\d|[零一二三四五六七八九十]{1,3})分?|(?P<half>半))?(?:许|左右)?))?")
    rp = t["relative_period"]
    units = rp["units"]
    n = r"(?P<n>\d{1,3}|[一二两三四五六七八九十][一二三四五六七八九十百]{0,2})(?P<more>多|余)?"
    period_res = (
        re.compile(f"(?:{_alt(rp['prefixes'])}){n}(?P<u>{_alt(list(units))})(?:{_alt(rp['suffixes'])})?"),
        re.compile(f"(?<![\\d{_CN}百千万几数多]){n}(?P<u>{_alt(list(units))})(?:{_alt(rp['suffixes'])})"),
    )
    res = t["resolve"]
    return Rules(
        relative=relative, year_part=year_part, month_part=month_part, holidays=holidays,
        holiday_period=period_words, range_conn=tuple(conn["range"]), list_conn=tuple(conn["list"]),
        until=tuple(conn["until"]), since=tuple(conn["since"]),
        future_days=int(res["future_tolerance_days"]), bare_day_days=int(res["bare_day_future_days"]),
        main=re.compile(main), tail_ext=re.compile(tail_ext),
        gap_range=re.compile(f"\\s*(?:{_alt(conn['range'])})\\s*"),
        gap_list=re.compile(f"\\s*(?:{_alt(conn['list'])})\\s*"),
        until_re=re.compile(f"(?:{_alt(conn['until'])})\\s*$"),
        since_re=re.compile(f"\\s*(?:{_alt(conn['since'])})"),
        period_res=period_res, period_units=dict(units),
        future_markers=tuple(t.get("inference", {}).get("future_markers", ())),
    )


# ---------------------------------------------------------------------------- matches

@dataclass(slots=True)
class DateMatch:
    """One date expression of a text: where it is and the interval it denotes."""

    start: int
    end: int
    text: str
    value_start: date | None
    value_end: date | None
    granularity: str
    relative: bool
    kind: str = "point"  # point | period | relative_period | time
    time: str | None = None
    holiday: str | None = None
    bound: str | None = None  # until | since


@dataclass(slots=True)
class _Parts:
    """What one regex match said, before it is resolved against a reference or context date."""

    start: int
    end: int
    year: int | None = None
    year_rel: Relative | None = None
    year2: int | None = None
    year_part: tuple[int, int, str] | None = None
    month: int | None = None
    month_rel: Relative | None = None
    months: tuple[int, int] | None = None
    day: int | None = None
    days: tuple[int, int] | None = None
    month_part: tuple[int, int] | None = None
    quarters: tuple[int, int] | None = None
    day_rel: Relative | None = None
    week_rel: Relative | None = None
    weekday: int | None = None
    holiday: Holiday | None = None
    holiday_period: bool = False
    same_period: bool = False
    clock_only: bool = False
    time: str | None = None
    has_clock: bool = False
    bound: str | None = None
    inherited: bool = False
    extra: dict = field(default_factory=dict)

    def has_day(self) -> bool:
        return self.day is not None or self.day_rel is not None or self.weekday is not None

    def has_year(self) -> bool:
        return self.year is not None or self.year_rel is not None

    def has_calendar_tail(self) -> bool:
        """True when the match names something inside a year (month, quarter, holiday ...)."""
        return (self.month is not None or self.month_rel is not None or self.months is not None
                or self.quarters is not None or self.holiday is not None or self.year_part is not None)


def _parts(m: re.Match, r: Rules) -> _Parts | None:
    """Read one scanning match into parts; ``None`` when it is not a valid date after all."""
    g = m.groupdict()
    p = _Parts(m.start(), m.end())
    if g["ny"]:
        p.year, p.month, p.day = int(g["ny"]), int(g["nm"]), int(g["nd"])
        return p
    if g["yy1"]:
        p.year, p.year2 = int(g["yy1"]), int(g["yy2"])
        return p if p.year < p.year2 else None
    if g["rd"]:
        p.day_rel = r.relative[g["rd"]]
        return p
    if g["rw"]:
        p.week_rel = r.relative[g["rw"]]
        if g["rwd"]:
            p.weekday = _WEEKDAY[g["rwd"]]
        return p
    if g["wd"] or g["wd2"]:
        p.weekday = _WEEKDAY[g["wd"] or g["wd2"]]
        p.week_rel = Relative("week", 0, "ref")
        return p
    if g["mp0"]:
        p.month_rel = Relative("month", 0, "ref")
        p.month_part = r.month_part[g["mp0"]]
        return p
    if g["bd"]:
        p.day = cn_int(g["bd"])
        return p
    if g["hh"]:
        p.clock_only = True
        p.time = _clock(g["hh"], g["mi"], g["ss"], None)
        return p
    # year + tail
    if g["ya"]:
        p.year = cn_int(g["ya"])
        if p.year is None or not 1000 <= p.year <= 2200:
            return None
    elif g["yr"]:
        p.year_rel = r.relative[g["yr"]]
    if g["yp"]:
        p.year_part = r.year_part[g["yp"]]
    if g["mr1"]:
        a, b = cn_int(g["mr1"]), cn_int(g["mr2"])
        if not (a and b and a < b <= 12):
            return None
        p.months = (a, b)
    elif g["m"] or g["mr"]:
        if g["m"]:
            p.month = cn_int(g["m"])
        else:
            p.month_rel = r.relative[g["mr"]]
        if g["d"]:
            p.day = cn_int(g["d"])
        elif g["d1"]:
            a, b = cn_int(g["d1"]), cn_int(g["d2"])
            if not (a and b and a < b <= 31):
                return None
            p.days = (a, b)
        elif g["mp"]:
            p.month_part = r.month_part[g["mp"]]
    elif g["q1"]:
        a = cn_int(g["q1"])
        b = cn_int(g["q2"]) if g["q2"] else a
        if not (a and b and a <= b):
            return None
        p.quarters = (a, b)
    elif g["qn"]:
        p.quarters = (1, cn_int(g["qn"]) or 1)
    elif g["mf"]:
        if not p.has_year():
            return None  # 前4个月 alone: left to the relative periods
        p.months = (1, cn_int(g["mf"]) or 1)
    elif g["yp0"]:
        w = g["yp0"]
        p.year_part = r.year_part[w[1:] if w.startswith("年") else w]
    elif g["hol"]:
        p.holiday = r.holidays[g["hol"]]
        p.holiday_period = bool(g["hp"]) or p.holiday.period_only
    elif g["tq"]:
        p.same_period = True
    if p.month is not None and not 1 <= p.month <= 12:
        return None
    if p.day is not None and not 1 <= p.day <= 31:
        return None
    return p


def _clock(hh: str, mi: str | None, ss: str | None, daypart: str | None, half: bool = False) -> str | None:
    h = cn_int(hh)
    if h is None or h > 24:
        return None
    mins = 30 if half else (cn_int(mi) if mi else 0)
    if mins is None or mins > 59:
        return None
    if daypart in _PM and h < 12:
        h += 12
    elif daypart == "中午" and h < 11:
        h += 12
    out = f"{h:02d}:{mins:02d}"
    return out + f":{int(ss):02d}" if ss else out


def _extend(text: str, p: _Parts, r: Rules) -> None:
    """Weekday, day part and clock time after a day (2024-09-09 10:58:07, 10月14日上午)."""
    if not p.has_day() or p.week_rel is not None and p.weekday is None:
        return
    m = r.tail_ext.match(text, p.end)
    if not m or m.end() == p.end:
        return
    g = m.groupdict()
    clock = None
    if g["hh"]:
        clock = _clock(g["hh"], g["mi"], g["ss"], g["dp"])
    elif g["hc"]:
        clock = _clock(g["hc"], g["mc"], None, g["dp"], bool(g["half"]))
    if clock is None and (g["hh"] or g["hc"]):
        return
    if g["wd"] and p.weekday is None:
        p.extra["weekday"] = _WEEKDAY[g["wd"]]
    if clock:
        p.time, p.has_clock = clock, True
    elif g["dp"]:
        p.time = g["dp"]
    p.end = m.end()


# ---------------------------------------------------------------------------- resolution

@dataclass(slots=True)
class _Ctx:
    """The last date the text mentioned: the anchor of 当年, 当天, 次日, 同期."""

    start: date | None = None
    end: date | None = None
    granularity: str = "day"


Interval = tuple[date, date, str]


def _calendar_interval(p: _Parts, y: int, ref: date | None, ctx: _Ctx) -> Interval | None:
    """The interval of a match once its year ``y`` is known."""
    if p.holiday is not None:
        d = p.holiday.day_in(y)
        if d is None:
            return None
        if p.holiday_period:
            a, b = p.holiday.span
            return d + timedelta(days=a), d + timedelta(days=b), "range"
        return d, d, "day"
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
    if p.year_part is not None:
        a, b, gran = p.year_part
        return date(y, a, 1), month_end(y, b), gran
    if p.year2 is not None:
        return date(y, 1, 1), date(p.year2, 12, 31), "range"
    return date(y, 1, 1), date(y, 12, 31), "year"


def _resolve(p: _Parts, ref: date | None, ctx: _Ctx, r: Rules) -> tuple[Interval | None, bool]:
    """(interval or None when unresolvable, relative?) of one match."""
    if p.clock_only:
        return None, True
    if p.same_period:
        if ctx.start is None or ctx.end is None:
            return None, True
        k = p.year_rel.offset if p.year_rel is not None else 0
        return (add_years(ctx.start, k), add_years(ctx.end, k), ctx.granularity), True
    if p.day_rel is not None:
        base = ref if p.day_rel.anchor == "ref" else ctx.end if ctx.granularity in ("day", "datetime") else None
        if base is None:
            return None, True
        d = base + timedelta(days=p.day_rel.offset)
        return (d, d, "day"), True
    if p.week_rel is not None:
        if ref is None:
            return None, True
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=p.week_rel.offset)
        if p.weekday is not None:
            d = monday + timedelta(days=p.weekday)
            return (d, d, "day"), True
        return (monday, monday + timedelta(days=6), "range"), True
    # month relative to the reference or to the context, with no year of its own (本月, 上月, 当月)
    if p.month_rel is not None and not p.has_year():
        if p.month_rel.anchor == "context":
            if ctx.end is None or ctx.granularity in ("year", "range", "quarter"):
                return None, True
            y, mo = add_months(ctx.end.year, ctx.end.month, p.month_rel.offset)
        else:
            if ref is None:
                return None, True
            y, mo = add_months(ref.year, ref.month, p.month_rel.offset)
        q = _Parts(p.start, p.end, month=mo, day=p.day, days=p.days, month_part=p.month_part)
        return _calendar_interval(q, y, ref, ctx), True
    # bare day (29日): the reference month, or the month before when clearly in the future
    if p.day is not None and p.month is None and not p.has_year():
        if ref is None:
            return None, True
        for k in (0, -1):
            y, mo = add_months(ref.year, ref.month, k)
            if p.day <= calendar.monthrange(y, mo)[1]:
                d = date(y, mo, p.day)
                if k == -1 or d <= ref + timedelta(days=r.bare_day_days):
                    return (d, d, "day"), True
        return None, True
    # the year: written, relative, anaphoric or implicit
    if p.year is not None:
        return _calendar_interval(p, p.year, ref, ctx), p.inherited
    if p.year_rel is not None:
        if p.year_rel.anchor == "context":
            if ctx.end is None:
                return None, True
            y = ctx.end.year + p.year_rel.offset
        else:
            if ref is None:
                return None, True
            y = ref.year + p.year_rel.offset
        return _calendar_interval(p, y, ref, ctx), True
    if not p.has_calendar_tail() or ref is None:
        return None, True
    iv = _calendar_interval(p, ref.year, ref, ctx)
    if iv is not None and iv[0] > ref + timedelta(days=r.future_days):
        iv = _calendar_interval(p, ref.year - 1, ref, ctx)
    return iv, True


def _inherit(p2: _Parts, resolved_end: date, p1: _Parts) -> None:
    """The second date of a range or list takes the year (and month) it leaves out: 5月1日至5日."""
    if p2.has_year() or p2.day_rel is not None or p2.week_rel is not None or p2.same_period:
        return
    if p2.day is not None and p2.month is None and p2.month_rel is None:
        p2.month = resolved_end.month
    elif not p2.has_calendar_tail():
        return
    p2.year = resolved_end.year
    p2.inherited = True


# ---------------------------------------------------------------------------- public API

def _scan(text: str, r: Rules) -> list[_Parts]:
    out: list[_Parts] = []
    for m in r.main.finditer(text):
        if m.end() == m.start():
            continue
        p = _parts(m, r)
        if p is None:
            continue
        _extend(text, p, r)
        if out and p.start < out[-1].end:
            continue
        out.append(p)
    return out


def _periods(text: str, taken: list[tuple[int, int]], ref: date | None, r: Rules) -> list[DateMatch]:
    """10年来, 近4个月来: relative periods ending at the reference date."""
    out: list[DateMatch] = []
    for rx in r.period_res:
        for m in rx.finditer(text):
            s, e = m.span()
            if any(a < e and s < b for a, b in taken):
                continue
            n = cn_int(m["n"])
            if not n:
                continue
            unit = r.period_units[m["u"]]
            vs = ve = None
            if ref is not None:
                if unit == "year":
                    vs = add_years(ref, -n) + timedelta(days=1)
                elif unit == "month":
                    y, mo = add_months(ref.year, ref.month, -n)
                    vs = date(y, mo, min(ref.day, calendar.monthrange(y, mo)[1])) + timedelta(days=1)
                elif unit == "week":
                    vs = ref - timedelta(weeks=n) + timedelta(days=1)
                else:
                    vs = ref - timedelta(days=n) + timedelta(days=1)
                ve = ref
            out.append(DateMatch(s, e, m.group(), vs, ve, "range", True, kind="relative_period"))
            taken.append((s, e))
    return out


def find_dates(text: str, ref_date: date | None = None, *, periods: bool = True) -> list[DateMatch]:
    """All date expressions of ``text``, resolved against ``ref_date`` (None: relative ones stay null).

    Deterministic and pure: the same text and reference give the same matches, in text order.
    """
    r = rules()
    parts = _scan(text, r)
    ctx = _Ctx()
    out: list[DateMatch] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        iv, rel = _resolve(p, ref_date, ctx, r)
        start, end = p.start, p.end
        gran = iv[2] if iv else _guess_granularity(p)
        vs, ve = (iv[0], iv[1]) if iv else (None, None)
        joined = False
        if nxt is not None and iv is not None and r.gap_range.fullmatch(text, p.end, nxt.start):
            _inherit(nxt, ve, p)
            ctx_tmp = _Ctx(vs, ve, gran)
            iv2, rel2 = _resolve(nxt, ref_date, ctx_tmp, r)
            if iv2 is not None and iv2[1] >= vs:
                ve, gran, end, rel = iv2[1], "range", nxt.end, rel or rel2
                p.time = p.time or nxt.time
                joined = True
        elif nxt is not None and iv is not None and r.gap_list.fullmatch(text, p.end, nxt.start):
            _inherit(nxt, ve, p)
        if joined:
            i += 1
        bound = None
        um = r.until_re.search(text, max(0, start - 4), start)
        if um and vs is not None:
            start, vs, gran, bound = um.start(), ve, "day", "until"
        elif ve is not None and gran != "time":
            sm = r.since_re.match(text, end)
            if sm:
                end, bound, gran, rel = sm.end(), "since", "range", True
                ve = ref_date if ref_date is not None and ref_date >= vs else None
                if ve is None:
                    vs = None
        if p.time and gran == "day":
            gran = "datetime"
        kind = "time" if p.clock_only else ("period" if gran == "range" else "point")
        out.append(DateMatch(start, end, text[start:end], vs, ve, gran, rel, kind=kind, time=p.time,
                             holiday=p.holiday.name if p.holiday else None, bound=bound))
        if vs is not None and not p.same_period:
            ctx = _Ctx(vs, ve, gran)
        i += 1
    if periods:
        out.extend(_periods(text, [(d.start, d.end) for d in out], ref_date, r))
        out.sort(key=lambda d: (d.start, d.end))
    return out


def _guess_granularity(p: _Parts) -> str:
    """Granularity of a match left unresolved (no reference or context date)."""
    if p.clock_only or p.has_clock:
        return "datetime"
    if p.has_day():
        return "day"
    if p.month_part is not None:
        return "xun"
    if p.month is not None or p.month_rel is not None:
        return "month"
    if p.quarters is not None:
        return "quarter"
    if p.same_period or p.months is not None or p.holiday_period or p.year2 is not None:
        return "range"
    return "year"


# ---------------------------------------------------------------------------- reference date

_FUTURE = ("到", "至", "预计", "计划", "力争", "争取", "目标", "将于", "将在", "规划", "展望", "于")


def infer_ref_date(matches: list[DateMatch], text: str) -> tuple[date | None, str | None]:
    """Reference date of an article that has none, from its own absolute dates.

    Rule: the latest start date among absolute dates (a written year, nothing relative),
    skipping dates right after a future marker (到2025年, 预计2026年) and the upper ends of
    ranges; a whole-year mention counts only when it is at most one year after the latest
    month- or day-precise mention (so 2035年远景目标 does not set the reference).
    """
    fine: list[date] = []
    years: list[date] = []
    for d in matches:
        if d.relative or d.value_start is None or d.kind in ("relative_period", "time"):
            continue
        before = text[max(0, d.start - 2):d.start]
        if any(before.endswith(w) for w in _FUTURE if w != "于"):
            continue
        (years if d.granularity == "year" else fine).append(d.value_start)
    if fine:
        best = max(fine)
        ok_years = [y for y in years if y.year <= best.year + 1]
        if ok_years and max(ok_years) > best:
            return max(ok_years), "inferred:latest-absolute-year"
        return best, "inferred:latest-absolute-date"
    if years:
        return max(years), "inferred:latest-absolute-year"
    return None, None


_PUB_RE = re.compile(r"((?:1[6-9]|20|21)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                     r"(?:\s*[T ]?\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?")


def parse_published(s: str | None) -> str | None:
    """ISO form of a publication date as sites write it.

    "2024-09-09 10:58:07" -> "2024-09-09T10:58:07"; "2023年10月24日 09:30" -> "2023-10-24T09:30";
    "发布时间:2023-10-24" -> "2023-10-24"; None when no valid date is found.
    """
    if not s:
        return None
    m = _PUB_RE.search(s)
    if not m:
        return None
    try:
        d = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    if m[4] is None:
        return d.isoformat()
    h, mi = int(m[4]), int(m[5])
    if h > 23 or mi > 59:
        return d.isoformat()
    out = f"{d.isoformat()}T{h:02d}:{mi:02d}"
    return out + f":{int(m[6]):02d}" if m[6] else out


def extract(doc: Doc) -> list[DateRec]:
    """Dates of a segmented document, resolved against doc.ref_date (inferring it when None)."""
    text = doc.text
    ref: date | None = None
    if doc.ref_date:
        try:
            ref = date.fromisoformat(doc.ref_date[:10])
        except ValueError:
            ref = None
    if ref is None:
        inferred, how = infer_ref_date(find_dates(text, None, periods=False), text)
        if inferred is not None:
            ref = inferred
            doc.ref_date = inferred.isoformat()
            doc.ref_date_source = how
    recs: list[DateRec] = []
    for d in find_dates(text, ref):
        if doc.is_corrupt(d.start, d.end):
            continue
        rec = DateRec(**doc.span_fields(d.start, d.end), id=f"{doc.doc_id}:d{len(recs)}",
                      value_start=d.value_start.isoformat() if d.value_start else None,
                      value_end=d.value_end.isoformat() if d.value_end else None,
                      granularity=d.granularity, relative=d.relative,
                      ref_date_source=doc.ref_date_source if d.relative else None,
                      time=d.time, sentence=doc.sentence_index(d.start) if doc.sentences else None,
                      kind=d.kind, holiday=d.holiday, bound=d.bound)
        recs.append(rec)
    doc.dates = recs
    return recs
