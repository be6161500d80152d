// The options of a fit: one form control per flag of `trustlab fit`
// (models, role, fixed and freed parameters, prior, pooling, split,
// cross-validation, draws, restarts, seed...). Only the options changed
// from their defaults are sent, as the JSON object the server reads
// (fitrun.Settings); the server checks them and answers a bad one with its
// field and allowed range, shown next to its control.

import { h, id } from './dom.js';

// The models a fit can compare besides the full model (fit.VariantNames).
const MODELS = [
  ['no_asymmetry', 'no asymmetry (w₋ = w₊)'], ['no_risk', 'no risk weight'], ['no_trait', 'no trait'],
  ['no_learning', 'no learning'], ['baseline', 'baseline (ignores the situation)'], ['partner_prior', 'a prior per partner kind'],
  ['rw', 'Rescorla–Wagner'], ['rw2', 'Rescorla–Wagner, two rates'], ['reciprocity', 'reciprocity'],
];
// Parameters that --fix may fix (the pyramid model's and the response model's main ones).
const FIXABLE = ['tau', 'lambda0', 'kappa', 'beta', 'w_plus', 'w_minus', 'gamma', 'n0', 'phi', 'lapse'];
const FREEABLE = ['lambda0', 'kappa', 'gamma', 'n0'];

function field(name, label, control, hint) {
  const err = h('p', { class: 'field-error', id: id(`err-${name}`), hidden: true, 'data-error-for': name });
  control.setAttribute('aria-describedby', err.id);
  return {
    el: h('div', { class: 'field', 'data-option': name }, h('label', { for: control.id }, label), control,
      hint ? h('p', { class: 'hint' }, hint) : null, err),
    err,
    control,
  };
}

