// The API client: every number the pages show comes from here.
//
// Every request carries X-Trustlab: 1, which a server with a token requires
// on state-changing requests authenticated by the session cookie (a
// cross-site page cannot send it). A 401 opens the sign-in dialog; the
// request is sent again once a session exists.

import { signIn } from './signin.js';

const HEADERS = { 'X-Trustlab': '1' };

/** send fetches, signing in (and retrying) when the server asks for it. */
async function send(path, init) {
  for (;;) {
    const res = await fetch(path, init);
    if (res.status !== 401 || (init.signal && init.signal.aborted)) return res;
    await signIn();
  }
}

/** ApiError carries the server's error body: code, message, fields. */
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'unknown';
    this.fields = e.fields || [];
  }
}

async function request(method, path, body, signal) {
  const init = { method, signal, headers: { ...HEADERS, Accept: 'application/json' } };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await send(path, init);
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data || { error: { message: text || res.statusText } });
  return data;
}

export const get = (path, signal) => request('GET', path, undefined, signal);
export const post = (path, body, signal) => request('POST', path, body, signal);
export const del = (path) => request('DELETE', path);

/** getText fetches a text file (CSV) from the API. */
export async function getText(path, signal) {
  const res = await send(path, { signal, headers: HEADERS });
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, body);
  }
  return res.text();
}

/** latest wraps an async function so that only the newest call's result
 * is delivered: an older call still in flight is aborted. */
export function latest(fn) {
  let ctl = null;
  return async (...args) => {
    if (ctl) ctl.abort();
    const mine = new AbortController();
    ctl = mine;
    try {
      return await fn(mine.signal, ...args);
    } finally {
      if (ctl === mine) ctl = null;
    }
  };
}

/** isAbort reports whether err is a fetch aborted by latest. */
export const isAbort = (err) => err && err.name === 'AbortError';

/**
 * LIVE_SCENARIO is the session-storage key under which a page hands a
 * scenario to the live view (/live), which starts it at once.
 */
export const LIVE_SCENARIO = 'trustlab.live.scenario';
