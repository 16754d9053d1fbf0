"""The graph on disk and SPARQL over it; bundled queries live in queries/*.rq."""
from __future__ import annotations

import re
from pathlib import Path

from rdflib import Dataset, Literal
from rdflib.plugins.sparql.parser import parseQuery

from kg.errors import QueryError, StoreError

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
GRAPH_FILE = "graph.trig"


def bundled_queries() -> dict[str, str]:
    """Return bundled query name -> its first comment line (what it answers)."""
    out = {}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        out[path.stem] = first.lstrip("# ").strip()
    return out


def query_text(query: str, params: list[str] | None = None) -> str:
    """Return SPARQL text for a bundled query name, a .rq file or SPARQL itself; fill $ENTITY-style parameters."""
    params = list(params or [])
    path = Path(query)
    if query in bundled_queries():
        text = (QUERIES_DIR / f"{query}.rq").read_text(encoding="utf-8")
    elif query.endswith(".rq"):
        if not path.is_file():
            raise QueryError(f"no such query file: {query}")
        text = path.read_text(encoding="utf-8")
    elif re.search(r"\b(select|construct|ask|describe)\b", query, re.I):
        text = query
    else:
        raise QueryError(f"'{query}' is neither SPARQL, a .rq file nor a bundled query; "
                         f"bundled: {', '.join(bundled_queries())}")
    placeholders = list(dict.fromkeys(re.findall(r"\$([A-Z][A-Z_]*)", text)))
    if len(params) < len(placeholders):
        missing = " ".join(placeholders[len(params):])
        raise QueryError(f"query '{query}' needs a value for {missing}")
    for name, value in zip(placeholders, params):
        text = text.replace(f"${name}", Literal(value).n3())
    try:
        parseQuery(text)
    except Exception as exc:  # pyparsing raises its own types; show its message
        raise QueryError(f"malformed SPARQL: {exc}") from None
    return text


def load_dataset(out_dir: str | Path) -> Dataset:
    """Return the dataset `kg build` wrote to out_dir (every named graph, queried as their union)."""
    path = Path(out_dir) / GRAPH_FILE
    if not path.is_file():
        raise StoreError(f"no graph at {path}; run `kg build --out {out_dir}` first")
    ds = Dataset(default_union=True)
    try:
        ds.parse(path, format="trig")
    except Exception as exc:
        raise StoreError(f"cannot read {path}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    return ds


def run_query(ds: Dataset, text: str) -> tuple[list[str], list[list]]:
    """Return (column names, rows) of a SELECT or ASK query; CONSTRUCT/DESCRIBE give (s, p, o) rows."""
    try:
        result = ds.query(text)
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from None
    if result.type == "ASK":
        return ["answer"], [[bool(result.askAnswer)]]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return ["subject", "predicate", "object"], [list(t) for t in result.graph]
    names = [str(v) for v in result.vars]
    return names, [list(row) for row in result]
