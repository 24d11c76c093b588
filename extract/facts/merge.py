"""One row per distinct fact: within a document and across passages and versions of one article.

A fact is keyed by subject|metric|value|unit|period and its id hashes that key, so the same fact stated
twice is one row with several mentions, and the same fact in two documents has the same id.  The metric of
the key is the canonical metric when it is known (with the segment, and the kind of the change when the
value is itself a change), so 营收 and 营业收入 of one company, period and value are one fact however each
version words it.  One table (:class:`FactTable`) merges both ways: the rows of a document into its facts,
and the facts of a batch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from extract.facts.filler import strip
from extract.facts.lexicon import rules
from extract.facts.metric import _canonical_match, canonical_match
from extract.facts.rows import Period, Row
from extract.facts.skip import unnamed
from extract.model import Doc, Fact, Mention, Span

_LINE_BREAK = re.compile(r"\s*\n\s*")


def fact_key(subject: str | None, metric: str | None, value: Any, unit: str | None, period: Period) -> str:
    """What makes two facts the same fact (values compared as normalised decimals: 1.50 is 1.5)."""
    v = None if value is None else (value if isinstance(value, Decimal) else Decimal(value)).normalize()
    return f"{subject!s}|{metric!s}|{v!s}|{unit!s}|{period[0]!s}|{period[1]!s}"


def metric_key(metric: str | None, value: Any, unit: str | None, change: dict[str, Any] | None) -> str | None:
    """The metric a fact is keyed by: its canonical metric with the words before its wording (营收 and 营业收入
    are one; 进口通关环节 and 出口通关环节 are two) when known, else its metric; and the kind of its change when the
    value is itself that change (同比增长 11.5% is not 环比增长 11.5%)."""
    key = _canonical_key(metric) if metric else metric
    if change and change.get("unit") == unit and value is not None and change.get("value") is not None \
            and abs(Decimal(change["value"])) == abs(Decimal(value)):
        key = f"{key}~{change.get('kind')}"
    return key


@lru_cache(maxsize=8192)
def _canonical_key(metric: str) -> str:
    """营业收入/ for 营收, 通关时间/进口 for 进口通关环节: the canonical metric and the words before its wording."""
    r = rules()
    got = canonical_match(r.metrics, metric)
    return f"{got[0].name}/{strip(got[1], r.strip)}" if got else metric


def key_of(f: Fact) -> str:
    """The key of a fact (see :func:`metric_key`)."""
    mk = metric_key(f.metric, f.value, f.unit, f.change)
    return fact_key(f.subject, mk, f.value, f.unit, (f.period_start, f.period_end))


def confidence(guessed: list[str], costs: dict[str, float]) -> float:
    """1 less the costs of what was guessed (rounded: the same inputs give the same bytes)."""
    return _confidence(tuple(guessed)) if costs is rules().guesses else _cost(tuple(guessed), costs)


@lru_cache(maxsize=256)
def _confidence(guessed: tuple[str, ...]) -> float:
    """:func:`_cost` with the rules' costs, remembered (a handful of combinations recur)."""
    return _cost(guessed, rules().guesses)


def _cost(guessed: tuple[str, ...], costs: dict[str, float]) -> float:
    """1 less the summed costs, at least 0, rounded to two places."""
    return round(max(0.0, 1.0 - sum(costs.get(g, 0.0) for g in guessed)), 2) if guessed else 1.0


def fact_id(key: str) -> str:
    """The id of a fact: a hash of its key, not of the document stating it."""
    return "f" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


class FactTable:
    """Facts by key, each with every place it is stated (a place once: by document and start)."""

    __slots__ = ("facts", "seen")

    def __init__(self) -> None:
        self.facts: dict[str, Fact] = {}
        self.seen: dict[str, set[tuple[str, int]]] = {}

    def add(self, key: str, fact: Fact) -> None:
        """A fact not seen before; it keeps its own mentions."""
        self.facts[key] = fact

    def restate(self, key: str, mentions: list[Mention], change: dict[str, Any] | None) -> None:
        """The fact of ``key`` stated again: new places join its mentions; a change fills a missing one."""
        f = self.facts[key]
        seen = self.seen.get(key)
        if seen is None:  # the places of a fact are collected when it is first stated again (most never are)
            seen = self.seen[key] = {(m.doc_id, m.start) for m in f.mentions}
        for m in mentions:
            if (m.doc_id, m.start) not in seen:
                seen.add((m.doc_id, m.start))
                f.mentions.append(m)
        if f.change is None and change is not None:
            f.change = change

    def values(self) -> list[Fact]:
        return list(self.facts.values())


def facts_of(doc: Doc, sents: list[Span], rows: list[Row]) -> list[Fact]:
    """The facts of a document's rows (``sents``: the sentences the rows index); a row that says nothing
    of what it measures or whose it is is dropped, the same fact stated twice is one Fact with two mentions."""
    table = FactTable()
    sentences: dict[int, str] = {}
    raw_span = doc.raw_span if doc.mapped is None else doc.mapped.raw_span  # (the text has a map: no check per row)
    facts, doc_id = table.facts, doc.doc_id
    for row in rows:
        q = row.q
        if unnamed(row.metric, row.change, q) or row.subject is None and (
                row.metric is None or "metric.phrase" in row.guessed and row.change is None):
            continue  # whose and what: a fact needs a subject or a metric a reader would recognise
        mk = metric_key(row.metric, q.value, q.unit, row.change)
        key = fact_key(row.subject, mk, q.value, q.unit, row.period)
        end = row.end if row.end > q.end else q.end
        rs, re_ = raw_span(row.start, end)
        mention = Mention(doc_id, row.start, end, rs, re_)
        if key in facts:
            table.restate(key, [mention], row.change)
            continue
        metric = row.base_metric if row.base_metric is not None else row.metric
        got = _canonical_match(metric) if metric else None  # (canonical_match with the rules' metrics)
        c = got[0] if got else None
        if row.sent not in sentences:
            ss, se = sents[row.sent] if 0 <= row.sent < len(sents) else (0, 0)
            sentences[row.sent] = _one_line(doc.text[ss:se])
        facts[key] = Fact(id=fact_id(key), subject=row.subject, metric=row.metric, value=q.value,
                          value_max=q.value_max, unit=q.unit, approx=q.approx, period_start=row.period[0],
                          period_end=row.period[1], change=row.change, sentence=sentences[row.sent],
                          mentions=[mention], doc_id=doc_id, rule=row.rule,
                          metric_canonical=c.name if c else None, subject_source=row.subject_source,
                          segment=row.segment, guessed=list(row.guessed) or None,
                          confidence=_confidence(tuple(row.guessed)) if row.guessed else 1.0)
    return table.values()


def _one_line(s: str) -> str:
    """``s`` without its line breaks (and the blanks around them) and stripped."""
    return _LINE_BREAK.sub("", s).strip() if "\n" in s else s.strip()


def merge(docs: list[Doc]) -> list[Fact]:
    """One row per distinct fact across passages and the versions of one article.

    Equal facts (same subject, metric or canonical metric, value, unit, period) merge into one row whose mentions point
    into every document that states them; the first document in input order supplies the sentence
    (and the rule).
    """
    table = FactTable()
    for d in docs:
        for f in d.facts:
            key = key_of(f)
            if key not in table.facts:
                table.add(key, dataclasses.replace(f, mentions=list(f.mentions)))
            else:
                table.restate(key, f.mentions, f.change)
    return table.values()
