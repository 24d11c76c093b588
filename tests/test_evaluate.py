"""``zh-extract evaluate``: scoring on tiny hand-built gold sets with known answers, then end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from extract import evaluate as ev
from extract.rules import load_toml

DEV = Path(__file__).resolve().parents[2] / "shared" / "dev"

# ------------------------------------------------------------------------------------ hand-built documents

TEXT = ("合肥工业增加值增长9.2%\n"
        "全市共有120个项目，其中20个已投产，新能源汽车产量48.6万辆。\n"
        "今年1月中旬以来，今年的销量与去年同期相比增长9.2%，目前仍在增长。")


def at(text: str, needle: str, k: int = 0) -> tuple[int, int]:
    """The k-th place of ``needle`` in ``text``."""
    spots = ev.occurrences(text, needle)
    return spots[k]


def qrec(text: str, needle: str, value: float, unit: str | None, k: int = 0, **kw) -> dict:
    s, e = at(text, needle, k)
    return {"text": text[s:e], "start": s, "end": e, "value": value, "value_max": None, "unit": unit, **kw}


def drec(text: str, needle: str, start: str, end: str, k: int = 0) -> dict:
    s, e = at(text, needle, k)
    return {"text": text[s:e], "start": s, "end": e, "value_start": start, "value_end": end}


GOLD_LINES = [
    {"type": "doc", "ref_date": "2023-11-17", "published": "2023-11-17", "title": "合肥工业增加值增长9.2%",
     "source": "庐州新闻网", "authors": ["范雨桐"]},
    {"type": "quantity", "text": "9.2%", "value": 9.2, "value_max": None, "unit": "%"},
    {"type": "quantity", "text": "120个", "value": 120, "value_max": None, "unit": "个"},
    {"type": "quantity", "text": "20个", "value": 20, "value_max": None, "unit": "个"},
    {"type": "quantity", "text": "48.6万辆", "value": 486000, "value_max": None, "unit": "辆"},
    {"type": "quantity", "text": "9.2%", "value": 9.2, "value_max": None, "unit": "%"},
    {"type": "date", "text": "今年", "start": "2023-01-01", "end": "2023-12-31"},
    {"type": "date", "text": "今年1月中旬", "start": "2023-01-11", "end": "2023-01-20"},
    {"type": "date", "text": "去年同期", "start": "2022-01-11", "end": "2022-01-20"},
    {"type": "ignore", "text": "目前"},
    {"type": "ignore", "text": "同期"},
    {"type": "loc", "text": "合肥"},
    {"type": "fact", "subject": "合肥市", "metric": "新能源汽车产量", "value": 486000, "value_max": None, "unit": "辆",
     "period_start": "2023-01-01", "period_end": "2023-10-31", "change": None},
]


def system_doc(text: str = TEXT) -> ev.SysDoc:
    """What a perfect system would output for TEXT."""
    return ev.SysDoc(
        {"text": text, "published": "2023-11-17T08:30:00", "ref_date": "2023-11-17", "title": "合肥工业增加值增长9.2%",
         "site": "庐州新闻网", "authors": ["范雨桐"]},
        quantities=[qrec(text, "9.2%", 9.2, "%"), qrec(text, "120个", 120, "个"), qrec(text, "20个", 20, "个", k=1),
                    qrec(text, "48.6万辆", 486000, "辆"), qrec(text, "9.2%", 9.2, "%", k=1)],
        dates=[drec(text, "今年1月中旬", "2023-01-11", "2023-01-20"),
               drec(text, "今年", "2023-01-01", "2023-12-31", k=1),
               drec(text, "去年同期", "2022-01-11", "2022-01-20")],
        entities=[{"text": "合肥", "label": "LOC", "start": 0, "end": 2}],
        facts=[{"subject": "合肥", "metric": "产量", "value": 486000, "unit": "辆", "period_start": "2023-01-01",
                "period_end": "2023-10-31", "sentence": "新能源汽车产量48.6万辆。"}],
    )


def gold_file(tmp_path: Path, lines: list, name: str = "doc.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines),
                    encoding="utf-8")
    return path


def score(tmp_path: Path, sd: ev.SysDoc, lines: list = GOLD_LINES, norm: str = TEXT) -> tuple[ev.DocResult, list]:
    said: list[str] = []
    gf = ev.read_gold(gold_file(tmp_path, lines), said.append)
    return ev.score_document(gf, sd, norm, said.append), said


def figures(res: ev.DocResult) -> dict:
    return {k: v.to_json() for k, v in res.scores.items()}


# ------------------------------------------------------------------------------------ scoring


def test_perfect_output_scores_one(tmp_path):
    res, said = score(tmp_path, system_doc())
    assert said == [] and res.errors == []
    for key, v in res.scores.items():
        if isinstance(v, ev.Score):
            assert v.r in (None, 1.0) and v.p in (None, 1.0), key
    f = figures(res)
    assert f["quantities"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 5, "sys": 5, "gold": 5}
    assert f["dates"]["tp"] == 3 and f["facts"]["tp"] == 1 and f["facts.period"]["tp"] == 1
    assert f["quantities.attributes"] == {"share": 1.0, "n": 5, "of": 5}
    assert f["quantities.count"]["gold"] == 3 and f["quantities.percent"]["gold"] == 2
    assert f["published"]["tp"] == f["title"]["tp"] == f["outlet"]["tp"] == f["authors"]["tp"] == 1
    assert f["ref_date"]["tp"] == 1


def test_one_miss_counts_once(tmp_path):
    sd = system_doc()
    sd.quantities = [q for q in sd.quantities if q["text"] != "48.6万辆"]
    res, _ = score(tmp_path, sd)
    q = res.scores["quantities"]
    assert (q.tp, q.sys, q.gold) == (4, 4, 5) and q.p == 1.0 and q.r == 0.8
    assert [(e["kind"], e["what"], e["gold"]["text"]) for e in res.errors] == [("quantities", "miss", "48.6万辆")]
    assert "48.6万辆" in res.errors[0]["sentence"] and res.errors[0]["line"] == 5


def test_wrong_value_and_overlap_match(tmp_path):
    sd = system_doc()
    sd.quantities[1]["value"] = 12  # 120个 read as 12: same place, so matched, but its value is wrong
    s, e = at(TEXT, "产量48.6万辆")  # a wider span with the right value: matched by overlap
    sd.quantities[3].update(text=TEXT[s:e], start=s, end=e, value=486100)  # within 0.5 %
    res, _ = score(tmp_path, sd)
    assert res.scores["quantities"].tp == 5
    assert res.scores["quantities.attributes"].to_json() == {"share": 0.6, "n": 3, "of": 5}
    assert sorted(e["gold"]["text"] for e in res.errors if e["what"] == "wrong") == ["120个", "48.6万辆"]


def test_value_off_by_more_than_tolerance_is_miss_and_false(tmp_path):
    sd = system_doc()
    s, e = at(TEXT, "产量48.6万辆")
    sd.quantities[3].update(text=TEXT[s:e], start=s, end=e, value=490000)
    res, _ = score(tmp_path, sd)
    q = res.scores["quantities"]
    assert (q.tp, q.sys, q.gold) == (4, 5, 5)
    wrong = [e for e in res.errors if e["kind"] == "quantities"]
    assert len(wrong) == 1 and wrong[0]["what"] == "miss" and wrong[0]["system"]["text"] == "产量48.6万辆"


def test_dates_value_and_span(tmp_path):
    sd = system_doc()
    sd.dates[1]["value_start"] = "2024-01-01"
    res, _ = score(tmp_path, sd)
    assert res.scores["dates"].tp == 2 and res.scores["dates.span"].tp == 3
    assert [e["what"] for e in res.errors] == ["miss"] and res.errors[0]["system"]["start"] == "2024-01-01"


def test_placement_skips_number_continuation_and_longer_texts(tmp_path):
    said: list[str] = []
    gf = ev.read_gold(gold_file(tmp_path, GOLD_LINES), said.append)
    ctx = ev.Context(gf, TEXT, TEXT, said.append)
    ev.place_gold(ctx, gf.of("quantity", "date"))
    by_text = {ln.rec["text"]: ctx.places[ln.n] for ln in gf.of("quantity", "date")}
    assert by_text["20个"] == at(TEXT, "20个", 1)  # not inside 120个
    assert by_text["今年"] == at(TEXT, "今年", 1)  # not inside 今年1月中旬, listed after it
    nines = [ctx.places[ln.n] for ln in gf.of("quantity") if ln.rec["text"] == "9.2%"]
    assert nines == [at(TEXT, "9.2%", 0), at(TEXT, "9.2%", 1)]  # k-th line, k-th occurrence


def test_continues_number():
    t = "共120个，3.5万吨，三十个，1,509.6亿"
    assert ev.continues_number(t, *at(t, "20个"))
    assert ev.continues_number(t, *at(t, "5万吨"))
    assert ev.continues_number(t, *at(t, "3"))  # 3 of 3.5
    assert ev.continues_number(t, *at(t, "十个"))
    assert ev.continues_number(t, *at(t, "509.6亿"))
    assert not ev.continues_number(t, *at(t, "120个"))
    assert not ev.continues_number(t, *at(t, "三十个"))


def test_ignore_text_counts_neither_way_but_not_inside_gold(tmp_path):
    sd = system_doc()
    sd.quantities.append(qrec(TEXT, "目前", 1, None))  # false, but on an ignore text
    res, _ = score(tmp_path, sd)
    assert res.scores["quantities"].sys == 5 and res.errors == []
    # the ignore text 同期 lies inside the gold date 去年同期, so a date there still counts
    sd.dates = sd.dates[:2]
    res, _ = score(tmp_path, sd)
    assert res.scores["dates"].tp == 2 and res.scores["dates"].gold == 3


def test_repeated_passage_counts_neither_way(tmp_path):
    para = "全市计划加装电梯680部，目前已完成安装312部，新增停车位1.2万个。"
    text = "太原老旧小区改造\n" + para + "\n" + para + "\n资金方面，总投资约28.5亿元。"
    lines = [{"type": "doc", "title": "太原老旧小区改造"},
             {"type": "quantity", "text": "680部", "value": 680, "unit": "部"},
             {"type": "quantity", "text": "312部", "value": 312, "unit": "部"},
             {"type": "quantity", "text": "1.2万个", "value": 12000, "unit": "个"},
             {"type": "quantity", "text": "约28.5亿元", "value": 2850000000, "unit": "CNY", "approx": "about"},
             {"type": "repeat", "text": para[:40], "times": 2}]
    sd = ev.SysDoc({"text": text, "title": "太原老旧小区改造"},
                   quantities=[qrec(text, "680部", 680, "部", k) for k in (0, 1)]
                   + [qrec(text, "312部", 312, "部", k) for k in (0, 1)]
                   + [qrec(text, "1.2万个", 12000, "个", k) for k in (0, 1)]
                   + [qrec(text, "约28.5亿元", 2850000000, "CNY")])
    res, said = score(tmp_path, sd, lines, norm=text)
    assert said == []
    assert res.scores["quantities"].to_json() == {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 4, "sys": 4, "gold": 4}
    # the pipeline removed the copy: the same figures
    once = text.replace("\n" + para, "", 1)
    sd2 = ev.SysDoc({"text": once}, quantities=[qrec(once, t, v, u) for t, v, u in
                                                [("680部", 680, "部"), ("312部", 312, "部"), ("1.2万个", 12000, "个"),
                                                 ("约28.5亿元", 2850000000, "CNY")]])
    res2, said2 = score(tmp_path, sd2, lines, norm=text)
    assert said2 == [] and res2.scores["quantities"].f1 == 1.0


def test_text_dropped_by_cleaner_is_a_miss_not_bad_gold(tmp_path):
    norm = "2023-11-17 08:30\n" + TEXT
    lines = [*GOLD_LINES, {"type": "date", "text": "2023-11-17 08:30", "start": "2023-11-17", "end": "2023-11-17"}]
    res, said = score(tmp_path, system_doc(), lines, norm=norm)
    assert said == []
    assert res.scores["dates"].gold == 4 and res.scores["dates"].tp == 3
    (miss,) = res.errors
    assert miss["note"] == "not in the cleaned text" and miss["sentence"] == "2023-11-17 08:30"


def test_names_are_distinct_sets(tmp_path):
    sd = system_doc()
    sd.entities += [{"text": "合肥", "label": "LOC", "start": 0, "end": 2},
                    {"text": "新能源", "label": "ORG", "start": 0, "end": 2}]
    res, _ = score(tmp_path, sd)
    assert res.scores["loc"].to_json()["f1"] == 1.0
    assert (res.scores["org"].sys, res.scores["org"].gold, res.scores["org"].p) == (1, 0, 0.0)


def test_facts_subject_bigram_value_unit_period(tmp_path):
    sd = system_doc()
    sd.facts[0]["period_start"] = None
    sd.facts.append({"subject": None, "metric": "x", "value": 9.2, "unit": "%", "sentence": ""})
    res, _ = score(tmp_path, sd)
    assert res.scores["facts"].tp == 1 and res.scores["facts.period"].tp == 0
    assert res.scores["facts.no_subject"].to_json() == {"share": 0.5, "n": 1, "of": 2}
    assert [e["what"] for e in res.errors] == ["period"]
    sd.facts[0]["subject"] = "安徽"  # no two characters in common with 合肥市
    res, _ = score(tmp_path, sd)
    assert res.scores["facts"].tp == 0
    sd.facts[0].update(subject="合肥市", unit="万辆")
    assert score(tmp_path, sd)[0].scores["facts"].tp == 0


def test_metadata(tmp_path):
    sd = system_doc()
    sd.record.update(published=None, outlet="庐州日报", authors=["范雨桐", "沈立群"])  # outlet beats site
    res, _ = score(tmp_path, sd)
    f = figures(res)
    assert (f["published"]["tp"], f["published"]["sys"], f["published"]["gold"]) == (0, 0, 1)
    assert f["outlet"]["tp"] == 0 and f["title"]["tp"] == 1
    assert (f["authors"]["p"], f["authors"]["r"]) == (0.5, 1.0)


def test_bad_gold_lines_reported_with_file_and_line(tmp_path):
    lines = [*GOLD_LINES[:2],
             "{not json",
             {"type": "quantities", "text": "9.2%"},
             {"type": "quantity", "text": "48.6万辆", "unit": "辆"},
             {"type": "quantity", "text": "999吨", "value": 999, "unit": "t"},
             {"type": "date", "text": "今年", "start": "2023-13-01", "end": "2023-12-31"},
             *GOLD_LINES[2:]]
    res, said = score(tmp_path, system_doc(), lines)
    name = str(tmp_path / "doc.jsonl")
    assert said == [f"{name}:3: not valid JSON (Expecting property name enclosed in double quotes)",
                    f"{name}:4: unknown type 'quantities'",
                    f"{name}:5: quantity: field 'value' must be a number",
                    f"{name}:7: date: field 'start' must be an ISO date",
                    f"{name}:6: quantity text '999吨' not in the article"]
    assert res.scores["quantities"].f1 == 1.0 and res.scores["dates"].f1 == 1.0  # the rest is still scored


def test_unit_classes_examples():
    for ex in load_toml("evaluate")["examples"]:
        assert ev.unit_class(ex["unit"]) == ex["class"], ex
    assert ev.unit_class(None) == "count"


def test_version_matching_rules():
    assert ev.touches((5, 5), (3, 5)) and ev.touches((3, 3), (3, 9)) and not ev.touches((2, 2), (3, 9))
    assert ev.touches((0, 4), (3, 9)) and not ev.touches((0, 3), (3, 9)) and not ev.touches(None, (3, 9))
    gold = {"subject": "瀚江银行", "metric": "各项存款余额", "unit": "CNY", "old_value": 893520000000,
            "new_value": 895320000000}
    row = {"status": "changed", "value": [893520000000, 895320000000], "unit": ["CNY", "CNY"],
           "subject": [None, None], "old": {"id": "a"}, "new": {"id": "b"}}
    assert ev.fact_change_ok(gold, row, {"a": "存款余额", "b": None})  # metric shares 存款
    assert not ev.fact_change_ok(gold, row, {})  # neither subject nor metric
    assert ev.fact_change_ok(gold, {**row, "subject": ["瀚江银行", None]}, {})
    added = {**gold, "old_value": None}
    assert not ev.fact_change_ok(added, {**row, "subject": ["瀚江银行", None]}, {})  # old side must be null
    assert ev.fact_change_ok(added, {**row, "value": [None, 895320000000], "unit": [None, "CNY"],
                                     "subject": [None, "该行瀚江"]}, {})


def test_change_items():
    result = {"sentences": [
        {"status": "same"},
        {"status": "changed", "edits": [{"old": [3, 5], "new": [3, 5], "noise": False, "old_text": "35",
                                         "new_text": "53"}, {"old": [9, 9], "new": [9, 10], "noise": True}]},
        {"status": "removed", "old": [20, 30], "old_text": "x"},
        {"status": "added", "new": [40, 50], "new_text": "y"}]}
    items = ev.change_items(result)
    assert [(o, n) for o, n, _ in items] == [((3, 5), (3, 5)), ((20, 30), None), (None, (40, 50))]


def test_version_pair_names():
    assert ev.version_pair("03_bank_v2") == ("03_bank", "03_bank_v2")
    assert ev.version_pair("03_bank_v3") == ("03_bank_v2", "03_bank_v3")
    assert ev.version_pair("03_bank") is None


def test_rendering_is_plain_text():
    r = ev.Result(docs=[ev.DocResult("a", {"quantities": ev.Score(2, 3, 4, 2), "facts.no_subject": ev.Share(1, 2)},
                                     [{"doc": "a", "kind": "quantities", "what": "miss", "line": 3,
                                       "gold": {"text": "5吨", "value": 5, "value_max": None, "unit": "t"},
                                       "system": None, "sentence": "运了5吨。"}])])
    table = ev.render_figures(r.totals())
    assert "quantities" in table and "0.667" in table and "0.500" in table
    assert ev.render_errors(r.errors()) == "a:3  quantities  miss  gold: 5吨 [5 t]  system: -  « 运了5吨。 »"
    assert "a" in ev.render_documents(r)


# ------------------------------------------------------------------------------------ end to end

ARTICLE = """合肥前10月规上工业增加值增长9.2%

