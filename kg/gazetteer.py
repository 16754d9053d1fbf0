"""Known entities from the data files: countries, organisations, people, groups, weapon systems.

Each data file records the source of its entries; this module only reads them.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, SKOS

from kg.vocab import KG, KG_URI, ontology_dir

DATA_DIR = Path(__file__).resolve().parent / "data"
WD_PREFIX = "http://www.wikidata.org/entity/"


@dataclass
class Entry:
    """One known real-world thing and every name news uses for it."""

    key: str  # stable slug, used in IRIs
    name: str  # canonical label
    kind: str  # Person, Organization, Country, Weapon
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    category: str | None = None  # weapons: local name of a kg:WeaponCategory
    demonyms: list[str] = field(default_factory=list)
    capitals: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    # ISO 3166 alpha-2 of the country a person or a government body acts for, or that makes a weapon system
    country: str | None = None
    org_type: str | None = None
    iso2: str | None = None  # countries
    generic: bool = False  # a generic item ("weapons", "tanks"), not a named system


@lru_cache(maxsize=1 << 16)  # names repeat across mentions and articles
def slug(name: str) -> str:
    """Return a lowercase ASCII slug of a name (for IRIs)."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "x"


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def _rows(name: str) -> list[dict]:
    path = DATA_DIR / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if any((v or "").strip() for v in row.values())]


def _wikidata(cell: str | None) -> str | None:
    cell = (cell or "").strip()
    return cell if re.fullmatch(r"Q\d+", cell) else None


class Gazetteer:
    """Every known entry, with look-ups by surface form."""

    def __init__(self, entries: list[Entry]):
        self.entries = {e.key: e for e in entries}
        self.by_form: dict[str, Entry] = {}
        self.by_demonym: dict[str, Entry] = {}
        self.by_capital: dict[str, Entry] = {}
        for entry in entries:
            for form in (entry.name, *entry.aliases):
                self.by_form.setdefault(normalize(form), entry)
            for demonym in entry.demonyms:
                self.by_demonym.setdefault(normalize(demonym), entry)
            for capital in entry.capitals:
                self.by_capital.setdefault(normalize(capital), entry)
        self.by_iso2 = {e.iso2: e for e in entries if e.iso2}
        self.news_outlets = frozenset(
            normalize(f) for e in entries if e.org_type == "news-outlet" for f in (e.name, *e.aliases))

    def lookup(self, surface: str) -> Entry | None:
        """Return the entry a surface form names, if any."""
        return self.by_form.get(normalize(surface))

    def country(self, surface: str) -> Entry | None:
        """Return the country a word names by its name, its people (`Polish`) or its capital (`Seoul`), if any."""
        key = normalize(surface)
        entry = self.by_form.get(key) or self.by_demonym.get(key) or self.by_capital.get(key)
        return entry if entry is not None and entry.kind == "Country" else None


@lru_cache(maxsize=1 << 16)  # every look-up of every mention comes here, and names repeat
def normalize(surface: str) -> str:
    """Return the form used to compare names: lowercase, no leading 'the', no possessive, single spaces."""
    s = surface.replace("’", "'").strip()
    s = re.sub(r"'s?$", "", s)
    s = re.sub(r"^the\s+", "", s, flags=re.I)
    s = s.replace(".", "") if re.fullmatch(r"(?:[A-Za-z]\.){2,}", s) else s
    return " ".join(s.lower().split())


def _countries() -> list[Entry]:
    entries = []
    for row in _rows("countries.csv"):
        name = row["name"].strip()
        entries.append(Entry(
            key=slug(name), name=name, kind="Country", aliases=_split(row.get("aliases")),
            wikidata=_wikidata(row.get("wikidata")), demonyms=_split(row.get("demonyms")),
            capitals=_split(row.get("capital")), iso2=(row.get("iso2") or "").strip().upper() or None))
    return entries


def _organizations() -> list[Entry]:
    kinds = {"country-group": "Country"}
    return [Entry(key=slug(row["name"]), name=row["name"].strip(), kind=kinds.get(row.get("type", ""), "Organization"),
                  aliases=_split(row.get("aliases")), wikidata=_wikidata(row.get("wikidata")),
                  org_type=(row.get("type") or "").strip() or None,
                  country=(row.get("country_iso2") or "").strip().upper() or None)
            for row in _rows("organizations.csv") + _rows("groups.csv")]


def _people() -> list[Entry]:
    return [Entry(key=slug(row["name"]), name=row["name"].strip(), kind="Person", aliases=_split(row.get("aliases")),
                  wikidata=_wikidata(row.get("wikidata")), roles=_split(row.get("roles")),
                  country=(row.get("country_iso2") or "").strip().upper() or None)
            for row in _rows("people.csv")]


def _weapons() -> list[Entry]:
    path = ontology_dir() / "weapons.ttl"
    entries = []
    if path.exists():
        # pyoxigraph's parser, not rdflib's: 10 ms instead of 600 ms, paid by every build and every test process
        about: dict[str, dict[str, list[str]]] = {}
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            about.setdefault(triple.subject.value, {}).setdefault(triple.predicate.value, []).append(
                triple.object.value)
        scheme = str(KG.WeaponSystems)
        origins = {row["key"].strip(): row["country_iso2"].strip().upper() for row in _rows("weapon_origins.csv")}
        for concept in sorted(s for s, facts in about.items() if scheme in facts.get(str(SKOS.inScheme), ())):
            facts = about[concept]
            name = (facts.get(str(SKOS.prefLabel)) or ["None"])[0]
            category = (facts.get(str(KG.category)) or [None])[0]
            same = sorted(o for o in facts.get(str(OWL.sameAs), ()) if o.startswith(WD_PREFIX))
            entries.append(Entry(
                key=concept.rsplit("/", 1)[-1], name=name, kind="Weapon",
                aliases=sorted(facts.get(str(SKOS.altLabel), ())),
                wikidata=same[0][len(WD_PREFIX):] if same else None,
                category=category[len(KG_URI):] if category else "GenericWeapon",
                country=origins.get(concept.rsplit("/", 1)[-1]) or None))
    for row in _rows("generic_items.csv"):
        entries.append(Entry(key=slug(row["name"]), name=row["name"].strip(), kind="Weapon",
                             aliases=_split(row.get("aliases")), category=row.get("category", "GenericWeapon").strip(),
                             generic=True))
    return entries


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Return the gazetteer of every data file (read once per process)."""
    return Gazetteer(_countries() + _organizations() + _people() + _weapons())
