// The pyramid of one decision, drawn from the server's explanation: the
// trait and its risk weight at the base, expectation against risk as a
// balance in the middle, the act with its probability on top.

import { svg, id, num, signed } from './dom.js';

const W = 600;
const H = 470;
const APEX = { x: 300, y: 8 };
const BASE_Y = 462;
const HALF = 292; // half-width of the base
const TOP_Y = 165; // top band: APEX.y .. TOP_Y
const MID_Y = 330; // middle band: TOP_Y .. MID_Y; base band: MID_Y .. BASE_Y

const half = (y) => (HALF * (y - APEX.y)) / (BASE_Y - APEX.y);

function band(y0, y1) {
  const a = half(y0);
  const b = half(y1);
  if (a === 0) return `M${APEX.x} ${y0}L${APEX.x + b} ${y1}L${APEX.x - b} ${y1}Z`;
  return `M${APEX.x - a} ${y0}L${APEX.x + a} ${y0}L${APEX.x + b} ${y1}L${APEX.x - b} ${y1}Z`;
}

/** KIND_TEXT explains each kind of act in a few words. */
export const KIND_TEXT = {
  trust: 'trust: engages although a loss is possible',
  distrust: 'distrust: declines although engaging is possible',
  control: 'control: engages under the safeguard',
  certainty: 'certainty: engages where nothing can be lost',
};

/**
 * tilt maps the balance to the beam's angle in degrees for the drawing
 * only: positive (expectation outweighs) lowers the expectation side.
 */
export function tilt(d) {
  const scale = Math.abs(d.expectation) + Math.abs(d.risk) + Math.abs(d.balance) + 1e-9;
  return -10 * Math.tanh((2.5 * d.balance) / scale);
}

/**
 * pyramid returns the SVG of an explained decision d (the JSON of
 * POST /api/v1/decide). The drawing exposes its numbers as data-*
 * attributes and in its description.
 */
