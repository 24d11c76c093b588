"""Where a name found by its suffix may start: barriers over the text, computed with array operations.

barrier[i] == 1: a name may not extend left past position i (it starts at i or later); plain[i] == 1:
character i is neither punctuation nor a digit (where a name window may start).  Punctuation and digits
(outside gazetteer names) bound a name on both sides, as do single boundary words standing as words of their
own (的, 在); a date's 年月日号 after a digit ends one; multi-character boundary words end one
(``rules/entities/boundaries.toml``).  Each character is classified by one look-up into a table over all code
points, so the cost follows the hits, not a loop over every character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from extract.entities.candidate import Cand
from extract.entities.words import Pairs, matches_at, pair_bits, scan, trie_pattern

PUNCT_DIGIT, DATE_PART, DIGIT, BOUND_SINGLE, AFTER_NAME, OPEN_BRACKET, CLOSE_BRACKET = 1, 2, 4, 8, 16, 32, 64
_HIGH = 0x20000  # the class table scans str.isdigit below this code point (no digit above it in Unicode 15)
_HIGH_RE = re.compile("[\U00020000-\U0010ffff]")


@dataclass
class Chars:
    """The character classes of ``boundaries.toml``: the Han class, brackets, boundary words and the table of
    every code point's classes (``PUNCT_DIGIT | DATE_PART | DIGIT | BOUND_SINGLE`` bits)."""

    han: str  # a regex class range
    is_han: re.Pattern[str]
    is_han_run: re.Pattern[str]  # one or more Han characters
    open_brackets: str
    close_brackets: str
    punct: frozenset[str]
    table: np.ndarray
    bound_single: frozenset[str]
    after_name: str  # locatives that bound a name right after a known one (保税区|内)
    bound_multi: re.Pattern[str]
    bound_pairs: np.ndarray  # pair_bits of the multi-character boundary words (see ``words.scan``)


def load(cfg: dict) -> Chars:
    """The character classes of ``rules/entities/boundaries.toml``."""
    chars, bound = cfg["chars"], cfg["boundary"]
    single = [w for w in bound["words"] if len(w) == 1]
    multi = [w for w in bound["words"] if len(w) > 1]
    return Chars(
        han=chars["han"], is_han=re.compile(f"[{chars['han']}]"), is_han_run=re.compile(f"[{chars['han']}]+"),
        open_brackets=chars["open_brackets"], close_brackets=chars["close_brackets"], punct=frozenset(bound["punct"]),
        table=_char_classes(bound["punct"], single, chars["date_parts"], bound["after_name"], chars["open_brackets"],
                            chars["close_brackets"]),
        bound_single=frozenset(single), after_name=bound["after_name"],
        bound_multi=re.compile(trie_pattern(multi)), bound_pairs=pair_bits(multi))


def _char_classes(punct: str, bound_single: list[str], date_parts: str, after_name: str, open_brackets: str,
                  close_brackets: str) -> np.ndarray:
    """A table over all code points of the character classes the barrier rules test (``str.isdigit`` digits,
    ① and ² too): one look-up per character classifies a whole text at once (the brackets too, so the brackets
    around the known places are found by one look-up each, not a comparison per bracket character)."""
    table = np.zeros(0x110000, dtype=np.uint8)
    digits = [ord(ch) for ch in filter(str.isdigit, map(chr, range(_HIGH)))]  # above: see _classify
    table[digits] |= DIGIT | PUNCT_DIGIT
    table[[ord(ch) for ch in punct]] |= PUNCT_DIGIT
    table[[ord(ch) for ch in date_parts]] |= DATE_PART
    table[[ord(ch) for ch in bound_single]] |= BOUND_SINGLE
    table[[ord(ch) for ch in after_name]] |= AFTER_NAME
    table[[ord(ch) for ch in open_brackets]] |= OPEN_BRACKET
    table[[ord(ch) for ch in close_brackets]] |= CLOSE_BRACKET
    return table


