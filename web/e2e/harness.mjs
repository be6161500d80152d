// The test harness: builds trustlab, starts `trustlab serve` on a free
// loopback port with a temporary data folder, and launches Debian's
// Chromium headless through playwright-core.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
/**
 * Screenshots are written to a temporary folder (or $TRUSTLAB_SCREENSHOTS),
 * so that running the tests leaves the tree clean; only with
 * UPDATE_SCREENSHOTS=1 are they also copied into docs/screenshots, the
 * ones the README shows.
 */
export const docsScreenshots = path.join(repo, 'docs', 'screenshots');
export const updateScreenshots = process.env.UPDATE_SCREENSHOTS === '1';
let screenshotDir = process.env.TRUSTLAB_SCREENSHOTS || null;
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let binary = null;

/** build compiles ./cmd/trustlab once per test process. */
export function build() {
  if (binary) return binary;
  const dir = mkdtempSync(path.join(tmpdir(), 'trustlab-e2e-bin-'));
  binary = path.join(dir, 'trustlab');
  execFileSync('go', ['build', '-o', binary, './cmd/trustlab'], { cwd: repo, stdio: 'inherit' });
  return binary;
}

/**
 * startServer runs `trustlab serve --addr 127.0.0.1:0 --data <tmp>` (with
 * `--token T` when opts.token is set) and resolves with {url, stop, logs}
 * once the server logs the address it bound.
 */
export async function startServer(opts = {}) {
  const bin = build();
  const data = mkdtempSync(path.join(tmpdir(), 'trustlab-e2e-data-'));
  const args = ['serve', '--addr', '127.0.0.1:0', '--data', data, '--log-format', 'json'];
  if (opts.token) args.push('--token', opts.token);
  const proc = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`trustlab serve did not report its address in 30 s:\n${logs}`)), 30000);
    const onData = (chunk) => {
      logs += chunk;
      for (const line of logs.split('\n')) {
        try {
          const rec = JSON.parse(line);
          if (rec.msg === 'listening' && rec.addr) {
            clearTimeout(timer);
            resolve(`http://${rec.addr}`);
            return;
          }
        } catch { /* partial or non-JSON line */ }
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`trustlab serve exited with ${code}:\n${logs}`)); });
  });
  return {
    url,
    logs: () => logs,
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** chromiumAvailable reports whether the browser is installed. */
export const chromiumAvailable = () => existsSync(CHROMIUM);

/** launch starts headless Chromium with a fresh profile and no background traffic. */
export async function launch() {
  const profile = mkdtempSync(path.join(tmpdir(), 'trustlab-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      '--disable-default-apps', '--disable-extensions'],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * shot saves a full-page screenshot <name>.png in the screenshot folder
 * (temporary unless $TRUSTLAB_SCREENSHOTS is set), and copies it into
 * docs/screenshots when UPDATE_SCREENSHOTS=1.
 */
export async function shot(page, name) {
  if (!screenshotDir) {
    screenshotDir = mkdtempSync(path.join(tmpdir(), 'trustlab-e2e-screenshots-'));
    console.log(`screenshots in ${screenshotDir}${updateScreenshots ? ', copied into docs/screenshots' : ' (UPDATE_SCREENSHOTS=1 copies them into docs/screenshots)'}`);
  }
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  if (updateScreenshots) {
    mkdirSync(docsScreenshots, { recursive: true });
    copyFileSync(file, path.join(docsScreenshots, `${name}.png`));
  }
}

/** assertText waits (up to 10 s) until the locator's text contains want. */
export async function assertText(loc, want, timeout = 10000) {
  const end = Date.now() + timeout;
  let got = '';
  while (Date.now() < end) {
    got = (await loc.first().textContent({ timeout }).catch(() => '')) || '';
    if (got.includes(want)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`text ${JSON.stringify(got)} does not contain ${JSON.stringify(want)}`);
}

// openPage opens a page of the browser's context at the viewport size and
// collects the page's script errors and console errors in page.errors. A
// 400 answer to a value a test made invalid on purpose is expected, so it
// is not collected.
export async function openPage(browser, viewport = { width: 1280, height: 900 }) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('status of 400')) errors.push(m.text()); });
  page.errors = errors;
  return page;
}

/**
 * skip is why the browser tests are skipped (Chromium is missing and this
 * is not CI), or false. Under CI=true a missing browser fails them.
 */
export const skip = !chromiumAvailable() && process.env.CI !== 'true'
  ? `no browser at ${CHROMIUM} (install chromium; under CI=true this fails)` : false;

/**
 * useBrowser registers a test file's hooks: before its tests, start
 * `trustlab serve` (startServer(opts)) and Chromium; after them, stop both.
 * It returns an object whose srv and browser are set once the tests run,
 * newPage(viewport), which opens a page (openPage), and open(path,
 * viewport), which opens a page at the server's path.
 */
export function useBrowser(opts = {}) {
  const env = {
    srv: null,
    browser: null,
    newPage: (viewport) => openPage(env.browser, viewport),
    async open(path, viewport) {
      const page = await env.newPage(viewport);
      await page.goto(`${env.srv.url}${path}`);
      return page;
    },
  };
  before(async () => {
    if (skip) return;
    assert.ok(chromiumAvailable(), `Chromium is required at ${CHROMIUM} (apt-get install chromium)`);
    env.srv = await startServer(opts);
    env.browser = await launch();
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.srv) await env.srv.stop();
  });
  return env;
}

