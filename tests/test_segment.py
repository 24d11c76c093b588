"""Segmentation: words cover the text; FastTokenizer cuts exactly like stock jieba.

What sentences and user words give, with whole answers, is in rules/segment/corpus.toml
(tests/test_corpora.py).  FastTokenizer must cut exactly like a stock jieba.Tokenizer with the same
words: compared on the corpus, on tricky input and on random text (dictionary words, rare and
traditional characters, digits, ASCII, punctuation, blanks), in every cutting mode the overrides touch.
"""

from __future__ import annotations

from functools import cache
from itertools import accumulate
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jieba import finalseg

from extract.jieba_fast import _WALL, FastTokenizer, _pieces, _viterbi_ends, _viterbi_tags, _viterbi_words, hmm_model
from extract.lexicon import load_user_words, stock_tokenizer, tokenizer
from extract.segment import cut_spans

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_cut_spans_cover_the_text():
    text = "喀什海关物流监管处副处长张力介绍，2023年累计监管260余辆次。"
    spans = cut_spans(text, 5)
    assert spans[0][0] == 5 and spans[-1][1] == 5 + len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))


# ----------------------------------------------------------------------------- FastTokenizer = jieba

WORDS = (
    *("霍尔果斯", "阿拉山口", "综合保税区", "中欧班列", "口岸", "经济", "进出口", "货运量", "同比增长"),
    *("自治区", "商务厅", "副厅长", "新疆", "乌鲁木齐", "多式联运", "哈萨克斯坦", "一带一路", "发展", "中国"),
)
CHARS = (
    "新疆霍尔果斯口岸进出口货运量同比增长亿万千百元吨公里列辆人次年月日的了是在和与从发展经济区中欧班列"
    "阿拉山口综合保税区乌鲁木齐哈萨克斯坦喀什海关物流监管处副处长张力介绍累计余辆次"
    "網絡貨運億萬與從發臺灣著這經濟開關烏魯齊聯運龍鐵"  # traditional: mostly left to the HMM
    "丄丅丏両鿕伈侭俛"  # unknown to the HMM (ties between its states), some also to the dictionary
    "㐀𠀀鿖鿿"  # outside jieba's Han range \u4e00-\u9fd5
)
OTHER = "0123456789０１２３４５６７８９abcXYZ.+#&_%-@/:,，。、；：？！“”‘’（）《》…—· \t\n\r\u3000"

TRICKY = [
    "",
    " ",
    "\r\n",
    "\r\n\r\n \t\u3000",
    "a",
    "。",
    "中",
    "的的的的的的",
    "哈哈哈哈哈哈哈",
    "霍尔果斯口岸2023年进出口货运量达3,500.5万吨，同比增长12.3%。",
    "GDP增长5.2%，C++和C#语言，e-mail地址abc_def.ghi@x.com",
    "1.5亿元3.14e100",
    "２０２３年ＡＢＣ",
    "烏魯木齊多式聯運加快發展:截至目前,圍繞烏魯木齊多式聯運中心",
    "阿拉山口岸综合保税区中欧班列班列",
    "㐀㐁𠀀𠀁鿖鿗中国",
    "丄丅丏両鿕伈侭俛丄中国丅",
    "乌鲁木齐的哈萨克斯坦努尔苏丹",
    "新疆\r\n\r\n霍尔果斯  口岸\t\t经济\n",
    "他问：“什么是黄金通道？”大家都笑了……",
    "在霍尔果斯，货物通关效率不断提升。" * 20,
]


@cache
def stock() -> jieba.Tokenizer:
    return stock_tokenizer()


def same_words(text: str, **kw) -> None:
    assert tokenizer().lcut(text, **kw) == stock().lcut(text, **kw)


def test_tokenizer_is_the_fast_subclass_with_the_same_dictionary():
    tk = tokenizer()
    assert isinstance(tk, FastTokenizer)
    assert tk.FREQ == stock().FREQ and tk.total == stock().total


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*")), ids=lambda p: p.name)
def test_same_words_as_jieba_on_the_corpus(path):
    text = path.read_bytes().decode("utf-8", errors="replace")
    same_words(text)
    assert list(tokenizer().cut(text)) == stock().lcut(text)


@pytest.mark.parametrize("text", TRICKY)
def test_same_words_as_jieba_on_tricky_input(text):
    for kw in ({}, {"HMM": False}, {"cut_all": True}):
        same_words(text, **kw)
    assert list(tokenizer().tokenize(text)) == list(stock().tokenize(text))
    assert tokenizer().lcut(text.encode("utf-8")) == stock().lcut(text.encode("utf-8"))


def test_same_words_as_jieba_with_lone_surrogates():
    """Undecodable bytes kept as lone surrogates are walls, as jieba sees them (no encoding error)."""
    same_words("霍尔果斯\udcff口岸\ud800中欧班列𠀀经济\udfff")


piece = st.one_of(st.sampled_from(WORDS), st.sampled_from(CHARS), st.sampled_from(OTHER), st.text(max_size=3))


@settings(max_examples=400, deadline=None)
@given(st.lists(piece, max_size=40).map("".join))
def test_same_words_as_jieba_on_random_text(text):
    same_words(text)


def test_walls_are_exactly_the_characters_outside_jiebas_blocks():
    for c in map(chr, range(0x10000)):
        assert (_WALL.fullmatch(c) is None) == (jieba.re_han_default.fullmatch(c) is not None), hex(ord(c))
    assert _WALL.fullmatch("\U00020000")  # outside the BMP: never in a block


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(piece, st.just("\r\n"), st.just("\r")), max_size=40).map("".join),
       st.integers(min_value=1, max_value=12))
def test_long_texts_cut_in_pieces_give_the_same_words(text, window):
    """A huge article is cut piece by piece (bounded memory): the pieces join to the text and give its words."""
    pieces = list(_pieces(text, window))
    assert "".join(pieces) == text
    ends: list[int] = []
    base = 0
    for p in pieces:
        ends += [base + e for e in tokenizer()._piece_ends(p)]
        base += len(p)
    assert [text[a:b] for a, b in zip([0, *ends], ends, strict=False)] == stock().lcut(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(piece, max_size=30).map("".join))
def test_same_words_as_jieba_without_hmm_and_cut_all(text):
    same_words(text, HMM=False)
    same_words(text, cut_all=True)


def test_words_added_after_cutting_are_seen():
    """The score table follows add_word, also with freq 0 (a forced split, global in finalseg)."""
    fast, ref = load_user_words(FastTokenizer()), load_user_words(jieba.Tokenizer())
    text = "口岸经济观察：乌鲁木齐的哈萨克斯坦努尔苏丹货运量同比增长。烏魯木齊多式聯運加快發展"
    assert fast.lcut(text) == ref.lcut(text)
    try:
        for word, freq in (("口岸经济观察", 100000), ("努尔苏丹", None), ("货运量", 0), ("聯運", 0)):
            fast.add_word(word, freq)
            ref.add_word(word, freq)
            assert fast.lcut(text) == ref.lcut(text)
            assert fast.lcut(text, HMM=False) == ref.lcut(text, HMM=False)
    finally:
        finalseg.Force_Split_Words.difference_update({"货运量", "聯運"})


coarse_probs = st.lists(st.sampled_from([0.0, -1.0, -2.0, -3.14e100]), min_size=36, max_size=36)


def coarse_model(probs: list[float]) -> tuple[dict, dict, dict]:
    """finalseg's (start, trans, emit) from 36 coarse log-probabilities: ties are common ("w" has no emission)."""
    start = dict(zip("BMES", probs[:4], strict=True))
    trans = {a: dict(zip("BMES", probs[4 + 4 * i : 8 + 4 * i], strict=True)) for i, a in enumerate("BMES")}
    emit = {y: dict(zip("xyz", probs[20 + 4 * i : 23 + 4 * i], strict=True)) for i, y in enumerate("BMES")}
    return start, trans, emit


@settings(max_examples=300, deadline=None)
@given(coarse_probs, st.text(alphabet="xyzw", min_size=1, max_size=12))
def test_viterbi_is_finalseg_viterbi_also_on_ties(probs, obs):
    """Coarse random models make ties common: every one must go the way finalseg's max goes ("w" has no emission)."""
    start, trans, emit = coarse_model(probs)
    _, path = finalseg.viterbi(obs, "BMES", start, trans, emit)
    assert ["BMES"[t] for t in _viterbi_tags(obs, hmm_model(start, trans, emit))] == path


@settings(max_examples=300, deadline=None)
@given(coarse_probs, st.text(alphabet="xyzw", min_size=1, max_size=12))
def test_viterbi_words_are_finalseg_cut_also_on_odd_paths(probs, obs):
    """Words read off the back pointers = finalseg's ``__cut`` on its path, even one starting with M or E."""
    start, trans, emit = coarse_model(probs)
    _, path = finalseg.viterbi(obs, "BMES", start, trans, emit)
    words, begin, nexti = [], 0, 0
    for i, tag in enumerate(path):  # finalseg.__cut
        if tag == "B":
            begin = i
        elif tag == "E":
            words.append(obs[begin : i + 1])
            nexti = i + 1
        elif tag == "S":
            words.append(obs[i])
            nexti = i + 1
    if nexti < len(obs):
        words.append(obs[nexti:])
    assert _viterbi_words(obs, hmm_model(start, trans, emit)) == words
    ends: list[int] = [7]
    _viterbi_ends(obs, hmm_model(start, trans, emit), 3, ends)  # the ends alone, offset, appended
    assert ends == [7, *(3 + e for e in accumulate(map(len, words)))]


def test_sentences_of_a_paragraph_with_thousands_of_marks_inside_quotes():
    """Ellipses inside quotes make the mark scan start anew each time: a loop, so no paragraph is too long."""
    from extract.segment import sentences

    text = "他说：“" + "……" * 3000 + "”然后走了。下一句。"
    assert sentences(text, (0, len(text))) == [(0, len(text) - 4), (len(text) - 4, len(text))]
