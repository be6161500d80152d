// Browser tests of the teaching defects of #18: what a teacher sees on the
// explorer, the experience lab, the runs and the fits pages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, skip, assertText } from './harness.mjs';

const b = useBrowser();
const out = (page, k) => page.locator(`[data-out="${k}"]`);
const lambda = (tau) => Math.exp(2 * (0.5 - tau));

test('runs: the trust-trap example says to run again under full feedback', { skip }, async () => {
  const page = await b.newPage();
  await page.goto(`${b.srv.url}/runs`);
  const examples = page.getByLabel('Example scenario');
  await assertText(examples, 'trust-trap');
  await examples.selectOption('trust-trap');
  const info = page.locator('.example-info');
  await assertText(info, 'Run it again with `feedback: full`');
  assert.doesNotMatch(await info.textContent(), /again with `feedback: own`/);
  await page.close();
});
