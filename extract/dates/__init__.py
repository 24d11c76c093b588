"""Dates: every calendar reference, absolute or relative, resolved to an inclusive interval.

The core is :func:`find_dates`, a pure function of a string and a reference date, so it can be
tested on sentences and reused by other stages; :func:`extract` is the thin wrapper that turns
its matches into :class:`DateRec` records of a :class:`Doc` (offsets, raw offsets, sentence).

How it works, in three passes over the text, one module each:

1. :mod:`extract.dates.grammar`: one precompiled regular expression finds candidate expressions.  It
   is assembled from the lexicon in ``rules/dates/*.toml`` (:mod:`extract.dates.lexicon`: relative
   words, parts of years and months, holidays, connectors) and a small fixed grammar: an optional
   year (2023年, 二〇二三年, 今年, 当年) followed by an optional tail (a month with its day, xun or
   part, a month range, a quarter, a half year or season, a holiday, 同期), or a stand-alone form
   (2024-09-09, 今天, 上周一, 29日, 上世纪90年代, 农历正月初一, 下午5:00).
   :mod:`extract.dates.read` reads each match into parts and extends a day with the weekday and
   time after it.
2. Here, matches are joined: two dates around a range connector (至, 到, —) become one record of
   granularity ``range``; a date after a list connector (、) inherits the year and month it leaves
   out; 截至 before a date and 以来/至今 after it bound it.
3. :mod:`extract.dates.resolve`: matches are resolved in document order, so that anaphoric words
   (当年, 当天, 次日, 同期) take the last date the article mentioned (同期: the last period, not a
   day).  Relative words take the reference date; without one they stay unresolved (value ``None``)
   rather than being guessed.  A date without its year takes the reference year, or the year before
   when it would lie more than ``future_tolerance_days`` after the reference date.

Records carry ``kind`` (point | period | relative_period | time), ``anchor`` in the match
(ref | context) which becomes ``ref_date_source`` in the record ("context" for anaphora),
``bound`` (until: 截至X is the cut-off day; since: X以来 runs to the reference date) and ``rule``,
the name (in ``rules/dates/``) of the rule that decided the record's shape.

Periods reaching back from the reference date (10年来, 近4个月来) are returned with kind
``relative_period``: they are not points on a time line, but their numbers must not be read as
quantities either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from extract.dates.calendar import add_months, month_end, qingming, shift
from extract.dates.context import Context
from extract.dates.grammar import Grammar, Period, grammar
from extract.dates.lexicon import configure
from extract.dates.read import Parts, copy
from extract.dates.read import scan as _scan
from extract.dates.resolve import Ctx, inherit, resolve
from extract.model import DateRec, Doc
from extract.numeral import cn_int
from extract.spans import Taken

__all__ = ["DateMatch", "add_months", "configure", "extract", "find_dates", "infer_ref_date", "infer_reference",
           "month_end", "qingming", "scan"]


@dataclass(slots=True)
class DateMatch:
    """One date expression of a text: where it is and the interval it denotes."""

    start: int
    end: int
    text: str
    value_start: date | None
    value_end: date | None
    granularity: str
    relative: bool
    kind: str = "point"  # point | period | relative_period | time
    time: str | None = None
    holiday: str | None = None
    bound: str | None = None  # until | since
    anchor: str | None = None  # ref (resolved against the reference date) | context (当年, 同期) | None
    rule: str | None = None  # the rule that decided its shape (a name in rules/dates/)


# ---------------------------------------------------------------------------- finding

def find_dates(text: str, ref_date: date | None = None, *, periods: bool = True) -> list[DateMatch]:
    """All date expressions of ``text``, resolved against ``ref_date`` (None: relative ones stay null).

    Deterministic and pure: the same text and reference give the same matches, in text order.
    """
    gr = grammar()
    return _find(text, _scan(text, gr), ref_date, periods, gr)


def _find(text: str, parts: list[Parts], ref_date: date | None, periods: bool, gr: Grammar) -> list[DateMatch]:
    """:func:`find_dates` over the matches of one scan; resolving mutates ``parts`` (ranges and lists
    inherit the year and month they leave out), so a second resolution needs fresh copies."""
    cx = Context(text, gr)
    out: list[DateMatch] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        ctx, ref = cx.anchor(p, ref_date)
        d, used = _match(text, p, nxt, ref, ctx, gr)
        out.append(d)
        cx.note(p, d.value_start, d.value_end, d.granularity)
        i += 1 + used
    if periods:
        out.extend(_periods(text, out, ref_date, gr))
        out.sort(key=lambda d: (d.start, d.end))
    return out


def _match(text: str, p: Parts, nxt: Parts | None, ref: date | None, ctx: Ctx,
           gr: Grammar) -> tuple[DateMatch, int]:
    """The match of ``p`` resolved, joined with ``nxt`` when a connector makes them one (and then 1
    part used beyond ``p``), widened by 从 before a range and bounded by 截至 or 以来."""
    p.future = _planned(text, p, gr)
    iv, rel = resolve(p, ref, ctx, gr.lex)
    if iv is None:
        d = DateMatch(p.start, p.end, "", None, None, _guess_granularity(p), rel, rule=p.rule)
    else:
        d = DateMatch(p.start, p.end, "", iv[0], iv[1], iv[2], rel, rule=p.rule)
    joined = None
    if nxt is not None:
        joined = _join(text, p, nxt, d, ref, gr) if iv is not None else _join_unresolved(text, p, nxt, d, gr)
    if (joined == "range" or p.days or p.months or p.year2) and d.start > 0 and text[d.start - 1] in gr.from_chars:
        d.start -= 1  # 从2016年到2018年: the range includes its 从
    _bound(text, d, gr)
    if p.time and d.granularity == "day":
        d.granularity = "datetime"
    d.text, d.time, d.anchor = text[d.start:d.end], p.time, p.anchor(d.relative)
    d.kind = "time" if p.clock_only else ("period" if d.granularity == "range" else "point")
    d.holiday = p.holiday.name if p.holiday else None
    return d, 1 if joined else 0


def _join(text: str, p: Parts, nxt: Parts, d: DateMatch, ref: date | None, gr: Grammar) -> str | None:
    """Join ``nxt`` into the match ``d`` being built when a connector makes the two one range: "range"
    (2020年至2023年), "between" (2007年与2009年之间), else None.  A date after a list connector
    (10月18日、19日) takes the year and month it leaves out, and is named by the list rule."""
    names = gr.lex.names
    if gr.gap_range.fullmatch(text, p.end, nxt.start):
        iv2, rel2 = _second(nxt, d, ref, gr)
        if iv2 is None:
            return None
        d.value_end, d.granularity, d.end, d.relative = _range_end(iv2, gr), "range", nxt.end, d.relative or rel2
        d.rule = names.range
        p.time = p.time or nxt.time
        return "range"
    if not gr.gap_list.fullmatch(text, p.end, nxt.start):
        return None
    between = gr.between_re.match(text, nxt.end)
    if between is None:
        if inherit(nxt, d.value_end, d.relative):
            nxt.rule = names.list
        return None
    iv2, rel2 = _second(nxt, d, ref, gr)
    if iv2 is None:
        return None
    d.value_end, d.granularity, d.relative, d.end = _range_end(iv2, gr), "range", d.relative or rel2, between.end()
    d.rule = names.between
    return "between"


def _join_unresolved(text: str, p: Parts, nxt: Parts, d: DateMatch, gr: Grammar) -> str | None:
    """A range whose first day does not exist (2月30日至3月2日): still the one range the text states, one
    record, unresolved ("range"); None when ``p`` is no such day or no range connector follows it."""
    if p.month is None or p.day is None or not gr.gap_range.fullmatch(text, p.end, nxt.start):
        return None
    d.end, d.granularity, d.rule = nxt.end, "range", gr.lex.names.range
    return "range"


def _second(nxt: Parts, d: DateMatch, ref: date | None, gr: Grammar) -> tuple[tuple | None, bool]:
    """The interval of a range's second date, with the year (and month) it leaves out taken from the
    first; when that puts it before the first (8月至2月, 10月和5月间), the year after.  A weekday alone
    (下周一至周三) is of the first day's week, or of the week after when it would come before it."""
    assert d.value_start is not None and d.value_end is not None
    if nxt.weekday is not None and nxt.week_rel is not None and not nxt.week_rel.rule and d.granularity == "day":
        day = d.value_start - timedelta(days=d.value_start.weekday() - nxt.weekday)  # 下周一至周三: 周三 of
        day += timedelta(weeks=day < d.value_start)  # the first day's week, or of the week after (周五至周一)
        return (day, day, "day"), True
    took = inherit(nxt, d.value_end, d.relative)
    ctx = Ctx(d.value_start, d.value_end, d.granularity)
    iv2, rel2 = resolve(nxt, ref, ctx, gr.lex)
    if iv2 is not None and iv2[1] < d.value_start and took and nxt.year is not None:
        nxt.year += 1
        iv2, rel2 = resolve(nxt, ref, ctx, gr.lex)
    if iv2 is None or iv2[1] < d.value_start:
        return None, rel2
    return iv2, rel2


