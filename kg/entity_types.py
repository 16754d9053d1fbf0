"""Typing a name from the evidence in the text, where the gazetteer is silent and the statistical NER guesses.

Each rule reads one kind of evidence and holds for every article, not for a name:

- a weapon designation (`Su-30MKI`, `KC-390`, `AH-1Z`, `JF-17 Block III`) is a weapon;
- a variant of a listed system is that system: a block (`JF-17 Block III`) or an export letter (`Su-57E`,
  `Mi-28NE` -> Su-57, Mi-28);
- a word and a number before a weapon noun (`Type 055 destroyer`) are a designation;
- a name that heads a weapon noun, also through a compound (`Caracal helicopters`, `Kaan fighter jets`), or
  ends in one with a weapon modifier (`Army Tactical Missile Systems`), or the plural of a listed weapon
  (`K2s`, `Dassault Rafales`), is a weapon (data/weapon_heads.csv, the gazetteer); a noun that names a weapon
  only with a modifier (`systems`) does so with a name when it is what a transfer verb moves (`ordered 22
  Skyranger systems`); a capitalised word the tagger reads as an adjective counts as a name when English has
  no such adjective (`Caracal`: the lemmatizer's adjective index, read from the model);
- a person's title read into an organisation (`Air Marshal Sadique Abubakar`) leaves the person;
- a name met only as where something happens (`in Sokoto`, `near Zamfara`) is a place;
- initials an article defines (`the Rapid Support Forces (RSF)`) name what they abbreviate wherever they occur
  (`defined_acronyms`, also read by the resolution stage to merge the two).

A name the gazetteer lists (the span has an id), a country or people, and a date or number are never retyped.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache

import numpy
from spacy.attrs import IS_ALPHA, IS_UPPER, ORTH
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.entities import defined_acronyms
from kg.extract.tables import flags, table
from kg.gazetteer import load_gazetteer

RETYPABLE = {"PERSON", "ORG", "PRODUCT", "FAC", "LOC", "WORK_OF_ART", "GPE", "EVENT", "LAW"}  # LAW: `Archer 2000`
# A letter prefix of up to four letters, a hyphen and a number, with an optional letter suffix: Su-30MKI, F-39E,
# KC-390, AH-1Z, MiG-29, S-300, Type-055. Not COVID-19 (five letters) nor a summit (`G-20 summit`).
DESIGNATION = re.compile(r"[A-Z][A-Za-z]{0,3}-\d{1,4}[A-Z]{0,4}")
NOT_AFTER_DESIGNATION = {"summit", "summits", "meeting", "talks", "countries", "nations", "leaders", "group",
                         "vaccine", "pandemic", "virus", "conference", "flight"}
DESIGNATION_BASE = re.compile(r"[A-Z][A-Za-z]{0,3}-\d{1,4}(?=[A-Z]{1,3}$)")  # `Su-57` in `Su-57E`
VARIANT_SUFFIX = re.compile(r"[A-Z]{1,4}")  # `MKI` in `Su-30 MKI`
BLOCK_WORDS = {"block", "batch", "variant"}  # `JF-17 Block III`: part of the designation
LOCATIVE = {"in", "at", "near", "outside", "around", "inside", "across", "within", "into", "throughout", "toward",
            "towards"}
PLACE_NOUNS = {"state", "province", "region", "city", "town", "district", "county", "village", "area"}
EXAMPLE_PREPS = {"including", "like"}  # `several states including Zamfara`
PLACE_PARTICIPLES = {"based", "headquartered"}  # `the Düsseldorf-based company`
CREDIT_WORDS = {"photo", "photos", "pool", "handout"}  # `AP Photo/Denes Erdos`, `File Photo`: a credit, no name
DATELINE_END = {",", "(", ":", "—", "–", "--"}  # what follows the city of a dateline: `LAGOS, Nigeria (AP) —`


def rank_words() -> frozenset[str]:
    """Return the military ranks and their abbreviations read before a name (data/rank_words.csv)."""
    return table("rank_words", "word")


@cache
def weapon_heads() -> dict[str, bool]:
    """Return head-noun lemma -> whether it names a weapon only with a modifier (data/weapon_heads.csv)."""
    return flags("weapon_heads", "lemma", "needs_modifier")


def company_suffixes() -> frozenset[str]:
    """Return the legal forms written after a company's name (`Corp`, `AG`; data/company_suffixes.csv)."""
    return table("company_suffixes", "suffix")


