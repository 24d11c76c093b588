"""The date grammar: the one scanning regex and its helpers, built from the lexicon (``rules/dates/``).

The scanning regex is one alternation; each alternative is built by one function below from the
words and classes of its lexicon table, and wrapped in a group of its name (``_numeric`` ...) so that
:mod:`extract.dates.read` reads a match with the reader of its alternative:

======================  ==================================================  =============
alternative             examples                                            table
======================  ==================================================  =============
:func:`_numeric`        2024-09-09, 2024/9/9                                numeric
:func:`_years`          2023—2026年, 从2016到2018                             year_range
:func:`_decade`         上世纪90年代, 20世纪80年代, 1990年代                      decade
:func:`_lunar`          农历2015年十月初一, 正月十五, 三月初一                       lunar
:func:`_dated`          a year and/or a tail: 2023年11月1日, 今年一季度, 国庆     year, tail
:func:`_rel_day`        今天, 次日                                           relative_day
:func:`_rel_week`       上周, 下周五, 下下周末                                  relative_week
:func:`_weekend`        周末                                                weekend
:func:`_weekday`        星期一, 礼拜天                                         weekday
:func:`_weekday_short`  周五 (at the end of the words: 周五发布 is not)           weekday
:func:`_mpart`          月底, 月中旬 (the reference month)                       month_part
:func:`_bare_day`       29日, 二十日                                          bare_day
:func:`_clock`          8:30, 10:58:07                                      clock
:func:`_dp_clock`       下午5:00, 凌晨2点半                                     daypart_clock
======================  ==================================================  =============

The tail (:func:`_tail`) is itself an alternation: a month range, a month with its day, days, xun
or part (:func:`_month`), quarters, the first months, a part of the year, a holiday, 同期.  What
stays in code is the numeral grammar (十二, 二十一, 廿三, 1-31, the years 1600-2199), the unit words
of the skeleton (年, 月, 日, 季度, 世纪, 年代; 年度, 月份) and the order in which the parts combine;
the words and character classes are the lexicon's.

The regex is preceded by cheap first tests (:mod:`extract.dates.guards`).  Other regexes of the
grammar: the time after a day (:func:`_day_time`), the connectors between dates, and the periods
reaching back from the reference date (:func:`_periods`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extract.dates.guards import CN, NUMERALS, QUARTERS, YEAR4, alt, alt_not_after, chars, first_chars, trie, word_guard
from extract.dates.lexicon import Lexicon, lexicon
from extract.firstchars import first_class, lookahead, max_width

_DIGIT_MONTH = r"(?:1[0-2]|0?[1-9])"  # 1-12 (01-09 too)
_DIGIT_DAY = r"(?:3[01]|[12]\d|0?[1-9])"  # 1-31
_NOT_IN_NUMBER = r"(?<!\d)(?<!\d\.)"  # not inside a longer number (12 of 112, 5 of 1.5)
ALT = "_"  # the prefix of the group names of the scanning regex's alternatives (_numeric, _dated ...)


@dataclass(frozen=True)
class Period:
    """One regex of the periods from the reference date (:func:`_periods`), its rule name, and when every match
    ends with one character (the 来 of 10年来), that character and the longest match: the regex then runs only
    just before each place of it (the character is rare, the numerals it would be tried at are not)."""

    re: re.Pattern
    rule: str
    cue: str = ""
    width: int = 0
    first: frozenset[str] = frozenset()  # without a cue: the characters a match starts with (empty: unknown)


@dataclass(frozen=True)
class Grammar:
    """The compiled grammar with the lexicon it was built from."""

    lex: Lexicon
    main: re.Pattern  # the scanning regex
    guard: re.Pattern  # where a match of ``main`` may start: its first characters and word guard, class-led
    tail_re: re.Pattern  # the tail alone (read again when a match is a tail without a year)
    day_time: re.Pattern  # weekday, day part and clock after a day
    gap_range: re.Pattern
    gap_list: re.Pattern
    until_re: re.Pattern  # before a date: 截至
    bound_re: re.Pattern  # after a date: a group per bound (until, from, since, before, after)
    from_re: re.Pattern  # before a date with a from or since bound: 从, 自, 自从
    between_re: re.Pattern
    from_chars: str  # before a range, part of it (从, 自)
    comparison_words: tuple[str, ...]  # before a comparison base (比上月, 较9月)
    period_res: tuple[Period, ...]  # the periods from the reference
    period_chars: str  # the first characters of the periods without a cue that have them


def grammar() -> Grammar:
    """The compiled grammar of the current lexicon (compiled once per lexicon: see
    :func:`extract.dates.lexicon.configure`)."""
    return _compile(lexicon())


@cache
def _compile(lx: Lexicon) -> Grammar:
    """Compile the lexicon into the scanning regex and the connector regexes."""
    t = lx.tables
    conn = _conn(lx)
    tail = _tail(lx, conn)
    alternatives = {"numeric": _numeric(lx), "years": _years(lx, conn), "decade": _decade(lx), "lunar": _lunar(lx),
                    "ago": _ago(lx), "paren_day": _paren_day(lx), "rel_quarter": _rel_quarter(lx),
                    "dated": _dated(lx, conn, tail), "rel_day": _rel_day(lx), "rel_week": _rel_week(lx),
                    "weekend": _weekend(lx), "weekday": _weekday(lx), "weekday_short": _weekday_short(lx),
                    "mpart": _mpart(lx), "bare_day": _bare_day(lx), "clock": _clock(lx), "dp_clock": _dp_clock(lx)}
    # each alternative in a group of its name: the match's ``lastgroup`` (the group closed last) names it; behind
    # a look-ahead on its own first characters, so that a position only tries the alternatives it can start
    main = "|".join(f"{lookahead(v)}(?P<{ALT}{k}>{v})" for k, v in alternatives.items())
    first, guard = first_chars(lx), word_guard(lx)
    periods = tuple(_with_first(p) for p in _periods(lx))
    return Grammar(
        lex=lx,
        main=re.compile(f"(?=[{first}]){guard}(?:{main})"),
        # class-led (the engine skips to a first character in its fast loop, instead of entering a look-ahead
        # at every position), the guard then read at the character it stepped back to
        guard=re.compile(f"[{first}](?<=(?={guard}).)"),
        tail_re=re.compile(tail),
        day_time=re.compile(_day_time(lx)),
        gap_range=re.compile(f"\\s*(?:{alt(t['range']['words'])})\\s*"),
        gap_list=re.compile(f"\\s*(?:{alt(t['list']['words'])})\\s*"),
        until_re=re.compile(f"(?:{alt(t['until']['words'])})\\s*$"),
        bound_re=re.compile(_bound_after(lx)),
        from_re=re.compile(f"(?:{alt(t['from_before']['words'])})$"),
        between_re=re.compile(f"(?:{alt(t['between']['words'])})"),
        from_chars=t["from"]["chars"],
        comparison_words=tuple(t["comparison"]["words"]),
        period_res=periods,
        period_chars="".join(sorted(set().union(*(p.first for p in periods)))),
    )


# ---------------------------------------------------------------------------- pieces

def _conn(lx: Lexicon) -> str:
    """A range connector inside one expression (1-7月, 5月1—5日, 2023—2026年)."""
    return f"(?:{alt(lx.tables['range']['words'])})"


def _not(words: list[str]) -> str:
    """Negative look-ahead for words (in their order)."""
    return f"(?!{'|'.join(re.escape(w) for w in words)})"


def _digits(lx: Lexicon) -> str:
    """The Chinese digits one to nine, as a class body."""
    return lx.tables["numerals"]["digits"]


def _year_number(lx: Lexicon) -> str:
    """A year's numeral: 2023 (1600-2199), 二〇二三 (four digits), 两千零四, and two-digit years only
    where they cannot be a count of years (calendar.toml [year]): 07年, 零八年, 三三年 (not 五六年),
    24年10月, 24年底, 于24年."""
    d, z = _digits(lx), lx.tables["numerals"]["zeros"]
    part = alt([w for w in lx.year_parts if len(w) == 1] + ["上半年", "下半年", "第", "首", "前", "一季度", "二季度",
                                                           "三季度", "四季度"])
    head = f"\\s?(?:1[0-2]|0?[1-9]|十[一二]?|[{d}])月|(?:{part})"
    consecutive = "|".join(f"{a}{b}" for a, b in zip(d, d[1:], strict=False))
    after = lx.tables["year"]["two_digit_after"]
    return (f"{_NOT_IN_NUMBER}{YEAR4}(?!\\d)|(?<![{CN}])[{z}{d}]{{4}}"
            f"|两千(?:零[{d}]|[{d}]?十[{d}]?)?"
            f"|(?<![\\d.])0\\d(?=\\s?年)|(?<![{CN}])(?!{consecutive})[{z}{d}][{z}{d}](?=年)"
            f"|(?<![\\d.])[1-9]\\d(?=\\s?年(?:{head}))|(?<=[{after}])[1-9]\\d(?=\\s?年(?![里内间来多前后以之]))")


def _month_number(lx: Lexicon) -> str:
    """A month's numeral, 1-12: digits (not after 每 ...) or Chinese (not inside a word: 统一月, 逐月)."""
    t = lx.tables["month"]
    not_after = "".join(f"(?<!{re.escape(w)})" for w in t["digit_not_after"])
    return (f"{_NOT_IN_NUMBER}{not_after}{_DIGIT_MONTH}(?!\\d)"
            f"|(?<![{CN}{t['numeral_not_after']}])(?:十[一二]|十|[{_digits(lx)}])(?![{CN}])")


