/* first-paint.js: paint the opening frame before Python has started, and keep a click on Play.

   The build (scripts/first_paint.py) baked the opening page into index.html (<main id="app"
   data-first-paint>, every control filled by the page's own Python) and its first frame into
   first-frame.js (self.WIL_FIRST: every neuron's picture, the output picture, the edges' widths
   and colours, the points), all made by the page's Python code in CPython at build time. This
   script draws them onto the page's canvases as the views do (network_view.draw, output_view.draw,
   with draw.js), at the canvases' size on this screen: the geometry below follows
   site/playground/logic/layout.py (layout, control_tracks) line for line, and
   tests/browser/test_first_paint.py holds both canvases equal, pixel for pixel, to the first frame
   Python paints. A link with a setup in it (#...) shows the baked page's frame without the opening
   values and pictures (#app.link-pending, style.css): Python shows the link's once it runs.

   Until Python runs, a click on Play is kept (window.WILFirstPaint.playWanted), and so is every
   setting changed; boot.js asks handOver() once playground.main() has adopted the page, which
   applies the settings again, and then presses Play if it was wanted.
   A classic script, so it also runs from file://; not deferred, so that the page is first shown
   with its pictures and the per-layer controls in their place (a later change would move them). */
(function () {
  "use strict";

  var api = (self.WILFirstPaint = {
    painted: null,      // ms after navigation start when the opening frame was painted, or null
    playWanted: false,  // Play was clicked before Python ran
    handOver: function () { return false; },
  });

  // ---- site/playground/logic/layout.py, as the views use it ------------------------------------
  var MARGIN_X = 44, MARGIN_Y = 22, MAX_NODE = 38, MIN_NODE = 10;

  function layout(sizes, width, height) {
    var tallest = Math.max.apply(null, sizes);
    var usable = height - 2 * MARGIN_Y;
    var node = Math.max(MIN_NODE, Math.min(MAX_NODE, usable / tallest * 0.7));
    var gap = tallest > 1 ? (usable - tallest * node) / Math.max(tallest - 1, 1) : 0;
    gap = Math.max(gap, 4.0);
    var pitch = tallest > 1 ? node + gap : 0;
    pitch = Math.min(pitch, node * 1.9);
    var xLeft = MARGIN_X + node / 2, xRight = width - node / 2 - 12;
    var step = (xRight - xLeft) / (sizes.length - 1);
    var columns = sizes.map(function (_, l) { return xLeft + l * step; });
    var mid = MARGIN_Y + usable / 2;
    var nodes = sizes.map(function (n, l) {
      var column = [];
      for (var i = 0; i < n; i++) column.push([columns[l], mid + (i - (n - 1) / 2) * pitch]);
      return column;
    });
    return { node: node, columns: columns, nodes: nodes };
  }

  function edges(lay) { // every edge, layer by layer, i-major as W[l] is
    var h = lay.node / 2, out = [];
    for (var l = 0; l + 1 < lay.nodes.length; l++) {
      lay.nodes[l].forEach(function (a) {
        lay.nodes[l + 1].forEach(function (b) { out.push(a[0] + h, a[1], b[0] - h, b[1]); });
      });
    }
    return new Float64Array(out);
  }

  function round2(v) { return Number(v.toFixed(2)); }

  function controlTracks(lay) {
    var hidden = lay.columns.slice(1, -1);
    if (!hidden.length) return "none";
    var pitch = lay.columns[1] - lay.columns[0];
    var width = round2(Math.max(8.0, Math.min(120.0, pitch - 4)));
    var tracks = [], edge = 0.0;
    hidden.forEach(function (x) {
      var left = round2(x - width / 2);
      tracks.push(Math.max(0.0, left - edge), width);
      edge = left + width;
    });
    return tracks.map(function (t) { return t.toFixed(2) + "px"; }).join(" ");
  }

  // ---- views/dom.py: Canvas.fit, Bitmap, Layer -------------------------------------------------
  function pyRound(x) { // Python's round(): halves to even
    var r = Math.round(x);
    return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
  }

  function fit(el) {
    var dpr = Number(window.devicePixelRatio || 1.0);
    var rect = el.getBoundingClientRect();
    var w = Math.max(1, pyRound(rect.width)), h = Math.max(1, pyRound(rect.height));
    el.width = pyRound(w * dpr);
    el.height = pyRound(h * dpr);
    var ctx = el.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { el: el, ctx: ctx, width: w, height: h, dpr: dpr };
  }

  function bytes(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  function bitmap(width, height, b64) {
    var el = document.createElement("canvas");
    el.width = width;
    el.height = height;
    var ctx = el.getContext("2d"), image = ctx.createImageData(width, height);
    image.data.set(bytes(b64));
    ctx.putImageData(image, 0, 0);
    return el;
  }

  function layer(canvas, paint) { // an offscreen copy, drawn onto the canvas as one image
    var el = document.createElement("canvas");
    el.width = canvas.el.width;
    el.height = canvas.el.height;
    var ctx = el.getContext("2d");
    ctx.setTransform(canvas.dpr, 0, 0, canvas.dpr, 0, 0);
    paint(ctx);
    canvas.ctx.drawImage(el, 0, 0, canvas.width, canvas.height);
  }

  // ---- views/network_view.py: draw ---------------------------------------------------------------
  function fitting(ctx, text, room) {
    var words = text.split(" ");
    var candidates = [text, words[words.length - 1]];
    for (var k = 0; k < candidates.length; k++) {
      if (ctx.measureText(candidates[k]).width <= room) return candidates[k];
    }
    return "";
  }

  function paintNetwork(F, el) {
    var c = fit(el), ctx = c.ctx;
    var lay = layout(F.sizes, c.width, c.height);
    document.getElementById("layer-controls").style.setProperty("--layer-tracks", controlTracks(lay));
    ctx.clearRect(0, 0, c.width, c.height);
    WILDraw.segments(ctx, edges(lay), new Float64Array(F.edges.widths), bytes(F.edges.rgba));
    var atlas = bitmap(F.atlas.width, F.atlas.tile, F.atlas.rgba);
    var h = lay.node / 2, dst = [];
    lay.nodes.forEach(function (column) {
      column.forEach(function (p) { dst.push(p[0] - h, p[1] - h, lay.node); });
    });
    WILDraw.tiles(ctx, atlas, F.atlas.tile, new Float64Array(dst), "#9aa5b4");
    var ink = String(getComputedStyle(el).color);
    layer(c, function (ctx) {
      ctx.fillStyle = ink;
      ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      F.inputLabels.forEach(function (name, k) {
        var p = lay.nodes[0][k];
        if (p) ctx.fillText(name, p[0] - lay.node / 2 - 6, p[1]);
      });
      ctx.textBaseline = "alphabetic";
      ctx.font = "11px system-ui, sans-serif";
      var pitch = lay.columns[1] - lay.columns[0];
      lay.columns.forEach(function (x, l) {
        var last = l === lay.columns.length - 1;
        ctx.textAlign = last ? "right" : "center";
        ctx.fillText(fitting(ctx, F.captions[l], pitch - 6), x + (last ? lay.node / 2 : 0), 13);
      });
    });
  }

  // ---- views/output_view.py: draw (no focus, no selection, test points shown) ---------------------
  function paintOutput(F, el) {
    var c = fit(el), ctx = c.ctx;
    ctx.clearRect(0, 0, c.width, c.height);
    var picture = bitmap(F.plane.size, F.plane.size, F.plane.rgba);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(picture, 0, 0, c.width, c.height);
    var x0 = F.extent[0][0], x1 = F.extent[0][1], y0 = F.extent[1][0], y1 = F.extent[1][1];
    function toCanvas(P) { // logic/plane.py: to_canvas
      var xy = new Float64Array(P.length);
      for (var k = 0; k < P.length; k += 2) {
        xy[k] = (P[k] - x0) / (x1 - x0) * c.width;
        xy[k + 1] = (y1 - P[k + 1]) / (y1 - y0) * c.height;
      }
      return xy;
    }
    var showTest = document.getElementById("show-test");
    layer(c, function (ctx) {
      WILDraw.dots(ctx, toCanvas(F.train.x), bytes(F.train.rgba), 3.6, "#ffffff", 1.0);
      if (!showTest || showTest.checked) {
        WILDraw.dots(ctx, toCanvas(F.test.x), bytes(F.test.rgba), 3.6, "#1d2733", 1.6);
      }
    });
  }

  // ---- Play before Python ------------------------------------------------------------------------
  function keepPlay() {
    var play = document.getElementById("play");
    if (!play) return;
    function click() {
      api.playWanted = !api.playWanted;
      play.textContent = api.playWanted ? "❚❚" : "▶";
      play.setAttribute("aria-label", api.playWanted ? "Pause" : "Play");
      document.body.classList.toggle("play-wanted", api.playWanted);
    }
    play.addEventListener("click", click);
    api.handOver = function () {
      play.removeEventListener("click", click);
      if (api.playWanted) { // Python's own Play shows the state from here on
        play.textContent = "▶";
        play.setAttribute("aria-label", "Play");
        document.body.classList.remove("play-wanted");
      }
      return api.playWanted;
    };
  }

  // ---- Settings changed before Python -------------------------------------------------------------
  // The page looks ready, so a learner may pick a dataset or a rate before Python runs. Python
  // then sets every control from its setup: each control changed before is given back the value
  // the learner chose, and its change is told again (in the order made), so Python applies it as
  // a change made now. Python's own first frame shows in between; the change then redraws.
  function keepChanges(app) {
    var changed = new Map(); // control -> the value it was given, in the order of the last changes
    function remember(e) {
      var el = e.target;
      if (!el || el.type === "file" || !("value" in el)) return;
      changed.delete(el);
      changed.set(el, el.type === "checkbox" || el.type === "radio" ? el.checked : el.value);
    }
    app.addEventListener("change", remember, true);
    var handOver = api.handOver;
    api.handOver = function () {
      app.removeEventListener("change", remember, true);
      changed.forEach(function (value, el) {
        if (!el.isConnected) return; // (Python drew that part anew: a layer's or a feature's box)
        if (typeof value === "boolean") el.checked = value;
        else el.value = value;
        el.dispatchEvent(new Event("change", { bubbles: true }));
      });
      return handOver();
    };
  }

  function start() {
    var app = document.getElementById("app");
    if (!app || !app.hasAttribute("data-first-paint")) return; // an unbaked page: boot.js's card
    keepPlay();
    keepChanges(app);
    var F = self.WIL_FIRST, hash = location.hash;
    if (hash && hash !== "#") { // a link: the values are the link's, Python shows them and paints
      app.classList.add("link-pending");
      var handOver = api.handOver;
      api.handOver = function () { app.classList.remove("link-pending"); return handOver(); };
      return;
    }
    if (!F || !self.WILDraw) return;
    paintNetwork(F, document.getElementById("network"));
    paintOutput(F, document.getElementById("boundary"));
    api.painted = Math.round(performance.now());
  }

  start(); // index.html loads this script right after <main id="app">, before the page is first shown
})();
