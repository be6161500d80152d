// Browser tests of the teaching defects of #18: what a teacher sees on the
// explorer, the experience lab, the runs and the fits pages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, skip, assertText, loadFitFiles, openExperience } from './harness.mjs';

const b = useBrowser();
const out = (page, k) => page.locator(`[data-out="${k}"]`);
const lambda = (tau) => Math.exp(2 * (0.5 - tau));

test('runs: the trust-trap example says to run again under full feedback', { skip }, async () => {
  const page = await b.open('/runs');
  const examples = page.getByLabel('Example scenario');
  await assertText(examples, 'trust-trap');
  await examples.selectOption('trust-trap');
  const info = page.locator('.example-info');
  await assertText(info, 'Run it again with `feedback: full`');
  assert.doesNotMatch(await info.textContent(), /again with `feedback: own`/);
  await page.close();
});

// The pans of the balance and their labels: every corner of a pan lies
// inside the pyramid's outline, and every label inside its pan.
async function panGeometry(page) {
  return page.locator('[data-testid="pyramid"] svg').evaluate((svg) => {
    const outline = svg.querySelector('.outline').getBBox();
    const apex = { x: outline.x + outline.width / 2, y: outline.y };
    const halfAt = (y) => (outline.width / 2) * (y - apex.y) / outline.height;
    return [...svg.querySelectorAll('.pan')].map((g) => {
      const bowl = (g.querySelector('.pan-bowl') || g.querySelector('path')).getBBox();
      const texts = [...g.querySelectorAll('text')].map((t) => t.getBBox());
      const corners = [[bowl.x, bowl.y], [bowl.x + bowl.width, bowl.y], [bowl.x, bowl.y + bowl.height], [bowl.x + bowl.width, bowl.y + bowl.height]];
      return {
        cls: g.getAttribute('class'),
        outside: corners.filter(([x, y]) => Math.abs(x - apex.x) > halfAt(y) + 0.5),
        loose: texts.filter((t) => t.x < bowl.x || t.x + t.width > bowl.x + bowl.width || t.y < bowl.y || t.y + t.height > bowl.y + bowl.height + 0.5).length,
      };
    });
  });
}

test('explorer: the risk pan carries λ × risk, which the beam weighs', { skip }, async () => {
  const page = await b.newPage();
  // τ 0.8 (λ 0.549), p 0.3, g 6.7, l 4: E 2.01, R 2.8, λR 1.537, B +0.473:
  // the beam tips toward the expectation, the larger number on the pans.
  await page.goto(`${b.srv.url}/explorer?trait=0.8&p=0.3&n=4&gain=6.7&loss=4`);
  await assertText(out(page, 'balance'), '+0.473');
  const pyr = page.locator('[data-testid="pyramid"] svg');
  const wr = lambda(0.8) * 0.7 * 4;
  assert.equal(await pyr.locator('[data-value="risk"]').textContent(), wr.toFixed(3));
  assert.equal(await pyr.locator('.pan.risk .pan-title').textContent(), 'λ × risk');
  await assertText(pyr.locator('[data-value="weighted-risk"]'), `λ 0.55 × risk 2.80 = ${wr.toFixed(3)}`);
  const e = Number(await pyr.locator('[data-value="expectation"]').textContent());
  const r = Number(await pyr.locator('[data-value="risk"]').textContent());
  const angle = Number(await pyr.locator('.beam').getAttribute('data-angle'));
  assert.ok(e > r && angle < 0, `the beam (angle ${angle}) tips toward the larger pan (E ${e} against λR ${r})`);
  assert.equal(await out(page, 'weighted_risk').textContent(), wr.toFixed(3));
  // An outside option joins the risk side: the pans still differ by B.
  await page.goto(`${b.srv.url}/explorer?trait=0.8&p=0.3&n=4&gain=6.7&loss=4&outside=0.5`);
  await assertText(out(page, 'balance'), '−0.027');
  assert.equal(await pyr.locator('.pan.risk .pan-title').textContent(), 'λR + u₀');
  assert.equal(await pyr.locator('[data-value="risk"]').textContent(), (wr + 0.5).toFixed(3));
  assert.ok(Number(await pyr.locator('.beam').getAttribute('data-angle')) > 0, 'now the risk side is heavier');
  assert.deepEqual(page.errors, []);
  await page.close();
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`explorer (${name}): the pans stay inside the pyramid and their labels inside the pans`, { skip }, async () => {
    const page = await b.newPage(viewport);
    // Strong tilts both ways.
    for (const q of ['trait=0.9&p=0.95&gain=10&loss=0.1', 'trait=0.1&p=0.05&gain=0.1&loss=10', 'trait=0.5&p=0.5&gain=1&loss=1']) {
      await page.goto(`${b.srv.url}/explorer?${q}`);
      await page.locator('[data-testid="pyramid"] svg .pan').first().waitFor();
      const pans = await panGeometry(page);
      assert.equal(pans.length, 2);
      for (const p of pans) {
        assert.deepEqual(p.outside, [], `${q}: the ${p.cls} pan's corners lie inside the pyramid`);
        assert.equal(p.loose, 0, `${q}: the ${p.cls} pan's labels lie inside it`);
      }
    }
    await page.close();
  });
}

