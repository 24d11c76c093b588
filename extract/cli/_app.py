"""The Typer application every command module registers on, and what the commands share."""

from __future__ import annotations

import re
import sys

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn Chinese news articles into verifiable facts: numbers, dates, entities.")


def err(msg: str) -> None:
    """A message for the user, on stderr (control characters from file names or articles shown, not obeyed)."""
    from extract.terminal import safe

    print(safe(msg, keep_lines=True), file=sys.stderr)


def check_date(value: str | None) -> str | None:
    """Typer callback: a YYYY-MM-DD option."""
    if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise typer.BadParameter("expected YYYY-MM-DD")
    return value


def check_threshold(value: float | None) -> float | None:
    """Typer callback: a Jaccard threshold, in (0, 1]."""
    if value is not None and not 0 < value <= 1:
        raise typer.BadParameter("a Jaccard similarity: more than 0, at most 1")
    return value


def write_out(body: str, out) -> None:
    """``body`` to the file ``out`` (atomically), or to stdout when ``out`` is None."""
    if out is None:
        sys.stdout.write(body)
    else:
        from extract.atomic import write_atomic

        write_atomic(out, [body.encode("utf-8")])
