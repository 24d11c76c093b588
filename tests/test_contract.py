"""The outputs meet ../shared/contract.md, checked by the shared checker, and are deterministic."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import CORPUS, SAMPLE_ARGS, SHARED, read_jsonl, run_cli

CHECKER = SHARED / "tools" / "check_contract.py"
pytestmark = pytest.mark.skipif(not CHECKER.is_file(), reason="../shared/tools/check_contract.py not beside the repo")


def test_check_contract_on_sample_outputs(sample_out):
    r = subprocess.run([sys.executable, str(CHECKER), str(sample_out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]


def test_check_contract_with_raw_offsets_from_jsonl(tmp_path):
    batch = tmp_path / "batch.jsonl"
    with batch.open("w", encoding="utf-8") as f:
        for p in sorted(CORPUS.glob("*.txt")):
            f.write(json.dumps({"id": p.name, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
    out = tmp_path / "out"
    r = run_cli("run", str(batch), "--out", str(out), "--ref-date", "2024-03-01", "--quiet")
    assert r.returncode == 0, r.stderr.decode()
    r = subprocess.run([sys.executable, str(CHECKER), str(out), "--inputs", str(batch)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]
    assert len(read_jsonl(out / "documents.jsonl")) == 5


def test_same_inputs_byte_identical_outputs(sample_out, tmp_path):
    r = run_cli(*SAMPLE_ARGS, "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr.decode()
    for kind in ("documents", "quantities", "dates", "entities", "facts"):
        assert (tmp_path / f"{kind}.jsonl").read_bytes() == (sample_out / f"{kind}.jsonl").read_bytes(), kind
    a = json.loads((tmp_path / "manifest.json").read_text())
    b = json.loads((sample_out / "manifest.json").read_text())
    for m in (a, b):  # the only parts that describe the run rather than the inputs
        m.pop("timings"), m.pop("run", None)
    assert a == b
