"""kg.render: the HTML page, read as text and as the data it hands the browser (no browser, no spaCy)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset

from kg.analyze import analyze
from kg.cli import main
from kg.errors import InputError
from kg.render import (CORE_RELATIONS, STYLE, ego_nodes, entity_names, find_entity, page_analysis, render_dir,
                       to_html)

ID = "https://w3id.org/newskg/id/"
TRUMP, US, UKRAINE, PATRIOT, NATO, DOE = (ID + p for p in (
    "person/donald-trump", "country/united-states", "country/ukraine", "weapon/patriot", "organization/nato",
    "person/jane-doe"))
HOSTILE = "</script><script>alert(1)</script>"
ROOT = Path(__file__).resolve().parent.parent
PAGE_SCRIPT = ROOT / "kg" / "static" / "graph.js"
ESLINT = ROOT / "tools" / "eslint" / "node_modules" / ".bin" / "eslint"

# Two articles: Trump's claim, a supply with quantity and status, an unlinked person; one article has a URL.
TRIG = f"""
@prefix kg: <https://w3id.org/newskg/ontology#> .
@prefix id: <{ID}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

{{
  id:person\\/donald-trump a kg:Person ; rdfs:label "Donald Trump" ;
      skos:altLabel "Trump", "US President Donald Trump" .
  id:country\\/united-states a kg:Country ; rdfs:label "United States" ; skos:altLabel "US", "America" .
  id:country\\/ukraine a kg:Country ; rdfs:label "Ukraine" .
  id:weapon\\/patriot a kg:Weapon ; rdfs:label "Patriot" .
  id:organization\\/nato a kg:Organization ; rdfs:label "NATO" .
  id:person\\/jane-doe a kg:Person ; rdfs:label "Jane Doe" .
}}

id:article\\/a1 {{
  id:article\\/a1 a kg:Article ; dcterms:title "Trump says Patriots are on their way" ;
      dcterms:date "2025-07-11"^^xsd:date ; schema:url <https://example.org/news/1> ;
      dcterms:source "corpus/a1.txt" .
  id:person\\/donald-trump kg:said id:claim\\/c1 .
  id:claim\\/c1 a kg:Claim ; kg:text "We are sending Patriots to Ukraine {HOSTILE}" ; kg:kind "direct" ;
      kg:mentions id:country\\/ukraine, id:weapon\\/patriot ; prov:wasDerivedFrom id:article\\/a1 .
  id:supply\\/s1 a kg:Supply ; kg:supplier id:country\\/united-states ; kg:recipient id:country\\/ukraine ;
      kg:item id:weapon\\/patriot ; kg:quantity "two" ; kg:status kg:Ongoing ;
      kg:evidence "The US is sending two Patriot systems to Ukraine." ; prov:wasDerivedFrom id:article\\/a1 .
}}

