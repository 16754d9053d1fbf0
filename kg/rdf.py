"""RDF: extractions -> an rdflib Dataset; the only place IRIs are minted.

One named graph per article (its metadata, claims and supplies, with
provenance) and the default graph for the canonical entities shared by all
articles. IRIs derive from content hashes and gazetteer keys, so the same input
gives the same IRIs on every run and machine.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.lifecycle import Lifecycle, stated_in
from kg.lineage import ClaimCluster, wire_credit
from kg.resolve import Entity, EntityId, ResolvedClaim, ResolvedExtraction, ResolvedSupply, Resolver, resolve
from kg.types import Article, Extraction
from kg.vocab import ID, KG, SCHEMA, WD

KIND_CLASS = {"Person": KG.Person, "Organization": KG.Organization, "Country": KG.Country, "Place": KG.Place,
              "Weapon": KG.Weapon, "AnonymousSource": KG.AnonymousSource, "Agent": KG.Agent}
KIND_PATH = {"AnonymousSource": "anonymous-source"}  # the IRI path of a kind, when not its name in lowercase


def bind_prefixes(graph: Graph) -> None:
    """Bind the contract's prefixes on a graph or dataset."""
    for prefix, ns in (("kg", str(KG)), ("id", str(ID)), ("prov", str(PROV)), ("dcterms", str(DCTERMS)),
                       ("schema", str(SCHEMA)), ("skos", str(SKOS)), ("wd", str(WD)), ("owl", str(OWL))):
        graph.bind(prefix, ns, override=True)


def article_iri(sha256: str) -> URIRef:
    """Return the IRI (and named-graph name) of an article, from the hash of its text."""
    return ID[f"article/{sha256[:16]}"]


def entity_iri(entity: Entity | EntityId) -> URIRef:
    """Return the IRI of a canonical entity, or of the entity with that id (kind, key)."""
    kind, key = entity if isinstance(entity, tuple) else entity.id
    return ID[f"{KIND_PATH.get(kind, kind.lower())}/{key}"]


def entity_graph_iri(build_id: str) -> URIRef:
    """Return the name of one build's entity graph on a SPARQL server (locally it is the default graph)."""
    return ID[f"graph/entities/{build_id}"]


BUILDS_GRAPH = ID["graph/builds"]  # on a server: which entity graph belongs to which build (see kg.push)


def status_iri(status: str) -> URIRef:
    """Return the kg:SupplyStatus individual for a status name."""
    return KG[status.capitalize()]


def claim_iri(art: Article, start: int, end: int) -> URIRef:
    """Return the IRI of the claim whose content spans start:end in an article."""
    return ID[f"claim/{art.sha256[:16]}-{start}-{end}"]


def record_iri(supplier: str, recipient: str, item: str) -> URIRef:
    """Return the IRI of the kg:SupplyRecord of (supplier, recipient, item), from their IRIs."""
    return ID["supply-record/" + "-".join(str(x).rsplit("/", 1)[-1] for x in (supplier, recipient, item))]


def to_dataset(extractions: Iterable[Extraction], fold_government_bodies: bool = True) -> tuple[Dataset, Resolver]:
    """Return the dataset of all articles and the resolver that holds their canonical entities (a government
    body folded into its country, or kept as an Organization kg:partOf it: kg.resolve.Resolver).

    For a corpus too big to hold in memory, do what this does one article at a
    time: `kg.resolve.resolve` and `article_graph` for each, then `entity_graph`
    (see kg.pipeline).
    """
    from kg.analyze import GraphFacts  # the stages are read back from the article graphs, as a build does
    from kg.lifecycle import supply_lifecycles
    from kg.lineage import claim_clusters

    extractions = list(extractions)
    resolver = Resolver(extractions, fold_government_bodies=fold_government_bodies)
    ds = Dataset()
    bind_prefixes(ds)
    events: list[SupplyEvent] = []
    facts = GraphFacts()
    for ex in extractions:
        graph = article_graph(resolve(ex, resolver))
        target = ds.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)
        events += supply_events(graph)
        facts.add(graph)
    entities = entity_graph(resolver, events)
    add_lifecycles(entities, supply_lifecycles(facts))
    add_clusters(entities, claim_clusters(facts))
    default = ds.default_graph
    default += entities
    return ds, resolver