def _day_number(lx: Lexicon) -> str:
    """A day's numeral, 1-31: digits or Chinese (三十一, 二十五, 廿三, 卅一)."""
    d = _digits(lx)
    return (f"{_NOT_IN_NUMBER}{_DIGIT_DAY}(?!\\d)"
            f"|(?<![{CN}])(?:三十一?|二十[{d}]?|十[{d}]?|廿[{d}]?|卅一?|[{d}])(?![{CN}])")


def _year(lx: Lexicon) -> str:
    """A year (groups ya: written, ye/yen: of an era, yr: relative word) and a one-character part after
    it (yp: 2023年底)."""
    yt, yp, era = lx.tables["year"], lx.tables["year_part"], lx.tables["era"]
    ordinal_guard = lx.tables["relative_year"]["ordinal_not_after"]
    years = sorted((w for w, r in lx.relative.items() if r.unit == "year"), key=lambda w: (-len(w), w))
    rel = "|".join(f"(?<![{ordinal_guard}]){re.escape(w)}" if w.startswith("第") else re.escape(w) for w in years)
    after = alt(w for w in lx.year_parts if len(w) == 1)
    era_n = f"\\d{{1,3}}|[{CN}]{{1,4}}|{era['first_year']}"
    return (f"(?:(?P<ya>{_year_number(lx)})\\s?年度?{_not(yt['not_followed_by'])}\\s?"
            f"|(?P<ye>{alt(era['eras'])})(?P<yen>{era_n})年|(?P<yr>{rel}))"
            f"(?P<yp>(?:{after}){_not(yp['after_year_not_followed_by'])})?")


