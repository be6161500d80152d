// Simulations: write or choose a scenario, run it on the server with live
// progress, and see its charts; browse past runs.

import { h, num, when, duration, rate } from './dom.js';
import { LIVE_SCENARIO } from './api.js';
import { builder } from './builder.js';
import { followJob, jobForm, jobsPage, fileLinks, submitJob, draftEditor, serverCheck, examplePicker } from './jobs.js';
import { navigate } from './app.js';
import { comparePanel, mountCompare } from './compare.js';

const STARTER = `# A small scenario: low-trait agents among trustworthy partners.
name: my-scenario
seed: 1
steps: 100
population:
  size: 500
  trait: {dist: uniform, min: 0.05, max: 0.25}
  trustworthiness: 0.95
network: {kind: k-out, k: 4}
situation: {game: binary, gain: 1, loss: 1}
feedback: own
`;

const DRAFT = 'trustlab.scenario.draft';

/** mount shows the run list and editor, or one run. */
export function mount(main, runId) {
  if (runId === 'compare') return mountCompare(main); // /runs/compare?a=ID&b=ID (run ids are hex)
  if (!runId) return mountList(main);
  return followJob(main, 'runs', runId, {
    noun: 'Run', back: '← All simulations', navigate,
    update: (j, title) => {
      const m = j.manifest;
      if (m && m.scenario && m.scenario.name) {
        title.textContent = `Run ${runId}: ${m.scenario.name}`;
        document.title = `${m.scenario.name} · Simulations · trustlab`;
      }
    },
    show: (body, j) => showRun(body, runId, j),
  });
}

function mountList(main) {
  const ed = draftEditor({
    label: 'Scenario (YAML)', name: 'scenario',
    hint: 'The format is in docs/simulation.md. Errors are marked at their line.',
  }, DRAFT, STARTER);
  const status = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const checkLine = h('p', { class: 'hint check-line', 'aria-live': 'polite', 'data-testid': 'check-status' });
  // The builder rewrites the text; the text moves the builder (debounced),
  // and the server checks the text as it changes.
  const b = builder(ed, (text) => {
    const { scrollTop, scrollLeft } = ed.textarea;
    ed.textarea.value = text;
    ed.textarea.scrollTop = scrollTop; ed.textarea.scrollLeft = scrollLeft;
    ed.textarea.dispatchEvent(new Event('input'));
    b.refresh(); // at once: a control may show or hide others (the control option's cost)
  });
  const { check } = serverCheck(ed, checkLine, '/api/v1/runs/check', 'scenario',
    () => 'The server\'s check accepts this scenario.', () => b.refresh());
  b.refresh();
  check();
  const picker = examplePicker({
    name: 'example', label: 'Example scenario', list: 'scenarios', ed, key: DRAFT, status,
    loaded: () => { b.refresh(); check(); },
    unavailable: (err) => `The examples could not be loaded (${err.message}); paste a scenario instead.`,
  });
  const runBtn = h('button', { type: 'submit', 'data-action': 'run' }, 'Run on the server');
  // The same scenario in the live view: the network drawn, live charts,
  // play, pause and step (a run here writes its files at the end).
  const liveBtn = h('button', {
    type: 'button', class: 'secondary', 'data-action': 'watch-live',
    onclick: () => { sessionStorage.setItem(LIVE_SCENARIO, ed.value()); navigate('/live'); },
  }, 'Watch it live');
  const form = jobForm('run', 'New run', async () => {
    runBtn.disabled = true;
    status.textContent = 'Submitting…';
    await submitJob('runs', { scenario: ed.value() }, { ed, button: runBtn, status, what: 'The scenario', go: navigate });
  },
  picker.el,
  picker.info,
  b.el,
  ed.el,
  checkLine,
  h('div', { class: 'buttons' }, runBtn, liveBtn),
  status);

  return jobsPage(main, 'runs', {
    heading: 'Simulations',
    lede: 'Run an agent-based scenario on the server: a population of trustors with traits, partners with a trustworthiness, a network and a situation. Choose an example or write your own; the run reports its progress and, when done, its charts and tidy CSV files.',
    form, past: 'Past runs', listAttrs: { 'aria-live': 'off' }, aside: comparePanel(),
    describe: (j) => (j.manifest && j.manifest.scenario && j.manifest.scenario.name) || '–',
  });
}

const FILE_TEXT = {
  'steps.csv': 'metrics per step (tidy CSV)',
  'agents.csv': 'one row per agent at the end',
  'manifest.json': 'seed, scenario, timings, files',
  'index.html': 'the run\'s report page',
};

function showRun(body, runId, j) {
  const m = j.manifest || {};
  const files = m.files || [];
  const svgs = files.filter((f) => f.endsWith('.svg'));
  const sc = m.scenario || {};
  const facts = [
    ['Scenario', sc.name], ['Agents', m.agents], ['Steps', `${m.steps_done} of ${m.steps}`], ['Seed', m.seed],
    ['Feedback', sc.feedback], ['Network', sc.network && sc.network.kind],
    ['Mean |belief − truth| at the end', m.final && num(m.final.mean_abs_belief_error)],
    ['Mean cumulative payoff per agent', m.final && num(m.final.mean_payoff)],
    ['Interactions', m.interactions && m.interactions.toLocaleString('en')],
    ['Run time', m.loop_seconds !== undefined && (m.interactions_per_second
      ? `${duration(m.loop_seconds)} (${rate(m.interactions_per_second)} interactions/s)` : duration(m.loop_seconds))],
    ['Started', when(j.started_at)], ['trustlab', m.trustlab],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  body.replaceChildren(
    h('section', { class: 'panel', 'aria-labelledby': 'sum-h' },
      h('h2', { id: 'sum-h' }, 'Summary'),
      h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]))),
    h('section', { class: 'panel', 'aria-labelledby': 'charts-h' },
      h('h2', { id: 'charts-h' }, 'Charts'),
      svgs.length ? h('div', { class: 'plots', 'data-testid': 'run-charts' }, svgs.map((f) => h('figure', { class: 'plot' },
        h('img', { src: `/api/v1/runs/${runId}/${f}`, alt: `Chart ${f.replace(/\.svg$/, '').replace(/-/g, ' ')} of run ${runId} (axis labels and units are in the image; the data are in steps.csv)`, loading: 'lazy' }),
        h('figcaption', {}, h('a', { href: `/api/v1/runs/${runId}/${f.replace(/\.svg$/, '.png')}`, download: f.replace(/\.svg$/, '.png') }, `${f.replace(/\.svg$/, '')} (PNG)`)))))
        : h('p', { class: 'hint' }, 'This run wrote no charts (outputs.plots is off).')),
    h('section', { class: 'panel', 'aria-labelledby': 'files-h' },
      h('h2', { id: 'files-h' }, 'Files'),
      fileLinks('runs', runId, files.filter((f) => !f.endsWith('.svg') && !f.endsWith('.png')), (f) => FILE_TEXT[f])),
    h('details', { class: 'panel' }, h('summary', {}, 'The scenario as the server resolved it'),
      h('pre', { class: 'code' }, JSON.stringify(sc, null, 2))));
}
