"""The batch engine behind ``zh-extract run``: parallel, incremental, streaming, kill-safe.

How a run goes (one pass over the inputs, then the batch stages, then one assembly pass):

1. **Read** the inputs as a stream (:func:`read_stream`: files one at a time, JSONL line by line),
   give each document its content id (numbered suffix for repeated copies) and its store key
   (:func:`extract.store.doc_key`).  Documents whose key is in ``DIR/.cache`` are not processed
   again (unless ``--force``); the others are grouped into small chunks.
2. **Process** the chunks with :func:`work_chunk` in worker processes (``multiprocessing``, each
   worker loading jieba and the rules once), or on a Dask cluster, or inline.  At most a few chunks
   per worker are in flight, so memory stays flat whatever the corpus size.  Each document's result
   comes back as one compact pickle (its JSONL lines, document record, facts and MinHash sketch),
   is stored atomically in ``DIR/.cache/docs`` and only its small summary (sketch, facts) is kept.
   A document whose processing raises is reported with its path[:line] and skipped; a worker that
   dies (segfault, out of memory) is replaced and its documents retried one by one.
3. **Cluster** near-duplicates with :class:`extract.dedup.Clusterer`: the sketches of documents of
   earlier runs into the same DIR are persisted, so today's version of an article is found to be a
   duplicate of yesterday's.  With ``--repair-from-versions``, the few clusters of this run that have
   a corrupted member are read again and repaired (:func:`repair_stage`).  **Merge** facts
   (:func:`extract.facts.merge`) on light documents streamed from the store (ids, cluster ids, facts).
4. **Assemble** the output files in input order by streaming the stored entries, each file written to
   a temporary name and renamed at the end; ``manifest.json`` last.  The outputs therefore do not
   depend on the number of workers or the engine, and a run killed at any point leaves every file
   old-and-complete or new-and-complete; re-running finishes the work from the store.

The outputs describe exactly the inputs of this run.  Results of documents from earlier runs that
are not among them stay in the store (and their sketches in clustering) but are not written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from extract import dedup, facts, ingest, pipeline, segment
from extract.export import AtomicFiles, versions
from extract.ingest import InputError
from extract.model import Doc, Fact, content_id, jsonl_bytes
from extract.progress import Progress, summary
from extract.store import STORE_FORMAT, Store, doc_key, version_key

RECORD_KINDS = ("quantities", "dates", "entities")
CHUNK_DOCS = 8  # documents per task: amortises IPC, small enough to balance 2 workers
CHUNK_CHARS = 200_000  # a long article travels alone


# --------------------------------------------------------------------------------------------- reading


def input_bytes(paths: Iterable[str]) -> int | None:
    """Total size of the input files (for the progress bar), None when standard input is one of them."""
    total = 0
    for item in ingest.walk(list(paths)):
        if item == "-":
            return None
        if isinstance(item, Path):
            with contextlib.suppress(OSError):
                total += item.stat().st_size
    return total


def read_stream(paths: Iterable[str]) -> Iterator[tuple[Doc | InputError, int]]:
    """Every article (or input error) with the number of input bytes it stands for, in input order.

    Like :func:`extract.ingest.read_inputs`, but a ``.jsonl`` file is read line by line instead of
    whole, so an archive of any size is never in memory at once.
    """
    for item in ingest.walk(list(paths)):
        if isinstance(item, InputError):
            yield item, 0
        elif item == "-":
            for x in ingest.read_inputs(["-"]):
                yield x, len(x.raw.encode("utf-8", "surrogatepass")) if isinstance(x, Doc) else 0
        elif item.suffix.lower() == ".jsonl":
            yield from _jsonl_stream(item)
        else:
            try:
                size = item.stat().st_size
            except OSError:
                size = 0
            for x in ingest.read_file(item):
                yield x, size


def _jsonl_stream(path: Path) -> Iterator[tuple[Doc | InputError, int]]:
    """Articles of a JSONL file, one line at a time (lines end at ``\\n`` only, as JSON Lines says)."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below; the generator may stop early
    except OSError as e:
        yield InputError(str(path), f"unreadable: {e.strerror or e}"), 0
        return
    with f:
        for n, line in enumerate(f, 1):
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            yield _jsonl_record(f"{path}:{n}", line, n), len(line)


