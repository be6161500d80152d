// Fits: upload a data set with its spec, fit the model on the server, and
// see the model comparison and each subject's estimates and predictions.

import { h, num, when, duration, est } from './dom.js';
import { get, getText, post } from './api.js';
import { editor } from './editor.js';
import { select } from './controls.js';
import { parseCSV, value } from './csv.js';
import { lineChart } from './chart.js';
import { followJob, jobForm, jobsPage, fileLinks } from './jobs.js';
import { navigate } from './app.js';
import { fitOptions } from './fitopts.js';
import { csvPreview } from './csvpreview.js';

/** mount shows the fit list and form, or one fit. */
export function mount(main, fitId) {
  if (!fitId) return mountList(main);
  return followJob(main, 'fits', fitId, {
    noun: 'Fit', back: '← All fits', navigate,
    show: (body, j, signal) => showFit(body, fitId, j, signal),
  });
}

function mountList(main) {
  const dataInput = h('input', { type: 'file', id: 'fit-data', name: 'data', accept: '.csv,text/csv', required: true, 'aria-describedby': 'fit-data-hint' });
  const specFile = h('input', { type: 'file', id: 'fit-spec-file', accept: '.yaml,.yml,text/yaml' });
  const ed = editor({ label: 'Data spec (YAML)', name: 'spec', short: true, value: '', hint: 'Which columns hold the subject, the amounts sent and returned, and the game (docs/data.md). Choose a shipped spec, load a file, or write one.' });
  let specs = [];
  const specSel = select({ name: 'spec-preset', label: 'Shipped data spec', value: '', options: [['', 'Loading…']] });
  specSel.input.addEventListener('change', () => {
    const s = specs.find((x) => x.name === specSel.value());
    if (s) ed.set(s.text);
  });
  specFile.addEventListener('change', async () => {
    const f = specFile.files[0];
    if (f) ed.set(await f.text());
  });
  const opts = fitOptions();
  const preview = csvPreview();
  let pending = 0;
  const refreshPreview = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      try {
        opts.setColumns(await preview.update(dataInput.files[0], ed.value()));
      } catch { /* an unreadable file: the server says why on submit */ }
    }, 150);
  };
  dataInput.addEventListener('change', refreshPreview);
  ed.textarea.addEventListener('input', refreshPreview);
  const setSpec = ed.set;
  ed.set = (text) => { setSpec(text); refreshPreview(); };
  const status = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const errBox = h('div', { class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', 'data-action': 'fit' }, 'Fit on the server');
  const form = jobForm('fit', 'New fit', async () => {
    errBox.hidden = true;
    ed.clearErrors();
    opts.clearErrors();
    if (!dataInput.files[0]) { status.textContent = 'Choose a data file (CSV) first.'; dataInput.focus(); return; }
    if (!ed.value().trim()) { status.textContent = 'Give a data spec first.'; ed.textarea.focus(); return; }
    const fd = new FormData();
    fd.append('data', dataInput.files[0], dataInput.files[0].name);
    fd.append('spec', new Blob([ed.value()], { type: 'text/yaml' }), 'spec.yaml');
    fd.append('options', JSON.stringify(opts.settings()));
    const { questionnaire, key } = opts.files();
    if (questionnaire) fd.append('questionnaire', questionnaire, questionnaire.name);
    if (key) fd.append('key', key, key.name);
    submit.disabled = true;
    status.textContent = 'Uploading…';
    try {
      const body = await post('/api/v1/fits', fd);
      navigate(`/fits/${body.id}`);
    } catch (err) {
      // Each problem goes where it is: the spec's at their lines in the
      // editor, the options' next to their controls; only the rest (or
      // an error without fields) is an alert.
      const fields = err.fields || [];
      const inSpec = (f) => f.file === 'spec.yaml' || f.field === 'spec';
      const specMsgs = fields.filter(inSpec).map((f) => (f.file ? f : f.message.replace(/^spec: /, '')));
      if (specMsgs.length) ed.showErrors(specMsgs);
      const rest = opts.showErrors(fields.filter((f) => !inSpec(f)));
      const placed = fields.length - rest.length;
      if (rest.length || !fields.length) {
        errBox.replaceChildren(h('p', {}, h('strong', {}, 'The server did not accept this: '), rest.length ? '' : err.message),
          rest.length ? h('ul', {}, rest.map((f) => h('li', {}, f.message + (f.range && !f.message.includes(f.range) ? ` (allowed: ${f.range})` : '')))) : '');
        errBox.hidden = false;
      }
      const inOpts = placed - specMsgs.length;
      status.textContent = !placed ? '' : `Not submitted: ${[
        specMsgs.length ? 'the spec\'s problems are marked at their lines' : '',
        inOpts ? 'the options\' problems are shown next to them' : '',
      ].filter(Boolean).join('; ')}.`;
      submit.disabled = false;
    }
  },
  h('div', { class: 'field' }, h('label', { for: 'fit-data' }, 'Data set (CSV)'), dataInput,
    h('p', { class: 'hint', id: 'fit-data-hint' }, 'One row per decision, as the spec describes. It is uploaded to this server only.')),
  h('div', { class: 'field-row' }, specSel.el,
    h('div', { class: 'field' }, h('label', { for: 'fit-spec-file' }, 'or a spec file'), specFile)),
  ed.el,
  preview.el,
  opts.el,
  h('div', { class: 'buttons' }, submit),
  status, errBox);

  get('/api/v1/examples').then((d) => {
    specs = d.specs || [];
    specSel.input.replaceChildren(h('option', { value: '' }, 'Choose a spec…'), ...specs.map((s) => h('option', { value: s.name }, s.name)));
  }).catch(() => specSel.input.replaceChildren(h('option', { value: '' }, 'Unavailable')));
  return jobsPage(main, 'fits', {
    heading: 'Fits',
    lede: 'Fit the pyramid model to trust-game data, subject by subject, and compare it with its nested variants (no asymmetry, no risk weight, no trait, no learning) and a baseline by AIC, BIC and held-out log-likelihood.',
    form, past: 'Past fits',
    describe: (j) => {
      const m = j.manifest || {};
      if (!m.subjects) return '–';
      return `${m.subjects} subjects, ${m.trials} trials${m.split ? `, split by ${m.split} (${(m.levels || []).length} levels)` : ''}`;
    },
  });
}

const FILE_TEXT = {
  'subjects.csv': 'estimates per subject and model, with standard errors and warnings',
  'comparison.csv': 'the model comparison',
  'predictions.csv': 'observed and predicted choices per trial',
  'manifest.json': 'data and spec hashes, options, timings',
  'index.html': 'the fit\'s report page',
};

async function showFit(body, fitId, j, signal) {
  const m = j.manifest || {};
  if (m.split && (m.levels || []).length) return showSplit(body, fitId, j, signal);
  const base = `/api/v1/fits/${fitId}`;
  const [cmpText, subjText, predText, report] = await Promise.all([
    getText(`${base}/comparison.csv`, signal), getText(`${base}/subjects.csv`, signal),
    getText(`${base}/predictions.csv`, signal).catch(() => ''), getText(`${base}/index.html`, signal).catch(() => ''),
  ]);
  const cmp = parseCSV(cmpText);
  const subj = parseCSV(subjText);
  const pred = predText ? parseCSV(predText) : { header: [], rows: [] };

  const facts = [
    ['Subjects fitted', m.fits], ['Subjects in the data', m.subjects], ['Trials', m.trials], ['Missed trials skipped', m.missed],
    ['Models', (m.models || []).join(', ')], ['Pooling', m.pool], ['Restarts', m.restarts], ['Seed', m.seed],
    ['Run time', m.seconds !== undefined ? duration(m.seconds) : undefined], ['Submitted', when(j.created_at)], ['trustlab', m.version],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');

  body.replaceChildren(
    h('section', { class: 'panel', 'aria-labelledby': 'fsum-h' }, h('h2', { id: 'fsum-h' }, 'Summary'),
      h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]))),
    comparisonTable(cmp),
    subjectsSection(subj, pred),
    reportFigures(report, base),
    h('section', { class: 'panel', 'aria-labelledby': 'ffiles-h' }, h('h2', { id: 'ffiles-h' }, 'Files'),
      fileLinks('fits', fitId, [...(m.outputs || ['subjects.csv', 'comparison.csv', 'index.html']), 'manifest.json'], (f) => FILE_TEXT[f])));
}

