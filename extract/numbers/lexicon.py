"""The quantity extractor's lexicon: ``rules/numbers/*.toml``, ``set_phrases.txt`` and ``idioms.txt``, compiled once
per process.

Each topic compiles into its own part (:class:`Reading`, :class:`Units`, :class:`Percent`, :class:`Qualifiers`,
:class:`Ranges`, :class:`Filters`), used by the module of the same responsibility; :class:`Lexicon` holds
them and what the scan needs from all of them together: the *seed* regex (where a number can begin) and
the characters that may continue a quantity.  Every word list becomes one compiled alternation, longest
word first, so each rule costs one regex match where it applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from extract import numeral as nm
from extract.firstchars import first_class, guarded
from extract.rules import load_list, load_toml
from extract.spans import bmp_chars


def spaced(word: str) -> str:
    """Regex for a rule word that tolerates ASCII spaces between its characters (大于 或 等于)."""
    return "[ ]*".join(re.escape(c) for c in word)


def alt(words: Iterable[str], spaced_words: bool = True) -> str:
    """An alternation of words, longest first (so 个百分点 wins over 百分点)."""
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(spaced(w) if spaced_words else re.escape(w) for w in ws)


def by_first_char(words: Iterable[str]) -> str:
    """An alternation grouped by first character (一(?:带一路|切|些)|两(?:岸|会)): the engine then tries one
    group per position instead of every word, which keeps the set-phrase scan cheap."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    out = []
    for first in sorted(groups):
        rests = sorted(set(groups[first]), key=lambda x: (-len(x), x))
        body = "|".join(re.escape(x) for x in rests if x)
        if "" in rests:
            body = f"(?:{body})?" if body else ""
        else:
            body = f"(?:{body})"
        out.append(re.escape(first) + body)
    return "|".join(out)


def norm_word(w: str) -> str:
    """A matched rule word without the spaces the text had inside it."""
    return w.replace(" ", "") if " " in w else w


def _firsts(words: Iterable[str]) -> str:
    return "".join(w[0] for w in words)


IDIOMS_OFF = False  # tools/gen_numeral_idioms.py reads the idioms without their own list

# ---------------------------------------------------------------------------------------------- parts

@dataclass(frozen=True, slots=True)
class Reading:
    """numerals.toml beyond the numeral characters: signs, fractions, lead words, 半, the dozen."""

    negative: tuple[str, ...]  # 负 / 零下
    minus: str
    minus_not_after: str
    negative_second: str  # the characters after a digit in a negative word (下 of 零下)
    fraction_re: re.Pattern  # 分之 between denominator and numerator
    fraction_and_re: re.Pattern  # 又 between a whole number and a fraction
    fraction_name: str
    slash_re: re.Pattern  # 3/5
    mixed_slash_re: re.Pattern  # 4 6/3
    slash_name: str
    slash: str
    fraction_next: str  # what may follow a number that a fraction continues
    vague_name: str
    lead_some: str
    lead_over: str
    half: str
    half_not_after: str
    half_hundred: str
    lone_scale: str
    lone_scale_kinds: frozenset[str]
    dozen: str
    dozen_not_before: str
    dozen_name: str


@dataclass(frozen=True, slots=True)
class UnitRule:
    """One unit word's rule (see the header of units.toml)."""

    canonical: str
    kind: str
    name: str
    ge: bool = False
    ge_required: bool = False
    boundary: bool = False
    scale_head: bool = False
    minor: tuple = ()
    not_before: str = ""
    not_after: str = ""
    exact_only: bool = False
    only_before: tuple[str, ...] = ()
    label: bool = False


@dataclass(frozen=True, slots=True)
class Compound:
    """units.toml [compound_duration]: 三年六个月, 11分36秒, 13秒92."""

    name: str
    joiners: tuple[str, ...]
    factor: dict[tuple[str, str], int]  # (bigger, smaller) -> how many smaller make one bigger (also over steps)
    minute_words: frozenset[str]
    minute: str
    second: str
    fraction_re: re.Pattern  # the digits after 秒


@dataclass(frozen=True, slots=True)
class Rate:
    """units.toml [rate_before]: a speed whose time unit stands before the number (时速350公里)."""

    name: str
    units: frozenset[str]  # the canonical units a rate word may turn into a speed
    res: dict[str, re.Pattern]  # canonical unit -> the rate words (and a gap word) at the end of a window
    to: dict[tuple[str, str], str]  # (rate word, canonical unit) -> the speed's canonical unit