2023-11-17 08:30
来源：庐州新闻网　记者 范雨桐

1—10月，合肥市规模以上工业增加值同比增长9.2%，新能源汽车产量48.6万辆，增长1.3倍。
10月份，合肥市社会消费品零售总额468.3亿元，同比增长9.1%。
市统计局副局长沈立群表示，预计今年全年地区生产总值增长5.5%左右。
"""


def derived_gold(sd: ev.SysDoc) -> list[dict]:
    """Gold written from the system's own output: a perfect score by construction."""
    r = sd.record
    out = [{"type": "doc", "ref_date": r["ref_date"], "published": (r.get("published") or "")[:10] or None,
            "title": r.get("title"), "source": r.get("outlet", r.get("site")), "authors": r.get("authors")}]
    out += [{"type": "quantity", "text": q["text"], "value": q["value"], "value_max": q["value_max"],
             "unit": q["unit"]} for q in sd.quantities]
    out += [{"type": "date", "text": d["text"], "start": d["value_start"], "end": d["value_end"]} for d in sd.dates]
    for kind, label in ev.NAME_LABELS.items():
        out += [{"type": kind, "text": t} for t in sorted({e["text"] for e in sd.entities if e["label"] == label})]
    out += [{"type": "fact", **{k: f.get(k) for k in ("subject", "metric", "value", "unit", "period_start",
                                                         "period_end")}} for f in sd.facts]
    return out


