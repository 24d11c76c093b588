"""Every rule corpus under rules/, whole answers: one generic test for all dimensions.

A case fails on any record missing, extra or different (see :mod:`extract.corpus`).  Beside the
answers, the layout is checked: every dimension folder has a corpus, and every named rule of its
lexicon files is exercised by at least one case.
"""

from __future__ import annotations

import pytest

from extract import corpus
from extract.rules import rules_dir

FILES = corpus.corpus_files()
CORPORA = [corpus.load(p) for p in FILES]
CASES = [(c, case) for c in CORPORA for case in c.cases]


def test_there_are_corpora() -> None:
    assert CORPORA, "no rules/*/corpus*.toml found"


@pytest.mark.parametrize(("c", "case"), CASES, ids=[case.name for _, case in CASES])
def test_case_whole_answer(c: corpus.Corpus, case: corpus.Case) -> None:
    got = corpus.run_case(c, case)
    assert case.expect is not None, f"{case.name}: no expect; answer now: {corpus.answer_line(got)}"
    assert corpus.same(case.expect, got, c.fields), (
        f"{case.name}\n want: {case.expect}\n got:  {got}\n as TOML: {corpus.answer_line(got)}")


def test_every_dimension_folder_has_a_corpus() -> None:
    folders = sorted(p for p in rules_dir().iterdir() if p.is_dir() and not p.name.startswith("."))
    with_corpus = {p.parent for p in FILES}
    assert [f.name for f in folders if f not in with_corpus] == []


@pytest.mark.parametrize("folder", sorted({p.parent for p in FILES}), ids=lambda p: p.name)
def test_every_named_rule_has_a_case(folder) -> None:
    covered = set().union(*(corpus.covered_rules(c) for c in CORPORA if c.path.parent == folder))
    assert sorted(corpus.rule_names(folder) - covered) == []


def test_whole_answer_comparison_fails_on_missing_extra_and_wrong() -> None:
    fields = ("text", "value", "unit")
    want = [{"text": "3吨", "value": 3, "unit": "t"}]
    assert corpus.same(want, [{"text": "3吨", "value": 3.0, "unit": "t"}], fields)
    assert not corpus.same(want, [], fields)
    assert not corpus.same(want, want + [{"text": "4吨", "value": 4, "unit": "t"}], fields)
    assert not corpus.same(want, [{"text": "3吨", "value": 3, "unit": "kg"}], fields)
    assert corpus.same(want, [{"text": "3吨", "value": 3, "unit": "t"}], (*fields, "approx"))  # null: left out
    assert not corpus.same([{"text": "x", "value": "0.1"}], [{"text": "x", "value": 0.10000001}], ("text", "value"))
