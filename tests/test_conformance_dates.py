"""The Microsoft Recognizers-Text Chinese DateTime spec as conformance cases for the date stage.

Read by path from ../shared/conformance (never copied).  Each case's text runs through the real
pipeline stages up to ``numbers`` with the case's ``ReferenceDateTime`` as the reference date; the one
stage left out is ``clean_lines``, which drops a line that is only a date as a page's dateline (most
cases here are one short line).  Our records are compared by their raw offsets (``End`` inclusive).

**In scope** (:func:`in_scope`): the cases whose expected results are all dates, date ranges and
durations (``datetimeV2.date``, ``datetimeV2.daterange``, ``datetimeV2.duration``), and the cases that
expect nothing.  Clock times, date-times, time ranges and recurring sets (每天, 每周一) have no place in
the contract, so a case expecting one of them is out of scope.  Every in-scope case is scored; the
ones failing by a choice we made for news count as failures (docs/conformance-out-of-scope.md).

How our records are read in their shapes (:func:`_ours`):

- a date record: ``date`` when it is one day, else ``daterange`` [value_start, value_end + 1 day)
  (their range ends are exclusive, ours inclusive); an open range from ``bound``: ``before`` (X之前:
  up to X's start), ``until`` (X或之前, 截至X: up to X's end), ``after`` (X之后: from X's end;
  both write a day's end as the day itself, as the spec does), ``from``/``since`` (X起, X以来: from X's
  start); ``ago``/``later`` records (5年前) are one day;
- a duration quantity (unit h, min, s, d, week, month, year): seconds, with the spec's 365-day years
  and 30-day months.

A value the spec leaves unresolved (今年夏天, 2月30日) is compared by place only.  Where the spec gives
several values (the past and the future 29日), ours must be one of them.  A case passes when every
expected result is found at its place with its value, and no date record overlaps none of them (a case
that expects nothing gets nothing).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from extract import dates, pipeline
from extract.model import DateRec, Doc, Quantity, content_id

CONF = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "recognizers-text-zh"
FILE = "DateTime_DateTimeModel.json"
IN_SCOPE = frozenset({"datetimeV2.date", "datetimeV2.daterange", "datetimeV2.duration"})
# A little below the measured rates (see the test output): a regression fails.  NEWS: the defaults of
# rules/dates/options.toml; SUITE: the readings the spec takes where they differ from news (SUITE_OPTIONS).
FLOOR_NEWS = 0.75
FLOOR_SUITE = 0.88
SUITE_OPTIONS = {"range_end": "start", "ago_granularity": "day", "back_end": "day_before"}
SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400, "week": 7 * 86400, "month": 30 * 86400,
           "year": 365 * 86400}
STAGES = tuple(s for s in pipeline.stages(stop="numbers") if s.name != "clean_lines")

Shape = tuple[str, object]  # (type, value): ("date", "2018-01-01"), ("daterange", (start, end)), ("duration", "60")


def load() -> list[dict]:
    return json.loads((CONF / FILE).read_text(encoding="utf-8-sig"))


def in_scope(case: dict) -> bool:
    """Dates, date ranges and durations only (or nothing expected)."""
    return all(r["TypeName"] in IN_SCOPE for r in case["Results"])


@cache
def _run(text: str, ref: str, options: tuple = ()) -> tuple[tuple[DateRec, ...], tuple[Quantity, ...]]:
    """The records of one case's text (``options``: the date options in force, part of the cache key)."""
    doc = Doc(source="conformance", raw=text)
    doc.doc_id = content_id(text)
    pipeline.run(doc, pipeline.Options(forced_ref_dates={"conformance": ref}), STAGES)
    return tuple(doc.dates), tuple(doc.quantities)


def _iso(d: date) -> str:
    return d.isoformat()


def _date_shape(r: DateRec) -> Shape | None:
    """One of our date records in the spec's shape (None: unresolved)."""
    if r.value_start is None or r.value_end is None:
        return None
    a, b = date.fromisoformat(r.value_start), date.fromisoformat(r.value_end)
    nxt = _iso(b + timedelta(days=1))
    if r.bound == "before":
        return "daterange", (None, _iso(a))
    if r.bound == "until":
        return "daterange", (None, _iso(b) if r.granularity in ("day", "datetime") else nxt)
    if r.bound == "after":
        return "daterange", (_iso(b) if r.granularity in ("day", "datetime") else nxt, None)
    if r.bound in ("from", "since"):
        return "daterange", (_iso(a), None)
    if a == b and r.granularity in ("day", "datetime"):
        return "date", _iso(a)
    return "daterange", (_iso(a), nxt)


