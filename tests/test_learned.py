"""The learned content boundaries (kg/extract/learned.py): shipped, switchable, reproducible."""
import subprocess
import sys

import pytest
import spacy

from conftest import ROOT, SHARED
from kg.extract import learned
from kg.extract.claims import find_claims
from kg.nlp import default_model

TRAIN = SHARED / "eval" / "polnear" / "train"


def test_the_model_ships_in_the_package_and_counts_in_the_cache_fingerprint():
    from kg.pipeline import PACKAGE_DIR

    assert learned.model() is not None
    # extraction_fingerprint digests every file under kg/extract/: a new model makes every cached extraction stale
    assert learned.MODEL_PATH.is_relative_to(PACKAGE_DIR / "extract")
    assert learned.MODEL_PATH.stat().st_size < 5_000_000


def test_the_model_is_switched_off_through_config():
    text = "Marco Rubio said that the talks would continue."
    for flag in (True, False):
        nlp = spacy.load(default_model())
        nlp.add_pipe("kg_claims", config={"learned": flag})
        assert [c.text for c in nlp(text)._.claims] == ["the talks would continue"]


def test_quotes_keep_their_marks(parse):
    doc, article = parse("“We will not give up,” Zelensky said. “The front line is holding.”")
    assert [c.text for c in find_claims(doc, article.body_start)] == \
        [c.text for c in find_claims(doc, article.body_start, learned=False)]


@pytest.mark.skipif(not TRAIN.exists(), reason="../shared/eval/polnear/train not present")
def test_training_on_a_slice_gives_the_same_bytes_twice(tmp_path):
    """`make train` is reproducible: the same articles, seed and code give the same model file, byte for byte."""
    outs = []
    for n in (1, 2):
        out = tmp_path / f"model{n}.json.gz"
        subprocess.run([sys.executable, str(ROOT / "tools" / "train_claims.py"), "--split", str(TRAIN), "--limit", "12",
                        "--docs", str(tmp_path / "docs.spacy"), "--epochs", "2", "--out", str(out)],
                       check=True, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    weights = learned.read_model(outs[0])
    assert all(weights[task].any() for task in learned.TASKS)


def test_a_wish_the_cue_model_reads_is_not_a_claim(parse):
    """PolNeAR annotates `wants X to …`; in kg a wish is not a claim, whatever the cue model says."""
    doc, article = parse("Trump administration wants Europe to buy more US weapons for Ukraine.")
    assert [c.rule for c in find_claims(doc, article.body_start) if c.rule == "learned-cue"] == []


@pytest.mark.parametrize("text, speaker, content", [
    # verbs outside reporting_verbs.csv, with a clause and no `that`: no rule reads them
    ("Analysts reckon the deal will collapse by spring.", "Analysts", "the deal will collapse by spring"),
    ("The court ruled Ohio's practices could remove some eligible voters.", "The court",
     "Ohio's practices could remove some eligible voters"),
])
def test_the_cue_model_reads_verbs_outside_the_lists(parse, text, speaker, content):
    doc, article = parse(text)
    assert [(c.rule, c.speaker.text, c.text) for c in find_claims(doc, article.body_start)] == \
        [("learned-cue", speaker, content)]
    assert find_claims(doc, article.body_start, learned=False) == []
