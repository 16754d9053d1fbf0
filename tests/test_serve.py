"""`kg serve`: the SPARQL 1.1 Protocol endpoint, driven by SPARQLWrapper on 127.0.0.1."""
from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from conftest import interrupt, stop
from kg.serve import ServeOptions, is_update, make_server, negotiate, uses_service
from kg.store import open_store, query_text, run_query

LIMIT = 40
KEEP_ALIVE = 1.0  # seconds the module's server keeps an idle connection open
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(seed_build, tmp_path_factory):
    """A server on a free loopback port over a copy of the sample build, serving in a thread."""
    out = tmp_path_factory.mktemp("served")
    shutil.copytree(seed_build[1] / "store", out / "store")
    server = make_server(out, "127.0.0.1", 0, ServeOptions(timeout=3, limit=LIMIT, workers=2, keep_alive=KEEP_ALIVE))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def served(server):
    """(base URL, out dir) of the module's server."""
    return server.url, server.out_dir


def client(url: str, query: str, fmt: str = JSON) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{url}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setTimeout(30)
    return sparql


def test_select_as_json_matches_the_store(served):
    url, out = served
    text = query_text("who-said-what")
    result = client(url, text).queryAndConvert()
    names, rows = run_query(open_store(out), text)
    assert result["head"]["vars"] == names
    got = [[b.get(n, {}).get("value") for n in names] for b in result["results"]["bindings"]]
    want = [[None if v is None else str(v) for v in row] for row in rows][:LIMIT]
    assert got == want


def test_select_as_json_via_post(served):
    url, _ = served
    sparql = client(url, "SELECT ?p WHERE { ?p a <https://w3id.org/newskg/ontology#Person> }")
    sparql.setMethod(POST)
    bindings = sparql.queryAndConvert()["results"]["bindings"]
    assert bindings and all(b["p"]["type"] == "uri" for b in bindings)


def test_select_as_xml(served):
    url, _ = served
    doc = client(url, "SELECT ?s WHERE { ?s a <https://w3id.org/newskg/ontology#Article> }", XML).queryAndConvert()
    results = doc.getElementsByTagName("result")
    assert len(results) == 2


@pytest.mark.parametrize("fmt, delimiter", [(CSV, ","), (TSV, "\t")])
def test_select_as_csv_and_tsv(served, fmt, delimiter):
    url, _ = served
    body = client(url, "SELECT ?label WHERE { ?e a <https://w3id.org/newskg/ontology#Country> ; "
                       "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label", fmt).queryAndConvert()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter))
    assert rows[0] == (["label"] if fmt == CSV else ["?label"])
    labels = [r[0].strip('"') for r in rows[1:]]
    assert "Ukraine" in labels


def test_ask(served):
    url, _ = served
    assert client(url, "ASK { ?s a <https://w3id.org/newskg/ontology#Claim> }").queryAndConvert()["boolean"] is True


def test_construct_as_turtle_and_json_ld(served):
    url, _ = served
    query = ("CONSTRUCT { ?c <https://w3id.org/newskg/ontology#text> ?t } "
             "WHERE { ?c <https://w3id.org/newskg/ontology#text> ?t } LIMIT 5")
    turtle = client(url, query, TURTLE).queryAndConvert()
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 5
    jsonld = client(url, query, JSONLD).queryAndConvert()  # SPARQLWrapper parses JSON-LD into an rdflib graph
    assert len(jsonld) == 5


def test_describe(served):
    url, _ = served
    graph = Graph().parse(data=client(url, "DESCRIBE <https://w3id.org/newskg/id/country/ukraine>", TURTLE)
                          .queryAndConvert(), format="turtle")
    assert len(graph) > 0


def test_malformed_sparql_is_a_400_with_the_parser_message(served):
    url, _ = served
    with pytest.raises(QueryBadFormed, match="malformed SPARQL"):
        client(url, "SELECT ?s WHERE { ?s ?p }").queryAndConvert()


