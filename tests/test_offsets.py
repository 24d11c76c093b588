"""The one offset map: every normalised span maps back to the raw span it came from.

Property: for random mixes of traditional text, pinyin annotations, HTML entities and
full-width variants, cleaning + normalising ``raw[raw_start:raw_end]`` on its own gives back
exactly the normalised span, i.e. the raw span holds the same characters modulo conversion.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import clean
from extract.model import Doc
from extract.normalise import normalise
from extract.offsets import MappedText

TRAD = "國網個場關處長張經濟發體區東車門時間數學貿運輸"
SIMP = "国人大中市口岸新疆的了在是有"
PINYIN = ["(guó)", "(wǎng)", "(gè)", "(chǎng)", "(de)"]
ENTITIES = ["&ldquo;", "&rdquo;", "&amp;", "&#8230;", "&middot;"]
WIDE = "０１２３４５６７８９ＡＢＣａｂｃ％"

atom = st.one_of(
    st.tuples(st.sampled_from(TRAD), st.sampled_from(PINYIN)).map("".join),
    st.sampled_from(TRAD),
    st.sampled_from(SIMP),
    st.sampled_from(ENTITIES),
    st.sampled_from(WIDE),
    st.sampled_from("0123456789%"),
)


def normalised(raw: str) -> Doc:
    doc = Doc(source="t", raw=raw)
    clean.clean_chars(doc)
    return normalise(doc)


@settings(max_examples=150, deadline=None)
@given(st.lists(atom, min_size=1, max_size=40), st.data())
def test_every_span_maps_back_to_its_raw_characters(atoms, data):
    raw = "".join(atoms)
    doc = normalised(raw)
    n = len(doc.text)
    a = data.draw(st.integers(0, n - 1))
    b = data.draw(st.integers(a + 1, n))
    rs, re_ = doc.raw_span(a, b)
    assert 0 <= rs < re_ <= len(raw)
    assert normalised(raw[rs:re_]).text == doc.text[a:b]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_raw_spans_always_valid(raw):
    doc = Doc(source="t", raw=raw)
    clean.clean_chars(doc)
    normalise(doc)
    clean.mark_mojibake(doc)
    clean.clean_lines(doc)
    n = len(doc.text)
    for i in range(n):
        rs, re_ = doc.raw_span(i, i + 1)
        assert 0 <= rs <= re_ <= len(raw)
    for s, e in doc.captions:
        assert 0 <= s < e <= n


@settings(max_examples=100, deadline=None)
@given(st.lists(atom, min_size=1, max_size=40), st.data())
def test_raw_spans_of_many_are_raw_span_of_each(atoms, data):
    """The batch look-up the record stages use gives what ``raw_span`` gives span by span, empty and
    out-of-range spans included (those take the one-by-one path)."""
    doc = normalised("".join(atoms))
    n = len(doc.text)
    pairs = data.draw(st.lists(st.tuples(st.integers(-2, n + 2), st.integers(-2, n + 2)), max_size=12))
    inside = [(a, b) for a, b in pairs if 0 <= a < b <= n]
    for spans in (pairs, inside):
        starts, ends = [a for a, _ in spans], [b for _, b in spans]
        assert doc.mapped.raw_spans(starts, ends) == [doc.raw_span(a, b) for a, b in spans]


def test_rewrite_same_length_keeps_char_map():
    mt = MappedText.identity("abcdef").rewrite([(1, 3, "XY")])
    assert mt.text == "aXYdef"
    assert mt.raw_span(1, 2) == (1, 2) and mt.raw_span(2, 3) == (2, 3)


def test_rewrite_other_length_maps_to_whole_source():
    mt = MappedText.identity("a&amp;b").rewrite([(1, 6, "&")])
    assert mt.text == "a&b" and mt.raw_span(1, 2) == (1, 6) and mt.raw_span(2, 3) == (6, 7)


def test_deletions_compose_and_spans_from_raw():
    mt = MappedText.identity("0123456789").delete_spans([(2, 4)]).delete_spans([(0, 1)])
    assert mt.text == "1456789"
    assert mt.raw_span(0, 2) == (1, 5)
    assert mt.spans_from_raw([(4, 6)]) == [(1, 3)]
    assert mt.spans_from_raw([(2, 4)]) == []
