"""Measure the HTML view on a real corpus: page size and time from load to a stable layout in Chromium.

    python bench/bench_html.py [--corpus DIR] [--out DIR] [--rebuild] [--runs 3] [--max-nodes 300]

1. Builds CORPUS into OUT with `kg build`, unless OUT already holds a build
   (`--rebuild` forces one; the build takes minutes on polnear-train).
2. Renders OUT/graph.html as `kg html` does (timed), and an ego view around
   `--focus` (default "Donald Trump", depth 2).
3. Opens each page in Debian's headless Chromium (/usr/bin/chromium, driven by
   Playwright) `--runs` times, a fresh tab each time, in the default view (the
   top `--max-nodes` entities by PageRank) and in the full graph (`#full`), and
   reads the page's own clock: milliseconds from navigation start to the moment
   the physics settled and was switched off. Medians are reported.

Prints a table and writes OUT/bench_html.json. Target: default view <= 5 s.
Run by `make bench` through bench/bench.py, or standalone.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "polnear-train"
DEFAULT_OUT = ROOT / "bench" / "out" / "html"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}
TARGET_DEFAULT_S = 5.0


def has_build(out: Path) -> bool:
    return (out / "store").is_dir() or (out / "graph.trig").is_file()


def measure_page(browser, path: Path, view: str, runs: int) -> dict:
    """Return the load-to-stable times (ms) of `runs` fresh loads of `path` in `view`, with what was drawn."""
    times, parse, drawn, total, view_nodes, links, requests = [], [], None, None, None, None, set()
    for _ in range(runs):
        page = browser.new_page(viewport=VIEWPORT)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.add(r.url))
        page.goto(path.as_uri() + ("#full" if view == "full" else ""))
        page.wait_for_selector("body[data-kg-stable]", state="attached", timeout=300_000)
        timing = page.evaluate("window.kgTiming")
        times.append(timing["stable"])
        parse.append(timing["drawStart"])
        drawn = page.evaluate("kg.drawnNodeCount()")
        total = page.evaluate("KG.total")
        view_nodes = int(page.get_attribute("body", "data-kg-view-nodes"))
        links = int(page.get_attribute("body", "data-kg-visible-edges"))
        page.close()
        if errors:
            raise SystemExit(f"bench: page errors in {path.name} ({view}): {errors[:3]}")
    return {"view": view, "runs": runs, "stable_ms_median": round(statistics.median(times)),
            "stable_ms_min": round(min(times)), "stable_ms_max": round(max(times)),
            "script_start_ms_median": round(statistics.median(parse)),
            "view_nodes": view_nodes, "drawn_nodes": drawn, "entities": total, "links": links,
            "other_requests": sorted(u for u in requests if u.split("#")[0] != path.as_uri())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="build folder (reused when it holds a build)")
    ap.add_argument("--rebuild", action="store_true", help="build even when OUT already holds a build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-nodes", type=int, default=300)
    ap.add_argument("--focus", default="Donald Trump")
    ap.add_argument("--depth", type=int, default=2)
    args = ap.parse_args()

    if not CHROMIUM.exists():
        sys.exit("bench_html: /usr/bin/chromium is missing; install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from kg.errors import KgError
    from kg.render import render_dir

    out = args.out
    build_s = None
    if args.rebuild or not has_build(out):
        from kg.pipeline import build

        if not args.corpus.is_dir():
            sys.exit(f"bench_html: no corpus at {args.corpus}")
        print(f"building {args.corpus} into {out} (takes minutes)…", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        build([args.corpus], out)
        build_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    page = render_dir(out, max_nodes=args.max_nodes)
    render_s = time.perf_counter() - t0
    main_page = out / "bench-graph.html"
    shutil.copy(page, main_page)
    pages = [("graph", main_page, render_s)]
    try:
        t0 = time.perf_counter()
        render_dir(out, focus=args.focus, depth=args.depth, max_nodes=args.max_nodes)
        ego_s = time.perf_counter() - t0
        ego_page = out / "bench-ego.html"
        shutil.copy(out / "graph.html", ego_page)
        pages.append((f"ego {args.focus!r} depth {args.depth}", ego_page, ego_s))
    except KgError as exc:
        print(f"bench_html: no ego view: {exc}", file=sys.stderr)
    shutil.copy(main_page, out / "graph.html")  # leave the ordinary page in place

    results = {"corpus": str(args.corpus), "out": str(out), "build_s": build_s, "pages": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for name, path, seconds in pages:
                views = [measure_page(browser, path, "default", args.runs)]
                if views[0]["view_nodes"] < views[0]["entities"]:
                    views.append(measure_page(browser, path, "full", args.runs))
                results["pages"].append({"page": name, "file": str(path), "html_bytes": path.stat().st_size,
                                         "render_s": round(seconds, 2), "entities": views[0]["entities"],
                                         "views": views})
        finally:
            browser.close()

    (out / "bench_html.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"HTML view of {args.corpus.name} (Chromium {args.runs} loads each, median; times from navigation start)")
    if build_s is not None:
        print(f"build: {build_s:.0f} s")
    print(f"{'page':<30} {'HTML':>9} {'render':>7} {'view':<8} {'nodes':>11} {'links':>6} {'stable':>8} {'range':>13}")
    for row in results["pages"]:
        for v in row["views"]:
            print(f"{row['page']:<30} {row['html_bytes'] / 1e6:>7.2f}MB {row['render_s']:>6.1f}s {v['view']:<8} "
                  f"{v['drawn_nodes']:>5}/{row['entities']:<5} {v['links']:>6} {v['stable_ms_median'] / 1000:>7.2f}s "
                  f"{v['stable_ms_min'] / 1000:>5.2f}–{v['stable_ms_max'] / 1000:<5.2f}s")
            if v["other_requests"]:
                print(f"  requests other than the file: {v['other_requests']}")
    default = results["pages"][0]["views"][0]["stable_ms_median"] / 1000
    verdict = "met" if default <= TARGET_DEFAULT_S else "MISSED"
    print(f"target: default view stable <= {TARGET_DEFAULT_S:.0f} s: {verdict} ({default:.2f} s)")
    print(f"written: {out / 'bench_html.json'}")


if __name__ == "__main__":
    main()
