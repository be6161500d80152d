// Browser tests of the fits page's form (issue #18): the options of
// `trustlab fit` as controls, checked by the server and its errors shown
// next to them; the CSV preview with the spec's columns highlighted; spec
// errors marked at their line without an alert; a fit split by treatment
// on real data (Berg et al. 1995), its levels side by side.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { useBrowser, skip, shot, here, repo, assertText, refusedLines } from './harness.mjs';

const b = useBrowser();
const shared = path.resolve(repo, '..', 'shared', 'data');
const mikus = path.join(shared, 'mikus2023', 'trials.csv');
const berg = path.join(shared, 'berg1995', 'pairs.csv');
const noData = skip || (!existsSync(mikus) || !existsSync(berg) ? `no shared data at ${shared}` : false);

async function chooseSpec(page, name) {
  await assertText(page.getByLabel('Shipped data spec'), name);
  await page.getByLabel('Shipped data spec').selectOption(name);
  await page.waitForFunction((n) => document.querySelector('[data-testid="editor"]').value.includes(`name: ${n}`), name);
}

test('fits: the CSV preview, a missing column marked at its spec line, an option out of range next to its control', { skip: noData }, async () => {
  const page = await b.open('/fits');
  await page.setInputFiles('#fit-data', mikus);
  await chooseSpec(page, 'mikus2023');
  // The preview: the first 20 rows, the spec's columns highlighted with their roles.
  const preview = page.getByTestId('csv-preview');
  await assertText(preview, 'Preview of trials.csv');
  assert.equal(await preview.locator('tbody tr').count(), 20);
  // The preview follows the spec (redrawn a moment after it changes).
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="csv-preview"] thead th.mapped').length === 6);
  const mapped = await preview.locator('thead th.mapped').evaluateAll((ths) => ths.map((t) => `${t.dataset.column}:${t.dataset.role}`));
  assert.deepEqual(mapped, ['subject:subject', 'trustee:partner', 'trial:trial', 'investment:sent', 'backtransfer:outcome', 'treatment:group']);
  assert.equal(await preview.locator('tbody tr:first-child td.mapped').count(), 6);

  // A column the file lacks: the preview names it, and the server's error
  // is marked at the spec's line, not in an alert.
  const ed = page.locator('[data-testid="editor"]');
  const spec = await ed.inputValue();
  const line = spec.split('\n').findIndex((l) => l.startsWith('  sent:')) + 1;
  await ed.fill(spec.replace('sent: investment', 'sent: invest'));
  await assertText(page.getByTestId('csv-missing'), 'invest (columns.sent)');
  const marked = await refusedLines(page, 'Fit on the server');
  assert.deepEqual(marked, [line], 'the gutter marks the line of columns.sent');
  await assertText(page.locator('.editor-errors'), `line ${line}, column 3: field "columns.sent": column "invest" is not in the header of data.csv`);
  assert.equal(await page.locator('form .error[role="alert"]').isVisible(), false, 'no alert: the problem is at its line');
  await assertText(page.locator('form .status-line'), 'the spec\'s problems are marked at their lines');

  // Options out of range: each error next to its control, with its range.
  await ed.fill(spec);
  await page.getByText('Fit options (those of trustlab fit)').click();
  // The trustees' fit has its own models: the trustors' are not offered.
  await page.getByLabel('Whose decisions').selectOption('trustee');
  assert.equal(await page.getByLabel('no learning').isDisabled(), true);
  assert.equal(await page.getByLabel('baseline (ignores the situation)').isDisabled(), false);
  await page.getByLabel('Whose decisions').selectOption('');
  assert.equal(await page.getByLabel('no learning').isDisabled(), false);
  await page.getByLabel('Cross-validation: fraction fitted').fill('1.5');
  await page.getByLabel('fix gamma at').fill('2');
  await page.getByRole('button', { name: 'Fit on the server' }).click();
  const cvErr = page.locator('[data-error-for="cv_fraction"]');
  await assertText(cvErr, '1.5: must be in (0, 1)');
  assert.equal(await page.getByLabel('Cross-validation: fraction fitted').getAttribute('aria-invalid'), 'true');
  await assertText(page.locator('[data-error-for="fix"]'), 'gamma = 2: must be in (0, 1]');
  assert.equal(await page.locator('form .error[role="alert"]').isVisible(), false, 'no alert: the problems are next to their options');
  assert.equal(await page.locator('.editor .ln.err').count(), 0);
  assert.match(page.url(), /\/fits$/, 'nothing was submitted');
  await shot(page, 'fit-options-errors');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('fits: the options reach the fit; split by treatment, the levels side by side (Berg 1995)', { skip: noData, timeout: 180000 }, async () => {
  const page = await b.open('/fits');
  await page.setInputFiles('#fit-data', berg);
  await chooseSpec(page, 'berg1995');
  await page.getByText('Fit options (those of trustlab fit)').click();
  // The split offers the columns of the chosen file.
  const split = page.getByLabel('Split by column');
  await page.waitForFunction(() => [...document.querySelectorAll('select[name="split"] option')].some((o) => o.value === 'treatment'));
  await split.selectOption('treatment');
  await page.getByLabel('no learning').check();
  await page.getByLabel('Whose decisions').selectOption('trustor');
  await page.getByLabel('Estimator (prior)').selectOption('none');
  await page.getByLabel('Pooling').selectOption('group');
  await page.getByLabel('No cross-validation').check();
  await page.getByLabel('Posterior draws per subject').fill('0');
  await page.getByLabel('Predictive checks: sequences per subject').fill('0');
  await page.getByLabel('Optimizer restarts').fill('2');
  await page.getByLabel('Seed', { exact: true }).fill('11');
  await page.getByRole('button', { name: 'Fit on the server' }).click();
  await page.waitForURL(/\/fits\/[A-Za-z0-9_-]+$/);
  await assertText(page.locator('[data-testid="status"]'), 'done', 120000);
  const levels = page.getByTestId('level');
  await levels.first().waitFor();
  assert.deepEqual(await levels.evaluateAll((ls) => ls.map((l) => l.dataset.level)), ['no_history', 'social_history']);
  // Side by side: one comparison per level, each with the models asked for.
  for (const lv of ['no_history', 'social_history']) {
    const t = page.locator(`[data-testid="comparison"][data-level="${lv}"]`);
    assert.deepEqual(await t.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.model)), ['full', 'no_learning']);
  }
  const boxes = await levels.evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect()).map((r) => [Math.round(r.top), Math.round(r.left)]));
  assert.equal(boxes[0][0], boxes[1][0], 'the two levels are side by side');
  assert.ok(boxes[1][1] > boxes[0][1]);
  await assertText(page.locator('dl.facts'), 'treatment (2 levels)');
  // The options reached the fit: its manifest.
  const id = page.url().split('/').pop();
  const man = await (await page.request.get(`${b.srv.url}/api/v1/fits/${id}/manifest.json`)).json();
  assert.equal(man.prior, 'none');
  assert.equal(man.seed, 11);
  assert.equal(man.restarts, 2);
  assert.equal(man.pool, 'group');
  assert.equal(man.no_cv, true);
  assert.deepEqual(man.models, ['full', 'no_learning']);
  assert.deepEqual(man.levels.map((l) => [l.level, l.subjects]), [['no_history', 32], ['social_history', 28]]);
  // One level's subjects (pools), chosen by level.
  await page.getByLabel('treatment', { exact: true }).selectOption('social_history');
  await assertText(page.locator('[data-testid="subject"] caption'), 'Estimates for subject pool:social_history');
  await shot(page, 'fit-split');
  await page.getByRole('link', { name: '← All fits' }).click();
  await assertText(page.locator('[data-testid="fits-list"]'), '60 subjects, 60 trials, split by treatment (2 levels)');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('fits: under empirical Bayes each level of the split shows its population, side by side (mikus 2023, 8 subjects)', { skip: noData, timeout: 180000 }, async () => {
  // Four subjects of each treatment of the shared data.
  const [head, ...rows] = readFileSync(mikus, 'utf8').trim().split(/\r?\n/);
  const keep = new Map();
  for (const r of rows) {
    const [subject, , , , , treatment] = r.split(',');
    if (!keep.has(subject) && [...keep.values()].filter((t) => t === treatment).length < 4) keep.set(subject, treatment);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'trustlab-e2e-mikus-'));
  const file = path.join(dir, 'eight.csv');
  writeFileSync(file, [head, ...rows.filter((r) => keep.has(r.split(',')[0]))].join('\n') + '\n');
  const page = await b.newPage();
  try {
    await page.goto(`${b.srv.url}/fits`);
    await page.setInputFiles('#fit-data', file);
    await chooseSpec(page, 'mikus2023');
    await page.getByText('Fit options (those of trustlab fit)').click();
    await page.waitForFunction(() => [...document.querySelectorAll('select[name="split"] option')].some((o) => o.value === 'treatment'));
    await page.getByLabel('Split by column').selectOption('treatment');
    await page.getByLabel('baseline (ignores the situation)').check();
    await page.getByLabel('Estimator (prior)').selectOption('empirical');
    await page.getByLabel('No cross-validation').check();
    await page.getByLabel('Posterior draws per subject').fill('0');
    await page.getByLabel('Predictive checks: sequences per subject').fill('0');
    await page.getByLabel('Optimizer restarts').fill('1');
    await page.getByRole('button', { name: 'Fit on the server' }).click();
    await page.waitForURL(/\/fits\/[A-Za-z0-9_-]+$/);
    await assertText(page.locator('[data-testid="status"]'), 'done', 150000);
    const table = page.getByTestId('level-populations');
    await table.waitFor();
    assert.deepEqual(await table.locator('thead th').allTextContents(), ['parameter', 'treatment = control', 'treatment = sulpiride']);
    const id = page.url().split('/').pop();
    const man = await (await page.request.get(`${b.srv.url}/api/v1/fits/${id}/manifest.json`)).json();
    const pop = man.levels[1].population;
    assert.equal(pop.model, 'full');
    assert.equal(pop.subjects, 4);
    const k = pop.params.indexOf('tau');
    const cells = await table.locator('tr[data-param="tau"] td').allTextContents();
    assert.equal(cells.length, 2);
    assert.ok(cells[1].startsWith(pop.median[k].toFixed(3)), `${cells[1]} starts with the sulpiride median ${pop.median[k]}`);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
