"""Quote lineage: the same statement reported in several articles becomes one cluster.

Two claims are one statement when they have the same resolved speaker and their
normalised texts are alike (rapidfuzz token_set_ratio >= THRESHOLD, so a shorter
report of a longer quote still matches; both of five words or more, the shorter at
least 0.3 of the longer). Clusters grow by complete linkage within a speaker, most
alike pairs first, across articles only: every report of a cluster is alike every
other, so a chain of loosely alike claims never becomes one statement. The
threshold was chosen on the odd lines of
tests/data/quote_pairs/pairs.jsonl and checked on the even lines (see README).

Wire copies: an article whose text carries an agency credit line (`(Reuters) -`,
`(AP) —`, listed in wire_agencies.csv) has that agency as its origin; any other
article's origin is its outlet (publisher, else the url's host, else the source).
A cluster counts its origins, so one Reuters story republished by ten outlets is
one origin.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import numpy as np
from rapidfuzz import fuzz, utils
from rapidfuzz.process import cdist

if TYPE_CHECKING:
    from kg.analyze import GraphFacts

THRESHOLD = 56  # token_set_ratio, tuned on the odd lines of tests/data/quote_pairs/pairs.jsonl


@dataclass(frozen=True)
class QuoteRef:
    """One claim as lineage sees it: who, what, where and when."""

    claim: str  # the kg:Claim
    speaker: str  # the canonical speaker
    text: str
    article: str  # the article's source
    outlet: str
    origin: str  # the credited wire agency, else the outlet
    date: str | None = None


@dataclass(frozen=True)
class ClaimCluster:
    """One statement and every report of it."""

    speaker: str
    reports: tuple[QuoteRef, ...]  # earliest first
    variants: tuple[str, ...]  # the distinct wordings, earliest first

    @property
    def id(self) -> str:  # the earliest claim's IRI names the cluster
        return self.reports[0].claim.rsplit("/", 1)[-1]

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(sorted({m.article for m in self.reports}))

    @property
    def earliest(self) -> QuoteRef:
        return self.reports[0]

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(sorted({m.origin for m in self.reports}))

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({m.outlet for m in self.reports}))


def _wire_patterns() -> list[tuple[str, re.Pattern]]:
    text = resources.files("kg").joinpath("wire_agencies.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        names = "|".join(re.escape(n) for n in row["names"].split("|"))
        # the dateline credit: `ZURICH, April 26 (Reuters) -`, `WASHINGTON (AP) —`
        out.append((row["wire"], re.compile(rf"\((?:{names})\)\s*[-–—]")))
    return out


_WIRES = _wire_patterns()


def wire_credit(text: str) -> str | None:
    """The agency an article's credit line names, if any (looked for near the start)."""
    head = text[:1500]
    found = [(m.start(), wire) for wire, pat in _WIRES if (m := pat.search(head))]
    return min(found)[1] if found else None


def outlet_of(publisher: str | None, url: str | None, source: str) -> str:
    if publisher:
        return publisher
    if url and (host := urlparse(url).hostname):
        return host.removeprefix("www.")
    return source


def normalise(text: str) -> str:
    return utils.default_process(text)


def similarity(a: str, b: str) -> float:
    return fuzz.token_set_ratio(normalise(a), normalise(b))


MIN_WORDS = 5  # a shorter claim (`it is wrong`) is a subset of too many others to tell one statement
LENGTH_RATIO = 0.3  # the shorter text has at least this share of the longer's words: a sentence is no statement
# of a whole speech; the largest ratio that keeps the tune part's F1 (tests/data/quote_pairs)


def comparable(words_a: int, words_b: int) -> bool:
    return min(words_a, words_b) >= MIN_WORDS and min(words_a, words_b) >= LENGTH_RATIO * max(words_a, words_b)


def same_statement(speaker_a: str, text_a: str, speaker_b: str, text_b: str, threshold: float = THRESHOLD) -> bool:
    a, b = normalise(text_a), normalise(text_b)
    return (speaker_a == speaker_b and comparable(len(a.split()), len(b.split()))
            and fuzz.token_set_ratio(a, b) >= threshold)


def cluster(refs: list[QuoteRef], threshold: float = THRESHOLD) -> list[ClaimCluster]:
    """Clusters of reports in two or more articles, by speaker.

    Complete linkage: two groups merge only when every report of one is alike every report of the other,
    most alike pairs first, so a chain of loosely alike claims never becomes one statement.
    """
    by_speaker: dict[str, list[QuoteRef]] = {}
    for r in refs:
        if len(normalise(r.text).split()) >= MIN_WORDS:
            by_speaker.setdefault(r.speaker, []).append(r)
    clusters = []
    for speaker, group in sorted(by_speaker.items()):
        if len(group) < 2:
            continue
        texts = [normalise(r.text) for r in group]
        words = np.array([len(t.split()) for t in texts])
        scores = cdist(texts, texts, scorer=fuzz.token_set_ratio, score_cutoff=threshold, workers=-1)
        shorter, longer = np.minimum.outer(words, words), np.maximum.outer(words, words)
        scores[(shorter < MIN_WORDS) | (shorter < LENGTH_RATIO * longer)] = 0  # what `comparable` says, at once
        n = len(group)
        # one article saying it twice is not lineage: only pairs across articles start a merge
        pairs = sorted(((scores[i, j], i, j) for i, j in zip(*np.nonzero(np.triu(scores, 1)))
                        if group[i].article != group[j].article), reverse=True)
        comp = {i: {i} for i in range(n)}
        for _, i, j in pairs:
            a, b = comp[i], comp[j]
            if a is b or not all(scores[x, y] for x in a for y in b):
                continue
            a |= b
            for y in b:
                comp[y] = a
        seen = set()
        for members_ix in comp.values():
            if id(members_ix) in seen:
                continue
            seen.add(id(members_ix))
            members = [group[i] for i in members_ix]
            if len({m.article for m in members}) < 2:
                continue
            members.sort(key=lambda m: (m.date or "9999", m.article, m.claim))
            variants = tuple(dict.fromkeys(m.text for m in members))
            clusters.append(ClaimCluster(speaker, tuple(members), variants))
    clusters.sort(key=lambda c: (-len(c.origins), -len(c.reports), c.earliest.date or "9999", c.speaker))
    return clusters


def claim_clusters(facts: GraphFacts, threshold: float = THRESHOLD) -> list[ClaimCluster]:
    """The clusters of a graph's claims (kg.analyze's facts), each claim with its article's outlet, origin and date."""
    refs = []
    for c in facts.claims:
        art = facts.articles.get(c.article or "")
        if art is None or not c.text:
            continue
        outlet = outlet_of(art.publisher, art.url, art.id)
        refs.append(QuoteRef(c.id, c.speaker, c.text, art.id, outlet, art.wire or outlet, art.date or None))
    return cluster(refs, threshold)
