"""Organisations by grammar (``rules/entities/organisations.toml``): a name part, then a head word.

A name part (a known place or organisation, a word jieba's dictionary tags as a proper name, a word it does not
know, Latin letters, a national word) is what makes a phrase a name: 北京银行 is one, 国内银行 is not.  The
organisation starts at the first name part after the left boundary, past the verbs, prepositions and time words
that open the stretch (担任|苏源新材料股份有限公司, 据|华澜经济研究院, 上半年|集团: none).  Heads come in four
kinds: legal (…有限公司: a name even without a name part), named (…银行, …大学: a name part anywhere before),
weak (…局, …处, …队: a name part close before) and brand (…资本, …汽车: a proper name right before).  Each ORG
found becomes an anchor for the ones to its right, so nested forms stay whole (喀什海关|物流监管处).  Outlets of
datelines and credit lines (来源：X, X讯, © X 版权所有) are organisations too.
"""

from __future__ import annotations

import re

from extract.entities.candidate import Cand
from extract.entities.context import Ctx
from extract.entities.nameparts import first_part, left_edge, name_parts
from extract.entities.places import place_in_word
from extract.entities.words import find_literals

LEGAL, NAMED, WEAK, BRAND = "legal", "named", "weak", "brand"


def org_cands(ctx: Ctx) -> list[Cand]:
    """Organisations by head word (and stations named after a place, which are places), outlets first."""
    org, text = ctx.r.org, ctx.text
    out = outlet_cands(ctx)
    for c in out:
        ctx.anchors.add(c)
    for m in find_literals(org.heads, text, ctx.points, ctx.pairs):
        head = m.group()
        a, b = m.span()
        start = _numbered_start(ctx, head, a, b) if head in org.numbered_heads else None
        if start is None:
            start = _head_start(ctx, head, a, b)
        if start is None or b - start > org.max_len or unbalanced(ctx, start, b):
            continue
        label, rule = "ORG", org.rule[org.kind[head]]
        if head in org.place_like and a > start and _middle_is_proper(ctx, start, a):
            label, rule = org.place_like_label, org.rule_place_like
        c = Cand(start, b, label, rule)
        out.append(c)
        ctx.anchors.add(c)
    return out


def _head_start(ctx: Ctx, head: str, a: int, b: int) -> int | None:
    """Start of the organisation a head at [a, b) ends, by the rule of its kind, or None."""
    org = ctx.r.org
    if len(head) == 1 and _ends_word(ctx, a, b):
        return None  # 全部, 平台, 团队: the head ends a common word (the usual case, decided first)
    if not _suffix_ok(ctx, head, b) or (head in org.place_heads and _place_head(ctx, head, a, b)):
        return None
    if b in ctx.anchors.by_end and _known_whole(ctx, a, b):
        return None  # 乌鲁木齐海关 is a name of the lists, with no place before it to grow over
    return _START[org.kind[head]](ctx, head, ctx.window(a, org.max_len), a, b)


def _numbered_start(ctx: Ctx, head: str, a: int, b: int) -> int | None:
    """Start of a numbered unit ending with a one-character head at [a, b): a short name, the numeral, the head
    (中建|三局, 中铁|十一局; 中|铁五局 where jieba glued the name's last character to the number), or None."""
    org, text, bnd = ctx.r.org, ctx.text, ctx.bnd
    n = a
    while n > 0 and a - n < org.numbered_len and text[n - 1] in org.numerals:
        n -= 1
    if n == a or not _suffix_ok(ctx, head, b):
        return None  # the usual case: no numeral before the head
    ws = bnd.rfind(1, 0, n + 1)  # the word holding the numeral's first character
    if ws < n:  # 铁|五局 as one word: one Han character, no function character, before the number
        if n - ws != 1 or bnd.find(1, n) != b or text[ws] in org.not_in_unknown or text[ws] in org.bad_start \
                or not ctx.all_han(ws, n):
            return None
        return _lone_before(ctx, ws)
    ps = bnd.rfind(1, 0, n)
    word = text[ps:n]
    if not (2 <= len(word) <= 4 and ctx.all_han(ps, n)) or ctx.r.gaz.tag.get(word) not in org.numbered_tags \
            or org.freq.get(word, 0) > org.numbered_max_freq or n in ctx.anchors.by_end:
        return None  # 比赛|三局, 中国女排|三局: a game's sets, not a body's unit
    return ps


def _lone_before(ctx: Ctx, s: int) -> int | None:
    """A name of one character at ``s`` with a lone character before it that jieba's dictionary joins to it
    (中|铁五局: 中铁): the start of the two, else None (one character alone names nothing)."""
    text, org = ctx.text, ctx.r.org
    if s < 1 or not ctx.single[s - 1] or text[s - 1] in org.not_in_unknown or not ctx.all_han(s - 1, s):
        return None
    return s - 1 if org.freq.get(text[s - 1:s + 1]) else None


