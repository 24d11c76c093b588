"""Strings for a terminal: what an article supplies (title, id, text, a file name) never drives the terminal.

An ESC in a title (``\\033]0;pwned\\a`` retitles the terminal, ``\\033[2J`` clears it) or a bidi override
in an id would be obeyed if printed raw.  :func:`safe` shows every control character instead, as its
visible Unicode "control picture" (ESC as ␛, BEL as ␇, a line break in a one-line field as ␤) or as
U+FFFD (C1 controls, bidi embeddings, overrides and isolates): one character for one, so offsets into
the string stay right.  Line breaks and tabs of a body text are kept when asked.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_BUT_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)
    if c == 0x7F:
        return "\u2421"
    return "\ufffd"


def safe(s: Any, keep_lines: bool = False) -> str:
    """``s`` as text with every control character made visible (``keep_lines``: line breaks and tabs stay)."""
    text = "" if s is None else str(s)
    return (_CONTROLS_BUT_LAYOUT if keep_lines else _CONTROLS).sub(_picture, text)


def safe_tree(obj: Any, keep_lines: bool = True) -> Any:
    """Every string inside lists and dicts made :func:`safe` (same lengths: offsets into them stay right)."""
    if isinstance(obj, str):
        return safe(obj, keep_lines)
    if isinstance(obj, list):
        return [safe_tree(x, keep_lines) for x in obj]
    if isinstance(obj, tuple):
        return tuple(safe_tree(x, keep_lines) for x in obj)
    if isinstance(obj, dict):
        return {k: safe_tree(v, keep_lines) for k, v in obj.items()}
    return obj
