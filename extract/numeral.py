"""Numerals: reading the numbers written in Chinese or Arabic digits (the one reader of the package).

The quantity extractor reads every amount here (:func:`parse_number`: 一千二百, 1.5万, 十几万, 两三);
the date extractor reads its numerals (二〇二三, 十二, 廿三) with :func:`cn_int`, over the same tables.
The characters are data (``rules/numbers/numerals.toml``), loaded once at import: the reader runs at
every numeral of every text, so its tables are plain module-level dicts and strings.

How :func:`parse_number` reads, and why:
- Atom by atom (Arabic digits, a Chinese digit, 十/百/千 small scale, 万/亿/兆 big scale, 零, 点, 几, 多),
  by a small state machine (:class:`_Reading`) that stops at the first atom breaking the grammar:
  五十千 reads 五十, 百分之七十百分位 reads 七十.  What was read stays valid, so the caller needs no
  backtracking.
- Values are ``Decimal`` throughout, so 16.4亿 is exactly 1640000000.
- Vague numerals carry bounds: 十几万 = 110000..190000, 两三 = 2..3 (never 23), 500多亿 = over 5e10;
  ``base`` keeps the written floor (十几万 -> 100000) for comparisons.
- A plain Arabic number (20, 69.7, 1500万) takes a fast path: most numbers in news are written so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from extract.rules import load_toml

_T = load_toml("numbers/numerals")

CN_DIGITS: dict[str, int] = {c: v for v, chars in enumerate(_T["digits"]["values"]) for c in chars}
SMALL_SCALES: dict[str, int] = {c: v for chars, v in _T["scales"]["small"].items() for c in chars}
BIG_SCALES: dict[str, int] = {c: v for chars, v in _T["scales"]["big"].items() for c in chars}
TENS: dict[str, int] = dict(_T["scales"]["tens"])
DIGIT_CHARS = "".join(CN_DIGITS)  # every Chinese digit character
SCALE_CHARS = "".join(SMALL_SCALES) + "".join(BIG_SCALES)
TENS_CHARS = "".join(TENS)
TWO_CHARS = _T["digits"]["two"]
FINANCIAL_CHARS = _T["digits"]["financial"]
DECIMAL_DIGIT_CHARS = "".join(c for c in CN_DIGITS if c not in TWO_CHARS)  # after 点: 三点五 (not 三点两)
POINT_CHARS = _T["scales"]["point"]
SOME_CHARS = _T["vague"]["some"]  # 几: 1..9
OVER_CHARS = _T["vague"]["over"]  # 多 / 余 after a number
TEN_SCALE_CHARS = "".join(c for c, v in SMALL_SCALES.items() if v == 10)  # the scales a number may start with
BIG_SCALE_CHARS = frozenset(BIG_SCALES)
_ZERO = _T["digits"]["zero"]
_ARTICLE = _T["digits"]["article"]

# Arabic digits: 1,234 / 1234 / 12.5 / .5 (a thousands separator only in groups of three)
ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|(?<![.\d])\.\d+"
_ATOM = re.compile(
    rf"(?P<sp>[ ]*)(?:(?P<ar>{ARABIC})|(?P<dg>[{DIGIT_CHARS}{SOME_CHARS}])|(?P<tn>[{TENS_CHARS}])"
    rf"|(?P<sc>[{SCALE_CHARS}])|(?P<pt>[{POINT_CHARS}](?=[ ]*[{DECIMAL_DIGIT_CHARS}]))|(?P<vg>[{OVER_CHARS}]))"
)
_DEC_RUN = re.compile(rf"[ ]*([{DECIMAL_DIGIT_CHARS}]+)")
_SEQ_SPACED = re.compile(rf"[ ]*[\d{DIGIT_CHARS}]*[ ]*{re.escape(_T['digits']['sequence_spaced_before'])}")
# scientific notation, powers and the k suffix on a plain Arabic number (2e5, 2^5, 5.97×10^24, 40k); 40k个 is
# 40000 个
_S = _T["scientific"]
_K, _K_BEFORE = _S["thousand"], _S["thousand_before"]
_SUPER = {c: str(i) for i, c in enumerate(_S["superscripts"])}
_SCI = re.compile(
    rf"[eE](?P<e>[+-]?\d+)(?![0-9A-Za-z_.])"
    rf"|[ ]*[{re.escape(_S['times'])}][ ]*10(?:\^(?P<tsign>[+-]?)(?P<texp>\d+)(?![\d.])"
    rf"|(?P<sup>{re.escape(_S['superscript_minus'])}?[{_S['superscripts']}]+))"
    rf"|\^(?P<psign>[+-]*)(?P<pexp>\d+)(?![\d.])|[{_K}](?![A-Za-z\u3400-\u9fff]|{_K_BEFORE})")
_SCI_K_BEFORE_GE = re.compile(rf"[{_K}](?={_K_BEFORE})")
_MAX_EXP = 30  # no amount in news is written with an exponent beyond this
_FAST_AR = re.compile(r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
# after an Arabic number, any of these sends it to the full reader
_FAST_STOP = frozenset(" 0123456789.,eE^" + _S["times"] + _K + POINT_CHARS + OVER_CHARS + SOME_CHARS + "/" + DIGIT_CHARS
                       + SCALE_CHARS + TENS_CHARS)
_FAST_SCALES = {c: BIG_SCALES[c] for c in _T["scales"]["fast"]}  # 1500万, 836.8亿, 3.74万亿
_DIGIT_VALUE = {c: Decimal(v) for c, v in CN_DIGITS.items()}
_SOME_ATOM = ("v", Decimal(1), Decimal(9), Decimal(0))


@dataclass(slots=True)
class Num:
    """One number as read from the text (before units and qualifiers).

    ``atoms`` is what was read, for callers that take a scale back (12千米: 千 belongs to the unit):
    ("n", value, one_char, arabic) a number, ("v", lo, hi, base) a vague digit, ("z",) 零,
    ("s", scale) 十/百/千, ("b", scale) 万/亿/兆, ("d", fraction) the decimals after 点, ("o",) 多/余.
    """

    start: int
    end: int
    value: Decimal
    lo: Decimal
    hi: Decimal
    base: Decimal
    core_end: int  # end without a trailing 多/余 (四百多 -> 四百)
    vague: bool = False  # 几 / 两三 / 数百: lo..hi
    over: bool = False  # 多 / 余 inside or after
    single_cn: bool = False  # one Chinese numeral character (一, 五, 叁)
    arabic: bool = False
    digitseq: str | None = None  # 三八 / 九五 (only meaningful before 折)
    last_scale_start: int | None = None  # where the final scale character is (12千米 backs off)
    atoms: list = field(default_factory=list)
    text_is_one: bool = False  # exactly 一 (the indefinite article candidate)


def is_some(num: Num) -> bool:
    """Whether the number is vague by 几 or 数 (十几, 几十万, 数百: one digit unknown), not by a pair (两三, 七八)."""
    return num.vague and any(a[0] == "v" and a[3] == 0 for a in num.atoms)


def floor(num: Num) -> Decimal:
    """The round lower bound a vague number is reported by (十几 10, 几十万 100000, 数百 100, 二十几 20)."""
    return num.base if num.base > 0 else num.lo


def exact(v: Decimal, start: int, end: int) -> Num:
    """A number known exactly without reading (百分之百's 百, a lone 百 before a measure, 半)."""
    return Num(start, end, v, v, v, v, end)


def fmt_dec(d: Decimal) -> Decimal:
    """Normalise a Decimal without exponent noise (1.64E+9 -> 1640000000)."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1)) if d.adjusted() < 28 else d
    return d.normalize()


# ---------------------------------------------------------------------------------------------- values

def _evaluate(atoms: Sequence[tuple], pick: int) -> Decimal:
    """Value of a validated atom list.  ``pick`` 0/1/2 selects base/lo/hi for vague atoms.

    Chinese numerals: small scales build a section (一千二百), big scales close it (万, 亿), two big
    scales in a row multiply (万亿), a trailing lone digit after a scale is abbreviated (一万三 = 13000,
    二百五 = 250) unless 零 came before it (一千零五 = 1005).  (Local variables, not an object: this runs
    for every Chinese numeral.)
    """
    total = section = Decimal(0)
    cur: Decimal | None = None
    cur_single = zero = decimal_done = False
    last_scale: int | None = None
    last_big: int | None = None
    prev = None
    for atom in atoms:
        kind = atom[0]
        if kind == "n":
            cur, cur_single = atom[1], atom[2]
        elif kind == "v":
            cur, cur_single = (atom[3], atom[1], atom[2])[pick], True
        elif kind == "z":
            zero, cur = True, None
        elif kind == "s":
            if decimal_done:
                total *= atom[1]
            else:
                section += (cur if cur is not None else 1) * atom[1]
            cur, last_scale, zero = None, atom[1], False
        elif kind == "b":
            total = _close_section(total, section, cur, atom[1], last_big, decimal_done or prev in ("b", "ob"))
            section, cur, last_scale, last_big, zero = Decimal(0), None, atom[1], atom[1], False
        elif kind == "d":
            if cur is not None and cur_single and last_scale is not None and last_scale >= 10 and not zero:
                cur = cur * last_scale / 10  # 两千三点一 = 2300.1
            total = total + section + (cur or 0) + atom[1]
            section, cur, decimal_done = Decimal(0), None, True
        elif kind == "o":
            kind = "ob" if prev == "b" else "o"
        prev = kind
    if cur is not None:
        if cur_single and last_scale is not None and last_scale >= 10 and not zero and prev in ("n", "v") \
                and not decimal_done:
            total += cur * last_scale / 10  # the abbreviated lone digit
        else:
            total += cur
    return total + section


def _close_section(total: Decimal, section: Decimal, cur: Decimal | None, big: int, last_big: int | None,
                   whole: bool) -> Decimal:
    """The total after big scale ``big`` (万 / 亿) closes a section; ``whole``: it multiplies everything read
    (after another big scale, 万亿, or after decimals, 1.5万), as does a bigger one after a smaller (三千万亿)."""
    if whole:
        return (total + section + (cur or 0)) * big
    part = section + (cur if cur is not None else 0)
    if last_big is not None and big > last_big:
        return (total + part) * big
    return total + part * big


# ---------------------------------------------------------------------------------------------- reading

_STOP, _NEXT, _DONE = 0, 1, 2  # what an atom handler did: break, take the atom, took it itself


class _Reading:
    """The state of reading one number atom by atom; each handler checks one kind of atom against it."""

    __slots__ = ("text", "atoms", "spans", "prev", "p", "has_decimal", "seq")

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.atoms: list[tuple] = []
        self.spans: list[tuple[int, int]] = []
        self.prev: str | None = None  # kind of the previous atom; "q" inside a digit string (三八)
        self.p = pos
        self.has_decimal = False
        self.seq: list[str] = []

    def advance(self, start: int, end: int, kind: str) -> None:
        self.spans.append((start, end))
        self.prev = kind
        self.p = end

    def lone_cn_digit(self) -> bool:
        """The previous atom is one Chinese digit (三 of 三八, 两 of 两三)."""
        last = self.atoms[-1]
        return last[2] and not last[3]

    def arabic(self, m: re.Match, a_start: int) -> int:
        if self.prev not in (None, "s", "b", "z") or self.has_decimal:
            return _STOP
        tok = m.group("ar")
        self.atoms.append(("n", Decimal(tok.replace(",", "")), len(tok) == 1, True))
        if "." in tok:
            self.has_decimal = True
        return _NEXT

    def digit(self, m: re.Match, a_start: int) -> int:
        ch = m.group("dg")
        if ch in SOME_CHARS:
            if self.prev not in (None, "s", "z"):
                return _STOP
            self.atoms.append(_SOME_ATOM)
            return _NEXT
        if ch in _ZERO:
            return self.zero(m, a_start, ch)
        return self.cn_digit(m, a_start, ch)

    def zero(self, m: re.Match, a_start: int, ch: str) -> int:
        prev = self.prev
        if prev == "n" and self.lone_cn_digit() or prev == "q":
            self.seq.append(ch)  # 三〇: a digit string
            self.advance(a_start, m.end(), "q")
            return _DONE
        if prev is not None and prev not in ("s", "b"):
            return _STOP
        self.atoms.append(("z",))
        return _NEXT

    def cn_digit(self, m: re.Match, a_start: int, ch: str) -> int:
        prev = self.prev
        if prev == "q":
            self.seq.append(ch)
            self.advance(a_start, m.end(), "q")
            return _DONE
        if ch in TWO_CHARS and prev in ("s", "b"):
            nxt = _ATOM.match(self.text, m.end())
            if nxt is None or nxt.lastgroup != "sc":
                return _STOP  # 两万两 / 三千两百两: the last 两 is the tael
        if prev == "n" and self.lone_cn_digit():
            return self.pair(m, a_start, ch)
        if prev not in (None, "s", "b", "z"):
            return _STOP
        self.atoms.append(("n", _DIGIT_VALUE[ch], True, False))
        return _NEXT

    def pair(self, m: re.Match, a_start: int, ch: str) -> int:
        """A Chinese digit right after another: 两三 (2..3), 一两 (1..2), or a digit string (三八 of 三八折)."""
        end = m.end()
        d1, d = int(self.atoms[-1][1]), CN_DIGITS[ch]
        if a_start != self.p and not _SEQ_SPACED.match(self.text[end:end + 8]):
            return _STOP
        if a_start == self.p and (d == d1 + 1 and 1 <= d1 <= 8) or (d1 == 1 and ch in TWO_CHARS):
            self.atoms[-1] = ("v", Decimal(d1), Decimal(d), Decimal(d1))
            self.advance(a_start, end, "v")
            return _DONE
        if ch in TWO_CHARS:
            return _STOP  # 二两: the tael
        self.seq = [self.text[self.spans[-1][1] - 1], ch]
        self.advance(a_start, end, "q")
        return _DONE

    def tens(self, m: re.Match, a_start: int) -> int:
        if self.prev is not None:
            return _STOP
        self.atoms.append(("n", Decimal(TENS[m.group("tn")]), False, False))
        self.atoms.append(("s", 1))  # 廿三 = 20 + 3: a unit "scale" keeps the next digit literal
        return _NEXT

    def scale(self, m: re.Match, a_start: int) -> int:
        tok = m.group("sc")
        prev, atoms = self.prev, self.atoms
        if prev == "q":
            return _STOP
        if tok not in SMALL_SCALES:
            if prev is None or prev == "z":
                return _STOP
            if prev == "o" and not (len(atoms) >= 2 and atoms[-2][0] in ("b", "s", "n", "v")):
                return _STOP
            atoms.append(("b", BIG_SCALES[tok]))
            return _NEXT
        s = SMALL_SCALES[tok]
        if prev in ("s", "b", "o") or prev == "n" and atoms[-1][3] and atoms[-1][1] >= 10 and s <= 10:
            return _STOP
        if self.not_descending(s):
            return _STOP  # 五十千: 千 cannot follow 十
        if prev is None and tok not in TEN_SCALE_CHARS:
            nxt = _ATOM.match(self.text, m.end())
            if nxt is None or nxt.lastgroup != "dg" or nxt.group("dg") in SOME_CHARS:
                return _STOP  # 百 / 千 start a number only before a digit (百五 is not read, 百分之 is)
        atoms.append(("s", s))
        return _NEXT

    def not_descending(self, s: int) -> bool:
        """Whether small scale ``s`` fails to descend from the last scale of its section (十千, 百百)."""
        for a in reversed(self.atoms):
            if a[0] == "s":
                return a[1] != 1 and s >= a[1]
            if a[0] == "b":
                return False
        return False

    def point(self, m: re.Match, a_start: int) -> int:
        atoms = self.atoms
        if self.has_decimal or self.prev not in ("n", "s", "b", "z") or any(a[0] == "n" and a[3] for a in atoms):
            return _STOP
        dm = _DEC_RUN.match(self.text, m.end())
        if dm is None:
            return _STOP
        atoms.append(("d", Decimal("0." + "".join(str(CN_DIGITS[c]) for c in dm.group(1)))))
        self.has_decimal = True
        self.advance(a_start, dm.end(), "d")
        return _DONE

    def over(self, m: re.Match, a_start: int) -> int:
        prev, atoms = self.prev, self.atoms
        if prev not in ("n", "s", "b", "d") or any(a[0] == "o" for a in atoms):
            return _STOP
        if prev == "n" and not atoms[-1][3] and atoms[-1][1] < 10 and len(atoms) == 1:
            return _STOP  # 一多 / 三余: not a number
        atoms.append(("o",))
        return _NEXT


_HANDLERS = {"ar": _Reading.arabic, "dg": _Reading.digit, "tn": _Reading.tens, "sc": _Reading.scale,
             "pt": _Reading.point, "vg": _Reading.over}


def _read(text: str, pos: int) -> _Reading:
    """Read atoms from ``pos`` while the grammar allows (see :class:`_Reading`)."""
    r = _Reading(text, pos)
    n = len(text)
    while r.p < n:
        m = _ATOM.match(text, r.p)
        if m is None:
            break
        a_start = m.end("sp")
        if a_start != r.p and r.prev is None:
            break
        got = _HANDLERS[m.lastgroup](r, m, a_start)
        if got == _STOP:
            break
        if got == _NEXT:
            r.advance(a_start, m.end(), r.atoms[-1][0])
    return r


def _fast_arabic(text: str, pos: int) -> Num | None:
    """A plain Arabic number (20个, 69.7%) or one with 万 / 亿 / 万亿 (1500万, 3.74万亿), or None: read fully."""
    fm = _FAST_AR.match(text, pos)
    if fm is None:
        return None
    tok, end, n = fm.group(), fm.end(), len(text)
    v = Decimal(tok.replace(",", ""))
    atoms = [("n", v, len(tok) == 1, True)]
    if end == n or text[end] not in _FAST_STOP:
        return Num(pos, end, v, v, v, v, end, arabic=True, atoms=atoms)
    if text[end] not in _FAST_SCALES:
        return None
    scales = [_FAST_SCALES[text[end]]]
    end += 1
    if end < n and _FAST_SCALES.get(text[end], 0) > scales[0]:  # 万亿
        scales.append(_FAST_SCALES[text[end]])
        end += 1
    if end < n and text[end] in _FAST_STOP:
        return None
    value = v
    for sc in scales:
        value *= sc
    value = fmt_dec(value)
    return Num(pos, end, value, value, value, value, end, arabic=True, atoms=atoms + [("b", sc) for sc in scales],
               last_scale_start=end - 1)


def parse_number(text: str, pos: int) -> Num | None:
    """Read one number starting at ``pos`` (no sign), or None.  Stops at the first atom that breaks the grammar."""
    if pos >= len(text):
        return None
    if text[pos].isdigit():
        fast = _fast_arabic(text, pos)
        if fast is not None:
            return fast
    r = _read(text, pos)
    if r.prev == "q":
        end = r.spans[-1][1]
        zero = Decimal(0)
        return Num(pos, end, zero, zero, zero, zero, end, digitseq="".join(str(CN_DIGITS[c]) for c in r.seq))
    atoms, spans = r.atoms, r.spans
    while atoms and atoms[-1][0] == "z" and len(atoms) > 1:  # a dangling 零
        atoms.pop()
        spans.pop()
    if not atoms:
        return None
    if atoms[0][0] == "z" and len(atoms) == 1:
        atoms = [("n", Decimal(0), True, False)]
    if len(atoms) == 1 and (atoms[0][0] == "s" and atoms[0][1] != 10 or atoms[0] == _SOME_ATOM) or atoms[0][0] == "o":
        return None  # a lone 百 / 千, a lone 几
    num = _num(text, pos, atoms, spans)
    if len(atoms) == 1 and atoms[0][0] == "n" and atoms[0][3]:
        _scientific(text, num)
    return num


def _num(text: str, pos: int, atoms: list[tuple], spans: list[tuple[int, int]]) -> Num:
    """The number of a validated atom list read from ``pos``."""
    end = spans[-1][1]
    vague = any(a[0] == "v" for a in atoms)
    value = _evaluate(atoms, 1)
    hi, base = (_evaluate(atoms, 2), _evaluate(atoms, 0)) if vague else (value, value)
    single_cn = end - pos == 1 and not (atoms[0][0] == "n" and atoms[0][3])
    return Num(pos, end, value, value, hi, base, spans[-2][1] if atoms[-1][0] == "o" and len(spans) > 1 else end,
               vague=vague, over=any(a[0] == "o" for a in atoms), single_cn=single_cn,
               arabic=all(a[0] != "n" or a[3] for a in atoms) and atoms[0][0] == "n",
               last_scale_start=spans[-1][0] if atoms[-1][0] in ("s", "b") else None, atoms=atoms,
               text_is_one=single_cn and text[pos] == _ARTICLE)


def _scientific(text: str, num: Num) -> None:
    """2e5, 2^5, 5.97×10^24, 40k after a plain Arabic number: the value they say (not 1e999999: no amount,
    too costly)."""
    value, end = num.value, num.end
    sm = _SCI.match(text, end)
    if sm is not None:
        exp = _exponent(sm)
        if exp is None:
            value = value * 1000  # 40k
        elif sm.group("pexp") is not None:  # 2^5: a power of the number itself
            if abs(exp) > _MAX_EXP or value == 0 or value.adjusted() > 6:
                return
            with localcontext() as ctx:
                ctx.prec = 28
                value = (value**exp).normalize()
        elif abs(exp) > _MAX_EXP:
            return
        else:
            value = value.scaleb(exp)  # 2e5, 5.97×10^24: times a power of ten
        num.end = num.core_end = sm.end()
    elif _SCI_K_BEFORE_GE.match(text, end):
        value = value * 1000
        num.end = num.core_end = end + 1
    else:
        return
    num.value = num.lo = num.hi = num.base = fmt_dec(value)


def _exponent(sm: re.Match) -> int | None:
    """The exponent a scientific-notation match writes (None for the k suffix)."""
    if sm.group("e") is not None:
        return int(sm.group("e"))
    if sm.group("texp") is not None:
        return int(sm.group("texp")) * (-1 if sm.group("tsign") == "-" else 1)
    if sm.group("sup") is not None:
        sup = sm.group("sup")
        digits = "".join(_SUPER[c] for c in sup if c in _SUPER)
        return -int(digits) if sup[0] == _S["superscript_minus"] else int(digits)
    if sm.group("pexp") is not None:
        return int(sm.group("pexp")) * (-1 if sm.group("psign").count("-") % 2 else 1)
    return None


def recompute(num: Num, atoms: list, end: int) -> Num:
    """The same number with fewer atoms (12千米: the 千 belongs to the unit)."""
    vague = any(a[0] == "v" for a in atoms)
    value = _evaluate(atoms, 1)
    return Num(num.start, end, value, value, _evaluate(atoms, 2) if vague else value,
               _evaluate(atoms, 0) if vague else value, end, vague=vague, over=any(a[0] == "o" for a in atoms),
               single_cn=end - num.start == 1 and not (atoms[0][0] == "n" and atoms[0][3]), arabic=num.arabic,
               atoms=atoms)


# ---------------------------------------------------------------------------------------------- dates

CN_NUMERAL_CHARS = _T["dates"]["chars"]  # the characters of a date's Chinese numerals
_DATE_DIGITS = {**{c: CN_DIGITS[c] for c in CN_NUMERAL_CHARS if c in CN_DIGITS},
                **dict.fromkeys(_T["dates"]["sequence_zero"], 0)}
_DATE_SCALES = {c: SMALL_SCALES[c] for c in _T["dates"]["scales"]}


def cn_int(s: str) -> int | None:
    """Integer of a date's numeral, ASCII or Chinese: 12, 十二, 廿三, 二〇二三 (digit by digit), 两千零四.

    Over the same tables as :func:`parse_number`, but read as the date grammar writes its numerals: a run
    of digits digit by digit (a year), otherwise each scale multiplies the digit before it and everything
    adds up (两千零四, 三十一).  Unlike an amount, no digit is abbreviated (一百二 is 102, not 120); the
    date grammar's patterns decide which strings reach here.
    """
    if not s:
        return None
    if s.isascii():
        return int(s) if s.isdigit() else None
    if len(s) > 1 and all(c in _DATE_DIGITS for c in s):
        return int("".join(str(_DATE_DIGITS[c]) for c in s))
    total, num = 0, 0
    for c in s:
        if c in _DATE_DIGITS:
            num = _DATE_DIGITS[c]
        elif c in _DATE_SCALES:
            total += (num or 1) * _DATE_SCALES[c]
            num = 0
        elif c in TENS:
            total += TENS[c]
        else:
            return None
    return total + num
