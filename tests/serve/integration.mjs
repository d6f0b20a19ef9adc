// End-to-end test of ccsig serve with the embedded storage (SQLite): one real
// gateway on 127.0.0.1, driven over HTTP. Each access class, rate limits and
// 429s, the daily quota, key revocation and claim approval, search with
// attribution, generated files matching the policy, static-file semantics
// and the security properties (traversal, symlinks, limits, slow clients,
// steward pages closed without login).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';

import {
  bot, browser, bulkFields, ccsig, exportLedger, form, makeCollection, raw, register, req,
  sleep, startServer, stewardAction, stewardLogin, tmpdir, write,
} from './lib.mjs';

const dir = tmpdir('serve-it');
const coll = makeCollection(path.join(dir, 'coll'));
// Entries a GET does not serve, which listings and the bulk endpoints must
// not show either: a FIFO, a link that leads out, a name with a backslash
// and a name that is not UTF-8; and one plain file beside them.
write(path.join(coll, 'odd/fine.txt'), 'a plain file among odd ones\n');
spawnSync('mkfifo', [path.join(coll, 'odd/pipe.txt')]);
fs.symlinkSync('/etc/hostname', path.join(coll, 'odd/out-link.txt'));
fs.writeFileSync(path.join(coll, 'odd/back\\slash.txt'), 'backslash\n');
fs.writeFileSync(Buffer.concat([Buffer.from(path.join(coll, 'odd/bad-')), Buffer.from([0xff, 0xfe]),
  Buffer.from('.txt')]), 'not utf-8\n');
const db = `sqlite:${path.join(dir, 'ledger.db')}`;
const policyFile = path.join(dir, 'policy.yaml');
const PUBLIC = 'http://gateway.test';
write(policyFile, `# integration test policy
collection:
  name: Test Library
  credit: '"{title}", {collection}, {url}'
  license: CC-BY-4.0
party:
  name: Test Library Trust
  url: https://trust.example/
  copyright: mixed
preferences:
  - path: /
    train-ai: cr
    ai-use: cr-ec
    search: allow
  - path: /open/
    train-ai: allow
    ai-use: allow
  - path: /restricted/
    automated-processing: deny
access:
  browsers: {rate: 1000, burst: 1000}
  automated: {rate: 1/min, burst: 4}
  registrations: {rate: 100, burst: 100}
  logins: {rate: 100, burst: 100}
  pending: {rate: 1/min, burst: 3, quota: 100}
  bulk: {rate: 100, burst: 100, quota: 40}
  public-interest: {rate: 1000, burst: 1000}
server:
  timeout: 2
  max-header-bytes: 4096
  max-body-bytes: 4096
  threads: 2
`);

let srv;
let url;
const STEWARD = 'steward', PASSWORD = 'a long steward passphrase';

before(async () => {
  const r = ccsig(['serve', '--db', db, '--set-password', STEWARD], `${PASSWORD}\n`);
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer(['--collection', coll, '--policy', policyFile, '--db', db,
    '--listen', '127.0.0.1:0', '--public-url', PUBLIC, '--instance', 'it-1',
    '--access-log', path.join(dir, 'access.log')]);
  url = srv.url;
});

