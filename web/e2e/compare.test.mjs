// Browser tests of two runs side by side (issue #18): two finished runs
// chosen on the runs page, their per-step measures overlaid and a table of
// final measures whose difference is the difference of the runs' own
// steps.csv; and two examples run at once and compared.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useBrowser, skip, shot, assertText, repo } from './harness.mjs';

// The chart style of the server's plots (web/static/js/chartstyle.js, generated from package report).
const styleText = readFileSync(path.join(repo, 'web', 'static', 'js', 'chartstyle.js'), 'utf8');
const STYLE = JSON.parse(styleText.slice(styleText.indexOf('Object.freeze(') + 14, styleText.lastIndexOf(');')));
const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

const b = useBrowser();

const scenario = (name, tw) => `name: ${name}
seed: 3
steps: 40
population:
  size: 300
  trait: {dist: uniform, min: 0.3, max: 0.7}
  trustworthiness: ${tw}
network: {kind: k-out, k: 4}
situation: {game: binary, gain: 1, loss: 1}
feedback: own
`;

async function waitDone(page, url, id) {
  for (let i = 0; i < 600; i++) {
    const j = await (await page.request.get(`${url}/api/v1/runs/${id}`)).json();
    if (j.status === 'done') return j;
    assert.ok(!['failed', 'cancelled'].includes(j.status), `run ${id}: ${j.status} ${j.error || ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`run ${id} not done`);
}

/** lastAll is the last row of group "all" of a steps.csv, by column. */
function lastAll(text) {
  const [head, ...rows] = text.trim().split('\n').map((l) => l.split(','));
  const all = rows.filter((r) => r[head.indexOf('group')] === 'all');
  return Object.fromEntries(head.map((k, i) => [k, all[all.length - 1][i]]));
}

test('runs: two finished runs side by side, overlaid per step, with the difference of their final measures', { skip }, async () => {
  const page = await b.newPage();
  const url = b.srv.url;
  const ids = [];
  for (const [name, tw] of [['honest-world', 0.95], ['shady-world', 0.3]]) {
    const r = await page.request.post(`${url}/api/v1/runs`, { data: { scenario: scenario(name, tw) }, headers: { 'X-Trustlab': '1' } });
    assert.equal(r.status(), 202, await r.text());
    ids.push((await r.json()).id);
  }
  for (const id of ids) await waitDone(page, url, id);
  await page.goto(`${url}/runs`);
  const panel = page.getByTestId('compare-panel');
  await assertText(panel.getByLabel('Run A'), 'honest-world');
  await panel.getByLabel('Run A').selectOption(ids[0]);
  await panel.getByLabel('Run B').selectOption(ids[1]);
  await panel.getByRole('button', { name: 'Compare side by side' }).click();
  await page.waitForURL(new RegExp(`/runs/compare\\?a=${ids[0]}&b=${ids[1]}$`));
  const charts = page.getByTestId('compare-charts');
  await charts.locator('figure').first().waitFor({ timeout: 30000 });
  // One chart per measure, each with both runs: A solid, B dashed.
  const trust = charts.locator('[data-measure="trust_rate"]');
  assert.deepEqual(await trust.locator('g.series').evaluateAll((gs) => gs.map((g) => g.dataset.series)), ['A: honest-world', 'B: shady-world']);
  assert.deepEqual(await trust.locator('g.series path.line').evaluateAll((ps) => ps.map((p) => p.classList.contains('dash'))), [false, true]);
  for (const m of ['honour_rate', 'mean_payoff']) assert.equal(await charts.locator(`[data-measure="${m}"] g.series`).count(), 2, m);
  // One chart style with the server's plots: its palette, line width and dash pattern.
  const drawn = await trust.locator('g.series path.line').evaluateAll((ps) => ps.map((p) => {
    const cs = getComputedStyle(p);
    return { stroke: cs.stroke, width: cs.strokeWidth, dash: cs.strokeDasharray };
  }));
  const px = STYLE.screen_px_per_pt;
  assert.equal(drawn[0].stroke, rgb(STYLE.palette[0]));
  assert.equal(drawn[1].stroke, rgb(STYLE.palette[1]));
  assert.equal(drawn[0].width, `${STYLE.line_width_pt * px}px`);
  assert.equal(drawn[1].dash, STYLE.dashes_pt[1].map((d) => `${+(d * px).toFixed(3)}px`).join(', '));
  assert.equal(drawn[0].dash, 'none');
  // The final measures are the runs' last rows; B − A their difference.
  const last = [];
  for (const id of ids) last.push(lastAll(await (await page.request.get(`${url}/api/v1/runs/${id}/steps.csv`)).text()));
  const row = page.locator('[data-testid="final-diff"] tr[data-measure="Trust rate (last step)"] td');
  const cells = await row.allTextContents();
  const [a, c] = [Number(last[0].trust_rate), Number(last[1].trust_rate)];
  assert.deepEqual(cells.slice(0, 2), [a.toFixed(3), c.toFixed(3)]);
  const d = c - a;
  assert.equal(cells[2], `${d > 0 ? '+' : d < 0 ? '−' : ''}${Math.abs(d).toFixed(3)}`);
  assert.ok(a > c, 'more trust among trustworthy partners');
  await shot(page, 'runs-compare');
  assert.deepEqual(page.errors, []);
  await page.close();
  const phone = await b.newPage({ width: 390, height: 844 });
  await phone.goto(`${url}/runs/compare?a=${ids[0]}&b=${ids[1]}`);
  await phone.locator('[data-testid="compare-charts"] figure').first().waitFor({ timeout: 30000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);
  await phone.close();
});

test('runs: two examples run at once and compared when both are done', { skip, timeout: 180000 }, async () => {
  const page = await b.open('/runs');
  const panel = page.getByTestId('compare-panel');
  await assertText(panel.getByLabel('Example A'), 'investment-game');
  await panel.getByLabel('Example A').selectOption('investment-game');
  await panel.getByLabel('Example B').selectOption('investment-calibrated');
  await panel.getByRole('button', { name: 'Run both and compare' }).click();
  await page.waitForURL(/\/runs\/compare\?a=[0-9a-f]+&b=[0-9a-f]+$/);
  const table = page.getByTestId('final-diff');
  await table.waitFor({ timeout: 150000 });
  await assertText(table.locator('thead'), 'A: investment-game');
  await assertText(table.locator('thead'), 'B: investment-calibrated');
  // The investment game's measure: the fraction sent, in both runs.
  assert.equal(await page.locator('[data-testid="compare-charts"] [data-measure="sent_fraction"] g.series').count(), 2);
  assert.deepEqual(page.errors, []);
  await page.close();
});
