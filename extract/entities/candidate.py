"""The candidate span every entity rule produces, before overlap resolution."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Cand:
    """A candidate span: its label and the name of the rule that made it (``rules/entities/*.toml``).

    The rule also gives the record's ``source`` and the candidate's tier in overlap resolution
    (:class:`extract.entities.lexicon.Rules`), so neither is carried per candidate.
    """

    start: int
    end: int
    label: str
    rule: str
    title: str | None = None
    org: str | None = None
    canonical: str | None = None  # the full name an alias or short form stands for (mentions.py)
    norm: str | None = None  # an organisation's stock code (mentions.py)
