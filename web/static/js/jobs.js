// Shared parts of the runs, fits and sweeps pages: the list of past jobs,
// the editor of a new one and the server's check of it, the progress of
// one job, and the links to its files.

import { h, when, shortWhen } from './dom.js';
import { get, post, del, latest, isAbort, ApiError } from './api.js';
import { editor } from './editor.js';
import { select } from './controls.js';

/** jobList fills el with a table of jobs of a kind ('runs' or 'fits'). */
export async function jobList(el, kind, describe) {
  let data;
  try {
    data = await get(`/api/v1/${kind}`);
  } catch (err) {
    el.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Cannot list the ${kind}: ${err.message}`));
    return;
  }
  const list = data[kind] || [];
  if (!list.length) {
    el.replaceChildren(h('p', { class: 'hint' }, `No ${kind} yet.`));
    return;
  }
  el.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'jobs', 'data-testid': `${kind}-list` },
    h('caption', { class: 'visually-hidden' }, `Past ${kind}, newest first`),
    h('thead', {}, h('tr', {},
      ['id', 'what', 'status', 'submitted'].map((t) => h('th', { scope: 'col', class: 'text' }, t)))),
    h('tbody', {}, list.map((j) => h('tr', { 'data-id': j.id, 'data-status': j.status },
      h('td', { class: 'text' }, h('a', { href: `/${kind}/${j.id}` }, j.id)),
      h('td', { class: 'text' }, describe(j)),
      // The progress is shown only while it says something the badge does not.
      h('td', { class: 'text' }, statusBadge(j.status),
        j.status === 'running' || j.status === 'queued' ? ` ${listProgress(j)}` : ''),
      h('td', { class: 'text', title: j.finished_at ? `submitted ${when(j.created_at)}, finished ${when(j.finished_at)}` : `submitted ${when(j.created_at)}` },
        h('time', { datetime: j.created_at }, shortWhen(j.created_at)))))))));
}

/** listProgress is the short progress of a job in a list: 40%. */
function listProgress(j) {
  const p = j.progress || {};
  return p.total ? `${Math.floor((100 * p.done) / p.total)}%` : '';
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, status);
}

/**
 * progressText is "done of total (percent)", after the phase the server
 * reports while a job runs (a fit: reading the data, EM iteration k,
 * fitting subject i of n, writing the plots), so that "0 of 75" during
 * empirical Bayes does not look stalled.
 */
export function progressText(j) {
  const p = j.progress || {};
  const phase = j.status === 'running' && p.phase ? `${p.phase} · ` : '';
  if (!p.total) return j.status === 'done' ? 'complete' : phase ? phase.slice(0, -3) : '–';
  return `${phase}${p.done} of ${p.total} (${Math.floor((100 * p.done) / p.total)}%)`;
}

/**
 * watch polls a job until it ends, calling onUpdate(job) each time, and
 * returns a stop function.
 */
export function watch(kind, jobId, onUpdate, onError) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    try {
      const j = await get(`/api/v1/${kind}/${jobId}`);
      if (stopped) return;
      onUpdate(j);
      if (j.status === 'queued' || j.status === 'running') timer = setTimeout(tick, 400);
    } catch (err) {
      if (!stopped) onError(err);
    }
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

/** progressBar returns {el, set(job)}: a labelled progress bar with live status text. */
export function progressBar(label) {
  const bar = h('progress', { max: 1, value: 0, 'aria-label': label });
  const text = h('p', { class: 'status-line', 'aria-live': 'polite', 'data-testid': 'status' });
  return {
    el: h('div', { class: 'progress' }, bar, text),
    set(j) {
      const p = j.progress || {};
      if (p.total) { bar.max = p.total; bar.value = p.done; } else if (j.status === 'done') { bar.max = 1; bar.value = 1; } else { bar.removeAttribute('value'); }
      text.dataset.phase = (j.status === 'running' && p.phase) || '';
      text.replaceChildren(statusBadge(j.status), ' ', progressText(j), j.error ? h('span', { class: 'job-error' }, ` — ${j.error}`) : '');
    },
  };
}

/** deleteButton deletes a job after confirmation and calls done. */
export function deleteButton(kind, jobId, done) {
  return h('button', {
    type: 'button', class: 'secondary danger',
    onclick: async () => {
      if (!confirm(`Delete ${kind.slice(0, -1)} ${jobId} and its files?`)) return;
      await del(`/api/v1/${kind}/${jobId}`);
      done();
    },
  }, 'Delete');
}

/**
 * jobPage lays out the page of one job of kind ('runs', 'fits',
 * 'sweeps'): the way back to the list (back), the title `${noun} ${id}`,
 * the progress bar beside the delete button, and the body below. It
 * returns the title, the bar and the body; deleting goes back to the
 * list with navigate.
 */
export function jobPage(main, kind, id, noun, back, navigate) {
  const title = h('h1', {}, `${noun} ${id}`);
  const bar = progressBar(`Progress of the ${noun.toLowerCase()}`);
  const body = h('div', { class: 'run-body' });
  main.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: `/${kind}` }, back)),
    title,
    h('section', { class: 'panel', 'aria-label': 'Status' }, bar.el,
      h('div', { class: 'buttons' }, deleteButton(kind, id, () => navigate(`/${kind}`)))),
    body);
  return { title, bar, body };
}

/**
 * followJob lays out the page of one job (jobPage) and follows it
 * (watch): each report sets the bar, then update(j, title) runs; a done
 * job is shown once by show(body, j, signal) (a rejection of an async
 * show, other than its abort, is said below the body), a job whose status
 * is one of ended is shown once as an alert with its error, and a failed
 * watch (404: there is no such job) replaces the body. noun names the job
 * ('Run'); it returns the function that stops watching and aborts signal.
 */
export function followJob(main, kind, id, { noun, back, navigate, show, update = () => {}, ended = ['failed'] }) {
  const { title, bar, body } = jobPage(main, kind, id, noun, back, navigate);
  const what = noun.toLowerCase();
  let shown = false;
  const ctl = new AbortController();
  const stop = watch(kind, id, (j) => {
    bar.set(j);
    update(j, title);
    if (j.status === 'done' && !shown) {
      shown = true;
      Promise.resolve(show(body, j, ctl.signal)).catch((err) => {
        if (err.name !== 'AbortError') body.append(h('p', { class: 'error', role: 'alert' }, `Cannot show the ${what}: ${err.message}`));
      });
    }
    if (ended.includes(j.status) && !shown) {
      shown = true;
      body.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, h('strong', {}, `The ${what} ${j.status}: `), j.error || 'no reason given')));
    }
  }, (err) => {
    body.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, err.status === 404 ? `There is no ${what} ${id}.` : err.message)));
  });
  return () => { stop(); ctl.abort(); };
}

/**
 * jobForm is the panel form of a new job of a kind named name ('run'),
 * headed heading (whose id, new-NAME-h, labels it) above children; a
 * submission runs onsubmit instead of leaving the page.
 */
export function jobForm(name, heading, onsubmit, ...children) {
  const id = `new-${name}-h`;
  return h('form', {
    class: 'panel', 'aria-labelledby': id,
    onsubmit: async (e) => {
      e.preventDefault();
      await onsubmit();
    },
  }, h('h2', { id }, heading), ...children);
}

/**
 * submitFailed shows the problems of a refused submission at their lines
 * in the editor ed and their count in status; what names the text ('The
 * scenario', 'The sweep').
 */
function submitFailed(ed, status, err, what) {
  const msgs = err.fields && err.fields.length ? err.fields : [err.message];
  ed.showErrors(msgs);
  status.textContent = `${what} has ${msgs.length} problem${msgs.length === 1 ? '' : 's'}; see below the editor.`;
}

/**
 * submitJob posts body to /api/v1/KIND and shows the new job's page with
 * go (the app's navigate); a refusal is shown in the editor ed and in
 * status (submitFailed; what names the text), and button is enabled again.
 */
export async function submitJob(kind, body, { ed, button, status, what, go }) {
  try {
    const job = await post(`/api/v1/${kind}`, body);
    ed.clearErrors();
    go(`/${kind}/${job.id}`);
  } catch (err) {
    submitFailed(ed, status, err, what);
    button.disabled = false;
  }
}

/** fileLinks lists download links for a job's files. */
export function fileLinks(kind, jobId, files, describe) {
  return h('ul', { class: 'files' }, files.map((f) => h('li', {},
    h('a', { href: `/api/v1/${kind}/${jobId}/${f}`, download: f.endsWith('.html') ? undefined : f, target: f.endsWith('.html') ? '_blank' : undefined, rel: 'noopener' }, f),
    describe && describe(f) ? h('span', { class: 'hint' }, ` — ${describe(f)}`) : '')));
}

/**
 * pollJobs fills el with the jobs of a kind (jobList) now and every 4 s;
 * it returns the function that stops it.
 */
export function pollJobs(el, kind, describe) {
  jobList(el, kind, describe);
  const refresh = setInterval(() => jobList(el, kind, describe), 4000);
  return () => clearInterval(refresh);
}

/**
 * jobsPage lays out the page of the jobs of a kind: heading, lede, then
 * form (a new job) beside the past jobs (pastJobs, titled past; aside
 * below them), whose list box (with the attributes listAttrs) is kept up
 * to date with describe (pollJobs). It returns the function that stops
 * the polling.
 */
export function jobsPage(main, kind, { heading, lede, form, past, describe, aside, listAttrs = {} }) {
  const listBox = h('div', listAttrs, h('p', { class: 'hint' }, 'Loading…'));
  const jobs = pastJobs(kind, past, listBox);
  main.replaceChildren(
    h('h1', {}, heading),
    h('p', { class: 'lede' }, lede),
    h('div', { class: 'two' }, form, aside ? h('div', {}, jobs, aside) : jobs));
  return pollJobs(listBox, kind, describe);
}

/** pastJobs is the panel of the list of past jobs of a kind, titled title. */
export function pastJobs(kind, title, listBox) {
  return h('section', { class: 'panel', 'aria-labelledby': `past-${kind}-h` }, h('h2', { id: `past-${kind}-h` }, title), listBox);
}

/**
 * draftEditor is an editor (opts as editor's) whose text is kept as a
 * draft in sessionStorage under key, starter when there is none yet.
 */
export function draftEditor(opts, key, starter) {
  const ed = editor({ ...opts, value: sessionStorage.getItem(key) || starter });
  ed.textarea.addEventListener('input', () => sessionStorage.setItem(key, ed.value()));
  return ed;
}

/**
 * serverCheck has the server check the text of the editor ed as it is
 * edited, 400 ms after the last edit (only the newest check counts), with
 * POST path {[field]: text}, which creates nothing, and says in line what
 * it found: the problems at their lines, or accepted(answer) for a valid
 * text. onEdited runs before each check that follows an edit. It returns
 * check, which checks at once, and stop, which cancels a pending check.
 */
export function serverCheck(ed, line, path, field, accepted, onEdited = () => {}) {
  const runCheck = latest(async (signal) => {
    const text = ed.value();
    line.textContent = 'Checking with the server…';
    let msgs = [];
    let answer = null;
    try {
      answer = await post(path, { [field]: text }, signal);
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 400 && err.status !== 422)) throw err;
      msgs = err.fields && err.fields.length ? err.fields : [err.message];
    }
    if (text !== ed.value()) return;
    if (msgs.length) {
      ed.showErrors(msgs);
      line.textContent = `The server's check found ${msgs.length} problem${msgs.length === 1 ? '' : 's'}, marked at their line.`;
    } else {
      ed.clearErrors();
      line.textContent = accepted(answer);
    }
  });
  const check = () => runCheck().catch((err) => { if (!isAbort(err)) line.textContent = `The check failed: ${err.message}`; });
  let timer = null;
  ed.textarea.addEventListener('input', () => {
    line.textContent = 'Edited: the check follows.';
    clearTimeout(timer);
    timer = setTimeout(() => { onEdited(); check(); }, 400);
  });
  return { check, stop: () => clearTimeout(timer) };
}

