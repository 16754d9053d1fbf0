"""Entity mentions: the names spaCy and the gazetteer found, as plain `Mention`s."""
from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from kg.types import Mention

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "WEAPON"}


def find_mentions(doc: Doc, body_start: int = 0) -> Iterator[Mention]:
    """Yield a Mention per named person, organisation, country or place, and weapon system."""
    for ent in doc.ents:
        if ent.label_ in ENTITY_LABELS and ent.start_char >= body_start and any(c.isalpha() for c in ent.text):
            yield Mention(ent.text, ent.label_, ent.start_char, ent.end_char, ent.ent_id_ or None)