def transfer_verbs() -> frozenset[str]:
    return table("transfer_verbs", "lemma")


def retype_entities(doc: Doc, model_ents: list[tuple[int, int, str]] = (),
                    adjectives: frozenset[str] = frozenset()) -> tuple[Span, ...]:
    """Return the Doc's entities with the evidence-based types applied, the names the NER missed that the text
    calls weapons added, and the model's own longer place or organisation names (`model_ents`) kept where a
    gazetteer name inside them replaced them (`South China Sea`, not `China`). `adjectives` are the English
    adjectives (lowercase) the model knows: a capitalised word read as an adjective and not among them is a
    name (`Caracal helicopters`); empty, that rule is off."""
    ents = [_another_persons_name(_as_surname(e)) for e in _kept_longer_names(doc, list(doc.ents), model_ents)]
    ents = _joined_person_names(doc, sorted(filter_spans([e for e in ents if not _only_name_suffix(e) and
                                                          not _section_label(e) and not _describes_a_country(e)]),
                                            key=lambda e: e.start))
    ents = [_as_listed_variant(_retyped(_with_rest_of_name(ent))) for ent in ents if not _only_rank(ent)]
    ents = _credits(doc, _datelines(doc, ents))
    covered = {i for ent in ents if ent.label_ != "CARDINAL" for i in range(ent.start, ent.end)}
    found = [_as_listed_variant(span) for span in _unnamed_weapons(doc, adjectives)
             if not any(i in covered for i in range(span.start, span.end))]
    ents = [e for e in ents if not any(e.start < f.end and f.start < e.end for f in found)] + found  # `055`
    ents = _article_weapons(doc, _places(doc, _companies(doc, sorted(ents, key=lambda e: e.start))))
    return tuple(_with_acronyms(doc, [_with_class_word(e) for e in ents]))


def _companies(doc: Doc, ents: list[Span]) -> list[Span]:
    """Make an organisation of every other use of a company's name the article writes once with its legal form
    (`Embraer` after `Embraer SA`)."""
    names = {e[:-1].text for e in ents if e.label_ == "ORG" and len(e) > 1 and
             e[-1].lower_.rstrip(".") in company_suffixes()}
    return [Span(doc, e.start, e.end, label="ORG") if e.text in names and e.label_ in ("PERSON", "GPE", "LOC",
            "PRODUCT", "NORP") and not e.ent_id_ else e for e in ents]


def _with_class_word(ent: Span) -> Span:
    """Return a weapon's name with the `class` after it that a ship noun follows (`Hobart class destroyers`)."""
    doc, end = ent.doc, ent.end
    if ent.label_ != "WEAPON" or end + 1 >= len(doc) or doc[end].lower_ != "class" or doc[end].head.i <= end:
        return ent
    return Span(doc, ent.start, end + 1, label="WEAPON", span_id=ent.ent_id_)


def _article_weapons(doc: Doc, ents: list[Span]) -> list[Span]:
    """Type as a weapon every other use of a name the article gives a weapon: the name before a weapon noun
    (`K2` of `K2 tanks`, `Wing Loong II` of `Wing Loong II combat drones`), its plural (`K2s`) and the plural of a
    designation's letters (`MiGs` after `MiG-29`), with the weapon's id."""
    names: dict[str, str] = {}
    for ent in ents:
        if ent.label_ != "WEAPON":
            continue
        end = ent.start
        while end < ent.end and not ent.doc[end].is_lower:
            end += 1
        if end > ent.start:
            name = doc[ent.start:end].text
            names.setdefault(name, ent.ent_id_)
            if DESIGNATION.fullmatch(name):
                names.setdefault(name.split("-")[0], ent.ent_id_)  # only its plural counts: `MiGs`
    if not names:
        return ents
    out = []
    for ent in ents:
        start = ent.start + (ent[0].lower_ == "the" and len(ent) > 1)
        text = doc[start:ent.end].text
        key = names.get(text, names.get(text[:-1]) if text.endswith("s") and len(text) >= 3 else None)
        retypable = ent.label_ in RETYPABLE or ent.label_ == "NORP" and text not in names  # `Borsuks`
        if key is None or not retypable or ent.ent_id_ or ent.label_ == "PERSON" and len(ent) > 1:
            out.append(ent)
        else:
            out.append(Span(doc, start, ent.end, label="WEAPON", span_id=key))
    return out


