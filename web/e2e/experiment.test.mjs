// A whole experiment session in real Chromium against `trustlab serve`:
// the researcher opens a session on the experiments page, six participants
// (each a browser context of its own, at phone size) join with their links,
// answer the questionnaire and play 10 rounds with two bots in the session;
// one participant reloads and resumes, one leaves and is replaced by a bot.
// The monitor shows the right counts and live fits, "Fit this session" fits
// without error, and the exported trials.csv matches the choices the test
// made, row for row.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, skip, shot, assertText, CHROMIUM } from './harness.mjs';

const DESIGN = `name: browser-session
game:
  kind: investment
  endowment: 10
  multiplier: 3
  rounds: 10
  show_up: Thank you for taking part in this test session.
roles: {matching: fixed, switch_at: 6}
participants: 6
bots:
  - {name: steady, count: 1, trustee: {kind: probabilistic, w: 0.8}, trustor: {tau: 0.6}, delay: 100ms}
  - {name: conman, count: 1, trustee: {kind: con-artist, honours: 3}, trustor: {tau: 0.4}, delay: 100ms}
timing: {round_timeout: 60s, dropout_after: 3s}
replacement: {trustee: {kind: reciprocal, w: 0.5, slope: 0.5}, trustor: {tau: 0.5}, delay: 100ms}
questionnaire:
  min: 1
  max: 5
  items:
    - {id: gt1, text: Most people I meet mean well.}
    - {id: gt3, text: "When someone is kind to me, I assume they want something.", reverse: true}
arms:
  - {name: own, feedback: own}
  - {name: full, feedback: full}
`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('experiment: six participants and two bots play a whole session; the export fits and matches the choices', { skip, timeout: 300000 }, async () => {
  const srv = await startServer();
  const profile = mkdtempSync(path.join(tmpdir(), 'trustlab-e2e-exp-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const errors = [];
  const watch = (page, who) => {
    page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/status of (400|409)/.test(m.text())) errors.push(`${who}: ${m.text()}`); });
  };
  try {
    // The researcher opens the session.
    const rctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    const monitor = await rctx.newPage();
    watch(monitor, 'monitor');
    await monitor.goto(`${srv.url}/experiments`);
    const editorBox = monitor.getByLabel('Experiment design (experiment.yaml)');
    await assertText(monitor.locator('main'), 'Sessions');
    await editorBox.fill(DESIGN.replace('rounds: 10', 'rounds: 0'));
    await monitor.getByRole('button', { name: 'Check' }).click();
    await assertText(monitor.locator('.editor-errors'), 'game.rounds: 0: must be in [1, 200]');
    await editorBox.fill(DESIGN);
    await monitor.getByRole('button', { name: 'Open a session' }).click();
    await monitor.waitForURL(/\/experiments\/[0-9a-f]+$/);
    const sessionId = monitor.url().split('/').pop();
    await monitor.locator('[data-testid="links"] a').first().waitFor({ state: 'attached' });
    const links = await monitor.locator('[data-testid="links"] a').evaluateAll((as) => as.map((a) => ({ label: a.dataset.label, href: a.getAttribute('href') })));
    assert.equal(links.length, 6);
    await assertText(monitor.locator('[data-count="invited"]'), '6');

    // Six participants, each in a browser context of its own, on phones.
    const people = [];
    for (const [i, l] of links.entries()) {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB', timezoneId: 'UTC' });
      const page = await ctx.newPage();
      watch(page, l.label);
      await page.goto(srv.url + l.href);
      people.push({ ...l, i, ctx, page, active: true });
    }
    for (const p of people) {
      await p.page.locator('[data-testid="questionnaire"]').waitFor();
      await p.page.locator('#q-gt1-4').check();
      await p.page.locator(`#q-gt3-${1 + (p.i % 5)}`).check();
      await p.page.getByRole('button', { name: 'Continue' }).click();
    }
    await assertText(monitor.locator('[data-count="questionnaire"]'), '6');

    // A participant cannot send more than the endowment: a clear 400.
    const tok = people[0].href.split('/').pop();
    const bad = await people[0].page.request.post(`${srv.url}/api/v1/play/${tok}/choice`, { data: { round: 1, amount: 11 } });
    assert.equal(bad.status(), 400);
    assert.match((await bad.json()).error.message, /must be a whole number in \[0, 10\]/);
    // Nor read the researcher's routes.
    assert.equal((await people[0].page.request.get(`${srv.url}/api/v1/play/${'x'.repeat(43)}`)).status(), 404);

    const t0 = Date.now();
    // Play. Each participant takes every turn it is offered; p06 leaves
    // after its third round, p02 reloads in round 4.
    const made = []; // {label, round, role, amount}
    const done = new Set();
    let reloaded = false;
    let shotTaken = false;
    const end = Date.now() + 180000;
    while (Date.now() < end) {
      const st = await monitor.locator('[data-testid="session-status"]').getAttribute('data-status');
      if (st === 'finished') break;
      for (const p of people) {
        if (!p.active) continue;
        const turn = p.page.locator('[data-testid="turn"]');
        if (!(await turn.count())) continue;
        const round = Number(await turn.getAttribute('data-round'));
        const role = await turn.getAttribute('data-role');
        const max = Number(await turn.getAttribute('data-max'));
        const key = `${p.label}/${round}`;
        if (done.has(key)) continue;
        if (p.label === 'p06' && round > 3) {
          await p.ctx.close();
          p.active = false;
          continue;
        }
        if (p.label === 'p02' && round === 4 && !reloaded) {
          reloaded = true;
          await p.page.reload();
          await p.page.locator('[data-testid="turn"]').waitFor();
          assert.equal(await p.page.locator('[data-testid="turn"]').getAttribute('data-round'), '4', 'p02 resumes in round 4');
          const rounds = await p.page.locator('[data-testid="history"] tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.round)).filter((r) => r <= 3).sort());
          assert.deepEqual(rounds, [1, 2, 3], 'with its first three rounds');
        }
        const amount = role === 'trustor' ? (round + p.i) % (max + 1) : Math.floor(max / 3);
        await p.page.locator('#amount').fill(String(amount));
        if (!shotTaken && p.label === 'p01' && round >= 3) {
          shotTaken = true;
          await shot(p.page, 'experiment-phone');
        }
        const send = p.page.getByTestId('send');
        if (p.label === 'p03' && round === 2) {
          await send.dblclick(); // a double click records once
        } else {
          await send.click();
        }
        done.add(key);
        made.push({ label: p.label, round, role, amount });
      }
      await sleep(80);
    }
    await assertText(monitor.locator('[data-testid="session-status"]'), 'Finished', 20000);
    const played = Date.now();

    // The monitor's counts.
    const count = async (k) => Number(await monitor.locator(`[data-count="${k}"]`).textContent());
    assert.equal(await count('joined'), 6);
    assert.equal(await count('questionnaire'), 6);
    assert.equal(await count('replaced'), 1);
    assert.equal(await count('bots'), 2);
    assert.equal(await count('timeouts'), 0);
    await assertText(monitor.locator('[data-testid="seats"] tr[data-label="p06"]'), 'replaced (dropout)');
    // Live fits reached the monitor.
    await assertText(monitor.locator('[data-testid="seats"] tr[data-label="p01"] td[data-fit="tau"]'), '0.', 30000);
    await shot(monitor, 'experiment-monitor');

    // The exported trials.csv matches the test's choices, row for row.
    const api = `${srv.url}/api/v1/experiments/sessions/${sessionId}`;
    const csv = (await (await monitor.request.get(`${api}/export/trials.csv`)).text()).trim().split('\n').map((l) => l.split(','));
    const head = csv[0];
    const col = (n) => head.indexOf(n);
    const rows = csv.slice(1);
    const got = rows.map((r) => `${r[col('subject')]} ${r[col('round')]} ${r[col('sent')]}`).sort();
    const want = made.filter((m) => m.role === 'trustor').map((m) => `${m.label} ${m.round} ${m.amount}`).sort();
    assert.deepEqual(got, want, 'one row per trustor choice of a participant');
    const returns = new Map(made.filter((m) => m.role === 'trustee').map((m) => [`${m.label} ${m.round}`, m.amount]));
    let checked = 0;
    for (const r of rows) {
      const k = `${r[col('partner')]} ${r[col('round')]}`;
      if (returns.has(k) && Number(r[col('sent')]) > 0) {
        assert.equal(Number(r[col('returned')]), returns.get(k), `returned in ${k}`);
        checked += 1;
      }
    }
    assert.ok(checked > 0, 'some returns were made by participants');
    assert.equal((await monitor.request.get(`${api}/export/trials.parquet`)).status(), 200);

    // Fit this session: the fit job finishes without error.
    await monitor.getByRole('button', { name: 'Fit this session' }).click();
    const fitLink = monitor.getByTestId('fit-link');
    await fitLink.waitFor();
    const fitId = (await fitLink.getAttribute('href')).split('/').pop();
    let job = null;
    for (const f0 = Date.now(); Date.now() - f0 < 180000;) {
      job = await (await monitor.request.get(`${srv.url}/api/v1/fits/${fitId}`)).json();
      if (['done', 'failed', 'cancelled'].includes(job.status)) break;
      await sleep(500);
    }
    assert.equal(job.status, 'done', `fit: ${JSON.stringify(job.error || job.status)}`);
    console.log(`played 10 rounds in ${((played - t0) / 1000).toFixed(1)} s; checks, export and the fit in ${((Date.now() - played) / 1000).toFixed(1)} s`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
    await srv.stop();
  }
});
