"""Tests of extract/facts/ beside its corpus: invariants, merging across documents, the look-ups.

What the builder answers for a text (every fact, whole) is in rules/facts/corpus*.toml, run by
tests/test_corpora.py.  Here: what a corpus case cannot say (merging several documents, the JSON
shape, a corrupted stretch, the sentence of a fact), the known wrong answer kept as a partial
check, and the look-ups held to the plain scans they replace.  Some tests build their quantities and
dates by hand (``Q``/``D`` below) so that they test the fact builder alone.
"""

from __future__ import annotations

import dataclasses
import random
import re
from decimal import Decimal

from extract import corpus, entities, facts, pipeline
from extract.facts import context, filler, subject
from extract.model import DateRec, Doc, Fact, Quantity
from extract.offsets import MappedText
from extract.rules import rules_dir
from extract.segment import segment


def Q(text: str, surface: str, value: str | int, unit: str | None, kind: str = "number", nth: int = 0,
      approx: str | None = None) -> Quantity:
    """A quantity record for the ``nth`` occurrence of ``surface`` in ``text``."""
    starts = [m.start() for m in re.finditer(re.escape(surface), text)]
    s = starts[nth]
    return Quantity(doc_id="t", id=f"q{s}", text=surface, start=s, end=s + len(surface), raw_start=s,
                    raw_end=s + len(surface), value=Decimal(str(value)), unit=unit, kind=kind, approx=approx)


def D(text: str, surface: str, start: str, end: str, nth: int = 0) -> DateRec:
    starts = [m.start() for m in re.finditer(re.escape(surface), text)]
    s = starts[nth]
    return DateRec(doc_id="t", id=f"d{s}", text=surface, start=s, end=s + len(surface), raw_start=s,
                   raw_end=s + len(surface), value_start=start, value_end=end, granularity="year")


def make(text: str, qs: list[Quantity] | None = None, ds: list[DateRec] | None = None,
         doc_id: str = "t", real: bool = False, ref_date: str = "2024-03-01") -> Doc:
    doc = Doc(source=doc_id, raw=text, mapped=MappedText.identity(text), ref_date=ref_date)
    doc.doc_id = doc_id
    segment(doc)
    if real:
        pipeline.run(doc, pipeline.Options(ref_date=ref_date), pipeline.stages("date_scan", "numbers"))
    else:
        doc.dates = sorted(ds or [], key=lambda d: d.start)
        doc.quantities = sorted(qs or [], key=lambda q: q.start)
        for q in doc.quantities:
            q.doc_id = doc_id
    doc.entities = entities.extract(doc)
    doc.facts = facts.extract(doc)
    return doc


def fact(doc: Doc, value: int | str, unit: str | None = None) -> Fact:
    hits = [f for f in doc.facts if Decimal(f.value) == Decimal(str(value)) and (unit is None or f.unit == unit)]
    assert len(hits) == 1, [(f.subject, f.metric, f.value, f.unit) for f in doc.facts]
    return hits[0]


# ---------------------------------------------------------------- the headline fact of the issue

KASHGAR = "据喀什海关统计，2023年喀什外贸进出口总值达836.8亿元，占新疆外贸进出口总值的23.4%，同比增长71.2%。"


def kashgar_doc(text: str = KASHGAR, doc_id: str = "t") -> Doc:
    return make(text, [Q(text, "836.8亿元", "83680000000", "CNY", "money"), Q(text, "23.4%", "23.4", "%", "percent"),
                       Q(text, "71.2%", "71.2", "%", "percent")],
                [D(text, "2023年", "2023-01-01", "2023-12-31")], doc_id=doc_id)


# ---------------------------------------------------------------- a known wrong answer, checked in part

def test_total_before_etc_is_not_an_item() -> None:
    # the whole answer is wrong (subject 巴基斯坦 instead of 喀什): left out of the corpus, see the report of
    # issue 13; the list rule at least does not take 巴基斯坦等 as an item
    text = "喀什与周边塔吉克斯坦、巴基斯坦等8国接壤。"
    doc = make(text, [Q(text, "8国", 8, "国")])
    assert all(f.subject != "巴基斯坦等" and f.rule != "fact.list_item" for f in doc.facts)


# ---------------------------------------------------------------- what a corpus case cannot say

def test_corrupt_quantity_skipped() -> None:
    text = "2023年喀什外贸进出口总值达836.8亿元。"
    doc = Doc(source="t", raw=text, mapped=MappedText.identity(text))
    doc.doc_id = "t"
    segment(doc)
    doc.quantities = [Q(text, "836.8亿元", "83680000000", "CNY", "money")]
    doc.corrupt = [(doc.quantities[0].start, doc.quantities[0].end)]
    doc.entities = entities.extract(doc)
    assert facts.extract(doc) == []


def test_broken_line_sentence_is_joined() -> None:
    text = "据喀什海关统计，2023年喀什外贸进出口总值达836.8亿元，占新疆外贸进出口总值\n\n的23.4%，同比增长71.2%。"
    f = fact(make(text, real=True), "83680000000")
    assert f.sentence == text.replace("\n", "")