def article_graph(resolved: ResolvedExtraction) -> TripleIndex:
    """Return the named graph of one article: its metadata, claims and supplies, with provenance.

    A pure function of the resolved extraction: the entities it names are
    already in the resolver (kg.resolve.resolve), which this never asks.
    """
    graph = TripleIndex(article_iri(resolved.article.sha256))
    _add_article(graph, resolved)
    return graph


class TripleIndex:
    """The triples of one article graph, with the few look-ups its readers make (rdflib's Graph API).

    A build makes one per article and reads each once (kg.analyze.EntityNetwork,
    kg.render.PageFacts, supply_events, the store): rdflib's Memory store, with
    its contexts and events, made this the slowest part of a build's graph stage.
    """

    def __init__(self, identifier: URIRef | None = None):
        self.identifier = identifier
        self._triples: dict[tuple, None] = {}  # an ordered set
        self._by_subject_predicate: dict[tuple, list] = {}
        self._by_predicate: dict[object, list] = {}

    def add(self, triple: tuple) -> None:
        if triple in self._triples:
            return
        self._triples[triple] = None
        s, p, o = triple
        self._by_subject_predicate.setdefault((s, p), []).append(o)
        self._by_predicate.setdefault(p, []).append((s, o))

    def __iter__(self):
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def value(self, subject, predicate):
        values = self._by_subject_predicate.get((subject, predicate))
        return values[0] if values else None

    def objects(self, subject, predicate):
        return iter(self._by_subject_predicate.get((subject, predicate), ()))

    def subjects(self, predicate, obj):  # readers ask for the few subjects of an rdf:type
        return (s for s, o in self._by_predicate.get(predicate, ()) if o == obj)

    def subject_objects(self, predicate):
        return iter(self._by_predicate.get(predicate, ()))


SupplyEvent = tuple[URIRef, URIRef, URIRef, URIRef]  # (supplier, recipient, item, the kg:Supply event)


def supply_events(graph: Graph | TripleIndex) -> list[SupplyEvent]:
    """Return the supply events of a graph that name a supplier, a recipient and an item."""
    events = []
    for supply in graph.subjects(RDF.type, KG.Supply):
        key = tuple(graph.value(supply, p) for p in (KG.supplier, KG.recipient, KG.item))
        if None not in key:
            events.append((*key, supply))
    return events


def entity_graph(resolver: Resolver, events: Iterable[SupplyEvent]) -> TripleIndex:
    """Return the default graph: the canonical entities, and one kg:SupplyRecord per (supplier, recipient, item)
    merging the supply events of every article."""
    graph = TripleIndex()
    for entity in sorted(resolver.entities.values(), key=lambda e: e.id):
        _add_entity(graph, entity)
    records: dict[tuple, list[URIRef]] = {}
    for supplier, recipient, item, event in events:
        records.setdefault((supplier, recipient, item), []).append(event)
    for (supplier, recipient, item), merged in sorted(records.items()):
        iri = record_iri(supplier, recipient, item)
        graph.add((iri, RDF.type, KG.SupplyRecord))
        graph.add((iri, KG.supplier, supplier))
        graph.add((iri, KG.recipient, recipient))
        graph.add((iri, KG.item, item))
        for event in sorted(merged):
            graph.add((iri, KG.evidencedBy, event))
    return graph


def add_lifecycles(graph: TripleIndex | Graph, lifecycles: Iterable[Lifecycle]) -> None:
    """Add what kg.lifecycle found to the entity graph: each event's kg:stageOrder in its record, and
    kg:contested on the records whose sources contradict each other."""
    for life in lifecycles:
        for n, stage in enumerate(life.stages, 1):
            graph.add((URIRef(stage.supply), KG.stageOrder, Literal(n)))
        if life.contested:
            graph.add((record_iri(life.supplier, life.recipient, life.item), KG.contested, Literal(True)))


