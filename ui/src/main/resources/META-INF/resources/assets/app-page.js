// One app: overview, processes (instances + scale), releases, config vars, domains, builds, logs, events.
// Live data without reloads: polling while the tab is visible, and Server-Sent Events for logs.

import { get, getOptional, post, patch, del, enc, missingEndpoint } from './api.js';
import { h, replace, message, messageBox, every, ago, when, bytes, table, megabytes } from './dom.js';
import { pushInstructions, stateOf } from './pages.js';

const TABS = [
  ['overview', 'Overview'], ['processes', 'Processes'], ['releases', 'Releases'], ['config', 'Config vars'],
  ['domains', 'Domains'], ['builds', 'Builds'], ['logs', 'Logs'], ['events', 'Events'],
];
const SIZES = ['128M', '256M', '512M', '1G', '2G', '4G'];

export async function appView({ main, params }) {
  const [name, tabName] = params;
  const tab = tabName || 'overview';
  const app = await get(`/api/apps/${enc(name)}`);
  const section = h('div', { id: 'tab' });
  const label = TABS.find(([id]) => id === tab);
  replace(main,
    h('h1', {}, app.name, label && tab !== 'overview' ? h('span', { class: 'muted' }, ` · ${label[1]}`) : null),
    h('p', { class: 'muted' }, h('a', { href: app.web_url, target: '_blank', rel: 'noopener' }, app.web_url)),
    h('nav', { class: 'tabs', 'aria-label': `Sections of ${app.name}` }, h('ul', {}, TABS.map(([id, text]) =>
      h('li', {}, h('a', { href: `#/apps/${app.name}/${id}`, 'aria-current': id === tab ? 'page' : null }, text))))),
    section);
  const views = { overview, processes, releases, config, domains, builds, logs, events };
  const view = views[tab];
  if (!view) {
    replace(section, h('p', {}, 'There is no such section.'));
    return undefined;
  }
  return view(app, section);
}

const base = (app) => `/api/apps/${enc(app.name)}`;

function errorText(el, e) {
  replace(el, h('p', { class: 'message error', role: 'alert' }, e.message));
}

async function overview(app, section) {
  const summary = h('dl', { class: 'facts' });
  const status = messageBox();
  const remove = h('button', {
    type: 'button', class: 'danger',
    onclick: async () => {
      if (!confirm(`Delete ${app.name} with its config, releases, instances and logs? This cannot be undone.`)) return;
      try {
        await del(base(app));
        location.hash = '#/';
      } catch (e) {
        message(status, 'error', `Not deleted: ${e.message}`);
      }
    },
  }, `Delete ${app.name}`);
  replace(section, summary, pushInstructions(app),
    h('section', { class: 'card', 'aria-labelledby': 'danger-title' }, h('h2', { id: 'danger-title' }, 'Delete this app'),
      h('p', {}, 'Stops its instances and deletes its config vars, releases, events and logs.'), remove, status));
  return every(5000, async () => {
    const [formation, instances, releaseList] = await Promise.all([
      get(`${base(app)}/formation`), getOptional(`${base(app)}/instances`), get(`${base(app)}/releases`)]);
    const current = releaseList.find((r) => r.current);
    replace(summary,
      h('dt', {}, 'State'), h('dd', {}, stateOf(formation, instances)),
      h('dt', {}, 'Release'), h('dd', {}, current ? `${current.name}: ${current.description || ''}` : 'none'),
      h('dt', {}, 'Processes'), h('dd', {}, Object.keys(formation).length === 0 ? 'none yet (deploy, then scale)'
        : Object.entries(formation).map(([type, f]) => `${type}=${f.quantity}×${f.size}`).join(', ')),
      h('dt', {}, 'Git remote'), h('dd', {}, h('code', {}, app.git_url)),
      h('dt', {}, 'Created'), h('dd', {}, when(app.created_at)));
  });
}

// ---- processes: instances and scale ----

