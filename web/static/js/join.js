// Joining a class session with its room code (/join or /join/<code>): the
// server gives the participant a seat and a link of their own, which this
// browser remembers so that a reload returns to the same seat.

import { h } from './dom.js';
import { navigate } from './app.js';

export function mount(main, code) {
  document.body.classList.add('participant');
  const input = h('input', { id: 'room-code', name: 'code', required: true, autocomplete: 'off', autocapitalize: 'characters', maxlength: 6, value: code || '', spellcheck: 'false' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit' }, 'Join');
  async function join(c) {
    c = c.trim().toUpperCase();
    const saved = localStorage.getItem(`trustlab.room.${c}`);
    if (saved) { navigate(`/play/${saved}`); return; }
    submit.disabled = true;
    error.hidden = true;
    try {
      const res = await fetch('/api/v1/play/join', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: c }) });
      const data = await res.json();
      if (!res.ok) throw new Error(data.error.message);
      localStorage.setItem(`trustlab.room.${c}`, data.token);
      navigate(data.path);
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
      submit.disabled = false;
    }
  }
  main.replaceChildren(h('div', { class: 'play' },
    h('h1', {}, 'Join the trust game'),
    h('form', { class: 'panel', onsubmit: (e) => { e.preventDefault(); join(input.value); } },
      h('div', { class: 'field' }, h('label', { for: 'room-code' }, 'Room code (on the board)'), input),
      h('div', { class: 'buttons' }, submit)), error));
  if (code && localStorage.getItem(`trustlab.room.${code.toUpperCase()}`)) join(code);
  return () => document.body.classList.remove('participant');
}
