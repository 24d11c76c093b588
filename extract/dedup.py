"""Repeated passages inside a document, and versions of one article across documents (issue 6).

Two scales, two tools:

* **Passages** (:func:`dedup_passages`): page extraction repeats whole blocks, single paragraphs
  and the tails of broken paragraphs.  Each paragraph is compared on a *key* (letters and digits
  only, lower-cased) so punctuation width, whitespace and a broken line cannot hide a repeat.
  A paragraph is dropped when its key equals an earlier one, occurs inside the running text of
  the earlier kept paragraphs (this also catches a repeat whose first copy was broken over two
  lines), is a near-exact copy (similarity >= 0.9) of an earlier one, or lies inside a strictly
  larger later paragraph (a fragment of a passage given whole elsewhere).  A long repeated head
  or tail of a paragraph (a fragment glued to an unrelated line) is cut.  Deletions go through
  ``MappedText.delete_spans`` and each is recorded in ``doc.removed``.

* **Documents** (:class:`Clusterer`, :func:`cluster`): MinHash sketches of character 5-gram
  shingles of the key, indexed with MinHash LSH (datasketch's banding: bands and rows as its
  ``MinHashLSH`` chooses them, candidates = documents sharing a whole band), so each new document
  costs one sketch and a few bucket look-ups (linear in the corpus), never a comparison with every
  other document.  Candidates are verified on the estimated Jaccard similarity (``threshold``); the
  verified pairs are joined with union-find.  Only sketches (stored by column, about 1.9 KB a
  document) stay in memory, and they can be persisted for incremental runs.  The bucket storage is
  our own (:class:`_BandIndex`): datasketch's in-memory storage costs about 13 KB a document.

The canonical version of a cluster (``duplicate_of`` of the others) is, by rule, the member with
the most *clean* key characters (characters outside spans marked corrupt: the most complete and
least corrupted text); ties go to fewer corrupted characters, then fewer removed repeats, then the
smaller doc_id (deterministic).
"""

from __future__ import annotations

import bisect
import hashlib
import pickle
import re
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, cached_property
from pathlib import Path

import numpy as np
from datasketch import MinHashLSH

from extract.model import Doc, Removed, Span

# --- keys -------------------------------------------------------------------------------------------

_WORD_RUN = re.compile(r"[^\W_]+")

# Passage thresholds (in key characters).  Short lines (bylines, "图为…") repeat legitimately less
# often than they repeat by accident, but below ~6 characters a repeat is more likely a list item.
MIN_EXACT = 6  # exact repeat of an earlier paragraph
MIN_CONTAIN = 12  # paragraph contained in earlier text or in a larger later paragraph
MIN_NEAR = 30  # near-exact repeat (edit-level differences)
NEAR_RATIO = 0.9  # SequenceMatcher ratio for a near-exact repeat
MIN_PART = 30  # repeated head/tail cut from a paragraph
_SENTENCE_END = set("。！？!?；;…”」』）)")


def key(text: str) -> str:
    """Letters and digits only, lower-cased: what a repeat is compared on (joining the word runs: a little
    faster than deleting the others)."""
    return "".join(_WORD_RUN.findall(text)).lower()


def key_positions(text: str) -> list[int]:
    """Index in ``text`` of each character of ``key(text)``."""
    out: list[int] = []
    for m in _WORD_RUN.finditer(text):
        out.extend(range(m.start(), m.end()))
    return out


def lines(text: str) -> list[Span]:
    """Non-empty lines stripped of surrounding blanks (the normalised text has one paragraph a line)."""
    out: list[Span] = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


# --- passages ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Drop:
    start: int
    end: int
    para: int
    note: str
    whole: bool  # the whole paragraph (also delete its line break)


Shingles = np.ndarray | set  # sorted distinct 4-gram codes, or a set of them for keys beyond the BMP


