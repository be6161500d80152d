// Two simulation runs side by side: their per-step measures overlaid in
// one chart each (run A solid, run B dashed), and a table of the final
// measures of both with their difference. The numbers are the server's:
// the runs' steps.csv (the last step's row of all agents) and manifests.

import { h, num } from './dom.js';
import { get, getText, post } from './api.js';
import { select } from './controls.js';
import { parseCSV, value } from './csv.js';
import { lineChart } from './chart.js';
import { watch, progressBar } from './jobs.js';
import { navigate } from './app.js';

// The measures compared: steps.csv column, label, unit.
const MEASURES = [
  ['trust_rate', 'Trust rate', 'share of agents who trusted'],
  ['honour_rate', 'Honoured', 'share of engagements honoured'],
  ['mean_payoff', 'Payoff per agent', 'payoff per agent per step'],
  ['distrust_rate', 'Distrust rate', 'share of agents who declined'],
  ['control_rate', 'Control rate', 'share of agents who paid for a safeguard'],
  ['calibration_error', 'Calibration error', 'mean |belief − trustworthiness|'],
  ['mean_belief', 'Mean belief', 'mean p about the partner met'],
  ['sent_fraction', 'Sent fraction', 'mean amount sent / endowment'],
];

const nameOf = (j) => (j.manifest && j.manifest.scenario && j.manifest.scenario.name) || j.id;

/**
 * comparePanel returns the panel of the runs page that chooses two
 * finished runs, or two examples to run, and opens their comparison.
 */
export function comparePanel() {
  const a = select({ name: 'compare-a', label: 'Run A', value: '', options: [['', 'Loading…']] });
  const b = select({ name: 'compare-b', label: 'Run B', value: '', options: [['', 'Loading…']] });
  const msg = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const go = h('button', { type: 'button', 'data-action': 'compare' }, 'Compare side by side');
  go.addEventListener('click', () => {
    if (!a.value() || !b.value()) { msg.textContent = 'Choose two finished runs.'; return; }
    if (a.value() === b.value()) { msg.textContent = 'Choose two different runs.'; return; }
    navigate(`/runs/compare?a=${encodeURIComponent(a.value())}&b=${encodeURIComponent(b.value())}`);
  });
  const exA = select({ name: 'example-a', label: 'Example A', value: '', options: [['', 'Loading…']] });
  const exB = select({ name: 'example-b', label: 'Example B', value: '', options: [['', 'Loading…']] });
  let examples = [];
  const runBoth = h('button', { type: 'button', class: 'secondary', 'data-action': 'run-two' }, 'Run both and compare');
  runBoth.addEventListener('click', async () => {
    const ea = examples.find((e) => e.name === exA.value());
    const eb = examples.find((e) => e.name === exB.value());
    if (!ea || !eb) { msg.textContent = 'Choose two examples.'; return; }
    runBoth.disabled = true;
    msg.textContent = 'Submitting both runs…';
    try {
      const [ja, jb] = await Promise.all([post('/api/v1/runs', { scenario: ea.text }), post('/api/v1/runs', { scenario: eb.text })]);
      navigate(`/runs/compare?a=${ja.id}&b=${jb.id}`);
    } catch (err) {
      msg.textContent = `The server did not accept them: ${err.message}`;
      runBoth.disabled = false;
    }
  });
  const el = h('section', { class: 'panel', 'aria-labelledby': 'compare-h', 'data-testid': 'compare-panel' },
    h('h2', { id: 'compare-h' }, 'Compare two runs'),
    h('p', { class: 'hint' }, 'Their measures step by step in one chart each, and their final measures with the difference.'),
    h('div', { class: 'field-row' }, a.el, b.el, go),
    h('div', { class: 'field-row' }, exA.el, exB.el, runBoth),
    msg);
  const fill = async () => {
    const [runs, ex] = await Promise.all([get('/api/v1/runs'), get('/api/v1/examples')]);
    const done = (runs.runs || []).filter((j) => j.status === 'done');
    for (const [s, i] of [[a, 1], [b, 0]]) {
      const cur = s.value();
      s.input.replaceChildren(h('option', { value: '' }, done.length ? 'Choose a run…' : 'No finished runs yet'),
        ...done.map((j) => h('option', { value: j.id, selected: j.id === cur }, `${nameOf(j)} (${j.id})`)));
      if (!cur && done.length > 1) s.input.value = done[i].id; // the two newest, older first
    }
    examples = ex.scenarios || [];
    for (const s of [exA, exB]) {
      s.input.replaceChildren(h('option', { value: '' }, 'Choose an example…'), ...examples.map((e) => h('option', { value: e.name }, e.name)));
    }
  };
  fill().catch((err) => { msg.textContent = `Cannot list the runs: ${err.message}`; });
  return el;
}

