"""Overlap resolution (``rules/entities/resolve.toml``): the candidates of all rules overlap, kept spans never do."""

from __future__ import annotations

import operator
from bisect import bisect_left

from extract.entities.candidate import Cand
from extract.entities.lexicon import Rules

_START_END = operator.attrgetter("start", "end")


def resolve(r: Rules, cands: list[Cand], n: int) -> list[Cand]:
    """Non-overlapping spans: the rule's tier first, then longer, then the rank of the rule's source (gazetteer
    over suffix), then leftmost.  Kept ones in text order (see :func:`resolve_taken`)."""
    return resolve_taken(r, cands, n)[0]


def resolve_taken(r: Rules, cands: list[Cand], n: int) -> tuple[list[Cand], bytearray]:
    """:func:`resolve`, and a byte per position 0..n, 1 where a kept span lies (``mentions.expand`` starts from it
    rather than marking the spans again).

    The keys are made in one list comprehension and the candidates sorted by position in it (a stable sort,
    as ``sorted(cands, key=…)`` is), which spares a Python call per candidate."""
    tier, rank = r.tier, r.rank
    keys = [(tier[c.rule], c.start - c.end, rank[c.rule], c.start) for c in cands]
    taken = bytearray(n + 1)
    keep = []
    for i in sorted(range(len(cands)), key=keys.__getitem__):
        c = cands[i]
        s, e = c.start, c.end
        if e <= s or 1 in taken[s:e]:  # a slice and a byte search: cheaper than find's argument parsing
            continue
        taken[s:e] = b"\x01" * (e - s)
        keep.append(c)
    keep.sort(key=_START_END)
    return keep, taken


def beside(ents: list[Cand], titles: list[Cand]) -> list[Cand]:
    """The titles that overlap none of ``ents`` (non-overlapping, sorted by start, so their ends are sorted too:
    the last one starting before a title ends is the only one that may reach into it)."""
    starts = [c.start for c in ents]
    out = []
    for c in titles:
        i = bisect_left(starts, c.end) - 1
        if i < 0 or ents[i].end <= c.start:
            out.append(c)
    return out
