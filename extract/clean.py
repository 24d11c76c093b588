"""Cleaning: keep the article and only the article, and mark what is damaged.

Two passes around normalisation (see extract/pipeline.py):

* :func:`clean_chars` on the decoded input: line ends, invisible characters, HTML entities
  (also damaged ones), inline pinyin annotations (網(wǎng)站 -> 網站);
* :func:`clean_lines` on the normalised simplified text, so its patterns need one script only:
  site furniture (dropped), datelines (read by :mod:`extract.datelines`, kept, marked), photo
  captions (kept, marked), markdown heading marks, words broken across blank lines, blank lines.

:func:`mark_mojibake` finds corrupted spans; they stay in the text (we cannot know what they
said) but are recorded, so that no record is taken from inside one.  All edits go through the
one offset map (:class:`extract.offsets.MappedText`); every removal is listed in ``doc.removed``
with the name of the rule that made it.  The rules are ``rules/clean/clean.toml``; this module is
their mechanism.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import NamedTuple

from extract import datelines, lexicon
from extract.model import Doc, Removed, Span
from extract.offsets import MappedText
from extract.rules import load_list, load_toml
from extract.tailsearch import TailSearch, tail_search


@cache
def _rules() -> dict:
    return load_toml("clean/clean")


@cache
def common_chars() -> frozenset[str]:
    """Frequent characters (rules/clean/common_chars.txt): anything else next to a ? is suspicious."""
    return frozenset("".join(load_list("clean/common_chars.txt")))


def _is_han(ch: str) -> bool:
    """A character of the CJK Unified Ideographs block or its extension A."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


# ----------------------------------------------------------------------------- characters

# A pattern that starts with a plain character class lets the regex engine skip ahead to the
# candidates; one that starts with a repeat ("[...]+"), a group or a look-behind is tried at
# every position, which costs several times more on text that mostly has nothing to match.
# Hence "[c][c]*" for "[c]+" below.
_CRLF = re.compile(r"\r\n")


# A leading look-behind (no groups inside) or a leading group of one character class.
_LEAD = re.compile(r"\(\?<[!=](?:\\.|[^()\\])*\)|\(\[(?:\\.|[^\]\\])*\]\)")


class _Scan(NamedTuple):
    """A rule's pattern and ``quick``, the same without its lead, which every match of it implies.

    For patterns that must start with a look-behind or a character before their anchor (damaged
    entities, pinyin), so are tried at every position (see above): ``quick`` starts at the anchor
    and skips ahead, and the first place it matches, less the lead's width, is where the pattern's first
    match can start.  On text with nothing to match it is the only scan (several times cheaper).
    """

    pattern: re.Pattern[str]
    quick: re.Pattern[str] | None  # None: no lead, the pattern is scanned as it is
    back: int  # characters the lead spans: 0 for a look-behind, 1 for a one-character group

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, started where the first match can be (a look-behind still sees before it)."""
        if self.quick is None:
            return self.pattern.finditer(text)
        m = self.quick.search(text)
        return self.pattern.finditer(text, max(0, m.start() - self.back)) if m else iter(())


def _scan(pattern: str) -> _Scan:
    """:class:`_Scan` of a rule's pattern (no ``quick`` if it has no lead or refers back to a group)."""
    lead = _LEAD.match(pattern)
    rest = pattern[lead.end():] if lead else ""
    if not rest or re.search(r"\\\d|\(\?P=", rest):
        return _Scan(re.compile(pattern), None, 0)
    return _Scan(re.compile(pattern), re.compile(rest), 0 if lead[0].startswith("(?<") else 1)


class _CharRules(NamedTuple):
    """The character-level rules of clean.toml, compiled."""

    invisible: re.Pattern[str]
    spaces: dict[int, str]  # for str.translate: other spaces -> " ", a lone carriage return -> line feed
    entities: tuple[tuple[str, _Scan], ...]  # (rule name, pattern), applied in this order
    pinyin_name: str
    pinyin: _Scan
    tone: re.Pattern[str]
    toneless: frozenset[str]


