import networkx as nx

from kg.analyze import (ClaimFact, analyze, centrality, communities, communities_table, standing, supply_chains,
                        top_speakers, transfers, write_back)


def five_nodes():
    G = nx.MultiDiGraph()
    for n, kind in (("us", "Country"), ("nato", "Organization"), ("ua", "Country"), ("trump", "Person"),
                    ("patriot", "Weapon")):
        G.add_node(n, label=n.upper(), type=kind)
    G.add_edge("us", "nato", relation="supplies to")
    G.add_edge("nato", "ua", relation="supplies to")
    G.add_edge("us", "patriot", relation="supplies")
    G.add_edge("trump", "nato", relation="said")
    G.nodes["trump"]["claims"] = [ClaimFact("claim-1", "trump", "NATO pays")]
    return G


def test_centrality_on_five_nodes():
    m = centrality(five_nodes())
    assert m["nato"]["degree"] == 3
    assert max(m, key=lambda n: m[n]["betweenness"]) in ("nato", "us")
    assert abs(sum(v["pagerank"] for v in m.values()) - 1.0) < 1e-6


def test_chains_and_communities():
    G = five_nodes()
    assert supply_chains(G) == [["us", "nato", "ua"]]
    assert set(communities(G)) == set(G.nodes)


def test_top_speakers():
    [row] = top_speakers(five_nodes())
    assert row["label"] == "TRUMP" and row["claims"] == 1 and row["about"] == ["NATO"]


def test_analysis_written_back_to_rdf(seed_dataset):
    from kg.store import query_text, run_query

    _, rows = run_query(seed_dataset, query_text("central-actors"))
    assert rows and float(rows[0][1]) > 0
    analysis = analyze(seed_dataset)
    assert any(analysis.label(chain[0]) == "United States" for chain in analysis.chains)


# ---------------------------------------------------------------- the analysis is over actors

def with_generic_items():
    """Return five_nodes plus `weapons` and `tanks`, generic items that every country supplies or receives."""
    G = five_nodes()
    G.add_node("weapons", label="weapons", type="Weapon", generic=True)
    G.add_node("tanks", label="tanks", type="Weapon", generic=True)
    for country in ("de", "fr", "pl"):
        G.add_node(country, label=country.upper(), type="Country")
    for supplier in ("us", "nato", "de", "fr", "pl"):
        G.add_edge(supplier, "weapons", relation="supplies")
    G.add_edge("de", "tanks", relation="supplies")
    G.add_edge("tanks", "ua", relation="supplied to")
    return G


def test_centrality_ranks_actors_not_generic_items():
    G = with_generic_items()
    plain = nx.pagerank(nx.DiGraph(G))
    assert max(plain, key=plain.get) == "weapons"  # what the rule is for: a generic item tops plain PageRank
    m = centrality(G)
    assert set(m) == set(G.nodes)  # every node keeps its metrics, so m[n] works for any node of the graph
    assert m["weapons"]["pagerank"] == m["tanks"]["pagerank"] == 0.0
    assert m["weapons"]["betweenness"] == m["tanks"]["betweenness"] == 0.0
    assert max(m, key=lambda n: m[n]["pagerank"]) in ("ua", "nato")
    assert abs(sum(v["pagerank"] for v in m.values()) - 1.0) < 1e-6  # the rank is shared among the actors
    # DE reaches the others only through `weapons` and `tanks`: with them gone it bridges nothing
    assert m["de"]["betweenness"] == 0.0 and m["de"]["degree"] == 0
    assert m["weapons"]["degree"] == 5  # a generic item keeps its degree


def test_communities_leave_out_generic_items():
    assert not {"weapons", "tanks"} & set(communities(with_generic_items()))


def test_weapon_systems_are_ranked_by_transfers():
    """Leopard 2 is supplied once by the most cited country, Hawk three times by minor ones."""
    G = nx.MultiDiGraph()
    for node, kind in (("us", "Country"), ("ua", "Country"), ("pl", "Country"), ("ro", "Country"),
                       ("fi", "Country"), ("a", "Person"), ("b", "Person"), ("c", "Person"),
                       ("leopard", "Weapon"), ("hawk", "Weapon"), ("tanks", "Weapon")):
        G.add_node(node, label=node, type=kind, generic=node == "tanks")
    for person in ("a", "b", "c"):
        G.add_edge(person, "us", relation="said")
    G.add_edge("us", "leopard", relation="supplies")
    for country in ("pl", "ro", "fi"):
        G.add_edge(country, "hawk", relation="supplies")
        G.add_edge(country, "ua", relation="supplies to")
    G.add_edge("tanks", "ua", relation="supplied to")
    analysis = analyze(G)
    assert transfers(G) == {"leopard": 1, "hawk": 3}  # the generic item is no weapon system
    m = analysis.metrics
    assert m["leopard"]["pagerank"] > m["hawk"]["pagerank"]  # PageRank alone would put Leopard 2 first
    score = standing(analysis)
    assert score["hawk"] > score["leopard"] > 0
    assert abs(score["hawk"] + score["leopard"] - m["hawk"]["pagerank"] - m["leopard"]["pagerank"]) < 1e-9
    assert score["tanks"] == 0.0


