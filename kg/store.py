"""The graph on disk and SPARQL over it; bundled queries live in queries/*.rq.

`kg build` keeps the graph in an on-disk pyoxigraph store (`OUT/store/`): one
named graph per article and the default graph for the entities. Every change
to a graph is one store transaction, so a crash leaves each article either as
it was or as it should be, never half-written. `graph.trig` and `graph.ttl`
are exports of the store.

Queries run over the union of all graphs, both on the store
(`open_store` + `run_query`) and on an rdflib `Dataset` built in memory
(`load_dataset` + `run_query`), so callers can use either.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD

from kg.errors import QueryError, StoreError, cannot_write

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
GRAPH_FILE = "graph.trig"
UNION_FILE = "graph.ttl"
STORE_DIR = "store"
LOCK_WAIT = 2.0  # seconds a writer waits for the store's lock: `kg serve` holds it for a moment to copy the store
STATE_FILE = "kg-state.json"  # kept inside the store folder, so it goes wherever the store goes
STATE_VERSION = 1  # a state of another version says nothing about the store: the next build checks every graph

DEFAULT_GRAPH = ox.DefaultGraph()


# ------------------------------------------------------------------ bundled queries


def bundled_queries() -> dict[str, str]:
    """Return bundled query name -> its first comment line (what it answers)."""
    out = {}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        out[path.stem] = first.lstrip("# ").strip()
    return out


# `VALUES ?x { $NAME }` in a query: NAME is an entity's name, filled with the IRIs of the entities that have it
_ENTITY_SLOT = re.compile(r"VALUES\s+\?\w+\s*\{\s*\$([A-Z][A-Z_]*)\s*\}")
_ENTITIES_NAMED = """
SELECT DISTINCT ?e WHERE {
  { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?name }
  UNION { ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?name }
  FILTER(LCASE(STR(?name)) = LCASE(NAME))
} ORDER BY ?e"""


# `# optional: NAME …` in a query (`-- optional: …` in its SQL twin): those parameters may be left out (or given as `*`) to mean any value
_OPTIONAL_LINE = re.compile(r"^(?:#|--)\s*optional:(.*)$", re.MULTILINE)
ANY_VALUE = "*"


def optional_params(text: str) -> set[str]:
    """Return the parameters a query may go without: those its `# optional: NAME …` lines name."""
    return {name for line in _OPTIONAL_LINE.findall(text) for name in line.split()}


def query_params(query: str, text: str, params: list[str]) -> dict[str, str | None]:
    """Return each $NAME of a query's text, in order, with its value from `params` (positional).

    An optional parameter (see `optional_params`) left out, empty or `*` gets None: any value. Raises
    QueryError naming the parameters a required one is missing for.
    """
    names = list(dict.fromkeys(re.findall(r"\$([A-Z][A-Z_]*)", text)))
    optional = optional_params(text)
    missing = [name for name in names[len(params):] if name not in optional]
    if missing:
        raise QueryError(f"query '{query}' needs a value for {' '.join(missing)}")
    values = dict(zip(names, list(params) + [None] * len(names)))
    return {name: None if name in optional and value in (None, "", ANY_VALUE) else value
            for name, value in values.items()}


def query_text(query: str, params: list[str] | None = None,
               source: Dataset | ox.Store | Callable[[], Dataset | ox.Store] | None = None,
               lookup: Callable[[str], list[str]] | None = None) -> str:
    """Return SPARQL text for a bundled query name, a .rq file or SPARQL itself; fill $ENTITY-style parameters.

    A parameter in `VALUES ?x { $NAME }` names an entity by any of its names, in any case: it is looked
    up in `source` first and filled with the IRIs found, so the query starts from those entities (a
    store joins far faster from a few known IRIs than from a filter over every name). Any other
    parameter is filled in as a string literal. `source` may be a function that opens the graph: it is
    called only when a name needs looking up. `lookup`, instead of `source`, runs a SELECT of one column
    wherever the graph is and returns its IRIs (kg serve's workers hold the store).
    """
    params = list(params or [])
    path = Path(query)
    if query in bundled_queries():
        text = (QUERIES_DIR / f"{query}.rq").read_text(encoding="utf-8")
    elif query.endswith(".rq"):
        if not path.is_file():
            raise QueryError(f"no such query file: {query}")
        text = path.read_text(encoding="utf-8")
    elif re.search(r"\b(select|construct|ask|describe)\b", query, re.I):
        text = query
    else:
        raise QueryError(f"'{query}' is neither SPARQL, a .rq file nor a bundled query; "
                         f"bundled: {', '.join(bundled_queries())}")
    values = query_params(query, text, params)
    entity_slots = set(_ENTITY_SLOT.findall(text))
    for name, value in values.items():
        if value is None:  # an optional entity left out: VALUES ?x { UNDEF } leaves ?x free
            text = text.replace(f"${name}", "UNDEF")
        elif name in entity_slots:
            lookup_text = _ENTITIES_NAMED.replace("NAME", Literal(value).n3())
            if lookup is not None:
                iris = [URIRef(iri).n3() for iri in lookup(lookup_text)]
            else:
                if source is None:
                    raise QueryError(f"query '{query}' looks up ${name} in the graph: give the store to query_text")
                if callable(source):
                    source = source()
                iris = [row[0].n3() for row in run_query(source, lookup_text)[1]]
            text = text.replace(f"${name}", " ".join(iris))
        else:
            text = text.replace(f"${name}", Literal(value).n3())
    if query in bundled_queries():  # ours, and tested; rdflib's parser takes 50 ms, more than most answers
        return text
    from rdflib.plugins.sparql.parser import parseQuery  # 0.16 s to import: only a user's own query needs it

    try:
        parseQuery(text)
    except Exception as exc:  # pyparsing raises its own types; show its message
        raise QueryError(f"malformed SPARQL: {exc}") from None
    return text


# ------------------------------------------------------------------ opening


def store_path(out_dir: str | Path) -> Path:
    """Return the folder of the on-disk store that `kg build --out out_dir` writes."""
    return Path(out_dir) / STORE_DIR


def open_store(out_dir: str | Path) -> ox.Store:
    """Return the store `kg build` wrote to out_dir, opened read-only.

    Output folders written before the store existed only have graph.trig; that
    file is loaded into an in-memory store instead. Raises StoreError, naming
    the path, when there is neither or the store cannot be opened.
    """
    path = store_path(out_dir)
    if path.is_dir():
        check_store_folder(path)
        try:
            return ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {_first_line(exc)}") from None
    legacy = Path(out_dir) / GRAPH_FILE
    if legacy.is_file():
        store = ox.Store()
        try:
            store.load(path=str(legacy), format=ox.RdfFormat.TRIG)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"cannot read {legacy}: {_first_line(exc)}") from None
        return store
    raise StoreError(f"no store at {path}; run `kg build --out {out_dir}` first")


def open_store_for_writing(out_dir: str | Path) -> ox.Store:
    """Return the store in out_dir opened read-write (created when missing); one writer at a time."""
    path = store_path(out_dir)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store folder")
    if path.is_dir() and any(path.iterdir()):
        check_store_folder(path)
    path.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            return ox.Store(str(path))
        except OSError as exc:
            message = _first_line(exc)
            if "lock" not in message.lower():
                raise StoreError(f"cannot open the store at {path}: {message}") from None
            if time.monotonic() > deadline:
                raise StoreError(f"the store at {path} is in use by another process (a running `kg build`?); "
                                 "wait for it to end and try again") from None
            time.sleep(0.1)


def check_store_folder(path: Path) -> None:
    # RocksDB would happily create a fresh database in a folder that holds something else.
    if not (path / "CURRENT").is_file():
        raise StoreError(f"{path} is not a kg store (no RocksDB CURRENT file); remove it and run `kg build` again")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def load_dataset(out_dir: str | Path) -> Dataset:
    """Return the graph `kg build` wrote to out_dir as an rdflib Dataset (every named graph, queried as their union)."""
    store = open_store(out_dir)
    ds = Dataset(default_union=True)
    for quad in store:
        ds.add(to_rdflib_quad(quad))
    return ds


# ------------------------------------------------------------------ terms


def _memoized(convert):
    """Return `convert` remembering its results: graphs and results repeat the same terms over and over."""
    memo: dict = {}

    def remembered(term):
        try:
            return memo[term]
        except KeyError:
            value = memo[term] = convert(term)
            return value

    return remembered


def to_rdflib(term):
    """Return the rdflib term for a pyoxigraph term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise StoreError(f"unsupported RDF term {term!r}")


def to_oxigraph(term):
    """Return the pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"unsupported RDF term {term!r}")


def to_rdflib_quad(quad: ox.Quad) -> tuple:
    """Return (s, p, o, graph name) for rdflib.Dataset.add; the default graph gets rdflib's default id."""
    graph = DATASET_DEFAULT_GRAPH_ID if isinstance(quad.graph_name, ox.DefaultGraph) else to_rdflib(quad.graph_name)
    return to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), graph


