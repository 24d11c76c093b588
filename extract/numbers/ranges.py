"""The range combiner: two numbers making one quantity (ranges.toml).

200元至300元, 6到8小时, 3~5天, 5-20% (:func:`connected`, rule ``range.connector``) and 位于20和30之间
(:func:`between`, ``range.between``).  A unit written once applies to both ends, and so does a big scale
written after the second number only (10至20万元 = 10万..20万).
"""

from __future__ import annotations

from decimal import Decimal

from extract.numbers.lexicon import norm_word
from extract.numbers.match import QMatch, Scan, span_of
from extract.numbers.reading import Signed, signed
from extract.numbers.suffix import suffix
from extract.numeral import BIG_SCALE_CHARS, Num, fmt_dec


def _second(s: Scan, p: int) -> Signed | None:
    """The number after a connector, if it can end a range."""
    if p >= len(s.text):
        return None
    got = signed(s, p)
    if got is None or got[0].digitseq is not None or s.blocked.hits(got[0].start, got[0].end):
        return None
    return got


def _bare(got: Signed) -> QMatch:
    """The second number as a quantity of its own, before its suffix is read."""
    num, start, sign = got
    value = fmt_dec(num.value * sign)
    return QMatch(start, num.end, value, nums=[(start, num.core_end, value)], num_end=num.end)


def connected(s: Scan, q: QMatch) -> QMatch | None:
    """A second number joined by 至/到/~/- makes a range; a unit written once applies to both ends."""
    t, rg = s.text, s.lex.ranges
    if q.approx is not None or q.value_max is not None or q.kind == "fraction":
        return None
    if q.end >= len(t) or t[q.end] not in rg.first:
        return None
    cm = rg.re.match(t, q.end)
    got = None if cm is None else _second(s, cm.end())
    if got is None or got[0].over or got[0].vague:
        return None
    q2 = _bare(got)
    if suffix(s, q2, got[0], got[2], None) is False:
        return None
    if q.unit is not None and q2.unit is not None and q.unit != q2.unit:
        return None
    if q.unit is not None and q2.unit is None and (t[cm.start():cm.end()].strip() in rg.dashes or q.kind == "count"):
        return None  # 5吨-8: the unit is not carried over a dash
    lo = _low_end(s, q, q2, got[0])
    if q2.value <= lo:
        return None
    out = span_of(q, q2, lo, q2.value, rg.name, q.qstart, q2.num_end)
    pm = s.lex.qualifiers.post_re.match(t, out.end)
    if pm is not None and norm_word(pm.group("q")) in rg.after_about:
        out.approx, out.qend = "about", pm.end()
        out.tend = out.qend
    return out


def _low_end(s: Scan, q: QMatch, q2: QMatch, second: Num) -> Decimal:
    """The low end of a range, with what the high end writes once for both.

    3至5成 is 30..50 % (成 counts tenths on both sides); 10至20万元 is 10万..20万 (a big scale
    after the second number applies to a first number without one, as long as the first then
    stays below the second: 5到3万 keeps 5).
    """
    if q.unit is None and q2.unit is not None and q2.kind == "percent" and q2.unit_text == s.lex.percent.cheng.first:
        return q.value * 10
    scale = 1
    for atom in reversed(second.atoms):
        if atom[0] != "b":
            break
        scale *= atom[1]
    if scale == 1 or q.unit is not None or len(q.nums) != 1:
        return q.value
    start, end, _ = q.nums[0]
    if any(c in BIG_SCALE_CHARS for c in s.text[start:end]) or q.value * scale >= q2.value:
        return q.value
    return fmt_dec(q.value * scale)


def between(s: Scan, q: QMatch) -> QMatch | None:
    """位于20和30之间 / 10000与20000间: the interval [A, B)."""
    t, rg = s.text, s.lex.ranges
    if q.end >= len(t) or t[q.end] not in rg.between_first:
        return None
    jm = rg.between_join_re.match(t, q.end)
    got = None if jm is None else _second(s, jm.end())
    if got is None:
        return None
    q2 = _bare(got)
    am = rg.between_after_re.match(t, q2.num_end)
    if am is None:
        if suffix(s, q2, got[0], got[2], None) is False:
            return None
        am = rg.between_after_re.match(t, q2.end)
    if am is None or q2.value <= q.value:
        return None
    if q.unit is not None and q2.unit is not None and q.unit != q2.unit:
        return None
    window = t[max(0, q.start - 6):q.start]
    bb = rg.between_before_re.search(window)
    qstart = q.start - (len(window) - bb.start()) if bb is not None else q.start
    return span_of(q, q2, q.value, q2.value, rg.between_name, qstart, am.end(), "[)")
