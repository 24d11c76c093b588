"""The subject resolver: whose statistic a number is (rules/facts/subjects.toml).

In order, with the fact's ``subject_source``:

1. ``clause``: a group starting the clause's words (一线城市, 中西部地区, 规模以上工业企业: [[group]] of the
   rules), else the last usable entity before the value in its clause (not a trade partner after 对/与, not
   the whole of a share after 占, not a place of origin such as 香港 in 香港旅客, not the object of a verb or
   a preposition: 位于德国, 收购凯斯勒), else a quoted name right before the metric (高端品牌“曜石”交付…), or
   a name the entity stage missed right before one word and the value (李明贡献12分);
2. ``anaphor``: a word standing for a topic entity at the start of the clause's words (全市, 我国, 公司,
   该行; a demonstrative such as 该关 is the entity of its kind named last in the paragraph first);
3. ``sentence`` (or ``anaphor``): the nearest earlier clause of the sentence that states one of the above,
   a quoted name with its head (“澜庭”项目), or, in the first clause, X是…;
4. ``topic``: the subject of the paragraph's last fact whose clause stated one, else the article's primary
   topic.

Sources (据喀什海关统计, 记者从…获悉), speakers (…处长张力介绍) and bracketed asides (中欧（中亚）班列) are
never subjects.  A list or sector word before the metric (第一产业, 民营企业) and a product (新能源汽车) are
not subjects: they are the fact's segment (see :mod:`extract.facts.metric`); a group of the rules is one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from extract.facts.context import Context, complement, is_function, is_verb, source_clauses
from extract.facts.filler import strip
from extract.facts.lexicon import anaphor_at
from extract.facts.topic import Topic
from extract.lexicon import frequency
from extract.model import Entity, Span, SpanIndex

__all__ = ["Stated", "sentence_subject", "source_clauses", "stated_subject", "usable"]

_BACK = 10  # clauses looked back through for a sentence subject
_WINDOW = 16  # characters read for an anaphor at the start of a clause (filler, a time phrase, the word)
_QUOTE_REACH = 30  # characters before the value read for a quoted name
_VERB_REACH = 6  # characters of the word and the filler after a name before its value (贡献了)
# the offsets of a subject with no characters of its own in the clause (carried from the row before, or the
# article's topic): before every clause start, so it never widens a fact's mention
NO_SPAN = -1


@dataclass(slots=True)
class Stated:
    """A subject found in the text: its name, where its words are, how it was found, and whether later facts
    of the paragraph may take it over (a quoted brand or project is said of its own clause only)."""

    text: str
    start: int
    end: int
    source: str  # clause | anaphor | sentence | topic
    carry: bool = True


def stated_subject(ctx: Context, topic: Topic, cs: int, lo: int, upto: int, sent: Span, para: int,
                   unit: str | None = None) -> Stated | None:
    """The subject stated in the clause [cs, upto) before the value (``lo``: after the clause's date); ``unit``:
    the value's, when a name before one word may be its subject (a Chinese unit: 贡献12分)."""
    e = clause_entity(ctx, cs, upto, sent)
    g = _group(ctx, topic, e, lo, upto) if ctx.groups else None  # (most articles name no group)
    if g is not None:
        return g
    if e is not None:
        return Stated(topic.name(e), e.start, e.end, "clause")
    mid_date = lo > cs and ctx.leading_date_end(cs, upto) != lo  # 公司计划今年下半年…: the anaphor before a date
    got = _anaphor(ctx, topic, cs, upto, para) if mid_date else None
    got = got or _anaphor(ctx, topic, lo, upto, para) or _quoted(ctx, lo, upto, False) or _possessor(ctx, lo, upto)
    if got is None and ctx.leading_date_end(sent[0], cs) >= cs - 1:  # the sentence's first clause (after a date)
        got = _copula(ctx, lo, upto) or _initial_np(ctx, lo, upto)
        if got is not None and ctx.metric_search(got.end, upto) is not None:
            got = None  # 动车组列车发送旅客…: the phrase leads into the metric, it names no one
        elif got is not None:
            got.source = "clause"
    if got is None and unit and not unit.isascii():  # (an ASCII unit needs a metric word: see skip.unnamed)
        got = _verb_subject(ctx, lo, upto) or _verb_subject_chars(ctx, lo, upto)
    return got


def _verb_subject(ctx: Context, lo: int, upto: int) -> Stated | None:
    """李明贡献12分: a name (words jieba's dictionary lacks or tags a personal name, starting with a clear surname
    unless tagged a name as a whole), then one word, then the value (filler aside), in a clause with no metric
    word: a name the entity stage did not find is still whose figure it is."""
    sr, t, toks = ctx.r.subjects, ctx.text, ctx.doc.tokens
    if upto - lo > sr.verb_subject_max + _VERB_REACH:  # most clauses: longer than a name, a word and filler
        return None
    i = j = ctx.token_at(lo)
    if i >= len(toks) or toks[i][0] != lo:
        return None
    if t[lo] in sr.surnames and toks[i][1] - lo == 1:  # 张|浩然: a surname jieba cut from its given name
        j = i + 1 + (i + 1 < len(toks) and toks[i + 1][1] - lo <= 3)
    while j < len(toks) and toks[j][1] <= upto and toks[j][0] - toks[i][0] < sr.verb_subject_max \
            and _name_word(ctx, t[toks[j][0]:toks[j][1]]):
        j += 1
    if j == i or j + 1 >= len(toks) or toks[j + 1][0] > upto:
        return None
    np_ = t[toks[i][0]:toks[j][0]]
    w = t[toks[j][0]:toks[j][1]]
    if np_[0] not in sr.surnames and ctx.tags.get(np_) not in sr.name_tags:
        return None  # a word jieba does not know is jargon as often as a name (参贸|边民4.5万人次)
    if not sr.np_min <= len(np_) <= sr.verb_subject_max or not sr.np_re.fullmatch(np_) or len(w) < 2 \
            or is_function(ctx, w) and not is_verb(ctx, w) or strip(ctx.compact(toks[j][1], upto), ctx.r.strip) \
            or anaphor_at(ctx.r.topics, np_) or ctx.metric_search(lo, upto) is not None:
        return None  # (the metric search last: it reads the whole clause)
    return Stated(np_, toks[i][0], toks[j][0], "clause", False)


def _verb_subject_chars(ctx: Context, lo: int, upto: int) -> Stated | None:
    """周明轩拿下21分, 王浩在比赛中独得31分: :func:`_verb_subject` read on the characters, for the names its
    words miss: jieba glued the name to what follows (王浩在|比赛|中独得), or a name starting with a surname that
    is a common character too (周, 孙) is one unknown word.  The clause's words are a name, maybe a frame
    phrase (在比赛中, [verb_subject] frame), and a dictionary word of two or three characters before the value."""
    sr = ctx.r.subjects
    if upto - lo > sr.verb_subject_max + _VERB_REACH + sr.frame_max:
        return None
    toks = ctx.doc.tokens
    i = ctx.token_at(lo)
    if i >= len(toks) or toks[i][0] != lo:
        return None
    words = ctx.compact(lo, upto)
    s = words.rstrip(_TRAILING)  # 贡献了: the particle after the word
    w = next((s[-n:] for n in (3, 2) if len(s) > n and _metric_word(ctx, s[-n:])), None)
    if w is None:
        return None
    rest = s[:-len(w)]
    m = sr.frame_re.search(rest)
    name = rest[:m.start()] if m is not None else rest
    if not sr.np_min <= len(name) <= sr.verb_subject_max or not sr.np_re.fullmatch(name) \
            or not _is_name(ctx, name) or anaphor_at(ctx.r.topics, name) or ctx.metric_search(lo, upto) is not None:
        return None
    at = ctx.text.find(w, lo, upto)  # the subject's words run to the word (a frame phrase is neither's)
    return Stated(name, lo, at if at >= 0 else lo + len(name), "clause", False)


_TRAILING = "了着"  # particles a verb may take before its value (贡献了17分)


def _metric_word(ctx: Context, w: str) -> bool:
    """A dictionary word that can name what a value measures: not a function word unless a verb; or a
    one-character verb and its direction complement, two words to jieba (砍|下, 投|进)."""
    if frequency(w):
        return not is_function(ctx, w) or is_verb(ctx, w)
    return len(w) == 2 and w[1] in ctx.r.subjects.verb_complements and is_verb(ctx, w[0])


def _is_name(ctx: Context, name: str) -> bool:
    """A personal name by its characters: tagged a name in jieba's dictionary; or no dictionary word, after a
    clear surname; or, after a surname that is a common character too, three characters whose given name is
    no dictionary word either (孙嘉豪, not 全市场)."""
    sr = ctx.r.subjects
    if ctx.tags.get(name) in sr.name_tags:
        return True
    if frequency(name):
        return False
    if name[0] in sr.surnames:
        return True
    return name[0] in sr.all_surnames and len(name) == 3 and not frequency(name[1:])


def _name_word(ctx: Context, w: str) -> bool:
    """Whether a jieba word can be (part of) a personal name: not in its dictionary (a name it guessed) or
    tagged a name there."""
    return not frequency(w) or ctx.tags.get(w) in ctx.r.subjects.name_tags


def clause_entity(ctx: Context, cs: int, upto: int, sent: Span, look_back: bool = False) -> Entity | None:
    """The last usable entity before ``upto`` in the clause starting at ``cs``: not a partner (对哈萨克斯坦), not
    the whole of a share (占新疆…), not a place of origin (香港旅客), not a complement (位于德国, 收购凯斯勒)."""
    names = ctx.clause_names.get(cs)
    if names is None:  # once per clause: its numbers all ask
        names = ctx.clause_names[cs] = ClauseNames(ctx.ents.inside(cs, ctx.clause_end(cs, sent[1])))
    ents = names.ents
    if not ents:
        return None
    share_at = -1 if look_back else ctx.text.rfind(ctx.r.subjects.share_anchor, cs, upto)
    for i in range(len(ents) - 1, -1, -1):  # from the last back: a name is read only when it could be the one
        raw = ents[i]
        if share_at >= 0 and raw.start > share_at or raw.end > upto and raw.label != "LOC":
            continue  # (only a place name can end earlier once read: see _before_metric)
        e = names.read.get(i, _UNREAD)
        if e is _UNREAD:
            e = names.read[i] = _clause_name(ctx, raw, cs, sent)
        if e is not None and e.end <= upto:
            return e
    return None


_UNREAD = object()  # a name of a clause not read yet (None: read, and no subject)


class ClauseNames:
    """The entities of one clause, and those read so far: each as it can be the clause's subject, or None.  Read
    lazily from the last back (a number takes the last usable name before it: a name before that one, or after
    the clause's last number, is never read; about one in six on news text)."""

    __slots__ = ("ents", "read")

    def __init__(self, ents: list[Entity]) -> None:
        self.ents = ents
        self.read: dict[int, Any] = {}


def _clause_name(ctx: Context, e: Entity, cs: int, sent: Span) -> Entity | None:
    """An entity of the clause starting at ``cs`` as it can be its subject (a place name ending at the metric
    word it runs into), None when it cannot (see :func:`clause_entity`)."""
    sr, t = ctx.r.subjects, ctx.text
    if e.label in sr.segment_labels or not usable(ctx, e, source_clauses(ctx, sent)):
        return None
    if e.start > cs and t[e.start - 1] in ctx.r.metrics.partner \
            and (e.start - 1 == cs or ctx.ents.starts_before(cs, e.start)):
        return None  # 新疆对哈萨克斯坦进出口: the partner belongs to the metric
    if e.label == "LOC" and t.startswith(sr.origin_nouns, e.end) or t.startswith(sr.not_before, e.end):
        return None  # 香港旅客: where the travellers come from; 北京时间: a clock
    if complement(ctx, e, cs) or ctx.dates.overlaps(e.start, e.end):
        return None  # 位于德国; 上半年集团: a name cut wrongly across a date
    return _before_metric(ctx, e) if e.label == "LOC" else e


def _group(ctx: Context, topic: Topic, e: Entity | None, lo: int, upto: int) -> Stated | None:
    """一线城市, 中西部地区, 规模以上工业企业: a group starting the clause's words in [lo, upto) (after filler or an
    anaphor: 全国规模以上工业企业), whose figures the clause states, with the name of the clause's subject ``e``
    when that ends right before it (江苏规模以上工业企业); None when ``e`` comes after it or holds it.  A group
    after other words is their object or a comparison (推动五成规上工业企业…, 比东部地区高).  Said of its own
    sentence only (no subject for the paragraph's later sentences)."""
    groups = ctx.groups
    i = bisect_left(groups, (lo, lo))
    if i == len(groups) or groups[i][1] > upto:
        return None
    g0, g1 = groups[i]
    t = ctx.text
    if e is not None and e.end > g0:  # a name after the group, or holding it (广东中小银行): the name
        return None
    if e is not None and e.end == g0:
        return Stated(topic.name(e) + t[g0:g1], e.start, g1, "clause", False)
    before = strip(ctx.compact(lo, g0), ctx.r.strip)
    if before and anaphor_at(ctx.r.topics, before) != before:
        return None
    return Stated(t[g0:g1], g0, g1, "clause", False)


def _before_metric(ctx: Context, e: Entity) -> Entity:
    """江苏省地区 before 生产总值: a place name that runs into a metric word (地区生产总值) ends at the place
    character before that word."""
    t, metric_re, ends = ctx.text, ctx.r.metrics.metric_re, ctx.r.subjects.place_ends
    for k in range(e.start + 2, e.end):
        if t[k - 1] in ends and (m := metric_re.match(t, k)) is not None and m.end() > e.end:
            return replace(e, text=t[e.start:k], end=k, raw_end=e.raw_start + k - e.start)
    return e


def _anaphor(ctx: Context, topic: Topic, lo: int, upto: int, para: int) -> Stated | None:
    """全市, 我国, 公司, 该行 (or a demonstrative: 该关) at the start of the words after the date."""
    key = (lo, min(upto, lo + _WINDOW))
    if key not in ctx.anaphors:  # the numbers of one clause ask the same
        ctx.anaphors[key] = _read_anaphor(ctx, topic, lo, key[1], para)
    return ctx.anaphors[key]


def _read_anaphor(ctx: Context, topic: Topic, lo: int, upto: int, para: int) -> Stated | None:
    """See :func:`_anaphor` (``upto`` already bounded to the window read)."""
    tr, sr = ctx.r.topics, ctx.r.subjects
    if tr.anaphor_re.search(ctx.text, lo, upto) is None and sr.demonstrative_re.search(ctx.text, lo, upto) is None:
        return None  # most clauses start with no anaphor (nor a demonstrative)
    words = ctx.compact(lo, upto)  # only its start matters
    w = anaphor_at(tr, words)
    if w is None:  # after filler (期间全省…) or a time phrase (春运期间全省…)
        words = strip(words, ctx.r.strip)
        w = anaphor_at(tr, words)
    if not words:
        return None
    if w is None and (pm := tr.anaphor_prefix_re.match(words)) is not None:  # 春运期间全省…
        w = anaphor_at(tr, words, pm.end())
    at = ctx.text.find(w or words[:2], lo, upto)
    if words.startswith(sr.demonstratives):  # 该关, 该行: the entity of the kind named last in the paragraph
        e = _named_last(ctx, para, lo, tr.anaphors[w].labels if w else sr.demonstrative_labels)
        if e is not None:
            return Stated(topic.name(e), at, at + len(w or words[:2]), "anaphor")
    if w is None:
        return None
    name = topic.resolve(w)
    if name is None and tr.anaphors[w].kind not in ("country", "home"):
        name = _named_last_name(ctx, topic, para, lo, tr.anaphors[w].labels)  # no topic of the kind
    return Stated(name, at, at + len(w), "anaphor") if name else None


def _named_last_name(ctx: Context, topic: Topic, para: int, lo: int, labels: frozenset[str]) -> str | None:
    """The name of the entity with one of ``labels`` named last in the paragraph before ``lo``; for a place, a
    public body named after its place counts (广东省交通运输厅…，全省 -> 广东省)."""
    p0 = ctx.doc.paragraphs[para][0] if 0 <= para < len(ctx.doc.paragraphs) else 0
    for e in reversed(ctx.ents.inside(p0, lo)):
        if e.label in labels:
            return topic.name(e)
        if "LOC" in labels and e.label == "ORG" and (place := topic.body_place(e.text)) is not None:
            return place
    return None


def _named_last(ctx: Context, para: int, lo: int, labels: frozenset[str]) -> Entity | None:
    """The entity with one of ``labels`` named last in the paragraph before ``lo`` (a source or speaker too)."""
    p0 = ctx.doc.paragraphs[para][0] if 0 <= para < len(ctx.doc.paragraphs) else 0
    return next((e for e in reversed(ctx.ents.inside(p0, lo)) if e.label in labels), None)


def _quoted(ctx: Context, lo: int, upto: int, with_head_only: bool) -> Stated | None:
    """A quoted name (with its head noun, if any) right before the metric (高端品牌“曜石”交付), or, earlier in the
    sentence (``with_head_only``), a quoted name with its head noun (“澜庭”项目于…开盘)."""
    sr = ctx.r.subjects
    if not with_head_only:
        lo = max(lo, upto - _QUOTE_REACH)  # a quoted name right before the metric: not far before the value
    if sr.quote_open_re.search(ctx.text, lo, upto) is None:  # most clauses quote nothing
        return None
    for m in sr.quoted_re.finditer(ctx.text, lo, upto):
        name = m.group(1) + (m.group(2) or "")
        if with_head_only:
            if m.group(2):
                return Stated(name, m.start(), m.end(), "clause", False)
            continue
        nxt = ctx.metric_search(m.end(), upto)
        if nxt is not None and not strip(ctx.compact(m.end(), nxt.start()), ctx.r.strip):
            return Stated(name, m.start(), m.end(), "clause", False)
    return None


def _possessor(ctx: Context, lo: int, upto: int) -> Stated | None:
    """龙湖的营业支出: a short noun phrase with 的 right before the metric word owns it (rather than a subject
    carried over from an earlier sentence)."""
    t, sr = ctx.text, ctx.r.subjects
    de = t.find(sr.possessive, lo, min(upto, lo + sr.np_max + 1))
    if de < 0:
        return None
    m = ctx.metric_search(de + 1, upto)
    if m is None or m.start() != de + 1:
        return None
    np_ = strip(ctx.compact(lo, de), ctx.r.strip)
    if sr.np_min <= len(np_) <= sr.np_max and sr.np_re.fullmatch(np_) and not np_.startswith(sr.np_bad_start) \
            and not sr.not_np_re.search(np_) and not ctx.r.metrics.metric_re.search(np_) \
            and not anaphor_at(ctx.r.topics, np_) and not ctx.has_verb(lo, de, frozenset()):
        at = t.find(np_, lo, de)
        return Stated(np_.strip(sr.quotes), at, at + len(np_), "clause", False) if at >= 0 else None
    return None


def sentence_subject(ctx: Context, topic: Topic, cs: int, sent: Span, para: int) -> Stated | None:
    """The subject stated in the nearest earlier clause of the sentence (before the clause starting at ``cs``)
    that states one: an entity, an anaphor, a quoted name with its head, or X是… in the first clause."""
    if cs in ctx.sentence_subjects:  # the numbers of one clause ask the same
        got = ctx.sentence_subjects[cs]
    else:
        got = ctx.sentence_subjects[cs] = _sentence_subject(ctx, topic, cs, sent, para)
    return Stated(got.text, got.start, got.end, got.source, got.carry) if got is not None else None


def _sentence_subject(ctx: Context, topic: Topic, cs: int, sent: Span, para: int) -> Stated | None:
    """See :func:`sentence_subject`: the walk back through at most ``_BACK`` clauses, each read once."""
    end = cs - 1
    for _ in range(_BACK):
        if end <= sent[0]:
            return None
        c0 = ctx.clause_start(sent[0], end)
        key = (c0, end)
        if key not in ctx.clause_subjects:  # the clauses of a sentence are asked again for each later number
            ctx.clause_subjects[key] = _clause_subject(ctx, topic, c0, end, sent, para)
        got = ctx.clause_subjects[key]
        if got is not None:
            return Stated(got.text, got.start, got.end, "sentence" if got.source == "clause" else got.source,
                          got.carry)
        end = c0 - 1
    return None


def _clause_subject(ctx: Context, topic: Topic, c0: int, ce: int, sent: Span, para: int) -> Stated | None:
    """The subject an earlier clause [c0, ce) of the sentence states, if any."""
    e = clause_entity(ctx, c0, ce, sent, look_back=True)
    g = _group(ctx, topic, e, ctx.leading_date_end(c0, ce), ce) if ctx.groups else None  # (most articles: none)
    if g is not None:
        return g
    if e is not None:
        return Stated(topic.name(e), e.start, e.end, "clause")
    if source_clauses(ctx, sent).index(c0) is not None:
        return None
    lo = ctx.leading_date_end(c0, ce)  # 2023年，…: after a date that starts the clause (not one inside it)
    got = _anaphor(ctx, topic, lo, ce, para) or _quoted(ctx, c0, ce, True)
    if got is None and ctx.leading_date_end(sent[0], c0) >= c0 - 1:  # the first clause (after a date of its own)
        got = _copula(ctx, lo, ce) or _initial_np(ctx, lo, ce)
    return got


def _copula(ctx: Context, lo: int, ce: int) -> Stated | None:
    """穹宇二号是…火箭: a short noun phrase starting the sentence before the copula."""
    sr = ctx.r.subjects
    words = ctx.compact(lo, min(ce, lo + sr.copula_max + 2))  # a short phrase and the copula
    for c in sr.copula:
        i = words.find(c)
        if sr.copula_min <= i <= sr.copula_max:
            np_ = words[:i]
            if sr.np_re.fullmatch(np_) and not np_.startswith(sr.np_bad_start) and not sr.not_np_re.search(np_) \
                    and not ctx.r.metrics.metric_re.search(np_):  # 平均房价为…: a metric, not a subject
                at = ctx.text.find(np_, lo, ce)
                return Stated(np_, at, at + len(np_), "sentence", False) if at >= 0 else None
    return None


def _initial_np(ctx: Context, lo: int, ce: int) -> Stated | None:
    """澄江科技成立于2015年: a short noun phrase starting the sentence before its first verb (no metric in it)."""
    sr, t = ctx.r.subjects, ctx.text
    reach = min(ce, lo + sr.copula_max + _WINDOW)  # a short phrase, a verb and what follows it
    words = ctx.compact(lo, reach)
    long_re = _long_words_re(sr.object_subject)
    if long_re is not None and long_re.search(words):
        return None  # 法院…判处某某…: whose penalty it is comes after the verb
    toks = ctx.doc.tokens
    i = ctx.token_at(lo)
    last = lo + sr.copula_max  # the verb starts right after a phrase of at most copula_max characters
    while i < len(toks) and toks[i][0] <= last and toks[i][1] <= ce and not is_verb(ctx, t[toks[i][0]:toks[i][1]]):
        i += 1
    if i < len(toks) and toks[i][0] > last:
        return None
    if i >= len(toks) or toks[i][1] > ce or toks[i][1] >= ce:
        return None
    np_ = t[lo:toks[i][0]]
    if strip(np_, ctx.r.strip) != np_ or anaphor_at(ctx.r.topics, np_) or sr.possessive in np_:
        return None  # 力争到2028年: an adverb, no noun phrase; 全市…: an anaphor, resolved elsewhere
    if sr.copula_min <= len(np_) <= sr.copula_max and sr.np_re.fullmatch(np_) and not np_.startswith(sr.np_bad_start) \
            and not sr.not_np_re.search(np_) and not ctx.r.metrics.metric_re.search(np_):
        return Stated(np_, lo, toks[i][0], "sentence", False)
    return None


@cache
def _long_words_re(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of ``words`` of two characters or more, as one pattern (one search, not a generator per phrase)."""
    long = [w for w in words if len(w) > 1]
    return re.compile("|".join(map(re.escape, long))) if long else None


def usable(ctx: Context, e: Entity, excluded: SpanIndex) -> bool:
    """An entity that can be a subject: not in a source or speaker clause, not a bracketed aside."""
    if excluded.starts and excluded.index(e.start) is not None:  # (most sentences name no source)
        return False
    t, sr = ctx.text, ctx.r.subjects
    return not (e.start > 0 and e.end < len(t) and t[e.start - 1] in sr.aside_open and t[e.end] in sr.aside_close)
