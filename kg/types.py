"""Plain, frozen dataclasses passed between pipeline stages (no spaCy objects)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One news article: its text exactly as decoded, and what is known about it."""

    source: str  # the input path as given (plus #n for the n-th object of a .jsonl)
    text: str
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    url: str | None = None
    publisher: str | None = None
    sha256: str = ""
    body_start: int = 0  # where the body starts after metadata lines (headline, inline date)
    title_start: int | None = None  # where the headline's text starts, when the title came from a headline line
    warnings: tuple[str, ...] = ()  # metadata dropped at ingest, and why (`date '2025-02-31' is not a real day`)


@dataclass(frozen=True)
class Mention:
    """A named entity as it appears in an article."""

    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, WEAPON
    start: int
    end: int
    key: str | None = None  # gazetteer key when the entity ruler recognised it


@dataclass(frozen=True)
class Claim:
    """What someone said: content span, speaker mention and how it was found."""

    text: str
    start: int
    end: int
    kind: str  # direct | indirect | mixed
    cue: str
    speaker: Mention | None  # the mention the attribution rests on (may be a pronoun)
    speaker_name: str | None  # the named entity the speaker resolves to, within the article
    speaker_label: str | None  # PERSON, ORG, COUNTRY … of the resolved speaker
    evidence: str
    rule: str
    confidence: float
    polarity: str = "positive"
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Supply:
    """An arms transfer stated in an article."""

    supplier: Mention | None
    recipient: Mention | None
    item: Mention
    status: str  # ongoing, delivered, pledged, planned, possible, requested, purchased, paused, denied
    evidence: str
    start: int
    end: int
    rule: str
    confidence: float
    quantity: str | None = None
    via: Mention | None = None
    payer: Mention | None = None
    made_in: Mention | None = None
    when: str | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything found in one article."""

    article: Article
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    supplies: tuple[Supply, ...]
    roles: tuple[tuple[str, str], ...] = ()  # (person name, role phrase)
    acronyms: tuple[tuple[str, str], ...] = ()  # (initials, the name the article defines them for)


@dataclass(frozen=True)
class Skipped:
    """An input that was not read, and why."""

    source: str
    reason: str


@dataclass
class BuildReport:
    """What a build read, skipped, found and wrote."""

    out_dir: str
    articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "source: what was dropped from it, and why"
    claims: int = 0
    supplies: int = 0
    entities: int = 0
    triples: int = 0
    files: dict[str, str] = field(default_factory=dict)
