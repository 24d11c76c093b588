"""Numbers that are not statistics (rules/facts/skip.toml): they never become facts."""

from __future__ import annotations

import re
from decimal import Decimal

from extract.facts.context import Context
from extract.facts.lexicon import HAN_RE  # a noun after 3位 (3位院士): people counted, no place in a ranking
from extract.model import Quantity, Span

_DIGIT = re.compile(r"\d")


def skip(ctx: Context, q: Quantity, sent: Span) -> bool:
    """Not a statistic: no unit, a small spelled-out count (两个市场), a threshold (400亿元大关), a comparison
    (高于全国1.2个百分点), an ordinal, an exchange rate (1美元兑7.1元), a sporting event (800米决赛), a move in
    a ranking (上升3位), a model name or version (iPhone 11, A13), a counter in page furniture (阅读 1.2万), a
    number in a corrupted stretch or inside a name."""
    if q.unit is None or q.kind not in ("duration", "money", "percent") and not _DIGIT.search(q.text) \
            and Decimal(q.value) <= ctx.r.skips.small_count_max:  # (the kind first: cheaper than the search)
        return True
    sk, t, start, end, kind = ctx.r.skips, ctx.text, q.start, q.end, q.kind  # (read once: asked for every number)
    c = t[end:end + 1]  # what follows, blanks aside, starts with this unless it is blank
    if (c in sk.after_firsts or c.isspace()) \
            and ctx.compact(end, min(end + sk.after_window, sent[1])).startswith(sk.after) \
            or q.text.endswith(sk.after) \
            or q.text.endswith(sk.bracket) and HAN_RE.match(t, end) is not None and t[end] not in sk.bracket_not \
            and not sk.bracket_figure_re.match(t, end):
        return True  # 400亿元大关; 65岁及以上 (in the number's own text); 65岁以上老年人口 (a noun right after it)
    before = ctx.compact(max(sent[0], start - sk.before_window), start)
    if sk.before_re.search(before) or kind in sk.window_kinds and before.endswith(sk.window_before) \
            or before.endswith(sk.milestone_before) or ctx.all_dates.overlaps(start, end) \
            or kind in sk.rate_kinds and (before.endswith(sk.rate) or t.startswith(sk.rate, end)) \
            or kind in sk.event_kinds and t.startswith(sk.event, end) \
            or q.unit in sk.rank_move_units and sk.rank_move_re.search(before) and not HAN_RE.match(t, end):
        return True  # …; 以1港元兑1.03澳门元; 800米决赛; 排名上升3位
    c = t[start - 1:start]
    if c and c.isascii() and (c.isalpha() or c in " -") \
            and sk.model_before_re.search(t, max(0, start - 12), start) \
            or q.text[-1:].isdigit() and sk.model_after_re.match(t, end):
        return True  # iPhone 15, A17, 5G
    return bool(ctx.doc.corrupt) and ctx.doc.is_corrupt(start, end) or ctx.in_name(q) \
        or t.find("\n", max(0, start - sk.furniture_line), start) >= 0 and _furniture(ctx, q)


def _furniture(ctx: Context, q: Quantity) -> bool:
    """阅读 1.2万 | 评论 35: a number in a short line without a sentence end that holds a furniture word."""
    sk, t = ctx.r.skips, ctx.text
    lo = q.start - sk.furniture_line
    a = t.rfind("\n", max(0, lo), q.start) + 1
    if a == 0 and lo > 0:
        return False  # no line break that near: a long line
    b = t.find("\n", q.end, a + sk.furniture_line + 1)
    b = len(t) if b < 0 and a + sk.furniture_line >= len(t) else b
    if b < 0 or b - a > sk.furniture_line:
        return False
    line = t[a:b]
    return not any(c in sk.furniture_ends for c in line) and sk.furniture_re.search(line) is not None


def unnamed(metric: str | None, change: dict | None, q: Quantity) -> bool:
    """200元, 24小时: a number with nothing to say what it measures (a Chinese unit such as 辆 or 列 says it
    itself; an ASCII one such as CNY or h does not)."""
    return metric is None and change is None and (q.unit or "").isascii()
