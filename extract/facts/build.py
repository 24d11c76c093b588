"""The row builder: walks the numbers of a document sentence by sentence and links each into a row.

A number is skipped (:mod:`~extract.facts.skip`), or is a change waiting for the fact it changes
(:mod:`~extract.facts.change`), or starts a row whose subject, metric and period the resolvers find
(:mod:`~extract.facts.subject` with the document's :mod:`~extract.facts.topic`, :mod:`~extract.facts.metric`,
:mod:`~extract.facts.period`, :mod:`~extract.facts.items`).  The changes of a clause attach together when
the next fact starts or the sentence ends (分别: one each, in order); a change with no fact to attach to is a
row of its own, and a mom or share change kept beside a fact's main change is one too.  Numbers after 分别
belong to the names of a list stated before it (:mod:`~extract.facts.respectively`).
"""

from __future__ import annotations

from decimal import Decimal
from operator import attrgetter

from extract.facts.change import Pending, attach, before_value, change_of, from_to
from extract.facts.context import Context, compact, last_char
from extract.facts.filler import strip
from extract.facts.items import list_item
from extract.facts.linker import Linker
from extract.facts.metric import metric_for
from extract.facts.respectively import respectively
from extract.facts.rows import Row, Rows
from extract.facts.skip import skip
from extract.facts.subject import sentence_subject, stated_subject
from extract.facts.topic import Topic
from extract.model import Quantity, Span

_START = attrgetter("start")
_SEMICOLONS = frozenset("；;")  # a sentence ended by one goes on in the next (…增加2.6%；…约合185.9亿港元)


