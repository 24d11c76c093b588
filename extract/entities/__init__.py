"""Entities: PERSON, ORG, LOC, WORK, EVENT, PRODUCT, TITLE, CURRENCY (issue 5).

No pretrained Chinese model can be used here, so rules carry the work; the words, character classes and
patterns are the lexicon of ``rules/entities/*.toml`` (and the gazetteers), the code is the mechanism:

* :mod:`.gazetteer`: known names standing as whole words (files and jieba's place names);
* :mod:`.orgs` and :mod:`.places`: names grown left from a suffix up to a barrier (:mod:`.barriers`),
  built on the known names before them (:mod:`.context` keeps these anchors);
* :mod:`.persons`: names after job titles, in bylines, with a dot, and their other mentions;
* :mod:`.untitled`: names without a title (before a speech verb, anonymised, listed, known to jieba's dictionary);
* :mod:`.works`: titles in 《》 (spaCy's Matcher over the project's jieba words) and events;
* :mod:`.resolve`: overlaps resolve by the rule's tier, then the longer span, then the rule's source.

Every record carries the name of the rule that made it (``rule``) and, as before, its ``source``.
The words are kept as a boundary mask (:mod:`.words`), and barriers, character classes and the literal-word
scans are array operations, so the cost follows the hits.
"""

from __future__ import annotations

import operator
import re
from functools import cache

import numpy as np

from extract.entities.candidate import Cand
from extract.entities.context import Ctx
from extract.entities.gazetteer import matches as gazetteer_matches
from extract.entities.lexicon import rules
from extract.entities.mentions import expand
from extract.entities.orgs import org_cands
from extract.entities.persons import byline_persons, dot_persons, propagate, title_persons
from extract.entities.places import admin_cands, dictionary_places, facility_cands, loc_cands, not_places
from extract.entities.resolve import beside, resolve, resolve_taken
from extract.entities.untitled import (
    anonymised_persons,
    dictionary_persons,
    list_persons,
    speaker_persons,
    subject_persons,
)
from extract.entities.words import Pairs, boundaries, codes, pair_bits, scan, trie_pattern
from extract.entities.works import event_cands, work_matches
from extract.model import Doc, Entity
from extract.numbers import currency_names
from extract.spans import Taken

__all__ = ["extract", "find", "rules"]

_POSITION_ORDER = operator.attrgetter("start", "end", "label")
# a candidate's fields as ``_records`` reads them: one C-level call per candidate, no bytecode per field
_RECORD_FIELDS = operator.attrgetter("start", "end", "label", "title", "org", "rule", "norm", "canonical")


def find(doc: Doc) -> list[Cand]:
    """All entity spans of a segmented document, overlaps resolved (no corrupt spans)."""
    return _find(doc)[0]


def _find(doc: Doc) -> tuple[list[Cand], Pairs | None]:
    """``find``, and the character pairs of the text (None when it is empty): :func:`extract` scans the currency
    names with them, so the pairs are made once a document.

    The order of the rules matters: organisations before places before persons, as each reads the anchors the
    earlier ones added (喀什海关|物流监管处, then its 副处长).
    """
    text = doc.text
    if not text:
        return [], None
    r = rules()
    bnd = boundaries(doc)
    points = codes(text)
    pairs = Pairs(points)
    gaz = not_places(r, text, gazetteer_matches(r.gaz, text, bnd, pairs))
    works = work_matches(r, doc, bnd)
    ctx = Ctx(r, text, gaz, bnd, points, pairs)
    admins = admin_cands(ctx)
    orgs = org_cands(ctx)
    locs = loc_cands(ctx)
    locs += facility_cands(ctx) + dictionary_places(ctx)
    persons = title_persons(ctx) + byline_persons(ctx) + dot_persons(ctx)
    titles = [c for c in persons if c.label == "TITLE"]
    persons = [c for c in persons if c.label == "PERSON"]
    persons += [c for c in gaz if c.label == "PERSON"]
    persons += speaker_persons(ctx) + anonymised_persons(ctx) + dictionary_persons(ctx, points)
    persons += subject_persons(ctx, points, orgs)
    persons += list_persons(ctx, persons)
    cands = gaz + admins + orgs + locs + event_cands(ctx) + works + persons + propagate(r, text, persons)
    ents = expand(ctx, *resolve_taken(r, cands, len(text)))
    if titles:  # titles live beside persons (they never overlap the name), resolved among themselves
        ents += beside(ents, resolve(r, titles, len(text)))
    if doc.corrupt:
        ents = [c for c in ents if not doc.is_corrupt(c.start, c.end)]
    ents.sort(key=_POSITION_ORDER)
    return ents, pairs


