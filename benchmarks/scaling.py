"""Benchmark: cost grows linearly with the input, on hostile and on long news-like text.

Each case runs one piece of the pipeline on a small and a big input (the big one ``grow`` times the
small) and compares CPU time (this process's, best of three: the machine may be shared).  A linear
piece costs about ``grow`` times as much; a quadratic one ``grow``² times.  A case fails when the
ratio exceeds its bound (10 for four times the input: above linear with its cache effects, well below
the 16 of quadratic growth), and the script then exits with status 1, so it can guard a change:

    .venv/bin/python benchmarks/scaling.py            # every case, a table, exit 1 on a failure
    .venv/bin/python benchmarks/scaling.py -k digits  # the cases whose name holds "digits"

Cases: the whole pipeline on repeated hostile fragments (question marks, open brackets, digit runs,
entities, pinyin, scale words, date parts …) and on one sentence of many quantities; the cleaning
stages on mojibake-like text; repeated-passage search on long articles, near-identical lines and one
long line; and every pipeline stage on a long article of distinct news sentences.  The test suite
(tests/test_scaling.py) asks these same measurements for their verdict, with a second measurement
before it fails: the bounds are generous, so only growth faster than linear fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extract import clean, passages, pipeline  # noqa: E402
from extract.model import Doc  # noqa: E402

# Fragments that make backtracking regexes or quadratic scans explode, repeated to 8k and 32k characters.
ADVERSARIAL = {"question marks": "?？", "open parens": "(（", "ampersands": "&#&amp", "digits": "1234567890",
               "digit dots": "1.2.", "quotes": "“", "ellipsis": "……", "spaces": " \t", "approx": "约1万余",
               "pinyin": "網(wǎng)", "scale words": "万亿", "date parts": "1年1月", "percent": "%1"}

# Sentences of our own for long articles (every stage has its full work: no repeats).
VARIED = ["{n}年前三季度，全市实现地区生产总值{v}亿元，同比增长{p}%。",
          "截至{m}月底，当地累计新建5G基站{v}个，覆盖所有乡镇。",
          "“我们将继续加大投入。”市发展改革委负责人王{n}明表示，今年计划完成投资{v}亿元。",
          "据统计，{n}年{m}月份该港口集装箱吞吐量达{v}万标箱，环比增长{p}%。",
          "第{n}届国际博览会在杭州开幕，吸引{v}家企业参展。"]
FARMING = ["春季农业生产全面展开，各地抢抓农时推进春耕备耕。",
           "截至3月底，全省已完成早稻育秧面积120万亩，同比增加6.5%。",
           "当地气象部门提醒，本周后期将有一次明显降温过程，请农户做好防范！",
           "农业农村部门组织技术人员下沉一线，指导农户科学施肥、合理用药。"]


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[str], object]
    make: Callable[[int], str]
    small: int
    grow: int
    bound: float  # the largest acceptable cost ratio for ``grow`` times the input


def process(raw: str) -> Doc:
    return pipeline.process_doc(Doc(source="scaling", raw=raw), pipeline.Options(ref_date="2024-03-01"))


def repeat(unit: str) -> Callable[[int], str]:
    return lambda n: unit * (n // len(unit))


def cleaning(name: str) -> Callable[[str], object]:
    def run(text: str) -> None:
        d = Doc(source="scaling", raw=text)
        clean.clean_chars(d)
        if name == "mark_mojibake":
            clean.mark_mojibake(d)
    return run


def long_article(paragraphs: int) -> str:
    """Distinct paragraphs of news sentences, two a paragraph."""
    out = []
    for i in range(paragraphs):
        a, b = VARIED[i % len(VARIED)], VARIED[(i + 2) % len(VARIED)]
        out.append(a.format(n=2000 + i % 24, m=1 + i % 12, v=100 + 7 * i, p=f"{1 + i % 9}.{i % 10}")
                   + b.format(n=1990 + i % 30, m=1 + i % 12, v=3 * i + 11, p=i % 7 + 1))
    return "\n".join(out)


def repeating_article(paragraphs: int) -> str:
    """Paragraphs of distinct sentences with repeats among them (a paragraph in five comes again)."""
    paras: list[str] = []
    for i in range(paragraphs):
        paras.append(paras[i // 2] if i % 5 == 4 else f"第{i}段：" + FARMING[i % 4].replace("。", f"（{i}）。"))
    return "\n".join(paras)


def similar_lines(n: int) -> str:
    return "\n".join(f"第{i}号通知：全市各区县要严格落实防汛措施，加强巡查值守，确保安全度汛。" for i in range(n))


def one_long_line(copies: int) -> str:
    return "".join(s.replace("。", f"（{i}）。") for i, s in enumerate(FARMING * 200)) * copies


def stage_seconds(text: str, tries: int = 2) -> dict[str, float]:
    """CPU seconds of every pipeline stage on ``text``, each the best of ``tries`` runs."""
    best: dict[str, float] = {}
    for _ in range(tries):
        d, opts = Doc(source="scaling", raw=text), pipeline.Options(ref_date="2024-03-01")
        for st in pipeline.STAGES:
            t = time.process_time()
            st.run(d, opts)
            best[st.name] = min(best.get(st.name, float("inf")), time.process_time() - t)
    return best


Row = tuple[str, float, float, int, float, float]  # (case, small s, big s, grow, ratio, bound)


def stage_rows(small: int = 1000, grow: int = 4, bound: float = 10.0) -> list[Row]:
    """(case, small s, big s, grow, ratio, bound) for every stage on a long article of distinct sentences."""
    stage_seconds(long_article(small // 30))
    a, b = stage_seconds(long_article(small)), stage_seconds(long_article(small * grow))
    return [(f"stage {k}", a[k], b[k], grow, b[k] / max(a[k], 0.02), bound) for k in a]


def cases() -> list[Case]:
    out = [Case(f"pipeline, {name}", process, repeat(unit), 8000, 4, 10.0) for name, unit in ADVERSARIAL.items()]
    out.append(Case("pipeline, many quantities in one sentence", process, repeat("货运量增长12%，"), 900, 4, 10.0))
    out += [Case(f"{name}, mojibake-like text", cleaning(name), repeat("?锟斤拷鎴戠殑\ufffd網(wǎng)"), 24000, 4, 10.0)
            for name in ("clean_chars", "mark_mojibake")]
    out += [Case("passages, article with repeats", passages.find_repeats, repeating_article, 2000, 4, 10.0),
            Case("passages, near-identical lines", passages.find_repeats, similar_lines, 2000, 4, 10.0),
            Case("passages, one long line", passages.find_repeats, one_long_line, 2, 4, 10.0)]
    return out


def seconds(case: Case, text: str, tries: int = 3) -> float:
    """CPU seconds, best of ``tries``."""
    best = float("inf")
    for _ in range(tries):
        t = time.process_time()
        case.run(text)
        best = min(best, time.process_time() - t)
    return best


def measure(case: Case) -> Row:
    """(case, small s, big s, grow, ratio, bound); tiny times are floored at 20 ms so noise is no failure."""
    case.run(case.make(max(case.small // 40, 1)))  # warm caches and lazy tables
    small = seconds(case, case.make(case.small))
    big = seconds(case, case.make(case.small * case.grow))
    return case.name, small, big, case.grow, big / max(small, 0.02), case.bound


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", default="", help="only the cases whose name holds this")
    a = ap.parse_args()
    failed = 0
    print(f"{'case':48} {'small s':>8} {'big s':>8} {'grow':>5} {'ratio':>6} {'bound':>6}")
    rows = (measure(c) for c in cases() if a.k in c.name)
    for name, small, big, grow, ratio, bound in [*rows, *(r for r in stage_rows() if a.k in r[0])]:
        failed += ratio > bound
        print(f"{name:48} {small:8.3f} {big:8.3f} {grow:>5} {ratio:6.2f} {bound:6.1f}"
              + ("  TOO SLOW" if ratio > bound else ""))
    print(f"{failed} case(s) above their bound" if failed else "all cases linear")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
