// The participant's page of a trust experiment (/play/<token>): the
// questionnaire, then each round's choice, updated live by server-sent
// events. The link token is the participant's only credential; the page
// talks only to /api/v1/play/<token> and never asks for the researcher's
// token. A reload resumes where the participant was.

import { h, num } from './dom.js';

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const e = new Error((data && data.error && data.error.message) || `HTTP ${res.status}`);
    e.status = res.status;
    throw e;
  }
  return data;
}

const points = (x) => `${num(x, Number.isInteger(x) ? 0 : 1)} points`;

/** mount shows the participant's page for a link token. */
export function mount(main, token) {
  const base = `/api/v1/play/${token}`;
  document.body.classList.add('participant');
  const head = h('div', { class: 'play-head' });
  const turnBox = h('section', { class: 'panel play-turn', 'aria-live': 'polite' });
  const history = h('section', { class: 'panel play-history' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'play-error' });
  const conn = h('p', { class: 'hint play-conn', 'data-testid': 'connection' }, 'Connecting…');
  main.replaceChildren(h('div', { class: 'play' }, head, error, turnBox, history, conn));
  let turnKey = null;
  let last = null;

  function showError(msg) {
    error.hidden = !msg;
    error.textContent = msg || '';
  }

  async function choose(round, amount, buttons) {
    for (const b of buttons) b.disabled = true;
    showError('');
    try {
      await call('POST', `${base}/choice`, { round, amount });
    } catch (err) {
      showError(err.message);
      if (err.status === 400) for (const b of buttons) b.disabled = false;
    }
  }

  function questionnaire(v) {
    const q = v.questionnaire;
    const groups = q.items.map((it, k) => {
      const opts = [];
      for (let x = q.min; x <= q.max; x++) {
        const rid = `q-${it.id}-${x}`;
        opts.push(h('span', { class: 'likert-opt' },
          h('input', { type: 'radio', name: `q-${it.id}`, id: rid, value: x, required: true, 'data-item': k }),
          h('label', { for: rid }, String(x))));
      }
      return h('fieldset', { class: 'likert', 'data-testid': `item-${it.id}` },
        h('legend', {}, `${k + 1}. ${it.text}`), h('div', { class: 'likert-row' }, opts));
    });
    const submit = h('button', { type: 'submit', 'data-testid': 'submit-questionnaire' }, 'Continue');
    return h('form', {
      'data-testid': 'questionnaire',
      onsubmit: async (e) => {
        e.preventDefault();
        const answers = q.items.map((it) => {
          const c = e.target.querySelector(`input[name="q-${it.id}"]:checked`);
          return c ? Number(c.value) : null;
        });
        if (answers.includes(null)) { showError('Please answer every statement.'); return; }
        submit.disabled = true;
        try { render(await call('POST', `${base}/questionnaire`, { answers })); showError(''); } catch (err) { showError(err.message); submit.disabled = false; }
      },
    }, h('h2', {}, 'Before we start'), h('p', { class: 'hint' }, `How much do you agree? ${q.min} = strongly disagree, ${q.max} = strongly agree.`), groups,
    h('div', { class: 'buttons' }, submit));
  }

  function turnForm(v) {
    const t = v.turn;
    const attrs = { 'data-testid': 'turn', 'data-round': t.round, 'data-role': t.role, 'data-max': t.max };
    const deadline = v.deadline ? h('p', { class: 'hint', 'data-testid': 'deadline' }, `Please decide by ${new Date(v.deadline).toLocaleTimeString()}.`) : null;
    if (t.options) {
      const [lo, hi] = t.options;
      const bs = [];
      const mk = (amount, label, cls) => {
        const b = h('button', { type: 'button', class: cls, 'data-amount': amount, onclick: () => choose(t.round, amount, bs) }, label);
        bs.push(b);
        return b;
      };
      const text = t.role === 'trustor'
        ? `You have ${points(t.endowment)}. Trust your partner with all of it (it is multiplied by ${v.game.multiplier}), or keep it?`
        : (t.hypothetical ? `Your partner kept their points. Had they trusted you with ${points(t.endowment)}, would you have honoured it?`
          : `Your partner trusted you: you received ${points(t.received)}. Honour their trust (return ${points(hi)}) or keep everything?`);
      return h('div', attrs, h('h2', {}, `Round ${t.round}: your choice`), h('p', {}, text), deadline,
        h('div', { class: 'buttons big' }, t.role === 'trustor'
          ? [mk(lo, `Keep ${points(t.endowment)}`, 'secondary'), mk(hi, `Trust: send ${points(hi)}`, 'honour')]
          : [mk(lo, 'Keep everything', 'betray'), mk(hi, `Honour: return ${points(hi)}`, 'honour')]));
    }
    const input = h('input', { type: 'number', id: 'amount', name: 'amount', min: 0, max: t.max, step: 1, required: true, inputmode: 'numeric', value: '' });
    const send = h('button', { type: 'submit', 'data-testid': 'send' }, t.role === 'trustor' ? 'Send' : 'Return');
    const text = t.role === 'trustor'
      ? `You have ${points(t.endowment)}. How much do you send to your partner? What you send is multiplied by ${v.game.multiplier}; your partner then decides how much to return.`
      : (t.hypothetical ? `Your partner sent nothing this round. Had they sent all ${points(t.endowment)}, you would have received ${points(t.received)}: how much would you have returned? (Your partner will see it.)`
        : `Your partner sent ${points(t.sent)}, so you received ${points(t.received)}. How much do you return?`);
    return h('form', {
      ...attrs,
      onsubmit: (e) => {
        e.preventDefault();
        const x = Number(input.value);
        choose(t.round, x, [send]);
      },
    }, h('h2', {}, `Round ${t.round}: your choice`), h('p', {}, text), deadline,
    h('div', { class: 'field amount-row' }, h('label', { for: 'amount' }, `Amount (0 to ${t.max})`), input, send));
  }

  function render(v) {
    last = v;
    const binary = v.game.kind === 'binary';
    const role = v.role === 'trustor' ? (binary ? 'you decide whether to trust your partner' : 'you decide how much to send')
      : v.role === 'trustee' ? (binary ? 'you decide whether to honour your partner\'s trust' : 'you decide how much to return') : '';
    head.replaceChildren(
      h('h1', {}, v.status === 'playing' ? `Round ${v.round} of ${v.rounds}` : 'Trust game'),
      h('p', { class: 'play-status', 'data-testid': 'status', 'data-status': v.status, 'data-round': v.round },
        { questionnaire: 'A few questions first.', waiting: v.waiting, playing: role ? `This round ${role}.` : '', finished: 'The game is over. Thank you!', replaced: 'Your place was taken by a computer partner after you left. Thank you for taking part.' }[v.status] || ''),
      h('p', { class: 'earnings' }, 'Your points so far: ', h('strong', { 'data-testid': 'earnings' }, num(v.earnings, Number.isInteger(v.earnings) ? 0 : 1))));
    let key;
    if (v.status === 'questionnaire') key = 'q';
    else if (v.turn) key = `${v.turn.round}/${v.turn.role}`;
    else key = `wait/${v.status}/${v.waiting || ''}`;
    if (key !== turnKey) {
      turnKey = key;
      if (v.status === 'questionnaire') {
        turnBox.replaceChildren(v.game.show_up ? h('p', { class: 'show-up' }, v.game.show_up) : '', questionnaire(v));
      } else if (v.turn) {
        turnBox.replaceChildren(turnForm(v));
        const f = turnBox.querySelector('input, button');
        if (f) f.focus({ preventScroll: true });
      } else {
        turnBox.replaceChildren(h('p', { class: 'waiting', 'data-testid': 'waiting' }, v.status === 'playing' ? (v.waiting || 'Waiting…') : (v.waiting || '')),
          v.status === 'waiting' && v.game.show_up ? h('p', { class: 'show-up' }, v.game.show_up) : '');
      }
    }
    const rows = v.history.slice().reverse().map((p) => h('tr', { 'data-round': p.round, 'data-role': p.role },
      h('td', {}, String(p.round)), h('td', { class: 'text' }, p.role === 'trustor' ? 'sent' : 'returned'),
      h('td', {}, p.sent ?? '–'),
      h('td', {}, `${p.returned ?? '…'}${p.would_return !== undefined ? ` (${p.would_return})` : ''}`),
      h('td', {}, num(p.payoff, Number.isInteger(p.payoff) ? 0 : 1))));
    history.replaceChildren(h('h2', {}, 'Your rounds'), rows.length
      ? h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'history' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Round'), h('th', { class: 'text' }, 'You'), h('th', {}, 'Sent'), h('th', {}, 'Returned'), h('th', {}, 'Points'))),
        h('tbody', {}, rows)),
      v.feedback === 'full' ? h('p', { class: 'hint' }, 'In brackets: what your partner would have returned.') : '')
      : h('p', { class: 'hint' }, 'No rounds yet.'));
  }

  let es = null;
  let closed = false;
  function connect() {
    es = new EventSource(`${base}/events`);
    es.addEventListener('state', (e) => {
      conn.textContent = 'Connected: this page updates by itself.';
      conn.dataset.state = 'open';
      render(JSON.parse(e.data));
    });
    es.onerror = () => {
      conn.textContent = 'Reconnecting…';
      conn.dataset.state = 'retry';
      if (es.readyState === EventSource.CLOSED && !closed) setTimeout(connect, 2000);
    };
  }
  call('GET', base).then((v) => { render(v); connect(); }).catch((err) => {
    head.replaceChildren(h('h1', {}, 'Trust game'));
    showError(err.status === 404 ? 'This link is not valid. Please check the link you were given.' : err.message);
    conn.textContent = '';
  });
  return () => { closed = true; if (es) es.close(); document.body.classList.remove('participant'); void last; };
}
