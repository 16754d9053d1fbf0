"""`kg export`: RDF formats read back equal to the store; GraphML and Neo4j CSV describe the entity graph."""
from __future__ import annotations

import csv

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import to_isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.cli import main
from kg.errors import InputError
from kg.export import EDGE_COLUMNS, NODE_COLUMNS, default_destination, entity_graph, export
from kg.store import open_store, to_rdflib


def store_graphs(out) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    for q in open_store(out):
        key = getattr(q.graph_name, "value", "")
        graphs.setdefault(key, Graph()).add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graphs


def dataset_graphs(ds: Dataset) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        key = "" if g is None or g == DATASET_DEFAULT_GRAPH_ID else str(g)
        graphs.setdefault(key, Graph()).add((s, p, o))
    return graphs


def assert_isomorphic(a: dict[str, Graph], b: dict[str, Graph]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        assert to_isomorphic(a[name]) == to_isomorphic(b[name]), f"graph <{name}> differs"


@pytest.mark.parametrize("fmt, rdflib_format", [("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld")])
def test_dataset_formats_read_back_as_the_store(seed_build, tmp_path, fmt, rdflib_format):
    out = seed_build[1]
    [path] = export(open_store(out), fmt, tmp_path / f"graph.{fmt}")
    ds = Dataset()
    ds.parse(path, format=rdflib_format)
    assert_isomorphic(dataset_graphs(ds), store_graphs(out))


def test_turtle_is_the_union_of_all_graphs(seed_build, tmp_path):
    out = seed_build[1]
    [path] = export(open_store(out), "ttl", tmp_path / "graph.ttl")
    union = Graph()
    for graph in store_graphs(out).values():
        union += graph
    assert to_isomorphic(Graph().parse(path, format="turtle")) == to_isomorphic(union)


def test_union_holds_a_triple_of_several_graphs_once():
    import pyoxigraph as ox

    from kg.store import union_triples

    store = ox.Store()
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    for graph in ("https://example.org/g1", "https://example.org/g2"):
        store.add(ox.Quad(s, p, ox.Literal("shared"), ox.NamedNode(graph)))
        store.add(ox.Quad(s, p, ox.Literal(graph), ox.NamedNode(graph)))
    store.add(ox.Quad(s, p, ox.Literal("shared")))
    triples = sorted(str(t) for t in union_triples(store))
    assert len(triples) == 3 and len(set(triples)) == 3


def test_union_keeps_every_triple_when_their_hashes_collide(monkeypatch):
    import pyoxigraph as ox

    import kg.store
    from kg.store import union_triples

    monkeypatch.setattr(kg.store, "_triple_key", lambda triple: 0)
    store = ox.Store()
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    for n, graph in enumerate(("https://example.org/g1", "https://example.org/g2", "https://example.org/g3")):
        store.add(ox.Quad(s, p, ox.Literal("shared"), ox.NamedNode(graph)))
        store.add(ox.Quad(s, p, ox.Literal(n), ox.NamedNode(graph)))
    triples = [str(t) for t in union_triples(store)]
    assert sorted(triples) == sorted({str(q.triple) for q in store})


def test_graphml_for_gephi_has_the_entity_graph_with_labels_and_metrics(seed_build, tmp_path):
    store = open_store(seed_build[1])
    [path] = export(store, "graphml", tmp_path / "graph.graphml")
    G = nx.read_graphml(path)
    expected = entity_graph(store)
    assert G.number_of_nodes() == expected.number_of_nodes() > 0
    assert G.number_of_edges() == expected.number_of_edges() > 0
    ukraine = G.nodes["https://w3id.org/newskg/id/country/ukraine"]
    assert ukraine["label"] == "Ukraine" and ukraine["type"] == "Country" and ukraine["pagerank"] > 0
    assert {d["relation"] for _, _, d in G.edges(data=True)} >= {"said", "supplies to"}


def test_csv_for_neo4j_has_nodes_and_edges_that_reference_them(seed_build, tmp_path):
    store = open_store(seed_build[1])
    nodes_path, edges_path = export(store, "csv", tmp_path / "csv")
    with nodes_path.open(encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with edges_path.open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    assert list(nodes[0]) == NODE_COLUMNS and list(edges[0]) == EDGE_COLUMNS
    ids = {n["id"] for n in nodes}
    assert len(ids) == len(nodes) == entity_graph(store).number_of_nodes()
    assert all(e["source"] in ids and e["target"] in ids for e in edges)
    assert {e["type"] for e in edges} >= {"SAID", "SUPPLIES_TO"}


def test_unknown_format_and_bad_destinations_are_usage_errors(seed_build, tmp_path):
    store = open_store(seed_build[1])
    with pytest.raises(InputError, match="unknown format 'xml'; expected one of trig, nq, ttl, jsonld, graphml, csv"):
        export(store, "xml", tmp_path / "x")
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="is a file"):
        export(store, "csv", tmp_path / "file")
    with pytest.raises(InputError, match="is a folder"):
        export(store, "ttl", tmp_path)


def test_cli_export_writes_beside_the_build_by_default(seed_build, tmp_path):
    import shutil

    shutil.copytree(seed_build[1] / "store", tmp_path / "store")
    runner = CliRunner()
    for fmt in ("trig", "csv"):
        result = runner.invoke(main, ["export", "--format", fmt, "--out", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert (default_destination(tmp_path, "trig")).is_file()
    assert (tmp_path / "export" / "nodes.csv").is_file() and (tmp_path / "export" / "edges.csv").is_file()


def test_cli_export_to_stdout(seed_build):
    result = CliRunner().invoke(main, ["export", "--format", "nq", "--out", str(seed_build[1]), "-o", "-"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines and all(line.endswith(" .") for line in lines)


@pytest.mark.parametrize("args, message", [
    (["--format", "xml"], "Error: unknown format 'xml'"),
    (["--format", "csv", "-o", "-"], "Error: csv export writes two files"),
])
def test_cli_export_usage_errors(seed_build, args, message):
    result = CliRunner().invoke(main, ["export", "--out", str(seed_build[1]), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_cli_export_without_a_store(tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "ttl", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert f"no store at {tmp_path / 'store'}" in result.output

