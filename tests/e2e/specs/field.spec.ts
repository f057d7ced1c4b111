// The inspector's flow on the device, with no network after the first load: create a site,
// start an inspection, answer items, and find everything again after a reload.
import * as path from 'node:path';
import { test, expect, open, openReady, setProfile, createSite } from './fixtures';

test('an inspector creates a site offline, inspects it and resumes after a reload', async ({
  page,
  context,
  consoleErrors,
}) => {
  await open(page, '/sites');
  await context.setOffline(true);

  await page.getByTestId('new-site').click();
  await expect(page).toHaveURL('/sites/new');
  // Saving an empty form lists what is missing and stores nothing.
  await page.getByTestId('save-site').click();
  await expect(page.getByRole('alert').first()).toBeVisible();
  await expect(page).toHaveURL('/sites/new');

  await page.getByTestId('site-name').fill('测试川菜馆');
  await page.getByTestId('site-address').fill('演示区滨江路9号');
  await page.getByTestId('site-area-gas').check();
  await page.getByTestId('site-phone').fill('13800000099');
  await page.getByTestId('site-person').fill('王五');
  await page.getByTestId('site-district').fill('demo-district');
  await page.getByTestId('site-street').fill('demo-s1');
  await page.getByTestId('site-grid').fill('demo-s1-g1');
  await page.getByTestId('save-site').click();

  await expect(page.getByTestId('site-name')).toHaveText('测试川菜馆');
  await page.getByTestId('start-gas').click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  const inspectionUrl = page.url();

  await expect(page.getByTestId('checklist-progress')).toContainText('0 / 28');
  await page.getByTestId('item-G01').getByRole('button', { name: '符合', exact: true }).click();
  await page.getByTestId('item-G02').getByRole('button', { name: '不符合', exact: true }).click();
  await page.getByTestId('item-G03').getByRole('button', { name: '不适用', exact: true }).click();
  await expect(page.getByTestId('checklist-progress')).toContainText('3 / 28');
  await expect(page.getByTestId('checklist-progress')).toContainText('不符合 1 项');
  await expect(page.getByTestId('save-state')).toContainText('已保存在本机');

  // A failed item asks for evidence: a 12 MP photo from the camera or gallery is resized,
  // watermarked and stored on the device with the inspection.
  await expect(page.getByTestId('photos-G02')).toBeVisible();
  await page
    .getByTestId('photo-input-G02')
    .setInputFiles(path.join(__dirname, '../../fixtures/photos/photo-12mp.jpg'));
  await expect(page.getByTestId('photos-G02').getByTestId('photo-thumb')).toHaveCount(1, {
    timeout: 20_000,
  });

  // The legal basis is one tap away.
  await page.getByTestId('item-G01').getByRole('button', { name: '法规依据' }).click();
  await expect(page.getByTestId('item-G01')).toContainText('城镇燃气');

  // Reloading (as when the phone kills the app) resumes exactly where the inspector was.
  await context.setOffline(false);
  await page.reload();
  await context.setOffline(true);
  await expect(page.getByTestId('checklist-progress')).toContainText('3 / 28');
  await expect(
    page.getByTestId('item-G02').getByRole('button', { name: '不符合', exact: true }),
  ).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('photos-G02').getByTestId('photo-thumb')).toHaveCount(1);
  expect(page.url()).toBe(inspectionUrl);

  // The draft is listed, and the site is found by search.
  await page.getByTestId('nav-inspections').click();
  await expect(page.getByTestId('draft-list')).toContainText('城镇燃气');
  await expect(page.getByTestId('draft-list').getByTestId('waiting-to-sync')).toHaveCount(1);
  await page.getByTestId('nav-sites').click();
  await page.getByTestId('site-search').fill('川菜');
  await expect(page.getByTestId('site-list')).toContainText('测试川菜馆');
  await page.getByTestId('site-search').fill('不存在的名字');
  await expect(page.getByText('没有符合条件的场所。')).toBeVisible();
  await page.getByTestId('site-search').fill('');
  await page.getByTestId('site-grid-filter').selectOption('demo-s1-g1');
  await expect(page.getByTestId('site-list')).toContainText('测试川菜馆');
  await context.setOffline(false);

  // The browser's own update check of the service worker after the reload may fail when the
  // network goes away in the same instant; it logs that itself. The app logs nothing.
  const appErrors = consoleErrors.filter(
    (e) => !e.includes('ERR_INTERNET_DISCONNECTED') && !e.includes('fetching the script'),
  );
  consoleErrors.length = 0;
  expect(appErrors).toEqual([]);
});

test('the inspection and each finding take their own position when allowed, and say so when not', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const allowed = await browser.newContext({
    baseURL,
    permissions: ['geolocation'],
    geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 12 },
  });
  const page = await allowed.newPage();
  await openReady(page, '/');
  await allowed.setOffline(true);
  await setProfile(page, '定位测试员');
  await createSite(page, '定位测试仓库', 'factory_warehouse');
  await page.getByTestId('start-factory_warehouse').click();
  await expect(page.getByTestId('position')).toContainText('±12 m');
  const f02 = page.getByTestId('item-F02');
  await f02.getByRole('button', { name: '不符合', exact: true }).click();
  await expect(f02.getByTestId('finding-gps')).toContainText('隐患位置已定位 ±12 m');
  // The inspector walks to another building: the next finding has its own fix.
  await allowed.setGeolocation({ latitude: 31.2311, longitude: 121.4745, accuracy: 30 });
  const f03 = page.getByTestId('item-F03');
  await f03.getByRole('button', { name: '不符合', exact: true }).click();
  await expect(f03.getByTestId('finding-gps')).toContainText('±30 m');
  await expect(f02.getByTestId('finding-gps')).toContainText('±12 m');
  // Both are kept: after a reload each finding still has its own position.
  await page.reload();
  await expect(page.getByTestId('item-F03').getByTestId('finding-gps')).toContainText('±30 m');
  await expect(page.getByTestId('item-F02').getByTestId('finding-gps')).toContainText('±12 m');
  await allowed.close();

  const denied = await browser.newContext({ baseURL, permissions: [] });
  const other = await denied.newPage();
  await open(other, '/');
  await denied.setOffline(true);
  await setProfile(other, '定位测试员');
  await createSite(other, '无定位仓库', 'factory_warehouse');
  await other.getByTestId('start-factory_warehouse').click();
  await expect(other.getByTestId('position')).toContainText('未获定位权限');
  const item = other.getByTestId('item-F02');
  await item.getByRole('button', { name: '不符合', exact: true }).click();
  await expect(item.getByTestId('finding-gps')).toContainText('使用检查的位置');
  await denied.close();
});
