"""The row builder: walks the numbers of a document sentence by sentence and links each into a row.

A number is skipped (:mod:`~extract.facts.skip`), or is a change waiting for the fact it changes
(:mod:`~extract.facts.change`), or starts a row whose subject, metric and period the resolvers find
(:mod:`~extract.facts.subject`, :mod:`~extract.facts.metric`, :mod:`~extract.facts.period`,
:mod:`~extract.facts.items`).  The changes of a clause attach together when the next fact starts or the
sentence ends (分别: one each, in order); a change with no fact to attach to is a row of its own.
"""

from __future__ import annotations

from operator import attrgetter

from extract.facts.change import Pending, attach, before_value, change_of, from_to
from extract.facts.context import Context, compact
from extract.facts.items import list_item
from extract.facts.metric import metric_for
from extract.facts.period import period_for
from extract.facts.rows import Row, Rows
from extract.facts.skip import skip
from extract.facts.subject import subject_for
from extract.model import Quantity, Span

_START = attrgetter("start")


class Builder:
    """The rows of one document, linear in its length (see :mod:`extract.facts.context`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rows = Rows()
        self.consumed: set[int] = set()  # ids of numbers that are the before value of another (由X提升至Y)

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
        for qi, q in enumerate(sq):
            if id(q) in self.consumed or skip(ctx, q, sent):
                continue
            cs = ctx.clause_start(sent[0], q.start)
            para = p0 if whole else ctx.para_of(q.start)
            pre = ctx.compact(cs, q.start)  # the clause before the number: read by the change and before value
            ch = change_of(ctx, q, cs, pre)
            if ch is None and pending:
                ch = self.continued(pending, q, cs)
            if ch is not None:
                pending.append(ch)
                continue
            if pending:
                self.flush(pending, sent_rows, si, para)
                pending = []
            row = self.base_row(q, cs, pre, sent, si, para, sq, qi, sent_rows)
            sent_rows.append(row)
            self.rows.add(row)
        if pending:
            self.flush(pending, sent_rows, si, p0)

    def continued(self, pending: list[Pending], q: Quantity, cs: int) -> Pending | None:
        """68%和82%: a number of the same unit joined to the last change is a change of the same kind."""
        last = pending[-1]
        if last.q.end > q.start or q.unit != last.q.unit \
                or compact(self.ctx.text[last.q.end:q.start]) not in self.ctx.r.changes.joiners:
            return None
        ch = {k: v for k, v in last.change.items() if k in ("kind", "average")}
        ch.update(value=q.value, unit=q.unit)
        return Pending(q, ch, q.start, cs, self.ctx.r.names.and_)

    def base_row(self, q: Quantity, cs: int, pre: str, sent: Span, si: int, para: int, sq: list[Quantity], qi: int,
                 sent_rows: list[Row]) -> Row:
        """A new fact for ``q``: the ``qi``-th number of the sentence's numbers ``sq``, ``pre`` its clause before it."""
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
        item = list_item(ctx, q, cs)
        if item is not None:
            self.link_item(row, item, cs, sent, sent_rows)
        else:
            self.link_clause(row, cs, sent, para)
        if bv is not None:
            row.rule = ctx.r.names.from_to
        row.period = period_for(ctx, self.rows, q, cs, sent, para)
        return row

    def link_item(self, row: Row, item: tuple[str, int], cs: int, sent: Span, sent_rows: list[Row]) -> None:
        """A list item is the subject; the list's metric is that of the sentence's last row with this unit,
        the clause's own only failing that."""
        q = row.q
        row.subject, istart = item
        row.item = True
        row.start = min(row.start, istart)
        row.rule = self.ctx.r.names.list_item
        same = next((r for r in reversed(sent_rows) if r.q.unit == q.unit and r.metric), None)
        if same is not None:
            row.metric = same.metric
        else:
            metric = metric_for(self.ctx, q, cs, q.start, sent)[0]
            row.metric = metric if metric and metric != row.subject else None

    def link_clause(self, row: Row, cs: int, sent: Span, para: int) -> None:
        """The metric and subject of the clause; the mention starts where the first of them is stated."""
        q = row.q
        row.metric, mstart, counted = metric_for(self.ctx, q, cs, q.start, sent)
        if counted:
            row.rule = self.ctx.r.names.count
        row.subject, sstart = subject_for(self.ctx, self.rows, q, mstart, cs, sent, para)
        if sstart is not None and sstart >= cs:
            row.start = min(row.start, sstart)
        row.start = min(row.start, mstart)

    def flush(self, pending: list[Pending], sent_rows: list[Row], si: int, para: int) -> None:
        """Attach the changes of a clause to the facts before them (分别: one each, in order); a change with
        no fact to attach to is a row of its own."""
        ctx = self.ctx
        resp = any(ctx.r.changes.respectively in ctx.text[p.cs:p.q.start] for p in pending)
        stated = [r for r in sent_rows if not r.modifier]
        targets: list[Row] | None = None
        if resp and len(pending) > 1 and len(stated) >= len(pending):
            targets = list(stated[-len(pending):])
        last = stated[-1] if stated else None  # the sentence's last stated fact (rows appended below are stated)
        for k, p in enumerate(pending):
            if targets is not None:
                row: Row | None = targets[k]
            else:
                row = last
                if row is not None and row.q.start < p.cs and ctx.metric_search(p.cs, p.at):
                    row = None  # 过货量较往年增长了40%: the clause names its own metric
            if row is not None and attach(row, p.change, ctx.r.changes):
                row.end = max(row.end, p.q.end)
                continue
            last = self.change_row(p, si, para)
            sent_rows.append(last)

    def change_row(self, p: Pending, si: int, para: int) -> Row:
        """A change with no fact to attach to, as a fact of its own (named by the change rule that found it)."""
        ctx, q = self.ctx, p.q
        new = Row(q=q, sent=si, para=para, rule=p.rule, start=q.start, end=q.end, change=p.change)
        sent = ctx.sents[si]
        new.metric, mstart, _counted = metric_for(ctx, q, p.cs, p.at, sent)
        new.subject, _ = subject_for(ctx, self.rows, q, mstart, p.cs, sent, para)
        new.period = period_for(ctx, self.rows, q, p.cs, sent, para)
        new.start = min(new.start, mstart)
        self.rows.add(new)
        return new
