"""Incremental, idempotent and crash-safe builds into the store.

Inputs are tiny hand-written articles, so spaCy is quick; crash tests kill a
real `kg build` subprocess.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from conftest import interrupt, stop
from kg.cli import main
from kg.pipeline import build
from kg.store import STATE_FILE, open_store, read_state, store_path
from kg.vocab import KG

PEOPLE = ["Anna Berg", "Carlos Diaz", "Emma Fischer", "Hugo Ivanov", "Jana Kovac", "Lukas Meyer", "Nina Olsen",
          "Pavel Quint", "Rosa Silva", "Tomas Ulrich", "Vera Weiss", "Yuri Zaitsev"]
SUPPLIERS = ["Germany", "France", "Poland", "Canada", "Norway", "Sweden"]
ITEMS = ["Patriot missiles", "Leopard tanks", "howitzers", "drones"]


def article_text(n: int) -> str:
    person = PEOPLE[n % len(PEOPLE)]
    supplier = SUPPLIERS[n % len(SUPPLIERS)]
    item = ITEMS[n % len(ITEMS)]
    return (f"Report {n}: {supplier} to send {item} to Ukraine\n\n"
            f"{supplier} will send {item} to Ukraine, defence minister {person} said on Monday. "
            f"\"We will not let Ukraine down,\" {person.split()[-1]} told reporters in Berlin.\n")


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"article_{n:03d}.txt"
        path.write_text(article_text(n), encoding="utf-8")
        paths.append(path)
    return paths


def dataset_of(out: Path) -> dict[str, Graph]:
    """Return graph name ('' for the default graph) -> rdflib Graph of what the store holds."""
    from kg.store import to_rdflib

    graphs: dict[str, Graph] = {}
    for q in open_store(out):
        key = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        graphs.setdefault(key, Graph()).add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graphs


def assert_same_graphs(out_a: Path, out_b: Path) -> None:
    """Assert two stores hold isomorphic graphs under the same names, with a readable diff when not."""
    a, b = dataset_of(out_a), dataset_of(out_b)
    assert sorted(a) == sorted(b), "different graph names"
    for name in a:
        iso_a, iso_b = to_isomorphic(a[name]), to_isomorphic(b[name])
        if iso_a != iso_b:
            _, only_a, only_b = graph_diff(iso_a, iso_b)
            pytest.fail(f"graph <{name}> differs:\nonly in {out_a}:\n{only_a.serialize(format='nt')}\n"
                        f"only in {out_b}:\n{only_b.serialize(format='nt')}")


def cached(out: Path) -> list[Path]:
    folder = out / "cache" / "extractions"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def article_graphs(out: Path) -> list[str]:
    return sorted(g.value for g in open_store(out).named_graphs())


def kg_build(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "build", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def wait_for(condition, timeout: float = 120.0, interval: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the build to get going")
        time.sleep(interval)


# ------------------------------------------------------------------ idempotent and incremental


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_articles(folder, 4)
    return folder


def test_building_twice_parses_nothing_and_gives_the_same_graph(corpus, tmp_path):
    out = tmp_path / "out"
    first = build([corpus], out)
    assert (first.new, first.unchanged, first.extracted) == (4, 0, 4)
    before = {name: (out / name).read_bytes() for name in ("graph.trig", "graph.ttl")}
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    (snapshot / "graph.trig").write_bytes(before["graph.trig"])

    second = build([corpus], out)
    assert (second.new, second.unchanged, second.extracted, second.graphs_written) == (0, 4, 0, 0)
    assert second.up_to_date
    assert (second.articles, second.claims, second.triples) == (first.articles, first.claims, first.triples)
    assert_same_graphs(out, snapshot)  # the snapshot is read through its graph.trig
    assert {name: (out / name).read_bytes() for name in before} == before


def test_cli_reports_zero_new_on_an_unchanged_rebuild(corpus, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(corpus), "--out", str(out)]).exit_code == 0
    result = runner.invoke(main, ["build", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 new, 4 unchanged" in result.output


def test_rebuild_after_losing_the_state_file_gives_the_same_graph(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "graph.trig").write_bytes((out / "graph.trig").read_bytes())
    (store_path(out) / STATE_FILE).unlink()
    report = build([corpus], out)
    assert report.extracted == 0 and not report.up_to_date
    assert_same_graphs(out, reference)


def assert_matches_fresh_build(folder, out, fresh):
    """An incremental build must equal building the same inputs from nothing."""
    build([folder], fresh)
    assert_same_graphs(out, fresh)


def test_a_changed_article_replaces_its_graph_and_matches_a_fresh_build(tmp_path):
    folder = tmp_path / "in"
    paths = write_articles(folder, 3)
    out = tmp_path / "out"
    build([folder], out)
    old_graphs = article_graphs(out)

    paths[1].write_text(article_text(1).replace("Monday", "Tuesday"), encoding="utf-8")
    report = build([folder], out)
    assert (report.new, report.changed, report.unchanged, report.removed, report.extracted) == (1, 1, 2, 1, 1)
    new_graphs = article_graphs(out)
    assert len(new_graphs) == 3 and len(set(new_graphs) - set(old_graphs)) == 1

    assert_matches_fresh_build(folder, out, tmp_path / "fresh")


def test_added_articles_keep_the_entity_graph_consistent_with_a_fresh_build(tmp_path):
    folder = tmp_path / "in"
    write_articles(folder, 2)
    out = tmp_path / "out"
    build([folder], out)
    write_articles(folder, 2, start=2)
    report = build([folder], out)
    assert (report.new, report.unchanged, report.extracted) == (2, 2, 2)

    assert_matches_fresh_build(folder, out, tmp_path / "fresh")


def test_a_store_keeps_its_id_from_build_to_build_and_another_store_gets_its_own(tmp_path):
    folder = tmp_path / "in"
    write_articles(folder, 2)
    build([folder], tmp_path / "out")
    first = read_state(store_path(tmp_path / "out"))["store_id"]
    write_articles(folder, 1, start=2)
    build([folder], tmp_path / "out")
    assert read_state(store_path(tmp_path / "out"))["store_id"] == first
    build([folder], tmp_path / "other")
    assert read_state(store_path(tmp_path / "other"))["store_id"] != first


def test_articles_not_among_the_inputs_are_kept_unless_pruned(tmp_path):
    folder = tmp_path / "in"
    paths = write_articles(folder, 3)
    out = tmp_path / "out"
    build([folder], out)

    kept = build(paths[:2], out)
    assert (kept.unchanged, kept.kept, kept.removed, kept.articles) == (2, 1, 0, 3)
    assert len(article_graphs(out)) == 3

    pruned = build(paths[:2], out, prune=True)
    assert (pruned.unchanged, pruned.kept, pruned.removed, pruned.articles) == (2, 0, 1, 2)
    assert len(article_graphs(out)) == 2
    assert len(cached(out)) == 2

    fresh = tmp_path / "fresh"
    build(paths[:2], fresh)
    assert_same_graphs(out, fresh)


def test_cli_prune_option(tmp_path):
    folder = tmp_path / "in"
    paths = write_articles(folder, 2)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(folder), "--out", str(out), "-q"]).exit_code == 0
    paths[1].unlink()
    result = runner.invoke(main, ["build", str(folder), "--out", str(out), "--prune"])
    assert result.exit_code == 0, result.output
    assert "0 new, 1 unchanged, 0 changed, 0 kept, 1 removed" in result.output


def test_keeping_government_bodies_rewrites_the_graphs_without_parsing_again(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The Pentagon said it would send 20 Patriot missiles to Poland in May.\n")
    out = tmp_path / "out"
    runner = CliRunner()

    def part_of() -> list:
        return list(Graph().parse(out / "graph.ttl").subject_objects(KG.partOf))

    assert runner.invoke(main, ["build", str(folder), "--out", str(out), "-q"]).exit_code == 0
    assert not part_of()  # by default the Pentagon is a name of the United States
    result = runner.invoke(main, ["build", str(folder), "--out", str(out), "--keep-government-bodies"])
    assert result.exit_code == 0, result.output
    assert "0 new, 1 unchanged" in result.output and "up to date" not in result.output
    assert len(part_of()) == 1


def test_new_extraction_code_parses_every_article_again(corpus, tmp_path, monkeypatch):
    import kg.pipeline

    out = tmp_path / "out"
    build([corpus], out)
    monkeypatch.setattr(kg.pipeline, "extraction_fingerprint", lambda model=None: "a-newer-extractor")
    report = build([corpus], out)
    assert (report.extracted, report.unchanged, report.up_to_date) == (4, 4, False)


def test_a_cached_extraction_made_by_other_code_is_redone(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    stale = cached(out)[0]
    data = json.loads(stale.read_text(encoding="utf-8"))
    data["fingerprint"] = "made-by-an-older-kg"
    stale.write_text(json.dumps(data), encoding="utf-8")
    (store_path(out) / STATE_FILE).unlink()
    report = build([corpus], out)
    assert report.extracted == 1 and report.unchanged == 4


# ------------------------------------------------------------------ crash safety


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    """Enough articles that a build is still parsing when the test interrupts it, and a clean build of them."""
    folder = tmp_path_factory.mktemp("big")
    write_articles(folder, 40)
    reference = tmp_path_factory.mktemp("reference")
    build([folder], reference)
    return folder, reference


def test_sigkill_while_parsing_then_rerun_finishes_the_job(big_corpus, tmp_path):
    folder, reference = big_corpus
    out = tmp_path / "out"
    proc = kg_build(str(folder), "--out", str(out), "-q")
    try:
        wait_for(lambda: len(cached(out)) >= 2 or proc.poll() is not None)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    done = cached(out)
    assert 2 <= len(done) < 40, "the build was not killed mid-run"
    for path in done:  # every cached extraction is whole
        json.loads(path.read_text(encoding="utf-8"))

    report = build([folder], out)
    assert report.extracted == 40 - len(done)
    assert not list((out / "cache" / "extractions").glob(".*.tmp"))
    assert_same_graphs(out, reference)


# Run in a subprocess: a real `kg build` that SIGKILLs itself after its second write to the store (new
# graphs are written a few at a time, in transactions made small here so that there are several).
_KILL_WHILE_WRITING = """
import os, signal, sys
import kg.store
real = kg.store.add_quads
calls = []
def write_then_die(*args, **kwargs):
    real(*args, **kwargs)
    calls.append(1)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
