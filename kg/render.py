"""HTML: the entity graph as an interactive pyvis page that works offline.

The page is rendered by pyvis (`Network.generate_html`) through kg's own
template: vis-network is inlined from the copy pyvis ships, every style and
script is inline, and anything that would still point off the page (a CDN
link, a source map) is stripped, so opening it makes no request but for the
file itself.

What the page offers, all in plain JavaScript over vis-network:

- a header with the title, the corpus summary, the build date and a legend
  whose entries double as filters (entity types and relations);
- node size by PageRank; colours from the Okabe–Ito palette, which stays
  distinguishable with the common colour-vision deficiencies, and a shape per
  type so colour is never the only cue;
- a search box that finds a node by its label or any `skos:altLabel`;
- a side panel on click: a person's claims (quote, date, article linked to its
  URL), a country's supplies in and out, a weapon's suppliers and recipients;
- physics that stabilises off-screen and is then switched off, so the page
  stays still and light; large graphs open on the top `max_nodes` entities by
  PageRank with a switch to the full graph (pyvis #204: pages that hang on
  1,500 nodes), and `focus=` narrows the page to an ego graph.
"""
from __future__ import annotations

import difflib
import html
import json
import math
import os
import re
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
import pyvis
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from pyvis.network import Network
import pyoxigraph as ox
from rdflib import RDF, Graph
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.analyze import Analysis, EntityNetwork, to_networkx
from kg.errors import InputError
from kg.store import iter_graphs
from kg.vocab import KG, SCHEMA

# Okabe–Ito palette, one shape per type: readable with deuteranopia, protanopia and tritanopia.
STYLE = {
    "Person": ("#E69F00", "dot"),
    "Organization": ("#56B4E9", "square"),
    "Country": ("#009E73", "diamond"),
    "Place": ("#999999", "triangleDown"),
    "Weapon": ("#D55E00", "triangle"),
    "Agent": ("#CC79A7", "dot"),
}
# relation -> (colour, dashed, what an edge means); the first four are always offered as filters.
RELATIONS = {
    "said": ("#6E6E6E", False, "speaker → an entity named in one of their claims"),
    "mentions": ("#CC79A7", True, "an entity → an entity it mentions"),
    "supplies": ("#D55E00", False, "supplier → weapon"),
    "supplies to": ("#0072B2", False, "supplier → recipient"),
    "supplied to": ("#D55E00", True, "weapon → recipient, supplier not named"),
}
CORE_RELATIONS = ("said", "supplies", "supplies to", "mentions")
DEFAULT_MAX_NODES = 300

