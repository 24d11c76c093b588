"""The output folder is consistent at every instant (extract/outdir.py): kills at every step of the writing.

A run is killed (SIGKILL, in a forked child: no cleanup runs) before each file-system call of its final
writing in turn; after every kill the folder shows exactly the outputs of the run before or of the new
run, never a mix, and a re-run completes it.  Readers (``extract.tables.read_records``) resolve the
generation once, so a switch during a read cannot mix two runs either.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
import typer
from batchutil import OUTPUTS, copy_seeds, outputs, pin_version

from extract import batch, outdir, pipeline, tables

OS_CALLS = ("replace", "rename", "symlink", "link", "unlink", "remove", "rmdir", "mkdir", "fsync", "open",
            "scandir")


def _run(paths: list[Path], out: Path, **cfg) -> batch.RunReport:
    return batch.run([str(p) for p in paths], out, pipeline.Options(ref_date="2024-03-01"),
                     batch.RunConfig(workers=1, quiet=True, **cfg), report=lambda m: None)


def _killed_at(step: int, paths: list[Path], out: Path) -> bool:
    """Run in a forked child that SIGKILLs itself before the ``step``-th file-system call of the writing
    (counted from the moment the new generation is started); True if it was killed."""
    pid = os.fork()
    if pid == 0:  # the child: count calls once the generation starts, die at the chosen one
        try:
            calls = [0, False]

            def wrap(fn):
                def inner(*a, **k):
                    if calls[1]:
                        calls[0] += 1
                        if calls[0] == step:
                            os.kill(os.getpid(), signal.SIGKILL)
                    return fn(*a, **k)
                return inner

            for name in OS_CALLS:
                setattr(os, name, wrap(getattr(os, name)))
            enter = outdir.Generation.__enter__

            def counting_enter(self):
                calls[1] = True
                return enter(self)

            outdir.Generation.__enter__ = counting_enter
            _run(paths, out)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def _consistent(out: Path) -> dict[str, bytes]:
    """The folder's outputs; each file complete, every record's document present, counts as the manifest says."""
    got = outputs(out)
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    docs = {orjson.loads(line)["doc_id"] for line in got["documents.jsonl"].splitlines()}
    for name in OUTPUTS:
        data = got[name]
        assert not data or data.endswith(b"\n"), name
        kind = name.removesuffix(".jsonl")
        assert len(data.splitlines()) == manifest["counts"][kind], name
        if kind in ("quantities", "dates", "entities"):
            assert {orjson.loads(line)["doc_id"] for line in data.splitlines()} <= docs, name
    recs = tables.read_records(out)
    assert [orjson.dumps(r) for r in recs["documents"]] == got["documents.jsonl"].splitlines()
    return got


def test_kill_at_every_step_of_the_writing_leaves_one_run(tmp_path, monkeypatch):
    pin_version(monkeypatch)
    small = copy_seeds(tmp_path / "a", ["003"])
    big = copy_seeds(tmp_path / "b", ["003", "004"])
    base = tmp_path / "base"
    _run([big], base)
    want_new = outputs(base)
    _run([small], base)  # the folder shows run A; the store already holds run B's documents
    want_old = outputs(base)
    assert want_old != want_new
    step, kills = 1, 0
    while True:
        out = tmp_path / f"k{step}"
        shutil.copytree(base, out, symlinks=True)
        killed = _killed_at(step, [big], out)
        got = _consistent(out)
        assert got in (want_old, want_new), f"killed at step {step}: a mix of two runs"
        _run([big], out)
        assert _consistent(out) == want_new
        assert not list((out / outdir.RUNS).glob(".new-*")) and len(list((out / outdir.RUNS).iterdir())) == 2
        shutil.rmtree(out)
        if not killed:
            break
        kills += 1
        step += 1
    assert kills >= 10, kills  # the writing has that many steps: each was a kill point
    print(f"{kills} kill points")


def test_plain_files_of_an_older_layout_are_migrated_consistently(tmp_path, monkeypatch):
    pin_version(monkeypatch)
    src = copy_seeds(tmp_path / "in", ["003"])
    out = tmp_path / "o"
    _run([src], out)
    want = outputs(out)
    plain = tmp_path / "plain"  # the layout before generations: plain files
    plain.mkdir()
    for name in (*OUTPUTS, "manifest.json"):
        shutil.copy(out / name, plain / name)
    outdir.migrate(plain)
    assert all((plain / n).is_symlink() for n in (*OUTPUTS, "manifest.json"))
    assert outputs(plain) == want
    _run([src], plain)
    assert outputs(plain) == want


def test_reader_keeps_the_generation_it_opened(tmp_path, monkeypatch):
    """A run that switches and removes the generation while a reader holds it open does not disturb the reader."""
    pin_version(monkeypatch)
    one, two = copy_seeds(tmp_path / "a", ["003"]), copy_seeds(tmp_path / "b", ["004"])
    out = tmp_path / "o"
    _run([one], out)
    before = (out / "documents.jsonl").read_bytes()
    files = outdir.open_files(out)
    _run([two], out)
    assert files["documents.jsonl"].read() == before != (out / "documents.jsonl").read_bytes()
    for f in files.values():
        f.close()


def test_full_disk_leaves_the_old_run_and_no_temporaries(tmp_path, monkeypatch):
    pin_version(monkeypatch)
    src = copy_seeds(tmp_path / "in", ["003", "004"])
    out = tmp_path / "o"
    _run([copy_seeds(tmp_path / "one", ["003"])], out)
    before = outputs(out)

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(out))

    monkeypatch.setattr(outdir._Hashing, "write", full)
    with pytest.raises(OSError):
        _run([src], out)
    assert outputs(out) == before
    assert not list((out / outdir.RUNS).glob(".new-*")) and not list(out.rglob(".*.tmp"))


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *args], capture_output=True, **kw)


def test_cli_full_disk_is_one_line_exit_1_and_no_temporaries(tmp_path):
    """A file-size limit (RLIMIT_FSIZE: writes fail with EFBIG, as on a full disk) part-way through the run."""
    import resource

    src = copy_seeds(tmp_path / "in", ["002", "003", "004"])
    out = tmp_path / "o"

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

    r = _cli("run", str(src), "--out", str(out), "--workers", "1", "-q", preexec_fn=limit)
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and str(out) in err, err
    assert not list(out.rglob("*.tmp")) and not list(out.rglob(".new-*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_cli_read_only_folder_is_one_line_exit_1(tmp_path):
    src = copy_seeds(tmp_path / "in", ["003"])
    out = tmp_path / "o"
    out.mkdir()
    out.chmod(0o555)
    try:
        r = _cli("run", str(src), "--out", str(out), "-q")
    finally:
        out.chmod(0o755)
    err = r.stderr.decode()
    assert r.returncode == 1 and len(err.strip().splitlines()) == 1 and str(out) in err, err


def test_cli_read_only_file_system_is_one_line_exit_1(tmp_path, monkeypatch):
    """The same message when the system refuses the write (EROFS), whoever runs the tests."""
    from extract.cli import run as run_cmd

    src = copy_seeds(tmp_path / "in", ["003"])

    def refuse(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / "o" / ".cache"))

    monkeypatch.setattr(batch.Store, "open", refuse)
    msgs: list[str] = []
    monkeypatch.setattr(run_cmd, "err", msgs.append)
    with pytest.raises(typer.Exit) as e:
        run_cmd.run_or_exit([str(src)], tmp_path / "o", pipeline.Options(), batch.RunConfig(quiet=True))
    assert e.value.exit_code == 1 and len(msgs) == 1 and "Read-only file system" in msgs[0] and str(tmp_path) in msgs[0]