test('explorer: the control option is drawn in the pyramid', { skip }, async () => {
  const page = await b.open('/explorer?trait=0.5&p=0.6&control=1');
  await page.locator('[data-out="p_control"]').waitFor();
  const pc = await out(page, 'p_control').textContent();
  const pyr = page.locator('[data-testid="pyramid"] svg');
  await assertText(pyr.locator('[data-value="control"]'), `P(control) ${pc}`);
  assert.equal(await pyr.locator('.control-option .shield').count(), 1);
  assert.equal(await pyr.locator('.top-fill-control').getAttribute('data-fill'), pc);
  const hgt = Number(await pyr.locator('.top-fill-control').getAttribute('height'));
  assert.ok(Math.abs(hgt - 157 * Number(pc)) < 0.2, `the control share fills ${pc} of the apex (${hgt})`);
  // On a phone (larger text) the shield and its label do not overlap, and
  // both stay inside the apex.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  const geo = await pyr.evaluate((svg) => {
    const o = svg.querySelector('.outline').getBBox();
    const halfAt = (y) => (o.width / 2) * (y - o.y) / o.height;
    const s = svg.querySelector('.control-option .shield').getBBox();
    const t = svg.querySelector('.control-option text').getBBox();
    const inside = (r) => Math.abs(r.x - (o.x + o.width / 2)) <= halfAt(r.y + r.height / 2) + 0.5 && Math.abs(r.x + r.width - (o.x + o.width / 2)) <= halfAt(r.y + r.height / 2) + 0.5;
    return { apart: s.x + s.width <= t.x, inside: inside(s) && inside(t), s: [s.x, s.y, s.width], t: [t.x, t.y, t.width], h: halfAt(t.y) };
  });
  assert.ok(geo.apart && geo.inside, JSON.stringify(geo) + ': the shield and P(control) sit side by side inside the apex');
  await page.setViewportSize({ width: 1280, height: 800 });
  // Without it, none.
  await page.getByLabel('Offer a control option (a safeguard)').uncheck();
  await page.locator('[data-out="p_control"]').waitFor({ state: 'detached' });
  assert.equal(await pyr.locator('.control-option').count(), 0);
  await page.close();
});

test('explorer on a phone: a small pyramid stays in view while the sliders scroll', { skip }, async () => {
  const page = await b.open('/explorer?trait=0.3&p=0.7', { width: 390, height: 844 });
  await out(page, 'probability').waitFor();
  const box = page.locator('[data-out="probability"]');
  const before = await box.textContent();
  await page.getByLabel('Trust trait τ', { exact: true }).scrollIntoViewIfNeeded();
  await page.getByLabel('Trust trait τ', { exact: true }).focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => document.querySelector('[data-out="p"]') && document.querySelector('[data-out="probability"]').textContent !== b, before);
  await page.waitForTimeout(300);
  const want = await box.textContent();
  const mini = page.locator('[data-testid="mini-pyramid"]');
  await assertText(mini, `P(trust) ${want}`);
  const r = await mini.locator('svg').boundingBox();
  assert.ok(r && r.y >= -1 && r.y + r.height <= 844 && r.height > 40 && r.height < 844 * 0.25, `the small pyramid is on screen and small (${JSON.stringify(r)})`);
  const main = await page.locator('[data-testid="pyramid"] svg').boundingBox();
  assert.ok(main.y > 844 || main.y + main.height < 0, `the big pyramid is out of view while the slider is in view (${JSON.stringify(main)})`);
  await page.screenshot({ path: '/tmp/wtest/mini.png' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
  // Not on a desktop.
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.equal(await mini.isVisible(), false);
  await page.close();
});

for (const tau of [0.2, 0.8]) {
  test(`explorer: at τ ${tau} this person's curve and the reference curve both show`, { skip }, async () => {
    const page = await b.open(`/explorer?trait=${tau}`);
    const chart = page.locator('[data-testid="curve"] svg');
    await chart.locator('.series').first().waitFor();
    const info = await chart.evaluate((svg) => [...svg.querySelectorAll('.series')].map((g) => {
      const line = g.querySelector('.line');
      const cs = getComputedStyle(line);
      return { name: g.dataset.series, w: parseFloat(cs.strokeWidth), dash: cs.strokeDasharray, markers: g.querySelectorAll('.marker').length, tag: g.querySelector('.marker')?.tagName };
    }));
    const mine = info.findIndex((s) => s.name.startsWith('this person'));
    const ref = info.findIndex((s) => s.name.startsWith(tau < 0.5 ? 'low trait' : 'high trait'));
    assert.equal(mine, info.length - 1, `this person's curve is drawn last, on top (${JSON.stringify(info)})`);
    assert.ok(info[ref].w > info[mine].w + 1, 'the reference curve is wider, so it shows around this person\'s');
    assert.notEqual(info[ref].dash, 'none', 'the reference curve is dashed');
    assert.ok(info[ref].markers >= 5, 'the reference curve has markers');
    assert.notEqual(info[ref].tag, 'circle');
    // The legend keeps this person first.
    assert.match(await page.locator('[data-testid="curve"] .legend li').first().textContent(), /^this person/);
    await page.close();
  });
}

test('fits: a running fit shows its phase beside "0 of 75"', { skip }, async () => {
  const page = await b.newPage();
  let phase = 'reading the data';
  let done = 0;
  await page.route('**/api/v1/fits/f-phase', (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ id: 'f-phase', kind: 'fit', status: 'running', attempts: 1, created_at: '2026-01-01T00:00:00Z', progress: { done, total: 75, phase } }),
  }));
  await page.goto(`${b.srv.url}/fits/f-phase`);
  const status = page.locator('[data-testid="status"]');
  await assertText(status, 'reading the data');
  phase = 'EM iteration 3 (estimating the population prior)';
  await assertText(status, 'EM iteration 3 (estimating the population prior) · 0 of 75 (0%)');
  phase = 'fitting subject 12 of 75 (with cross-validation)';
  done = 11;
  await assertText(status, 'fitting subject 12 of 75 (with cross-validation) · 11 of 75 (14%)');
  phase = 'writing the tables, plots and report';
  done = 75;
  await assertText(status, 'writing the tables, plots and report · 75 of 75 (100%)');
  await page.close();
});