def _jsonl_record(where: str, line: bytes, n: int) -> Doc | InputError:
    """One JSONL line as a Doc or an error, with the checks of :func:`extract.ingest.read_jsonl`."""
    text, enc = ingest.decode(line)
    if text is None:
        return InputError(where, enc)
    try:
        rec = orjson.loads(text)
    except orjson.JSONDecodeError:
        try:  # lone surrogates: orjson refuses them, the stdlib reads them and they are replaced
            import json

            rec = json.loads(text)
        except (ValueError, RecursionError) as e:
            return InputError(where, f"invalid JSON ({str(e.args[0] if e.args else e)[:200]})")
    if not isinstance(rec, dict):
        return InputError(where, "not a JSON object")
    body = rec.get("text")
    if not isinstance(body, str):
        return InputError(where, "missing string field 'text'")
    rid = rec.get("id")
    if rid is None:
        return InputError(where, "missing field 'id'")
    published = rec.get("published")
    iso = ingest.parse_datetime(published) if isinstance(published, str) else None
    meta = {"line": n, "title": ingest._str(rec.get("title")), "url": ingest._str(rec.get("url")),
            "site": ingest._str(rec.get("source")), "published": iso}
    doc = ingest._from_text(ingest._fix_surrogates(str(rid)), ingest._fix_surrogates(body),
                            is_html=bool(rec.get("html")), **meta)
    if isinstance(doc, InputError):
        doc.where = where
    elif iso:
        doc.ref_date_source = "jsonl"
    return doc


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


def identify(doc: Doc, seen_ids: dict[str, int], options: dict[str, Any]) -> Item:
    """Give ``doc`` its content id (numbered suffix for a repeated copy) and its store key."""
    base = content_id(doc.raw)
    n = seen_ids.get(base, 0)
    seen_ids[base] = n + 1
    doc.doc_id = base if not n else f"{base}-{n + 1}"
    sha = hashlib.sha256(doc.raw.encode("utf-8", "surrogatepass")).hexdigest()
    meta = {"title": doc.title, "published": doc.published, "url": doc.url, "site": doc.site,
            "ref_date_source": doc.ref_date_source}
    return Item(doc_key(sha, doc.doc_id, meta, options), doc.source, doc.line, doc.doc_id, sha, len(doc.raw))


# --------------------------------------------------------------------------------------------- workers


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


# Simplified and traditional (so the OpenCC converters load too): what every worker needs once.
_WARM_TEXT = "2024年1月，新疆霍尔果斯口岸进出口货运量达836.8万吨，同比增长12.5%。\n據海關統計，進出口總值增長。"


def warm() -> None:
    """Load jieba's dictionary, the user words and the rules once per worker process."""
    segment.tokenizer()
    with contextlib.suppress(Exception):  # a failing extractor is reported per document, not here
        pipeline.process_doc(Doc(source="warm-up", raw=_WARM_TEXT))


def sketch(doc: Doc) -> dedup.DocSketch:
    """The near-duplicate sketch of a processed document, as ``Clusterer.add`` would compute it.

    Computed in the worker so that the main process only indexes it (sketching is the costly part).
    """
    maker = getattr(dedup.Clusterer, "sketch", None)
    repeats = sum(1 for r in doc.removed if r.kind == "passage")
    c = _sketch_clusterer()
    if callable(maker):
        return maker(c, doc.doc_id, doc.text, doc.corrupt, repeats)
    text = doc.text
    k = dedup.key(text)
    bad = sum(len(dedup.key(text[s:e])) for s, e in doc.corrupt)
    hv, n = c.sketcher(k)
    digest = hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return dedup.DocSketch(doc.doc_id, hv, n, len(k), bad, repeats, digest)


