// The offline shell: after one visit online, the app starts from the service worker's cache
// with no network at all (a cold start, and a deep link), and a whole inspection works. The
// worker never answers the API and serves the build's hashed files from its cache.
import * as path from 'node:path';
import type { Page, Response } from '@playwright/test';
import {
  test,
  expect,
  open,
  openReady,
  setProfile,
  createSite,
  sign,
  passAll,
  stopServiceWorkers,
  startServer,
} from './fixtures';

const photo = (name: string) => path.join(__dirname, '../../fixtures/photos', name);

/** Every response the page receives, to check where each came from. */
function record(page: Page): Response[] {
  const responses: Response[] = [];
  page.on('response', (response) => responses.push(response));
  return responses;
}

test('after one visit online, a cold start offline shows the app and a full inspection works', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  // A server of its own, stopped below: nothing can come from the network, emulated or not.
  const server = await startServer();
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  try {
    await openReady(page, '/');
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('shell-state')).toHaveText('已可离线使用');
    await expect(page.getByTestId('app-build')).toHaveText(/^[0-9a-f]{16}$/);
    await setProfile(page, '赵网格');
    await createSite(page, '离线冷启动餐馆', 'gas');
    const sitePath = new URL(page.url()).pathname;
    expect(sitePath).toMatch(/^\/sites\/[0-9a-f-]{36}$/);

    // No server, no network, no page, no running worker: the next start is cold.
    server.stop();
    await context.setOffline(true);
    await page.close();
    const fresh = await context.newPage();
    await stopServiceWorkers(fresh);
    const responses = record(fresh);
    await open(fresh, '/');
    await expect(fresh.getByRole('heading', { level: 1 })).toHaveText('今日工作');
    const shellFiles = responses.filter((r) => /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$/.test(r.url()));
    expect(shellFiles.length).toBeGreaterThanOrEqual(3);
    for (const response of shellFiles) {
      expect(response.fromServiceWorker(), response.url()).toBe(true);
    }

    // A deep link opened offline.
    await stopServiceWorkers(fresh);
    await open(fresh, sitePath);
    await expect(fresh.getByTestId('site-name')).toHaveText('离线冷启动餐馆');

    // A whole inspection, still offline.
    await fresh.getByTestId('start-gas').click();
    await expect(fresh).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
    await passAll(fresh);
    const g03 = fresh.getByTestId('item-G03');
    await g03.getByRole('button', { name: '不符合', exact: true }).click();
    await g03.getByTestId('photo-input-G03').setInputFiles(photo('photo-2mp.jpg'));
    await expect(g03.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 30_000 });
    await g03.getByTestId('finding').getByTestId('finding-by-deadline').click();
    await fresh.getByTestId('representative-name').fill('王五');
    await sign(fresh, 'representative-pad');
    await sign(fresh, 'inspector-pad');
    await expect(fresh.getByTestId('missing-none')).toBeVisible();
    await fresh.getByTestId('complete-inspection').click();
    await expect(fresh.getByTestId('inspection-summary')).toBeVisible();
    await expect(fresh.getByTestId('inspection-number')).toHaveText(/^JC-/);

    // Reloaded offline, the completed inspection is still there.
    await fresh.reload();
    await expect(fresh.getByTestId('inspection-summary')).toBeVisible();
    await fresh.getByTestId('nav-settings').click();
    await expect(fresh.getByTestId('pending-changes')).not.toHaveText('0');
  } finally {
    await context.close();
    server.stop();
  }
});

test('the worker never answers the API, online or offline', async ({ page, context }) => {
  await openReady(page, '/');
  const responses = record(page);
  const health = await page.evaluate(async () => (await fetch('/api/health')).status);
  expect(health).toBe(200);
  const api = responses.filter((r) => new URL(r.url()).pathname.startsWith('/api/'));
  expect(api.length).toBeGreaterThan(0);
  for (const response of api) {
    expect(response.fromServiceWorker(), response.url()).toBe(false);
  }
  // Offline, the API fails as a network error: nothing stale comes from a cache.
  await context.setOffline(true);
  const offline = await page.evaluate(async () => {
    try {
      await fetch('/api/health');
      return 'answered';
    } catch {
      return 'network error';
    }
  });
  expect(offline).toBe('network error');
  const names = await page.evaluate(async () => {
    const found: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) found.push(new URL(request.url).pathname);
    }
    return found;
  });
  expect(names).toContain('/index.html');
  expect(names.filter((n) => n.startsWith('/api'))).toEqual([]);
  await context.setOffline(false);
});
