"""Persons (``rules/entities/persons.toml``): after a job title, in bylines, with a dot, and their other mentions.

* a job title between an organisation and a name gives PERSON with ``title`` and ``org``, and a TITLE record
  (喀什海关物流监管处|副处长|张力); titles chained with 、 are one title (党组书记、副厅长);
* bylines (本报记者 耿丹丹 乔文汇) and ·-names (居来提·苏合力提) give PERSON too;
* every other mention of a name so found (or of a known person) is tagged as well.

Character spans are the truth (jieba may cut 处处长 as 处处/长); words only decide where a name may end.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.entities.candidate import Cand
from extract.entities.context import Ctx
from extract.entities.lexicon import Rules, rules
from extract.entities.words import scan


def valid_name(r: Rules, name: str) -> bool:
    """Whether ``name`` may be a personal name: its length, no character of ``not_in_name``, no title, no
    other gazetteer name, no common word.  It depends on the name alone, so with the process's rules each name
    is decided once a process (as ``nameparts.name_word``): the title rules ask it for every length tried."""
    return _valid_name(name) if r is rules() else _is_valid_name(r, name)


@lru_cache(maxsize=1 << 16)
def _valid_name(name: str) -> bool:
    """:func:`valid_name` with the process's rules, cached."""
    return _is_valid_name(rules(), name)


def _is_valid_name(r: Rules, name: str) -> bool:
    """:func:`valid_name`, computed."""
    lo, hi = r.per.name_len
    return lo <= len(name) <= hi and not any(ch in r.per.not_in_name for ch in name) and name not in r.per.titles \
        and r.gaz.label.get(name, "PERSON") == "PERSON" and name not in r.gaz.common


def _cut_at_trigger(r: Rules, s: str) -> str:
    """The part of ``s`` before the first trigger word (at index >= 1)."""
    for i in range(1, len(s)):
        if s.startswith(r.per.triggers, i):
            return s[:i]
    return s


def _name_at(ctx: Ctx, p: int) -> tuple[int, int] | None:
    """A personal name starting at ``p`` (right after a title), or None."""
    per, text = ctx.r.per, ctx.text
    m = per.dot_re.match(text, p)
    if m:
        head, _, tail = m.group().rpartition(per.dot)
        tail = _cut_at_trigger(ctx.r, tail)
        return (p, p + len(head) + len(per.dot) + len(tail)) if tail else None
    lo = per.name_len[0]
    m = ctx.r.chars.is_han_run.match(text, p, p + per.max_len)  # the Han characters from p, at most max_len
    run = m.end() - p if m else 0
    surname = run >= lo and (text[p] in per.surnames or text[p:p + per.compound_len] in per.compound)
    if surname and text[p] in per.ambiguous and text[p + 1] in per.given_not:
        return None  # 当事人|应自收到: a modal or a preposition after a character that is seldom a surname
    if (not surname or text[p] in per.ambiguous) and ctx.single[p] and ctx.r.gaz.tag.get(text[p]) in per.first_not_tags:
        return None  # 总经理|后|继续: the clause goes on after the title
    for n in range(lo, run + 1):
        if not valid_name(ctx.r, text[p:p + n]):
            break
        if p + n == len(text) or text.startswith(per.triggers, p + n):
            if surname and n > per.max_len_surname or not surname and ctx.has_common_word(p, p + n):
                break
            return p, p + n
    if surname:
        known = [n for n in per.surname_word_lengths if ctx.is_word(p, p + n) and not ctx.is_unknown(text[p:p + n])]
        n = known[0] if known else surname_name_len(ctx, p, run)  # a name jieba knows (李强), else by its end
        if n and valid_name(ctx.r, text[p:p + n]):
            return p, p + n
        for n in per.surname_word_lengths:
            if ctx.is_word(p, p + n) and valid_name(ctx.r, text[p:p + n]):
                return p, p + n
    return None