@cache
def _sketch_clusterer() -> dedup.Clusterer:
    return dedup.Clusterer()


def make_entry(doc: Doc) -> dict[str, Any]:
    """What the store keeps of a processed document: output lines, document record, facts, sketch."""
    lines = {}
    counts = {}
    for kind in RECORD_KINDS:
        recs = getattr(doc, kind)
        lines[kind] = jsonl_bytes(recs)
        counts[kind] = len(recs)
    return {"format": STORE_FORMAT, "doc_id": doc.doc_id, "document": doc.to_json(), "lines": lines,
            "counts": counts, "facts": doc.facts, "sketch": sketch(doc),
            "light": {"title": doc.title, "published": doc.published, "ref_date": doc.ref_date,
                      "script": doc.script, "source": doc.source}}


@dataclass(slots=True)
class Result:
    """A worker's answer for one document: the bytes to store and its sketch, or an error."""

    key: str
    data: bytes | None = None
    sketch: Any = None
    chars: int = 0
    error: str | None = None


def work_chunk(chunk: list[tuple[str, Doc]], opts: pipeline.Options) -> list[Result]:
    """Process documents on their own (the unit of work of every engine); never raises for one bad article.

    The documents are consumed: each is released once its result is made (see :meth:`Doc.release`).
    """
    segment.tokenizer()  # no-op once warm; warms Dask workers lazily
    out = []
    for key, doc in chunk:
        try:
            d = pipeline.process_doc(doc, opts)
            entry = make_entry(d)
            out.append(Result(key, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL), entry["sketch"],
                              chars=len(d.raw)))
        except Exception as e:  # noqa: BLE001 - one bad article must not stop the batch
            out.append(Result(key, error=f"{type(e).__name__}: {str(e)[:300]}"))
        finally:
            doc.release()  # the chunk's documents are consumed: their results are in ``out``
    return out


# --------------------------------------------------------------------------------------------- engines


Chunk = list[tuple[str, Doc]]


def chunks(stream: Iterable[tuple[str, Doc]], max_docs: int = CHUNK_DOCS, max_chars: int = CHUNK_CHARS
           ) -> Iterator[Chunk]:
    """Group documents into tasks of at most ``max_docs`` documents or ``max_chars`` characters."""
    buf: Chunk = []
    size = 0
    for key, doc in stream:
        if buf and (len(buf) >= max_docs or size + len(doc.raw) > max_chars):
            yield buf
            buf, size = [], 0
        buf.append((key, doc))
        size += len(doc.raw)
    if buf:
        yield buf


def _lookahead(it: Iterator[Chunk], n: int) -> tuple[Iterator[Chunk], bool]:
    """The same chunks, and whether there are at most ``n`` of them (too few to pay for a pool)."""
    head = []
    for c in it:
        head.append(c)
        if len(head) > n:
            break
    small = len(head) <= n

    def chained() -> Iterator[Chunk]:
        yield from head
        yield from it

    return chained(), small


def run_inline(tasks: Iterable[Chunk], opts: pipeline.Options) -> Iterator[list[Result]]:
    for chunk in tasks:
        yield work_chunk(chunk, opts)


