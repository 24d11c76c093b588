"""The batch runner behind ``zh-extract run``: parallel, incremental, streaming, kill-safe.

How a run goes (one pass over the inputs, then the batch stages, then one assembly pass):

1. **Read** the inputs once, as a stream (:func:`extract.ingest.read_stream`: files one at a time,
   JSONL line by line); give each document its content id (numbered suffix for repeated copies) and
   its store key (:func:`extract.store.doc_key`), hashing its text once.  Documents whose key is in
   ``DIR/.cache`` are not processed again (unless ``--force``): only their summary is read.  The
   others are grouped into small chunks.
2. **Process** the chunks (:mod:`extract.engines`: worker processes, a Dask cluster, or inline).
   At most a few chunks per worker are in flight, so memory stays flat whatever the corpus size.
   Each document's result is stored atomically in ``DIR/.cache/docs`` in three parts: a summary
   (near-duplicate sketch), its facts and a body (document record, JSON lines, input); only the
   summary stays in memory.  A
   document whose processing raises is reported with its path[:line] and skipped.
3. **Cluster** near-duplicates from the sketches (:class:`extract.dedup.Clusterer`, persisted in DIR,
   so today's version of an article is found to be a duplicate of yesterday's).  With
   ``--repair-from-versions`` the few clusters of this run with a corrupted member are repaired
   (:func:`repair_stage`).  **Merge** facts (:func:`extract.facts.merge`) in input order.
4. **Assemble** the output files in input order, reading each stored body once (facts were read
   once, by the merge), into a new generation of DIR (:mod:`extract.outdir`) that one pointer
   switches in as a whole, manifest included.  The outputs do not depend on the number of workers or
   the engine, and a run killed at any point leaves DIR showing the old run's files or the new run's,
   never a mix; re-running finishes the work from the store.

The outputs describe exactly the inputs of this run.  Results of documents from earlier runs that
are not among them stay in the store (and their sketches in clustering) but are not written.

:func:`documents` is the same reading and per-document work kept in memory, for diff, dedup, show
and the Python API.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from extract import budget, dedup, engines, facts, ingest, pipeline, repair
from extract.export import versions
from extract.ingest import InputError
from extract.model import Doc, Fact, content_id, document_record, jsonl_bytes
from extract.outdir import Generation
from extract.progress import Progress, summary
from extract.store import Store, doc_key, version_key

Clusters = dict[str, tuple[str, float | None]]  # doc_id -> (canonical doc_id, Jaccard to it or None when alone)


# --------------------------------------------------------------------------------------------- reading


@dataclass(slots=True)
class Item:
    """One input document, as the main process remembers it (small: no text)."""

    key: str
    source: str
    line: int | None
    doc_id: str
    sha256: str
    chars: int
    pos: int = 0  # place in this run's input order
    place: str = ""  # path[:line] of the input, as messages name it


def where(source: str, line: int | None) -> str:
    """``path[:line]`` of an input, as every message about it names it."""
    return f"{source}:{line}" if line else source


def identify(doc: Doc, seen_ids: dict[str, int], options: dict[str, Any]) -> Item:
    """Give ``doc`` its content id (numbered suffix for a repeated copy), content hash and store key."""
    data = doc.raw.encode("utf-8", "surrogatepass")
    base = content_id(data)
    n = seen_ids.get(base, 0)
    seen_ids[base] = n + 1
    doc.doc_id = base if not n else f"{base}-{n + 1}"
    sha = doc.content_hash = hashlib.sha256(data).hexdigest()
    meta = {"title": doc.title, "published": doc.published, "url": doc.url, "site": doc.site,
            "ref_date_source": doc.ref_date_source}
    return Item(doc_key(sha, doc.doc_id, meta, options), doc.source, doc.line, doc.doc_id, sha, len(doc.raw),
                place=place_of(doc))


def place_of(doc: Doc) -> str:
    """``path[:line]`` of a document's input (a JSONL record is named by its file and line, not its id)."""
    return where(doc.path or doc.source, doc.line)