def _with_acronyms(doc: Doc, ents: list[Span]) -> list[Span]:
    """Label every use of initials the article defines like the name they stand for (`The RSF denied …`)."""
    doc.ents = ents
    acronyms = defined_acronyms(doc)
    if not acronyms:
        return ents
    names = [span for span in acronyms.values() if span not in ents]  # `Sudanese Armed Forces` over `Sudanese`
    ents = [e for e in ents if not any(e.start < n.end and n.start < e.end for n in names)] + names
    covered = {i for ent in ents for i in range(ent.start, ent.end)}
    more = [Span(doc, t.i, t.i + 1, label=acronyms[t.text].label_) for t in doc
            if t.text in acronyms and t.i not in covered]
    return sorted(ents + more, key=lambda e: e.start)


# geography only: an organisation's longer name (`Brazilian Air Force`) stays its country's
LONGER_NAME_LABELS = {"LOC", "FAC"}
NAME_LINKS = {"of", "for", "and", "de", "al"}  # lowercase words inside a name: `Gulf of Mexico`


def _kept_longer_names(doc: Doc, ents: list[Span], model_ents: list[tuple[int, int, str]]) -> list[Span]:
    """Put back a model entity of several words that a shorter gazetteer match inside it replaced, when the
    match is not the whole name but for a possessive: `South China Sea`, `Gulf of Mexico`, `Bank of England`."""
    for start, end, label in model_ents:
        if label not in LONGER_NAME_LABELS or end - start < 2:
            continue
        inside = [e for e in ents if start <= e.start and e.end <= end]
        crossing = [e for e in ents if e.start < end and start < e.end and e not in inside]
        if not inside or crossing or any(e.label_ in LONGER_NAME_LABELS and (e.start, e.end) == (start, end)
                                         for e in inside):
            continue
        if any(e.ent_id_ and load_gazetteer().lookup(doc[start:end].text) is not None for e in inside):
            continue  # the whole span is itself a listed name
        if doc[start].lower_ == "the":
            start += 1  # `the South China Sea`: the name starts after the article
        words = [t for t in doc[start:end] if not t.is_punct and t.tag_ != "POS"]
        if all(any(e.start <= t.i < e.end for e in inside) for t in words):
            continue  # nothing but the listed names: `Russia and Ukraine`
        if not all(t.is_title or t.is_upper or t.like_num or t.lower_ in NAME_LINKS for t in words):
            continue  # not a name but a misread phrase: `Kyiv the Army Tactical Missile Systems`
        ents = [e for e in ents if e not in inside] + [Span(doc, start, end, label=label)]
    return sorted(ents, key=lambda e: e.start)


def _unnamed_weapons(doc: Doc, adjectives: frozenset[str] = frozenset()) -> list[Span]:
    """Return designations and runs of proper nouns the NER left out that the text calls weapons: `Caracal
    helicopters`, `the Army Tactical Missile Systems`, `KC-390`, `Type 055 destroyer`."""
    found = []
    i = 0
    for k in _with_capitals(doc):  # a name or a designation has a capital: no Token for the other words
        if k < i:
            continue
        i, token = k, doc[k]
        if token.ent_type_ and token.ent_type_ not in ("WEAPON", "CARDINAL") or not (
                token.pos_ == "PROPN" and token.is_title or _is_designation(token) or
                _misread_name(token, adjectives)) or token.lower_.rstrip(".") in company_suffixes():
            # (`Lockheed Martin Corp F-35 jets`: the company's legal form is no weapon)
            continue
        j = i
        while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN" and not doc[j + 1].ent_type_:
            j += 1
        if j + 1 < len(doc) and doc[j + 1].text.isdigit() and doc[j].lower_ not in BLOCK_WORDS and \
                _weapon_noun_after(doc[i:j + 2]) is not None:
            j += 1  # `Type 055 destroyer`: a word and a number make the class's designation
        run = doc[i:j + 1]
        if _is_designation(token) and len(run) == 1:
            found.append(_designation_span(doc, i, j + 1))
        elif _weapon_noun_after(run) is not None:
            found.append(Span(doc, i, j + 1, label="WEAPON"))  # `Caracal helicopters`
        elif len(run) > 1 and _ends_in_weapon_head(run):
            found.append(Span(doc, i, j + 1, label="WEAPON"))  # `Army Tactical Missile Systems`
        i = j + 1
    return found


