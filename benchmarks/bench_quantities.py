"""Cost of the quantity extractor next to jieba segmentation of the same text (issue 3: at most +15 %).

Usage: python benchmarks/bench_quantities.py [REPEAT]   (the corpus repeated REPEAT times, default 20)
"""

from __future__ import annotations

import sys

from _extractor_bench import compare

from extract import numbers

if __name__ == "__main__":
    compare("find_quantities", numbers.find_quantities, int(sys.argv[1]) if len(sys.argv) > 1 else 20, 0.15)