def _classify(chars: Chars, text: str, points: np.ndarray) -> np.ndarray:
    """The class bits of every character of ``text`` (``points``: its code points)."""
    cls = chars.table[points]
    if len(points) and points.max() >= _HIGH:  # rare planes: ask str.isdigit itself
        for m in _HIGH_RE.finditer(text):
            if m.group().isdigit():
                cls[m.start()] |= DIGIT | PUNCT_DIGIT
    return cls


def barriers(chars: Chars, org_paren: re.Pattern[str], text: str, points: np.ndarray, gaz: list[Cand],
             single: bytearray, pairs: Pairs) -> tuple[bytearray, bytearray]:
    """``(barrier, plain)`` of a text (see the module docstring); ``gaz``: its gazetteer names in text order,
    ``single``: where a one-character word stands, ``org_paren``: brackets that belong to a company name."""
    n = len(text)
    cls = _classify(chars, text, points)
    starts = np.array([c.start for c in gaz], dtype=np.int64)
    ends = np.array([c.end for c in gaz], dtype=np.int64)
    inside = _inside_names(starts, ends, n)
    keep = _kept_brackets(org_paren, text, cls, gaz, inside, starts, ends)
    hard = (cls & PUNCT_DIGIT).astype(bool) & ~keep[:n]
    gaz_end = np.zeros(n + 1, dtype=bool)
    gaz_end[ends[ends <= n]] = True
    gaz_end[starts[(ends - starts > 1) & (starts < n)]] = False  # 韩国|外交部: 外 opens the next name
    # a boundary word standing alone, or a locative right after a known name even when jieba glued it to the next
    # character (喀什综合保税区|内中…); 经 of 濠江|经济 opens a word and bounds nothing
    word = np.frombuffer(single, dtype=bool)[:n] | (gaz_end[:n] & (cls & AFTER_NAME).astype(bool))
    hard |= (cls & BOUND_SINGLE).astype(bool) & ~inside[:n] & word  # bounding on both sides, as punctuation does
    bar = np.zeros(n + 1, dtype=bool)
    bar[:n] = hard
    bar[1:] |= hard
    bar[0] = True
    # 2023年11月1日新疆… : no name across a date
    bar[2:] |= (cls[1:] & DATE_PART).astype(bool) & (cls[:-1] & DIGIT).astype(bool)
    spans = np.array([m.span() for m in scan(chars.bound_multi, chars.bound_pairs, text, pairs)],
                     dtype=np.int64).reshape(-1, 2)
    bar[spans[:, 1][~inside[spans[:, 0]] & ~inside[spans[:, 1]]]] = True
    return bytearray(bar.tobytes()), bytearray(((cls & PUNCT_DIGIT) == 0).tobytes())


def _inside_names(starts: np.ndarray, ends: np.ndarray, n: int) -> np.ndarray:
    """Per position 0..n: True strictly inside a gazetteer name of 2+ characters (+1 after each start, -1 at each
    end, summed)."""
    long = ends - starts > 1
    depth = np.cumsum(np.bincount(starts[long] + 1, minlength=n + 2) - np.bincount(ends[long], minlength=n + 2))
    return depth[:n + 1] > 0


def _kept_brackets(org_paren: re.Pattern[str], text: str, cls: np.ndarray, gaz: list[Cand], inside: np.ndarray,
                   starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per position: punctuation that bounds nothing: inside a gazetteer name, the brackets around a known
    place (中国（新疆）自由贸易试验区) and a company's short bracket (上海国际港务（集团）股份有限公司)."""
    n = len(text)
    keep = inside.copy()
    loc = np.array([c.label == "LOC" for c in gaz], dtype=bool) & (starts > 0) & (ends < n)
    s, e = starts[loc], ends[loc]
    wrapped = (cls[s - 1] & OPEN_BRACKET).astype(bool) & (cls[e] & CLOSE_BRACKET).astype(bool)
    keep[s[wrapped] - 1] = keep[e[wrapped]] = True
    # the pattern opens with the open-bracket class (lexicon builds it so): tried at the brackets only, no text scan
    for m in matches_at(org_paren, text, cls & OPEN_BRACKET):
        keep[m.start()] = keep[m.end() - 1] = True
    return keep
