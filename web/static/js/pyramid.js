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
const MID_Y = 345; // middle band: TOP_Y .. MID_Y; base band: MID_Y .. BASE_Y
const PIVOT_Y = 226; // the beam's pivot
const ARM = 86; // half the beam
const PAN = 52; // half a pan's width
const PAN_H = 50; // a pan's height (the pans stay inside the pyramid at every tilt)

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
  const outside = (d.situation && d.situation.outside) || 0;
  const scale = Math.abs(d.expectation) + Math.abs(d.lambda * d.risk + outside) + Math.abs(d.balance) + 1e-9;
  return -8 * Math.tanh((2.5 * d.balance) / scale);
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
    'data-risk': d.risk, 'data-weighted-risk': d.lambda * d.risk, 'data-balance': d.balance, 'data-probability': probability, 'data-kind': d.kind,
  });
  root.append(svg('title', { id: tid, text: 'The trust pyramid of this decision' }));
  root.append(svg('desc', {
    id: did,
    text: `Base: trait ${num(d.trait, 2)}, risk weight lambda ${num(d.lambda)}. ` +
      `Middle: expectation ${num(d.expectation)} against lambda times risk ${num(d.lambda * d.risk)} (risk ${num(d.risk)})${d.situation && d.situation.outside ? ` plus the outside option ${num(d.situation.outside)}` : ''}, balance ${signed(d.balance)}. ` +
      `Top: P(trust) ${num(probability)}${d.probabilities ? `, P(control) ${num(d.probabilities.control)} under the safeguard` : ''}, the act is ${d.kind}.`,
  }));

  // Bands.
  const clipTop = id('pyr-top');
  root.append(svg('clipPath', { id: clipTop }, svg('path', { d: band(APEX.y, TOP_Y) })));
  root.append(svg('path', { class: 'band band-base', d: band(MID_Y, BASE_Y) }));
  root.append(svg('path', { class: 'band band-mid', d: band(TOP_Y, MID_Y) }));
  root.append(svg('path', { class: 'band band-top', d: band(APEX.y, TOP_Y) }));
  // The apex fills with P(trust); with a control option, P(control) is
  // stacked above it in the control colour.
  const pControl = d.probabilities ? d.probabilities.control : 0;
  const fillH = (TOP_Y - APEX.y) * Math.min(1, Math.max(0, probability));
  root.append(svg('rect', {
    class: 'top-fill', x: APEX.x - HALF, y: TOP_Y - fillH, width: 2 * HALF, height: fillH,
    'clip-path': `url(#${clipTop})`, 'data-fill': num(probability),
  }));
  if (d.probabilities) {
    const ch = (TOP_Y - APEX.y) * Math.min(1, Math.max(0, pControl));
    root.append(svg('rect', {
      class: 'top-fill-control', x: APEX.x - HALF, y: TOP_Y - fillH - ch, width: 2 * HALF, height: ch,
      'clip-path': `url(#${clipTop})`, 'data-fill': num(pControl),
    }));
  }
  root.append(svg('path', { class: 'outline', d: `M${APEX.x} ${APEX.y}L${APEX.x + HALF} ${BASE_Y}L${APEX.x - HALF} ${BASE_Y}Z`, fill: 'none' }));

  // Top: behaviour.
  const top = svg('g', { class: 'level level-top' });
  const ty = d.probabilities ? [70, 100, 128] : [78, 112, 148];
  top.append(svg('text', { class: 'level-name', x: APEX.x, y: ty[0], 'text-anchor': 'middle', text: 'behaviour' }));
  top.append(svg('text', { class: 'big', x: APEX.x, y: ty[1], 'text-anchor': 'middle', 'data-value': 'probability', text: `P(trust) ${num(probability)}` }));
  top.append(svg('text', { class: 'kind', x: APEX.x, y: ty[2], 'text-anchor': 'middle', 'data-value': 'kind', text: d.kind }));
  if (d.probabilities) {
    // The control option: a shield and its share of the acts.
    const c = svg('g', { class: 'control-option', 'data-probability': pControl });
    c.append(svg('path', { class: 'shield', d: `M${APEX.x - 86} 142l9 -3l9 3v6q0 7 -9 11q-9 -4 -9 -11z` }));
    c.append(svg('text', { class: 'control-share', x: APEX.x - 64, y: 155, 'text-anchor': 'start', 'data-value': 'control', text: `P(control) ${num(pControl)}` }));
    top.append(c);
  }
  root.append(top);

  // Middle: expectation against weighted risk, a balance. The pans carry
  // what the beam weighs: E on one side, λ × R (plus the outside option
  // u₀ when it is not 0) on the other, so the beam tips toward the larger
  // number on the pans: B = E − λR − u₀.
  const outside = (d.situation && d.situation.outside) || 0;
  const weighted = d.lambda * d.risk;
  const against = weighted + outside;
  const mid = svg('g', { class: 'level level-mid' });
  mid.append(svg('text', { class: 'level-name', x: APEX.x, y: TOP_Y + 20, 'text-anchor': 'middle', text: 'expectation against risk' }));
  const pivot = { x: APEX.x, y: PIVOT_Y };
  const ang = tilt(d);
  mid.append(svg('path', { class: 'fulcrum', d: `M${pivot.x} ${pivot.y}L${pivot.x + 14} ${pivot.y + 26}L${pivot.x - 14} ${pivot.y + 26}Z` }));
  const beam = svg('g', { class: 'beam', transform: `rotate(${ang.toFixed(2)} ${pivot.x} ${pivot.y})`, 'data-angle': ang.toFixed(2) });
  beam.append(svg('line', { x1: pivot.x - ARM, y1: pivot.y, x2: pivot.x + ARM, y2: pivot.y }));
  beam.append(svg('circle', { cx: pivot.x, cy: pivot.y, r: 4 }));
  root.append(mid);
  mid.append(beam);
  // Pans hang vertically from the beam's ends; their labels sit inside them.
  const rad = (ang * Math.PI) / 180;
  const end = (s) => ({ x: pivot.x + s * ARM * Math.cos(rad), y: pivot.y + s * ARM * Math.sin(rad) });
  const pan = (s, cls, title, value, weight) => {
    const e = end(s);
    const g = svg('g', { class: `pan ${cls}`, 'data-weight': weight });
    g.append(svg('line', { x1: e.x, y1: e.y, x2: e.x, y2: e.y + 10 }));
    const top = e.y + 10;
    g.append(svg('path', { class: 'pan-bowl', d: `M${e.x - PAN} ${top}h${2 * PAN}v${PAN_H - 10}q0 10 -10 10h${-2 * PAN + 20}q-10 0 -10 -10z` }));
    g.append(svg('text', { class: 'pan-title', x: e.x, y: top + 19, 'text-anchor': 'middle', text: title }));
    g.append(svg('text', { class: 'pan-value', x: e.x, y: top + 42, 'text-anchor': 'middle', 'data-value': cls, text: value }));
    return g;
  };
  mid.append(pan(-1, 'expectation', 'expectation', num(d.expectation), d.expectation));
  mid.append(pan(1, 'risk', outside ? 'λR + u₀' : 'λ × risk', num(against), against));
  mid.append(svg('text', {
    class: 'beam-note', x: APEX.x, y: MID_Y - 32, 'text-anchor': 'middle', 'data-value': 'weighted-risk',
    text: `λ ${num(d.lambda, 2)} × risk ${num(d.risk, 2)} = ${num(weighted)}${outside ? `; u₀ ${num(outside, 2)}` : ''}`,
  }));
  mid.append(svg('text', { class: 'balance', x: APEX.x, y: MID_Y - 9, 'text-anchor': 'middle', 'data-value': 'balance', text: `balance B ${signed(d.balance)}` }));

  // Base: the trait and its risk weight, with a gauge of the trait.
  const base = svg('g', { class: 'level level-base' });
  base.append(svg('text', { class: 'level-name', x: APEX.x, y: MID_Y + 21, 'text-anchor': 'middle', text: 'trust trait' }));
  base.append(svg('text', { class: 'big', x: APEX.x, y: MID_Y + 48, 'text-anchor': 'middle', 'data-value': 'trait', text: `τ ${num(d.trait, 2)}   ·   λ(τ) ${num(d.lambda)}` }));
  const gx0 = APEX.x - 170;
  const gw = 340;
  const gy = MID_Y + 70;
  base.append(svg('line', { class: 'gauge', x1: gx0, y1: gy, x2: gx0 + gw, y2: gy }));
  for (const [v, t] of [[0, 'guarded 0'], [0.5, '0.5'], [1, '1 trusting']]) {
    base.append(svg('line', { class: 'gauge-tick', x1: gx0 + v * gw, y1: gy - 5, x2: gx0 + v * gw, y2: gy + 5 }));
    base.append(svg('text', { class: 'gauge-label', x: gx0 + v * gw, y: gy + 24, 'text-anchor': v === 0 ? 'start' : v === 1 ? 'end' : 'middle', text: t }));
  }
  base.append(svg('circle', { class: 'gauge-mark', cx: gx0 + d.trait * gw, cy: gy, r: 8 }));
  root.append(base);
  return root;
}
