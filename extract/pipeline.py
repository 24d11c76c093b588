"""The per-document pipeline: one ordered list of named stages, run by one loop.

Like spaCy's components, every stage declares the :class:`~extract.model.Doc` fields it reads
(``requires``) and the fields it sets (``assigns``); a stage never sets a field it does not
declare (``tests/test_pipeline.py`` checks this on the sample corpus).  :func:`run` is the
only loop: the batch workers, the single-document API and the rule corpora all go through it.

The text stages rewrite ``mapped`` (the text with its offset map) and log what they took out
in ``removed``; the extraction stages each own one record list.  What happens across a batch
(near-duplicate clusters, repair from versions, fact merging, output files) is in
:mod:`extract.batch`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from extract import clean, dates, entities, facts, metadata, normalise, numbers, passages, segment
from extract.model import Doc


@dataclass
class Options:
    """What a run may be told from the command line (none of it is per-document state)."""

    ref_date: str | None = None
    threshold: float | None = None
    repair_from_versions: bool = False
    # Per document (by its ``source``): a reference date that beats the document's own date, for relative
    # dates only (its ``published`` stays as stated).  ``zh-extract evaluate --ref-date-from-gold`` uses it
    # to tell date errors from dateline errors.
    forced_ref_dates: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stage:
    """One named step over a document: what it reads, what it sets, and the function doing it."""

    name: str
    run: Callable[[Doc, Options], None]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


def _dates(doc: Doc, opts: Options) -> None:
    doc.dates = dates.extract(doc)


def _quantities(doc: Doc, opts: Options) -> None:
    doc.quantities = numbers.extract(doc)


def _entities(doc: Doc, opts: Options) -> None:
    doc.entities = entities.extract(doc)


def _facts(doc: Doc, opts: Options) -> None:
    doc.facts = facts.extract(doc)


def _date_scan(doc: Doc, opts: Options) -> None:
    doc.date_candidates = dates.scan(doc)


def _reference(doc: Doc, opts: Options) -> None:
    metadata.reference_date(doc, opts.ref_date, dates.infer_reference, opts.forced_ref_dates.get(doc.source))


STAGES: tuple[Stage, ...] = (
    Stage("clean_chars", lambda d, o: clean.clean_chars(d), ("raw",), ("mapped", "removed")),
    Stage("normalise", lambda d, o: normalise.normalise(d), ("mapped",), ("mapped", "script")),
    Stage("mojibake", lambda d, o: clean.mark_mojibake(d), ("mapped",), ("removed", "flags")),
    Stage("clean_lines", lambda d, o: clean.clean_lines(d),
          ("mapped", "published", "site", "outlet", "authors", "photographers", "editors"),
          ("mapped", "removed", "published", "ref_date_source", "site", "outlet", "authors", "photographers",
           "editors")),
    Stage("passages", lambda d, o: passages.dedup_passages(d), ("mapped", "removed"), ("mapped", "removed", "flags")),
    Stage("marks", lambda d, o: metadata.marks(d), ("mapped", "removed"), ("corrupt", "captions")),
    Stage("title", lambda d, o: metadata.title(d), ("mapped", "removed", "title", "outlet", "site"), ("title",)),
    Stage("segment", lambda d, o: segment.segment(d), ("mapped",), ("paragraphs", "sentences", "tokens", "word_cut")),
    Stage("date_scan", _date_scan, ("mapped",), ("date_candidates",)),
    Stage("ref_date", _reference, ("published", "ref_date_source", "date_candidates", "removed"),
          ("ref_date", "ref_date_source")),
    Stage("dates", _dates, ("date_candidates", "ref_date", "ref_date_source", "corrupt", "sentences"), ("dates",)),
    Stage("numbers", _quantities, ("mapped", "script", "dates", "corrupt", "sentences"), ("quantities",)),
    Stage("entities", _entities, ("mapped", "tokens", "word_cut", "quantities", "corrupt"), ("entities",)),
    Stage("facts", _facts, ("mapped", "sentences", "paragraphs", "tokens", "ref_date", "dates", "quantities",
                            "entities"), ("facts",)),
)
NAMES = tuple(s.name for s in STAGES)


def stages(start: str | None = None, stop: str | None = None) -> tuple[Stage, ...]:
    """The stages from ``start`` up to and including ``stop`` (default: all), in pipeline order."""
    a = NAMES.index(start) if start else 0
    b = NAMES.index(stop) + 1 if stop else len(STAGES)
    return STAGES[a:b]


def run(doc: Doc, opts: Options | None = None, steps: Iterable[Stage] = STAGES) -> Doc:
    """Run ``steps`` over ``doc`` in order: the one loop every caller uses."""
    opts = opts or Options()
    for step in steps:
        step.run(doc, opts)
    return doc


def process_doc(doc: Doc, opts: Options | None = None) -> Doc:
    """Everything that can be done to one document on its own."""
    return run(doc, opts)


def prepare(doc: Doc, opts: Options | None = None) -> Doc:
    """The text stages and the reference date: a document ready for the extractors."""
    return run(doc, opts, stages(stop="ref_date"))


def reextract(doc: Doc, opts: Options | None = None) -> Doc:
    """Segment and extract again after the text was changed (repair from versions)."""
    return run(doc, opts, stages("segment"))


def stage_table() -> str:
    """The stage list as a Markdown table (docs/architecture.md shows it; a test keeps the two equal)."""
    rows = ["| # | stage | reads | sets |", "| --- | --- | --- | --- |"]
    for i, s in enumerate(STAGES, 1):
        rows.append(f"| {i} | `{s.name}` | {', '.join(s.requires)} | {', '.join(s.assigns)} |")
    return "\n".join(rows)
