"""Rule corpora: whole-answer examples of every rule, run through the real pipeline stages.

Each dimension folder under ``rules/`` (``numbers``, ``dates``, ``entities``, ``facts``, ``clean``,
``segment`` ...) holds its lexicon files and one or more ``corpus*.toml`` files, as Duckling keeps
``Rules.hs`` and ``Corpus.hs`` side by side.  A corpus file says which pipeline stage it tests and
which fields it compares, then lists cases::

    stage = "numbers"                     # the stage whose output is compared
    fields = ["text", "start", "end", "value", "value_max", "unit", "approx", "rule"]
    ref_date = "2024-03-01"               # default reference date (a case may set its own)

    [[case]]
    text = "近40分钟"
    rule = "qualifier.about"              # optional: the rule the case was written for
    expect = [{text = "近40分钟", start = 0, end = 4, value = 40, unit = "min", approx = "about", rule = "..."}]

    [[case]]
    text = "推进一带一路建设"
    expect = []                           # a negative: nothing may be found

A case may also give the metadata an input gives with its text: ``published`` and ``title``.

``expect`` is the **whole** answer: every record the stage produces, in order, with every listed
field (a field left out of an expected record means null).  Anything missing or extra fails
(Duckling's negative corpus, Recognizers-Text's ``len(results) == len(expected)``).

A case runs every stage of :data:`extract.pipeline.STAGES` up to and including ``stage`` on a
document made of ``text``, so the corpus tests exactly what a user gets.  Record stages (dates,
numbers, entities, facts; a fact's ``mentions`` as ``[start, end]`` pairs) are compared record by
record; the other stages give one record of
document fields (``text``, ``title``, ``published``, ``site``, ``outlet``, ``authors``, ``photographers``,
``editors``, ``ref_date``, ``ref_date_source``, ``script``,
``flags``, and the derived ``words``, ``sentences``, ``captions`` and ``corrupt`` as texts, ``removed``
as ``[kind, text, rule]``: the rule left out when the entry has none).

``python tools/corpus.py`` prints or fills in the answer of a new case, for the writer to check.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from extract import pipeline
from extract.model import Doc, content_id
from extract.rules import rules_dir

RECORD_STAGES = {"dates": "dates", "numbers": "quantities", "entities": "entities", "facts": "facts"}


@dataclass(frozen=True)
class Case:
    """One corpus case: where it is, its input and its whole expected answer."""

    file: Path
    index: int
    text: str
    expect: list[dict[str, Any]] | None
    ref_date: str | None
    rule: str | None
    published: str | None = None
    title: str | None = None  # a title given with the input (as a JSONL record or a page gives one)

    @property
    def name(self) -> str:
        return f"{self.file.parent.name}/{self.file.name}#{self.index}:{self.text[:30]}"


@dataclass(frozen=True)
class Corpus:
    """A corpus file: the stage it tests, the fields it compares and its cases."""

    path: Path
    stage: str
    fields: tuple[str, ...]
    cases: tuple[Case, ...]


def corpus_files(root: Path | None = None) -> list[Path]:
    """Every ``corpus*.toml`` under the rules folder, in a stable order."""
    return sorted((root or rules_dir()).glob("*/corpus*.toml"))


def load(path: Path) -> Corpus:
    """Parse a corpus file (see the module docstring); raises ValueError naming the file on a bad one."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    stage = data.get("stage")
    if stage not in pipeline.NAMES:
        raise ValueError(f"{path}: stage {stage!r} is not a pipeline stage ({', '.join(pipeline.NAMES)})")
    fields = tuple(data.get("fields", ()))
    if not fields:
        raise ValueError(f"{path}: no fields to compare")
    default_ref = data.get("ref_date")
    cases = []
    for i, c in enumerate(data.get("case", [])):
        if "text" not in c:
            raise ValueError(f"{path}: case {i} has no text")
        cases.append(Case(path, i, c["text"], c.get("expect"), c.get("ref_date", default_ref), c.get("rule"),
                          c.get("published"), c.get("title")))
    return Corpus(path, stage, fields, tuple(cases))


