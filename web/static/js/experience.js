// The experience lab: play encounters with one partner and watch belief,
// expectation, risk and P(trust) evolve; compare two settings.

import { h, num, signed, perFrame, onResize } from './dom.js';
import { post, latest, isAbort } from './api.js';
import { slider, checkbox, select, errorBox } from './controls.js';
import { lineChart } from './chart.js';
import { KIND_TEXT } from './pyramid.js';

const PRESETS = [
  ['HHHHHBHHHHH', 'Five honours, one betrayal, five honours'],
  ['HHHHHHHHHH', 'Ten honours'],
  ['BHHHHHHHHHH', 'A betrayal first, then ten honours'],
  ['HBHBHBHBHBHB', 'Alternating honour and betrayal'],
  ['HHHBHHHBHHHBHHHB', 'A betrayal every fourth encounter'],
  ['HHHHH---------------', 'Five honours, then fifteen encounters without evidence (forgetting)'],
];
const COMPARE = [
  ['w_minus', 'Betrayal weight w₋: 1 against 3', { w_minus: 1 }, { w_minus: 3 }],
  ['gamma', 'Retention γ: 1 against 0.9', { gamma: 1 }, { gamma: 0.9 }],
  ['w_plus', 'Confirmation weight w₊: 1 against 0.5', { w_plus: 1 }, { w_plus: 0.5 }],
  ['eta', 'Trait learning η: 0 against 0.05', { eta: 0 }, { eta: 0.05 }],
];
const PARAMS = [
  { name: 'w_plus', label: 'Confirmation weight w₊', min: 0, max: 5, step: 0.1, value: 1, hint: 'Evidence an honoured encounter adds; default 1.' },
  { name: 'w_minus', label: 'Betrayal weight w₋', min: 0, max: 5, step: 0.1, value: 2, hint: 'Evidence a betrayal adds; default 2 (betrayal weighs more).' },
  { name: 'gamma', label: 'Retention γ', min: 0.5, max: 1, step: 0.01, value: 1, hint: 'Old evidence fades toward the trait prior when γ < 1; default 1.' },
  { name: 'eta', label: 'Trait learning rate η', min: 0, max: 0.2, step: 0.005, value: 0, hint: 'How much each outcome moves the trait; default 0 (a fixed trait).' },
];
const CODES = { H: 'honoured', B: 'betrayed', '-': null };
const WORDS = { H: 'honour', B: 'betrayal', '-': 'no evidence' };

/**
 * parseSeq reads a typed sequence: H (honour), B (betrayal) and - (no
 * evidence), in either case, spaces ignored. Any other character is an
 * error naming it and its position (1-based), and nothing is dropped.
 */
export function parseSeq(text) {
  let seq = '';
  for (const [i, c] of [...String(text)].entries()) {
    if (c === ' ') continue;
    const u = c.toUpperCase();
    if (u === 'H' || u === 'B' || u === '-') { seq += u; continue; }
    return { seq: null, error: `Sequence: “${c}” at position ${i + 1} is not H (honour), B (betrayal) or - (no evidence); the sequence is unchanged until it is fixed.` };
  }
  return { seq, error: null };
}

/** kindOf names the act of a step; at a balance of exactly 0 it is undecided. */
export function kindOf(s) {
  return Math.abs(s.balance) < 1e-12 && (s.kind === 'trust' || s.kind === 'distrust') ? 'undecided' : s.kind;
}

const newSeed = () => Math.floor(Math.random() * 1e6);

