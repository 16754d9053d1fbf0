"""The timeline chart (kg.timeline): week counting on hand-made facts, and the picture a build writes."""
from __future__ import annotations

import base64
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from kg.analyze import ArticleFact, ClaimFact, EntityFact, GraphFacts, SupplyFact
from kg.timeline import MAX_WEEKS, NOT_NAMED, OTHERS, draw, panel, timeline, week_of

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def facts_of(claims: list[tuple[str, str]], supplies: list[tuple[str | None, str, str]]) -> GraphFacts:
    """Return facts with one article per date: claims are (speaker, article date), supplies
    (supplier, stated date, article date); "" is no date."""
    facts = GraphFacts()

    def article(when: str) -> str:
        iri = f"a:{when or 'undated'}"
        facts.articles[iri] = ArticleFact(iri, iri, when)
        return iri

    for name in {s for s, _ in claims} | {s for s, _, _ in supplies if s}:
        facts.entities[f"e:{name}"] = EntityFact(f"e:{name}", name, "Person")
    facts.claims += [ClaimFact(f"c{i}", f"e:{s}", "text", article=article(when)) for i, (s, when) in enumerate(claims)]
    facts.supplies += [SupplyFact(f"s{i}", f"e:{s}" if s else None, None, None, when_date=stated,
                                  article=article(when)) for i, (s, stated, when) in enumerate(supplies)]
    return facts


def test_weeks_start_on_monday():
    assert week_of("2025-07-13") == date(2025, 7, 7)  # a Sunday is in the week of the Monday before
    assert week_of("2025-07-14") == date(2025, 7, 14)
    assert week_of("2024-12-31") == date(2024, 12, 30)  # ISO week 1 of 2025 starts in 2024
    assert week_of("not a date") is None and week_of("2025") is None


def test_claims_are_counted_per_week_by_speaker_with_undated_left_out():
    chart = timeline(facts_of([("Ann", "2025-07-07"), ("Ann", "2025-07-13"), ("Bob", "2025-07-21"), ("Bob", "")],
                              []))
    # Every week from the first to the last, the empty one between included.
    assert chart.weeks == (date(2025, 7, 7), date(2025, 7, 14), date(2025, 7, 21))
    assert chart.claims.series == {"Ann": (2, 0, 0), "Bob": (0, 0, 1)}
    assert chart.claims.undated == 1
    assert "1 claims" in chart.caption()


def test_the_rest_of_the_speakers_share_the_others_series():
    claims = [(name, "2025-07-07") for name, n in (("A", 4), ("B", 3), ("C", 2), ("D", 1), ("E", 1)) for _ in range(n)]
    p = timeline(facts_of(claims, []), top=2).claims
    assert list(p.series) == ["A", "B", OTHERS]  # the biggest first, others last
    assert p.series[OTHERS] == (4,)
    assert p.total == len(claims)
    assert OTHERS not in timeline(facts_of(claims, []), top=5).claims.series  # nobody left over: no others


def test_a_supply_is_dated_by_its_stated_day_else_its_article():
    chart = timeline(facts_of([], [("US", "2025-07-21", "2025-07-07"),  # the stated day wins
                                   ("US", "2025-07", "2025-07-08"),  # a year-month names no week: the article's
                                   (None, "", "2025-07-09"),
                                   ("UK", "", "")]))
    assert chart.weeks == (date(2025, 7, 7), date(2025, 7, 14), date(2025, 7, 21))
    assert chart.supplies.series == {"US": (1, 0, 1), NOT_NAMED: (1, 0, 0)}
    assert chart.supplies.undated == 1


def test_stray_dates_cannot_stretch_the_chart_over_centuries():
    chart = timeline(facts_of([("Ann", "2025-07-07"), ("Ann", "2025-07-08"), ("Bob", "1066-10-14"),
                               ("Bob", "9999-12-31"), ("Bob", "0001-01-01")], []))
    assert len(chart.weeks) <= MAX_WEEKS and chart.weeks[0] <= date(2025, 7, 7) <= chart.weeks[-1]
    assert chart.claims.outside + chart.claims.undated == 3 and "dated outside" in chart.caption()
    assert draw(chart).startswith(PNG_MAGIC)


