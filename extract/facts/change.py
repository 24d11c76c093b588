"""The change resolver: how a statistic moved (rules/facts/changes.toml).

A number right after a change phrase is a change of the fact before it, never a fact of its own:
同比增长71.2% (yoy), 同比下降5.2% (yoy, negative), 年均增长8.5% (yoy, average), 占…的23.4% (share),
比上年增加3000万元 (an increase by an amount).  由1500万吨提升至6000万吨 makes 6000万吨 the fact with an
increase and its before value.  Several changes of one fact merge: the main one (yoy before
increase/decrease before share) gives ``kind``/``value``/``unit``, the others stay under their kind name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from extract.facts.context import Context
from extract.facts.filler import strip
from extract.facts.lexicon import Changes
from extract.facts.rows import Row
from extract.model import Quantity


@dataclass(slots=True)
class Pending:
    """A change found in a clause, waiting for the fact it changes (a clause's changes attach together)."""

    q: Quantity
    change: dict[str, Any]
    at: int  # where the change phrase starts: a metric of the clause is looked for before it
    cs: int  # where its clause starts
    rule: str
    words: str = ""  # the change phrase as written (同比增长, 环比下降, 占比): a change fact's metric says it


def change_of(ctx: Context, q: Quantity, cs: int, pre: str) -> Pending | None:
    """The change ``q`` states, when it is the number of a change phrase; ``pre`` is the clause before it
    (``ctx.compact(cs, q.start)``)."""
    c = ctx.r.changes
    if q.unit not in c.relative_units and q.kind not in c.relative_kinds:
        return _amount(ctx, q, cs, pre)
    n, t = ctx.r.names, ctx.text
    w = _ends_with(pre, c.average, c.tail)
    if w:
        return Pending(q, {"kind": "yoy", "value": q.value, "unit": q.unit, "average": True},
                       t.rfind(w, cs, q.start), cs, n.average, w)
    w = _suffix(pre, c, c.tail)
    level = w is None and (w := _marked_level(ctx, cs, q.start, pre)) is not None
    if w is None:
        return _share(ctx, q, cs, pre)
    sign, kind = c.phrases[w]
    sign = 1 if level else sign  # 环比回落到0.3%: the rate came to 0.3%, whatever the word's direction
    at = t.rfind(w, cs, q.start)
    if q.unit in c.points:  # 下降0.2个百分点: a decrease by that many points
        ch = {"kind": "increase" if sign > 0 else "decrease", "value": q.value, "unit": q.unit}
    else:
        kind = kind or _marker_kind(ctx, cs, at)
        ch = {"kind": kind, "value": q.value if sign > 0 else -Decimal(q.value), "unit": q.unit}
    return Pending(q, ch, at, cs, n.up if sign > 0 else n.down, _written(ctx, cs, at, w))


def _marked_level(ctx: Context, cs: int, end: int, pre: str) -> str | None:
    """The change phrase of 同比增长至8.2% (a direction word, 至/到, a yoy or mom marker in the phrase or right
    before it): the number is the change.  Without a marker (毛利率提升至24.4%) it is the level reached: None."""
    c = ctx.r.changes
    w = _suffix(pre, c, c.tail + c.level_tail)
    if w is None:
        return None
    before = ctx.compact(max(cs, ctx.text.rfind(w, cs, end) - 8), ctx.text.rfind(w, cs, end))
    return w if c.phrases[w][1] or before.endswith(c.mom_markers + c.yoy_markers) else None


def _marker_kind(ctx: Context, cs: int, at: int) -> str:
    """mom when a mom marker ends right before the change phrase (环比分别增长: filler between), else yoy."""
    c = ctx.r.changes
    before = strip(ctx.compact(max(cs, at - 8), at), ctx.r.strip_long_ends)
    return "mom" if before.endswith(c.mom_markers) else "yoy"


def _written(ctx: Context, cs: int, at: int, w: str) -> str:
    """The change phrase as written, with a marker said just before it (环比 in 环比分别增长)."""
    c = ctx.r.changes
    before = ctx.compact(max(cs, at - 8), at)
    markers = c.mom_markers + c.yoy_markers
    if not before.endswith(markers):  # most change phrases have no marker before them: no walk through the markers
        return w
    for m in markers:
        if before.endswith(m) and not w.startswith(m):
            return m + w
    return w


def _share(ctx: Context, q: Quantity, cs: int, pre: str) -> Pending | None:
    """占新疆外贸进出口总值的23.4%: a share, with the whole it is a share of (``of``) when stated."""
    c = ctx.r.changes
    i = pre.rfind(c.share_anchor)
    if i < 0 or len(pre) - i > c.share_window:
        return None
    of = pre[i + len(c.share_anchor):]
    for w in c.share:
        if pre[i:].startswith(w):
            of = pre[i + len(w):]
            break
    for d in c.share_of_drop:  # 占营收比重为31%: the whole is 营收
        k = of.find(d)
        if k >= 0:
            of = of[:k]
    of = strip(of.removesuffix(c.share_of_end), ctx.r.strip)
    if of.endswith(c.level_tail):  # 占比提升至三成, 占比升至四成: the share came to it, of nothing named
        of = ""
    ch: dict[str, Any] = {"kind": "share", "value": q.value, "unit": q.unit}
    if of:
        ch["of"] = of
    return Pending(q, ch, ctx.text.rfind(c.share_anchor, cs, q.start), cs, ctx.r.names.share,
                   f"占{of}比重" if of else "占比")


def _amount(ctx: Context, q: Quantity, cs: int, pre: str) -> Pending | None:
    """比上年增加3000万元: an amount right after an up or down word (nothing between but 了) changes the fact
    before it; not after a rate word (增幅), nor in a from-to clause (由X增加到Y: an increase with a before value,
    see :func:`before_value`)."""
    c = ctx.r.changes
    core = pre.removesuffix(c.amount_optional)
    w = _suffix(core, c, ())
    if w is None or w.endswith(c.rates) or c.from_re.search(pre):
        return None
    kind = "increase" if c.phrases[w][0] > 0 else "decrease"
    at = ctx.text.rfind(w, cs, q.start)
    return Pending(q, {"kind": kind, "value": q.value, "unit": q.unit}, at, cs, ctx.r.names.amount,
                   _written(ctx, cs, at, w))


def _suffix(s: str, c: Changes, tail: tuple[str, ...]) -> str | None:
    """The longest change phrase that ``s`` ends with (by the phrases' lengths, longest first), allowing a little
    filler of ``tail`` after it (增长了, 增长达)."""
    words, lens, last = c.phrases, c.phrase_lens, c.phrase_last
    for _ in range(3):
        if s[-1:] in last:  # most clauses end with a noun no change phrase ends with
            for n in lens:
                if n <= len(s) and s[-n:] in words:
                    return s[-n:]
        if not s.endswith(tail):
            return None
        f = next(f for f in tail if s.endswith(f))
        s = s[: -len(f)]
    return None


def _ends_with(s: str, words: tuple[str, ...], tail: tuple[str, ...]) -> str | None:
    """The change word ``s`` ends with, allowing a little filler after it (增长了, 增长达)."""
    for _ in range(3):
        if s.endswith(words):  # which one: the first in order
            return next(w for w in words if s.endswith(w))
        if not s.endswith(tail):
            return None
        f = next(f for f in tail if s.endswith(f))
        s = s[: -len(f)]
    return None


def before_value(ctx: Context, q: Quantity, cs: int, pre: str, sq: list[Quantity],
                 qi: int) -> tuple[str, Quantity] | None:
    """由X提升至Y: the X of a Y, with the direction (``sq[:qi]``: the sentence's numbers before ``q``;
    ``pre``: the clause before ``q``, compacted)."""
    c = ctx.r.changes
    if not pre.endswith(c.increase) and not pre.endswith(c.decrease):  # the usual case, without the loop
        return None
    for kind, words in (("increase", c.increase), ("decrease", c.decrease)):
        if not pre.endswith(words):
            continue
        for q0 in reversed(sq[:qi]):
            if q0.start < cs:
                break  # sorted by start: the rest lie before the clause
            if q0.end <= q.start and ctx.compact(cs, q0.start).endswith(c.from_) \
                    and (q0.unit == q.unit or q0.unit is None):
                return kind, q0
    return None


def from_to(q: Quantity, kind: str, q0: Quantity) -> dict[str, Any]:
    """The change of a from-to fact: by how much, and the before value."""
    return {"kind": kind, "value": abs(Decimal(q.value) - Decimal(q0.value)), "unit": q.unit, "before": q0.value}


def attach(row: Row, ch: dict[str, Any], c: Changes) -> bool:
    """Put a change on a row; False when the row has a change of that kind already.  The main change (by
    ``c.rank``) gives ``kind``/``value``/``unit``; the others are kept under their kind name (``share``,
    ``share_of`` …)."""
    if row.change is None:
        row.change = dict(ch)
        return True
    kind = ch["kind"]
    if row.change.get("kind") == kind or kind in row.change:
        return False
    main, other = (dict(ch), row.change) if c.rank.get(kind, c.rank_default) < \
        c.rank.get(row.change["kind"], c.rank_default) else (row.change, ch)
    main[other["kind"]] = other["value"]
    for k, v in other.items():
        if k not in ("kind", "value", "unit"):
            main[f"{other['kind']}_{k}"] = v
    row.change = main
    return True
