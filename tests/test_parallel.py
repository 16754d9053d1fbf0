"""Serial, --jobs 2 and Dask builds of the same input give isomorphic graphs."""
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.pipeline import build


def union(out):
    return Graph().parse(out / "graph.ttl")


@pytest.fixture(scope="module")
def serial(tmp_path_factory, seed_build):
    return union(seed_build[1])


def test_jobs_2_gives_the_same_graph(tmp_path, serial):
    report = build([], tmp_path, jobs=2)
    assert report.extracted == 2
    assert isomorphic(union(tmp_path), serial)


def test_dask_local_cluster_gives_the_same_graph(tmp_path, serial):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        report = build([], tmp_path, scheduler=cluster.scheduler_address)
    assert report.extracted == 2
    assert isomorphic(union(tmp_path), serial)


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    from kg.errors import KgError

    with pytest.raises(KgError, match="Dask scheduler"):
        build([], tmp_path, scheduler="tcp://127.0.0.1:1")


def test_batches_keep_the_order_and_bound_articles_and_characters():
    from kg.parallel import batches
    from kg.types import Article

    sizes = [10, 30, 5, 70, 1, 1, 1, 1, 20]
    articles = [Article(text="x" * n, source=f"a{i}", sha256=str(i)) for i, n in enumerate(sizes)]
    cut = batches(articles, batch_size=3, max_chars=40)
    assert [a for batch in cut for a in batch] == articles
    assert all(len(b) <= 3 for b in cut)
    assert all(sum(len(a.text) for a in b) <= 40 or len(b) == 1 for b in cut)
    assert [len(a.text) for a in cut[2]] == [70]  # longer than a batch: alone
    assert [[len(a.text) for a in b] for b in cut] == [[10, 30], [5], [70], [1, 1, 1], [1, 20]]
