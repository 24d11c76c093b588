"""Export: the contract's output files, written atomically and deterministically.

Each file is written to a temporary name in the output folder and renamed over the old one
(``os.replace`` is atomic on POSIX), so a killed run leaves every file either the old complete
one or the new complete one.  ``manifest.json`` is written last.  JSON comes from orjson
(fast, UTF-8, no ASCII escaping); record order is the input order, so the same inputs give
byte-identical files.  Only ``manifest.json``'s ``timings`` differ between runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata
from typing import Any

from extract.model import Doc, Fact

KINDS = ("documents", "quantities", "dates", "entities", "facts")


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
