"""The Dask engine (``run --engine dask``): same outputs, byte for byte, as the local engines."""

from __future__ import annotations

import pytest
from batchutil import make_corpus, outputs, pin_version

from extract import batch, pipeline

distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):
    pin_version(monkeypatch)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=40) as c:
        yield c


def test_dask_engine_matches_local_engine(cluster, tmp_path):
    corpus = make_corpus(tmp_path / "in", copies=2, cut=2000)
    (corpus / "bad.txt").write_bytes(b"\x00\x01" * 50)
    opts = pipeline.Options(ref_date="2024-03-01")
    msgs_local: list[str] = []
    msgs_dask: list[str] = []
    local = batch.run([str(corpus)], tmp_path / "local", opts, batch.RunConfig(workers=1, quiet=True),
                      report=msgs_local.append)
    remote = batch.run([str(corpus)], tmp_path / "dask", opts,
                       batch.RunConfig(engine="dask", scheduler=cluster.scheduler_address, quiet=True),
                       report=msgs_dask.append)
    assert remote.processed == local.processed == 10
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    assert msgs_dask == msgs_local and "binary" in msgs_dask[0]
    # incremental on the cluster too
    again = batch.run([str(corpus)], tmp_path / "dask", opts,
                      batch.RunConfig(engine="dask", scheduler=cluster.scheduler_address, quiet=True))
    assert (again.processed, again.cached) == (0, 10)


def test_dask_chunks_stream_with_bounded_window(cluster, tmp_path):
    """More chunks than the in-flight window: every document still comes back exactly once."""
    corpus = make_corpus(tmp_path / "in", copies=6, cut=300)
    rep = batch.run([str(corpus)], tmp_path / "o", pipeline.Options(),
                    batch.RunConfig(engine="dask", scheduler=cluster.scheduler_address, quiet=True))
    assert rep.processed == rep.counts["documents"] == 30