def run_processes(tasks: Iterable[Chunk], opts: pipeline.Options, workers: int) -> Iterator[list[Result]]:
    """Chunks on a process pool, a bounded number in flight; results as they complete.

    A worker killed by the system (out of memory, a crash in a C extension) breaks the pool: a new
    pool is started and the chunks that were in flight are retried one document at a time, so only
    the document that kills a worker twice is reported as failed.
    """
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    fork = sys.platform.startswith("linux")
    ctx = mp.get_context("fork" if fork else "spawn")
    window = 2 * workers + 2
    if fork:
        warm()  # once here: forked workers share the loaded dictionary instead of each building it

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=warm)

    pool = new_pool()
    it = iter(tasks)
    retry: deque[tuple[Chunk, int]] = deque()
    pending: dict[Any, tuple[Chunk, int]] = {}
    exhausted = False
    try:
        while True:
            while len(pending) < window and (retry or not exhausted):
                if retry:
                    chunk, tries = retry.popleft()
                else:
                    try:
                        chunk, tries = next(it), 0
                    except StopIteration:
                        exhausted = True
                        break
                pending[pool.submit(work_chunk, chunk, opts)] = (chunk, tries)
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                chunk, tries = pending.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = True
                    if tries >= 1 and len(chunk) == 1:
                        yield [Result(chunk[0][0], error="worker process died while processing it")]
                    else:
                        retry.extend(([c], tries + 1) for c in chunk)
            if broken:
                for chunk, tries in pending.values():
                    retry.extend(([c], tries + (1 if len(chunk) == 1 else 0)) for c in chunk)
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(tasks: Iterable[Chunk], opts: pipeline.Options, workers: int, scheduler: str | None
             ) -> Iterator[list[Result]]:
    """Chunks on a Dask cluster (``dask.distributed``): the scheduler at ``scheduler``, else a local one.

    Documents travel to the workers pickled; each worker warms jieba on its first task.  The
    per-document work is the same :func:`work_chunk`, so the outputs are those of the other engines.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        window = 2 * nworkers + 2
        it = iter(tasks)
        ac = as_completed()
        inflight = 0
        for chunk in it:
            ac.add(client.submit(work_chunk, chunk, opts, pure=False))
            inflight += 1
            if inflight >= window:
                fut = next(ac)
                inflight -= 1
                yield fut.result()
                fut.release()
        for fut in ac:
            yield fut.result()
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


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


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (pool workers): the work, whatever the load."""
    import resource

    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ch.ru_utime + ch.ru_stime


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run(paths: list[str], out: Path, opts: pipeline.Options, cfg: RunConfig,
        report: Callable[[str], None] | None = None) -> RunReport:
    """Process ``paths`` into ``out`` (see the module docstring).  Raises StoreBusy if ``out`` is in use."""
    t0 = time.perf_counter()
    out = Path(out)
    workers = cfg.workers or cpu_count()
    show = Progress.wanted(cfg.quiet) if cfg.progress is None else cfg.progress
    progress = Progress(input_bytes(paths) if show else None, show)
    skipped: list[tuple[int, int, str]] = []  # (input position, 0 read | 1 processing, message)

    def say(msg: str, pos: int | None = None) -> None:
        skipped.append((len(items), 0, msg) if pos is None else (pos, 1, msg))
        if report is not None:
            report(msg)
        else:
            progress.write(msg)

    items: list[Item] = []
    summaries: dict[str, Any] = {}  # key -> near-duplicate sketch (facts stay in the store until merging)
    waiting: dict[str, tuple[Item, int]] = {}  # sent to a worker: the item and its input bytes
    seen_ids: dict[str, int] = {}
    stats: dict[str, Any] = {"processed": 0, "cached": 0, "failed": 0, "chars": 0}

    with Store(out) as store:

        def todo() -> Iterator[tuple[str, Doc]]:
            """Read inputs; yield the documents that need processing, take the others from the store."""
            for x, nbytes in read_stream(paths):
                if isinstance(x, InputError):
                    say(str(x))
                    progress.update(nbytes, docs=0)
                    continue
                item = identify(x, seen_ids, store_options(opts, x))
                item.pos = len(items)
                items.append(item)
                if item.key in summaries or item.key in waiting:
                    progress.update(nbytes, cached=True)
                    continue
                entry = None if cfg.force else store.get(item.key)
                if entry is not None:
                    summaries[item.key] = entry["sketch"]
                    stats["cached"] += 1
                    progress.update(nbytes, cached=True)
                    continue
                waiting[item.key] = (item, nbytes)
                yield item.key, x

        tasks, small = _lookahead(chunks(todo()), 2)
        t_start = time.perf_counter()
        if cfg.engine != "dask" and waiting:
            warm()  # here, not inside the first document: timings show steady-state processing
        t_start = time.perf_counter() - t_start
        if cfg.engine == "dask":
            results = run_dask(tasks, opts, workers, cfg.scheduler)
        elif cfg.engine == "inline" or workers <= 1 or small:
            results = run_inline(tasks, opts)
            stats["engine"] = "inline"
        else:
            results = run_processes(tasks, opts, workers)
        t_proc = time.perf_counter()
        cpu0 = _cpu_seconds()
        for batch in results:
            for r in batch:
                item, nbytes = waiting.pop(r.key)
                if r.error is not None:
                    where = f"{item.source}:{item.line}" if item.line else item.source
                    say(f"{where}: could not be processed ({r.error}); skipped", item.pos)
                    stats["failed"] += 1
                    progress.update(nbytes)
                    continue
                store.put(r.key, r.data)
                summaries[r.key] = r.sketch
                stats["processed"] += 1
                stats["chars"] += r.chars
                progress.update(nbytes, chars=r.chars)
        t_proc = time.perf_counter() - t_proc
        cpu_proc = _cpu_seconds() - cpu0
        progress.close()
        skipped.sort(key=lambda x: x[:2])  # input order, whatever order the workers finished in
        messages = [m for _, _, m in skipped]
        items = [it for it in items if it.key in summaries]
        if not items:
            return RunReport({}, 0, 0, stats["failed"], messages, time.perf_counter() - t0, 0)

        t_batch = time.perf_counter()
        clusters = cluster_items(store, items, summaries, opts.threshold)
        if opts.repair_from_versions:
            stats["repaired"] = repair_stage(paths, store, items, summaries, clusters, opts)
        merged = facts.merge(LightDocs(store, items, clusters))
        t_batch = time.perf_counter() - t_batch
        t_write = time.perf_counter()
        counts = assemble(out, store, items, clusters, merged)
        timings = {"startup": round(t_start, 3), "process": round(t_proc, 3), "process_cpu": round(cpu_proc, 3),
                   "batch": round(t_batch, 3),
                   "write": round(time.perf_counter() - t_write, 3)}
        write_manifest(out, items, counts, messages, opts, cfg, stats, timings, workers)
    return RunReport(counts, stats["processed"], stats["cached"], stats["failed"], messages,
                     time.perf_counter() - t0, stats["chars"])


