"""Incremental runs (extract/batch.py + extract/store.py): unchanged documents are never processed again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from batchutil import copy_seeds, jsonl, make_corpus, on_processing, outputs, pin_version

from extract import batch, pipeline


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):
    pin_version(monkeypatch)


def run(paths, out, force=False, workers=1, **kw):
    msgs: list[str] = []
    rep = batch.run([str(p) for p in paths], out, pipeline.Options(**kw),
                    batch.RunConfig(workers=workers, force=force, quiet=True), report=msgs.append)
    return rep


@pytest.fixture()
def corpus(tmp_path) -> Path:
    return make_corpus(tmp_path / "in", copies=1, cut=2500)


def test_second_run_processes_nothing_and_writes_the_same(corpus, tmp_path):
    out = tmp_path / "o"
    first = run([corpus], out)
    before = outputs(out)
    second = run([corpus], out)
    assert (first.processed, first.cached) == (5, 0)
    assert (second.processed, second.cached) == (0, 5)
    assert outputs(out) == before


def test_only_the_new_file_is_processed(corpus, tmp_path, monkeypatch):
    out = tmp_path / "o"
    run([corpus], out)
    (corpus / "new.txt").write_text("新华社乌鲁木齐3月1日电  今年前两个月，阿拉山口口岸进出境中欧班列1200列。",
                                    encoding="utf-8")
    seen: list[str] = []

    def spy(doc):
        if doc.source != "warm-up":  # the engine warms jieba and the rules on a sentence of its own
            seen.append(doc.source)

    on_processing(monkeypatch, spy)
    rep = run([corpus], out)
    assert seen == [str(corpus / "new.txt")]
    assert (rep.processed, rep.cached, rep.counts["documents"]) == (1, 5, 6)
    clean = tmp_path / "clean"
    run([corpus], clean)
    assert outputs(out) == outputs(clean)


def test_changed_file_is_reprocessed(corpus, tmp_path):
    out = tmp_path / "o"
    run([corpus], out)
    f = sorted(corpus.glob("*.txt"))[1]
    f.write_text(f.read_text(encoding="utf-8") + "\n补充：全年货运量增长8%。\n", encoding="utf-8")
    rep = run([corpus], out)
    assert (rep.processed, rep.cached) == (1, 4)


def test_force_redoes_all(corpus, tmp_path):
    out = tmp_path / "o"
    run([corpus], out)
    before = outputs(out)
    rep = run([corpus], out, force=True)
    assert (rep.processed, rep.cached) == (5, 0)
    assert outputs(out) == before


def test_options_and_versions_that_change_results_invalidate(corpus, tmp_path, monkeypatch):
    out = tmp_path / "o"
    run([corpus], out)
    assert run([corpus], out, ref_date="2024-03-01").processed == 5  # relative dates resolve differently
    assert run([corpus], out, ref_date="2024-03-01").processed == 0
    assert run([corpus], out, threshold=0.9).processed == 0  # clustering is a batch stage: no reprocessing
    monkeypatch.setenv("ZH_EXTRACT_PIPELINE_VERSION", "rules-changed")
    assert run([corpus], out, ref_date="2024-03-01").processed == 5


def test_version_key_follows_rules(tmp_path, monkeypatch):
    from extract import store

    monkeypatch.delenv("ZH_EXTRACT_PIPELINE_VERSION")
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules", rules)
    monkeypatch.setenv("ZH_EXTRACT_RULES", str(rules))
    store.code_version.cache_clear()
    a = store.version_key()
    with (rules / "userdict.txt").open("a", encoding="utf-8") as f:
        f.write("\n新词测试 100 n\n")
    store.code_version.cache_clear()
    b = store.version_key()
    store.code_version.cache_clear()
    assert a != b


def test_outputs_cover_this_runs_inputs_and_clustering_remembers_earlier_ones(tmp_path):
    """Seeds 000 and 002 are two versions of one article; they arrive on different days."""
    day1 = copy_seeds(tmp_path / "day1", ["002"])
    day2 = copy_seeds(tmp_path / "day2", ["000"])
    together = copy_seeds(tmp_path / "both", ["000", "002"])
    out = tmp_path / "o"
    run([day1], out)
    rep = run([day2], out)
    assert (rep.processed, rep.counts["documents"]) == (1, 1)
    (doc,) = jsonl(out / "documents.jsonl")
    assert doc["source"] == str(day2 / "000_32f9cff86a5168d2.txt")  # only this run's inputs are written
    run([together], tmp_path / "both_out")
    ref = {d["doc_id"]: d for d in jsonl(tmp_path / "both_out" / "documents.jsonl")}
    assert ref[doc["doc_id"]]["duplicate_of"] is not None
    assert (doc["cluster_id"], doc["duplicate_of"]) == (ref[doc["doc_id"]]["cluster_id"],
                                                       ref[doc["doc_id"]]["duplicate_of"])
    # and day 1's document is still served from the store, without processing
    rep = run([day1, day2], out)
    assert (rep.processed, rep.cached) == (0, 2)


def test_identical_copies_get_numbered_ids_and_are_cached(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text("今年一季度，霍尔果斯口岸进出口货运量同比增长15%。", encoding="utf-8")
    out = tmp_path / "o"
    run([src], out)
    ids = [d["doc_id"] for d in jsonl(out / "documents.jsonl")]
    assert ids[1] == ids[0] + "-2"
    assert run([src], out).processed == 0


def test_repair_from_versions_matches_in_memory_batch(tmp_path):
    """--repair-from-versions in the streaming engine gives what the in-memory batch gives."""
    from batchutil import OUTPUTS, memory_outputs

    src = copy_seeds(tmp_path / "in", ["000", "002", "003"])
    opts = pipeline.Options(repair_from_versions=True)
    rep = batch.run([str(src)], tmp_path / "o", opts, batch.RunConfig(workers=1, quiet=True), report=lambda m: None)
    assert rep.processed == 3
    mem = memory_outputs([src], repair_from_versions=True)
    for name in OUTPUTS:
        assert (tmp_path / "o" / name).read_bytes() == mem[name], name
    flags = [d["flags"] for d in jsonl(tmp_path / "o" / "documents.jsonl")]
    # a second run repairs again from the store's unrepaired results: same outputs, nothing reprocessed
    before = outputs(tmp_path / "o")
    again = batch.run([str(src)], tmp_path / "o", opts, batch.RunConfig(workers=1, quiet=True))
    assert again.processed == 0 and outputs(tmp_path / "o") == before
    assert any("repaired_from_versions" in f for f in flags) or not any("mojibake" in f for f in flags)
