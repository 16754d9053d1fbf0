"""The gazetteer ruler and the consistency pass correct the statistical NER."""
import pytest

from kg.gazetteer import load_gazetteer, normalize


def labels(doc):
    return {ent.text: ent.label_ for ent in doc.ents}


def test_capital_weapon_and_person_labels(nlp):
    doc = nlp("Ukrainian President Volodymyr Zelensky said Kyiv had received Patriot systems. "
              "Later Zelensky thanked Trump. US President Donald Trump spoke.")
    found = labels(doc)
    assert found["Kyiv"] == "GPE"
    assert found["Patriot"] == "WEAPON"
    assert found["Trump"] == "PERSON"


def test_repeated_surname_becomes_person_whatever_the_model_said(nlp):
    # the statistical model often reads a bare surname as ORG; one full name elsewhere settles it
    doc = nlp("Analyst Miriam Kellogworth spoke on Monday. Kellogworth declined to confirm the plan.")
    assert labels(doc).get("Kellogworth") in ("PERSON", None)
    assert all(e.label_ == "PERSON" for e in doc.ents if "Kellogworth" in e.text)


def test_possessive_is_not_part_of_the_name(nlp):
    doc = nlp("Weapons were approved during Biden’s administration, Joe Biden said.")
    assert "Biden’s" not in labels(doc)


def test_a_korean_given_name_keeps_its_syllable_after_the_hyphen(nlp):
    # the tokenizer splits `Jae-in` at the hyphen and the model's PERSON stopped at `Moon Jae`
    doc = nlp("President Moon Jae-in met Prime Minister Han Duck-soo in Seoul.")
    assert {"Moon Jae-in", "Han Duck-soo"} <= {e.text for e in doc.ents if e.label_ == "PERSON"}


@pytest.mark.parametrize("text, name", [("A Donald Trump-backed candidate won.", "Donald Trump"),
                                        ("It was a Joe Biden-era rule.", "Joe Biden")])
def test_an_english_compound_after_a_name_stays_out_of_it(nlp, text, name):
    assert name in {e.text for e in nlp(text).ents if e.label_ == "PERSON"}


def test_gazetteer_sizes_and_sources():
    g = load_gazetteer()
    weapons = [e for e in g.entries.values() if e.kind == "Weapon" and not e.generic]
    assert len(weapons) >= 100
    assert {e.category for e in weapons} >= {"AirDefenceSystem", "Tank", "Artillery", "Missile", "Drone"}
    assert g.lookup("HIMARS").name == "HIMARS"
    assert g.lookup("U.S.").name == "United States"
    assert g.by_capital[normalize("Kyiv")].name == "Ukraine"
    assert g.by_demonym[normalize("German")].name == "Germany"