/**
 * showSplit shows a fit split by a column: the levels side by side (each
 * one's model comparison and charts), then one subject of a chosen level.
 */
async function showSplit(body, fitId, j, signal) {
  const base = `/api/v1/fits/${fitId}`;
  const m = j.manifest;
  const [cmpText, subjText] = await Promise.all([getText(`${base}/comparison.csv`, signal), getText(`${base}/subjects.csv`, signal)]);
  const cmp = parseCSV(cmpText);
  const subj = parseCSV(subjText);
  const reports = await Promise.all(m.levels.map((lv) => getText(`${base}/${lv.folder}/index.html`, signal).catch(() => '')));
  const facts = [
    ['Split by', `${m.split} (${m.levels.length} levels)`], ['Subjects fitted', m.fits], ['Subjects in the data', m.subjects], ['Trials', m.trials],
    ['Models', (m.models || []).join(', ')], ['Estimator', m.prior], ['Pooling', m.pool], ['Restarts', m.restarts], ['Seed', m.seed],
    ['Run time', m.seconds !== undefined ? duration(m.seconds) : undefined], ['Submitted', when(j.created_at)], ['trustlab', m.version],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  const levelSections = m.levels.map((lv, i) => h('section', { class: 'panel', 'data-testid': 'level', 'data-level': lv.level, 'aria-labelledby': `lvl-h-${i}` },
    h('h3', { id: `lvl-h-${i}` }, `${m.split} = ${lv.level}`),
    h('p', { class: 'hint' }, `${lv.subjects} subjects, ${lv.trials} trials, ${lv.fits} fits · `, h('a', { href: `${base}/${lv.folder}/index.html`, target: '_blank', rel: 'noopener' }, 'report')),
    comparisonTable({ header: cmp.header.filter((c) => c !== 'level'), rows: cmp.rows.filter((r) => r.level === lv.level) }, { id: `cmp-h-${i}`, level: lv.level, heading: 'Model comparison', brief: true }),
    reportFigures(reports[i], `${base}/${lv.folder}`, `fplots-h-${i}`)));

  // Under empirical Bayes each level has its population prior: the
  // median and central 68% range of each parameter, the levels side by side.
  let populations = '';
  if (m.levels.some((lv) => lv.population)) {
    const params = [...new Set(m.levels.flatMap((lv) => (lv.population ? lv.population.params : [])))];
    const cell = (lv, p) => {
      const pop = lv.population;
      const k = pop ? pop.params.indexOf(p) : -1;
      return k < 0 ? '–' : `${est(pop.median[k], 3)} (${est(pop.lo68[k], 3)}–${est(pop.hi68[k], 3)})`;
    };
    populations = h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'level-populations' },
      h('caption', {}, `The population of each level (empirical Bayes, model ${m.levels.find((lv) => lv.population).population.model}): the median of each parameter and its central 68% range`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'text' }, 'parameter'), m.levels.map((lv) => h('th', { scope: 'col' }, `${m.split} = ${lv.level}`)))),
      h('tbody', {}, params.map((p) => h('tr', { 'data-param': p }, h('th', { scope: 'row', class: 'text' }, p), m.levels.map((lv) => h('td', {}, cell(lv, p))))))));
  }
  const levelSel = select({ name: 'level', label: m.split, value: m.levels[0].level, options: m.levels.map((lv) => [lv.level, lv.level]) });
  const subjBox = h('div', {});
  const preds = new Map();
  const showLevel = async () => {
    const lv = m.levels.find((x) => x.level === levelSel.value());
    if (!preds.has(lv.level)) {
      const t = await getText(`${base}/${lv.folder}/predictions.csv`, signal).catch(() => '');
      preds.set(lv.level, t ? parseCSV(t) : { header: [], rows: [] });
    }
    const rows = subj.rows.filter((r) => r.level === lv.level);
    subjBox.replaceChildren(subjectsSection({ header: subj.header, rows }, preds.get(lv.level), levelSel.el));
  };
  levelSel.input.addEventListener('change', () => { showLevel().catch(() => {}); });
  body.replaceChildren(
    h('section', { class: 'panel', 'aria-labelledby': 'fsum-h' }, h('h2', { id: 'fsum-h' }, 'Summary'),
      h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]))),
    h('section', { class: 'panel', 'aria-labelledby': 'levels-h' }, h('h2', { id: 'levels-h' }, `The levels of ${m.split}, side by side`),
      h('p', { class: 'hint' }, 'Each level was fitted on its own with the same options and seed.'),
      h('div', { class: 'levels', 'data-testid': 'levels' }, levelSections), populations),
    subjBox,
    h('section', { class: 'panel', 'aria-labelledby': 'ffiles-h' }, h('h2', { id: 'ffiles-h' }, 'Files'),
      fileLinks('fits', fitId, [...(m.outputs || []), 'manifest.json'], (f) => FILE_TEXT[f] || (f.endsWith('/index.html') ? 'the level\'s report' : ''))));
  await showLevel();
}

