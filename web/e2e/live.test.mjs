// Browser tests of the live population view against a real `trustlab
// serve`: the network drawn in a canvas, colour-by, play streaming the
// charts by server-sent events, pause, step, an agent's pyramid checked
// against the API, and the frame rate with 10^4 drawn agents while the
// engine runs 10^6 (reported, and at least 30 frames a second).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, skip, shot, assertText, refusedLines } from './harness.mjs';

const b = useBrowser();

const SCENARIO = `# The live view's browser test: 800 agents in two groups on k-out 4.
name: live-browser
seed: 11
steps: 5000
population:
  size: 800
  groups:
    - {name: careful, share: 0.5, trait: {dist: uniform, min: 0.05, max: 0.4}, trustworthiness: {dist: uniform, min: 0.5, max: 1}}
    - {name: keen, share: 0.5, trait: {dist: uniform, min: 0.6, max: 0.95}, trustworthiness: {dist: uniform, min: 0.2, max: 0.9}}
network: {kind: k-out, k: 4}
situation: {game: binary, gain: 1, loss: 1}
feedback: own
`;

/** pixels sums the canvas's pixels: how many are not white, and a checksum. */
const pixels = (page) => page.locator('[data-testid="network"]').evaluate((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  let sum = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) ink++;
    sum = (sum * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) % 1000000007;
  }
  return { ink, sum, total: d.length / 4 };
});

const stepOf = async (page) => Number(await page.locator('[data-testid="step"]').getAttribute('data-step'));
const statusOf = (page) => page.locator('[data-testid="step"]').getAttribute('data-status');

