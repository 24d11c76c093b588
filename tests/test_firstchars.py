"""The first-character guard (extract.firstchars) never changes a match, only where the engine tries."""

from __future__ import annotations

import random
import re

from extract.firstchars import guarded, lookahead

PATTERNS = [r"(?<![\d.])(?:1[0-9]|20)\d{2}\s*年", r"(?<=民国)[ ]*(?:\d{1,3}|[一二三百]{1,5})[ ]*年", r"第\s*[\d一二]+",
            r"[A-Za-z_][\w-]*\d", r"(?:a|b)?c|d", r"x?", r"[^a]b", r"\bfoo", r"(?i:ab)c", r"每[ ]*\d+|[#＃]\s*\d+"]


def test_guard_keeps_every_match() -> None:
    rng = random.Random(7)
    alphabet = "0129 .年民国一二三百第abcdfoxAZ_-每#＃\n"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(400)]
    for p in PATTERNS:
        plain, guard = re.compile(p), re.compile(guarded(p))
        for t in texts:
            assert [m.span() for m in plain.finditer(t)] == [m.span() for m in guard.finditer(t)], (p, t)


def test_no_guard_when_unsure() -> None:
    assert lookahead(r"x?") == ""  # matches empty: anywhere
    assert lookahead(r"[^a]b") == ""  # a negated class first
    assert lookahead(r"(?i:ab)c") == ""  # flags
    assert lookahead(r"(?<=x)\s*\d") == r"(?=[\d\s])"


def test_no_guard_without_the_private_parser(monkeypatch) -> None:
    """A Python whose ``re`` package lays out its parser otherwise gets unguarded patterns, the same matches."""
    from extract import firstchars

    monkeypatch.setattr(firstchars, "_parser", None)
    assert lookahead("(?:北京|上海)") == ""
    assert guarded("北京|上海") == "(?:北京|上海)"
    assert re.findall(guarded("北京|上海"), "北京和上海") == ["北京", "上海"]


def test_no_guard_when_the_parse_tree_is_shaped_otherwise(monkeypatch) -> None:
    """A parse tree the reader cannot walk (a changed private layout) gives no guard rather than an error."""
    from extract import firstchars

    class Odd:
        def parse(self, pattern: str) -> object:
            return object()  # no ``state`` nor ``data``

    monkeypatch.setattr(firstchars, "_parser", Odd())
    assert lookahead("北京|上海") == ""


def test_max_width() -> None:
    from extract.firstchars import max_width

    assert max_width(r"\d{1,3}年来") == 5
    assert max_width(r"\d+年来") is None  # unbounded


def test_max_width_unknown_without_the_private_parser(monkeypatch) -> None:
    """Callers then keep the plain scan (a period's regex runs over the whole text)."""
    from extract import firstchars

    monkeypatch.setattr(firstchars, "_parser", None)
    assert firstchars.max_width(r"\d{1,3}年来") is None
