"""Per-document state the entity rules share: the text, its word mask, barriers and the anchors found so far."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from functools import cached_property

import numpy as np

from extract.entities.barriers import barriers
from extract.entities.candidate import Cand
from extract.entities.lexicon import Rules
from extract.entities.words import Pairs, single_words

_ANCHOR_LABELS = frozenset(("LOC", "ORG"))


class Anchors:
    """The known places and organisations a suffix rule may build on, in text order: the gazetteer's at first,
    then each one a suffix rule finds (so a later name can start at an earlier one: 喀什海关|物流监管处)."""

    def __init__(self, gaz: list[Cand]) -> None:
        self.all = [c for c in gaz if c.label in _ANCHOR_LABELS]  # gaz is in text order
        self.starts = [c.start for c in self.all]
        # the LOC anchors alone, as the place rules read them (a subsequence of ``all``, same order)
        self.locs = [c for c in self.all if c.label == "LOC"]
        self.loc_starts = [c.start for c in self.locs]
        self.by_end: dict[int, list[Cand]] = {}
        for c in self.all:
            self.by_end.setdefault(c.end, []).append(c)
        self.unanchored: list[Cand] = []  # places found that are no anchor (a known place + 市): see ``every_by_end``

    def add(self, c: Cand) -> None:
        """A name a suffix rule found becomes an anchor for the names to its right."""
        i = bisect_left(self.starts, c.start)
        self.starts.insert(i, c.start)
        self.all.insert(i, c)
        self.by_end.setdefault(c.end, []).append(c)
        if c.label == "LOC":  # bisect_left in both lists: the LOC list stays the LOC subsequence of ``all``
            i = bisect_left(self.loc_starts, c.start)
            self.loc_starts.insert(i, c.start)
            self.locs.insert(i, c)

    def within(self, lo: int, hi: int) -> list[Cand]:
        """Known LOC/ORG spans lying inside [lo, hi)."""
        return _spans_in(self.starts, self.all, lo, hi)

    def locs_within(self, lo: int, hi: int) -> list[Cand]:
        """Known LOC spans lying inside [lo, hi) (``within`` filtered to LOC, without the others)."""
        return _spans_in(self.loc_starts, self.locs, lo, hi)

    def every_by_end(self) -> dict[int, list[Cand]]:
        """Every LOC and ORG candidate (gazetteer and rules) by its end, for reading: the anchors, and the places
        that anchor nothing (rare: then a copy)."""
        if not self.unanchored:
            return self.by_end
        out = {e: list(cs) for e, cs in self.by_end.items()}
        for c in self.unanchored:
            out.setdefault(c.end, []).append(c)
        return out


def _spans_in(starts: list[int], cands: list[Cand], lo: int, hi: int) -> list[Cand]:
    """The candidates (sorted by start; ``starts`` their starts) lying inside [lo, hi)."""
    i = bisect_left(starts, lo)
    k = len(starts)
    if i == k or starts[i] >= hi:  # the usual answer: nothing there
        return []
    out = []
    while i < k and starts[i] < hi:
        c = cands[i]
        if c.end <= hi:
            out.append(c)
        i += 1
    return out


class Ctx:
    """One document as the rules read it: ``bnd[i]`` is 1 where a word starts or ends (the words tile the text,
    so a word ends where the next starts), ``single[i]`` where ``(i, i + 1)`` is a word, the barriers of
    :mod:`extract.entities.barriers`, and the code points and character pairs the literal-word scans read."""

    def __init__(self, r: Rules, text: str, gaz: list[Cand], bnd: bytearray, points: np.ndarray, pairs: Pairs) -> None:
        self.r = r
        self.text = text
        self.bnd = bnd
        self.single = single_words(bnd, len(self.text))
        self.gaz = gaz
        self.anchors = Anchors(gaz)
        self.points = points
        self.pairs = pairs
        self.admin_ends: set[int] = set()  # where a division found by its full name ends (places.admin_cands)
        self.barrier, self.plain = barriers(r.chars, r.org.paren, self.text, points, gaz, self.single, pairs)
        # whether the name-part patterns match anywhere in the text: they have no anchors or lookarounds, so a match
        # in a window of it is one in the whole text too, and the name-part scans of windows (thousands a document)
        # are skipped in the usual document with no numbered unit
        self.has_latin = r.org.latin.search(text) is not None
        self.has_ordinal_unit = r.org.ordinal_unit.search(text) is not None

    @cached_property
    def word_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end of every word, as arrays: made once for the scans that pick words by length and first
        character (:func:`extract.entities.untitled.words_by_first`)."""
        at = np.flatnonzero(np.frombuffer(self.bnd, dtype=bool))
        return at[:-1], at[1:]

    def word_before(self, a: int) -> tuple[int, int]:
        """The word holding position ``a - 1`` (``a`` > 0)."""
        return self.bnd.rfind(1, 0, a), self.bnd.find(1, a)

    def is_word(self, s: int, e: int) -> bool:
        """True when ``text[s:e]`` (s < e) is one word."""
        return self.bnd[s] == 1 and self.bnd.find(1, s + 1) == e

    def window(self, pos: int, limit: int) -> int:
        """Leftmost start of a name that ends at ``pos``: back to the nearest barrier, at most ``limit`` chars,
        then past punctuation and digits (``str.isdigit``, as the class table has them)."""
        lo = pos - limit if pos > limit else 0
        j = self.barrier.rfind(1, lo + 1, pos + 1)  # the nearest barrier in (lo, pos], else lo
        if j < lo:
            j = lo
        k = self.plain.find(1, j, pos)
        return pos if k < 0 else k

    def words(self, s: int, e: int) -> Iterator[tuple[int, int]]:
        """The document's words lying inside [s, e): from the first one starting at or after ``s`` (lazily: the
        callers stop at the first word that decides)."""
        bnd = self.bnd
        a = bnd.find(1, s)
        b = bnd.find(1, a + 1) if a >= 0 else -1
        while 0 <= b <= e:
            yield a, b
            a, b = b, bnd.find(1, b + 1)

    def has_common_word(self, s: int, e: int) -> bool:
        """True when a dictionary word that is not a name lies inside [s, e) (jieba words of the document)."""
        text = self.text
        if self.r.gaz.label.get(text[s:e]) == "PERSON":
            return False
        common = self.r.gaz.common
        return any(text[a:b] in common for a, b in self.words(s, e))

    def opens_common_word(self, s: int, e: int) -> bool:
        """True when the word of the text starting at ``s`` is a common dictionary word inside [s, e) or the name
        itself is one (高达, 万元户: a surname character opening a word); a given name that is a word (赵|立新) is
        fine."""
        k = self.bnd.find(1, s + 1)
        return (k <= e and k - s > 1 and self.text[s:k] in self.r.gaz.common) or self.text[s:e] in self.r.gaz.common

    def starts_word(self, q: int) -> bool:
        """True when a dictionary word of two characters starts at ``q`` (跑出, 通过: a name ends before it)."""
        return bool(self.r.org.freq.get(self.text[q:q + 2])) and self.text[q:q + 2] in self.r.gaz.tag

    def is_unknown(self, word: str) -> bool:
        """True when ``word`` is no word of jieba's dictionary (unknown words are mostly names)."""
        return not self.r.org.freq.get(word)

    def all_han_word(self, word: str) -> bool:
        """True when every character of ``word`` is a Han character."""
        return self.r.chars.is_han_run.fullmatch(word) is not None

    def all_han(self, s: int, e: int) -> bool:
        """True when every character of ``text[s:e]`` is a Han character (also when empty): one regex match over
        the span, not one per character."""
        return s >= e or self.r.chars.is_han_run.fullmatch(self.text, s, e) is not None
