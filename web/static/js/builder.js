// The scenario builder: sliders, selects and check boxes for the keys a
// teacher changes most, in two-way sync with the YAML editor. Moving a
// control rewrites only its key in the text (yamlline.js keeps comments
// and the other keys); editing the text moves the controls. A key written
// in a shape the builder cannot edit (a distribution where a number is
// expected, a sequence, a block scalar...) disables its control, marked
// "edited in the text". Ranges are those of docs/simulation.md (the
// sliders cover a teaching range; the number boxes take any value, so that
// the server's check can name what is allowed).

import { h, id } from './dom.js';
import { slider } from './controls.js';
import { parse, lookup, scalar, setAt, replaceValue, removeAt, appendItem, removeItem } from './yamlline.js';

const num = (n) => {
  const v = scalar(n);
  return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : NaN;
};
const fmt = (v) => String(Number(Number(v).toPrecision(12)));

/** A number at path: {value} when readable, {absent} with the default, or {other}. */
function readNum(text, path, def) {
  const n = lookup(text, path);
  if (n === undefined) return { value: def, absent: true };
  const v = num(n);
  return Number.isFinite(v) ? { value: v } : { other: true };
}

/** readKind reads a key written as a scalar (feedback: own) or as {key: v} (feedback: {regime: own}). */
function readKind(text, path, sub, def) {
  const n = lookup(text, path);
  if (n === undefined) return { value: def, absent: true };
  if (n.kind === 'scalar') return { value: scalar(n) };
  if (n.kind === 'map') {
    const k = n.entries.get(sub);
    if (k === undefined) return { value: def };
    if (k.kind === 'scalar') return { value: scalar(k) };
  }
  return { other: true };
}

const game = (text) => readKind(text, 'situation', 'game', 'binary').value;
const netKind = (text) => readKind(text, 'network', 'kind', 'k-out').value;

/** The controls: sliders (path, range) and custom ones (read, write). */
const NUMBERS = [
  { group: 'Run', path: 'population.size', label: 'Population size', min: 2, max: 5000, step: 1, def: 500, hint: 'whole number ≥ 2' },
  { group: 'Run', path: 'steps', label: 'Steps', min: 1, max: 1000, step: 1, def: 100, hint: 'whole number in [1, 1e9]' },
  { group: 'Run', path: 'seed', label: 'Seed', min: 0, max: 1000, step: 1, def: 1, hint: 'whole number ≥ 0' },
  { group: 'Network', path: 'network.k', label: 'Neighbours k', min: 1, max: 50, step: 1, def: 8, hint: 'k-out: [1, size−1]; watts-strogatz: even',
    when: (t) => ['k-out', 'watts-strogatz'].includes(netKind(t)) },
  { group: 'Situation', path: 'situation.gain', label: 'Gain when honoured', min: 0, max: 10, step: 0.1, def: 1, hint: '[0, 1e9]', when: (t) => game(t) !== 'investment' },
  { group: 'Situation', path: 'situation.loss', label: 'Loss when betrayed', min: 0, max: 10, step: 0.1, def: 1, hint: '[0, 1e9]', when: (t) => game(t) !== 'investment' },
  { group: 'Situation', path: 'situation.endowment', label: 'Endowment', min: 1, max: 100, step: 1, def: 10, hint: 'whole number in [1, 1e6]', when: (t) => game(t) === 'investment' },
  { group: 'Situation', path: 'situation.multiplier', label: 'Multiplier', min: 1.1, max: 10, step: 0.1, def: 3, hint: '(1, 1e6]', when: (t) => game(t) === 'investment' },
  { group: 'Situation', path: 'situation.control.cost', label: 'Control option: cost', min: 0, max: 5, step: 0.05, def: 0.2, hint: '[0, 1e9]',
    when: (t) => game(t) !== 'investment' && lookup(t, 'situation.control') !== undefined },
  { group: 'Population', path: 'population.trait.min', label: 'Trait τ, uniform: min', min: 0, max: 1, step: 0.01, def: 0.05, hint: '[0, 1]', dist: true },
  { group: 'Population', path: 'population.trait.max', label: 'Trait τ, uniform: max', min: 0, max: 1, step: 0.01, def: 0.95, hint: '[0, 1]', dist: true },
  { group: 'Population', path: 'population.trustworthiness', label: 'Trustworthiness w', min: 0, max: 1, step: 0.01, def: 0.5, hint: '[0, 1]; unset: uniform on [0, 1]' },
  { group: 'Interventions', path: 'interventions.full_feedback', label: 'Full feedback during the first steps', min: 0, max: 1000, step: 1, def: 0, hint: 'whole number of steps' },
  { group: 'Parameters', path: 'params.beta', label: 'β (inverse temperature)', min: 0, max: 50, step: 0.5, def: 5, hint: '[0, 1e4]' },
  { group: 'Parameters', path: 'params.w_plus', label: 'w₊ (weight of a confirmation)', min: 0, max: 5, step: 0.05, def: 1, hint: '[0, inf)' },
  { group: 'Parameters', path: 'params.w_minus', label: 'w₋ (weight of a betrayal)', min: 0, max: 5, step: 0.05, def: 2, hint: '[0, inf)' },
  { group: 'Parameters', path: 'params.gamma', label: 'γ (retention of evidence)', min: 0.5, max: 1, step: 0.005, def: 1, hint: '(0, 1]' },
];

