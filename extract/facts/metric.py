"""The metric resolver: what a number measures (rules/facts/metrics.toml, the count rule of facts.toml).

The metric is the first metric word after the subject (and the date) in the clause, extended to the value
but cut at 由/从 or an earlier number: 进口通关环节, 外贸进出口总值, 监管进出境TIR车辆.  A trade partner
right after 对/与 belongs to it (新疆对哈萨克斯坦进出口).  Without a metric word, a short phrase between
subject and value is the metric.  A count (20个国家一类口岸) is named by the noun after its measure word.
"""

from __future__ import annotations

import re

from extract.facts.context import Context
from extract.facts.filler import strip
from extract.facts.subject import source_clauses, usable
from extract.model import Quantity, Span, SpanIndex

_NO_CLAUSES = SpanIndex([])


def metric_for(ctx: Context, q: Quantity, cs: int, upto: int, sent: Span) -> tuple[str | None, int, bool]:
    """The metric of ``q`` (stated before ``upto`` in the clause starting at ``cs``), where it starts, and
    whether it is the noun a count counts (rule ``fact.count``)."""
    mr = ctx.r.metrics
    lo = ctx.dates.end_after(cs, upto, cs)
    se, partner = _subject_end(ctx, lo, upto, sent)
    metric, mstart = _clause_metric(ctx, lo, se, partner, upto)
    counted = False
    if q.unit in mr.classifiers:
        noun = count_noun(ctx, q)
        if noun:
            metric = noun
            counted = len(noun) >= mr.min_len
    return (metric if metric and len(metric) >= mr.min_len else None), mstart, counted


def _subject_end(ctx: Context, lo: int, upto: int, sent: Span) -> tuple[int, int | None]:
    """Where the subject entities between ``lo`` and ``upto`` end (``lo`` if none), and where a trade partner
    after them starts (对哈萨克斯坦: the partner belongs to the metric, not the subject), if one does."""
    t, mr = ctx.text, ctx.r.metrics
    ents = ctx.ents.inside(lo, upto)
    excluded = source_clauses(ctx, sent) if ents else _NO_CLAUSES
    se = lo
    partner = None
    for e in ents:
        if e.label not in ctx.r.subjects.clause_only and usable(ctx, e, excluded):
            if e.start > lo - 1 and t[e.start - 1] in mr.partner and (se > lo or e.start - 1 == lo):
                partner = partner if partner is not None else e.start - 1
            else:
                se, partner = max(se, e.end), None
    return se, partner


def _clause_metric(ctx: Context, lo: int, se: int, partner: int | None, upto: int) -> tuple[str | None, int]:
    """The metric phrase from the first metric word after the subject (else after ``lo``) to the value, or
    without one a short phrase after the subject; and where it starts."""
    t, mr = ctx.text, ctx.r.metrics
    m = ctx.metric_search(se, upto)
    if m is None and se > lo:
        m = ctx.metric_search(lo, upto)
    if m:
        mstart = m.start() if partner is None or partner > m.start() else partner
        phrase = strip(ctx.compact(mstart, _cut_at(mr.cut_re, t, mstart, upto)), ctx.r.strip)
        return (phrase if 0 < len(phrase) <= mr.max_len else m.group()), mstart
    phrase = strip(ctx.compact(se, _cut_at(mr.phrase_cut_re, t, se, upto)), ctx.r.strip)
    if 0 < len(phrase) <= mr.phrase_max and not mr.phrase_not_re.search(phrase):
        return phrase, se
    return None, se


def count_noun(ctx: Context, q: Quantity) -> str | None:
    """The noun a count counts: 6个国家级经济技术开发区 -> 国家级经济技术开发区, cut at 的/和 …, at a change
    word (签约 stays, 增长 goes) and at a long metric word inside it; None when there is none."""
    mr, ch = ctx.r.metrics, ctx.r.changes
    mm = mr.noun_re.match(ctx.text, q.end)
    if not mm:
        return None
    noun = mr.noun_cut_re.split(mm.group())[0]
    cut = [m.start() for m in mr.metric_re.finditer(noun) if m.start() > 0 and len(m.group()) >= mr.noun_min_metric]
    if not ch.move_starts.isdisjoint(noun[1:]):  # a change word can only start at such a character
        cut += [i for w in ch.moves if (i := noun.find(w)) > 0]
    return strip(noun[:min(cut)] if cut else noun, ctx.r.strip_long_ends) or None


def _cut_at(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int:
    """Position of the first match of ``pattern`` in text[lo:hi], else ``hi`` (like ``re.split(...)[0]``)."""
    m = pattern.search(text, lo, hi)
    return m.start() if m else hi
