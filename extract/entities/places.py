"""Places by their suffix (``rules/entities/places.toml``).

A strong suffix (…口岸, …综合保税区, …港) ends a place built on the known places before it (宁波|舟山|港), or
on an unknown 2-4 character name when there is none (都拉塔|口岸).  jieba glues some names to their suffix
(上海港, 北京经济技术开发区 are one word), so a known place at the start of the word that holds the suffix
counts too; an unknown name may sit between a known place and a port-type suffix (日照港|岚山|港区) or carry
descriptor words (洋山|深水|港区), but never starts with a verb or function word (占|全港).  A weak suffix
(市, 县, 站) makes a place only right after a known one (喀什|市, 成都|东|站).
"""

from __future__ import annotations

from extract.entities.candidate import Cand
from extract.entities.context import Ctx
from extract.entities.lexicon import Rules
from extract.entities.nameparts import is_name_word, left_edge, name_parts
from extract.entities.words import find_literals, word_starts


def loc_cands(ctx: Ctx) -> list[Cand]:
    """Places by suffix; each found with a strong suffix becomes an anchor for the ones to its right."""
    loc, text, anchors = ctx.r.loc, ctx.text, ctx.anchors
    n, bnd, barrier, by_end, strong, follow_ok = len(text), ctx.bnd, ctx.barrier, anchors.by_end, loc.strong, \
        loc.follow_ok.match
    out = []
    for m in loc.regex.finditer(text):  # few characters start a suffix: the regex scan is cheaper than a filter
        a, b = m.span()
        if b < n and not bnd[b] and not barrier[b] and not follow_ok(text, b):
            continue
        suffix = m.group()
        if suffix not in strong:  # a known place right before the suffix (喀什 + 市)
            if a in by_end or suffix == loc.station:  # else nothing ends there: the usual case, decided here
                c = _loc_after_place(ctx, suffix, a, b)
                if c is not None:
                    out.append(c)
                    anchors.unanchored.append(c)
            continue
        if b in ctx.admin_ends:
            continue  # 云南省|大理白族自治州: the divisions are places of their own
        found = _loc_start(ctx, suffix, a, b)
        if found is not None:
            c = Cand(found[0], b, "LOC", found[1])
            out.append(c)
            anchors.add(c)
    return out


def not_places(r: Rules, text: str, gaz: list[Cand]) -> list[Cand]:
    """The gazetteer names less the places followed by a word that makes them something else (北京|时间) and the
    counties' short forms without a vote (400亿元|大关, 江海|联运)."""
    after = r.loc.not_before
    if any(w in text for w in after):
        gaz = [c for c in gaz if c.label != "LOC" or not text.startswith(after, c.end)]
    weak = r.gaz.weak
    names = [text[c.start:c.end] for c in gaz]  # cut once, for the test and the filter (no generator per name)
    if weak.isdisjoint(names):
        return gaz
    starts = {c.start for c in gaz if c.label == "LOC"}
    ends = {c.end for c in gaz if c.label == "LOC"}
    return [c for c, name in zip(gaz, names, strict=True)
            if name not in weak or _short_form_vote(r, text, c, starts, ends)]


def _short_form_vote(r: Rules, text: str, c: Cand, starts: set[int], ends: set[int]) -> bool:
    """A county's short form is a place with a vote: its full name in the text, a place right before it (上海|浦东,
    台湾|彰化), or the context votes of the dictionary places (a locative after, a place verb before, a list)."""
    dic = r.loc.dictionary
    s, e = c.start, c.end
    if r.gaz.canonical.get(text[s:e], "\0") in text or s in ends:
        return True
    if text.startswith(dic.after, e) or text.endswith(dic.before, 0, s):
        return True
    return any((text.startswith(x, e) and e + len(x) in starts) or (text.endswith(x, 0, s) and s - len(x) in ends)
               for x in dic.separators)


def admin_cands(ctx: Ctx) -> list[Cand]:
    """China's divisions by full name (上海市|浦东新区, 熊口镇, 桥东街道): a name of the division lists ending at an
    administrative suffix, starting at a word start, after punctuation or where another division ends; the longest
    such name at each suffix.  Each becomes an anchor."""
    loc, text, bnd, punct = ctx.r.loc, ctx.text, ctx.bnd, ctx.r.chars.punct
    out: list[Cand] = []
    ends: set[int] = set()
    for m in loc.admin_regex.finditer(text):
        a, b = m.span()
        lengths = loc.admin_lengths.get(text[b - 2:b])
        if lengths is None:
            continue  # 全市, 城市: no division name ends so (the usual case)
        lo = -1  # the window, made when a name of the lists stands there (the tests are pure: order is free)
        for k in lengths:  # only where a name of the lists with this ending may start, leftmost first
            s = b - k
            if s >= a:
                break
            if (bnd[s] or s in ends or text[s - 1] in punct) and text[s:b] in loc.admin_names:
                if lo < 0:
                    lo = max(ctx.window(a, loc.admin_max), b - loc.admin_max)
                if s < lo:
                    continue
                c = Cand(s, b, "LOC", loc.rule_admin)
                out.append(c)
                ends.add(b)
                ctx.admin_ends.add(b)
                ctx.anchors.add(c)
                break
    return out


