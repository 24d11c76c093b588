"""Tests of extract/dates.py beyond the rule corpora (rules/dates/corpus_*.toml, run by tests/test_corpora.py).

The corpora hold every form with its whole answer; here: calendar helpers, publication dates, reference-date
inference, the Doc wrapper, seed articles, and properties (determinism, ordered intervals, every record named
by a rule of the lexicon, the scan's guards never changing a match).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import corpus, pipeline
from extract.dates import DateMatch, configure, find_dates, infer_ref_date, qingming
from extract.dates import read as date_read
from extract.dates.calendar import month_end, week_monday
from extract.dates.grammar import grammar
from extract.dates.guards import first_chars, word_guard
from extract.model import Doc
from extract.numeral import cn_int
from extract.offsets import MappedText
from extract.rules import rules_dir

REPO = Path(__file__).resolve().parents[1]
D = date.fromisoformat
RULE_NAMES = corpus.rule_names(rules_dir() / "dates")


def iv(m: DateMatch) -> tuple[str | None, str | None]:
    return (m.value_start.isoformat() if m.value_start else None,
            m.value_end.isoformat() if m.value_end else None)


# ---------------------------------------------------------------- calendar

def test_qingming() -> None:
    assert qingming(2023) == date(2023, 4, 5)
    assert qingming(2024) == date(2024, 4, 4)
    assert qingming(2025) == date(2025, 4, 4)


# ---------------------------------------------------------------- helpers

def test_cn_int() -> None:
    assert [cn_int(s) for s in ["12", "十二", "廿三", "二〇二三", "两千零四", "三十一", "十"]] == [
        12, 12, 23, 2023, 2004, 31, 10]


def test_infer_ref_date() -> None:
    text = "2019年6月开业。到2035年建成。2023年11月1日揭牌。2024年是关键之年。"
    ref, how = infer_ref_date(find_dates(text, None, periods=False), text)
    assert ref == date(2024, 1, 1) and how.startswith("inferred")
    text = "2020年12月7日批复。2024年1月1日至2024年8月31日交易。"
    ref, _ = infer_ref_date(find_dates(text, None, periods=False), text)
    assert ref == date(2024, 1, 1)
    assert infer_ref_date(find_dates("今年增长", None), "今年增长") == (None, None)


# ---------------------------------------------------------------- the Doc wrapper and the seeds

def _doc(text: str) -> Doc:
    return Doc(source="t", raw=text, mapped=MappedText.identity(text), doc_id="x")


def _dates(doc: Doc, ref: str | None = None) -> list:
    """The date stages of the pipeline (scan, reference date, resolution) on ``doc``."""
    return pipeline.run(doc, pipeline.Options(ref_date=ref), pipeline.stages("date_scan", "dates")).dates


def test_extract_records_and_inference() -> None:
    doc = _doc("2019年6月开业，当年贸易额增长。去年11月开通。")
    recs = _dates(doc)
    assert doc.ref_date == "2019-06-01" and doc.ref_date_source.startswith("inferred")
    assert [r.id for r in recs] == ["x:d0", "x:d1", "x:d2"]
    assert recs[2].value_start == "2018-11-01" and recs[2].ref_date_source == doc.ref_date_source
    assert recs[0].ref_date_source is None and recs[0].raw_start == 0


def test_extract_skips_corrupt_spans() -> None:
    doc = _doc("2023年11月1日揭牌，2024年1月开通。")
    doc.corrupt = [(0, 5)]
    assert [r.text for r in _dates(doc, "2024-03-01")] == ["2024年1月"]


def _seed(prefix: str) -> str | None:
    paths = sorted((REPO / "corpus").glob(f"{prefix}_*.txt"))
    return paths[0].read_text(encoding="utf-8") if paths else None


def test_seed_002_with_cli_reference() -> None:
    text = _seed("002")
    if text is None:
        pytest.skip("seed 002 absent")
    got = {(m.text, *iv(m)) for m in find_dates(text, D("2024-03-01"))}
    for want in [("今年1月中旬", "2024-01-11", "2024-01-20"), ("截至今年2月份", "2024-02-29", "2024-02-29"),
                 ("去年11月30日", "2023-11-30", "2023-11-30"), ("去年2月", "2023-02-01", "2023-02-28"),
                 ("2023年11月1日", "2023-11-01", "2023-11-01"), ("今年", "2024-01-01", "2024-12-31"),
                 ("2020年12月", "2020-12-01", "2020-12-31"), ("2006年3月", "2006-03-01", "2006-03-31")]:
        assert want in got
    assert not any(m.text in ("次日", "百年来") for m in find_dates(text, D("2024-03-01")))


def test_seed_003_style_article() -> None:
    text = ("发布时间:2023-10-24\n10月18日、19日,短短两天。8月23日,一架客机起飞。"
            "2013年至2023年8月底,新疆共接待团组。今年3月,访问团出访。9月上旬,交流团访问。"
            "今年前三季度,同比增长101.8%,占同期新疆外贸进出口总值。10月14日上午,开幕,当天共有265个项目。")
    got = [(m.text, *iv(m)) for m in find_dates(text, D("2023-10-24"))]
    assert got == [
        ("2023-10-24", "2023-10-24", "2023-10-24"), ("10月18日", "2023-10-18", "2023-10-18"),
        ("19日", "2023-10-19", "2023-10-19"), ("8月23日", "2023-08-23", "2023-08-23"),
        ("2013年至2023年8月底", "2013-01-01", "2023-08-31"), ("今年3月", "2023-03-01", "2023-03-31"),
        ("9月上旬", "2023-09-01", "2023-09-10"), ("今年前三季度", "2023-01-01", "2023-09-30"),
        ("同期", "2023-01-01", "2023-09-30"), ("10月14日上午", "2023-10-14", "2023-10-14"),
        ("当天", "2023-10-14", "2023-10-14")]


# ---------------------------------------------------------------- properties

_FORMS = st.sampled_from([
    "今年", "去年", "前年", "明年", "本月", "上月", "下月", "今天", "昨天", "明天", "年初", "年底", "月初", "月底",
    "一季度", "四季度", "前三季度", "上半年", "下半年", "10月18日", "2月29日", "12月", "1月中旬", "29日", "31日",
    "截至今年2月份", "春节期间", "国庆", "中秋", "端午", "元旦", "五一假期", "黄金周", "上周", "上周一", "本周日",
    "2023年2月下旬", "5月1日至5日", "今年1到7月", "2013年以来", "10年来", "近4个月来", "同期", "去年同期",
    "2024年1月1日至2024年8月31日", "2023—2026年", "当年", "次日", "当天",
])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_FORMS, min_size=1, max_size=4),
       ref=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_properties(parts: list[str], ref: date) -> None:
    text = "，".join(parts) + "。"
    first = find_dates(text, ref)
    assert first == find_dates(text, ref)  # deterministic
    last = 0
    for m in first:
        assert text[m.start:m.end] == m.text and m.start >= last
        last = m.end
        assert (m.value_start is None) == (m.value_end is None)
        if m.value_start is not None:
            assert m.value_start <= m.value_end
        assert m.granularity in {"year", "quarter", "month", "xun", "day", "range", "datetime"}
        assert m.rule in RULE_NAMES  # every record is named by a rule of rules/dates/


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789年月日至到—-、今去上下旬季度前半号周星期一二三十春节国庆，。 :", max_size=40))
def test_never_crashes_and_intervals_are_ordered(text: str) -> None:
    for m in find_dates(text, date(2024, 3, 1)):
        assert m.value_start is None or m.value_start <= m.value_end


# ---------------------------------------------------------------- the lexicon and the scan's guards

def _texts() -> list[str]:
    """The sample articles and the texts of the date corpora."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt"))]
    return texts + [case.text for p in corpus.corpus_files() if p.parent.name == "dates"
                    for case in corpus.load(p).cases]