/**
 * examplePicker is the choice of a shipped example, the list list
 * ('scenarios' or 'sweeps') of GET /api/v1/examples, its description
 * shown in info, and the button that loads it into the editor ed: kept as
 * the draft under key, said in status, then loaded() runs. unavailable(err)
 * is what info says when the examples cannot be had. It returns the field
 * row (el) and info.
 */
export function examplePicker({ name, label, list, ed, key, status, loaded = () => {}, unavailable = () => '' }) {
  const info = h('p', { class: 'hint example-info' });
  let examples = [];
  const sel = select({ name, label, value: '', options: [['', 'Loading the examples…']] });
  const load = h('button', {
    type: 'button', class: 'secondary', disabled: true,
    onclick: () => {
      const ex = examples.find((e) => e.name === sel.value());
      if (ex) { ed.set(ex.text); sessionStorage.setItem(key, ex.text); status.textContent = `Loaded the example ${ex.name}.`; loaded(); }
    },
  }, 'Load into the editor');
  sel.input.addEventListener('change', () => {
    const ex = examples.find((e) => e.name === sel.value());
    info.textContent = ex ? ex.description : '';
  });
  get('/api/v1/examples').then((d) => {
    examples = d[list] || [];
    sel.input.replaceChildren(h('option', { value: '' }, 'Choose an example…'), ...examples.map((e) => h('option', { value: e.name }, e.name)));
    load.disabled = false;
  }).catch((err) => {
    sel.input.replaceChildren(h('option', { value: '' }, 'Examples unavailable'));
    info.textContent = unavailable(err);
  });
  return { el: h('div', { class: 'field-row' }, sel.el, load), info };
}
