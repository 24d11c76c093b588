"""The fact lexicon: ``rules/facts/*.toml`` compiled once per process into small read-only tables.

Every word, character class and pattern the fact resolvers look for is read here, grouped as the
lexicon files are (clauses, metrics, subjects and the topic, lists, periods, changes, filler, skip); the
modules of :mod:`extract.facts` hold only the mechanism.  Word lists that are matched as alternatives
are compiled into a trie-shaped pattern, so the longest word at a position wins and a search costs no
more with six hundred words than with sixty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import Any

from extract.facts.filler import FillerIndex, filler_index
from extract.firstchars import class_led, first_class
from extract.rules import load_list, load_surnames, load_toml, rule_path

HAN = "\u4e00-\u9fff"  # the Han characters the facts rules read as words (one class for every pattern here)
HAN_RE = re.compile(f"[{HAN}]")

FILES = ("facts", "clauses", "metrics", "subjects", "lists", "periods", "changes", "filler", "skip")


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    """The distinct words, longest first (ties in code-point order)."""
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in longest_first(words))


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, the longest at a position first (as the longest-first alternation
    does), shaped as a trie: at each character only the branches that can continue are tried."""
    trie: dict[str, Any] = {}
    for w in set(words):
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = True
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    """The pattern of a trie node (``""`` marks a word ending there)."""
    branches = [re.escape(c) + _trie_regex(child) for c, child in sorted(node.items()) if c]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here: the longer ones are tried first, then the stop
        return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
    return body


def _chars(chars: str, extra: str = "") -> re.Pattern[str]:
    """A pattern matching one of ``chars`` (literally) or of the class ``extra`` (e.g. ``\\d``)."""
    return re.compile(f"[{re.escape(chars)}{extra}]")


@dataclass(frozen=True)
class Names:
    """The names of the rules a fact's ``rule`` field can say (see rules/facts/facts.toml)."""

    clause: str
    count: str
    list_item: str
    from_to: str
    up: str
    down: str
    average: str
    share: str
    amount: str
    and_: str
    secondary: str
    respectively: str
    equivalent: str
    leads_into: str


@dataclass(frozen=True)
class Clauses:
    separators: str
    sep_re: re.Pattern[str]
    terminal: frozenset[str]
    continuation: frozenset[str]


@dataclass(frozen=True)
class Canonical:
    """A canonical metric: its name, domain and kind (flow, stock, rate, price, count, level, size)."""

    name: str
    domain: str
    kind: str


@dataclass(frozen=True)
class Metrics:
    metric_re: re.Pattern[str]
    cut_re: re.Pattern[str]
    stop_re: re.Pattern[str]  # predicates that end the metric phrase after its word (稳定在, 有望, 为 …)
    max_len: int
    phrase_cut_re: re.Pattern[str]
    phrase_max: int
    phrase_not_re: re.Pattern[str]
    function_tags: tuple[str, ...]
    min_len: int
    partner: str
    classifiers: frozenset[str]
    noun_re: re.Pattern[str]
    noun_cut_re: re.Pattern[str]
    noun_not: tuple[str, ...]
    noun_min_metric: int
    modifier_re: re.Pattern[str]
    canonical: dict[str, Canonical]  # wording -> its entry
    dimensions: dict[str, Canonical]  # 高 -> 高度: a dimension said by one adjective
    degree: str  # 最高, 更长: a degree word before the adjective makes it a comparison, no dimension
    canonical_max: int  # the longest wording
    seg_min: int
    seg_max: int
    seg_verb_tag: str
    seg_allowed: frozenset[str]
    seg_not_re: re.Pattern[str]
    after_window: int
    after_skip: str
    after_nouns: tuple[str, ...]
    flow_prefixes: tuple[str, ...]
    equivalent: tuple[str, ...]  # 约合, 折合: an amount restating the fact before in another unit
    equivalent_between: str