export function pyramid(d) {
  const tid = id('pyr-title');
  const did = id('pyr-desc');
  const probability = d.probability ?? d.fraction ?? 0;
  const root = svg('svg', {
    class: `pyramid kind-${d.kind}`, viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-labelledby': tid, 'aria-describedby': did,
    'data-trait': d.trait, 'data-lambda': d.lambda, 'data-expectation': d.expectation,
    'data-risk': d.risk, 'data-balance': d.balance, 'data-probability': probability, 'data-kind': d.kind,
  });
  root.append(svg('title', { id: tid, text: 'The trust pyramid of this decision' }));
  root.append(svg('desc', {
    id: did,
    text: `Base: trait ${num(d.trait, 2)}, risk weight lambda ${num(d.lambda)}. ` +
      `Middle: expectation ${num(d.expectation)} against risk ${num(d.risk)}, balance ${signed(d.balance)}. ` +
      `Top: P(trust) ${num(probability)}, the act is ${d.kind}.`,
  }));

  // Bands.
  const clipTop = id('pyr-top');
  root.append(svg('clipPath', { id: clipTop }, svg('path', { d: band(APEX.y, TOP_Y) })));
  root.append(svg('path', { class: 'band band-base', d: band(MID_Y, BASE_Y) }));
  root.append(svg('path', { class: 'band band-mid', d: band(TOP_Y, MID_Y) }));
  root.append(svg('path', { class: 'band band-top', d: band(APEX.y, TOP_Y) }));
  // The apex fills with P(trust).
  const fillH = (TOP_Y - APEX.y) * Math.min(1, Math.max(0, probability));
  root.append(svg('rect', {
    class: 'top-fill', x: APEX.x - HALF, y: TOP_Y - fillH, width: 2 * HALF, height: fillH,
    'clip-path': `url(#${clipTop})`, 'data-fill': num(probability),
  }));
  root.append(svg('path', { class: 'outline', d: `M${APEX.x} ${APEX.y}L${APEX.x + HALF} ${BASE_Y}L${APEX.x - HALF} ${BASE_Y}Z`, fill: 'none' }));

  // Top: behaviour.
  const top = svg('g', { class: 'level level-top' });
  top.append(svg('text', { class: 'level-name', x: APEX.x, y: 78, 'text-anchor': 'middle', text: 'behaviour' }));
  top.append(svg('text', { class: 'big', x: APEX.x, y: 112, 'text-anchor': 'middle', 'data-value': 'probability', text: `P(trust) ${num(probability)}` }));
  top.append(svg('text', { class: 'kind', x: APEX.x, y: 148, 'text-anchor': 'middle', 'data-value': 'kind', text: d.kind }));
  root.append(top);

  // Middle: expectation against risk, a balance.
  const mid = svg('g', { class: 'level level-mid' });
  mid.append(svg('text', { class: 'level-name', x: APEX.x, y: TOP_Y + 22, 'text-anchor': 'middle', text: 'expectation against risk' }));
  const pivot = { x: APEX.x, y: 214 };
  const arm = 118;
  const ang = tilt(d);
  mid.append(svg('path', { class: 'fulcrum', d: `M${pivot.x} ${pivot.y}L${pivot.x + 16} ${pivot.y + 30}L${pivot.x - 16} ${pivot.y + 30}Z` }));
  const beam = svg('g', { class: 'beam', transform: `rotate(${ang.toFixed(2)} ${pivot.x} ${pivot.y})`, 'data-angle': ang.toFixed(2) });
  beam.append(svg('line', { x1: pivot.x - arm, y1: pivot.y, x2: pivot.x + arm, y2: pivot.y }));
  beam.append(svg('circle', { cx: pivot.x, cy: pivot.y, r: 4 }));
  root.append(mid);
  mid.append(beam);
  // Pans hang vertically from the beam's ends.
  const rad = (ang * Math.PI) / 180;
  const end = (s) => ({ x: pivot.x + s * arm * Math.cos(rad), y: pivot.y + s * arm * Math.sin(rad) });
  const pan = (s, cls, title, value) => {
    const e = end(s);
    const g = svg('g', { class: `pan ${cls}` });
    g.append(svg('line', { x1: e.x, y1: e.y, x2: e.x, y2: e.y + 14 }));
    g.append(svg('path', { d: `M${e.x - 40} ${e.y + 14}h80l-9 12h-62z` }));
    g.append(svg('text', { class: 'pan-title', x: e.x, y: e.y + 40, 'text-anchor': 'middle', text: title }));
    g.append(svg('text', { class: 'pan-value', x: e.x, y: e.y + 60, 'text-anchor': 'middle', 'data-value': cls, text: value }));
    return g;
  };
  mid.append(pan(-1, 'expectation', 'expectation', num(d.expectation)));
  mid.append(pan(1, 'risk', `risk ×λ ${num(d.lambda, 2)}`, num(d.risk)));
  mid.append(svg('text', { class: 'balance', x: APEX.x, y: 320, 'text-anchor': 'middle', 'data-value': 'balance', text: `balance B ${signed(d.balance)}` }));

  // Base: the trait and its risk weight, with a gauge of the trait.
  const base = svg('g', { class: 'level level-base' });
  base.append(svg('text', { class: 'level-name', x: APEX.x, y: MID_Y + 24, 'text-anchor': 'middle', text: 'trust trait' }));
  base.append(svg('text', { class: 'big', x: APEX.x, y: MID_Y + 54, 'text-anchor': 'middle', 'data-value': 'trait', text: `τ ${num(d.trait, 2)}   ·   λ(τ) ${num(d.lambda)}` }));
  const gx0 = APEX.x - 170;
  const gw = 340;
  const gy = MID_Y + 84;
  base.append(svg('line', { class: 'gauge', x1: gx0, y1: gy, x2: gx0 + gw, y2: gy }));
  for (const [v, t] of [[0, 'guarded 0'], [0.5, '0.5'], [1, '1 trusting']]) {
    base.append(svg('line', { class: 'gauge-tick', x1: gx0 + v * gw, y1: gy - 5, x2: gx0 + v * gw, y2: gy + 5 }));
    base.append(svg('text', { class: 'gauge-label', x: gx0 + v * gw, y: gy + 22, 'text-anchor': v === 0 ? 'start' : v === 1 ? 'end' : 'middle', text: t }));
  }
  base.append(svg('circle', { class: 'gauge-mark', cx: gx0 + d.trait * gw, cy: gy, r: 8 }));
  root.append(base);
  return root;
}