@pytest.fixture(scope="module")
def e2e(tmp_path_factory) -> Path:
    """A gold set of one article and one version pair, its gold derived from the pipeline's own output."""
    root = tmp_path_factory.mktemp("evaluate")
    arts, gold = root / "articles", root / "gold"
    arts.mkdir()
    gold.mkdir()
    (arts / "hefei.txt").write_text(ARTICLE, encoding="utf-8")
    (arts / "hefei_v2.txt").write_text(ARTICLE.replace("468.3亿元", "486.3亿元"), encoding="utf-8")
    sd = ev.run_pipeline([str(arts / "hefei.txt")], {}, print)[str(arts / "hefei.txt")]
    assert sd.quantities and sd.dates and sd.facts
    gold_file(gold, derived_gold(sd), "hefei.jsonl")
    gold_file(gold, [{"type": "version_diff", "old": "零售总额468.3亿元", "new": "零售总额486.3亿元"},
                     {"type": "fact_change", "subject": "合肥市", "metric": "社会消费品零售总额", "unit": "CNY",
                      "old_value": 46830000000, "new_value": 48630000000}], "hefei_v2.diff.jsonl")
    return root


def test_evaluate_perfect_gold_end_to_end(e2e):
    said: list[str] = []
    result = ev.evaluate(e2e / "gold", e2e / "articles", report=said.append)
    assert said == [] and [d.name for d in result.docs] == ["hefei", "hefei_v2"]
    doc = result.docs[0]
    assert doc.errors == []
    for key in ("quantities", "dates", "dates.span", "loc", "facts", "facts.period", "title", "outlet", "published",
                "ref_date"):
        assert doc.scores[key].r == 1.0, key
    frag = result.docs[1].scores["versions.fragments"]
    assert (frag.tp, frag.gold) == (1, 1)
    assert result.docs[1].scores["versions.fact_changes"].gold == 1
    again = ev.evaluate(e2e / "gold", e2e / "articles", ref_date_from_gold=True, report=said.append)
    assert ev.to_json(again, Path("g"), Path("a"))["totals"]["quantities"]["f1"] == 1.0


