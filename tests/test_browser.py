"""The HTML page in a real browser: Debian's Chromium driven by Playwright, on the graph of the bundled samples.

Skipped when /usr/bin/chromium is absent (`.ci/run` installs it). Never runs `playwright install`: the
browser is the system's. Screenshots go to tests/artifacts/ (gitignored); with KG_UPDATE_SCREENSHOT=1 the
one of Trump's panel also replaces docs/screenshot.png, the README's picture.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORT = {"width": 1400, "height": 860}

if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium: install Debian's chromium (apt-get install chromium) to run browser tests",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright package is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the samples once; return the pages to test: what `kg build` wrote and what `kg html` writes."""
    from kg.pipeline import build
    from kg.render import page_analysis, render_dir
    from kg.store import load_dataset

    out = tmp_path_factory.mktemp("site")
    build([], out)
    shutil.copy(out / "graph.html", out / "built.html")
    render_dir(out)
    shutil.copy(out / "graph.html", out / "full.html")
    render_dir(out, max_nodes=8)
    shutil.copy(out / "graph.html", out / "top8.html")
    render_dir(out, focus="Donald Trump", depth=1)
    shutil.copy(out / "graph.html", out / "ego.html")
    ds = load_dataset(out)
    analysis = page_analysis(ds)
    trump = next(n for n, d in analysis.graph.nodes(data=True) if d["label"] == "Donald Trump")
    claims = [c.text for c in analysis.graph.nodes[trump].get("claims", [])]
    return {"dir": out, "entities": len(analysis.graph), "claims": claims}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page load with every console message, page error and request recorded."""

    def __init__(self, browser, path: Path, hash_: str = ""):
        self.url = path.as_uri()
        self.page = browser.new_page(viewport=VIEWPORT)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console.error: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url + hash_)
        self.page.wait_for_selector("body[data-kg-stable]", state="attached", timeout=20_000)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def attribute(self, name: str) -> str | None:
        return self.page.get_attribute("body", name)

    def drawn(self) -> int:
        return self.js("kg.drawnNodeCount()")

    def click_node(self, label: str) -> None:
        """Click the node drawn for `label`, at its centre on the canvas, as a user would."""
        x, y = self.js(f"""(() => {{
            const net = kg.network(), id = kg.nodeId({label!r});
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById("mynetwork").getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }})()""")
        self.page.mouse.click(x, y)


@pytest.fixture
def visit(browser):
    visits = []

    def _visit(path: Path, hash_: str = "") -> Visit:
        visits.append(Visit(browser, path, hash_))
        return visits[-1]

    yield _visit
    for v in visits:
        v.page.close()


@pytest.mark.parametrize("name", ["built.html", "full.html", "ego.html"])
def test_page_loads_offline_without_errors(site, visit, name):
    v = visit(site["dir"] / name)
    assert v.errors == []
    assert v.requests == [v.url], "the page must not request anything but itself"


@pytest.mark.parametrize("name", ["built.html", "full.html"])
def test_drawn_nodes_equal_the_view(site, visit, name):
    v = visit(site["dir"] / name)
    assert v.attribute("data-kg-view-nodes") == str(site["entities"])
    assert v.drawn() == site["entities"]
    assert f"all {site['entities']} entities" in v.page.inner_text("#kg-view-note")


@pytest.mark.parametrize("name", ["built.html", "full.html"])
def test_search_finds_trump(site, visit, name):
    v = visit(site["dir"] / name)
    v.page.fill("#kg-search", "Trump")
    v.page.press("#kg-search", "Enter")
    v.page.wait_for_selector("body[data-kg-found]", state="attached", timeout=5_000)
    assert v.attribute("data-kg-found") == "Donald Trump"
    assert v.js("kg.network().getSelectedNodes()") == [v.js("kg.nodeId('Donald Trump')")]
    assert "Donald Trump" in v.page.inner_text("#kg-search-status")


def test_search_finds_an_alternative_label(site, visit):
    v = visit(site["dir"] / "full.html")
    alt = v.js("KG_NODES.find(n => n.alt && n.alt.length).alt[0]")
    label = v.js(f"KG_NODES.find(n => n.alt && n.alt.indexOf({alt!r}) >= 0).label")
    v.page.fill("#kg-search", alt)
    v.page.press("#kg-search", "Enter")
    assert v.attribute("data-kg-found") == label


def test_click_on_trump_shows_his_claims(site, visit):
    v = visit(site["dir"] / "full.html")
    v.click_node("Donald Trump")
    v.page.wait_for_selector("#kg-panel:not([hidden])", timeout=5_000)
    panel = v.page.inner_text("#kg-panel")
    assert panel.startswith("✕\nDonald Trump") or "Donald Trump" in panel.splitlines()[:3]
    assert f"Claims ({len(site['claims'])})" in panel
    for text in site["claims"]:
        assert " ".join(text.split())[:60] in " ".join(panel.split())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(ARTIFACTS / "seed-trump-panel.png"))
    if os.environ.get("KG_UPDATE_SCREENSHOT") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        v.page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
    assert v.errors == []


def test_a_country_panel_lists_its_supplies(site, visit):
    v = visit(site["dir"] / "full.html")
    v.js("kg.showPanel(kg.nodeId('United States'))")
    panel = v.page.inner_text("#kg-panel")
    assert "Supplies out (" in panel
    assert "Ukraine" in panel


def test_a_country_panel_draws_its_supply_lifecycles_as_timelines(site, visit):
    v = visit(site["dir"] / "full.html")
    v.js("kg.showPanel(kg.nodeId('Ukraine'))")
    stages = v.js("""(() => { const id = kg.nodeId('Ukraine');
        return KG.lifecycles.filter(l => [l.from, l.to, l.item].indexOf(id) >= 0)
                            .reduce((n, l) => n + l.stages.length, 0); })()""")
    assert stages > 1
    panel = v.page.inner_text("#kg-panel")
    assert "Supply lifecycles (" in panel
    assert v.page.locator("#kg-panel ol.kg-timeline > li").count() == stages
    first = v.page.locator("#kg-panel ol.kg-timeline > li").first.inner_text()
    assert " — per " in first  # who asserted the stage: a speaker, or the article itself
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(ARTIFACTS / "seed-ukraine-lifecycle.png"))
    assert v.errors == []


def test_filters_hide_a_type_and_a_relation(site, visit):
    v = visit(site["dir"] / "full.html")
    people = v.js("KG_NODES.filter(n => n.group === 'Person').length")
    assert people > 0
    v.page.uncheck('input[data-kg-type="Person"]')
    assert v.drawn() == site["entities"] - people
    assert v.attribute("data-kg-visible-nodes") == str(site["entities"] - people)
    v.page.check('input[data-kg-type="Person"]')
    assert v.drawn() == site["entities"]
    links = int(v.attribute("data-kg-visible-edges"))
    said = v.js("KG_EDGES.filter(e => e.relation === 'said').length")
    v.page.uncheck('input[data-kg-relation="said"]')
    assert int(v.attribute("data-kg-visible-edges")) == links - said


def test_large_graph_opens_on_the_top_nodes_with_a_switch(site, visit):
    v = visit(site["dir"] / "top8.html")
    assert v.attribute("data-kg-view-nodes") == "8" and v.drawn() == 8
    assert f"top 8 of {site['entities']} entities by PageRank" in v.page.inner_text("#kg-view-note")
    v.page.click("#kg-view-switch")
    v.page.wait_for_selector("body[data-kg-stable]", state="attached", timeout=20_000)
    assert v.attribute("data-kg-view") == "full" and v.drawn() == site["entities"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(ARTIFACTS / "seed-full-view.png"))
    assert v.errors == []


def test_ego_view_opens_on_its_centre(site, visit):
    v = visit(site["dir"] / "ego.html")
    assert v.attribute("data-kg-panel") == "Donald Trump"
    assert v.drawn() == int(v.attribute("data-kg-view-nodes")) < site["entities"]
    assert "Ego view" in v.page.inner_text("#kg-summary")


def test_hostile_text_shows_as_text(hostile_graph, tmp_path, visit):
    from kg.render import page_analysis, to_html

    graph, person, label, text = hostile_graph
    path = tmp_path / "hostile.html"
    page = to_html(page_analysis(graph), title=f"kg: around {label}", graph=graph, focus=person, depth=1)
    path.write_text(page, encoding="utf-8")
    v = visit(path)
    assert v.errors == []
    assert v.requests == [v.url], "markup in the data must not have become an <img> or a <script>"
    assert v.js("window.kgPwned") is None
    assert v.attribute("data-kg-panel") == label  # the ego view opened on its centre: the data parsed whole
    assert v.js("document.querySelector('#kg-panel h2').textContent") == label
    assert f"“{text}”" in v.js("document.querySelector('#kg-panel blockquote').textContent")
    assert v.js("document.querySelector('h1').textContent") == f"kg: around {label}"
    assert label in v.js("document.getElementById('kg-summary').textContent")
    v.page.wait_for_timeout(600)  # the focus animation
    x, y = v.js(f"""(() => {{
        const net = kg.network(), id = kg.nodeId({label[:7]!r});
        const p = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.getElementById("mynetwork").getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }})()""")
    v.page.mouse.move(x, y)
    v.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    assert v.js("document.querySelector('div.vis-tooltip').textContent").startswith(label)
    assert v.js("document.querySelectorAll('div.vis-tooltip *').length") == 0
    assert v.errors == [] and v.js("window.kgPwned") is None


@pytest.fixture(scope="module")
def dated_site(tmp_path_factory):
    """A build whose claims and supplies span many weeks (tests/data/lifecycle): its page carries the timeline."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("dated")
    build(sorted((ROOT / "tests" / "data" / "lifecycle" / "articles").glob("*.txt")), out)
    return out


def test_the_timeline_button_shows_the_weekly_chart(dated_site, visit):
    v = visit(dated_site / "graph.html")
    assert v.errors == []
    assert v.js("document.getElementById('kg-panel').hidden") is True
    v.page.click("#kg-timeline-open")
    assert v.js("document.getElementById('kg-panel').hidden") is False
    assert v.js("document.getElementById('kg-timeline').open") is True
    assert v.js("document.getElementById('kg-panel-body').textContent") == ""  # the chart alone, no entity
    image = "document.querySelector('#kg-timeline img')"
    v.page.wait_for_function(f"{image}.complete && {image}.naturalWidth > 0", timeout=10_000)
    assert v.js(f"{image}.getBoundingClientRect().width") > 200  # drawn in the panel, not collapsed
    caption = v.js("document.querySelector('#kg-timeline p').textContent")
    assert "week" in caption and caption == v.js(f"{image}.alt")
    assert not [r for r in v.requests if r.startswith("http")]  # the picture is inlined: the page stays offline
    v.page.screenshot(path=str(ARTIFACTS / "lifecycle-timeline.png"))
    v.page.keyboard.press("Escape")
    assert v.js("document.getElementById('kg-panel').hidden") is True
