"""Organisations by their head word (``rules/entities/organisations.toml``).

A strong suffix (…有限公司, …管委会) makes an ORG of the name before it, grown left up to a boundary; a weak
one (…海关, …处) needs a known place or organisation in that name and starts at it.  Each ORG found becomes an
anchor for the ones to its right, so nested forms stay whole (喀什海关|物流监管处).
"""

from __future__ import annotations

from extract.entities.candidate import Cand
from extract.entities.context import Ctx
from extract.entities.places import place_in_word


def org_cands(ctx: Ctx) -> list[Cand]:
    """Organisations by suffix (and stations named after a place, which are places)."""
    org, text = ctx.r.org, ctx.text
    out = []
    for m in org.regex.finditer(text):
        suffix, a, b = m.group(), m.start(), m.end()
        if not _suffix_ok(ctx, suffix, b):
            continue
        w = ctx.window(a, org.max_len)
        if suffix in org.strong:
            start, rule = _strong_start(ctx, w, a), org.rule_strong
        else:
            start, rule = _weak_start(ctx, suffix, w, a, b), org.rule_weak
        if start is None or b - start > org.max_len or unbalanced(ctx, start, b):
            continue
        label = "ORG"
        if suffix in org.place_like and a > start and _middle_is_proper(ctx, start, a):
            label, rule = org.place_like_label, org.rule_place_like
        c = Cand(start, b, label, rule)
        out.append(c)
        ctx.anchors.add(c)
    return out


def _suffix_ok(ctx: Ctx, suffix: str, b: int) -> bool:
    """A suffix ending at ``b`` must end a word: at a jieba word end, before a title, punctuation or a boundary,
    and not before a character that makes it another word (处理, 科技)."""
    text, r = ctx.text, ctx.r
    nxt = text[b] if b < len(text) else ""
    if nxt and nxt in r.org.not_before.get(suffix, ""):
        return False
    if ctx.bnd[b] or not nxt or nxt in r.chars.punct or ctx.barrier[b]:
        return True
    return r.per.title_re.match(text, b) is not None or r.org.regex.match(text, b) is not None


def _strong_start(ctx: Ctx, w: int, a: int) -> int | None:
    """Start of the name before a strong suffix at ``a``: the window start ``w``, when the name is long enough,
    holds a Han character and does not open with a word like 第, 每 or 该."""
    org, text = ctx.r.org, ctx.text
    if a - w < org.min_name or not ctx.r.chars.is_han.search(text[w:a]) or text[w] in org.bad_start:
        return None
    return w


def _weak_start(ctx: Ctx, suffix: str, w: int, a: int, b: int) -> int | None:
    """Start of the name before a weak suffix at [a, b): the first known place or organisation in the window
    (成都市委 is one word: 成都 was never seen, so a known place opening that word counts too), or None."""
    org, text = ctx.r.org, ctx.text
    anchors = ctx.anchors.within(w, a) or place_in_word(ctx, a)
    if not anchors:
        return None
    middle = a - max(c.end for c in anchors)
    if len(suffix) == 1 and org.freq.get(text[a - 1:b], 0) >= org.single_word_freq:  # 布局, 格局: ends a word
        return None
    if middle > org.max_middle or (len(suffix) == 1 and middle < org.single_min_middle):
        return None
    if ctx.r.per.title_re.search(text, a - middle, a):  # 印度尼西亚总统佐科: a title is no part of an office
        return None
    return anchors[0].start


def _middle_is_proper(ctx: Ctx, start: int, a: int) -> bool:
    """True when all between the last anchor and a place-like suffix is a short proper name (上海|虹桥|站), not an
    office word (新疆|记者站, 工作站): such a station is a place."""
    ends = [c.end for c in ctx.anchors.within(start, a)]
    m = max(ends) if ends else start
    return 1 <= a - m <= ctx.r.org.place_like_max and ctx.all_han(m, a) and not ctx.has_common_word(m, a) \
        and ctx.text[m:a] not in ctx.r.gaz.common


def unbalanced(ctx: Ctx, s: int, e: int) -> bool:
    """乌鲁木齐）集结中心: a name never holds half a bracket pair."""
    name, chars = ctx.text[s:e], ctx.r.chars
    return sum(map(name.count, chars.open_brackets)) != sum(map(name.count, chars.close_brackets))
