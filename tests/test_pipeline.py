"""The pipeline's stage list: every stage sets only the fields it declares, and reads what came before."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest
from conftest import CORPUS

from extract import batch, pipeline
from extract.model import Doc

FIELDS = [f.name for f in dataclasses.fields(Doc) if not f.name.startswith("_")]


def _state(doc: Doc) -> dict:
    """Every field's value, copied so that a later change in place is seen."""
    out = {}
    for name in FIELDS:
        v = getattr(doc, name)
        out[name] = v.text if name == "mapped" and v is not None else copy.deepcopy(v)
    return out


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_each_stage_sets_only_what_it_assigns(path) -> None:
    doc = batch.read([str(path)], print)[0]
    opts = pipeline.Options(ref_date="2024-03-01")
    for stage in pipeline.STAGES:
        before = _state(doc)
        stage.run(doc, opts)
        after = _state(doc)
        changed = {k for k in FIELDS if before[k] != after[k]}
        assert changed <= set(stage.assigns), f"{stage.name} also set {sorted(changed - set(stage.assigns))}"


def test_stages_read_only_known_fields_set_earlier() -> None:
    """What a stage requires is a Doc field that the input gives or an earlier stage assigns."""
    given = {"raw", "title", "published", "site", "outlet", "authors", "photographers", "editors", "ref_date_source",
             "url", "line", "source"}
    known = set(given)
    for stage in pipeline.STAGES:
        assert set(stage.requires) <= set(FIELDS) and set(stage.assigns) <= set(FIELDS), stage.name
        missing = sorted(set(stage.requires) - known)
        assert not missing, f"{stage.name} reads {missing} before it is set"
        known |= set(stage.assigns)


def test_stage_ranges() -> None:
    assert [s.name for s in pipeline.stages("date_scan", "dates")] == ["date_scan", "ref_date", "dates"]
    assert pipeline.stages()[-1].name == "facts" and len(pipeline.stages(stop="segment")) == pipeline.NAMES.index(
        "segment") + 1


def test_architecture_doc_shows_the_current_stage_table() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert pipeline.stage_table() in doc, "docs/architecture.md: paste extract.pipeline.stage_table() again"
