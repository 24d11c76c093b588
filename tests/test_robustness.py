"""Nothing lost, nothing hangs (issue 18): bad bytes, bad pages, pipes, hangs, orphans, escapes, diagnostics.

Every input that holds text becomes a document or one line ``path[:line]: why``; a document that takes
too long is reported and skipped; workers die with the run; article strings never drive the terminal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest
from batchutil import ROOT, copy_seeds, fail_on_boom, make_corpus, on_processing, outputs, pin_version
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import batch, budget, engines, ingest, pages, pipeline
from extract.ingest import InputError
from extract.model import Doc

ARTICLE = "新疆霍尔果斯口岸今年进出口货运量达836.8万吨，同比增长12.5%。据海关统计，口岸通关效率持续提升。"


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):
    pin_version(monkeypatch)


def run(paths, out, workers=1, engine="process", **cfg):
    msgs: list[str] = []
    rep = batch.run([str(p) for p in paths], out, pipeline.Options(),
                    batch.RunConfig(workers=workers, engine=engine, quiet=True, **cfg), report=msgs.append)
    return rep, msgs


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *args], capture_output=True, cwd=ROOT, **kw)


# ------------------------------------------------------------------ 1. one HTML failure is one bad input

def test_html_that_cannot_be_read_is_one_bad_input_and_the_batch_goes_on(tmp_path, monkeypatch):
    src = copy_seeds(tmp_path / "in", ["003", "004"])
    (src / "page.html").write_text(f"<html><body><p>{ARTICLE}</p></body></html>", encoding="utf-8")

    def broken(tree, url):  # as with lxml_html_clean missing on a fresh install
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")

    monkeypatch.setattr(pages, "_read_tree", broken)
    rep, msgs = run([src], tmp_path / "o")
    assert rep.counts["documents"] == 2
    assert msgs == [f"{src / 'page.html'}: HTML extraction failed (ImportError: lxml.html.clean module is now "
                    "a separate project lxml_html_clean)"]


# ------------------------------------------------------------------ 5. decoding keeps what it can

BASE = ARTICLE.encode()


@pytest.mark.parametrize(("data", "bad"), [
    pytest.param(BASE + b"\xff" + BASE, 1, id="stray byte"),
    pytest.param(BASE + "口".encode()[:2], 1, id="cut last character"),
    pytest.param(BASE + b"\x93quoted\x94" + BASE, 2, id="cp1252 quotes"),
    pytest.param(BASE + b"\x00" + BASE, 1, id="NUL in the first 4 KB"),
    pytest.param("據海關統計，進出口總值增長百分之十二，貨運量持續增長。".encode("big5") * 20 + b"\xff", 1,
                 id="Big5 with a stray byte"),
    pytest.param("新疆口岸货运量达836.8万吨，同比增长。".encode("gb18030") * 20 + b"\xd0", 1, id="GBK cut"),
])
def test_a_bad_byte_costs_that_byte_not_the_file(data, bad):
    text, enc = ingest.decode(data)
    assert text is not None, enc
    assert text.count("\ufffd") == bad
    assert "口岸" in text or "海關" in text


@pytest.mark.parametrize("data", [bytes(range(256)) * 20, b"\x89PNG\r\n\x1a\n" + bytes(3000), os.urandom(4000)],
                         ids=["all bytes", "png", "random"])
def test_a_binary_file_is_still_refused(data):
    text, why = ingest.decode(data)
    assert text is None and ("binary" in why or "undecodable" in why)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=4),
       st.lists(st.sampled_from([b"\xff", b"\xfe", b"\x80", b"\x93", b"\x00", b"\xc3"]), min_size=4, max_size=4))
def test_damaged_utf8_keeps_every_undamaged_character(positions, junk):
    """A few bad bytes anywhere in a UTF-8 article: the text is read, the rest of it intact, nothing extracted
    from the bad bytes (U+FFFD is marked corrupt)."""
    data = bytearray((ARTICLE * 8).encode())
    for p, j in zip(sorted(set(positions)), junk, strict=False):
        at = p % len(data)
        data[at:at + 1] = j
    text, enc = ingest.decode(bytes(data))
    assert text is not None and enc == "utf-8", enc
    k = len(set(positions))
    assert text.count("\ufffd") <= 3 * k and abs(len(text) - 8 * len(ARTICLE)) <= 3 * k
    assert sum(1 for a, b in zip(text, ARTICLE * 8, strict=False) if a != b) <= 3 * k or text.count("\ufffd")
    doc = pipeline.process_doc(Doc(source="x", raw=text))
    bad = [i for i, c in enumerate(doc.text) if c == "\ufffd"]
    assert all(any(s <= i < e for s, e in doc.corrupt) for i in bad)
    for r in [*doc.quantities, *doc.dates, *doc.entities]:
        assert "\ufffd" not in r.text and not any(s < r.end and r.start < e for s, e in doc.corrupt)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_jsonl_is_read(tmp_path, encoding):
    lines = [orjson.dumps({"id": f"u{i}", "text": f"{ARTICLE}第{i}条。"}).decode() for i in range(3)]
    p = tmp_path / "batch.jsonl"
    p.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    got = [x for x, _ in ingest.read_jsonl(p)]
    assert [d.source for d in got] == ["u0", "u1", "u2"], got
    assert got[1].raw == f"{ARTICLE}第1条。" and got[2].line == 3


# ------------------------------------------------------------------ 9. HTML content is not "empty text"

@pytest.mark.parametrize("page", [
    pytest.param("<html><body>" + "<div>" * 400 + f"<p>{ARTICLE}</p>" + "</div>" * 400 + "</body></html>",
                 id="nested 400 deep"),
    pytest.param('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">'
                 '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                 f"<html><body><article><p>{ARTICLE}&lol1;&xxe;</p><p>{ARTICLE}</p></article></body></html>",
                 id="DOCTYPE with entity declarations"),
    pytest.param(f"<p>{ARTICLE}</p>", id="a single p"),
])
def test_html_content_is_kept(tmp_path, page):
    p = tmp_path / "page.html"
    p.write_text(page, encoding="utf-8")
    [doc] = list(ingest.read_file(p))
    assert isinstance(doc, Doc), doc
    assert ARTICLE in doc.raw
    assert "lollol" not in doc.raw and "root:" not in doc.raw  # no entity expansion, no file read


def test_jsonl_html_record_that_is_one_p(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_bytes(orjson.dumps({"id": "h1", "text": f"<p>{ARTICLE}</p>", "html": True}) + b"\n")
    [doc] = [x for x, _ in ingest.read_jsonl(p)]
    assert isinstance(doc, Doc) and doc.raw == ARTICLE


# ------------------------------------------------------------------ 11. diagnostics

def test_processing_errors_name_the_file_and_line_not_the_id(tmp_path, monkeypatch):
    p = tmp_path / "b.jsonl"
    p.write_bytes(orjson.dumps({"id": "good", "text": ARTICLE}) + b"\n"
                  + orjson.dumps({"id": "article-7", "text": ARTICLE + "BOOM"}) + b"\n")
    fail_on_boom(monkeypatch)
    _, msgs = run([p], tmp_path / "o", engine="inline")
    assert msgs == [f"{p}:2: could not be processed (ValueError: extractor failed); skipped"]


def test_a_fifo_named_on_the_command_line_is_read(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    lines = b"".join(orjson.dumps({"id": f"f{i}", "text": f"{ARTICLE}第{i}条。"}) + b"\n" for i in range(2))

    def feed():
        with open(fifo, "wb") as f:
            f.write(lines)

    threading.Thread(target=feed, daemon=True).start()
    r = cli("run", str(fifo), "--out", str(tmp_path / "o"), "-q", "--workers", "1", timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    docs = [orjson.loads(x) for x in (tmp_path / "o" / "documents.jsonl").read_bytes().splitlines()]
    assert [d["source"] for d in docs] == ["f0", "f1"]  # JSONL recognised, as on standard input


def test_jsonl_on_stdin_is_read_as_jsonl(tmp_path):
    lines = b"".join(orjson.dumps({"id": f"s{i}", "text": f"{ARTICLE}第{i}条。"}) + b"\n" for i in range(3))
    r = cli("run", "-", "--out", str(tmp_path / "o"), "-q", "--workers", "1", input=lines, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    docs = [orjson.loads(x) for x in (tmp_path / "o" / "documents.jsonl").read_bytes().splitlines()]
    assert [d["source"] for d in docs] == ["s0", "s1", "s2"]


@pytest.mark.parametrize(("text", "jsonl"), [
    ('{"id": "a", "text": "x"}\n\n{"id": "b", "text": "y"}\n', True),
    ('{"text": "x"}', True),
    ('{"id": "a", "text": "x"}\n新疆口岸货运量增长。\n', False),
    ('{"id": "a", "title": "no text"}', False),
    ("新疆口岸货运量增长。{\"text\": 1}", False),
    ("", False),
])
def test_the_jsonl_rule_for_stdin(text, jsonl):
    assert ingest.looks_like_jsonl(text) is jsonl


@pytest.mark.parametrize("value", ["5", "0", "-0.1", "1.5"])
def test_threshold_out_of_range_is_a_usage_error(tmp_path, value):
    r = cli("run", str(ROOT / "corpus"), "--out", str(tmp_path / "o"), "--threshold", value)
    assert r.returncode == 2 and b"Traceback" not in r.stderr, r.stderr.decode()


# ------------------------------------------------------------------ 7. a per-document time budget

def _hang_on(monkeypatch, marker: str, how: str) -> None:

    def slow(doc):
        if marker in doc.raw:
            if how == "python":
                while True:  # a pathological loop in Python code
                    pass
            time.sleep(3600)  # native code that never returns to the interpreter

    on_processing(monkeypatch, slow)


@pytest.mark.parametrize("engine", ["inline", "process"])
def test_a_document_over_its_time_budget_is_reported_and_skipped(tmp_path, monkeypatch, engine):
    src = make_corpus(tmp_path / "in", copies=4, cut=400)  # enough chunks for a pool
    (src / "005_hang.txt").write_text(ARTICLE + "HANG", encoding="utf-8")
    _hang_on(monkeypatch, "HANG", "python")
    rep, msgs = run([src], tmp_path / "o", workers=2, engine=engine, time_limit=1.0)
    assert rep.counts["documents"] == 20
    assert msgs == [f"{src / '005_hang.txt'}: took more than 1 s, skipped"]


def test_a_blocking_call_inline_is_interrupted(tmp_path, monkeypatch):
    src = make_corpus(tmp_path / "in", copies=1, cut=400)
    (src / "005_sleep.txt").write_text(ARTICLE + "SLEEP", encoding="utf-8")
    _hang_on(monkeypatch, "SLEEP", "native")
    rep, msgs = run([src], tmp_path / "o", engine="inline", time_limit=1.0)
    assert rep.counts["documents"] == 5
    assert msgs == [f"{src / '005_sleep.txt'}: took more than 1 s, skipped"]


def test_a_worker_stuck_in_native_code_is_ended_and_the_document_reported(tmp_path, monkeypatch):
    """A call that never returns to the interpreter (a sleep stands for it; signals are blocked) in a pool."""
    src = make_corpus(tmp_path / "in", copies=4, cut=400)  # enough chunks for a pool
    (src / "005_sleep.txt").write_text(ARTICLE + "SLEEP", encoding="utf-8")
    _hang_on(monkeypatch, "SLEEP", "native")
    monkeypatch.setattr(budget, "HARD_GRACE", 1.0)
    monkeypatch.setattr(engines, "_worker_init", _blocking_alarm(engines._worker_init))
    rep, msgs = run([src], tmp_path / "o", workers=2, time_limit=1.0)
    assert rep.counts["documents"] == 20
    assert len(msgs) == 1 and msgs[0].startswith(f"{src / '005_sleep.txt'}: could not be processed (the worker "
                                                 "process died")


def _blocking_alarm(init):
    """A pool worker initializer that also blocks SIGALRM: the document's code cannot be interrupted."""
    def blocked(parent: int) -> None:
        init(parent)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    return blocked


