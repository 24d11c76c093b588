"""Entities: PERSON, ORG, LOC, WORK, EVENT, PRODUCT, TITLE (issue 5).

No pretrained Chinese model can be used here, so the rules carry the work:

* spaCy (``spacy.blank("zh")`` vocabulary) runs over the project's own jieba words (``doc.tokens``; spaCy's
  segmenter never runs).  Gazetteer names (``rules/gazetteers/``) match as a PhraseMatcher (attr ORTH) would,
  with an EntityRuler's longest-match-wins resolution, but by dictionary look-ups: a name matches where its
  characters stand and the document's word boundaries over it equal those of the name cut alone, tried only
  where a hashed table of first character pairs allows.  The Matcher holds the token patterns of
  ``rules/entities/entities.toml`` (titles in 《》) and sees only the stretches from an opening word to its stop word;
* the words are kept as a boundary mask (a byte per position), and barriers, character classes and the
  literal-word scans (titles, boundary words) are array operations, so the cost follows the hits;
* suffix rules (``…有限公司``, ``…海关``, ``…口岸``, ``…综合保税区``) grow names to the left up to a
  boundary (punctuation or a boundary word), so nested forms stay whole (喀什海关物流监管处);
* jieba glues some names to their suffix (上海港, 成都市委, 北京西站, 北京经济技术开发区 are single words), so a
  suffix rule also looks for a known place at the start of the word that holds the suffix; an unknown name may
  sit between a known place and a port-type suffix (日照港|岚山|港区) or carry descriptor words (洋山|深水|港区),
  but never starts with a verb or function word (占|全港);
* a job title between an organisation and a name gives PERSON with ``title`` and ``org``;
  bylines (本报记者 耿丹丹 乔文汇) and ·-names (居来提·苏合力提) give PERSON too, and every later
  mention of a found name is tagged.

Character spans are the truth (jieba may cut 处处长 as 处处/长); tokens only decide where a word
may end.  Overlaps resolve to the longest span, rule persons first.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import compress
from pathlib import Path

import jieba
import numpy as np
import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc as SpacyDoc

from extract.model import Doc, Entity
from extract.rules import load_list, load_toml, rules_dir
from extract.segment import cut_spans, tokenizer

_HAN = r"\u4e00-\u9fff"
_IS_HAN = re.compile(f"[{_HAN}]")


@dataclass(slots=True)
class Cand:
    """A candidate span before overlap resolution."""

    start: int
    end: int
    label: str
    source: str
    tier: int = 1  # 0 = rule persons/works (win overlaps), 1 = the rest by length, 2 = propagated names
    title: str | None = None
    org: str | None = None


def _alt(words: list[str] | tuple[str, ...]) -> str:
    """Regex alternation, longest first, so a longer word wins at the same position."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass
class _Rules:
    """The compiled form of rules/entities/entities.toml and the gazetteers (built once per process)."""

    nlp: spacy.Language
    matcher: Matcher
    brackets: dict[str, frozenset[str]] | None  # Matcher patterns 《 …+ 》: opening word -> words a match stops at
    gazetteer: dict[str, str]
    gaz_cut: dict[str, tuple[bytes, int]]  # name -> (its word boundaries as a 0/1 mask over 0..len, its word count)
    gaz_first: dict[str, int]  # first word of a name (as jieba cuts the name) -> most words a name starting so has
    gaz_pairs: np.ndarray  # bit _pair_hash(first two characters of a name) set (a filter, never a proof)
    org_strong: set[str]
    org_weak: set[str]
    org_suffixes: tuple[str, ...]  # strong and weak
    org_re: re.Pattern[str]
    org_max_middle: int
    org_max_len: int
    not_before: dict[str, str]
    org_bad_start: str
    org_loc_like: frozenset[str]  # weak suffixes that make a LOC after a bare proper name (上海虹桥站)
    org_paren: re.Pattern[str]  # （集团） right before a company suffix is part of the name
    loc_strong: set[str]
    loc_tight: set[str]
    loc_tight_middle: tuple[str, ...]
    loc_broad: frozenset[str]
    loc_named: frozenset[str]  # tight suffixes a known place + an unknown name may carry (青岛港|董家口|港区)
    loc_broad_ok: frozenset[str]  # tight suffixes a province-level place may carry (上海港)
    station_middle: str  # direction characters between a city and 站 (成都东站)
    loc_follow_ok: re.Pattern[str]  # a time word that may follow a suffix jieba glued to it (港|前三季度)
    loc_bad_start: str  # verbs and function words an unknown place name never starts with (占全港)
    loc_descriptors: frozenset[str]  # words between an unknown place name and its suffix (洋山深水港区)
    freq: dict[str, int]
    loc_re: re.Pattern[str]
    loc_max_middle: int
    loc_generic: set[str]
    loc_generic_multi: tuple[str, ...]
    bound_multi: re.Pattern[str]
    bound_pairs: np.ndarray  # _pair_bits of the multi-character boundary words (see _scan)
    bound_single: set[str]
    char_class: np.ndarray  # code point -> _PUNCT_DIGIT | _DATE_PART | _DIGIT | _BOUND_SINGLE bits
    punct: set[str]
    title_re: re.Pattern[str]
    title_pairs: np.ndarray  # _pair_bits of the titles
    titles: set[str]
    triggers: tuple[str, ...]
    not_in_name: set[str]
    surnames: set[str]
    compound: set[str]
    byline_re: re.Pattern[str]
    roles: set[str]
    event_re: re.Pattern[str]
    event_fixed: re.Pattern[str]
    dot_re: re.Pattern[str]


_PUNCT_DIGIT, _DATE_PART, _DIGIT, _BOUND_SINGLE = 1, 2, 4, 8


def _char_classes(punct: list[str], bound_single: list[str]) -> np.ndarray:
    """A table over all code points of the character classes the barrier rules test (``str.isdigit`` digits,
    ① and ² too): one look-up per character classifies a whole text at once."""
    table = np.zeros(0x110000, dtype=np.uint8)
    digits = [ord(ch) for ch in filter(str.isdigit, map(chr, range(_HIGH)))]  # above: see _classify
    table[digits] |= _DIGIT | _PUNCT_DIGIT
    table[[ord(ch) for ch in punct]] |= _PUNCT_DIGIT
    table[[ord(ch) for ch in "年月日号"]] |= _DATE_PART
    table[[ord(ch) for ch in bound_single]] |= _BOUND_SINGLE
    return table


_HIGH = 0x20000  # the class table scans str.isdigit below this code point (no digit above it in Unicode 15)
_HIGH_RE = re.compile("[\U00020000-\U0010ffff]")
_PARENS = tuple(map(ord, "（(）)"))


def _classify(r: _Rules, text: str, codes: np.ndarray) -> np.ndarray:
    """The ``_char_classes`` bits of every character of ``text`` (``codes``: its code points)."""
    cls = r.char_class[codes]
    if len(codes) and codes.max() >= _HIGH:  # rare planes: ask str.isdigit itself
        for m in _HIGH_RE.finditer(text):
            if m.group().isdigit():
                cls[m.start()] |= _DIGIT | _PUNCT_DIGIT
    return cls


