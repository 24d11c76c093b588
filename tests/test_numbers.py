"""The quantity extractor: the examples of rules/numbers/, plus cases of our own."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from extract.numbers import find_quantities
from extract.rules import load_list, load_toml


def _rule_examples() -> list[tuple[str, dict]]:
    out = []
    for name in ("numbers/numbers", "numbers/units"):
        data = load_toml(name)
        for section in data.values():
            items = section if isinstance(section, list) else [section]
            for item in items:
                for ex in item.get("examples", []):
                    if isinstance(ex, dict):
                        out.append((name, ex))
    return out


def _not_quantity_examples() -> list[str]:
    return [ex for r in load_toml("numbers/numbers")["not_quantity"] for ex in r["examples"]]


def first(text: str):
    qs = find_quantities(text)
    assert qs, f"nothing found in {text!r}"
    return qs[0]


def check(q, exp: dict) -> None:
    assert q.value == Decimal(str(exp["value"])), (exp["text"], q)
    if "value_max" in exp:
        assert q.value_max == Decimal(str(exp["value_max"])), (exp["text"], q)
    else:
        assert q.value_max is None, (exp["text"], q)
    if "unit" in exp:
        assert q.unit == exp["unit"], (exp["text"], q)
    if "approx" in exp:
        assert q.approx == exp["approx"], (exp["text"], q)


@pytest.mark.parametrize(("name", "ex"), _rule_examples(), ids=lambda v: v["text"] if isinstance(v, dict) else v)
def test_rule_example(name: str, ex: dict) -> None:
    check(first(ex["text"]), ex)


@pytest.mark.parametrize("text", _not_quantity_examples())
def test_not_quantity_examples(text: str) -> None:
    assert find_quantities(text) == []


@pytest.mark.parametrize("phrase", [p for p in load_list("numbers/set_phrases.txt") if not p.startswith("re:")])
def test_set_phrases_yield_nothing(phrase: str) -> None:
    assert find_quantities(f"推进“{phrase}”建设") == []


CASES = [
    # text, value, value_max, unit, approx
    ("一千二百三十四", "1234", None, None, None),
    ("两万", "20000", None, None, None),
    ("十五", "15", None, None, None),
    ("一百二十亿", "12000000000", None, None, None),
    ("廿三", "23", None, None, None),
    ("壹贰叁", None, None, None, None),  # a digit string is no number
    ("肆佰陆拾", "460", None, None, None),
    ("1.5万", "15000", None, None, None),
    ("12万5千", "125000", None, None, None),
    ("4.5万余吨", "45000", None, "t", "over"),
    ("三点五", "3.5", None, None, None),
    ("负3", "-3", None, None, None),
    ("-3摄氏度", "-3", None, "°C", None),
    ("三分之一", "0.3333333333333333333333333333", None, None, None),
    ("2/3", "0.6666666666666666666666666667", None, None, None),
    ("百分之三十五", "35", None, "%", None),
    ("两百", "200", None, None, None),
    ("两千", "2000", None, None, None),
    ("十几万", "110000", "190000", None, "about"),
    ("500多亿", "50000000000", None, None, "over"),
    ("数百人", "100", "900", "人", "about"),
    ("上百家", "100", None, "家", "over"),
    ("几十万", "100000", "900000", None, "about"),
    ("16.4亿", "1640000000", None, None, None),
    ("5万平方米", "50000", None, "m2", None),
    ("1,234.5吨", "1234.5", None, "t", None),
    ("2倍", "2", None, "倍", None),
    ("翻一番", "2", None, "倍", None),
    ("不到百公里", "100", None, "km", "under"),
    ("不少于10天", "10", None, "d", "at_least"),
    ("最多5人", "5", None, "人", "at_most"),
    ("逾3000亿元", "300000000000", None, "CNY", "over"),
    ("3000亿元以下", "300000000000", None, "CNY", "under"),
    ("100多万美元", "1000000", None, "USD", "over"),
    ("约1.2万辆次", "12000", None, "辆次", "about"),
    ("两个多月", "2", None, "month", "over"),
    ("六七十岁", "60", "70", "岁", "about"),
    ("5亿卢布", "500000000", None, "RUB", None),
    ("三块钱", "3", None, "CNY", None),
    ("负七八%", "-8", "-7", "%", "about"),  # a negative vague number: value <= value_max
    ("负三四十万元", "-400000", "-300000", "CNY", "about"),
    ("5到3万", "5", "30000", None, None),  # 5万 would not stay below 3万: the scale is not shared
]


def test_tenths_range_never_inverted() -> None:
    """10到2成 would read as 100..20 %: not a range, two quantities (found by the fuzz test below)."""
    qs = find_quantities("10到2成")
    assert [(q.value, q.value_max, q.unit) for q in qs] == [(Decimal(10), None, None), (Decimal(20), None, "%")]


@pytest.mark.parametrize(("text", "value", "vmax", "unit", "approx"), CASES, ids=[c[0] for c in CASES])
def test_cases(text: str, value: str | None, vmax: str | None, unit: str | None, approx: str | None) -> None:
    qs = find_quantities(text)
    if value is None:
        assert qs == []
        return
    assert len(qs) == 1, qs
    q = qs[0]
    assert (q.value, q.value_max, q.unit, q.approx) == (
        Decimal(value), Decimal(vmax) if vmax else None, unit, approx), q


NOT_QUANTITIES = [
    "2023年10月18日10:58发布", "第三届博览会", "第22换装库", "“一带一路”倡议", "三位一体", "两进两出",
    "产生了“1+1>2”的效果", "7×24小时通关", "五口通八国", "一辆辆货车", "一架客机", "一列列班列",
    "W020231024331736256423_800.jpg", "跨境电商(9610)模式", "5G网络", "统一大市场", "一切正常", "四川",
    "收拾房间", "十分重要", "零部件", "新一年", "两两相对", "上午10时30分",
]


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == [], find_quantities(text)


def test_two_values_not_a_range() -> None:
    qs = find_quantities("运输能力由1500万吨提升至6000万吨")
    assert [(q.value, q.value_max, q.unit) for q in qs] == [
        (Decimal(15000000), None, "t"), (Decimal(60000000), None, "t")]


def test_range_unit_written_once() -> None:
    q = first("停时缩短至6到8小时")
    assert (q.value, q.value_max, q.unit) == (Decimal(6), Decimal(8), "h")


def test_skip_spans_are_respected() -> None:
    text = "今年增长30%，达到500万吨"
    assert [q.value for q in find_quantities(text, skip=[(4, 7)])] == [Decimal(5000000)]


def test_offsets_cover_the_surface_form() -> None:
    text = "进出口总值达836.8亿元，同比增长71.2%。"
    qs = find_quantities(text)
    assert [text[q.start:q.end] for q in qs] == ["836.8亿元", "71.2%"]
    assert qs[0].value == Decimal("83680000000") and qs[0].unit == "CNY"


def test_values_are_exact_decimals() -> None:
    for text, value in [("16.4亿", "1640000000"), ("0.1万", "1000"), ("3.74万亿元", "3740000000000")]:
        assert str(first(text).value) == value


def test_sentence_of_numbers_is_stable() -> None:
    text = "其中霍尔果斯口岸通行中欧（中亚）班列33456列，阿拉山口通行中欧（中亚）班列37704列。"
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(Decimal(33456), "列"), (Decimal(37704), "列")]
    assert all(re.fullmatch(r"\d+列", text[q.start:q.end]) for q in find_quantities(text))


def test_extract_on_doc() -> None:
    from extract.model import Doc
    from extract.offsets import MappedText

    raw = "2023年出口总值达836.8亿元，增长71.2%。"
    doc = Doc(source="t", raw=raw, mapped=MappedText.identity(raw), doc_id="d1")
    doc.sentences = [(0, len(raw))]
    from extract import numbers

    out = numbers.extract(doc)
    assert [(q.text, q.id, q.unit, q.kind, q.sentence) for q in out] == [
        ("836.8亿元", "d1:q0", "CNY", "money", 0), ("71.2%", "d1:q1", "%", "percent", 0)]
    assert out[0].to_json()["value"] == 83680000000


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
