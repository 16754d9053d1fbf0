"""Find arms supplies, who supplies which weapons to whom, in a parsed article.

A transfer verb (data/transfer_verbs.csv) gives the roles: for `give` verbs
(sell, send, provide …) the subject supplies and `to`/`for`/the indirect object
receives; for `receive` verbs (buy, purchase …) the subject receives and `from`
names the supplier (`buy X from Y`), while `buy X for Z` makes Z the recipient
and the subject the payer; `request` verbs (seek, ask) mark a request, from
whoever is asked (`ask Berlin for Taurus missiles`). Subjects of
infinitives come from the controlling verb (`urge allies to purchase` → allies).
The status comes from modals, governing verbs, tense and negation
(data/status_words.csv). Items are weapon systems from the gazetteer or generic
items (`weapons`, `arms`); `them`/`those` point back to the last item named in
the sentence or the one before. Transfer nouns (data/transfer_nouns.csv:
shipments, aid, packages …) carry their items after `of`, `including` or the
verb `include`; `…, including X and Y` adds one supply per named item.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from enum import StrEnum

import numpy
from spacy.attrs import LEMMA
from spacy.tokens import Doc, Span, Token

from kg.extract.antecedents import (AGENT_LABELS, acting_antecedent, entity_for, nearest_subject,
                                     previous_sentence_start, pronouns, title_country, warned_party)
from kg.extract.entities import doc_ents, doc_text
from kg.extract.tables import flags, table
from kg.gazetteer import load_gazetteer
from kg.types import Mention, Supply

ITEM_PRONOUNS = pronouns("group", "thing", "demonstrative")  # `sent them`, `those`
AGENT_PRONOUNS = pronouns("person", "group", "thing", "speaker")  # `it will send`, `we will buy`
RELATIVE_PRONOUNS = {"that", "which"}
INCLUDE_VERBS = {"include", "contain", "comprise"}  # `the package includes X`: X is transferred
RECEIVING_GOVERNORS = {"take", "accept", "await"}  # `took delivery of X from Y`: the subject receives
MADE_IN_SUFFIXES = ("-made", "-built", "-produced", "-manufactured")
ORDER_NOUNS = {"order", "contract"}  # what a seller receives or wins: `received an order for X from Y`
DEAL_NOUNS = {"deal", "order"}  # a buyer's deal or order for items (data/receiving_nouns.csv lists them)
DEAL_MAKING_VERBS = {"sign", "ink", "approve", "announce", "reach", "conclude", "finalize", "finalise", "seal", "adopt",
                     "make", "take", "win", "unveil", "launch", "secure", "clinch", "strike", "agree", "place"}
DEFENCE_WORDS = {"defence", "defense", "military", "arms"}  # `defence exports`: weapons, named in general
CONTRACT_NOUNS = {"contract", "deal", "agreement", "order"}  # `a contract to buy X`: what the status of X hangs on
CAUSATIVES = {"let", "allow", "permit", "authorize", "authorise", "approve", "enable", "clear"}


class SupplyRule(StrEnum):
    """The rules that find a supply; the value is what the graph records as its `kg:rule`."""
    TRANSFER_GIVE = "transfer-give"        # a verb of giving: `Germany sent tanks to Ukraine`
    TRANSFER_RECEIVE = "transfer-receive"  # of receiving: `Poland bought K2 tanks from South Korea`
    TRANSFER_REQUEST = "transfer-request"  # of asking: `Ukraine asked Germany for Taurus missiles`
    TRANSFER_FLOW = "transfer-flow"        # of moving: `F-16 jets arrived in Ukraine from Denmark`
    TRANSFER_NOUN = "transfer-noun"        # a noun: `shipments of Patriot interceptors to Ukraine`
    TRADE_PARTNER = "trade-partner"        # a relation: `Russia, one of Egypt's major arms suppliers`
    CONTRACT_AWARD = "contract-award"      # a contract given: `the Pentagon awarded Lockheed a contract for F-35s`


# How far a supply of each rule is trusted (its kg:confidence); a verb's supply that states one side only gets
# ONE_SIDED, and a side filled from the rest of the article (FROM_CONTEXT added to the rule) costs a quarter.
CONFIDENCE: dict[SupplyRule, float] = {
    SupplyRule.TRANSFER_GIVE: 0.8, SupplyRule.TRANSFER_RECEIVE: 0.8, SupplyRule.TRANSFER_REQUEST: 0.8,
    SupplyRule.TRANSFER_FLOW: 0.8, SupplyRule.TRANSFER_NOUN: 0.6, SupplyRule.TRADE_PARTNER: 0.6,
    SupplyRule.CONTRACT_AWARD: 0.8,
}
ONE_SIDED = 0.5
FROM_CONTEXT = "+context"
CONTEXT_DISCOUNT = 0.75


def transfer_verbs() -> dict[str, str]:
    """Return transfer-verb lemma -> role (give, receive, request, flow, award, win, hold)."""
    return table("transfer_verbs", "lemma", "role")


def transfer_nouns() -> frozenset[str]:
    """Return nouns that name a transfer (`shipments of X to Y`)."""
    return table("transfer_nouns", "lemma")


def receiving_nouns() -> frozenset[str]:
    """Return nouns that name a transfer from the receiver's side (`Poland's purchase of X from the US`)."""
    return table("receiving_nouns", "lemma")


def quantity_nouns() -> frozenset[str]:
    """Return nouns that measure an item (`hundreds of X`, `large amounts of X`)."""
    return table("quantity_nouns", "lemma")


def status_words() -> dict[str, str]:
    """Return word or lemma -> the supply status it signals."""
    return table("status_words", "word", "status")


Speakers = list[tuple[int, int, Mention]]  # (claim start, claim end, who its pronouns can point to)


def find_supplies(doc: Doc, body_start: int = 0, speakers: Speakers | None = None) -> list[Supply]:
    """Return every supply stated in the document after `body_start`.

    `speakers` gives, for each claim, who `he`/`we`/`they` inside it can point
    to: the person who said it, or the country a group of speakers acts for.
    """
    found: list[Supply] = []
    last_item: Mention | None = None
    nouns = transfer_nouns() | receiving_nouns()
    for token in _tokens_with_lemmas(doc, transfer_verbs().keys() | SUPPLIER_NOUNS | CUSTOMER_NOUNS | nouns):
        if token.idx < body_start:
            continue
        role = transfer_verbs().get(token.lemma_.lower())
        if role is not None and token.pos_ in ("VERB", "AUX"):
            supply = _supply_at(token, role, last_item, found, speakers or [])
            supplies = [] if supply is None else list(dict.fromkeys(  # once each: the splits can coincide
                split for joined in _joined(supply, token) for one in _with_included(joined, token)
                for split in _split_suppliers(one, token, speakers or [])))
        elif token.pos_ == "NOUN" and token.lemma_.lower() in SUPPLIER_NOUNS | CUSTOMER_NOUNS:
            supply = _trade_partner(token, found, speakers or [])
            supplies = [] if supply is None else _split_suppliers(supply, token, speakers or [])
        elif token.pos_ == "NOUN" and token.lemma_.lower() in nouns and not _covered(token):
            supplies = [split for one in _noun_supplies(token, last_item, found, speakers or [])
                        for split in _split_suppliers(one, token, speakers or [])]
        else:
            continue
        for supply in supplies:
            found.append(supply)
            last_item = supply.item
    countries = _countries_named(doc) if any(s.supplier is None or s.recipient is None for s in found) else []
    completed = [_completed(supply, found, countries) for supply in found]
    # a second pass lets a side filled from context carry on to the supplies of the same sentence
    # (`Iraq will join Malaysia and Nigeria in receiving the jets`: all from whoever supplies Iraq)
    completed = [_completed(supply, completed, countries) if supply in found else supply for supply in completed]
    return [_supplied_by_country_in_focus(supply, countries) for supply in completed]


def _tokens_with_lemmas(doc: Doc, lemmas: set[str]) -> list[Token]:
    """Return the tokens whose lowercased lemma is one of `lemmas`, found by the lemma ids of the Doc (a Token
    object for each of its tokens costs more)."""
    ids = doc.to_array(LEMMA)
    kinds = numpy.unique(ids)
    wanted = kinds[[doc.vocab.strings[int(k)].lower() in lemmas for k in kinds]]
    return [doc[int(i)] for i in numpy.flatnonzero(numpy.isin(ids, wanted))]


def _completed(supply: Supply, found: list[Supply], countries: list[tuple[str, Span]]) -> Supply:
    """Give a supply the side its clause leaves unstated from the article: where the item was made (`US-made`),
    else, when no other supply of the same item states a supplier, the country that makes the item if the
    article names it (_maker_named), else the nearest other supply of the same item, or with the same other side,
    that states it (`Morocco received the drones it ordered`, after `Turkey's drone sales to Morocco`). Otherwise
    the side stays unknown (a supplier may still come from _supplied_by_country_in_focus)."""
    for side, other in (("supplier", "recipient"), ("recipient", "supplier")):
        if getattr(supply, side) is not None or getattr(supply, other) is None:
            continue
        known = getattr(supply, other)
        candidates = [s for s in found if s is not supply and getattr(s, side) is not None
                      and getattr(s, side).text != known.text
                      and (_same_item(s.item, supply.item) or getattr(s, other) is not None
                           and getattr(s, other).text == known.text)]
        filled = supply.made_in if side == "supplier" and supply.made_in is not None and \
            supply.made_in.text != known.text else None
        if filled is None and side == "supplier" and not any(_same_item(s.item, supply.item) for s in candidates):
            filled = _maker_named(supply, countries)
        if filled is None and candidates:
            nearest = min(candidates, key=lambda s: (s.start > supply.start, abs(s.start - supply.start)))
            filled = getattr(nearest, side)
        if filled is not None:
            return replace(supply, **{side: filled}, rule=f"{supply.rule}{FROM_CONTEXT}",
                           confidence=round(supply.confidence * CONTEXT_DISCOUNT, 2))
    return supply


def _countries_named(doc: Doc) -> list[tuple[str, Span]]:
    """Return (country key, mention) for every mention of a country, by name, capital or demonym, in order."""
    gazetteer = load_gazetteer()
    named = ((gazetteer.country(ent.text), ent) for ent in doc_ents(doc) if ent.label_ in ("GPE", "NORP"))
    return [(entry.key, ent) for entry, ent in named if entry is not None]


def _maker_named(supply: Supply, countries: list[tuple[str, Span]]) -> Mention | None:
    """Return the first mention of the country that makes the supply's item (data/weapon_origins.csv) when the
    article names it and it is not the recipient: `Indonesia has yet to receive any of the Rafale jets` in a
    story that names France. A maker the article never names may have sold through others (second-hand jets,
    licence builds), so it is not assumed."""
    if supply.item is None or supply.recipient is None:
        return None
    maker = _maker_of(supply.item)
    recipient = load_gazetteer().country(supply.recipient.text)
    if maker is None or recipient is not None and recipient.key == maker:
        return None
    named = next((ent for key, ent in countries if key == maker), None)
    return _mention(named) if named is not None else None


def _supplied_by_country_in_focus(supply: Supply, countries: list[tuple[str, Span]]) -> Supply:
    """Give a supply with a recipient and no supplier, after _completed, the country the article names most
    besides the recipient, when it names it at least twice and more often than any other: `Saudi Arabia agreed a
    deal that includes missiles` in a story of a US president's visit and American companies. Only the supplier:
    filling a recipient so lost more pairs than it found on news-dev and news-extra."""
    if supply.supplier is not None or supply.recipient is None:
        return supply
    recipient = load_gazetteer().country(supply.recipient.text)
    counts = Counter(key for key, ent in countries
                     if ent.text != supply.recipient.text and (recipient is None or key != recipient.key))
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or len(ranked) == 2 and ranked[1][1] == ranked[0][1]:
        return supply
    first = next(ent for key, ent in countries if key == ranked[0][0])
    return replace(supply, supplier=_mention(first), rule=f"{supply.rule}{FROM_CONTEXT}",
                   confidence=round(supply.confidence * CONTEXT_DISCOUNT, 2))


def _same_item(a: Mention, b: Mention) -> bool:
    return (a.key is not None and a.key == b.key) or a.text.lower() == b.text.lower()


SUPPLIER_NOUNS = {"supplier", "provider", "exporter", "seller", "vendor"}
CUSTOMER_NOUNS = {"customer", "client", "buyer", "importer", "purchaser"}


def _trade_partner(noun: Token, previous: list[Supply], speakers: Speakers) -> Supply | None:
    """An arms trade stated as a relation: `Russia, one of Egypt's major arms suppliers`, `Morocco selected
    Elbit Systems as its primary defence supplier`, `The UAE, one of the French defence industry's biggest
    customers`. The possessor is the other party; the item is what the noun's modifiers name, else weapons."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    referent = _referent(noun)
    if owner is None or referent is None:
        return None
    modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
    # `Egypt's main gas supplier`: not arms; `the French defence industry's customers`: arms; `the United States,
    # its main supplier,` in a sentence of the missiles it is asked for: arms
    weapons_named = [m for t in noun.sent if t.pos_ == "NOUN" and (m := _item(t, None)) is not None]
    if not any(c.lower_ in DEFENCE_WORDS or _item(c, None) is not None for c in modifiers) and \
            not any(t.lower_ in DEFENCE_WORDS for t in owner.subtree) and (_modifiers_name_a_trade(modifiers) or
                                                                         not weapons_named):
        return None
    modifiers += [t for t in owner.subtree if t.lower_ in DEFENCE_WORDS]
    item = next((m for c in modifiers if (m := _item(c, None)) is not None and c.lower_ not in DEFENCE_WORDS), None)
    item = item or next((Mention(c.text, "WEAPON", c.idx, c.idx + len(c.text), "weapons")
                         for c in modifiers if c.lower_ in DEFENCE_WORDS), None) or weapons_named[0]
    if owner.lower_ in ("its", "their") and referent.head.pos_ in ("VERB", "AUX"):
        owner_m = _agent(_subject(referent.head), previous, speakers, noun)  # `Morocco selected X as its supplier`
    else:  # (`its` is the body its clause is about: `Ukraine … but the United States, its main supplier,`)
        owner_m = _agent(owner, previous, speakers, noun) if owner.lower_ != "their" else None
    referent_m = _agent(referent, previous, speakers, noun)
    if owner_m is None or referent_m is None or owner_m.text == referent_m.text:
        return None
    supplier, recipient = (referent_m, owner_m) if noun.lemma_.lower() in SUPPLIER_NOUNS else (owner_m, referent_m)
    sent = noun.sent
    return Supply(supplier=supplier, recipient=recipient, item=item, status="ongoing", evidence=sent.text.strip(),
                  start=sent.start_char, end=sent.end_char, rule=SupplyRule.TRADE_PARTNER,
                  confidence=CONFIDENCE[SupplyRule.TRADE_PARTNER])