def cluster_iri(cluster: ClaimCluster) -> URIRef:
    """Return the IRI of a kg:ClaimCluster (named after its earliest claim and its speaker)."""
    return ID["claim-cluster/" + cluster.id]


def add_clusters(graph: TripleIndex | Graph, clusters: Iterable[ClaimCluster]) -> None:
    """Add what kg.lineage found to the entity graph (see `cluster_triples`)."""
    for triple in cluster_triples(clusters):
        graph.add(triple)


def cluster_triples(clusters: Iterable[ClaimCluster]) -> Iterator[tuple]:
    """Yield what kg.lineage found, for the entity graph, each triple once: one kg:ClaimCluster per statement
    reported in several articles, with its claims, its earliest one, its wordings and how many articles,
    outlets and origins carried it."""
    for cluster in clusters:
        iri = cluster_iri(cluster)
        yield iri, RDF.type, KG.ClaimCluster
        yield iri, KG.speaker, URIRef(cluster.speaker)
        for report in cluster.reports:
            yield iri, KG.hasMember, URIRef(report.claim)
        yield iri, KG.earliest, URIRef(cluster.earliest.claim)
        for variant in cluster.variants:
            yield iri, KG.variant, Literal(variant)
        for term, values in ((KG.outlet, cluster.outlets), (KG.origin, cluster.origins)):
            for value in values:
                yield iri, term, Literal(value)
        yield iri, KG.articleCount, Literal(len(cluster.articles))
        yield iri, KG.outletCount, Literal(len(cluster.outlets))
        yield iri, KG.originCount, Literal(len(cluster.origins))


def _add_article(g: TripleIndex, resolved: ResolvedExtraction) -> None:
    art = resolved.article
    iri = article_iri(art.sha256)
    g.add((iri, RDF.type, KG.Article))
    g.add((iri, DCTERMS.source, Literal(art.source)))
    g.add((iri, KG.sha256, Literal(art.sha256)))
    if art.title:
        g.add((iri, DCTERMS.title, Literal(art.title)))
    if art.date:
        g.add((iri, DCTERMS.date, Literal(art.date, datatype=XSD.date)))
    if art.url:
        g.add((iri, SCHEMA.url, URIRef(art.url)))
    if art.publisher:
        g.add((iri, KG.publisher, Literal(art.publisher)))
    if wire := wire_credit(art.text):  # the origin of a wire copy (kg.lineage)
        g.add((iri, KG.wireCredit, Literal(wire)))
    for entity in resolved.mentions:
        if entity is not None:
            g.add((iri, SCHEMA.mentions, entity_iri(entity)))
    for claim in resolved.claims:
        _add_claim(g, iri, art, claim)
    claims = [c.claim for c in resolved.claims]
    for supply in resolved.supplies:
        _add_supply(g, iri, art, supply)
        within = stated_in(supply.supply, claims)
        if within is not None:  # who asserts this stage of the transfer (kg.lifecycle)
            g.add((_supply_iri(art, supply), KG.statedIn, claim_iri(art, within.start, within.end)))