def test_cli_json_errors_and_bad_gold(e2e, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    lines = (e2e / "gold" / "hefei.jsonl").read_text(encoding="utf-8").splitlines()
    lines += ['{"type": "date", "text": "2023-11-17 08:30", "start": "2023-11-17", "end": "2023-11-17"}',
              "{broken", '{"type": "quantity", "text": "999吨", "value": 999, "unit": "t"}']
    (gold / "hefei.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (gold / "orphan.jsonl").write_text('{"type": "doc"}\n', encoding="utf-8")
    out = tmp_path / "figures.json"
    r = run_cli("evaluate", str(gold), str(e2e / "articles"), "--json", str(out), "--errors")
    err, std = r.stderr.decode(), r.stdout.decode()
    assert r.returncode == 0, err
    n = len(lines)
    assert f"hefei.jsonl:{n - 1}: not valid JSON" in err
    assert f"hefei.jsonl:{n}: quantity text '999吨' not in the article" in err
    assert "orphan.jsonl:1: no article orphan.txt in" in err and "Traceback" not in err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["files"] == 1 and len(data["bad_gold"]) == 3
    t = data["totals"]
    assert t["quantities"]["f1"] == 1.0
    assert (t["dates"]["tp"], t["dates"]["gold"]) == (t["dates"]["sys"], t["dates"]["sys"] + 1)
    assert data["documents"]["hefei"]["dates"] == t["dates"]
    (miss,) = data["errors"]
    assert (miss["kind"], miss["what"], miss["note"]) == ("dates", "miss", "not in the cleaned text")
    assert "quantities" in std and "hefei" in std and "2023-11-17 08:30" in std


def test_forced_ref_date_beats_the_dateline_for_relative_dates_only(tmp_path):
    from extract import batch, pipeline

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text(ARTICLE.replace("合肥", "芜湖"), encoding="utf-8")
    out = tmp_path / "out"
    cfg = batch.RunConfig(workers=1, engine="inline", quiet=True)

    def run(forced: dict[str, str]) -> dict[str, ev.SysDoc]:
        batch.run([str(a), str(b)], out, pipeline.Options(forced_ref_dates=forced), cfg)
        return ev.read_outputs(out)

    plain = run({})
    forced = run({str(a): "2020-06-01"})  # the same folder: the forced document is not taken from the store
    rec = forced[str(a)].record
    assert (rec["ref_date"], rec["ref_date_source"]) == ("2020-06-01", "forced")
    assert rec["published"] == plain[str(a)].record["published"]  # the dateline still says when it was published
    years = {d["value_start"][:4] for d in forced[str(a)].dates if d["text"] == "今年全年"}
    assert years == {"2020"}
    assert forced[str(b)].record == plain[str(b)].record and forced[str(b)].dates == plain[str(b)].dates
    assert run({})[str(a)].record["ref_date"] == plain[str(a)].record["ref_date"]


def test_cli_exit_codes(tmp_path):
    assert run_cli("evaluate", str(tmp_path / "nowhere"), str(tmp_path)).returncode == 2
    r = run_cli("evaluate", str(tmp_path), str(tmp_path))
    assert r.returncode == 1 and b"could be scored" in r.stderr


# ------------------------------------------------------------------------------------ the development set


@pytest.mark.skipif(not (DEV / "gold").is_dir(), reason="../shared/dev is not here")
def test_dev_set_runs_with_sane_figures():
    said: list[str] = []
    result = ev.evaluate(DEV / "gold", DEV / "articles", report=said.append)
    gold_files = sorted((DEV / "gold").glob("*.jsonl"))
    assert said == [] and len(result.docs) == len(gold_files)
    lines = [json.loads(x) for p in gold_files for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
    totals = result.totals()
    for kind, key in (("quantity", "quantities"), ("date", "dates"), ("fact", "facts"), ("person", "person"),
                      ("version_diff", "versions.fragments"), ("fact_change", "versions.fact_changes")):
        assert totals[key].gold == sum(x["type"] == kind for x in lines), key
    for key, v in totals.items():
        for x in (v.to_json().get(k) for k in ("p", "r", "f1", "share")):
            assert x is None or 0.0 <= x <= 1.0, key
    assert totals["quantities"].tp > 0 and totals["dates"].tp > 0 and totals["title"].tp > 0
    assert totals["dates.span"].tp >= totals["dates"].tp and totals["facts"].tp >= totals["facts.period"].tp