@dataclass(frozen=True)
class Subjects:
    labels: frozenset[str]
    segment_labels: frozenset[str]  # 葵花籽, 新能源汽车: never a subject
    share_anchor: str
    demonstratives: tuple[str, ...]
    demonstrative_re: re.Pattern[str]
    demonstrative_labels: frozenset[str]
    np_re: re.Pattern[str]
    possessive: str
    np_min: int
    np_max: int
    np_bad_start: tuple[str, ...]
    not_np_re: re.Pattern[str]  # what a noun phrase subject cannot hold: 是在把被将 or a change word
    quotes: str
    source_prefix: str
    source_re: re.Pattern[str]
    speakers: tuple[str, ...]
    hint_re: re.Pattern[str]  # a sentence without a match has no source or speaker clause
    aside_open: str
    aside_close: str
    complement_before: tuple[str, ...]  # 位于, 是, 从 …: an entity after one is no sentence subject
    copula: tuple[str, ...]
    copula_min: int
    copula_max: int
    quoted_re: re.Pattern[str]  # “曜石”, “澜庭”项目: group 1 the name, group 2 a head noun
    quoted_open: str
    quote_open_re: re.Pattern[str]
    origin_nouns: tuple[str, ...]  # 香港旅客: a place before one of these is part of the metric
    place_ends: str  # 江苏省|地区生产总值: where a place name cut too long really ends
    object_subject: tuple[str, ...]  # 判处, 没收: the entity after one is whose penalty it is
    not_before: tuple[str, ...]  # 北京时间: an entity right before one of these is no subject
    verb_subject_max: int  # 李明贡献12分: the longest name before a word and the value that is a subject
    name_tags: tuple[str, ...]  # jieba's dictionary tags of personal names (nr)
    surnames: frozenset[str]  # 张, 刘: clear single-character surnames (not common characters as 高, 万)
    all_surnames: frozenset[str]  # every single-character surname (孙, 周 too)
    frame_re: re.Pattern[str]  # 在比赛中: a frame phrase ending the words between a name and its verb
    frame_max: int  # how many more characters of the clause a frame allows
    verb_complements: str  # 砍|下: characters completing a one-character verb into the word before a value
    group_heads: dict[str, tuple[str, tuple[str, ...]]]  # 城市 -> (their last characters, 一线, 二线 …): a group


@dataclass(frozen=True)
class Anaphor:
    """What an anaphor word (全市, 该行, 我国) stands for: a topic entity of ``kind`` with one of ``labels``;
    a name holding one of the ``level`` characters of the word is preferred."""

    kind: str
    labels: frozenset[str]
    level: str


@dataclass(frozen=True)
class Topics:
    labels: frozenset[str]
    min_score: float
    weights: dict[str, float]  # headline, headline_before_number, lead, alias, mention
    mention_cap: int
    lead_chars: int
    headline_max: int
    alias_re: re.Pattern[str]
    anaphors: dict[str, Anaphor]
    anaphor_words: tuple[str, ...]  # longest first
    anaphor_lens: tuple[int, ...]  # their distinct lengths, longest first
    anaphor_prefix_re: re.Pattern[str]  # 春运期间: a time phrase before an anaphor
    anaphor_re: re.Pattern[str]  # any anaphor word (a clause without one needs no closer look)
    country_default: str
    countries: frozenset[str]
    body_place_re: re.Pattern[str]  # 潜江市农业农村局: group 1 the place a public body is named after
    country_words: tuple[str, ...]  # the anaphors of kind country or home (我国, 全国), in rule order
    home_words: tuple[str, ...]  # those of kind home
    anaphor_firsts: frozenset[str]  # the characters an anaphor starts with (most phrases start with none)


def anaphor_at(tr: Topics, s: str, i: int = 0) -> str | None:
    """The anaphor word (全市, 该行, 我国) starting ``s`` at ``i`` (the longest), else None: dictionary look-ups."""
    if s[i:i + 1] not in tr.anaphor_firsts:  # one set look-up rules out most phrases
        return None
    for n in tr.anaphor_lens:
        w = s[i:i + n]
        if w in tr.anaphors:  # (a shorter slice at the end of s is a shorter word: found all the same)
            return w
    return None