def _add_claim(g: TripleIndex, article: URIRef, art: Article, resolved: ResolvedClaim) -> None:
    claim = resolved.claim
    iri = claim_iri(art, claim.start, claim.end)
    g.add((entity_iri(resolved.speaker), KG.said, iri))
    g.add((iri, RDF.type, KG.Claim))
    g.add((iri, KG.text, Literal(claim.text)))
    g.add((iri, KG.kind, Literal(claim.kind)))
    g.add((iri, KG.cue, Literal(claim.cue)))
    g.add((iri, KG.polarity, Literal(claim.polarity)))
    g.add((iri, KG.contentStart, Literal(claim.start)))
    g.add((iri, KG.contentEnd, Literal(claim.end)))
    if claim.speaker is not None:  # an unattributed claim rests on no mention
        g.add((iri, KG.speakerStart, Literal(claim.speaker.start)))
        g.add((iri, KG.speakerEnd, Literal(claim.speaker.end)))
        g.add((iri, KG.speakerText, Literal(claim.speaker.text)))
    g.add((iri, KG.evidence, Literal(claim.evidence)))
    g.add((iri, KG.confidence, Literal(f"{claim.confidence:.2f}", datatype=XSD.decimal)))
    g.add((iri, KG.rule, Literal(claim.rule)))
    g.add((iri, PROV.wasDerivedFrom, article))
    for entity in resolved.mentions:
        g.add((iri, KG.mentions, entity_iri(entity)))


def _supply_iri(art: Article, resolved: ResolvedSupply) -> URIRef:
    return ID[f"supply/{art.sha256[:16]}-{resolved.supply.start}-{resolved.n}"]


def _add_supply(g: TripleIndex, article: URIRef, art: Article, resolved: ResolvedSupply) -> None:
    supply = resolved.supply
    item, supplier, recipient = (entity_iri(e) if e else None
                                 for e in (resolved.item, resolved.supplier, resolved.recipient))
    iri = _supply_iri(art, resolved)
    g.add((iri, RDF.type, KG.Supply))
    g.add((iri, KG.item, item))
    g.add((iri, KG.status, status_iri(supply.status)))
    g.add((iri, KG.evidence, Literal(supply.evidence)))
    g.add((iri, KG.contentStart, Literal(supply.start)))
    g.add((iri, KG.contentEnd, Literal(supply.end)))
    g.add((iri, KG.confidence, Literal(f"{supply.confidence:.2f}", datatype=XSD.decimal)))
    g.add((iri, KG.rule, Literal(supply.rule)))
    g.add((iri, PROV.wasDerivedFrom, article))
    if supply.quantity:
        g.add((iri, KG.quantity, Literal(supply.quantity)))
    if supply.when:
        g.add((iri, KG.when, Literal(supply.when)))
        if resolved.when:
            value, kind = resolved.when
            g.add((iri, KG.whenDate, Literal(value, datatype=XSD.date if kind == "date" else XSD.gYearMonth)))
    if supplier is not None:
        g.add((iri, KG.supplier, supplier))
        g.add((supplier, KG.supplies, item))
    if recipient is not None:
        g.add((iri, KG.recipient, recipient))
    if supplier is not None and recipient is not None:
        g.add((supplier, KG.suppliesTo, recipient))
    for prop, other in ((KG.payer, resolved.payer), (KG.via, resolved.via), (KG.madeIn, resolved.made_in)):
        if other is not None:
            g.add((iri, prop, entity_iri(other)))


def _add_entity(g: TripleIndex, entity: Entity) -> None:
    iri = entity_iri(entity)
    g.add((iri, RDF.type, KIND_CLASS[entity.kind]))
    if entity.kind == "AnonymousSource":  # stated, not inferred: readers that know only kg:Agent still see a speaker
        g.add((iri, RDF.type, KG.Agent))
    g.add((iri, RDFS.label, Literal(entity.name)))
    for alias in sorted(entity.aliases - {entity.name, ""}):
        g.add((iri, SKOS.altLabel, Literal(alias)))
    if entity.wikidata:
        g.add((iri, OWL.sameAs, WD[entity.wikidata]))
    if entity.kind == "Weapon":
        g.add((iri, KG.category, KG[entity.category or "GenericWeapon"]))
    for role in sorted(entity.roles):
        g.add((iri, KG.role, Literal(role)))
    if entity.affiliation is not None:
        g.add((iri, KG.affiliation, entity_iri(entity.affiliation)))
    if entity.part_of is not None:
        g.add((iri, KG.partOf, entity_iri(entity.part_of)))


def union_graph(ds: Dataset) -> Graph:
    """Return every triple of the dataset in one graph (for graph.ttl)."""
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
