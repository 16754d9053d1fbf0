"""Entity resolution: mentions in many articles -> one canonical entity per real-world thing.

Gazetteer entries win (their canonical name and Wikidata id); a person gets the
fullest name the corpus gives them (`Trump` = `Donald Trump`), titles become
roles; capitals and demonyms resolve to their country; a person who acts as a
supplier or recipient acts for their country when the gazetteer or a title in
the article (`US President Donald Trump`) says which. A national government
body (the Pentagon, `Slovak Defense Ministry`, the Bundestag) is folded into its
country, its name one of the country's names, as news-dev's annotators and
the speaker rules count it; kept apart, it is part of its country
(`Entity.part_of`). An unnamed source (`U.S. officials`,
`a source familiar with the matter`) is an anonymous source of its article,
affiliated with the country or organisation its description names.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.entity_types import designation_name
from kg.extract.tables import flags, table
from kg.gazetteer import Entry, Gazetteer, load_gazetteer, normalize, slug
from kg.ingest import english_stop_words
from kg.timex import resolve_time
from kg.types import Article, Claim, Extraction, Mention, Supply

KIND_BY_LABEL = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place", "WEAPON": "Weapon"}
# Pronouns, relative pronouns and determiners a speaker rule may leave unresolved: never an entity of their own
NOT_NAMES = {"it", "he", "she", "they", "we", "i", "you", "him", "her", "them", "us", "both", "which", "who", "that",
             "this", "these", "those", "all", "some", "each", "either", "neither", "one", "its", "their"}
AGENT_KINDS = {"Person", "Organization", "Country", "AnonymousSource", "Agent"}
# Words after the head of an unnamed source's description (`officials in Moscow`, `a source familiar with …`)
POST_MODIFIERS = {"in", "at", "of", "from", "with", "for", "on", "to", "close", "familiar", "who", "that", "briefed",
                  "speaking", "involved", "knowledgeable"}


@dataclass
class Entity:
    """A canonical entity and everything known about it."""

    kind: str  # Person, Organization, Country, Place, Weapon, AnonymousSource, Agent
    key: str  # slug, unique within the kind
    name: str
    aliases: set[str] = field(default_factory=set)
    wikidata: str | None = None
    category: str | None = None
    roles: set[str] = field(default_factory=set)
    country: str | None = None  # key of the country a person acts for
    org_type: str | None = None  # organisations in the gazetteer: party, armed-group, news-outlet …
    part_of: EntityId | None = None  # a government body's country
    affiliation: EntityId | None = None  # an anonymous source's country or organisation, when its words name one

    @property
    def id(self) -> EntityId:
        return self.kind, self.key


EntityId = tuple[str, str]  # (kind, key): what Entity.id returns, and all a graph needs to name an entity


class Resolver:
    """Maps mentions to canonical entities across a whole corpus."""

    def __init__(self, extractions: Iterable[Extraction], gazetteer: Gazetteer | None = None,
                 fold_government_bodies: bool = True):
        """Learn the corpus' full names and titles from `extractions`, read once (it may be a generator). A
        government body is its country (`fold_government_bodies`) or an Organization part of it."""
        self.gazetteer = gazetteer or load_gazetteer()
        self.fold_government_bodies = fold_government_bodies
        self.entities: dict[tuple[str, str], Entity] = {}
        self.merges: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # entity -> {surface: why}
        self._full_names: dict[str, set[str]] = defaultdict(set)  # surname -> full names in the corpus
        self._roles: dict[tuple[str, str], str] = {}  # (article sha256, person) -> title
        for ex in extractions:
            for m in ex.mentions:
                if m.label == "PERSON" and len(m.text.split()) > 1:
                    self._full_names[m.text.split()[-1]].add(self._person_name(m.text))
            for person, role in ex.roles:
                self._roles[(ex.article.sha256, person)] = role

    def _person_name(self, text: str) -> str:
        entry = self.gazetteer.lookup(text)
        return entry.name if entry is not None and entry.kind == "Person" else " ".join(text.split())

    def person_name(self, text: str, article_people: dict[str, str]) -> str:
        """Return the fullest name for a person mention (see `person_name_and_why`)."""
        return self.person_name_and_why(text, article_people)[0]

    def person_name_and_why(self, text: str, article_people: dict[str, str]) -> tuple[str, str]:
        """Return the fullest name for a person mention, within the article first, then the corpus, and the
        evidence for it: `Ms Clinton`, `CLINTON` (a transcript's tag) and a family name written first (`Kim`
        after `Kim Jong Un`) are the person the article named in full."""
        entry = self.gazetteer.lookup(text)
        if entry is not None and entry.kind == "Person":
            return entry.name, "gazetteer"
        text = as_written(text)
        surname = text.split()[-1]
        if len(text.split()) == 1:
            if surname in article_people:
                return article_people[surname], "surname of the full name in the same article"
            first = {full for full in article_people.values() if full.split()[0] == surname}
            if len(first) == 1:
                return next(iter(first)), "first word (a given name, or a family name written first) of the full " \
                                          "name in the same article"
            names = self._full_names.get(surname, set())
            if len(names) == 1:
                return next(iter(names)), "the corpus' only person of that surname"
        longer = {full for full in article_people.values() if f" {text} " in f" {full} " and full != text
                  and full.split()[-1].lower().rstrip(".") not in table("name_suffixes", "suffix")}
        if len(longer) == 1:  # `Bilawal Bhutto` of `Bilawal Bhutto Zardari`; never `Donald Trump` of `… Jr.`
            return next(iter(longer)), "part of the full name in the same article"
        return self._person_name(text), "same name"

    def is_known_surname(self, text: str) -> bool:
        """True for one capitalised word that is the surname of exactly one person the corpus names in full."""
        return len(text.split()) == 1 and text[:1].isupper() and len(self._full_names.get(as_written(text), ())) == 1

    # ------------------------------------------------------------ entities

    def _add(self, kind: str, key: str, name: str, surface: str, entry: Entry | None = None,
             why: str = "same name") -> Entity:
        entity = self.entities.get((kind, key))
        if entity is None:
            entity = Entity(kind, key, name)
            if entry is not None:
                entity.wikidata = entry.wikidata
                entity.category = entry.category
                entity.org_type = entry.org_type
                if entry.kind in ("Person", "Organization") and entry.country:
                    country = self.gazetteer.by_iso2.get(entry.country)
                    entity.country = country.key if country else None
            country = self._body_country(entity) if kind == "Organization" else None
            if country is not None and self.fold_government_bodies:  # the Pentagon is a name of the United States
                why = "a government body of the country"
                self._add(country.kind, country.key, country.name, name, country, why)
                return self._add(country.kind, country.key, country.name, surface, country, why)
            self.entities[(kind, key)] = entity
            if country is not None:
                entity.part_of = self._from_entry(country, "").id
        surface = " ".join(surface.split())
        if surface and surface != entity.name:
            entity.aliases.add(surface)
            self.merges[(kind, key)].setdefault(surface, why)
        return entity

    def _from_entry(self, entry: Entry, surface: str) -> Entity:
        return self._add(entry.kind, entry.key, entry.name, surface, entry, "gazetteer")

    def resolve(self, mention: Mention, names: ArticleNames) -> Entity | None:
        """Return the canonical entity a named mention refers to, in an article that gives `names`: its people's
        full names, and initials it defines (`RSF` -> `Rapid Support Forces`, a name of what they abbreviate)."""
        g = self.gazetteer
        text = mention.text.strip()
        if text in names.acronyms and not (mention.key and mention.key in g.entries):
            entity = self.resolve(Mention(names.acronyms[text], mention.label, mention.start, mention.end), names)
            why = "initials the article defines"
            return self._add(entity.kind, entity.key, entity.name, text, why=why) if entity is not None else None
        listed = next((g.lookup(short) for short, full in names.acronyms.items() if full == text and g.lookup(short)),
                      None)
        if listed is not None and not mention.key:  # `High Mobility Artillery Rocket Systems (HIMARS)`: HIMARS
            return self._add(listed.kind, listed.key, listed.name, text, listed, "the listed initials after it")
        full = names.people.get(text) if mention.label == "PERSON" and " " not in text else None
        if mention.key and mention.key in g.entries and full is not None and getattr(
                g.lookup(full), "key", None) != mention.key:
            # `Herzog` after `lawyer Thierry Herzog`: the article's own Herzog, not the listed one
            return self._add("Person", slug(full), full, text, why="surname of the full name in the same article")
        if mention.key and mention.key in g.entries:
            entry = g.entries[mention.key]
            if mention.label == "NORP" and entry.kind == "Country":
                return self._from_entry(entry, "")  # a demonym is not a name of the country
            return self._from_entry(entry, text)
        if mention.label == "PERSON":
            name, why = self.person_name_and_why(text, names.people)
            entry = g.lookup(name)
            if entry is not None and entry.kind == "Person":
                return self._add(entry.kind, entry.key, entry.name, text, entry, why)
            return self._add("Person", slug(name), name, text, why=why)
        entry = g.lookup(text)
        if entry is None and mention.label != "LOC":  # a capital as a place stays a place
            entry = g.by_capital.get(normalize(text))
        if mention.label == "NORP":
            entry = entry or g.by_demonym.get(normalize(text))
            return self._from_entry(entry, "") if entry is not None else None
        if entry is not None:
            return self._from_entry(entry, text)
        kind = KIND_BY_LABEL.get(mention.label)
        if kind is None:
            return None
        name = _display_name(text)
        why = "same name"
        if kind == "Weapon" and name.endswith("s") and name[:-1] in names.weapons:
            name, why = name[:-1], "plural of the weapon the same article names"  # `Borsuks` after `Borsuk`
        elif kind == "Weapon" and (described := self._described_weapon(name, names)) is not None:
            return self._from_entry(described, "")  # a description is no name of it: no alias
        elif kind == "Weapon":
            name = designation_name(name)  # `Bell AH-1Z Viper` is the system AH-1Z
        elif kind == "Place" and name.isupper():
            name = as_written(name)  # a dateline's `LAGOS` is Lagos
        elif kind == "Organization":
            name = without_legal_form(name)  # `Embraer SA` is Embraer
        return self._add(kind, slug(name), name, text, why=why)

    def _described_weapon(self, description: str, names: ArticleNames) -> Entry | None:
        """Return the one listed weapon of the article that an unlisted singular description of a weapon describes
        (`an advanced U.S. rocket artillery system` in an article naming HIMARS, the High Mobility Artillery Rocket
        System): the description's head word and one more of its words are words of the weapon's names."""
        words = _weapon_words(description)
        head = description.split()[-1].lower()
        if len(words) < 2 or head.endswith("s") or not head.isalpha():
            return None
        fits = []
        for entry in self._listed_weapons(names):
            named = set().union(*map(_weapon_words, (entry.name, *entry.aliases)))
            if head in named and len(words & named) >= 2:
                fits.append(entry)
        return fits[0] if len(fits) == 1 else None

    def _listed_weapons(self, names: ArticleNames) -> list[Entry]:
        """The gazetteer's weapons an article names: by a name, or by the initials it defines for one, or the
        reverse (`High Mobility Artillery Rocket Systems (HIMARS)`)."""
        g = self.gazetteer
        full_to_short = {full: short for short, full in names.acronyms.items()}
        found = {}
        for text in names.weapons:
            for form in (text, names.acronyms.get(text), full_to_short.get(text)):
                entry = g.lookup(form) if form else None
                if entry is not None and entry.kind == "Weapon":
                    found.setdefault(entry.key, entry)
                    break
        return list(found.values())

    def unnamed_speaker(self, article_id: str, mention: Mention) -> Entity:
        """Return the speaker, local to the article, for a mention the article never names: an anonymous source
        when its words describe one (`U.S. officials`, `a source familiar with the matter`), else a plain agent
        named after the words. The same words in one article are one speaker."""
        name = _without_count(_display_name(mention.text))  # `four sources`, `seven commissioners`: not the count
        key = f"{article_id}-{slug(name)}"
        if _names_a_body(name):  # `the Estonian Center for Defense Investment`: a name the NER missed
            return self._add("Organization", slug(name), name, mention.text)
        if not is_anonymous_source(name):
            if _names_a_thing(name):  # `the visit`, `Unanimous support`, `contracts`: no one who speaks
                return self.unattributed_speaker(article_id)
            return self._add("Agent", key, name, mention.text)
        new = ("AnonymousSource", key) not in self.entities
        source = self._add("AnonymousSource", key, name, mention.text)
        if new:
            affiliation = self._named_affiliation(name)
            source.affiliation = affiliation.id if affiliation is not None else None
        return source

    def _named_affiliation(self, description: str) -> Entity | None:
        """Return the country or organisation a description names, the longest name first (`US State Department
        officials` -> State Department, `Two Egyptian security sources` -> Egypt, `Moscow officials` -> Russia)."""
        g = self.gazetteer
        words = [w.strip(",;:") for w in description.split()]
        for n in range(min(len(words), 4), 0, -1):
            for i in range(len(words) - n + 1):
                gram = words[i:i + n]
                if not all(w[:1].isupper() for w in gram):  # names are capitalised; `navy`, `state` are not
                    continue
                form = " ".join(gram)
                entry = g.lookup(form)
                if entry is None and n == 1:
                    entry = g.by_demonym.get(normalize(form)) or g.by_capital.get(normalize(form))
                if entry is not None and entry.kind in ("Country", "Organization"):
                    return self._from_entry(entry, "")
        return None

    def unattributed_speaker(self, article_id: str) -> Entity:
        """Return the agent, local to the article, that stands for the unnamed source of its unattributed claims
        (`X is expected to …`, `it is believed that …`, `X reportedly …`): labelled `unattributed`."""
        return self._add("Agent", f"{article_id}-unattributed", "unattributed", "")

    def acting_agent(self, entity: Entity, article_sha: str) -> Entity:
        """Return who acts in a supply: a person's or a government body's country when known (`the State
        Department approved a sale` -> United States), else the entity itself."""
        if entity.kind == "Organization":
            country = self._body_country(entity)
            return self._from_entry(country, "") if country is not None else entity
        if entity.kind != "Person":
            return entity
        if entity.country:
            return self.entities.get(("Country", entity.country)) or self._from_entry(
                self.gazetteer.entries[entity.country], "")
        role = self._roles.get((article_sha, entity.name), "")
        for word in role.split():
            entry = self.gazetteer.lookup(word) or self.gazetteer.by_demonym.get(normalize(word))
            if entry is not None and entry.kind == "Country":
                return self._from_entry(entry, "")
        return entity

    def _body_country(self, entity: Entity) -> Entry | None:
        """Return the country of a government body: from the gazetteer (`Pentagon`), or from its name when that
        names a country and a government noun (`Slovak Defense Ministry`, `Seoul's defense ministry`)."""
        if entity.country:
            return self.gazetteer.entries.get(entity.country)
        words = [w.removesuffix("'s").removesuffix("’s") for w in entity.name.split()]
        if entity.org_type is not None or not any(w.lower() in flags("government_nouns", "noun", "singular_only")
                                                  for w in words):
            return None
        if any(w.lower().rstrip(".,") in table("industry_words", "word") | table("company_suffixes", "suffix")
               for w in words):  # `Canadian Association of Defence and Security Industries`: a trade body
            return None
        return next((entry for word in words if (entry := self.gazetteer.country(word)) is not None), None)

    def add_alias(self, entity: Entity, surface: str, why: str) -> None:
        self._add(entity.kind, entity.key, entity.name, surface, why=why)

    def add_role(self, entity: Entity, role: str) -> None:
        entity.roles.add(role)


# ------------------------------------------------------------------ the resolution stage


@dataclass(frozen=True)
class ResolvedClaim:
    """A claim with the entities it rests on."""

    claim: Claim
    speaker: EntityId  # who said it: a named entity, an article-local anonymous source or agent, or `unattributed`
    mentions: tuple[EntityId, ...]  # the other entities the claim mentions, in order (the speaker left out)


@dataclass(frozen=True)
class ResolvedSupply:
    """A supply that names an arms transfer, with the agents that act in it (see Resolver.acting_agent)."""

    supply: Supply
    n: int  # its place among the article's supplies, part of its IRI
    item: EntityId
    supplier: EntityId | None
    recipient: EntityId | None
    payer: EntityId | None
    via: EntityId | None
    made_in: EntityId | None  # a country, or None
    when: tuple[str, str] | None  # the date `supply.when` stands for: (value, 'date' | 'gYearMonth'), kg.timex


@dataclass(frozen=True)
class DroppedSupply:
    """A supply the resolution stage left out of the graph, and why."""

    supply: Supply
    reason: str


@dataclass(frozen=True)
class ResolvedExtraction:
    """One article's extraction with every mention resolved: all the article's graph is made from."""

    article: Article
    mentions: tuple[EntityId | None, ...]  # per mention of the extraction, the entity it names (None: none)
    claims: tuple[ResolvedClaim, ...]
    supplies: tuple[ResolvedSupply, ...]
    dropped: tuple[DroppedSupply, ...] = ()
    roles: tuple[tuple[EntityId, str], ...] = ()  # (person, title) the article gives, added to the resolver


LABEL_OF_SPEAKER = {"PERSON", "ORG", "GPE", "NORP"}  # speaker labels that name an entity
ACTING_KINDS = {"Person", "Organization", "Country", "Place"}  # who can send or receive arms
FIGURATIVE_PARTIES = {"party", "news-outlet"}  # organisation types that never send or receive arms in news


def resolve(extraction: Extraction, resolver: Resolver) -> ResolvedExtraction:
    """Return the extraction with its mentions resolved to canonical entities.

    This is the stage that grows the resolver's entities: the names, aliases
    and roles one article gives them. Call it once per article, before any
    graph is made of the entities (kg.rdf.entity_graph).
    """
    ex = extraction
    people = ArticleNames(article_people(ex, resolver.gazetteer), dict(ex.acronyms),
                          frozenset(" ".join(m.text.split()) for m in ex.mentions if m.label == "WEAPON"))
    mentions = tuple(_id(resolver.resolve(m, people)) for m in ex.mentions)
    roles = []
    for person, role in ex.roles:
        entity = resolver.resolve(Mention(person, "PERSON", 0, 0), people)
        if entity is not None:
            resolver.add_role(entity, role)
            roles.append((entity.id, role))
    claims = tuple(_resolve_claim(ex, claim, resolver, people) for claim in ex.claims)
    supplies, dropped = [], []
    for n, supply in enumerate(ex.supplies):
        outcome = _resolve_supply(ex, n, supply, resolver, people)
        (supplies if isinstance(outcome, ResolvedSupply) else dropped).append(outcome)
    return ResolvedExtraction(ex.article, mentions, claims, tuple(supplies), tuple(dropped), tuple(roles))


def _id(entity: Entity | None) -> EntityId | None:
    return None if entity is None else entity.id


def _speaker(ex: Extraction, claim: Claim, resolver: Resolver, people: ArticleNames) -> Entity:
    """Return the agent who said a claim: the entity its speaker resolves to, an article-local anonymous source
    for an unnamed one (`officials`, `U.S. officials`; kg.resolve.Resolver.unnamed_speaker), or the article's
    `unattributed` agent when no speaker was found."""
    if claim.speaker is None or _is_place(ex, claim.speaker):  # `NEW DELHI:` opens a dateline, no speaker
        return resolver.unattributed_speaker(ex.article.sha256[:16])
    if claim.speaker_name and claim.speaker_label in LABEL_OF_SPEAKER:
        key = claim.speaker.key if claim.speaker.text == claim.speaker_name else None
        entity = resolver.resolve(Mention(claim.speaker_name, claim.speaker_label, 0, 0, key), people)
        written = _display_name(claim.speaker.text)
        if entity is not None and entity.kind == "Person" and set(written.split()) < set(entity.name.split()):
            resolver.add_alias(entity, written, "the article's short form of its speaker's name")  # `Dion said`
        if entity is not None:
            return entity
    named = claim.speaker_name or claim.speaker.text  # a group a pronoun points to (`They` -> US officials)
    if resolver.is_known_surname(_display_name(named)):  # `Brekelmans told NOS`: the NER missed the name
        return resolver.resolve(Mention(_display_name(named), "PERSON", 0, 0), people)
    if _names_no_one(_display_name(named)):  # `It`, `Both`, `which`, `'s`, `30 percent`: the mention stays
        return resolver.unattributed_speaker(ex.article.sha256[:16])
    return resolver.unnamed_speaker(ex.article.sha256[:16], Mention(named, "", claim.speaker.start, claim.speaker.end))


def _is_place(ex: Extraction, mention: Mention) -> bool:
    """True for words the article names as a place (a LOC mention at the same offsets): a place says nothing."""
    return any(m.label == "LOC" and (m.start, m.end) == (mention.start, mention.end) for m in ex.mentions)


def _resolve_claim(ex: Extraction, claim: Claim, resolver: Resolver, people: ArticleNames) -> ResolvedClaim:
    speaker = _speaker(ex, claim, resolver, people).id
    mentioned = (_id(resolver.resolve(m, people)) for m in claim.mentions)
    return ResolvedClaim(claim, speaker, tuple(e for e in mentioned if e is not None and e != speaker))


def _resolve_supply(ex: Extraction, n: int, supply: Supply, resolver: Resolver,
                    people: ArticleNames) -> ResolvedSupply | DroppedSupply:
    def agent(mention: Mention | None) -> Entity | None:
        if mention is None:
            return None
        entity = resolver.resolve(mention, people)
        if entity is None or entity.kind not in ACTING_KINDS:
            return None
        return resolver.acting_agent(entity, ex.article.sha256)

    # The order of these look-ups is the order in which they add entities and aliases: a dropped supply's
    # payer, via and origin are never looked up, so they add nothing.
    item = resolver.resolve(supply.item, people)
    if item is None:
        return DroppedSupply(supply, "its item names no entity")
    supplier, recipient = agent(supply.supplier), agent(supply.recipient)
    if supplier is not None and recipient is not None and supplier.id == recipient.id:
        return DroppedSupply(supply, "its supplier is its recipient")
    if any(e is not None and e.org_type in FIGURATIVE_PARTIES for e in (supplier, recipient)):
        # `the party offered fresh ammunition to Republicans`: a figure of speech, not an arms transfer
        return DroppedSupply(supply, "a party or news outlet as supplier or recipient is a figure of speech")
    payer, via, made_in = agent(supply.payer), agent(supply.via), agent(supply.made_in)
    return ResolvedSupply(supply, n, item.id, _id(supplier), _id(recipient), _id(payer), _id(via),
                          made_in.id if made_in is not None and made_in.kind == "Country" else None,
                          resolve_time(supply.when, ex.article.date) if supply.when else None)


def is_anonymous_source(description: str) -> bool:
    """Return whether a speaker's description is an unnamed source: its head is a source noun
    (kg/extract/data/source_nouns.csv: officials, sources, a diplomat, local media, prosecutors), or a document
    of one (`media reports`), not a title or a thing."""
    words, cut = _head_at(description)
    head = words[cut - 1].lower().strip(",;:.") if cut else ""
    sources = table("source_nouns", "noun")
    if head.removesuffix("s") in table("document_nouns", "noun"):  # `media reports`, `press reports`: the media's
        return any(w.lower() in sources for w in words[:cut - 1])
    return head.removesuffix("’s").removesuffix("'s") in sources


def _head_at(description: str) -> tuple[list[str], int]:
    """Return a description's words and where its head ends: before the first post-modifier (`officials in
    Moscow`, `a source familiar with …`), else at the end."""
    words = description.split()
    return words, next((i for i, w in enumerate(words) if i and w.lower() in POST_MODIFIERS), len(words))


COUNT_WORDS = {"a", "an", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several", "some",
               "many", "few", "dozens", "hundreds", "thousands", "numerous", "various", "multiple"}


def _without_count(description: str) -> str:
    """Return an unnamed group's description without the count before it (`four sources` -> `sources`)."""
    words = description.split()
    while len(words) > 1 and (words[0].lower() in COUNT_WORDS or re.fullmatch(r"[\d,.]+", words[0])):
        words.pop(0)
    return " ".join(words)


def as_written(name: str) -> str:
    """Return a person's name as news writes it in running text: without an honorific (`Ms Clinton`), and not in
    capitals (`CLINTON:` in a transcript)."""
    words = name.split()
    titles = table("honorifics", "word") | table("rank_words", "word")  # `Ms Clinton`, `Adm Adung`
    while len(words) > 1 and (words[0].lower() in titles or words[0].lower().rstrip(".") in titles):
        words.pop(0)
    return " ".join(w.title() if w.isupper() and len(w) > 2 and w.isalpha() else w for w in words)


def _weapon_words(text: str) -> set[str]:
    """The words of a weapon's name or description that can tell it: lower-cased, singular, no stop words."""
    stop = english_stop_words()
    return {w[:-1] if w.endswith("s") and not w.endswith("ss") else w
            for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in stop}


def _names_a_thing(description: str) -> bool:
    """True for an unnamed speaker's words that are no source (is_anonymous_source is false) and all in lower
    case (`the visit`, `contracts`, `the poll`, `the spokesman`, `the government` when nothing says whose), or a
    bare count (`Many`, `Thousands`): the claim keeps the words, but they make no entity. A capitalised word ties
    the words to someone (`Spain's new Socialist government`, `Sepah News`): they stay an agent."""
    words, cut = _head_at(description)
    head = words[cut - 1].strip(",;:.").lower() if cut else ""
    return all(w.islower() for w in words[:cut] if w[:1].isalpha()) or head in COUNT_WORDS or (
        len(words) == 1 and head in table("indefinite_pronouns", "word"))  # `Nobody knows …`: no one in particular


