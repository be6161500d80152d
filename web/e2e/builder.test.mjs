// Browser tests of the scenario builder on the runs page (web/static/js/
// builder.js): controls in two-way sync with the YAML text, the server's
// check marking errors at their lines, a run built with the controls only,
// and the phone layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, skip, shot, assertText, markedLines } from './harness.mjs';

const b = useBrowser();

const START = `# My teaching scenario: keep this comment.
name: builder-test
seed: 1
steps: 100
population:
  size: 500
  # the traits of the trustors
  trait: {dist: uniform, min: 0.05, max: 0.25}
  trustworthiness: 0.95
network: {kind: k-out, k: 4}
situation: {game: binary, gain: 1, loss: 1}
feedback: own
`;

async function openRuns(page, text) {
  await page.goto(`${b.srv.url}/runs`);
  await page.locator('[data-testid="builder"]').waitFor();
  if (text !== undefined) await page.getByLabel('Scenario (YAML)').fill(text);
  // The check has run on this text once the status says so.
  await assertText(page.locator('[data-testid="check-status"]'), 'The server');
}

const yaml = (page) => page.getByLabel('Scenario (YAML)').inputValue();

test('builder: a slider rewrites exactly its key and keeps the comments', { skip }, async () => {
  const page = await b.newPage();
  await openRuns(page, START);
  await assertText(page.locator('[data-testid="check-status"]'), 'accepts this scenario');
  // No groups in the text: no group controls, only the button that adds one.
  assert.equal(await page.locator('[data-testid="builder"] [data-key^="population.groups."]:visible').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Add a group' }).isEnabled(), true);
  const size = page.getByLabel('Population size', { exact: true });
  assert.equal(await size.inputValue(), '500');
  await size.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await yaml(page), START.replace('  size: 500', '  size: 502'));
  // A key inside a one-line flow mapping: only that value changes.
  const max = page.getByLabel('Trait τ, uniform: max', { exact: true });
  await max.focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await yaml(page), START.replace('  size: 500', '  size: 502').replace('max: 0.25}', 'max: 0.24}'));
  // A key the text does not have is added where it belongs.
  await page.getByLabel('β (inverse temperature) (number)', { exact: true }).fill('3');
  assert.equal(await yaml(page), `${START.replace('  size: 500', '  size: 502').replace('max: 0.25}', 'max: 0.24}')}params: {beta: 3}\n`);
  // The select rewrites the feedback key only.
  await page.getByLabel('Feedback', { exact: true }).selectOption('full');
  const text = await yaml(page);
  assert.match(text, /^# My teaching scenario: keep this comment\.\n/);
  assert.match(text, /\n {2}# the traits of the trustors\n/);
  assert.match(text, /\nfeedback: full\n/);
  assert.deepEqual(page.errors, []);
});

test('builder: editing the YAML moves the controls; shapes it cannot edit are left to the text', { skip }, async () => {
  const page = await b.newPage();
  await openRuns(page, START);
  const steps = page.getByLabel('Steps', { exact: true });
  const k = page.getByLabel('Neighbours k', { exact: true });
  await page.getByLabel('Scenario (YAML)').fill(START.replace('steps: 100', 'steps: 250').replace('k: 4', 'k: 6').replace('gain: 1,', 'gain: 2.5,'));
  await page.waitForFunction(() => document.querySelector('[data-key="steps"] input[type=range]').value === '250');
  assert.equal(await steps.inputValue(), '250');
  assert.equal(await k.inputValue(), '6');
  assert.equal(await page.getByLabel('Gain when honoured (number)', { exact: true }).inputValue(), '2.5');
  // A complete network has no k; an investment game has no gain; a fixed
  // trait is not a uniform distribution: edited in the text.
  await page.getByLabel('Scenario (YAML)').fill(START.replace('{kind: k-out, k: 4}', 'complete')
    .replace('{game: binary, gain: 1, loss: 1}', '{game: investment, endowment: 20, multiplier: 3}')
    .replace('  trait: {dist: uniform, min: 0.05, max: 0.25}', '  trait: 0.3'));
  await page.waitForFunction(() => document.querySelector('[data-key="network.k"]').hidden);
  assert.equal(await page.getByLabel('Network', { exact: true }).inputValue(), 'complete');
  assert.equal(await page.getByLabel('Game', { exact: true }).inputValue(), 'investment');
  assert.equal(await page.getByLabel('Endowment (number)', { exact: true }).inputValue(), '20');
  assert.equal(await page.locator('[data-key="situation.gain"]').isHidden(), true);
  const min = page.getByLabel('Trait τ, uniform: min', { exact: true });
  assert.equal(await min.isDisabled(), true);
  await assertText(page.locator('[data-key="population.trait.min"]'), 'edited in the text');
  assert.deepEqual(page.errors, []);
});

test('builder: an out-of-range value typed in the YAML is marked at its line by the server', { skip }, async () => {
  const page = await b.newPage();
  await openRuns(page, START);
  const before = (await (await fetch(`${b.srv.url}/api/v1/runs`)).json()).runs.length;
  await page.getByLabel('Scenario (YAML)').fill(START.replace('  trustworthiness: 0.95', '  trustworthiness: 1.7'));
  await page.locator('.editor .ln.err').first().waitFor();
  const marked = await markedLines(page);
  assert.deepEqual(marked, [9], 'the gutter marks line 9, population.trustworthiness');
  await assertText(page.locator('.editor-errors'), 'line 9');
  await assertText(page.locator('.editor-errors'), 'population.trustworthiness');
  assert.equal(await page.locator('.editor-errors li').count(), 1, 'only the scenario\'s own error is shown');
  await assertText(page.locator('[data-testid="check-status"]'), '1 problem');
  // The control shows the value typed, and the check created no run.
  assert.equal(await page.getByLabel('Trustworthiness w (number)', { exact: true }).inputValue(), '1.7');
  const runs = await (await fetch(`${b.srv.url}/api/v1/runs`)).json();
  assert.equal(runs.runs.length, before, 'checking does not submit a run');
  // Fixed with the control, the mark goes.
  await page.getByLabel('Trustworthiness w (number)', { exact: true }).fill('0.9');
  await assertText(page.locator('[data-testid="check-status"]'), 'accepts this scenario');
  assert.equal(await page.locator('.editor .ln.err').count(), 0);
  await shot(page, 'builder-check');
});

test('builder: a scenario built only with the controls runs to the end', { skip }, async () => {
  const page = await b.newPage();
  await openRuns(page, '');
  await page.getByLabel('Population size (number)', { exact: true }).fill('60');
  await page.getByLabel('Steps (number)', { exact: true }).fill('15');
  await page.getByLabel('Seed (number)', { exact: true }).fill('7');
  await page.getByLabel('Network', { exact: true }).selectOption('watts-strogatz');
  await page.getByLabel('Control option (a paid safeguard)').check();
  await page.getByLabel('Control option: cost (number)', { exact: true }).fill('0.3');
  await page.getByLabel('Trait τ, uniform: min (number)', { exact: true }).fill('0.2');
  await page.getByLabel('Trustworthiness w (number)', { exact: true }).fill('0.8');
  await page.getByLabel('Graduated stakes (start 0.1, ×2, ×0.5)').check();
  await page.getByLabel('w₋ (weight of a betrayal) (number)', { exact: true }).fill('1.5');
  await page.getByLabel('Feedback', { exact: true }).selectOption('social');
  // Two groups: the second of reciprocal trustees.
  await page.getByRole('button', { name: 'Add a group' }).click();
  await page.getByRole('button', { name: 'Add a group' }).click();
  await page.getByLabel('Group 1: share (number)', { exact: true }).fill('0.7');
  await page.getByLabel('Group 2: share (number)', { exact: true }).fill('0.3');
  await page.getByLabel('Group 2: behaviour', { exact: true }).selectOption('reciprocal');
  await page.getByLabel('Group 2: reciprocal slope (number)', { exact: true }).fill('0.8');
  assert.equal(await yaml(page), [
    'population:',
    '  size: 60',
    '  trait: {dist: uniform, min: 0.2, max: 0.95}',
    '  trustworthiness: 0.8',
    '  groups:',
    '    - {name: group-1, share: 0.7}',
    '    - {name: group-2, share: 0.3, behaviour: {kind: reciprocal, slope: 0.8}}',
    'steps: 15',
    'seed: 7',
    'network: {kind: watts-strogatz, k: 4}',
    'situation: {control: {cost: 0.3, gain: 1, loss: 0}}',
    'interventions: {graduated_stakes: {start: 0.1, grow: 2, shrink: 0.5}}',
    'params: {w_minus: 1.5}',
    'feedback: social',
    ''].join('\n'));
  await assertText(page.locator('[data-testid="check-status"]'), 'accepts this scenario');
  await page.getByRole('button', { name: 'Run on the server' }).click();
  await page.waitForURL(/\/runs\/[A-Za-z0-9_-]+$/);
  await assertText(page.locator('[data-testid="status"]'), 'done', 60000);
  await assertText(page.locator('[data-testid="status"]'), '15 of 15 (100%)');
  const href = await page.getByRole('link', { name: 'manifest.json' }).getAttribute('href');
  const m = await (await fetch(b.srv.url + href)).json();
  assert.equal(m.agents, 60);
  assert.equal(m.seed, 7);
  assert.equal(m.scenario.feedback, 'social');
  assert.deepEqual(page.errors, []);
});

test('builder: no sideways scrolling at phone width', { skip }, async () => {
  const page = await b.newPage({ width: 390, height: 844 });
  await openRuns(page, START.replace('  trustworthiness: 0.95\n', `  groups:
    - {name: honest, share: 0.6, trustworthiness: 0.9}
    - {name: reciprocal, share: 0.25, behaviour: {kind: reciprocal, slope: 0.6}}
    - {name: con-artists, share: 0.15, behaviour: {kind: con-artist, honours: 3}}
`));
  await assertText(page.locator('[data-testid="check-status"]'), 'accepts this scenario');
  assert.equal(await page.getByLabel('Group 3: con-artist honours (number)', { exact: true }).inputValue(), '3');
  assert.equal(await page.getByRole('button', { name: 'Add a group' }).isDisabled(), true, 'three groups at most');
  await page.getByLabel('Control option (a paid safeguard)').check();
  await page.getByLabel('Control option: cost', { exact: true }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  const wide = await page.locator('[data-testid="builder"] .field').evaluateAll((els) => els
    .filter((e) => !e.hidden && e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => e.dataset.key));
  assert.deepEqual(wide, [], 'every control fits the screen');
  await shot(page, 'builder-phone');
});
