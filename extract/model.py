"""The typed records shared by every stage, and their JSON form.

Field names follow ``../shared/contract.md`` exactly; extra fields are allowed, renaming is not.
A :class:`Doc` is the unit of work that travels through the pipeline: raw text, the mapped
normalised text, metadata and the records extracted from it.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

import orjson

from extract.offsets import MappedText

Span = tuple[int, int]


def json_number(value: Decimal | int | float | None) -> int | float | None:
    """Decimals are exact inside the pipeline; JSON gets an int when integral (exact, of any size), else a
    float (the nearest double: a decimal fraction keeps about 16 significant digits)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    return value


# orjson writes integers of 64 bits (signed or unsigned) natively; a larger one is written through a Fragment
_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1


def _json_default(value: Any) -> Any:
    """orjson's hook for the one type it does not know: exact Decimals become JSON numbers.

    An integer beyond 64 bits (5.97×10^24 kg, 1万亿亿元) is still a JSON *number*, written digit for digit
    (``5970000000000000000000000``): JSON numbers have no size limit, so ``value`` stays a number for every
    reader (Python's ``json`` reads it exactly, ``orjson`` and pandas as the nearest float), never a string."""
    if isinstance(value, Decimal):
        v = json_number(value)
        if isinstance(v, int) and not _INT_MIN <= v <= _INT_MAX:
            return orjson.Fragment(str(v).encode("ascii"))
        return v
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


_LONG_INT = re.compile(rb"\d{20}|-\d{19}")  # maybe outside [-2**63, 2**64 - 1], what orjson reads exactly


def json_record(line: bytes) -> dict[str, Any]:
    """A JSON line as Python values, integers exact at any size (orjson reads one beyond 64 bits as a float;
    the standard library, slower, is used only for a line that has one)."""
    if _LONG_INT.search(line) is None:
        return orjson.loads(line)
    return json.loads(line)


def record_bytes(rec: Any) -> bytes:
    """The JSON line of a record (no newline).

    orjson walks the slotted dataclasses itself, in field order, which is several times cheaper than
    ``dataclasses.asdict`` (a recursive deep copy): serialising was a fifth of a worker's time.
    """
    return orjson.dumps(rec, default=_json_default)


def jsonl_bytes(recs: list[Any]) -> bytes:
    """Records as JSON Lines, each line ended by a newline (one orjson call per record, no concatenation)."""
    return b"".join([orjson.dumps(r, default=_json_default, option=orjson.OPT_APPEND_NEWLINE) for r in recs])


def content_id(text: str | bytes) -> str:
    """Stable id from content, not path: the same article text gives the same doc_id."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=8).hexdigest()


class SpanIndex:
    """Which of a sorted list of non-overlapping spans (sentences, paragraphs) holds a position.

    The one bisection every stage uses to find the sentence of a record, so that the starts are
    listed once per list of spans, not once per question.
    """

    __slots__ = ("spans", "starts")

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def index(self, pos: int) -> int | None:
        """Index of the span containing ``pos``, or None when it lies between spans."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.spans[i][1] else None

    def at_or_before(self, pos: int) -> int:
        """Index of the last span starting at or before ``pos`` (-1 when none does)."""
        return bisect.bisect_right(self.starts, pos) - 1


class WordCut(NamedTuple):
    """What segmentation cut ``tokens`` from: every word end of the whole text (gaps between paragraphs
    included) and the paragraphs kept.  The entities' boundary mask is made from these ends in one
    numpy call, instead of reading ~1,400 (start, end) pairs back out of ``tokens`` per document."""

    tokens: list[Span]  # the list object it describes: a stale cut (tokens replaced) is not used
    paragraphs: list[Span]
    ends: list[int]


@dataclass(slots=True)
class Record:
    """Fields common to every span record: where it is, in the text and in the raw input."""

    doc_id: str
    id: str
    text: str
    start: int
    end: int
    raw_start: int
    raw_end: int

    def to_json(self) -> dict[str, Any]:
        """The JSON record as plain Python values (the JSONL line is :func:`record_bytes`)."""
        return json_record(record_bytes(self))


