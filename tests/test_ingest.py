"""Ingest: encodings detected, every input form, bad input reported with path and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extract.ingest import InputError, decode, read_inputs

ARTICLE = "喀什海关统计，2023年喀什外贸进出口总值达836.8亿元，同比增长71.2%。口岸经济带建设取得积极成效。"
TRAD = "喀什海關統計，2023年喀什外貿進出口總值達836.8億元，同比增長71.2%。口岸經濟帶建設取得積極成效。"


def items(paths):
    return list(read_inputs([str(p) for p in paths]))


@pytest.mark.parametrize("encoding,text", [("utf-8", ARTICLE), ("utf-8-sig", ARTICLE), ("gb18030", ARTICLE),
                                           ("gbk", ARTICLE), ("big5", TRAD)])
def test_encodings_detected(tmp_path, encoding, text):
    p = tmp_path / "a.txt"
    p.write_bytes((text * 3).encode(encoding))
    [doc] = items([p])
    assert doc.raw == text * 3


def test_bom_is_not_part_of_text():
    text, enc = decode("\ufeff".encode() + ARTICLE.encode())
    assert text == ARTICLE and enc == "utf-8-sig"


def test_bad_inputs_reported_and_batch_continues(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "batch.jsonl").write_text(
        f'{{"id": "a1", "text": "{ARTICLE}", "published": "2024-09-09 10:58"}}\n'
        "{not json}\n"
        '{"id": "a3"}\n'
        '{"id": "a4", "text": ""}\n'
        '["list"]\n'
        '{"id": "a6", "text": "\\ud800孤立的代理项文字"}\n', encoding="utf-8")
    out = items([tmp_path, tmp_path / "missing.txt"])
    docs = [x for x in out if not isinstance(x, InputError)]
    errors = [str(x) for x in out if isinstance(x, InputError)]
    assert [d.source for d in docs] == ["a1", "a6", str(tmp_path / "good.txt")]
    assert docs[0].published == "2024-09-09T10:58:00" and docs[0].line == 1
    assert docs[1].raw.startswith("\ufffd")  # a lone surrogate becomes U+FFFD, same length
    joined = "\n".join(errors)
    assert f"{tmp_path / 'batch.jsonl'}:2: invalid JSON" in joined
    assert f"{tmp_path / 'batch.jsonl'}:3: missing string field 'text'" in joined
    assert f"{tmp_path / 'batch.jsonl'}:4: empty text" in joined
    assert f"{tmp_path / 'batch.jsonl'}:5: not a JSON object" in joined
    assert f"{tmp_path / 'empty.txt'}: empty file" in joined
    assert f"{tmp_path / 'blank.md'}: empty file" in joined
    assert f"{tmp_path / 'bin.txt'}: binary file" in joined
    assert f"{tmp_path / 'missing.txt'}: no such file or directory" in joined


def test_html_body_extracted_with_paragraphs(tmp_path):
    page = ("<html><head><title>测试</title></head><body><nav>首页 | 新闻</nav><article>"
            "<h1>口岸经济带调查</h1><p>" + ARTICLE + "</p><p>第二段：新疆口岸经济还会出现怎样的变化？"
            "这一段也足够长，用来说明正文的提取效果。</p></article><footer>版权所有</footer></body></html>")
    p = tmp_path / "a.html"
    p.write_text(page, encoding="utf-8")
    [doc] = items([p])
    assert ARTICLE in doc.raw
    assert "第二段" in doc.raw and "\n" in doc.raw.strip()


def test_stdin_and_exit_codes(tmp_path):
    run = [sys.executable, "-m", "extract", "run", "-", "--out", str(tmp_path / "o")]
    r = subprocess.run(run, input=ARTICLE.encode(), capture_output=True, cwd=Path(__file__).parent.parent)
    assert r.returncode == 0, r.stderr.decode()
    assert (tmp_path / "o" / "documents.jsonl").read_text(encoding="utf-8").count("\n") == 1
    r = subprocess.run(run, input=b"", capture_output=True)
    assert r.returncode == 1 and b"-: empty text" in r.stderr
    r = subprocess.run([sys.executable, "-m", "extract", "run", "-", "--ref-date", "2024-13"], capture_output=True)
    assert r.returncode == 2