def _range_end(iv2: tuple, gr: Grammar) -> date:
    """The last day of a range A至B: B's last (news), or the day before B starts (options.toml range_end
    "start", Recognizers-Text's reading)."""
    if gr.lex.options.range_end == "start":
        return iv2[0] - timedelta(days=1)
    return iv2[1]


def _planned(text: str, p: Parts, gr: Grammar) -> bool:
    """A deadline or a plan: a before or from bound after the date (12月底前, 7月1日起) or a word of plans
    before it (将于, 预计): a date without its year then keeps the reference year even when ahead."""
    bm = gr.bound_re.match(text, p.end)
    if bm is not None and bm.lastgroup in ("before", "from"):
        return True
    head = text[max(0, p.start - 3):p.start]
    return any(len(w) > 1 and w in head for w in gr.lex.future_markers)  # not 到, 至: ranges and 截至


def _bound(text: str, d: DateMatch, gr: Grammar) -> None:
    """截至X: the cut-off day (X's last).  A bound word after X (X或之前, X起, X以来, X前, X以后) keeps X's
    value and says which side of X is meant in ``bound`` (the record spans the word, and 从/自 before a
    from or since bound); 自从X alone is "since" too."""
    um = gr.until_re.search(text, max(0, d.start - 4), d.start)
    if um and d.value_start is not None:
        d.start, d.value_start, d.granularity, d.bound = um.start(), d.value_end, "day", "until"
        d.rule = gr.lex.names.until
        return
    if d.value_end is None or d.granularity == "time":
        return
    names = gr.lex.names
    bm = gr.bound_re.match(text, d.end)
    if bm is not None:
        bound = bm.lastgroup or ""
        d.end, d.bound = bm.end(), bound
        d.rule = {"until": names.until_after, "from": names.from_after, "since": names.since,
                  "before": names.before, "after": names.after}[bound]
    fm = gr.from_re.search(text, max(0, d.start - 2), d.start)
    if fm is not None and (d.bound in ("from", "since") or d.bound is None and fm.group() == "自从"):
        d.start = fm.start()
        if d.bound is None:
            d.bound, d.rule = "since", names.since


