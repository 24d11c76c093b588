"""Command line: ``zh-extract run|diff|dedup|export|show|evaluate`` (``python -m extract`` is the same program).

One module per command, as ``spacy/cli``; library modules never import from here.  Each command
parses its options, calls the library and turns what it returns into output and an exit code.
"""

from __future__ import annotations

import os

# numpy's OpenBLAS starts a thread pool when numpy loads; the pipeline makes no BLAS calls, and the idle
# threads cost about 0.1 G instructions per run. Before numpy loads, and only if the user set nothing.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from extract.cli import dedup, diff, evaluate, export, run, show  # noqa: F401 - each registers its command
from extract.cli._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