def _modifiers_name_a_trade(modifiers: list[Token]) -> bool:
    """True when a relation noun's modifiers name what is traded, and it is not arms (`gas supplier`)."""
    return any(c.pos_ in ("NOUN", "PROPN") and c.dep_ in ("compound", "nmod") for c in modifiers)


def _referent(noun: Token) -> Token | None:
    """Return what a relation noun describes: its apposition's head (`Russia, one of … suppliers`), the
    subject of `is` (`X is Egypt's supplier`), or the object of `selected X as …`."""
    node = noun
    if node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.lower_ in ("one", "among"):
        node = node.head.head  # `one of Egypt's suppliers`
    if node.dep_ == "appos":
        return node.head
    if node.dep_ == "attr" and node.head.lemma_ in ("be", "become", "remain"):
        subject = next((c for c in node.head.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.lower_ in ("which", "who", "that") and node.head.dep_ == "relcl":
            return node.head.head  # `Russia, which has become one of Egypt's suppliers`
        return subject
    if node.dep_ == "pobj" and node.head.lower_ == "as" and node.head.head.pos_ == "VERB":
        return next((c for c in node.head.head.children if c.dep_ in ("dobj", "obj")), None)
    return None


def _with_included(supply: Supply, verb: Token) -> list[Supply]:
    """Return the supply and one more per item conjoined with its item (`sent Shahed drones and ballistic
    missiles`) or named after `including` (`sent a package of weapons to Ukraine, including Storm Shadow
    missiles`)."""
    doc = verb.doc
    tokens = _included(verb)
    if supply.item.start >= verb.sent.start_char:  # named here, not a pronoun's antecedent
        span = doc.char_span(supply.item.start, supply.item.end, alignment_mode="expand")
        if span is not None:
            tokens = list(span.root.conjuncts) + _included(span.root) + tokens
    more = _each_item_once([(t, m) for t in tokens if (m := _item(t, None)) is not None], supply.item)
    return [supply] + [replace(supply, item=item, quantity=_quantity(token)) for token, item in more]


def _each_item_once(items: list[tuple[Token, Mention]], *named: Mention) -> list[tuple[Token, Mention]]:
    """Return the (token, item) pairs without a second mention of the same item span, nor one of `named`."""
    seen = {(m.start, m.end) for m in named}
    out = []
    for token, item in items:
        if (item.start, item.end) not in seen:
            seen.add((item.start, item.end))
            out.append((token, item))
    return out


def _covered(noun: Token) -> bool:
    """True for a transfer noun another rule reads: the object of a transfer verb (`sent a package of weapons`)
    or a modifier of another transfer noun (`aid` in `aid package`)."""
    head = noun.head
    if noun.dep_ == "compound":
        return head.lemma_.lower() in transfer_nouns()
    return noun.dep_ in ("dobj", "obj", "nsubjpass") and head.pos_ in ("VERB", "AUX") and \
        head.lemma_.lower() in transfer_verbs()


def _noun_supplies(noun: Token, last_item: Mention | None, previous: list[Supply],
                   speakers: Speakers) -> list[Supply]:
    """A transfer written as a noun: `The US paused shipments of Patriot interceptors to Ukraine`, `a new aid
    package for Ukraine that includes Stinger missiles and Javelins` (one supply per item)."""
    governor = _governing_verb(noun)
    items = [(token, item) for token in _noun_items(noun, governor) if (item := _item(token, last_item)) is not None]
    if not items:
        return []
    preps = _prep_objects(noun)
    # `Berlin's approval of the sale of X to Y`: the noun framing the transfer gives its owner and status
    framing = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" and \
        noun.head.head.pos_ == "NOUN" else None
    owner = next((c for t in (noun, framing) if t is not None for c in t.children if c.dep_ == "poss"), None)
    carried = [t for token, _ in items for t in (token, *(c for c in token.children if c.dep_ == "acl"))]
    for other in ([governor] if governor is not None else []) + carried:  # `tanks from the US`, `drones bought from`
        preps.update({k: v for k, v in _prep_objects(other).items() if k not in preps})
    if governor is None and noun.dep_ in ("nsubj", "nsubjpass") and noun.head.pos_ in ("VERB", "AUX"):
        # `Turkey's arms exports rose sharply to Morocco`: the noun's own verb says where they go
        preps.update({k: v for k, v in _prep_objects(noun.head).items() if k not in preps})
    for token, _ in items:  # `a sale of Tomahawk missiles worth $895 million to Australia`: deep in the phrase
        for t in token.subtree:
            if t.i > token.i and t.dep_ == "prep" and t.lower_ in ("to", "from") and t.lower_ not in preps:
                pobj = next((c for c in t.children if c.dep_ == "pobj"), None)
                if pobj is not None and entity_for(pobj) is not None:
                    preps[t.lower_] = pobj
    governed_by = _subject(governor) if governor is not None else None
    approver = _approver(noun) if governed_by is None else None
    governed_by = governed_by if approver is None else approver
    if noun.lemma_.lower() in receiving_nouns():  # `Poland's purchase of X from the US`
        # the governing verb's subject buys only when it acts on the purchase (`approved the procurement of`),
        # not in `officials plan to discuss arms purchases with Europe`
        acting = approver is not None or governor is not None and governor.lemma_.lower() in {
            *status_words(), *DEAL_MAKING_VERBS, "complete"}
        supplier, recipient = preps.get("from"), owner or (governed_by if acting else None)
        if noun.lemma_.lower() in DEAL_NOUNS and supplier is None:
            supplier = preps.get("with")  # `signed a deal with France for 80 Rafale jets`: the other party sells
    elif governor is not None and governor.lemma_.lower() in RECEIVING_GOVERNORS:  # `took delivery of X from Y`
        supplier, recipient = preps.get("from") or owner, governed_by
    else:  # `deliveries of X to Poland by Hanwha Aerospace`
        supplier = owner or preps.get("from") or preps.get("by") or governed_by
        recipient = preps.get("to") or preps.get("for")
    supplier_m = _agent(supplier, previous, speakers, noun)
    recipient_m = _agent(recipient, previous, speakers, noun)
    if supplier_m is None and recipient_m is None:
        between = _deal_between(noun.sent)
        made_by = [_maker_of(item) for _, item in items]
        if between is None or len(set(made_by)) != 1 or made_by[0] not in between:
            return []
        supplier_m, recipient_m = (_mention(between[made_by[0]]),
                                   _mention(next(v for k, v in between.items() if k != made_by[0])))
    status = next((status_words()[t.lemma_.lower()] for t in (framing, governor)
                   if t is not None and t.lemma_.lower() in status_words()), None)
    if status is None:
        role = "receive" if noun.lemma_.lower() in receiving_nouns() else "give"  # a finalised purchase: purchased
        status = _status(governor, role) if governor is not None and governor.pos_ == "VERB" else "ongoing"
    sent = noun.sent
    return [Supply(supplier=supplier_m, recipient=recipient_m, item=item, status=status, evidence=sent.text.strip(),
                   start=sent.start_char, end=sent.end_char, rule=SupplyRule.TRANSFER_NOUN,
                   confidence=CONFIDENCE[SupplyRule.TRANSFER_NOUN], quantity=_quantity(token),
                   made_in=_agent(_made_in(token), previous, speakers, noun))
            for token, item in _each_item_once(items)]


def _deal_between(sentence: Span) -> dict[str, Span] | None:
    """Return country key -> mention for the two countries of `a deal between Russia and Nigeria` in the sentence,
    which leaves who sells to the item (_maker_of)."""
    gazetteer = load_gazetteer()
    for token in sentence:
        if token.lower_ != "between" or token.head.lemma_.lower() not in DEAL_NOUNS | WON_NOUNS | {"agreement"}:
            continue
        first = next((c for c in token.children if c.dep_ == "pobj"), None)
        sides = [entity_for(t) for t in ([first, *first.conjuncts] if first is not None else [])]
        keys = [gazetteer.country(e.text) for e in sides if e is not None]
        if len(sides) == 2 and len(keys) == 2 and None not in keys and keys[0].key != keys[1].key:
            return {keys[0].key: sides[0], keys[1].key: sides[1]}
    return None


def _maker_of(item: Mention) -> str | None:
    """Return the key of the country that makes a listed weapon (data/weapon_origins.csv)."""
    gazetteer = load_gazetteer()
    entry = gazetteer.entries.get(item.key) if item.key is not None else None
    maker = gazetteer.by_iso2.get(entry.country) if entry is not None and entry.kind == "Weapon" and entry.country \
        else None
    return maker.key if maker is not None else None


def approval_nouns() -> frozenset[str]:
    """Return the phrases that grant a transfer (`the go-ahead for the sale of X`; data/approval_nouns.csv)."""
    return table("approval_nouns", "phrase")


def _approver(noun: Token) -> Token | None:
    """Return who grants the transfer a noun names: `Italy gave the go-ahead for the sale of X to Egypt` (Italy
    sells), `India gave its nod for the purchase of X` (India buys). The subject of the granting verb."""
    if noun.dep_ != "pobj" or noun.head.lower_ not in ("for", "of", "to"):
        return None
    granted = noun.head.head
    if granted.pos_ in ("VERB", "AUX"):  # `gave the green light for the sale`: the parser hangs `for` on `gave`
        granted = next((c for c in granted.children if c.dep_ in ("dobj", "obj")), granted)
    if granted.pos_ != "NOUN" or granted.dep_ not in ("dobj", "obj") or _noun_phrase_text(granted) not in \
            approval_nouns():
        return None
    return _subject(granted.head)


def _noun_phrase_text(noun: Token) -> str:
    """Return a noun with the compounds and adjectives before it, as written: `go-ahead`, `green light`."""
    first = min([noun.i] + [c.left_edge.i for c in noun.lefts if c.dep_ in ("compound", "amod", "punct")])
    return noun.doc[first:noun.i + 1].text.lower()


def _noun_items(noun: Token, governor: Token | None) -> list[Token]:
    """Return what a transfer noun carries: `shipments of X`, `aid …, including X`, `a package that includes X`,
    `the package includes X and Y`, `announced a package for Ukraine on Thursday, including X` (on the governor)."""
    found = [c for c in noun.children if c.dep_ == "compound" or c.dep_ in ("amod", "nmod") and c.lower_ in DEFENCE_WORDS]
    of = next((c for c in noun.children if c.dep_ == "prep" and (c.lower_ == "of" or c.lower_ == "for" and
                                                                 noun.lemma_.lower() in DEAL_NOUNS)), None)
    if of is not None:  # `shipments of X`; `a deal for 600 vehicles`
        found += [c for c in of.children if c.dep_ == "pobj"]
    elif noun.lemma_.lower() in DEAL_NOUNS and governor is not None:  # `signed a deal … for X`, `for` on the verb
        found += [c for p in governor.children if p.dep_ == "prep" and p.lower_ == "for"
                  for c in p.children if c.dep_ == "pobj"]
    verbs = [c for c in noun.children if c.dep_ == "relcl"] + ([noun.head] if noun.dep_ == "nsubj" else [])
    for verb in verbs:
        if verb.lemma_.lower() in INCLUDE_VERBS:
            found += [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    return [t for token in found for t in (token, *token.conjuncts)] + _included(noun) + (
        _included(governor) if governor is not None and governor.lemma_.lower() not in transfer_verbs() else [])


def _included(token: Token) -> list[Token]:
    """Return the items named after `including` on a phrase: `a package of weapons to Ukraine, including X and Y`,
    also where the parser hangs it on an ancestor (`400 million dollars in aid to Ukraine, including X`)."""
    found = []
    node = token
    for _ in range(3):
        for child in node.children:
            if child.lower_ == "including" and child.dep_ in ("prep", "acl", "advcl"):
                found += [c for c in child.children if c.dep_ in ("pobj", "dobj")]
        if node.dep_ not in ("pobj", "prep") or node.head.i == node.i:
            break
        node = node.head
    return [t for token in found for t in (token, *token.conjuncts)]


def _governing_verb(noun: Token) -> Token | None:
    """Return the verb whose object (or passive subject) the noun is, through prepositions: `paused shipments of
    X`, `announced 400 million dollars in aid`."""
    node = noun
    while (node.dep_ == "pobj" or node.dep_ == "prep" and (node.lower_ in ("of", "in") or node.lower_ in (
            "on", "for") and node.head.lemma_.lower() in DEAL_NOUNS | WON_NOUNS)) and node.head.i != node.i:
        # `implementing contracts on deliveries of X`: the deal's verb governs the transfer too
        node = node.head  # not through `signals about new weapons supplies`: a topic, not the object
    if node.dep_ in ("dobj", "obj", "nsubjpass") and node.head.pos_ in ("VERB", "AUX"):
        return node.head
    return None


def _split_suppliers(supply: Supply, verb: Token, speakers: Speakers = ()) -> list[Supply]:
    """`from Norway and the United States`: one supply per conjoined supplier (and recipient), but not the one who
    says it (`delivery of SU-30K jets to Angola, Dmitry Shugaev, the director …, said`)."""
    speaking = [(who.start, who.end) for _, _, who in speakers]
    out = [supply]
    for role, other_role in (("supplier", "recipient"), ("recipient", "supplier")):
        mention, other_side = getattr(supply, role), getattr(supply, other_role)
        if mention is None:
            continue
        span = verb.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or span.sent != verb.sent:
            continue  # a side found elsewhere (`his country`: the one his title names) keeps its own list there
        others = [_mention(other) for conj in span.root.conjuncts  # not the other side (`between X and Y`)
                  if (other := entity_for(conj)) is not None and other.start_char != mention.start
                  and (other_side is None or other.start_char != other_side.start)
                  and not any(a <= other.start_char < b for a, b in speaking) and not _described_as_a_person(conj)]
        out = [replace(s, **{role: m}) if m is not mention else s for s in out for m in (mention, *others)]
    return list(dict.fromkeys(out))


def _described_as_a_person(token: Token) -> bool:
    """True for a name with an apposition that makes it a person (`Dmitry Shugaev, the director of …`), which the
    NER may have typed as an organisation."""
    return any(c.dep_ == "appos" and table("role_nouns", "noun", "refers_to").get(c.lower_) == "person"
               for c in token.children)


def _supply_at(verb: Token, role: str, last_item: Mention | None, previous: list[Supply],
               speakers: Speakers) -> Supply | None:
    if role == "award":
        return _contract_award(verb, last_item, previous, speakers)
    if role == "win":
        return _contract_won(verb, last_item, previous, speakers)
    if verb in _contract_verbs(verb.head) and transfer_verbs().get(verb.head.head.lemma_.lower()) == "win" or \
            verb.dep_ == "advcl" and transfer_verbs().get(verb.head.lemma_.lower()) == "win":
        if not _names_its_other_party(verb):
            return None  # `won an order from Iraq to export missile systems`: the contract won is the supply
    if role == "hold":
        clients = next((c for c in verb.children if c.dep_ in ("dobj", "obj") and c.lemma_.lower() in CUSTOMER_NOUNS),
                       None)
        if clients is not None:
            return _clients_of(verb, clients, last_item, previous, speakers)
    if role == "hold" and (verb.pos_ != "VERB" or "from" not in _prep_objects(verb)):
        return None  # `the air force has fighter jets from the US, Russia and Britain`: only with where they came from
    if role == "receive" and verb.lemma_.lower() == "order" and any(
            c.dep_ in ("xcomp", "ccomp") and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            for c in verb.children):
        return None  # `ordered the Philippine warship to leave`: a command, not a purchase
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    payer = None
    if verb.dep_ == "acl" and (verb.tag_ == "VBN" or verb.tag_ == "VBD" and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)):  # `US weapons sent to Ukraine` (the tagger may read the
        # participle as past tense: `36 Gripen jets bought from Saab`)
        item_token = verb.head
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if subject is None and role == "receive":  # `the Air Force unveiled the first of 36 jets bought from Saab`
            holder = _governing_verb(item_token)
            subject = _subject(holder) if holder is not None else None
        payer = _payer_of(item_token)
    elif role == "flow" or passive:
        item_token = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        subject = None
        if role == "flow" and item_token is None and verb.dep_ in ("xcomp", "ccomp"):
            item_token = next((c for c in verb.head.children if c.dep_ in ("dobj", "obj")), None)
        if passive:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    else:
        item_token = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        if verb.dep_ == "relcl" and (item_token is None or item_token.lower_ in RELATIVE_PRONOUNS):
            item_token = verb.head  # `the Patriot systems (that) the United States is sending`
            while _item(item_token, None) is None and item_token.dep_ == "pobj" and item_token.head.lower_ == "of" \
                    and item_token.head.head.pos_ == "NOUN":
                item_token = item_token.head.head  # `five howitzers of the same model that X is sending`
            payer = _payer_of(item_token)
        subject = _subject(verb)
    paid_for = payer is not None  # `NATO allies will pay for …`: the status is the paying verb's
    ordered = role == "receive" and verb.lemma_.lower() in ("receive", "win", "get") and item_token is not None \
        and item_token.dep_ in ("dobj", "obj") and item_token.lemma_.lower() in ORDER_NOUNS
    if ordered:
        item_token = _prep_objects(item_token).get("for", item_token)  # `an order for 24 F-35 jets`
    if role == "receive" and verb.lemma_.lower() in SPENDING_VERBS and item_token is not None and \
            item_token.ent_type_ == "MONEY":
        item_token = _on_object(verb) or item_token  # `Qatar agreed to spend $12bn on F-15 fighter jets`
    item = _item(item_token, last_item)
    asked = furnished = None
    if item is None and role in ("request", "give"):
        # `Kyiv asked Berlin for Taurus missiles`: the one asked would supply;
        # `Germany will provide Ukraine with IRIS-T systems`: the object receives
        wanted = _prep_objects(verb).get("for" if role == "request" else "with")
        wanted_item = _item(wanted, last_item)
        if wanted_item is not None:
            if role == "request":
                asked = item_token
            else:
                furnished = item_token
            item, item_token = wanted_item, wanted
    if item is None:
        return None
    preps = _prep_objects(verb)
    party = _deal_party(verb)
    if party is not None:  # `signed a contract with the United States to purchase HIMARS`: the other party
        preps.setdefault("from" if role == "receive" else "to", party)
    objects = [item_token] if item_token is not None else []
    # every object: the parser splits `hundreds of Shahed-136 drones to Russia` into two
    objects += [c for c in verb.children if c.dep_ in ("dobj", "obj") and c is not item_token]
    for obj in objects + [m for m in map(_measured, objects) if m is not None]:
        preps.update({k: v for k, v in _prep_objects(obj).items() if k not in preps})
    dative = next((c for c in verb.children if c.dep_ in ("dative", "iobj")), None)
    supplier = recipient = None
    if role in ("give", "flow"):
        supplier = subject
        recipient = furnished or preps.get("to") or dative or preps.get("for")
        if role == "flow":  # `weapons flowing to Ukraine`, `F-16 jets arrived in Ukraine from Denmark`
            supplier = preps.get("from")
            recipient = recipient or preps.get("in")
    elif ordered:
        supplier, recipient = subject, preps.get("from")  # `Lockheed received an order for X from Y`: Y buys
    elif role in ("receive", "hold"):
        supplier = preps.get("from")
        if "for" in preps and (entity_for(preps["for"]) is not None or preps["for"].pos_ == "PRON"
                                and preps["for"].lower_ in AGENT_PRONOUNS):
            recipient, payer = preps["for"], subject
        else:
            recipient = subject
    elif role == "request":
        recipient, supplier = subject, preps.get("from") or asked
    made_in = _made_in(item_token) if item_token is not None else None
    if made_in is None and item_token is not None and _measured(item_token) is not None:
        made_in = _made_in(_measured(item_token))  # `the first batch of Dutch F-16s`
    if supplier is None and (role in ("receive", "request", "flow") or verb.dep_ == "acl"):
        supplier = _made_by(item_token) or made_in  # who makes it, else where it was made
    supplier_m = _agent(supplier, previous, speakers, verb)
    recipient_m = _agent(recipient, previous, speakers, verb)
    if recipient_m is None and role == "give":
        # `Spain will send tanks to Ukraine and lets Portugal re-export its own`: the recipient carries over
        earlier = [s for s in previous if s.start == verb.sent.start_char and s.recipient is not None]
        recipient_m = earlier[-1].recipient if earlier else None
    if supplier_m is None and recipient_m is None:
        return None
    if supplier_m is not None and recipient_m is not None and supplier_m.text == recipient_m.text:
        return None
    sent = verb.sent
    rule = SupplyRule(f"transfer-{'receive' if role == 'hold' else role}")  # data/transfer_verbs.csv's role
    quantity = _quantity(item_token) if item_token is not None else None
    status = _status(verb.head.head, role) if paid_for else "delivered" if role == "hold" else _status(verb, role)
    if ordered and status == "delivered":
        status = "purchased"  # an order received is a sale made, not yet a delivery
    return Supply(
        supplier=supplier_m, recipient=recipient_m, item=item, status=status,
        evidence=sent.text.strip(), start=sent.start_char, end=sent.end_char,
        rule=rule, confidence=CONFIDENCE[rule] if supplier_m and recipient_m else ONE_SIDED,
        quantity=quantity, payer=_agent(payer, previous, speakers, verb),
        via=_agent(preps.get("via") or preps.get("through"), previous, speakers, verb), when=_time_of(verb),
        made_in=_agent(made_in, previous, speakers, verb))


def _clients_of(verb: Token, clients: Token, last_item: Mention | None, previous: list[Supply],
                speakers: Speakers) -> Supply | None:
    """A weapon's buyers: `Rafale … It now has six foreign clients including Qatar, India and Egypt` (one supply
    per client named; the seller is left to the maker's country the article names)."""
    holder = _subject(verb)
    item = _item(holder, last_item) if holder is not None else None
    if item is None and holder is not None and holder.lower_ == "it":  # the weapon the sentence before is about
        start = previous_sentence_start(holder)
        weapon = next((e for e in reversed(doc_ents(verb.doc)) if start <= e.start and e.end <= holder.i
                       and e.label_ == "WEAPON"), None)
        item = _mention(weapon) if weapon is not None else None
    named = next((t for t in _included(clients) if entity_for(t) is not None), None)
    if item is None or named is None:
        return None  # `Lockheed has many clients`: a maker's clients bought something unnamed
    sent = verb.sent
    return Supply(supplier=None, recipient=_mention(entity_for(named)), item=item, status="purchased",
                  evidence=sent.text.strip(), start=sent.start_char, end=sent.end_char, rule=SupplyRule.TRADE_PARTNER,
                  confidence=ONE_SIDED)


SPENDING_VERBS = {"spend"}


def _on_object(verb: Token) -> Token | None:
    """Return what a sum is spent on: the object of the verb's `on`."""
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "on"), None)
    return next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None