def _names_no_one(name: str) -> bool:
    """True for speaker words that name no one: a pronoun or determiner, a stray possessive (`'s`), a share
    (`30 percent`)."""
    words = re.findall(r"[^\W\d_]{2,}", name)
    return name.lower() in NOT_NAMES or not words or words[-1].lower() in ("percent", "per", "cent")


def _names_a_body(description: str) -> bool:
    """True for a capitalised name of several words whose head is a body's noun (data/organization_heads.csv):
    `Estonian Center for Defense Investment`, `Syrian Observatory for Human Rights`."""
    words = description.split()
    head = next((w for w in words if w.lower() in ("for", "of")), None)
    head_at = words.index(head) - 1 if head is not None else len(words) - 1
    return len(words) >= 2 and head_at >= 1 and all(w[:1].isupper() or w.lower() in ("for", "of", "and")
                                                   for w in words) and \
        words[head_at].lower() in table("organization_heads", "noun")


def without_legal_form(name: str) -> str:
    """Return a company's name without the legal form after it (`Embraer SA`, `Lockheed Martin Corp.`)."""
    words = name.split()
    if len(words) > 1 and words[-1].lower().rstrip(".,") in table("company_suffixes", "suffix"):
        return " ".join(words[:-1]).rstrip(",")
    return name


