"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the store, with a small query page.

GET, HEAD and POST at /sparql (query string, form-encoded or
application/sparql-query body); SELECT/ASK results as SPARQL JSON, XML, CSV or
TSV and CONSTRUCT/DESCRIBE results as Turtle, JSON-LD, N-Triples or RDF/XML,
chosen by the Accept header.
Updates are refused (403), and so are SERVICE clauses unless allowed, since
they would make the server fetch arbitrary URLs.

The server reads a private copy of the store (a RocksDB checkpoint: hard
links, made in milliseconds), so `kg build` can go on writing the store while
it serves; when a build has finished, the server copies the store again and
moves to the new copy. Reading the store itself while a build writes it would
be undefined behaviour in RocksDB.

Queries run in worker processes that each hold the copy open read-only. A
query that outlives the timeout has its worker killed and replaced: pyoxigraph
cannot cancel a query from another thread, and a stuck worker must not keep a
CPU busy. Results are cut at a configurable number of rows (or triples); a cut
result says so in the `X-Kg-Truncated` header.

HTTP is Starlette on uvicorn: the event loop parses requests and hands each
query to a thread that waits on the worker pool, so a slow query holds one
thread, never the loop.
"""
from __future__ import annotations

import html
import json
import logging
import multiprocessing
import os
import queue
import re
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from kg.errors import InputError, QueryError, StoreError
from kg.store import (QUERIES_DIR, STATE_FILE, STORE_DIR, bundled_queries, check_store_folder, open_store,
                      open_store_for_writing, prefixes, read_state, store_path)

log = logging.getLogger(__name__)

RESULT_TYPES = {  # media type -> format for SELECT and ASK results
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {  # media type -> format for CONSTRUCT and DESCRIBE results
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/x-json+ld": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
STATIC_DIR = Path(__file__).resolve().parent / "static"  # the query page
SNAPSHOT_PREFIX = ".kg-serve-"  # the server's copies of the store, inside the output folder
BACKLOG = 2048  # connections the listen queue holds; 5 (http.server's) made busy clients wait for a SYN retry
SHUTDOWN_WAIT = 5.0  # seconds open requests get to finish when the server stops
SERVER_NAME = "kg-sparql/0.1"
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


@dataclass(frozen=True)
class ServeOptions:
    """How the endpoint limits what a query may cost."""

    timeout: float = 30.0  # seconds a query may run before its worker is killed
    limit: int = 10_000  # most result rows (or triples) returned; the rest is cut
    allow_service: bool = False  # allow SERVICE clauses (federated queries fetch remote URLs)
    workers: int = 2  # queries that may run at once
    max_body: int = 1 << 20  # largest POST body accepted, in bytes
    refresh: float = 2.0  # seconds between looks for a finished build to serve (0: serve the first copy only)
    keep_alive: float = 5.0  # seconds an idle keep-alive connection stays open

    def __post_init__(self):
        if self.timeout <= 0:
            raise InputError(f"timeout must be positive, not {self.timeout}")
        if self.limit < 1:
            raise InputError(f"result limit must be at least 1, not {self.limit}")
        if self.workers < 1:
            raise InputError(f"workers must be at least 1, not {self.workers}")
        if self.refresh < 0:
            raise InputError(f"refresh must be 0 or more seconds, not {self.refresh}")
        if self.keep_alive <= 0:
            raise InputError(f"keep-alive must be positive, not {self.keep_alive}")


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, media type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


# ------------------------------------------------------------------ query text checks

_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')


def _skeleton(text: str) -> str:
    """Return the query with strings, IRIs and comments blanked out, so keywords can be found safely."""
    return _OPAQUE.sub(" ", text)


def uses_service(text: str) -> bool:
    """Return whether a query has a SERVICE clause (a federated call to another endpoint)."""
    return re.search(r"(?<![\w:?$])SERVICE\b", _skeleton(text), re.I) is not None


def is_update(text: str) -> bool:
    """Return whether the text is a SPARQL update (INSERT, DELETE, DROP …) rather than a query."""
    body = re.sub(r"(?i)\b(PREFIX\s+[\w.-]*:|BASE)\s", " ", _skeleton(text))
    words = body.split()
    return bool(words) and words[0].upper() in UPDATE_KEYWORDS


# ------------------------------------------------------------------ content negotiation


def negotiate(accept: str | None, offers: dict, default: str) -> str | None:
    """Return the offered media type the Accept header prefers (default for none or */*), or None when none fits."""
    if not accept or not accept.strip():
        return default
    best, best_q = None, 0.0
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media in ("*/*", "*"):
            candidate = default
        elif media.endswith("/*"):
            candidate = next((m for m in offers if m.startswith(media[:-1])), None)
        else:
            candidate = media if media in offers else None
        # Earlier entries win ties: clients list what they want most first.
        if candidate and q > best_q:
            best, best_q = candidate, q
    return best


# ------------------------------------------------------------------ running one query (in a worker)


def execute(store: ox.Store, query: str, accept: str | None, limit: int, default_graphs: list[str],
            named_graphs: list[str]) -> Reply:
    """Run one query on the store and return the HTTP reply, results cut at `limit`."""
    try:
        kwargs = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        result = store.query(query, **kwargs)
        if isinstance(result, ox.QueryTriples):
            return _graph_reply(result, accept, limit)
        if isinstance(result, ox.QueryBoolean):
            return _results_reply({"head": {}, "boolean": bool(result)}, accept, False, limit)
        return _solutions_reply(result, accept, limit)
    except SyntaxError as exc:
        return _text(HTTPStatus.BAD_REQUEST, f"malformed SPARQL: {exc}")
    except ValueError as exc:  # e.g. an invalid IRI in default-graph-uri
        return _text(HTTPStatus.BAD_REQUEST, f"bad request: {exc}")
    except OSError as exc:
        return _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot read the store: {exc}")
    except Exception as exc:  # evaluation errors
        return _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}")