def _contract_award(verb: Token, last_item: Mention | None, previous: list[Supply],
                    speakers: Speakers) -> Supply | None:
    """A contract or order given to a maker: the one who gives it buys what it is for. `The Pentagon awarded
    Lockheed Martin a contract for 126 F-35 jets`, `awarded contracts to Mitsubishi Heavy Industries to produce
    long-range missiles`, `Lockheed Martin was awarded a contract for F-35 jets` (the buyer unstated)."""
    contract = next((c for c in verb.children if c.dep_ in ("dobj", "obj") and c.lemma_.lower() in ORDER_NOUNS),
                    None)
    if contract is None:
        return None  # `awarded Ukraine $500 million in aid` is no contract: the verbs of giving say more
    reach = [t for t in verb.subtree if t.i > verb.i]  # the parser hangs the maker and the making anywhere after
    wanted = next((c for t in reach if t.dep_ == "prep" and t.lower_ == "for" for c in t.children
                   if c.dep_ == "pobj"), None)  # `a contract for …`, `awarded a contract to X for …`
    if wanted is None:  # `contracts worth 378 billion yen to MHI to develop and produce long-range missiles`
        making = [t for t in reach if t.dep_ in ("acl", "advcl", "xcomp") and t.pos_ == "VERB"]
        making += [c for m in making for c in m.children if c.dep_ == "conj" and c.pos_ == "VERB"]
        wanted = next((o for m in making for o in m.children if o.dep_ in ("dobj", "obj")), None)
        wanted = _measured(wanted) or wanted if wanted is not None else None  # `a series of new missiles`
    item = _item(wanted, last_item)
    if item is None:
        return None
    passive = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if passive is not None:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        maker, buyer = passive, next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    else:
        maker = next((c for c in verb.children if c.dep_ in ("dative", "iobj")), None)
        if maker is not None and maker.pos_ == "ADP":  # `awarded a contract to Lockheed Martin`
            maker = next((c for c in maker.children if c.dep_ == "pobj"), None)
        maker = maker or next((c for t in reach if t.dep_ == "prep" and t.lower_ == "to" for c in t.children
                               if c.dep_ == "pobj"), None)
        buyer = _subject(verb)
    supplier_m = _agent(maker, previous, speakers, verb)
    recipient_m = _agent(buyer, previous, speakers, verb)
    if supplier_m is None or recipient_m is not None and supplier_m.text == recipient_m.text:
        return None
    return _contract_supply(verb, supplier_m, recipient_m, item, wanted)


