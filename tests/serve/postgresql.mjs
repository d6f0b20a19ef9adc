// The scale-out setup: a PostgreSQL cluster of the test's own (initdb and
// pg_ctl from Debian's postgresql, on 127.0.0.1 with a free port, in a
// temporary directory) shared by two ccsig serve instances. One rate limit
// and one daily quota per key hold across both, even for concurrent
// requests; revocation on one is seen by the other at once; sessions,
// ledger and full-text search live in the shared database.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  bot, browser, bulkFields, ccsig, exportLedger, makeCollection, register, req, startServer,
  stewardAction, stewardLogin, tmpdir, write,
} from './lib.mjs';

function pgBin() {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb'))) return bin;
  }
  throw new Error('PostgreSQL server binaries not found (Debian package postgresql; scripts/bootstrap installs it)');
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// PostgreSQL refuses to run as root: as root, run its tools as the
// postgres system user (created by the Debian package).
const asRoot = process.getuid() === 0;
function pg(bin, args) {
  const cmd = asRoot ? 'runuser' : path.join(bin, args[0]);
  const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, args[0]), ...args.slice(1)] : args.slice(1);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`${args[0]} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const dir = tmpdir('serve-pg');
const bin = pgBin();
const data = path.join(dir, 'pgdata');
let port, dbUrl, A, B;
const STEWARD = 'steward', PASSWORD = 'a long steward passphrase';

before(async () => {
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }
  pg(bin, ['initdb', '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  port = await freePort();
  pg(bin, ['pg_ctl', '-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  dbUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;

  const coll = makeCollection(path.join(dir, 'coll'));
  const policyFile = path.join(dir, 'policy.yaml');
  write(policyFile, `collection:
  name: Shared Library
preferences:
  - path: /
    train-ai: cr
    ai-use: cr
  - path: /open/
    ai-use: allow
access:
  bulk: {rate: 1/min, burst: 5, quota: 1000}
  pending: {rate: 1000, burst: 1000, quota: 6}
  registrations: {rate: 100, burst: 100}
  logins: {rate: 100, burst: 100}
server:
  threads: 2
