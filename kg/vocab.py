"""The kg: namespace, read from ontology/newskg.ttl so the ontology is the only place terms are defined.

`KG` is closed: `KG.sayd` raises at once instead of minting a term no one defined.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import ClosedNamespace

KG_URI = "https://w3id.org/newskg/ontology#"
ID = Namespace("https://w3id.org/newskg/id/")
WD = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")


def ontology_dir() -> Path:
    """Return the folder that holds newskg.ttl, shapes.ttl and weapons.ttl."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "ontology", here.parent / "ontology"):
        if (candidate / "newskg.ttl").exists():
            return candidate
    raise FileNotFoundError("ontology/newskg.ttl not found beside the kg package")


def defined_terms(path: Path | None = None) -> list[str]:
    """Return the local names of every kg: term the ontology defines."""
    g = Graph().parse(path or ontology_dir() / "newskg.ttl", format="turtle")
    return sorted({str(s)[len(KG_URI):] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(KG_URI)})


KG = ClosedNamespace(KG_URI, defined_terms())
