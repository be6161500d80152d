// Browser test of the web laboratory on a server with a token
// (`trustlab serve --token`): the page loads without it, asks for it in an
// accessible dialog, and then works through the session cookie, charts
// (<img src>) and CSV links included.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, skip, shot, assertText, SMALL_TRAP } from './harness.mjs';

const TOKEN = 'e2e-7f3a9c1d2b4e';

const b = useBrowser({ token: TOKEN });

test('with a token: sign in, explore, run, see the charts, sign out', { skip }, async () => {
  // Without the token the API refuses; the page itself loads.
  assert.equal((await fetch(`${b.srv.url}/api/v1/runs`)).status, 401);
  assert.equal((await fetch(`${b.srv.url}/explorer`)).status, 200);

  const page = await b.browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The 401 answers before signing in are expected, and so are the 400s
  // of the scenario builder's check when the text has problems
  // (POST /api/v1/runs/check, docs/web.md "The scenario builder").
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[01]/.test(m.text())) errors.push(m.text()); });

  await page.goto(`${b.srv.url}/explorer`);
  const dialog = page.getByRole('dialog', { name: 'Sign in to this laboratory' });
  await dialog.waitFor();
  const field = dialog.getByLabel('Access token');
  assert.ok(await field.evaluate((el) => el === document.activeElement), 'the token field has the focus');
  // Escape does not dismiss it: the page cannot work without a session.
  await page.keyboard.press('Escape');
  assert.ok(await dialog.isVisible());

  // A wrong token is named as such.
  await field.fill('not-the-token');
  await page.keyboard.press('Enter');
  await assertText(dialog.getByRole('alert'), 'That token is not right');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await shot(page, 'signin');

  await field.fill(TOKEN);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await dialog.waitFor({ state: 'detached' });
  // The explorer's numbers come from the API (POST, with the cookie and X-Trustlab).
  await assertText(page.locator('[data-out="kind"]'), 'trust');
  const cookies = await b.browser.context.cookies(b.srv.url + '/api/');
  const c = cookies.find((k) => k.name === 'trustlab_session');
  assert.ok(c && c.httpOnly && c.sameSite === 'Strict' && c.path === '/api/', `session cookie ${JSON.stringify(c)}`);
  assert.ok(!c.value.includes(TOKEN), 'the cookie does not hold the token');
  assert.equal(await page.evaluate(() => document.cookie), '', 'no script can read the cookie');

  // A run: submitted, followed, its charts load as <img src>, its CSV downloads.
  await page.getByRole('link', { name: 'Simulations' }).click();
  await page.getByLabel('Scenario (YAML)').fill(SMALL_TRAP);
  await page.getByRole('button', { name: 'Run on the server' }).click();
  await page.waitForURL(/\/runs\/[A-Za-z0-9_-]+$/);
  await assertText(page.locator('[data-testid="status"]'), 'done', 60000);
  const charts = page.locator('[data-testid="run-charts"] img');
  await charts.first().waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="run-charts"] img')].every((i) => i.complete && i.naturalWidth > 0));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'steps.csv' }).click()]);
  const fs = await import('node:fs/promises');
  const csv = await fs.readFile(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /^step,/);

  // Signing out ends the session: the next API call asks again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await dialog.waitFor();
  assert.equal((await b.browser.context.cookies(b.srv.url + '/api/')).filter((k) => k.name === 'trustlab_session').length, 0);
  assert.deepEqual(errors, []);
  await page.close();
});
