"""Scale: `kg build` of N copies of a corpus against one copy, per-article wall time and peak RSS.

    python bench/bench_scale.py [--corpus DIR] [--copies 10] [--jobs 1] [--out bench/out/scale]

The corpus (polnear-train, 840 articles) is built once as it is and once as
COPIES sets of its articles under new ids: copy k of an article is its text
with one closing line `Copy k.` (a text kg has not seen, so it is parsed
again; same length to within a few tokens). Both builds are whole `kg build`
processes from an empty folder (spaCy included). Prints, for each: articles,
wall seconds, milliseconds per article, peak RSS, the graph's counts and the
input text kg holds; then the ratios (targets: per-article time within 10 %,
peak RSS <= 1.3x) and the growth of what still grows with the corpus, in MB
per 1,000 articles.

Both builds together take about (1 + COPIES) times one 840-article build:
with COPIES=3 the whole run took 42 minutes on 2 cores that other builds were
also using (737-761 ms per article); COPIES=10 (8,400 articles) would take
about 2.3 hours there, and roughly 30 minutes on idle cores (one 840-article
build takes about 140 s there, from bench/results.md). `make bench-scale`
runs it (`make bench-scale COPIES=3` for the shorter run); `make bench` does
not.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "polnear-train"


def copy_corpus(corpus: Path, folder: Path, copies: int) -> int:
    """Write `copies` sets of the corpus's articles under new names and texts into folder; return the chars written."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    chars = 0
    for k in range(1, copies + 1):
        sub = folder / f"copy{k:02d}"
        sub.mkdir()
        for path in sorted(corpus.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if k > 1:  # copy 1 is the corpus as it is
                text = text.rstrip("\n") + f"\n\nCopy {k}.\n"
            (sub / path.name).write_text(text, encoding="utf-8")
            chars += len(text)
    return chars


def snapshot_code(folder: Path) -> Path:
    """Copy kg/ and ontology/ to folder: the builds run that copy, so editing kg/ meanwhile changes nothing."""
    if folder.exists():
        shutil.rmtree(folder)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("kg", "ontology"):
        shutil.copytree(ROOT / name, folder / name, ignore=ignore)
    return folder


def measured_build(corpus: Path, out: Path, jobs: int, code: Path) -> dict:
    """Return wall seconds, peak RSS (MB) and the summary counts of one `kg build` process from an empty folder."""
    if out.exists():
        shutil.rmtree(out)
    # a fresh parent per measurement: RUSAGE_CHILDREN keeps the maximum over every child it waited for
    probe = ("import json, resource, subprocess, sys, time; t = time.perf_counter(); "
             f"p = subprocess.run([sys.executable, '-m', 'kg.cli', 'build', {str(corpus)!r}, '--out', {str(out)!r}, "
             f"'--jobs', '{jobs}'], capture_output=True, text=True); "
             "print(json.dumps({'wall': time.perf_counter() - t, 'rc': p.returncode, 'stdout': p.stdout, "
             "'stderr': p.stderr[-3000:], 'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
             "'cpu': resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime "
             "+ resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime}))")
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, cwd=code,
                          env={**os.environ, "PYTHONPATH": str(code)})
    result = json.loads(done.stdout.splitlines()[-1])
    if result["rc"] != 0:
        sys.exit(f"kg build {corpus} failed ({result['rc']}):\n{result['stderr']}")
    sys.path.insert(0, str(code))
    from kg.store import read_state, store_path

    state = read_state(store_path(out))
    counts = {key: state.get(key, 0) for key in ("articles", "claims", "supplies", "entities", "triples")}
    return {"wall_s": result["wall"], "cpu_s": result["cpu"], "peak_rss_mb": result["rss_kb"] / 1024, **counts,
            "page_mb": (out / "graph.html").stat().st_size / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=1, help="kg build --jobs, the same for both builds")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    code = snapshot_code(args.out / "code")
    one_chars = copy_corpus(args.corpus, args.out / "corpus1", 1)
    many_chars = copy_corpus(args.corpus, args.out / f"corpus{args.copies}", args.copies)
    runs = {}
    for name, corpus, chars in (("one", args.out / "corpus1", one_chars),
                                ("many", args.out / f"corpus{args.copies}", many_chars)):
        runs[name] = measured_build(corpus, args.out / f"build-{name}", args.jobs, code)
        runs[name]["input_mb"] = chars / 2**20
        r = runs[name]
        print(f"{r.get('articles', '?')} articles: {r['wall_s']:.0f} s, {1000 * r['wall_s'] / r['articles']:.0f} ms "
              f"per article, peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
    one, many = runs["one"], runs["many"]
    per_one, per_many = one["wall_s"] / one["articles"], many["wall_s"] / many["articles"]
    growth = 1000 / (many["articles"] - one["articles"])  # per 1,000 articles more
    lines = [
        f"| measure | {one['articles']} articles | {many['articles']} articles | ratio |", "|---|---|---|---|",
        f"| build wall time per article (ms) | {1000 * per_one:.0f} | {1000 * per_many:.0f} | "
        f"**{per_many / per_one:.2f}** (target <= 1.10) |",
        f"| build CPU time per article (ms; less sensitive to other work on the machine) | "
        f"{1000 * one['cpu_s'] / one['articles']:.0f} | {1000 * many['cpu_s'] / many['articles']:.0f} | "
        f"{(many['cpu_s'] / many['articles']) / (one['cpu_s'] / one['articles']):.2f} |",
        f"| peak RSS (MB) | {one['peak_rss_mb']:.0f} | {many['peak_rss_mb']:.0f} | "
        f"**{many['peak_rss_mb'] / one['peak_rss_mb']:.2f}** (target <= 1.30) |",
        f"| peak RSS growth (MB per 1,000 articles) | | | "
        f"{(many['peak_rss_mb'] - one['peak_rss_mb']) * growth:.1f} |",
    ]
    for key, label, digits in (("input_mb", "input text read up front (MB of characters)", 1),
                               ("claims", "claims", 0), ("entities", "entities", 0), ("triples", "triples", 0),
                               ("page_mb", "graph.html (MB, holds the claim texts)", 1)):
        rate = (many[key] - one[key]) * growth
        lines.append(f"| {label} | {one[key]:,.{digits}f} | {many[key]:,.{digits}f} | "
                     f"+{rate:,.{digits}f} per 1,000 articles |")
    lines.append(f"\n{args.copies} copies; whole run {time.perf_counter() - started:.0f} s, "
                 f"kg build --jobs {args.jobs}, {os.cpu_count()} cores")
    print("\n".join(lines))
    (args.out / "bench_scale.json").write_text(json.dumps({"copies": args.copies, **runs}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