_REMOTE = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(?:https?:|//|\.\./)[^"]*"[^>]*>(?:\s*</script>)?', re.I)
_SOURCE_MAP = re.compile(r"/[/*][#@] sourceMappingURL=[^\s*<>\"']+(?: \*/)?")
_TEMPLATE_NAME = "kg-graph.html"


def to_html(analysis: Analysis, title: str = "kg: news knowledge graph", summary: str = "",
            max_nodes: int = DEFAULT_MAX_NODES, *, graph: Graph | ox.Store | PageFacts | None = None, focus: str | None = None,
            depth: int = 2, built: datetime | None = None) -> str:
    """Return a self-contained HTML page of the entity graph.

    Parameters
    ----------
    analysis : the networkx analysis (`kg.analyze.analyze`) whose graph and PageRank are drawn.
    title, summary : the page heading and the corpus summary shown under it.
    max_nodes : the default view shows the top `max_nodes` entities by PageRank; a switch shows all.
    graph : the RDF graph or store the analysis came from, or the PageFacts read from it; when given,
        search also matches `skos:altLabel` and the side panel gains article URLs, claim kinds, payers
        and makers.
    focus, depth : draw only the entities within `depth` steps of the entity named `focus`
        (a label or alternative label); raises InputError when no entity has that name.
    built : the build time shown in the header (now when omitted).
    """
    G = analysis.graph
    facts = graph if isinstance(graph, PageFacts) or graph is None else PageFacts.of(graph)
    names = entity_names(G, facts)
    rank = {n: analysis.metrics.get(n, {}).get("pagerank", 0.0) for n in G.nodes}
    centre = None
    scope = set(G.nodes)
    if focus is not None:
        centre = find_entity(G, names, focus, rank)
        scope = ego_nodes(G, centre, depth)
    order = sorted(scope, key=lambda n: (n != centre, -rank[n], G.nodes[n].get("label", n)))
    index = {n: i for i, n in enumerate(order)}
    default_count = min(max(int(max_nodes), 1), len(order))

    base = os.path.commonprefix(order)
    base = base[: base.rfind("/") + 1]
    nodes = _vis_nodes(G, order, names, rank, analysis, base)
    edges = _vis_edges(G, index)
    records = facts.records(G, index) if facts is not None else _records_from_networkx(G, index)
    relation_counts: dict[str, int] = defaultdict(int)
    for e in edges:
        relation_counts[e["relation"]] += e["count"]
    type_counts: dict[str, int] = defaultdict(int)
    for n in nodes:
        type_counts[n["group"]] += 1

    if centre is not None:
        note = f"Ego view: {len(order)} entities within {depth} step{'s' if depth != 1 else ''} of " \
               f"{G.nodes[centre].get('label', centre)}."
    else:
        note = ""
    data = {
        "iriBase": base,
        "defaultCount": default_count,
        "total": len(order),
        "focus": 0 if centre is not None else None,
        "types": [{"name": t, "colour": c, "shape": s, "count": type_counts.get(t, 0)}
                  for t, (c, s) in STYLE.items()],
        "relations": [{"name": r, "colour": c, "dashed": d, "meaning": m, "count": relation_counts.get(r, 0)}
                      for r, (c, d, m) in RELATIONS.items() if r in CORE_RELATIONS or relation_counts.get(r)],
        **records,
    }
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.nodes, net.node_ids = nodes, [n["id"] for n in nodes]
    net.edges = edges
    net.options = _vis_options()
    env = Environment(loader=ChoiceLoader([DictLoader({_TEMPLATE_NAME: _TEMPLATE}),
                                           FileSystemLoader(str(Path(pyvis.__file__).parent / "templates"))]),
                      autoescape=False)
    env.globals.update(
        kg_title=html.escape(title),
        kg_header=_header(title, summary, note, built or datetime.now(timezone.utc), data),
        kg_css=_CSS,
        kg_data=_script_json(data),
        kg_script=_SCRIPT,
    )
    net.templateEnv, net.path = env, _TEMPLATE_NAME
    page = net.generate_html()
    return _SOURCE_MAP.sub("", _REMOTE.sub("", page))


def render_dir(out_dir: str | Path, *, focus: str | None = None, depth: int = 2,
               max_nodes: int = DEFAULT_MAX_NODES, title: str | None = None) -> Path:
    """Return the path of `out_dir`/graph.html, re-rendered from the graph `kg build` wrote to out_dir."""
    from kg.store import open_store, write_atomic

    network, facts = EntityNetwork(), PageFacts()
    for rdf in iter_graphs(open_store(out_dir)):  # one pass over the store feeds both
        network.add(rdf)
        facts.add(rdf)
    analysis = page_analysis(network.finish())
    if title is None:
        title = "kg: news knowledge graph" if focus is None else f"kg: around {focus}"
    page = to_html(analysis, title=title, summary=corpus_summary(facts, analysis), max_nodes=max_nodes,
                   graph=facts, focus=focus, depth=depth)
    path = Path(out_dir) / "graph.html"
    write_atomic(path, page.encode("utf-8"))
    return path


def page_analysis(graph: Graph | ox.Store | nx.MultiDiGraph) -> Analysis:
    """Return the part of `kg.analyze.analyze` the page needs: the entity graph, degree and PageRank.

    The page draws nothing else, and the rest (exact betweenness above all) takes minutes on a few
    thousand entities, so `kg html` leaves it out.
    """
    G = graph if isinstance(graph, nx.MultiDiGraph) else to_networkx(graph)
    pagerank = nx.pagerank(nx.DiGraph(G)) if len(G) else {}
    return Analysis(G, {n: {"degree": G.degree(n), "pagerank": pagerank.get(n, 0.0)} for n in G.nodes})


def corpus_summary(facts: PageFacts, analysis: Analysis) -> str:
    """Return a one-line summary of the corpus: articles, claims, supplies and entities."""
    return (f"{len(facts.articles)} articles, {len(facts.claims)} claims, {len(facts.supplies)} supplies, "
            f"{len(analysis.graph)} entities.")


def entity_names(G: nx.MultiDiGraph, graph: Graph | ox.Store | PageFacts | None = None) -> dict[str, list[str]]:
    """Return node -> its names: the label first, then each `skos:altLabel` found in `graph`.

    >>> G = nx.MultiDiGraph(); G.add_node("x", label="Donald Trump")
    >>> entity_names(G)
    {'x': ['Donald Trump']}
    """
    names = {n: [str(d.get("label", n))] for n, d in G.nodes(data=True)}
    if graph is not None:
        facts = graph if isinstance(graph, PageFacts) else PageFacts.of(graph)
        for node, alts in facts.alt_labels.items():
            own = names.get(node)
            if own is not None:
                own += [alt for alt in alts if alt not in own]
        for own in names.values():
            own[1:] = sorted(own[1:], key=str.casefold)
    return names


def find_entity(G: nx.MultiDiGraph, names: dict[str, list[str]], name: str,
                rank: dict[str, float] | None = None) -> str:
    """Return the node named `name`: by label, else alternative label, else IRI, else a name containing it.

    Case and spacing are ignored; among several matches the higher PageRank wins. Raises InputError,
    naming close matches, when nothing fits.
    """
    rank = rank or {}
    wanted = " ".join(name.split()).casefold()
    tiers = (
        [n for n, own in names.items() if own[0].casefold() == wanted],
        [n for n, own in names.items() if any(x.casefold() == wanted for x in own[1:])],
        [name] if name in G else [],
        [n for n, own in names.items() if any(wanted in x.casefold() for x in own)],
    )
    for hits in tiers:
        if hits:
            return max(hits, key=lambda n: (rank.get(n, 0.0), n))
    close = difflib.get_close_matches(name, sorted({own[0] for own in names.values()}), n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"no entity named '{name}' in the graph{hint}")


def ego_nodes(G: nx.MultiDiGraph, centre: str, depth: int) -> set[str]:
    """Return the nodes within `depth` steps of `centre`, following edges either way.

    >>> G = nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    >>> sorted(ego_nodes(G, "a", 2))
    ['a', 'b', 'c']
    """
    if depth < 0:
        raise InputError(f"depth must be 0 or more, not {depth}")
    return set(nx.ego_graph(G.to_undirected(as_view=True), centre, radius=depth))


def _vis_nodes(G, order, names, rank, analysis, base: str) -> list[dict]:
    """Return the vis nodes, lean: the page script derives shape, colour, font and tooltip from these fields."""
    top = max((rank[n] for n in order), default=0.0) or 1.0
    nodes = []
    for i, node in enumerate(order):
        data = G.nodes[node]
        own = names[node]
        row = {"id": i, "label": own[0], "group": data.get("type") if data.get("type") in STYLE else "Agent",
               # sqrt: PageRank is heavy-tailed, so a linear scale would draw nearly every node at the minimum.
               "size": round(8 + 30 * math.sqrt(rank[node] / top), 1),
               "rank": float(f"{rank[node]:.3g}"), "degree": int(analysis.metrics.get(node, {}).get("degree", 0)),
               "iri": node[len(base):]}
        if len(own) > 1:
            row["alt"] = own[1:]
        nodes.append(row)
    return nodes


def _vis_edges(G, index: dict[str, int]) -> list[dict]:
    """Return one vis edge per (source, target, relation), with the number of statements it stands for."""
    counts: dict[tuple[int, int, str], int] = defaultdict(int)
    for u, v, d in G.edges(data=True):
        if u in index and v in index:
            counts[(index[u], index[v], d.get("relation", "said"))] += 1
    return [{"id": i, "from": u, "to": v, "relation": relation, "count": n}
            for i, ((u, v, relation), n) in enumerate(sorted(counts.items()))]


class _Articles:
    """Articles numbered in first-use order, so each claim and supply names its article by a small integer."""

    def __init__(self):
        self.rows: list[dict] = []
        self._seen: dict[object, int] = {}

    def ref(self, key, title: str, date: str = "", url: str = "") -> int:
        if key not in self._seen:
            self._seen[key] = len(self.rows)
            safe = url if url.startswith(("http://", "https://")) else ""  # no javascript: links from the data
            self.rows.append({"title": title, "date": date, "url": safe})
        return self._seen[key]


class PageFacts:
    """What the page shows beyond the entity graph, read from RDF graphs given one at a time.

    Alternative labels (for search), articles (title, date, URL), every claim
    with its kind and every supply with payer and maker. A build feeds it
    article by article; `PageFacts.of` reads a whole graph or store.
    """

    def __init__(self):
        self.alt_labels: dict[str, set[str]] = defaultdict(set)
        self.articles: dict[str, tuple[str, str, str]] = {}  # IRI -> (title, date, url)
        self.claims: list[tuple] = []  # (agent, claim, text, kind, article, mentioned entities)
        self.supplies: list[tuple] = []  # (supply, {end: entity or None}, details, article)

    @classmethod
    def of(cls, source: Graph | ox.Store) -> PageFacts:
        facts = cls()
        for rdf in iter_graphs(source):
            facts.add(rdf)
        return facts

    def add(self, rdf: Graph) -> None:
        """Take what the page needs from one RDF graph (an rdflib Graph, or a kg.rdf.TripleIndex)."""
        text = lambda term: str(term) if term is not None else None  # noqa: E731
        for node, alt in rdf.subject_objects(SKOS.altLabel):
            self.alt_labels[str(node)].add(str(alt))
        for a in set(rdf.subjects(RDF.type, KG.Article)):
            title = rdf.value(a, DCTERMS.title)
            source = rdf.value(a, DCTERMS.source)
            title = str(title) if title else (str(source).replace("\\", "/").rsplit("/", 1)[-1] if source else str(a))
            date, url = rdf.value(a, DCTERMS.date), rdf.value(a, SCHEMA.url)
            self.articles[str(a)] = (title, str(date) if date else "", str(url) if url else "")
        for agent, claim in rdf.subject_objects(KG.said):
            kind = rdf.value(claim, KG.kind)
            self.claims.append((str(agent), str(claim), str(rdf.value(claim, KG.text) or ""), str(kind) if kind else "",
                                text(rdf.value(claim, PROV.wasDerivedFrom)),
                                sorted(str(m) for m in rdf.objects(claim, KG.mentions))))
        for supply in set(rdf.subjects(RDF.type, KG.Supply)):
            ends = {k: text(rdf.value(supply, p)) for k, p in (("from", KG.supplier), ("to", KG.recipient),
                                                                ("item", KG.item), ("payer", KG.payer),
                                                                ("madeIn", KG.madeIn))}
            status = rdf.value(supply, KG.status)
            quantity = rdf.value(supply, KG.quantity)
            self.supplies.append((str(supply), ends, {
                "status": str(status).rsplit("#", 1)[-1].lower() if status else "",
                "quantity": str(quantity) if quantity else "",
                "evidence": _short(str(rdf.value(supply, KG.evidence) or ""), 400)},
                text(rdf.value(supply, PROV.wasDerivedFrom))))

    def records(self, G: nx.MultiDiGraph, index: dict[str, int]) -> dict:
        """Return the articles, claims and supplies the side panel shows for the nodes in `index`."""
        articles = _Articles()

        def article(node: str | None) -> int | None:
            if node is None:
                return None
            title, date, url = self.articles.get(node, (node.rsplit("/", 1)[-1], "", ""))
            return articles.ref(node, title, date, url)

        def party(node: str | None):
            if node is None:
                return None
            if node in index:
                return index[node]
            return G.nodes[node]["label"] if node in G else node.rsplit("/", 1)[-1]

        claims = []
        for agent, _, text, kind, source, mentioned in sorted(self.claims, key=lambda row: row[:2]):
            shown = sorted({index[m] for m in mentioned if m in index})
            if agent not in index and not shown:
                continue
            row = {"s": party(agent), "text": text, "kind": kind, "a": article(source), "m": shown}
            claims.append({k: v for k, v in row.items() if v not in (None, "", [])})
        supplies = []
        for _, ends, details, source in sorted(self.supplies, key=lambda row: row[0]):
            if not any(ends[k] in index for k in ("from", "to", "item") if ends[k] is not None):
                continue
            row = {k: party(v) for k, v in ends.items()}
            row.update(details, a=article(source))
            supplies.append({k: v for k, v in row.items() if v not in (None, "")})
        return {"articles": articles.rows, "claims": claims, "supplies": supplies}


def _records_from_networkx(G: nx.MultiDiGraph, index: dict[str, int]) -> dict:
    """Return the articles, claims and supplies the side panel shows, from what `to_networkx` kept."""
    articles = _Articles()
    said_about: dict[tuple[str, str], set[int]] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        if d.get("relation") == "said" and v in index:
            said_about[(u, d.get("text", ""))].add(index[v])
    claims = []
    for node, data in G.nodes(data=True):
        for c in data.get("claims", []):
            mentioned = sorted(said_about.get((node, c.get("text", "")), ()))
            if node not in index and not mentioned:
                continue
            a = articles.ref(c.get("article", ""), c.get("article", ""), c.get("date", ""))
            row = {"s": index.get(node, data.get("label", node)), "text": c.get("text", ""), "a": a, "m": mentioned}
            claims.append({k: v for k, v in row.items() if v not in (None, "", [])})

    def party(node):
        return None if node is None else index.get(node, G.nodes[node].get("label", node) if node in G else node)

    key = lambda d: (d.get("evidence", ""), d.get("article", ""), d.get("status", ""), d.get("item", ""))  # noqa: E731
    items: dict[tuple, str] = {}
    for u, v, d in G.edges(data=True):
        if d.get("relation") == "supplies":
            items.setdefault((u, *key(d)), v)
    events = []
    paired = set()
    for u, v, d in G.edges(data=True):
        relation = d.get("relation")
        if relation == "supplies to":
            item = items.get((u, *key(d)))
            paired.add((u, *key(d)))
            events.append((u, v, item, d))
        elif relation == "supplied to":
            events.append((None, v, u, d))
    for u, v, d in G.edges(data=True):
        if d.get("relation") == "supplies" and (u, *key(d)) not in paired:
            events.append((u, None, v, d))
    supplies = []
    for supplier, recipient, item, d in events:
        if not any(x in index for x in (supplier, recipient, item) if x is not None):
            continue
        row = {"from": party(supplier), "to": party(recipient),
               "item": party(item) if item is not None else d.get("item") or None,
               "status": d.get("status", ""), "quantity": d.get("quantity", ""),
               "evidence": _short(d.get("evidence", ""), 400),
               "a": articles.ref(d.get("article", ""), d.get("article", "")) if d.get("article") else None}
        supplies.append({k: v for k, v in row.items() if v not in (None, "")})
    return {"articles": articles.rows, "claims": claims, "supplies": supplies}


def _vis_options() -> dict:
    # The page script tunes these per view (iterations, edge smoothing, labels) before drawing.
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.012, "springLength": 110,
                                 "springConstant": 0.06, "damping": 0.5, "avoidOverlap": 0.3, "theta": 0.8},
            # A fixed time step and a coarser Barnes–Hut (theta) halve the stabilisation time at no visible cost.
            "minVelocity": 1.0, "maxVelocity": 60, "adaptiveTimestep": False,
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 25, "fit": True},
        },
        "nodes": {"borderWidth": 1, "font": {"face": "system-ui, sans-serif", "color": "#1a1a1a",
                                              "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 8}}},
        "edges": {"font": {"size": 9, "align": "middle", "color": "#333333"}, "smooth": False,
                  "arrows": {"to": {"scaleFactor": 0.5}}, "selectionWidth": 2, "hoverWidth": 0.5},
        "groups": {name: {"shape": shape, "color": {"background": colour, "border": "#333333",
                                                     "highlight": {"background": colour, "border": "#000000"},
                                                     "hover": {"background": colour, "border": "#000000"}}}
                   for name, (colour, shape) in STYLE.items()},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "navigationButtons": False,
                        "keyboard": False, "multiselect": False},
    }


