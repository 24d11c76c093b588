"""The subject resolver: whose statistic a number is (rules/facts/subjects.toml).

In order: the nearest usable entity before the metric in the clause; a demonstrative (该关) resolved to
the entity named last; a short noun phrase before the metric; an entity earlier in the sentence; the
subject of the paragraph's last fact.  Sources (据喀什海关统计), speakers (…处长张力介绍) and bracketed
asides (中欧（中亚）班列) are never subjects.
"""

from __future__ import annotations

from extract.facts.context import Context
from extract.facts.filler import strip
from extract.facts.rows import Rows
from extract.model import Entity, Quantity, Span, SpanIndex


def subject_for(ctx: Context, rows: Rows, q: Quantity, limit: int, cs: int, sent: Span,
                para: int) -> tuple[str | None, int | None]:
    """The subject of ``q`` (whose metric starts at ``limit``, in the clause starting at ``cs``) and where it
    starts (None when it is not stated there)."""
    sr = ctx.r.subjects
    excluded = source_clauses(ctx, sent)
    share_at = ctx.text.rfind(sr.share_anchor, cs, q.start)
    for e in ctx.ents.before(cs, limit):
        if usable(ctx, e, excluded) and not (share_at >= 0 and e.start > share_at):
            return e.text, e.start
    found = _stated_before(ctx, cs, limit, para)
    if found is not None:
        return found
    for e in ctx.ents.before(sent[0], cs):
        if e.label not in sr.clause_only and usable(ctx, e, excluded):
            return e.text, e.start
    return rows.last_subject(para), None


def _stated_before(ctx: Context, cs: int, limit: int, para: int) -> tuple[str | None, int | None] | None:
    """A demonstrative (该关: the entity named last in the paragraph) or a short noun phrase between the date
    of the clause and the metric; None when the clause has neither."""
    sr = ctx.r.subjects
    lo = ctx.dates.end_after(cs, limit, cs)
    np_ = strip(ctx.compact(lo, limit), ctx.r.strip)
    if np_.startswith(sr.demonstratives):  # 该关, 该口岸: the entity named last, even the source
        p0 = ctx.doc.paragraphs[para][0] if para >= 0 else 0
        for e in reversed(ctx.ents.inside(p0, lo)):
            if e.label in sr.demonstrative_labels:
                return e.text, None
    elif sr.np_min <= len(np_) <= sr.np_max and sr.np_re.fullmatch(np_) and not np_.startswith(sr.np_bad_start) \
            and not sr.not_np_re.search(np_):
        return np_.strip(sr.quotes), lo
    return None


def usable(ctx: Context, e: Entity, excluded: SpanIndex) -> bool:
    """An entity that can be a subject: not in a source or speaker clause, not a bracketed aside."""
    if excluded.index(e.start) is not None:
        return False
    t, sr = ctx.text, ctx.r.subjects
    return not (e.start > 0 and e.end < len(t) and t[e.start - 1] in sr.aside_open and t[e.end] in sr.aside_close)


def source_clauses(ctx: Context, sent: Span) -> SpanIndex:
    """The clauses of a sentence that name the source of a statistic (据喀什海关统计) or a speaker rather than
    its subject.  Found once per sentence: a sentence may hold thousands of numbers."""
    cached = ctx.source_clauses.get(sent)
    if cached is not None:
        return cached
    sr = ctx.r.subjects
    out: list[Span] = []
    s0 = sent[0]
    if not sr.hint_re.search(ctx.compact(*sent)):
        s0 = sent[1]  # no clause of it can start with the source prefix or end with a speaker word
    while s0 < sent[1]:
        ce = ctx.clause_end(s0, sent[1])
        c = ctx.compact(s0, ce)
        if c.startswith(sr.source_prefix) and sr.source_re.search(c) or c.endswith(sr.speakers):
            out.append((s0, ce))
        s0 = ce + 1
    ctx.source_clauses[sent] = SpanIndex(out)
    return ctx.source_clauses[sent]
