"""``zh-extract diff OLD NEW``: what changed between two versions of an article."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from extract.cli._app import app, err, write_out


def diff_files(old: Path, new: Path, fmt: str = "text", min_change: float = 0.0, out: Path | None = None) -> int:
    """Process both files on their own, diff them and write text, JSON or HTML; the exit code."""
    from extract import batch, diff, pipeline

    opts = pipeline.Options()
    docs = batch.documents([str(old)], opts, err) + batch.documents([str(new)], opts, err)
    if len(docs) != 2:
        err(f"diff needs exactly two documents, got {len(docs)}")
        return 1
    result = diff.diff_docs(docs[0], docs[1], min_change=min_change)
    if fmt == "json":
        body = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "html":
        body = diff.render_html(result)
    else:
        from extract.terminal import safe_tree

        color = out is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        body = diff.render_text(safe_tree(result), color=color)  # the articles' control characters shown, not obeyed
    write_out(body, out)
    return 0


@app.command("diff")
def diff_command(
    old: Path,
    new: Path,
    format: Annotated[str, typer.Option("--format", "-f", help="text | json | html")] = "text",
    min_change: Annotated[float, typer.Option(help="hide changed pairs with fewer changed characters (share)")] = 0.0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write to a file instead of stdout")] = None,
) -> None:
    """Compare two versions of an article: changed passages, sentences and facts."""
    if format not in ("text", "json", "html"):
        raise typer.BadParameter("format must be text, json or html")
    raise typer.Exit(diff_files(old, new, format, min_change, out))