def _month(lx: Lexicon, conn: str) -> str:
    """A month (m: numeral, mr: relative word; 10月当月 is the month) with an optional part chosen by
    order (:func:`_selector`: 十月的第一周, 5月首两周), day range (d1, d2), day (d; dn: Chinese without
    日, 八月十五 after a written year) or part of the month (mp: 上旬, 底)."""
    t, dt = lx.tables["month"], lx.tables["day"]
    d, dnum, units = _digits(lx), _day_number(lx), dt["units"]
    months = [w for w, r in lx.relative.items() if r.unit == "month"]
    lunar_day = f"{lx.tables['lunar']['day_prefix']}[{d}十]"
    return (f"(?:(?P<m>{_month_number(lx)})月份?(?:{t['itself']})?(?![{t['not_followed_by']}])|(?P<mr>{alt(months)}))"
            f"(?:{lx.tables['selector']['of']}?{_selector(lx, 'm')}"
            f"|(?P<d1>{dnum})[{units}]?{conn}(?P<d2>{dnum})[{units}]"
            f"|(?P<d>{dnum})[{units}](?![{dt['not_followed_by']}])"
            f"|(?P<dn>二十[{d}]?|三十一?|十[{d}]|廿[{d}]|{lunar_day})"
            f"(?![{CN}{re.escape(dt['numeral_not_followed_by'])}])"
            f"|(?P<mp>{alt(lx.month_parts)}))?")


def _count(lx: Lexicon) -> str:
    """A small count: one or two digits, or a Chinese count (两, 十二, 二十)."""
    return f"\\d{{1,2}}|[{lx.tables['numerals']['count_first']}][{lx.tables['period']['count_next']}]{{0,2}}"


def _selector(lx: Lexicon, px: str) -> str:
    """A part of a year or month chosen by order (calendar.toml [selector]; groups prefixed ``px``):
    the kind (sk: 第, 前/首/头, 最后), the count (sn), the unit (su: 月, 周, 天) and a weekday (sw:
    第一个星期一)."""
    t = lx.tables["selector"]
    kinds = alt([t["ordinal"], *t["first"], *t["last"]])
    units = alt(t["months"] + t["weeks"] + t["days"])
    days = "".join(lx.weekdays)
    not_wd = lx.tables["relative_week"]["weekday_not_followed_by"]
    counted = chars([t["ordinal"], *t["first"][:1]])  # 第 and 前 need a count (前天 is no selector)
    need = f"(?:(?<=[{counted}])(?=\\s?[\\d{lx.tables['numerals']['count_first']}])|(?<![{counted}]))"
    return (f"(?P<{px}sk>{kinds}){need}\\s?(?P<{px}sn>{_count(lx)})?\\s?(?P<{px}sm>{t['measure']})?"
            f"(?P<{px}su>{units})(?P<{px}sw>[{days}](?![{not_wd}]))?")


