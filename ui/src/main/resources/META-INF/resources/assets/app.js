// The dashboard's shell: who is signed in, the navigation, and a small hash router. Each view renders into
// <main> and may return a function that stops what it started (polling, log streams) when the view is left.

import { api, get, post, whenSessionEnds } from './api.js';
import { h, replace, message, messageBox } from './dom.js';
import { appsView, newAppView, quotaView, adminView } from './pages.js';
import { appView } from './app-page.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

let session = null;
let leave = null;
let signInNotice = '';

const routes = [
  [/^\/?$/, () => (session.admin ? adminView : appsView)],
  [/^\/new$/, () => newAppView],
  [/^\/quota$/, () => quotaView],
  [/^\/admin$/, () => adminView],
  [/^\/apps\/([a-z0-9-]+)(?:\/([a-z]+))?$/, () => appView],
];

whenSessionEnds((detail) => {
  session = null;
  signInNotice = detail;
  route();
});

async function start() {
  try {
    session = await get('/ui/session');
  } catch (e) {
    session = null;
    if (e.status !== 401) signInNotice = e.message;
  }
  window.addEventListener('hashchange', route);
  route();
}

let generation = 0;

async function route() {
  const mine = ++generation;
  if (leave) {
    try { leave(); } catch (e) { /* already stopped */ }
    leave = null;
  }
  if (!session) {
    renderShell();
    signInView();
    return;
  }
  renderShell();
  const path = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  for (const [pattern, view] of routes) {
    const match = pattern.exec(path);
    if (match) {
      replace(main);
      const context = { session, params: match.slice(1), main };
      try {
        const stop = await view()(context);
        if (mine !== generation) {
          // The user moved on while this view was loading: stop what it started, leave the page to the newer view.
          if (typeof stop === 'function') stop();
          return;
        }
        if (typeof stop === 'function') leave = stop;
      } catch (e) {
        if (mine !== generation) return;
        if (e.status !== 401) {
          replace(main, h('h1', {}, 'Something went wrong'), h('p', { class: 'message error', role: 'alert' }, e.message),
            h('p', {}, h('button', { type: 'button', onclick: () => route() }, 'Try again')));
        }
      }
      focusHeading();
      markCurrent(path);
      return;
    }
  }
  replace(main, h('h1', {}, 'Page not found'), h('p', {}, 'There is no such page. ', h('a', { href: '#/' }, 'Back to the start.')));
  focusHeading();
}

function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    document.title = `${heading.textContent} · Gantry`;
  }
}

function markCurrent(path) {
  for (const a of nav.querySelectorAll('a')) {
    const target = a.getAttribute('href').replace(/^#/, '');
    const current = target === path || (target !== '/' && path.startsWith(target + '/'));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderShell() {
  if (!session) {
    nav.hidden = true;
    who.hidden = true;
    return;
  }
  const links = session.admin
    ? [['#/admin', 'Tenants']]
    : [['#/', 'Apps'], ['#/new', 'New app'], ['#/quota', 'Quota']];
  replace(nav, h('ul', {}, links.map(([href, text]) => h('li', {}, h('a', { href }, text)))));
  nav.hidden = false;
  replace(who,
    h('span', { class: 'muted' }, session.admin ? 'Admin' : `Tenant ${session.tenant}`),
    h('button', { type: 'button', class: 'secondary small', onclick: signOut }, 'Sign out'));
  who.hidden = false;
}

async function signOut() {
  try {
    await api('DELETE', '/ui/session');
  } catch (e) {
    // Signed out on this side either way.
  }
  session = null;
  signInNotice = 'You are signed out.';
  history.replaceState(null, '', '#/');
  route();
}

function signInView() {
  const status = messageBox();
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true,
    spellcheck: 'false', placeholder: 'gantry_…', 'aria-describedby': 'token-help',
  });
  const form = h('form', {
    class: 'card narrow',
    onsubmit: async (event) => {
      event.preventDefault();
      message(status, 'info', 'Signing in…');
      try {
        session = await post('/ui/session', { token: input.value });
        signInNotice = '';
        input.value = '';
        route();
      } catch (e) {
        message(status, 'error', e.message);
        input.focus();
      }
    },
  },
  h('label', { for: 'token' }, 'API token'),
  input,
  h('p', { id: 'token-help', class: 'muted' },
    'A tenant token (from the admin, or POST /api/tokens) or the admin token. ',
    'It is checked once; the browser then keeps only a session cookie that scripts cannot read.'),
  h('button', { type: 'submit' }, 'Sign in'),
  status);
  replace(main, h('h1', {}, 'Sign in to Gantry'), form);
  if (signInNotice) message(status, signInNotice.startsWith('You are signed out') ? 'info' : 'error', signInNotice);
  document.title = 'Sign in · Gantry';
  input.focus();
}

start();