function comparisonTable(cmp, o = {}) {
  const cols = [
    ['model', 'model', 'text'], ['description', 'what it assumes', 'text wrap'], ['k', 'k'], ['loglik', 'log-likelihood'],
    ['aic', 'AIC'], ['delta_aic', 'ΔAIC'], ['bic', 'BIC'], ['delta_bic', 'ΔBIC'], ['cv_loglik', 'held-out log-lik.'],
    ['best_aic', 'best AIC'], ['best_bic', 'best BIC'], ['best_cv', 'best CV'], ['with_warnings', 'with warnings'],
  ].filter(([k]) => cmp.header.includes(k));
  const fmtCell = (k, v) => {
    if (['model', 'description'].includes(k)) return v;
    const x = value(v);
    if (x === null) return 'NA';
    if (k.startsWith('delta')) return (x > 0.05 ? '+' : x < -0.05 ? '−' : '') + num(Math.abs(x), 1);
    if (Number.isInteger(x)) return String(x);
    return num(x, 1);
  };
  const hid = o.id || 'cmp-h';
  return h(o.level === undefined ? 'section' : 'div', { class: o.level === undefined ? 'panel' : '', 'aria-labelledby': hid },
    h(o.level === undefined ? 'h2' : 'h4', { id: hid }, o.heading || 'Model comparison'),
    o.brief ? '' : h('p', { class: 'hint' }, 'Summed over the subjects. Lower AIC and BIC and a higher held-out log-likelihood are better; Δ is the difference from the full model; "best" counts the subjects for which a model wins.'),
    h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'comparison', 'data-level': o.level },
      h('thead', {}, h('tr', {}, cols.map(([, t, c]) => h('th', { scope: 'col', class: c || '' }, t)))),
      h('tbody', {}, cmp.rows.map((r) => h('tr', { 'data-model': r.model },
        cols.map(([k, , c], i) => (i === 0 ? h('th', { scope: 'row', class: 'text' }, r[k]) : h('td', { class: c || '' }, fmtCell(k, r[k]))))))))));
}

