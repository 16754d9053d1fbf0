"""Quote lineage: the same statement reported in several articles becomes one cluster.

Two claims are one statement when they have the same resolved speaker and their
normalised texts are alike (rapidfuzz token_set_ratio >= THRESHOLD, so a shorter
report of a longer quote still matches; both of five words or more, the shorter at
least 0.3 of the longer, and one content word, not a stop word, in common).
Clusters grow by complete linkage within a speaker, most alike pairs first,
across articles only: every report of a cluster is alike every other, so a chain
of loosely alike claims never becomes one statement. The threshold was chosen on
the odd lines of tests/data/quote_pairs/pairs.jsonl and checked on the even lines (see README).

Wire copies: an article whose text carries an agency credit line (`(Reuters) -`,
`(AP) —`, listed in wire_agencies.csv) has that agency as its origin; any other
article's origin is its outlet (publisher, else the url's host, else the source).
A cluster counts its origins, so one Reuters story republished by ten outlets is
one origin.
"""
from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, utils
from rapidfuzz.process import cdist

from kg.ingest import english_stop_words

if TYPE_CHECKING:
    from kg.analyze import GraphFacts

THRESHOLD = 56  # token_set_ratio, tuned on the odd lines of tests/data/quote_pairs/pairs.jsonl


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """One claim as lineage sees it: who, what, where and when."""

    claim: str  # the kg:Claim
    speaker: str  # the canonical speaker
    text: str
    article: str  # the article's source
    outlet: str
    origin: str  # the credited wire agency, else the outlet
    date: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimCluster:
    """One statement and every report of it."""

    speaker: str
    reports: tuple[QuoteRef, ...]  # earliest first
    variants: tuple[str, ...]  # the distinct wordings, earliest first

    @property
    def id(self) -> str:
        """The earliest claim's name and the speaker's hash: a claim two people said starts a cluster for each."""
        digest = hashlib.sha256(self.speaker.encode("utf-8")).hexdigest()[:8]
        return f"{self.reports[0].claim.rsplit('/', 1)[-1]}-{digest}"

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


_SCHEME = re.compile(r"^[a-z]+://(www\.)?")  # and the path after the host: as queries/quote-lineage.rq cuts them


def outlet_of(publisher: str | None, url: str | None, source: str) -> str:
    """An article's outlet: its publisher, else its URL's host, else its source (what quote-lineage.rq shows)."""
    if publisher:
        return publisher
    if url:
        return _SCHEME.sub("", url, count=1).split("/", 1)[0]
    return source


def normalise(text: str) -> str:
    return utils.default_process(text)


def similarity(a: str, b: str) -> float:
    return fuzz.token_set_ratio(normalise(a), normalise(b))


MIN_WORDS = 5  # a shorter claim (`it is wrong`) is a subset of too many others to tell one statement
LENGTH_RATIO = 0.3  # the shorter text has at least this share of the longer's words: a sentence is no statement
# of a whole speech; the largest ratio that keeps the tune part's F1 (tests/data/quote_pairs)


SPARSE_FROM = 64  # a speaker with this many claims or more has its shared words found by a sparse product
SPARSE_BLOCK = 256  # ... of this many rows at a time


def comparable(words_a: int, words_b: int) -> bool:
    return min(words_a, words_b) >= MIN_WORDS and min(words_a, words_b) >= LENGTH_RATIO * max(words_a, words_b)


def content_words(normalised: str) -> frozenset[str]:
    """The words of a normalised text that are not stop words: two reports of one statement share one at least."""
    return frozenset(normalised.split()) - english_stop_words()


def same_statement(speaker_a: str, text_a: str, speaker_b: str, text_b: str, threshold: float = THRESHOLD) -> bool:
    a, b = normalise(text_a), normalise(text_b)
    return (speaker_a == speaker_b and comparable(len(a.split()), len(b.split()))
            and bool(content_words(a) & content_words(b)) and fuzz.token_set_ratio(a, b) >= threshold)


