"""Cost of the date extractor next to jieba segmentation of the same text.

Usage: python benchmarks/bench_dates.py [REPEAT]   (the corpus repeated REPEAT times, default 20)
"""

from __future__ import annotations

import sys
from datetime import date

from _extractor_bench import compare

from extract import dates

if __name__ == "__main__":
    ref = date(2024, 3, 1)
    compare("find_dates", lambda t: dates.find_dates(t, ref), int(sys.argv[1]) if len(sys.argv) > 1 else 20)
