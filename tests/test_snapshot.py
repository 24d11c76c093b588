"""outputs/sample/ is the committed output of the sample corpus: it must not be stale.

Refresh it after a rule change with:  python -m extract run corpus/ --ref-date 2024-03-01 --out outputs/sample
(the same command as SAMPLE_ARGS), then read its diff: that is the effect of the change on real articles.
"""

from __future__ import annotations

from conftest import ROOT

SNAPSHOT = ROOT / "outputs" / "sample"
REFRESH = "python -m extract run corpus/ --ref-date 2024-03-01 --out outputs/sample"


def test_snapshot_is_fresh(sample_out):
    for kind in ("documents", "quantities", "dates", "entities", "facts"):
        committed = SNAPSHOT / f"{kind}.jsonl"
        assert committed.is_file(), f"outputs/sample/{kind}.jsonl missing; run: {REFRESH}"
        fresh = (sample_out / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines()
        old = committed.read_text(encoding="utf-8").splitlines()
        if fresh != old:
            changed = next(i for i in range(max(len(old), len(fresh)))
                           if i >= len(old) or i >= len(fresh) or old[i] != fresh[i])
            raise AssertionError(f"outputs/sample/{kind}.jsonl is stale (first difference at line {changed + 1}); "
                                 f"refresh with: {REFRESH}")
