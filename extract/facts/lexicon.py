"""The fact lexicon: ``rules/facts/*.toml`` compiled once per process into small read-only tables.

Every word, character class and pattern the fact resolvers look for is read here, grouped as the
lexicon files are (clauses, metrics, subjects, lists, periods, changes, filler, skip); the modules of
:mod:`extract.facts` hold only the mechanism.  Word lists that are matched as alternatives are sorted
longest first, so the longest word wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from extract.facts.filler import FillerIndex, filler_index
from extract.rules import load_toml

FILES = ("facts", "clauses", "metrics", "subjects", "lists", "periods", "changes", "filler", "skip")


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    """The distinct words, longest first (ties in code-point order)."""
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in longest_first(words))


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


@dataclass(frozen=True)
class Clauses:
    separators: str
    sep_re: re.Pattern[str]
    terminal: frozenset[str]
    continuation: frozenset[str]


@dataclass(frozen=True)
class Metrics:
    metric_re: re.Pattern[str]
    cut_re: re.Pattern[str]
    max_len: int
    phrase_cut_re: re.Pattern[str]
    phrase_max: int
    phrase_not_re: re.Pattern[str]
    min_len: int
    partner: str
    classifiers: frozenset[str]
    noun_re: re.Pattern[str]
    noun_cut_re: re.Pattern[str]
    noun_min_metric: int
    modifier_re: re.Pattern[str]


@dataclass(frozen=True)
class Subjects:
    labels: frozenset[str]
    clause_only: frozenset[str]
    share_anchor: str
    demonstratives: tuple[str, ...]
    demonstrative_labels: frozenset[str]
    np_re: re.Pattern[str]
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


@dataclass(frozen=True)
class Periods:
    cumulative: tuple[str, ...]
    cumulative_window: int
    comparison: tuple[str, ...]


@dataclass(frozen=True)
class Changes:
    relative_units: frozenset[str]
    relative_kinds: frozenset[str]
    tail: tuple[str, ...]
    average: tuple[str, ...]
    down: tuple[str, ...]
    up: tuple[str, ...]
    moves: tuple[str, ...]  # up + down: words that end a counted noun (签约 / 增长) or rule out a subject
    move_starts: frozenset[str]  # their first characters
    share_anchor: str
    share: tuple[str, ...]
    share_window: int
    share_of_end: str
    amount_optional: str
    amount_not: tuple[str, ...]
    increase: tuple[str, ...]
    decrease: tuple[str, ...]
    from_: tuple[str, ...]
    from_re: re.Pattern[str]
    respectively: str
    joiners: tuple[str, ...]
    rank: dict[str, int]
    rank_default: int


@dataclass(frozen=True)
class Skips:
    small_count_max: int
    after: tuple[str, ...]
    after_firsts: frozenset[str]  # their first characters
    after_window: int
    before_re: re.Pattern[str]
    before_window: int
    name_labels: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    """All fact rules, as the resolvers read them."""

    names: Names
    clauses: Clauses
    metrics: Metrics
    subjects: Subjects
    lists: Lists
    periods: Periods
    changes: Changes
    skips: Skips
    filler: tuple[str, ...]  # longest first
    strip: FillerIndex  # the filler words, stripped at both ends
    strip_long_ends: FillerIndex  # the same, stripping only words of 2+ characters from the end


def _names(cfg: dict[str, Any], ch: dict[str, Any]) -> Names:
    return Names(cfg["facts"]["clause"]["name"], cfg["facts"]["count"]["name"], cfg["lists"]["list"]["name"],
                 ch["from_to"]["name"], ch["up"]["name"], ch["down"]["name"], ch["average"]["name"],
                 ch["share"]["name"], ch["amount"]["name"], ch["and"]["name"])


def _clauses(c: dict[str, Any]) -> Clauses:
    seps = c["clause"]["separators"]
    return Clauses(seps, _chars(seps), frozenset(c["sentence"]["terminal"]), frozenset(c["sentence"]["continuation"]))


def _metrics(m: dict[str, Any], count: dict[str, Any]) -> Metrics:
    return Metrics(
        metric_re=re.compile(_alt(m["metric"]["words"])), cut_re=_chars(m["metric"]["cut"], r"\d"),
        max_len=m["metric"]["max_len"], phrase_cut_re=_chars(m["phrase"]["cut"], r"\d"),
        phrase_max=m["phrase"]["max_len"], phrase_not_re=_chars(m["phrase"]["not_chars"]),
        min_len=m["limits"]["min_len"], partner=m["partner"]["before"], classifiers=frozenset(count["classifiers"]),
        noun_re=re.compile(count["noun"]), noun_cut_re=_chars(count["noun_cut"]), noun_min_metric=count["min_metric"],
        modifier_re=re.compile(count["modifier_next"]))


def _subjects(s: dict[str, Any], moves: tuple[str, ...]) -> Subjects:
    np_, src = s["noun_phrase"], s["source"]
    return Subjects(
        labels=frozenset(s["subject"]["labels"]), clause_only=frozenset(s["subject"]["clause_only"]),
        share_anchor=s["subject"]["share_anchor"], demonstratives=tuple(s["demonstrative"]["starts"]),
        demonstrative_labels=frozenset(s["demonstrative"]["labels"]), np_re=re.compile(np_["pattern"]),
        np_min=np_["min_len"], np_max=np_["max_len"], np_bad_start=tuple(np_["bad_start"]),
        not_np_re=re.compile(f"{_chars(np_['not_chars']).pattern}|{_alt(moves)}"), quotes=np_["quotes"],
        source_prefix=src["prefix"], source_re=re.compile(_alt(src["words"])), speakers=tuple(src["speakers"]),
        hint_re=re.compile(_alt([src["prefix"], *src["speakers"]])),
        aside_open=s["aside"]["open"], aside_close=s["aside"]["close"])


def _lists(c: dict[str, Any]) -> Lists:
    seps = re.escape(c["separators"])
    return Lists(c["mark"], c["after"], re.compile(f"[{seps}](?=[^{seps}]*$)"), c["window"],
                 longest_first(c["openers"]), re.compile(c["pattern"]), c["max_len"], tuple(c["not_last"]))


def _periods(c: dict[str, Any]) -> Periods:
    cumulative = longest_first(c["cumulative"])
    return Periods(cumulative, max(map(len, cumulative)), tuple(c["comparison"]))


def _changes(ch: dict[str, Any]) -> Changes:
    up, down = longest_first(ch["up"]["words"]), longest_first(ch["down"]["words"])
    rel, ft = ch["relative"], ch["from_to"]
    return Changes(
        relative_units=frozenset(rel["units"]), relative_kinds=frozenset(rel["kinds"]), tail=tuple(rel["tail"]),
        average=longest_first(ch["average"]["words"]), down=down, up=up, moves=up + down,
        move_starts=frozenset(w[0] for w in up + down), share_anchor=ch["share"]["anchor"],
        share=longest_first(ch["share"]["words"]), share_window=ch["share"]["window"],
        share_of_end=ch["share"]["of_end"], amount_optional=ch["amount"]["optional"],
        amount_not=tuple(ch["amount"]["not_words"]), increase=longest_first(ft["increase"]),
        decrease=longest_first(ft["decrease"]), from_=tuple(ft["from"]), from_re=re.compile(_alt(ft["from"])),
        respectively=ch["respectively"]["word"], joiners=tuple(ch["and"]["joiners"]), rank=dict(ch["attach"]["rank"]),
        rank_default=max(ch["attach"]["rank"].values()) + 1)


def _skips(s: dict[str, Any]) -> Skips:
    after = s["threshold"]["after"]
    before = "|".join(f"(?:{s[k]['before_re']})" for k in ("comparison", "ordinal"))
    return Skips(s["small_count"]["max"], longest_first(after), frozenset(w[0] for w in after),
                 s["threshold"]["window"], re.compile(before), s["before"]["window"], frozenset(s["in_name"]["labels"]))


@cache
def rules() -> Lexicon:
    """Compile rules/facts/*.toml once per process."""
    cfg = {name: load_toml(f"facts/{name}") for name in FILES}
    ch = cfg["changes"]
    changes = _changes(ch)
    filler = longest_first(cfg["filler"]["filler"]["words"])
    trim = cfg["filler"]["filler"]["trim"]
    return Lexicon(
        names=_names(cfg, ch), clauses=_clauses(cfg["clauses"]),
        metrics=_metrics(cfg["metrics"], cfg["facts"]["count"]),
        subjects=_subjects(cfg["subjects"], changes.moves), lists=_lists(cfg["lists"]["list"]),
        periods=_periods(cfg["periods"]["period"]), changes=changes, skips=_skips(cfg["skip"]), filler=filler,
        strip=filler_index(filler, 1, trim), strip_long_ends=filler_index(filler, 2, trim))
