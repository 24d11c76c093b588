"""``zh-extract run``: process articles into the contract's output files."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Annotated

import typer

from extract.cli._app import app, check_date, check_threshold, err


@app.command()
def run(
    inputs: Annotated[list[str], typer.Argument(help="files, directories, .jsonl batches, or - for stdin")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder")] = Path("outputs"),
    ref_date: Annotated[str | None, typer.Option(help="fallback reference date YYYY-MM-DD for relative dates",
                                                 callback=check_date)] = None,
    threshold: Annotated[float | None, typer.Option(help="near-duplicate Jaccard threshold (MinHash LSH), "
                                                        "between 0 and 1", callback=check_threshold)] = None,
    repair_from_versions: Annotated[bool, typer.Option(help="repair mojibake from a clean sibling version")] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", min=0,
                                         help="parallel worker processes (default: one per core)")] = 0,
    engine: Annotated[str, typer.Option(help="process (this machine) | dask (a Dask cluster) | inline")] = "process",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786 "
                                                       "(default: a local cluster)")] = None,
    force: Annotated[bool, typer.Option("--force", help="reprocess every document, even unchanged ones")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar and no summary on stderr")] = False,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0, help="seconds one document may take (per "
                                              "started million characters) before it is reported and skipped; "
                                              "0: no limit")] = 60.0,
    html: Annotated[Path | None, typer.Option("--html", help="also write an HTML view: a page per document "
                                                            "and index.html, into this folder")] = None,
) -> None:
    """Process articles and write the contract's JSONL files to OUT (incrementally: unchanged documents are reused)."""
    from extract import batch, pipeline

    if engine not in ("process", "dask", "inline"):
        raise typer.BadParameter("engine must be process, dask or inline", param_hint="--engine")
    if scheduler and engine != "dask":
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    opts = pipeline.Options(ref_date=ref_date, threshold=threshold, repair_from_versions=repair_from_versions)
    cfg = batch.RunConfig(workers=workers, engine=engine, scheduler=scheduler, force=force, quiet=quiet,
                          time_limit=time_limit or None)
    rep = run_or_exit(inputs, out, opts, cfg)
    if html is not None:
        from extract.view import write_run_html

        _or_exit(lambda: write_run_html(out, html), html)
    if not quiet:
        err(batch.run_summary(out, rep))


def run_or_exit(inputs: list[str], out: Path, opts, cfg):
    """The run's report; exit 1 with one line when it cannot be done (folder busy, unwritable, disk full)."""
    from extract import batch
    from extract.store import StoreBusy

    try:
        rep = _or_exit(lambda: batch.run(inputs, out, opts, cfg), out)
    except StoreBusy as e:
        err(str(e))
        raise typer.Exit(1) from None
    if not rep.counts.get("documents"):
        err("nothing could be processed")
        raise typer.Exit(1)
    return rep


def _or_exit(work, where: Path):
    """``work()``; a file-system error becomes one line (what and where) and exit 1, not a traceback.

    The writers have removed their temporaries by then (extract.atomic, extract.outdir)."""
    try:
        return work()
    except OSError as e:
        place = e.filename or where
        what = "cannot write: " if e.errno in _WRITE_ERRORS else ""
        err(f"{place}: {what}{e.strerror or e} (the outputs in {where} are those of the previous run, if any)")
        raise typer.Exit(1) from None


_WRITE_ERRORS = frozenset(getattr(errno, n) for n in ("ENOSPC", "EROFS", "EACCES", "EPERM", "EDQUOT", "EFBIG", "EIO")
                          if hasattr(errno, n))