@cache
def _char_rules() -> _CharRules:
    r = _rules()
    chars, pinyin = r["characters"], r["pinyin"]
    spaces = {ord(c): " " for c in chars["spaces"]["chars"]} | {0x0D: "\n"}
    invisible = chars["invisible"]["pattern"]
    entities = tuple((e["name"], _scan(e["pattern"])) for e in (r["entities"]["reference"], r["entities"]["damaged"]))
    return _CharRules(re.compile(f"{invisible}{invisible}*"), spaces, entities, pinyin["name"],
                      _scan(pinyin["pattern"]), re.compile(f"[{pinyin['tone_marks']}]"),
                      frozenset(pinyin["toneless"]))


def _entity_text(m: re.Match[str]) -> str | None:
    """Decode one entity reference; unknown names are left as they are."""
    body = m.group(1)
    decoded = html.unescape(f"&{body};")
    if decoded == f"&{body};":
        return m.group(0)
    return decoded.replace("\xa0", " ")


def _pinyin_text(m: re.Match[str]) -> str | None:
    """The annotated character without its annotation, or the match itself when it is no pinyin."""
    r = _char_rules()
    syl, before = m.group(2), m.group(1)
    if r.tone.search(syl) or (syl in r.toneless and "\u3400" <= before <= "\u9fff"):
        return before
    return m.group(0)


def clean_chars(doc: Doc) -> Doc:
    """Character-level repairs on the decoded input: the first step of the offset map."""
    r = _char_rules()
    mt = MappedText.identity(doc.raw)
    mt = mt.sub(_CRLF, "\n").translate(r.spaces)
    mt = mt.sub(r.invisible, lambda m: None)
    for name, pattern in r.entities:
        mt = _tracked(doc, mt, pattern, _entity_text, "entity", name)
    doc.mapped = _tracked(doc, mt, r.pinyin, _pinyin_text, "pinyin", r.pinyin_name, summarise=True)
    return doc


def _tracked(doc: Doc, mt: MappedText, pattern: _Scan, repl: Callable[[re.Match[str]], str | None],
             kind: str, rule: str, summarise: bool = False) -> MappedText:
    """``mt.sub`` that records each change in ``doc.removed`` (one summary row when ``summarise``)."""
    pieces = []
    for m in pattern.finditer(mt.text):
        r = repl(m)
        if r != m.group(0):
            pieces.append((m.start(), m.end(), r))
    if not pieces:
        return mt
    if summarise:
        a, _ = mt.raw_span(pieces[0][0], pieces[0][1])
        _, b = mt.raw_span(pieces[-1][0], pieces[-1][1])
        sample = " ".join(sorted({mt.text[s:e] for s, e, _ in pieces})[:8])  # a few distinct forms
        doc.removed.append(Removed(kind, sample, a, b, count=len(pieces), note="first..last occurrence", rule=rule))
    else:
        for s, e, r in pieces:
            rs, re_ = mt.raw_span(s, e)
            doc.removed.append(Removed(kind, mt.text[s:e], rs, re_, note=f"-> {r!r}" if r else None, rule=rule))
    return mt.rewrite(pieces)


# ----------------------------------------------------------------------------- mojibake

class _MojibakeRules(NamedTuple):
    """The mojibake rules of clean.toml, compiled (see there)."""

    anchor: re.Pattern[str]
    question: re.Pattern[str]  # which anchors are question marks
    improbable: re.Pattern[str]
    window: int
    min_rare: int
    gap: int
    replacement_name: str
    question_name: str


@cache
def _mojibake_rules() -> _MojibakeRules:
    """The anchor pattern starts with one character class (the look-behind then tells which kind
    it was), for speed: see the note above ``_CRLF``."""
    r = _rules()["mojibake"]
    repl, q = r["replacement"], r["question"]
    anchor = re.compile(f"[{repl['chars']}{q['chars']}](?:(?<=[{repl['chars']}])|(?=[^{q['real_before']}]|$))")
    return _MojibakeRules(anchor, re.compile(f"[{q['chars']}]"), re.compile(r["improbable"]), r["window"],
                          r["min_rare"], r["gap"], repl["name"], q["name"])


def _improbable(ch: str, common: frozenset[str], improbable: re.Pattern[str]) -> bool:
    """Characters that do not belong in running Chinese text at this place."""
    if _is_han(ch):
        return ch not in common
    return improbable.match(ch) is not None


