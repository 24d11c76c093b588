"""Python API: ``extract.load(DIR)`` for the tables of a run, ``extract.extract_text(text)`` for one string.

Both return what the files hold, in the form analysts use: ``load`` gives pandas DataFrames per
record kind (see :mod:`extract.tables`), ``extract_text`` gives the JSON-ready records of one
article (the same dicts as the JSONL lines), or DataFrames with ``as_tables=True``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extract.tables import KINDS

__all__ = ["extract_text", "load"]


def load(path: str | Path) -> dict[str, Any]:
    """DataFrames per kind (``documents``, ``quantities``, ``dates``, ``entities``, ``facts``, ``fact_mentions``).

    ``path`` is a ``zh-extract run`` output folder, a Parquet export folder or a SQLite export file.
    """
    from extract.tables import load as _load

    return _load(path)


def extract_text(text: str, ref_date: str | None = None, *, title: str | None = None,
                 published: str | None = None, source: str = "<text>", as_tables: bool = False) -> dict[str, Any]:
    """Run the whole pipeline on one article and return its records per kind.

    ``ref_date`` (YYYY-MM-DD) resolves relative dates (今年, 上月) when ``published`` is not given.
    The result maps ``documents`` (one record), ``quantities``, ``dates``, ``entities`` and ``facts``
    to lists of dicts exactly as in the JSONL outputs; ``as_tables=True`` gives DataFrames instead.
    """
    from extract import batch, facts, pipeline
    from extract.export import records
    from extract.model import Doc
    from extract.timestamps import read, read_date

    if not isinstance(text, str) or not text.strip():
        raise ValueError("text is empty")
    stamp = read(published) if published else None
    if stamp is not None and stamp.iso is None:
        raise ValueError(f"published is not a date ({stamp.why}): {published!r}")
    if ref_date is not None and (day := read_date(ref_date)).iso is None:
        raise ValueError(f"ref_date is not a date ({day.why}): {ref_date!r}")
    iso = stamp.iso if stamp else None
    errors: list[str] = []
    docs = batch.documents([Doc(source=source, raw=text, title=title, published=iso)],
                           pipeline.Options(ref_date=ref_date), errors.append)
    if not docs:
        raise ValueError("; ".join(errors))
    recs = {k: list(v) for k, v in records(docs, facts.merge(docs)).items()}
    if as_tables:
        from extract.tables import flatten

        return flatten(recs)
    assert set(recs) == set(KINDS)
    return recs