def _display_name(text: str) -> str:
    text = " ".join(text.split())
    for prefix in ("the ", "The "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in ("’s", "'s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class ArticleNames:
    """What one article says about names: surname -> the fullest name of each person, initials -> the name."""

    people: dict[str, str]
    acronyms: dict[str, str] = field(default_factory=dict)
    weapons: frozenset[str] = frozenset()  # the names the article gives weapons


def article_people(extraction: Extraction, gazetteer: Gazetteer | None = None) -> dict[str, str]:
    """Return surname -> fullest name of each person mentioned in one article: as written, or as the gazetteer
    lists a name written shorter (`Putin` -> Vladimir Putin, so that `[Vladimir] Putin`'s bracketed `Vladimir`
    is the same person)."""
    out: dict[str, str] = {}
    written = [" ".join(m.text.split()) for m in extraction.mentions if m.label == "PERSON"]
    for full in written:
        if len(full.split()) > 1 and len(full) > len(out.get(full.split()[-1], "")):  # a bare surname is not fuller
            out[full.split()[-1]] = full
    for name in written if gazetteer is not None else ():  # the article's own full name beats a listed namesake
        entry = gazetteer.lookup(name)
        if entry is not None and entry.kind == "Person" and len(entry.name.split()) > 1:
            out.setdefault(entry.name.split()[-1], entry.name)
    return out