def graph_iri_error(params: dict[str, list[str]]) -> str | None:
    """Return why a default-graph-uri or named-graph-uri parameter is not an IRI, or None when all are."""
    for name in ("default-graph-uri", "named-graph-uri"):
        for value in params.get(name, []):
            try:
                ox.NamedNode(value)
            except ValueError as exc:
                return f"{name} {value!r} is not an IRI: {exc}"
    return None


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def _solutions_reply(solutions: ox.QuerySolutions, accept: str | None, limit: int) -> Reply:
    names = [v.value for v in solutions.variables]
    bindings = []
    truncated = False
    for n, row in enumerate(solutions):
        if n >= limit:
            truncated = True
            break
        bindings.append({name: _json_term(row[name]) for name in names if row[name] is not None})
    return _results_reply({"head": {"vars": names}, "results": {"bindings": bindings}}, accept, truncated, limit)


def _results_reply(doc: dict, accept: str | None, truncated: bool, limit: int) -> Reply:
    media = negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
    if media is None:
        return _text(HTTPStatus.NOT_ACCEPTABLE, "cannot answer with any of the accepted types; offered: "
                     + ", ".join(RESULT_TYPES))
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    fmt = RESULT_TYPES[media]
    if fmt != ox.QueryResultsFormat.JSON:
        # pyoxigraph's own writers give exact XML/CSV/TSV; they read the JSON we cut at the limit.
        if "boolean" in doc and fmt in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV):
            body = f"{str(doc['boolean']).lower()}\n".encode()
        else:
            body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=fmt)
    return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", body, _limit_headers(truncated, limit))


def _graph_reply(triples: ox.QueryTriples, accept: str | None, limit: int) -> Reply:
    media = negotiate(accept, GRAPH_TYPES, "text/turtle")
    if media is None:
        return _text(HTTPStatus.NOT_ACCEPTABLE, "cannot answer with any of the accepted types; offered: "
                     + ", ".join(GRAPH_TYPES))
    kept = list(islice(triples, limit + 1))
    truncated = len(kept) > limit
    fmt = GRAPH_TYPES[media]
    use_prefixes = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML)
    body = ox.serialize(kept[:limit], format=fmt, prefixes=prefixes() if use_prefixes else None)
    return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", body, _limit_headers(truncated, limit))


