// Helpers shared by the ccsig serve end-to-end tests: temporary
// collections, starting and stopping real gateways on 127.0.0.1, HTTP over
// fetch and over raw sockets, registration and steward login. Nothing here
// talks to any address but loopback.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const CCSIG = process.env.CCSIG;
if (!CCSIG) {
  console.error('CCSIG (the ccsig binary) is not set: run through ctest');
  process.exit(2);
}
export const ARTIFACTS = process.env.SERVE_ARTIFACTS || path.join(os.tmpdir(), 'ccsig-serve-artifacts');

export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const browser = { 'User-Agent': BROWSER_UA, 'Accept-Language': 'en-GB,en;q=0.8' };
export const bot = { 'User-Agent': 'ExampleCrawler/1.0 (+https://crawler.example/bot)' };

export function tmpdir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ccsig-${prefix}-`));
}

export function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

// A small collection with text in three policy zones, a binary file, a dot
// file and symbolic links that stay inside or lead out.
export function makeCollection(dir) {
  write(path.join(dir, 'index.html'),
    '<!doctype html><html><head><title>Test Library</title></head><body><h1>Test Library</h1>' +
    '<p>Letters, notes and reports.</p></body></html>\n');
  write(path.join(dir, 'letters/1850.txt'),
    'Letter from Ada to Charles, 1850\n\nThe analytical engine weaves algebraic patterns just as ' +
    'the Jacquard loom weaves flowers and leaves.\n');
  write(path.join(dir, 'letters/1851.txt'),
    'Letter from Charles to Ada, 1851\n\nOn the difference between the two machines.\n');
  write(path.join(dir, 'open/notes.md'),
    '# Field notes on the river otter\n\nOtters were seen near the old mill; the engine house ' +
    'is now a museum.\n');
  write(path.join(dir, 'restricted/report.txt'),
    'Engine maintenance report\n\nThe steam engine was serviced in May.\n');
  write(path.join(dir, '.hidden/secret.txt'), 'not for anyone\n');
  const big = Buffer.alloc(100000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 255;
  write(path.join(dir, 'data/big.bin'), big);
  fs.symlinkSync('/etc/passwd', path.join(dir, 'passwd-link.txt'));
  fs.symlinkSync('letters/1850.txt', path.join(dir, 'inside-link.txt'));
  fs.symlinkSync('..', path.join(dir, 'up'));
  return dir;
}

// Run ccsig synchronously.
export function ccsig(args, input) {
  const r = spawnSync(CCSIG, args, { input, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Start a gateway: resolves once it prints "listening on ...".
export function startServer(args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(CCSIG, ['serve', ...args], {
      cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '', done = false;
    const timer = setTimeout(() => {
      if (!done) { done = true; proc.kill('SIGKILL'); reject(new Error(`no listening line:\n${err}`)); }
    }, 90000);
    const exited = new Promise((res) => proc.on('exit', (code, sig) => res({ code, sig })));
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s/]+)\//);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        const url = m[1];
        const server = {
          url, proc, exited,
          port: Number(url.split(':').pop()),
          get stderr() { return err; },
          async stop() {
            proc.kill('SIGTERM');
            return exited;
          },
          async kill9() {
            proc.kill('SIGKILL');
            return exited;
          },
        };
        resolve(server);
      }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => {
      if (!done) { done = true; clearTimeout(timer); reject(new Error(`exited ${code}:\n${err}`)); }
    });
  });
}

export async function req(url, { method = 'GET', headers = {}, body } = {}) {
  let res;
  try {
    res = await fetch(url, { method, headers, body, redirect: 'manual' });
  } catch (e) {
    // A kept-alive connection the gateway closed when it went idle (its
    // timeout can be shorter than the client's): once more on a new one.
    if (method !== 'GET' && method !== 'HEAD') throw e;
    res = await fetch(url, { method, headers, body, redirect: 'manual' });
  }
  const buf = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    buf,
    text: buf.toString('utf8'),
    json() { return JSON.parse(buf.toString('utf8')); },
  };
}

// Send raw bytes, collect what comes back until the server closes or the
// time is up.
export function raw(port, data, { waitMs = 5000, endAfterWrite = false } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let closed = false;
    const started = Date.now();
    const timer = setTimeout(() => { sock.destroy(); finish(); }, waitMs);
    function finish() {
      clearTimeout(timer);
      resolve({ text: got.toString('latin1'), closed, ms: Date.now() - started });
    }
    sock.on('connect', () => {
      if (data) sock.write(data);
      if (endAfterWrite) sock.end();
    });
    sock.on('data', (d) => { got = Buffer.concat([got, d]); });
    sock.on('close', () => { closed = true; finish(); });
    sock.on('error', () => {});
  });
}

export function form(fields) {
  return new URLSearchParams(fields).toString();
}

export async function register(url, fields, headers = browser) {
  const r = await req(`${url}/register`, {
    method: 'POST',
    headers: { ...headers, Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form(fields),
  });
  return r;
}

export const bulkFields = {
  kind: 'bulk', name: 'Acme AI', contact: 'ai@acme.example', use: 'ai-use',
  'commit-credit': 'yes', 'commit-ecosystem-contribution': 'yes',
  credit: 'Cite the Test Library with a link in every answer that uses it',
  contribution: '1% of revenue to the Commons Fund, yearly', accept: 'yes',
};

export function cookieOf(res, name) {
  for (const c of res.headers.getSetCookie()) {
    const m = c.match(new RegExp(`^${name}=([^;]*)`));
    if (m) return m[1];
  }
  return null;
}

// Log a steward in; returns { cookie, csrf } for the session.
export async function stewardLogin(url, name, password) {
  const page = await req(`${url}/steward/login`, { headers: browser });
  const loginCookie = cookieOf(page, 'ccsig_login');
  const token = page.text.match(/name="login_token" value="([^"]+)"/)[1];
  const r = await req(`${url}/steward/login`, {
    method: 'POST',
    headers: { ...browser, Cookie: `ccsig_login=${loginCookie}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ login_token: token, name, password }),
  });
  if (r.status !== 303) throw new Error(`login failed: ${r.status} ${r.text}`);
  const cookie = `ccsig_session=${cookieOf(r, 'ccsig_session')}`;
  const dash = await req(`${url}/steward/`, { headers: { ...browser, Cookie: cookie } });
  const csrf = dash.text.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  return { cookie, csrf, dashboard: dash };
}

export async function stewardAction(url, session, id, action) {
  return req(`${url}/steward/reusers/${id}/${action}`, {
    method: 'POST',
    headers: { ...browser, Cookie: session.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ csrf: session.csrf }),
  });
}

export function exportLedger(db) {
  const r = ccsig(['serve', '--db', db, '--export-ledger']);
  if (r.status !== 0) throw new Error(`export failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const head = lines.shift().split(',');
  return lines.filter(Boolean).map((l) => {
    const v = l.split(',');
    const o = {};
    head.forEach((h, i) => { o[h] = v[i]; });
    return o;
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
