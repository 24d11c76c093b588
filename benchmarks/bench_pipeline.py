"""Whole-pipeline throughput and memory next to jieba alone, with 1 and N workers.

    .venv/bin/python benchmarks/bench_pipeline.py                 # 5 MB, then 2 MB vs 20 MB for memory
    .venv/bin/python benchmarks/bench_pipeline.py --mb 10 --workers 1,2,4 --memory-mb 0 --stages

A corpus of the requested size is built from ``corpus/``: each synthetic article is a random draw of
sentences from the seed articles (seeded, so the corpus is the same every time) with a numbered
headline, so every copy is unique (no store hits, no exact duplicates) and unrelated copies stay
below the near-duplicate threshold, as distinct articles of a day's news would.  It is written as one
JSONL file (the streaming reader is part of what is measured).

Printed: chars/s and documents/s of ``zh-extract run`` (fresh output folder, so nothing is cached),
steady state (``manifest.json`` timings: processing only) and wall clock (with interpreter start and
loading jieba); peak memory of the whole process tree (main + workers, sampled every 50 ms); jieba
``lcut`` alone on the same texts in one process, both stock jieba (the yardstick) and the project's
FastTokenizer (same words, cheaper); and the ratios the batch issue asks for.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sentences() -> list[str]:
    """Sentences of the simplified seed articles (000 is the traditional scrape of 002: left out)."""
    out = []
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        if p.name.startswith("000"):
            continue
        text = p.read_text(encoding="utf-8")
        out += [s.strip() for s in re.findall(r"[^。！？\n]+[。！？]?", text) if len(s.strip()) >= 8]
    return out


def build(path: Path, mb: float, seed: int = 7) -> tuple[int, int]:
    """A JSONL corpus of ``mb`` MB; returns (documents, characters)."""
    rng = random.Random(seed)
    pool = sentences()
    target = int(mb * 1024 * 1024)
    size = docs = chars = 0
    with path.open("wb") as f:
        while size < target:
            k = rng.randint(25, 70)
            body = []
            for _ in range(rng.randint(4, 10)):
                body.append("".join(rng.choice(pool) for _ in range(max(1, k // 6))))
            text = f"第{docs + 1}号综合报道：口岸经济观察\n" + "\n".join(body)
            line = orjson.dumps({"id": f"bench-{docs + 1}", "text": text}) + b"\n"
            f.write(line)
            size += len(line)
            docs += 1
            chars += len(text)
    return docs, chars


def texts(path: Path) -> list[str]:
    return [orjson.loads(line)["text"] for line in path.read_bytes().splitlines()]


def stages(path: Path, limit: int = 120) -> None:
    """Seconds per stage on the first ``limit`` articles, in this process: where the time goes."""
    from extract import pipeline
    from extract.engines import CHUNK_DOCS, make_entry, pickled, warm
    from extract.model import Doc

    warm()  # rules and dictionaries load once per worker in real runs: not a per-document cost
    ts = texts(path)[:limit]
    n = sum(map(len, ts))
    spent: dict[str, float] = {}
    opts = pipeline.Options()
    for c in range(0, len(ts), CHUNK_DOCS):  # as a worker runs a chunk: a stage at a time over its documents
        docs = [Doc(source=str(i), raw=x, doc_id=str(i)) for i, x in enumerate(ts[c:c + CHUNK_DOCS], c)]
        for stage in pipeline.STAGES:  # the pipeline's own list, timed stage by stage
            t = time.perf_counter()
            for d in docs:
                stage.run(d, opts)
            spent[stage.name] = spent.get(stage.name, 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        for d in docs:
            pickled(make_entry(d))  # output lines, document record, facts and sketch, as a worker stores them
        spent["store entry"] = spent.get("store entry", 0.0) + time.perf_counter() - t
    total = sum(spent.values())
    print(f"\n-- stages on {len(ts)} articles, {n:,} chars (one process) --")
    for name, sec in spent.items():
        print(f"{name:<18} {sec:6.2f} s {100 * sec / total:5.1f}%  {n / sec:>12,.0f} chars/s")
    print(f"{'total':<18} {total:6.2f} s        {n / total:>12,.0f} chars/s", flush=True)


def jieba_alone(path: Path, stock: bool = True) -> tuple[float, float]:
    """chars/s (wall, CPU) of ``lcut`` on the corpus texts, in this process, best of three passes.

    ``stock``: a plain ``jieba.Tokenizer`` with the project's words (the yardstick of the batch
    issue: what jieba alone costs); else the project's own :class:`extract.jieba_fast.FastTokenizer`,
    which gives the same words for less.
    """
    from extract.lexicon import stock_tokenizer, tokenizer

    tk = stock_tokenizer() if stock else tokenizer()
    ts = texts(path)
    n = sum(map(len, ts))
    best_wall = best_cpu = float("inf")
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        for x in ts:
            tk.lcut(x)
        best_wall = min(best_wall, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    return n / best_wall, n / best_cpu


class TreeMemory:
    """Peak of the summed RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.main_peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                main = self.proc.memory_info().rss
                total = main
                for c in self.proc.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += c.memory_info().rss
                self.peak = max(self.peak, total)
                self.main_peak = max(self.main_peak, main)
            except psutil.Error:
                break
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._t.join()


