"""Robustness of ingest and extraction on hostile input (issue 7, "Robustness").

Property-based tests (hypothesis) feed random Unicode, unbalanced and mixed
quote marks, control characters, RTL text, empty and whitespace-only text and
mixed encodings through `read_articles`, `read_plain_text`, `find_quote_spans`
and `extract`; plain tests cover a 5 MB article, one 20,000-word sentence and a
build over a folder of good and bad files.

The invariants checked everywhere:
- nothing raises (an unusable input becomes a `Skipped` with a reason);
- every offset pair slices the article text to what it claims to be: a claim's
  (start, end) to `claim.text`, its speaker's to the speaker's text, every
  mention's to its text; a supply's (start, end) lies within the text;
- `find_quote_spans` returns ordered, non-overlapping spans within the text.

Hypothesis runs derandomized and without an example database, so a run is
repeatable (and `xfail(strict=True)` markers stay meaningful); keep the
example counts modest, the whole module should stay well under two minutes.
"""
from __future__ import annotations

import json
import re
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.extract import extract
from kg.extract.claims import find_quote_spans
from kg.ingest import read_articles, read_plain_text, stored_text
from kg.types import Article, Extraction, Mention, Skipped

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "kg" / "samples" / "000_4d7d77f41e34007e.txt"

ROBUST = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                         HealthCheck.data_too_large])
QUICK = settings(ROBUST, max_examples=150)  # for the pure-Python functions, which cost microseconds

# ------------------------------------------------------------------ strategies

QUOTE_MARKS = ["“", "”", '"', "‘", "’", "«", "»", "„", "''", "'"]
CONTROLS = [chr(c) for c in range(0x20)] + [
    "\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\u200e", "\u200f", "\u202e", "\ufeff", "\u00ad"]
RTL = ["قال الرئيس إن", "الولايات المتحدة", "أوكرانيا", "صواريخ باتريوت", "אמר השר כי", "ישראל", "נשק",
       "\u202bمرحبا\u202c"]
FRAGMENTS = [
    "Donald Trump", "Trump", "Mark Rutte", "Zelensky", "Germany", "Ukraine", "Russia", "the United States", "NATO",
    "Reuters", "Patriot systems", "Patriot air defence systems", "14 Leopard 2 tanks", "weapons", "arms", "them",
    "he", "she", "they", "we", "the minister", "the US president", "said", "says", "told reporters", "told",
    "according to", "warned", "urged allies to", "claimed", "denied", "will send", "sent", "sold", "is selling",
    "bought", "buy", "from", "to", "for", "that", "the", "and", "but", "not", "shipments of", ":", ",", ".", "?",
    "—", "-", "―", "'s", "PENCE:", "Reuters:", "date 2025-07-11", "---", "title: x", "(", ")", "…",
]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", "\t", "\r\n"]

fragment = st.one_of(
    st.sampled_from(FRAGMENTS), st.sampled_from(QUOTE_MARKS), st.sampled_from(CONTROLS), st.sampled_from(RTL),
    st.text(max_size=6),
)
# news-like text: words, names, cues, quote marks, control characters and RTL runs, in random order
newsy_text = st.lists(st.tuples(fragment, st.sampled_from(SEPARATORS)), max_size=80).map(
    lambda parts: "".join(f + s for f, s in parts))
# any Unicode string (hypothesis never generates lone surrogates here: a decoded file cannot hold them)
unicode_text = st.text(max_size=400)
rtl_text = st.lists(st.one_of(st.sampled_from(RTL), st.sampled_from(QUOTE_MARKS + [" ", "\n", ".", "،", ":"]),
                              st.text(alphabet=st.characters(min_codepoint=0x0590, max_codepoint=0x06FF), max_size=8)),
                    max_size=60).map("".join)
quote_heavy_text = st.lists(st.sampled_from(
    ["“", "”", '"', "‘", "’", "«", "»", "„", "'", " ", " ", "\n", "\n", "a", "b", "word", ",", "-", "—", "(", ":",
     "\t", "\r"]), max_size=120).map("".join)