def test_every_weapon_origin_names_a_listed_system_a_country_and_its_source():
    """kg/data/weapon_origins.csv: a row per system whose country of origin a page states, with that page."""
    import csv
    from kg.gazetteer import DATA_DIR
    g = load_gazetteer()
    with (DATA_DIR / "weapon_origins.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 100
    for row in rows:
        assert g.entries[row["key"]].kind == "Weapon", row["key"]
        assert row["country_iso2"] in g.by_iso2, row
        assert row["source"].startswith("http"), row["key"]
    assert g.entries["patriot"].country == "US" and g.by_iso2[g.entries["rafale"].country].name == "France"


@pytest.mark.parametrize("form, name", [("the United States", "United States"), ("America", "United States"),
                                        ("NATO", "NATO"), ("Reuters", "Reuters")])
def test_aliases(form, name):
    assert load_gazetteer().lookup(form).name == name


def test_extraction_leaves_no_parsed_doc_for_the_garbage_collector(nlp):
    # Spans cached on a Doc point back at it: if extraction left any behind, every parsed Doc (and its
    # arrays) would live until the collector's next full pass, and memory would climb with the corpus.
    import gc

    from spacy.tokens import Doc

    from kg.extract import extract
    from kg.types import Article

    text = ('"We will send more air defence systems," Defence Minister Boris Pistorius said on Tuesday. '
            "Germany has delivered IRIS-T launchers to Ukraine, officials said.")
    gc.collect()
    gc.disable()
    try:
        doc = nlp(text)
        extraction = extract(doc, Article(source="leak.txt", text=text, sha256="0" * 64))
        del doc
        assert extraction.claims
        assert not [o for o in gc.get_objects() if isinstance(o, Doc) and o.text == text]
    finally:
        gc.enable()


def test_a_bracket_cuts_an_entity_to_its_name(nlp):
    doc = nlp("Argentine President [Javier] Milei said the jets were ready. The photo came from Getty Images] this week.")
    texts = {ent.text for ent in doc.ents}
    assert "Getty Images" in texts and "Milei" in texts
    assert not any(c in ent.text for ent in doc.ents for c in "[]")


@pytest.mark.parametrize("name, expected", [
    ("Bell AH-1Z Viper", "AH-1Z"),  # maker + designation + nickname: the system
    ("MEKO A-200", "MEKO A-200"),  # capitals belong to the designation
    ("Mi-24 gunships", "Mi-24 gunships"),
    ("Wing Loong II", "Wing Loong II"),
])
def test_designation_names_an_unlisted_system(name, expected):
    from kg.entity_types import designation_name
    assert designation_name(name) == expected


def test_the_model_lists_english_adjectives(nlp):
    from kg.nlp import model_adjectives
    adjectives = model_adjectives(nlp)
    assert {"heavy", "tactical", "western"} <= adjectives
    assert "caracal" not in adjectives


@pytest.mark.parametrize("text, name, label", [
    ("LAGOS, Nigeria (AP) — The air force said it had received drones.", "LAGOS", "LOC"),  # a dateline's city
    ("Leaders met. REUTERS/Ints Kalnins/File Photo", "Ints Kalnins", "PERSON"),  # a credit's photographer
    ("A man walks. (AP Photo/Denes Erdos)", "Denes Erdos", "PERSON"),
])
def test_datelines_and_credits(nlp, text, name, label):
    found = labels(nlp(text))
    assert found.get(name) == label
    assert not any("/" in ent for ent in found)


def test_an_editors_label_is_no_dateline(nlp):
    assert "BREAKING" not in labels(nlp("BREAKING: Poland signed the deal."))


def test_a_headline_names_things_too(parse):
    """A name only in the headline is a mention; a headline In Title Case gives only names the body, the gazetteer
    or a weapon's designation vouch for (the NER reads a Title Case headline's capitals as names)."""
    from kg.extract import extract
    doc, article = parse("Chile unveils the new KH-7 coastal radar\n\nThe navy showed the system to reporters on "
                         "Monday at its base near the port.")
    assert article.body_start > 0
    assert "KH-7" in {m.text for m in extract(doc, article).mentions}
    doc, article = parse("Kenya's Ruling Party Flees The Courtroom As Verdict Lands\n\nThe court in Nairobi annulled "
                         "the vote on Friday, the judges said.")
    names = {m.text for m in extract(doc, article).mentions}
    assert not names & {"Ruling Party", "Flees", "Courtroom", "Verdict Lands"}, names


def test_a_section_label_is_no_entity(nlp):
    doc = nlp("The last jets left the base on Monday.\n\nBackground:\n\nCroatia received its first Rafale jets in 2024.")
    assert "Background" not in {e.text for e in doc.ents}


def test_every_gazetteer_pattern_is_split_as_the_tokenizer_splits_it(nlp):
    """kg_entity_ruler splits a pattern of plain words itself: each must give the tokenizer's own tokens."""
    from kg.nlp import gazetteer_patterns, pattern_orths

    patterns = gazetteer_patterns(load_gazetteer())
    assert len(patterns) > 3000
    wrong = [p["pattern"] for p in patterns
             if pattern_orths(nlp, p["pattern"]) != [t.orth for t in nlp.make_doc(p["pattern"])]]
    assert wrong == []


def test_the_gazetteer_ruler_finds_what_spacys_entity_ruler_finds(nlp):
    """The same entities, labels and gazetteer keys as spaCy's entity_ruler with the same patterns
    (overwrite_ents, ORTH phrase patterns), on the bundled samples and on overlapping names."""
    import spacy

    from kg.ingest import sample_paths
    from kg.nlp import default_model, gazetteer_patterns

    reference = spacy.load(default_model(), exclude=["senter"])
    ruler = reference.add_pipe("entity_ruler", after="ner", config={"overwrite_ents": True,
                                                                    "phrase_matcher_attr": "ORTH"})
    with reference.select_pipes(enable=[]):
        ruler.add_patterns(gazetteer_patterns(load_gazetteer()))
    ours = nlp.get_pipe("kg_entity_ruler")
    texts = [p.read_text(encoding="utf-8") for p in sample_paths()] + [
        "The Czech Republic and North Korea met in New York; South Korea's K2 Black Panther tanks and "
        "Patriot PAC-3 missiles were shown at the Kyiv Security Forum by Lockheed Martin and Rheinmetall."]
    for text in texts:
        with reference.select_pipes(disable=["entity_ruler"]):
            doc = reference(text)
        expected = ruler(doc.copy())
        got = ours(doc.copy())
        assert [(e.start, e.end, e.label_, e.ent_id_) for e in got.ents] == \
            [(e.start, e.end, e.label_, e.ent_id_) for e in expected.ents]
