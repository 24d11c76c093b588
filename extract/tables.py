"""Tables: the JSONL outputs as typed DataFrames, and writers for CSV, Parquet, SQLite and XLSX.

Analysts work in pandas, spreadsheets and databases, so every record kind becomes a flat table
with real column types: dates as dates (Arrow ``date32``), values as float64, offsets and counts as
integers, flags as booleans.  Nested fields are kept losslessly as JSON text in a ``<name>_json``
column (the suffix is what marks them, in every format), so that :func:`to_records` can rebuild
exactly the JSONL records from any of the stored forms.  Facts get analyst-friendly extra columns
(``change_kind``/``change_value``/``change_unit``, ``mention_count``) and a child table
``fact_mentions`` with one row per place a fact is stated.

Values are float64 in every table: an integer beyond 2^53 (the JSONL writes it exactly, digit for digit)
is rounded to the nearest double here, in CSV, Parquet (``double``) and SQLite (``REAL``) alike; the
record's ``text`` keeps the figure as written (README, export section).

One in-memory form (a dict of DataFrames whose dtypes say the column types) and one set of column
types (``date``, ``float``, ``int``, ``bool``, ``str``, ``json``) serve every reader and writer, so a
round trip through Parquet or SQLite gives the same frames and the same records as the JSONL.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from extract import outdir
from extract.atomic import atomic_path

KINDS = ("documents", "quantities", "dates", "entities", "facts")
TABLES = (*KINDS, "fact_mentions")
FORMATS = ("csv", "parquet", "sqlite", "xlsx")

DATE_COLS = frozenset({"value_start", "value_end", "period_start", "period_end", "published", "ref_date"})
FLOAT_COLS = frozenset({"value", "value_max", "change_value", "change_before"})
# Types of fields that may be null in every record of a batch (so the data cannot tell).
KNOWN_TYPES = {
    "start": "int", "end": "int", "raw_start": "int", "raw_end": "int", "sentence": "int", "chars": "int",
    "count": "int", "mention": "int", "mention_count": "int", "line": "int", "relative": "bool",
}
# Fields whose values are lists or objects: always a ``<name>_json`` column, even when all null.
NESTED = frozenset({"change", "removed", "flags", "corrupt", "captions", "authors", "editors"})
# Columns derived for convenience: dropped when records are rebuilt (the JSON column is authoritative).
FACT_DERIVED = ("change_kind", "change_value", "change_unit", "mention_count")
INDEXES = {"documents": ("doc_id",), "quantities": ("doc_id",), "dates": ("doc_id",), "entities": ("doc_id", "label"),
           "facts": ("doc_id", "subject", "metric", "id"), "fact_mentions": ("fact_id", "doc_id")}
SQL_TYPES = {"date": "DATE", "float": "REAL", "int": "INTEGER", "bool": "BOOLEAN", "str": "TEXT", "json": "TEXT"}
XLSX_MAX_CELL = 32767
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------- reading the JSONL outputs

def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of one JSONL output file (an absent file is an empty kind)."""
    if not path.is_file():
        return []
    with path.open("rb") as f:
        return [orjson.loads(line) for line in f if line.strip()]