WON_NOUNS = {"order", "contract", "tender", "deal"}  # what a maker wins: the one who placed it buys


def _contract_won(verb: Token, last_item: Mention | None, previous: list[Supply],
                  speakers: Speakers) -> Supply | None:
    """A contract or order a maker wins: the winner sells, the one it is from (or for) buys. `Rheinmetall has won
    an order from Hungary for 218 Lynx vehicles`, `General Dynamics won the contract to build 589 Ajax vehicles
    for the British Army`; `X won the contract` after `the Army has signed a deal for 589 vehicles`: that deal."""
    contract = next((c for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass")
                     and c.lemma_.lower() in WON_NOUNS), None)
    if contract is None:
        return None  # `won support`, `won the election`: nothing sold
    making = _contract_verbs(contract) + [  # `won an order from Poland to export …`, hung on the verb
        t for t in verb.children if t.dep_ == "advcl" and any(a.lower_ == "to" for a in t.children if a.dep_ == "aux")]
    if any(transfer_verbs().get(t.lemma_.lower()) in ("give", "receive") and _names_its_other_party(t)
           for t in making):
        return None  # `won a contract to supply Poland with F-35s`: the supplying verb says it all
    preps = {**_prep_objects(verb), **_prep_objects(contract)}
    wanted = preps.get("for") if _item(preps.get("for"), None) is not None else None
    for t in making:  # `to build 589 Ajax vehicles for the British Army`
        wanted = wanted or next((o for o in t.children if o.dep_ in ("dobj", "obj")), None)
        preps.update({k: v for k, v in _prep_objects(t).items() if k not in preps})
    wanted = _measured(wanted) or wanted if wanted is not None else None
    if wanted is not None:  # `vehicles for the British Army`: the parser hangs the buyer on the item too
        preps.update({k: v for k, v in _prep_objects(wanted).items() if k not in preps})
    item = _item(wanted, None)
    buyer = next((preps[k] for k in ("from", "with", "for") if k in preps and entity_for(preps[k]) is not None),
                 None)
    passive = contract.dep_ == "nsubjpass"
    agent = next((c for c in verb.children if c.dep_ == "agent"), None) if passive else None
    maker = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else (
        None if passive else _subject(verb))
    supplier_m = _agent(maker, previous, speakers, verb)
    recipient_m = _agent(buyer, previous, speakers, verb)
    if item is None and recipient_m is None and any(c.lower_ == "the" for c in contract.children):
        # `the contract`: the deal the article told of just before, whose buyer is known and seller is not
        deal = next((s for s in reversed(previous) if s.supplier is None and s.recipient is not None), None)
        if deal is not None:
            item, recipient_m = deal.item, deal.recipient
    if item is None or supplier_m is None or recipient_m is not None and supplier_m.text == recipient_m.text:
        return None
    return _contract_supply(verb, supplier_m, recipient_m, item, wanted)


