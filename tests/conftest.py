"""Shared fixtures: one spaCy pipeline and one build of the bundled samples per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """Build the bundled sample articles once; return (report, out_dir)."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("seeds")
    return build([], out), out


@pytest.fixture(scope="session")
def seed_dataset(seed_build):
    from kg.store import load_dataset

    return load_dataset(seed_build[1])


@pytest.fixture
def parse(nlp):
    """Return a function text -> (Doc, Article) for extraction tests."""
    from kg.ingest import read_plain_text
    from dataclasses import replace
    import hashlib

    def _parse(text: str):
        article = read_plain_text("case.txt", text)
        article = replace(article, sha256=hashlib.sha256(text.encode()).hexdigest())
        return nlp(article.text), article

    return _parse


def load_cases(path: Path) -> list[dict]:
    """Return the cases of a JSON-lines test set (tests/data/*.jsonl)."""
    import json

    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def case_params(cases: list[dict]) -> list:
    """Return one pytest param per case; a case marked known_failure runs as a strict xfail."""
    def marks(case: dict) -> list:
        return [pytest.mark.xfail(strict=True, reason=f"known failure: {case['note']}")] if case["known_failure"] else []

    return [pytest.param(case, id=case["id"], marks=marks(case)) for case in cases]


def interrupt(proc, timeout: float) -> str:
    """Send SIGINT to a `kg` subprocess and return its stderr once it has stopped."""
    import signal

    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=timeout)[1]


def stop(proc) -> None:
    """Kill a subprocess a test started if it is still running, so no test leaves one behind."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


# What a skip's reason names -> the Debian package that brings it (tools/install-test-deps installs them).
SKIP_PACKAGES = {"chromium": "chromium", "virtuoso": "virtuoso-opensource", "node": "nodejs"}


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost, so the line comes after pytest's short summary
def pytest_terminal_summary(terminalreporter):
    """End the run with one line: what was skipped and the command that would install it."""
    yield
    reasons = [str(r.longrepr[2] if isinstance(r.longrepr, tuple) else r.longrepr)
               for r in terminalreporter.stats.get("skipped", [])]
    if not reasons:
        terminalreporter.write_line("nothing skipped")
        return
    packages = sorted({p for reason in reasons for word, p in SKIP_PACKAGES.items() if word in reason.lower()})
    others = sorted({r.removeprefix("Skipped: ") for r in reasons
                     if not any(word in r.lower() for word in SKIP_PACKAGES)})
    line = f"skipped {len(reasons)}"
    if packages:
        line += (f"; needs {', '.join(packages)}: sudo apt-get install -y --no-install-recommends "
                 f"{' '.join(packages)} (or run `make test` as root)")
    if others:
        line += f"; also: {'; '.join(others)}"
    terminalreporter.write_line(line, yellow=True)


# Text that has broken pages before: it closes the script, opens an HTML comment, injects markup, ends a
# JavaScript line (U+2028/U+2029), mixes both quotes and carries C0, DEL and C1 control characters.
HOSTILE_TEXT = ("Evil</script><!-- <script>window.kgPwned=1</script> <img src=x onerror=\"window.kgPwned=1\"> "
                "'single' \"double\" \u2028line\u2029para \x01\x1b\x7f\x85 & {{ 1 }} {% raw %} -->end")


@pytest.fixture(scope="session")
def hostile_graph():
    """Return (graph, person IRI, label, claim text): one person whose label and claim are HOSTILE_TEXT."""
    from rdflib import RDF, RDFS, Graph, Literal, URIRef

    from kg.vocab import KG

    base = "https://w3id.org/newskg/id/"
    person, country, claim = (URIRef(base + p) for p in ("person/evil", "country/ukraine", "claim/c1"))
    label, text = f"Mx {HOSTILE_TEXT}", f"We say {HOSTILE_TEXT}"
    g = Graph()
    g.add((person, RDF.type, KG.Person))
    g.add((person, RDFS.label, Literal(label)))
    g.add((country, RDF.type, KG.Country))
    g.add((country, RDFS.label, Literal("Ukraine")))
    g.add((person, KG.said, claim))
    g.add((claim, RDF.type, KG.Claim))
    g.add((claim, KG.text, Literal(text)))
    g.add((claim, KG.mentions, country))
    return g, str(person), label, text
