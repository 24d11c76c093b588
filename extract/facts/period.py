"""The period resolver: when a statistic holds (rules/facts/periods.toml).

A date in the value's clause, else earlier in its sentence (a clock time only in its own clause), else an
earlier one: the paragraph's last inheritable period (a fact's, else a date's), else the paragraphs' before
(a heading such as 二、2026年工作安排 included).  Inheritable is an interval; a cut-off or a day (截至2024年底,
2月17日) only for a stock, and a horizon (力争到2028年) never.  A figure stated as it stands now (目前, 现有) has
no period.  A date after 截至 is a cut-off: what stands at it (a balance, a count held: a stock) has start =
end = the date, a running total accumulated up to it (累计…, 已…, a metric of kind flow) only an end.  全年
makes the period its calendar year.  Comparison bases (比去年) and the days of announcements (8月11日，…宣布…)
were left out of the context's dates.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from extract.facts.context import Context
from extract.facts.rows import Period, Rows
from extract.model import DateRec, Quantity, Span

_BACK = 3  # paragraphs looked back through for an inherited period
_REACH = 60  # characters before the value read for 已, 目前, 全年 (a long sentence is not read whole per number)


@dataclass(slots=True)
class Found:
    """A period, whether it was inherited (a guess), and whether it is a horizon (not to be inherited)."""

    period: Period
    inherited: bool = False
    horizon: bool = False


def period_for(ctx: Context, rows: Rows, q: Quantity, cs: int, sent: Span, para: int, flow: bool,
               stock: bool) -> Found:
    """The period of ``q``, in the clause starting at ``cs`` of ``sent``, in paragraph ``para``.  ``flow``: the
    figure is an amount over time (a cut-off gives it only an end); ``stock``: an amount standing at a date
    (it may inherit a cut-off)."""
    got = _stated(ctx, q, cs, sent, flow)
    if got is None:
        if _present(ctx, sent[0], q.start):
            return Found((None, None))
        got = _since(ctx, q, sent) or _inherited(ctx, rows, q, para, stock)
    if got.period[1] is not None and ctx.r.periods.whole_year_re.search(ctx.text, max(cs, q.start - _REACH), q.start):
        year = got.period[1][:4]  # 全年新增…: the calendar year of the period (its own, not to be inherited)
        got.period, got.horizon = (f"{year}-01-01", f"{year}-12-31"), True
    return got


def _stated(ctx: Context, q: Quantity, cs: int, sent: Span, flow: bool) -> Found | None:
    """A date of the value's clause, else an earlier one of its sentence (not a clock time)."""
    dated = ctx.dated.get(sent)  # most sentences have no date (then none of their clauses has one): asked once
    if dated is None:
        dated = ctx.dated[sent] = ctx.dates.any_start(*sent)
    if not dated:
        return None
    ce = ctx.clause_end(q.end, sent[1])  # >= q.end: both ranges below lie in [sent[0], ce)
    if not ctx.dates.any_start(sent[0], ce):
        return None
    d = ctx.dates.near(cs, ce, q.start)
    if d is None:
        d = ctx.dates.near(sent[0], q.start, q.start)
        if d is not None and d.granularity == "datetime":
            return None  # 29日6时提升至Ⅲ级，并调集…: the time of an event, not of the later figure
    if d is None:
        return None
    accumulated = ctx.r.periods.accumulated_re.search(ctx.text, max(sent[0], q.start - _REACH), q.start) is not None
    return Found(date_period(ctx, d, flow or accumulated), False, horizon(ctx, d))


def _since(ctx: Context, q: Quantity, sent: Span) -> Found | None:
    """此轮强降雨已造成…: an accumulated figure (已, 累计) with no date of its own runs over the article's last
    period since a date (7月下旬以来) before it."""
    if ctx.r.periods.accumulated_re.search(ctx.text, max(sent[0], q.start - _REACH), q.start) is None:
        return None
    d = next((d for d in reversed(ctx.since_dates) if d.end <= q.start), None)
    return Found(date_period(ctx, d, True), True) if d is not None and d.value_start else None


def _inherited(ctx: Context, rows: Rows, q: Quantity, para: int, stock: bool) -> Found:
    """An earlier period: the paragraph's last inheritable one (a fact's, else a date's before the value), else
    those of the paragraphs before."""
    paragraphs = ctx.doc.paragraphs
    pos = q.start
    since = -1 if stock else ctx.sentence_start(q.start)  # a stock inherits a cut-off wherever it was stated
    for p in range(para, max(-1, para - _BACK), -1):
        last = rows.last_period(p, stock, since)
        if last is not None:
            return Found(last, True)
        if 0 <= p < len(paragraphs):
            s, e = paragraphs[p]
            d = _last_date(ctx, s, pos) if p == para or e - s <= ctx.r.periods.heading_max else None
            if d is not None:
                return Found((d.value_start, d.value_end), True)
            pos = s
    return Found((None, None))


def _last_date(ctx: Context, lo: int, hi: int) -> DateRec | None:
    """The last inheritable date inside [lo, hi): a calendar interval (not a relative period such as 过去一年,
    not a horizon, not a single day)."""
    dates = ctx.dates
    i = bisect_left(dates.starts, hi) - 1
    while i >= 0 and dates.dates[i].start >= lo:
        d = dates.dates[i]
        if d.end <= hi and d.value_start is not None and d.value_start != d.value_end \
                and d.kind != "relative_period" and d.bound is None and not horizon(ctx, d):
            return d
        i -= 1
    return None


def horizon(ctx: Context, d: DateRec) -> bool:
    """力争到2028年: a target's horizon, the period of its own sentence's figures only."""
    got = ctx.horizons.get(id(d))
    if got is None:
        got = ctx.horizons[id(d)] = ctx.compact(max(0, d.start - 3), d.start).endswith(ctx.r.periods.horizon)
    return got


def _present(ctx: Context, lo: int, pos: int) -> bool:
    """目前, 现有: the figure is as it stands now (no period stated, none inherited)."""
    return ctx.r.periods.present_re.search(ctx.text, max(lo, pos - _REACH), pos) is not None


def date_period(ctx: Context, d: DateRec, flow: bool) -> Period:
    """The period a date gives: a cut-off (截至…) gives a stock start = end, a running total only an end."""
    got = ctx.periods.get(id(d))
    if got is None:
        pr = ctx.r.periods
        lead = ctx.compact(max(0, d.start - pr.cumulative_window), d.start)
        cut = d.text.startswith(pr.cumulative) or lead.endswith(pr.cumulative)
        if d.bound == "since":  # 7月下旬以来: from the start of the anchor to the day of the article
            got = d.value_start, ctx.doc.ref_date or d.value_end
        else:
            got = (None, d.value_end) if cut else (d.value_start, d.value_end)
        ctx.periods[id(d)] = got
    if got[0] is None and got[1] is not None and not flow:
        return got[1], got[1]
    return got