def iter_graphs(source: Graph | ox.Store) -> Iterator[Graph]:
    """Yield the graphs of `source` one at a time, as rdflib Graphs: the named graphs, then the default graph.

    A store is read one graph at a time, so a reader that keeps only what it
    needs from each never holds the whole corpus; a Dataset yields its graphs;
    any other Graph is yielded whole.
    """
    if isinstance(source, ox.Store):
        for name in sorted(source.named_graphs(), key=lambda n: n.value):
            yield _graph_from_store(source, name, to_rdflib(name))
        yield _graph_from_store(source, DEFAULT_GRAPH, DATASET_DEFAULT_GRAPH_ID)
    elif isinstance(source, Dataset):
        for graph in source.graphs():
            yield Graph(store=source.store, identifier=graph.identifier)
    else:
        yield source


def _graph_from_store(store: ox.Store, name, identifier) -> Graph:
    graph = Graph(identifier=identifier)
    convert = _memoized(to_rdflib)
    graph.addN((convert(q.subject), convert(q.predicate), convert(q.object), graph)
               for q in store.quads_for_pattern(None, None, None, name))
    return graph


def to_oxigraph_triples(graph: Graph) -> list[ox.Triple]:
    """Return the triples of an rdflib graph (or a kg.rdf.TripleIndex) as pyoxigraph triples."""
    return list(iter_oxigraph_triples(graph))


