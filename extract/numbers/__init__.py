"""Quantities: every amount in the text with its value, unit and qualifiers (issue 3).

The core is :func:`find_quantities`, a pure function over a string, so it can be tested (and
checked against the Recognizers-Text conformance cases) without the pipeline; :func:`extract`
is the thin wrapper that skips ``doc.dates`` and ``doc.corrupt`` spans and builds records.

A small engine over a lexicon, one module per responsibility:

- ``lexicon.py`` compiles ``rules/numbers/*.toml`` and ``set_phrases.txt`` once;
- ``finder.py`` scans the text from seed to seed and assembles each quantity;
- :mod:`extract.numeral` reads the numeral (一千二百, 1.5万, 十几万), ``reading.py`` its sign, a
  fraction after it and lead words standing for its coefficient (上百, 数十万), ``lead.py`` the
  quantities a word starts (翻一番, $100, 百分之三十五);
- ``suffix.py`` the unit or percent-like suffix after the number;
- ``qualify.py`` the qualifier combiner (约, 以上, 比三十大, 大于10小于20), ``ranges.py`` the range
  combiner (3至5, 位于20和30之间);
- ``compound.py`` compound durations (三年六个月, 11分36秒); ``yuan.py`` the currency of a bare 元 in a
  Taiwan, Hong Kong or Macau article;
- ``filters.py`` what looks like a number but is none (dates, codes, set phrases, lone numerals, model names).

Every record names the rule that decided its final shape in ``rule``: the ``name`` keys of the lexicon
files.  The rules apply in this order, and the last one that changed the record names it:
the number (``number.bare``, ``number.vague``, ``number.dozen``, ``fraction.*``, or a word-led
``percent.fenzhi`` / ``percent.duizhe`` / ``multiple.fan`` / ``unit.currency_sign``), its suffix
(``unit.<kind>``, ``percent.*``, ``multiple.bei``), a qualifier after it (``qualifier.after.*``), a range
(``range.connector``), a qualifier before it (``qualifier.*``, ``qualifier.comparative``), a rate word
before it (``unit.rate_before``: 时速350公里, only when the unit's own rule named it),
``range.between``, and two bounds joined (``range.join``).  So 约3000人 is ``qualifier.about``, 3000人
``unit.count``, 200元至300元 ``range.connector``.  ``rules/numbers/corpus_*.toml`` hold whole-answer cases
for every rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from extract.model import Doc, Quantity
from extract.numbers.finder import find_quantities
from extract.numbers.lexicon import alt, lexicon
from extract.numbers.match import QMatch, Span
from extract.numbers.yuan import local_yuan
from extract.rules import load_toml
from extract.spans import Taken

__all__ = ["QMatch", "currency_names", "extract", "find_currency_mentions", "find_quantities"]

_OUT_APPROX = {"exact": None}


def extract(doc: Doc) -> list[Quantity]:
    """Quantities of a segmented document (skipping doc.dates spans and doc.corrupt spans)."""
    skip = [(d.start, d.end) for d in doc.dates] + list(doc.corrupt)
    text = doc.text
    found = find_quantities(_wide_thousands(doc, text), skip)
    if not found:
        return []
    local_yuan(found, doc.script != "simplified")  # 营收54亿元 in a Taipei report: TWD
    return _records(doc, text, found)


def _records(doc: Doc, text: str, found: list[QMatch]) -> list[Quantity]:
    """The records of the quantities found, numbered in order.

    The fields of doc.span_fields are filled positionally (a keyword dict per record cost as much as
    finding the quantity), and the raw spans come from the offset map in one call for all records."""
    starts, ends = _text_spans(found)
    assert doc.mapped is not None
    raw = doc.mapped.raw_spans(starts, ends)
    doc_id = doc.doc_id
    sentence_index = doc.sentence_spans().index
    out: list[Quantity] = []
    for i, (q, s, e, (rs, re_)) in enumerate(zip(found, starts, ends, raw, strict=True)):
        approx = _OUT_APPROX.get(q.approx, q.approx) if q.approx else None
        out.append(Quantity(doc_id, f"{doc_id}:q{i}", text[s:e], s, e, rs, re_, q.value, q.value_max, q.unit,
                            approx, q.kind, q.unit_text, sentence_index(s), q.rule))
    return out


def _text_spans(found: list[QMatch]) -> tuple[list[int], list[int]]:
    """The starts and ends of the quantities' texts; a word between two quantities goes to the first."""
    starts, ends = [], []
    prev_end = 0
    for q in found:
        s, e = q.text_span()
        starts.append(max(s, prev_end))
        ends.append(e)
        prev_end = e
    return starts, ends


