"""The period resolver: when a statistic holds (rules/facts/periods.toml).

A date in the value's clause, else earlier in its sentence, else the paragraph's last period, else (a
paragraph without dates of its own: 从贸易方式看，…) the previous paragraph's.  A date after 截至 gives a
cumulative period (only an end); comparison bases (比去年) were left out of the context's dates.
"""

from __future__ import annotations

from extract.facts.context import Context
from extract.facts.rows import Period, Rows
from extract.model import DateRec, Quantity, Span


def period_for(ctx: Context, rows: Rows, q: Quantity, cs: int, sent: Span, para: int) -> Period:
    """The period of ``q``, in the clause starting at ``cs`` of ``sent``, in paragraph ``para``."""
    ce = ctx.clause_end(q.end, sent[1])  # >= q.end: both ranges below lie in [sent[0], ce)
    d = None
    if ctx.dates.any_start(sent[0], ce):  # most sentences have none
        d = ctx.dates.near(cs, ce, q.start)
        if d is None:
            d = ctx.dates.near(sent[0], q.start, q.start)
    if d is not None:
        return date_period(ctx, d)
    last = rows.last_period(para)
    if last is not None:
        return last
    paragraphs = ctx.doc.paragraphs
    p0 = paragraphs[para][0] if 0 <= para < len(paragraphs) else q.start
    if not ctx.dates.any_inside(p0, q.start):
        return rows.last_period(para - 1) or (None, None)
    return None, None


def date_period(ctx: Context, d: DateRec) -> Period:
    """The period a date gives (截至…: cumulative, only an end); once per date, many numbers share one."""
    got = ctx.periods.get(id(d))
    if got is None:
        pr = ctx.r.periods
        lead = ctx.compact(max(0, d.start - pr.cumulative_window), d.start)
        if d.text.startswith(pr.cumulative) or lead.endswith(pr.cumulative):
            got = None, d.value_end
        else:
            got = d.value_start, d.value_end
        ctx.periods[id(d)] = got
    return got
