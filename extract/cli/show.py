"""``zh-extract show``: an article with its records highlighted, in the terminal or as HTML.

The command modules import the library inside their functions: ``zh-extract run`` should not load
pandas, nor ``zh-extract export`` spaCy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from extract.cli._app import app, check_date, err

Recs = dict[str, list[dict]]


class ShowError(Exception):
    """A target that names neither an input file nor a document of the output folder."""


def resolve(target: str, outdir: Path, ref_date: str | None = None) -> tuple[Recs, list[dict]]:
    """Records and the documents to show for ``zh-extract show TARGET``.

    TARGET is an output folder (all its documents), an input (file, folder, .jsonl or ``-``: processed
    now), or a doc_id (or a unique prefix of one) looked up in ``outdir``.
    """
    from extract import batch, facts, pipeline
    from extract.export import records
    from extract.tables import read_records

    p = Path(target)
    if p.is_dir() and (p / "documents.jsonl").is_file():
        recs = read_records(p)
        return recs, recs["documents"]
    if target == "-" or p.exists():
        msgs: list[str] = []
        docs = batch.documents([target], pipeline.Options(ref_date=ref_date), msgs.append)
        if not docs:
            raise ShowError("; ".join(msgs) or f"{target}: nothing could be processed")
        recs = {k: list(v) for k, v in records(docs, facts.merge(docs)).items()}
        return recs, recs["documents"]
    if not (Path(outdir) / "documents.jsonl").is_file():
        raise ShowError(f"{target}: no such file, and no output folder {outdir} to look the doc_id up in "
                        "(give it with --out)")
    recs = read_records(Path(outdir))
    exact = [d for d in recs["documents"] if d["doc_id"] == target]
    found = exact or [d for d in recs["documents"] if d["doc_id"].startswith(target)]
    if not found:
        raise ShowError(f"{target}: no such file, and no document with that doc_id in {outdir}")
    if len(found) > 1:
        raise ShowError(f"{target}: ambiguous doc_id prefix ({', '.join(d['doc_id'] for d in found[:5])} ...)")
    return recs, found


def show_target(target: str, html_path: Path | None, outdir: Path, ref_date: str | None = None,
                color: bool | None = None) -> int:
    """The terminal view, or with ``html_path`` a page (one document) or a site (several); the exit code."""
    from extract import view
    from extract.atomic import write_atomic

    try:
        recs, docs = resolve(target, outdir, ref_date)
    except ShowError as e:
        err(str(e))
        return 1
    if html_path is not None:
        if len(docs) == 1 and html_path.suffix.lower() in (".html", ".htm"):
            write_atomic(html_path, [view.doc_page(recs, docs[0]).encode("utf-8")])
            err(f"wrote {html_path}")
        else:
            written = view.write_site(html_path, {**recs, "documents": docs})
            err(f"wrote {len(written) - 1} pages and {written[0]}")
        return 0
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for d in docs:
        sys.stdout.write(view.terminal_page(recs, d, color))
    return 0


@app.command("show")
def show_command(
    target: Annotated[str, typer.Argument(help="an input file (processed now), a doc_id in --out, "
                                               "or an output folder")],
    html: Annotated[Path | None, typer.Option("--html", help="write HTML: a page (one document, PATH.html) "
                                                            "or a folder with index.html")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder to look doc_ids up in")] = Path("outputs"),
    ref_date: Annotated[str | None, typer.Option(help="fallback reference date for inputs processed now",
                                                 callback=check_date)] = None,
    color: Annotated[bool | None, typer.Option("--color/--no-color", help="ANSI colours (default: on a terminal)")]
    = None,
) -> None:
    """An article with its quantities, dates and entities highlighted, and its facts."""
    raise typer.Exit(show_target(target, html, out, ref_date, color))
