"""The not-a-quantity filters (filters.toml, set_phrases.txt): what looks like a number but is none.

Two kinds: spans found once per text where no quantity may be (dates and clock times, codes, URLs, set
phrases such as 一带一路 or 十四五: :func:`blocked_spans`), and tests of one candidate: a bare number (no unit,
no qualifier) is kept only when it stands alone (:func:`bare_ok`), a one-character numeral only in a
frame that makes it one (:func:`frame_ok`: 是五这, “一”, not 一切, 四川).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extract.numbers.lexicon import Lexicon
from extract.numbers.match import Blocked, QMatch, Scan, Span, is_cjk
from extract.numeral import Num


def blocked_spans(text: str, skip: Iterable[Span], lex: Lexicon) -> Blocked:
    """The spans of ``text`` no quantity may overlap: ``skip`` (dates, corrupt text) and what the filters find.

    Long patterns (URLs) run over the whole text, and only when their literal cue is present; the short
    ones and the set phrases share one scan that starts only where one of them can."""
    spans = list(skip)
    f = lex.filters
    for cue, pattern in f.global_nq:
        if any(c in text for c in cue):
            spans += [m.span() for m in pattern.finditer(text)]
    spans += local_spans(text, f.local_nq)
    return Blocked(s for s in spans if s[1] > s[0])


def local_spans(text: str, pattern: re.Pattern[str]) -> list[Span]:
    """The spans of the short not-a-quantity patterns and set phrases, left to right, none overlapping.

    Each match of the (class-led) scan is one character long and its span is group 1's; the next search
    starts at that span's end, as a scan resuming after each match does (a search at every character instead
    would read a long match, 1.2.1.2..., again from each of its digits)."""
    out: list[Span] = []
    pos, search = 0, pattern.search
    while (m := search(text, pos)) is not None:
        s, e = m.span(1)
        out.append((s, e))
        pos = e if e > s else s + 1
    return out


def model_name(s: Scan, q: QMatch, nstart: int) -> bool:
    """iPhone 11支持, Mate 60 Pro: a count or bare number next to a Latin word and a space names a model."""
    f, t = s.lex.filters, s.text
    if q.kind in f.model_amount_kinds or nstart == 0 or t[nstart - 1] != " ":
        return q.unit is None and f.model_after.match(t, q.end) is not None and q.kind not in f.model_amount_kinds
    return f.model_before.search(t, max(0, nstart - 24), nstart) is not None


def kept(s: Scan, q: QMatch, num: Num | None) -> bool:
    """Whether a finished quantity is one: a bare number must stand alone, and 两三 alone is no number."""
    if q.unit is not None or q.kind != "number":
        return True
    if q.approx is None and q.value_max is None and not q.unit_text and not bare_ok(s, q, num):
        return False
    return not (num is not None and num.vague and q.approx == "about" and q.value_max is not None
                and not any(a[0] in ("s", "b") for a in num.atoms))


def bare_ok(s: Scan, q: QMatch, num: Num | None) -> bool:
    """A number without unit or qualifier is kept only when it clearly stands alone."""
    t, f = s.text, s.lex.filters
    start, end = q.start, q.end
    prev = t[start - 1] if start > 0 else ""
    nxt = t[end] if end < len(t) else ""
    if prev and nxt and prev in f.marker_open and nxt in f.marker_close:
        return False  # (1) / （一）: list markers
    line_start = start == 0 or prev == "\n"
    if nxt == f.marker_after and (line_start or prev in f.marker_open):
        return False  # 1、 at the start of a line
    if nxt == f.marker_dot and line_start and not (end + 1 < len(t) and t[end + 1].isdigit()):
        return False  # 2. at the start of a line
    if num is not None and num.arabic:
        lo, hi = f.label_years
        if len(num.atoms) == 1 and end - start == 4 and lo <= q.value <= hi and nxt and is_cjk(nxt):
            return False  # 2023中国产业转移发展对接活动: a year used as a label
        if end - start >= f.identifier_digits and t[start:end].isdigit():
            return False  # 13912345678, 202107211321363588510367: an identifier, not an amount
    if num is None or not num.single_cn:
        return True
    return frame_ok(s, start, end)


def frame_ok(s: Scan, start: int, end: int) -> bool:
    """A one-character numeral stands alone: “五”, 是五这, 前三的 (not 一切, 四川, 收拾)."""
    t, f = s.text, s.lex.filters
    prev = t[start - 1] if start > 0 else ""
    nxt = t[end] if end < len(t) else ""
    ok_prev = prev == "" or not is_cjk(prev) or prev in f.bare_prev
    ok_next = nxt == "" or not is_cjk(nxt) or nxt in f.bare_next
    return ok_prev and ok_next