def extract(doc: Doc) -> list[Entity]:
    """Entity records of a segmented document, in text order (currency names standing alone included); mentions
    of one thing share an ``entity_id`` and a ``canonical`` name (:mod:`.mentions`)."""
    ents, pairs = _find(doc)
    found = list(map(_RECORD_FIELDS, ents))
    if pairs is not None:
        found = _with_currencies(doc, found, pairs)
    return _records(doc, found)


def _records(doc: Doc, found: list[tuple]) -> list[Entity]:
    """The records of ``found`` ``(start, end, label, title, org, rule, norm, canonical)``, entities numbered by
    first mention.  A mention's entity is its label and canonical name: an alias's full name, a place's full name
    in the place lists, else its text (a place named by its short form and its full name is one entity).  One pass:
    each mention's text is cut once for its record and its key."""
    r = rules()
    source, canonical_of = r.source, r.gaz.canonical
    text, doc_id = doc.text, doc.doc_id
    assert doc.mapped is not None
    raw = doc.mapped.raw_spans(list(map(_FIRST, found)), list(map(_SECOND, found)))
    mention, thing = f"{doc_id}:e", f"{doc_id}:n"  # the ids' prefixes, made once (same strings as f"{doc_id}:e{i}")
    keys: dict[tuple[str, str], int] = {}
    out = []
    for i, ((s, e, label, title, org, rule, norm, canonical), (rs, re_)) in enumerate(zip(found, raw, strict=True)):
        name = text[s:e]
        full = canonical or canonical_of.get(name, name)
        k = keys.setdefault((label, full), len(keys))
        out.append(Entity(doc_id, mention + str(i), name, s, e, rs, re_, label, title, org, source[rule], norm, rule,
                          thing + str(k), full))
    return out


_START_END = operator.itemgetter(0, 1)
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


@cache
def _currency_scanner() -> tuple[re.Pattern[str], np.ndarray, dict[str, str]]:
    """The numbers stage's currency names (all of 2+ characters) as a trie regex, with the table of their first
    character pairs.  The numbers stage's pattern is their literal alternation, longest first; the trie matches the
    same (the longest name at a position) without trying the names one by one wherever a pair lets it try."""
    _, names = currency_names()
    return re.compile(trie_pattern(list(names))), pair_bits(list(names)), names


def _with_currencies(doc: Doc, found: list[tuple], pairs: Pairs) -> list[tuple]:
    """``found`` with the currency names that overlap no quantity, entity or corrupt span (in text order).

    The same answer as ``find_currency_mentions(text, taken)`` for less: the names are tried only where their
    first two characters stand (``words.scan``: a regex over 271 names at every character cost more than the
    rest of this function), and, a currency name being rare, the taken spans are read only when there is one."""
    pattern, bits, names = _currency_scanner()
    currencies = [(m.start(), m.end(), names[m.group()]) for m in scan(pattern, bits, doc.text, pairs)]
    if not currencies:
        return found
    work = rules().work
    taken = Taken([(q.start, q.end) for q in doc.quantities] + [(f[0], f[1]) for f in found] + list(doc.corrupt))
    found = found + [(s, e, work.currency_label, None, None, work.rule_currency, code, None)
                     for s, e, code in currencies if not taken.overlaps(s, e)]
    found.sort(key=_START_END)
    return found


