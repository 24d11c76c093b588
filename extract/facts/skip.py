"""Numbers that are not statistics (rules/facts/skip.toml): they never become facts."""

from __future__ import annotations

import re
from decimal import Decimal

from extract.facts.context import Context
from extract.model import Quantity, Span

_DIGIT = re.compile(r"\d")


def skip(ctx: Context, q: Quantity, sent: Span) -> bool:
    """Not a statistic: no unit, a small spelled-out count (两个市场), a threshold (400亿元大关), a comparison
    (高于全国1.2个百分点), an ordinal, a number in a corrupted stretch or inside a name."""
    if q.unit is None or not _DIGIT.search(q.text) and Decimal(q.value) <= ctx.r.skips.small_count_max:
        return True
    sk = ctx.r.skips
    c = ctx.text[q.end:q.end + 1]  # what follows, blanks aside, starts with this unless it is blank
    if (c in sk.after_firsts or c.isspace()) \
            and ctx.compact(q.end, min(q.end + sk.after_window, sent[1])).startswith(sk.after):
        return True
    if sk.before_re.search(ctx.compact(max(sent[0], q.start - sk.before_window), q.start)):
        return True
    return bool(ctx.doc.corrupt) and ctx.doc.is_corrupt(q.start, q.end) or ctx.in_name(q)


def unnamed(metric: str | None, change: dict | None, q: Quantity) -> bool:
    """200元, 24小时: a number with nothing to say what it measures (a Chinese unit such as 辆 or 列 says it
    itself; an ASCII one such as CNY or h does not)."""
    return metric is None and change is None and (q.unit or "").isascii()
