"""report.md: what a build read, skipped and found, with the analysis tables."""
from __future__ import annotations

from rdflib import Dataset

from kg.analyze import Analysis, communities_table
from kg.resolve import Resolver
from kg.store import query_text, run_query
from kg.types import BuildReport


def _cell(value) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text.replace("|", "\\|")


def _joined(value) -> str:
    """Drop the empty parts GROUP_CONCAT leaves for unbound values."""
    return "; ".join(p for p in str(value).split("; ") if p) if value is not None else ""


def _table(headers: list[str], rows: list[list]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


LISTED_ROWS = 500  # a listing stops here: the report of a big corpus stays readable, and its memory bounded


def _first_rows(source, query: str) -> list[list]:
    """Return up to LISTED_ROWS + 1 rows of a bundled query (one more, to tell that the list goes on)."""
    return run_query(source, f"{query_text(query)}\nLIMIT {LISTED_ROWS + 1}")[1]


def _listing(headers: list[str], rows: list[list], query: str) -> list[str]:
    """Return a table of at most LISTED_ROWS rows, saying where the rest is."""
    lines = _table(headers, rows[:LISTED_ROWS])
    if len(rows) > LISTED_ROWS:
        lines += [f"The first {LISTED_ROWS} rows; `kg query {query}` lists them all.", ""]
    return lines


def to_markdown(report: BuildReport, source, analysis: Analysis, resolver: Resolver) -> str:
    """Return the build report as Markdown; `source` (the on-disk store, or an rdflib Dataset) answers the queries."""
    lines = ["# kg build report", "",
             f"- articles read: {report.articles}",
             f"- inputs skipped: {len(report.skipped)}",
             f"- warnings: {len(report.warnings)}",
             f"- claims: {report.claims}", f"- supplies: {report.supplies}",
             f"- entities: {report.entities}", f"- triples: {report.triples}", ""]
    lines += ["## Skipped inputs", ""]
    lines += _table(["input", "reason"], [[s.source, s.reason] for s in report.skipped])
    if report.warnings:
        lines += ["## Warnings", "", "Metadata dropped from articles that were kept:", ""]
        lines += [f"- {warning}" for warning in report.warnings] + [""]

    lines += ["## Top speakers", ""]
    lines += _table(["speaker", "claims", "spoke about"],
                    [[s["label"], s["claims"], ", ".join(s["about"])] for s in analysis.speakers])

    union = source
    if isinstance(source, Dataset):
        union = Dataset(default_union=True)
        for quad in source.quads((None, None, None, None)):
            union.add(quad)
    counts = _first_rows(union, "claims-per-speaker")
    lines += ["## Claims per speaker", "", "`kg query claims-by NAME` lists one speaker's claims.", ""]
    lines += _listing(["speaker", "claims", "articles"], counts, "claims-per-speaker")

    rows = _first_rows(union, "who-said-what")
    lines += ["## Who said what", ""]
    lines += _listing(["speaker", "kind", "claim", "date", "article"], rows, "who-said-what")

    rows = _first_rows(union, "supplies")
    lines += ["## Supplies", "", "One row per supplier, recipient and item across all articles "
              "(the date is the one the text states, else the article's).", ""]
    records = [[_joined(v) for v in row] for row in _first_rows(union, "supply-records")]
    lines += _listing(["supplier", "recipient", "item", "quantity", "status", "date", "articles"], records,
                      "supply-records")
    lines += ["### Every supply statement", ""]
    lines += _listing(["supplier", "recipient", "item", "quantity", "status", "article"], rows,
                      "supplies")

    lines += ["## Supply chains", ""]
    lines += [f"- {' → '.join(analysis.label(n) for n in chain)}" for chain in analysis.chains] or ["(none)"]
    lines += [""]

    # Weapons are ranked by the transfers they appear in, below, and generic items (`tanks`) not at all.
    lines += ["## Central actors", ""]
    actors = [(n, m) for n, m in analysis.metrics.items() if analysis.graph.nodes[n].get("type") != "Weapon"]
    ranked = sorted(actors, key=lambda kv: (-kv[1]["pagerank"], kv[0]))[:20]
    lines += _table(["entity", "type", "PageRank", "degree", "betweenness", "community"],
                    [[analysis.label(n), analysis.graph.nodes[n].get("type"), f"{m['pagerank']:.4f}", m["degree"],
                      f"{m['betweenness']:.4f}", analysis.community.get(n)] for n, m in ranked])

    lines += ["## Weapon systems", "", "By the number of supply statements that name them.", ""]
    weapons = sorted((-t, analysis.label(n)) for n, t in analysis.transfers.items() if t)[:20]
    lines += _table(["weapon system", "transfers"], [[label, -t] for t, label in weapons])

    lines += ["## Communities", ""]
    groups = communities_table(analysis)
    lines += [f"- {k}: {', '.join(v[:12])}{' …' if len(v) > 12 else ''}" for k, v in groups.items()] or ["(none)"]
    lines += [""]

    lines += ["## Entity merges", "", "Every other way an entity is written, and the evidence that joined it.", ""]
    merges = []
    for entity in sorted(resolver.entities.values(), key=lambda e: e.name):
        forms = resolver.merges.get(entity.id)
        if forms:
            merges.append([entity.name, entity.kind, "; ".join(f"{f} ({why})" for f, why in sorted(forms.items()))])
    lines += _table(["entity", "type", "also written as (evidence)"], merges)
    return "\n".join(lines)
