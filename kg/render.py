"""HTML: the entity graph as an interactive pyvis page that works offline.

The page is the Jinja template kg/templates/graph.html, rendered with
autoescape on: it includes vis-network from the copy pyvis ships (as pyvis's
own template does), kg/static/graph.css and kg/static/graph.js, so every style
and script is inline; anything in vis-network that would still point off the
page (a CDN link, a source map) is stripped, so opening it makes no request
but for the file itself. The data goes in as JSON escaped for a <script>.

What the page offers, all in plain JavaScript over vis-network:

- a header with the title, the corpus summary, the build date and a legend
  whose entries double as filters (entity types and relations);
- node size by rank (`kg.analyze.standing`: actors by PageRank, weapon
  systems by transfers, generic items such as `tanks` unranked and last);
  colours from the Okabe–Ito palette, which stays distinguishable with the
  common colour-vision deficiencies, and a shape per type so colour is never
  the only cue;
- a search box that finds a node by its label or any `skos:altLabel`;
- a side panel on click: a person's claims (quote, date, article linked to its
  URL), a country's supplies in and out, a weapon's suppliers and recipients;
- physics that stabilises off-screen and is then switched off, so the page
  stays still and light; large graphs open on the top `max_nodes` entities by
  rank with a switch to the full graph (pyvis #204: pages that hang on
  1,500 nodes), and `focus=` narrows the page to an ego graph.
"""
from __future__ import annotations

import base64
import difflib
import functools
import importlib.util
import itertools
import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, Template
from markupsafe import Markup
from rdflib import Graph

from kg.analyze import Analysis, GraphFacts, centrality, read_network, standing, transfers
from kg.errors import InputError
from kg.lifecycle import Lifecycle, supply_lifecycles

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
# JSON escapes these so no string in the data can close the <script> element, open an HTML comment in it
# (<!--), or end a line in an old JavaScript parser (U+2028/U+2029); lone surrogates would not encode to UTF-8.
_SCRIPT_UNSAFE = re.compile(r"[<>&\u2028\u2029\ud800-\udfff]")


def to_html(analysis: Analysis, title: str = "kg: news knowledge graph", summary: str = "",
            max_nodes: int = DEFAULT_MAX_NODES, **options) -> str:
    """Return a self-contained HTML page of the entity graph (see `page_parts` for the parameters)."""
    return "".join(page_parts(analysis, title, summary, max_nodes, **options))


def write_html(path: str | Path, analysis: Analysis, title: str = "kg: news knowledge graph", summary: str = "",
               max_nodes: int = DEFAULT_MAX_NODES, **options) -> Path:
    """Write the page of `to_html` to `path` atomically, piece by piece: the whole page is never in memory
    (as one string, encoded, the page of 2,500 articles took 140 MB at its peak). Return the path."""
    from kg.store import write_atomic

    path = Path(path)
    write_atomic(path, (part.encode("utf-8") for part in page_parts(analysis, title, summary, max_nodes, **options)))
    return path


