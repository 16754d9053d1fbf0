"""The CLI through click's runner: build, query, formats and errors."""
import json

import pytest
from click.testing import CliRunner

from kg.cli import main


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def test_help_on_every_command(runner):
    for args in ([], ["build"], ["query"]):
        result = runner.invoke(main, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_build_skips_bad_files_and_goes_on(runner, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text("Mark Rutte said that Europe would pay for the weapons.", encoding="utf-8")
    (inputs / "empty.txt").write_text("")
    (inputs / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(inputs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.stderr and "empty file" in result.stderr and "not UTF-8" in result.stderr
    for name in ("graph.trig", "graph.ttl", "graph.html", "report.md"):
        assert (out / name).exists()
    report = (out / "report.md").read_text()
    assert "empty file" in report and "Mark Rutte" in report


@pytest.mark.parametrize("args, message", [
    (["build", "/no/such/path"], "no such file"),
    (["query", "who-said-what", "--format", "xml"], "unknown format 'xml'"),
    (["query", "SELECT ?x WHERE {", "--out", "."], "malformed SPARQL"),
    (["query", "nonsense"], "neither SPARQL"),
])
def test_unusable_arguments_exit_2(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and message in result.stderr


def test_query_missing_graph(runner, tmp_path):
    result = runner.invoke(main, ["query", "who-said-what", "--out", str(tmp_path)])
    assert result.exit_code == 2 and str(tmp_path) in result.stderr


def test_query_formats(runner, seed_build):
    out = str(seed_build[1])
    table = runner.invoke(main, ["query", "who-said-what", "--out", out])
    assert table.exit_code == 0 and "Keith Kellogg" in table.output
    rows = json.loads(runner.invoke(main, ["query", "supplies", "--out", out, "--format", "json"]).output)
    assert {"supplier", "recipient", "item", "status"} <= set(rows[0])
    csv_out = runner.invoke(main, ["query", "claims-about", "Ukraine", "--out", out, "--format", "csv"]).output
    assert csv_out.splitlines()[0] == "speaker,claim,article" and len(csv_out.splitlines()) > 1


def test_query_list(runner):
    result = runner.invoke(main, ["query", "--list"])
    for name in ("who-said-what", "supplies", "claims-about", "supply-chains"):
        assert name in result.output


def test_claims_by_speaker_any_name(runner, seed_build):
    rows = json.loads(runner.invoke(main, ["query", "claims-by", "Kellogg", "--out", str(seed_build[1]),
                                           "--format", "json"]).output)
    assert {r["speaker"] for r in rows} == {"Keith Kellogg"} and len(rows) == 3
    assert any("options out there" in r["claim"] for r in rows)
