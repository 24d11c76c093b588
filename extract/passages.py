"""Repeated passages inside a document: the ``passages`` stage.

Page extraction repeats whole blocks, single paragraphs and fragments of broken paragraphs.  The
text is cut into *pieces*: at every sentence end (。！？；… with the closing quotes after it) and at
every line break.  A *sentence* runs from one sentence end to the next, across a line break that
ends none (a line broken mid-sentence).  Pieces, sentences and paragraphs are compared on their
*key* (letters and digits only, lower-cased), so punctuation width, spaces and a broken line cannot
hide a repeat.

Each piece, in text order, is looked up among the pieces, sentences and paragraphs met before it
for the first time (:class:`_Seen`: hash lookups, and a head or tail check through fixed-length
anchors; never a comparison of every pair, so the cost is linear in the text).  A piece is
*exact* when its key, or its whole sentence's key, is the key of an earlier one; *part* when it is
the head or tail of an earlier one (a fragment of a line broken elsewhere); *seen* when it is a
short piece met before; *new* otherwise.

A run of consecutive pieces none of which is new is a repeated passage when it holds an exact
piece (it repeats a whole sentence).  It is removed whole or not at all: whole paragraphs, or the
head or tail of a paragraph when the run is long enough, never the middle of a paragraph and never
a part of a piece.  The first copy always stays.  Then two paragraph rules: a *near* repeat (a
paragraph differing from an earlier one by a few characters, with the same numbers; candidates
found through a bottom-k sketch of its 4-grams) goes, or the earlier copy goes when it is the
corrupted one; and a paragraph whose every piece stands in a strictly larger paragraph goes (a
fragment of a passage given whole elsewhere).  The rules and thresholds are
``rules/passages/passages.toml``.  Deletions go through ``MappedText.delete_spans`` and each is
recorded in ``doc.removed`` with its rule.

Near-duplicate *documents* (versions of one article) are :mod:`extract.dedup`'s, on the same key.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from typing import NamedTuple

import numpy as np

from extract.model import Doc, Removed, Span
from extract.rules import load_toml
from extract.spans import bmp_chars, code_points, merge_spans, paragraphs

_WORD_RUN = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+")
BUCKET = 8  # keys kept per anchor and paragraphs per sketch value: bounds the work per piece
SKETCH = 8  # the smallest 4-gram hashes that stand for a paragraph in the near-repeat index
RATIO_MAX_KEY = 4000  # longer paragraphs are compared on their 4-gram sets, not difflib's quadratic ratio

NEW, EXACT, PART, SEEN, EMPTY = range(5)


def key(text: str) -> str:
    """Letters and digits only, lower-cased: what a repeat is compared on (joining the word runs: a little
    faster than deleting the others)."""
    return "".join(_WORD_RUN.findall(text)).lower()


class PassageRules(NamedTuple):
    """rules/passages/passages.toml: thresholds in key characters, the sentence ends, and the rule names."""

    min_exact: int
    min_contain: int
    min_near: int
    near_ratio: float
    min_affix: int
    min_part: int
    part_end: frozenset[str]
    end: re.Pattern[str]  # a sentence end: terminators, then closing quotes and brackets
    piece: re.Pattern[str]  # blanks, then a piece (group 1): up to and including its sentence end (group 2)
    names: dict[str, str]  # table -> rule name: exact, contained, near, near_corrupt, tail, head, part


@cache
def passage_rules() -> PassageRules:
    r = load_toml("passages/passages")
    names = {t: r[t]["name"] for t in ("exact", "contained", "near", "near_corrupt", "part")}
    names.update(tail=r["affix"]["tail"]["name"], head=r["affix"]["head"]["name"])
    s = r["sentences"]
    ends, closers = re.escape(s["end"]), re.escape(s["closers"])
    end = re.compile(f"[{ends}]+[{closers}]*")
    piece = re.compile(rf"\s*([^{ends}]*([{ends}]+[{closers}]*)?)")
    return PassageRules(r["exact"]["min_key"], r["contained"]["min_key"], r["near"]["min_key"], r["near"]["ratio"],
                        r["affix"]["min_key"], r["part"]["min_key"], frozenset(r["part"]["sentence_end"]), end,
                        piece, names)


@dataclass(slots=True)
class Drop:
    """A paragraph, or the part of one, to delete: where, which paragraph, by which rule and why."""

    start: int
    end: int
    para: int
    rule: str
    note: str
    whole: bool  # the whole paragraph (also delete its line break)


@dataclass(slots=True)
class Piece:
    """A sentence, or the part of one on one line: the unit a repeat is made of."""

    start: int
    end: int
    para: int
    key: str
    ends: bool  # ends a sentence (else the sentence goes on, on the next line)
    status: int = NEW
    ref: int = -1  # the paragraph of the earlier copy


def _pieces(text: str, paras: list[Span], piece: re.Pattern[str]) -> list[Piece]:
    """Every paragraph cut at its sentence ends (blanks between sentences belong to no piece).

    One match per piece (``piece``: the blanks, then the text up to and including the next sentence end, the
    same cuts as the sentence-end pattern's matches), not a list of cuts walked again character by character.
    The keys are read for all pieces at once (:func:`_keys`)."""
    out: list[Piece] = []
    for p, (s, e) in enumerate(paras):
        for m in piece.finditer(text, s, e):
            a, c = m.span(1)
            if a < c:
                out.append(Piece(a, c, p, "", m.end(2) >= 0))
    if out:
        _keys(text, out)
    return out


def _keys(text: str, pieces: list[Piece]) -> None:
    """Set each piece's key: its letters and digits (what the word-run pattern keeps), lower-cased.

    The letters and digits of the whole text are picked out once (a table look-up per character in numpy) and
    a piece's key is a slice of them, lower-cased: a regex scan and a join per piece cost several times more.
    A text with characters beyond the BMP (outside the table) is read piece by piece with the pattern."""
    codes = code_points(text)
    if int(codes.max()) >= 0x10000:
        runs = _WORD_RUN.findall
        for p in pieces:
            p.key = "".join(runs(text, p.start, p.end)).lower()
        return
    keep = _word_table()[codes]
    kept = codes[keep].tobytes().decode("utf-32-le")  # (no surrogate is a letter: the kept codes decode)
    before = np.zeros(len(codes) + 1, dtype=np.int64)  # letters and digits before each offset
    np.cumsum(keep, out=before[1:])
    starts = before[[p.start for p in pieces]].tolist()
    ends = before[[p.end for p in pieces]].tolist()
    for p, i, j in zip(pieces, starts, ends, strict=True):
        p.key = kept[i:j].lower()


@cache
def _word_table() -> np.ndarray:
    """Whether each BMP character is one the word-run pattern keeps (read off the pattern itself, once)."""
    table = np.zeros(0x10000, dtype=bool)
    table[code_points(bmp_chars(_WORD_RUN))] = True
    return table


class _Seen:
    """Keys met for the first time (pieces, sentences, paragraphs), each with the paragraph it is in.

    Heads and tails of the keys (``anchor`` characters) point to a few keys each, so that "is this
    piece the head or the tail of an earlier one" costs one lookup and a bounded number of
    ``startswith``/``endswith`` checks.
    """

    __slots__ = ("keys", "heads", "tails", "anchor")

    def __init__(self, anchor: int) -> None:
        self.anchor = anchor
        self.keys: dict[str, int] = {}
        self.heads: dict[str, list[str]] = {}
        self.tails: dict[str, list[str]] = {}

    def add(self, k: str, para: int) -> None:
        if not k or k in self.keys:
            return
        self.keys[k] = para
        n = self.anchor
        if len(k) > n:  # (the head and the tail written out: no tuple of pairs built per key)
            bucket = self.heads.setdefault(k[:n], [])
            if len(bucket) < BUCKET:
                bucket.append(k)
            bucket = self.tails.setdefault(k[-n:], [])
            if len(bucket) < BUCKET:
                bucket.append(k)

    def exact(self, k: str) -> int | None:
        return self.keys.get(k)

    def part(self, k: str) -> int | None:
        """The paragraph of an earlier key that ``k`` is the head or the tail of (``k`` at least anchor long)."""
        if len(k) < self.anchor:
            return None
        for s in self.heads.get(k[:self.anchor], ()):
            if len(s) > len(k) and s.startswith(k):
                return self.keys[s]
        for s in self.tails.get(k[-self.anchor:], ()):
            if len(s) > len(k) and s.endswith(k):
                return self.keys[s]
        return None


# --- 4-gram shingles and the near-repeat index ---------------------------------------------------------

Shingles = np.ndarray | set  # sorted distinct 4-gram codes, or a set of them for keys beyond the BMP


def _shingles(k: str) -> Shingles:
    """The distinct character 4-grams of a key, coded as ints: a sorted uint64 array (a set in rare cases).

    A 4-gram of BMP characters is its 8 UTF-16 bytes read as one little-endian uint64 (an overlapping
    view of the encoded key: no Python loop).  A key with characters beyond the BMP gets a set, where a
    4-gram holding one stays a string.  The code is one-to-one.
    """
    if len(k) < 4:
        return {k}
    b = k.encode("utf-16-le", "surrogatepass")
    if len(b) != 2 * len(k):
        return {_gram_code(k[i:i + 4]) for i in range(len(k) - 3)}
    h = np.ndarray((len(k) - 3,), dtype="<u8", buffer=b, strides=(2,)).copy()
    h.sort()  # (in place, and the methods: no np.sort / np.concatenate wrappers per paragraph)
    keep = np.empty(len(h), dtype=bool)
    keep[0] = True
    np.not_equal(h[1:], h[:-1], out=keep[1:])
    return h[keep]


def _gram_code(g: str) -> int | str:
    b = g.encode("utf-16-le", "surrogatepass")
    return int.from_bytes(b, "little") if len(b) == 8 else g


def _common(a: Shingles, b: Shingles) -> int:
    """Size of the intersection of two shingle collections (each free of duplicates)."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        both = np.concatenate((a, b))
        both.sort()
        return int(np.count_nonzero(both[1:] == both[:-1]))
    return len(_as_set(a) & _as_set(b))


def _as_set(s: Shingles) -> set:
    return set(s.tolist()) if isinstance(s, np.ndarray) else s


_MIX, _SHIFT = np.uint64(0x9E3779B97F4A7C15), np.uint64(29)


def _sketch(sh: Shingles) -> list[int | str]:
    """The ``SKETCH`` smallest mixed hashes of a shingle collection: near-identical keys share most of them."""
    if isinstance(sh, np.ndarray):  # uint64 arithmetic on arrays wraps around silently: what a hash wants
        mixed = sh * _MIX
        mixed ^= sh >> _SHIFT
        mixed.sort()  # (a fresh array: sorted in place; numpy orders uint64 as Python orders the ints)
        return mixed[:SKETCH].tolist()
    return sorted(hash(x) for x in sh)[:SKETCH]


class _NearIndex:
    """Earlier long paragraphs, found again through their sketch values (a bounded list per value)."""

    __slots__ = ("keys", "parts", "ratio", "by_value", "sets", "numbers", "sketches", "pending", "lengths")

    def __init__(self, keys: list[str], parts: list[list[str]], ratio: float) -> None:
        self.keys = keys
        self.parts = parts  # the keys of each paragraph's pieces: a near copy has its sentences one for one
        self.ratio = ratio
        self.by_value: dict[int | str, list[int]] = {}
        self.sets: dict[int, Shingles] = {}
        self.numbers: dict[int, list[str]] = {}
        self.sketches: dict[int, list[int | str]] = {}
        self.pending: list[int] = []  # paragraphs added but not yet in by_value, in order
        self.lengths: dict[int, list[int]] = {}  # sentence count -> sorted key lengths of the added paragraphs

    def add(self, i: int) -> None:
        """Index paragraph ``i``; its sketch is made only once a later paragraph could be a near copy of an
        added one (as many sentences, a length in range): most paragraphs never need one."""
        self.pending.append(i)
        bisect.insort(self.lengths.setdefault(len(self.parts[i]), []), len(self.keys[i]))

    def _flush(self) -> None:
        """Put the pending paragraphs in by_value, in the order they were added (the buckets keep the first)."""
        for i in self.pending:
            for v in self.sketch(i):
                bucket = self.by_value.setdefault(v, [])
                if len(bucket) < BUCKET:
                    bucket.append(i)
        self.pending = []

    def _may_match(self, n: int, lo: float, hi: float) -> bool:
        """Whether an added paragraph has ``n`` sentences and a key length in [lo, hi] (else no candidate)."""
        lens = self.lengths.get(n)
        if not lens:
            return False
        at = bisect.bisect_left(lens, lo)
        return at < len(lens) and lens[at] <= hi

    def sketch(self, i: int) -> list[int | str]:
        s = self.sketches.get(i)
        if s is None:
            s = self.sketches[i] = _sketch(self.shingles(i))
        return s

    def digits(self, i: int) -> list[str]:
        """The numbers of paragraph ``i``, read when a candidate needs them (most paragraphs have none)."""
        d = self.numbers.get(i)
        if d is None:
            d = self.numbers[i] = _DIGITS.findall(self.keys[i])
        return d

    def shingles(self, i: int) -> Shingles:
        s = self.sets.get(i)
        if s is None:
            s = self.sets[i] = _shingles(self.keys[i])
        return s

    def best(self, i: int) -> tuple[int | None, float]:
        """The earlier paragraph that paragraph ``i`` nearly repeats (similarity >= ratio, as many sentences, the
        same numbers), else None.

        The candidates share a sketch value; the few closest on their 4-gram sets get difflib's ratio.
        """
        k = self.keys[i]
        close: list[tuple[float, int]] = []
        lo, hi = 0.8 * len(k), 1.25 * len(k)
        n = len(self.parts[i])
        if not self._may_match(n, lo, hi):
            return None, 0.0
        self._flush()
        cands = {j for v in self.sketch(i) for j in self.by_value.get(v, ())
                 if lo <= len(self.keys[j]) <= hi and len(self.parts[j]) == n}
        if not cands:  # (the common case: no numbers read, no 4-gram sets compared)
            return None, 0.0
        mine = self.shingles(i)
        digits = self.digits(i)
        for j in sorted(cands):
            if self.digits(j) != digits:
                continue
            other = self.shingles(j)
            inter = _common(mine, other)
            jaccard = inter / max(1, len(mine) + len(other) - inter)  # both free of duplicates
            if jaccard >= 0.5:
                close.append((-jaccard, j))
        best, best_r = None, 0.0
        for neg_jaccard, j in sorted(close)[:3]:
            kj = self.keys[j]
            r = -neg_jaccard if max(len(k), len(kj)) > RATIO_MAX_KEY else \
                SequenceMatcher(None, k, kj, autojunk=False).ratio()
            if r >= self.ratio and r > best_r and self._one_for_one(i, j):
                best, best_r = j, r
        return best, best_r

    def _one_for_one(self, i: int, j: int) -> bool:
        """Each sentence of paragraph ``i`` is its counterpart in ``j`` or nearly (a new sentence is no near copy)."""
        for a, b in zip(self.parts[i], self.parts[j], strict=True):
            if a != b and (len(a) < 4 or len(b) < 4 or max(len(a), len(b)) <= RATIO_MAX_KEY
                           and SequenceMatcher(None, a, b, autojunk=False).ratio() < self.ratio):
                return False
        return True


# --- finding the repeats ------------------------------------------------------------------------------


def _overlaps(spans: list[Span], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


@dataclass
class _Scan:
    """The state of one pass over a document's pieces."""

    text: str
    paras: list[Span]
    pieces: list[Piece]
    rules: PassageRules
    corrupt: list[Span]
    pkeys: list[str]
    seen: _Seen
    near: _NearIndex
    first_para: dict[str, int]
    near_drops: dict[int, Drop]

    @classmethod
    def of(cls, text: str, corrupt: list[Span]) -> _Scan:
        rules = passage_rules()
        paras = paragraphs(text)
        pieces = _pieces(text, paras, rules.piece)
        parts: list[list[str]] = [[] for _ in paras]
        for p in pieces:
            if p.key:
                parts[p.para].append(p.key)
        pkeys = ["".join(ks) for ks in parts]  # a paragraph's key: its pieces' keys (no word run crosses a cut)
        return cls(text, paras, pieces, rules, corrupt, pkeys, _Seen(rules.min_contain),
                   _NearIndex(pkeys, parts, rules.near_ratio), {}, {})

    def classify(self, p: Piece, local: dict[str, int]) -> None:
        """Set ``p.status`` and ``p.ref`` against what was met before (``local``: this paragraph's new pieces)."""
        k = p.key
        if not k:
            p.status = EMPTY
            return
        ref = self.seen.exact(k)
        if ref is None:
            ref = local.get(k)
        if ref is not None:
            p.status, p.ref = (EXACT if len(k) >= self.rules.min_exact else SEEN), ref
            return
        ref = self.seen.part(k)
        if ref is not None:
            p.status, p.ref = PART, ref

    def forward(self) -> None:
        """Classify every piece in text order; index the new ones (pieces, sentences, paragraphs).

        A piece, and its paragraph, is indexed only once its sentence is complete (a line broken inside
        a sentence waits for the next line): a piece found to be part of a repeated sentence is no first
        copy, and nothing may rely on it.
        """
        sentence: list[Piece] = []
        waiting: list[tuple[int, list[Piece]]] = []  # paragraphs whose last sentence goes on
        i = 0
        for para in range(len(self.paras)):
            j = i
            local: dict[str, int] = {}
            while j < len(self.pieces) and self.pieces[j].para == para:
                p = self.pieces[j]
                self.classify(p, local)
                if p.status == NEW:
                    local.setdefault(p.key, para)
                j += 1
            own = self.pieces[i:j]
            self._near(para, own)
            for p in own:
                sentence.append(p)
                if p.ends:
                    self._settle(sentence)
                    sentence = []
            waiting.append((para, own))
            if not sentence:
                for q, q_own in waiting:
                    self._paragraph(q, q_own)
                waiting = []
            i = j
        self._settle(sentence)
        for q, q_own in waiting:
            self._paragraph(q, q_own)

    def _settle(self, sentence: list[Piece]) -> None:
        """A complete sentence: a repeat as a whole (a line broken inside it), or its new pieces are indexed."""
        if not sentence:
            return
        if len(sentence) == 1:  # (most sentences are on one line: no joined key, no sentence-wide checks)
            p = sentence[0]
            if p.status == NEW and p.para not in self.near_drops:
                self.seen.add(p.key, p.para)
            return
        k = "".join(p.key for p in sentence)
        ref = self.seen.exact(k) if len(sentence) > 1 else None
        if ref is not None and len(k) >= self.rules.min_exact:
            for p in sentence:
                if p.status != EMPTY:
                    p.status, p.ref = EXACT, ref
            return
        for p in sentence:
            if p.status == NEW and p.para not in self.near_drops:
                self.seen.add(p.key, p.para)
        if len(sentence) > 1 and all(p.status in (NEW, EMPTY) and p.para not in self.near_drops for p in sentence):
            self.seen.add(k, sentence[0].para)

    def _near(self, para: int, own: list[Piece]) -> bool:
        """Whether paragraph ``para`` is a near repeat to drop (an earlier corrupted copy may go instead)."""
        k = self.pkeys[para]
        if len(k) < self.rules.min_near or k in self.first_para or all(p.status != NEW for p in own):
            return False
        best, r = self.near.best(para)
        if best is None:
            return False
        s, e = self.paras[para]
        s_j, e_j = self.paras[best]
        names = self.rules.names
        if _overlaps(self.corrupt, s_j, e_j) and not _overlaps(self.corrupt, s, e):  # keep the clean copy
            self.near_drops[best] = Drop(s_j, e_j, best, names["near_corrupt"],
                                         f"corrupted near repeat of paragraph {para + 1} (similarity {r:.2f})", True)
            return False
        self.near_drops[para] = Drop(s, e, para, names["near"],
                                     f"near repeat of paragraph {best + 1} (similarity {r:.2f})", True)
        return True

    def _paragraph(self, para: int, own: list[Piece]) -> None:
        """A paragraph whose pieces are settled: its key indexed when it is wholly new."""
        k = self.pkeys[para]
        if para in self.near_drops or not k:
            return
        self.first_para.setdefault(k, para)
        if all(p.status in (NEW, EMPTY) for p in own):
            self.seen.add(k, para)
            if len(k) >= self.rules.min_near:
                self.near.add(para)

    # -- deciding ------------------------------------------------------------------------------------

    def runs(self) -> list[tuple[int, int]]:
        """Maximal runs ``[a, b)`` of pieces none of which is new that repeat a whole sentence."""
        out = []
        a = None
        for i, p in enumerate([*self.pieces, Piece(0, 0, -1, "", True)]):
            if p.para >= 0 and p.status != NEW and p.para not in self.near_drops:
                if a is None:
                    a = i
                continue
            if a is not None and any(q.status == EXACT for q in self.pieces[a:i]):
                out.append((a, i))
            a = None
        return out

    def drops(self) -> dict[tuple[int, int], Drop]:
        """The paragraphs (or heads and tails of paragraphs) to delete, by paragraph and start."""
        bounds: dict[int, tuple[int, int]] = {}  # paragraph -> its first and last piece index
        for i, p in enumerate(self.pieces):
            a, _ = bounds.get(p.para, (i, i))
            bounds[p.para] = (a, i)
        out = {(p, d.start): d for p, d in self.near_drops.items()}
        for a, b in self.runs():
            first, last = self.pieces[a], self.pieces[b - 1]
            whole = all(bounds[q][0] >= a and bounds[q][1] < b for q in range(first.para, last.para + 1))
            length = sum(len(p.key) for p in self.pieces[a:b])
            middle = first.para == last.para and bounds[first.para][0] < a and bounds[first.para][1] >= b
            if middle or not (whole or length >= self.rules.min_affix):
                continue
            run_ref = next(p.ref for p in self.pieces[a:b] if p.status == EXACT)
            for q in range(first.para, last.para + 1):
                d = self._drop(q, max(a, bounds[q][0]), min(b - 1, bounds[q][1]), bounds[q], run_ref)
                out[(q, d.start)] = d
        return out

    def _drop(self, para: int, a: int, b: int, bounds: tuple[int, int], run_ref: int) -> Drop:
        """The drop of pieces ``a..b`` (inclusive) of paragraph ``para`` (``run_ref``: the run's earlier copy)."""
        names = self.rules.names
        ref = next((p.ref for p in self.pieces[a:b + 1] if p.status == EXACT), run_ref)
        s, e = self.paras[para]
        if a == bounds[0] and b == bounds[1]:
            exact = self.first_para.get(self.pkeys[para], para) != para
            rule = names["exact"] if exact else names["contained"]
            return Drop(s, e, para, rule, f"repeat of paragraph {ref + 1}", True)
        if a == bounds[0]:
            end = self.pieces[b + 1].start
            return Drop(s, end, para, names["head"], f"repeated head of paragraph {ref + 1}", False)
        return Drop(self.pieces[a].start, e, para, names["tail"], f"repeated tail of paragraph {ref + 1}", False)

    def fragments(self, drops: dict[tuple[int, int], Drop]) -> None:
        """Drop a kept paragraph whose every piece stands in a strictly larger kept paragraph (the whole
        passage stays), unless a removed repeat relies on it.  Only for text that reads as a sentence."""
        by_para: dict[int, list[Piece]] = {}
        for p in self.pieces:
            by_para.setdefault(p.para, []).append(p)
        gone: set[int] = set()  # ids of the removed pieces
        relied: set[int] = set()  # paragraphs holding the earlier copy of a removed piece
        for d in drops.values():
            for p in by_para.get(d.para, ()):
                if d.start <= p.start and p.end <= d.end:
                    gone.add(id(p))
                    if p.ref >= 0:
                        relied.add(p.ref)
        kept_in: dict[str, list[int]] = {}
        for p in self.pieces:
            if p.key and id(p) not in gone:
                bucket = kept_in.setdefault(p.key, [])
                if len(bucket) < BUCKET and (not bucket or bucket[-1] != p.para):
                    bucket.append(p.para)
        sets: dict[int, set[str]] = {}
        touched = {para for para, _ in drops}
        for para, own in by_para.items():
            if para in touched or para in relied or not self._reads_as_sentence(para, own):
                continue
            keys = [p.key for p in own if p.key]
            for q in kept_in.get(keys[0], ()):
                if q == para or q in touched or len(self.pkeys[q]) <= len(self.pkeys[para]):
                    continue
                if q not in sets:
                    sets[q] = {p.key for p in by_para[q] if id(p) not in gone}
                if all(k in sets[q] for k in keys):
                    s, e = self.paras[para]
                    drops[(para, s)] = Drop(s, e, para, self.rules.names["part"], f"part of paragraph {q + 1}", True)
                    break

    def _reads_as_sentence(self, para: int, own: list[Piece]) -> bool:
        n = len(self.pkeys[para])
        if n < self.rules.min_part or any(p.status not in (NEW, EMPTY) for p in own):
            return False
        return n >= self.rules.min_near or self.text[self.paras[para][1] - 1] in self.rules.part_end


def find_repeats(text: str, corrupt: list[Span] | None = None) -> list[Drop]:
    """Decide which paragraphs (or paragraph heads/tails) of ``text`` repeat other text of it."""
    scan = _Scan.of(text, corrupt or [])
    if not scan.pieces:
        return []
    scan.forward()
    drops = scan.drops()
    scan.fragments(drops)
    return [drops[k] for k in sorted(drops)]


# --- the stage ----------------------------------------------------------------------------------------


def dedup_passages(doc: Doc) -> Doc:
    """Drop repeats of earlier passages, whole sentences only; record each in ``doc.removed``.

    Called on the normalised text before segmentation.  Marks (mojibake, captions) are still raw spans
    in ``doc.removed`` here: the ``marks`` stage brings them to final text positions afterwards.
    """
    if doc.mapped is None or not doc.text:
        return doc
    text = doc.text
    corrupt = doc.mapped.spans_from_raw([(r.raw_start, r.raw_end) for r in doc.removed if r.kind == "mojibake"])
    drops = find_repeats(text, corrupt)
    if not drops:
        return doc
    for d in drops:
        rs, re_ = doc.mapped.raw_span(d.start, d.end)
        doc.removed.append(Removed("passage", text[d.start:d.end], rs, re_, note=d.note, rule=d.rule))
    spans = merge_spans(_deletion(text, d) for d in drops)
    s, e = spans[-1]
    if e == len(text):  # the text ends with removed paragraphs: the line break before them goes too
        while s > 0 and text[s - 1].isspace():
            s -= 1
        spans[-1] = (s, e)
    doc.mapped = doc.mapped.delete_spans(spans)
    if "repeated_passages" not in doc.flags:
        doc.flags.append("repeated_passages")
    return doc


def _deletion(text: str, d: Drop) -> Span:
    """The span to delete for a drop: a whole paragraph takes its line break (or, last, the one before it)."""
    s, e = d.start, d.end
    if d.whole:
        n = len(text)
        e2 = e
        while e2 < n and text[e2].isspace():
            e2 += 1
        if e2 == n:
            while s > 0 and text[s - 1].isspace():
                s -= 1
        else:
            e = e2
    return s, e
