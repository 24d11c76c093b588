"""Cleaning: keep the article and only the article, and mark what is damaged.

Two passes around normalisation (see extract/pipeline.py):

* :func:`clean_chars` on the decoded input: line ends, invisible characters, HTML entities
  (also damaged ones), inline pinyin annotations (網(wǎng)站 -> 網站);
* :func:`clean_lines` on the normalised simplified text, so its patterns need one script only:
  metadata lines (read, then dropped), site furniture, photo captions (kept, marked), markdown
  heading marks, words broken across blank lines, blank lines.

:func:`mark_mojibake` finds corrupted spans; they stay in the text (we cannot know what they
said) but are recorded, so that no record is taken from inside one.  All edits go through the
one offset map (:class:`extract.offsets.MappedText`); every removal is listed in ``doc.removed``.
"""

from __future__ import annotations

import html
import re
from functools import cache

from extract.model import Doc, Removed
from extract.offsets import MappedText
from extract.rules import load_list, load_toml

_CJK = "\u3400-\u9fff"


@cache
def _rules() -> dict:
    return load_toml("clean/clean")


@cache
def common_chars() -> frozenset[str]:
    """Frequent characters (rules/clean/common_chars.txt): anything else next to a ? is suspicious."""
    return frozenset("".join(load_list("clean/common_chars.txt")))


# ----------------------------------------------------------------------------- characters

# A pattern that starts with a plain character class lets the regex engine skip ahead to the
# candidates; one that starts with a repeat ("[...]+"), a group or a look-behind is tried at
# every position, which costs several times more on text that mostly has nothing to match.
# Hence "[c][c]*" for "[c]+" below.
_INVISIBLE_CHAR = "[\u200b-\u200f\u2028\u2029\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_INVISIBLE = re.compile(f"{_INVISIBLE_CHAR}{_INVISIBLE_CHAR}*")
_SPACES = {0xA0: " ", 0x3000: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x09: " ", 0x0D: "\n"}


@cache
def _pinyin_re() -> re.Pattern[str]:
    return re.compile(_rules()["pinyin"]["pattern"])


_TONE = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]")


def _entity_text(m: re.Match[str]) -> str | None:
    """Decode one entity reference; unknown names are left as they are."""
    body = m.group(1)
    decoded = html.unescape(f"&{body};")
    if decoded == f"&{body};":
        return m.group(0)
    return decoded.replace("\xa0", " ")


def clean_chars(doc: Doc) -> Doc:
    """Character-level repairs on the decoded input: the first step of the offset map."""
    rules = _rules()
    mt = MappedText.identity(doc.raw)
    mt = mt.sub(re.compile(r"\r\n"), "\n").translate(_SPACES)
    mt = mt.sub(_INVISIBLE, lambda m: None)
    entity_hits: list[tuple[int, int, str]] = []

    def entity(m: re.Match[str]) -> str | None:
        out = _entity_text(m)
        if out != m.group(0):
            entity_hits.append((m.start(), m.end(), m.group(0)))
        return out

    mt = _tracked(doc, mt, re.compile(rules["entities"]["pattern"]), entity, "entity")
    mt = _tracked(doc, mt, re.compile(rules["entities"]["damaged"]), entity, "entity")
    toneless = set(rules["pinyin"]["toneless"])

    def pinyin(m: re.Match[str]) -> str | None:
        syl, before = m.group(2), m.group(1)
        if _TONE.search(syl) or (syl in toneless and "\u3400" <= before <= "\u9fff"):
            return before
        return m.group(0)

    mt = _tracked(doc, mt, _pinyin_re(), pinyin, "pinyin", summarise=True)
    doc.mapped = mt
    return doc


def _tracked(doc: Doc, mt: MappedText, pattern: re.Pattern[str], repl, kind: str,
             summarise: bool = False) -> MappedText:
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
        doc.removed.append(Removed(kind, sample, a, b, count=len(pieces), note="first..last occurrence"))
    else:
        for s, e, r in pieces:
            rs, re_ = mt.raw_span(s, e)
            doc.removed.append(Removed(kind, mt.text[s:e], rs, re_, note=f"-> {r!r}" if r else None))
    return mt.rewrite(pieces)


# ----------------------------------------------------------------------------- mojibake

# A replacement or private-use character, or a ? / ？ not followed by punctuation, a space or the
# end.  Written to start with one character class (the look-behind then tells which kind it
# was), for speed: see _INVISIBLE.
_ANCHOR = re.compile("[\ufffd\ue000-\uf8ff?？](?:(?<=[\ufffd\ue000-\uf8ff])|(?=[^\\s，。、？?！!：:；;”」）)\"'“]|$))")


