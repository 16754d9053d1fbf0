"""Speed and memory of `kg build`, as ratios against baselines run in the same process.

    python bench/bench.py [--corpus DIR] [--limit N] [--rounds R] [--ratio-only]

Prints and writes bench/results.md:
- bare spaCy `nlp.pipe` tokens/s (same model, no kg components, the same
  batches) vs kg's parse + extraction tokens/s, and vs a whole `build()`
  (resolution, RDF, analysis, HTML, store); their ratios are the result,
  absolute figures vary; the build's CPU time against bare spaCy's shows how
  much of its speed comes from the threads that write the store and exports;
- peak RSS of a `kg build` subprocess for a tenth of the corpus vs all of it;
- the fixed costs of small commands (bench_startup.py).
Then runs the other bench_*.py scripts in this folder except bench_scale.py
(long: `make bench-scale`). `--ratio-only` (with `--limit 120`, say) measures
only the build against bare nlp.pipe and writes no results.md. `--rounds R`
alternates R bare runs with R builds and reports the median ratio: on a
shared machine one pair of runs can differ by a third.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "polnear-train"


def _texts(corpus: Path, limit: int) -> list[Path]:
    return sorted(corpus.glob("*.txt"))[:limit]


def _peak_rss_mb(paths: list[Path], out: Path) -> float:
    """Return the peak RSS (MB) of a `kg build` subprocess over paths."""
    listing = out.with_suffix(".inputs")
    listing.mkdir(parents=True, exist_ok=True)
    for p in paths:
        (listing / p.name).symlink_to(p)
    # a fresh parent per measurement: RUSAGE_CHILDREN keeps the maximum over every child it waited for
    probe = ("import resource, subprocess, sys; "
             f"subprocess.run([sys.executable, '-m', 'kg.cli', 'build', {str(listing)!r}, '--out', {str(out)!r}, "
             "'--quiet'], check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return int(done.stdout.split()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=840)
    ap.add_argument("--no-extras", action="store_true", help="skip the other bench_*.py scripts")
    ap.add_argument("--no-startup", action="store_true", help="skip the fixed costs (bench_startup.py)")
    ap.add_argument("--rounds", type=int, default=1, help="bare runs and builds, alternated; the median ratio counts")
    ap.add_argument("--ratio-only", action="store_true",
                    help="only bare nlp.pipe against the whole build (no extraction-only, --jobs or RSS runs)")
    args = ap.parse_args()

    import spacy

    from kg.extract import extract
    from kg.ingest import read_articles
    from kg.nlp import default_model, load_pipeline
    from kg.parallel import batches
    from kg.pipeline import build
    from kg.types import Article

    paths = _texts(args.corpus, args.limit)
    if not paths:
        sys.exit(f"bench: no .txt articles in {args.corpus}")
    articles = [a for a in read_articles(paths) if isinstance(a, Article)]
    texts = [a.text for a in articles]
    lines = ["# kg benchmark", "", f"corpus: {args.corpus} ({len(texts)} articles), model: {default_model()}", ""]

    bare = spacy.load(default_model(), exclude=["senter"])
    nlp = load_pipeline()
    for pipeline in (bare, nlp):  # warm both up so neither pays for first-call costs
        list(pipeline.pipe(texts[:5]))
    # Every side parses the same batches: the ones kg makes (at most 16 articles and 50,000 characters).
    groups = [[a.text for a in batch] for batch in batches(articles, 16)]

    def time_bare() -> tuple[int, float, float]:
        t0, cpu0 = time.perf_counter(), time.process_time()
        tokens = sum(len(doc) for group in groups for doc in bare.pipe(group, batch_size=len(group)))
        return tokens, time.perf_counter() - t0, time.process_time() - cpu0

    def time_build() -> tuple[float, float]:
        with tempfile.TemporaryDirectory() as tmp:
            t0, cpu0 = time.perf_counter(), time.process_time()
            build(paths, Path(tmp) / "out")
            return time.perf_counter() - t0, time.process_time() - cpu0

    tokens, bare_s, bare_cpu = time_bare()

    from kg.extract.claims import find_claims

    t0 = time.perf_counter()
    docs = (doc for group in groups for doc in nlp.pipe(group, batch_size=len(group)))
    with_model = rules_only = 0.0  # claim extraction with kg/extract/learned.py's model and without it
    for article, doc in zip(articles, [] if args.ratio_only else docs):
        extract(doc, article)
        start = article.title_start if article.title_start is not None else article.body_start
        t1 = time.perf_counter()
        find_claims(doc, start, article.publisher, learned=False)
        t2 = time.perf_counter()
        find_claims(doc, start, article.publisher)
        t3 = time.perf_counter()
        rules_only, with_model = rules_only + t2 - t1, with_model + t3 - t2
    kg_s = time.perf_counter() - t0 - rules_only - with_model

    build_s, build_cpu = time_build()
    # This machine's speed drifts by a third within minutes: more rounds, each a bare run then a build, and
    # the median of their ratios (the round with the median wall ratio gives every figure below).
    rounds = [(bare_s, bare_cpu, build_s, build_cpu)]
    for _ in range(args.rounds - 1):
        _, b, bc = time_bare()
        rounds.append((b, bc, *time_build()))
    rounds.sort(key=lambda r: r[2] / r[0])
    bare_s, bare_cpu, build_s, build_cpu = rounds[len(rounds) // 2]

    from kg.parallel import extract_articles

    timings = {}
    for jobs in () if args.ratio_only else (1, 2):
        t0 = time.perf_counter()
        for _ in extract_articles(articles, jobs=jobs):
            pass
        timings[jobs] = time.perf_counter() - t0

    lines += ["| measure | value |", "|---|---|", f"| bare nlp.pipe tokens/s | {tokens / bare_s:,.0f} |"]
    if not args.ratio_only:
        lines += [f"| kg parse + extraction tokens/s | {tokens / kg_s:,.0f} |"]
    lines += [
        f"| kg build (everything) tokens/s | {tokens / build_s:,.0f} |",
        f"| **build throughput / bare nlp.pipe** | **{bare_s / build_s:.2f}** |",
        f"| **build time / bare nlp.pipe time** (target: 120 articles <= 1.10, 840 <= 1.05) "
        f"| **{build_s / bare_s:.2f}** |",
        f"| build CPU time / bare nlp.pipe CPU time (the build's writer and export threads count) "
        f"| {build_cpu / bare_cpu:.2f} |",
    ]
    if len(rounds) > 1:
        lines += [f"| build time / bare nlp.pipe time in each of {len(rounds)} rounds (the median above) | "
                  + ", ".join(f"{r[2] / r[0]:.2f}" for r in rounds) + " |"]
    if not args.ratio_only:
        lines += [
            f"| claim extraction, rules only / bare nlp.pipe | {rules_only / bare_s:.3f} |",
            f"| **what the learned model adds to claim extraction / bare nlp.pipe** | "
            f"**{(with_model - rules_only) / bare_s:.3f}** |",
            f"| **extraction throughput / bare nlp.pipe** | **{bare_s / kg_s:.2f}** |",
            f"| extraction, --jobs 1 (s) | {timings[1]:.1f} |",
            f"| extraction, --jobs 2 (s) | {timings[2]:.1f} |",
            f"| **--jobs 2 speed-up** | **{timings[1] / timings[2]:.2f}** |",
        ]
        tenth = paths[: max(1, len(paths) // 10)]
        with tempfile.TemporaryDirectory() as tmp:
            small = _peak_rss_mb(tenth, Path(tmp) / "small")
        with tempfile.TemporaryDirectory() as tmp:
            large = _peak_rss_mb(paths, Path(tmp) / "large")
        lines += [f"| peak RSS, {len(tenth)} articles (MB) | {small:,.0f} |",
                  f"| peak RSS, {len(paths)} articles (MB) | {large:,.0f} |",
                  f"| **peak RSS ratio {len(paths)}/{len(tenth)}** | **{large / small:.2f}** |"]
    lines.append("")
    if not args.no_startup:
        sys.path.insert(0, str(HERE))
        from bench_startup import measure, table

        lines += ["Fixed costs (bench_startup.py): whole processes on the 2 bundled samples, fastest of 3 rounds; "
                  "target: a 2-article build <= 1.6x bare spaCy load + parse", "", *table(measure(3)), ""]
    text = "\n".join(lines)
    print(text)
    if not args.ratio_only and args.limit == ap.get_default("limit"):  # a partial run does not replace the full run's figures
        (HERE / "results.md").write_text(text + "\n", encoding="utf-8")

    # bench_startup runs above; bench_scale is long and opt-in (make bench-scale)
    skip = {"bench_startup.py", "bench_scale.py"}
    for script in [] if args.no_extras else sorted(p for p in HERE.glob("bench_*.py") if p.name not in skip):
        print(f"\n## {script.name}\n", flush=True)
        subprocess.run([sys.executable, str(script)], check=False)


if __name__ == "__main__":
    main()
