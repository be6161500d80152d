// The pyramid explorer: one decision, every level drawn, updating live.

import { h, num, signed, perFrame, onResize } from './dom.js';
import { post, latest, isAbort } from './api.js';
import { slider, checkbox, errorBox } from './controls.js';
import { pyramid, KIND_TEXT } from './pyramid.js';
import { lineChart } from './chart.js';

const LOW = 0.2;
const HIGH = 0.8;

// Every control: its query key, label, range and default.
const FIELDS = [
  ['person', 'The person (base)', [
    { name: 'trait', label: 'Trust trait τ', min: 0, max: 1, step: 0.01, value: 0.5, hint: 'Propensity to trust, 0 to 1; 0.5 is average.' },
  ]],
  ['belief', 'Belief about the partner', [
    { name: 'p', label: 'Expected trustworthiness p', min: 0.01, max: 0.99, step: 0.01, value: 0.6, hint: 'Probability that trust is honoured, (0, 1).' },
    { name: 'n', label: 'Evidence n', min: 0.5, max: 60, step: 0.5, value: 4, hint: 'How much the belief rests on (a + b); small n is a stranger.' },
  ]],
  ['situation', 'The situation', [
    { name: 'gain', label: 'Gain g when honoured', min: 0, max: 10, step: 0.1, value: 1, hint: 'Benefit relative to abstaining, in units of the stake (≥ 0).' },
    { name: 'loss', label: 'Loss l when betrayed', min: 0, max: 10, step: 0.1, value: 1, hint: 'Damage relative to abstaining (≥ 0); with l = 0 engaging is certainty, not trust.' },
    { name: 'outside', label: 'Outside option u₀', min: -3, max: 3, step: 0.05, value: 0, hint: 'Value of abstaining (any real number).' },
  ]],
];
const CONTROL = [
  { name: 'c_cost', label: 'Control cost c', min: 0, max: 3, step: 0.05, value: 0.2, hint: 'What the safeguard costs (≥ 0).' },
  { name: 'c_gain', label: 'Gain under control g_c', min: 0, max: 10, step: 0.1, value: 1, hint: '≥ 0' },
  { name: 'c_loss', label: 'Residual loss under control l_c', min: 0, max: 10, step: 0.1, value: 0.2, hint: '≥ 0' },
];
const MODEL = [
  { name: 'beta', label: 'Inverse temperature β', min: 0, max: 30, step: 0.5, value: 5, hint: 'How sharply the balance decides; default 5.' },
  { name: 'lambda0', label: 'Base risk weight λ₀', min: 0, max: 5, step: 0.05, value: 1, hint: 'Default 1.' },
  { name: 'kappa', label: 'Trait slope κ', min: 0, max: 6, step: 0.1, value: 2, hint: 'How strongly the trait lowers the risk weight; default 2.' },
  { name: 'zeta', label: 'Ambiguity aversion ζ', min: 0, max: 3, step: 0.1, value: 0, hint: 'Strangers (small n) look riskier; default 0.' },
];

