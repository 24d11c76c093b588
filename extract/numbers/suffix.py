"""What follows a number: a percent-like suffix (%, ‰, 个百分点, 成, 折, 打, 倍) or a unit word (units.toml).

:func:`suffix` completes a quantity in place (unit, kind, value, end, rule name); it answers False when
what follows shows the number is no quantity (一辆辆, 十折), else True or None (a quantity without unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from extract.numbers.lexicon import UnitRule, Units, norm_word
from extract.numbers.match import WINDOW, QMatch, Scan, high, is_cjk, low
from extract.numeral import CN_DIGITS, Num, fmt_dec, parse_number, recompute

_HALF = Decimal("0.5")


@dataclass(slots=True)
class UnitHit:
    """A unit word found after a number."""

    ge: str | None  # 个 between number and unit (3个月)
    mod: str | None  # 多 / 余 / 半 between them (两个多月, 一个半小时)
    word: str  # the unit word, spaces removed
    ustart: int
    end: int


def match_unit(u: Units, t: str, pos: int) -> UnitHit | None:
    """The unit word at ``pos`` (longest first), by dictionary lookup: much cheaper than the big regex,
    which is kept for the rare text with spaces inside or before the unit."""
    n = len(t)
    if t.find(" ", pos, pos + u.maxlen + 2) >= 0:  # (the slower regex tolerates spaces)
        m = u.re.match(t, pos)
        if m is None:
            return None
        return UnitHit(m.group("ge"), m.group("mod"), norm_word(m.group("u")), m.start("u"), m.end())
    ge = mod = None
    q = pos
    if q < n and t[q] in u.ge:
        ge, q = t[q], q + 1
    if q < n and t[q] in u.mods:
        mod, q = t[q], q + 1
    for start, g, md in ((q, ge, mod), (pos, None, None)) if (ge or mod) else ((pos, None, None),):
        if start >= n:
            continue
        for length in u.lengths.get(t[start], ()):
            w = t[start:start + length]
            if len(w) == length and w in u.of:
                return UnitHit(g, md, w, start, start + length)
    return None


def suffix(s: Scan, q: QMatch, num: Num, sign: int, pre_unit: tuple[str, int] | None) -> bool | None:
    """Percent signs, 个百分点, 成, 折, 打, 倍 and units after the number.  False = not a quantity."""
    t, lx = s.text, s.lex
    if pre_unit is not None:
        return _after_sign(s, q, num, pre_unit)
    nxt_i = num.end
    while nxt_i < len(t) and t[nxt_i] == " ":
        nxt_i += 1
    nxt = t[nxt_i] if nxt_i < len(t) else ""
    if (not nxt or nxt not in lx.suffix_first) and num.last_scale_start is None:
        return True  # nothing that could be a unit follows: skip the suffix regexes
    if nxt in lx.pct_like_first:  # else (most often) a unit word follows
        got = _percent_like(s, q, num, sign, nxt, nxt_i)
        if got is not None:
            return got
    return unit_suffix(s, q, num, sign)


def _after_sign(s: Scan, q: QMatch, num: Num, pre_unit: tuple[str, int]) -> bool:
    """$100, ￥5元, 新台币54亿元: the currency sign or name before the number decides; the same currency's unit
    after it is taken too, and so is a plain 元 (the unit of the currency named: 新台币54亿元 is TWD)."""
    t, u = s.text, s.lex.units
    q.unit, q.kind, q.unit_text = pre_unit[0], "money", t[pre_unit[1]:num.start].strip()
    um = match_unit(u, t, num.end)
    if um is not None and (u.of[um.word].canonical == pre_unit[0] or um.word in u.generic_after) and not um.ge:
        q.end = um.end
        q.unit_spans.append((um.ustart, um.end))
    q.unit_spans.append((pre_unit[1], num.start))
    q.rule = u.sign_name
    return True


def _percent_like(s: Scan, q: QMatch, num: Num, sign: int, nxt: str, nxt_i: int) -> bool | None:
    """%, ‰, 个百分点, 成, 折, 打, 倍 after the number; None when none of them is there."""
    t, p, end = s.text, s.lex.percent, num.end
    if nxt in p.sign.first:
        m = p.sign.re.match(t, end)
        q.unit, q.kind, q.unit_text, q.end, q.rule = p.sign.unit, "percent", p.sign.unit, m.end(), p.sign.name
        q.unit_spans.append((m.end() - 1, m.end()))
        return True
    if nxt in p.permille.first:
        m = p.permille.re.match(t, end)
        q.value, q.unit, q.kind, q.unit_text, q.end = q.value / 10, p.permille.unit, "percent", nxt, m.end()
        if q.value_max is not None:
            q.value_max /= 10
        q.rule = p.permille.name
        return True
    m = p.points.re.match(t, end) if nxt in p.points.first else None
    if m is not None:
        q.unit, q.kind, q.unit_text, q.end, q.rule = p.points.unit, "pp", t[m.start():m.end()].strip(), m.end(), \
            p.points.name
        q.unit_spans.append((m.start(), m.end()))
        return True
    if nxt in p.cheng.first:
        return _cheng(s, q, num, sign)
    if nxt in p.zhe.first:
        return _zhe(s, q, num, sign)
    if nxt == s.lex.reading.dozen and nxt_i == end:
        return _dozen(s, q, num)
    m = p.multiple.re.match(t, end) if nxt in p.multiple.first else None
    if m is not None:
        q.unit, q.kind, q.unit_text, q.end, q.rule = p.multiple.unit, "multiple", t[end:m.end()].strip(), m.end(), \
            p.multiple.name
        return True
    return None


def _cheng(s: Scan, q: QMatch, num: Num, sign: int) -> bool | None:
    """五成 = 50 %, 七八成 = 70..80 %, 三成半 = 35 %, 三成五 = 35 %."""
    cheng = s.lex.percent.cheng
    m = cheng.re.match(s.text, num.end)
    if m is None or num.hi > 10 or sign < 0 or num.over:
        return None
    q.value = fmt_dec(num.lo * 10)
    if q.value_max is not None:
        q.value_max = fmt_dec(num.hi * 10)
    if m.group("half"):
        q.value += 5
    elif m.group("d"):
        q.value += CN_DIGITS[m.group("d")]
    q.unit, q.kind, q.unit_text, q.end, q.rule = cheng.unit, "percent", cheng.first, m.end(), cheng.name
    return True


def _zhe(s: Scan, q: QMatch, num: Num, sign: int) -> bool | None:
    """九折 = 90 %, 75折 = 75 %, 半折 = 50 %; 十折 is no discount."""
    zhe = s.lex.percent.zhe
    m = zhe.re.match(s.text, num.end)
    if m is None or num.vague or num.over or sign < 0:
        return None
    v = num.value
    if v == _HALF:
        v = Decimal(50)
    elif v < 10:
        v = v * 10
    elif not 10 < v < 100:
        return False
    q.value = fmt_dec(v)
    q.unit, q.kind, q.unit_text, q.end, q.rule = zhe.unit, "percent", zhe.first, m.end(), zhe.name
    return True


def _dozen(s: Scan, q: QMatch, num: Num) -> bool | None:
    """一打 = 12 (not 打开, 打算 ...)."""
    t, r, end = s.text, s.lex.reading, num.end
    if end + 1 < len(t) and t[end + 1] in r.dozen_not_before or num.over:
        return None
    q.value *= 12
    q.unit_text = r.dozen
    q.end = q.num_end = end + 1
    q.nums = [(q.nums[0][0], end + 1, q.value)]
    q.rule = r.dozen_name
    return True


def unit_suffix(s: Scan, q: QMatch, num: Num, sign: int) -> bool | None:
    """The unit word after the number.  False = not a quantity."""
    end = num.end
    if num.last_scale_start is not None and len(num.atoms) > 1:
        end = _scale_to_unit(s, q, num, sign)
    got = unit_at(s, num, end)
    if got is None:
        return True
    word, rule, mod, uend = got
    if s.blocked.hits(end, uend):
        return False if rule.kind == "duration" else None
    t = s.text
    q.unit = word if rule.canonical == "*" else rule.canonical
    q.kind = rule.kind
    utext = t[end:uend]
    q.unit_text = utext.strip()
    q.end = uend
    q.unit_spans.append((end + (len(utext) - len(utext.lstrip(" "))), uend))
    q.rule = rule.name
    u = s.lex.units
    if mod == u.half:
        q.value += _HALF
    elif mod and mod in u.over:
        q.approx = "over"
    if rule.kind == "count" and num.text_is_one and uend < len(t) and t[uend] == word[-1]:
        return False  # 一辆辆, 一列列: reduplication (not 3万股股票)
    if num.text_is_one and _is_article(s, q, num, rule, mod, uend):
        return False  # 一架客机, 新一年: the indefinite article
    if uend < len(t) and t[uend] == u.half_after and rule.kind in u.half_after_kinds and not mod:
        q.value += _HALF  # 一吨半 / 一年半
        q.end = uend + 1
    if q.kind == "money":
        _minor_units(s, q, rule, sign)
    return True


def _scale_to_unit(s: Scan, q: QMatch, num: Num, sign: int) -> int:
    """12千米 / 五十兆字节: the scale character read last belongs to the unit; the number ends before it."""
    if s.lex.units.scale_head_re.match(s.text, num.last_scale_start) is None:
        return num.end
    new = recompute(num, num.atoms[:-1], num.last_scale_start)
    num.value, num.lo, num.hi, num.base = new.value, new.lo, new.hi, new.base
    num.end = num.core_end = end = num.last_scale_start
    q.value = fmt_dec(low(new, sign) * sign)
    q.end = q.num_end = end
    q.nums = [(q.nums[0][0], end, fmt_dec(new.value * sign))]
    if q.value_max is not None:
        q.value_max = fmt_dec(high(new, sign) * sign)
    return end


def unit_at(s: Scan, num: Num, end: int) -> tuple[str, UnitRule, str | None, int] | None:
    """(word, rule, 多/余/半 before it, end) of the unit after a number ending at ``end``, or None."""
    t, u = s.text, s.lex.units
    um = match_unit(u, t, end)
    if um is None:
        return None
    word, rule, ge, mod, uend = um.word, u.of[um.word], um.ge, um.mod, um.end
    ok = True
    if ge and not rule.ge or rule.ge_required and not ge or mod and not ge:
        ok = False
    elif rule.not_before and uend < len(t) and t[uend] in rule.not_before:
        ok = False  # 十一国庆, 3人民: the word goes on
    elif rule.only_before and not any(t.startswith(w, uend) for w in rule.only_before):
        ok = False  # 18日 is a date, 30日内 a deadline
    elif rule.label and num.single_cn and uend < len(t) and is_cjk(t[uend]):
        ok = False  # 三级医院, 二期工程: a grade, a phase
    elif rule.boundary and uend < len(t) and is_cjk(t[uend]):
        rule = u.classifier  # 三块蛋糕: the measure word, not money
    elif rule.not_after and (rule.exact_only and num.vague or t[num.end - 1] in rule.not_after):
        ok = False  # 两两, 两三两: not the tael
    if ok:
        return word, rule, mod, uend
    if ge:  # 20个国家: 个 itself is the measure word
        p = end
        while t[p] == " ":
            p += 1
        return u.ge[0], u.of[u.ge[0]], None, p + 1
    return None


def _is_article(s: Scan, q: QMatch, num: Num, rule: UnitRule, mod: str | None, uend: int) -> bool:
    """一 (``num``) before a count or a duration, with no qualifier before and no 多 / 余 / 半 after: 一架客机
    (not 一年零三个月: a smaller duration after it makes 一年 a number)."""
    t, u = s.text, s.lex.units
    return (rule.kind in u.article_kinds and q.approx is None and not mod
            and not (uend < len(t) and t[uend] in u.article_unless)
            and s.lex.qualifiers.post_re.match(t, uend) is None  # 一年左右, 一年内
            and s.lex.qualifiers.pre_re.search(t[max(0, q.start - WINDOW):q.start]) is None
            and not (rule.kind == "duration" and smaller_duration(s, rule.canonical, uend) is not None))


def smaller_duration(s: Scan, unit: str, end: int) -> tuple[Num, str, str, int, int] | None:
    """(number, unit word, its canonical unit, end, unit start) of a duration smaller than ``unit`` written right
    after ``end`` (units.toml [compound_duration]: 三年六个月, 2小时30分, 11分36秒), or None."""
    t, c = s.text, s.lex.units.compound
    p = end
    for j in c.joiners:
        if t.startswith(j, p):
            p += len(j)
            break
    num = parse_number(t, p)
    if num is None or num.vague or num.over or num.digitseq is not None or s.blocked.hits(num.start, num.end):
        return None
    got = unit_at(s, num, num.end)
    if got is None:
        return None
    word, rule, mod, uend = got
    small = rule.canonical if rule.kind == "duration" else c.minute if word in c.minute_words else None
    factor = c.factor.get((unit, small)) if small is not None and not mod else None
    if factor is None or num.value >= factor or s.blocked.hits(num.end, uend):
        return None
    return num, word, small, uend, uend - len(word)


def _minor_units(s: Scan, q: QMatch, rule: UnitRule, sign: int) -> None:
    """五元三毛, 两美元又三美分: smaller units of the currency add to its value."""
    mre = s.lex.units.minor_re.get(rule.canonical)  # (also after 块: 三块五毛)
    if mre is None or q.value_max is not None:
        return
    t = s.text
    factors = dict(rule.minor)
    mm = mre.match(t, q.end)
    while mm is not None:
        raw = mm.group("num")
        v = Decimal(raw) if raw[0].isdigit() or raw[0] == "." else Decimal(CN_DIGITS[raw])
        q.value += v * factors[norm_word(mm.group("w"))] * sign
        q.end = mm.end()
        mm = mre.match(t, q.end)
