"""Entities: PERSON, ORG, LOC, WORK, EVENT, PRODUCT, TITLE (issue 5).

No pretrained Chinese model can be used here, so the rules carry the work:

* spaCy (``spacy.blank("zh")`` vocabulary) runs over the project's own jieba words (``doc.tokens``; spaCy's
  segmenter never runs): a PhraseMatcher (attr ORTH, the phrase matching of an EntityRuler, with the
  ruler's longest-match-wins resolution) holds every gazetteer name of ``rules/gazetteers/`` and a Matcher
  holds the token patterns of ``rules/entities.toml`` (titles in 《》).  Both run on one spaCy Doc per
  document made of only the words where a match can start (a name's first word, 《) and the words after
  them a match can reach, so the cost follows the hits, not the length of the text;
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
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import chain, compress
from pathlib import Path

import jieba
import numpy as np
import spacy
from spacy.matcher import Matcher, PhraseMatcher
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
    """The compiled form of rules/entities.toml and the gazetteers (built once per process)."""

    nlp: spacy.Language
    matcher: Matcher
    phrases: PhraseMatcher  # gazetteer names, added by first word when a document first holds that word
    gaz_first: dict[str, int]  # first jieba word of a gazetteer name -> most words a name starting with it has
    gaz_names: dict[str, list[tuple[str, str]]]  # first jieba word -> (name, label) of the names starting with it
    loaded: set[str]  # first words whose names are in ``phrases``
    brackets: dict[str, frozenset[str]] | None  # Matcher patterns 《 …+ 》: opening word -> words a match stops at
    match_starts: frozenset[str]  # words a match can start with: gaz_first and brackets
    separator: str  # a word in no gazetteer name: glues the regions of a document into one spaCy Doc
    gazetteer: dict[str, str]
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
    bound_single: set[str]
    char_class: np.ndarray  # code point -> _PUNCT_DIGIT | _DATE_PART | _DIGIT | _BOUND_SINGLE bits
    punct: set[str]
    title_re: re.Pattern[str]
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


def _classify(r: _Rules, text: str) -> np.ndarray:
    """The ``_char_classes`` bits of every character of ``text``."""
    cls = r.char_class[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
    if text and max(text) >= "\U00020000":  # rare planes: ask str.isdigit itself
        for m in _HIGH_RE.finditer(text):
            if m.group().isdigit():
                cls[m.start()] |= _DIGIT | _PUNCT_DIGIT
    return cls


def _mask(n: int, positions: np.ndarray) -> bytearray:
    """A 0/1 byte per text position 0..n, 1 at ``positions`` (those outside 0..n ignored)."""
    out = np.zeros(n + 1, dtype=bool)
    out[positions[(positions >= 0) & (positions <= n)]] = True
    return bytearray(out.tobytes())


def _gazetteer() -> dict[str, str]:
    """Every gazetteer name with its label (from the file-name prefix); the first file by name wins."""
    labels = load_toml("entities")["gazetteer_labels"]
    out: dict[str, str] = {}
    gaz = rules_dir() / "gazetteers"
    for path in sorted(gaz.glob("*.txt")):
        label = next((lab for pre, lab in labels.items() if path.name.startswith(pre)), None)
        if label is None:
            continue
        for line in load_list(f"gazetteers/{path.name}"):
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
    cfg = load_toml("entities")
    gaz = _gazetteer()
    for name, label in _jieba_places(cfg["jieba_places"]).items():
        gaz.setdefault(name, label)
    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)  # never spaCy's own segmenter: patterns cut like documents
    gaz_first: dict[str, int] = {}
    gaz_names: dict[str, list[tuple[str, str]]] = {}
    pattern_words: set[str] = set()
    for name, label in sorted(gaz.items()):
        words = [name[s:e] for s, e in cut_spans(name)]  # as nlp.make_doc(name) cuts it
        gaz_first[words[0]] = max(gaz_first.get(words[0], 0), len(words))
        gaz_names.setdefault(words[0], []).append((name, label))
        pattern_words.update(words)
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
        phrases=PhraseMatcher(nlp.vocab, attr="ORTH"),
        gaz_first=gaz_first,
        gaz_names=gaz_names,
        loaded=set(),
        brackets=_brackets(cfg["work"]["patterns"]),
        match_starts=frozenset(gaz_first) | frozenset(_brackets(cfg["work"]["patterns"]) or ()),
        separator=next(w for w in ("\n", "\x00", "\ufffe") if w not in pattern_words),
        gazetteer=gaz,
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
        loc_broad=frozenset(n.split()[0] for f in loc["broad_files"] for n in load_list(f"gazetteers/{f}")),
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
        bound_single={w for w in bnd["words"] if len(w) == 1},
        char_class=_char_classes(bnd["punct"], [w for w in bnd["words"] if len(w) == 1]),
        punct=set(bnd["punct"]),
        title_re=re.compile(_alt(titles)),
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
        event_re=re.compile(
            rf"(?:第[一二三四五六七八九十百零〇\d]+届|(?:19|20)\d\d年?)[^，。；！？、\s（）()\d月日的是在将了和与]{{0,{ev['max_len']}}}?"
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

    def __init__(self, doc: Doc, spans: list[tuple[int, int]], gaz: list[Cand]) -> None:
        self.r = rules()
        self.text = doc.text
        n = len(self.text)
        self.tok_list = spans
        arr = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans)).reshape(-1, 2)
        starts, ends = arr[:, 0], arr[:, 1]
        self.tok_starts: list[int] = starts.tolist()
        self.is_start = _mask(n, starts)  # is_start[i]: a word starts at i
        self.is_end = _mask(n, ends)  # is_end[i]: a word ends at i
        self.single = _mask(n, starts[ends - starts == 1])  # single[i]: (i, i + 1) is a word
        self.gaz = gaz
        self.anchor_by_end: dict[int, list[Cand]] = {}
        self.anchor_starts: list[int] = []
        self.anchors: list[Cand] = []
        for c in gaz:
            if c.label in ("LOC", "ORG"):
                self.add_anchor(c)
        self.barrier = self._barriers()

    @cached_property
    def tok_spans(self) -> set[tuple[int, int]]:
        return set(self.tok_list)

    def add_anchor(self, c: Cand) -> None:
        i = bisect_left(self.anchor_starts, c.start)
        self.anchor_starts.insert(i, c.start)
        self.anchors.insert(i, c)
        self.anchor_by_end.setdefault(c.end, []).append(c)

    def _barriers(self) -> bytearray:
        """barrier[i] == 1: a name may not extend left past position i (it starts at i or later).

        Punctuation and digits (outside gazetteer names) bound a name on both sides, as do single boundary
        words standing as words of their own (的, 在); a date's 年月日号 ends one; multi-character boundary
        words end one.  Computed with array operations over the characters' classes (``_char_classes``), not
        with a loop over every character.
        """
        text, r = self.text, self.r
        n = len(text)
        cls = _classify(r, text)
        inside = np.zeros(n + 1, dtype=bool)  # positions strictly inside a gazetteer name
        for c in self.gaz:
            if c.end - c.start > 1:
                inside[c.start + 1:c.end] = True
        keep = inside.copy()  # punctuation that bounds nothing
        for c in self.gaz:  # （新疆） inside a company or zone name is not a barrier
            if c.label == "LOC" and c.start > 0 and c.end < n and text[c.start - 1] in "（(" and text[c.end] in "）)":
                keep[c.start - 1] = keep[c.end] = True
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
        gaz_end[[c.end for c in self.gaz if c.end <= n]] = True
        word = np.frombuffer(self.single, dtype=bool)[:n] | gaz_end[:n]
        soft = (cls & _BOUND_SINGLE).astype(bool) & ~inside[:n] & word
        bar[:n] |= soft
        bar[1:] |= soft
        out = bytearray(bar.tobytes())
        inside_b = inside.tobytes()
        for m in r.bound_multi.finditer(text):
            if not inside_b[m.start()] and not inside_b[m.end()]:
                out[m.end()] = 1
        return out

    def window(self, pos: int, limit: int) -> int:
        """Leftmost start of a name that ends at ``pos``: back to the nearest barrier, at most ``limit`` chars."""
        j = pos
        lo = max(0, pos - limit)
        while j > lo and not self.barrier[j]:
            j -= 1
        while j < pos and (self.text[j] in self.r.punct or self.text[j].isdigit()):
            j += 1
        return j

    def anchors_in(self, lo: int, hi: int) -> list[Cand]:
        """Known LOC/ORG spans lying inside [lo, hi)."""
        i = bisect_left(self.anchor_starts, lo)
        out = []
        while i < len(self.anchors) and self.anchor_starts[i] < hi:
            c = self.anchors[i]
            if c.end <= hi:
                out.append(c)
            i += 1
        return out


def _regions(words: list[str]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Stretches of words where a gazetteer name or a Matcher pattern can match, and the 《…》 stretches.

    A name starts with its first jieba word and has at most ``gaz_first[word]`` words; a 《 pattern runs to the
    first stop word.  Everything else of the document can hold no match and is never shown to spaCy.
    """
    r = rules()
    first, brackets = r.gaz_first, r.brackets or {}
    n = len(words)
    out: list[tuple[int, int]] = []
    work: list[tuple[int, int]] = []
    for i in list(compress(range(n), map(r.match_starts.__contains__, words))):
        w = words[i]
        end = i + first.get(w, 0)
        stops = brackets.get(w)
        if stops is not None:
            j = i + 1
            while j < n and words[j] not in stops:
                j += 1
            work.append((i, min(j + 1, n)))
            end = max(end, j + 1)
        out.append((i, min(end, n)))
    return out, work