def _with_capitals(doc: Doc) -> list[int]:
    """Return the indices of the tokens with a capital letter, found by the Doc's ORTH ids."""
    orth = doc.to_array(ORTH)
    kinds = numpy.unique(orth)
    strings = doc.vocab.strings
    capitalised = kinds[[strings[int(k)] != strings[int(k)].lower() for k in kinds]]
    return numpy.flatnonzero(numpy.isin(orth, capitalised)).tolist()


def _with_rest_of_name(ent: Span) -> Span:
    """Return an unlisted place name with the proper nouns the NER cut off after it, when its last word is
    compounded onto them (`Gaviao` + `Peixoto`: the town is `Gaviao Peixoto`)."""
    if ent.ent_id_ or ent.label_ not in ("GPE", "LOC", "FAC"):
        return ent  # a place's name; an organisation's next word may be a title (`Defence` + `Minister`)
    doc, end = ent.doc, ent.end
    while end < len(doc) and doc[end - 1].dep_ == "compound" and doc[end - 1].head.i == end and \
            doc[end].pos_ == "PROPN" and doc[end].is_title and not doc[end].ent_type_:
        end += 1
    return ent if end == ent.end else Span(doc, ent.start, end, label=ent.label_)


NAME_PARTICLES = {"el", "al", "bin", "ibn", "abu", "ben"}  # `el-Sissi`, `al-Assad`: the rest of a name


def _particle_length(doc: Doc, i: int) -> int:
    """Return how many tokens from `i` are a particle and the name it joins (`el-Sissi`, `el - Sissi`), else 0."""
    if i >= len(doc) or doc[i].ent_type_:
        return 0
    word = doc[i].text
    if "-" in word and word.split("-", 1)[0].lower() in NAME_PARTICLES and word.split("-", 1)[1][:1].isupper():
        return 1
    if word.lower() in NAME_PARTICLES and i + 2 < len(doc) and doc[i + 1].text == "-" and doc[i + 2].is_title:
        return 3
    return 0


def _joined_person_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """Join a person's name the NER cut in two: two person names side by side (`Bilawal Bhutto` `Zardari`), or a
    name and the particle word after it (`Abdel Fattah` `el-Sissi`)."""
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        titled = prev is not None and prev[-1].lower_ in table("role_nouns", "noun", "refers_to")
        if prev is not None and prev.label_ == ent.label_ == "PERSON" and prev.end == ent.start and \
                not prev.ent_id_ and not ent.ent_id_ and not titled:
            # (not `Charlotte Mayor` + `Jennifer Roberts`: a title read as a name before the person)
            out[-1] = Span(doc, prev.start, ent.end, label="PERSON")
            continue
        if ent.label_ == "PERSON" and not ent.ent_id_:
            ent = Span(doc, ent.start, ent.end + _particle_length(doc, ent.end), label="PERSON")
        out.append(ent)
    return out


def _as_surname(ent: Span) -> Span:
    """Return a person's name where a people's name read as a demonym is a surname after a given name the NER
    left out (`Volker Turk said`): the demonym heads the name and is no modifier."""
    doc = ent.doc
    if ent.label_ != "NORP" or len(ent) != 1 or ent.start == 0 or ent.root.dep_ in ("amod", "compound", "poss"):
        return ent
    first = doc[ent.start - 1]
    if first.ent_type_ or first.pos_ != "PROPN" or not first.is_title or first.dep_ != "compound" or \
            first.head.i != ent.start or first.lower_ in rank_words():
        return ent
    return _unlisted_person(first, ent)  # not the people's id


def _section_label(ent: Span) -> bool:
    """True for an unlisted word that is a line of its own before a colon (`Background:`): a section's label."""
    doc = ent.doc
    return not ent.ent_id_ and _line_start(ent[0]) and ent.end < len(doc) and doc[ent.end].text == ":" and (
        ent.end + 1 == len(doc) or "\n" in doc[ent.end].text_with_ws or doc[ent.end + 1].is_space)


