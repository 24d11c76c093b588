"""The HTML view in a real headless browser (Debian chromium): loads cleanly, highlights present, screenshot.

Skipped when no chromium is installed (CI installs it, see .ci/run).  Screenshots go to
tests/artifacts/; docs/show.png (the README's picture) is written when missing, or refreshed with
ZH_UPDATE_SCREENSHOT=1.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from _chromium import find_chromium, inspect_page
from _sample import hand_outdir
from conftest import ROOT, read_jsonl

from extract import view

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="chromium not installed (apt-get install chromium)")

ARTIFACTS = ROOT / "tests" / "artifacts"
README_SHOT = ROOT / "docs" / "show.png"
MARKS_JS = ("[...document.querySelectorAll('mark.entity')].map(m => "
            "[m.dataset.label, m.firstChild.textContent, m.id, getComputedStyle(m).backgroundColor])")
PNG = b"\x89PNG\r\n\x1a\n"


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i:i + 2], 16) for i in (0, 2, 4)))


@pytest.fixture(scope="module")
def sample_site(sample_out, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    view.write_run_html(sample_out, site)
    return site


def _doc(sample_out: Path, seed: str) -> dict:
    return next(d for d in read_jsonl(sample_out / "documents.jsonl") if Path(d["source"]).name.startswith(seed))


def test_hand_page_in_browser(tmp_path):
    site = tmp_path / "site"
    view.write_run_html(hand_outdir(), site)
    doc = read_jsonl(hand_outdir() / "documents.jsonl")[0]
    r = inspect_page((site / view.page_name(doc["doc_id"])).as_uri(), expression=MARKS_JS,
                     screenshot=ARTIFACTS / "hand.png")
    assert r["errors"] == []
    got = [(label, text) for label, text, _, _ in r["value"]]
    assert got == [("DATE", "2023年"), ("LOC", "新疆"), ("QUANTITY", "8700.6万吨"), ("PERCENT", "22.5%"),
                   ("ORG", "乌鲁木齐海关"), ("PERSON", "张伟"), ("QUANTITY", "超过1.6万列"), ("LOC", "霍尔果斯口岸"),
                   ("DATE", "今年1月至2月"), ("MONEY", "约836.8亿元")]
    colours = {label: bg for label, _, _, bg in r["value"]}
    for label, bg in colours.items():
        assert bg == _rgb(view.LABELS[label][0]), label
    assert (ARTIFACTS / "hand.png").read_bytes().startswith(PNG)


def test_sample_page_loads_without_errors_and_highlights_known_spans(sample_out, sample_site):
    doc = _doc(sample_out, "003")
    page = sample_site / view.page_name(doc["doc_id"])
    shot = ARTIFACTS / "show.png"
    r = inspect_page(page.as_uri(), expression=MARKS_JS, screenshot=shot, width=1000, height=900)
    assert r["errors"] == []
    marks = r["value"]
    # every highlight in the browser is a record of this document, at its offsets, with its text
    recs = {(x["start"], x["text"]) for k in ("quantities", "dates", "entities")
            for x in read_jsonl(sample_out / f"{k}.jsonl") if x["doc_id"] == doc["doc_id"]}
    assert marks and all((int(mid[1:]), text) in recs for _, text, mid, _ in marks)
    expected, _ = view.spans(*(
        [x for x in read_jsonl(sample_out / f"{k}.jsonl") if x["doc_id"] == doc["doc_id"]]
        for k in ("quantities", "dates", "entities")))
    assert len(marks) == len(expected)
    # known spans of seed 003 (第三届“一带一路”国际合作高峰论坛 article, 2023-10-24)
    found = {(label, text) for label, text, _, _ in marks}
    labels = {label for label, _ in found}
    assert {"DATE", "QUANTITY", "PERSON", "LOC"} <= labels
    # (containment, not equality, so that a rule widening a span does not break the browser test)
    for label, part in (("DATE", "10月18日"), ("LOC", "新疆"), ("PERSON", "托卡耶夫"), ("QUANTITY", "1183")):
        assert any(lb == label and part in text for lb, text in found), (label, part)
    assert shot.read_bytes().startswith(PNG) and shot.stat().st_size > 20_000
    if not README_SHOT.exists() or os.environ.get("ZH_UPDATE_SCREENSHOT"):
        README_SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, README_SHOT)


def test_index_page_loads_and_links_every_document(sample_out, sample_site):
    js = ("({docs: [...document.querySelectorAll('tr.doc a')].map(a => a.getAttribute('href')), "
          "facts: document.querySelectorAll('tr.fact').length})")
    r = inspect_page((sample_site / "index.html").as_uri(), expression=js, screenshot=ARTIFACTS / "index.png")
    assert r["errors"] == []
    docs = read_jsonl(sample_out / "documents.jsonl")
    assert r["value"]["docs"] == [view.page_name(d["doc_id"]) for d in docs]
    assert r["value"]["facts"] == len(read_jsonl(sample_out / "facts.jsonl"))


def test_console_errors_are_caught(tmp_path):
    """The check itself works: a broken page reports its errors."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
                   '<img src="missing.png"><script>console.error("boom"); undefinedFn();</script></body></html>',
                   encoding="utf-8")
    r = inspect_page(bad.as_uri(), expression="1")
    text = "\n".join(r["errors"])
    assert "boom" in text and "undefinedFn" in text and "missing.png" in text
