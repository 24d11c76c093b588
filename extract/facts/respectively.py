"""分别 with a list of names: 金华、杭州、宁波…分别揽收快件9.87亿件、6.42亿件和2.35亿件 (facts.toml [respectively]).

The k-th fact after 分别 belongs to the k-th name of a list of names (entities joined by 、/和/与/及, bracketed
asides left out) stated before it in the sentence, when there are as many facts as names.
"""

from __future__ import annotations

from extract.facts.context import Context
from extract.facts.rows import Row
from extract.facts.subject import usable
from extract.facts.topic import Topic
from extract.model import Entity, Span, SpanIndex


def respectively(ctx: Context, topic: Topic, sent: Span, rows: list[Row]) -> None:
    """Give the rows after each 分别 the names of the list before it, in order (rows are in text order)."""
    word, t = ctx.r.changes.respectively, ctx.text
    ats = []
    at = t.find(word, sent[0], sent[1])
    while at >= 0:
        ats.append(at)
        at = t.find(word, at + 1, sent[1])
    for k, at in enumerate(ats):
        lo = ats[k - 1] + len(word) if k else sent[0]
        hi = ats[k + 1] if k + 1 < len(ats) else sent[1]
        names = name_list(ctx, lo, at)
        after = [r for r in rows if at < r.q.start < hi and r.rule != ctx.r.names.secondary]
        if len(names) < 2 or len(after) != len(names):
            continue
        for r, e in zip(after, names, strict=True):
            r.subject, r.subject_source = topic.name(e), "sentence"
            r.rule = ctx.r.names.respectively
            r.guessed = [g for g in r.guessed if not g.startswith("subject.")]


def name_list(ctx: Context, lo: int, hi: int) -> list[Entity]:
    """The last list of two or more names joined by a joiner in [lo, hi) (an aside in brackets skipped)."""
    joiners, t = ctx.r.lists.respectively_joiners, ctx.text
    ents = [e for e in ctx.ents.inside(lo, hi)
            if e.label not in ctx.r.subjects.segment_labels and usable(ctx, e, SpanIndex([]))]
    best: list[Entity] = []
    run: list[Entity] = []
    for e in ents:
        if run and _joined(t[run[-1].end:e.start], joiners):
            run.append(e)
        else:
            if len(run) >= 2:
                best = run
            run = [e]
    return run if len(run) >= 2 else best


def _joined(between: str, joiners: str) -> bool:
    """Whether the text between two names is one joiner, after a bracketed aside (金华（义乌）、杭州)."""
    if between[:1] in "（(":
        close = max(between.find("）"), between.find(")"))
        between = between[close + 1:] if close >= 0 else between
    return len(between.strip()) == 1 and between.strip() in joiners
