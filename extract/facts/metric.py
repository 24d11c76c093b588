"""The metric resolver: what a number measures (rules/facts/metrics.toml, the count rule of facts.toml).

The metric head is the first metric word after the subject (and the date) in the clause, extended to the
value but cut at 由/从, an earlier number or a predicate after the word (稳定在, 有望, 为): 进口通关环节,
外贸进出口总值, 监管进出境TIR车辆.  A trade partner right after 对/与 belongs to it (新疆对哈萨克斯坦进出口).
A noun phrase between the subject and the head (第一产业, 民营企业, 网上) is the fact's segment and is said
in the metric too (第一产业用电量: segment 第一产业).  Without a metric word, a short phrase between subject
and value is the metric.  A count (20个国家一类口岸) is named by the noun after its measure word.

The canonical metric is the [[canonical]] entry whose wording the metric ends with (the head of a Chinese
noun phrase is last): 第一产业用电量 -> 用电量, 累计合同销售金额 -> 销售额.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.facts.context import Context, is_function, is_verb
from extract.facts.filler import strip
from extract.facts.lexicon import Canonical, Metrics, anaphor_at, rules
from extract.lexicon import frequency
from extract.model import Quantity

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_NO_VERBS: frozenset[str] = frozenset()


@dataclass(slots=True)
class Metric:
    """A metric found for a number: its text, where it starts, whether it is the noun a count counts, the
    segment said before its head, and whether it is a bare phrase (no metric word: a guess)."""

    text: str | None
    start: int
    counted: bool = False
    segment: str | None = None
    phrase: bool = False


def metric_for(ctx: Context, q: Quantity, cs: int, upto: int, se: int, date_end: int | None = None) -> Metric:
    """The metric of ``q`` stated before ``upto`` in the clause starting at ``cs``, after the subject's words
    (ending at ``se``; ``cs`` when none is stated in the clause); ``date_end``: the end of the clause's dates
    before ``upto`` when the caller has it already (``ctx.dates.end_after(cs, upto, cs)``)."""
    mr = ctx.r.metrics
    lo = max(ctx.dates.end_after(cs, upto, cs) if date_end is None else date_end, se)
    got = _clause_metric(ctx, lo, upto, q.unit)
    if q.unit in mr.classifiers:
        noun = count_noun(ctx, q)
        if noun and len(noun) >= mr.min_len:
            got.text, got.segment, got.phrase = noun, None, False
            got.counted = True
    elif got.text is None or got.phrase:
        after = metric_after(ctx, q)
        if after is not None:
            got.text, got.segment, got.phrase = after, None, False
    if got.text is not None and len(got.text) < mr.min_len and got.text not in mr.dimensions:
        got.text = None
    return got


def metric_after(ctx: Context, q: Quantity) -> str | None:
    """完成3.2亿美元C轮融资, 收购…75%股权: the noun right after the value (的 skipped) up to the end of a metric
    word inside it, when the value has no metric before it."""
    mr, t = ctx.r.metrics, ctx.text
    a = q.end + (1 if t[q.end:q.end + 1] == mr.after_skip else 0)
    if t.startswith(mr.after_nouns, a):
        return next(w for w in mr.after_nouns if t.startswith(w, a))
    m = ctx.metric_search(a, min(len(t), a + mr.after_window))
    if m is None:
        return None
    noun = mr.noun_re.match(t, a)
    return t[a:m.end()] if noun is not None and noun.end() >= m.end() else None


def _clause_metric(ctx: Context, lo: int, upto: int, q_unit: str | None) -> Metric:
    """The metric phrase from the first metric word after ``lo`` to the value (with the partner or the segment
    before it), else a short phrase after ``lo`` (``q_unit``: the value's unit)."""
    t, mr = ctx.text, ctx.r.metrics
    if ctx.has_space(lo, upto):  # most clauses have none
        blank = max(t.rfind(" ", lo, upto), t.rfind("\u3000", lo, upto))
        if blank >= 0 and not t[blank + 1:upto].isspace():  # 受灾 紧急转移安置3.18万人: the parts of a headline
            lo = blank + 1
    m = ctx.metric_search(lo, upto)
    if m is None:
        end = _cut_at(mr.phrase_cut_re, t, lo, upto)
        phrase = strip(ctx.compact(lo, end), ctx.r.strip)
        if phrase and phrase[-1] in mr.dimensions and (len(phrase) == 1 or phrase[-2] not in mr.degree):
            # “望江”雕塑高约12米: a dimension said by its adjective (not 最高的25分: a comparison)
            return Metric(phrase[-1], ctx.text.rfind(phrase[-1], lo, end))
        if 0 < len(phrase) <= mr.phrase_max and not mr.phrase_not_re.search(phrase) \
                and (is_verb(ctx, phrase) and not (q_unit or "").isascii() or not _function_words(ctx, lo, end)):
            # (拿下25分, 绝收5800公顷: one verb names a figure whose unit says what is counted; not 推动五成…)
            return Metric(phrase, lo, phrase=True)
        return Metric(None, lo)
    end = _cut_at(mr.cut_re, t, m.start(), upto)
    first = m
    m = _last_head(ctx, m, end)
    stop = _stop(ctx, m.end(), end)
    head = ctx.compact(m.start(), stop)
    if head not in mr.canonical:  # 每千人口床位数 is a wording: its 每 is no filler
        head = strip(head, ctx.r.strip)
    if not 0 < len(head) <= mr.max_len:
        head = m.group()
    if lo < m.start() and t[lo] in mr.partner and any(e.start == lo + 1 for e in ctx.ents.inside(lo + 1, m.start())):
        # 对哈萨克斯坦进出口: the partner is part of the metric
        return Metric(strip(ctx.compact(lo, m.start()), ctx.r.strip) + head, lo)
    hs = _word_start(ctx, lo, m.start(), m.end()) if m is first else m.start()  # 销|售价格: the word straddling it
    if hs < m.start():
        head = ctx.compact(hs, m.start()) + head
    seg = segment(ctx, lo, hs) if m is first and hs - lo >= mr.seg_min else None  # not across a verb
    if seg is not None:
        return Metric(seg[0] + head, seg[1], segment=seg[0])
    return Metric(head, hs)


def _word_start(ctx: Context, lo: int, pos: int, end: int) -> int:
    """Where the jieba word starts that cuts into the metric word [pos, end) (not before ``lo``): one whose last
    character only is the metric word's first (销售|售价) or that runs past the metric word (售价 inside 销售价格):
    a segment ends at a word's start, not inside it, when that word is one of jieba's dictionary.  A metric word
    ending a compound (运输通过能力 after 铁路运输) stays as it is."""
    if ctx.word_starts_at(pos):  # the usual case
        return pos
    i = ctx.token_before(pos)
    toks = ctx.doc.tokens
    if not (0 <= i < len(toks) and lo <= toks[i][0] < pos):
        return pos
    te = toks[i][1]
    if not (te == pos + 1 < end or te > end) or not frequency(ctx.text[toks[i][0]:te]):
        return pos  # (股派 of 每10股派发: a word jieba guessed, no dictionary word)
    return toks[i][0]


def _function_words(ctx: Context, lo: int, hi: int) -> bool:
    """并以3亿元…: the words are prepositions, conjunctions, adverbs (jieba's dictionary tags) or verbs only."""
    t, toks = ctx.text, ctx.doc.tokens
    i = ctx.token_at(lo)
    seen = False
    while i < len(toks) and toks[i][1] <= hi:
        w = t[toks[i][0]:toks[i][1]]
        if not w.isspace() and not is_function(ctx, w):
            return False
        seen, i = True, i + 1
    return seen


def _stop(ctx: Context, lo: int, end: int) -> int:
    """Where a predicate after the metric word ends the metric (稳定在, 为, 达): at the start of a word only (达 in
    通达率 is no predicate); ``end`` when none does."""
    stop_re, t = ctx.r.metrics.stop_re, ctx.text
    m = stop_re.search(t, lo, end)
    while m is not None and not ctx.word_starts_at(m.start()):
        m = stop_re.search(t, m.start() + 1, end)
    return m.start() if m else end


def _last_head(ctx: Context, m: re.Match[str], end: int) -> re.Match[str]:
    """医疗卫生机构完成门急诊: a metric word after a verb after the first one is the head (what is measured)."""
    while end - m.end() > 2:  # room for a verb and another metric word
        nxt = ctx.metric_search(m.end(), end)
        if nxt is None or not ctx.has_verb(m.end(), nxt.start(), _NO_VERBS):
            return m
        m = nxt
    return m


def segment(ctx: Context, lo: int, hi: int) -> tuple[str, int] | None:
    """第一产业, 民营企业: a noun phrase between the subject and the metric word, and where it starts; None when
    the words there (filler stripped) are no such phrase (a verb, a copula, a demonstrative, too long)."""
    mr, sr = ctx.r.metrics, ctx.r.subjects
    if hi - lo > 2 * mr.seg_max:  # too long for a segment, filler and all
        return None
    words = strip(ctx.compact(lo, hi), ctx.r.strip)
    w = anaphor_at(ctx.r.topics, words) or ""
    words = strip(words[len(w):], ctx.r.strip)  # 全市…: an anaphor (resolved or not) is no segment
    if not mr.seg_min <= len(words) <= mr.seg_max or not sr.np_re.fullmatch(words) \
            or mr.seg_not_re.search(words) or words.startswith(sr.demonstratives) or sr.not_np_re.search(words):
        return None
    at = ctx.text.find(words[0], lo, hi)
    if at < 0 or ctx.has_verb(at, at + len(words), mr.seg_allowed):
        return None
    words = words.strip(sr.quotes)
    return (words, at) if words else None


def count_noun(ctx: Context, q: Quantity) -> str | None:
    """The noun a count counts: 6个国家级经济技术开发区 -> 国家级经济技术开发区, cut at 的/和 …, at a change
    word (签约 stays, 增长 goes) and at a long metric word inside it; None when there is none."""
    mr, ch = ctx.r.metrics, ctx.r.changes
    mm = mr.noun_re.match(ctx.text, q.end)
    if not mm:
        return None
    noun = mr.noun_cut_re.split(mm.group())[0]
    if noun.startswith(mr.noun_not):  # 6万辆至6.5万辆之间: no noun
        return None
    cut = [m.start() for m in mr.metric_re.finditer(noun) if m.start() > 0 and len(m.group()) >= mr.noun_min_metric]
    if not ch.move_starts.isdisjoint(noun[1:]):  # a change word can only start at such a character
        cut += [i for w in ch.moves if (i := noun.find(w)) > 0]
    return strip(noun[:min(cut)] if cut else noun, ctx.r.strip_long_ends) or None


def canonical(mr: Metrics, metric: str | None) -> Canonical | None:
    """The canonical metric a metric ends with (the longest such wording), None when none does."""
    got = canonical_match(mr, metric)
    return got[0] if got else None


def canonical_match(mr: Metrics, metric: str | None) -> tuple[Canonical, str] | None:
    """The canonical metric a metric ends with (the longest such wording) and the words before that wording
    (进口 of 进口通关环节, 第一产业 of 第一产业用电量: what tells two facts of one canonical metric apart)."""
    if not metric:
        return None
    return _canonical_match(metric) if mr is rules().metrics else _match(mr, metric)


@lru_cache(maxsize=8192)
def _canonical_match(metric: str) -> tuple[Canonical, str] | None:
    """:func:`_match` with the rules' metrics, remembered (asked for by the period, the key and the record)."""
    return _match(rules().metrics, metric)


def _match(mr: Metrics, metric: str) -> tuple[Canonical, str] | None:
    """See :func:`canonical_match` (suffixes tried longest first)."""
    if metric in mr.dimensions:  # 高约9米
        return mr.dimensions[metric], ""
    if "（" in metric or "(" in metric:  # 居民消费价格指数（CPI）: the head is outside the brackets
        metric = _BRACKETS.sub("", metric)
    n = len(metric)
    for i in range(max(0, n - mr.canonical_max), n):
        got = mr.canonical.get(metric[i:])
        if got is not None:
            return got, metric[:i]
    return None


def _cut_at(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int:
    """Position of the first match of ``pattern`` in text[lo:hi], else ``hi`` (like ``re.split(...)[0]``)."""
    m = pattern.search(text, lo, hi)
    return m.start() if m else hi
