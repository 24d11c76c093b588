"""Works and events (``rules/entities/works_events.toml``).

WORK: spaCy's Matcher over the project's jieba words (spaCy's segmenter never runs) with the token patterns
of the lexicon (titles in 《》); with the bracket shape known, it sees only the stretches from an opening word
to its stop word.  EVENT: a numbered or dated meeting, fair or forum (第三届…高峰论坛, 2023…对接活动), or a
known event name.
"""

from __future__ import annotations

from spacy.tokens import Doc as SpacyDoc

from extract.entities.candidate import Cand
from extract.entities.context import Ctx
from extract.entities.lexicon import Rules, rules
from extract.entities.words import word_at, word_spans
from extract.model import Doc


def spacy_doc(doc: Doc, spans: list[tuple[int, int]] | None = None) -> SpacyDoc:
    """A spaCy Doc over the jieba words; every character is in exactly one token, so ``token.idx`` is an offset."""
    text = doc.text
    words = [text[s:e] for s, e in (spans if spans is not None else word_spans(doc))]
    return SpacyDoc(rules().work.nlp.vocab, words=words, spaces=[False] * len(words))


def work_matches(r: Rules, doc: Doc, bnd: bytearray) -> list[Cand]:
    """Matches of the Matcher's token patterns (titles in 《》) as character spans.

    With the bracket shape known (``lexicon.brackets``), a match from an opening word ends at the first stop
    word after it, so the Matcher sees only those stretches (one spaCy Doc of them); else the whole document.
    """
    work = r.work
    strings, labels = work.nlp.vocab.strings, work.labels
    if work.brackets is None:
        spans = word_spans(doc)
        return [Cand(spans[a][0], spans[b - 1][1], labels[strings[m]], strings[m])
                for m, a, b in work.matcher(spacy_doc(doc, spans))]
    words, stretches = _stretches(work.brackets, doc.text, bnd)
    if not words:
        return []
    text = doc.text
    sp = SpacyDoc(work.nlp.vocab, words=[text[a:b] for a, b in words], spaces=[False] * len(words))
    out = []
    for i, j in zip(stretches, stretches[1:] + [len(words)], strict=True):
        out += [Cand(words[i + a][0], words[i + b - 1][1], labels[strings[m]], strings[m])
                for m, a, b in work.matcher(sp[i:j]) if a == 0]
    return out


def _stretches(brackets: dict[str, frozenset[str]], text: str, bnd: bytearray) -> tuple[list[tuple[int, int]],
                                                                                         list[int]]:
    """The words of every stretch from an opening word to the first of its stop words after it (or the end),
    one stretch after the other, and where each stretch begins in that list."""
    n = len(text)
    words: list[tuple[int, int]] = []
    stretches: list[int] = []
    for p in _opening_words(brackets, text, bnd):
        stops = brackets[text[p:word_at(bnd, p)]]
        stretches.append(len(words))
        while p < n:
            q = word_at(bnd, p)
            words.append((p, q))
            if len(words) - 1 > stretches[-1] and text[p:q] in stops:
                break
            p = q
    return words, stretches


def _opening_words(brackets: dict[str, frozenset[str]], text: str, bnd: bytearray) -> list[int]:
    """Positions of the words that open a bracket pattern (《), in text order."""
    out = []
    for w in brackets:
        p = text.find(w)
        while p >= 0:
            if bnd[p] and word_at(bnd, p) == p + len(w):
                out.append(p)
            p = text.find(w, p + 1)
    return sorted(out)


def event_cands(ctx: Ctx) -> list[Cand]:
    """Numbered or dated events (the rule named by the prefix that opens the match) and known event names."""
    work, text = ctx.r.work, ctx.text
    out = [Cand(_place_before(ctx, m.start()), m.end(), "EVENT", _prefix_rule(ctx.r, text, m.start()))
           for m in work.event_re.finditer(text)]
    if any(name in text for name in work.event_names):  # substring searches cost less than a regex scan
        out += [Cand(m.start(), m.end(), "EVENT", work.rule_fixed) for m in work.event_fixed.finditer(text)]
    return out


def _place_before(ctx: Ctx, s: int) -> int:
    """The start of an event whose numbered or dated name starts at ``s``: a known place right before it belongs to
    the name (江苏省|第二十一届运动会)."""
    places = [c.start for c in ctx.anchors.by_end.get(s, ()) if c.label == "LOC"]
    return min(places) if places else s


def _prefix_rule(r: Rules, text: str, p: int) -> str:
    """The rule of the event prefix that stands at ``p`` (the first that matches there)."""
    return next(name for regex, name in r.work.event_prefixes if regex.match(text, p))