const PARAMS = ['tau', 'lambda0', 'kappa', 'beta', 'w_plus', 'w_minus', 'gamma', 'n0', 'phi', 'base'];

function subjectsSection(subj, pred, extra) {
  const ids = [...new Set(subj.rows.map((r) => r.subject))];
  const sel = select({ name: 'subject', label: 'Subject', value: ids[0], options: ids.map((s) => [s, s]) });
  const out = h('div', { 'data-testid': 'subject' });
  const predCols = pred.header.filter((c) => !['subject', 'partner', 'trial', 'response', 'observed'].includes(c));
  const show = () => {
    const id = sel.value();
    const rows = subj.rows.filter((r) => r.subject === id);
    const params = PARAMS.filter((p) => rows.some((r) => value(r[p]) !== null));
    const table = h('div', { class: 'table-wrap' }, h('table', { class: 'estimates' },
      h('caption', {}, `Estimates for subject ${id} (standard errors in brackets where the Hessian gives them)`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'text' }, 'model'), params.map((p) => h('th', { scope: 'col' }, p)),
        h('th', { scope: 'col' }, 'log-lik.'), h('th', { scope: 'col' }, 'AIC'), h('th', { scope: 'col', class: 'text' }, 'warnings'))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('th', { scope: 'row', class: 'text' }, r.model),
        params.map((p) => h('td', {}, value(r[p]) === null ? '–' : est(value(r[p]), 3) + (value(r[`${p}_se`]) !== null ? ` (${est(value(r[`${p}_se`]), 3)})` : ''))),
        h('td', {}, num(value(r.loglik), 2)), h('td', {}, num(value(r.aic), 2)),
        h('td', { class: 'text wrap' }, r.warnings || ''))))));
    const trials = pred.rows.filter((r) => r.subject === id);
    let chart = null;
    if (trials.length) {
      // One line per partner, each against the trial with that partner: a
      // subject's beliefs about two partners are separate, and so are their
      // choices. With several partners each shows its observed choices
      // (solid, with markers) and the full model's prediction (dashed) in
      // the partner's colour; with one, every model's prediction.
      const partners = [...new Set(trials.map((r) => r.partner))];
      const trialNo = new Map();
      const seq = trials.map((r) => {
        const k = (trialNo.get(r.partner) || 0) + 1;
        trialNo.set(r.partner, k);
        return value(r.trial) ?? k;
      });
      const pts = (col, partner) => trials.flatMap((r, i) => (partner === undefined || r.partner === partner ? [[seq[i], value(r[col])]] : []));
      const what = trials[0].response === 'amount' ? 'fraction of the endowment sent' : trials[0].response === 'binary' ? 'P(send)' : 'choice';
      const models = predCols.filter((c) => ['full', 'no_learning', 'baseline'].includes(c));
      const series = partners.length > 1
        ? partners.flatMap((pt, i) => [
          { name: `observed: partner ${pt}`, points: pts('observed', pt), cls: `s${i % 4}`, markers: true, partner: pt },
          ...(models.includes('full') ? [{ name: `predicted (full): partner ${pt}`, points: pts('full', pt), cls: `s${i % 4}`, dash: true, partner: pt }] : []),
        ])
        : [{ name: 'observed', points: pts('observed'), cls: 's3', markers: true },
          ...models.map((c, i) => ({ name: `predicted: ${c}`, points: pts(c), cls: `s${i}`, dash: i > 0, markers: trials.length < 3 }))];
      const xs = series.flatMap((sr) => sr.points.map((p) => p[0]));
      chart = lineChart({
        width: Math.min(900, (out.parentElement && out.parentElement.clientWidth) || 640), heading: true, legend: true,
        title: `Subject ${id}: observed and predicted, trial by trial`,
        desc: `${trials.length} trial(s)${partners.length > 1 ? ` with ${partners.length} partners (${partners.join(', ')}), one line per partner` : ''}. Observed ${what} and ${partners.length > 1 ? 'the full model\'s' : 'each model\'s'} prediction at its own estimates.`,
        x: { label: 'trial with this partner', short: 'trial', integer: true, min: Math.min(...xs) - 0.5, max: Math.max(...xs) + 0.5 },
        y: { label: `${what} (0–1)`, short: what, min: 0, max: 1 },
        series,
      });
    }
    out.replaceChildren(table, chart || h('p', { class: 'hint' }, 'No per-trial predictions for this subject.'));
  };
  sel.input.addEventListener('change', show);
  const section = h('section', { class: 'panel', 'aria-labelledby': 'subj-h' },
    h('h2', { id: 'subj-h' }, 'Per subject'), h('div', { class: 'field-row' }, extra || '', sel.el), out);
  requestAnimationFrame(show);
  return section;
}