@dataclass(frozen=True)
class Lists:
    mark: str
    after: str
    last_sep_re: re.Pattern[str]  # with endpos: the last separator before it
    window: int
    openers: tuple[str, ...]
    item_re: re.Pattern[str]
    max_len: int
    not_last: tuple[str, ...]
    respectively_joiners: str


@dataclass(frozen=True)
class Periods:
    cumulative: tuple[str, ...]
    cumulative_window: int
    accumulated_re: re.Pattern[str]
    present_re: re.Pattern[str]
    horizon: tuple[str, ...]
    sentence_ends: str  # the characters ending a full sentence (across ；)
    heading_max: int
    whole_year_re: re.Pattern[str]
    comparison: tuple[str, ...]
    report_re: re.Pattern[str]
    day_parts: dict[int, None]  # deletes 日, 晚, 上午 … (what may stand beside a date alone in its clause)


@dataclass(frozen=True)
class Changes:
    relative_units: frozenset[str]
    relative_kinds: frozenset[str]
    points: frozenset[str]
    tail: tuple[str, ...]
    level_tail: tuple[str, ...]  # 提升至24.4%: a level, unless a marker says a change (同比增长至8.2%)
    average: tuple[str, ...]
    phrases: dict[str, tuple[int, str | None]]  # change phrase -> (sign, kind when its marker says one)
    phrase_lens: tuple[int, ...]  # their distinct lengths, longest first
    phrase_last: frozenset[str]  # their last characters
    down: tuple[str, ...]
    up: tuple[str, ...]
    moves: tuple[str, ...]  # direction words: they end a counted noun (签约 / 增长) or rule out a subject
    move_starts: frozenset[str]  # their first characters
    rates: tuple[str, ...]
    mom_markers: tuple[str, ...]  # of two or more characters (a lone 月 is no marker before 增长), longest first
    yoy_markers: tuple[str, ...]  # the same
    share_anchor: str
    share: tuple[str, ...]
    share_window: int
    share_of_end: str
    share_of_drop: tuple[str, ...]
    amount_optional: str
    increase: tuple[str, ...]
    decrease: tuple[str, ...]
    from_: tuple[str, ...]
    from_re: re.Pattern[str]
    respectively: str
    joiners: tuple[str, ...]
    rank: dict[str, int]
    rank_default: int
    secondary: frozenset[str]
    leads_into: frozenset[str]  # 至: between a change and the value it brought its metric to


@dataclass(frozen=True)
class Skips:
    small_count_max: int
    after: tuple[str, ...]
    after_firsts: frozenset[str]  # their first characters
    after_window: int
    before_re: re.Pattern[str]  # only its truth is read (class-led: see _tested_re)
    before_window: int
    name_labels: frozenset[str]
    model_before_re: re.Pattern[str]
    model_after_re: re.Pattern[str]
    furniture_re: re.Pattern[str]
    furniture_line: int
    furniture_ends: str
    window_before: tuple[str, ...]
    window_kinds: frozenset[str]
    milestone_before: tuple[str, ...]
    rate: tuple[str, ...]  # 兑: the two amounts of an exchange rate
    rate_kinds: frozenset[str]
    event: tuple[str, ...]  # 800米决赛: a distance naming a sporting event
    event_kinds: frozenset[str]
    rank_move_re: re.Pattern[str]  # 上升3位: a move in a ranking, for a number with one of rank_move_units
    rank_move_units: frozenset[str]
    bracket: tuple[str, ...] = ()  # 65岁以上老年人口: a number ending with one of these before a noun is a bracket
    bracket_not: str = ""  # 12万亩以上的农田: not before these (a figure said of the noun after it)
    bracket_figure_re: re.Pattern[str] | None = None  # 20列以上发运能力: nor before a capacity word (matched after)


