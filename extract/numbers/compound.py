"""Compound durations (units.toml [compound_duration]): a duration and the smaller ones written right after it.

三年六个月 is one prison term of 42 months, 11分36秒 one response time of 696 s, 1分44秒62 one race time of
104.62 s: read as separate quantities they would be wrong twice (three years, and six months of nothing).
:func:`compound` extends a finished duration (or 分 before 秒) over the smaller parts that follow it and
converts the whole into the smallest unit written (the part that follows is found by
:func:`extract.numbers.suffix.smaller_duration`, which also tells the indefinite-article rule that 一年 in
一年零三个月 is a number).
"""

from __future__ import annotations

from decimal import Decimal

from extract.numbers.match import QMatch, Scan
from extract.numbers.suffix import match_unit, smaller_duration


def compound(s: Scan, q: QMatch) -> None:
    """Extend ``q`` (a duration, or a count of 分 before seconds) over the smaller durations right after it."""
    c = s.lex.units.compound
    if q.value_max is not None or q.value < 0:
        return
    unit = q.unit if q.kind == "duration" else c.minute if q.unit_text in c.minute_words else None
    if unit is None:
        return
    joined = False
    while True:
        nxt = smaller_duration(s, unit, q.end)
        if nxt is None:
            break
        num, word, small, uend, ustart = nxt
        q.value = q.value * c.factor[(unit, small)] + num.value
        q.nums.append((num.start, num.end, num.value))
        q.unit_spans.append((ustart, uend))
        q.unit, q.kind, q.unit_text, q.end, q.num_end = small, "duration", word, uend, num.end
        unit, joined = small, True
    if unit == c.second:
        joined = _second_fraction(s, q) or joined
    if joined:
        q.rule = c.name


def _second_fraction(s: Scan, q: QMatch) -> bool:
    """13秒92 = 13.92 s: digits right after 秒 that no unit follows are its fraction."""
    t, c = s.text, s.lex.units.compound
    m = c.fraction_re.match(t, q.end)
    if m is None or q.value != q.value.to_integral_value() or s.blocked.hits(m.start(), m.end()):
        return False
    if match_unit(s.lex.units, t, m.end()) is not None:
        return False  # 10秒5次: a count of its own
    digits = m.group()
    q.value += Decimal(f"0.{digits}")
    q.nums.append((m.start(), m.end(), Decimal(digits)))
    q.end = q.num_end = m.end()
    return True