@cache
def _wide_thousands_re() -> tuple[re.Pattern[str], str, re.Pattern[str], str]:
    """numerals.toml [wide_thousands]: digit groups joined by a full-width comma, the full-width digits, a
    digit, the comma and a digit (what every group holds: a text without it, most, is not scanned by the group
    regex, whose look-behind is tried at every character), and the comma (a text without it is not scanned by
    that regex either: ``in`` is a fast string search, the regex steps through every character).  The test for
    a digit, the comma and a digit starts with the comma and looks back for the digit: a pattern opening with
    a literal is searched for by the engine's fast literal scan, one opening with ``\\d`` is tried at every
    digit (most news texts hold the full-width comma, so this test runs on nearly every text)."""
    w = load_toml("numbers/numerals")["wide_thousands"]
    comma = re.escape(w["comma"])
    return re.compile(rf"(?<![\d.,{w['comma']}])\d{{1,3}}(?:{w['comma']}\d{{3}})+(?!\d)"), w["digits"], \
        re.compile(rf"{comma}(?<=\d{comma})(?=\d)"), w["comma"]


def _wide_thousands(doc: Doc, text: str) -> str:
    """The text to scan: ４，５６５ (full-width digits in the raw input) read as 4,565, one character for one,
    so that every offset stays the text's own."""
    pattern, wide, joined, comma = _wide_thousands_re()
    if comma not in text or joined.search(text) is None:
        return text
    out = None
    for m in pattern.finditer(text):
        s, e = m.span()
        raw = doc.raw[doc.raw_span(s, s + 1)[0]:doc.raw_span(e - 1, e)[1]]
        if all(c in wide for c in raw if c.isdigit()):
            out = list(text) if out is None else out
            for i in range(s, e):
                if not text[i].isdigit():
                    out[i] = ","
    return text if out is None else "".join(out)


@cache
def _currency_re() -> tuple[re.Pattern[str], dict[str, str]]:
    """Currency names of two or more characters (人民币, 美元, 坚戈) from the money rules in units.toml."""
    u = lexicon().units
    names = {w: r.canonical for w, r in u.of.items()
             if r.kind == "money" and len(w) >= 2 and not r.boundary and w[0] not in u.mention_not_first}
    return re.compile(alt(names, spaced_words=False)), names


def currency_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """The pattern of the currency names :func:`find_currency_mentions` reads, and each name's ISO code: for a
    caller that scans only where its own table of first characters says a name may begin (the entity stage)."""
    return _currency_re()


def find_currency_mentions(text: str, skip: Iterable[Span] = ()) -> list[tuple[int, int, str]]:
    """Currency names standing alone, with their ISO code: (start, end, code).

    人民币、美元 without an amount are not quantities (a quantity has a value), but a reader
    still wants to know which currencies an article talks about, so the entity stage labels
    them CURRENCY.  Names inside a quantity (1200亿美元) are skipped with ``skip``.
    """
    pattern, names = _currency_re()
    spans = Taken(skip)
    out = []
    for m in pattern.finditer(text):
        s, e = m.span()
        if not spans.overlaps(s, e):
            out.append((s, e, names[m.group(0)]))
    return out