def _gazetteer() -> dict[str, str]:
    """Every gazetteer name with its label (from the file-name prefix); the first file by name wins."""
    labels = load_toml("entities/entities")["gazetteer_labels"]
    out: dict[str, str] = {}
    gaz = rules_dir() / "entities" / "gazetteers"
    for path in sorted(gaz.glob("*.txt")):
        label = next((lab for pre, lab in labels.items() if path.name.startswith(pre)), None)
        if label is None:
            continue
        for line in load_list(f"entities/gazetteers/{path.name}"):
            name = line.split("\t")[0].split()[0]
            if len(name) > 1:
                out.setdefault(name, label)
    return out


def _jieba_places(cfg: dict) -> dict[str, str]:
    """Administrative place names of jieba's dictionary (see ``[jieba_places]`` in entities.toml)."""
    exclude = set(cfg["exclude"])
    line = re.compile(rf"^{_H}*(\S{{{int(cfg['min_len'])},}}){_H}+\S+{_H}+{re.escape(cfg['tag'])}{_H}*$", re.M)
    return {w: "LOC" for w in (m.group(1) for m in line.finditer(_jieba_dict_text()))
            if w[-1] in cfg["suffixes"] and w not in exclude}


_H = r"[^\S\n]"  # whitespace within a line: a dictionary line is ``word freq tag``


@cache
def _jieba_dict_text() -> str:
    """jieba's dictionary file, read once; lines are matched with regexes (no per-line Python loop)."""
    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    with path.open(encoding="utf-8") as f:
        return f.read()


@cache
def rules() -> _Rules:
    """Compile the rules once: the spaCy pipeline, the suffix and title regexes."""
    cfg = load_toml("entities/entities")
    gaz = _gazetteer()
    for name, label in _jieba_places(cfg["jieba_places"]).items():
        gaz.setdefault(name, label)
    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)  # never spaCy's own segmenter: patterns cut like documents
    matcher = Matcher(nlp.vocab)
    for pat in cfg["work"]["patterns"]:
        matcher.add(pat["label"], [pat["pattern"]])
    org, loc, bnd, per, byl, ev = (cfg[k] for k in ("org", "loc", "boundary", "person", "byline", "event"))
    multi = [w for w in bnd["words"] if len(w) > 1]
    titles = list(per["titles"])
    _common_words()  # loaded with the rules, so a worker's warm-up loads it too
    return _Rules(
        nlp=nlp,
        matcher=matcher,
        brackets=_brackets(cfg["work"]["patterns"]),
        gazetteer=gaz,
        **_gazetteer_index(gaz),
        org_strong=set(org["strong"]),
        org_weak=set(org["weak"]) - set(org["strong"]),
        org_suffixes=tuple(sorted(set(org["strong"]) | set(org["weak"]))),
        org_re=re.compile(_alt(org["strong"] + org["weak"])),
        org_max_middle=org["max_middle"],
        org_max_len=org["max_len"],
        not_before=dict(org["not_before"]),
        org_bad_start=org["bad_start"],
        org_loc_like=frozenset(org.get("loc_like", ())),
        org_paren=re.compile(rf"[（(][{_HAN}]{{1,4}}[）)](?=(?:{_alt(org.get('paren_before', ['有限公司']))}))"),
        loc_strong=set(loc["strong"]),
        loc_tight=set(loc["tight"]),
        loc_tight_middle=tuple(loc["tight_middle"]),
        loc_broad=frozenset(n.split()[0] for f in loc["broad_files"] for n in load_list(f"entities/gazetteers/{f}")),
        loc_named=frozenset(loc.get("named_after_place", ())),
        loc_broad_ok=frozenset(loc.get("broad_ok", ())),
        station_middle=loc.get("station_middle", ""),
        loc_follow_ok=re.compile(loc.get("follow_ok", "(?!)")),
        loc_bad_start=loc.get("bad_start", ""),
        loc_descriptors=frozenset(loc.get("descriptors", ())),
        freq=tokenizer().FREQ,
        loc_re=re.compile(_alt(loc["strong"] + loc["weak"])),
        loc_max_middle=loc["max_middle"],
        loc_generic=set(loc["generic"]),
        loc_generic_multi=tuple(sorted({g for g in loc["generic"] if len(g) > 1})),
        bound_multi=re.compile(_alt(multi)),
        bound_pairs=_pair_bits(multi),
        bound_single={w for w in bnd["words"] if len(w) == 1},
        char_class=_char_classes(bnd["punct"], [w for w in bnd["words"] if len(w) == 1]),
        punct=set(bnd["punct"]),
        title_re=re.compile(_alt(titles)),
        title_pairs=_pair_bits(titles),
        titles=set(titles),
        triggers=tuple(sorted(per["triggers"], key=len, reverse=True)),
        not_in_name=set(per["not_in_name"]),
        surnames=set(per["surnames"].strip()),
        compound=set(per["compound_surnames"]),
        byline_re=re.compile(
            rf"({_alt(byl['roles'])})[ \t\u3000:：]*"
            rf"([{_HAN}]{{2,4}}(?:·[{_HAN}]{{1,8}})?(?:[ \t\u3000|｜、]+[{_HAN}]{{2,4}})*)"
            rf"(?=[ \t\u3000]*(?:摄|\n|$|）|\)))"
        ),
        roles=set(byl["roles"]),
        # every branch opens with a literal (19|20 spelt out), so the engine skips to 第, 1 or 2 (a leading group
        # would be tried at every position)
        event_re=re.compile(
            rf"(?:第[一二三四五六七八九十百零〇\d]+届|19\d\d年?|20\d\d年?)[^，。；！？、\s（）()\d月日的是在将了和与]{{0,{ev['max_len']}}}?"
            rf"(?:{_alt(ev['suffixes'])})"
        ),
        event_fixed=re.compile(_alt(ev["fixed"])),
        dot_re=re.compile(rf"[{_HAN}]{{1,8}}·[{_HAN}]{{1,8}}(?:·[{_HAN}]{{1,8}})?"),
    )


def _brackets(patterns: list[dict]) -> dict[str, frozenset[str]] | None:
    """Opening word and stop words of Matcher patterns shaped ``[{ORTH: open}, {ORTH: {NOT_IN: stops}, OP: +},
    {ORTH: close}]`` with the close word a stop: a match from an opening word ends at the first stop word after
    it, so the Matcher only needs to see that stretch.  None when a pattern has another shape (then the Matcher
    sees the whole document)."""
    out: dict[str, frozenset[str]] = {}
    for pat in patterns:
        toks = pat["pattern"]
        shape = [sorted(t) for t in toks]
        if len(toks) != 3 or shape != [["ORTH"], ["OP", "ORTH"], ["ORTH"]] or toks[1]["OP"] != "+" \
                or not isinstance(toks[0]["ORTH"], str) or not isinstance(toks[2]["ORTH"], str) \
                or not isinstance(toks[1]["ORTH"], dict) or list(toks[1]["ORTH"]) != ["NOT_IN"] \
                or toks[2]["ORTH"] not in toks[1]["ORTH"]["NOT_IN"]:
            return None
        stops = frozenset(toks[1]["ORTH"]["NOT_IN"])
        opening = toks[0]["ORTH"]
        out[opening] = out[opening] & stops if opening in out else stops  # a stretch ends where every pattern stops
    return out


# --------------------------------------------------------------------------------------------- spaCy