@dataclass(slots=True)
class Quantity(Record):
    value: Decimal | int | float = 0
    value_max: Decimal | int | float | None = None
    unit: str | None = None
    approx: str | None = None
    kind: str = "number"  # number | percent | money | dimension | count | duration | multiple | fraction
    unit_text: str | None = None
    sentence: int | None = None
    rule: str | None = None  # the name of the rule that produced it (rules/numbers/)


@dataclass(slots=True)
class DateRec(Record):
    value_start: str | None = None
    value_end: str | None = None
    granularity: str = "day"
    relative: bool = False
    ref_date_source: str | None = None
    time: str | None = None
    sentence: int | None = None
    kind: str = "point"  # point | period | relative_period | time
    holiday: str | None = None  # canonical holiday name (春节, 国庆 ...)
    bound: str | None = None  # until (截至X: the cut-off point) | since (X以来: X up to ref_date)
    rule: str | None = None  # the name of the rule that produced it (rules/dates/)


@dataclass(slots=True)
class Entity(Record):
    label: str = "LOC"
    title: str | None = None
    org: str | None = None
    source: str | None = None  # gazetteer | suffix | pattern | byline
    norm: str | None = None  # normalised form where one exists (CURRENCY: ISO code)
    rule: str | None = None  # the name of the rule that produced it (rules/entities/)
    entity_id: str | None = None  # shared by every mention of one thing in a document (contract round 2)
    canonical: str | None = None  # the thing's full name (an alias's full name, 桑植 -> 桑植县; contract round 2)


@dataclass(slots=True)
class Mention:
    doc_id: str
    start: int
    end: int
    raw_start: int | None = None
    raw_end: int | None = None


@dataclass(slots=True)
class Fact:
    id: str
    subject: str | None
    metric: str | None
    value: Decimal | int | float
    value_max: Decimal | int | float | None
    unit: str | None
    approx: str | None
    period_start: str | None
    period_end: str | None
    change: dict[str, Any] | None
    sentence: str
    mentions: list[Mention] = field(default_factory=list)
    doc_id: str | None = None
    rule: str | None = None  # the name of the rule that produced it (rules/facts/)
    metric_canonical: str | None = None  # the canonical metric (rules/facts/metrics.toml), null when unknown
    subject_source: str | None = None  # clause | sentence | anaphor | topic: where the subject was found
    segment: str | None = None  # the list or sector word before the metric (第一产业 in 第一产业用电量)
    guessed: list[str] | None = None  # what a rule guessed rather than read (rules/facts/facts.toml [guesses])
    confidence: float | None = None  # 1 less the costs of the guesses

    def to_json(self) -> dict[str, Any]:
        return json_record(record_bytes(self))


@dataclass(slots=True)
class Removed:
    """Something cleaning or de-duplication took out (or marked), with where it was in the raw text."""

    kind: str  # pinyin | entity | furniture | caption | image | mojibake | passage | join | ...
    text: str
    raw_start: int
    raw_end: int
    count: int = 1
    note: str | None = None
    rule: str | None = None  # the name of the rule that took it out or marked it (rules/clean/, rules/passages/)

    def to_json(self) -> dict[str, Any]:
        return json_record(record_bytes(self))


