"""Normalisation: script detection, OpenCC conversion, width."""

from __future__ import annotations

import pytest

from extract.model import Doc
from extract.normalise import detect_script, normalise
from extract.offsets import MappedText

SIMP = "喀什海关统计，2023年喀什外贸进出口总值达836.8亿元，同比增长71.2%。随着共建一带一路深入推进。"
TRAD = "喀什海關統計，2023年喀什外貿進出口總值達836.8億元，同比增長71.2%。隨著共建一帶一路深入推進。"


def norm(text: str) -> Doc:
    return normalise(Doc(source="t", raw=text, mapped=MappedText.identity(text)))


@pytest.mark.parametrize("text,script", [(SIMP, "simplified"), (TRAD, "traditional"),
                                         (SIMP + TRAD, "mixed"), ("abc 123", "simplified")])
def test_detect_script(text, script):
    assert detect_script(text) == script


def test_traditional_and_simplified_versions_come_out_equal():
    a, b = norm(TRAD), norm(SIMP)
    assert a.text == b.text == SIMP
    assert a.script == "traditional" and b.script == "simplified"


def test_simplified_text_is_not_converted():
    text = "乾隆年间的皇后，著名学者著书立说。"  # t2s would touch none of these, tw2s neither
    assert norm(text).text == text


def test_full_width_folded_and_offsets_kept():
    raw = "增長７１．２％，ＧＤＰ"
    doc = norm(raw)
    assert doc.text == "增长71.2%，GDP"
    i = doc.text.index("71.2%")
    assert doc.raw_span(i, i + 5) == (2, 7)