after(async () => {
  if (srv) {
    const { code } = await srv.stop();
    // A clean stop (and, under ASan, no leak report).
    assert.equal(code, 0, srv.stderr);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('generated files are exactly what the policy generates', async () => {
  for (const [route, what] of [['/robots.txt', 'robots'], ['/.well-known/tdmrep.json', 'tdmrep']]) {
    const served = await req(`${url}${route}`, { headers: browser });
    assert.equal(served.status, 200);
    const printed = ccsig(['serve', '--policy', policyFile, '--public-url', PUBLIC, '--print', what]);
    assert.equal(printed.status, 0, printed.stderr);
    assert.equal(served.text, printed.stdout, `${route} differs from --print ${what}`);
  }
  const tdm = (await req(`${url}/.well-known/tdmrep.json`)).json();
  assert.deepEqual(tdm, [{ location: '/restricted/', 'tdm-reservation': 1 }]);
  // Every Content-Usage line of robots.txt is the line `ccsig declare`
  // writes for that declaration, and the header of a file under each path
  // is the same declarations, one field line each (fetch joins them).
  const robots = (await req(`${url}/robots.txt`, { headers: browser })).text;
  const lines = [...robots.matchAll(/^Content-Usage: (\/\S*\s)?(.+)$/gm)]
    .map((m) => [m[1] ? m[1].trim() : '/', m[2], m[0]]);
  assert.equal(lines.length, 6);
  const byPath = {};
  for (const [p, expr, line] of lines) {
    (byPath[p] = byPath[p] || []).push(expr);
    const ex = ccsig(['explain', '--json', expr]);
    assert.equal(ex.status, 0, ex.stderr);
    assert.equal(JSON.parse(ex.stdout).valid, true, expr);
    const label = expr.slice(0, expr.indexOf('=')), value = expr.slice(expr.indexOf('=') + 1);
    // automated-processing has no current label: it is written as the
    // three current labels with one value
    const use = /^train-ai=[^,]*, ai-use=[^,]*, search=[^,]*$/.test(expr) ? 'automated-processing' : label;
    const signal = value.startsWith('y') ? [] : ['--signal', (value.match(/exceptions=cc-(\S+)/) || [, 'none'])[1]];
    const args = ['declare', '--use', use, ...(value.startsWith('y') ? ['--allow'] : signal),
      ...(p === '/' ? [] : ['--path', p]), '--format', 'robots'];
    const decl = ccsig(args);
    assert.equal(decl.status, 0, decl.stderr);
    assert.ok(decl.stdout.split('\n').includes(line), `${line} vs ccsig ${args.join(' ')}:\n${decl.stdout}`);
  }
  const sample = { '/': '/letters/1850.txt', '/open/': '/open/notes.md', '/restricted/': '/restricted/report.txt' };
  for (const [p, exprs] of Object.entries(byPath)) {
    const r = await req(`${url}${sample[p]}`, { headers: browser });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-usage'), exprs.join(', '), sample[p]);
  }
  const restricted = await req(`${url}/restricted/report.txt`, { headers: browser });
  assert.equal(restricted.headers.get('tdm-reservation'), '1');
  assert.equal((await req(`${url}/letters/1850.txt`, { headers: browser })).headers.get('tdm-reservation'), null);
  // The declaration states each rule and the signals' terms.
  const decl = await req(`${url}/declaration`, { headers: browser });
  assert.equal(decl.status, 200);
  assert.match(decl.text, /train-ai=n;exceptions=cc-cr, ai-use=n;exceptions=cc-cr-ec, search=y/);
  assert.match(decl.text, /<summary>The full declaration for AI training<\/summary>/);
  assert.match(decl.text, /Written with ccsig declare/);
  assert.match(decl.text, /You must give appropriate credit/);
  assert.match(decl.text, /monetary or in-kind support back to the ecosystem/);
  assert.match(decl.text, /Test Library Trust/);
  // ccsig lint passes on the served robots.txt, and ccsig check (the
  // robots.txt reader) reaches, for a file under each rule, the verdict that
  // the file's own Content-Usage header gives.
  const served = path.join(dir, 'served-robots.txt');
  fs.writeFileSync(served, robots);
  const lint = ccsig(['lint', served]);
  assert.equal(lint.status, 0, `ccsig lint on the served robots.txt:\n${lint.stdout}${lint.stderr}`);
  assert.match(lint.stdout, /^([Nn]o problems found|0 errors, )/m); // the generated robots.txt uses current labels only: no problems
  for (const file of Object.values(sample)) {
    const header = (await req(`${url}${file}`, { headers: browser })).headers.get('content-usage');
    const viaRobots = ccsig(['check', '--robots', served, '--json', `${PUBLIC}${file}`]);
    assert.equal(viaRobots.status, 0, viaRobots.stderr);
    const r = JSON.parse(viaRobots.stdout);
    assert.equal(r.crawl, 'allowed');
    const viaHeader = JSON.parse(ccsig(['explain', '--json', header]).stdout);
    assert.deepEqual(Object.fromEntries(Object.entries(r.categories).map(([k, v]) => [k, [v.state, v.exceptions]])),
      Object.fromEntries(Object.entries(viaHeader.categories).map(([k, v]) => [k, [v.state, v.exceptions]])), file);
  }
  const bulk = JSON.parse(ccsig(['check', '--robots', served, '--json', `${PUBLIC}/bulk/collection.tar`]).stdout);
  assert.equal(bulk.crawl, 'disallowed');
});

test('files of every size are served byte for byte (with their headers in one send up to 16 KiB, by sendfile past it)', async () => {
  for (const n of [0, 1, 1643, 16383, 16384, 16385, 65536]) {
    const f = path.join(coll, 'data', `size-${n}.bin`);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = (i * 13 + n) & 255;
    fs.writeFileSync(f, b);
    try {
      const r = await req(`${url}/data/size-${n}.bin`, { headers: browser });
      assert.equal(r.status, 200, `size ${n}`);
      assert.equal(r.headers.get('content-length'), String(n));
      assert.deepEqual(r.buf, b, `size ${n}`);
      if (n > 10) {
        const part = await req(`${url}/data/size-${n}.bin`, { headers: { ...browser, Range: `bytes=5-${n - 2}` } });
        assert.equal(part.status, 206);
        assert.deepEqual(part.buf, b.subarray(5, n - 1), `range of size ${n}`);
      }
      const head = await req(`${url}/data/size-${n}.bin`, { method: 'HEAD', headers: browser });
      assert.equal(head.headers.get('content-length'), String(n));
      assert.equal(head.buf.length, 0);
    } finally {
      fs.rmSync(f);
    }
  }
});

test('static files: types, validators, conditional requests, ranges, HEAD', async () => {
  const r = await req(`${url}/letters/1850.txt`, { headers: browser });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(r.headers.get('x-access-class'), 'browsers');
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  const etag = r.headers.get('etag');
  const lm = r.headers.get('last-modified');
  assert.match(etag, /^"[0-9a-f-]+"$/);
  assert.equal((await req(`${url}/letters/1850.txt`, { headers: { ...browser, 'If-None-Match': etag } })).status, 304);
  assert.equal((await req(`${url}/letters/1850.txt`, { headers: { ...browser, 'If-None-Match': '"other"' } })).status, 200);
  assert.equal((await req(`${url}/letters/1850.txt`, { headers: { ...browser, 'If-Modified-Since': lm } })).status, 304);
  const big = fs.readFileSync(path.join(coll, 'data/big.bin'));
  const part = await req(`${url}/data/big.bin`, { headers: { ...browser, Range: 'bytes=1000-1999' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${big.length}`);
  assert.deepEqual(part.buf, big.subarray(1000, 2000));
  const tail = await req(`${url}/data/big.bin`, { headers: { ...browser, Range: 'bytes=-10' } });
  assert.deepEqual(tail.buf, big.subarray(big.length - 10));
  const stale = await req(`${url}/data/big.bin`, { headers: { ...browser, Range: 'bytes=0-9', 'If-Range': '"stale"' } });
  assert.equal(stale.status, 200);
  assert.equal(stale.buf.length, big.length);
  const bad = await req(`${url}/data/big.bin`, { headers: { ...browser, Range: 'bytes=200000-' } });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers.get('content-range'), `bytes */${big.length}`);
  const head = await req(`${url}/data/big.bin`, { method: 'HEAD', headers: browser });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(big.length));
  assert.equal(head.buf.length, 0);
  const redirect = await req(`${url}/letters`, { headers: browser });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/letters/');
  const listing = await req(`${url}/letters/`, { headers: browser });
  assert.match(listing.text, /href="1850.txt"/);
  // A listing shows what a GET serves, no more: no FIFO, no link that
  // leads out, no name a GET refuses (backslash, not UTF-8).
  assert.ok(fs.statSync(path.join(coll, 'odd/pipe.txt')).isFIFO());
  const odd = await req(`${url}/odd/`, { headers: browser });
  assert.equal(odd.status, 200);
  const hrefs = [...odd.text.matchAll(/<li><a href="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(hrefs, ['../', 'fine.txt']);
  assert.ok(odd.buf.toString('utf8') === odd.text && !odd.text.includes('\ufffd'));
  for (const p of ['/odd/pipe.txt', '/odd/out-link.txt', '/odd/back%5Cslash.txt', '/odd/bad-%FF%FE.txt'])
    assert.equal((await req(`${url}${p}`, { headers: browser })).status, 404, p);
  const home = await req(`${url}/`, { headers: browser });
  assert.match(home.text, /<h1>Test Library<\/h1>/);
  assert.equal((await req(`${url}/missing.txt`, { headers: browser })).status, 404);
  assert.equal((await req(`${url}/letters/1850.txt`, { method: 'DELETE', headers: browser })).status, 405);
});

test('paths that leave the collection are refused', async () => {
  const attempts = [
    'GET /../../etc/passwd HTTP/1.1', 'GET /letters/../../../etc/passwd HTTP/1.1',
    'GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1', 'GET /letters/%2e%2e%2f%2e%2e%2fetc/passwd HTTP/1.1',
    'GET /passwd-link.txt HTTP/1.1', 'GET /up/ HTTP/1.1', 'GET /up/etc/passwd HTTP/1.1',
    'GET /.hidden/secret.txt HTTP/1.1', 'GET /letters/1850.txt%00.html HTTP/1.1',
    'GET /..%5c..%5cetc/passwd HTTP/1.1',
  ];
  for (const line of attempts) {
    const r = await raw(srv.port, `${line}\r\nHost: x\r\nUser-Agent: ${browser['User-Agent']}\r\n` +
      'Accept-Language: en\r\nConnection: close\r\n\r\n');
    assert.match(r.text, /^HTTP\/1\.1 (404|400|403)/, line);
    assert.doesNotMatch(r.text, /root:/, line);
    assert.doesNotMatch(r.text, /not for anyone/, line);
  }
  // A link that stays inside works.
  const inside = await req(`${url}/inside-link.txt`, { headers: browser });
  assert.equal(inside.status, 200);
  assert.match(inside.text, /analytical engine/);
});

test('request limits: header size, body size, slow clients', async () => {
  // Headers past the limit (4 KiB here, plus the response's room) are not
  // served: a 4xx, or the connection closed (the client may see a reset
  // while it is still sending); headers under the limit are.
  const huge = await raw(srv.port, `GET /letters/1850.txt HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(30000)}\r\n\r\n`);
  assert.ok(huge.closed);
  assert.ok(huge.text === '' || /^HTTP\/1\.1 4(31|13|14|00)/.test(huge.text), huge.text.slice(0, 80));
  assert.doesNotMatch(huge.text, /analytical engine/);
  const fine = await req(`${url}/letters/1850.txt`, { headers: { ...browser, 'X-Fine': 'a'.repeat(3000) } });
  assert.equal(fine.status, 200);
  const body = 'name=' + 'x'.repeat(10000);
  const tooBig = await req(`${url}/register`, {
    method: 'POST', headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' }, body,
  });
  assert.equal(tooBig.status, 413);
  // A body declared too large is refused at once, before it is sent: no
  // 100 Continue, no waiting for a body that never comes.
  const early = await raw(srv.port, 'POST /register HTTP/1.1\r\nHost: x\r\nContent-Type: ' +
    'application/x-www-form-urlencoded\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n',
  { waitMs: 3000 });
  assert.match(early.text, /^HTTP\/1\.1 413 /, early.text.slice(0, 80));
  assert.doesNotMatch(early.text, /100 Continue/);
  assert.ok(early.ms < 1500, `answered after ${early.ms} ms`);
  // A client that never finishes its headers is cut off after the timeout
  // (2 s in this policy) without an answer.
  const slow = await raw(srv.port, 'GET / HTTP/1.1\r\nHost: x\r\n', { waitMs: 8000 });
  assert.equal(slow.closed, true);
  assert.ok(slow.ms >= 1500 && slow.ms < 7000, `closed after ${slow.ms} ms`);
  // The gateway is still serving.
  assert.equal((await req(`${url}/letters/1850.txt`, { headers: browser })).status, 200);
});

test('unregistered automated clients: a per-address rate, then 429 with Retry-After and a link to register', async () => {
  let codes = [];
  for (let i = 0; i < 6; i++) codes.push((await req(`${url}/letters/1851.txt`, { headers: bot })).status);
  assert.deepEqual(codes, [200, 200, 200, 200, 429, 429]);
  const r = await req(`${url}/letters/1851.txt`, { headers: bot });
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('x-access-class'), 'automated');
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  assert.equal(r.headers.get('link'), `<${PUBLIC}/register>; rel="help"`);
  assert.match(r.text, /Unregistered automated clients may make 1 request a minute \(bursts of 4\) from one address/);
  assert.match(r.text, /register for a key with a higher rate at http:\/\/gateway\.test\/register/);
  const j = await req(`${url}/letters/1851.txt`, { headers: { ...bot, Accept: 'application/json' } });
  assert.equal(j.json().error.status, 429);
  // robots.txt and the registration form stay readable; browsers are not
  // affected by the automated clients' limit.
  assert.equal((await req(`${url}/robots.txt`, { headers: bot })).status, 200);
  assert.equal((await req(`${url}/register`, { headers: bot })).status, 200);
  assert.equal((await req(`${url}/letters/1851.txt`, { headers: browser })).status, 200);
  // So is registering (it has its own registrations limit): a limited
  // automated client gets its key, not a 429.
  const reg = await register(url, { ...bulkFields, name: 'Limited Crawler Ltd' }, bot);
  assert.equal(reg.status, 201, reg.text);
  assert.equal(reg.json().tier, 'bulk');
});

test('registration: validation, key shown once, keys stored only as hashes', async () => {
  const missing = await register(url, { ...bulkFields, accept: '' });
  assert.equal(missing.status, 400);
  assert.match(missing.json().error.message, /Accept the terms/);
  const noCredit = await register(url, { ...bulkFields, 'commit-credit': '' });
  assert.equal(noCredit.status, 400);
  assert.equal(noCredit.json().error.message,
    "The collection's CC signal cc-cr-ec asks, for ai-use, for credit: pledge it (commit-credit=yes).");
  // Both conditions of cc-cr-ec are named when both are missing.
  const none = await register(url, { ...bulkFields, 'commit-credit': '', 'commit-ecosystem-contribution': '' });
  assert.equal(none.status, 400);
  assert.match(none.json().error.message, /for credit: .* for ecosystem-contribution: pledge it/);
  // A use the policy allows outright (search) needs no pledge.
  const search = await register(url, { ...bulkFields, use: 'search', 'commit-credit': '', 'commit-ecosystem-contribution': '' });
  assert.equal(search.status, 201, search.text);
  // A name that is not UTF-8 never reaches the database or a page; the
  // limit is in bytes, as the message says (201 bytes of "é"s: 100.5
  // characters, refused).
  const notUtf8 = await req(`${url}/register`, {
    method: 'POST', headers: { ...browser, Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `${form({ ...bulkFields, name: 'x' })}`.replace('name=x', 'name=Bad%FF%FEName'),
  });
  assert.equal(notUtf8.status, 400);
  assert.match(notUtf8.json().error.message, /Give a name \(2 to 200 bytes of UTF-8, one line\)/);
  const long = await register(url, { ...bulkFields, name: `${'\u00e9'.repeat(100)}x` });
  assert.equal(long.status, 400);
  assert.match(long.json().error.message, /200 bytes/);
  const fits = await register(url, { ...bulkFields, name: '\u00e9'.repeat(100) });
  assert.equal(fits.status, 201);
  const html = await req(`${url}/register`, {
    method: 'POST', headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ ...bulkFields, name: '' }),
  });
  assert.equal(html.status, 400);
  assert.match(html.text, /id="errors"/);
  const ok = await register(url, bulkFields);
  assert.equal(ok.status, 201);
  const k = ok.json();
  assert.match(k.key, /^ccsig_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  assert.equal(k.status, 'active');
  assert.equal(k.tier, 'bulk');
  // The database holds the hash, never the key.
  const dbfile = db.slice('sqlite:'.length);
  for (const f of [dbfile, `${dbfile}-wal`]) {
    if (fs.existsSync(f)) assert.equal(fs.readFileSync(f).includes(Buffer.from(k.key.slice(19))), false, f);
  }
  const page = await req(`${url}/register`, {
    method: 'POST', headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form(bulkFields),
  });
  assert.equal(page.status, 201);
  assert.match(page.text, /<code id="key">ccsig_/);
  assert.match(page.text, /only time the key is shown/);
  assert.equal(page.headers.get('cache-control'), 'no-store');
});

test('bulk reusers: keyed access, bulk endpoints, per-key quota, ledger', async () => {
  const k = (await register(url, bulkFields)).json();
  const auth = { ...bot, Authorization: `Bearer ${k.key}` };
  const r = await req(`${url}/letters/1850.txt`, { headers: { ...auth, 'X-Request-Id': 'bulk-1' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-access-class'), 'bulk');
  assert.equal(r.headers.get('x-quota-remaining'), '39');
  // Bulk endpoints need a key.
  const anon = await req(`${url}/bulk/collection.tar`, { headers: browser });
  assert.equal(anon.status, 401);
  assert.match(anon.headers.get('www-authenticate'), /^Bearer realm="ccsig"/);
  assert.match(anon.text, /register/i);
  const tar = await req(`${url}/bulk/collection.tar`, { headers: auth });
  assert.equal(tar.status, 200);
  assert.equal(tar.headers.get('content-type'), 'application/x-tar');
  const tarFile = path.join(dir, 'c.tar');
  fs.writeFileSync(tarFile, tar.buf);
  const { spawnSync } = await import('node:child_process');
  const list = spawnSync('tar', ['tf', tarFile], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  const all = list.stdout.trim().split('\n');
  // The manifest member first, then exactly the files a GET serves (not
  // odd/'s FIFO, outward link, backslash or non-UTF-8 names) that the
  // key's use and pledges permit: not /restricted/, which denies every
  // automated use.
  assert.equal(all[0], '.ccsig/manifest.jsonl');
  const names = all.slice(1).sort();
  assert.deepEqual(names, ['data/big.bin', 'index.html', 'inside-link.txt', 'letters/1850.txt',
    'letters/1851.txt', 'odd/fine.txt', 'open/notes.md']);
  const man = await req(`${url}/bulk/manifest.jsonl`, { headers: auth });
  const entries = man.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(entries.map((e) => e.path).sort(), names.map((n) => `/${n}`));
  const inner = spawnSync('tar', ['xOf', tarFile, '.ccsig/manifest.jsonl'], { encoding: 'utf8' });
  assert.deepEqual(inner.stdout.trim().split('\n').map((l) => JSON.parse(l).path).sort(),
    names.map((n) => `/${n}`));
  const letter = entries.find((e) => e.path === '/letters/1850.txt');
  assert.equal(letter.content_usage, 'train-ai=n;exceptions=cc-cr, ai-use=n;exceptions=cc-cr-ec, search=y');
  assert.equal(letter.credit.signal, 'cc-cr-ec');
  assert.equal(letter.use, 'ai-use');
  assert.equal(letter.decision, 'permitted-with-obligations');
  assert.deepEqual(letter.obligations, ['credit', 'ecosystem-contribution']);
  assert.equal(letter.terms, `${PUBLIC}/declaration`);
  assert.equal(letter.credit.type, 'ccsig-credit-record');
  assert.equal(letter.credit.title, 'Letter from Ada to Charles, 1850');
  assert.equal(letter.credit.link, `${PUBLIC}/letters/1850.txt`);
  assert.equal(letter.credit.source, 'Test Library');
  assert.equal(letter.credit.license.name, 'CC BY 4.0');
  assert.deepEqual(letter.credit.signals, ['cc-cr-ec']);
  // The key cannot fetch what its use does not permit, in any way.
  for (const h of [{}, { Range: 'bytes=0-3' }]) {
    const d = await req(`${url}/restricted/report.txt`, { headers: { ...auth, ...h } });
    assert.equal(d.status, 403);
    assert.match(d.text, /do not permit ai-use to key [0-9a-f]{12}: the use is denied without exception/);
  }
  assert.equal(letter.title, 'Letter from Ada to Charles, 1850');
  // Quota: 40 a day; 5 used. Use the rest, then 429 until midnight UTC.
  let ok = 5, refused = 0, last;
  for (let i = 0; i < 40; i++) {
    last = await req(`${url}/letters/1851.txt`, { headers: auth });
    if (last.status === 200) ok++; else refused++;
  }
  assert.equal(ok, 40);
  assert.equal(refused, 5);
  assert.equal(last.status, 429);
  assert.match(last.text, /daily quota of 40 requests of Key [0-9a-f]{12} \(bulk\) is used up/);
  const retry = Number(last.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 86400);
  // The ledger holds every keyed request, refused ones too.
  await sleep(100);
  const rows = exportLedger(db).filter((x) => x.key_id === k.key_id);
  assert.equal(rows.length, 45);
  // Each record's time in ISO 8601 (UTC, milliseconds) beside ts_ms.
  for (const x of rows) assert.equal(x.time, new Date(Number(x.ts_ms)).toISOString());
  const first = rows.find((x) => x.request_id === 'bulk-1');
  assert.deepEqual([first.method, first.path, first.status, first.bytes, first.tier, first.instance],
    ['GET', '/letters/1850.txt', '200', String(fs.statSync(path.join(coll, 'letters/1850.txt')).size), 'bulk', 'it-1']);
  assert.equal(rows.filter((x) => x.status === '429').length, 5);
  assert.equal(rows.find((x) => x.path === '/bulk/collection.tar').bytes, String(tar.buf.length));
});

test('keys: bad, unknown and malformed keys are refused', async () => {
  for (const a of ['Bearer nonsense', 'Basic dXNlcjpwYXNz',
    'Bearer ccsig_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
    const r = await req(`${url}/letters/1850.txt`, { headers: { ...browser, Authorization: a } });
    assert.equal(r.status, 401, a);
  }
  // The right key id with a wrong secret.
  const k = (await register(url, bulkFields)).json();
  const forged = k.key.slice(0, 19) + (k.key[19] === 'A' ? 'B' : 'A') + k.key.slice(20);
  const r = await req(`${url}/letters/1850.txt`, { headers: { ...browser, Authorization: `Bearer ${forged}` } });
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate'), /invalid_token/);
});

test('steward pages are closed without a login', async () => {
  for (const p of ['/steward', '/steward/', '/steward/usage.csv', '/steward/reusers/1', '/steward/anything']) {
    const r = await req(`${url}${p}`, { headers: browser });
    assert.equal(r.status, 303, p);
    assert.equal(r.headers.get('location'), '/steward/login', p);
  }
  const post = await req(`${url}/steward/reusers/1/revoke`, {
    method: 'POST', headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'csrf=x',
  });
  assert.equal(post.status, 403);
  const forged = await req(`${url}/steward/`, { headers: { ...browser, Cookie: 'ccsig_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
  assert.equal(forged.status, 303);
  // Wrong password; then a login form from elsewhere (no login cookie).
  const page = await req(`${url}/steward/login`, { headers: browser });
  const token = page.text.match(/name="login_token" value="([^"]+)"/)[1];
  const cookie = page.headers.getSetCookie().find((c) => c.startsWith('ccsig_login=')).split(';')[0];
  const wrong = await req(`${url}/steward/login`, {
    method: 'POST', headers: { ...browser, Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ login_token: token, name: STEWARD, password: 'not the password' }),
  });
  assert.equal(wrong.status, 403);
  assert.match(wrong.text, /Wrong name or password/);
  const csrf = await req(`${url}/steward/login`, {
    method: 'POST', headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ login_token: token, name: STEWARD, password: PASSWORD }),
  });
  assert.equal(csrf.status, 403);
  const session = await stewardLogin(url, STEWARD, PASSWORD);
  const sc = page.headers.getSetCookie().join(';');
  assert.match(sc, /HttpOnly/);
  assert.match(sc, /SameSite=Strict/);
  // A wrong CSRF token is refused even with a live session.
  const bad = await stewardAction(url, { ...session, csrf: '0'.repeat(64) }, 1, 'revoke');
  assert.equal(bad.status, 403);
  // Steward forms are read only as application/x-www-form-urlencoded: a
  // text/plain body (a cross-site form's enctype=text/plain) with the
  // right token is refused, and the reuser is not revoked.
  for (const ctype of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencodedx']) {
    const plain = await req(`${url}/steward/reusers/1/revoke`, {
      method: 'POST', headers: { ...browser, Cookie: session.cookie, 'Content-Type': ctype },
      body: form({ csrf: session.csrf }),
    });
    assert.equal(plain.status, 415, ctype);
  }
  const login = await req(`${url}/steward/login`, {
    method: 'POST', headers: { ...browser, 'Content-Type': 'text/plain' }, body: 'name=x&password=y',
  });
  assert.equal(login.status, 415);
  const still = await req(`${url}/steward/reusers/1`, { headers: { ...browser, Cookie: session.cookie } });
  assert.equal(still.status, 200);
  assert.doesNotMatch(still.text, /id="status">revoked</);
});

test('public-interest reusers: pending until the steward approves, then no conditions', async () => {
  const reg = await register(url, {
    kind: 'public-interest', name: 'Open Archive', contact: 'https://archive.example/',
    use: 'ai-use', purpose: 'research', claim: 'A not-for-profit research library studying letters.',
  });
  assert.equal(reg.status, 201);
  const k = reg.json();
  assert.equal(k.status, 'pending');
  const auth = { ...bot, Authorization: `Bearer ${k.key}` };
  // Until approved, the key decides like a reuser who pledged nothing: the
  // letters (ai-use under cc-cr-ec) are not its, /open/ is.
  const r = await req(`${url}/letters/1850.txt`, { headers: auth });
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('x-access-class'), 'pending');
  assert.match(r.text, /missing credit, ecosystem-contribution/);
  assert.equal((await req(`${url}/bulk/manifest.jsonl`, { headers: auth })).status, 403);
  // The pending rate is low: 3 at once (two used above), then 429.
  const codes = [];
  for (let i = 0; i < 3; i++) codes.push((await req(`${url}/open/notes.md`, { headers: auth })).status);
  assert.deepEqual(codes, [200, 429, 429]);
  const session = await stewardLogin(url, STEWARD, PASSWORD);
  assert.match(session.dashboard.text, /Open Archive/);
  assert.match(session.dashboard.text, new RegExp(`id="approve-${k.reuser}"`));
  const ap = await stewardAction(url, session, k.reuser, 'approve');
  assert.equal(ap.status, 303);
  // The steward is told what the approval did.
  assert.equal(ap.headers.get('location'), `/steward/reusers/${k.reuser}?done=approve`);
  const shown = await req(`${url}${ap.headers.get('location')}`, { headers: { ...browser, Cookie: session.cookie } });
  assert.match(shown.text, /<p class="confirm" id="confirm" role="status">Claim approved: the key now has public-interest access/);
  assert.match(shown.text, /id="status">active</);
  // Only when the status agrees: a forged done= says nothing.
  const forged = await req(`${url}/steward/reusers/${k.reuser}?done=revoke`, { headers: { ...browser, Cookie: session.cookie } });
  assert.doesNotMatch(forged.text, /id="confirm"/);
  const again = await stewardAction(url, session, k.reuser, 'approve');
  assert.equal(again.status, 409);
  const after = await req(`${url}/letters/1850.txt`, { headers: auth });
  assert.equal(after.status, 200);
  assert.equal(after.headers.get('x-access-class'), 'public-interest');
  assert.equal((await req(`${url}/bulk/manifest.jsonl`, { headers: auth })).status, 200);
  // Search: the research exclusion lifts even the plain deny of /restricted/.
  const s = (await req(`${url}/search?q=engine&format=json`, { headers: auth })).json();
  assert.deepEqual(s.hits.map((h) => new URL(h.url).pathname).sort(),
    ['/inside-link.txt', '/letters/1850.txt', '/open/notes.md', '/restricted/report.txt']);
  assert.equal(s.withheld, 0);
});

test('search: every hit carries its credit; denied hits only for profiles that meet the exceptions', async () => {
  // People in browsers search everything the collection publishes (the
  // preferences govern machines); the matrix test (matrix.sh) covers what
  // automated clients without a key get.
  const anon = await req(`${url}/search?q=engine&format=json`, { headers: browser });
  assert.equal(anon.status, 200);
  assert.equal(anon.headers.get('content-type'), 'application/json');
  const a = anon.json();
  assert.equal(a.query, 'engine');
  assert.equal(a.use, 'ai-use');
  assert.deepEqual(a.hits.map((h) => new URL(h.url).pathname).sort(),
    ['/inside-link.txt', '/letters/1850.txt', '/open/notes.md', '/restricted/report.txt']);
  assert.equal(a.withheld, 0);
  const hit = a.hits.find((h) => h.url.endsWith('/open/notes.md'));
  assert.deepEqual(Object.keys(hit), ['url', 'title', 'snippet', 'credit']);
  assert.equal(hit.title, 'Field notes on the river otter');
  assert.match(hit.snippet, /engine house/);
  // The credit: the steward's template, then the file's credit record
  // (TASL: the file says nothing, so the collection is the source and the
  // policy's licence the licence), which attribution tools read as it is.
  const c = hit.credit;
  assert.deepEqual(Object.keys(c).slice(0, 6), ['text', 'collection', 'url', 'signal', 'type', 'version']);
  assert.equal(c.text, `"Field notes on the river otter", Test Library, ${PUBLIC}/open/notes.md`);
  assert.equal(c.collection, 'Test Library');
  assert.equal(c.url, `${PUBLIC}/`);
  assert.equal(c.signal, null);
  assert.equal(c.type, 'ccsig-credit-record');
  assert.equal(c.title, 'Field notes on the river otter');
  assert.equal(c.link, `${PUBLIC}/open/notes.md`);
  assert.equal(c.source, 'Test Library');
  assert.equal(c.source_link, `${PUBLIC}/`);
  assert.equal(c.author, null);
  assert.deepEqual(c.license, { id: 'CC-BY-4.0', name: 'CC BY 4.0', deed: 'https://creativecommons.org/licenses/by/4.0/' });
  assert.equal(c.use, 'ai-use');
  assert.equal(c.result, 'permitted');
  assert.deepEqual(c.signals, []);
  assert.equal(c.preference.kind, 'policy');
  assert.match(c.read_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // A bulk reuser who committed to credit and ecosystem contribution meets
  // the cc-cr-ec exception of the letters, not the plain deny of /restricted/.
  const k = (await register(url, bulkFields)).json();
  const keyed = (await req(`${url}/search?q=engine`, {
    headers: { ...bot, Accept: 'application/json', Authorization: `Bearer ${k.key}` },
  })).json();
  assert.deepEqual(keyed.hits.map((h) => new URL(h.url).pathname).sort(),
    ['/inside-link.txt', '/letters/1850.txt', '/open/notes.md']);
  const letter = keyed.hits.find((h) => h.url.endsWith('1850.txt'));
  assert.equal(letter.credit.signal, 'cc-cr-ec');
  assert.equal(letter.credit.text, `"Letter from Ada to Charles, 1850", Test Library, ${PUBLIC}/letters/1850.txt`);
  assert.deepEqual(letter.credit.signals, ['cc-cr-ec']);
  assert.equal(letter.credit.result, 'permitted-with-obligations');
  assert.deepEqual(letter.credit.obligations, ['credit', 'ecosystem-contribution']);
  assert.equal(keyed.withheld, 1);
  // ccsig cite reads the answer as it is: one TASL reference per hit.
  const answer = path.join(dir, 'answer.json');
  fs.writeFileSync(answer, JSON.stringify(keyed));
  const cite = ccsig(['cite', '--records', answer]);
  assert.equal(cite.status, 0, cite.stderr);
  assert.match(cite.stdout, new RegExp(`"Letter from Ada to Charles, 1850" \\(${PUBLIC}/letters/1850.txt\\), from ` +
    `Test Library \\(${PUBLIC}/\\), licensed under CC BY 4.0 \\(https://creativecommons.org/licenses/by/4.0/\\)\\. ` +
    '\\(credit asked, CC signal cc-cr-ec'));
  // People searching in a browser see every hit, /restricted/ included
  // (its preferences deny automated processing, not reading).
  const html = await req(`${url}/search?q=engine`, { headers: browser });
  assert.equal(html.status, 200);
  assert.match(html.text, /<mark>engine<\/mark>/);
  assert.match(html.text, /Credit: &quot;Letter from Ada to Charles, 1850&quot;, Test Library/);
  assert.doesNotMatch(html.text, /more result/);
  assert.match(html.text, /maintenance report/i);
  // Hostile queries are plain text to the index.
  for (const q of ['"', 'NEAR(a b', '*', 'a OR', '<script>alert(1)</script>', 'é'.repeat(200), '\u0001x']) {
    const r = await req(`${url}/search?q=${encodeURIComponent(q)}&format=json`, { headers: browser });
    assert.equal(r.status, 200, q);
    assert.ok(Array.isArray(r.json().hits));
  }
  const xss = await req(`${url}/search?q=${encodeURIComponent('<script>x</script>')}`, { headers: browser });
  assert.doesNotMatch(xss.text, /<script>x/);
  assert.equal((await req(`${url}/search?format=json`, { headers: browser })).status, 400);
  assert.equal((await req(`${url}/search?q=${'a'.repeat(501)}&format=json`, { headers: browser })).status, 400);
  assert.equal((await req(`${url}/search?q=a&limit=0&format=json`, { headers: browser })).status, 400);
});

test('revocation: a revoked key stops working at once', async () => {
  const k = (await register(url, bulkFields)).json();
  const auth = { ...bot, Authorization: `Bearer ${k.key}` };
  assert.equal((await req(`${url}/letters/1850.txt`, { headers: auth })).status, 200);
  const session = await stewardLogin(url, STEWARD, PASSWORD);
  const rv = await stewardAction(url, session, k.reuser, 'revoke');
  assert.equal(rv.status, 303);
  const r = await req(`${url}/letters/1850.txt`, { headers: auth });
  assert.equal(r.status, 401);
  assert.match(r.text, /revoked by the steward/);
  const rows = exportLedger(db).filter((x) => x.key_id === k.key_id);
  assert.deepEqual(rows.map((x) => x.status), ['200', '401']);
  // The reuser page shows the new status; the CSV has the pledges.
  const page = await req(`${url}/steward/reusers/${k.reuser}`, { headers: { ...browser, Cookie: session.cookie } });
  assert.match(page.text, /id="status">revoked/);
  assert.match(page.text, /<svg[^>]*id="usage-chart"/);
  const csv = await req(`${url}/steward/usage.csv`, { headers: { ...browser, Cookie: session.cookie } });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'day,reuser_id,key_id,name,contact,kind,status,use,commitments,purpose,' +
    'credit_pledged,contribution_pledged,requests,ok_requests,bytes');
  const mine = lines.find((l) => l.includes(k.key_id));
  assert.match(mine, /,Acme AI,ai@acme.example,bulk,revoked,ai-use,"credit, ecosystem-contribution",,/);
  assert.match(mine, /1% of revenue to the Commons Fund, yearly/);
  assert.match(mine, /,2,1,\d+$/);
  // Logging out ends the session.
  const out = await req(`${url}/steward/logout`, {
    method: 'POST', headers: { ...browser, Cookie: session.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ csrf: session.csrf }),
  });
  assert.equal(out.status, 303);
  assert.equal((await req(`${url}/steward/`, { headers: { ...browser, Cookie: session.cookie } })).status, 303);
});

test('policy options: search off, registration closed, no bulk endpoints, a trusted proxy', async () => {
  const p2 = path.join(dir, 'policy2.yaml');
  write(p2, `preferences:
  - train-ai: cr
access:
  automated: {rate: 1/min, burst: 2}
  registration: closed
  bulk-endpoints: false
server:
  trusted-proxies: [127.0.0.1]
search:
  enabled: false
`);
  const s2 = await startServer(['--collection', coll, '--policy', p2, '--db', `sqlite:${path.join(dir, 'second.db')}`,
    '--listen', '127.0.0.1:0']);
  try {
    // No --public-url: credit would cite the loopback address; it says so.
    assert.match(s2.stderr, new RegExp(`warning: no --public-url: credit will cite http://127\\.0\\.0\\.1:${s2.port}, which no reuser can reach`));
    assert.doesNotMatch(srv.stderr, /no --public-url/);
    assert.equal((await req(`${s2.url}/search?q=engine&format=json`, { headers: browser })).status, 404);
    const bulk = await register(s2.url, bulkFields);
    assert.equal(bulk.status, 400);
    assert.match(bulk.json().error.message, /does not register bulk reusers/);
    const pub = await register(s2.url, {
      kind: 'public-interest', name: 'Archive', contact: 'a@archive.example', use: 'ai-use',
      purpose: 'archiving', claim: 'We archive the web and keep its preferences.',
    });
    assert.equal(pub.status, 201);
    assert.equal((await req(`${s2.url}/bulk/manifest.jsonl`, { headers: browser })).status, 404);
    // Behind a trusted proxy each client is its X-Forwarded-For address:
    // one client's limit does not stop another.
    const a = { ...bot, 'X-Forwarded-For': '203.0.113.7' }, b = { ...bot, 'X-Forwarded-For': '203.0.113.8' };
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await req(`${s2.url}/letters/1850.txt`, { headers: a })).status);
    assert.deepEqual(codes, [200, 200, 429]);
    assert.equal((await req(`${s2.url}/letters/1850.txt`, { headers: b })).status, 200);
  } finally {
    assert.equal((await s2.stop()).code, 0, s2.stderr);
  }
});