def _quarters(lx: Lexicon, conn: str) -> str:
    """Quarters (q1, q2: 一季度, 第一季度, 二、三季度; qe: 末 or 初 of the quarter), the first ones (qn: 前三季度),
    Taiwan's and Hong Kong's 第1季 (qs) and 首季 (qf)."""
    q = lx.tables["quarter"]
    first = f"{q['first']}(?P<qn>[一二两三1-3]){q['measure']}?季度"  # at most three
    short = (f"(?<![{re.escape(q['short_not_after'])}]){q['ordinal']}(?P<qs>[{QUARTERS}])季"
             f"(?![度{re.escape(q['short_not_followed_by'])}])")
    return (f"{q['ordinal']}?(?P<q1>[{QUARTERS}])(?:{conn}|{q['list_mark']})?(?P<q2>[{QUARTERS}])?季度"
            f"(?P<qe>{alt(lx.quarter_edges)})?|{first}|{short}|(?P<qf>{alt(q['first_quarter'])})")


def _holiday(lx: Lexicon) -> str:
    """A holiday (hol, the words as a trie) with an optional period word after it (hp: 春节期间, 国庆黄金周),
    eve word (heve: 国庆节前夕) or word of the day after (hnext: 耶稣受难日翌日).  A word that needs a suffix
    (十一 of 十一黄金周) or a context (大雪 of 大雪节气: [solar_term] context, or a written year before it)
    has it as a look-around; a word starting with a numeral (五一) is not inside a longer numeral."""
    period = alt(lx.tables["holiday_period"]["words"])
    context = alt(lx.tables["solar_term"]["context"])
    after: dict[str, str] = {}
    for h in lx.tables["holiday"]:
        for w in h["words"]:
            pat = ""
            if w in h.get("needs_suffix", []):
                pat += f"(?=(?:{period}))"
            if w in h.get("needs_context", []):  # 大雪节气, 霜降当天, or after a written year (2023年大雪)
                pat += f"(?:(?=(?:{context}))|(?<=[\\d{CN}]年{re.escape(w)}))"
            if h.get("not_followed_by"):
                pat += f"(?![{re.escape(h['not_followed_by'])}])"
            after[w] = pat
    before = {w[0]: f"(?<![{CN}\\d])" for w in after if w[0] in CN}  # 五一, 十一: not inside a longer numeral
    eve, nxt = alt(lx.tables["holiday_eve"]["words"]), alt(lx.tables["holiday_next"]["words"])
    return f"(?P<hol>{trie(after, before)})(?:(?P<hp>{period})|(?P<heve>{eve})|(?P<hnext>{nxt}))?"


def _tail(lx: Lexicon, conn: str) -> str:
    """What follows a year, or stands alone: a month range (mr1, mr2), a month (:func:`_month`), quarters,
    a part chosen by order (:func:`_selector`: 前4个月, 第三个月, 前2周), a part of the year (yp0: 上半年,
    年底, 春季), a holiday, 同期 (tq)."""
    m = _month_number(lx)
    not_after = _not(lx.tables["year_part"]["alone_not_followed_by"])  # 年初步: only after a one-character part
    alone = (alt([w for w in lx.year_parts if len(w) > 1])
             + f"|(?:{alt(['年' + w for w in lx.year_parts if len(w) == 1])}){not_after}")
    return (f"(?:(?P<mr1>{m})(?:月份?)?{conn}(?P<mr2>{m})月份?"
            f"|{_month(lx, conn)}"
            f"|{_quarters(lx, conn)}"
            f"|{_selector(lx, 'y')}"
            f"|(?P<yp0>{alone})"
            f"|{_holiday(lx)}"
            f"|(?P<tq>{alt(lx.tables['same_period']['words'])}))")


# ---------------------------------------------------------------------------- alternatives

def _numeric(lx: Lexicon) -> str:
    """2024-09-09, 2024/9/9, 2024.09.09 (ny, nm, nd; the same separator twice); 20240307 (cy, cm, cd);
    3/3/2015 (xa, xb, xy: the year last, options.toml year_last_order); 6·30 (dm, dd: a month and a
    day around a middle dot, as events are named); 09-01 (hm, hd: two digits each, not before a unit)."""
    t = lx.tables["numeric"]
    sep = chars(t["separators"])
    day = "3[01]|[12]\\d|0?[1-9]"
    return (f"{_NOT_IN_NUMBER}(?P<ny>{YEAR4})(?P<sep>[{sep}])(?P<nm>1[0-2]|0?[1-9])(?P=sep)"
            f"(?P<nd>{day})(?!\\d|\\.\\d)"
            f"|(?<![0-9A-Za-z_.-])(?P<cy>(?:19|20)\\d\\d)(?P<cm>0[1-9]|1[0-2])(?P<cd>0[1-9]|[12]\\d|3[01])(?![0-9A-Za-z_.])"
            f"|(?<![0-9A-Za-z_./])(?P<xa>{day})(?P<xs>[{sep}])(?P<xb>{day})(?P=xs)(?P<xy>{YEAR4})(?![0-9A-Za-z_.])"
            f"|(?<![0-9A-Za-z_.·])(?P<dm>1[0-2]|0?[1-9]){re.escape(t['dot'])}(?P<dd>{day})(?![0-9A-Za-z_·])"
            f"|(?<![0-9A-Za-z_./:-])(?P<hm>0[1-9]|1[0-2])-(?P<hd>0[1-9]|[12]\\d|3[01])"
            f"(?![0-9A-Za-z_./:-]|[{re.escape(t['short_not_followed_by'])}])")


