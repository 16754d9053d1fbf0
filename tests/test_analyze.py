import networkx as nx

from kg.analyze import analyze, centrality, communities, supply_chains, top_speakers


def five_nodes():
    G = nx.MultiDiGraph()
    for n, kind in (("us", "Country"), ("nato", "Organization"), ("ua", "Country"), ("trump", "Person"),
                    ("patriot", "Weapon")):
        G.add_node(n, label=n.upper(), type=kind)
    G.add_edge("us", "nato", relation="supplies to")
    G.add_edge("nato", "ua", relation="supplies to")
    G.add_edge("us", "patriot", relation="supplies")
    G.add_edge("trump", "nato", relation="said")
    G.nodes["trump"]["claims"] = [{"text": "NATO pays", "article": "a", "date": ""}]
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
