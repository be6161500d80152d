// Signing in to a server that requires a token (trustlab serve --token):
// the page asks for the token once, exchanges it for a session cookie
// (POST /api/v1/session; HttpOnly, so no script can read it) and forgets
// it. Images, CSV links and reports under /api/ then load with the cookie.

import { h } from './dom.js';

let pending = null;

/**
 * signIn shows the sign-in dialog (once, however many requests wait for
 * it) and resolves when a session has been created.
 */
export function signIn() {
  if (!pending) pending = new Promise(show).finally(() => { pending = null; });
  return pending;
}

function show(resolve) {
  const input = h('input', {
    type: 'password', id: 'signin-token', name: 'token', autocomplete: 'current-password',
    required: true, spellcheck: 'false', 'aria-describedby': 'signin-hint',
  });
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error', hidden: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const dialog = h('dialog', { class: 'signin', 'aria-labelledby': 'signin-h', 'aria-describedby': 'signin-hint' });
  const form = h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      submit.disabled = true;
      error.hidden = true;
      try {
        const res = await fetch('/api/v1/session', {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'X-Trustlab': '1' },
        });
        if (res.ok) {
          input.value = '';
          dialog.close();
          dialog.remove();
          showSignOut(true);
          resolve();
          return;
        }
        let msg = `The server answered ${res.status}.`;
        if (res.status === 401) msg = 'That token is not right. Check it and try again.';
        else {
          try { msg = (await res.json()).error.message; } catch { /* keep the status */ }
        }
        error.textContent = msg;
      } catch (err) {
        error.textContent = `The server cannot be reached: ${err.message}`;
      }
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      submit.disabled = false;
      input.focus();
      input.select();
    },
  },
  h('h2', { id: 'signin-h' }, 'Sign in to this laboratory'),
  h('p', { id: 'signin-hint', class: 'hint' },
    'This server requires an access token (set with ', h('code', {}, 'trustlab serve --token'), ' or ', h('code', {}, 'TRUSTLAB_TOKEN'), '). ',
    'The page exchanges it for a session cookie and does not keep it.'),
  h('div', { class: 'field' }, h('label', { for: 'signin-token' }, 'Access token'), input),
  error,
  h('div', { class: 'buttons' }, submit));
  dialog.append(form);
  // The page cannot work without a session: Escape does not dismiss.
  dialog.addEventListener('cancel', (e) => e.preventDefault());
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}

/** showSignOut adds (or removes) the header's sign-out button. */
export function showSignOut(on) {
  const header = document.querySelector('header.top');
  let btn = header && header.querySelector('[data-action="sign-out"]');
  if (!on) { if (btn) btn.remove(); return; }
  if (!header || btn) return;
  btn = h('button', {
    type: 'button', class: 'secondary sign-out', 'data-action': 'sign-out',
    onclick: async () => {
      btn.disabled = true;
      await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-Trustlab': '1' } }).catch(() => {});
      location.reload();
    },
  }, 'Sign out');
  header.append(btn);
}
