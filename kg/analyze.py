"""Network analysis of the entity graph with networkx.

`read_facts` is the one reader of the RDF: it walks a graph (an article's, the
entities', or every graph of a Dataset or store) once and yields plain frozen
dataclasses. `GraphFacts` collects them, graph by graph, and both the entity
graph of the analyses (`to_networkx`) and the page's side panel (kg.render)
are built from it, so the two can never read the graph differently.

The entity graph is a MultiDiGraph of entities whose edges are `said` (speaker
-> entity named in the claim), `supplies to` (supplier -> recipient),
`supplies` (supplier -> item) and `supplied to` (item -> recipient, supplier
not named). The analyses are over actors: generic items (`tanks`, `weapons`)
stay in the graph but are never ranked, and weapon systems are ranked by the
transfers they appear in. The metric functions take that graph and return
plain dicts, easy to test on a five-node graph.
"""
from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.lifecycle import Lifecycle, supply_lifecycles
from kg.lineage import ClaimCluster, claim_clusters
from kg.store import iter_graphs
from kg.vocab import KG, SCHEMA

# A node with several types takes the first one here: a Person that is also a kg:Agent is a Person.
TYPE_NAMES = {KG.Person: "Person", KG.Organization: "Organization", KG.Country: "Country", KG.Place: "Place",
              KG.Weapon: "Weapon", KG.Agent: "Agent"}


# ---------------------------------------------------------------- what the graph says, as plain data

@dataclass(frozen=True, slots=True)
class EntityFact:
    """An entity: its IRI, canonical label, type and other names."""

    id: str
    label: str
    type: str  # Person, Organization, Country, Place, Weapon or Agent
    aliases: tuple[str, ...] = ()  # every skos:altLabel, sorted
    generic: bool = False  # an item with no designation (`tanks`): drawn, never ranked (see is_generic_item)


@dataclass(frozen=True, slots=True)
class ArticleFact:
    """An article as the page names it."""

    id: str
    title: str  # dcterms:title, else the file name of dcterms:source, else the IRI's last segment
    date: str = ""
    url: str = ""
    publisher: str = ""
    wire: str = ""  # the wire agency the text credits (kg:wireCredit, kg.lineage)
    source: str = ""  # dcterms:source


@dataclass(frozen=True, slots=True)
class ClaimFact:
    """One claim of one speaker."""

    id: str
    speaker: str
    text: str
    kind: str = ""  # direct | indirect | mixed
    article: str | None = None
    mentions: tuple[str, ...] = ()  # the entities named in the claim, sorted


@dataclass(frozen=True, slots=True)
class SupplyFact:
    """One supply event: who supplies what to whom, as one article states it."""

    id: str
    supplier: str | None
    recipient: str | None
    item: str | None
    status: str = ""  # the kg:SupplyStatus, lowercased: ongoing, delivered …
    quantity: str = ""
    evidence: str = ""
    article: str | None = None
    payer: str | None = None
    made_in: str | None = None
    when_date: str = ""  # kg:whenDate, the stated time as a date or year-month
    stated_in: str | None = None  # the claim it is stated in (kg:statedIn)


Fact = EntityFact | ArticleFact | ClaimFact | SupplyFact


def is_generic_item(label: str) -> bool:
    """Return True when a weapon's label names no particular system: a common noun alone, with no capital
    and no digit (`tanks`, `air defence systems`), where a system has a designation (`Patriot`, `Su-30MKI`).

    The graph has no term for this: kg:category kg:GenericWeapon marks only `weapons` among the generic
    items (`tanks` is a kg:Tank like a Leopard 2) and marks every unlisted system too, so the label decides.

    >>> [is_generic_item(x) for x in ("tanks", "air defence systems", "Patriot", "Leopard 2", "Su-30MKI")]
    [True, True, False, False, False]
    """
    return not any(ch.isupper() or ch.isdigit() for ch in label)


