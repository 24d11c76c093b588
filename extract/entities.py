"""Entities: PERSON, ORG, LOC, WORK, EVENT, PRODUCT (issue 5). STUB."""

from __future__ import annotations

from extract.model import Doc, Entity


def extract(doc: Doc) -> list[Entity]:
    return []
