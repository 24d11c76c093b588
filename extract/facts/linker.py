"""Linking one number into a row: its subject, metric and period (the builder's per-number step).

A list item (:mod:`~extract.facts.items`) is a name, a counted noun or a segment; a clause's number takes the
subject stated in it (:mod:`~extract.facts.subject`), else in its sentence, else the paragraph's or the
article's (:mod:`~extract.facts.topic`); its metric (:mod:`~extract.facts.metric`) is read after that
subject and after the number before it in the clause; an amount restating the one before (约合…) copies it.
"""

from __future__ import annotations

from bisect import bisect_right

from extract.facts.context import Context, is_verb
from extract.facts.filler import strip
from extract.facts.lexicon import anaphor_at
from extract.facts.metric import Metric, _canonical_match, metric_for
from extract.facts.period import period_for
from extract.facts.rows import Row, Rows
from extract.facts.subject import NO_SPAN, Stated, sentence_subject, stated_subject
from extract.facts.topic import Topic
from extract.model import Quantity, Span


class Linker:
    """The subject, metric and period of the rows of one document (shared state: the rows so far, the topic)."""

    def __init__(self, ctx: Context, topic: Topic, rows: Rows) -> None:
        self.ctx = ctx
        self.topic = topic
        self.rows = rows
        self.kept: list[int] = []  # the ends of the numbers not skipped so far, in order (a metric starts after one)

    def set_period(self, row: Row, cs: int, sent: Span, para: int) -> None:
        """The row's period (a flow metric or an accumulated figure: a cut-off date gives only an end; a stock
        may inherit one)."""
        metric = row.base_metric or row.metric
        got = _canonical_match(metric) if metric else None  # (canonical with the rules' metrics: ctx.r is rules())
        c = got[0] if got else None
        flow = c is not None and (c.kind == "flow" or metric.startswith(self.ctx.r.metrics.flow_prefixes))
        got = period_for(self.ctx, self.rows, row.q, cs, sent, para, flow, c is not None and not flow
                         and c.kind == "stock")
        row.period, row.horizon = got.period, got.horizon
        if got.inherited:
            row.guessed.append("period.paragraph")

    def link_item(self, row: Row, item: tuple[str, int], cs: int, sent: Span, sent_rows: list[Row]) -> None:
        """A list item: a name (北京100亿元、上海80亿元) is the subject; a counted noun (考点162个、考场12960个) is
        the metric; another word (葵花籽仁512车) is the segment, and the list's metric is that of the sentence's last
        row with this unit (the clause's own failing that)."""
        ctx, q = self.ctx, row.q
        text, istart = item
        row.item = True
        start = row.start = min(row.start, istart)
        row.rule = ctx.r.names.list_item
        named = [e for e in ctx.ents.inside(istart, q.start) if e.start == istart and e.end == istart + len(text)
                 and e.label not in ctx.r.subjects.segment_labels]
        same = next((r for r in reversed(sent_rows) if r.q.unit == q.unit and r.metric), None)
        if named:
            row.subject, row.subject_source = self.topic.name(named[0]), "clause"
            row.metric = same.metric if same is not None else self._metric_or_none(row, cs, sent, text)
            return
        product = any(e.start == istart and e.label in ctx.r.subjects.segment_labels
                      for e in ctx.ents.inside(istart, q.start))
        if product and same is not None:  # 葵花籽仁512车 after 大宗商品3483车: the list's metric, the item's segment
            row.segment, row.metric = text, same.metric
        else:  # 考点162个、考场12960个: what is counted (全省共设考区10个: after the anaphor and the verb)
            row.metric = self._counted(text, istart)
        lo = ctx.dates.end_after(cs, istart, cs)
        self._subject(row, cs, lo, istart if istart > lo else q.start, sent)  # the first item may name it
        row.start = start  # the item's mention: from the item, not from the list's subject

    def _counted(self, text: str, at: int) -> str:
        """The noun of a list item: after an anaphor starting it and after its last verb (全省共设考区 -> 考区)."""
        ctx = self.ctx
        w = anaphor_at(ctx.r.topics, text) or ""
        toks = ctx.doc.tokens
        cut = len(w)
        i = ctx.token_at(at + cut)
        while i < len(toks) and toks[i][1] <= at + len(text):
            if is_verb(ctx, ctx.text[toks[i][0]:toks[i][1]]) and toks[i][1] < at + len(text):
                cut = toks[i][1] - at
            i += 1
        return strip(text[cut:], ctx.r.strip) or text

    def _metric_or_none(self, row: Row, cs: int, sent: Span, not_this: str) -> str | None:
        """The clause's metric for a list item, unless it is the item itself."""
        m = metric_for(self.ctx, row.q, cs, row.q.start, cs).text
        return m if m and m != not_this else None

    def equivalent(self, pre: str) -> bool:
        """约合人民币23亿元: the clause before the number is a word of restating (currency words aside)."""
        mr = self.ctx.r.metrics
        return pre.rstrip(mr.equivalent_between).endswith(mr.equivalent)

    def copy(self, row: Row, src: Row, rule: str) -> None:
        """The number restates ``src`` in another unit: its subject, metric and segment."""
        row.subject, row.subject_source, row.carry, row.rule = src.subject, src.subject_source, False, rule
        row.metric, row.segment, row.base_metric = src.metric, src.segment, src.base_metric
        row.guessed = [g for g in src.guessed if not g.startswith("period.")]

    def link_clause(self, row: Row, cs: int, sent: Span, para: int, prev: int, prev_row: Row | None) -> None:
        """The metric and subject of the clause (the metric after ``prev``: the end of a number before it in the
        clause, whose row is ``prev_row``); the mention starts where the first of them is stated.  A clause saying
        nothing but the value (…最大降雨量出现在桑植县，达218.6毫米) takes the metric of the clause before; a number
        joined to the one before (9.87亿件、6.42亿件) takes its metric."""
        ctx, q = self.ctx, row.q
        lo = ctx.dates.end_after(cs, q.start, cs)
        st = stated_subject(ctx, self.topic, cs, lo, q.start, sent, para, q.unit)
        met = metric_for(ctx, q, cs, q.start, max(prev, st.end if st is not None else cs), lo)
        if met.text is None and prev_row is not None and prev_row.metric \
                and ctx.compact(prev_row.q.end, q.start) in ctx.r.lists.respectively_joiners:
            met = Metric(prev_row.metric, met.start, segment=prev_row.segment)
            row.base_metric = prev_row.base_metric
        elif met.text is None and cs > sent[0] and not strip(ctx.compact(lo, q.start), ctx.r.strip):
            met.text = self.metric_before(q, cs, sent)
        self.set_metric(row, met)
        if st is None and prev_row is not None and prev_row.subject_source == "clause":  # 李明贡献12分和10个篮板
            st = Stated(prev_row.subject, NO_SPAN, NO_SPAN, "clause", prev_row.carry)  # the same name
        if st is None:
            st = sentence_subject(ctx, self.topic, cs, sent, para) or self.topic_subject(para)
        self.set_subject(row, st, cs)
        row.start = min(row.start, met.start)

    def number_end_before(self, lo: int, pos: int) -> int:
        """The end of the last number (not skipped) ending in [lo, pos], else ``lo``: a metric comes after it."""
        i = bisect_right(self.kept, pos) - 1
        return self.kept[i] if i >= 0 and self.kept[i] >= lo else lo

    def metric_before(self, q: Quantity, cs: int, sent: Span) -> str | None:
        """The metric word phrase of the clause before the one starting at ``cs`` (which says nothing but the value);
        None when that clause has no metric word."""
        ctx = self.ctx
        pcs = ctx.clause_start(sent[0], cs - 1)
        lo = max(ctx.dates.end_after(pcs, cs - 1, pcs), self.number_end_before(pcs, cs - 1))
        met = metric_for(ctx, q, pcs, cs - 1, lo)
        return None if met.phrase or met.counted else met.text

    def set_metric(self, row: Row, met: Metric) -> None:
        """The row's metric and segment, and what was guessed of them."""
        row.metric, row.segment = met.text, met.segment
        if met.counted:
            row.rule = self.ctx.r.names.count
        if met.text is None:
            row.guessed.append("metric.none")
        elif met.phrase:
            row.guessed.append("metric.phrase")

    def _subject(self, row: Row, cs: int, lo: int, upto: int, sent: Span) -> None:
        """The subject of a row whose metric is known already (a list item, a change of its own)."""
        ctx = self.ctx
        st = stated_subject(ctx, self.topic, cs, lo, upto, sent, row.para) \
            or sentence_subject(ctx, self.topic, cs, sent, row.para) or self.topic_subject(row.para)
        self.set_subject(row, st, cs)

    def topic_subject(self, para: int = -1) -> Stated | None:
        """No subject stated in the sentence: the paragraph's last stated one, else the article's topic."""
        name = self.rows.last_subject(para) or self.topic.primary()
        return Stated(name, NO_SPAN, NO_SPAN, "topic") if name else None

    def set_subject(self, row: Row, st: Stated | None, cs: int) -> None:
        """The row's subject and where it was found (a mention starts at a subject stated in its clause)."""
        if st is None:
            row.guessed.append("subject.none")
            return
        row.subject, row.subject_source, row.carry = st.text, st.source, st.carry
        if st.source != "clause":
            row.guessed.append(f"subject.{st.source}")
        if st.start >= cs:
            row.start = min(row.start, st.start)