def _guess_granularity(p: Parts) -> str:
    """Granularity of a match left unresolved (no reference or context date)."""
    if p.clock_only or p.has_clock:
        return "datetime"
    if p.has_day() or p.holiday is not None and not p.holiday_period:
        return "day"
    if p.month_part is not None:
        return p.month_part[2]
    if p.lunar is not None or p.same_month:
        return "month"
    if p.month is not None or p.month_rel is not None:
        return "month"
    if p.quarters is not None:
        return "quarter"
    if p.same_period or p.months is not None or p.holiday_period or p.year2 is not None:
        return "range"
    return "year"


def _periods(text: str, found: list[DateMatch], ref: date | None, gr: Grammar) -> list[DateMatch]:
    """10年来, 近4个月来, 未来5年: relative periods ending at (or starting after) the reference date.  Right
    after a date, 前/后 N units count from that date instead (春节前一周, 开幕后三天: :func:`_of_date`)."""
    taken = [(d.start, d.end) for d in found]
    ends = {d.end: d for d in found if d.value_start is not None and d.bound is None and d.kind != "time"}
    out: list[DateMatch] = []
    busy = Taken(taken)
    places = _places(text, gr.period_chars)
    for period in gr.period_res:
        rule = period.rule
        for m in _period_matches(text, period, places):
            s, e = m.span()
            if busy.overlaps(s, e):
                continue
            unit, n = _count(m, gr)
            if not n:
                continue
            if s in ends and _of_date(text, m, ends[s], n, unit, gr):
                taken.append((s, e))
                continue
            vs = ve = None
            if ref is not None:
                future = bool(m.groupdict().get("fut"))
                other = shift(ref, unit, n if future else -n)
                vs, ve = (ref + timedelta(days=1), other) if future else (other, ref)
                if not future and gr.lex.options.back_end == "day_before":
                    ve = ref - timedelta(days=1)
            out.append(DateMatch(s, e, m.group(), vs, ve, "range", True, kind="relative_period", anchor="ref",
                                 rule=rule))
            taken.append((s, e))
            busy.add(s, e)
    return out