/** reportFigures shows the figures of the fit's own report (index.html). */
function reportFigures(html, base, hid = 'fplots-h') {
  if (!html) return '';
  // Styles and scripts are dropped before parsing: the page's policy
  // forbids inline styles, and nothing of the report runs here.
  const clean = html.replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, '').replace(/\sstyle="[^"]*"/gi, '');
  const doc = new DOMParser().parseFromString(clean, 'text/html');
  const figs = [...doc.querySelectorAll('figure')].map((f) => {
    const img = f.querySelector('img');
    const src = img && img.getAttribute('src');
    if (!src || /[:/\\]/.test(src)) return null; // only the report's own files
    return { src, alt: img.getAttribute('alt') || src, caption: (f.querySelector('figcaption') || {}).textContent || '' };
  }).filter(Boolean);
  if (!figs.length) return '';
  return h('section', { class: hid === 'fplots-h' ? 'panel' : '', 'aria-labelledby': hid },
    h(hid === 'fplots-h' ? 'h2' : 'h4', { id: hid }, 'Charts'),
    h('div', { class: 'plots', 'data-testid': 'fit-charts' }, figs.map((f) => h('figure', { class: 'plot' },
      h('img', { src: `${base}/${f.src}`, alt: f.alt }),
      h('figcaption', {}, f.caption)))));
}
