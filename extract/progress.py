"""Progress of a long run on stderr: documents, chars/s and ETA, and the end-of-run summary.

The bar shows only when stderr is a terminal and the run is not ``--quiet``: logs and pipes get
the messages (skipped inputs) and the summary, not a stream of carriage returns.  Its total is
the size of the input files (known before reading anything), so the ETA is real from the start.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from extract.terminal import safe


class Progress:
    """A tqdm bar over input bytes with documents and chars/s in its postfix (or nothing)."""

    def __init__(self, total_bytes: int | None, enabled: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.docs = 0
        self.chars = 0
        self.cached = 0
        self.t0 = time.perf_counter()
        self._last = 0.0
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total_bytes or None, unit="B", unit_scale=True, unit_divisor=1024,
                            file=self.stream, dynamic_ncols=True, smoothing=0.1, desc="zh-extract",
                            mininterval=0.5, leave=True)

    @staticmethod
    def wanted(quiet: bool, stream: TextIO | None = None) -> bool:
        s = stream or sys.stderr
        return not quiet and hasattr(s, "isatty") and s.isatty()

    def update(self, nbytes: int, docs: int = 1, chars: int = 0, cached: bool = False) -> None:
        self.docs += docs
        self.chars += chars
        self.cached += int(cached)
        if self.bar is None:
            return
        self.bar.update(nbytes)
        now = time.perf_counter()
        if now - self._last > 0.5:
            self._last = now
            self._postfix(now)

    def _postfix(self, now: float) -> None:
        if self.bar is not None:
            rate = self.chars / max(now - self.t0, 1e-9)
            self.bar.set_postfix_str(f"{self.docs} docs ({self.cached} cached), {rate / 1000:.0f}k chars/s",
                                     refresh=False)

    def write(self, msg: str) -> None:
        """A message that does not tear the bar (control characters of a path or an id shown, not obeyed)."""
        msg = safe(msg, keep_lines=True)
        if self.bar is not None:
            self.bar.write(msg, file=self.stream)
        else:
            print(msg, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self._postfix(time.perf_counter())
            self.bar.close()
            self.bar = None


def summary(out: str, counts: dict[str, int], processed: int, cached: int, skipped: list[str],
            seconds: float, chars: int, limit: int = 20) -> str:
    """The end-of-run report: documents, records per kind, skipped inputs with their reasons."""
    docs = counts.get("documents", 0)
    lines = [f"{docs} documents ({processed} processed, {cached} unchanged) -> {out} in {seconds:.1f} s"
             + (f", {chars / max(seconds, 1e-9):,.0f} chars/s" if processed else ""),
             "records: " + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "documents")]
    if skipped:
        lines.append(f"{len(skipped)} inputs skipped:")
        lines += [f"  {safe(m)}" for m in skipped[:limit]]
        if len(skipped) > limit:
            lines.append(f"  ... and {len(skipped) - limit} more (see manifest.json)")
    return "\n".join(lines)