`);
  const r = ccsig(['serve', '--db', dbUrl, '--set-password', STEWARD], `${PASSWORD}\n`);
  assert.equal(r.status, 0, r.stderr);
  const common = ['--collection', coll, '--policy', policyFile, '--db', dbUrl, '--listen', '127.0.0.1:0'];
  // Started together: migrations and the search index are built under
  // advisory locks.
  [A, B] = await Promise.all([startServer([...common, '--instance', 'pg-a']),
    startServer([...common, '--instance', 'pg-b'])]);
});

after(async () => {
  for (const s of [A, B]) if (s) assert.equal((await s.stop()).code, 0, s.stderr);
  try { pg(bin, ['pg_ctl', '-D', data, '-m', 'fast', '-w', 'stop']); } catch (e) { console.error(e.message); }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the schema is migrated once, to the same version as SQLite', () => {
  const out = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-At', '-c',
    'SELECT version FROM schema_migrations ORDER BY version'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout.trim(), '1\n2\n3\n4\n5\n6\n7'); // 5: credit reports; 6: Web Bot Auth, pay per crawl; 7: nonces shared by gateways
});

test('one rate limit per key across two gateways', async () => {
  const k = (await register(A.url, bulkFields)).json();
  const headers = { ...bot, Authorization: `Bearer ${k.key}` };
  const codes = [];
  for (let i = 0; i < 12; i++) {
    const s = i % 2 ? B : A;
    const r = await req(`${s.url}/letters/1850.txt`, { headers });
    codes.push(r.status);
    if (r.status === 429) assert.ok(Number(r.headers.get('retry-after')) >= 1);
  }
  // Burst 5 in all, not 5 per instance.
  assert.equal(codes.filter((c) => c === 200).length, 5, codes.join(' '));
  assert.deepEqual(codes.slice(5), Array(7).fill(429));
});

test('one daily quota per key across two gateways, under concurrent requests', async () => {
  const k = (await register(B.url, {
    kind: 'public-interest', name: 'Web Archive', contact: 'archive@example.org', use: 'ai-use',
    purpose: 'archiving', claim: 'A public web archive that keeps preferences with the copies.',
  })).json();
  assert.equal(k.tier, 'pending');
  const headers = { ...bot, Authorization: `Bearer ${k.key}` };
  const all = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    // (a pending claim decides like a reuser who pledged nothing: /open/,
    // which allows ai-use, not the letters, which ask for credit)
    req(`${(i % 2 ? B : A).url}/open/notes.md`, { headers })));
  const ok = all.filter((r) => r.status === 200).length;
  assert.equal(ok, 6, all.map((r) => r.status).join(' '));
  const refused = all.filter((r) => r.status === 429);
  assert.equal(refused.length, 24);
  assert.match(refused[0].text, /daily quota of 6 requests/);
  // Both instances wrote the ledger.
  const rows = exportLedger(dbUrl).filter((r) => r.key_id === k.key_id);
  assert.equal(rows.length, 30);
  assert.deepEqual([...new Set(rows.map((r) => r.instance))].sort(), ['pg-a', 'pg-b']);
  assert.equal(rows.filter((r) => r.status === '200').length, 6);
});

test('revocation on one gateway holds on the other at once; sessions are shared', async () => {
  const k = (await register(A.url, { ...bulkFields, name: 'Other AI' })).json();
  const headers = { ...bot, Authorization: `Bearer ${k.key}` };
  assert.equal((await req(`${A.url}/letters/1850.txt`, { headers })).status, 200);
  const session = await stewardLogin(B.url, STEWARD, PASSWORD);
  // The session made on B works on A.
  const dash = await req(`${A.url}/steward/`, { headers: { ...browser, Cookie: session.cookie } });
  assert.equal(dash.status, 200);
  assert.match(dash.text, /Other AI/);
  assert.equal((await stewardAction(B.url, session, k.reuser, 'revoke')).status, 303);
  const r = await req(`${A.url}/letters/1850.txt`, { headers });
  assert.equal(r.status, 401);
  assert.match(r.text, /revoked/);
});

test('PostgreSQL full-text search with credits', async () => {
  // An automated client without a key (people in browsers see every hit).
  const anon = (await req(`${A.url}/search?q=engines&format=json`, { headers: bot })).json();
  // Stemming (engines -> engine); the letters deny ai-use without credit.
  assert.deepEqual(anon.hits.map((h) => new URL(h.url).pathname), ['/open/notes.md']);
  assert.ok(anon.withheld >= 2);
  const hit = anon.hits[0];
  assert.equal(hit.title, 'Field notes on the river otter');
  assert.match(hit.snippet, /engine/);
  assert.doesNotMatch(hit.snippet, /[\u0001\u0002]/);
  assert.equal(hit.credit.collection, 'Shared Library');
  const k = (await register(B.url, { ...bulkFields, name: 'Search AI' })).json();
  const keyed = (await req(`${B.url}/search?q=analytical engine&format=json`, {
    headers: { ...bot, Authorization: `Bearer ${k.key}` },
  })).json();
  const letter = keyed.hits.find((h) => h.url.endsWith('/letters/1850.txt'));
  assert.ok(letter, JSON.stringify(keyed));
  assert.equal(letter.credit.signal, 'cc-cr');
  assert.match(letter.credit.text, /Letter from Ada to Charles, 1850/);
});

test('PostgreSQL: reports back are shared by both gateways; hits carry full credit', async () => {
  const k = (await register(A.url, { ...bulkFields, name: 'Reporting AI' })).json();
  const auth = { ...bot, Accept: 'application/json', Authorization: `Bearer ${k.key}` };
  const post = (s, u) => req(`${s.url}/credit/reports`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ url: u, note: 'model card' }).toString(),
  });
  const a = await post(A, 'https://models.example/one');
  assert.equal(a.status, 201, a.text);
  const b = await post(B, 'https://models.example/two');
  assert.equal(b.status, 201, b.text);
  assert.ok(b.json().report.id > a.json().report.id);
  assert.equal((await post(A, 'mailto:someone@example.org')).status, 400);
  const listed = (await req(`${B.url}/credit/reports`, { headers: auth })).json();
  assert.deepEqual(listed.reports.map((r) => r.url), ['https://models.example/two', 'https://models.example/one']);
  const session = await stewardLogin(A.url, STEWARD, PASSWORD);
  const page = await req(`${B.url}/steward/reusers/${k.reuser}`, { headers: { ...browser, Cookie: session.cookie } });
  assert.match(page.text, /<table id="reports">/);
  assert.match(page.text, /href="https:\/\/models.example\/one"/);
  assert.match(page.text, /href="https:\/\/models.example\/two"/);
  // Search hits (PostgreSQL full-text) carry the file's credit record.
  const s = (await req(`${A.url}/search?q=engines&format=json`, { headers: auth })).json();
  const hit = s.hits.find((h) => h.url.endsWith('/open/notes.md'));
  assert.equal(hit.credit.type, 'ccsig-credit-record');
  assert.equal(hit.credit.title, 'Field notes on the river otter');
  assert.equal(hit.credit.source, 'Shared Library');
  assert.equal(hit.credit.link, hit.url);
  // No --public-url and no collection url: the gateways warn at start.
  assert.match(A.stderr, /warning: no --public-url: credit will cite http:\/\/127\.0\.0\.1:/);
});