def _years(lx: Lexicon, conn: str) -> str:
    """Two years around a range connector (yy1, yy2), with the opener (yfrom: 从) or 年 (yyn) after them."""
    t = lx.tables["year_range"]
    return (f"(?P<yfrom>{re.escape(t['opener'])})?{_NOT_IN_NUMBER}(?P<yy1>{YEAR4})\\s?{conn}\\s?"
            f"(?P<yy2>{YEAR4})(?P<yyn>\\s?年(?![{t['not_followed_by']}]))?(?!\\d|\\s?[{CN}\\d]+月)")


def _decade(lx: Lexicon) -> str:
    """A decade (dec) with its century (cent: 20世纪, 上世纪) or alone; or written in four digits (dec4); or a
    century alone (cent2: 19世纪, 本世纪) with an optional part (centp: 中叶, 末)."""
    cent = f"\\d{{2}}|[{_digits(lx)}十]{{1,3}}|{alt(lx.centuries)}"
    part = f"(?P<decp>{alt(lx.tables['decade']['parts'])})?"
    return (f"(?:(?P<cent>{cent})世纪)?(?P<dec>[1-9]0|[{_digits(lx)}]十)年代{part}"
            f"|(?<!\\d)(?P<dec4>(?:1[6-9]|20)\\d0)年代(?P<decp2>{alt(lx.tables['decade']['parts'])})?"
            f"|(?<![\\d{CN}])(?P<cent2>{cent})世纪(?P<centp>{alt(lx.tables['century']['parts'])})?")


def _lunar(lx: Lexicon) -> str:
    """A lunar date: an optional year (ly: written, lye/lyen: of an era, lyr: relative) and 农历 with a
    month (lm) and an optional day (ld); a named month (正月, 腊月) with an optional day; a leap month (leap:
    闰四月); a month and a day of the first ten or 廿 (三月初一, 腊月廿三); a day of the new year (大年初五:
    the first month's; 大年初一 is the holiday 春节); and, without a written year, a month and a day in
    Chinese numerals without 日 (八月十五, 九月初九: dates of festivals, lunar by the rule of calendar.toml
    [lunar])."""
    t, d = lx.tables["lunar"], _digits(lx)
    named = "|".join(lx.lunar_months)
    month = f"{named}|十[一二]|[{d}十]"
    first = t["day_prefix"]
    day = f"{first}[{d}十]|十[{d}]|二十[{d}]?|廿[{d}]|三十"
    rel = alt(w for w, r in lx.relative.items() if r.unit == "year")
    leap = re.escape(t["leap"])
    era = lx.tables["era"]
    era_n = f"\\d{{1,3}}|[{CN}]{{1,4}}|{era['first_year']}"
    return (f"(?:(?:(?P<ly>{_year_number(lx)})年|(?P<lye>{alt(era['eras'])})(?P<lyen>{era_n})年|(?P<lyr>{rel}))?"
            f"(?:{t['marker']}(?:(?P<ly2>{_year_number(lx)})年)?(?P<lleap>{leap})?(?P<lm1>{month})月(?P<ld1>{day})?"
            f"|(?P<lleap2>{leap})?(?P<lm2>{named})月(?P<ld2>{day})?|(?P<lleap3>{leap})(?P<lm3>{month}|1[0-2]|[1-9])月(?P<ld3>{day})?"
            f"|(?P<lm4>{month})月(?P<ld4>[{first}廿][{d}十])"
            f"|(?P<lm6>{re.escape(t['new_year'])})(?P<ld6>{first}[{t['new_year_days']}]))"
            f"|(?P<lyr2>{rel})?(?P<lm5>{month})月(?P<ld5>十[{d}]|二十[{d}]?|三十|廿[{d}]))"
            f"(?![{CN}{t['not_followed_by']}])")