any_text = st.one_of(newsy_text, unicode_text, rtl_text, quote_heavy_text)
WHITESPACE = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2000", "\u2003",
              "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]  # all str.isspace()


# ------------------------------------------------------------------ checks


def check_article(article: Article, text: str) -> None:
    assert article.text == text  # offsets index the text exactly as decoded
    assert 0 <= article.body_start <= len(text)
    if article.title_start is not None:
        assert 0 <= article.title_start <= article.body_start
        assert article.title is not None
    if article.date is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.date), article.date


def check_mention(text: str, mention: Mention | None) -> None:
    if mention is None:
        return
    assert 0 <= mention.start <= mention.end <= len(text), mention
    assert text[mention.start:mention.end] == mention.text, mention


def check_extraction(ex: Extraction) -> None:
    text = ex.article.text
    # claims start at the headline, else at the body; front matter is exempt here because of a known bug,
    # see test_front_matter_lines_are_not_claims
    text_start = ex.article.title_start if ex.article.title_start is not None else ex.article.body_start
    claims_start = text_start
    if re.match(r"---[ \t]*\r?\n", text):
        claims_start = 0
    for mention in ex.mentions:  # a headline names things too; front matter and an inline date do not
        check_mention(text, mention)
        assert mention.start >= text_start
    for claim in ex.claims:
        assert claims_start <= claim.start < claim.end <= len(text), claim
        assert text[claim.start:claim.end] == claim.text, claim
        assert claim.evidence in text
        check_mention(text, claim.speaker)
        for mention in claim.mentions:
            check_mention(text, mention)
            assert claim.start <= mention.start and mention.end <= claim.end, (claim, mention)
    for supply in ex.supplies:
        assert 0 <= supply.start <= supply.end <= len(text), supply
        assert text[supply.start:supply.end].strip() == supply.evidence, supply
        for mention in (supply.item, supply.supplier, supply.recipient, supply.via, supply.payer, supply.made_in):
            check_mention(text, mention)


def check_quote_spans(text: str, spans: list[tuple[int, int]], start: int = 0) -> None:
    previous_end = start
    for a, b in spans:
        assert previous_end <= a < b <= len(text), (spans, text)
        previous_end = b
        # the content, without its marks and surrounding space
        assert not text[a].isspace() and not text[b - 1].isspace(), (a, b, text)


def extract_text(nlp, text: str, source: str = "case.txt") -> Extraction | None:
    """Read `text` as a plain-text article and extract from it; None when ingest rejects it (bad front matter)."""
    try:
        article = read_plain_text(source, text)
    except ValueError as exc:  # the one documented rejection: read_articles turns it into a Skipped
        assert str(exc).startswith("bad YAML front matter")
        return None
    check_article(article, text)
    ex = extract(nlp(article.text), article)
    check_extraction(ex)
    return ex


def read_bytes_as(data: bytes, suffix: str) -> list[Article | Skipped]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"case{suffix}"
        path.write_bytes(data)
        items = list(read_articles([path]))
    for item in items:
        assert isinstance(item, (Article, Skipped))
        if isinstance(item, Skipped):
            assert item.reason.strip(), item
            assert item.source.startswith(str(path)), item
    return items


# ------------------------------------------------------------------ ingest


@QUICK
@given(text=any_text)
@example(text="")
@example(text="---\n")
@example(text="---\n---\n")
@example(text="Headline\n")
@example(text="Reuters: \nbody")
@example(text="date 2025-07-11")
@example(text="\r\r\r")
def test_read_plain_text_never_breaks_offsets(text):
    try:
        article = read_plain_text("case.txt", text, frozenset({"reuters"}))
    except ValueError as exc:
        assert str(exc).startswith("bad YAML front matter")
        return
    check_article(article, text)


