// Background Sync (Chromium): work recorded offline reaches the server after the app is
// closed, sent by the service worker with the app's own sync code, exactly once; the next
// start finds nothing waiting.
import type { APIRequestContext, CDPSession } from '@playwright/test';
import { test, expect, openReady, createSite } from './fixtures';
import { demoPassword } from '../playwright.config';

async function login(request: APIRequestContext, username: string): Promise<string> {
  const response = await request.post('/api/auth/login', {
    data: { username, password: demoPassword },
  });
  expect(response.ok()).toBe(true);
  return (await response.json()).token;
}

/** The sites named `name` that the supervisor sees, through the pull API from the beginning. */
async function sitesNamed(request: APIRequestContext, token: string, name: string) {
  const sites: any[] = [];
  let cursor = 0;
  for (;;) {
    const response = await request.get(`/api/sync/pull?cursor=${cursor}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.ok()).toBe(true);
    const page = await response.json();
    sites.push(...page.sites.filter((s: any) => s.name === name));
    cursor = page.cursor;
    if (!page.more) return sites;
  }
}

/** The app's service worker registration, as DevTools sees it (any page's session will do). */
async function registration(cdp: CDPSession, origin: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find(
        (r) => !r.isDeleted && new URL(r.scopeURL).origin === origin,
      );
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return found;
}

test('changes recorded offline are sent by the service worker after the app is closed', async ({
  context,
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const origin = new URL(baseURL!).origin;
  await openReady(page, '/');

  // Signed in online; then a site is recorded offline.
  await page.getByTestId('nav-sync').click();
  await page.getByTestId('sign-in-username').fill('demo-inspector');
  await page.getByTestId('sign-in-password').fill(demoPassword);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('account-name')).toContainText('demo-inspector');
  await expect(page.getByTestId('sync-phase')).toHaveText('同步已就绪。', { timeout: 30_000 });
  await context.setOffline(true);
  const siteName = `后台同步餐馆 ${Date.now()}`;
  await createSite(page, siteName, 'gas');

  // The page asked for a Background Sync (offline, a change waits).
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        return (registration as any).sync.getTags();
      }),
    )
    .toContain('anxun-sync');
  const supervisor = await login(request, 'demo-supervisor');
  expect(await sitesNamed(request, supervisor, siteName)).toHaveLength(0);

  // The app is closed (a blank page keeps the browser context and a DevTools session).
  const blank = await context.newPage();
  for (const open of context.pages()) {
    if (open !== blank) await open.close();
  }
  const cdp = await context.newCDPSession(blank);
  const registrationId = await registration(cdp, origin);

  // Back online, the browser fires the sync; DevTools fires it too, so that the test does not
  // wait for the browser's own schedule. However often it fires, the site arrives once.
  await context.setOffline(false);
  await cdp.send('ServiceWorker.dispatchSyncEvent', {
    origin,
    registrationId,
    tag: 'anxun-sync',
    lastChance: false,
  });
  await expect
    .poll(async () => (await sitesNamed(request, supervisor, siteName)).length, {
      timeout: 30_000,
    })
    .toBe(1);
  await cdp.detach();

  // The next start finds nothing waiting.
  const again = await context.newPage();
  await openReady(again, '/');
  await again.getByTestId('nav-sync').click();
  await expect(again.getByTestId('sync-waiting')).toHaveText('0');
  expect(await sitesNamed(request, supervisor, siteName)).toHaveLength(1);
});
