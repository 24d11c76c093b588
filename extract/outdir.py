"""The output folder of a run: complete generations switched by one pointer, so no reader ever mixes two runs.

Layout of ``DIR`` (the paths of the contract still work: they are symbolic links)::

    documents.jsonl -> .runs/current/documents.jsonl      and quantities, dates, entities, facts, manifest.json
    .runs/current -> 3f2a...                               the one pointer (a symbolic link)
    .runs/3f2a.../documents.jsonl ... manifest.json        one complete run, named by a hash of its JSONL files

**Writing** (:class:`Generation`): a run writes all its files into a fresh folder ``.runs/.new-*``, syncs
them, renames the folder to its name, then replaces the pointer (a new link renamed over the old one:
atomic on POSIX) and removes the earlier generation.  A run killed at any step leaves the pointer on
the old complete generation or on the new complete one; what it left half-done (``.runs/.new-*``, a
generation no pointer names) is removed by the next run.  The same outputs give the same name, so a
run that changes nothing rewrites only ``manifest.json`` (its timings) inside the current generation.
A folder of the layout before generations (plain files) is first moved into a generation of its
own, the plain files replaced one by one by links to identical copies, so it stays consistent too.

**Reading** (:func:`open_files`): resolve the pointer once and open every file before reading any:
an open file stays readable after a later run removes its generation, so the reader gets the files
of one run, whatever happens meanwhile.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

JSONL = ("documents.jsonl", "quantities.jsonl", "dates.jsonl", "entities.jsonl", "facts.jsonl")
FILES = (*JSONL, "manifest.json")
RUNS = ".runs"
POINTER = "current"
_NEW = ".new-"


class _Hashing:
    """A file being written, with the running hash of what went in (a write error names the file)."""

    __slots__ = ("f", "h", "path")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.f = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 - closed by Generation
        self.h = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.h.update(data)
        try:
            return self.f.write(data)
        except OSError as e:
            raise OSError(e.errno, e.strerror, str(self.path)) from e

    def finish(self) -> None:
        """Flush, sync and close."""
        try:
            self.f.flush()
            os.fsync(self.f.fileno())
            self.f.close()
        except OSError as e:
            raise OSError(e.errno, e.strerror, str(self.path)) from e


class Generation:
    """The files of one run, written into a fresh folder and switched in as a whole on a clean exit.

    ``files[name]`` are the JSONL files (their contents name the generation); :meth:`write_manifest`
    writes ``manifest.json``.  On an error (a full disk, a read-only folder) the fresh folder is removed
    and the previous generation stays current.
    """

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.runs = self.out / RUNS
        self.tmp: Path | None = None
        self.files: dict[str, _Hashing] = {}

    def __enter__(self) -> Generation:
        self.runs.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=_NEW, dir=self.runs))
        os.chmod(self.tmp, 0o777 & ~_umask())
        for name in JSONL:
            self.files[name] = _Hashing(self.tmp / name)
        return self

    def write_manifest(self, data: bytes) -> None:
        (self.tmp / "manifest.json").write_bytes(data)

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                for w in self.files.values():
                    w.finish()
                self._switch()
        except BaseException:
            self._discard()
            raise
        if exc_type is not None:
            self._discard()

    def _discard(self) -> None:
        """Remove what this generation wrote (after an error: the previous generation stays current)."""
        for w in self.files.values():
            with contextlib.suppress(OSError):
                w.f.close()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def name(self) -> str:
        """The generation's name: a hash of its JSONL files (the same outputs, the same name)."""
        h = hashlib.sha256()
        for name in JSONL:
            h.update(name.encode() + b"\0" + self.files[name].h.digest())
        return h.hexdigest()[:16]

    def _switch(self) -> None:
        assert self.tmp is not None
        _fsync_file(self.tmp / "manifest.json")
        _fsync_dir(self.tmp)
        migrate(self.out)
        name = self.name()
        final = self.runs / name
        if final.is_dir():  # the same outputs: keep the folder, take the new manifest (timings, run)
            os.replace(self.tmp / "manifest.json", final / "manifest.json")
            shutil.rmtree(self.tmp)
        else:
            os.rename(self.tmp, final)
        _fsync_dir(self.runs)
        point(self.out, name)
        link_files(self.out)
        remove_stale(self.out)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system syncs folders
        _fsync_file(path)


