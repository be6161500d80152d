// Line charts as inline SVG, with axes, tick labels, axis titles (with
// units), a legend and an accessible title and description.

import { h, svg, id } from './dom.js';
import { STYLE } from './chartstyle.js';

// The line width and the dash pattern of dashed series are those of the
// server's plots (chartstyle.js, from package report), at the screen's
// scale; the palette is app.css's --s0...--s7, checked against the same
// style.
const PX = STYLE.screen_px_per_pt;
const LINE_WIDTH = `${+(STYLE.line_width_pt * PX).toFixed(3)}px`;
const DASH = STYLE.dashes_pt[1].map((d) => +(d * PX).toFixed(3)).join(' ');

/** ticks returns about n round numbers covering [lo, hi]. */
export function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

function label(v) {
  if (Number.isInteger(v)) return String(v);
  const s = v.toPrecision(3);
  return String(Number(s));
}

/** marker is a point's symbol: a circle, or a square or triangle. */
function marker(shape, x, y, r) {
  if (shape === 'square') return svg('rect', { x: (x - r).toFixed(1), y: (y - r).toFixed(1), width: (2 * r).toFixed(1), height: (2 * r).toFixed(1), class: 'marker' });
  if (shape === 'triangle') return svg('path', { d: `M${x.toFixed(1)} ${(y - 1.2 * r).toFixed(1)}l${r.toFixed(1)} ${(2 * r).toFixed(1)}h${(-2 * r).toFixed(1)}z`, class: 'marker' });
  return svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r, class: 'marker' });
}

/**
 * lineChart draws series of [x, y] points.
 *
 * opts: title, desc, width (px, default 640), height (default width*0.56,
 * at least 220), x: {label, short, min, max, integer}, y: {label, short,
 * min, max} (short labels serve narrow charts),
 * series: [{name, points, cls, dash, wide, markers, markEvery, markOffset,
 * shape ('square', 'triangle'; default circles), top (drawn last)}], vlines: [{x, label, cls}],
 * hlines: [{y, label, cls}], dots: [{x, y, label, cls}], xmarks: [{x, label,
 * cls}] (events at x, such as betrayals: a band across the plot and a
 * symbol above it), heading (show the
 * title above the chart), legend (show a legend for one series), caption.
 * Returns a figure element holding the SVG and its legend.
 */
