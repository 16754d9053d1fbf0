"""Supply lifecycles: every kg:SupplyRecord's stages in date order, with who asserted each one.

Analysts of arms transfers (SIPRI's Arms Transfers Database, the Kiel
Institute's Ukraine Support Tracker) follow a transfer from request and pledge
through contract to delivery, or to pause and refusal, and keep what was
committed apart from what was delivered. Here a transfer is a supply record
(supplier, recipient, item across articles) and each supply event stating it
is one stage:

- its date is the one the text states (kg:whenDate), else the article's;
- who asserts it is the speaker of the claim it is stated in (`stated_in`:
  the claim whose content holds the supply's item), else the article itself;
- a record is contested when one source states it under way or delivered and
  another paused or denied (`lifecycle_stages.csv` says which statuses are
  which): both stages are kept and the record is flagged, never resolved.

The functions take plain dataclasses (kg.types, kg.analyze's facts) and
return plain dataclasses: the graph (kg.rdf), the tables (kg.tables), the
report (kg.report) and the page (kg.render) all show the same lifecycles.
"""
from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.analyze import GraphFacts
    from kg.types import Claim, Supply

# Beside this module, not in kg/data: that folder is the extraction's, and a change there re-parses every article.
STAGES_CSV = Path(__file__).with_name("lifecycle_stages.csv")
THE_ARTICLE = "the article"  # who asserts a stage stated in no claim: the article (its outlet) itself


@dataclass(frozen=True)
class StatusInfo:
    """What a supply status means for a lifecycle (one row of lifecycle_stages.csv)."""

    order: int  # on one date, stages go in this order: request before pledge before delivery
    polarity: str  # positive (under way, delivered), negative (paused, denied) or ""
    counts_as: str  # committed, delivered or "": which quantity the stage states


@functools.cache
def status_table() -> dict[str, StatusInfo]:
    """Return status -> StatusInfo, from lifecycle_stages.csv."""
    with STAGES_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["status"]: StatusInfo(int(row["order"]), row["polarity"], row["counts_as"])
                for row in csv.DictReader(fh)}


def stated_in(supply: Supply, claims: Iterable[Claim]) -> Claim | None:
    """Return the claim a supply is stated in: the innermost claim whose content span holds the supply's item.

    A supply's own span is its whole sentence (`X said Y is sending Z`), so the item mention, the one part
    every supply has, decides; None when no claim of the article holds it.
    """
    item = supply.item
    holding = [c for c in claims if c.start <= item.start and item.end <= c.end]
    return min(holding, key=lambda c: (c.end - c.start, c.start), default=None)


@dataclass(frozen=True)
class Stage:
    """One stage of a transfer: a supply event, its status and date, and who asserted it."""

    supply: str  # the kg:Supply event
    status: str  # ongoing, delivered, pledged …
    date: str = ""  # the stated date (kg:whenDate), else the article's; "" when there is neither
    stated: bool = False  # the date is the text's own, not the article's
    quantity: str = ""
    article: str | None = None
    claim: str | None = None  # the claim it is stated in (kg:statedIn)
    asserters: tuple[str, ...] = ()  # the speakers of that claim, sorted; () when the article itself asserts it

    @property
    def source(self) -> tuple:
        """Return who stands behind the stage: the claim's speakers, else the article."""
        return self.asserters or (self.article,)


@dataclass(frozen=True)
class Lifecycle:
    """The stages of one supply record (supplier, recipient, item), in order."""

    supplier: str
    recipient: str
    item: str
    stages: tuple[Stage, ...]
    contested: bool = False

    def first_dates(self) -> dict[str, str]:
        """Return status -> the first date it was stated on, by date (undated stages left out)."""
        first: dict[str, str] = {}
        for stage in self.stages:
            if stage.date and (stage.status not in first or stage.date < first[stage.status]):
                first[stage.status] = stage.date
        order = status_table()
        return dict(sorted(first.items(), key=lambda kv: (kv[1], order[kv[0]].order if kv[0] in order else 99)))

    def quantities(self, counts_as: str) -> list[str]:
        """Return the quantities stated by the stages that count as `counts_as` (committed or delivered)."""
        table = status_table()
        return list(dict.fromkeys(s.quantity for s in self.stages if s.quantity
                                  and s.status in table and table[s.status].counts_as == counts_as))

    def gap(self) -> int | None:
        """Return committed minus delivered, when both are stated as figures (the largest of each).

        The largest, not the sum: reports restate a running total (`19 of the 24 jets promised`).

        >>> s = lambda st, q: Stage(f"s{q}", st, quantity=q)
        >>> Lifecycle("a", "b", "c", (s("pledged", "24"), s("delivered", "6"), s("delivered", "19"))).gap()
        5
        """
        committed, delivered = (_figures(self.quantities(kind)) for kind in ("committed", "delivered"))
        return max(committed) - max(delivered) if committed and delivered else None


def _figures(quantities: list[str]) -> list[int]:
    """Return the quantities written in figures (`24`, `1,000`) as numbers; words (`two`, `dozens`) are left out."""
    return [int(q.replace(",", "")) for q in quantities if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", q.strip())]


def stage_key(stage: Stage) -> tuple:
    """Return the sort key of a stage: dated first by date, then by status order, then by event."""
    info = status_table().get(stage.status)
    return (not stage.date, stage.date, info.order if info else 99, stage.supply)


def is_contested(stages: Iterable[Stage]) -> bool:
    """Return whether one source states the transfer under way or delivered and another paused or denied.

    >>> s = lambda st, who: Stage(st, st, asserters=(who,))
    >>> is_contested([s("delivered", "ministry"), s("denied", "embassy")]), is_contested([s("delivered", "x"), s("denied", "x")])
    (True, False)
    """
    table = status_table()
    sources = {"positive": set(), "negative": set()}
    for stage in stages:
        polarity = table[stage.status].polarity if stage.status in table else ""
        if polarity in sources:
            sources[polarity].add(stage.source)
    return any(p != n for p in sources["positive"] for n in sources["negative"])


def lifecycle(supplier: str, recipient: str, item: str, stages: Iterable[Stage]) -> Lifecycle:
    """Return the lifecycle of one record from its stages, in any order."""
    ordered = tuple(sorted(stages, key=stage_key))
    return Lifecycle(supplier, recipient, item, ordered, is_contested(ordered))


def supply_lifecycles(facts: GraphFacts) -> list[Lifecycle]:
    """Return the lifecycle of every supply record the facts hold (events naming supplier, recipient and item).

    Sorted by (supplier, recipient, item) IRIs, as kg.rdf.entity_graph makes the records.
    """
    speakers: dict[str, set[str]] = {}
    for claim in facts.claims:
        speakers.setdefault(claim.id, set()).add(claim.speaker)
    records: dict[tuple[str, str, str], list[Stage]] = {}
    for s in facts.supplies:
        if s.supplier is None or s.recipient is None or s.item is None:
            continue
        article = facts.articles.get(s.article) if s.article else None
        date = s.when_date or (article.date if article else "")
        asserters = tuple(sorted(speakers.get(s.stated_in, ()))) if s.stated_in else ()
        records.setdefault((s.supplier, s.recipient, s.item), []).append(
            Stage(s.id, s.status, date, bool(s.when_date), s.quantity, s.article, s.stated_in, asserters))
    return [lifecycle(*key, stages) for key, stages in sorted(records.items())]