def surname_name_len(ctx: Ctx, p: int, run: int) -> int | None:
    """The length of a name opening with a surname at ``p`` (3 or 2 characters; 4 or 3 after a two-character
    surname) whose end is a good boundary: a word ends there, else a dictionary word starts there (蒋牧之|通过,
    顾天翊|跑出); the longer first.  A word's end comes first: 赵勇调整 is 赵勇|调整 although 整 starts words
    too.  None when neither length ends well."""
    per, text = ctx.r.per, ctx.text
    k = 2 if text[p:p + per.compound_len] in per.compound else 1
    fits = [n for n in (k + 2, k + 1) if n <= run and valid_name(ctx.r, text[p:p + n])
            and not ctx.opens_common_word(p, p + n)]
    for n in fits:  # where the text's own words end (赵勇|调整: jieba cuts the verb whole) before where one may start
        q = p + n
        if q == len(text) or ctx.bnd[q] or text[q] in ctx.r.chars.punct:
            return n
    for n in fits:
        q = p + n
        if ctx.starts_word(q) or ctx.r.gaz.tag.get(text[q]) in per.after_tags:
            return n
    return None


def title_persons(ctx: Ctx) -> list[Cand]:
    """ORG? TITLE NAME: 喀什海关物流监管处副处长张力 -> PERSON 张力 (title 副处长, org 喀什海关物流监管处), and the
    title (with its organisation's offices) as a TITLE candidate."""
    per, text = ctx.r.per, ctx.text
    matches = scan(per.title_re, per.title_pairs, text, ctx.pairs)
    title_ends = {m.end(): m.start() for m in matches}
    by_end: dict[int, list[Cand]] = {}
    out: list[Cand] = []
    for m in matches:
        if _straddles(ctx.bnd, m.start(), m.end()):
            continue
        span = _name_at(ctx, _past_blanks(text, m.end()))
        if span is None:
            continue
        if not by_end:  # the order within an end does not matter: ``_org_before`` takes the leftmost start
            by_end = ctx.anchors.every_by_end()
        org, ts = _org_before(ctx, _chain_start(ctx, m.start(), title_ends), by_end)
        out.append(Cand(span[0], span[1], "PERSON", per.rule_title, title=text[ts:m.end()], org=org))
        out.append(Cand(ts, m.end(), "TITLE", per.rule_title_word))
    return out


def _straddles(bnd: bytearray, s: int, e: int) -> bool:
    """True when jieba's words cross both edges of ``[s, e)``: the title's characters end one word and open the
    next (湖南省|长沙市 holds no 省长; 南安市|市长 and 江苏省委|书记 keep a title)."""
    return bnd[s] != 1 and e < len(bnd) and bnd[e] != 1


def _past_blanks(text: str, p: int) -> int:
    """``p`` past one or two blanks (南安市市长 许文渊: a title and its name set apart)."""
    for _ in range(2):
        if p < len(text) and text[p] in " \u3000":
            p += 1
    return p


def _chain_start(ctx: Ctx, ts: int, title_ends: dict[int, int]) -> int:
    """Start of a chain of titles ending with the one at ``ts``: 党组书记、副厅长 / 党委委员、管委会副主任 (an
    office of the organisation may stand between)."""
    per, text = ctx.r.per, ctx.text
    chain, suffixes = per.chain, ctx.r.org.suffixes
    while True:
        w = ctx.window(ts, per.chain_window)
        pre = text[w:ts]
        if w > 0 and text[w - 1] == chain and (w - 1) in title_ends and pre and pre.endswith(suffixes) \
                and not ctx.anchors.within(w, ts):  # an office of the same body (管委会), not another (国务院)
            ts = title_ends[w - 1]
        elif ts > 0 and text[ts - 1] == chain and (ts - 1) in title_ends:
            ts = title_ends[ts - 1]
        else:
            return ts