def _only_name_suffix(ent: Span) -> bool:
    """True for an 'entity' that is only the suffix of the name before it (`Gilberto C. Teodoro, Jr.`)."""
    return len(ent) == 1 and ent.text.lower().rstrip(".") in table("name_suffixes", "suffix")


def _another_persons_name(ent: Span) -> Span:
    """Return the whole name where a listed person's surname follows another given name (`Egyptian air force chief
    Mohamed Abbas` is not the listed Mahmoud Abbas): the given name and the surname, unlisted."""
    doc = ent.doc
    if ent.label_ != "PERSON" or not ent.ent_id_ or len(ent) != 1 or ent.start == 0:
        return ent
    entry = load_gazetteer().entries.get(ent.ent_id_)
    first = doc[ent.start - 1]
    given_alone = first.ent_type_ == "PERSON" and not first.ent_id_ and (
        first.i == 0 or doc[first.i - 1].ent_type_ != "PERSON")  # `Mohamed` read as a name of its own
    if entry is None or first.ent_type_ and not given_alone or first.pos_ != "PROPN" or not first.is_title or \
            first.lower_ in rank_words() or first.lower_ in table("honorifics", "word") or \
            first.lower_ in table("role_nouns", "noun", "refers_to") or \
            SequenceMatcher(None, first.text, entry.name.split()[0]).ratio() >= 0.8:
        return ent  # (`Vladmir Putin`: the listed one, misspelt)
    return _unlisted_person(first, ent)


def _unlisted_person(first, ent: Span) -> Span:
    """Return a person's name from the given name `first` to the end of `ent`, without the listed id `ent` had:
    spaCy reads a span's id from its root token, so the tokens' ids are cleared."""
    for token in ent:
        token.ent_id_ = ""
    return Span(ent.doc, first.i, ent.end, label="PERSON")


def _describes_a_country(ent: Span) -> bool:
    """True for an unlisted region word that only describes a country (`the Baltic country`, `the South-east
    Asian country`, `the Gulf state`; data/country_nouns.csv): a description, not a place the text names."""
    if ent.label_ != "LOC" or ent.ent_id_:
        return False
    head = ent.root
    while head.dep_ in ("amod", "compound", "nmod", "npadvmod") and head.head.i != head.i:
        head = head.head
    return head.i != ent.root.i and head.i >= ent.end and head.lemma_.lower() in table("country_nouns", "word")


def _only_rank(ent: Span) -> bool:
    """True for an unlisted 'name' that is only a rank (`Air Marshal` before the officer's name): a title."""
    return not ent.ent_id_ and ent.label_ in ("ORG", "PERSON") and all(t.lower_ in rank_words() for t in ent)


def _line_start(token) -> bool:
    doc = token.doc
    return token.i == 0 or "\n" in doc[token.i - 1].text_with_ws or doc[token.i - 1].is_space


def _datelines(doc: Doc, ents: list[Span]) -> list[Span]:
    """Make a place of a dateline's city: words in capitals that open a line and end before a comma, bracket,
    colon or dash (`LAGOS, Nigeria (AP) —`, `NEW DELHI:`), unless they are an editor's label (`WATCH:`,
    kg/extract/data/line_labels.csv)."""
    labels = table("line_labels", "label")
    flags_ = doc.to_array([IS_UPPER, IS_ALPHA])
    for i in numpy.flatnonzero(flags_[:, 0] & flags_[:, 1]):  # words in capitals only: no Token for the rest
        token = doc[int(i)]
        if not _line_start(token):
            continue
        end = token.i
        while end < len(doc) and doc[end].is_upper and doc[end].is_alpha:
            end += 1
        if end >= len(doc) or doc[end].text not in DATELINE_END or len(doc[end - 1]) < 3 or \
                doc[token.i:end].text.lower() in labels:
            continue
        crossing = [e for e in ents if e.start < end and token.i < e.end]
        if any(e.ent_id_ or (e.start < token.i or e.end > end) and e.label_ != "GPE" for e in crossing):
            continue  # a listed name, or a longer one (`UNITED NATIONS (Reuters)` is left as it is); a part of
            # the city's name (`SAO` of `SAO PAULO —`) gives way
        ents = [e for e in ents if e not in crossing] + [Span(doc, token.i, end, label="LOC")]
    return sorted(ents, key=lambda e: e.start)