// A small deterministic generator (mulberry32) of the seed and a key.
function draw01(seed, key) {
  let t = (seed * 2654435761 + key * 40503 + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** hiddenW is the partner's trustworthiness, in [0.15, 0.95]. */
function hiddenW(seed) {
  return 0.15 + 0.8 * draw01(seed, 0);
}

/** mount draws the experience lab into main and returns its clean-up. */
export function mount(main) {
  const q = new URLSearchParams(location.search);
  const update = perFrame(() => refresh());
  let timer = null;
  const ctl = {}; // every slider by its name, which is also its key in the address
  const fromQuery = (f) => (q.has(f.name) && q.get(f.name) !== '' && Number.isFinite(Number(q.get(f.name))) ? Number(q.get(f.name)) : f.value);
  const mkSlider = (f) => {
    ctl[f.name] = slider({ ...f, value: fromQuery(f), onInput: update });
    return ctl[f.name];
  };
  // The learner's own game: a partner with a hidden trustworthiness w,
  // drawn from a seed kept in the address (so a game can be shared and
  // replayed); each round the learner trusts or not, and only a trusted
  // partner answers (own feedback).
  let mode = q.get('mode') === 'play' ? 'play' : 'replay';
  let partner = Number.isInteger(Number(q.get('partner'))) && q.get('partner') ? Number(q.get('partner')) : newSeed();
  let revealed = false;
  let seq = (q.has('seq') ? parseSeq(q.get('seq')).seq : null) ?? (mode === 'play' ? '' : 'HHHHHBHHHHH');

  const trait = mkSlider({ name: 'trait', label: 'Trust trait τ', min: 0, max: 1, step: 0.01, value: 0.5, hint: 'Sets the prior about a stranger, Beta(n₀τ, n₀(1 − τ)), and the risk weight.' });
  const start = select({
    name: 'start', label: 'Starting belief', value: q.get('start') === 'pn' ? 'pn' : 'prior', onInput: (v) => { startSet.hidden = v !== 'pn'; update(); },
    options: [['prior', 'A stranger: the trait prior'], ['pn', 'A partner already known: p and n']],
  });
  const p0 = mkSlider({ name: 'p0', label: 'Starting p', min: 0.01, max: 0.99, step: 0.01, value: 0.5 });
  const n0 = mkSlider({ name: 'n0', label: 'Starting evidence n', min: 0.5, max: 50, step: 0.5, value: 2 });
  const startSet = h('div', { class: 'sub', hidden: start.value() !== 'pn' }, p0.el, n0.el);
  const gain = mkSlider({ name: 'gain', label: 'Gain g when honoured', min: 0, max: 10, step: 0.1, value: 1 });
  const loss = mkSlider({ name: 'loss', label: 'Loss l when betrayed', min: 0, max: 10, step: 0.1, value: 1 });

  const mkSet = (key, defaults = {}) => {
    const s = {};
    for (const f of PARAMS) s[f.name] = mkSlider({ ...f, name: `${key}-${f.name}`, value: defaults[f.name] ?? f.value });
    return s;
  };
  const setA = mkSet('a');
  const setB = mkSet('b', { w_minus: 3 });
  const compare = checkbox({ name: 'compare', label: 'Compare with a second setting (B)', checked: q.get('compare') === '1', onInput: (on) => { bSet.hidden = !on; update(); } });
  const preset = select({ name: 'compare-preset', label: 'Comparison preset', value: 'w_minus', options: COMPARE.map(([k, t]) => [k, t]) });
  const applyPreset = () => {
    const c = COMPARE.find((x) => x[0] === preset.value());
    for (const f of PARAMS) { setA[f.name].set(f.value); setB[f.name].set(f.value); }
    for (const [k, v] of Object.entries(c[2])) setA[k].set(v);
    for (const [k, v] of Object.entries(c[3])) setB[k].set(v);
    update();
  };
  const bSet = h('div', { hidden: !compare.value() },
    h('div', { class: 'field-row' }, preset.el, h('button', { type: 'button', class: 'secondary', onclick: applyPreset }, 'Apply preset')),
    h('fieldset', {}, h('legend', {}, 'Setting B'), PARAMS.map((f) => setB[f.name].el)));
  const errors = errorBox();

  const form = h('form', { class: 'panel controls', 'aria-label': 'The trustor, the situation and the settings', onsubmit: (e) => e.preventDefault() },
    h('fieldset', {}, h('legend', {}, 'The trustor'), trait.el, start.el, startSet),
    h('fieldset', {}, h('legend', {}, 'The situation'), gain.el, loss.el),
    h('fieldset', {}, h('legend', {}, 'Setting A (learning)'), PARAMS.map((f) => setA[f.name].el)),
    compare.el, bSet, errors.el);

  // The encounters.
  const seqInput = h('input', {
    type: 'text', id: 'seq', name: 'sequence', value: seq, autocomplete: 'off', spellcheck: 'false',
    pattern: '[HhBb\\- ]*', 'aria-describedby': 'seq-hint', class: 'seq-input',
  });
  const seqError = h('p', { class: 'error', role: 'alert', id: 'seq-error', hidden: true, 'data-testid': 'seq-error' });
  seqInput.addEventListener('input', () => {
    stop();
    const r = parseSeq(seqInput.value);
    if (r.error) {
      // Nothing is dropped silently: the sequence stays as it was until
      // the character is fixed.
      seqError.textContent = r.error;
      seqError.hidden = false;
      seqInput.setAttribute('aria-invalid', 'true');
      seqInput.setAttribute('aria-errormessage', 'seq-error');
      return;
    }
    clearSeqError();
    setSeq(r.seq, false);
  });
  const clearSeqError = () => {
    seqError.hidden = true;
    seqError.textContent = '';
    seqInput.removeAttribute('aria-invalid');
    seqInput.removeAttribute('aria-errormessage');
  };
  const chips = h('ol', { class: 'chips', 'aria-label': 'Encounters so far' });
  const add = (c) => () => { stop(); clearSeqError(); setSeq(seq + c); };
  const presetSel = select({ name: 'preset', label: 'Preset sequence', value: PRESETS[0][0], options: PRESETS });
  const playBtn = h('button', { type: 'button', class: 'secondary', onclick: () => play(presetSel.value()) }, 'Play');
  const live = h('p', { class: 'live', 'aria-live': 'polite', 'data-testid': 'summary' });
  const modeSel = select({
    name: 'mode', label: 'Mode', value: mode,
    options: [['replay', 'Replay: you set the answers'], ['play', 'Play: you decide to trust']],
    onInput: (v) => { stop(); mode = v; revealed = false; partner = newSeed(); clearSeqError(); setSeq(v === 'play' ? '' : 'HHHHHBHHHHH'); layout(); },
  });
  const verdict = h('p', { class: 'verdict', 'aria-live': 'polite', 'data-testid': 'verdict' });
  const reveal = h('p', { class: 'reveal', 'data-testid': 'reveal', hidden: true });
  const playBox = h('div', { class: 'play-box', 'data-testid': 'play' },
    h('p', { class: 'hint' }, 'A partner whose trustworthiness w (the chance of honouring trust) is hidden from you. Each round, trust them or not. If you trust, they honour or betray; if you do not, you learn nothing about them (own feedback). A partner you stop trusting can never prove you wrong: that is the trust trap.'),
    h('div', { class: 'buttons', role: 'group', 'aria-label': 'Your choice this round' },
      h('button', { type: 'button', class: 'honour', 'data-action': 'trust', onclick: () => choose(true) }, 'Trust'),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'abstain', onclick: () => choose(false) }, 'Do not trust'),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'reveal', onclick: () => { revealed = true; showReveal(); } }, 'Reveal the partner'),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'new-partner', onclick: () => { partner = newSeed(); revealed = false; setSeq(''); } }, 'New partner')),
    verdict, reveal);
  const charts = h('div', { class: 'charts' });
  const table = h('div', { class: 'table-wrap steps', tabindex: '0', role: 'region', 'aria-label': 'Every encounter in numbers' });

  main.replaceChildren(
    h('h1', {}, 'Experience lab'),
    h('p', { class: 'lede' }, 'Trust is built, tested, confirmed or betrayed in encounters. Play a partner\'s answers one by one, or a preset sequence, and watch the belief about the partner, the expectation and the risk, and the probability of trusting again. Betrayal weighs more than confirmation, so trust is slow to build and quick to break.'),
    h('div', { class: 'experience' },
      form,
      h('section', { class: 'panel view', 'aria-labelledby': 'enc-h' },
        h('h2', { id: 'enc-h' }, 'Encounters with one partner'),
        modeSel.el,
        playBox,
        h('div', { class: 'buttons replay-only', role: 'group', 'aria-label': 'The partner\'s next answer' },
          h('button', { type: 'button', class: 'honour', onclick: add('H'), 'data-action': 'honour' }, 'Honour'),
          h('button', { type: 'button', class: 'betray', onclick: add('B'), 'data-action': 'betray' }, 'Betray'),
          h('button', { type: 'button', class: 'secondary', onclick: add('-'), 'data-action': 'none' }, 'No evidence'),
          h('button', { type: 'button', class: 'secondary', onclick: () => { stop(); setSeq(seq.slice(0, -1)); }, 'data-action': 'undo' }, 'Undo'),
          h('button', { type: 'button', class: 'secondary', onclick: () => { stop(); setSeq(''); }, 'data-action': 'clear' }, 'Clear')),
        h('div', { class: 'field-row replay-only' }, presetSel.el, playBtn),
        h('div', { class: 'field replay-only' },
          h('label', { for: 'seq' }, 'Sequence'),
          seqInput,
          h('p', { class: 'hint', id: 'seq-hint' }, 'H honour, B betrayal, - an encounter without evidence (the belief only fades when γ < 1); spaces are ignored.'),
          seqError),
        chips, live,
        h('p', { class: 'hint' }, 'The kind of act: trust when the balance B is positive (P(trust) above 0.5), distrust when it is negative, undecided when it is exactly 0 (P(trust) 0.5). Betrayals are marked ✕ on every chart.')),
      h('section', { class: 'panel wide evo', 'aria-labelledby': 'evo-h' },
        h('h2', { id: 'evo-h' }, 'How the pyramid evolves'), charts),
      h('section', { class: 'panel wide', 'aria-labelledby': 'tab-h' },
        h('h2', { id: 'tab-h' }, 'Every encounter'), table)));

  function layout() {
    playBox.hidden = mode !== 'play';
    for (const el of main.querySelectorAll('.replay-only')) el.hidden = mode === 'play';
  }

  // choose plays one round of the learner's game: trusted, the hidden
  // partner honours with probability w; not trusted, nothing is learnt.
  function choose(trusted) {
    const round = seq.length + 1;
    setSeq(seq + (trusted ? (draw01(partner, round) < hiddenW(partner) ? 'H' : 'B') : '-'));
  }

  function showReveal() {
    reveal.hidden = !revealed;
    if (!revealed || !last) return;
    const w = hiddenW(partner);
    const fin = last[0].steps[last[0].steps.length - 1];
    const trusted = [...seq].filter((c) => c !== '-').length;
    const gap = fin.p - w;
    reveal.dataset.w = String(w);
    reveal.textContent = `The partner honours trust with probability w = ${num(w, 2)}. After ${seq.length} round${seq.length === 1 ? '' : 's'} (${trusted} trusted) you believe p = ${num(fin.p)}: ` +
      (Math.abs(gap) < 0.05 ? 'close to the truth.' : gap < 0 ? `you underestimate them by ${num(-gap, 2)}${trusted < seq.length / 2 ? ', and by not trusting you never found out' : ''}.` : `you overestimate them by ${num(gap, 2)}.`);
  }

  function saveQuery() {
    const s = new URLSearchParams();
    if (mode === 'play') { s.set('mode', 'play'); s.set('partner', String(partner)); }
    s.set('seq', seq);
    for (const [k, c] of Object.entries(ctl)) s.set(k, String(c.value()));
    if (start.value() === 'pn') s.set('start', 'pn');
    if (compare.value()) s.set('compare', '1');
    history.replaceState(history.state, '', `${location.pathname}?${s}`);
  }

  function setSeq(s, syncInput = true) {
    seq = parseSeq(s).seq ?? seq;
    if (syncInput) seqInput.value = seq;
    chips.replaceChildren(...[...seq].map((c, i) => h('li', { class: `chip chip-${c === '-' ? 'none' : c}`, title: `encounter ${i + 1}: ${WORDS[c]}` },
      h('span', { 'aria-hidden': 'true' }, c === '-' ? '·' : c), h('span', { class: 'visually-hidden' }, `${i + 1}: ${WORDS[c]}`))));
    update();
  }

  function stop() {
    if (timer) { clearInterval(timer); timer = null; playBtn.disabled = false; }
  }
  function play(target) {
    stop();
    let i = 0;
    setSeq('');
    playBtn.disabled = true;
    timer = setInterval(() => {
      i += 1;
      setSeq(target.slice(0, i));
      if (i >= target.length) stop();
    }, 280);
  }

  const params = (s) => Object.fromEntries(PARAMS.map((f) => [f.name, s[f.name].value()]));
  function body(set) {
    const b = {
      trait: trait.value(),
      outcomes: [...seq].map((c) => CODES[c]),
      situation: { game: 'binary', gain: gain.value(), loss: loss.value() },
      params: params(set),
    };
    if (start.value() === 'pn') { b.p = p0.value(); b.n = n0.value(); }
    return b;
  }

  const fetchAll = latest(async (signal, bodies) => Promise.all(bodies.map((b) => post('/api/v1/encounters', b, signal))));
  let last = null;

  async function refresh() {
    saveQuery();
    const bodies = [body(setA)];
    if (compare.value()) bodies.push(body(setB));
    try {
      last = await fetchAll(bodies);
      errors.clear();
    } catch (err) {
      if (isAbort(err)) return;
      errors.show(err);
      return;
    }
    draw();
  }

  function describe(set, key) {
    return PARAMS.map((f) => `${f.name} ${set[f.name].value()}`).join(', ') + (key ? '' : '');
  }

  function draw() {
    if (!last) return;
    const names = last.length > 1 ? ['A', 'B'] : ['A'];
    const fin = last.map((r) => r.steps[r.steps.length - 1]);
    live.textContent = `After ${seq.length} encounter${seq.length === 1 ? '' : 's'}: ` + fin.map((s, i) =>
      `${last.length > 1 ? `setting ${names[i]}: ` : ''}belief p ${num(s.p)} (a ${num(s.belief.a, 2)}, b ${num(s.belief.b, 2)}), P(trust) ${num(s.probability)}, ${kindOf(s)}`).join('; ') + '.';
    if (mode === 'play') {
      const s0 = fin[0];
      verdict.textContent = `Round ${seq.length + 1}. The model of this trustor would trust with P(trust) ${num(s0.probability)} (${kindOf(s0)}).`;
      showReveal();
    }
    live.dataset.p = fin.map((s) => s.p).join(' ');
    const width = charts.clientWidth || 900;
    const cw = width >= 900 ? (width - 16) / 2 : width;
    const xs = (r, f) => r.steps.map((s) => [s.encounter, f(s)]);
    const xaxis = { label: 'encounter (0 = before the first)', short: 'encounter', min: 0, max: Math.max(1, seq.length), integer: true };
    // Every betrayal is marked on every chart, at the encounter it happened.
    const xmarks = [...seq].flatMap((c, i) => (c === 'B' ? [{ x: i + 1, label: `betrayal at encounter ${i + 1}`, cls: 'betrayal' }] : []));
    const setLabel = (i) => (last.length > 1 ? ` (${names[i]}: ${describe(i === 0 ? setA : setB)})` : '');
    const beliefChart = lineChart({
      width: cw, heading: true, title: 'Belief about the partner over the encounters',
      desc: `Expected trustworthiness p after each encounter. ${fin.map((s, i) => `Setting ${names[i]} ends at p ${num(s.p)}`).join('; ')}.`,
      x: xaxis, y: { label: 'expected trustworthiness p', short: 'p', min: 0, max: 1 },
      series: last.map((r, i) => ({ name: `p${setLabel(i)}`, points: xs(r, (s) => s.p), cls: `s${i}`, dash: i > 0, markers: true })),
      hlines: [{ y: 0.5, cls: 'faint' }], legend: true, xmarks,
    });
    const ptChart = lineChart({
      width: cw, heading: true, title: 'P(trust) at the next encounter',
      desc: `Probability of trusting the partner at the next encounter. ${fin.map((s, i) => `Setting ${names[i]} ends at ${num(s.probability)} (${s.kind})`).join('; ')}.`,
      x: xaxis, y: { label: 'P(trust) (probability)', short: 'P(trust)', min: 0, max: 1 },
      series: last.map((r, i) => ({ name: `P(trust)${setLabel(i)}`, points: xs(r, (s) => s.probability), cls: `s${i}`, dash: i > 0, markers: true })),
      hlines: [{ y: 0.5, cls: 'faint' }], legend: true, xmarks,
    });
    const erSeries = [];
    last.forEach((r, i) => {
      erSeries.push({ name: `expectation E${last.length > 1 ? ` (${names[i]})` : ''}`, points: xs(r, (s) => s.expectation), cls: 's2', dash: i > 0, markers: true });
      erSeries.push({ name: `risk R${last.length > 1 ? ` (${names[i]})` : ''}`, points: xs(r, (s) => s.risk), cls: 's1', dash: i > 0, markers: true });
    });
    const erChart = lineChart({
      width: cw, heading: true, title: 'Expectation and risk over the encounters',
      desc: `Expectation E = p·g and risk R = (1 − p)·l in units of the stake. ${fin.map((s, i) => `Setting ${names[i]} ends at E ${num(s.expectation)}, R ${num(s.risk)}`).join('; ')}.`,
      x: xaxis, y: { label: 'value (units of the stake)', short: 'units of stake', min: 0 }, series: erSeries, xmarks,
    });
    const balChart = lineChart({
      width: cw, heading: true, title: 'Balance over the encounters',
      desc: `Balance B = E − λR: trust is likelier than not while it is positive. ${fin.map((s, i) => `Setting ${names[i]} ends at ${signed(s.balance)}`).join('; ')}.`,
      x: xaxis, y: { label: 'balance B (units of the stake)', short: 'balance B' },
      series: last.map((r, i) => ({ name: `balance B${setLabel(i)}`, points: xs(r, (s) => s.balance), cls: `s${i}`, dash: i > 0, markers: true })),
      hlines: [{ y: 0, cls: 'faint' }], legend: true, xmarks,
    });
    charts.replaceChildren(
      h('div', { class: 'chart-grid' }, beliefChart, ptChart, erChart, balChart));
    charts.querySelector('figure').dataset.testid = 'belief-chart';

    const head = ['encounter', 'outcome', 'a', 'b', 'p', 'E', 'R', 'B', 'P(trust)', 'kind'];
    table.replaceChildren(...last.map((r, i) => h('table', { 'data-setting': names[i] },
      h('caption', {}, last.length > 1 ? `Setting ${names[i]}: ${describe(i === 0 ? setA : setB)}` : `Setting A: ${describe(setA)}`),
      h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col', class: t === 'outcome' || t === 'kind' ? 'text' : '' }, t)))),
      h('tbody', {}, r.steps.map((s) => h('tr', {},
        h('td', {}, String(s.encounter)),
        h('td', { class: 'text' }, s.encounter === 0 ? 'start' : s.outcome === null ? 'no evidence' : s.confirmed ? 'honoured' : 'betrayed'),
        h('td', {}, num(s.belief.a, 3)), h('td', {}, num(s.belief.b, 3)), h('td', {}, num(s.p)),
        h('td', {}, num(s.expectation)), h('td', {}, num(s.risk)), h('td', {}, signed(s.balance)),
        h('td', {}, num(s.probability)), h('td', { class: 'text', title: KIND_TEXT[s.kind] || 'the balance is exactly 0' }, kindOf(s))))))));
  }

  const stopResize = onResize(charts, () => draw());
  layout();
  setSeq(seq);
  return () => { stop(); stopResize(); };
}