def _places(text: str, chars: str) -> dict[str, list[int]]:
    """Where each of ``chars`` stands in ``text`` (``str.find`` skips to a character far faster than a regex)."""
    out: dict[str, list[int]] = {}
    find = text.find
    for c in chars:
        got = out[c] = []
        k = find(c)
        while k >= 0:
            got.append(k)
            k = find(c, k + 1)
    return out


def _period_matches(text: str, period: Period, places: dict[str, list[int]]) -> Iterator[re.Match]:
    """The matches of a period's regex over ``text``, in order, none overlapping the one before.

    With a cue (every match ends with it), only the stretches reaching back the longest match from each place
    of the cue are scanned (merged where they overlap): every match lies inside the stretch of its own last
    character, so the same matches are found in the same order (look-behinds still see the whole text).
    Without one, the regex is tried only at the ``places`` of its own first characters (found once per text for
    all the periods), going on after each match as a scan does (a match is never empty: it starts with a word)."""
    cue, width, rx = period.cue, period.width, period.re
    if not cue:
        yield from _matches_at(text, period, places) if period.first else rx.finditer(text)
        return
    k = text.find(cue)
    while k >= 0:
        start, end = max(0, k + 1 - width), k + 1
        k = text.find(cue, end)
        while k >= 0 and k + 1 - width <= end:
            end = k + 1
            k = text.find(cue, end)
        yield from rx.finditer(text, start, end)


def _matches_at(text: str, period: Period, places: dict[str, list[int]]) -> Iterator[re.Match]:
    """The matches of a period without a cue, tried at the places of its first characters, in order."""
    pos, match = 0, period.re.match
    for p in sorted(k for c in period.first for k in places[c]):
        if p >= pos:
            m = match(text, p)
            if m is not None:
                yield m
                pos = m.end()


def _count(m: re.Match, gr: Grammar) -> tuple[str, int]:
    """The unit and count of a period's match: 3年 (year, 3), 半年 (month, 6: periods.toml [ago_half])."""
    half = m.groupdict().get("hz")
    if half:
        unit, n = gr.lex.tables["ago_half"]["words"][half]
        return unit, n
    return gr.lex.period_units[m["u"]], cn_int(m["n"])


def _of_date(text: str, m: re.Match, d: DateMatch, n: int, unit: str, gr: Grammar) -> bool:
    """前/后 N units right after the date ``d`` (春节前一周, 10月1日后三天): the N units before its first day
    or after its last; ``d`` takes them in (periods.toml [before_date], [after_date]).  False for the
    other prefixes (近, 过去, 未来), which count from the reference date."""
    t = gr.lex.tables
    word = m.groupdict().get("past") or m.groupdict().get("fut")
    assert d.value_start is not None and d.value_end is not None
    if word in t["before_date"]["prefixes"]:
        d.value_start, d.value_end = shift(d.value_start, unit, -n), d.value_start - timedelta(days=1)
        d.rule = t["before_date"]["name"]
    elif word in t["after_date"]["prefixes"]:
        d.value_start, d.value_end = d.value_end + timedelta(days=1), shift(d.value_end, unit, n)
        d.rule = t["after_date"]["name"]
    else:
        return False
    d.end, d.granularity, d.kind = m.end(), "range", "period"
    d.text = text[d.start:d.end]
    return True


