"""``zh-extract evaluate GOLD_DIR ARTICLE_DIR``: accuracy on annotated articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from extract.cli._app import app, err


def evaluate_dirs(gold_dir: Path, article_dir: Path, json_out: Path | None = None, errors: bool = False,
                  ref_date_from_gold: bool = False) -> int:
    """Figures on stdout, bad gold on stderr; the exit code (1 when no gold file could be scored)."""
    from extract import evaluate

    result = evaluate.evaluate(gold_dir, article_dir, ref_date_from_gold)
    if not result.docs:
        err(f"no gold file of {gold_dir} could be scored")
        return 1
    mode = "gold ref_date" if ref_date_from_gold else "the articles' own datelines"
    print(f"{len(result.docs)} gold files, reference dates from {mode}\n")
    print(evaluate.render_figures(result.totals()))
    print()
    print(evaluate.render_documents(result))
    if errors:
        print()
        print(evaluate.render_errors(result.errors()))
    if json_out is not None:
        data = json.dumps(evaluate.to_json(result, gold_dir, article_dir), ensure_ascii=False, indent=1)
        try:
            json_out.write_text(data + "\n", encoding="utf-8")
        except OSError as e:
            err(f"{json_out}: cannot write ({e.strerror or e})")
            return 1
    return 0


@app.command("evaluate")
def evaluate_command(
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
    raise typer.Exit(evaluate_dirs(gold_dir, article_dir, json_out, errors, ref_date_from_gold))
