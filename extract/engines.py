"""Where the per-document work runs: inline, in a pool of worker processes, or on a Dask cluster.

The unit of work is :func:`work_chunk`: a few documents through the stages of :mod:`extract.pipeline`
(a stage at a time over all of them), each turned into a store entry (:func:`make_entry`).  Every engine
runs the same function, so the outputs do not depend on the engine or the number of workers.
"""

from __future__ import annotations

import contextlib
import copyreg
import ctypes
import dataclasses
import gc
import io
import operator
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from extract import budget, dedup, lexicon, pipeline
from extract.budget import Budget, DocTimeout, budget_for
from extract.model import Doc, Fact, Mention, jsonl_bytes
from extract.store import STORE_FORMAT

RECORD_KINDS = ("quantities", "dates", "entities")
CHUNK_DOCS = 8  # documents per task: amortises IPC, small enough to balance 2 workers
CHUNK_CHARS = 200_000  # a long article travels alone
TIME_LIMIT = 60.0  # seconds per document (per started million characters for longer ones): see budget_for

Chunk = list[tuple[str, Doc]]

# Simplified and traditional (so the OpenCC converters load too): what every worker needs once.
_WARM_TEXT = "2024年1月，新疆霍尔果斯口岸进出口货运量达836.8万吨，同比增长12.5%。\n據海關統計，進出口總值增長。"


# Young-generation collections per this many container allocations (Python's default is 700): the extractors
# allocate millions of short-lived tuples and records that reference counting frees; at the default the cyclic
# collector ran about 200 times per 120 articles, 3 % of the CPU time, for no garbage.
_GC_GEN0 = 50_000


def warm() -> None:
    """Load jieba's dictionary, the user words and the rules once per worker process, then freeze them.

    Frozen objects (the dictionaries and rule tables: millions of them) are never walked by the cyclic
    collector again, and forked workers keep sharing their pages instead of copying them on each collection.
    """
    lexicon.tokenizer()
    _sketcher()  # its LSH parameters are a numeric search (about 0.1 s): once here, not in the first document
    with contextlib.suppress(Exception):  # a failing extractor is reported per document, not here
        pipeline.process_doc(Doc(source="warm-up", raw=_WARM_TEXT))
    gc.collect(1)  # the warm-up's young objects: a full collection walks every rule table (0.1 s) for no garbage
    gc.freeze()
    gc.set_threshold(_GC_GEN0, *gc.get_threshold()[1:])


@cache
def _sketcher() -> dedup.Clusterer:
    return dedup.Clusterer()


def make_entry(doc: Doc) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """What the store keeps of a processed document: (summary, facts, body), stored as separate parts.

    The summary is what the batch needs before anything else: the near-duplicate sketch (computed
    here, in the worker: sketching is the costly part).  The facts are read when facts are merged,
    the body when the output files are written: the document record's fields, the JSON lines of its
    records, and the input it was made from (so that repair from versions can make it again without
    reading the inputs).  Only summaries stay in memory during a run.  The document's words and date
    candidates are dropped first: the entry does not keep them, and on a long article they are most of
    its memory.
    """
    doc.tokens, doc.word_cut, doc.date_candidates = [], None, []  # working state the entry does not keep
    repeats = sum(1 for r in doc.removed if r.kind == "passage")
    summary = {"format": STORE_FORMAT, "doc_id": doc.doc_id,
               "sketch": _sketcher().sketch(doc.doc_id, doc.text, doc.corrupt, repeats)}
    lines = {kind: _lines(getattr(doc, kind)) for kind in RECORD_KINDS}
    counts = {kind: len(getattr(doc, kind)) for kind in RECORD_KINDS}
    body = {"format": STORE_FORMAT, "document": doc.record_fields(), "lines": lines, "counts": counts,
            "input": _input_of(doc)}
    return summary, {"format": STORE_FORMAT, "facts": doc.facts}, body


def _lines(recs: list[Any], step: int = 512) -> bytes:
    """The JSON lines of ``recs``, made a slice at a time: one small object per record for the whole list at
    once doubled the memory of a long article's records."""
    if len(recs) <= step:
        return jsonl_bytes(recs)
    out = bytearray()
    for i in range(0, len(recs), step):
        out += jsonl_bytes(recs[i:i + step])
    return bytes(out)


