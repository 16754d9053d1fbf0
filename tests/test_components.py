"""Claims and supplies as spaCy components: `spacy.load` plus `add_pipe` gives them on a Doc (issue 14)."""
import pytest
import spacy

from kg.nlp import default_model
from kg.types import Claim, Supply


def test_add_pipe_gives_claims_and_supplies_on_the_doc():
    nlp = spacy.load(default_model())  # a plain model: the factories come from the package's entry points
    nlp.add_pipe("kg_claims")
    nlp.add_pipe("kg_supplies")
    [doc] = nlp.pipe(["Germany will send 14 Leopard tanks to Ukraine, Olaf Scholz said on Monday."])
    assert [type(c) for c in doc._.claims] == [Claim]
    assert doc._.claims[0].speaker_name == "Olaf Scholz"
    [supply] = doc._.supplies
    assert isinstance(supply, Supply)
    assert (supply.supplier.text, supply.recipient.text, supply.status) == ("Germany", "Ukraine", "planned")


def test_the_supplies_component_reads_the_claims_for_pronouns():
    """`We` inside a quote is its speaker: only the claims component knows who that is."""
    def suppliers(*components):
        nlp = spacy.load(default_model())
        for component in components:
            nlp.add_pipe(component)
        doc = nlp("“We will send F-16 jets to Ukraine,” Dick Schoof said.")
        return [s.supplier.text if s.supplier else None for s in doc._.supplies]

    assert suppliers("kg_claims", "kg_supplies") == ["Dick Schoof"]
    assert suppliers("kg_supplies") == [None]


def test_a_rules_confidence_is_set_through_config():
    nlp = spacy.load(default_model())
    nlp.add_pipe("kg_claims", config={"confidence": {"reported-ccomp": 0.55}})
    doc = nlp("Olaf Scholz said Germany will send more tanks.")
    assert [(c.rule, c.confidence) for c in doc._.claims] == [("reported-ccomp", 0.55)]
    nlp = spacy.load(default_model())
    nlp.add_pipe("kg_claims")
    assert [c.confidence for c in nlp("Olaf Scholz said Germany will send more tanks.")._.claims] == [0.85]


def test_an_unknown_rule_in_the_config_is_named():
    nlp = spacy.load(default_model())
    with pytest.raises(ValueError, match="no rule named reported-everything.*quote-cue"):
        nlp.add_pipe("kg_claims", config={"confidence": {"reported-everything": 0.9}})
