"""`kg push`: copy the store to a SPARQL server with the Graph Store HTTP Protocol.

One PUT per graph (`?graph=<article IRI>`), which replaces that graph on the
server, so pushing twice leaves the server as pushing once. A graph larger
than PART_BYTES of N-Triples (the entity graph of a big build) goes as a PUT
of its first part and a POST, which adds to the graph, for each further part:
Virtuoso did not answer a PUT of the entity graph of 33,560 articles within
600 s.

The entity graph (the store's default graph) goes to a named graph of its own
build, `id:graph/entities/BUILD`, BUILD being the store's identity (kept in
its build state; see kg.store.store_id). A server holds many output folders
that way: a second, different build gets an entity graph of its own instead of
replacing the first one's, while pushing one folder again replaces its own.
A server that answers queries over the union of its graphs (Virtuoso and
GraphDB do by default, Fuseki with `unionDefaultGraph`) answers the contract's
queries over all of them, as it must already for the article graphs.
`default_graph` puts the entity graph under a fixed name instead.

Which entity graph belongs to which build is kept on the server too, in the
graph `id:graph/builds` (`<entity graph> dcterms:identifier "BUILD"`), read
before and rewritten after each push: the report warns when the server holds
other builds' entity graphs, and above all when this push replaced one.

Endpoints, for reference:

- Virtuoso: http://HOST:8890/sparql-graph-crud-auth (HTTP Digest; a user with
  SPARQL_UPDATE, e.g. dba);
- Apache Jena Fuseki: http://HOST:3030/DATASET/data (or /DATASET);
- GraphDB: http://HOST:7200/repositories/REPO/rdf-graphs/service.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import requests
from rdflib.namespace import DCTERMS

from kg.errors import InputError, KgError
from kg.rdf import BUILDS_GRAPH, entity_graph_iri

MEDIA_TYPE = "application/n-triples; charset=utf-8"  # plain N-Triples: every server reads it
PART_BYTES = 16 << 20  # the most one request carries (about 100,000 triples)


class PushError(KgError):
    """The server refused a graph or could not be reached; the message says what was pushed before."""


@dataclass
class PushReport:
    """What a push sent: (graph IRI on the server, triples) per graph, and what to warn about."""

    endpoint: str
    graphs: list[tuple[str, int]] = field(default_factory=list)
    entity_graph: str = ""  # where the entity graph went ('' when the store has none)
    warnings: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)


def check_endpoint(endpoint: str) -> str:
    """Return the endpoint URL if it is an absolute http(s) URL; raise InputError otherwise."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"endpoint must be an http:// or https:// URL, not '{endpoint}'")
    return endpoint


def graph_url(endpoint: str, graph: str | None) -> str:
    """Return the Graph Store Protocol URL of one graph (None: the server's default graph)."""
    sep = "&" if urlsplit(endpoint).query else "?"
    if graph is None:
        return f"{endpoint}{sep}default"
    return f"{endpoint}{sep}graph={quote(graph, safe='')}"


def push(store: ox.Store, endpoint: str, user: str | None = None, password: str | None = None,
         timeout: float = 30.0, default_graph: str | None = None, build_id: str | None = None,
         on_progress: Callable[[int, int, str], None] | None = None) -> PushReport:
    """PUT every graph of the store to a Graph Store Protocol endpoint; return what was pushed.

    The entity graph goes to `id:graph/entities/BUILD_ID` (or to `default_graph`);
    without a `build_id` (a store built before stores had one), BUILD_ID is a
    digest of the store's article graph names. Raises PushError on the first
    graph the server does not take (or after `timeout` seconds without an
    answer), naming how many graphs were pushed before it; pushing again is
    safe, since each PUT replaces its graph.
    """
    check_endpoint(endpoint)
    if timeout <= 0:
        raise InputError(f"timeout must be positive, not {timeout}")
    if (user is None) != (password is None):
        raise InputError("give both --user and --password, or neither")
    named = sorted(store.named_graphs(), key=str)
    names = {g.value for g in named}
    if default_graph is not None:
        _check_iri(default_graph)
        if default_graph in names or default_graph == str(BUILDS_GRAPH):
            raise InputError(f"--default-graph {default_graph} is already the name of another graph")
    if build_id is not None and not re.fullmatch(r"[A-Za-z0-9_-]+", build_id):
        raise InputError(f"a build id is letters, digits, '-' and '_', not '{build_id}'")
    build = build_id or hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:32]

    targets: list[tuple[object, str]] = [(g, g.value) for g in named]
    if any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        targets.insert(0, (ox.DefaultGraph(), default_graph or str(entity_graph_iri(build))))

    report = PushReport(endpoint)
    server = _Server(endpoint, user, password, timeout, report, len(targets))
    builds = server.read_builds() if targets and targets[0][0] == ox.DefaultGraph() else None
    if builds is not None:
        report.entity_graph = targets[0][1]
        report.warnings = _clashes(builds, report.entity_graph, build)
    for n, (source, target) in enumerate(targets, 1):
        body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source)
        for k, part in enumerate(_parts(body)):
            (server.put if k == 0 else server.post)(target, part, target)
        report.graphs.append((target, body.count(b"\n")))
        if on_progress:
            on_progress(n, len(targets), target)
    if builds is not None:
        builds = {g: b for g, b in builds.items() if g != report.entity_graph} | {report.entity_graph: build}
        server.put(str(BUILDS_GRAPH), _builds_body(builds), "the list of builds")
    return report


