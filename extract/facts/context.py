"""What the fact resolvers look up in one document, found once and answered by bisection.

Clause separators, whitespace and metric words are found once per document; entities and dates are
sorted once; sentences and paragraphs are :class:`~extract.model.SpanIndex` look-ups.  So a sentence
with thousands of numbers costs no more per number than a short one, and every resolver asks the same
questions the same way.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import cache, cached_property
from itertools import accumulate
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np

from extract.facts.lexicon import Lexicon, rules
from extract.lexicon import jieba_tags
from extract.model import DateRec, Doc, Entity, Quantity, Span, SpanIndex
from extract.spans import code_points

_START = attrgetter("start")
_FIRST = itemgetter(0)
_WS = re.compile(r"\s+")
_LAST_BLANK = 0x3000  # the highest code point Unicode calls white space (U+3000, the ideographic space)
_COMPLEMENT_WINDOW = 6  # characters read before an entity for a preposition or a verb (总部位于)


def compact(s: str) -> str:
    """``s`` without whitespace (a line break inside a clause joins its two halves)."""
    return _WS.sub("", s)


class Entities:
    """Entities sorted by start: those inside a range, nearest first or in text order."""

    __slots__ = ("ents", "starts")

    def __init__(self, ents: list[Entity]) -> None:
        self.ents = sorted(ents, key=_START)
        self.starts = [e.start for e in self.ents]

    def inside(self, lo: int, hi: int) -> list[Entity]:
        """The entities lying inside [lo, hi), in text order (those starting in it, by two bisections)."""
        starts = self.starts
        i = bisect_left(starts, lo)
        return [e for e in self.ents[i:bisect_left(starts, hi, i)] if e.end <= hi]

    def starts_before(self, lo: int, pos: int) -> bool:
        """Whether an entity starts in [lo, pos)."""
        return bisect_left(self.starts, lo) < bisect_left(self.starts, pos)

    def before(self, lo: int, hi: int) -> Iterator[Entity]:
        """``inside(lo, hi)`` from the last one back: the nearest candidate is usually found at once."""
        i = bisect_left(self.starts, hi) - 1
        while i >= 0 and self.ents[i].start >= lo:
            if self.ents[i].end <= hi:
                yield self.ents[i]
            i -= 1


class Dates:
    """Dates sorted by start, with the running maximum of their ends (to stop looking back early)."""

    __slots__ = ("dates", "starts", "end_max")

    def __init__(self, dates: list[DateRec]) -> None:
        self.dates = sorted(dates, key=_START)
        self.starts = [d.start for d in self.dates]
        self.end_max = list(accumulate([d.end for d in self.dates], max))

    def end_after(self, lo: int, hi: int, default: int) -> int:
        """max(default, the ends of the dates inside [lo, hi)), looking back only while an end could be larger."""
        best = default
        i = bisect_left(self.starts, hi) - 1
        while i >= 0 and self.dates[i].start >= lo and self.end_max[i] > best:
            if best < self.dates[i].end <= hi:
                best = self.dates[i].end
            i -= 1
        return best

    def any_inside(self, lo: int, hi: int) -> bool:
        """Whether a date lies inside [lo, hi)."""
        i = bisect_left(self.starts, lo)
        while i < len(self.dates) and self.dates[i].start < hi:
            if self.dates[i].end <= hi:
                return True
            i += 1
        return False

    def overlaps(self, lo: int, hi: int) -> bool:
        """Whether a date overlaps [lo, hi) (a name cut wrongly across a date: 下半年集团)."""
        i = bisect_left(self.starts, hi) - 1
        while i >= 0 and self.end_max[i] > lo:
            if self.dates[i].end > lo:
                return True
            i -= 1
        return False

    def any_start(self, lo: int, hi: int) -> bool:
        """Whether a date starts in [lo, hi) (most sentences have none)."""
        return bisect_left(self.starts, lo) < bisect_left(self.starts, hi)

    def near(self, lo: int, hi: int, pos: int) -> DateRec | None:
        """Of the dates inside [lo, hi): the last one ending by ``pos``, else the first one, else None."""
        i0 = bisect_left(self.starts, lo)
        i1 = bisect_left(self.starts, hi)
        if i0 == i1:  # no date starts in the range (the usual case)
            return None
        upto = min(pos, hi)
        for i in range(min(i1, bisect_right(self.starts, upto)) - 1, i0 - 1, -1):  # none starts after upto
            if self.dates[i].end <= upto:
                return self.dates[i]
        for i in range(i0, i1):
            if self.dates[i].end <= hi:
                return self.dates[i]
        return None


@cache
def _char_classes(separators: str, sentence_ends: str) -> np.ndarray:
    """A table over every code point: bit 1 a clause separator, bit 2 a blank (what ``\\s`` matches), bit 4 a
    sentence end."""
    lut = np.zeros(sys.maxunicode + 1, dtype=np.uint8)
    lut[[ord(c) for c in separators]] = 1
    lut[[i for i in range(_LAST_BLANK + 1) if chr(i).isspace()]] |= 2
    lut[[ord(c) for c in sentence_ends]] |= 4
    return lut


def _char_positions(text: str, separators: str, sentence_ends: str) -> tuple[list[int], list[int], list[int]]:
    """The positions of the clause separators, of the blanks and of the sentence ends, in one vectorised pass
    over the text (regex scans built a match object per comma and per line break; one ``flatnonzero`` over the
    whole text, then three over the few marked positions)."""
    codes = code_points(text)
    kinds = _char_classes(separators, sentence_ends)[codes]
    at = np.flatnonzero(kinds)
    marked = kinds[at]
    return at[(marked & 1) != 0].tolist(), at[(marked & 2) != 0].tolist(), at[(marked & 4) != 0].tolist()


def _dateline_spans(doc: Doc) -> list[Span]:
    """The raw spans of the dateline and credit lines kept in the text (四川日报讯（记者 吴晓铃）, 新华社北京6月
    16日电): the outlet, its reporter and the place of the wire are who wrote the article and where, never
    the subject of a figure of the sentence the dateline opens."""
    return sorted((r.raw_start, r.raw_end) for r in doc.removed if r.kind == "dateline")


def _inside(spans: list[Span], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of ``spans``."""
    return any(a <= start and end <= b for a, b in spans)  # a document has a handful of dateline lines


