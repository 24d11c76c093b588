"""One offset map from the normalised text back to the raw input.

Every stage that changes the text (pinyin removal, entity decoding, width folding, OpenCC,
line joining, passage removal) goes through :class:`MappedText`.  Each character of the
current text carries the half-open raw span it came from, so composing stages is free and
no stage ever patches offsets of its own.  Records ask ``raw_span(start, end)`` once, at
the end.
"""

from __future__ import annotations

import operator
import re
from array import array
from collections.abc import Callable, Iterable

import numpy as np


class MappedText:
    """A string whose every character knows the raw span ``[rs[i], re[i])`` it came from."""

    __slots__ = ("text", "rs", "re", "raw_len")

    def __init__(self, text: str, rs: array, re_: array, raw_len: int) -> None:
        self.text = text
        self.rs = rs
        self.re = re_
        self.raw_len = raw_len

    @classmethod
    def identity(cls, raw: str) -> MappedText:
        """The raw text itself: character i comes from [i, i+1)."""
        n = len(raw)
        bounds = array("q", np.arange(n + 1, dtype=np.int64).tobytes())  # built in C, not from Python ints
        return cls(raw, bounds[:-1], bounds[1:], n)

    def __len__(self) -> int:
        return len(self.text)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw span covering the normalised span ``[start, end)``."""
        n = len(self.text)
        if n == 0:
            return 0, 0
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if start == end:
            pos = self.rs[start] if start < n else self.re[n - 1]
            return pos, pos
        return min(self.rs[start], self.rs[end - 1]), max(self.re[end - 1], self.re[start])

    def raw_spans(self, starts: list[int], ends: list[int]) -> list[tuple[int, int]]:
        """:meth:`raw_span` of every ``(starts[i], ends[i])``, as array look-ups into the map when all are
        non-empty spans inside the text (a stage's records at once: no call per record), else one by one."""
        n = len(self.text)
        if not starts or min(starts) < 0 or max(ends) > n or not all(map(operator.lt, starts, ends)):
            return [self.raw_span(s, e) for s, e in zip(starts, ends, strict=True)]
        rs, re_ = np.asarray(self.rs, dtype=np.int64), np.asarray(self.re, dtype=np.int64)
        s, e = np.array(starts), np.array(ends) - 1  # first and last character: as raw_span reads them
        return list(zip(np.minimum(rs[s], rs[e]).tolist(), np.maximum(re_[e], re_[s]).tolist(), strict=True))

    def rewrite(self, pieces: Iterable[tuple[int, int, str | None]]) -> MappedText:
        """Apply edits given as ``(start, end, replacement)`` over the current text.

        ``pieces`` must be sorted and non-overlapping.  A replacement of the same length as
        its source keeps the character-to-character map (OpenCC, width folding); any other
        replacement maps each new character to the whole source span (entities, joins).
        ``None`` means delete.  Text between pieces is copied with its map.
        """
        pieces = list(pieces)
        if all(repl is not None and len(repl) == end - start for start, end, repl in pieces):
            return self._rewrite_same_length(pieces)
        out: list[str] = []
        rs = array("q")
        re_ = array("q")
        pos = 0
        src = self.text
        for start, end, repl in pieces:
            if start < pos:
                raise ValueError("overlapping edits")
            if start > pos:
                out.append(src[pos:start])
                rs.extend(self.rs[pos:start])
                re_.extend(self.re[pos:start])
            repl = repl or ""
            if repl:
                out.append(repl)
                if len(repl) == end - start:
                    rs.extend(self.rs[start:end])
                    re_.extend(self.re[start:end])
                else:
                    a, b = self.raw_span(start, end) if end > start else self.raw_span(start, start)
                    rs.extend([a] * len(repl))
                    re_.extend([b] * len(repl))
            pos = end
        if pos < len(src):
            out.append(src[pos:])
            rs.extend(self.rs[pos:])
            re_.extend(self.re[pos:])
        return MappedText("".join(out), rs, re_, self.raw_len)

    def _rewrite_same_length(self, pieces: list[tuple[int, int, str | None]]) -> MappedText:
        """Edits that keep every length keep the map itself (arrays are never mutated, so shared)."""
        out: list[str] = []
        pos = 0
        for start, end, repl in pieces:
            if start < pos:
                raise ValueError("overlapping edits")
            out.append(self.text[pos:start])
            out.append(repl or "")
            pos = end
        out.append(self.text[pos:])
        return MappedText("".join(out), self.rs, self.re, self.raw_len)

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str | None]) -> MappedText:
        """Like ``re.sub`` but keeping the offset map; returns self when nothing matched."""
        pieces = []
        for m in pattern.finditer(self.text):
            r = repl(m) if callable(repl) else m.expand(repl)
            if r != m.group(0):
                pieces.append((m.start(), m.end(), r))
        return self.rewrite(pieces) if pieces else self

    def translate(self, table: dict[int, str]) -> MappedText:
        """Same-length character translation (``str.translate`` with 1:1 entries)."""
        if not any(chr(c) in self.text for c in table):  # str.translate is slow; most texts need nothing
            return self
        new = self.text.translate(table)
        if new == self.text:
            return self
        if len(new) != len(self.text):
            raise ValueError("translate table must map one character to one character")
        return self.with_text(new)

    def with_text(self, text: str) -> MappedText:
        """The same map under a new text of the same length: character i still comes from where it did.

        For rewrites that replace characters one for one (width folding, punctuation, OpenCC
        lines that keep their length); they can then be done with plain ``str``/``re`` methods.
        """
        if len(text) != len(self.text):
            raise ValueError("with_text needs a text of the same length")
        return MappedText(text, self.rs, self.re, self.raw_len)

    def delete_spans(self, spans: Iterable[tuple[int, int]]) -> MappedText:
        """Remove the given spans (sorted, non-overlapping)."""
        return self.rewrite((s, e, None) for s, e in spans)

    def spans_from_raw(self, raw_spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Text spans whose characters come from the given raw spans.

        Marks found early (mojibake, captions) are kept as raw spans and brought to the final
        text through this, so later rewrites never have to shift them.  Our rewrites never
        reorder text, so ``rs`` is non-decreasing and a bisection finds each span.
        """
        import bisect

        out: list[tuple[int, int]] = []
        for a, b in raw_spans:
            i = bisect.bisect_left(self.re, a + 1)
            j = bisect.bisect_left(self.rs, b)
            if i < j:
                out.append((i, j))
        out.sort()
        merged: list[tuple[int, int]] = []
        for s, e in out:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged
