"""Shared harness: the cost of one extractor next to jieba segmentation of the same text.

The sample corpus is normalised by the pipeline, its texts are repeated REPEAT times, and the best of
five interleaved runs (CPU time) of jieba segmentation and of the extractor is reported: the machine may
be shared, and the best run is the least disturbed one.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract import batch, pipeline, segment  # noqa: E402


def corpus_texts() -> list[str]:
    """Normalised texts of the sample corpus."""
    docs = batch.read([str(ROOT / "corpus")], lambda m: None)
    out = []
    for d in docs:
        pipeline.prepare(d, pipeline.Options(ref_date="2024-03-01"))
        out.append(d.text)
    return out


def cpu_time(fn: Callable[[], object]) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def compare(name: str, find: Callable[[str], list], repeat: int, target: float | None = None) -> float:
    """Print and return the extractor's time as a share of segmentation time."""
    texts = corpus_texts() * repeat
    chars = sum(len(t) for t in texts)
    tk = segment.stock_tokenizer()  # the yardstick: stock jieba with the project's words (see docs/batch.md)
    find(texts[0])  # compile rules once, outside the timing
    t_seg = t_x = float("inf")
    for _ in range(5):
        t_seg = min(t_seg, cpu_time(lambda: [tk.lcut(t) for t in texts]))
        t_x = min(t_x, cpu_time(lambda: [find(t) for t in texts]))
    found = sum(len(find(t)) for t in texts[: len(texts) // repeat])
    ratio = t_x / t_seg
    print(f"{len(texts)} texts, {chars} chars, {found} records per corpus pass")
    print(f"jieba segmentation (stock): {t_seg:.3f} s ({chars / t_seg / 1e6:.2f} M chars/s)")
    print(f"{name + ':':<20}{t_x:.3f} s ({chars / t_x / 1e6:.2f} M chars/s)")
    print(f"overhead: +{ratio:.1%} of segmentation time" + (f" (target <= {target:.0%})" if target else ""))
    return ratio