test('full credit: per-file metadata (HTML, XMP sidecar, front matter) in Link fields and manifests, renewed when files change', async () => {
  write(path.join(coll, 'tasl/page.html'), '<!doctype html><html><head><title>River otters</title>' +
    '<meta name="author" content="Ada Lovelace">' +
    '<link rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/"></head><body>x</body></html>\n');
  write(path.join(coll, 'tasl/photo.txt'), 'a photograph, described\n');
  const xmp = (title, creator) => '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF ' +
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:cc="http://creativecommons.org/ns#">' +
    `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${title}</rdf:li></rdf:Alt></dc:title>` +
    `<dc:creator><rdf:Seq><rdf:li>${creator}</rdf:li></rdf:Seq></dc:creator>` +
    '<cc:license rdf:resource="https://creativecommons.org/publicdomain/zero/1.0/"/>' +
    '</rdf:Description></rdf:RDF></x:xmpmeta>\n';
  write(path.join(coll, 'tasl/photo.xmp'), xmp('The engine house', 'Charles Babbage'));
  write(path.join(coll, 'tasl/card.md'), '---\npretty_name: Mill records\nlicense: cc-by-sa-4.0\n---\n# Mill\n');
  write(path.join(coll, 'tasl/plain.txt'), 'nothing said about it\n');
  const link = async (p) => {
    const r = await req(`${url}${p}`, { headers: browser });
    assert.equal(r.status, 200, p);
    // The RSL licence's Link field line comes first (its own field line,
    // which fetch joins with ", "); the credit is the rest.
    const rsl = `<${PUBLIC}/license.xml>; rel="license"; type="application/rsl+xml", `;
    const v = r.headers.get('link');
    assert.ok(v.startsWith(rsl), v);
    return v.slice(rsl.length);
  };
  assert.equal(await link('/tasl/page.html'),
    `<${PUBLIC}/tasl/page.html>; rel="cite-as"; title="River otters"; author="Ada Lovelace"; signal="cc-cr", ` +
    `<${PUBLIC}/>; rel="collection"; title="Test Library", ` +
    '<https://creativecommons.org/licenses/by-sa/4.0/>; rel="license"; title="CC BY-SA 4.0"');
  assert.equal(await link('/tasl/photo.txt'),
    `<${PUBLIC}/tasl/photo.txt>; rel="cite-as"; title="The engine house"; author="Charles Babbage"; signal="cc-cr", ` +
    `<${PUBLIC}/>; rel="collection"; title="Test Library", ` +
    '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"; title="CC0 1.0"');
  assert.match(await link('/tasl/card.md'), /rel="cite-as"; title="Mill records"; signal="cc-cr", .*; rel="license"; title="CC BY-SA 4.0"$/);
  // A file that says nothing: its name, the collection, the policy's licence.
  assert.equal(await link('/tasl/plain.txt'),
    `<${PUBLIC}/tasl/plain.txt>; rel="cite-as"; title="plain.txt"; signal="cc-cr", ` +
    `<${PUBLIC}/>; rel="collection"; title="Test Library", ` +
    '<https://creativecommons.org/licenses/by/4.0/>; rel="license"; title="CC BY 4.0"');
  // Conditional requests and ranges carry it too.
  const etag = (await req(`${url}/tasl/plain.txt`, { headers: browser })).headers.get('etag');
  const nm = await req(`${url}/tasl/plain.txt`, { headers: { ...browser, 'If-None-Match': etag } });
  assert.equal(nm.status, 304);
  assert.match(nm.headers.get('link'), /title="plain.txt"/);
  // A changed file gets a new record at its next request; a changed
  // sidecar within TASL_RECHECK_S (2) seconds.
  await sleep(20);
  write(path.join(coll, 'tasl/page.html'), '<!doctype html><html><head><title>River otters</title>' +
    '<meta name="author" content="Grace Hopper"></head><body>changed</body></html>\n');
  assert.match(await link('/tasl/page.html'), /author="Grace Hopper"; signal="cc-cr", .*rel="license"; title="CC BY 4.0"$/);
  write(path.join(coll, 'tasl/photo.xmp'), xmp('The mill pond', 'Ada Lovelace'));
  await sleep(2100);
  assert.match(await link('/tasl/photo.txt'), /title="The mill pond"; author="Ada Lovelace"/);
  // Non-ASCII values are RFC 8187 extended parameters; quotes are escaped.
  write(path.join(coll, 'tasl/photo.xmp'), xmp('Écluse "7"', 'Zoë'));
  write(path.join(coll, 'tasl/quote.html'), '<html><head><title>A "quoted" \\ title</title></head></html>\n');
  await sleep(2100);
  assert.match(await link('/tasl/photo.txt'), /title\*=UTF-8''%C3%89cluse%20%227%22; author\*=UTF-8''Zo%C3%AB;/);
  assert.match(await link('/tasl/quote.html'), /title="A \\"quoted\\" \\\\ title"/);
  // The bulk manifest carries the same records.
  const k = (await register(url, bulkFields)).json();
  const man = await req(`${url}/bulk/manifest.jsonl`, { headers: { ...bot, Authorization: `Bearer ${k.key}` } });
  assert.equal(man.status, 200);
  const entry = man.text.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.path === '/tasl/page.html');
  assert.equal(entry.credit.author, 'Grace Hopper');
  assert.equal(entry.credit.title, 'River otters');
  assert.equal(entry.credit.link, `${PUBLIC}/tasl/page.html`);
  assert.equal(entry.credit.license.name, 'CC BY 4.0');
});

