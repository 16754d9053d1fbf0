"""Anonymous sources and government bodies in the graph: `U.S. officials` in an article is one kg:AnonymousSource
with kg:affiliation United States; the Pentagon is a name of the United States, or, kept apart, an Organization
kg:partOf the United States."""
import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal

from kg.rdf import entity_iri, to_dataset, union_graph
from kg.resolve import Resolver, is_anonymous_source
from kg.types import Article, Claim, Extraction, Mention
from kg.vocab import KG, ontology_dir

TEXT = ("U.S. officials said the jets would arrive in May. U.S. officials said more would follow. "
        "The Russian Defence Ministry said it was watching.")


def article(source: str, text: str = TEXT) -> Article:
    import hashlib

    return Article(source=source, text=text, sha256=hashlib.sha256((source + text).encode()).hexdigest())


def claim(text: str, content: str, speaker: str, nth: int = 0, name: str | None = None,
          label: str | None = None) -> Claim:
    """Return a claim of `content` by the nth mention of `speaker` in `text`, resolved to (name, label)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(speaker, at + 1)
    start = text.index(content)
    return Claim(text=content, start=start, end=start + len(content), kind="indirect", cue="say",
                 speaker=Mention(speaker, label or "", at, at + len(speaker)), speaker_name=name, speaker_label=label,
                 evidence=text, rule="test", confidence=0.9)


def officials_extraction(source: str) -> Extraction:
    """Two claims by `U.S. officials` and one by a ministry, as the claim rules leave them (an unnamed group has
    no speaker name; a ministry speaks for its country)."""
    ministry = Mention("Russian Defence Ministry", "ORG", TEXT.index("Russian"), TEXT.index(" said it"))
    return Extraction(article(source), (Mention("U.S.", "GPE", 0, 4), ministry), (
        claim(TEXT, "the jets would arrive in May", "U.S. officials"),
        claim(TEXT, "more would follow", "U.S. officials", nth=1),
        claim(TEXT, "it was watching", "Russian Defence Ministry", name="Russia", label="GPE"),
    ), ())


def graph(*extractions: Extraction, fold: bool = True) -> Graph:
    """Return the union of the named graphs and the entities the extractions give."""
    return union_graph(to_dataset(extractions, fold_government_bodies=fold)[0])


def speakers(g, cls=None):
    return {agent for agent, _ in g.subject_objects(KG.said) if cls is None or (agent, RDF.type, cls) in g}


def test_an_unnamed_group_is_one_anonymous_source_of_its_article_with_its_affiliation():
    g = graph(officials_extraction("a.txt"))
    [source] = speakers(g, KG.AnonymousSource)
    assert len(list(g.objects(source, KG.said))) == 2  # both claims, one node
    assert g.value(source, RDFS.label) == Literal("U.S. officials")
    assert (source, RDF.type, KG.Agent) in g  # still an agent to readers that know no more
    us = g.value(source, KG.affiliation)
    assert g.value(us, RDFS.label) == Literal("United States") and (us, RDF.type, KG.Country) in g


def test_the_same_words_in_two_articles_are_two_anonymous_sources():
    g = graph(officials_extraction("a.txt"), officials_extraction("b.txt"))
    sources = speakers(g, KG.AnonymousSource)
    assert len(sources) == 2
    assert {g.value(s, RDFS.label) for s in sources} == {Literal("U.S. officials")}
    assert len({g.value(s, KG.affiliation) for s in sources}) == 1  # one United States for both


def test_no_bare_agent_is_named_after_an_unnamed_group():
    g = graph(officials_extraction("a.txt"))
    bare = {a for a in g.subjects(RDF.type, KG.Agent) if (a, RDF.type, KG.AnonymousSource) not in g}
    assert {str(g.value(a, RDFS.label)) for a in bare} <= {"unattributed"}


@pytest.mark.parametrize("mention, name, country", [
    (Mention("Russian Defence Ministry", "ORG", 0, 24), "Russian Ministry of Defence", "Russia"),  # the gazetteer's
    (Mention("Pentagon", "ORG", 0, 8), "Pentagon", "United States"),
    (Mention("Slovak Defense Ministry", "ORG", 0, 23), "Slovak Defense Ministry", "Slovakia"),  # from its name
])
def test_a_government_body_kept_apart_is_part_of_its_country(mention, name, country):
    ex = Extraction(article("a.txt", mention.text), (mention,), (), ())
    g = graph(ex, fold=False)
    [body] = g.subjects(RDFS.label, Literal(name))
    assert (body, RDF.type, KG.Organization) in g
    assert g.value(g.value(body, KG.partOf), RDFS.label) == Literal(country)


@pytest.mark.parametrize("mention, name, country", [
    (Mention("Russian Defence Ministry", "ORG", 0, 24), "Russian Ministry of Defence", "Russia"),
    (Mention("the Pentagon", "ORG", 0, 12), "Pentagon", "United States"),
    (Mention("Slovak Defense Ministry", "ORG", 0, 23), "Slovak Defense Ministry", "Slovakia"),
    (Mention("Hungarian parliament", "ORG", 0, 20), "Hungarian parliament", "Hungary"),
    (Mention("Estonian Center for Defense Investment", "ORG", 0, 38), "Estonian Center for Defense Investment",
     "Estonia"),
])
def test_a_government_body_is_folded_into_its_country(mention, name, country):
    ex = Extraction(article("a.txt", mention.text), (mention,), (), ())
    g = graph(ex)
    assert not list(g.subjects(RDF.type, KG.Organization)) and not list(g.subject_objects(KG.partOf))
    [state] = g.subjects(RDF.type, KG.Country)
    assert g.value(state, RDFS.label) == Literal(country)
    assert {Literal(name), Literal(mention.text)} <= set(g.objects(state, SKOS.altLabel))


@pytest.mark.parametrize("name", ["Canadian Association of Defence and Security Industries",
                                  "German Defence Industry Association", "Polish Defence Holding"])
def test_a_trade_body_or_company_is_no_government_body(name):
    ex = Extraction(article("a.txt", name), (Mention(name, "ORG", 0, len(name)),), (), ())
    g = graph(ex)
    [org] = g.subjects(RDF.type, KG.Organization)
    assert g.value(org, RDFS.label) == Literal(name) and not list(g.subjects(RDF.type, KG.Country))


@pytest.mark.parametrize("name", ["NATO", "Rheinmetall", "Defence Ministry"])  # not a government body; no country
def test_other_organisations_are_part_of_no_country(name):
    ex = Extraction(article("a.txt", name), (Mention(name, "ORG", 0, len(name)),), (), ())
    g = graph(ex, fold=False)
    assert not list(g.subject_objects(KG.partOf))


@pytest.mark.parametrize("description, expected", [
    ("U.S. officials", True), ("officials", True), ("a source familiar with the matter", True),
    ("officials in Moscow", True), ("A diplomat", True), ("local media", True), ("Two Egyptian security sources", True),
    ("Official data", False), ("a German newspaper report", False), ("CEO", False), ("Western powers", False),
    ("visit", False),
])
def test_which_descriptions_are_anonymous_sources(description, expected):
    assert is_anonymous_source(description) is expected


@pytest.mark.parametrize("description, affiliation, fold", [
    ("U.S. officials", ("Country", "united-states"), True),
    ("American officials", ("Country", "united-states"), True),
    ("Pentagon officials", ("Country", "united-states"), True),  # the Pentagon folded into its country
    ("Pentagon officials", ("Organization", "pentagon"), False),
    ("US State Department officials", ("Organization", "state-department"), False),  # the longest name wins
    ("Two Egyptian security sources", ("Country", "egypt"), True),
    ("officials in Moscow", ("Country", "russia"), True),
    ("U.N. sanctions monitors", ("Organization", "united-nations"), True),
    ("a navy source", None, True), ("officials", None, True), ("A second source", None, True),
])
def test_an_anonymous_source_is_affiliated_with_what_its_words_name(description, affiliation, fold):
    resolver = Resolver([], fold_government_bodies=fold)
    source = resolver.unnamed_speaker("0123456789abcdef", Mention(description, "", 0, len(description)))
    assert source.kind == "AnonymousSource"
    assert source.affiliation == affiliation
    if affiliation is not None:
        assert affiliation in resolver.entities  # the graph will hold what it points to


def conforms(data: Graph) -> tuple[bool, str]:
    from pyshacl import validate

    conforms, _, text = validate(data, shacl_graph=Graph().parse(ontology_dir() / "shapes.ttl"))
    return conforms, text


@pytest.mark.parametrize("fold", [True, False])
def test_a_graph_with_anonymous_sources_and_bodies_conforms_to_the_shapes(fold):
    g = graph(officials_extraction("a.txt"), officials_extraction("b.txt"), fold=fold)
    assert bool(list(g.subject_objects(KG.partOf))) is not fold and list(g.subject_objects(KG.affiliation))
    ok, text = conforms(g)
    assert ok, text


def test_parsed_articles_give_anonymous_sources_and_keep_a_single_official_with_the_country(parse):
    """End to end from text: the claim rules, then resolution and the graph."""
    from kg.extract import extract

    texts = ["U.S. officials said the jets would arrive in May. U.S. officials said more jets would follow.",
             "U.S. officials said the talks had failed. One Turkish official said the deal was off. "
             "A source familiar with the matter said the talks would resume."]
    extractions = [extract(*parse(text)) for text in texts]
    g = graph(*extractions)
    sources = speakers(g, KG.AnonymousSource)
    by_label = {}
    for s in sources:
        by_label.setdefault(str(g.value(s, RDFS.label)), []).append(s)
    assert len(by_label["U.S. officials"]) == 2  # one per article
    first = next(s for s in by_label["U.S. officials"] if len(list(g.objects(s, KG.said))) == 2)
    assert g.value(g.value(first, KG.affiliation), RDFS.label) == Literal("United States")
    # `A source familiar with the matter` is labelled `source`: a count or an article is not who speaks
    assert "source" in by_label and g.value(by_label["source"][0], KG.affiliation) is None
    turkey = entity_iri(("Country", "turkey"))
    assert turkey in speakers(g) and not (turkey, RDF.type, KG.AnonymousSource) in g  # the official is Turkey's
    ok, text = conforms(g)
    assert ok, text


@pytest.mark.parametrize("words", ["'s", "’s", "30 percent"])
def test_speaker_words_that_name_no_one_give_the_unattributed_agent(words):
    from kg.resolve import _names_no_one

    assert _names_no_one(words)
    assert not _names_no_one("the 25 delegates") and not _names_no_one("UN")
