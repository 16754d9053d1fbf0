"""The word lists of kg/extract/data/: one loader, each table read once.

Every table is a CSV with a header and a `source` column; a table is read as
a mapping from its key column to its value column, or as the set of its keys.
"""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def table(name: str, key: str, value: str | None = None) -> dict[str, str] | frozenset[str]:
    """Return data/NAME.csv as {key: value}, or, without a value column, as the frozenset of its keys."""
    with (DATA / f"{name}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if value is None:
        return frozenset(row[key] for row in rows)
    return {row[key]: row[value] for row in rows}


@cache  # rules ask per token (`government_nouns()`): build the mapping once
def flags(name: str, key: str, column: str) -> dict[str, bool]:
    """Return data/NAME.csv as {key: whether its yes/no column says yes}."""
    return {k: v == "yes" for k, v in table(name, key, column).items()}
