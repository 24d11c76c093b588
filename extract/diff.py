"""The version diff: what an editor changed between two versions of one article.

Both versions are compared on a *folded key* of their normalised text: letters and digits only,
each character through OpenCC (traditional -> simplified) and NFKC (width), lower-cased, with
pinyin annotations ``網(wǎng)`` skipped.  So script, punctuation width, pinyin and whitespace
never show as changes; every key character remembers its position in ``doc.text``, so every
reported change has positions in both documents.

Alignment, robust to reordering, repeated blocks and broken lines:

1. units are sentences; a sentence cut by a broken line (a long line ending without sentence
   punctuation) is joined with the next one;
2. equal keys are paired first (nearest position wins), then the rest greedily by similarity
   (``difflib`` ratio of the keys, candidates from shared character bigrams, ratio >= 0.5),
   whatever their order: a moved sentence is paired and flagged ``moved``;
3. an unpaired unit next to a paired one is absorbed when that raises the pair's similarity
   (a sentence split in one version only);
4. an unpaired unit whose key occurs elsewhere in its own version (a repeated block) or inside
   the other version's text is not a change;
5. character edits of a changed pair come from ``difflib`` on the keys; edits closer than two
   characters are merged (中哈 -> 哈达 reads better than 中 deleted, 达 inserted); edits inside
   spans marked corrupt (mojibake) are noise, and a pair with only noise is ``same``.

Facts (or, when a document has no facts, its quantities) are compared inside aligned sentences:
value, value_max, unit, approx, subject, metric and period, with positions in both versions.  Facts of the
two versions pair on their canonical metric (营收 in one, 营业收入 in the other is one metric: a reworded
metric is no change).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from typing import Any

from extract.model import Doc, Span, json_number
from extract.segment import cut_spans, sentences
from extract.spans import paragraphs

MATCH_MIN = 0.5  # least key similarity for two sentences to count as versions of each other
_END = set("。！？!?；;…”」』")
_PINYIN = re.compile(r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7}[)）]")
_TONE = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ]")
# variant forms OpenCC leaves alone but that are the same character to a reader
_VARIANTS = str.maketrans(dict(zip("陜綫衆峯啓喫爲僞溼牀纔甯鉅麪囘", "陕线众峰启吃为伪湿床才宁巨面回", strict=True)))


@cache
def _fold_char(c: str) -> str:
    """One character folded for comparison ('' when it is not a letter or digit)."""
    c2 = unicodedata.normalize("NFKC", c)
    if len(c2) != 1:
        c2 = c
    if not c2.isalnum():
        return ""
    if "\u3400" <= c2 <= "\u9fff":
        from extract.normalise import T2S, converter

        s = converter(T2S).convert(c2)
        c2 = s if len(s) == 1 else c2
    return c2.translate(_VARIANTS).lower()


def fold(text: str, start: int = 0, end: int | None = None) -> tuple[str, list[int]]:
    """Folded key of ``text[start:end]`` and the text position of each key character."""
    end = len(text) if end is None else end
    skip: list[Span] = [m.span() for m in _PINYIN.finditer(text, start, end) if _TONE.search(m.group(0))]
    out: list[str] = []
    pos: list[int] = []
    si = 0
    for i in range(start, end):
        while si < len(skip) and skip[si][1] <= i:
            si += 1
        if si < len(skip) and skip[si][0] <= i:
            continue
        f = _fold_char(text[i])
        if f:
            out.append(f)
            pos.append(i)
    return "".join(out), pos


# --- units ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Unit:
    start: int
    end: int
    para: int
    key: str
    pos: list[int]


@dataclass(slots=True)
class Pair:
    """One aligned (or unaligned) sentence: spans of each version's text, or None."""

    old: Span | None
    new: Span | None
    oi: list[int] = field(default_factory=list)
    ni: list[int] = field(default_factory=list)
    similarity: float = 0.0
    moved: bool = False
    note: str | None = None


def _sentences(doc: Doc) -> tuple[list[Span], list[Span]]:
    if doc.sentences and doc.paragraphs:
        return doc.paragraphs, doc.sentences
    paras = paragraphs(doc.text)
    return paras, [s for p in paras for s in sentences(doc.text, p)]


