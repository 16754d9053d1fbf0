"""Extraction: from a parsed article to plain dataclasses (entities, claims, supplies)."""
from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.claims import find_claims, person_roles
from kg.extract.entities import find_mentions
from kg.extract.supplies import find_supplies
from kg.types import Article, Extraction, Mention

__all__ = ["extract", "find_claims", "find_mentions", "find_supplies"]


def extract(doc: Doc, article: Article) -> Extraction:
    """Return everything found in one parsed article."""
    # a headline states things too (`Flynn says Trump 'absolutely right'`), so claims start at the title
    claims_start = article.title_start if article.title_start is not None else article.body_start
    claims = find_claims(doc, claims_start, article.publisher)
    speakers: dict[int, Mention] = {}
    for claim in claims:
        if claim.speaker is not None and claim.speaker_label == "PERSON" and claim.speaker_name:
            named = Mention(claim.speaker_name, "PERSON", claim.speaker.start, claim.speaker.end, claim.speaker.key)
            for offset in range(claim.start, claim.end):
                speakers[offset] = named
    return Extraction(
        article=article,
        mentions=tuple(find_mentions(doc, article.body_start)),
        claims=tuple(claims),
        supplies=tuple(find_supplies(doc, article.body_start, speakers)),
        roles=tuple(person_roles(doc)),
    )
