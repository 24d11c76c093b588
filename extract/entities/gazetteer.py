"""Gazetteer names (``rules/entities/gazetteers/*.txt``, jieba's place names) and where they stand in a text.

A name matches as a PhraseMatcher (attr ORTH) would, with an EntityRuler's longest-match-wins resolution, but
by dictionary look-ups: a name matches where its characters stand and the document's word boundaries over it
equal those of the name cut alone, tried only where a hashed table of first character pairs allows.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from dataclasses import dataclass

import numpy as np
import orjson

from extract.entities.candidate import Cand
from extract.entities.words import Pairs, pair_bits, word_starts
from extract.lexicon import DICT_BLANK as _H
from extract.lexicon import jieba_dict_text, jieba_inputs, jieba_tags
from extract.rules import load_list, rules_dir
from extract.segment import cut_spans
from extract.tablecache import load_or_build


@dataclass
class Gazetteer:
    """Every known name with its label and rule, and the look-up tables that find them in a text."""

    label: dict[str, str]
    rule: dict[str, str]
    canonical: dict[str, str]  # a short form -> the full name a file gives it (桑植 -> 桑植县); others: absent
    weak: frozenset[str]  # short forms that need a vote from their context (a county's: 大关, 江海)
    # name -> (its word boundaries as a 0/1 mask over 0..len, its word count, its label, its rule): a match is
    # checked and labelled by one look-up
    cut: dict[str, tuple[bytes, int, str, str]]
    # first word of a name (as jieba cuts the name) -> (most words a name starting so has, and the label and rule
    # of that word when it is a one-word name itself, else None): one look-up per word of the text
    first: dict[str, tuple[int, str | None, str | None]]
    pairs: np.ndarray  # bit _pair_hash(first two characters of a name) set (a filter, never a proof)
    common: frozenset[str]  # words of jieba's dictionary that are no names (see ``common_words``)
    tag: dict[str, str]  # every word of jieba's dictionary -> its part-of-speech tag (a look-up, never posseg)


def load(cfg: dict) -> Gazetteer:
    """The gazetteer of ``rules/entities/gazetteers.toml``: the files' names first, then jieba's places.

    Made from the rules, jieba's dictionary and the tokenizer (every name is cut): about half a second of
    start-up, so it is kept by :mod:`extract.tablecache` under those inputs and ``cfg`` itself.
    """
    parts = (*jieba_inputs(), orjson.dumps(cfg, option=orjson.OPT_SORT_KEYS).decode())
    gaz = load_or_build("gazetteer", parts, lambda: dataclasses.replace(_build(cfg), tag={}))
    gaz.tag = jieba_tags()  # kept once, by extract.lexicon (the facts read the same table)
    return gaz


def _build(cfg: dict) -> Gazetteer:
    """:func:`load` without the cache."""
    label: dict[str, str] = {}
    rule: dict[str, str] = {}
    canonical: dict[str, str] = {}
    weak: set[str] = set()
    strong: set[str] = set()  # a name some file lists without the flag (a hand-checked list) needs no vote
    for name, lab, name_rule, full, flag in _file_names(cfg["gazetteer"]):
        (weak if flag == cfg["weak_flag"] else strong).add(name)
        if name not in label:
            label[name], rule[name] = lab, name_rule
            if full != name:
                canonical[name] = full
    places = cfg["jieba_places"]
    for name in _jieba_places(places):
        if places["exclude_runs"] and _opens_with_division(name, label, canonical, places["suffixes"]):
            continue  # 上海市|浦东新区: a run of divisions, each found by loc.admin
        if name not in label:
            label[name], rule[name] = places["label"], places["name"]
    tags = jieba_tags()
    return Gazetteer(label, rule, canonical, frozenset(weak - strong), **_index(label, rule),
                     common=_common_words(tags, frozenset(cfg["common_words"]["name_tags"])), tag=tags)


def _opens_with_division(name: str, label: dict[str, str], canonical: dict[str, str], suffixes: str) -> bool:
    """True when ``name`` opens with a full place name of the files that ends with an administrative suffix and
    goes on (上海市|浦东新区)."""
    return any(name[k - 1] in suffixes and label.get(name[:k]) == "LOC" and name[:k] not in canonical
               for k in range(2, len(name) - 1))


def _file_names(files: list[dict]) -> list[tuple[str, str, str, str, str]]:
    """(name, label, rule, canonical, flag) of every name of the gazetteer files, files in name order; a file's
    label and rule are those of the first entry whose prefix starts its name (files matching none are not read); a
    line ``name<TAB>full name[<TAB>flag]`` gives the canonical form (else the name itself) and a flag."""
    out = []
    for path in sorted((rules_dir() / "entities" / "gazetteers").glob("*.txt")):
        entry = next((f for f in files if path.name.startswith(f["prefix"])), None)
        if entry is None:
            continue
        for line in load_list(f"entities/gazetteers/{path.name}"):
            cols = line.split("\t")
            name = cols[0].split()[0]
            if len(name) > 1:
                full = cols[1].strip() if len(cols) > 1 else name
                out.append((name, entry["label"], entry["name"], full, cols[2].strip() if len(cols) > 2 else ""))
    return out


def _jieba_places(cfg: dict) -> list[str]:
    """Administrative place names of jieba's dictionary (see ``[jieba_places]`` in gazetteers.toml)."""
    exclude = set(cfg["exclude"])
    line = re.compile(rf"^{_H}*(\S{{{int(cfg['min_len'])},}}){_H}+\S+{_H}+{re.escape(cfg['tag'])}{_H}*$", re.M)
    return [w for w in (m.group(1) for m in line.finditer(jieba_dict_text()))
            if w[-1] in cfg["suffixes"] and w not in exclude]


