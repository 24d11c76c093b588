"""Normalisation: offsets.  What each rule does (width, punctuation, script, OpenCC), with whole
answers, is in rules/normalise/corpus.toml (tests/test_corpora.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.model import Doc
from extract.normalise import fold_width, normalise
from extract.offsets import MappedText


def norm(text: str) -> Doc:
    return normalise(Doc(source="t", raw=text, mapped=MappedText.identity(text)))


def test_full_width_folded_and_offsets_kept():
    raw = "增長７１．２％，ＧＤＰ"
    doc = norm(raw)
    assert doc.text == "增长71.2%，GDP"
    i = doc.text.index("71.2%")
    assert doc.raw_span(i, i + 5) == (2, 7)


def test_traditional_phrases_map_back_to_their_raw_characters():
    raw = "隨著口岸發展"
    doc = norm(raw)
    i = doc.text.index("发展")
    assert raw[slice(*doc.raw_span(i, i + 2))] == "發展"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="０１９Ａｚ％＋．－，,?!:;()1a中“》 ", max_size=30))
def test_width_and_punctuation_keep_every_character_in_place(text):
    mt = fold_width(MappedText.identity(text))
    assert len(mt.text) == len(text) and fold_width(mt).text == mt.text