def iter_oxigraph_triples(graph: Graph | Iterable[tuple]) -> Iterator[ox.Triple]:
    """Yield the triples of an rdflib graph (a kg.rdf.TripleIndex, any iterable of rdflib triples) as
    pyoxigraph triples, one at a time.

    Terms are told apart by their exact type and IRIs remembered by their
    text: rdflib's own hashing and comparisons are Python code, and were most
    of the cost of writing a build's graphs.
    """
    iris: dict[str, ox.NamedNode] = {}

    def iri(text: str) -> ox.NamedNode:
        node = iris.get(text)
        if node is None:
            node = iris[text] = ox.NamedNode(text)
        return node

    for s, p, o in graph:
        subject = iri(str.__str__(s)) if type(s) is URIRef else to_oxigraph(s)
        kind = type(o)
        if kind is URIRef:
            obj = iri(str.__str__(o))
        elif kind is Literal:
            if o.language:
                obj = ox.Literal(str.__str__(o), language=o.language)
            elif o.datatype is not None:
                obj = ox.Literal(str.__str__(o), datatype=iri(str.__str__(o.datatype)))
            else:
                obj = ox.Literal(str.__str__(o))
        else:
            obj = to_oxigraph(o)
        yield ox.Triple(subject, iri(str.__str__(p)), obj)


def dataset_graphs(ds: Dataset) -> dict[object, list[ox.Triple]]:
    """Return graph name (a NamedNode, or DEFAULT_GRAPH) -> its triples as pyoxigraph terms, per non-empty graph."""
    graphs: dict[object, list[ox.Triple]] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        key = DEFAULT_GRAPH if name is None or name == DATASET_DEFAULT_GRAPH_ID else to_oxigraph(name)
        graphs.setdefault(key, []).append(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)))
    return graphs


