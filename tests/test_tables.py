"""The tables beside the store (kg.tables): what a build writes, and the bundled queries they answer.

Every bundled query with a table form (queries/NAME.sql) must give the rows its SPARQL (queries/NAME.rq)
gives on the store, on real builds: the bundled samples and a dozen news-extra articles.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.rows import plain_value as _plain
from kg.store import bundled_queries, open_store, query_text, run_query
from kg.tables import MANIFEST, TABLES, answer, fresh_tables, run_table_query, table_query, tables_dir

ROOT = Path(__file__).resolve().parent.parent
NEWS_EXTRA = ROOT / "tests" / "data" / "news-extra" / "articles"
LINEAGE = ROOT / "tests" / "data" / "lineage"  # one statement reported in three articles
TABLE_QUERIES = [name for name in bundled_queries() if table_query(name) is not None]
# The keys each bundled query orders by (its ORDER BY), and the cells SPARQL fills in no set order.
ORDER_KEYS = {"who-said-what": ["speaker", "article", "claim"], "claims-per-speaker": ["claims", "speaker"],
              "claims-by": ["date", "article", "claim"], "claims-about": ["speaker", "claim"],
              "supplies": ["supplier", "recipient", "item"], "supply-records": ["articles", "supplier", "recipient", "item"],
              "supply-lifecycle": ["supplier", "recipient", "item", "stage", "asserter"],
              "quote-lineage": ["origins", "speaker", "cluster", "date", "article", "claim"],
              "central-actors": ["pagerank", "entity"]}
UNORDERED_CELLS = {"supply-records": {"quantities", "statuses", "dates"}}


@pytest.fixture(scope="module")
def news_build(tmp_path_factory):
    """A build of twelve news-extra articles (claims, supplies, anonymous sources, government bodies) and of
    one statement reported in three articles (a quote cluster)."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("news-tables")
    build(sorted(NEWS_EXTRA.glob("*.txt"))[:12] + sorted(LINEAGE.glob("*.md")), out)
    return out