def _shingles(k: str) -> Shingles:
    """The distinct character 4-grams of a key, coded as ints: a sorted uint64 array (a set in rare cases).

    Why not a set of strings: slicing hundreds of 4-character strings per paragraph was most of the
    passage step.  A 4-gram of BMP characters is its 8 UTF-16 bytes read as one little-endian uint64 (an
    overlapping view of the encoded key, stride 2: no Python loop).  A key with characters beyond the BMP
    gets a set, where a 4-gram holding one stays a string.  The code is one-to-one, so sizes and
    intersections are those of the string 4-grams.
    """
    if len(k) < 4:
        return {k}
    b = k.encode("utf-16-le", "surrogatepass")
    if len(b) != 2 * len(k):
        return {_gram_code(k[i:i + 4]) for i in range(len(k) - 3)}
    h = np.sort(np.ndarray((len(k) - 3,), dtype="<u8", buffer=b, strides=(2,)))
    return h[np.concatenate(([True], h[1:] != h[:-1]))]


def _gram_code(g: str) -> int | str:
    """One 4-gram as :func:`_shingles` codes it (this path: keys with characters beyond the BMP)."""
    b = g.encode("utf-16-le", "surrogatepass")
    return int.from_bytes(b, "little") if len(b) == 8 else g


def _common(a: Shingles, b: Shingles) -> int:
    """Size of the intersection of two shingle collections (each free of duplicates)."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        both = np.concatenate((a, b))
        both.sort()
        return int(np.count_nonzero(both[1:] == both[:-1]))
    return len(_as_set(a) & _as_set(b))


def _as_set(s: Shingles) -> set:
    return set(s.tolist()) if isinstance(s, np.ndarray) else s


def _overlaps(spans: list[Span], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def _longest_affix_in(k: str, hay: str, suffix: bool) -> int:
    """Length of the longest suffix (or prefix) of ``k`` found in ``hay`` (containment is monotone)."""
    lo, hi = 0, len(k)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        part = k[len(k) - mid:] if suffix else k[:mid]
        if part in hay:
            lo = mid
        else:
            hi = mid - 1
    return lo


def find_repeats(text: str, corrupt: list[Span] | None = None) -> list[_Drop]:
    """Decide which paragraphs (or paragraph heads/tails) of ``text`` repeat other text of it."""
    corrupt = corrupt or []
    paras = lines(text)
    if not paras:
        return []
    keys = [key(text[s:e]) for s, e in paras]
    kept_stream = ""  # keys of the kept paragraphs so far, end to end (a broken line cannot hide a repeat)
    kept_starts: list[int] = []
    kept_ids: list[int] = []
    exact: dict[str, int] = {}
    near = _NearIndex(keys)
    drops: dict[int, _Drop] = {}

    def keep(i: int) -> None:
        nonlocal kept_stream
        kept_starts.append(len(kept_stream))
        kept_ids.append(i)
        kept_stream += keys[i]
        exact.setdefault(keys[i], i)
        if len(keys[i]) >= MIN_NEAR:
            near.add(i)

    def drop(i: int, note: str) -> None:
        s, e = paras[i]
        drops[i] = _Drop(s, e, i, note, True)

    for i, k in enumerate(keys):
        n = len(k)
        if n < MIN_EXACT:
            keep(i)
            continue
        if k in exact:
            drop(i, f"repeat of paragraph {exact[k] + 1}")
            continue
        if n >= MIN_CONTAIN:
            at = kept_stream.find(k)
            if at >= 0:
                j = kept_ids[bisect.bisect_right(kept_starts, at) - 1]
                drop(i, f"repeat of paragraph {j + 1}")
                continue
        if n >= MIN_NEAR:
            best, best_r = near.best(i)
            if best is not None:
                s_i, e_i = paras[i]
                s_j, e_j = paras[best]
                if _overlaps(corrupt, s_j, e_j) and not _overlaps(corrupt, s_i, e_i):
                    # keep the clean copy: drop the corrupted earlier one instead
                    drops[best] = _Drop(s_j, e_j, best, f"corrupted near repeat of paragraph {i + 1} "
                                        f"(similarity {best_r:.2f})", True)
                    keep(i)
                else:
                    drop(i, f"near repeat of paragraph {best + 1} (similarity {best_r:.2f})")
                continue
        # a long repeated tail or head glued to this paragraph (broken line joined to the wrong line)
        if n > MIN_PART and kept_stream:
            part = _cut_affix(text, paras[i], k, kept_stream, kept_starts, kept_ids)
            if part is not None:
                drops[i] = _Drop(part[0], part[1], i, part[2], False)
        keep(i)
    _fragments_of_larger(text, paras, keys, drops)
    return [drops[i] for i in sorted(drops)]


def _fragments_of_larger(text: str, paras: list[Span], keys: list[str], drops: dict[int, _Drop]) -> None:
    """Drop a kept fragment whose key lies inside a strictly larger kept paragraph (the whole passage stays).

    Run after the forward pass, so a passage that merely repeats earlier text cannot be the reason
    to drop the earlier one.  Only for text that reads as a sentence: a heading or title is often
    quoted later in the body.
    """
    kept = [i for i in range(len(keys)) if i not in drops]
    starts: list[int] = []
    pos = 0
    for i in kept:
        starts.append(pos)
        pos += len(keys[i]) + 1
    joined = "\x00".join(keys[i] for i in kept)
    for i in kept:
        k = keys[i]
        n = len(k)
        if n < MIN_CONTAIN or not (n >= MIN_NEAR or text[paras[i][1] - 1] in _SENTENCE_END):
            continue
        at = joined.find(k)
        while at >= 0:
            j = kept[bisect.bisect_right(starts, at) - 1]
            if j != i and len(keys[j]) > n and j not in drops:
                s, e = paras[i]
                drops[i] = _Drop(s, e, i, f"part of paragraph {j + 1}", True)
                break
            at = joined.find(k, at + 1)


class _NearIndex:
    """Earlier kept long paragraphs, for the near-repeat test (shingle sets built only when a length fits).

    A paragraph has a few dozen kept long neighbours at most, so scanning them in order with a cheap
    length filter and a set intersection (in C) costs far less than maintaining an inverted index of
    every 4-gram; the candidates, their order and the scores are the same.
    """

    __slots__ = ("keys", "ids", "sets")

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self.ids: list[int] = []  # ascending: paragraphs are kept in text order
        self.sets: dict[int, Shingles] = {}

    def add(self, i: int) -> None:
        self.ids.append(i)

    def best(self, i: int) -> tuple[int | None, float]:
        """Best earlier kept paragraph that paragraph ``i`` nearly repeats (similarity >= NEAR_RATIO), else None.

        The shingle set of ``i`` is kept: if ``i`` is kept too, later paragraphs compare with the same set.
        """
        k = self.keys[i]
        n = len(k)
        mine: Shingles | None = None
        best, best_r = None, 0.0
        for j in self.ids:
            kj = self.keys[j]
            lj = len(kj)
            if not 0.8 <= lj / n <= 1.25:
                continue
            if mine is None:
                mine = self.shingles(i)
            other = self.shingles(j)
            inter = _common(mine, other)
            if not inter or inter / (len(mine) + max(1, lj - 3) - inter) < 0.5:
                continue
            r = SequenceMatcher(None, k, kj, autojunk=False).ratio()
            if r >= NEAR_RATIO and r > best_r:
                best, best_r = j, r
        return best, best_r

    def shingles(self, i: int) -> Shingles:
        """Shingle set of paragraph ``i``, built once."""
        s = self.sets.get(i)
        if s is None:
            s = self.sets[i] = _shingles(self.keys[i])
        return s


def _cut_affix(text: str, para: Span, k: str, stream: str, starts: list[int],
               ids: list[int]) -> tuple[int, int, str] | None:
    """Span of a long head or tail of ``para`` that repeats earlier kept text, if any."""
    s, e = para
    # one search each settles the common case (no repeated head or tail of the minimum length)
    tail = _longest_affix_in(k, stream, suffix=True) if k[-MIN_PART:] in stream else 0
    head = _longest_affix_in(k, stream, suffix=False) if k[:MIN_PART] in stream else 0
    if max(tail, head) < MIN_PART:
        return None
    pos = key_positions(text[s:e])
    if tail >= head:
        part = k[len(k) - tail:]
        j = ids[bisect.bisect_right(starts, stream.find(part)) - 1]
        cut_s = s + pos[len(k) - tail]
        return cut_s, e, f"repeated tail of paragraph {j + 1}"
    part = k[:head]
    j = ids[bisect.bisect_right(starts, stream.find(part)) - 1]
    cut_e = s + pos[head - 1] + 1
    nxt = pos[head] + s if head < len(pos) else e
    return s, max(cut_e, nxt), f"repeated head of paragraph {j + 1}"


def dedup_passages(doc: Doc) -> Doc:
    """Drop exact and near-exact repeats of earlier passages; record each in ``doc.removed``.

    Called on the normalised text before segmentation.  ``doc.corrupt`` and ``doc.captions`` are
    carried over the deletion through their raw spans (the one offset map), never shifted by hand.
    """
    if doc.mapped is None or not doc.text:
        return doc
    text = doc.text
    # before the pipeline brings them to text positions, mojibake marks live as raw spans in removed
    corrupt = doc.corrupt or doc.mapped.spans_from_raw(
        [(r.raw_start, r.raw_end) for r in doc.removed if r.kind == "mojibake"])
    drops = find_repeats(text, corrupt)
    if not drops:
        return doc
    n = len(text)
    spans: list[Span] = []
    for d in drops:
        s, e = d.start, d.end
        if d.whole:  # take the line break too, so no empty line is left behind
            e2 = e
            while e2 < n and text[e2].isspace():
                e2 += 1
            if e2 == n:
                while s > 0 and text[s - 1].isspace():
                    s -= 1
            else:
                e = e2
        spans.append((s, e))
        rs, re_ = doc.mapped.raw_span(d.start, d.end)
        doc.removed.append(Removed(kind="passage", text=text[d.start:d.end], raw_start=rs, raw_end=re_,
                                   note=d.note))
    spans.sort()
    merged: list[Span] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    raw_corrupt = [doc.mapped.raw_span(s, e) for s, e in doc.corrupt]
    raw_captions = [doc.mapped.raw_span(s, e) for s, e in doc.captions]
    doc.mapped = doc.mapped.delete_spans(merged)
    doc.corrupt = doc.mapped.spans_from_raw(raw_corrupt) if raw_corrupt else []
    doc.captions = doc.mapped.spans_from_raw(raw_captions) if raw_captions else []
    doc.paragraphs, doc.sentences, doc.tokens = [], [], []
    if "repeated_passages" not in doc.flags:
        doc.flags.append("repeated_passages")
    return doc


# --- documents --------------------------------------------------------------------------------------

# Chosen on measured data (benchmarks/bench_dedup.py and the sample corpus): on character 5-gram
# shingles, the two versions of the sample article score 0.89, unrelated articles on the same topic
# (the other seeds, all about Xinjiang ports) 0.003-0.011; in the synthetic benchmark planted versions
# (typos, dropped/added/reordered sentences, repeats, truncation) score 0.25-1.0 and random pairs of
# distinct articles stay below 0.15.  0.4 sits in the empty gap with room on both sides.
DEFAULT_THRESHOLD = 0.4
SHINGLE = 5
NUM_PERM = 128
_SEED = 20240601
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_CHUNK = 256  # shingles per block of the sketch computation (its three 128 x 256 arrays stay in L2)


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 finaliser: spreads the rolling hash over all 64 bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB93FE53BCA63)
    return h ^ (h >> np.uint64(33))


def shingle_hashes(k: str, size: int = SHINGLE) -> np.ndarray:
    """Distinct 64-bit hashes of the character ``size``-grams of a key, vectorised (deterministic across runs)."""
    if not k:
        return np.zeros(0, dtype=np.uint64)
    cps = np.frombuffer(k.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cps) < size:
        size = len(cps)
    n = len(cps) - size + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(size):  # array arithmetic wraps modulo 2**64 silently
        h = h * np.uint64(1_000_003) + cps[j:j + n]
    h = np.sort(_fmix64(h))
    if len(h) > 1:  # distinct values (np.unique's hash table costs more than this on a sorted array)
        h = h[np.concatenate(([True], h[1:] != h[:-1]))]
    return h


class Sketcher:
    """MinHash of a key: ``num_perm`` affine permutations of the shingle hashes, minimum of each.

    The same arithmetic as datasketch's ``MinHash`` with the "affine64" scheme (``a*h + b`` modulo
    2**64, ``a`` odd) applied to all shingles at once.  datasketch's ``update_batch`` would still call
    a hash function per shingle in Python; here the shingle hashes come from one vectorised rolling
    hash.  Changing to datasketch's hashing would change every sketch (and the similarities written
    in the output), so the sketch stays as it was measured (see DEFAULT_THRESHOLD).
    """

    def __init__(self, num_perm: int = NUM_PERM, seed: int = _SEED, shingle: int = SHINGLE) -> None:
        rng = np.random.RandomState(seed)
        self.num_perm = num_perm
        self.shingle = shingle
        self.a = (rng.randint(0, 1 << 62, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1))
        self.b = rng.randint(0, 1 << 62, num_perm, dtype=np.uint64)

    def __call__(self, k: str) -> tuple[np.ndarray, int]:
        """(hash values, number of distinct shingles)."""
        hv = shingle_hashes(k, self.shingle)
        out = np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        if not len(hv):
            return out, 0
        # permutations by rows, shingles by columns: the minimum runs along contiguous memory, in place,
        # in chunks (bounded memory on long documents); about 4x faster than the shingle-major layout
        buf = np.empty((self.num_perm, min(_CHUNK, len(hv))), dtype=np.uint64)
        a, b = self._tiles
        for i in range(0, len(hv), _CHUNK):
            h = hv[i:i + _CHUNK]
            w = len(h)
            m = buf[:, :w]
            np.multiply(a[:, :w], h[None, :], out=m)
            np.add(m, b[:, :w], out=m)
            np.minimum(out, m.min(axis=1), out=out)
        return out, int(len(hv))

    @cached_property
    def _tiles(self) -> tuple[np.ndarray, np.ndarray]:
        """``a`` and ``b`` repeated along a chunk's width (2 x 256 KB, once per process).

        numpy's uint64 multiply and add run about 1.5x faster on two arrays that are both contiguous along
        the inner loop than on a column broadcast along it (stride 0): same arithmetic, same result.
        """
        shape = (self.num_perm, _CHUNK)
        return (np.ascontiguousarray(np.broadcast_to(self.a[:, None], shape)),
                np.ascontiguousarray(np.broadcast_to(self.b[:, None], shape)))


@dataclass(slots=True)
class DocSketch:
    """What the clusterer keeps of a document: its sketch and the counts the canonical rule needs."""

    doc_id: str
    hashvalues: np.ndarray
    shingles: int
    chars: int  # key characters
    corrupt: int  # key characters inside corrupt spans
    repeats: int  # removed passages
    digest: str  # hash of the key: exact duplicates


def jaccard(a: DocSketch, b: DocSketch) -> float:
    """Estimated Jaccard similarity of the shingle sets."""
    if a.digest == b.digest:
        return 1.0
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / len(a.hashvalues)


def containment(a: DocSketch, b: DocSketch) -> float:
    """Estimated share of the smaller shingle set found in the larger one (from Jaccard and sizes)."""
    j = jaccard(a, b)
    small = min(a.shingles, b.shingles)
    if small == 0:
        return 0.0
    inter = j * (a.shingles + b.shingles) / (1 + j)
    return min(1.0, inter / small)


@cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) for an LSH threshold, exactly as datasketch's MinHashLSH chooses them.

    The banding scheme (and so the candidate pairs) is datasketch's MinHash LSH; only the bucket
    storage is ours (see :class:`_BandIndex`).
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


_BAND_SALT = np.uint64(0x9E3779B97F4A7C15)


def band_keys(hv: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per LSH band of each sketch row (band number mixed in: one key space for all bands).

    ``hv`` is ``(num_perm,)`` or ``(n, num_perm)``; band ``i`` is ``hv[..., i*rows:(i+1)*rows]`` as in datasketch.
    Two sketches whose band values are equal get equal keys; a key collision of different values only
    adds a candidate, which :meth:`Clusterer.add_sketch` rejects by comparing the band values themselves.
    """
    part = hv[..., :bands * rows].reshape(*hv.shape[:-1], bands, rows)
    h = np.arange(1, bands + 1, dtype=np.uint64) * _BAND_SALT
    for j in range(rows):
        h = _fmix64(h ^ part[..., j])
    return h


