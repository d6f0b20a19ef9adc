// Browser test in headless Chromium (Debian's chromium, driven by
// playwright-core from npm, installed by this test into the build
// directory): a reuser registers and gets a key; a public-interest claim is
// filed; the steward logs in, approves it (and is told so), sees where the
// reuser reports its credit appears, and sees the usage chart.
// Screenshots go to $SERVE_ARTIFACTS (under the build directory).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

import { ARTIFACTS, bot, ccsig, makeCollection, req, startServer, tmpdir, write } from './lib.mjs';

const PLAYWRIGHT = '1.65.1';
const CHROMIUM = '/usr/bin/chromium';

// playwright-core from the npm registry, into a directory git ignores (the
// build tree); the browser is Debian's, never a download.
function loadPlaywright() {
  const prefix = path.join(path.dirname(ARTIFACTS), 'node');
  const pkg = path.join(prefix, 'node_modules', 'playwright-core', 'package.json');
  const have = fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
  if (have !== PLAYWRIGHT) {
    fs.mkdirSync(prefix, { recursive: true });
    const r = spawnSync('npm', ['install', '--prefix', prefix, `playwright-core@${PLAYWRIGHT}`,
      '--no-audit', '--no-fund', '--no-save', '--loglevel=error'], { encoding: 'utf8', timeout: 300000 });
    if (r.status !== 0) throw new Error(`npm install playwright-core failed:\n${r.stdout}${r.stderr}`);
  }
  return createRequire(path.join(prefix, 'index.js'))('playwright-core');
}

