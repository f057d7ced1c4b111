// Benchmark of sync from the browser to the server (issue 6), run by `cargo xtask bench`:
// prints `BENCH <name> <value> <unit>` lines. Never a timed test.
//
// For each run (throttled, then unthrottled on loopback) it starts its own anxun-server
// (`ANXUN_SERVER_BIN`, release build, `--demo`, a temporary data directory, `--static-dir`
// `ANXUN_STATIC_DIR`), and in Debian's Chromium:
// 1. opens the app and signs in as demo-inspector on the 同步 screen while online;
// 2. goes offline and records, through the real UI, INSPECTIONS gas inspections of sites created
//    on the device in the demo district, each with FINDINGS_PER_INSPECTION items failed with 3
//    distinct photos each (generated in the browser so that the evidence JPEG the app makes of
//    each, long edge ≤ 2048 at quality 0.8 with a watermark, lands near 250 KB), a finding
//    rectified by deadline, two signatures, completed;
// 3. goes online (throttled through DevTools: 1.5 Mbit/s up, 20 Mbit/s down, 10 ms latency, or
//    not at all; `ANXUN_SYNC_BENCH_RUNS=throttled-rtt100` adds a run with 100 ms latency, as on
//    a mobile network) and measures the time until the sync screen shows 0 waiting and 同步已就绪。,
//    and every /api/ request on the wire (DevTools Network events): request line, headers and
//    body, response headers and body;
// 4. checks through the API (pull as demo-supervisor) that every hazard report arrived exactly
//    once with its photos, and that the server holds every photo.
//
// Payload = the evidence bytes of the photos and signatures the server did not have (each once)
// + the JSON of each outbox entry (each once, as serialised in the push body). Overhead =
// every other byte on the wire in either direction: HEAD checks, request and response
// headers, push envelopes and their answers, pulls, entries or photos sent again.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const INSPECTIONS = Number(process.env.ANXUN_SYNC_BENCH_INSPECTIONS ?? 4);
const FINDINGS_PER_INSPECTION = Number(process.env.ANXUN_SYNC_BENCH_FINDINGS ?? 25);
const PHOTOS_PER_FINDING = 3;
const TARGET_PHOTO_BYTES = 250_000;
const UPLOAD_BYTES_PER_SECOND = 1.5e6 / 8;
const RUNS = (process.env.ANXUN_SYNC_BENCH_RUNS ?? 'throttled,loopback').split(',');
const PASSWORD = 'bench-demo-password';
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