/** The trait's min or max: only in {dist: uniform, ...}; absent, it writes a uniform distribution. */
function traitRead(text, c) {
  const n = lookup(text, 'population.trait');
  if (n === undefined) return { value: c.def, absent: true };
  if (n.kind !== 'map' || scalar(n.entries.get('dist')) !== 'uniform') return { other: true };
  return readNum(text, c.path, c.def);
}

const SELECTS = [
  { group: 'Network', path: 'network', label: 'Network', options: ['complete', 'k-out', 'watts-strogatz', 'barabasi-albert'],
    read: (t) => readKind(t, 'network', 'kind', 'k-out'),
    write: (t, v) => {
      if (v === 'complete') return replaceValue(t, 'network', 'complete');
      const k = num(lookup(t, 'network.k'));
      if (v === 'barabasi-albert') return replaceValue(t, 'network', '{kind: barabasi-albert, m: 4}');
      const kk = Number.isFinite(k) ? k : (v === 'k-out' ? 8 : 4);
      return replaceValue(t, 'network', `{kind: ${v}, k: ${v === 'watts-strogatz' && kk % 2 ? kk + 1 : kk}}`);
    } },
  { group: 'Situation', path: 'situation.game', label: 'Game', options: ['binary', 'investment'],
    read: (t) => readKind(t, 'situation', 'game', 'binary'),
    write: (t, v) => replaceValue(t, 'situation', v === 'investment'
      ? '{game: investment, endowment: 10, multiplier: 3}' : '{game: binary, gain: 1, loss: 1}') },
  { group: 'Situation', path: 'feedback', label: 'Feedback', options: ['own', 'full', 'social'],
    read: (t) => readKind(t, 'feedback', 'regime', 'own'),
    write: (t, v) => (lookup(t, 'feedback') && lookup(t, 'feedback').kind === 'map'
      ? setAt(t, 'feedback.regime', v) : replaceValue(t, 'feedback', v)) },
];

/** Keys that are on when present: the control option, graduated stakes. */
const CHECKS = [
  { group: 'Situation', path: 'situation.control', label: 'Control option (a paid safeguard)', value: '{cost: 0.2, gain: 1, loss: 0}',
    when: (t) => game(t) !== 'investment' },
  { group: 'Interventions', path: 'interventions.graduated_stakes', label: 'Graduated stakes (start 0.1, ×2, ×0.5)', value: '{start: 0.1, grow: 2, shrink: 0.5}' },
];

