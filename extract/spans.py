"""Spans of text as ``(start, end)`` pairs: the helpers every stage shares.

Kept apart from the stages (and free of imports from the package) so that an early stage never
has to import a later one for them: passage de-duplication and segmentation both split the
text into :func:`paragraphs`; the offset map, passage de-duplication and the number finder
merge overlapping spans with :func:`merge_spans`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LINE = re.compile(r"[^\n]+")


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
