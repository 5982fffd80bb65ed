/* Coordination network: a small force layout drawn in SVG, no library.
 * Data comes from <script type="application/json" id="network-data">; every label is
 * set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var holder = document.getElementById("network");
  var dataEl = document.getElementById("network-data");
  if (!holder || !dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  // bidi embeddings, overrides, isolates and control characters shown as \uXXXX, as
  // safetext.html_visible does server-side: a name must not reorder what is shown
  var UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
  function visible(s) {
    return String(s).replace(UNSAFE, function (ch) {
      var code = ch.charCodeAt(0);
      return code < 256 ? "\\x" + ("0" + code.toString(16)).slice(-2)
                        : "\\u" + ("000" + code.toString(16)).slice(-4);
    });
  }
  var NS = "http://www.w3.org/2000/svg";
  var W = 900, H = 560;
  var palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                 "#8C564B", "#9467BD", "#BCBD22", "#17BECF"];
  var nodes = data.nodes.map(function (n, i) {
    var a = 2 * Math.PI * i / Math.max(data.nodes.length, 1);
    return { id: n.id, community: n.community, degree: n.degree, weight: n.weight,
             x: W / 2 + 150 * Math.cos(a), y: H / 2 + 150 * Math.sin(a), vx: 0, vy: 0 };
  });
  var index = {};
  nodes.forEach(function (n, i) { index[n.id] = i; });
  var edges = data.edges.filter(function (e) {
    return index[e.source_a] !== undefined && index[e.source_b] !== undefined;
  });
  var maxW = edges.reduce(function (m, e) { return Math.max(m, +e.weight || 0); }, 1);
  var communities = {};
  nodes.forEach(function (n) {
    if (n.community !== null && n.community !== undefined && !(n.community in communities)) {
      communities[n.community] = Object.keys(communities).length;
    }
  });
  function colour(n) {
    var k = communities[n.community];
    return k === undefined ? "#999" : palette[k % palette.length];
  }

  function step(alpha) {
    var i, j, a, b, dx, dy, d2, f;
    for (i = 0; i < nodes.length; i++) {
      a = nodes[i];
      for (j = i + 1; j < nodes.length; j++) {
        b = nodes[j];
        dx = a.x - b.x; dy = a.y - b.y; d2 = dx * dx + dy * dy + 0.01;
        f = 250 * alpha / d2;
        a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
      }
    }
    edges.forEach(function (e) {
      var s = nodes[index[e.source_a]], t = nodes[index[e.source_b]];
      dx = t.x - s.x; dy = t.y - s.y;
      var d = Math.sqrt(dx * dx + dy * dy) + 0.01;
      f = (d - 90) * 0.06 * alpha * (0.5 + (+e.weight || 0) / maxW);
      s.vx += dx / d * f; s.vy += dy / d * f; t.vx -= dx / d * f; t.vy -= dy / d * f;
    });
    nodes.forEach(function (n) {
      if (n.fixed) { n.vx = n.vy = 0; return; }
      n.vx += (W / 2 - n.x) * 0.02 * alpha; n.vy += (H / 2 - n.y) * 0.02 * alpha;
      n.vx = Math.max(-12, Math.min(12, n.vx)); n.vy = Math.max(-12, Math.min(12, n.vy));
      n.x = Math.max(15, Math.min(W - 15, n.x + n.vx)); n.y = Math.max(15, Math.min(H - 15, n.y + n.vy));
      n.vx *= 0.6; n.vy *= 0.6;
    });
  }
  for (var k = 0; k < 300; k++) { step(1 - k / 300); }

  var svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("class", "network");
  var gEdges = document.createElementNS(NS, "g"), gNodes = document.createElementNS(NS, "g");
  svg.appendChild(gEdges); svg.appendChild(gNodes);
  holder.appendChild(svg);
  var panel = document.getElementById("network-detail");

  var lines = edges.map(function (e) {
    var l = document.createElementNS(NS, "line");
    l.setAttribute("stroke-width", String(0.6 + 3.5 * (+e.weight || 0) / maxW));
    l.setAttribute("class", "edge");
    var t = document.createElementNS(NS, "title");
    t.textContent = visible(e.source_a) + " — " + visible(e.source_b) + " · " + e.kind +
      " · weight " + e.weight;
    l.appendChild(t);
    gEdges.appendChild(l);
    return l;
  });
  var circles = nodes.map(function (n) {
    var g = document.createElementNS(NS, "g");
    g.setAttribute("class", "node");
    var c = document.createElementNS(NS, "circle");
    c.setAttribute("r", String(4 + Math.min(10, Math.sqrt(n.degree) * 2)));
    c.setAttribute("fill", colour(n));
    var t = document.createElementNS(NS, "title");
    t.textContent = visible(n.id) + (n.community !== null ? " · community " + n.community : "") +
      " · " + n.degree + " links";
    c.appendChild(t);
    var label = document.createElementNS(NS, "text");
    var shown = visible(n.id);
    label.textContent = shown.length > 24 ? shown.slice(0, 23) + "…" : shown;
    label.setAttribute("dx", "9"); label.setAttribute("dy", "4");
    g.appendChild(c); g.appendChild(label);
    gNodes.appendChild(g);
    g.addEventListener("click", function () { show(n); });
    g.addEventListener("pointerdown", function (ev) { drag(ev, n); });
    return g;
  });

  function draw() {
    edges.forEach(function (e, i) {
      var s = nodes[index[e.source_a]], t = nodes[index[e.source_b]];
      lines[i].setAttribute("x1", s.x.toFixed(1)); lines[i].setAttribute("y1", s.y.toFixed(1));
      lines[i].setAttribute("x2", t.x.toFixed(1)); lines[i].setAttribute("y2", t.y.toFixed(1));
    });
    nodes.forEach(function (n, i) {
      circles[i].setAttribute("transform", "translate(" + n.x.toFixed(1) + "," + n.y.toFixed(1) + ")");
    });
  }

  // An edge's items are strings (older corpora) or objects with the canonical item and
  // the raw forms posted (coordination v2): show the item, never "[object Object]".
  function itemLabel(x) {
    if (x !== null && typeof x === "object") {
      var raw = Array.isArray(x.raw) ? x.raw[0] : x.raw;
      return String(x.item || raw || "");
    }
    return String(x);
  }

  function show(n) {
    if (!panel) { return; }
    panel.textContent = "";
    var h = document.createElement("h3");
    h.textContent = n.id;
    panel.appendChild(h);
    var p = document.createElement("p");
    p.textContent = (n.community !== null ? "Community " + n.community + " · " : "") +
      n.degree + " links shown";
    panel.appendChild(p);
    var ul = document.createElement("ul");
    edges.filter(function (e) { return e.source_a === n.id || e.source_b === n.id; })
      .forEach(function (e) {
        var li = document.createElement("li");
        var other = e.source_a === n.id ? e.source_b : e.source_a;
        var items = Array.isArray(e.items) ? e.items.slice(0, 5).map(itemLabel).join(", ") : "";
        li.textContent = other + " · " + e.kind + " · weight " + e.weight +
          (items ? " · shared: " + items : "");
        ul.appendChild(li);
      });
    panel.appendChild(ul);
  }

  function drag(ev, n) {
    ev.preventDefault();
    var box = svg.getBoundingClientRect();
    n.fixed = true;
    function move(e) {
      n.x = (e.clientX - box.left) * W / box.width;
      n.y = (e.clientY - box.top) * H / box.height;
      for (var i = 0; i < 5; i++) { step(0.05); }
      draw();
    }
    function up() {
      n.fixed = false;
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    }
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }
  draw();
  holder.setAttribute("data-ready", String(nodes.length));
}());
