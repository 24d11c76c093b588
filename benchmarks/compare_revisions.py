"""Stage CPU time of two revisions on the same articles, run alternately: is this change slower than that one?

    .venv/bin/python benchmarks/compare_revisions.py 65d979c            # that commit against the working tree
    .venv/bin/python benchmarks/compare_revisions.py 65d979c main --rounds 6
    .venv/bin/python benchmarks/compare_revisions.py 65d979c main --rounds 6 --whole   # and whole runs

Issues put speed bars relative to a commit ("the pipeline benchmark must not get slower by more than 10 %").
On a shared host the speed of one run varies by a third, so two runs made minutes apart cannot answer that.
Here both revisions process the same benchmark articles (built by ``bench_pipeline.build``) in fresh
processes taking turns, each round giving each revision's best of three passes in CPU seconds per stage (the
store entry too where the revision has one); the load then hits both alike, and the ratio of the totals is
the answer. A revision other than the working tree is checked out into a temporary ``git worktree``.

The stage child runs each document through every stage, the same order for both revisions: per-document stage
costs.  Runs since 50307b6 take a chunk through the pipeline a stage at a time (``engines.work_chunk``), which
keeps each stage's tables in the caches; only ``--whole`` measures that, as the pipeline benchmark does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import ROOT, build  # noqa: E402

# Run inside each revision: its own pipeline, its own stage list (stages come and go between revisions).
CHILD = r"""
import json, sys, time
from extract import engines, pipeline
from extract.model import Doc
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")][: int(sys.argv[2])]
engines.warm()
entry = getattr(engines, "make_entry", None), getattr(engines, "pickled", None)
best = {}
for _ in range(3):
    spent = {}
    for i, x in enumerate(texts):
        d, opts = Doc(source=str(i), raw=x, doc_id=str(i)), pipeline.Options()
        for st in pipeline.STAGES:
            t = time.process_time()
            st.run(d, opts)
            spent[st.name] = spent.get(st.name, 0.0) + time.process_time() - t
        if all(entry):
            t = time.process_time()
            entry[1](entry[0](d))
            spent["store entry"] = spent.get("store entry", 0.0) + time.process_time() - t
    for k, v in spent.items():
        best[k] = min(best.get(k, v), v)
print(json.dumps(best))
"""


def checkout(rev: str, into: Path) -> Path:
    """A detached worktree of ``rev`` (``WORKTREE``: this checkout as it is, uncommitted changes included)."""
    if rev == "WORKTREE":
        return ROOT
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(into), rev], cwd=ROOT, check=True)
    return into


def _env(tree: Path) -> dict[str, str]:
    """The environment of a revision's process: its code first on the path, and one BLAS thread for both revisions
    (the CLI now sets it itself; an older revision would start idle BLAS threads)."""
    return {**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}


def measure(tree: Path, corpus: Path, articles: int) -> dict[str, float]:
    """CPU seconds per stage of one fresh process of the revision in ``tree``."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(articles)], cwd=tree, check=True,
                         capture_output=True, text=True, env=_env(tree))
    return json.loads(out.stdout.splitlines()[-1])


def measure_run(tree: Path, corpus: Path) -> dict[str, float]:
    """Processing CPU seconds of a whole ``zh-extract run`` (one worker) of the revision in ``tree``.

    What the pipeline benchmark times: the manifest's processing time, which besides the stages holds what
    runs around them per document (the time budget, the store entry and its write), not start-up or output.
    """
    with tempfile.TemporaryDirectory(prefix="bench-run-") as out:
        subprocess.run([sys.executable, "-m", "extract", "run", str(corpus), "--out", out, "--workers", "1", "-q"],
                       cwd=tree, check=True, capture_output=True, env=_env(tree))
        timings = json.loads(Path(out, "manifest.json").read_text(encoding="utf-8"))["timings"]
    return {"whole run": timings.get("process_cpu") or timings["process"]}


def report(names: tuple[str, str], runs: dict[str, list[dict[str, float]]]) -> None:
    """Median CPU seconds per stage of both revisions, and the ratio of the totals per round."""
    stages = list(dict.fromkeys(k for rs in runs.values() for r in rs for k in r))
    print(f"{'stage':<14} {names[0][:12]:>12} {names[1][:12]:>12}   change")
    for s in stages:
        a, b = (statistics.median(r.get(s, 0.0) for r in runs[n]) for n in names)
        change = f"{(b - a) / a:+7.1%}" if a > 0.002 else ""
        print(f"{s:<14} {a:12.3f} {b:12.3f}   {change}")
    totals = {n: [sum(r.values()) for r in runs[n]] for n in names}
    ratios = [b / a for a, b in zip(totals[names[0]], totals[names[1]], strict=True)]
    a, b = (statistics.median(totals[n]) for n in names)
    print(f"{'total':<14} {a:12.3f} {b:12.3f}   {(b - a) / a:+7.1%}")
    for n in names:
        print(f"totals of {n[:12]} per round: {', '.join(f'{t:.3f}' for t in totals[n])}")
    print(f"ratio of the totals per round: {', '.join(f'{r:.3f}' for r in ratios)} "
          f"(median {statistics.median(ratios):.3f}; the answer: a round's two runs share the host's load)")
    lo = {n: min(totals[n]) for n in names}  # noise (other tenants, stolen time) only ever adds time
    print(f"ratio of the best totals: {lo[names[1]] / lo[names[0]]:.3f} (a check on the median when rounds vary a lot)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base", help="the revision to compare against (a commit, branch or tag)")
    ap.add_argument("head", nargs="?", default="WORKTREE", help="the revision measured (default: this checkout)")
    ap.add_argument("--rounds", type=int, default=4, help="alternations (each: one process per revision)")
    ap.add_argument("--articles", type=int, default=120, help="benchmark articles per pass")
    ap.add_argument("--whole", action="store_true",
                    help="also time a whole `zh-extract run` of the corpus per revision and round (the pipeline "
                         "benchmark's measure: stages plus the per-document work around them)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-revs-") as tmp:
        corpus = Path(tmp, "corpus.jsonl")
        build(corpus, 2)
        trees = {args.base: checkout(args.base, Path(tmp, "base")), args.head: checkout(args.head, Path(tmp, "head"))}
        try:
            runs: dict[str, list[dict[str, float]]] = {rev: [] for rev in trees}
            whole: dict[str, list[dict[str, float]]] = {rev: [] for rev in trees}
            for i in range(args.rounds):
                for rev, tree in trees.items():
                    runs[rev].append(measure(tree, corpus, args.articles))
                    if args.whole:
                        whole[rev].append(measure_run(tree, corpus))
                print(f"round {i + 1}/{args.rounds} done", file=sys.stderr, flush=True)
            report((args.base, args.head), runs)
            if args.whole:
                print()
                report((args.base, args.head), whole)
        finally:
            for tree in trees.values():
                if tree != ROOT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
