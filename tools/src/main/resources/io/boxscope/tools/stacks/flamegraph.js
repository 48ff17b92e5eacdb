(function () {
  "use strict";
  // Every name is set with textContent or title, never parsed as HTML: a frame whose name is
  // markup is shown as text. Nodes are [name, value, kind, children]; kind 0 is the
  // command, 1 a user frame, 2 a kernel frame.
  var ROW = 18;
  function colour(name, kind) {
    var h = 0;
    for (var i = 0; i < name.length && i < 24; i++) { h = (h * 31 + name.charCodeAt(i)) >>> 0; }
    var f = (h % 1000) / 1000;
    if (kind === 2) { return "rgb(" + (200 + Math.round(50 * f)) + "," + (110 + Math.round(60 * f)) + ",50)"; }
    if (kind === 0) { return "rgb(120," + (150 + Math.round(60 * f)) + ",210)"; }
    return "rgb(" + (220 + Math.round(35 * f)) + "," + (170 + Math.round(70 * f)) + ",60)";
  }
  function depthOf(n) {
    var d = 0;
    var kids = n[3] || [];
    for (var i = 0; i < kids.length; i++) { d = Math.max(d, depthOf(kids[i])); }
    return d + 1;
  }
  function setup(box) {
    var data = JSON.parse(box.querySelector("script.fg-data").textContent);
    var root = data.root;
    var unit = data.unit || "samples";
    var title = box.querySelector(".fg-title");
    if (data.title) { title.textContent = data.title; document.title = data.title; } else { title.remove(); }
    var note = box.querySelector(".fg-note");
    if (data.note) { note.textContent = data.note; } else { note.remove(); }
    var canvas = box.querySelector(".fg-canvas");
    var info = box.querySelector(".fg-info");
    var search = box.querySelector(".fg-search");
    var reset = box.querySelector(".fg-reset");
    var depth = depthOf(root);
    var zoom = [root];
    var query = "";
    function pct(v) { return root[1] > 0 ? (100 * v / root[1]).toFixed(2) + "%" : "0%"; }
    function draw() {
      while (canvas.firstChild) { canvas.removeChild(canvas.firstChild); }
      var top = zoom[zoom.length - 1];
      canvas.style.height = (depth * ROW + 2) + "px";
      var matched = 0;
      // Ancestors of the zoomed frame stay drawn full width so the path back is visible.
      for (var a = 0; a < zoom.length - 1; a++) { frame(zoom[a], a, 0, 100, top, false); }
      function frame(n, d, x, w, base, counted) {
        var el = document.createElement("div");
        el.className = "fg-f";
        var hit = query !== "" && n[0].toLowerCase().indexOf(query) >= 0;
        if (hit && !counted) { matched += n[1]; }
        el.style.left = x + "%";
        el.style.width = w + "%";
        el.style.top = ((depth - 1 - d) * ROW) + "px";
        el.style.background = hit ? "rgb(230,0,230)" : colour(n[0], n[2]);
        el.textContent = n[0];
        el.title = n[0] + " (" + n[1] + " " + unit + ", " + pct(n[1]) + ")";
        el.addEventListener("click", function () {
          var i = zoom.indexOf(n);
          if (i >= 0) { zoom = zoom.slice(0, i + 1); } else { zoom = pathTo(root, n) || [root]; }
          draw();
        });
        canvas.appendChild(el);
        return hit;
      }
      function walk(n, d, x, w, counted) {
        if (w < 0.05) { return; }
        var hit = frame(n, d, x, w, top, counted);
        var kids = n[3] || [];
        var cx = x;
        for (var i = 0; i < kids.length; i++) {
          var cw = n[1] > 0 ? w * kids[i][1] / n[1] : 0;
          walk(kids[i], d + 1, cx, cw, counted || hit);
          cx += cw;
        }
      }
      walk(top, zoom.length - 1, 0, 100, false);
      info.textContent = query === "" ? (top === root ? "" : "zoomed on " + top[0] + "; click the bottom frame or Reset to go back")
          : "matched \"" + query + "\": " + pct(matched) + " of all " + unit;
    }
    function pathTo(n, target) {
      if (n === target) { return [n]; }
      var kids = n[3] || [];
      for (var i = 0; i < kids.length; i++) {
        var p = pathTo(kids[i], target);
        if (p) { return [n].concat(p); }
      }
      return null;
    }
    search.addEventListener("input", function () { query = search.value.toLowerCase(); draw(); });
    reset.addEventListener("click", function () { zoom = [root]; search.value = ""; query = ""; draw(); });
    draw();
  }
  var boxes = document.querySelectorAll(".fg");
  for (var i = 0; i < boxes.length; i++) { setup(boxes[i]); }
})();
