// Form controls: a slider paired with a number box, both labelled, and
// helpers for check boxes and selects.

import { h, id } from './dom.js';

/**
 * slider returns {el, input, value(), set(v)}: a range input and a number
 * input kept in step. opts: name, label, min, max, step, value, hint,
 * onInput. The number box accepts values outside the slider's range so
 * that the server can say what is allowed.
 */
export function slider(opts) {
  const rid = id(`in-${opts.name}`);
  const hid = id('hint');
  const range = h('input', {
    type: 'range', id: rid, name: opts.name, min: opts.min, max: opts.max, step: opts.step,
    value: opts.value, 'aria-describedby': opts.hint ? hid : undefined, 'data-field': opts.name,
  });
  const box = h('input', {
    type: 'number', inputmode: 'decimal', step: 'any', value: opts.value, class: 'num',
    'aria-label': `${opts.label} (number)`, 'data-field-number': opts.name,
  });
  let current = Number(opts.value);
  const fire = () => opts.onInput && opts.onInput(current);
  range.addEventListener('input', () => {
    current = Number(range.value);
    box.value = range.value;
    fire();
  });
  box.addEventListener('input', () => {
    if (box.value === '' || !Number.isFinite(Number(box.value))) return;
    current = Number(box.value);
    range.value = box.value;
    fire();
  });
  const el = h('div', { class: 'field slider' },
    h('label', { for: rid }, opts.label),
    h('div', { class: 'slider-row' }, range, box),
    opts.hint ? h('p', { class: 'hint', id: hid }, opts.hint) : null);
  return {
    el, input: range, box,
    value: () => current,
    set(v) { current = Number(v); range.value = v; box.value = v; },
  };
}

/** checkbox returns {el, input, value()}. */
export function checkbox(opts) {
  const cid = id(`cb-${opts.name}`);
  const input = h('input', { type: 'checkbox', id: cid, name: opts.name, checked: !!opts.checked });
  if (opts.onInput) input.addEventListener('change', () => opts.onInput(input.checked));
  const el = h('div', { class: 'field check' }, input, h('label', { for: cid }, opts.label));
  return { el, input, value: () => input.checked };
}

/** select returns {el, input, value()}; options are [value, text] pairs. */
export function select(opts) {
  const sid = id(`sel-${opts.name}`);
  const input = h('select', { id: sid, name: opts.name },
    opts.options.map(([v, t]) => h('option', { value: v, selected: v === opts.value }, t)));
  if (opts.onInput) input.addEventListener('change', () => opts.onInput(input.value));
  const el = h('div', { class: 'field' }, h('label', { for: sid }, opts.label), input);
  return { el, input, value: () => input.value };
}

/** errorBox returns an alert region that shows an API error with its fields. */
export function errorBox() {
  const el = h('div', { class: 'error', role: 'alert', hidden: true });
  return {
    el,
    show(err) {
      el.replaceChildren();
      el.append(h('p', {}, h('strong', {}, 'The server did not accept this: '), err.fields && err.fields.length ? '' : err.message));
      if (err.fields && err.fields.length) {
        el.append(h('ul', {}, err.fields.map((f) => h('li', {}, f.message + (f.range && !f.message.includes(f.range) ? ` (allowed: ${f.range})` : '')))));
      }
      el.hidden = false;
    },
    clear() { el.hidden = true; el.replaceChildren(); },
  };
}