class LightDocs:
    """This run's documents for :func:`extract.facts.merge`, in input order: ids, cluster ids and facts, no text.

    Read from the store on each iteration, so the facts of the whole corpus are never all in memory
    (only the merged rows are).
    """

    def __init__(self, store: Store, items: list[Item], clusters: dict[str, tuple[str, float | None]]) -> None:
        self.store, self.items, self.clusters = store, items, clusters

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Doc]:
        for it in self.items:
            entry = self.store.get(it.key)
            if entry is None:
                raise RuntimeError(f"store entry of {it.source} vanished during the run")
            canon = self.clusters[it.doc_id][0]
            light = entry.get("light", {})
            d = Doc(source=it.source, raw="", line=it.line, doc_id=it.doc_id, content_hash=it.sha256,
                    title=light.get("title"), published=light.get("published"), ref_date=light.get("ref_date"),
                    cluster_id=canon, duplicate_of=None if canon == it.doc_id else canon)
            d.facts = entry["facts"]
            yield d


def repair_stage(paths: list[str], store: Store, items: list[Item], summaries: dict[str, Any],
                 clusters: dict[str, tuple[str, float | None]], opts: pipeline.Options) -> int:
    """``--repair-from-versions``: mend mojibake from a clean sibling (:func:`extract.dedup.repair_from_versions`).

    Only clusters of this run with a corrupted member need it, so only their documents are read again
    and processed (in this process: they are few); the repaired results replace the stored ones for this
    run's outputs only (the store keeps per-document results, which do not depend on siblings).  Siblings
    from earlier runs that are not among this run's inputs cannot lend text (their text is not kept).
    """
    by_cluster: dict[str, list[Item]] = {}
    for it in items:
        by_cluster.setdefault(clusters[it.doc_id][0], []).append(it)
    need = {m.key for members in by_cluster.values() if len(members) > 1
            and any(getattr(summaries[m.key], "corrupt", 0) for m in members) for m in members}
    if not need:
        return 0
    docs: list[Doc] = []
    key_of: dict[str, str] = {}
    seen_ids: dict[str, int] = {}
    for x, _ in read_stream(paths):
        if isinstance(x, InputError):
            continue
        it = identify(x, seen_ids, store_options(opts, x))
        if it.key in need:
            d = pipeline.process_doc(x, opts)
            canon = clusters[d.doc_id][0]
            d.cluster_id, d.duplicate_of = canon, (None if canon == d.doc_id else canon)
            docs.append(d)
            key_of[d.doc_id] = it.key
    changed = dedup.repair_from_versions(docs) or []
    for d in changed:
        pipeline.extract_records(segment.segment(d))
        store.overrides[key_of[d.doc_id]] = make_entry(d)
    return len(changed)


