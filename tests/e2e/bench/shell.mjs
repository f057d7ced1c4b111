// Benchmarks of the offline shell, run by `cargo xtask bench` against a running anxun-server
// (release build): prints `BENCH <name> <value> <unit>` lines.
//
// - Offline cold start: after one visit online, with the network off, every service worker
//   stopped and the CPU throttled 4x, the time from navigation to the first screen (the home
//   screen's heading and the navigation bar), over several runs.
// - Worker install over Fast 3G: a first visit through a throttling proxy (DevTools' Fast 3G
//   profile: 562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up, one shared link), the time
//   until the app shows and until the shell is cached and the worker controls the page, and
//   the bytes that crossed the link.
import { chromium } from '@playwright/test';
import * as net from 'node:net';

const base = process.argv[2];
if (!base) throw new Error('usage: node shell.mjs http://127.0.0.1:PORT');
const RUNS = Number(process.env.ANXUN_BENCH_RUNS ?? 9);
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

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A TCP proxy that behaves like one slow link: latency each way and a shared bandwidth. */
function throttlingProxy(targetPort, { roundTripMs, downBytesPerSecond, upBytesPerSecond }) {
  const link = { down: 0, up: 0, downBytes: 0, upBytes: 0 };
  const forward = (from, to, direction, bytesPerSecond) => {
    let lastDelivery = 0;
    from.on('data', (chunk) => {
      const now = performance.now();
      const free = Math.max(now + roundTripMs / 2, link[direction]);
      const delivery = Math.max(free + (chunk.length / bytesPerSecond) * 1000, lastDelivery);
      link[direction] = delivery;
      lastDelivery = delivery;
      link[`${direction}Bytes`] += chunk.length;
      setTimeout(() => to.write(chunk), delivery - now);
    });
    from.on('end', () => setTimeout(() => to.end(), Math.max(0, lastDelivery - performance.now())));
    from.on('error', () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    forward(client, upstream, 'up', upBytesPerSecond);
    forward(upstream, client, 'down', downBytesPerSecond);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, link, port: server.address().port })),
  );
}

async function coldStart(browser) {
  const context = await browser.newContext({ baseURL: base });
  const first = await context.newPage();
  await first.goto('/');
  await first.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 60_000,
  });
  await first.close();
  await context.setOffline(true);
  // The moment the first screen is in the document (heading and navigation bar), recorded in
  // the page itself so that the measurement does not include the test driver's polling.
  await context.addInitScript(() => {
    const observer = new MutationObserver(() => {
      if (document.querySelector('nav.app-nav') && document.querySelector('main h1')) {
        window.__anxunFirstScreen = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { subtree: true, childList: true });
  });
  const times = [];
  const seen = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto('/', { waitUntil: 'commit' });
    await page.locator('nav.app-nav').waitFor();
    await page.getByRole('heading', { level: 1 }).waitFor();
    const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
    if (!controlled) throw new Error('the cold start was not served by the worker');
    seen.push(await page.evaluate(() => performance.now()));
    times.push(await page.evaluate(() => window.__anxunFirstScreen));
    await cdp.detach();
    await page.close();
  }
  await context.close();
  report('offline_cold_start_4x_cpu_median', median(times), 'ms');
  report('offline_cold_start_4x_cpu_max', Math.max(...times), 'ms');
  // The same start as the test driver sees it (its polling adds to the time).
  report('offline_cold_start_4x_cpu_driver_median', median(seen), 'ms');
}

async function installOverFast3g(browser) {
  const port = Number(new URL(base).port);
  const proxy = await throttlingProxy(port, {
    roundTripMs: 562.5,
    downBytesPerSecond: (1.44 * 1e6) / 8,
    upBytesPerSecond: (675 * 1e3) / 8,
  });
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${proxy.port}` });
  const page = await context.newPage();
  const started = performance.now();
  await page.goto('/');
  await page.locator('nav.app-nav').waitFor({ timeout: 120_000 });
  const shown = performance.now() - started;
  const shownBytes = proxy.link.downBytes;
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 300_000,
  });
  const ready = performance.now() - started;
  const total = await page.evaluate(async () => {
    let bytes = 0;
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        bytes += (await response.arrayBuffer()).byteLength;
      }
    }
    return bytes;
  });
  await context.close();
  proxy.server.close();
  report('fast3g_first_screen', shown, 'ms');
  report('fast3g_first_screen_bytes', shownBytes / 1000, 'KB');
  report('fast3g_worker_installed', ready, 'ms');
  report('fast3g_bytes_to_installed', proxy.link.downBytes / 1000, 'KB');
  report('shell_cached_uncompressed', total / 1000, 'KB');
}

const browser = await chromium.launch({
  executablePath: process.env.ANXUN_CHROMIUM ?? '/usr/bin/chromium',
  args,
});
try {
  await coldStart(browser);
  await installOverFast3g(browser);
} finally {
  await browser.close();
}
