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


def test_digits_above_the_bmp_begin_numbers_and_other_characters_there_do_not() -> None:
    # the scans' first-character classes spell \d out for the BMP and let every character above it in
    cases = [("😀5元", [(1, 3, "5")]), ("𠀀三个人", [(1, 3, "3")]), ("共𝟏𝟐𝟑人", [(1, 5, "123")]),
             ("a😀1", [(2, 3, "1")]), ("𝟏𝟐年", [(0, 3, "12")])]
    for text, want in cases:
        assert [(q.start, q.end, str(q.value)) for q in find_quantities(text)] == want


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


# ---------------------------------------------------------------- numbers of any size (issue 18, item 2)

HUGE = ["地球质量约为5.97×10^24千克。", "阿伏伽德罗常数约为6.02×10^23。", "总额1万亿亿元。",
        "共18,446,744,073,709,551,616粒。", "增长231000000000000000000%。"]


def test_numbers_beyond_64_bits_keep_their_article_and_are_written_exactly(tmp_path) -> None:
    """Every article with a number of 64 bits or more is processed; quantities.jsonl holds the integer digit
    for digit (a JSON number, not a string), and the Python API holds it exactly too."""
    import json

    from extract import api, batch, pipeline

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"n{i}", "text": t}, ensure_ascii=False) + "\n"
                           for i, t in enumerate(HUGE)), encoding="utf-8")
    msgs: list[str] = []
    batch.run([str(src)], tmp_path / "out", pipeline.Options(ref_date="2024-03-01"),
              batch.RunConfig(workers=1, engine="inline", quiet=True), report=msgs.append)
    assert msgs == []
    assert len((tmp_path / "out" / "documents.jsonl").read_bytes().splitlines()) == len(HUGE)
    lines = (tmp_path / "out" / "quantities.jsonl").read_bytes().splitlines()
    values = sorted(json.loads(b)["value"] for b in lines)
    assert values == sorted([5970000000000000000000000, 602000000000000000000000, 10**20, 2**64, 231 * 10**18])
    assert all(isinstance(v, int) for v in values)
    assert api.extract_text(HUGE[2])["quantities"][0]["value"] == 10**20


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**40), max_value=10**40), st.integers(min_value=0, max_value=6))
def test_record_json_numbers_are_exact_at_any_size(n: int, decimals: int) -> None:
    """Integers of any size are written digit for digit; a decimal fraction as the nearest double."""
    import json

    from extract.model import Quantity, json_record, record_bytes

    v = Decimal(n).scaleb(-decimals)
    line = record_bytes(Quantity("d", "d:q0", "x", 0, 1, 0, 1, v))
    got = json.loads(line)["value"]
    if v == v.to_integral_value():
        assert got == int(v) and isinstance(got, int)
        assert json_record(line)["value"] == int(v)
    else:
        assert got == float(v)


@pytest.mark.parametrize(("text", "value"), [
    ("5.97×10^24千克", "5970000000000000000000000"), ("6.02x10^23", "602000000000000000000000"),
    ("1.5×10²⁴千克", "1500000000000000000000000"), ("1.6×10⁻¹⁹库仑", "1.6E-19"), ("2e+5人", "200000"),
    ("3.2X10^5吨", "320000"), ("2^10个", "1024")])
def test_powers_of_ten_and_exponents_are_read(text: str, value: str) -> None:
    q = find_quantities(text)[0]
    assert q.value == Decimal(value) and q.start == 0
