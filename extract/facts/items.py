"""The list item resolver: 葵花籽1249车、葵花籽仁512车 (rules/facts/lists.toml, rule ``fact.list_item``).

In a list marked by 、 the noun right before each number is the subject of its fact; the builder gives
the list the metric of the sentence's last fact with the same unit.
"""

from __future__ import annotations

from extract.facts.context import Context
from extract.model import Quantity


def list_item(ctx: Context, q: Quantity, cs: int) -> tuple[str, int] | None:
    """The item noun right before ``q`` in a list within the clause starting at ``cs``, and where it starts."""
    t, lr = ctx.text, ctx.r.lists
    after = t[q.end:q.end + 1]
    if after and after not in lr.after:
        return None
    # the item starts after the last list separator among the characters of the window before the number
    lo = max(cs, q.start - lr.window)
    if after != lr.mark and lr.mark not in t[max(lo - 1, 0):q.start]:
        return None  # the character before the item (below) lies in there
    m = lr.last_sep_re.search(t, lo, q.start)
    i = m.start() + 1 if m else lo
    before = t[i - 1] if i > 0 else ""
    if not (before == lr.mark or after == lr.mark):
        return None
    item = t[i:q.start]
    for o in lr.openers if item.startswith(lr.openers) else ():  # (most items start with none)
        if item.startswith(o):
            item = item[len(o):]
            i += len(o)
            break
    if 1 <= len(item) <= lr.max_len and lr.item_re.fullmatch(item) \
            and not ctx.r.metrics.metric_re.fullmatch(item) and not item.endswith(lr.not_last):
        return item, i
    return None
