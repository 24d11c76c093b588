"""Passage de-duplication (extract/passages.py), near-duplicate clustering (extract/dedup.py), repair."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extract import dedup, metadata, passages, repair
from extract.cli.dedup import report_clusters
from extract.model import Doc, Removed
from extract.offsets import MappedText

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def make(text: str, doc_id: str = "d", corrupt: list[tuple[int, int]] | None = None) -> Doc:
    """A document of ``text`` with mojibake marks where the cleaning stages would leave them (raw spans)."""
    d = Doc(source=doc_id, raw=text, mapped=MappedText.identity(text), doc_id=doc_id)
    d.removed = [Removed("mojibake", text[s:e], s, e) for s, e in corrupt or []]
    metadata.marks(d)
    return d


P1 = "新疆积极推进口岸经济带建设，取得积极成效，通关效率不断提升。"
P2 = "据海关统计，2023年喀什外贸进出口总值达836.8亿元，同比增长71.2%。"
P3 = "霍尔果斯综保区进出口总值达411亿元，首次突破400亿元大关，同比增长达76.37%。"
P4 = "阿拉山口站通行中欧班列超6600列，中欧班列通行数量占全国的五成以上。"


# Passage de-duplication: the rules' whole answers are rules/passages/corpus.toml; here, offsets.

def test_removed_passage_points_at_the_later_copy_in_the_raw_text():
    d = make("\n".join([P1, P2, P3, P2, P4]))
    passages.dedup_passages(d)
    [rem] = d.removed
    assert d.raw[rem.raw_start:rem.raw_end] == P2 and rem.raw_start > d.raw.index(P3)


def test_corrupt_spans_follow_the_deletion():
    text = "\n".join([P2, P2, P1])
    at = text.rindex("口岸")
    d = make(text, corrupt=[(at, at + 2)])
    passages.dedup_passages(d)
    metadata.marks(d)
    s, e = d.corrupt[0]
    assert d.text[s:e] == "口岸"


def test_seed_002_repeats(seed_docs):
    d2 = seed_docs["002"]
    rem = [r for r in d2.removed if r.kind == "passage"]
    assert rem, "002 holds repeated blocks"
    text = d2.text
    # every passage of the repeated block is now there exactly once
    for probe in ["第一张营业执照，第一笔金融支持", "新疆自贸试验区的实施范围达179.66平方公里",
                  "务设施以及餐饮、住宿、仓储", "补短板需提升质效", "补短板需扩大",
                  "“2024年是新疆自贸试验区建设的关键之年", "的23.4%，同比增长71.2%", "变身为葵仁、食用油等产品"]:
        assert text.count(probe) == 1, probe
    # nothing unique was lost: every line of the raw file is still found in text or is a dropped repeat
    for probe in ["孕育向好动能", "调查手记", "补短板需打牢", "电商新业态发展"]:
        assert probe in text


@pytest.fixture(scope="module")
def seed_docs():
    from extract import batch, pipeline

    docs = batch.read([str(CORPUS)], print)
    for d in docs:
        pipeline.prepare(d)
    return {Path(d.source).name[:3]: d for d in docs}


def test_seed_clusters(seed_docs):
    docs = list(seed_docs.values())
    report = dedup.cluster(docs)
    by = seed_docs
    assert by["000"].cluster_id == by["002"].cluster_id
    assert {by["000"].duplicate_of, by["002"].duplicate_of} == {None, by["000"].cluster_id}
    for k in ("001", "003", "004"):
        assert by[k].cluster_id == by[k].doc_id and by[k].duplicate_of is None
    members = report[by["000"].cluster_id]
    assert len(members) == 2 and all(m["jaccard"] > 0.7 for m in members)


# --- clustering on a small synthetic corpus ------------------------------------------------------


def _article(rng: random.Random, n: int = 12) -> str:
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    return "\n".join("".join(rng.choice(chars) for _ in range(rng.randint(30, 80))) + "。" for _ in range(n))


def _edit(rng: random.Random, text: str, rate: float = 0.02) -> str:
    out = []
    for ch in text:
        r = rng.random()
        if r < rate / 2:
            continue
        if r < rate:
            out.append("变")
        out.append(ch)
    lines = "".join(out).split("\n")
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def test_cluster_synthetic_versions_and_singletons():
    rng = random.Random(7)
    docs = []
    truth = {}
    for a in range(20):
        base = _article(rng)
        docs.append(make(base, f"a{a:02d}"))
        truth[f"a{a:02d}"] = a
        if a % 2 == 0:
            docs.append(make(_edit(rng, base), f"b{a:02d}"))
            truth[f"b{a:02d}"] = a
    docs.append(make(docs[0].text, "exact"))
    truth["exact"] = 0
    dedup.cluster(docs)
    for x in docs:
        for y in docs:
            same = truth[x.doc_id] == truth[y.doc_id]
            assert (x.cluster_id == y.cluster_id) == same, (x.doc_id, y.doc_id)
    canon = [d for d in docs if d.cluster_id == docs[0].cluster_id and d.duplicate_of is None]
    assert len(canon) == 1


def test_canonical_is_most_complete_and_least_corrupted():
    rng = random.Random(3)
    base = _article(rng, 15)
    short = "\n".join(base.split("\n")[:13])
    corrupt = make(base, "z-corrupt", corrupt=[(0, 200)])
    docs = [make(short, "a-short"), make(base, "m-full"), corrupt]
    dedup.cluster(docs)
    assert {d.cluster_id for d in docs} == {"m-full"}
    assert docs[1].duplicate_of is None and docs[0].duplicate_of == "m-full"


def test_clusterer_persists_and_continues(tmp_path):
    rng = random.Random(11)
    base = _article(rng)
    c = dedup.Clusterer()
    c.add("one", base)
    c.add("other", _article(rng))
    path = tmp_path / "sketches.pkl"
    c.persist(path)
    c2 = dedup.Clusterer.load(path)
    found = c2.add("two", _edit(rng, base, 0.01))
    assert found == ["one"]
    groups = c2.clusters()
    assert sorted(groups[min(groups, key=lambda k: -len(groups[k]))]) == ["one", "two"]
    assert c2.similarity("one", "two")["jaccard"] >= dedup.DEFAULT_THRESHOLD


def test_sketch_is_deterministic_and_linear():
    s1 = dedup.Sketcher()
    s2 = dedup.Sketcher()
    a, n = s1("口岸经济带高质量发展" * 3)
    b, _ = s2("口岸经济带高质量发展" * 3)
    assert (a == b).all() and n == 10


def _random_sketches(n: int, seed: int = 5) -> list[dedup.DocSketch]:
    """Sketches of unrelated documents, plus near copies of some of them (a few values changed)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out: list[dedup.DocSketch] = []
    for i in range(n):
        if out and i % 4 == 3:
            base = out[int(rng.integers(len(out)))].hashvalues.copy()
            flip = rng.choice(dedup.NUM_PERM, size=int(rng.integers(5, 90)), replace=False)
            base[flip] = rng.integers(0, 2**63, len(flip), dtype=np.uint64)
            hv = base
        else:
            hv = rng.integers(0, 2**63, dedup.NUM_PERM, dtype=np.uint64)
        out.append(dedup.DocSketch(f"s{i:04d}", hv, 500, 500, 0, 0, f"digest{i}"))
    return out


