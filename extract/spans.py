"""Spans of text as ``(start, end)`` pairs, and a text's code points: the helpers every stage shares.

Kept apart from the stages (and free of imports from the package) so that an early stage never
has to import a later one for them: passage de-duplication and segmentation both split the
text into :func:`paragraphs`; the offset map, passage de-duplication and the number finder
merge overlapping spans with :func:`merge_spans`; the array stages (normalise, passages, segmentation,
entities, facts) read a text's characters as numbers with :func:`code_points`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache

import numpy as np

_LINE = re.compile(r"[^\n]+")


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as a ``uint32`` array, one C-level conversion (lone surrogates kept)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def bmp_chars(pattern: str | re.Pattern[str]) -> str:
    """The characters of the Basic Multilingual Plane that ``pattern`` (a character class, or runs of one) matches,
    in code point order: tables by code point are read off a pattern itself, never typed again."""
    return "".join(re.findall(pattern, _bmp()))


@cache
def _bmp() -> str:
    return "".join(map(chr, range(0x10000)))


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans sorted, with overlapping or touching ones merged into one."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-empty lines, stripped of surrounding blanks: the normalised text keeps one paragraph a line."""
    out = []
    for m in _LINE.finditer(text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


class Taken:
    """Spans already taken, asked "does [s, e) overlap one of them?" by bisection.

    A scan of every taken span for every new match made long articles quadratic (thousands of
    matches times thousands of spans); merged and sorted once, each question costs a log.
    """

    __slots__ = ("starts", "ends")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged = merge_spans(spans)
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def add(self, s: int, e: int) -> None:
        """Take ``[s, e)`` too (merged with the spans it overlaps or touches, as :func:`merge_spans` does)."""
        i = bisect_left(self.starts, s)
        if i > 0 and self.ends[i - 1] >= s:
            i -= 1
            s, e = self.starts[i], max(e, self.ends[i])
        j = i
        while j < len(self.starts) and self.starts[j] <= e:
            e = max(e, self.ends[j])
            j += 1
        self.starts[i:j] = [s]
        self.ends[i:j] = [e]

    def overlaps(self, s: int, e: int) -> bool:
        """Whether some taken ``[a, b)`` has ``a < e and s < b`` (as the scan it replaces; ``s < e``)."""
        i = bisect_left(self.starts, e) - 1
        return i >= 0 and self.ends[i] > s
