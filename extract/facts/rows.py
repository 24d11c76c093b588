"""Facts under construction: rows of one document, and what a later fact may inherit from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extract.model import Quantity

Period = tuple[str | None, str | None]


@dataclass(slots=True)
class Row:
    """A fact under construction (positions in the document text); ``rule`` names what linked it."""

    q: Quantity
    sent: int
    para: int
    rule: str
    subject: str | None = None
    metric: str | None = None
    period: Period = (None, None)
    change: dict[str, Any] | None = None
    start: int = 0
    end: int = 0
    item: bool = False
    modifier: bool = False  # 4个综合保税区…: a count inside a noun phrase, not what a following change is about


class Rows:
    """The rows of a document in order, and per paragraph those a later fact may inherit a period or a
    subject from (the last of a list: no scan back through a long paragraph)."""

    __slots__ = ("rows", "period_rows", "subject_rows", "quantities")

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.period_rows: dict[int, list[Row]] = {}
        self.subject_rows: dict[int, list[Row]] = {}
        self.quantities: set[int] = set()  # ids of the rows' quantities

    def add(self, row: Row) -> None:
        """Append a finished row (its subject and period are set and do not change afterwards)."""
        self.rows.append(row)
        self.quantities.add(id(row.q))
        if row.period != (None, None):
            self.period_rows.setdefault(row.para, []).append(row)
        if row.subject and not row.item:
            self.subject_rows.setdefault(row.para, []).append(row)

    def drop(self, q0: Quantity) -> None:
        """Forget the row of a number that turned out to be the before value of another (由X提升至Y).

        Its row, if any, is among the last (the before value comes just before): found from the end, and
        only its paragraph's lists are filtered (a scan of every row per drop was quadratic on long articles).
        """
        if id(q0) not in self.quantities:
            return
        i = next(i for i in range(len(self.rows) - 1, -1, -1) if self.rows[i].q is q0)
        para = self.rows[i].para
        self.rows[i:] = [r for r in self.rows[i:] if r.q is not q0]
        for by_para in (self.period_rows, self.subject_rows):
            if para in by_para:
                by_para[para] = [r for r in by_para[para] if r.q is not q0]

    def last_period(self, para: int) -> Period | None:
        """The period of the paragraph's last fact that has one."""
        rows = self.period_rows.get(para)
        return rows[-1].period if rows else None

    def last_subject(self, para: int) -> str | None:
        """The subject of the paragraph's last fact with a subject of its own (not a list item)."""
        rows = self.subject_rows.get(para)
        return rows[-1].subject if rows else None