def mojibake_spans(text: str) -> list[tuple[int, int, str]]:
    """Corrupted spans of ``text`` (mis-decoded bytes) with the name of the rule that found each."""
    r = _mojibake_rules()
    common = common_chars()
    spans: list[tuple[int, int, str]] = []
    for m in r.anchor.finditer(text):
        i = m.start()
        if spans and i < spans[-1][1]:
            continue
        question = r.question.match(text, i) is not None
        if question and sum(_improbable(c, common, r.improbable)
                            for c in text[i + 1:i + 1 + r.window]) < r.min_rare:
            continue
        s, e = _extend(text, i, common, r)
        spans.append((s, e, r.question_name if question else r.replacement_name))
    return spans


def find_mojibake(text: str) -> list[Span]:
    """Spans of ``text`` that are corrupted (mis-decoded bytes), by the rules in clean.toml."""
    return [(s, e) for s, e, _ in mojibake_spans(text)]


def _extend(text: str, i: int, common: frozenset[str], r: _MojibakeRules) -> Span:
    """Grow a corrupted span from anchor ``i`` over improbable characters.

    Up to ``gap`` ordinary Chinese characters are bridged when improbable ones follow (mojibake
    decodes some byte pairs to common characters: 氐募庸て), but never punctuation or a line end.
    """
    n = len(text)
    e = j = i + 1
    while j < n:
        if _improbable(text[j], common, r.improbable):
            e = j = j + 1
        elif j - e < r.gap and "\u4e00" <= text[j] <= "\u9fff":
            j += 1
        else:
            break
    s = i
    j = s - 1
    while j >= 0:
        if _improbable(text[j], common, r.improbable):
            s = j
            j -= 1
        elif s - j <= r.gap and "\u4e00" <= text[j] <= "\u9fff":
            j -= 1
        else:
            break
    # Digits touching the span are unreliable (the garbage may have eaten some): 缬?0多家.
    while e < n and (text[e].isdigit() or text[e] == "."):
        e += 1
    while s > 0 and text[s - 1].isdigit():
        s -= 1
    return s, e


def mark_mojibake(doc: Doc) -> Doc:
    """Record corrupted spans (as raw spans, so later rewrites cannot shift them)."""
    assert doc.mapped is not None
    for s, e, rule in mojibake_spans(doc.text):
        rs, re_ = doc.mapped.raw_span(s, e)
        doc.removed.append(Removed("mojibake", doc.text[s:e], rs, re_, note="marked, kept in text", rule=rule))
    if any(r.kind == "mojibake" for r in doc.removed):
        doc.flags.append("mojibake")
    return doc


# ----------------------------------------------------------------------------- furniture and metadata

class FurnitureRule(NamedTuple):
    """A kind of page furniture line (clean.toml ``[[furniture]]``)."""

    name: str
    note: str
    pattern: re.Pattern[str]
    image: bool  # the next line is a photo caption
    items: bool = False  # the short lines after it are the items of its list (clean.toml [furniture_items])


@cache
def _furniture() -> tuple[int, tuple[FurnitureRule, ...]]:
    r = _rules()
    return r["furniture_lines"]["max_len"], tuple(
        FurnitureRule(f["name"], f["note"], re.compile(f["pattern"]), f.get("image", False), f.get("items", False))
        for f in r["furniture"])


@cache
def _item_rule() -> tuple[FurnitureRule, int, str]:
    """The rule of a list's items (clean.toml [furniture_items]), their longest length and the sentence marks
    none of them holds."""
    t = _rules()["furniture_items"]
    return FurnitureRule(t["name"], t["note"], re.compile(""), False, True), t["max_len"], t["sentence_marks"]


def _list_item(line: str) -> FurnitureRule | None:
    """The item rule when ``line`` reads as an item of a related list (a short headline, no sentence), else None."""
    rule, max_len, marks = _item_rule()
    s = line.strip()
    return rule if s and len(s) <= max_len and not any(c in marks for c in s) else None


def furniture_rule(line: str) -> FurnitureRule | None:
    """The furniture rule a whole line matches, or None for article text."""
    max_len, rules = _furniture()
    s = line.strip()
    if not s or len(s) > max_len:
        return None
    for rule in rules:
        if rule.pattern.fullmatch(s):
            return rule
    return None


