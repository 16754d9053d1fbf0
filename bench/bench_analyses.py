"""What supply lifecycles (kg.lifecycle) and quote lineage (kg.lineage) add to a build, against the build itself.

    python bench/bench_analyses.py OUT [--repeat N] [--only lifecycles|lineage]

OUT is a finished `kg build` of a corpus (polnear-train, say). Its extraction cache is copied into a fresh
folder and built again there (the graph stage: resolution, RDF, analysis, store, exports, tables: what a
rebuild costs once the spaCy step is cached), then every step an analysis adds is timed in this process on
the same graph, `repeat` times, the best kept, and its share of the rebuild printed.

- lifecycles: finding the claim each supply is stated in, the lifecycles from the facts, their triples,
  table rows, report section and page data;
- lineage: each article's wire credit (a regex over its first 1,500 characters), the clusters from the
  facts, their triples and the report section.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def lifecycle_steps(extractions, facts, analysis, tmp: Path, repeat: int) -> tuple[str, dict[str, float]]:
    from kg.lifecycle import stated_in, supply_lifecycles
    from kg.rdf import TripleIndex, add_lifecycles
    from kg.render import page_records
    from kg.report import lifecycle_section
    from kg.tables import TableWriter

    lives = supply_lifecycles(facts)
    G = analysis.graph
    index = {n: i for i, n in enumerate(sorted(G.nodes))}
    steps = {
        "stated_in (every supply)": lambda: [stated_in(s, ex.claims) for ex in extractions for s in ex.supplies],
        "supply_lifecycles": lambda: supply_lifecycles(facts),
        "add_lifecycles (triples)": lambda: add_lifecycles(TripleIndex(), lives),
        "report section": lambda: lifecycle_section(analysis),
        "page data (all records)": lambda: page_records(facts, G, index, lives),
        "page data (without lifecycles)": lambda: page_records(facts, G, index),
    }
    times = {name: best(fn, repeat) for name, fn in steps.items()}
    with TableWriter(tmp / "tables-out") as writer:
        times["table rows"] = best(lambda: writer.add_lifecycles(lives), repeat)
    page = times.pop("page data (all records)") - times.pop("page data (without lifecycles)")
    times["page data (lifecycles)"] = max(page, 0.0)
    return (f"{sum(len(ex.supplies) for ex in extractions)} supplies, {len(lives)} supply records, "
            f"{sum(len(x.stages) for x in lives)} stages"), times


def lineage_steps(extractions, facts, analysis, tmp: Path, repeat: int) -> tuple[str, dict[str, float]]:
    from kg.lineage import claim_clusters, wire_credit
    from kg.rdf import TripleIndex, add_clusters
    from kg.report import lineage_section

    clusters = claim_clusters(facts)
    steps = {
        "wire_credit (every article)": lambda: [wire_credit(ex.article.text) for ex in extractions],
        "claim_clusters": lambda: claim_clusters(facts),
        "add_clusters (triples)": lambda: add_clusters(TripleIndex(), clusters),
        "report section": lambda: lineage_section(analysis),
    }
    return (f"{len(facts.claims)} claims, {len(clusters)} clusters "
            f"({sum(len(c.reports) for c in clusters)} reports)"), {n: best(fn, repeat) for n, fn in steps.items()}


ANALYSES = {"lifecycles": lifecycle_steps, "lineage": lineage_steps}


def main() -> None:
    from kg.analyze import GraphFacts, analyze
    from kg.pipeline import CACHE_DIR, build, plan_build
    from kg.store import open_store

    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=sorted(ANALYSES))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "out"
        fresh.mkdir()
        shutil.copytree(args.out / CACHE_DIR, fresh / CACHE_DIR)
        sources = sorted({str(Path(s)) for s in _sources(args.out)})
        start = time.perf_counter()
        report = build(sources, fresh)
        total = time.perf_counter() - start
        assert report.extracted == 0, "the cache was stale: this would time spaCy"

        cache = plan_build(fresh, [], {}, []).cache  # read with this code's fingerprint
        extractions = [cache.load(p.stem) for p in sorted((fresh / CACHE_DIR / "extractions").glob("*.json"))]
        facts = GraphFacts.of(open_store(fresh))
        analysis = analyze(facts)
        print(f"{len(extractions)} articles; build (extractions cached): {total:.2f} s")
        for name, steps in ANALYSES.items():
            if args.only not in (None, name):
                continue
            what, times = steps(extractions, facts, analysis, Path(tmp), args.repeat)
            added = sum(times.values())
            print(f"{name}: {what}")
            for step, seconds in times.items():
                print(f"  {step}: {seconds * 1000:.2f} ms")
            print(f"{name} add {added * 1000:.1f} ms = {100 * added / total:.2f}% of the build")


def _sources(out: Path) -> list[str]:
    from kg.store import open_store, run_query

    rows = run_query(open_store(out), "SELECT ?s WHERE { ?a <http://purl.org/dc/terms/source> ?s }")[1]
    return [str(r[0]) for r in rows]


if __name__ == "__main__":
    main()