function report(name, value, unit) {
  console.log(`BENCH ${name} ${typeof value === 'number' ? value.toFixed(0) : value} ${unit}`);
}
const log = (...a) => console.error('[sync bench]', ...a);

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startServer() {
  const bin = process.env.ANXUN_SERVER_BIN;
  const dir = process.env.ANXUN_STATIC_DIR;
  if (!bin || !dir) throw new Error('ANXUN_SERVER_BIN and ANXUN_STATIC_DIR must be set');
  const port = await freePort();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-sync-bench-'));
  const child = spawn(
    bin,
    ['--bind', `127.0.0.1:${port}`, '--data-dir', data, '--static-dir', dir, '--demo'],
    { stdio: 'ignore', env: { ...process.env, ANXUN_LOG: 'warn', ANXUN_DEMO_PASSWORD: PASSWORD } },
  );
  const baseURL = `http://127.0.0.1:${port}`;
  const stop = () => {
    child.kill('SIGKILL');
    fs.rmSync(data, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${baseURL}/api/health`)).ok) return { baseURL, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error(`anxun-server did not start on ${baseURL}`);
}

// ---- photos ---------------------------------------------------------------------------------

/**
 * A page that draws distinct noisy photos (1600×1200) and encodes them as JPEG. The noise level
 * is chosen once so that re-encoding the source at quality 0.8, as the app does, gives about
 * TARGET_PHOTO_BYTES (the watermark adds a little).
 */
async function photoMaker(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent('<canvas id="c" width="1600" height="1200"></canvas>');
  await page.evaluate(() => {
    const canvas = document.getElementById('c');
    const ctx = canvas.getContext('2d');
    const blob = (quality) =>
      new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    window.draw = (seed, amplitude) => {
      let s = seed * 2654435761 + 1;
      const random = () => {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        return (s >>> 0) / 4294967296;
      };
      const { width, height } = canvas;
      const gradient = ctx.createLinearGradient(0, 0, width, height);
      gradient.addColorStop(0, `hsl(${random() * 360},50%,60%)`);
      gradient.addColorStop(1, `hsl(${random() * 360},50%,30%)`);
      ctx.fillStyle = gradient;
      ctx.fillRect(0, 0, width, height);
      for (let i = 0; i < 40; i++) {
        ctx.fillStyle = `hsla(${random() * 360},60%,${20 + random() * 60}%,0.6)`;
        ctx.fillRect(random() * width, random() * height, random() * 500, random() * 400);
      }
      const image = ctx.getImageData(0, 0, width, height);
      const d = image.data;
      for (let i = 0; i < d.length; i += 4) {
        const n = (random() - 0.5) * amplitude;
        d[i] += n;
        d[i + 1] += n;
        d[i + 2] += n;
      }
      ctx.putImageData(image, 0, 0);
    };
    // The size the app's re-encoding (quality 0.8) gives for a source encoded at `quality`.
    window.reencodedSize = async (source) => {
      const bitmap = await createImageBitmap(source);
      ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
      return (await blob(0.8)).size;
    };
    window.source = async (seed, amplitude) => {
      window.draw(seed, amplitude);
      return blob(0.92);
    };
    window.makeSource = async (seed, amplitude) => {
      const b = await window.source(seed, amplitude);
      const bytes = new Uint8Array(await b.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      }
      return btoa(binary);
    };
  });
  // Noise amplitude by bisection on the re-encoded size.
  let low = 0;
  let high = 120;
  for (let i = 0; i < 9; i++) {
    const mid = (low + high) / 2;
    const size = await page.evaluate(
      async ([amplitude]) => {
        let total = 0;
        for (const seed of [1, 2]) total += await window.reencodedSize(await window.source(seed, amplitude));
        return total / 2;
      },
      [mid],
    );
    if (size < TARGET_PHOTO_BYTES * 0.98) low = mid;
    else high = mid;
  }
  const amplitude = (low + high) / 2;
  log(`photo noise amplitude ${amplitude.toFixed(1)}`);
  let seed = Math.floor(Math.random() * 1e6);
  return {
    async next(count) {
      const files = [];
      for (let i = 0; i < count; i++) {
        const base64 = await page.evaluate(([s, a]) => window.makeSource(s, a), [seed++, amplitude]);
        files.push({ name: `photo-${seed}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(base64, 'base64') });
      }
      return files;
    },
    close: () => context.close(),
  };
}

// ---- the app --------------------------------------------------------------------------------

async function waitVisible(locator, timeout = 30_000) {
  await locator.waitFor({ state: 'visible', timeout });
}