def units(doc: Doc) -> tuple[list[Unit], list[Span]]:
    """Sentences of ``doc`` with folded keys; a sentence broken over two lines is one unit."""
    text = doc.text
    paras, sents = _sentences(doc)
    starts = [p[0] for p in paras]
    import bisect

    out: list[Unit] = []
    for s, e in sents:
        k, pos = fold(text, s, e)
        if not k:
            continue
        para = max(0, bisect.bisect_right(starts, s) - 1)
        if out:
            prev = out[-1]
            ps, pe = paras[prev.para]
            broken = (prev.para != para and prev.end == pe and text[pe - 1] not in _END
                      and pe - ps > 25 and text[pe - 1].isalnum())
            # a '?' of mojibake is no sentence end: keep the corrupted sentence whole
            garbled = prev.para == para and doc.is_corrupt(prev.end - 1, s + 1)
            if broken or garbled:
                prev.end, prev.key, prev.pos = e, prev.key + k, prev.pos + pos
                continue
        out.append(Unit(s, e, para, k, pos))
    return out, paras


# --- alignment --------------------------------------------------------------------------------------


def ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _bigrams(k: str) -> set[str]:
    return {k[i:i + 2] for i in range(len(k) - 1)} or {k}


def _align_units(ou: list[Unit], nu: list[Unit]) -> list[Pair]:
    """Pair the units of two versions (see module docstring); returns pairs in no particular order."""
    o_match: dict[int, int] = {}
    n_match: dict[int, int] = {}
    sims: dict[int, float] = {}
    scale = len(nu) / max(1, len(ou))
    _pair_equal_keys(ou, nu, scale, o_match, n_match, sims)
    for negr, _, i, j in sorted(_similar_candidates(ou, nu, scale, o_match, n_match)):
        if i not in o_match and j not in n_match:
            o_match[i], n_match[j], sims[i] = j, i, -negr
    pairs = [Pair((ou[i].start, ou[i].end), (nu[j].start, nu[j].end), [i], [j], sims[i])
             for i, j in sorted(o_match.items())]
    _absorb(pairs, ou, nu, o_match, n_match)  # neighbours split off in one version only
    pairs += [Pair((u.start, u.end), None, [i], []) for i, u in enumerate(ou) if i not in o_match]
    pairs += [Pair(None, (u.start, u.end), [], [j]) for j, u in enumerate(nu) if j not in n_match]
    return pairs


def _pair_equal_keys(ou: list[Unit], nu: list[Unit], scale: float, o_match: dict[int, int],
                     n_match: dict[int, int], sims: dict[int, float]) -> None:
    """First pass: units with equal keys, the nearest relative position first."""
    by_key: dict[str, list[int]] = {}
    for j, u in enumerate(nu):
        by_key.setdefault(u.key, []).append(j)
    for i, u in enumerate(ou):
        cands = [j for j in by_key.get(u.key, []) if j not in n_match]
        if cands:
            j = min(cands, key=lambda j: (abs(j - i * scale), j))
            o_match[i], n_match[j], sims[i] = j, i, 1.0


def _similar_candidates(ou: list[Unit], nu: list[Unit], scale: float, o_match: dict[int, int],
                        n_match: dict[int, int]) -> list[tuple[float, float, int, int]]:
    """Second pass: unpaired units with similar keys (bigram prefilter, then the ratio), best first when sorted."""
    index: dict[str, list[int]] = {}
    for j, u in enumerate(nu):
        if j not in n_match:
            for g in _bigrams(u.key):
                index.setdefault(g, []).append(j)
    cand: list[tuple[float, float, int, int]] = []
    for i, u in enumerate(ou):
        if i in o_match:
            continue
        grams = _bigrams(u.key)
        counts: dict[int, int] = {}
        for g in grams:
            for j in index.get(g, ()):
                counts[j] = counts.get(j, 0) + 1
        for j, c in counts.items():
            if 2 * c / (len(grams) + len(_bigrams(nu[j].key))) < 0.3:
                continue
            r = ratio(u.key, nu[j].key)
            if r >= MATCH_MIN:
                cand.append((-r, abs(j - i * scale), i, j))
    return cand