def page_parts(analysis: Analysis, title: str = "kg: news knowledge graph", summary: str = "",
               max_nodes: int = DEFAULT_MAX_NODES, *, graph: Graph | ox.Store | GraphFacts | None = None,
               focus: str | None = None, depth: int = 2, built: datetime | None = None,
               timeline: bytes | None = None, timeline_caption: str = "") -> Iterator[str]:
    """Yield a self-contained HTML page of the entity graph, in pieces whose concatenation is the page.

    Parameters
    ----------
    analysis : the networkx analysis (`kg.analyze.analyze`) whose graph and PageRank are drawn.
    title, summary : the page heading and the corpus summary shown under it.
    max_nodes : the default view shows the top `max_nodes` entities (`kg.analyze.standing`: actors by
        PageRank, weapon systems by transfers, generic items last); a switch shows all.
    graph : the RDF graph or store the analysis came from, or the GraphFacts read from it (by default the
        analysis' own facts): search matches its `skos:altLabel`s and the side panel shows its claims and
        supplies, with articles, kinds, payers and makers. An analysis of a bare networkx graph has none.
    focus, depth : draw only the entities within `depth` steps of the entity named `focus`
        (a label or alternative label); raises InputError when no entity has that name.
    built : the build time shown in the header (now when omitted).
    timeline, timeline_caption : the timeline chart as PNG (`kg.timeline.draw`) and what it shows: inlined
        as a data URI in a collapsible block of the side panel, so the page still fetches nothing.
    """
    G = analysis.graph
    facts = analysis.facts if graph is None else graph if isinstance(graph, GraphFacts) else GraphFacts.of(graph)
    names = entity_names(G, facts)
    rank = standing(analysis)
    centre = None
    scope = set(G.nodes)
    if focus is not None:
        centre = find_entity(G, names, focus, rank)
        scope = ego_nodes(G, centre, depth)
    # Generic items go last even beside weapon systems in no transfer (both score 0): they are not actors.
    order = sorted(scope, key=lambda n: (n != centre, bool(G.nodes[n].get("generic")), -rank[n],
                                         G.nodes[n].get("label", n), n))
    index = {n: i for i, n in enumerate(order)}
    default_count = min(max(int(max_nodes), 1), len(order))

    base = os.path.commonprefix(order)
    base = base[: base.rfind("/") + 1]
    nodes = _vis_nodes(G, order, names, rank, analysis, base)
    edges = _vis_edges(G, index)
    records = page_records(facts, G, index, analysis.lifecycles)
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
    built = (built or datetime.now(timezone.utc)).astimezone(timezone.utc)
    # The template is rendered with a slot where each big JSON value goes, and the values are written into
    # the slots a thousand rows at a time (the same bytes as one json.dumps).
    slots = {"nodes": nodes, "edges": edges, "data": data}
    shell = _page_template().render(
        title=title, summary=" ".join(part for part in (summary.strip(), note) if part),
        built_iso=built.isoformat(timespec="seconds"), built_stamp=built.strftime("%Y-%m-%d %H:%M UTC"),
        options=_vis_options(), timeline_caption=timeline_caption, inline=_inline_files(),
        timeline_uri="data:image/png;base64," + base64.b64encode(timeline).decode("ascii") if timeline else "",
        data=data, slot=lambda name: Markup(f"\x00kg-slot:{name}\x00"))
    for i, piece in enumerate(_SLOT.split(shell)):
        if i % 2 == 0:
            yield piece
        else:
            for chunk in _json_chunks(slots[piece]):
                yield _script_safe(chunk)


def render_dir(out_dir: str | Path, *, focus: str | None = None, depth: int = 2,
               max_nodes: int = DEFAULT_MAX_NODES, title: str | None = None) -> Path:
    """Return the path of `out_dir`/graph.html, re-rendered from the graph `kg build` wrote to out_dir."""
    from kg.store import open_store
    from kg.timeline import draw, timeline

    facts = GraphFacts.of(open_store(out_dir))  # one pass over the store feeds the graph and the panel
    analysis = page_analysis(facts)
    if title is None:
        title = "kg: news knowledge graph" if focus is None else f"kg: around {focus}"
    chart = timeline(facts)
    return write_html(Path(out_dir) / "graph.html", analysis, title=title, summary=corpus_summary(facts, analysis),
                      max_nodes=max_nodes, graph=facts, focus=focus, depth=depth,
                      timeline=draw(chart) if chart.drawable else None, timeline_caption=chart.caption())


def page_analysis(graph: Graph | ox.Store | GraphFacts | nx.MultiDiGraph) -> Analysis:
    """Return the part of `kg.analyze.analyze` the page needs: the entity graph, degree, PageRank, transfers.

    The page draws nothing else, and the rest (exact betweenness above all) takes minutes on a few
    thousand entities, so `kg html` leaves it out.
    """
    G, facts = read_network(graph)
    return Analysis(G, centrality(G, betweenness=False), transfers=transfers(G), facts=facts,
                    lifecycles=supply_lifecycles(facts) if facts is not None else [])