def read_facts(source: Graph | ox.Store) -> Iterator[Fact]:
    """Yield the facts of an RDF graph (an rdflib Graph or a kg.rdf.TripleIndex), a Dataset or a store.

    A store or Dataset is read one graph at a time, so a caller that keeps what it needs never holds the
    whole corpus as RDF.
    """
    for graph in iter_graphs(source):
        yield from _facts_of_graph(graph)


def _facts_of_graph(graph: Graph) -> Iterator[Fact]:
    # The IRIs of speakers, articles and entities, and the kinds, recur in every claim that names them: one
    # string each (sys.intern) instead of one per claim kept a fact store of 2,500 articles a third smaller.
    def iri(term) -> str | None:
        return sys.intern(str(term)) if term is not None else None

    def text(term) -> str:
        return str(term) if term is not None else ""

    types: dict = {}
    for cls, name in TYPE_NAMES.items():
        for node in graph.subjects(RDF.type, cls):
            types.setdefault(node, name)
    for node, kind in types.items():
        label = text(graph.value(node, RDFS.label)) or str(node).rsplit("/", 1)[-1]
        aliases = tuple(sorted({str(alt) for alt in graph.objects(node, SKOS.altLabel)} - {label}))
        yield EntityFact(str(node), label, kind, aliases, generic=kind == "Weapon" and is_generic_item(label))
    for a in set(graph.subjects(RDF.type, KG.Article)):
        source = graph.value(a, DCTERMS.source)
        title = text(graph.value(a, DCTERMS.title)) or (
            str(source).replace("\\", "/").rsplit("/", 1)[-1] if source else str(a).rsplit("/", 1)[-1])
        yield ArticleFact(str(a), title, text(graph.value(a, DCTERMS.date)), text(graph.value(a, SCHEMA.url)),
                          text(graph.value(a, KG.publisher)), text(graph.value(a, KG.wireCredit)), text(source))
    for speaker, claim in graph.subject_objects(KG.said):
        yield ClaimFact(str(claim), iri(speaker), text(graph.value(claim, KG.text)),
                        sys.intern(text(graph.value(claim, KG.kind))),
                        iri(graph.value(claim, PROV.wasDerivedFrom)),
                        tuple(sorted(iri(m) for m in graph.objects(claim, KG.mentions))))
    for supply in set(graph.subjects(RDF.type, KG.Supply)):
        status = graph.value(supply, KG.status)
        yield SupplyFact(str(supply), *(iri(graph.value(supply, p)) for p in (KG.supplier, KG.recipient, KG.item)),
                         status=str(status).rsplit("#", 1)[-1].lower() if status else "",
                         quantity=text(graph.value(supply, KG.quantity)),
                         evidence=text(graph.value(supply, KG.evidence)),
                         article=iri(graph.value(supply, PROV.wasDerivedFrom)),
                         payer=iri(graph.value(supply, KG.payer)), made_in=iri(graph.value(supply, KG.madeIn)),
                         when_date=text(graph.value(supply, KG.whenDate)),
                         stated_in=iri(graph.value(supply, KG.statedIn)))


@dataclass
class GraphFacts:
    """Every fact read from RDF graphs given one at a time (articles and entities, in any order).

    A build feeds it article by article; `GraphFacts.of` reads a whole graph, Dataset or store.
    """

    entities: dict[str, EntityFact] = field(default_factory=dict)
    articles: dict[str, ArticleFact] = field(default_factory=dict)
    claims: list[ClaimFact] = field(default_factory=list)
    supplies: list[SupplyFact] = field(default_factory=list)

    @classmethod
    def of(cls, source: Graph | ox.Store) -> GraphFacts:
        facts = cls()
        facts.add(source)
        return facts

    def add(self, source: Graph | ox.Store) -> None:
        """Take the facts of an RDF graph, a Dataset or a store."""
        for fact in read_facts(source):
            match fact:
                case EntityFact():
                    known = self.entities.get(fact.id)
                    if known is not None:  # named in two graphs: keep every name from both
                        fact = replace(known, aliases=tuple(sorted(set(known.aliases) | set(fact.aliases))))
                    self.entities[fact.id] = fact
                case ArticleFact():
                    self.articles[fact.id] = fact
                case ClaimFact():
                    self.claims.append(fact)
                case SupplyFact():
                    self.supplies.append(fact)


