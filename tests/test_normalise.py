"""Normalisation: offsets.  What each rule does (width, punctuation, script, OpenCC), with whole
answers, is in rules/normalise/corpus.toml (tests/test_corpora.py)."""

from __future__ import annotations

import pytest
from conftest import CORPUS, SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import normalise as normalise_mod
from extract.model import Doc
from extract.normalise import fold_width, normalise
from extract.offsets import MappedText

DEV = SHARED / "dev" / "articles"


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


# ---------------------------------------------------------------- OpenCC on the changing pieces only

# Traditional characters and phrases (發展, 著名 and 乾隆 are phrase keys), key characters that never
# change, characters in no key, line breaks and the NUL that ends OpenCC's input.
_MIXED = "發展著名乾隆隨口岸國際貿易的一二三ABC12 ，。\n後臺面裡於\x00"


def test_the_key_table_fits_the_installed_opencc():
    if normalise_mod._key_tables() is None:
        pytest.skip("rules/normalise/opencc_keys.toml was made from another opencc: run tools/gen_opencc_keys.py")
    pieces = normalise_mod._changing_pieces("口岸發展，一二三著名", normalise_mod._key_tables())
    assert pieces and all(a < b for a, b in pieces)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MIXED, max_size=80))
def test_converting_the_changing_pieces_equals_converting_the_whole_text(text):
    assert normalise_mod._converted(text) == normalise_mod.converter(normalise_mod.T2S).convert(text)


def test_converting_the_pieces_of_the_sample_articles_equals_the_whole_text():
    conv = normalise_mod.converter(normalise_mod.T2S)
    for path in sorted(CORPUS.glob("*.txt")) + sorted(DEV.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert normalise_mod._converted(text) == conv.convert(text), path.name
        assert normalise_mod._converted(text + normalise_mod._SEP) == conv.convert(text + normalise_mod._SEP)
