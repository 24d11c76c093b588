"""Facts: quantities linked to subject, metric, period and change (issue 5).

A fact is a statistic as a table row: *who* (subject: an entity or a list item), *what*
(metric: 进出口总值, 货运量, 通行中欧班列 …), *when* (period: a date in the clause, else in the
sentence, else inherited within the paragraph), *how much* (value and unit), and how it moved
(change: 同比增长 → yoy, 占…的 → share, 由X提升至Y → increase with the before value).

Numbers right after a change phrase are changes of the fact before them, never facts of their
own.  The same fact stated twice (repeated passages, versions of one article) is one row with
several mentions: rows are keyed by subject|metric|value|unit|period and ids hash that key.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property
from itertools import accumulate
from operator import attrgetter, itemgetter
from typing import Any

from extract.model import DateRec, Doc, Entity, Fact, Mention, Quantity, Span
from extract.rules import load_toml

_CLAUSE_SEP = "，；：,;:。！？!?"
_CONTINUATION = tuple("的地得之和与及或、，占同")
_TERMINAL = tuple("。！？!?；;…”’）)")
_SUBJECT_LABELS = frozenset(("LOC", "ORG", "PRODUCT", "EVENT"))
_NAME_LABELS = frozenset(("EVENT", "WORK", "LOC", "ORG"))  # names a number inside of is not a statistic
_START = attrgetter("start")
_MATCH_START = re.Match.start
_CLASSIFIERS = set("个家项条座批种类台辆列车架艘件笔单票只头名位所处片块套份次趟班")
_PCT_UNITS = ("%", "pp", "‰")
_IS_HAN = re.compile(r"[\u4e00-\u9fff]")
_DEMONSTRATIVE = tuple("该此这其")
_PARTNER = "对与向同"
_SPEAKER_WORDS = "表示|认为|说|介绍|指出|称|透露|告诉记者|强调|坦言"
_SPEAKERS = tuple(_SPEAKER_WORDS.split("|"))  # a clause (without blanks) ending with one names a speaker
# a clause can only name a source (据…) or a speaker if its sentence holds one of these at all
_EXCLUSION_HINT = re.compile(f"据|{_SPEAKER_WORDS}")
_BAD_NP_START = tuple("每各该本此这那其某")
_SEP_RE = re.compile(f"[{re.escape(_CLAUSE_SEP)}]")
_WS = re.compile(r"\s+")
_SPACE = re.compile(r"\s")
_DIGIT = re.compile(r"\d")
_SOURCE_WORDS = re.compile(r"统计|数据|显示|介绍|了解|消息|测算")
_TRAILING_DE = re.compile(r"的$")
_METRIC_CUT = re.compile(r"[由从，、\d]")
_PHRASE_CUT = re.compile(r"[由从、\d]")
_PERCENT = re.compile(r"[%％]")
_NOUN = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,12}")
_NOUN_CUT = re.compile(r"[的和与及、在]")
_ITEM = re.compile(r"[\u4e00-\u9fffA-Za-z（）()]+")
_NP = re.compile(r"[\u4e00-\u9fff“”\"]+")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_LAST_LIST_SEP = re.compile(r"[、（(，,：:；;](?=[^、（(，,：:；;]*$)")  # with endpos: the last one before it


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in _longest_first(words))


@dataclass
class _Rules:
    metric_re: re.Pattern[str]
    filler: tuple[str, ...]
    up: tuple[str, ...]
    down: tuple[str, ...]
    average: tuple[str, ...]
    share: tuple[str, ...]
    increase: tuple[str, ...]
    decrease: tuple[str, ...]
    from_: tuple[str, ...]
    respectively: str
    skip_after: tuple[str, ...]
    skip_after_firsts: frozenset[str]  # their first characters
    skip_before_re: re.Pattern[str]
    cumulative: tuple[str, ...]
    openers: tuple[str, ...]
    moves: tuple[str, ...]  # up + down, joined once: words that end a noun (签约 / 增长) or rule out a subject
    move_starts: frozenset[str]  # their first characters
    strip: _FillerIndex  # the filler words, as :func:`_strip` looks them up
    strip_long_ends: _FillerIndex  # the same, stripping only words of 2+ characters from the end
    from_re: re.Pattern[str]  # any of ``from_``
    not_np_re: re.Pattern[str]  # what a noun phrase subject cannot hold: 是在把被将 or a change word


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@cache
def rules() -> _Rules:
    """Compile rules/facts/facts.toml once per process."""
    cfg = load_toml("facts/facts")
    ch = cfg["change"]
    filler = _longest_first(cfg["filler"]["words"])
    moves = _longest_first(ch["yoy_up"]) + _longest_first(ch["yoy_down"])
    return _Rules(
        metric_re=re.compile(_alt(cfg["metric"]["words"])),
        filler=filler,
        up=_longest_first(ch["yoy_up"]),
        down=_longest_first(ch["yoy_down"]),
        average=_longest_first(ch["average"]),
        share=_longest_first(ch["share"]),
        increase=_longest_first(ch["increase"]),
        decrease=_longest_first(ch["decrease"]),
        from_=tuple(ch["from"]),
        respectively=ch["respectively"],
        skip_after=_longest_first(cfg["skip"]["after"]),
        skip_after_firsts=frozenset(w[0] for w in cfg["skip"]["after"]),
        skip_before_re=re.compile(cfg["skip"]["before_re"]),
        cumulative=_longest_first(cfg["period"]["cumulative"]),
        openers=_longest_first(cfg["list"]["openers"]),
        moves=moves,
        move_starts=frozenset(w[0] for w in ch["yoy_up"] + ch["yoy_down"]),
        strip=_filler_index(filler, 1),
        strip_long_ends=_filler_index(filler, 2),
        from_re=re.compile(_alt(ch["from"])),
        not_np_re=re.compile(f"[是在把被将]|{_alt(list(moves))}"),
    )


@dataclass(slots=True)
class _Row:
    """A fact under construction (positions in the document text)."""

    q: Quantity
    sent: int
    para: int
    subject: str | None = None
    metric: str | None = None
    period: tuple[str | None, str | None] = (None, None)
    change: dict[str, Any] | None = None
    start: int = 0
    end: int = 0
    item: bool = False
    modifier: bool = False  # 4个综合保税区…: a count inside a noun phrase, not what a following change is about


# --------------------------------------------------------------------------------------------- text helpers


def _index_of(spans: list[Span], starts: list[int], pos: int) -> int:
    """Index of the span holding ``pos`` (spans sorted, non-overlapping), or -1."""
    i = bisect_right(starts, pos) - 1
    return i if i >= 0 and spans[i][0] <= pos < spans[i][1] else -1


def _is_comparison(text: str, d: DateRec) -> bool:
    return text[max(0, d.start - 1):d.start] in ("比", "较") or text[max(0, d.start - 2):d.start] in ("相比", "对比")


def _logical_sentences(doc: Doc) -> list[Span]:
    """Sentences, with a line broken mid-sentence (占新疆外贸进出口总值 / 的23.4%) joined back."""
    text = doc.text
    out: list[Span] = []
    for s, e in doc.sentences:
        if out and _last_char(text, *out[-1]) not in _TERMINAL and _first_char(text, s, e) in _CONTINUATION:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _last_char(text: str, s: int, e: int) -> str:
    """Last non-blank character of text[s:e] ("" if none); the strip copies the span only when it ends blank."""
    c = text[e - 1] if e > s else ""
    return c if not c.isspace() else text[s:e].rstrip()[-1:]


def _first_char(text: str, s: int, e: int) -> str:
    """First non-blank character of text[s:e] ("" if none)."""
    c = text[s] if e > s else ""
    return c if not c.isspace() else text[s:e].lstrip()[:1]


def _clause_start(text: str, lo: int, pos: int) -> int:
    """Start of the clause holding ``pos`` (after the last ，；： before it, not before ``lo``)."""
    i = pos
    while i > lo and text[i - 1] not in _CLAUSE_SEP:
        i -= 1
    return i


def _clause_end(text: str, pos: int, hi: int) -> int:
    """End of the clause holding ``pos`` (the next ，；： at or after it, not after ``hi``)."""
    m = _SEP_RE.search(text, pos, hi)
    return m.start() if m else max(pos, hi)


def _cut_at(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int:
    """Position of the first match of ``pattern`` in text[lo:hi], else ``hi`` (like ``re.split(...)[0]``)."""
    m = pattern.search(text, lo, hi)
    return m.start() if m else hi


def _compact(s: str) -> str:
    return _WS.sub("", s)


@dataclass(frozen=True)
class _FillerIndex:
    """Filler words by text -> their place in the filler tuple (as prefixes; as suffixes when long enough),
    and by the character they start with (or, as suffixes, end with) -> their lengths, ascending."""

    words: tuple[str, ...]
    starts: dict[str, int]
    ends: dict[str, int]
    start_lens: dict[str, tuple[int, ...]]
    end_lens: dict[str, tuple[int, ...]]


def _lens_by(words: Iterable[str], key: Callable[[str], str]) -> dict[str, tuple[int, ...]]:
    """The distinct lengths of ``words``, ascending, by ``key`` of the word (its first or last character)."""
    out: dict[str, set[int]] = {}
    for w in words:
        out.setdefault(key(w), set()).add(len(w))
    return {c: tuple(sorted(ns)) for c, ns in out.items()}


@cache
def _filler_index(filler: tuple[str, ...], end_min: int) -> _FillerIndex:
    """The :class:`_FillerIndex` of ``filler`` with suffixes of ``end_min``+ characters."""
    ends = {w: i for i, w in enumerate(filler) if len(w) >= end_min}
    return _FillerIndex(filler, {w: i for i, w in enumerate(filler)}, ends,
                        _lens_by(filler, itemgetter(0)), _lens_by(ends, itemgetter(-1)))


def _strip_filler(s: str, filler: tuple[str, ...], end_min: int = 1) -> str:
    """Drop filler words (达, 累计, 约 …) from the start, and those of ``end_min``+ characters from the end.

    Each pass tries the words in order (longest first), each at the end and then at the start, until a pass
    changes nothing.  Only the words that actually stand at an end are visited (dictionary look-ups of the
    prefixes and suffixes of ``s`` of the lengths of the words that start with its first character or end
    with its last): the same result as trying all of them, without the scan.
    """
    return _strip(s, _filler_index(filler, end_min))


def _strip(s: str, fi: _FillerIndex) -> str:
    """:func:`_strip_filler` with the index of its words at hand (the rules hold those of theirs: building
    the look-up key of a tuple of sixty words costs more than most strips)."""
    if not s or s[0] not in fi.start_lens and s[-1] not in fi.end_lens:  # most phrases: no filler at either end
        return s.strip("“”\"' 　")
    filler, starts, ends = fi.words, fi.starts, fi.ends
    none = len(filler)
    changed = True
    while changed and s:
        changed = False
        k = 0
        while s:
            j = none  # the first word from k on that stands at an end of s
            for n in fi.end_lens.get(s[-1], ()):
                if n > len(s):
                    break
                i = ends.get(s[-n:], -1)
                if k <= i < j:
                    j = i
            for n in fi.start_lens.get(s[0], ()):
                if n > len(s):
                    break
                i = starts.get(s[:n], -1)
                if k <= i < j:
                    j = i
            if j == none:
                break
            w = filler[j]
            if w in ends and s.endswith(w):
                s = s[: -len(w)]
                changed = True
            if s.startswith(w):
                s = s[len(w):]
                changed = True
            k = j + 1
    return s.strip("“”\"' 　")


_CHANGE_TAIL = ("了", "达到", "达", "为", "约", "近", "超过", "超", "逾", "至")  # filler after a change word, in order


def _ends_with(s: str, words: tuple[str, ...], filler: tuple[str, ...]) -> str | None:
    """The change word ``s`` ends with, allowing a little filler after it (增长了, 增长达)."""
    for _ in range(3):
        if s.endswith(words):  # which one: the first in order
            return next(w for w in words if s.endswith(w))
        if not s.endswith(_CHANGE_TAIL):
            return None
        f = next(f for f in _CHANGE_TAIL if s.endswith(f))
        s = s[: -len(f)]
    return None


# --------------------------------------------------------------------------------------------- linking


class _Builder:
    """Walks the quantities of one document in order and builds rows.

    Linear in the document: clause separators, whitespace and metric words are found once and looked up
    by bisection, source clauses once per sentence, and the period or subject a fact inherits is the last of
    a per-paragraph list, so a sentence with thousands of numbers costs no more per number than a short one.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.r = rules()
        self.sents = _logical_sentences(doc)
        self.ents = sorted([e for e in doc.entities if e.label in _SUBJECT_LABELS], key=_START)
        # names a number may sit inside (第十届亚欧博览会): sorted by start, with the running maximum of their ends
        inside = sorted([(e.start, e.end) for e in doc.entities if e.label in _NAME_LABELS])
        self.name_starts = [s for s, _ in inside]
        self.name_end_max = list(accumulate([e for _, e in inside], max))
        self.seps = list(map(_MATCH_START, _SEP_RE.finditer(self.text)))
        self.spaces = list(map(_MATCH_START, _SPACE.finditer(self.text)))
        self.excluded_cache: dict[Span, tuple[list[int], list[Span]]] = {}
        self.periods: dict[int, tuple[str | None, str | None]] = {}  # id of a date of self.dates -> its period
        # 比去年, 较上年同期: a comparison base, not the period of anything
        self.dates = sorted([d for d in doc.dates if not _is_comparison(self.text, d)], key=_START)
        self.sent_starts = [s for s, _ in self.sents]
        self.para_starts = [s for s, _ in doc.paragraphs]
        self.ent_starts = [e.start for e in self.ents]
        self.date_starts = [d.start for d in self.dates]
        self.date_end_max = list(accumulate([d.end for d in self.dates], max))
        self.rows: list[_Row] = []
        # per paragraph, the rows (in self.rows order) a later fact may inherit a period or a subject from
        self.period_rows: dict[int, list[_Row]] = {}
        self.subject_rows: dict[int, list[_Row]] = {}
        self.consumed: set[int] = set()

    def add_row(self, row: _Row) -> None:
        """Append a finished row (its subject and period are set and do not change afterwards)."""
        self.rows.append(row)
        if row.period != (None, None):
            self.period_rows.setdefault(row.para, []).append(row)
        if row.subject and not row.item:
            self.subject_rows.setdefault(row.para, []).append(row)

    def drop_rows_of(self, q0: Quantity) -> None:
        """Forget the row of a number that turned out to be the before value of another (由X提升至Y)."""
        if not any(r.q is q0 for r in self.rows):
            return
        self.rows[:] = [r for r in self.rows if r.q is not q0]
        for by_para in (self.period_rows, self.subject_rows):
            for k, rows in by_para.items():
                by_para[k] = [r for r in rows if r.q is not q0]

    def compact(self, a: int, b: int) -> str:
        """``_compact(text[a:b])``; most stretches hold no whitespace, found by a look-up in its positions."""
        i = bisect_left(self.spaces, a)
        if i < len(self.spaces) and self.spaces[i] < b:
            return _compact(self.text[a:b])
        return self.text[a:b]

    def clause_end(self, pos: int, hi: int) -> int:
        """``_clause_end(text, pos, hi)`` by a look-up in the separator positions."""
        i = bisect_left(self.seps, pos)
        return self.seps[i] if i < len(self.seps) and self.seps[i] < hi else max(pos, hi)

    @cached_property
    def metric_starts(self) -> list[int]:
        """Every position where a metric word begins, overlapping ones too (出口 inside 进出口)."""
        t, metric_re = self.text, self.r.metric_re
        out = []
        for m in metric_re.finditer(t):
            out.append(m.start())
            out += [k for k in range(m.start() + 1, m.end()) if metric_re.match(t, k)]
        return out

    def metric_search(self, lo: int, hi: int) -> re.Match[str] | None:
        """``metric_re.search(text, lo, hi)`` without rescanning the clause for every number: the first
        position where a metric word begins that also fits before ``hi``."""
        if hi - lo <= 200:  # a clause of normal length: just search it
            return self.r.metric_re.search(self.text, lo, hi)
        starts = self.metric_starts
        i = bisect_left(starts, lo)
        while i < len(starts) and starts[i] < hi:
            m = self.r.metric_re.match(self.text, starts[i], hi)
            if m:
                return m
            i += 1
        return None

    def clause_start(self, lo: int, pos: int) -> int:
        """Start of the clause holding ``pos`` (after the last ，；： before it, not before ``lo``)."""
        i = bisect_left(self.seps, pos) - 1
        return max(lo, self.seps[i] + 1) if i >= 0 else lo

    # -- where things are
    def sent_of(self, pos: int) -> int:
        return _index_of(self.sents, self.sent_starts, pos)

    def para_of(self, pos: int) -> int:
        return _index_of(self.doc.paragraphs, self.para_starts, pos)

    def ents_in(self, lo: int, hi: int) -> list[Entity]:
        """Subject-label entities lying inside [lo, hi), in text order."""
        i = bisect_left(self.ent_starts, lo)
        out = []
        while i < len(self.ents) and self.ents[i].start < hi:
            if self.ents[i].end <= hi:
                out.append(self.ents[i])
            i += 1
        return out

    def ents_before(self, lo: int, hi: int) -> Iterator[Entity]:
        """``ents_in(lo, hi)`` from the last one back: the nearest candidate is usually found at once."""
        i = bisect_left(self.ent_starts, hi) - 1
        while i >= 0 and self.ents[i].start >= lo:
            if self.ents[i].end <= hi:
                yield self.ents[i]
            i -= 1

    def date_end(self, lo: int, hi: int, default: int) -> int:
        """max(default, the ends of ``dates_in(lo, hi)``), looking back only as far as an end could still be larger."""
        best = default
        i = bisect_left(self.date_starts, hi) - 1
        while i >= 0 and self.dates[i].start >= lo and self.date_end_max[i] > best:
            if best < self.dates[i].end <= hi:
                best = self.dates[i].end
            i -= 1
        return best

    def any_date(self, lo: int, hi: int) -> bool:
        """``bool(dates_in(lo, hi))``."""
        i = bisect_left(self.date_starts, lo)
        while i < len(self.dates) and self.dates[i].start < hi:
            if self.dates[i].end <= hi:
                return True
            i += 1
        return False

    def date_near(self, lo: int, hi: int, pos: int) -> DateRec | None:
        """Of ``dates_in(lo, hi)``: the last one ending by ``pos``, else the first one, else None."""
        i0 = bisect_left(self.date_starts, lo)
        i1 = bisect_left(self.date_starts, hi)
        if i0 == i1:  # no date starts in the range (the usual case)
            return None
        upto = min(pos, hi)
        for i in range(min(i1, bisect_right(self.date_starts, upto)) - 1, i0 - 1, -1):  # none starts after upto
            if self.dates[i].end <= upto:
                return self.dates[i]
        for i in range(i0, i1):
            if self.dates[i].end <= hi:
                return self.dates[i]
        return None

    def dates_in(self, lo: int, hi: int) -> list[DateRec]:
        i = bisect_left(self.date_starts, lo)
        out = []
        while i < len(self.dates) and self.dates[i].start < hi:
            if self.dates[i].end <= hi:
                out.append(self.dates[i])
            i += 1
        return out

    def in_entity(self, q: Quantity) -> bool:
        """True when ``q`` overlaps an EVENT/WORK/LOC/ORG name (any name starting before its end that ends after
        its start: the running maximum of the ends answers that in one look-up)."""
        i = bisect_left(self.name_starts, q.end)
        return i > 0 and self.name_end_max[i - 1] > q.start

    # -- classification of a quantity
    def skip(self, q: Quantity, sent: Span) -> bool:
        """Not a statistic: a threshold (400亿元大关), a comparison (高于全国1.2个百分点), a bare or
        small spelled-out count (两个市场), an ordinal, a number inside a name."""
        if q.unit is None or not _DIGIT.search(q.text) and Decimal(q.value) <= 10:
            return True
        r = self.r
        c = self.text[q.end:q.end + 1]  # what follows, blanks aside, starts with this unless it is blank
        if (c in r.skip_after_firsts or c.isspace()) \
                and self.compact(q.end, min(q.end + 6, sent[1])).startswith(r.skip_after):
            return True
        before = self.compact(max(sent[0], q.start - 10), q.start)
        return r.skip_before_re.search(before) is not None \
            or self.doc.corrupt and self.doc.is_corrupt(q.start, q.end) or self.in_entity(q)

    def change_of(self, q: Quantity, cs: int, pre: str) -> dict[str, Any] | None:
        """A change dict when ``q`` is the number of a change phrase (同比增长71.2%, 占…的23.4%); ``pre`` is
        ``compact(cs, q.start)``, the clause before it."""
        r = self.r
        t = self.text
        if q.unit not in _PCT_UNITS and q.kind not in ("percent", "multiple", "pp"):
            return self.absolute_change(q, cs, pre)
        w = _ends_with(pre, r.average, r.filler)
        if w:
            return {"kind": "yoy", "value": q.value, "unit": q.unit, "average": True, "at": t.rfind(w, cs, q.start)}
        w = _ends_with(pre, r.down, r.filler)
        if w:
            return {"kind": "yoy", "value": -Decimal(q.value), "unit": q.unit, "at": t.rfind(w, cs, q.start)}
        w = _ends_with(pre, r.up, r.filler)
        if w:
            return {"kind": "yoy", "value": q.value, "unit": q.unit, "at": t.rfind(w, cs, q.start)}
        i = pre.rfind("占")
        if i >= 0 and len(pre) - i <= 30:
            of = pre[i + 1:]
            for w in r.share:
                if pre[i:].startswith(w):
                    of = pre[i + len(w):]
                    break
            of = _strip(_TRAILING_DE.sub("", of), r.strip)
            ch: dict[str, Any] = {"kind": "share", "value": q.value, "unit": q.unit, "at": t.rfind("占", cs, q.start)}
            if of:
                ch["of"] = of
            return ch
        return None

    def absolute_change(self, q: Quantity, cs: int, pre: str) -> dict[str, Any] | None:
        """比上年增加3000万元: an amount right after 增加/减少 (nothing between but 了) changes the fact before."""
        r = self.r
        core = pre[:-1] if pre.endswith("了") else pre
        for words, sign in ((r.down, "decrease"), (r.up, "increase")):
            if not core.endswith(words):
                continue
            if r.from_re.search(pre):
                return None  # 由X增加到Y is an increase with a before value, handled with its fact
            for w in words:
                if core.endswith(w) and not w.startswith("增幅") and not w.startswith("增速"):
                    return {"kind": sign, "value": q.value, "unit": q.unit, "at": self.text.rfind(w, cs, q.start)}
        return None

    def before_value(self, q: Quantity, cs: int, pre: str, sq: list[Quantity],
                     qi: int) -> tuple[str, Quantity] | None:
        """由X提升至Y: the X of a Y, with the direction (``sq[:qi]``: the sentence's numbers before ``q``;
        ``pre``: the clause before ``q``, compacted)."""
        for kind, words in (("increase", self.r.increase), ("decrease", self.r.decrease)):
            if not pre.endswith(words):
                continue
            for q0 in reversed(sq[:qi]):
                if q0.start < cs:
                    break  # sorted by start: the rest lie before the clause
                if q0.end <= q.start:
                    lead = self.compact(cs, q0.start)
                    if lead.endswith(self.r.from_) and (q0.unit == q.unit or q0.unit is None):
                        return kind, q0
        return None

    # -- linking
    def _usable(self, e: Entity, excluded: tuple[list[int], list[Span]]) -> bool:
        """An entity that can be a subject: not the source (据…统计), not a bracketed aside (中欧（中亚）班列)."""
        t = self.text
        starts, spans = excluded
        if _index_of(spans, starts, e.start) >= 0:
            return False
        return not (e.start > 0 and e.end < len(t) and t[e.start - 1] in "（(" and t[e.end] in "）)")

    def _excluded(self, sent: Span) -> tuple[list[int], list[Span]]:
        """Clauses that name the source of a statistic (据喀什海关统计) rather than its subject (their starts
        and spans, sorted and disjoint).  Computed once per sentence: a sentence may hold thousands of numbers."""
        cached = self.excluded_cache.get(sent)
        if cached is not None:
            return cached
        out: list[Span] = []
        s0 = sent[0]
        if not _EXCLUSION_HINT.search(self.compact(*sent)):
            s0 = sent[1]  # no clause of it can start with 据 or end with a speaker word
        while s0 < sent[1]:
            ce = self.clause_end(s0, sent[1])
            c = self.compact(s0, ce)
            if c.startswith("据") and _SOURCE_WORDS.search(c) \
                    or c.endswith(_SPEAKERS):  # …处长张力介绍，: the speaker's organisation is not the subject
                out.append((s0, ce))
            s0 = ce + 1
        self.excluded_cache[sent] = ([a for a, _ in out], out)
        return self.excluded_cache[sent]

    def metric_for(self, q: Quantity, cs: int, upto: int, sent: Span) -> tuple[str | None, int]:
        """The metric of ``q`` and where it starts.

        It is the first metric word after the subject (and the date) in the clause, extended to the
        value but cut at 由/从 or an earlier number: 进口通关环节 / 外贸进出口总值 / 监管进出境TIR车辆.
        A count (20个国家一类口岸) is named by the noun after its measure word instead.
        """
        t, r = self.text, self.r
        lo = self.date_end(cs, upto, cs)
        ents = self.ents_in(lo, upto)
        excluded = self._excluded(sent) if ents else ([], [])
        se = lo
        partner = None  # 新疆对中亚五国进出口: the partner belongs to the metric, not the subject
        for e in ents:
            if e.label != "PRODUCT" and self._usable(e, excluded):
                if e.start > lo - 1 and t[e.start - 1] in _PARTNER and (se > lo or e.start - 1 == lo):
                    partner = partner if partner is not None else e.start - 1
                else:
                    se, partner = max(se, e.end), None
        m = self.metric_search(se, upto)
        if m is None and se > lo:
            m = self.metric_search(lo, upto)
        metric = None
        mstart = se
        if m:
            mstart = m.start() if partner is None or partner > m.start() else partner
            phrase = _strip(self.compact(mstart, _cut_at(_METRIC_CUT, t, mstart, upto)), r.strip)
            metric = phrase if 0 < len(phrase) <= 14 else m.group()
        else:
            phrase = _strip(self.compact(se, _cut_at(_PHRASE_CUT, t, se, upto)), r.strip)
            if 0 < len(phrase) <= 10 and not _PERCENT.search(phrase):
                metric = phrase
        if q.unit in _CLASSIFIERS:
            mm = _NOUN.match(t, q.end)
            if mm:
                noun = _NOUN_CUT.split(mm.group())[0]
                cut = [m.start() for m in r.metric_re.finditer(noun) if m.start() > 0 and len(m.group()) >= 3]
                if not r.move_starts.isdisjoint(noun[1:]):  # a change word can only start at such a character
                    cut += [i for w in r.moves if (i := noun.find(w)) > 0]
                noun = _strip(noun[:min(cut)] if cut else noun, r.strip_long_ends)  # keep 签约
                if noun:
                    metric = noun
        return (metric if metric and len(metric) >= 2 else None), mstart

    def list_item(self, q: Quantity, cs: int) -> tuple[str, int] | None:
        """葵花籽1249车、葵花籽仁512车: the item noun right before a number in a 、-list."""
        t = self.text
        after = t[q.end:q.end + 1]
        if after and after not in "、，。；）)":
            return None
        # the item starts after the last list separator among the 14 characters before the number
        lo = max(cs, q.start - 14)
        if after != "、" and "、" not in t[max(lo - 1, 0):q.start]:
            return None  # the character before the item (below) lies in there
        m = _LAST_LIST_SEP.search(t, lo, q.start)
        i = m.start() + 1 if m else lo
        before = t[i - 1] if i > 0 else ""
        if not (before == "、" or after == "、"):
            return None
        item = t[i:q.start]
        for o in self.r.openers:
            if item.startswith(o):
                item = item[len(o):]
                i += len(o)
                break
        if 1 <= len(item) <= 12 and _ITEM.fullmatch(item) \
                and not self.r.metric_re.fullmatch(item) and not item.endswith(("等", "共", "各")):
            return item, i
        return None

    def subject_for(self, q: Quantity, limit: int, cs: int, sent: Span, para: int) -> tuple[str | None, int | None]:
        """Nearest entity before the metric in the clause, a short noun phrase there, else earlier in the
        sentence, else the subject of the paragraph's previous fact."""
        t = self.text
        excluded = self._excluded(sent)
        share_at = t.rfind("占", cs, q.start)
        for e in self.ents_before(cs, limit):
            if self._usable(e, excluded) and not (share_at >= 0 and e.start > share_at):
                return e.text, e.start
        lo = self.date_end(cs, limit, cs)
        np_ = _strip(self.compact(lo, limit), self.r.strip)
        if np_.startswith(_DEMONSTRATIVE):  # 该关, 该口岸: the entity named last, even the source
            p0 = self.para_starts[para] if para >= 0 else 0
            for e in reversed(self.ents_in(p0, lo)):
                if e.label in ("LOC", "ORG"):
                    return e.text, None
        elif 2 <= len(np_) <= 8 and _NP.fullmatch(np_) and not np_.startswith(_BAD_NP_START) \
                and not self.r.not_np_re.search(np_):
            return np_.strip("“”\""), lo
        for e in self.ents_before(sent[0], cs):
            if e.label != "PRODUCT" and self._usable(e, excluded):
                return e.text, e.start
        if self.subject_rows.get(para):  # the paragraph's last fact with a subject of its own
            return self.subject_rows[para][-1].subject, None
        return None, None

    def period_for(self, q: Quantity, cs: int, sent: Span, para: int) -> tuple[str | None, str | None]:
        """A date in the clause, else earlier in the sentence, else the paragraph's last period."""
        ce = self.clause_end(q.end, sent[1])  # >= q.end: both ranges below lie in [sent[0], ce)
        d = None
        if bisect_left(self.date_starts, sent[0]) < bisect_left(self.date_starts, ce):  # most sentences have none
            d = self.date_near(cs, ce, q.start)
            if d is None:
                d = self.date_near(sent[0], q.start, q.start)
        if d is not None:
            return self._period(d)
        rows = self.period_rows.get(para)
        if rows:  # the paragraph's last period
            return rows[-1].period
        # a paragraph without dates of its own continues the one before it (从贸易方式看，…)
        p0 = self.doc.paragraphs[para][0] if 0 <= para < len(self.doc.paragraphs) else q.start
        if not self.any_date(p0, q.start) and self.period_rows.get(para - 1):
            return self.period_rows[para - 1][-1].period
        return None, None

    def _period(self, d: DateRec) -> tuple[str | None, str | None]:
        """The period a date gives (截至…: cumulative, only an end); once per date, many numbers share one."""
        got = self.periods.get(id(d))
        if got is None:
            lead = self.compact(max(0, d.start - 3), d.start)
            if d.text.startswith(self.r.cumulative) or lead.endswith(self.r.cumulative):
                got = None, d.value_end
            else:
                got = d.value_start, d.value_end
            self.periods[id(d)] = got
        return got

    # -- the walk
    def build(self) -> list[_Row]:
        t = self.text
        qs = sorted(self.doc.quantities, key=lambda q: q.start)
        by_sent: dict[int, list[Quantity]] = {}
        for q in qs:
            by_sent.setdefault(self.sent_of(q.start), []).append(q)
        for si, sq in sorted(by_sent.items()):
            if si < 0:
                continue
            sent = self.sents[si]
            sent_rows: list[_Row] = []
            pending: list[tuple[Quantity, dict[str, Any], int]] = []
            for qi, q in enumerate(sq):
                if id(q) in self.consumed or self.skip(q, sent):
                    continue
                cs = self.clause_start(sent[0], q.start)
                para = self.para_of(q.start)
                pre = self.compact(cs, q.start)  # the clause before the number: read by the change and before value
                ch = self.change_of(q, cs, pre)
                if ch is None and pending and pending[-1][0].end <= q.start and q.unit == pending[-1][0].unit \
                        and _compact(t[pending[-1][0].end:q.start]) in ("和", "、", "与", "及", "，"):
                    ch = {k: v for k, v in pending[-1][1].items() if k in ("kind", "average")}
                    ch.update(value=q.value, unit=q.unit, at=q.start)
                if ch is not None:
                    pending.append((q, ch, cs))
                    continue
                if pending:
                    self._flush(pending, sent_rows, si, para)
                    pending = []
                row = self.base_row(q, cs, pre, sent, si, para, sq, qi, sent_rows)
                sent_rows.append(row)
                self.add_row(row)
            if pending:
                self._flush(pending, sent_rows, si, self.para_of(sent[0]))
        return self.rows

    def base_row(self, q: Quantity, cs: int, pre: str, sent: Span, si: int, para: int, sq: list[Quantity], qi: int,
                 sent_rows: list[_Row]) -> _Row:
        """A new fact for ``q``: the ``qi``-th number of the sentence's numbers ``sq``, ``pre`` its clause before it."""
        row = _Row(q=q, sent=si, para=para, start=q.start, end=q.end)
        row.modifier = q.unit in _CLASSIFIERS and _IS_HAN.match(self.text, q.end) is not None
        bv = self.before_value(q, cs, pre, sq, qi)
        if bv is not None:
            kind, q0 = bv
            self.consumed.add(id(q0))
            self.drop_rows_of(q0)
            sent_rows[:] = [r for r in sent_rows if r.q is not q0]
            row.change = {"kind": kind, "value": abs(Decimal(q.value) - Decimal(q0.value)), "unit": q.unit,
                          "before": q0.value}
            row.start = min(row.start, q0.start)
        item = self.list_item(q, cs)
        if item is not None:
            row.subject, istart = item
            row.item = True
            row.start = min(row.start, istart)
            # the list's metric is that of the sentence's last row with this unit; the clause's own only failing that
            same = next((r for r in reversed(sent_rows) if r.q.unit == q.unit and r.metric), None)
            if same is not None:
                row.metric = same.metric
            else:
                metric = self.metric_for(q, cs, q.start, sent)[0]
                row.metric = metric if metric and metric != row.subject else None
        else:
            metric, mstart = self.metric_for(q, cs, q.start, sent)
            row.metric = metric
            row.subject, sstart = self.subject_for(q, mstart, cs, sent, para)
            if sstart is not None and sstart >= cs:
                row.start = min(row.start, sstart)
            row.start = min(row.start, mstart)
        row.period = self.period_for(q, cs, sent, para)
        return row

    def _flush(self, pending: list[tuple[Quantity, dict[str, Any], int]], sent_rows: list[_Row], si: int,
               para: int) -> None:
        """Attach the changes of a clause to the facts before them (分别: one each, in order)."""
        if not pending:
            return
        t = self.text
        resp = any(self.r.respectively in t[cs:q.start] for q, _, cs in pending)
        stated = [r for r in sent_rows if not r.modifier]
        targets: list[_Row | None] | None = None
        if resp and len(pending) > 1 and len(stated) >= len(pending):
            targets = list(stated[-len(pending):])
        last = stated[-1] if stated else None  # the sentence's last stated fact (rows appended below are stated)
        for k, (q, ch, cs) in enumerate(pending):
            at = ch.pop("at", q.start)
            if targets is not None:
                row = targets[k]
            else:
                row = last
                if row is not None and row.q.start < cs and self.metric_search(cs, at):
                    row = None  # 过货量较往年增长了40%: the clause names its own metric
            if row is not None and _attach(row, ch):
                row.end = max(row.end, q.end)
                continue
            new = _Row(q=q, sent=si, para=para, start=q.start, end=q.end, change=ch)
            sent = self.sents[si]
            new.metric, mstart = self.metric_for(q, cs, at, sent)
            new.subject, _ = self.subject_for(q, mstart, cs, sent, para)
            new.period = self.period_for(q, cs, sent, para)
            new.start = min(new.start, mstart)
            sent_rows.append(new)
            self.add_row(new)
            last = new