def test_band_index_finds_exactly_the_band_sharing_pairs():
    """Candidates are the documents sharing a whole LSH band (datasketch's banding), then verified."""
    import numpy as np

    sks = _random_sketches(700)
    c = dedup.Clusterer()
    b, r = c.bands, c.rows
    assert (b, r) == dedup.lsh_params(dedup.DEFAULT_THRESHOLD - 0.1, dedup.NUM_PERM)
    for i, sk in enumerate(sks):
        found = c.add_sketch(sk)
        expect = []
        for o in sorted(sks[:i], key=lambda x: x.doc_id):
            shares = (o.hashvalues[:b * r].reshape(b, r) == sk.hashvalues[:b * r].reshape(b, r)).all(axis=1).any()
            if shares and np.mean(o.hashvalues == sk.hashvalues) >= c.threshold:
                expect.append(o.doc_id)
        assert found == expect, sk.doc_id
    assert len(c.sketches) == 700 and "s0003" in c.sketches and "nope" not in c.sketches
    assert (c.sketches["s0010"].hashvalues == sks[10].hashvalues).all()


def test_persist_and_load_continue_like_one_run(tmp_path):
    """Persisting (the index is rebuilt on load) changes nothing, across flushed runs of the band index."""
    sks = _random_sketches(900, seed=8)
    one = dedup.Clusterer()
    found_one = [one.add_sketch(sk) for sk in sks]
    c = dedup.Clusterer()
    found = [c.add_sketch(sk) for sk in sks[:600]]
    c.persist(tmp_path / "c.pkl")
    c = dedup.Clusterer.load(tmp_path / "c.pkl")
    found += [c.add_sketch(sk) for sk in sks[600:]]
    assert found == found_one
    assert c.clusters() == one.clusters()
    assert c.similarity("s0003", "s0007") == one.similarity("s0003", "s0007")


def test_load_state_of_the_datasketch_index(tmp_path):
    """A clusterer.pkl written before the lean index (version 1) still loads, links included."""
    import pickle

    sks = _random_sketches(40, seed=2)
    ref = dedup.Clusterer()
    for sk in sks:
        ref.add_sketch(sk)
    groups = ref.clusters()
    parent = {m: canon for canon, members in groups.items() for m in members}
    state = {"version": 1, "threshold": ref.threshold, "num_perm": dedup.NUM_PERM, "shingle": dedup.SHINGLE,
             "sketches": {sk.doc_id: sk for sk in sks}, "parent": parent,
             "by_digest": {sk.digest: sk.doc_id for sk in sks}, "lsh": None}
    (tmp_path / "v1.pkl").write_bytes(pickle.dumps(state))
    c = dedup.Clusterer.load(tmp_path / "v1.pkl")
    assert c.clusters() == groups
    extra = _random_sketches(60, seed=2)[40:]
    assert [c.add_sketch(sk) for sk in extra] == [ref.add_sketch(sk) for sk in extra]


def test_repair_from_versions():
    clean = "\n".join([P1, P2, P3])
    broken = clean.replace("836.8亿元", "?jié)摿?")
    at = broken.index("?jié")
    d_bad = make(broken, "bad", corrupt=[(at, at + len("?jié)摿?"))])
    d_good = make(clean, "good")
    for d in (d_bad, d_good):
        d.cluster_id = "good"
    changed = repair.repair_from_versions([d_bad, d_good])
    assert changed == [d_bad]
    assert "836.8亿元" in d_bad.text and d_bad.corrupt == []
    rep = [r for r in d_bad.removed if r.kind == "repair"]
    assert rep and "good" in rep[0].note
    s = d_bad.text.index("836.8")
    rs, re_ = d_bad.raw_span(s, s + 5)
    assert "?jié" in d_bad.raw[rs:re_]


def test_cli_dedup_report():
    import io

    out = io.StringIO()
    assert report_clusters([str(CORPUS)], None, out=out) == 0
    text = out.getvalue()
    assert "cluster " in text and "2 versions" in text and "jaccard" in text
    assert text.count("(alone)") == 3
