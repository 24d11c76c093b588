"""The version diff (extract/diff.py): alignment, character edits, facts, renderings."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from extract import diff
from extract.cli.diff import diff_files
from extract.model import Doc, Quantity
from extract.offsets import MappedText

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

S1 = "喀什海关物流监控处副处长张力介绍，TIR运输模式具有“一车到底”的特点。"
S2 = "2022年，巴克图中哈边民互市在全疆率先完成落地加工“整进整出”模式。"
S3 = "2023年巴克图口岸进出口货运量62.7万吨，进出境运输工具31480辆。"
S4 = "中欧班列通行数量占全国的五成以上。"
S5 = "霍尔果斯综保区进出口总值达411亿元，首次突破400亿元大关。"


def make(text: str, doc_id: str) -> Doc:
    return Doc(source=doc_id, raw=text, mapped=MappedText.identity(text), doc_id=doc_id)


def edits_of(result: dict) -> list[tuple[str, str]]:
    return [(e["old_words"], e["new_words"]) for r in result["sentences"] if r["status"] == "changed"
            for e in r["edits"] if not e["noise"]]


def test_wording_changes_with_positions():
    old = make("\n".join([S1, S2 + S3, S4]), "old")
    new_text = "\n".join([S1.replace("监控", "监管"),
                          S2.replace("中哈", "哈达") + S3.replace("进出境运输", "出境运输"), S4])
    new = make(new_text, "new")
    r = diff.diff_docs(old, new)
    pairs = edits_of(r)
    assert any("监控" in a and "监管" in b for a, b in pairs)
    assert any("中哈" in a and "哈达" in b for a, b in pairs)
    assert any("进出境" in a and "出境" in b and "进" not in b for a, b in pairs)
    assert r["counts"]["changed"] == 3 and r["counts"]["added"] == r["counts"]["removed"] == 0
    for row in r["sentences"]:
        for e in row["edits"]:
            assert old.text[e["old"][0]:e["old"][1]] == e["old_text"]
            assert new.text[e["new"][0]:e["new"][1]] == e["new_text"]
        if row["status"] == "changed":
            assert 0.5 <= row["similarity"] < 1


def test_script_width_pinyin_whitespace_are_not_changes():
    old = make("喀什海關(guān)物流監(jiān)控處副處長張力介紹,TIR運輸模式具有“一車到底”的特點。\n" + S4, "old")
    new = make(" 喀什海关物流监控处副处长张力介绍，ＴＩＲ运输模式具有“一车到底”的特点。\n\n" + S4, "new")
    r = diff.diff_docs(old, new)
    assert r["counts"] == {"same": 2, "changed": 0, "added": 0, "removed": 0}


def test_reordering_repeats_and_broken_lines():
    old = make("\n".join([S1, S2, S3, S4, S5]), "old")
    half = len(S3) // 2
    new = make("\n".join([S5, S1, S2, S3[:half], S3[half:], S4, S2]), "new")
    r = diff.diff_docs(old, new)
    assert r["counts"]["changed"] == 0 and r["counts"]["added"] == 0 and r["counts"]["removed"] == 0
    moved = [row for row in r["sentences"] if row.get("moved")]
    assert len(moved) == 1 and moved[0]["new_text"] == S5


def test_added_removed_and_min_change():
    old = make("\n".join([S1, S2, S4]), "old")
    new = make("\n".join([S1, S4.replace("五成", "八成"), S5]), "new")
    r = diff.diff_docs(old, new)
    st = {(row["status"], row["old_text"] or row["new_text"]) for row in r["sentences"]}
    assert ("removed", S2) in st and ("added", S5) in st
    assert any(s == "changed" for s, _ in st)
    hidden = diff.diff_docs(old, new, min_change=0.2)
    assert hidden["counts"]["changed"] == 0
    assert any(row.get("hidden") for row in hidden["sentences"])


def test_corrupt_spans_are_noise():
    bad = S5.replace("进出口总值", "进?jié)摿?值")
    old = make(bad, "old")
    at = bad.index("?jié")
    old.corrupt = [(at, at + 8)]
    new = make(S5, "new")
    r = diff.diff_docs(old, new)
    assert r["counts"]["changed"] == 0
    assert r["sentences"][0].get("noise") == "corrupt"


def _q(doc: Doc, text: str, value: str, unit: str, qid: str) -> Quantity:
    s = doc.text.index(text)
    return Quantity(doc_id=doc.doc_id, id=qid, text=text, start=s, end=s + len(text), raw_start=s,
                    raw_end=s + len(text), value=Decimal(value), unit=unit)


def test_changed_quantities_listed_with_positions():
    old = make("\n".join([S4.replace("五成", "50%"), S5]), "old")
    new = make("\n".join([S4.replace("五成", "80%"), S5]), "new")
    old.quantities = [_q(old, "50%", "50", "%", "q1"), _q(old, "411亿元", "41100000000", "CNY", "q2")]
    new.quantities = [_q(new, "80%", "80", "%", "q1"), _q(new, "411亿元", "41100000000", "CNY", "q2")]
    r = diff.diff_docs(old, new)
    facts = r["facts"]
    assert len(facts) == 1
    f = facts[0]
    assert f["status"] == "changed" and f["fields"] == {"value": [50, 80]}
    assert f["old"]["text"] == "50%" and f["new"]["text"] == "80%"
    assert new.text[f["new"]["start"]:f["new"]["end"]] == "80%"
    json.dumps(r, ensure_ascii=False)


def test_renderings():
    old = make("\n".join([S1, S2]), "old")
    new = make("\n".join([S1.replace("监控", "监管"), S3]), "new")
    r = diff.diff_docs(old, new)
    plain = diff.render_text(r, color=False)
    assert "[-控-]" in plain and "{+管+}" in plain and "监控处→" in plain.replace("物流", "")
    assert "\x1b[" not in plain
    assert "\x1b[" in diff.render_text(r, color=True)
    page = diff.render_html(r)
    assert page.startswith("<!DOCTYPE html>") and "<del>控</del>" in page and "<ins>管</ins>" in page


@pytest.fixture(scope="module")
def seed_result():
    from extract import batch, pipeline

    docs = [pipeline.prepare(d) for d in batch.read([str(CORPUS / "000_32f9cff86a5168d2.txt"),
                                                       str(CORPUS / "002_a8fb3417bd57fdde.txt")], print)]
    return diff.diff_docs(docs[0], docs[1])


def test_seed_000_002_wording(seed_result):
    pairs = edits_of(seed_result)
    joined = [a + "→" + b for a, b in pairs]
    for old_w, new_w in [("挽起", "挽回"), ("监控", "监管"), ("中哈", "哈达"), ("国外", "国内"), ("进出境", "出境")]:
        assert any(old_w in a and new_w in b for a, b in pairs), (old_w, new_w, joined)
    # no script, width or mojibake noise among the changes: every edit is short
    assert all(len(a) <= 12 and len(b) <= 12 for a, b in pairs), joined
    assert seed_result["counts"]["removed"] == 0


def test_cli_diff_writes_json_and_html(tmp_path):
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text("\n".join([S1, S2, S4]), encoding="utf-8")
    new.write_text("\n".join([S1.replace("监控", "监管"), S2, S4]), encoding="utf-8")
    out = tmp_path / "d.json"
    assert diff_files(old, new, "json", 0.0, out) == 0
    r = json.loads(out.read_text(encoding="utf-8"))
    assert r["counts"]["changed"] == 1
    page = tmp_path / "d.html"
    assert diff_files(old, new, "html", 0.0, page) == 0
    assert "<ins>管</ins>" in page.read_text(encoding="utf-8")
