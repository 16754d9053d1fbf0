"""Measure the store: bundled query latency (pyoxigraph on disk vs rdflib in memory) and incremental rebuilds.

    python bench/bench_store.py [--corpus DIR] [--min-triples 1000000] [--out bench/out/store]

1. `kg build CORPUS` from scratch, timed (spaCy included), then the same
   command again on the unchanged corpus, timed: the incremental ratio
   (target <= 5 %). Then one article is changed and the build timed again.
2. The cached extractions of that build are copied under new article ids
   (the same text with another id, as if the corpus had been published
   several times) until the graph has at least --min-triples triples; that
   graph (with the analysis of one copy: the copies have the same entities)
   is written into an on-disk store the way `kg build` writes it.
3. Every bundled query runs on that store (read-only, from disk) and on an
   rdflib Dataset holding the same quads in memory; the medians and their
   ratio are printed (target >= 10x faster). Both sides return rdflib terms.
4. The tables `kg build` writes beside the store are written for the same
   graphs, the same quads are pushed into a Virtuoso 7 (started as the push
   tests start it), and every bundled query runs whole and as its first page
   (100 rows) three ways: the SPARQL store, `kg query`'s way (the tables when
   the query has a table form, else the store) and Virtuoso over HTTP with
   the JSON parsed (targets: kg's way no slower than Virtuoso, a first page
   in <= 100 ms).

Prints a table and writes OUT/bench_store.json. Standalone, or from
bench/bench.py (`make bench`). `--reuse-build` keeps the builds and the big
store of the last run and measures the queries again.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "polnear-train"
PARAMS = {"claims-about": ["Donald Trump"], "claims-by": ["Donald Trump"]}
PAGE = 100  # rows of a first page


def snapshot_code(folder: Path) -> Path:
    """Copy kg/ and ontology/ to folder and import kg from there.

    A build fingerprints the code it runs, so an edit to kg/ during the
    benchmark would make the "unchanged" rebuild redo everything; the
    benchmark runs a frozen copy instead.
    """
    if folder.exists():
        shutil.rmtree(folder)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "kg", folder / "kg", ignore=ignore)
    shutil.copytree(ROOT / "ontology", folder / "ontology", ignore=ignore)
    sys.path.insert(0, str(folder))
    return folder


def timed_build(corpus: Path, out: Path, code: Path) -> tuple[float, str]:
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out)],
                          capture_output=True, text=True, cwd=code, env=env)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"kg build failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    summary = next((line for line in proc.stdout.splitlines() if " new, " in line), "")
    return elapsed, summary


def cached_extractions(out: Path) -> list:
    from kg.pipeline import decode
    from kg.types import Extraction

    extractions = []
    for path in sorted((out / "cache" / "extractions").glob("*.json")):
        extractions.append(decode(Extraction, json.loads(path.read_text(encoding="utf-8"))["extraction"]))
    return extractions


def copied(extractions: list, copy: int) -> list:
    """Return the extractions under new article ids (same text, another id and source)."""
    out = []
    for ex in extractions:
        sha = hashlib.sha256(f"{ex.article.sha256}#copy{copy}".encode()).hexdigest()
        out.append(replace(ex, article=replace(ex.article, sha256=sha, source=f"copy{copy}/{ex.article.source}")))
    return out


def big_store(extractions: list, min_triples: int, folder: Path) -> tuple[int, int]:
    """Write copies of the corpus into a store at `folder` until it holds `min_triples`; return (copies, triples).

    One copy is in memory at a time (all of them as one rdflib Dataset did not fit in 24 GiB at 11 M triples).
    """
    from kg.analyze import analyze, write_back
    from kg.rdf import to_dataset
    from kg.store import DEFAULT_GRAPH, StoreWriter, dataset_graphs, open_store_for_writing

    # The copies hold the same entities and relations, so the analysis of one copy stands for all of them (and
    # saves minutes of networkx on the big graph). Each copy adds its own anonymous sources and clusters to the
    # default graph, which is written last, as the union of the copies'.
    one, _ = to_dataset(copied(extractions, 0))
    one.default_union = True
    write_back(one.default_graph, analyze(one))
    default = set(dataset_graphs(one)[DEFAULT_GRAPH])
    del one
    if folder.exists():
        shutil.rmtree(folder)
    store = open_store_for_writing(folder.parent)
    writer = StoreWriter(store, None)
    copies = in_articles = 0
    while in_articles + len(default) < min_triples or copies == 0:
        ds, _ = to_dataset(copied(extractions, copies))
        graphs = dataset_graphs(ds)
        del ds
        default.update(graphs.pop(DEFAULT_GRAPH))
        for name in sorted(graphs, key=str):
            writer.put(name, graphs[name])
            in_articles += len(graphs[name])
        copies += 1
    writer.put(DEFAULT_GRAPH, list(default))
    writer.finish()
    store.flush()
    store.optimize()
    del store
    return copies, in_articles + len(default)


def write_tables(out: Path, key: str) -> None:
    """Write the tables of the store in out into out/tables as `kg build` does, for the build `key`.

    The store is read one graph at a time (a graph of an rdflib Dataset would scan every graph at each look-up).
    """
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from kg.analyze import GraphFacts
    from kg.lifecycle import supply_lifecycles
    from kg.lineage import claim_clusters
    from kg.store import STATE_VERSION, iter_graphs, open_store, store_path, write_state
    from kg.tables import TableWriter

    facts = GraphFacts()  # the supply stages and quote clusters come from the facts, as in a build
    with TableWriter(out) as writer:
        for graph in iter_graphs(open_store(out)):
            facts.add(graph)
            if graph.identifier == DATASET_DEFAULT_GRAPH_ID:
                writer.add_entities(graph)
            else:
                writer.add_article(graph)
        writer.add_lifecycles(supply_lifecycles(facts))
        writer.add_clusters(claim_clusters(facts))
        writer.finish(key)
    write_state(store_path(out), {"version": STATE_VERSION, "clean": True, "key": key})


def virtuoso_text(name: str, base: str) -> str:
    """Return a bundled query's text for Virtuoso as kg fills it in (optional parameters left out mean any
    value), its entity names looked up on Virtuoso itself."""
    from kg.store import query_text
    from virtuoso_server import virtuoso_select

    return query_text(name, PARAMS.get(name), lookup=lambda text: [row["e"] for row in virtuoso_select(base, text)])


def compare_engines(big: Path, store, repeats: int, folder: Path) -> list[dict]:
    """Time every bundled query whole and as a first page: on the store, kg's way (kg.tables.answer) and on
    Virtuoso holding the same quads; return one dict per query."""
    from itertools import islice

    from kg.store import bundled_queries, iter_query, query_text
    from kg.tables import answer, fresh_tables, table_query
    from virtuoso_server import VirtuosoError

    def on_store(name, limit):
        text = query_text(name, PARAMS.get(name), store)
        return None, list(islice(iter_query(store, text)[1], limit))

    if fresh_tables(big) is None:
        sys.exit(f"no fresh tables in {big}: run without --reuse-build")

    def kg_way(name, limit):
        return None, list(answer(big, name, PARAMS.get(name), limit=limit, store=store).rows)

    results = []
    for name in bundled_queries():
        row = {"query": name, "tables": table_query(name) is not None}
        for label, run in (("store", on_store), ("kg", kg_way)):
            for mode, limit in (("full", None), ("page", PAGE)):
                run(name, limit)  # warm the caches, as a server would have them
                row[f"{label}_{mode}_ms"], row[f"{label}_{mode}_rows"] = (
                    lambda t: (t[0] * 1000, t[1]))(latency(lambda: run(name, limit), repeats))
        results.append(row)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    try:
        _time_virtuoso(store, results, repeats, folder)
    except VirtuosoError as exc:
        print(f"virtuoso: skipped ({exc})", flush=True)
    return results


def _time_virtuoso(store, results: list[dict], repeats: int, folder: Path) -> None:
    from kg.push import push
    from virtuoso_server import running_virtuoso, virtuoso_select

    # 2 GB of page cache: the quads fit, as they would on a server set up for them.
    with running_virtuoso(folder, buffers=250_000, max_rows=10_000_000) as base:
        started = time.perf_counter()
        report = push(store, f"{base}/sparql-graph-crud-auth", user="dba", password="dba", build_id="bench",
                      timeout=600)
        print(f"virtuoso: pushed {report.triples:,} triples in {len(report.graphs)} graphs "
              f"in {time.perf_counter() - started:.0f} s", flush=True)
        for row in results:
            name = row["query"]
            for mode, limit in (("full", ""), ("page", f"\nLIMIT {PAGE}")):
                run = lambda: (None, virtuoso_select(base, virtuoso_text(name, base) + limit, timeout=600))  # noqa: E731
                run()
                row[f"virtuoso_{mode}_ms"], row[f"virtuoso_{mode}_rows"] = (
                    lambda t: (t[0] * 1000, t[1]))(latency(run, repeats))


def print_engines(results: list[dict]) -> None:
    if "virtuoso_full_ms" not in results[0]:
        print(f"\n{'query':<20} {'rows':>7} | {'store':>9} {'kg':>8} | {'page: store':>11} {'kg':>7}   (ms)")
        for r in results:
            print(f"{r['query']:<20} {r['kg_full_rows']:>7} | {r['store_full_ms']:>9.1f} {r['kg_full_ms']:>8.1f} | "
                  f"{r['store_page_ms']:>11.1f} {r['kg_page_ms']:>7.1f}")
        return
    print(f"\n{'query':<20} {'rows':>7} | {'store':>9} {'kg':>8} {'virtuoso':>9} {'kg/virt':>8} | "
          f"{'page: store':>11} {'kg':>7} {'virtuoso':>9}   (ms; kg = tables when the query has a table form)")
    for r in results:
        note = "" if r["store_full_rows"] == r["kg_full_rows"] == r["virtuoso_full_rows"] else (
            f"  rows differ: store {r['store_full_rows']}, kg {r['kg_full_rows']}, virtuoso {r['virtuoso_full_rows']}")
        print(f"{r['query'] + ('' if r['tables'] else ' (store)'):<20} {r['kg_full_rows']:>7} | "
              f"{r['store_full_ms']:>9.1f} {r['kg_full_ms']:>8.1f} {r['virtuoso_full_ms']:>9.1f} "
              f"{r['kg_full_ms'] / r['virtuoso_full_ms']:>8.2f} | {r['store_page_ms']:>11.1f} {r['kg_page_ms']:>7.1f} "
              f"{r['virtuoso_page_ms']:>9.1f}{note}", flush=True)
    slowest = max(results, key=lambda r: r["kg_full_ms"] / r["virtuoso_full_ms"])
    page = max(r["kg_page_ms"] for r in results)
    print(f"kg / virtuoso, whole results: at most {slowest['kg_full_ms'] / slowest['virtuoso_full_ms']:.2f} "
          f"({slowest['query']})   target <= 1;  slowest first page {page:.1f} ms   target <= 100 ms")


def latency(run, repeats: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        _, result = run()
        times.append(time.perf_counter() - started)
        rows = len(result)
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "store")
    parser.add_argument("--min-triples", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5, help="runs per query on the store (median)")
    parser.add_argument("--rdflib-repeats", type=int, default=2, help="runs per query on rdflib (median; 0: skip)")
    parser.add_argument("--no-virtuoso", action="store_true", help="skip the tables-and-Virtuoso comparison")
    parser.add_argument("--reuse-build", action="store_true", help="skip the timed builds if OUT/build exists")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    args.out.mkdir(parents=True, exist_ok=True)
    code = snapshot_code(args.out / "code")
    from kg.store import bundled_queries, open_store, query_text, read_state, run_query, to_rdflib_quad
    from kg.tables import fresh_tables

    build_out = args.out / "build"
    figures: dict = {"corpus": str(args.corpus)}
    previous = args.out / "bench_store.json"
    if args.reuse_build and previous.is_file():  # keep the build timings of the run being reused
        figures.update({k: v for k, v in json.loads(previous.read_text(encoding="utf-8")).items()
                        if k.endswith(("_s", "_over_full")) or k in ("copies", "articles", "triples")})

    if not (args.reuse_build and (build_out / "store").is_dir()):
        if build_out.exists():
            shutil.rmtree(build_out)
        corpus = args.out / "corpus"  # a copy, so one article can be changed
        if corpus.exists():
            shutil.rmtree(corpus)
        shutil.copytree(args.corpus, corpus)
        full, _ = timed_build(corpus, build_out, code)
        print(f"full build:                    {full:8.1f} s", flush=True)
        unchanged, summary = timed_build(corpus, build_out, code)
        print(f"rebuild, corpus unchanged:     {unchanged:8.1f} s  ({summary})", flush=True)
        first = sorted(corpus.glob("*.txt"))[0]
        first.write_text(first.read_text(encoding="utf-8") + "\nUpdated.\n", encoding="utf-8")
        one, summary = timed_build(corpus, build_out, code)
        print(f"rebuild, one article changed:  {one:8.1f} s  ({summary})", flush=True)
        figures.update(full_build_s=full, unchanged_rebuild_s=unchanged, one_changed_rebuild_s=one,
                       unchanged_over_full=unchanged / full, one_changed_over_full=one / full)
        print(f"incremental ratio (unchanged / full): {unchanged / full:.2%}   target <= 5%")
        print(f"one changed article / full:           {one / full:.2%}", flush=True)

    big = args.out / "big"
    if args.reuse_build and (big / "store" / "CURRENT").is_file():
        print(f"\nbig store: reusing {big / 'store'}", flush=True)
        if fresh_tables(big) is None:
            started = time.perf_counter()
            write_tables(big, f"bench-{figures.get('copies')}-{figures.get('triples')}")
            print(f"tables written in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        extractions = cached_extractions(build_out)
        started = time.perf_counter()
        copies, triples = big_store(extractions, args.min_triples, big / "store")
        print(f"\nbig store: {copies} copies of {len(extractions)} articles, {triples:,} triples "
              f"(built in {time.perf_counter() - started:.0f} s)", flush=True)
        started = time.perf_counter()
        write_tables(big, f"bench-{copies}-{triples}")
        print(f"tables written in {time.perf_counter() - started:.0f} s", flush=True)
        figures.update(copies=copies, articles=len(extractions) * copies, triples=triples)

    from rdflib import Dataset

    store = open_store(big)
    if not args.no_virtuoso:
        sys.path.insert(0, str(ROOT / "tests"))  # the Virtuoso launcher of the push tests
        engines = compare_engines(big, store, args.repeats, args.out / "virtuoso")
        print_engines(engines)
        figures.update(engines=engines)
        (args.out / "bench_store.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if args.rdflib_repeats < 1:
        print(f"figures in {args.out / 'bench_store.json'}")
        return
    memory = Dataset(default_union=True)
    for quad in store:  # the same quads, canonical as the store holds them
        memory.add(to_rdflib_quad(quad))

    rows_out = []
    print(f"\n{'query':<20} {'store ms':>10} {'rdflib ms':>11} {'ratio':>8} {'rows':>8}")
    for name in bundled_queries():
        params = PARAMS.get(name, [])
        if params:  # each side looks up the entity names itself (query_text), inside the timing
            on_store = lambda: run_query(store, query_text(name, params, store))  # noqa: E731
            on_rdflib = lambda: run_query(memory, query_text(name, params, memory))  # noqa: E731
        else:
            text = query_text(name)
            on_store = lambda: run_query(store, text)  # noqa: E731
            on_rdflib = lambda: run_query(memory, text)  # noqa: E731
        on_store()  # warm the store's caches, as a server would have them
        t_store, n_store = latency(on_store, args.repeats)
        t_rdflib, n_rdflib = latency(on_rdflib, args.rdflib_repeats)
        ratio = t_rdflib / t_store if t_store else float("inf")
        note = "" if n_store == n_rdflib else f"  (rdflib: {n_rdflib} rows)"
        print(f"{name:<20} {t_store * 1000:>10.1f} {t_rdflib * 1000:>11.1f} {ratio:>7.1f}x {n_store:>8}{note}",
              flush=True)
        rows_out.append({"query": name, "store_ms": t_store * 1000, "rdflib_ms": t_rdflib * 1000, "ratio": ratio,
                         "rows_store": n_store, "rdflib_rows": n_rdflib})
    ratios = [r["ratio"] for r in rows_out]
    geo = statistics.geometric_mean(ratios) if ratios else 0.0
    print(f"\nstore vs rdflib: min {min(ratios):.1f}x, geometric mean {geo:.1f}x   target >= 10x")
    figures.update(queries=rows_out, min_ratio=min(ratios), geomean_ratio=geo)
    (args.out / "bench_store.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"figures in {args.out / 'bench_store.json'}")


if __name__ == "__main__":
    main()