def current(out: Path) -> Path | None:
    """The current generation's folder, or None (no run yet, or a folder of plain files)."""
    runs = Path(out) / RUNS
    try:
        name = os.readlink(runs / POINTER)
    except OSError:
        return None
    return runs / name


def point(out: Path, name: str) -> None:
    """Make ``.runs/current`` name the generation ``name``: a new link renamed over the old one (atomic)."""
    runs = Path(out) / RUNS
    tmp = runs / f".{POINTER}-{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(name, tmp)
    os.replace(tmp, runs / POINTER)
    _fsync_dir(runs)


def link_files(out: Path) -> None:
    """The contract's paths as links through the pointer (made once; they never change afterwards)."""
    out = Path(out)
    for name in FILES:
        target = f"{RUNS}/{POINTER}/{name}"
        p = out / name
        if p.is_symlink() and os.readlink(p) == target:
            continue
        tmp = out / f".{name}.{os.getpid()}.link.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(target, tmp)
        os.replace(tmp, p)
    _fsync_dir(out)


def migrate(out: Path) -> None:
    """A folder of plain output files (written before generations) becomes a generation of its own.

    The plain files are hard-linked (else copied) into a generation, the pointer set, and each plain
    file replaced by a link to its identical copy: a reader sees the old run at every step.
    """
    out = Path(out)
    plain = [n for n in FILES if (out / n).is_file() and not (out / n).is_symlink()]
    if not plain or current(out) is not None:
        return
    runs = out / RUNS
    runs.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_NEW, dir=runs))
    for n in plain:
        try:
            os.link(out / n, tmp / n)
        except OSError:
            shutil.copy2(out / n, tmp / n)
    _fsync_dir(tmp)
    name = "before-" + hashlib.sha256("".join(sorted(plain)).encode()).hexdigest()[:8]
    shutil.rmtree(runs / name, ignore_errors=True)
    os.rename(tmp, runs / name)
    point(out, name)
    link_files(out)


def remove_stale(out: Path) -> None:
    """Generations no pointer names and half-written ones (``.new-*``) of killed runs; stray link temporaries."""
    out = Path(out)
    runs = out / RUNS
    cur = current(out)
    if runs.is_dir():
        for p in runs.iterdir():
            if p.name == POINTER or (cur is not None and p.name == cur.name):
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            elif p.name.endswith(".tmp"):
                p.unlink(missing_ok=True)
    for p in out.glob(".*.link.tmp"):
        p.unlink(missing_ok=True)


def open_files(out: Path, names: tuple[str, ...] = FILES, tries: int = 5) -> dict[str, IO[bytes] | None]:
    """Every named file of the current generation, open (None for an absent one); close them when done.

    The pointer is resolved once and every file opened before any is read, so the files belong to
    one run even if another run switches generations meanwhile.  A folder of plain files (the layout
    before generations, or records written by hand) is read as it is.
    """
    out = Path(out)
    for _ in range(tries):
        gen = current(out)
        folder = gen if gen is not None else out
        opened: dict[str, Any] = {}
        try:
            for n in names:
                p = folder / n
                opened[n] = open(p, "rb") if gen is not None or p.exists() else None  # noqa: SIM115
            return opened
        except FileNotFoundError:  # the generation was removed between resolving and opening: again
            for f in opened.values():
                if f is not None:
                    f.close()
    raise FileNotFoundError(f"{out}: the output files keep changing under the reader (a run is switching them)")