test('reports back: a key reports where its credit appears; validated; shown to the steward', async () => {
  const k = (await register(url, { ...bulkFields, name: 'Reporting Lab' })).json();
  const auth = { ...bot, Accept: 'application/json', Authorization: `Bearer ${k.key}` };
  const post = (fields, headers = auth) => req(`${url}/credit/reports`, {
    method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: form(fields),
  });
  const ok = await post({ url: 'https://models.example/acme-7b#data-sources', note: 'Model card, "Data sources" section' });
  assert.equal(ok.status, 201, ok.text);
  const rep = ok.json().report;
  assert.equal(rep.url, 'https://models.example/acme-7b#data-sources');
  assert.equal(rep.note, 'Model card, "Data sources" section');
  assert.match(rep.reported_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal((await post({ url: 'http://answers.example/q/42' })).status, 201);
  // Validation: every refusal says why.
  for (const [fields, why] of [
    [{}, /url \(where the credit appears\) is required/],
    [{ url: 'javascript:alert(1)' }, /absolute http:\/\/ or https:\/\/ URL/],
    [{ url: 'ftp://files.example/x' }, /absolute http:\/\/ or https:\/\/ URL/],
    [{ url: '/relative/page' }, /absolute http:\/\/ or https:\/\/ URL/],
    [{ url: 'https://a.example/with space' }, /space, a control character/],
    [{ url: `https://a.example/${'x'.repeat(2001)}` }, /longer than 2000 bytes/],
    [{ url: 'https://a.example/', note: 'line\nbreak' }, /note must be UTF-8 text/],
  ]) {
    const r = await post(fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(r.json().error.message, why);
  }
  // A key is required.
  const anon = await post({ url: 'https://models.example/x' }, { ...browser, Accept: 'application/json' });
  assert.equal(anon.status, 401);
  // The key sees its own reports, newest first.
  const mine = (await req(`${url}/credit/reports`, { headers: auth })).json();
  assert.ok(k.key.includes(mine.key), mine.key);
  assert.deepEqual(mine.reports.map((x) => x.url), ['http://answers.example/q/42', 'https://models.example/acme-7b#data-sources']);
  // The requests are in the ledger like every keyed request.
  await sleep(100);
  const led = exportLedger(db).filter((l) => l.path === '/credit/reports');
  assert.ok(led.length >= 10);
  // The steward sees them: on the reuser's page and on the home page.
  const session = await stewardLogin(url, STEWARD, PASSWORD);
  const page = await req(`${url}/steward/reusers/${k.reuser}`, { headers: { ...browser, Cookie: session.cookie } });
  assert.match(page.text, /<h2>Where the credit appears<\/h2>/);
  assert.match(page.text, /<a rel="noreferrer nofollow" href="https:\/\/models.example\/acme-7b#data-sources">/);
  assert.match(page.text, /Model card, &quot;Data sources&quot; section/);
  // The usage chart's axis: ten keyed requests today, so a top of 10 in
  // five integer steps (not 2.5 truncated to 2).
  const ticks = [...page.text.matchAll(/text-anchor="end" fill="#555">([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(ticks, ['0', '2', '4', '6', '8', '10']);
  const home = await req(`${url}/steward/`, { headers: { ...browser, Cookie: session.cookie } });
  assert.match(home.text, new RegExp(`<a href="/steward/reusers/${k.reuser}">Reporting Lab</a></td><td><a rel="noreferrer nofollow" href="http://answers.example/q/42">`));
});

test('access log: one combined-format line per request, escaped, with the final status and body bytes', async () => {
  const log = path.join(dir, 'access.log');
  const r = await req(`${url}/open/notes.md?alog=1&q=a%20b`, {
    headers: { ...browser, Referer: 'https://ref.example/"x"\\y' },
  });
  assert.equal(r.status, 200);
  const etag = r.headers.get('etag');
  assert.equal((await req(`${url}/open/notes.md?alog=2`, { headers: { ...browser, 'If-None-Match': etag } })).status, 304);
  assert.equal((await req(`${url}/open/notes.md?alog=3`, { method: 'HEAD', headers: browser })).status, 200);
  const k = (await register(url, { ...bulkFields, name: 'Log Reader' })).json();
  assert.equal((await req(`${url}/letters/1850.txt?alog=4`, {
    headers: { 'User-Agent': 'Tester/1.0 "quoted" \u00e9', Authorization: `Bearer ${k.key}` },
  })).status, 200);
  await sleep(50);
  const lines = fs.readFileSync(log, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  const re = /^(\S+) - - \[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000\] "([^"]*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$/;
  for (const l of lines) assert.match(l, re, l);
  const find = (q) => lines.find((l) => l.includes(`?alog=${q}`));
  const body = fs.readFileSync(path.join(coll, 'open/notes.md'));
  assert.match(find('1&q=a%20b'), new RegExp(`^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] "GET /open/notes.md\\?alog=1&q=a%20b HTTP/1.1" 200 ${body.length} ` +
    '"https://ref.example/\\\\x22x\\\\x22\\\\x5Cy" "Mozilla/5.0 '));
  assert.match(find(2), / "GET \/open\/notes.md\?alog=2 HTTP\/1.1" 304 0 /);
  assert.match(find(3), / "HEAD \/open\/notes.md\?alog=3 HTTP\/1.1" 200 0 /);
  assert.match(find(4), new RegExp(` "GET /letters/1850.txt\\?alog=4 HTTP/1.1" 200 ${fs.statSync(path.join(coll, 'letters/1850.txt')).size} "-" "Tester/1.0 \\\\x22quoted\\\\x22 \\\\xE9"$`));
  // The time is now, in UTC.
  const m = find(4).match(re);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const t = Date.UTC(Number(m[4]), months.indexOf(m[3]), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  assert.ok(Math.abs(Date.now() - t) < 60000, find(4));
});

test('reindex: SIGHUP makes new and changed files searchable without a restart', async () => {
  const search = async (q) => (await req(`${url}/search?q=${q}&format=json`, { headers: browser })).json();
  write(path.join(coll, 'news/heron.md'), '# The grey heron returns\n\nA zanzibarite heron nested by the weir.\n');
  write(path.join(coll, 'open/notes.md'), '# Field notes on the river otter\n\nOtters and a quuxberry bush.\n');
  assert.deepEqual((await search('zanzibarite')).hits, []);
  assert.deepEqual((await search('quuxberry')).hits, []);
  const before = srv.stderr.length;
  srv.proc.kill('SIGHUP');
  for (let i = 0; i < 200 && !/reindexed: \d+ documents/.test(srv.stderr.slice(before)); i++) await sleep(50);
  assert.match(srv.stderr.slice(before), /ccsig serve: reindexed: \d+ documents\n/);
  const heron = await search('zanzibarite');
  assert.deepEqual(heron.hits.map((h) => new URL(h.url).pathname), ['/news/heron.md']);
  assert.equal(heron.hits[0].title, 'The grey heron returns');
  assert.equal(heron.hits[0].credit.title, 'The grey heron returns');
  assert.deepEqual((await search('quuxberry')).hits.map((h) => new URL(h.url).pathname), ['/open/notes.md']);
  // The gateway still serves, and stops cleanly afterwards (after()).
  assert.equal((await req(`${url}/news/heron.md`, { headers: browser })).status, 200);
});