def _script_json(value) -> str:
    """Return `value` as JSON that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SHAPES = {
    "dot": '<circle cx="7" cy="7" r="6"/>',
    "square": '<rect x="1.5" y="1.5" width="11" height="11"/>',
    "diamond": '<polygon points="7,0.5 13.5,7 7,13.5 0.5,7"/>',
    "triangle": '<polygon points="7,1 13.5,13 0.5,13"/>',
    "triangleDown": '<polygon points="0.5,1 13.5,1 7,13"/>',
}


def _type_glyph(colour: str, shape: str) -> str:
    return (f'<svg class="kg-glyph" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
            f'<g fill="{colour}" stroke="#333" stroke-width="1">{_SHAPES[shape]}</g></svg>')


def _line_glyph(colour: str, dashed: bool) -> str:
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (f'<svg class="kg-glyph" width="26" height="10" viewBox="0 0 26 10" aria-hidden="true">'
            f'<line x1="1" y1="5" x2="19" y2="5" stroke="{colour}" stroke-width="2.5"{dash}/>'
            f'<polygon points="18,1 25,5 18,9" fill="{colour}"/></svg>')


def _header(title: str, summary: str, note: str, built: datetime, data: dict) -> str:
    esc = html.escape
    types = "".join(
        f'<label class="kg-filter" title="{esc(t["name"])}: {t["count"]} in this page">'
        f'<input type="checkbox" checked data-kg-type="{esc(t["name"])}">'
        f'{_type_glyph(t["colour"], t["shape"])}{esc(t["name"])} <span class="kg-count">{t["count"]}</span></label>'
        for t in data["types"])
    relations = "".join(
        f'<label class="kg-filter" title="{esc(r["meaning"])}">'
        f'<input type="checkbox" checked data-kg-relation="{esc(r["name"])}">'
        f'{_line_glyph(r["colour"], r["dashed"])}{esc(r["name"])} <span class="kg-count">{r["count"]}</span></label>'
        for r in data["relations"])
    built = built.astimezone(timezone.utc)
    stamp, iso = built.strftime("%Y-%m-%d %H:%M UTC"), built.isoformat(timespec="seconds")
    summary_text = " ".join(part for part in (summary.strip(), note) if part)
    return f"""<header id="kg-header">
 <div id="kg-titlebar">
  <h1>{esc(title)}</h1>
  <p id="kg-summary">{esc(summary_text)} <span id="kg-built">Built <time datetime="{iso}">{stamp}</time>.</span></p>
 </div>
 <div id="kg-tools">
  <form id="kg-search-form" role="search" autocomplete="off">
   <input id="kg-search" type="search" list="kg-names" placeholder="Find an entity…"
          aria-label="Find an entity by any of its names">
   <button type="submit">Find</button>
   <datalist id="kg-names"></datalist>
  </form>
  <span id="kg-search-status" role="status" aria-live="polite"></span>
 </div>
 <div id="kg-legend">
  <fieldset><legend>Entities</legend>{types}</fieldset>
  <fieldset><legend>Relations</legend>{relations}</fieldset>
 </div>
 <div id="kg-viewbar"><span id="kg-view-note" role="status" aria-live="polite"></span>
  <button id="kg-view-switch" type="button" hidden></button></div>
