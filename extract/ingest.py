"""Ingest: every input form of the contract, decoded, as :class:`Doc` objects or clear errors.

Inputs are files (.txt .md .html .htm), directories (walked recursively, in sorted order),
``.jsonl`` batches (one article a line) and ``-`` for standard input.  Encodings are detected,
not assumed: a BOM decides; else strict UTF-8; else charset-normalizer chooses among the
Chinese encodings (GB18030 covers GBK and GB2312; Big5).  Bad input never raises: it yields an
:class:`InputError` naming ``path[:line]`` and the batch goes on.

For HTML the article (headline, dateline, body; paragraphs kept as lines) and the page's metadata
are taken by :mod:`extract.pages`; the raw text that raw offsets index is then the extracted text,
since positions inside markup would not be the article's characters.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from charset_normalizer import from_bytes

from extract import timestamps
from extract.model import Doc

SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl"}
_CANDIDATES = ["utf_8", "gb18030", "big5", "big5hkscs", "utf_16"]


@dataclass(slots=True)
class InputError:
    """One bad input: where, and what is wrong with it."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def parse_datetime(s: str) -> str | None:
    """ISO form of a stated publication date/time, in every form :mod:`extract.timestamps` reads."""
    return timestamps.parse(s)


def decode(data: bytes) -> tuple[str | None, str]:
    """Text and encoding name, or (None, reason) for binary or undecodable bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:4096]:
        return None, "binary file (NUL bytes)"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        return None, "undecodable (not UTF-8, GB18030 or Big5)"
    text = str(best)
    if _controls(text) > 0.05:
        return None, "binary file (control characters)"
    return text, best.encoding


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls but tab, LF, CR


def _controls(text: str) -> float:
    """Share of control characters in the first 20,000 characters: a binary file, not an article."""
    sample = text[:20000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def _from_text(source: str, text: str, is_html: bool = False, **meta) -> Doc | InputError:
    if is_html:  # the article and what the page says about it (extract/pages.py)
        from extract import pages

        page = pages.read_page(text, meta.get("url"))
        if page.why:
            return InputError(source, page.why)
        text, meta = page.text, pages.doc_fields(page, meta)
    if not text.strip():
        return InputError(source, "empty text")
    if _controls(text) > 0.05:
        return InputError(source, "binary content (control characters)")
    doc = Doc(source=source, raw=text, **meta)
    return doc


def html_to_text(page: str) -> str:
    """Article text of an HTML page, one paragraph a line (see :mod:`extract.pages`)."""
    from extract import pages

    return pages.read_page(page).text


def read_file(path: Path) -> Iterator[Doc | InputError]:
    """Docs (or errors) from one file; a ``.jsonl`` file line by line (see :func:`read_jsonl`)."""
    yield from (x for x, _ in _file_items(path))


def _file_items(path: Path) -> Iterator[tuple[Doc | InputError, int]]:
    """The articles of one file with the input bytes each stands for."""
    if path.suffix.lower() == ".jsonl":
        yield from read_jsonl(path)
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        yield InputError(str(path), f"unreadable: {e.strerror or e}"), 0
        return
    if not data.strip():
        yield InputError(str(path), "empty file"), len(data)
        return
    text, enc = decode(data)
    if text is None:
        yield InputError(str(path), enc), len(data)
        return
    yield _from_text(str(path), text, is_html=path.suffix.lower() in (".html", ".htm")), len(data)


def read_jsonl(path: Path) -> Iterator[tuple[Doc | InputError, int]]:
    """One article per line, read a line at a time (an archive of any size is never in memory at once).

    Lines end at ``\n`` only, as JSON Lines says (``str.splitlines`` would also break at U+2028
    inside JSON strings).  Every bad line is reported with its number and skipped.
    """
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below; the generator may stop early
    except OSError as e:
        yield InputError(str(path), f"unreadable: {e.strerror or e}"), 0
        return
    with f:
        for n, line in enumerate(f, 1):
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if line.strip():
                items = jsonl_record(f"{path}:{n}", line, n)
                yield from ((x, len(line) if i == len(items) - 1 else 0) for i, x in enumerate(items))


def jsonl_record(where: str, line: bytes, n: int) -> list[Doc | InputError]:
    """One JSONL line as a Doc (after a warning when its ``published`` is unreadable), or an error.

    Errors and warnings name ``path:line``.
    """
    text, enc = decode(line)
    if text is None:
        return [InputError(where, enc)]
    rec = _json_object(text)
    if isinstance(rec, str):
        return [InputError(where, rec)]
    body, rid = rec.get("text"), rec.get("id")
    if not isinstance(body, str):
        return [InputError(where, "missing string field 'text'")]
    if rid is None:
        return [InputError(where, "missing field 'id'")]
    published = rec.get("published")
    stamp = timestamps.read(str(published)) if isinstance(published, str | int | float) else None
    iso = stamp.iso if stamp else None
    out: list[Doc | InputError] = []
    if published is not None and iso is None:
        why = stamp.why if stamp else "not a date or time"
        out.append(InputError(where, f"field 'published' ({why}): {published!r} (ignored)"))
    meta = {"line": n, "title": _str(rec.get("title")), "url": _str(rec.get("url")),
            "site": _str(rec.get("source")), "published": iso}
    doc = _from_text(_fix_surrogates(str(rid)), _fix_surrogates(body), is_html=bool(rec.get("html")), **meta)
    if isinstance(doc, InputError):
        doc.where = where
    elif iso:
        doc.ref_date_source = "jsonl"
    return [*out, doc]


def _json_object(text: str) -> dict | str:
    """The JSON object of a line, or what is wrong with it."""
    try:
        rec = orjson.loads(text)
    except orjson.JSONDecodeError:
        try:  # lone surrogates: orjson refuses them, the stdlib reads them and they are replaced
            import json

            rec = json.loads(text)
        except (ValueError, RecursionError) as e:
            return f"invalid JSON ({str(e.args[0] if e.args else e)[:200]})"
    return rec if isinstance(rec, dict) else "not a JSON object"


def _str(v: object) -> str | None:
    return _fix_surrogates(v) if isinstance(v, str) and v.strip() else None


def _fix_surrogates(s: str) -> str:
    """Lone surrogates cannot be written as UTF-8: each becomes U+FFFD (same length, offsets kept)."""
    return re.sub("[\ud800-\udfff]", "\ufffd", s)


def walk(paths: list[str]) -> Iterator[Path | str | InputError]:
    """Expand directories (sorted, recursive) to files of the known kinds; '-' stays '-'."""
    for p in paths:
        if p == "-":
            yield "-"
            continue
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."):
                    yield f
        elif path.is_file():
            yield path
        else:
            yield InputError(p, "no such file or directory")


def read_stream(paths: list[str]) -> Iterator[tuple[Doc | InputError, int]]:
    """Every article (or input error) of every input in a deterministic order, with the input bytes
    it stands for (the progress bar counts them)."""
    return read_walked(walk(paths))


def read_walked(walked: Iterable[Path | str | InputError]) -> Iterator[tuple[Doc | InputError, int]]:
    """:func:`read_stream` over inputs already expanded by :func:`walk` (a run walks its inputs once)."""
    for item in walked:
        if isinstance(item, InputError):
            yield item, 0
        elif item == "-":
            data = sys.stdin.buffer.read()
            text, enc = decode(data)
            yield (InputError("-", enc) if text is None else _from_text("-", text)), len(data)
        else:
            yield from _file_items(item)


def size_of(walked: Iterable[Path | str | InputError]) -> int | None:
    """Total size of the input files (for the progress bar), None when standard input is one of them."""
    total = 0
    for item in walked:
        if item == "-":
            return None
        if isinstance(item, Path):
            with contextlib.suppress(OSError):
                total += item.stat().st_size
    return total


def read_inputs(paths: list[str]) -> Iterator[Doc | InputError]:
    """Every article of every input, in a deterministic order."""
    return (x for x, _ in read_stream(paths))