def _known_whole(ctx: Ctx, a: int, b: int) -> bool:
    """True when a name of the gazetteer lists holds the head at [a, b), ends with it and follows no known place
    (韩国|外交部 grows; 乌鲁木齐海关 alone is found already)."""
    by_end, gaz_rules = ctx.anchors.by_end, ctx.r.gaz_rules
    return any(c.start < a and c.rule in gaz_rules and c.start not in by_end for c in by_end[b])


def _place_head(ctx: Ctx, head: str, a: int, b: int) -> bool:
    """A head that ends a place's head word (卫星|发射中心, 体育中心: venues and sites are places)."""
    text = ctx.text
    return any(text.startswith(h, b - len(h)) for h in ctx.r.org.place_heads.get(head, ()))


def outlet_cands(ctx: Ctx) -> list[Cand]:
    """来源：庐州新闻网 / 新华网讯 / © 2023 经济观察网 版权所有: the outlet named there."""
    org, text = ctx.r.org, ctx.text
    out = []
    for pattern, needs in org.outlet:
        if not any(w in text for w in needs):
            continue
        for m in pattern.finditer(text):
            name = m.group(1)
            if name not in org.outlet_not and ctx.r.chars.is_han.search(name):
                out.append(Cand(m.start(1), m.end(1), "ORG", org.rule_outlet))
    out.sort(key=lambda c: c.start)
    return out


def _suffix_ok(ctx: Ctx, suffix: str, b: int) -> bool:
    """A head ending at ``b`` must end a word: at a jieba word end, before a title, punctuation or a boundary,
    and not before a character that makes it another word (处理, 科技)."""
    text, r = ctx.text, ctx.r
    nxt = text[b] if b < len(text) else ""
    if nxt and nxt in r.org.not_before.get(suffix, ""):
        return False
    if ctx.bnd[b] or not nxt or nxt in r.chars.punct or ctx.barrier[b] or nxt in r.org.follow_ok:
        return True
    rest = text[b:ctx.bnd.find(1, b)]  # jieba glued the head to a word of its own (公司|总部, 大学|校园)
    if len(rest) > 1 and r.org.freq.get(rest):
        return True
    return r.per.title_re.match(text, b) is not None or r.org.heads.regex.match(text, b) is not None


def _legal_start(ctx: Ctx, head: str, w: int, a: int, b: int) -> int | None:
    """A legal head (…有限公司): from the left edge when the name there is long enough, holds a Han character and
    does not open with a word like 第, 每 or 该; else from the first name part after it."""
    org, text = ctx.r.org, ctx.text
    lo = left_edge(ctx, w, a)
    if a - lo >= org.min_name and ctx.r.chars.is_han.search(text[lo:a]) and text[lo] not in org.bad_start:
        return lo
    parts = name_parts(ctx, lo, a)
    return parts[0][0] if parts else None


def _named_start(ctx: Ctx, head: str, w: int, a: int, b: int) -> int | None:
    """A named head (…银行, …研究院): from the first name part after the left edge; a local prefix (市|统计局)
    or a dictionary organisation holding the head (人民日报 nt) counts as one; else None (国内银行, and a
    clause between the name and the head: :func:`_verb_inside`)."""
    lo = left_edge(ctx, w, a)
    part = first_part(ctx, name_parts(ctx, lo, a), a)
    if part:  # …中级人民法院|公开|宣判|某省人民政府: a clause between the name part and the head joins no name
        return None if _verb_inside(ctx, part[1], a) else part[0]
    local = _local_or_word(ctx, lo, a, b)
    return local if local is not None or head not in ctx.r.org.abbreviation_heads else _abbreviation_before(ctx, lo, a)


def _abbreviation_before(ctx: Ctx, lo: int, a: int) -> int | None:
    """Start of a rare abbreviation standing as the word right before a company head at ``a`` (上汽|集团, 邮储|银行),
    or None."""
    org, bnd = ctx.r.org, ctx.bnd
    if not bnd[a]:
        return None
    ps = bnd.rfind(1, 0, a)
    word = ctx.text[ps:a]
    if ps < lo or ctx.r.gaz.tag.get(word) not in org.abbreviation_tags:
        return None
    return ps if org.freq.get(word, 0) <= org.abbreviation_max_freq else None


