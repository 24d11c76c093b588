"""Every stage costs about four times as much for four times the input (issue 18: no hang on long or hostile
text).

The measuring is benchmarks/scaling.py's (CPU time of this process, best of several runs, never wall
time); the bounds there are generous (10 for 4x the input, quadratic growth would be 16), and a case above its
bound is measured once more before it fails, so a loaded machine does not fail the suite.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_path = Path(__file__).resolve().parents[1] / "benchmarks" / "scaling.py"
_spec = importlib.util.spec_from_file_location("scaling", _path)
scaling = sys.modules["scaling"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scaling)

CASES = scaling.cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cost_grows_linearly(case):
    row = scaling.measure(case)
    if row[4] > row[5]:
        row = scaling.measure(case)
    assert row[4] <= row[5], row


def test_every_stage_grows_linearly_with_the_paragraphs():
    slow = [r for r in scaling.stage_rows() if r[4] > r[5]]
    if slow:
        again = {r[0]: r for r in scaling.stage_rows()}
        slow = [again[r[0]] for r in slow if again[r[0]][4] > again[r[0]][5]]
    assert not slow, slow