def _common_words(tags: dict[str, str], name_tags: frozenset[str]) -> frozenset[str]:
    """Words of jieba's dictionary (2+ characters) tagged as anything but a name (verbs, nouns, adverbs …).

    Read from the dictionary file (a lookup table, not posseg): a transliterated name (左肉拉提, 别里里) is made
    of syllables that are unknown or tagged as names; 提升口岸, 互市政策 are not names.
    """
    return frozenset(w for w, t in tags.items() if len(w) > 1 and t not in name_tags)


def _index(label: dict[str, str], rule: dict[str, str]) -> dict:
    """The look-up tables that replace a PhraseMatcher over every name (``Gazetteer.cut/first/pairs``).

    A name matches where its characters stand as whole words cut as jieba cuts the name alone (as
    ``nlp.make_doc(name)`` makes a phrase pattern): its boundary mask equals the document's over the span.
    """
    cut: dict[str, tuple[bytes, int, str, str]] = {}
    first: dict[str, int] = {}
    for name in sorted(label):
        mask = bytearray(len(name) + 1)
        words = cut_spans(name)
        for s, e in words:
            mask[s] = mask[e] = 1
        cut[name] = (bytes(mask), len(words), label[name], rule[name])
        head = name[:words[0][1]]
        first[head] = max(first.get(head, 0), len(words))
    one = {head: cut[head][2:] if head in cut and cut[head][1] == 1 else (None, None) for head in first}
    return {"cut": cut, "first": {head: (k, *one[head]) for head, k in first.items()}, "pairs": pair_bits(list(cut))}


def matches(gaz: Gazetteer, text: str, bnd: bytearray, pairs: Pairs) -> list[Cand]:
    """Every gazetteer name standing as whole words, overlaps resolved like spaCy's EntityRuler: most words
    first, then leftmost; a match touching a taken one is dropped.  Same answer as a PhraseMatcher (ORTH) over
    the whole document, found by dictionary look-ups where the first two characters may start a name."""
    n = len(text)
    if n < 2:
        return []
    first, cut = gaz.first, gaz.cut
    found: list[Cand] = []  # in text order, their word counts in ``counts`` (read when two overlap)
    counts: list[int] = []
    last = 0
    overlap = False
    for p, e in zip(*word_starts(bnd, pairs.starts(gaz.pairs)), strict=True):
        got = first.get(text[p:e])
        if got is None:
            continue
        k, lab, rul = got
        if lab is not None:
            found.append(Cand(p, e, lab, rul))
            counts.append(1)
            overlap |= p < last
            last = e
        if k == 1:
            continue  # the usual case: no name of more words starts so
        for words in range(2, k + 1):  # the names of 2 … k words from p
            if e >= n:
                break
            e = bnd.find(1, e + 1)
            hit = cut.get(text[p:e])
            if hit is not None and hit[1] == words and bnd[p:e + 1] == hit[0]:
                found.append(Cand(p, e, hit[2], hit[3]))
                counts.append(words)
                overlap |= p < last
                last = e
    return _ruler_resolve(found, counts, n) if overlap else found


_BY_START = operator.attrgetter("start")


def _ruler_resolve(found: list[Cand], counts: list[int], n: int) -> list[Cand]:
    """The EntityRuler's choice among overlapping matches (``counts``: their word counts): most words first,
    then leftmost (then shortest: no two share a start and an end); a match whose first or last character is
    taken is dropped.  Kept ones in text order."""
    taken = bytearray(n + 1)
    keep = []
    for i in sorted(range(len(found)), key=lambda i: (-counts[i], found[i].start, found[i].end)):
        m = found[i]
        s, e = m.start, m.end
        if not taken[s] and not taken[e - 1]:
            keep.append(m)
            taken[s:e] = b"\x01" * (e - s)
    keep.sort(key=_BY_START)
    return keep
