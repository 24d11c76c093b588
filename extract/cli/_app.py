"""The Typer application every command module registers on, and what the commands share."""

from __future__ import annotations

import re
import sys

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn Chinese news articles into verifiable facts: numbers, dates, entities.")


def err(msg: str) -> None:
    """A message for the user, on stderr."""
    print(msg, file=sys.stderr)


def check_date(value: str | None) -> str | None:
    """Typer callback: a YYYY-MM-DD option."""
    if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise typer.BadParameter("expected YYYY-MM-DD")
    return value


def write_out(body: str, out) -> None:
    """``body`` to the file ``out`` (atomically), or to stdout when ``out`` is None."""
    if out is None:
        sys.stdout.write(body)
    else:
        from extract.atomic import write_atomic

        write_atomic(out, [body.encode("utf-8")])
