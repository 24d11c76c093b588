"""The scan: every quantity of a string, left to right, one seed at a time.

One compiled *seed* regex (lexicon.py) finds where a number can start (an Arabic digit, a Chinese numeral,
百分之, a currency sign ...).  Only there does Python look closer, so the cost grows with the number of
numerals, not with the length of the text.  At a seed, :func:`_at` reads the number (numeral.py,
reading.py, lead.py), what follows it (suffix.py), then :func:`_finish` applies the combiners (qualify.py,
ranges.py) and the filters (filters.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, localcontext

from extract.numbers.compound import compound
from extract.numbers.filters import blocked_spans, frame_ok, kept, model_name
from extract.numbers.lead import currency_sign, duizhe, fan, fenzhi, lead_number
from extract.numbers.lexicon import lexicon
from extract.numbers.match import MAX_ADJUSTED, QMatch, Scan, Span, high, is_cjk, low
from extract.numbers.qualify import after, before, join_comparisons, rate_before
from extract.numbers.ranges import between, connected
from extract.numbers.reading import fraction_after
from extract.numbers.suffix import suffix
from extract.numeral import DIGIT_CHARS, FINANCIAL_CHARS, Num, floor, fmt_dec, is_some, parse_number

_DIGIT_RUN = re.compile("[0-9]+")


def find_quantities(text: str, skip: Iterable[Span] = ()) -> list[QMatch]:
    """Every quantity in ``text``, in order, never overlapping a ``skip`` span (dates, corrupt text)."""
    lex = lexicon()
    s = Scan(text, lex, blocked_spans(text, skip, lex))
    out: list[QMatch] = []
    t, n, pos = text, len(text), 0
    seed, cont, blocked = lex.seed, lex.continues, s.blocked
    neg_second = lex.reading.negative_second
    while True:
        m = seed.search(t, pos)
        if m is None:
            break
        p = m.start()
        skip_to = blocked.end_at(p)
        if skip_to > 0:
            pos = skip_to  # inside a date, a code, a set phrase
            continue
        if t[p] in DIGIT_CHARS and p + 1 < n and t[p + 1] not in cont and is_cjk(t[p + 1]) \
                and t[p + 1] not in neg_second:
            pos = p + 1  # 一些 / 统一的: a one-character numeral that nothing can follow
            continue
        q = _at(s, p)
        if q is None:
            # a number starting inside a run of ASCII digits is glued to the digit before it (never one):
            # go past the run, so that a long run is read once, not once per digit
            pos = max(_ascii_digits_end(t, p + 1) if "0" <= t[p] <= "9" else p + 1, s.resume)
            continue
        if out and q.start < out[-1].end:
            pos = max(m.end(1), out[-1].end)
            continue
        out.append(q)
        pos = max(q.end, q.qend, m.end(1))
    return join_comparisons(t, out, lex)


def _ascii_digits_end(t: str, p: int) -> int:
    """The end of the run of ASCII digits at ``p`` (``p`` itself when none is there)."""
    m = _DIGIT_RUN.match(t, p)
    return m.end() if m is not None else p


def _at(s: Scan, pos: int) -> QMatch | None:
    """The quantity starting at seed position ``pos``, or None."""
    if s.text[pos].isdigit():
        # the common case first: an Arabic number has no sign, currency or lead-in word to look for
        num = parse_number(s.text, pos)
        if num is None:
            return None
        # no number starting inside this one is an amount either (8 of 50.8, 234 of 1,234,567...): when this one
        # is none, the scan goes on after it
        s.resume = num.end
        if abs(num.hi).adjusted() > MAX_ADJUSTED:
            return None
        return _quantity(s, num, pos, 1, None, False)
    return _at_word(s, pos)


def _at_word(s: Scan, pos: int) -> QMatch | None:
    """:func:`_at` for every seed but a digit: signs, currencies, 百分之, 翻番, 对折, 上百 / 数十 / 半."""
    t, lx = s.text, s.lex
    ch = t[pos]
    if ch in lx.percent.fan_rule.first:
        return fan(s, pos)
    if ch in lx.percent.duizhe.first:
        return duizhe(s, pos)
    sign = currency_sign(s, pos) if ch in lx.units.sign_first else None
    if sign is not None:  # (else the character may start a number itself: 百 of 百慕大元 and of 百分之)
        got = lead_number(s, sign.number, s.text[sign.number])[0]
        if got is None:
            return None
        return _quantity(s, got[0], sign.start, got[2], (sign.code, sign.start), False)
    if ch in lx.percent.fenzhi.first:
        pm = lx.percent.fenzhi.re.match(t, pos)
        if pm is not None:
            q = fenzhi(s, pos, pm)
            return None if q is None else _finish(s, q, None)
    got, lead_over = lead_number(s, pos, ch)
    if got is None:
        return None
    return _quantity(s, got[0], got[1], got[2], None, lead_over)


def _quantity(s: Scan, num: Num, nstart: int, sign: int, pre_unit: tuple[str, int] | None,
              lead_over: bool) -> QMatch | None:
    """The quantity around a number read at ``nstart``: fraction, unit or percent after it, qualifiers."""
    t = s.text
    if nstart > 0 and t[nstart - 1].isascii() and (t[nstart - 1].isalnum() or t[nstart - 1] == "_"):
        return None  # a number glued to Latin letters or digits is a code (A2021...)
    if s.blocked.hits(num.start, num.end):
        return None
    if num.digitseq is not None:
        return _digit_string(s, num, nstart)
    fr = fraction_after(s, num, sign, nstart)
    if fr is not None:
        value, fend, rule = fr
        with localcontext() as ctx:
            ctx.prec = 28
            value = +value
        return _finish(s, QMatch(nstart, fend, value, kind="fraction", nums=[(nstart, fend, value)], num_end=fend,
                                 rule=rule), None)
    q = _number(s, num, nstart, sign, pre_unit, lead_over)
    if num.single_cn and t[num.start] in FINANCIAL_CHARS and not frame_ok(s, nstart, num.end):
        return None  # 登陆部队, 拾起: 陆 / 拾 alone are words, not numerals (decided before any suffix)
    if suffix(s, q, num, sign, pre_unit) is False:
        return None
    if q.end < len(t) and t[q.end].isascii() and t[q.end].isalpha() and t[q.end - 1].isascii():
        return None  # 5G, 4K, 3D, 5kgs: a code, not an amount (not 3.2亿美元C轮: the unit ends the amount)
    if q.kind == "duration" or q.kind == "count":
        compound(s, q)  # 三年六个月, 11分36秒, 13秒92
    if (t[nstart - 1:nstart] == " " or t[q.end:q.end + 1] == " ") and model_name(s, q, nstart):
        return None
    return _finish(s, q, num)


def _digit_string(s: Scan, num: Num, nstart: int) -> QMatch | None:
    """三八折 / 九五折: a digit string only as a discount."""
    zhe = s.lex.percent.zhe
    zm = zhe.re.match(s.text, num.end)
    if zm is None or len(num.digitseq) != 2:
        return None
    v = Decimal(num.digitseq)
    return _finish(s, QMatch(nstart, zm.end(), v, unit=zhe.unit, kind="percent", unit_text=zhe.first,
                             nums=[(num.start, num.end, v)], rule=zhe.name), None)


def _number(s: Scan, num: Num, nstart: int, sign: int, pre_unit: tuple[str, int] | None,
            lead_over: bool) -> QMatch:
    """The quantity of the number alone (before its suffix): value, bounds of a vague number, its rule."""
    numeral_start = nstart if pre_unit is None else num.start
    if len(num.atoms) == 1 and num.arabic and sign > 0:
        value = num.value  # read straight from the digits: already exact and without exponent
        q = QMatch(nstart, num.end, value, nums=[(numeral_start, num.end, value)], num_end=num.end)
    else:
        written = num.base if num.vague and num.base else num.value
        q = QMatch(nstart, num.end, fmt_dec(low(num, sign) * sign),
                   nums=[(numeral_start, num.core_end, fmt_dec(written * sign))], num_end=num.end)
    r = s.lex.reading
    q.rule = r.vague_name if num.vague or num.over or lead_over else s.lex.filters.bare_name
    if is_some(num):  # 十几个 = over 10, 数百家 = over 100: the round lower bound, as 40多个 is over 40
        q.value = q.base = fmt_dec(floor(num) * sign)
        q.approx = "over"
    elif num.vague:  # 两三个: 2..3
        q.value_max = fmt_dec(high(num, sign) * sign)
        q.approx = "about"
        q.base = fmt_dec(num.base * sign)
    if num.over or lead_over:
        q.approx = "over"
        q.base = fmt_dec(num.base * sign)
    return q


def _finish(s: Scan, q: QMatch, num: Num | None) -> QMatch | None:
    """Qualifiers around the quantity, ranges, and the bare-number test."""
    q.qstart = q.start
    q.qend = q.num_end if q.num_end > 0 else q.end
    after(s, q)  # 左右, 以上, 以下 ...
    q = connected(s, q) or q  # 200元至300元, 6到8小时, 3~5天, 5-20%
    before(s, q)  # 约, 超过了, 不到 ... / 比三十大
    rate_before(s, q)  # 时速350公里
    if q.value_max is None:
        q = between(s, q) or q  # 位于20和30之间 / 10000与20000间
    return q if q.unit is not None or q.kind != "number" or kept(s, q, num) else None
