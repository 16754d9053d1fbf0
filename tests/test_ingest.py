import json

import pytest

from kg.errors import InputError
from kg.ingest import expand_inputs, read_articles, read_plain_text, sample_paths
from kg.types import Article, Skipped


def read_one(path, publishers=frozenset()):
    items = list(read_articles([path], publishers))
    assert len(items) == 1
    return items[0]


def test_samples_are_bundled():
    names = [p.name for p in sample_paths()]
    assert names == ["000_4d7d77f41e34007e.txt", "004_29c82db465036070.txt"]


def test_inline_date_is_metadata_not_body():
    article = read_plain_text("a.txt", " date 2025-07-11 US President Donald Trump said hello.")
    assert article.date == "2025-07-11"
    assert article.text[article.body_start:].startswith("US President")


def test_headline_with_known_publisher():
    text = "Reuters: Trump wants Europe to buy weapons\nReuters reported that talks loom.\n"
    article = read_plain_text("a.txt", text, frozenset({"reuters"}))
    assert article.publisher == "Reuters"
    assert article.title == "Trump wants Europe to buy weapons"
    assert article.text[article.body_start:].startswith("Reuters reported")


def test_headline_without_publisher_is_title():
    text = "Stealth Over Health: Clinton Diverted.\n\nThe Post reports that she left.\n"
    article = read_plain_text("a.txt", text, frozenset({"reuters"}))
    assert article.publisher is None
    assert article.title == "Stealth Over Health: Clinton Diverted."


def test_single_paragraph_has_no_headline():
    article = read_plain_text("a.txt", "Rubio said that talks would go on.")
    assert article.title is None and article.body_start == 0


def test_front_matter(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Talks\ndate: 2025-02-12\nurl: https://example.org/a\npublisher: AP\n---\n"
                    "Rutte said that Europe would pay.\n", encoding="utf-8")
    article = read_one(path)
    assert (article.title, article.date, article.url, article.publisher) == (
        "Talks", "2025-02-12", "https://example.org/a", "AP")
    assert article.text[article.body_start:].startswith("Rutte said")
    assert article.text == path.read_text(encoding="utf-8")  # offsets index the text as decoded


def test_json_and_jsonl(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"text": "Kellogg said yes.", "title": "T", "date": "2025-01-02"}))
    (tmp_path / "many.jsonl").write_text(
        json.dumps({"text": "A said b."}) + "\n\n" + "{broken\n" + json.dumps({"title": "no text"}) + "\n")
    one = read_one(tmp_path / "one.json")
    assert isinstance(one, Article) and one.text == "Kellogg said yes." and one.date == "2025-01-02"
    many = list(read_articles([tmp_path / "many.jsonl"]))
    assert [type(x).__name__ for x in many] == ["Skipped", "Article", "Skipped"]
    assert many[1].source.endswith("many.jsonl#1")


def test_html_main_text(tmp_path):
    body = " ".join(["NATO Secretary General Mark Rutte said that Europe would pay for the weapons."] * 5)
    (tmp_path / "a.html").write_text(
        f"<html><head><title>Rutte on weapons</title></head><body><nav>Home | World</nav>"
        f"<article><h1>Rutte on weapons</h1><p>{body}</p></article><footer>Cookies</footer></body></html>")
    article = read_one(tmp_path / "a.html")
    assert "Rutte said that Europe would pay" in article.text
    assert "Cookies" not in article.text


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"), (b"  \n\t ", "empty"), (b"\x00\x01\x02binary", "binary"), (b"caf\xe9 au lait", "not UTF-8")])
def test_bad_files_are_skipped_with_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    item = read_one(path)
    assert isinstance(item, Skipped) and reason in item.reason


def test_missing_path_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([tmp_path / "nope.txt"])
    (tmp_path / "a.xml").write_text("<a/>")
    with pytest.raises(InputError, match="unknown format '.xml'"):
        expand_inputs([tmp_path / "a.xml"])


def test_folders_recursive_and_globs(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.md", "sub/c.json", "sub/ignored.csv"):
        (tmp_path / name).write_text('{"text": "x"}' if name.endswith("json") else "x")
    assert sorted(p.name for p in expand_inputs([tmp_path])[0]) == ["a.txt", "b.md", "c.json"]
    assert [p.name for p in expand_inputs([str(tmp_path / "sub" / "*.md")])[0]] == ["b.md"]
    [other] = expand_inputs([tmp_path])[1]
    assert other.source.endswith("ignored.csv") and "not an article format (.csv)" in other.reason


@pytest.mark.parametrize("text", [
    "Der Bundeskanzler sagte am Donnerstag, Deutschland werde der Ukraine weitere Panzer liefern. " * 4,
    "Le président a déclaré jeudi que la France livrerait davantage de canons à l'Ukraine dans les mois à venir. " * 3,
    "Президент заявил в четверг, что страна продолжит поставки оружия на Украину в ближайшие месяцы. " * 4,
])
def test_non_english_articles_are_skipped_with_a_reason(tmp_path, text):
    path = tmp_path / "foreign.txt"
    path.write_text(text, encoding="utf-8")
    item = read_one(path)
    assert isinstance(item, Skipped) and item.reason.startswith("not English")


def test_the_language_check_reads_spacys_stop_words_without_importing_spacy():
    import subprocess
    import sys

    # a fresh process: this one may have imported spaCy already
    probe = ("import sys; from kg.ingest import english_stop_words; words = english_stop_words(); "
             "print('spacy' in sys.modules); from spacy.lang.en.stop_words import STOP_WORDS; print(words == STOP_WORDS)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_english_article_is_kept(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("US President Donald Trump said on Thursday that the United States is selling weapons to its "
                    "NATO allies in Europe so they can provide them to Ukraine to defend against Russia. " * 2)
    assert isinstance(read_one(path), Article)


@pytest.mark.parametrize("value", ["none", "unknown", "N/A"])
def test_front_matter_that_says_there_is_no_date_gives_none_without_a_warning(tmp_path, value):
    path = tmp_path / "a.txt"
    path.write_text(f"---\nsource: https://example.org/a\ndate: {value}\n---\n\nThe minister said talks loom.\n")
    article = read_one(path)
    assert article.date is None and article.warnings == ()


def test_an_unreadable_date_still_warns(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("---\ndate: sometime soon\n---\n\nThe minister said talks loom.\n")
    article = read_one(path)
    assert article.date is None and any("is not a date kg can read" in w for w in article.warnings)