def _org_before(ctx: Ctx, ts: int, by_end: dict[int, list[Cand]]) -> tuple[str | None, int]:
    """The organisation in front of a title starting at ``ts``, and where the title really starts (a few Han
    characters between an ORG and the title belong to the title: …有限公司|精阿项目设计总工程师)."""
    text = ctx.text
    w = ctx.window(ts, ctx.r.org.max_len)
    ending = [c for c in by_end.get(ts, []) if c.start >= w]
    if ending:
        c = min(ending, key=lambda c: c.start)
        return text[c.start:ts], ts
    for e in range(ts - 1, max(w, ts - ctx.r.per.org_gap), -1):
        inside = [c for c in by_end.get(e, []) if c.start >= w and c.label == "ORG"]
        if inside and ctx.all_han(e, ts):
            c = min(inside, key=lambda c: c.start)
            return text[c.start:e], e
    return None, ts


def byline_persons(ctx: Ctx) -> list[Cand]:
    """本报记者 耿丹丹 乔文汇 / 记者 蔡增乐 摄 / 作者:陈蔷薇 / 本版编辑 王薇薇 美编 吴迪 (a role word among the
    names is the role of the names after it)."""
    r, text = ctx.r, ctx.text
    out = []
    pairs = r.per.byline_pairs
    for m in r.per.byline_re.finditer(text) if pairs is None else scan(r.per.byline_re, pairs, text, ctx.pairs):
        role = m.group(1)
        for nm in r.per.byline_names.finditer(m.group(2)):
            name = nm.group()
            if name in r.per.roles:
                role = name
                continue
            if valid_name(r, name):
                s = m.start(2) + nm.start()
                out.append(Cand(s, s + len(name), "PERSON", r.per.rule_byline, title=role))
    return out


def dot_persons(ctx: Ctx) -> list[Cand]:
    """Transliterated names with ·, e.g. 阿依古丽·依明, wherever they stand (after a title: the name only)."""
    r, text, per = ctx.r, ctx.text, ctx.r.per
    out: list[Cand] = []
    if per.dot not in text:  # the pattern needs one; the scan alone costs more than the rest of the rule
        return out
    for m in _dot_matches(per.dot_re, per.dot, per.dot_part_max, text):
        head, _, tail = m.group().rpartition(per.dot)
        tail = _cut_at_trigger(r, tail)
        at = m.start() + len(head)  # the last dot
        s = max(m.start(), ctx.window(at - 1, per.dot_title_window - 1))  # the dot itself is a barrier
        t = per.title_re.search(text, s, at)
        while t:
            s = t.end()
            t = per.title_re.search(text, s, at)
        name = text[s:at + len(per.dot) + len(tail)]
        if at - s >= 1 and tail and valid_name(r, name.replace(per.dot, "")) and not name.endswith(per.dot_not_last):
            out.append(Cand(s, s + len(name), "PERSON", per.rule_dot))
    return out


def _dot_matches(dot_re: re.Pattern[str], dot: str, part_max: int, text: str) -> list[re.Match[str]]:
    """``list(dot_re.finditer(text))``, tried only in the ``part_max`` characters before each dot.

    A match opens with 1 to ``part_max`` Han characters then a dot, so the first dot at or after the scan
    position ``pos`` is the one in a match starting before it, and such a match starts at most ``part_max``
    characters before it."""
    out: list[re.Match[str]] = []
    pos = 0
    q = text.find(dot)
    while q >= 0:
        m = None
        for p in range(max(pos, q - part_max), q):
            m = dot_re.match(text, p)
            if m is not None:
                break
        if m is None:
            pos = q + 1
        else:
            out.append(m)
            pos = m.end()
        q = text.find(dot, pos)
    return out


def propagate(r: Rules, text: str, persons: list[Cand]) -> list[Cand]:
    """Later (and earlier) bare mentions of a name already found with a title, byline, dot or gazetteer."""
    lo = r.per.name_len[0]
    names = sorted({text[c.start:c.end] for c in persons if c.end - c.start >= lo})
    out = []
    for name in names:
        i = text.find(name)
        while i >= 0:
            out.append(Cand(i, i + len(name), "PERSON", r.per.rule_propagated))
            i = text.find(name, i + len(name))
    return out
