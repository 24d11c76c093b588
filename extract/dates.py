"""Dates: calendar references resolved to intervals (issue 4). STUB."""

from __future__ import annotations

from extract.model import DateRec, Doc


def extract(doc: Doc) -> list[DateRec]:
    """Dates of a segmented document, resolved against doc.ref_date (inferring it when None)."""
    return []
