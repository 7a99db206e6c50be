// Reads the page's computed colours and returns what fails WCAG contrast: text under 4.5:1 against
// what is behind it, and controls (menus, fields, buttons) whose edge is under 3:1 against what is
// around them. Used by test_contrast.py (page.evaluate of this file's text). Code is judged by its
// highlighting theme, not here: the source viewer, and the editor, whose textarea's own text is
// transparent over the highlighted copy one reads.
() => {
  const parse = (c) => {
    let m = c.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
    if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
    m = c.match(/^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)$/);
    if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : +m[4]];
    return null;
  };
  const over = (top, under) => { const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]); };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  // the colour behind an element: its ancestors' backgrounds composited from the page down
  const behind = (el, includeSelf) => {
    const chain = [];
    for (let e = includeSelf ? el : el.parentElement; e; e = e.parentElement) chain.push(e);
    let colour = parse(getComputedStyle(document.documentElement).backgroundColor) || [255, 255, 255, 1];
    if (colour[3] < 1) colour = over(colour, [255, 255, 255, 1]);
    for (const e of chain.reverse()) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== "none") return null;  // a gradient or a picture: not judged here
      const bg = parse(s.backgroundColor);
      if (bg && bg[3] > 0) colour = over(bg, colour);
    }
    return colour;
  };
  const shown = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility === "visible" && !el.closest("[hidden], dialog:not([open])")
      && el.checkVisibility({opacityProperty: true}); };
  const faded = (el) => { for (let e = el; e; e = e.parentElement) if (+getComputedStyle(e).opacity < 1) return true; return false; };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "");
  const bad = [];
  for (const el of document.querySelectorAll("#app *, #boot *")) {
    if (!shown(el) || faded(el) || el.closest("canvas, svg, .teach-src-box, .code-edit, .hljs, button:disabled, select:disabled, input:disabled")) continue;
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (text || el.matches("select, input[type=text], textarea")) {
      const bg = behind(el, true), fg = parse(getComputedStyle(el).color);
      if (bg && fg) { const r = ratio(over(fg, bg), bg);
        if (r < 4.5) bad.push({what: "text", el: name(el), text: el.textContent.trim().slice(0, 30), ratio: +r.toFixed(2)}); }
    }
    if (el.matches("select, input[type=text], input[type=number], textarea, button:not(.linkish):not(#message-close)")) {
      const around = behind(el, false), s = getComputedStyle(el);
      const edge = parse(s.borderTopColor), fill = parse(s.backgroundColor);
      if (!around || !edge) continue;
      const own = fill && fill[3] > 0 ? ratio(over(fill, around), around) : 1;
      const line = parseFloat(s.borderTopWidth) > 0 ? ratio(over(edge, around), around) : 1;
      if (Math.max(own, line) < 3) bad.push({what: "control", el: name(el), text: el.textContent.trim().slice(0, 20),
                                             ratio: +Math.max(own, line).toFixed(2)});
    }
  }
  return bad;
}