def _contract_verbs(contract: Token) -> list[Token]:
    """The verbs that say what a contract is for: `a contract to build 589 vehicles`."""
    if contract.lemma_.lower() not in WON_NOUNS:
        return []
    return [t for t in contract.children if t.dep_ in ("acl", "relcl") and t.pos_ == "VERB"]


def _names_its_other_party(verb: Token) -> bool:
    """`to supply Poland with F-35s`, `to deliver them to Poland`: the verb names who receives or gives, where `an
    order from Iraq to export missile systems` leaves that to the order."""
    return any(c.dep_ in ("dobj", "obj", "dative") and entity_for(c) is not None for c in verb.children) or any(
        k in ("to", "from", "with") for k in _prep_objects(verb))


def _contract_supply(verb: Token, supplier: Mention, recipient: Mention | None, item: Mention,
                     wanted: Token | None) -> Supply:
    """The supply a contract let or won makes: a purchase made (`will award`, `is set to win`: planned)."""
    status = _status(verb, "receive")
    sent = verb.sent
    rule = SupplyRule.CONTRACT_AWARD
    return Supply(supplier=supplier, recipient=recipient, item=item,
                  status="purchased" if status == "delivered" else status,
                  evidence=sent.text.strip(), start=sent.start_char, end=sent.end_char, rule=rule,
                  confidence=CONFIDENCE[rule] if recipient else ONE_SIDED,
                  quantity=_quantity(wanted) if wanted is not None else None, when=_time_of(verb))


