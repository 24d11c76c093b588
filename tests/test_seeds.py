"""The foundation on the five real scrapes of the sample corpus."""

from __future__ import annotations

import difflib
import re
import unicodedata

import opencc

from extract.segment import paragraphs, sentences


def sents(text: str) -> list[str]:
    return [text[a:b] for p in paragraphs(text) for a, b in sentences(text, p)]


def test_seed_000_has_no_pinyin_or_entity_left(sample_docs):
    text = sample_docs["000"]["text"]
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]", _outside_corrupt(sample_docs["000"]))
    assert not re.search(r"&?(?:ldquo|rdquo|nbsp|amp|quot|hellip|mdash);", text)
    counts = sample_docs["000"]["removed"]["counts"]
    assert counts["pinyin"] > 1000
    assert sample_docs["000"]["script"] == "traditional"


def _outside_corrupt(doc: dict) -> str:
    """The text with the marked mojibake spans blanked out."""
    chars = list(doc["text"])
    for s, e in doc["corrupt"]:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def test_seed_000_mojibake_spans_listed(sample_docs):
    doc = sample_docs["000"]
    marked = [r for r in doc["removed"]["items"] if r["kind"] == "mojibake"]
    assert len(marked) >= 8 and "mojibake" in doc["flags"]
    outside = _outside_corrupt(doc)
    assert "\ufffd" not in outside and not re.search("[\ue000-\uf8ff]", outside)
    for garbled in ("崿", "魻柟", "髽"):
        assert garbled in doc["text"] and garbled not in outside


def test_seed_000_matches_002_on_shared_sentences(sample_docs):
    """Traditional web version and simplified page version normalise to the same text.

    Sentences they share are equal; where a sentence differs, the difference is a real edit
    (different words), never a script, width or punctuation variant of the same words.
    """
    a, b = sents(_outside_corrupt(sample_docs["000"])), sents(sample_docs["002"]["text"])
    exact = set(a) & set(b)
    assert len(exact) >= 90
    s2t = opencc.OpenCC("s2t")
    for s in a:
        if s in exact:
            continue
        best = max(b, key=lambda x: difflib.SequenceMatcher(None, s, x, autojunk=False).quick_ratio())
        sm = difflib.SequenceMatcher(None, s, best, autojunk=False)
        if sm.ratio() < 0.9:
            continue
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "replace":
                x, y = s[i1:i2], best[j1:j2]
                assert s2t.convert(x) != s2t.convert(y), (x, y)  # not a script variant
                assert unicodedata.normalize("NFKC", x) != unicodedata.normalize("NFKC", y), (x, y)  # nor width


def _datelines(doc: dict) -> list[str]:
    """The texts of a document's dateline marks (read, kept in the text)."""
    return [r["text"] for r in doc["removed"]["items"] if r["kind"] == "dateline"]


def test_seed_003_metadata_and_furniture(sample_docs):
    doc = sample_docs["003"]
    assert doc["published"] == "2023-10-24" and doc["ref_date"] == "2023-10-24" and doc["ref_date_source"] == "dateline"
    assert doc["site"] == doc["outlet"] == "石榴云" and doc["authors"][:1] == ["陈蔷薇"]
    assert doc["editors"] == ["路佳琪"] and doc["photographers"] == ["蔡增乐"]
    for furniture in ("文字放大", "文字缩小", "W0202310243317"):
        assert furniture not in doc["text"]
    for dateline in ("发布时间：2023-10-24 来源：石榴云 作者：陈蔷薇", "（记者 陈蔷薇）", "编辑：路佳琪"):
        assert dateline in doc["text"] and dateline in _datelines(doc)  # datelines stay, marked
    assert doc["title"].startswith("让开放前沿活力更充沛")
    captions = [doc["text"][s:e] for s, e in doc["captions"]]
    assert len(captions) == 3 and all("蔡增乐" in c for c in captions)


def test_seed_004_metadata_and_furniture(sample_docs):
    doc = sample_docs["004"]
    assert doc["published"] == "2024-09-09T10:58:07" and doc["ref_date"] == "2024-09-09"
    assert doc["site"] == doc["outlet"] == "中国日报网"
    assert doc["authors"] == ["毛卫华", "肖园园"]
    lines = doc["text"].split("\n")
    assert "分享" not in lines and lines[1:3] == ["来源：中国日报网", "2024-09-09 10:58:07"]


def test_seed_002_broken_words_joined_and_byline_read(sample_docs):
    doc = sample_docs["002"]
    assert "一粒粒葵花籽经过加工，变身为葵仁" in doc["text"]
    assert "占新疆外贸进出口总值的23.4%" in doc["text"]
    assert doc["authors"] == ["耿丹丹", "乔文汇", "马呈忠"]
    assert doc["editors"] == ["王薇薇", "吴迪"]
    assert "本版编辑 王薇薇 美编 吴迪" in _datelines(doc)
    assert doc["title"] == "通道挽起两个市场——新疆打造口岸经济带调查"


def test_relative_reference_date_from_cli(sample_docs):
    for seed in ("000", "001", "002"):
        assert sample_docs[seed]["ref_date"] == "2024-03-01"
        assert sample_docs[seed]["ref_date_source"] == "cli"