def digest(triples: Iterable[ox.Triple]) -> str:
    """Return a fingerprint of a set of triples, independent of their order and of repeats.

    The sum of each triple's SHA-256, so nothing is sorted: sorting the triples' text held ~90 MB
    more at the peak of a 2,500-article build (the entity graph's 224,000 triples).
    """
    return _fingerprint(sum(map(_triple_hash, set(triples))))


def _triple_hash(triple: ox.Triple) -> int:
    return int.from_bytes(hashlib.sha256(str(triple).encode("utf-8")).digest(), "big")


def _fingerprint(total: int) -> str:
    return f"{total % 2**256:064x}"


def graph_key(name) -> str:
    """Return the text a graph name is filed under in the build state ('' for the default graph)."""
    return "" if isinstance(name, ox.DefaultGraph) else name.value


# ------------------------------------------------------------------ writing


def replace_graph(store: ox.Store, name, triples: list[ox.Triple]) -> None:
    """Replace the content of one graph by `triples`.

    A named graph is replaced in a single transaction: readers see the old
    graph or the new one, never a mix. The default graph (the entities, tens of
    thousands of triples on a big corpus) is cleared, then filled in
    transactions of BATCH_QUADS: a single SPARQL update of that size costs hundreds of
    MB to parse, one transaction of it holds all of it in RocksDB's memory too
    (+130 MB at 2,500 articles), and the build state stays dirty in between, so a
    crash there is repaired by the next build.
    """
    if isinstance(name, ox.DefaultGraph):
        fill_default_graph(store, triples)
        return
    if not store.contains_named_graph(name):  # nothing to replace: one transaction, without SPARQL's parsing
        add_quads(store, in_graph(name, triples))
        return
    body = " .\n".join(str(t) for t in triples)
    store.update(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{\nGRAPH {name} {{\n{body}\n}}\n}}")


def fill_default_graph(store: ox.Store, triples: Iterable[ox.Triple], batch_quads: int | None = None) -> None:
    """Clear the default graph, then write `triples` into it in transactions of `batch_quads` (default
    StoreWriter.BATCH_QUADS), each flushed (see replace_graph)."""
    batch_quads = batch_quads or StoreWriter.BATCH_QUADS
    store.clear_graph(DEFAULT_GRAPH)
    batch: list[ox.Quad] = []
    for triple in triples:
        batch.append(ox.Quad(triple.subject, triple.predicate, triple.object, DEFAULT_GRAPH))
        if len(batch) >= batch_quads:
            add_quads(store, batch)
            store.flush()
            batch = []
    add_quads(store, batch)
    store.flush()


def in_graph(name, triples: list[ox.Triple]) -> list[ox.Quad]:
    """Return the triples as quads of the graph `name`."""
    return [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]


def add_quads(store: ox.Store, quads: list[ox.Quad]) -> None:
    """Add quads in one transaction: the graphs they fill are written whole or not at all."""
    store.extend(quads)


def remove_graph(store: ox.Store, name) -> None:
    """Remove a named graph and all its triples (one transaction)."""
    store.update(f"DROP SILENT GRAPH {name}")


@dataclass
class SyncResult:
    """How a store was brought in line with a dataset."""

    written: list[str] = field(default_factory=list)  # graph keys replaced or added
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    digests: dict[str, str] = field(default_factory=dict)