# ---------------------------------------------------------------- the entity graph

def to_networkx(source: Graph | ox.Store | GraphFacts) -> nx.MultiDiGraph:
    """Return the entity graph of an RDF graph, a Dataset, a store (read one graph at a time) or their facts.

    Nodes are entity IRIs with label, type, generic and the speaker's claims (their ClaimFacts, in IRI order);
    edges carry the relation and its evidence.
    """
    facts = source if isinstance(source, GraphFacts) else GraphFacts.of(source)
    G = nx.MultiDiGraph()
    for node in sorted(facts.entities):
        entity = facts.entities[node]
        G.add_node(node, label=entity.label, type=entity.type, generic=entity.generic)
    no_article = ArticleFact("", "")
    for claim in sorted(facts.claims, key=lambda c: (c.speaker, c.id)):
        if claim.speaker not in G:
            continue
        article = facts.articles.get(claim.article, no_article)
        # The fact itself, not a dict of its fields: a dict per claim held 36 MB at 8,400 articles.
        G.nodes[claim.speaker].setdefault("claims", []).append(claim)
        for target in claim.mentions:
            if target in G:
                G.add_edge(claim.speaker, target, relation="said", text=claim.text, article=article.title)
    for s in sorted(facts.supplies, key=lambda s: s.id):
        info = {"evidence": s.evidence, "status": s.status, "article": facts.articles.get(s.article, no_article).title,
                "quantity": s.quantity, "item": G.nodes[s.item]["label"] if s.item in G else ""}
        if s.supplier is not None and s.recipient is not None:
            G.add_edge(s.supplier, s.recipient, relation="supplies to", **info)
        if s.supplier is not None and s.item is not None:
            G.add_edge(s.supplier, s.item, relation="supplies", **info)
        if s.recipient is not None and s.item is not None and s.supplier is None:
            G.add_edge(s.item, s.recipient, relation="supplied to", **info)
    return G


def read_network(source: Graph | ox.Store | GraphFacts | nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, GraphFacts | None]:
    """Return the entity graph of `source` and the facts it was built from (None when given the graph itself)."""
    if isinstance(source, nx.MultiDiGraph):
        return source, None
    facts = source if isinstance(source, GraphFacts) else GraphFacts.of(source)
    return to_networkx(facts), facts


