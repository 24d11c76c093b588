"""Cleaning rules: every example in rules/clean/clean.toml, plus cases of our own beyond the seeds."""

from __future__ import annotations

import re

import pytest

from extract import clean
from extract.model import Doc
from extract.normalise import normalise
from extract.offsets import MappedText
from extract.rules import load_toml

RULES = load_toml("clean/clean")


def cleaned(raw: str) -> Doc:
    """Run the cleaning and normalisation stages (as the pipeline does) on a string."""
    doc = Doc(source="t", raw=raw)
    clean.clean_chars(doc)
    normalise(doc)
    clean.mark_mojibake(doc)
    clean.clean_lines(doc)
    return doc


# ------------------------------------------------------------------ rule examples (data-driven)

@pytest.mark.parametrize("text", RULES["pinyin"]["examples"])
def test_pinyin_examples_removed(text):
    doc = cleaned(text)
    assert "(" not in doc.text and "（" not in doc.text


@pytest.mark.parametrize("text", RULES["pinyin"]["keep"] + RULES["entities"]["keep"])
def test_pinyin_and_entity_keep(text):
    doc = Doc(source="t", raw=text)
    clean.clean_chars(doc)
    assert doc.text == text


@pytest.mark.parametrize("text", RULES["entities"]["examples"])
def test_entity_examples_decoded(text):
    doc = Doc(source="t", raw=text)
    clean.clean_chars(doc)
    assert not re.search(r"&?[a-z]+;|&#", doc.text), doc.text


@pytest.mark.parametrize("text", RULES["mojibake"]["examples"])
def test_mojibake_examples_found(text):
    assert clean.find_mojibake(text)


@pytest.mark.parametrize("text", RULES["mojibake"]["keep"])
def test_mojibake_keep(text):
    assert clean.find_mojibake(text) == []


@pytest.mark.parametrize("rule", RULES["furniture"], ids=lambda r: r["name"])
def test_furniture_examples(rule):
    for line in rule["examples"]:
        assert clean.furniture_kind(line) is not None, line
    for line in rule.get("keep", []):
        assert clean.furniture_kind(line) is None, line


@pytest.mark.parametrize("case", RULES["metadata"]["examples"], ids=lambda c: c["text"])
def test_metadata_examples(case):
    meta = clean.read_metadata(case["text"])
    for key in ("published", "site", "authors", "editors"):
        if key in case:
            assert meta.get(key) == case[key], key


@pytest.mark.parametrize("line", RULES["captions"]["examples"])
def test_caption_examples(line):
    assert re.search(RULES["captions"]["credit"], line)


@pytest.mark.parametrize("line", RULES["captions"]["keep"])
def test_caption_keep(line):
    assert not re.search(RULES["captions"]["credit"], line)


@pytest.mark.parametrize("case", RULES["joins"]["examples"])
def test_join_examples(case):
    first, second, joined = case
    doc = cleaned(f"{first}\n\n{second}")
    assert doc.text == joined


@pytest.mark.parametrize("case", RULES["joins"]["keep"])
def test_join_keep(case):
    first, second = case
    doc = cleaned(f"{first}\n\n{second}")
    assert doc.text.count("\n") == 1


# ------------------------------------------------------------------ our own cases

def test_pinyin_after_every_character_of_a_traditional_headline():
    doc = cleaned("兩(liǎng)個(gè)市(shì)場(chǎng)的(de)變(biàn)化(huà)")
    assert doc.text == "两个市场的变化"
    assert sum(r.count for r in doc.removed if r.kind == "pinyin") == 7


def test_damaged_entities_without_ampersand_or_semicolon():
    doc = cleaned("他说ldquo;好rdquo;，&ldquo你好&rdquo;&#8230;")
    assert doc.text == "他说“好”，“你好”…"


def test_unknown_entity_left_alone():
    doc = Doc(source="t", raw="A&foo;B")
    clean.clean_chars(doc)
    assert doc.text == "A&foo;B"


def test_width_digits_letters_percent_and_punctuation():
    doc = cleaned("增长７１．２％，ＧＤＰ达１，２３４亿元,同比增长?")
    assert doc.text == "增长71.2%，GDP达1，234亿元，同比增长？"


def test_ascii_punctuation_between_digits_kept():
    doc = cleaned("比分3:2，金额1,234元，时间10:30")
    assert "3:2" in doc.text and "1,234" in doc.text and "10:30" in doc.text


def test_mojibake_marked_not_removed_and_question_marks_kept():
    raw = "能够?qū)崿F“门到门”。发展?怎样推动"
    doc = cleaned(raw)
    spans = [r for r in doc.removed if r.kind == "mojibake"]
    assert len(spans) == 1
    assert "崿" in doc.text  # kept in the text, only marked
    assert "发展？怎样" in doc.text  # a real question mark is not mojibake


def test_replacement_character_and_private_use_are_corrupt():
    assert clean.find_mojibake("正常文字\ufffd\ufffd后面")
    assert clean.find_mojibake("正常\ue368文字")


def test_furniture_lines_dropped_article_kept():
    raw = ("首页 > 新闻 > 正文\n\n标题在这里\n\n文字放大 文字缩小\n\n正文第一段，内容很重要。"
           "\n\n分享到：微信 微博\n\n责任编辑：张三")
    doc = cleaned(raw)
    assert doc.text == "标题在这里\n正文第一段，内容很重要。"
    assert doc.editors == ["张三"]


def test_caption_after_image_line_is_marked():
    raw = "正文一段，说明情况。\n\nIMG_20230101123456.jpg\n\n3月1日，货车在口岸排队。\n\n正文第二段，继续说明。"
    doc = cleaned(raw)
    assert "IMG_" not in doc.text
    [(s, e)] = doc.captions
    assert doc.text[s:e] == "3月1日，货车在口岸排队。"


def test_metadata_line_read_then_dropped():
    doc = cleaned("一篇报道的标题\n发布时间：2023年10月24日 09:30 来源：新华网\n正文内容如下，很长很长。")
    assert doc.published == "2023-10-24T09:30:00"
    assert doc.site == "新华网"
    assert "发布时间" not in doc.text


def test_broken_word_joined_but_not_repeated_block():
    first = "紧邻口岸的一家公司厂房内机械轰鸣，一粒粒葵花籽经过加"
    cont = "工，变身为葵仁、食用油等产品。"
    doc = cleaned(f"{cont}\n\n{first}\n\n{cont}")
    assert doc.text.split("\n") == [cont, first, cont]  # the continuation repeats an earlier block
    doc = cleaned(f"{first}\n\n{cont}")
    assert doc.text == first + cont


def test_real_paragraph_end_without_full_stop_not_joined():
    a = "下一步，将推动15项支持措施落地见效，加快形成全面开放格局"
    b = "据悉，15条举措重点围绕四个方面展开。"
    assert cleaned(f"{a}\n{b}").text == f"{a}\n{b}"


def test_markdown_heading_marks_stripped():
    assert cleaned("# 标题\n\n## ——副标题\n\n### 小节").text == "标题\n——副标题\n小节"


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


def test_mapped_text_identity_roundtrip():
    mt = MappedText.identity("abc")
    assert mt.raw_span(0, 3) == (0, 3) and mt.raw_span(1, 1) == (1, 1)
