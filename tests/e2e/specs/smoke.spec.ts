// Smoke tests: the app loads, navigates, switches language; the server answers.
import { test, expect, open, openReady } from './fixtures';

const screens = [
  { id: 'home', path: '/', zh: '今日工作', en: 'Today' },
  { id: 'sites', path: '/sites', zh: '场所', en: 'Sites' },
  { id: 'inspections', path: '/inspections', zh: '检查', en: 'Inspections' },
  { id: 'hazards', path: '/hazards', zh: '隐患', en: 'Hazards' },
  { id: 'sync', path: '/sync', zh: '同步', en: 'Sync' },
  { id: 'settings', path: '/settings', zh: '设置', en: 'Settings' },
];

test('the app opens in Chinese with no console errors', async ({ page, consoleErrors }) => {
  await open(page, '/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('今日工作');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page).toHaveTitle(/安巡/);
  await expect(page.getByText('城镇燃气', { exact: true })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('every screen is reachable from the navigation', async ({
  page,
  consoleErrors,
}) => {
  await open(page, '/');
  for (const screen of screens) {
    await page.getByTestId(`nav-${screen.id}`).click();
    await expect(page).toHaveURL(screen.path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(screen.zh);
    await expect(page.getByTestId(`nav-${screen.id}`)).toHaveAttribute('aria-current', 'page');
    await expect(page.locator('main')).not.toBeEmpty();
  }
  expect(consoleErrors).toEqual([]);
});

test('deep links load directly and unknown addresses say so', async ({ page, consoleErrors }) => {
  await open(page, '/hazards');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('隐患');
  await open(page, '/no/such/screen');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await page.getByRole('link', { name: '返回首页' }).click();
  await expect(page).toHaveURL('/');
  expect(consoleErrors).toEqual([]);
});

test('the language switch changes every text and is remembered', async ({ page, consoleErrors }) => {
  await open(page, '/settings');
  await expect(page.getByTestId('current-language')).toHaveText('简体中文');
  await page.getByTestId('language-switch').first().click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  await expect(page.getByTestId('current-language')).toHaveText('English');
  for (const screen of screens) {
    await page.getByTestId(`nav-${screen.id}`).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(screen.en);
  }
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  await page.getByTestId('language-switch').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('设置');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  expect(consoleErrors).toEqual([]);
});

test('the server reports its health, version and storage', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  const health = await response.json();
  expect(health.status).toBe('ok');
  expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(health.database).toBe('sqlite');
});

test('the app is installable: manifest, icons and headers', async ({ page, request }) => {
  await open(page, '/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');
  const response = await request.get(href!);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await response.json();
  expect(manifest.short_name).toBe('安巡');
  expect(manifest.lang).toBe('zh-CN');
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBe('/');
  expect(manifest.scope).toBe('/');
  const purposes = manifest.icons.map((icon: { purpose: string }) => icon.purpose);
  expect(purposes).toContain('maskable');
  for (const icon of manifest.icons) {
    const image = await request.get(icon.src);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()['content-type']).toMatch(/^image\//);
  }
  const sizes = manifest.icons.map((icon: { sizes: string }) => icon.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  const index = await request.get('/');
  expect(index.headers()['cache-control']).toContain('no-cache');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });

  test('fits 360 px, with the navigation at the bottom and big touch targets', async ({
    page,
    consoleErrors,
  }) => {
    await open(page, '/');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const nav = await page.locator('nav.app-nav').boundingBox();
    expect(nav).not.toBeNull();
    expect(nav!.y + nav!.height).toBeGreaterThanOrEqual(639);
    for (const screen of screens) {
      const box = await page.getByTestId(`nav-${screen.id}`).boundingBox();
      expect(box!.height, screen.id).toBeGreaterThanOrEqual(44);
      expect(box!.width, screen.id).toBeGreaterThanOrEqual(44);
    }
    await page.getByTestId('nav-sites').tap();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('场所');
    expect(consoleErrors).toEqual([]);
  });
});

test('the built-in checklists are on the device and need no network', async ({
  page,
  context,
  consoleErrors,
}) => {
  await openReady(page, '/');
  await context.setOffline(true);
  await page.getByTestId('nav-inspections').click();
  for (const id of ['gas', 'factory_warehouse', 'ebike']) {
    await expect(page.getByTestId(`template-${id}`)).toBeVisible();
  }
  await expect(page.getByTestId('template-gas')).toContainText('城镇燃气');
  await expect(page.getByTestId('template-gas')).toContainText('28 项');
  await expect(page.getByTestId('template-factory_warehouse')).toContainText('30 项');
  await expect(page.getByTestId('template-ebike')).toContainText('22 项');
  await context.setOffline(false);
  // The shell's own files (icons included) come from the worker's cache: nothing fails offline.
  expect(consoleErrors).toEqual([]);
});

test('the home screen says why and how to install, in the way of the browser', async ({
  page,
  browser,
}) => {
  await open(page, '/');
  const hint = page.getByTestId('install-hint');
  await expect(hint).toContainText('7 天');
  await expect(hint.getByTestId('install-how')).toContainText('安装应用');

  const iphone = await browser.newContext({
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
    viewport: { width: 390, height: 844 },
  });
  const phone = await iphone.newPage();
  await open(phone, '/');
  await expect(phone.getByTestId('install-how')).toContainText('添加到主屏幕');
  await iphone.close();
});
