"""FastTokenizer: ``jieba.Tokenizer`` with exact, cheaper versions of its hot paths.

jieba was half of the pipeline's time.  :class:`FastTokenizer` gives exactly the words of a stock
``jieba.Tokenizer`` with the same dictionary (jieba 0.42.1; tests/test_segment.py compares them on
the corpus, tricky input and random text), at about a third of the cost.  Its hot paths are
deliberately unrolled (see the docstrings): keep the float operations, their order and the tie
rules as they are.  The project's dictionary (jieba's plus the ``rules/`` user words) is built in
:mod:`extract.lexicon`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from itertools import accumulate, compress
from math import log
from typing import NamedTuple

import jieba
import numpy as np
from jieba import finalseg
from jieba._compat import strdecode

from extract.spans import bmp_chars, code_points

_ABSENT = object()  # score table default: not even a prefix of a dictionary word
_NEG_INF = float("-inf")
_B, _M, _E, _S = range(4)  # HMM states, as finalseg spells them 'B', 'M', 'E', 'S'
# (start B, M, E, S, transitions E>B S>B M>M B>M S>S E>S B>E M>E), emissions by character, unknown one
HmmModel = tuple[tuple[float, ...], dict[str, tuple[float, float, float, float]], tuple[float, float, float, float]]
# A two-character entry of FREQ, as :class:`_Route` reads it: (score of its first character or
# None if that is only a prefix, its own score or -inf if it is only a prefix, the third characters
# of its three-character entries)
PairInfo = tuple[float | None, float, str]


class ScoreTables(NamedTuple):
    """Word scores ``log(FREQ[w]) - log(total)`` of the dictionary, split by length for :class:`_Route`.

    Half of the characters of news text start no two-character entry and most others start no
    longer one, yet ``get_DAG`` slices and looks up two or three fragments at every position.
    Here the character and the pair at each position are looked up for a whole text at once in
    C (``map``; pairs by first then second character, so no pair strings are made), a pair
    carries the characters that can follow it, and ``longer`` is only read where a
    three-character entry is certain: about 0.1 Python-level lookups per position instead of
    2.5, and small tables that stay in cache better than one 500k-entry dict.
    """

    ones: dict[str, float]  # character -> its score; ``alone`` if it is only a prefix
    follow: dict[str, dict[str, PairInfo]]  # first character -> second character -> the pair's entry
    longer: dict[str, float | None]  # three characters or more -> score, None for a prefix
    alone: float  # ``log(1) - log(total)``: a character that is no word counts as frequency 1
    pair_keys: np.ndarray  # uint32, sorted ``first << 16 | second`` code points of the pairs of ``follow``
    steps: np.ndarray  # objects: the PairInfo of each key, then per code point its score or None (a wall)


class TokenizerState(NamedTuple):
    """A loaded dictionary (jieba's words and the user words) with its score tables: what start-up builds."""

    freq: dict[str, int]
    total: int
    tags: dict[str, str]  # the user words' part-of-speech tags
    tables: ScoreTables
    force_split: tuple[str, ...]  # finalseg's words never to join (added with frequency 0)


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
    ``suggest_freq(tune=True)`` call it) or be replaced whole: the score tables are rebuilt then
    (about 0.5 s, so add words before cutting, as :func:`tokenizer` does).
    """

    def __init__(self, dictionary: str = jieba.DEFAULT_DICT) -> None:
        super().__init__(dictionary)
        self._tables: ScoreTables | None = None
        self._tables_of: dict[str, int] | None = None  # the FREQ dict it was made from
        self._tables_key: tuple[int, int] | None = None  # with its size and total then

    # -- the score tables

    def tables(self) -> ScoreTables:
        """The word scores of the dictionary (see :class:`ScoreTables`), made once per dictionary.

        A score is the first term of a route value in jieba's ``calc``, computed once per
        dictionary instead of once per candidate.  Rebuilt when ``FREQ`` is replaced, gains
        entries or ``total`` changes.
        """
        self.check_initialized()
        key = (len(self.FREQ), self.total)
        if self._tables is None or self._tables_of is not self.FREQ or self._tables_key != key:
            self._tables = score_tables(self.FREQ, self.total)
            self._tables_of, self._tables_key = self.FREQ, key
        return self._tables

    def state(self) -> TokenizerState:
        """The dictionary and its score tables, as :meth:`restore` takes them back (what start-up builds)."""
        return TokenizerState(self.FREQ, self.total, self.user_word_tag_tab, self.tables(),
                              tuple(sorted(finalseg.Force_Split_Words)))

    def restore(self, state: TokenizerState) -> None:
        """Take a dictionary and score tables made by :meth:`state` (of a tokenizer with the same words)."""
        self.FREQ, self.total, self.user_word_tag_tab = state.freq, state.total, dict(state.tags)
        self.initialized = True
        for word in state.force_split:  # words added with frequency 0: finalseg's global set, as add_word does
            finalseg.add_force_split(word)
        self._tables, self._tables_of, self._tables_key = state.tables, self.FREQ, (len(self.FREQ), self.total)

    def add_word(self, word: str, freq: int | str | None = None, tag: str | None = None) -> None:
        """jieba's ``add_word``; drops the score tables (``freq=0`` changes a value, not ``total``)."""
        super().add_word(word, freq, tag)
        self._tables = None

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
        """jieba's ``lcut``; with HMM the words go straight into one list (no generators, no block regex).

        jieba cuts the blocks of ``re_han_default`` (Han, ASCII letters and digits, ``+#&._%-``)
        by the best route and every other character on its own, except ``\r\n`` which stays
        one piece (``re_skip_default``).  Here one right-to-left pass computes the route of the
        whole text, the characters outside blocks acting as walls (see :class:`_Route`), then
        one left-to-right walk emits the words; runs of one-character words go to the HMM.
        """
        if cut_all or not HMM or use_paddle:
            return list(super().cut(sentence, cut_all, HMM, use_paddle))
        text = strdecode(sentence)
        ends = self.cut_ends(text)
        return [text[a:b] for a, b in zip([0, *ends], ends, strict=False)]

    def cut_ends(self, text: str) -> list[int]:
        """Where each word of ``lcut(text)`` ends: the spans without making the word strings.

        The segment stage needs only the offsets; a news article has a word every two characters.
        """
        ends: list[int] = []
        base = 0
        for piece in _pieces(text):
            got = self._piece_ends(piece)
            ends += [base + e for e in got] if base else got
            base += len(piece)
        return ends

    def _piece_ends(self, text: str) -> list[int]:
        """The word ends of ``text`` (a whole text or a piece ending after a wall, see :func:`_pieces`).

        Only the starts of words of two characters or more and the walls are visited (``compress`` finds
        them in C, not a Python step per character); the characters between are one-character words.
        """
        nexts = _Route(text, self.tables()).best_ends()
        ends: list[int] = []
        n = len(text)
        x = run = 0  # x: where the walk is; run: start of the current run of one-character words
        for k in compress(range(n), nexts):
            if k < x:  # inside the word (or the ``\r\n``) just taken
                continue
            if run < k:
                self._run_ends(text, run, k, ends)
            y = nexts[k]
            if y > 0:
                x = y
            elif text.startswith("\r\n", k):
                x = k + 2
            else:
                x = k + 1
            ends.append(x)
            run = x
        if run < n:
            self._run_ends(text, run, n, ends)
        return ends

    def _run_ends(self, text: str, a: int, b: int, ends: list[int]) -> None:
        """A run ``text[a:b]`` of one-character words: kept as is if a dictionary word, else finalseg's cut."""
        if b - a == 1:
            ends.append(b)
        elif self.FREQ.get(buf := text[a:b]):
            ends += range(a + 1, b + 1)
        elif finalseg.Force_Split_Words:
            words: list[str] = []
            _hmm_cut(buf, words)
            ends += [a + e for e in accumulate(map(len, words))]
        else:
            _hmm_ends(buf, a, ends)


