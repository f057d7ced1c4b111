// Sync survives what happens in the field: the server killed (SIGKILL) in the middle of the
// photo uploads and started again, and the app closed in the middle of a sync. Each time the
// next sync completes with nothing lost, nothing applied twice, and no confirmed photo sent again.
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import {
  test,
  expect,
  open,
  createSite,
  sign,
  passAll,
  signIn,
  pullAll,
  startDemoServer,
  ownDemoPassword,
} from './fixtures';

const photo = (name: string) => path.join(__dirname, '../../fixtures/photos', name);
const threePhotos = [photo('photo-2mp.jpg'), photo('photo-12mp.jpg'), photo('photo-12mp-exif6.jpg')];

/** Records, offline, a completed gas inspection with one finding carrying three photos. */
async function recordOffline(page: Page, siteName: string): Promise<void> {
  await createSite(page, siteName, 'gas');
  await page.getByTestId('start-gas').click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  await passAll(page);
  const g03 = page.getByTestId('item-G03');
  await g03.getByRole('button', { name: '不符合', exact: true }).click();
  await g03.getByTestId('photo-input-G03').setInputFiles(threePhotos);
  await expect(g03.getByTestId('photo-thumb')).toHaveCount(3, { timeout: 60_000 });
  await g03.getByTestId('finding').getByTestId('finding-by-deadline').click();
  await page.getByTestId('representative-name').fill('王五');
  await sign(page, 'representative-pad');
  await sign(page, 'inspector-pad');
  await page.getByTestId('complete-inspection').click();
  await expect(page.getByTestId('inspection-summary')).toBeVisible();
}

/** The supervisor sees the site once and its hazard report once, with every photo stored. */
async function expectExactlyOnce(baseURL: string, siteName: string): Promise<void> {
  const seen = await pullAll(baseURL, 'demo-supervisor', ownDemoPassword);
  const sites = seen.sites.filter((s) => s.name === siteName);
  expect(sites).toHaveLength(1);
  const reports = seen.hazard_events.filter(
    (e) => e.action.type === 'report' && e.action.site === sites[0].id,
  );
  expect(reports).toHaveLength(1);
  const photos: string[] = reports[0].action.photos_before;
  expect(photos).toHaveLength(3);
  for (const hash of photos) {
    const response = await fetch(`${baseURL}/api/photos/${hash}`, {
      headers: { Authorization: `Bearer ${seen.token}` },
    });
    expect(response.status, hash).toBe(200);
  }
}

test('the server killed during the photo uploads: the next sync completes, nothing twice', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const server = await startDemoServer();
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  try {
    await open(page, '/');
    await signIn(page, 'demo-inspector', ownDemoPassword);
    await expect(page.getByTestId('account-name')).toContainText('demo-inspector');
    await expect(page.getByTestId('sync-phase')).toHaveText('同步已就绪。', { timeout: 30_000 });

    await context.setOffline(true);
    const siteName = `断电测试餐馆 ${Date.now()}`;
    await recordOffline(page, siteName);

    // Every photo upload that reaches the server, by hash.
    const stored: string[] = [];
    let killed = false;
    await context.route('**/api/photos/*', async (route) => {
      const request = route.request();
      if (request.method() !== 'PUT') return route.continue();
      const hash = new URL(request.url()).pathname.split('/').pop()!;
      if (stored.length === 1 && !killed) {
        // The second upload is on its way when the server dies.
        killed = true;
        await server.kill();
        return route.continue();
      }
      const response = await route.fetch();
      if (response.ok()) stored.push(hash);
      return route.fulfill({ response });
    });

    await context.setOffline(false);
    await page.getByTestId('nav-sync').click();
    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('sync-phase')).toContainText('同步未完成，将自动重试', {
      timeout: 60_000,
    });
    expect(killed).toBe(true);
    expect(stored).toHaveLength(1);
    await expect(page.getByTestId('sync-waiting')).not.toHaveText('0');

    await server.restart();
    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('sync-waiting')).toHaveText('0', { timeout: 60_000 });
    // The photo confirmed before the crash was not sent again: three photos and two
    // signatures, each stored once.
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored).toHaveLength(5);
    await expectExactlyOnce(server.baseURL, siteName);
  } finally {
    await context.close();
    server.stop();
  }
});

test('the app closed in the middle of a sync: reopening completes it', async ({ browser }) => {
  test.setTimeout(180_000);
  const server = await startDemoServer();
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  try {
    await open(page, '/');
    await signIn(page, 'demo-inspector', ownDemoPassword);
    await expect(page.getByTestId('sync-phase')).toHaveText('同步已就绪。', { timeout: 30_000 });
    await context.setOffline(true);
    const siteName = `关页测试餐馆 ${Date.now()}`;
    await recordOffline(page, siteName);

    // Back online, sync starts by itself; close the page as soon as the first photo upload
    // has been answered.
    const isPhotoPut = (request: import('@playwright/test').Request) =>
      request.method() === 'PUT' && request.url().includes('/api/photos/');
    const answeredBefore = new Set<string>();
    page.on('response', (response) => {
      if (isPhotoPut(response.request()) && response.ok()) answeredBefore.add(response.url());
    });
    const firstAnswered = page.waitForResponse((response) => isPhotoPut(response.request()), {
      timeout: 60_000,
    });
    await context.setOffline(false);
    await firstAnswered;
    await page.close();
    const before = await pullAll(server.baseURL, 'demo-supervisor', ownDemoPassword);
    expect(
      before.hazard_events.filter((e) => e.action.type === 'report' && e.action.site_name === siteName),
    ).toHaveLength(0);

    // Reopening the app syncs at start and completes.
    const again = await context.newPage();
    const putsAfter: string[] = [];
    again.on('request', (request) => {
      if (isPhotoPut(request)) putsAfter.push(request.url());
    });
    await open(again, '/sync');
    await expect(again.getByTestId('sync-waiting')).toHaveText('0', { timeout: 60_000 });
    expect(answeredBefore.size).toBeGreaterThan(0);
    // A photo the server had confirmed before the page closed is not sent again.
    for (const url of putsAfter) expect(answeredBefore.has(url), url).toBe(false);
    await expectExactlyOnce(server.baseURL, siteName);
  } finally {
    await context.close();
    server.stop();
  }
});