@QUICK
@given(text=any_text, suffix=st.sampled_from([".txt", ".md"]))
def test_read_articles_text_files_keep_text_as_decoded(text, suffix):
    [item] = read_bytes_as(text.encode("utf-8"), suffix)
    if isinstance(item, Article):
        check_article(item, stored_text(text, markdown=True))  # as decoded, no leading BOM, no XML-illegal characters
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", item.text)
        assert item.sha256
    elif "\x00" in text:
        assert "binary" in item.reason
    elif not text.encode("utf-8").strip():
        assert "empty" in item.reason


@ROBUST
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".txt", ".md", ".json", ".jsonl", ".html"]))
@example(data=b"\xff\xfe\x00a\x00b", suffix=".txt")  # UTF-16 with BOM
@example(data=b"\xef\xbb\xbf", suffix=".txt")  # a lone UTF-8 BOM
@example(data=b"{\"text\": 1}", suffix=".json")
@example(data=b"null", suffix=".jsonl")
@example(data=b"<html><body></body></html>", suffix=".html")
def test_read_articles_on_arbitrary_bytes_never_raises(data, suffix):
    items = read_bytes_as(data, suffix)
    for item in items:
        if isinstance(item, Article):  # whitespace-only text is test_unicode_whitespace_only_files_are_skipped
            assert item.text and item.sha256


@ROBUST
@given(utf8=st.text(max_size=200), latin1=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF),
                                                  max_size=200),
       latin1_first=st.booleans(), suffix=st.sampled_from([".txt", ".md", ".json", ".jsonl", ".html"]))
@example(utf8="Trump said “yes”.", latin1="café", latin1_first=False, suffix=".txt")
def test_mixed_encodings_are_skipped_with_reason(utf8, latin1, latin1_first, suffix):
    # `é ` in Latin-1 is 0xE9 0x20: a lead byte without its continuation, never valid UTF-8
    bad = (latin1 + "é ").encode("latin-1")
    good = utf8.encode("utf-8")
    data = bad + good if latin1_first else good + bad
    items = read_bytes_as(data, suffix)
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert "not UTF-8" in items[0].reason or "binary" in items[0].reason
    if b"\x00" not in data[:8192]:
        assert "not UTF-8" in items[0].reason


@ROBUST
@given(text=st.text(alphabet=st.sampled_from([" ", "\t", "\n", "\r", "\x0b", "\x0c"]), max_size=50),
       suffix=st.sampled_from([".txt", ".md", ".json", ".jsonl", ".html"]))
def test_empty_and_ascii_whitespace_files_are_skipped(text, suffix):
    items = read_bytes_as(text.encode("utf-8"), suffix)
    assert [type(i) for i in items] == [Skipped]
    assert "empty" in items[0].reason


@ROBUST
@given(text=st.text(alphabet=st.sampled_from(WHITESPACE), min_size=1, max_size=30).filter(
    lambda t: t.encode("utf-8").strip()))
@example(text="\u00a0\n")
def test_unicode_whitespace_only_files_are_skipped(text):
    items = read_bytes_as(text.encode("utf-8"), ".txt")
    assert [type(i) for i in items] == [Skipped]


@QUICK
@given(records=st.lists(st.one_of(
    st.fixed_dictionaries({"text": any_text}, optional={
        "title": st.one_of(st.none(), st.text(max_size=20), st.integers(), st.lists(st.integers(), max_size=2)),
        "date": st.one_of(st.none(), st.text(max_size=12), st.integers(),
                          st.sampled_from(["2025-07-11", "2025-07-11T10:00"])),
        "url": st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["https://example.org/a", " http://x "])),
        "publisher": st.one_of(st.none(), st.text(max_size=10))}),
    st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=3)), max_size=6))