@dataclass(frozen=True)
class Lexicon:
    """All fact rules, as the resolvers read them."""

    names: Names
    clauses: Clauses
    metrics: Metrics
    subjects: Subjects
    topics: Topics
    lists: Lists
    periods: Periods
    changes: Changes
    skips: Skips
    filler: tuple[str, ...]  # longest first
    strip: FillerIndex  # the filler words, stripped at both ends
    strip_long_ends: FillerIndex  # the same, stripping only words of 2+ characters from the end
    guesses: dict[str, float]  # what a rule guessed -> what it costs the fact's confidence


def _names(cfg: dict[str, Any], ch: dict[str, Any]) -> Names:
    f = cfg["facts"]
    return Names(f["clause"]["name"], f["count"]["name"], cfg["lists"]["list"]["name"],
                 ch["from_to"]["name"], ch["up"]["name"], ch["down"]["name"], ch["average"]["name"],
                 ch["share"]["name"], ch["amount"]["name"], ch["and"]["name"], ch["secondary"]["name"],
                 f["respectively"]["name"], f["equivalent"]["name"], ch["leads_into"]["name"])


def _clauses(c: dict[str, Any]) -> Clauses:
    seps = c["clause"]["separators"]
    return Clauses(seps, _chars(seps), frozenset(c["sentence"]["terminal"]), frozenset(c["sentence"]["continuation"]))


def _canonical(entries: list[dict[str, Any]]) -> dict[str, Canonical]:
    out: dict[str, Canonical] = {}
    for e in entries:
        c = Canonical(e["metric"], e["domain"], e["kind"])
        for w in {e["metric"], *e["words"]}:
            if w in out:
                raise ValueError(f"rules/facts/metrics.toml: wording {w!r} of {c.name} is also one of {out[w].name}")
            out[w] = c
    return out


def _metrics(m: dict[str, Any], count: dict[str, Any], eq: dict[str, Any], ch: dict[str, Any]) -> Metrics:
    canonical = _canonical(m["canonical"])
    names = {c.name: c for c in canonical.values()}
    seg = m["segment"]
    return Metrics(
        metric_re=re.compile(trie_pattern([*m["metric"]["words"], *canonical])),
        cut_re=_chars(m["metric"]["cut"], r"\d"),
        stop_re=re.compile(_alt([*m["metric"]["stops"], *ch["from_to"]["increase"], *ch["from_to"]["decrease"],
                                 *(w for w in ch["direction"]["up"] + ch["direction"]["down"] if len(w) > 1)])),
        max_len=m["metric"]["max_len"], phrase_cut_re=_chars(m["phrase"]["cut"], r"\d"),
        phrase_max=m["phrase"]["max_len"], phrase_not_re=_chars(m["phrase"]["not_chars"]),
        function_tags=tuple(m["phrase"]["function_tags"]),
        min_len=m["limits"]["min_len"], partner=m["partner"]["before"], classifiers=frozenset(count["classifiers"]),
        noun_re=re.compile(count["noun"]), noun_cut_re=_chars(count["noun_cut"]), noun_not=tuple(count["noun_not"]),
        noun_min_metric=count["min_metric"],
        modifier_re=re.compile(count["modifier_next"]), canonical=canonical,
        dimensions={k: names[v] for k, v in m["dimension"].items()}, degree=m["degree"]["chars"],
        canonical_max=max(map(len, canonical)),
        seg_min=seg["min_len"], seg_max=seg["max_len"], seg_verb_tag=seg["verb_tag"],
        seg_allowed=frozenset(seg["allowed_verbs"]), seg_not_re=_chars(seg["not_chars"]),
        after_window=m["after"]["window"], after_skip=m["after"]["skip"], after_nouns=tuple(m["after"]["nouns"]),
        flow_prefixes=tuple(m["flow"]["prefixes"]), equivalent=longest_first(eq["words"]),
        equivalent_between=eq["between"])