def _name_bounds(ents: list[Entity], labels: frozenset[str]) -> tuple[list[int], list[int]]:
    """The starts of the names with one of ``labels``, sorted, and the running maximum of their ends (the labels
    read once, not per entity: this visits every entity of the document)."""
    names = sorted([(e.start, e.end) for e in ents if e.label in labels])
    return [s for s, _ in names], list(accumulate([e for _, e in names], max))


class Context:
    """One document as the fact resolvers read it: text look-ups, sentences, entities, dates, rules."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.r: Lexicon = rules()
        self.sents = logical_sentences(doc, self.r)
        self.sent_index = SpanIndex(self.sents)
        self.para_index = SpanIndex(doc.paragraphs)
        # where the full sentences end (。！？: across ；), sorted: see sentence_start
        self.seps, self.spaces, self.sentence_ends = _char_positions(self.text, self.r.clauses.separators,
                                                                     self.r.periods.sentence_ends)
        self.aliases, self.entities = read_aliases(doc, self.r.topics.alias_re)  # with the aliases' mentions
        labels, credits = self.r.subjects.labels, _dateline_spans(doc)
        ents = [e for e in self.entities if e.label in labels]
        if credits:  # most articles keep no dateline or credit line in the text
            ents = [e for e in ents if not _inside(credits, e.raw_start, e.raw_end)]
        self.ents = Entities(ents)
        # names a number may sit inside (第十届亚欧博览会): sorted by start, with the running maximum of their ends
        self.name_starts, self.name_end_max = _name_bounds(doc.entities, self.r.skips.name_labels)
        # 比去年, 较上年同期: a comparison base, not the period of anything
        comparison = self.r.periods.comparison
        self.all_dates = Dates(doc.dates)  # a number inside one of these is part of a date (今年首8个月)
        self.dates = Dates([d for d in doc.dates
                            if not self.text.endswith(comparison, 0, d.start) and not self.reported(d)])
        self.source_clauses: dict[Span, SpanIndex] = {}  # by sentence: see source_clauses
        self.clause_subjects: dict[Span, Any] = {}  # by clause: the subject it states (subject.sentence_subject)
        self.sentence_subjects: dict[int, Any] = {}  # by clause start: the subject of the clauses before it
        self.clause_names: dict[int, Any] = {}  # by clause start: its entities as subjects (subject.ClauseNames)
        self.anaphors: dict[Span, Any] = {}  # by the stretch read: the anaphor starting it (subject._anaphor)
        self.periods: dict[int, tuple[str | None, str | None]] = {}  # id of a date -> its period
        self.dated: dict[Span, bool] = {}  # by sentence: whether a date starts in it (period._stated)
        self.horizons: dict[int, bool] = {}  # id of a date -> whether it is a target's horizon (period.horizon)
        self.tags = word_tags((self.r.metrics.seg_verb_tag, *self.r.metrics.function_tags,
                               *self.r.subjects.name_tags))  # jieba's, some (read in one pass)

    def reported(self, d: DateRec) -> bool:
        """8月11日，…宣布…; 记者6月4日从…获悉; …3月10日发布的统计显示: the day of an announcement (a day-level date
        whose clause, or the next one when the date stands alone, reports), not the period of any figure."""
        if d.granularity not in ("day", "datetime"):
            return False
        cs = self.clause_start(0, d.start)
        ce = self.clause_end(d.end, len(self.text))
        if ce < len(self.text) and not self.compact(cs, ce).replace(d.text, "").translate(self.r.periods.day_parts):
            ce = self.clause_end(ce + 1, len(self.text))
        return self.r.periods.report_re.search(self.text, cs, ce) is not None

    def leading_date_end(self, lo: int, hi: int) -> int:
        """The end of a date starting the stretch [lo, hi) (blanks aside), else ``lo``."""
        i = bisect_left(self.dates.starts, lo)
        if i < len(self.dates.dates):
            d = self.dates.dates[i]
            if d.end <= hi and not self.text[lo:d.start].strip():
                return d.end
        return lo

    @cached_property
    def since_dates(self) -> list[DateRec]:
        """The dates with bound since (7月下旬以来), in order: listed once, not filtered again per number."""
        return [d for d in self.dates.dates if d.bound == "since"]

    def sentence_start(self, pos: int) -> int:
        """Start of the full sentence (up to 。！？, across ；) holding ``pos``."""
        i = bisect_left(self.sentence_ends, pos) - 1
        return self.sentence_ends[i] + 1 if i >= 0 else 0

    def para_of(self, pos: int) -> int:
        """Index of the paragraph holding ``pos``, or -1."""
        i = self.para_index.index(pos)
        return -1 if i is None else i

    def compact(self, a: int, b: int) -> str:
        """``compact(text[a:b])``; most stretches hold no whitespace, found by a look-up in its positions."""
        spaces = self.spaces
        i = bisect_left(spaces, a)
        if i < len(spaces) and spaces[i] < b:
            return _WS.sub("", self.text[a:b])
        return self.text[a:b]

    def has_space(self, lo: int, hi: int) -> bool:
        """Whether a blank (a line break too) lies in [lo, hi)."""
        i = bisect_left(self.spaces, lo)
        return i < len(self.spaces) and self.spaces[i] < hi

    def clause_start(self, lo: int, pos: int) -> int:
        """Start of the clause holding ``pos`` (after the last separator before it, not before ``lo``)."""
        seps = self.seps
        i = bisect_left(seps, pos) - 1
        if i < 0:
            return lo
        s = seps[i] + 1
        return s if s > lo else lo

    def clause_end(self, pos: int, hi: int) -> int:
        """End of the clause holding ``pos`` (the next separator at or after it, not after ``hi``)."""
        seps = self.seps
        i = bisect_left(seps, pos)
        if i < len(seps) and seps[i] < hi:
            return seps[i]
        return pos if pos > hi else hi

    @cached_property
    def metric_starts(self) -> list[int]:
        """Every position where a metric word begins, overlapping ones too (出口 inside 进出口)."""
        t, metric_re = self.text, self.r.metrics.metric_re
        out = []
        for m in metric_re.finditer(t):
            out.append(m.start())
            out += [k for k in range(m.start() + 1, m.end()) if metric_re.match(t, k)]
        return out

    @cached_property
    def groups(self) -> list[Span]:
        """Where the group subjects are (一线城市, 规模以上工业企业), in order, the longest of overlapping ones:
        found from their head nouns (a few str.find calls, no regex over the text), only when a subject is
        looked for."""
        t, found = self.text, []
        for head, (lasts, qualifiers) in self.r.subjects.group_heads.items():
            p = t.find(head)
            while p >= 0:
                q = next((q for q in qualifiers if t.startswith(q, p - len(q))), None) \
                    if p and t[p - 1] in lasts else None  # (most heads follow no qualifier's last character)
                if q is not None:
                    found.append((p - len(q), p + len(head)))
                p = t.find(head, p + 1)
        found.sort(key=lambda s: (s[0], -s[1]))
        out: list[Span] = []
        for s in found:
            if not out or s[0] >= out[-1][1]:
                out.append(s)
        return out

    def metric_search(self, lo: int, hi: int) -> re.Match[str] | None:
        """``metric_re.search(text, lo, hi)`` without rescanning a long clause for every number: the first
        position where a metric word begins that also fits before ``hi``."""
        metric_re = self.r.metrics.metric_re
        if hi - lo <= 200:  # a clause of normal length: just search it
            return metric_re.search(self.text, lo, hi)
        starts = self.metric_starts
        i = bisect_left(starts, lo)
        while i < len(starts) and starts[i] < hi:
            m = metric_re.match(self.text, starts[i], hi)
            if m:
                return m
            i += 1
        return None

    def has_verb(self, lo: int, hi: int, allowed: frozenset[str]) -> bool:
        """Whether a jieba word inside [lo, hi) is a verb of jieba's dictionary (tag v) not in ``allowed``."""
        toks, text = self.doc.tokens, self.text
        verb = self.r.metrics.seg_verb_tag
        i = self.token_at(lo)
        while i < len(toks) and toks[i][1] <= hi:
            w = text[toks[i][0]:toks[i][1]]
            if self.tags.get(w) == verb and w not in allowed:
                return True
            i += 1
        return False

    def word_starts_at(self, pos: int) -> bool:
        """Whether a jieba word starts at ``pos``."""
        toks = self.doc.tokens
        i = self.token_at(pos)
        return i < len(toks) and toks[i][0] == pos

    def token_at(self, pos: int) -> int:
        """Index of the first jieba word starting at or after ``pos`` (a bisection on the words themselves)."""
        return bisect_left(self.doc.tokens, pos, key=_FIRST)

    def token_before(self, pos: int) -> int:
        """Index of the last jieba word starting at or before ``pos`` (-1 when none does)."""
        return bisect_right(self.doc.tokens, pos, key=_FIRST) - 1

    def in_name(self, q: Quantity) -> bool:
        """Whether ``q`` overlaps a name (any name starting before its end that ends after its start: the
        running maximum of the ends answers that in one look-up)."""
        i = bisect_left(self.name_starts, q.end)
        return i > 0 and self.name_end_max[i - 1] > q.start


