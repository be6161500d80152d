// Browser tests of the sweep launcher (issue #18): an example sweep loaded
// from the server, a mistake marked at its line of the sweep file, then a
// small sweep run on the server with its progress, its summary plots (the
// server's) and its table of means, which are summary.csv's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, skip, shot, assertText, markedLines, loadExample } from './harness.mjs';

const b = useBrowser();

const SWEEP = `name: browser-sweep
seed: 9
replications: 2
base:
  steps: 20
  population: {size: 150, trait: 0.5, trustworthiness: 0.8}
  network: {kind: k-out, k: 4}
  situation: {game: binary, gain: 1, loss: 1}
axes:
  situation.loss: [0.5, 1, 2]
  feedback: [own, full]
`;

test('sweeps: an example, an error at its line, then a sweep with its summary plots and table', { skip, timeout: 180000 }, async () => {
  const page = await b.open('/sweeps');
  await assertText(page.locator('main'), 'No sweeps yet.');
  await loadExample(page, 'Example sweep', 'exploiters', 'exploiters');
  const ed = page.getByLabel('Sweep file (YAML)');
  assert.match(await ed.inputValue(), /name: exploiters/);

  // A value the scenario format refuses: the server's check, as it is
  // typed, marks it at its line of the sweep file; submitting it is refused.
  await ed.fill(SWEEP.replace('[own, full]', '[own, loud]'));
  await assertText(page.getByTestId('check-status'), 'found 1 problem, marked at their line');
  assert.deepEqual(await markedLines(page), [11]);
  await assertText(page.locator('.editor-errors'), '"loud": must be one of own, full, social');
  await page.getByRole('button', { name: 'Run the sweep on the server' }).click();
  await assertText(page.locator('form .status-line'), 'The sweep has 1 problem');
  assert.match(page.url(), /\/sweeps$/);

  await ed.fill(SWEEP);
  await assertText(page.getByTestId('check-status'), 'accepts this sweep (its largest run: 150 agents, 20 steps)');
  assert.equal(await page.locator('.editor .ln.err').count(), 0);
  await page.getByRole('button', { name: 'Run the sweep on the server' }).click();
  await page.waitForURL(/\/sweeps\/[0-9a-f]+$/);
  const id = page.url().split('/').pop();
  await assertText(page.locator('[data-testid="status"]'), 'done', 150000);
  await assertText(page.locator('dl.facts'), 'browser-sweep');
  await assertText(page.locator('dl.facts'), '0.5, 1, 2');
  // The summary plot of trust: the server's, against each axis and both.
  const plots = page.locator('[data-testid="sweep-plots"] img');
  await plots.first().waitFor();
  assert.deepEqual(await plots.evaluateAll((is) => is.map((i) => i.getAttribute('src').split('/').pop())),
    ['trust_rate-by-situation_loss.svg', 'trust_rate-by-feedback.svg', 'trust_rate-situation_loss-x-feedback.svg']);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="sweep-plots"] img')].every((i) => i.complete && i.naturalWidth > 0));
  // The table: one row per cell, the means of summary.csv.
  const table = page.getByTestId('sweep-table');
  assert.equal(await table.locator('tbody tr').count(), 6);
  const csv = (await (await page.request.get(`${b.srv.url}/api/v1/sweeps/${id}/summary.csv`)).text()).trim().split('\n').map((l) => l.split(','));
  const col = (k) => csv[0].indexOf(k);
  const want = csv.find((r) => r[col('metric')] === 'trust_rate' && r[col('situation.loss')] === '2' && r[col('feedback')] === 'full');
  const cells = await table.locator(`tbody tr[data-cell="${want[col('cell')]}"] td`).allTextContents();
  assert.deepEqual(cells.slice(0, 4), ['2', 'full', '2', Number(want[col('mean')]).toFixed(3)]);
  // Another measure: its plots and rows.
  await page.getByLabel('Measure', { exact: true }).selectOption('honour_rate');
  await assertText(page.locator('[data-testid="sweep-table"] caption'), 'honour_rate');
  assert.match(await plots.first().getAttribute('src'), /plots\/honour_rate-by-situation_loss\.svg$/);
  await shot(page, 'sweep');
  await page.getByRole('link', { name: '← All sweeps' }).click();
  await assertText(page.locator('[data-testid="sweeps-list"]'), 'browser-sweep: 6 cells × 2');
  assert.deepEqual(page.errors, []);
  await page.close();
  // On a phone: the form and the summary fit the screen.
  const phone = await b.newPage({ width: 390, height: 844 });
  for (const p of ['/sweeps', `/sweeps/${id}`]) {
    await phone.goto(`${b.srv.url}${p}`);
    await phone.locator(p === '/sweeps' ? '[data-testid="editor"]' : '[data-testid="sweep-table"]').waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${p}: no sideways scrolling (${overflow}px)`);
  }
  assert.deepEqual(phone.errors, []);
  await phone.close();
});