def test_merge_versions_and_ids() -> None:
    a = kashgar_doc(doc_id="a")
    b = kashgar_doc("导语。" + KASHGAR, doc_id="b")
    a.cluster_id = b.cluster_id = "a"
    rows = facts.merge([a, b])
    assert len(rows) == len(a.facts) == 2  # the total and its share (a fact of its own too)
    assert all(sorted(m.doc_id for m in r.mentions) == ["a", "b"] for r in rows)
    assert [r.id for r in rows] == [f.id for f in a.facts] == [f.id for f in b.facts]  # ids hash the fact
    assert rows[0].rule == a.facts[0].rule == "fact.clause"
    assert [r.id for r in facts.merge([b, a])] == [r.id for r in rows]
    assert facts.merge([a, a])[0].mentions == a.facts[0].mentions  # a place is a mention once


def test_to_json_shape() -> None:
    d = fact(kashgar_doc(), "83680000000").to_json()
    assert d["value"] == 83680000000 and d["change"]["value"] == 71.2 and d["change"]["share"] == 23.4
    assert set(d) >= {"id", "subject", "metric", "value", "value_max", "unit", "approx", "period_start",
                      "period_end", "change", "sentence", "mentions", "rule"}


def test_rule_names_are_the_lexicon_names() -> None:
    names = set(dataclasses.asdict(facts.rules().names).values())
    assert len(names) == len(dataclasses.fields(facts.rules().names))
    assert names <= corpus.rule_names(rules_dir() / "facts")


# ---------------------------------------------------------------- look-ups give the plain answers
# The builder answers "where does this clause start / end", "first metric word in here" and "text without
# whitespace" from positions found once per document, and strips filler by dictionary look-ups, so a sentence
# with thousands of numbers stays linear.  These tests hold each to the plain scan it replaces.

def _plain_strip(s: str, words: tuple[str, ...], end_min: int, trim: str) -> str:
    changed = True
    while changed and s:
        changed = False
        for w in words:
            if len(w) >= end_min and s.endswith(w):
                s = s[: -len(w)]
                changed = True
            if s.startswith(w):
                s = s[len(w):]
                changed = True
    return s.strip(trim)


def _plain_clause_start(text: str, seps: str, lo: int, pos: int) -> int:
    i = pos
    while i > lo and text[i - 1] not in seps:
        i -= 1
    return i


def _plain_clause_end(text: str, seps: str, pos: int, hi: int) -> int:
    ends = [i for i in range(pos, hi) if text[i] in seps]
    return ends[0] if ends else max(pos, hi)


def test_strip_filler_equals_trying_every_word() -> None:
    r = facts.rules()
    words, trim = r.filler, r.strip.trim
    pieces = list(words) + list("霍尔果斯货运量“”的达了 ") + ["比上", "较往", "同"]
    rng = random.Random(5)
    for _ in range(3000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        for end_min in (1, 2):
            got = filler.strip(s, filler.filler_index(words, end_min, trim))
            assert got == _plain_strip(s, words, end_min, trim), (s, end_min)
    assert r.strip == filler.filler_index(words, 1, trim) and r.strip_long_ends == filler.filler_index(words, 2, trim)


LOOKUP_TEXT = ("据海关统计，2023年霍尔果斯口岸进出口货运量达4000万吨，同比增长12%；出口 额\n增长5%，"
               "其中 进口值占比达23.4%。" + "货运量增长12%，" * 30 + "运输通过能力由1500万吨提升至6000万吨。")


def test_context_lookups_equal_plain_scans() -> None:
    doc = make(LOOKUP_TEXT, real=True)
    ctx = context.Context(doc)
    t, metric_re, seps = doc.text, facts.rules().metrics.metric_re, facts.rules().clauses.separators
    n = len(t)
    for lo in range(0, n + 1, 3):
        for hi in range(lo, n + 1, 7):
            assert ctx.clause_start(lo, hi) == _plain_clause_start(t, seps, lo, hi)
            assert ctx.clause_end(lo, hi) == _plain_clause_end(t, seps, lo, hi)
            assert ctx.compact(lo, hi) == re.sub(r"\s+", "", t[lo:hi])
            plain, fast = metric_re.search(t, lo, hi), ctx.metric_search(lo, hi)
            assert (plain and (plain.span(), plain.group())) == (fast and (fast.span(), fast.group()))


def test_source_clauses_are_found_once_per_sentence() -> None:
    doc = make(LOOKUP_TEXT, real=True)
    ctx = context.Context(doc)
    sent = ctx.sents[0]
    assert subject.source_clauses(ctx, sent) is subject.source_clauses(ctx, sent)
    assert [doc.text[s:e] for s, e in subject.source_clauses(ctx, sent).spans] == ["据海关统计"]


def test_many_numbers_in_one_sentence() -> None:
    text = "货运量增长12%，" * 300 + "全年货运量4000万吨。"
    doc = make(text, real=True)
    assert len(doc.quantities) == 301
    assert fact(doc, 40000000, "t").metric == "货运量"
