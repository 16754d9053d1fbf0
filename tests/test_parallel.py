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
