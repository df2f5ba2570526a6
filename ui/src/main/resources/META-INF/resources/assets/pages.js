// The tenant's pages (apps, new app, quota) and the admin's tenants page.

import { get, getOptional, post, patch, del, enc } from './api.js';
import { h, replace, message, messageBox, every, when, table, copyable, megabytes } from './dom.js';

export function pushInstructions(app) {
  return h('section', { class: 'card', 'aria-labelledby': 'push-title' },
    h('h2', { id: 'push-title' }, 'Deploy with git'),
    h('p', {}, 'In your app\'s git repository, add Gantry as a remote once:'),
    copyable(`git remote add paas ${app.git_url}`, 'the git remote command'),
    h('p', {}, 'Then deploy by pushing the main branch (git asks for a password: use an API token):'),
    copyable('git push paas main', 'the git push command'),
    h('p', {}, 'The app is served at ', h('a', { href: app.web_url, target: '_blank', rel: 'noopener' }, app.web_url), '.'));
}

/** What an app is doing, in a few words, from its formation and (when the platform reports them) instances. */
export function stateOf(formation, instances) {
  const wanted = Object.values(formation || {}).reduce((n, f) => n + f.quantity, 0);
  if (instances) {
    const up = instances.filter((i) => i.state === 'running' || i.state === 'up').length;
    if (wanted === 0 && instances.length === 0) return 'not running';
    if (up === wanted && wanted > 0) return `running (${up})`;
    return `${up} of ${wanted} running`;
  }
  if (wanted === 0) return 'not scaled';
  return `${wanted} wanted`;
}

export async function appsView({ main }) {
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading your apps…'));
  const bars = h('div');
  replace(main,
    h('div', { class: 'title-row' }, h('h1', {}, 'Apps'), h('a', { class: 'button', href: '#/new' }, 'New app')),
    list,
    h('h2', {}, 'Quota'),
    bars);
  const refresh = async () => {
    const apps = await get('/api/apps');
    if (apps.length === 0) {
      replace(list, h('p', {}, 'You have no apps yet. ', h('a', { href: '#/new' }, 'Create your first app.')));
    } else {
      const states = await Promise.all(apps.map(async (app) => {
        try {
          const [formation, instances] = await Promise.all([
            get(`/api/apps/${enc(app.name)}/formation`), getOptional(`/api/apps/${enc(app.name)}/instances`)]);
          return stateOf(formation, instances);
        } catch (e) {
          return 'unknown';
        }
      }));
      replace(list, table('!Your apps', ['App', 'State', 'URL', 'Created'], apps.map((app, i) => h('tr', {},
        h('td', {}, h('a', { href: `#/apps/${app.name}` }, app.name)),
        h('td', { 'data-state': states[i] }, states[i]),
        h('td', {}, h('a', { href: app.web_url, target: '_blank', rel: 'noopener' }, app.web_url)),
        h('td', {}, when(app.created_at))))));
    }
    replace(bars, quotaBars(await get('/api/quota')));
  };
  try {
    await refresh();
  } catch (e) {
    replace(list, h('p', { class: 'message error', role: 'alert' }, e.message));
  }
  return every(5000, refresh);
}

export async function newAppView({ main }) {
  const status = messageBox();
  const result = h('div');
  const input = h('input', {
    id: 'app-name', name: 'name', required: true, maxlength: 63, autocomplete: 'off', spellcheck: 'false',
    pattern: '[a-z0-9]([a-z0-9-]*[a-z0-9])?', 'aria-describedby': 'app-name-help',
  });
  const form = h('form', {
    class: 'card narrow',
    onsubmit: async (event) => {
      event.preventDefault();
      message(status, 'info', 'Creating…');
      try {
        const app = await post('/api/apps', { name: input.value.trim() });
        message(status, 'success', `App ${app.name} is created.`);
        replace(result, pushInstructions(app),
          h('p', {}, h('a', { class: 'button', href: `#/apps/${app.name}` }, `Open ${app.name}`)));
        form.hidden = true;
        result.querySelector('h2').setAttribute('tabindex', '-1');
        result.querySelector('h2').focus();
      } catch (e) {
        message(status, 'error', e.message);
        input.focus();
      }
    },
  },
  h('label', { for: 'app-name' }, 'App name'),
  input,
  h('p', { id: 'app-name-help', class: 'muted' },
    'Lowercase letters, digits and dashes: it becomes part of the app\'s host name.'),
  h('button', { type: 'submit' }, 'Create app'));
  replace(main, h('h1', {}, 'New app'), form, status, result);
}

function bar(label, used, limit, show) {
  const percent = limit ? Math.min(100, Math.round((used / limit) * 100)) : 0;
  const text = limit === null || limit === undefined
    ? `${show(used)} used, no limit`
    : `${show(used)} of ${show(limit)} used (${percent}%)`;
  const fill = h('div', { class: `fill${percent >= 90 ? ' high' : ''}` });
  fill.style.width = `${percent}%`; // through CSSOM: the page's CSP allows no inline style attributes
  return h('div', { class: 'bar-row' },
    h('div', { class: 'bar-label' }, h('strong', {}, label), ' ', h('span', {}, text)),
    h('div', { class: 'bar', 'aria-hidden': 'true' }, fill));
}