def test_a_community_of_one_is_no_community():
    G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("d", "e")])
    G.add_nodes_from(["loner", "hermit"])
    assert communities(G) == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}
    assert communities(nx.MultiDiGraph([("x", "x")])) == {}
    lonely = nx.MultiDiGraph()
    lonely.add_nodes_from(["x", "y", "z"])
    assert communities(lonely) == {}  # all singletons: no communities at all
    assert communities_table(analyze(lonely)) == {}


def test_write_back_gives_no_rank_to_generic_items_and_no_community_to_loners():
    from rdflib import Graph, URIRef

    from kg.vocab import KG

    G = with_generic_items()
    G.add_node("loner", label="LONER", type="Person")
    graph = Graph()
    write_back(graph, analyze(G))
    assert graph.value(URIRef("weapons"), KG.degree).toPython() == 5
    assert graph.value(URIRef("weapons"), KG.pageRank) is None
    assert graph.value(URIRef("loner"), KG.pageRank) is not None
    assert graph.value(URIRef("loner"), KG.community) is None
    assert graph.value(URIRef("nato"), KG.community) is not None


def test_the_report_lists_no_singleton_community(seed_build):
    report = (seed_build[1] / "report.md").read_text(encoding="utf-8")
    section = report.split("## Communities\n\n", 1)[1].split("\n\n", 1)[0]
    rows = section.splitlines()
    assert rows and rows != ["(none)"]
    for row in rows:
        assert len(row.split(": ", 1)[1].split(", ")) >= 2, row
    central = report.split("## Central actors\n\n", 1)[1].split("\n\n", 1)[0]
    assert "| weapons |" not in central and "| Patriot |" not in central
    assert "| Patriot |" in report.split("## Weapon systems\n\n", 1)[1].split("## Communities", 1)[0]


def test_the_built_page_ranks_generic_items_after_every_actor(seed_build):
    import json
    import re

    page = (seed_build[1] / "graph.html").read_text(encoding="utf-8")
    nodes = json.loads(re.search(r"^var KG_NODES = (.*);$", page, re.M).group(1))
    flags = [bool(n.get("generic")) for n in nodes]
    assert any(flags)  # the samples supply `weapons`, which plain PageRank ranked fourth of 24
    assert flags == sorted(flags)  # generic items last, so the top 20 hold none while there are 20 others
    assert "weapons" in {n["label"] for n, generic in zip(nodes, flags) if generic}


def tied_pageranks():
    """Return N-Triples of 30 entities, inserted in shuffled order: 20 with distinct PageRanks, 10 tied below them."""
    import random

    kg = "https://w3id.org/newskg/ontology#"
    lines = []
    for i in range(30):
        rank = f"{0.5 - i / 100:.2f}" if i < 20 else "0.01"
        e = f"<https://example.org/e{i:02d}>"
        lines += [f'{e} <{kg}pageRank> "{rank}"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
                  f'{e} <{kg}degree> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
                  f'{e} <http://www.w3.org/2000/01/rdf-schema#label> "e{i:02d}" .']
    random.Random(7).shuffle(lines)
    return "\n".join(lines) + "\n"


def test_central_actors_break_ties_by_iri_on_both_engines():
    import pyoxigraph as ox
    from rdflib import Dataset

    from kg.store import query_text, run_query

    store, ds = ox.Store(), Dataset()
    store.load(tied_pageranks().encode(), ox.RdfFormat.N_TRIPLES)
    ds.parse(data=tied_pageranks(), format="nt")
    expected = [f"e{i:02d}" for i in range(25)]  # the 20 distinct, then the 5 smallest IRIs of the 10 tied
    for source in (store, ds):
        _, rows = run_query(source, query_text("central-actors"))
        assert [str(row[0]) for row in rows] == expected
