"""`kg export`: the store in other formats, for other tools.

RDF: TriG and N-Quads (every named graph), Turtle (the union), JSON-LD (every
named graph). Property graphs: GraphML for Gephi and a node CSV plus an edge
CSV for Neo4j `LOAD CSV`, both made from the entity graph that
`kg.analyze.to_networkx` reads out of the RDF (speakers, suppliers, recipients
and items, with the analysis metrics `kg build` wrote).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib.namespace import OWL

from kg.errors import InputError
from kg.store import DEFAULT_GRAPH, dump_dataset, dump_union, to_rdflib, union_triples, write_atomic
from kg.vocab import KG

RDF_FORMATS = {"trig": (ox.RdfFormat.TRIG, True), "nq": (ox.RdfFormat.N_QUADS, True),
               "ttl": (ox.RdfFormat.TURTLE, False), "jsonld": (ox.RdfFormat.JSON_LD, True)}
FORMATS = (*RDF_FORMATS, "graphml", "csv")
EXTENSIONS = {"trig": "trig", "nq": "nq", "ttl": "ttl", "jsonld": "jsonld", "graphml": "graphml"}
METRICS = {"pagerank": KG.pageRank, "betweenness": KG.betweenness, "degree": KG.degree, "community": KG.community}
NODE_COLUMNS = ["id", "label", "type", "wikidata", "claims", *METRICS]
EDGE_COLUMNS = ["source", "target", "type", "relation", "status", "item", "quantity", "article", "evidence", "text"]


def default_destination(out_dir: str | Path, fmt: str) -> Path:
    """Return where an export goes by default: OUT/export/graph.EXT, or the folder OUT/export/ for csv."""
    folder = Path(out_dir) / "export"
    return folder if fmt == "csv" else folder / f"graph.{EXTENSIONS[fmt]}"


def export(store: ox.Store, fmt: str, destination: str | Path) -> list[Path]:
    """Write the store in `fmt` to destination (a file; a folder for csv); return the files written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}")
    destination = Path(destination)
    if fmt == "csv":
        if destination.exists() and not destination.is_dir():
            raise InputError(f"csv export writes nodes.csv and edges.csv into a folder; {destination} is a file")
        destination.mkdir(parents=True, exist_ok=True)
        nodes, edges = to_csv(entity_graph(store))
        write_atomic(destination / "nodes.csv", nodes.encode("utf-8"))
        write_atomic(destination / "edges.csv", edges.encode("utf-8"))
        return [destination / "nodes.csv", destination / "edges.csv"]
    if destination.is_dir():
        raise InputError(f"{destination} is a folder; give a file name for the {fmt} export")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        write_atomic(destination, to_graphml(entity_graph(store)))
    else:
        rdf_format, whole_dataset = RDF_FORMATS[fmt]
        (dump_dataset if whole_dataset else dump_union)(store, destination, rdf_format)
    return [destination]


def export_bytes(store: ox.Store, fmt: str) -> bytes:
    """Return a single-file export (any format but csv) as bytes, e.g. for standard output."""
    if fmt == "csv":
        raise InputError("csv export writes two files (nodes.csv, edges.csv); give a folder, not '-'")
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}")
    if fmt == "graphml":
        return to_graphml(entity_graph(store))
    from kg.store import prefixes

    rdf_format, whole_dataset = RDF_FORMATS[fmt]
    use_prefixes = rdf_format != ox.RdfFormat.N_QUADS
    if whole_dataset:
        return store.dump(format=rdf_format, prefixes=prefixes() if use_prefixes else None)
    return ox.serialize(union_triples(store), format=rdf_format, prefixes=prefixes())


def entity_graph(store: ox.Store) -> nx.MultiDiGraph:
    """Return the entity graph of the store (kg.analyze.to_networkx) with metrics and Wikidata ids on the nodes."""
    from kg.analyze import to_networkx

    G = to_networkx(store)  # read one graph at a time
    # The metrics and Wikidata links are on the entities, in the default graph.
    for quad in store.quads_for_pattern(None, None, None, DEFAULT_GRAPH):
        data = G.nodes.get(quad.subject.value) if isinstance(quad.subject, ox.NamedNode) else None
        if data is None:
            continue
        predicate, value = to_rdflib(quad.predicate), to_rdflib(quad.object)
        for name, prop in METRICS.items():
            if predicate == prop:
                data[name] = value.toPython() if name in ("degree", "community") else float(value)
        if predicate == OWL.sameAs and "wikidata.org" in str(value) and "wikidata" not in data:
            data["wikidata"] = str(value).rsplit("/", 1)[-1]
    return G


def _node_row(node: str, data: dict) -> dict:
    row = {k: v for k, v in data.items() if k in NODE_COLUMNS}
    row["id"] = node
    row["claims"] = len(data.get("claims", []))
    return row


def _edge_type(relation: str) -> str:
    return relation.upper().replace(" ", "_")


def to_graphml(G: nx.MultiDiGraph) -> bytes:
    """Return GraphML (for Gephi): node label, type, metrics and claim count; edge relation, status, evidence."""
    H = nx.MultiDiGraph()
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: v for k, v in _node_row(node, data).items() if k != "id" and v is not None})
    for u, v, data in G.edges(data=True):
        attrs = {k: data[k] for k in EDGE_COLUMNS
                 if k in data and isinstance(data[k], (str, int, float)) and data[k] != ""}
        attrs["label"] = data.get("relation", "")
        H.add_edge(u, v, **attrs)
    buf = io.BytesIO()
    nx.write_graphml(H, buf, encoding="utf-8", named_key_ids=True)
    return buf.getvalue()


def to_csv(G: nx.MultiDiGraph) -> tuple[str, str]:
    """Return (nodes.csv, edges.csv) text for Neo4j LOAD CSV: one row per entity, one per relation."""
    nodes = io.StringIO()
    writer = csv.DictWriter(nodes, NODE_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for node, data in sorted(G.nodes(data=True)):
        writer.writerow(_node_row(node, data))
    edges = io.StringIO()
    writer = csv.DictWriter(edges, EDGE_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for u, v, data in sorted(G.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("relation", ""),
                                                                  e[2].get("text", "") or e[2].get("evidence", ""))):
        writer.writerow({"source": u, "target": v, "type": _edge_type(data.get("relation", "")), **data})
    return nodes.getvalue(), edges.getvalue()