def _local_or_word(ctx: Ctx, lo: int, a: int, b: int) -> int | None:
    """市|统计局 (a one-character local prefix standing as a word, or glued to a stop character: 据省|气象台), or a
    word of jieba's dictionary tagged as an organisation that holds the head (人民日报; not a description such
    as 上市公司), or None."""
    text, bnd, org = ctx.text, ctx.bnd, ctx.r.org
    if lo + 1 <= a and text[lo] in org.local and bnd[lo + 1]:
        return lo
    if lo + 2 <= a and text[lo] in org.stop_chars and text[lo + 1] in org.local and bnd[lo + 2]:
        return lo + 1
    s = bnd.rfind(1, 0, a) if not bnd[a] else -1  # the word holding the head's first character
    if 0 <= s < a and bnd.find(1, a) == b and ctx.r.gaz.tag.get(text[s:b]) in org.word_tags \
            and text[s:b] not in org.generic_words:
        return s
    return None


def _ends_word(ctx: Ctx, a: int, b: int) -> bool:
    """True when a one-character head at [a, b) ends a two-character word of the text that is a frequent or common
    dictionary word (布局, 全部, 财报), or follows a stop character (赴台: a verb and its object)."""
    org, text = ctx.r.org, ctx.text
    if a > 0 and text[a - 1] in org.stop_chars:
        return True
    if not ctx.is_word(a - 1, b):
        return _split_verb(ctx, a, b)
    word = text[a - 1:b]
    return org.freq.get(word, 0) >= org.single_word_freq or ctx.r.gaz.tag.get(word, "nz") not in org.name_tags


def _split_verb(ctx: Ctx, a: int, b: int) -> bool:
    """True when the head at [a, b) and the character before it are a frequent verb that jieba's cut split off
    only for one reading of an ambiguous stretch (一|审判|处 read 一审|判处: the word before the head opens with a
    character that ends a word with the one before it too); 稽查|处 (务稽 is no word) stays an office."""
    org, text, bnd = ctx.r.org, ctx.text, ctx.bnd
    verb = text[a - 1:b]
    if org.freq.get(verb, 0) < org.single_word_freq or ctx.r.gaz.tag.get(verb) not in org.verb_tags:
        return False  # the usual case: no verb ends with the head
    ws = bnd.rfind(1, 0, a)  # the word holding the character before the head
    return 0 < ws < a - 1 and bool(org.freq.get(text[ws - 1:ws + 1]))


def _weak_start(ctx: Ctx, head: str, w: int, a: int, b: int) -> int | None:
    """A weak head (…局, …处, …队): the first name part, when the last one ends at most ``max_middle`` characters
    before the head (a one-character head needs ``single_min_middle`` between, unless it is a close head such as
    队); a local prefix counts; no title between (印度尼西亚总统|佐科)."""
    org, text = ctx.r.org, ctx.text
    if _after_ordinal(ctx, a, b):
        return None
    lo = left_edge(ctx, w, a)
    near = max(lo, a - org.max_middle - org.near_extra)  # the usual answer (no name part close): decided cheaply
    parts = name_parts(ctx, near, a) or [(c.start, c.end) for c in place_in_word(ctx, a)]
    if parts and near > lo:
        parts = name_parts(ctx, lo, a)
    if not parts:
        local = _local_or_word(ctx, lo, a, b)
        parts = [(local, local + 1)] if local is not None else []
    if not parts:
        return None
    middle = a - max(e for _, e in parts)  # after the last name part: at most max_middle
    if middle > org.max_middle:
        return None
    if len(head) == 1 and head not in org.close and a - parts[0][1] < org.single_min_middle:
        return None
    if ctx.r.per.title_re.search(text, a - middle, a) or _verb_inside(ctx, a - middle, a) \
            or _verb_object(ctx, a - middle, a):
        return None
    if head in org.close:  # 马拉加队|两球战胜|杭州队: a team is the name right before its head
        return _close_start(ctx, parts)
    return parts[0][0]


def _close_start(ctx: Ctx, parts: list[tuple[int, int]]) -> int:
    """Start of the name of a close head: the last name part, and each earlier one that only words of a body
    part from it (浙江|高速|交警|金华|支队: a unit of the province's traffic police; 马拉加队|两球战胜|杭州队: 杭州)
    or that is a known place touching it (山东|泰山|队: a club's home and its name; 首尔队|不敌|中国|北京队 stops
    at 中国: 不敌 is no place)."""
    start = parts[-1][0]
    for ps, pe in reversed(parts[:-1]):
        if pe > start:
            continue  # a part holding a later one (an anchor over both)
        if not (_bodies_only(ctx, pe, start) if pe < start else _is_place(ctx, ps, pe)):
            break
        start = ps
    return start


def _is_place(ctx: Ctx, s: int, e: int) -> bool:
    """True when a known place spans exactly [s, e)."""
    return any(c.end == e for c in ctx.anchors.locs_within(s, e))


