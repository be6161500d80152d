// Small DOM helpers: h builds HTML elements, svg builds SVG elements.

const SVGNS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** h('div', {class: 'x'}, ...children) returns an HTML element. */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** svg('path', {d: ...}, ...children) returns an SVG element. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVGNS, tag), attrs, children);
}

let uid = 0;
/** id returns a document-unique id with a prefix. */
export function id(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** num formats a number with d decimals (default 3); '–' for null. */
export function num(x, d = 3) {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  const s = x.toFixed(d);
  return s === `-${(0).toFixed(d)}` ? (0).toFixed(d) : s;
}

/** signed formats with an explicit sign: +0.123, −0.456. */
export function signed(x, d = 3) {
  const s = num(Math.abs(x), d);
  if (Number(s) === 0) return s;
  return (x < 0 ? '−' : '+') + s;
}

/** debounce coalesces calls into one per animation frame. */
export function perFrame(fn) {
  let queued = false;
  return (...args) => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fn(...args); });
  };
}

/** onResize calls fn when el's width changes (and returns a stop function). */
export function onResize(el, fn) {
  let w = el.clientWidth;
  const ro = new ResizeObserver(() => {
    if (el.clientWidth !== w) { w = el.clientWidth; fn(w); }
  });
  ro.observe(el);
  return () => ro.disconnect();
}

/** when formats an ISO time as a short local date and time. */
export function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * duration formats a time in seconds for people: 380 µs, 2.41 ms, 375 ms,
 * 12.3 s, 4 min 12 s, 2 h 05 min; '–' for a missing or negative value.
 */
export function duration(s) {
  if (s === undefined || s === null || !Number.isFinite(s) || s < 0) return '–';
  if (s === 0) return '0 s';
  const sig = (x) => (x >= 100 ? String(Math.round(x)) : x.toPrecision(3));
  // The bounds sit where three significant digits would round up to the
  // next unit (0.9996 s is 1.00 s, not 1000 ms).
  if (s < 0.9995e-3) return `${sig(s * 1e6)} µs`;
  if (s < 0.9995) return `${sig(s * 1e3)} ms`;
  if (s < 59.95) return `${sig(s)} s`;
  const t = Math.round(s);
  if (t < 3600) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`;
  return `${Math.floor(t / 3600)} h ${String(Math.floor((t % 3600) / 60)).padStart(2, '0')} min`;
}

/** rate formats a count per second with three significant digits: 48.0 million, 512 thousand, 730. */
export function rate(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '–';
  const units = [[1e12, 'trillion'], [1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']];
  for (const [u, name] of units) if (Math.abs(x) >= u) return `${(x / u).toPrecision(3)} ${name}`;
  return x >= 100 ? String(Math.round(x)) : x.toPrecision(3);
}

/**
 * est formats an estimate or a standard error with d decimals, switching to
 * two significant digits in exponent form where the decimals would show
 * only zeros (2.1e-5) or the number is huge (3.4e+7).
 */
export function est(x, d = 3) {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  const a = Math.abs(x);
  if (a !== 0 && (a < 0.5 * 10 ** -d || a >= 1e6)) return x.toExponential(1);
  return num(x, d);
}

/** shortWhen formats an ISO time compactly: the time today, else the date and time. */
export function shortWhen(iso, now = new Date()) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(undefined, { timeStyle: 'short' });
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
