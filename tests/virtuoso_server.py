"""A Virtuoso 7 (Debian's virtuoso-opensource) on loopback ports with a fresh database: for the `kg push`
tests (tests/test_push.py) and the query benchmark (bench/bench_store.py)."""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import requests

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
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {dirty_buffers}

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {db}
ServerThreads        = 4
MaxClientConnections = 4
Charset              = UTF-8

[SPARQL]
ResultSetMaxRows      = {max_rows}
MaxQueryExecutionTime = 60
"""


class VirtuosoError(Exception):
    """Virtuoso did not start or answer."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_virtuoso(db: Path, buffers: int = 10_000, max_rows: int = 100_000) -> Iterator[str]:
    """Run virtuoso-t with a fresh database in folder `db` until the block ends; yield its base URL.

    `buffers` is its page cache (8 KiB pages; Virtuoso's guide: about 2/3 of the memory it may use), `max_rows`
    the most rows a SPARQL result may have. Raises VirtuosoError when it is not installed or does not answer.
    """
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise VirtuosoError("virtuoso-t is not installed (Debian package virtuoso-opensource; `make test` installs "
                            "it as root)")
    http_port = free_port()
    (db / "virtuoso.ini").write_text(VIRTUOSO_INI.format(db=db, sql_port=free_port(), http_port=http_port,
                                                         buffers=buffers, dirty_buffers=buffers * 3 // 5,
                                                         max_rows=max_rows))
    log = (db / "stdout.log").open("wb")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(db / "virtuoso.ini")], cwd=db,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise VirtuosoError(f"virtuoso-t exited with {proc.returncode}: "
                                    f"{(db / 'stdout.log').read_text()[-2000:]}")
            try:
                if requests.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise VirtuosoError("virtuoso-t did not answer within 120 s")
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


def virtuoso_select(base: str, query: str, timeout: float = 60) -> list[dict[str, str]]:
    """Return the rows of a SELECT on Virtuoso's SPARQL endpoint (no FROM: the union of all its graphs)."""
    response = requests.post(f"{base}/sparql", data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=timeout)
    response.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]
