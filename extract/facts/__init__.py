"""Facts: quantities linked to subject, metric, period and change (issue 5).

A fact is a statistic as a table row: *who* (subject: an entity or a list item), *what*
(metric: 进出口总值, 货运量, 通行中欧班列 …), *when* (period: a date in the clause, else in the
sentence, else inherited within the paragraph), *how much* (value and unit), and how it moved
(change: 同比增长 → yoy, 占…的 → share, 由X提升至Y → increase with the before value).

Numbers right after a change phrase are changes of the fact before them, never facts of their
own.  The same fact stated twice (repeated passages, versions of one article) is one row with
several mentions: rows are keyed by subject|metric|value|unit|period and ids hash that key.

The rules are data (``rules/facts/*.toml``, :mod:`~extract.facts.lexicon`); the mechanism is one
resolver a module (:mod:`~extract.facts.subject`, :mod:`~extract.facts.metric`,
:mod:`~extract.facts.period`, :mod:`~extract.facts.change`, :mod:`~extract.facts.items`,
:mod:`~extract.facts.skip`), the walk that links numbers into rows (:mod:`~extract.facts.build`) and
the merging of rows into facts (:mod:`~extract.facts.merge`).  Every fact's ``rule`` names the rule
that linked it (see rules/facts/facts.toml).
"""

from __future__ import annotations

from extract.facts.build import Builder
from extract.facts.context import Context
from extract.facts.lexicon import rules
from extract.facts.merge import fact_id, fact_key, facts_of, merge
from extract.model import Doc, Fact

__all__ = ["extract", "fact_id", "fact_key", "merge", "rules"]


def extract(doc: Doc) -> list[Fact]:
    """Facts of one document; the same fact stated twice in it is one Fact with two mentions."""
    if not doc.quantities or not doc.text:
        return []
    ctx = Context(doc)
    return facts_of(doc, ctx.sents, Builder(ctx).build())
