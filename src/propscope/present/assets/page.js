/* Small page helpers. No HTML is built from data here: rows and marks are only shown,
 * hidden or restyled, and every text set comes from the page's own attributes. */
(function () {
  "use strict";
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // The report's document index: filter as you type.
  var box = document.getElementById("doc-filter");
  if (box) {
    var rows = all("#doc-index tbody tr");
    box.addEventListener("input", function () {
      var needle = box.value.toLowerCase();
      rows.forEach(function (r) {
        r.hidden = needle !== "" && r.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
  }

  // Collapsed sections: a link to something inside one opens it (and its parents).
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) { return; }
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    el.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) { reveal(); }

  // Technique reading view: legend toggles and a confidence slider redraw the underlines.
  all(".reader").forEach(function (reader) {
    var controls = reader.querySelector(".reading-controls");
    if (!controls) { return; }
    var toggles = all(".tech-toggle", controls);
    var slider = controls.querySelector(".conf-slider");
    var out = controls.querySelector(".conf-value");
    var shown = controls.querySelector(".shown-count");
    var words = controls.querySelector(".conf-words");
    var segs = all(".seg[data-t]", reader);
    var colours = {};
    toggles.forEach(function (t) { colours[t.value] = t.getAttribute("data-colour"); });
    function redraw() {
      var on = {};
      toggles.forEach(function (t) { on[t.value] = t.checked; });
      var min = parseFloat(slider.value);
      out.textContent = min.toFixed(2);
      if (words && words.getAttribute("data-calibrated") === "1" && min > 0) {
        words.textContent = "spans shown: at their confidence, about " + Math.round(min * 100) +
          "% or more of spans were right on held-out articles";
      }
      var visible = {};
      segs.forEach(function (s) {
        var ts = s.getAttribute("data-t").split("|");
        var cs = s.getAttribute("data-c").split("|");
        var ls = s.getAttribute("data-l").split("|");
        var marks = s.getAttribute("data-s").split("|");
        var imgs = [], sizes = [], pos = [];
        for (var i = 0; i < ts.length; i++) {
          var c = cs[i] === "" ? 1 : parseFloat(cs[i]);
          if (!on[ts[i]] || c < min) { continue; }
          var col = colours[ts[i]] || "#888";
          imgs.push("linear-gradient(" + col + "," + col + ")");
          sizes.push("100% 2px");
          pos.push("0 calc(100% - " + (3 * parseInt(ls[i], 10)) + "px)");
          if (marks[i]) { visible[marks[i]] = true; }
        }
        s.style.backgroundImage = imgs.join(", ");
        s.style.backgroundSize = sizes.join(", ");
        s.style.backgroundPosition = pos.join(", ");
        s.classList.toggle("tq", imgs.length > 0);
        s.classList.toggle("tq-off", imgs.length === 0);
      });
      if (shown) {
        shown.textContent = Object.keys(visible).length + " of " + shown.getAttribute("data-total") +
          " spans shown";
        shown.setAttribute("data-shown", String(Object.keys(visible).length));
      }
      all("table.spans tbody tr", reader.parentElement).forEach(function (r) {
        var c = r.getAttribute("data-confidence");
        r.hidden = !on[r.getAttribute("data-technique")] || (c !== "" && parseFloat(c) < min);
      });
    }
    toggles.forEach(function (t) { t.addEventListener("change", redraw); });
    slider.addEventListener("input", redraw);
    redraw();
    // A click on highlighted text lists every mark on it: technique, model confidence,
    // offsets and definition (the same lines as the tooltip, readable where they overlap).
    var detail = reader.querySelector(".span-detail");
    reader.querySelector(".doctext").addEventListener("click", function (ev) {
      var seg = ev.target.closest ? ev.target.closest(".seg") : null;
      if (!seg || !detail) { return; }
      while (detail.firstChild) { detail.removeChild(detail.firstChild); }
      seg.getAttribute("title").split("\n").forEach(function (line) {
        var p = document.createElement("p");
        p.textContent = line;
        detail.appendChild(p);
      });
      detail.hidden = false;
    });
  });

  // Copy a span with its document ID and offsets.
  document.addEventListener("click", function (ev) {
    var btn = ev.target;
    if (!btn.classList || !btn.classList.contains("copy-span")) { return; }
    var text = btn.getAttribute("data-copy");
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.className = "copy-buffer";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); } catch (e) { /* the text stays selected */ }
      document.body.removeChild(area);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(null, fallback);
    } else { fallback(); }
    btn.setAttribute("data-copied", text);
    btn.textContent = "Copied";
  });
}());
