// Experiments with people: design an experiment.yaml (errors marked at
// their line), open a session (links or a room code), and watch it live on
// the monitor: who is where, amounts sent and returned per round, each
// participant's fitted tau, w_plus and w_minus, downloads and "Fit this
// session". The monitor reads large enough for a projector.

import { h, num, when } from './dom.js';
import { get, post } from './api.js';
import { editor } from './editor.js';
import { lineChart } from './chart.js';
import { navigate } from './app.js';

const DRAFT = 'trustlab.experiment.draft';
const linksKey = (id) => `trustlab.experiment.links.${id}`;

export function mount(main, id) {
  return id ? mountMonitor(main, id) : mountList(main);
}

function mountList(main) {
  const ed = editor({ label: 'Experiment design (experiment.yaml)', name: 'design', value: sessionStorage.getItem(DRAFT) || '', hint: 'The format is in docs/experiments.md. Check marks errors at their line.' });
  ed.textarea.addEventListener('input', () => sessionStorage.setItem(DRAFT, ed.value()));
  const status = h('p', { class: 'status-line', 'aria-live': 'polite', 'data-testid': 'design-status' });
  const room = h('input', { type: 'checkbox', id: 'room-code', name: 'room_code' });
  const seed = h('input', { type: 'number', id: 'seed', name: 'seed', min: 0, step: 1, placeholder: 'random' });
  const errorsOf = (out) => out.errors.map((e) => e.message);
  async function check() {
    const out = await post('/api/v1/experiments/check', { design: ed.value() });
    if (out.ok) {
      ed.clearErrors();
      status.textContent = `The design is valid: ${out.design.participants} participants and ${out.seats - out.design.participants} bots, ${out.design.game.rounds} rounds of the ${out.design.game.kind} game, ${out.design.arms.length} arm(s).`;
    } else {
      ed.showErrors(errorsOf(out));
      status.textContent = `${out.errors.length} error(s) in the design.`;
    }
    return out.ok;
  }
  const open = h('button', { type: 'submit', 'data-action': 'open-session' }, 'Open a session');
  const form = h('form', {
    class: 'panel',
    onsubmit: async (e) => {
      e.preventDefault();
      open.disabled = true;
      try {
        if (!(await check())) return;
        const body = { design: ed.value(), room_code: room.checked };
        if (seed.value !== '') body.seed = Number(seed.value);
        const c = await post('/api/v1/experiments/sessions', body);
        sessionStorage.setItem(linksKey(c.id), JSON.stringify(c));
        navigate(`/experiments/${c.id}`);
      } catch (err) {
        status.textContent = err.message;
      } finally {
        open.disabled = false;
      }
    },
  }, h('h2', {}, 'New session'), ed.el,
  h('div', { class: 'field-row' },
    h('div', { class: 'field' }, h('label', { for: 'seed' }, 'Seed (optional)'), seed),
    h('div', { class: 'field check' }, room, h('label', { for: 'room-code' }, 'One room code for a class instead of one link per participant'))),
  h('div', { class: 'buttons' }, h('button', { type: 'button', class: 'secondary', 'data-action': 'check', onclick: () => check().catch((err) => { status.textContent = err.message; }) }, 'Check'), open), status);
  const list = h('section', { class: 'panel' }, h('h2', {}, 'Sessions'), h('p', { class: 'hint' }, 'Loading…'));
  main.replaceChildren(h('h1', {}, 'Experiments with people'),
    h('p', { class: 'lede' }, 'Run the trust game with real participants in their browsers, with bots as partners where you want them, and see the pyramid model fitted to every participant as the data arrive.'),
    form, list);
  get('/api/v1/experiments/examples').then((ex) => {
    if (!ed.value() && ex.designs.length) ed.set(ex.designs[0].text);
  }).catch(() => {});
  get('/api/v1/experiments/sessions').then((r) => {
    list.replaceChildren(h('h2', {}, 'Sessions'), r.sessions.length ? h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'sessions' },
      h('thead', {}, h('tr', {}, ['Session', 'Name', 'Opened', 'Status', 'Round', 'Participants', 'Bots'].map((x) => h('th', {}, x)))),
      h('tbody', {}, r.sessions.map((s) => h('tr', {},
        h('td', {}, h('a', { href: `/experiments/${s.id}` }, s.id)), h('td', { class: 'text' }, s.name), h('td', {}, when(s.created_at)),
        h('td', { class: 'text' }, s.status), h('td', {}, `${s.round} / ${s.rounds}`), h('td', {}, s.participants), h('td', {}, s.bots)))))) : h('p', { class: 'hint' }, 'No sessions yet.'));
  }).catch((err) => { list.replaceChildren(h('p', { class: 'error' }, err.message)); });
}

