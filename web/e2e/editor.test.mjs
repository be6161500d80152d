// The editor's reading of server errors (web/static/js/editor.js), tested
// in Node without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locate } from '../static/js/editor.js';

test('locate: line and column from the fields of an error body', () => {
  const f = { file: 'scenario.yaml', line: 4, column: 8, field: 'steps', message: 'scenario.yaml:4:8: steps: -1: must be a whole number in [1, 1000000000]' };
  assert.deepEqual(locate(f), { line: 4, col: 8, text: 'steps: -1: must be a whole number in [1, 1000000000]' });
  assert.deepEqual(locate({ file: 'spec.yaml', line: 2, message: 'spec.yaml:2: YAML syntax: did not find expected key' }),
    { line: 2, col: 0, text: 'YAML syntax: did not find expected key' });
  assert.deepEqual(locate({ field: 'scenario', message: 'scenario: too large' }), { line: 0, col: 0, text: 'scenario: too large' });
});

test('locate: a plain message has no position (it is never parsed)', () => {
  assert.deepEqual(locate('scenario.yaml:3:1: population: missing'), { line: 0, col: 0, text: 'scenario.yaml:3:1: population: missing' });
  assert.deepEqual(locate('internal error'), { line: 0, col: 0, text: 'internal error' });
});