def _rate(t: dict) -> Rate:
    gap = alt(t["gap"])
    to = {(w, u): v for r in t["rate"] for w in r["words"] for u, v in r["units"].items()}
    units = {u for _, u in to}
    res = {u: re.compile(f"(?P<w>{alt(w for w, v in to if v == u)})(?P<gap>{gap})?[ ]*$") for u in units}
    return Rate(t["name"], frozenset(units), res, to)


@dataclass(frozen=True, slots=True)
class LocalYuan:
    """units.toml [local_yuan]: the currency a bare 元 is in a Taiwan, Hong Kong or Macau article."""

    name: str
    default: str
    currencies: frozenset[str]
    bare: frozenset[str]


@dataclass(frozen=True, slots=True)
class Units:
    """units.toml: unit words after a number, currency signs before it."""

    re: re.Pattern  # the unit regex (for text with spaces inside or before the unit)
    of: dict[str, UnitRule]
    maxlen: int
    lengths: dict[str, list[int]]  # first character -> the lengths of the unit words starting with it
    scale_head_re: re.Pattern
    minor_re: dict[str, re.Pattern]
    ge: str
    mods: str
    half: str
    over: str
    half_after: str
    half_after_kinds: frozenset[str]
    article_kinds: frozenset[str]
    article_unless: str
    classifier: UnitRule  # 三块蛋糕: a boundary unit before a noun is a measure word
    signs: dict[str, str]  # currency sign or word before the number -> ISO code
    sign_re: re.Pattern  # the longest sign or word at a place
    sign_first: str
    generic_after: frozenset[str]  # 元 after 新台币54亿: the unit of whatever currency the word before named
    dollar: str
    dollar_prefixes: dict[str, str]
    sign_number_starts: str
    sign_name: str
    mention_not_first: str
    compound: Compound
    local_yuan: LocalYuan
    rate: Rate


@dataclass(frozen=True, slots=True)
class Suffix:
    """A percent-like rule: its name, the unit it gives, the characters it starts with, its regex."""

    name: str
    unit: str
    first: str
    re: re.Pattern


@dataclass(frozen=True, slots=True)
class Percent:
    """percent.toml: %, ‰, 个百分点, 成, 折, 百分之, 打对折, 倍, 翻番."""

    sign: Suffix
    permille: Suffix
    points: Suffix
    cheng: Suffix
    zhe: Suffix
    multiple: Suffix
    fenzhi: Suffix  # (its regex reads the prefix: 百分之 / 千分之)
    fenzhi_hundred: str  # 百分之百
    duizhe: Suffix
    duizhe_word: str
    duizhe_after: str
    duizhe_value: Decimal
    fan: dict[str, Decimal]
    fan_rule: Suffix  # (its regex is the words: 翻一番 ...)


@dataclass(frozen=True, slots=True)
class Qualifiers:
    """qualifiers.toml: approximation words before and after, the comparative frame."""

    pre_re: re.Pattern
    pre: dict[str, tuple[str, str]]  # word -> (approx, rule name)
    guarded: dict[str, tuple[str, ...]]  # word -> what must stand before it (过: 占比过20)
    not_words: tuple[str, ...]  # words ending in a qualifier that are none (节约, 附近)
    pre_last: frozenset[str]
    post_re: re.Pattern
    post: dict[str, tuple[str, str]]
    post_kinds: dict[str, frozenset[str]]  # word -> the unit kinds it may follow (内: 三年内, 5公里内)
    outside_text: frozenset[str]  # words that set a bound but stay outside the record's text (约合, 上看)
    after_over: frozenset[str]
    after_over_kinds: frozenset[str]
    after_over_units: frozenset[str]
    after_over_not_before: str
    cmp_before_re: re.Pattern
    cmp_after_re: re.Pattern
    cmp_over: frozenset[str]
    cmp_last: frozenset[str]
    cmp_name: str


@dataclass(frozen=True, slots=True)
class Ranges:
    """ranges.toml: A至B, 位于A和B之间, 大于A小于B."""

    re: re.Pattern
    first: frozenset[str]
    dashes: str
    after_about: frozenset[str]
    name: str
    between_before_re: re.Pattern
    between_join_re: re.Pattern
    between_after_re: re.Pattern
    between_first: frozenset[str]
    between_name: str
    join_re: re.Pattern
    join_name: str


