// The inspector's flow on the device, with no network after the first load: create a site,
// start an inspection, answer items, and find everything again after a reload.
import * as path from 'node:path';
import { test, expect, open } from './fixtures';

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

  const appErrors = consoleErrors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'));
  consoleErrors.length = 0;
  expect(appErrors).toEqual([]);
});
