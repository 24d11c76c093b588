"""Versions of one article across documents: near-duplicate clustering (issue 6).

MinHash sketches of character 5-gram shingles of the key (letters and digits only, lower-cased: the
key of :mod:`extract.passages`, which removes repeated passages *inside* a document), indexed with
MinHash LSH (datasketch's banding: bands and rows as its ``MinHashLSH`` chooses them, candidates =
documents sharing a whole band), so each new document costs one sketch and a few bucket look-ups
(linear in the corpus), never a comparison with every other document.  Candidates are verified on
the estimated Jaccard similarity (``threshold``); the verified pairs are joined with union-find.
Only sketches (stored by column, about 1.9 KB a document) stay in memory, and they can be persisted
for incremental runs.  The bucket storage is our own (:class:`_BandIndex`): datasketch's in-memory
storage costs about 13 KB a document.

The canonical version of a cluster (``duplicate_of`` of the others) is, by rule, the member with
the most *clean* key characters (characters outside spans marked corrupt: the most complete and
least corrupted text); ties go to fewer corrupted characters, then fewer removed repeats, then the
smaller doc_id (deterministic).
"""

from __future__ import annotations

import hashlib
import pickle
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
from datasketch import MinHashLSH

from extract.model import Doc, Span
from extract.passages import key
from extract.spans import code_points

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
# Shingles per block of the sketch computation: its three 128 x 256 arrays stay in L2.  Wider blocks (1024) take
# about 10 % fewer instructions (fewer numpy row loops) but measured 4-6 % slower in time: they leave the cache.
_CHUNK = 256
_NO_MIN = np.iinfo(np.uint64).max  # a sketch's start (``np.iinfo`` costs microseconds per call)


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
    cps = code_points(k).astype(np.uint64)
    if len(cps) < size:
        size = len(cps)
    n = len(cps) - size + 1
    h = cps[:n].copy()  # (the first step of the rolling hash from zero: 0 * 1_000_003 + cps)
    for j in range(1, size):  # array arithmetic wraps modulo 2**64 silently
        h *= np.uint64(1_000_003)
        h += cps[j:j + n]
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
        out = np.full(self.num_perm, _NO_MIN, dtype=np.uint64)
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
