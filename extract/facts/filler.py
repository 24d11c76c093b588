"""Filler words at the ends of a phrase (达, 累计, 约 …), dropped by dictionary look-ups.

The words are in ``rules/facts/filler.toml``.  Stripping runs for every metric and subject phrase of
every number, so it must not try sixty words at both ends of each: an index by first and last character
visits only the words that can stand at an end, with the same result as trying all of them in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter


@dataclass(frozen=True)
class FillerIndex:
    """Filler words by text -> their place in the word tuple (as prefixes; as suffixes when long enough),
    and by the character they start with (or, as suffixes, end with) -> their lengths, ascending; ``trim``
    is what is stripped after the words (quotes, blanks); ``keeps``: by filler word, the words starting with it
    that are no filler (有 of 有效, 就 of 就业), which keep it at the start of a phrase."""

    words: tuple[str, ...]
    starts: dict[str, int]
    ends: dict[str, int]
    start_lens: dict[str, tuple[int, ...]]
    end_lens: dict[str, tuple[int, ...]]
    trim: str
    keeps: dict[str, tuple[str, ...]]


def _lens_by(words: Iterable[str], key: Callable[[str], str]) -> dict[str, tuple[int, ...]]:
    """The distinct lengths of ``words``, ascending, by ``key`` of the word (its first or last character)."""
    out: dict[str, set[int]] = {}
    for w in words:
        out.setdefault(key(w), set()).add(len(w))
    return {c: tuple(sorted(ns)) for c, ns in out.items()}


@cache
def filler_index(words: tuple[str, ...], end_min: int, trim: str, keep: tuple[str, ...] = ()) -> FillerIndex:
    """The :class:`FillerIndex` of ``words`` (tried in this order) stripping suffixes of ``end_min``+ characters;
    a phrase starting with a word of ``keep`` keeps the filler it starts with."""
    ends = {w: i for i, w in enumerate(words) if len(w) >= end_min}
    keeps: dict[str, list[str]] = {}
    for k in keep:
        for w in words:
            if len(w) < len(k) and k.startswith(w):
                keeps.setdefault(w, []).append(k)
    return FillerIndex(words, {w: i for i, w in enumerate(words)}, ends,
                       _lens_by(words, itemgetter(0)), _lens_by(ends, itemgetter(-1)), trim,
                       {w: tuple(ks) for w, ks in keeps.items()})


def strip(s: str, fi: FillerIndex) -> str:
    """Drop filler words from the start of ``s``, and those long enough from its end, then trim.

    Each pass tries the words in order, each at the end and then at the start, until a pass changes
    nothing.  Only the words that actually stand at an end are visited (look-ups of the prefixes and
    suffixes of ``s`` of the lengths of the words that start with its first character or end with its
    last): the same result as trying all of them, without the scan.
    """
    if not s or s[0] not in fi.start_lens and s[-1] not in fi.end_lens:  # most phrases: no filler at either end
        return s.strip(fi.trim)
    none = len(fi.words)
    changed = True
    while changed and s:
        changed = False
        k = 0
        while s:
            j = none  # the first word from k on that stands at an end of s
            for n in fi.end_lens.get(s[-1], ()):
                if n > len(s):
                    break
                i = fi.ends.get(s[-n:], -1)
                if k <= i < j:
                    j = i
            for n in fi.start_lens.get(s[0], ()):
                if n > len(s):
                    break
                i = fi.starts.get(s[:n], -1)
                if k <= i < j:
                    j = i
            if j == none:
                break
            w = fi.words[j]
            if w in fi.ends and s.endswith(w):
                s = s[: -len(w)]
                changed = True
            if s.startswith(w) and not (w in fi.keeps and s.startswith(fi.keeps[w])):  # 有效, 就业: no filler
                s = s[len(w):]
                changed = True
            k = j + 1
    return s.strip(fi.trim)

