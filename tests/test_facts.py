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

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import corpus, diff, entities, facts, pipeline
from extract.facts import context, filler, lexicon, subject
from extract.model import DateRec, Doc, Fact, Quantity, content_id
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

def _plain_strip(s: str, words: tuple[str, ...], end_min: int, trim: str, keep: tuple[str, ...] = ()) -> str:
    changed = True
    while changed and s:
        changed = False
        for w in words:
            if len(w) >= end_min and s.endswith(w):
                s = s[: -len(w)]
                changed = True
            if s.startswith(w) and not any(len(k) > len(w) and k.startswith(w) and s.startswith(k) for k in keep):
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
    keep = tuple(dict.fromkeys(k for ks in r.strip.keeps.values() for k in ks))
    pieces = list(words) + list("霍尔果斯货运量“”的达了 ") + ["比上", "较往", "同"] + list(keep)
    rng = random.Random(5)
    for _ in range(3000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        for end_min in (1, 2):
            got = filler.strip(s, filler.filler_index(words, end_min, trim, keep))
            assert got == _plain_strip(s, words, end_min, trim, keep), (s, end_min)
    assert r.strip == filler.filler_index(words, 1, trim, keep) \
        and r.strip_long_ends == filler.filler_index(words, 2, trim, keep)


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


# ---------------------------------------------------------------- the new fields, canonical merging, the diff

SOURCES = {"clause", "sentence", "anaphor", "topic"}


def real_doc(text: str, doc_id: str | None = None, ref_date: str = "2024-03-01") -> Doc:
    """A document run through the whole pipeline (as the corpora and the batch run it)."""
    doc = Doc(source=doc_id or "t", raw=text)
    doc.doc_id = doc_id or content_id(text)
    return pipeline.run(doc, pipeline.Options(ref_date=ref_date))


def test_fields_are_of_their_value_sets() -> None:
    text = ("宁波一季度港口货物吞吐量增长5%\n\n今年一季度，全市港口货物吞吐量达3.6亿吨，同比增长5.1%，环比增长2.2%。"
            "集装箱吞吐量980万标准箱。")
    doc = real_doc(text)
    names = {c.name for c in facts.rules().metrics.canonical.values()}
    assert doc.facts
    for f in doc.facts:
        d = f.to_json()
        assert d["subject_source"] in SOURCES and d["subject"] == "宁波"
        assert d["metric_canonical"] is None or d["metric_canonical"] in names
        assert 0 <= d["confidence"] <= 1 and (d["guessed"] is None) == (d["confidence"] == 1)
        assert d["change"] is None or d["change"]["kind"] in {"yoy", "mom", "increase", "decrease", "share"}
    mom = [f for f in doc.facts if f.change and f.change["kind"] == "mom"]
    assert [(f.metric, f.value, f.rule) for f in mom] == [("港口货物吞吐量环比增长", Decimal("2.2"),
                                                           "change.secondary")]


def test_versions_merge_on_the_canonical_metric() -> None:
    a = real_doc("2023年，星海电子股份有限公司营收约48亿元。", "a")
    b = real_doc("2023年，星海电子股份有限公司实现营业收入约48亿元。", "b")
    assert [f.metric for f in a.facts] == ["营收"] and [f.metric for f in b.facts] == ["营业收入"]
    rows = facts.merge([a, b])
    assert len(rows) == 1 and rows[0].metric_canonical == "营业收入"
    assert sorted(m.doc_id for m in rows[0].mentions) == ["a", "b"] and rows[0].id == a.facts[0].id


def test_two_metrics_of_one_canonical_metric_stay_apart() -> None:
    doc = real_doc("2023年，滨州市进口额120亿元，出口额120亿元。")
    assert [(f.metric, f.metric_canonical) for f in doc.facts] == [("进口额", "进口"), ("出口额", "出口")]
    doc = real_doc("阿拉山口口岸的进口通关环节压缩为4项，出口通关环节压缩为4项。")
    assert [f.metric for f in doc.facts] == ["进口通关环节", "出口通关环节"]


def test_diff_pairs_a_reworded_metric() -> None:
    old = real_doc("2023年，星海电子股份有限公司营收约48亿元。", "old")
    new = real_doc("2023年，星海电子股份有限公司实现营业收入约50亿元。", "new")
    rows = diff.diff_docs(old, new)["facts"]
    assert [(r["status"], r["fields"]) for r in rows] == [("changed", {"value": [4800000000, 5000000000]})]


def test_trie_pattern_is_the_longest_first_alternation() -> None:
    rng = random.Random(3)
    alphabet = "进出口总值额货运量吞吐"
    for _ in range(200):
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 8))}
        trie = re.compile(lexicon.trie_pattern(words))
        plain = re.compile("|".join(re.escape(w) for w in lexicon.longest_first(words)))
        for _ in range(20):
            s = "".join(rng.choice(alphabet + "的了") for _ in range(rng.randint(0, 12)))
            a, b = trie.search(s), plain.search(s)
            assert (a and (a.span(), a.group())) == (b and (b.span(), b.group())), (words, s)


# ---------------------------------------------------------------- property: mentions point at the value

_SUBJECTS = ["", "全市", "我国", "公司", "喀什", "霍尔果斯口岸", "青禾乳业股份有限公司", "“远岚”", "该行"]
_METRICS = ["营业收入", "外贸进出口总值", "货运量", "第一产业增加值", "接待游客", "新增就业", "网上零售额",
            "出口商品车", ""]
_UNITS = ["亿元", "万吨", "%", "个", "万人次", "辆", "个百分点", "倍"]
_CHANGES = ["", "，同比增长{}%", "，环比下降{}%", "，比上年增加{}万元", "，占全省的{}%", "，下滑{}个百分点"]
_DATES = ["", "2023年，", "截至2023年末，", "1—10月，", "目前，"]


@st.composite
def statements(draw: st.DrawFn) -> str:
    """A short article of statements built from subjects, metrics, numbers, units and changes."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        n = draw(st.decimals(min_value=0, max_value=99999, places=draw(st.integers(0, 2)), allow_nan=False))
        ch = draw(st.sampled_from(_CHANGES))
        parts.append(draw(st.sampled_from(_DATES)) + draw(st.sampled_from(_SUBJECTS)) + draw(st.sampled_from(_METRICS))
                     + f"{n}{draw(st.sampled_from(_UNITS))}" + (ch.format(draw(st.integers(1, 99))) if ch else "")
                     + draw(st.sampled_from(["。", "；", "\n"])))
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_every_mention_points_at_its_value(text: str) -> None:
    doc = real_doc(text)
    for f in doc.facts:
        assert f.subject_source in SOURCES | {None} and (f.subject is None) == (f.subject_source is None)
        for m in f.mentions:
            assert 0 <= m.start < m.end <= len(doc.text)
            assert doc.raw[m.raw_start:m.raw_end] and (m.raw_start, m.raw_end) == doc.raw_span(m.start, m.end)
            inside = [q for q in doc.quantities if m.start <= q.start and q.end <= m.end
                      and Decimal(q.value) == Decimal(f.value) and q.unit == f.unit]
            assert inside, (f.to_json(), doc.text[m.start:m.end])  # the value's characters are in every mention