/** mount draws the explorer into main and returns its clean-up. */
export function mount(main) {
  const q = new URLSearchParams(location.search);
  const ctl = {};
  const update = perFrame(() => refresh());
  const mk = (f) => {
    const v = q.has(f.name) && Number.isFinite(Number(q.get(f.name))) ? Number(q.get(f.name)) : f.value;
    ctl[f.name] = slider({ ...f, value: v, onInput: update });
    return ctl[f.name].el;
  };
  const useControl = checkbox({ name: 'control', label: 'Offer a control option (a safeguard)', checked: q.get('control') === '1', onInput: (on) => { controlSet.hidden = !on; update(); } });
  const controlSet = h('div', { class: 'sub', hidden: !useControl.value() }, CONTROL.map(mk));
  const errors = errorBox();

  const form = h('form', { class: 'panel controls', 'aria-label': 'Inputs of the decision', onsubmit: (e) => e.preventDefault() },
    FIELDS.map(([key, legend, fs]) => h('fieldset', { class: `fs-${key}` }, h('legend', {}, legend), fs.map(mk),
      key === 'situation' ? [useControl.el, controlSet] : null)),
    h('details', { class: 'model-params' }, h('summary', {}, 'Model parameters'),
      h('fieldset', {}, h('legend', { class: 'visually-hidden' }, 'Model parameters'), MODEL.map(mk))),
    h('button', { type: 'button', class: 'secondary', onclick: reset }, 'Reset to defaults'),
    errors.el);

  const pyrBox = h('div', { class: 'pyramid-box', 'data-testid': 'pyramid' });
  // On a phone a small copy of the pyramid stays at the top of the screen
  // while the sliders scroll by (hidden on wider screens by the stylesheet).
  const miniPyr = h('div', { class: 'mini-pyramid', 'data-testid': 'mini-pyramid', 'aria-hidden': 'true' });
  const readout = h('dl', { class: 'readout', 'data-testid': 'readout' });
  const live = h('p', { class: 'live', 'aria-live': 'polite', 'data-testid': 'summary' });
  const chartBox = h('div', { class: 'chart-box', 'data-testid': 'curve' });

  main.replaceChildren(
    h('h1', {}, 'Pyramid explorer'),
    h('p', { class: 'lede' }, 'A trustor weighs what it expects from a partner against what it risks, with a risk weight set by its trait, and trusts with a probability that rises with the balance. Move the sliders and watch each level of the pyramid answer.'),
    h('div', { class: 'explorer' },
      miniPyr,
      form,
      h('section', { class: 'panel view', 'aria-labelledby': 'pyr-h' },
        h('h2', { id: 'pyr-h' }, 'The pyramid of this decision'), pyrBox, live, readout),
      h('section', { class: 'panel wide', 'aria-labelledby': 'curve-h' },
        h('h2', { id: 'curve-h' }, 'P(trust) against p'),
        h('p', { class: 'hint' }, `For this person and for a low-trait (τ ${LOW}) and a high-trait (τ ${HIGH}) person in the same situation with the same evidence n. The dot is the current decision; the dashed line is where this person's balance turns positive.`),
        chartBox)));

  let lastCurve = null;
  let lastDecision = null;
  const stopResize = onResize(chartBox, () => lastCurve && drawCurve(lastCurve, lastDecision));

  function request() {
    const v = (k) => ctl[k].value();
    const situation = { game: 'binary', gain: v('gain'), loss: v('loss'), outside: v('outside') };
    if (useControl.value()) situation.control = { cost: v('c_cost'), gain: v('c_gain'), loss: v('c_loss') };
    const params = { beta: v('beta'), lambda0: v('lambda0'), kappa: v('kappa'), zeta: v('zeta') };
    return { trait: v('trait'), p: v('p'), n: v('n'), situation, params };
  }

  function saveQuery(req) {
    const s = new URLSearchParams();
    for (const k of Object.keys(ctl)) s.set(k, String(ctl[k].value()));
    if (useControl.value()) s.set('control', '1');
    history.replaceState(history.state, '', `${location.pathname}?${s}`);
    return req;
  }

  const fetchAll = latest(async (signal, req) => Promise.all([
    post('/api/v1/decide', req, signal),
    post('/api/v1/decide/curve', {
      traits: [req.trait, LOW, HIGH], n: req.n, situation: req.situation, params: req.params,
    }, signal),
  ]));

  async function refresh() {
    const req = saveQuery(request());
    try {
      const [d, c] = await fetchAll(req);
      errors.clear();
      lastDecision = d;
      lastCurve = c;
      draw(d);
      drawCurve(c, d);
    } catch (err) {
      if (isAbort(err)) return;
      errors.show(err);
      main.querySelector('.explorer').classList.add('stale');
      return;
    }
    main.querySelector('.explorer').classList.remove('stale');
  }

  function draw(d) {
    pyrBox.replaceChildren(pyramid(d));
    miniPyr.replaceChildren(pyramid(d), h('p', {}, h('strong', {}, `P(trust) ${num(d.probability)}`), ` ${d.kind}`, h('br'), `E ${num(d.expectation)} against λR${d.situation.outside ? ' + u₀' : ''} ${num(d.lambda * d.risk + (d.situation.outside || 0))}`));
    const rows = [
      ['trait', 'Trait τ', num(d.trait, 2)],
      ['lambda', 'Risk weight λ(τ)', num(d.lambda)],
      ['p', 'Expected trustworthiness p', num(d.p)],
      ['n', 'Evidence n', num(d.n, 2)],
      ['expectation', 'Expectation E', num(d.expectation)],
      ['risk', 'Risk R', num(d.risk)],
      ['weighted_risk', 'Weighted risk λ × R', num(d.lambda * d.risk)],
      ['balance', 'Balance B = E − λR − u₀', signed(d.balance)],
    ];
    if (d.probabilities) {
      rows.push(['p_abstain', 'P(abstain)', num(d.probabilities.abstain)]);
      rows.push(['probability', 'P(trust)', num(d.probabilities.trust)]);
      rows.push(['p_control', 'P(control)', num(d.probabilities.control)]);
    } else {
      rows.push(['probability', 'P(trust)', num(d.probability)]);
    }
    rows.push(['kind', 'Kind of act', d.kind]);
    readout.replaceChildren(...rows.flatMap(([k, t, v]) => [h('dt', {}, t), h('dd', { 'data-out': k }, v)]));
    live.textContent = `P(trust) ${num(d.probability)}: ${KIND_TEXT[d.kind] || d.kind}. Balance ${signed(d.balance)} (expectation ${num(d.expectation)}, risk ${num(d.risk)} weighted by λ ${num(d.lambda)}).`;
  }

  function drawCurve(c, d) {
    const names = ['this person', 'low trait', 'high trait'];
    // The two reference curves are drawn first, dashed, wider and with
    // markers of their own shape; this person's curve is drawn last, on
    // top and thinner, so that at τ 0.2 or 0.8 both stay visible.
    const shapes = [null, 'square', 'triangle'];
    const series = c.curves.map((cv, i) => ({
      name: `${names[i]} (τ ${num(cv.trait, 2)})`,
      points: c.p.map((p, j) => [p, cv.probability[j]]),
      cls: `s${i}`, dash: i > 0, wide: i > 0, markers: i > 0, markEvery: 10, markOffset: 3 * i, shape: shapes[i], top: i === 0,
    }));
    const th = c.curves[0].threshold;
    const fig = lineChart({
      width: chartBox.clientWidth || 640,
      title: 'P(trust) against expected trustworthiness p',
      desc: `Three curves of P(trust) for p from ${c.p[0]} to ${c.p[c.p.length - 1]} with evidence n = ${num(c.n, 2)}. ` +
        c.curves.map((cv, i) => `${names[i]} (trait ${num(cv.trait, 2)}): ${cv.threshold != null ? `balance positive above p = ${num(cv.threshold)}` : 'the balance keeps one sign'}`).join('; ') +
        `. Current decision: p ${num(d.p)}, P(trust) ${num(d.probability)}.`,
      x: { label: 'expected trustworthiness p (probability of being honoured)', short: 'expected trustworthiness p', min: 0, max: 1 },
      y: { label: 'P(trust) (probability)', min: 0, max: 1 },
      series,
      hlines: [{ y: 0.5, cls: 'faint' }],
      vlines: th != null ? [{ x: th, label: `p* ${num(th, 2)}`, cls: 's0' }] : [],
      dots: [{ x: d.p, y: d.probability, label: `now ${num(d.probability, 2)}`, cls: 's0' }],
    });
    chartBox.replaceChildren(fig);
  }

  function reset() {
    for (const f of [...FIELDS.flatMap((x) => x[2]), ...CONTROL, ...MODEL]) ctl[f.name].set(f.value);
    useControl.input.checked = false;
    controlSet.hidden = true;
    update();
  }

  refresh();
  return () => stopResize();
}