async function expectText(page, testId, text, timeout = 30_000) {
  await page.waitForFunction(
    ([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === want,
    [testId, text],
    { timeout, polling: 100 },
  );
}

async function createSite(page, name) {
  await page.getByTestId('nav-sites').click();
  await page.getByTestId('new-site').click();
  await page.getByTestId('site-name').fill(name);
  await page.getByTestId('site-address').fill('演示区滨江路9号');
  await page.getByTestId('site-area-gas').check();
  await page.getByTestId('site-person').fill('王五');
  await page.getByTestId('site-phone').fill('13800000099');
  await page.getByTestId('site-district').fill('demo-district');
  await page.getByTestId('site-street').fill('demo-s1');
  await page.getByTestId('site-grid').fill('demo-s1-g1');
  await page.getByTestId('save-site').click();
  await expectText(page, 'site-name', name);
}

async function sign(page, container) {
  const pad = page.getByTestId(container);
  const canvas = pad.getByTestId('signature-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`no signature canvas in ${container}`);
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(box.x + 20 + i * 20, box.y + box.height / 2 + (i % 2 ? 15 : -15));
  }
  await page.mouse.up();
  await pad.getByRole('button', { name: '确认签名' }).click();
}

async function passAll(page) {
  const items = page.locator('li.checklist-item');
  await waitVisible(items.first());
  const count = await items.count();
  for (let i = 0; i < count; i++) {
    const item = items.nth(i);
    const pass = item.getByRole('button', { name: '符合', exact: true });
    if ((await pass.getAttribute('aria-pressed')) !== 'true') await pass.click();
    const value = item.locator('[data-testid^="value-"]');
    if ((await value.count()) > 0) {
      const tag = await value.evaluate((el) => el.tagName);
      if (tag === 'SELECT') await value.selectOption({ index: 1 });
      else {
        await value.fill('1');
        await value.blur();
      }
    }
  }
}

/** One completed gas inspection with `findings` failed items, each with 3 photos. */
async function recordInspection(page, photos, siteName, findings) {
  await createSite(page, siteName);
  await page.getByTestId('start-gas').click();
  await page.waitForURL(/\/inspections\/[0-9a-f-]{36}$/);
  await passAll(page);
  const ids = await page
    .locator('li.checklist-item[data-testid^="item-"]')
    .evaluateAll((items) => items.map((item) => item.dataset.testid.slice('item-'.length)));
  if (ids.length < findings) throw new Error(`the gas checklist has only ${ids.length} items`);
  for (const id of ids.slice(0, findings)) {
    const item = page.getByTestId(`item-${id}`);
    await item.getByRole('button', { name: '不符合', exact: true }).click();
    await item.getByTestId(`photo-input-${id}`).setInputFiles(await photos.next(PHOTOS_PER_FINDING));
    await page.waitForFunction(
      ([id, n]) =>
        document.querySelectorAll(`[data-testid="item-${id}"] [data-testid="photo-thumb"]`).length === n,
      [id, PHOTOS_PER_FINDING],
      { timeout: 120_000, polling: 100 },
    );
    await item.getByTestId('finding').getByTestId('finding-by-deadline').click();
  }
  await page.getByTestId('representative-name').fill('王五');
  await sign(page, 'representative-pad');
  await sign(page, 'inspector-pad');
  await page.getByTestId('complete-inspection').click();
  await waitVisible(page.getByTestId('inspection-summary'));
}

/** Sizes of what the device holds: evidence photos (by hash) and outbox entries. */
async function deviceContents(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('anxun');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = (store) =>
      new Promise((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const size = (bytes) => (bytes == null ? 0 : (bytes.byteLength ?? bytes.length ?? 0));
    const rows = await all('photos');
    const photos = rows.map((row) => ({
      hash: row.hash,
      bytes: size(row.bytes),
      mime: row.mime,
    }));
    const outbox = (await all('outbox')).length;
    db.close();
    return { photos, outbox };
  });
}

// ---- measuring the wire ---------------------------------------------------------------------

/** Every /api/ request's bytes on the wire, from DevTools Network events. */
async function wireRecorder(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable', { maxPostDataSize: 64 * 1024 * 1024 });
  const requests = new Map();
  const get = (id) => {
    if (!requests.has(id)) requests.set(id, { id });
    return requests.get(id);
  };
  let recording = false;
  cdp.on('Network.requestWillBeSent', (event) => {
    if (!recording || !event.request.url.includes('/api/')) return;
    const r = get(event.requestId);
    const url = new URL(event.request.url);
    r.method = event.request.method;
    r.path = url.pathname + url.search;
    r.start = event.timestamp;
    r.hasPostData = event.request.hasPostData;
    r.postData = event.request.postData;
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    if (!requests.has(event.requestId)) {
      if (!recording) return;
    }
    const r = get(event.requestId);
    // Request headers as sent (HTTP/1.1: "Name: value\r\n" each, then "\r\n").
    r.requestHeaders = Object.entries(event.headers).reduce(
      (sum, [name, value]) =>
        sum + String(value).split('\n').reduce((s, v) => s + Buffer.byteLength(`${name}: ${v}\r\n`), 0),
      2,
    );
  });
  cdp.on('Network.responseReceived', (event) => {
    if (!requests.has(event.requestId)) return;
    const r = get(event.requestId);
    r.status = event.response.status;
    r.connection = event.response.connectionId;
    r.reused = event.response.connectionReused;
    r.headersReceived = event.response.encodedDataLength;
  });
  cdp.on('Network.responseReceivedExtraInfo', (event) => {
    if (!requests.has(event.requestId)) return;
    const r = get(event.requestId);
    r.contentLength = Number(event.headers['content-length'] ?? event.headers['Content-Length'] ?? NaN);
  });
  cdp.on('Network.dataReceived', (event) => {
    if (!requests.has(event.requestId)) return;
    const r = get(event.requestId);
    r.dataReceived = (r.dataReceived ?? 0) + event.encodedDataLength;
  });
  cdp.on('Network.loadingFinished', (event) => {
    if (!requests.has(event.requestId)) return;
    const r = get(event.requestId);
    r.received = event.encodedDataLength;
    r.end = event.timestamp;
  });
  cdp.on('Network.loadingFailed', (event) => {
    if (!requests.has(event.requestId)) return;
    const r = get(event.requestId);
    r.failed = event.errorText;
    r.end = event.timestamp;
  });
  return {
    cdp,
    start() {
      requests.clear();
      recording = true;
    },
    stop() {
      recording = false;
      return [...requests.values()].filter((r) => r.method);
    },
  };
}

// ---- one run --------------------------------------------------------------------------------

async function run(browser, label, latency) {
  const throttled = latency !== null;
  const server = await startServer();
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  const photos = await photoMaker(browser);
  try {
    await page.goto('/');
    await waitVisible(page.locator('nav.app-nav'));
    await page.getByTestId('nav-sync').click();
    await page.getByTestId('sign-in-username').fill('demo-inspector');
    await page.getByTestId('sign-in-password').fill(PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await expectText(page, 'sync-phase', '同步已就绪。', 60_000);

    // Offline: record everything through the UI.
    await context.setOffline(true);
    const recordStart = performance.now();
    const siteNames = [];
    for (let i = 0; i < INSPECTIONS; i++) {
      const name = `同步基准餐馆 ${label} ${i + 1} ${Date.now()}`;
      siteNames.push(name);
      await recordInspection(page, photos, name, FINDINGS_PER_INSPECTION);
      log(`${label}: inspection ${i + 1}/${INSPECTIONS} recorded (${((performance.now() - recordStart) / 1000).toFixed(0)} s)`);
    }
    const recordTime = performance.now() - recordStart;
    const device = await deviceContents(page);
    log(`${label}: device holds ${device.photos.length} photos, ${device.outbox} outbox entries`);

    // Online, throttled or not: sync, and measure.
    const wire = await wireRecorder(page);
    await page.getByTestId('nav-sync').click();
    wire.start();
    const started = performance.now();
    await context.setOffline(false);
    if (throttled) {
      await wire.cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency,
        uploadThroughput: UPLOAD_BYTES_PER_SECOND,
        downloadThroughput: 20e6 / 8,
      });
    }
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="sync-waiting"]')?.textContent?.trim() === '0' &&
        document.querySelector('[data-testid="sync-phase"]')?.textContent?.trim() === '同步已就绪。',
      null,
      { timeout: 3_600_000, polling: 100 },
    );
    const syncTime = performance.now() - started;
    // Let the last events arrive.
    await new Promise((r) => setTimeout(r, 500));
    const requests = wire.stop();
    await wire.cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      uploadThroughput: -1,
      downloadThroughput: -1,
    });
    await wire.cdp.detach();
    return { label, throttled, server, device, requests, syncTime, recordTime, siteNames, errors };
  } catch (error) {
    server.stop();
    throw error;
  } finally {
    await photos.close();
    await context.close();
  }
}

