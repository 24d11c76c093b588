"""Cost of the date extractor next to jieba segmentation of the same text.

Usage: python benchmarks/bench_dates.py [REPEAT]
The sample corpus is normalised by the pipeline, its texts are repeated REPEAT times (default 20), and
the best of five interleaved runs of jieba segmentation and of find_dates is reported.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract import dates, pipeline, segment  # noqa: E402


def corpus_texts() -> list[str]:
    docs = pipeline.load_docs([str(ROOT / "corpus")], report=lambda m: None)
    out = []
    for d in docs:
        pipeline.set_ref_date(d, "2024-03-01")
        pipeline.prepare(d)
        out.append(d.text)
    return out


def timed(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def main(repeat: int = 20) -> float:
    texts = corpus_texts() * repeat
    chars = sum(len(t) for t in texts)
    tk = segment.tokenizer()
    dates.rules()  # compile once, outside the timing
    ref = date(2024, 3, 1)
    t_seg = t_d = float("inf")
    for _ in range(5):
        t_seg = min(t_seg, timed(lambda: [tk.lcut(t) for t in texts]))
        t_d = min(t_d, timed(lambda: [dates.find_dates(t, ref) for t in texts]))
    n_d = sum(len(dates.find_dates(t, ref)) for t in texts[: len(texts) // repeat])
    print(f"{len(texts)} texts, {chars} chars, {n_d} dates per corpus pass")
    print(f"jieba segmentation: {t_seg:.3f} s ({chars / t_seg / 1e6:.2f} M chars/s)")
    print(f"find_dates:         {t_d:.3f} s ({chars / t_d / 1e6:.2f} M chars/s)")
    print(f"overhead: +{t_d / t_seg:.1%} of segmentation time")
    return t_d / t_seg


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