def _dated(lx: Lexicon, conn: str, tail: str) -> str:
    """A year with an optional tail (2019年的中秋节: 的 may stand between), or a tail alone (tailonly:
    its groups are read again with tail_re).

    Each branch starts with a look-ahead for its first characters: a cheap test before the costly
    alternatives."""
    year_words = [w for w, r in lx.relative.items() if r.unit == "year"]
    month_words = [w for w, r in lx.relative.items() if r.unit == "month"]
    q, sel = lx.tables["quarter"], lx.tables["selector"]
    openers = ({q["ordinal"], q["first"], "年"} | {w[0] for w in sel["first"] + sel["last"] + q["first_quarter"]}
               | {w[0] for w in lx.tables["same_period"]["words"]})
    year_first = chars(set(NUMERALS) | {w[0] for w in year_words + list(lx.tables["era"]["eras"])})
    tail_first = chars(set(NUMERALS) | openers | {w[0] for w in month_words}
                       | {w[0] for w in list(lx.holidays) + list(lx.year_parts)})
    strip = re.sub(r"\(\?P<\w+>", "(?:", tail)  # the same pattern without its named groups
    return (f"(?=[{year_first}])(?:{_year(lx)})(?:{sel['of']}?{tail})?"
            f"|(?=[{tail_first}])(?P<tailonly>{strip})")


def _rel_day(lx: Lexicon) -> str:
    """A relative day word (rd: 今天, 次日); 次日 not after a measure word (班次日, 车次日), no word
    followed by 渐 (日渐), 益, 趋."""
    t = lx.tables["relative_day"]
    words = sorted((w for w, r in lx.relative.items() if r.unit == "day"), key=lambda w: (-len(w), w))
    return "(?P<rd>" + "|".join(_rel_day_word(w, t) for w in words) + f")(?![{t['not_followed_by']}])"


def _rel_day_word(word: str, t: dict) -> str:
    """One relative day word with its guard before it: 次日 not after a measure word, 明日 not inside
    光明日报 or 声明日前 (the characters of `not_after` make a word with its first character)."""
    before = t["measure_words"] if word.startswith(t["guarded_first"]) else t.get("not_after", {}).get(word[0], "")
    return f"(?<![{before}]){re.escape(word)}" if before else re.escape(word)


def _rel_quarter(lx: Lexicon) -> str:
    """A relative quarter or half-year word (rq: 本季度, 上个季度, 上个半年)."""
    return f"(?P<rq>{alt(w for w, r in lx.relative.items() if r.unit in ('quarter', 'half'))})"


def _paren_day(lx: Lexicon) -> str:
    """今（10）日 (pw: the word, pd: the day of the month in brackets)."""
    t = lx.tables["paren_day"]
    return (f"(?P<pw>{alt(t['words'])})[{t['open_brackets']}](?P<pd>{_DIGIT_DAY}|(?:二十|三十|十|廿)?[{_digits(lx)}]"
            f"|[二三]?十)[{t['close_brackets']}][日天]")


def _ago(lx: Lexicon) -> str:
    """N units before or after the reference date (an, au: the count and unit of 两年前; an2, au2 of
    3个月后); not after a number, a decimal point or 第.  N units later counts from the reference date
    only at the start of a clause or after periods.toml [later] ``after`` (工作10年后, 上线两年后 count
    from an event)."""
    t = lx.tables
    nb, na = re.escape(t["before"]["not_followed_by"]), re.escape(t["after"]["not_followed_by"])
    start = f"(?<![\\d.{CN}第])(?!0)"
    later_start = f"(?:(?<![\\u4e00-\\u9fff])|(?<=[{re.escape(t['later']['after'])}]))"
    return (f"{start}{_ago_count(lx, '')}(?P<ago>{alt(t['ago']['words'])})(?![{nb}])"
            f"|{start}{later_start}{_ago_count(lx, '2')}(?P<later>{alt(t['later']['words'])})(?![{na}])")


def _ago_count(lx: Lexicon, k: str) -> str:
    """The count and unit of N units ago or later (an, au; with ``k`` after the names): 两年, 3个多月, and
    halves (ah: 一年半; az: 半年, 半个月: periods.toml [ago_half])."""
    t = lx.tables
    more = "|".join(t["period"]["more"])
    half = t["ago_half"]
    return (f"(?:(?P<an{k}>{_count(lx)})(?:{more})?\\s?(?P<au{k}>{alt(t['ago_units']['units'])})"
            f"(?P<ah{k}>{re.escape(half['after'])})?|(?<![{half['not_after']}])(?P<az{k}>{alt(half['words'])}))")


