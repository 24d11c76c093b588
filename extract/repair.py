"""Repair from versions: mend mojibake in one version of an article from a clean sibling.

Versions of one article (a near-duplicate cluster, :mod:`extract.dedup`) say the same thing;
where one of them has corrupted characters (mis-decoded bytes), the aligned sentence of a clean
version (:func:`extract.diff.align_docs`) gives the missing text.  Every repair goes through the
offset map and is listed in ``doc.removed``.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from extract.diff import align_docs
from extract.model import Doc, Removed, Span


def repair_from_versions(docs: list[Doc]) -> list[Doc]:
    """Replace corrupted (mojibake) spans by the aligned clean text of another version of the article.

    For each document with ``doc.corrupt`` spans and a sibling in its cluster, sentences are aligned
    (as for the version diff); where a corrupt span lies in a sentence whose partner is clean, the
    characters between the nearest agreeing anchors around the span are taken from the partner.
    Each repair is one ``MappedText.rewrite`` piece, recorded as ``Removed(kind="repair")``, and the
    repaired span leaves ``doc.corrupt``.  Returns the changed documents: the caller must segment and
    extract them again (their text changed).
    """
    by_cluster: dict[str, list[Doc]] = {}
    for d in docs:
        by_cluster.setdefault(d.cluster_id or d.doc_id, []).append(d)
    changed: list[Doc] = []
    for members in by_cluster.values():
        if len(members) < 2:
            continue
        for d in members:
            if not d.corrupt or d.mapped is None:
                continue
            pieces: dict[Span, str] = {}
            sources: dict[Span, str] = {}
            for o in members:
                if o is d or o.mapped is None:
                    continue
                for pair in align_docs(d, o):
                    if pair.old is None or pair.new is None:
                        continue
                    for span, repl in _repairs_in_pair(d, o, pair.old, pair.new):
                        if span not in pieces and not any(a < span[1] and span[0] < b for a, b in pieces):
                            pieces[span] = repl
                            sources[span] = o.doc_id
            if pieces:
                _apply_repairs(d, pieces, sources)
                changed.append(d)
    return changed


def _repairs_in_pair(d: Doc, o: Doc, ds: Span, os_: Span) -> list[tuple[Span, str]]:
    """(span of d.text, replacement from o) for each corrupt span of d inside the sentence ``ds``."""
    if o.is_corrupt(*os_):
        return []
    a = d.text[ds[0]:ds[1]]
    b = o.text[os_[0]:os_[1]]
    sm = SequenceMatcher(None, a, b, autojunk=False)
    blocks = [bl for bl in sm.get_matching_blocks() if bl.size]
    if not blocks or sum(bl.size for bl in blocks) < 0.5 * min(len(a), len(b)):
        return []
    out = []
    for cs, ce in d.corrupt:
        if not (ds[0] <= cs and ce <= ds[1]):
            continue
        ls, le = cs - ds[0], ce - ds[0]
        before = [bl for bl in blocks if bl.a + bl.size <= ls]
        after = [bl for bl in blocks if bl.a >= le]
        a0 = before[-1].a + before[-1].size if before else 0
        b0 = before[-1].b + before[-1].size if before else 0
        a1 = after[0].a if after else len(a)
        b1 = after[0].b if after else len(b)
        if b1 < b0 or (a1 - a0) > 3 * (b1 - b0) + 10:
            continue
        out.append(((ds[0] + a0, ds[0] + a1), b[b0:b1]))
    return out


def _apply_repairs(d: Doc, pieces: dict[Span, str], sources: dict[Span, str]) -> None:
    assert d.mapped is not None
    spans = sorted(pieces)
    for s, e in spans:
        rs, re_ = d.mapped.raw_span(s, e)
        d.removed.append(Removed(kind="repair", text=d.text[s:e], raw_start=rs, raw_end=re_,
                                 note=f"replaced by {pieces[(s, e)]!r} from version {sources[(s, e)]}"))
    keep = [c for c in d.corrupt if not any(s <= c[0] and c[1] <= e for s, e in spans)]
    raw_keep = [d.mapped.raw_span(s, e) for s, e in keep]
    d.mapped = d.mapped.rewrite([(s, e, pieces[(s, e)]) for s, e in spans])
    d.corrupt = d.mapped.spans_from_raw(raw_keep) if raw_keep else []
    d.paragraphs, d.sentences, d.tokens, d.word_cut = [], [], [], None
    if "repaired_from_versions" not in d.flags:
        d.flags.append("repaired_from_versions")
