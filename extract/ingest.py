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


def decode(data: bytes) -> tuple[str | None, str]:
    """Text and encoding name, or (None, reason) for binary or undecodable bytes.

    What can be read is kept: a stray bad byte, a cut last character, a cp1252 quote or a NUL costs
    that byte (it becomes U+FFFD, which the cleaning stage marks as corrupted, so nothing is extracted
    from it), not the file.  The order: a BOM decides; UTF-16 without a BOM is recognised by its NUL
    bytes; strict UTF-8; UTF-8 with a few bad bytes among many good multi-byte characters;
    charset-normalizer's choice among the Chinese encodings; the Chinese encoding that reads with
    the fewest errors and the least mess.  A text with more than 5 % of control characters or
    replacements in its first 20,000 characters is binary, and refused.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _judged(data[len(bom):].decode(enc, errors="replace"), enc + ("-sig" if enc == "utf-8" else ""))
    enc16 = _utf16_without_bom(data[:4096])
    if enc16:
        return _judged(data.decode(enc16, errors="replace"), enc16)
    if data[:4096].count(0) > 40:  # 1 % of NUL bytes: an image, an archive, an executable
        return None, "binary file (NUL bytes)"
    try:
        return _judged(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if len(text.encode("utf-8")) - len(text) - 2 * bad >= 40 * bad:  # a few bad bytes among many good characters
        return _judged(text, "utf-8")
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is not None:
        return _judged(str(best), best.encoding)
    return _lenient_cjk(data)


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls but tab, LF, CR


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the NUL bytes of ``head`` are the high bytes of ASCII in UTF-16."""
    nuls = head.count(0)
    if nuls < max(4, len(head) // 10):
        return None
    odd = head[1::2].count(0)
    if odd >= 0.95 * nuls:
        return "utf-16-le"
    if nuls - odd >= 0.95 * nuls:
        return "utf-16-be"
    return None


def _lenient_cjk(data: bytes) -> tuple[str | None, str]:
    """A Chinese-encoded text with a few bad bytes: the encoding that reads it with the least mess."""
    from charset_normalizer.md import mess_ratio

    best: tuple[float, str, str] | None = None
    for enc in ("gb18030", "big5hkscs"):
        text = data.decode(enc, errors="replace")
        sample = text[:20000]
        if sample and (sample.count("\ufffd") + _count_controls(sample)) / len(sample) <= 0.02:
            score = mess_ratio(sample, maximum_threshold=1.0)
            if best is None or score < best[0]:
                best = (score, enc, text)
    if best is None or best[0] >= 0.5:
        head = data[:20000]
        if _count_controls(head.decode("latin-1")) > 0.05 * len(head):
            return None, "binary file (control characters)"
        return None, "undecodable (not UTF-8, GB18030 or Big5)"
    return _judged(best[2], best[1])


def _judged(text: str, enc: str) -> tuple[str | None, str]:
    """``text`` with NULs replaced by U+FFFD (same length), or the reason it is not text."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    sample = text[:20000]
    if sample and (_count_controls(sample) + sample.count("\ufffd")) / len(sample) > 0.05:
        return None, "binary file (control characters)"
    return text, enc


def _count_controls(text: str) -> int:
    return len(_CONTROL.findall(text))


def _controls(text: str) -> float:
    """Share of control characters in the first 20,000 characters: a binary file, not an article."""
    sample = text[:20000]
    if not sample:
        return 0.0
    return _count_controls(sample) / len(sample)


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
    """The articles of one file with the input bytes each stands for; nothing in a file stops the batch."""
    try:
        yield from _read_file_items(path)
    except Exception as e:  # noqa: BLE001 - an input that breaks the reader is one bad input
        yield InputError(str(path), f"could not be read ({type(e).__name__}: {str(e)[:200]})"), 0


def _read_file_items(path: Path) -> Iterator[tuple[Doc | InputError, int]]:
    if path.suffix.lower() == ".jsonl":
        yield from read_jsonl(path)
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        yield InputError(str(path), f"unreadable: {e.strerror or e}"), 0
        return
    special = not path.is_file()  # a FIFO or a process substitution: JSONL is recognised, as on stdin
    yield from _bytes_items(str(path), data, is_html=path.suffix.lower() in (".html", ".htm"), sniff=special)


def _bytes_items(where: str, data: bytes, is_html: bool = False, sniff: bool = False
                 ) -> Iterator[tuple[Doc | InputError, int]]:
    """The article of a file's bytes; with ``sniff``, the articles of JSONL (see :func:`looks_like_jsonl`)."""
    if not data.strip():
        yield InputError(where, "empty file" if where != "-" else "empty text"), len(data)
        return
    text, enc = decode(data)
    if text is None:
        yield InputError(where, enc), len(data)
        return
    if sniff and looks_like_jsonl(text):
        yield from _jsonl_lines(where, text.split("\n"))
        return
    doc = _from_text(where, text, is_html=is_html)
    if isinstance(doc, Doc):
        doc.path = where
    yield doc, len(data)


def looks_like_jsonl(text: str) -> bool:
    """Whether standard input (or a pipe) holds JSONL rather than one article.

    The rule: every non-empty line is a JSON object with a string field ``"text"`` (and there is at
    least one).  Anything else is one article, read as it is.
    """
    seen = False
    for line in text.split("\n"):
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            return False
        rec = _json_object(line)
        if isinstance(rec, str) or not isinstance(rec.get("text"), str):
            return False
        seen = True
    return seen


def read_jsonl(path: Path) -> Iterator[tuple[Doc | InputError, int]]:
    """One article per line, read a line at a time (an archive of any size is never in memory at once).

    Lines end at ``\n`` only, as JSON Lines says (``str.splitlines`` would also break at U+2028
    inside JSON strings).  Every bad line is reported with its number and skipped.  A UTF-16 file
    (with a BOM, or recognised by its NUL bytes) is read as text, line by line too.
    """
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below; the generator may stop early
    except OSError as e:
        yield InputError(str(path), f"unreadable: {e.strerror or e}"), 0
        return
    with f:
        head = f.peek(4096)[:4096] if hasattr(f, "peek") else b""
        enc16 = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(head)
        if enc16:
            import io

            yield from _jsonl_lines(str(path), io.TextIOWrapper(f, encoding=enc16, errors="replace", newline="\n"))
            return
        yield from _jsonl_lines(str(path), f)


def _jsonl_lines(path: str, lines: Iterable[bytes | str]) -> Iterator[tuple[Doc | InputError, int]]:
    """The records of JSONL lines (bytes, or text already decoded), each with the input bytes it stands for."""
    for n, line in enumerate(lines, 1):
        if n == 1 and isinstance(line, bytes) and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip():
            items = jsonl_record(f"{path}:{n}", line, n, path)
            size = len(line) if isinstance(line, bytes) else 2 * len(line)
            yield from ((x, size if i == len(items) - 1 else 0) for i, x in enumerate(items))


def jsonl_record(where: str, line: bytes | str, n: int, path: str | None = None) -> list[Doc | InputError]:
    """One JSONL line as a Doc (after a warning when its ``published`` is unreadable), or an error.

    Errors and warnings name ``path:line``; so do messages about the document later (``Doc.path``).
    """
    if isinstance(line, bytes):
        text, enc = decode(line)
        if text is None:
            return [InputError(where, enc)]
    else:
        text = line.lstrip("\ufeff").replace("\x00", "\ufffd")
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
    else:
        doc.path = path
        if iso:
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
    """Expand directories (sorted, recursive) to files of the known kinds; '-' stays '-'.

    A path named on the command line is read whatever its kind: a FIFO or a process substitution
    (``<(zcat a.jsonl.gz)``) too.
    """
    for p in paths:
        if p == "-":
            yield "-"
            continue
        path = Path(p)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as e:
            yield InputError(p, f"unreadable: {e.strerror or e}")
            continue
        if is_dir:
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."):
                    yield f
        elif exists:
            yield path
        else:
            yield InputError(p, "no such file or directory")


def read_stream(paths: list[str]) -> Iterator[tuple[Doc | InputError, int]]:
    """Every article (or input error) of every input in a deterministic order, with the input bytes
    it stands for (the progress bar counts them)."""
    return read_walked(walk(paths))


def read_walked(walked: Iterable[Path | str | InputError]) -> Iterator[tuple[Doc | InputError, int]]:
    """:func:`read_stream` over inputs already expanded by :func:`walk` (a run walks its inputs once).

    Standard input holds one article, or JSONL when every non-empty line is a JSON object with
    ``"text"`` (:func:`looks_like_jsonl`).
    """
    for item in walked:
        if isinstance(item, InputError):
            yield item, 0
        elif item == "-":
            yield from _bytes_items("-", sys.stdin.buffer.read(), sniff=True)
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
