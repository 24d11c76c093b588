"""Accuracy on the development set: ``zh-extract evaluate`` on ``../shared/dev/``, written to docs/accuracy.md.

Runs the evaluation twice, as a user's plain files would be read (each article's own dateline gives
the reference date) and with ``--ref-date-from-gold`` (the gold reference date is handed over, so date
errors show apart from dateline errors), and writes both tables of figures, the per-document table of
the plain run and the time taken, with the date of the measurement.

    .venv/bin/python benchmarks/accuracy.py [--dev ../shared/dev] [--out docs/accuracy.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract import evaluate as ev  # noqa: E402


def commit() -> str:
    """The current commit (short), or '?' outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def measure(dev: Path, from_gold: bool) -> tuple[ev.Result, float]:
    t0 = time.perf_counter()
    result = ev.evaluate(dev / "gold", dev / "articles", ref_date_from_gold=from_gold)
    return result, time.perf_counter() - t0


def same_note(plain: ev.Result, gold: ev.Result) -> str:
    """A sentence on how the two runs differ (only relative dates can)."""
    ref = plain.totals().get("ref_date")
    right = f"the pipeline's own reference date is the gold one in {ref.tp} of {ref.gold} articles" if ref else ""
    if ev.render_figures(plain.totals()) == ev.render_figures(gold.totals()):
        text = f"The same figures as the plain run: {right}, so no date error here comes from a dateline."
    else:
        text = f"Here {right}; the difference in the date rows is what wrong reference dates cost."
    return textwrap.fill(text, 110)


def page(dev: Path, plain: tuple[ev.Result, float], gold: tuple[ev.Result, float]) -> str:
    """docs/accuracy.md."""
    today = dt.date.today().isoformat()
    files = len(plain[0].docs)
    bad = len(plain[0].bad_gold)
    return f"""# Accuracy on the development set

Measured on {today} (commit {commit()}) with `python benchmarks/accuracy.py`: `zh-extract evaluate` on
`../shared/dev/` ({files} gold files: 22 articles and 3 version pairs; {bad} bad gold lines).  The definitions
of every figure (placing gold, one-to-one matching, unit classes, facts, metadata, version fragments and
fact changes) are in the docstring of `extract/evaluate.py` and in the README.  `tp` counts gold items
found; P of the unit classes and of the versions counts system items (`sys_tp` in `--json`).

## Plain files (each article's own dateline gives the reference date)

    zh-extract evaluate ../shared/dev/gold ../shared/dev/articles      # {plain[1]:.1f} s

```
{ev.render_figures(plain[0].totals())}
```

## `--ref-date-from-gold` (the gold reference date resolves relative dates)

{same_note(plain[0], gold[0])}

    zh-extract evaluate ../shared/dev/gold ../shared/dev/articles --ref-date-from-gold      # {gold[1]:.1f} s

```
{ev.render_figures(gold[0].totals())}
```

## Per document (plain files)

`meta`: how many of published, reference date, title and outlet are right (both null counts as right).

```
{ev.render_documents(plain[0])}
```

`zh-extract evaluate ... --errors` lists every miss and false record with its sentence.
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "dev")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "accuracy.md")
    args = ap.parse_args()
    if not (args.dev / "gold").is_dir():
        print(f"no development set at {args.dev}", file=sys.stderr)
        return 1
    plain = measure(args.dev, False)
    gold = measure(args.dev, True)
    text = page(args.dev, plain, gold)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