def _rel_week(lx: Lexicon) -> str:
    """A relative week word (rw: 上周) with its weekend (rwe: 下周末) or a weekday (rwd: 上周一; written
    again with its own prefix: 下周周六, 下周的星期六)."""
    t, days = lx.tables["relative_week"], "".join(lx.weekdays)
    wd = lx.tables["weekday"]
    weeks = [w for w, r in lx.relative.items() if r.unit == "week"]
    again = f"{t['of']}?(?:{alt([*wd['prefixes'], wd['short_prefix']])})"
    return (f"(?P<rw>{alt(weeks)})(?:(?P<rwe>{t['weekend']})"
            f"|(?:{again})?(?P<rwd>[{days}](?![{t['weekday_not_followed_by']}])))?")


def _weekend(lx: Lexicon) -> str:
    """周末 alone (we0): this week's weekend; a half of this week (wp: 上半周, 下半周)."""
    t = lx.tables["weekend"]
    return (f"(?<![{t['not_after']}])(?P<we0>{alt(t['words'])})"
            f"|(?P<wp>{alt(lx.tables['week_part']['parts'])})")


def _weekday(lx: Lexicon) -> str:
    """A weekday after 星期 or 礼拜 (wd: 星期一, 礼拜天)."""
    t = lx.tables["weekday"]
    return f"(?<![{t['not_after']}\\d])(?:{'|'.join(t['prefixes'])})(?P<wd>[{''.join(lx.weekdays)}])"


def _weekday_short(lx: Lexicon) -> str:
    """A weekday after 周 (wd2: 周五), at the end of the Chinese words, before 上午, 起 ..., or after a range
    connector (周一至周三有雨)."""
    t = lx.tables["weekday"]
    conn = chars(w[-1] for w in lx.tables["range"]["words"])
    return (f"(?<![{t['not_after']}\\d]){t['short_prefix']}(?P<wd2>[{t['short_days']}])"
            f"(?:(?![\\u4e00-\\u9fff])|(?=[{t['short_followed_by']}])|(?<=[{conn}]..))")


def _mpart(lx: Lexicon) -> str:
    """A part of the month after 月 alone (mp0: 月底, 月中旬): the reference month."""
    t = lx.tables["month_part"]
    not_after = t["alone_not_after"] + CN + "".join(lx.lunar_months)
    return (f"(?<![\\d{not_after}])月(?P<mp0>{alt(lx.month_parts)})"
            f"|(?<![\\d{not_after}月])(?P<mp1>{alt(t['alone_words'])})")


def _bare_day(lx: Lexicon) -> str:
    """A day without its month (bd: 29日, 二十日)."""
    t = lx.tables["bare_day"]
    d = _digits(lx)
    return (f"(?<![\\d.{t['not_after']}{CN}])(?P<bd>{_DIGIT_DAY}(?!\\d)|(?:二十|三十|十|廿)[{d}]?)"
            f"日(?![{t['not_followed_by']}])")


def _clock(lx: Lexicon) -> str:
    """A clock time alone (hh, mi, ss: 8:30, 10:58:07), not a score (times.toml [clock]: 以23:25告负,
    3:1（23:25、25:19）)."""
    t = lx.tables["clock"]
    sep, marks = t["separators"], t["list_marks"]
    return (f"(?<![\\d.:])(?<![{sep}]\\d[（(])(?<![{sep}]\\d\\d[（(])(?<!(?:2[5-9]|[3-9]\\d)[{sep}]\\d\\d[{marks}])"
            f"(?P<hh>[01]?\\d|2[0-4])[{sep}](?P<mi>[0-5]\\d)(?:[{sep}](?P<ss>[0-5]\\d))?(?![\\d:])"
            f"(?!\\s?(?:{alt(t['score_after'])}))(?![{marks}]\\s?(?:2[5-9]|[3-9]\\d)[{sep}]\\d)")


def _dp_clock(lx: Lexicon) -> str:
    """A day part followed by a clock time (tdp: 下午5:00, 凌晨2点半); the clock is read by ``day_time``."""
    t = lx.tables
    dayparts = "|".join(t["daypart"]["words"])
    after = t["clock"]["separators"] + t["day_time"]["hour_units"]
    return f"(?P<tdp>{dayparts})(?=\\s?(?:[01]?\\d|2[0-4]|[{CN}]{{1,3}})[{after}])"


