// Slow clients (slowloris) must not deny service. A child process holds
// 500 connections from ten loopback addresses (127.0.0.2-11, 50 each: under
// the per-address cap of 64, and more than the gateway's 300 connection
// slots), each sending a request line and then one header byte a second,
// reconnecting half a second after the gateway closes it. Meanwhile a well-behaved
// client (a new connection per request, as a crawler without keep-alive)
// measures its request rate. The floor: while the attack runs it keeps at
// least 50% of its unloaded rate (the mean of its rates just before and
// just after the attack). Without the header
// deadline and the header budget every slot is held by the attacker and the
// rate falls to nothing (each trickled byte restarts the idle timeout).
//
// Bounded: 500 connections, loopback only, about 18 s in all; the child
// stops by itself after 40 s even if this process dies.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ADDRESSES = 10;
const PER_ADDRESS = 50;

// ---- the attacker (child process) ----
if (process.env.SLOWLORIS_PORT) {
  const port = Number(process.env.SLOWLORIS_PORT);
  let open = 0, opened = 0, closedByServer = 0, stopping = false;
  function slow(addr) {
    if (stopping) return;
    const sock = net.connect({ port, host: '127.0.0.1', localAddress: addr });
    let timer = null;
    sock.on('connect', () => {
      open++;
      opened++;
      sock.write('GET /letters/1850.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      timer = setInterval(() => sock.write('X'), 1000);
    });
    sock.on('error', () => {});
    sock.on('close', (hadError) => {
      if (timer) {
        clearInterval(timer);
        open--;
        closedByServer++;
      }
      void hadError;
      // Reconnect half a second later (slowhttptest opens 50 connections a
      // second by default; a flood of connections is another attack, which
      // the per-address and global connection limits answer).
      if (!stopping) setTimeout(() => slow(addr), 500);
    });
  }
  for (let a = 0; a < ADDRESSES; a++)
    for (let i = 0; i < PER_ADDRESS; i++) slow(`127.0.0.${a + 2}`);
  const report = setInterval(() => process.send?.({ open, opened, closedByServer }), 250);
  const stop = () => {
    stopping = true;
    clearInterval(report);
    process.exit(0);
  };
  process.on('message', (m) => { if (m === 'stop') stop(); });
  process.on('disconnect', stop);
  setTimeout(stop, 40000).unref();
} else {
  const { bot, makeCollection, sleep, startServer, tmpdir, write } = await import('./lib.mjs');

  // One request on a new connection; true when it got a complete 200.
  function get(port) {
    return new Promise((resolve) => {
      const r = http.get({ host: '127.0.0.1', port, path: '/letters/1850.txt', agent: false, headers: bot,
        timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      });
      r.on('timeout', () => r.destroy());
      r.on('error', () => resolve(false));
    });
  }

  // Requests completed per second by one sequential client over ms.
  async function rate(port, ms) {
    const end = Date.now() + ms;
    let ok = 0, failed = 0;
    while (Date.now() < end) {
      if (await get(port)) ok++;
      else failed++;
    }
    return { perSecond: ok / (ms / 1000), ok, failed };
  }

  test('well-behaved clients keep at least half their rate under a slowloris attack', async () => {
    const dir = tmpdir('serve-slowloris');
    const coll = makeCollection(path.join(dir, 'coll'));
    const policyFile = path.join(dir, 'policy.yaml');
    write(policyFile, `preferences:
  - path: /
    train-ai: cr
access:
  automated: {rate: 100000, burst: 100000}
server:
  threads: 2
  max-connections: 300
  max-connections-per-ip: 64
  header-timeout: 3
  max-header-connections: 100
`);
    const srv = await startServer(['--collection', coll, '--policy', policyFile, '--db',
      `sqlite:${path.join(dir, 'ledger.db')}`, '--listen', '127.0.0.1:0']);
    let child = null;
    try {
      await rate(srv.port, 500); // warm up
      const before = await rate(srv.port, 3000);
      assert.ok(before.ok > 20, `unloaded rate too low to measure: ${JSON.stringify(before)}`);

      child = fork(fileURLToPath(import.meta.url), [], {
        env: { ...process.env, SLOWLORIS_PORT: String(srv.port) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let stats = { open: 0, opened: 0, closedByServer: 0 };
      child.on('message', (m) => { stats = m; });
      // Let the attack take hold: the slots fill within a second or two.
      const rampEnd = Date.now() + 10000;
      while (stats.open < 250 && Date.now() < rampEnd) await sleep(100);
      await sleep(1000);
      const atStart = { ...stats };
      const during = await rate(srv.port, 6000);
      const atEnd = { ...stats };
      child.send('stop');
      await new Promise((r) => child.on('exit', r));
      child = null;
      await sleep(500);
      const after = await rate(srv.port, 3000);
      // The machine is shared: the unloaded rate is the mean of the rates
      // measured just before and just after the attack.
      const unloaded = (before.perSecond + after.perSecond) / 2;
      console.log(`unloaded ${before.perSecond.toFixed(1)} req/s before, ${after.perSecond.toFixed(1)} ` +
        `after; under attack ${during.perSecond.toFixed(1)} req/s (${during.failed} failed); attacker: ` +
        `${atStart.open} connections open at the start, ${atEnd.open} at the end, ` +
        `${atEnd.opened} opened, ${atEnd.closedByServer} closed by the gateway`);
      // The attack was real: it held connections through the measurement (at
      // least half the header budget of 100)...
      assert.ok(atStart.open >= 50 && atEnd.open >= 50, `the attack did not hold connections: ${JSON.stringify(atEnd)}`);
      // ...and the gateway cut slow connections (deadline or budget).
      assert.ok(atEnd.closedByServer >= 100, `the gateway closed no slow connection: ${JSON.stringify(atEnd)}`);
      // The floor.
      assert.ok(during.perSecond >= 0.5 * unloaded,
        `under attack ${during.perSecond.toFixed(1)} req/s < 50% of ${unloaded.toFixed(1)} req/s`);
    } finally {
      if (child) {
        child.send('stop');
        await new Promise((r) => child.on('exit', r));
      }
      await srv.stop();
    }
    assert.match(srv.stderr, /slow clients: \d+ connections? closed past the header deadline, \d+ evicted/);
  });
}