def take_datelines(doc: Doc, mt: MappedText, lines: list[Span]) -> list[tuple[int, int, None]]:
    """Give the document what its datelines state (:mod:`extract.datelines`) and mark each dateline line.

    The lines stay in the text (their dates and names are the article's); each is listed in
    ``doc.removed`` as a ``dateline`` mark with the first rule that read it (all of them in its note);
    the controls and counters on them (【字号 大 中 小】, 浏览次数：120) are cut: the deletions are returned.
    What the input gave (a JSONL ``published``, a page's metadata) is not overwritten; credits are
    added to it.
    """
    text = mt.text
    found, per_line = datelines.read_text([text[s:e] for s, e in lines])
    cuts: list[tuple[int, int, None]] = []
    for i, got in per_line:
        for a, b in got.cuts:
            a, b = lines[i][0] + a, lines[i][0] + b
            doc.removed.append(Removed("furniture", text[a:b], *mt.raw_span(a, b), note="controls on a dateline",
                                       rule="dateline.controls"))
            cuts.append((a, b, None))
        s, e = lines[i][0] + got.span[0], lines[i][0] + got.span[1]
        fields = ", ".join(k for k in got.values if k in _DOC_FIELDS)
        doc.removed.append(Removed("dateline", text[s:e], *mt.raw_span(s, e), rule=got.lead_rule(),
                                   note=f"kept in text; {fields} read by {', '.join(got.rules)}"))
    if doc.published is None and (published := found.first("published")):
        doc.published, doc.ref_date_source = published, "dateline"
    doc.site = doc.site or found.first("site")
    doc.outlet = doc.outlet or found.first("outlet") or doc.site
    for key in ("authors", "photographers", "editors"):
        if names := found.all(key):
            setattr(doc, key, list(dict.fromkeys(getattr(doc, key) + names)))
    return cuts


_DOC_FIELDS = ("published", "site", "outlet", "authors", "photographers", "editors")


# ----------------------------------------------------------------------------- lines

class _LineRules(NamedTuple):
    """Headings, captions and joins of clean.toml, compiled."""

    heading: re.Pattern[str]
    after_image: str  # the caption rule names
    credit_name: str
    credit: TailSearch  # (anchored at the line end: searched from the run of characters a credit is made of)
    credit_marks: str  # every credit holds one of these characters
    joins: dict
    inner: re.Pattern[str]
    sentence_end: TailSearch
    continuation: re.Pattern[str]

    def is_credit(self, line: str) -> bool:
        """Whether ``line`` ends with a photo credit; a membership test first spares most lines the search."""
        return any(c in line for c in self.credit_marks) and self.credit.search(line) is not None


@cache
def _line_rules() -> _LineRules:
    r = _rules()
    cap = r["captions"]
    j = r["joins"]
    return _LineRules(re.compile(r["heading"]["pattern"]), cap["after_image"]["name"], cap["credit"]["name"],
                      tail_search(cap["credit"]["pattern"]), cap["credit"]["marks"], j, re.compile(j["inner"]),
                      tail_search(j["sentence_end"]), re.compile(j["continuation_start"]))


_LINE = re.compile(r"^[^\n]*", re.MULTILINE)  # (^: one match a line, no empty match at each break to filter out)


def _lines(text: str) -> list[Span]:
    """Every line of ``text``, empty ones too, without its line break."""
    return [m.span() for m in _LINE.finditer(text)]


def clean_lines(doc: Doc) -> Doc:
    """Drop furniture lines, read and mark datelines and captions, strip heading marks, join broken lines."""
    assert doc.mapped is not None
    mt = doc.mapped.rewrite(sorted(_line_edits(doc, doc.mapped)))
    mt = _join_broken(doc, mt)
    doc.mapped = _tidy(mt)
    return doc