def params_for(name: str, store) -> list[list[str]]:
    """Every parameter value worth trying for a bundled query: the names of speakers and mentioned entities."""
    if name == "claims-by":
        _, rows = run_query(store, "SELECT DISTINCT ?n WHERE { ?a <https://w3id.org/newskg/ontology#said> ?c ; "
                                   "<http://www.w3.org/2000/01/rdf-schema#label> ?n } ORDER BY ?n")
    elif name == "claims-about":
        _, rows = run_query(store, "SELECT DISTINCT ?n WHERE { ?c <https://w3id.org/newskg/ontology#mentions> ?e . "
                                   "?e <http://www.w3.org/2000/01/rdf-schema#label> ?n } ORDER BY ?n")
    elif name == "supply-lifecycle":  # both parameters optional: none, a supplier, `*` and a recipient, both
        kg = "https://w3id.org/newskg/ontology#"
        _, rows = run_query(store, f"SELECT DISTINCT ?s ?r WHERE {{ ?x <{kg}supplier>/<http://www.w3.org/2000/01/"
                                   f"rdf-schema#label> ?s ; <{kg}recipient>/<http://www.w3.org/2000/01/rdf-schema#"
                                   f"label> ?r ; a <{kg}SupplyRecord> }} ORDER BY ?s ?r")
        pairs = [(str(s), str(r)) for s, r in rows]
        return [[], [pairs[0][0].upper()], ["*", pairs[-1][1]], list(pairs[len(pairs) // 2]), ["no such entity"]]
    elif name == "quote-lineage":  # optional: none, `*`, each name of a cluster's speaker in upper case
        kg = "https://w3id.org/newskg/ontology#"
        _, rows = run_query(store, f"SELECT DISTINCT ?n WHERE {{ ?k a <{kg}ClaimCluster> ; <{kg}speaker>/(<http://www.w3.org/"
                                   f"2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#altLabel>) ?n }} "
                                   f"ORDER BY ?n")
        return [[], ["*"], ["no such entity"]] + [[str(row[0]).upper()] for row in rows]
    else:
        return [[]]
    names = [str(row[0]) for row in rows]
    return [[n] for n in names[:: max(1, len(names) // 8)]] + [[names[0].upper()], ["no such entity"]]


def cells(name: str, names: list[str], row) -> tuple:
    out = []
    for column, value in zip(names, row):
        value = _plain(value)
        text = "" if value is None else str(value)
        out.append(frozenset(text.split("; ")) if column in UNORDERED_CELLS.get(name, ()) else text)
    return tuple(out)


def assert_same_rows(out: Path, name: str, params: list[str]) -> int:
    store = open_store(out)
    names, sparql = run_query(store, query_text(name, params, store))
    result = run_table_query(fresh_tables(out), name, params)
    table = list(result.rows)
    assert result.names == names
    expected = [cells(name, names, row) for row in sparql]
    got = [cells(name, names, row) for row in table]
    assert sorted(got, key=repr) == sorted(expected, key=repr), f"{name} {params}"
    keys = [names.index(k) for k in ORDER_KEYS[name]]
    assert [[r[i] for i in keys] for r in got] == [[r[i] for i in keys] for r in expected], f"order of {name}"
    return len(table)


@pytest.mark.parametrize("name", TABLE_QUERIES)
@pytest.mark.parametrize("build", ["seed_build", "news_build"])
def test_the_tables_give_the_rows_of_the_bundled_sparql(request, build, name):
    fixture = request.getfixturevalue(build)
    out = fixture[1] if isinstance(fixture, tuple) else fixture
    counts = [assert_same_rows(out, name, params) for params in params_for(name, open_store(out))]
    # the build has rows for this query to compare (no statement is in both samples: the news build has one)
    assert max(counts) > 0 or (build, name) == ("seed_build", "quote-lineage")


def test_every_listing_query_has_a_table_form():
    assert set(TABLE_QUERIES) == set(ORDER_KEYS)


def test_a_build_writes_every_table_as_parquet_and_csv_with_a_manifest(news_build):
    import duckdb

    folder = tables_dir(news_build)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    store = open_store(news_build)
    for name in TABLES:
        parquet = duckdb.sql(f"SELECT count(*) FROM read_parquet('{folder / (name + '.parquet')}')").fetchall()[0][0]
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert parquet == len(rows) == manifest["rows"][name] > 0
    kg = "https://w3id.org/newskg/ontology#"
    patterns = {"claims": f"?a <{kg}said> ?c", "supplies": f"?s a <{kg}Supply>", "records": f"?r a <{kg}SupplyRecord>"}
    counts = {n: int(run_query(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {p} }}")[1][0][0]) for n, p in patterns.items()}
    assert counts == {"claims": manifest["rows"]["claims"], "supplies": manifest["rows"]["supplies"],
                      "records": manifest["rows"]["supply_records"]}
    assert not list(folder.glob(".staging-*"))  # the staging files are gone


def test_tables_made_in_chunks_of_one_row_are_the_tables_made_whole(news_build, tmp_path, monkeypatch):
    """Each table is made chunk by chunk of its leading sort column (a whole ORDER BY of wide text does not
    spill to disk); however small the chunks, the rows and their order are the same."""
    from kg import tables
    from kg.pipeline import build

    monkeypatch.setattr(tables, "CHUNK_ROWS", 1)
    shutil.copytree(news_build / "cache", tmp_path / "cache")  # the same extractions, not parsed again
    build(sorted(NEWS_EXTRA.glob("*.txt"))[:12] + sorted(LINEAGE.glob("*.md")), tmp_path)
    for name in TABLES:
        whole = (tables_dir(news_build) / f"{name}.csv").read_text(encoding="utf-8")
        assert whole.count("\n") > 2, name  # more than one chunk
        assert (tables_dir(tmp_path) / f"{name}.csv").read_text(encoding="utf-8") == whole, name


def test_list_columns_are_lists_in_parquet_and_joined_in_csv(seed_build):
    import duckdb

    folder = tables_dir(seed_build[1])
    mentions = duckdb.sql(f"SELECT mentions FROM read_parquet('{folder / 'claims.parquet'}') "
                          "WHERE len(mentions) > 1 LIMIT 1").fetchall()[0][0]
    assert isinstance(mentions, list) and all(m.startswith("https://w3id.org/newskg/id/") for m in mentions)
    with (folder / "claims.csv").open(encoding="utf-8", newline="") as fh:
        joined = {row["mentions"] for row in csv.DictReader(fh)}
    assert "; ".join(mentions) in joined


def test_stale_or_missing_tables_send_the_query_to_the_store(seed_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(seed_build[1], out)
    fresh = answer(out, "who-said-what")
    assert fresh.source == "tables"
    assert answer(out, "supply-chains").source == "store"  # no table form, fresh tables or not
    rows = list(fresh.rows)
    manifest = tables_dir(out) / MANIFEST
    manifest.write_text(json.dumps({"key": "another build"}), encoding="utf-8")
    stale = answer(out, "who-said-what")
    assert stale.source == "store"
    assert [[_plain(v) for v in row] for row in stale.rows] == [list(row) for row in rows]
    shutil.rmtree(tables_dir(out))
    assert answer(out, "who-said-what").source == "store"


def test_an_unchanged_rebuild_keeps_the_tables_and_a_missing_table_is_written_again(tmp_path):
    from kg.pipeline import build

    sample = sorted((ROOT / "kg" / "samples").glob("*.txt"))[:1]
    build(sample, tmp_path)
    parquet = tables_dir(tmp_path) / "claims.parquet"
    before = parquet.stat().st_mtime_ns
    assert build(sample, tmp_path).up_to_date
    assert parquet.stat().st_mtime_ns == before
    (tables_dir(tmp_path) / MANIFEST).unlink()
    report = build(sample, tmp_path)
    assert not report.up_to_date and fresh_tables(tmp_path) is not None


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_cli_query_prints_the_same_from_the_tables_and_from_the_store(news_build, fmt):
    runner = CliRunner()
    for args in (["who-said-what"], ["supplies"], ["claims-per-speaker"]):
        tables = runner.invoke(main, ["query", *args, "--out", str(news_build), "--format", fmt])
        store = runner.invoke(main, ["query", *args, "--out", str(news_build), "--format", fmt, "--no-tables"])
        assert tables.exit_code == store.exit_code == 0, tables.output + store.output
        if fmt == "csv":  # rows in a tie may come in another order; the set of lines is the same
            assert sorted(tables.output.splitlines()) == sorted(store.output.splitlines())
        else:
            assert len(tables.output) == len(store.output)


def who_said_what_rows(out, *args) -> list[dict]:
    """The rows `kg query who-said-what --format json ARGS` prints."""
    result = CliRunner().invoke(main, ["query", "who-said-what", "--out", str(out), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("tables", [True, False])
def test_cli_query_pages_are_slices_of_the_whole_result(news_build, tables):
    def rows(*args):
        return who_said_what_rows(news_build, *([] if tables else ["--no-tables"]), *args)

    whole = rows()
    assert len(whole) > 12
    assert rows("--limit", "5") == whole[:5]
    assert rows("--limit", "5", "--offset", "5") == whole[5:10]
    assert rows("--page", "2", "--limit", "5") == whole[5:10]
    assert rows("--page", "1") == whole[:100]
    assert rows("--offset", str(len(whole))) == []
    assert rows("--limit", "0") == []


def test_cli_query_refuses_a_negative_limit(seed_build):
    result = CliRunner().invoke(main, ["query", "who-said-what", "--out", str(seed_build[1]), "--limit", "-1"])
    assert result.exit_code == 2 and "Error:" in result.output


def test_the_readme_examples_run(seed_build):
    """The DuckDB and pandas examples of the README's tables section, on a real build."""
    import re

    import duckdb
    import pandas as pd  # noqa: F401 (the examples use it)

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Tables for pandas and DuckDB"):readme.index("## Bad input")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    namespace: dict = {}
    for block in blocks:
        exec(block.replace("kg-out/", f"{seed_build[1]}/"), namespace)  # noqa: S102 (our own README)
    claims = namespace["claims"]
    top = duckdb.sql(f"SELECT speaker, count(*) AS n FROM '{tables_dir(seed_build[1]) / 'claims.parquet'}' "
                     "GROUP BY speaker ORDER BY n DESC, speaker").fetchall()
    assert claims.groupby("speaker").size().max() == top[0][1]
    assert len(namespace["supplies"]) == json.loads((tables_dir(seed_build[1]) / MANIFEST).read_text())["rows"]["supplies"]


@pytest.fixture(scope="module")
def served_tables(news_build, tmp_path_factory):
    """Two servers over copies of the news build: (base URL with the tables, base URL without them)."""
    import threading

    from kg.serve import ServeOptions, make_server

    urls, servers = [], []
    for keep in (True, False):
        out = tmp_path_factory.mktemp("served-tables")
        shutil.copytree(news_build, out, dirs_exist_ok=True)
        if not keep:
            shutil.rmtree(tables_dir(out))
        server = make_server(out, "127.0.0.1", 0, ServeOptions(timeout=30, limit=1000, workers=1))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        urls.append(server.url)
        servers.append(server)
    yield urls
    for server in servers:
        server.shutdown()
        server.server_close()


def served_params(news_build) -> dict[str, dict[str, str]]:
    store = open_store(news_build)
    return {"claims-by": {"SPEAKER": params_for("claims-by", store)[0][0]},
            "claims-about": {"ENTITY": params_for("claims-about", store)[0][0]}}


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_served_bundled_queries_give_the_same_rows_from_the_tables_and_the_store(served_tables, news_build, name):
    import requests

    with_tables, without = served_tables
    params = served_params(news_build).get(name, {})
    answers = {}
    for base in (with_tables, without):
        response = requests.get(f"{base}/queries/{name}", params=params, timeout=60)
        assert response.status_code == 200, response.text
        answers[base] = response
    assert answers[with_tables].headers["X-Kg-Source"] == ("tables" if name in TABLE_QUERIES else "store")
    assert answers[without].headers["X-Kg-Source"] == "store"
    whole = [answers[base].json() for base in (with_tables, without)]
    unordered = UNORDERED_CELLS.get(name, set())
    as_sets = [sorted(repr({k: sorted(str(v).split("; ")) if k in unordered else v for k, v in row.items()})
                      for row in rows) for rows in whole]
    assert as_sets[0] == as_sets[1]
    if not whole[0]:
        return  # (no supply chain in these articles)
    page = requests.get(f"{with_tables}/queries/{name}", params={**params, "limit": 2, "offset": 1}, timeout=60)
    assert page.json() == whole[0][1:3]
    second = requests.get(f"{without}/queries/{name}", params={**params, "page": 2, "limit": 2}, timeout=60)
    assert second.json() == whole[1][2:4]


def test_served_bundled_query_as_csv_and_its_errors(served_tables):
    import requests

    base = served_tables[0]
    csv_reply = requests.get(f"{base}/queries/who-said-what", params={"limit": 3},
                             headers={"Accept": "text/csv"}, timeout=60)
    assert csv_reply.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(csv_reply.text.splitlines()))
    assert lines[0] == ["speaker", "kind", "claim", "date", "article"] and len(lines) == 4
    assert requests.get(f"{base}/queries/nothing", timeout=60).status_code == 404
    assert requests.get(f"{base}/queries/who-said-what", params={"limit": "x"}, timeout=60).status_code == 400
    assert requests.get(f"{base}/queries/who-said-what", params={"format": "xml"}, timeout=60).status_code == 400
    missing = requests.get(f"{base}/queries/claims-by", timeout=60)
    assert missing.status_code == 400 and "SPEAKER" in missing.text
    capped = requests.get(f"{base}/queries/who-said-what", params={"limit": 5000}, timeout=60)
    assert capped.headers["X-Kg-Result-Limit"] == "1000"


@pytest.mark.parametrize("tables", [True, False])
def test_cli_query_since_until_keeps_the_rows_dated_in_the_window(news_build, tables):
    def rows(*args):
        return who_said_what_rows(news_build, *([] if tables else ["--no-tables"]), *args)

    whole = rows()
    dates = sorted({r["date"] for r in whole if r["date"]})
    assert len(dates) >= 3  # the window below must cut something on both sides
    low, high = dates[1], dates[-2]
    inside = [r for r in whole if r["date"] and low <= r["date"] <= high]
    assert 0 < len(inside) < len(whole)
    assert rows("--since", low, "--until", high) == inside
    assert rows("--since", low) == [r for r in whole if r["date"] and r["date"] >= low]
    assert rows("--until", high, "--limit", "2", "--offset", "1") == \
        [r for r in whole if r["date"] and r["date"] <= high][1:3]


def test_cli_query_since_until_needs_a_date_column(news_build):
    result = CliRunner().invoke(main, ["query", "supplies", "--out", str(news_build), "--since", "2020-01-01"])
    assert result.exit_code != 0 and "date" in result.output and "who-said-what" in result.output
    bad = CliRunner().invoke(main, ["query", "who-said-what", "--out", str(news_build), "--since", "2020-13-01"])
    assert bad.exit_code == 2


def test_served_bundled_query_since_until(served_tables):
    import requests

    for base in served_tables:
        whole = requests.get(f"{base}/queries/who-said-what", timeout=60).json()
        dates = sorted({r["date"] for r in whole if r["date"]})
        low = dates[1]
        reply = requests.get(f"{base}/queries/who-said-what", params={"since": low, "limit": 3, "offset": 1},
                             timeout=60)
        assert reply.status_code == 200, reply.text
        assert reply.json() == [r for r in whole if r["date"] and r["date"] >= low][1:4]
        assert requests.get(f"{base}/queries/who-said-what", params={"since": "May 1"}, timeout=60).status_code == 400
        assert requests.get(f"{base}/queries/supplies", params={"since": low}, timeout=60).status_code == 400
