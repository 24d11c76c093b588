"""Dates: every calendar reference, absolute or relative, resolved to an inclusive interval.

The core is :func:`find_dates`, a pure function of a string and a reference date, so it can be
tested on sentences and reused by other stages; :func:`extract` is the thin wrapper that turns
its matches into :class:`DateRec` records of a :class:`Doc` (offsets, raw offsets, sentence).

How it works, in three passes over the text:

1. One precompiled regular expression finds candidate expressions.  It is assembled from the
   word tables in ``rules/dates/dates.toml`` (relative words, parts of years and months, holidays,
   connectors) and a small fixed grammar: an optional year (2023年, 二〇二三年, 今年, 当年)
   followed by an optional tail (a month with its day, xun or part, a month range, a quarter,
   a half year or season, a holiday, 同期), or a stand-alone form (2024-09-09, 今天, 上周一,
   29日, 上世纪90年代, 农历正月初一, 下午5:00).
2. Matches are extended (weekday and time after a day, 截至 before, 以来/至今 after) and
   joined: two dates around a range connector (至, 到, —) become one record of granularity
   ``range``; a date after a list connector (、) inherits the year and month it leaves out.
3. Matches are resolved in document order, so that anaphoric words (当年, 当天, 次日, 同期)
   take the last date the article mentioned (同期: the last period, not a day).  Relative words
   take the reference date; without one they stay unresolved (value ``None``) rather than being
   guessed.  A date without its year takes the reference year, or the year before when it would
   lie more than ``future_tolerance_days`` after the reference date.

Records carry ``kind`` (point | period | relative_period | time), ``anchor`` in the match
(ref | context) which becomes ``ref_date_source`` in the record ("context" for anaphora), and
``bound`` (until: 截至X is the cut-off day; since: X以来 runs to the reference date).

Periods reaching back from the reference date (10年来, 近4个月来) are returned with kind
``relative_period``: they are not points on a time line, but their numbers must not be read as
quantities either.
"""

from __future__ import annotations

import calendar
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import lunardate

from extract.model import DateRec, Doc
from extract.numeral import CN_NUMERAL_CHARS, cn_int
from extract.rules import load_toml

# ---------------------------------------------------------------------------- numerals

_CN = CN_NUMERAL_CHARS
_N_FIRST = "一二两三四五六七八九十"  # the Chinese numerals a count of periods (近两年, 十年来) starts with


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
    calendar: str  # solar | lunar | eve | qingming | weekday (the n-th weekday of the month)
    month: int
    day: int
    span: tuple[int, int]
    period_only: bool
    weekday: int = 6
    nth: int = 1

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
            if self.calendar == "weekday":
                first = date(y, self.month, 1)
                return first + timedelta(days=(self.weekday - first.weekday()) % 7 + 7 * (self.nth - 1))
        except ValueError:
            return None
        return None


