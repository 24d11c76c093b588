"""Quantities: every amount in the text with its value, unit and qualifiers (issue 3).

The core is :func:`find_quantities`, a pure function over a string, so it can be tested (and
checked against the Recognizers-Text conformance cases) without the pipeline; :func:`extract`
is the thin wrapper that skips ``doc.dates`` and ``doc.corrupt`` spans and builds records.

How it works, and why:
- One compiled *seed* regex finds where a number can start (an Arabic digit, a Chinese numeral,
  百分之, a currency sign ...).  Only there does Python look closer, so the cost grows with the
  number of numerals, not with the length of the text.
- A number is read atom by atom (digit, 十/百/千 small scale, 万/亿/兆 big scale, 零, 点, 几, 多)
  by a small state machine that stops at the first atom that breaks the grammar: 五十千 reads 五十,
  百分之七十百分位 reads 七十.  Values are ``Decimal`` throughout, so 16.4亿 is exactly 1640000000.
- Vague numerals carry lower and upper bounds: 十几万 = 110000..190000, 两三个 = 2..3 (never 23),
  500多亿 = over 5e10.  ``base`` keeps the written floor (十几万 -> 100000) for comparisons.
- Everything language-specific is data in ``rules/``: units (``units.toml``), qualifiers, ranges,
  percent-like suffixes and the not-a-quantity patterns (``numbers.toml``), set phrases
  (``set_phrases.txt``).  Each rule carries examples that ``tests/test_numbers.py`` runs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from functools import cache

from extract.model import Doc, Quantity
from extract.rules import load_list, load_toml

Span = tuple[int, int]

# ---------------------------------------------------------------------------------------------- numerals

CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2, "倆": 2,
    "俩": 2, "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_SCALES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_SCALES = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "兆": 10**12}
TENS = {"廿": 20, "卅": 30}
_TWO = "两兩倆"
_ZERO = "〇零"
_DIG = "".join(CN_DIGITS)
_SC = "".join(SMALL_SCALES) + "".join(BIG_SCALES)
_DEC_DIG = "".join(c for c in CN_DIGITS if c not in _TWO)
_CJK = re.compile(r"[\u3400-\u9fff]")
_DOLLAR_PREFIX = {"US": "USD", "HK": "HKD", "NT": "TWD", "S$": "SGD", "A$": "AUD", "C$": "CAD"}
_MAX_EXP = 30  # no amount in news is written with an exponent beyond this
_MAX_ADJUSTED = 30  # nor is any amount larger than 1e30
_FINANCIAL = "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟零〇"
_DA_NOT = "开算造击破工卡折球电车响通出入进印扫包拼赢败听交捞压架成好"

_ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|(?<![.\d])\.\d+"
_ATOM = re.compile(
    rf"(?P<sp>[ ]*)(?:(?P<ar>{_ARABIC})|(?P<dg>[{_DIG}几幾])|(?P<tn>[廿卅])|(?P<sc>[{_SC}])"
    rf"|(?P<pt>[点點](?=[ ]*[{_DEC_DIG}]))|(?P<vg>[多余餘]))"
)
_SCI = re.compile(r"[eE]([+-]?\d+)(?![\w.])|\^([+-]*)(\d+)(?![\d.])|[kK](?![A-Za-z\u3400-\u9fff]|个)")
_SCI_K_BEFORE_GE = re.compile(r"[kK](?=个)")
_DEC_RUN = re.compile(rf"[ ]*([{_DEC_DIG}]+)")

# Where a number can begin.  Chinese digits are frequent inside ordinary words (一些, 统一): the
# grammar and the bare-number frames below reject those cheaply.
_SEED = re.compile(
    rf"(?=[$￥¥€£人负負\-\d.{_DIG}廿卅十拾百佰千仟几幾数數上半万萬翻对])"
    rf"(?:[$￥¥€£]|人民币|[负負]|-(?=[ ]*[\d.])|\d|\.\d|[{_DIG}廿卅十拾]|[百佰千仟](?=[ ]*[{_DIG}])"
    rf"|[百千](?=[\u3400-\u9fff])|[几幾数數](?=[十百千万亿])|上(?=[百千万亿])|半(?=[百成折])"
    rf"|[百佰千仟万萬](?:[ ]*[百佰千仟万萬亿億]){{0,3}}[ ]*分[ ]*之|翻了?[一两三]番|对折)"  # bounded: no rescans
)
_PCT_PREFIX = re.compile(r"([百佰千仟万萬](?:[ ]*[百佰千仟万萬亿億]){0,3})[ ]*分[ ]*之[ ]*")
_FRAC_MID = re.compile(r"[ ]*分[ ]*之[ ]*")
_YOU = re.compile(r"[ ]*又[ ]*")
_SLASH = re.compile(r"[ ]*/[ ]*(\d+)(?![\d/.])")
_MIXED_SLASH = re.compile(r"[ ]+(\d+)[ ]*/[ ]*(\d+)(?![\d/.])")
_SPACES = re.compile(r"[ ]*")


_BIG_SCALES = frozenset("万亿兆萬億")


@dataclass(slots=True)
class Num:
    """One number as read from the text (before units and qualifiers)."""

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


def _evaluate(atoms: Sequence[tuple], pick: int) -> Decimal:
    """Value of a validated atom list.  ``pick`` 0/1/2 selects base/lo/hi for vague atoms.

    Chinese numerals: small scales build a section (一千二百), big scales close it (万, 亿), two big
    scales in a row multiply (万亿), a trailing lone digit after a scale is abbreviated (一万三 = 13000,
    二百五 = 250) unless 零 came before it (一千零五 = 1005).
    """
    total = Decimal(0)
    section = Decimal(0)
    cur: Decimal | None = None
    cur_single = False
    last_scale: int | None = None
    last_big: int | None = None
    zero = False
    prev = None
    decimal_done = False
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
            big = atom[1]
            if decimal_done or prev in ("b", "ob"):
                total = (total + section + (cur or 0)) * big
            else:
                part = section + (cur if cur is not None else 0)
                if last_big is not None and big > last_big:
                    total = (total + part) * big
                else:
                    total += part * big
            section, cur, last_scale, last_big, zero = Decimal(0), None, big, big, False
        elif kind == "d":
            if cur is not None and cur_single and last_scale is not None and last_scale >= 10 and not zero:
                cur = cur * last_scale / 10  # 两千三点一 = 2300.1
            total = total + section + (cur or 0) + atom[1]
            section, cur, decimal_done = Decimal(0), None, True
        elif kind == "o":
            kind = "ob" if prev == "b" else "o"
        prev = kind
    if cur is not None:
        abbreviated = cur_single and last_scale is not None and last_scale >= 10 and not zero
        if abbreviated and prev in ("n", "v") and not decimal_done:
            total += cur * last_scale / 10
        else:
            total += cur
    return total + section


def _arabic_value(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


_FAST_AR = re.compile(r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
_FAST_STOP = frozenset(" 0123456789.,eE^kK点點多余餘几幾/" + _DIG + _SC + "廿卅")


def parse_number(text: str, pos: int) -> Num | None:
    """Read one number starting at ``pos`` (no sign), or None.  Stops at the first atom that breaks the grammar."""
    if pos >= len(text):
        return None
    if text[pos].isdigit():
        fm = _FAST_AR.match(text, pos)  # the common case: a plain Arabic number (20个, 69.7%)
        if fm is not None and (fm.end() == len(text) or text[fm.end()] not in _FAST_STOP):
            tok = fm.group()
            v = _arabic_value(tok)
            end = fm.end()
            return Num(pos, end, v, v, v, v, end, arabic=True, atoms=[("n", v, len(tok) == 1, True)])
        if fm is not None and fm.end() < len(text) and text[fm.end()] in "万亿":
            # also common: 1500万, 836.8亿, 3.74万亿 (and nothing numeric after)
            e = fm.end()
            scales = [10**8] if text[e] == "亿" else [10**4]
            e += 1
            if scales == [10**4] and e < len(text) and text[e] == "亿":
                scales.append(10**8)
                e += 1
            if e == len(text) or text[e] not in _FAST_STOP:
                tok = fm.group()
                v = _arabic_value(tok)
                value = v
                for sc in scales:
                    value *= sc
                value = _fmt_dec(value)
                atoms = [("n", v, len(tok) == 1, True)] + [("b", sc) for sc in scales]
                return Num(pos, e, value, value, value, value, e, arabic=True, atoms=atoms, last_scale_start=e - 1)
    atoms: list[tuple] = []
    spans: list[tuple[int, int]] = []
    prev = None  # kind of the previous atom
    p = pos
    n = len(text)
    has_decimal = False
    seq: list[str] = []
    while p < n:
        m = _ATOM.match(text, p)
        if m is None:
            break
        a_start = m.start() + len(m.group("sp"))
        if a_start != p and prev is None:
            break
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "ar":
            if prev not in (None, "s", "b", "z"):
                break
            if prev is not None and a_start != p and atoms and atoms[-1][0] == "n":
                break
            if has_decimal:
                break
            val = _arabic_value(tok)
            atoms.append(("n", val, len(tok) == 1, True))
            if "." in tok:
                has_decimal = True
        elif kind == "dg":
            ch = tok
            if ch in "几幾":
                if prev not in (None, "s", "z"):
                    break
                atoms.append(("v", Decimal(1), Decimal(9), Decimal(0)))
            elif ch in _ZERO:
                if prev == "n" and atoms[-1][2] and not atoms[-1][3] or prev == "q":
                    seq.append(ch)
                    prev = "q"
                    spans.append((a_start, m.end()))
                    p = m.end()
                    continue
                if prev in ("z",):
                    break
                if prev is None:
                    atoms.append(("z",))
                else:
                    if prev not in ("s", "b"):
                        break
                    atoms.append(("z",))
            else:
                d = CN_DIGITS[ch]
                if prev == "q":
                    seq.append(ch)
                    spans.append((a_start, m.end()))
                    p = m.end()
                    continue
                if ch in _TWO and prev in ("s", "b"):
                    nxt = _ATOM.match(text, m.end())
                    if nxt is None or nxt.lastgroup not in ("sc",):
                        break  # 两万两 / 三千两百两: the last 两 is the tael
                if prev == "n" and atoms[-1][2] and not atoms[-1][3]:
                    d1 = int(atoms[-1][1])
                    if a_start != p and not re.match(r"[ ]*[\d" + _DIG + r"]*[ ]*折", text[m.end():m.end() + 8]):
                        break
                    if a_start == p and (d == d1 + 1 and 1 <= d1 <= 8) or (d1 == 1 and ch in _TWO):
                        atoms[-1] = ("v", Decimal(d1), Decimal(d), Decimal(d1))
                        spans.append((a_start, m.end()))
                        prev = "v"
                        p = m.end()
                        continue
                    if ch in _TWO:
                        break  # 二两: the tael
                    seq = [text[spans[-1][1] - 1], ch]
                    prev = "q"
                    spans.append((a_start, m.end()))
                    p = m.end()
                    continue
                if prev not in (None, "s", "b", "z"):
                    break
                atoms.append(("n", Decimal(d), True, False))
        elif kind == "tn":
            if prev is not None:
                break
            atoms.append(("n", Decimal(TENS[tok]), False, False))
            atoms.append(("s", 1))  # 廿三 = 20 + 3: a unit "scale" keeps the next digit literal
        elif kind == "sc":
            if prev == "q":
                break
            if tok in SMALL_SCALES:
                s = SMALL_SCALES[tok]
                if prev == "s" or (prev == "n" and atoms[-1][3] and atoms[-1][1] >= 10 and s <= 10):
                    break
                last_small = next((a[1] for a in reversed(atoms) if a[0] in ("s", "b")), None)
                if last_small is not None and last_small != 1 and s >= last_small and not any(
                    a[0] == "b" for a in atoms[[i for i, a in enumerate(atoms) if a[0] == "s"][-1]:]
                ):
                    break
                if prev is None and tok not in "十拾":
                    nxt = _ATOM.match(text, m.end())
                    if nxt is None or nxt.lastgroup not in ("dg",) or nxt.group("dg") in "几幾":
                        break
                if prev == "b":
                    break
                if prev == "o":
                    break
                atoms.append(("s", s))
            else:
                if prev is None or prev == "z":
                    break
                if prev == "o" and not (len(atoms) >= 2 and atoms[-2][0] in ("b", "s", "n", "v")):
                    break
                atoms.append(("b", BIG_SCALES[tok]))
        elif kind == "pt":
            if has_decimal or prev not in ("n", "s", "b", "z") or any(a[0] == "n" and a[3] for a in atoms):
                break
            dm = _DEC_RUN.match(text, m.end())
            if dm is None:
                break
            digits = "".join(str(CN_DIGITS[c]) for c in dm.group(1))
            atoms.append(("d", Decimal("0." + digits)))
            spans.append((a_start, dm.end()))
            has_decimal = True
            prev = "d"
            p = dm.end()
            continue
        elif kind == "vg":
            if prev not in ("n", "s", "b", "d") or any(a[0] == "o" for a in atoms):
                break
            if prev == "n" and not atoms[-1][3] and atoms[-1][1] < 10 and len(atoms) == 1:
                break  # 一多 / 三余: not a number
            atoms.append(("o",))
        prev = atoms[-1][0] if atoms else prev
        spans.append((a_start, m.end()))
        p = m.end()
    if prev == "q":
        return Num(pos, spans[-1][1], Decimal(0), Decimal(0), Decimal(0), Decimal(0), spans[-1][1],
                   digitseq="".join(str(CN_DIGITS[c]) for c in seq))
    # drop trailing atoms that cannot end a number: a dangling 零, a leading-only scale
    while atoms and atoms[-1][0] == "z" and len(atoms) > 1:
        atoms.pop()
        spans.pop()
    if not atoms:
        return None
    if atoms[0][0] == "z" and len(atoms) == 1:
        atoms = [("n", Decimal(0), True, False)]
    if atoms[0][0] == "s" and len(atoms) == 1 and atoms[0][1] != 10:
        return None
    if atoms[0][0] == "v" and len(atoms) == 1 and atoms[0][1] == 1 and atoms[0][2] == 9:
        return None  # a lone 几
    if atoms[0][0] == "o":
        return None
    end = spans[-1][1]
    core_end = spans[-2][1] if atoms[-1][0] == "o" and len(spans) > 1 else end
    vague = any(a[0] == "v" for a in atoms)
    over = any(a[0] == "o" for a in atoms)
    value = _evaluate(atoms, 1)
    lo, hi, base = value, value, value
    if vague:
        hi = _evaluate(atoms, 2)
        base = _evaluate(atoms, 0)
    last_scale_start = spans[-1][0] if atoms[-1][0] in ("s", "b") else None
    single_cn = end - pos == 1 and not (atoms[0][0] == "n" and atoms[0][3])
    num = Num(pos, end, value, lo, hi, base, core_end, vague=vague, over=over, single_cn=single_cn,
              arabic=all(a[0] != "n" or a[3] for a in atoms) and atoms[0][0] == "n",
              last_scale_start=last_scale_start, atoms=atoms)
    num.text_is_one = single_cn and text[pos] == "一"
    # scientific notation, powers and the k suffix on a plain Arabic number (2e5, 2^5, 40k)
    if len(atoms) == 1 and atoms[0][0] == "n" and atoms[0][3]:
        sm = _SCI.match(text, end)
        if sm is not None and (sm.group(1) is not None and abs(int(sm.group(1))) > _MAX_EXP or sm.group(3) is not None
                               and (int(sm.group(3)) > _MAX_EXP or value == 0 or value.adjusted() > 6)):
            sm = None  # 1e999999: not an amount, and not worth a huge computation
        if sm is not None:
            if sm.group(1) is not None:
                num.value = num.lo = num.hi = num.base = value.scaleb(int(sm.group(1)))
            elif sm.group(3) is not None:
                exp = int(sm.group(3)) * (-1 if sm.group(2).count("-") % 2 else 1)
                with localcontext() as ctx:
                    ctx.prec = 28
                    num.value = num.lo = num.hi = num.base = (value**exp).normalize()
            else:
                num.value = num.lo = num.hi = num.base = value * 1000
            num.end = num.core_end = sm.end()
        elif _SCI_K_BEFORE_GE.match(text, end):
            num.value = num.lo = num.hi = num.base = value * 1000
            num.end = num.core_end = end + 1
    return num


def _recompute(num: Num, atoms: list, end: int) -> Num:
    """The same number with fewer atoms (12千米: the 千 belongs to the unit)."""
    out = Num(num.start, end, _evaluate(atoms, 1), Decimal(0), Decimal(0), Decimal(0), end, atoms=atoms,
              arabic=num.arabic, vague=any(a[0] == "v" for a in atoms), over=any(a[0] == "o" for a in atoms))
    out.lo = out.value
    out.hi = _evaluate(atoms, 2) if out.vague else out.value
    out.base = _evaluate(atoms, 0) if out.vague else out.value
    out.single_cn = end - num.start == 1 and not (atoms[0][0] == "n" and atoms[0][3])
    return out


# ---------------------------------------------------------------------------------------------- rules


def _spaced(word: str) -> str:
    """Regex for a rule word that tolerates ASCII spaces between its characters (大于 或 等于)."""
    return "[ ]*".join(re.escape(c) for c in word)


def _alt(words: Iterable[str], spaced: bool = True) -> str:
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(_spaced(w) if spaced else re.escape(w) for w in ws)


@dataclass(frozen=True, slots=True)
class UnitRule:
    canonical: str
    kind: str
    ge: bool = False
    ge_required: bool = False
    boundary: bool = False
    scale_head: bool = False
    minor: tuple = ()
    not_before: str = ""


@dataclass
class Rules:
    """Everything compiled from rules/*.toml, built once per process."""

    unit_re: re.Pattern
    unit_of: dict
    unit_maxlen: int
    unit_lengths: dict
    scale_head_re: re.Pattern
    guarded: dict
    pre_re: re.Pattern
    pre_approx: dict
    post_re: re.Pattern
    post_approx: dict
    range_re: re.Pattern
    between_before_re: re.Pattern
    between_join_re: re.Pattern
    between_after_re: re.Pattern
    join_re: re.Pattern
    cmp_before_re: re.Pattern
    cmp_after_re: re.Pattern
    cmp_over: frozenset
    not_quantity_re: re.Pattern
    global_nq: tuple
    local_nq: tuple
    set_phrase_re: re.Pattern | None
    pp_re: re.Pattern
    pct_re: re.Pattern
    permille_re: re.Pattern
    cheng_re: re.Pattern
    zhe_re: re.Pattern
    multiple_re: re.Pattern
    fan: dict
    minor_re: dict
    bare_prev: frozenset
    bare_next: frozenset
    continues: frozenset
    between_first: frozenset
    range_first: frozenset
    pre_last: frozenset
    suffix_first: frozenset
    pct_like_first: frozenset


def _by_first_char(words: Iterable[str]) -> str:
    """An alternation grouped by first character (一(?:带一路|切|些)|两(?:岸|会)): the engine then tries one
    group per position instead of every word, which keeps the set-phrase scan cheap."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    out = []
    for first in sorted(groups):
        rests = sorted(set(groups[first]), key=lambda x: (-len(x), x))
        alt = "|".join(re.escape(x) for x in rests if x)
        if "" in rests:
            alt = f"(?:{alt})?" if alt else ""
        else:
            alt = f"(?:{alt})"
        out.append(re.escape(first) + alt)
    return "|".join(out)


def _norm_word(w: str) -> str:
    return w.replace(" ", "") if " " in w else w


@cache
def rules() -> Rules:
    """Compile the rule files (cached)."""
    units = load_toml("numbers/units")
    nums = load_toml("numbers/numbers")
    unit_of: dict[str, UnitRule] = {}
    minor_re: dict[str, re.Pattern] = {}
    for u in units["unit"]:
        for w in u["words"]:
            rule = UnitRule(u["canonical"], u["kind"], u.get("ge", False), u.get("ge_required", False),
                            u.get("boundary", False), u.get("scale_head", False),
                            tuple((w, Decimal(f)) for w, f in u.get("minor", ())), u.get("not_before", {}).get(w, ""))
            unit_of.setdefault(w, rule)
        if rule.minor and rule.canonical not in minor_re:
            minor_re[rule.canonical] = re.compile(
                rf"(?:[ ]*又)?[ ]*(?P<num>{_ARABIC}|[{_DEC_DIG}])[ ]*(?P<w>{_alt(w for w, _ in rule.minor)})")
    unit_alt = _alt(unit_of)
    unit_re = re.compile(rf"[ ]*(?P<ge>个|個)?(?P<mod>[多余半])?[ ]*(?P<u>{unit_alt})")
    scale_head_re = re.compile(_alt(w for w, r in unit_of.items() if r.scale_head))
    pre_approx: dict[str, str] = {}
    post_approx: dict[str, str] = {}
    guarded: dict[str, tuple[str, ...]] = {}
    for q in nums["qualifier"]:
        target = pre_approx if q["position"] == "before" else post_approx
        for w in q["words"]:
            target[w] = q["approx"]
            if q.get("requires_before"):
                guarded[w] = tuple(q["requires_before"])
    pre_re = re.compile(rf"(?P<q>{_alt(pre_approx)})(?:[ ]*(?:{_alt(nums['qualifier_gap']['words'])}))?[ ]*$")
    post_re = re.compile(rf"[ ]*(?P<q>{_alt(post_approx)})")
    rng = nums["range"]
    range_re = re.compile(rf"[ ]*(?:{_alt(rng['connectors'], spaced=False)})[ ]*")
    between_before_re = re.compile(rf"(?:{_alt(rng['between_before'])})[ ]*$")
    between_join_re = re.compile(rf"[ ]*(?:{_alt(rng['between_joiners'], spaced=False)})[ ]*")
    between_after_re = re.compile(rf"[ ]*(?:{_alt(rng['between_after'])})")
    join_re = re.compile(rf"[ ]*(?:{_alt([c for c in nums['join']['connectors'] if c], spaced=False)})?[ ]*")
    comp = nums["comparative"]
    cmp_before_re = re.compile(rf"(?:{_alt(comp['before'])})[ ]*$")
    cmp_after_re = re.compile(rf"[ ]*(?P<c>{_alt(comp['over'] + comp['under'], spaced=False)})")
    nq = "|".join(f"(?:{r['pattern']})" for r in nums["not_quantity"] if not r.get("cue"))
    global_nq = tuple((tuple(r["cue"]), re.compile(r["pattern"])) for r in nums["not_quantity"] if r.get("cue"))
    phrases = [p for p in load_list("numbers/set_phrases.txt")]
    literal = [p for p in phrases if not p.startswith("re:")]
    regexes = [p[3:] for p in phrases if p.startswith("re:")]
    # A leading lookahead on the possible first characters lets the regex engine skip ahead fast
    # (about ten times faster than trying every branch at every position).
    firsts = "".join(re.escape(c) for c in sorted({p[0] for p in literal} | set(_DIG + "十"))) + r"\d"
    lit = _by_first_char(literal)
    parts = ([f"(?<![{_DIG}{_SC}\\d上数几])(?:{lit})(?![ ]*分[ ]*之)"] if literal else []) + regexes
    set_phrase_re = re.compile(f"(?=[{firsts}])(?:"
                               + "|".join(parts) + ")") if parts else None
    pct = nums["percent"]
    mult = nums["multiple"]
    bare = nums["bare"]
    return Rules(
        unit_re=unit_re, unit_of=unit_of, unit_maxlen=max(len(w) for w in unit_of),
        unit_lengths={c: sorted({len(w) for w in unit_of if w[0] == c}, reverse=True)
                      for c in {w[0] for w in unit_of}}, scale_head_re=scale_head_re,
        guarded=guarded, pre_re=pre_re, pre_approx={_norm_word(k): v for k, v in pre_approx.items()},
        post_re=post_re, post_approx={_norm_word(k): v for k, v in post_approx.items()},
        range_re=range_re, between_before_re=between_before_re, between_join_re=between_join_re,
        between_after_re=between_after_re, join_re=join_re,
        cmp_before_re=cmp_before_re, cmp_after_re=cmp_after_re, cmp_over=frozenset(comp["over"]),
        not_quantity_re=re.compile(nq),
        global_nq=global_nq,
        # one pass for both: not-a-quantity patterns and set phrases
        # (?<!\d): every pattern starts at the first digit of a run, never inside one
        local_nq=(re.compile(f"(?=[{nums['not_quantity_scan']['first']}{firsts}])(?<!\\d)(?:{nq}|"
                             + "|".join(parts) + ")"),),
        set_phrase_re=set_phrase_re,
        pp_re=re.compile(rf"[ ]*(?:{_alt(pct['pp_words'])})"),
        pct_re=re.compile(rf"[ ]*(?:{_alt(pct['pct_signs'])})"),
        permille_re=re.compile(rf"[ ]*(?:{_alt(pct['permille_signs'])})"),
        cheng_re=re.compile(rf"[ ]*{pct['cheng']}(?![员立功本果熟交长都绩品就效型分为])"
                            rf"(?:(?P<half>半)|[ ]*(?P<d>[{_DEC_DIG}])(?![{_DIG}{_SC}\u3400-\u9fff]))?"),
        zhe_re=re.compile(rf"[ ]*{pct['zhe']}(?![{pct['zhe_not_before']}])"),
        multiple_re=re.compile(rf"[ ]*(?:{_alt(mult['words'])})"),
        fan={k: Decimal(v) for k, v in mult["fan"].items()},
        minor_re=minor_re,
        bare_prev=frozenset(bare["single_prev"]), bare_next=frozenset(bare["single_next"]),
        # characters that can follow a numeral inside a quantity: a one-character numeral followed by
        # anything else (一些, 统一的) is rejected before any parsing
        continues=frozenset("".join(w[0] for w in unit_of) + "".join(w[0] for w in post_approx)
                            + "".join(w[0] for w in pct["pp_words"] + pct["pct_signs"] + pct["permille_signs"])
                            + "".join(rng["connectors"] + rng["between_joiners"] + comp["over"] + comp["under"])
                            + _DIG + _SC + "点點又多余餘几幾分之半打成折倍个個 " + pct["cheng"] + pct["zhe"]
                            + "".join(bare["single_next"])),
        between_first=frozenset("".join(w[0] for w in rng["between_joiners"]) + " "),
        range_first=frozenset("".join(w[0] for w in rng["connectors"]) + " "),
        pre_last=frozenset("".join(w[-1] for w in list(pre_approx) + nums["qualifier_gap"]["words"]) + " "),
        suffix_first=frozenset("".join(w[0] for w in unit_of) + "".join(
            w[0] for w in pct["pp_words"] + pct["pct_signs"] + pct["permille_signs"] + mult["words"])
            + "个個成折打" + _DIG + _SC),
        # what a percent-like suffix (%, ‰, 个百分点, 成, 折, 打, 倍) starts with: after any other
        # character only a unit word can follow, and _suffix goes straight to it
        pct_like_first=frozenset("".join(w[0] for w in pct["pp_words"] + pct["pct_signs"] + pct["permille_signs"]
                                         + mult["words"]) + pct["cheng"] + pct["zhe"] + "%％‰个個百成折打倍"),
    )


# ---------------------------------------------------------------------------------------------- matches


@dataclass(slots=True)
class QMatch:
    """One quantity found in a string.  ``start``/``end`` cover number(s) and unit; ``qstart``/``qend``
    also cover comparison words that set a bound (超过了80, 1000以上); ``nums`` are the numeral spans."""

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


class _Blocked:
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
        i = bisect.bisect_left(self.ends, s + 1)
        return i < len(self.starts) and self.starts[i] < e


def _low(num: Num, sign: int) -> Decimal:
    """The bound of a vague number that gives the smaller signed value (负七八: -8, not -7)."""
    return num.lo if sign > 0 else num.hi


def _high(num: Num, sign: int) -> Decimal:
    """The bound of a vague number that gives the larger signed value (负七八: -7)."""
    return num.hi if sign > 0 else num.lo


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _fmt_dec(d: Decimal) -> Decimal:
    """Normalise a Decimal without exponent noise (1.64E+9 -> 1640000000)."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1)) if d.adjusted() < 28 else d
    return d.normalize()


class _Finder:
    """One pass over one string."""

    def __init__(self, text: str, skip: Iterable[Span]) -> None:
        self.text = text
        self.r = rules()
        spans = list(skip)
        # long patterns (URLs) run over the whole text, and only when their literal cue is present;
        # the short ones are tried in a window around each candidate (see hit), which is much cheaper
        for cue, pattern in self.r.global_nq:
            if any(c in text for c in cue):
                spans += [m.span() for m in pattern.finditer(text)]
        for pattern in self.r.local_nq:
            spans += [m.span() for m in pattern.finditer(text)]
        self.blocked = _Blocked(s for s in spans if s[1] > s[0])
        self.n = len(text)

    def hit(self, s: int, e: int) -> bool:
        """Does [s, e) overlap a skip span, a not-a-quantity pattern or a set phrase?"""
        return self.blocked.hits(s, e)

    # -- numbers with sign, fraction and 又 -----------------------------------------------------------------
    def signed(self, pos: int) -> tuple[Num, int, int] | None:
        """(number, start including sign, sign) at pos."""
        t = self.text
        sign = 1
        p = pos
        if p < len(t) and t[p] in "负負":
            sign, p = -1, p + 1
        elif t.startswith("零下", p):
            sign, p = -1, p + 2  # 零下5摄氏度
        elif p < len(t) and t[p] == "-":
            if pos > 0 and (t[pos - 1].isalnum() and not _is_cjk(t[pos - 1]) or t[pos - 1] in "-.—"):
                return None
            sign, p = -1, p + 1
        p = _SPACES.match(t, p).end() if sign < 0 else p
        num = parse_number(t, p)
        if num is None:
            return None
        return num, pos, sign

    def fraction_after(self, num: Num, sign: int, start: int) -> tuple[Decimal, int, Decimal | None] | None:
        """X分之Y (value Y/X), 3/5, 4 6/3, N又X分之Y.  Returns (value, end, numerator span start) or None."""
        t = self.text
        nxt = t[num.end:num.end + 1]
        if nxt not in ("分", "/", "又", " ") or not nxt:
            return None
        fm = _FRAC_MID.match(t, num.end)
        if fm is not None and not num.vague:
            got = self.signed(fm.end())
            if got is not None and got[0].digitseq is None:
                den = num.value * sign
                if den != 0:
                    n2, _s2, sign2 = got
                    return n2.value * sign2 / den, n2.end, None
        if num.arabic and num.value == num.value.to_integral_value() and not num.over:
            sm = _SLASH.match(t, num.end)
            if sm is not None and int(sm.group(1)) != 0 and not (start > 0 and t[start - 1] == "/"):
                return sign * num.value / Decimal(sm.group(1)), sm.end(), None
            mm = _MIXED_SLASH.match(t, num.end)
            if mm is not None and int(mm.group(2)) != 0:
                return sign * (num.value + Decimal(mm.group(1)) / Decimal(mm.group(2))), mm.end(), None
        ym = _YOU.match(t, num.end)
        if ym is not None and not num.vague:
            inner = self.signed(ym.end())
            if inner is not None and inner[0].digitseq is None:
                fr = self.fraction_after(inner[0], inner[2], inner[1])
                if fr is not None:
                    return sign * (num.value + fr[0]), fr[1], None
        return None

    # -- one quantity ---------------------------------------------------------------------------------------
    def at(self, pos: int) -> QMatch | None:
        """The quantity starting at seed position ``pos``, or None."""
        t = self.text
        if t[pos].isdigit():
            # the common case first: an Arabic number has no sign, currency or lead-in word to look for
            num = parse_number(t, pos)
            if num is None or abs(num.hi).adjusted() > _MAX_ADJUSTED:
                return None
            return self._quantity(num, pos, 1, None, False)
        return self._at_word(pos)

    def _at_word(self, pos: int) -> QMatch | None:
        """:meth:`at` for every seed but a digit: signs, currencies, 百分之, 翻番, 上百 / 数十 / 半."""
        t = self.text
        r = self.r
        ch = t[pos]
        # 翻一番 / 翻两番, 打对折
        if ch == "翻":
            for w, v in r.fan.items():
                if t.startswith(w, pos):
                    return QMatch(pos, pos + len(w), v, unit="倍", kind="multiple", unit_text=w,
                                  nums=[(pos + len(w) - 2, pos + len(w) - 1, v)], qstart=pos, qend=pos + len(w))
            return None
        if ch == "对":
            if pos > 0 and t[pos - 1] == "打":
                return QMatch(pos, pos + 2, Decimal(50), unit="%", kind="percent", unit_text="对折",
                              nums=[], qstart=pos, qend=pos + 2)
            return None
        # currency sign or 人民币 before the number
        pre_unit: tuple[str, int] | None = None
        start = pos
        if ch in "$￥¥€£" or ch == "人" and t.startswith("人民币", pos):
            wlen = 3 if ch == "人" else 1
            canon = {"$": "USD", "￥": "CNY", "¥": "CNY", "€": "EUR", "£": "GBP", "人": "CNY"}[ch]
            if ch == "$" and t[max(0, pos - 2):pos] in _DOLLAR_PREFIX:
                canon = _DOLLAR_PREFIX[t[pos - 2:pos]]  # HK$100, NT$50
                start = pos - 2
            pos = _SPACES.match(t, pos + wlen).end()
            if pos >= len(t) or not (t[pos].isdigit() or t[pos] in _DIG or t[pos] in "十"):
                return None
            pre_unit = (canon, start)
        # 百分之 / 千分之 / 万分之
        pm = _PCT_PREFIX.match(t, pos) if ch in "百佰千仟万萬" else None
        if pm is not None and pre_unit is None:
            den = Decimal(1)
            for c in pm.group(1):
                if c != " ":
                    den *= SMALL_SCALES.get(c) or BIG_SCALES[c]
            got = self.signed(pm.end())
            if got is None and t.startswith("百", pm.end()):
                v = Decimal(100)  # 百分之百
                got = (Num(pm.end(), pm.end() + 1, v, v, v, v, pm.end() + 1), pm.end(), 1)
            if got is None or got[0].digitseq is not None:
                return None
            num, _, sign = got
            if self.hit(pos, num.end):
                return None
            factor = Decimal(100) / den
            q = QMatch(pos, num.end, _fmt_dec(_low(num, sign) * sign * factor), unit="%", kind="percent",
                       unit_text=t[pos:pm.end()].replace(" ", ""), nums=[(num.start, num.core_end, num.value)],
                       num_end=num.end)
            if num.vague:
                q.value_max = _fmt_dec(_high(num, sign) * sign * factor)
                q.approx = "about"
                q.base = _fmt_dec(num.base * factor)
            elif num.over:
                q.approx = "over"
            return self.finish(q, pos)
        # vague lead-ins: 上百 (over 100), 数百 / 几十 (1..9 x scale)
        lead_over = False
        if ch == "上":
            lead_over = True
            num = self._with_coefficient(pos, 1)
            if num is None:
                return None
            got: tuple[Num, int, int] | None = (num, pos, 1)
        elif ch in "数數":
            num = self._with_coefficient(pos, None)
            if num is None:
                return None
            got = (num, pos, 1)
        elif ch == "半":
            nxt = t[pos + 1]
            if pos > 0 and t[pos - 1] in "上下前后一大过多":
                return None
            if nxt in "百佰":
                v = Decimal(50)
                num = Num(pos, pos + 2, v, v, v, v, pos + 2)
            else:
                v = Decimal("0.5")
                num = Num(pos, pos + 1, v, v, v, v, pos + 1)
            got = (num, pos, 1)
        else:
            got = self.signed(pos)
            if got is not None and abs(got[0].hi).adjusted() > _MAX_ADJUSTED:
                return None  # 万万万万万万万万: no real amount
            if got is None and ch in "百千" and pos + 1 < len(t):
                um = match_unit(t, pos + 1)  # 不到百公里, 近百家: a lone 百 before a measure
                if um is not None and not um.ge and (r.unit_of[um.word].kind in (
                        "dimension", "money") or r.pre_re.search(t[max(0, pos - 12):pos]) is not None):
                    v = Decimal(SMALL_SCALES[ch])
                    got = (Num(pos, pos + 1, v, v, v, v, pos + 1), pos, 1)
        if got is None:
            return None
        num, nstart, sign = got
        if pre_unit is not None:
            nstart = start
        return self._quantity(num, nstart, sign, pre_unit, lead_over)

    def _quantity(self, num: Num, nstart: int, sign: int, pre_unit: tuple[str, int] | None,
                  lead_over: bool) -> QMatch | None:
        """The quantity around a number read at ``nstart``: fraction, unit or percent after it, qualifiers."""
        t = self.text
        r = self.r
        # a number glued to Latin letters or digits is a code (A2021..., 5G); 第 makes an ordinal
        if nstart > 0:
            before = t[nstart - 1]
            if before.isascii() and (before.isalnum() or before == "_"):
                return None
        if self.blocked.hits(num.start, num.end):
            return None
        # 三八折 / 九五折: a digit string only as a discount
        if num.digitseq is not None:
            zm = r.zhe_re.match(t, num.end)
            if zm is None or len(num.digitseq) != 2:
                return None
            v = Decimal(num.digitseq)
            return self.finish(QMatch(nstart, zm.end(), v, unit="%", kind="percent", unit_text="折",
                                      nums=[(num.start, num.end, v)]), nstart)
        fr = self.fraction_after(num, sign, nstart)
        if fr is not None:
            value, fend, _ = fr
            with localcontext() as ctx:
                ctx.prec = 28
                value = +value
            q = QMatch(nstart, fend, value, kind="fraction", nums=[(nstart, fend, value)], num_end=fend)
            return self.finish(q, nstart)
        if len(num.atoms) == 1 and num.arabic and sign > 0:
            value = num.value  # read straight from the digits: already exact and without exponent
            q = QMatch(nstart, num.end, value, nums=[(nstart if pre_unit is None else num.start, num.end, value)],
                       num_end=num.end)
        else:
            value = _fmt_dec(_low(num, sign) * sign)
            q = QMatch(nstart, num.end, value, nums=[(nstart if pre_unit is None else num.start, num.core_end,
                                                      _fmt_dec((num.base if num.vague and num.base else num.value)
                                                               * sign))],
                       num_end=num.end)
        if num.vague:
            q.value_max = _fmt_dec(_high(num, sign) * sign)
            q.approx = "about"
            q.base = _fmt_dec(num.base * sign)
        if num.over or lead_over:
            q.approx = "over"
            q.base = _fmt_dec(num.base * sign)
        if num.single_cn and t[num.start] in _FINANCIAL and not self._frame_ok(nstart, num.end):
            return None  # 登陆部队, 拾起: 陆 / 拾 alone are words, not numerals (decided before any suffix)
        if self._suffix(q, num, sign, pre_unit) is False:
            return None
        if q.end < len(t) and t[q.end].isascii() and t[q.end].isalpha():
            return None  # 5G, 4K, 3D: a code, not an amount
        return self.finish(q, nstart, num=num)

    def _with_coefficient(self, pos: int, coef: int | None) -> Num | None:
        """上百 / 数十万 / 几百: a leading word standing for the coefficient of the scales after it."""
        t = self.text
        p = pos + 1
        probe = parse_number("一" + t[p:p + 12], 0)
        if probe is None or not probe.atoms or probe.atoms[0][0] != "n":
            return None
        atoms = list(probe.atoms)
        if coef is None:
            atoms[0] = ("v", Decimal(1), Decimal(9), Decimal(0))
        end = p + probe.end - 1
        num = _recompute(Num(pos, end, Decimal(0), Decimal(0), Decimal(0), Decimal(0), end), atoms, end)
        num.start = pos
        if len(atoms) < 2:
            return None
        num.core_end = end
        return num

    def _suffix(self, q: QMatch, num: Num, sign: int, pre_unit: tuple[str, int] | None) -> bool | None:
        """Percent signs, 个百分点, 成, 折, 倍 and units after the number.  False = not a quantity."""
        t = self.text
        r = self.r
        end = num.end
        if pre_unit is not None:
            q.unit, q.kind, q.unit_text = pre_unit[0], "money", t[pre_unit[1]:num.start].strip()
            um = _match_unit(r, t, end)
            if um is not None and r.unit_of[um.word].canonical == pre_unit[0] and not um.ge:
                q.end = um.end
                q.unit_spans.append((um.ustart, um.end))
            q.unit_spans.append((pre_unit[1], num.start))
            return True
        nxt_i = end
        while nxt_i < len(t) and t[nxt_i] == " ":
            nxt_i += 1
        nxt = t[nxt_i] if nxt_i < len(t) else ""
        if (not nxt or nxt not in r.suffix_first) and num.last_scale_start is None:
            return True  # nothing that could be a unit follows: skip the suffix regexes
        if nxt not in r.pct_like_first:
            return self._unit_suffix(q, num, sign)  # most often: a unit word follows
        m = r.pct_re.match(t, end) if nxt in "%％" else None
        if m is not None:
            q.unit, q.kind, q.unit_text, q.end = "%", "percent", "%", m.end()
            q.unit_spans.append((m.end() - 1, m.end()))
            return True
        m = r.permille_re.match(t, end) if nxt == "‰" else None
        if m is not None:
            q.value, q.unit, q.kind, q.unit_text, q.end = q.value / 10, "%", "percent", "‰", m.end()
            if q.value_max is not None:
                q.value_max /= 10
            return True
        m = r.pp_re.match(t, end) if nxt in "个個百" else None
        if m is not None:
            q.unit, q.kind, q.unit_text, q.end = "pp", "pp", t[m.start():m.end()].strip(), m.end()
            q.unit_spans.append((m.start(), m.end()))
            return True
        m = r.cheng_re.match(t, end) if nxt == "成" else None
        if m is not None and num.hi <= 10 and sign > 0 and not num.over:
            q.value = _fmt_dec(num.lo * 10)
            if q.value_max is not None:
                q.value_max = _fmt_dec(num.hi * 10)
            if m.group("half"):
                q.value += 5
            elif m.group("d"):
                q.value += CN_DIGITS[m.group("d")]
            q.unit, q.kind, q.unit_text, q.end = "%", "percent", "成", m.end()
            return True
        m = r.zhe_re.match(t, end) if nxt == "折" else None
        if m is not None and not num.vague and not num.over and sign > 0:
            v = num.value
            if v == Decimal("0.5"):
                v = Decimal(50)
            elif v < 10:
                v = v * 10
            elif not 10 < v < 100:
                return False  # 十折 is no discount
            q.value = _fmt_dec(v)
            q.unit, q.kind, q.unit_text, q.end = "%", "percent", "折", m.end()
            return True
        if nxt == "打" and nxt_i == end and not (end + 1 < len(t) and t[end + 1] in _DA_NOT) and not num.over:
            q.value *= 12  # 一打 = a dozen
            q.unit_text = "打"
            q.end = q.num_end = end + 1
            q.nums = [(q.nums[0][0], end + 1, q.value)]
            return True
        m = r.multiple_re.match(t, end) if nxt == "倍" else None
        if m is not None:
            q.unit, q.kind, q.unit_text, q.end = "倍", "multiple", "倍", m.end()
            return True
        return self._unit_suffix(q, num, sign)

    def _unit_suffix(self, q: QMatch, num: Num, sign: int) -> bool | None:
        """The unit word after the number (part of :meth:`_suffix`).  False = not a quantity."""
        t = self.text
        r = self.r
        end = num.end
        # units; 12千米 / 五十兆字节: the scale character belongs to the unit
        if num.last_scale_start is not None and len(num.atoms) > 1:
            hm = r.scale_head_re.match(t, num.last_scale_start)
            if hm is not None:
                new = _recompute(num, num.atoms[:-1], num.last_scale_start)
                num.value, num.lo, num.hi, num.base = new.value, new.lo, new.hi, new.base
                num.end = num.core_end = num.last_scale_start
                end = num.end
                q.value = _fmt_dec(_low(new, sign) * sign)
                q.end = q.num_end = end
                q.nums = [(q.nums[0][0], end, _fmt_dec(new.value * sign))]
                if q.value_max is not None:
                    q.value_max = _fmt_dec(_high(new, sign) * sign)
        um = _match_unit(r, t, end)
        if um is not None:
            word = um.word
            rule = r.unit_of[word]
            ge, mod = um.ge, um.mod
            uend = um.end
            if ge and not rule.ge or rule.ge_required and not ge or mod and not ge:
                um = None
            elif rule.not_before and uend < len(t) and t[uend] in rule.not_before:
                um = None  # 十一国庆, 3人民: the word goes on
            elif rule.boundary and uend < len(t) and _is_cjk(t[uend]) and t[uend] != "钱":
                rule = UnitRule("*", "count")  # 三块蛋糕: the measure word, not money
            elif word == "两" and (num.vague or t[num.end - 1] in _TWO):
                um = None
            if um is None and ge:
                # 20个国家: 个 itself is the measure word
                word, rule, mod, uend = "个", r.unit_of["个"], None, um_end_ge(t, end)
                um = True  # type: ignore[assignment]
            if um is not None:
                if rule.boundary and word == "块" and t.startswith("钱", uend):
                    uend += 1
                if self.blocked.hits(end, uend):
                    return False if rule.kind == "duration" else None
                q.unit = word if rule.canonical == "*" else rule.canonical
                q.kind = rule.kind
                utext = t[end:uend]
                q.unit_text = utext.strip()
                q.end = uend
                q.unit_spans.append((end + (len(utext) - len(utext.lstrip(" "))), uend))
                if mod == "半":
                    q.value += Decimal("0.5")
                elif mod in ("多", "余"):
                    q.approx = "over"
                if rule.kind == "count":
                    last = word[-1]
                    if uend < len(t) and t[uend] == last:
                        return False  # 一辆辆, 一列列: reduplication
                if rule.kind in ("count", "duration") and num.text_is_one and q.approx is None and not mod \
                        and not (uend < len(t) and t[uend] in "多余半") \
                        and r.pre_re.search(t[max(0, q.start - 12):q.start]) is None:
                    return False  # 一架客机, 新一年: the indefinite article
                # 一吨半 / 一年半
                if uend < len(t) and t[uend] == "半" and rule.kind in ("dimension", "duration") and not mod:
                    q.value += Decimal("0.5")
                    q.end = uend + 1
                # 五元三毛, 两美元又三美分
                mre = r.minor_re.get(rule.canonical)
                if mre is not None and q.kind == "money" and q.value_max is None:
                    mm = mre.match(t, q.end)
                    while mm is not None:
                        raw = mm.group("num")
                        v = Decimal(raw) if raw[0].isdigit() or raw[0] == "." else Decimal(CN_DIGITS[raw])
                        factor = dict(rule.minor)[_norm_word(mm.group("w"))]
                        q.value += v * factor * sign
                        q.end = mm.end()
                        mm = mre.match(t, q.end)
                return True
        return True

    def finish(self, q: QMatch, nstart: int, num: Num | None = None) -> QMatch | None:
        """Qualifiers around the quantity, ranges, and the bare-number test."""
        t = self.text
        r = self.r
        q.qstart = q.start
        q.qend = q.num_end if q.num_end > 0 else q.end
        # approximation after: 左右, 以上, 以下 ...
        pm = r.post_re.match(t, q.end) if q.end < len(t) and t[q.end] in r.continues else None
        if pm is not None and q.kind not in ("fraction",):
            word = _norm_word(pm.group("q"))
            ok = True
            if word in ("多", "余", "有余"):
                ok = q.unit is not None and q.approx is None and (
                    q.kind in ("duration", "dimension", "money") or q.unit_text == "成")
                if ok and pm.end() < len(t) and t[pm.end()] in "种个家项元":
                    ok = False
            if ok:
                q.approx = r.post_approx[word]
                q.qend = pm.end()
                if word in ("多", "余", "有余"):
                    q.end = pm.end()
        # a range: 200元至300元, 6到8小时, 3~5天, 5-20%
        rng = self._range(q)
        if rng is not None:
            q = rng
        # approximation before: 约, 超过了, 不到 ... / 比三十大
        prev = t[q.start - 1] if q.start > 0 else ""
        window = t[max(0, q.start - 12):q.start] if prev and (prev in r.pre_last or prev in "比 ") else ""
        bm = r.pre_re.search(window) if window and prev in r.pre_last else None
        if bm is not None:
            word = _norm_word(bm.group("q"))
            need = r.guarded.get(word)
            if need and not window[:bm.start()].endswith(need):
                bm = None
        if bm is not None:
            word = _norm_word(bm.group("q"))
            if q.approx in (None, "about") and not (q.value_max is not None and q.approx is None):
                q.approx = r.pre_approx[word]
                q.qstart = q.start - (len(window) - bm.start())
            elif q.approx == "over" and r.pre_approx[word] == "over" and q.value_max is None:
                q.qstart = q.start - (len(window) - bm.start())
        else:
            cb = r.cmp_before_re.search(window) if window and window[-1] in "比 " else None
            ca = None if cb is None else r.cmp_after_re.match(t, q.nums[-1][1] if q.nums and q.unit is None else q.end)
            if cb is not None and ca is not None and q.approx is None:
                q.approx = "over" if ca.group("c") in r.cmp_over else "under"
                q.qstart = q.start - (len(window) - cb.start())
                q.qend = ca.end()
        # between: 位于20和30之间 / 10000与20000间
        if q.value_max is None:
            bq = self._between(q)
            if bq is not None:
                q = bq
        bare = q.unit is None and q.kind == "number"
        if bare and q.approx is None and q.value_max is None and not q.unit_text and not self._bare_ok(q, num):
            return None
        if bare and num is not None and num.vague and q.approx == "about" and q.value_max is not None \
                and not any(a[0] in ("s", "b") for a in num.atoms):
            return None  # 两三 on its own is not a number
        return q

    def _bare_ok(self, q: QMatch, num: Num | None) -> bool:
        """A number without unit or qualifier is kept only when it clearly stands alone."""
        t = self.text
        s, e = q.start, q.end
        prev = t[s - 1] if s > 0 else ""
        nxt = t[e] if e < len(t) else ""
        if prev and nxt and prev in "（(" and nxt in "）)":
            return False  # (1) / （一）: list markers
        if nxt == "、" and (s == 0 or prev == "\n" or prev in "（("):
            return False
        if nxt == "." and (s == 0 or prev == "\n") and not (e + 1 < len(t) and t[e + 1].isdigit()):
            return False
        if num is not None and num.arabic and len(num.atoms) == 1 and e - s == 4 and 1900 <= q.value <= 2100 \
                and nxt and _is_cjk(nxt):
            return False  # 2023中国产业转移发展对接活动: a year used as a label
        if num is not None and num.arabic and e - s >= 10 and t[s:e].isdigit():
            return False  # 13912345678, 202107211321363588510367: an identifier, not an amount
        if num is None or not num.single_cn:
            return True
        return self._frame_ok(s, e)

    def _frame_ok(self, s: int, e: int) -> bool:
        """A one-character numeral stands alone: “五”, 是五这, 前三的 (not 一切, 四川, 收拾)."""
        t = self.text
        prev = t[s - 1] if s > 0 else ""
        nxt = t[e] if e < len(t) else ""
        ok_prev = prev == "" or not _is_cjk(prev) or prev in self.r.bare_prev
        ok_next = nxt == "" or not _is_cjk(nxt) or nxt in self.r.bare_next
        return ok_prev and ok_next

    def _second(self, p: int) -> tuple[Num, int, int] | None:
        t = self.text
        if p >= len(t):
            return None
        got = self.signed(p)
        if got is None or got[0].digitseq is not None or self.hit(got[0].start, got[0].end):
            return None
        return got

    def _range(self, q: QMatch) -> QMatch | None:
        """A second number joined by 至/到/~/- makes a range; a unit written once applies to both ends."""
        if q.approx is not None and q.approx != "over" or q.value_max is not None or q.kind == "fraction":
            return None
        if q.approx == "over":
            return None
        t = self.text
        if q.end >= len(t) or t[q.end] not in self.r.range_first:
            return None
        cm = self.r.range_re.match(t, q.end)
        if cm is None:
            return None
        got = self._second(cm.end())
        if got is None:
            return None
        q2 = QMatch(got[1], got[0].end, _fmt_dec(got[0].value * got[2]),
                    nums=[(got[1], got[0].core_end, _fmt_dec(got[0].value * got[2]))], num_end=got[0].end)
        if got[0].over or got[0].vague:
            return None
        if self._suffix(q2, got[0], got[2], None) is False:
            return None
        if q.unit is not None and q2.unit is not None and q.unit != q2.unit:
            return None
        if q.unit is not None and q2.unit is None and (t[cm.start():cm.end()].strip() in "-—–－" or q.kind == "count"):
            return None
        low = self._range_low(q, q2, got[0])
        if q2.value <= low:
            return None
        out = QMatch(q.start, q2.end, low, q2.value, q.unit or q2.unit, None, q2.kind if q.unit is None else q.kind,
                     q.unit_text or q2.unit_text, q.nums + q2.nums, q.qstart, q2.num_end, None, None,
                     q.unit_spans + q2.unit_spans, q2.num_end)
        pm = self.r.post_re.match(t, out.end)
        if pm is not None and _norm_word(pm.group("q")) in ("左右", "上下"):
            out.approx, out.qend = "about", pm.end()
        return out

    def _range_low(self, q: QMatch, q2: QMatch, second: Num) -> Decimal:
        """The low end of a range, with what the high end writes once for both.

        3至5成 is 30..50 % (成 counts tenths on both sides); 10至20万元 is 10万..20万 (a big scale
        after the second number applies to a first number without one, as long as the first then
        stays below the second: 5到3万 keeps 5).
        """
        if q.unit is None and q2.unit is not None and q2.kind == "percent" and q2.unit_text == "成":
            return q.value * 10
        scale = 1
        for atom in reversed(second.atoms):
            if atom[0] != "b":
                break
            scale *= atom[1]
        if scale == 1 or q.unit is not None or len(q.nums) != 1:
            return q.value
        s, e, _ = q.nums[0]
        if any(c in _BIG_SCALES for c in self.text[s:e]) or q.value * scale >= q2.value:
            return q.value
        return _fmt_dec(q.value * scale)

    def _between(self, q: QMatch) -> QMatch | None:
        t = self.text
        if q.end >= len(t) or t[q.end] not in self.r.between_first:
            return None
        jm = self.r.between_join_re.match(t, q.end)
        if jm is None:
            return None
        got = self._second(jm.end())
        if got is None:
            return None
        q2 = QMatch(got[1], got[0].end, _fmt_dec(got[0].value * got[2]),
                    nums=[(got[1], got[0].core_end, _fmt_dec(got[0].value * got[2]))], num_end=got[0].end)
        am = self.r.between_after_re.match(t, q2.num_end)
        if am is None:
            if self._suffix(q2, got[0], got[2], None) is False:
                return None
            am = self.r.between_after_re.match(t, q2.end)
        if am is None or q2.value <= q.value:
            return None
        if q.unit is not None and q2.unit is not None and q.unit != q2.unit:
            return None
        window = t[max(0, q.start - 6):q.start]
        bb = self.r.between_before_re.search(window)
        qstart = q.start - (len(window) - bb.start()) if bb is not None else q.start
        return QMatch(q.start, q2.end, q.value, q2.value, q.unit or q2.unit, None,
                      q.kind if q.unit else q2.kind, q.unit_text or q2.unit_text, q.nums + q2.nums,
                      qstart, am.end(), None, "[)", q.unit_spans + q2.unit_spans, q2.num_end)

    def run(self) -> list[QMatch]:
        out: list[QMatch] = []
        t = self.text
        pos = 0
        seed = _SEED
        n = len(t)
        cont = self.r.continues
        blocked = self.blocked
        while True:
            m = seed.search(t, pos)
            if m is None:
                break
            p = m.start()
            skip_to = blocked.end_at(p)
            if skip_to > 0:
                pos = skip_to  # inside a date, a code, a set phrase
                continue
            if t[p] in _DIG and p + 1 < n and t[p + 1] not in cont and _is_cjk(t[p + 1]) and t[p + 1] != "下":
                pos = p + 1  # 一些 / 统一的: a one-character numeral that nothing can follow
                continue
            q = self.at(p)
            if q is None:
                pos = m.start() + 1
                continue
            if out and q.start < out[-1].end:
                pos = max(m.end(), out[-1].end)
                continue
            out.append(q)
            pos = max(q.end, q.qend, m.end())
        return _join_comparisons(t, out, self.r)


@dataclass(slots=True)
class UnitHit:
    ge: str | None  # 个 between number and unit (3个月)
    mod: str | None  # 多 / 余 / 半 between them (两个多月, 一个半小时)
    word: str  # the unit word, spaces removed
    ustart: int
    end: int


def match_unit(t: str, pos: int) -> UnitHit | None:
    """The unit word at ``pos`` (longest first), by dictionary lookup: much cheaper than the big regex,
    which is kept for the rare text with spaces inside or before the unit."""
    return _match_unit(rules(), t, pos)


def _match_unit(r: Rules, t: str, pos: int) -> UnitHit | None:
    """:func:`match_unit` with the compiled rules passed in (it runs once per number found)."""
    p = pos
    n = len(t)
    if t.find(" ", p, p + r.unit_maxlen + 2) >= 0:  # (the slower regex tolerates spaces)
        m = r.unit_re.match(t, pos)
        if m is None:
            return None
        return UnitHit(m.group("ge"), m.group("mod"), _norm_word(m.group("u")), m.start("u"), m.end())
    units = r.unit_of
    ge = mod = None
    q = p
    if q < n and t[q] in "个個":
        ge, q = t[q], q + 1
    if q < n and t[q] in "多余半":
        mod, q = t[q], q + 1
    lengths = r.unit_lengths
    for start, g, md in ((q, ge, mod), (p, None, None)) if (ge or mod) else ((p, None, None),):
        if start >= n:
            continue
        for length in lengths.get(t[start], ()):
            w = t[start:start + length]
            if len(w) == length and w in units:
                return UnitHit(g, md, w, start, start + length)
    return None


def um_end_ge(t: str, end: int) -> int:
    """End of a bare 个 after ``end`` (spaces allowed)."""
    p = _SPACES.match(t, end).end()
    return p + 1


_LOWER = ("over", "at_least")
_UPPER = ("under", "at_most")


def _join_comparisons(t: str, qs: list[QMatch], r: Rules) -> list[QMatch]:
    """大于10小于20, 1000以上，1500以下, 最多100最少20: two one-sided bounds make one interval."""
    if sum(1 for q in qs if q.approx in _LOWER or q.approx in _UPPER) < 2:
        return qs
    out: list[QMatch] = []
    i = 0
    while i < len(qs):
        a = qs[i]
        if i + 1 < len(qs) and a.value_max is None and qs[i + 1].value_max is None:
            b = qs[i + 1]
            pair = None
            if a.approx in _LOWER and b.approx in _UPPER:
                pair = (a, b)
            elif a.approx in _UPPER and b.approx in _LOWER:
                pair = (b, a)
            if pair is not None and (a.unit == b.unit or a.unit is None or b.unit is None):
                jm = r.join_re.match(t, a.qend)
                lo, hi = pair
                if jm is not None and jm.end() == b.qstart and lo.value < hi.value:
                    bounds = ("(" if lo.approx == "over" else "[") + (")" if hi.approx == "under" else "]")
                    out.append(QMatch(a.start, b.end, lo.value, hi.value, a.unit or b.unit, None,
                                      a.kind if a.unit else b.kind, a.unit_text or b.unit_text,
                                      a.nums + b.nums, a.qstart, b.qend, None, bounds, a.unit_spans + b.unit_spans,
                                      max(a.num_end, b.num_end)))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


def find_quantities(text: str, skip: Iterable[Span] = ()) -> list[QMatch]:
    """Every quantity in ``text``, in order, never overlapping a ``skip`` span (dates, corrupt text)."""
    return _Finder(text, skip).run()


# ---------------------------------------------------------------------------------------------- pipeline

_OUT_APPROX = {"exact": None}


def extract(doc: Doc) -> list[Quantity]:
    """Quantities of a segmented document (skipping doc.dates spans and doc.corrupt spans)."""
    skip = [(d.start, d.end) for d in doc.dates] + list(doc.corrupt)
    text = doc.text
    found = find_quantities(text, skip)
    if not found:
        return []
    # the fields of doc.span_fields, filled positionally: building a keyword dict per record cost
    # as much as finding the quantity
    raw_span = doc.raw_span
    doc_id = doc.doc_id
    sentence_index = doc.sentence_spans().index
    out: list[Quantity] = []
    for i, q in enumerate(found):
        s, e = q.start, q.end
        rs, re_ = raw_span(s, e)
        approx = _OUT_APPROX.get(q.approx, q.approx) if q.approx else None
        out.append(Quantity(doc_id, f"{doc_id}:q{i}", text[s:e], s, e, rs, re_, q.value, q.value_max, q.unit,
                            approx, q.kind, q.unit_text, sentence_index(s)))
    return out


@cache
def _currency_re() -> tuple[re.Pattern[str], dict[str, str]]:
    """Currency names of two or more characters (人民币, 美元, 坚戈) from the money rules in units.toml."""
    names = {w: u.canonical for w, u in rules().unit_of.items()
             if u.kind == "money" and len(w) >= 2 and not u.boundary and w[0] not in "元块"}
    return re.compile(_alt(names, spaced=False)), names


def find_currency_mentions(text: str, skip: Iterable[Span] = ()) -> list[tuple[int, int, str]]:
    """Currency names standing alone, with their ISO code: (start, end, code).

    人民币、美元 without an amount are not quantities (a quantity has a value), but a reader
    still wants to know which currencies an article talks about, so the entity stage labels
    them CURRENCY.  Names inside a quantity (1200亿美元) are skipped with ``skip``.
    """
    pattern, names = _currency_re()
    spans = sorted(skip)
    out = []
    for m in pattern.finditer(text):
        s, e = m.span()
        if not any(a < e and s < b for a, b in spans):
            out.append((s, e, names[m.group(0)]))
    return out