// ---- analysis -------------------------------------------------------------------------------

function analyse(result) {
  const { requests, device } = result;
  const photoSize = new Map(device.photos.map((p) => [p.hash, p.bytes]));
  const kinds = {};
  let wire = 0;
  let payloadPhotos = 0;
  let payloadEntries = 0;
  const photosSent = new Set();
  const entriesSent = new Set();
  for (const r of requests) {
    const kind = `${r.method} ${r.path.replace(/\/api\/photos\/[0-9a-f]{64}/, '/api/photos/{hash}').replace(/\?.*$/, '')}`;
    const requestLine = Buffer.byteLength(`${r.method} ${r.path} HTTP/1.1\r\n`);
    let body = 0;
    if (r.method === 'PUT') {
      const hash = r.path.split('/').pop();
      body = photoSize.get(hash) ?? 0;
      if (!photosSent.has(hash) && r.status >= 200 && r.status < 300) {
        photosSent.add(hash);
        payloadPhotos += body;
      }
    } else if (r.postData != null) {
      body = Buffer.byteLength(r.postData);
      if (r.method === 'POST' && r.path.startsWith('/api/sync/push')) {
        for (const entry of JSON.parse(r.postData).entries) {
          if (entriesSent.has(entry.seq)) continue;
          entriesSent.add(entry.seq);
          payloadEntries += Buffer.byteLength(JSON.stringify(entry));
        }
      }
    }
    const sent = requestLine + (r.requestHeaders ?? 0) + body;
    // A response whose body the app does not read ends as ERR_ABORTED without a total: its
    // headers and whatever body arrived.
    const received = r.received ?? (r.headersReceived ?? 0) + (r.dataReceived ?? 0);
    const k = (kinds[kind] ??= { count: 0, sent: 0, received: 0 });
    k.count++;
    k.sent += sent;
    k.received += received;
    wire += sent + received;
  }
  const first = Math.min(...requests.map((r) => r.start));
  const last = Math.max(...requests.map((r) => r.end ?? r.start));
  // Where the time went: each kind of request from start to answer, and the time with no
  // request in flight (the app reading and writing IndexedDB between requests).
  const busy = {};
  let idle = 0;
  let until = first;
  for (const r of [...requests].sort((x, y) => x.start - y.start)) {
    const end = r.end ?? r.start;
    busy[r.method] = (busy[r.method] ?? 0) + (end - r.start) * 1000;
    if (r.start > until) idle += (r.start - until) * 1000;
    until = Math.max(until, end);
  }
  return {
    busy,
    idle,
    kinds,
    wire,
    payloadPhotos,
    payloadEntries,
    payload: payloadPhotos + payloadEntries,
    photosSent: photosSent.size,
    entriesSent: entriesSent.size,
    wireSpan: (last - first) * 1000,
  };
}

