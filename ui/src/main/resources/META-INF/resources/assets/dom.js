// Small DOM helpers. Text always goes in as text nodes, never as HTML, so API data cannot inject markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A message region: role=alert for errors (read out at once), role=status for news. */
export function message(el, kind, text) {
  el.className = 'message ' + kind;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.textContent = text;
  el.hidden = !text;
}

export function messageBox() {
  const el = h('p', { class: 'message', hidden: true });
  return el;
}

/** Runs fn now and every ms while the page is visible; returns a function that stops it. */
export function every(ms, fn) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    if (document.visibilityState === 'visible') {
      try { await fn(); } catch (e) { /* the view shows its own errors */ }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

export function ago(iso) {
  if (!iso) return '';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: d.toISOString() }, d.toLocaleString());
}

/** "2G", "1536M" → megabytes. */
export function megabytes(size) {
  if (size === null || size === undefined) return null;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)/i.exec(String(size));
  if (!m) return null;
  const factor = { '': 1 / (1024 * 1024), K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[m[2].toUpperCase()];
  return parseFloat(m[1]) * factor;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(2)} GB`;
}

export function table(caption, headers, rows) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', { class: caption.startsWith('!') ? 'sr-only' : '' }, caption.replace(/^!/, '')),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)));
}

export function copyable(text, label) {
  const code = h('code', {}, text);
  const status = h('span', { class: 'copied', role: 'status' });
  const button = h('button', {
    type: 'button', class: 'small', 'aria-label': `Copy ${label}`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        status.textContent = 'Copied';
      } catch (e) {
        status.textContent = 'Select the text to copy it';
      }
      setTimeout(() => { status.textContent = ''; }, 2000);
    },
  }, 'Copy');
  return h('div', { class: 'command' }, h('pre', {}, code), button, status);
}