async function waitFor(fn, what, timeout = 15000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function start(page, text) {
  await page.goto(`${b.srv.url}/live`);
  await assertText(page.getByLabel('Example scenario'), 'trust-trap');
  await page.getByText('Edit the scenario').click();
  await page.getByLabel('Scenario (YAML)').fill(text);
  await page.getByRole('button', { name: 'Start the live view' }).click();
  await waitFor(() => page.locator('[data-testid="network"]').getAttribute('data-step'), 'the first drawing', 60000);
  return page.evaluate(() => window.trustlabLive.session.id);
}

test('live: a scenario\'s errors marked at their lines', { skip }, async () => {
  const page = await b.open('/live');
  await assertText(page.getByLabel('Example scenario'), 'trust-trap');
  await page.getByText('Edit the scenario').click();
  await page.getByLabel('Scenario (YAML)').fill(SCENARIO.replace('steps: 5000', 'steps: -1'));
  const marked = await refusedLines(page, 'Start the live view');
  assert.deepEqual(marked, [4], 'the gutter marks the line of steps');
  await assertText(page.locator('[role="alert"]'), 'steps');
  assert.ok(await page.locator('[data-testid="network"]').isHidden(), 'no session, no network');
  await page.close();
});

test('live: the network drawn, colour-by, play streams the charts, pause, step, an agent\'s pyramid', { skip }, async () => {
  const page = await b.newPage();
  const id = await start(page, SCENARIO);
  await assertText(page.locator('[data-testid="sample-note"]'), 'All 800 agents are drawn');
  // The canvas shows the agents and edges: many pixels not white.
  const p0 = await pixels(page);
  assert.ok(p0.ink > 0.03 * p0.total, `the network is drawn: ${p0.ink} of ${p0.total} pixels inked`);
  // Colour by last act: before any step every agent is "no act yet", a
  // different picture from the traits'.
  await page.getByLabel('Colour agents by').selectOption('act');
  await waitFor(async () => (await page.locator('[data-testid="network"]').getAttribute('data-colour')) === 'act', 'the act colours');
  const p1 = await pixels(page);
  assert.notEqual(p1.sum, p0.sum, 'colour by act changes the picture');
  await assertText(page.locator('[data-testid="legend"]'), 'trusted, betrayed');
  await page.getByLabel('Colour agents by').selectOption('group');
  await assertText(page.locator('[data-testid="legend"]'), 'careful');
  await assertText(page.locator('[data-testid="legend"]'), 'keen');
  await waitFor(async () => (await page.locator('[data-testid="network"]').getAttribute('data-colour')) === 'group', 'the group colours');
  assert.notEqual((await pixels(page)).sum, p1.sum, 'colour by group changes the picture');
  await page.getByLabel('Colour agents by').selectOption('belief');

  // Play: rows stream into the charts.
  await page.getByLabel('Speed').selectOption('30');
  await page.getByRole('button', { name: 'Play' }).click();
  await waitFor(async () => Number(await page.locator('[data-testid="charts"]').getAttribute('data-rows')) >= 10, 'ten steps in the charts');
  const paths = await page.locator('[data-testid="charts"] svg .series path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d').split('L').length));
  assert.ok(paths.length >= 9 && paths.every((n) => n >= 5), `chart lines with points: ${paths}`);
  await assertText(page.locator('[data-testid="charts"]'), 'Trust rate by group');
  const playing = await stepOf(page);
  assert.ok(playing >= 10, `step ${playing} after play`);

  // Pause stops the step counter, on the page and on the server.
  await page.getByRole('button', { name: 'Pause' }).click();
  await waitFor(async () => (await statusOf(page)) === 'paused', 'paused');
  await new Promise((r) => setTimeout(r, 300));
  const paused = await stepOf(page);
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(await stepOf(page), paused, 'the step counter stands still while paused');
  const server = await page.evaluate(async (id) => (await (await fetch(`/api/v1/live/${id}`)).json()).step, id);
  assert.equal(server, paused, 'the server is at the step shown');

  // Step advances exactly one.
  await page.getByRole('button', { name: 'Step' }).click();
  await waitFor(async () => (await stepOf(page)) === paused + 1, `step ${paused + 1}`);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(await stepOf(page), paused + 1, 'one step, not more');
  await waitFor(async () => Number(await page.locator('[data-testid="network"]').getAttribute('data-step')) === paused + 1, 'the frame of that step drawn');

  // Click an agent: its pyramid with its numbers, as the API has them.
  await page.getByLabel('Colour agents by').selectOption('act');
  const k = 137;
  const pt = await page.evaluate((k) => {
    document.querySelector('[data-testid="network"]').scrollIntoView({ block: 'center' });
    return window.trustlabLive.point(k);
  }, k);
  await page.mouse.click(pt.x, pt.y);
  const agent = await page.evaluate((k) => window.trustlabLive.graph.ids[k], k);
  await waitFor(async () => (await page.locator(`[data-testid="agent"] h3[data-agent="${agent}"]`).count()) === 1, `agent ${agent}'s panel`);
  const v = await page.evaluate(async ([id, a]) => (await fetch(`/api/v1/live/${id}/agents/${a}`)).json(), [id, agent]);
  assert.equal(v.step, paused + 1);
  const dd = (key) => page.locator(`[data-testid="agent"] dd[data-value="${key}"]`).textContent();
  assert.equal(await dd('trait'), v.trait.toFixed(3));
  assert.equal(await dd('trustworthiness'), v.trustworthiness.toFixed(3));
  assert.equal(await dd('belief'), v.belief.toFixed(3));
  assert.equal(await dd('trusts_given'), String(v.trusts_given));
  assert.equal(await dd('betrayals'), String(v.betrayals));
  const pyr = page.locator('[data-testid="agent-pyramid"] svg');
  assert.equal(Number(await pyr.getAttribute('data-trait')), v.decision.trait);
  assert.equal(Number(await pyr.getAttribute('data-balance')), v.decision.balance);
  assert.equal(Number(await pyr.getAttribute('data-probability')), v.decision.probability);
  assert.equal(await pyr.getAttribute('data-kind'), v.decision.kind);
  await assertText(page.locator('[data-testid="belief"]'), `p ${v.partners[0].p.toFixed(3)}`);
  // Another partner: that partner's pyramid.
  await page.getByLabel(/Its belief about a partner/).selectOption('2');
  const v2 = await page.evaluate(async ([id, a]) => (await fetch(`/api/v1/live/${id}/agents/${a}?partner=2`)).json(), [id, agent]);
  await waitFor(async () => (await pyr.count()) === 1 && Number(await pyr.getAttribute('data-balance')) === v2.decision.balance, 'the pyramid of partner 2');
  await shot(page, 'live');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('live: 10^4 drawn agents at 30 frames a second or more while 10^6 run', { skip }, async () => {
  const page = await b.newPage();
  const ex = await (await fetch(`${b.srv.url}/api/v1/examples`)).json();
  const ppb1 = ex.scenarios.find((e) => e.name === 'ppb1').text.replace('steps: 20', 'steps: 1000000');
  const t0 = Date.now();
  const id = await start(page, ppb1);
  const created = (Date.now() - t0) / 1000;
  const g = await page.evaluate(() => ({ n: window.trustlabLive.graph.n, drawn: window.trustlabLive.graph.ids.length, edges: window.trustlabLive.graph.edges.length / 2 }));
  assert.equal(g.n, 1000000);
  assert.equal(g.drawn, 10000);
  await page.getByLabel('Speed').selectOption('0');
  await page.getByRole('button', { name: 'Play' }).click();
  await waitFor(async () => (await statusOf(page)) === 'playing', 'playing');
  await new Promise((r) => setTimeout(r, 1500)); // warm up
  // Frames drawn (each a full redraw of the 10^4 agents) and
  // requestAnimationFrame callbacks, over 4 s, with the frame of data
  // arriving meanwhile.
  const m = await page.evaluate(async () => {
    const live = window.trustlabLive;
    const c = document.querySelector('[data-testid="network"]');
    let rafs = 0;
    let on = true;
    const tick = () => { rafs++; if (on) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    const d0 = live.draws;
    const f0 = live.frames;
    const s0 = Number(c.dataset.step);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 4000));
    on = false;
    const t = (performance.now() - t0) / 1000;
    return { fps: (live.draws - d0) / t, rafs: rafs / t, seconds: t, steps: Number(c.dataset.step) - s0, data: (live.frames - f0) / t };
  });
  const st = await (await fetch(`${b.srv.url}/api/v1/live/${id}`)).json();
  // The stream's size: one update with a frame, read by a second viewer.
  const sizes = await page.evaluate(async (id) => new Promise((resolve) => {
    const es = new EventSource(`/api/v1/live/${id}/events`);
    const out = [];
    es.addEventListener('update', (e) => {
      const u = JSON.parse(e.data);
      if (u.agents && !u.header) out.push({ bytes: e.data.length, rows: (u.rows || []).length });
      if (out.length >= 5) { es.close(); resolve(out); }
    });
    setTimeout(() => { es.close(); resolve(out); }, 5000);
  }), id);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByLabel('Colour agents by').selectOption('belief');
  await shot(page, 'live-million');
  const perFrame = sizes.length ? Math.round(sizes.reduce((a, s) => a + s.bytes, 0) / sizes.length) : 0;
  console.log(`live: ${g.drawn} of ${g.n} agents drawn (${g.edges} edges); session created and drawn in ${created.toFixed(1)} s`);
  console.log(`live: ${m.fps.toFixed(1)} frames/s drawn, ${m.rafs.toFixed(1)} animation frames/s, over ${m.seconds.toFixed(1)} s; ${m.data.toFixed(1)} frames of data/s arrived, ${m.steps} steps shown meanwhile`);
  console.log(`live: engine ${(st.interactions_per_second / 1e6).toFixed(1)} million interactions/s while streaming (${(st.step_seconds * 1e3).toFixed(1)} ms a step, ${st.workers} worker(s), ${st.kernel} kernel); step ${st.step}`);
  console.log(`live: an update with the agents' frame is ${perFrame} bytes of JSON (${sizes.map((s) => `${s.bytes} B/${s.rows} rows`).join(', ')})`);
  assert.ok(m.steps > 0, 'frames of data arrived while measuring');
  assert.ok(st.interactions_per_second > 0, 'the engine ran');
  assert.ok(m.fps >= 30, `${m.fps.toFixed(1)} frames/s, want at least 30`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('live: on a phone, without sideways scrolling', { skip }, async () => {
  const page = await b.newPage({ width: 390, height: 844 });
  await start(page, SCENARIO);
  await page.getByRole('button', { name: 'Step' }).click();
  await waitFor(async () => (await stepOf(page)) === 1, 'step 1');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `/live: no sideways scrolling on a phone (${overflow}px too wide)`);
  const p = await pixels(page);
  assert.ok(p.ink > 0.03 * p.total, 'the network is drawn on a phone');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('runs page: "Watch it live" opens the scenario in the live view, started', { skip }, async () => {
  const page = await b.open('/runs');
  const text = SCENARIO.replace('name: live-browser', 'name: live-handover');
  await page.getByLabel('Scenario (YAML)').fill(text);
  await page.getByRole('button', { name: 'Watch it live' }).click();
  await page.waitForURL(/\/live$/);
  await waitFor(() => page.locator('[data-testid="network"]').getAttribute('data-step'), 'the live view started', 60000);
  assert.equal(await page.getByLabel('Scenario (YAML)').inputValue(), text);
  const id = await page.evaluate(() => window.trustlabLive.session.id);
  const st = await page.evaluate(async (i) => (await fetch(`/api/v1/live/${i}`)).json(), id);
  assert.equal(st.name, 'live-handover');
  // Handed over once: reloading the page does not start it again.
  await page.reload();
  await assertText(page.getByLabel('Example scenario'), 'trust-trap');
  assert.equal(await page.locator('[data-testid="network"]').getAttribute('data-step'), null);
  await page.close();
});
