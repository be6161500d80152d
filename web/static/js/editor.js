// A plain-text editor for YAML: a textarea with a line-number gutter and
// highlighted error lines. Errors come from the server as the fields of an
// error body ({file, line, column, field, message}): their lines are
// marked; a plain message (an error without fields) is listed as it is.

import { h, id } from './dom.js';

/**
 * locate returns {line, col, text} (line 0: none) of an error: a field of
 * an error body, whose line and column are given (the text without its
 * position), or a plain message, which has none.
 */
export function locate(e) {
  if (!e || typeof e !== 'object') return { line: 0, col: 0, text: String(e) };
  const line = e.line || 0;
  const col = e.column || 0;
  let text = e.message || '';
  const at = [e.file || '', line || '', col || ''].filter((x) => x !== '').join(':');
  if (line && at && text.startsWith(`${at}: `)) text = text.slice(at.length + 2);
  return { line, col, text };
}

/**
 * editor returns {el, textarea, value(), set(text), showErrors(list),
 * clearErrors()}. opts: label, name, value, hint, short (a smaller box).
 */
export function editor(opts) {
  const tid = id('editor');
  const eid = id('editor-errors');
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const backdrop = h('div', { class: 'backdrop', 'aria-hidden': 'true' });
  const textarea = h('textarea', {
    id: tid, name: opts.name, spellcheck: 'false', autocomplete: 'off',
    autocapitalize: 'off', wrap: 'off', 'aria-describedby': eid, 'data-testid': 'editor',
  });
  textarea.value = opts.value || '';
  const list = h('ol', { class: 'editor-errors', id: eid, 'aria-live': 'polite' });
  let marks = new Map(); // line -> messages

  function lines() { return textarea.value.split('\n').length; }

  function paint() {
    const n = lines();
    gutter.replaceChildren(...Array.from({ length: n }, (_, i) => h('div', {
      class: marks.has(i + 1) ? 'ln err' : 'ln', 'data-line': i + 1,
    }, String(i + 1))));
    backdrop.replaceChildren(...Array.from({ length: n }, (_, i) => h('div', {
      class: marks.has(i + 1) ? 'bl err' : 'bl',
    }, ' ')));
    sync();
  }
  function sync() {
    gutter.scrollTop = textarea.scrollTop;
    backdrop.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`;
  }
  textarea.addEventListener('scroll', sync);
  textarea.addEventListener('input', () => {
    if (marks.size) {
      // The text changed under the errors: they may no longer apply.
      marks = new Map();
      list.replaceChildren();
    }
    paint();
  });
  // Tab inserts two spaces (YAML indentation); Escape then Tab leaves.
  let escaped = false;
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { escaped = true; return; }
    if (e.key === 'Tab' && !e.shiftKey && !escaped) {
      e.preventDefault();
      const { selectionStart: s, selectionEnd: t } = textarea;
      textarea.setRangeText('  ', s, t, 'end');
      textarea.dispatchEvent(new Event('input'));
    }
    escaped = false;
  });

  function goTo(line, col) {
    const rows = textarea.value.split('\n');
    let pos = 0;
    for (let i = 0; i < line - 1 && i < rows.length; i++) pos += rows[i].length + 1;
    pos += Math.max(0, Math.min((col || 1) - 1, (rows[line - 1] || '').length));
    textarea.focus();
    textarea.setSelectionRange(pos, pos);
    const lh = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * lh);
    sync();
  }

  const el = h('div', { class: 'field editor-field' },
    h('label', { for: tid }, opts.label),
    opts.hint ? h('p', { class: 'hint' }, opts.hint) : null,
    h('div', { class: opts.short ? 'editor short' : 'editor' }, gutter, h('div', { class: 'edit-area' }, backdrop, textarea)),
    list);
  paint();

  return {
    el, textarea,
    value: () => textarea.value,
    set(text) { textarea.value = text; marks = new Map(); list.replaceChildren(); paint(); textarea.scrollTop = 0; sync(); },
    /**
     * showErrors marks each error's line and lists them as links to it:
     * fields of an error body, or plain messages.
     */
    showErrors(messages) {
      marks = new Map();
      const items = messages.map(locate).sort((a, b) => (a.line || 1e9) - (b.line || 1e9));
      for (const e of items) if (e.line) marks.set(e.line, [...(marks.get(e.line) || []), e.text]);
      list.replaceChildren(...items.map((e) => h('li', { class: 'err-item', 'data-line': e.line || '' },
        e.line ? h('button', { type: 'button', class: 'linkish', onclick: () => goTo(e.line, e.col) }, e.col ? `line ${e.line}, column ${e.col}` : `line ${e.line}`) : null,
        e.line ? ': ' : '', e.text)));
      paint();
    },
    clearErrors() { marks = new Map(); list.replaceChildren(); paint(); },
  };
}
