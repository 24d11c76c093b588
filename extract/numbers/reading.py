"""Reading the number of a quantity: its sign, a fraction after it, a lead word standing for its coefficient.

The numeral itself is read by :func:`extract.numeral.parse_number`; this module adds what a quantity's
number may be beyond a numeral: 负3 / -3 / 零下5, 三分之一 / 3/5 / 4 6/3 / 2又3分之1, 上百 / 数十万.
"""

from __future__ import annotations

from decimal import Decimal

from extract.numbers.match import Scan, is_cjk
from extract.numeral import CN_DIGITS, Num, parse_number, recompute

_ONE = next(c for c, v in CN_DIGITS.items() if v == 1)  # 一
Signed = tuple[Num, int, int]  # (number, start including its sign, sign)


def signed(s: Scan, pos: int) -> Signed | None:
    """The number at ``pos`` with its sign (负 / 零下 / a minus not glued to a word or number)."""
    t, r = s.text, s.lex.reading
    sign = 1
    p = pos
    for w in r.negative:
        if t.startswith(w, p):
            sign, p = -1, p + len(w)
            break
    else:
        if p < len(t) and t[p] == r.minus:
            if pos > 0 and (t[pos - 1].isalnum() and not is_cjk(t[pos - 1]) or t[pos - 1] in r.minus_not_after):
                return None  # A-3, 3-4: a hyphen
            sign, p = -1, p + 1
    if sign < 0:
        while p < len(t) and t[p] == " ":
            p += 1
    num = parse_number(t, p)
    if num is None:
        return None
    return num, pos, sign


def fraction_after(s: Scan, num: Num, sign: int, start: int) -> tuple[Decimal, int, str] | None:
    """X分之Y (value Y/X), 3/5, 4 6/3, N又X分之Y after the number read: (value, end, rule name) or None."""
    t, r = s.text, s.lex.reading
    nxt = t[num.end:num.end + 1]
    if not nxt or nxt not in r.fraction_next:
        return None
    fm = r.fraction_re.match(t, num.end)
    if fm is not None and not num.vague:
        got = signed(s, fm.end())
        if got is not None and got[0].digitseq is None:
            den = num.value * sign
            if den != 0:
                n2, _s2, sign2 = got
                return n2.value * sign2 / den, n2.end, r.fraction_name
    if num.arabic and num.value == num.value.to_integral_value() and not num.over:
        sm = r.slash_re.match(t, num.end)
        if sm is not None and int(sm.group(1)) != 0 and not (start > 0 and t[start - 1] == r.slash):
            return sign * num.value / Decimal(sm.group(1)), sm.end(), r.slash_name
        mm = r.mixed_slash_re.match(t, num.end)
        if mm is not None and int(mm.group(2)) != 0:
            return sign * (num.value + Decimal(mm.group(1)) / Decimal(mm.group(2))), mm.end(), r.slash_name
    ym = r.fraction_and_re.match(t, num.end)
    if ym is not None and not num.vague:
        inner = signed(s, ym.end())
        if inner is not None and inner[0].digitseq is None:
            fr = fraction_after(s, inner[0], inner[2], inner[1])
            if fr is not None:
                return sign * (num.value + fr[0]), fr[1], fr[2]
    return None


def with_coefficient(s: Scan, pos: int, some: bool) -> Num | None:
    """上百 / 数十万 / 几百: a leading word standing for the coefficient of the scales after it.

    The scales are read as if written with 一 before them; ``some`` (数) makes that coefficient 1..9."""
    t = s.text
    p = pos + 1
    probe = parse_number(_ONE + t[p:p + 12], 0)
    if probe is None or not probe.atoms or probe.atoms[0][0] != "n":
        return None
    atoms = list(probe.atoms)
    if some:
        atoms[0] = ("v", Decimal(1), Decimal(9), Decimal(0))
    end = p + probe.end - 1
    num = recompute(Num(pos, end, Decimal(0), Decimal(0), Decimal(0), Decimal(0), end), atoms, end)
    if len(atoms) < 2:
        return None
    num.core_end = end
    return num