function instanceRows(instances) {
  return instances.map((i) => h('tr', { 'data-instance': i.name || i.id || '' },
    h('th', { scope: 'row' }, i.name || i.id || i.type),
    h('td', { class: `state state-${i.state}` }, i.state,
      i.last_exit ? h('span', { class: 'muted' }, ` (${i.last_exit})`) : null,
      i.restart_at ? h('span', { class: 'muted' }, `, restarts in ${Math.max(0, Math.round((Date.parse(i.restart_at) - Date.now()) / 1000))}s`) : null),
    h('td', {}, i.release ? `v${i.release}` : '–'),
    h('td', {}, i.started_at ? ago(i.started_at) : '–'),
    h('td', {}, String(i.restarts ?? 0)),
    h('td', {}, i.cpu === undefined || i.cpu === null ? '–' : `${(i.cpu * 100).toFixed(1)}%`),
    h('td', {}, bytes(i.memory))));
}

async function processes(app, section) {
  const instancesBox = h('div', { 'aria-live': 'off' }, h('p', { class: 'muted' }, 'Loading instances…'));
  const scaleBox = h('div');
  const quotaLine = h('p', { class: 'muted', 'data-testid': 'quota-line' });
  const status = messageBox();
  const restartStatus = messageBox();
  const restart = h('button', {
    type: 'button', class: 'secondary small',
    onclick: async () => {
      restart.disabled = true;
      try {
        await post(`${base(app)}/restart`);
        message(restartStatus, 'success', 'Restarting: new instances start and pass their health check before the old ones stop.');
      } catch (e) {
        message(restartStatus, 'error', missingEndpoint(e)
          ? 'This platform cannot restart instances yet.' : `Not restarted: ${e.message}`);
      }
      restart.disabled = false;
    },
  }, 'Restart all instances');
  replace(section,
    h('section', { 'aria-labelledby': 'instances-title' },
      h('div', { class: 'title-row' }, h('h2', { id: 'instances-title' }, 'Instances'), restart), restartStatus, instancesBox),
    h('section', { 'aria-labelledby': 'scale-title' }, h('h2', { id: 'scale-title' }, 'Scale'), quotaLine, status, scaleBox));

  const renderScale = (formation) => {
    const forms = Object.entries(formation).map(([type, f]) => scaleForm(app, type, f, status, refresh));
    forms.push(addTypeForm(app, Object.keys(formation).length === 0 ? 'web' : '', status, refresh));
    replace(scaleBox, forms);
  };
  // Polling must not re-render the forms under the user's hands: not while focus is in them, nor while a field
  // holds an edit not yet applied.
  const editing = () => scaleBox.contains(document.activeElement)
    || [...scaleBox.querySelectorAll('input')].some((i) => i.value !== i.defaultValue)
    || [...scaleBox.querySelectorAll('option')].some((o) => o.selected !== o.defaultSelected);

  const refresh = async (force) => {
    const [formation, instances, quota] = await Promise.all([
      get(`${base(app)}/formation`), getOptional(`${base(app)}/instances`), get('/api/quota')]);
    if (instances === null) {
      replace(instancesBox, h('p', { class: 'muted' },
        'This platform does not report instances yet (the reconciler is not running); the formation below is the desired state.'));
    } else if (instances.length === 0) {
      replace(instancesBox, h('p', {}, 'No instances run. Deploy with git push, then scale a process type above zero.'));
    } else {
      replace(instancesBox, table('!Instances', ['Instance', 'State', 'Release', 'Uptime', 'Restarts', 'CPU', 'Memory'],
        instanceRows(instances)));
    }
    const { used, limit } = quota;
    const of = (u, l) => `${u} of ${l === null ? 'unlimited' : l}`;
    quotaLine.textContent = `Your quota: instances ${of(used.instances, limit.instances)}, memory ${of(used.memory, limit.memory)}, `
      + `CPUs ${of(used.cpus, limit.cpus)} in use (all apps).`;
    if (force === true || !editing()) renderScale(formation);
  };
  try {
    await refresh(true);
  } catch (e) {
    errorText(instancesBox, e);
  }
  return every(3000, refresh);
}

function scaleForm(app, type, f, status, refresh) {
  const id = `scale-${type}`;
  const quantity = h('input', { id: `${id}-quantity`, name: 'quantity', type: 'number', min: 0, max: 100, value: f.quantity, required: true });
  const size = h('select', { id: `${id}-size`, name: 'size' },
    [...new Set([...SIZES, f.size])].sort((a, b) => megabytes(a) - megabytes(b))
      .map((s) => h('option', { value: s, selected: s === f.size }, s)));
  const form = h('form', {
    class: 'card scale-form', 'aria-label': `Scale ${type}`, 'data-type': type,
    onsubmit: async (event) => {
      event.preventDefault();
      await applyScale(app, type, { quantity: Number(quantity.value), size: size.value }, status, refresh);
    },
  },
  h('strong', { class: 'type' }, type),
  h('label', { for: quantity.id }, 'Instances'), quantity,
  h('label', { for: size.id }, 'Size'), size,
  h('span', { class: 'muted' }, `${f.cpus} CPU each`),
  h('button', { type: 'submit' }, 'Scale'));
  return form;
}

