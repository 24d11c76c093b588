"""Export: the contract's output files, written atomically and deterministically.

Each file is written to a temporary name in the output folder and renamed over the old one
(``os.replace`` is atomic on POSIX), so a killed run leaves every file either the old complete
one or the new complete one.  ``manifest.json`` is written last.  JSON comes from orjson
(fast, UTF-8, no ASCII escaping); record order is the input order, so the same inputs give
byte-identical files.  Only ``manifest.json``'s ``timings`` differ between runs.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from extract.model import Doc, Fact

KINDS = ("documents", "quantities", "dates", "entities", "facts")


def atomic_write(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``path`` through a temporary file and an atomic rename."""
    with AtomicFiles(path.parent, [path.name]) as files:
        for c in chunks:
            files[path.name].write(c)


def records(docs: list[Doc], facts: list[Fact]) -> dict[str, Iterable[dict[str, Any]]]:
    """Every output kind as a stream of JSON-ready dicts."""
    return {
        "documents": (d.to_json() for d in docs),
        "quantities": (q.to_json() for d in docs for q in d.quantities),
        "dates": (x.to_json() for d in docs for x in d.dates),
        "entities": (x.to_json() for d in docs for x in d.entities),
        "facts": (f.to_json() for f in facts),
    }


def versions() -> dict[str, str]:
    out = {}
    for pkg in ("zh-extract", "jieba", "opencc", "spacy", "datasketch"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "unknown"
    return out


class AtomicFiles:
    """Several output files written side by side in one pass, all renamed into place on success.

    Each file is written to a temporary name in the output folder; on a clean exit every file is
    flushed, synced and renamed over the old one (``os.replace``: atomic), on an error the
    temporaries are removed and the old files stay.  A kill leaves only temporaries, which the
    next run removes (:class:`extract.store.Store`).
    """

    def __init__(self, folder: Path, names: Iterable[str]) -> None:
        self.folder = Path(folder)
        self.names = list(names)
        self.files: dict[str, Any] = {}
        self.tmps: dict[str, str] = {}

    def __enter__(self) -> dict[str, Any]:
        self.folder.mkdir(parents=True, exist_ok=True)
        umask = os.umask(0)
        os.umask(umask)
        for name in self.names:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
            os.chmod(tmp, 0o666 & ~umask)
            self.tmps[name] = tmp
            self.files[name] = os.fdopen(fd, "wb", buffering=1 << 20)
        return self.files

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                for f in self.files.values():
                    f.flush()
                    os.fsync(f.fileno())
        finally:
            for f in self.files.values():
                f.close()
            if exc_type is not None:
                for tmp in self.tmps.values():
                    Path(tmp).unlink(missing_ok=True)
        if exc_type is None:
            for name, tmp in self.tmps.items():
                os.replace(tmp, self.folder / name)