def _limit_headers(truncated: bool, limit: int) -> tuple[tuple[str, str], ...]:
    return (("X-Kg-Result-Limit", str(limit)),) + ((("X-Kg-Truncated", "true"),) if truncated else ())


def _worker_main(out_dir: str, conn) -> None:
    """Loop of a worker process: open the store read-only, answer queries until told to stop."""
    try:
        store = open_store(out_dir)
    except StoreError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", ""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        conn.send(execute(store, *job))


# ------------------------------------------------------------------ the worker pool


class _Worker:
    def __init__(self, out_dir: str):
        ctx = multiprocessing.get_context("spawn")  # no fork: the parent holds threads and a RocksDB handle
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(out_dir, child), daemon=True, name="kg-serve-worker")
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError("a query worker did not start in time")
        kind, message = self.conn.recv()
        if kind != "ready":
            self.kill()
            raise StoreError(message)
        self.ready = True

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """Worker processes that run queries with a timeout; a worker that overruns is killed and replaced.

    A pool made with `held=True` holds the queries sent to it until `release()`.
    """

    def __init__(self, out_dir: str | Path, options: ServeOptions, held: bool = False):
        self.out_dir = str(out_dir)
        self.options = options
        self._released = threading.Event()
        if not held:
            self._released.set()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closing = False
        workers = [self._start() for _ in range(options.workers)]
        try:
            for w in workers:
                w.wait_ready(60)
        except StoreError:
            self.close()
            raise
        for w in workers:
            self._idle.put(w)

    def _start(self) -> _Worker:
        w = _Worker(self.out_dir)
        with self._lock:
            self._all.append(w)
        return w

    def _retire(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            if w in self._all:
                self._all.remove(w)

    def release(self) -> None:
        """Let the queries held since the pool was made run."""
        self._released.set()

    def run(self, job: tuple) -> Reply:
        """Return the reply to one query job, or a 503 reply when it times out or no worker frees up in time."""
        timeout = self.options.timeout
        started = time.monotonic()
        try:
            if not self._released.wait(timeout):
                raise queue.Empty
            worker = self._idle.get(timeout=max(0.0, timeout - (time.monotonic() - started)))
        except queue.Empty:
            return _text(HTTPStatus.SERVICE_UNAVAILABLE, f"busy: no query slot free within {timeout:g} s")
        healthy = False
        try:
            worker.wait_ready(60)
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                reply = worker.conn.recv()
                healthy = True
                return reply
            return _text(HTTPStatus.SERVICE_UNAVAILABLE, f"query timed out after {timeout:g} s")
        except (EOFError, OSError, StoreError) as exc:
            return _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"query worker failed: {exc or type(exc).__name__}")
        finally:
            if not healthy:  # killed and replaced, unless the pool is closing
                self._retire(worker)
                worker = None if self._closing else self._start()
            if worker is not None:
                self._idle.put(worker)

    def close(self, wait: float = 0.0) -> None:
        """Stop every worker; with `wait`, first give the queries they are running up to that many seconds.

        The workers are killed, not asked to stop: they only read a copy of the
        store, and a polite exit takes half a second per worker.
        """
        self._closing = True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with self._lock:
                busy = len(self._all) - self._idle.qsize()
            if busy <= 0:
                break
            time.sleep(0.05)
        with self._lock:
            workers, self._all = list(self._all), []
        for w in workers:
            w.kill()


# ------------------------------------------------------------------ the server's copy of the store


