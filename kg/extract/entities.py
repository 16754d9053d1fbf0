"""Entity mentions: the names spaCy and the gazetteer found, as plain `Mention`s."""
from __future__ import annotations

from collections.abc import Iterator

import numpy
from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

from kg.extract.tables import table
from kg.gazetteer import load_gazetteer, normalize
from kg.types import Mention

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "WEAPON"}
PLACE_LABELS = {"LOC", "FAC"}  # regions, seas, bases and buildings: places (kg:Place)
# Words of government titles that the NER reads as organisations (`Defence Minister`, `Secretary of State`)
TITLE_WORDS = {"defence", "defense", "state", "foreign", "interior", "home", "finance", "security", "national",
               "navy", "army", "air", "force", "forces", "affairs", "external", "military", "economy", "trade",
               "justice", "cabinet", "council", "junta", "intelligence", "coordinator", "white", "house"}
INSTITUTION_HEADS = {"security", "intelligence", "council", "forces", "affairs"}  # heads of a body's description
LOCATIVE_PREPOSITIONS = {"in", "at", "near", "outside", "around", "inside", "across", "within"}


def find_mentions(doc: Doc, body_start: int = 0, start: int | None = None) -> Iterator[Mention]:
    """Yield a Mention per named person, organisation, country or place, weapon system and known demonym, from
    `start` (the headline; default `body_start`) on. A headline written In Title Case gives only the names the
    gazetteer lists, weapons, and names the body uses too.

    A capital named as a location (`met in Kyiv`) is a place (label LOC); a
    capital that acts (`Kyiv had received`) keeps its country's key.
    """
    start = body_start if start is None else start
    title_case = _title_case(doc, start, body_start)
    in_body = {w for ent in doc_ents(doc) if ent.start_char >= body_start for w in (ent.text, ent[-1].text)}
    for ent in doc_ents(doc):
        if ent.start_char < start or not any(c.isalpha() for c in ent.text):
            continue
        if ent.start_char < body_start and title_case and not (
                ent.ent_id_ or ent.label_ == "WEAPON" or ent.text in in_body or ent[-1].text in in_body):
            continue  # a headline In Title Case: the NER reads its capitals as names (`Challenger Flees the Country`)
        if ent.label_ in ("ORG", "GPE", "LOC", "FAC") and not ent.ent_id_ and (in_title(ent) or
                                                                              is_bare_institution(ent)):
            continue  # `Defence` in `Defence Minister`, `State` in `Secretary of State`, `the Navy`, `the
            # Cabinet` (whatever the NER calls it): no name
        if ent.label_ == "NORP" and ent.ent_id_:
            yield Mention(ent.text, "NORP", ent.start_char, ent.end_char, ent.ent_id_)
        elif ent.label_ == "GPE" and is_capital_as_place(ent):
            yield Mention(ent.text, "LOC", ent.start_char, ent.end_char, None)
        elif ent.label_ in PLACE_LABELS:
            yield Mention(ent.text, "LOC", ent.start_char, ent.end_char, ent.ent_id_ or None)
        elif ent.label_ in ENTITY_LABELS:
            yield Mention(ent.text, ent.label_, ent.start_char, ent.end_char, ent.ent_id_ or None)


def _title_case(doc: Doc, start: int, end: int) -> bool:
    """True when most longer words between `start` and `end` (the headline) are capitalised: Title Case."""
    headline = doc.char_span(start, end, alignment_mode="expand") if end > start else None
    words = [t for t in headline or () if start <= t.idx < end and t.is_alpha and len(t) > 3]  # not all the doc
    return bool(words) and sum(t.text[0].isupper() for t in words) >= 0.6 * len(words)


def in_title(ent: Span) -> bool:
    """True for an organisation name that is only part of a person's title: followed by a title noun (`Defence
    Minister Boris Pistorius`, `National Security Council Coordinator`) or after `Secretary of`/`Minister of`."""
    doc = ent.doc
    if not all(t.lower_ in TITLE_WORDS for t in ent):
        return False  # `Wagner chief Yevgeny Prigozhin`: Wagner is a name of its own
    roles = table("role_nouns", "noun", "refers_to")
    after = doc[ent.end] if ent.end < len(doc) else None
    if after is not None and roles.get(after.lower_) == "person" or ent.root.lower_ in roles:
        return True
    before = doc[max(ent.start - 2, 0):ent.start]
    return len(before) == 2 and before[1].lower_ == "of" and roles.get(before[0].lower_) == "person"