def _credits(doc: Doc, ents: list[Span]) -> list[Span]:
    """Make a person of the photographer in a credit (`REUTERS/Kacper Pempel`, `AP Photo/Denes Erdos`, `REUTERS/Ints
    Kalnins/File Photo`): two to four capitalised words after a slash that follows an agency in capitals or a
    credit word, up to the next slash, bracket or the line's end. An entity read across the credit gives way,
    keeping the agency."""
    for i in numpy.flatnonzero(doc.to_array(ORTH) == doc.vocab.strings["/"]):  # the slashes only
        slash = doc[int(i)]
        if slash.i == 0 or not (doc[slash.i - 1].is_upper and doc[slash.i - 1].is_alpha or
                                doc[slash.i - 1].lower_ in CREDIT_WORDS):
            continue
        start = end = slash.i + 1
        while end < len(doc) and doc[end].is_title and doc[end].is_alpha and "\n" not in doc[end - 1].text_with_ws:
            end += 1
        if not 2 <= end - start <= 4 or doc[end - 1].lower_ in CREDIT_WORDS or \
                end < len(doc) and doc[end].text not in ("/", ")", "]") and not doc[end].is_space and \
                "\n" not in doc[end - 1].text_with_ws:
            continue
        agency = doc[slash.i - 1]
        crossing = [e for e in ents if e.start < end and agency.i < e.end
                    and (e.start, e.end) != (agency.i, agency.i + 1)]
        keep = [Span(doc, agency.i, agency.i + 1, label="ORG")] if agency.is_upper and any(
            e.start <= agency.i for e in crossing) else []
        ents = [e for e in ents if e not in crossing] + keep + [Span(doc, start, end, label="PERSON")]
    # what a credit leaves, `File Photo` after the photographer, is no name
    ents = [e for e in ents if not (e.ent_id_ == "" and e[-1].lower_ in CREDIT_WORDS and e.start > 0 and
                                    doc[e.start - 1].text == "/")]
    # a caption's `NAME Credit: SOURCE`: the word `Credit` is no part of the photographer's name
    ents = [Span(doc, e.start, e.end - 1, label=e.label_) if e.label_ == "PERSON" and len(e) > 2 and
            e[-1].text == "Credit" and e.end < len(doc) and doc[e.end].text == ":" else e for e in ents]
    return sorted(ents, key=lambda e: e.start)


def _misread_name(token, adjectives: frozenset[str]) -> bool:
    """True for a capitalised word the tagger read as an adjective that English does not have (`Caracal`)."""
    return bool(adjectives) and token.pos_ == "ADJ" and token.is_title and token.is_alpha and \
        token.lower_ not in adjectives and not token.ent_type_


def _weapon_noun_after(span: Span):
    """Return the weapon noun a name modifies, right after it or through nouns compounded onto it (`Caracal
    helicopters`, `Kaan fighter jets`): a noun that is a weapon on its own, or one that needs a modifier
    (`systems`) when a noun of the chain is a weapon on its own or a transfer verb moves it (`ordered 22
    Skyranger systems`). None when the name modifies no weapon noun."""
    heads = weapon_heads()
    doc = span.doc
    node, k = span.root, span.end
    chain = []
    while node.head.i == k and k < len(doc) and doc[k].pos_ == "NOUN":
        node, k = doc[k], k + 1
        chain.append(node)
        if node.dep_ != "compound":
            break
    if not chain or chain[-1].dep_ == "compound":
        chain = _modified_noun(span)  # `Caracal military transport helicopters`: other modifiers between
        if not chain:
            return None
    head = chain[-1]
    lemma = head.lemma_.lower()
    if lemma not in heads:
        return None
    if not heads[lemma] or any(heads.get(t.lemma_.lower()) is False for t in chain[:-1]):
        return head
    moved = head.dep_ in ("dobj", "nsubjpass") and head.head.lemma_.lower() in transfer_verbs()
    return head if moved else None


NP_MODIFIERS = {"ADJ", "NOUN", "NUM", "VERB", "PUNCT", "PROPN"}  # what may stand between a name and its noun