id:article\\/a2 {{
  id:article\\/a2 a kg:Article ; dcterms:source "corpus/a2.txt" .
  id:person\\/donald-trump kg:said id:claim\\/c2 .
  id:claim\\/c2 a kg:Claim ; kg:text "NATO is paying for those weapons" ; kg:kind "indirect" ;
      kg:mentions id:organization\\/nato ; prov:wasDerivedFrom id:article\\/a2 .
}}
"""
BUILT = datetime(2025, 7, 12, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(data=TRIG, format="trig")
    return ds


@pytest.fixture(scope="module")
def analysis(dataset):
    return analyze(dataset)


@pytest.fixture(scope="module")
def page(analysis, dataset) -> str:
    return to_html(analysis, title="Test graph", summary="2 articles, 2 claims, 1 supplies, 6 entities.",
                   graph=dataset, built=BUILT)


def page_data(page: str) -> tuple[list[dict], list[dict], dict]:
    """Return the (nodes, edges, KG data) a page hands its script."""
    values = {name: json.loads(re.search(rf"^var {name} = (.*);$", page, re.M).group(1))
              for name in ("KG_NODES", "KG_EDGES", "KG")}
    return values["KG_NODES"], values["KG_EDGES"], values["KG"]


def node_index(nodes: list[dict], label: str) -> int:
    return next(n["id"] for n in nodes if n["label"] == label)


def test_to_html_keeps_the_call_pipeline_makes(analysis):
    page = to_html(analysis, summary="2 articles.")
    assert page.startswith("<!DOCTYPE html>") and "2 articles." in page


def test_page_is_self_contained(page):
    # A data: URI (the timeline picture) is part of the page, not a request.
    assert not re.search(r"<(?:script|img|iframe)[^>]+src=(?![\"']data:)", page, re.I)
    assert not re.search(r"<link[^>]+href=", page, re.I)
    for remote in ("cdn.jsdelivr", "cdnjs.cloudflare", "unpkg.com", "sourceMappingURL", "@import"):
        assert remote not in page
    assert "vis.Network" in page  # vis-network is inlined, not fetched


def test_page_escapes_hostile_text_inside_scripts(page):
    assert HOSTILE not in page
    assert page.count("</script>") == 2  # vis-network and the page script; the claim text closed none
    nodes, edges, data = page_data(page)
    assert any(HOSTILE in c["text"] for c in data["claims"])  # still there, as data


def test_header_has_title_summary_build_date_and_legend(page):
    header = page[page.index('<header id="kg-header">'):page.index("</header>")]
    assert "<h1>Test graph</h1>" in header
    assert "2 articles, 2 claims, 1 supplies, 6 entities." in header
    assert "2025-07-12 09:30 UTC" in header
    for kind in STYLE:
        assert f'data-kg-type="{kind}"' in header
    for relation in CORE_RELATIONS:
        assert f'data-kg-relation="{relation}"' in header
    assert 'id="kg-search"' in header


def test_nodes_are_sized_by_pagerank_and_ordered_by_it(page, analysis):
    nodes, _, _ = page_data(page)
    ranks = [n["rank"] for n in nodes]
    assert ranks == sorted(ranks, reverse=True)
    sizes = [n["size"] for n in nodes]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
    assert len(nodes) == len(analysis.graph)


def test_nodes_carry_alternative_labels_for_search(page):
    nodes, _, _ = page_data(page)
    trump = nodes[node_index(nodes, "Donald Trump")]
    assert trump["alt"] == ["Trump", "US President Donald Trump"]


def test_edges_are_grouped_by_relation(page):
    nodes, edges, data = page_data(page)
    us, ukraine = node_index(nodes, "United States"), node_index(nodes, "Ukraine")
    assert {"from": us, "to": ukraine, "relation": "supplies to", "count": 1}.items() <= next(
        e for e in edges if e["from"] == us and e["to"] == ukraine).items()
    counts = {r["name"]: r["count"] for r in data["relations"]}
    assert counts["said"] == 3 and counts["supplies to"] == 1 and counts["supplies"] == 1


def test_panel_data_has_claims_with_article_title_date_and_url(page):
    nodes, _, data = page_data(page)
    trump = node_index(nodes, "Donald Trump")
    claims = [c for c in data["claims"] if c["s"] == trump]
    assert len(claims) == 2
    first = next(c for c in claims if c["text"].startswith("We are sending"))
    assert first["kind"] == "direct"
    assert data["articles"][first["a"]] == {"title": "Trump says Patriots are on their way", "date": "2025-07-11",
                                            "url": "https://example.org/news/1"}
    second = next(c for c in claims if c["text"].startswith("NATO"))
    assert data["articles"][second["a"]] == {"title": "a2.txt", "date": "", "url": ""}


def test_panel_data_has_supplies_with_item_quantity_and_status(page):
    nodes, _, data = page_data(page)
    (supply,) = data["supplies"]
    assert supply["from"] == node_index(nodes, "United States")
    assert supply["to"] == node_index(nodes, "Ukraine")
    assert supply["item"] == node_index(nodes, "Patriot")
    assert (supply["quantity"], supply["status"]) == ("two", "ongoing")


def test_without_the_rdf_graph_the_panel_data_comes_from_networkx(analysis):
    nodes, _, data = page_data(to_html(analysis))
    trump = node_index(nodes, "Donald Trump")
    assert sorted(c["text"][:12] for c in data["claims"] if c["s"] == trump) == ["NATO is payi", "We are sendi"]
    (supply,) = data["supplies"]
    assert supply["item"] == node_index(nodes, "Patriot") and supply["status"] == "ongoing"


def test_default_view_is_the_top_nodes_by_pagerank(analysis, dataset):
    nodes, _, data = page_data(to_html(analysis, max_nodes=3, graph=dataset))
    assert data["defaultCount"] == 3 and data["total"] == len(nodes) == 6
    assert nodes[0]["rank"] >= nodes[3]["rank"]


@pytest.mark.parametrize("name", ["Donald Trump", "donald trump", "Trump", "US President Donald Trump",
                                  "Donald", TRUMP])
def test_find_entity_by_any_name(analysis, dataset, name):
    names = entity_names(analysis.graph, dataset)
    assert find_entity(analysis.graph, names, name) == TRUMP


def test_find_entity_suggests_close_names(analysis, dataset):
    names = entity_names(analysis.graph, dataset)
    with pytest.raises(InputError, match="no entity named 'Donld Trmp'.*did you mean Donald Trump"):
        find_entity(analysis.graph, names, "Donld Trmp")


def test_ego_nodes_follow_edges_both_ways():
    G = nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    assert ego_nodes(G, "b", 1) == {"a", "b", "c"}
    assert ego_nodes(G, "a", 0) == {"a"}
    with pytest.raises(InputError):
        ego_nodes(G, "a", -1)


def test_focus_draws_the_ego_graph_with_the_centre_first(analysis, dataset):
    page = to_html(analysis, graph=dataset, focus="Trump", depth=1)
    nodes, _, data = page_data(page)
    assert nodes[0]["label"] == "Donald Trump" and data["focus"] == 0
    assert {n["label"] for n in nodes} == {"Donald Trump", "Ukraine", "Patriot", "NATO"}
    assert "Ego view: 4 entities within 1 step of Donald Trump." in page


def test_kg_html_rerenders_the_page_from_the_output_folder(tmp_path, dataset):
    (tmp_path / "graph.trig").write_text(dataset.serialize(format="trig"), encoding="utf-8")
    result = CliRunner().invoke(main, ["html", "--out", str(tmp_path), "--focus", "Donald Trump", "--depth", "2"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    nodes, _, data = page_data(page)
    assert nodes[0]["label"] == "Donald Trump" and "Jane Doe" not in {n["label"] for n in nodes}
    assert "2 articles, 2 claims, 1 supplies, 6 entities." in page
    assert render_dir(tmp_path) == tmp_path / "graph.html"
    assert len(page_data((tmp_path / "graph.html").read_text(encoding="utf-8"))[0]) == 6


def test_kg_html_names_a_missing_entity(tmp_path, dataset):
    (tmp_path / "graph.trig").write_text(dataset.serialize(format="trig"), encoding="utf-8")
    result = CliRunner().invoke(main, ["html", "--out", str(tmp_path), "--focus", "Vladimir Putin"])
    assert result.exit_code == 2
    assert "Error: no entity named 'Vladimir Putin'" in result.output


def test_an_empty_graph_still_renders():
    from kg.analyze import Analysis

    nodes, edges, data = page_data(to_html(Analysis(nx.MultiDiGraph())))
    assert nodes == [] and edges == [] and data["total"] == 0


def test_hostile_labels_and_claims_stay_text(hostile_graph):
    graph, person, label, text = hostile_graph
    page = to_html(page_analysis(graph), title=f"kg: around {label}", graph=graph, focus=person, depth=1)
    assert page.count("</script>") == 2
    script = page[page.rindex("<script>") + len("<script>"):]  # the data and the page script
    for unsafe in ("<!--", "<script", "<img", "\u2028", "\u2029"):
        assert unsafe not in script
    nodes, _, data = page_data(page)
    assert nodes[0]["label"] == label
    assert [c["text"] for c in data["claims"]] == [text]
    body = page[page.index("</head>"):page.rindex("<script>")]
    assert "<!--" not in body and "<img" not in body and "<script" not in body
    assert "<h1>kg: around Mx Evil&lt;/script&gt;&lt;!-- &lt;script&gt;" in body
    assert "&#39;single&#39; &#34;double&#34;" in body


def test_page_script_is_one_file_the_template_includes_verbatim():
    script = PAGE_SCRIPT.read_text(encoding="utf-8")
    assert "</script" not in script.lower() and "<!--" not in script  # either would end or hide the element
    for delimiter in ("{{", "{%", "{#"):  # the template includes it, so Jinja reads it as template text
        assert delimiter not in script
    page = to_html(analyze(nx.MultiDiGraph()))
    assert script in page


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have node to check the page script (.ci/run installs nodejs)")
        pytest.skip("no node on PATH: apt-get install nodejs to check the page script")
    return node


def test_page_script_parses():
    result = subprocess.run([_node(), "--check", str(PAGE_SCRIPT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_page_script_passes_eslint():
    _node()
    if not ESLINT.exists():
        pytest.skip(f"ESLint is not installed in {ESLINT.parents[2].relative_to(ROOT)}: run `make lint-tools`")
    result = subprocess.run([str(ESLINT), "--config", str(ESLINT.parents[2] / "eslint.config.mjs"),
                             "--max-warnings", "0", str(PAGE_SCRIPT)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_reader_gives_the_page_and_the_analysis_their_facts(dataset, analysis):
    from dataclasses import FrozenInstanceError

    from kg.analyze import EntityFact, GraphFacts

    facts = GraphFacts.of(dataset)
    trump = facts.entities[TRUMP]
    assert trump == EntityFact(TRUMP, "Donald Trump", "Person", ("Trump", "US President Donald Trump"))
    with pytest.raises(FrozenInstanceError):
        trump.label = "Mr Trump"
    assert sorted(c.kind for c in facts.claims if c.speaker == TRUMP) == ["direct", "indirect"]
    (supply,) = facts.supplies
    assert (supply.supplier, supply.recipient, supply.item, supply.status, supply.quantity) == (
        US, UKRAINE, PATRIOT, "ongoing", "two")
    assert facts.articles[ID + "article/a2"].title == "a2.txt"  # no title: the source's file name
    # the entity graph is made from the same facts, and keeps them for the page
    assert [c.id for c in analysis.graph.nodes[TRUMP]["claims"]] == sorted(c.id for c in facts.claims)
    assert sorted(analysis.facts.entities) == sorted(facts.entities)


GENERIC = ("weapons", "tanks", "ammunition")


@pytest.fixture(scope="module")
def crowded_graph():
    """Return an article graph where 24 countries supply Ukraine generic items and one supplies Patriots, and
    five people speak of weapons: 30 actors, and the generic items at the top of plain PageRank."""
    from rdflib import RDF, RDFS, Graph, Literal, URIRef

    from kg.vocab import KG

    g = Graph()

    def entity(path: str, cls, label: str) -> URIRef:
        iri = URIRef(ID + path)
        g.add((iri, RDF.type, cls))
        g.add((iri, RDFS.label, Literal(label)))
        return iri

    ukraine = entity("country/ukraine", KG.Country, "Ukraine")
    items = [entity(f"weapon/{name}", KG.Weapon, name) for name in GENERIC]
    patriot = entity("weapon/patriot", KG.Weapon, "Patriot")
    for i in range(24):
        supply = URIRef(ID + f"supply/s{i}")
        g.add((supply, RDF.type, KG.Supply))
        g.add((supply, KG.supplier, entity(f"country/c{i}", KG.Country, f"Country {i}")))
        g.add((supply, KG.recipient, ukraine))
        g.add((supply, KG.item, patriot if i == 0 else items[i % 3]))
    for i in range(5):
        claim = URIRef(ID + f"claim/c{i}")
        g.add((entity(f"person/p{i}", KG.Person, f"Person {i}"), KG.said, claim))
        g.add((claim, RDF.type, KG.Claim))
        g.add((claim, KG.text, Literal("More weapons and ammunition are coming")))
        g.add((claim, KG.mentions, items[0]))
        g.add((claim, KG.mentions, items[2]))
    return g


@pytest.mark.parametrize("analyse", [analyze, page_analysis], ids=["build", "kg html"])
def test_the_default_view_holds_no_generic_item_in_its_top_20(crowded_graph, analyse):
    analysis = analyse(crowded_graph)
    plain = nx.pagerank(nx.DiGraph(analysis.graph))
    assert set(sorted(plain, key=plain.get, reverse=True)[:3]) & {ID + "weapon/" + n for n in GENERIC}
    nodes, _, data = page_data(to_html(analysis, max_nodes=20, graph=crowded_graph))
    assert data["defaultCount"] == 20 and len(nodes) == 34
    top = nodes[:20]
    assert not [n["label"] for n in top if n["label"] in GENERIC or n.get("generic")]
    assert {n["label"] for n in nodes[20:] if n.get("generic")} == set(GENERIC)  # still drawn, in the full view
    assert "Patriot" in {n["label"] for n in top} and "Ukraine" == nodes[0]["label"]