function addTypeForm(app, suggested, status, refresh) {
  const type = h('input', { id: 'new-type', name: 'type', value: suggested, required: true, pattern: '[a-z][a-z0-9_-]{0,29}', size: 10 });
  const quantity = h('input', { id: 'new-type-quantity', name: 'quantity', type: 'number', min: 0, max: 100, value: 1, required: true });
  return h('form', {
    class: 'card scale-form', 'aria-label': 'Add a process type',
    onsubmit: async (event) => {
      event.preventDefault();
      await applyScale(app, type.value.trim(), { quantity: Number(quantity.value) }, status, refresh);
    },
  },
  h('label', { for: 'new-type' }, 'Process type'), type,
  h('label', { for: 'new-type-quantity' }, 'Instances'), quantity,
  h('button', { type: 'submit', class: 'secondary' }, 'Scale type'),
  h('span', { class: 'muted' }, 'Process types come from the Procfile (web, worker, …).'));
}

async function applyScale(app, type, change, status, refresh) {
  message(status, 'info', `Scaling ${type}…`);
  try {
    const formation = await patch(`${base(app)}/formation`, { [type]: change });
    const f = formation[type];
    message(status, 'success', `${type} is now ${f.quantity} × ${f.size}.`);
  } catch (e) {
    const p = e.problem;
    const numbers = p && p.resource ? ` (${p.resource}: requested ${p.requested}, in use ${p.used}, limit ${p.limit})` : '';
    message(status, 'error', `Not scaled: ${e.message}${numbers && !e.message.includes(String(p.limit)) ? numbers : ''}`);
  }
  try { await refresh(true); } catch (e) { /* shown by the next poll */ }
}

// ---- releases ----

async function releases(app, section) {
  const status = messageBox();
  const list = h('div');
  replace(section, status, list);
  const refresh = async () => {
    const all = await get(`${base(app)}/releases`);
    replace(list, table('!Releases', ['Release', 'What', 'By', 'When', ''], all.map((r) => h('tr', { 'data-release': r.name },
      h('th', { scope: 'row' }, r.name, r.current ? h('span', { class: 'badge' }, 'current') : null),
      h('td', {}, r.description || '', r.image ? h('div', { class: 'muted mono' }, r.image.slice(0, 19)) : null),
      h('td', {}, r.created_by || ''),
      h('td', {}, when(r.created_at)),
      h('td', {}, r.current ? null : h('button', {
        type: 'button', class: 'small secondary', 'aria-label': `Roll back to ${r.name}`,
        onclick: async (event) => {
          event.target.disabled = true;
          try {
            const made = await post(`${base(app)}/releases/${r.name}/rollback`);
            message(status, 'success', `Rolled back to ${r.name}: ${made.name} is now current.`);
          } catch (e) {
            message(status, 'error', `Not rolled back: ${e.message}`);
          }
          await refresh();
        },
      }, `Roll back to ${r.name}`))))));
  };
  try {
    await refresh();
  } catch (e) {
    errorText(list, e);
  }
  return every(10000, refresh);
}

// ---- config vars ----