export function lineChart(opts) {
  const W = Math.max(280, Math.round(opts.width || 640));
  const H = Math.round(opts.height || Math.max(220, Math.min(380, W * 0.56)));
  const small = W < 480;
  const m = { l: small ? 48 : 60, r: 14, t: 14, b: small ? 46 : 52 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const all = opts.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter((v) => v !== null && Number.isFinite(v));
  let x0 = opts.x.min ?? Math.min(...xs);
  let x1 = opts.x.max ?? Math.max(...xs);
  let y0 = opts.y.min ?? Math.min(...ys);
  let y1 = opts.y.max ?? Math.max(...ys);
  if (!(x1 > x0)) { x1 = x0 + 1; }
  if (!(y1 > y0)) { y0 -= 0.5; y1 += 0.5; }
  if (opts.y.min === undefined || opts.y.max === undefined) {
    const pad = (y1 - y0) * 0.06;
    if (opts.y.min === undefined) y0 -= pad;
    if (opts.y.max === undefined) y1 += pad;
  }
  const sx = (v) => m.l + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v) => m.t + ph - ((v - y0) / (y1 - y0)) * ph;

  const tid = id('chart-title');
  const did = id('chart-desc');
  const root = svg('svg', {
    class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H,
    role: 'img', 'aria-labelledby': tid, 'aria-describedby': did,
  });
  root.style.setProperty('--line-width', LINE_WIDTH);
  root.style.setProperty('--dash', DASH);
  root.append(svg('title', { id: tid, text: opts.title }));
  root.append(svg('desc', { id: did, text: opts.desc || opts.title }));

  // Grid and ticks.
  const grid = svg('g', { class: 'grid', 'aria-hidden': 'true' });
  let xt = ticks(x0, x1, small ? 4 : 6);
  if (opts.x.integer) xt = xt.filter((v) => Number.isInteger(v));
  for (const v of xt) {
    grid.append(svg('line', { x1: sx(v), x2: sx(v), y1: m.t, y2: m.t + ph }));
    grid.append(svg('text', { class: 'tick', x: sx(v), y: m.t + ph + 16, 'text-anchor': 'middle', text: label(v) }));
  }
  for (const v of ticks(y0, y1, small ? 4 : 5)) {
    grid.append(svg('line', { x1: m.l, x2: m.l + pw, y1: sy(v), y2: sy(v) }));
    grid.append(svg('text', { class: 'tick', x: m.l - 6, y: sy(v) + 4, 'text-anchor': 'end', text: label(v) }));
  }
  root.append(grid);
  root.append(svg('rect', { class: 'frame', x: m.l, y: m.t, width: pw, height: ph, fill: 'none' }));
  root.append(svg('text', { class: 'axis-label', x: m.l + pw / 2, y: H - 8, 'text-anchor': 'middle', text: small && opts.x.short ? opts.x.short : opts.x.label }));
  root.append(svg('text', {
    class: 'axis-label', x: 0, y: 0, 'text-anchor': 'middle',
    transform: `translate(14 ${m.t + ph / 2}) rotate(-90)`, text: small && opts.y.short ? opts.y.short : opts.y.label,
  }));

  const clip = id('clip');
  root.append(svg('clipPath', { id: clip }, svg('rect', { x: m.l, y: m.t - 4, width: pw, height: ph + 8 })));
  const plot = svg('g', { 'clip-path': `url(#${clip})` });
  for (const l of opts.hlines || []) {
    plot.append(svg('line', { class: `ref ${l.cls || ''}`, x1: m.l, x2: m.l + pw, y1: sy(l.y), y2: sy(l.y) }));
  }
  for (const l of opts.vlines || []) {
    plot.append(svg('line', { class: `ref ${l.cls || ''}`, x1: sx(l.x), x2: sx(l.x), y1: m.t, y2: m.t + ph }));
  }
  for (const xm of opts.xmarks || []) {
    const g = svg('g', { class: `xmark ${xm.cls || ''}`, 'data-x': xm.x });
    g.append(svg('title', { text: xm.label || '' }));
    g.append(svg('line', { x1: sx(xm.x), x2: sx(xm.x), y1: m.t, y2: m.t + ph }));
    const cx = sx(xm.x);
    const cy = m.t + 7;
    g.append(svg('path', { class: 'xmark-sym', d: `M${cx - 5} ${cy - 5}L${cx + 5} ${cy + 5}M${cx + 5} ${cy - 5}L${cx - 5} ${cy + 5}` }));
    plot.append(g);
  }
  const order = opts.series.map((s, i) => [s, i]);
  order.sort((a, b) => Number(!!a[0].top) - Number(!!b[0].top));
  order.forEach(([s, i]) => {
    const cls = s.cls || `s${i}`;
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null || !Number.isFinite(y)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`;
      pen = true;
    }
    const g = svg('g', { class: `series ${cls}`, 'data-series': s.name });
    g.append(svg('path', { d, fill: 'none', class: `line${s.dash ? ' dash' : ''}${s.wide ? ' wide' : ''}` }));
    if (s.markers) {
      const every = s.markEvery || 1;
      s.points.forEach(([x, y], j) => {
        if (y === null || !Number.isFinite(y) || (j - (s.markOffset || 0)) % every !== 0) return;
        g.append(marker(s.shape, sx(x), sy(y), (small ? 2.5 : 3.2) * (s.shape ? 1.4 : 1)));
      });
    }
    plot.append(g);
  });
  root.append(plot);
  for (const l of opts.vlines || []) {
    if (l.label) root.append(svg('text', { class: `ref-label ${l.cls || ''}`, x: sx(l.x) + 4, y: m.t + 12, text: l.label }));
  }
  for (const dt of opts.dots || []) {
    const g = svg('g', { class: `dot ${dt.cls || ''}` });
    g.append(svg('circle', { cx: sx(dt.x), cy: sy(dt.y), r: 6 }));
    if (dt.label) {
      const right = sx(dt.x) < m.l + pw * 0.7;
      g.append(svg('text', {
        x: sx(dt.x) + (right ? 10 : -10), y: sy(dt.y) + (sy(dt.y) < m.t + 20 ? 16 : -8),
        'text-anchor': right ? 'start' : 'end', text: dt.label,
      }));
    }
    root.append(g);
  }

  const legend = h('ul', { class: 'legend', 'aria-hidden': 'true' },
    opts.series.map((s, i) => h('li', { class: s.cls || `s${i}` },
      h('span', { class: s.dash ? 'swatch dash' : 'swatch' }), s.name)));
  const fig = h('figure', { class: 'chart-figure' }, opts.heading ? h('h3', { class: 'chart-title', 'aria-hidden': 'true' }, opts.title) : null, root);
  if (opts.series.length > 1 || opts.legend) fig.append(legend);
  if (opts.caption) fig.append(h('figcaption', { text: opts.caption }));
  return fig;
}
