// The page's number formatters (web/static/js/dom.js), tested in Node
// without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, rate, est, shortWhen } from '../static/js/dom.js';

test('duration: the unit follows the size', () => {
  for (const [s, want] of [
    [0, '0 s'], [3.75e-4, '375 µs'], [2.4e-6, '2.40 µs'], [0.000999, '999 µs'], [0.00241, '2.41 ms'], [0.375, '375 ms'],
    [0.9996, '1.00 s'], [0.0009996, '1.00 ms'], [59.96, '1 min 00 s'], [1, '1.00 s'], [12.34, '12.3 s'], [59.9, '59.9 s'], [252, '4 min 12 s'], [3599.4, '59 min 59 s'],
    [7500, '2 h 05 min'], [-1, '–'], [undefined, '–'], [NaN, '–'], [Infinity, '–'],
  ]) assert.equal(duration(s), want, `duration(${s})`);
});

test('rate: three significant digits in words', () => {
  for (const [x, want] of [[51265547, '51.3 million'], [47992577, '48.0 million'], [512300, '512 thousand'], [730.4, '730'], [2.5, '2.50'], [3.2e9, '3.20 billion'], [undefined, '–']]) {
    assert.equal(rate(x), want, `rate(${x})`);
  }
});

test('est: decimals, or an exponent where they would show only zeros', () => {
  for (const [x, want] of [[0.258, '0.258'], [10, '10.000'], [0, '0.000'], [0.0004, '4.0e-4'], [-0.00002, '-2.0e-5'], [0.0006, '0.001'], [3.4e7, '3.4e+7'], [null, '–']]) {
    assert.equal(est(x), want, `est(${x})`);
  }
});

test('shortWhen: the time today, the date otherwise', () => {
  const now = new Date('2026-11-24T19:30:00Z');
  assert.ok(!/2026/.test(shortWhen('2026-11-24T19:03:00Z', now)));
  assert.match(shortWhen('2026-11-20T19:03:00Z', now), /2026/);
  assert.equal(shortWhen(undefined, now), '–');
});