def store_options(opts: pipeline.Options, doc: Doc) -> dict[str, Any]:
    """The options that decide one document's results, for its store key.

    A forced reference date (``Options.forced_ref_dates``) is added only to the documents it applies to,
    so the keys of every other document stay those of a run without it.
    """
    out: dict[str, Any] = {"ref_date": opts.ref_date}
    forced = opts.forced_ref_dates.get(doc.source)
    if forced:
        out["forced_ref_date"] = forced
    return out


def read(inputs: Iterable[str | Doc], report: Callable[[str], None]) -> list[Doc]:
    """The documents of some inputs (paths, or documents already made) with their ids, bad inputs reported."""
    out: list[Doc] = []
    seen_ids: dict[str, int] = {}
    for x in _items(inputs):
        if isinstance(x, InputError):
            report(str(x))
        else:
            identify(x, seen_ids, {})
            out.append(x)
    return out


def _items(inputs: Iterable[str | Doc]) -> Iterator[Doc | InputError]:
    """Documents as given, and those read from paths."""
    for x in inputs:
        if isinstance(x, Doc):
            yield x
        else:
            yield from ingest.read_inputs([x])


def documents(inputs: Iterable[str | Doc], opts: pipeline.Options, report: Callable[[str], None]) -> list[Doc]:
    """Processed documents, kept in memory and clustered: for diff, dedup, show and the API.

    The same reading, ids and per-document pipeline as :func:`run`, without the store or output
    files; a bad input or a document that fails is reported (``path[:line]: why``) and skipped.
    """
    out: list[Doc] = []
    for x in read(inputs, report):
        seconds = budget.budget_for(len(x.raw), engines.TIME_LIMIT)
        try:
            with budget.Budget(seconds):
                out.append(pipeline.process_doc(x, opts))
        except budget.DocTimeout:
            report(f"{place_of(x)}: took more than {seconds:g} s, skipped")
        except Exception as e:  # noqa: BLE001 - one bad article must not stop the batch
            report(f"{place_of(x)}: could not be processed ({type(e).__name__}: {e}); skipped")
    dedup.cluster(out, threshold=opts.threshold)
    if opts.repair_from_versions:
        for d in repair.repair_from_versions(out):
            pipeline.reextract(d, opts)
    return out


# --------------------------------------------------------------------------------------------- the run


@dataclass
class RunConfig:
    """How to run (none of it changes the outputs)."""

    workers: int = 0  # 0: one per core
    engine: str = "process"  # process | dask | inline
    scheduler: str | None = None
    force: bool = False
    quiet: bool = False
    progress: bool | None = None  # None: when stderr is a terminal and not quiet
    time_limit: float | None = engines.TIME_LIMIT  # seconds per document (budget.budget_for); None: no limit