def _bodies_only(ctx: Ctx, p: int, q: int) -> bool:
    """True when the words of the text tile [p, q) and each is a word of a body (高速, 交警, 总队)."""
    bodies, text = ctx.r.org.bodies, ctx.text
    if not ctx.bnd[p] or not ctx.bnd[q]:
        return False
    return all(text[s:e] in bodies for s, e in ctx.words(p, q))


_ORDINAL_MARK = "第"
_ORDINAL_BEFORE = re.compile(_ORDINAL_MARK + r"[〇零一二三四五六七八九十百两\d]{1,4}$")


def _after_ordinal(ctx: Ctx, a: int, b: int) -> bool:
    """True when an ordinal stands right before a weak head (参加第三站比赛, 第二部: a stage, a part), unless the
    two make a numbered unit (第六师, 第一支队: the organisation.toml ``ordinal_unit``)."""
    lo = max(0, a - 5)
    if ctx.text.find(_ORDINAL_MARK, lo, a) < 0:
        return False  # the usual case: no 第 before the head (a substring search, not a regex search per start)
    m = _ORDINAL_BEFORE.search(ctx.text, lo, a)
    return m is not None and not ctx.r.org.ordinal_unit.fullmatch(ctx.text, m.start(), b)


def _verb_inside(ctx: Ctx, s: int, a: int) -> bool:
    """True when the words between ``s`` and the word touching the head at ``a`` read as a clause: two verbs in a
    row or an adverb (合川区|累计|建成|充电|站, 已|开通|基站), not an office's name (查检|三科, 行政|审批|局)."""
    text, tag, org = ctx.text, ctx.r.gaz.tag, ctx.r.org
    verb = False
    for p, q in ctx.words(s, ctx.bnd.rfind(1, s, a)):
        t = tag.get(text[p:q])
        if t in org.clause_tags or (verb and t in org.verb_tags):
            return True
        verb = t in org.verb_tags
    return False


def _verb_object(ctx: Ctx, s: int, a: int) -> bool:
    """True when the head at ``a`` ends a common word that a verb right before governs (北京协和医院|派出|医疗队,
    组建|救援队): the team is the verb's object, no unit of the name before it; a name-tagged word is a unit
    (海关|查检|三科), and so is a head standing alone after a verb (城管|执法|大队, 行政|审批|局)."""
    bnd = ctx.bnd
    if bnd[a]:
        return False  # the usual case: the head opens its own word
    ws = bnd.rfind(1, 0, a)  # the word holding the head's first character
    if ws <= s or ctx.text[ws:bnd.find(1, a)] not in ctx.r.gaz.common:
        return False
    vs = bnd.rfind(1, s, ws)
    return vs >= s and ctx.r.gaz.tag.get(ctx.text[vs:ws]) in ctx.r.org.verb_tags


def _brand_start(ctx: Ctx, head: str, w: int, a: int, b: int) -> int | None:
    """A brand head (…资本, …汽车): a proper name of at most ``brand_max_name`` characters that is no place,
    ending at most ``brand_max_middle`` characters before the head (骁驰|汽车, 华瑞|产业|基金)."""
    org, gaz, text = ctx.r.org, ctx.r.gaz, ctx.text
    lo = left_edge(ctx, w, a)
    best = None
    for s, e in name_parts(ctx, lo, a):
        word = text[s:e]
        if a - e > org.brand_max_middle or e - s > org.brand_max_name or gaz.label.get(word) == "LOC":
            continue
        if ctx.is_unknown(word) or gaz.tag.get(word) in org.brand_tags:
            best = s if best is None else best
    return best


_START = {LEGAL: _legal_start, NAMED: _named_start, WEAK: _weak_start, BRAND: _brand_start}


def _middle_is_proper(ctx: Ctx, start: int, a: int) -> bool:
    """True when all between the last anchor and a place-like head is a short proper name (上海|虹桥|站), not an
    office word (新疆|记者站, 工作站): such a station is a place."""
    ends = [c.end for c in ctx.anchors.within(start, a)]
    m = max(ends) if ends else start
    return 1 <= a - m <= ctx.r.org.place_like_max and ctx.all_han(m, a) and not ctx.has_common_word(m, a) \
        and ctx.text[m:a] not in ctx.r.gaz.common


def unbalanced(ctx: Ctx, s: int, e: int) -> bool:
    """乌鲁木齐）集结中心: a name never holds half a bracket pair."""
    name, chars = ctx.text[s:e], ctx.r.chars
    return sum(map(name.count, chars.open_brackets)) != sum(map(name.count, chars.close_brackets))