def _loc_after_place(ctx: Ctx, suffix: str, a: int, b: int) -> Cand | None:
    """A weak suffix (市, 站) right after a known place (喀什 + 市, 成都 + 东 + 站), or None."""
    text, loc, by_end = ctx.text, ctx.r.loc, ctx.anchors.by_end
    ending = [c.start for c in by_end.get(a, ()) if c.label == "LOC"]
    if ending and suffix in loc.area_words:  # 京津冀|地区: a broad place takes no area word
        ending = [s for s in ending if text[s:a] not in loc.broad]
    if not ending and suffix == loc.station and a > 0 and text[a - 1] in loc.station_middle:  # 成都 东 站
        ending = [c.start for c in by_end.get(a - 1, ()) if c.label == "LOC"]
        ending = ending or [c.start for c in place_in_word(ctx, a - 1)]  # 北京西站 is one word
    if ending:
        w = ctx.window(a, loc.window)
        ending = [s for s in ending if s >= w]
        if ending:
            return Cand(min(ending), b, "LOC", loc.rule_after)
    return None


def _loc_start(ctx: Ctx, suffix: str, a: int, b: int) -> tuple[int, str] | None:
    """Start and rule of the place that a strong suffix at [a, b) ends, or None: built on the known places
    before it, or an unknown name when there is none."""
    loc = ctx.r.loc
    w = ctx.window(a, loc.window)
    anchors = ctx.anchors.locs_within(w, a)
    # the usual case, decided without the rules below: no known place in the window and none glued to the suffix
    # (the tight, glued and word rules all find nothing then), so only an unknown name may stand before it
    if not anchors and (a <= 0 or ctx.bnd[a]):
        return (w, loc.rule_unknown) if _unknown_name_before(ctx, w, a) else None
    if suffix in loc.tight:
        near, rule = _tight_places(ctx, suffix, anchors, a)
    elif anchors and a - max(c.end for c in anchors) <= loc.max_middle:
        near, rule = anchors, loc.rule_suffix
    else:
        near, rule = _place_opens_word(ctx, a, b), loc.rule_suffix
    if near:
        last = near[-1]
        k = next((i for i, c in enumerate(anchors) if c is last), None)
        return _chain_start(ctx, near if k is None else anchors[:k + 1]), rule  # 宁波|舟山|港 as one port
    if anchors:  # 喀什新建口岸: a known place + a phrase the tight rules refused is no unknown name either
        return None
    return (w, loc.rule_unknown) if _unknown_name_before(ctx, w, a) else None


def _tight_places(ctx: Ctx, suffix: str, anchors: list[Cand], a: int) -> tuple[list[Cand], str]:
    """The known places a tight suffix at ``a`` builds on, and the rule that decides: right before it (a
    province only before 港), or across a port-type word (公路, 铁路); else a known place glued to it in one
    word; else a known place and an unknown name (日照港|岚山|港区)."""
    loc, text = ctx.r.loc, ctx.text
    if anchors:
        near = [c for c in anchors if (c.end == a and (suffix in loc.broad_ok or text[c.start:c.end] not in loc.broad))
                or (c.end < a and text[c.end:a] in loc.tight_middle)]
        if near:
            return near, loc.rule_suffix
    glued = place_in_word(ctx, a)
    if glued or suffix not in loc.named:
        return glued, loc.rule_suffix
    return _anchor_and_name(ctx, anchors, a), loc.rule_named


def _chain_start(ctx: Ctx, anchors: list[Cand]) -> int:
    """Start of a place name built on the last known place, extended left over known places that touch it
    (新疆自贸试验区|霍尔果斯|片区) but not over a complete place before it (…示范区|新疆农业博览园)."""
    start = anchors[-1].start
    source = ctx.r.source
    for c in reversed(anchors[:-1]):
        if c.end == start and source[c.rule] == "gazetteer":
            start = c.start
        elif c.end <= start:
            break
    return start