</header>"""


_CSS = """
html, body { height: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a;
       background: #fff; display: flex; flex-direction: column; }
#kg-header { padding: 6px 14px 4px; border-bottom: 1px solid #d0d0d0; background: #fafafa; flex: none;
             display: grid; grid-template-columns: 1fr auto; gap: 2px 16px; }
#kg-titlebar h1 { font-size: 1.15em; margin: 0; }
#kg-summary { margin: 2px 0 0; font-size: 0.85em; color: #3a3a3a; }
#kg-tools { grid-column: 2; grid-row: 1; align-self: center; text-align: right; }
#kg-search { width: 16em; padding: 3px 6px; font: inherit; }
#kg-search-form button, #kg-viewbar button, #kg-panel-close { font: inherit; cursor: pointer; }
#kg-search-status { display: block; font-size: 0.8em; color: #3a3a3a; min-height: 1.2em; }
#kg-legend { grid-column: 1 / span 2; display: flex; flex-wrap: wrap; gap: 0 18px; }
#kg-legend fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; align-items: center; }
#kg-legend legend { float: left; font-size: 0.8em; font-weight: 600; margin-right: 8px; padding: 0; }
.kg-filter { font-size: 0.82em; margin-right: 10px; white-space: nowrap; cursor: pointer;
             display: inline-flex; align-items: center; gap: 3px; }