def actor_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return the view of G that the analyses rank: every entity but the generic items.

    A generic item is named by everyone (`weapons` are supplied by half the corpus), so it would top PageRank
    and join unrelated suppliers into one community without being an actor at all.
    """
    return nx.subgraph_view(G, filter_node=lambda n: not G.nodes[n].get("generic", False))


# ---------------------------------------------------------------- metrics

EXACT_BETWEENNESS_MAX = 500  # above this many nodes, betweenness is estimated ...
BETWEENNESS_SAMPLES = 100  # ... from this many sampled sources


def _links(empty: nx.Graph, G: nx.MultiDiGraph) -> nx.Graph:
    """Return `empty` filled with G's nodes and edges, in G's order, without their attributes: the metrics
    read none (no edge has a weight), and copying them took a dict per edge (20 MB at 8,400 articles)."""
    empty.add_nodes_from(G.nodes)
    empty.add_edges_from(G.edges(keys=False))
    return empty


def centrality(G: nx.MultiDiGraph, seed: int = 42, *, betweenness: bool = True) -> dict[str, dict[str, float]]:
    """Return node -> {degree, pagerank, betweenness} for every node, computed over the actors.

    Generic items are left out of the computation (see `actor_graph`): they get their degree and a
    PageRank and betweenness of 0. `betweenness=False` skips betweenness, the slow one.

    Betweenness is exact up to EXACT_BETWEENNESS_MAX nodes and estimated from
    BETWEENNESS_SAMPLES sampled sources beyond that (Brandes & Pich 2007): exact
    betweenness is O(nm) and took minutes on a corpus of 840 articles; 1,000
    samples took 16 s there, 100 samples 1.7 s and kept 8 of the top 10.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> round(centrality(G)["b"]["betweenness"], 2)
    1.0
    """
    actors = actor_graph(G)
    simple = _links(nx.DiGraph(), actors)
    pagerank = nx.pagerank(simple) if len(simple) else {}
    metrics = {n: {"degree": actors.degree(n) if n in actors else G.degree(n), "pagerank": pagerank.get(n, 0.0)}
               for n in G.nodes}
    if betweenness:
        undirected = simple.to_undirected()
        sample = BETWEENNESS_SAMPLES if len(undirected) > EXACT_BETWEENNESS_MAX else None
        values = nx.betweenness_centrality(undirected, k=sample, normalized=True, seed=seed) if len(simple) else {}
        for n, m in metrics.items():
            m["betweenness"] = values.get(n, 0.0)
    return metrics


def communities(G: nx.MultiDiGraph, seed: int = 42) -> dict[str, int]:
    """Return node -> Louvain community number (largest community first), for the actors in a community.

    A community of one is none: an entity with no link, or one Louvain leaves on its own, gets no number,
    so a graph whose communities would all be singletons has no communities. Generic items are left out.

    >>> communities(nx.MultiDiGraph([("a", "b"), ("c", "c")]))
    {'a': 0, 'b': 0}
    """
    undirected = _links(nx.Graph(), actor_graph(G))
    if undirected.number_of_edges() == 0:
        return {}
    groups = [g for g in nx.community.louvain_communities(undirected, seed=seed) if len(g) > 1]
    groups.sort(key=lambda c: (-len(c), min(c)))
    return {n: i for i, group in enumerate(groups) for n in sorted(group)}


def transfers(G: nx.MultiDiGraph) -> dict[str, int]:
    """Return weapon system -> the number of supply statements that name it (generic items left out).

    >>> G = nx.MultiDiGraph([("us", "hawk", {"relation": "supplies"}), ("hawk", "ua", {"relation": "supplied to"})])
    >>> G.nodes["hawk"].update(type="Weapon", label="Hawk")
    >>> transfers(G)
    {'hawk': 2}
    """
    counts: Counter[str] = Counter()
    for u, v, d in G.edges(data=True):
        if d.get("relation") == "supplies":
            counts[v] += 1
        elif d.get("relation") == "supplied to":
            counts[u] += 1
    return {n: counts[n] for n, d in G.nodes(data=True) if d.get("type") == "Weapon" and not d.get("generic")}


def standing(analysis: Analysis) -> dict[str, float]:
    """Return node -> the score entities are ranked by: PageRank, but weapon systems by their transfers.

    Weapon systems share the PageRank they hold as a group in proportion to the transfers each appears in:
    a system in ten transfers outranks one in two whatever its suppliers, and the systems take the room in
    the ranking that PageRank gives them. Generic items score 0.
    """
    score = {n: analysis.metrics.get(n, {}).get("pagerank", 0.0) for n in analysis.graph.nodes}
    total = sum(analysis.transfers.values())
    if total:
        pool = sum(score[n] for n in analysis.transfers)
        score.update({n: pool * t / total for n, t in analysis.transfers.items()})
    return score


def supply_chains(G: nx.MultiDiGraph, max_length: int = 4) -> list[list[str]]:
    """Return supply chains: simple paths of two or more `supplies to` edges (A -> B -> C).

    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("US", "NATO", relation="supplies to"); G.add_edge("NATO", "UA", relation="supplies to")
    0
    0
    >>> supply_chains(G)
    [['US', 'NATO', 'UA']]
    """
    flows = nx.DiGraph((u, v) for u, v, d in G.edges(data=True) if d.get("relation") == "supplies to")
    chains = []
    for source in sorted(flows.nodes):
        for target in sorted(flows.nodes):
            if source == target:
                continue
            for path in nx.all_simple_paths(flows, source, target, cutoff=max_length):
                if len(path) >= 3:
                    chains.append(path)
    # keep maximal chains only
    as_text = ["\x00".join(c) for c in chains]
    return [c for c, t in zip(chains, as_text) if not any(t != o and t in o for o in as_text)]


def top_speakers(G: nx.MultiDiGraph, n: int = 10) -> list[dict]:
    """Return the n agents with most claims, with the entities they spoke about most."""
    rows = []
    for node, data in G.nodes(data=True):
        claims = data.get("claims", [])
        if not claims:
            continue
        about = Counter(G.nodes[v]["label"] for _, v, d in G.out_edges(node, data=True) if d["relation"] == "said")
        rows.append({"node": node, "label": data["label"], "claims": len(claims),
                     "about": [label for label, _ in about.most_common(5)]})
    return sorted(rows, key=lambda r: (-r["claims"], r["label"]))[:n]


@dataclass
class Analysis:
    """Every analysis result, as plain data."""

    graph: nx.MultiDiGraph
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    community: dict[str, int] = field(default_factory=dict)
    chains: list[list[str]] = field(default_factory=list)
    speakers: list[dict] = field(default_factory=list)
    transfers: dict[str, int] = field(default_factory=dict)
    facts: GraphFacts | None = None  # what the graph was read from, when it was: the page's side panel shows it
    lifecycles: list[Lifecycle] = field(default_factory=list)  # every supply record's stages (kg.lifecycle)
    clusters: list[ClaimCluster] = field(default_factory=list)  # statements reported in several articles (kg.lineage)

    def label(self, node: str) -> str:
        return self.graph.nodes[node].get("label", node)


def analyze(source: Graph | ox.Store | GraphFacts | nx.MultiDiGraph) -> Analysis:
    """Return the networkx analysis of an RDF graph, a store, their facts, or an entity graph from `to_networkx`."""
    G, facts = read_network(source)
    return Analysis(G, centrality(G), communities(G), supply_chains(G), top_speakers(G), transfers(G), facts,
                    supply_lifecycles(facts) if facts is not None else [],
                    claim_clusters(facts) if facts is not None else [])


def write_back(graph: Graph, analysis: Analysis) -> None:
    """Add the metrics to `graph` (an rdflib Graph, or the build's kg.rdf.TripleIndex) as kg: properties so
    SPARQL can read them. A generic item gets its degree only: it is not ranked, so it has no PageRank to
    read, and an entity in no community has no kg:community."""
    for node, m in analysis.metrics.items():
        iri = URIRef(node)
        graph.add((iri, KG.degree, Literal(m["degree"])))
        if analysis.graph.nodes[node].get("generic"):
            continue
        graph.add((iri, KG.pageRank, Literal(f"{m['pagerank']:.6f}", datatype=XSD.decimal)))
        graph.add((iri, KG.betweenness, Literal(f"{m['betweenness']:.6f}", datatype=XSD.decimal)))
        if node in analysis.community:
            graph.add((iri, KG.community, Literal(analysis.community[node])))


def communities_table(analysis: Analysis) -> dict[int, list[str]]:
    """Return community -> member labels, by PageRank (only communities of two or more, see `communities`)."""
    members: dict[int, list[str]] = defaultdict(list)
    for node in sorted(analysis.community, key=lambda n: (-analysis.metrics[n]["pagerank"], n)):
        members[analysis.community[node]].append(analysis.label(node))
    return dict(sorted(members.items()))
