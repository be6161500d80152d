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