_PRIMARY = {"yoy": 0, "increase": 1, "decrease": 1, "share": 2}


def _attach(row: _Row, ch: dict[str, Any]) -> bool:
    """Put a change on a row.  The main change (yoy before increase/decrease before share) gives
    ``kind``/``value``/``unit``; the others are kept under their kind name (``share``, ``share_of`` …)."""
    if row.change is None:
        row.change = dict(ch)
        return True
    kind = ch["kind"]
    if row.change.get("kind") == kind or kind in row.change:
        return False
    main, other = (dict(ch), row.change) if _PRIMARY.get(kind, 3) < _PRIMARY.get(row.change["kind"], 3) \
        else (row.change, ch)
    main[other["kind"]] = other["value"]
    for k, v in other.items():
        if k not in ("kind", "value", "unit"):
            main[f"{other['kind']}_{k}"] = v
    row.change = main
    return True


# --------------------------------------------------------------------------------------------- records


def fact_key(subject: str | None, metric: str | None, value: Any, unit: str | None,
             period: tuple[str | None, str | None]) -> str:
    v = Decimal(value).normalize() if value is not None else None
    return f"{subject!s}|{metric!s}|{v!s}|{unit!s}|{period[0]!s}|{period[1]!s}"


def fact_id(key: str) -> str:
    return "f" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def extract(doc: Doc) -> list[Fact]:
    """Facts of one document; the same fact stated twice in it is one Fact with two mentions."""
    if not doc.quantities or not doc.text:
        return []
    builder = _Builder(doc)
    rows = builder.build()
    out: dict[str, Fact] = {}
    starts: dict[str, set[int]] = {}  # key -> starts of its mentions
    sentences: dict[int, str] = {}
    for row in rows:
        q = row.q
        if row.metric is None and row.change is None and (q.unit or "").isascii():
            continue  # 200元, 24小时: a number with nothing to say what it measures
        key = fact_key(row.subject, row.metric, q.value, q.unit, row.period)
        s, e = row.start, max(row.end, q.end)
        if key in out:
            f = out[key]
            if s not in starts[key]:
                starts[key].add(s)
                f.mentions.append(_mention(doc, s, e))
            if f.change is None and row.change is not None:
                f.change = row.change
            continue
        if row.sent not in sentences:
            ss, se = builder.sents[row.sent] if 0 <= row.sent < len(builder.sents) else (0, 0)
            sentences[row.sent] = _compact_ws(doc.text[ss:se])
        starts[key] = {s}
        out[key] = Fact(id=fact_id(key), subject=row.subject, metric=row.metric, value=q.value, value_max=q.value_max,
                        unit=q.unit, approx=q.approx, period_start=row.period[0], period_end=row.period[1],
                        change=row.change, sentence=sentences[row.sent], mentions=[_mention(doc, s, e)],
                        doc_id=doc.doc_id)
    return list(out.values())


