// Sync end to end: work recorded offline under a local profile reaches the server after the
// inspector signs in, exactly once and with its photos, and the supervisor sees it through
// the API; an ended session pauses sync without losing anything.
import * as path from 'node:path';
import { test, expect, open, setProfile, createSite, sign, passAll, signIn as signInAs, pullAll } from './fixtures';
import { demoPassword } from '../playwright.config';

const photo = (name: string) => path.join(__dirname, '../../fixtures/photos', name);

async function signIn(page: import('@playwright/test').Page, username: string, password = demoPassword) {
  await signInAs(page, username, password);
}

test('work recorded offline reaches the server once, photos included, after sign-in', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await open(page, '/');
  await setProfile(page, '孙网格');
  const siteName = `同步测试餐馆 ${Date.now()}`;

  // Offline: a site, an inspection with a failed item, a photo and signatures, completed.
  await context.setOffline(true);
  await createSite(page, siteName, 'gas');
  await page.getByTestId('start-gas').click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  await passAll(page);
  const g03 = page.getByTestId('item-G03');
  await g03.getByRole('button', { name: '不符合', exact: true }).click();
  await g03.getByTestId('photo-input-G03').setInputFiles(photo('photo-2mp.jpg'));
  await expect(g03.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 30_000 });
  await g03.getByTestId('finding').getByTestId('finding-by-deadline').click();
  await page.getByTestId('representative-name').fill('王五');
  await sign(page, 'representative-pad');
  await sign(page, 'inspector-pad');
  await page.getByTestId('complete-inspection').click();
  await expect(page.getByTestId('inspection-summary')).toBeVisible();
  await expect(page.getByTestId('sync-badge')).toBeVisible();

  // Signing in needs the network: offline, the form says so and nothing is lost.
  await signIn(page, 'demo-inspector');
  await expect(page.getByTestId('sign-in-error')).toContainText('无法连接服务器');
  await expect(page.getByTestId('sync-waiting')).not.toHaveText('0');

  // Online: sign in; the work becomes the account's and syncs.
  await context.setOffline(false);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('account-name')).toContainText('demo-inspector');
  await expect(page.getByTestId('sync-waiting')).toHaveText('0', { timeout: 60_000 });
  await expect(page.getByTestId('sync-last')).not.toHaveText('从未');
  await expect(page.getByTestId('sync-badge')).toHaveCount(0);
  await expect(page.getByTestId('refusals')).toHaveCount(0);

  // The supervisor sees the site and the hazard, once, and can fetch its photo.
  const seen = await pullAll(baseURL!, 'demo-supervisor', demoPassword);
  const sites = seen.sites.filter((s) => s.name === siteName);
  expect(sites).toHaveLength(1);
  const reports = seen.hazard_events.filter(
    (e) => e.action.type === 'report' && e.action.site === sites[0].id,
  );
  expect(reports).toHaveLength(1);
  expect(reports[0].actor.user).not.toBe('');
  const photos: string[] = reports[0].action.photos_before;
  expect(photos.length).toBe(1);
  const image = await fetch(`${baseURL}/api/photos/${photos[0]}`, {
    headers: { Authorization: `Bearer ${seen.token}` },
  });
  expect(image.status).toBe(200);
  expect(image.headers.get('content-type')).toBe('image/jpeg');

  // Syncing again sends nothing twice.
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-phase')).toHaveText('同步已就绪。', { timeout: 30_000 });
  const again = await pullAll(baseURL!, 'demo-supervisor', demoPassword);
  expect(again.sites.filter((s) => s.name === siteName)).toHaveLength(1);
  expect(
    again.hazard_events.filter((e) => e.action.type === 'report' && e.action.site === sites[0].id),
  ).toHaveLength(1);
});

test('a wrong password is refused clearly and an ended session pauses sync', async ({
  page,
  request,
}) => {
  await open(page, '/');
  await signIn(page, 'demo-inspector', 'not-the-password');
  await expect(page.getByTestId('sign-in-error')).toHaveText('用户名或密码不正确。');
  await page.getByTestId('sign-in-password').fill(demoPassword);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('account-name')).toContainText('demo-inspector');
  await expect(page.getByTestId('sync-phase')).toHaveText('同步已就绪。', { timeout: 30_000 });

  // The session is revoked on the server (as when it expires): work made now waits.
  const token = await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open('anxun');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const row: any = await new Promise((resolve, reject) => {
      const get = db.transaction('meta').objectStore('meta').get('session');
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    db.close();
    return JSON.parse(row.value).token as string;
  });
  const revoked = await request.post('/api/auth/logout', {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(revoked.status()).toBe(204);
  await createSite(page, `会话过期后新建 ${Date.now()}`, 'gas');
  await page.getByTestId('nav-sync').click();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-phase')).toHaveText(/同步已暂停：请重新登录/, { timeout: 30_000 });
  await expect(page.getByTestId('sync-waiting')).toHaveText(/^1/);
  // Signing in again resumes it.
  await page.getByTestId('sign-in-password').fill(demoPassword);
  await page.getByTestId('sign-in-username').fill('demo-inspector');
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('sync-waiting')).toHaveText('0', { timeout: 30_000 });
});