def _by_fields(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    """A slotted record pickled as its class and its field values, in order (read back by calling the class):
    half the time and four fifths the bytes of the default (a dict of slot names and values per object)."""
    names = [f.name for f in dataclasses.fields(cls)]
    get = operator.attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))
    return lambda obj: (cls, get(obj))


# the store's picklers: a document's facts are thousands of Fact and Mention objects
_DISPATCH = {**copyreg.dispatch_table, Fact: _by_fields(Fact), Mention: _by_fields(Mention)}


def pickled(entry: tuple[dict[str, Any], ...]) -> tuple[bytes, ...]:
    """The parts of an entry as the store writes them."""
    return tuple(_dumps(part) for part in entry)


def _dumps(part: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    p.dispatch_table = _DISPATCH
    p.dump(part)
    return buf.getvalue()


def _input_of(doc: Doc) -> dict[str, Any]:
    """The input a document was made from (raw text and metadata), to make it again."""
    return {"source": doc.source, "raw": doc.raw, "line": doc.line, "path": doc.path, "title": doc.title,
            "url": doc.url, "site": doc.site, "ref_date_source": doc.ref_date_source, "published": doc.published,
            "doc_id": doc.doc_id, "content_hash": doc.content_hash}


@dataclass(slots=True)
class Result:
    """A worker's answer for one document: its summary, its store entry's parts and its size, or an error
    (what to say after ``path[:line]: ``)."""

    key: str
    summary: dict[str, Any] | None = None
    parts: tuple[bytes, ...] = ()
    chars: int = 0
    error: str | None = None


def work_chunk(chunk: Chunk, opts: pipeline.Options, limit: float | None = TIME_LIMIT) -> list[Result]:
    """Process documents on their own (the unit of work of every engine); never raises for one bad article.

    The chunk goes through the pipeline a stage at a time (the stage over each of its documents in turn, not each
    document through every stage): a stage's rule tables and compiled patterns then stay in the processor's caches
    from one document to the next, which measured 15-20 % less CPU on news-sized articles (the pipeline's time is
    mostly cache misses in those tables).  Each stage reads and sets only its own document's fields, so the
    records are the same either way.  Each document has its own time budget (:func:`budget_for`), spent over
    the stages it went through: one that takes longer is reported (``took more than N s``) and dropped, never a
    hang, and so is one a stage fails on; the others go on.  The documents are consumed: each is released once
    the chunk's results are made (see :meth:`Doc.release`).
    """
    lexicon.tokenizer()  # no-op once warm; warms Dask workers lazily
    opts = opts or pipeline.Options()
    jobs = [_Job(key, doc, budget_for(len(doc.raw), limit)) for key, doc in chunk]
    try:
        for stage in pipeline.STAGES:
            for job in jobs:
                if job.result is None:
                    job.step(stage.run, opts)
        for job in jobs:
            if job.result is None:
                job.finish()
    finally:
        for job in jobs:
            job.doc.release()  # the chunk's documents are consumed: their results are in the jobs
    return [job.result for job in jobs if job.result is not None]


class _Job:
    """One document of a chunk on its way through the stages: its time left, and its result once made."""

    __slots__ = ("key", "doc", "seconds", "left", "result")

    def __init__(self, key: str, doc: Doc, seconds: float | None) -> None:
        self.key, self.doc, self.seconds, self.left = key, doc, seconds, seconds
        self.result: Result | None = None

    def step(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(doc, *args)`` within the document's time left; a timeout or an error becomes its result."""
        t = time.monotonic()
        try:
            with Budget(self.left):
                return fn(self.doc, *args)
        except DocTimeout:
            self.result = Result(self.key, error=f"took more than {self.seconds:g} s, skipped")
        except Exception as e:  # noqa: BLE001 - one bad article must not stop the batch
            why = f"{type(e).__name__}: {str(e)[:300]}"
            self.result = Result(self.key, error=f"could not be processed ({why}); skipped")
        finally:
            if self.left is not None:
                self.left -= time.monotonic() - t
                if self.left <= 0 and self.result is None:  # (a budget of 0 would be none at all)
                    self.result = Result(self.key, error=f"took more than {self.seconds:g} s, skipped")
        return None

    def finish(self) -> None:
        """The document's store entry, as its result."""
        entry = self.step(make_entry)
        if entry is not None and self.result is None:
            self.result = Result(self.key, entry[0], pickled(entry), len(self.doc.raw))


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


def lookahead(it: Iterator[Chunk], n: int) -> tuple[Iterator[Chunk], bool]:
    """The same chunks, and whether there are at most ``n`` of them (too few to pay for a pool)."""
    head = []
    for c in it:
        head.append(c)
        if len(head) > n:
            break

    def chained() -> Iterator[Chunk]:
        yield from head
        yield from it

    return chained(), len(head) <= n


def run_inline(tasks: Iterable[Chunk], opts: pipeline.Options, limit: float | None = TIME_LIMIT
               ) -> Iterator[list[Result]]:
    for chunk in tasks:
        yield work_chunk(chunk, opts, limit)


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it dies, even by kill -9 (no orphan keeps running).

    On Linux the kernel sends SIGKILL on the parent's death (``prctl(PR_SET_PDEATHSIG)``); elsewhere a
    thread watches the parent id.  A parent already gone before this ran is caught by the id check.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    else:
        def watch() -> None:
            while os.getppid() == parent:
                threading.Event().wait(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="zh-extract-parent-watch").start()
    if os.getppid() != parent:
        os._exit(1)


def _worker_init(parent: int) -> None:
    """A pool worker: dies with the run, never holds the run's standard output, loads the dictionary."""
    budget.in_pool_worker()
    _die_with_parent(parent)
    with contextlib.suppress(OSError):  # `zh-extract run ... | cat` ends when the run ends
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    warm()


class _Pool:
    """A process pool that is replaced when a worker dies, with the chunks to retry one document at a time."""

    def __init__(self, workers: int, limit: float | None = TIME_LIMIT) -> None:
        import multiprocessing as mp

        fork = sys.platform.startswith("linux")
        self.ctx = mp.get_context("fork" if fork else "spawn")
        self.workers = workers
        self.limit = limit
        if fork:
            warm()  # once here: forked workers share the loaded dictionary instead of each building it
        self.pool = self._new()
        self.retry: deque[tuple[Chunk, int]] = deque()
        self.pending: dict[Any, tuple[Chunk, int]] = {}

    def _new(self):
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx, initializer=_worker_init,
                                   initargs=(os.getpid(),))

    def fill(self, it: Iterator[Chunk], window: int, opts: pipeline.Options) -> None:
        """Submit retries first, then new chunks, up to ``window`` in flight."""
        while len(self.pending) < window:
            if self.retry:
                chunk, tries = self.retry.popleft()
            else:
                chunk, tries = next(it, None), 0
                if chunk is None:
                    return
            self.pending[self.pool.submit(work_chunk, chunk, opts, self.limit)] = (chunk, tries)

    def results(self) -> Iterator[list[Result]]:
        """The results of the chunks that finish next; a broken pool is replaced and its chunks retried."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
        broken = False
        for fut in done:
            chunk, tries = self.pending.pop(fut)
            try:
                yield fut.result()
            except BrokenProcessPool:
                broken = True
                if tries >= 1 and len(chunk) == 1:
                    yield [Result(chunk[0][0], error="could not be processed (the worker process died while "
                                                     "processing it: out of memory, a crash, or stuck in "
                                                     "native code past its time limit); skipped")]
                else:
                    self.retry.extend(([c], tries + 1) for c in chunk)
        if broken:
            for chunk, tries in self.pending.values():
                self.retry.extend(([c], tries + (1 if len(chunk) == 1 else 0)) for c in chunk)
            self.pending.clear()
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new()


def run_processes(tasks: Iterable[Chunk], opts: pipeline.Options, workers: int, limit: float | None = TIME_LIMIT
                  ) -> Iterator[list[Result]]:
    """Chunks on a process pool, a bounded number in flight; results as they complete.

    A worker killed by the system (out of memory, a crash in a C extension) breaks the pool: a new
    pool is started and the chunks that were in flight are retried one document at a time, so only
    the document that kills a worker twice is reported as failed.  Workers die with this process.
    """
    pool = _Pool(workers, limit)
    it = iter(tasks)
    try:
        while True:
            pool.fill(it, 2 * workers + 2, opts)
            if not pool.pending:
                return
            yield from pool.results()
    finally:
        pool.pool.shutdown(wait=True, cancel_futures=True)


def run_dask(tasks: Iterable[Chunk], opts: pipeline.Options, workers: int, scheduler: str | None,
             limit: float | None = TIME_LIMIT) -> Iterator[list[Result]]:
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
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or workers) + 2
        ac = as_completed()
        inflight = 0
        for chunk in tasks:
            ac.add(client.submit(work_chunk, chunk, opts, limit, pure=False))
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
