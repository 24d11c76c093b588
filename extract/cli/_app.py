"""The Typer application every command module registers on, and what the commands share."""

from __future__ import annotations

import sys

import typer

from extract.timestamps import read_date

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn Chinese news articles into verifiable facts: numbers, dates, entities.")


def err(msg: str) -> None:
    """A message for the user, on stderr (control characters from file names or articles shown, not obeyed)."""
    from extract.terminal import safe

    print(safe(msg, keep_lines=True), file=sys.stderr)


def check_date(value: str | None) -> str | None:
    """Typer callback: a YYYY-MM-DD option that is a real day (2024-13-45 is a usage error, exit 2).

    A real day outside the plausible years (0001-01-01, a placeholder) is reported and ignored: the
    run goes on without it, as it does with an implausible ``published`` of an input.
    """
    if value is None:
        return None
    r = read_date(value)
    if r.out_of_range:
        err(f"--ref-date: {value} ({r.why}): ignored")
        return None
    if r.iso is None:
        raise typer.BadParameter(f"expected YYYY-MM-DD ({r.why})")
    return r.iso


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