const GROUPS = ['Run', 'Network', 'Situation', 'Population', 'Groups', 'Interventions', 'Parameters'];
// The order of the controls within a section.
const ORDER = ['network', 'network.k', 'situation.game', 'situation.gain', 'situation.loss', 'situation.endowment',
  'situation.multiplier', 'situation.control', 'situation.control.cost', 'feedback'];
const rank = (p) => (ORDER.includes(p) ? ORDER.indexOf(p) : -1);

const BEHAVIOURS = ['probabilistic', 'honour', 'betray', 'reciprocal', 'con-artist'];
const MAX_GROUPS = 3;
const G = 'population.groups';

/** The groups as the builder sees them: {list} (a sequence of one-line mappings), {absent} or {other}. */
function readGroups(text) {
  const n = lookup(text, G);
  if (n === undefined) return { list: [], absent: true };
  if (n.kind !== 'seq') return { other: true };
  return { list: n.items };
}

/** A group's behaviour: probabilistic when absent, a name, or the kind of {kind: ...}. */
function readBehaviour(text, i) {
  const r = readKind(text, `${G}.${i}.behaviour`, 'kind', 'probabilistic');
  return r;
}

/** writeBehaviour rewrites group i's behaviour (honour, betray and con-artist fix w, so it goes). */
function writeBehaviour(text, i, v) {
  const p = `${G}.${i}`;
  let t = text;
  if (v === 'probabilistic') t = removeAt(t, `${p}.behaviour`);
  else if (v === 'reciprocal') t = replaceValue(t, `${p}.behaviour`, '{kind: reciprocal, slope: 0.5}');
  else if (v === 'con-artist') t = replaceValue(t, `${p}.behaviour`, '{kind: con-artist, honours: 3}');
  else t = replaceValue(t, `${p}.behaviour`, v);
  if (t !== null && ['honour', 'betray', 'con-artist'].includes(v)) t = removeAt(t, `${p}.trustworthiness`);
  return t;
}

/** addGroup appends a group (the first one creates population.groups in a block population). */
function addGroup(text) {
  const g = readGroups(text);
  if (g.other || g.list.length >= MAX_GROUPS) return null;
  const sum = g.list.reduce((a, it) => a + (num(it.entries.get('share')) || 0), 0);
  const share = g.list.length === 0 ? 1 : (sum < 1 - 1e-9 ? fmt(Math.round((1 - sum) * 100) / 100) : 0.1);
  const item = `{name: group-${g.list.length + 1}, share: ${share}}`;
  if (g.list.length) return appendItem(text, G, item);
  const pop = lookup(text, 'population');
  if (!pop || pop.kind !== 'map' || pop.style !== 'block') return null;
  const t = setAt(text, G, '\u0000');
  return t && t.replace(': \u0000', `:\n${' '.repeat(pop.indent + 2)}- ${item}`);
}

/** dropGroup removes group i (and population.groups when it was the last). */
function dropGroup(text, i) {
  let t = removeItem(text, G, i);
  if (t !== null && readGroups(t).other) t = removeAt(t, G);
  return t;
}

/**
 * builder returns {el, refresh()}: the panel of controls for the editor ed
 * ({textarea, value()}). onChange(text) is called with the rewritten text
 * when a control moves; refresh() reads the text into the controls.
 */
