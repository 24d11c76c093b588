"""Normalisation: one script (simplified), one width, so versions of an article compare equal.

* Full-width digits, Latin letters and ``%`` become half-width (１２３％ -> 123%).
* ASCII punctuation used as Chinese punctuation (next to a Chinese character) becomes the
  full-width Chinese mark, since news text is written with ，。？ and scrapes often lose them;
  punctuation between digits and Latin letters (1,234  6:30  1+1>2) is left alone.
* The script of the document is detected (``simplified`` | ``traditional`` | ``mixed``) by
  how many of its characters OpenCC would convert in each direction, and the text converted
  with OpenCC ``tw2s`` only when there is traditional text in it.

Each step is a same-length rewrite of the offset map, except OpenCC phrase conversions that
change length, which are aligned with difflib so that the map stays exact elsewhere.  The
characters, marks and thresholds are ``rules/normalise/normalise.toml``.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import NamedTuple

import numpy as np
import opencc

from extract.model import Doc
from extract.offsets import MappedText
from extract.rules import load_toml
from extract.spans import code_points

_CJK = "\u3400-\u9fff"
_HAN_RANGE = range(0x3400, 0xA000)  # the code points of _CJK
_FULL_WIDTH = range(0xFF01, 0xFF5F)  # the full-width forms of ASCII ! to ~: code point minus 0xFEE0


@cache
def _rules() -> dict:
    return load_toml("normalise/normalise")


class _WidthRules(NamedTuple):
    """rules/normalise/normalise.toml's width and punctuation rules, compiled.

    Every pattern starts with a plain character class (not "[...]+", not a look-behind), so that
    the regex engine skips ahead to candidates instead of trying every position: several times
    faster, and one scan proves that a text needs nothing (most have no full-width letters).
    """

    wide: re.Pattern[str]
    table: dict[int, str]  # full-width -> half-width
    is_wide: np.ndarray  # boolean by code point (up to the last full-width form, which is not folded)
    digit_mark: re.Pattern[str]
    digit_marks: dict[str, str]
    punct: re.Pattern[str]
    marks: dict[str, str]


@cache
def _width_rules() -> _WidthRules:
    w, p = _rules()["width"], _rules()["punctuation"]
    fold = re.compile(w["chars"])
    table = {c: chr(c - 0xFEE0) for c in _FULL_WIDTH if fold.fullmatch(chr(c))}
    digit_marks = w["between_digits"]["marks"]
    ctx = f"[{_CJK}{re.escape(p['neighbours'])}]"
    is_wide = np.zeros(_FULL_WIDTH.stop, dtype=bool)
    is_wide[list(table)] = True
    return _WidthRules(re.compile("[" + re.escape("".join(map(chr, table))) + "]"), table, is_wide,
                       re.compile(f"[{re.escape(''.join(digit_marks))}](?<=\\d.)(?=\\d)"), digit_marks,
                       re.compile(f"[{re.escape(''.join(p['marks']))}](?:(?<={ctx}.)|(?={ctx}))"), p["marks"])


T2S = _rules()["script"]["convert"]["opencc"]  # the OpenCC configuration to simplified Chinese


@cache
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _simplified_only() -> np.ndarray:
    """Boolean table by code point: the Han characters s2t changes when converted on their own.

    Built once per process from OpenCC (one call over the whole Han range, one character a
    line, so no phrase can form), instead of converting each document's distinct characters.
    """
    chars = [chr(c) for c in _HAN_RANGE]
    converted = converter("s2t").convert("\n".join(chars)).split("\n")
    table = np.zeros(_HAN_RANGE.stop, dtype=bool)
    table[[ord(c) for c, t in zip(chars, converted, strict=True) if c != t]] = True
    return table


def _han_points(text: str, points: np.ndarray | None = None) -> np.ndarray:
    """The code points of the Han characters of ``text`` (in the _CJK range), in order."""
    points = code_points(text) if points is None else points
    return points[(points >= _HAN_RANGE.start) & (points < _HAN_RANGE.stop)]


def detect_script(text: str, points: np.ndarray | None = None) -> str:
    """``traditional``, ``simplified`` or ``mixed`` by the share of script-specific characters.

    Traditional characters are counted with OpenCC's phrase-aware t2s (so 乾隆 or 著名 in
    simplified text do not count); simplified-only characters, needed only when there are
    traditional ones, are counted per character with s2t (a table made once per process).
    Ordinary simplified text costs one pass in numpy and one OpenCC call.  ``points``: the code
    points of ``text`` when the caller has them.
    """
    src = _han_points(text, points)
    if not len(src):
        return "simplified"
    han = src.tobytes().decode("utf-32-le")
    to_s = converter("t2s").convert(han)
    if to_s == han:
        return "simplified"
    dst = code_points(to_s)
    n = min(len(src), len(dst))  # compared position by position, as far as both go
    trad = int(np.count_nonzero(src[:n] != dst[:n]))
    if trad == 0:
        return "simplified"
    simp = int(np.count_nonzero(_simplified_only().take(src)))  # take: no fancy-index machinery
    dominance = _rules()["script"]["detect"]["dominance"]
    if simp == 0 or trad >= dominance * simp:
        return "traditional"
    if simp >= dominance * trad:
        return "simplified"
    return "mixed"


def fold_width(mt: MappedText, points: np.ndarray | None = None) -> MappedText:
    """Half-width digits, Latin letters, % ; Chinese punctuation where ASCII stood for it.

    Every replacement is one character for one, so the text is rewritten with plain ``re.sub``
    and the offset map is kept as it is.  A scan runs only when its first characters are in the
    text (a numpy lookup over ``points``, the code points of ``mt.text``, or ``in``): most texts
    have no full-width letter, and a class-led scan still tests every character.
    """
    r = _width_rules()
    text = mt.text
    points = code_points(text) if points is None else points
    if r.is_wide.take(points, mode="clip").any():
        text = r.wide.sub(lambda m: r.table[ord(m[0])], text)
    if any(c in text for c in r.digit_marks):
        text = r.digit_mark.sub(lambda m: r.digit_marks[m[0]], text)
    text = r.punct.sub(lambda m: r.marks[m[0]], text)
    return mt.with_text(text) if text != mt.text else mt


class _KeyTables(NamedTuple):
    """rules/normalise/opencc_keys.toml as a table by code point: 0 in no dictionary key, 1 in some key,
    2 in some key and one of the characters every key the conversion changes holds (the last stays 0)."""

    code: np.ndarray
    # Over the codes: from a changing character to the end of its run, on through the next ones that
    # follow within _GAP characters (fewer pieces: OpenCC's cost is in the key characters, not the gaps).
    changing_runs: re.Pattern[bytes]


_GAP = 20
_SEP = "\ue000"  # joins the pieces sent to OpenCC: a private-use character, in no key


@cache
def _key_tables() -> _KeyTables | None:
    """The table, or None when it was made from another opencc (then the whole text is converted)."""
    r = load_toml("normalise/opencc_keys")
    if r["config"] != T2S or r["opencc_version"] != opencc.__version__:
        return None
    keys, changing = (r[f].replace("\n", "") for f in ("keys", "changing"))
    code = np.zeros(max(map(ord, keys)) + 2, dtype=np.uint8)
    code[[ord(c) for c in keys]] = 1
    code[[ord(c) for c in changing]] = 2
    return _KeyTables(code, re.compile(rb"\x02(?:[\x00\x01]{0,%d}\x02)*[\x01\x02]*" % _GAP))


def _changing_pieces(text: str, tables: _KeyTables) -> list[tuple[int, int]]:
    """Pieces of ``text`` from the start of a run of key characters holding a changing one to the end
    of such a run: only these can convert.

    A dictionary match never crosses a character that is in no key, so each run converts as it would
    in the whole text, and a run without a changing character matches only keys that stay the same.
    The codes are one byte a character, so a bytes regex finds the runs (a numpy pass is slower).
    """
    codes = tables.code.take(code_points(text), mode="clip").tobytes()
    return [(codes.rfind(b"\x00", 0, m.start()) + 1, m.end()) for m in tables.changing_runs.finditer(codes)]


def _converted(src: str) -> str:
    """OpenCC tw2s of ``src``, sending only its changing pieces (in one call) when the table fits the
    installed opencc and neither a NUL (which ends OpenCC's input) nor the separator is in the text."""
    conv = converter(T2S)
    tables = _key_tables()
    if tables is None or "\x00" in src or _SEP in src:
        return conv.convert(src)
    pieces = _changing_pieces(src, tables)
    out = conv.convert(_SEP.join(src[a:b] for a, b in pieces)).split(_SEP) if pieces else []
    if len(out) != len(pieces):
        return conv.convert(src)
    parts, last = [], 0
    for (a, b), new in zip(pieces, out, strict=True):
        parts += (src[last:a], new)
        last = b
    parts.append(src[last:])
    return "".join(parts)


def to_simplified(mt: MappedText) -> MappedText:
    """OpenCC tw2s; lines whose length changes (phrase conversions) are aligned with difflib.

    The text is converted in one call (of its changing pieces, :func:`_converted`): no dictionary entry
    contains a line break, so this gives the same lines as converting line by line.  A line that keeps
    its length keeps its character-to-character map (one same-length edit for the line).
    """
    conv = converter(T2S)
    src = mt.text
    dst = _converted(src)
    if dst == src:
        return mt
    src_lines, dst_lines = src.split("\n"), dst.split("\n")
    if len(dst_lines) != len(src_lines):  # a NUL character ends OpenCC's input: go line by line
        dst_lines = [conv.convert(line) for line in src_lines]
    pieces: list[tuple[int, int, str | None]] = []
    base = 0
    for a, b in zip(src_lines, dst_lines, strict=True):
        if a != b:
            if len(a) == len(b):
                pieces.append((base, base + len(a), b))
            else:
                pieces.extend(_aligned_pieces(a, b, base))
        base += len(a) + 1
    return mt.rewrite(pieces)


def _aligned_pieces(src: str, dst: str, base: int) -> list[tuple[int, int, str | None]]:
    """Edits turning line ``src`` into ``dst`` (different lengths), aligned with difflib."""
    sm = difflib.SequenceMatcher(None, src, dst, autojunk=False)
    return [(base + i1, base + i2, dst[j1:j2] or None)
            for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"]


def normalise(doc: Doc) -> Doc:
    """Width, punctuation and script: after this, ``doc.text`` is simplified Chinese."""
    assert doc.mapped is not None
    points = code_points(doc.mapped.text)  # shared by the script and the width checks
    doc.script = detect_script(doc.mapped.text, points)
    mt = fold_width(doc.mapped, points)
    if doc.script != "simplified":
        mt = to_simplified(mt)
    doc.mapped = mt
    return doc