def test_jsonl_records_each_become_an_article_or_a_skip(records):
    # raw U+0085/U+2028/U+2029 inside a record are test_jsonl_record_with_unicode_line_separator_is_read
    lines = [json.dumps(r, ensure_ascii=bool(i % 2)) for i, r in enumerate(records)]
    lines = [line.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
             for line in lines]
    data = "\n".join(lines).encode("utf-8")
    items = read_bytes_as(data, ".jsonl")
    if not records:
        return
    assert len(items) == len(records)  # one item per record, in order, none lost
    for n, (record, item) in enumerate(zip(records, items), 1):
        assert item.source.endswith(f"#{n}")
        if isinstance(item, Article):
            check_article(item, stored_text(record["text"]))


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_jsonl_record_with_unicode_line_separator_is_read(tmp_path, separator):
    path = tmp_path / "lines.jsonl"
    records = [{"text": f"Rutte said{separator}that Europe would pay."}, {"text": "Kellogg said no."}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    items = list(read_articles([path]))
    assert [type(i).__name__ for i in items] == ["Article", "Article"]
    assert [i.text for i in items] == [r["text"] for r in records]
    assert items[1].source.endswith("#2")


@pytest.mark.parametrize("content", [b"[]", b"[]\n"])
def test_json_without_records_is_skipped(tmp_path, content):
    path = tmp_path / "none.json"
    path.write_bytes(content)
    items = list(read_articles([path]))
    assert [type(i) for i in items] == [Skipped]


def test_deeply_nested_json_is_skipped(tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000)
    items = list(read_articles([path]))
    assert [type(i) for i in items] == [Skipped]


def test_lone_surrogate_in_jsonl_skips_only_that_record(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text('{"text": "A said yes."}\n{"text": "bad \\ud800 text"}\n{"text": "C said no."}\n',
                    encoding="utf-8")
    items = list(read_articles([path]))
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Article"]
    assert items[1].source.endswith("#2") and items[2].text == "C said no."


def test_front_matter_datetime_becomes_a_date():
    article = read_plain_text("a.md", "---\ndate: 2025-01-02 10:00:00\n---\nRutte said that Europe would pay.\n")
    assert article.date == "2025-01-02"


# ------------------------------------------------------------------ quote spans


@QUICK
@given(text=st.one_of(quote_heavy_text, newsy_text, unicode_text), start=st.integers(0, 300))
@example(text='“unclosed\n„next paragraph', start=0)
@example(text='"a" "b" «c» „d“ “e"', start=0)
@example(text="“\n“\n“", start=1)
def test_quote_spans_are_ordered_disjoint_and_inside(text, start):
    start = min(start, len(text))
    spans = find_quote_spans(text, start)
    check_quote_spans(text, spans, start)
    # find_claims reads two apostrophes as a straight quote; the replacement keeps the length, so offsets hold
    replaced = text.replace("''", ' "')
    assert len(replaced) == len(text)
    check_quote_spans(replaced, find_quote_spans(replaced))


# ------------------------------------------------------------------ extraction


@ROBUST
@given(text=newsy_text)
@example(text="Trump said “Germany will send Patriot systems to Ukraine")  # unclosed
@example(text="“We will send weapons to Ukraine,” Trump said. ” “ » „")
@example(text="„Germany sells arms to Ukraine“, Rutte said.\n«Russia buys weapons from Iran», he said.")
@example(text="PENCE: we will send Patriot systems to Ukraine\n")
@example(text="\u202eTrump said that Germany \u200fwill send\u200e weapons to Ukraine.\x00\x1b")
@example(text="“A” ― Trump\n")
def test_extraction_offsets_on_newsy_text(nlp, text):
    extract_text(nlp, text)


@pytest.mark.parametrize("text", [
    "---\nURL: https://example.org/news/a\n---\nBody text here.\n",
    "---\nNOTE: this is a line with words\n---\nBody.\n",
])
def test_front_matter_lines_are_not_claims(nlp, text):
    article = read_plain_text("a.md", text)
    ex = extract(nlp(article.text), article)
    assert all(c.start >= article.body_start for c in ex.claims), ex.claims


@ROBUST
@given(text=unicode_text)
def test_extraction_offsets_on_random_unicode(nlp, text):
    extract_text(nlp, text)


@ROBUST
@given(text=rtl_text)
@example(text="قال الرئيس إن “الولايات المتحدة سترسل صواريخ باتريوت إلى أوكرانيا”.")
@example(text="אמר השר כי «ישראל תמכור נשק» ,Trump said that „Germany will send weapons to Ukraine“")
def test_extraction_offsets_on_rtl_text(nlp, text):
    extract_text(nlp, text)


@ROBUST
@given(text=st.text(alphabet=st.sampled_from(WHITESPACE + CONTROLS), max_size=40))
def test_extraction_on_whitespace_and_control_characters(nlp, text):
    ex = extract_text(nlp, text)
    if ex is not None and not text.strip():
        assert not ex.claims and not ex.supplies and not ex.mentions


@ROBUST
@given(text=newsy_text)
def test_ingest_then_extract_through_files(nlp, text):
    """The whole front half of a build: bytes on disk -> read_articles -> spaCy -> extract."""
    for item in read_bytes_as(text.encode("utf-8"), ".txt"):
        if isinstance(item, Article):
            check_article(item, stored_text(text, markdown=True))
            check_extraction(extract(nlp(item.text), item))


# ------------------------------------------------------------------ size


def test_five_megabyte_article_is_read_and_its_quotes_found(tmp_path):
    """Reading and the quote scan of a 5 MB article are linear (measured: ~0.05 s and ~0.7 s)."""
    text = _five_megabytes()
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    [article] = list(read_articles([path]))
    assert isinstance(article, Article)
    check_article(article, text)
    spans = find_quote_spans(article.text)
    check_quote_spans(article.text, spans)
    assert len(spans) > 1000
    assert time.perf_counter() - started < 30


def test_five_megabyte_article_does_not_crash_build(tmp_path):
    # measured: build fails fast (~3 s, E088 is raised before any parsing); a fix that skips stays fast
    src = tmp_path / "in"
    src.mkdir()
    (src / "big.txt").write_text(_five_megabytes(), encoding="utf-8")
    (src / "good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    from kg.pipeline import build

    report = build([src], tmp_path / "out")
    skipped = {Path(s.source).name: s.reason for s in report.skipped}
    assert report.articles >= 1  # the good article landed
    assert "big.txt" in skipped or report.articles == 2
    assert all(reason.strip() for reason in skipped.values())


def _five_megabytes() -> str:
    sample = SAMPLE.read_text(encoding="utf-8") + "\n\n"
    return (sample * (5_000_000 // len(sample) + 1))[:5_000_000]


def test_one_twenty_thousand_word_sentence(nlp):
    """One sentence of 20,000 words, with a cue, a supply, an unclosed quote, scare quotes and one full stop.

    Measured on 2 cores: parse ~6-8 s, extract ~1 s. Extraction time grows with claims x tokens
    (`_sentences_over` walks `doc.sents` and `_resolve` all `doc.ents` once per claim): the same sentence with
    800 one-word scare quotes took ~8 s to parse but ~38 s to extract, and a cue every few words ~60 s.
    """
    filler = ("the talks in Brussels dragged on over the winter while diplomats from several capitals argued "
              "about money and timetables and the price of shells").split()
    words = "Rutte said that Germany would send Patriot systems to Ukraine while “ officials".split()
    while len(words) < 19_999:
        words += filler[:19_999 - len(words)]
        words[-1] += ","
    for k in range(1_000, 19_000, 2_000):
        words[k] = f"“{words[k]}”"
    words[-3] = "«" + words[-3]
    text = " ".join(words) + " end."
    assert len(text.split()) == 20_000 and text.count(".") == 1
    started = time.perf_counter()
    ex = extract_text(nlp, text)
    assert ex is not None
    assert time.perf_counter() - started < 60
    assert any(c.cue == "say" and c.speaker_name == "Rutte" for c in ex.claims)
    assert ex.supplies


# ------------------------------------------------------------------ through the pipeline


@pytest.fixture(scope="module")
def bad_inputs_build(tmp_path_factory):
    """Build a folder holding one good article and five unusable files; return (report, out_dir, bad files)."""
    from kg.pipeline import build

    src = tmp_path_factory.mktemp("robust-in")
    (src / "good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    bad = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 4,
        "latin1.txt": "Le ministre a déclaré que la France enverrait des armes.".encode("latin-1"),
        "mixed.txt": "Trump said “yes”. ".encode("utf-8") + "Le ministre a déclaré non.".encode("latin-1"),
        "blank.md": b"  \n\t\r\n   \n",
    }
    for name, data in bad.items():
        (src / name).write_bytes(data)
    out = tmp_path_factory.mktemp("robust-out")
    return build([src], out), out, bad


def test_build_skips_bad_files_with_reasons(bad_inputs_build):
    report, _, bad = bad_inputs_build
    skipped = {Path(s.source).name: s.reason for s in report.skipped}
    assert set(skipped) == set(bad)
    assert "empty" in skipped["empty.txt"]
    assert "binary" in skipped["binary.txt"]
    assert "not UTF-8" in skipped["latin1.txt"]
    assert "not UTF-8" in skipped["mixed.txt"]
    assert "empty" in skipped["blank.md"]
    assert report.articles == 1 and report.claims > 0


def test_build_report_lists_skipped_inputs(bad_inputs_build):
    report, out, bad = bad_inputs_build
    md = (out / "report.md").read_text(encoding="utf-8")
    assert f"- inputs skipped: {len(bad)}" in md
    section = md.split("## Skipped inputs", 1)[1].split("\n## ", 1)[0]
    for s in report.skipped:
        row = next(line for line in section.splitlines() if Path(s.source).name in line)
        assert s.reason.split(" (")[0] in row
    assert "- articles read: 1" in md
    trig = (out / "graph.trig").read_text(encoding="utf-8")
    assert "good.txt" in trig
    assert not any(name in trig for name in bad)


def test_build_skips_non_english_articles(tmp_path):
    """Issue 7: non-English articles are detected and skipped with a reason (only an English model is installed)."""
    from kg.pipeline import build

    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "de.txt").write_text(
        "Bundeskanzler Friedrich Merz sagte am Montag, Deutschland werde der Ukraine weitere Patriot-Systeme "
        "liefern. Die Regierung in Berlin wolle die Luftverteidigung des Landes so schnell wie möglich stärken, "
        "erklärte ein Sprecher des Verteidigungsministeriums. Die Systeme sollen noch vor dem Winter geliefert "
        "werden; über die Kosten verhandeln die Partner in der Nato seit Wochen.\n", encoding="utf-8")
    (src / "ar.txt").write_text(
        "قال الرئيس الأمريكي دونالد ترامب يوم الاثنين إن الولايات المتحدة سترسل المزيد من صواريخ باتريوت إلى "
        "أوكرانيا، مضيفا أن الحلفاء في حلف شمال الأطلسي سيدفعون ثمنها. وأكد المتحدث باسم البيت الأبيض أن "
        "الشحنات الأولى ستصل قبل نهاية الشهر المقبل، بينما تواصل روسيا هجماتها على المدن الأوكرانية.\n",
        encoding="utf-8")
    report = build([src], tmp_path / "out")
    skipped = {Path(s.source).name: s.reason for s in report.skipped}
    assert {"de.txt", "ar.txt"} <= set(skipped)
    assert all(skipped[name].strip() for name in ("de.txt", "ar.txt"))
    assert report.articles == 1


def test_build_reports_an_article_that_breaks_the_extractor(tmp_path, monkeypatch):
    """Issue 7: an article that makes the extractor raise is skipped with its path and the error; the rest lands."""
    import kg.extract
    from kg.pipeline import build

    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "poison.txt").write_text("Trump said that the poison pill would work.\n", encoding="utf-8")
    real = kg.extract.extract

    def flaky(doc, article):
        if article.source.endswith("poison.txt"):
            raise RuntimeError("boom at token 3")
        return real(doc, article)

    monkeypatch.setattr(kg.extract, "extract", flaky)
    report = build([src], tmp_path / "out")
    [failed] = report.skipped
    assert failed.source.endswith("poison.txt")
    assert "RuntimeError" in failed.reason and "boom at token 3" in failed.reason
    assert report.articles == 1
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "poison.txt" in md and "boom at token 3" in md