def _mention(doc: Doc, s: int, e: int) -> Mention:
    """A mention of ``doc.text[s:e]``, with its raw span."""
    rs, re_ = doc.raw_span(s, e)
    return Mention(doc_id=doc.doc_id, start=s, end=e, raw_start=rs, raw_end=re_)


def _compact_ws(s: str) -> str:
    """``s`` without its line breaks (and the blanks around them) and stripped."""
    return _LINE_BREAK.sub("", s).strip() if "\n" in s else s.strip()


def merge(docs: list[Doc]) -> list[Fact]:
    """One row per distinct fact across passages and the versions of one article.

    Equal facts (same subject, metric, value, unit, period) merge into one row whose mentions point
    into every document that states them; the first document in input order supplies the sentence.
    """
    out: dict[str, Fact] = {}
    seen: dict[str, set[tuple[str, int]]] = {}  # key -> (doc_id, start) of the row's mentions
    for d in docs:
        for f in d.facts:
            key = fact_key(f.subject, f.metric, f.value, f.unit, (f.period_start, f.period_end))
            if key not in out:
                out[key] = Fact(id=f.id, subject=f.subject, metric=f.metric, value=f.value, value_max=f.value_max,
                                unit=f.unit, approx=f.approx, period_start=f.period_start, period_end=f.period_end,
                                change=f.change, sentence=f.sentence, mentions=list(f.mentions), doc_id=f.doc_id)
                seen[key] = {(m.doc_id, m.start) for m in f.mentions}
                continue
            g = out[key]
            new = [m for m in f.mentions if (m.doc_id, m.start) not in seen[key]]
            g.mentions.extend(new)
            seen[key].update((m.doc_id, m.start) for m in new)
            if g.change is None and f.change is not None:
                g.change = f.change
    return list(out.values())

