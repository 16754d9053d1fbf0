"""Extraction: from a parsed article to plain dataclasses (entities, claims, supplies)."""
from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.claims import find_claims, person_roles
from kg.extract.entities import defined_acronyms, doc_ents, find_mentions, forget_cached_spans
from kg.extract.supplies import find_supplies
from kg.gazetteer import load_gazetteer
from kg.types import Article, Claim, Extraction, Mention

__all__ = ["acting_speakers", "extract", "find_claims", "find_mentions", "find_supplies"]


def extract(doc: Doc, article: Article) -> Extraction:
    """Return everything found in one parsed article."""
    # a headline states things too (`Flynn says Trump 'absolutely right'`) and names things (`Serbia presents the
    # FK-3 air defence system`), so claims, supplies and mentions start at the title
    claims_start = article.title_start if article.title_start is not None else article.body_start
    try:
        claims = find_claims(doc, claims_start, article.publisher)
        speakers = acting_speakers(doc, claims)
        return Extraction(
            article=article,
            mentions=tuple(find_mentions(doc, article.body_start, claims_start)),
            claims=tuple(claims),
            supplies=tuple(find_supplies(doc, claims_start, speakers)),  # a headline states transfers too
            roles=tuple(person_roles(doc)),
            acronyms=tuple((short, ent.text) for short, ent in defined_acronyms(doc).items()),
        )
    finally:
        # The cached spans point back at the Doc: left in place, the cycle keeps every parsed Doc of a
        # long build alive until the garbage collector happens to run.
        forget_cached_spans(doc)


def acting_speakers(doc: Doc, claims: list[Claim]) -> list[tuple[int, int, Mention]]:
    """Return (claim start, claim end, who its pronouns can point to) for the claims that have someone."""
    return [(claim.start, claim.end, who) for claim in claims if (who := _acting_speaker(doc, claim))]


def _acting_speaker(doc: Doc, claim: Claim) -> Mention | None:
    """Return who `he`, `she`, `we` or `they` inside a claim can point to: a named person, or the country a group
    speaks for (`Dutch officials said they would send …` -> the Netherlands)."""
    if claim.speaker is None:
        return None
    if claim.speaker_label == "PERSON" and claim.speaker_name:
        return Mention(claim.speaker_name, "PERSON", claim.speaker.start, claim.speaker.end, claim.speaker.key)
    country = load_gazetteer().country(claim.speaker_name) if claim.speaker_label == "GPE" and \
        claim.speaker_name else None
    if country is not None and country.name != claim.speaker.text:
        # `The European Union and NATO member said it planned to buy …`, `the ministry said it would send …`:
        # the country the speaker was resolved to
        return Mention(country.name, "GPE", claim.speaker.start, claim.speaker.end, country.key)
    for ent in doc_ents(doc):
        if claim.speaker.start <= ent.start_char and ent.end_char <= claim.speaker.end and ent.ent_id_ \
                and ent.label_ in ("NORP", "GPE", "ORG"):
            return Mention(ent.text, ent.label_, ent.start_char, ent.end_char, ent.ent_id_)
    return None
