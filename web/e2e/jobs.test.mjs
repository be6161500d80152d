// Browser tests of the simulation and fit pages against a real
// `trustlab serve`: a scenario with errors marked at their lines, a small
// run with live progress and its charts, and a fit of a small invented
// data set with its comparison table and per-subject chart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, skip, shot, assertText, refusedLines, loadFitFiles, loadExample, SMALL_TRAP } from './harness.mjs';

const b = useBrowser();

test('simulations: errors at their lines, then a run with progress and charts', { skip }, async () => {
  const page = await b.open('/runs');
  await assertText(page.locator('main'), 'No runs yet.');
  // The examples come from the server.
  await loadExample(page, 'Example scenario', 'trust-trap', 'learning-trust');
  assert.match(await page.getByLabel('Scenario (YAML)').inputValue(), /name: learning-trust/);

  // Two mistakes, on lines 4 and 7.
  const bad = SMALL_TRAP.replace('steps: 60', 'steps: -1').replace('  trustworthiness: 0.95', '  trustworthyness: 0.95');
  await page.getByLabel('Scenario (YAML)').fill(bad);
  const marked = await refusedLines(page, 'Run on the server');
  assert.deepEqual(marked, [4, 8], 'the gutter marks the lines of the two errors');
  await assertText(page.locator('.editor-errors'), 'line 4, column 8: steps: -1');
  await assertText(page.locator('.editor-errors'), 'population.trustworthyness: unknown key');
  // The error's link puts the caret on its line.
  await page.getByRole('button', { name: /line 8, column 3/ }).click();
  const caretLine = await page.getByLabel('Scenario (YAML)').evaluate((t) => t.value.slice(0, t.selectionStart).split('\n').length);
  assert.equal(caretLine, 8);
  await shot(page, 'simulations-errors');

  // Fixed, it runs; the page follows it to the end.
  await page.getByLabel('Scenario (YAML)').fill(SMALL_TRAP);
  assert.equal(await page.locator('.editor .ln.err').count(), 0, 'editing clears the marks');
  await page.getByRole('button', { name: 'Run on the server' }).click();
  await page.waitForURL(/\/runs\/[A-Za-z0-9_-]+$/);
  await assertText(page.locator('[data-testid="status"]'), 'done', 60000);
  await assertText(page.locator('[data-testid="status"]'), '60 of 60 (100%)');
  await assertText(page.locator('h1'), 'browser-test');
  // The run time is in a unit that shows it (a fast run is not "0.000 s").
  const runTime = await page.locator('dt:text-is("Run time") + dd').textContent();
  assert.match(runTime, /^\d[\d.]* (µs|ms|s) \([\d.]+( thousand| million| billion)? interactions\/s\)$/, runTime);
  const charts = page.locator('[data-testid="run-charts"] img');
  await charts.first().waitFor();
  assert.ok(await charts.count() >= 2, 'the run shows its charts');
  // Every chart loaded and has alternative text.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="run-charts"] img')].every((i) => i.complete && i.naturalWidth > 0));
  for (const alt of await charts.evaluateAll((els) => els.map((e) => e.alt))) assert.ok(alt.length > 10);
  // The CSV download is the server's file.
  const href = await page.getByRole('link', { name: 'steps.csv' }).getAttribute('href');
  const csv = await (await fetch(b.srv.url + href)).text();
  assert.match(csv.split('\n')[0], /^step,/);
  assert.equal(csv.trim().split('\n').length - 1 >= 60, true, 'one row per step (at least)');
  await shot(page, 'simulation-run');

  // The run is listed with its name.
  await page.getByRole('link', { name: '← All simulations' }).click();
  const row = page.locator('[data-testid="runs-list"] tbody tr').first();
  await assertText(row, 'browser-test');
  await assertText(row, 'done');
  await shot(page, 'simulations');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('fits: upload a small data set and see its fit', { skip }, async () => {
  const page = await b.open('/fits');
  await loadFitFiles(page, 'invented');
  // A mistake in the spec is marked at its line, from the error's fields.
  const spec = await page.locator('[data-testid="editor"]').inputValue();
  await page.locator('[data-testid="editor"]').fill(spec.replace('endowment: 10', 'endowment: ten'));
  const marked = await refusedLines(page, 'Fit on the server');
  assert.deepEqual(marked, [8], 'the gutter marks the line of the bad endowment');
  await assertText(page.locator('.editor-errors'), 'line 8, column 14: field "game.endowment": "ten": must be a number');
  await page.locator('[data-testid="editor"]').fill(spec);
  await page.getByRole('button', { name: 'Fit on the server' }).click();
  await page.waitForURL(/\/fits\/[A-Za-z0-9_-]+$/);
  await assertText(page.locator('[data-testid="status"]'), 'done', 120000);
  const table = page.locator('[data-testid="comparison"]');
  await table.waitFor();
  const models = await table.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.model));
  // The variants, the rival models, then the full model under the other response models.
  assert.deepEqual(models, ['full', 'no_asymmetry', 'no_risk', 'no_trait', 'no_learning', 'baseline', 'rw', 'rw2', 'reciprocity',
    'full[bb]', 'full[lapse]', 'full[hurdle]', 'full[lapse+hurdle]']);
  // The full model's ΔAIC against itself is zero.
  const cells = await table.locator('tr[data-model="full"] td').allTextContents();
  const head = await table.locator('thead th').allTextContents();
  assert.equal(cells[head.indexOf('ΔAIC') - 1], '0.0');
  // Per subject: estimates and the observed-against-predicted chart.
  await assertText(page.locator('[data-testid="subject"] caption'), 'Estimates for subject s1');
  await page.getByLabel('Subject', { exact: true }).selectOption('s4');
  await assertText(page.locator('[data-testid="subject"] caption'), 'Estimates for subject s4');
  const chart = page.locator('[data-testid="subject"] svg.chart');
  await chart.waitFor();
  assert.equal(await chart.locator('.series[data-series="observed"] .marker').count(), 5, 'five observed trials');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="fit-charts"] img')].every((i) => i.complete && i.naturalWidth > 0));
  await shot(page, 'fit');
  await page.getByRole('link', { name: '← All fits' }).click();
  await assertText(page.locator('[data-testid="fits-list"]'), '6 subjects, 30 trials');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('simulations and fits on a phone', { skip }, async () => {
  const page = await b.newPage({ width: 390, height: 844 });
  for (const p of ['/runs', '/fits']) {
    await page.goto(`${b.srv.url}${p}`);
    await page.locator('[data-testid="editor"]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${p}: no sideways scrolling on a phone (${overflow}px too wide)`);
  }
  await shot(page, 'fits-phone');
  await page.close();
});