def _unknown_name_before(ctx: Ctx, w: int, a: int) -> bool:
    """True when ``text[w:a]`` is an unknown place name (2-4 Han characters, descriptor words after it allowed)
    that opens a word and does not start with a verb or function word.  The cheap tests come first (all are
    pure, so their order does not change the answer): most windows are too short or start inside a word."""
    if a - w < ctx.r.loc.name_len[0] or not ctx.bnd[w]:
        return False
    head = _head_end(ctx, w, a)
    return _unknown_place(ctx, w, head) and not ctx.has_common_word(w, head) \
        and not (ctx.single[w] and ctx.text[w] in ctx.r.loc.bad_start)


def _place_opens_word(ctx: Ctx, a: int, b: int) -> list[Cand]:
    """A whole jieba word that opens with a known place and ends with the suffix (北京经济技术开发区 is one word)."""
    if a <= 0:
        return []
    s, e = ctx.word_before(a)
    if e != b or a <= s + 1:
        return []  # the suffix is no word's end, or the word holds one character before it (no place of 2+)
    gaz, text = ctx.r.gaz, ctx.text
    k = next((k for k in range(a, s + 1, -1) if gaz.label.get(text[s:k]) == "LOC"), None)
    return [Cand(s, k, "LOC", gaz.rule[text[s:k]])] if k is not None else []


def _anchor_and_name(ctx: Ctx, anchors: list[Cand], a: int) -> list[Cand]:
    """A known place, an unknown proper name and a port-type suffix (青岛港|董家口|港区): the anchors up to that
    place, when the name between is a 2-4 character unknown word (no dictionary word, no function word)."""
    if not anchors:
        return []
    c = max(anchors, key=lambda c: (c.end, c.start))
    head = _head_end(ctx, c.end, a)
    if c.end >= a or not ctx.bnd[c.end] or not _unknown_place(ctx, c.end, head) \
            or ctx.has_common_word(c.end, head) or (ctx.single[c.end] and ctx.text[c.end] in ctx.r.loc.bad_start):
        return []
    return [x for x in anchors if x.end <= c.end]


def place_in_word(ctx: Ctx, a: int) -> list[Cand]:
    """A known place that jieba glued to the suffix at ``a`` (上海港 is one word, so the gazetteer never saw
    上海): the start of the word holding ``a`` up to ``a``, when it is a known place."""
    if a <= 0 or ctx.bnd[a]:
        return []
    s = ctx.bnd.rfind(1, 0, a)
    name, gaz = ctx.text[s:a], ctx.r.gaz
    return [Cand(s, a, "LOC", gaz.rule[name])] if gaz.label.get(name) == "LOC" else []


def _head_end(ctx: Ctx, w: int, a: int) -> int:
    """End of the proper-name part of ``text[w:a]``: descriptor words right before the suffix (洋山|深水|港区)
    are peeled off, so an unknown name may carry them while the test of an unknown name sees only its head."""
    end = a
    while end > w:
        if not ctx.bnd[end]:  # no word ends at ``end``
            break
        s = ctx.bnd.rfind(1, 0, end)  # the word that ends there
        if s <= w or ctx.text[s:end] not in ctx.r.loc.descriptors:
            break
        end = s
    return end


def _unknown_place(ctx: Ctx, s: int, e: int) -> bool:
    """An unknown name ``text[s:e]`` in front of …口岸: 2-4 Han characters, not a dictionary word (提升, 百年), not
    generic."""
    r, name = ctx.r, ctx.text[s:e]
    lo, hi = r.loc.name_len
    if not lo <= len(name) <= hi or not ctx.all_han(s, e) or name[0] in r.org.bad_start:
        return False
    if name in r.loc.generic or (name in r.gaz.label and name not in r.gaz.weak) or name in r.gaz.common:
        return False  # (a county's short form without a vote, 岚山 of 日照港|岚山|港区, may be the unknown name)
    return not (name.startswith(r.loc.generic_multi) or name.endswith(r.loc.generic_multi))


def facility_cands(ctx: Ctx) -> list[Cand]:
    """A name part and a facility or landmark head as one place (淮安|体育中心|体育场, 城陵矶|站, 西岗|村), or the
    dictionary place word that holds a one-character head (洞庭湖, 南京路)."""
    fac, text, bnd, n = ctx.r.loc.facility, ctx.text, ctx.bnd, len(ctx.text)
    out = []
    for m in find_literals(fac.scan, text, ctx.points, ctx.pairs):
        head, a, b = m.group(), m.start(), m.end()
        if b < n and not bnd[b] and not ctx.barrier[b] and text[b] not in ctx.r.chars.punct:
            continue  # the head starts another word (山河, 路线)
        start = _facility_start(ctx, head, a, b) if bnd[a] else _facility_word(ctx, a, b)
        if start is not None:
            out.append(Cand(start, b, "LOC", fac.rule))
    return out


