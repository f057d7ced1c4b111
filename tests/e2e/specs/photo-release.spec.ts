// Releasing photos: once the server holds a photo and has accepted every record that uses it,
// and the work is older than the window the inspector keeps, the device drops the photo's
// full-size bytes (keeping its thumbnail); the viewer then fetches it from the server, and
// offline it shows the thumbnail with a clear message.
import * as path from 'node:path';
import { type Page } from '@playwright/test';
import { test, expect, open, setProfile, createSite, sign, passAll, signIn } from './fixtures';
import { demoPassword } from '../playwright.config';

const photo = (name: string) => path.join(__dirname, '../../fixtures/photos', name);

type PhotoRow = { hash: string; size: number; bytes: number; released: boolean };

/** Every photo row on the device (bytes counted, not copied), and the running byte total. */
async function devicePhotos(page: Page): Promise<{ rows: PhotoRow[]; total: string; local: string[] }> {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('anxun');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = <T,>(store: string, op: (s: IDBObjectStore) => IDBRequest): Promise<T> =>
      new Promise((resolve, reject) => {
        const request = op(db.transaction(store).objectStore(store));
        request.onsuccess = () => resolve(request.result as T);
        request.onerror = () => reject(request.error);
      });
    const rows = await read<any[]>('photos', (s) => s.getAll());
    const total = await read<any>('meta', (s) => s.get('photo_bytes'));
    const local = await read<string[]>('local_photos', (s) => s.getAllKeys());
    db.close();
    return {
      rows: rows.map((row) => ({
        hash: row.hash,
        size: row.size,
        bytes: row.bytes.byteLength ?? row.bytes.length,
        released: !!row.released,
      })),
      total: total?.value ?? '0',
      local,
    };
  });
}

test('photos of synced work outside the kept window are released and viewed from the server', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  await open(page, '/');
  await setProfile(page, '孙网格');
  await signIn(page, 'demo-inspector', demoPassword);
  await expect(page.getByTestId('account-name')).toContainText('demo-inspector');

  // Offline: an inspection with a photo of a failed item and two signatures, completed.
  await context.setOffline(true);
  await createSite(page, `照片释放测试 ${Date.now()}`, 'gas');
  await page.getByTestId('start-gas').click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  const inspectionUrl = page.url();
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

  const before = await devicePhotos(page);
  // The photo and the signatures (two, or one if both pads made the same image).
  expect(before.rows.length).toBeGreaterThanOrEqual(2);
  expect(before.rows.every((row) => row.bytes === row.size && !row.released)).toBe(true);
  const stored = before.rows.reduce((sum, row) => sum + row.size, 0);
  expect(Number(before.total)).toBe(stored);

  // Online: everything syncs. The work is recent (kept 30 days by default): nothing released.
  await context.setOffline(false);
  await page.getByTestId('nav-sync').click();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-waiting')).toHaveText('0', { timeout: 60_000 });
  await expect(page.getByTestId('sync-phase')).toHaveText('同步已就绪。', { timeout: 30_000 });
  expect((await devicePhotos(page)).rows.every((row) => row.bytes === row.size)).toBe(true);

  // Forty days later, the inspector keeps only a week: the photos leave the device.
  await page.clock.setFixedTime(Date.now() + 40 * 24 * 3600 * 1000);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('keep-photos').selectOption('7');
  await expect(page.getByTestId('photos-released')).toHaveText(String(before.rows.length));
  const after = await devicePhotos(page);
  expect(after.rows).toHaveLength(before.rows.length);
  for (const row of after.rows) {
    expect(row.released).toBe(true);
    expect(row.bytes).toBe(0);
    expect(row.size).toBeGreaterThan(0);
  }
  expect(after.total).toBe('0');
  expect(after.local).toEqual([]);
  await expect(page.getByTestId('storage-photos')).toHaveText('0.0 MB');

  // The viewer fetches the full-size photo from the server, checked against its hash.
  await page.goto(inspectionUrl);
  const fetched = page.waitForResponse(
    (response) =>
      response.request().method() === 'GET' && /\/api\/photos\/[0-9a-f]{64}$/.test(response.url()),
  );
  await page.getByTestId('item-G03').getByTestId('photo-thumb').click();
  expect((await fetched).status()).toBe(200);
  const full = page.getByTestId('photo-full');
  await expect(full).toBeVisible();
  await expect
    .poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(100);
  await page.getByTestId('photo-close').click();

  // Offline: the thumbnail, and a clear message.
  await context.setOffline(true);
  await page.getByTestId('item-G03').getByTestId('photo-thumb').click();
  await expect(page.getByTestId('photo-unavailable')).toHaveText('照片已上传，联网后可查看原图');
  await expect(page.getByTestId('photo-thumbnail-only')).toBeVisible();
  await expect(page.getByTestId('photo-full')).toHaveCount(0);
  await page.getByTestId('photo-close').click();

  // Keeping everything again does not bring bytes back, and releases nothing more.
  await context.setOffline(false);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('keep-photos').selectOption('all');
  await expect(page.getByTestId('photos-released')).toHaveText('0');
});
