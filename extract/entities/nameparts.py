"""Name parts: what makes a phrase before a head word a name (北京|银行, 城陵矶|站) rather than a description
(国内|银行), and where such a name may start.  Shared by the organisation and place rules.

A name part is a known place or organisation (the gazetteers and the names found to its left), a word jieba's
dictionary tags as a proper name and uses rarely enough, a word it does not know (made of Han characters, no
function character), Latin letters, or a national word (国家, 中央).  The stretch before a head opens after the
last stop word standing there (收购, 担任) and past the words with a stop tag (上半年, 大部分).
"""

from __future__ import annotations

from functools import lru_cache

from extract.entities.context import Ctx
from extract.entities.lexicon import rules


def left_edge(ctx: Ctx, w: int, a: int) -> int:
    """Where a name may start in ``text[w:a]``: after the last stop word standing as a word there (欧元|收购|德国
    凯斯勒…公司), then past the words with a stop tag that open it (上半年|集团, 大部分|银行)."""
    org, text, bnd = ctx.r.org, ctx.text, ctx.bnd
    p = w
    q = bnd.find(1, p + 1)
    while 0 < q <= a:  # the words wholly before the head
        if text[p:q] in org.stop_words:
            w = q
        p, q = q, bnd.find(1, q + 1)
    p = w
    while p < a:
        q = bnd.find(1, p + 1)
        if q < 0 or q >= a or org.ordinal_unit.match(text, p):  # 第六|师 opens a name although 第六 is m
            break
        if ctx.r.gaz.tag.get(text[p:q]) not in org.stop_tags:
            break
        p = q
    return p


def name_parts(ctx: Ctx, lo: int, a: int) -> list[tuple[int, int]]:
    """The name parts in ``text[lo:a]``, in text order: known places and organisations, words that are proper
    names (see :func:`is_name_word`; an unknown word jieba glued to a preposition counts from the character
    after it: 由|鼎泓), Latin letters."""
    text, bnd, org = ctx.text, ctx.bnd, ctx.r.org
    freq = org.freq
    found = [(c.start, c.end) for c in ctx.anchors.within(lo, a)]
    p = lo
    while p < a:  # name_word, not is_name_word, and freq in place of is_unknown: no extra call per word
        q = bnd.find(1, p + 1)
        if q > a:  # the word holding the head: a part only when a known name opens it (北京|大学 as 北京大学)
            word = text[p:a]
            if name_word(word) and freq.get(word):
                found.append((p, a))
            break
        word = text[p:q]
        if len(word) >= 2 and word[0] in org.stop_chars and not freq.get(word):  # 由|鼎泓, 据|省 glued by jieba
            if name_word(word[1:]):
                found.append((p + 1, q))
        elif name_word(word):
            found.append((p, q))
        p = q
    if ctx.has_latin:  # the document holds a match (a window can hold one only then: see Ctx)
        found += [m.span() for m in org.latin.finditer(text, lo, a)]
    if ctx.has_ordinal_unit:
        found += [m.span() for m in org.ordinal_unit.finditer(text, lo, a)]
    return found if len(found) < 2 else sorted(set(found))  # none or one: already sorted and unique


def first_part(ctx: Ctx, parts: list[tuple[int, int]], a: int) -> tuple[int, int] | None:
    """The first name part with no verb between it and the head at ``a`` (马拉加队|战胜|杭州队: 杭州)."""
    text, bnd, tag = ctx.text, ctx.bnd, ctx.r.gaz.tag
    verbs = ctx.r.org.verb_tags
    for i, (s, e) in enumerate(parts):
        p, ok = e, True
        while p < a:
            q = bnd.find(1, p + 1)
            if q < 0 or q > a:
                break
            if tag.get(text[p:q]) in verbs and not any(ps <= p < pe for ps, pe in parts[i + 1:]):
                ok = False
                break
            p = q
        if ok:
            return s, e
    return None


def is_name_word(ctx: Ctx, word: str) -> bool:
    """A proper name by the dictionary (see :func:`name_word`)."""
    return name_word(word)


@lru_cache(maxsize=1 << 16)
def name_word(word: str) -> bool:
    """A proper name by the dictionary: a national word (国家, 中央), a place or organisation of the gazetteer,
    a word jieba tags as a name and uses rarely enough, or a word of Han characters it does not know (and no
    function character: 全澳, 另据 are none).  It depends on the word alone, so each is decided once a process."""
    r = rules()
    org, gaz = r.org, r.gaz
    if word in org.national or gaz.label.get(word) in ("LOC", "ORG"):
        return True
    tag = gaz.tag.get(word)
    if tag in org.name_tags:
        return len(word) > 1 and org.freq.get(word, 0) <= org.name_tag_max_freq[tag] and not _generic_region(word)
    lo, hi = org.unknown_len
    return lo <= len(word) <= hi and not org.freq.get(word) and r.chars.is_han_run.fullmatch(word) is not None \
        and word[0] not in org.bad_start and not any(ch in org.not_in_unknown for ch in word) \
        and not _generic_region(word)


def _generic_region(word: str) -> bool:
    """True when ``word`` ends with a generic region word after two or more characters that are no name part
    (沿海|地区, 周边|城市: a description; 上海地区 and 盐城市 stay names)."""
    for end in rules().org.regions:
        if word.endswith(end) and len(word) - len(end) >= 2:
            return not name_word(word[:-len(end)])
    return False