def read_records(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every kind's records from a ``zh-extract run`` output folder: the files of one run, always.

    The current generation is resolved once and every file opened before any is read
    (:func:`extract.outdir.open_files`), so a run switching generations meanwhile cannot mix two runs.
    """
    files = outdir.open_files(Path(folder), tuple(f"{kind}.jsonl" for kind in KINDS))
    try:
        return {kind: [orjson.loads(line) for line in f if line.strip()] if (f := files[f"{kind}.jsonl"]) else []
                for kind in KINDS}
    finally:
        for f in files.values():
            if f is not None:
                f.close()


# ---------------------------------------------------------------- column types

def _prototypes() -> dict[str, dict[str, Any]]:
    """One empty record per kind from the record model, so empty kinds still get their columns."""
    from extract.model import DateRec, Doc, Entity, Fact, Quantity

    span = {"doc_id": "", "id": "", "text": "", "start": 0, "end": 0, "raw_start": 0, "raw_end": 0}
    fact = Fact(id="", subject=None, metric=None, value=0, value_max=None, unit=None, approx=None,
                period_start=None, period_end=None, change=None, sentence="").to_json()
    return {"documents": Doc(source="", raw="").to_json(), "quantities": Quantity(**span).to_json(),
            "dates": DateRec(**span).to_json(), "entities": Entity(**span).to_json(), "facts": fact}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _parse_date(v: str) -> dt.date | None:
    if not _ISO_DATE.match(v):
        return None
    try:
        return dt.date.fromisoformat(v[:10])
    except ValueError:
        return None


def _date_ok(values: list[Any]) -> bool:
    """Strings that are an ISO date, possibly followed by ``T`` and a time (kept in ``<col>_time``)."""
    return all(isinstance(v, str) and _parse_date(v) is not None and (len(v) == 10 or v[10] == "T")
               for v in values)


def infer_type(name: str, values: list[Any], default: str | None = None) -> str:
    """Column type of a field from its name and its non-null values; ``json`` when nothing simpler fits."""
    vals = [v for v in values if v is not None]
    if any(isinstance(v, (list, dict)) for v in vals):
        return "json"
    if name in DATE_COLS and _date_ok(vals):
        return "date"
    if name in FLOAT_COLS and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return "float"
    if not vals:
        return KNOWN_TYPES.get(name, default or "str")
    if all(isinstance(v, bool) for v in vals):
        return "bool"
    if all(_is_int(v) for v in vals):
        return "int"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return "float"
    if all(isinstance(v, str) for v in vals):
        return "str"
    return "json"


def _dtype(ctype: str) -> Any:
    try:
        import pyarrow as pa
    except ImportError as e:  # dates are Arrow date32 columns
        raise ImportError("the tables need pyarrow: pip install 'zh-extract[export]'") from e

    return {"date": pd.ArrowDtype(pa.date32()), "float": "float64", "int": "Int64", "bool": "boolean",
            "str": object, "json": object}[ctype]


def column_type(name: str, series: pd.Series) -> str:
    """The column type a frame column carries (its dtype, and the ``_json`` suffix for JSON text)."""
    if isinstance(series.dtype, pd.ArrowDtype) and "date32" in str(series.dtype):
        return "date"
    if str(series.dtype) == "Int64":
        return "int"
    if str(series.dtype) == "boolean":
        return "bool"
    if str(series.dtype).startswith("float"):
        return "float"
    return "json" if name.endswith("_json") else "str"


def build_frame(columns: Mapping[str, list[Any]], types: Mapping[str, str]) -> pd.DataFrame:
    """A DataFrame from python column values (None for null) with the dtypes of ``types``."""
    data = {}
    for name, values in columns.items():
        ctype = types[name]
        if ctype == "float":
            values = [None if v is None else float(v) for v in values]
        data[name] = pd.Series(values, dtype=_dtype(ctype), name=name)
    n = len(next(iter(columns.values()))) if columns else 0
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def column_values(series: pd.Series) -> list[Any]:
    """Python values of a frame column with None for every kind of missing value."""
    ctype = column_type(str(series.name), series)
    out: list[Any] = []
    for v in series.tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
            out.append(None)
        elif ctype == "int":
            out.append(int(v))
        elif ctype == "bool":
            out.append(bool(v))
        elif ctype == "float":
            out.append(float(v))
        elif ctype == "date":
            out.append(v if type(v) is dt.date else pd.Timestamp(v).date())
        else:
            out.append(v)
    return out


# ---------------------------------------------------------------- flattening records to tables

def _dumps(v: Any) -> str | None:
    return None if v is None else orjson.dumps(v).decode("utf-8")


def _field_order(records: list[dict[str, Any]], proto: dict[str, Any]) -> list[str]:
    names = list(proto)
    seen = set(names)
    for r in records:
        for k in r:
            if k not in seen:
                seen.add(k)
                names.append(k)
    return names


def _table(records: list[dict[str, Any]], names: list[str], proto: dict[str, Any],
           extra: Mapping[str, list[tuple[str, list[Any], str]]] | None = None) -> pd.DataFrame:
    """Flatten records with fields ``names``: dates split date/time, nested fields to ``_json``."""
    cols: dict[str, list[Any]] = {}
    types: dict[str, str] = {}
    for name in names:
        values = [r.get(name) for r in records]
        default = infer_type(name, [proto.get(name)]) if proto.get(name) is not None else None
        ctype = infer_type(name, values, default)
        if ctype == "json" or name in NESTED:
            cols[f"{name}_json"] = [_dumps(v) for v in values]
            types[f"{name}_json"] = "json"
        elif ctype == "date":
            cols[name] = [None if v is None else _parse_date(v) for v in values]
            types[name] = "date"
            times = [v[11:] if isinstance(v, str) and len(v) > 10 else None for v in values]
            if name == "published" or any(t is not None for t in times):
                cols[f"{name}_time"] = times
                types[f"{name}_time"] = "str"
        else:
            cols[name] = values
            types[name] = ctype
        if extra and name in extra:  # convenience columns right after the field they come from
            for xname, xvalues, xtype in extra[name]:
                cols[xname] = xvalues
                types[xname] = xtype
    return build_frame(cols, types)


def flatten(recs: Mapping[str, list[dict[str, Any]]]) -> dict[str, pd.DataFrame]:
    """Every kind's records as a typed table, plus the ``fact_mentions`` child table."""
    protos = _prototypes()
    tables: dict[str, pd.DataFrame] = {}
    for kind in KINDS:
        records = list(recs.get(kind, []))
        proto = protos[kind]
        names = _field_order(records, proto)
        extra: dict[str, Any] = {}
        if kind == "facts":
            names = [n for n in names if n != "mentions"]
            changes = [r.get("change") if isinstance(r.get("change"), dict) else {} for r in records]
            extra["change"] = [
                ("change_kind", [c.get("kind") for c in changes], "str"),
                ("change_value", [c.get("value") for c in changes], "float"),
                ("change_unit", [c.get("unit") for c in changes], "str"),
            ]
            extra["sentence"] = [("mention_count", [len(r.get("mentions") or []) for r in records], "int")]
            extra = {k: v for k, v in extra.items() if k in names}
        tables[kind] = _table(records, names, proto, extra)
    tables["fact_mentions"] = _mentions_table(recs.get("facts", []))
    return tables


def _mentions_table(facts: Iterable[dict[str, Any]]) -> pd.DataFrame:
    rows = [{"fact_id": f.get("id"), "mention": i, **m}
            for f in facts for i, m in enumerate(f.get("mentions") or [])]
    proto = {"fact_id": "", "mention": 0, "doc_id": "", "start": 0, "end": 0, "raw_start": 0, "raw_end": 0}
    return _table(rows, _field_order(rows, proto), proto)


# ---------------------------------------------------------------- rebuilding records from tables

def to_records(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[dict[str, Any]]]:
    """The JSONL records again, from tables made by :func:`flatten` (or read back from any format)."""
    mentions: dict[Any, list[dict[str, Any]]] = {}
    if "fact_mentions" in tables:
        for row in _rows(tables["fact_mentions"]):
            fid = row.pop("fact_id")
            row.pop("mention", None)
            mentions.setdefault(fid, []).append(row)
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        df = tables.get(kind)
        rows = [] if df is None else _rows(df)
        if kind == "facts":
            for r in rows:
                for k in FACT_DERIVED:
                    r.pop(k, None)
                r["mentions"] = mentions.get(r["id"], [])
        out[kind] = rows
    return out


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Records of a table: ``_json`` columns decoded, dates as ISO strings joined with their ``_time``."""
    cols = {c: column_values(df[c]) for c in df.columns}
    types = {c: column_type(c, df[c]) for c in df.columns}
    rows: list[dict[str, Any]] = [{} for _ in range(len(df))]
    for c, values in cols.items():
        if c.endswith("_time") and types.get(c[:-5]) == "date":
            continue
        if types[c] == "json":
            key = c[:-5] if c.endswith("_json") else c
            for r, v in zip(rows, values, strict=True):
                r[key] = None if v is None else orjson.loads(v)
        elif types[c] == "date":
            times = cols.get(f"{c}_time", [None] * len(values))
            for r, v, t in zip(rows, values, times, strict=True):
                r[c] = None if v is None else v.isoformat() + (f"T{t}" if t else "")
        elif types[c] == "float":
            for r, v in zip(rows, values, strict=True):
                r[c] = int(v) if v is not None and v.is_integer() and abs(v) < 2**63 else v
        else:
            for r, v in zip(rows, values, strict=True):
                r[c] = v
    return rows


# ---------------------------------------------------------------- load

def load(path: str | Path) -> dict[str, pd.DataFrame]:
    """Tables of an output: a ``zh-extract run`` folder (JSONL), a Parquet export folder or a SQLite file."""
    p = Path(path)
    if p.is_dir() and (p / "documents.jsonl").is_file():
        return flatten(read_records(p))
    if p.is_dir() and (p / "documents.parquet").is_file():
        return read_parquet(p)
    if p.is_dir() and (p / "parquet" / "documents.parquet").is_file():
        return read_parquet(p / "parquet")
    if p.is_file() and p.read_bytes()[:16] == b"SQLite format 3\x00":
        return read_sqlite(p)
    raise FileNotFoundError(f"{p}: not a zh-extract output folder, Parquet export folder or SQLite export")


# ---------------------------------------------------------------- writers

def write_csv(tables: Mapping[str, pd.DataFrame], folder: Path) -> list[Path]:
    """One UTF-8 CSV with BOM per table (the BOM is what makes Excel read Chinese correctly)."""
    paths = []
    for name, df in tables.items():
        target = Path(folder) / f"{name}.csv"
        with atomic_path(target) as tmp:
            df.to_csv(tmp, index=False, encoding="utf-8-sig")
        paths.append(target)
    return paths


def _arrow_table(df: pd.DataFrame):
    import pyarrow as pa

    arrow = {"date": pa.date32(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(),
             "str": pa.string(), "json": pa.string()}
    fields, arrays = [], []
    for c in df.columns:
        ctype = column_type(c, df[c])
        fields.append(pa.field(c, arrow[ctype]))
        arrays.append(pa.array(column_values(df[c]), type=arrow[ctype]))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata={b"producer": b"zh-extract"}))


def write_parquet(tables: Mapping[str, pd.DataFrame], folder: Path) -> list[Path]:
    """One Parquet file per table, with explicit Arrow types (date32, float64, int64, bool, string)."""
    import pyarrow.parquet as pq

    paths = []
    for name, df in tables.items():
        target = Path(folder) / f"{name}.parquet"
        with atomic_path(target) as tmp:
            pq.write_table(_arrow_table(df), tmp, compression="zstd")
        paths.append(target)
    return paths


def read_parquet(folder: Path) -> dict[str, pd.DataFrame]:
    """Tables from a Parquet export folder (the Arrow types give the column types back)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = {}
    for name in TABLES:
        path = Path(folder) / f"{name}.parquet"
        if not path.is_file():
            continue
        t = pq.read_table(path)
        types = {}
        for f in t.schema:
            if pa.types.is_date(f.type):
                types[f.name] = "date"
            elif pa.types.is_floating(f.type):
                types[f.name] = "float"
            elif pa.types.is_integer(f.type):
                types[f.name] = "int"
            elif pa.types.is_boolean(f.type):
                types[f.name] = "bool"
            else:
                types[f.name] = "json" if f.name.endswith("_json") else "str"
        tables[name] = build_frame({c: t.column(c).to_pylist() for c in t.column_names}, types)
    return tables


def _sql_value(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def write_sqlite(tables: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """One SQLite database, a table per kind, indexes on doc_id, subject and metric (dates as ISO text)."""
    with atomic_path(Path(path)) as tmp:
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            for name, df in tables.items():
                _sqlite_table(con, name, df)
            con.commit()
        finally:
            con.close()
    return Path(path)


def _sqlite_table(con: sqlite3.Connection, name: str, df: pd.DataFrame) -> None:
    """One table with its declared column types, its rows and its indexes."""
    cols = list(df.columns)
    decl = ", ".join(f'"{c}" {SQL_TYPES[column_type(c, df[c])]}' for c in cols)
    con.execute(f'CREATE TABLE "{name}" ({decl})')
    values = [[_sql_value(v) for v in column_values(df[c])] for c in cols]
    marks = ", ".join("?" for _ in cols)
    con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', zip(*values, strict=True) if cols else [])
    for c in INDEXES.get(name, ()):
        if c in cols:
            con.execute(f'CREATE INDEX "ix_{name}_{c}" ON "{name}" ("{c}")')


def read_sqlite(path: Path) -> dict[str, pd.DataFrame]:
    """Tables from a SQLite export (the declared column types give the column types back)."""
    back = {"DATE": "date", "REAL": "float", "INTEGER": "int", "BOOLEAN": "bool"}
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid")]
        tables = {}
        for name in names:
            info = con.execute(f'PRAGMA table_info("{name}")').fetchall()
            cols = [r[1] for r in info]
            types = {r[1]: back.get(r[2].upper(), "json" if r[1].endswith("_json") else "str") for r in info}
            rows = con.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            data: dict[str, list[Any]] = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
            for c in cols:
                if types[c] == "date":
                    data[c] = [None if v is None else dt.date.fromisoformat(v) for v in data[c]]
                elif types[c] == "bool":
                    data[c] = [None if v is None else bool(v) for v in data[c]]
            tables[name] = build_frame(data, types)
        return tables
    finally:
        con.close()


def _xlsx_cell(v: Any) -> Any:
    if isinstance(v, str):
        v = _ILLEGAL_XLSX.sub("\ufffd", v)
        if len(v) > XLSX_MAX_CELL:  # Excel's hard limit per cell; the JSONL keeps the full text
            v = v[: XLSX_MAX_CELL - 1] + "…"
    return v


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """One workbook, a sheet per table, dates as Excel dates, frozen header row."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, df in tables.items():
        if len(df) + 1 > 1_048_576:
            raise ValueError(f"table {name} has {len(df)} rows, more than an Excel sheet holds")
        _xlsx_sheet(wb.create_sheet(title=name[:31]), df)
    with atomic_path(Path(path)) as tmp:
        wb.save(tmp)
    return Path(path)


def _xlsx_sheet(ws: Any, df: pd.DataFrame) -> None:
    """A sheet of one table: header row frozen, dates as Excel dates."""
    cols = list(df.columns)
    ws.append(cols)
    values = [column_values(df[c]) for c in cols]
    for row in zip(*values, strict=True):
        ws.append([_xlsx_cell(v) for v in row])
    for i, c in enumerate(cols, 1):
        if column_type(c, df[c]) == "date":
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"


def default_target(outdir: Path, fmt: str) -> Path:
    """Where ``zh-extract export DIR --format F`` writes when not told: beside the JSONL in DIR."""
    return Path(outdir) / {"csv": "csv", "parquet": "parquet", "sqlite": "export.sqlite", "xlsx": "export.xlsx"}[fmt]


def export(outdir: Path, fmt: str, to: Path | None = None) -> list[Path]:
    """Write the tables of a run output folder in ``fmt``; return the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    tables = load(outdir)
    target = Path(to) if to is not None else default_target(outdir, fmt)
    if fmt == "csv":
        return write_csv(tables, target)
    if fmt == "parquet":
        return write_parquet(tables, target)
    if fmt == "sqlite":
        return [write_sqlite(tables, target)]
    return [write_xlsx(tables, target)]
