"""``zh-extract dedup INPUT...``: clusters of duplicate and near-duplicate articles."""

from __future__ import annotations

import sys
from typing import Annotated, TextIO

import typer

from extract.cli._app import app, check_threshold, err


def report_clusters(paths: list[str], threshold: float | None = None, out: TextIO | None = None) -> int:
    """Print the clusters with each member's similarity to the canonical version; the exit code."""
    from extract import batch, dedup, pipeline
    from extract.terminal import safe

    out = out or sys.stdout
    thr = dedup.DEFAULT_THRESHOLD if threshold is None else threshold
    docs = batch.documents(paths, pipeline.Options(threshold=thr), err)
    if not docs:
        err("no documents could be processed")
        return 1
    report = dedup.cluster(docs, threshold=thr)
    src = {d.doc_id: safe(d.source) for d in docs}  # a file name or JSONL id may hold control characters
    print(f"threshold {thr:.2f} (estimated Jaccard of character {dedup.SHINGLE}-gram shingles); "
          "canonical = most clean characters, then fewest corrupt, fewest repeats, smallest doc_id", file=out)
    for canon, members in report.items():
        if len(members) == 1:
            print(f"{canon}  {src.get(canon, '')}  (alone)", file=out)
            continue
        print(f"cluster {canon}: {len(members)} versions", file=out)
        for m in members:
            tag = ("canonical" if m["doc_id"] == canon
                   else f"jaccard {m['jaccard']:.3f}  containment {m['containment']:.3f}")
            print(f"  {m['doc_id']}  {src.get(m['doc_id'], '')}  {tag}", file=out)
    return 0


@app.command("dedup")
def dedup_command(
    inputs: list[str],
    threshold: Annotated[float | None, typer.Option(help="near-duplicate Jaccard threshold, between 0 and 1",
                                                    callback=check_threshold)] = None,
) -> None:
    """Report clusters of duplicate and near-duplicate articles with their similarity."""
    raise typer.Exit(report_clusters(inputs, threshold))
