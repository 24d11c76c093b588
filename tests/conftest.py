"""Shared fixtures: one run of the pipeline over the sample corpus per test session; Hypothesis profiles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every clean checkout ("repeatable"), so a suite that passed passes again
# and CI cannot fail on a new random draw; HYPOTHESIS_PROFILE=explore draws fresh, more examples to look for cases
# (a case found that way goes into the test as an @example).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"
SAMPLE_ARGS = ["run", "corpus/", "--ref-date", "2024-03-01", "--quiet"]


@pytest.fixture(scope="session", autouse=True)
def table_cache(tmp_path_factory) -> Iterator[Path]:
    """Start-up tables (extract.tablecache) go to a folder of this session, not the user's cache; the CLI runs of
    the tests inherit it, so only the first process of the session builds them."""
    folder = tmp_path_factory.mktemp("table-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZH_EXTRACT_CACHE", str(folder))
        yield folder


def run_cli(*args: str, cwd: Path = ROOT, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *args], cwd=cwd, input=stdin, capture_output=True)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory) -> Path:
    """The sample corpus run exactly as outputs/sample/ is made (see README)."""
    out = tmp_path_factory.mktemp("sample")
    r = run_cli(*SAMPLE_ARGS, "--out", str(out))
    assert r.returncode == 0, r.stderr.decode()
    return out


@pytest.fixture(scope="session")
def sample_docs(sample_out) -> dict[str, dict]:
    """documents.jsonl of the sample run, by seed number (000 ... 004)."""
    return {Path(d["source"]).name[:3]: d for d in read_jsonl(sample_out / "documents.jsonl")}
