"""Write the answer of a rule-corpus case, for the rule writer to check (see extract/corpus.py).

    python tools/corpus.py show numbers "近40分钟"          # the expect line the numbers stage gives now
    python tools/corpus.py fill rules/numbers/corpus.toml   # replace every `expect = "fill"` by the answer

The answers are what the code does now: read each one before committing it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extract import corpus, pipeline  # noqa: E402


def show(stage: str, text: str, fields: list[str], ref_date: str | None) -> str:
    c = corpus.Corpus(Path("<cli>"), stage, tuple(fields), ())
    return corpus.answer_line(corpus.run_case(c, corpus.Case(Path("<cli>"), 0, text, None, ref_date, None)))


def fill(path: Path) -> int:
    """Answer every case whose expect is the placeholder "fill"; the number of cases filled."""
    c = corpus.load(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    todo = [case for case in c.cases if case.expect == "fill"]
    slots = [i for i, line in enumerate(lines) if re.fullmatch(r'\s*expect\s*=\s*"fill"\s*', line)]
    if len(slots) != len(todo):
        raise SystemExit(f"{path}: {len(slots)} placeholder lines for {len(todo)} cases")
    for i, case in zip(reversed(slots), reversed(todo), strict=True):
        lines[i] = corpus.answer_line(corpus.run_case(c, case))
    path.write_text("\n".join(lines), encoding="utf-8")
    return len(todo)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show")
    s.add_argument("stage", choices=pipeline.NAMES)
    s.add_argument("text")
    s.add_argument("--fields", default="text,start,end,value,value_max,unit,approx,rule")
    s.add_argument("--ref-date", default="2024-03-01")
    f = sub.add_parser("fill")
    f.add_argument("path", type=Path)
    a = ap.parse_args()
    if a.cmd == "show":
        print(show(a.stage, a.text, a.fields.split(","), a.ref_date))
    else:
        print(f"{fill(a.path)} case(s) filled in {a.path}", file=sys.stderr)


if __name__ == "__main__":
    main()