def _day_time(lx: Lexicon) -> str:
    """What may follow a day: a weekday in brackets (wd), a day part (dp), a clock with separators (hh,
    mi, ss) or with units (hc, mc, half: 3时30分, 5点半, 8点许)."""
    t = lx.tables["day_time"]
    sep = lx.tables["clock"]["separators"]
    hours_cn = CN.lstrip("〇○")  # 零 一 二 两 ... 十
    mins_cn = hours_cn.replace("两", "")
    weekday = (f"(?:[{t['comma']}]?\\s*[{t['open_brackets']}]?(?:{'|'.join(t['weekday_prefixes'])})"
               f"(?P<wd>[{''.join(lx.weekdays)}])[{t['close_brackets']}]?)?")
    clock = (f"(?P<hh>[01]?\\d|2[0-4])[{sep}](?P<mi>[0-5]\\d)(?:[{sep}](?P<ss>[0-5]\\d))?(?![\\d:])"
             f"|(?P<hc>[01]?\\d|2[0-4]|[{hours_cn}]{{1,3}})[{t['hour_units']}]"
             f"(?:(?P<mc>[0-5]?\\d|[{mins_cn}]{{1,3}}){t['minute_unit']}?|(?P<half>{t['half']}))?"
             f"(?:{'|'.join(t['approx'])})?")
    return f"{weekday}(?:\\s*(?P<dp>{'|'.join(lx.tables['daypart']['words'])}))?(?:\\s*(?:{clock}))?"


def _bound_after(lx: Lexicon) -> str:
    """What may follow a date and bound it (group named for the bound): 或之前 (until), 起 (from), 以来
    (since), 前 (before), 以后 (after); each word not followed by its table's ``not_followed_by``."""
    t = lx.tables
    groups = []
    for bound, key in (("until", "until_after"), ("from", "from_after"), ("since", "since"), ("before", "before"),
                       ("after", "after")):
        words = alt(t[key]["words"])
        nf = t[key].get("not_followed_by")
        groups.append(f"(?P<{bound}>(?:{words}){f'(?![{re.escape(nf)}])' if nf else ''})")
    return f"\\s?(?:{'|'.join(groups)})"


def _periods(lx: Lexicon) -> tuple[tuple[re.Pattern, str], ...]:
    """The periods reaching back from (or ahead of) the reference date: 近3年, 过去5年, 10年来, 未来两天.

    Each regex starts with a character or a word, with its look-behind after it, so that the regex
    engine can skip to the places where such a character stands (a pattern that starts with a
    look-around is tried at every position of the text).  ``n_alone`` is ``n`` not after a number.
    """
    t, back, ahead = lx.tables["period"], lx.tables["back"], lx.tables["ahead"]
    first, nxt = lx.tables["numerals"]["count_first"], t["count_next"]
    more = "|".join(t["more"])
    n = f"(?P<n>\\d{{1,3}}|[{first}][{nxt}]{{0,2}})(?P<more>{more})?"
    u = f"(?P<u>{alt(lx.period_units)})"
    n_alone = (f"(?P<n>[\\d{first}](?<![\\d{CN}{t['count_not_after']}].)"
               f"(?:(?<=\\d)\\d{{0,2}}|(?<!\\d)[{nxt}]{{0,2}}))(?P<more>{more})?")
    suffixes = alt(back["suffixes"])
    half = lx.tables["ago_half"]
    # halves (hz: 半年, 半个月: periods.toml [ago_half]) stand for the count and its unit: 近半年来, 未来半个月
    hz = f"(?P<hz>{alt_not_after(half['words'], back['half_not_after'])})"
    return (
        Period(re.compile(f"(?P<past>{alt_not_after(back['prefixes'], t['not_after'])})\\s?{n}\\s?{u}(?:{suffixes})?"),
               back["name"]),
        Period(re.compile(f"(?P<fut>{alt_not_after(ahead['prefixes'], t['not_after'])})\\s?{n}\\s?{u}"), ahead["name"]),
        _suffixed(f"{n_alone}{u}(?:{suffixes})", back["name"], back["suffixes"]),
        Period(re.compile(f"(?P<past>{alt_not_after(back['half_prefixes'], t['not_after'])})\\s?{hz}(?:{suffixes})?"),
               back["name"]),
        Period(re.compile(f"(?P<fut>{alt_not_after(ahead['half_prefixes'], t['not_after'])})\\s?{hz}"), ahead["name"]),
        _suffixed(f"{hz}(?:{suffixes})", back["name"], back["suffixes"]),
    )


def _with_first(p: Period) -> Period:
    """A period without a cue with the characters its matches start with, when they are plain characters: it is
    then tried only where one of them stands, not at every character of a scan (:func:`extract.dates._periods`)."""
    items = "" if p.cue else first_class(p.re.pattern)
    if not items or re.search(r"[\\\-\[\]^]", items):
        return p
    return Period(p.re, p.rule, first=frozenset(items))


def _suffixed(pattern: str, rule: str, suffixes: list[str]) -> Period:
    """A period whose pattern ends with one of ``suffixes``: with their last character as its cue when they
    share it (and the longest match, read off the parsed pattern), else without."""
    lasts = {w[-1] for w in suffixes}
    width = max_width(pattern)
    if len(lasts) != 1 or width is None:
        return Period(re.compile(pattern), rule)
    return Period(re.compile(pattern), rule, lasts.pop(), width)
