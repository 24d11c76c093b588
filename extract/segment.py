"""Segmentation: paragraphs, sentences and jieba words, all as spans of the normalised text.

jieba runs with a private tokenizer (so other users of jieba in the same process are not
affected) and the user dictionary in ``rules/userdict.txt`` plus every gazetteer name, so that
霍尔果斯, 阿拉山口, 综合保税区 come out as single words.  Only ``jieba.lcut``-style cutting is
used: ``jieba.posseg`` is several times slower and stays out of the hot path.

The tokenizer is :class:`FastTokenizer`, a subclass of ``jieba.Tokenizer`` whose hot paths are
rewritten to give exactly the words of jieba 0.42.1 (see its docstring), at a lower cost.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import cache
from itertools import accumulate
from math import log

import jieba
from jieba import finalseg
from jieba._compat import strdecode

from extract.model import Doc, Span
from extract.rules import load_list, rule_path, rules_dir

jieba.setLogLevel(logging.WARNING)

# Sentence ends: 。！？!? and ；(news uses it between full clauses), the ellipsis …… when a
# new sentence follows, and a closing quote right after an end mark belongs to the sentence.
_END = "。！？!?；;"
_CLOSE = "”’」』)）》\"'"


# ----------------------------------------------------------------------------- jieba

_ABSENT = object()  # score table default: not even a prefix of a dictionary word
_NEG_INF = float("-inf")
_B, _M, _E, _S = range(4)  # HMM states, as finalseg spells them 'B', 'M', 'E', 'S'
# (start B, M, E, S, transitions E>B S>B M>M B>M S>S E>S B>E M>E), emissions by character, unknown one
HmmModel = tuple[tuple[float, ...], dict[str, tuple[float, float, float, float]], tuple[float, float, float, float]]


class FastTokenizer(jieba.Tokenizer):
    """``jieba.Tokenizer`` with exact, cheaper versions of its hot paths (must match jieba 0.42.1).

    jieba was half of the pipeline's time, mostly in pure-Python loops that redo the same work
    for every character: ``get_DAG`` looks fragments up in ``FREQ`` twice, ``calc`` takes the log
    of each candidate's frequency and runs ``max`` over a generator even when there is one
    choice, ``cut`` yields word by word through two generators, and finalseg's Viterbi builds
    dicts, lists of tuples and path lists at every character.  Here ``cut``/``lcut`` with HMM
    (the project's only mode) use a table of word scores made once from the dictionary, the DAG
    and the route fused in one right-to-left pass over plain lists, and an unrolled 4-state
    Viterbi; ``get_DAG`` and ``calc`` (used by the other modes and ``suggest_freq``) keep their
    contracts with fewer lookups.

    The words must stay exactly those of a stock ``jieba.Tokenizer`` with the same dictionary
    (tests/test_segment.py compares them), hence: the same float operations in the same order
    (``(log(freq) - log(total)) + route[x + 1]``), so that route values are bit-identical; ties
    broken as ``max`` over ``(value, x)`` or ``(prob, state)`` tuples breaks them (the larger x
    or state letter wins); jieba's own regexes and ``finalseg`` model.  jieba is pinned below
    0.43 and has had no release since 2020; a new version must be checked against these
    overrides.  ``FREQ`` must change through ``add_word`` (``load_userdict``, ``del_word`` and
    ``suggest_freq(tune=True)`` call it) or be replaced whole: the score table is rebuilt then
    (about 0.1 s, so add words before cutting, as :func:`tokenizer` does).
    """

    def __init__(self, dictionary: str = jieba.DEFAULT_DICT) -> None:
        super().__init__(dictionary)
        self._scores: dict[str, float | None] | None = None
        self._scores_of: dict[str, int] | None = None  # the FREQ dict it was made from
        self._scores_key: tuple[int, int] | None = None  # with its size and total then

    # -- the score table

    def scores(self) -> dict[str, float | None]:
        """``log(FREQ[w]) - log(total)`` of every word, None for a prefix (freq 0).

        That is the first term of a route value in jieba's ``calc``, computed once per
        dictionary instead of once per candidate; one lookup also tells a word from a prefix.
        Rebuilt when ``FREQ`` is replaced, gains entries or ``total`` changes.
        """
        self.check_initialized()
        key = (len(self.FREQ), self.total)
        if self._scores is None or self._scores_of is not self.FREQ or self._scores_key != key:
            logtotal = log(self.total)
            self._scores = {w: log(f) - logtotal if f else None for w, f in self.FREQ.items()}
            self._scores_of, self._scores_key = self.FREQ, key
        return self._scores

    def add_word(self, word: str, freq: int | str | None = None, tag: str | None = None) -> None:
        """jieba's ``add_word``; drops the score table (``freq=0`` changes a value, not ``total``)."""
        super().add_word(word, freq, tag)
        self._scores = None

    # -- exact equivalents of jieba's DAG and route (HMM=False, cut_all, suggest_freq)

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:
        """Same DAG as jieba: for each start, the ends of dictionary words (itself if none)."""
        self.check_initialized()
        get = self.FREQ.get
        dag = {}
        n = len(sentence)
        for k in range(n):
            ends = []
            i = k
            frag = sentence[k]
            while i < n and (f := get(frag)) is not None:
                if f:
                    ends.append(i)
                i += 1
                frag = sentence[k : i + 1]
            dag[k] = ends or [k]
        return dag

    def calc(self, sentence: str, DAG: dict[int, list[int]], route: dict[int, tuple[float, int]]) -> None:
        """Same route as jieba: ``max`` of ``(log(freq or 1) - logtotal + route[x + 1][0], x)``."""
        n = len(sentence)
        route[n] = (0, 0)
        logtotal = log(self.total)
        get = self.FREQ.get
        for idx in range(n - 1, -1, -1):
            cands = DAG[idx]
            if len(cands) == 1:
                x = cands[0]
                route[idx] = (log(get(sentence[idx : x + 1]) or 1) - logtotal + route[x + 1][0], x)
            else:
                route[idx] = max((log(get(sentence[idx : x + 1]) or 1) - logtotal + route[x + 1][0], x) for x in cands)

    # -- the fused HMM=True path

    def cut(self, sentence: str, cut_all: bool = False, HMM: bool = True, use_paddle: bool = False) -> Iterator[str]:
        """jieba's ``cut``; with HMM (the default) the words of :meth:`lcut`, all made before the first is yielded."""
        if cut_all or not HMM or use_paddle:
            yield from super().cut(sentence, cut_all, HMM, use_paddle)
        else:
            yield from self.lcut(sentence)

    def lcut(self, sentence: str, cut_all: bool = False, HMM: bool = True, use_paddle: bool = False) -> list[str]:
        """jieba's ``lcut``; with HMM the words go straight into one list (no generators).

        jieba tests every piece of ``re_han_default.split`` with ``re_han.match``; with one
        capturing group around the whole pattern, ``split`` alternates non-matches and
        matches, so the odd pieces are the matches.  A one-character piece outside a match is
        its own word whether or not it is a blank.
        """
        if cut_all or not HMM or use_paddle:
            return list(super().cut(sentence, cut_all, HMM, use_paddle))
        scores = self.scores()
        alone = log(1) - log(self.total)
        out: list[str] = []
        for i, blk in enumerate(jieba.re_han_default.split(strdecode(sentence))):
            if i & 1:
                self._cut_han(blk, scores, alone, out)
            elif len(blk) == 1:
                out.append(blk)
            elif blk:
                _cut_other(blk, out)
        return out

    def _cut_han(self, blk: str, scores: dict[str, float | None], alone: float, out: list[str]) -> None:
        """jieba's ``__cut_DAG``: words of the best route; runs of single characters go to the HMM."""
        ends = _best_ends(blk, scores, alone)
        n = len(blk)
        x = 0
        run = -1  # start of the current run of one-character words
        while x < n:
            y = ends[x] + 1
            if y - x == 1:
                if run < 0:
                    run = x
            else:
                if run >= 0:
                    self._cut_run(blk[run:x], out)
                    run = -1
                out.append(blk[x:y])
            x = y
        if run >= 0:
            self._cut_run(blk[run:], out)

    def _cut_run(self, buf: str, out: list[str]) -> None:
        """A run of one-character words: kept as is if a dictionary word, else finalseg's cut."""
        if len(buf) == 1:
            out.append(buf)
        elif not self.FREQ.get(buf):
            _hmm_cut(buf, out)
        else:
            out.extend(buf)


def _cut_other(blk: str, out: list[str]) -> None:
    """A piece outside ``re_han_default``: blank runs (``\\r\\n`` or one blank) and single characters.

    As in jieba's ``cut``, whose test ``re_skip.match`` is true exactly for the odd pieces.
    """
    for j, part in enumerate(jieba.re_skip_default.split(blk)):
        if j & 1:
            out.append(part)
        else:
            out.extend(part)


def _best_ends(blk: str, scores: dict[str, float | None], alone: float) -> list[int]:
    """End of the best first word at each start: jieba's ``get_DAG`` and ``calc`` in one pass.

    Right to left, each start grows its fragments through the score table; a candidate scores
    ``scores[frag] + best[x + 1]`` as in ``calc``.  Candidates come in increasing x, so ``>=``
    keeps the larger x on a tie, as ``max`` over ``(value, x)`` does.  A start with no
    dictionary word is a one-character word of frequency 1: ``alone`` is ``log(1) - logtotal``.
    """
    get = scores.get
    absent = _ABSENT
    n = len(blk)
    score = [0.0] * (n + 1)
    ends = [0] * n
    for k in range(n - 1, -1, -1):
        best = _NEG_INF
        end = -1
        i = k
        frag = blk[k]
        while (s := get(frag, absent)) is not absent:
            if s is not None:
                s += score[i + 1]
                if s >= best:
                    best = s
                    end = i
            i += 1
            if i == n:
                break
            frag = blk[k : i + 1]
        if end < 0:
            score[k] = alone + score[k + 1]
            ends[k] = k
        else:
            score[k] = best
            ends[k] = end
    return ends


def _hmm_cut(text: str, out: list[str]) -> None:
    """``finalseg.cut``: Han runs by Viterbi (forced splits honoured), the rest by ``re_skip``."""
    force = finalseg.Force_Split_Words
    model = _finalseg_model()
    for i, blk in enumerate(finalseg.re_han.split(text)):
        if i & 1:
            for word in _viterbi_words(blk, model):
                if force and word in force:
                    out.extend(word)
                else:
                    out.append(word)
        elif blk:
            out.extend(x for x in finalseg.re_skip.split(blk) if x)


def _viterbi_words(text: str, model: HmmModel) -> list[str]:
    """Words of finalseg's ``viterbi`` + ``__cut`` on a run of Han characters."""
    tags = _viterbi_tags(text, model)
    words = []
    begin = nexti = 0
    for i, tag in enumerate(tags):
        if tag == _B:
            begin = i
        elif tag == _E:
            words.append(text[begin : i + 1])
            nexti = i + 1
        elif tag == _S:
            words.append(text[i])
            nexti = i + 1
    if nexti < len(text):
        words.append(text[nexti:])
    return words


def hmm_model(start: dict, trans: dict, emit: dict, low: float = finalseg.MIN_FLOAT) -> HmmModel:
    """An HMM in finalseg's form (``start_P``, ``trans_P``, ``emit_P``) laid out for :func:`_viterbi_tags`.

    Missing transitions and emissions get ``low`` (finalseg's ``MIN_FLOAT``), as finalseg's
    ``.get(y, MIN_FLOAT)`` gives them; emissions become one tuple lookup per character.
    """
    pairs = ("EB", "SB", "MM", "BM", "SS", "ES", "BE", "ME")
    tables = [emit[y] for y in "BMES"]
    emissions = {c: tuple(t.get(c, low) for t in tables) for c in set().union(*tables)}
    return (*(start[y] for y in "BMES"), *(trans[a].get(b, low) for a, b in pairs)), emissions, (low,) * 4


@cache
def _finalseg_model() -> HmmModel:
    """jieba's own HMM (finalseg's tables never change after import), laid out once."""
    return hmm_model(finalseg.start_P, finalseg.trans_P, finalseg.emit_P)


def _viterbi_tags(obs: str, model: HmmModel) -> list[int]:
    """finalseg's ``viterbi`` unrolled over its 4 states, with back pointers instead of paths.

    Each state has two predecessors (``finalseg.PrevStatus``: B from E/S, M from M/B, S from
    S/E, E from B/M); ``max`` over ``(prob, state)`` keeps the larger letter on a tie (S over E,
    M over B), as the comparisons below do.  Sums are ``(prev + trans) + emit``, in finalseg's
    order, so every probability is bit-identical.
    """
    (s_b, s_m, s_e, s_s, t_eb, t_sb, t_mm, t_bm, t_ss, t_es, t_be, t_me), table, none = model
    emissions = table.get
    e_b, e_m, e_e, e_s = emissions(obs[0], none)
    vb, vm, ve, vs = s_b + e_b, s_m + e_m, s_e + e_e, s_s + e_s
    back = []
    for c in obs[1:]:
        e_b, e_m, e_e, e_s = emissions(c, none)
        p, q = ve + t_eb + e_b, vs + t_sb + e_b
        if q >= p:
            nb, fb = q, _S
        else:
            nb, fb = p, _E
        p, q = vm + t_mm + e_m, vb + t_bm + e_m
        if p >= q:
            nm, fm = p, _M
        else:
            nm, fm = q, _B
        p, q = vs + t_ss + e_s, ve + t_es + e_s
        if p >= q:
            ns, fs = p, _S
        else:
            ns, fs = q, _E
        p, q = vb + t_be + e_e, vm + t_me + e_e
        if q >= p:
            ne, fe = q, _M
        else:
            ne, fe = p, _B
        back.append((fb, fm, fe, fs))
        vb, vm, ve, vs = nb, nm, ne, ns
    state = _S if vs >= ve else _E
    tags = [state]
    for ptr in reversed(back):
        state = ptr[state]
        tags.append(state)
    tags.reverse()
    return tags


def load_user_words(tk: jieba.Tokenizer) -> jieba.Tokenizer:
    """Load jieba's dictionary, then the project's user words, into ``tk`` (returned)."""
    tk.initialize()
    user = rule_path("userdict.txt")
    if user.is_file():
        tk.load_userdict(str(user))
    gaz = rules_dir() / "gazetteers"
    if gaz.is_dir():
        for path in sorted(gaz.glob("*.txt")):
            for name in load_list(f"gazetteers/{path.name}"):
                word = name.split("\t")[0].split()[0]
                if 1 < len(word) <= 12:
                    tk.add_word(word, freq=max(tk.suggest_freq(word), 2000))
    return tk


@cache
def tokenizer() -> FastTokenizer:
    """The project's tokenizer with its user words (built once per process)."""
    tk = load_user_words(FastTokenizer())
    tk.scores()  # built here, with the dictionary, rather than on the first document
    return tk


def stock_tokenizer() -> jieba.Tokenizer:
    """A plain ``jieba.Tokenizer`` with the same words: the reference for FastTokenizer (not cached)."""
    return load_user_words(jieba.Tokenizer())


def cut_spans(text: str, base: int = 0) -> list[Span]:
    """jieba words of ``text`` as spans offset by ``base``."""
    spans = []
    pos = base
    for w in tokenizer().cut(text, HMM=True):
        spans.append((pos, pos + len(w)))
        pos += len(w)
    return spans


def paragraphs(text: str) -> list[Span]:
    """Non-empty lines, stripped of surrounding blanks: the normalised text keeps one paragraph a line."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


# Where a sentence can end or a quotation opens or closes: the only characters ``sentences`` must look at.
_SENT_EVENT = re.compile(r"[“「『”」』。！？!?；;]|……")


def sentences(text: str, para: Span) -> list[Span]:
    """Sentences of one paragraph; a quotation stays with the sentence that closes it.

    A regex jumps from one quote or end mark to the next, so only those characters are visited in
    Python (the same decisions as reading every character: all others leave the state unchanged).
    """
    s0, e0 = para
    chunk = text[s0:e0]
    out = []
    depth = 0
    start = 0
    n = len(chunk)
    search = _SENT_EVENT.search
    m = search(chunk)
    while m is not None:
        i = m.start()
        ch = chunk[i]
        if ch in "“「『":
            depth += 1
        elif ch in "”」』":
            if depth:
                depth -= 1
        elif ch in _END or depth == 0:  # an end mark, or …… outside quotes
            ellipsis_only = ch == "…"
            j = m.end()
            while j < n and chunk[j] in _END:
                j += 1
            while j < n and chunk[j] in _CLOSE:
                if chunk[j] in "”」』" and depth:
                    depth -= 1
                j += 1
            if depth == 0 and not (ellipsis_only and j < n and chunk[j] not in "“「"):
                if chunk[start:j].strip():
                    out.append((s0 + start, s0 + j))
                start = j
            m = search(chunk, j)
            continue
        m = search(chunk, i + 1)  # …… inside quotes: a third … may start the next pair
    if chunk[start:].strip():
        out.append((s0 + start, e0))
    return out


def segment(doc: Doc) -> Doc:
    """Fill ``paragraphs``, ``sentences`` and ``tokens`` of a normalised document."""
    text = doc.text
    doc.paragraphs = paragraphs(text)
    doc.sentences = [s for p in doc.paragraphs for s in sentences(text, p)]
    doc.tokens = word_spans(text, doc.paragraphs)
    return doc


def word_spans(text: str, paras: list[Span]) -> list[Span]:
    """jieba words of the paragraphs, cutting the whole text in one call.

    jieba's blocks never cross a line break or a blank, so one call gives exactly the words of
    each paragraph cut on its own, plus the blanks between paragraphs, and every paragraph
    starts and ends on a word boundary: its words are one slice of the list.  One call instead
    of one per paragraph, spans by running sums and slices instead of a Python loop per word.
    """
    if not paras:
        return []
    words = tokenizer().lcut(text, HMM=True)
    ends = list(accumulate(map(len, words)))
    starts = [0, *ends[:-1]]
    spans = list(zip(starts, ends, strict=True))
    if len(paras) == 1 and paras[0] == (0, len(text)):
        return spans
    keep: list[Span] = []
    for s, e in paras:
        keep += spans[bisect_left(starts, s):bisect_left(starts, e)]
    return keep