def take_snapshot(out_dir: Path) -> Path:
    """Copy the store of out_dir into a new private folder of out_dir; return that folder (it holds `store/`).

    The store is opened read-write just while the copy is made, so a running
    `kg build` makes this fail (StoreError, after `LOCK_WAIT`) instead of
    racing it. A store its last build left half-written (killed) is copied
    all the same, as `kg query` would read it; `SparqlServer.refresh` only
    moves to a clean one.
    """
    path = store_path(out_dir)
    check_store_folder(path)
    store = open_store_for_writing(out_dir)  # waits a moment for the lock, then says a build holds it
    folder = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX, dir=out_dir))
    try:
        (folder / "pid").write_text(str(os.getpid()), encoding="utf-8")
        store.backup(str(folder / STORE_DIR))
        if (path / STATE_FILE).is_file():  # copied under the lock, so it describes the copy
            shutil.copy2(path / STATE_FILE, folder / STORE_DIR / STATE_FILE)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise StoreError(f"cannot copy the store at {path} into {folder}: {exc}") from None
    finally:
        del store  # closes the store, releasing its lock for the next build
    return folder


def remove_stale_snapshots(out_dir: Path) -> None:
    """Remove the copies that servers no longer running left in out_dir (a server killed with SIGKILL)."""
    for folder in Path(out_dir).glob(SNAPSHOT_PREFIX + "*"):
        try:
            pid = int((folder / "pid").read_text(encoding="utf-8"))
            os.kill(pid, 0)
            continue  # its server still runs
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # unreadable, or not ours to judge: leave it
        shutil.rmtree(folder, ignore_errors=True)


def _state_signature(out_dir: Path) -> tuple | None:
    """What changes each time a build writes the store's state file (atomically, by rename)."""
    try:
        st = (store_path(out_dir) / STATE_FILE).stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


# ------------------------------------------------------------------ HTTP


class SparqlServer:
    """The HTTP server (Starlette on uvicorn): /sparql for the protocol, / for the query page.

    The socket is bound when the server is made, so `url` is known (port 0
    picks a free port) and clients that connect before `serve_forever` wait
    in its listen queue.
    """

    def __init__(self, out_dir: str | Path, host: str = "127.0.0.1", port: int = 7878,
                 options: ServeOptions = ServeOptions()):
        self.out_dir = Path(out_dir)
        self.options = options
        self.snapshot: Path | None = None  # the copy of the store being served (None: a graph.trig-only folder)
        self._signature = _state_signature(self.out_dir)
        if store_path(self.out_dir).is_dir():
            remove_stale_snapshots(self.out_dir)
            self.snapshot = take_snapshot(self.out_dir)
        else:
            open_store(self.out_dir)  # raises a StoreError naming the path, or falls back to graph.trig
        try:
            self.pool = QueryPool(self.snapshot or self.out_dir, options)
        except BaseException:
            self._remove_snapshot(self.snapshot)
            raise
        try:
            self.socket = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                               backlog=BACKLOG)
        except OSError as exc:
            self.pool.close()
            self._remove_snapshot(self.snapshot)
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        self.page = query_page().encode("utf-8")
        self.app = _make_app(self)
        self._uvicorn = uvicorn.Server(uvicorn.Config(
            self.app, http="h11", loop="asyncio", lifespan="off", log_config=None, backlog=BACKLOG,
            timeout_keep_alive=options.keep_alive, timeout_graceful_shutdown=SHUTDOWN_WAIT,
            server_header=False, headers=[("Server", SERVER_NAME)]))
        self._serving = threading.Event()
        self._served = threading.Event()
        self._stopping = threading.Event()
        self._follower = None
        if self.snapshot is not None and options.refresh > 0:
            self._follower = threading.Thread(target=self._follow_builds, name="kg-serve-refresh", daemon=True)
            self._follower.start()

    @property
    def url(self) -> str:
        """Return the base URL the server listens on."""
        host, port = self.socket.getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def serve_forever(self) -> None:
        """Answer requests until `shutdown()` is called from another thread (or, in the main thread, SIGINT/SIGTERM).

        In the main thread uvicorn turns SIGINT and SIGTERM into a graceful
        stop and raises the signal again once stopped: Ctrl-C ends in
        KeyboardInterrupt, as it would with a plain loop.
        """
        self._serving.set()
        try:
            self._uvicorn.run(sockets=[self.socket])
        finally:
            self._served.set()

    def shutdown(self) -> None:
        """Stop `serve_forever` and wait until it has returned (open requests get `SHUTDOWN_WAIT` seconds)."""
        self._uvicorn.should_exit = True
        if self._serving.is_set():
            self._served.wait()

    def refresh(self) -> bool:
        """Move to a new copy of the store if a build has finished since the last one; return True if it moved.

        Queries running on the old copy are given the query timeout to finish;
        queries that arrive meanwhile wait for them, so only one copy answers
        at a time and the old copy is gone before the new one answers. While a
        build holds the store, nothing changes: the next call tries again.
        """
        signature = _state_signature(self.out_dir)
        if signature == self._signature:
            return False
        try:
            folder = take_snapshot(self.out_dir)
        except StoreError:
            return False  # a build is writing
        if not read_state(folder / STORE_DIR).get("clean"):  # a build was killed mid-way: wait for its rerun
            self._remove_snapshot(folder)
            self._signature = signature
            return False
        try:
            pool = QueryPool(folder, self.options, held=True)
        except StoreError as exc:
            log.warning("could not open the new copy of the store: %s", exc)
            self._remove_snapshot(folder)
            return False
        old_pool, old_snapshot = self.pool, self.snapshot
        self.pool, self.snapshot, self._signature = pool, folder, signature
        try:
            old_pool.close(wait=self.options.timeout)
            self._remove_snapshot(old_snapshot)
        finally:
            pool.release()
        log.info("serving the store as the last build left it")
        return True

    def _follow_builds(self) -> None:
        while not self._stopping.wait(self.options.refresh):
            try:
                self.refresh()
            except Exception:  # keep serving the copy we have
                log.exception("could not move to the store's new build")

    def server_close(self) -> None:
        """Close the socket, stop the workers and remove the server's copy of the store."""
        self.socket.close()
        self._stopping.set()
        if self._follower is not None:
            self._follower.join(self.options.timeout + 10)
        self.pool.close()
        self._remove_snapshot(self.snapshot)

    @staticmethod
    def _remove_snapshot(folder: Path | None) -> None:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def make_server(out_dir: str | Path = "kg-out", host: str = "127.0.0.1", port: int = 7878,
                options: ServeOptions = ServeOptions()) -> SparqlServer:
    """Return a SPARQL server for the store in out_dir, bound but not yet serving (call serve_forever)."""
    return SparqlServer(out_dir, host, port, options)