async function config(app, section) {
  const status = messageBox();
  const list = h('div');
  const nameInput = h('input', { id: 'config-name', name: 'name', required: true, autocomplete: 'off', spellcheck: 'false', pattern: '[A-Za-z_][A-Za-z0-9_]*' });
  const valueInput = h('input', { id: 'config-value', name: 'value', autocomplete: 'off', spellcheck: 'false' });
  const change = async (body, done) => {
    try {
      await patch(`${base(app)}/config`, body);
      const [latest] = await get(`${base(app)}/releases`);
      message(status, 'success', `${done} New release ${latest.name}: ${latest.description}.`);
    } catch (e) {
      message(status, 'error', `Not saved: ${e.message}`);
    }
    await refresh();
  };
  const addForm = h('form', {
    class: 'card inline-form', 'aria-label': 'Add a config var',
    onsubmit: async (event) => {
      event.preventDefault();
      const key = nameInput.value.trim();
      await change({ [key]: valueInput.value }, `${key} is set.`);
      nameInput.value = '';
      valueInput.value = '';
    },
  },
  h('label', { for: 'config-name' }, 'Name'), nameInput,
  h('label', { for: 'config-value' }, 'Value'), valueInput,
  h('button', { type: 'submit' }, 'Add'));
  const refresh = async () => {
    const vars = await get(`${base(app)}/config`);
    const names = Object.keys(vars);
    if (names.length === 0) {
      replace(list, h('p', {}, 'No config vars yet. Each change makes a new release.'));
      return;
    }
    replace(list, table('!Config vars', ['Name', 'Value', ''], names.map((key) => {
      const value = h('input', { id: `value-${key}`, value: vars[key], 'aria-label': `Value of ${key}`, spellcheck: 'false', autocomplete: 'off' });
      return h('tr', { 'data-var': key },
        h('th', { scope: 'row' }, h('code', {}, key)),
        h('td', {}, value),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'small', 'aria-label': `Save ${key}`, onclick: () => change({ [key]: value.value }, `${key} is saved.`) }, 'Save'),
          h('button', { type: 'button', class: 'small danger', 'aria-label': `Remove ${key}`, onclick: () => change({ [key]: null }, `${key} is removed.`) }, 'Remove')));
    })));
  };
  replace(section, h('p', { class: 'muted' }, 'The environment of every process. Values are stored encrypted; each change makes a new release.'),
    addForm, status, list);
  try {
    await refresh();
  } catch (e) {
    errorText(list, e);
  }
}

// ---- domains ----

async function domains(app, section) {
  const host = new URL(app.web_url).hostname;
  const status = messageBox();
  const list = h('div');
  replace(section, status, list);
  const refresh = async () => {
    const custom = await getOptional(`${base(app)}/domains`);
    const rows = [h('tr', {}, h('th', { scope: 'row' }, h('a', { href: app.web_url, target: '_blank', rel: 'noopener' }, host)), h('td', {}, 'default'), h('td'))];
    if (custom === null) {
      replace(list, table('!Domains', ['Host name', 'Kind', ''], rows),
        h('p', { class: 'muted' }, 'Every app answers at its default host name. Custom domains are not available on this platform yet.'));
      return;
    }
    for (const d of custom) {
      const hostname = typeof d === 'string' ? d : d.hostname || d.name;
      rows.push(h('tr', {}, h('th', { scope: 'row' }, hostname), h('td', {}, 'custom'), h('td', {},
        h('button', {
          type: 'button', class: 'small danger', 'aria-label': `Remove ${hostname}`,
          onclick: async () => {
            try { await del(`${base(app)}/domains/${enc(hostname)}`); message(status, 'success', `${hostname} is removed.`); } catch (e) { message(status, 'error', e.message); }
            await refresh();
          },
        }, 'Remove'))));
    }
    const input = h('input', { id: 'domain', name: 'hostname', required: true, spellcheck: 'false', placeholder: 'www.example.com' });
    replace(list, table('!Domains', ['Host name', 'Kind', ''], rows), h('form', {
      class: 'card inline-form', 'aria-label': 'Add a domain',
      onsubmit: async (event) => {
        event.preventDefault();
        try { await post(`${base(app)}/domains`, { hostname: input.value.trim() }); message(status, 'success', `${input.value.trim()} is added.`); } catch (e) { message(status, 'error', e.message); }
        await refresh();
      },
    }, h('label', { for: 'domain' }, 'Custom domain'), input, h('button', { type: 'submit' }, 'Add domain')));
  };
  try {
    await refresh();
  } catch (e) {
    errorText(list, e);
  }
}

// ---- builds and logs (Server-Sent Events) ----