def _parts(body: bytes) -> list[bytes]:
    """Split an N-Triples document at line ends into parts of at most about PART_BYTES (one line per triple, so
    each part is a document of its own; a graph with blank nodes stays whole, their labels being per document)."""
    if len(body) <= PART_BYTES or b"_:" in body:
        return [body]
    parts, start = [], 0
    while start < len(body):
        end = body.rfind(b"\n", start, start + PART_BYTES) + 1
        if end <= start:  # one line longer than a part
            end = body.find(b"\n", start + PART_BYTES) + 1 or len(body)
        parts.append(body[start:end])
        start = end
    return parts


def _clashes(builds: dict[str, str], entity_graph: str, build: str) -> list[str]:
    """Return a warning for each entity graph of another build that the server holds."""
    warnings = []
    replaced = builds.get(entity_graph)
    if replaced not in (None, build):
        warnings.append(f"the server's entity graph {entity_graph} was another build's ({replaced}); this push "
                        "replaces it, so that build's articles lose their entity labels (push without "
                        "--default-graph to give each build an entity graph of its own)")
    others = sorted(g for g, b in builds.items() if b != build and g != entity_graph)
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        warnings.append(f"the server already holds {len(others)} entity graph{'s' if len(others) > 1 else ''} of "
                        f"other builds ({shown}); they are kept beside this build's, and an entity named in more "
                        "than one build carries each build's labels and metrics")
    return warnings


def _builds_body(builds: dict[str, str]) -> bytes:
    triples = [ox.Triple(ox.NamedNode(g), ox.NamedNode(str(DCTERMS.identifier)), ox.Literal(b))
               for g, b in sorted(builds.items())]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


class _Server:
    """One endpoint's Graph Store Protocol, with the authentication its first 401 asks for."""

    def __init__(self, endpoint: str, user: str | None, password: str | None, timeout: float,
                 report: PushReport, total: int):
        self.endpoint, self.user, self.password, self.timeout = endpoint, user, password, timeout
        self.report, self.total = report, total
        self.session = requests.Session()
        self.auth = None

    def read_builds(self) -> dict[str, str]:
        """Return entity graph -> build id, as the server's list of builds has it ({} when it has none)."""
        response = self._send("GET", str(BUILDS_GRAPH), "the list of builds",
                              headers={"Accept": "application/n-triples, text/turtle;q=0.9"})
        if response.status_code == 404:
            return {}
        media = response.headers.get("Content-Type", "application/n-triples").split(";")[0].strip()
        try:
            quads = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media) or
                                  ox.RdfFormat.N_TRIPLES))
        except (SyntaxError, ValueError) as exc:
            raise PushError(_partial(self.report, self.total, "the list of builds",
                                     f"cannot read the server's list of builds: {exc}")) from None
        return {q.subject.value: q.object.value for q in quads
                if q.predicate.value == str(DCTERMS.identifier) and isinstance(q.subject, ox.NamedNode)}

    def put(self, graph: str, body: bytes, label: str) -> None:
        self._send("PUT", graph, label, body=body, headers={"Content-Type": MEDIA_TYPE})

    def post(self, graph: str, body: bytes, label: str) -> None:
        """Add the triples of `body` to `graph` (the Graph Store Protocol's merge)."""
        self._send("POST", graph, label, body=body, headers={"Content-Type": MEDIA_TYPE})

    def _send(self, method: str, graph: str, label: str, body: bytes | None = None,
              headers: dict | None = None) -> requests.Response:
        url = graph_url(self.endpoint, graph)
        try:
            response = self._request(method, url, body, headers)
            if response.status_code == 401 and self.user is not None and self.auth is None:
                self.auth = _auth_for(response, self.user, self.password)
                response = self._request(method, url, body, headers)
        except requests.Timeout:
            raise PushError(_partial(self.report, self.total, label,
                                     f"no answer from {self.endpoint} within {self.timeout:g} s")) from None
        except requests.ConnectionError as exc:
            raise PushError(_partial(self.report, self.total, label,
                                     f"cannot reach {self.endpoint}: {_reason(exc)}")) from None
        if response.status_code >= 300 and not (method == "GET" and response.status_code == 404):
            raise PushError(_partial(self.report, self.total, label, _refusal(response)))
        return response

    def _request(self, method: str, url: str, body: bytes | None, headers: dict | None) -> requests.Response:
        return self.session.request(method, url, data=body, headers=headers, auth=self.auth,
                                    timeout=(self.timeout, self.timeout))


def _check_iri(iri: str) -> None:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", iri):
        raise InputError(f"--default-graph must be an absolute IRI, not '{iri}'")


def _auth_for(response: requests.Response, user: str, password: str):
    challenge = response.headers.get("WWW-Authenticate", "").lower()
    if challenge.startswith("digest"):
        return requests.auth.HTTPDigestAuth(user, password)
    return requests.auth.HTTPBasicAuth(user, password)


def _partial(report: PushReport, total: int, label: str, reason: str) -> str:
    done = len(report.graphs)
    return (f"{reason}; pushed {done} of {total} graphs before {label}, the rest were not pushed "
            f"(pushing again is safe)")


def _refusal(response: requests.Response) -> str:
    text = response.text or ""
    detail = re.search(r"<xmp>(.*?)</xmp>", text, re.S)  # Virtuoso puts its message there
    message = detail.group(1) if detail else re.sub(r"<[^>]+>", " ", text)
    message = " ".join(unescape(message).split())[:300]
    hint = ""
    if response.status_code == 401:
        hint = " (check --user and --password)"
    return f"HTTP {response.status_code} {response.reason}{': ' + message if message else ''}{hint}"


def _reason(exc: Exception) -> str:
    text = str(exc)
    found = re.search(r"\] ([^'\")]+)", text) or re.search(r"Errno \d+\] ([^'\")]+)", text)
    return found.group(1).strip() if found else text.splitlines()[0][:200]