def test_every_record_of_the_samples_is_named_by_a_lexicon_rule() -> None:
    for text in _texts():
        for ref in (None, date(2024, 3, 1)):
            assert {m.rule for m in find_dates(text, ref)} <= RULE_NAMES


def test_guards_never_change_a_match() -> None:
    """The first tests of the scanning regex are necessary conditions only: without them, the same matches."""
    gr = grammar()
    prefix = f"(?=[{first_chars(gr.lex)}]){word_guard(gr.lex)}(?:"
    assert gr.main.pattern.startswith(prefix) and gr.main.pattern.endswith(")")
    unguarded = dataclasses.replace(gr, main=re.compile(gr.main.pattern[len(prefix):-1]))
    for text in _texts():
        assert date_read.scan(text, unguarded) == date_read.scan(text, gr)



# ---------------------------------------------------------------- holidays (rules/dates/holidays.toml)

def test_every_holiday_has_its_day_in_every_year_the_packages_cover() -> None:
    """Every holiday of holidays.toml resolves in 2001-2035 (the years all its packages cover: python-holidays'
    Hindu table is the shortest) to a day near that year, and its period around it: a key that names no
    solar term, calendar table or country holiday fails here."""
    lx = grammar().lex
    for word, h in lx.holidays.items():
        if h.needs_country:  # 独立日: the country comes from the text
            continue
        for y in range(2001, 2036):
            d = h.day_in(y)
            assert d is not None and abs(d.year - y) <= 1, (word, y, d)
            a, b = h.period_in(y) or (None, None)
            assert a is not None and b is not None and a <= d <= b or a == d, (word, y, a, b)


