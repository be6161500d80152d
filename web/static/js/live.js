// The live population view: a simulation stepped on the server under the
// page's control (play at a speed, pause, step one), its network (or a
// sample of at most 10^4 agents) drawn in a canvas, the agents coloured by
// trait, belief, last act or payoff, charts of the steps.csv columns
// streaming as server-sent events, and the pyramid of a clicked agent.
//
// Drawing is decoupled from the data: the stream only stores the newest
// frame of colour bytes; a requestAnimationFrame loop draws the edges
// (rendered once into an off-screen canvas) and the agents, batched by
// colour, and counts its frames (window.trustlabLive.draws, which the
// browser test reads to measure frames per second; .frames counts the
// frames of data received).

import { h, num, signed, rate, onResize } from './dom.js';
import { get, post, ApiError, LIVE_SCENARIO } from './api.js';
import { editor } from './editor.js';
import { select, errorBox } from './controls.js';
import { lineChart } from './chart.js';
import { pyramid, KIND_TEXT } from './pyramid.js';

const STARTER = 'trust-trap';
const SPEEDS = [['1', '1 step/s'], ['2', '2 steps/s'], ['5', '5 steps/s'], ['10', '10 steps/s'], ['30', '30 steps/s'], ['100', '100 steps/s'], ['0', 'as fast as possible']];
const COLOUR_BY = [['trait', 'trust trait τ'], ['belief', 'belief (mean p about its partners)'], ['act', 'last act'], ['payoff', 'payoff per step'], ['group', 'group']];
const GROUP_COLOURS = ['#1d4e89', '#c2410c', '#0f766e', '#7e22ce', '#a16207', '#be185d', '#4d7c0f', '#334155'];

// A perceptually even scale from low (dark violet) to high (yellow),
// viridis at 9 stops, and the colours of the acts.
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
const BUCKETS = 32;
const ACTS = [
  ['none', 'no act yet', '#c9d1da'],
  ['declined', 'declined (distrust)', '#8a96a3'],
  ['honoured', 'trusted, honoured', '#17693b'],
  ['betrayed', 'trusted, betrayed', '#c81e1e'],
  ['control', 'engaged under control', '#d08a00'],
];
const NO_VALUE = '#e3e8ee';
const MAX_ROWS = 20000; // rows kept per group in the page

function hex2rgb(c) { return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)); }
/** scale returns the colour of v in [0, 1] on the viridis scale. */
function scale(v) {
  const x = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const a = hex2rgb(VIRIDIS[i]);
  const b = hex2rgb(VIRIDIS[i + 1]);
  const f = x - i;
  return `rgb(${a.map((u, k) => Math.round(u + (b[k] - u) * f)).join(',')})`;
}
const SCALE = Array.from({ length: BUCKETS }, (_, k) => scale((k + 0.5) / BUCKETS));