def _subjects(s: dict[str, Any], moves: tuple[str, ...]) -> Subjects:
    np_, src, q = s["noun_phrase"], s["source"], s["quoted"]
    quoted = (f"[{re.escape(q['open'])}]([^{re.escape(q['close'])}]{{{q['min_len']},{q['max_len']}}})"
              f"[{re.escape(q['close'])}]({_alt(q['heads'])})?")
    return Subjects(
        labels=frozenset(s["subject"]["labels"]), segment_labels=frozenset(s["subject"]["segment_labels"]),
        share_anchor=s["subject"]["share_anchor"], demonstratives=tuple(s["demonstrative"]["starts"]),
        demonstrative_re=_chars(s["demonstrative"]["starts"]),
        demonstrative_labels=frozenset(s["demonstrative"]["labels"]), np_re=re.compile(np_["pattern"]),
        possessive=np_["possessive"],
        np_min=np_["min_len"], np_max=np_["max_len"], np_bad_start=tuple(np_["bad_start"]),
        not_np_re=re.compile(f"{_chars(np_['not_chars']).pattern}|{_alt(moves)}"), quotes=np_["quotes"],
        source_prefix=src["prefix"], source_re=re.compile(_alt(src["words"])), speakers=tuple(src["speakers"]),
        hint_re=re.compile(_alt([src["prefix"], *src["speakers"]])),
        aside_open=s["aside"]["open"], aside_close=s["aside"]["close"],
        complement_before=longest_first(s["complement"]["before"]), copula=tuple(s["copula"]["words"]),
        copula_min=s["copula"]["min_len"], copula_max=s["copula"]["max_len"], quoted_re=re.compile(quoted),
        quoted_open=q["open"], quote_open_re=_chars(q["open"]), origin_nouns=tuple(s["subject"]["origin_nouns"]),
        place_ends=s["subject"]["place_ends"],
        object_subject=longest_first(s["object_subject"]["verbs"]), not_before=tuple(s["subject"]["not_before"]),
        verb_subject_max=s["verb_subject"]["max_len"], name_tags=tuple(s["verb_subject"]["name_tags"]),
        surnames=_clear_surnames(s["verb_subject"]["surnames"]),
        all_surnames=load_surnames(s["verb_subject"]["surnames"])[0],
        frame_re=re.compile(f'(?:{s["verb_subject"]["frame"]})$'), frame_max=s["verb_subject"]["frame_max"],
        verb_complements=s["verb_subject"]["complements"],
        group_heads=_group_heads(s["group"]))