def is_bare_institution(ent: Span) -> bool:
    """True for an organisation 'name' that is only institutional words (`the Defence Ministry`, `the Navy`,
    `Cabinet`, `National Security`): it names no particular body (news-dev ENTITIES.md convention 3)."""
    nouns = set(table("government_nouns", "noun", "singular_only")) | INSTITUTION_HEADS
    words = [t for t in ent if not t.is_punct and t.lower_ not in ("the", "of", "and", "for")]
    return bool(words) and ent.root.lemma_.lower() in nouns and all(
        t.lower_ in TITLE_WORDS or t.lemma_.lower() in nouns for t in words)  # not `The National` (a newspaper)


def is_capital_as_place(ent: Span) -> bool:
    """True for a capital that names where something happens (`in Kyiv`), not the government acting."""
    gazetteer = load_gazetteer()
    if normalize(ent.text) not in gazetteer.by_capital or gazetteer.lookup(ent.text) is not None:
        return False
    root = ent.root
    return root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPOSITIONS


INITIAL_SKIP = {"of", "and", "for", "the", "&", "de", "du", "des", "on", "in"}  # no letter in the initials


def defined_acronyms(doc: Doc) -> dict[str, Span]:
    """Return initials -> the name an article defines them for: `The Rapid Support Forces (RSF)`, `the
    Estonian Centre for Defence Investments (ECDI)`: a name in capitals followed by its initials in brackets.
    The name is the entity there, else the capitalised words before the bracket whose initials they are."""
    found: dict[str, Span] = {}
    ents = {ent.end: ent for ent in doc.ents}
    orth = doc.to_array(ORTH)  # the brackets by their ids: a Token object for each token costs more
    opening, closing = doc.vocab.strings["("], doc.vocab.strings[")"]
    for i in numpy.flatnonzero((orth[1:-2] == opening) & (orth[3:] == closing)) + 1:
        i = int(i)
        short = doc[i + 1].text
        if not short.isupper() or len(short) < 2 or short in found:
            continue
        candidates = [ents[i]] if i in ents else []
        start = i
        while start > 0 and (doc[start - 1].is_title or doc[start - 1].is_upper or
                             doc[start - 1].lower_ in INITIAL_SKIP and start - 1 > 0):
            start -= 1
            candidates.append(doc[start:i])
        label = doc[i + 1].ent_type_ or "ORG"  # `(HIMARS)`: what the gazetteer makes of the initials
        for span in candidates:
            if _abbreviates(short, _initials(span)) and span[0].lower_ not in INITIAL_SKIP - {"the"}:
                found[short] = span if span.label_ else Span(doc, span.start, span.end, label=label)
                break
    return found


def _abbreviates(short: str, initials: str) -> bool:
    """True when `short` abbreviates words with these initials: the same letters (`RSF`, `ECDI`, a plural `S`
    aside), or, for four letters or more, the initials in order with the same first letter (`HIMARS`: High
    Mobility Artillery Rocket Systems)."""
    if initials in (short, short.rstrip("S")):
        return True
    if len(short) < 4 or len(initials) < 3 or initials[0] != short[0]:
        return False
    rest = iter(short)
    return all(letter in rest for letter in initials)


def _initials(span: Span) -> str:
    return "".join(t.text[0] for t in span if t.lower_ not in INITIAL_SKIP and t.text[:1].isalpha()).upper()


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """Return doc.ents, built once per Doc (spaCy makes new Span objects on every access)."""
    cached = doc.user_data.get("kg_ents")
    if cached is None:
        cached = doc.user_data["kg_ents"] = tuple(doc.ents)
    return cached


def doc_sents(doc: Doc) -> tuple[list[Span], list[int]]:
    """Return the sentences of a Doc and their start offsets, built once per Doc (for bisect)."""
    cached = doc.user_data.get("kg_sents")
    if cached is None:
        sents = list(doc.sents)
        cached = doc.user_data["kg_sents"] = (sents, [s.start_char for s in sents])
    return cached


def forget_cached_spans(doc: Doc) -> None:
    """Drop everything kg cached on a Doc (every user_data key starting with `kg_`).

    The cached Spans point back at their Doc: left in place, they would keep
    every parsed Doc alive until the garbage collector's next full pass.
    """
    for key in [k for k in doc.user_data if isinstance(k, str) and k.startswith("kg_")]:
        del doc.user_data[key]


def doc_text(doc: Doc) -> str:
    """Return doc.text, joined once per Doc (spaCy joins every token on every access)."""
    cached = doc.user_data.get("kg_text")
    if cached is None:
        cached = doc.user_data["kg_text"] = doc.text
    return cached