/** Follows the app's log stream into `pre`; returns a function that closes it. */
function follow(app, pre, state, query) {
  const source = new EventSource(`${base(app)}/logs?tail=true&${query}`);
  let count = 0;
  state.textContent = 'Connecting…';
  source.onopen = () => { state.textContent = 'Live: new lines appear as they happen.'; state.dataset.live = 'true'; };
  source.onerror = () => {
    state.dataset.live = 'false';
    state.textContent = source.readyState === EventSource.CLOSED
      ? 'The log stream was refused (is your session still open?). Reload the page to try again.'
      : 'The log stream was interrupted; reconnecting…';
  };
  source.onmessage = (event) => {
    let line;
    try { line = JSON.parse(event.data); } catch (e) { return; }
    const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 20;
    if (count === 0) pre.replaceChildren();
    count += 1;
    const at = line.at ? new Date(line.at).toISOString().slice(11, 19) : '';
    pre.append(h('span', { class: `line src-${line.source}` },
      h('span', { class: 'muted' }, `${at} ${line.source}${line.instance ? `[${line.instance}]` : ''} `), line.text, '\n'));
    while (pre.childNodes.length > 2000) pre.firstChild.remove();
    if (stick) pre.scrollTop = pre.scrollHeight;
  };
  return () => source.close();
}

async function builds(app, section) {
  const list = h('div');
  const state = h('p', { class: 'muted', role: 'status', 'data-testid': 'build-log-state' });
  const pre = h('pre', { class: 'log', role: 'log', 'aria-label': 'Build log', tabindex: 0, 'data-testid': 'build-log' },
    h('span', { class: 'muted' }, 'No build output yet. Push with git and it appears here.'));
  replace(section,
    h('section', { 'aria-labelledby': 'builds-title' }, h('h2', { id: 'builds-title' }, 'Builds'), list),
    h('section', { 'aria-labelledby': 'build-log-title' }, h('h2', { id: 'build-log-title' }, 'Build log'), state, pre));
  const stopLog = follow(app, pre, state, 'lines=500&source=build');
  const stopPoll = every(4000, async () => {
    try {
      const all = await getOptional(`${base(app)}/builds`);
      if (all === null) {
        replace(list, h('p', { class: 'muted' }, 'This platform does not keep a build history yet; the live build log is below.'));
      } else if (all.length === 0) {
        replace(list, h('p', {}, 'No builds yet: git push paas main starts one.'));
      } else {
        replace(list, table('!Builds', ['Build', 'Status', 'Release', 'Started', 'Finished'], all.map((b) => h('tr', { 'data-build': b.id },
          h('th', { scope: 'row' }, String(b.id)),
          h('td', { class: `state state-${b.status}` }, b.status),
          h('td', {}, b.release ? (String(b.release).startsWith('v') ? b.release : `v${b.release}`) : '–'),
          h('td', {}, when(b.started_at)),
          h('td', {}, when(b.finished_at))))));
      }
    } catch (e) {
      errorText(list, e);
    }
  });
  return () => { stopLog(); stopPoll(); };
}

async function logs(app, section) {
  const select = h('select', { id: 'log-source' },
    [['', 'All sources'], ['app', 'App'], ['build', 'Build'], ['router', 'Router'], ['gantry', 'Gantry (platform)']]
      .map(([value, text]) => h('option', { value }, text)));
  const state = h('p', { class: 'muted', role: 'status', 'data-testid': 'log-state' });
  const pre = h('pre', { class: 'log', role: 'log', 'aria-label': 'App log', tabindex: 0, 'data-testid': 'app-log' },
    h('span', { class: 'muted' }, 'No log lines yet.'));
  let stop = follow(app, pre, state, 'lines=200');
  select.addEventListener('change', () => {
    stop();
    replace(pre, h('span', { class: 'muted' }, 'No log lines yet.'));
    stop = follow(app, pre, state, `lines=200${select.value ? `&source=${select.value}` : ''}`);
  });
  replace(section, h('div', { class: 'inline-form' }, h('label', { for: 'log-source' }, 'Show'), select), state, pre);
  return () => stop();
}

// ---- events ----

async function events(app, section) {
  const list = h('div');
  replace(section, list);
  return every(5000, async () => {
    try {
      const all = await get(`${base(app)}/events?limit=100`);
      replace(list, all.length === 0 ? h('p', {}, 'No events yet.') : h('ol', { class: 'events' }, all.map((e) => h('li', { 'data-kind': e.kind },
        h('span', { class: 'event-message' }, e.message),
        h('span', { class: 'muted' }, ' · ', e.actor || '', ' · ', when(e.created_at))))));
    } catch (e) {
      errorText(list, e);
    }
  });
}
