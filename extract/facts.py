"""Facts: quantities linked to subject, metric, period and change (issue 5). STUB."""

from __future__ import annotations

from extract.model import Doc, Fact


def extract(doc: Doc) -> list[Fact]:
    return []


def merge(docs: list[Doc]) -> list[Fact]:
    """One row per distinct fact across passages and the versions of one article."""
    return [f for d in docs for f in d.facts]