def _modified_noun(span: Span) -> list:
    """Return the nouns from a name to the noun it modifies a few words on, through other modifiers of that
    noun (`Caracal military transport helicopters`, `Atmos 2000 self-propelled artillery systems`), the
    modified noun last; empty when the name modifies no noun after it."""
    doc, root = span.doc, span.root
    head = root.head
    if root.dep_ not in ("compound", "amod", "nmod") or head.pos_ != "NOUN" or not 0 <= head.i - span.end <= 5:
        return []
    between = doc[span.end:head.i]
    if any(t.pos_ not in NP_MODIFIERS or t.pos_ == "PUNCT" and t.text != "-" or t.pos_ == "VERB" and
           t.dep_ != "amod" or head not in t.ancestors for t in between):
        return []
    return [t for t in between if t.pos_ == "NOUN"] + [head]


def _ends_in_weapon_head(span: Span) -> bool:
    heads = weapon_heads()
    last = _head_lemma(span[-1])
    return last in heads and (not heads[last] or any(
        _head_lemma(t) in heads and not heads[_head_lemma(t)] for t in span[:-1]))


def _head_lemma(token) -> str:
    """Return the word's lemma, also for a capitalised plural the lemmatizer keeps (`Systems`)."""
    lemma = token.lemma_.lower()
    if lemma not in weapon_heads() and lemma.endswith("s") and lemma[:-1] in weapon_heads():
        return lemma[:-1]
    return lemma


def _retyped(ent: Span) -> Span:
    if ent.ent_id_ or ent.label_ not in RETYPABLE:
        return ent
    doc = ent.doc
    if len(ent) == 1 and _is_designation(ent[0]) or ent.label_ != "WEAPON" and _names_weapon(ent):
        return _designation_span(doc, ent.start, ent.end) if _is_designation(ent[0]) else Span(
            doc, ent.start, ent.end, label="WEAPON", span_id=_listed_weapon_key(ent) or "")
    if len(ent) == 2 and _is_designation(ent[0]) and VARIANT_SUFFIX.fullmatch(ent[1].text):
        # `Su-30 MKI`, `MiG-29 SMT`: a designation and its variant letters written apart
        gazetteer = load_gazetteer()
        entry = gazetteer.lookup(ent[0].text + ent[1].text) or gazetteer.lookup(ent[0].text)
        return Span(doc, ent.start, ent.end, label="WEAPON",
                    span_id=entry.key if entry is not None and entry.kind == "Weapon" else "")
    if ent.label_ == "ORG" and len(ent) >= 3 and ent[0].lower_ in rank_words():
        first = next((t.i for t in ent if t.lower_ not in rank_words()), ent.end)
        if ent.end - first >= 2 and all(t.is_title for t in doc[first:ent.end]):
            return Span(doc, first, ent.end, label="PERSON")  # `Air Marshal Sadique Abubakar`
    return ent


def _is_designation(token) -> bool:
    if not DESIGNATION.fullmatch(token.text) or token.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT"):
        return False
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return after is None or after.lower_ not in NOT_AFTER_DESIGNATION


def _designation_span(doc: Doc, start: int, end: int) -> Span:
    """Return the weapon span of a designation, with a `Block III` that follows it."""
    if end + 1 < len(doc) and doc[end].lower_ in BLOCK_WORDS and (doc[end + 1].like_num or
                                                                  re.fullmatch(r"[IVX]+", doc[end + 1].text)):
        end += 2
    # a listed designation the ruler missed for its case (`MI-35` for `Mi-35`) keeps its gazetteer key
    entry = load_gazetteer().lookup(doc[start:end].text) or load_gazetteer().lookup(doc[start].text)
    return Span(doc, start, end, label="WEAPON", span_id=entry.key if entry is not None and entry.kind == "Weapon"
                else "")


def _as_listed_variant(ent: Span) -> Span:
    """Return a weapon name with the listed system it is a variant of: a block after the system (`JF-17 Block
    III`, part of the span, the system's id kept) or an export letter on its designation (`Su-57E` -> Su-57)."""
    if ent.label_ != "WEAPON":
        return ent
    doc = ent.doc
    key = ent.ent_id_
    if not key and len(ent) == 1 and load_gazetteer().lookup(ent.text) is None:
        base = DESIGNATION_BASE.match(ent.text)
        entry = load_gazetteer().lookup(base.group(0)) if base and base.group(0) != ent.text else None
        key = entry.key if entry is not None and entry.kind == "Weapon" else ""
    end = _designation_span(doc, ent.start, ent.end).end if _is_designation(doc[ent.end - 1]) else ent.end
    if (key, end) == (ent.ent_id_, ent.end):
        return ent
    return Span(doc, ent.start, end, label="WEAPON", span_id=key)