def _make_app(server: SparqlServer) -> Starlette:
    """Return the ASGI application of a server; a GET route answers HEAD too."""
    app = Starlette(
        routes=[Route("/", _page, methods=["GET"]), Route("/index.html", _page, methods=["GET"]),
                Route("/sparql", _sparql, methods=["GET", "POST"]),
                Route("/queries/{name}", _bundled, methods=["GET"])],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                               allow_headers=["Content-Type", "Accept"],
                               expose_headers=["X-Kg-Result-Limit", "X-Kg-Truncated", "X-Kg-Source"])],  # for YASGUI and co.
        exception_handlers={HTTPStatus.NOT_FOUND: _not_found})
    app.state.server = server
    return app


def _response(reply: Reply) -> Response:
    return Response(reply.body, reply.status, {"Content-Type": reply.content_type, **dict(reply.headers)})


async def _page(request: Request) -> Response:
    return _response(Reply(HTTPStatus.OK, "text/html; charset=utf-8", request.app.state.server.page))


async def _not_found(request: Request, exc: Exception) -> Response:
    return _response(_text(HTTPStatus.NOT_FOUND, f"no such page: {request.url.path}; the endpoint is /sparql"))


async def _sparql(request: Request) -> Response:
    server: SparqlServer = request.app.state.server
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method != "POST":
        if not params:
            return await _page(request)
        return _response(await _answer(server, params, request.headers.get("Accept")))
    try:
        body = await _read_body(request, server.options.max_body)
    except ClientDisconnect:  # nobody is left to answer
        return Response(status_code=HTTPStatus.BAD_REQUEST)
    if body is None:
        return _response(_text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                               f"request body must be 0–{server.options.max_body} bytes"))
    text = body.decode("utf-8", errors="replace")
    media = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        for key, values in parse_qs(text, keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    elif media == "application/sparql-query":
        params["query"] = [text]
    elif media == "application/sparql-update":
        return _response(_text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused"))
    else:
        return _response(_text(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                               f"unsupported Content-Type '{media}'; use application/x-www-form-urlencoded "
                               "or application/sparql-query"))
    return _response(await _answer(server, params, request.headers.get("Accept")))


async def _read_body(request: Request, limit: int) -> bytes | None:
    """Return the request body, or None when it is longer than limit bytes (read no further then)."""
    # uvicorn has answered 400 already to a Content-Length that is not a number.
    declared = request.headers.get("Content-Length")
    if declared is not None and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():  # a chunked body has no Content-Length: count as it comes
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def _answer(server: SparqlServer, params: dict[str, list[str]], accept: str | None) -> Reply:
    """Return the reply to the protocol parameters of one request; the query runs in the worker pool."""
    if "update" in params:
        return _text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        return _text(HTTPStatus.BAD_REQUEST, "give exactly one non-empty 'query' parameter")
    text = queries[0]
    if is_update(text):
        return _text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
    if uses_service(text) and not server.options.allow_service:
        return _text(HTTPStatus.FORBIDDEN, "SERVICE clauses are refused by this endpoint "
                                           "(start `kg serve --allow-service` to allow them)")
    if (error := graph_iri_error(params)) is not None:  # checked here: a worker would only say it failed
        return _text(HTTPStatus.BAD_REQUEST, error)
    job = (text, accept, server.options.limit, params.get("default-graph-uri", []),
           params.get("named-graph-uri", []))
    pool = server.pool  # read once: refresh() may swap it meanwhile
    return await run_in_threadpool(pool.run, job)  # blocks a thread, not the event loop, for up to the timeout


# ------------------------------------------------------------------ bundled queries, page by page


async def _bundled(request: Request) -> Response:
    """GET /queries/NAME?limit=N&offset=M (or page=P) with the query's parameters by name (SPEAKER=…) and
    since=, until= (YYYY-MM-DD, for queries with a `date` column, as `kg query --since/--until`): the
    rows of a bundled query as JSON (a list of objects, as `kg query --format json`) or CSV (`Accept:
    text/csv` or format=csv), streamed. Answered from OUT/tables when they are fresh for the store being
    served, else by the workers from the store; at most the server's --limit rows a page."""
    from kg.rows import stream_rows
    from kg.store import optional_params, query_text
    from kg.tables import fresh_tables, in_window, run_table_query, table_query

    server: SparqlServer = request.app.state.server
    name = request.path_params["name"]
    if name not in bundled_queries():
        return _response(_text(HTTPStatus.NOT_FOUND, f"no bundled query '{name}'; bundled: "
                                                     f"{', '.join(bundled_queries())}"))
    args = parse_qs(request.url.query, keep_blank_values=True)
    try:
        limit, offset = _page_of(args, server.options.limit)
    except ValueError as exc:
        return _response(_text(HTTPStatus.BAD_REQUEST, str(exc)))
    text = (QUERIES_DIR / f"{name}.rq").read_text("utf-8")
    slots = list(dict.fromkeys(re.findall(r"\$([A-Z][A-Z_]*)", text)))
    params = [args.get(slot, [""])[0] for slot in slots]
    optional = optional_params(text)  # left out, these mean any value
    if any(not p and slot not in optional for slot, p in zip(slots, params)):
        return _response(_text(HTTPStatus.BAD_REQUEST, f"query '{name}' needs " +
                               " and ".join(f"{slot}=…" for slot in slots if slot not in optional)))
    fmt = args.get("format", [""])[0] or ("csv" if "text/csv" in (request.headers.get("Accept") or "") else "json")
    if fmt not in ("csv", "json"):
        return _response(_text(HTTPStatus.BAD_REQUEST, f"format must be csv or json, not '{fmt}'"))
    since, until = (args.get(key, [""])[0] or None for key in ("since", "until"))
    if any(d is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in (since, until)):
        return _response(_text(HTTPStatus.BAD_REQUEST, "since and until are dates: YYYY-MM-DD"))
    window = since is not None or until is not None
    pool, snapshot = server.pool, server.snapshot  # read once: refresh() may swap them meanwhile
    folder = fresh_tables(server.out_dir, snapshot / STORE_DIR) if snapshot and table_query(name) else None
    if folder is not None:
        result = await run_in_threadpool(run_table_query, folder, name, params, None if window else limit,
                                         0 if window else offset)
        names, rows, source = result.names, result.rows, "tables"
    else:
        def select(text: str) -> tuple[list[str], list[list]]:
            reply = pool.run((text, "application/sparql-results+json", server.options.limit, [], []))
            if reply.status != HTTPStatus.OK:
                raise _Failed(reply)
            doc = json.loads(reply.body)
            head = doc["head"]["vars"]
            return head, [[_plain_binding(b.get(v)) for v in head] for b in doc["results"]["bindings"]]

        def run() -> tuple[list[str], list[list]]:
            text = query_text(name, params, lookup=lambda t: [row[0] for row in select(t)[1]])
            if window:  # the dates are filtered after: the page is cut from what is left (at most --limit rows)
                return select(text)
            return select(f"{text}\nLIMIT {limit} OFFSET {offset}")  # bundled queries end in ORDER BY

        try:
            names, rows = await run_in_threadpool(run)
        except _Failed as failed:
            return _response(failed.reply)
        source = "store"
    if window:
        try:
            rows = islice(in_window(names, iter(rows), since, until, name), offset, offset + limit)
        except QueryError as exc:
            return _response(_text(HTTPStatus.BAD_REQUEST, str(exc)))
    media = "text/csv" if fmt == "csv" else "application/json"
    return StreamingResponse(stream_rows(names, rows, fmt), media_type=f"{media}; charset=utf-8",
                             headers={"X-Kg-Source": source, "X-Kg-Result-Limit": str(limit)})


class _Failed(Exception):
    def __init__(self, reply: Reply):
        self.reply = reply


def _page_of(args: dict[str, list[str]], most: int) -> tuple[int, int]:
    """Return (limit, offset) from limit=, offset= and page= (pages of `limit` rows, 100 by default)."""
    def number(key: str, default: int | None) -> int | None:
        value = args.get(key, [""])[0]
        if not value:
            return default
        if not value.isdigit():
            raise ValueError(f"{key} must be a whole number of 0 or more, not '{value}'")
        return int(value)

    limit, offset, page = number("limit", None), number("offset", 0), number("page", None)
    if page is not None:
        if page < 1:
            raise ValueError("page counts from 1")
        limit = 100 if limit is None else limit
        offset += (page - 1) * limit
    return min(most if limit is None else limit, most), offset


_INTEGERS = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("integer", "long", "int", "nonNegativeInteger")}


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _plain_binding(term: dict | None):
    """A SPARQL JSON binding as `kg query` prints it: integers as numbers, booleans as true or false, anything
    else as its text."""
    if term is None:
        return None
    if term.get("datatype") == _BOOLEAN:
        return term["value"] in ("true", "1")
    return int(term["value"]) if term.get("datatype") in _INTEGERS else term["value"]


# ------------------------------------------------------------------ the query page


def query_page() -> str:
    """Return the HTML query page: a text box, the bundled queries, and a results table."""
    examples = {name: (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8") for name in bundled_queries()}
    options = "\n".join(f'<option value="{html.escape(n)}">{html.escape(n)} — {html.escape(doc)}</option>'
                        for n, doc in bundled_queries().items())
    first = next(iter(examples.values()), "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    page = (STATIC_DIR / "query.html").read_text(encoding="utf-8")
    return page.replace("{{OPTIONS}}", options).replace("{{FIRST}}", html.escape(first)).replace(
        "{{EXAMPLES}}", json.dumps(examples).replace("</", "<\\/"))
