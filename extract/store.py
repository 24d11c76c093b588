"""The result store in an output folder: what makes runs incremental and safe to kill.

Layout (all under ``DIR/.cache/``)::

    lock                      held (flock) by the run that writes DIR; a second run waits for nothing, it stops
    docs/ab/<key>.pkl         one file per processed document: a summary (near-duplicate sketch), its facts
                              and a body (the document record, its JSON lines, its input), each part read
                              only where it is needed
    clusterer.pkl             sketches of every document ever clustered in DIR (no text)

``<key>`` is a hash of the pipeline version (package version, the ``extract`` sources and every
file under ``rules/``), the options that change per-document results (``--ref-date``) and the
document itself (content hash, doc_id, metadata).  A document whose key is stored is not processed
again; a rules or code change gives new keys, so stale results are never reused.

Every file is written to a temporary name and renamed (``os.replace`` is atomic on POSIX), so a
run killed at any moment (kill -9) leaves each file old-and-complete or new-and-complete; stray
temporaries are removed by the next run.  Entries are pickles written by this program for this
folder: do not point ``--out`` at a folder written by someone you do not trust.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

import orjson

import extract
from extract import outdir
from extract.atomic import atomic_path, write_atomic
from extract.rules import rules_dir

STORE_FORMAT = 3  # entry layout (summary, facts, body); older entries are recomputed
SUMMARY, FACTS, BODY = range(3)  # the parts of an entry, in file order
PARTS = 3
_MAGIC = b"zhx-entry\0"


def version_key() -> str:
    """Hash of everything that decides a document's results: package, code and rules.

    ``$ZH_EXTRACT_PIPELINE_VERSION`` replaces it (tests pin it while the sources change under them;
    a deployment may set its own release id).
    """
    return os.environ.get("ZH_EXTRACT_PIPELINE_VERSION") or code_version()


@cache
def code_version() -> str:
    """Hash of the package version, the store format, the code and the rules (read once per process)."""
    h = hashlib.sha256(f"zh-extract {extract.__version__} store {STORE_FORMAT}".encode())
    src = Path(extract.__file__).resolve().parent
    for p in sorted(src.rglob("*.py")):  # subpackages too: a stage may be a package of modules
        h.update(str(p.relative_to(src)).encode() + b"\0" + p.read_bytes() + b"\0")
    rules = rules_dir()
    if rules.is_dir():
        for p in sorted(rules.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                h.update(str(p.relative_to(rules)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def doc_key(content_hash: str, doc_id: str, meta: dict[str, Any], options: dict[str, Any]) -> str:
    """Store key of one document's results (see the module docstring)."""
    head = orjson.dumps([version_key(), options, doc_id, meta], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(head + b"\0" + content_hash.encode()).hexdigest()


_HELD: set[int] = set()  # lock descriptors held by this process


def _close_inherited() -> None:
    """A forked worker must not keep the folder locked after its parent is gone (kill -9 of the run)."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


@cache
def _close_locks_in_children() -> None:
    """Register :func:`_close_inherited` for forked children, once, when the first lock is taken
    (not at import: importing a module changes no process state)."""
    os.register_at_fork(after_in_child=_close_inherited)


class StoreBusy(RuntimeError):
    """Another run is writing the same output folder."""


class Store:
    """Per-document results and clustering state kept in ``DIR/.cache``."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.root = self.out / ".cache"
        self.docs = self.root / "docs"
        self._lock_fd: int | None = None
        self.overrides: dict[str, tuple[dict[str, Any], ...]] = {}  # this run's repaired entries, by part

    # -- lifetime ------------------------------------------------------------------------------

    def open(self) -> Store:
        """Create the folders, take the lock and remove temporaries left by a killed run."""
        self.docs.mkdir(parents=True, exist_ok=True)
        ignore = self.root / ".gitignore"
        if not ignore.exists():  # an output folder under version control never commits the store
            with contextlib.suppress(OSError):
                ignore.write_text("# zh-extract result store (see extract/store.py)\n*\n", encoding="utf-8")
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreBusy(f"{self.out}: another zh-extract run is writing this folder") from None
        self._lock_fd = fd
        _close_locks_in_children()
        _HELD.add(fd)
        self._remove_stray()
        return self

    def close(self) -> None:
        if self._lock_fd is not None:
            _HELD.discard(self._lock_fd)
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Store:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _remove_stray(self) -> None:
        """Temporaries (``.name.*.tmp``) of a run that was killed: never complete, never read; and its
        half-written output generation (:func:`extract.outdir.remove_stale`)."""
        outdir.remove_stale(self.out)
        for folder in (self.out, self.root):
            for p in folder.glob(".*.tmp"):
                p.unlink(missing_ok=True)
        for p in self.docs.glob("*/.*.tmp"):
            p.unlink(missing_ok=True)

    # -- documents -----------------------------------------------------------------------------

    def path(self, key: str) -> Path:
        return self.docs / key[:2] / f"{key}.pkl"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, key: str, parts: tuple[bytes, ...]) -> None:
        """Store a document's entry: its parts (summary, facts, body), each already pickled.

        The file is a table of the parts' lengths then the parts, so that each is read and decoded
        only where it is needed: the summary (near-duplicate sketch) before clustering, the facts when
        they are merged, the body when the output files are written.
        """
        head = _MAGIC + b"".join(len(p).to_bytes(8, "little") for p in parts)
        write_atomic(self.path(key), head + b"".join(parts))

    def summary(self, key: str) -> dict[str, Any] | None:
        """A stored entry's summary, or None when absent, unreadable or of another format (then redone)."""
        return self._part(key, SUMMARY)

    def facts(self, key: str) -> dict[str, Any] | None:
        """A stored entry's facts part (``{"facts": [...]}``), or None."""
        return self._part(key, FACTS)

    def body(self, key: str) -> dict[str, Any] | None:
        """A stored entry's body (document record fields, JSON lines, the input), or None."""
        return self._part(key, BODY)

    def _part(self, key: str, which: int) -> dict[str, Any] | None:
        if key in self.overrides:
            return self.overrides[key][which]
        try:
            with open(self.path(key), "rb") as f:
                head = f.read(len(_MAGIC) + 8 * PARTS)
                if len(head) < len(_MAGIC) + 8 * PARTS or not head.startswith(_MAGIC):
                    return None
                sizes = [int.from_bytes(head[len(_MAGIC) + 8 * i:len(_MAGIC) + 8 * i + 8], "little")
                         for i in range(PARTS)]
                f.seek(sum(sizes[:which]), os.SEEK_CUR)
                part = pickle.loads(f.read(sizes[which]))
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged entry is recomputed, never trusted
            return None
        return part if isinstance(part, dict) and part.get("format") == STORE_FORMAT else None

    # -- clustering state ----------------------------------------------------------------------

    @property
    def clusterer_path(self) -> Path:
        return self.root / "clusterer.pkl"

    def load_clusterer(self):
        """The persisted :class:`extract.dedup.Clusterer`, or None."""
        from extract import dedup

        if not self.clusterer_path.is_file():
            return None
        with contextlib.suppress(Exception):
            return dedup.Clusterer.load(self.clusterer_path)
        return None

    def save_clusterer(self, clusterer) -> None:
        """Persist through a temporary file, so a kill never leaves half a state."""
        with atomic_path(self.clusterer_path) as tmp:
            clusterer.persist(tmp)
