"""Fixed costs: whole `kg` processes on the bundled samples, as ratios against bare spaCy in the same run.

    python bench/bench_startup.py [--rounds 5]

Each round runs, one after another, as separate processes:
- bare spaCy: `spacy.load` of the model kg uses (without the senter, as kg
  loads it) and `nlp.pipe` over the texts of the 2 bundled sample articles;
- `kg build` of the samples into a fresh folder;
- `kg build` again into that folder (nothing changed: nothing is parsed);
- `kg query who-said-what` on that folder;
- `kg --help`.
The figures of each are its fastest round, wall and CPU time (user + system;
other work on the machine only ever adds time, and adds less to CPU time);
the ratios divide them by bare spaCy's. Target: a
2-article build at most 1.6x bare spaCy.

kg's modules are byte-compiled first, as `pip install` leaves them (spaCy's
are): with PYTHONDONTWRITEBYTECODE set, as on some machines, an editable
install would otherwise compile kg's source again in every process (0.1 s).
"""
from __future__ import annotations

import argparse
import compileall
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = """
import sys
import spacy
nlp = spacy.load(sys.argv[1], exclude=["senter"])
texts = [open(p, encoding="utf-8").read() for p in sys.argv[2:]]
docs = list(nlp.pipe(texts))
"""


def _seconds(args: list[str]) -> tuple[float, float]:
    """Return the wall and CPU (user + system) seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def measure(rounds: int = 5) -> dict[str, tuple[float, float]]:
    """Return the fastest wall and CPU time (s) over `rounds` of each process, keyed by what it runs."""
    sys.path.insert(0, str(ROOT))
    from kg.ingest import sample_paths
    from kg.nlp import default_model

    compileall.compile_dir(ROOT / "kg", quiet=1)
    kg = [sys.executable, "-m", "kg.cli"]
    samples = [str(p) for p in sample_paths()]
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            out = str(Path(tmp) / f"out{n}")
            times = {
                "bare spaCy load + parse": _seconds([sys.executable, "-c", BARE, default_model(), *samples]),
                "kg build (2 samples, fresh)": _seconds(kg + ["build", "--out", out, "--quiet"]),
                "kg build (unchanged rebuild)": _seconds(kg + ["build", "--out", out, "--quiet"]),
                "kg query who-said-what": _seconds(kg + ["query", "who-said-what", "--out", out]),
                "kg --help": _seconds(kg + ["--help"]),
            }
            for name, (wall, cpu) in times.items():
                old_wall, old_cpu = best.get(name, (wall, cpu))
                best[name] = (min(old_wall, wall), min(old_cpu, cpu))
    return best


def table(best: dict[str, tuple[float, float]]) -> list[str]:
    """Return the markdown rows of the measurements, with each one's ratio to bare spaCy."""
    wall0, cpu0 = best["bare spaCy load + parse"]
    rows = ["| process | wall s | / bare spaCy | CPU s | / bare spaCy |", "|---|---|---|---|---|"]
    rows += [f"| {name} | {wall:.2f} | {wall / wall0:.2f} | {cpu:.2f} | {cpu / cpu0:.2f} |"
             for name, (wall, cpu) in best.items()]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    print("\n".join(table(measure(args.rounds))))


if __name__ == "__main__":
    main()
