"""A word of a person's title is never an organisation (issue 16): `Defence` in `Defence Minister Boris Pistorius`."""
import pytest

from kg.extract.entities import find_mentions


@pytest.mark.parametrize("text, fragment", [
    ("Defence Minister Boris Pistorius said Germany would send more tanks.", "Defence"),
    ("US Secretary of State Antony Blinken met the president on Monday.", "State"),
])
def test_a_title_word_is_not_an_organisation(parse, text, fragment):
    doc, _ = parse(text)
    assert fragment not in {m.text for m in find_mentions(doc) if m.label == "ORG"}


def test_a_named_organisation_before_a_title_stays(parse):
    doc, _ = parse("Rheinmetall chief Armin Papperger said the order was the largest in its history.")
    assert "Rheinmetall" in {m.text for m in find_mentions(doc)}