@dataclass
class RunReport:
    """What a run did (the CLI prints it; tests read it)."""

    counts: dict[str, int]
    processed: int
    cached: int
    failed: int
    skipped: list[str]
    seconds: float
    chars: int  # characters of the processed (not cached) documents


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (pool workers): the work, whatever the load."""
    import resource

    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ch.ru_utime + ch.ru_stime


@dataclass
class _Run:
    """The state of one run: the inputs seen, their summaries, the messages and the counts."""

    store: Store
    opts: pipeline.Options
    cfg: RunConfig
    progress: Progress
    report: Callable[[str], None] | None
    items: list[Item] = field(default_factory=list)
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)  # store key -> summary (sketch)
    waiting: dict[str, tuple[Item, int]] = field(default_factory=dict)  # at a worker: the item, its input bytes
    skipped: list[tuple[int, int, str]] = field(default_factory=list)  # (input position, 0 read | 1 work, message)
    stats: dict[str, Any] = field(default_factory=lambda: {"processed": 0, "cached": 0, "failed": 0, "chars": 0})

    def say(self, msg: str, pos: int | None = None) -> None:
        """Report a skipped input (kept for the manifest, in input order)."""
        self.skipped.append((len(self.items), 0, msg) if pos is None else (pos, 1, msg))
        (self.report or self.progress.write)(msg)

    def todo(self, stream: Iterator[tuple[Doc | InputError, int]]) -> Iterator[tuple[str, Doc]]:
        """Yield the documents that need processing; take the summaries of the others from the store."""
        seen_ids: dict[str, int] = {}
        for x, nbytes in stream:
            if isinstance(x, InputError):
                self.say(str(x))
                self.progress.update(nbytes, docs=0)
                continue
            item = identify(x, seen_ids, store_options(self.opts, x))
            item.pos = len(self.items)
            self.items.append(item)
            if item.key in self.summaries or item.key in self.waiting:
                self.progress.update(nbytes, cached=True)
                continue
            stored = None if self.cfg.force else self.store.summary(item.key)
            if stored is not None:
                self.summaries[item.key] = stored
                self.stats["cached"] += 1
                self.progress.update(nbytes, cached=True)
                continue
            self.waiting[item.key] = (item, nbytes)
            yield item.key, x

    def collect(self, results: Iterable[list[engines.Result]]) -> None:
        """Store each worker result and keep its summary; report the documents that failed."""
        for batch in results:
            for r in batch:
                item, nbytes = self.waiting.pop(r.key)
                if r.error is not None or r.summary is None:
                    self.say(f"{item.place}: {r.error}", item.pos)
                    self.stats["failed"] += 1
                    self.progress.update(nbytes)
                    continue
                self.store.put(r.key, r.parts)
                self.summaries[r.key] = r.summary
                self.stats["processed"] += 1
                self.stats["chars"] += r.chars
                self.progress.update(nbytes, chars=r.chars)

    def messages(self) -> list[str]:
        """The skip messages in input order, whatever order the workers finished in."""
        return [m for _, _, m in sorted(self.skipped, key=lambda x: x[:2])]


def run(paths: list[str], out: Path, opts: pipeline.Options, cfg: RunConfig,
        report: Callable[[str], None] | None = None) -> RunReport:
    """Process ``paths`` into ``out`` (see the module docstring).  Raises StoreBusy if ``out`` is in use."""
    t0 = time.perf_counter()
    out = Path(out)
    workers = cfg.workers or cpu_count()
    walked = list(ingest.walk(list(paths)))
    show = Progress.wanted(cfg.quiet) if cfg.progress is None else cfg.progress
    progress = Progress(ingest.size_of(walked) if show else None, show)
    with Store(out) as store:
        state = _Run(store, opts, cfg, progress, report)
        timings = _process(state, ingest.read_walked(walked), workers)
        progress.close()
        items = [it for it in state.items if it.key in state.summaries]
        if not items:
            return RunReport({}, 0, 0, state.stats["failed"], state.messages(), time.perf_counter() - t0, 0)
        t_batch = time.perf_counter()
        clusters = cluster_items(store, items, state.summaries, opts.threshold)
        if opts.repair_from_versions:
            state.stats["repaired"] = repair_stage(store, items, state.summaries, clusters, opts)
        merged = facts.merge(_fact_docs(store, items, clusters))
        timings["batch"] = round(time.perf_counter() - t_batch, 3)
        t_write = time.perf_counter()
        with Generation(out) as gen:
            counts = assemble(gen, store, items, clusters, merged)
            timings["write"] = round(time.perf_counter() - t_write, 3)
            gen.write_manifest(manifest_bytes(items, counts, state, timings, workers))
    return RunReport(counts, state.stats["processed"], state.stats["cached"], state.stats["failed"],
                     state.messages(), time.perf_counter() - t0, state.stats["chars"])


def _process(state: _Run, stream: Iterator[tuple[Doc | InputError, int]], workers: int) -> dict[str, float]:
    """Run the documents that need it on the configured engine; the startup and processing timings."""
    cfg, opts = state.cfg, state.opts
    tasks, small = engines.lookahead(engines.chunks(state.todo(stream)), 2)
    t_start = time.perf_counter()
    if cfg.engine != "dask" and state.waiting:
        engines.warm()  # here, not inside the first document: timings show steady-state processing
    t_start = time.perf_counter() - t_start
    if cfg.engine == "dask":
        results = engines.run_dask(tasks, opts, workers, cfg.scheduler, cfg.time_limit)
    elif cfg.engine == "inline" or workers <= 1 or small:
        results = engines.run_inline(tasks, opts, cfg.time_limit)
        state.stats["engine"] = "inline"
    else:
        results = engines.run_processes(tasks, opts, workers, cfg.time_limit)
    t_proc, cpu0 = time.perf_counter(), _cpu_seconds()
    state.collect(results)
    return {"startup": round(t_start, 3), "process": round(time.perf_counter() - t_proc, 3),
            "process_cpu": round(_cpu_seconds() - cpu0, 3)}


def _fact_docs(store: Store, items: list[Item], clusters: Clusters) -> Iterator[Doc]:
    """This run's documents for :func:`extract.facts.merge`, in input order: ids, clusters and facts, no text.

    The facts part of each stored entry is read as the merge asks for it, so the facts of the whole
    corpus are never all in memory (only the merged rows are).
    """
    for it in items:
        part = store.facts(it.key)
        if part is None:  # removed under our feet: the document is reported, never silently lost
            raise RuntimeError(f"store entry of {it.source} vanished during the run")
        canon = clusters[it.doc_id][0]
        yield Doc(source=it.source, raw="", line=it.line, doc_id=it.doc_id, content_hash=it.sha256,
                  cluster_id=canon, duplicate_of=None if canon == it.doc_id else canon, facts=part["facts"])


# --------------------------------------------------------------------------------------------- batch stages


def repair_stage(store: Store, items: list[Item], summaries: dict[str, dict[str, Any]], clusters: Clusters,
                 opts: pipeline.Options) -> int:
    """``--repair-from-versions``: mend mojibake from a clean sibling (:func:`extract.repair.repair_from_versions`).

    Only clusters of this run with a corrupted member need it.  Their documents are made again from the
    input each stored body keeps and processed in this process (they are few); the repaired results
    replace the stored ones for this run's outputs only (the store keeps per-document results, which do
    not depend on siblings).  Siblings from earlier runs that are not among this run's inputs are not
    used.
    """
    by_cluster: dict[str, list[Item]] = {}
    for it in items:
        by_cluster.setdefault(clusters[it.doc_id][0], []).append(it)
    need = [m for members in by_cluster.values() if len(members) > 1
            and any(summaries[m.key]["sketch"].corrupt for m in members) for m in members]
    docs: list[Doc] = []
    key_of: dict[str, str] = {}
    for it in need:
        body = store.body(it.key)
        if body is None:
            continue
        d = pipeline.process_doc(Doc(**body["input"]), opts)
        canon = clusters[d.doc_id][0]
        d.cluster_id, d.duplicate_of = canon, (None if canon == d.doc_id else canon)
        docs.append(d)
        key_of[d.doc_id] = it.key
    changed = repair.repair_from_versions(docs)
    for d in changed:
        pipeline.reextract(d, opts)
        store.overrides[key_of[d.doc_id]] = engines.make_entry(d)
    return len(changed)


def cluster_items(store: Store, items: list[Item], summaries: dict[str, dict[str, Any]],
                  threshold: float | None) -> Clusters:
    """doc_id -> (canonical doc_id, Jaccard to it or None when alone), against all documents seen in DIR.

    The same assignment as :func:`extract.dedup.cluster`, from sketches computed in the workers.
    The persisted clusterer is reused when it is compatible; if a document of this run is in it with
    a different sketch (a code or rules change altered its text) the index is rebuilt from all sketches.
    """
    thr = dedup.DEFAULT_THRESHOLD if threshold is None else threshold
    current: dict[str, Any] = {}
    for it in items:
        current.setdefault(it.doc_id, summaries[it.key]["sketch"])
    c = store.load_clusterer()
    changed = c is None
    if c is not None and (c.threshold != thr or any(_differs(c.sketches.get(d), sk) for d, sk in current.items())):
        old = [sk for d, sk in sorted(c.sketches.items()) if d not in current]
        c = dedup.Clusterer(threshold=thr)
        for sk in old:
            c.add_sketch(sk)
        changed = True
    if c is None:
        c = dedup.Clusterer(threshold=thr)
    for d, sk in current.items():
        if d not in c.sketches:
            c.add_sketch(sk)
            changed = True
    groups = c.clusters()
    canon_of = {m: canon for canon, members in groups.items() for m in members if m in current}
    out = {d: (canon_of[d], c.similarity(d, canon_of[d])["jaccard"] if len(groups[canon_of[d]]) > 1 else None)
           for d in current}
    if changed:
        store.save_clusterer(c)
    return out


def _differs(a: Any, b: Any) -> bool:
    return a is not None and (a.digest != b.digest or a.shingles != b.shingles or a.corrupt != b.corrupt
                              or a.repeats != b.repeats)


# --------------------------------------------------------------------------------------------- outputs


def assemble(gen: Generation, store: Store, items: list[Item], clusters: Clusters, merged: list[Fact]
             ) -> dict[str, int]:
    """Write the output JSONL files in input order from the stored bodies, into a new generation of DIR
    (:class:`extract.outdir.Generation`: switched in as a whole, with its manifest, when the run ends)."""
    names = ["documents", *engines.RECORD_KINDS, "facts"]
    counts = dict.fromkeys(names, 0)
    files = gen.files
    for it in items:
        body = store.body(it.key)
        if body is None:  # removed under our feet: the document is reported, never silently lost
            raise RuntimeError(f"store entry of {it.source} vanished during the run")
        canon, sim = clusters[it.doc_id]
        rec = document_record(body["document"], it.source, canon, None if canon == it.doc_id else canon, sim)
        files["documents.jsonl"].write(orjson.dumps(rec) + b"\n")
        counts["documents"] += 1
        for kind in engines.RECORD_KINDS:
            files[f"{kind}.jsonl"].write(body["lines"][kind])
            counts[kind] += body["counts"][kind]
    for f in merged:
        files["facts.jsonl"].write(jsonl_bytes([f]))
        counts["facts"] += 1
    return counts


def manifest_bytes(items: list[Item], counts: dict[str, int], state: _Run, timings: dict[str, float],
                   workers: int) -> bytes:
    """``manifest.json`` of the run.  Only ``timings`` and ``run`` differ between equivalent runs."""
    opts, cfg, stats = state.opts, state.cfg, state.stats
    manifest = {
        "inputs": [{"source": it.source, "line": it.line, "doc_id": it.doc_id, "sha256": it.sha256,
                    "chars": it.chars} for it in items],
        "skipped": state.messages(),
        "counts": counts,
        "options": {"ref_date": opts.ref_date, "threshold": opts.threshold,
                    "repair_from_versions": opts.repair_from_versions,
                    **({"forced_ref_dates": opts.forced_ref_dates} if opts.forced_ref_dates else {})},
        "versions": {**versions(), "pipeline": version_key()},
        "timings": timings,
        "run": {"engine": stats.get("engine", cfg.engine), "workers": workers,
                "processed": stats["processed"], "unchanged": stats["cached"], "failed": stats["failed"],
                "forced": cfg.force},
    }
    return orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"


def run_summary(out: Path, rep: RunReport) -> str:
    return summary(str(out), rep.counts, rep.processed, rep.cached, rep.skipped, rep.seconds, rep.chars)