test('a reuser registers; the steward logs in, approves a claim and sees the usage chart', async () => {
  assert.ok(fs.existsSync(CHROMIUM), 'Debian chromium is not installed (scripts/bootstrap installs it)');
  const { chromium } = loadPlaywright();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = (name) => path.join(ARTIFACTS, name);

  const dir = tmpdir('serve-browser');
  const coll = makeCollection(path.join(dir, 'coll'));
  const db = `sqlite:${path.join(dir, 'ledger.db')}`;
  const policyFile = path.join(dir, 'policy.yaml');
  write(policyFile, `collection:
  name: Harbour Town Archive
party:
  name: Harbour Town Historical Society
  url: https://harbour.example/
  copyright: holder
preferences:
  - path: /
    train-ai: cr-dc
    search: allow
access:
  automated: {rate: 20, burst: 100}
`);
  assert.equal(ccsig(['serve', '--db', db, '--set-password', 'curator'], 'harbour lights 1907\n').status, 0);
  const srv = await startServer(['--collection', coll, '--policy', policyFile, '--db', db, '--listen', '127.0.0.1:0']);
  const profile = fs.mkdtempSync(path.join(dir, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();

    // 0. What the collection declares (the declare module's text inside).
    await page.goto(`${srv.url}/declaration`);
    assert.match(await page.textContent('h1'), /How Harbour Town Archive may be used by machines/);
    await page.click('details.declaration summary');
    assert.match(await page.textContent('details.declaration'), /Credit \+ Direct Contribution/);
    await page.screenshot({ path: shot('00-declaration.png'), fullPage: true });

    // 1. A bulk reuser registers through the web page.
    await page.goto(`${srv.url}/register`);
    await page.fill('input[name=name]', 'Northwind Models');
    await page.fill('input[name=contact]', 'licensing@northwind.example');
    await page.selectOption('select[name=use]', 'train-ai');
    await page.check('input[name=kind][value=bulk]');
    await page.check('input[name=commit-credit]');
    await page.check('input[name=commit-direct-contribution]');
    await page.fill('textarea[name=credit]', 'Harbour Town Archive cited with a link in the model card');
    await page.fill('textarea[name=contribution]', 'EUR 2,000 a year to the society\'s digitisation fund');
    await page.check('input[name=accept]');
    await page.screenshot({ path: shot('01-register-form.png'), fullPage: true });
    await page.click('button[type=submit]');
    await page.waitForSelector('#key');
    const key = (await page.textContent('#key')).trim();
    assert.match(key, /^ccsig_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal((await page.textContent('#status')).trim(), 'active');
    await page.screenshot({ path: shot('02-key-shown-once.png'), fullPage: true });

    // The key works; its use goes into the ledger (and the chart).
    for (let i = 0; i < 12; i++) {
      const r = await req(`${srv.url}/letters/185${i % 2}.txt`, { headers: { ...bot, Authorization: `Bearer ${key}` } });
      assert.equal(r.status, 200);
    }

    // 2. A public-interest claim, filed in the same page.
    await page.goto(`${srv.url}/register`);
    await page.fill('input[name=name]', 'Coastal Web Archive');
    await page.fill('input[name=contact]', 'https://coastal-archive.example/');
    await page.check('input[name=kind][value=public-interest]');
    await page.selectOption('select[name=purpose]', 'archiving');
    await page.fill('textarea[name=claim]', 'A non-profit web archive; we keep the preferences with every copy.');
    await page.click('button[type=submit]');
    await page.waitForSelector('#key');
    assert.equal((await page.textContent('#status')).trim(), 'pending');
    const claimKey = (await page.textContent('#key')).trim();
    await req(`${srv.url}/letters/1850.txt`, { headers: { ...bot, Authorization: `Bearer ${claimKey}` } });

    // 3. The steward: the pages send a stranger to the login form.
    await page.goto(`${srv.url}/steward/`);
    assert.match(page.url(), /\/steward\/login$/);
    await page.fill('input[name=name]', 'curator');
    await page.fill('input[name=password]', 'harbour lights 1907');
    await page.screenshot({ path: shot('03-steward-login.png') });
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#usage-chart');
    assert.match(page.url(), /\/steward\/$/);
    const pending = await page.textContent('#pending');
    assert.match(pending, /Coastal Web Archive/);
    assert.match(pending, /archiving/);
    assert.match(await page.textContent('#reusers'), /Northwind Models/);
    assert.match(await page.textContent('#reusers'), /EUR 2,000 a year/);
    await page.screenshot({ path: shot('04-steward-dashboard.png'), fullPage: true });

    // Approve the claim.
    await page.click('#pending button[id^=approve-]');
    await page.waitForSelector('#status');
    assert.equal((await page.textContent('#status')).trim(), 'active');
    // The approval is confirmed on the page the steward lands on.
    assert.match(await page.textContent('#confirm'), /Claim approved: the key now has public-interest access/);
    assert.ok(await page.locator('#confirm').isVisible());
    await page.screenshot({ path: shot('05-claim-approved.png'), fullPage: true });
    const approved = await req(`${srv.url}/letters/1850.txt`, { headers: { ...bot, Authorization: `Bearer ${claimKey}` } });
    assert.equal(approved.headers.get('x-access-class'), 'public-interest');

    // 4. Reports back: the reuser says where its credit appears (with its
    // key); the steward sees the reports on the reuser's page and on the
    // home page.
    const report = (u, note) => req(`${srv.url}/credit/reports`, {
      method: 'POST',
      headers: { ...bot, Accept: 'application/json', Authorization: `Bearer ${key}`,
        'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ url: u, note }).toString(),
    });
    assert.equal((await report('https://northwind.example/models/nw-13b#data-sources', 'Model card: data sources')).status, 201);
    assert.equal((await report('https://northwind.example/answers/harbour-lights', 'An answer page citing the archive')).status, 201);
    await page.goto(`${srv.url}/steward/`);
    await page.locator('#reports').waitFor();
    const all = await page.textContent('#reports');
    assert.match(all, /Northwind Models/);
    assert.match(all, /https:\/\/northwind\.example\/answers\/harbour-lights/);
    assert.equal(await page.locator('#reports tbody tr').count(), 2);
    // The newest first.
    assert.match(await page.locator('#reports tbody tr').first().textContent(), /answer page/);
    await page.locator('#reports').screenshot({ path: shot('07-credit-reports.png') });
    await page.click('#reports a[href^="/steward/reusers/"]');
    await page.waitForSelector('#status');
    const mine = page.locator('#reports');
    assert.match(await mine.textContent(), /Model card: data sources/);
    assert.equal(await page.locator('#reports a[rel="noreferrer nofollow"]').count(), 2);
    await page.screenshot({ path: shot('08-reuser-reports.png'), fullPage: true });

    // The usage chart: one line per reuser, the busiest first in the legend.
    await page.goto(`${srv.url}/steward/`);
    const chart = page.locator('#usage-chart');
    await chart.waitFor();
    assert.equal(await page.locator('#usage-chart polyline.series').count(), 2);
    assert.match(await chart.textContent(), /Northwind Models/);
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 100, JSON.stringify(box));
    await chart.screenshot({ path: shot('06-usage-chart.png') });
    assert.match(await page.textContent('#pending'), /^\s*Reuser/); // no claim left
    for (const f of ['01-register-form.png', '02-key-shown-once.png', '04-steward-dashboard.png', '06-usage-chart.png',
      '07-credit-reports.png', '08-reuser-reports.png'])
      assert.ok(fs.statSync(shot(f)).size > 2000, f);
    console.log(`# screenshots in ${ARTIFACTS}`);
  } finally {
    await context.close();
    assert.equal((await srv.stop()).code, 0, srv.stderr);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
