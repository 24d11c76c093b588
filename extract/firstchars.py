"""Which characters a regex can start a match with: the exact guard in front of an alternation.

A scanning regex shaped ``(?=[F])(?:A|B)`` is tried at every character of ``F``; when ``F`` holds frequent
characters that only ``B`` can start with (人, 新, 说 of the idioms), every such try still walks all of ``A``'s
alternatives.  :func:`guarded` reads ``A``'s parse tree (the standard library's own regex parser) and puts a
look-ahead on the characters ``A`` can consume first in front of it, so that ``A`` is skipped elsewhere at the
cost of one class test.  The class is a superset (look-arounds and anchors are taken as passing), so the guard
never changes a match; a construct the reader does not follow (a negated class first, inline flags) gives no
guard at all.
"""

from __future__ import annotations

import re
from typing import Any

try:  # private modules of the standard library (3.11 on): without them every pattern just goes unguarded
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python whose re package is laid out otherwise
    C = _parser = None

_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_SPACE: r"\s", C.CATEGORY_WORD: r"\w"} if C else {}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)} if C else set()
_ZERO_WIDTH = {C.ASSERT, C.ASSERT_NOT, C.AT} if C else set()


class _Unknown(Exception):
    """A construct the reader does not follow: the caller gets no guard."""


def guarded(pattern: str) -> str:
    """``pattern`` as a group behind a look-ahead on the characters its matches can begin with."""
    return f"{lookahead(pattern)}(?:{pattern})"


def lookahead(pattern: str) -> str:
    """A look-ahead on the characters a match of ``pattern`` can begin with ("" when any may)."""
    first = first_class(pattern)
    return f"(?=[{first}])" if first else ""


def first_class(pattern: str) -> str:
    """The class items (``[...]`` without brackets) of the characters a match of ``pattern`` can begin with;
    "" when any may, or when the pattern is not one the reader follows."""
    if _parser is None:
        return ""
    try:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
            raise _Unknown
        items, empty = _seq(parsed.data)
    except (_Unknown, AttributeError, TypeError, IndexError):  # a parse tree shaped otherwise: no guard, no crash
        return ""
    return "" if empty else "".join(sorted(items))  # (an empty match starts anywhere)


def _seq(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    """(class items of the first characters, can match empty) of a sequence of parsed items."""
    out: set[str] = set()
    for op, av in items:
        found, empty = _item(op, av)
        out |= found
        if not empty:
            return out, False
    return out, True


def _item(op: Any, av: Any) -> tuple[set[str], bool]:
    """(class items of the first characters, can match empty) of one parsed item."""
    if op is C.LITERAL:
        return {re.escape(chr(av))}, False
    if op is C.IN:
        return {_class_item(o, a) for o, a in av}, False
    if op in _ZERO_WIDTH:
        return set(), True  # a look-around only narrows where a match starts
    if op is C.BRANCH:
        out, empty = set(), False
        for branch in av[1]:
            found, e = _seq(branch.data)
            out |= found
            empty = empty or e
        return out, empty
    if op is C.SUBPATTERN:
        if av[1] or av[2]:
            raise _Unknown  # inline flags (ignore case ...)
        return _seq(av[3].data)
    if op in _REPEATS:
        found, empty = _seq(av[2].data)
        return found, empty or av[0] == 0
    raise _Unknown


def _class_item(op: Any, av: Any) -> str:
    """One member of a parsed character class, as class syntax."""
    if op is C.LITERAL:
        return re.escape(chr(av))
    if op is C.RANGE:
        return f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}"
    if op is C.CATEGORY and av in _CATEGORIES:
        return _CATEGORIES[av]
    raise _Unknown  # a negated class or category


def max_width(pattern: str) -> int | None:
    """The length of the longest match of ``pattern``; None when unbounded or not known (no private parser)."""
    if _parser is None:
        return None
    try:
        width = _parser.parse(pattern).getwidth()[1]
    except (AttributeError, TypeError, IndexError):
        return None
    return None if width >= _parser.MAXREPEAT else width


def class_led(first: str, body: str) -> str:
    """``(?=[first])body`` rewritten to begin with the class itself: ``[first](?<=(?=(body)).)``.

    Why: the standard engine skips ahead with a fast class scan only when a pattern begins with a class (or a
    literal); one beginning with a look-ahead is entered at every position of the text.  The class consumes
    the first character, the look-behind steps back onto it and the look-ahead matches ``body`` there, in
    group 1 (the match found is the one ``body`` finds first, as at the top of a pattern).  So the match
    starts where ``body`` does, but its span is group 1's: read ``m.end(1)``, not ``m.end()``."""
    return f"[{first}](?<=(?=({body})).)"