class StoreWriter:
    """Brings a store in line with graphs given one at a time, rewriting only those whose digest changed.

    `known` maps graph keys to the digests of what the store holds (from the
    last clean build); None means unknown, so every graph is rewritten.
    `finish()` then removes every graph that was not given.

    oxigraph writes outside the GIL, so the writes run in a thread of their
    own, in order, while the caller builds the next graph; at most two wait
    their turn, which keeps memory flat. A failed write is raised by the next
    `put` or by `finish`.
    """

    PENDING = 2  # writes waiting their turn
    BATCH_QUADS = 20_000  # new graphs are written together, in transactions of about this size

    def __init__(self, store: ox.Store, known: dict[str, str] | None):
        self.store = store
        self.known = known
        self.result = SyncResult()
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-store-writer")
        self._pending: deque[Future] = deque()
        self._batch: list[ox.Quad] = []

    def put(self, name, triples: list[ox.Triple]) -> None:
        key = graph_key(name)
        fingerprint = digest(triples)
        self.result.digests[key] = fingerprint
        if self.known is not None and self.known.get(key) == fingerprint:
            self.result.unchanged += 1
            return
        self.result.written.append(key)
        if isinstance(name, ox.NamedNode) and not self.store.contains_named_graph(name):
            # The quads are made here: the writer thread then needs the GIL once per batch, not per quad.
            self._batch += in_graph(name, triples)
            if len(self._batch) >= self.BATCH_QUADS:
                self._flush()
            return
        self._flush()
        self._submit(replace_graph, self.store, name, triples)

    def put_default(self, triples: Callable[[], Iterable[tuple]]) -> int:
        """Bring the default graph in line with the rdflib triples `triples()` yields (each once: an rdflib
        Graph, a kg.rdf.TripleIndex, or a generator of them); return their number.

        Their oxigraph copy is never held whole: `triples()` is called twice, once for the digest and, when
        it changed, again to write them batch by batch (at 2,500 articles, the 224,000 triples of the
        entities and their quote clusters held 70 MB as a list). Same digest as `put` of the same triples.
        """
        count = total = 0
        for triple in iter_oxigraph_triples(triples()):
            count += 1
            total += _triple_hash(triple)
        fingerprint = _fingerprint(total)
        self.result.digests[""] = fingerprint
        if self.known is not None and self.known.get("") == fingerprint:
            self.result.unchanged += 1
            return count
        self.result.written.append("")
        self._drain()  # the writes before this one land first
        fill_default_graph(self.store, iter_oxigraph_triples(triples()), self.BATCH_QUADS)
        return count

    def _flush(self) -> None:
        if self._batch:
            self._submit(self._write_batch, self._batch)
            self._batch = []

    def _write_batch(self, quads: list[ox.Quad]) -> None:
        add_quads(self.store, quads)
        # RocksDB keeps what it was given in memory until flushed: on 840 new articles that grew by
        # 270 MB. Flushing each batch keeps it to a few tens of MB, and writing got faster.
        self.store.flush()

    def _submit(self, write: Callable, *args) -> None:
        while len(self._pending) >= self.PENDING:
            self._pending.popleft().result()
        self._pending.append(self._writes.submit(write, *args))

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Wait for the writes under way and stop the writer thread (`finish` does it too)."""
        self._writes.shutdown(wait=True)

    def _drain(self) -> None:
        self._flush()
        while self._pending:
            self._pending.popleft().result()

    def finish(self) -> SyncResult:
        try:
            self._drain()
        finally:
            self.close()
        wanted = self.result.digests
        for name in list(self.store.named_graphs()):
            if name.value not in wanted:
                remove_graph(self.store, name)
                self.result.removed.append(name.value)
        if "" not in wanted and self.known is not None and self.known.get(""):
            self.store.update("DROP SILENT DEFAULT")
        return self.result


def sync_store(store: ox.Store, graphs: dict[object, list[ox.Triple]], known: dict[str, str] | None) -> SyncResult:
    """Make the store hold exactly `graphs`, rewriting only graphs whose digest differs from `known`."""
    writer = StoreWriter(store, known)
    for name in sorted(graphs, key=graph_key):
        writer.put(name, graphs[name])
    return writer.finish()


def stored_articles(store: ox.Store) -> dict[str, tuple[str, str]]:
    """Return sha256 -> (graph IRI, source) of every article graph in the store."""
    rows = store.query("""
        SELECT ?g ?sha ?source WHERE {
          GRAPH ?g { ?g <https://w3id.org/newskg/ontology#sha256> ?sha .
                     OPTIONAL { ?g <http://purl.org/dc/terms/source> ?source } }
        }""")
    return {row["sha"].value: (row["g"].value, row["source"].value if row["source"] else "") for row in rows}


def read_state(store_dir: Path) -> dict:
    """Return the build state saved beside the store ({} when missing or unreadable)."""
    try:
        return json.loads((store_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def store_id(state: dict) -> str:
    """Return the store's identity: the id its first build minted, kept in the state from build to build.

    It names the store's entity graph on a SPARQL server (see kg.push), so two
    output folders pushed to one server keep their entity graphs apart while
    pushing one folder again replaces its own. A state without one (a store
    built before ids existed, or a new store) gets a fresh id.
    """
    found = state.get("store_id")
    return found if isinstance(found, str) and re.fullmatch(r"[0-9a-f]{32}", found) else uuid.uuid4().hex


def write_state(store_dir: Path, state: dict) -> None:
    """Save the build state atomically."""
    write_atomic(store_dir / STATE_FILE, json.dumps(state, sort_keys=True).encode("utf-8"))


def clean_state(store_dir: Path) -> dict | None:
    """Return the state the last build left when it finished (clean, and of this STATE_VERSION); else None.

    Only such a state says what the store holds: its graphs' digests, and the
    key of the inputs and code it was built from.
    """
    state = read_state(store_dir)
    return state if state.get("clean") and state.get("version") == STATE_VERSION else None


@contextlib.contextmanager
def store_changes(store_dir: Path) -> Iterator[dict]:
    """Mark the store dirty for the block; when the block ends, clean, with what it put in the yielded dict.

    The dirty mark is written before the block touches the store, so a build
    killed or failing at any point inside it leaves the state dirty and the
    next build checks every graph (kg.pipeline). The store keeps its identity
    (store_id) across both writes.
    """
    identity = store_id(read_state(store_dir))
    write_state(store_dir, {"version": STATE_VERSION, "clean": False, "store_id": identity})
    record: dict = {}
    yield record
    write_state(store_dir, {**record, "version": STATE_VERSION, "clean": True, "store_id": identity})


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # mkstemp makes 0600 files; outputs should be readable like any other file


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or pieces of bytes written as they come) via a temporary file, fsync and rename,
    so a crash never leaves half a file.

    Raises OutputError (disk full, no permission); the file's old version stays.
    """
    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                fh.writelines(data)
            fh.flush()
            os.fsync(fh.fileno())

    _replace_atomically(path, write)


def _replace_atomically(path: Path, write) -> None:
    """Have `write(temporary path)` write the file beside `path`, then rename it over `path`; on failure the
    temporary file goes, and an OSError becomes an OutputError naming `path`."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(fd, _FILE_MODE)
        os.close(fd)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise cannot_write(path, exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ exports


def prefixes() -> dict[str, str]:
    """Return the contract's prefixes (prefix -> namespace) for serializations."""
    from kg.rdf import bind_prefixes

    g = Graph(bind_namespaces="core")
    bind_prefixes(g)
    return {prefix: str(ns) for prefix, ns in g.namespaces() if prefix and prefix != "xml"}


_triple_key = hash  # a test makes every key collide


def union_triples(store: ox.Store, expected: int | None = None) -> Iterator[ox.Triple]:
    """Yield every triple of the store once, whatever graphs hold it.

    The quads come graph by graph. Each triple sets one bit of a bitmap, at its
    hash (a Bloom filter of one hash function, about 64 bits per triple:
    `expected` is roughly how many quads the store holds); a triple whose bit
    is already set is looked up in the store and skipped only when an earlier
    graph holds it. A set of the hashes took 60-70 bytes a triple (200 MB at
    8,400 articles); a DISTINCT or a CONSTRUCT holds the triples themselves
    (170 MB on 840 articles).
    """
    size = _UNION_BITS_DEFAULT if expected is None else 1 << max(expected * 64, 1).bit_length()
    size = min(max(size, _UNION_BITS_MIN), _UNION_BITS_MAX)
    seen = bytearray(size // 8)
    mask = size - 1
    finished: set = set()  # graphs whose quads have all gone by
    current = None
    for quad in store.quads_for_pattern(None, None, None, None):
        if quad.graph_name != current:
            if quad.graph_name in finished:
                raise StoreError("the store returned a graph's quads out of order; cannot write the union")
            finished.add(current)
            current = quad.graph_name
        triple = quad.triple
        key = _triple_key(triple) & mask
        byte, bit = key >> 3, 1 << (key & 7)
        if seen[byte] & bit and any(q.graph_name in finished for q in
                                    store.quads_for_pattern(triple.subject, triple.predicate, triple.object)):
            continue  # written with an earlier graph
        seen[byte] |= bit
        yield triple


_UNION_BITS_MIN, _UNION_BITS_DEFAULT, _UNION_BITS_MAX = 1 << 23, 1 << 27, 1 << 31  # 1 MB, 16 MB, 256 MB


def dump_dataset(store: ox.Store, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
    """Write every graph of the store to path (TriG, N-Quads, JSON-LD …) atomically."""
    _dump_atomic(path, lambda tmp: store.dump(tmp, fmt, prefixes=prefixes() if fmt != ox.RdfFormat.N_QUADS else None))


def dump_union(store: ox.Store, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE,
               expected: int | None = None) -> None:
    """Write the union of all graphs to path (Turtle, N-Triples …) atomically (`expected`: see union_triples)."""
    _dump_atomic(path, lambda tmp: ox.serialize(union_triples(store, expected), tmp, fmt,
                                                 prefixes=prefixes() if fmt != ox.RdfFormat.N_TRIPLES else None))


def _dump_atomic(path: Path, write) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    _replace_atomically(path, write)


# ------------------------------------------------------------------ queries


def run_query(source: Dataset | ox.Store, text: str) -> tuple[list[str], list[list]]:
    """Return (column names, rows) of a SELECT or ASK query; CONSTRUCT/DESCRIBE give (s, p, o) rows.

    `source` is the on-disk store (see `open_store`) or an rdflib Dataset;
    either way the query sees the union of all graphs, and the rows hold
    rdflib terms.
    """
    if isinstance(source, ox.Store):
        return _run_on_store(source, text)
    try:
        result = source.query(text)
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from None
    if result.type == "ASK":
        return ["answer"], [[bool(result.askAnswer)]]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return ["subject", "predicate", "object"], [list(t) for t in result.graph]
    names = [str(v) for v in result.vars]
    return names, [list(row) for row in result]


def _run_on_store(store: ox.Store, text: str) -> tuple[list[str], list[list]]:
    names, rows = iter_query(store, text)
    return names, list(rows)


def iter_query(store: ox.Store, text: str) -> tuple[list[str], Iterator[list]]:
    """Return (column names, an iterator of rows) of a query on the store, rows made as they are read.

    Like `run_query`, rows hold rdflib terms; oxigraph evaluates lazily, so a caller that reads the first
    rows of a query without ORDER BY does not wait for the rest.
    """
    # Results repeat the same speakers, labels and articles; building rdflib terms is the slow part.
    convert = _memoized(to_rdflib)

    with _query_errors():
        result = store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return ["answer"], iter([[bool(result)]])
        if isinstance(result, ox.QueryTriples):
            return ["subject", "predicate", "object"], _guarded(
                [convert(t.subject), convert(t.predicate), convert(t.object)] for t in result)
        names = [v.value for v in result.variables]
        columns = range(len(names))
        return names, _guarded([convert(row[i]) for i in columns] for row in result)


def _guarded(rows: Iterator[list]) -> Iterator[list]:
    with _query_errors():
        yield from rows


@contextlib.contextmanager
def _query_errors():
    try:
        yield
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
    except OSError as exc:
        raise StoreError(f"cannot read the store: {_first_line(exc)}") from None
    except (QueryError, StoreError, GeneratorExit):
        raise
    except Exception as exc:  # evaluation errors (e.g. SERVICE unreachable)
        raise QueryError(f"query failed: {_first_line(exc)}") from None
