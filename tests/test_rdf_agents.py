"""Government bodies in the graph: the Pentagon is kg:partOf the United States."""
import pytest
from rdflib import RDF, RDFS, Graph, Literal

from kg.rdf import to_dataset, union_graph
from kg.types import Article, Extraction, Mention
from kg.vocab import KG


def article(source: str, text: str) -> Article:
    import hashlib

    return Article(source=source, text=text, sha256=hashlib.sha256((source + text).encode()).hexdigest())


def graph(*extractions: Extraction) -> Graph:
    """Return the union of the named graphs and the entities the extractions give."""
    return union_graph(to_dataset(extractions)[0])


@pytest.mark.parametrize("mention, name, country", [
    (Mention("Russian Defence Ministry", "ORG", 0, 24), "Russian Ministry of Defence", "Russia"),  # the gazetteer's
    (Mention("Pentagon", "ORG", 0, 8), "Pentagon", "United States"),
    (Mention("Slovak Defense Ministry", "ORG", 0, 23), "Slovak Defense Ministry", "Slovakia"),  # from its name
])
def test_a_government_body_is_part_of_its_country(mention, name, country):
    ex = Extraction(article("a.txt", mention.text), (mention,), (), ())
    g = graph(ex)
    [body] = g.subjects(RDFS.label, Literal(name))
    assert (body, RDF.type, KG.Organization) in g
    assert g.value(g.value(body, KG.partOf), RDFS.label) == Literal(country)


@pytest.mark.parametrize("name", ["NATO", "Rheinmetall", "Defence Ministry"])  # not a government body; no country
def test_other_organisations_are_part_of_no_country(name):
    ex = Extraction(article("a.txt", name), (Mention(name, "ORG", 0, len(name)),), (), ())
    g = graph(ex)
    assert not list(g.subject_objects(KG.partOf))