def _alike_pairs(texts: list[str], threshold: float) -> dict[tuple[int, int], float]:
    """Every pair i < j of one speaker's normalised texts that `same_statement` holds alike, with its score.

    Only pairs of comparable length that share a content word are scored (about one pair in eight of a
    prolific speaker's), each text against all its candidates at once: token_set_ratio is what lineage costs.
    """
    alike = {}
    for i, others in _candidates(texts):
        scores = cdist([texts[i]], [texts[j] for j in others], scorer=fuzz.token_set_ratio, score_cutoff=threshold)
        alike.update({(i, j): score for j, score in zip(others, scores[0].tolist()) if score})
    return alike


def _candidates(texts: list[str]) -> Iterator[tuple[int, list[int]]]:
    """For each text i, the later texts j > i of comparable length that share a content word with it, in order.

    Yielded text by text: a prolific speaker's pairs (millions of them on a corpus published ten times
    over) are never all held as Python objects, only as the sparse product's arrays.
    """
    words = [len(t.split()) for t in texts]
    contents = [content_words(t) for t in texts]
    n = len(texts)
    if n < SPARSE_FROM:  # a few claims: plain loops beat building matrices
        for i in range(n):
            others = [j for j in range(i + 1, n)
                      if comparable(words[i], words[j]) and not contents[i].isdisjoint(contents[j])]
            if others:
                yield i, others
        return
    # a prolific speaker: the pairs with a word in common from a sparse product of word-incidence rows
    from scipy import sparse  # 0.08 s to import: a small build has no such speaker

    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, content in enumerate(contents):
        for word in content:
            rows.append(i)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
    incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                                  shape=(n, max(len(vocabulary), 1)))
    del rows, cols
    transposed = incidence.T.tocsc()
    counts = np.array(words)
    # A block of rows at a time: the whole product has a cell per pair with a word in common, which grows
    # with the square of a speaker's claims (a corpus published ten times over: hundreds of MB).
    for start in range(0, n, SPARSE_BLOCK):
        shared = (incidence[start:start + SPARSE_BLOCK] @ transposed).tocsr()
        for row in range(shared.shape[0]):
            i = start + row
            later = shared.indices[shared.indptr[row]:shared.indptr[row + 1]]
            later = np.sort(later[later > i])
            if not len(later):
                continue
            shorter = np.minimum(counts[i], counts[later])
            longer = np.maximum(counts[i], counts[later])
            keep = (shorter >= MIN_WORDS) & (shorter >= LENGTH_RATIO * longer)  # what `comparable` says, at once
            if keep.any():
                yield i, later[keep].tolist()


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
        group.sort(key=_report_order)  # ties between pairs go by this order: the clusters do not hang on the refs'
        alike = _alike_pairs([normalise(r.text) for r in group], threshold)
        # one article saying it twice is not lineage: only pairs across articles start a merge
        pairs = sorted(((score, i, j) for (i, j), score in alike.items() if group[i].article != group[j].article),
                       reverse=True)
        comp = {i: {i} for i in range(len(group))}
        for _, i, j in pairs:
            a, b = comp[i], comp[j]
            if a is b or not all((min(x, y), max(x, y)) in alike for x in a for y in b):
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
            members.sort(key=_report_order)
            variants = tuple(dict.fromkeys(m.text for m in members))
            clusters.append(ClaimCluster(speaker, tuple(members), variants))
    clusters.sort(key=lambda c: (-len(c.origins), -len(c.reports), c.earliest.date or "9999", c.speaker, c.id))
    return clusters


def _report_order(ref: QuoteRef) -> tuple:
    return ref.date or "9999", ref.article, ref.claim


def claim_clusters(facts: GraphFacts, threshold: float = THRESHOLD) -> list[ClaimCluster]:
    """The clusters of a graph's claims (kg.analyze's facts), each claim with its article's outlet, origin and date."""
    refs = []
    for c in facts.claims:
        art = facts.articles.get(c.article or "")
        if art is None or not c.text:
            continue
        outlet = sys.intern(outlet_of(art.publisher, art.url, art.source or art.id))  # one string per outlet, not per claim
        refs.append(QuoteRef(c.id, c.speaker, c.text, art.id, outlet, art.wire or outlet, art.date or None))
    return cluster(refs, threshold)