export function builder(ed, onChange) {
  const items = [];
  const other = () => h('p', { class: 'hint in-text', hidden: true }, 'edited in the text');
  const write = (text) => { if (text !== null && text !== ed.value()) onChange(text); };

  for (const c of NUMBERS) {
    const note = other();
    const s = slider({
      name: `b-${c.path}`, label: c.label, min: c.min, max: c.max, step: c.step, value: c.def, hint: c.hint,
      onInput: (v) => {
        if (!Number.isFinite(v)) return;
        let t = ed.value();
        if (c.dist && lookup(t, 'population.trait') === undefined) {
          const lo = c.path.endsWith('min') ? v : 0.05;
          const hi = c.path.endsWith('max') ? v : 0.95;
          write(setAt(t, 'population.trait', `{dist: uniform, min: ${fmt(lo)}, max: ${fmt(hi)}}`, { block: true }));
          return;
        }
        t = setAt(t, c.path, fmt(v), { block: c.path.startsWith('population.') });
        write(t);
      },
    });
    s.el.dataset.key = c.path;
    s.el.append(note);
    items.push({ c, el: s.el, refresh(text) {
      const r = c.dist ? traitRead(text, c) : readNum(text, c.path, c.def);
      const off = !!r.other;
      s.input.disabled = off; s.box.disabled = off; note.hidden = !off;
      s.el.classList.toggle('absent', !!r.absent);
      if (!off && document.activeElement !== s.box) s.set(r.value);
    } });
  }
  for (const c of SELECTS) {
    const sid = id('b-sel');
    const note = other();
    const input = h('select', { id: sid, name: `b-${c.path}` }, c.options.map((o) => h('option', { value: o }, o)));
    input.addEventListener('change', () => write(c.write(ed.value(), input.value)));
    const el = h('div', { class: 'field', 'data-key': c.path }, h('label', { for: sid }, c.label), input, note);
    items.push({ c, el, refresh(text) {
      const r = c.read(text);
      const off = !!r.other || !c.options.includes(r.value);
      input.disabled = off; note.hidden = !off;
      if (!off) input.value = r.value;
    } });
  }
  for (const c of CHECKS) {
    const cid = id('b-cb');
    const note = other();
    const input = h('input', { type: 'checkbox', id: cid, name: `b-${c.path}` });
    input.addEventListener('change', () => {
      const t = ed.value();
      if (input.checked) { write(setAt(t, c.path, c.value)); return; }
      let out = removeAt(t, c.path);
      // An emptied parent block (interventions:) goes too.
      const parent = c.path.split('.').slice(0, -1).join('.');
      const pn = out === null ? null : lookup(out, parent);
      if (pn && ((pn.kind === 'map' && pn.entries.size === 0) || (pn.kind === 'scalar' && pn.value === ''))) out = removeAt(out, parent);
      write(out);
    });
    const el = h('div', { class: 'field check', 'data-key': c.path }, input, h('label', { for: cid }, c.label), note);
    items.push({ c, el, refresh(text) {
      const n = lookup(text, c.path);
      const parent = lookup(text, c.path.split('.').slice(0, -1).join('.'));
      const off = (n && n.kind === 'other') || (parent && parent.kind !== 'map' && !(parent.kind === 'scalar' && parent.value === ''));
      input.disabled = !!off; note.hidden = !off;
      input.checked = n !== undefined;
    } });
  }

  // Groups: up to three, each with its share and its trustees' behaviour.
  const groupsNote = other();
  const addBtn = h('button', { type: 'button', class: 'secondary', 'data-action': 'add-group', onclick: () => write(addGroup(ed.value())) }, 'Add a group');
  const groupEls = [];
  for (let i = 0; i < MAX_GROUPS; i++) {
    const p = `${G}.${i}`;
    const legend = h('legend', {}, `Group ${i + 1}`);
    const share = slider({ name: `b-${p}.share`, label: `Group ${i + 1}: share`, min: 0.01, max: 1, step: 0.01, value: 1, hint: '(0, 1]; the shares sum to 1',
      onInput: (v) => { if (Number.isFinite(v)) write(setAt(ed.value(), `${p}.share`, fmt(v))); } });
    const sid = id('b-beh');
    const beh = h('select', { id: sid, name: `b-${p}.behaviour` }, BEHAVIOURS.map((o) => h('option', { value: o }, o)));
    beh.addEventListener('change', () => write(writeBehaviour(ed.value(), i, beh.value)));
    const behNote = other();
    const behEl = h('div', { class: 'field', 'data-key': `${p}.behaviour` }, h('label', { for: sid }, `Group ${i + 1}: behaviour`), beh, behNote);
    const slope = slider({ name: `b-${p}.slope`, label: `Group ${i + 1}: reciprocal slope`, min: 0, max: 2, step: 0.05, value: 0.5, hint: '[0, 2]',
      onInput: (v) => { if (Number.isFinite(v)) write(setAt(ed.value(), `${p}.behaviour.slope`, fmt(v))); } });
    const honours = slider({ name: `b-${p}.honours`, label: `Group ${i + 1}: con-artist honours`, min: 0, max: 20, step: 1, value: 3, hint: 'trusts honoured before betraying',
      onInput: (v) => { if (Number.isFinite(v)) write(setAt(ed.value(), `${p}.behaviour.honours`, fmt(v))); } });
    const remove = h('button', { type: 'button', class: 'secondary', onclick: () => write(dropGroup(ed.value(), i)) }, `Remove group ${i + 1}`);
    const el = h('fieldset', { class: 'builder-sub', 'data-key': p }, legend, share.el, behEl, slope.el, honours.el, h('div', { class: 'buttons' }, remove));
    groupEls.push(el);
    items.push({ c: { group: 'Groups', path: p }, el, refresh(text) {
      const g = readGroups(text);
      const it = g.list && g.list[i];
      el.hidden = !it;
      if (!it) return;
      legend.textContent = `Group ${i + 1}: ${scalar(it.entries.get('name')) || '(no name)'}`;
      const sh = readNum(text, `${p}.share`, 1);
      share.input.disabled = share.box.disabled = !!sh.other;
      if (!sh.other && document.activeElement !== share.box) share.set(sh.value);
      const b = readBehaviour(text, i);
      const off = !!b.other || !BEHAVIOURS.includes(b.value);
      beh.disabled = off; behNote.hidden = !off;
      if (!off) beh.value = b.value;
      slope.el.hidden = off || b.value !== 'reciprocal';
      honours.el.hidden = off || b.value !== 'con-artist';
      const sl = readNum(text, `${p}.behaviour.slope`, 0.5);
      if (!sl.other && document.activeElement !== slope.box) slope.set(sl.value);
      const ho = readNum(text, `${p}.behaviour.honours`, 3);
      if (!ho.other && document.activeElement !== honours.box) honours.set(ho.value);
    } });
  }
  const groupsCtl = h('div', { class: 'field', 'data-key': G }, groupsNote, h('div', { class: 'buttons' }, addBtn));
  items.push({ c: { group: 'Groups', path: `${G}.add` }, el: groupsCtl, refresh(text) {
    const g = readGroups(text);
    const pop = lookup(text, 'population');
    const canAdd = !g.other && g.list.length < MAX_GROUPS && (g.list.length > 0 || (pop && pop.kind === 'map' && pop.style === 'block'));
    groupsNote.hidden = !g.other && (canAdd || g.list.length >= MAX_GROUPS);
    groupsNote.textContent = g.other ? 'edited in the text' : 'groups need population: written as a block (one key a line)';
    addBtn.disabled = !canAdd;
  } });

  items.sort((a, b) => rank(a.c.path) - rank(b.c.path));
  const status = h('p', { class: 'hint', 'aria-live': 'polite', 'data-testid': 'builder-status' });
  const sections = GROUPS.map((g) => h('fieldset', { class: 'builder-group' }, h('legend', {}, g),
    items.filter((it) => it.c.group === g).map((it) => it.el)));
  const el = h('details', { class: 'builder', open: true, 'data-testid': 'builder' },
    h('summary', {}, 'Scenario builder'),
    h('p', { class: 'hint' }, 'Each control rewrites only its key in the YAML below; your comments and other keys stay. Editing the text moves the controls.'),
    status,
    h('div', { class: 'builder-grid' }, sections));

  return {
    el,
    refresh() {
      const text = ed.value();
      const unreadable = parse(text).kind !== 'map';
      status.textContent = unreadable ? 'The builder cannot read this text (a shape it does not edit); the controls are left to the text.' : '';
      for (const it of items) {
        it.refresh(text);
        if (it.c.when) it.el.hidden = !it.c.when(text);
      }
    },
  };
}
