// The ledger survives kill -9: a gateway under load from many keyed clients
// is killed with SIGKILL; every request that received a complete 2xx
// response must be in the ledger. Then a restart on the same database
// recovers (imports the journal, replays the WAL) and serves. Both
// durability settings: ledger-sync process (the default: the record is
// appended to the journal with write(2) before the response is queued, no
// fsync, which a killed process does not need) and full (the record's group
// commit fsynced before the response is queued). test_serve's
// test_journal_kill9 kills a process appending across journal segment
// switches.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { bot, bulkFields, exportLedger, makeCollection, register, sleep, startServer, tmpdir, write } from './lib.mjs';

for (const sync of ['full', 'process'])
test(`every complete 2xx response is in the ledger after kill -9 under load (ledger-sync: ${sync})`, async () => {
  const dir = tmpdir('serve-crash');
  const coll = makeCollection(path.join(dir, 'coll'));
  const db = `sqlite:${path.join(dir, 'ledger.db')}`;
  const policyFile = path.join(dir, 'policy.yaml');
  write(policyFile, `preferences:
  - path: /
    train-ai: cr
access:
  bulk: {rate: 1000000, burst: 1000000, quota: 0}
  registrations: {rate: 100, burst: 100}
server:
  threads: 2
  ledger-sync: ${sync}
`);
  const args = ['--collection', coll, '--policy', policyFile, '--db', db, '--listen', '127.0.0.1:0', '--quiet'];
  let srv = await startServer(args);
  const k = (await register(srv.url, bulkFields)).json();
  const headers = { ...bot, Authorization: `Bearer ${k.key}` };
  const expected = fs.readFileSync(path.join(coll, 'letters/1850.txt'));

  const complete = [];
  let errors = 0, killed = false;
  async function worker(w) {
    for (let n = 0; !killed; n++) {
      const id = `w${w}-${n}`;
      try {
        const res = await fetch(`${srv.url}/letters/1850.txt`, { headers: { ...headers, 'X-Request-Id': id } });
        const body = Buffer.from(await res.arrayBuffer());
        // Complete: a 2xx status and every byte of the body.
        if (res.status >= 200 && res.status < 300 && body.equals(expected)) complete.push(id);
      } catch {
        errors++;
        if (killed) return;
      }
    }
  }
  const workers = Array.from({ length: 32 }, (_, w) => worker(w));
  await sleep(3000);
  const before = complete.length;
  killed = true;
  const { sig } = await srv.kill9();
  assert.equal(sig, 'SIGKILL');
  await Promise.all(workers);

  const ledger = exportLedger(db);
  const recorded = new Set(ledger.map((r) => r.request_id));
  const missing = complete.filter((id) => !recorded.has(id));
  console.log(`# ${complete.length} complete 2xx responses (${before} before the kill), ` +
    `${ledger.length} ledger records, ${errors} requests cut off by the kill`);
  assert.ok(complete.length > 200, `too little load: ${complete.length}`);
  assert.deepEqual(missing, [], `${missing.length} successful requests missing from the ledger`);
  for (const r of ledger) assert.equal(r.status, '200');

  // The database recovers (the WAL is replayed) and the gateway serves on.
  srv = await startServer(args);
  const r = await fetch(`${srv.url}/letters/1850.txt`, { headers: { ...headers, 'X-Request-Id': 'after' } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  const { code } = await srv.stop();
  assert.equal(code, 0);
  const again = exportLedger(db);
  assert.equal(again.length, ledger.length + 1);
  fs.rmSync(dir, { recursive: true, force: true });
});

// A full disk under the journal (its file is a link to /dev/full, where
// every write fails with ENOSPC): keyed requests get 503, not their file,
// and the steward reads why on standard error; requests without a key are
// served. Once the disk is back, every 2xx answered before is in the ledger
// and none of the refused requests is.
test('a full disk under the ledger journal: 503 for keyed requests, a log line, nothing acknowledged lost', async () => {
  const dir = tmpdir('serve-full');
  const coll = makeCollection(path.join(dir, 'coll'));
  const dbPath = path.join(dir, 'ledger.db');
  const db = `sqlite:${dbPath}`;
  const policyFile = path.join(dir, 'policy.yaml');
  write(policyFile, `preferences:
  - path: /
    train-ai: cr
access:
  bulk: {rate: 1000, burst: 1000, quota: 0}
  automated: {rate: 1000, burst: 1000}
server:
  threads: 2
`);
  const args = ['--collection', coll, '--policy', policyFile, '--db', db, '--listen', '127.0.0.1:0'];
  let srv = await startServer(args);
  const k = (await register(srv.url, bulkFields)).json();
  const headers = { ...bot, Authorization: `Bearer ${k.key}` };
  const get = async (id, h = headers) => {
    const r = await fetch(`${srv.url}/letters/1850.txt`, { headers: { ...h, 'X-Request-Id': id } });
    return { status: r.status, text: await r.text() };
  };
  for (let i = 0; i < 5; i++) assert.equal((await get(`ok-${i}`)).status, 200);
  assert.equal((await srv.stop()).code, 0);

  fs.rmSync(`${dbPath}.journal`);
  fs.symlinkSync('/dev/full', `${dbPath}.journal`);
  srv = await startServer(args);
  for (let i = 0; i < 5; i++) {
    const r = await get(`full-${i}`);
    assert.equal(r.status, 503);
    assert.match(r.text, /usage ledger is unavailable; nothing was served/);
    assert.doesNotMatch(r.text, /analytical engine/);
  }
  assert.equal((await get('anon', bot)).status, 200);
  assert.equal((await srv.stop()).code, 0);
  assert.match(srv.stderr, /ledger journal .*ledger\.db\.journal: cannot append: No space left on device; keyed requests are answered 503/);

  fs.rmSync(`${dbPath}.journal`);
  srv = await startServer(args);
  assert.equal((await get('after')).status, 200);
  assert.equal((await srv.stop()).code, 0);
  const ids = exportLedger(db).map((r) => r.request_id).sort();
  assert.deepEqual(ids, ['after', 'ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4']);
  fs.rmSync(dir, { recursive: true, force: true });
});
