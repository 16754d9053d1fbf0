"""The on-disk store: opening, bad stores, atomic graph writes, queries on the store vs rdflib."""
from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import XSD, Literal, URIRef

from kg.cli import main
from kg.errors import QueryError, StoreError
from kg.store import (DEFAULT_GRAPH, bundled_queries, digest, load_dataset, open_store, open_store_for_writing,
                      query_text, run_query, store_path, sync_store, to_oxigraph, to_rdflib)

EX = "http://example.org/"


def triple(s: str, p: str, o) -> ox.Triple:
    obj = o if isinstance(o, (ox.Literal, ox.NamedNode)) else ox.Literal(str(o))
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj)


def graph_contents(store: ox.Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for q in store:
        key = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        out.setdefault(key, set()).add(str(q.triple))
    return out


def plain_rows(rows):
    return sorted(tuple("" if v is None else v.n3() if hasattr(v, "n3") else str(v) for v in row) for row in rows)


# ------------------------------------------------------------------ opening


def test_open_store_missing_names_the_path(tmp_path):
    with pytest.raises(StoreError, match=str(tmp_path / "store")):
        open_store(tmp_path)


def test_open_store_not_a_store_names_the_path(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "junk.txt").write_text("not rocksdb")
    with pytest.raises(StoreError, match=r"store.* is not a kg store"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match="is not a kg store"):
        open_store_for_writing(tmp_path)


def test_open_store_corrupt_names_the_path(tmp_path, seed_build):
    shutil.copytree(store_path(seed_build[1]), tmp_path / "store")
    (tmp_path / "store" / "CURRENT").write_text("MANIFEST-999999\n")
    with pytest.raises(StoreError, match=f"cannot open the store at {tmp_path / 'store'}"):
        open_store(tmp_path)


def test_a_second_writer_is_refused(tmp_path):
    first = open_store_for_writing(tmp_path)
    try:
        with pytest.raises(StoreError, match="in use by another process"):
            open_store_for_writing(tmp_path)
    finally:
        del first


def test_legacy_output_with_only_graph_trig_is_still_queried(tmp_path, seed_build):
    shutil.copy(seed_build[1] / "graph.trig", tmp_path / "graph.trig")
    names, rows = run_query(open_store(tmp_path), "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }")
    assert names == ["n"] and rows[0][0].toPython() > 0


# ------------------------------------------------------------------ terms


@pytest.mark.parametrize("term", [URIRef(EX + "a"), Literal("plain"), Literal("chat", lang="fr"),
                                  Literal("2025-07-11", datatype=XSD.date), Literal(5)])
def test_terms_round_trip_between_rdflib_and_pyoxigraph(term):
    assert to_rdflib(to_oxigraph(term)) == term


# ------------------------------------------------------------------ writing


def test_sync_store_rewrites_only_changed_graphs_and_removes_absent_ones(tmp_path):
    store = open_store_for_writing(tmp_path)
    g1, g2, g3 = (ox.NamedNode(EX + f"g{n}") for n in (1, 2, 3))
    first = {DEFAULT_GRAPH: [triple("e", "label", "E")], g1: [triple("a", "p", 1)], g2: [triple("b", "p", 2)]}
    result = sync_store(store, first, None)
    assert sorted(result.written) == ["", EX + "g1", EX + "g2"]

    second = {DEFAULT_GRAPH: [triple("e", "label", "E")], g1: [triple("a", "p", 1), triple("a", "q", 3)],
              g3: [triple("c", "p", 4)]}
    result = sync_store(store, second, result.digests)
    assert sorted(result.written) == [EX + "g1", EX + "g3"]
    assert result.removed == [EX + "g2"] and result.unchanged == 1
    assert graph_contents(store) == {
        "": {str(triple("e", "label", "E"))},
        EX + "g1": {str(triple("a", "p", 1)), str(triple("a", "q", 3))},
        EX + "g3": {str(triple("c", "p", 4))},
    }


def test_sync_store_with_unknown_digests_repairs_a_graph_left_half_written(tmp_path):
    store = open_store_for_writing(tmp_path)
    g1 = ox.NamedNode(EX + "g1")
    wanted = {g1: [triple("a", "p", n) for n in range(5)]}
    store.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("0"), g1))  # a stale fragment
    sync_store(store, wanted, None)
    assert graph_contents(store) == {EX + "g1": {str(t) for t in wanted[g1]}}


