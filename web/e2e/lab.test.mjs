// Browser tests of the pyramid explorer and the experience lab against a
// real `trustlab serve`. Reference numbers are computed here from the
// formulas of MODEL.md, independently of the server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, skip, shot, assertText, openExperience } from './harness.mjs';


// MODEL.md sections 3-4, binary situation without control.
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const lambda = (tau) => Math.exp(2 * (0.5 - tau));
const pTrust = (tau, p, g, l, u0 = 0, beta = 5) => sigmoid(beta * (p * g - lambda(tau) * (1 - p) * l - u0));

const b = useBrowser();


const out = (page, k) => page.locator(`[data-out="${k}"]`);

test('explorer: sliders move the numbers and the pyramid as the model says', { skip }, async () => {
  const page = await b.open('/explorer');
  // Defaults: trait 0.5, p 0.6, n 4, gain 1, loss 1: B = 0.6 - 0.4 = 0.2.
  await assertText(out(page, 'probability'), pTrust(0.5, 0.6, 1, 1).toFixed(3));
  assert.equal(await out(page, 'balance').textContent(), '+0.200');
  assert.equal(await out(page, 'kind').textContent(), 'trust');
  const pyr = page.locator('[data-testid="pyramid"] svg');
  assert.equal(await pyr.getAttribute('data-kind'), 'trust');
  const angle0 = Number(await pyr.locator('.beam').getAttribute('data-angle'));
  assert.ok(angle0 < 0, `expectation outweighs risk: the beam tilts to the expectation side (angle ${angle0})`);
  assert.equal(await page.locator('[data-testid="curve"] .series').count(), 3);
  await shot(page, 'explorer');

  // Lower the trait with the keyboard: 30 steps of 0.01 to 0.20.
  const trait = page.getByLabel('Trust trait τ', { exact: true });
  await trait.focus();
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowLeft');
  const want = pTrust(0.2, 0.6, 1, 1);
  await assertText(out(page, 'probability'), want.toFixed(3));
  assert.equal(await out(page, 'trait').textContent(), '0.20');
  assert.equal(await out(page, 'lambda').textContent(), lambda(0.2).toFixed(3));
  assert.equal(await out(page, 'kind').textContent(), 'distrust');
  assert.equal(await pyr.getAttribute('data-kind'), 'distrust');
  assert.ok(Math.abs(Number(await pyr.getAttribute('data-probability')) - want) < 1e-12, 'the pyramid shows the server\'s P(trust)');
  await assertText(pyr.locator('[data-value="probability"]'), `P(trust) ${want.toFixed(3)}`);
  const angle1 = Number(await pyr.locator('.beam').getAttribute('data-angle'));
  assert.ok(angle1 > 0, `risk outweighs expectation: the beam tilts to the risk side (angle ${angle1})`);
  // The chart marks where the trait-0.2 person's balance turns positive: lambda/(1+lambda).
  const th = lambda(0.2) / (1 + lambda(0.2));
  await assertText(page.locator('[data-testid="curve"] .ref-label'), `p* ${th.toFixed(2)}`);

  // Type a belief into the number box: p = 0.9.
  await page.getByLabel('Expected trustworthiness p (number)').fill('0.9');
  await assertText(out(page, 'probability'), pTrust(0.2, 0.9, 1, 1).toFixed(3));
  assert.equal(await out(page, 'kind').textContent(), 'trust');

  // No loss, no trust: with l = 0 an engagement is certainty.
  await page.getByLabel('Loss l when betrayed (number)').fill('0');
  await assertText(out(page, 'kind'), 'certainty');

  // A bad value is named by the server, at its field.
  await page.getByLabel('Gain g when honoured (number)').fill('-1');
  await assertText(page.locator('.error[role="alert"] li'), 'situation.gain = -1: must be in [0, inf)');
  await page.getByLabel('Gain g when honoured (number)').fill('1');
  await page.getByLabel('Loss l when betrayed (number)').fill('1');

  // A control option adds P(control).
  await page.getByLabel('Offer a control option (a safeguard)').check();
  await page.locator('[data-out="p_control"]').waitFor();
  const sum = ['p_abstain', 'probability', 'p_control'].map(async (k) => Number(await out(page, k).textContent()));
  const total = (await Promise.all(sum)).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 0.0021, `the three acts' probabilities add to 1 (${total})`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('explorer on a phone', { skip }, async () => {
  const page = await b.open('/explorer?trait=0.3&p=0.7&n=6&gain=2&loss=1.5', { width: 390, height: 844 });
  await assertText(out(page, 'probability'), pTrust(0.3, 0.7, 2, 1.5).toFixed(3));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px too wide)`);
  await shot(page, 'explorer-phone');
  await page.close();
});

test('experience lab: encounters move the belief', { skip }, async () => {
  const { page, summary } = await openExperience(b);
  // The default sequence: five honours, one betrayal, five honours from
  // the prior Beta(1, 1): a = 1 + 10, b = 1 + 2.
  await assertText(summary, 'After 11 encounters: belief p 0.786 (a 11.00, b 3.00)');

  await page.getByRole('button', { name: 'Clear' }).click();
  await assertText(summary, 'After 0 encounters: belief p 0.500 (a 1.00, b 1.00)');
  await page.getByRole('button', { name: 'Honour' }).click();
  await page.getByRole('button', { name: 'Honour' }).click();
  await assertText(summary, 'After 2 encounters: belief p 0.750 (a 3.00, b 1.00)');
  // One betrayal (weight 2) undoes two honours.
  await page.getByRole('button', { name: 'Betray' }).click();
  await assertText(summary, `After 3 encounters: belief p 0.500 (a 3.00, b 3.00), P(trust) ${pTrust(0.5, 0.5, 1, 1).toFixed(3)}, undecided`);
  // Keyboard: Undo by Enter on the focused button.
  await page.getByRole('button', { name: 'Undo' }).focus();
  await page.keyboard.press('Enter');
  await assertText(summary, 'After 2 encounters: belief p 0.750');

  // Play a preset and watch it arrive encounter by encounter.
  await page.getByLabel('Preset sequence').selectOption('BHHHHHHHHHH');
  await page.getByRole('button', { name: 'Play' }).click();
  await assertText(summary, 'After 1 encounter: belief p 0.250 (a 1.00, b 3.00)');
  await assertText(summary, 'After 11 encounters: belief p 0.786 (a 11.00, b 3.00)');
  assert.equal(await page.locator('.chips li').count(), 11);

  // Compare w_minus = 1 against 3 on the five-one-five sequence.
  await page.getByLabel('Sequence', { exact: true }).fill('HHHHHBHHHHH');
  await page.getByLabel('Compare with a second setting (B)').check();
  await page.getByLabel('Comparison preset').selectOption('w_minus');
  await page.getByRole('button', { name: 'Apply preset' }).click();
  await assertText(summary, `setting A: belief p ${(11 / 13).toFixed(3)} (a 11.00, b 2.00)`);
  await assertText(summary, `setting B: belief p ${(11 / 15).toFixed(3)} (a 11.00, b 4.00)`);
  assert.equal(await page.locator('[data-testid="belief-chart"] .series').count(), 2);
  assert.equal(await page.locator('.steps table').count(), 2);
  await shot(page, 'experience');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('experience lab on a phone', { skip }, async () => {
  const page = await b.open('/experience', { width: 390, height: 844 });
  await assertText(page.locator('[data-testid="summary"]'), 'After 11 encounters');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px too wide)`);
  await shot(page, 'experience-phone');
  await page.close();
});
