"""Helpers shared by the batch-engine tests: small corpora and comparison of output folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
OUTPUTS = ("documents.jsonl", "quantities.jsonl", "dates.jsonl", "entities.jsonl", "facts.jsonl")


def seeds() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def make_corpus(folder: Path, copies: int = 1, cut: int | None = None) -> Path:
    """``copies`` of each seed article, each made unique by a numbered line (and cut to ``cut`` chars)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for p in seeds():
            text = p.read_text(encoding="utf-8")
            if cut:
                text = text[:cut]
            (folder / f"{p.stem}_{i:03d}.txt").write_text(f"{text}\n本文编号{i}号。\n", encoding="utf-8")
    return folder


def copy_seeds(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for p in seeds():
        if any(p.name.startswith(n) for n in names):
            shutil.copy(p, folder / p.name)
    return folder


def outputs(folder: Path) -> dict[str, bytes]:
    """The output files' bytes, and the manifest without what may differ between equivalent runs."""
    out = {name: (folder / name).read_bytes() for name in OUTPUTS}
    m = orjson.loads((folder / "manifest.json").read_bytes())
    m.pop("timings", None)
    m.pop("run", None)
    out["manifest.json"] = orjson.dumps(m, option=orjson.OPT_SORT_KEYS)
    return out


def memory_outputs(paths: list[Path], **options) -> dict[str, bytes]:
    """The JSONL bytes of the in-memory batch (:func:`extract.batch.documents`, facts merged): what the
    file runner must write for the same inputs."""
    from extract import batch, facts, pipeline
    from extract.export import records

    docs = batch.documents([str(p) for p in paths], pipeline.Options(**options), lambda m: None)
    recs = records(docs, facts.merge(docs))
    return {f"{kind}.jsonl": b"".join(orjson.dumps(r) + b"\n" for r in rs) for kind, rs in recs.items()}


def write_records(folder: Path, recs: dict[str, list[dict]]) -> Path:
    """Records as an output folder's JSONL files (and an empty manifest), for the export and view tests."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rs in recs.items():
        (folder / f"{kind}.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rs))
    (folder / "manifest.json").write_bytes(b"{}\n")
    return folder


def jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def pin_version(monkeypatch) -> None:
    """Other work edits extract/*.py while tests run: pin the store's version key for this test."""
    monkeypatch.setenv("ZH_EXTRACT_PIPELINE_VERSION", "test-pinned")


def snapshot(folder: Path) -> Path:
    """A frozen copy of the package and its rules: runs in several processes see the same code.

    (Sources are edited while the suite runs; a killed run and its re-run must not straddle an edit.)
    """
    shutil.copytree(ROOT / "extract", folder / "extract", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "rules", folder / "rules")
    return folder


def cli_args(snap: Path, *args: str) -> list[str]:
    import sys

    return [sys.executable, "-m", "extract", *args]


def cli_env(snap: Path) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(snap)
    env.pop("ZH_EXTRACT_PIPELINE_VERSION", None)
    return env


def on_processing(monkeypatch, hook):
    """Call ``hook(doc)`` as each document's processing starts (the engines run the stages a chunk at a time, so
    the hook wraps the first stage); returns the real stage list, to put back."""
    import dataclasses

    from extract import pipeline

    real = pipeline.STAGES
    first = real[0]

    def hooked(doc, opts):
        hook(doc)
        return first.run(doc, opts)

    monkeypatch.setattr(pipeline, "STAGES", (dataclasses.replace(first, run=hooked), *real[1:]))
    return real


def fail_on_boom(monkeypatch):
    """Make processing raise for every document whose text contains BOOM; returns the real stage list."""

    def flaky(doc):
        if "BOOM" in doc.raw:
            raise ValueError("extractor failed")

    return on_processing(monkeypatch, flaky)