async function verify(result) {
  const { baseURL } = result.server;
  const login = await fetch(`${baseURL}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'demo-supervisor', password: PASSWORD }),
  });
  if (!login.ok) throw new Error(`demo-supervisor cannot sign in: ${login.status}`);
  const token = (await login.json()).token;
  const sites = [];
  const events = [];
  let cursor = 0;
  for (;;) {
    const response = await fetch(`${baseURL}/api/sync/pull?cursor=${cursor}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`pull: ${response.status}`);
    const page = await response.json();
    sites.push(...page.sites);
    events.push(...page.hazard_events);
    cursor = page.cursor;
    if (!page.more) break;
  }
  const ours = sites.filter((s) => result.siteNames.includes(s.name));
  if (ours.length !== result.siteNames.length) {
    throw new Error(`${ours.length} of ${result.siteNames.length} sites arrived`);
  }
  const ids = new Set(ours.map((s) => s.id));
  const reports = events.filter((e) => e.action.type === 'report' && ids.has(e.action.site));
  const expected = INSPECTIONS * FINDINGS_PER_INSPECTION;
  const hazards = new Set(reports.map((e) => e.hazard ?? e.action.hazard ?? e.id));
  if (reports.length !== expected || hazards.size !== expected) {
    throw new Error(`${reports.length} hazard reports (${hazards.size} hazards) arrived, ${expected} expected`);
  }
  const photos = reports.flatMap((e) => e.action.photos_before);
  if (photos.length !== expected * PHOTOS_PER_FINDING || new Set(photos).size !== photos.length) {
    throw new Error(`${photos.length} photos on the reports, ${expected * PHOTOS_PER_FINDING} distinct expected`);
  }
  // Every photo on the device (evidence and signatures) is on the server.
  let held = 0;
  for (const { hash } of result.device.photos) {
    const response = await fetch(`${baseURL}/api/photos/${hash}`, {
      method: 'HEAD',
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.status === 200) held++;
  }
  return { reports: reports.length, photos: photos.length, held };
}

