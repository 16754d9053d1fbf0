"""Query results as text: an aligned table, CSV or JSON, streamed a batch of rows at a time (kg query, kg serve)."""
from __future__ import annotations

import csv
import io
import itertools
import json


def plain_value(value) -> object:
    """Return a query cell as Python: a literal's value, an IRI's text."""
    from rdflib import Literal, URIRef  # here, not at the top: `kg --help` starts without rdflib (0.17 s)

    if value is None:
        return None
    if isinstance(value, Literal):
        return value.toPython() if not isinstance(value.toPython(), Literal) else str(value)
    if isinstance(value, URIRef):
        return str(value)
    return value


def stream_rows(names: list[str], rows, fmt: str, batch: int = 1000):
    """Yield the text of rows as an aligned table, CSV or JSON (a list of objects), a batch of rows at a time.

    CSV and JSON come as the rows do; a table needs every row for its widths.
    """
    rows = iter(rows)
    if fmt == "table":
        yield _table(names, [[plain_value(v) for v in row] for row in rows])
        return
    buf = io.StringIO()
    writer = csv.writer(buf)
    if fmt == "csv":
        writer.writerow(names)
    first = True
    while True:
        chunk = [[plain_value(v) for v in row] for row in itertools.islice(rows, batch)]
        if fmt == "csv":
            writer.writerows([["" if v is None else v for v in row] for row in chunk])
        else:
            for row in chunk:
                item = json.dumps(dict(zip(names, (str(v) if v is not None and not isinstance(v, (int, float, bool))
                                                   else v for v in row))), indent=2, default=str)
                buf.write(("[\n" if first else ",\n") + "\n".join("  " + line for line in item.splitlines()))
                first = False
        if buf.tell():
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        if len(chunk) < batch:
            break
    if fmt == "json":
        yield "[]\n" if first else "\n]\n"


def _table(names: list[str], plain: list[list]) -> str:
    cells = [[("" if v is None else " ".join(str(v).split())) for v in row] for row in plain]
    cells = [[c if len(c) <= 100 else c[:99] + "…" for c in row] for row in cells]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(plain)} rows)")
    return "\n".join(lines) + "\n"