test('fits: the per-subject chart draws one line per partner', { skip }, async () => {
  const page = await b.open('/fits');
  await loadFitFiles(page, 'two-partners');
  await page.getByRole('button', { name: 'Fit on the server' }).click();
  await page.waitForURL(/\/fits\/[A-Za-z0-9_-]+$/);
  await assertText(page.locator('[data-testid="status"]'), 'done', 120000);
  const chart = page.locator('[data-testid="subject"] svg.chart');
  await chart.waitFor();
  const series = await chart.locator('.series').evaluateAll((gs) => gs.map((g) => ({
    name: g.dataset.series, d: g.querySelector('.line').getAttribute('d'), markers: g.querySelectorAll('.marker').length,
  })));
  const names = series.map((s) => s.name);
  for (const pt of ['good', 'bad']) {
    assert.ok(names.includes(`observed: partner ${pt}`), `a line of observed choices with partner ${pt} (${names})`);
    assert.ok(names.includes(`predicted (full): partner ${pt}`), `a line of the full model's predictions for partner ${pt}`);
  }
  for (const s of series) {
    // Six trials with each partner, at trials 1..6 with that partner: one
    // move and five line segments, never a jump back to the other partner.
    assert.equal((s.d.match(/M/g) || []).length, 1, `${s.name}: one line`);
    assert.equal((s.d.match(/L/g) || []).length, 5, `${s.name}: six trials`);
  }
  assert.equal(series.find((s) => s.name === 'observed: partner good').markers, 6);
  await assertText(page.locator('[data-testid="subject"] .axis-label').first(), 'trial with this partner');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('experience lab: every chart marks the betrayals', { skip }, async () => {
  const page = await b.open('/experience');
  await assertText(page.locator('[data-testid="summary"]'), 'After 11 encounters');
  await page.getByLabel('Sequence', { exact: true }).fill('HHBHHHBH');
  await assertText(page.locator('[data-testid="summary"]'), 'After 8 encounters');
  const figs = page.locator('.charts figure');
  assert.equal(await figs.count(), 4);
  for (let i = 0; i < 4; i++) {
    const xs = await figs.nth(i).locator('.xmark.betrayal').evaluateAll((gs) => gs.map((g) => Number(g.dataset.x)));
    assert.deepEqual(xs, [3, 7], `chart ${i + 1} marks the betrayals at encounters 3 and 7`);
  }
  await page.close();
});

test('experience lab: a bad character in the sequence is named with its position', { skip }, async () => {
  const { page, summary } = await openExperience(b);
  await assertText(summary, 'After 11 encounters');
  const input = page.getByLabel('Sequence', { exact: true });
  await input.fill('HHXB');
  const err = page.locator('[data-testid="seq-error"]');
  await assertText(err, '“X” at position 3 is not H (honour), B (betrayal) or - (no evidence)');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('.chips li').count(), 11, 'the sequence is unchanged, nothing dropped');
  await input.fill('hh b');
  await assertText(summary, 'After 3 encounters');
  assert.equal(await err.isVisible(), false);
  assert.equal(await input.getAttribute('aria-invalid'), null);
  await page.close();
});

test('experience lab: at P(trust) 0.5 the start is undecided, not distrust', { skip }, async () => {
  const { page, summary } = await openExperience(b);
  await page.getByRole('button', { name: 'Clear' }).click();
  await assertText(summary, 'After 0 encounters: belief p 0.500 (a 1.00, b 1.00), P(trust) 0.500, undecided.');
  assert.equal(await page.locator('.steps tbody tr').first().locator('td').last().textContent(), 'undecided');
  await assertText(page.locator('.experience'), 'undecided when it is exactly 0');
  await page.close();
});

test('experience lab: the sequence and the settings are in the address', { skip }, async () => {
  const { page, summary } = await openExperience(b, '?seq=HHB&trait=0.3&a-w_minus=3&gain=2');
  // Prior Beta(2·0.3, 2·0.7) = (0.6, 1.4); two honours, a betrayal of weight 3.
  await assertText(summary, 'After 3 encounters: belief p 0.371 (a 2.60, b 4.40)');
  assert.equal(await page.getByLabel('Trust trait τ (number)').inputValue(), '0.3');
  assert.equal(await page.getByLabel('Sequence', { exact: true }).inputValue(), 'HHB');
  await page.getByRole('button', { name: 'Honour' }).click();
  await assertText(summary, 'After 4 encounters');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('seq'), 'HHBH');
  assert.equal(url.searchParams.get('a-w_minus'), '3');
  assert.equal(url.searchParams.get('gain'), '2');
  // Reloading restores it.
  await page.reload();
  await assertText(summary, 'After 4 encounters: belief p 0.450 (a 3.60, b 4.40)');
  await page.close();
});