def run_pipeline(corpus: Path, workers: int, extra: list[str] | None = None) -> dict:
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    cmd = [sys.executable, "-m", "extract", "run", str(corpus), "--out", str(out), "--workers", str(workers), "-q",
           *(extra or [])]
    import resource

    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE)
    mem = TreeMemory(p.pid)
    _, err = p.communicate()
    wall = time.perf_counter() - t
    mem.stop()
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if p.returncode != 0:
        raise SystemExit(f"run failed: {err.decode()[-2000:]}")
    m = orjson.loads((out / "manifest.json").read_bytes())
    chars = sum(i["chars"] for i in m["inputs"])
    docs = len(m["inputs"])
    return {"workers": workers, "docs": docs, "chars": chars, "wall": wall, "process": m["timings"]["process"],
            "startup": m["timings"].get("startup", 0.0), "process_cpu": m["timings"].get("process_cpu"),
            "peak_mb": mem.peak / 2**20,
            "main_peak_mb": mem.main_peak / 2**20, "skipped": len(m["skipped"]), "out": str(out), "cpu": cpu,
            "load": load}


def show(label: str, r: dict) -> None:
    print(f"{label:<22} {r['docs']:>6} docs {r['chars'] / 1e6:7.2f}M chars | steady {r['chars'] / r['process']:>9,.0f} "
          f"chars/s {r['docs'] / r['process']:7.1f} docs/s | wall {r['wall']:6.1f} s "
          f"({r['chars'] / r['wall']:>9,.0f} chars/s) | peak RSS {r['peak_mb']:6.0f} MB "
          f"(main {r['main_peak_mb']:.0f} MB) | cpu {r['cpu']:.0f} s, load before {r['load']:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=5.0,
                    help="corpus size for the throughput runs (MB of JSONL; a 2-worker run of 2 MB lasts about a "
                         "second, too short for a steady speed-up)")
    ap.add_argument("--workers", default=f"1,{os.cpu_count() or 1}", help="worker counts to compare, e.g. 1,2")
    ap.add_argument("--memory-mb", type=float, default=20.0,
                    help="large corpus size for the memory comparison (0: skip)")
    ap.add_argument("--memory-base-mb", type=float, default=2.0, help="small corpus size for the memory comparison")
    ap.add_argument("--keep", action="store_true", help="keep the corpus and output folders")
    ap.add_argument("--stages", action="store_true", help="also print the time per pipeline stage")
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",") if x]

    tmp = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    small = tmp / f"corpus_{args.mb:g}mb.jsonl"
    docs, chars = build(small, args.mb)
    print(f"corpus: {small} ({docs} documents, {chars:,} chars, {small.stat().st_size / 2**20:.1f} MB); "
          f"{os.cpu_count()} cores", flush=True)

    jb, jb_cpu = jieba_alone(small)
    print(f"{'jieba lcut alone':<22} {jb:>,.0f} chars/s (stock jieba.Tokenizer, same words; one process; "
          f"{jb_cpu:,.0f} chars per CPU second)", flush=True)
    own, own_cpu = jieba_alone(small, stock=False)
    print(f"{'project segmenter':<22} {own:>,.0f} chars/s (FastTokenizer: the same words; "
          f"{own_cpu:,.0f} chars per CPU second)", flush=True)
    results = {}
    extra = []  # the memory runs, for the clean-up
    for w in counts:
        results[w] = run_pipeline(small, w)
        show(f"pipeline {w} worker(s)", results[w])

    busy = os.getloadavg()[0]
    if busy > 0.5:
        print(f"\nwarning: load average {busy:.1f} on {os.cpu_count()} cores: other work shares the CPUs, "
              "so speed-ups are understated (compare cpu seconds)")
    print("\n-- ratios (steady state) --")
    one = results.get(1)
    if one:
        per = one["chars"] / one["process"]
        per_cpu = one["chars"] / one["process_cpu"]
        print(f"per-worker throughput / jieba alone: {per / jb:.2f} wall-clock, {per_cpu / jb_cpu:.2f} per CPU second "
              "(target >= 0.70)")
        print(f"per-worker throughput / project segmenter alone: {per / own:.2f} wall-clock, "
              f"{per_cpu / own_cpu:.2f} per CPU second (the share of the pipeline that is segmentation)")
        for w, r in results.items():
            if w > 1:
                sp = (r["chars"] / r["process"]) / per
                eff = w * (r["chars"] / r["process_cpu"]) / per_cpu
                print(f"{w} workers vs 1 worker: {sp:.2f}x wall-clock; {eff:.2f}x on {w} free cores "
                      f"(CPU cost per char: {per_cpu / (r['chars'] / r['process_cpu']):.2f}x of 1 worker's) "
                      f"(target >= {0.85 * w:.2f}x)")
    if args.stages:
        stages(small)
    if args.memory_mb:
        big = tmp / f"corpus_{args.memory_mb:g}mb.jsonl"
        build(big, args.memory_mb)
        w = max(counts)
        r_big = run_pipeline(big, w)
        show(f"pipeline {w} worker(s)", r_big)
        if args.memory_base_mb == args.mb and w in results:
            r_small = results[w]
        else:
            base = tmp / f"corpus_{args.memory_base_mb:g}mb.jsonl"
            build(base, args.memory_base_mb)
            r_small = run_pipeline(base, w)
            show(f"pipeline {w} worker(s)", r_small)
            extra.append(r_small)
        extra.append(r_big)
        print(f"peak memory {args.memory_mb:g} MB vs {args.memory_base_mb:g} MB input ({w} workers): "
              f"{r_big['peak_mb']:.0f} / {r_small['peak_mb']:.0f} MB = {r_big['peak_mb'] / r_small['peak_mb']:.2f}x "
              f"(target <= 1.20x); main process {r_big['main_peak_mb']:.0f} / {r_small['main_peak_mb']:.0f} MB")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
        for r in [*results.values(), *extra]:
            shutil.rmtree(r["out"], ignore_errors=True)


if __name__ == "__main__":
    main()