kg.store.add_quads = write_then_die
kg.store.StoreWriter.BATCH_QUADS = 500
from kg.cli import main
sys.argv = ["kg", "build", *sys.argv[1:]]
main()
"""


def test_sigkill_while_writing_the_store_leaves_no_half_article_and_rerun_repairs(big_corpus, tmp_path):
    folder, reference = big_corpus
    out = tmp_path / "out"
    for path in cached(reference):  # start from parsed articles so the kill lands in the store writes
        (out / "cache" / "extractions").mkdir(parents=True, exist_ok=True)
        (out / "cache" / "extractions" / path.name).write_bytes(path.read_bytes())
    proc = subprocess.run([sys.executable, "-c", _KILL_WHILE_WRITING, str(folder), "--out", str(out), "-q"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert read_state(store_path(out)).get("clean") is False

    written = dataset_of(out)
    expected = dataset_of(reference)
    assert 1 <= len(written) < len(expected)
    for name, graph in written.items():  # each graph is absent or whole, never half-written
        assert to_isomorphic(graph) == to_isomorphic(expected[name]), f"graph <{name}> is half-written"

    report = build([folder], out)
    assert report.extracted == 0
    assert read_state(store_path(out)).get("clean") is True
    assert_same_graphs(out, reference)


def test_sigint_stops_after_the_current_article_and_rerun_finishes(big_corpus, tmp_path):
    folder, reference = big_corpus
    out = tmp_path / "out"
    proc = kg_build(str(folder), "--out", str(out), "-q")
    try:
        wait_for(lambda: len(cached(out)) >= 1 or proc.poll() is not None)
        stderr = interrupt(proc, timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == 130, stderr
    assert "Interrupted" in stderr and "Traceback" not in stderr
    done = cached(out)
    assert 1 <= len(done) < 40
    assert article_graphs(out) == []  # the store was not touched

    report = build([folder], out)
    assert report.extracted == 40 - len(done)
    assert_same_graphs(out, reference)


def test_a_running_build_locks_the_store_against_a_second_one(tmp_path):
    from kg.errors import StoreError
    from kg.store import open_store_for_writing

    out = tmp_path / "out"
    holder = open_store_for_writing(out)
    try:
        with pytest.raises(StoreError, match="in use by another process"):
            build([write_articles(tmp_path / "in", 1)[0]], out)
    finally:
        del holder
    assert os.path.isdir(store_path(out))


def test_plan_build_keeps_stored_articles_unless_replaced_or_pruned(tmp_path):
    from kg.pipeline import ExtractionCache, extraction_fingerprint, plan_build
    from kg.types import Article, Extraction

    def article(source, text):
        return Article(source, text, sha256=hashlib.sha256(text.encode()).hexdigest())

    old, replaced, same = article("old.txt", "old"), article("b.txt", "b, before"), article("c.txt", "c")
    ExtractionCache(tmp_path / "cache" / "extractions", extraction_fingerprint()).save(Extraction(old, (), (), ()))
    stored = {a.sha256: (f"graph/{a.source}", a.source) for a in (old, replaced, same)}
    current = [article("b.txt", "b, after"), same]
    plan = plan_build(tmp_path, current, stored, [])
    assert (plan.new, plan.unchanged, plan.changed, plan.kept, plan.removed) == (1, 1, 1, 1, 1)
    assert set(plan.articles) == {a.sha256 for a in (*current, old)} and not plan.up_to_date
    pruned = plan_build(tmp_path, current, stored, [], prune=True)
    assert (pruned.kept, pruned.removed) == (0, 2) and pruned.key != plan.key


def test_the_graph_stage_reads_texts_from_the_cache_not_the_plan(tmp_path):
    """The plan drops its texts before the graph stage (they grow with the corpus); extractions still carry them,
    with the metadata as read now."""
    from kg.pipeline import ExtractionCache, extraction_fingerprint, plan_build
    from kg.types import Article, Extraction

    text = "The text of the article."
    sha = hashlib.sha256(text.encode()).hexdigest()
    ExtractionCache(tmp_path / "cache" / "extractions", extraction_fingerprint()).save(
        Extraction(Article("then.txt", text, title="Old title", sha256=sha), (), (), ()))
    plan = plan_build(tmp_path, [Article("now.txt", text, title="New title", sha256=sha)], {}, [])
    plan.forget_texts()
    assert [a.text for a in plan.articles.values()] == [""]
    [ex] = plan.extractions()
    assert (ex.article.text, ex.article.title, ex.article.source) == (text, "New title", "now.txt")


def test_the_cache_fingerprint_covers_every_module_an_extraction_runs():
    """A module kg.nlp or kg.extract imports that the fingerprint leaves out would let a build reuse extractions
    made by older code (kg/entity_types.py once was)."""
    import subprocess
    import sys

    from kg.pipeline import EXTRACTION_MODULES

    listing = subprocess.run([sys.executable, "-c", "import sys, kg.nlp, kg.extract, kg.ingest; print('\\n'.join("
                              "m.__file__ for n, m in sys.modules.items() if n.startswith('kg') and n != 'kg'))"],
                             capture_output=True, text=True, check=True).stdout.split()
    outside = {p.rsplit("/", 1)[-1] for p in listing if "/kg/extract/" not in p}
    assert outside <= set(EXTRACTION_MODULES), outside - set(EXTRACTION_MODULES)