def test_results_are_cut_at_the_limit(served):
    url, _ = served
    response = requests.get(f"{url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == LIMIT
    assert response.headers["X-Kg-Truncated"] == "true"


def test_updates_are_refused(served):
    url, _ = served
    insert = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    for response in (
        requests.post(f"{url}/sparql", data={"update": insert}, timeout=30),
        requests.post(f"{url}/sparql", data={"query": insert}, timeout=30),
        requests.post(f"{url}/sparql", data=insert, headers={"Content-Type": "application/sparql-update"},
                      timeout=30),
    ):
        assert response.status_code == 403
        assert "read-only" in response.text
    ask = requests.get(f"{url}/sparql", params={"query": "ASK { <http://example.org/a> ?p ?o }"}, timeout=30)
    assert ask.json()["boolean"] is False


def test_service_is_refused_by_default(served):
    url, _ = served
    response = requests.get(f"{url}/sparql", params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}, timeout=30)
    assert response.status_code == 403
    assert "SERVICE" in response.text


def test_a_query_over_the_timeout_is_stopped_and_the_server_keeps_answering(served):
    url, _ = served
    started = time.monotonic()
    response = requests.get(f"{url}/sparql", params={"query": SLOW_QUERY}, timeout=60)
    assert response.status_code == 503 and "timed out" in response.text
    assert time.monotonic() - started < 15
    assert client(url, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True


def test_sparql_query_body_and_named_graphs(served):
    url, out = served
    article = next(iter(open_store(out).named_graphs())).value
    response = requests.post(f"{url}/sparql", params={"default-graph-uri": article},
                             data="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                             headers={"Content-Type": "application/sparql-query"}, timeout=30)
    n = int(response.json()["results"]["bindings"][0]["n"]["value"])
    _, rows = run_query(open_store(out), f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{article}> {{ ?s ?p ?o }} }}")
    assert n == rows[0][0].toPython() > 0


def test_query_page_and_unknown_paths(served):
    url, _ = served
    page = requests.get(f"{url}/", timeout=30)
    assert page.status_code == 200 and "<textarea" in page.text and "who-said-what" in page.text
    assert requests.get(f"{url}/nothing", timeout=30).status_code == 404
    assert requests.post(f"{url}/sparql", data=b"x", headers={"Content-Type": "text/plain"},
                         timeout=30).status_code == 415


def test_unacceptable_result_type_is_406(served):
    url, _ = served
    response = requests.get(f"{url}/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}, timeout=30)
    assert response.status_code == 406


# ------------------------------------------------------------------ HTTP robustness


def _worker_pids(server) -> set[int]:
    return {w.process.pid for w in server.pool._all}


@pytest.mark.parametrize("param, value", [
    ("default-graph-uri", "not an iri"),
    ("default-graph-uri", "<>"),
    ("default-graph-uri", ""),
    ("named-graph-uri", " "),
    ("named-graph-uri", "urn:%%%"),
])
def test_a_broken_graph_iri_is_a_400_with_the_reason_and_kills_no_worker(server, param, value):
    pids = _worker_pids(server)
    response = requests.get(f"{server.url}/sparql", params={"query": "ASK { ?s ?p ?o }", param: value}, timeout=30)
    assert response.status_code == 400
    assert param in response.text and "IRI" in response.text
    assert _worker_pids(server) == pids
    assert client(server.url, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True


def _raw_request(url: str, request: bytes, timeout: float = 10) -> bytes:
    """Send raw bytes on a fresh connection; return what the server answered until it closed or went quiet."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
                if b"\r\n\r\n" in answer:
                    break
        except TimeoutError:
            pass
    return answer


@pytest.mark.parametrize("length", ["abc", "-1", "12abc"])
def test_a_malformed_content_length_is_a_400(served, length):
    url, _ = served
    answer = _raw_request(url, f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                               f"Content-Length: {length}\r\n\r\nASK {{}}".encode())
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]


def test_a_too_large_body_is_a_413(served):
    url, _ = served
    too_large = ServeOptions().max_body + 1
    answer = _raw_request(url, f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                               f"Content-Length: {too_large}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:80]
    response = requests.post(f"{url}/sparql", data=iter([b"ASK {}" + b" " * too_large]),  # chunked: no length
                             headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 413


@pytest.mark.parametrize("path, params", [("/", None), ("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o }"})])
def test_head_answers_like_get_without_a_body(served, path, params):
    url, _ = served
    get = requests.get(f"{url}{path}", params=params, timeout=30)
    head = requests.head(f"{url}{path}", params=params, timeout=30)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in ("Content-Type", "Content-Length", "X-Kg-Result-Limit", "Access-Control-Allow-Origin"):
        assert head.headers.get(name) == get.headers.get(name), name
    assert int(head.headers["Content-Length"]) == len(get.content)


def test_keep_alive_reuses_the_connection_and_an_idle_one_is_closed(served):
    import http.client

    url, _ = served
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/sparql?query=ASK%20%7B%7D")
        first = conn.getresponse()
        assert first.status == 200 and first.read()
        sock = conn.sock
        assert sock is not None, "the server closed the connection after one request"
        conn.request("GET", "/sparql?query=ASK%20%7B%7D")
        second = conn.getresponse()
        assert second.status == 200 and second.read()
        assert conn.sock is sock  # the same connection answered twice
        started = time.monotonic()
        sock.settimeout(KEEP_ALIVE + 5)
        try:
            assert sock.recv(1) == b""  # the server hung up on the idle connection
        except TimeoutError:
            pytest.fail(f"an idle connection was still open after {KEEP_ALIVE + 5:g} s")
        assert time.monotonic() - started >= KEEP_ALIVE * 0.5
    finally:
        conn.close()


def test_many_clients_on_fresh_connections_lose_no_request(served):
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    url, _ = served
    host, port = url.removeprefix("http://").split(":")
    path = "/sparql?query=" + requests.utils.quote("SELECT ?p WHERE { ?p a <https://w3id.org/newskg/ontology#Person> }")

    def one(_) -> tuple[bool, float]:
        started = time.monotonic()
        conn = http.client.HTTPConnection(host, int(port), timeout=20)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status == 200 and bool(response.read()), time.monotonic() - started
        except (OSError, http.client.HTTPException):
            return False, time.monotonic() - started
        finally:
            conn.close()

    started = time.monotonic()
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, range(200)))
    assert sum(not ok for ok, _ in results) == 0
    # A connection the listen queue had no room for waits for the client's SYN retry, a second later.
    assert sum(seconds >= 1.0 for _, seconds in results) <= 2
    assert time.monotonic() - started < 30


def test_a_client_that_hangs_up_mid_answer_leaves_no_traceback(served, capfd, caplog):
    import struct

    url, _ = served
    host, port = url.removeprefix("http://").split(":")
    request = (b"GET /sparql?query=" + requests.utils.quote("SELECT * WHERE { ?s ?p ?o }").encode()
               + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    capfd.readouterr()
    with caplog.at_level("INFO"):
        for pause in (0, 0.001, 0.01, 0.05, 0.1) * 2:
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(request)
            time.sleep(pause)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # hang up with a reset
            sock.close()
        time.sleep(0.5)
        assert client(url, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True
    stderr = capfd.readouterr().err
    assert "Traceback" not in stderr
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= 40], [r.getMessage() for r in caplog.records]


def test_cors(served):
    url, _ = served
    preflight = requests.options(f"{url}/sparql", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"}, timeout=30)
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    answer = requests.get(f"{url}/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://example.org"},
                          timeout=30)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("text, expected", [
    ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", True),
    ("select * { service silent ?ep { ?s ?p ?o } }", True),
    ('SELECT * WHERE { ?s ?p "SERVICE" }', False),
    ("SELECT * WHERE { ?s <http://x/SERVICE> ?service } # SERVICE", False),
])
def test_uses_service(text, expected):
    assert uses_service(text) is expected


@pytest.mark.parametrize("text, expected", [
    ("PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c }", True),
    ("# comment\nDROP GRAPH <http://x/g>", True),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:insert ?o }", False),
    ("ASK { ?s ?p 'DELETE' }", False),
])
def test_is_update(text, expected):
    assert is_update(text) is expected


def test_negotiate_prefers_quality_then_order():
    offers = {"application/sparql-results+json": 1, "text/csv": 1}
    assert negotiate("text/csv;q=0.5, application/sparql-results+json", offers, "text/csv") == \
        "application/sparql-results+json"
    assert negotiate("*/*", offers, "text/csv") == "text/csv"
    assert negotiate(None, offers, "text/csv") == "text/csv"
    assert negotiate("image/png", offers, "text/csv") is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_serve_answers_and_stops_on_ctrl_c(seed_build, tmp_path):
    shutil.copytree(seed_build[1] / "store", tmp_path / "store")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--out", str(tmp_path), "--port", str(port),
                             "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                                        timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"kg serve did not start: {proc.communicate()[1] if proc.poll() is not None else ''}")
                time.sleep(0.2)
        assert json.loads(response.text)["boolean"] is True
        stderr = interrupt(proc, timeout=30)
    finally:
        stop(proc)
    assert proc.returncode == 0, stderr
    assert f"http://127.0.0.1:{port}/sparql" in stderr


def test_cli_serve_without_a_store_exits_2(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["serve", "--out", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2
    assert f"Error: no store at {tmp_path / 'store'}" in result.output


# ------------------------------------------------------------------ serving while a build writes the store

GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _graphs(url: str) -> int:
    return int(client(url, GRAPHS).queryAndConvert()["results"]["bindings"][0]["n"]["value"])


def test_a_build_runs_while_serving_and_is_served_once_it_ends(seed_build, tmp_path):
    from kg.ingest import sample_paths
    from kg.pipeline import build

    out = tmp_path / "out"
    shutil.copytree(seed_build[1], out)  # the store and the cached extractions: only the new article is parsed
    server = make_server(out, "127.0.0.1", 0, ServeOptions(timeout=10, workers=1, refresh=0.2))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        before = _graphs(server.url)
        first_copy = list(out.glob(".kg-serve-*"))
        assert len(first_copy) == 1
        article = tmp_path / "new.txt"
        article.write_text("The foreign minister, Jane Okafor, said on Monday that the talks would resume in May.\n",
                           encoding="utf-8")
        report = build([*sample_paths(), article], out)  # raises StoreError if the server held the store
        assert (report.new, report.unchanged) == (1, len(sample_paths()))
        deadline = time.monotonic() + 30
        while _graphs(server.url) == before:
            assert time.monotonic() < deadline, "the server still serves the store as it was before the build"
            time.sleep(0.2)
        assert _graphs(server.url) == before + 1
        # The old copy goes once its queries have had their time (its worker stopping took 0.3 s on a busy machine).
        deadline = time.monotonic() + 10 + 5
        while len(copies := list(out.glob(".kg-serve-*"))) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(copies) == 1 and copies != first_copy  # the old copy is gone
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    assert not list(out.glob(".kg-serve-*"))


def test_the_server_moves_only_to_a_build_that_finished(seed_build, tmp_path):
    from kg.store import read_state, store_path, write_state

    shutil.copytree(seed_build[1] / "store", tmp_path / "store")
    server = make_server(tmp_path, "127.0.0.1", 0, ServeOptions(workers=1, refresh=0))
    try:
        assert server.refresh() is False  # nothing changed
        state = read_state(store_path(tmp_path))
        write_state(store_path(tmp_path), {**state, "clean": False})  # as a build killed mid-way leaves it
        assert server.refresh() is False
        write_state(store_path(tmp_path), state)  # its rerun finished
        copy = server.snapshot
        assert server.refresh() is True
        assert server.snapshot != copy and not copy.exists()
    finally:
        server.server_close()


def test_serve_cleans_up_after_a_killed_server_and_waits_for_no_build(seed_build, tmp_path):
    from kg.errors import StoreError
    from kg.store import open_store_for_writing

    shutil.copytree(seed_build[1] / "store", tmp_path / "store")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / ".kg-serve-left"
    (stale / "store").mkdir(parents=True)
    (stale / "pid").write_text(gone.stdout.strip(), encoding="utf-8")
    server = make_server(tmp_path, "127.0.0.1", 0, ServeOptions(workers=1, refresh=0))
    try:
        assert not stale.exists()
        assert len(list(tmp_path.glob(".kg-serve-*"))) == 1
    finally:
        server.server_close()
    writer = open_store_for_writing(tmp_path)  # as a running build holds it
    try:
        with pytest.raises(StoreError, match="in use by another process"):
            make_server(tmp_path, "127.0.0.1", 0, ServeOptions(workers=1))
    finally:
        del writer
    assert not list(tmp_path.glob(".kg-serve-*"))
