// The page script of kg's graph page (kg/templates/graph.html inlines it): plain ES5 over vis-network.
// It reads the data the template writes before it: KG_NODES and KG_EDGES (lean rows, styled here),
// KG_OPTIONS (vis options, tuned here per view) and KG (legend, articles, claims, supplies).
/* global vis, KG_NODES, KG_EDGES, KG_OPTIONS, KG */
(function () {
  "use strict";
  var body = document.body;
  var container = document.getElementById("mynetwork");
  var progress = document.getElementById("kg-progress");
  var panel = document.getElementById("kg-panel");
  var panelBody = document.getElementById("kg-panel-body");
  var searchBox = document.getElementById("kg-search");
  var searchStatus = document.getElementById("kg-search-status");
  var viewNote = document.getElementById("kg-view-note");
  var viewSwitch = document.getElementById("kg-view-switch");
  var hiddenTypes = {}, hiddenRelations = {};
  var state = { view: null, network: null, nodes: null, edges: null, count: 0 };

  // Indexes for the side panel: node -> claims spoken, claims about it, supplies out, in, as the item.
  var said = {}, about = {}, out = {}, into = {}, asItem = {};
  function push(map, key, value) { if (typeof key === "number") { (map[key] = map[key] || []).push(value); } }
  KG.claims.forEach(function (c) {
    push(said, c.s, c);
    (c.m || []).forEach(function (m) { if (m !== c.s) { push(about, m, c); } });
  });
  KG.supplies.forEach(function (s) { push(out, s.from, s); push(into, s.to, s); push(asItem, s.item, s); });
  // node -> the supply lifecycles (kg.lifecycle) it is a party to: contested first, then the longest.
  var lifecycles = {};
  (KG.lifecycles || []).forEach(function (l) {
    [l.from, l.to, l.item].forEach(function (p, i, all) { if (all.indexOf(p) === i) { push(lifecycles, p, l); } });
  });
  Object.keys(lifecycles).forEach(function (k) {
    lifecycles[k].sort(function (a, b) { return (b.contested ? 1 : 0) - (a.contested ? 1 : 0) ||
                                                b.stages.length - a.stages.length; });
  });

  // Search: every label and alternative label of every entity in the page.
  var names = [];
  KG_NODES.forEach(function (n) {
    [n.label].concat(n.alt || []).forEach(function (name) {
      names.push({ name: name, key: name.toLowerCase(), id: n.id });
    });
  });
  var list = document.getElementById("kg-names");
  var seenName = {};
  names.forEach(function (x) {
    if (seenName[x.name]) { return; }
    seenName[x.name] = true;
    var option = document.createElement("option");
    option.value = x.name;
    list.appendChild(option);
  });

  function findNode(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return null; }
    var tests = [
      function (x) { return x.key === q; },
      function (x) { return x.key.indexOf(q) === 0; },
      function (x) { return x.key.indexOf(q) >= 0; }
    ];
    for (var t = 0; t < tests.length; t++) {
      var best = null;
      names.forEach(function (x) {
        // KG_NODES is ordered by rank, so the lowest id is the most central match.
        if (tests[t](x) && (best === null || x.id < best.id)) { best = x; }
      });
      if (best) { return best; }
    }
    return null;
  }

  function inView(id) { return id < state.count; }

  function search(query) {
    var hit = findNode(query);
    if (!hit) {
      searchStatus.textContent = "No entity named “" + query.trim() + "”.";
      body.removeAttribute("data-kg-found");
      return;
    }
    var node = KG_NODES[hit.id];
    var matched = hit.name === node.label ? "" : " (as “" + hit.name + "”)";
    if (!inView(hit.id)) {
      searchStatus.textContent = node.label + matched + " is not among the top " + KG.defaultCount +
        "; showing the full graph.";
      draw("full", function () { reveal(hit.id); });
    } else {
      searchStatus.textContent = "Found " + node.label + matched + ".";
      reveal(hit.id);
    }
    body.setAttribute("data-kg-found", node.label);
  }

  function reveal(id) {
    var node = KG_NODES[id];
    if (hiddenTypes[node.group]) {
      var box = document.querySelector('input[data-kg-type="' + node.group + '"]');
      if (box) { box.checked = true; }
      delete hiddenTypes[node.group];
      applyFilters();
    }
    state.network.selectNodes([id]);
    state.network.focus(id, { scale: Math.max(state.network.getScale(), 1.2),
                              animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showPanel(id);
  }

  document.getElementById("kg-search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    search(searchBox.value);
  });
  searchBox.addEventListener("change", function () { if (searchBox.value.trim()) { search(searchBox.value); } });

  // Filters: the legend's check boxes hide entity types and relations.
  function applyFilters() {
    if (!state.nodes) { return; }
    var nodeUpdates = [], visible = {}, shown = 0;
    state.nodes.forEach(function (n) {
      var hide = !!hiddenTypes[n.group];
      if (!hide) { visible[n.id] = true; shown++; }
      if (!!n.hidden !== hide) { nodeUpdates.push({ id: n.id, hidden: hide }); }
    });
    state.nodes.update(nodeUpdates);
    var edgeUpdates = [], links = 0;
    state.edges.forEach(function (e) {
      var hide = !!hiddenRelations[e.relation] || !visible[e.from] || !visible[e.to];
      if (!hide) { links++; }
      if (!!e.hidden !== hide) { edgeUpdates.push({ id: e.id, hidden: hide }); }
    });
    state.edges.update(edgeUpdates);
    body.setAttribute("data-kg-visible-nodes", String(shown));
    body.setAttribute("data-kg-visible-edges", String(links));
    describeView(shown, links);
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-kg-type]"), function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { delete hiddenTypes[box.getAttribute("data-kg-type")]; }
      else { hiddenTypes[box.getAttribute("data-kg-type")] = true; }
      applyFilters();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-kg-relation]"), function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { delete hiddenRelations[box.getAttribute("data-kg-relation")]; }
      else { hiddenRelations[box.getAttribute("data-kg-relation")] = true; }
      applyFilters();
    });
  });

  function describeView(shown, links) {
    var text;
    if (state.count < KG.total) {
      text = "Showing the top " + state.count + " of " + KG.total +
        " entities by PageRank (weapon systems by transfers)";
    } else {
      text = "Showing all " + KG.total + " entities";
    }
    if (shown !== state.count) { text += " (" + shown + " after filters)"; }
    viewNote.textContent = text + ", " + links + " links.";
  }

  // vis items are built here from the lean rows Python wrote: style by group and relation.
  var relationStyle = {};
  KG.relations.forEach(function (r) { relationStyle[r.name] = r; });
  function nodeItem(n) {
    var tip = n.label + " (" + n.group + ")";
    if (n.alt) { tip += "\nalso: " + n.alt.slice(0, 6).join(", "); }
    return { id: n.id, label: n.label, group: n.group, size: n.size, title: tip,
             // label size follows node size, so zoomed out only the central entities are named
             font: { size: Math.round(12 + 36 * (n.size - 8) / 30) }, hidden: !!hiddenTypes[n.group] };
  }
  function short(text, limit) { return text.length <= limit ? text : text.slice(0, limit - 1) + "…"; }
  function edgeTitle(e) {
    var lines = [e.relation + (e.count > 1 ? " ×" + e.count : "")], rows;
    if (e.relation === "said") {
      rows = (said[e.from] || []).filter(function (c) { return c.m && c.m.indexOf(e.to) >= 0; });
      rows.slice(0, 3).forEach(function (c) { lines.push("“" + short(c.text, 140) + "”"); });
    } else {
      rows = (e.relation === "supplied to" ? (asItem[e.from] || []) : (out[e.from] || [])).filter(function (s) {
        return e.relation === "supplies" ? s.item === e.to : s.to === e.to;
      });
      rows.slice(0, 3).forEach(function (s) {
        lines.push([partyName(s.item), s.quantity, s.status].filter(function (x) { return x; }).join(" · "));
      });
    }
    if (rows.length > 3) { lines.push("… and " + (rows.length - 3) + " more"); }
    return lines.join("\n");
  }
  function edgeItem(e, labelled) {
    var style = relationStyle[e.relation] || { colour: "#6E6E6E", dashed: false };
    var item = { id: e.id, from: e.from, to: e.to, relation: e.relation, arrows: "to", dashes: style.dashed,
                 color: { color: style.colour, highlight: "#000000", hover: "#000000" },
                 width: 1 + Math.log2(e.count), title: edgeTitle(e),
                 hidden: !!hiddenRelations[e.relation] || !!hiddenTypes[KG_NODES[e.from].group] ||
                         !!hiddenTypes[KG_NODES[e.to].group] };
    if (labelled) { item.label = e.relation; }
    return item;
  }
  function partyName(p) { return typeof p === "number" ? KG_NODES[p].label : (p || ""); }

  // Views: the top entities by rank, or every entity in the page.
  function draw(view, then) {
    var count = view === "full" ? KG.total : KG.defaultCount;
    if (state.network) { state.network.destroy(); state.network = null; }
    state.view = view;
    state.count = count;
    body.removeAttribute("data-kg-stable");
    body.setAttribute("data-kg-view", view);
    body.setAttribute("data-kg-view-nodes", String(count));
    var nodeItems = KG_NODES.slice(0, count).map(nodeItem);
    var edgeItems = KG_EDGES.filter(function (e) { return e.from < count && e.to < count; });
    var small = edgeItems.length <= 80;
    edgeItems = edgeItems.map(function (e) { return edgeItem(e, small); });
    // Entities without a link in this view stay out of the simulation (in big corpora they are half the
    // nodes) and are laid out on a grid beside the graph once it has settled, so the graph fills the view.
    var linked = {}, loose = [];
    edgeItems.forEach(function (e) { linked[e.from] = true; linked[e.to] = true; });
    nodeItems.forEach(function (n) { if (!linked[n.id]) { n.physics = false; n.x = 0; n.y = 0; loose.push(n.id); } });
    seedPositions(nodeItems, edgeItems, linked);
    state.nodes = new vis.DataSet(nodeItems);
    state.edges = new vis.DataSet(edgeItems);
    var options = JSON.parse(JSON.stringify(KG_OPTIONS));
    // Fewer iterations on big views keep the wait bounded; the layout is already readable by then.
    options.physics.stabilization.iterations = count <= 100 ? 800 : count <= 400 ? 400 : count <= 1500 ? 250 : 150;
    if (count <= 100) {  // room for every label
      var fa = options.physics.forceAtlas2Based;
      fa.gravitationalConstant = -300; fa.springLength = 200; fa.avoidOverlap = 0.8;
    }
    if (count > 1000) {
      options.physics.forceAtlas2Based.avoidOverlap = 0;
      options.physics.forceAtlas2Based.theta = 1.0;
      options.nodes.scaling.label.drawThreshold = 10;
    }
    if (edgeItems.length <= 300) { options.edges.smooth = { type: "continuous", roundness: 0.3 }; }
    progress.hidden = count === 0;
    progress.textContent = "Laying out " + count + " entities…";
    var started = performance.now();
    var network = new vis.Network(container, { nodes: state.nodes, edges: state.edges }, options);
    window.kgTiming = { drawStart: started, networkReady: performance.now() };
    state.network = network;
    var settled = false;
    function settle() {
      if (settled) { return; }
      settled = true;
      network.setOptions({ physics: { enabled: false } });
      if (loose.length) { placeLoose(network, loose, nodeItems.length); }
      progress.hidden = true;
      window.kgStableAt = window.kgTiming.stable = performance.now();
      body.setAttribute("data-kg-stable", "1");
      if (then) { then(); }
    }
    network.on("stabilizationProgress", function (p) {
      progress.textContent = "Laying out " + count + " entities… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
    if (count === 0) { settle(); }
    network.on("click", function (params) {
      if (params.nodes.length) { showPanel(params.nodes[0]); } else if (!params.edges.length) { hidePanel(); }
    });
    applyFilters();
    if (KG.total > KG.defaultCount) {
      viewSwitch.hidden = false;
      viewSwitch.textContent = view === "full" ? "Show the top " + KG.defaultCount + " only"
                                               : "Show all " + KG.total + " entities";
    }
  }
  // A cheap starting layout, so physics refines instead of untangling a random square (the slow part on
  // thousands of nodes): components in PageRank order on a sunflower spiral, each one breadth-first from its
  // most central node, children on a ring around their parent.
  function seedPositions(items, edgeItems, linked) {
    var seed = 7;
    function random() {  // mulberry32: the same picture on every load
      seed = (seed + 0x6D2B79F5) | 0;
      var t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    var adjacency = {};
    edgeItems.forEach(function (e) {
      (adjacency[e.from] = adjacency[e.from] || []).push(e.to);
      (adjacency[e.to] = adjacency[e.to] || []).push(e.from);
    });
    var placed = {}, area = 0, golden = Math.PI * (3 - Math.sqrt(5)), roots = 0;
    items.forEach(function (root) {
      if (placed[root.id] !== undefined || !linked[root.id]) { return; }
      var component = [root.id], seen = {};
      seen[root.id] = true;
      for (var k = 0; k < component.length; k++) {
        (adjacency[component[k]] || []).forEach(function (m) { if (!seen[m]) { seen[m] = true; component.push(m); } });
      }
      var radius = roots === 0 ? 0 : Math.sqrt(area / Math.PI) + 40 * Math.sqrt(component.length);
      area += 3000 * component.length + 4000;
      var angle = roots * golden;
      roots++;
      placed[root.id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
      var queue = [root.id];
      for (var q = 0; q < queue.length; q++) {
        var parent = queue[q], at = placed[parent];
        var children = (adjacency[parent] || []).filter(function (m) { return placed[m] === undefined; });
        var ring = 60 + 12 * Math.sqrt(children.length), turn = random() * 2 * Math.PI;
        children.forEach(function (m, c) {
          var a = turn + 2 * Math.PI * c / children.length, r = ring * (0.8 + 0.4 * random());
          placed[m] = { x: at.x + r * Math.cos(a), y: at.y + r * Math.sin(a) };
          queue.push(m);
        });
      }
    });
    items.forEach(function (n) { if (placed[n.id] !== undefined) { n.x = placed[n.id].x; n.y = placed[n.id].y; } });
  }

  function placeLoose(network, loose, total) {
    var isLoose = {}, ids = [];
    loose.forEach(function (id) { isLoose[id] = true; });
    for (var i = 0; i < total; i++) { if (!isLoose[i]) { ids.push(i); } }
    var pos = network.getPositions(ids), minY = 0, maxY = 0, maxX = 0, first = true;
    ids.forEach(function (id) {
      var p = pos[id];
      if (first) { minY = maxY = p.y; maxX = p.x; first = false; }
      minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y); maxX = Math.max(maxX, p.x);
    });
    // Small views draw every label, so their grid leaves room for one.
    var side = Math.ceil(Math.sqrt(loose.length)), gapX = total <= 100 ? 220 : 45, gapY = total <= 100 ? 110 : 45;
    var top = (minY + maxY) / 2 - Math.ceil(loose.length / side) * gapY / 2, left = maxX + 200;
    state.nodes.update(loose.map(function (id, i) {
      return { id: id, x: left + (i % side) * gapX, y: top + Math.floor(i / side) * gapY };
    }));
    network.fit({ animation: false });
  }
  viewSwitch.addEventListener("click", function () { hidePanel(); draw(state.view === "full" ? "default" : "full"); });

  // Side panel.
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function partyEl(p) {
    if (typeof p !== "number") { return el("span", p === undefined ? "someone" : p); }
    var node = KG_NODES[p];
    if (!inView(p)) { return el("span", node.label); }
    var b = el("button", node.label, "kg-link");
    b.type = "button";
    b.addEventListener("click", function () { reveal(p); });
    return b;
  }
  function sourceEl(a) {
    var span = el("span", null, "kg-meta");
    if (a === undefined || a === null) { return span; }
    var art = KG.articles[a];
    if (art.date) { span.appendChild(document.createTextNode(art.date + " · ")); }
    if (art.url) {
      var link = el("a", art.title);
      link.href = art.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      span.appendChild(link);
    } else {
      span.appendChild(document.createTextNode(art.title));
    }
    return span;
  }
  function section(title, rows, render, limit) {
    if (!rows || !rows.length) { return null; }
    var wrap = el("section");
    wrap.appendChild(el("h3", title + " (" + rows.length + ")"));
    var ul = el("ul");
    rows.slice(0, limit).forEach(function (r) { var li = el("li"); render(li, r); ul.appendChild(li); });
    wrap.appendChild(ul);
    if (rows.length > limit) { wrap.appendChild(el("p", "… and " + (rows.length - limit) + " more.", "kg-meta")); }
    return wrap;
  }
  function claimRow(li, c, withSpeaker) {
    if (withSpeaker) {
      li.appendChild(partyEl(c.s));
      li.appendChild(document.createTextNode(c.kind ? " (" + c.kind + "):" : ":"));
    }
    li.appendChild(el("blockquote", "“" + c.text + "”"));
    var meta = sourceEl(c.a);
    if (!withSpeaker && c.kind) { meta.insertBefore(document.createTextNode(c.kind + " · "), meta.firstChild); }
    li.appendChild(meta);
  }
  function supplyRow(li, s, parts) {
    parts.forEach(function (p, i) {
      if (i) { li.appendChild(document.createTextNode(p[0])); }
      li.appendChild(partyEl(s[p[1]]));
    });
    if (s.quantity) { li.appendChild(document.createTextNode(" ×" + s.quantity)); }
    if (s.status) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", s.status, "kg-status")); }
    [["payer", " paid by "], ["madeIn", " made in "]].forEach(function (extra) {
      if (s[extra[0]] !== undefined) {
        li.appendChild(document.createTextNode(extra[1]));
        li.appendChild(partyEl(s[extra[0]]));
      }
    });
    if (s.evidence) { li.appendChild(el("div", s.evidence, "kg-evidence")); }
    li.appendChild(sourceEl(s.a));
  }
  // A lifecycle as a timeline: its parties, what was committed and delivered, then each stage in order with
  // its date (the text's own, else the article's), status, quantity, who asserted it and the article.
  function lifecycleRow(li, l) {
    li.className = "kg-lifecycle" + (l.contested ? " kg-contested" : "");
    var head = el("div", null, "kg-lifecycle-head");
    head.appendChild(partyEl(l.from));
    head.appendChild(document.createTextNode(" → "));
    head.appendChild(partyEl(l.to));
    head.appendChild(document.createTextNode(": "));
    head.appendChild(partyEl(l.item));
    if (l.contested) {
      head.appendChild(document.createTextNode(" "));
      var flag = el("span", "contested", "kg-flag");
      flag.title = "one source says under way or delivered, another paused or denied; both are shown";
      head.appendChild(flag);
    }
    li.appendChild(head);
    var amounts = [];
    if (l.committed) { amounts.push("committed " + l.committed); }
    if (l.delivered) { amounts.push("delivered " + l.delivered); }
    if (l.gap !== undefined) { amounts.push("gap " + l.gap); }
    if (amounts.length) { li.appendChild(el("div", amounts.join(" · "), "kg-meta")); }
    var ol = el("ol", null, "kg-timeline");
    l.stages.forEach(function (st) {
      var item = el("li", null, "kg-stage kg-stage-" + st.status);
      item.appendChild(el("span", (st.date || "undated") + (st.stated ? " (stated)" : ""), "kg-stage-date"));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", st.status, "kg-status"));
      if (st.quantity) { item.appendChild(document.createTextNode(" ×" + st.quantity)); }
      item.appendChild(document.createTextNode(" — per "));
      if (st.by && st.by.length) {
        st.by.forEach(function (p, i) {
          if (i) { item.appendChild(document.createTextNode(", ")); }
          item.appendChild(partyEl(p));
        });
      } else {
        item.appendChild(el("span", "the article", "kg-meta"));
      }
      item.appendChild(el("div", null)).appendChild(sourceEl(st.a));
      ol.appendChild(item);
    });
    li.appendChild(ol);
  }
  function showPanel(id) {
    var n = KG_NODES[id];
    panelBody.textContent = "";
    panelBody.appendChild(el("h2", n.label));
    // What the node is ranked by: actors by PageRank, weapon systems by transfers, generic items not at all.
    var standing = n.generic ? "generic item, not ranked"
      : n.transfers !== undefined ? "in " + n.transfers + " transfer" + (n.transfers === 1 ? "" : "s")
        : "PageRank " + n.rank.toPrecision(3);
    var facts = n.group + " · " + standing + " · " + n.degree + " links";
    panelBody.appendChild(el("div", facts, "kg-meta"));
    if (n.alt && n.alt.length) { panelBody.appendChild(el("div", "Also: " + n.alt.join(", "), "kg-meta")); }
    var iri = el("div", KG.iriBase + n.iri, "kg-meta");
    iri.style.wordBreak = "break-all";
    panelBody.appendChild(iri);
    var claims = section("Claims", said[id], function (li, c) { claimRow(li, c, false); }, 200);
    function supplies(parts) { return function (li, s) { supplyRow(li, s, parts); }; }
    var outs = section("Supplies out", out[id], supplies([["", "item"], [" to ", "to"]]), 200);
    var ins = section("Supplies in", into[id], supplies([["", "item"], [" from ", "from"]]), 200);
    var item = section("Supplied", asItem[id], supplies([["", "from"], [" → ", "to"]]), 200);
    var timelines = section("Supply lifecycles", lifecycles[id], lifecycleRow, 30);
    var mentioned = section("Mentioned in claims by others", about[id], function (li, c) { claimRow(li, c, true); },
                            50);
    var order = n.group === "Weapon" ? [timelines, item, outs, ins, claims, mentioned]
              : n.group === "Person" ? [claims, outs, ins, item, timelines, mentioned]
              : [timelines, outs, ins, claims, item, mentioned];
    var any = false;
    order.forEach(function (s) { if (s) { panelBody.appendChild(s); any = true; } });
    if (!any) { panelBody.appendChild(el("p", "No claims or supplies recorded for this entity.", "kg-meta")); }
    panel.hidden = false;
    panel.scrollTop = 0;
    body.setAttribute("data-kg-panel", n.label);
  }
  function hidePanel() { panel.hidden = true; body.removeAttribute("data-kg-panel"); }
  document.getElementById("kg-panel-close").addEventListener("click", hidePanel);
  // The timeline (claims and supplies per week) sits under the panel's entity details; this button shows it alone.
  var timelineOpen = document.getElementById("kg-timeline-open");
  if (timelineOpen) {
    timelineOpen.addEventListener("click", function () {
      panelBody.textContent = "";
      document.getElementById("kg-timeline").open = true;
      panel.hidden = false;
      panel.scrollTop = 0;
      body.removeAttribute("data-kg-panel");
    });
  }
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hidePanel(); } });

  window.kg = {
    draw: draw, search: search, showPanel: showPanel,
    network: function () { return state.network; },
    drawnNodeCount: function () {
      var net = state.network;
      return net ? net.body.nodeIndices.filter(function (id) { return !net.body.nodes[id].options.hidden; }).length : 0;
    },
    nodeId: function (label) { var hit = findNode(label); return hit ? hit.id : null; }
  };
  draw(location.hash === "#full" ? "full" : "default", KG.focus !== null ? function () { reveal(KG.focus); } : null);
})();