def _deal_party(verb: Token) -> Token | None:
    """Return the `with` party of the deal an infinitive completes: `a contract with France to buy`, `signed a
    deal with Kyiv to supply` (the parser hangs the infinitive on the deal or on the signing verb)."""
    if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
        deal, maker = verb.head, verb.head.head
    elif verb.dep_ in ("advcl", "xcomp"):
        maker = verb.head
        deal = next((c for c in maker.children if c.dep_ in ("dobj", "obj")), None)
    else:
        return None
    party = _prep_objects(deal).get("with") if deal is not None else None
    if party is None and maker.lemma_.lower() in DEAL_MAKING_VERBS:
        party = _prep_objects(maker).get("with")
    return party


def _time_of(verb: Token) -> str | None:
    """Return the date phrase that modifies the transfer verb (`on Thursday`, `last week`), if any."""
    for ent in verb.sent.ents:
        if ent.label_ != "DATE":
            continue
        node = ent.root
        while node.head.i != node.i and node.pos_ not in ("VERB", "AUX"):
            node = node.head
        if node == verb or (node.head == verb and node.pos_ == "AUX"):
            prep = ent.root.head if ent.root.dep_ == "pobj" else None
            start = prep.idx if prep is not None and prep.i == ent.start - 1 else ent.start_char
            return doc_text(verb.doc)[start:ent.end_char]
    return None


def _payer_of(item: Token) -> Token | None:
    """Return who pays in `NATO allies will pay for US weapons …`."""
    prep = item.head
    if item.dep_ == "pobj" and prep.lower_ == "for" and prep.head.lemma_.lower() == "pay":
        return next((c for c in prep.head.children if c.dep_ == "nsubj"), None)
    return None


def _judged(verb: Token) -> Token | None:
    """Return who a verb praises, blames or punishes, whose deed `for V-ing` gives: its object (`thanked Germany
    for sending`), or the object of `on`/`against` after it (`imposed sanctions on X for buying`)."""
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "obj")):
        if entity_for(obj) is not None and obj.ent_type_ not in ("", "WEAPON") or obj.pos_ == "PROPN":
            return obj
        for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ in ("on", "against")):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None and entity_for(pobj) is not None:
                return pobj
    return None


def _joined(supply: Supply, verb: Token) -> list[Supply]:
    """Return the supply and one more per party `join X in V-ing` names: `Iraq will join Malaysia and Nigeria in
    receiving the jets` (they receive too)."""
    if verb.dep_ != "pcomp" or verb.head.lower_ != "in" or verb.head.head.lemma_.lower() != "join":
        return [supply]
    side = "recipient" if transfer_verbs().get(verb.lemma_.lower()) == "receive" else "supplier"
    joined = [t for obj in verb.head.head.children if obj.dep_ in ("dobj", "obj") for t in (obj, *obj.conjuncts)]
    others = [m for t in joined if (e := entity_for(t)) is not None and (m := _mention(e)) != getattr(supply, side)]
    return [supply] + [replace(supply, **{side: m}) for m in others]


AMOUNT_TYPES = {"MONEY", "CARDINAL", "QUANTITY", "PERCENT", "DATE"}  # `earmarked $2bn to purchase`: not who buys


def _subject(verb: Token) -> Token | None:
    """Return the subject of a transfer verb, from the controlling verb for infinitives and conjuncts."""
    owner = _intent_owner(verb)
    if owner is not None:
        return owner
    token = verb
    for _ in range(4):
        subject = nearest_subject(token)
        if subject is not None:
            if subject.lower_ in ("who", "that", "which") and token.dep_ == "relcl":
                return token.head
            return subject
        if token.dep_ in ("ccomp", "xcomp") and token.head.lemma_.lower() in CAUSATIVES:
            # `lets Portugal re-export`: the agent named between the causative verb and this one
            between = [t for t in token.doc[token.head.i + 1:token.i] if t.ent_type_ in AGENT_LABELS]
            if between:
                return between[0]
        if token.dep_ == "pcomp" and token.head.lower_ == "for" and token.head.head.pos_ in ("VERB", "AUX"):
            judged = _judged(token.head.head)
            if judged is not None:
                return judged  # `sanctioned the Chinese military for buying`: the one judged bought
        if token.dep_ == "xcomp" or (token.dep_ == "pcomp" and token.head.lower_ == "from"):
            governor = token.head if token.dep_ == "xcomp" else token.head.head
            obj = next((c for c in governor.children if c.dep_ in ("dobj", "obj")), None)
            if obj is not None and obj.i < token.i and obj.ent_type_ not in AMOUNT_TYPES and not obj.like_num and (
                    obj.pos_ in ("PRON", "PROPN") or obj.ent_type_ in AGENT_LABELS or obj.tag_ == "NNS"):
                return obj  # object control: `urge allies to purchase`, `barred Israel from sending`; not `sign an
                # agreement with the US to purchase` (an agreement buys nothing)
            token = token.head
        elif (token.dep_ == "acl" or token.dep_ == "relcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in
                                                                     token.children)) and \
                token.head.dep_ in ("dobj", "obj") and token.head.head.lemma_.lower() in DEAL_MAKING_VERBS:
            token = token.head.head  # `Slovakia signed a deal to buy F-16s`: the signer buys (not who welcomed it)
        elif token.dep_ in ("conj", "advcl", "pcomp", "acl", "prep") and token.head.i != token.i:
            token = token.head
        else:
            return None
    return None


def _intent_owner(verb: Token) -> Token | None:
    """Return whose plan a transfer is: `Germany's decision to send tanks`, `the EU will fall short of its target
    of sending shells` (a possessive pronoun: the subject of the clause that holds the noun)."""
    if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
        noun = verb.head
    elif verb.dep_ == "pcomp" and verb.head.lower_ == "of" and verb.head.head.pos_ == "NOUN":
        noun = verb.head.head
    else:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is not None and noun.lemma_.lower() in table("accusation_nouns", "noun"):
        return None  # `Clinton's claims of sending helicopters`: she said it, someone else sends
    if owner is None or owner.lower_ not in ("its", "their"):
        return owner
    node = noun
    while node.head.i != node.i and node.pos_ not in ("VERB", "AUX"):
        node = node.head
    return next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _prep_objects(token: Token) -> dict[str, Token]:
    out = {}
    for child in token.children:  # spaCy sometimes labels `to Kyiv` a dative
        if child.dep_ in ("prep", "dative") and child.lower_ in ("to", "from", "for", "with", "via", "through", "in",
                                                                 "by"):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            after = child.nbor(1) if child.i + 1 < len(child.doc) else None
            if pobj is not None and after is not None and after.ent_type_ in AGENT_LABELS and after.ent_iob_ == "B" \
                    and pobj.ent_type_ not in AGENT_LABELS and not (
                        after.head == pobj and entity_for(pobj) is None):  # `to Iran's proxies`: not Iran
                pobj = after  # `from Denmark, Argentina's president said`: the parser hung the name lower down
            if pobj is not None:
                out.setdefault(child.lower_, pobj)
    return out


def _item(token: Token | None, last_item: Mention | None) -> Mention | None:
    if token is None:
        return None
    doc = token.doc
    if token.lower_ in ITEM_PRONOUNS or (token.lower_ == "own" and any(c.dep_ == "poss" for c in token.children)):
        return last_item if last_item is not None and _in_reach(last_item, token) else None  # `them`, `its own`
    measured = _measured(token)
    if measured is not None:
        return _item(measured, last_item)
    if token.lower_ in DEFENCE_WORDS and token.dep_ in ("compound", "amod", "nmod") and \
            token.head.lemma_.lower() in transfer_nouns() | receiving_nouns():  # `Turkey's defence exports`
        return Mention(token.text, "WEAPON", token.idx, token.idx + len(token.text), "weapons")
    for ent in doc_ents(doc):
        if ent.label_ == "WEAPON" and ent.start <= token.i < ent.end:
            return Mention(ent.text, "WEAPON", ent.start_char, ent.end_char, ent.ent_id_ or None)
    for child in token.subtree:  # `14 Leopard 2 tanks`, `US-made Patriot air defence systems`
        if child.i > token.i:
            break  # not in `weapons, including IRIS-T systems` or a relative clause after the noun
        if child.ent_type_ == "WEAPON":
            ent = next(e for e in doc_ents(doc) if e.start <= child.i < e.end)
            return Mention(ent.text, "WEAPON", ent.start_char, ent.end_char, ent.ent_id_ or None)
    gazetteer = load_gazetteer()
    modifiers = [t for t in token.lefts if t.dep_ in ("compound", "amod")]
    first = min((t.left_edge.i for t in modifiers), default=token.i)
    # the longest name ending in the noun: `more air defence systems` → `air defence systems`, `armoured vehicles`
    for start in range(first, token.i + 1):
        candidate = doc[start:token.i + 1]
        entry = gazetteer.lookup(candidate.text) or gazetteer.lookup(candidate.lemma_)
        if entry is not None and entry.kind == "Weapon":
            return Mention(candidate.text, "WEAPON", candidate.start_char, candidate.end_char, entry.key)
    return _unlisted_weapon(token, modifiers)


