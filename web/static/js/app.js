// The router: path routes (/explorer, /experience, /runs/<id>, /fits/<id>)
// served by index.html, links handled in the page.

import { get } from './api.js';
import { showSignOut } from './signin.js';

const ROUTES = [
  { re: /^\/(?:explorer)?$/, nav: 'explorer', title: 'Pyramid explorer', load: () => import('./explorer.js') },
  { re: /^\/experience$/, nav: 'experience', title: 'Experience lab', load: () => import('./experience.js') },
  { re: /^\/runs(?:\/([A-Za-z0-9_-]+))?$/, nav: 'runs', title: 'Simulations', load: () => import('./runs.js') },
  { re: /^\/live$/, nav: 'live', title: 'Live population', load: () => import('./live.js') },
  { re: /^\/sweeps(?:\/([A-Za-z0-9_-]+))?$/, nav: 'sweeps', title: 'Sweeps', load: () => import('./sweeps.js') },
  { re: /^\/fits(?:\/([A-Za-z0-9_-]+))?$/, nav: 'fits', title: 'Fits', load: () => import('./fits.js') },
  { re: /^\/experiments(?:\/([A-Za-z0-9_-]+))?$/, nav: 'experiments', title: 'Experiments', load: () => import('./experiments.js') },
  { re: /^\/play\/([A-Za-z0-9_-]{43})$/, nav: 'play', title: 'Trust game', load: () => import('./play.js') },
  { re: /^\/join(?:\/([A-Za-z0-9]{1,12}))?$/, nav: 'play', title: 'Join the trust game', load: () => import('./join.js') },
];

// A participant's pages (/play, /join) show no laboratory navigation and
// never ask for the researcher's token.
const participant = () => /^\/(play|join)(\/|$)/.test(location.pathname);

const main = document.getElementById('main');
let cleanup = null;
let first = true;

async function render() {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const route = ROUTES.find((r) => r.re.test(path));
  if (cleanup) { cleanup(); cleanup = null; }
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (route && a.dataset.nav === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!route) {
    document.title = 'Not found · trustlab';
    main.replaceChildren();
    main.insertAdjacentHTML('beforeend', '<h1>Not found</h1><p>There is no page here. Try the <a href="/explorer">pyramid explorer</a>.</p>');
    return;
  }
  const params = path.match(route.re).slice(1);
  document.title = `${route.title} · trustlab`;
  try {
    const mod = await route.load();
    cleanup = mod.mount(main, ...params) || null;
  } catch (err) {
    main.replaceChildren();
    const p = document.createElement('p');
    p.className = 'error';
    p.setAttribute('role', 'alert');
    p.textContent = `This page failed to load: ${err.message}`;
    main.append(p);
    throw err;
  }
  if (!first) {
    const h1 = main.querySelector('h1');
    if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
  }
  first = false;
}

/** navigate shows another page of the laboratory without a reload. */
export function navigate(href) {
  history.pushState(null, '', href);
  window.scrollTo(0, 0);
  render();
}

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/assets/')) return;
  if (url.pathname === location.pathname && url.hash) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);
render();
// With a token, offer to sign out of the session (signing in happens on
// the first 401).
if (!participant()) get('/api/v1/session').then((s) => showSignOut(s && s.via === 'cookie')).catch(() => {});