def _ours(text: str, ref: str, options: tuple) -> list[tuple[int, int, Shape | None]]:
    """Our results: (raw start, raw end inclusive, shape)."""
    recs, qs = _run(text, ref, options)
    out: list[tuple[int, int, Shape | None]] = [(r.raw_start, r.raw_end - 1, _date_shape(r)) for r in recs]
    for q in qs:
        if q.unit in SECONDS and q.value_max is None and q.approx is None:
            secs = Decimal(str(q.value)) * SECONDS[q.unit]
            out.append((q.raw_start, q.raw_end - 1, ("duration", secs)))
    return out


def _expected(res: dict) -> list[Shape | None]:
    """The values the spec accepts for one result (None: unresolved, compared by place only)."""
    out: list[Shape | None] = []
    for v in (res.get("Resolution") or {}).get("values", []):
        t = v["type"]
        if v.get("value") == "not resolved":
            out.append(None)
        elif t == "date":
            out.append(("date", v["value"]))
        elif t == "daterange":
            out.append(("daterange", (v.get("start"), v.get("end"))))
        elif t == "duration":
            out.append(("duration", Decimal(v["value"])))
    return out


def _same(exp: Shape | None, got: Shape | None) -> bool:
    if exp is None:
        return True
    return got is not None and exp[0] == got[0] and exp[1] == got[1]


def check(case: dict, options: tuple = ()) -> str | None:
    """None when the case passes, else what went wrong."""
    ref = case.get("Context", {}).get("ReferenceDateTime", "2017-03-22")[:10]
    got = _ours(case["Input"], ref, options)
    spans = []
    for res in case["Results"]:
        s, e = res["Start"], res["End"]
        spans.append((s, e))
        exp = _expected(res)
        here = [g for a, b, g in got if (a, b) == (s, e)]
        if not here:
            return f"missing {res['Text']!r} [{s},{e}]; got {_show(case['Input'], got)}"
        if not any(_same(x, g) for x in exp for g in here):
            return f"value of {res['Text']!r}: want {exp}, got {here}"
    extra = [(a, b, g) for a, b, g in got if g is None or g[0] != "duration"
             if not any(a <= e and s <= b for s, e in spans)]
    if extra:
        return f"extra {_show(case['Input'], extra)}"
    return None


def _show(text: str, got: list[tuple[int, int, Shape | None]]) -> str:
    return ", ".join(f"{text[a:b + 1]!r}={g}" for a, b, g in got) or "nothing"


def scored(options: dict[str, str] | None = None) -> tuple[list[dict], list[tuple[dict, str]]]:
    """The in-scope cases and the failures among them, with their reasons, under the date ``options``."""
    cases = [c for c in load() if in_scope(c)]
    dates.configure(**(options or {}))
    try:
        key = tuple(sorted((options or {}).items()))
        failed = [(c, why) for c in cases if (why := check(c, key)) is not None]
    finally:
        dates.configure()
    return cases, failed


def _report(label: str, cases: list[dict], failed: list[tuple[dict, str]]) -> float:
    rate = 1 - len(failed) / len(cases)
    print(f"\n{FILE} ({label}): {len(cases) - len(failed)}/{len(cases)} in-scope cases = {rate:.1%}")
    for c, why in failed:
        print(f"   FAIL {c['Input'][:40]!r}: {why}")
    return rate


@pytest.mark.skipif(not (CONF / FILE).is_file(), reason=f"conformance cases not present at {CONF}")
def test_datetime_suite_news_readings() -> None:
    """The defaults: the news readings (a range includes its last part, 两年前 is that year)."""
    rate = _report("news readings", *scored())
    assert rate >= FLOOR_NEWS, f"{FILE}: {rate:.1%} of the in-scope cases, below the floor {FLOOR_NEWS:.0%}"


@pytest.mark.skipif(not (CONF / FILE).is_file(), reason=f"conformance cases not present at {CONF}")
def test_datetime_suite_suite_readings() -> None:
    """The options set to the spec's readings where they differ from news (SUITE_OPTIONS)."""
    rate = _report(f"options {SUITE_OPTIONS}", *scored(SUITE_OPTIONS))
    assert rate >= FLOOR_SUITE, f"{FILE}: {rate:.1%} of the in-scope cases, below the floor {FLOOR_SUITE:.0%}"


def test_in_scope_is_dates_ranges_and_durations() -> None:
    """The scope is decided by the expected types only."""
    assert in_scope({"Results": []})
    assert in_scope({"Results": [{"TypeName": "datetimeV2.daterange"}, {"TypeName": "datetimeV2.duration"}]})
    assert not in_scope({"Results": [{"TypeName": "datetimeV2.date"}, {"TypeName": "datetimeV2.time"}]})
    assert not in_scope({"Results": [{"TypeName": "datetimeV2.set"}]})