// ---- main -----------------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: process.env.ANXUN_CHROMIUM ?? '/usr/bin/chromium',
  args,
});
try {
  for (const which of RUNS) {
    // `throttled` (10 ms latency), `throttled-rttN` (N ms latency) or `loopback`.
    const latency = which === 'loopback' ? null : Number(which.match(/-rtt(\d+)$/)?.[1] ?? 10);
    const result = await run(browser, which.replace('-', '_'), latency);
    try {
      const a = analyse(result);
      const checked = await verify(result);
      const evidence = result.device.photos.filter((p) => p.mime === 'image/jpeg');
      const mean = evidence.reduce((s, p) => s + p.bytes, 0) / evidence.length;
      const n = result.label;
      report(`sync_${n}_findings`, checked.reports, 'hazard reports (each once)');
      report(`sync_${n}_photos`, checked.photos, `photos on them; server holds ${checked.held} of ${result.device.photos.length} device photos (incl. signatures)`);
      report(`sync_${n}_photo_mean`, mean / 1000, `KB (evidence JPEG as stored, ${evidence.length} photos)`);
      report(`sync_${n}_record_time`, result.recordTime / 1000, 's (recording offline through the UI)');
      report(`sync_${n}_payload`, a.payload / 1000, `KB (photos ${(a.payloadPhotos / 1000).toFixed(0)} KB ×${a.photosSent}, entries JSON ${(a.payloadEntries / 1000).toFixed(0)} KB ×${a.entriesSent})`);
      report(`sync_${n}_wire`, a.wire / 1000, 'KB (/api/ requests and responses, headers included)');
      report(`sync_${n}_overhead`, ((a.wire - a.payload) / a.payload * 100).toFixed(2), '% of payload');
      report(`sync_${n}_time`, result.syncTime / 1000, 's (online → 0 waiting, 同步已就绪。)');
      report(`sync_${n}_wire_span`, a.wireSpan / 1000, 's (first /api/ request → last answer)');
      report(
        `sync_${n}_time_split`,
        (a.busy.PUT ?? 0) / 1000,
        `s in PUTs; HEADs ${((a.busy.HEAD ?? 0) / 1000).toFixed(1)} s, pushes ${((a.busy.POST ?? 0) / 1000).toFixed(1)} s, pulls ${((a.busy.GET ?? 0) / 1000).toFixed(1)} s, no request in flight ${(a.idle / 1000).toFixed(1)} s`,
      );
      if (result.throttled) {
        report(`sync_${n}_time_budget`, (1.15 * a.payload) / UPLOAD_BYTES_PER_SECOND, 's (1.15 × payload / 1.5 Mbit/s)');
        report(`sync_${n}_time_ideal`, a.payload / UPLOAD_BYTES_PER_SECOND, 's (payload / 1.5 Mbit/s)');
      }
      for (const [kind, k] of Object.entries(a.kinds)) {
        const slug = kind.replace(/[^A-Za-z]+/g, '_').replace(/_hash_?$/, '').toLowerCase();
        report(`sync_${n}_${slug}`, k.count, `requests (${kind}): sent ${(k.sent / 1000).toFixed(1)} KB, received ${(k.received / 1000).toFixed(1)} KB`);
      }
      if (result.errors.length) log(`page errors: ${result.errors.join('; ')}`);
      if (process.env.ANXUN_SYNC_BENCH_DUMP) {
        fs.writeFileSync(process.env.ANXUN_SYNC_BENCH_DUMP + `-${n}.json`, JSON.stringify(result.requests.map(({ postData, ...r }) => r), null, 1));
      }
    } finally {
      result.server.stop();
    }
  }
} finally {
  await browser.close();
}