def run_case(corpus: Corpus, case: Case) -> list[dict[str, Any]]:
    """The stage's answer for a case, projected onto the corpus fields (None fields left out)."""
    doc = Doc(source=case.name, raw=case.text, published=case.published, title=case.title)
    doc.doc_id = content_id(case.text)
    pipeline.run(doc, pipeline.Options(ref_date=case.ref_date), pipeline.stages(stop=corpus.stage))
    return [project(r, corpus.fields) for r in stage_records(doc, corpus.stage)]


def stage_records(doc: Doc, stage: str) -> list[dict[str, Any]]:
    """The records a stage produced (record stages), or the document's fields as one record."""
    if stage == "facts":  # mentions without the doc_id a case's text gives them
        return [{**f.to_json(), "mentions": [[m.start, m.end] for m in f.mentions]} for f in doc.facts]
    if stage in RECORD_STAGES:
        return [r.to_json() for r in getattr(doc, RECORD_STAGES[stage])]
    text = doc.text
    return [{"text": text, "title": doc.title, "published": doc.published, "site": doc.site, "outlet": doc.outlet,
             "authors": doc.authors, "photographers": doc.photographers, "editors": doc.editors,
             "ref_date": doc.ref_date, "ref_date_source": doc.ref_date_source, "script": doc.script,
             "words": [text[s:e] for s, e in doc.tokens], "sentences": [text[s:e] for s, e in doc.sentences],
             "removed": [[r.kind, r.text, r.rule] if r.rule else [r.kind, r.text] for r in doc.removed],
             "captions": [text[s:e] for s, e in doc.captions], "flags": doc.flags,
             "corrupt": [text[s:e] for s, e in doc.corrupt]}]


def project(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The compared fields of a record, null ones left out (as an expected record leaves them out)."""
    return {f: record[f] for f in fields if record.get(f) is not None}


def same(expected: list[dict[str, Any]], actual: list[dict[str, Any]], fields: tuple[str, ...]) -> bool:
    """Whether the whole answer matches: as many records, each with equal fields (numbers compared exactly)."""
    return len(expected) == len(actual) and all(
        _equal(e.get(f), a.get(f)) for e, a in zip(expected, actual, strict=True) for f in fields)


def _equal(x: Any, y: Any) -> bool:
    """Equality with numbers compared as exact decimals (TOML floats, quoted decimals, ints and JSON floats)."""
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(_equal(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(_equal(a, b) for a, b in zip(x, y, strict=True))
    if _is_number(x) or _is_number(y):
        dx, dy = _decimal(x), _decimal(y)
        return dx is not None and dx == dy
    return x == y


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def _decimal(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return Decimal(str(v))
    except InvalidOperation:
        return None


def rule_names(folder: Path) -> set[str]:
    """Every ``name`` a lexicon file of a dimension folder gives a rule (tables with a ``name`` key)."""
    names: set[str] = set()
    for path in sorted(folder.glob("*.toml")):
        if not path.name.startswith("corpus"):
            with path.open("rb") as f:
                _collect_names(tomllib.load(f), names)
    return names


def _collect_names(node: Any, names: set[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("name"), str):
            names.add(node["name"])
        for v in node.values():
            _collect_names(v, names)
    elif isinstance(node, list):
        for v in node:
            _collect_names(v, names)


def covered_rules(corpus: Corpus) -> set[str]:
    """The rule names a corpus exercises: cases' ``rule`` and the expected records' ``rule``."""
    out = {c.rule for c in corpus.cases if c.rule}
    for c in corpus.cases:
        out.update(r["rule"] for r in c.expect or [] if isinstance(r.get("rule"), str))
    return out


def toml_value(v: Any) -> str:
    """A value as TOML (for :func:`answer_line`): decimals stay exact (quoted where a float would round)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (float, Decimal)):
        d = Decimal(str(v))
        if d == d.to_integral_value() and abs(d) < 10**18:
            return str(int(d))
        return str(float(d)) if Decimal(str(float(d))) == d else f'"{d}"'
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items() if x is not None) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def answer_line(records: list[dict[str, Any]]) -> str:
    """``expect = [...]`` for a corpus file, one record a line when there are several."""
    if len(records) <= 1:
        return f"expect = {toml_value(records)}"
    return "expect = [\n" + "".join(f"  {toml_value(r)},\n" for r in records) + "]"