.kg-filter input { margin: 0 2px 0 0; }
.kg-count { color: #595959; }
.kg-glyph { vertical-align: middle; }
#kg-viewbar { grid-column: 1 / span 2; font-size: 0.82em; color: #3a3a3a; min-height: 1.2em; }
#kg-viewbar button { margin-left: 8px; font-size: 0.95em; }
#kg-main { flex: 1; position: relative; display: flex; min-height: 0; }
#mynetwork { flex: 1; position: relative; min-width: 0; }
#kg-progress { position: absolute; left: 50%; top: 45%; transform: translate(-50%, -50%); padding: 8px 14px;
               background: rgba(255,255,255,.92); border: 1px solid #d0d0d0; border-radius: 6px; font-size: 0.9em; }
#kg-progress[hidden] { display: none; }
#kg-panel { width: min(420px, 42vw); border-left: 1px solid #d0d0d0; overflow-y: auto; padding: 10px 14px;
            background: #fff; font-size: 0.88em; flex: none; }
#kg-panel[hidden] { display: none; }
#kg-panel h2 { font-size: 1.1em; margin: 0 28px 2px 0; }
#kg-panel h3 { font-size: 0.95em; margin: 14px 0 4px; border-bottom: 1px solid #e3e3e3; padding-bottom: 2px; }
#kg-panel-close { float: right; border: 1px solid #bbb; background: #f3f3f3; border-radius: 4px; }
#kg-panel .kg-meta { color: #595959; font-size: 0.9em; }
#kg-panel ul { list-style: none; margin: 0; padding: 0; }
#kg-panel li { margin: 0 0 8px; }
#kg-panel blockquote { margin: 0; padding-left: 8px; border-left: 3px solid #E69F00; }
#kg-panel .kg-evidence { color: #3a3a3a; font-style: italic; }
#kg-panel a { color: #0a58a5; }
#kg-panel button.kg-link { border: 0; background: none; padding: 0; color: #0a58a5; text-decoration: underline;
                           font: inherit; cursor: pointer; }
#kg-panel .kg-status { display: inline-block; padding: 0 5px; border-radius: 8px; background: #eef3f8;
                       color: #1d3b57; font-size: 0.88em; }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 5px 7px; white-space: pre-wrap; max-width: 420px;
                  font-size: 12px; color: #1a1a1a; background: #fffbe8; border: 1px solid #8a8a7a;
                  border-radius: 3px; box-shadow: 2px 2px 8px rgba(0,0,0,.2); pointer-events: none; z-index: 5; }
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ kg_title }}</title>
<style>{{ kg_css }}</style>
<script>{% include 'lib/vis-9.1.2/vis-network.min.js' %}</script>
</head>
<body>
{{ kg_header }}
<main id="kg-main">
 <div id="mynetwork" role="application" aria-label="Entity graph: click a node to see its claims and supplies"></div>
 <div id="kg-progress" role="status" aria-live="polite">Laying out the graph…</div>
 <aside id="kg-panel" aria-label="Details of the selected entity" hidden>
  <button id="kg-panel-close" type="button" aria-label="Close the details">✕</button>
  <div id="kg-panel-body"></div>
 </aside>
