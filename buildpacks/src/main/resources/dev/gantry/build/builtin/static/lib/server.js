// Gantry's static site server: no dependencies, Node.js only.
// Root: static.json "root", else public/ when there is no index.html at the app root, else the app root.
// Content types by extension, gzip for compressible types when the client accepts it, a strong ETag
// (sha1 of the content) with 304 on If-None-Match, Cache-Control (html: revalidate; assets: 1 hour;
// static.json "headers" may override per exact path), directory index.html, clean URLs (/about -> about.html),
// and a 404 page (404.html in the root, else a plain one). Paths cannot leave the root.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const crypto = require('crypto');

const appDir = path.resolve(__dirname, '..');
let conf = {};
try { conf = JSON.parse(fs.readFileSync(path.join(appDir, 'static.json'), 'utf8')); } catch (e) { conf = {}; }
let root = appDir;
if (conf.root) root = path.resolve(appDir, conf.root);
else if (!fs.existsSync(path.join(appDir, 'index.html')) && fs.existsSync(path.join(appDir, 'public'))) root = path.join(appDir, 'public');
root = fs.realpathSync(root);

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.map': 'application/json', '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.avif': 'image/avif', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf',
  '.otf': 'font/otf', '.wasm': 'application/wasm', '.pdf': 'application/pdf', '.webmanifest': 'application/manifest+json',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.csv': 'text/csv; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
};
const COMPRESSIBLE = /^(text\/|application\/(json|xml|javascript|manifest\+json|wasm)|image\/svg\+xml|font\/(ttf|otf))/;
const cache = new Map(); // path -> {mtimeMs, size, body, gz, etag}

function load(file, st) {
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
  const body = fs.readFileSync(file);
  const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
  const entry = { mtimeMs: st.mtimeMs, size: st.size, body, type,
    etag: '"' + crypto.createHash('sha1').update(body).digest('base64url') + '"',
    gz: COMPRESSIBLE.test(type) && body.length > 256 ? zlib.gzipSync(body, { level: 6 }) : null };
  if (body.length < 8 << 20) cache.set(file, entry);
  return entry;
}

function find(urlPath) {
  let p;
  try { p = decodeURIComponent(urlPath.split('?')[0]); } catch (e) { return null; }
  if (p.includes('\0')) return null;
  const candidates = [p, p + '.html', path.posix.join(p, 'index.html')];
  for (const c of candidates) {
    const full = path.join(root, path.posix.normalize('/' + c));
    let real;
    try { real = fs.realpathSync(full); } catch (e) { continue; }
    if (real !== root && !real.startsWith(root + path.sep)) continue; // symlinks may not leave the root
    const st = fs.statSync(real);
    if (st.isFile()) return { file: real, st };
  }
  return null;
}

function send(req, res, status, entry, extra) {
  const headers = Object.assign({ 'Content-Type': entry.type, 'ETag': entry.etag, 'Vary': 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff' }, extra);
  if (status === 200 && req.headers['if-none-match'] === entry.etag) {
    res.writeHead(304, headers); return res.end();
  }
  let body = entry.body;
  if (entry.gz && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) { body = entry.gz; headers['Content-Encoding'] = 'gzip'; }
  headers['Content-Length'] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'Allow': 'GET, HEAD', 'Content-Type': 'text/plain' }); return res.end('method not allowed\n');
  }
  const urlPath = (req.url || '/').split('?')[0];
  const found = find(urlPath);
  if (found) {
    const entry = load(found.file, found.st);
    const rel = '/' + path.relative(root, found.file);
    const custom = (conf.headers || {})[urlPath] || (conf.headers || {})[rel] || {};
    const cc = entry.type.startsWith('text/html') ? 'public, max-age=0, must-revalidate' : 'public, max-age=3600';
    return send(req, res, 200, entry, Object.assign({ 'Cache-Control': cc }, custom));
  }
  const nf = find('/404.html');
  if (nf) return send(req, res, 404, load(nf.file, nf.st), { 'Cache-Control': 'no-cache' });
  res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
  res.end('<!doctype html><title>404 Not Found</title><h1>404 Not Found</h1>\n');
});
const port = parseInt(process.env.PORT || '5000', 10);
server.listen(port, () => console.log('static server on port ' + port + ', root ' + root));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
