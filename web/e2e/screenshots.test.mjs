// Screenshots leave the tree clean: shot() writes into a temporary folder
// and copies into docs/screenshots only with UPDATE_SCREENSHOTS=1. Tested
// without a browser, with a stand-in page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { shot, docsScreenshots, updateScreenshots } from './harness.mjs';

test('screenshots go to a temporary folder, not docs/screenshots', { skip: updateScreenshots && 'UPDATE_SCREENSHOTS=1 is set' }, async () => {
  const name = `zz-harness-check-${process.pid}`;
  const before = existsSync(docsScreenshots) ? readdirSync(docsScreenshots).map((f) => [f, statSync(path.join(docsScreenshots, f)).mtimeMs]) : [];
  let written = '';
  const page = { screenshot: async ({ path: p }) => { written = p; writeFileSync(p, 'not a png'); } };
  await shot(page, name);
  try {
    assert.ok(existsSync(written), `shot wrote ${written}`);
    assert.ok(!written.startsWith(docsScreenshots), `shot wrote into docs/screenshots: ${written}`);
    const after = existsSync(docsScreenshots) ? readdirSync(docsScreenshots).map((f) => [f, statSync(path.join(docsScreenshots, f)).mtimeMs]) : [];
    assert.deepEqual(after, before, 'docs/screenshots changed');
  } finally {
    rmSync(path.dirname(written), { recursive: true, force: true }); // this process's folder
  }
});