class Builder:
    """The rows of one document, linear in its length (see :mod:`extract.facts.context`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.topic = Topic(ctx)
        self.rows = Rows()
        self.link = Linker(ctx, self.topic, self.rows)
        self.consumed: set[int] = set()  # ids of numbers that are the before value of another (由X提升至Y)
        self.emitted: set[int] = set()  # ids of changes made facts of their own beside the fact they change
        self.semicolon: tuple[int, list[Row]] = (-2, [])  # a sentence a semicolon ended, and its rows

    def build(self) -> list[Row]:
        """Every row of the document, sentence by sentence (a change of its own after the facts of its clause)."""
        ctx = self.ctx
        by_sent: dict[int | None, list[Quantity]] = {}
        sent_of = ctx.sent_index.index
        for q in sorted(ctx.doc.quantities, key=_START):
            by_sent.setdefault(sent_of(q.start), []).append(q)
        by_sent.pop(None, None)  # numbers between sentences (none in practice)
        for si, sq in sorted(by_sent.items()):
            self.sentence(si, sq)
        return self.rows.rows

    def sentence(self, si: int, sq: list[Quantity]) -> None:
        """The rows of sentence ``si`` from its numbers ``sq`` (sorted by start)."""
        ctx = self.ctx
        sent = ctx.sents[si]
        sent_rows: list[Row] = []
        pending: list[Pending] = []
        p0 = ctx.para_of(sent[0])
        whole = p0 >= 0 and sent[1] <= ctx.doc.paragraphs[p0][1]  # the sentence lies in one paragraph (most do)
        prev: Quantity | None = None  # the sentence's last number not skipped
        for qi, q in enumerate(sq):
            if id(q) in self.consumed or skip(ctx, q, sent):
                continue
            self.link.kept.append(q.end)
            cs = ctx.clause_start(sent[0], q.start)
            para = p0 if whole else ctx.para_of(q.start)
            pre = ctx.compact(cs, q.start)  # the clause before the number: read by the change and before value
            ch = change_of(ctx, q, cs, pre)
            if ch is None and pending:
                ch = self.continued(pending, q, cs)
            if ch is not None:
                pending.append(ch)
                prev = q
                continue
            made = self.flush(pending, sent_rows, si, para) if pending else []
            pending = []
            row = self.base_row(q, cs, pre, sent, si, para, sq, qi, sent_rows, prev)
            at = None
            if made and row.metric is None and row.change is None and self.leads_into(made[-1], q):
                at = self.absorb(row, made[-1], sent_rows, si)
            sent_rows.append(row)
            self.rows.add(row, at)
            prev = q
        if pending:
            self.flush(pending, sent_rows, si, p0)
        if last_char(ctx.text, *sent) in _SEMICOLONS:
            self.semicolon = (si, sent_rows)
        if len(sent_rows) > 1 and ctx.r.changes.respectively in ctx.text[sent[0]:sent[1]]:
            respectively(ctx, self.topic, sent, sent_rows)

    def continued(self, pending: list[Pending], q: Quantity, cs: int) -> Pending | None:
        """68%和82%: a number of the same unit joined to the last change is a change of the same kind."""
        last = pending[-1]
        if last.q.end > q.start or q.unit != last.q.unit \
                or compact(self.ctx.text[last.q.end:q.start]) not in self.ctx.r.changes.joiners:
            return None
        ch = {k: v for k, v in last.change.items() if k in ("kind", "average")}
        value = q.value if last.change["value"] == last.q.value or last.change["kind"] not in ("yoy", "mom") \
            else -Decimal(q.value)
        ch.update(value=value, unit=q.unit)
        return Pending(q, ch, q.start, cs, self.ctx.r.names.and_, last.words)

    def base_row(self, q: Quantity, cs: int, pre: str, sent: Span, si: int, para: int, sq: list[Quantity], qi: int,
                 sent_rows: list[Row], prev: Quantity | None) -> Row:
        """A new fact for ``q``: the ``qi``-th number of the sentence's numbers ``sq``, ``pre`` its clause before it,
        ``prev`` the sentence's last number before it that is not skipped."""
        ctx = self.ctx
        row = Row(q=q, sent=si, para=para, rule=ctx.r.names.clause, start=q.start, end=q.end)
        mr = ctx.r.metrics
        row.modifier = q.unit in mr.classifiers and mr.modifier_re.match(ctx.text, q.end) is not None
        bv = before_value(ctx, q, cs, pre, sq, qi)
        if bv is not None:  # first: the before value's row goes before the list or subject look back at rows
            kind, q0 = bv
            self.consumed.add(id(q0))
            self.rows.drop(q0)
            sent_rows[:] = [r for r in sent_rows if r.q is not q0]
            row.change = from_to(q, kind, q0)
            row.start = min(row.start, q0.start)
        same_clause = bv is None and prev is not None and cs <= prev.start and prev.end <= q.start
        prev_row = sent_rows[-1] if same_clause and sent_rows and sent_rows[-1].q is prev else None
        item = list_item(ctx, q, cs)
        link = self.link
        before = self.semicolon[1] if self.semicolon[0] == si - 1 else []  # the sentence goes on after a semicolon
        src = restated(sent_rows or before, q) if prev_row is None and link.equivalent(pre) else None
        if src is not None:
            link.copy(row, src, ctx.r.names.equivalent)
        elif item is not None:
            link.link_item(row, item, cs, sent, sent_rows)
        else:
            link.link_clause(row, cs, sent, para, prev.end if same_clause and prev else cs, prev_row)
        if bv is not None:
            row.rule = ctx.r.names.from_to
        link.set_period(row, cs, sent, para)
        return row

    def flush(self, pending: list[Pending], sent_rows: list[Row], si: int, para: int) -> list[Row]:
        """Attach the changes of a clause to the facts before them (分别: one each, in order); a change with
        no fact to attach to is a row of its own (those rows are returned), and so is a mom or share change kept
        beside a main one."""
        made: list[Row] = []
        ctx = self.ctx
        resp = any(ctx.r.changes.respectively in ctx.text[p.cs:p.q.start] for p in pending)
        stated = [r for r in sent_rows if not r.modifier]
        targets: list[Row] | None = None
        if resp and len(pending) > 1 and len(stated) >= len(pending):
            targets = list(stated[-len(pending):])
        last = stated[-1] if stated else None  # the sentence's last stated fact (rows appended below are stated)
        word = ctx.r.changes.respectively
        split = ctx.text.find(word, pending[0].cs, pending[-1].q.start) if resp and targets is None else -1
        for k, p in enumerate(pending):
            if targets is not None:
                row: Row | None = targets[k]
            elif 0 <= split < p.q.start and (last is None or last.q.start < split):
                row = None  # 上海上涨0.2%，北京、广州分别下降0.2%、0.4%: one row each, for the names before 分别
            else:
                row = last
                if row is not None and (ctx.metric_search(max(p.cs, row.q.end), p.at)
                                        or ctx.dates.any_inside(max(p.cs, row.q.end), p.at)):
                    row = None  # 过货量较往年增长了40%, 6月环比增长41.2%: the clause names its own metric or date
            if row is not None and attach(row, p.change, ctx.r.changes):
                row.end = max(row.end, p.q.end)
                row.attached.append(p)
                self.secondaries(row, sent_rows, si)
                continue
            if row is not None and row.metric and not self.own_words(p, row):
                sent_rows.append(self.secondary_row(row, p, si))  # 比上月下降0.2个百分点，比上年同月下降0.6个百分点:
                continue  # a second change of the kind the fact has already
            last = self.change_row(p, si, para)
            sent_rows.append(last)
            made.append(last)
        return made

    def leads_into(self, made: Row, q: Quantity) -> bool:
        """同比增长8%，达10亿美元: only filler, a comma or a word of arriving (至) between the change and ``q``."""
        ctx = self.ctx
        between = strip(ctx.compact(made.end, q.start).strip("，,"), ctx.r.strip)
        return not between or between in ctx.r.changes.leads_into

    def absorb(self, row: Row, made: Row, sent_rows: list[Row], si: int) -> int:
        """The change ``made`` (a row of its own) is that of ``row``, the value it brought its metric to: the
        row takes its metric and changes, and the change's row goes; where it was (the place of ``row``)."""
        at = next(i for i, r in enumerate(self.rows.rows) if r is made)
        self.rows.drop(made.q)
        sent_rows[:] = [r for r in sent_rows if r is not made]
        row.metric, row.segment, row.base_metric = made.base_metric or None, made.segment, made.base_metric
        row.change, row.attached = made.change, [made.own, *made.attached]
        if made.subject:  # the change's clause says whose and when (同比增长6.1%，达4200亿元)
            row.subject, row.subject_source, row.carry = made.subject, made.subject_source, made.carry
        if made.period != (None, None):
            row.period, row.horizon = made.period, made.horizon
        row.guessed = [g for g in row.guessed if g != "metric.none"]
        row.guessed += [g for g in made.guessed if g.startswith("metric")]
        row.start, row.rule = min(row.start, made.start), self.ctx.r.names.leads_into
        self.secondaries(row, sent_rows, si)
        return at

    def secondaries(self, row: Row, sent_rows: list[Row], si: int) -> None:
        """The mom and share changes of a row, each also a fact of its own (once): 合同销售金额环比增长 41.2%."""
        for p in row.attached:
            if p.change["kind"] in self.ctx.r.changes.secondary and row.metric and id(p) not in self.emitted:
                self.emitted.add(id(p))
                sent_rows.append(self.secondary_row(row, p, si))

    def own_words(self, p: Pending, row: Row) -> bool:
        """Whether the change's clause says more than the change (电子信息制造业增长7.6%: a fact of its own)."""
        ctx = self.ctx
        lo = max(p.cs, row.q.end)
        return p.at > lo and bool(strip(ctx.compact(ctx.dates.end_after(lo, p.at, lo), p.at), ctx.r.strip))

    def secondary_row(self, row: Row, p: Pending, si: int) -> Row:
        """合同销售金额环比增长 · 41.2%: a mom or share change beside a fact's main change, as a fact of its own."""
        base = row.base_metric or row.metric
        new = Row(q=p.q, sent=si, para=row.para, rule=self.ctx.r.names.secondary, start=min(p.at, p.q.start),
                  end=p.q.end, change=dict(p.change), subject=row.subject, subject_source=row.subject_source,
                  segment=row.segment, base_metric=base, metric=f"{base or ''}{p.words}", period=row.period,
                  guessed=list(row.guessed), modifier=True, carry=False)
        self.rows.add(new)
        return new

    def change_row(self, p: Pending, si: int, para: int) -> Row:
        """A change with no fact to attach to, as a fact of its own (named by the change rule that found it):
        its metric is the clause's metric and the change words as written (规上工业增加值同比增长)."""
        ctx, q = self.ctx, p.q
        new = Row(q=q, sent=si, para=para, rule=p.rule, start=q.start, end=q.end, change=p.change, own=p)
        sent = ctx.sents[si]
        lo = ctx.dates.end_after(p.cs, p.at, p.cs)
        st = stated_subject(ctx, self.topic, p.cs, lo, p.at, sent, para)
        link = self.link
        prev = link.number_end_before(p.cs, p.at)  # 交付新车8.62万辆 海外出口同比增长62.4%: after the number before
        met = metric_for(ctx, q, p.cs, p.at, max(prev, st.end if st is not None else p.cs))
        if met.text is None and p.cs > sent[0] and not strip(ctx.compact(lo, p.at), ctx.r.strip):
            met.text = link.metric_before(q, p.cs, sent)  # 幸运博彩毛收入为…，按年上升17.8%
        link.set_metric(new, met)
        new.base_metric = new.metric or ""
        if p.words and p.words not in (new.metric or ""):
            new.metric = f"{new.metric or ''}{p.words}"
        if st is None:
            st = sentence_subject(ctx, self.topic, p.cs, sent, para) or link.topic_subject(para)
        link.set_subject(new, st, p.cs)
        link.set_period(new, p.cs, sent, para)
        new.start = min(new.start, met.start)
        self.rows.add(new)
        return new


def restated(sent_rows: list[Row], q: Quantity) -> Row | None:
    """The fact an equivalent amount (约合185.9亿港元) restates: the sentence's last fact with a metric and a
    number of the same kind (an amount restates an amount, not the percentage of a change between them)."""
    return next((r for r in reversed(sent_rows) if r.metric and r.q.kind == q.kind), None)