def _absorb(pairs: list[Pair], ou: list[Unit], nu: list[Unit], o_match: dict[int, int],
            n_match: dict[int, int]) -> None:
    """Grow a pair by an unpaired neighbour when that raises its similarity (a sentence split in one version)."""
    for p in pairs:
        for side, units_, match in (("old", ou, o_match), ("new", nu, n_match)):
            idx = p.oi if side == "old" else p.ni
            changed = True
            while changed and p.similarity < 1.0:
                changed = False
                for cand in (idx[0] - 1, idx[-1] + 1):
                    if cand < 0 or cand >= len(units_) or cand in match:
                        continue
                    trial = sorted(idx + [cand])
                    okey = "".join(ou[i].key for i in (trial if side == "old" else p.oi))
                    nkey = "".join(nu[j].key for j in (trial if side == "new" else p.ni))
                    r = ratio(okey, nkey)
                    if r > p.similarity + 0.02:
                        idx[:] = trial
                        match[cand] = -1
                        p.similarity = r
                        changed = True
                        break
        p.old = (ou[p.oi[0]].start, ou[p.oi[-1]].end)
        p.new = (nu[p.ni[0]].start, nu[p.ni[-1]].end)


def _moved(pairs: list[Pair]) -> None:
    """Flag paired units outside the longest run kept in the same order (LIS on old index by new index)."""
    import bisect

    matched = sorted((p for p in pairs if p.oi and p.ni), key=lambda p: p.ni[0])
    seq = [p.oi[0] for p in matched]
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(seq)
    for k, v in enumerate(seq):
        at = bisect.bisect_left(tails, v)
        if at == len(tails):
            tails.append(v)
            tail_idx.append(k)
        else:
            tails[at] = v
            tail_idx[at] = k
        prev[k] = tail_idx[at - 1] if at else -1
    keep = set()
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        keep.add(k)
        k = prev[k]
    for k, p in enumerate(matched):
        p.moved = k not in keep


def _order(pairs: list[Pair]) -> list[Pair]:
    """New-version order, each removed unit placed after the unit that preceded it in the old version."""
    newside = sorted((p for p in pairs if p.ni), key=lambda p: p.ni[0])
    removed = sorted((p for p in pairs if not p.ni), key=lambda p: p.oi[0])
    out: list[Pair] = []
    ri = 0
    for p in newside:
        if p.oi and not p.moved:
            while ri < len(removed) and removed[ri].oi[0] < p.oi[0]:
                out.append(removed[ri])
                ri += 1
        out.append(p)
    out.extend(removed[ri:])
    return out


def align_docs(old: Doc, new: Doc) -> list[Pair]:
    """Aligned sentence pairs of two versions, in reading order of the new one."""
    return _aligned(units(old)[0], units(new)[0])


def _aligned(ou: list[Unit], nu: list[Unit]) -> list[Pair]:
    """The pairs of two unit lists, moved ones flagged, in reading order of the new version."""
    pairs = _align_units(ou, nu)
    _moved(pairs)
    return _order(pairs)


# --- character edits --------------------------------------------------------------------------------


def _key_of(doc: Doc, span: Span) -> tuple[str, list[int]]:
    return fold(doc.text, span[0], span[1])