def test_every_holiday_word_is_found_alone() -> None:
    """Each word of holidays.toml, alone (with the context its guard needs), is one record of its holiday."""
    lx = grammar().lex
    tables = {w: h for h in lx.tables["holiday"] for w in h["words"]}
    for word, h in lx.holidays.items():
        t = tables[word]
        if word in t.get("needs_suffix", []) or h.needs_country:
            continue
        text = word + ("节气" if word in t.get("needs_context", []) else "")
        ms = find_dates(text, date(2024, 3, 1))
        assert len(ms) == 1 and ms[0].start == 0 and ms[0].holiday is not None, (word, ms)


# ---------------------------------------------------------------- options (rules/dates/options.toml)

def _with(options: dict[str, str], text: str, ref: date) -> list[tuple[str | None, str | None]]:
    """The intervals of ``text`` with the date options set (back to the file's afterwards)."""
    configure(**options)
    try:
        return [iv(m) for m in find_dates(text, ref)]
    finally:
        configure()


@pytest.mark.parametrize(("options", "text", "ref", "want"), [
    ({}, "星期二", "2024-03-12", [("2024-03-12", "2024-03-12")]),  # said on a Tuesday: that day (news)
    ({"weekday_alone": "past"}, "星期五", "2024-03-12", [("2024-03-08", "2024-03-08")]),
    ({"weekday_alone": "future"}, "星期一", "2024-03-12", [("2024-03-18", "2024-03-18")]),
    ({}, "两年前", "2024-03-12", [("2022-01-01", "2022-12-31")]),
    ({"ago_granularity": "day"}, "两年前", "2024-03-12", [("2022-03-12", "2022-03-12")]),
    ({}, "1995-1997年", "2024-03-12", [("1995-01-01", "1997-12-31")]),
    ({"range_end": "start"}, "1995-1997年", "2024-03-12", [("1995-01-01", "1996-12-31")]),
    ({"range_end": "start"}, "3月1日至3月10日", "2024-03-12", [("2024-03-01", "2024-03-09")]),
    ({}, "4/5/2023", "2024-03-12", [("2023-05-04", "2023-05-04")]),
    ({"year_last_order": "mdy"}, "4/5/2023", "2024-03-12", [("2023-04-05", "2023-04-05")]),
    ({}, "重阳节", "2024-03-12", [("2024-10-11", "2024-10-11")]),
    ({"holiday_year": "nearest"}, "重阳节", "2024-03-12", [("2023-10-23", "2023-10-23")]),
    ({}, "元旦", "2024-03-12", [("2024-01-01", "2024-01-01")]),
    ({"holiday_year": "future"}, "元旦", "2024-03-12", [("2025-01-01", "2025-01-01")]),  # the next one
    ({"holiday_year": "future"}, "春节", "2024-02-10", [("2024-02-10", "2024-02-10")]),  # today counts
    ({}, "赎罪日", "2024-03-12", [("2024-10-12", "2024-10-12")]),
    ({"sunset_start": "eve"}, "赎罪日", "2024-03-12", [("2024-10-11", "2024-10-11")]),  # begins the evening before
    ({"sunset_start": "eve"}, "2025年逾越节", "2024-03-12", [("2025-04-12", "2025-04-20")]),
    ({"sunset_start": "eve"}, "复活节", "2024-03-12", [("2024-03-31", "2024-03-31")]),  # not a Hebrew day
    ({}, "过去3天", "2024-03-12", [("2024-03-09", "2024-03-12")]),
    ({"back_end": "day_before"}, "过去3天", "2024-03-12", [("2024-03-09", "2024-03-11")]),
])
def test_options(options: dict[str, str], text: str, ref: str, want: list) -> None:
    assert _with(options, text, D(ref)) == want
    assert [iv(m) for m in find_dates(text, D(ref))] == _with({}, text, D(ref))  # restored


def test_options_reject_unknown_values() -> None:
    with pytest.raises(ValueError):
        configure(range_end="middle")
    configure()


# ---------------------------------------------------------------- calendar helpers of the selectors

@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_first_and_last_weeks_are_mondays_inside_the_month(d: date) -> None:
    a, b = d.replace(day=1), month_end(d.year, d.month)
    first, last = week_monday(a, b, 1), week_monday(a, b, -1)
    assert first.weekday() == last.weekday() == 0
    assert a <= first + date.resolution * 3 <= b and a <= last + date.resolution * 3 <= b  # their Thursdays
    assert first <= last