function selectEl(name, options, value) {
  return h('select', { id: id(`opt-${name}`), name },
    options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
}

function numberEl(name, value, attrs = {}) {
  return h('input', { type: 'number', id: id(`opt-${name}`), name, value, inputmode: 'decimal', step: 'any', class: 'num', ...attrs });
}

function checkEl(name) {
  return h('input', { type: 'checkbox', id: id(`opt-${name}`), name });
}

/**
 * fitOptions returns {el, settings(), setColumns(header), showErrors(fields),
 * clearErrors()}: the form controls of a fit's options. settings() is the
 * JSON object of the options changed from their defaults; showErrors marks
 * the fields of an error body that name an option next to its control and
 * returns the others.
 */
export function fitOptions() {
  const groups = {};
  const add = (f) => { groups[f.el.dataset.option] = f; return f.el; };

  // Models: none ticked means the default set ("all").
  const modelBoxes = MODELS.map(([v, t]) => {
    const cb = h('input', { type: 'checkbox', id: id(`model-${v}`), name: 'models', value: v });
    return { v, cb, el: h('div', { class: 'field check' }, cb, h('label', { for: cb.id }, t)) };
  });
  const modelsErr = h('p', { class: 'field-error', id: id('err-models'), hidden: true, 'data-error-for': 'models' });
  const models = h('fieldset', { class: 'opt-group', 'data-option': 'models', 'aria-describedby': modelsErr.id },
    h('legend', {}, 'Models compared with the full model'),
    h('p', { class: 'hint' }, 'None ticked: the default set (the nested variants and the baseline, and the full model under other response models).'),
    h('div', { class: 'opt-checks' }, modelBoxes.map((m) => m.el)), modelsErr);
  groups.models = { el: models, err: modelsErr, control: modelBoxes[0].cb };

  const role = field('role', 'Whose decisions', selectEl('role', [['', 'auto (the trustees too when the spec names them)'], ['trustor', 'trustors (amounts sent)'], ['trustee', 'trustees (amounts returned)'], ['both', 'both']], ''));
  // The trustees' fit compares the trustee model with the baseline only.
  const modelsHint = models.querySelector('.hint');
  const defaultHint = modelsHint.textContent;
  role.control.addEventListener('change', () => {
    const trustee = role.control.value === 'trustee';
    for (const m of modelBoxes) {
      m.cb.disabled = trustee && m.v !== 'baseline';
      if (m.cb.disabled) m.cb.checked = false;
    }
    modelsHint.textContent = trustee ? 'The trustees\' returns: the trustee model against the baseline (a constant fraction per trustee).' : defaultHint;
  });
  const prior = field('prior', 'Estimator (prior)', selectEl('prior', [['', 'default: empirical Bayes (maximum likelihood when pooled)'], ['empirical', 'empirical Bayes'], ['weak', 'weak prior (MAP)'], ['none', 'none (maximum likelihood)']], ''));
  const pool = field('pool', 'Pooling', selectEl('pool', [['', 'default: per subject (by group for one-shot data)'], ['none', 'none: one fit per subject'], ['group', 'group: one fit per value of the group column'], ['all', 'all: one fit for everyone']], ''));
  const splitSel = selectEl('split', [['', 'no split']], '');
  const split = field('split', 'Split by column', splitSel, 'Fit each value of this column (e.g. treatment) on its own and see the levels side by side.');
  const response = field('response', 'Response model', h('input', { type: 'text', id: id('opt-response'), name: 'response', placeholder: 'lapse+hurdle+round', list: id('responses'), autocomplete: 'off', spellcheck: 'false' }),
    'bb, or lapse, hurdle and round joined by +.');

  // Fixed parameters: a number fixes it; freed ones are estimated too.
  const fixInputs = FIXABLE.map((p) => ({ p, input: numberEl(`fix-${p}`, '', { 'aria-label': `fix ${p} at`, placeholder: 'default', 'data-fix': p }) }));
  const fixErr = h('p', { class: 'field-error', id: id('err-fix'), hidden: true, 'data-error-for': 'fix' });
  const fix = h('fieldset', { class: 'opt-group', 'data-option': 'fix', 'aria-describedby': fixErr.id },
    h('legend', {}, 'Fix parameters (--fix)'),
    h('p', { class: 'hint' }, 'Empty: the default (tau, beta, w_plus, w_minus, phi estimated; lambda0, kappa, n0, gamma fixed at MODEL.md\'s values).'),
    h('div', { class: 'opt-fix' }, fixInputs.map(({ p, input }) => h('label', { class: 'opt-fix-item' }, h('span', {}, p), input))), fixErr);
  groups.fix = { el: fix, err: fixErr, control: fixInputs[0].input };
  const freeBoxes = FREEABLE.map((p) => {
    const cb = h('input', { type: 'checkbox', id: id(`free-${p}`), name: 'free', value: p });
    return { p, cb, el: h('div', { class: 'field check' }, cb, h('label', { for: cb.id }, p)) };
  });
  const freeErr = h('p', { class: 'field-error', id: id('err-free'), hidden: true, 'data-error-for': 'free' });
  const free = h('fieldset', { class: 'opt-group', 'data-option': 'free', 'aria-describedby': freeErr.id },
    h('legend', {}, 'Also estimate (--free)'), h('div', { class: 'opt-checks' }, freeBoxes.map((b) => b.el)), freeErr);
  groups.free = { el: free, err: freeErr, control: freeBoxes[0].cb };

  const num = (name, label, def, hint, attrs) => field(name, label, numberEl(name, def, attrs), hint);
  const cvFraction = num('cv_fraction', 'Cross-validation: fraction fitted', '0.8', 'The earliest trials of each partner fitted, the rest scored; (0, 1).');
  const cvFolds = num('cv_folds', 'or k folds', '0', '0: the split above; [2, 100]: blocked k-fold.', { step: 1 });
  const samples = num('samples', 'Posterior draws per subject', '500', '[0, 100000]; 0: none.', { step: 1 });
  const replications = num('replications', 'Predictive checks: sequences per subject', '20', '[0, 1000]; 0: none.', { step: 1 });
  const restarts = num('restarts', 'Optimizer restarts', '5', '[1, 100].', { step: 1 });
  const seed = num('seed', 'Seed', '1', 'Of the restart points: the same seed, the same fit.', { step: 1, min: 0 });
  const endGame = num('end_game', 'End-game rounds', '2', 'For models with +end_game; [1, 1000].', { step: 1 });
  const tauFrom = field('tau_from', 'Questionnaire score', selectEl('tau_from', [['', 'fixes tau'], ['prior', 'is a prior on tau']], ''));
  const checks = [['no_cv', 'No cross-validation'], ['loso', 'Leave-one-subject-out score (empirical Bayes)'], ['drop_invalid', 'Leave out subjects with bad rows']].map(([n, t]) => {
    const cb = checkEl(n);
    const err = h('p', { class: 'field-error', id: id(`err-${n}`), hidden: true, 'data-error-for': n });
    cb.setAttribute('aria-describedby', err.id);
    const el = h('div', { class: 'field check', 'data-option': n }, cb, h('label', { for: cb.id }, t), err);
    groups[n] = { el, err, control: cb };
    return { n, cb, el };
  });
  const questionnaire = h('input', { type: 'file', id: id('opt-questionnaire'), name: 'questionnaire', accept: '.csv,text/csv' });
  const key = h('input', { type: 'file', id: id('opt-key'), name: 'key', accept: '.yaml,.yml,text/yaml' });
  const qField = field('questionnaire', 'Trait questionnaire (CSV, optional)', questionnaire, 'One row per subject; its trust score sets tau. Needs its scoring key.');
  const kField = field('key', 'Scoring key (YAML)', key);

  const el = h('details', { class: 'fit-options', 'data-testid': 'fit-options' },
    h('summary', {}, 'Fit options (those of trustlab fit)'),
    models,
    h('div', { class: 'opt-grid' }, add(role), add(prior), add(pool), add(split), add(response)),
    fix, free,
    h('div', { class: 'opt-grid' }, add(cvFraction), add(cvFolds), add(samples), add(replications), add(restarts), add(seed), add(endGame)),
    h('div', { class: 'opt-checks' }, checks.map((c) => c.el)),
    h('div', { class: 'opt-grid' }, add(qField), add(kField), add(tauFrom)),
    h('datalist', { id: response.control.getAttribute('list') }, ['bb', 'lapse', 'hurdle', 'round', 'lapse+hurdle', 'lapse+hurdle+round'].map((v) => h('option', { value: v }))));

  const numbers = { cv_fraction: cvFraction, cv_folds: cvFolds, samples, replications, restarts, seed, end_game: endGame };
  const defaults = { cv_fraction: '0.8', cv_folds: '0', samples: '500', replications: '20', restarts: '5', seed: '1', end_game: '2' };

  function settings() {
    const s = {};
    const ticked = modelBoxes.filter((m) => m.cb.checked).map((m) => m.v);
    if (ticked.length) s.models = ticked.join(',');
    for (const [k, f] of [['role', role], ['prior', prior], ['pool', pool], ['split', split], ['tau_from', tauFrom]]) if (f.control.value) s[k] = f.control.value;
    if (response.control.value.trim()) s.response = response.control.value.trim();
    const fixed = {};
    for (const { p, input } of fixInputs) if (input.value !== '') fixed[p] = Number(input.value);
    if (Object.keys(fixed).length) s.fix = fixed;
    const freed = freeBoxes.filter((b) => b.cb.checked).map((b) => b.p);
    if (freed.length) s.free = freed;
    for (const [k, f] of Object.entries(numbers)) {
      const v = f.control.value.trim();
      if (v !== '' && v !== defaults[k]) s[k] = Number(v);
    }
    for (const c of checks) if (c.cb.checked) s[c.n] = true;
    return s;
  }

  function clearErrors() {
    for (const g of Object.values(groups)) {
      g.err.hidden = true;
      g.err.textContent = '';
      g.el.classList.remove('invalid');
      g.control.removeAttribute('aria-invalid');
    }
  }

  return {
    el,
    settings,
    files: () => ({ questionnaire: questionnaire.files[0], key: key.files[0] }),
    /** setColumns offers the columns of the chosen data set for the split. */
    setColumns(header) {
      const cur = splitSel.value;
      splitSel.replaceChildren(h('option', { value: '' }, 'no split'), ...header.map((c) => h('option', { value: c, selected: c === cur }, c)));
    },
    /**
     * showErrors shows each field error that names an option next to its
     * control (its message and allowed range), opens the options, and
     * returns the field errors that name none.
     */
    showErrors(fields) {
      clearErrors();
      const rest = [];
      let first = null;
      for (const f of fields) {
        const g = groups[f.field];
        if (!g) { rest.push(f); continue; }
        const msg = f.message.startsWith(`${f.field}: `) ? f.message.slice(f.field.length + 2) : f.message;
        const text = msg + (f.range && !msg.includes(f.range) ? ` (allowed: ${f.range})` : '');
        g.err.textContent = g.err.textContent ? `${g.err.textContent}; ${text}` : text;
        g.err.hidden = false;
        g.el.classList.add('invalid');
        g.control.setAttribute('aria-invalid', 'true');
        first = first || g.control;
      }
      if (first) { el.open = true; first.focus(); }
      return rest;
    },
    clearErrors,
  };
}