def _facility_start(ctx: Ctx, head: str, a: int, b: int) -> int | None:
    """Start of the name part before a facility head standing as a word: the last one, right before a
    one-character head, within ``max_middle`` characters of a longer one."""
    fac, text = ctx.r.loc.facility, ctx.text
    if len(head) == 1 and a > 0:  # the usual case decided cheaply: the word before is no name
        s = ctx.bnd.rfind(1, 0, a)
        if not ctx.anchors.by_end.get(a) and not is_name_word(ctx, text[s:a]):
            return None
    w = ctx.window(a, ctx.r.loc.window)
    lo = left_edge(ctx, w, a)
    parts = [(s, e) for s, e in name_parts(ctx, lo, a) if _place_part(ctx, text[s:e])]
    if not parts:
        return None
    s, e = parts[-1]
    if (len(head) == 1 and e != a) or a - e > fac.max_middle or _verb_between(ctx, e, a):
        return None
    return s


def _verb_between(ctx: Ctx, e: int, a: int) -> bool:
    """True when a word between a name part and its head has a tag no descriptor has (积极, 推进, 四期)."""
    text, bnd, bad = ctx.text, ctx.bnd, ctx.r.loc.facility.middle_not_tags
    p = e
    while p < a:
        q = bnd.find(1, p + 1)
        if ctx.r.gaz.tag.get(text[p:min(q, a)]) in bad or not ctx.r.chars.is_han.match(text[p]):
            return True
        p = q
    return False


def _place_part(ctx: Ctx, word: str) -> bool:
    """A name part that may name a place: no person or organisation known so, a place or proper-name tag when
    jieba knows the word."""
    gaz, fac = ctx.r.gaz, ctx.r.loc.facility
    label = gaz.label.get(word)
    if label is not None:
        return label == "LOC"
    tag = gaz.tag.get(word)
    return tag is None or tag in fac.name_tags or word in ctx.r.org.national


def _facility_word(ctx: Ctx, a: int, b: int) -> int | None:
    """The start of the word that holds a facility head at [a, b) and ends with it, when jieba tags that word as a
    place (洞庭湖, 塞班岛; a two-character word only when rare: 江河 is common) or it opens with a known place
    (酒泉卫星发射中心 is one word of the dictionary)."""
    fac, text, bnd, gaz = ctx.r.loc.facility, ctx.text, ctx.bnd, ctx.r.gaz
    s = bnd.rfind(1, 0, a)
    if bnd.find(1, a) != b:
        return None
    word, tag = text[s:b], gaz.tag.get(text[s:b])
    if tag in fac.word_tags or (b - a > 1 and tag in fac.long_word_tags):  # 官厅水库 nz: a longer head is evidence
        return s if len(word) > 2 or ctx.r.org.freq.get(word, 0) <= fac.word_max_freq else None
    if not ctx.is_unknown(word) and any(gaz.label.get(text[s:k]) == "LOC" for k in range(s + 2, a + 1)):
        return s
    return None


def dictionary_places(ctx: Ctx) -> list[Cand]:
    """Words jieba tags as places, with a second vote from the context (see ``[loc.dictionary]``)."""
    dic, text, words = ctx.r.loc.dictionary, ctx.text, ctx.r.loc.dictionary.words
    found = [(p, e) for p, e in zip(*word_starts(ctx.bnd, ctx.pairs.starts(dic.pairs)), strict=True)
             if text[p:e] in words]  # the words starting where a place word's first two characters stand
    if not found:
        return []
    known = {c.start for c in ctx.anchors.locs} | {c.end for c in ctx.anchors.locs}
    voted = [(s, e) for s, e in found if _place_vote(ctx, s, e, known)]
    listed = {s for s, _ in voted} | {e for _, e in voted}
    voted += [(s, e) for s, e in found if s not in listed and _listed(ctx, s, e, listed)]  # 资水、|沅水 (voted)
    return [Cand(s, e, "LOC", dic.rule) for s, e in sorted(voted)]


def _place_vote(ctx: Ctx, s: int, e: int, known: set[int]) -> bool:
    """The context's vote for a dictionary place word at [s, e): its shape, a locative after it, a place verb or
    preposition before it, or a list with a known place."""
    dic, text = ctx.r.loc.dictionary, ctx.text
    if e - s >= 3 and text[e - 1] in dic.shape:
        return True
    if text.startswith(dic.after, e) or text.endswith(dic.before, 0, s):
        return True
    return _listed(ctx, s, e, known)


def _listed(ctx: Ctx, s: int, e: int, places: set[int]) -> bool:
    """True when a list separator joins [s, e) to a place that ends or starts there (彰化、鹿港)."""
    text, sep = ctx.text, ctx.r.loc.dictionary.separators
    return any((text.startswith(x, e) and e + len(x) in places) or (text.endswith(x, 0, s) and s - len(x) in places)
               for x in sep)
