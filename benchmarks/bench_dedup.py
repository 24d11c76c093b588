"""Benchmark: near-duplicate clustering of 100,000 synthetic documents, with precision and recall.

Synthetic corpus (deterministic, seed 1): clauses of the sample corpus (normalised by the pipeline)
are recombined into distinct "originals" (30-60 clauses, numbers redrawn); "versions" of some
originals are planted with random edits an editor or a page extraction would make: character
substitutions, deletions and insertions (0-3 %), dropped sentences, a repeated paragraph, two
paragraphs swapped, a truncated tail (0-20 %), punctuation width and line breaks.  The truth is
the original each document came from.

Measured: time to sketch + index + cluster all documents with :class:`extract.dedup.Clusterer`,
pairwise precision / recall of the clusters against the planted groups, and, on a sample, the
exact Jaccard of planted pairs vs. the best-scoring unrelated pairs (what the default threshold
is chosen from).

    .venv/bin/python benchmarks/bench_dedup.py [--docs 100000] [--thresholds 0.3,0.4,0.5,0.6]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from math import comb
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract import batch, dedup, pipeline  # noqa: E402

_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def clause_pool() -> list[str]:
    docs = [pipeline.prepare(d) for d in batch.read([str(ROOT / "corpus")], print)]
    pool: list[str] = []
    for d in docs:
        for c in re.split(r"[，。；！？\n]", d.text):
            c = c.strip()
            if len(c) >= 6:
                pool.append(c)
    return sorted(set(pool))


def original(rng: random.Random, pool: list[str]) -> str:
    clauses = [_DIGITS.sub(lambda m: str(rng.randint(1, 99999)), rng.choice(pool)) for _ in range(rng.randint(30, 60))]
    sents, cur = [], []
    for c in clauses:
        cur.append(c)
        if len(cur) >= rng.randint(2, 4):
            sents.append("，".join(cur) + "。")
            cur = []
    if cur:
        sents.append("，".join(cur) + "。")
    paras = ["".join(sents[i:i + 3]) for i in range(0, len(sents), 3)]
    return "\n".join(paras)


_FILL = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"


def version(rng: random.Random, text: str) -> str:
    """A planted version: the edits an editor or a page extraction makes."""
    rate = rng.uniform(0, 0.03)
    out = []
    for ch in text:
        r = rng.random()
        if r < rate / 3:
            continue  # deletion
        if r < 2 * rate / 3:
            out.append(rng.choice(_FILL))  # substitution
            continue
        if r < rate:
            out.append(rng.choice(_FILL))  # insertion
        out.append(ch)
    paras = "".join(out).split("\n")
    for _ in range(rng.randint(0, 2)):  # dropped sentences
        i = rng.randrange(len(paras))
        sents = re.findall(r"[^。]+。?", paras[i])
        if len(sents) > 1:
            del sents[rng.randrange(len(sents))]
            paras[i] = "".join(sents)
    if rng.random() < 0.3 and len(paras) > 2:  # repeated block
        i = rng.randrange(len(paras))
        paras.insert(rng.randrange(len(paras)), paras[i])
    if rng.random() < 0.3 and len(paras) > 2:  # two paragraphs swapped
        i, j = rng.sample(range(len(paras)), 2)
        paras[i], paras[j] = paras[j], paras[i]
    if rng.random() < 0.4:  # truncated tail
        keep = int(len(paras) * (1 - rng.uniform(0, 0.2)))
        paras = paras[:max(1, keep)]
    text = "\n".join(paras)
    if rng.random() < 0.5:  # half-width punctuation, broken lines
        text = text.replace("，", ", ").replace("。", ".\n\n")
    return text


def build(n: int, pool: list[str], seed: int = 1) -> tuple[list[str], list[int]]:
    rng = random.Random(seed)
    texts: list[str] = []
    group: list[int] = []
    n_orig = int(n * 0.6)
    for g in range(n_orig):
        texts.append(original(rng, pool))
        group.append(g)
    while len(texts) < n:  # versions of random originals (some get several)
        g = rng.randrange(n_orig // 2)
        texts.append(version(rng, texts[g]))
        group.append(g)
    order = list(range(n))
    rng.shuffle(order)
    return [texts[i] for i in order], [group[i] for i in order]


def pair_scores(pred: list[str], truth: list[int]) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of a clustering against the planted groups."""
    both = Counter(zip(pred, truth, strict=True))
    tp = sum(comb(c, 2) for c in both.values())
    p_pairs = sum(comb(c, 2) for c in Counter(pred).values())
    t_pairs = sum(comb(c, 2) for c in Counter(truth).values())
    return tp / max(1, p_pairs), tp / max(1, t_pairs), p_pairs, t_pairs


