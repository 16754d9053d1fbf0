"""The whole pipeline on generated articles (issue 13): build, every bundled query, every export, the page.

Hypothesis writes a folder of articles in every input format, with random
Unicode, control characters, dates that are valid, impossible, year 1 or
9999, huge numbers, markup and quote marks around real news sentences; then
kg builds it and every reader of the result runs. Nothing may raise or exit
non-zero; every RDF export re-parses with rdflib; the exported graph passes
the SHACL shapes with no inference. Derandomized and bounded: a handful of
builds, about a minute in all.
"""
from __future__ import annotations

import csv
import html
import json
import shutil
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph

from kg.cli import main
from kg.store import bundled_queries
from kg.vocab import ontology_dir

SENTENCES = [
    "The United States delivered 20 Patriot missiles to Poland on 31 February 2025, the Pentagon said.",
    "Germany will send 14 Leopard 2 tanks to Ukraine, Chancellor Olaf Scholz said yesterday.",
    "“We will not give up,” Volodymyr Zelensky told reporters last week.",
    "Russia bought 1,000 Shahed drones from Iran in December, according to officials.",
    "France pledged SCALP missiles to Ukraine on Thursday, Emmanuel Macron said.",
    "He said the deal was worth 99999999999999999999999999999999 dollars.",
    "Mark Rutte said NATO allies would buy more weapons for Kyiv.",
]
NOISE = ["\x0b", "\x0c", "\x01", "\x1f", "\ufeff", "\u2028", "\u202e", "\ufffe", "**", "__", "*", "<b>", "</script>",
         "&amp;", "&#11;", "«", "»", "“", "”", '"', "'", "‘", "—", "\t", "\r\n", "\n\n", "9" * 400]
DATES = st.one_of(
    st.sampled_from(["2025-03-01", "2025-02-31", "0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29",
                     "March 3, 2025", "31/02/2025", "yesterday", "", "10000-01-01", "2025-13-01"]),
    st.integers(min_value=-10**30, max_value=10**30), st.none(), st.text(max_size=12))
TITLES = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=5), max_size=3))

text = st.lists(st.one_of(st.sampled_from(SENTENCES), st.sampled_from(NOISE), st.text(max_size=20)),
                min_size=1, max_size=12).map(" ".join)
article = st.fixed_dictionaries({"format": st.sampled_from(["txt", "md", "json", "jsonl", "html"]),
                                 "text": text, "title": TITLES, "date": DATES})

PROPERTIES = settings(max_examples=6, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                             HealthCheck.data_too_large])
QUERY_PARAMS = {"claims-about": ["Ukraine"], "claims-by": ["Scholz"]}


def write_article(folder: Path, n: int, spec: dict) -> None:
    fmt, body = spec["format"], spec["text"]
    meta = {k: spec[k] for k in ("title", "date") if spec[k] is not None}
    if fmt in ("txt", "md"):
        front = "".join(f"{k}: {v}\n" for k, v in meta.items())  # raw, so bad YAML is tried too
        data = (f"---\n{front}---\n" if front else "") + body
    elif fmt == "json":
        data = json.dumps({"text": body, **meta})
    elif fmt == "jsonl":
        data = json.dumps({"text": body, **meta}) + "\n" + json.dumps({"text": body + " " + SENTENCES[1]})
    else:
        title = html.escape(str(meta.get("title", "")))
        data = (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                f"<p>{html.escape(body)}</p><p>{html.escape(' '.join(SENTENCES))}</p></article></body></html>")
    (folder / f"a{n:02d}.{fmt}").write_text(data, encoding="utf-8", errors="surrogatepass")


def check_readers(out: Path) -> None:
    runner = CliRunner()

    def ok(*args: str):
        result = runner.invoke(main, [*args, "--out", str(out)])
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    for name in bundled_queries():
        ok("query", name, *QUERY_PARAMS.get(name, []), "--format", "json")
    ok("html")
    with tempfile.TemporaryDirectory() as folder:
        exported = Path(folder)
        for fmt, parser in (("trig", "trig"), ("nq", "nquads"), ("ttl", "turtle"), ("jsonld", "json-ld")):
            path = exported / f"graph.{fmt}"
            ok("export", "--format", fmt, "-o", str(path))
            (Dataset() if fmt in ("trig", "nq") else Graph()).parse(path, format=parser)
        ok("export", "--format", "graphml", "-o", str(exported / "graph.graphml"))
        nx.read_graphml(exported / "graph.graphml")
        ok("export", "--format", "csv", "-o", str(exported / "csv"))
        for name in ("nodes.csv", "edges.csv"):
            with open(exported / "csv" / name, newline="", encoding="utf-8") as fh:
                list(csv.reader(fh))
    from pyshacl import validate

    conforms, _, report = validate(Graph().parse(out / "graph.ttl"),
                                   shacl_graph=Graph().parse(ontology_dir() / "shapes.ttl"))
    assert conforms, report


@pytest.mark.slow
@PROPERTIES
@given(articles=st.lists(article, min_size=1, max_size=5))
def test_generated_articles_build_and_every_reader_works(articles):
    folder = Path(tempfile.mkdtemp(prefix="kg-prop-"))
    try:
        (folder / "in").mkdir()
        for n, spec in enumerate(articles):
            write_article(folder / "in", n, spec)
        result = CliRunner().invoke(main, ["build", str(folder / "in"), "--out", str(folder / "out"), "--quiet"])
        assert result.exit_code == 0, (result.output, result.exception)
        assert "Traceback" not in result.output
        check_readers(folder / "out")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