# ---------------------------------------------------------------------------- reference date

def infer_ref_date(matches: list[DateMatch], text: str) -> tuple[date | None, str | None]:
    """Reference date of an article that has none, from its own absolute dates.

    Rule: the latest start date among absolute dates (a written year, nothing relative),
    skipping dates right after a future marker (到2025年, 预计2026年) and the upper ends of
    ranges; a whole-year mention counts only when it is at most one year after the latest
    month- or day-precise mention (so 2035年远景目标 does not set the reference).
    """
    fine: list[date] = []
    years: list[date] = []
    markers = grammar().lex.future_markers
    for d in matches:
        if d.relative or d.value_start is None or d.kind in ("relative_period", "time"):
            continue
        before = text[max(0, d.start - 2):d.start]
        if before.endswith(markers):
            continue
        (years if d.granularity == "year" else fine).append(d.value_start)
    if fine:
        best = max(fine)
        ok_years = [y for y in years if y.year <= best.year + 1]
        if ok_years and max(ok_years) > best:
            return max(ok_years), "inferred:latest-absolute-year"
        return best, "inferred:latest-absolute-date"
    if years:
        return max(years), "inferred:latest-absolute-year"
    return None, None


# A publication date as sites write it: 2024-09-09 10:58:07, 2023年10月24日 09:30, 2024/9/9.


# ---------------------------------------------------------------------------- the pipeline stages

def scan(doc: Doc) -> list[Parts]:
    """The candidate date expressions of a document (the costly pass, done once per document).

    Both the reference-date inference and :func:`extract` resolve these; resolving mutates them
    (ranges and lists inherit what they leave out), so each works on copies.
    """
    return _scan(doc.text, grammar())


def infer_reference(doc: Doc) -> tuple[date | None, str | None]:
    """A reference date for an article that states none, from its own absolute dates (:func:`infer_ref_date`)."""
    return infer_ref_date(_find(doc.text, [copy(p) for p in doc.date_candidates], None, False, grammar()), doc.text)


def extract(doc: Doc) -> list[DateRec]:
    """Date records of a scanned document, resolved against ``doc.ref_date`` (unresolved when None)."""
    ref: date | None = None
    if doc.ref_date:
        try:
            ref = date.fromisoformat(doc.ref_date[:10])
        except ValueError:
            ref = None
    return _records(doc, _find(doc.text, [copy(p) for p in doc.date_candidates], ref, True, grammar()))


def _records(doc: Doc, matches: list[DateMatch]) -> list[DateRec]:
    """The records of a document's matches (those on corrupted text left out), numbered in order.

    A match's text is already ``doc.text[start:end]``, and what each anchor becomes as the record's
    ``ref_date_source`` is the same for the whole document: both are taken as they are.  The raw spans come
    from the offset map in one call for all records.
    """
    sources = {"context": "context", "ref": doc.ref_date_source}
    sentence_index = doc.sentence_spans().index if doc.sentences else None
    doc_id = doc.doc_id
    if doc.corrupt:
        matches = [d for d in matches if not doc.is_corrupt(d.start, d.end)]
    assert doc.mapped is not None
    raw = doc.mapped.raw_spans([d.start for d in matches], [d.end for d in matches])
    recs: list[DateRec] = []
    for d, (rs, re_) in zip(matches, raw, strict=True):
        s, e = d.start, d.end
        recs.append(DateRec(doc_id=doc_id, id=f"{doc_id}:d{len(recs)}", text=d.text, start=s, end=e,
                            raw_start=rs, raw_end=re_,
                            value_start=d.value_start.isoformat() if d.value_start else None,
                            value_end=d.value_end.isoformat() if d.value_end else None,
                            granularity=d.granularity, relative=d.relative, ref_date_source=sources.get(d.anchor),
                            time=d.time, sentence=sentence_index(s) if sentence_index else None,
                            kind=d.kind, holiday=d.holiday, bound=d.bound, rule=d.rule))
    return recs
