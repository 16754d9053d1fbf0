"""Entity resolution: mentions in many articles -> one canonical entity per real-world thing.

Gazetteer entries win (their canonical name and Wikidata id); a person gets the
fullest name the corpus gives them (`Trump` = `Donald Trump`), titles become
roles; capitals and demonyms resolve to their country; a person who acts as a
supplier or recipient acts for their country when the gazetteer or a title in
the article (`US President Donald Trump`) says which.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.gazetteer import Entry, Gazetteer, load_gazetteer, normalize, slug
from kg.types import Extraction, Mention

KIND_BY_LABEL = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place", "WEAPON": "Weapon"}
AGENT_KINDS = {"Person", "Organization", "Country", "Agent"}


@dataclass
class Entity:
    """A canonical entity and everything known about it."""

    kind: str  # Person, Organization, Country, Place, Weapon, Agent
    key: str  # slug, unique within the kind
    name: str
    aliases: set[str] = field(default_factory=set)
    wikidata: str | None = None
    category: str | None = None
    roles: set[str] = field(default_factory=set)
    country: str | None = None  # key of the country a person acts for
    org_type: str | None = None  # organisations in the gazetteer: party, armed-group, news-outlet …

    @property
    def id(self) -> tuple[str, str]:
        return self.kind, self.key


class Resolver:
    """Maps mentions to canonical entities across a whole corpus."""

    def __init__(self, extractions: Iterable[Extraction], gazetteer: Gazetteer | None = None):
        """Learn the corpus' full names and titles from `extractions`, read once (it may be a generator)."""
        self.gazetteer = gazetteer or load_gazetteer()
        self.entities: dict[tuple[str, str], Entity] = {}
        self.merges: dict[tuple[str, str], set[str]] = defaultdict(set)
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
        """Return the fullest name for a person mention, within the article first, then the corpus."""
        entry = self.gazetteer.lookup(text)
        if entry is not None and entry.kind == "Person":
            return entry.name
        surname = text.split()[-1]
        if len(text.split()) == 1:
            if surname in article_people:
                return article_people[surname]
            names = self._full_names.get(surname, set())
            if len(names) == 1:
                return next(iter(names))
        return self._person_name(text)

    # ------------------------------------------------------------ entities

    def _add(self, kind: str, key: str, name: str, surface: str, entry: Entry | None = None) -> Entity:
        entity = self.entities.get((kind, key))
        if entity is None:
            entity = Entity(kind, key, name)
            if entry is not None:
                entity.wikidata = entry.wikidata
                entity.category = entry.category
                entity.org_type = entry.org_type
                if entry.kind == "Person" and entry.country:
                    country = self.gazetteer.by_iso2.get(entry.country)
                    entity.country = country.key if country else None
            self.entities[(kind, key)] = entity
        surface = " ".join(surface.split())
        if surface and surface != entity.name:
            entity.aliases.add(surface)
            self.merges[(kind, key)].add(surface)
        return entity

    def _from_entry(self, entry: Entry, surface: str) -> Entity:
        return self._add(entry.kind, entry.key, entry.name, surface, entry)

    def resolve(self, mention: Mention, article_people: dict[str, str]) -> Entity | None:
        """Return the canonical entity a named mention refers to."""
        g = self.gazetteer
        text = mention.text.strip()
        if mention.key and mention.key in g.entries:
            entry = g.entries[mention.key]
            if mention.label == "NORP" and entry.kind == "Country":
                return self._from_entry(entry, "")  # a demonym is not a name of the country
            return self._from_entry(entry, text)
        if mention.label == "PERSON":
            name = self.person_name(text, article_people)
            entry = g.lookup(name)
            if entry is not None and entry.kind == "Person":
                return self._from_entry(entry, text)
            return self._add("Person", slug(name), name, text)
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
        return self._add(kind, slug(name), name, text)

    def unnamed_speaker(self, article_id: str, mention: Mention) -> Entity:
        """Return an agent for a speaker the article never names (`sources`, `officials`), local to the article."""
        name = _display_name(mention.text)
        return self._add("Agent", f"{article_id}-{slug(name)}", name, mention.text)

    def unattributed_speaker(self, article_id: str) -> Entity:
        """Return the agent, local to the article, that stands for the unnamed source of its unattributed claims
        (`X is expected to …`, `it is believed that …`, `X reportedly …`): labelled `unattributed`."""
        return self._add("Agent", f"{article_id}-unattributed", "unattributed", "")

    def acting_agent(self, entity: Entity, article_sha: str) -> Entity:
        """Return who acts in a supply: a person's country when known, else the entity itself."""
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

    def add_role(self, entity: Entity, role: str) -> None:
        entity.roles.add(role)


def _display_name(text: str) -> str:
    text = " ".join(text.split())
    for prefix in ("the ", "The "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in ("’s", "'s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def article_people(extraction: Extraction) -> dict[str, str]:
    """Return surname -> fullest name of each person mentioned in one article."""
    out: dict[str, str] = {}
    for m in extraction.mentions:
        if m.label == "PERSON" and len(m.text.split()) > 1:  # a bare surname is not a fuller name
            surname = m.text.split()[-1]
            if len(m.text) > len(out.get(surname, "")):
                out[surname] = " ".join(m.text.split())
    return out
