"""Measure `kg serve` under many fresh connections: lost requests and latency.

    python bench/bench_serve.py [--out DIR] [--requests 200] [--threads 20] [--repeat 3]

Serves DIR (a folder `kg build` wrote; without --out the bundled samples are
built into a temporary folder) on a free loopback port, in this process, and
sends REQUESTS small SELECT queries from THREADS client threads, each request
on a fresh TCP connection. A request is lost when it raises (reset, refused,
timed out) or answers anything but 200. Prints, per run, the lost requests
the p50/p95/max latency in milliseconds and the requests per second.
"""
from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

QUERY = "SELECT ?p WHERE { ?p a <https://w3id.org/newskg/ontology#Person> } LIMIT 10"


def one_request(host: str, port: int, path: str) -> tuple[bool, float]:
    """Return (answered 200, seconds) for one GET on a fresh connection."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        ok = response.status == 200
    except (OSError, http.client.HTTPException):
        ok = False
    finally:
        conn.close()
    return ok, time.perf_counter() - started


def load(url: str, requests: int, threads: int) -> dict:
    """Return lost requests and latency percentiles (ms) of one run."""
    parts = urlsplit(url)
    path = "/sparql?" + urlencode({"query": QUERY})
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda _: one_request(parts.hostname, parts.port, path), range(requests)))
    wall = time.perf_counter() - started
    times = sorted(t * 1000 for _, t in results)
    return {"lost": sum(not ok for ok, _ in results), "p50": statistics.median(times),
            "p95": times[int(0.95 * (len(times) - 1))], "max": times[-1], "rate": requests / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="a folder `kg build` wrote (default: build the samples)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kg.serve import ServeOptions, make_server

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out
        if out is None:
            from kg.pipeline import build

            out = Path(tmp) / "out"
            build([], out)
        server = make_server(out, "127.0.0.1", 0, ServeOptions(workers=2))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            load(server.url, 20, 4)  # warm up the workers
            print(f"{args.requests} requests, {args.threads} threads, fresh connections: {QUERY}")
            runs = []
            for run in range(args.repeat):
                r = load(server.url, args.requests, args.threads)
                runs.append(r)
                print(f"run {run + 1}: lost {r['lost']}/{args.requests}, p50 {r['p50']:.1f} ms, "
                      f"p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms, {r['rate']:.0f} requests/s")
            print(f"worst of {len(runs)} runs: lost {max(r['lost'] for r in runs)}, p95 "
                  f"{max(r['p95'] for r in runs):.1f} ms (targets: 0 lost, p95 <= 100 ms)")
        finally:
            server.shutdown()
            server.server_close()
            thread.join(10)


if __name__ == "__main__":
    main()
