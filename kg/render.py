"""HTML: the entity graph as an interactive pyvis page that works offline.

vis-network is inlined by pyvis (`cdn_resources="in_line"`); the remaining
remote references pyvis's template carries (Bootstrap from a CDN) are removed,
so the page makes no request but for itself. Physics settles the layout and is
then switched off so the page stays still and light.
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone

from pyvis.network import Network

from kg.analyze import Analysis

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
STYLE = {
    "Person": ("#E69F00", "dot"),
    "Organization": ("#56B4E9", "square"),
    "Country": ("#009E73", "diamond"),
    "Place": ("#999999", "triangleDown"),
    "Weapon": ("#D55E00", "triangle"),
    "Agent": ("#CC79A7", "dot"),
}
EDGE_COLOURS = {"said": "#7f7f7f", "supplies to": "#0072B2", "supplies": "#D55E00", "supplied to": "#D55E00"}
_REMOTE = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(?:https?:|\.\./)[^"]*"[^>]*>(?:\s*</script>)?', re.I)


def to_html(analysis: Analysis, title: str = "kg: news knowledge graph", summary: str = "",
            max_nodes: int = 300) -> str:
    """Return a self-contained HTML page of the entity graph (the top `max_nodes` by PageRank)."""
    G = analysis.graph
    ranked = sorted(G.nodes, key=lambda n: -analysis.metrics.get(n, {}).get("pagerank", 0.0))
    shown = set(ranked[:max_nodes])
    net = Network(height="85vh", width="100%", directed=True, cdn_resources="in_line", bgcolor="#ffffff")
    top = max((analysis.metrics[n]["pagerank"] for n in shown), default=1.0) or 1.0
    for node in ranked[:max_nodes]:
        data = G.nodes[node]
        colour, shape = STYLE.get(data.get("type", "Agent"), STYLE["Agent"])
        rank = analysis.metrics[node]["pagerank"]
        net.add_node(node, label=data["label"], color=colour, shape=shape, size=10 + 30 * rank / top,
                     title=_tooltip(data), group=data.get("type", "Agent"))
    for u, v, d in G.edges(data=True):
        if u in shown and v in shown:
            net.add_edge(u, v, label=d["relation"], color=EDGE_COLOURS.get(d["relation"], "#7f7f7f"),
                         title=_edge_tooltip(d), arrows="to")
    net.set_options(json.dumps({
        "physics": {"solver": "forceAtlas2Based", "stabilization": {"enabled": True, "iterations": 300}},
        "edges": {"font": {"size": 9, "align": "middle"}, "smooth": {"type": "continuous"}},
        "interaction": {"hover": True, "navigationButtons": False},
    }))
    page = _REMOTE.sub("", net.generate_html())
    note = "" if len(G) <= max_nodes else f" Showing the top {max_nodes} of {len(G)} entities by PageRank."
    header = _header(title, summary + note)
    page = page.replace("<body>", "<body>\n" + header, 1)
    page = page.replace("</body>", _script() + "\n</body>", 1)
    return page


def _tooltip(data: dict) -> str:
    lines = [f"{data['label']} ({data.get('type', '')})"]
    for claim in data.get("claims", [])[:5]:
        lines.append(f"“{_short(claim['text'])}” ({claim['article']}{', ' + claim['date'] if claim['date'] else ''})")
    return "\n".join(lines)


def _edge_tooltip(d: dict) -> str:
    if d["relation"] == "said":
        return f"“{_short(d.get('text', ''))}”\n{d.get('article', '')}"
    parts = [d.get("item", ""), d.get("quantity", ""), d.get("status", "")]
    return f"{' · '.join(p for p in parts if p)}\n{_short(d.get('evidence', ''))}\n{d.get('article', '')}"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header(title: str, summary: str) -> str:
    legend = "".join(
        f'<span class="kg-legend-item"><span class="kg-swatch" style="background:{c}"></span>{html.escape(k)}</span>'
        for k, (c, _) in STYLE.items())
    legend += "".join(
        f'<span class="kg-legend-item"><span class="kg-line" style="background:{c}"></span>{html.escape(k)}</span>'
        for k, c in EDGE_COLOURS.items() if k != "supplied to")
    built = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<style>
 body {{ font-family: system-ui, sans-serif; margin: 0; }}
 #kg-header {{ padding: 8px 14px; border-bottom: 1px solid #ddd; }}
 #kg-header h1 {{ font-size: 1.2em; margin: 0 0 4px 0; }}
 .kg-legend-item {{ margin-right: 14px; font-size: 0.85em; white-space: nowrap; }}
 .kg-swatch {{ display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 4px; }}
 .kg-line {{ display: inline-block; width: 18px; height: 3px; margin: 0 4px 3px 0; }}
 #kg-search {{ margin-left: 10px; }}
</style>
<div id="kg-header">
 <h1>{html.escape(title)}</h1>
 <div id="kg-summary">{html.escape(summary)} Built {built}.</div>
 <div id="kg-legend">{legend}
  <input id="kg-search" type="search" placeholder="Find an entity…" aria-label="Find an entity">
 </div>
</div>"""


def _script() -> str:
    return """<script>
(function () {
  if (typeof network === "undefined") { return; }
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    document.body.setAttribute("data-kg-stable", "1");
  });
  var box = document.getElementById("kg-search");
  box.addEventListener("change", function () {
    var q = box.value.trim().toLowerCase();
    if (!q) { return; }
    var hit = nodes.get().find(function (n) { return String(n.label).toLowerCase().indexOf(q) >= 0; });
    if (hit) {
      network.selectNodes([hit.id]);
      network.focus(hit.id, { scale: 1.4, animation: true });
      document.body.setAttribute("data-kg-found", hit.label);
    }
  });
})();
</script>"""