@dataclass
class Doc:
    """One article on its way through the pipeline."""

    source: str
    raw: str
    line: int | None = None
    path: str | None = None  # the input it was read from (a file, or - for stdin): messages name path[:line]
    title: str | None = None
    published: str | None = None  # ISO date or datetime
    url: str | None = None
    site: str | None = None  # 来源
    outlet: str | None = None  # the outlet that published it: its dateline's, its page's, else ``site``
    authors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    ref_date: str | None = None
    # where ref_date came from: dateline | page | url | jsonl (the article's own date) | published | cli |
    # forced | inferred... | None
    ref_date_source: str | None = None
    script: str = "simplified"
    mapped: MappedText | None = None
    corrupt: list[Span] = field(default_factory=list)  # spans of `text` marked as mojibake
    captions: list[Span] = field(default_factory=list)  # photo captions kept in `text`
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    tokens: list[Span] = field(default_factory=list)  # jieba words, as spans of `text`
    word_cut: WordCut | None = field(default=None, repr=False, compare=False)  # how segment made `tokens`
    removed: list[Removed] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateRec] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    cluster_id: str | None = None
    duplicate_of: str | None = None
    cluster_similarity: float | None = None  # estimated Jaccard to the cluster's canonical version (dedup)
    doc_id: str = ""
    content_hash: str = ""
    date_candidates: list[Any] = field(default_factory=list)  # the date scan (extract.dates.scan), read twice
    _sentence_index: SpanIndex | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.mapped.text if self.mapped is not None else ""

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        assert self.mapped is not None
        return self.mapped.raw_span(start, end)

    def is_corrupt(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps a span the cleaner marked as corrupted."""
        return any(s < end and start < e for s, e in self.corrupt)

    def sentence_index(self, pos: int) -> int | None:
        """Index of the sentence containing text position ``pos`` (None between sentences)."""
        return self.sentence_spans().index(pos)

    def sentence_spans(self) -> SpanIndex:
        """The sentences as a :class:`SpanIndex`, rebuilt only when ``sentences`` is replaced or resized
        (every extractor asks for the sentence of each record)."""
        idx = self._sentence_index
        if idx is None or idx.spans is not self.sentences or len(idx.starts) != len(self.sentences):
            idx = self._sentence_index = SpanIndex(self.sentences)
        return idx

    def release(self) -> None:
        """Drop the texts, the offset map and every record (once they are serialised).

        A worker holds a chunk of documents; freeing each one's working state as soon as its
        store entry is made lets the next document reuse warm memory (about 8 % faster per worker).
        """
        self.raw = ""
        self.mapped = None
        self.corrupt, self.captions, self.removed, self.flags = [], [], [], []
        self.paragraphs, self.sentences, self.tokens = [], [], []
        self.quantities, self.dates, self.entities, self.facts = [], [], [], []
        self.date_candidates, self._sentence_index, self.word_cut = [], None, None

    def span_fields(self, start: int, end: int) -> dict[str, Any]:
        """The common record fields for a span of ``text``."""
        rs, re_ = self.raw_span(start, end)
        return {"doc_id": self.doc_id, "text": self.text[start:end], "start": start, "end": end,
                "raw_start": rs, "raw_end": re_}

    def to_json(self) -> dict[str, Any]:
        """The documents.jsonl record."""
        return document_record(self.record_fields(), self.source, self.cluster_id or self.doc_id, self.duplicate_of,
                               self.cluster_similarity)

    def record_fields(self) -> dict[str, Any]:
        """The document record's fields that are the document's own (not its source path or cluster, which
        belong to a run: see :func:`document_record`)."""
        counts: dict[str, int] = {}
        for r in self.removed:
            counts[r.kind] = counts.get(r.kind, 0) + r.count
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "published": self.published,
            "ref_date": self.ref_date,
            "ref_date_source": self.ref_date_source,
            "script": self.script,
            "text": self.text,
            "removed": {"counts": counts, "items": [r.to_json() for r in self.removed]},
            "flags": self.flags,
            "corrupt": [list(s) for s in self.corrupt],
            "captions": [list(s) for s in self.captions],
            "site": self.site,
            "outlet": self.outlet,
            "url": self.url,
            "authors": self.authors,
            "photographers": self.photographers,
            "editors": self.editors,
            "content_hash": self.content_hash,
            "chars": len(self.text),
        }


_BEFORE_CLUSTER = ("title", "published", "ref_date", "ref_date_source", "script", "text")


def document_record(fields: dict[str, Any], source: str, cluster_id: str, duplicate_of: str | None,
                    similarity: float | None) -> dict[str, Any]:
    """The documents.jsonl record: a document's own fields with its source and cluster in this run.

    Workers store the document's own fields; the source path and the cluster are known only when
    the run writes its outputs (a stored result is reused when the same article is found under
    another path, and clusters span the whole batch).
    """
    out = {"doc_id": fields["doc_id"], "source": source}
    out.update((k, fields[k]) for k in _BEFORE_CLUSTER)
    out.update(cluster_id=cluster_id, duplicate_of=duplicate_of, cluster_similarity=similarity)
    out.update((k, v) for k, v in fields.items() if k not in out)
    return out
