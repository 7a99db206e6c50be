/* draw.js: batch drawing for the Python views, so bulk data crosses the Python–JS bridge once
   per frame (typed arrays in, many canvas calls here) instead of once per dot or edge.
   A classic script: it also loads from file://. */
(function () {
  "use strict";
  var TAU = 2 * Math.PI;

  // CSS colour strings by packed RGBA: the same few hundred colours come back every frame, and
  // building each string (toFixed) cost more than drawing the edge.
  var cssCache = new Map();
  function css(rgba, i) {
    var key = ((rgba[i] << 24) | (rgba[i + 1] << 16) | (rgba[i + 2] << 8) | rgba[i + 3]) >>> 0;
    var s = cssCache.get(key);
    if (s === undefined) {
      s = "rgba(" + rgba[i] + "," + rgba[i + 1] + "," + rgba[i + 2] + "," + (rgba[i + 3] / 255).toFixed(3) + ")";
      if (cssCache.size > 4096) cssCache.clear(); // bounded: a long session meets many alphas
      cssCache.set(key, s);
    }
    return s;
  }

  self.WILDraw = {
    /* Dots at (xy[2k], xy[2k+1]) of radius r, filled with rgba[4k..4k+3], outlined in `stroke`. */
    dots: function (ctx, xy, rgba, r, stroke, lineWidth) {
      ctx.lineWidth = lineWidth;
      ctx.strokeStyle = stroke;
      for (var k = 0, n = xy.length / 2; k < n; k++) {
        ctx.beginPath();
        ctx.arc(xy[2 * k], xy[2 * k + 1], r, 0, TAU);
        ctx.fillStyle = css(rgba, 4 * k);
        ctx.fill();
        if (lineWidth > 0) ctx.stroke();
      }
    },
    /* Segments (x0, y0, x1, y1) = seg[4k..4k+3], each with its width and rgba colour. */
    segments: function (ctx, seg, widths, rgba) {
      ctx.lineCap = "round";
      for (var k = 0, n = widths.length; k < n; k++) {
        ctx.beginPath();
        ctx.moveTo(seg[4 * k], seg[4 * k + 1]);
        ctx.lineTo(seg[4 * k + 2], seg[4 * k + 3]);
        ctx.lineWidth = widths[k];
        ctx.strokeStyle = css(rgba, 4 * k);
        ctx.stroke();
      }
    },
    /* A polyline through xy. */
    polyline: function (ctx, xy, colour, width) {
      ctx.beginPath();
      ctx.moveTo(xy[0], xy[1]);
      for (var k = 2; k < xy.length; k += 2) ctx.lineTo(xy[k], xy[k + 1]);
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.lineJoin = "round";
      ctx.stroke();
    },
    /* Square tiles cut from a horizontal atlas of `tile`-pixel tiles, tile k drawn at
       (dst[3k], dst[3k+1]) with side dst[3k+2], each framed by a thin border. */
    tiles: function (ctx, atlas, tile, dst, border) {
      ctx.imageSmoothingEnabled = true;
      for (var k = 0, n = dst.length / 3; k < n; k++) {
        var x = dst[3 * k], y = dst[3 * k + 1], s = dst[3 * k + 2];
        ctx.drawImage(atlas, k * tile, 0, tile, tile, x, y, s, s);
        if (border) {
          ctx.lineWidth = 1;
          ctx.strokeStyle = border;
          ctx.strokeRect(x - 0.5, y - 0.5, s + 1, s + 1);
        }
      }
    },
    /* Text labels: strings[k] at (xy[2k], xy[2k+1]), in one font, colour and alignment; with a
       `halo` colour, each is first outlined in it, so it stays readable over lines. */
    texts: function (ctx, xy, strings, font, colour, align, baseline, halo) {
      ctx.font = font;
      ctx.fillStyle = colour;
      ctx.textAlign = align || "left";
      ctx.textBaseline = baseline || "middle";
      if (halo) {
        ctx.strokeStyle = halo;
        ctx.lineWidth = 3;
        ctx.lineJoin = "round";
      }
      for (var k = 0, n = strings.length; k < n; k++) {
        if (halo) ctx.strokeText(strings[k], xy[2 * k], xy[2 * k + 1]);
        ctx.fillText(strings[k], xy[2 * k], xy[2 * k + 1]);
      }
    },
  };
})();
