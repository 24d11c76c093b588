"""Quantities that begin with a word rather than a digit: 翻一番, 打对折, $100 / 人民币100, 百分之三十五,
上百 / 数百 / 半 / 不到百公里.  Each function reads what its lead word says; the finder completes the rest."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from extract.numbers.match import MAX_ADJUSTED, WINDOW, QMatch, Scan, high, low
from extract.numbers.reading import Signed, signed, with_coefficient
from extract.numbers.suffix import match_unit
from extract.numeral import BIG_SCALES, DIGIT_CHARS, SMALL_SCALES, exact, floor, fmt_dec, is_some


def fan(s: Scan, pos: int) -> QMatch | None:
    """翻一番 = 2 倍, 翻两番 = 4 倍."""
    p = s.lex.percent
    for w, v in p.fan.items():
        if s.text.startswith(w, pos):
            return QMatch(pos, pos + len(w), v, unit=p.fan_rule.unit, kind="multiple", unit_text=w,
                          nums=[(pos + len(w) - 2, pos + len(w) - 1, v)], qstart=pos, qend=pos + len(w),
                          rule=p.fan_rule.name)
    return None


def duizhe(s: Scan, pos: int) -> QMatch | None:
    """打对折 = 50 % (对折 after 打)."""
    p = s.lex.percent
    if pos == 0 or s.text[pos - 1] != p.duizhe_after or not s.text.startswith(p.duizhe_word, pos):
        return None
    end = pos + len(p.duizhe_word)
    return QMatch(pos, end, p.duizhe_value, unit=p.duizhe.unit, kind="percent", unit_text=s.text[pos:end], nums=[],
                  qstart=pos, qend=end, rule=p.duizhe.name)


class Sign(NamedTuple):
    """A currency sign or name before a number: its ISO code, where it starts, where the number starts."""

    code: str
    start: int
    number: int


def currency_sign(s: Scan, pos: int) -> Sign | None:
    """$100, ￥5, 人民币100, HK$3: the currency written before the number."""
    t, u = s.text, s.lex.units
    wm = u.sign_re.match(t, pos)
    if wm is None:
        return None
    word = wm.group()
    code, start = u.signs[word], pos
    if word == u.dollar:  # HK$100, NT$50, S$20: the letters before $ name the dollar
        prefix = next((t[pos - k:pos] for k in (2, 1) if pos >= k and t[pos - k:pos] in u.dollar_prefixes), None)
        if prefix is not None:
            code, start = u.dollar_prefixes[prefix], pos - len(prefix)
    p = pos + len(word)
    while p < len(t) and t[p] == " ":
        p += 1
    if p >= len(t) or not (t[p].isdigit() or t[p] in DIGIT_CHARS or t[p] in u.sign_number_starts):
        return None
    return Sign(code, start, p)


def fenzhi(s: Scan, pos: int, pm: re.Match) -> QMatch | None:
    """百分之三十五 = 35 %, 千分之2.4 = 0.24 %, 百分之七八十 = 70..80 %, 百分之百 = 100 %.

    ``pm`` is the match of the prefix (百分之); None when no number follows it."""
    t, p = s.text, s.lex.percent
    den = Decimal(1)
    for c in pm.group(1):
        if c != " ":
            den *= SMALL_SCALES.get(c) or BIG_SCALES[c]
    got = signed(s, pm.end())
    if got is None and t.startswith(p.fenzhi_hundred, pm.end()):
        got = (exact(Decimal(100), pm.end(), pm.end() + 1), pm.end(), 1)  # 百分之百
    if got is None or got[0].digitseq is not None:
        return None
    num, _, sign = got
    if s.blocked.hits(pos, num.end):
        return None
    factor = Decimal(100) / den
    q = QMatch(pos, num.end, fmt_dec(low(num, sign) * sign * factor), unit=p.fenzhi.unit, kind="percent",
               unit_text=t[pos:pm.end()].replace(" ", ""), nums=[(num.start, num.core_end, num.value)],
               num_end=num.end, rule=p.fenzhi.name)
    if is_some(num):  # 百分之几十: over 10 %
        q.value = q.base = fmt_dec(floor(num) * sign * factor)
        q.approx = "over"
    elif num.vague:
        q.value_max = fmt_dec(high(num, sign) * sign * factor)
        q.approx = "about"
        q.base = fmt_dec(num.base * factor)
    elif num.over:
        q.approx = "over"
    return q


def lead_number(s: Scan, pos: int, ch: str) -> tuple[Signed | None, bool]:
    """The number a word-led quantity starts with, and whether its lead word says "over" (上百).

    上百 (over 100), 数百 / 几十 (1..9 x scale), 半 (0.5; 半百 = 50), a signed number, or a lone 百 / 千
    before a measure word (不到百公里, 近百家)."""
    t, r = s.text, s.lex.reading
    if ch == r.lead_over:
        num = with_coefficient(s, pos, False)
        return (None if num is None else (num, pos, 1)), True
    if ch in r.lead_some:
        num = with_coefficient(s, pos, True)
        return (None if num is None else (num, pos, 1)), False
    if ch == r.half:
        if pos > 0 and t[pos - 1] in r.half_not_after:
            return None, False
        if t[pos + 1] in r.half_hundred:
            return (exact(Decimal(50), pos, pos + 2), pos, 1), False
        return (exact(Decimal("0.5"), pos, pos + 1), pos, 1), False
    got = signed(s, pos)
    if got is not None and abs(got[0].hi).adjusted() > MAX_ADJUSTED:
        return None, False  # 万万万万万万万万: no real amount
    if got is None and ch in r.lone_scale and pos + 1 < len(t):
        um = match_unit(s.lex.units, t, pos + 1)
        if um is not None and not um.ge and (s.lex.units.of[um.word].kind in r.lone_scale_kinds
                                             or s.lex.qualifiers.pre_re.search(t[max(0, pos - WINDOW):pos])):
            got = (exact(Decimal(SMALL_SCALES[ch]), pos, pos + 1), pos, 1)
    return got, False