def designation_name(name: str) -> str:
    """Return the designation an unlisted weapon's name is built around when only capitalised words surround it,
    a maker before and a nickname after (`Bell AH-1Z Viper` -> `AH-1Z`); else the name as it is (`MEKO A-200`:
    letters in capitals belong to the designation)."""
    words = name.split()
    at = [i for i, w in enumerate(words) if DESIGNATION.fullmatch(w)]
    if len(words) < 2 or len(at) != 1:
        return name
    others = words[:at[0]] + words[at[0] + 1:]
    return words[at[0]] if all(w.isalpha() and w.istitle() for w in others) else name


def _names_weapon(ent: Span) -> bool:
    """True when the text calls the name a weapon: it heads a weapon noun, ends in one with a weapon
    modifier, or is the plural of a listed weapon."""
    if ent.label_ not in ("GPE",) and _weapon_noun_after(ent) is not None:
        return True  # `Caracal helicopters`, `Atmos howitzers`, `Kaan fighter jets`
    if len(ent) > 1 and _ends_in_weapon_head(ent):
        return True  # `Army Tactical Missile Systems`
    return _listed_weapon_key(ent) is not None


def _listed_weapon_key(ent: Span) -> str | None:
    """Return the gazetteer key of the weapon a plural names (`K2s`, `Dassault Rafales`)."""
    text = ent[-1].text
    if len(text) < 3 or not text.endswith("s"):
        return None
    entry = load_gazetteer().lookup(text[:-1])
    return entry.key if entry is not None and entry.kind == "Weapon" else None


def _places(doc: Doc, ents: list[Span]) -> list[Span]:
    """Make a place of every person or organisation name the article only meets as a location (`in Sokoto`)."""
    by_text: dict[str, list[Span]] = {}
    for ent in ents:
        by_text.setdefault(ent.text, []).append(ent)
    places = {text for text, spans in by_text.items()
              if all(e.label_ in ("PERSON", "ORG", "GPE", "LOC") and not e.ent_id_ for e in spans) and any(
                  e.label_ in ("PERSON", "ORG") for e in spans) and (
                  all(_as_location(e) for e in spans) or any(_named_as_place(e) for e in spans))}
    return [Span(doc, e.start, e.end, label="LOC") if e.text in places else e for e in ents]


def _named_as_place(ent: Span) -> bool:
    """True for a name the text itself calls a place, whatever its other uses: before a place noun (`Zamfara
    state`, `the Indo-Pacific region`), in apposition to one (`its capital, Gusau`), or owning one (`Zamfara's
    capital`)."""
    root = ent.root
    head = root.head
    if head.i == root.i or head.lemma_.lower() not in PLACE_NOUNS | {"capital"}:
        return False
    return root.dep_ in ("compound", "appos", "poss") and (root.dep_ != "compound" or head.i == ent.end)


def _as_location(ent: Span) -> bool:
    """True for a name that is where something happens: the object of `in`, `at`, `near` …, or a modifier of one
    (`in Zamfara state`); one of the places a place noun lists (`states including Zamfara, Sokoto and Kebbi`);
    or where something is based (`the Düsseldorf-based company`)."""
    root = ent.root
    if root.dep_ == "npadvmod" and root.head.lower_ in PLACE_PARTICIPLES:
        return True
    while root.dep_ == "conj" and root.head.i < root.i:
        root = root.head  # a later name of a list is placed like the first
    node = root.head if root.dep_ == "compound" and root.head.pos_ in ("NOUN", "PROPN") else root
    if node is not root and node.lower_ not in PLACE_NOUNS:
        return False
    if node.dep_ != "pobj":
        return False
    prep = node.head
    return prep.lower_ in LOCATIVE or prep.lower_ in EXAMPLE_PREPS and prep.head.lemma_.lower() in PLACE_NOUNS
