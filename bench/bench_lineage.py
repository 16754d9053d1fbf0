"""What quote lineage (kg.lineage) adds to a build, against the build itself.

    python bench/bench_lineage.py OUT [--repeat N]

OUT is a finished `kg build` of a corpus (polnear-train, say). Its extraction cache is copied into a fresh
folder and built again there (the graph stage: what a rebuild costs once the spaCy step is cached), then
what lineage adds is timed in this process on the same graph, `repeat` times, the best kept: the clusters
from the facts, their triples and the report section. (The wire credit of each article is a regex over its
first 1,500 characters, timed with the rest.) Prints the ratio.
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


def main() -> None:
    from kg.analyze import GraphFacts, analyze
    from kg.lineage import claim_clusters, wire_credit
    from kg.pipeline import CACHE_DIR, build, plan_build
    from kg.rdf import TripleIndex, add_clusters
    from kg.report import lineage_section
    from kg.store import open_store

    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
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

        cache = plan_build(fresh, [], {}, []).cache
        extractions = [cache.load(p.stem) for p in sorted((fresh / CACHE_DIR / "extractions").glob("*.json"))]
        facts = GraphFacts.of(open_store(fresh))
        analysis = analyze(facts)
        clusters = claim_clusters(facts)
        steps = {
            "wire_credit (every article)": lambda: [wire_credit(ex.article.text) for ex in extractions],
            "claim_clusters": lambda: claim_clusters(facts),
            "add_clusters (triples)": lambda: add_clusters(TripleIndex(), clusters),
            "report section": lambda: lineage_section(analysis),
        }
        times = {name: best(fn, args.repeat) for name, fn in steps.items()}

    added = sum(times.values())
    print(f"{len(extractions)} articles, {len(facts.claims)} claims, {len(clusters)} clusters "
          f"({sum(len(c.reports) for c in clusters)} reports)")
    print(f"build (extractions cached): {total:.2f} s")
    for name, seconds in times.items():
        print(f"  {name}: {seconds * 1000:.2f} ms")
    print(f"lineage adds {added * 1000:.1f} ms = {100 * added / total:.2f}% of the build")


def _sources(out: Path) -> list[str]:
    from kg.store import open_store, run_query

    rows = run_query(open_store(out), "SELECT ?s WHERE { ?a <http://purl.org/dc/terms/source> ?s }")[1]
    return [str(r[0]) for r in rows]


if __name__ == "__main__":
    main()