test('experience lab: play against a hidden partner, and feel the trust trap', { skip }, async () => {
  const { page, summary } = await openExperience(b, '?mode=play&partner=7');
  await assertText(summary, 'After 0 encounters: belief p 0.500');
  const play = page.locator('[data-testid="play"]');
  assert.equal(await play.isVisible(), true);
  assert.equal(await page.getByRole('button', { name: 'Honour' }).isVisible(), false, 'in play mode the partner answers, not the learner');
  // Not trusting teaches nothing about the partner (own feedback).
  for (let i = 0; i < 4; i++) await play.getByRole('button', { name: 'Do not trust' }).click();
  await assertText(summary, 'After 4 encounters: belief p 0.500 (a 1.00, b 1.00)');
  // Trusting, the partner answers from its hidden trustworthiness.
  await play.getByRole('button', { name: 'Trust', exact: true }).click();
  await assertText(summary, 'After 5 encounters');
  const last = await page.locator('.chips li').last().getAttribute('class');
  assert.match(last, /chip-(H|B)/, 'a trusted partner honours or betrays');
  const text = await summary.textContent();
  assert.ok(/a 2\.00, b 1\.00/.test(text) || /a 1\.00, b 3\.00/.test(text), text);
  // The same partner (seed) answers the same way: the game is in the address.
  assert.equal(new URL(page.url()).searchParams.get('partner'), '7');
  await play.getByRole('button', { name: 'Reveal the partner' }).click();
  const reveal = page.locator('[data-testid="reveal"]');
  await assertText(reveal, 'The partner honours trust with probability w = ');
  const w = Number(await reveal.getAttribute('data-w'));
  assert.ok(w >= 0.15 && w <= 0.95, `hidden w ${w}`);
  await assertText(page.locator('[data-testid="verdict"]'), 'Round 6.');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('runs: the calibration chart\'s y label names what its series are', { skip }, async () => {
  const page = await b.open('/runs');
  const scenario = 'name: label-test\nseed: 3\nsteps: 20\npopulation:\n  size: 100\n  trustworthiness: 0.8\nnetwork: {kind: k-out, k: 4}\nsituation: {game: binary, gain: 1, loss: 1}\nfeedback: own\n';
  await page.getByLabel('Scenario (YAML)').fill(scenario);
  await page.getByRole('button', { name: 'Run on the server' }).click();
  await page.waitForURL(/\/runs\/[A-Za-z0-9_-]+$/);
  await assertText(page.locator('[data-testid="status"]'), 'done', 60000);
  const src = await page.locator('[data-testid="run-charts"] img[src$="calibration.svg"]').getAttribute('src');
  const svg = await (await fetch(b.srv.url + src)).text();
  // Its series are the calibration error |p − w|, the cynicism p − w
  // (negative when beliefs are too low) and the mean belief p.
  assert.doesNotMatch(svg, />belief p about the partner met</);
  assert.match(svg, />p, \|p − w\| or p − w</);
  await page.close();
});
