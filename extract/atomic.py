"""Atomic file writing: the one mechanism every output of the project goes through.

A file is written to a temporary name in its own folder (``.NAME.XXXX.tmp``) and renamed over its
target only once it is complete (``os.replace`` is atomic on POSIX), so a killed run leaves every
file either the old complete one or the new complete one, never half of one.  On an error the
temporary is removed; after a kill, the next run removes what is left (:class:`extract.store.Store`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to (for writers that want a file name: pandas, SQLite,
    pyarrow); renamed over ``target`` when the block ends without an error, removed otherwise."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AtomicFiles:
    """Several files written side by side in one pass, all renamed into place on success.

    Each file is a temporary in ``folder``; on a clean exit every file is flushed, synced (unless
    ``sync=False``) and renamed over the old one; on an error the temporaries are removed and the
    old files stay.
    """

    def __init__(self, folder: Path, names: Iterable[str], sync: bool = True) -> None:
        self.folder = Path(folder)
        self.names = list(names)
        self.sync = sync
        self.files: dict[str, Any] = {}
        self.tmps: dict[str, str] = {}

    def __enter__(self) -> dict[str, Any]:
        self.folder.mkdir(parents=True, exist_ok=True)
        mode = 0o666 & ~_umask()
        for name in self.names:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
            os.chmod(tmp, mode)
            self.tmps[name] = tmp
            self.files[name] = os.fdopen(fd, "wb", buffering=1 << 20)
        return self.files

    def __exit__(self, exc_type, exc, tb) -> None:
        ok = exc_type is None
        try:
            if ok:
                for name, f in self.files.items():
                    try:
                        f.flush()
                        if self.sync:
                            os.fsync(f.fileno())
                        f.close()
                    except OSError as e:  # say which file (a write error names none)
                        raise OSError(e.errno, e.strerror, str(self.folder / name)) from e
                for name, tmp in self.tmps.items():
                    os.replace(tmp, self.folder / name)
        except BaseException:  # a full disk shows at flush or sync: the temporaries go, the old files stay
            ok = False
            raise
        finally:
            if not ok:
                for f in self.files.values():
                    with contextlib.suppress(OSError):
                        f.close()
                for tmp in self.tmps.values():
                    Path(tmp).unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes | Iterable[bytes], sync: bool = False) -> None:
    """``data`` (bytes, or pieces of it) to ``path`` atomically."""
    path = Path(path)
    with AtomicFiles(path.parent, [path.name], sync=sync) as files:
        for piece in [data] if isinstance(data, bytes) else data:
            files[path.name].write(piece)