@dataclass(frozen=True, slots=True)
class Filters:
    """filters.toml and set_phrases.txt: not-a-quantity patterns, set phrases, the bare-number frames."""

    global_nq: tuple[tuple[tuple[str, ...], re.Pattern], ...]  # (literal cues, pattern): run on the whole text
    local_nq: re.Pattern  # the short patterns and the set phrases, in one scan
    bare_name: str
    bare_prev: frozenset[str]
    bare_next: frozenset[str]
    marker_open: str
    marker_close: str
    marker_after: str
    marker_dot: str
    label_years: tuple[int, int]
    identifier_digits: int
    model_before: re.Pattern  # iPhone 11: a Latin word and a space before the number
    model_after: re.Pattern  # 60 Pro: a space and a Latin word after it
    model_amount_kinds: frozenset[str]  # kinds that make it an amount all the same (GDP 5.2%)
    model_name: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything compiled from rules/numbers/, built once per process (:func:`lexicon`)."""

    seed: re.Pattern
    continues: frozenset[str]  # characters that can follow a numeral inside a quantity
    suffix_first: frozenset[str]  # what a suffix (unit, %, 倍 ...) can start with
    pct_like_first: frozenset[str]  # what a percent-like suffix (%, ‰, 个百分点, 成, 折, 打, 倍) starts with
    reading: Reading
    units: Units
    percent: Percent
    qualifiers: Qualifiers
    ranges: Ranges
    filters: Filters


# ---------------------------------------------------------------------------------------------- compiling

def _reading(t: dict) -> Reading:
    frac, slash = t["fraction"], t["fraction_slash"]
    negative = tuple(t["sign"]["negative"])
    s = re.escape(slash["slash"])
    return Reading(
        negative=negative, minus=t["sign"]["minus"], minus_not_after=t["sign"]["minus_not_after"],
        negative_second="".join(w[1] for w in negative if len(w) > 1 and w[0] in nm.DIGIT_CHARS),
        fraction_re=re.compile(rf"[ ]*{spaced(frac['of'])}[ ]*"), fraction_and_re=re.compile(rf"[ ]*{frac['and']}[ ]*"),
        fraction_name=frac["name"], slash_re=re.compile(rf"[ ]*{s}[ ]*(\d+)(?![\d{s}.])"),
        mixed_slash_re=re.compile(rf"[ ]+(\d+)[ ]*{s}[ ]*(\d+)(?![\d{s}.])"), slash_name=slash["name"],
        slash=slash["slash"], fraction_next=frac["of"][0] + slash["slash"] + frac["and"] + " ",
        vague_name=t["vague"]["name"], lead_some=t["vague"]["lead_some"], lead_over=t["vague"]["lead_over"],
        half=t["half"]["word"], half_not_after=t["half"]["not_after"], half_hundred=t["half"]["hundred"],
        lone_scale=t["lone_scale"]["chars"], lone_scale_kinds=frozenset(t["lone_scale"]["kinds"]),
        dozen=t["dozen"]["word"], dozen_not_before=t["dozen"]["not_before"], dozen_name=t["dozen"]["name"])


def _unit_rules(units: list[dict]) -> dict[str, UnitRule]:
    """Unit word -> its rule (the first table naming a word wins)."""
    out: dict[str, UnitRule] = {}
    for u in units:
        for w in u["words"]:
            out.setdefault(w, UnitRule(
                u["canonical"], u["kind"], u["name"], u.get("ge", False), u.get("ge_required", False),
                u.get("boundary", False), u.get("scale_head", False),
                tuple((m, Decimal(f)) for m, f in u.get("minor", ())), u.get("not_before", {}).get(w, ""),
                u.get("not_after", ""), u.get("exact_only", False), tuple(u.get("only_before", ())),
                u.get("label", False)))
    return out


def _minor_res(units: list[dict], of: dict[str, UnitRule], fraction_and: str) -> dict[str, re.Pattern]:
    """五元三毛, 两美元又三美分: the smaller units that may follow each currency, as one regex a currency."""
    out: dict[str, re.Pattern] = {}
    for u in units:
        rule = of[u["words"][-1]]
        if rule.minor and rule.canonical not in out:
            out[rule.canonical] = re.compile(
                rf"(?:[ ]*{fraction_and})?[ ]*(?P<num>{nm.ARABIC}|[{nm.DECIMAL_DIGIT_CHARS}])[ ]*"
                rf"(?P<w>{alt(w for w, _ in rule.minor)})")
    return out


def _sign_words(sign: dict, of: dict[str, UnitRule]) -> dict[str, str]:
    """Currency signs and names written before the number -> ISO code: the signs ($, ￥), the listed words, and
    every money unit name of two or more characters (人民币, 新台币, 港元: 新台币54亿元), but 元 / 块 forms."""
    names = {w: r.canonical for w, r in of.items()
             if r.kind == "money" and len(w) >= 2 and not r.boundary and w[0] not in sign["mention_not_first"]}
    return {**sign["signs"], **names, **sign["words"]}


def _compound(c: dict) -> Compound:
    """The compound-duration rule, with the factor between any two units of its chain of steps."""
    factor: dict[tuple[str, str], int] = {}
    for big, small, f in c["steps"]:
        factor[(big, small)] = f
        for (a, b), g in list(factor.items()):  # year -> month, then week -> d -> h -> min -> s chained
            if b == big:
                factor[(a, small)] = g * f
    return Compound(c["name"], tuple(c["joiners"]), factor, frozenset(c["minute_words"]), c["minute"], c["second"],
                    re.compile(rf"\d{{1,{c['second_fraction_digits']}}}(?![\d.])"))


def _units(t: dict, fraction_and: str, more: list[dict]) -> Units:
    units = t["unit"] + more
    of = _unit_rules(units)
    between, sign = t["between_number_and_unit"], t["currency_sign"]
    signs = _sign_words(sign, of)
    count = of[between["ge"][0]]
    return Units(
        re=re.compile(rf"[ ]*(?P<ge>{'|'.join(between['ge'])})?(?P<mod>[{between['mods']}])?[ ]*(?P<u>{alt(of)})"),
        of=of, maxlen=max(len(w) for w in of),
        lengths={c: sorted({len(w) for w in of if w[0] == c}, reverse=True) for c in {w[0] for w in of}},
        scale_head_re=re.compile(alt(w for w, r in of.items() if r.scale_head)),
        minor_re=_minor_res(units, of, fraction_and), ge=between["ge"], mods=between["mods"],
        half=between["half"], over=between["over"], half_after=t["half_after"]["word"],
        half_after_kinds=frozenset(t["half_after"]["kinds"]), article_kinds=frozenset(t["article"]["kinds"]),
        article_unless=t["article"]["unless_after_unit"], classifier=UnitRule("*", count.kind, count.name),
        signs=signs, sign_re=re.compile(by_first_char(signs)), sign_first="".join(sorted({w[0] for w in signs})),
        generic_after=frozenset(sign["generic_after"]), dollar=sign["dollar"],
        dollar_prefixes=sign["dollar_prefixes"], sign_number_starts=sign["number_starts"], sign_name=sign["name"],
        mention_not_first=sign["mention_not_first"], compound=_compound(t["compound_duration"]),
        local_yuan=LocalYuan(t["local_yuan"]["name"], t["local_yuan"]["default"],
                             frozenset(t["local_yuan"]["currencies"]), frozenset(t["local_yuan"]["bare"])),
        rate=_rate(t["rate_before"]))


def _fenzhi_scales(fz: dict) -> str:
    """The scales before 分之: 百 / 千 / 万, 千万 ..."""
    return f"[{fz['first']}](?:[ ]*[{fz['scales']}]){{0,3}}"


def _suffix(table: dict, words: list[str], pattern: str) -> Suffix:
    return Suffix(table["name"], table["unit"], _firsts(words), re.compile(pattern))


def _percent(t: dict) -> Percent:
    cheng, zhe, fz, dz, fan = t["cheng"], t["zhe"], t["fenzhi"], t["duizhe"], t["fan"]
    sign, permille, points, mult = t["percent_sign"], t["permille"], t["points"], t["multiple"]
    return Percent(
        sign=_suffix(sign, sign["signs"], rf"[ ]*(?:{alt(sign['signs'])})"),
        permille=_suffix(permille, permille["signs"], rf"[ ]*(?:{alt(permille['signs'])})"),
        points=_suffix(points, points["words"], rf"[ ]*(?:{alt(points['words'])})"),
        cheng=_suffix(cheng, [cheng["word"]],
                      rf"[ ]*{cheng['word']}(?![{cheng['not_before']}])(?:(?P<half>{cheng['half']})"
                      rf"|[ ]*(?P<d>[{nm.DECIMAL_DIGIT_CHARS}])(?![{nm.DIGIT_CHARS}{nm.SCALE_CHARS}\u3400-\u9fff]))?"),
        zhe=_suffix(zhe, [zhe["word"]], rf"[ ]*{zhe['word']}(?![{zhe['not_before']}])"),
        multiple=_suffix(mult, mult["words"], rf"[ ]*(?:{alt(mult['words'])})"),
        fenzhi=_suffix(fz, list(fz["first"]), rf"({_fenzhi_scales(fz)})[ ]*{spaced(fz['of'])}[ ]*"),
        fenzhi_hundred=fz["hundred"],
        duizhe=_suffix(dz, [dz["word"]], re.escape(dz["word"])), duizhe_word=dz["word"], duizhe_after=dz["after"],
        duizhe_value=Decimal(dz["value"]),
        fan={k: Decimal(v) for k, v in fan["words"].items()},
        fan_rule=_suffix(fan, list(fan["words"]), alt(fan["words"], spaced_words=False)))


def _negated(t: dict) -> dict[str, tuple[str, str]]:
    """不超过 / 不能超过 / 不得低于 ...: negation, optional modal and comparison -> (approx, rule name)."""
    neg = t["negation"]
    return {n + m + c: (g["approx"], g["name"])
            for g in t["negated"] for c in g["comparisons"] for n in neg["words"] for m in ["", *neg["modals"]]}


def _qualifiers(t: dict) -> Qualifiers:
    pre: dict[str, tuple[str, str]] = {}
    post: dict[str, tuple[str, str]] = {}
    guarded: dict[str, tuple[str, ...]] = {}
    post_kinds: dict[str, frozenset[str]] = {}
    outside: set[str] = set()
    for q in t["qualifier"]:
        target = pre if q["position"] == "before" else post
        for w in q["words"]:
            target[w] = (q["approx"], q["name"])
            if q.get("outside_text"):
                outside.add(w)
            if q.get("requires_before"):
                guarded[w] = tuple(q["requires_before"])
            if q.get("kinds"):
                post_kinds[w] = frozenset(q["kinds"])
    pre.update(_negated(t))
    gap, comp, after = t["qualifier_gap"]["words"], t["comparative"], t["after_over"]
    return Qualifiers(
        pre_re=re.compile(rf"(?P<q>{alt(pre)})(?P<gap>[ ]*(?:{alt(gap)}))?[ ]*$"),
        pre={norm_word(k): v for k, v in pre.items()}, guarded=guarded,
        not_words=tuple(t["qualifier_not_words"]["words"]),
        pre_last=frozenset("".join(w[-1] for w in list(pre) + gap) + " "),
        post_re=re.compile(rf"[ ]*(?P<q>{alt(post)})"), post={norm_word(k): v for k, v in post.items()},
        post_kinds=post_kinds, outside_text=frozenset(outside),
        after_over=frozenset(after["words"]), after_over_kinds=frozenset(after["kinds"]),
        after_over_units=frozenset(after["unit_texts"]), after_over_not_before=after["not_before"],
        cmp_before_re=re.compile(rf"(?:{alt(comp['before'])})[ ]*$"),
        cmp_after_re=re.compile(rf"[ ]*(?P<c>{alt(comp['over'] + comp['under'], spaced_words=False)})"),
        cmp_over=frozenset(comp["over"]), cmp_last=frozenset("".join(w[-1] for w in comp["before"]) + " "),
        cmp_name=comp["name"])


def _ranges(t: dict) -> Ranges:
    rng, btw, join = t["range"], t["between"], t["join"]
    return Ranges(
        re=re.compile(rf"[ ]*(?:{alt(rng['connectors'], spaced_words=False)})[ ]*"),
        first=frozenset(_firsts(rng["connectors"]) + " "), dashes=rng["dashes"],
        after_about=frozenset(rng["after_about"]), name=rng["name"],
        between_before_re=re.compile(rf"(?:{alt(btw['before'])})[ ]*$"),
        between_join_re=re.compile(rf"[ ]*(?:{alt(btw['joiners'], spaced_words=False)})[ ]*"),
        between_after_re=re.compile(rf"[ ]*(?:{alt(btw['after'])})"),
        between_first=frozenset(_firsts(btw["joiners"]) + " "), between_name=btw["name"],
        join_re=re.compile(rf"[ ]*(?:{alt([c for c in join['connectors'] if c], spaced_words=False)})?[ ]*"),
        join_name=join["name"])


@cache
def _bmp_digits() -> str:
    """Class items for every decimal digit of the Basic Multilingual Plane (what ``\\d`` matches there), as
    ranges, and every character above it: a superset of ``\\d`` for a class that only says where a pattern
    may begin (every branch after it tests its own first character, none lets a character above the BMP in
    but a digit), one range test instead of some thirty runs of digits up there."""
    ds = bmp_chars(r"\d")
    out, i = [], 0
    while i < len(ds):
        j = i
        while j + 1 < len(ds) and ord(ds[j + 1]) == ord(ds[j]) + 1:
            j += 1
        out.append(re.escape(ds[i]) + (f"-{re.escape(ds[j])}" if j > i else ""))
        i = j + 1
    return "".join(out) + "\U00010000-\U0010ffff"


def _spelled_digits(items: str) -> str:
    """Class items with ``\\d`` spelled out as character ranges (see :func:`_bmp_digits`).

    Why: a scan led by a class tests every character of the text against it, and a class holding ``\\d`` ends
    with a Unicode category test (a call into the character database) for each character its table does not
    hold, most of a Chinese text; with the digits in the table one look-up decides."""
    return re.sub(r"\\.", lambda m: _bmp_digits() if m.group() == "\\d" else m.group(), items)


def digit_led(first: str, body: str, guard: str = "") -> str:
    """:func:`extract.firstchars.class_led` with the class's ``\\d`` spelled out (:func:`_spelled_digits`) and
    ``guard`` (a look-behind on the class's character, :func:`_lone_phrase_guard`) before the step back."""
    return f"[{_spelled_digits(first)}]{guard}(?<=(?=({body})).)"


def _pair_guard(words: list[str]) -> str:
    """A look-ahead on the first two characters of ``words`` (when none is shorter): the set phrases and idioms
    begin with some hundred characters, frequent ones among them, and a failing try of their alternation walks
    every first character; two class tests fail sooner."""
    if any(len(w) < 2 for w in words):
        return ""
    first, second = ("".join(sorted({w[i] for w in words})) for i in (0, 1))
    return f"(?=[{re.escape(first)}][{re.escape(second)}])"


def _lone_phrase_guard(literal: list[str], others: list[str]) -> str:
    """A test right after the scan's class: a character that begins a set phrase (a currency name for the
    seed) and nothing else (新 of 新官上任三把火, 进 of 进一步, 中 of 中非法郎: most of the scans' stops in news)
    goes on only when a second character of one follows it, as the words' own pair guard requires
    (:func:`_pair_guard`).  Why: that guard sat behind the step back (and, in the not-a-quantity scan, four
    look-aheads), each a costly engine call at every such stop.

    ``others`` are the class items of what else may begin a match; "" when the guard cannot be exact."""
    if not _pair_guard(literal) or any(not o for o in others):
        return ""
    other = re.compile("|".join(f"[{o}]" for o in others))
    lone = "".join(sorted({w[0] for w in literal if other.match(w[0]) is None}))
    second = "".join(sorted({w[1] for w in literal}))
    return f"(?<![{re.escape(lone)}](?![{re.escape(second)}]))" if lone else ""


def _local_nq(first: str, scan: dict, nq: str, rest: list[str], lone_guard: str) -> re.Pattern:
    """The one scan for the short not-a-quantity patterns and the set phrases: their match is group 1.

    Class-led (:func:`extract.firstchars.class_led`), with the test that no digit came before kept ahead of
    the step back.  At the start of a digit run, the alternatives are tried only when one of the characters
    they need after a digit run follows it (filters.toml ``digit_next``), and at a Chinese numeral the
    not-a-quantity patterns only when one they need after a run of numerals follows (``numeral_next``): most
    runs are amounts (3000人) or words (一些), where trying each pattern one by one cost most of this scan."""
    run = re.escape(scan["numeral_run"])
    digits = f"(?=\\D|\\d++\\s*+[{re.escape(scan['digit_next'])}])"
    numerals = f"(?=[^{run}]|[{run}]++\\s*+[{re.escape(scan['numeral_next'])}])"
    return re.compile(f"[{_spelled_digits(first)}]{lone_guard}(?<!\\d.)(?<=(?={digits}({numerals}{guarded(nq)}|"
                      + "|".join(rest) + ")).)")


def _filters(t: dict, phrases: tuple[str, ...], fraction_of: str) -> Filters:
    nq = "|".join(f"(?:{r['pattern']})" for r in t["not_quantity"] if not r.get("cue"))
    literal = [p for p in phrases if not p.startswith("re:")]
    regexes = [p[3:] for p in phrases if p.startswith("re:")]
    # A leading lookahead on the possible first characters lets the regex engine skip ahead fast
    # (about ten times faster than trying every branch at every position).
    starts = {p[0] for p in literal} | set(nm.DIGIT_CHARS + nm.TEN_SCALE_CHARS)  # (the re: lines start so)
    firsts = "".join(re.escape(c) for c in sorted(starts)) + r"\d"
    # not after a numeral (三十一起: 31 起), not before 分之, nor before 之 and a numeral when the phrase ends in 分
    # (十分之一 is a fraction; 十分之重要 is 十分)
    not_fraction = (f"(?![ ]*{spaced(fraction_of)}|(?<={re.escape(fraction_of[0])})[ ]*{spaced(fraction_of[1:])}"
                    f"[ ]*[\\d{nm.DIGIT_CHARS}])")
    parts = [f"(?<![{nm.DIGIT_CHARS}{nm.SCALE_CHARS}\\d{t['set_phrase']['not_after']}]){_pair_guard(literal)}"
             f"(?:{by_first_char(literal)}){not_fraction}"] if literal else []
    bare, model = t["bare"], t["model_name"]
    return Filters(
        global_nq=tuple((tuple(r["cue"]), re.compile(r["pattern"])) for r in t["not_quantity"] if r.get("cue")),
        # one pass for both: not-a-quantity patterns and set phrases
        # (?<!\d): every pattern starts at the first digit of a run, never inside one
        # (the not-a-quantity patterns behind a look-ahead on their own first characters: the idioms' first
        # characters, frequent ones such as 人 and 新, no longer try them all)
        local_nq=_local_nq(f"{t['not_quantity_scan']['first']}{firsts}", t["not_quantity_scan"], nq, parts + regexes,
                           _lone_phrase_guard(literal, [f"{t['not_quantity_scan']['first']}{nm.DIGIT_CHARS}"
                                                        f"{nm.TEN_SCALE_CHARS}\\d", first_class(nq)]
                                              + [first_class(r) for r in regexes])),
        bare_name=bare["name"], bare_prev=frozenset(bare["single_prev"]), bare_next=frozenset(bare["single_next"]),
        marker_open=bare["marker_open"], marker_close=bare["marker_close"], marker_after=bare["marker_after"],
        marker_dot=bare["marker_dot"], label_years=(bare["label_year_min"], bare["label_year_max"]),
        identifier_digits=bare["identifier_digits"], model_before=re.compile(model["before"]),
        model_after=re.compile(model["after"]), model_amount_kinds=frozenset(model["amount_kinds"]),
        model_name=model["name"])


def _seed(t: dict, pct: dict, r: Reading, u: Units) -> re.Pattern:
    """Where a number can begin: a digit or Chinese numeral, a sign, a currency sign, 百分之, 上百, 半, 翻番 ...

    Chinese digits are frequent inside ordinary words (一些, 统一): the grammar and the bare-number frames
    reject those cheaply.  The alternatives are bounded (no rescans)."""
    v, fz, fan, duizhe = t["vague"], pct["fenzhi"], pct["fan"]["words"], pct["duizhe"]["word"]
    big_start = "".join(c for c, n in nm.SMALL_SCALES.items() if n > 10)  # 百 / 千 before a digit
    signs = "".join(c for c in u.signs if len(c) == 1)
    words = [w for w in u.signs if len(w) > 1]
    neg = "".join(w for w in r.negative if len(w) == 1)
    # a currency name is a seed only before a number (人民币100, 新台币54亿元), grouped by first character, behind a
    # look-ahead on its first two characters (their first characters, 中 人 美 日 新 ..., are frequent in news)
    named = rf"{_pair_guard(words)}(?:{by_first_char(words)})(?=[ ]*[\d{nm.DIGIT_CHARS}{u.sign_number_starts}])"
    alts = [f"[{re.escape(signs)}]", named, f"[{neg}]", rf"{re.escape(r.minus)}(?=[ ]*[\d.])",
            r"\d", r"\.\d", f"[{nm.DIGIT_CHARS}{nm.TENS_CHARS}{nm.TEN_SCALE_CHARS}]",
            f"[{big_start}](?=[ ]*[{nm.DIGIT_CHARS}])", f"[{r.lone_scale}](?=[\\u3400-\\u9fff])",
            f"[{nm.SOME_CHARS}{r.lead_some}](?=[{v['lead_some_before']}])",
            f"{r.lead_over}(?=[{v['lead_over_before']}])", f"{r.half}(?=[{t['half']['before']}])",
            f"{r.half}(?!{alt(t['half']['not_before_words'])})(?={alt(t['half']['before_units'])})",
            f"{_fenzhi_scales(fz)}[ ]*{spaced(fz['of'])}", alt(fan, spaced_words=False),
            re.escape(duizhe)]
    firsts = (signs + _firsts(words) + neg + r.minus + "." + nm.DIGIT_CHARS + nm.TENS_CHARS + nm.TEN_SCALE_CHARS
              + big_start + nm.SOME_CHARS + r.lead_some + r.lead_over + r.half + fz["first"] + _firsts(fan) + duizhe[0])
    # (class-led: the engine scans to the first characters fast; the seed's span is group 1)
    return re.compile(digit_led(f"{re.escape(''.join(dict.fromkeys(firsts)))}\\d", '|'.join(alts),
                                _lone_phrase_guard(words, [re.escape(firsts.replace(_firsts(words), "")) + "\\d"])))


@cache
def lexicon() -> Lexicon:
    """Compile the rule files (cached: once per process)."""
    num, units, pct = load_toml("numbers/numerals"), load_toml("numbers/units"), load_toml("numbers/percent")
    qual, rng = load_toml("numbers/qualifiers"), load_toml("numbers/ranges")
    reading = _reading(num)
    u = _units(units, num["fraction"]["and"], load_toml("numbers/currencies")["unit"])
    phrases = load_list("numbers/set_phrases.txt") + (() if IDIOMS_OFF else load_list("numbers/idioms.txt"))
    filters = _filters(load_toml("numbers/filters"), phrases, num["fraction"]["of"])
    bare_next = "".join(filters.bare_next)
    pct_words = pct["points"]["words"] + pct["percent_sign"]["signs"] + pct["permille"]["signs"]
    pct_like = _firsts(pct_words + pct["multiple"]["words"]) + pct["cheng"]["word"] + pct["zhe"]["word"]
    post = [w for q in qual["qualifier"] if q["position"] == "after" for w in q["words"]]
    joined = "".join(rng["range"]["connectors"] + rng["between"]["joiners"] + qual["comparative"]["over"]
                     + qual["comparative"]["under"])
    numeral = nm.DIGIT_CHARS + nm.SCALE_CHARS
    return Lexicon(
        seed=_seed(num, pct, reading, u),
        # characters that can follow a numeral inside a quantity: a one-character numeral followed by
        # anything else (一些, 统一的) is rejected before any parsing
        continues=frozenset(_firsts(u.of) + _firsts(post) + pct_like + joined + numeral + nm.POINT_CHARS
                            + nm.OVER_CHARS + nm.SOME_CHARS + num["fraction"]["of"] + num["fraction"]["and"]
                            + reading.half + reading.dozen + u.ge + " " + bare_next),
        suffix_first=frozenset(_firsts(u.of) + pct_like + u.ge + reading.dozen + numeral),
        # what a percent-like suffix (%, ‰, 个百分点, 成, 折, 打, 倍) starts with: after any other
        # character only a unit word can follow, and the suffix rules go straight to it
        pct_like_first=frozenset(pct_like + u.ge + reading.dozen),
        reading=reading, units=u, percent=_percent(pct), qualifiers=_qualifiers(qual), ranges=_ranges(rng),
        filters=filters)
