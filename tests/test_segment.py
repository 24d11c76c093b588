"""Segmentation: sentences aware of quotes and ellipses; jieba with the rules/ user words."""

from __future__ import annotations

import pytest

from extract.segment import cut_spans, paragraphs, sentences


def sents(text: str) -> list[str]:
    return [text[a:b] for p in paragraphs(text) for a, b in sentences(text, p)]


def test_closing_quote_stays_with_its_sentence():
    text = "“口岸是新疆外贸发展的生命线。”自治区商务厅副厅长李轩说。下一句。"
    assert sents(text) == ["“口岸是新疆外贸发展的生命线。”", "自治区商务厅副厅长李轩说。", "下一句。"]


def test_question_inside_quote_does_not_split():
    text = "他问：“什么是黄金通道？通而不畅，不能叫黄金通道。”大家都笑了。"
    assert sents(text) == ["他问：“什么是黄金通道？通而不畅，不能叫黄金通道。”", "大家都笑了。"]


def test_ellipsis_inside_sentence_and_before_quote():
    text = "如何打通堵点痛点、提升口岸质效……对标新一年发展目标。“绿色通道”“预约通关”……行走在口岸。"
    assert sents(text) == ["如何打通堵点痛点、提升口岸质效……对标新一年发展目标。", "“绿色通道”“预约通关”……行走在口岸。"]


def test_paragraphs_are_lines_and_last_sentence_without_stop():
    text = "第一段。第二句\n  第二段没有句号  \n"
    assert sents(text) == ["第一段。", "第二句", "第二段没有句号"]


@pytest.mark.parametrize("word", ["霍尔果斯", "阿拉山口", "综合保税区", "中欧班列"])
def test_user_dictionary_keeps_domain_words_whole(word):
    text = f"在{word}，货物通关效率不断提升。"
    assert word in [text[a:b] for a, b in cut_spans(text)]


def test_cut_spans_cover_the_text():
    text = "喀什海关物流监管处副处长张力介绍，2023年累计监管260余辆次。"
    spans = cut_spans(text, 5)
    assert spans[0][0] == 5 and spans[-1][1] == 5 + len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