def corpus_summary(facts: GraphFacts, analysis: Analysis) -> str:
    """Return a one-line summary of the corpus: articles, claims, supplies and entities."""
    return (f"{len(facts.articles)} articles, {len(facts.claims)} claims, {len(facts.supplies)} supplies, "
            f"{len(analysis.graph)} entities.")


def entity_names(G: nx.MultiDiGraph, graph: Graph | ox.Store | GraphFacts | None = None) -> dict[str, list[str]]:
    """Return node -> its names: the label first, then each `skos:altLabel` found in `graph`.

    >>> G = nx.MultiDiGraph(); G.add_node("x", label="Donald Trump")
    >>> entity_names(G)
    {'x': ['Donald Trump']}
    """
    names = {n: [str(d.get("label", n))] for n, d in G.nodes(data=True)}
    if graph is not None:
        facts = graph if isinstance(graph, GraphFacts) else GraphFacts.of(graph)
        for node, entity in facts.entities.items():
            own = names.get(node)
            if own is not None:
                own += [alt for alt in entity.aliases if alt not in own]
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
               "rank": float(f"{rank[node]:.3g}"), "degree": G.degree(node), "iri": node[len(base):]}
        if len(own) > 1:
            row["alt"] = own[1:]
        if node in analysis.transfers:  # the panel says what a weapon system is ranked by
            row["transfers"] = analysis.transfers[node]
        if data.get("generic"):
            row["generic"] = True
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


def page_records(facts: GraphFacts | None, G: nx.MultiDiGraph, index: dict[str, int],
                 lifecycles: list[Lifecycle] = ()) -> dict:
    """Return the claims, supplies, supply lifecycles and articles the side panel shows for the nodes in
    `index` (none without facts).

    The first three are generators, so the page writes its rows as they are made: at 8,400 articles the
    rows, all made first, took 150 MB. Articles are numbered as those rows first name them, so `articles`
    is complete only once the three are consumed: it comes last, and JSON keys have no order for the page.
    A party in view is named by its node number, any other by its label, so the panel can link the one
    and still name the other. A lifecycle's stages name who asserted them in `by` (none: the article itself).
    """
    articles = _Articles()
    if facts is None:
        return {"claims": [], "supplies": [], "lifecycles": [], "articles": articles.rows}

    def article(node: str | None) -> int | None:
        if node is None:
            return None
        known = facts.articles.get(node)
        if known is None:
            return articles.ref(node, node.rsplit("/", 1)[-1])
        return articles.ref(node, known.title, known.date, known.url)

    def party(node: str | None):
        if node is None:
            return None
        if node in index:
            return index[node]
        return G.nodes[node]["label"] if node in G else node.rsplit("/", 1)[-1]

    def claims() -> Iterator[dict]:
        for claim in sorted(facts.claims, key=lambda c: (c.speaker, c.id)):
            shown = sorted({index[m] for m in claim.mentions if m in index})
            if claim.speaker not in index and not shown:
                continue
            row = {"s": party(claim.speaker), "text": claim.text, "kind": claim.kind, "a": article(claim.article),
                   "m": shown}
            yield {k: v for k, v in row.items() if v not in (None, "", [])}

    def supplies() -> Iterator[dict]:
        for s in sorted(facts.supplies, key=lambda s: s.id):
            if not any(end in index for end in (s.supplier, s.recipient, s.item) if end is not None):
                continue
            row = {"from": party(s.supplier), "to": party(s.recipient), "item": party(s.item),
                   "payer": party(s.payer), "madeIn": party(s.made_in), "status": s.status,
                   "quantity": s.quantity, "evidence": _short(s.evidence, 400), "a": article(s.article)}
            yield {k: v for k, v in row.items() if v not in (None, "")}

    def timelines() -> Iterator[dict]:
        for life in lifecycles:
            if not any(end in index for end in (life.supplier, life.recipient, life.item)):
                continue
            stages = [_present({"status": st.status, "date": st.date, "stated": st.stated, "quantity": st.quantity,
                                "by": [party(a) for a in st.asserters], "a": article(st.article)})
                      for st in life.stages]
            row = {"from": party(life.supplier), "to": party(life.recipient), "item": party(life.item),
                   "contested": life.contested, "committed": "; ".join(life.quantities("committed")),
                   "delivered": "; ".join(life.quantities("delivered")), "gap": life.gap(), "stages": stages}
            yield _present(row)

    return {"claims": claims(), "supplies": supplies(), "lifecycles": timelines(), "articles": articles.rows}


