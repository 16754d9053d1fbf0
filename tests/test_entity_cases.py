"""Hand-written entity-resolution cases (tests/data/entity_cases.jsonl) checked in a built graph.

All cases' articles are written as `<case id>__<n>.txt` and built together in
ONE build (module scope), as a corpus would be. For an expectation
{"mention": M, "article": n, "label": L} the entities that article n refers to
(`?article schema:mentions ?e`, or any entity its named graph names, e.g. a
claim's speaker or a supply's supplier) whose rdfs:label or skos:altLabel is M
(case-insensitive, ignoring a leading "the" and a trailing "'s") must exist and
all have rdfs:label L. Demonyms are not kept as names of their country, so an
expectation with "alias": false instead asks that no mentioned entity carries
M as a name with another label and that the article refers to an entity
labelled L. An expectation with "type": T (Person, Organization, Country,
Place, Weapon, AnonymousSource …) also asks that every such entity is typed
kg:T, and one with "part_of": C that every such entity is kg:partOf an entity
labelled C (a ministry, armed force or agency and its country, in a case with
"keep_government_bodies": true, built apart with that option); an "absent"
entry {"mention": M, "article": n} asks that nothing article n refers to carries the name M (a title word, a pronoun, a photo credit). "distinct" pairs of labels must both exist as separate entities,
neither carrying the other as an altLabel. Cases marked known_failure are
strict xfails: one that starts passing must be unmarked in the data file.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from conftest import case_params, load_cases  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "entity_cases.jsonl"

# What an article refers to: its schema:mentions, and every entity its graph names as speaker, supplier,
# recipient, payer … (a subject or IRI object of a triple in the article's named graph).
Q_MENTIONS = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?source ?entity WHERE {
  GRAPH ?g {
    ?g dcterms:source ?source .
    { ?g schema:mentions ?entity } UNION { ?entity ?p ?o } UNION { ?s ?p ?entity FILTER(isIRI(?entity)) }
  }
}
"""
Q_NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?kind ?name WHERE {
  { ?entity rdfs:label ?name . BIND("label" AS ?kind) }
  UNION
  { ?entity skos:altLabel ?name . BIND("alt" AS ?kind) }
  UNION
  { ?entity a ?name . BIND("type" AS ?kind) }
}
"""
# A government body's country (kg:partOf), wherever the build states it: the default graph or an article's graph.
Q_PART_OF = """
PREFIX kg: <https://w3id.org/newskg/ontology#>
SELECT DISTINCT ?entity ?whole WHERE {
  { ?entity kg:partOf ?whole } UNION { GRAPH ?g { ?entity kg:partOf ?whole } }
}
"""


CASES = load_cases(DATA)


def _file_name(case_id: str, n: int) -> str:
    return f"{case_id}__{n}.txt"


def _norm(text: str) -> str:
    text = " ".join(text.split()).lower().replace("’", "'")
    if text.startswith("the "):
        text = text[4:]
    if text.endswith("'s"):
        text = text[:-2]
    return text


class Graph:
    """What the built graph says: each article's mentioned entities, each entity's label and altLabels."""

    def __init__(self, ds):
        self.label: dict[str, str] = {}
        self.alts: dict[str, set[str]] = defaultdict(set)
        self.types: dict[str, set[str]] = defaultdict(set)  # local names: Person, Weapon …
        for entity, kind, name in ds.query(Q_NAMES):
            if str(kind) == "type":
                self.types[str(entity)].add(str(name).rsplit("#", 1)[-1])
            elif str(kind) == "label":
                self.label[str(entity)] = str(name)
            else:
                self.alts[str(entity)].add(str(name))
        self.part_of: dict[str, set[str]] = defaultdict(set)  # entity -> the entities it is kg:partOf
        for entity, whole in ds.query(Q_PART_OF):
            self.part_of[str(entity)].add(str(whole))
        self.mentions: dict[str, set[str]] = defaultdict(set)  # article file name -> labelled entities it refers to
        for source, entity in ds.query(Q_MENTIONS):
            if str(entity) in self.label:
                self.mentions[Path(str(source)).name].add(str(entity))

    def names(self, entity: str) -> set[str]:
        return {self.label.get(entity, "")} | self.alts[entity]

    def candidates(self, article: str, mention: str) -> set[str]:
        """Return the entities the article refers to that carry `mention` as their label or an altLabel."""
        want = _norm(mention)
        return {e for e in self.mentions[article] if any(_norm(n) == want for n in self.names(e))}

    def with_label(self, label: str) -> set[str]:
        return {e for e, name in self.label.items() if name == label}


def _build(tmp_path_factory, cases: list[dict], **options) -> Graph:
    from kg.pipeline import build
    from kg.store import load_dataset

    src = tmp_path_factory.mktemp("entity_cases_in")
    paths = []
    for case in cases:
        for n, text in enumerate(case["articles"]):
            path = src / _file_name(case["id"], n)
            path.write_text(text + "\n", encoding="utf-8")  # one line: no headline line is split off
            paths.append(str(path))
    out = tmp_path_factory.mktemp("entity_cases_out")
    report = build(paths, out, **options)
    assert report.articles == len(paths), report.skipped
    return Graph(load_dataset(out))


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Graph:
    return _build(tmp_path_factory, [c for c in CASES if not c.get("keep_government_bodies")])


@pytest.fixture(scope="module")
def graph_with_bodies(tmp_path_factory) -> Graph:
    return _build(tmp_path_factory, [c for c in CASES if c.get("keep_government_bodies")], keep_government_bodies=True)


def test_case_file_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(CASES) >= 20
    for case in CASES:
        assert isinstance(case["known_failure"], bool), case["id"]
        assert 1 <= len(case["articles"]), case["id"]
        for text in case["articles"]:
            assert "\n" not in text, case["id"]
        for e in case["expect"]:
            assert e["mention"] in case["articles"][e["article"]], (case["id"], e)


def _check(graph: Graph, case: dict) -> list[str]:
    problems = []
    for e in case["expect"]:
        article = _file_name(case["id"], e["article"])
        found = graph.candidates(article, e["mention"])
        labels = sorted({graph.label.get(x, "?") for x in found})
        if e.get("alias", True):
            if not found:
                mentioned = sorted(graph.label.get(x, "?") for x in graph.mentions[article])
                problems.append(f"{e['mention']!r} in article {e['article']}: no entity it refers to carries the name; "
                                f"it refers to {mentioned}")
            elif labels != [e["label"]]:
                problems.append(f"{e['mention']!r} in article {e['article']}: want label {e['label']!r}, got {labels}")
            elif "type" in e and not all(e["type"] in graph.types[x] for x in found):
                types = sorted(t for x in found for t in graph.types[x])
                problems.append(f"{e['mention']!r} in article {e['article']}: want type {e['type']}, got {types}")
            elif "part_of" in e and not all(graph.with_label(e["part_of"]) & graph.part_of[x] for x in found):
                wholes = sorted(graph.label.get(w, w) for x in found for w in graph.part_of[x])
                problems.append(f"{e['mention']!r} in article {e['article']}: want kg:partOf {e['part_of']!r}, "
                                f"got {wholes}")
        else:
            if any(label != e["label"] for label in labels):
                problems.append(f"{e['mention']!r} in article {e['article']}: kept as a name of {labels}")
            if not graph.with_label(e["label"]) & graph.mentions[article]:
                mentioned = sorted(graph.label.get(x, "?") for x in graph.mentions[article])
                problems.append(f"{e['mention']!r} in article {e['article']}: no reference to {e['label']!r}; "
                                f"the article refers to {mentioned}")
    for e in case.get("absent", []):  # a word that must not become an entity (a title word, a pronoun)
        article = _file_name(case["id"], e["article"])
        found = graph.candidates(article, e["mention"])
        if found:
            problems.append(f"{e['mention']!r} in article {e['article']}: should be no entity, got "
                            f"{sorted(graph.label.get(x, '?') for x in found)}")
    for a, b in case["distinct"]:
        ea, eb = graph.with_label(a), graph.with_label(b)
        if not ea or not eb:
            problems.append(f"distinct {a!r} / {b!r}: missing entity for {[x for x, s in ((a, ea), (b, eb)) if not s]}")
            continue
        for x in ea:
            if any(_norm(n) == _norm(b) for n in graph.alts[x]):
                problems.append(f"distinct: {a!r} carries {b!r} as an altLabel")
        for y in eb:
            if any(_norm(n) == _norm(a) for n in graph.alts[y]):
                problems.append(f"distinct: {b!r} carries {a!r} as an altLabel")
    return problems


@pytest.mark.parametrize("case", case_params(CASES))
def test_entity_case(request, case):
    graph = request.getfixturevalue("graph_with_bodies" if case.get("keep_government_bodies") else "graph")
    problems = _check(graph, case)
    assert not problems, "\n".join(problems)
