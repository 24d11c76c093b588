"""Cleaning: offsets and invariants.  What each rule does, with whole answers, is in the corpora
rules/clean/corpus_chars.toml, corpus_mojibake.toml and corpus_lines.toml (tests/test_corpora.py)."""

from __future__ import annotations

import pytest
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import batch, clean, corpus, pipeline
from extract.model import Doc
from extract.normalise import normalise
from extract.offsets import MappedText
from extract.rules import rules_dir

_SCAN_BITS = ("ldquo;", "amp;", "lt;", "&", "a", "A", "中", "網", "(", "（", ")", "）", "wǎng", "de", "x", " ", "\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SCAN_BITS), max_size=30).map("".join))
def test_character_rule_scans_started_late_find_every_match(text):
    """A rule's scan skips to where its quick pattern first matches: the same matches as scanning everything."""
    r = clean._char_rules()
    for scan in (*(s for _, s in r.entities), r.pinyin):
        got = [(m.span(), m.groups()) for m in scan.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in scan.pattern.finditer(text)]


_CREDIT_BITS = ("记者", "摄影", "通讯员", "摄", "/摄", "供图", "图", "/", "／", "张三", "·", " ", ")", "）", "中")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CREDIT_BITS), max_size=12).map("".join))
def test_every_photo_credit_holds_one_of_its_marks(line):
    """clean.toml's credit ``marks``: a line with none of them is never searched for a credit."""
    r = clean._line_rules()
    if r.credit.search(line):
        assert r.is_credit(line)


def cleaned(raw: str) -> Doc:
    """Run the cleaning and normalisation stages (as the pipeline does) on a string."""
    doc = Doc(source="t", raw=raw)
    clean.clean_chars(doc)
    normalise(doc)
    clean.mark_mojibake(doc)
    clean.clean_lines(doc)
    return doc


def test_offsets_of_cleaned_text_point_at_raw():
    raw = "網(wǎng)站首頁 | 網(wǎng)站地圖\n\n喀什海關(guān)物流監(jiān)管處副處長(zhǎng)張力介紹,同比增長７１．２％。"
    doc = cleaned(raw)
    i = doc.text.index("张力")
    rs, re_ = doc.raw_span(i, i + 2)
    assert raw[rs:re_] == "張力"
    i = doc.text.index("71.2%")
    rs, re_ = doc.raw_span(i, i + 5)
    assert raw[rs:re_] == "７１．２％"
    i = doc.text.index("副处长")
    rs, re_ = doc.raw_span(i, i + 3)
    assert raw[rs:re_] == "副處長(zhǎng)"


def test_removed_entries_point_at_their_raw_text():
    raw = "首页 > 新闻 > 正文\n&ldquo;口岸&rdquo;經濟\n损坏\ufffd\ufffd文字\n图为口岸。记者 王菲 摄"
    doc = cleaned(raw)
    for r in doc.removed:
        assert raw[r.raw_start:r.raw_end] == r.text, r
    assert [r.rule for r in doc.removed] == ["entity.reference", "entity.reference", "mojibake.replacement",
                                             "furniture.breadcrumb", "caption.credit", "dateline.photo_credit"]


def test_mapped_text_identity_roundtrip():
    mt = MappedText.identity("abc")
    assert mt.raw_span(0, 3) == (0, 3) and mt.raw_span(1, 1) == (1, 1)


@pytest.fixture(scope="module")
def seed_docs() -> list[Doc]:
    docs = batch.read([str(CORPUS)], print)
    for d in docs:
        pipeline.run(d, pipeline.Options(), pipeline.stages(stop="passages"))
    return docs


def test_every_removal_names_a_rule_of_the_rules_folder(seed_docs):
    """A wrong removal tells which rule to fix: every entry of the text stages carries a rule name that exists."""
    names = corpus.rule_names(rules_dir() / "clean") | corpus.rule_names(rules_dir() / "passages")
    rules = [r.rule for d in seed_docs for r in d.removed]
    assert rules and set(rules) <= names


def test_no_furniture_rule_matches_a_line_longer_than_the_guard():
    assert clean.furniture_rule("首页 | " * 30) is None
    assert clean.furniture_rule("首页 | 新闻").name == "furniture.navigation"
