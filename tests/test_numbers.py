"""The quantity extractor's invariants; its examples are whole-answer cases in rules/numbers/corpus_*.toml
(run by tests/test_corpora.py).  Here: the find_quantities API, exact values, record building, rule
names, the shared numeral reader, and properties on random text (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extract import corpus
from extract.numbers import find_quantities
from extract.numeral import cn_int, parse_number
from extract.rules import rules_dir


def test_skip_spans_are_respected() -> None:
    text = "今年增长30%，达到500万吨"
    assert [q.value for q in find_quantities(text, skip=[(4, 7)])] == [Decimal(5000000)]


def test_values_are_exact_decimals_without_exponent() -> None:
    for text, value in [("16.4亿", "1640000000"), ("0.1万", "1000"), ("3.74万亿元", "3740000000000")]:
        assert [str(q.value) for q in find_quantities(text)] == [value]


def test_extract_on_doc() -> None:
    from extract import numbers
    from extract.model import Doc
    from extract.offsets import MappedText

    raw = "2023年出口总值达836.8亿元，增长71.2%。"
    doc = Doc(source="t", raw=raw, mapped=MappedText.identity(raw), doc_id="d1")
    doc.sentences = [(0, len(raw))]
    out = numbers.extract(doc)
    assert [(q.text, q.id, q.unit, q.kind, q.sentence, q.rule) for q in out] == [
        ("836.8亿元", "d1:q0", "CNY", "money", 0, "unit.money"), ("71.2%", "d1:q1", "%", "percent", 0, "percent.sign")]
    assert out[0].to_json()["value"] == 83680000000


def test_every_rule_a_record_names_is_a_rule_of_the_lexicon() -> None:
    """A record's rule tells which rule to fix: it must be a ``name`` of rules/numbers/*.toml."""
    names = corpus.rule_names(rules_dir() / "numbers")
    texts = [c.text for p in corpus.corpus_files() if p.parent.name == "numbers" for c in corpus.load(p).cases]
    found = {q.rule for t in texts for q in find_quantities(t)}
    assert None not in found
    assert found <= names, found - names


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """The canonical Chinese numeral of 1..9999 (一千零五, 二百五十, 十二)."""
    out, zero = "", False
    for scale, word in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // scale % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if d == 1 and scale == 10 and not out else _DIGITS[d]) + word
    return out


@pytest.mark.parametrize("n", [*range(1, 200), *range(200, 10000, 37), 1005, 2004, 2010, 2024])
def test_cn_int_and_the_number_reader_agree_on_canonical_numerals(n: int) -> None:
    """One reader: a date's numeral (cn_int) and an amount (parse_number) read the same tables alike."""
    s = _chinese(n)
    num = parse_number(s, 0)
    assert num is not None and num.end == len(s) and num.value == n, s
    assert cn_int(s) == n, s


def test_cn_int_reads_a_year_digit_by_digit() -> None:
    assert [cn_int(s) for s in ["二〇二三", "二○二三", "一九九八", "2024", "廿三", "卅一"]] == [
        2023, 2023, 1998, 2024, 23, 31]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = ("0123456789.,-+/^eEkK%％ 一二两三四五六七八九十百千万亿兆零〇点多余几分之又负第"
             "年月日个元吨成折倍百分点至到~以上下约超过不足人民币$")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_never_crashes_and_spans_are_sane(text: str) -> None:
    qs = find_quantities(text)
    last = -1
    for q in qs:
        assert 0 <= q.start < q.end <= len(text)
        assert q.start >= last
        last = q.end
        assert q.value_max is None or q.value_max > q.value
        assert abs(q.value).adjusted() <= 31
