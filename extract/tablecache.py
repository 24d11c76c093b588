"""Tables made at start-up from the dictionaries and rules, kept on disk between runs.

Every run used to rebuild the same tables before its first document: jieba's 350,000 words plus the
user words, and the tokenizer's score tables, about 1.5 s of a 3–4 s start (longer than processing a
small batch).  As jieba keeps a cache of its own dictionary, the finished tables are pickled into the
user's cache folder and read back in a fraction of that time.

A cache file is named by a hash of everything the tables are made from: the project's code and
rules (:func:`extract.store.code_version`), the Python version and the versions and files the caller
names (jieba's, numpy's).  Any change gives a new name, so a stale table is never read; when a new one is
written, only the newest three files of the table are kept.  A missing, unreadable or corrupt file
means the table is built as before: the cache never fails a run.

``ZH_EXTRACT_CACHE`` names another folder; ``ZH_EXTRACT_CACHE=off`` (or ``0``, ``no``) turns the cache
off.  The default is ``$XDG_CACHE_HOME/zh-extract`` (``~/.cache/zh-extract``).  The files are pickles:
they are read only from that folder, which belongs to the user running the pipeline.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from extract.atomic import write_atomic

T = TypeVar("T")
KEEP = 3  # files kept per table: the newest (older ones are of code, rules or installs since replaced)
_OFF = frozenset({"0", "off", "no", "false"})


def cache_dir() -> Path | None:
    """The folder of the cached tables, or None when the cache is off (or there is no home folder)."""
    env = os.environ.get("ZH_EXTRACT_CACHE", "").strip()
    if env:
        return None if env.lower() in _OFF else Path(env)
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # no home folder to be found
        return None
    return Path(base) / "zh-extract"


def file_stamp(path: Path) -> str:
    """A file's identity for a cache key (path, size, modification time): an edited dictionary is a new key."""
    try:
        st = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def cache_key(parts: tuple[str, ...]) -> str:
    """The hash naming a table's file: the code and rules, the Python version and the caller's ``parts``."""
    from extract.store import code_version  # not at import: the store is not needed to read a table

    text = "\0".join((code_version(), sys.version, f"pickle {pickle.HIGHEST_PROTOCOL}", *parts))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def load_or_build(name: str, parts: tuple[str, ...], build: Callable[[], T]) -> T:
    """The table ``name`` from the cache if it holds one made from the same inputs, else ``build()`` (kept)."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{cache_key(parts)}.pickle"
    found = _read(path)
    if found is not None:
        return found
    value = build()
    _write(folder, name, path, value)
    return value


def _read(path: Path) -> object | None:
    """The pickled table at ``path``; None if there is none or it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of objects: no cyclic collections while they load (half the time)
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a truncated or foreign file: build the table instead
        return None
    finally:
        if enabled:
            gc.enable()


def _write(folder: Path, name: str, path: Path, value: object) -> None:
    """Keep ``value`` at ``path`` (atomically) and drop all but the newest ``KEEP`` files of table ``name``
    (two installs used in turn, each with its own jieba, keep their own tables); never raises."""
    with contextlib.suppress(OSError, pickle.PicklingError):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        others = sorted((p for p in folder.glob(f"{name}-*.pickle") if p != path), key=_mtime, reverse=True)
        for old in others[KEEP - 1:]:
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
