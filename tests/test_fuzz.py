"""Hostile input never crashes the pipeline: random Unicode, control characters, lone surrogates, huge and
repeated text.  Every record's offsets stay valid, and time stays linear in the input size.

Kept fast (a few hundred examples in all); the 50 MB single article runs when ZH_EXTRACT_FUZZ_BIG=1
(about half a minute and 1.6 GB here), a 6 MB one always does.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from batchutil import CORPUS, pin_version
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import batch, clean, dates, entities, facts, ingest, numbers, pipeline
from extract.model import Doc

# Characters news text is made of, and the ones that break naive code.
NEWS = ("新疆霍尔果斯口岸进出口货运量同比增长亿万千百十元吨公里列辆人次年月日季度上旬中下"
        "今去明前后约近超过以上不足第零一二三四五六七八九两半")
DIGITS = "0123456789０１２３４５６７８９.．,，%％～~-—至到"
PUNCT = "。，、；：？！“”‘’（）《》【】…—·\n\n\t \u3000"
NASTY = "\x00\x01\x07\x0b\x0c\x1b\x7f\u200b\u200d\u2028\u2029\ufeff\ufffd\ue000\u0301\u202e&#;&amp;&nbsp(ǎ)wǎng?？"
TRAD = "網絡貨運億萬與從發臺灣著這經濟開關"

alphabet = st.sampled_from(list(NEWS + DIGITS + PUNCT + NASTY + TRAD))
news_like = st.text(alphabet=alphabet, min_size=0, max_size=300)
any_unicode = st.text(min_size=0, max_size=200)  # every code point except surrogates
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])



def check_doc(doc: Doc) -> None:
    """Everything a processed document promises: offsets inside the text and the raw, text slices equal."""
    text, raw = doc.text, doc.raw
    n, rn = len(text), len(raw)
    for kind in ("quantities", "dates", "entities"):
        for r in getattr(doc, kind):
            assert 0 <= r.start <= r.end <= n, (kind, r)
            assert text[r.start:r.end] == r.text, (kind, r)
            assert 0 <= r.raw_start <= r.raw_end <= rn, (kind, r)
            assert r.doc_id == doc.doc_id
    for f in doc.facts:
        for m in f.mentions:
            assert 0 <= m.start <= m.end <= n, f
    for spans in (doc.paragraphs, doc.sentences, doc.tokens, doc.corrupt, doc.captions):
        for s, e in spans:
            assert 0 <= s <= e <= n
    for r in doc.removed:
        assert 0 <= r.raw_start <= r.raw_end <= rn, r
    orjson.dumps(doc.to_json())  # serialisable: no lone surrogates leak out
    for x in (*doc.quantities, *doc.dates, *doc.entities, *doc.facts):
        orjson.dumps(x.to_json())


def process(raw: str, ref_date: str | None = "2024-03-01") -> Doc:
    doc = pipeline.process_doc(Doc(source="fuzz", raw=raw), pipeline.Options(ref_date=ref_date))
    check_doc(doc)
    return doc


@FUZZ
@given(news_like)
def test_pipeline_on_news_like_text(raw):
    process(raw)


@FUZZ
@given(any_unicode)
def test_pipeline_on_any_unicode(raw):
    process(raw, ref_date=None)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["2023年", "增长12.5%", "836.8亿元", "霍尔果斯口岸", "。", "\n", "约", "万吨", "同比",
                                 "1-2月", "？", "&nbsp;", "網(wǎng)", "（", "”"]), max_size=400))
def test_pipeline_on_repeated_fragments(parts):
    process("".join(parts))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=alphabet, max_size=80), st.integers(min_value=0, max_value=2**31))
def test_extractors_alone_never_raise(raw, seed):
    """Each extractor on a prepared document, in any order the pipeline could call it."""
    doc = pipeline.prepare(Doc(source="fuzz", raw=raw or "空"), pipeline.Options(ref_date="2024-03-01"))
    doc.dates = dates.extract(doc)
    doc.quantities = numbers.extract(doc)
    doc.entities = entities.extract(doc)
    doc.facts = facts.extract(doc)
    check_doc(doc)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet=alphabet, max_size=40), min_size=1, max_size=5), st.data())
def test_jsonl_with_lone_surrogates_and_garbage(tmp_path_factory, bodies, data):
    """Lone surrogates (valid JSON escapes, invalid UTF-8 text) are replaced; bad lines are reported, never fatal."""
    folder = tmp_path_factory.mktemp("jsonl")
    lines = []
    for i, body in enumerate(bodies):
        sur = data.draw(st.sampled_from(["\\ud800", "\\udfff", "\\ud83d", ""]))
        body_json = orjson.dumps(body).decode()[1:-1]
        lines.append(f'{{"id": "{i}", "text": "{body_json}{sur}"}}'.encode())
    lines.append(data.draw(st.binary(max_size=50)))
    p = folder / "f.jsonl"
    p.write_bytes(b"\n".join(lines) + b"\n")
    for x, _ in ingest.read_stream([str(p)]):
        if isinstance(x, Doc):
            assert not any("\ud800" <= c <= "\udfff" for c in x.raw)
            process(x.raw)
        else:
            assert str(x).startswith(f"{p}:")


def test_control_characters_and_bidi_do_not_shift_offsets():
    raw = "\ufeff新疆\x00霍尔\u200b果斯口岸\x07今年1-10月\u202e进出口货运量达\x0c836.8万吨，同比增长12.5%。\r\n"
    doc = process(raw)
    for q in doc.quantities:
        assert raw[q.raw_start:q.raw_end].replace("\x0c", "").replace("\u202e", "")


def test_huge_line_without_breaks():
    process("新疆口岸货运量持续增长，" * 20_000 + "全年增长12%。")  # one 240k-character line


def test_many_quantities_in_one_sentence():
    doc = process("货运量增长12%，" * 400)
    assert len(doc.quantities) == 400


# Inputs that make backtracking regexes or quadratic scans explode: processed whole, offsets valid.  Their cost
# as the input grows is measured by benchmarks/scaling.py (a timing assertion here would be flaky).
ADVERSARIAL = ["?？", "(（", "&#&amp", "1234567890", "1.2.", "“", "……", " \t", "约1万余", "網(wǎng)", "万亿", "1年1月",
               "%1"]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_adversarial_text_is_processed(unit):
    process(unit * (8000 // len(unit)))


def test_cleaning_mojibake_like_text():
    d = Doc(source="x", raw="?锟斤拷鎴戠殑\ufffd網(wǎng)" * 2000)
    clean.clean_chars(d)
    clean.mark_mojibake(d)
    assert "mojibake" in d.flags and all(r.raw_end <= len(d.raw) for r in d.removed)


def _big_article(mb: int) -> str:
    """``mb`` MB (UTF-8) of news text: the seed articles repeated, so passage de-duplication is exercised too."""
    base = "\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(CORPUS).glob("*.txt")))
    n = mb * 1024 * 1024 // 3
    return (base * (n // len(base) + 1))[:n]


def _through_the_engine(tmp_path, mb: int, monkeypatch) -> None:
    pin_version(monkeypatch)
    src = tmp_path / "big.txt"
    src.write_text(_big_article(mb), encoding="utf-8")
    msgs: list[str] = []
    rep = batch.run([str(src)], tmp_path / "o", pipeline.Options(ref_date="2024-03-01"),
                    batch.RunConfig(workers=1, quiet=True), report=msgs.append)
    assert msgs == [] and rep.processed == 1, msgs
    doc = orjson.loads((tmp_path / "o" / "documents.jsonl").read_bytes())
    assert "repeated_passages" in doc["flags"]


def test_six_mb_single_article(tmp_path, monkeypatch):
    _through_the_engine(tmp_path, 6, monkeypatch)


@pytest.mark.skipif(os.environ.get("ZH_EXTRACT_FUZZ_BIG") != "1", reason="50 MB article: set ZH_EXTRACT_FUZZ_BIG=1")
def test_fifty_mb_single_article(tmp_path, monkeypatch):
    _through_the_engine(tmp_path, 50, monkeypatch)