function bytes(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** mount draws the live view into main and returns its clean-up. */
export function mount(main) {
  let session = null; // the live session's state
  let graph = null;
  let frame = null; // {step, trait, belief, act, payoff (Uint8Array), payoff_min, payoff_max}
  let source = null; // EventSource
  let header = [];
  const rows = new Map(); // group -> [{step, values}]
  let selected = -1; // sample index of the clicked agent
  let selectedPartners = []; // sample indices of its partners in the sample
  let agentId = -1;
  let partnerIdx = 0;
  let dirty = true;
  let raf = 0;
  let edgesLayer = null;
  let draws = 0;
  let frames = 0; // frames of data received
  let gone = false;

  const errors = errorBox();
  const ed = editor({ label: 'Scenario (YAML)', name: 'scenario', value: '', hint: 'Any scenario of docs/simulation.md; large populations are drawn as a sample of 10,000 agents.', short: true });
  const exampleSel = select({ name: 'example', label: 'Example scenario', value: '', options: [['', 'Loading the examples…']] });
  let examples = [];
  exampleSel.input.addEventListener('change', () => {
    const ex = examples.find((e) => e.name === exampleSel.value());
    if (ex) ed.set(ex.text);
  });
  const startBtn = h('button', { type: 'submit', 'data-action': 'start' }, 'Start the live view');
  const form = h('form', { class: 'panel live-setup', 'aria-labelledby': 'live-setup-h', onsubmit: (e) => { e.preventDefault(); start(); } },
    h('h2', { id: 'live-setup-h' }, 'Scenario'),
    exampleSel.el,
    h('details', { class: 'live-yaml' }, h('summary', {}, 'Edit the scenario'), ed.el),
    h('div', { class: 'actions' }, startBtn), errors.el);

  const playBtn = h('button', { type: 'button', 'data-action': 'play', disabled: true, onclick: () => control(session && session.status === 'playing' ? 'pause' : 'play') }, 'Play');
  const stepBtn = h('button', { type: 'button', class: 'secondary', 'data-action': 'step', disabled: true, onclick: () => control('step') }, 'Step');
  const speedSel = select({ name: 'speed', label: 'Speed', value: '10', options: SPEEDS, onInput: () => { if (session) control('speed'); } });
  const colourSel = select({ name: 'colour', label: 'Colour agents by', value: 'trait', options: COLOUR_BY, onInput: () => { dirty = true; legend(); } });
  const stepOut = h('output', { class: 'live-step', 'data-testid': 'step', 'aria-live': 'off' }, 'No session');
  const rateOut = h('p', { class: 'hint live-rate', 'data-testid': 'rate' });
  const canvas = h('canvas', { class: 'live-canvas', 'data-testid': 'network', role: 'img', 'aria-label': 'The population: one dot per agent, coloured as the legend says; click a dot to see its pyramid' });
  const legendBox = h('div', { class: 'live-legend', 'data-testid': 'legend' });
  const sampleNote = h('p', { class: 'hint', 'data-testid': 'sample-note' });
  const idInput = h('input', { type: 'number', min: 0, step: 1, class: 'num', 'aria-label': 'Agent id', name: 'agent' });
  const idForm = h('form', { class: 'live-pick', onsubmit: (e) => { e.preventDefault(); if (idInput.value !== '') showAgent(Number(idInput.value), 0); } },
    h('label', {}, 'Agent id ', idInput), h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  const chartsBox = h('div', { class: 'live-charts', 'data-testid': 'charts' });
  const agentBox = h('div', { class: 'live-agent', 'data-testid': 'agent' }, h('p', { class: 'hint' }, 'Click an agent (or give its id) to see its pyramid.'));

  const bar = h('div', { class: 'live-bar', role: 'group', 'aria-label': 'Simulation controls' }, playBtn, stepBtn, speedSel.el, colourSel.el, stepOut);
  const view = h('section', { class: 'panel live-view', 'aria-labelledby': 'live-view-h', hidden: true },
    h('h2', { id: 'live-view-h' }, 'The population'), bar, rateOut,
    h('div', { class: 'live-canvas-wrap' }, canvas), legendBox, sampleNote, idForm);
  const side = h('section', { class: 'panel live-side', 'aria-labelledby': 'live-agent-h', hidden: true },
    h('h2', { id: 'live-agent-h' }, 'One agent'), agentBox);
  const chartsPanel = h('section', { class: 'panel live-charts-panel', 'aria-labelledby': 'live-charts-h', hidden: true },
    h('h2', { id: 'live-charts-h' }, 'The population over the steps'), chartsBox);
  main.replaceChildren(
    h('h1', {}, 'Live population'),
    h('p', { class: 'lede' }, 'Watch a population learn whom to trust. The server steps the simulation while you watch: play it at a speed, pause, or step one step at a time. Every dot is an agent; colour them by their trust trait, by what they believe about their partners, by what they did in the last step, or by their payoff, and click one to see the pyramid of its next decision.'),
    form, h('div', { class: 'live-grid' }, view, side), chartsPanel);

  // Examples: the starter scenario, editable.
  get('/api/v1/examples').then((list) => {
    examples = list.scenarios;
    exampleSel.input.replaceChildren(...examples.map((e) => h('option', { value: e.name, selected: e.name === STARTER }, `${e.name}: ${e.description.split('. ')[0]}`)));
    const ex = examples.find((e) => e.name === STARTER) || examples[0];
    if (ex && !ed.value()) ed.set(ex.text);
  }).catch((err) => errors.show(err));

  // A scenario handed over by another page ("Watch it live" on the
  // simulations page) is shown in the editor and started at once.
  const handed = sessionStorage.getItem(LIVE_SCENARIO);
  if (handed) {
    sessionStorage.removeItem(LIVE_SCENARIO);
    ed.set(handed);
    form.querySelector('details').open = true;
    setTimeout(start); // once mount has defined all it uses
  }

  async function stop() {
    if (source) { source.close(); source = null; }
    if (session) {
      const id = session.id;
      session = null;
      fetch(`/api/v1/live/${id}`, { method: 'DELETE', headers: { 'X-Trustlab': '1' }, keepalive: true }).catch(() => {});
    }
  }

  async function start() {
    errors.clear();
    ed.clearErrors();
    startBtn.disabled = true;
    try {
      await stop();
      const st = await post('/api/v1/live', { scenario: ed.value() });
      session = st;
      graph = await get(`/api/v1/live/${st.id}/graph`);
      frame = null;
      rows.clear();
      selected = -1;
      agentId = -1;
      view.hidden = false;
      side.hidden = false;
      chartsPanel.hidden = false;
      agentBox.replaceChildren(h('p', { class: 'hint' }, 'Click an agent (or give its id) to see its pyramid.'));
      idInput.max = graph.n - 1;
      sampleNote.textContent = graph.sample === 'all'
        ? `All ${graph.n.toLocaleString('en')} agents are drawn, with ${(graph.edges.length / 2).toLocaleString('en')} of the network's edges${graph.partial ? ' (at most 12 per agent)' : ''}.`
        : `${graph.ids.length.toLocaleString('en')} of ${graph.n.toLocaleString('en')} agents are drawn: a snowball sample, breadth-first along the network from random roots (the same for the same seed), with the ${(graph.edges.length / 2).toLocaleString('en')} edges among them. The charts are the whole population's.`;
      resize();
      legend();
      connect(st.id);
      showState();
    } catch (err) {
      if (err instanceof ApiError && err.fields && err.fields.length) {
        ed.showErrors(err.fields);
        form.querySelector('details').open = true; // the marks are in the editor
      }
      errors.show(err);
    } finally {
      startBtn.disabled = false;
    }
  }

  function connect(id) {
    source = new EventSource(`/api/v1/live/${id}/events`);
    source.addEventListener('update', (e) => receive(JSON.parse(e.data)));
    source.addEventListener('end', (e) => { receive(JSON.parse(e.data)); if (source) source.close(); });
    source.onerror = () => {
      if (source && source.readyState === EventSource.CLOSED) errors.show(new Error('The live stream closed.'));
    };
  }

  function receive(u) {
    if (!session || u.state.id !== session.id) return;
    session = u.state;
    // The first event of a connection (a reconnection too) carries the
    // header and the rows kept so far: they replace what the page has.
    if (u.header) { header = u.header; rows.clear(); }
    for (const r of u.rows || []) {
      if (!rows.has(r.group)) rows.set(r.group, []);
      const rs = rows.get(r.group);
      rs.push(r);
      // A long session: keep every other row of the older half (the
      // charts show at most 400 points a series anyway).
      if (rs.length > MAX_ROWS) rows.set(r.group, rs.filter((_, i) => i >= rs.length / 2 || i % 2 === 0));
    }
    if (u.agents) {
      const a = u.agents;
      frames++;
      frame = { step: a.step, trait: bytes(a.trait), belief: bytes(a.belief), act: bytes(a.act), payoff: bytes(a.payoff), payoff_min: a.payoff_min, payoff_max: a.payoff_max };
      dirty = true;
      if (colourSel.value() === 'payoff') legend();
    }
    showState();
    if ((u.rows || []).length) chartsSoon();
    if (agentId >= 0 && (u.rows || []).length) agentSoon();
  }

  function showState() {
    if (!session) return;
    const s = session;
    stepOut.textContent = `Step ${s.step.toLocaleString('en')} of ${s.steps.toLocaleString('en')}${s.status === 'done' ? ' (done)' : ''}`;
    stepOut.dataset.step = s.step;
    stepOut.dataset.status = s.status;
    playBtn.textContent = s.status === 'playing' ? 'Pause' : 'Play';
    playBtn.dataset.action = s.status === 'playing' ? 'pause' : 'play';
    playBtn.disabled = s.status === 'done' || s.status === 'stopped';
    stepBtn.disabled = s.status === 'done' || s.status === 'stopped';
    rateOut.textContent = s.status === 'playing' && s.interactions_per_second > 0
      ? `The engine: ${rate(s.interactions_per_second)} interactions a second (${num(s.step_seconds * 1e3, 1)} ms a step, ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${s.kernel} kernel), ${s.agents.toLocaleString('en')} agents.`
      : `${s.agents.toLocaleString('en')} agents, ${s.kernel} kernel; ${s.status}.`;
    rateOut.dataset.rate = s.interactions_per_second || 0;
  }

  async function control(action) {
    if (!session) return;
    const body = { action };
    if (action === 'play' || action === 'speed') body.speed = Number(speedSel.value());
    try {
      const st = await post(`/api/v1/live/${session.id}/control`, body);
      if (session && st.id === session.id) {
        // The stream may be ahead: keep the newer step.
        if (st.step >= session.step) session = { ...session, ...st };
        else session = { ...session, status: st.status, speed: st.speed };
        showState();
      }
    } catch (err) { errors.show(err); }
  }

  // Charts: redrawn at most three times a second, each series decimated
  // to at most 400 points.
  let chartTimer = 0;
  function chartsSoon() {
    if (chartTimer) return;
    chartTimer = setTimeout(() => { chartTimer = 0; drawCharts(); }, 330);
  }
  function series(group, col, name, extra = {}) {
    const k = header.indexOf(col) - 2;
    const rs = rows.get(group) || [];
    const every = Math.max(1, Math.ceil(rs.length / 400));
    const pts = [];
    for (let i = 0; i < rs.length; i += every) pts.push([rs[i].step, rs[i].values[k]]);
    if (rs.length && (rs.length - 1) % every) pts.push([rs[rs.length - 1].step, rs[rs.length - 1].values[k]]);
    return { name, points: pts, ...extra };
  }
  function drawCharts() {
    if (gone || !session || !header.length) return;
    const group = rows.has('all') ? 'all' : [...rows.keys()][0];
    if (!group) return;
    const w = Math.max(300, Math.min(560, (chartsBox.clientWidth || 900) / 2 - 16));
    const xs = { label: 'step', integer: true, min: 0, max: Math.max(1, session.step) };
    const hasControl = (rows.get(group) || []).some((r) => r.values[header.indexOf('control_rate') - 2] > 0);
    const rates = [
      series(group, 'trust_rate', 'trust rate', { cls: 's0', markers: true, markEvery: 40 }),
      series(group, 'honour_rate', 'honoured (of engaged)', { cls: 's2', dash: true }),
      series(group, 'distrust_rate', 'declined', { cls: 's1', dash: true, wide: true }),
    ];
    if (hasControl) rates.push(series(group, 'control_rate', 'control rate', { cls: 's3' }));
    const charts = [
      lineChart({ title: 'Trust, honour and distrust', desc: 'Shares of the acting agents per step', width: w, x: xs, y: { label: 'share of agents', min: 0, max: 1 }, series: rates, heading: true }),
      lineChart({ title: 'Belief and trait', desc: 'Mean belief about the partner met, mean trait, calibration error', width: w, x: xs, y: { label: 'mean', min: 0, max: 1 }, heading: true,
        series: [series(group, 'mean_belief', 'mean belief p', { cls: 's0' }), series(group, 'mean_trait', 'mean trait τ', { cls: 's1', dash: true }), series(group, 'calibration_error', 'calibration error |p − w|', { cls: 's2', dash: true, wide: true })] }),
      lineChart({ title: 'Payoff', desc: 'Mean payoff per agent per step', width: w, x: xs, y: { label: 'mean payoff' }, heading: true, legend: true,
        series: [series(group, 'mean_payoff', 'mean payoff', { cls: 's0' })] }),
    ];
    const groups = [...rows.keys()].filter((g) => g !== 'all');
    if (groups.length > 1) {
      const cls = ['s0', 's1', 's2', 's3'];
      charts.push(lineChart({ title: 'Trust rate by group', desc: 'Share of each group\'s acting agents that trusted, per step', width: w, x: xs, y: { label: 'trust rate', min: 0, max: 1 }, heading: true,
        series: groups.slice(0, 4).map((g, k) => series(g, 'trust_rate', g, { cls: cls[k], dash: k % 2 === 1, markers: k >= 2, markEvery: 30, shape: k === 3 ? 'square' : undefined })) }));
    }
    chartsBox.replaceChildren(...charts);
    chartsBox.dataset.rows = (rows.get(group) || []).length;
    chartsBox.dataset.lastStep = session.step;
  }

  // The canvas: sized to its box (device pixels), the edges rendered once
  // per size into an off-screen layer.
  let W = 0;
  let H = 0;
  let dpr = 1;
  let px = null; // positions in CSS pixels
  let py = null;
  let radius = 2;
  function resize() {
    if (!graph) return;
    const box = canvas.parentElement;
    const cw = Math.max(280, box.clientWidth);
    const ch = Math.round(Math.min(640, Math.max(300, cw * 0.72)));
    dpr = window.devicePixelRatio || 1;
    W = cw; H = ch;
    canvas.width = Math.round(cw * dpr);
    canvas.height = Math.round(ch * dpr);
    canvas.style.width = `${cw}px`;
    canvas.style.height = `${ch}px`;
    const n = graph.ids.length;
    const side = Math.min(cw, ch);
    const ox = (cw - side) / 2;
    const oy = (ch - side) / 2;
    px = new Float32Array(n);
    py = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      px[k] = ox + (graph.x[k] / 65535) * side;
      py[k] = oy + (graph.y[k] / 65535) * side;
    }
    radius = Math.max(1.2, Math.min(6, 0.42 * side / Math.sqrt(n)));
    edgesLayer = document.createElement('canvas');
    edgesLayer.width = canvas.width;
    edgesLayer.height = canvas.height;
    const g = edgesLayer.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, cw, ch);
    g.strokeStyle = n > 3000 ? 'rgba(120,135,150,0.22)' : 'rgba(120,135,150,0.45)';
    g.lineWidth = n > 3000 ? 0.5 : 0.8;
    g.beginPath();
    const e = graph.edges;
    for (let i = 0; i + 1 < e.length; i += 2) {
      g.moveTo(px[e[i]], py[e[i]]);
      g.lineTo(px[e[i + 1]], py[e[i + 1]]);
    }
    g.stroke();
    dirty = true;
  }

  // bucket returns the colour index of sampled agent k, or -1 for no value.
  function colourOf(by) {
    if (!frame) return { count: 1, colours: [NO_VALUE], of: () => 0 };
    if (by === 'act') return { count: ACTS.length, colours: ACTS.map((a) => a[2]), of: (k) => frame.act[k] };
    if (by === 'group') return { count: GROUP_COLOURS.length, colours: GROUP_COLOURS, of: (k) => graph.group[k] % GROUP_COLOURS.length };
    const arr = frame[by];
    return {
      count: BUCKETS + 1, colours: [...SCALE, NO_VALUE],
      of: (k) => (arr[k] === 255 ? BUCKETS : Math.min(BUCKETS - 1, Math.floor((arr[k] / 254) * BUCKETS))),
    };
  }

  const bucketCount = new Int32Array(64);
  let order = null; // sample indices sorted by colour
  let idx = null; // each sampled agent's colour
  function draw() {
    raf = requestAnimationFrame(draw);
    if (!graph || !edgesLayer) return;
    const playing = session && session.status === 'playing';
    if (!dirty && !playing) return;
    dirty = false;
    draws++;
    const ctx = canvas.getContext('2d', { alpha: false });
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(edgesLayer, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const n = graph.ids.length;
    const c = colourOf(colourSel.value());
    // Counting sort by colour: one fillStyle per colour.
    bucketCount.fill(0);
    if (!idx || idx.length !== n) idx = new Uint8Array(n);
    for (let k = 0; k < n; k++) { const b = c.of(k); idx[k] = b; bucketCount[b + 1]++; }
    for (let b = 1; b <= c.count; b++) bucketCount[b] += bucketCount[b - 1];
    if (!order || order.length !== n) order = new Int32Array(n);
    for (let k = 0; k < n; k++) order[bucketCount[idx[k]]++] = k;
    const r = radius;
    const d = 2 * r;
    let k0 = 0;
    for (let b = 0; b < c.count; b++) {
      const end = bucketCount[b];
      if (end > k0) {
        ctx.fillStyle = c.colours[b];
        for (let j = k0; j < end; j++) { const k = order[j]; ctx.fillRect(px[k] - r, py[k] - r, d, d); }
      }
      k0 = end;
    }
    if (selected >= 0) {
      ctx.strokeStyle = '#b35900';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (const l of selectedPartners) { ctx.moveTo(px[selected], py[selected]); ctx.lineTo(px[l], py[l]); }
      ctx.stroke();
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.arc(px[selected], py[selected], r + 5, 0, 2 * Math.PI);
      ctx.stroke();
    }
    canvas.dataset.step = frame ? frame.step : 0;
    canvas.dataset.colour = colourSel.value();
  }
  raf = requestAnimationFrame(draw);

  function legend() {
    const by = colourSel.value();
    const items = [];
    if (by === 'group') {
      const names = graph ? graph.groups : [];
      legendBox.replaceChildren(h('ul', { class: 'live-keys' }, names.map((g, k) => h('li', { 'data-group': g }, h('span', { class: 'swatch-box', dataset: { colour: GROUP_COLOURS[k % GROUP_COLOURS.length] } }), g))));
    } else if (by === 'act') {
      for (const [key, text, col] of ACTS) items.push(h('li', { 'data-act': key }, h('span', { class: 'swatch-box', dataset: { colour: col } }), text));
      legendBox.replaceChildren(h('p', { class: 'hint' }, 'What each agent did in the step shown: declined the encounter, trusted (and its partner honoured or betrayed it), or engaged under the control option.'), h('ul', { class: 'live-keys' }, items));
    } else {
      const lo = by === 'payoff' ? (frame ? num(frame.payoff_min, 2) : '–') : '0';
      const hi = by === 'payoff' ? (frame ? num(frame.payoff_max, 2) : '–') : '1';
      const what = { trait: 'trust trait τ: guarded (0) to trusting (1)', belief: 'mean belief p = a/(a+b) about its partners: expects betrayal (0) to expects honour (1)', payoff: 'cumulative payoff per step, the drawn agents\' lowest to highest' }[by];
      const ramp = h('span', { class: 'live-ramp' });
      legendBox.replaceChildren(h('p', { class: 'live-scale' }, h('span', {}, lo), ramp, h('span', {}, hi), h('span', { class: 'hint' }, ` ${what}`)),
        by === 'belief' ? h('p', { class: 'hint' }, h('span', { class: 'swatch-box', dataset: { colour: NO_VALUE } }), ' no partners, no belief') : null);
      ramp.style.backgroundImage = `linear-gradient(to right, ${VIRIDIS.join(', ')})`;
    }
    for (const s of legendBox.querySelectorAll('.swatch-box')) s.style.background = s.dataset.colour;
  }
  legend();

  // Clicking: the nearest drawn agent within a few pixels.
  canvas.addEventListener('click', (e) => {
    if (!graph || !px) return;
    const rect = canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    let best = -1;
    let bd = (radius + 4) ** 2;
    for (let k = 0; k < px.length; k++) {
      const d = (px[k] - x) ** 2 + (py[k] - y) ** 2;
      if (d <= bd) { bd = d; best = k; }
    }
    if (best >= 0) showAgent(graph.ids[best], 0);
  });

  let agentTimer = 0;
  let agentAt = 0;
  function agentSoon() {
    if (agentTimer) return;
    const wait = Math.max(0, 1000 - (performance.now() - agentAt));
    agentTimer = setTimeout(() => { agentTimer = 0; showAgent(agentId, partnerIdx, true); }, wait);
  }

  async function showAgent(id, partner, refresh = false) {
    if (!session) return;
    agentId = id;
    partnerIdx = partner;
    agentAt = performance.now();
    let v;
    try {
      v = await get(`/api/v1/live/${session.id}/agents/${id}?partner=${partner}`);
    } catch (err) {
      agentBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.message));
      return;
    }
    if (gone || agentId !== id) return;
    selected = v.sample;
    selectedPartners = [];
    if (graph && v.sample >= 0) {
      const index = new Map(graph.ids.map((a, k) => [a, k]));
      for (const p of v.partners) if (index.has(p.id)) selectedPartners.push(index.get(p.id));
    }
    dirty = true;
    const d = v.decision;
    const pid = `live-partner-${id}`;
    const partnerSel = h('select', { id: pid, name: 'partner' },
      v.partners.map((p, k) => h('option', { value: k, selected: k === v.partner }, `agent ${p.id}: p ${num(p.p, 2)}, ${p.trusts} trust${p.trusts === 1 ? '' : 's'}`)));
    partnerSel.addEventListener('change', () => showAgent(id, Number(partnerSel.value)));
    const dl = (pairs) => h('dl', { class: 'readout' }, pairs.flatMap(([k, val, key]) => [h('dt', {}, k), h('dd', { 'data-value': key }, val)]));
    const p = v.partners[v.partner];
    agentBox.replaceChildren(
      h('h3', { 'data-agent': v.id, 'data-step': v.step }, `Agent ${v.id}`, h('span', { class: 'hint' }, ` · ${v.group}, ${v.behaviour} · after step ${v.step}${v.sample < 0 ? ' · not drawn' : ''}`)),
      dl([
        ['trust trait τ', num(v.trait, 3), 'trait'],
        ['trustworthiness w', num(v.trustworthiness, 3), 'trustworthiness'],
        ['mean belief p', v.belief === null ? '–' : num(v.belief, 3), 'belief'],
        ['payoff', `${num(v.payoff, 2)} (${num(v.mean_payoff, 3)} a step)`, 'payoff'],
        ['trusts given', String(v.trusts_given), 'trusts_given'],
        ['controls', String(v.controls), 'controls'],
        ['betrayals', String(v.betrayals), 'betrayals'],
      ]),
      v.partners.length ? h('div', { class: 'field' }, h('label', { for: pid }, `Its belief about a partner (${v.partners_total} partner${v.partners_total === 1 ? '' : 's'}${v.partners_total > v.partners.length ? `, the first ${v.partners.length} listed` : ''})`), partnerSel) : h('p', {}, 'This agent has no partners.'),
      p ? h('p', { class: 'hint', 'data-testid': 'belief' }, `Beta(${num(p.a, 2)}, ${num(p.b, 2)}): p ${num(p.p, 3)} on evidence n ${num(p.a + p.b, 2)}; trusted it ${p.trusts} time${p.trusts === 1 ? '' : 's'}.`) : null,
      d ? h('div', { class: 'pyramid-box', 'data-testid': 'agent-pyramid' }, pyramid(d)) : null,
      d ? h('p', { class: 'live-summary' }, `Balance ${signed(d.balance)}: ${KIND_TEXT[d.kind] || d.kind}.`) : null);
    if (!refresh) agentBox.querySelector('h3').scrollIntoView({ block: 'nearest' });
  }

  const stopResize = onResize(canvas.parentElement, () => { resize(); drawCharts(); });
  const onHide = () => { stop(); };
  window.addEventListener('pagehide', onHide);
  // For the browser test: frames drawn, and where a sampled agent is.
  window.trustlabLive = {
    get draws() { return draws; },
    get frames() { return frames; },
    get session() { return session; },
    point(k) { const r = canvas.getBoundingClientRect(); return { x: r.left + px[k], y: r.top + py[k] }; },
    get graph() { return graph; },
  };
  return () => {
    gone = true;
    cancelAnimationFrame(raf);
    clearTimeout(chartTimer);
    clearTimeout(agentTimer);
    stopResize();
    window.removeEventListener('pagehide', onHide);
    delete window.trustlabLive;
    stop();
  };
}
