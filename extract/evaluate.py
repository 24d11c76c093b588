"""``zh-extract evaluate GOLD_DIR ARTICLE_DIR``: how accurate the pipeline is on annotated articles.

Gold is one JSONL file per article in the format of ``../shared/dev/GOLD_FORMAT.md``
(``NAME.jsonl`` for the article ``NAME.txt``; ``NAME_v2.diff.jsonl`` holds the ``version_diff`` and
``fact_change`` lines for the pair ``NAME.txt`` / ``NAME_v2.txt``).  The articles are run through the
normal pipeline in one batch (:func:`extract.batch.run`, inline, into a temporary folder) and the JSONL
files a user would get are scored.  Definitions, so that a figure means one thing:

**Placing gold.**  Gold texts are looked up in the cleaned text (``documents.jsonl`` ``text``), both
sides folded one character for one (full-width space, ，：；（）！？ to their ASCII forms) so that
offsets stay exact.  Quantity and date texts are placed longest first; the k-th gold line with text T
takes the k-th occurrence of T that does not continue a number (20个 is not inside 120个: the character
before a leading digit or Chinese numeral is none of those nor a decimal point or thousands comma, and
likewise after a trailing one), that does not overlap a place taken by a longer text (今年 is not
inside 今年1月中旬) and that is not inside the second or later copy of a repeated passage (a ``repeat``
line: the first 40 characters of the passage; a copy runs to the end of its line).  A text that is not in
the cleaned text but is in the article after the pipeline's own normalisation (cleaned characters,
width, script: e.g. a line the cleaner dropped) is a MISS; a text found in neither is bad gold.
An ``ignore`` text covers all its occurrences except those inside a placed gold text.

**Quantities** (P/R/F1).  One-to-one matching, in two passes: first exact places (same span, hence
the same text), then a system record overlapping the gold place whose value is within 0.5 % of the gold
value; each pass takes the gold lines in document order and gives each the first free system record in
document order.  System records inside a repeated copy count neither way, and so do *unmatched* ones
overlapping an ignore text.  ``quantities.attributes``: the share of matched pairs whose value, value_max
(both null, or equal) and unit are all the gold's (exactly: 0.5 % is for pairing, not for being right).
Per unit class (``rules/evaluate.toml``: money, percent, duration, measure, count): recall over the
gold lines of the class (by gold unit), precision over the system records of the class (by system unit).

**Dates** (P/R/F1).  ``dates``: overlapping the gold place with value_start/value_end equal to the gold
start/end (exact places first, then overlaps, as above); ``dates.span``: overlapping only.

**Names** (P/R/F1).  Per document, the set of distinct gold names of a kind against the set of distinct
``text`` of system entities labelled PERSON / ORG / LOC; summed over documents.

**Facts** (recall).  The system facts of a document are the ``facts.jsonl`` rows with a mention in it.
A gold fact is found when a system fact (each used once, first in file order) has a value within 0.5 %,
the same unit and a subject sharing at least two consecutive characters with the gold subject;
``facts.period`` also wants period_start and period_end equal.  ``facts.no_subject``: the share of the
document's system facts with no subject.  No fact precision: the gold lists the headline facts only.

**Document metadata.**  ``published`` (date part), ``ref_date`` (the reference date relative dates were
resolved against: with ``--ref-date-from-gold`` the gold one by construction), ``title`` (folded, blanks
collapsed) and ``outlet`` (the gold doc line's ``source`` against the record's ``outlet``, else ``site``):
tp when both are set and equal, sys / gold when set; ``authors``: P/R/F1 of the author sets, summed over
documents.

**Versions.**  Each pair is diffed with :func:`extract.diff.diff_docs` (what ``zh-extract diff --format
json`` prints) on the two articles processed one by one, as that command does.  Its *change items* are
the non-noise character edits of ``changed`` sentence pairs and the ``removed`` and ``added`` sentences.
A ``version_diff`` fragment is *found* when some change item touches it: the item's old side overlaps the
fragment's place in v1, or its new side overlaps the fragment's place in v2 (an empty side, an insertion
point p, touches a place [s, e) when s <= p <= e).  ``versions.fragments``: R = found fragments / gold
fragments, P = change items touching some fragment / change items.  A ``fact_change`` row is *found* when
a row of the diff's ``facts`` has old and new values within 0.5 % of the gold
old_value / new_value (null exactly where the gold is null: added or removed), the gold unit on each side
that has a value, and either a subject sharing two consecutive characters with the gold subject or a
metric (looked up by fact id) sharing two with the gold metric, on either side.  ``versions.fact_changes``:
R = found / gold, P = rows stating some gold fact_change / rows (not one to one: an article may state a
changed figure twice, in its headline and its body, where gold lists the change once).

**Bad gold** (a line that does not parse, a missing or mistyped field, an unknown type, a text not in
its article, a gold file without its article) is reported as ``file:line: what is wrong`` (problems of a
whole file at its doc line, else line 1) and left out; the rest is scored.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

Report = Callable[[str], None]
Span = tuple[int, int]
Rec = dict[str, Any]

KNOWN_TYPES = ("doc", "quantity", "date", "ignore", "person", "org", "loc", "fact", "repeat", "boilerplate",
               "caption", "noise", "version_diff", "fact_change")
NAME_LABELS = {"person": "PERSON", "org": "ORG", "loc": "LOC"}
TOLERANCE = 0.005  # values within 0.5 % are the same value
UNIT_CLASSES = ("money", "percent", "duration", "measure", "count")
DIFF_SUFFIX = ".diff.jsonl"

# One character for one, so positions in the folded text are positions in the text.
_FOLD = str.maketrans({"\u3000": " ", "\xa0": " ", "\t": " ", "，": ",", "：": ":", "；": ";", "（": "(",
                       "）": ")", "！": "!", "？": "?", "％": "%"})
_NUMERAL = frozenset("0123456789〇零一二两三四五六七八九十百千万亿")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def fold(text: str) -> str:
    """The text as compared with gold: same length, blanks and full-width marks folded."""
    return text.translate(_FOLD)


# ============================================================================================ gold files


@dataclass(slots=True)
class Line:
    """One gold line: its number in the file, its type and the parsed object."""

    n: int
    type: str
    rec: Rec


@dataclass
class GoldFile:
    """A gold file as read: the good lines (bad ones were reported) and its doc line."""

    path: Path
    lines: list[Line] = field(default_factory=list)
    doc: Line | None = None

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def stem(self) -> str:
        n = self.path.name
        return n[: -len(DIFF_SUFFIX)] if n.endswith(DIFF_SUFFIX) else self.path.stem

    @property
    def is_diff(self) -> bool:
        return self.path.name.endswith(DIFF_SUFFIX)

    @property
    def head(self) -> int:
        """The line that file-level problems are reported at."""
        return self.doc.n if self.doc else 1

    def of(self, *types: str) -> list[Line]:
        return [ln for ln in self.lines if ln.type in types]


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_iso(v: Any) -> bool:
    if not isinstance(v, str) or len(v) < 10:
        return False
    try:
        date.fromisoformat(v[:10])
    except ValueError:
        return False
    return len(v) == 10 or v[10] in " T"


_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: isinstance(v, str) and bool(v), "a non-empty string"),
    "str?": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "num": (_is_num, "a number"),
    "num?": (lambda v: v is None or _is_num(v), "a number or null"),
    "date": (_is_iso, "an ISO date"),
    "date?": (lambda v: v is None or _is_iso(v), "an ISO date or null"),
    "int?": (lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v > 0), "a positive integer"),
    "strs?": (lambda v: v is None or (isinstance(v, list) and all(isinstance(x, str) for x in v)), "a list of strings"),
}
# field -> check, per type (a missing field is null; types not listed have no checked field)
_SPEC: dict[str, dict[str, str]] = {
    "doc": {"ref_date": "date?", "published": "date?", "title": "str?", "source": "str?", "authors": "strs?"},
    "quantity": {"text": "str", "value": "num", "value_max": "num?", "unit": "str?"},
    "date": {"text": "str", "start": "date", "end": "date"},
    "ignore": {"text": "str"}, "person": {"text": "str"}, "org": {"text": "str"}, "loc": {"text": "str"},
    "repeat": {"text": "str", "times": "int?"},
    "fact": {"value": "num", "unit": "str?", "subject": "str?", "period_start": "date?", "period_end": "date?"},
    "version_diff": {"old": "str", "new": "str"},
    "fact_change": {"unit": "str?", "old_value": "num?", "new_value": "num?", "subject": "str?", "metric": "str?"},
}


def line_problem(rec: Any) -> str | None:
    """What is wrong with one parsed gold line, or None."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    t = rec.get("type")
    if t not in KNOWN_TYPES:
        return f"unknown type {t!r}"
    for name, check in _SPEC.get(t, {}).items():
        ok, what = _CHECKS[check]
        if not ok(rec.get(name)):
            return f"{t}: field {name!r} must be {what}"
    if t == "fact_change" and rec.get("old_value") is None and rec.get("new_value") is None:
        return "fact_change: old_value and new_value are both null"
    return None


