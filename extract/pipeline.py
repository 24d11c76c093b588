"""The pipeline: the order of the stages, per document and across the batch.

Per document (pure, so it can run in any worker): clean characters -> normalise -> mark
mojibake -> clean lines -> passage de-duplication -> segment -> dates -> quantities ->
entities -> facts.  Across the batch: document clustering -> (optional repair from sibling
versions) -> fact merging -> export.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from extract import clean, dates, dedup, entities, facts, normalise, numbers, segment
from extract.ingest import InputError, read_inputs
from extract.model import Doc, Fact, content_id

_TITLE_END = re.compile(r"[。！？!?：:；;，,]$")


@dataclass
class Options:
    """What a run may be told from the command line."""

    ref_date: str | None = None
    threshold: float | None = None
    repair_from_versions: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    # Per document (by its ``source``): a reference date that beats the document's own date, for relative
    # dates only (its ``published`` stays as stated).  ``zh-extract evaluate --ref-date-from-gold`` uses it
    # to tell date errors from dateline errors.
    forced_ref_dates: dict[str, str] = field(default_factory=dict)


def prepare(doc: Doc, opts: Options | None = None) -> Doc:
    """Clean, normalise, de-duplicate passages and segment one document."""
    opts = opts or Options()
    doc.content_hash = hashlib.sha256(doc.raw.encode("utf-8", "surrogatepass")).hexdigest()
    if not doc.doc_id:
        doc.doc_id = content_id(doc.raw)
    clean.clean_chars(doc)
    normalise.normalise(doc)
    clean.mark_mojibake(doc)
    clean.clean_lines(doc)
    dedup.dedup_passages(doc)
    finish_marks(doc)
    if doc.title is None:
        doc.title = find_title(doc.text)
    set_ref_date(doc, opts.ref_date)
    forced = opts.forced_ref_dates.get(doc.source)
    if forced:
        doc.ref_date, doc.ref_date_source = forced, "forced"
    segment.segment(doc)
    return doc


def finish_marks(doc: Doc) -> None:
    """Bring the raw spans marked during cleaning (mojibake) into final text positions."""
    assert doc.mapped is not None
    doc.corrupt = doc.mapped.spans_from_raw([(r.raw_start, r.raw_end) for r in doc.removed if r.kind == "mojibake"])


def extract_records(doc: Doc) -> Doc:
    """Run the extractors in dependency order (quantities skip dates; facts use all)."""
    doc.dates = dates.extract(doc)
    doc.quantities = numbers.extract(doc)
    doc.entities = entities.extract(doc)
    doc.facts = facts.extract(doc)
    return doc


def process_doc(doc: Doc, opts: Options | None = None) -> Doc:
    """Everything that can be done to one document on its own."""
    return extract_records(prepare(doc, opts))


def find_title(text: str) -> str | None:
    """The first line when it reads as a headline (short, no sentence punctuation at its end).

    A following line that starts with a dash is its subtitle (通道挽起两个市场 / ——新疆…调查).
    """
    lines = text.split("\n", 2)
    first = lines[0].strip() if lines else ""
    if not first or len(first) > 60 or _TITLE_END.search(first):
        return None
    if len(lines) > 1 and lines[1].startswith(("——", "—", "--")) and len(lines[1]) <= 60:
        return first + lines[1].strip()
    return first


def set_ref_date(doc: Doc, cli_ref_date: str | None) -> None:
    """Reference date for relative dates: published, else the JSONL's published, else --ref-date.

    When none is known the date extractor infers one from the article's own dates and says so.
    """
    if doc.published:
        doc.ref_date = doc.published[:10]
        if doc.ref_date_source != "jsonl":
            doc.ref_date_source = "published"
    elif cli_ref_date:
        doc.ref_date = cli_ref_date
        doc.ref_date_source = "cli"


def unique_ids(docs: list[Doc]) -> None:
    """Identical inputs get the same content id; later copies get a numbered suffix (stable order)."""
    seen: dict[str, int] = {}
    for d in docs:
        n = seen.get(d.doc_id, 0)
        seen[d.doc_id] = n + 1
        if n:
            d.doc_id = f"{d.doc_id}-{n + 1}"


def process_batch(docs: list[Doc], opts: Options, report: Callable[[str], None]) -> tuple[list[Doc], list[Fact]]:
    """Process documents (skipping those that fail, with a message), then the batch-level stages."""
    done: list[Doc] = []
    for d in docs:
        try:
            done.append(process_doc(d, opts))
        except Exception as e:  # noqa: BLE001 - one bad article must not stop the batch
            where = f"{d.source}:{d.line}" if d.line else d.source
            report(f"{where}: could not be processed ({type(e).__name__}: {e}); skipped")
    finish_batch(done, opts)
    return done, facts.merge(done)


def finish_batch(docs: list[Doc], opts: Options) -> None:
    """Batch-level stages over processed documents: clustering and repair from versions."""
    if opts.threshold is not None:
        dedup.cluster(docs, threshold=opts.threshold)
    else:
        dedup.cluster(docs)
    if opts.repair_from_versions and hasattr(dedup, "repair_from_versions"):
        for d in dedup.repair_from_versions(docs) or []:
            extract_records(segment.segment(d))


def load_docs(paths: Iterable[str], report: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> list[Doc]:
    """Read inputs, reporting bad ones, and give the good documents with unique ids."""
    docs: list[Doc] = []
    for item in read_inputs(list(paths)):
        if isinstance(item, InputError):
            report(str(item))
        else:
            item.doc_id = content_id(item.raw)
            docs.append(item)
    unique_ids(docs)
    return docs


def process_paths(paths: Iterable[str], ref_date: str | None = None,
                  report: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
                  opts: Options | None = None) -> list[Doc]:
    """Fully processed documents of some inputs (clustered, facts extracted): for diff, dedup, show.

    ``opts``, when given, replaces the options made from ``ref_date``.
    """
    opts = opts or Options(ref_date=ref_date)
    docs, _ = process_batch(load_docs(paths, report), opts, report)
    return docs


def timed(opts: Options, name: str):
    """Context manager adding elapsed seconds to ``opts.timings[name]``."""

    class _T:
        def __enter__(self):
            self.t = time.perf_counter()

        def __exit__(self, *exc):
            opts.timings[name] = round(opts.timings.get(name, 0.0) + time.perf_counter() - self.t, 3)

    return _T()