WEAPON_MODIFIERS = {"armoured", "armored", "combat", "fighting", "military", "naval", "patrol", "stealth",
                    "self-propelled", "landing", "attack", "anti-aircraft", "anti-tank", "air", "artillery", "155mm",
                    "machine", "sub-machine", "assault", "sniper"}
VAGUE_MODIFIERS = {"new", "more", "several", "additional", "further", "first", "other", "latest", "remaining",
                   "many", "few", "some", "modern", "older", "old", "own", "such", "extra", "same"}


def _unlisted_weapon(token: Token, modifiers: list[Token]) -> Mention | None:
    """Return a weapon the gazetteer does not list, named by its head noun (data/weapon_heads.csv): `a ballistic
    missile launcher`, `armed drones`, `patrol vessels`; a head that also names other things (`system`,
    `vehicle`, `ship`) only with a modifier that makes it a weapon."""
    heads = weapon_heads()
    lemma = token.lemma_.lower()
    if token.pos_ != "NOUN" or lemma not in heads:
        return None
    named = [t for t in modifiers if t.lower_ not in VAGUE_MODIFIERS and not t.like_num and t.ent_type_ == ""]
    if heads[lemma] and not any(t.lemma_.lower() in heads or t.lower_ in WEAPON_MODIFIERS
                                for m in named for t in m.subtree):  # `missile defense systems`
        return None
    start = min((t.left_edge.i for t in named), default=token.i)
    while start < token.i and (token.doc[start].lower_ in VAGUE_MODIFIERS or token.doc[start].pos_ in ("DET", "NUM")):
        start += 1
    span = token.doc[start:token.i + 1]
    return Mention(span.text, "WEAPON", span.start_char, span.end_char, None)


def weapon_heads() -> dict[str, bool]:
    """Return head-noun lemma -> whether it names a weapon only with a modifier (data/weapon_heads.csv)."""
    return flags("weapon_heads", "lemma", "needs_modifier")


def _in_reach(item: Mention, pronoun: Token) -> bool:
    """True when the item was named in the pronoun's sentence or the one before (`give it up`, paragraphs after
    a supply, is not about its weapons)."""
    return item.start >= pronoun.doc[previous_sentence_start(pronoun)].idx


MAKING_VERBS = {"make", "produce", "build", "manufacture", "develop", "design"}


def _made_by(item: Token | None) -> Token | None:
    """Return the maker in `Mogami-class frigates produced by Mitsubishi Heavy Industries`."""
    for child in item.children if item is not None else ():
        if child.dep_ == "acl" and child.tag_ == "VBN" and child.lemma_.lower() in MAKING_VERBS:
            agent = next((c for c in child.children if c.dep_ == "agent"), None)
            maker = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            if maker is not None and entity_for(maker) is not None:
                return maker
    return None


def _made_in(item: Token) -> Token | None:
    """Return the country token in `US-made X` or `American X`."""
    for child in item.subtree:
        if child.i >= item.i:
            break
        if child.ent_type_ in ("GPE", "NORP") and child.head.i != child.i:
            nxt = child.nbor(1) if child.i + 1 < len(child.doc) else None
            if child.ent_type_ == "NORP" or (nxt is not None and nxt.text == "-" and nxt.i + 1 < len(child.doc)
                                             and ("-" + child.doc[nxt.i + 1].lower_).endswith(MADE_IN_SUFFIXES)):
                return child
            if child.text.lower().endswith(MADE_IN_SUFFIXES):
                return child
        if child.ent_type_ == "GPE" and child.dep_ == "compound":
            return child
    return None


def _agent(token: Token | None, previous: list[Supply], speakers: Speakers, verb: Token) -> Mention | None:
    if token is None:
        return None
    lower = token.lower_
    if lower == "its" and token.dep_ == "poss":  # `Germany may look harder at its arms exports`: Germany's
        antecedent = acting_antecedent(token)
        return _mention(_body_owner(antecedent)) if antecedent is not None else None
    if lower in AGENT_PRONOUNS and token.pos_ == "PRON":  # `us`, not the `US`
        warned = warned_party(token)
        if warned is not None:
            return _mention(warned)
        inside = [(end - start, who) for start, end, who in speakers if start <= token.idx < end]
        speaker = min(inside, key=lambda pair: pair[0])[1] if inside else None  # the innermost claim
        if speaker is not None and lower == "we" and speaker.label == "PERSON":
            # `We are not going to sell any more weapons to Peru`, declared the Foreign Minister: his government's
            home = _country_of_person(token.doc, speaker.text) or _most_named(  # else the story's country
                [ent for _, ent in _countries_named(token.doc)])
            return _mention(home) if home is not None else speaker
        if speaker is not None and (lower == "we" or (lower in ("he", "she")) == (speaker.label == "PERSON")):
            return speaker
        if lower in ("they", "them"):
            same_sentence = [s for s in previous if s.recipient is not None and s.start == verb.sent.start_char]
            if same_sentence:
                return same_sentence[-1].recipient
        if lower in ("it", "they") and token.dep_ in ("nsubj", "nsubjpass") and (
                token.head == verb or token.head.lemma_.lower() in status_words()):
            # the agent of the transfer or of `plans to`, `refused to` …; not `it is faster to order it`
            antecedent = acting_antecedent(token)
            return _mention(_body_owner(antecedent)) if antecedent is not None else None
        return None
    if lower == "country" and token.dep_ in ("nsubj", "nsubjpass", "poss") and any(
            c.lower_ == "the" for c in token.children):
        # `Serbia … Last year the country ordered 12 Rafale jets`; `from the country's armed forces`
        antecedent = acting_antecedent(token) if token.dep_ != "poss" else _country_before(token)
        return _mention(antecedent) if antecedent is not None else None
    if token.tag_ == "NNS" and token.lemma_.lower() in GROUPS_OF_COUNTRIES:
        named = next((t for t in _included(token) if entity_for(t) is not None), None)
        if named is not None:  # `to 20 African countries, including Uganda, Rwanda and Angola`: each one named
            return _mention(entity_for(named))
    if lower == "country" and any(c.dep_ == "poss" and c.lower_ in ("his", "her") for c in token.children):
        # `Tebboune said Russia has been providing his North African country with weapons`: the one he leads
        inside = [(end - start, who) for start, end, who in speakers if start <= token.idx < end]
        speaker = min(inside, key=lambda pair: pair[0])[1] if inside else None
        person = speaker.text if speaker is not None and speaker.label == "PERSON" else next(
            (e.text for e in reversed(doc_ents(token.doc)) if e.end <= token.i and e.label_ == "PERSON"
             and e.root.dep_ in ("nsubj", "nsubjpass")), None)  # the last person a clause is about
        home = _country_of_person(token.doc, person) if person is not None else None
        return _mention(home) if home is not None else None
    owner = next((c for c in token.children if c.dep_ == "poss" and c.lower_ == "country"), None)
    if owner is not None and token.lemma_.lower() in government_nouns():
        return _agent(owner, previous, speakers, verb)  # `the country's armed forces`: the country
    span = entity_for(token)
    if span is None and token.lemma_.lower() in government_nouns() and token.tag_ == "NN" and any(
            c.dep_ == "det" and c.lower_ == "the" for c in token.children):
        # `the Liberal government finalized a contract … to purchase 88 F-35 jets`: the story's own government
        home = _home_country(token.doc[token.left_edge.i:token.i + 1])
        return _mention(home) if home is not None else None
    return _mention(_body_owner(span)) if span is not None else None