/** mountCompare shows the comparison of the runs ?a= and ?b= of the URL. */
export function mountCompare(main) {
  const q = new URLSearchParams(location.search);
  const ids = [q.get('a') || '', q.get('b') || ''];
  const bars = ids.map((rid, i) => progressBar(`Progress of run ${'AB'[i]}`));
  const body = h('div', { class: 'run-body', 'data-testid': 'comparison-body' });
  main.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '/runs' }, '← All simulations')),
    h('h1', {}, 'Two runs side by side'),
    h('section', { class: 'panel', 'aria-label': 'Status' },
      ids.map((rid, i) => h('div', {}, h('p', {}, h('strong', {}, `Run ${'AB'[i]}: `), h('a', { href: `/runs/${rid}` }, rid)), bars[i].el))),
    body);
  if (!ids.every((x) => /^[A-Za-z0-9_-]+$/.test(x))) {
    body.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, 'Give two runs: /runs/compare?a=ID&b=ID.')));
    return null;
  }
  const jobs = [null, null];
  let shown = false;
  const stops = ids.map((rid, i) => watch('runs', rid, (j) => {
    bars[i].set(j);
    jobs[i] = j;
    if (j.status === 'failed' || j.status === 'cancelled') {
      body.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, `Run ${'AB'[i]} ${j.status}: ${j.error || 'no reason given'}`)));
    }
    if (!shown && jobs.every((x) => x && x.status === 'done')) {
      shown = true;
      showComparison(body, jobs).catch((err) => body.append(h('p', { class: 'error', role: 'alert' }, `Cannot compare: ${err.message}`)));
    }
  }, (err) => {
    body.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, err.status === 404 ? `There is no run ${rid}.` : err.message)));
  }));
  return () => stops.forEach((s) => s());
}

/** allRows returns the rows of group "all" of a steps.csv. */
function allRows(text) {
  const t = parseCSV(text);
  return t.rows.filter((r) => r.group === 'all');
}

async function showComparison(body, jobs) {
  const steps = await Promise.all(jobs.map((j) => getText(`/api/v1/runs/${j.id}/steps.csv`)));
  const rows = steps.map(allRows);
  const names = jobs.map((j, i) => `${'AB'[i]}: ${nameOf(j)}`);
  const measures = MEASURES.filter(([col]) => rows.some((rs) => rs.some((r) => value(r[col]) !== null)));
  const width = Math.min(560, Math.max(300, ((body.clientWidth || 1100) - 40) / 2));
  const charts = measures.map(([col, label, unit]) => lineChart({
    width, heading: true, legend: true,
    title: label,
    desc: `${label} (${unit}) at every step of run A (solid) and run B (dashed).`,
    x: { label: 'step', short: 'step', integer: true },
    y: { label, short: label, ...(col.endsWith('_rate') || col.endsWith('_fraction') || col === 'mean_belief' ? { min: 0, max: 1 } : {}) },
    series: rows.map((rs, i) => ({ name: names[i], points: rs.map((r) => [value(r.step), value(r[col])]).filter((p) => p[1] !== null), cls: `s${i}`, dash: i === 1 })),
  }));
  for (const [k, c] of charts.entries()) c.dataset.measure = measures[k][0];

  const last = rows.map((rs) => rs[rs.length - 1] || {});
  const finals = [
    ...measures.map(([col, label]) => [label + ' (last step)', last.map((r) => value(r[col]))]),
    ['Cumulative payoff per agent', jobs.map((j) => (j.manifest.final || {}).mean_payoff ?? null)],
    ['Mean |belief − truth| at the end', jobs.map((j) => (j.manifest.final || {}).mean_abs_belief_error ?? null)],
    ['Steps', jobs.map((j) => j.manifest.steps_done ?? null)],
    ['Agents', jobs.map((j) => j.manifest.agents ?? null)],
  ];
  const fmt = (x) => (x === null || x === undefined ? '–' : Number.isInteger(x) && Math.abs(x) > 1 ? String(x) : num(x, 3));
  const diff = (a, b) => (a === null || b === null || a === undefined || b === undefined ? null : b - a);
  const table = h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'final-diff' },
    h('caption', {}, 'Final measures: run A, run B and B − A'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'text' }, 'measure'), h('th', { scope: 'col' }, names[0]), h('th', { scope: 'col' }, names[1]), h('th', { scope: 'col' }, 'B − A'))),
    h('tbody', {}, finals.map(([label, [x, y]]) => h('tr', { 'data-measure': label },
      h('th', { scope: 'row', class: 'text' }, label), h('td', {}, fmt(x)), h('td', {}, fmt(y)),
      h('td', { class: 'diff' }, diff(x, y) === null ? '–' : (diff(x, y) > 0 ? '+' : diff(x, y) < 0 ? '−' : '') + fmt(Math.abs(diff(x, y)))))))));
  body.replaceChildren(
    h('section', { class: 'panel', 'aria-labelledby': 'diff-h' }, h('h2', { id: 'diff-h' }, 'Final measures'), table),
    h('section', { class: 'panel', 'aria-labelledby': 'over-h' }, h('h2', { id: 'over-h' }, 'Step by step, overlaid'),
      h('p', { class: 'hint' }, `${names[0]} solid, ${names[1]} dashed; every agent (group "all" of steps.csv).`),
      h('div', { class: 'compare-charts', 'data-testid': 'compare-charts' }, charts)));
}
