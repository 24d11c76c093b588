"""Segmentation: paragraphs, sentences and jieba words, all as spans of the normalised text.

Words come from the project's tokenizer (:mod:`extract.lexicon`: jieba's dictionary plus the user
words of ``rules/segment/userdict.txt`` and every gazetteer name, cut by
:class:`extract.jieba_fast.FastTokenizer`, exactly stock jieba's words at a lower cost).  Only
``jieba.lcut``-style cutting is used: ``jieba.posseg`` is several times slower and stays out of
the hot path.  Sentences are split on the marks of ``rules/segment/segment.toml``, aware of
quotations and ellipses.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache
from itertools import chain
from typing import NamedTuple

from extract.lexicon import stock_tokenizer, tokenizer
from extract.model import Doc, Span, WordCut
from extract.rules import load_toml
from extract.spans import paragraphs

# Other modules and the benchmarks reach the tokenizer and the paragraph splitter through this stage.
__all__ = ["cut_spans", "paragraphs", "segment", "sentences", "stock_tokenizer", "tokenizer", "word_spans"]


def cut_spans(text: str, base: int = 0) -> list[Span]:
    """jieba words of ``text`` as spans offset by ``base``."""
    ends = [base + e for e in tokenizer().cut_ends(text)]
    return list(zip([base, *ends], ends, strict=False))


class SentenceMarks(NamedTuple):
    """The marks sentence splitting reads (``rules/segment/segment.toml``), one string of characters each."""

    end: str  # a run of these ends a sentence
    close: str  # closing marks after the end marks stay with the sentence
    quote_open: str  # no sentence ends inside a quotation
    quote_close: str
    ellipsis: str  # ends a sentence outside quotes only at the paragraph's end or before ``after_ellipsis``
    after_ellipsis: str
    events: re.Pattern[str]  # every character above that changes the state: the only ones visited


@cache
def sentence_marks() -> SentenceMarks:
    r = load_toml("segment/segment")["sentence"]
    marks = r["end"]["marks"] + r["quote"]["open"] + r["quote"]["close"]
    # "[marks]|……" written to start with one character class: the regex engine then skips to the candidates
    # instead of trying the alternation at every character (the look-behinds tell which branch it was).
    ellipsis, marks = r["ellipsis"]["mark"], re.escape(marks)
    events = re.compile(f"[{marks}{re.escape(ellipsis[0])}](?:(?<=[{marks}])|(?<={re.escape(ellipsis[0])})"
                        f"{re.escape(ellipsis[1:])})")
    return SentenceMarks(r["end"]["marks"], r["close"]["marks"], r["quote"]["open"], r["quote"]["close"],
                         r["ellipsis"]["mark"], r["ellipsis"]["before"], events)


def sentences(text: str, para: Span) -> list[Span]:
    """Sentences of one paragraph; a quotation stays with the sentence that closes it.

    A regex jumps from one quote or end mark to the next, so only those characters are visited in
    Python (the same decisions as reading every character: all others leave the state unchanged).
    """
    out: list[Span] = []
    _sentences_into(text, para, sentence_marks(), out)
    return out


def _sentences_into(text: str, para: Span, k: SentenceMarks, out: list[Span]) -> None:
    """Add the sentences of the paragraph ``para`` to ``out``.

    One scan for the marks (those an end run took are passed over), not a search per mark and no copy of the
    paragraph; where the scan would step over a mark a search from a given place would find, it starts anew from
    there (a loop, not a recursion: no paragraph is too long for the stack).
    """
    start = pos = para[0]
    e0, depth = para[1], 0
    quote_open, quote_close, end, close = k.quote_open, k.quote_close, k.end, k.close  # (locals: read per mark)
    while True:
        j = pos  # where the last end run stopped: marks before it are taken
        for m in k.events.finditer(text, pos, e0):
            i = m.start()
            if i < j:
                if m.end() > j:  # a mark across the end of the run: read on from the run's end
                    pos = j
                    break
                continue
            ch = text[i]
            if ch in quote_open:
                depth += 1
            elif ch in quote_close:
                if depth:
                    depth -= 1
            elif ch in end or depth == 0:  # an end mark, or an ellipsis outside quotes
                j = m.end()
                while j < e0 and text[j] in end:
                    j += 1
                while j < e0 and text[j] in close:
                    if text[j] in quote_close and depth:
                        depth -= 1
                    j += 1
                if depth == 0 and not (ch == k.ellipsis[0] and j < e0 and text[j] not in k.after_ellipsis):
                    if text[start:j].strip():
                        out.append((start, j))
                    start = j
            elif k.events.match(text, i + 1, e0):  # an ellipsis inside quotes: a third … may start the next pair
                pos = i + 1
                break
        else:
            break
    if text[start:e0].strip():
        out.append((start, e0))


def segment(doc: Doc) -> Doc:
    """Fill ``paragraphs``, ``sentences`` and ``tokens`` of a normalised document."""
    text = doc.text
    doc.paragraphs = paragraphs(text)
    k, sents = sentence_marks(), []
    for para in doc.paragraphs:  # (one list for all: no list made per paragraph)
        _sentences_into(text, para, k, sents)
    doc.sentences = sents
    ends = tokenizer().cut_ends(text) if doc.paragraphs else []
    doc.tokens = word_spans(text, doc.paragraphs, ends)
    doc.word_cut = WordCut(doc.tokens, doc.paragraphs, ends)
    return doc


def word_spans(text: str, paras: list[Span], ends: list[int] | None = None) -> list[Span]:
    """jieba words of the paragraphs, cutting the whole text in one call.

    jieba's blocks never cross a line break or a blank, so one call gives exactly the words of
    each paragraph cut on its own, plus the blanks between paragraphs, and every paragraph
    starts and ends on a word boundary: its words are one slice of the list.  One call instead
    of one per paragraph, spans from the word ends (no word strings) and slices instead of a
    Python loop per word.  ``ends``: ``cut_ends(text)`` when the caller has it.
    """
    if not paras:
        return []
    if ends is None:
        ends = tokenizer().cut_ends(text)
    spans = list(zip(chain((0,), ends), ends, strict=False))  # a start is the previous end (one int object)
    if len(paras) == 1 and paras[0] == (0, len(text)):
        return spans
    starts = [0, *ends[:-1]]  # the spans' starts, without a Python step per word
    keep: list[Span] = []
    for s, e in paras:
        keep += spans[bisect_left(starts, s):bisect_left(starts, e)]
    return keep
