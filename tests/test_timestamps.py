"""Publication timestamps (extract/timestamps.py): every common form, one reader, reasons for what it refuses."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract import timestamps
from extract.ingest import read_inputs

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "2023年，某市进出口总值增长5.2%。去年同期增长3.1%。"


@pytest.mark.parametrize(("s", "iso"), [
    ("2023-10-24", "2023-10-24"),
    ("2024-09-09 10:58:07", "2024-09-09T10:58:07"),
    ("2024/9/9", "2024-09-09"),
    ("2024.09.09 08:05", "2024-09-09T08:05:00"),
    ("2023年10月24日 09:30", "2023-10-24T09:30:00"),
    ("2023年10月24日09时30分", "2023-10-24T09:30:00"),
    ("2024年3月5日 星期二 下午3:30", "2024-03-05T15:30:00"),
    ("２０２４年３月５日", "2024-03-05"),
    # ISO with a zone, RFC 822, epoch seconds and milliseconds: wall time in UTC+8
    ("2024-03-05T08:00:00+08:00", "2024-03-05T08:00:00"),
    ("2024-03-05T08:00:00.000+0800", "2024-03-05T08:00:00"),
    ("2024-03-05T00:30:00Z", "2024-03-05T08:30:00"),
    ("Tue, 05 Mar 2024 08:00:00 +0800", "2024-03-05T08:00:00"),
    ("Tue, 05 Mar 2024 00:00:00 GMT", "2024-03-05T08:00:00"),
    ("Tue, 05 Mar 2024", "2024-03-05"),
    ("1709596800", "2024-03-05T08:00:00"),
    ("1709596800000", "2024-03-05T08:00:00"),
    ("20240305", "2024-03-05"),
])
def test_common_forms_are_read(s: str, iso: str) -> None:
    assert timestamps.read(s) == timestamps.Reading(iso)
    assert timestamps.parse(s) == iso


@pytest.mark.parametrize(("s", "why", "out_of_range"), [
    ("2023-02-30", "not a valid date", False),
    ("2024-13-45", "not a valid date", False),
    ("2024-03-05 25:10", "not a valid time", False),
    ("昨天", "not a date or time", False),
    ("", "empty", False),
    ("0001-01-01T00:00:00", "year 1 is outside 1900–2100", True),
    ("9999-12-31T23:59:59", "year 9999 is outside 1900–2100", True),
])
def test_refusals_say_why(s: str, why: str, out_of_range: bool) -> None:
    assert timestamps.read(s) == timestamps.Reading(None, why, out_of_range)


@given(st.datetimes(min_value=datetime(1901, 1, 2), max_value=datetime(2099, 12, 30)).map(
    lambda d: d.replace(microsecond=0)))
def test_every_form_of_one_instant_reads_the_same(d: datetime) -> None:
    """ISO, 年月日, slashes, RFC 822 with its zone and epoch seconds of one instant give one wall time (UTC+8)."""
    want = d.isoformat(timespec="seconds")
    assert timestamps.parse(d.strftime("%Y年%m月%d日 %H:%M:%S")) == want
    assert timestamps.parse(d.strftime("%Y/%m/%d %H:%M:%S")) == want
    aware = d.replace(tzinfo=timezone(timedelta(hours=8)))
    assert timestamps.parse(aware.isoformat()) == want
    assert timestamps.parse(aware.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")) == want
    if d.year >= 2002:  # epoch seconds of 9 or 10 digits (8 digits are a compact date)
        assert timestamps.parse(str(int(aware.timestamp()))) == want


def test_jsonl_published_forms_read_and_bad_ones_reported(tmp_path: Path) -> None:
    published = ["2024-03-05T08:00:00Z", "Tue, 05 Mar 2024 08:00:00 +0800", 1709596800, "0001-01-01T00:00:00", "上周"]
    f = tmp_path / "b.jsonl"
    f.write_bytes(b"".join(orjson.dumps({"id": i, "text": ARTICLE, "published": p}) + b"\n"
                           for i, p in enumerate(published)))
    items = list(read_inputs([str(f)]))
    docs = [x for x in items if hasattr(x, "raw")]
    errors = [str(x) for x in items if not hasattr(x, "raw")]
    assert [d.published for d in docs] == ["2024-03-05T16:00:00", "2024-03-05T08:00:00", "2024-03-05T08:00:00",
                                           None, None]
    assert [d.ref_date_source for d in docs] == ["jsonl", "jsonl", "jsonl", None, None]
    assert errors == [f"{f}:4: field 'published' (year 1 is outside 1900–2100): '0001-01-01T00:00:00' (ignored)",
                      f"{f}:5: field 'published' (not a date or time): '上周' (ignored)"]


def test_placeholder_dates_do_not_lose_articles(tmp_path: Path) -> None:
    """A placeholder ``published`` and ``--ref-date`` are reported and ignored; every article is processed."""
    f = tmp_path / "b.jsonl"
    f.write_bytes(b"".join(orjson.dumps({"id": i, "text": f"{ARTICLE}今年{i}号", "published": p}) + b"\n"
                           for i, p in enumerate(["0001-01-01T00:00:00", "9999-12-31T23:59:59", "2024-03-05"])))
    r = subprocess.run([sys.executable, "-m", "extract", "run", str(f), "--out", str(tmp_path / "o"), "--quiet",
                        "--ref-date", "0001-01-01", "--workers", "1"], capture_output=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr.decode()
    err = r.stderr.decode()
    assert "--ref-date: 0001-01-01 (year 1 is outside 1900–2100): ignored" in err
    assert f"{f}:1: field 'published' (year 1 is outside 1900–2100)" in err
    assert (tmp_path / "o" / "documents.jsonl").read_text(encoding="utf-8").count("\n") == 3


def test_an_impossible_ref_date_is_a_usage_error(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "extract", "run", "-", "--out", str(tmp_path / "o"),
                        "--ref-date", "2024-13-45"], input=ARTICLE.encode(), capture_output=True, cwd=ROOT)
    assert r.returncode == 2 and b"not a valid date" in r.stderr
    assert not (tmp_path / "o").exists()
