"""Command line: ``zh-extract run|diff|dedup|export|show|evaluate`` (``python -m extract`` is the same)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from extract import pipeline

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn Chinese news articles into verifiable facts: numbers, dates, entities.")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _check_date(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise typer.BadParameter("expected YYYY-MM-DD")
    return value


@app.command()
def run(
    inputs: Annotated[list[str], typer.Argument(help="files, directories, .jsonl batches, or - for stdin")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder")] = Path("outputs"),
    ref_date: Annotated[str | None, typer.Option(help="fallback reference date YYYY-MM-DD for relative dates",
                                                 callback=_check_date)] = None,
    threshold: Annotated[float | None, typer.Option(help="near-duplicate Jaccard threshold (MinHash LSH)")] = None,
    repair_from_versions: Annotated[bool, typer.Option(help="repair mojibake from a clean sibling version")] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", min=0,
                                         help="parallel worker processes (default: one per core)")] = 0,
    engine: Annotated[str, typer.Option(help="process (this machine) | dask (a Dask cluster) | inline")] = "process",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786 "
                                                       "(default: a local cluster)")] = None,
    force: Annotated[bool, typer.Option("--force", help="reprocess every document, even unchanged ones")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar and no summary on stderr")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="also write an HTML view: a page per document "
                                                            "and index.html, into this folder")] = None,
) -> None:
    """Process articles and write the contract's JSONL files to OUT (incrementally: unchanged documents are reused)."""
    from extract import batch
    from extract.store import StoreBusy

    if engine not in ("process", "dask", "inline"):
        raise typer.BadParameter("engine must be process, dask or inline", param_hint="--engine")
    if scheduler and engine != "dask":
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    opts = pipeline.Options(ref_date=ref_date, threshold=threshold, repair_from_versions=repair_from_versions)
    cfg = batch.RunConfig(workers=workers, engine=engine, scheduler=scheduler, force=force, quiet=quiet)
    try:
        rep = batch.run(inputs, out, opts, cfg)
    except StoreBusy as e:
        _err(str(e))
        raise typer.Exit(1) from None
    if not rep.counts.get("documents"):
        _err("nothing could be processed")
        raise typer.Exit(1)
    if html is not None:
        from extract.view import write_run_html

        write_run_html(out, html)
    if not quiet:
        _err(batch.run_summary(out, rep))


@app.command()
def diff(
    old: Path,
    new: Path,
    format: Annotated[str, typer.Option("--format", "-f", help="text | json | html")] = "text",
    min_change: Annotated[float, typer.Option(help="hide changed pairs with fewer changed characters (share)")] = 0.0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write to a file instead of stdout")] = None,
) -> None:
    """Compare two versions of an article: changed passages, sentences and facts."""
    from extract import diff as diff_mod

    if format not in ("text", "json", "html"):
        raise typer.BadParameter("format must be text, json or html")
    raise typer.Exit(diff_mod.cli_diff(old, new, format, min_change, out))


@app.command()
def dedup(
    inputs: list[str],
    threshold: Annotated[float | None, typer.Option(help="near-duplicate Jaccard threshold")] = None,
) -> None:
    """Report clusters of duplicate and near-duplicate articles with their similarity."""
    from extract import dedup as dedup_mod

    raise typer.Exit(dedup_mod.cli_dedup(inputs, threshold))


@app.command()
def export(
    outdir: Annotated[Path, typer.Argument(help="a zh-extract run output folder")],
    format: Annotated[str, typer.Option("--format", "-f", help="csv | parquet | sqlite | xlsx")] = "csv",
    to: Annotated[Path | None, typer.Option("--to", help="target (folder for csv/parquet, file for sqlite/xlsx); "
                                                        "default: inside OUTDIR")] = None,
) -> None:
    """Every record kind as a table: UTF-8 CSV with BOM, Parquet, SQLite or an Excel workbook."""
    from extract import tables

    if format not in tables.FORMATS:
        raise typer.BadParameter("format must be csv, parquet, sqlite or xlsx", param_hint="--format")
    raise typer.Exit(tables.cli_export(outdir, format, to))


@app.command()
def show(
    target: Annotated[str, typer.Argument(help="an input file (processed now), a doc_id in --out, "
                                               "or an output folder")],
    html: Annotated[Path | None, typer.Option("--html", help="write HTML: a page (one document, PATH.html) "
                                                            "or a folder with index.html")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder to look doc_ids up in")] = Path("outputs"),
    ref_date: Annotated[str | None, typer.Option(help="fallback reference date for inputs processed now",
                                                 callback=_check_date)] = None,
    color: Annotated[bool | None, typer.Option("--color/--no-color", help="ANSI colours (default: on a terminal)")]
    = None,
) -> None:
    """An article with its quantities, dates and entities highlighted, and its facts."""
    from extract import view

    raise typer.Exit(view.cli_show(target, html, out, ref_date, color))


@app.command()
def evaluate(
    gold_dir: Annotated[Path, typer.Argument(help="gold JSONL files (GOLD_FORMAT.md), one per article",
                                             exists=True, file_okay=False)],
    article_dir: Annotated[Path, typer.Argument(help="the articles: NAME.txt for each NAME.jsonl",
                                                exists=True, file_okay=False)],
    json_out: Annotated[Path | None, typer.Option("--json", help="also write every figure as JSON here")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="list every miss and false record with its "
                                                          "sentence")] = False,
    ref_date_from_gold: Annotated[bool, typer.Option("--ref-date-from-gold", help="resolve relative dates "
                                                     "against the gold ref_date, not the article's dateline")]
    = False,
) -> None:
    """Accuracy on annotated articles: P/R/F1 of quantities, dates, names, facts, metadata and version diffs."""
    from extract import evaluate as evaluate_mod

    raise typer.Exit(evaluate_mod.cli_evaluate(gold_dir, article_dir, json_out, errors, ref_date_from_gold))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
