"""The built graph follows the contract: vocabulary, SHACL shapes, named graphs, stable IRIs, merged entities."""
import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, SKOS

from kg.vocab import KG, defined_terms, ontology_dir


def test_vocab_is_closed_and_matches_ontology():
    with pytest.raises(AttributeError):
        KG.sayd  # noqa: B018 - a typo must fail at once
    assert {"said", "Claim", "Supply", "supplier", "recipient", "item", "status"} <= set(defined_terms())


def test_built_graph_conforms_to_shapes(seed_dataset):
    from pyshacl import validate

    data = Graph()
    for s, p, o, _ in seed_dataset.quads((None, None, None, None)):
        data.add((s, p, o))
    ontology = Graph().parse(ontology_dir() / "newskg.ttl")
    shapes = Graph().parse(ontology_dir() / "shapes.ttl")
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    assert conforms, text


def test_one_named_graph_per_article(seed_dataset):
    articles = set(seed_dataset.subjects(RDF.type, KG.Article))
    names = {g.identifier for g in seed_dataset.graphs() if (g.identifier, RDF.type, KG.Article) in g}
    assert len(articles) == 2 and names == articles


def test_entities_merged_with_aliases_and_wikidata(seed_dataset):
    def entity(label):
        found = list(seed_dataset.subjects(RDFS.label, __import__("rdflib").Literal(label)))
        assert len(found) == 1, label
        return found[0]

    trump = entity("Donald Trump")
    assert (trump, RDF.type, KG.Person) in seed_dataset
    us = entity("United States")
    aliases = {str(a) for a in seed_dataset.objects(us, SKOS.altLabel)}
    assert {"US", "the United States"} & aliases
    assert (us, OWL.sameAs, None) in seed_dataset
    assert list(seed_dataset.objects(entity("Patriot"), KG.category)) == [KG.AirDefenceSystem]


def test_same_input_gives_same_graph(tmp_path, seed_build):
    from kg.pipeline import build

    build([], tmp_path)
    first = Graph().parse(seed_build[1] / "graph.ttl")
    second = Graph().parse(tmp_path / "graph.ttl")
    if not isomorphic(first, second):
        _, only_first, only_second = graph_diff(to_isomorphic(first), to_isomorphic(second))
        pytest.fail(f"graphs differ:\n{only_first.serialize(format='nt')[:2000]}\n---\n"
                    f"{only_second.serialize(format='nt')[:2000]}")


def test_claim_offsets_slice_the_article(seed_dataset):
    from kg.ingest import read_articles, sample_paths
    from rdflib.namespace import PROV

    texts = {a.sha256: a.text for a in read_articles(sample_paths())}
    for claim in seed_dataset.subjects(RDF.type, KG.Claim):
        article = seed_dataset.value(claim, PROV.wasDerivedFrom)
        text = texts[str(seed_dataset.value(article, KG.sha256))]
        start, end = int(seed_dataset.value(claim, KG.contentStart)), int(seed_dataset.value(claim, KG.contentEnd))
        assert text[start:end] == str(seed_dataset.value(claim, KG.text))


def test_supplies_merge_into_records(seed_dataset):
    from kg.store import query_text, run_query

    _, rows = run_query(seed_dataset, query_text("supply-records"))
    by_pair = {(str(r[0]), str(r[1]), str(r[2])): r for r in rows}
    us_ukraine = by_pair[("United States", "Ukraine", "weapons")]
    assert int(us_ukraine[6]) == 2  # stated in both sample articles
    assert "planned" in str(us_ukraine[4])


def test_exported_graph_conforms_to_shapes_without_inference(seed_build):
    """`pyshacl -s ontology/shapes.ttl graph.ttl` as a user would run it: no ontology, no RDFS inference."""
    from pyshacl import validate

    data = Graph().parse(seed_build[1] / "graph.ttl")
    conforms, _, text = validate(data, shacl_graph=Graph().parse(ontology_dir() / "shapes.ttl"))
    assert conforms, text


def test_the_shapes_lists_are_the_ontologys():
    """The shapes spell out what inference would derive; these lists must stay the ontology's own."""
    from rdflib import Namespace
    from rdflib.collection import Collection

    SH = Namespace("http://www.w3.org/ns/shacl#")
    ontology = Graph().parse(ontology_dir() / "newskg.ttl")
    shapes = Graph().parse(ontology_dir() / "shapes.ttl")
    lists = [set(Collection(shapes, node)) for node in shapes.objects(None, SH["in"])]
    for cls in (KG.SupplyStatus, KG.WeaponCategory):
        assert set(ontology.subjects(RDF.type, cls)) in lists, cls
    agent_node = URIRef("https://w3id.org/newskg/shapes#AgentNode")
    classes = {shapes.value(member, SH["class"]) for member in Collection(shapes, shapes.value(agent_node, SH["or"]))}
    assert classes == {KG.Agent} | set(ontology.subjects(RDFS.subClassOf, KG.Agent))
