#!/usr/bin/env python3
"""Generate ``schemas/<kind>.schema.json`` (JSON Schema 2020-12) from the record model.

Every output record kind gets a schema whose properties come from the dataclasses in
``extract/model.py`` (their type hints), whose ``required`` list is the contract's fields
(``../shared/contract.md``), and whose enums are the contract's closed value sets.  Extra fields
are allowed (the contract says adding fields is fine), so ``additionalProperties`` stays open.

    python tools/gen_schemas.py          # (re)write schemas/
    python tools/gen_schemas.py --check  # exit 1 when schemas/ is out of date with the model
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract import model  # noqa: E402

SCHEMA_DIR = ROOT / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_OR_DATETIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
SPAN = ["doc_id", "id", "text", "start", "end", "raw_start", "raw_end"]

# The contract's fields per kind: these are required, everything else the model has is optional.
CONTRACT = {
    "documents": ["doc_id", "source", "title", "published", "ref_date", "script", "text", "cluster_id",
                  "duplicate_of", "removed"],
    "quantities": [*SPAN, "value", "value_max", "unit", "approx"],
    "dates": [*SPAN, "value_start", "value_end", "granularity", "relative"],
    "entities": [*SPAN, "label"],
    "facts": ["id", "subject", "metric", "value", "value_max", "unit", "approx", "period_start", "period_end",
              "change", "sentence", "mentions"],
}
APPROX = [None, "about", "over", "under", "at_least", "at_most"]
# Closed value sets and formats of the contract, per kind and field (merged into the generated type).
CONSTRAINTS: dict[str, dict[str, dict[str, Any]]] = {
    "documents": {"script": {"enum": ["simplified", "traditional", "mixed"]},
                  "published": {"pattern": DATE_OR_DATETIME}, "ref_date": {"pattern": DATE}},
    "quantities": {"approx": {"enum": APPROX}},
    "dates": {"granularity": {"enum": ["year", "quarter", "month", "xun", "day", "range", "datetime"]},
              "value_start": {"pattern": DATE}, "value_end": {"pattern": DATE}},
    "facts": {"approx": {"enum": APPROX}, "period_start": {"pattern": DATE}, "period_end": {"pattern": DATE},
              "subject_source": {"enum": [None, "clause", "sentence", "anaphor", "topic"]}},
}
SPAN_BOUNDS = {"start": {"minimum": 0}, "end": {"minimum": 0}, "raw_start": {"minimum": 0}, "raw_end": {"minimum": 0}}
CHANGE = {
    "type": ["object", "null"],
    "description": "how the value changed: kind, value and unit of the change (extra keys allowed)",
    "required": ["kind", "value", "unit"],
    "properties": {"kind": {"enum": ["yoy", "mom", "increase", "decrease", "share"]},
                   "value": {"type": "number"}, "unit": {"type": ["string", "null"]}},
}
# documents.jsonl is built by Doc.to_json, not a dataclass mirror: the computed fields are typed here.
DOC_COMPUTED = {
    "text": {"type": "string"},
    "cluster_id": {"type": ["string", "integer"]},
    "removed": {"type": "object", "required": ["counts", "items"],
                "properties": {"counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                               "items": {"type": "array", "items": {"$ref": "#/$defs/Removed"}}}},
    "corrupt": {"type": "array", "items": {"$ref": "#/$defs/Span"}},
    "captions": {"type": "array", "items": {"$ref": "#/$defs/Span"}},
    "chars": {"type": "integer", "minimum": 0},
}
SPAN_DEF = {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}
KIND_CLASS = {"quantities": model.Quantity, "dates": model.DateRec, "entities": model.Entity, "facts": model.Fact}


def type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema of a Python type hint (unions, lists, dicts, dataclasses, Decimal as number)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        parts = [type_schema(a, defs) for a in typing.get_args(tp)]
        if all(set(p) == {"type"} for p in parts):
            names: list[str] = []
            for p in parts:
                for t in p["type"] if isinstance(p["type"], list) else [p["type"]]:
                    if t not in names:
                        names.append(t)
            if "number" in names and "integer" in names:
                names.remove("integer")
            return {"type": names[0] if len(names) == 1 else names}
        return {"anyOf": parts}
    if tp is type(None):
        return {"type": "null"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp in (float, Decimal):
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if origin in (list, tuple):
        args = typing.get_args(tp)
        return {"type": "array", **({"items": type_schema(args[0], defs)} if args else {})}
    if origin is dict or tp is dict:
        return {"type": "object"}
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}
            defs[name] = dataclass_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    return {}


def dataclass_schema(cls: type, defs: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """An object schema with a property per dataclass field; required are the fields without default."""
    hints = typing.get_type_hints(cls)
    props = {f.name: type_schema(hints[f.name], defs) for f in dataclasses.fields(cls)}
    if required is None:
        required = [f.name for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    return {"type": "object", "required": required, "properties": props}


def _merge(prop: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = {**prop, **extra}
    if "enum" in extra:
        out.pop("type", None)
    return out


def kind_schema(kind: str) -> dict[str, Any]:
    """The schema of one output record kind."""
    defs: dict[str, Any] = {}
    if kind == "documents":
        hints = typing.get_type_hints(model.Doc)
        keys = list(model.Doc(source="", raw="").to_json())
        props = {}
        for k in keys:
            if k in DOC_COMPUTED:
                props[k] = DOC_COMPUTED[k]
            else:
                props[k] = type_schema(hints[k], defs)
        type_schema(model.Removed, defs)
        defs["Span"] = SPAN_DEF
        body = {"type": "object", "required": CONTRACT[kind], "properties": props}
        desc = "One line of documents.jsonl: an article's metadata and its cleaned, normalised text."
    else:
        body = dataclass_schema(KIND_CLASS[kind], defs, CONTRACT[kind])
        desc = {"quantities": "One line of quantities.jsonl: a number with its unit, as found in a document.",
                "dates": "One line of dates.jsonl: a date expression and the inclusive interval it denotes.",
                "entities": "One line of entities.jsonl: a named entity (person, organisation, place ...).",
                "facts": "One line of facts.jsonl: a value of a metric of a subject, with every place it is "
                         "stated."}[kind]
        if kind != "facts":
            body["properties"] = {k: _merge(v, SPAN_BOUNDS.get(k, {})) for k, v in body["properties"].items()}
    props = body["properties"]
    for field, extra in CONSTRAINTS.get(kind, {}).items():
        props[field] = _merge(props[field], extra)
    if kind == "facts":
        props["change"] = CHANGE
        props["mentions"] = {**props["mentions"], "minItems": 1}
        defs["Mention"]["properties"] = {k: _merge(v, SPAN_BOUNDS.get(k, {}))
                                         for k, v in defs["Mention"]["properties"].items()}
    missing = [f for f in CONTRACT[kind] if f not in props]
    if missing:
        raise SystemExit(f"{kind}: the record model lacks contract fields {missing}")
    schema = {"$schema": DRAFT, "$id": f"https://zh-extract.local/schemas/{kind}.schema.json",
              "title": f"zh-extract {kind} record", "description": desc, **body, "additionalProperties": True}
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def render(kind: str) -> str:
    return json.dumps(kind_schema(kind), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that schemas/ is up to date")
    ap.add_argument("--out", type=Path, default=SCHEMA_DIR)
    args = ap.parse_args(argv)
    stale = []
    for kind in CONTRACT:
        path = args.out / f"{kind}.schema.json"
        text = render(kind)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date with extract/model.py (run python tools/gen_schemas.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