def _improbable(ch: str, common: frozenset[str]) -> bool:
    """Characters that do not belong in running Chinese text at this place."""
    if ch in "\ufffd?？;；)）(（" or "\ue000" <= ch <= "\uf8ff":
        return True
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return ch not in common
    if "\u3040" <= ch <= "\u31bf":  # kana, bopomofo inside Chinese text
        return True
    return ch.isascii() and ch.isalpha() or bool(_TONE.match(ch))


def find_mojibake(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are corrupted (mis-decoded bytes), by the rules in clean.toml."""
    cfg = _rules()["mojibake"]
    common = common_chars()
    spans: list[tuple[int, int]] = []
    for m in _ANCHOR.finditer(text):
        i = m.start()
        if spans and i < spans[-1][1]:
            continue
        if text[i] in "?？":
            ahead = text[i + 1:i + 1 + cfg["window"]]
            if sum(_improbable(c, common) for c in ahead) < cfg["min_rare"]:
                continue
        s, e = _extend(text, i, common, cfg["gap"])
        spans.append((s, e))
    return spans


def _extend(text: str, i: int, common: frozenset[str], gap: int) -> tuple[int, int]:
    """Grow a corrupted span from anchor ``i`` over improbable characters.

    Up to ``gap`` ordinary Chinese characters are bridged when improbable ones follow (mojibake
    decodes some byte pairs to common characters: 氐募庸て), but never punctuation or a line end.
    """
    n = len(text)
    e = i + 1
    j = e
    while j < n:
        if _improbable(text[j], common):
            e = j = j + 1
        elif j - e < gap and "\u4e00" <= text[j] <= "\u9fff":
            j += 1
        else:
            break
    s = i
    j = s - 1
    while j >= 0:
        if _improbable(text[j], common):
            s = j
            j -= 1
        elif s - j <= gap and "\u4e00" <= text[j] <= "\u9fff":
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
    for s, e in find_mojibake(doc.text):
        rs, re_ = doc.mapped.raw_span(s, e)
        doc.removed.append(Removed("mojibake", doc.text[s:e], rs, re_, note="marked, kept in text"))
    if any(r.kind == "mojibake" for r in doc.removed):
        doc.flags.append("mojibake")
    return doc


# ----------------------------------------------------------------------------- lines

@cache
def _furniture() -> list[tuple[str, re.Pattern[str]]]:
    return [(f["name"], re.compile(f["pattern"])) for f in _rules()["furniture"]]


@cache
def _meta() -> dict[str, list[re.Pattern[str]]]:
    m = _rules()["metadata"]
    return {k: [re.compile(p) for p in m[k]] for k in ("published", "site", "authors", "editors")}


def read_metadata(line: str) -> dict[str, object]:
    """Metadata stated on one line: published, site, authors, editors (only what is there)."""
    from extract.ingest import parse_datetime

    out: dict[str, object] = {}
    pats = _meta()
    for p in pats["published"]:
        m = p.search(line)
        if m and (iso := parse_datetime(m.group(1))):
            out["published"] = iso
            break
    for p in pats["site"]:
        if m := p.search(line):
            out["site"] = m.group(1)
            break
    for key in ("authors", "editors"):
        names: list[str] = []
        for p in pats[key]:
            for m in p.finditer(line):
                names += [n for n in re.split(r"[\s、，,|｜]+", m.group(1)) if n]
        if names:
            out[key] = list(dict.fromkeys(names))
    return out


# No furniture rule matches a line longer than this (the longest, a navigation bar, is 8 items of
# at most 12 characters); the guard spares every body paragraph seven failing full matches.
_FURNITURE_MAX = 120


def furniture_kind(line: str) -> str | None:
    """The furniture rule a whole line matches, or None for article text."""
    s = line.strip()
    if not s or len(s) > _FURNITURE_MAX:
        return None
    for name, pat in _furniture():
        if pat.fullmatch(s):
            return name
    return None


_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+")


def _lines(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\n]*", text) if m.start() == 0 or text[m.start() - 1] == "\n"]


def clean_lines(doc: Doc) -> Doc:
    """Drop furniture and metadata lines, mark captions, strip heading marks, join broken lines."""
    assert doc.mapped is not None
    mt = doc.mapped
    text = mt.text
    cap_re = re.compile(_rules()["captions"]["credit"])
    edits: list[tuple[int, int, str | None]] = []
    captions: list[tuple[int, int]] = []
    prev_image = False
    for s, e in _lines(text):
        line = text[s:e]
        meta = read_metadata(line) if len(line) <= 80 or "记者" in line else {}
        kind = furniture_kind(line)
        if kind in ("metadata", "credit", "datetime line") or (kind is None and meta and _is_meta_only(line)):
            _merge_meta(doc, meta)
        elif meta.get("authors") and not kind:
            doc.authors = list(dict.fromkeys(doc.authors + meta["authors"]))  # byline kept in text
        if kind:
            rs, re_ = mt.raw_span(s, e)
            doc.removed.append(Removed("furniture", line.strip(), rs, re_, note=kind))
            edits.append((s, min(e + 1, len(text)), None))
            prev_image = kind == "image"
            continue
        if line.strip() and (prev_image or cap_re.search(line)):
            captions.append(mt.raw_span(s, e))
            doc.removed.append(Removed("caption", line.strip(), *mt.raw_span(s, e), note="kept in text, marked"))
        if line.strip():
            prev_image = False
        h = _HEADING.match(line)
        if h:
            edits.append((s, s + h.end(), None))
    mt = mt.rewrite(sorted(edits))
    mt = _join_broken(doc, mt)
    mt = _tidy(mt)
    doc.mapped = mt
    doc.captions = mt.spans_from_raw(captions)
    return doc


def _is_meta_only(line: str) -> bool:
    """A line that is nothing but metadata (so it is dropped like furniture).

    The length test comes first: the pattern backtracks badly on long body lines with colons.
    """
    return len(line.strip()) <= 80 and _META_ONLY.fullmatch(line) is not None


_META_ONLY = re.compile(r"\s*(?:\S+\s*[:：]\s*\S+\s*)+")


def _merge_meta(doc: Doc, meta: dict) -> None:
    if meta.get("published") and not doc.published:
        doc.published = meta["published"]
    if meta.get("site") and not doc.site:
        doc.site = meta["site"]
    for key in ("authors", "editors"):
        if meta.get(key):
            setattr(doc, key, list(dict.fromkeys(getattr(doc, key) + meta[key])))


def _join_broken(doc: Doc, mt: MappedText) -> MappedText:
    """Join a body line cut mid-sentence to its continuation across blank lines.

    A continuation that repeats an earlier paragraph word for word is a repeated block from
    page extraction, not the rest of this line, so it is not joined (passage de-duplication
    removes it later).
    """
    cfg = _rules()["joins"]
    end_re, cont_re = re.compile(cfg["sentence_end"]), re.compile(cfg["continuation_start"])
    cap_re = re.compile(_rules()["captions"]["credit"])
    text = mt.text
    paras = [(s, e) for s, e in _lines(text) if text[s:e].strip()]
    seen: set[str] = set()
    edits = []
    for (s1, e1), (s2, e2) in zip(paras, paras[1:], strict=False):
        a, b = text[s1:e1].strip(), text[s2:e2].strip()
        seen.add(a)
        if (len(a) >= cfg["min_len"] and re.search("[，。、；]", a) and not end_re.search(a)
                and not cap_re.search(a) and cont_re.search(b) and b not in seen and "\n" in text[e1:s2]
                and _cut_inside(a, b, cfg)):
            edits.append((e1, s2, ""))
            rs, re_ = mt.raw_span(e1 - 1, s2 + 1)
            doc.removed.append(Removed("join", text[e1 - 1] + "⏎" + text[s2], rs, re_, note="line break inside a word"))
    return mt.rewrite(edits) if edits else mt


def _cut_inside(a: str, b: str, cfg: dict) -> bool:
    """Whether the break between lines ``a`` and ``b`` falls inside a word or a phrase."""
    from extract.segment import tokenizer

    if b[0] in cfg["no_start"] or a[-1] in cfg["no_end"]:
        return True
    freq = tokenizer().FREQ
    return any(freq.get(w) for w in (a[-1] + b[0], a[-2:] + b[0], a[-1] + b[:2]))


_BLANKS = re.compile(r"[ \t][ \t]*")  # [ \t]+, see _INVISIBLE
_NEWLINES = re.compile(r"\n{2,}")
_OUTER_NEWLINES = re.compile(r"^\n+|\n+$")


def _tidy(mt: MappedText) -> MappedText:
    """One paragraph a line: trim each line, drop blank lines and the blank at both ends.

    Each step first checks cheaply that it has something to do (most texts have few spaces,
    no blank lines left and no newline at either end): all runs of spaces are found with a
    pattern the regex engine can skip through (see _INVISIBLE), and those that touch a line end
    are deleted.
    """
    if spaces := _line_edge_blanks(mt.text):
        mt = mt.delete_spans(spaces)
    if "\n\n" in mt.text:
        mt = mt.sub(_NEWLINES, "\n")
    if mt.text.startswith("\n") or mt.text.endswith("\n"):  # ^ and $ cannot match otherwise
        mt = mt.sub(_OUTER_NEWLINES, lambda m: None)
    return mt


def _line_edge_blanks(text: str) -> list[tuple[int, int]]:
    """Runs of spaces and tabs at the start or end of a line (or of the text)."""
    n = len(text)
    return [(s, e) for s, e in (m.span() for m in _BLANKS.finditer(text))
            if s == 0 or e == n or text[s - 1] == "\n" or text[e] == "\n"]