def test_panel_counts_only_the_weeks_given():
    p = panel([("a", "2025-07-07"), ("b", "2025-07-14")], (date(2025, 7, 14),))
    assert (p.series, p.outside) == ({"b": (1,)}, 1)


def test_nothing_dated_is_an_empty_chart_that_says_so():
    chart = timeline(facts_of([("Ann", "")], [("US", "", "")]))
    assert chart.empty
    assert "no timeline" in chart.caption()


def test_draw_returns_a_png():
    picture = draw(timeline(facts_of([("Ann", "2025-07-07")], [("US", "", "2025-08-04")])))
    assert picture.startswith(PNG_MAGIC) and len(picture) > 1000


LIFECYCLE_ARTICLES = Path(__file__).resolve().parent / "data" / "lifecycle" / "articles"


@pytest.fixture(scope="module")
def lifecycle_build(tmp_path_factory):
    """A build of 16 real articles dated over three years (tests/data/lifecycle): (report, out)."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("timeline")
    return build([LIFECYCLE_ARTICLES], out), out


@pytest.fixture(scope="module")
def built(lifecycle_build):
    return lifecycle_build[1]


def test_a_build_writes_the_timeline_and_report_md_links_it(built, lifecycle_build):
    picture = (built / "timeline.png").read_bytes()
    assert picture.startswith(PNG_MAGIC) and len(picture) > 1000
    assert lifecycle_build[0].files["timeline.png"] == str(built / "timeline.png")
    report = (built / "report.md").read_text(encoding="utf-8")
    assert "## Timeline" in report and "![Claims and supply events per week](timeline.png)" in report
    assert re.search(r"undated: \d+ claims, \d+ supply events", report)


def test_the_page_inlines_the_same_picture(built):
    page = (built / "graph.html").read_text(encoding="utf-8")
    uri = re.search(r'<details id="kg-timeline">.*?<img src="data:image/png;base64,([^"]+)"', page, re.S)
    assert uri is not None
    assert base64.b64decode(uri.group(1)) == (built / "timeline.png").read_bytes()
    assert not re.search(r"<(?:script|img|iframe)[^>]+src=(?![\"']data:)", page, re.I)  # still fetches nothing


def test_kg_html_redraws_the_timeline_from_the_store(built, tmp_path):
    from kg.render import render_dir

    out = tmp_path / "out"
    shutil.copytree(built / "store", out / "store")
    page = render_dir(out).read_text(encoding="utf-8")
    assert '<img src="data:image/png;base64,' in page and "per week by speaker" in page


def test_a_corpus_with_nothing_dated_writes_no_picture(tmp_path):
    from kg.pipeline import build

    source = tmp_path / "in" / "undated.txt"
    source.parent.mkdir()
    source.write_text("Ukraine\n\nThe minister said the weapons would be sent soon.\n", encoding="utf-8")
    out = tmp_path / "out"
    (out).mkdir()
    (out / "timeline.png").write_bytes(PNG_MAGIC)  # left by an earlier build: it must go
    report = build([source.parent], out)
    assert not (out / "timeline.png").exists() and "timeline.png" not in report.files
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "## Timeline" in text and "no timeline is drawn" in text and "](timeline.png)" not in text
    assert 'id="kg-timeline"' not in (out / "graph.html").read_text(encoding="utf-8")


def test_events_of_one_week_draw_no_timeline(seed_build):
    """The bundled samples: every dated event in one week is one bar, so no picture (nor matplotlib's cost)."""
    out = seed_build[1]
    assert not (out / "timeline.png").exists() and "timeline.png" not in seed_build[0].files
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Timeline" in report and "fall in the week of Monday" in report
    assert "data:image/png" not in (out / "graph.html").read_text(encoding="utf-8")
    assert not timeline(facts_of([("Ann", "2025-07-07"), ("Bo", "2025-07-09")], [])).drawable
