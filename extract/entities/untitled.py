"""Persons named without a title (``rules/entities/persons.toml``): the name before a speech verb, anonymised
names, names listed with a person already found, and names jieba's own dictionary knows.

Each rule asks for two votes: a surname (``rules/entities/surnames.txt``, from real data) or a dictionary tag is
one, the context (a speech verb after it, a list with a known person, the word standing whole) the other.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from extract.entities.candidate import Cand
from extract.entities.context import Ctx
from extract.entities.persons import surname_name_len, valid_name
from extract.entities.words import find_literals


def speaker_persons(ctx: Ctx) -> list[Cand]:
    """，王明表示 / 。李华说: a surname and one or two characters between a boundary and a speech verb; an
    addressee may stand between name and verb (王明对记者说), and jieba may glue the name's end to the verb
    (周|明说, 郑伟称)."""
    per, text, bnd = ctx.r.per, ctx.text, ctx.bnd
    out = []
    for m in find_literals(per.speaker_scan, text, ctx.points, ctx.pairs):
        t = m.start()
        if not bnd[m.end()]:
            continue
        s = _speaker_start(ctx, t) if bnd[t] else _glued_start(ctx, t)
        if s is None:  # the usual case: no name right before the verb; an addressee may stand between
            t = _addressee_start(ctx, t)
            s = None if t is None else _speaker_start(ctx, t)
        if s is not None:
            out.append(Cand(s, t, "PERSON", per.rule_speaker))
    return out


def _addressee_start(ctx: Ctx, t: int) -> int | None:
    """Start of an addressee phrase ending at the verb at ``t`` (对记者|说, 在接受采访时|表示) that opens a word,
    or None (the suffix test first: most verbs follow no addressee)."""
    per, text = ctx.r.per, ctx.text
    if not text.endswith(per.addressee_last, 0, t):
        return None
    m = per.addressee_re.search(text, max(0, t - per.addressee_max), t)
    return m.start() if m and ctx.bnd[m.start()] else None


def _glued_start(ctx: Ctx, t: int) -> int | None:
    """Start of a name before a verb at ``t`` that jieba glued to the name's end: 周|明说 (the glued character no
    verb, adverb or preposition on its own: 常|听说 is none) or 郑伟称 (a word jieba does not know)."""
    text, bnd, per = ctx.text, ctx.bnd, ctx.r.per
    ws = bnd.rfind(1, 0, t)  # the word holding the verb's first character
    s = _speaker_start(ctx, t)
    if s is None or ws < s:
        return None
    if ws == s:
        return s if ctx.is_unknown(text[s:bnd.find(1, t)]) else None
    return None if ctx.r.gaz.tag.get(text[ws:t]) in per.glued_not_tags else s


def _speaker_start(ctx: Ctx, t: int) -> int | None:
    """Start of the name right before a speech verb at ``t`` (the one length whose start follows a boundary)."""
    per, text = ctx.r.per, ctx.text
    for n in (4, 3, 2):
        s = t - n
        if s < 0 or not (s == 0 or text[s - 1] in ctx.r.chars.punct or text[s - 1] in per.speaker_before):
            continue
        name = text[s:t]
        k = 2 if name[:2] in per.compound else 1 if name[0] in per.surnames else 0
        if not k or n - k > per.given_max or not ctx.all_han_word(name) or not valid_name(ctx.r, name):
            continue
        if ctx.r.gaz.tag.get(name) in per.speaker_not_tags or ctx.opens_common_word(s, t):
            continue
        if k == 1 and name[0] in per.ambiguous and not ctx.is_unknown(name):
            continue
        return s
    return None


def anonymised_persons(ctx: Ctx) -> list[Cand]:
    """徐某峰 / 周某 / 李某某: a surname standing at a word start, 某 once or twice, and maybe one more
    character that starts no word of its own with the next (刘某|给予, 王某|被) and is no function word
    (张某某|以受贿罪: a preposition of the sentence, not the end of the name)."""
    per, text = ctx.r.per, ctx.text
    if per.anon_mark not in text:
        return []
    out = []
    for m in per.anon_re.finditer(text):
        s, e = m.span()
        if not ctx.bnd[s]:
            continue
        if e < len(text) and ctx.r.chars.is_han.match(text[e]) and text[e] not in per.not_in_name \
                and text[e] not in per.given_not and not text.startswith(per.triggers, e) and not ctx.starts_word(e):
            e += 1
        out.append(Cand(s, e, "PERSON", per.rule_anonymised))
    return out


def words_by_first(ctx: Ctx, points: np.ndarray, first: np.ndarray, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """The words of ``lo`` to ``hi`` characters whose first character ``first`` marks (a table by code point) and
    that open a clause or a list: the context's vote for a name (辐射|范围广 is none).  Length and first character
    are read for every word at once (numpy), so Python visits only the few words they leave."""
    starts, ends = ctx.word_bounds
    n = ends - starts
    sel = (n >= lo) & (n <= hi) & first[points[np.minimum(starts, len(points) - 1)]]
    text, punct, before = ctx.text, ctx.r.chars.punct, ctx.r.per.speaker_before
    for s, e in zip(starts[sel].tolist(), ends[sel].tolist(), strict=True):
        if s == 0 or text[s - 1] in punct or text[s - 1] in before:
            yield s, e


def dictionary_persons(ctx: Ctx, points: np.ndarray) -> list[Cand]:
    """Words of the text that jieba's dictionary tags as personal names, of ``dict_len`` characters, opening
    with an unambiguous surname and used rarely (周星驰, 徐悲鸿)."""
    per, text, gaz = ctx.r.per, ctx.text, ctx.r.gaz
    out = []
    freq = ctx.r.org.freq
    for s, e in words_by_first(ctx, points, per.surname_table, per.dict_len, per.dict_len):
        word = text[s:e]
        if word[0] in per.ambiguous or gaz.tag.get(word) not in per.dict_tags or freq.get(word, 0) > per.dict_max_freq:
            continue
        given = word[1:]  # 强|降雨, 金|红利: jieba tags some phrases nr; a given name is no frequent common word
        if valid_name(ctx.r, word) and not (given in gaz.common and freq.get(given, 0) >= per.given_common_freq):
            out.append(Cand(s, e, "PERSON", per.rule_dictionary))
    return out


def list_persons(ctx: Ctx, persons: list[Cand]) -> list[Cand]:
    """Names listed with a person already found (张三、李四和王五): each neighbour across a list separator that
    opens with a surname and ends at a separator, a speech verb, punctuation or the end."""
    text = ctx.text
    seen = {(c.start, c.end) for c in persons}
    todo = [c for c in persons if c.label == "PERSON"]
    out: list[Cand] = []
    while todo:
        c = todo.pop()
        for span in (_next_in_list(ctx, c.end), _previous_in_list(ctx, c.start)):
            if span is not None and span not in seen:
                seen.add(span)
                new = Cand(span[0], span[1], "PERSON", ctx.r.per.rule_list)
                out.append(new)
                todo.append(new)
    return [c for c in out if text[c.start:c.end]]


def _next_in_list(ctx: Ctx, e: int) -> tuple[int, int] | None:
    """The name after a separator that follows a listed name ending at ``e`` (its end where a word ends or one
    starts: :func:`surname_name_len`)."""
    per, text = ctx.r.per, ctx.text
    sep = next((x for x in per.list_separators if text.startswith(x, e)), None)
    if sep is None:
        return None
    p = e + len(sep)
    run = 0
    while p + run < len(text) and run < 4 and ctx.r.chars.is_han.match(text[p + run]):
        run += 1
    if not (text[p:p + 1] in per.surnames or text[p:p + 2] in per.compound):
        return None
    n = surname_name_len(ctx, p, run)
    if n is None or any(ctx.r.gaz.label.get(text[p:p + k]) == "LOC" for k in range(2, n + 1)):
        return None  # 马朝旭、巴西驻华大使: a known place opens the next item (its surname-like 巴 is the place's)
    return p, p + n


def _previous_in_list(ctx: Ctx, s: int) -> tuple[int, int] | None:
    """The name before a separator that precedes a listed name starting at ``s``: it follows punctuation, the
    start or another separator."""
    per, text = ctx.r.per, ctx.text
    sep = next((x for x in per.list_separators if text.endswith(x, 0, s)), None)
    if sep is None:
        return None
    e = s - len(sep)
    for n in (3, 2, 4):
        b = e - n
        if b < 0 or not (b == 0 or text[b - 1] in ctx.r.chars.punct or text.endswith(per.list_separators, 0, b)):
            continue
        name = text[b:e]
        k = 2 if name[:2] in per.compound else 1 if name[0] in per.surnames else 0
        if k and n - k <= per.given_max and ctx.all_han_word(name) and valid_name(ctx.r, name) \
                and not ctx.opens_common_word(b, e):
            return b, e
    return None


def subject_persons(ctx: Ctx, points: np.ndarray, orgs: list[Cand]) -> list[Cand]:
    """A name opening a clause before a verb, a preposition or an adverb (克雷桑|在, 苏炳添|以, 樊振东|率先): news
    of sport and office names its subject so, with no title or speech verb.  The words of 3 to ``max_len``
    characters opening a clause with a transliteration character or a surname are picked at once
    (:func:`words_by_first`); the word and what follows it are then read for those few.  A word that is also part
    of an organisation of the text (凯斯勒|成立于, 凯斯勒传动技术公司) names that organisation."""
    sub, text, bnd, per = ctx.r.per.subject, ctx.text, ctx.bnd, ctx.r.per
    out = []
    for s, e in words_by_first(ctx, points, sub.first_table, 3, sub.max_len):
        if e >= len(text):
            continue
        nxt = text[e:bnd.find(1, e + 1)]
        verb = ctx.r.gaz.tag.get(nxt) in sub.next_tags or text.startswith(per.speaker_verbs, e)
        if nxt in sub.next_not or not verb:
            continue
        word = text[s:e]
        if _transliterated(ctx, word) or _unknown_native(ctx, s, e):
            out.append(Cand(s, e, "PERSON", sub.rule))
    if out and orgs:
        held = [text[c.start:c.end] for c in orgs if c.label == "ORG"]
        out = [c for c in out if not any(text[c.start:c.end] in o for o in held)]
    return out


def _transliterated(ctx: Ctx, word: str) -> bool:
    """Every character a transliteration one, and the word no brand, club or place (阿森纳, 特斯拉 are words
    jieba uses often; 巴黎 is a gazetteer place)."""
    r, sub = ctx.r, ctx.r.per.subject
    return all(ch in sub.translit for ch in word) and (r.org.freq.get(word) or 0) <= sub.translit_max_freq \
        and r.gaz.tag.get(word) not in r.per.speaker_not_tags and r.gaz.label.get(word, "PERSON") == "PERSON" \
        and valid_name(r, word)


def _unknown_native(ctx: Ctx, s: int, e: int) -> bool:
    """A three-character word jieba does not know, opening with a surname (郑钦文); after a surname that is a
    common character too (全, 孙, 苏) the given name is no dictionary word at all (全红婵, not 全市场); a country's
    side glued to its verb (巴方|愿, 俄方|称: jieba's one unknown word) is no name."""
    per, word = ctx.r.per, ctx.text[s:e]
    if e - s != per.subject.native_len or word[0] not in per.surnames or not ctx.is_unknown(word) \
            or word[1] in per.subject.native_not_second:
        return False
    if word[0] in per.ambiguous and not ctx.is_unknown(word[1:]):
        return False
    return ctx.all_han_word(word) and valid_name(ctx.r, word) and not ctx.opens_common_word(s, e)