def _alt(words: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of literal words, longest first (so 上个月 wins over 上月 prefixes)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _alt_not_after(words: list[str], not_after: str) -> str:
    """``(?<![not_after])(?:{_alt(words)})`` with the look-behind moved behind each word (the same test:
    the character before the word), so that the alternation starts with a character."""
    return "|".join(f"{re.escape(w)}(?<![{re.escape(not_after)}]{re.escape(w)})"
                    for w in sorted(set(words), key=lambda w: (-len(w), w)))


# Where a numeral can start a date, as the grammar of ``rules()`` writes it: four digits (a year: 2024年,
# 2024-09-09, 2016—2018) or one or two (10月, 5日, 8:30, 1-3月, 3季度) followed by what comes after a
# number in a date (年 月 日 号 世纪 季度, a range or list connector, a clock separator, the Chinese
# quarter numeral of 1、二季度).  A digit right after
# another digit starts a match only in 90年代 / 19世纪 and in quarters (12季度): every other alternative
# begins with (?<!\d).  Chinese numerals: a run of at most four (二〇二三, 十二, 二十一) followed by the
# same, or 千 of 两千年, or the start of a holiday word (五一, 七夕).  These are necessary conditions
# only: the alternatives themselves still decide, so the guard can only save work, never change a match.
_NUMERALS = "0123456789" + _CN + "廿卅"
_AFTER_NUMERAL = r"\s至到—–\-~～－:：年月日号世季、"
_DIGIT_GUARD = (r"(?<!\d)(?:\d{4}[\s\-/.至到—–~～－年]|\d{1,2}[" + _AFTER_NUMERAL + "一二三四])"
                r"|(?<=\d)(?:\d(?:\d世纪|0年代)|[1-4].{0,3}季度)")


def _numeral_guard(words: list[str]) -> str:
    """Look-ahead body for the digits and Chinese numerals (``_NUMERALS``) that may start a date.

    Digits and numerals are the most frequent candidates (every 2023, 1.5亿, 一些, 统一 passes the
    first test) and almost never start one; checking what follows them is much cheaper than trying
    all the alternatives at each of them.  ``words`` starting with a numeral (五一, 三八节) pass too.
    """
    starts = sorted({w[:2] for w in words if w[0] in _NUMERALS})
    body = f"{_DIGIT_GUARD}|[{_CN}廿卅]{{1,4}}[{_AFTER_NUMERAL}千1-4]"
    if starts:
        body += "|" + "|".join(re.escape(w) for w in starts)
    return body


def _openings(year_part: dict[str, tuple[int, int, str]], month_part: dict[str, tuple[int, int]]) -> list[str]:
    """How the grammar's own alternatives begin, written as words for :func:`_word_guard`.

    年初 (a one-character year part after 年), 月上旬 (a month part after 月 alone), 第一/第3 (quarters),
    前三/前4 (前三季度, 前4个月), 从2016 (a year range), 同期, 星期/礼拜/周末/周一, 农历, 正月/腊月/冬月
    (lunar months), 上世纪/上个世纪/本世纪/这个世纪 (decades).  Words of the rule tables are added
    to these by the caller; digits and numerals are guarded by :func:`_numeral_guard`.
    """
    return (["年" + w for w in year_part if len(w) == 1] + ["月" + w for w in month_part]
            + ["第" + c for c in "一二三四1234"] + ["前" + c for c in "一二两三四五六七八九十123456789"]
            + ["从1", "从2", "同期", "星期", "礼拜", "周末", "农历", "正月", "腊月", "冬月"]
            + ["周" + c for c in "一二三四五六日"] + ["上世", "上个", "本世", "这世", "这个"])


def _word_guard(words: list[str]) -> str:
    """Second test of the scanning regex: a character that starts only words (国 of 国庆节, 中 of 中秋节)
    must be followed by the second character of one of them.

    Such characters are frequent in news (国, 中, 全, 大) and almost never start a date; without this
    look-ahead every one of them costs a try of all the alternatives.  The grammar's own openings
    (:func:`_openings`) are words here too; a one-character word passes alone; digits and numerals
    pass when :func:`_numeral_guard` lets them.

    The regex engine tries the alternatives of a look-ahead one by one (skipping at once only those
    that begin with a character or a class the text does not hold), so the test is shaped for that:
    the pairs are one alternative that first checks both characters against classes (the union of
    the first, then of the second characters) and only then looks back for the exact pair, and the
    numeral tests, whose alternatives begin with look-behinds, are reached only from a numeral.
    """
    seconds: dict[str, set[str]] = {}
    for w in words:
        if w[0] not in _NUMERALS:
            seconds.setdefault(w[0], set()).add(w[1:2])
    alone = {c for c, nxt in seconds.items() if "" in nxt}
    pairs = {c: nxt for c, nxt in sorted(seconds.items()) if c not in alone}
    opts = [f"[{_chars(alone)}]"]
    if pairs:
        exact = "|".join(f"{re.escape(c)}[{_chars(nxt)}]" for c, nxt in pairs.items())
        opts.append(f"[{_chars(pairs)}][{_chars(set().union(*pairs.values()))}](?<={exact})")
    opts.append(f"(?=[{re.escape(_NUMERALS)}])(?:{_numeral_guard(words)})")
    return f"(?={'|'.join(opts)})"


def _chars(chars: Iterable[str]) -> str:
    """Character-class body of ``chars`` (sorted, escaped)."""
    return re.escape("".join(sorted(chars)))


def _strip_names(pattern: str) -> str:
    """The same pattern without named groups (for the look-ahead that guards empty matches)."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@dataclass(frozen=True)
class Rules:
    relative: dict[str, Relative]
    year_part: dict[str, tuple[int, int, str]]
    needs_year: frozenset[str]
    month_part: dict[str, tuple[int, int]]
    holidays: dict[str, Holiday]
    future_days: int
    bare_day_days: int
    main: re.Pattern
    tail_ext: re.Pattern
    tail_re: re.Pattern
    gap_range: re.Pattern
    gap_list: re.Pattern
    until_re: re.Pattern
    since_re: re.Pattern
    between_re: re.Pattern
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
    """Compile ``rules/dates/dates.toml`` into word tables and the one scanning regex (once per process)."""
    t = load_toml("dates/dates")
    relative: dict[str, Relative] = {}
    for r in t["relative"]:
        for w in r["words"]:
            relative[w] = Relative(r["unit"], int(r["offset"]), r.get("anchor", "ref"))
    year_part = {w: (r["months"][0], r["months"][1], r.get("granularity", "month"))
                 for r in t["year_part"] for w in r["words"]}
    needs_year = frozenset(w for r in t["year_part"] if r.get("needs_year") for w in r["words"])
    month_part = {w: (r["days"][0], r["days"][1]) for r in t["month_part"] for w in r["words"]}
    period_words = tuple(t["holiday_period"]["words"])
    holidays: dict[str, Holiday] = {}
    hol_pats: list[tuple[str, str]] = []
    for h in t["holiday"]:
        hol = Holiday(h["name"], h["calendar"], int(h.get("month", 1)), int(h.get("day", 1)),
                      (int(h["span"][0]), int(h["span"][1])), bool(h.get("period_only", False)),
                      int(h.get("weekday", 6)), int(h.get("nth", 1)))
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
    m_head = r"\s?(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月"
    y_abs = (r"(?<!\d)(?<!\d\.)(?:1[6-9]|20|21)\d{2}(?!\d)|(?<![" + _CN + r"])[〇○零一二三四五六七八九]{4}"
             r"|两千(?:零[一二三四五六七八九]|[一二三四五六七八九]?十[一二三四五六七八九]?)?"
             # two-digit years only where they cannot be a count of years: 07年, 零八年, 18年10月
             r"|(?<![\d.])0\d(?=\s?年)|(?<![" + _CN + r"])零[一二三四五六七八九](?=年)"
             r"|(?<![\d.])[1-9]\d(?=\s?年" + m_head + r")")
    m_num = (r"(?<!\d)(?<!\d\.)(?<!每年)(?<!每)(?:1[0-2]|0?[1-9])(?!\d)"
             r"|(?<![" + _CN + r"统单同逐每个这那第])(?:十[一二]|十|[一二三四五六七八九])(?![" + _CN + "])")
    d_num = (r"(?<!\d)(?<!\d\.)(?:3[01]|[12]\d|0?[1-9])(?!\d)"
             r"|(?<![" + _CN + r"])(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|廿[一二三四五六七八九]?"
             r"|卅一?|[一二三四五六七八九])(?![" + _CN + "])")
    yp_after = _alt([w for w in year_part if len(w) == 1])
    yp_alone = _alt([w for w in year_part if len(w) > 1] + ["年" + w for w in year_part if len(w) == 1])
    mp = _alt(list(month_part))
    year = (f"(?:(?P<ya>{y_abs})\\s?年度?(?!历史|之久|多)\\s?|(?P<yr>{_alt(words['year'])}))"
            f"(?P<yp>(?:{yp_after})(?!步|级|期|心|衷|始|中|审|赛))?")
    month = (f"(?:(?P<m>{m_num})月份?(?!度)|(?P<mr>{_alt(words['month'])}))"
             f"(?:(?P<d1>{d_num})[日号]?{_CONN_RANGE_RE}(?P<d2>{d_num})[日号]"
             f"|(?P<d>{d_num})[日号](?![线楼院机台库站厂车门位窗])"
             f"|(?P<dn>二十[一二三四五六七八九]?|三十一?|十[一二三四五六七八九]|廿[一二三四五六七八九]|初[一二三四五六七八九十])"
             f"(?![{_CN}日号个多余万亿千百%])"
             f"|(?P<mp>{mp}))?")
    tail = (f"(?:(?P<mr1>{m_num})(?:月份?)?{_CONN_RANGE_RE}(?P<mr2>{m_num})月份?"
            f"|{month}"
            f"|第?(?P<q1>[一二三四1-4])(?:{_CONN_RANGE_RE}|、)?(?P<q2>[一二三四1-4])?季度(?P<qe>末|初)?"
            f"|前(?P<qn>[一二两三1-3])个?季度"
            f"|前(?P<mf>十[一二]|1[0-2]|[一二两三四五六七八九十]|[1-9])个?月"
            f"|(?P<yp0>{yp_alone})(?!步|级|期|心|衷|始)"
            f"|(?P<hol>{hol_re})(?P<hp>{_alt(period_words)})?"
            f"|(?P<tq>同期))")
    lm = "正|腊|冬|十[一二]|[一二三四五六七八九十]"
    ld = "初[一二三四五六七八九十]|十[一二三四五六七八九]|二十[一二三四五六七八九]?|廿[一二三四五六七八九]|三十"
    clock = (r"(?<![\d.:])(?P<hh>[01]?\d|2[0-4])[:：](?P<mi>[0-5]\d)(?:[:：](?P<ss>[0-5]\d))?(?![\d:])")
    # first characters of the year and of the tail: a cheap test before the costly alternatives
    digits = "0123456789" + _CN + "〇○两廿卅"
    year_first = re.escape("".join(sorted(set(digits) | {w[0] for w in words["year"]})))
    tail_first = re.escape("".join(sorted(set(digits + "第前年同") | {w[0] for w in words["month"]}
                                          | {w[0] for w in list(holidays) + list(year_part)})))
    main = "|".join([
        r"(?<!\d)(?<!\d\.)(?P<ny>(?:1[6-9]|20|21)\d{2})(?P<sep>[-/.])(?P<nm>1[0-2]|0?[1-9])(?P=sep)"
        r"(?P<nd>3[01]|[12]\d|0?[1-9])(?!\d|\.\d)",
        f"(?P<yfrom>从)?(?<!\\d)(?<!\\d\\.)(?P<yy1>(?:1[6-9]|20|21)\\d{{2}})\\s?{_CONN_RANGE_RE}\\s?"
        f"(?P<yy2>(?:1[6-9]|20|21)\\d{{2}})(?P<yyn>\\s?年(?!来))?(?!\\d|\\s?[{_CN}\\d]+月)",
        # decades: 上世纪90年代, 20世纪80年代, 九十年代
        "(?:(?P<cent>\\d{2}|[一二三四五六七八九十]{1,3}|上个?|本|这个?)世纪)?(?P<dec>[1-9]0|[一二三四五六七八九]十)年代"
        "|(?<!\\d)(?P<dec4>(?:1[6-9]|20)\\d0)年代",
        # lunar dates: 农历2015年十月初一, 2015年农历正月初一, 正月十五, 腊月廿三
        f"(?:(?P<ly>{y_abs})年)?(?:农历(?:(?P<ly2>{y_abs})年)?(?P<lm>{lm})月(?P<ld>{ld})"
        f"|(?P<lm2>正|腊|冬)月(?P<ld2>{ld})|(?P<lm3>{lm})月(?P<ld3>[初廿][一二三四五六七八九十]))(?![{_CN}日号])",
        # a year with an optional tail, or a tail alone (its groups are read again with tail_re)
        f"(?=[{year_first}])(?:{year}){tail}?|(?=[{tail_first}])(?P<tailonly>{_strip_names(tail)})",
        f"(?P<rd>{rd_words})(?![渐益趋])",
        f"(?P<rw>{_alt(words['week'])})(?:(?P<rwe>末)|(?P<rwd>[一二三四五六日天](?![直些般样致切])))?",
        "(?<![每上下本这])(?P<we0>周末)",
        r"(?<![每一两三四五六七八九十\d])(?:星期|礼拜)(?P<wd>[一二三四五六日天])",
        r"(?<![每一两三四五六七八九十\d])周(?P<wd2>[一二三四五六日])(?:(?![\u4e00-\u9fff])|(?=[上下晚早起至到中凌]))",
        f"(?<![每个岁\\d{_CN}正腊冬])月(?P<mp0>{mp})",
        f"(?<![\\d.月第每个{_CN}])(?P<bd>(?:3[01]|[12]\\d|0?[1-9])(?!\\d)|(?:二十|三十|十|廿)[一二三四五六七八九]?)"
        f"日(?![内以之左余多间均])",
        clock,
        # a day part followed by a clock time, with no date: 下午5:00, 凌晨2点半 (kind "time")
        f"(?P<tdp>{_DAYPARTS})(?=\\s?(?:[01]?\\d|2[0-4]|[{_CN}]{{1,3}})[:：点时])",
    ])
    tail_ext = (r"(?:[，,]?\s*[（(]?(?:星期|周|礼拜)(?P<wd>[一二三四五六日天])[）)]?)?"
                f"(?:\\s*(?P<dp>{_DAYPARTS}))?"
                r"(?:\s*(?:(?P<hh>[01]?\d|2[0-4])[:：](?P<mi>[0-5]\d)(?:[:：](?P<ss>[0-5]\d))?(?![\d:])"
                r"|(?P<hc>[01]?\d|2[0-4]|[零一二两三四五六七八九十]{1,3})[时点]"
                r"(?:(?P<mc>[0-5]?\d|[零一二三四五六七八九十]{1,3})分?|(?P<half>半))?(?:许|左右)?))?")
    rp = t["relative_period"]
    units = rp["units"]
    n = r"(?P<n>\d{1,3}|[一二两三四五六七八九十][一二三四五六七八九十百]{0,2})(?P<more>多|余)?"
    u = f"(?P<u>{_alt(list(units))})"
    # Each regex starts with a character or a word, with its look-behind after it, so that the regex
    # engine can skip to the places where such a character stands (a pattern that starts with a
    # look-around is tried at every position of the text).  ``n_alone`` is ``n`` not after a number.
    n_alone = (f"(?P<n>[\\d{_N_FIRST}](?<![\\d{_CN}百千万几数多].)"
               r"(?:(?<=\d)\d{0,2}|(?<!\d)[一二三四五六七八九十百]{0,2}))(?P<more>多|余)?")
    period_res = (
        re.compile(f"(?P<past>{_alt_not_after(rp['past_prefixes'], rp['not_after'])})\\s?{n}\\s?{u}"
                   f"(?:{_alt(rp['suffixes'])})?"),
        re.compile(f"(?P<fut>{_alt_not_after(rp['future_prefixes'], rp['not_after'])})\\s?{n}\\s?{u}"),
        re.compile(f"{n_alone}{u}(?:{_alt(rp['suffixes'])})"),
    )
    # Every alternative starts with one of these characters: a cheap first test at each position.
    word_list = (list(relative) + list(holidays) + list(year_part) + _DAYPARTS.split("|")
                 + _openings(year_part, month_part))
    firsts = set(_NUMERALS) | {w[0] for w in word_list}
    guard = _word_guard(word_list)
    res = t["resolve"]
    return Rules(
        relative=relative, year_part=year_part, needs_year=needs_year, month_part=month_part, holidays=holidays,
        future_days=int(res["future_tolerance_days"]), bare_day_days=int(res["bare_day_future_days"]),
        main=re.compile(f"(?=[{re.escape(''.join(sorted(firsts)))}]){guard}(?:{main})"), tail_ext=re.compile(tail_ext),
        tail_re=re.compile(tail),
        gap_range=re.compile(f"\\s*(?:{_alt(conn['range'])})\\s*"),
        gap_list=re.compile(f"\\s*(?:{_alt(conn['list'])})\\s*"),
        until_re=re.compile(f"(?:{_alt(conn['until'])})\\s*$"),
        since_re=re.compile(f"\\s*(?:{_alt(conn['since'])})"),
        between_re=re.compile(f"(?:{_alt(conn['between'])})"),
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
    anchor: str | None = None  # ref (resolved against the reference date) | context (当年, 同期) | None


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
    decade: tuple[str | None, int] | None = None
    weekend: bool = False
    lunar: tuple[int, int] | None = None  # lunar (month, day)
    clock_only: bool = False
    time: str | None = None
    has_clock: bool = False
    bound: str | None = None
    inherited: bool = False

    def anchor(self, relative: bool) -> str | None:
        """What a relative match was resolved against: the context (当年, 次日, 同期) or the reference."""
        if self.same_period or self.clock_only or _from_context(self.year_rel) or _from_context(self.month_rel) \
                or _from_context(self.day_rel):
            return "context"
        return "ref" if relative else None

    def has_day(self) -> bool:
        return (self.day is not None or self.day_rel is not None or self.weekday is not None
                or self.lunar is not None)

    def has_year(self) -> bool:
        return self.year is not None or self.year_rel is not None

    def has_calendar_tail(self) -> bool:
        """True when the match names something inside a year (month, quarter, holiday ...)."""
        return (self.month is not None or self.month_rel is not None or self.months is not None
                or self.lunar is not None
                or self.quarters is not None or self.holiday is not None or self.year_part is not None)


def _from_context(rel: Relative | None) -> bool:
    """True for a relative word anchored on the date mentioned last (当年, 当月, 次日)."""
    return rel is not None and rel.anchor == "context"


def _parts(m: re.Match, r: Rules) -> _Parts | None:
    """Read one scanning match into parts; ``None`` when it is not a valid date after all."""
    g = m.group  # a handful of the scanning regex's ~50 named groups are read: cheaper than groupdict()
    tg = g  # the groups of the tail: read again from ``tail_re`` when the tail stands alone
    if g("tailonly"):
        t = r.tail_re.match(m.string, m.start())
        assert t is not None and t.end() == m.end()
        tg = t.group
    p = _Parts(m.start(), m.end())
    if g("ny"):
        p.year, p.month, p.day = int(g("ny")), int(g("nm")), int(g("nd"))
        return p
    lm_text = g("lm") or g("lm2") or g("lm3")
    if lm_text:  # lunar: written with 农历, or 正月/腊月, or a day 初一/廿三
        lm = {"正": 1, "冬": 11, "腊": 12}.get(lm_text) or cn_int(lm_text)
        ld = cn_int((g("ld") or g("ld2") or g("ld3")).lstrip("初"))
        if g("ly") or g("ly2"):
            p.year = cn_int(g("ly") or g("ly2"))
        p.lunar = (lm or 1, ld or 1)
        return p
    if g("yy1"):
        if not (g("yfrom") or g("yyn")):
            return None  # 2016-2018 alone may be a number range; 从2016到2018 and 2023—2026年 are years
        p.year, p.year2 = int(g("yy1")), int(g("yy2"))
        return p if p.year < p.year2 else None
    if g("dec"):
        cent = g("cent")
        p.decade = (cent[0] if cent and cent[0] in "上本这" else cent, cn_int(g("dec")) or 0)
        return p
    if g("dec4"):  # 1990年代
        p.decade = (str(int(g("dec4")) // 100 + 1), int(g("dec4")) % 100)
        return p
    if g("rd"):
        p.day_rel = r.relative[g("rd")]
        return p
    if g("rw") or g("we0"):
        p.week_rel = r.relative[g("rw")] if g("rw") else Relative("week", 0, "ref")
        if g("rwd"):
            p.weekday = _WEEKDAY[g("rwd")]
        p.weekend = bool(g("rwe") or g("we0"))
        return p
    if g("wd") or g("wd2"):
        p.weekday = _WEEKDAY[g("wd") or g("wd2")]
        p.week_rel = Relative("week", 0, "ref")
        return p
    if g("mp0"):
        p.month_rel = Relative("month", 0, "ref")
        p.month_part = r.month_part[g("mp0")]
        return p
    if g("bd"):
        p.day = cn_int(g("bd"))
        return p
    if g("hh"):
        p.clock_only = True
        p.time = _clock(g("hh"), g("mi"), g("ss"), None)
        return p
    if g("tdp"):
        t = r.tail_ext.match(m.string, m.start())
        if t is None or not (t["hh"] or t["hc"]):
            return None
        p.clock_only, p.end = True, t.end()
        if t["hh"]:
            p.time = _clock(t["hh"], t["mi"], t["ss"], t["dp"])
        else:
            p.time = _clock(t["hc"], t["mc"], None, t["dp"], bool(t["half"]))
        return p if p.time else None
    # year + tail
    if g("ya"):
        p.year = cn_int(g("ya"))
        if p.year is not None and p.year < 100:
            p.year += 2000 if p.year <= 40 else 1900  # 07年 -> 2007, 98年10月 -> 1998
        if p.year is None or not 1000 <= p.year <= 2200:
            return None
    elif g("yr"):
        p.year_rel = r.relative[g("yr")]
    if g("yp"):
        p.year_part = r.year_part[g("yp")]
    if tg("mr1"):
        a, b = cn_int(tg("mr1")), cn_int(tg("mr2"))
        if not (a and b and a < b <= 12):
            return None
        p.months = (a, b)
    elif tg("m") or tg("mr"):
        if tg("m"):
            p.month = cn_int(tg("m"))
        else:
            p.month_rel = r.relative[tg("mr")]
        if tg("d") or tg("dn"):
            p.day = cn_int(tg("d") or tg("dn").lstrip("初"))
        elif tg("d1"):
            a, b = cn_int(tg("d1")), cn_int(tg("d2"))
            if not (a and b and a < b <= 31):
                return None
            p.days = (a, b)
        elif tg("mp"):
            p.month_part = r.month_part[tg("mp")]
    elif tg("q1"):
        a = cn_int(tg("q1"))
        b = cn_int(tg("q2")) if tg("q2") else a
        if not (a and b and a <= b):
            return None
        p.quarters = (a, b)
        if tg("qe"):  # 一季度末 = the quarter's last month, 三季度初 its first
            m = 3 * b if tg("qe") == "末" else 3 * a - 2
            p.quarters, p.month = None, m
    elif tg("qn"):
        p.quarters = (1, cn_int(tg("qn")) or 1)
    elif tg("mf"):  # 前4个月: January to April (of the reference year when no year is written)
        p.months = (1, cn_int(tg("mf")) or 1)
    elif tg("yp0"):
        w = tg("yp0")
        w = w[1:] if w.startswith("年") else w
        if w in r.needs_year and not p.has_year():
            return None  # 夏天 alone is a season of no year in particular
        p.year_part = r.year_part[w]
    elif tg("hol"):
        p.holiday = r.holidays[tg("hol")]
        p.holiday_period = bool(tg("hp")) or p.holiday.period_only
    elif tg("tq"):
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
    if daypart in _PM and h < 12 or daypart == "中午" and h < 11:
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
    dp = g["dp"] or ("晚" if text[p.end - 1] in "晚夜" else None)  # 今晚6点 is 18:00
    clock = None
    if g["hh"]:
        clock = _clock(g["hh"], g["mi"], g["ss"], dp)
    elif g["hc"]:
        clock = _clock(g["hc"], g["mc"], None, dp, bool(g["half"]))
    if (clock is None and (g["hh"] or g["hc"])) or (g["wd"] and p.weekday is not None):
        return  # an invalid clock, or a second weekday (周四，星期天) that is a date of its own
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
    if p.lunar is not None:
        try:
            d = lunardate.LunarDate(y, *p.lunar).to_solar_date()
        except ValueError:
            return None
        return d, d, "day"
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
        a, b, gran = p.year_part  # b > 12 runs into the next year (冬季: 12 to 14)
        return date(y, a, 1), month_end(*add_months(y, b, 0)) if b <= 12 else month_end(y + 1, b - 12), gran
    if p.year2 is not None:
        return date(y, 1, 1), date(p.year2, 12, 31), "range"
    return date(y, 1, 1), date(y, 12, 31), "year"


def _resolve(p: _Parts, ref: date | None, ctx: _Ctx, r: Rules) -> tuple[Interval | None, bool]:
    """(interval or None when unresolvable, relative?) of one match."""
    if p.clock_only:  # a time alone is on the day last mentioned (10月14日上午开幕……下午3时签约)
        if ctx.end is None or ctx.granularity not in ("day", "datetime"):
            return None, True
        return (ctx.end, ctx.end, "datetime"), True
    if p.decade is not None:
        return _decade(p.decade, ref)
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
        if p.weekend:
            return (monday + timedelta(days=5), monday + timedelta(days=6), "range"), True
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
    only_year_part = p.year_part is not None and p.month is None and p.months is None and p.quarters is None
    if iv is not None and not only_year_part and iv[0] > ref + timedelta(days=r.future_days):
        iv = _calendar_interval(p, ref.year - 1, ref, ctx)
    return iv, True


def _decade(decade: tuple[str | None, int], ref: date | None) -> tuple[Interval | None, bool]:
    """上世纪90年代 -> 1990..1999; 20世纪80年代 -> 1980s; 九十年代 alone -> the 1900s (as news mean it)."""
    cent, dec = decade
    if cent in ("上", "本", "这"):
        if ref is None:
            return None, True
        base = (ref.year // 100 - (1 if cent == "上" else 0)) * 100
        rel = True
    elif cent:
        n = cn_int(cent)
        if not n:
            return None, False
        base, rel = (n - 1) * 100, False
    else:
        base, rel = 1900, False
    return (date(base + dec, 1, 1), date(base + dec + 9, 12, 31), "range"), rel


def _inherit(p2: _Parts, resolved_end: date, relative: bool) -> None:
    """The second date of a range or list takes the year (and month) it leaves out: 5月1日至5日."""
    if p2.has_year() or p2.day_rel is not None or p2.week_rel is not None or p2.same_period:
        return
    if p2.day is not None and p2.month is None and p2.month_rel is None:
        p2.month = resolved_end.month
    elif not p2.has_calendar_tail():
        return
    p2.year = resolved_end.year
    p2.inherited = relative  # relative when the date it inherits from was


# ---------------------------------------------------------------------------- public API

_PART_FIELDS = operator.attrgetter(*_Parts.__slots__)  # in the order of the constructor's arguments


def _copy(p: _Parts) -> _Parts:
    """A fresh copy of a scanned match (its fields are immutable values, so a shallow copy is enough)."""
    return _Parts(*_PART_FIELDS(p))

def _scan(text: str, r: Rules) -> list[_Parts]:
    out: list[_Parts] = []
    for m in r.main.finditer(text):
        if m.end() == m.start():
            continue
        p = _parts(m, r)
        if p is None:
            continue
        while p.end > p.start and text[p.end - 1].isspace():
            p.end -= 1
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
                future = bool(m.groupdict().get("fut"))
                other = _shift(ref, unit, n if future else -n)
                vs, ve = (ref + timedelta(days=1), other) if future else (other, ref)
            out.append(DateMatch(s, e, m.group(), vs, ve, "range", True, kind="relative_period", anchor="ref"))
            taken.append((s, e))
    return out


def _shift(d: date, unit: str, k: int) -> date:
    """``d`` moved by k units (month ends clamp: 3月31日 - 1 month = 2月29日)."""
    if unit == "year":
        return add_years(d, k)
    if unit == "month":
        y, mo = add_months(d.year, d.month, k)
        return date(y, mo, min(d.day, calendar.monthrange(y, mo)[1]))
    return d + timedelta(weeks=k) if unit == "week" else d + timedelta(days=k)


def find_dates(text: str, ref_date: date | None = None, *, periods: bool = True) -> list[DateMatch]:
    """All date expressions of ``text``, resolved against ``ref_date`` (None: relative ones stay null).

    Deterministic and pure: the same text and reference give the same matches, in text order.
    """
    r = rules()
    return _find(text, _scan(text, r), ref_date, periods, r)


def _find(text: str, parts: list[_Parts], ref_date: date | None, periods: bool, r: Rules) -> list[DateMatch]:
    """:func:`find_dates` over the matches of one scan; resolving mutates ``parts`` (ranges and lists
    inherit the year and month they leave out), so a second resolution needs fresh copies."""
    ctx = _Ctx()
    period_ctx = _Ctx()  # the last period (not a single day): what 同期 refers to in statistics
    out: list[DateMatch] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        iv, rel = _resolve(p, ref_date, period_ctx if p.same_period and period_ctx.end else ctx, r)
        start, end = p.start, p.end
        gran = iv[2] if iv else _guess_granularity(p)
        vs, ve = (iv[0], iv[1]) if iv else (None, None)
        joined = False
        linked = nxt is not None and iv is not None
        in_range = linked and r.gap_range.fullmatch(text, p.end, nxt.start) is not None
        if in_range:
            _inherit(nxt, ve, rel)
            ctx_tmp = _Ctx(vs, ve, gran)
            iv2, rel2 = _resolve(nxt, ref_date, ctx_tmp, r)
            if iv2 is not None and iv2[1] >= vs:
                ve, gran, end, rel = iv2[1], "range", nxt.end, rel or rel2
                p.time = p.time or nxt.time
                joined = True
        in_list = not joined and linked and r.gap_list.fullmatch(text, p.end, nxt.start) is not None
        if in_list and not in_range:
            _inherit(nxt, ve, rel)
        if joined:
            i += 1
        elif in_list and r.between_re.match(text, nxt.end):
            # 2007年与2009年之间: one range
            iv2, rel2 = _resolve(nxt, ref_date, _Ctx(vs, ve, gran), r)
            if iv2 is not None and iv2[1] >= vs:
                ve, gran, rel = iv2[1], "range", rel or rel2
                end = r.between_re.match(text, nxt.end).end()
                i += 1
        if (joined or p.days or p.months or p.year2) and start > 0 and text[start - 1] in "从自":
            start -= 1  # 从2016年到2018年: the range includes its 从
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
                             holiday=p.holiday.name if p.holiday else None, bound=bound, anchor=p.anchor(rel)))
        if vs is not None and not p.same_period:
            ctx = _Ctx(vs, ve, gran)
            if gran not in ("day", "datetime"):
                period_ctx = ctx
        i += 1
    if periods:
        out.extend(_periods(text, [(d.start, d.end) for d in out], ref_date, r))
        out.sort(key=lambda d: (d.start, d.end))
    return out


def _guess_granularity(p: _Parts) -> str:
    """Granularity of a match left unresolved (no reference or context date)."""
    if p.clock_only or p.has_clock:
        return "datetime"
    if p.has_day() or p.holiday is not None and not p.holiday_period:
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

def infer_ref_date(matches: list[DateMatch], text: str) -> tuple[date | None, str | None]:
    """Reference date of an article that has none, from its own absolute dates.

    Rule: the latest start date among absolute dates (a written year, nothing relative),
    skipping dates right after a future marker (到2025年, 预计2026年) and the upper ends of
    ranges; a whole-year mention counts only when it is at most one year after the latest
    month- or day-precise mention (so 2035年远景目标 does not set the reference).
    """
    fine: list[date] = []
    years: list[date] = []
    markers = rules().future_markers
    for d in matches:
        if d.relative or d.value_start is None or d.kind in ("relative_period", "time"):
            continue
        before = text[max(0, d.start - 2):d.start]
        if before.endswith(markers):
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


def scan(doc: Doc) -> list[_Parts]:
    """The candidate date expressions of a document (the costly pass, done once per document).

    Both the reference-date inference and :func:`extract` resolve these; resolving mutates them
    (ranges and lists inherit what they leave out), so each works on copies.
    """
    return _scan(doc.text, rules())


def infer_reference(doc: Doc) -> tuple[date | None, str | None]:
    """A reference date for an article that states none, from its own absolute dates (:func:`infer_ref_date`)."""
    r = rules()
    return infer_ref_date(_find(doc.text, [_copy(p) for p in doc.date_candidates], None, False, r), doc.text)


def extract(doc: Doc) -> list[DateRec]:
    """Date records of a scanned document, resolved against ``doc.ref_date`` (unresolved when None)."""
    ref: date | None = None
    if doc.ref_date:
        try:
            ref = date.fromisoformat(doc.ref_date[:10])
        except ValueError:
            ref = None
    return _records(doc, _find(doc.text, [_copy(p) for p in doc.date_candidates], ref, True, rules()))


def _records(doc: Doc, matches: list[DateMatch]) -> list[DateRec]:
    """The records of a document's matches (those on corrupted text left out), numbered in order.

    A match's text is already ``doc.text[start:end]``, and what each anchor becomes as the record's
    ``ref_date_source`` is the same for the whole document: both are taken as they are.
    """
    sources = {"context": "context", "ref": doc.ref_date_source}
    sentence_index = doc.sentence_index if doc.sentences else None
    doc_id = doc.doc_id
    recs: list[DateRec] = []
    for d in matches:
        s, e = d.start, d.end
        if doc.corrupt and doc.is_corrupt(s, e):
            continue
        rs, re_ = doc.raw_span(s, e)
        recs.append(DateRec(doc_id=doc_id, id=f"{doc_id}:d{len(recs)}", text=d.text, start=s, end=e,
                            raw_start=rs, raw_end=re_,
                            value_start=d.value_start.isoformat() if d.value_start else None,
                            value_end=d.value_end.isoformat() if d.value_end else None,
                            granularity=d.granularity, relative=d.relative, ref_date_source=sources.get(d.anchor),
                            time=d.time, sentence=sentence_index(s) if sentence_index else None,
                            kind=d.kind, holiday=d.holiday, bound=d.bound))
    return recs