def _edits(old: Doc, new: Doc, p: Pair) -> list[dict[str, Any]]:
    """Character edits of a pair, with spans in each version's text; merged when closer than 2 chars."""
    assert p.old is not None and p.new is not None
    ok, opos = _key_of(old, p.old)
    nk, npos = _key_of(new, p.new)
    raw: list[list[int]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, ok, nk, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if raw and i1 - raw[-1][1] <= 1 and j1 - raw[-1][3] <= 1:
            raw[-1][1], raw[-1][3] = i2, j2
        else:
            raw.append([i1, i2, j1, j2])
    out = []
    otoks, ntoks = _tokens(old, p.old), _tokens(new, p.new)
    for i1, i2, j1, j2 in raw:
        os_ = _span(opos, i1, i2, p.old)
        ns = _span(npos, j1, j2, p.new)
        op = "replace" if i2 > i1 and j2 > j1 else ("delete" if i2 > i1 else "insert")
        noise = old.is_corrupt(max(os_[0] - 1, 0), os_[1] + 1) or new.is_corrupt(max(ns[0] - 1, 0), ns[1] + 1)
        # the edit widened to whole words (jieba tokens) on both sides: 起/回 reads as 挽起/挽回
        left, right = 0, 0
        for toks, (s, e) in ((otoks, os_), (ntoks, ns)):
            ws, we = _word_span(toks, s, e)
            left, right = max(left, s - ws), max(right, we - e)
        ow = (max(p.old[0], os_[0] - left), min(p.old[1], os_[1] + right))
        nw = (max(p.new[0], ns[0] - left), min(p.new[1], ns[1] + right))
        out.append({"op": op, "old": list(os_), "new": list(ns), "old_text": old.text[os_[0]:os_[1]],
                    "new_text": new.text[ns[0]:ns[1]], "old_words": old.text[ow[0]:ow[1]],
                    "new_words": new.text[nw[0]:nw[1]], "noise": noise})
    return out


def _tokens(doc: Doc, span: Span) -> list[Span]:
    """jieba word spans covering ``span`` (the document's own tokens when it was segmented)."""
    import bisect

    if doc.tokens:
        i = bisect.bisect_right(doc.tokens, (span[0], 10**12)) - 1
        j = bisect.bisect_left(doc.tokens, (span[1], -1))
        return doc.tokens[max(i, 0):j]
    return cut_spans(doc.text[span[0]:span[1]], span[0])


def _word_span(toks: list[Span], s: int, e: int) -> Span:
    """Smallest run of whole tokens covering [s, e) (an empty span: the token it touches on the right)."""
    if e == s:
        e = s + 1
    cover = [t for t in toks if t[0] < e and s < t[1]]
    if not cover:
        return s, e
    # no more than 4 characters of context on either side
    return max(min(t[0] for t in cover), s - 4), min(max(t[1] for t in cover), e + 4)


def _span(pos: list[int], i1: int, i2: int, whole: Span) -> Span:
    """Text span of key characters [i1, i2); an empty key range gives the insertion point."""
    if i2 > i1:
        return pos[i1], pos[i2 - 1] + 1
    if i1 < len(pos):
        return pos[i1], pos[i1]
    return (pos[-1] + 1, pos[-1] + 1) if pos else (whole[1], whole[1])


# --- facts ------------------------------------------------------------------------------------------

_FACT_FIELDS = ("value", "value_max", "unit", "approx", "subject", "metric", "period_start", "period_end", "change")
_SAME_METRIC = ("metric_canonical", "segment")  # the same canonical metric reworded is the same metric


def _items(doc: Doc) -> list[dict[str, Any]]:
    """The comparable records of a document: facts with a mention in it, else its quantities."""
    out = []
    for f in doc.facts:
        ms = [m for m in f.mentions if m.doc_id == doc.doc_id] or ([] if f.mentions else [])
        if not ms:
            at = doc.text.find(f.sentence) if f.sentence else -1
            if at < 0:
                continue
            start, end = at, at + len(f.sentence)
        else:
            start, end = ms[0].start, ms[0].end
        out.append({"kind": "fact", "id": f.id, "start": start, "end": end, "text": doc.text[start:end],
                    **{k: _jsonable(getattr(f, k, None)) for k in _FACT_FIELDS + _SAME_METRIC}})
    if out:
        return sorted(out, key=lambda r: (r["start"], r["end"]))
    for q in doc.quantities:
        out.append({"kind": "quantity", "id": q.id, "start": q.start, "end": q.end, "text": q.text,
                    "value": _jsonable(q.value), "value_max": _jsonable(q.value_max), "unit": q.unit,
                    "approx": q.approx, "subject": None, "metric": None, "period_start": None,
                    "period_end": None, "change": None, "metric_canonical": None, "segment": None})
    return sorted(out, key=lambda r: (r["start"], r["end"]))


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    try:
        return json_number(v)
    except (TypeError, ValueError):
        return v


def _in(items: list[dict[str, Any]], span: Span | None) -> list[dict[str, Any]]:
    if span is None:
        return []
    return [r for r in items if span[0] <= r["start"] < span[1]]


def _map_pos(opos: list[int], npos: list[int], blocks: list, pos: int) -> int | None:
    """New-text position of old-text position ``pos`` through the equal blocks of the key diff."""
    import bisect

    ki = bisect.bisect_left(opos, pos)
    for b in blocks:
        if b.a <= ki < b.a + b.size:
            return npos[b.b + ki - b.a]
    return None


def _fact_changes(old: Doc, new: Doc, pairs: list[Pair], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts (or quantities) that differ between aligned sentences, were added or were removed.

    Inside a sentence pair that reads the same (equal keys, or only noise), only a different value or
    unit is reported: a different subject or period there comes from the extractor's context, not
    from an editor.
    """
    oitems, nitems = _items(old), _items(new)
    out: list[dict[str, Any]] = []
    for p, row in zip(pairs, rows, strict=True):
        olds, news = _in(oitems, p.old), _in(nitems, p.new)
        if not olds and not news:
            continue
        if row["status"] == "same" and (p.old is None or p.new is None):
            continue  # a repeat or a split piece
        used: set[int] = set()
        if p.old is not None and p.new is not None:
            out += _paired_changes(old, new, p, row["status"], olds, news, used)
        else:
            out += [_fact_row("removed", r, None) for r in olds]
        for k, n in enumerate(news):
            if k not in used:
                out.append(_fact_row("added", None, n))
                if p.old is not None and old.is_corrupt(*p.old):
                    out[-1]["note"] = "old version corrupted here"
    return out


def _paired_changes(old: Doc, new: Doc, p: Pair, status: str, olds: list[dict[str, Any]],
                    news: list[dict[str, Any]], used: set[int]) -> list[dict[str, Any]]:
    """The changed and removed items of an aligned pair; the partners taken are added to ``used``."""
    assert p.old is not None and p.new is not None
    ok, opos = _key_of(old, p.old)
    nk, npos = _key_of(new, p.new)
    blocks = SequenceMatcher(None, ok, nk, autojunk=False).get_matching_blocks()
    out: list[dict[str, Any]] = []
    for r in olds:
        mapped = [m for m in (_map_pos(opos, npos, blocks, x) for x in range(r["start"], r["end"])) if m is not None]
        best = _partner(r, mapped, news, used)
        if best is None:
            out.append(_fact_row("removed", r, None))
            if new.is_corrupt(*p.new):
                out[-1]["note"] = "new version corrupted here"
            continue
        used.add(best)
        fr = _fact_row("changed", r, news[best])
        if status == "same":
            fr["fields"] = {k: v for k, v in fr["fields"].items() if k in ("value", "value_max", "unit")}
        if fr["fields"]:
            out.append(fr)
    return out


def _partner(r: dict[str, Any], mapped: list[int], news: list[dict[str, Any]], used: set[int]) -> int | None:
    """The new item an old one became: most overlap with its mapped characters (then the same unit);
    when nothing overlaps, the first free item with the same unit or metric, in order."""
    best, best_score = None, (0, False)
    for k, n in enumerate(news):
        if k in used:
            continue
        score = (sum(1 for m in mapped if n["start"] <= m < n["end"]), n["unit"] == r["unit"])
        if score[0] and score > best_score:
            best, best_score = k, score
    if best is None:
        best = next((k for k, n in enumerate(news) if k not in used and (
            n["unit"] == r["unit"] or _same_metric(n, r))), None)
    return best


def _same_metric(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same metric, worded alike or reworded (the same canonical metric and segment)."""
    if a["metric"] and a["metric"] == b["metric"]:
        return True
    return bool(a["metric_canonical"]) and all(a[k] == b[k] for k in _SAME_METRIC)


def _fact_row(status: str, o: dict[str, Any] | None, n: dict[str, Any] | None) -> dict[str, Any]:
    fields = {}
    if o is not None and n is not None:
        fields = {k: [o[k], n[k]] for k in _FACT_FIELDS if o[k] != n[k]}
        if "metric" in fields and _same_metric(o, n):
            del fields["metric"]  # 营收 -> 营业收入: reworded, not changed
    side = o or n
    assert side is not None

    def where(r: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if r is None else {"id": r["id"], "start": r["start"], "end": r["end"], "text": r["text"]}

    return {"status": status, "kind": side["kind"], "fields": fields, "old": where(o), "new": where(n),
            "value": [o["value"] if o else None, n["value"] if n else None],
            "unit": [o["unit"] if o else None, n["unit"] if n else None],
            "subject": [o["subject"] if o else None, n["subject"] if n else None]}


# --- the diff ---------------------------------------------------------------------------------------


def diff_docs(old: Doc, new: Doc, min_change: float = 0.0) -> dict[str, Any]:
    """Aligned passages and sentences, their character edits and the facts that changed (JSON-able).

    ``min_change`` hides changed pairs whose share of changed characters (1 - similarity) is below
    it (typo-level edits), reporting them as ``same`` with ``hidden: true``.
    """
    ou, opara = units(old)
    nu, npara = units(new)
    pairs = _aligned(ou, nu)
    ostream = "".join(u.key for u in ou)
    nstream = "".join(u.key for u in nu)
    sentences = [_sentence_row(old, new, p, ou, nu, ostream, nstream, min_change) for p in pairs]
    counts = {"same": 0, "changed": 0, "added": 0, "removed": 0}
    _moved_edits(sentences)
    for row in sentences:
        counts[row["status"]] += 1
    return {
        "old": {"doc_id": old.doc_id, "source": old.source, "title": old.title, "chars": len(old.text)},
        "new": {"doc_id": new.doc_id, "source": new.source, "title": new.title, "chars": len(new.text)},
        "min_change": min_change,
        "counts": counts,
        "similarity": _overall(pairs, ou, nu, len(ostream) + len(nstream)),
        "passages": _passages(old, new, ou, nu, opara, npara, pairs, sentences),
        "sentences": sentences,
        "facts": _fact_changes(old, new, pairs, sentences),
    }


def _sentence_row(old: Doc, new: Doc, p: Pair, ou: list[Unit], nu: list[Unit], ostream: str, nstream: str,
                  min_change: float) -> dict[str, Any]:
    """One aligned pair as the diff reports it: its texts, status, edits and similarity."""
    row: dict[str, Any] = {"old": list(p.old) if p.old else None, "new": list(p.new) if p.new else None,
                           "old_text": old.text[p.old[0]:p.old[1]] if p.old else None,
                           "new_text": new.text[p.new[0]:p.new[1]] if p.new else None}
    if p.old and p.new:
        edits = _edits(old, new, p) if p.similarity < 1.0 else []
        real = [e for e in edits if not e["noise"]]
        status = "changed" if real else "same"
        row.update(similarity=round(p.similarity, 4), edits=edits, moved=p.moved)
        if edits and not real:
            row["noise"] = "corrupt"
        if status == "changed" and 1 - p.similarity < min_change:
            status, row["hidden"] = "same", True
    else:
        k = "".join((ou if p.old else nu)[i].key for i in (p.oi or p.ni))
        own, other = (ostream, nstream) if p.old else (nstream, ostream)
        doc, span = (old, p.old) if p.old else (new, p.new)
        if _corrupt_share(doc, span) >= 0.5:
            status, row["note"] = "same", "corrupt"
        elif _in_dateline(doc, span):  # a credit or dateline only one version has: metadata, not text
            status, row["note"] = "same", "dateline"
        elif own.count(k) > 1:
            status, row["note"] = "same", "repeat"
        elif len(k) >= 4 and k in other:
            status, row["note"] = "same", "split"
        else:
            status = "removed" if p.old else "added"
        row["similarity"] = 1.0 if status == "same" else 0.0
    row["status"] = status
    return row


def _overall(pairs: list[Pair], ou: list[Unit], nu: list[Unit], total: int) -> float:
    """Whole-document similarity from the pairs (2 * matched key characters / all key characters)."""
    matched = 0.0
    for p in pairs:
        if p.oi and p.ni:
            t = sum(len(ou[i].key) for i in p.oi) + sum(len(nu[j].key) for j in p.ni)
            matched += p.similarity * t / 2
    return round(2 * matched / total, 4) if total else 1.0


def _corrupt_share(doc: Doc, span: Span) -> float:
    """Share of the key characters of ``span`` inside spans marked corrupt."""
    _, pos = fold(doc.text, *span)
    if not pos or not doc.corrupt:
        return 0.0
    return sum(1 for i in pos if doc.is_corrupt(i, i + 1)) / len(pos)


def _in_dateline(doc: Doc, span: Span) -> bool:
    """Whether ``span`` lies inside a line the cleaner read as a dateline (``dateline`` marks)."""
    raw = [(r.raw_start, r.raw_end) for r in doc.removed if r.kind == "dateline"]
    if not raw or doc.mapped is None:
        return False
    return any(s <= span[0] and span[1] <= e for s, e in doc.mapped.spans_from_raw(raw))


def _moved_edits(rows: list[dict[str, Any]]) -> None:
    """An edit whose text is an unpaired 'split' unit of the other version moved; it is no change."""
    split_old = [fold(r["old_text"])[0] for r in rows if r.get("note") == "split" and r["old"]]
    split_new = [fold(r["new_text"])[0] for r in rows if r.get("note") == "split" and r["new"]]
    for r in rows:
        if r["status"] != "changed":
            continue
        for e in r["edits"]:
            if e["noise"]:
                continue
            ko, kn = fold(e["old_text"])[0], fold(e["new_text"])[0]
            if (len(ko) >= 4 and not kn and any(ko in k for k in split_new)) or \
                    (len(kn) >= 4 and not ko and any(kn in k for k in split_old)):
                e["noise"] = "moved"
        if all(e["noise"] for e in r["edits"]):
            r["status"], r["noise"] = "same", "moved"


def _passages(old: Doc, new: Doc, ou: list[Unit], nu: list[Unit], opara: list[Span], npara: list[Span],
              pairs: list[Pair], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Paragraph-level view: each new paragraph with the old paragraph most of its sentences came from."""
    votes: dict[int, dict[int, int]] = {}
    status_of: dict[tuple[str, int], set[str]] = {}
    for p, row in zip(pairs, rows, strict=True):
        for i in p.oi:
            status_of.setdefault(("o", ou[i].para), set()).add(row["status"])
        for j in p.ni:
            status_of.setdefault(("n", nu[j].para), set()).add(row["status"])
        if p.oi and p.ni:
            v = votes.setdefault(nu[p.ni[0]].para, {})
            v[ou[p.oi[0]].para] = v.get(ou[p.oi[0]].para, 0) + 1
    out: list[dict[str, Any]] = []
    used: set[int] = set()
    for j, ns in enumerate(npara):
        if ("n", j) not in status_of:
            continue
        v = votes.get(j)
        if not v:
            st = "same" if status_of[("n", j)] <= {"same"} else "added"
            out.append({"status": st, "old": None, "new": list(ns), "similarity": 0.0})
            continue
        i = max(v, key=lambda i: (v[i], -i))
        used.add(i)
        sts = status_of[("n", j)] | status_of.get(("o", i), set())
        st = "same" if sts <= {"same"} else "changed"
        sim = ratio(fold(old.text, *opara[i])[0], fold(new.text, *ns)[0])
        out.append({"status": st, "old": list(opara[i]), "new": list(ns), "similarity": round(sim, 4)})
    for i, os_ in enumerate(opara):
        if i not in used and ("o", i) in status_of and not status_of[("o", i)] <= {"same"}:
            out.append({"status": "removed", "old": list(os_), "new": None, "similarity": 0.0})
    return out


# --- rendering --------------------------------------------------------------------------------------

_RED, _GREEN, _YELLOW, _DIM, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[2m", "\x1b[0m"


def _walk_marks(text: str, base: int, spans: list[tuple[int, int]], plain, mark) -> str:
    """``text`` (starting at ``base``) with the given spans passed through ``mark``, the rest through ``plain``."""
    out = []
    pos = 0
    for s, e in sorted(spans):
        s, e = s - base, e - base
        if s < pos or s == e:
            continue
        out.append(plain(text[pos:s]))
        out.append(mark(text[s:e]))
        pos = e
    out.append(plain(text[pos:]))
    return "".join(out)


def _marked(text: str, base: int, spans: list[tuple[int, int]], color: bool, minus: bool) -> str:
    """Terminal form of marked changes: colour, or [-x-] / {+x+}."""
    if color:
        def mark(p: str) -> str:
            return (_RED if minus else _GREEN) + "\x1b[7m" + p + _RESET
    else:
        def mark(p: str) -> str:
            return f"[-{p}-]" if minus else f"{{+{p}+}}"
    return _walk_marks(text, base, spans, lambda p: p, mark).replace("\n", "↵")


def render_text(result: dict[str, Any], color: bool = False) -> str:
    """Terminal view: one block per changed, added or removed sentence, then the facts."""
    c = (lambda code, s: code + s + _RESET) if color else (lambda code, s: s)
    lines = [f"--- {result['old']['source']}  ({result['old']['doc_id']})",
             f"+++ {result['new']['source']}  ({result['new']['doc_id']})",
             "sentences: " + ", ".join(f"{k} {v}" for k, v in result["counts"].items())]
    for row in result["sentences"]:
        st = row["status"]
        if st == "same":
            continue
        if st == "added":
            lines += ["", c(_GREEN, f"+ added  new[{row['new'][0]}:{row['new'][1]}]"),
                      c(_GREEN, "+ " + row["new_text"].replace("\n", "↵"))]
        elif st == "removed":
            lines += ["", c(_RED, f"- removed  old[{row['old'][0]}:{row['old'][1]}]"),
                      c(_RED, "- " + row["old_text"].replace("\n", "↵"))]
        else:
            real = [e for e in row["edits"] if not e["noise"]]
            summary = "; ".join(f"{e['old_words'] or '∅'}→{e['new_words'] or '∅'}" for e in real)
            head = (f"~ changed  similarity {row['similarity']:.3f}  old[{row['old'][0]}:{row['old'][1]}]"
                    f"  new[{row['new'][0]}:{row['new'][1]}]" + ("  (moved)" if row.get("moved") else ""))
            lines += ["", c(_YELLOW, head), "  " + summary,
                      "  - " + _marked(row["old_text"], row["old"][0], [tuple(e["old"]) for e in real], color, True),
                      "  + " + _marked(row["new_text"], row["new"][0], [tuple(e["new"]) for e in real], color, False)]
    facts = result["facts"]
    if facts:
        lines += ["", c(_YELLOW, f"facts: {len(facts)} changed")]
        for f in facts:
            o, n = f["old"], f["new"]
            where = (f"old[{o['start']}:{o['end']}] {o['text']}" if o else "") + \
                    ("  ->  " if o and n else "") + (f"new[{n['start']}:{n['end']}] {n['text']}" if n else "")
            what = ", ".join(f"{k}: {a} -> {b}" for k, (a, b) in f["fields"].items()) if f["fields"] else ""
            lines.append(f"  {f['status']:8} {where}" + (f"   ({what})" if what else "")
                         + (f"   [{f['note']}]" if f.get("note") else ""))
    return "\n".join(lines) + "\n"


_CSS = """body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;width:100%;table-layout:fixed}
td{vertical-align:top;padding:4px 8px;border-bottom:1px solid #ddd;line-height:1.6}
th{text-align:left;background:#f3f3f3;padding:6px}del{background:#fbb;text-decoration:line-through}
ins{background:#bfb;text-decoration:none}tr.added td.n{background:#eaffea}tr.removed td.o{background:#ffecec}
tr.same td{color:#888}.sim{font-size:smaller;color:#666;width:5em}.noise{color:#aaa}"""


def _html_marked(text: str, base: int, spans: list[tuple[int, int]], tag: str) -> str:
    return _walk_marks(text, base, spans, html.escape, lambda p: f"<{tag}>{html.escape(p)}</{tag}>")


def render_html(result: dict[str, Any]) -> str:
    """Self-contained side-by-side page: old left, new right, changed characters marked."""
    o, n = result["old"], result["new"]
    rows = []
    for row in result["sentences"]:
        st = row["status"]
        if st == "changed":
            real = [e for e in row["edits"] if not e["noise"]]
            left = _html_marked(row["old_text"], row["old"][0], [tuple(e["old"]) for e in real], "del")
            right = _html_marked(row["new_text"], row["new"][0], [tuple(e["new"]) for e in real], "ins")
        else:
            left = html.escape(row["old_text"] or "")
            right = html.escape(row["new_text"] or "")
        sim = f"{row.get('similarity', 0):.2f}" if st in ("changed", "same") and row["old"] and row["new"] else ""
        rows.append(f'<tr class="{st}"><td class="o">{left}</td><td class="sim">{st}<br>{sim}</td>'
                    f'<td class="n">{right}</td></tr>')
    facts = []
    for f in result["facts"]:
        fields = "; ".join(f"{k}: {a} → {b}" for k, (a, b) in f["fields"].items())
        facts.append(f"<tr><td>{f['status']}</td><td>{html.escape(f['old']['text']) if f['old'] else ''}</td>"
                     f"<td>{html.escape(f['new']['text']) if f['new'] else ''}</td><td>{html.escape(fields)}</td></tr>")
    counts = ", ".join(f"{k} {v}" for k, v in result["counts"].items())
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>diff {html.escape(o['doc_id'])} "
            f"{html.escape(n['doc_id'])}</title><style>{_CSS}</style></head><body>"
            f"<h1>Version diff</h1><p>old: {html.escape(str(o['source']))} ({o['doc_id']})<br>"
            f"new: {html.escape(str(n['source']))} ({n['doc_id']})<br>sentences: {counts}</p>"
            f"<table><tr><th>old</th><th class=\"sim\"></th><th>new</th></tr>{''.join(rows)}</table>"
            f"<h2>Facts that changed</h2><table><tr><th>status</th><th>old</th><th>new</th><th>fields</th></tr>"
            f"{''.join(facts)}</table></body></html>\n")