class JiebaTokenizer:
    """spaCy tokenizer that cuts with the project's jieba (so phrase patterns split like documents do)."""

    def __init__(self, vocab: spacy.Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> SpacyDoc:
        words = [text[s:e] for s, e in cut_spans(text)]
        return SpacyDoc(self.vocab, words=words, spaces=[False] * len(words))


def word_spans(doc: Doc) -> list[tuple[int, int]]:
    """The jieba words of the document, gaps between paragraphs as words of their own: they tile the text."""
    text = doc.text
    toks = doc.tokens or cut_spans(text)
    fast = _tiling(toks, len(text))
    if fast is not None:
        return fast
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in toks:
        if s > pos:
            out.append((pos, s))
        if e > s:
            out.append((s, e))
        pos = max(pos, e)
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _tiling(toks: list[tuple[int, int]], n: int) -> list[tuple[int, int]] | None:
    """``word_spans`` for the usual case (sorted, non-empty, non-overlapping tuples inside the text, as
    ``segment`` makes them) with the gaps found by C-level comparisons; None for anything else."""
    if not toks or type(toks[0]) is not tuple:
        return None
    starts = [s for s, _ in toks]
    ends = [e for _, e in toks]
    nxt = starts[1:]
    if starts[0] < 0 or ends[-1] > n or not all(map(operator.lt, starts, ends)) or not all(map(operator.le, ends, nxt)):
        return None
    out: list[tuple[int, int]] = [(0, starts[0])] if starts[0] > 0 else []
    prev = 0
    for k in compress(range(len(nxt)), map(operator.ne, ends, nxt)):  # a gap after word k
        out += toks[prev:k + 1]
        out.append((ends[k], nxt[k]))
        prev = k + 1
    out += toks[prev:]
    if ends[-1] < n:
        out.append((ends[-1], n))
    return out


def spacy_doc(doc: Doc, spans: list[tuple[int, int]] | None = None) -> SpacyDoc:
    """A spaCy Doc over the jieba words; every character is in exactly one token, so ``token.idx`` is an offset."""
    text = doc.text
    words = [text[s:e] for s, e in (spans if spans is not None else word_spans(doc))]
    return SpacyDoc(rules().nlp.vocab, words=words, spaces=[False] * len(words))


# --------------------------------------------------------------------------------------------- helpers


class _Ctx:
    """Per-document state: text, token ends, barriers and the anchors found so far."""

    def __init__(self, doc: Doc, spans: list[tuple[int, int]] | None, gaz: list[Cand],
                 bnd: bytearray | None = None, codes: np.ndarray | None = None, pairs: _Pairs | None = None) -> None:
        self.r = rules()
        self.doc = doc
        self.text = doc.text
        n = len(self.text)
        if spans is not None:
            self.tok_list = spans
        # bnd[i]: a word starts or ends at i (the words tile the text, so a word ends where the next starts)
        self.bnd = bnd if bnd is not None else spans_boundaries(self.tok_list, n)
        b = np.frombuffer(self.bnd, dtype=bool)
        single = np.zeros(n + 1, dtype=bool)
        single[:n] = b[:n] & b[1:]
        self.single = bytearray(single.tobytes())  # single[i]: (i, i + 1) is a word
        self.gaz = gaz
        self.anchors = [c for c in gaz if c.label in _ANCHOR_LABELS]  # gaz is in text order
        self.anchor_starts = [c.start for c in self.anchors]
        # the LOC anchors alone, as the place rules read them (a subsequence of ``anchors``, same order)
        self.loc_anchors = [c for c in self.anchors if c.label == "LOC"]
        self.loc_starts = [c.start for c in self.loc_anchors]
        self.anchor_by_end: dict[int, list[Cand]] = {}
        for c in self.anchors:
            self.anchor_by_end.setdefault(c.end, []).append(c)
        self.unanchored: list[Cand] = []  # places found that are no anchor (a known place + 市): see ``orgs_by_end``
        codes = _codes(self.text) if codes is None else codes
        self.pairs = pairs or _Pairs(codes)
        self.barrier, self.plain = self._barriers(codes)

    @cached_property
    def tok_list(self) -> list[tuple[int, int]]:
        return word_spans(self.doc)

    def word_before(self, a: int) -> tuple[int, int]:
        """The word holding position ``a - 1`` (``a`` > 0)."""
        return self.bnd.rfind(1, 0, a), self.bnd.find(1, a)

    def is_word(self, s: int, e: int) -> bool:
        """True when ``text[s:e]`` (s < e) is one word."""
        return self.bnd[s] == 1 and self.bnd.find(1, s + 1) == e

    def add_anchor(self, c: Cand) -> None:
        i = bisect_left(self.anchor_starts, c.start)
        self.anchor_starts.insert(i, c.start)
        self.anchors.insert(i, c)
        self.anchor_by_end.setdefault(c.end, []).append(c)
        if c.label == "LOC":  # bisect_left in both lists: the LOC list stays the LOC subsequence of ``anchors``
            i = bisect_left(self.loc_starts, c.start)
            self.loc_starts.insert(i, c.start)
            self.loc_anchors.insert(i, c)

    def _barriers(self, codes: np.ndarray) -> tuple[bytearray, bytearray]:
        """barrier[i] == 1: a name may not extend left past position i (it starts at i or later); and
        plain[i] == 1: character i is neither punctuation nor a digit (where ``window`` may start a name).

        Punctuation and digits (outside gazetteer names) bound a name on both sides, as do single boundary
        words standing as words of their own (的, 在); a date's 年月日号 ends one; multi-character boundary
        words end one.  Computed with array operations over the characters' classes (``_char_classes``), not
        with a loop over every character.
        """
        text, r = self.text, self.r
        n = len(text)
        cls = _classify(r, text, codes)
        gaz = self.gaz
        starts = np.array([c.start for c in gaz], dtype=np.int64)
        ends = np.array([c.end for c in gaz], dtype=np.int64)
        long = ends - starts > 1
        # positions strictly inside a gazetteer name: +1 after each start, -1 at each end, summed
        depth = np.cumsum(np.bincount(starts[long] + 1, minlength=n + 2) - np.bincount(ends[long], minlength=n + 2))
        inside = depth[:n + 1] > 0
        keep = inside.copy()  # punctuation that bounds nothing
        # （新疆） inside a company or zone name is not a barrier
        loc = np.array([c.label == "LOC" for c in gaz], dtype=bool) & (starts > 0) & (ends < n)
        s, e = starts[loc], ends[loc]
        before, after = codes[s - 1], codes[e]
        wrapped = ((before == _PARENS[0]) | (before == _PARENS[1])) & ((after == _PARENS[2]) | (after == _PARENS[3]))
        keep[s[wrapped] - 1] = keep[e[wrapped]] = True
        for m in r.org_paren.finditer(text):  # 上海国际港务（集团）股份有限公司
            keep[m.start()] = keep[m.end() - 1] = True
        bar = np.zeros(n + 1, dtype=bool)
        bar[0] = True
        hard = (cls & _PUNCT_DIGIT).astype(bool) & ~keep[:n]
        bar[:n] |= hard
        bar[1:] |= hard
        # 2023年11月1日新疆… : no name across a date
        bar[2:] |= (cls[1:] & _DATE_PART).astype(bool) & (cls[:-1] & _DIGIT).astype(bool)
        gaz_end = np.zeros(n + 1, dtype=bool)
        gaz_end[ends[ends <= n]] = True
        word = np.frombuffer(self.single, dtype=bool)[:n] | gaz_end[:n]
        soft = (cls & _BOUND_SINGLE).astype(bool) & ~inside[:n] & word
        bar[:n] |= soft
        bar[1:] |= soft
        spans = np.array([m.span() for m in _scan(r.bound_multi, r.bound_pairs, text, self.pairs)],
                         dtype=np.int64).reshape(-1, 2)
        bar[spans[:, 1][~inside[spans[:, 0]] & ~inside[spans[:, 1]]]] = True
        return bytearray(bar.tobytes()), bytearray(((cls & _PUNCT_DIGIT) == 0).tobytes())

    def window(self, pos: int, limit: int) -> int:
        """Leftmost start of a name that ends at ``pos``: back to the nearest barrier, at most ``limit`` chars,
        then past punctuation and digits (``str.isdigit``, as the class table has them)."""
        lo = pos - limit if pos > limit else 0
        j = self.barrier.rfind(1, lo + 1, pos + 1)  # the nearest barrier in (lo, pos], else lo
        if j < lo:
            j = lo
        k = self.plain.find(1, j, pos)
        return pos if k < 0 else k

    def orgs_by_end(self) -> dict[int, list[Cand]]:
        """Every LOC and ORG candidate (gazetteer and rules) by its end, for reading: the anchors, and the places
        that anchor nothing (rare: then a copy)."""
        if not self.unanchored:
            return self.anchor_by_end
        out = {e: list(cs) for e, cs in self.anchor_by_end.items()}
        for c in self.unanchored:
            out.setdefault(c.end, []).append(c)
        return out

    def anchors_in(self, lo: int, hi: int) -> list[Cand]:
        """Known LOC/ORG spans lying inside [lo, hi)."""
        return _spans_in(self.anchor_starts, self.anchors, lo, hi)

    def loc_anchors_in(self, lo: int, hi: int) -> list[Cand]:
        """Known LOC spans lying inside [lo, hi) (``anchors_in`` filtered to LOC, without the others)."""
        return _spans_in(self.loc_starts, self.loc_anchors, lo, hi)


_ANCHOR_LABELS = frozenset(("LOC", "ORG"))


def _spans_in(starts: list[int], cands: list[Cand], lo: int, hi: int) -> list[Cand]:
    """The candidates (sorted by start; ``starts`` their starts) lying inside [lo, hi)."""
    i = bisect_left(starts, lo)
    k = len(starts)
    if i == k or starts[i] >= hi:  # the usual answer: nothing there
        return []
    out = []
    while i < k and starts[i] < hi:
        c = cands[i]
        if c.end <= hi:
            out.append(c)
        i += 1
    return out


def _gazetteer_index(gaz: dict[str, str]) -> dict:
    """The look-up tables that replace a PhraseMatcher over every name (``_Rules.gaz_*``).

    A name matches where its characters stand as whole words cut as jieba cuts the name alone (as
    ``nlp.make_doc(name)`` makes a phrase pattern): its boundary mask equals the document's over the span.
    """
    cut: dict[str, tuple[bytes, int]] = {}
    first: dict[str, int] = {}
    for name in sorted(gaz):
        mask = bytearray(len(name) + 1)
        words = cut_spans(name)
        for s, e in words:
            mask[s] = mask[e] = 1
        cut[name] = (bytes(mask), len(words))
        head = name[:words[0][1]]
        first[head] = max(first.get(head, 0), len(words))
    return {"gaz_cut": cut, "gaz_first": first, "gaz_pairs": _pair_bits(list(cut))}


_PAIR_MASK = (1 << 20) - 1


def _pair_hash(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """A hash of two code points (arrays), so one table look-up per position filters where a name may start."""
    return (first.astype(np.int64) * 1000003 + second) & _PAIR_MASK


def _pair_bits(words: list[str]) -> np.ndarray:
    """A bit per ``_pair_hash`` value, set for the first two characters of each word (all of 2+ characters):
    128 KB, so it stays in the CPU cache between documents."""
    assert all(len(w) >= 2 for w in words)
    firsts = np.array([[ord(w[0]), ord(w[1])] for w in words], dtype=np.int64).reshape(-1, 2)
    bits = np.zeros(_PAIR_MASK + 1, dtype=bool)
    bits[_pair_hash(firsts[:, 0], firsts[:, 1])] = True
    return np.packbits(bits, bitorder="little")


class _Pairs:
    """The ``_pair_hash`` of every two neighbouring characters of a text, split for look-ups in ``_pair_bits``."""

    def __init__(self, codes: np.ndarray) -> None:
        h = _pair_hash(codes[:-1], codes[1:])
        self.byte = h >> 3
        self.bit = (h & 7).astype(np.uint8)

    def starts(self, bits: np.ndarray) -> np.ndarray:
        """Per position 0..n-2: True where a word of ``bits`` may begin (its first two characters stand there,
        or collide with them in the hash: a filter, never a proof)."""
        return ((bits[self.byte] >> self.bit) & 1).astype(bool)


def _scan(pattern: re.Pattern[str], bits: np.ndarray, text: str, pairs: _Pairs) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for an alternation of literal words of 2+ characters, trying the pattern
    only where ``bits`` says a word may begin: the same matches (non-overlapping, leftmost, longest first), without
    a regex scan of every character."""
    out = []
    end = 0
    match = pattern.match
    for p in np.flatnonzero(pairs.starts(bits)).tolist():
        if p >= end:
            m = match(text, p)
            if m is not None:
                out.append(m)
                end = m.end()
    return out


def _codes(text: str) -> np.ndarray:
    """The code points of ``text`` as an array (one C-level conversion shared by the array computations)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


def boundaries(doc: Doc) -> bytearray:
    """A 0/1 byte per text position 0..n: 1 where a word of ``word_spans(doc)`` starts or ends.

    The words tile the text, so this mask is all the word structure the rules need (the word around a
    position, whether a span is a word), and it is made with array operations, not a loop over the words.
    """
    text = doc.text
    n = len(text)
    toks = doc.tokens or cut_spans(text)
    k = len(toks)
    if k:
        starts = np.fromiter(map(_FIRST, toks), dtype=np.int64, count=k)
        ends = np.fromiter(map(_SECOND, toks), dtype=np.int64, count=k)
        if starts[0] >= 0 and ends[-1] <= n and (starts < ends).all() and (ends[:-1] <= starts[1:]).all():
            return _bounds_mask(n, starts, ends)
    return spans_boundaries(word_spans(doc), n)


def spans_boundaries(spans: list[tuple[int, int]], n: int) -> bytearray:
    """``boundaries`` from a list of word spans (a tiling of the text, as ``word_spans`` makes)."""
    arr = np.array(spans, dtype=np.int64).reshape(-1, 2)
    return _bounds_mask(n, arr[:, 0], arr[:, 1])


def _bounds_mask(n: int, starts: np.ndarray, ends: np.ndarray) -> bytearray:
    mask = np.zeros(n + 1, dtype=bool)
    mask[starts] = True
    mask[ends] = True
    mask[0] = mask[n] = True  # the gaps before the first and after the last word are words of their own
    return bytearray(mask.tobytes())


def _gazetteer_matches(r: _Rules, text: str, bnd: bytearray, pairs: _Pairs) -> list[Cand]:
    """Every gazetteer name standing as whole words, overlaps resolved like spaCy's EntityRuler: most words
    first, then leftmost; a match touching a taken one is dropped.  Same answer as a PhraseMatcher (ORTH) over
    the whole document, found by dictionary look-ups where the first two characters may start a name."""
    n = len(text)
    if n < 2:
        return []
    first, cut = r.gaz_first, r.gaz_cut
    found: list[tuple[int, int, int, str]] = []  # (-words, start, end, name) in text order
    last = 0
    overlap = False
    for p, e in zip(*_word_starts(bnd, pairs.starts(r.gaz_pairs)), strict=True):
        name = text[p:e]
        k = first.get(name)
        if k is None:
            continue
        hit = cut.get(name)
        if hit is not None and hit[1] == 1:
            found.append((-1, p, e, name))
            overlap |= p < last
            last = e
        for words in range(2, k + 1):  # the names of 2 … k words from p
            if e >= n:
                break
            e = bnd.find(1, e + 1)
            name = text[p:e]
            hit = cut.get(name)
            if hit is not None and hit[1] == words and bnd[p:e + 1] == hit[0]:
                found.append((-words, p, e, name))
                overlap |= p < last
                last = e
    gaz = r.gazetteer
    return [Cand(s, e, gaz[name], "gazetteer") for _, s, e, name in (_ruler_resolve(found, n) if overlap else found)]


def _word_starts(bnd: bytearray, may: np.ndarray) -> tuple[list[int], list[int]]:
    """Start and end of every word starting at a position ``p`` < n - 1 where ``may[p]`` (from the boundary
    mask: the words tile the text, so a word ends at the next boundary)."""
    at = np.flatnonzero(np.frombuffer(bnd, dtype=bool))
    k = int(np.searchsorted(at, len(may)))  # the words starting before len(may)
    starts, ends = at[:k], at[1:k + 1]
    sel = may[starts]
    return starts[sel].tolist(), ends[sel].tolist()


def _ruler_resolve(found: list[tuple[int, int, int, str]], n: int) -> list[tuple[int, int, int, str]]:
    """The EntityRuler's choice among overlapping matches ``(-words, start, end, name)``: most words first,
    then leftmost; a match whose first or last character is taken is dropped.  Kept ones in text order."""
    taken = bytearray(n + 1)
    keep = []
    for m in sorted(found):
        _, s, e, _ = m
        if not taken[s] and not taken[e - 1]:
            keep.append(m)
            taken[s:e] = b"\x01" * (e - s)
    keep.sort(key=_SECOND)
    return keep


def _word_at(bnd: bytearray, p: int) -> int:
    """End of the word that starts at ``p``."""
    return bnd.find(1, p + 1)


def _work_matches(r: _Rules, doc: Doc, bnd: bytearray) -> list[Cand]:
    """Matches of the Matcher's token patterns (titles in 《》) as character spans.

    With the bracket shape known (``_brackets``), a match from an opening word ends at the first stop word
    after it, so the Matcher sees only those stretches (one spaCy Doc of them); else the whole document.
    """
    strings = r.nlp.vocab.strings
    if r.brackets is None:
        spans = word_spans(doc)
        return [Cand(spans[a][0], spans[b - 1][1], strings[m], "pattern", tier=0)
                for m, a, b in r.matcher(spacy_doc(doc, spans))]
    text = doc.text
    n = len(text)
    words: list[tuple[int, int]] = []  # the stretches, one after the other
    stretches: list[int] = []  # where each stretch begins in ``words``
    for p in _opening_words(r, text, bnd):
        stops = r.brackets[text[p:_word_at(bnd, p)]]
        stretches.append(len(words))
        while p < n:
            q = _word_at(bnd, p)
            words.append((p, q))
            if len(words) - 1 > stretches[-1] and text[p:q] in stops:
                break
            p = q
    if not words:
        return []
    sp = SpacyDoc(r.nlp.vocab, words=[text[a:b] for a, b in words], spaces=[False] * len(words))
    out = []
    for i, j in zip(stretches, stretches[1:] + [len(words)], strict=True):
        out += [Cand(words[i + a][0], words[i + b - 1][1], strings[m], "pattern", tier=0)
                for m, a, b in r.matcher(sp[i:j]) if a == 0]
    return out


def _opening_words(r: _Rules, text: str, bnd: bytearray) -> list[int]:
    """Positions of the words that open a bracket pattern (《), in text order."""
    assert r.brackets is not None
    out = []
    for w in r.brackets:
        p = text.find(w)
        while p >= 0:
            if bnd[p] and _word_at(bnd, p) == p + len(w):
                out.append(p)
            p = text.find(w, p + 1)
    return sorted(out)


def _spacy_cands(words: list[str], spans: list[tuple[int, int]], doc: Doc) -> tuple[list[Cand], list[Cand]]:
    """Gazetteer names and token patterns (Matcher) of a document cut into ``spans`` (``word_spans``)."""
    r, text = rules(), doc.text
    bnd = spans_boundaries(spans, len(text))
    return _gazetteer_matches(r, text, bnd, _Pairs(_codes(text))), _work_matches(r, doc, bnd)


def _suffix_ok(ctx: _Ctx, suffix: str, a: int, b: int) -> bool:
    """A suffix must end a word: at a jieba word end, before a title, punctuation or a boundary."""
    text = ctx.text
    nxt = text[b] if b < len(text) else ""
    if nxt and nxt in ctx.r.not_before.get(suffix, ""):
        return False
    if ctx.bnd[b] or not nxt or nxt in ctx.r.punct or ctx.barrier[b]:
        return True
    return ctx.r.title_re.match(text, b) is not None or ctx.r.org_re.match(text, b) is not None


def _org_cands(ctx: _Ctx) -> list[Cand]:
    """Organisations by suffix; each found ORG becomes an anchor for the ones to its right."""
    r, text = ctx.r, ctx.text
    out = []
    for m in r.org_re.finditer(text):
        suffix, a, b = m.group(), m.start(), m.end()
        if not _suffix_ok(ctx, suffix, a, b):
            continue
        w = ctx.window(a, r.org_max_len)
        if suffix in r.org_strong:
            start = w
            if a - start < 2 or not _IS_HAN.search(text[start:a]) or text[start] in r.org_bad_start:
                continue
        else:
            anchors = ctx.anchors_in(w, a) or _place_in_word(ctx, a)  # 成都市委 is one word: 成都 was never seen
            if not anchors:
                continue
            start = anchors[0].start
            middle = a - max(c.end for c in anchors)
            if len(suffix) == 1 and r.freq.get(text[a - 1:b], 0) >= 100:  # 布局, 格局: the suffix ends a word
                continue
            if middle > r.org_max_middle or (len(suffix) == 1 and middle < 2):
                continue
            if r.title_re.search(text, a - middle, a):  # 印度尼西亚总统佐科: a title is no part of an office
                continue
        if b - start > r.org_max_len or _unbalanced(text[start:b]):
            continue
        label = "ORG"
        if suffix in r.org_loc_like and a > start and _middle_is_proper(ctx, start, a):
            label = "LOC"
        c = Cand(start, b, label, "suffix")
        out.append(c)
        ctx.add_anchor(c)
    return out


def _middle_is_proper(ctx: _Ctx, start: int, a: int) -> bool:
    """True when all between the last anchor and a loc-like suffix is a short proper name (上海|虹桥|站), not an
    office word (新疆|记者站, 工作站): such a station is a place."""
    ends = [c.end for c in ctx.anchors_in(start, a)]
    m = max(ends) if ends else start
    return 1 <= a - m <= 3 and all(_IS_HAN.match(ch) for ch in ctx.text[m:a]) and not _has_common_word(ctx, m, a) \
        and ctx.text[m:a] not in _common_words()


def _chain_start(anchors: list[Cand]) -> int:
    """Start of a place name built on the last known place, extended left over known places that touch it
    (新疆自贸试验区|霍尔果斯|片区) but not over a complete place before it (…示范区|新疆农业博览园)."""
    start = anchors[-1].start
    for c in reversed(anchors[:-1]):
        if c.end == start and c.source == "gazetteer":
            start = c.start
        elif c.end <= start:
            break
    return start


def _unbalanced(s: str) -> bool:
    """乌鲁木齐）集结中心: a name never holds half a bracket."""
    return s.count("（") + s.count("(") != s.count("）") + s.count(")")


def _loc_cands(ctx: _Ctx) -> list[Cand]:
    """Places by suffix: a known place + a short middle + suffix, or an unknown 2-4 char name + strong suffix."""
    r, text = ctx.r, ctx.text
    n, bnd, barrier, by_end, strong, follow_ok = len(text), ctx.bnd, ctx.barrier, ctx.anchor_by_end, r.loc_strong, \
        r.loc_follow_ok.match
    out = []
    for m in r.loc_re.finditer(text):
        a, b = m.span()
        if b < n and not bnd[b] and not barrier[b] and not follow_ok(text, b):
            continue
        suffix = m.group()
        if suffix not in strong:  # a known place right before the suffix (喀什 + 市)
            if a in by_end or suffix == "站":  # else nothing ends there: the usual case, decided here
                c = _loc_after_place(ctx, suffix, a, b)
                if c is not None:
                    out.append(c)
                    ctx.unanchored.append(c)
            continue
        start = _loc_start(ctx, suffix, a, b)
        if start is not None:
            c = Cand(start, b, "LOC", "suffix")
            out.append(c)
            ctx.add_anchor(c)
    return out


def _loc_after_place(ctx: _Ctx, suffix: str, a: int, b: int) -> Cand | None:
    """A weak suffix (市, 站) right after a known place (喀什 + 市, 成都 + 东 + 站), or None."""
    text = ctx.text
    ending = [c.start for c in ctx.anchor_by_end.get(a, ()) if c.label == "LOC"]
    if not ending and suffix == "站" and a > 0 and text[a - 1] in ctx.r.station_middle:  # 成都 东 站
        ending = [c.start for c in ctx.anchor_by_end.get(a - 1, ()) if c.label == "LOC"]
        ending = ending or [c.start for c in _place_in_word(ctx, a - 1)]  # 北京西站 is one word
    if ending:
        w = ctx.window(a, 24)
        ending = [s for s in ending if s >= w]
        if ending:
            return Cand(min(ending), b, "LOC", "suffix")
    return None


def _loc_start(ctx: _Ctx, suffix: str, a: int, b: int) -> int | None:
    """Start of the place that a strong suffix at [a, b) ends, or None: built on the known places before it, or
    an unknown name when there is none."""
    r, text = ctx.r, ctx.text
    w = ctx.window(a, 24)
    anchors = ctx.loc_anchors_in(w, a)
    near: list[Cand] = []
    if suffix in r.loc_tight:
        if anchors:
            near = [c for c in anchors if (c.end == a and (suffix in r.loc_broad_ok
                                                           or text[c.start:c.end] not in r.loc_broad))
                    or (c.end < a and text[c.end:a] in r.loc_tight_middle)]
        if not near:
            near = _place_in_word(ctx, a) or (_anchor_and_name(ctx, anchors, a) if suffix in r.loc_named else [])
    else:
        if anchors and a - max(c.end for c in anchors) <= r.loc_max_middle:
            near = anchors
        else:
            near = _place_opens_word(ctx, a, b)
    if near:
        last = near[-1]
        k = next((i for i, c in enumerate(anchors) if c is last), None)
        return _chain_start(near if k is None else anchors[:k + 1])  # 宁波|舟山|港 as one port
    if anchors:  # 喀什新建口岸: a known place + a phrase the tight rules refused is no unknown name either
        return None
    return w if _unknown_name_before(ctx, w, a) else None


def _unknown_name_before(ctx: _Ctx, w: int, a: int) -> bool:
    """True when ``text[w:a]`` is an unknown place name (2-4 Han characters, descriptor words after it allowed)
    that opens a word and does not start with a verb or function word.  The cheap tests come first (all are
    pure, so their order does not change the answer): most windows are too short or start inside a word."""
    bnd = ctx.bnd
    if a - w < 2 or not bnd[w]:
        return False
    head = _head_end(ctx, w, a)
    name = ctx.text[w:head]
    return _unknown_place(ctx.r, name) and not _has_common_word(ctx, w, head) \
        and not (ctx.single[w] and name[0] in ctx.r.loc_bad_start)


def _place_opens_word(ctx: _Ctx, a: int, b: int) -> list[Cand]:
    """A whole jieba word that opens with a known place and ends with the suffix (北京经济技术开发区 is one word)."""
    if a <= 0:
        return []
    s, e = ctx.word_before(a)
    if e != b:
        return []
    k = next((k for k in range(a, s + 1, -1) if ctx.r.gazetteer.get(ctx.text[s:k]) == "LOC"), None)
    return [Cand(s, k, "LOC", "gazetteer")] if k is not None else []


def _anchor_and_name(ctx: _Ctx, anchors: list[Cand], a: int) -> list[Cand]:
    """A known place, an unknown proper name and a port-type suffix (青岛港|董家口|港区): the anchors up to that
    place, when the name between is a 2-4 character unknown word (no dictionary word, no function word)."""
    if not anchors:
        return []
    c = max(anchors, key=lambda c: (c.end, c.start))
    head = _head_end(ctx, c.end, a)
    name = ctx.text[c.end:head]
    if c.end >= a or not ctx.bnd[c.end] or not _unknown_place(ctx.r, name) or _has_common_word(ctx, c.end, head) \
            or (ctx.single[c.end] and name[0] in ctx.r.loc_bad_start):
        return []
    return [x for x in anchors if x.end <= c.end]


def _place_in_word(ctx: _Ctx, a: int) -> list[Cand]:
    """A known place that jieba glued to the suffix (上海港 is one word, so the gazetteer never saw 上海)."""
    if a <= 0 or ctx.bnd[a]:
        return []
    s = ctx.bnd.rfind(1, 0, a)
    return [Cand(s, a, "LOC", "gazetteer")] if ctx.r.gazetteer.get(ctx.text[s:a]) == "LOC" else []


def _head_end(ctx: _Ctx, w: int, a: int) -> int:
    """End of the proper-name part of ``text[w:a]``: descriptor words right before the suffix (洋山|深水|港区)
    are peeled off, so an unknown name may carry them while the test of an unknown name sees only its head."""
    end = a
    while end > w:
        if not ctx.bnd[end]:  # no word ends at ``end``
            break
        s = ctx.bnd.rfind(1, 0, end)  # the word that ends there
        if s <= w or ctx.text[s:end] not in ctx.r.loc_descriptors:
            break
        end = s
    return end


def _unknown_place(r: _Rules, name: str) -> bool:
    """An unknown name in front of …口岸: 2-4 Han characters, not a dictionary word (提升, 百年), not generic."""
    if not 2 <= len(name) <= 4 or not all(_IS_HAN.match(ch) for ch in name) or name[0] in r.org_bad_start:
        return False
    if name in r.loc_generic or name in r.gazetteer or name in _common_words():
        return False
    return not (name.startswith(r.loc_generic_multi) or name.endswith(r.loc_generic_multi))


def _event_cands(ctx: _Ctx) -> list[Cand]:
    r = ctx.r
    out = [Cand(m.start(), m.end(), "EVENT", "pattern") for m in r.event_re.finditer(ctx.text)]
    out += [Cand(m.start(), m.end(), "EVENT", "gazetteer") for m in r.event_fixed.finditer(ctx.text)]
    return out


# --------------------------------------------------------------------------------------------- persons


def _valid_name(r: _Rules, name: str) -> bool:
    return 2 <= len(name) <= 12 and not any(ch in r.not_in_name for ch in name) and name not in r.titles \
        and r.gazetteer.get(name, "PERSON") == "PERSON" and name not in _common_words()


def _cut_at_trigger(r: _Rules, s: str) -> str:
    """The part of ``s`` before the first trigger word (at index >= 1)."""
    for i in range(1, len(s)):
        if s.startswith(r.triggers, i):
            return s[:i]
    return s


def _name_at(ctx: _Ctx, p: int) -> tuple[int, int] | None:
    """A personal name starting at ``p`` (right after a title), or None."""
    r, text = ctx.r, ctx.text
    m = r.dot_re.match(text, p)
    if m:
        head, _, tail = m.group().rpartition("·")
        tail = _cut_at_trigger(r, tail)
        e = p + len(head) + 1 + len(tail)
        return (p, e) if tail else None
    run = 0
    while p + run < len(text) and run < 6 and _IS_HAN.match(text[p + run]):
        run += 1
    surname = run >= 2 and (text[p] in r.surnames or text[p:p + 2] in r.compound)
    for n in range(2, min(run, 5) + 1):
        cand = text[p:p + n]
        if not _valid_name(r, cand):
            break
        if p + n == len(text) or text.startswith(r.triggers, p + n):
            if surname and n > 4 or not surname and _has_common_word(ctx, p, p + n):
                break
            return p, p + n
    if surname:
        for n in (3, 2):
            if ctx.is_word(p, p + n) and _valid_name(r, text[p:p + n]):
                return p, p + n
    return None


@cache
def _common_words() -> frozenset[str]:
    """Words of jieba's dictionary that are tagged as anything but a name (verbs, nouns, adverbs …).

    Read once from the dictionary file (a lookup table, not posseg): a transliterated name (左肉拉提,
    别里里) is made of syllables that are unknown or tagged as names; 提升口岸, 互市政策 are not names.
    """
    tags = "|".join(sorted(_NAME_TAGS, key=len, reverse=True))
    line = re.compile(rf"^{_H}*(\S\S+){_H}+\S+{_H}+(?!(?:{tags}){_H}*$)\S+{_H}*$", re.M)
    return frozenset(m.group(1) for m in line.finditer(_jieba_dict_text()))


_NAME_TAGS = {"nr", "nrt", "nrfg", "ns", "nz", "x"}


def _has_common_word(ctx: _Ctx, s: int, e: int) -> bool:
    """True when a dictionary word that is not a name lies inside [s, e) (jieba words of the document)."""
    if ctx.r.gazetteer.get(ctx.text[s:e]) == "PERSON":
        return False
    common, bnd, text = _common_words(), ctx.bnd, ctx.text
    a = bnd.find(1, s)  # the words from the first one starting at or after ``s``
    b = bnd.find(1, a + 1) if a >= 0 else -1
    while 0 <= b <= e:
        if text[a:b] in common:
            return True
        a, b = b, bnd.find(1, b + 1)
    return False


def _title_persons(ctx: _Ctx) -> list[Cand]:
    """ORG? TITLE NAME: 喀什海关物流监管处副处长张力 -> PERSON 张力 (title 副处长, org 喀什海关物流监管处)."""
    r, text = ctx.r, ctx.text
    title_ends: dict[int, int] = {}
    matches = _scan(r.title_re, r.title_pairs, text, ctx.pairs)
    for m in matches:
        title_ends[m.end()] = m.start()
    by_end: dict[int, list[Cand]] = {}
    out: list[Cand] = []
    for m in matches:
        span = _name_at(ctx, m.end())
        if span is None:
            continue
        if not by_end:  # the order within an end does not matter: ``_org_before`` takes the leftmost start
            by_end = ctx.orgs_by_end()
        ts = m.start()
        while True:  # 党组书记、副厅长 / 党委委员、管委会副主任
            w = ctx.window(ts, 8)
            pre = text[w:ts]
            if w > 0 and text[w - 1] == "、" and (w - 1) in title_ends and pre and pre.endswith(r.org_suffixes):
                ts = title_ends[w - 1]
                continue
            if ts > 0 and text[ts - 1] == "、" and (ts - 1) in title_ends:
                ts = title_ends[ts - 1]
                continue
            break
        org, ts2 = _org_before(ctx, ts, by_end)
        title = text[ts2:m.end()]
        out.append(Cand(span[0], span[1], "PERSON", "title", tier=0, title=title, org=org))
        out.append(Cand(ts2, m.end(), "TITLE", "title", tier=0))
    return out


def _org_before(ctx: _Ctx, ts: int, by_end: dict[int, list[Cand]]) -> tuple[str | None, int]:
    """The organisation in front of a title starting at ``ts``, and where the title really starts."""
    text = ctx.text
    w = ctx.window(ts, ctx.r.org_max_len)
    ending = [c for c in by_end.get(ts, []) if c.start >= w]
    if ending:
        c = min(ending, key=lambda c: c.start)
        return text[c.start:ts], ts
    for e in range(ts - 1, max(w, ts - 8), -1):
        inside = [c for c in by_end.get(e, []) if c.start >= w and c.label == "ORG"]
        if inside and all(_IS_HAN.match(ch) for ch in text[e:ts]):
            c = min(inside, key=lambda c: c.start)
            return text[c.start:e], e
    return None, ts


def _byline_persons(ctx: _Ctx) -> list[Cand]:
    """本报记者 耿丹丹 乔文汇 / 记者 蔡增乐 摄 / 作者:陈蔷薇 / 本版编辑 王薇薇 美编 吴迪."""
    r, text = ctx.r, ctx.text
    out = []
    for m in r.byline_re.finditer(text):
        role = m.group(1)
        for nm in re.finditer(r"[^ \t\u3000|｜、]+", m.group(2)):
            name = nm.group()
            if name in r.roles:
                role = name
                continue
            if _valid_name(r, name):
                s = m.start(2) + nm.start()
                out.append(Cand(s, s + len(name), "PERSON", "byline", tier=0, title=role))
    return out


def _dot_persons(ctx: _Ctx) -> list[Cand]:
    """Transliterated names with ·, e.g. 阿依古丽·依明, wherever they stand."""
    r, text = ctx.r, ctx.text
    out: list[Cand] = []
    if "·" not in text:  # the pattern needs one; the scan alone costs more than the rest of the rule
        return out
    for m in _dot_matches(r.dot_re, text):
        head, _, tail = m.group().rpartition("·")
        tail = _cut_at_trigger(r, tail)
        s = max(m.start(), ctx.window(m.start() + len(head), 6))
        t = r.title_re.search(text, s, m.start() + len(head))
        while t:
            s = t.end()
            t = r.title_re.search(text, s, m.start() + len(head))
        name = text[s:m.start() + len(head) + 1 + len(tail)]
        if len(head) - (s - m.start()) >= 1 and tail and _valid_name(r, name.replace("·", "")) \
                and not name.endswith(("网", "报", "社", "区", "省", "市", "县", "局", "会", "站")):
            out.append(Cand(s, s + len(name), "PERSON", "pattern", tier=0))
    return out


def _dot_matches(dot_re: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``list(dot_re.finditer(text))``, tried only in the 8 characters before each ·.

    A match opens with 1-8 Han characters then a ·, so the first · at or after the scan position ``pos`` is
    the one in a match starting before it, and such a match starts at most 8 characters before it."""
    out: list[re.Match[str]] = []
    pos = 0
    q = text.find("·")
    while q >= 0:
        m = None
        for p in range(max(pos, q - 8), q):
            m = dot_re.match(text, p)
            if m is not None:
                break
        if m is None:
            pos = q + 1
        else:
            out.append(m)
            pos = m.end()
        q = text.find("·", pos)
    return out


def _propagate(text: str, persons: list[Cand]) -> list[Cand]:
    """Later (and earlier) bare mentions of a name already found with a title or byline."""
    names = sorted({text[c.start:c.end] for c in persons if c.end - c.start >= 2})
    out = []
    for name in names:
        i = text.find(name)
        while i >= 0:
            out.append(Cand(i, i + len(name), "PERSON", "propagated", tier=2))
            i = text.find(name, i + len(name))
    return out


# --------------------------------------------------------------------------------------------- resolve


_SOURCE_RANK = {"title": 0, "byline": 0, "gazetteer": 1, "pattern": 2, "suffix": 3, "propagated": 4}


def _resolve(cands: list[Cand], n: int) -> list[Cand]:
    """Non-overlapping spans: tier first, then longer, then gazetteer over suffix, then leftmost.

    The keys are made in one list comprehension and the candidates sorted by position in it (a stable sort,
    as ``sorted(cands, key=…)`` is), which spares a Python call per candidate."""
    rank = _SOURCE_RANK
    keys = [(c.tier, c.start - c.end, rank.get(c.source, 5), c.start) for c in cands]
    taken = bytearray(n + 1)
    keep = []
    for i in sorted(range(len(cands)), key=keys.__getitem__):
        c = cands[i]
        s, e = c.start, c.end
        if e <= s or taken.find(1, s, e) >= 0:
            continue
        taken[s:e] = b"\x01" * (e - s)
        keep.append(c)
    keep.sort(key=_START_END_ATTRS)
    return keep


_START_END_ATTRS = operator.attrgetter("start", "end")
_POSITION_ORDER = operator.attrgetter("start", "end", "label")


def _beside(ents: list[Cand], titles: list[Cand]) -> list[Cand]:
    """The titles that overlap none of ``ents`` (non-overlapping, sorted by start, so their ends are sorted too:
    the last one starting before a title ends is the only one that may reach into it)."""
    starts = [c.start for c in ents]
    out = []
    for c in titles:
        i = bisect_left(starts, c.end) - 1
        if i < 0 or ents[i].end <= c.start:
            out.append(c)
    return out


def find(doc: Doc) -> list[Cand]:
    """All entity spans of a segmented document, overlaps resolved (no corrupt spans)."""
    text = doc.text
    if not text:
        return []
    r = rules()
    bnd = boundaries(doc)
    codes = _codes(text)
    pairs = _Pairs(codes)
    gaz = _gazetteer_matches(r, text, bnd, pairs)
    pats = _work_matches(r, doc, bnd)
    ctx = _Ctx(doc, None, gaz, bnd, codes, pairs)
    orgs = _org_cands(ctx)
    locs = _loc_cands(ctx)
    persons = _title_persons(ctx) + _byline_persons(ctx) + _dot_persons(ctx)
    titles = [c for c in persons if c.label == "TITLE"]
    persons = [c for c in persons if c.label == "PERSON"]
    persons += [c for c in gaz if c.label == "PERSON"]
    cands = gaz + orgs + locs + _event_cands(ctx) + pats + persons + _propagate(text, persons)
    ents = _resolve(cands, len(text))
    # titles live beside persons (they never overlap the name), resolved among themselves
    if titles:
        ents += _beside(ents, _resolve(titles, len(text)))
    if doc.corrupt:
        ents = [c for c in ents if not doc.is_corrupt(c.start, c.end)]
    ents.sort(key=_POSITION_ORDER)
    return ents


def _overlaps_any(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """True when ``[s, e)`` overlaps one of ``spans`` (a currency name is rare: a scan beats building a mask)."""
    return any(a < e and s < b for a, b in spans)


def extract(doc: Doc) -> list[Entity]:
    """Entity records of a segmented document, in text order."""
    from extract.numbers import find_currency_mentions

    found = [(c.start, c.end, c.label, c.title, c.org, c.source, None) for c in find(doc)]
    currencies = find_currency_mentions(doc.text)
    if currencies:  # == find_currency_mentions(text, taken), without its scan per name
        taken = [(q.start, q.end) for q in doc.quantities] + [(f[0], f[1]) for f in found] + list(doc.corrupt)
        found += [(s, e, "CURRENCY", None, None, "units", code) for s, e, code in currencies
                  if not _overlaps_any(taken, s, e)]
        found.sort(key=_START_END)
    text, doc_id = doc.text, doc.doc_id
    raw = _raw_spans(doc, [f[0] for f in found], [f[1] for f in found])
    return [Entity(doc_id, f"{doc_id}:e{i}", text[s:e], s, e, rs, re_, label, title, org, source, norm)
            for i, ((s, e, label, title, org, source, norm), (rs, re_)) in enumerate(zip(found, raw, strict=True))]


_START_END = operator.itemgetter(0, 1)


def _raw_spans(doc: Doc, starts: list[int], ends: list[int]) -> list[tuple[int, int]]:
    """``doc.raw_span(s, e)`` of every span, as array look-ups into the offset map (no call per span)."""
    mapped = doc.mapped
    n = len(doc.text)
    if mapped is None or not starts or not all(map(operator.lt, starts, ends)) or min(starts) < 0 or max(ends) > n:
        return [doc.raw_span(s, e) for s, e in zip(starts, ends, strict=True)]
    rs, re_ = np.asarray(mapped.rs, dtype=np.int64), np.asarray(mapped.re, dtype=np.int64)
    s, e = np.array(starts), np.array(ends) - 1  # first and last character: as MappedText.raw_span reads them
    return list(zip(np.minimum(rs[s], rs[e]).tolist(), np.maximum(re_[e], re_[s]).tolist(), strict=True))