</main>
<script>
var KG_NODES = {{ nodes|tojson }};
var KG_EDGES = {{ edges|tojson }};
var KG_OPTIONS = {{ options|safe }};
var KG = {{ kg_data }};
{{ kg_script }}
</script>
</body>
</html>
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var body = document.body;
  var container = document.getElementById("mynetwork");
  var progress = document.getElementById("kg-progress");
  var panel = document.getElementById("kg-panel");
  var panelBody = document.getElementById("kg-panel-body");
  var searchBox = document.getElementById("kg-search");
  var searchStatus = document.getElementById("kg-search-status");
  var viewNote = document.getElementById("kg-view-note");
  var viewSwitch = document.getElementById("kg-view-switch");
  var hiddenTypes = {}, hiddenRelations = {};
  var state = { view: null, network: null, nodes: null, edges: null, count: 0 };

  // Indexes for the side panel: node -> claims spoken, claims about it, supplies out, in, as the item.
  var said = {}, about = {}, out = {}, into = {}, asItem = {};
  function push(map, key, value) { if (typeof key === "number") { (map[key] = map[key] || []).push(value); } }
  KG.claims.forEach(function (c) {
    push(said, c.s, c);
    (c.m || []).forEach(function (m) { if (m !== c.s) { push(about, m, c); } });
  });
  KG.supplies.forEach(function (s) { push(out, s.from, s); push(into, s.to, s); push(asItem, s.item, s); });

  // Search: every label and alternative label of every entity in the page.
  var names = [];
  KG_NODES.forEach(function (n) {
    [n.label].concat(n.alt || []).forEach(function (name) {
      names.push({ name: name, key: name.toLowerCase(), id: n.id });
    });
  });
  var list = document.getElementById("kg-names");
  var seenName = {};
  names.forEach(function (x) {
    if (seenName[x.name]) { return; }
    seenName[x.name] = true;
    var option = document.createElement("option");
    option.value = x.name;
    list.appendChild(option);
  });

  function findNode(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return null; }
    var tests = [
      function (x) { return x.key === q; },
      function (x) { return x.key.indexOf(q) === 0; },
      function (x) { return x.key.indexOf(q) >= 0; }
    ];
    for (var t = 0; t < tests.length; t++) {
      var best = null;
      names.forEach(function (x) {
        // KG_NODES is ordered by PageRank, so the lowest id is the most central match.
        if (tests[t](x) && (best === null || x.id < best.id)) { best = x; }
      });
      if (best) { return best; }
    }
    return null;
  }

  function inView(id) { return id < state.count; }

  function search(query) {
    var hit = findNode(query);
    if (!hit) {
      searchStatus.textContent = "No entity named “" + query.trim() + "”.";
      body.removeAttribute("data-kg-found");
      return;
    }
    var node = KG_NODES[hit.id];
    var matched = hit.name === node.label ? "" : " (as “" + hit.name + "”)";
    if (!inView(hit.id)) {
      searchStatus.textContent = node.label + matched + " is not among the top " + KG.defaultCount +
        "; showing the full graph.";
      draw("full", function () { reveal(hit.id); });
    } else {
      searchStatus.textContent = "Found " + node.label + matched + ".";
      reveal(hit.id);
    }
    body.setAttribute("data-kg-found", node.label);
  }

  function reveal(id) {
    var node = KG_NODES[id];
    if (hiddenTypes[node.group]) {
      var box = document.querySelector('input[data-kg-type="' + node.group + '"]');
      if (box) { box.checked = true; }
      delete hiddenTypes[node.group];
      applyFilters();
    }
    state.network.selectNodes([id]);
    state.network.focus(id, { scale: Math.max(state.network.getScale(), 1.2),
                              animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showPanel(id);
  }

  document.getElementById("kg-search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    search(searchBox.value);
  });
  searchBox.addEventListener("change", function () { if (searchBox.value.trim()) { search(searchBox.value); } });

  // Filters: the legend's check boxes hide entity types and relations.
  function applyFilters() {
    if (!state.nodes) { return; }
    var nodeUpdates = [], visible = {}, shown = 0;
    state.nodes.forEach(function (n) {
      var hide = !!hiddenTypes[n.group];
      if (!hide) { visible[n.id] = true; shown++; }
      if (!!n.hidden !== hide) { nodeUpdates.push({ id: n.id, hidden: hide }); }
    });
    state.nodes.update(nodeUpdates);
    var edgeUpdates = [], links = 0;
    state.edges.forEach(function (e) {
      var hide = !!hiddenRelations[e.relation] || !visible[e.from] || !visible[e.to];
      if (!hide) { links++; }
      if (!!e.hidden !== hide) { edgeUpdates.push({ id: e.id, hidden: hide }); }
    });
    state.edges.update(edgeUpdates);
    body.setAttribute("data-kg-visible-nodes", String(shown));
    body.setAttribute("data-kg-visible-edges", String(links));
    describeView(shown, links);
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-kg-type]"), function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { delete hiddenTypes[box.getAttribute("data-kg-type")]; }
      else { hiddenTypes[box.getAttribute("data-kg-type")] = true; }
      applyFilters();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-kg-relation]"), function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { delete hiddenRelations[box.getAttribute("data-kg-relation")]; }
      else { hiddenRelations[box.getAttribute("data-kg-relation")] = true; }
      applyFilters();
    });
  });

  function describeView(shown, links) {
    var text;
    if (state.count < KG.total) {
      text = "Showing the top " + state.count + " of " + KG.total + " entities by PageRank";
    } else {
      text = "Showing all " + KG.total + " entities";
    }
    if (shown !== state.count) { text += " (" + shown + " after filters)"; }
    viewNote.textContent = text + ", " + links + " links.";
  }

  // vis items are built here from the lean rows Python wrote: style by group and relation.
  var relationStyle = {};
  KG.relations.forEach(function (r) { relationStyle[r.name] = r; });
  function nodeItem(n) {
    var tip = n.label + " (" + n.group + ")";
    if (n.alt) { tip += "\nalso: " + n.alt.slice(0, 6).join(", "); }
    return { id: n.id, label: n.label, group: n.group, size: n.size, title: tip,
             // label size follows node size, so zoomed out only the central entities are named
             font: { size: Math.round(12 + 36 * (n.size - 8) / 30) }, hidden: !!hiddenTypes[n.group] };
  }
  function short(text, limit) { return text.length <= limit ? text : text.slice(0, limit - 1) + "…"; }
  function edgeTitle(e) {
    var lines = [e.relation + (e.count > 1 ? " ×" + e.count : "")], rows;
    if (e.relation === "said") {
      rows = (said[e.from] || []).filter(function (c) { return c.m && c.m.indexOf(e.to) >= 0; });
      rows.slice(0, 3).forEach(function (c) { lines.push("“" + short(c.text, 140) + "”"); });
    } else {
      rows = (e.relation === "supplied to" ? (asItem[e.from] || []) : (out[e.from] || [])).filter(function (s) {
        return e.relation === "supplies" ? s.item === e.to : s.to === e.to;
      });
      rows.slice(0, 3).forEach(function (s) {
        lines.push([partyName(s.item), s.quantity, s.status].filter(function (x) { return x; }).join(" · "));
      });
    }
    if (rows.length > 3) { lines.push("… and " + (rows.length - 3) + " more"); }
    return lines.join("\n");
  }
  function edgeItem(e, labelled) {
    var style = relationStyle[e.relation] || { colour: "#6E6E6E", dashed: false };
    var item = { id: e.id, from: e.from, to: e.to, relation: e.relation, arrows: "to", dashes: style.dashed,
                 color: { color: style.colour, highlight: "#000000", hover: "#000000" },
                 width: 1 + Math.log2(e.count), title: edgeTitle(e),
                 hidden: !!hiddenRelations[e.relation] || !!hiddenTypes[KG_NODES[e.from].group] ||
                         !!hiddenTypes[KG_NODES[e.to].group] };
    if (labelled) { item.label = e.relation; }
    return item;
  }
  function partyName(p) { return typeof p === "number" ? KG_NODES[p].label : (p || ""); }

  // Views: the top entities by PageRank, or every entity in the page.
  function draw(view, then) {
    var count = view === "full" ? KG.total : KG.defaultCount;
    if (state.network) { state.network.destroy(); state.network = null; }
    state.view = view;
    state.count = count;
    body.removeAttribute("data-kg-stable");
    body.setAttribute("data-kg-view", view);
    body.setAttribute("data-kg-view-nodes", String(count));
    var nodeItems = KG_NODES.slice(0, count).map(nodeItem);
    var edgeItems = KG_EDGES.filter(function (e) { return e.from < count && e.to < count; });
    var small = edgeItems.length <= 80;
    edgeItems = edgeItems.map(function (e) { return edgeItem(e, small); });
    // Entities without a link in this view stay out of the simulation (in big corpora they are half the
    // nodes) and are laid out on a grid beside the graph once it has settled, so the graph fills the view.
    var linked = {}, loose = [];
    edgeItems.forEach(function (e) { linked[e.from] = true; linked[e.to] = true; });
    nodeItems.forEach(function (n) { if (!linked[n.id]) { n.physics = false; n.x = 0; n.y = 0; loose.push(n.id); } });
    seedPositions(nodeItems, edgeItems, linked);
    state.nodes = new vis.DataSet(nodeItems);
    state.edges = new vis.DataSet(edgeItems);
    var options = JSON.parse(JSON.stringify(KG_OPTIONS));
    // Fewer iterations on big views keep the wait bounded; the layout is already readable by then.
    options.physics.stabilization.iterations = count <= 100 ? 800 : count <= 400 ? 400 : count <= 1500 ? 250 : 150;
    if (count <= 100) {  // room for every label
      var fa = options.physics.forceAtlas2Based;
      fa.gravitationalConstant = -300; fa.springLength = 200; fa.avoidOverlap = 0.8;
    }
    if (count > 1000) {
      options.physics.forceAtlas2Based.avoidOverlap = 0;
      options.physics.forceAtlas2Based.theta = 1.0;
      options.nodes.scaling.label.drawThreshold = 10;
    }
    if (edgeItems.length <= 300) { options.edges.smooth = { type: "continuous", roundness: 0.3 }; }
    progress.hidden = count === 0;
    progress.textContent = "Laying out " + count + " entities…";
    var started = performance.now();
    var network = new vis.Network(container, { nodes: state.nodes, edges: state.edges }, options);
    window.kgTiming = { drawStart: started, networkReady: performance.now() };
    state.network = network;
    var settled = false;
    function settle() {
      if (settled) { return; }
      settled = true;
      network.setOptions({ physics: { enabled: false } });
      if (loose.length) { placeLoose(network, loose, nodeItems.length); }
      progress.hidden = true;
      window.kgStableAt = window.kgTiming.stable = performance.now();
      body.setAttribute("data-kg-stable", "1");
      if (then) { then(); }
    }
    network.on("stabilizationProgress", function (p) {
      progress.textContent = "Laying out " + count + " entities… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
    if (count === 0) { settle(); }
    network.on("click", function (params) {
      if (params.nodes.length) { showPanel(params.nodes[0]); } else if (!params.edges.length) { hidePanel(); }
    });
    applyFilters();
    if (KG.total > KG.defaultCount) {
      viewSwitch.hidden = false;
      viewSwitch.textContent = view === "full" ? "Show the top " + KG.defaultCount + " only"
                                               : "Show all " + KG.total + " entities";
    }
  }
  // A cheap starting layout, so physics refines instead of untangling a random square (the slow part on
  // thousands of nodes): components in PageRank order on a sunflower spiral, each one breadth-first from its
  // most central node, children on a ring around their parent.
  function seedPositions(items, edgeItems, linked) {
    var seed = 7;
    function random() {  // mulberry32: the same picture on every load
      seed = (seed + 0x6D2B79F5) | 0;
      var t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    var adjacency = {};
    edgeItems.forEach(function (e) {
      (adjacency[e.from] = adjacency[e.from] || []).push(e.to);
      (adjacency[e.to] = adjacency[e.to] || []).push(e.from);
    });
    var placed = {}, area = 0, golden = Math.PI * (3 - Math.sqrt(5)), roots = 0;
    items.forEach(function (root) {
      if (placed[root.id] !== undefined || !linked[root.id]) { return; }
      var component = [root.id], seen = {};
      seen[root.id] = true;
      for (var k = 0; k < component.length; k++) {
        (adjacency[component[k]] || []).forEach(function (m) { if (!seen[m]) { seen[m] = true; component.push(m); } });
      }
      var radius = roots === 0 ? 0 : Math.sqrt(area / Math.PI) + 40 * Math.sqrt(component.length);
      area += 3000 * component.length + 4000;
      var angle = roots * golden;
      roots++;
      placed[root.id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
      var queue = [root.id];
      for (var q = 0; q < queue.length; q++) {
        var parent = queue[q], at = placed[parent];
        var children = (adjacency[parent] || []).filter(function (m) { return placed[m] === undefined; });
        var ring = 60 + 12 * Math.sqrt(children.length), turn = random() * 2 * Math.PI;
        children.forEach(function (m, c) {
          var a = turn + 2 * Math.PI * c / children.length, r = ring * (0.8 + 0.4 * random());
          placed[m] = { x: at.x + r * Math.cos(a), y: at.y + r * Math.sin(a) };
          queue.push(m);
        });
      }
    });
    items.forEach(function (n) { if (placed[n.id] !== undefined) { n.x = placed[n.id].x; n.y = placed[n.id].y; } });
  }

  function placeLoose(network, loose, total) {
    var isLoose = {}, ids = [];
    loose.forEach(function (id) { isLoose[id] = true; });
    for (var i = 0; i < total; i++) { if (!isLoose[i]) { ids.push(i); } }
    var pos = network.getPositions(ids), minY = 0, maxY = 0, maxX = 0, first = true;
    ids.forEach(function (id) {
      var p = pos[id];
      if (first) { minY = maxY = p.y; maxX = p.x; first = false; }
      minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y); maxX = Math.max(maxX, p.x);
    });
    // Small views draw every label, so their grid leaves room for one.
    var side = Math.ceil(Math.sqrt(loose.length)), gapX = total <= 100 ? 220 : 45, gapY = total <= 100 ? 110 : 45;
    var top = (minY + maxY) / 2 - Math.ceil(loose.length / side) * gapY / 2, left = maxX + 200;
    state.nodes.update(loose.map(function (id, i) {
      return { id: id, x: left + (i % side) * gapX, y: top + Math.floor(i / side) * gapY };
    }));
    network.fit({ animation: false });
  }
  viewSwitch.addEventListener("click", function () { hidePanel(); draw(state.view === "full" ? "default" : "full"); });

  // Side panel.
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function partyEl(p) {
    if (typeof p !== "number") { return el("span", p === undefined ? "someone" : p); }
    var node = KG_NODES[p];
    if (!inView(p)) { return el("span", node.label); }
    var b = el("button", node.label, "kg-link");
    b.type = "button";
    b.addEventListener("click", function () { reveal(p); });
    return b;
  }
  function sourceEl(a) {
    var span = el("span", null, "kg-meta");
    if (a === undefined || a === null) { return span; }
    var art = KG.articles[a];
    if (art.date) { span.appendChild(document.createTextNode(art.date + " · ")); }
    if (art.url) {
      var link = el("a", art.title);
      link.href = art.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      span.appendChild(link);
    } else {
      span.appendChild(document.createTextNode(art.title));
    }
    return span;
  }
  function section(title, rows, render, limit) {
    if (!rows || !rows.length) { return null; }
    var wrap = el("section");
    wrap.appendChild(el("h3", title + " (" + rows.length + ")"));
    var ul = el("ul");
    rows.slice(0, limit).forEach(function (r) { var li = el("li"); render(li, r); ul.appendChild(li); });
    wrap.appendChild(ul);
    if (rows.length > limit) { wrap.appendChild(el("p", "… and " + (rows.length - limit) + " more.", "kg-meta")); }
    return wrap;
  }
  function claimRow(li, c, withSpeaker) {
    if (withSpeaker) {
      li.appendChild(partyEl(c.s));
      li.appendChild(document.createTextNode(c.kind ? " (" + c.kind + "):" : ":"));
    }
    li.appendChild(el("blockquote", "“" + c.text + "”"));
    var meta = sourceEl(c.a);
    if (!withSpeaker && c.kind) { meta.insertBefore(document.createTextNode(c.kind + " · "), meta.firstChild); }
    li.appendChild(meta);
  }
  function supplyRow(li, s, parts) {
    parts.forEach(function (p, i) {
      if (i) { li.appendChild(document.createTextNode(p[0])); }
      li.appendChild(partyEl(s[p[1]]));
    });
    if (s.quantity) { li.appendChild(document.createTextNode(" ×" + s.quantity)); }
    if (s.status) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", s.status, "kg-status")); }
    [["payer", " paid by "], ["madeIn", " made in "]].forEach(function (extra) {
      if (s[extra[0]] !== undefined) {
        li.appendChild(document.createTextNode(extra[1]));
        li.appendChild(partyEl(s[extra[0]]));
      }
    });
    if (s.evidence) { li.appendChild(el("div", s.evidence, "kg-evidence")); }
    li.appendChild(sourceEl(s.a));
  }
  function showPanel(id) {
    var n = KG_NODES[id];
    panelBody.textContent = "";
    panelBody.appendChild(el("h2", n.label));
    var facts = n.group + " · PageRank " + n.rank.toPrecision(3) + " · " + n.degree + " links";
    panelBody.appendChild(el("div", facts, "kg-meta"));
    if (n.alt && n.alt.length) { panelBody.appendChild(el("div", "Also: " + n.alt.join(", "), "kg-meta")); }
    var iri = el("div", KG.iriBase + n.iri, "kg-meta");
    iri.style.wordBreak = "break-all";
    panelBody.appendChild(iri);
    var claims = section("Claims", said[id], function (li, c) { claimRow(li, c, false); }, 200);
    function supplies(parts) { return function (li, s) { supplyRow(li, s, parts); }; }
    var outs = section("Supplies out", out[id], supplies([["", "item"], [" to ", "to"]]), 200);
    var ins = section("Supplies in", into[id], supplies([["", "item"], [" from ", "from"]]), 200);
    var item = section("Supplied", asItem[id], supplies([["", "from"], [" → ", "to"]]), 200);
    var mentioned = section("Mentioned in claims by others", about[id], function (li, c) { claimRow(li, c, true); },
                            50);
    var order = n.group === "Weapon" ? [item, outs, ins, claims, mentioned]
              : n.group === "Person" ? [claims, outs, ins, item, mentioned]
              : [outs, ins, claims, item, mentioned];
    var any = false;
    order.forEach(function (s) { if (s) { panelBody.appendChild(s); any = true; } });
    if (!any) { panelBody.appendChild(el("p", "No claims or supplies recorded for this entity.", "kg-meta")); }
    panel.hidden = false;
    panel.scrollTop = 0;
    body.setAttribute("data-kg-panel", n.label);
  }
  function hidePanel() { panel.hidden = true; body.removeAttribute("data-kg-panel"); }
  document.getElementById("kg-panel-close").addEventListener("click", hidePanel);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hidePanel(); } });

  window.kg = {
    draw: draw, search: search, showPanel: showPanel,
    network: function () { return state.network; },
    drawnNodeCount: function () {
      var net = state.network;
      return net ? net.body.nodeIndices.filter(function (id) { return !net.body.nodes[id].options.hidden; }).length : 0;
    },
    nodeId: function (label) { var hit = findNode(label); return hit ? hit.id : null; }
  };
  draw(location.hash === "#full" ? "full" : "default", KG.focus !== null ? function () { reveal(KG.focus); } : null);
})();
"""
