"""benchmarks/compare_revisions.py: the child measures this checkout's stages; the report reads both revisions'
rounds (the subprocess and worktree plumbing is exercised by running the script, not here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
_spec = importlib.util.spec_from_file_location("compare_revisions", ROOT / "benchmarks" / "compare_revisions.py")
cr = sys.modules["compare_revisions"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cr)


def test_child_times_every_stage_of_this_checkout(tmp_path):
    corpus = tmp_path / "c.jsonl"
    cr.build(corpus, 0.01)
    spent = cr.measure(ROOT, corpus, 2)
    from extract import pipeline
    assert set(spent) == {s.name for s in pipeline.STAGES} | {"store entry"}
    assert all(v >= 0 for v in spent.values()) and sum(spent.values()) > 0


def test_report_gives_medians_and_the_ratio_per_round(capsys):
    runs = {"old": [{"a": 1.0, "b": 1.0}, {"a": 2.0, "b": 2.0}], "new": [{"a": 1.1, "b": 1.1}, {"a": 2.0, "b": 3.0}]}
    cr.report(("old", "new"), runs)
    out = capsys.readouterr().out
    assert "a                     1.500        1.550     +3.3%" in out
    assert "total                 3.000        3.600    +20.0%" in out
    assert "totals of new per round: 2.200, 5.000" in out
    assert "ratio of the totals per round: 1.100, 1.250 (median 1.175;" in out
    assert "ratio of the best totals: 1.100" in out  # 2.2 / 2.0: each revision's fastest round


def test_whole_run_reads_the_processing_time_of_this_checkout(tmp_path):
    corpus = tmp_path / "c.jsonl"
    cr.build(corpus, 0.01)
    spent = cr.measure_run(ROOT, corpus)
    assert list(spent) == ["whole run"] and spent["whole run"] > 0
