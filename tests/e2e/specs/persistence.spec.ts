// Data entered on the device outlives the browser: a draft made offline is still there, with
// its answers and photo, after the browser is closed and started again with the same profile,
// with the network still off.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import { test, expect, open, openReady, setProfile, createSite } from './fixtures';

test('a draft survives closing and reopening the browser', async ({ baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-profile-'));
  const launch = (): Promise<BrowserContext> =>
    chromium.launchPersistentContext(userDataDir, {
      ...testInfo.project.use.launchOptions,
      baseURL,
    });
  try {
    let context = await launch();
    let page = context.pages()[0] ?? (await context.newPage());
    await openReady(page, '/');
    await context.setOffline(true);
    await setProfile(page, '王网格');
    await createSite(page, '持久化测试商铺', 'ebike');
    await page.getByTestId('start-ebike').click();
    await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
    const url = new URL(page.url()).pathname;
    const e01 = page.getByTestId('item-E01');
    await e01.getByRole('button', { name: '不符合', exact: true }).click();
    await e01
      .getByTestId('photo-input-E01')
      .setInputFiles(path.join(__dirname, '../../fixtures/photos/photo-2mp.jpg'));
    await expect(e01.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 30_000 });
    await page.getByTestId('item-E02').getByRole('button', { name: '符合', exact: true }).click();
    await expect(page.getByTestId('save-state')).toContainText('已保存在本机');
    await context.close();

    // Reopened with no network: the app starts from the service worker's cache.
    context = await launch();
    await context.setOffline(true);
    page = context.pages()[0] ?? (await context.newPage());
    await open(page, url);
    await expect(page.getByTestId('checklist-progress')).toContainText('2 / ');
    await expect(
      page.getByTestId('item-E01').getByRole('button', { name: '不符合', exact: true }),
    ).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('item-E01').getByTestId('photo-thumb')).toHaveCount(1);
    await expect(page.getByTestId('item-E01').getByTestId('finding')).toHaveCount(1);
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('profile-name')).toHaveValue('王网格');
    await expect(page.getByTestId('storage-photos')).not.toHaveText('0.0 MB');
    await context.close();
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
});