def _present(row: dict) -> dict:
    """Return the row without its empty fields (None, "", [], False), keeping 0."""
    return {k: v for k, v in row.items() if v is not None and v is not False and v != "" and v != []}


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


def _script_json(value) -> Markup:
    r"""Return `value` as JSON that is safe inside a <script> element, marked safe for the template.

    >>> print(_script_json({"text": "</script>"}))
    {"text":"\u003c/script\u003e"}
    """
    return Markup(_script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":"))))


def _script_safe(json_text: str) -> str:
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


_SLOT = re.compile("\x00kg-slot:(\\w+)\x00")  # rendered text holds no NUL: kg.ingest drops C0 controls
_ROWS_PER_CHUNK = 1000


def _json_chunks(value) -> Iterator[str]:
    """Yield `value` as compact JSON (json.dumps with separators (",", ":"), not ASCII-only) in pieces: a list
    of more than _ROWS_PER_CHUNK items, or an iterator's items, a thousand at a time; a dict key by key.

    >>> "".join(_json_chunks({"a": list(range(2500)), "b": "é"})) == json.dumps(
    ...     {"a": list(range(2500)), "b": "é"}, ensure_ascii=False, separators=(",", ":"))
    True
    """
    def dumps(v) -> str:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    if isinstance(value, dict) and any(isinstance(v, (list, dict, Iterator)) for v in value.values()):
        yield "{"
        for i, (key, item) in enumerate(value.items()):
            yield ("," if i else "") + dumps(str(key)) + ":"
            yield from _json_chunks(item)
        yield "}"
    elif isinstance(value, Iterator) or isinstance(value, list) and len(value) > _ROWS_PER_CHUNK:
        rows = iter(value)  # a generator's rows are made a thousand at a time, as they are written
        yield "["
        for i, chunk in enumerate(iter(lambda: list(itertools.islice(rows, _ROWS_PER_CHUNK)), [])):
            yield ("," if i else "") + dumps(chunk)[1:-1]
        yield "]"
    else:
        yield dumps(value)


def _offline(text: str) -> Markup:
    """Return vendored script `text` without the links that would leave the page (a CDN URL, a source map)."""
    return Markup(_SOURCE_MAP.sub("", _REMOTE.sub("", str(text))))


@functools.cache
def _page_template() -> Template:
    """Return kg/templates/graph.html."""
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(script_json=_script_json)
    return env.get_template("graph.html")


@functools.cache
def _inline_files() -> dict[str, Markup]:
    """Return the files the page holds as they are: kg's style and script, and the vis-network that pyvis ships.

    They are text, not templates: read through Jinja's lexer, the 470 kB of vis-network cost 0.06 s a build.
    """
    # pyvis is found, not imported: only its files are used, and importing it (it loads IPython) costs 0.13 s
    pyvis = Path(importlib.util.find_spec("pyvis").submodule_search_locations[0])
    static = Path(__file__).parent / "static"
    return {"graph_css": Markup((static / "graph.css").read_text(encoding="utf-8")),
            "graph_js": Markup((static / "graph.js").read_text(encoding="utf-8")),
            "vis_network": _offline((pyvis / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js")
                                    .read_text(encoding="utf-8"))}


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
