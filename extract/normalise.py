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
from collections import Counter
from functools import cache

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
_HAN = re.compile(f"[{_CJK}]")
_PUNCT = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"}
_PUNCT_RE = re.compile(rf"(?<=[{_CJK}“”《》])[,?!:;()]|[,?!:;()](?=[{_CJK}“”《》])")
_DIGIT_DOT = re.compile(r"(?<=\d)[．－](?=\d)")


# tw2s rather than t2s: it also turns the 著 of 隨著/看著 into 着, as mainland text writes it,
# which plain t2s leaves alone; simplified characters pass through it unchanged.
T2S = "tw2s"


@cache
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def detect_script(text: str) -> str:
    """``traditional``, ``simplified`` or ``mixed`` by the share of script-specific characters.

    Traditional characters are counted with OpenCC's phrase-aware t2s (so 乾隆 or 著名 in
    simplified text do not count); simplified-only characters, needed only when there are
    traditional ones, are counted per distinct character with s2t, which is much cheaper.
    """
    han = "".join(_HAN.findall(text))
    if not han:
        return "simplified"
    to_s = converter("t2s").convert(han)
    if to_s == han:
        return "simplified"
    trad = sum(map(str.__ne__, han, to_s))  # map runs in C: no Python frame per character
    if trad == 0:
        return "simplified"
    counts = Counter(han)
    distinct = "".join(counts)
    to_t = converter("s2t").convert("\n".join(distinct)).split("\n")
    simp = sum(counts[c] for c, t in zip(distinct, to_t, strict=False) if c != t)
    if simp == 0 or trad >= 20 * simp:
        return "traditional"
    if simp >= 20 * trad:
        return "simplified"
    return "mixed"


def fold_width(mt: MappedText) -> MappedText:
    """Half-width digits, Latin letters, % ; Chinese punctuation where ASCII stood for it."""
    mt = mt.translate(WIDTH_TABLE)
    mt = mt.sub(_DIGIT_DOT, lambda m: "." if m.group(0) == "．" else "-")
    return mt.sub(_PUNCT_RE, lambda m: _PUNCT[m.group(0)])


def to_simplified(mt: MappedText) -> MappedText:
    """OpenCC t2s, line by line; length-changing phrase conversions are aligned with difflib."""
    conv = converter(T2S)
    pieces: list[tuple[int, int, str | None]] = []
    for m in re.finditer(r"[^\n]+", mt.text):
        src = m.group(0)
        dst = conv.convert(src)
        if dst == src:
            continue
        base = m.start()
        if len(dst) == len(src):
            pieces.extend(_same_length_pieces(src, dst, base))
            continue
        sm = difflib.SequenceMatcher(None, src, dst, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op != "equal":
                pieces.append((base + i1, base + i2, dst[j1:j2] or None))
    return mt.rewrite(pieces) if pieces else mt


def _same_length_pieces(src: str, dst: str, base: int) -> list[tuple[int, int, str]]:
    """Runs of changed characters as same-length edits (the offset map stays char-to-char)."""
    out = []
    i = 0
    n = len(src)
    while i < n:
        if src[i] == dst[i]:
            i += 1
            continue
        j = i
        while j < n and src[j] != dst[j]:
            j += 1
        out.append((base + i, base + j, dst[i:j]))
        i = j
    return out


def normalise(doc: Doc) -> Doc:
    """Width, punctuation and script: after this, ``doc.text`` is simplified Chinese."""
    assert doc.mapped is not None
    doc.script = detect_script(doc.mapped.text)
    mt = fold_width(doc.mapped)
    if doc.script != "simplified":
        mt = to_simplified(mt)
    doc.mapped = mt
    return doc