class _BandIndex:
    """LSH buckets: band key -> doc numbers, in sorted numpy runs plus a small dict of recent inserts.

    Why not datasketch's ``MinHashLSH`` storage: it keeps, per document and band, a bytes key, a
    Python set and a dict entry (about 13 KB a document at 128 permutations), and the batch engine
    keeps one index over the whole run, so the main process grew with the corpus.  Here a document
    costs 12 bytes a band (a uint64 key and an int32 doc number) once its run is sorted; recent
    inserts wait in a dict of at most ``BUFFER`` documents, and sorted runs are merged like a binary
    counter, so there are O(log n) runs and each entry is re-sorted O(log n) times.
    """

    BUFFER = 256  # documents

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys uint64, doc numbers int32)
        self.recent: dict[int, list[int]] = {}
        self.pending: list[np.ndarray] = []
        self.pending_docs: list[int] = []

    def query(self, keys: np.ndarray) -> set[int]:
        """Doc numbers sharing at least one key."""
        out: set[int] = set()
        for rk, rd in self.runs:
            lo = np.searchsorted(rk, keys, "left")
            hi = np.searchsorted(rk, keys, "right")
            for a, b in zip(lo[hi > lo].tolist(), hi[hi > lo].tolist(), strict=True):
                out.update(rd[a:b].tolist())
        if self.recent:
            for k in keys.tolist():
                hit = self.recent.get(k)
                if hit is not None:
                    out.update(hit)
        return out

    def insert(self, keys: np.ndarray, doc: int) -> None:
        for k in keys.tolist():
            self.recent.setdefault(k, []).append(doc)
        self.pending.append(keys)
        self.pending_docs.append(doc)
        if len(self.pending_docs) >= self.BUFFER:
            self.flush()

    def insert_many(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """Index ``keys[i]`` (one row of band keys) for ``docs[i]`` in one sorted run (loading)."""
        self.flush()
        if len(docs):
            self._add_run(keys.reshape(-1), np.repeat(docs.astype(np.int32), keys.shape[1]))

    def flush(self) -> None:
        if not self.pending_docs:
            return
        keys = np.concatenate(self.pending)
        docs = np.repeat(np.asarray(self.pending_docs, dtype=np.int32), len(self.pending[0]))
        self.pending, self.pending_docs, self.recent = [], [], {}
        self._add_run(keys, docs)

    def _add_run(self, keys: np.ndarray, docs: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.runs.append((keys[order], docs[order]))
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= len(self.runs[-1][0]):
            (k2, d2), (k1, d1) = self.runs.pop(), self.runs.pop()
            keys, docs = np.concatenate([k1, k2]), np.concatenate([d1, d2])
            order = np.argsort(keys, kind="stable")
            self.runs.append((keys[order], docs[order]))


class _Sketches(Mapping):
    """Read-only ``doc_id -> DocSketch`` view of a :class:`Clusterer` (the sketches are stored by column)."""

    def __init__(self, owner: Clusterer) -> None:
        self._c = owner

    def __getitem__(self, doc_id: str) -> DocSketch:
        return self._c._sketch(self._c._pos[doc_id])

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._c._pos

    def __iter__(self) -> Iterator[str]:
        return iter(self._c._ids)

    def __len__(self) -> int:
        return len(self._c._ids)


class Clusterer:
    """Streaming near-duplicate clustering: add documents one by one; persist and reload the sketches.

    Only sketches stay in memory, by column: the hash values in blocks of a uint64 matrix (8 bytes a
    permutation), the counts in arrays, the union-find parents in an int array, plus the LSH band
    index (12 bytes a band): about 1.7 KB a document at 128 permutations.
    """

    _BLOCK = 1024  # sketch rows per block of the hash value matrix

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM, shingle: int = SHINGLE) -> None:
        self.threshold = threshold
        self.sketcher = Sketcher(num_perm=num_perm, shingle=shingle)
        # candidates from a slightly lower LSH threshold, so pairs just above `threshold` are not missed
        self.bands, self.rows = lsh_params(max(0.05, threshold - 0.1), num_perm)
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._digests: list[str] = []
        self._blocks: list[np.ndarray] = []
        self._counts = {name: array("q") for name in ("shingles", "chars", "corrupt", "repeats")}
        self._parent = array("q")
        self.by_digest: dict[str, str] = {}
        self.index = _BandIndex()
        self.sketches: Mapping[str, DocSketch] = _Sketches(self)

    # storage
    def _row(self, i: int) -> np.ndarray:
        return self._blocks[i // self._BLOCK][i % self._BLOCK]

    def _sketch(self, i: int) -> DocSketch:
        c = self._counts
        return DocSketch(self._ids[i], self._row(i).copy(), c["shingles"][i], c["chars"][i], c["corrupt"][i],
                         c["repeats"][i], self._digests[i])

    def _append(self, sk: DocSketch) -> int:
        i = len(self._ids)
        if i % self._BLOCK == 0:
            self._blocks.append(np.empty((self._BLOCK, self.sketcher.num_perm), dtype=np.uint64))
        self._row(i)[:] = sk.hashvalues
        self._ids.append(sk.doc_id)
        self._pos[sk.doc_id] = i
        self._digests.append(sk.digest)
        for name, col in self._counts.items():
            col.append(int(getattr(sk, name)))
        self._parent.append(i)
        return i

    def _matrix(self) -> np.ndarray:
        n = len(self._ids)
        if not n:
            return np.zeros((0, self.sketcher.num_perm), dtype=np.uint64)
        return np.concatenate(self._blocks)[:n]

    # union-find over doc numbers (only membership matters: groups are ordered by the canonical rule)
    def _find(self, x: int) -> int:
        p = self._parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return root

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def sketch(self, doc_id: str, text: str, corrupt: list[Span] | None = None, repeats: int = 0) -> DocSketch:
        """The sketch of one document (the costly part of :meth:`add`, which workers do for the batch)."""
        k = key(text)
        bad = sum(len(key(text[s:e])) for s, e in (corrupt or []))
        hv, n = self.sketcher(k)
        digest = hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return DocSketch(doc_id, hv, n, len(k), bad, repeats, digest)

    def add(self, doc_id: str, text: str, corrupt: list[Span] | None = None, repeats: int = 0) -> list[str]:
        """Index one document; returns the already indexed doc_ids it was found to duplicate."""
        if doc_id in self._pos:
            return []
        return self.add_sketch(self.sketch(doc_id, text, corrupt, repeats))

    def add_sketch(self, sk: DocSketch) -> list[str]:
        """Index a precomputed sketch (used by :meth:`add` and by parallel callers); a known doc_id is ignored."""
        if sk.doc_id in self._pos:
            return []
        found: list[str] = []
        twin = self.by_digest.get(sk.digest)
        if twin is not None:
            found.append(twin)
        else:
            self.by_digest[sk.digest] = sk.doc_id
        hv = np.asarray(sk.hashvalues, dtype=np.uint64)
        keys = band_keys(hv, self.bands, self.rows) if sk.shingles else None
        if keys is not None:
            cands = self.index.query(keys)
            if cands:  # verify all candidates in one vectorised comparison
                nums = sorted(cands, key=self._ids.__getitem__)
                mat = np.stack([self._row(o) for o in nums])
                width = self.bands * self.rows
                same_band = (mat[:, :width].reshape(len(nums), self.bands, self.rows)
                             == hv[:width].reshape(self.bands, self.rows)).all(axis=2).any(axis=1)
                sims = (mat == hv).sum(axis=1) / len(hv)
                for o, ok, sim in zip(nums, same_band.tolist(), sims.tolist(), strict=True):
                    if ok and sim >= self.threshold and self._ids[o] not in found:
                        found.append(self._ids[o])
        i = self._append(sk)
        if keys is not None:
            self.index.insert(keys, i)
        for other in found:
            self._union(i, self._pos[other])
        return found

    def _rank(self, i: int) -> tuple[int, int, int, str]:
        """The canonical rule: most clean characters, then fewest corrupt, fewest repeats, smallest id."""
        c = self._counts
        return (-(c["chars"][i] - c["corrupt"][i]), c["corrupt"][i], c["repeats"][i], self._ids[i])

    def clusters(self) -> dict[str, list[str]]:
        """Canonical doc_id -> members (canonical first, then by doc_id)."""
        groups: dict[int, list[int]] = {}
        for i in range(len(self._ids)):
            groups.setdefault(self._find(i), []).append(i)
        out: dict[str, list[str]] = {}
        for members in groups.values():
            if len(members) == 1:
                out[self._ids[members[0]]] = [self._ids[members[0]]]
                continue
            members.sort(key=self._rank)
            out[self._ids[members[0]]] = [self._ids[m] for m in members]
        return dict(sorted(out.items()))

    def similarity(self, a: str, b: str) -> dict[str, float]:
        """Estimated Jaccard and containment of two indexed documents."""
        sa, sb = self.sketches[a], self.sketches[b]
        return {"jaccard": round(jaccard(sa, sb), 4), "containment": round(containment(sa, sb), 4)}

    def persist(self, path: str | Path) -> None:
        """Save sketches and cluster links (no text) for the next incremental run; the index is rebuilt on load."""
        state = {"version": 2, "threshold": self.threshold, "num_perm": self.sketcher.num_perm,
                 "shingle": self.sketcher.shingle, "ids": self._ids, "digests": self._digests,
                 "hashvalues": self._matrix(), "counts": {k: v.tobytes() for k, v in self._counts.items()},
                 "parent": self._parent.tobytes()}
        Path(path).write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: str | Path) -> Clusterer:
        state = pickle.loads(Path(path).read_bytes())
        c = cls(threshold=state["threshold"], num_perm=state["num_perm"], shingle=state["shingle"])
        if state.get("version") == 1:  # datasketch index of earlier runs: keep the sketches and the links
            old: dict[str, DocSketch] = state["sketches"]
            for sk in old.values():
                c._append(sk)
                c.by_digest.setdefault(sk.digest, sk.doc_id)
            parent = array("q", (c._pos[state["parent"][d]] for d in c._ids))
        else:
            mat = state["hashvalues"]
            counts = {k: array("q", v) for k, v in state["counts"].items()}
            names = ("shingles", "chars", "corrupt", "repeats")
            for i, (d, dg) in enumerate(zip(state["ids"], state["digests"], strict=True)):
                c._append(DocSketch(d, mat[i], *(counts[k][i] for k in names), dg))
                c.by_digest.setdefault(dg, d)
            parent = array("q", state["parent"])
        c._parent = parent
        live = np.flatnonzero(np.frombuffer(c._counts["shingles"].tobytes(), dtype=np.int64) > 0)
        if len(live):
            c.index.insert_many(band_keys(c._matrix()[live], c.bands, c.rows), live)
        return c


def cluster(docs: list[Doc], threshold: float | None = DEFAULT_THRESHOLD, clusterer: Clusterer | None = None) -> dict:
    """Set ``cluster_id`` (the canonical doc_id), ``duplicate_of`` and ``cluster_similarity`` on every doc.

    Returns ``{canonical: [{"doc_id", "jaccard", "containment"}, ...]}`` for reporting.  Pass a loaded
    :class:`Clusterer` to cluster against documents of earlier runs.
    """
    c = clusterer or Clusterer(threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
    for d in docs:
        repeats = sum(1 for r in d.removed if r.kind == "passage")
        c.add(d.doc_id, d.text, d.corrupt, repeats)
    groups = c.clusters()
    canon_of = {m: canon for canon, members in groups.items() for m in members}
    for d in docs:
        canon = canon_of[d.doc_id]
        d.cluster_id = canon
        d.duplicate_of = None if canon == d.doc_id else canon
        d.cluster_similarity = c.similarity(d.doc_id, canon)["jaccard"] if len(groups[canon]) > 1 else None
    report: dict[str, list[dict]] = {}
    for canon, members in groups.items():
        report[canon] = [{"doc_id": m, **c.similarity(m, canon)} for m in members]
    return report