def score_tables(freq: dict[str, int], total: int) -> ScoreTables:
    """:class:`ScoreTables` of a jieba dictionary (``FREQ``, prefixes with frequency 0) and its total.

    Only what ``get_DAG`` can reach: a fragment counts if its shorter prefixes are all entries,
    and it lies within one block of ``re_han_default`` (every block character is in ``ones``).
    """
    logtotal = log(total)
    alone = log(1) - logtotal
    scores = {w: log(f) - logtotal if f else None for w, f in freq.items()}
    ones = dict.fromkeys(_block_chars(), alone)
    ones.update((w, s) for w, s in scores.items() if s is not None and w in ones)
    thirds: dict[str, str] = {}
    for w in scores:
        if len(w) == 3 and w[2] in ones:
            thirds[w[:2]] = thirds.get(w[:2], "") + w[2]
    follow: dict[str, dict[str, PairInfo]] = {}
    for w, s in scores.items():
        if len(w) == 2 and w[0] in scores and w[0] in ones and w[1] in ones:
            follow.setdefault(w[0], {})[w[1]] = (scores[w[0]], _NEG_INF if s is None else s, thirds.get(w, ""))
    longer = {w: s for w, s in scores.items() if len(w) > 2}
    return ScoreTables(ones, follow, longer, alone, *_step_arrays(ones, follow))


