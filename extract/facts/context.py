"""What the fact resolvers look up in one document, found once and answered by bisection.

Clause separators, whitespace and metric words are found once per document; entities and dates are
sorted once; sentences and paragraphs are :class:`~extract.model.SpanIndex` look-ups.  So a sentence
with thousands of numbers costs no more per number than a short one, and every resolver asks the same
questions the same way.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import cached_property
from itertools import accumulate
from operator import attrgetter

from extract.facts.lexicon import Lexicon, rules
from extract.model import DateRec, Doc, Entity, Quantity, Span, SpanIndex

_START = attrgetter("start")
_MATCH_START = re.Match.start
_WS = re.compile(r"\s+")
_SPACE = re.compile(r"\s")


def compact(s: str) -> str:
    """``s`` without whitespace (a line break inside a clause joins its two halves)."""
    return _WS.sub("", s)


class Entities:
    """Entities sorted by start: those inside a range, nearest first or in text order."""

    __slots__ = ("ents", "starts")

    def __init__(self, ents: list[Entity]) -> None:
        self.ents = sorted(ents, key=_START)
        self.starts = [e.start for e in self.ents]

    def inside(self, lo: int, hi: int) -> list[Entity]:
        """The entities lying inside [lo, hi), in text order."""
        i = bisect_left(self.starts, lo)
        out = []
        while i < len(self.ents) and self.ents[i].start < hi:
            if self.ents[i].end <= hi:
                out.append(self.ents[i])
            i += 1
        return out

    def before(self, lo: int, hi: int) -> Iterator[Entity]:
        """``inside(lo, hi)`` from the last one back: the nearest candidate is usually found at once."""
        i = bisect_left(self.starts, hi) - 1
        while i >= 0 and self.ents[i].start >= lo:
            if self.ents[i].end <= hi:
                yield self.ents[i]
            i -= 1


class Dates:
    """Dates sorted by start, with the running maximum of their ends (to stop looking back early)."""

    __slots__ = ("dates", "starts", "end_max")

    def __init__(self, dates: list[DateRec]) -> None:
        self.dates = sorted(dates, key=_START)
        self.starts = [d.start for d in self.dates]
        self.end_max = list(accumulate([d.end for d in self.dates], max))

    def end_after(self, lo: int, hi: int, default: int) -> int:
        """max(default, the ends of the dates inside [lo, hi)), looking back only while an end could be larger."""
        best = default
        i = bisect_left(self.starts, hi) - 1
        while i >= 0 and self.dates[i].start >= lo and self.end_max[i] > best:
            if best < self.dates[i].end <= hi:
                best = self.dates[i].end
            i -= 1
        return best

    def any_inside(self, lo: int, hi: int) -> bool:
        """Whether a date lies inside [lo, hi)."""
        i = bisect_left(self.starts, lo)
        while i < len(self.dates) and self.dates[i].start < hi:
            if self.dates[i].end <= hi:
                return True
            i += 1
        return False

    def any_start(self, lo: int, hi: int) -> bool:
        """Whether a date starts in [lo, hi) (most sentences have none)."""
        return bisect_left(self.starts, lo) < bisect_left(self.starts, hi)

    def near(self, lo: int, hi: int, pos: int) -> DateRec | None:
        """Of the dates inside [lo, hi): the last one ending by ``pos``, else the first one, else None."""
        i0 = bisect_left(self.starts, lo)
        i1 = bisect_left(self.starts, hi)
        if i0 == i1:  # no date starts in the range (the usual case)
            return None
        upto = min(pos, hi)
        for i in range(min(i1, bisect_right(self.starts, upto)) - 1, i0 - 1, -1):  # none starts after upto
            if self.dates[i].end <= upto:
                return self.dates[i]
        for i in range(i0, i1):
            if self.dates[i].end <= hi:
                return self.dates[i]
        return None


class Context:
    """One document as the fact resolvers read it: text look-ups, sentences, entities, dates, rules."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.r: Lexicon = rules()
        self.sents = logical_sentences(doc, self.r)
        self.sent_index = SpanIndex(self.sents)
        self.para_index = SpanIndex(doc.paragraphs)
        self.seps = list(map(_MATCH_START, self.r.clauses.sep_re.finditer(self.text)))
        self.spaces = list(map(_MATCH_START, _SPACE.finditer(self.text)))
        self.ents = Entities([e for e in doc.entities if e.label in self.r.subjects.labels])
        # names a number may sit inside (第十届亚欧博览会): sorted by start, with the running maximum of their ends
        names = sorted([(e.start, e.end) for e in doc.entities if e.label in self.r.skips.name_labels])
        self.name_starts = [s for s, _ in names]
        self.name_end_max = list(accumulate([e for _, e in names], max))
        # 比去年, 较上年同期: a comparison base, not the period of anything
        comparison = self.r.periods.comparison
        self.dates = Dates([d for d in doc.dates if not self.text.endswith(comparison, 0, d.start)])
        self.source_clauses: dict[Span, SpanIndex] = {}  # by sentence: see subject.source_clauses
        self.periods: dict[int, tuple[str | None, str | None]] = {}  # id of a date -> its period

    def para_of(self, pos: int) -> int:
        """Index of the paragraph holding ``pos``, or -1."""
        i = self.para_index.index(pos)
        return -1 if i is None else i

    def compact(self, a: int, b: int) -> str:
        """``compact(text[a:b])``; most stretches hold no whitespace, found by a look-up in its positions."""
        i = bisect_left(self.spaces, a)
        if i < len(self.spaces) and self.spaces[i] < b:
            return compact(self.text[a:b])
        return self.text[a:b]

    def clause_start(self, lo: int, pos: int) -> int:
        """Start of the clause holding ``pos`` (after the last separator before it, not before ``lo``)."""
        i = bisect_left(self.seps, pos) - 1
        return max(lo, self.seps[i] + 1) if i >= 0 else lo

    def clause_end(self, pos: int, hi: int) -> int:
        """End of the clause holding ``pos`` (the next separator at or after it, not after ``hi``)."""
        i = bisect_left(self.seps, pos)
        return self.seps[i] if i < len(self.seps) and self.seps[i] < hi else max(pos, hi)

    @cached_property
    def metric_starts(self) -> list[int]:
        """Every position where a metric word begins, overlapping ones too (出口 inside 进出口)."""
        t, metric_re = self.text, self.r.metrics.metric_re
        out = []
        for m in metric_re.finditer(t):
            out.append(m.start())
            out += [k for k in range(m.start() + 1, m.end()) if metric_re.match(t, k)]
        return out

    def metric_search(self, lo: int, hi: int) -> re.Match[str] | None:
        """``metric_re.search(text, lo, hi)`` without rescanning a long clause for every number: the first
        position where a metric word begins that also fits before ``hi``."""
        metric_re = self.r.metrics.metric_re
        if hi - lo <= 200:  # a clause of normal length: just search it
            return metric_re.search(self.text, lo, hi)
        starts = self.metric_starts
        i = bisect_left(starts, lo)
        while i < len(starts) and starts[i] < hi:
            m = metric_re.match(self.text, starts[i], hi)
            if m:
                return m
            i += 1
        return None

    def in_name(self, q: Quantity) -> bool:
        """Whether ``q`` overlaps a name (any name starting before its end that ends after its start: the
        running maximum of the ends answers that in one look-up)."""
        i = bisect_left(self.name_starts, q.end)
        return i > 0 and self.name_end_max[i - 1] > q.start


def logical_sentences(doc: Doc, r: Lexicon) -> list[Span]:
    """Sentences, with a line broken mid-sentence (占新疆外贸进出口总值 / 的23.4%) joined back."""
    text = doc.text
    terminal, continuation = r.clauses.terminal, r.clauses.continuation
    out: list[Span] = []
    for s, e in doc.sentences:
        if out and text[out[-1][1] - 1] not in terminal \
                and _last_char(text, *out[-1]) not in terminal and _first_char(text, s, e) in continuation:
            out[-1] = (out[-1][0], e)  # (the first test is _last_char's fast path: most sentences end with 。)
        else:
            out.append((s, e))
    return out


def _last_char(text: str, s: int, e: int) -> str:
    """Last non-blank character of text[s:e] ("" if none); the strip copies the span only when it ends blank."""
    c = text[e - 1] if e > s else ""
    return c if not c.isspace() else text[s:e].rstrip()[-1:]


def _first_char(text: str, s: int, e: int) -> str:
    """First non-blank character of text[s:e] ("" if none)."""
    c = text[s] if e > s else ""
    return c if not c.isspace() else text[s:e].lstrip()[:1]
