"""Segmentation: paragraphs, sentences and jieba words, all as spans of the normalised text.

jieba runs with a private :class:`jieba.Tokenizer` (so other users of jieba in the same process
are not affected) and the user dictionary in ``rules/userdict.txt`` plus every gazetteer
name, so that 霍尔果斯, 阿拉山口, 综合保税区 come out as single words.  Only ``jieba.lcut``-style
cutting is used: ``jieba.posseg`` is several times slower and stays out of the hot path.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from functools import cache
from itertools import accumulate

import jieba

from extract.model import Doc, Span
from extract.rules import load_list, rule_path, rules_dir

jieba.setLogLevel(logging.WARNING)

# Sentence ends: 。！？!? and ；(news uses it between full clauses), the ellipsis …… when a
# new sentence follows, and a closing quote right after an end mark belongs to the sentence.
_END = "。！？!?；;"
_CLOSE = "”’」』)）》\"'"


@cache
def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with the project's user words (built once per process)."""
    tk = jieba.Tokenizer()
    tk.initialize()
    user = rule_path("userdict.txt")
    if user.is_file():
        tk.load_userdict(str(user))
    gaz = rules_dir() / "gazetteers"
    if gaz.is_dir():
        for path in sorted(gaz.glob("*.txt")):
            for name in load_list(f"gazetteers/{path.name}"):
                word = name.split("\t")[0].split()[0]
                if 1 < len(word) <= 12:
                    tk.add_word(word, freq=max(tk.suggest_freq(word), 2000))
    return tk


def cut_spans(text: str, base: int = 0) -> list[Span]:
    """jieba words of ``text`` as spans offset by ``base``."""
    spans = []
    pos = base
    for w in tokenizer().cut(text, HMM=True):
        spans.append((pos, pos + len(w)))
        pos += len(w)
    return spans


def paragraphs(text: str) -> list[Span]:
    """Non-empty lines, stripped of surrounding blanks: the normalised text keeps one paragraph a line."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


# Where a sentence can end or a quotation opens or closes: the only characters ``sentences`` must look at.
_SENT_EVENT = re.compile(r"[“「『”」』。！？!?；;]|……")


def sentences(text: str, para: Span) -> list[Span]:
    """Sentences of one paragraph; a quotation stays with the sentence that closes it.

    A regex jumps from one quote or end mark to the next, so only those characters are visited in
    Python (the same decisions as reading every character: all others leave the state unchanged).
    """
    s0, e0 = para
    chunk = text[s0:e0]
    out = []
    depth = 0
    start = 0
    n = len(chunk)
    search = _SENT_EVENT.search
    m = search(chunk)
    while m is not None:
        i = m.start()
        ch = chunk[i]
        if ch in "“「『":
            depth += 1
        elif ch in "”」』":
            if depth:
                depth -= 1
        elif ch in _END or depth == 0:  # an end mark, or …… outside quotes
            ellipsis_only = ch == "…"
            j = m.end()
            while j < n and chunk[j] in _END:
                j += 1
            while j < n and chunk[j] in _CLOSE:
                if chunk[j] in "”」』" and depth:
                    depth -= 1
                j += 1
            if depth == 0 and not (ellipsis_only and j < n and chunk[j] not in "“「"):
                if chunk[start:j].strip():
                    out.append((s0 + start, s0 + j))
                start = j
            m = search(chunk, j)
            continue
        m = search(chunk, i + 1)  # …… inside quotes: a third … may start the next pair
    if chunk[start:].strip():
        out.append((s0 + start, e0))
    return out


def segment(doc: Doc) -> Doc:
    """Fill ``paragraphs``, ``sentences`` and ``tokens`` of a normalised document."""
    text = doc.text
    doc.paragraphs = paragraphs(text)
    doc.sentences = [s for p in doc.paragraphs for s in sentences(text, p)]
    doc.tokens = word_spans(text, doc.paragraphs)
    return doc


def word_spans(text: str, paras: list[Span]) -> list[Span]:
    """jieba words of the paragraphs, cutting the whole text in one call.

    jieba's blocks never cross a line break or a blank, so one call gives exactly the words of
    each paragraph cut on its own, plus the blanks between paragraphs, which are dropped here.
    One call instead of one per paragraph, and spans by running sums instead of a Python loop.
    """
    if not paras:
        return []
    words = tokenizer().lcut(text, HMM=True)
    ends = list(accumulate(map(len, words)))
    spans = list(zip([0, *ends[:-1]], ends, strict=True))
    starts = [s for s, _ in paras]
    keep = []
    for (s, e), w in zip(spans, words, strict=True):
        if w.isspace():
            i = bisect_right(starts, s) - 1
            if i < 0 or s >= paras[i][1]:
                continue  # between paragraphs
        keep.append((s, e))
    return keep