def _step_arrays(ones: dict[str, float], follow: dict[str, dict[str, PairInfo]]) -> tuple[np.ndarray, np.ndarray]:
    """``follow`` and ``ones`` as arrays, so :class:`_Route` looks a whole text up in numpy.

    The keys are pairs of code points (every block character is in the Basic Multilingual Plane);
    ``steps`` holds the pairs' entries in key order, then one cell per code point up to ``_WALL_CP``
    (astral characters are clipped to it): its score, or None outside the blocks.
    """
    pairs = sorted((ord(a) << 16 | ord(b), info) for a, nxt in follow.items() for b, info in nxt.items())
    keys = np.array([k for k, _ in pairs], dtype=np.uint32)
    steps = np.empty(len(pairs) + _WALL_CP + 1, dtype=object)
    steps[:len(pairs)] = [info for _, info in pairs]
    steps[len(pairs):] = [ones.get(chr(c)) if c < _WALL_CP else None for c in range(_WALL_CP + 1)]
    return keys, steps


def _block_chars() -> list[str]:
    """The characters of jieba's blocks (``re_han_default``: all in the Basic Multilingual Plane)."""
    return list(bmp_chars(jieba.re_han_default))


# A character outside jieba's blocks (``re_han_default``): jieba's route restarts after it.
_WALL = re.compile(r"[^\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]")
_WINDOW = 1 << 16  # characters per piece of a long text


def _pieces(text: str, window: int = _WINDOW) -> Iterator[str]:
    """``text`` in pieces of about ``window`` characters, each ending just after a wall.

    No word and no run of one-character words crosses a wall, so cutting the pieces one by one
    gives exactly the words of the whole, while the per-character lists of :class:`_Route` stay
    bounded on a huge article (``\r\n``, one word for jieba, is never split).
    """
    start, n = 0, len(text)
    while n - start > window:
        m = _WALL.search(text, start + window)
        if m is None:
            break
        end = m.end()
        if text[end - 1] == "\r" and text.startswith("\n", end):
            end += 1
        yield text[start:end]
        start = end
    yield text[start:]


# The step cell of U+FFFF (a noncharacter, in no block) and of every code point beyond it: a wall.
# Below 0x10000, so a pair key fits 32 bits (a cheaper binary search than 64).
_WALL_CP = 0xFFFF


