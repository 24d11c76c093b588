"""Repeated passages inside a document: the ``passages`` stage.

Page extraction repeats whole blocks, single paragraphs and the tails of broken paragraphs.  Each
paragraph is compared on a *key* (letters and digits only, lower-cased) so punctuation width,
whitespace and a broken line cannot hide a repeat.  A paragraph is dropped when its key equals an
earlier one, occurs inside the running text of the earlier kept paragraphs (this also catches a
repeat whose first copy was broken over two lines), is a near-exact copy of an earlier one, or lies
inside a strictly larger later paragraph (a fragment of a passage given whole elsewhere).  A long
repeated head or tail of a paragraph (a fragment glued to an unrelated line) is cut.  The rules and
their thresholds are ``rules/passages/passages.toml``.  Deletions go through
``MappedText.delete_spans`` and each is recorded in ``doc.removed`` with its rule.

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
from extract.spans import merge_spans, paragraphs

_WORD_RUN = re.compile(r"[^\W_]+")


def key(text: str) -> str:
    """Letters and digits only, lower-cased: what a repeat is compared on (joining the word runs: a little
    faster than deleting the others)."""
    return "".join(_WORD_RUN.findall(text)).lower()


def key_positions(text: str) -> list[int]:
    """Index in ``text`` of each character of ``key(text)``."""
    out: list[int] = []
    for m in _WORD_RUN.finditer(text):
        out.extend(range(m.start(), m.end()))
    return out


class PassageRules(NamedTuple):
    """rules/passages/passages.toml: thresholds in key characters, and the rule names."""

    min_exact: int
    min_contain: int
    min_near: int
    near_ratio: float
    min_affix: int
    min_part: int
    part_end: frozenset[str]
    names: dict[str, str]  # table -> rule name: exact, contained, near, near_corrupt, tail, head, part


@cache
def passage_rules() -> PassageRules:
    r = load_toml("passages/passages")
    names = {t: r[t]["name"] for t in ("exact", "contained", "near", "near_corrupt", "part")}
    names.update(tail=r["affix"]["tail"]["name"], head=r["affix"]["head"]["name"])
    return PassageRules(r["exact"]["min_key"], r["contained"]["min_key"], r["near"]["min_key"], r["near"]["ratio"],
                        r["affix"]["min_key"], r["part"]["min_key"], frozenset(r["part"]["sentence_end"]), names)


@dataclass(slots=True)
class Drop:
    """A paragraph, or the part of one, to delete: where, which paragraph, by which rule and why."""

    start: int
    end: int
    para: int
    rule: str
    note: str
    whole: bool  # the whole paragraph (also delete its line break)


# --- 4-gram shingles: the cheap filter before the near-repeat ratio -----------------------------------

Shingles = np.ndarray | set  # sorted distinct 4-gram codes, or a set of them for keys beyond the BMP


def _shingles(k: str) -> Shingles:
    """The distinct character 4-grams of a key, coded as ints: a sorted uint64 array (a set in rare cases).

    Why not a set of strings: slicing hundreds of 4-character strings per paragraph was most of the
    passage step.  A 4-gram of BMP characters is its 8 UTF-16 bytes read as one little-endian uint64 (an
    overlapping view of the encoded key, stride 2: no Python loop).  A key with characters beyond the BMP
    gets a set, where a 4-gram holding one stays a string.  The code is one-to-one, so sizes and
    intersections are those of the string 4-grams.
    """
    if len(k) < 4:
        return {k}
    b = k.encode("utf-16-le", "surrogatepass")
    if len(b) != 2 * len(k):
        return {_gram_code(k[i:i + 4]) for i in range(len(k) - 3)}
    h = np.sort(np.ndarray((len(k) - 3,), dtype="<u8", buffer=b, strides=(2,)))
    return h[np.concatenate(([True], h[1:] != h[:-1]))]


def _gram_code(g: str) -> int | str:
    """One 4-gram as :func:`_shingles` codes it (this path: keys with characters beyond the BMP)."""
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


class _NearIndex:
    """Earlier kept long paragraphs, for the near-repeat test (shingle sets built only when a length fits).

    A paragraph has a few dozen kept long neighbours at most, so scanning them in order with a cheap
    length filter and a set intersection (in C) costs far less than maintaining an inverted index of
    every 4-gram; the candidates, their order and the scores are the same.
    """

    __slots__ = ("keys", "ids", "sets", "ratio")

    def __init__(self, keys: list[str], ratio: float) -> None:
        self.keys = keys
        self.ratio = ratio
        self.ids: list[int] = []  # ascending: paragraphs are kept in text order
        self.sets: dict[int, Shingles] = {}

    def add(self, i: int) -> None:
        self.ids.append(i)

    def best(self, i: int) -> tuple[int | None, float]:
        """Best earlier kept paragraph that paragraph ``i`` nearly repeats (similarity >= ratio), else None.

        The shingle set of ``i`` is kept: if ``i`` is kept too, later paragraphs compare with the same set.
        """
        k = self.keys[i]
        n = len(k)
        mine: Shingles | None = None
        best, best_r = None, 0.0
        for j in self.ids:
            kj = self.keys[j]
            lj = len(kj)
            if not 0.8 <= lj / n <= 1.25:
                continue
            if mine is None:
                mine = self.shingles(i)
            other = self.shingles(j)
            inter = _common(mine, other)
            if not inter or inter / (len(mine) + max(1, lj - 3) - inter) < 0.5:
                continue
            r = SequenceMatcher(None, k, kj, autojunk=False).ratio()
            if r >= self.ratio and r > best_r:
                best, best_r = j, r
        return best, best_r

    def shingles(self, i: int) -> Shingles:
        """Shingle set of paragraph ``i``, built once."""
        s = self.sets.get(i)
        if s is None:
            s = self.sets[i] = _shingles(self.keys[i])
        return s


# --- finding the repeats ------------------------------------------------------------------------------


def _overlaps(spans: list[Span], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def _longest_affix_in(k: str, hay: str, suffix: bool) -> int:
    """Length of the longest suffix (or prefix) of ``k`` found in ``hay`` (containment is monotone)."""
    lo, hi = 0, len(k)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        part = k[len(k) - mid:] if suffix else k[:mid]
        if part in hay:
            lo = mid
        else:
            hi = mid - 1
    return lo


class _Kept:
    """The paragraphs kept so far: their keys end to end (so a broken line cannot hide a repeat), where
    each starts in that stream, the first paragraph of each key, and the long ones for near repeats."""

    __slots__ = ("keys", "stream", "starts", "ids", "first", "near", "min_near")

    def __init__(self, keys: list[str], rules: PassageRules) -> None:
        self.keys = keys
        self.stream = ""
        self.starts: list[int] = []
        self.ids: list[int] = []
        self.first: dict[str, int] = {}
        self.near = _NearIndex(keys, rules.near_ratio)
        self.min_near = rules.min_near

    def add(self, i: int) -> None:
        k = self.keys[i]
        self.starts.append(len(self.stream))
        self.ids.append(i)
        self.stream += k
        self.first.setdefault(k, i)
        if len(k) >= self.min_near:
            self.near.add(i)

    def holder(self, part: str) -> int | None:
        """The kept paragraph where ``part`` first occurs in the stream (it may run on into the next ones)."""
        at = self.stream.find(part)
        return None if at < 0 else self.ids[bisect.bisect_right(self.starts, at) - 1]


def find_repeats(text: str, corrupt: list[Span] | None = None) -> list[Drop]:
    """Decide which paragraphs (or paragraph heads/tails) of ``text`` repeat other text of it."""
    paras = paragraphs(text)
    if not paras:
        return []
    rules = passage_rules()
    keys = [key(text[s:e]) for s, e in paras]
    kept = _Kept(keys, rules)
    drops: dict[int, Drop] = {}
    for i in range(len(keys)):
        if not _dropped(i, text, paras, kept, corrupt or [], rules, drops):
            kept.add(i)
    _fragments_of_larger(text, paras, keys, drops, rules)
    return [drops[i] for i in sorted(drops)]


def _dropped(i: int, text: str, paras: list[Span], kept: _Kept, corrupt: list[Span], rules: PassageRules,
             drops: dict[int, Drop]) -> bool:
    """Whether paragraph ``i`` repeats earlier kept text as a whole (then it is in ``drops``).

    A kept paragraph may still lose a repeated head or tail, or cost a corrupted earlier copy its place.
    """
    k = kept.keys[i]
    n = len(k)
    names = rules.names
    s, e = paras[i]
    if n < rules.min_exact:
        return False
    j = kept.first.get(k)
    rule = names["exact"]
    if j is None and n >= rules.min_contain:
        j, rule = kept.holder(k), names["contained"]
    if j is not None:
        drops[i] = Drop(s, e, i, rule, f"repeat of paragraph {j + 1}", True)
        return True
    if n >= rules.min_near:
        best, r = kept.near.best(i)
        if best is not None:
            s_j, e_j = paras[best]
            if _overlaps(corrupt, s_j, e_j) and not _overlaps(corrupt, s, e):  # keep the clean copy
                drops[best] = Drop(s_j, e_j, best, names["near_corrupt"],
                                   f"corrupted near repeat of paragraph {i + 1} (similarity {r:.2f})", True)
                return False
            drops[i] = Drop(s, e, i, names["near"], f"near repeat of paragraph {best + 1} (similarity {r:.2f})", True)
            return True
    if n > rules.min_affix and kept.stream:
        part = _cut_affix(text, i, paras[i], kept, rules)
        if part is not None:
            drops[i] = part
    return False


def _cut_affix(text: str, i: int, para: Span, kept: _Kept, rules: PassageRules) -> Drop | None:
    """A long head or tail of paragraph ``i`` that repeats earlier kept text, if any."""
    s, e = para
    k = kept.keys[i]
    least = rules.min_affix
    # one search each settles the common case (no repeated head or tail of the minimum length)
    tail = _longest_affix_in(k, kept.stream, suffix=True) if k[-least:] in kept.stream else 0
    head = _longest_affix_in(k, kept.stream, suffix=False) if k[:least] in kept.stream else 0
    if max(tail, head) < least:
        return None
    pos = key_positions(text[s:e])
    if tail >= head:
        j = kept.holder(k[len(k) - tail:])
        return Drop(s + pos[len(k) - tail], e, i, rules.names["tail"], f"repeated tail of paragraph {j + 1}", False)
    j = kept.holder(k[:head])
    cut_e = s + pos[head - 1] + 1
    nxt = pos[head] + s if head < len(pos) else e
    return Drop(s, max(cut_e, nxt), i, rules.names["head"], f"repeated head of paragraph {j + 1}", False)


def _fragments_of_larger(text: str, paras: list[Span], keys: list[str], drops: dict[int, Drop],
                         rules: PassageRules) -> None:
    """Drop a kept fragment whose key lies inside a strictly larger kept paragraph (the whole passage stays).

    Run after the forward pass, so a passage that merely repeats earlier text cannot be the reason
    to drop the earlier one.  Only for text that reads as a sentence: a heading or title is often
    quoted later in the body.
    """
    kept = [i for i in range(len(keys)) if i not in drops]
    starts: list[int] = []
    pos = 0
    for i in kept:
        starts.append(pos)
        pos += len(keys[i]) + 1
    joined = "\x00".join(keys[i] for i in kept)
    for i in kept:
        k = keys[i]
        n = len(k)
        if n < rules.min_part or not (n >= rules.min_near or text[paras[i][1] - 1] in rules.part_end):
            continue
        at = joined.find(k)
        while at >= 0:
            j = kept[bisect.bisect_right(starts, at) - 1]
            if j != i and len(keys[j]) > n and j not in drops:
                s, e = paras[i]
                drops[i] = Drop(s, e, i, rules.names["part"], f"part of paragraph {j + 1}", True)
                break
            at = joined.find(k, at + 1)


# --- the stage ----------------------------------------------------------------------------------------


def dedup_passages(doc: Doc) -> Doc:
    """Drop exact and near-exact repeats of earlier passages; record each in ``doc.removed``.

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
    doc.mapped = doc.mapped.delete_spans(merge_spans(_deletion(text, d) for d in drops))
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
