"""The batch engine (extract/batch.py): same bytes with any number of workers, bad input skipped, kill-safe."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from batchutil import (
    OUTPUTS,
    ROOT,
    cli_args,
    cli_env,
    fail_on_boom,
    jsonl,
    make_corpus,
    memory_outputs,
    outputs,
    pin_version,
    snapshot,
)

from extract import batch, engines, pipeline
from extract.atomic import AtomicFiles
from extract.store import Store, StoreBusy


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):
    pin_version(monkeypatch)


def run(paths, out, workers=1, engine="process", force=False, **kw):
    opts = pipeline.Options(**kw)
    msgs: list[str] = []
    rep = batch.run([str(p) for p in paths], out, opts,
                    batch.RunConfig(workers=workers, engine=engine, force=force, quiet=True), report=msgs.append)
    return rep, msgs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = make_corpus(tmp_path_factory.mktemp("corpus"), copies=2, cut=3000)
    lines = [
        orjson.dumps({"id": "a1", "text": "2023年霍尔果斯口岸货运量达4000万吨。", "published": "2024-01-05"}),
        b"{not json",
        orjson.dumps({"id": "a2", "text": ""}),
        orjson.dumps({"id": "a3", "text": "第二条\u2028消息：阿拉山口口岸开行中欧班列6000列。"}),
        b'{"id": "a4", "text": "lone \\ud800 surrogate \xe6\x96\xb0\xe7\x96\x86"}',
        orjson.dumps({"text": "no id"}),
    ]
    (folder / "batch.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    return folder


def test_outputs_do_not_depend_on_workers(corpus, tmp_path):
    a, b = tmp_path / "one", tmp_path / "two"
    rep1, msgs1 = run([corpus], a, workers=1)
    rep2, msgs2 = run([corpus], b, workers=2)
    assert rep1.processed == rep2.processed == rep1.counts["documents"] == 13
    assert outputs(a) == outputs(b)
    assert msgs1 == msgs2


def test_same_bytes_as_in_memory_batch(tmp_path):
    """The streaming engine writes what the in-memory batch (batch.documents, facts merged) gives."""
    corpus = make_corpus(tmp_path / "in", copies=2, cut=3000)
    run([corpus], tmp_path / "stream", workers=2)
    mem = memory_outputs([corpus])
    for name in OUTPUTS:
        assert (tmp_path / "stream" / name).read_bytes() == mem[name], name


def test_bad_inputs_reported_with_place_and_skipped(corpus, tmp_path):
    rep, msgs = run([corpus], tmp_path / "o")
    text = "\n".join(msgs)
    assert f"{corpus / 'batch.jsonl'}:2: invalid JSON" in text
    assert f"{corpus / 'batch.jsonl'}:3: empty text" in text
    assert f"{corpus / 'batch.jsonl'}:6: missing field 'id'" in text
    assert "binary.txt: binary file" in text
    docs = jsonl(tmp_path / "o" / "documents.jsonl")
    by_source = {d["source"]: d for d in docs}
    assert "阿拉山口" in by_source["a3"]["text"]  # U+2028 inside a JSON string is not a line end
    assert "\ufffd" in by_source["a4"]["text"]  # lone surrogate replaced, same length
    assert by_source["a1"]["published"] == "2024-01-05"
    manifest = orjson.loads((tmp_path / "o" / "manifest.json").read_bytes())
    assert manifest["skipped"] == msgs
    assert rep.counts["documents"] == len(docs) == 13


def test_ingest_read_jsonl_keeps_u2028_inside_strings(tmp_path):
    from extract.ingest import read_jsonl

    path = tmp_path / "f.jsonl"
    path.write_bytes(orjson.dumps({"id": "x", "text": "第一段\u2028第二段"}) + b"\n")
    got = [x for x, _ in read_jsonl(path)]
    assert len(got) == 1 and getattr(got[0], "raw", None) == "第一段\u2028第二段"


def test_jsonl_bad_published_reported_and_article_kept(tmp_path):
    """One JSONL reader: a bad ``published`` is reported with path:line and the article still processed."""
    from extract.ingest import InputError, read_jsonl

    path = tmp_path / "f.jsonl"
    path.write_bytes(orjson.dumps({"id": "x", "text": "正文", "published": "昨天"}) + b"\n")
    got = [x for x, _ in read_jsonl(path)]
    assert isinstance(got[0], InputError) and str(got[0]).startswith(f"{path}:1: field 'published'")
    assert got[1].raw == "正文" and got[1].published is None


def test_document_that_raises_is_reported_not_dropped(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("新疆口岸今年进出口货运量增长。", encoding="utf-8")
    (src / "bad.txt").write_text("这篇文章会让流程出错。BOOM", encoding="utf-8")
    real = fail_on_boom(monkeypatch)
    rep, msgs = run([src], tmp_path / "o", engine="inline")
    assert rep.processed == 1 and rep.failed == 1
    assert msgs == [f"{src / 'bad.txt'}: could not be processed (ValueError: extractor failed); skipped"]
    assert [d["source"] for d in jsonl(tmp_path / "o" / "documents.jsonl")] == [str(src / "good.txt")]
    # the failure is not cached: once fixed, the next run processes it
    monkeypatch.setattr(pipeline, "STAGES", real)
    rep, msgs = run([src], tmp_path / "o", engine="inline")
    assert (rep.processed, rep.cached, msgs) == (1, 1, [])


def test_nothing_processable_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "extract", "run", str(tmp_path / "empty.txt"), "--out",
                        str(tmp_path / "o"), "-q"], cwd=ROOT, capture_output=True)
    assert r.returncode == 1
    assert b"empty file" in r.stderr and b"nothing could be processed" in r.stderr


def test_summary_lists_counts_and_skips(corpus, tmp_path):
    r = subprocess.run([sys.executable, "-m", "extract", "run", str(corpus), "--out", str(tmp_path / "o"),
                        "--workers", "2"], cwd=ROOT, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    err = r.stderr.decode()
    assert "13 documents (13 processed, 0 unchanged)" in err
    assert "records: quantities" in err and "entities" in err
    assert "4 inputs skipped:" in err and "invalid JSON" in err
    assert "\r" not in err  # no progress bar when stderr is not a terminal


def test_chunks_bound_documents_and_size():
    from extract.model import Doc

    docs = [(str(i), Doc(source=str(i), raw="字" * n)) for i, n in enumerate([10, 10, 500, 10, 10, 10])]
    sizes = [[k for k, _ in c] for c in engines.chunks(docs, max_docs=3, max_chars=400)]
    assert sizes == [["0", "1"], ["2"], ["3", "4", "5"]]


def test_atomic_files_keep_old_on_error(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b"old\n")
    with pytest.raises(RuntimeError), AtomicFiles(tmp_path, ["a.jsonl", "b.jsonl"]) as files:
        files["a.jsonl"].write(b"new\n")
        raise RuntimeError("killed")
    assert (tmp_path / "a.jsonl").read_bytes() == b"old\n"
    assert not (tmp_path / "b.jsonl").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_second_run_on_same_folder_is_refused(tmp_path):
    with Store(tmp_path / "o"), pytest.raises(StoreBusy):
        Store(tmp_path / "o").open()


def _complete_or_absent(folder: Path) -> None:
    """Every output file present is a complete one: valid JSONL to the last line."""
    for name in OUTPUTS:
        p = folder / name
        if p.exists():
            data = p.read_bytes()
            assert not data or data.endswith(b"\n"), name
            for line in data.splitlines():
                orjson.loads(line)
    if (folder / "manifest.json").exists():
        orjson.loads((folder / "manifest.json").read_bytes())


def _start(snap: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(cli_args(snap, "run", *args, "-q", "--workers", "2"), cwd=snap, env=cli_env(snap),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _run(snap: Path, *args: str) -> str:
    r = subprocess.run(cli_args(snap, "run", *args, "--workers", "2"), cwd=snap, env=cli_env(snap),
                       capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    return r.stderr.decode()


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 60.0) -> bool:
    """SIGKILL the run (its whole process group) as soon as ``ready()``; False if it finished first."""
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        if proc.poll() is not None:
            return False
        if ready():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    raise AssertionError("run neither finished nor reached the kill point")


def test_killed_run_then_rerun_equals_clean_run(tmp_path):
    snap = snapshot(tmp_path / "snap")
    corpus = make_corpus(tmp_path / "corpus", copies=10, cut=800)  # 50 small articles: time to kill mid-way
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    _run(snap, str(corpus), "--out", str(clean))

    docs = killed / ".cache" / "docs"
    stored = lambda: sum(1 for _ in docs.glob("*/*.pkl")) if docs.is_dir() else 0  # noqa: E731
    p = _start(snap, str(corpus), "--out", str(killed))
    assert _kill_when(p, lambda: stored() >= 3), "run finished before it could be killed"
    n = stored()
    assert 3 <= n < 50
    _complete_or_absent(killed)
    assert not (killed / "manifest.json").exists()

    err = _run(snap, str(corpus), "--out", str(killed))
    assert f"50 documents ({50 - n} processed, {n} unchanged)" in err
    assert outputs(killed) == outputs(clean)
    assert not list(killed.glob(".*.tmp")) and not list(docs.glob("*/.*.tmp"))
    assert not list((killed / ".runs").glob(".new-*"))


def test_kill_while_replacing_outputs_leaves_old_or_new_files(tmp_path):
    """Killed during the final writing of a forced re-run: every file is the old or the new complete one."""
    snap = snapshot(tmp_path / "snap")
    corpus = make_corpus(tmp_path / "corpus", copies=2, cut=1500)
    out = tmp_path / "o"
    _run(snap, str(corpus), "--out", str(out))
    before = outputs(out)
    p = _start(snap, str(corpus), "--out", str(out), "--force")
    _kill_when(p, lambda: any((out / ".runs").glob(".new-*")))  # the new generation is being written
    _complete_or_absent(out)
    for name in OUTPUTS:
        assert (out / name).read_bytes() == before[name], name  # same inputs: old and new are equal anyway
    _run(snap, str(corpus), "--out", str(out))
    assert outputs(out) == before


def test_progress_bar_only_on_a_terminal_and_summary_lists_skips():
    import io

    from extract.progress import Progress, summary

    assert not Progress.wanted(False, io.StringIO())
    buf = io.StringIO()
    p = Progress(1000, True, stream=buf)
    for _ in range(4):
        p.update(250, chars=1000)
    p.write("f.txt: empty file")
    p.close()
    out = buf.getvalue()
    assert "4 docs (0 cached)" in out and "f.txt: empty file" in out and "100%" in out
    text = summary("out", {"documents": 3, "quantities": 5}, 2, 1, [f"f{i}: bad" for i in range(25)], 2.0, 4000)
    assert text.startswith("3 documents (2 processed, 1 unchanged) -> out")
    assert "quantities 5" in text and "25 inputs skipped:" in text and "... and 5 more" in text


def test_failures_are_listed_in_input_order_with_any_number_of_workers(tmp_path, monkeypatch):
    src = make_corpus(tmp_path / "in", copies=5, cut=600)
    for i in (3, 17):
        (src / f"{i:03d}_bad.txt").write_text(f"第{i}篇。BOOM", encoding="utf-8")
    (src / "010_empty.txt").write_text(" ", encoding="utf-8")
    fail_on_boom(monkeypatch)  # forked workers inherit it
    one, msgs1 = run([src], tmp_path / "one", workers=1)
    two, msgs2 = run([src], tmp_path / "two", workers=2)
    assert one.skipped == two.skipped and len(one.skipped) == 3
    assert [m.split("/")[-1][:3] for m in one.skipped] == ["003", "010", "017"]
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
