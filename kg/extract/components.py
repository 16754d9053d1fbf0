"""Claims and supplies as spaCy pipeline components: `nlp.add_pipe("kg_claims")`, `nlp.add_pipe("kg_supplies")`.

After them, `doc._.claims` and `doc._.supplies` hold what `kg.extract` finds, as
the same plain dataclasses (`kg.types.Claim`, `kg.types.Supply`), so `nlp.pipe`
alone gives both:

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("kg_claims")
    nlp.add_pipe("kg_supplies")          # reads doc._.claims for who `we`/`they` are
    doc = nlp("Germany will send tanks to Ukraine, Olaf Scholz said.")
    doc._.claims, doc._.supplies

Both start reading at `start` characters (config; a build sets it to the
article's headline). `kg_claims` takes `confidence`, a mapping from rule
name (`kg.extract.claims.Rule`, as `quote-cue`) to the confidence its claims
get, for the rules to trust more or less than `CONFIDENCE` does, and `learned`
(default true), whether the model trained on PolNeAR places the content of
reported speech (`kg.extract.learned`). `kg build` adds kg's own entity ruler
too (`kg.nlp`); with a bare model the components work on the model's entities
alone.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.claims import Rule, find_claims
from kg.extract.entities import forget_cached_spans
from kg.extract.supplies import find_supplies

for _name in ("claims", "supplies"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class ClaimsComponent:
    """Sets `doc._.claims`: every claim, with its speaker resolved within the document."""

    def __init__(self, start: int, publisher: str | None, confidence: dict[str, float], learned: bool = True):
        unknown = sorted(set(confidence) - {rule.value for rule in Rule})
        if unknown:
            raise ValueError(f"kg_claims: no rule named {', '.join(unknown)}; the rules: {', '.join(Rule)}")
        self.start, self.publisher, self.confidence, self.learned = start, publisher, confidence, learned

    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.claims = find_claims(doc, self.start, self.publisher, self.confidence, self.learned)
        finally:
            forget_cached_spans(doc)  # the cached spans point back at the Doc (see kg.extract.extract)
        return doc


class SuppliesComponent:
    """Sets `doc._.supplies`: every arms supply, reading `doc._.claims` (when set) for the speakers of pronouns."""

    def __init__(self, start: int):
        self.start = start

    def __call__(self, doc: Doc) -> Doc:
        from kg.extract import acting_speakers

        try:
            doc._.supplies = find_supplies(doc, self.start, acting_speakers(doc, doc._.claims or []))
        finally:
            forget_cached_spans(doc)
        return doc


@Language.factory("kg_claims", default_config={"start": 0, "publisher": None, "confidence": {}, "learned": True})
def make_claims(nlp: Language, name: str, start: int, publisher: str | None,
                confidence: dict[str, float], learned: bool) -> ClaimsComponent:
    return ClaimsComponent(start, publisher, confidence, learned)


@Language.factory("kg_supplies", default_config={"start": 0})
def make_supplies(nlp: Language, name: str, start: int) -> SuppliesComponent:
    return SuppliesComponent(start)
