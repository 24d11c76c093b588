"""Document metadata stages: corrupted spans in final positions, the title, the reference date.

They run between cleaning and extraction (see :data:`extract.pipeline.STAGES`): cleaning has
read what the article states about itself (dateline, source, bylines), and the extractors
need the reference date that relative dates (今年, 上月) are resolved against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import NamedTuple

from extract.model import Doc
from extract.rules import load_toml

_STATED = ("jsonl", "page", "dateline", "url")  # where an article's own publication date is read
_TITLE_END = re.compile(r"[。！？!?：:；;，,]$")


def marks(doc: Doc) -> None:
    """Bring the raw spans marked during cleaning (mojibake, photo captions) into final text positions.

    Marks are kept as raw spans in ``doc.removed`` while the text is still being rewritten, so no
    stage has to shift them; the offset map places them once, here.
    """
    assert doc.mapped is not None
    doc.corrupt = _placed(doc, "mojibake")
    doc.captions = _placed(doc, "caption")


def _placed(doc: Doc, kind: str) -> list[tuple[int, int]]:
    spans = [(r.raw_start, r.raw_end) for r in doc.removed if r.kind == kind]
    return doc.mapped.spans_from_raw(spans) if spans and doc.mapped is not None else []


def find_title(text: str, skip: frozenset[str] = frozenset()) -> str | None:
    """The first line when it reads as a headline (short, no sentence punctuation at its end).

    Lines in ``skip`` (datelines: 2024-03-05 来源：X, 本报记者 Y) are passed over first: a scrape
    may put the dateline above the headline.  A following line that starts with a dash is its
    subtitle (通道挽起两个市场 / ——新疆…调查).
    """
    while skip and text and text.split("\n", 1)[0].strip() in skip:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    lines = text.split("\n", 2)
    first = lines[0].strip() if lines else ""
    if not first or len(first) > 60 or _TITLE_END.search(first):
        return None
    if len(lines) > 1 and lines[1].startswith(("——", "—", "--")) and len(lines[1]) <= 60:
        return first + lines[1].strip()
    return first


def title(doc: Doc) -> None:
    """The title given with the input (JSONL, HTML), else the headline line of the text; without the
    site's name that pages append to it (标题_新浪网)."""
    if doc.title is None:
        doc.title = find_title(doc.text, frozenset(r.text for r in doc.removed if r.kind == "dateline"))
    if doc.title:
        doc.title = strip_site_suffix(doc.title, (doc.outlet, doc.site))


class _TitleRules(NamedTuple):
    """titles.toml, compiled."""

    last_part: re.Pattern[str]  # what stands before the last separator, and after it
    heads: tuple[str, ...]
    max_site: int
    domain: re.Pattern[str]
    latin: re.Pattern[str]
    min_title: int
    max_channel: int


@cache
def _title_rules() -> _TitleRules:
    r = load_toml("clean/titles")["title"]["site_suffix"]
    sep = r["separator"]
    return _TitleRules(re.compile(rf"^(.*[^\s_|｜·•\-－—–]){sep}([^_|｜·•\-－—–]+)$"), tuple(r["heads"]), r["max_site"],
                       re.compile(r["domain"]), re.compile(r["latin"]), r["min_title"], r["max_channel"])


def strip_site_suffix(text: str, names: Iterable[str | None] = ()) -> str:
    """A title without the site name (and the channel names before it) a page appends (titles.toml)."""
    r = _title_rules()
    known = {n for n in names if n}
    title, gone = text.strip(), False
    while (m := r.last_part.match(title)) and len(m[1]) >= r.min_title:
        tail = m[2].strip()
        site = tail in known or r.domain.fullmatch(tail) or r.latin.fullmatch(tail) or (
            len(tail) <= r.max_site and tail.endswith(r.heads))
        channel = gone and len(tail) <= r.max_channel and not _TITLE_END.search(tail)
        if not (site or channel):
            break
        title, gone = m[1].strip(), True
    return title


def reference_date(doc: Doc, cli_ref_date: str | None, infer, forced: str | None = None) -> None:
    """The date relative expressions are resolved against, and where it came from.

    In order: a ``forced`` date (``forced``: evaluation against gold), the article's own publication
    date (``published``, where ``ref_date_source`` already says where it was read: ``jsonl``, ``page``
    (the page's structured data), ``dateline`` (the text's or the page's dateline) or ``url`` (the
    page's URL); ``published`` when it was given otherwise), ``--ref-date`` (``cli``; ``cli+dateline``
    when a dateline states the month and day without a year: 新华社北京6月16日电 with --ref-date 2025-06-18
    is 2025-06-16), else a date inferred from the article's own absolute dates by ``infer(doc)``
    (``inferred:...``), else none.
    """
    if forced:
        doc.ref_date, doc.ref_date_source = forced, "forced"
    elif doc.published:
        doc.ref_date = doc.published[:10]
        if doc.ref_date_source not in _STATED:
            doc.ref_date_source = "published"
    elif cli_ref_date:
        wire = wire_day(doc, date.fromisoformat(cli_ref_date[:10]))
        doc.ref_date = wire.isoformat() if wire else cli_ref_date
        doc.ref_date_source = "cli+dateline" if wire else "cli"
    else:
        found: tuple[date | None, str | None] = infer(doc)
        if found[0] is not None:
            doc.ref_date, doc.ref_date_source = found[0].isoformat(), found[1]


@cache
def _wire_rule() -> tuple[re.Pattern[str], int]:
    t = load_toml("clean/datelines")["dateline"]["wire_day"]
    return re.compile(t["pattern"]), int(t["days_after"])


def wire_day(doc: Doc, ref: date) -> date | None:
    """The day of a dateline that states its month and day but no year (6月16日电, 6月17日讯), in the year
    that puts it closest before ``ref`` (at most ``days_after`` days after it), else None.  Datelines give
    no ``published`` without a year; as the reference date, the year the caller gave completes them."""
    pattern, days_after = _wire_rule()
    for r in doc.removed:
        m = pattern.search(r.text) if r.kind == "dateline" else None
        if m is None:
            continue
        month, day = int(m["month"]), int(m["day"])
        for year in (ref.year, ref.year - 1):
            try:
                d = date(year, month, day)
            except ValueError:
                return None
            if (d - ref).days <= days_after:
                return d
    return None