def read_gold(path: Path, report: Report) -> GoldFile:
    """Parse a gold file; every bad line is reported as ``file:line: ...`` and left out."""
    gf = GoldFile(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        report(f"{gf.name}:1: unreadable ({e})")
        return gf
    for n, text in enumerate(raw.splitlines(), 1):
        if not text.strip():
            continue
        try:
            rec = json.loads(text)
        except ValueError as e:
            report(f"{gf.name}:{n}: not valid JSON ({getattr(e, 'msg', e)})")
            continue
        problem = line_problem(rec)
        if problem:
            report(f"{gf.name}:{n}: {problem}")
        elif rec["type"] == "doc" and gf.doc is not None:
            report(f"{gf.name}:{n}: a second doc line (ignored)")
        elif rec["type"] == "doc":
            gf.doc = Line(n, "doc", rec)
        else:
            gf.lines.append(Line(n, rec["type"], rec))
    return gf


# ============================================================================================ scores


@dataclass
class Score:
    """Counts behind P/R/F1: gold items found (tp), system items, system items right, gold items."""

    tp: int = 0
    sys: int = 0
    gold: int = 0
    sys_tp: int = 0  # system items counted right (tp itself for one-to-one matching)
    has_p: bool = True  # False: precision is not defined for this measure

    def add(self, o: Score) -> None:
        self.tp += o.tp
        self.sys += o.sys
        self.gold += o.gold
        self.sys_tp += o.sys_tp
        self.has_p = self.has_p and o.has_p

    @property
    def p(self) -> float | None:
        return self.sys_tp / self.sys if self.has_p and self.sys else None

    @property
    def r(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.p, self.r
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> Rec:
        return {"p": _round(self.p), "r": _round(self.r), "f1": _round(self.f1), "tp": self.tp,
                "sys": self.sys, "gold": self.gold, **({"sys_tp": self.sys_tp} if self.sys_tp != self.tp else {})}


@dataclass
class Share:
    """A proportion: n of ``of``."""

    n: int = 0
    of: int = 0

    def add(self, o: Share) -> None:
        self.n += o.n
        self.of += o.of

    @property
    def value(self) -> float | None:
        return self.n / self.of if self.of else None

    def to_json(self) -> Rec:
        return {"share": _round(self.value), "n": self.n, "of": self.of}


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def one_to_one(tp: int, sys: int, gold: int) -> Score:
    return Score(tp=tp, sys=sys, gold=gold, sys_tp=tp)


@dataclass
class DocResult:
    """The scores and errors of one gold file."""

    name: str
    scores: dict[str, Score | Share] = field(default_factory=dict)
    errors: list[Rec] = field(default_factory=list)


@dataclass
class Result:
    """All gold files: per document, totals, errors and bad-gold messages."""

    docs: list[DocResult] = field(default_factory=list)
    bad_gold: list[str] = field(default_factory=list)
    ref_date_from_gold: bool = False

    def totals(self) -> dict[str, Score | Share]:
        out: dict[str, Score | Share] = {}
        for d in self.docs:
            for k, v in d.scores.items():
                if k not in out:
                    out[k] = type(v)() if isinstance(v, Share) else Score(has_p=v.has_p)
                out[k].add(v)  # type: ignore[arg-type]
        return {k: out[k] for k in sorted(out, key=_measure_order)}

    def errors(self) -> list[Rec]:
        return [e for d in self.docs for e in d.errors]


# ============================================================================================ helpers


def close(a: Any, b: Any, tolerance: float = TOLERANCE) -> bool:
    """Within 0.5 % (or ``tolerance``) of ``b`` (null only equals null)."""
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    return abs(a - b) <= tolerance * abs(b) if b else abs(a) <= 1e-12


def same(a: Any, b: Any) -> bool:
    """The same value (up to float rounding)."""
    return close(a, b, 1e-9)


def share_bigram(a: str | None, b: str | None) -> bool:
    """True when ``a`` and ``b`` share at least two consecutive characters (a one-character ``a``: inside b)."""
    if not a or not b:
        return False
    if len(a) < 2:
        return a in b
    return any(a[i:i + 2] in b for i in range(len(a) - 1))


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def occurrences(text: str, needle: str) -> list[Span]:
    """Every (also overlapping) place of ``needle`` in ``text``."""
    out: list[Span] = []
    i = text.find(needle) if needle else -1
    while i >= 0:
        out.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return out


def continues_number(text: str, s: int, e: int) -> bool:
    """True when ``text[s:e]`` starts or ends inside a longer number (20个 inside 120个, 3 inside 3.5)."""

    def num_at(i: int, step: int) -> bool:
        if not 0 <= i < len(text):
            return False
        c = text[i]
        if c in _NUMERAL:
            return True
        j = i + step
        return c in ".," and 0 <= j < len(text) and text[j].isdigit()

    return (text[s] in _NUMERAL and num_at(s - 1, -1)) or (text[e - 1] in _NUMERAL and num_at(e, 1))


def sentence_at(text: str, span: Span) -> str:
    """The sentence(s) of ``text`` around ``span`` (the project's own sentence splitter)."""
    from extract.segment import paragraphs, sentences

    s, e = span
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", e)
    le = len(text) if le < 0 else le
    parts = [x for p in paragraphs(text[ls:le]) for x in sentences(text[ls:le], p)]
    hit = [(a + ls, b + ls) for a, b in parts if a + ls < max(e, s + 1) and s < b + ls]
    if not hit:
        return text[ls:le].strip()
    return text[hit[0][0]:hit[-1][1]].strip()


@cache
def unit_classes() -> dict[str, str]:
    """Unit -> class: every unit of the numbers lexicon by its kind (``units.toml``, ``currencies.toml``), so
    a unit added there is classed here too; then ``rules/evaluate.toml``'s own lists (units written as gold
    writes them).  Units in no class are ``count``."""
    from extract.rules import load_toml

    cfg = load_toml("evaluate")
    by_kind = cfg["kind_class"]
    out = {u["canonical"]: by_kind[u["kind"]] for f in ("numbers/units", "numbers/currencies")
           for u in load_toml(f)["unit"] if u["kind"] in by_kind and u["canonical"] != "*"}
    out.update((u, cls) for cls, units in cfg["classes"].items() for u in units)
    return out


def unit_class(unit: str | None) -> str:
    return unit_classes().get(unit or "", "count")


# ============================================================================================ the run


@dataclass
class SysDoc:
    """One document of the pipeline's output: its record and its records of every kind."""

    record: Rec
    quantities: list[Rec] = field(default_factory=list)
    dates: list[Rec] = field(default_factory=list)
    entities: list[Rec] = field(default_factory=list)
    facts: list[Rec] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.record.get("text") or ""


def _jsonl(path: Path) -> Iterable[Rec]:
    if path.is_file():
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def read_outputs(out: Path) -> dict[str, SysDoc]:
    """A run folder's records grouped by document, keyed by the document's ``source``."""
    by_id: dict[str, SysDoc] = {}
    for rec in _jsonl(out / "documents.jsonl"):
        by_id[rec["doc_id"]] = SysDoc(rec)
    for kind in ("quantities", "dates", "entities"):
        for rec in _jsonl(out / f"{kind}.jsonl"):
            if rec.get("doc_id") in by_id:
                getattr(by_id[rec["doc_id"]], kind).append(rec)
    for rec in _jsonl(out / "facts.jsonl"):
        for doc_id in dict.fromkeys(m.get("doc_id") for m in rec.get("mentions") or []):
            if doc_id in by_id:
                by_id[doc_id].facts.append(rec)
    return {d.record.get("source"): d for d in by_id.values()}


def run_pipeline(paths: list[str], forced: dict[str, str], report: Report) -> dict[str, SysDoc]:
    """The normal pipeline over ``paths`` in one inline batch into a temporary folder, read back."""
    from extract import batch, pipeline

    opts = pipeline.Options(forced_ref_dates=forced)
    cfg = batch.RunConfig(workers=1, engine="inline", quiet=True, progress=False)
    with tempfile.TemporaryDirectory(prefix="zh-extract-evaluate-") as tmp:
        batch.run(paths, Path(tmp), opts, cfg, report=report)
        return read_outputs(Path(tmp))


def normalised_text(path: str) -> str:
    """The article after the pipeline's own normalisation only (characters, width, script; no line cleaning)."""
    from extract import pipeline
    from extract.ingest import InputError, read_file

    for doc in read_file(Path(path)):
        if isinstance(doc, InputError):
            return ""
        return pipeline.run(doc, steps=pipeline.stages(stop="normalise")).text
    return ""


# ============================================================================================ placing


@dataclass
class Context:
    """What scoring one document needs: texts, where gold sits, and where records do not count."""

    gold: GoldFile
    text: str  # cleaned text (documents.jsonl)
    norm: str  # the article after normalisation only
    report: Report
    folded: str = ""
    norm_folded: str = ""
    repeats: list[Span] = field(default_factory=list)  # second and later copies of repeated passages
    ignores: list[Span] = field(default_factory=list)
    places: dict[int, Span | None] = field(default_factory=dict)  # gold line number -> place (None: MISS)
    bad: set[int] = field(default_factory=set)  # gold lines left out (reported)
    article: str = "the article"

    def __post_init__(self) -> None:
        self.folded, self.norm_folded = fold(self.text), fold(self.norm)

    def in_article(self, ln: Line, text: str) -> bool:
        """Whether a gold text is in the article at all; reports bad gold (and remembers it) when it is not."""
        t = fold(text)
        if t in self.folded or t in self.norm_folded:
            return True
        self.report(f"{self.gold.name}:{ln.n}: {ln.type} text {text!r} not in {self.article}")
        self.bad.add(ln.n)
        return False

    def good(self, *types: str) -> list[Line]:
        """The gold lines of some types, less those found bad."""
        return [ln for ln in self.gold.of(*types) if ln.n not in self.bad]

    def excluded(self, rec: Rec) -> bool:
        """A system record inside a repeated copy: it counts neither way."""
        return any(overlaps((rec["start"], rec["end"]), z) for z in self.repeats)

    def ignored(self, rec: Rec) -> bool:
        return any(overlaps((rec["start"], rec["end"]), z) for z in self.ignores)


def find_repeats(ctx: Context) -> None:
    """The second and later copies of each repeated passage, to the end of their line."""
    for ln in ctx.gold.of("repeat"):
        if not ctx.in_article(ln, ln.rec["text"]):
            continue
        for s, _ in occurrences(ctx.folded, fold(ln.rec["text"]))[1:]:
            e = ctx.text.find("\n", s)
            ctx.repeats.append((s, len(ctx.text) if e < 0 else e))


def place_gold(ctx: Context, lines: list[Line]) -> None:
    """Place quantity and date lines: longest text first, k-th line of a text at its k-th free occurrence."""
    groups: dict[str, list[Line]] = {}
    for ln in lines:
        if ctx.in_article(ln, ln.rec["text"]):
            groups.setdefault(fold(ln.rec["text"]), []).append(ln)
    taken: list[Span] = []
    for t in sorted(groups, key=lambda t: (-len(t), groups[t][0].n)):
        free = [sp for sp in occurrences(ctx.folded, t)
                if not continues_number(ctx.folded, *sp)
                and not any(overlaps(sp, z) for z in ctx.repeats)
                and not any(overlaps(sp, z) for z in taken)]
        for k, ln in enumerate(groups[t]):
            ctx.places[ln.n] = free[k] if k < len(free) else None
        taken.extend(free[: len(groups[t])])


def find_ignores(ctx: Context) -> None:
    """Every occurrence of each ignore text, except those inside a placed gold text."""
    placed = [sp for sp in ctx.places.values() if sp is not None]
    for ln in ctx.gold.of("ignore"):
        if not ctx.in_article(ln, ln.rec["text"]):
            continue
        for sp in occurrences(ctx.folded, fold(ln.rec["text"])):
            if not any(a <= sp[0] and sp[1] <= b for a, b in placed):
                ctx.ignores.append(sp)


# ============================================================================================ span kinds

MatchTest = Callable[[Span, Rec, Rec], bool]


def match_spans(golds: list[tuple[Span, Rec]], syss: list[Rec], tests: list[MatchTest]) -> dict[int, int]:
    """Gold index -> system index, one to one: each test in turn, gold lines in document order each
    taking the first free system record in document order that passes it."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    g_order = sorted(range(len(golds)), key=lambda i: golds[i][0])
    s_order = sorted(range(len(syss)), key=lambda j: (syss[j]["start"], syss[j]["end"]))
    for test in tests:
        for i in g_order:
            if i in pairs:
                continue
            for j in s_order:
                if j not in used and test(golds[i][0], golds[i][1], syss[j]):
                    pairs[i] = j
                    used.add(j)
                    break
    return pairs


def _exact(sp: Span, g: Rec, s: Rec) -> bool:
    return (s["start"], s["end"]) == sp


def _near(sp: Span, g: Rec, s: Rec) -> bool:
    return overlaps(sp, (s["start"], s["end"]))


def _same_dates(g: Rec, s: Rec) -> bool:
    return s.get("value_start") == g["start"] and s.get("value_end") == g["end"]


QUANTITY_TESTS: list[MatchTest] = [_exact, lambda sp, g, s: _near(sp, g, s) and close(s.get("value"), g["value"])]
DATE_TESTS: list[MatchTest] = [lambda sp, g, s: _exact(sp, g, s) and _same_dates(g, s),
                               lambda sp, g, s: _near(sp, g, s) and _same_dates(g, s)]
SPAN_TESTS: list[MatchTest] = [_exact, _near]


@dataclass
class SpanMatch:
    """The outcome of matching one kind of span records: who matched whom, and what counts."""

    lines: list[Line]  # every gold line of the kind (placed or not)
    syss: list[Rec]  # system records outside repeated copies
    pairs: dict[int, int]  # index in ``lines`` -> index in ``syss``
    counted: list[bool]  # per system record: counts (matched, or unmatched and not ignored)

    def score(self) -> Score:
        return one_to_one(len(self.pairs), sum(self.counted), len(self.lines))


def match_kind(ctx: Context, lines: list[Line], records: list[Rec], tests: list[MatchTest]) -> SpanMatch:
    """Match the placed gold lines of one kind against the system records that count."""
    syss = [r for r in records if not ctx.excluded(r)]
    placed = [(i, ctx.places[ln.n]) for i, ln in enumerate(lines) if ctx.places.get(ln.n)]
    golds = [(sp, lines[i].rec) for i, sp in placed if sp is not None]
    raw = match_spans(golds, syss, tests)
    pairs = {placed[gi][0]: sj for gi, sj in raw.items()}
    matched = set(pairs.values())
    counted = [j in matched or not ctx.ignored(r) for j, r in enumerate(syss)]
    return SpanMatch(lines, syss, pairs, counted)


def quantity_attrs_ok(g: Rec, s: Rec) -> bool:
    return same(s.get("value"), g["value"]) and same(s.get("value_max"), g.get("value_max")) \
        and s.get("unit") == g.get("unit")


def per_class(m: SpanMatch) -> dict[str, Score]:
    """Recall by gold unit class and precision by system unit class."""
    out = {c: Score() for c in UNIT_CLASSES}
    for i, ln in enumerate(m.lines):
        sc = out[unit_class(ln.rec.get("unit"))]
        sc.gold += 1
        sc.tp += i in m.pairs
    matched = set(m.pairs.values())
    for j, r in enumerate(m.syss):
        if m.counted[j]:
            sc = out[unit_class(r.get("unit"))]
            sc.sys += 1
            sc.sys_tp += j in matched
    return {f"quantities.{c}": s for c, s in out.items() if s.gold or s.sys}


# ============================================================================================ errors


def _num(v: Any) -> str:
    if v is None:
        return "-"
    f = float(v)
    return str(int(f)) if f.is_integer() and abs(f) < 1e18 else repr(f)


def gold_view(kind: str, g: Rec) -> Rec:
    if kind == "dates":
        return {"text": g["text"], "start": g["start"], "end": g["end"]}
    return {"text": g["text"], "value": g["value"], "value_max": g.get("value_max"), "unit": g.get("unit")}


def sys_view(kind: str, s: Rec) -> Rec:
    if kind == "dates":
        return {"text": s.get("text"), "start": s.get("value_start"), "end": s.get("value_end"),
                "at": [s["start"], s["end"]]}
    return {"text": s.get("text"), "value": s.get("value"), "value_max": s.get("value_max"), "unit": s.get("unit"),
            "at": [s["start"], s["end"]]}


def _error(ctx: Context, kind: str, what: str, gold: Rec | None, system: Rec | None, sentence: str,
           line: int | None = None, note: str | None = None) -> Rec:
    out = {"doc": ctx.gold.stem, "kind": kind, "what": what, "gold": gold, "system": system, "sentence": sentence}
    if line is not None:
        out["line"] = line
    if note:
        out["note"] = note
    return out


def span_errors(ctx: Context, kind: str, m: SpanMatch, attrs_ok: Callable[[Rec, Rec], bool] | None) -> list[Rec]:
    """Every miss (with the system record that overlaps it, if any), false record and wrong attribute."""
    out: list[Rec] = []
    matched = set(m.pairs.values())
    shown: set[int] = set()
    for i, ln in enumerate(m.lines):
        g, sp = ln.rec, ctx.places.get(ln.n)
        if i in m.pairs:
            s = m.syss[m.pairs[i]]
            if attrs_ok is not None and not attrs_ok(g, s):
                out.append(_error(ctx, kind, "wrong", gold_view(kind, g), sys_view(kind, s),
                                  sentence_at(ctx.text, sp or (s["start"], s["end"])), ln.n))
            continue
        if sp is None:
            at = occurrences(ctx.norm_folded, fold(g["text"]))
            where = sentence_at(ctx.norm, at[0]) if at else ""
            out.append(_error(ctx, kind, "miss", gold_view(kind, g), None, where, ln.n, "not in the cleaned text"))
            continue
        near = next((j for j, s in enumerate(m.syss) if j not in matched and j not in shown
                     and overlaps(sp, (s["start"], s["end"]))), None)
        if near is not None:
            shown.add(near)
        out.append(_error(ctx, kind, "miss", gold_view(kind, g), None if near is None else sys_view(kind, m.syss[near]),
                          sentence_at(ctx.text, sp), ln.n))
    for j, s in enumerate(m.syss):
        if j not in matched and j not in shown and m.counted[j]:
            where = sentence_at(ctx.text, (s["start"], s["end"]))
            out.append(_error(ctx, kind, "false", None, sys_view(kind, s), where))
    return out


# ============================================================================================ documents


def score_spans(ctx: Context, sd: SysDoc, res: DocResult) -> None:
    """Quantities (with attributes and unit classes) and dates (with values, and span only)."""
    qlines, dlines = ctx.good("quantity"), ctx.good("date")
    qm = match_kind(ctx, qlines, sd.quantities, QUANTITY_TESTS)
    res.scores["quantities"] = qm.score()
    res.scores["quantities.attributes"] = Share(
        sum(quantity_attrs_ok(qlines[i].rec, qm.syss[j]) for i, j in qm.pairs.items()), len(qm.pairs))
    res.scores.update(per_class(qm))
    dm = match_kind(ctx, dlines, sd.dates, DATE_TESTS)
    res.scores["dates"] = dm.score()
    res.scores["dates.span"] = match_kind(ctx, dlines, sd.dates, SPAN_TESTS).score()
    res.errors += span_errors(ctx, "quantities", qm, quantity_attrs_ok)
    res.errors += span_errors(ctx, "dates", dm, None)


def score_names(ctx: Context, sd: SysDoc, res: DocResult) -> None:
    """Distinct names per kind: the gold set against the set of system entity texts with the label."""
    for kind, label in NAME_LABELS.items():
        gold = {fold(ln.rec["text"]) for ln in ctx.gold.of(kind) if ctx.in_article(ln, ln.rec["text"])}
        sys_ = {fold(e.get("text") or "") for e in sd.entities if e.get("label") == label} - {""}
        res.scores[kind] = one_to_one(len(gold & sys_), len(sys_), len(gold))
        for what, names in (("miss", sorted(gold - sys_)), ("false", sorted(sys_ - gold))):
            for name in names:
                at = occurrences(ctx.folded, name)
                view = {"text": name}
                res.errors.append(_error(ctx, kind, what, view if what == "miss" else None,
                                         view if what == "false" else None,
                                         sentence_at(ctx.text, at[0]) if at else ""))


def fact_ok(g: Rec, s: Rec, period: bool) -> bool:
    """A system fact states a gold fact: value within 0.5 %, same unit, subjects sharing two characters."""
    if not (close(s.get("value"), g["value"]) and s.get("unit") == g.get("unit")):
        return False
    if g.get("subject") and not share_bigram(g["subject"], s.get("subject")):
        return False
    return not period or (s.get("period_start") == g.get("period_start")
                          and s.get("period_end") == g.get("period_end"))


def match_facts(golds: list[Rec], syss: list[Rec], period: bool) -> dict[int, int]:
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for i, g in enumerate(golds):
        j = next((j for j, s in enumerate(syss) if j not in used and fact_ok(g, s, period)), None)
        if j is not None:
            pairs[i] = j
            used.add(j)
    return pairs


def fact_view(f: Rec | None) -> Rec | None:
    if f is None:
        return None
    return {k: f.get(k) for k in ("subject", "metric", "value", "unit", "period_start", "period_end")}


def score_facts(ctx: Context, sd: SysDoc, res: DocResult) -> None:
    """Fact recall (subject + value + unit, then with the period too) and facts emitted without a subject."""
    lines = ctx.gold.of("fact")
    golds = [ln.rec for ln in lines]
    base, with_period = match_facts(golds, sd.facts, False), match_facts(golds, sd.facts, True)
    res.scores["facts"] = Score(tp=len(base), sys=len(sd.facts), gold=len(golds), has_p=False)
    res.scores["facts.period"] = Score(tp=len(with_period), sys=len(sd.facts), gold=len(golds), has_p=False)
    res.scores["facts.no_subject"] = Share(sum(not f.get("subject") for f in sd.facts), len(sd.facts))
    for i, ln in enumerate(lines):
        if i in with_period:
            continue
        s = sd.facts[base[i]] if i in base else next(
            (f for f in sd.facts if close(f.get("value"), ln.rec["value"]) and f.get("unit") == ln.rec.get("unit")),
            None)
        res.errors.append(_error(ctx, "facts", "period" if i in base else "miss", fact_view(ln.rec), fact_view(s),
                                 (s or {}).get("sentence") or "", ln.n))


def _title_key(t: Any) -> str | None:
    return re.sub(r"\s+", " ", fold(t)).strip() or None if isinstance(t, str) else None


def score_metadata(ctx: Context, sd: SysDoc, res: DocResult) -> None:
    """Published date, reference date, title, outlet (tp when set on both sides and equal), authors as sets."""
    if ctx.gold.doc is None:
        return
    g, r = ctx.gold.doc.rec, sd.record
    pairs = {
        "published": ((g.get("published") or "")[:10] or None, (r.get("published") or "")[:10] or None),
        "ref_date": ((g.get("ref_date") or "")[:10] or None, (r.get("ref_date") or "")[:10] or None),
        "title": (_title_key(g.get("title")), _title_key(r.get("title"))),
        "outlet": (g.get("source"), r["outlet"] if "outlet" in r else r.get("site")),
    }
    for key, (gv, sv) in pairs.items():
        res.scores[key] = one_to_one(int(gv is not None and gv == sv), int(sv is not None), int(gv is not None))
        if gv != sv:
            what = "wrong" if gv is not None and sv is not None else ("miss" if gv is not None else "false")
            res.errors.append(_error(ctx, key, what, {"text": gv}, {"text": sv}, "", ctx.gold.doc.n))
    ga, sa = set(g.get("authors") or []), set(r.get("authors") or [])
    res.scores["authors"] = one_to_one(len(ga & sa), len(sa), len(ga))
    if ga != sa:
        what = "miss" if not sa else ("false" if not ga else "wrong")
        res.errors.append(_error(ctx, "authors", what, {"text": sorted(ga)}, {"text": sorted(sa)}, "",
                                 ctx.gold.doc.n))


def score_document(gf: GoldFile, sd: SysDoc | None, norm: str, report: Report) -> DocResult:
    """Every measure of one article's gold file against the pipeline's records of the article."""
    sd = sd or SysDoc({"text": ""})
    ctx = Context(gf, sd.text, norm, report)
    for ln in gf.of("version_diff", "fact_change"):
        report(f"{gf.name}:{ln.n}: {ln.type} outside a {DIFF_SUFFIX} file (not scored)")
    find_repeats(ctx)
    place_gold(ctx, gf.of("quantity", "date"))
    find_ignores(ctx)
    res = DocResult(gf.stem)
    score_spans(ctx, sd, res)
    score_names(ctx, sd, res)
    score_facts(ctx, sd, res)
    score_metadata(ctx, sd, res)
    return res


# ============================================================================================ versions


@dataclass
class VersionDiff:
    """A version diff as ``zh-extract diff --format json`` gives it, with what scoring it needs besides."""

    result: Rec
    metrics: dict[str, str | None]  # fact id -> metric, in both versions
    old_text: str
    new_text: str


def diff_pair(old: str, new: str, forced: dict[str, str], report: Report) -> VersionDiff:
    """Process the two articles one by one (as ``zh-extract diff`` does) and diff them."""
    from extract import batch, diff, pipeline

    opts = pipeline.Options(forced_ref_dates=forced)
    docs = [batch.documents([p], opts, report) for p in (old, new)]
    if any(len(d) != 1 for d in docs):
        return VersionDiff({}, {}, "", "")
    d_old, d_new = docs[0][0], docs[1][0]
    result = json.loads(json.dumps(diff.diff_docs(d_old, d_new), ensure_ascii=False))
    metrics = {f.id: f.metric for d in (d_old, d_new) for f in d.facts}
    return VersionDiff(result, metrics, d_old.text, d_new.text)


def change_items(result: Rec) -> list[tuple[Span | None, Span | None, str]]:
    """The diff's change items: non-noise edits of changed pairs, removed and added sentences."""
    out: list[tuple[Span | None, Span | None, str]] = []
    for row in result.get("sentences", []):
        if row["status"] == "changed":
            for e in row.get("edits", []):
                if not e.get("noise"):
                    out.append((tuple(e["old"]), tuple(e["new"]), f"{e.get('old_text')!r} -> {e.get('new_text')!r}"))
        elif row["status"] == "removed":
            out.append((tuple(row["old"]), None, f"removed {row.get('old_text')!r}"))
        elif row["status"] == "added":
            out.append((None, tuple(row["new"]), f"added {row.get('new_text')!r}"))
    return out  # type: ignore[return-value]


def touches(item: Span | None, place: Span | None) -> bool:
    """An item side touches a place: overlap, or an insertion point inside or at an edge of it."""
    if item is None or place is None:
        return False
    a, b = item
    return place[0] <= a <= place[1] if a == b else overlaps(item, place)


def fact_change_ok(g: Rec, row: Rec, metrics: dict[str, str | None]) -> bool:
    """A diff fact row states a gold fact_change (see the module docstring)."""
    values, units = row.get("value") or [None, None], row.get("unit") or [None, None]
    for side, key in enumerate(("old_value", "new_value")):
        if not close(values[side], g.get(key)):
            return False
        if g.get(key) is not None and units[side] != g.get("unit"):
            return False
    subjects = row.get("subject") or [None, None]
    found = [metrics.get(w["id"]) for w in (row.get("old"), row.get("new")) if w]
    return any(share_bigram(g.get("subject"), s) for s in subjects) or \
        any(share_bigram(g.get("metric"), m) for m in found)


def place_fragments(ctx_old: Context, ctx_new: Context, ln: Line) -> tuple[Span | None, Span | None] | None:
    """Where a version_diff fragment is in v1 and in v2 (None: bad gold, reported)."""
    if not (ctx_old.in_article(ln, ln.rec["old"]) and ctx_new.in_article(ln, ln.rec["new"])):
        return None
    o = occurrences(ctx_old.folded, fold(ln.rec["old"]))
    n = occurrences(ctx_new.folded, fold(ln.rec["new"]))
    return (o[0] if o else None), (n[0] if n else None)


def score_versions(gf: GoldFile, old: str, new: str, forced: dict[str, str], report: Report) -> DocResult:
    """Recall of the gold fragments and fact changes in the diff of ``old`` and ``new``."""
    res = DocResult(gf.stem)
    for ln in gf.lines:
        if ln.type not in ("version_diff", "fact_change"):
            report(f"{gf.name}:{ln.n}: {ln.type} in a {DIFF_SUFFIX} file (not scored)")
    vd = diff_pair(old, new, forced, report)
    c_old = Context(gf, vd.old_text, normalised_text(old), report, article=Path(old).name)
    c_new = Context(gf, vd.new_text, normalised_text(new), report, article=Path(new).name)
    items = change_items(vd.result)
    frags = [(ln, place_fragments(c_old, c_new, ln)) for ln in gf.of("version_diff")]
    frags = [(ln, pl) for ln, pl in frags if pl is not None]
    found = [any(touches(o, pl[0]) or touches(n, pl[1]) for o, n, _ in items) for _, pl in frags]  # type: ignore[index]
    useful = [any(touches(o, pl[0]) or touches(n, pl[1]) for _, pl in frags) for o, n, _ in items]  # type: ignore[index]
    res.scores["versions.fragments"] = Score(tp=sum(found), sys=len(items), gold=len(frags), sys_tp=sum(useful))
    for (ln, pl), ok in zip(frags, found, strict=True):
        if not ok:
            note = None if pl[0] and pl[1] else "not in the cleaned text"  # type: ignore[index]
            res.errors.append(_error(c_old, "versions.fragments", "miss", {"old": ln.rec["old"], "new": ln.rec["new"]},
                                     None, ln.rec.get("note") or "", ln.n, note))
    for (_o, _n, text), ok in zip(items, useful, strict=True):
        if not ok:
            res.errors.append(_error(c_old, "versions.fragments", "false", None, {"text": text}, ""))
    score_fact_changes(c_old, gf, vd.result.get("facts", []), vd.metrics, res)
    return res


def score_fact_changes(ctx: Context, gf: GoldFile, rows: list[Rec], metrics: dict[str, str | None],
                       res: DocResult) -> None:
    """Gold fact_change rows found among the diff's fact rows; a row may state a change that gold lists once
    but the article states twice (headline and body), so the rows that state some gold change are right."""
    lines = gf.of("fact_change")
    ok = [[fact_change_ok(ln.rec, r, metrics) for r in rows] for ln in lines]
    found = [any(x) for x in ok]
    useful = [any(ok[i][j] for i in range(len(lines))) for j in range(len(rows))]
    res.scores["versions.fact_changes"] = Score(tp=sum(found), sys=len(rows), gold=len(lines), sys_tp=sum(useful))
    for ln, f in zip(lines, found, strict=True):
        if not f:
            view = {k: ln.rec.get(k) for k in ("subject", "metric", "unit", "old_value", "new_value")}
            res.errors.append(_error(ctx, "versions.fact_changes", "miss", view, None, ln.rec.get("note") or "", ln.n))
    for r, u in zip(rows, useful, strict=True):
        if not u:
            view = {"status": r.get("status"), "value": r.get("value"), "unit": r.get("unit"),
                    "subject": r.get("subject")}
            text = (r.get("new") or r.get("old") or {}).get("text") or ""
            res.errors.append(_error(ctx, "versions.fact_changes", "false", None, view, text))


# ============================================================================================ evaluate


@dataclass
class Task:
    """One gold file with its article(s): (path,) for a document, (old, new) for a version pair."""

    gold: GoldFile
    articles: tuple[str, ...]


def version_pair(stem: str) -> tuple[str, str] | None:
    """Article stems of a diff gold file ``NAME_vN.diff.jsonl``: (NAME or NAME_v(N-1), NAME_vN)."""
    m = re.fullmatch(r"(.+)_v(\d+)", stem)
    if not m or int(m.group(2)) < 2:
        return None
    n = int(m.group(2))
    return (m.group(1) if n == 2 else f"{m.group(1)}_v{n - 1}"), stem


def make_tasks(gold_dir: Path, article_dir: Path, report: Report) -> list[Task]:
    """Read every gold file and find its article(s) by file stem; a gold file without one is reported."""
    tasks = []
    for path in sorted(gold_dir.glob("*.jsonl")):
        gf = read_gold(path, report)
        stems = (version_pair(gf.stem) or ()) if gf.is_diff else (gf.stem,)
        if not stems:
            report(f"{gf.name}:{gf.head}: cannot tell the two versions from the name (want NAME_v2{DIFF_SUFFIX})")
            continue
        arts = [article_dir / f"{s}.txt" for s in stems]
        missing = [a.name for a in arts if not a.is_file()]
        if missing:
            report(f"{gf.name}:{gf.head}: no article {', '.join(missing)} in {article_dir}")
            continue
        if not gf.is_diff and gf.doc is None:
            report(f"{gf.name}:1: no doc line (document metadata not scored)")
        tasks.append(Task(gf, tuple(str(a) for a in arts)))
    return tasks


def forced_dates(tasks: list[Task], report: Report) -> dict[str, str]:
    """Article path -> the gold ref_date (a version pair takes the first version's)."""
    by_stem = {t.gold.stem: t.gold.doc.rec["ref_date"][:10] for t in tasks
               if not t.gold.is_diff and t.gold.doc and t.gold.doc.rec.get("ref_date")}
    for t in tasks:
        if not t.gold.is_diff and t.gold.doc and t.gold.stem not in by_stem:
            report(f"{t.gold.name}:{t.gold.doc.n}: doc line has no ref_date (the article's own date is used)")
    out = {}
    for t in tasks:
        ref = by_stem.get(Path(t.articles[0]).stem)
        for a in t.articles:
            if ref:
                out[a] = ref
    return out


def evaluate(gold_dir: Path, article_dir: Path, ref_date_from_gold: bool = False,
             report: Report = _err) -> Result:
    """Run the pipeline on the articles of the gold files and score every gold file."""
    result = Result(ref_date_from_gold=ref_date_from_gold)

    def bad(msg: str) -> None:
        result.bad_gold.append(msg)
        report(msg)

    tasks = make_tasks(gold_dir, article_dir, bad)
    forced = forced_dates(tasks, bad) if ref_date_from_gold else {}
    paths = sorted({a for t in tasks for a in t.articles})
    outputs = run_pipeline(paths, forced, report) if paths else {}
    for t in tasks:
        if t.gold.is_diff:
            result.docs.append(score_versions(t.gold, t.articles[0], t.articles[1], forced, bad))
        else:
            a = t.articles[0]
            result.docs.append(score_document(t.gold, outputs.get(a), normalised_text(a), bad))
    return result


# ============================================================================================ rendering

_ROWS = [
    ("quantities", "quantities"), *((f"quantities.{c}", f"  {c}") for c in UNIT_CLASSES),
    ("quantities.attributes", "  value, max, unit right"),
    ("dates", "dates (span and value)"), ("dates.span", "dates (span only)"),
    ("person", "person"), ("org", "org"), ("loc", "loc"),
    ("facts", "facts (subject, value, unit)"), ("facts.period", "facts (+ period)"),
    ("facts.no_subject", "  facts without subject"),
    ("published", "published"), ("ref_date", "reference date"), ("title", "title"), ("outlet", "outlet"),
    ("authors", "authors"),
    ("versions.fragments", "version fragments"), ("versions.fact_changes", "version fact changes"),
]
_ORDER = {k: i for i, (k, _) in enumerate(_ROWS)}


def _measure_order(key: str) -> tuple[int, str]:
    return _ORDER.get(key, len(_ORDER)), key


def _f(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def render_figures(scores: dict[str, Score | Share]) -> str:
    """The table of figures: P, R, F1, tp/sys/gold per measure; shares as 'n of m'."""
    lines = [f"{'measure':<30}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'sys':>6}{'gold':>6}"]
    for key, label in _ROWS:
        v = scores.get(key)
        if isinstance(v, Score):
            lines.append(f"{label:<30}{_f(v.p):>7}{_f(v.r):>7}{_f(v.f1):>7}{v.tp:>6}{v.sys:>6}{v.gold:>6}")
        elif isinstance(v, Share):
            of = "of matched" if key.startswith("quantities") else "of emitted"
            lines.append(f"{label:<30}{_f(v.value):>7}   ({v.n} {of} {v.of})")
    lines.append("(tp: gold items found; P of unit classes and versions counts system items, sys_tp in --json)")
    return "\n".join(lines)


_DOC_COLS = [("qty F1", "quantities", "f1"), ("date F1", "dates", "f1"), ("span F1", "dates.span", "f1"),
             ("per F1", "person", "f1"), ("org F1", "org", "f1"), ("loc F1", "loc", "f1"),
             ("fact R", "facts", "r"), ("+per R", "facts.period", "r"), ("auth F1", "authors", "f1"),
             ("frag R", "versions.fragments", "r"), ("chg R", "versions.fact_changes", "r")]


def _meta_cell(d: DocResult) -> str:
    keys = [k for k in ("published", "ref_date", "title", "outlet") if k in d.scores]
    if not keys:
        return "-"
    right = sum(1 for k in keys if not any(e["kind"] == k for e in d.errors))
    return f"{right}/{len(keys)}"


def render_documents(result: Result) -> str:
    """One row per gold file: the main figures, '-' where a measure has nothing to score."""
    w = max([len("document")] + [len(d.name) for d in result.docs])
    head = f"{'document':<{w}}" + "".join(f"{c:>8}" for c, _, _ in _DOC_COLS) + f"{'meta':>6}"
    lines = [head]
    for d in result.docs:
        cells = []
        for _, key, stat in _DOC_COLS:
            v = d.scores.get(key)
            cells.append(_f(getattr(v, stat)) if isinstance(v, Score) else "-")
        lines.append(f"{d.name:<{w}}" + "".join(f"{c:>8}" for c in cells) + f"{_meta_cell(d):>6}")
    return "\n".join(lines)


def _side(v: Rec | None) -> str:
    if v is None:
        return "-"
    if set(v) == {"text"}:
        return "-" if v["text"] in (None, []) else str(v["text"])
    if "start" in v and "value" not in v and "text" in v:
        return f"{v['text']} [{v['start']}..{v['end']}]"
    if "value" in v and "text" in v:
        mx = f"..{_num(v['value_max'])}" if v.get("value_max") is not None else ""
        return f"{v['text']} [{_num(v['value'])}{mx} {v.get('unit') or '-'}]"
    return " ".join(f"{k}={_num(x) if _is_num(x) else x}" for k, x in v.items() if k != "at" and x is not None) or "-"


def render_errors(errors: list[Rec]) -> str:
    """One line per error: document, measure, miss|false|wrong|period, gold | system, then the sentence."""
    lines = []
    for e in errors:
        where = f"{e['doc']}:{e['line']}" if e.get("line") else e["doc"]
        note = f" ({e['note']})" if e.get("note") else ""
        sent = e.get("sentence") or ""
        sent = sent.replace("\n", "⏎")
        lines.append(f"{where}  {e['kind']}  {e['what']}{note}  gold: {_side(e.get('gold'))}  "
                     f"system: {_side(e.get('system'))}" + (f"  « {sent} »" if sent else ""))
    return "\n".join(lines)


def to_json(result: Result, gold_dir: Path, article_dir: Path) -> Rec:
    """Every figure, in total and per gold file, the errors and the bad-gold messages (deterministic)."""
    return {
        "gold_dir": str(gold_dir), "article_dir": str(article_dir),
        "ref_date_from_gold": result.ref_date_from_gold,
        "files": len(result.docs),
        "totals": {k: v.to_json() for k, v in result.totals().items()},
        "documents": {d.name: {k: d.scores[k].to_json() for k in sorted(d.scores, key=_measure_order)}
                      for d in result.docs},
        "errors": result.errors(),
        "bad_gold": result.bad_gold,
    }
