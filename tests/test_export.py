"""Tables and exports (extract/tables.py) and the Python API (extract/api.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _sample import hand_outdir, hand_records
from conftest import ROOT, run_cli
from typer.testing import CliRunner

import extract
from extract import tables
from extract.cli import app


@pytest.fixture(scope="module")
def hand():
    return hand_records()


def test_flatten_types(hand):
    t = tables.flatten(hand)
    assert set(t) == set(tables.TABLES)
    d, q, f = t["dates"], t["quantities"], t["facts"]
    assert tables.column_type("value_start", d["value_start"]) == "date"
    assert d["value_start"].tolist()[0] == dt.date(2023, 1, 1)
    assert str(q["value"].dtype) == "float64" and str(q["start"].dtype) == "Int64"
    assert str(d["relative"].dtype) == "boolean"
    assert tables.column_type("period_end", f["period_end"]) == "date"
    assert q.loc[q["unit"] == "CNY", "value"].tolist() == [83680000000.0, 83680000000.0]
    # dates work as dates in pandas
    assert set(d["value_end"].dt.year.tolist()) == {2023, 2024}


def test_facts_flattened_with_change_columns_and_mentions_table(hand):
    t = tables.flatten(hand)
    f, m = t["facts"], t["fact_mentions"]
    row = f[f["id"] == "f0-1"].iloc[0]
    assert (row["change_kind"], row["change_value"], row["change_unit"]) == ("yoy", 22.5, "%")
    assert pd.isna(f[f["id"] == "f-2"].iloc[0]["change_kind"])
    assert f["mention_count"].tolist() == [1, 1, 2]
    assert len(m) == sum(len(x["mentions"]) for x in hand["facts"])
    two = m[m["fact_id"] == "f-2"]
    assert two["mention"].tolist() == [0, 1]
    assert two["doc_id"].tolist() == [hand["documents"][0]["doc_id"], hand["documents"][1]["doc_id"]]


def test_documents_published_datetime_split_and_nested_json(hand):
    doc = tables.flatten(hand)["documents"]
    assert doc["published"].tolist() == [dt.date(2024, 3, 5), dt.date(2024, 3, 6)]
    assert doc["published_time"].tolist()[0] == "10:58:07" and doc["published_time"].isna().tolist()[1]
    assert "removed_json" in doc.columns and "flags_json" in doc.columns and "removed" not in doc.columns


def test_to_records_inverts_flatten(hand):
    assert tables.to_records(tables.flatten(hand)) == hand


def test_unknown_and_mixed_fields_survive():
    recs = {"entities": [
        {"doc_id": "a", "id": "e1", "text": "新疆", "start": 0, "end": 2, "raw_start": 0, "raw_end": 2,
         "label": "LOC", "links": ["Q34800"], "score": 1, "odd": "x"},
        {"doc_id": "a", "id": "e2", "text": "张伟", "start": 3, "end": 5, "raw_start": 3, "raw_end": 5,
         "label": "PERSON", "links": None, "score": 0.5, "odd": 3},
    ]}
    t = tables.flatten(recs)
    e = t["entities"]
    assert "links_json" in e.columns and "odd_json" in e.columns
    assert str(e["score"].dtype) == "float64"
    back = tables.to_records(t)
    for a, b in zip(recs["entities"], back["entities"], strict=True):
        assert {k: b[k] for k in a} == a
        assert all(b[k] is None for k in set(b) - set(a))  # model fields the records lacked: null columns
    assert back["documents"] == [] and back["facts"] == []


def test_empty_kinds_keep_their_columns(tmp_path):
    t = tables.flatten({"documents": [], "facts": []})
    assert {"value", "period_start", "change_json", "mention_count"} <= set(t["facts"].columns)
    assert {"value_start", "granularity", "relative"} <= set(t["dates"].columns)
    tables.write_parquet(t, tmp_path / "p")
    schema = pq.read_schema(tmp_path / "p" / "dates.parquet")
    assert schema.field("value_start").type == pa.date32() and schema.field("relative").type == pa.bool_()
    back = tables.read_parquet(tmp_path / "p")
    assert all(len(df) == 0 for df in back.values())
    assert tables.to_records(back) == {k: [] for k in tables.KINDS}


@pytest.mark.parametrize("fmt", ["parquet", "sqlite"])
def test_round_trip_hand(fmt, tmp_path):
    out = hand_outdir()
    target = tmp_path / ("p" if fmt == "parquet" else "x.sqlite")
    tables.export(out, fmt, target)
    a, b = tables.load(out), tables.load(target)
    assert list(a) == list(b)
    for k in a:
        pd.testing.assert_frame_equal(a[k], b[k])
    assert tables.to_records(b) == tables.read_records(out)


@pytest.mark.parametrize("fmt", ["parquet", "sqlite"])
def test_round_trip_sample_corpus(fmt, sample_out, tmp_path):
    target = tmp_path / ("p" if fmt == "parquet" else "x.sqlite")
    tables.export(sample_out, fmt, target)
    jsonl = tables.read_records(sample_out)
    assert tables.to_records(tables.load(target)) == jsonl
    assert len(tables.load(target)["documents"]) == len(jsonl["documents"]) == 5


def test_parquet_types(tmp_path):
    tables.export(hand_outdir(), "parquet", tmp_path)
    s = {k: pq.read_schema(tmp_path / f"{k}.parquet") for k in tables.TABLES}
    for col in ("value_start", "value_end"):
        assert s["dates"].field(col).type == pa.date32()
    for col in ("period_start", "period_end"):
        assert s["facts"].field(col).type == pa.date32()
    assert s["documents"].field("published").type == pa.date32()
    assert s["quantities"].field("value").type == pa.float64()
    assert s["quantities"].field("start").type == pa.int64()
    assert s["facts"].field("mention_count").type == pa.int64()
    assert s["fact_mentions"].field("start").type == pa.int64()
    df = pd.read_parquet(tmp_path / "facts.parquet")  # plain pandas reads it too
    assert len(df) == 3


def test_sqlite_indexes_and_queries(tmp_path):
    db = tmp_path / "x.sqlite"
    tables.export(hand_outdir(), "sqlite", db)
    con = sqlite3.connect(db)
    indexed = {(t, con.execute(f"PRAGMA index_info('{name}')").fetchone()[2])
               for t in tables.TABLES for (_, name, *_rest) in con.execute(f"PRAGMA index_list('{t}')")}
    for t in ("documents", "quantities", "dates", "entities", "facts", "fact_mentions"):
        assert (t, "doc_id") in indexed, t
    assert ("facts", "subject") in indexed and ("facts", "metric") in indexed
    n = con.execute("SELECT count(*) FROM facts f JOIN fact_mentions m ON m.fact_id = f.id "
                    "WHERE f.metric = ?", ("进出口总额",)).fetchone()[0]
    assert n == 2
    assert con.execute("SELECT value_start FROM dates WHERE granularity='year' LIMIT 1").fetchone() == ("2023-01-01",)
    con.close()


def test_csv_has_bom_and_reads_back(tmp_path):
    paths = tables.export(hand_outdir(), "csv", tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{t}.csv" for t in tables.TABLES)
    raw = (tmp_path / "entities.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "乌鲁木齐海关".encode() in raw
    df = pd.read_csv(tmp_path / "facts.csv", encoding="utf-8-sig")
    assert df.columns[0] == "id" and df["metric"].tolist()[-1] == "进出口总额"
    docs = pd.read_csv(tmp_path / "documents.csv", encoding="utf-8-sig")
    assert docs["text"].tolist()[0] == hand_records()["documents"][0]["text"]  # newlines quoted, kept


def test_xlsx_sheets_and_dates(tmp_path):
    path = tmp_path / "x.xlsx"
    tables.export(hand_outdir(), "xlsx", path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(tables.TABLES)
    ws = wb["dates"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("value_start") + 1)
    assert cell.value.date() == dt.date(2023, 1, 1) and cell.is_date
    assert ws.max_row == 1 + len(hand_records()["dates"])


def test_xlsx_cell_limits():
    assert len(tables._xlsx_cell("字" * 40000)) == tables.XLSX_MAX_CELL
    assert tables._xlsx_cell("a\x01b") == "a\ufffdb"


def test_load_rejects_other_paths(tmp_path):
    with pytest.raises(FileNotFoundError):
        tables.load(tmp_path)
    with pytest.raises(ValueError):
        tables.export(hand_outdir(), "json")


def test_cli_export(tmp_path):
    db = tmp_path / "o.sqlite"
    r = CliRunner().invoke(app, ["export", str(hand_outdir()), "--format", "sqlite", "--to", str(db)])
    assert r.exit_code == 0, r.output
    assert tables.to_records(tables.load(tmp_path / "o.sqlite")) == tables.read_records(hand_outdir())
    r = CliRunner().invoke(app, ["export", str(tmp_path), "--format", "csv"])
    assert r.exit_code == 1 and "not a zh-extract output folder" in r.output
    r = CliRunner().invoke(app, ["export", str(hand_outdir()), "--format", "json"])
    assert r.exit_code == 2


def test_cli_export_default_target():
    r = run_cli("export", str(hand_outdir()), "--format", "parquet")
    assert r.returncode == 0, r.stderr.decode()
    assert (hand_outdir() / "parquet" / "facts.parquet").is_file() and b"parquet: 6 file(s)" in r.stderr


def test_api_load(sample_out):
    t = extract.load(sample_out)
    assert set(t) == set(tables.TABLES)
    assert all(isinstance(df, pd.DataFrame) for df in t.values())
    assert len(t["documents"]) == 5
    assert len(t["fact_mentions"]) == sum(t["facts"]["mention_count"].tolist())


def test_api_extract_text():
    r = extract.extract_text("2023年，新疆口岸进出口货运量达8700.6万吨，同比增长22.5%。", ref_date="2024-03-01")
    assert set(r) == set(tables.KINDS) and len(r["documents"]) == 1
    text = r["documents"][0]["text"]
    for kind in ("quantities", "dates", "entities"):
        for rec in r[kind]:
            assert text[rec["start"]:rec["end"]] == rec["text"]
    assert any(d["value_start"] == "2023-01-01" and d["value_end"] == "2023-12-31" for d in r["dates"])
    assert any(q["value"] == 87006000 and q["unit"] == "t" for q in r["quantities"])
    t = extract.extract_text("2023年，新疆口岸進出口貨運量達8700.6萬噸。", as_tables=True)
    doc = t["documents"].iloc[0]
    assert doc["script"] == "traditional" and "进出口货运量" in doc["text"]


def test_api_extract_text_published_sets_ref_date():
    r = extract.extract_text("今年一季度，口岸货运量增长。", published="2024-05-02 08:00")
    assert r["documents"][0]["ref_date"] == "2024-05-02"
    with pytest.raises(ValueError):
        extract.extract_text("  ")
    with pytest.raises(ValueError):
        extract.extract_text("今年", published="May 2")


def test_import_extract_is_cheap():
    code = "import sys, extract; print(any(m in sys.modules for m in ('pandas', 'jieba', 'spacy')))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.stdout.strip() == "False", r.stderr