export function quotaBars(quota) {
  const { used, limit } = quota;
  return h('div', { class: 'card bars', 'data-testid': 'quota' },
    bar('Memory', megabytes(used.memory), megabytes(limit.memory), (mb) => (mb >= 1024 ? `${+(mb / 1024).toFixed(2)}G` : `${Math.round(mb)}M`)),
    bar('Instances', used.instances, limit.instances, (n) => String(n)),
    bar('CPUs', Number(used.cpus), limit.cpus === null ? null : Number(limit.cpus), (n) => String(+n.toFixed(2))));
}

export async function quotaView({ main }) {
  const bars = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  replace(main, h('h1', {}, 'Quota'),
    h('p', {}, 'What your apps ask for in total (every formation, running or not), against the limits the admin set. ',
      'Scaling beyond a limit is refused.'),
    bars);
  return every(5000, async () => replace(bars, quotaBars(await get('/api/quota'))));
}

export async function adminView({ main, session }) {
  if (!session.admin) {
    replace(main, h('h1', {}, 'Tenants'), h('p', { class: 'message error', role: 'alert' },
      'Only the admin can see tenants: sign in with the admin token.'));
    return;
  }
  const status = messageBox();
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading tenants…'));
  const created = h('div');
  const nameInput = h('input', { id: 'tenant-name', name: 'name', required: true, autocomplete: 'off', spellcheck: 'false' });
  const createForm = h('form', {
    class: 'card inline-form',
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const tenant = await post('/api/tenants', { name: nameInput.value.trim() });
        message(status, 'success', `Tenant ${tenant.name} is created.`);
        replace(created, h('section', { class: 'card' },
          h('h2', {}, `First token of ${tenant.name}`),
          h('p', {}, 'Shown only now: give it to the tenant.'),
          copyable(tenant.token, `the token of ${tenant.name}`)));
        nameInput.value = '';
        await refresh();
      } catch (e) {
        message(status, 'error', e.message);
      }
    },
  }, h('label', { for: 'tenant-name' }, 'New tenant'), nameInput, h('button', { type: 'submit' }, 'Create tenant'));

  const refresh = async () => {
    const tenants = await get('/api/tenants');
    const quotas = await Promise.all(tenants.map((t) => get(`/api/tenants/${enc(t.name)}/quota`)));
    replace(list, table('Tenants and their quotas', ['Tenant', 'Apps', 'Memory', 'Instances', 'CPUs', 'Quota'],
      tenants.map((t, i) => tenantRow(t, quotas[i], status, refresh))));
  };
  replace(main, h('h1', {}, 'Tenants'), createForm, status, created, list);
  try {
    await refresh();
  } catch (e) {
    message(status, 'error', e.message);
  }
}

function tenantRow(tenant, quota, status, refresh) {
  const show = (used, limit) => `${used} of ${limit === null ? 'unlimited' : limit}`;
  const field = (name, value, label) => h('label', { class: 'compact' }, h('span', {}, label),
    h('input', { name, value: value === null ? '' : value, size: 5, placeholder: 'none' }));
  const form = h('form', {
    class: 'quota-form',
    'aria-label': `Quota of ${tenant.name}`,
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const value = (k) => (data.get(k).trim() === '' ? null : data.get(k).trim());
      const body = { memory: value('memory'), instances: value('instances'), cpus: value('cpus') };
      if (body.instances !== null) body.instances = Number(body.instances);
      if (body.cpus !== null) body.cpus = Number(body.cpus);
      try {
        await patch(`/api/tenants/${enc(tenant.name)}/quota`, body);
        message(status, 'success', `The quota of ${tenant.name} is saved.`);
        await refresh();
      } catch (e) {
        message(status, 'error', `The quota of ${tenant.name} was not changed: ${e.message}`);
      }
    },
  },
  field('memory', quota.limit.memory, 'Memory'),
  field('instances', quota.limit.instances, 'Instances'),
  field('cpus', quota.limit.cpus, 'CPUs'),
  h('button', { type: 'submit', class: 'small' }, 'Save'),
  h('button', {
    type: 'button', class: 'small danger',
    onclick: async () => {
      if (!confirm(`Delete tenant ${tenant.name} with all its apps? This cannot be undone.`)) return;
      try {
        await del(`/api/tenants/${enc(tenant.name)}`);
        message(status, 'success', `Tenant ${tenant.name} is deleted.`);
        await refresh();
      } catch (e) {
        message(status, 'error', e.message);
      }
    },
  }, 'Delete'));
  return h('tr', { 'data-tenant': tenant.name },
    h('th', { scope: 'row' }, tenant.name),
    h('td', {}, String(tenant.apps)),
    h('td', {}, show(quota.used.memory, quota.limit.memory)),
    h('td', {}, show(quota.used.instances, quota.limit.instances)),
    h('td', {}, show(quota.used.cpus, quota.limit.cpus)),
    h('td', {}, form));
}