def _country_of_person(doc: Doc, person: str) -> Span | None:
    """Return a mention of a person's country: the one data/people.csv gives them where the article names it, else
    the one their title gives where the article names them in full (`Algerian President Abdelmadjid Tebboune`)."""
    gazetteer = load_gazetteer()
    listed = gazetteer.lookup(person)
    country = gazetteer.by_iso2.get(listed.country) if listed is not None and listed.kind == "Person" and \
        listed.country else None
    named = next((e for e in doc_ents(doc) if e.label_ in ("GPE", "NORP") and country is not None and
                  getattr(gazetteer.country(e.text), "key", None) == country.key), None)
    if named is not None:  # people.csv: `Donald Trump` -> US, where the article names it
        return named
    surname = person.split()[-1]
    return next((country for ent in doc_ents(doc) if ent.label_ == "PERSON" and ent[-1].text == surname
                 and (country := title_country(ent)) is not None), None)


GROUPS_OF_COUNTRIES = {"country", "nation", "state", "ally", "partner", "government", "customer", "buyer"}


def _body_owner(span: Span) -> Span:
    """Return the country whose government body a span names with a possessive (`Japan's Defense Ministry`: Japan,
    the one who acts), else the span."""
    if span.root.lemma_.lower() not in government_nouns():
        return span
    gazetteer = load_gazetteer()
    for child in span.root.children:
        owner = entity_for(child) if child.dep_ == "poss" else None
        if owner is not None and owner.label_ == "GPE" and gazetteer.country(owner.text) is not None:
            return owner
    if gazetteer.country(span.text) is None and not any(gazetteer.lookup(t.text) for t in span):
        return _home_country(span) or span  # `the Federal Government`, `the Army`: whose, the article says
    return span


def _home_country(span: Span) -> Span | None:
    """Return the country whose body a bare `the Army`, `the Federal Government` is: the one named with the same
    name before (`the British Army … The Army`), else the country the article has named most so far, when it
    names it at least twice and more often than any other (a story's own government needs no name)."""
    gazetteer = load_gazetteer()
    doc = span.doc
    words = [t.lower_ for t in span if t.dep_ != "det"]
    countries = [e for e in doc_ents(doc) if e.end <= span.start and e.label_ in ("GPE", "NORP", "ORG")
                 and gazetteer.country(e.text.split()[0]) is not None]
    for ent in reversed(countries):  # `the British Army`, `the Indian Navy`: the same capitalised name after
        after = [t.lower_ for t in doc[ent.end:ent.end + len(words)]] if ent.label_ != "ORG" else \
            [t.lower_ for t in ent[1:]]
        if after == words and span.root.is_title:
            return ent if ent.label_ != "ORG" else ent[:1]
    countries += [e for e in doc_ents(doc) if span.end <= e.start and e.end <= span.sent.end and e.label_ in (
        "GPE", "NORP") and gazetteer.country(e.text) is not None and e.root.head.lemma_.lower() in
        government_nouns()]  # `… for deployment with the Indian Army`: a body of the same sentence's country
    return _most_named(countries) or _most_named([  # else the whole story's (`the Federal Government has approved
        e for e in doc_ents(doc) if e.label_ in ("GPE", "NORP", "ORG")  # …` early in a Nigerian story)
        and gazetteer.country(e.text.split()[0]) is not None])


def _most_named(countries: list[Span]) -> Span | None:
    """Return a mention of the country named most among these, when it is named at least twice and more often than
    any other."""
    gazetteer = load_gazetteer()
    counts = Counter(gazetteer.country(e.text.split()[0]).key for e in countries)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return next(e if e.label_ != "ORG" else e[:1] for e in reversed(countries)
                if gazetteer.country(e.text.split()[0]).key == ranked[0][0])


def government_nouns() -> frozenset[str]:
    """Return the nouns of government bodies (data/government_nouns.csv: ministry, army, forces …)."""
    return frozenset(table("government_nouns", "noun", "singular_only"))


def _country_before(token: Token) -> Span | None:
    """Return the last country named before `the country` in its sentence or the one before."""
    gazetteer = load_gazetteer()
    start = previous_sentence_start(token)
    return next((e for e in reversed(doc_ents(token.doc)) if start <= e.start < token.i and e.label_ in ("GPE", "NORP")
                 and gazetteer.country(e.text) is not None), None)  # `German arms maker X … the country's`


def _mention(span: Span) -> Mention:
    return Mention(span.text, span.label_, span.start_char, span.end_char, span.ent_id_ or None)


def _measured(token: Token) -> Token | None:
    """Return X in `hundreds of X`, `large amounts of X`."""
    if token.lemma_.lower() not in quantity_nouns() and token.pos_ != "NUM":
        return None
    # `of` for a count (`hundreds of X`), `in` for money (`$500 million in military financing`)
    prep = next((c for c in token.children if c.dep_ == "prep" and (c.lower_ == "of" or c.lower_ == "in"
                                                                     and token.ent_type_ == "MONEY")), None)
    return next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None


def _quantity(item: Token) -> str | None:
    """Return the stated number of items: `14`, `four more`, `hundreds`; never a digit of a designation (F-16)."""
    if _measured(item) is not None:
        return item.text if item.pos_ == "NUM" or item.tag_ == "NNS" else None
    nums = [c for c in item.children if c.dep_ in ("nummod", "quantmod") and c.ent_type_ != "WEAPON"
            and c.i < item.i and not (c.i + 1 < len(c.doc) and c.doc[c.i + 1].ent_type_ == "WEAPON"
                                       and c.doc[c.i + 1].i < item.i and c.doc[c.i + 1].ent_iob_ == "I")]
    nums = [c for c in nums if c.ent_type_ in ("", "CARDINAL", "QUANTITY")]
    if not nums:
        return None
    return " ".join(t.text for t in nums[0].subtree)


def _contract_status(contract: Token) -> str:
    """The status of a transfer a contract is for (`signed a deal to buy X`, `a $2 billion contract to buy X`):
    a contract made is a sale made, whichever side the verb names; one approved, planned or cancelled is not."""
    maker = contract.head
    if contract.dep_ not in ("dobj", "obj") or maker.pos_ != "VERB":
        return "purchased"  # `over a contract to buy`, `under a 2022 deal to buy`: the contract exists
    own = status_words().get(maker.lemma_.lower())
    if own and own != "pledged":  # `approved a deal to sell`: planned; `cancelled a contract to deliver`: denied
        return own
    status = _stated_status(maker, "give")  # `signed`, `inked`, `signs` (a lede's present); `will sign`: planned
    return "purchased" if status in ("delivered", "ongoing", "pledged") else status


def _status(verb: Token, role: str) -> str:
    status = _stated_status(verb, role)
    # `Colombia has agreed to buy Swedish warplanes`: a buyer's commitment is a purchase made
    return "purchased" if status == "pledged" and role == "receive" else status


def _stated_status(verb: Token, role: str) -> str:
    words = status_words()
    if any(c.dep_ == "neg" for c in verb.children) or any(
            c.dep_ == "neg" for c in verb.head.children if verb.dep_ == "xcomp"):
        return "denied"
    if role == "request":
        return "requested"
    if verb.dep_ == "acl" and verb.head.lemma_.lower() in CONTRACT_NOUNS:
        return _contract_status(verb.head)
    if verb.dep_ == "ccomp" and words.get(verb.head.lemma_.lower()) == "pledged":
        return "pledged"  # `Norway announced that it would donate …`: the announcement is the pledge
    for aux in (c for c in verb.children if c.dep_ in ("aux", "auxpass")):
        status = words.get(aux.lower_)
        if status:
            return status
    head = verb
    permitted = False  # a causative (`let`, `allow`) has been passed on the way up
    going_on = False  # `continues to send`: ongoing, unless a modal or a governing verb above says otherwise
    while (head.dep_ in ("xcomp", "advcl", "pcomp", "conj", "prep") or head.dep_ == "ccomp"
           and head.head.lemma_.lower() in CAUSATIVES) and head.head.i != head.i:
        head = head.head
        status = words.get(head.lemma_.lower())
        modal = next((words[a.lower_] for a in head.children if a.dep_ == "aux" and a.lower_ in words), None)
        if modal:
            return status if status and status != "ongoing" else modal  # `will continue to send`: planned
        if status == "ongoing":
            going_on = True  # `urged the US to continue supplying`: the urging decides
        elif status:  # `agreed to let allies purchase X`: a promise to permit is an authorisation, not a pledge
            return "planned" if permitted and status == "pledged" else status
        permitted = permitted or head.lemma_.lower() in CAUSATIVES
    if going_on:
        return "ongoing"
    if verb.lemma_.lower() in ("pledge", "promise", "offer"):
        return "pledged"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and any(c.lower_ in ("has", "have", "had") for c in verb.children)):
        bought = role == "receive" and verb.lemma_.lower() not in ("receive", "get", "obtain")
        return "purchased" if bought else "delivered"
    if verb.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.lower_ in ("were", "was") for c in verb.children):
        return "delivered"  # `were delivered to Ukraine by Germany`
    if verb.tag_ == "VBN" and verb.dep_ == "acl" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return "delivered"  # `Storm Shadow missiles supplied by Britain`: a done deed, unlike `being supplied`
    return "ongoing"