def test_budget_scales_with_length():
    assert budget.budget_for(5_000, 60) == 60
    assert budget.budget_for(2_500_000, 60) == 180
    assert budget.budget_for(5_000, None) is None


def _spin_until_stopped(seconds: float) -> float:
    """Seconds until a budget of ``seconds`` stopped a busy loop (a failure if it never does within 10 s)."""
    t = time.monotonic()
    with pytest.raises(budget.DocTimeout), budget.Budget(seconds):
        while time.monotonic() - t < 10:
            pass
    return time.monotonic() - t


def test_one_watchdog_serves_every_budget_and_wakes_for_an_earlier_deadline():
    """Budgets in a row start no thread each; a short budget after a long one still fires on time."""
    for _ in range(50):
        with budget.Budget(3600):
            pass
    threads = threading.active_count()
    for _ in range(50):
        with budget.Budget(3600):
            pass
    assert threading.active_count() == threads
    assert _spin_until_stopped(0.3) < 5


def test_a_budget_stops_work_in_another_thread():
    """Dask runs documents in threads, which signals cannot reach: the asynchronous exception stops them."""
    took: list[float] = []
    th = threading.Thread(target=lambda: took.append(_spin_until_stopped(0.3)))
    th.start()
    th.join(15)
    assert took and took[0] < 5