/**
 * openExperience opens the experience lab at /experience + query in b
 * (useBrowser's) and resolves with the page and its summary line.
 */
export async function openExperience(b, query = '') {
  const page = await b.open(`/experience${query}`);
  return { page, summary: page.locator('[data-testid="summary"]') };
}

/** markedLines are the line numbers that the editor's gutter marks as wrong. */
export const markedLines = (page) => page.locator('.editor .ln.err').evaluateAll((els) => els.map((e) => Number(e.dataset.line)));

/**
 * refusedLines clicks the button named name, waits until the editor lists
 * the server's errors, and resolves with the lines its gutter marks.
 */
export async function refusedLines(page, name) {
  await page.getByRole('button', { name }).click();
  await page.locator('.editor-errors li').first().waitFor();
  return markedLines(page);
}

/**
 * loadExample waits until the example list labelled label lists listed,
 * then loads the example name into the editor.
 */
export async function loadExample(page, label, listed, name) {
  const sel = page.getByLabel(label);
  await assertText(sel, listed);
  await sel.selectOption(name);
  await page.getByRole('button', { name: 'Load into the editor' }).click();
}

/**
 * loadFitFiles opens the fit form's files testdata/NAME.csv (the data)
 * and testdata/NAME-spec.yaml (its spec, whose name is NAME) once the
 * shipped specs are listed, and waits until the spec is in the editor.
 */
export async function loadFitFiles(page, name) {
  await assertText(page.getByLabel('Shipped data spec'), 'berg1995');
  await page.setInputFiles('#fit-data', path.join(here, 'testdata', `${name}.csv`));
  await page.setInputFiles('#fit-spec-file', path.join(here, 'testdata', `${name}-spec.yaml`));
  await page.waitForFunction((n) => document.querySelector('[data-testid="editor"]').value.includes(`name: ${n}`), name);
}

/**
 * SMALL_TRAP is the small scenario the browser tests run: a trust trap of
 * low-trait agents among trustworthy partners, 60 steps of 300 agents.
 */
export const SMALL_TRAP = `# A small trust trap for the browser test.
name: browser-test
seed: 7
steps: 60
population:
  size: 300
  trait: {dist: uniform, min: 0.05, max: 0.25}
  trustworthiness: 0.95
network: {kind: k-out, k: 4}
situation: {game: binary, gain: 1, loss: 1}
feedback: own
`;
