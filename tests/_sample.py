"""Test data for the export, view and schema tests: hand-made records of every kind.

The hand-made records do not depend on the extractors (they are built with ``Doc.span_fields`` on a
prepared document, so their offsets are real).  The sample corpus run is conftest's ``sample_out``.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from extract import pipeline
from extract.export import records
from extract.model import DateRec, Doc, Entity, Fact, Mention, Quantity, content_id

ROOT = Path(__file__).resolve().parents[1]

HAND_TEXT = ("新疆口岸经济带调查\n"
             "2023年，新疆口岸进出口货运量达8700.6万吨，同比增长22.5%。"
             "乌鲁木齐海关关长张伟表示，中欧班列开行超过1.6万列。\n"
             "霍尔果斯口岸今年1月至2月进出口总额约836.8亿元。")


def _span(doc: Doc, surface: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(surface, start + 1)
    return doc.span_fields(start, start + len(surface))


def hand_docs() -> tuple[list[Doc], list[Fact]]:
    """Two small documents with records of every kind, built by hand (no extractor involved)."""
    docs = []
    for i, text in enumerate((HAND_TEXT, HAND_TEXT.replace("8700.6", "8800").replace("张伟", "李明"))):
        d = Doc(source=f"hand-{i}.txt", raw=text, published="2024-03-05T10:58:07" if i == 0 else "2024-03-06")
        d.doc_id = content_id(d.raw)
        pipeline.run(d, pipeline.Options(ref_date="2024-03-01"), pipeline.stages(stop="segment"))
        docs.append(d)
    facts = []
    for n, d in enumerate(docs):
        amount = "8700.6万吨" if n == 0 else "8800万吨"
        d.quantities = [
            Quantity(id=f"q{n}-1", **_span(d, amount), value=Decimal(amount[:-2]) * 10000, unit="t"),
            Quantity(id=f"q{n}-2", **_span(d, "22.5%"), value=Decimal("22.5"), unit="%", kind="percent"),
            Quantity(id=f"q{n}-3", **_span(d, "超过1.6万列"), value=16000, unit="列", approx="over", kind="count"),
            Quantity(id=f"q{n}-4", **_span(d, "约836.8亿元"), value=Decimal("83680000000"), unit="CNY",
                     approx="about", kind="money", sentence=2),
        ]
        d.dates = [
            DateRec(id=f"d{n}-1", **_span(d, "2023年"), value_start="2023-01-01", value_end="2023-12-31",
                    granularity="year"),
            DateRec(id=f"d{n}-2", **_span(d, "今年1月至2月"), value_start="2024-01-01", value_end="2024-02-29",
                    granularity="range", relative=True, ref_date_source="published"),
        ]
        person = "张伟" if n == 0 else "李明"
        d.entities = [
            Entity(id=f"e{n}-1", **_span(d, "新疆", 1), label="LOC", source="gazetteer"),
            Entity(id=f"e{n}-2", **_span(d, "乌鲁木齐海关"), label="ORG", source="suffix"),
            Entity(id=f"e{n}-3", **_span(d, person), label="PERSON", title="关长", org="乌鲁木齐海关"),
            Entity(id=f"e{n}-4", **_span(d, "霍尔果斯口岸"), label="LOC"),
        ]
        q = d.quantities[0]
        s = d.text.index("2023年")
        facts.append(Fact(id=f"f{n}-1", subject="新疆口岸", metric="进出口货运量", value=q.value, value_max=None,
                          unit="t", approx=None, period_start="2023-01-01", period_end="2023-12-31",
                          change={"kind": "yoy", "value": Decimal("22.5"), "unit": "%"},
                          sentence=d.text[s:d.text.index("。", s) + 1],
                          mentions=[Mention(d.doc_id, q.start, q.end, q.raw_start, q.raw_end)], doc_id=d.doc_id))
    q0, q1 = docs[0].quantities[3], docs[1].quantities[3]
    facts.append(Fact(id="f-2", subject="霍尔果斯口岸", metric="进出口总额", value=Decimal("83680000000"),
                      value_max=None, unit="CNY", approx="about", period_start="2024-01-01", period_end="2024-02-29",
                      change=None, sentence="霍尔果斯口岸今年1月至2月进出口总额约836.8亿元。",
                      mentions=[Mention(docs[0].doc_id, q0.start, q0.end, q0.raw_start, q0.raw_end),
                                Mention(docs[1].doc_id, q1.start, q1.end, q1.raw_start, q1.raw_end)]))
    for d in docs:
        d.facts = [f for f in facts if any(m.doc_id == d.doc_id for m in f.mentions)]
    return docs, facts


def hand_records() -> dict[str, list[dict]]:
    docs, facts = hand_docs()
    return {k: list(v) for k, v in records(docs, facts).items()}


@functools.cache
def hand_outdir() -> Path:
    """An output folder (JSONL + manifest) of the hand-made records."""
    out = Path(tempfile.mkdtemp(prefix="zhx-hand-"))
    atexit.register(shutil.rmtree, out, True)
    from batchutil import write_records

    return write_records(out, hand_records())

