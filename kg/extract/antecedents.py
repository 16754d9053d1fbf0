"""Who a pronoun or a bare description stands for: one resolver for the speakers of claims and the parties of
supplies.

The pronouns are one table (data/pronouns.csv: what each can refer to and its case); both rooms draw their
sets from it. The antecedents are searched the same way for both: the subject of the clause that reports the
pronoun's (`Dutch officials said they would send …`), else the last compatible subject in the pronoun's
sentence or the one before, else the last entity of the wanted kind named before.
"""
from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span, Token

from kg.extract.entities import doc_ents
from kg.extract.tables import flags, table
from kg.gazetteer import load_gazetteer

AGENT_LABELS = {"GPE", "ORG", "NORP", "PERSON"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
OBJECT_WARNED = {"warn", "urge", "advise", "caution", "press", "remind"}  # `it` in what follows is the one warned


def pronouns(*refers: str, possessive: bool = False) -> frozenset[str]:
    """Return the pronouns that can refer to any of `refers` (person, group, thing, speaker, listener, relative,
    demonstrative), with or without the possessive ones (`its`)."""
    kinds, cases = table("pronouns", "pronoun", "refers"), table("pronouns", "pronoun", "case")
    return frozenset(p for p, kind in kinds.items() if kind in refers and (possessive or cases[p] != "possessive"))


def pronouns_as_subject(*refers: str) -> frozenset[str]:
    """Return the pronouns of `refers` that can be a clause's subject (`he`, not `him`)."""
    cases = table("pronouns", "pronoun", "case")
    return frozenset(p for p in pronouns(*refers) if cases[p] in ("subject", "any"))


def nearest_subject(verb: Token) -> Token | None:
    """Return the verb's subject; of two (a dateline the parser reads as one: `BERLIN, May 6 — Germany will
    send`), the one nearest before the verb."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    before = [c for c in subjects if c.i < verb.i]
    return before[-1] if before else (subjects[0] if subjects else None)


def agrees(pronoun: Token, subject: Token) -> bool:
    """True when the subject can be what the pronoun stands for: `it` one thing, `they` several or a people;
    an organisation can be either (`the Houthis … They`, `Hanwha … It`)."""
    if subject.ent_type_ == "ORG":
        return True
    plural = subject.tag_ in ("NNS", "NNPS") or bool(subject.conjuncts) or subject.ent_type_ == "NORP"
    return plural if pronoun.lower_ == "they" else not plural


def entity_for(token: Token) -> Span | None:
    """Return the agent entity a noun phrase names: the head's own entity, else one of its modifiers."""
    doc = token.doc
    by_token = {i: e for e in doc_ents(doc) if e.label_ in AGENT_LABELS for i in range(e.start, e.end)}
    if token.i in by_token:
        return by_token[token.i]
    named = next((by_token[c.i] for c in token.children if c.dep_ == "appos" and c.i in by_token), None)
    relation = flags("relation_nouns", "noun", "plural_is_the_modifier").get(token.lemma_.lower())
    if named is not None or relation is not None and (token.tag_ == "NN" or not relation):
        # `NATO member Estonia`, `Turkey's NATO partner Poland`, `Iran's proxies`: the one named, not the modifier
        # (`NATO allies`, in the plural, are NATO's members acting together)
        return named
    for child in sorted(token.subtree, key=lambda t: abs(t.i - token.i)):
        if child.i in by_token and child.dep_ in ("compound", "amod", "poss", "nmod", "pobj"):
            return by_token[child.i]
    return None


def acting_antecedent(pronoun: Token) -> Span | None:
    """Return the country or organisation a subject `it`/`they` stands for.

    First the subject of the verb that reports the pronoun's clause (`Dutch
    officials said they would send …`), else the last such subject before it
    in its own or the previous sentence (`Poland has received F-16 jets. It
    says it will not give them to Ukraine.`). People are left out: `it` never
    means one, and `they` after a person's name rarely does.
    """
    clause = pronoun.head
    candidates = []
    while clause.dep_ in ("ccomp", "xcomp", "conj") and clause.head.i != clause.i:
        clause = clause.head
        if clause.lemma_.lower() in OBJECT_WARNED:  # `the US warned Serbia that it should not buy`: Serbia
            candidates += [c for c in clause.children if c.dep_ in ("dobj", "obj")]
        candidates += [c for c in clause.children if c.dep_ in SUBJECT_DEPS]
    candidates += [t for t in reversed(pronoun.doc[previous_sentence_start(pronoun):pronoun.i])
                   if t.dep_ in SUBJECT_DEPS]
    skip = pronouns("person", "group", "thing", "speaker")
    for subject in candidates:
        if subject.pos_ == "PRON" and subject.lower_ in skip or not agrees(pronoun, subject):
            continue  # `officials say it has sent`: `it` is not the officials
        entity = entity_for(subject)
        if entity is not None and entity.label_ != "PERSON":
            return entity
    return None


def subject_entities_before(token: Token) -> list[Span]:
    """Return the entities that head a subject before `token` in its sentence and the one before, nearest first:
    what a description (`the country`, `it`) most likely takes up, the subject being what a sentence is about."""
    subjects = [t for t in reversed(token.doc[previous_sentence_start(token):token.i]) if t.dep_ in SUBJECT_DEPS]
    return [entity for t in subjects if (entity := entity_for(t)) is not None]


def warned_party(pronoun: Token) -> Span | None:
    """Return who `it`/`they` is in `the US warned Serbia that it should not buy …`: the one warned."""
    clause = pronoun.head
    if pronoun.dep_ not in SUBJECT_DEPS or clause.dep_ != "ccomp" or \
            clause.head.lemma_.lower() not in OBJECT_WARNED:
        return None
    obj = next((c for c in clause.head.children if c.dep_ in ("dobj", "obj")), None)
    return entity_for(obj) if obj is not None and agrees(pronoun, obj) else None


def last_plural_subject(span: Span) -> Token | None:
    """Return the last plural subject before `span` in its paragraph or the one before (`US officials … They say`)."""
    doc = span.doc
    first = max(span.sent.start - 80, 0)
    for token in reversed(doc[first:span.start]):
        if token.dep_ in SUBJECT_DEPS and token.tag_ in ("NNS", "NNPS") and token.head.pos_ in ("VERB", "AUX"):
            return token
    return None


def last_entity_before(span: Span, labels: set[str], keep: Callable[[Span], bool] = lambda ent: True) -> Span | None:
    """Return the last entity with one of `labels` that ends before `span` (and that `keep` accepts)."""
    best = None
    for ent in doc_ents(span.doc):
        if ent.end <= span.start and ent.label_ in labels and keep(ent):
            best = ent
    return best


def previous_sentence_start(token: Token) -> int:
    """Return the index of the first token of the sentence before the token's (or of its own, the first)."""
    start = token.sent.start
    return token.doc[start - 1].sent.start if start > 0 else start


def title_country(person: Span) -> Span | None:
    """Return the mention of the country a person's title names before the name (`German Chancellor Friedrich Merz`:
    `German`, `Algerian President Abdelmadjid Tebboune`: `Algerian`)."""
    if person.label_ != "PERSON":
        return None
    title = person.doc[person.root.left_edge.i:person.start]
    gazetteer = load_gazetteer()
    return next((e for e in doc_ents(person.doc) if title.start <= e.start and e.end <= title.end
                 and gazetteer.country(e.text) is not None), None)