def _load_names(first_words: set[str]) -> None:
    """Add to the PhraseMatcher the gazetteer names starting with these words, if not yet there.

    Making a spaCy Doc of each of the thousands of names costs more than a day of news uses, so names
    are compiled when a document first holds their first word: a name whose first word is absent from a
    document cannot match in it, so every document is matched against all the names that can match.
    """
    r = rules()
    for w in sorted(first_words - r.loaded):
        by_label: dict[str, list[SpacyDoc]] = {}
        for name, label in r.gaz_names.get(w, ()):
            by_label.setdefault(label, []).append(r.nlp.make_doc(name))
        for label, patterns in sorted(by_label.items()):
            r.phrases.add(label, patterns)
        r.loaded.add(w)


def _spacy_cands(words: list[str], spans: list[tuple[int, int]], doc: Doc) -> tuple[list[Cand], list[Cand]]:
    """Gazetteer names (PhraseMatcher) and token patterns (Matcher) as character spans.

    The regions of :func:`_regions` are glued into one spaCy Doc, a separator word between regions that do
    not touch (it is in no name, and every 《 pattern stops before the glue), so the matches are exactly those
    of the whole document.  Overlapping names resolve like spaCy's EntityRuler: longest first, then leftmost.
    """
    r = rules()
    regions, work = _regions(words)
    _load_names({words[a] for a, _ in regions})
    orig: list[int] = []  # token of the glued Doc -> token of the document (-1: separator)
    at: dict[int, int] = {}  # token of the document -> token of the glued Doc
    last = -1
    for a, b in regions:
        a = max(a, last)
        if a >= b:
            continue
        if orig and a > last:
            orig.append(-1)
        for k in range(a, b):
            at[k] = len(orig)
            orig.append(k)
        last = b
    sp = SpacyDoc(r.nlp.vocab, words=[words[k] if k >= 0 else r.separator for k in orig], spaces=[False] * len(orig))
    # the EntityRuler's resolution: longest match first, then the leftmost; a match overlapping a taken one is dropped
    matches = sorted({(m, a, b) for m, a, b in r.phrases(sp) if a != b} if orig else (),
                     key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
    taken: set[int] = set()
    gaz: list[tuple[int, int, int]] = []
    for m, a, b in matches:
        if a not in taken and b - 1 not in taken:
            gaz.append((a, b, m))
            taken.update(range(a, b))
    gaz.sort()
    strings = r.nlp.vocab.strings
    out = [Cand(spans[orig[a]][0], spans[orig[b - 1]][1], strings[m], "gazetteer") for a, b, m in gaz]
    pats = []
    if r.brackets is None:
        full = spacy_doc(doc, spans)
        found = [(a, b, m) for m, a, b in r.matcher(full)]
    else:
        found = []
        for i, j in work:
            found += [(i + a, i + b, m) for m, a, b in r.matcher(sp[at[i]:at[i] + j - i]) if a == 0]
    for a, b, m in found:
        pats.append(Cand(spans[a][0], spans[b - 1][1], strings[m], "pattern", tier=0))
    return out, pats


def _suffix_ok(ctx: _Ctx, suffix: str, a: int, b: int) -> bool:
    """A suffix must end a word: at a jieba word end, before a title, punctuation or a boundary."""
    text = ctx.text
    nxt = text[b] if b < len(text) else ""
    if nxt and nxt in ctx.r.not_before.get(suffix, ""):
        return False
    if ctx.is_end[b] or not nxt or nxt in ctx.r.punct or ctx.barrier[b]:
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
    out = []
    for m in r.loc_re.finditer(text):
        suffix, a, b = m.group(), m.start(), m.end()
        if b < len(text) and not ctx.is_end[b] and not ctx.barrier[b] and not r.loc_follow_ok.match(text, b):
            continue
        if suffix not in r.loc_strong:  # a known place right before the suffix (喀什 + 市)
            ending = [c.start for c in ctx.anchor_by_end.get(a, ()) if c.label == "LOC"]
            if not ending and suffix == "站" and a > 0 and text[a - 1] in r.station_middle:  # 成都 东 站
                ending = [c.start for c in ctx.anchor_by_end.get(a - 1, ()) if c.label == "LOC"]
                ending = ending or [c.start for c in _place_in_word(ctx, a - 1)]  # 北京西站 is one word
            if ending:
                w = ctx.window(a, 24)
                ending = [s for s in ending if s >= w]
                if ending:
                    out.append(Cand(min(ending), b, "LOC", "suffix"))
            continue
        w = ctx.window(a, 24)
        anchors = [c for c in ctx.anchors_in(w, a) if c.label == "LOC"]
        if suffix in r.loc_tight:
            near = [c for c in anchors if (c.end == a and (suffix in r.loc_broad_ok
                                                           or text[c.start:c.end] not in r.loc_broad))
                    or (c.end < a and text[c.end:a] in r.loc_tight_middle)]
        else:
            near = anchors if anchors and a - max(c.end for c in anchors) <= r.loc_max_middle else []
        if not near and suffix not in r.loc_tight:
            near = _place_opens_word(ctx, a, b)
        if not near and suffix in r.loc_tight:
            near = _place_in_word(ctx, a) or (_anchor_and_name(ctx, anchors, a) if suffix in r.loc_named else [])
        if near:
            last = near[-1]
            k = next((i for i, c in enumerate(anchors) if c is last), None)
            start = _chain_start(near if k is None else anchors[:k + 1])  # 宁波|舟山|港 as one port
        elif anchors:  # 喀什新建口岸: a known place + a phrase the tight rules refused is no unknown name either
            continue
        else:
            head = _head_end(ctx, w, a)
            name = text[w:head]
            if not _unknown_place(r, name) or _has_common_word(ctx, w, head) or not ctx.is_start[w] \
                    or (ctx.single[w] and name[0] in r.loc_bad_start):
                continue
            start = w
        c = Cand(start, b, "LOC", "suffix")
        out.append(c)
        ctx.add_anchor(c)
    return out


def _place_opens_word(ctx: _Ctx, a: int, b: int) -> list[Cand]:
    """A whole jieba word that opens with a known place and ends with the suffix (北京经济技术开发区 is one word)."""
    i = bisect_left(ctx.tok_starts, a) - 1
    if i < 0 or ctx.tok_list[i][1] != b:
        return []
    s = ctx.tok_list[i][0]
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
    if c.end >= a or not ctx.is_start[c.end] or not _unknown_place(ctx.r, name) or _has_common_word(ctx, c.end, head) \
            or (ctx.single[c.end] and name[0] in ctx.r.loc_bad_start):
        return []
    return [x for x in anchors if x.end <= c.end]


def _place_in_word(ctx: _Ctx, a: int) -> list[Cand]:
    """A known place that jieba glued to the suffix (上海港 is one word, so the gazetteer never saw 上海)."""
    i = bisect_left(ctx.tok_starts, a) - 1
    if i < 0 or ctx.tok_list[i][1] <= a:
        return []
    s = ctx.tok_list[i][0]
    return [Cand(s, a, "LOC", "gazetteer")] if ctx.r.gazetteer.get(ctx.text[s:a]) == "LOC" else []


def _head_end(ctx: _Ctx, w: int, a: int) -> int:
    """End of the proper-name part of ``text[w:a]``: descriptor words right before the suffix (洋山|深水|港区)
    are peeled off, so an unknown name may carry them while the test of an unknown name sees only its head."""
    end = a
    while end > w:
        i = bisect_left(ctx.tok_starts, end) - 1  # the words tile the text: the one ending at ``end``
        word = ctx.tok_list[i] if i >= 0 else None
        if word is None or word[1] != end or word[0] <= w or ctx.text[word[0]:end] not in ctx.r.loc_descriptors:
            break
        end = word[0]
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
            if (p, p + n) in ctx.tok_spans and _valid_name(r, text[p:p + n]):
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
    common = _common_words()
    i = bisect_left(ctx.tok_starts, s)
    while i < len(ctx.tok_list) and ctx.tok_list[i][1] <= e:
        a, b = ctx.tok_list[i]
        if ctx.text[a:b] in common:
            return True
        i += 1
    return False


def _title_persons(ctx: _Ctx, orgs: list[Cand]) -> list[Cand]:
    """ORG? TITLE NAME: 喀什海关物流监管处副处长张力 -> PERSON 张力 (title 副处长, org 喀什海关物流监管处)."""
    r, text = ctx.r, ctx.text
    title_ends: dict[int, int] = {}
    matches = list(r.title_re.finditer(text))
    for m in matches:
        title_ends[m.end()] = m.start()
    by_end: dict[int, list[Cand]] = {}
    for c in orgs + ctx.gaz:
        if c.label in ("ORG", "LOC"):
            by_end.setdefault(c.end, []).append(c)
    out: list[Cand] = []
    for m in matches:
        span = _name_at(ctx, m.end())
        if span is None:
            continue
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
    out = []
    for m in r.dot_re.finditer(text):
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
    """Non-overlapping spans: tier first, then longer, then gazetteer over suffix, then leftmost."""
    taken = bytearray(n + 1)
    keep = []
    for c in sorted(cands, key=lambda c: (c.tier, -(c.end - c.start), _SOURCE_RANK.get(c.source, 5), c.start)):
        if c.end <= c.start or taken.find(1, c.start, c.end) >= 0:
            continue
        taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        keep.append(c)
    keep.sort(key=lambda c: (c.start, c.end))
    return keep


def find(doc: Doc) -> list[Cand]:
    """All entity spans of a segmented document, overlaps resolved (no corrupt spans)."""
    text = doc.text
    if not text:
        return []
    spans = word_spans(doc)
    gaz, pats = _spacy_cands([text[s:e] for s, e in spans], spans, doc)
    ctx = _Ctx(doc, spans, gaz)
    orgs = _org_cands(ctx)
    locs = _loc_cands(ctx)
    persons = _title_persons(ctx, orgs + locs) + _byline_persons(ctx) + _dot_persons(ctx)
    titles = [c for c in persons if c.label == "TITLE"]
    persons = [c for c in persons if c.label == "PERSON"]
    persons += [c for c in gaz if c.label == "PERSON"]
    cands = gaz + orgs + locs + _event_cands(ctx) + pats + persons + _propagate(text, persons)
    ents = _resolve(cands, len(text))
    # titles live beside persons (they never overlap the name), resolved among themselves
    used = bytearray(len(text) + 1)
    for e in ents:
        used[e.start:e.end] = b"\x01" * (e.end - e.start)
    ents += [c for c in _resolve(titles, len(text)) if used.find(1, c.start, c.end) < 0]
    ents = [c for c in ents if not doc.is_corrupt(c.start, c.end)]
    ents.sort(key=lambda c: (c.start, c.end, c.label))
    return ents


def _free_of(spans: list[tuple[int, int]], n: int) -> Callable[[int, int], bool]:
    """A test ``(s, e) -> not any(a < e and s < b for a, b in spans)`` that costs one look-up, not a scan."""
    used = bytearray(n + 1)
    odd = []  # empty, reversed or out-of-text spans (none in practice): tested as the formula says
    for a, b in spans:
        if 0 <= a < b <= n:
            used[a:b] = b"\x01" * (b - a)
        else:
            odd.append((a, b))

    def free(s: int, e: int) -> bool:
        return used.find(1, s, e) < 0 and not any(a < e and s < b for a, b in odd)
    return free


def extract(doc: Doc) -> list[Entity]:
    """Entity records of a segmented document, in text order."""
    from extract.numbers import find_currency_mentions

    found = [(c.start, c.end, c.label, c.title, c.org, c.source, None) for c in find(doc)]
    taken = [(q.start, q.end) for q in doc.quantities] + [(f[0], f[1]) for f in found] + list(doc.corrupt)
    free = _free_of(taken, len(doc.text))  # == find_currency_mentions(text, taken), without its scan per name
    found += [(s, e, "CURRENCY", None, None, "units", code) for s, e, code in find_currency_mentions(doc.text)
              if free(s, e)]
    found.sort(key=lambda f: (f[0], f[1]))
    text, doc_id, raw_span = doc.text, doc.doc_id, doc.raw_span
    out = []
    for i, (s, e, label, title, org, source, norm) in enumerate(found):
        rs, re_ = raw_span(s, e)  # the fields of doc.span_fields, without a dict per entity
        out.append(Entity(doc_id=doc_id, text=text[s:e], start=s, end=e, raw_start=rs, raw_end=re_,
                          id=f"{doc_id}:e{i}", label=label, title=title, org=org, source=source, norm=norm))
    return out
