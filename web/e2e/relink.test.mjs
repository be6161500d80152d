// A researcher replaces a participant's lost link from the monitor: "New
// link" shows a new link, the old one stops working at once (the
// participant page says it is not valid), and the new one opens the
// participant's page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer, skip, assertText, CHROMIUM } from './harness.mjs';

const DESIGN = `name: relink
game: {kind: investment, endowment: 10, multiplier: 3, rounds: 2}
participants: 2
timing: {round_timeout: 60s}
`;

test('experiment: a new link from the monitor replaces the old one', { skip, timeout: 120000 }, async () => {
  const srv = await startServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const errors = [];
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const monitor = await ctx.newPage();
    monitor.on('pageerror', (e) => errors.push(e.message));
    await monitor.goto(`${srv.url}/experiments`);
    await monitor.getByLabel('Experiment design (experiment.yaml)').fill(DESIGN);
    await monitor.getByRole('button', { name: 'Open a session' }).click();
    await monitor.waitForURL(/\/experiments\/[0-9a-f]+$/);
    await monitor.locator('[data-testid="links"] a').first().waitFor({ state: 'attached' });
    const links = await monitor.locator('[data-testid="links"] a').evaluateAll((as) => as.map((a) => ({ label: a.dataset.label, href: a.getAttribute('href') })));
    const old = links.find((l) => l.label === 'p01');
    assert.ok(old, `links: ${JSON.stringify(links)}`);

    await monitor.locator('[data-testid="seats"] tr[data-label="p01"] [data-action="relink"]').click();
    const fresh = monitor.locator('[data-testid="new-link"]');
    await fresh.waitFor();
    const href = await fresh.getAttribute('href');
    assert.match(href, /^\/play\/[A-Za-z0-9_-]{43}$/);
    assert.notEqual(href, old.href);

    const pctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await pctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${srv.url}${old.href}`);
    await assertText(page.locator('[data-testid="play-error"]'), 'This link is not valid');
    await page.goto(`${srv.url}${href}`);
    await assertText(page.locator('main'), 'Trust game');
    assert.equal(await page.locator('[data-testid="play-error"]').isVisible(), false, 'the new link shows an error');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await srv.stop();
  }
});