def _line_edits(doc: Doc, mt: MappedText) -> list[tuple[int, int, None]]:
    """Deletions of furniture lines and heading marks; captions are recorded in ``doc.removed`` (raw spans,
    brought to final text positions by the ``marks`` stage).  The headlines listed under 相关新闻 are furniture
    too: their numbers and names are other articles'."""
    r = _line_rules()
    text = mt.text
    edits: list[tuple[int, int, None]] = []
    prev_image = in_list = False
    kept: list[Span] = []
    for s, e in _lines(text):
        line = text[s:e]
        rule = furniture_rule(line) or (_list_item(line) if in_list else None)
        if rule is not None and datelines.read_line(line) is not None:
            rule = None  # 编辑 | 张三 looks like a menu, but it is a credit
        in_list = rule.items if rule is not None else in_list and not line.strip()
        if rule is None and line.strip():
            kept.append((s, e))
        if rule is not None:
            doc.removed.append(Removed("furniture", line.strip(), *mt.raw_span(s, e), note=rule.note, rule=rule.name))
            edits.append((s, min(e + 1, len(text)), None))
            prev_image = rule.image
            continue
        if line.strip():
            caption = r.after_image if prev_image else r.credit_name if r.is_credit(line) else None
            if caption:
                doc.removed.append(Removed("caption", line.strip(), *mt.raw_span(s, e), note="kept in text, marked",
                                           rule=caption))
            prev_image = False
        if h := r.heading.match(line):
            edits.append((s, s + h.end(), None))
    return edits + take_datelines(doc, mt, kept)


def _join_broken(doc: Doc, mt: MappedText) -> MappedText:
    """Join a body line cut mid-sentence to its continuation across blank lines.

    A continuation that repeats an earlier paragraph word for word is a repeated block from
    page extraction, not the rest of this line, so it is not joined (passage de-duplication
    removes it later).
    """
    r = _line_rules()
    cfg = r.joins
    inner, end_re, cont_re = r.inner, r.sentence_end, r.continuation
    text = mt.text
    paras = [(s, e) for s, e in _lines(text) if text[s:e].strip()]
    seen: set[str] = set()
    edits = []
    for (s1, e1), (s2, e2) in zip(paras, paras[1:], strict=False):
        a, b = text[s1:e1].strip(), text[s2:e2].strip()
        seen.add(a)
        if (len(a) >= cfg["min_len"] and inner.search(a) and not end_re.search(a)
                and not r.is_credit(a) and cont_re.search(b) and b not in seen and "\n" in text[e1:s2]
                and (rule := _cut_inside(a, b, cfg))):
            edits.append((e1, s2, ""))
            rs, re_ = mt.raw_span(e1 - 1, s2 + 1)
            doc.removed.append(Removed("join", text[e1 - 1] + "⏎" + text[s2], rs, re_,
                                       note="line break inside a word", rule=rule))
    return mt.rewrite(edits) if edits else mt


def _cut_inside(a: str, b: str, cfg: dict) -> str | None:
    """The join rule by which the break between lines ``a`` and ``b`` falls inside a word or phrase, if any."""
    if b[0] in cfg["no_start"]["chars"]:
        return cfg["no_start"]["name"]
    if a[-1] in cfg["no_end"]["chars"]:
        return cfg["no_end"]["name"]
    if any(lexicon.frequency(w) for w in (a[-1] + b[0], a[-2:] + b[0], a[-1] + b[:2])):
        return cfg["word"]["name"]
    return None


_NEWLINES = re.compile(r"\n{2,}")
_OUTER_NEWLINES = re.compile(r"^\n+|\n+$")


def _tidy(mt: MappedText) -> MappedText:
    """One paragraph a line: trim each line, drop blank lines and the blank at both ends.

    Each step first checks cheaply that it has something to do (most texts have few spaces,
    no blank lines left and no newline at either end): the runs of spaces that touch a line end
    are read off the ends of each line, and deleted.
    """
    if spaces := _line_edge_blanks(mt.text):
        mt = mt.delete_spans(spaces)
    if "\n\n" in mt.text:
        mt = mt.sub(_NEWLINES, "\n")
    if mt.text.startswith("\n") or mt.text.endswith("\n"):  # ^ and $ cannot match otherwise
        mt = mt.sub(_OUTER_NEWLINES, lambda m: None)
    return mt


def _line_edge_blanks(text: str) -> list[Span]:
    """Runs of spaces and tabs at the start or end of a line (or of the text), in text order.

    Read line by line off the two ends of each (a strip), not found among every run of blanks in the text:
    a scan of the whole text for blanks costs several times more than a step per line."""
    out: list[Span] = []
    s = 0
    for line in text.split("\n"):
        e = s + len(line)
        if line and (line[0] in " \t" or line[-1] in " \t"):
            a = e - len(line.lstrip(" \t"))
            if a == e:  # a line of blanks: one run
                out.append((s, e))
            else:
                if a > s:
                    out.append((s, a))
                b = s + len(line.rstrip(" \t"))
                if b < e:
                    out.append((b, e))
        s = e + 1
    return out