def _group_heads(groups: list[dict[str, Any]]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each head noun of the [[group]] entries with the last characters of the qualifiers it takes and those
    qualifiers, longest first."""
    out: dict[str, set[str]] = {}
    for g in groups:
        for h in g["heads"]:
            out.setdefault(h, set()).update(g["qualifiers"])
    return {h: ("".join(sorted({q[-1] for q in qs})), longest_first(qs)) for h, qs in out.items()}


def _clear_surnames(name: str) -> frozenset[str]:
    """The single-character surnames of the surname list that are no common characters too."""
    single, ambiguous, _ = load_surnames(name)
    return single - ambiguous


def _topics(s: dict[str, Any]) -> Topics:
    t = s["topic"]
    anaphors: dict[str, Anaphor] = {}
    country_default, countries = "", frozenset[str]()
    for a in s["anaphor"]:
        for w in a["words"]:
            anaphors[w] = Anaphor(a["kind"], frozenset(a["labels"]), "".join(c for c in a["level"] if c in w))
        if "default" in a:
            country_default = a["default"]
            countries = frozenset(load_list(a["countries"])) if rule_path(a["countries"]).is_file() else frozenset()
    weights = {k: float(t[k]) for k in ("headline", "headline_before_number", "lead", "alias", "mention", "body_place")}
    body = re.compile(f"^([{HAN}]{{2,5}}?[{t['body_place_ends']}])[{HAN}]+(?:{_alt(t['body_heads'])})$")
    return Topics(frozenset(t["labels"]), float(t["min_score"]), weights, t["mention_cap"], t["lead_chars"],
                  t["headline_max"], re.compile(s["alias"]["pattern"]), anaphors, longest_first(anaphors),
                  tuple(sorted({len(w) for w in anaphors}, reverse=True)),
                  re.compile(s["anaphor_prefix"]["pattern"]), re.compile(trie_pattern(anaphors)),
                  country_default, countries, body,
                  tuple(w for w, a in anaphors.items() if a.kind in ("country", "home")),
                  tuple(w for w, a in anaphors.items() if a.kind == "home"), frozenset(w[0] for w in anaphors))


def _lists(c: dict[str, Any], resp: dict[str, Any]) -> Lists:
    seps = re.escape(c["separators"])
    return Lists(c["mark"], c["after"], re.compile(f"[{seps}](?=[^{seps}]*$)"), c["window"],
                 longest_first(c["openers"]), re.compile(c["pattern"]), c["max_len"], tuple(c["not_last"]),
                 resp["joiners"])


def _periods(c: dict[str, Any], report: dict[str, Any]) -> Periods:
    cumulative = longest_first(c["cumulative"])
    return Periods(cumulative, max(map(len, cumulative)), re.compile(_alt(c["accumulated"])),
                   re.compile(_alt(c["present"])), tuple(c["horizon"]), c["sentence_ends"], c["heading_max"],
                   re.compile(_alt(c["whole_year"])),
                   tuple(c["comparison"]), re.compile(_alt(report["words"])),
                   str.maketrans("", "", report["day_parts"]))


def change_phrases(ch: dict[str, Any]) -> dict[str, tuple[int, str | None]]:
    """Every change phrase with its sign and the kind its marker says: bare direction words of two or more
    characters (kind from the context), and every marker before every direction word (one-character
    markers such as 年/月 only before one-character directions: 年增, 月减, but 10月增长 is no mom)."""
    d, mk = ch["direction"], ch["markers"]
    out: dict[str, tuple[int, str | None]] = {}
    for sign, words in ((1, d["up"]), (-1, d["down"])):
        for w in words:
            if len(w) > 1:
                out.setdefault(w, (sign, None))
        for kind in ("yoy", "mom"):
            for m, w in product(mk[kind], words):
                if len(m) > 1 or len(w) == 1:
                    out.setdefault(m + w, (sign, kind))
    return out


def _changes(ch: dict[str, Any]) -> Changes:
    phrases = change_phrases(ch)
    up = longest_first(p for p, (s, _) in phrases.items() if s > 0)
    down = longest_first(p for p, (s, _) in phrases.items() if s < 0)
    moves = longest_first(w for w in ch["direction"]["up"] + ch["direction"]["down"] if len(w) > 1)
    rel, ft = ch["relative"], ch["from_to"]
    return Changes(
        relative_units=frozenset(rel["units"]), relative_kinds=frozenset(rel["kinds"]),
        points=frozenset(rel["points"]), tail=tuple(rel["tail"]),
        level_tail=tuple(rel["level_tail"]), average=longest_first(ch["average"]["words"]),
        phrases=phrases, phrase_lens=tuple(sorted({len(p) for p in phrases}, reverse=True)),
        phrase_last=frozenset(p[-1] for p in phrases), down=down, up=up,
        moves=moves,
        move_starts=frozenset(w[0] for w in moves), rates=tuple(ch["direction"]["rates"]),
        mom_markers=longest_first(m for m in ch["markers"]["mom"] if len(m) > 1),
        yoy_markers=longest_first(m for m in ch["markers"]["yoy"] if len(m) > 1),
        share_anchor=ch["share"]["anchor"],
        share=longest_first(ch["share"]["words"]), share_window=ch["share"]["window"],
        share_of_end=ch["share"]["of_end"], share_of_drop=longest_first(ch["share"]["of_drop"]),
        amount_optional=ch["amount"]["optional"], increase=longest_first(ft["increase"]),
        decrease=longest_first(ft["decrease"]), from_=tuple(ft["from"]), from_re=re.compile(_alt(ft["from"])),
        respectively=ch["respectively"]["word"], joiners=tuple(ch["and"]["joiners"]), rank=dict(ch["attach"]["rank"]),
        rank_default=max(ch["attach"]["rank"].values()) + 1, secondary=frozenset(ch["secondary"]["kinds"]),
        leads_into=frozenset(ch["leads_into"]["words"]))


def _skips(s: dict[str, Any]) -> Skips:
    after = s["threshold"]["after"]
    before = "|".join(f"(?:{s[k]['before_re']})" for k in ("comparison", "ordinal", "rank"))
    fu = s["furniture"]
    return Skips(s["small_count"]["max"], longest_first(after), frozenset(w[0] for w in after),
                 s["threshold"]["window"], _tested_re(before), s["before"]["window"], frozenset(s["in_name"]["labels"]),
                 re.compile(s["model"]["before_re"]), re.compile(s["model"]["after_re"]),
                 re.compile(_alt(fu["words"])), fu["max_line"], fu["ends"], longest_first(s["window"]["before"]),
                 frozenset(s["window"]["kinds"]), longest_first(s["threshold"]["before"]),
                 longest_first(s["rate"]["words"]), frozenset(s["rate"]["kinds"]), longest_first(s["event"]["after"]),
                 frozenset(s["event"]["kinds"]), re.compile(s["rank_move"]["before_re"]),
                 frozenset(s["rank_move"]["units"]), longest_first(s["threshold"]["bracket"]),
                 s["threshold"]["bracket_not"], _bracket_figure(s["threshold"]))


def _tested_re(pattern: str) -> re.Pattern[str]:
    """``pattern`` for a search whose truth alone is read, led by the class of its first characters.

    Why: the skip rules' regex ends at the end of a short window and opens with a look-behind, so it was
    entered at every position; led by a class the engine skips ahead to the few places a match can start
    (same truth; the span is group 1's, see :func:`extract.firstchars.class_led`)."""
    first = first_class(pattern)
    return re.compile(class_led(first, pattern) if first else pattern)


def _bracket_figure(th: dict) -> re.Pattern[str]:
    """Han characters up to ``bracket_figure_window``, ending with a capacity word that no Han character follows."""
    return re.compile(f"[{HAN}]{{0,{th['bracket_figure_window']}}}?(?:{_alt(th['bracket_figure'])})(?![{HAN}])")


@cache
def rules() -> Lexicon:
    """Compile rules/facts/*.toml once per process."""
    cfg = {name: load_toml(f"facts/{name}") for name in FILES}
    ch = cfg["changes"]
    changes = _changes(ch)
    filler = longest_first(cfg["filler"]["filler"]["words"])
    trim = cfg["filler"]["filler"]["trim"]
    keep = tuple(cfg["filler"]["filler"].get("keep", ()))
    return Lexicon(
        names=_names(cfg, ch), clauses=_clauses(cfg["clauses"]),
        metrics=_metrics(cfg["metrics"], cfg["facts"]["count"], cfg["facts"]["equivalent"], ch),
        subjects=_subjects(cfg["subjects"], changes.moves), topics=_topics(cfg["subjects"]),
        lists=_lists(cfg["lists"]["list"], cfg["facts"]["respectively"]),
        periods=_periods(cfg["periods"]["period"], cfg["periods"]["report"]), changes=changes,
        skips=_skips(cfg["skip"]), filler=filler, strip=filler_index(filler, 1, trim, keep),
        strip_long_ends=filler_index(filler, 2, trim, keep), guesses=dict(cfg["facts"]["guesses"]))