class _Route:
    """jieba's ``get_DAG`` and ``calc`` fused for one text: the tables read once, then one pass."""

    __slots__ = ("text", "steps", "longer", "alone", "score", "nexts")

    def __init__(self, text: str, tables: ScoreTables) -> None:
        """Look every pair of ``text`` up, and every character whose pair is no entry.

        ``steps[k]`` is the PairInfo of ``text[k:k + 2]``, else the score of ``text[k]``
        (``alone`` if no word), or None if ``text[k]`` is outside the blocks: a wall (pairs
        with such characters are not in the tables).  All lookups are one binary search and one
        gather over the text's code points in numpy (per-character dict lookups were a third
        of the segmenter's time).
        """
        cps = np.minimum(code_points(text), _WALL_CP)
        keys = cps[:-1] << 16 | cps[1:]
        at = np.searchsorted(tables.pair_keys, keys)
        npairs = len(tables.pair_keys)
        found = tables.pair_keys[np.minimum(at, npairs - 1)] == keys if npairs else np.zeros(len(keys), bool)
        cells = np.where(found, at, npairs + cps[:-1].astype(np.intp))
        self.steps: list[float | PairInfo | None] = tables.steps[cells].tolist()
        if len(text):
            self.steps.append(tables.steps[npairs + int(cps[-1])])
        self.text = text
        self.longer = tables.longer
        self.alone = tables.alone
        self.score = [0.0] * (len(text) + 1)  # best route value from each position (0 at a block's end)
        self.nexts = [0] * len(text)  # end of the best first word if two characters or more; -1: a wall

    def best_ends(self) -> list[int]:
        """Fill ``score`` and ``nexts`` right to left, as ``calc`` would on each block; return ``nexts``.

        A candidate word ``text[k:x + 1]`` scores ``scores[word] + score[x + 1]`` (the same
        addition as ``calc``, so bit-identical values).  Candidates come in increasing x, so
        ``>=`` keeps the larger x on a tie, as ``max`` over ``(value, x)`` does.  A position
        whose pair is no entry has one candidate, its character (a word, or of frequency 1); a
        pair that is only a prefix scores -inf, so never wins over the character.  A wall
        ends the block on its left: the route value there restarts from 0.
        """
        text, steps, score, nexts = self.text, self.steps, self.score, self.nexts
        flt = float
        nxt = 0.0
        e = len(text)  # end of the current block
        for k in range(e - 1, -1, -1):
            p = steps[k]
            if type(p) is flt:
                nxt += p
            elif p is None:
                nxt = 0.0
                e = k
                nexts[k] = -1
            else:
                c, q, thirds = p
                if c is None:
                    nxt = self._without_char(k, e, nxt)
                else:
                    nxt += c
                    if (t := q + score[k + 2]) >= nxt:
                        nxt = t
                        nexts[k] = k + 2
                    if thirds and k + 2 < e and text[k + 2] in thirds:
                        nxt = self._longer(k, e, nxt)
            score[k] = nxt
        return nexts

    def _longer(self, k: int, e: int, best: float) -> float:
        """Best of ``best`` and the words of three characters or more at ``k`` (``get_DAG``'s growth)."""
        text, score = self.text, self.score
        get = self.longer.get
        absent = _ABSENT
        i = k + 2
        while i < e and (t := get(text[k : i + 1], absent)) is not absent:
            if t is not None and (t := t + score[i + 1]) >= best:
                best = t
                self.nexts[k] = i + 1
            i += 1
        return best

    def _without_char(self, k: int, e: int, nxt: float) -> float:
        """Route value at ``k`` when its character is only a prefix, so no candidate (rare).

        Its candidates are the longer words; with none, jieba's DAG has the character alone,
        counted with frequency 1.
        """
        _, q, thirds = self.steps[k]
        best = q + self.score[k + 2]
        if best > _NEG_INF:
            self.nexts[k] = k + 2
        if thirds and k + 2 < e and self.text[k + 2] in thirds:
            best = self._longer(k, e, best)
        return self.alone + nxt if best == _NEG_INF else best


def _hmm_cut(text: str, out: list[str]) -> None:
    """``finalseg.cut``: Han runs by Viterbi (forced splits honoured), the rest by ``re_skip``."""
    force = finalseg.Force_Split_Words
    model = _finalseg_model()
    for i, blk in enumerate(finalseg.re_han.split(text)):
        if i & 1:
            if len(blk) == 1:  # whatever its state, one character is one word
                out.append(blk)
                continue
            words = _viterbi_words(blk, model)
            if not force:
                out += words
                continue
            for word in words:
                if word in force:
                    out.extend(word)
                else:
                    out.append(word)
        elif blk:
            out.extend(x for x in finalseg.re_skip.split(blk) if x)


def _hmm_ends(text: str, base: int, ends: list[int]) -> None:
    """The word ends (offset by ``base``) of :func:`_hmm_cut` with no forced splits, without the word strings."""
    model = _finalseg_model()
    for i, blk in enumerate(finalseg.re_han.split(text)):
        if not blk:
            continue
        if not i & 1:
            ends += [base + e for e in accumulate(map(len, filter(None, finalseg.re_skip.split(blk))))]
        elif len(blk) == 1:
            ends.append(base + 1)
        else:
            _viterbi_ends(blk, model, base, ends)
        base += len(blk)


