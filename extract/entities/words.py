"""The word structure the entity rules read: jieba words as a boundary mask, and cheap literal-word scans.

The words tile the text (gaps between paragraphs are words of their own), so one byte per position (1 where a
word starts or ends) is all the rules need: the word around a position, whether a span is a word.  It is made
with array operations, not a loop over the words.  Literal-word alternations (titles, boundary words,
gazetteer names) are tried only where a hashed table of first-character pairs says a word may begin.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from itertools import compress

import numpy as np
import spacy
from spacy.tokens import Doc as SpacyDoc

from extract.model import Doc
from extract.segment import cut_spans
from extract.spans import code_points


class JiebaTokenizer:
    """spaCy tokenizer that cuts with the project's jieba (so phrase patterns split like documents do)."""

    def __init__(self, vocab: spacy.Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> SpacyDoc:
        words = [text[s:e] for s, e in cut_spans(text)]
        return SpacyDoc(self.vocab, words=words, spaces=[False] * len(words))


def word_spans(doc: Doc) -> list[tuple[int, int]]:
    """The jieba words of the document, gaps between paragraphs as words of their own: they tile the text."""
    text = doc.text
    toks = doc.tokens or cut_spans(text)
    fast = _tiling(toks, len(text))
    if fast is not None:
        return fast
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in toks:
        if s > pos:
            out.append((pos, s))
        if e > s:
            out.append((s, e))
        pos = max(pos, e)
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _tiling(toks: list[tuple[int, int]], n: int) -> list[tuple[int, int]] | None:
    """``word_spans`` for the usual case (sorted, non-empty, non-overlapping tuples inside the text, as
    ``segment`` makes them) with the gaps found by C-level comparisons; None for anything else."""
    if not toks or type(toks[0]) is not tuple:
        return None
    starts = [s for s, _ in toks]
    ends = [e for _, e in toks]
    nxt = starts[1:]
    if starts[0] < 0 or ends[-1] > n or not all(map(operator.lt, starts, ends)) or not all(map(operator.le, ends, nxt)):
        return None
    out: list[tuple[int, int]] = [(0, starts[0])] if starts[0] > 0 else []
    prev = 0
    for k in compress(range(len(nxt)), map(operator.ne, ends, nxt)):  # a gap after word k
        out += toks[prev:k + 1]
        out.append((ends[k], nxt[k]))
        prev = k + 1
    out += toks[prev:]
    if ends[-1] < n:
        out.append((ends[-1], n))
    return out


_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


def boundaries(doc: Doc) -> bytearray:
    """A 0/1 byte per text position 0..n: 1 where a word of ``word_spans(doc)`` starts or ends."""
    text = doc.text
    n = len(text)
    cut = doc.word_cut
    if cut is not None and cut.tokens is doc.tokens and doc.tokens and cut.ends[-1] == n:
        return _cut_mask(n, cut.ends, cut.paragraphs)
    toks = doc.tokens or cut_spans(text)
    k = len(toks)
    if k:
        starts = np.fromiter(map(_FIRST, toks), dtype=np.int64, count=k)
        ends = np.fromiter(map(_SECOND, toks), dtype=np.int64, count=k)
        if starts[0] >= 0 and ends[-1] <= n and (starts < ends).all() and (ends[:-1] <= starts[1:]).all():
            return _bounds_mask(n, starts, ends)
    return spans_boundaries(word_spans(doc), n)


def _cut_mask(n: int, ends: list[int], paras: list[tuple[int, int]]) -> bytearray:
    """``boundaries`` from segmentation's word ends of the whole text: every end is a boundary except
    those strictly inside a gap between paragraphs, which ``word_spans`` fills as one word.  (The
    paragraphs start and end on word boundaries, so the words kept are exactly those inside them.)"""
    at = np.fromiter(ends, dtype=np.int64, count=len(ends))
    mask = _bounds_mask(n, at, at)  # (every end is the next word's start: the ends alone are the boundaries)
    last = 0
    for s, e in [*paras, (n, n)]:  # the gap before each paragraph, then the one after the last
        if s > last + 1:
            mask[last + 1:s] = bytes(s - last - 1)
        last = e
    return mask


def spans_boundaries(spans: list[tuple[int, int]], n: int) -> bytearray:
    """``boundaries`` from a list of word spans (a tiling of the text, as ``word_spans`` makes)."""
    arr = np.array(spans, dtype=np.int64).reshape(-1, 2)
    return _bounds_mask(n, arr[:, 0], arr[:, 1])


def _bounds_mask(n: int, starts: np.ndarray, ends: np.ndarray) -> bytearray:
    mask = np.zeros(n + 1, dtype=bool)
    mask[starts] = True
    mask[ends] = True
    mask[0] = mask[n] = True  # the gaps before the first and after the last word are words of their own
    return bytearray(mask.tobytes())


def single_words(bnd: bytearray, n: int) -> bytearray:
    """single[i] == 1: ``(i, i + 1)`` is a word of the boundary mask ``bnd`` (positions 0..n)."""
    b = np.frombuffer(bnd, dtype=bool)
    single = np.zeros(n + 1, dtype=bool)
    single[:n] = b[:n] & b[1:]
    return bytearray(single.tobytes())


def word_starts(bnd: bytearray, may: np.ndarray) -> tuple[list[int], list[int]]:
    """Start and end of every word starting at a position ``p`` < n - 1 where ``may[p]`` (from the boundary
    mask: the words tile the text, so a word ends at the next boundary)."""
    at = np.flatnonzero(np.frombuffer(bnd, dtype=bool))
    k = int(np.searchsorted(at, len(may)))  # the words starting before len(may)
    starts, ends = at[:k], at[1:k + 1]
    sel = may[starts]
    return starts[sel].tolist(), ends[sel].tolist()


def word_at(bnd: bytearray, p: int) -> int:
    """End of the word that starts at ``p``."""
    return bnd.find(1, p + 1)


def codes(text: str) -> np.ndarray:
    """The code points of ``text`` as an array (one C-level conversion shared by the array computations), as
    ``np.intp``: the tables by code point are indexed with it several times a document, and numpy gathers with a
    native index type about twice as fast as with uint32 (which it converts on every gather)."""
    return code_points(text).astype(np.intp)


_PAIR_MASK = (1 << 20) - 1
# A table has about 16 bits per word, 2**16 to 2**20 (8 to 128 KB; gazetteer and dictionary places 32 KB, titles,
# boundary words and currency names 8 KB): each table is read at every position of every document, and in the
# pipeline the other stages push it out of the CPU cache between two documents, so a smaller table costs fewer cold
# reads; at most about 1 bit in 16 set, few false starts are tried (a filter, never a proof: same matches)
_MIN_BITS, _BITS_PER_WORD = 1 << 16, 16


def _pair_hash(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """A hash of two code points (arrays), so one table look-up per position filters where a name may start."""
    return (first.astype(np.int64) * 1000003 + second) & _PAIR_MASK


def pair_bits(words: list[str]) -> np.ndarray:
    """A bit per value of the low bits of ``_pair_hash`` (as many as the table has: see ``_MIN_BITS``), set for
    the first two characters of each word (all of 2+ characters)."""
    assert all(len(w) >= 2 for w in words)
    size = min(max(_MIN_BITS, 1 << (_BITS_PER_WORD * len(words) - 1).bit_length()), _PAIR_MASK + 1) - 1
    firsts = np.array([[ord(w[0]), ord(w[1])] for w in words], dtype=np.int64).reshape(-1, 2)
    bits = np.zeros(size + 1, dtype=bool)
    bits[_pair_hash(firsts[:, 0], firsts[:, 1]) & size] = True
    return np.packbits(bits, bitorder="little")


class Pairs:
    """The ``_pair_hash`` of every two neighbouring characters of a text, split for look-ups in ``pair_bits``."""

    def __init__(self, points: np.ndarray) -> None:
        self.hash = _pair_hash(points[:-1], points[1:])
        self._split: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # table bytes -> (byte, bit mask) per position

    def starts(self, bits: np.ndarray) -> np.ndarray:
        """Per position 0..n-2: True where a word of ``bits`` may begin (its first two characters stand there,
        or collide with them in the hash: a filter, never a proof).  The byte and bit of every position are made
        once a document per table size, so each table costs a gather and an ``and``."""
        split = self._split.get(len(bits))
        if split is None:
            h = self.hash & (len(bits) * 8 - 1)
            split = self._split[len(bits)] = (h >> 3, np.left_shift(1, (h & 7).astype(np.uint8), dtype=np.uint8))
        return (bits[split[0]] & split[1]).astype(bool)


def scan(pattern: re.Pattern[str], bits: np.ndarray, text: str, pairs: Pairs) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for an alternation of literal words of 2+ characters, trying the pattern
    only where ``bits`` says a word may begin: the same matches (non-overlapping, leftmost, longest first), without
    a regex scan of every character."""
    return matches_at(pattern, text, pairs.starts(bits))


def matches_at(pattern: re.Pattern[str], text: str, may: np.ndarray) -> list[re.Match[str]]:
    """The non-overlapping matches of ``pattern`` tried left to right at the positions ``may`` marks (nonzero):
    ``list(pattern.finditer(text))`` when every match starts at a marked position."""
    out = []
    end = 0
    match = pattern.match
    for p in np.flatnonzero(may).tolist():
        if p >= end:
            m = match(text, p)
            if m is not None:
                out.append(m)
                end = m.end()
    return out


@dataclass(frozen=True)
class Literals:
    """Literal words (1+ characters) as one trie regex, with the tables that say where one may start: the
    one-character words as a bool per code point, the first two characters of the longer ones as ``pair_bits``."""

    regex: re.Pattern[str]
    single: np.ndarray
    bits: np.ndarray | None


def literals(words: list[str] | tuple[str, ...] | set[str]) -> Literals:
    """The :class:`Literals` of ``words``."""
    single = np.zeros(0x110000, dtype=bool)  # calloc'd: only the pages of the code points read or set are touched
    single[[ord(w) for w in words if len(w) == 1]] = True
    longer = sorted({w for w in words if len(w) > 1})
    return Literals(re.compile(trie_pattern(words)), single, pair_bits(longer) if longer else None)


def find_literals(lit: Literals, text: str, points: np.ndarray, pairs: Pairs) -> list[re.Match[str]]:
    """``list(lit.regex.finditer(text))``, the regex tried only where a word may start (see :func:`scan`).

    Worth it for word lists whose first characters are common (organisation heads: 中, 公, 人, 会 …): the regex
    engine tries the first characters of the trie one by one at every position holding one; for rarer ones (place
    suffixes, divisions) the plain ``finditer`` is cheaper than the filter."""
    may = lit.single[points]
    if lit.bits is not None and len(points) > 1:
        may[:-1] |= pairs.starts(lit.bits)
    return matches_at(lit.regex, text, may)


def alternation(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """Regex alternation, longest first, so a longer word wins at the same position."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def trie_pattern(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """A regex matching the same as :func:`alternation` (longest word first at each position), written as a trie
    of the words' characters so the regex engine does not try every word at every position."""
    root: dict = {}
    for w in set(words):
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(root)


def _trie_regex(node: dict) -> str:
    """The regex of a trie node: its branches, made optional when a word ends there (greedy: longest first)."""
    branches = [re.escape(ch) + _trie_regex(sub) for ch, sub in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        body = f"(?:{body})?" if len(branches) == 1 and len(body) > 1 else body + "?"
    return body