const FILES = [
  ['trials.csv', 'Trials (CSV, for trustlab fit)'], ['trials.parquet', 'Trials (Parquet)'], ['spec.yaml', 'Data spec'],
  ['questionnaire.csv', 'Questionnaire answers'], ['questionnaire_key.yaml', 'Questionnaire key'], ['choices.csv', 'Every choice, with times'],
  ['experiment.yaml', 'The design'],
];

function mountMonitor(main, id) {
  const api = `/api/v1/experiments/sessions/${id}`;
  const created = JSON.parse(sessionStorage.getItem(linksKey(id)) || 'null');
  const head = h('div', {});
  const counts = h('section', { class: 'panel' });
  const seats = h('section', { class: 'panel' });
  const charts = h('section', { class: 'panel' });
  const actions = h('section', { class: 'panel' });
  const msg = h('p', { class: 'status-line', 'aria-live': 'polite', 'data-testid': 'monitor-status' });
  const links = h('section', { class: 'panel' });
  document.body.classList.add('monitor-page');
  main.replaceChildren(h('div', { class: 'monitor' }, head, counts, charts, seats, actions, links));
  if (created) {
    const origin = location.origin;
    links.replaceChildren(h('h2', {}, created.room_code ? 'Room code' : 'Participant links'),
      ...(created.room_code
        ? [h('p', { class: 'room-code', 'data-testid': 'room-code' }, created.room_code), h('p', {}, `Participants open ${origin}/join and type the code.`)]
        : [h('p', { class: 'hint' }, 'Each link works for one participant only; the server keeps only a hash of it, so copy them now (they are shown in this browser tab only).'),
          h('details', {}, h('summary', {}, `Show the ${created.links.length} links (not on a projector: each opens a participant's seat)`),
            h('ol', { 'data-testid': 'links' }, created.links.map((l) => h('li', {}, `${l.label}: `, h('a', { href: l.path, 'data-label': l.label, target: '_blank', rel: 'noopener' }, origin + l.path)))))]));
  } else {
    links.hidden = true;
  }
  let fitLinks = [];
  function render(m) {
    head.replaceChildren(h('h1', {}, `Session ${m.name || m.id}`),
      h('p', { class: 'lede', 'data-testid': 'session-status', 'data-status': m.status, 'data-round': m.round },
        `${m.status === 'lobby' ? 'Waiting for participants' : m.status === 'running' ? `Round ${m.round} of ${m.rounds}` : 'Finished'} · ${m.participants} participants, ${m.bots} bots · seed ${m.seed}${m.room_code ? ` · room code ${m.room_code}` : ''}`));
    const c = m.counts;
    counts.replaceChildren(h('h2', {}, 'Where everyone is'), h('dl', { class: 'facts big-facts', 'data-testid': 'counts' },
      [['Invited', c.invited, 'invited'], ['Joined', c.joined, 'joined'], ['Questionnaire done', c.questionnaire, 'questionnaire'], ['Playing now', c.playing, 'playing'],
        ['Pages open', c.connected, 'connected'], ['Replaced by a bot', c.replaced, 'replaced'], ['Bots', c.bots, 'bots'], ['Choices', c.choices, 'choices'], ['Timeouts', c.timeouts, 'timeouts']]
        .map(([k, v, t]) => h('div', {}, h('dt', {}, k), h('dd', { 'data-count': t }, String(v))))));
    const w = Math.min(760, Math.max(300, charts.clientWidth - 32 || 640));
    charts.replaceChildren(h('h2', {}, 'Amounts per round'), m.rounds.length
      ? lineChart({
        title: 'Mean amount sent and returned per round', width: w,
        desc: 'Mean fraction of the endowment sent, and mean fraction of the multiplied amount returned, per round.',
        x: { label: 'Round', min: 1, max: Math.max(2, m.rounds_total || m.rounds.length), integer: true },
        y: { label: 'Fraction sent, returned', short: 'Fraction', min: 0, max: 1 },
        series: [
          { name: 'sent', points: m.rounds.map((r) => [r.round, r.sent_n ? r.mean_sent : null]), markers: true },
          { name: 'returned', points: m.rounds.map((r) => [r.round, r.returned_n ? r.mean_returned : null]), markers: true, dash: true },
        ],
      })
      : h('p', { class: 'hint' }, 'The charts start with the first round.'));
    const f = (x) => (x === null || x === undefined ? '–' : num(x, 2));
    seats.replaceChildren(h('h2', {}, 'Participants'), h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'seats' },
      h('thead', {}, h('tr', {}, ['Seat', 'Kind', 'Arm', 'Status', 'Page', 'Role', 'Turn', 'tau (questionnaire)', 'tau (fit)', 'w_plus', 'w_minus', 'Fitted on', 'Points', ''].map((x) => h('th', { class: 'text' }, x)))),
      h('tbody', {}, m.seats.map((s) => h('tr', { 'data-label': s.label, 'data-status': s.status },
        h('td', {}, s.label), h('td', { class: 'text' }, s.kind), h('td', { class: 'text' }, s.arm),
        h('td', { class: 'text' }, s.replaced ? `replaced (${s.replaced})` : s.status), h('td', { class: 'text' }, s.kind === 'bot' ? '' : (s.connected ? 'open' : 'closed')),
        h('td', { class: 'text' }, s.role || ''), h('td', { class: 'text' }, s.turn ? 'to choose' : ''),
        h('td', {}, f(s.tau_questionnaire)), h('td', { 'data-fit': 'tau' }, f(s.fit && s.fit.tau)), h('td', {}, f(s.fit && s.fit.w_plus)), h('td', {}, f(s.fit && s.fit.w_minus)),
        h('td', {}, s.fit ? `${s.fit.trials} rounds` : ''), h('td', {}, num(s.earnings, 0)),
        h('td', {}, s.kind === 'person' && !s.replaced && s.status !== 'finished' ? [
          h('button', { type: 'button', class: 'secondary small', onclick: () => replace(s.label) }, 'Replace by a bot'), ' ',
          h('button', { type: 'button', class: 'secondary small', 'data-action': 'relink', onclick: () => relink(s.label) }, 'New link'),
        ] : '')))))));
    fitLinks = m.fits;
    const start = m.status === 'lobby' ? h('button', { type: 'button', 'data-action': 'start', onclick: startNow }, 'Start now (bots take the empty seats)') : null;
    actions.replaceChildren(h('h2', {}, 'Data'),
      h('ul', { class: 'files', 'data-testid': 'downloads' }, FILES.map(([file, label]) => h('li', {}, h('a', { href: `${api}/export/${file}`, download: '' }, label)))),
      h('div', { class: 'buttons' }, start, h('button', { type: 'button', 'data-action': 'fit', onclick: fitNow }, 'Fit this session')),
      fitLinks.length ? h('p', { 'data-testid': 'fit-links' }, 'Fits of this session: ', fitLinks.map((j, i) => [i ? ', ' : '', h('a', { href: `/fits/${j}` }, j)])) : '', msg);
  }
  async function startNow() { try { render(await post(`${api}/start`)); } catch (err) { msg.textContent = err.message; } }
  async function replace(label) { try { render(await post(`${api}/seats/${label}/replace`)); } catch (err) { msg.textContent = err.message; } }
  // relink issues a new link for a seat (a lost or leaked one): the old
  // link stops working at once; the new one is shown here only.
  async function relink(label) {
    try {
      const l = await post(`${api}/seats/${label}/link`);
      msg.replaceChildren(`New link for ${l.label} (the old one no longer works): `,
        h('a', { href: l.path, 'data-testid': 'new-link', 'data-label': l.label }, `${location.origin}${l.path}`));
    } catch (err) { msg.textContent = err.message; }
  }
  async function fitNow() {
    try {
      const j = await post(`${api}/fit`);
      msg.textContent = `Fit ${j.id} submitted.`;
      msg.replaceChildren(`Fit submitted: `, h('a', { href: `/fits/${j.id}`, 'data-testid': 'fit-link' }, `fit ${j.id}`), '.');
    } catch (err) { msg.textContent = err.message; }
  }
  let es = null;
  let closed = false;
  get(api).then((m) => {
    render(m);
    const connect = () => {
      es = new EventSource(`${api}/events`);
      es.addEventListener('state', (e) => render(JSON.parse(e.data)));
      es.onerror = () => { if (es.readyState === EventSource.CLOSED && !closed) setTimeout(connect, 2000); };
    };
    connect();
  }).catch((err) => { head.replaceChildren(h('h1', {}, 'Session'), h('p', { class: 'error' }, err.message)); });
  return () => { closed = true; if (es) es.close(); document.body.classList.remove('monitor-page'); };
}
