"""build(): inputs -> articles -> spaCy docs -> extractions -> RDF -> analysis -> files on disk.

The library never prints: progress goes to an optional callback and the
result is a BuildReport that the CLI shows.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from kg.analyze import analyze, write_back
from kg.extract import extract
from kg.gazetteer import load_gazetteer
from kg.ingest import expand_inputs, read_articles, sample_paths
from kg.nlp import load_pipeline
from kg.rdf import to_dataset, union_graph
from kg.render import to_html
from kg.report import to_markdown
from kg.types import Article, BuildReport, Extraction, Skipped

Progress = Callable[[int, int, str], None]  # (done, total, current source)


def build(inputs: Iterable[str | Path] = (), out_dir: str | Path = "kg-out", model: str | None = None,
          on_progress: Progress | None = None, batch_size: int = 16) -> BuildReport:
    """Build the knowledge graph of `inputs` (the bundled samples when empty) into out_dir; return what happened."""
    inputs = list(inputs)
    paths = expand_inputs(inputs) if inputs else sample_paths()
    out = Path(out_dir)
    report = BuildReport(out_dir=str(out))
    publishers = load_gazetteer().news_outlets
    nlp = load_pipeline(model)

    articles: list[Article] = []
    seen: dict[str, str] = {}
    for item in read_articles(paths, publishers):
        if isinstance(item, Skipped):
            report.skipped.append(item)
        elif item.sha256 in seen:
            report.skipped.append(Skipped(item.source, f"same text as {seen[item.sha256]}"))
        else:
            seen[item.sha256] = item.source
            articles.append(item)

    extractions: list[Extraction] = []
    for n, (article, doc) in enumerate(zip(articles, nlp.pipe((a.text for a in articles), batch_size=batch_size)), 1):
        try:
            extractions.append(extract(doc, article))
        except Exception as exc:  # one broken article must not sink the batch
            report.skipped.append(Skipped(article.source, f"extraction failed: {type(exc).__name__}: {exc}"))
        if on_progress:
            on_progress(n, len(articles), article.source)

    ds, resolver = to_dataset(extractions)
    analysis = analyze(ds)
    write_back(ds.default_context, analysis)

    report.articles = len(extractions)
    report.claims = sum(len(e.claims) for e in extractions)
    report.supplies = sum(len(e.supplies) for e in extractions)
    report.entities = len(resolver.entities)
    report.triples = len(ds)

    out.mkdir(parents=True, exist_ok=True)
    summary = f"{report.articles} articles, {report.claims} claims, {report.supplies} supplies, {report.entities} entities."
    files = {
        "graph.trig": ds.serialize(format="trig"),
        "graph.ttl": union_graph(ds).serialize(format="turtle"),
        "graph.html": to_html(analysis, summary=summary),
    }
    for name, text in files.items():
        _write_atomic(out / name, text)
        report.files[name] = str(out / name)
    report.files["report.md"] = str(out / "report.md")
    _write_atomic(out / "report.md", to_markdown(report, ds, analysis, resolver))
    return report


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
