"""Normalisation: one script (simplified), one width, so versions of an article compare equal.

* Full-width digits, Latin letters and ``%`` become half-width (１２３％ -> 123%).
* ASCII punctuation used as Chinese punctuation (next to a Chinese character) becomes the
  full-width Chinese mark, since news text is written with ，。？ and scrapes often lose them;
  punctuation between digits and Latin letters (1,234  6:30  1+1>2) is left alone.
* The script of the document is detected (``simplified`` | ``traditional`` | ``mixed``) by
  how many of its characters OpenCC would convert in each direction, and the text converted
  with OpenCC ``tw2s`` only when there is traditional text in it.

Each step is a same-length rewrite of the offset map, except OpenCC phrase conversions that
change length, which are aligned with difflib so that the map stays exact elsewhere.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

import numpy as np
import opencc

from extract.model import Doc
from extract.offsets import MappedText

_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDTH.update({0xFF05: ord("%"), 0xFF0E: ord("."), 0xFF0B: ord("+"), 0xFF0D: ord("-")})
WIDTH_TABLE = {k: chr(v) for k, v in _WIDTH.items()}
# '．' and '－' only between digits are decimal point / minus; elsewhere they are left to the punctuation table.
del WIDTH_TABLE[0xFF0E], WIDTH_TABLE[0xFF0D]

_CJK = "\u3400-\u9fff"
_HAN_RANGE = range(0x3400, 0xA000)  # the code points of _CJK
# One scan proves that a text needs no width folding (most texts have no full-width letters).
# One character at a time: a pattern that starts with a plain character class (not "[...]+")
# lets the regex engine skip ahead to candidates, which is several times faster.
_WIDE = re.compile("[" + re.escape("".join(map(chr, WIDTH_TABLE))) + "]")
_PUNCT = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"}
# An ASCII mark with a Chinese character (or “”《》) on either side.  The pattern starts with the
# mark itself so that the regex engine skips ahead to candidates instead of trying every position.
_PUNCT_RE = re.compile(rf"[,?!:;()](?:(?<=[{_CJK}“”《》].)|(?=[{_CJK}“”《》]))")
# Starts with the mark, not the look-behind, for the same reason.
_DIGIT_DOT = re.compile(r"[．－](?<=\d.)(?=\d)")


# tw2s rather than t2s: it also turns the 著 of 隨著/看著 into 着, as mainland text writes it,
# which plain t2s leaves alone; simplified characters pass through it unchanged.
T2S = "tw2s"


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


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as an array, so characters are compared and looked up in C."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _han_points(text: str) -> np.ndarray:
    """The code points of the Han characters of ``text`` (in the _CJK range), in order."""
    points = _code_points(text)
    return points[(points >= _HAN_RANGE.start) & (points < _HAN_RANGE.stop)]


def detect_script(text: str) -> str:
    """``traditional``, ``simplified`` or ``mixed`` by the share of script-specific characters.

    Traditional characters are counted with OpenCC's phrase-aware t2s (so 乾隆 or 著名 in
    simplified text do not count); simplified-only characters, needed only when there are
    traditional ones, are counted per character with s2t (a table made once per process).
    Ordinary simplified text costs one pass in numpy and one OpenCC call.
    """
    src = _han_points(text)
    if not len(src):
        return "simplified"
    han = src.tobytes().decode("utf-32-le")
    to_s = converter("t2s").convert(han)
    if to_s == han:
        return "simplified"
    dst = _code_points(to_s)
    n = min(len(src), len(dst))  # compared position by position, as far as both go
    trad = int(np.count_nonzero(src[:n] != dst[:n]))
    if trad == 0:
        return "simplified"
    simp = int(np.count_nonzero(_simplified_only()[src]))
    if simp == 0 or trad >= 20 * simp:
        return "traditional"
    if simp >= 20 * trad:
        return "simplified"
    return "mixed"


def fold_width(mt: MappedText) -> MappedText:
    """Half-width digits, Latin letters, % ; Chinese punctuation where ASCII stood for it.

    Every replacement is one character for one, so the text is rewritten with plain ``re.sub``
    and the offset map is kept as it is.
    """
    text = _WIDE.sub(_fold_char, mt.text)
    text = _DIGIT_DOT.sub(_digit_dot, text)
    text = _PUNCT_RE.sub(_chinese_mark, text)
    return mt.with_text(text) if text != mt.text else mt


def _fold_char(m: re.Match[str]) -> str:
    return WIDTH_TABLE[ord(m[0])]


def _digit_dot(m: re.Match[str]) -> str:
    return "." if m[0] == "．" else "-"


def _chinese_mark(m: re.Match[str]) -> str:
    return _PUNCT[m[0]]


def to_simplified(mt: MappedText) -> MappedText:
    """OpenCC tw2s; lines whose length changes (phrase conversions) are aligned with difflib.

    The whole text is converted in one call: no dictionary entry contains a line break, so this
    gives the same lines as converting line by line.  A line that keeps its length keeps its
    character-to-character map (one same-length edit for the line).
    """
    conv = converter(T2S)
    src = mt.text
    dst = conv.convert(src)
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
    doc.script = detect_script(doc.mapped.text)
    mt = fold_width(doc.mapped)
    if doc.script != "simplified":
        mt = to_simplified(mt)
    doc.mapped = mt
    return doc
