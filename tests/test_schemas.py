"""JSON Schemas of the output records (schemas/, generated from extract/model.py by tools/gen_schemas.py)."""

from __future__ import annotations

import importlib.util
import json

import jsonschema
import pytest
from _sample import hand_outdir
from conftest import ROOT, read_jsonl

KINDS = ("documents", "quantities", "dates", "entities", "facts")
SCHEMAS = ROOT / "schemas"


def _gen():
    spec = importlib.util.spec_from_file_location("gen_schemas", ROOT / "tools" / "gen_schemas.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(kind: str, records: list[dict]) -> list[str]:
    v = validator(kind)
    return [f"{kind}[{i}] {e.json_path}: {e.message[:200]}" for i, r in enumerate(records) for e in v.iter_errors(r)]


def test_schemas_are_up_to_date_with_the_model():
    gen = _gen()
    for kind in KINDS:
        on_disk = (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert on_disk == gen.render(kind), f"schemas/{kind}.schema.json is stale: run python tools/gen_schemas.py"


def test_required_fields_are_the_contract_fields():
    gen = _gen()
    for kind in KINDS:
        schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert schema["required"] == gen.CONTRACT[kind]
        assert set(schema["required"]) <= set(schema["properties"])
        assert schema["additionalProperties"] is True  # adding fields is allowed by the contract


@pytest.mark.parametrize("kind", KINDS)
def test_sample_outputs_validate(kind, sample_out):
    records = read_jsonl(sample_out / f"{kind}.jsonl")
    assert problems(kind, records) == []
    if kind == "documents":
        assert len(records) == 5


@pytest.mark.parametrize("kind", KINDS)
def test_hand_outputs_validate(kind):
    records = read_jsonl(hand_outdir() / f"{kind}.jsonl")
    assert records and problems(kind, records) == []


def test_invalid_records_are_rejected():
    q = read_jsonl(hand_outdir() / "quantities.jsonl")[0]
    assert problems("quantities", [q]) == []
    assert problems("quantities", [{k: v for k, v in q.items() if k != "unit"}])  # required field missing
    assert problems("quantities", [{**q, "approx": "roughly"}])  # not in the contract's set
    assert problems("quantities", [{**q, "value": "12"}])  # a number, not a string
    assert problems("quantities", [{**q, "start": -1}])
    d = read_jsonl(hand_outdir() / "dates.jsonl")[0]
    assert problems("dates", [{**d, "value_start": "2024/01/01"}])
    assert problems("dates", [{**d, "granularity": "week"}])
    f = read_jsonl(hand_outdir() / "facts.jsonl")[0]
    assert problems("facts", [{**f, "change": {"kind": "yoy", "value": 1, "unit": "%", "extra": 2}}]) == []
    assert problems("facts", [{**f, "change": {"kind": "boom", "value": 1, "unit": "%"}}])
    assert problems("facts", [{**f, "mentions": [{"doc_id": "x", "start": 0}]}])
    doc = read_jsonl(hand_outdir() / "documents.jsonl")[0]
    assert problems("documents", [{**doc, "script": "latin"}])
    assert problems("documents", [{**doc, "published": "yesterday"}])


def test_check_mode(tmp_path):
    gen = _gen()
    assert gen.main(["--check"]) == 0
    assert gen.main(["--out", str(tmp_path)]) == 0
    (tmp_path / "facts.schema.json").write_text("{}", encoding="utf-8")
    assert gen.main(["--check", "--out", str(tmp_path)]) == 1