@cache
def word_tags(tags: tuple[str, ...]) -> dict[str, str]:
    """The words jieba's dictionary gives one of ``tags`` (verbs, prepositions …), with their tag: a lookup table
    made once from :func:`extract.lexicon.jieba_tags` (not posseg)."""
    return {w: t for w, t in jieba_tags().items() if t in tags}


def is_function(ctx: Context, word: str) -> bool:
    """Whether jieba's dictionary tags ``word`` a verb or a function word (p, c, d, u, r), not a name (nr)."""
    tag = ctx.tags.get(word)
    return tag is not None and tag not in ctx.r.subjects.name_tags


def is_verb(ctx: Context, word: str) -> bool:
    """Whether jieba's dictionary tags ``word`` a verb (v)."""
    return ctx.tags.get(word) == ctx.r.metrics.seg_verb_tag


def read_aliases(doc: Doc, alias_re: re.Pattern[str]) -> tuple[dict[str, str], list[Entity]]:
    """（以下简称“X”）: X stands for the entity ending right before the bracket.  The full names with their
    aliases, and the entities with one for every place the alias is said where the entity stage found none
    (its own alias linking, when it has one, leaves nothing to add; a shorter name inside the alias, such as
    汽车 in 骁驰汽车, gives way)."""
    text = doc.text
    if "简称" not in text and "下称" not in text:  # most articles define no alias
        return {}, doc.entities
    ends = {e.end: e for e in doc.entities if e.label in ("ORG", "LOC", "EVENT", "PRODUCT")}
    aliases: dict[str, Entity] = {}
    for m in alias_re.finditer(text):
        e = ends.get(m.start())
        if e is not None and m.group(1) != e.text:
            aliases.setdefault(m.group(1), e)
    extra: list[Entity] = []
    inner: set[int] = set()  # ids of shorter entities inside an alias mention (汽车 in 骁驰汽车)
    for alias, full in aliases.items():
        for m in re.finditer(re.escape(alias), text):
            s, e = m.span()
            over = [x for x in doc.entities if x.start < e and s < x.end]
            if any(x.start < s or x.end > e or x.text == alias for x in over):
                continue  # an entity there already (the alias itself, or a longer name holding it)
            inner.update(id(x) for x in over)
            extra.append(Entity(doc_id=doc.doc_id, id="", text=alias, start=s, end=e, raw_start=s, raw_end=e,
                                label=full.label, source="alias", rule="fact.alias"))
    kept = [e for e in doc.entities if id(e) not in inner] if inner else doc.entities
    return {full.text: alias for alias, full in aliases.items()}, kept + extra


