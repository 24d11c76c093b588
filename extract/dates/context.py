"""What an article has said so far: the dates that anaphora (当年, 同期, 上年同月) and comparisons refer to.

Statistics articles compare a figure with a base: 比上月, 较上年末, 较9月, 比去年同期.  Three rules
follow, all data in ``rules/dates/relative.toml`` ([comparison], [same_period]):

- a date right after a comparison word (比, 较 ...) is a base, not the period under discussion: it
  does not become the context of what follows (10月营收较9月略减……去年同期 is October's);
- a relative word of such a base that statistics use for the period before (上月, 上年, 上年末) counts
  from the period under discussion, not from the reference date (10月份……比上月 is September; in a report published in
  2025 on 2024, 较上年末 is the end of 2023);
- 同期 / 同月 take the last period of their paragraph; in a paragraph that names none, the article's
  main period, the last one of the first paragraph that names one (the headline's: 前11个月……从贸易
  方式看……比去年同期 is January to November of the year before).  A period that is a holiday (春运)
  is the same holiday in the year named (2019年同期 = the 2019 春运), not its dates moved by whole years.

A bare part of a year (年末, 年底) takes the year under discussion when that year is over (in a 2024
report published in 2025, 年末 is the end of 2024), unless a word of plans comes before it (预计年底).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from extract.dates.grammar import Grammar
from extract.dates.read import Parts
from extract.dates.resolve import Ctx


@dataclass(slots=True)
class Context:
    """The anchors of the text read so far (:func:`extract.dates._find` updates it match by match)."""

    text: str
    gr: Grammar
    last: Ctx = field(default_factory=Ctx)  # the last date that is not a comparison base
    main: Ctx | None = None  # the main period: the last of the first paragraph that names one
    para: Ctx | None = None  # the last period of the current paragraph
    para_start: int = 0  # where the current paragraph starts

    def comparison(self, p: Parts) -> bool:
        """True when ``p`` follows a comparison word (比上月, 较9月): a base, not the period discussed."""
        head = self.text[max(0, p.start - 4):p.start].rstrip()
        return head.endswith(self.gr.comparison_words)

    def anchor(self, p: Parts, ref: date | None) -> tuple[Ctx, date | None]:
        """The context and the reference date ``p`` resolves against."""
        self._paragraph(p.start)
        if p.same_period:
            period = self.para or self.main
            return (period if period is not None and period.end else self.last), ref
        base = self.last.end
        if base is None or ref is None or base >= ref:
            return self.last, ref
        if self.comparison(p) and _looks_back(p):
            return self.last, base
        if _bare_year_part(p) and base.year < ref.year and not self._plan(p):
            return self.last, base
        if self.last.granularity in ("day", "datetime") and _bare_day_on(p, base):
            return self.last, base  # 4月15日晚间发布…16日股价高开: the narrative's next day, not the 16th of June
        return self.last, ref

    def note(self, p: Parts, start: date | None, end: date | None, granularity: str) -> None:
        """Record a resolved match as the context of what follows (comparison bases and 同期 are not)."""
        if start is None or end is None or p.same_period or self.comparison(p):
            return
        self.last = Ctx(start, end, granularity, p.holiday if p.holiday_period else None)
        if granularity not in ("day", "datetime"):
            self.para = self.last

    def _paragraph(self, pos: int) -> None:
        """Start a new paragraph's periods when ``pos`` is past a line break."""
        nl = self.text.rfind("\n", self.para_start, pos)
        if nl >= 0:
            if self.main is None:
                self.main = self.para
            self.para_start, self.para = nl + 1, None

    def _plan(self, p: Parts) -> bool:
        """A word of plans right before ``p`` (预计年底, 将于年底)."""
        head = self.text[max(0, p.start - 4):p.start]
        return any(w in head for w in self.gr.lex.future_markers)


def _looks_back(p: Parts) -> bool:
    """A relative year or month of the comparisons of statistics (上年, 上月, 上年末: ``comparative`` in
    rules/dates/relative.toml); 去年 and 前年 stay the reference date's."""
    rel = p.year_rel or p.month_rel
    return rel is not None and rel.comparative and p.day is None


def _bare_day_on(p: Parts, base: date) -> bool:
    """A bare day (16日) on or after the day the text mentioned last (4月15日), in an earlier month than the
    reference date's: the story goes on in that month (a bare day before it, 截至3月31日…17日, is not)."""
    return (p.day is not None and p.month is None and not p.has_year() and p.paren_offset is None
            and p.day_rel is None and p.day >= base.day)


def _bare_year_part(p: Parts) -> bool:
    """A part of a year written without its year (年末, 年底)."""
    return (p.year_part is not None and not p.has_year() and p.month is None and p.months is None
            and p.quarters is None)
