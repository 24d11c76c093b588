"""Facts under construction: rows of one document, and what a later fact may inherit from them."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    subject_source: str | None = None  # clause | sentence | anaphor | topic
    segment: str | None = None  # 第一产业 in 第一产业用电量
    base_metric: str | None = None  # the metric without the change words a change fact's metric says
    guessed: list[str] = field(default_factory=list)  # what a rule guessed (rules/facts/facts.toml [guesses])
    carry: bool = True  # later facts of the paragraph may take its subject (not a quoted brand's)
    horizon: bool = False  # its period is a target's horizon (力争到2028年): not inherited
    attached: list[Any] = field(default_factory=list)  # the changes attached to it (their numbers and words)
    own: Any = None  # a change's own row: the change it states


def _interval(period: Period) -> bool:
    """A period from one date to a later one (not a cut-off, not a single day)."""
    return period[0] is not None and period[0] != period[1]


class Rows:
    """The rows of a document in order, and per paragraph those a later fact may inherit a period or a
    subject from (the last of a list: no scan back through a long paragraph)."""

    __slots__ = ("rows", "period_rows", "interval_rows", "subject_rows", "quantities")

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.period_rows: dict[int, list[Row]] = {}  # with a period that is no horizon
        self.interval_rows: dict[int, list[Row]] = {}  # of those, with an interval
        self.subject_rows: dict[int, list[Row]] = {}
        self.quantities: set[int] = set()  # ids of the rows' quantities

    def add(self, row: Row, at: int | None = None) -> None:
        """Append a finished row (its subject and period are set and do not change afterwards); ``at``: put it
        there instead (in the place of a row it replaces)."""
        if at is None:
            self.rows.append(row)
        else:
            self.rows.insert(at, row)
        self.quantities.add(id(row.q))
        if row.period != (None, None) and not row.horizon:
            self.period_rows.setdefault(row.para, []).append(row)
            if _interval(row.period):
                self.interval_rows.setdefault(row.para, []).append(row)
        if row.subject and not row.item and row.carry and row.subject_source in ("clause", "anaphor"):
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
        for by_para in (self.period_rows, self.interval_rows, self.subject_rows):
            if para in by_para:
                by_para[para] = [r for r in by_para[para] if r.q is not q0]

    def last_period(self, para: int, stock: bool, since: int = -1) -> Period | None:
        """The period of the paragraph's last fact whose period may be inherited: an interval; a cut-off or a day
        (截至2024年底, 2月17日) only by a ``stock`` or within the sentence (up to 。) starting at ``since``; a
        horizon (力争到2028年) by none."""
        rows = self.period_rows.get(para)
        if not rows:
            return None
        last = rows[-1]  # the earlier ones all start before ``since``: only the last interval can do then
        if stock or last.q.start >= since >= 0 or _interval(last.period):
            return last.period
        intervals = self.interval_rows.get(para)
        return intervals[-1].period if intervals else None

    def last_subject(self, para: int) -> str | None:
        """The subject of the paragraph's last fact with a subject stated in its clause (not a list item)."""
        rows = self.subject_rows.get(para)
        return rows[-1].subject if rows else None