# ------------------------------------------------------------------ 6. workers die with the run

def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(p.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_outlives_the_run(tmp_path, sig):
    corpus = make_corpus(tmp_path / "in", copies=30)
    p = subprocess.Popen([sys.executable, "-m", "extract", "run", str(corpus), "--out", str(tmp_path / "o"),
                          "--workers", "2", "-q"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        workers: list[int] = []
        t = time.monotonic()
        while len(workers) < 2 and time.monotonic() - t < 120 and p.poll() is None:
            time.sleep(0.2)
            workers = _children(p.pid)
        assert len(workers) >= 2, "the run ended before its workers could be seen"
        os.kill(p.pid, sig)
        p.wait(timeout=30)
        t = time.monotonic()
        while any(_alive(w) for w in workers) and time.monotonic() - t < 5:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "a worker outlived the run by 5 seconds"
    finally:
        with_suppress_kill(p)


def with_suppress_kill(p: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        os.killpg(p.pid, signal.SIGKILL)
    p.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_run_piped_into_cat_returns_when_the_run_is_killed(tmp_path):
    corpus = make_corpus(tmp_path / "in", copies=30)
    cmd = f"{sys.executable} -m extract run {corpus} --out {tmp_path / 'o'} --workers 2 | cat"
    shell = subprocess.Popen(["sh", "-c", cmd], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        t = time.monotonic()
        run_pid = None
        while time.monotonic() - t < 120 and run_pid is None:
            time.sleep(0.2)
            run_pid = next((c for c in _children(shell.pid) if len(_children(c)) >= 2), None)
        assert run_pid is not None, "the run ended before its workers started"
        os.kill(run_pid, signal.SIGKILL)
        shell.communicate(timeout=10)  # cat sees the end of its input: every writer is gone
    finally:
        with_suppress_kill(shell)


# ------------------------------------------------------------------ 10. article strings never drive the terminal

def test_show_and_summary_show_control_characters_instead_of_obeying_them(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_bytes(orjson.dumps({"id": "evil\x1b]0;pwned\x07\x1b[2J", "title": "标题\x1b]0;pwned\x07",
                                "text": ARTICLE + "\x1b[31m红色\x1b[0m"}) + b"\n"
                  + b"{not json \x1b[2J\n")
    out = tmp_path / "o"
    r = cli("run", str(p), "--out", str(out), "--workers", "1")
    assert r.returncode == 0 and b"\x1b" not in r.stderr, r.stderr
    r = cli("show", str(out), "--color")
    assert r.returncode == 0, r.stderr.decode()
    shown = r.stdout.decode()
    assert "\x1b]" not in shown and "\x07" not in shown and "\x1b[2J" not in shown and "\x1b[31m" not in shown
    assert "pwned" in shown and "\u241b" in shown  # shown, as a visible ␛
    assert "\x1b[48;5;" in shown  # our own colours stay


def test_terminal_safe_keeps_offsets():
    from extract.terminal import safe, safe_tree

    s = "a\x1b[2Jb\nc\u202ed\x9b"
    assert len(safe(s)) == len(s) and "\x1b" not in safe(s) and "\n" not in safe(s)
    assert "\n" in safe(s, keep_lines=True)
    assert safe_tree({"k": ["\x07"]}) == {"k": ["\u2407"]}


def test_diff_text_shows_control_characters(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(ARTICLE + "\n第二段说明情况。", encoding="utf-8")
    b.write_text(ARTICLE + "\n第二段\x1b]0;pwned\x07说明了情况。", encoding="utf-8")
    r = cli("diff", str(a), str(b))
    assert r.returncode == 0, r.stderr.decode()
    assert b"\x1b]" not in r.stdout and b"\x07" not in r.stdout


# ------------------------------------------------------------------ nothing lost, end to end

def test_every_input_is_a_document_or_a_reason(tmp_path):
    """A mixed folder: each input is in documents.jsonl or named in the skipped list, never silently gone."""
    src = copy_seeds(tmp_path / "in", ["003"])
    (src / "bad_byte.txt").write_bytes(BASE + b"\xff" + BASE)
    (src / "nul.txt").write_bytes(BASE + b"\x00" + BASE)
    (src / "deep.html").write_text("<div>" * 300 + f"<p>{ARTICLE}</p>" + "</div>" * 300, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "bin.txt").write_bytes(bytes(range(256)) * 10)
    rep, msgs = run([src], tmp_path / "o")
    docs = [orjson.loads(x)["source"] for x in (tmp_path / "o" / "documents.jsonl").read_bytes().splitlines()]
    names = sorted(Path(s).name for s in docs)
    assert names == ["003_ed5b604d7aff2fb4.txt", "bad_byte.txt", "deep.html", "nul.txt"], msgs
    assert sorted(m.split(":")[0].rsplit("/", 1)[1] for m in msgs) == ["bin.txt", "empty.txt"]
    assert outputs(tmp_path / "o")["manifest.json"]


def test_an_input_error_is_never_an_exception(tmp_path):
    odd = tmp_path / "odd.txt"
    odd.write_text(ARTICLE, encoding="utf-8")
    odd.chmod(0o000)
    try:
        got = list(ingest.read_stream([str(odd), str(tmp_path / "missing.txt")]))
    finally:
        odd.chmod(0o644)
    assert all(isinstance(x, InputError | Doc) for x, _ in got)


def test_a_chunk_goes_stage_by_stage_with_the_records_of_one_document_at_a_time(monkeypatch):
    """work_chunk runs each stage over the chunk's documents in turn: the same entries as each document through
    all stages alone; a document a stage fails on is reported and dropped, the others go on."""
    from extract.model import Doc

    texts = [ARTICLE, "新华社北京3月1日电  今年前两个月，全国进出口总值6.61万亿元，同比增长8.7%。BOOM", ARTICLE[:300]]
    alone = [engines.pickled(engines.make_entry(pipeline.process_doc(Doc(source=str(i), raw=t))))
             for i, t in enumerate(texts) if "BOOM" not in t]
    fail_on_boom(monkeypatch)
    got = engines.work_chunk([(str(i), Doc(source=str(i), raw=t)) for i, t in enumerate(texts)], pipeline.Options())
    assert [r.key for r in got] == ["0", "1", "2"]
    assert got[1].error == "could not be processed (ValueError: extractor failed); skipped" and not got[1].parts
    assert [r.parts for r in (got[0], got[2])] == alone and got[0].error is None
