"""What the quantity rules build and share: one quantity found (:class:`QMatch`) and the text being scanned."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from extract.numbers.lexicon import Lexicon
from extract.numeral import Num

Span = tuple[int, int]
MAX_ADJUSTED = 30  # no amount in news is larger than 1e30 (万万万万万万万万 is none)
WINDOW = 12  # how far before a number a qualifier word (with its gap word: 超过了, 至少节省) is looked for


@dataclass(slots=True)
class QMatch:
    """One quantity found in a string.  ``start``/``end`` cover number(s) and unit; ``qstart``/``qend``
    also cover comparison words that set a bound (超过了80, 1000以上); ``tstart``/``tend`` (when set) are the
    record's text: an approximation word right next to the number is part of it (约3000人, 5.5%以内, not the
    约为 of 约为3000人); ``nums`` are the numeral spans;
    ``rule`` names the rule that decided the quantity's final shape (see rules/numbers/)."""

    start: int
    end: int
    value: Decimal
    value_max: Decimal | None = None
    unit: str | None = None
    approx: str | None = None  # about | over | under | at_least | at_most | exact (output as null)
    kind: str = "number"
    unit_text: str | None = None
    nums: list[tuple[int, int, Decimal]] = field(default_factory=list)
    qstart: int = -1
    qend: int = -1
    base: Decimal | None = None
    bounds: str | None = None  # "()", "[]", "(]", "[)" when a range comes from two comparisons
    unit_spans: list[tuple[int, int]] = field(default_factory=list)
    num_end: int = -1  # end of the last number itself (with 多/余, without the unit)
    rule: str | None = None
    tstart: int = -1  # the record's text span, when an adjacent qualifier word widens it (-1: start / end)
    tend: int = -1

    def text_span(self) -> tuple[int, int]:
        """Where the record's text is: the quantity with an adjacent approximation word (近40分钟)."""
        return (self.tstart if self.tstart >= 0 else self.start), (self.tend if self.tend >= 0 else self.end)


def span_of(a: QMatch, b: QMatch, low: Decimal, high: Decimal, rule: str, qstart: int, qend: int,
            bounds: str | None = None) -> QMatch:
    """One quantity spanning ``a`` to ``b`` (a range): the unit written on either side, both numbers."""
    return QMatch(a.start, b.end, low, high, a.unit or b.unit, None, a.kind if a.unit else b.kind,
                  a.unit_text or b.unit_text, a.nums + b.nums, qstart, qend, None, bounds, a.unit_spans + b.unit_spans,
                  b.num_end, rule, a.tstart, b.tend)


class Blocked:
    """Sorted, merged spans that no quantity may overlap (dates, corrupt text, set phrases, codes)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def end_at(self, pos: int) -> int:
        """End of the blocked span containing ``pos``, or -1."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.ends[i] if i >= 0 and pos < self.ends[i] else -1

    def hits(self, s: int, e: int) -> bool:
        """Does [s, e) overlap a blocked span?"""
        i = bisect.bisect_left(self.ends, s + 1)
        return i < len(self.starts) and self.starts[i] < e


@dataclass(slots=True)
class Scan:
    """One text being scanned: the text, the compiled lexicon and the spans no quantity may overlap."""

    text: str
    lex: Lexicon
    blocked: Blocked
    resume: int = 0  # where the scan may go on after a number too large to be an amount


def low(num: Num, sign: int) -> Decimal:
    """The bound of a vague number that gives the smaller signed value (负七八: -8, not -7)."""
    return num.lo if sign > 0 else num.hi


def high(num: Num, sign: int) -> Decimal:
    """The bound of a vague number that gives the larger signed value (负七八: -7)."""
    return num.hi if sign > 0 else num.lo


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"
