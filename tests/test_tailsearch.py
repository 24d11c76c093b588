"""The fast paths of the text stages give what the plain regex gives (hypothesis).

extract/tailsearch.py searches an end-anchored pattern from the trailing run of the characters it consumes;
the passages' pieces come from one match each; sentences are read in one scan of a paragraph.  Each is
checked here against the plain way on text made of the characters the rules care about.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import clean, datelines, passages, segment
from extract.spans import paragraphs
from extract.tailsearch import tail_search

CREDIT_CHARS = "记者张三李四王摄影通讯员师新华社供图、，,/／|｜)）。·a1 \n"
PIECE_CHARS = "aBΣİẞＡ文字1😀。！？!?；;…”’」』)）》】\"' \n\u3000,."
SENTENCE_CHARS = "。！？!?；;”’」』)）》\"'“「『……文 a\n"


def _same(tail, text: str) -> None:
    a, b = tail.pattern.search(text), tail.search(text)
    assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=CREDIT_CHARS, max_size=30))
def test_tail_search_finds_the_leftmost_match(text):
    for tail in (clean._line_rules().credit, clean._line_rules().sentence_end, datelines._rules().photo):
        _same(tail, text)


def test_tail_search_leaves_other_patterns_alone():
    assert tail_search(r"a.b$").run is None  # '.' consumes anything
    assert tail_search(r"[^a]+$").run is None
    assert tail_search(r"(?m)a$").run is None
    assert tail_search(r"ab").run is None  # not anchored at the end


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=PIECE_CHARS, max_size=30))
def test_pieces_off_the_table_are_the_pattern_pieces(text):
    rules, paras = passages.passage_rules(), paragraphs(text)
    got = [(p.start, p.end, p.para, p.key, p.ends) for p in passages._pieces(text, paras, rules.piece)]
    want = []
    for i, (s, e) in enumerate(paras):
        for m in rules.piece.finditer(text, s, e):
            a, c = m.span(1)
            if a < c:
                want.append((a, c, i, passages.key(text[a:c]), m.end(2) >= 0))
    assert got == want


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=SENTENCE_CHARS, max_size=30))
def test_sentences_split_where_a_character_walk_splits(text):
    k = segment.sentence_marks()
    for para in paragraphs(text):
        assert segment.sentences(text, para) == _walk(text, para, k)


def _walk(text: str, para: tuple[int, int], k: segment.SentenceMarks) -> list[tuple[int, int]]:
    """Sentence splitting by reading every character (the definition the scan must keep)."""
    s0, e0 = para
    out, depth, start, i = [], 0, s0, s0
    ell = re.escape(k.ellipsis)
    while i < e0:
        ch = text[i]
        is_ell = re.match(ell, text[i:e0]) is not None
        if ch in k.quote_open:
            depth += 1
        elif ch in k.quote_close:
            depth -= 1 if depth else 0
        elif ch in k.end or (is_ell and depth == 0):
            j = i + (len(k.ellipsis) if ch not in k.end else 1)
            while j < e0 and text[j] in k.end:
                j += 1
            while j < e0 and text[j] in k.close:
                if text[j] in k.quote_close and depth:
                    depth -= 1
                j += 1
            if depth == 0 and not (ch == k.ellipsis[0] and j < e0 and text[j] not in k.after_ellipsis):
                if text[start:j].strip():
                    out.append((start, j))
                start = j
            i = j
            continue
        i += 1
    if text[start:e0].strip():
        out.append((start, e0))
    return out
