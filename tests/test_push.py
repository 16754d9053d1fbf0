"""`kg push`: the Graph Store HTTP Protocol against a real Virtuoso on loopback ports, and failure modes."""
from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kg.cli import main
from kg.errors import InputError
from kg.push import PushError, graph_url, push
from kg.store import open_store

ENTITY_GRAPH = "https://w3id.org/newskg/id/graph/entities"

VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 60
CaseMode           = 2
DirsAllowed        = ., {db}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {db}
ServerThreads        = 4
MaxClientConnections = 4
Charset              = UTF-8

[SPARQL]
ResultSetMaxRows      = 100000
MaxQueryExecutionTime = 60
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A Virtuoso on loopback ports with a fresh database, stopped after the module; yields its base URL."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("virtuoso-t is not installed (Debian package virtuoso-opensource; .ci/run installs it)")
    db = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    (db / "virtuoso.ini").write_text(VIRTUOSO_INI.format(db=db, sql_port=free_port(), http_port=http_port))
    log = (db / "stdout.log").open("wb")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(db / "virtuoso.ini")], cwd=db,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {proc.returncode}: {(db / 'stdout.log').read_text()[-2000:]}")
            try:
                if requests.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("virtuoso-t did not answer within 120 s")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def virtuoso_counts(base: str, graphs: list[str]) -> dict[str, int]:
    """Return graph IRI -> number of triples Virtuoso holds in it."""
    values = " ".join(f"<{g}>" for g in graphs)
    query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    response = requests.post(f"{base}/sparql", data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
    response.raise_for_status()
    return {b["g"]["value"]: int(b["n"]["value"]) for b in response.json()["results"]["bindings"]}


def local_counts(out: Path) -> dict[str, int]:
    """Return graph IRI (ENTITY_GRAPH for the default graph) -> number of triples in the local store."""
    counts: dict[str, int] = {}
    for q in open_store(out):
        name = getattr(q.graph_name, "value", None) or ENTITY_GRAPH
        counts[name] = counts.get(name, 0) + 1
    return counts


@pytest.fixture
def out(seed_build, tmp_path):
    shutil.copytree(seed_build[1] / "store", tmp_path / "store")
    return tmp_path


def test_push_to_virtuoso_gives_the_same_triple_counts_per_graph_and_is_idempotent(virtuoso, out):
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    expected = local_counts(out)
    report = push(open_store(out), endpoint, user="dba", password="dba", default_graph=ENTITY_GRAPH)
    assert dict(report.graphs) == expected
    assert virtuoso_counts(virtuoso, sorted(expected)) == expected

    again = push(open_store(out), endpoint, user="dba", password="dba", default_graph=ENTITY_GRAPH)
    assert again.triples == report.triples
    assert virtuoso_counts(virtuoso, sorted(expected)) == expected


def test_cli_push_to_virtuoso(virtuoso, out):
    result = CliRunner().invoke(main, ["push", "--out", str(out), "--endpoint", f"{virtuoso}/sparql-graph-crud-auth",
                                       "--user", "dba", "--password", "dba", "--default-graph", ENTITY_GRAPH])
    assert result.exit_code == 0, result.output
    expected = local_counts(out)
    assert f"pushed {len(expected)} graphs, {sum(expected.values())} triples" in result.output


def test_virtuoso_without_default_graph_option_says_what_to_do(virtuoso, out):
    with pytest.raises(PushError, match=r"--default-graph.*pushed 0 of \d+ graphs"):
        push(open_store(out), f"{virtuoso}/sparql-graph-crud-auth", user="dba", password="dba")


def test_wrong_password_is_reported(virtuoso, out):
    with pytest.raises(PushError, match="HTTP 401.*check --user and --password"):
        push(open_store(out), f"{virtuoso}/sparql-graph-crud-auth", user="dba", password="wrong",
             default_graph=ENTITY_GRAPH)


# ------------------------------------------------------------------ without a server


def test_unreachable_endpoint_fails_at_once(out):
    port = free_port()  # nothing listens there
    result = CliRunner().invoke(main, ["push", "--out", str(out), "--endpoint", f"http://127.0.0.1:{port}/data"])
    assert result.exit_code == 1
    assert "Error: cannot reach" in result.output and "pushed 0 of" in result.output


def test_silent_endpoint_fails_after_the_timeout(out):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections, never answers
    port = listener.getsockname()[1]
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        with pytest.raises(PushError, match="no answer .* within 1 s"):
            push(open_store(out), f"http://127.0.0.1:{port}/data", timeout=1)
        assert time.monotonic() - started < 10
    finally:
        stop.set()
        thread.join(5)
        for conn in accepted:
            conn.close()
        listener.close()


@pytest.mark.parametrize("endpoint", ["localhost:8890/sparql", "ftp://example.org/x", ""])
def test_bad_endpoint_url_is_a_usage_error(out, endpoint):
    with pytest.raises(InputError, match="http:// or https:// URL"):
        push(open_store(out), endpoint)
    result = CliRunner().invoke(main, ["push", "--out", str(out), "--endpoint", endpoint])
    assert result.exit_code == 2


def test_graph_url():
    assert graph_url("http://h/data", None) == "http://h/data?default"
    assert graph_url("http://h/data", "https://w3id.org/newskg/id/article/ab") == \
        "http://h/data?graph=https%3A%2F%2Fw3id.org%2Fnewskg%2Fid%2Farticle%2Fab"
    assert graph_url("http://h/rdf-graphs/service?x=1", "urn:g") == "http://h/rdf-graphs/service?x=1&graph=urn%3Ag"