def run(texts: list[str], truth: list[int], threshold: float) -> dict[str, float]:
    t0 = time.perf_counter()
    c = dedup.Clusterer(threshold=threshold)
    for i, t in enumerate(texts):
        c.add(f"d{i:06d}", t)
    t1 = time.perf_counter()
    canon = {m: k for k, ms in c.clusters().items() for m in ms}
    pred = [canon[f"d{i:06d}"] for i in range(len(texts))]
    t2 = time.perf_counter()
    p, r, pp, tp = pair_scores(pred, truth)
    return {"threshold": threshold, "docs": len(texts), "index_s": round(t1 - t0, 1),
            "cluster_s": round(t2 - t1, 1), "precision": round(p, 4), "recall": round(r, 4),
            "pred_pairs": pp, "true_pairs": tp}


def memory_per_doc(texts: list[str], n: int = 5000) -> float:
    """Bytes a :class:`extract.dedup.Clusterer` keeps per indexed document (traced Python allocations).

    The sketches are computed first, as the batch engine's workers do; what is measured is what the
    main process allocates when it indexes them for the whole run (an index that keeps the workers'
    sketch objects themselves would be undercounted by their size, about 1.3 KB).
    """
    import tracemalloc

    c = dedup.Clusterer()
    sks = []
    for i, t in enumerate(texts[:n]):
        k = dedup.key(t)
        hv, m = c.sketcher(k)
        sks.append(dedup.DocSketch(f"d{i:06d}", hv, m, len(k), 0, 0, f"{i:032x}"))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for sk in sks:  # allocated before tracing: only what the clusterer allocates (or keeps a copy of) counts
        c.add_sketch(sk)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / min(n, len(texts))


def exact_jaccard(a: str, b: str) -> float:
    sa, sb = set(dedup.shingle_hashes(dedup.key(a)).tolist()), set(dedup.shingle_hashes(dedup.key(b)).tolist())
    return len(sa & sb) / max(1, len(sa | sb))


def similarity_profile(texts: list[str], truth: list[int], sample: int = 3000) -> None:
    """Exact Jaccard of planted pairs vs. the nearest unrelated documents (via a low-threshold LSH)."""
    rng = random.Random(2)
    idx = list(range(min(len(texts), sample * 4)))
    by_group: dict[int, list[int]] = {}
    for i in idx:
        by_group.setdefault(truth[i], []).append(i)
    planted = [exact_jaccard(texts[m[0]], texts[m[1]]) for m in by_group.values() if len(m) > 1][:sample]
    sketch = dedup.Sketcher()
    sk = {}
    for i in idx:
        hv, n = sketch(dedup.key(texts[i]))
        sk[i] = dedup.DocSketch(str(i), hv, n, 0, 0, 0, str(i))
    import numpy as np

    others = idx[:2000]
    mat = np.stack([sk[j].hashvalues for j in others])
    unrelated = []
    for i in rng.sample(idx, min(sample, len(idx))):
        sims = (mat == sk[i].hashvalues).mean(axis=1)
        mask = np.array([truth[j] != truth[i] for j in others])
        unrelated.append(float(sims[mask].max()))
    def q(xs: list[float], f: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(f * len(xs)))]

    print(f"planted pairs  (n={len(planted)}): exact Jaccard min {min(planted):.3f}  p1 {q(planted, .01):.3f}  "
          f"p5 {q(planted, .05):.3f}  median {q(planted, .5):.3f}")
    print(f"unrelated docs (n={len(unrelated)}): best estimated Jaccard against 2000 others: "
          f"median {q(unrelated, .5):.3f}  p99 {q(unrelated, .99):.3f}  max {max(unrelated):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--thresholds", default="0.3,0.5,0.6", help="extra thresholds, run on a 20,000-document subset")
    args = ap.parse_args()
    pool = clause_pool()
    t = time.perf_counter()
    texts, truth = build(args.docs, pool)
    print(f"{len(pool)} clauses in the pool; built {len(texts)} documents "
          f"({sum(map(len, texts)) / len(texts):.0f} chars on average) in {time.perf_counter() - t:.1f}s")
    similarity_profile(texts, truth)
    print(f"clusterer memory: {memory_per_doc(texts):,.0f} bytes per indexed document (5,000 documents)")
    sub = 20_000
    for th in [float(x) for x in args.thresholds.split(",") if x]:
        print("subset", run(texts[:sub], truth[:sub], th))
    print("subset", run(texts[:sub], truth[:sub], dedup.DEFAULT_THRESHOLD))
    print("FULL  ", run(texts, truth, dedup.DEFAULT_THRESHOLD))


if __name__ == "__main__":
    main()
