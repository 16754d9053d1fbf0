"""Hand-written supply sentences (tests/data/supply_cases.jsonl) run through find_supplies.

Each case lists the supplies a reader finds in the sentence. Every expected
supply must be found: supplier, recipient and item match (a null supplier or
recipient means the sentence does not state it, so it is not checked);
quantity, status, payer, made_in and via are checked when the expectation
gives them. Names are surface forms, compared case-insensitively, ignoring a
leading "the", by containment in either direction. A case with no expected
supplies must give none. Cases marked known_failure are strict xfails: one
that starts passing must be unmarked in the data file.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.supplies import find_supplies

from conftest import case_params, load_cases  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "supply_cases.jsonl"
NAME_FIELDS = ("supplier", "recipient", "item", "payer", "made_in", "via")
OPTIONAL_FIELDS = ("quantity", "payer", "made_in", "via")  # checked only when the expectation states them


CASES = load_cases(DATA)


def _norm(text: str | None) -> str:
    text = " ".join((text or "").split()).lower()
    if text.startswith("the "):
        text = text[4:]
    return text


def _same(expected: str, actual: str | None) -> bool:
    e, a = _norm(expected), _norm(actual)
    return bool(e) and bool(a) and (e in a or a in e)


def _text(value) -> str | None:
    """Return the surface text of a Mention (or a plain string)."""
    if value is None:
        return None
    return value if isinstance(value, str) else value.text


def _mismatches(expected: dict, supply) -> list[str]:
    """Return what in `supply` disagrees with `expected` (empty when it matches)."""
    wrong = []
    for field in ("supplier", "recipient", "item"):
        want = expected.get(field)
        if field == "item" or want is not None:
            got = _text(getattr(supply, field))
            if not _same(want, got):
                wrong.append(f"{field}: want {want!r}, got {got!r}")
    for field in OPTIONAL_FIELDS:
        want = expected.get(field)
        if want is not None:
            got = _text(getattr(supply, field))
            if not _same(want, got):
                wrong.append(f"{field}: want {want!r}, got {got!r}")
    want = expected.get("status")
    if want is not None and supply.status != want:
        wrong.append(f"status: want {want!r}, got {supply.status!r}")
    return wrong


def _show(supply) -> dict:
    out = {f: _text(getattr(supply, f)) for f in NAME_FIELDS}
    out.update(quantity=supply.quantity, status=supply.status)
    return out


def test_case_file_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(CASES) >= 45
    for case in CASES:
        assert isinstance(case["text"], str) and case["text"].strip(), case["id"]
        assert isinstance(case["known_failure"], bool), case["id"]
        for s in case["supplies"]:
            assert s.get("item"), case["id"]
            assert s.get("supplier") or s.get("recipient"), case["id"]


@pytest.mark.parametrize("case", case_params(CASES))
def test_supply_case(parse, case):
    doc, _ = parse(case["text"])
    found = find_supplies(doc)
    shown = [_show(s) for s in found]
    if not case["supplies"]:
        assert found == [], f"expected no supply, found {shown}"
        return
    problems = []
    for expected in case["supplies"]:
        if any(not _mismatches(expected, s) for s in found):
            continue
        closest = min(found, key=lambda s: len(_mismatches(expected, s)), default=None)
        why = _mismatches(expected, closest) if closest is not None else ["nothing found"]
        problems.append(f"missing {expected}: closest differs in {why}")
    assert not problems, "\n".join(problems) + f"\nfound: {shown}"
