"""Quantities: every amount in the text with value, unit and qualifiers (issue 3). STUB."""

from __future__ import annotations

from extract.model import Doc, Quantity


def extract(doc: Doc) -> list[Quantity]:
    """Quantities of a segmented document (skipping doc.dates spans and doc.corrupt spans)."""
    return []