def cluster_items(store: Store, items: list[Item], summaries: dict[str, Any],
                  threshold: float | None) -> dict[str, tuple[str, float | None]]:
    """doc_id -> (canonical doc_id, Jaccard to it or None when alone), against all documents seen in DIR.

    The same assignment as :func:`extract.dedup.cluster`, from sketches computed in the workers.

    The persisted clusterer is reused when it is compatible; if a document of this run is in it with
    a different sketch (a code or rules change altered its text) the index is rebuilt from all sketches.
    """
    thr = dedup.DEFAULT_THRESHOLD if threshold is None else threshold
    current: dict[str, Any] = {}
    for it in items:
        current.setdefault(it.doc_id, summaries[it.key])
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


def assemble(out: Path, store: Store, items: list[Item], clusters: dict[str, tuple[str, float | None]],
             merged: list[Fact]) -> dict[str, int]:
    """Write the output JSONL files in input order from the store, all renamed into place at the end."""
    names = ["documents", *RECORD_KINDS, "facts"]
    counts = dict.fromkeys(names, 0)
    with AtomicFiles(out, [f"{n}.jsonl" for n in names]) as files:
        for it in items:
            entry = store.get(it.key)
            if entry is None:  # removed under our feet: the document is reported, never silently lost
                raise RuntimeError(f"store entry of {it.source} vanished during the run")
            rec = entry["document"]
            canon, sim = clusters[it.doc_id]
            rec["source"] = it.source
            rec["cluster_id"] = canon
            rec["duplicate_of"] = None if canon == it.doc_id else canon
            if "cluster_similarity" in rec:
                rec["cluster_similarity"] = sim
            files["documents.jsonl"].write(orjson.dumps(rec) + b"\n")
            counts["documents"] += 1
            for kind in RECORD_KINDS:
                files[f"{kind}.jsonl"].write(entry["lines"][kind])
                counts[kind] += entry["counts"][kind]
        for f in merged:
            files["facts.jsonl"].write(jsonl_bytes([f]))
            counts["facts"] += 1
    return counts


def write_manifest(out: Path, items: list[Item], counts: dict[str, int], skipped: list[str],
                   opts: pipeline.Options, cfg: RunConfig, stats: dict[str, Any], timings: dict[str, float],
                   workers: int) -> None:
    """``manifest.json``, written last.  Only ``timings`` and ``run`` differ between equivalent runs."""
    from extract.store import write_atomic

    manifest = {
        "inputs": [{"source": it.source, "line": it.line, "doc_id": it.doc_id, "sha256": it.sha256,
                    "chars": it.chars} for it in items],
        "skipped": skipped,
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
    write_atomic(out / "manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n", sync=True)


def run_summary(out: Path, rep: RunReport) -> str:
    return summary(str(out), rep.counts, rep.processed, rep.cached, rep.skipped, rep.seconds, rep.chars)
