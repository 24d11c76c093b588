"""``zh-extract export DIR``: every record kind of a run as tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from extract.cli._app import app, err


def export_tables(outdir: Path, fmt: str, to: Path | None) -> int:
    """Write the tables, say where on stderr; 1 when DIR is not an output folder."""
    from extract import tables

    try:
        paths = tables.export(outdir, fmt, to)
    except FileNotFoundError as e:
        err(str(e))
        return 1
    where = paths[0].parent if fmt in ("csv", "parquet") else paths[0]
    err(f"{fmt}: {len(paths)} file(s) -> {where}")
    return 0


@app.command("export")
def export_command(
    outdir: Annotated[Path, typer.Argument(help="a zh-extract run output folder")],
    format: Annotated[str, typer.Option("--format", "-f", help="csv | parquet | sqlite | xlsx")] = "csv",
    to: Annotated[Path | None, typer.Option("--to", help="target (folder for csv/parquet, file for sqlite/xlsx); "
                                                        "default: inside OUTDIR")] = None,
) -> None:
    """Every record kind as a table: UTF-8 CSV with BOM, Parquet, SQLite or an Excel workbook."""
    from extract import tables

    if format not in tables.FORMATS:
        raise typer.BadParameter("format must be csv, parquet, sqlite or xlsx", param_hint="--format")
    raise typer.Exit(export_tables(outdir, format, to))
