// The scenario builder's YAML line editor (web/static/js/yamlline.js),
// tested in Node without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { lookup, scalar, setAt, replaceValue, removeAt, appendItem, removeItem } from '../static/js/yamlline.js';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const S = `# comment on top
name: x   # the name
steps: 100
population:
  size: 500
  # a comment inside
  trait: {dist: uniform, min: 0.05, max: 0.25}
  trustworthiness: 0.95
network: {kind: k-out, k: 4}
situation: {game: binary, gain: 1, loss: 1, control: {cost: 0.3, gain: 1}}
feedback: own
`;

test('yamlline: reads scalars in block and flow mappings', () => {
  assert.equal(scalar(lookup(S, 'name')), 'x');
  assert.equal(scalar(lookup(S, 'population.size')), '500');
  assert.equal(scalar(lookup(S, 'population.trait.max')), '0.25');
  assert.equal(scalar(lookup(S, 'network.k')), '4');
  assert.equal(scalar(lookup(S, 'situation.control.cost')), '0.3');
  assert.equal(lookup(S, 'seed'), undefined);
  assert.equal(lookup(S, 'feedback.regime').kind, 'other');
});

test('yamlline: rewrites only the key, keeps comments, adds missing keys', () => {
  assert.equal(setAt(S, 'population.size', '40'), S.replace('size: 500', 'size: 40'));
  assert.equal(setAt(S, 'name', 'y'), S.replace('name: x ', 'name: y '));
  assert.equal(setAt(S, 'network.k', '6'), S.replace('k: 4', 'k: 6'));
  assert.equal(setAt(S, 'situation.control.cost', '0.5'), S.replace('cost: 0.3', 'cost: 0.5'));
  assert.equal(setAt(S, 'situation.outside', '0'), S.replace('gain: 1}}', 'gain: 1}, outside: 0}'));
  assert.equal(setAt(S, 'population.behaviour', 'honour'), S.replace('trustworthiness: 0.95', 'trustworthiness: 0.95\n  behaviour: honour'));
  assert.equal(setAt(S, 'seed', '7'), `${S}seed: 7\n`);
  assert.equal(setAt(S, 'params.beta', '3'), `${S}params: {beta: 3}\n`);
  assert.equal(setAt('seed: 1\n', 'population.trait.min', '0.1', { block: true }), 'seed: 1\npopulation:\n  trait: {min: 0.1}\n');
  assert.equal(setAt(S, 'feedback.weight', '1'), null);
  assert.equal(replaceValue(S, 'feedback', '{regime: social, weight: 0.3}'), S.replace('feedback: own', 'feedback: {regime: social, weight: 0.3}'));
  assert.equal(replaceValue(S, 'network', 'complete'), S.replace('{kind: k-out, k: 4}', 'complete'));
});

test('yamlline: every example is read, its groups too', () => {
  const dir = path.join(repo, 'examples');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const t = readFileSync(path.join(dir, f), 'utf8');
    assert.ok(scalar(lookup(t, 'population.size')), `${f}: population.size`);
    assert.equal(setAt(t, 'steps', '5').split('\n').length, t.split('\n').length, `${f}: steps rewritten in place`);
    if (t.includes('groups:')) assert.equal(lookup(t, 'population.groups').kind, 'seq', `${f}: groups`);
  }
});

test('yamlline: removes a key from a flow or a block mapping', () => {
  assert.equal(removeAt(S, 'situation.control'), S.replace(', control: {cost: 0.3, gain: 1}', ''));
  assert.equal(removeAt(S, 'situation.game'), S.replace('game: binary, ', ''));
  assert.equal(removeAt(S, 'population.trustworthiness'), S.replace('  trustworthiness: 0.95\n', ''));
  assert.equal(removeAt(S, 'feedback'), S.replace('feedback: own\n', ''));
  assert.equal(removeAt(S, 'interventions.full_feedback'), S);
  const T = 'interventions:\n  graduated_stakes: {start: 0.1, grow: 2, shrink: 0.5}\n';
  assert.equal(removeAt(T, 'interventions.graduated_stakes'), 'interventions:\n');
});

test('yamlline: groups, a sequence of one-line flow mappings', () => {
  const G = `population:
  size: 10
  groups:
    - {name: a, share: 0.8, trustworthiness: 0.9}   # most
    - {name: b, share: 0.2, behaviour: {kind: reciprocal, slope: 0.6}}
network: complete
`;
  assert.equal(scalar(lookup(G, 'population.groups.1.behaviour.slope')), '0.6');
  assert.equal(setAt(G, 'population.groups.0.share', '0.7'), G.replace('share: 0.8', 'share: 0.7'));
  assert.equal(setAt(G, 'population.groups.1.trait', '0.3'), G.replace('slope: 0.6}}', 'slope: 0.6}, trait: 0.3}'));
  assert.equal(appendItem(G, 'population.groups', '{name: c, share: 0.1}'), G.replace('0.6}}\n', '0.6}}\n    - {name: c, share: 0.1}\n'));
  assert.equal(removeItem(G, 'population.groups', 0), G.replace(/ {4}- \{name: a.*\n/, ''));
  assert.equal(setAt(G, 'population.groups.2.share', '1'), null);
  assert.equal(replaceValue(G, 'population.groups.1.behaviour', 'honour'), G.replace('{kind: reciprocal, slope: 0.6}', 'honour'));
  assert.equal(removeAt(G, 'population.groups.0.trustworthiness'), G.replace(', trustworthiness: 0.9', ''));
  assert.equal(lookup('population:\n  groups:\n    - name: a\n      share: 1\n', 'population.groups').kind, 'other');
});
