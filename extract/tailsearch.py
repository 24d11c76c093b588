"""Searching a pattern anchored at the end of the text (``...$``) from near the end only.

``re`` tries such a pattern at every position of the text (a long body line costs a full scan and an
attempt at each candidate start, although every match must reach the end).  All a match consumes lies in a
set of characters read off the pattern itself (its literals, classes and repeats; look-arounds consume
nothing), so no match can start before the run of such characters that ends the text: the search starts at
that run (a reversed ``match``, a few characters long on most lines) and finds the same leftmost match.
Patterns whose consumed characters cannot be listed (``.``, a negated class, a back-reference, flags) are
searched as they are.
"""

from __future__ import annotations

import re
from typing import NamedTuple

try:  # the regex parser of Python 3.11+ (private modules: without them every pattern is searched as it is)
    import re._constants as C  # noqa: N812 (the parser's opcodes)
    import re._parser as P  # noqa: N812
except ImportError:  # pragma: no cover
    C = P = None  # type: ignore[assignment]


class _Unlisted(Exception):
    """The pattern consumes a character the set cannot list."""


_CATEGORIES = {C.CATEGORY_SPACE: r"\s", C.CATEGORY_DIGIT: r"\d", C.CATEGORY_WORD: r"\w"}


def _char(c: int) -> str:
    return re.escape(chr(c))


def _class_items(items: list) -> list[str]:
    """The class members of an ``IN`` node (a negated class cannot be listed)."""
    out = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(_char(av))
        elif op is C.RANGE:
            out.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is C.CATEGORY and av in _CATEGORIES:
            out.append(_CATEGORIES[av])
        else:
            raise _Unlisted
    return out


def _consumed(seq: list) -> list[str]:
    """Class members of every character a parsed (sub)pattern can consume."""
    out: list[str] = []
    for op, av in seq:
        if op is C.LITERAL:
            out.append(_char(av))
        elif op is C.IN:
            out += _class_items(av)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            out += _consumed(av[2])
        elif op is C.SUBPATTERN:
            if av[1] or av[2]:
                raise _Unlisted
            out += _consumed(av[3])
        elif op is C.ATOMIC_GROUP:
            out += _consumed(av)
        elif op is C.BRANCH:
            for alt in av[1]:
                out += _consumed(alt)
        elif op in (C.ASSERT, C.ASSERT_NOT, C.AT):
            continue
        else:
            raise _Unlisted
    return out


class TailSearch(NamedTuple):
    """``pattern.search`` for a pattern anchored at the text's end, started where a match can start."""

    pattern: re.Pattern[str]
    run: re.Pattern[str] | None  # the consumed characters, repeated (None: searched from the start)
    min_width: int

    def search(self, text: str) -> re.Match[str] | None:
        """``pattern.search(text)``: the same match (every match lies in the run of consumed characters that
        ends the text, or before a final line break, which ``$`` also matches before)."""
        if self.run is None:
            return self.pattern.search(text)
        t = text[:-1] if text.endswith("\n") else text
        n = self.run.match(t[::-1]).end()
        if n < self.min_width:
            return None
        return self.pattern.search(text, len(t) - n)


def tail_search(pattern: str | re.Pattern[str]) -> TailSearch:
    """:class:`TailSearch` of a pattern (searched as it is unless it ends with ``$`` and lists what it consumes)."""
    compiled = re.compile(pattern)
    if P is None:
        return TailSearch(compiled, None, 0)
    parsed = P.parse(compiled.pattern, compiled.flags & ~re.UNICODE)
    ends = bool(parsed.data) and parsed.data[-1] == (C.AT, C.AT_END)
    if not ends or compiled.flags & ~re.UNICODE:
        return TailSearch(compiled, None, 0)
    try:
        members = _consumed(parsed.data)
    except _Unlisted:
        return TailSearch(compiled, None, 0)
    run = re.compile(f"[{''.join(members)}]*") if members else re.compile("")
    return TailSearch(compiled, run, parsed.getwidth()[0])