def source_clauses(ctx: Context, sent: Span) -> SpanIndex:
    """The clauses of a sentence that name the source of a statistic (据喀什海关统计, 记者从…获悉) or a speaker
    rather than its subject.  Found once per sentence: a sentence may hold thousands of numbers."""
    cached = ctx.source_clauses.get(sent)
    if cached is not None:
        return cached
    sr = ctx.r.subjects
    out: list[Span] = []
    s0, end = sent
    if not sr.hint_re.search(ctx.compact(s0, end)):
        s0 = end  # no clause of it can start with the source prefix or end with a speaker word
    seps = ctx.seps
    i, n = bisect_left(seps, s0), len(seps)
    while s0 < end:  # clause by clause: separator by separator (ctx.clause_end without a bisection per clause)
        ce = seps[i] if i < n and seps[i] < end else end
        c = ctx.compact(s0, ce)
        if c.startswith(sr.source_prefix) and sr.source_re.search(c) or c.endswith(sr.speakers):
            out.append((s0, ce))
        s0, i = ce + 1, i + 1
    ctx.source_clauses[sent] = SpanIndex(out)
    return ctx.source_clauses[sent]


def complement(ctx: Context, e: Entity, cs: int) -> bool:
    """Whether the entity (or the list of names it ends: 在杭州、苏州、成都) follows a preposition or a verb
    (位于德国, 担任…公司, 收购凯斯勒): a complement, not the subject.  After 判处/没收 the entity is whose
    penalty it is, and stays a subject."""
    sr, t = ctx.r.subjects, ctx.text
    start = e.start
    while start - 1 > cs and t[start - 1] in "、和与及":  # walk back over a list of names joined by 、/和
        x = next(ctx.ents.before(cs, start), None)
        if x is None or x.end != start - 1:
            break
        start = x.start
    while start > cs and t[start - 1] in sr.quoted_open:  # 买入“苏源新材”股票
        start -= 1
    words = ctx.compact(max(cs, start - _COMPLEMENT_WINDOW), start)  # the words right before it
    if not words or words.endswith(sr.object_subject):
        return False
    if words.endswith(sr.complement_before):
        return True
    toks = ctx.doc.tokens
    i = ctx.token_before(start - 1)
    return 0 <= i < len(toks) and toks[i][1] == start and is_verb(ctx, t[toks[i][0]:start])


def logical_sentences(doc: Doc, r: Lexicon) -> list[Span]:
    """Sentences, with a line broken mid-sentence (占新疆外贸进出口总值 / 的23.4%) joined back."""
    text = doc.text
    terminal, continuation = r.clauses.terminal, r.clauses.continuation
    out: list[Span] = []
    for s, e in doc.sentences:
        if out and text[out[-1][1] - 1] not in terminal \
                and last_char(text, *out[-1]) not in terminal and _first_char(text, s, e) in continuation:
            out[-1] = (out[-1][0], e)  # (the first test is last_char's fast path: most sentences end with 。)
        else:
            out.append((s, e))
    return out


def last_char(text: str, s: int, e: int) -> str:
    """Last non-blank character of text[s:e] ("" if none); the strip copies the span only when it ends blank."""
    c = text[e - 1] if e > s else ""
    return c if not c.isspace() else text[s:e].rstrip()[-1:]


def _first_char(text: str, s: int, e: int) -> str:
    """First non-blank character of text[s:e] ("" if none)."""
    c = text[s] if e > s else ""
    return c if not c.isspace() else text[s:e].lstrip()[:1]
