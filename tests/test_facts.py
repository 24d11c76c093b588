"""Tests of extract/facts.py: subject, metric, period and change linking, lists, de-duplication, merge.

Most tests build their quantities and dates by hand (``Q``/``D`` below) so that they test the fact
builder alone; the rule-file examples and a few end-to-end cases run the real date and number
extractors too.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from extract import entities, facts, pipeline
from extract.model import DateRec, Doc, Fact, Quantity
from extract.offsets import MappedText
from extract.rules import load_toml
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


def no_fact(doc: Doc, value: int | str) -> None:
    assert all(Decimal(f.value) != Decimal(str(value)) for f in doc.facts), [(f.metric, f.value) for f in doc.facts]


# ---------------------------------------------------------------- headline facts of the issue

KASHGAR = "据喀什海关统计，2023年喀什外贸进出口总值达836.8亿元，占新疆外贸进出口总值的23.4%，同比增长71.2%。"


def kashgar_doc(text: str = KASHGAR, doc_id: str = "t") -> Doc:
    return make(text, [Q(text, "836.8亿元", "83680000000", "CNY", "money"), Q(text, "23.4%", "23.4", "%", "percent"),
                       Q(text, "71.2%", "71.2", "%", "percent")],
                [D(text, "2023年", "2023-01-01", "2023-12-31")], doc_id=doc_id)


def test_kashgar_headline() -> None:
    f = fact(kashgar_doc(), "83680000000")
    assert (f.subject, f.metric, f.unit) == ("喀什", "外贸进出口总值", "CNY")
    assert (f.period_start, f.period_end) == ("2023-01-01", "2023-12-31")
    assert f.change["kind"] == "yoy" and f.change["value"] == Decimal("71.2") and f.change["unit"] == "%"
    assert f.change["share"] == Decimal("23.4") and f.change["share_of"] == "新疆外贸进出口总值"
    assert len(kashgar_doc().facts) == 1  # the change numbers are not facts of their own


def test_source_is_not_subject() -> None:
    text = "据乌鲁木齐海关统计，今年前两个月，新疆外贸进出口总值达500亿元。"
    doc = make(text, [Q(text, "500亿元", "50000000000", "CNY", "money")],
               [D(text, "今年前两个月", "2024-01-01", "2024-02-29")])
    f = fact(doc, "50000000000")
    assert f.subject == "新疆" and f.period_end == "2024-02-29"


def test_horgos_last_year_period_from_dates() -> None:
    text = "在各部门共同推动下，去年，霍尔果斯综保区进出口总值达411亿元，首次突破400亿元大关，同比增长达76.37%。"
    doc = make(text, [Q(text, "411亿元", "41100000000", "CNY", "money"),
                      Q(text, "400亿元", "40000000000", "CNY", "money"),
                      Q(text, "76.37%", "76.37", "%", "percent")],
               [D(text, "去年", "2023-01-01", "2023-12-31")])
    f = fact(doc, "41100000000")
    assert (f.subject, f.metric, f.period_start) == ("霍尔果斯综保区", "进出口总值", "2023-01-01")
    assert f.change == {"kind": "yoy", "value": Decimal("76.37"), "unit": "%"}
    no_fact(doc, "40000000000")  # 400亿元大关 is a threshold
    assert len(doc.facts) == 1


# ---------------------------------------------------------------- changes

def test_increase_with_before_value() -> None:
    text = "随着项目竣工，这条线路运输通过能力由1500万吨提升至6000万吨。"
    doc = make(text, [Q(text, "1500万吨", "15000000", "t"), Q(text, "6000万吨", "60000000", "t")])
    f = fact(doc, "60000000")
    assert f.metric == "运输通过能力"
    assert f.change == {"kind": "increase", "value": Decimal("45000000"), "unit": "t", "before": Decimal("15000000")}
    no_fact(doc, "15000000")


def test_decrease_and_distinct_metrics() -> None:
    text = "阿拉山口公路口岸的进口通关环节由9项压缩为4项，出口通关环节由12项压缩为4项。"
    doc = make(text, [Q(text, "9项", 9, "项"), Q(text, "4项", 4, "项", nth=0), Q(text, "12项", 12, "项"),
                      Q(text, "4项", 4, "项", nth=1)])
    assert sorted((f.metric, f.change["before"]) for f in doc.facts) == [("出口通关环节", 12), ("进口通关环节", 9)]
    assert all(f.change["kind"] == "decrease" and f.subject == "阿拉山口公路口岸" for f in doc.facts)


def test_decline_is_negative_yoy() -> None:
    text = "1至2月，阿拉山口口岸进出口货运量达300万吨，同比下降5.2%。"
    doc = make(text, [Q(text, "300万吨", "3000000", "t"), Q(text, "5.2%", "5.2", "%", "percent")])
    assert fact(doc, "3000000").change["value"] == Decimal("-5.2")


def test_respectively() -> None:
    text = "截至2024年7月，塔城海关累计监管边民互市交易商品7.5万吨，货值3.4亿元，同比分别增加了68%和82%。"
    doc = make(text, [Q(text, "7.5万吨", "75000", "t"), Q(text, "3.4亿元", "340000000", "CNY", "money"),
                      Q(text, "68%", 68, "%", "percent"), Q(text, "82%", 82, "%", "percent")],
               [D(text, "截至2024年7月", "2024-07-31", "2024-07-31")])
    assert fact(doc, "75000").change["value"] == 68
    f = fact(doc, "340000000")
    assert f.change["value"] == 82 and f.metric == "货值" and f.subject == "塔城海关"
    assert (f.period_start, f.period_end) == (None, "2024-07-31")  # 截至: cumulative
    assert len(doc.facts) == 2


def test_change_without_base_is_its_own_fact() -> None:
    text = "今年前三季度，新疆4个综合保税区外贸进出口值同比增长101.8%，占同期新疆外贸进出口总值的41.1%。"
    doc = make(text, [Q(text, "4个", 4, "个", "count"), Q(text, "101.8%", "101.8", "%", "percent"),
                      Q(text, "41.1%", "41.1", "%", "percent")],
               [D(text, "今年前三季度", "2024-01-01", "2024-09-30")])
    f = fact(doc, "101.8")
    assert f.metric == "外贸进出口值" and f.change["kind"] == "yoy" and f.change["share"] == Decimal("41.1")
    assert fact(doc, 4).change is None  # the count inside the noun phrase keeps no change


def test_clause_with_its_own_metric_does_not_attach() -> None:
    text = "去年口岸实行7×12小时通关制，过货量较往年增长了40%。"
    doc = make(text, [Q(text, "12小时", 12, "h", "duration"), Q(text, "40%", 40, "%", "percent")])
    f = fact(doc, 40)
    assert f.metric == "过货量" and f.change["kind"] == "yoy"


def test_comparison_is_skipped() -> None:
    text = "2020年至2023年，西部地区进出口总值由2.96万亿元增至3.74万亿元，年均增长8.5%、高于同期全国1.2个百分点。"
    doc = make(text, [Q(text, "2.96万亿元", "2960000000000", "CNY", "money"),
                      Q(text, "3.74万亿元", "3740000000000", "CNY", "money"),
                      Q(text, "8.5%", "8.5", "%", "percent"), Q(text, "1.2个百分点", "1.2", "pp", "pp")],
               [D(text, "2020年至2023年", "2020-01-01", "2023-12-31")])
    f = fact(doc, "3740000000000")
    assert (f.subject, f.metric, f.period_start, f.period_end) == ("西部地区", "进出口总值", "2020-01-01", "2023-12-31")
    assert f.change["kind"] == "yoy" and f.change.get("average") is True
    assert f.change["increase_before"] == Decimal("2960000000000")
    assert len(doc.facts) == 1


# ---------------------------------------------------------------- subject, metric, period

def test_metric_from_verb_phrase_and_subject_from_earlier_clause() -> None:
    text = "商品车出口成为霍尔果斯口岸外贸新亮点，去年出口商品车30.4万辆，同比增长307.5%。"
    doc = make(text, [Q(text, "30.4万辆", "304000", "辆"), Q(text, "307.5%", "307.5", "%", "percent")],
               [D(text, "去年", "2023-01-01", "2023-12-31")])
    f = fact(doc, "304000")
    assert (f.subject, f.metric, f.period_start) == ("霍尔果斯口岸", "出口商品车", "2023-01-01")


def test_bracketed_aside_is_not_subject() -> None:
    text = "截至今年2月份，其中霍尔果斯通行中欧（中亚）班列33456列，阿拉山口通行中欧（中亚）班列37704列。"
    doc = make(text, [Q(text, "33456列", 33456, "列"), Q(text, "37704列", 37704, "列")],
               [D(text, "截至今年2月份", "2024-02-29", "2024-02-29")])
    assert fact(doc, 33456).subject == "霍尔果斯"
    assert fact(doc, 37704).subject == "阿拉山口"
    assert fact(doc, 37704).period_end == "2024-02-29"


def test_period_inherited_in_paragraph() -> None:
    text = ("2023年，巴克图口岸进出口货运量62.7万吨。出境运输工具31480辆。\n从方式看，公路运输货运量2万吨。\n"
            "口岸建设稳步推进。\n巴克图口岸货运量1万吨。")
    doc = make(text, [Q(text, "62.7万吨", "627000", "t"), Q(text, "31480辆", 31480, "辆"),
                      Q(text, "2万吨", "20000", "t"), Q(text, "1万吨", "10000", "t")],
               [D(text, "2023年", "2023-01-01", "2023-12-31")])
    assert fact(doc, 31480).period_start == "2023-01-01"
    assert fact(doc, 31480).subject == "巴克图口岸"
    assert fact(doc, "20000").period_start == "2023-01-01"  # the next paragraph continues
    assert fact(doc, "10000").period_start is None  # but not across a paragraph without facts


def test_count_names_its_noun() -> None:
    text = "目前，新疆拥有6个国家级经济技术开发区、4个综合保税区。"
    doc = make(text, [Q(text, "6个", 6, "个", "count"), Q(text, "4个", 4, "个", "count")])
    assert fact(doc, 6).metric == "国家级经济技术开发区"
    assert fact(doc, 4).metric == "综合保税区"
    assert fact(doc, 4).subject == "新疆"


def test_demonstrative_subject_resolves_to_entity() -> None:
    text = "据喀什海关统计，2023年，该关累计监管进出境TIR车辆260余辆次。"
    doc = make(text, [Q(text, "260余辆次", 260, "辆次", approx="over")],
               [D(text, "2023年", "2023-01-01", "2023-12-31")])
    f = fact(doc, 260)
    assert (f.subject, f.metric, f.approx) == ("喀什海关", "监管进出境TIR车辆", "over")


# ---------------------------------------------------------------- lists

def test_list_items_are_subjects() -> None:
    text = ("2024年1月1日至2024年8月31日巴克图中哈边民互市共交易3483车大宗商品"
            "（含葵花籽1249车、葵花籽仁512车、红花籽107车），"
            "重量78248.46吨，其中葵花子27169.15吨、葵花籽仁10994.07吨。")
    qs = [Q(text, "3483车", 3483, "车"), Q(text, "1249车", 1249, "车"), Q(text, "512车", 512, "车"),
          Q(text, "107车", 107, "车"), Q(text, "78248.46吨", "78248.46", "t"), Q(text, "27169.15吨", "27169.15", "t"),
          Q(text, "10994.07吨", "10994.07", "t")]
    doc = make(text, qs, [D(text, "2024年1月1日至2024年8月31日", "2024-01-01", "2024-08-31")])
    assert fact(doc, 1249).subject == "葵花籽"
    assert fact(doc, 512).subject == "葵花籽仁"
    assert fact(doc, 107).subject == "红花籽"
    assert fact(doc, 1249).metric == fact(doc, 3483).metric
    assert fact(doc, "27169.15").subject == "葵花子" and fact(doc, "27169.15").metric == "重量"
    assert fact(doc, "10994.07").period_end == "2024-08-31"
    assert fact(doc, "78248.46").subject != "葵花子"


def test_total_before_etc_is_not_an_item() -> None:
    text = "喀什与周边塔吉克斯坦、巴基斯坦等8国接壤。"
    doc = make(text, [Q(text, "8国", 8, "国")])
    assert all(f.subject != "巴基斯坦等" for f in doc.facts)


# ---------------------------------------------------------------- skipping

def test_numbers_without_meaning_are_dropped() -> None:
    text = "两个市场联动，1吨葵花籽节省200元。"
    doc = make(text, [Q(text, "两个", 2, "个", "count"), Q(text, "200元", 200, "CNY", "money")])
    no_fact(doc, 2)


def test_corrupt_quantity_skipped() -> None:
    text = "2023年喀什外贸进出口总值达836.8亿元。"
    doc = Doc(source="t", raw=text, mapped=MappedText.identity(text))
    doc.doc_id = "t"
    segment(doc)
    doc.quantities = [Q(text, "836.8亿元", "83680000000", "CNY", "money")]
    doc.corrupt = [(doc.quantities[0].start, doc.quantities[0].end)]
    doc.entities = entities.extract(doc)
    assert facts.extract(doc) == []


# ---------------------------------------------------------------- one row per fact

def test_same_fact_twice_in_a_doc_is_one_row() -> None:
    text = KASHGAR + "\n" + KASHGAR
    n = len(KASHGAR) + 1
    rows = (("836.8亿元", "83680000000", "CNY", "money"), ("23.4%", "23.4", "%", "percent"),
            ("71.2%", "71.2", "%", "percent"))
    qs = [Q(text, s, v, u, k, nth=i) for i in (0, 1) for s, v, u, k in rows]
    doc = make(text, qs, [D(text, "2023年", "2023-01-01", "2023-12-31", nth=i) for i in (0, 1)])
    assert len(doc.facts) == 1
    f = doc.facts[0]
    assert [m.start for m in f.mentions] == [f.mentions[0].start, f.mentions[0].start + n]
    for m in f.mentions:
        assert "836.8亿元" in text[m.start:m.end]


def test_broken_line_sentence_is_joined() -> None:
    text = "据喀什海关统计，2023年喀什外贸进出口总值达836.8亿元，占新疆外贸进出口总值\n\n的23.4%，同比增长71.2%。"
    doc = kashgar_doc(text)
    f = fact(doc, "83680000000")
    assert f.change["value"] == Decimal("71.2") and f.change["share"] == Decimal("23.4")
    assert "\n" not in f.sentence


def test_merge_versions_and_ids() -> None:
    a = kashgar_doc(doc_id="a")
    b = kashgar_doc("导语。" + KASHGAR, doc_id="b")
    a.cluster_id = b.cluster_id = "a"
    rows = facts.merge([a, b])
    assert len(rows) == 1
    assert sorted(m.doc_id for m in rows[0].mentions) == ["a", "b"]
    assert rows[0].id == a.facts[0].id == b.facts[0].id  # ids hash the fact, not the document
    assert facts.merge([b, a])[0].id == rows[0].id


def test_to_json_shape() -> None:
    d = fact(kashgar_doc(), "83680000000").to_json()
    assert d["value"] == 83680000000 and d["change"]["value"] == 71.2 and d["change"]["share"] == 23.4
    assert set(d) >= {"id", "subject", "metric", "value", "value_max", "unit", "approx", "period_start",
                      "period_end", "change", "sentence", "mentions"}


# ---------------------------------------------------------------- end to end with the real extractors

def _examples() -> list[dict]:
    out = []
    for section in load_toml("facts/facts").values():
        if isinstance(section, dict):
            out.extend(section.get("examples", []))
    return out


@pytest.mark.parametrize("ex", _examples(), ids=lambda ex: ex["text"])
def test_rule_examples_end_to_end(ex: dict) -> None:
    doc = make(ex["text"], real=True)
    f = fact(doc, ex["value"])
    assert f.unit == ex["unit"]
    for k in ("subject", "metric"):
        if k in ex:
            assert getattr(f, k) == ex[k]
    if "yoy" in ex:
        assert f.change["kind"] == "yoy" and f.change["value"] == Decimal(str(ex["yoy"]))
    if "share" in ex:
        assert f.change["share"] == Decimal(str(ex["share"]))
    if "before" in ex:
        assert f.change["before"] == Decimal(str(ex["before"]))


def test_real_extractors_relative_year() -> None:
    text = "在各部门共同推动下，去年，霍尔果斯综保区进出口总值达411亿元，同比增长达76.37%。"
    doc = make(text, real=True, ref_date="2024-03-01")
    f = fact(doc, "41100000000")
    assert (f.subject, f.period_start, f.period_end) == ("霍尔果斯综保区", "2023-01-01", "2023-12-31")
    assert f.change["value"] == Decimal("76.37")


def test_partner_belongs_to_metric() -> None:
    text = "1至5月，新疆对哈萨克斯坦进出口523.6亿元，增长8.7%；对吉尔吉斯斯坦进出口488.1亿元，下降2.3%。"
    doc = make(text, [Q(text, "523.6亿元", "52360000000", "CNY", "money"), Q(text, "8.7%", "8.7", "%", "percent"),
                      Q(text, "488.1亿元", "48810000000", "CNY", "money"), Q(text, "2.3%", "2.3", "%", "percent")],
               [D(text, "1至5月", "2024-01-01", "2024-05-31")])
    f = fact(doc, "52360000000")
    assert (f.subject, f.metric) == ("新疆", "对哈萨克斯坦进出口")
    g = fact(doc, "48810000000")
    assert (g.subject, g.metric, g.period_end) == ("新疆", "对吉尔吉斯斯坦进出口", "2024-05-31")
    assert g.change["value"] == Decimal("-2.3")


def test_comparison_date_is_not_the_period_and_speaker_is_not_subject() -> None:
    text = "西北大学经济管理学院教授李平认为，班列运输成本比去年降低了约15%。"
    doc = make(text, [Q(text, "约15%", 15, "%", "percent", approx="about")],
               [D(text, "去年", "2023-01-01", "2023-12-31")])
    f = fact(doc, 15)
    assert (f.subject, f.metric, f.period_start) == (None, "班列运输成本", None)
    assert f.change["kind"] == "yoy" and f.change["value"] == -15


def test_absolute_change_attaches_to_fact() -> None:
    text = "去年该口岸营业收入5亿元，比上年增加了3000万元；由1500万吨增长至6000万吨。"
    doc = make(text, [Q(text, "5亿元", "500000000", "CNY", "money"), Q(text, "3000万元", "30000000", "CNY", "money"),
                      Q(text, "1500万吨", "15000000", "t"), Q(text, "6000万吨", "60000000", "t")])
    f = fact(doc, "500000000")
    assert f.change == {"kind": "increase", "value": Decimal("30000000"), "unit": "CNY"}
    no_fact(doc, "30000000")
    assert fact(doc, "60000000").change["before"] == Decimal("15000000")


# ---------------------------------------------------------------- look-ups give the plain answers
# The builder answers "where does this clause start / end", "first metric word in here" and "text without
# whitespace" from positions found once per document, and strips filler by dictionary look-ups, so a sentence
# with thousands of numbers stays linear.  These tests hold each to the plain scan it replaces.

def _plain_strip(s: str, filler: tuple[str, ...], end_min: int = 1) -> str:
    changed = True
    while changed and s:
        changed = False
        for w in filler:
            if len(w) >= end_min and s.endswith(w):
                s = s[: -len(w)]
                changed = True
            if s.startswith(w):
                s = s[len(w):]
                changed = True
    return s.strip("“”\"' 　")


def test_strip_filler_equals_trying_every_word() -> None:
    import random

    filler = facts.rules().filler
    pieces = list(filler) + list("霍尔果斯货运量“”的达了 ") + ["比上", "较往", "同"]
    rng = random.Random(5)
    for _ in range(3000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        for end_min in (1, 2):
            assert facts._strip_filler(s, filler, end_min) == _plain_strip(s, filler, end_min), (s, end_min)


LOOKUP_TEXT = ("据海关统计，2023年霍尔果斯口岸进出口货运量达4000万吨，同比增长12%；出口 额\n增长5%，"
               "其中 进口值占比达23.4%。" + "货运量增长12%，" * 30 + "运输通过能力由1500万吨提升至6000万吨。")


def test_builder_lookups_equal_plain_scans() -> None:
    doc = make(LOOKUP_TEXT, real=True)
    b = facts._Builder(doc)
    t, metric_re = doc.text, facts.rules().metric_re
    n = len(t)
    for lo in range(0, n + 1, 3):
        for hi in range(lo, n + 1, 7):
            assert b.clause_start(lo, hi) == facts._clause_start(t, lo, hi)
            assert b.clause_end(lo, hi) == facts._clause_end(t, lo, hi)
            assert b.compact(lo, hi) == facts._compact(t[lo:hi])
            plain, fast = metric_re.search(t, lo, hi), b.metric_search(lo, hi)
            assert (plain and (plain.span(), plain.group())) == (fast and (fast.span(), fast.group()))


def test_source_clauses_are_found_once_per_sentence() -> None:
    doc = make(LOOKUP_TEXT, real=True)
    b = facts._Builder(doc)
    sent = b.sents[0]
    assert b._excluded(sent) is b._excluded(sent)
    starts, spans = b._excluded(sent)
    assert [doc.text[s:e] for s, e in spans] == ["据海关统计"] and starts == [s for s, _ in spans]


def test_many_numbers_in_one_sentence() -> None:
    text = "货运量增长12%，" * 300 + "全年货运量4000万吨。"
    doc = make(text, real=True)
    assert len(doc.quantities) == 301
    assert fact(doc, 40000000, "t").metric == "货运量"
