"""The scanning regex's first tests, and the regex helpers the date grammar is written with.

The scanning regex (:mod:`extract.dates.grammar`) has some thirty alternatives; trying them all at
every character of an article is what would make it slow.  So it starts with cheap look-aheads that
say whether a date can start here at all: the first character must start some alternative
(:func:`first_chars`), and :func:`word_guard` checks the second character of words and what follows
a numeral.  These are necessary conditions only: the alternatives themselves still decide, so the
guards can only save work, never change a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extract.dates.lexicon import Lexicon
from extract.numeral import CN_NUMERAL_CHARS

CN = CN_NUMERAL_CHARS
NUMERALS = "0123456789" + CN + "廿卅"  # every character a date's numeral can start with (廿三, 卅一 too)
YEAR4 = r"(?:1[6-9]|20|21)\d{2}"  # a year in four digits, 1600-2199
YEAR4_FIRST = "12"  # the digits YEAR4 starts with
QUARTERS_CN = "一二三四"  # the numbers of quarters (一季度, 第3季度), Chinese and digits
QUARTERS = QUARTERS_CN + "1234"


def alt(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first (so 上个月 wins over 上月 prefixes)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def alt_not_after(words: Iterable[str], not_after: str) -> str:
    """``(?<![not_after])(?:{alt(words)})`` with the look-behind moved behind each word (the same test:
    the character before the word), so that the alternation starts with a character."""
    return "|".join(f"{re.escape(w)}(?<![{re.escape(not_after)}]{re.escape(w)})"
                    for w in sorted(set(words), key=lambda w: (-len(w), w)))


def trie(words: dict[str, str], before: dict[str, str] | None = None) -> str:
    """Alternation of literal words shaped as a trie (圣诞节, 圣灰日 -> 圣(?:诞节|灰日)), so that a failing
    try costs one test per character rather than one per word: the holiday words are hundreds.

    ``words`` maps each word to what must follow it (a look-ahead; "" for nothing); ``before`` maps a
    first character to a look-behind put before it.  A longer word is tried before its prefix, so the
    longest word wins as in :func:`alt`.
    """
    root: dict[str, dict] = {}
    for w, after in words.items():
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = after
    return _trie_node(root, before or {})


def _trie_node(node: dict[str, dict], before: dict[str, str]) -> str:
    alts = [before.get(c, "") + re.escape(c) + _trie_node(node[c], {}) for c in sorted(k for k in node if k)]
    if "" in node:
        alts.append(node[""])  # the word ends here: its look-ahead, tried after the longer words
    if len(alts) == 1:
        return alts[0]
    return f"(?:{'|'.join(alts)})"


def chars(cs: Iterable[str]) -> str:
    """Character-class body of ``cs`` (sorted, escaped)."""
    return re.escape("".join(sorted(cs)))


def first_chars(lx: Lexicon) -> str:
    """The character class every alternative of the scanning regex starts with: numerals and the
    first characters of the words (:func:`guard_words`)."""
    return chars(set(NUMERALS) | {w[0] for w in guard_words(lx)})


def guard_words(lx: Lexicon) -> list[str]:
    """The words a date can start with: the word tables' and the grammar's own openings."""
    return (list(lx.relative) + list(lx.holidays) + list(lx.year_parts) + list(lx.tables["daypart"]["words"])
            + _openings(lx))


def _openings(lx: Lexicon) -> list[str]:
    """How the grammar's own alternatives begin, written as words (only their first two characters count).

    年初 (a one-character year part after 年), 月上旬 (a month part after 月 alone), 第一/第3 (quarters),
    前三/前4 (前三季度, 前4个月), 从2016 (a year range), 同期, 星期/礼拜/周末/周一, 农历, 正月/腊月/冬月
    (lunar months), 上世纪/上个世纪/本世纪/这个世纪 (decades), 半年/半个月 (半年后).  Digits and numerals are guarded by
    :func:`_numeral_guard`.
    """
    t = lx.tables
    wd = t["weekday"]
    return (["年" + w for w in lx.year_parts if len(w) == 1] + ["月" + w for w in lx.month_parts]
            + [t["quarter"]["ordinal"] + c for c in QUARTERS]
            + [t["quarter"]["first"] + c for c in t["numerals"]["count_first"] + "123456789"]
            + [t["year_range"]["opener"] + c for c in YEAR4_FIRST]
            + t["same_period"]["words"] + wd["prefixes"] + t["weekend"]["words"] + list(t["week_part"]["parts"])
            + list(t["ago_half"]["words"])
            + [t["lunar"]["marker"]]
            + [m + "月" for m in lx.lunar_months] + [wd["short_prefix"] + c for c in wd["short_days"]]
            + [t["lunar"]["leap"] + c for c in CN + "".join(lx.lunar_months) + "123456789"]
            + list(t["era"]["eras"]) + t["quarter"]["first_quarter"]
            + [w + c for w in t["selector"]["first"] + t["selector"]["last"] for c in NUMERALS + "个月周天季日"]
            + [w + b for w in t["paren_day"]["words"] for b in t["paren_day"]["open_brackets"]]
            + [c + "世纪" for c in lx.centuries])


def word_guard(lx: Lexicon) -> str:
    """Second test of the scanning regex: a character that starts only words (国 of 国庆节, 中 of 中秋节)
    must be followed by the second character of one of them.

    Such characters are frequent in news (国, 中, 全, 大) and almost never start a date; without this
    look-ahead every one of them costs a try of all the alternatives.  A one-character word passes
    alone; digits and numerals pass when :func:`_numeral_guard` lets them.

    The regex engine tries the alternatives of a look-ahead one by one (skipping at once only those
    that begin with a character or a class the text does not hold), so the test is shaped for that:
    the pairs are one alternative that first checks both characters against classes (the union of
    the first, then of the second characters) and only then looks back for the exact pair, and the
    numeral tests, whose alternatives begin with look-behinds, are reached only from a numeral.
    """
    words = guard_words(lx)
    triples = _triples(lx, words)
    seconds: dict[str, set[str]] = {}
    for w in words:
        if w[0] not in NUMERALS and w[:3] not in triples:
            seconds.setdefault(w[0], set()).add(w[1:2])
    alone = {c for c, nxt in seconds.items() if "" in nxt}
    pairs = {c: nxt for c, nxt in sorted(seconds.items()) if c not in alone}
    opts = [f"[{chars(alone)}]"]
    if pairs:
        exact = "|".join(f"{re.escape(c)}[{chars(nxt)}]" for c, nxt in pairs.items())
        opts.append(f"[{chars(pairs)}][{chars(set().union(*pairs.values()))}](?<={exact})")
    if triples:
        exact3 = "|".join(re.escape(t) for t in sorted(triples))
        opts.append(f"[{chars({t[0] for t in triples})}][{chars({t[1] for t in triples})}]"
                    f"[{chars({t[2] for t in triples})}](?<={exact3})")
    opts.append(f"(?=[{re.escape(NUMERALS)}])(?:{_numeral_guard(lx, words)})")
    return f"(?={'|'.join(opts)})"


def _triples(lx: Lexicon, words: list[str]) -> set[str]:
    """The first three characters of the holiday words whose first two are a common word of their own
    and start no shorter date word (国际劳动节, 世界地球日, 中国航天日: 国际, 世界, 中国 are frequent in news),
    so that the guard checks three characters of them rather than two."""
    two = {w[:2] for w in words if len(w) < 3 or w not in lx.holidays}
    return {w[:3] for w in lx.holidays if len(w) >= 3 and w[0] not in NUMERALS and w[:2] not in two}


def _numeral_guard(lx: Lexicon, words: list[str]) -> str:
    """Look-ahead body for the digits and Chinese numerals (``NUMERALS``) that may start a date.

    Digits and numerals are the most frequent candidates (every 2023, 1.5亿, 一些, 统一 passes the
    first test) and almost never start one; checking what follows them is much cheaper than trying
    all the alternatives at each of them.  A date's numeral is four digits (a year: 2024年, 2024-09-09,
    2016—2018) or one or two (10月, 5日, 8:30, 1-3月, 3季度) followed by what comes after a number in
    a date (``numeral_followers``, the Chinese quarter numeral of 1、二季度).  A digit right after
    another digit starts a match only in 90年代 / 19世纪 and in quarters (12季度): every other
    alternative begins with (?<!\\d).  Chinese numerals: a run of at most four (二〇二三, 十二, 二十一)
    followed by the same, or 千 of 两千年, or the start of a holiday word (五一, 七夕), which pass too.
    """
    after = numeral_followers(lx)
    year_after = r"\s" + chars(set(lx.tables["numeric"]["separators"]) | _range_chars(lx) | {"年"})
    ago = alt(lx.tables["ago_units"]["units"])
    digit = (f"(?<!\\d)(?:\\d{{4}}[{year_after}]|\\d{{1,2}}[{after}{QUARTERS_CN}]|\\d{{8}}(?!\\d)"
             f"|\\d{{1,2}}[多余]?\\s?(?:{ago}))"
             r"|(?<=\d)(?:\d(?:\d世纪|0年代)|[1-4].{0,3}季度)")
    cn_after = lx.tables["numeral_guard"]["cn_followed_by"]
    body = f"{digit}|[{CN}廿卅]{{1,4}}[多余]?(?:[{after}{re.escape(cn_after)}1-4]|{ago})"
    starts = sorted({w[:2] for w in words if w[0] in NUMERALS})
    if starts:
        body += "|" + "|".join(re.escape(w) for w in starts)
    return body


def numeral_followers(lx: Lexicon) -> str:
    """Class body of what may follow a numeral in a date: a space, a range connector, a clock separator,
    a unit (年 月 日 号 世纪 季度) or the list mark of 二、三季度."""
    t = lx.tables
    cs = (_range_chars(lx) | set(t["clock"]["separators"]) | set(t["numeral_guard"]["followed_by"])
          | set(t["quarter"]["list_mark"]))
    return r"\s" + chars(cs)


def _range_chars(lx: Lexicon) -> set[str]:
    """The first characters of the range connectors (至, 到, —, -, ~ ...)."""
    return {w[0] for w in lx.tables["range"]["words"]}
