"""report.md: listings of a big corpus stop at a limit and say where the rest is; loners are no community."""
from __future__ import annotations

import pytest

from kg.store import open_store


def test_report_listings_stop_at_their_limit_and_say_where_the_rest_is(seed_build, monkeypatch):
    import kg.report
    from kg.report import _first_rows, _listing

    monkeypatch.setattr(kg.report, "LISTED_ROWS", 2)
    store = open_store(seed_build[1])
    rows = _first_rows(store, "who-said-what")
    assert len(rows) == 3  # one more than listed: the list goes on
    lines = _listing(["speaker", "kind", "claim", "date", "article"], rows, "who-said-what")
    assert sum(line.startswith("| ") for line in lines) == 1 + 2  # header and two rows
    assert "The first 2 rows; `kg query who-said-what` lists them all." in lines
    assert not any("lists them all" in line for line in _listing(["a"], [["x"], ["y"]], "supplies"))


@pytest.mark.parametrize("query", ["claims-per-speaker", "who-said-what", "supplies", "supply-records"])
def test_report_listings_from_the_tables_are_the_stores(seed_build, query):
    """A build's report reads its listings from the tables it has just written: the rows the store gives."""
    from kg.report import _cell, _first_rows, _joined
    from kg.tables import tables_dir

    store = open_store(seed_build[1])
    # a supply record's cells list their values in no set order from the store, sorted from the tables
    as_text = (lambda row: ["; ".join(sorted(_joined(v).split("; "))) for v in row]) if query == "supply-records" \
        else (lambda row: [_cell(v) for v in row])
    from_store = [as_text(row) for row in _first_rows(store, query)]
    from_tables = [as_text(row) for row in _first_rows(store, query, tables_dir(seed_build[1]))]
    assert from_tables and sorted(from_tables) == sorted(from_store)


def test_a_graph_of_loners_reports_no_communities():
    import networkx as nx
    from rdflib import Dataset

    from kg.analyze import analyze
    from kg.report import to_markdown
    from kg.resolve import Resolver
    from kg.types import BuildReport

    G = nx.MultiDiGraph()
    G.add_node("x", label="X", type="Person")
    G.add_node("y", label="Y", type="Country")
    text = to_markdown(BuildReport("out"), Dataset(), analyze(G), Resolver([]))
    assert "## Communities\n\n(none)\n" in text
    assert "- 0: X" not in text and "- 1: Y" not in text


def test_the_report_lists_each_merge_with_its_evidence(tmp_path):
    from kg.pipeline import build

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Rebel fighters\n\nThe Rapid Support Forces (RSF) shelled the city on Sunday. The RSF "
                               "denied it. Dutch minister Ruben Brekelmans visited Kyiv. Brekelmans said more drones "
                               "would follow.\n", encoding="utf-8")
    build([str(src)], tmp_path / "out")
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    merges = report.split("## Entity merges", 1)[1]
    assert "RSF (initials the article defines)" in merges
    assert "Brekelmans (surname of the full name in the same article)" in merges