def _viterbi_ends(text: str, model: HmmModel, base: int, ends: list[int]) -> None:
    """The word ends (offset by ``base``) of :func:`_viterbi_words`, read off the back pointers.

    A word ends after each E or S (the path's transitions are finalseg's valid ones: only its start can be
    odd); a path starting with M or E (a degenerate model) takes the words' way.
    """
    state, back = _viterbi_back(text, model)
    out = []  # right to left
    i = len(text)
    for ptr in reversed(back):
        if state >= _E:  # E or S
            out.append(base + i)
        i -= 1
        state = ptr[state]
    if state == _S:
        out.append(base + 1)
    elif state != _B:
        ends += [base + e for e in accumulate(map(len, _viterbi_words(text, model)))]
        return
    out.reverse()
    ends += out


def _viterbi_words(text: str, model: HmmModel) -> list[str]:
    """Words of finalseg's ``viterbi`` + ``__cut`` on a run of Han characters, read off the back pointers.

    Right to left, E or S closes a word and B opens it; a path can only start with M or E
    under a degenerate model, and ``__cut`` then takes the word from the start (``begin = 0``).
    The last state is E or S, so ``__cut`` has no trailing piece.
    """
    state, back = _viterbi_back(text, model)
    words = []
    end = i = len(text)
    for ptr in reversed(back):
        i -= 1
        if state == _S:
            words.append(text[i])
        elif state == _E:
            end = i + 1
        elif state == _B:
            words.append(text[i:end])
        state = ptr[state]
    if state == _S:  # position 0
        words.append(text[0])
    elif state != _E:
        words.append(text[:end])
    else:
        words.append(text[0])
    words.reverse()
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
    """finalseg's ``viterbi`` path, as states ``_B``, ``_M``, ``_E``, ``_S``."""
    state, back = _viterbi_back(obs, model)
    tags = [state]
    for ptr in reversed(back):
        state = ptr[state]
        tags.append(state)
    tags.reverse()
    return tags


def _viterbi_back(obs: str, model: HmmModel) -> tuple[int, list[tuple[int, int, int, int]]]:
    """finalseg's ``viterbi`` unrolled over its 4 states: the last state and the back pointers.

    Each state has two predecessors (``finalseg.PrevStatus``: B from E/S, M from M/B, S from
    S/E, E from B/M); ``max`` over ``(prob, state)`` keeps the larger letter on a tie (S over E,
    M over B), as the comparisons below do.  Sums are ``(prev + trans) + emit``, in finalseg's
    order, so every probability is bit-identical; rounding is monotonic, so the emission is added
    to the larger ``prev + trans`` only, and to the other only to see whether they tie after it.
    ``back[i - 1][y]`` is the state before ``y`` at position ``i``.
    """
    (s_b, s_m, s_e, s_s, t_eb, t_sb, t_mm, t_bm, t_ss, t_es, t_be, t_me), table, none = model
    emissions = table.get
    e_b, e_m, e_e, e_s = emissions(obs[0], none)
    vb, vm, ve, vs = s_b + e_b, s_m + e_m, s_e + e_e, s_s + e_s
    back = []
    for c in obs[1:]:
        e_b, e_m, e_e, e_s = emissions(c, none)
        p, q = vs + t_sb, ve + t_eb  # the first one wins a tie
        if p >= q:
            nb, fb = p + e_b, _S
        else:
            nb = q + e_b
            fb = _S if p + e_b == nb else _E
        p, q = vm + t_mm, vb + t_bm
        if p >= q:
            nm, fm = p + e_m, _M
        else:
            nm = q + e_m
            fm = _M if p + e_m == nm else _B
        p, q = vs + t_ss, ve + t_es
        if p >= q:
            ns, fs = p + e_s, _S
        else:
            ns = q + e_s
            fs = _S if p + e_s == ns else _E
        p, q = vm + t_me, vb + t_be
        if p >= q:
            ne, fe = p + e_e, _M
        else:
            ne = q + e_e
            fe = _M if p + e_e == ne else _B
        back.append((fb, fm, fe, fs))
        vb, vm, ve, vs = nb, nm, ne, ns
    return (_S if vs >= ve else _E), back
