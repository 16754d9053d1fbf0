"""Resolution is a stage of its own: an extraction in, its entities out; the article's graph is made from that alone."""
from kg.rdf import article_graph, entity_iri
from kg.resolve import ResolvedExtraction, Resolver, resolve
from kg.types import Article, Claim, Extraction, Mention, Supply
from kg.vocab import KG

TEXT = "Olaf Scholz said Germany would send Leopard tanks to Ukraine."


def extraction(*supplies: Supply, roles=()) -> Extraction:
    article = Article(source="a.txt", text=TEXT, sha256="ab" * 32, date="2025-07-11")
    scholz = Mention("Olaf Scholz", "PERSON", 0, 11)
    claim = Claim(text="Germany would send Leopard tanks to Ukraine", start=17, end=60, kind="indirect", cue="said",
                  speaker=scholz, speaker_name="Olaf Scholz", speaker_label="PERSON", evidence=TEXT,
                  rule="test", confidence=0.9, mentions=(Mention("Germany", "GPE", 17, 24), scholz))
    return Extraction(article, (scholz, Mention("Germany", "GPE", 17, 24)), (claim,), supplies, roles)


def supply(supplier: str, recipient: str, when: str | None = None) -> Supply:
    return Supply(supplier=Mention(supplier, "GPE", 17, 24), recipient=Mention(recipient, "GPE", 53, 60),
                  item=Mention("Leopard", "WEAPON", 36, 43), status="planned", evidence=TEXT, start=17, end=60,
                  rule="test", confidence=0.8, when=when)


def test_resolve_names_the_entities_of_mentions_claims_and_supplies():
    ex = extraction(supply("Germany", "Ukraine", when="on Thursday"), roles=(("Olaf Scholz", "Chancellor"),))
    resolver = Resolver([ex])
    resolved = resolve(ex, resolver)
    assert isinstance(resolved, ResolvedExtraction)
    scholz, germany = resolved.mentions
    assert scholz[0] == "Person" and germany[0] == "Country"
    [claim] = resolved.claims
    assert claim.speaker == scholz and claim.mentions == (germany,)  # the speaker is not among what it mentions
    [s] = resolved.supplies
    assert (s.supplier, s.recipient[0], s.when) == (germany, "Country", ("2025-07-10", "date"))
    assert resolved.roles == ((scholz, "Chancellor"),) and resolver.entities[scholz].roles == {"Chancellor"}


def test_supplies_the_graph_must_not_hold_are_dropped_with_a_reason():
    ex = extraction(supply("Germany", "Germany"), supply("Republicans", "Ukraine"))
    resolved = resolve(ex, Resolver([ex]))
    assert resolved.supplies == ()
    assert [d.reason for d in resolved.dropped] == ["its supplier is its recipient",
                                                   "a party or news outlet as supplier or recipient is a figure "
                                                   "of speech"]


def test_the_article_graph_is_made_from_the_resolved_extraction_alone():
    ex = extraction(supply("Germany", "Ukraine"))
    resolver = Resolver([ex])
    resolved = resolve(ex, resolver)
    before = {e.id: (set(e.aliases), set(e.roles)) for e in resolver.entities.values()}
    graph = article_graph(resolved)
    assert article_graph(resolved)._triples == graph._triples  # the same every time
    assert {e.id: (e.aliases, e.roles) for e in resolver.entities.values()} == before  # the resolver untouched
    [(event, supplier)] = graph.subject_objects(KG.supplier)
    assert supplier == entity_iri(resolved.supplies[0].supplier) and supplier.endswith("/germany")


def test_a_pronoun_or_determiner_speaker_is_never_an_entity_of_its_own():
    from dataclasses import replace

    ex = extraction()
    both = Mention("Both", "", 0, 4)
    ex = replace(ex, claims=(replace(ex.claims[0], speaker=both, speaker_name=None, speaker_label=None),))
    resolver = Resolver([ex])
    resolved = resolve(ex, resolver)
    [claim] = resolved.claims
    assert resolver.entities[claim.speaker].name == "unattributed"
    assert not any(e.name == "Both" for e in resolver.entities.values())