def test_the_default_graph_streamed_from_rdflib_terms_is_the_list_put_and_skipped_when_unchanged(tmp_path):
    from kg.rdf import TripleIndex
    from kg.store import StoreWriter, to_oxigraph_triples

    def entities(n: int) -> TripleIndex:
        graph = TripleIndex()
        for i in range(n):
            graph.add((URIRef(EX + f"e{i}"), URIRef(EX + "label"), Literal(f"E{i}", lang="en")))
            graph.add((URIRef(EX + f"e{i}"), URIRef(EX + "rank"), Literal(i)))
        return graph

    store = open_store_for_writing(tmp_path)
    store.add(ox.Quad(ox.NamedNode(EX + "old"), ox.NamedNode(EX + "p"), ox.Literal("gone"), DEFAULT_GRAPH))
    graph = entities(25)
    writer = StoreWriter(store, None)
    writer.BATCH_QUADS = 7  # several transactions
    assert writer.put_default(lambda: graph) == 50
    first = writer.finish()
    assert first.digests[""] == digest(to_oxigraph_triples(graph)) and first.written == [""]
    assert graph_contents(store) == {"": {str(t) for t in to_oxigraph_triples(graph)}}

    again = StoreWriter(store, first.digests)
    again.put_default(lambda: iter(list(entities(25))))  # a generator does as well
    assert again.finish().unchanged == 1


def test_digest_ignores_order_and_duplicates():
    a, b = triple("a", "p", 1), triple("b", "p", 2)
    assert digest([a, b]) == digest([b, a, a]) != digest([a])


# ------------------------------------------------------------------ queries


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_bundled_queries_give_the_same_rows_on_the_store_and_on_rdflib(seed_build, name):
    out = seed_build[1]
    store, dataset = open_store(out), load_dataset(out)
    names_store, rows_store = run_query(store, query_text(name, ["Ukraine"], store))
    names_rdflib, rows_rdflib = run_query(dataset, query_text(name, ["Ukraine"], dataset))
    assert names_store == names_rdflib
    assert plain_rows(rows_store) == plain_rows(rows_rdflib)


@pytest.mark.parametrize("name", ["ukraine", "UKRAINE", "Ukraine"])
def test_entity_parameters_match_any_name_in_any_case(seed_build, name):
    store = open_store(seed_build[1])
    text = query_text("claims-about", [name], store)
    assert "<https://w3id.org/newskg/id/country/" in text  # looked up first, then joined from the IRI
    assert run_query(store, text)[1]


def test_an_unknown_entity_gives_no_rows_not_an_error(seed_build):
    store = open_store(seed_build[1])
    assert run_query(store, query_text("claims-about", ["Atlantis"], store))[1] == []


def test_entity_parameters_need_the_graph():
    with pytest.raises(QueryError, match="looks up"):
        query_text("claims-by", ["Trump"])


def test_store_query_sees_the_union_of_all_graphs(seed_build):
    store = open_store(seed_build[1])
    # pyoxigraph's union is a bag (a triple stated in two article graphs comes twice), hence DISTINCT
    _, rows = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    distinct = {str(q.triple) for q in store}
    assert rows[0][0].toPython() == len(distinct)


def test_run_query_on_store_reports_malformed_sparql():
    with pytest.raises(QueryError, match="malformed SPARQL"):
        run_query(ox.Store(), "SELECT ?s WHERE { ?s ?p }")


def test_cli_query_reads_the_store(seed_build):
    result = CliRunner().invoke(main, ["query", "who-said-what", "--out", str(seed_build[1]), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("speaker,kind,claim,date,article")
    assert len(result.output.splitlines()) > 1


def test_cli_query_warns_when_the_last_build_has_not_finished(seed_build, tmp_path):
    import shutil

    from kg.store import read_state, write_state

    shutil.copytree(seed_build[1] / "store", tmp_path / "store")
    clean = CliRunner().invoke(main, ["query", "supplies", "--out", str(tmp_path), "--format", "csv"])
    assert clean.exit_code == 0 and "Warning" not in clean.stderr
    write_state(tmp_path / "store", {**read_state(tmp_path / "store"), "clean": False})  # as a running build leaves it
    result = CliRunner().invoke(main, ["query", "supplies", "--out", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0
    assert "Warning: the last `kg build`" in result.stderr and "has not finished" in result.stderr
    assert result.stdout == clean.stdout  # the rows are still given


def test_cli_query_without_a_store_is_an_error_naming_the_path(tmp_path):
    result = CliRunner().invoke(main, ["query", "who-said-what", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert f"Error: no store at {tmp_path / 'store'}" in result.output


def test_cli_query_malformed_sparql_exits_2(seed_build):
    result = CliRunner().invoke(main, ["query", "SELECT ?s WHERE { ?s ?p }", "--out", str(seed_build[1])])
    assert result.exit_code == 2
    assert "Error: malformed SPARQL" in result.output


def test_store_changes_marks_the_store_dirty_until_the_block_finishes(tmp_path):
    from kg.store import clean_state, read_state, store_changes

    with store_changes(tmp_path) as record:
        assert read_state(tmp_path)["clean"] is False and clean_state(tmp_path) is None
        record["key"] = "k"
    first = clean_state(tmp_path)
    assert first["clean"] is True and first["key"] == "k"
    with pytest.raises(RuntimeError), store_changes(tmp_path):
        raise RuntimeError("killed mid-way")
    assert read_state(tmp_path)["clean"] is False  # the next build checks every graph
    assert read_state(tmp_path)["store_id"] == first["store_id"]  # and the store keeps its identity
