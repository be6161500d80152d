// Sweeps: launch a parameter sweep (an example from examples/sweeps, or a
// sweep file written here) on the server, follow its progress, and see its
// summary: each end-of-run metric's plots (the server's report) and its
// table of means with 95% intervals per cell (summary.csv).

import { h, num, when, duration } from './dom.js';
import { getText } from './api.js';
import { select } from './controls.js';
import { parseCSV, value } from './csv.js';
import { followJob, jobForm, jobsPage, fileLinks, submitJob, draftEditor, serverCheck, examplePicker } from './jobs.js';
import { navigate } from './app.js';

const DRAFT = 'trustlab.sweep.draft';

const STARTER = `# A small sweep: how much does trust fall as the loss grows, under
# two feedback regimes? (docs/sweeps.md)
name: loss-and-feedback
seed: 1
replications: 3
base:
  steps: 40
  population: {size: 300, trait: 0.5, trustworthiness: 0.8}
  network: {kind: k-out, k: 4}
  situation: {game: binary, gain: 1, loss: 1}
axes:
  situation.loss: [0.5, 1, 2]
  feedback: [own, full]
`;

/** mount shows the sweep list and form, or one sweep. */
export function mount(main, sweepId) {
  if (!sweepId) return mountList(main);
  return followJob(main, 'sweeps', sweepId, {
    noun: 'Sweep', back: '← All sweeps', navigate, ended: ['failed', 'cancelled'],
    update: (j, title) => { if (j.status === 'done') title.textContent = `Sweep ${sweepId}: ${j.manifest.name}`; },
    show: (body, j, signal) => showSweep(body, sweepId, j, signal),
  });
}

function mountList(main) {
  const ed = draftEditor({
    label: 'Sweep file (YAML)', name: 'sweep',
    hint: 'A base scenario (inline, under base:), axes of values for its parameters, replications (docs/sweeps.md). Errors are marked at their line.',
  }, DRAFT, STARTER);
  // The server checks the sweep (every cell) as it is edited, as it would
  // a submitted one, and creates nothing.
  const checkLine = h('p', { class: 'hint check-line', 'aria-live': 'polite', 'data-testid': 'check-status' });
  const { check, stop } = serverCheck(ed, checkLine, '/api/v1/sweeps/check', 'sweep',
    ({ size }) => `The server's check accepts this sweep (its largest run: ${size.Agents} agents, ${size.Steps} steps).`);
  const setText = ed.set;
  ed.set = (text) => { setText(text); check(); };
  const status = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const picker = examplePicker({ name: 'sweep-example', label: 'Example sweep', list: 'sweeps', ed, key: DRAFT, status });
  const submit = h('button', { type: 'submit', 'data-action': 'sweep' }, 'Run the sweep on the server');
  const form = jobForm('sweep', 'New sweep', async () => {
    submit.disabled = true;
    ed.clearErrors();
    status.textContent = 'Checking every cell and submitting…';
    await submitJob('sweeps', { sweep: ed.value() }, { ed, button: submit, status, what: 'The sweep', go: navigate });
  },
  picker.el,
  picker.info, ed.el, checkLine,
  h('div', { class: 'buttons' }, submit),
  status);

  const stopList = jobsPage(main, 'sweeps', {
    heading: 'Sweeps',
    lede: 'Run a scenario over every combination of values of some of its parameters, each several times with its own seed, and see every measure against every parameter. The results depend on the sweep\'s seed only.',
    form, past: 'Past sweeps',
    describe: (j) => (j.manifest ? `${j.manifest.name}: ${j.manifest.cells} cells × ${j.manifest.replications}` : '–'),
  });
  check();
  return () => { stopList(); stop(); };
}

const FILE_TEXT = {
  'summary.csv': 'mean, SD and 95% interval of every metric per cell',
  'runs.csv': 'every run\'s end-of-run metrics',
  'steps.csv': 'every run\'s metrics per step',
  'sweep.json': 'the resolved sweep and its hash',
  'manifest.json': 'axes, cells, runs, metrics, files',
  'index.html': 'the sweep\'s report page',
};

async function showSweep(body, sweepId, j, signal) {
  const base = `/api/v1/sweeps/${sweepId}`;
  const m = j.manifest;
  const sum = parseCSV(await getText(`${base}/summary.csv`, signal));
  const axes = m.axes || [];
  const metrics = (m.metrics || []).filter((k) => sum.rows.some((r) => r.metric === k && value(r.mean) !== null));
  const facts = [
    ['Sweep', m.name], ['Cells', m.cells], ['Replications per cell', m.replications], ['Runs', m.runs], ['Seed', m.seed],
    ...axes.map((a) => [`Axis ${a.name}`, a.values.join(', ')]),
    ['Run time', m.seconds !== undefined ? duration(m.seconds) : undefined], ['Finished', when(j.finished_at)], ['trustlab', m.trustlab],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  const metricSel = select({ name: 'metric', label: 'Measure', value: metrics.includes('trust_rate') ? 'trust_rate' : metrics[0], options: metrics.map((k) => [k, k]) });
  const view = h('div', { 'data-testid': 'sweep-summary' });
  const show = () => {
    const k = metricSel.value();
    const plots = (m.files || []).filter((f) => f.startsWith(`plots/${k}-`) && f.endsWith('.svg'));
    const rows = sum.rows.filter((r) => r.metric === k);
    view.replaceChildren(
      h('div', { class: 'plots', 'data-testid': 'sweep-plots' }, plots.map((f) => h('figure', { class: 'plot' },
        h('img', { src: `${base}/${f}`, alt: `${k}: ${f.slice(6, -4).replace(/-/g, ' ')} (the server's plot of the means with 95% intervals)` }),
        h('figcaption', {}, f.slice(6, -4))))),
      h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'sweep-table' },
        h('caption', {}, `${k}: mean over the replications of each cell, with its 95% interval`),
        h('thead', {}, h('tr', {}, axes.map((a) => h('th', { scope: 'col', class: 'text' }, a.name)),
          ['n', 'mean', 'sd', '95% interval'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.map((r) => h('tr', { 'data-cell': r.cell },
          axes.map((a) => h('td', { class: 'text' }, r[a.name])),
          h('td', {}, r.n), h('td', {}, num(value(r.mean), 3)), h('td', {}, num(value(r.sd), 3)),
          h('td', {}, value(r.ci_low) === null ? '–' : `${num(value(r.ci_low), 3)} – ${num(value(r.ci_high), 3)}`)))))));
  };
  metricSel.input.addEventListener('change', show);
  body.replaceChildren(
    h('section', { class: 'panel', 'aria-labelledby': 'ssum-h' }, h('h2', { id: 'ssum-h' }, 'Summary'),
      h('dl', { class: 'facts' }, facts.flatMap(([a, v]) => [h('dt', {}, a), h('dd', {}, String(v))]))),
    h('section', { class: 'panel', 'aria-labelledby': 'splot-h' }, h('h2', { id: 'splot-h' }, 'Each measure against the axes'),
      h('div', { class: 'field-row' }, metricSel.el), view),
    h('section', { class: 'panel', 'aria-labelledby': 'sfiles-h' }, h('h2', { id: 'sfiles-h' }, 'Files'),
      fileLinks('sweeps', sweepId, (m.files || []).filter((f) => !f.startsWith('plots/')), (f) => FILE_TEXT[f])));
  show();
}
