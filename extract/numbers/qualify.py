"""The qualifier combiner: approximation and comparison words around a quantity (qualifiers.toml).

约3000人 / 超过了80 / 不足1% (before), 1小时左右 / 20列以上 / 一年多 (after), 比三十大 (the comparative frame),
and two one-sided bounds joined into one interval (大于10小于20, 1000以上，1500以下).  ``qstart``/``qend``
of a quantity grow over the words that set its bound; its ``rule`` becomes the qualifier's name when the
qualifier decides its final shape.
"""

from __future__ import annotations

from extract.numbers.lexicon import Lexicon, norm_word
from extract.numbers.match import WINDOW, QMatch, Scan, span_of

_LOWER = ("over", "at_least")
_UPPER = ("under", "at_most")


def after(s: Scan, q: QMatch) -> None:
    """左右, 以上, 以下, 多 ... after the quantity."""
    t, lq = s.text, s.lex.qualifiers
    pm = lq.post_re.match(t, q.end) if q.end < len(t) and t[q.end] in s.lex.continues else None
    if pm is None:
        return
    word = norm_word(pm.group("q"))
    kinds = lq.post_kinds.get(word)
    if kinds is not None and q.kind not in kinds:
        return  # 内 only after a duration or a length (三年内, not 3家内)
    if word in lq.after_over:  # 一年多, 三成多 (not 十多种)
        if q.unit is None or q.approx is not None or not (
                q.kind in lq.after_over_kinds or q.unit_text in lq.after_over_units):
            return
        if pm.end() < len(t) and t[pm.end()] in lq.after_over_not_before:
            return
        q.end = pm.end()
    q.approx, q.rule = lq.post[word]
    q.qend = q.tend = pm.end()


def before(s: Scan, q: QMatch) -> None:
    """约, 超过了, 不到 ... before the quantity, or the comparative frame 比三十大 around it."""
    t, lq = s.text, s.lex.qualifiers
    prev = t[q.start - 1] if q.start > 0 else ""
    if not prev or prev not in lq.pre_last and prev not in lq.cmp_last:
        return
    window = t[max(0, q.start - WINDOW):q.start]
    bm = lq.pre_re.search(window) if prev in lq.pre_last else None
    if bm is not None:
        word = norm_word(bm.group("q"))
        need = lq.guarded.get(word)
        if need and not window[:bm.start()].endswith(need) or window[:bm.end("q")].endswith(lq.not_words):
            bm = None  # 过 only after 占比 / 比例 ...; 约 inside 节约 is none
    if bm is not None:
        approx, rule = lq.pre[word]
        if q.approx in (None, "about") and not (q.value_max is not None and q.approx is None):
            q.approx, q.rule = approx, rule
        elif not (q.approx == "over" and approx == "over" and q.value_max is None):
            return  # (超过500多亿: the bound starts at 超过)
        q.qstart = q.start - (len(window) - bm.start())
        if not bm.group("gap") and word not in lq.outside_text:
            q.tstart = q.qstart  # 约3000人 (not 约为3000人: the record's text starts at the number)
        return
    cb = lq.cmp_before_re.search(window) if window[-1] in lq.cmp_last else None
    if cb is None or q.approx is not None:
        return
    ca = lq.cmp_after_re.match(t, q.nums[-1][1] if q.nums and q.unit is None else q.end)
    if ca is not None:
        q.approx = "over" if ca.group("c") in lq.cmp_over else "under"
        q.qstart = q.start - (len(window) - cb.start())
        q.qend = ca.end()
        q.rule = lq.cmp_name


def rate_before(s: Scan, q: QMatch) -> None:
    """时速350公里, 每小时行驶80公里: a rate word before the quantity (and its qualifier) makes a length a speed
    (units.toml [rate_before]).  After the qualifiers, so that 时速约300公里 / 时速超过200公里 are seen."""
    r = s.lex.units.rate
    if q.unit not in r.units:
        return
    start = q.qstart if q.qstart >= 0 else q.start
    rm = r.res[q.unit].search(s.text, max(0, start - WINDOW), start)
    if rm is None:
        return
    own = s.lex.units.of.get(q.unit_text or "")
    if own is not None and q.rule == own.name:  # (a qualifier or a range keeps its name)
        q.rule = r.name
    q.unit = r.to[(norm_word(rm.group("w")), q.unit)]
    q.qstart = min(q.qstart, rm.start())
    if not rm.group("gap") and rm.end() == q.text_span()[0]:
        q.tstart = rm.start()


def join_comparisons(t: str, qs: list[QMatch], lex: Lexicon) -> list[QMatch]:
    """大于10小于20, 1000以上，1500以下, 最多100最少20: two one-sided bounds make one interval."""
    if sum(1 for q in qs if q.approx in _LOWER or q.approx in _UPPER) < 2:
        return qs
    out: list[QMatch] = []
    i = 0
    while i < len(qs):
        joined = _joined(t, qs[i], qs[i + 1], lex) if i + 1 < len(qs) else None
        if joined is not None:
            out.append(joined)
            i += 2
        else:
            out.append(qs[i])
            i += 1
    return out


def _joined(t: str, a: QMatch, b: QMatch, lex: Lexicon) -> QMatch | None:
    """The interval of a lower and an upper bound written one after the other (either order), or None."""
    if a.value_max is not None or b.value_max is not None:
        return None
    if a.approx in _LOWER and b.approx in _UPPER:
        lo, hi = a, b
    elif a.approx in _UPPER and b.approx in _LOWER:
        lo, hi = b, a
    else:
        return None
    if not (a.unit == b.unit or a.unit is None or b.unit is None):
        return None
    jm = lex.ranges.join_re.match(t, a.qend)
    if jm is None or jm.end() != b.qstart or lo.value >= hi.value:
        return None
    bounds = ("(" if lo.approx == "over" else "[") + (")" if hi.approx == "under" else "]")
    out = span_of(a, b, lo.value, hi.value, lex.ranges.join_name, a.qstart, b.qend, bounds)
    out.num_end = max(a.num_end, b.num_end)
    return out
