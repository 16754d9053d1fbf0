"""`kg push`: copy the store to a SPARQL server with the Graph Store HTTP Protocol.

One PUT per graph (`?graph=<article IRI>`), which replaces that graph on the
server, so pushing twice leaves the server as pushing once. The entity graph
(the store's default graph) goes to `?default`, or to a named graph when the
server has no writable default graph (Virtuoso): pass `default_graph`.

Endpoints, for reference:

- Virtuoso: http://HOST:8890/sparql-graph-crud-auth (HTTP Digest; a user with
  SPARQL_UPDATE, e.g. dba), with `default_graph` set;
- Apache Jena Fuseki: http://HOST:3030/DATASET/data (or /DATASET);
- GraphDB: http://HOST:7200/repositories/REPO/rdf-graphs/service.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import requests

from kg.errors import InputError, KgError

MEDIA_TYPE = "application/n-triples; charset=utf-8"  # plain N-Triples: every server reads it


class PushError(KgError):
    """The server refused a graph or could not be reached; the message says what was pushed before."""


@dataclass
class PushReport:
    """What a push sent: (graph IRI on the server, or '' for its default graph, triples) per graph."""

    endpoint: str
    graphs: list[tuple[str, int]] = field(default_factory=list)

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
         timeout: float = 30.0, default_graph: str | None = None,
         on_progress: Callable[[int, int, str], None] | None = None) -> PushReport:
    """PUT every graph of the store to a Graph Store Protocol endpoint; return what was pushed.

    Raises PushError on the first graph the server does not take (or after
    `timeout` seconds without an answer), naming how many graphs were pushed
    before it; pushing again is safe, since each PUT replaces its graph.
    """
    check_endpoint(endpoint)
    if timeout <= 0:
        raise InputError(f"timeout must be positive, not {timeout}")
    if (user is None) != (password is None):
        raise InputError("give both --user and --password, or neither")
    named = sorted(store.named_graphs(), key=str)
    if default_graph is not None:
        _check_iri(default_graph)
        if default_graph in {g.value for g in named}:
            raise InputError(f"--default-graph {default_graph} is already the name of an article graph")

    targets: list[tuple[object, str | None]] = [(g, g.value) for g in named]
    if any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        targets.insert(0, (ox.DefaultGraph(), default_graph))

    report = PushReport(endpoint)
    session = requests.Session()
    auth = None
    for n, (source, target) in enumerate(targets, 1):
        body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source)
        count = body.count(b"\n")
        url = graph_url(endpoint, target)
        label = target or "the default graph"
        try:
            response = session.put(url, data=body, headers={"Content-Type": MEDIA_TYPE}, auth=auth,
                                   timeout=(timeout, timeout))
            if response.status_code == 401 and user is not None and auth is None:
                auth = _auth_for(response, user, password)
                response = session.put(url, data=body, headers={"Content-Type": MEDIA_TYPE}, auth=auth,
                                       timeout=(timeout, timeout))
        except requests.Timeout:
            raise PushError(_partial(report, len(targets), label,
                                     f"no answer from {endpoint} within {timeout:g} s")) from None
        except requests.ConnectionError as exc:
            raise PushError(_partial(report, len(targets), label,
                                     f"cannot reach {endpoint}: {_reason(exc)}")) from None
        if response.status_code >= 300:
            raise PushError(_partial(report, len(targets), label, _refusal(response, target is None)))
        report.graphs.append((target or "", count))
        if on_progress:
            on_progress(n, len(targets), label)
    return report


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


def _refusal(response: requests.Response, default: bool) -> str:
    text = response.text or ""
    detail = re.search(r"<xmp>(.*?)</xmp>", text, re.S)  # Virtuoso puts its message there
    message = detail.group(1) if detail else re.sub(r"<[^>]+>", " ", text)
    message = " ".join(unescape(message).split())[:300]
    hint = ""
    if response.status_code == 401:
        hint = " (check --user and --password)"
    elif default:
        hint = " (if the server has no default graph, as Virtuoso, pass --default-graph IRI)"
    return f"HTTP {response.status_code} {response.reason}{': ' + message if message else ''}{hint}"


def _reason(exc: Exception) -> str:
    text = str(exc)
    found = re.search(r"\] ([^'\")]+)", text) or re.search(r"Errno \d+\] ([^'\")]+)", text)
    return found.group(1).strip() if found else text.splitlines()[0][:200]
