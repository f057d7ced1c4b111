// Updates: build A is served and used (a profile, a site, a draft); the server then serves
// build B. The new worker installs beside A and waits: the prompt (新版本可用) appears; "later"
// keeps A working; "update" waits while something typed is unsaved, then reloads into B with
// every record intact. Runs its own server, whose static directory is a link switched from A
// to B, as a deployment would.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, expect, open, openReady, setProfile, createSite, startServer, type Server } from './fixtures';

const distA = process.env.ANXUN_STATIC_DIR;
const distB = process.env.ANXUN_STATIC_DIR_B;

test('a new build is offered, can be put off, and applies only when nothing is being typed', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  if (!distA || !distB) {
    throw new Error(
      'ANXUN_STATIC_DIR and ANXUN_STATIC_DIR_B must name two builds (cargo xtask test sets them)',
    );
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-update-'));
  const served = path.join(work, 'current');
  fs.symlinkSync(distA, served);
  let server: Server | undefined;
  try {
    server = await startServer(served);
    const baseURL = server.baseURL;
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // Build A, used.
    await openReady(page, '/');
    await setProfile(page, '更新测试员');
    await expect(page.getByTestId('app-build')).toHaveText(/^[0-9a-f]{16}$/);
    const buildA = await page.getByTestId('app-build').textContent();
    await createSite(page, '更新前的场所', 'ebike');
    await page.getByTestId('start-ebike').click();
    await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
    const draft = new URL(page.url()).pathname;
    await page.getByTestId('item-E02').getByRole('button', { name: '符合', exact: true }).click();
    await expect(page.getByTestId('save-state')).toContainText('已保存在本机');

    // The server now has build B; the app looks for it when it comes back to the foreground.
    fs.unlinkSync(served);
    fs.symlinkSync(distB, served);
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });
    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toBeVisible({ timeout: 30_000 });
    await expect(prompt).toContainText('新版本可用');

    // Later: A goes on working, with its data.
    await page.getByTestId('update-later').click();
    await expect(prompt).toBeHidden();
    await page.getByTestId('nav-sites').click();
    await expect(page.getByTestId('site-list').getByText('更新前的场所')).toBeVisible();
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('app-build')).toHaveText(buildA ?? '');
    await expect(page.getByTestId('shell-state')).toHaveText('新版本已下载，等待更新');
    await expect(page.getByTestId('pending-changes')).toHaveText(/^\d+$/);
    const pendingA = Number(await page.getByTestId('pending-changes').textContent());
    expect(pendingA).toBeGreaterThan(0);

    // A reload keeps A (the new worker waits) and offers the update again.
    await open(page, draft);
    await expect(prompt).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('checklist-progress')).toContainText('1 / ');

    // A note typed and saved (on leaving the field) while the prompt is up.
    await page.getByTestId('item-E03').getByRole('button', { name: '不符合', exact: true }).click();
    await page.getByTestId('note-E03').fill('充电线从窗口拉出');
    await page.getByTestId('note-E03').blur();
    await expect(page.getByTestId('save-state')).toContainText('已保存在本机');

    // Update while a new site is being typed in: it waits until the site is saved.
    await page.getByTestId('nav-sites').click();
    await page.getByTestId('new-site').click();
    await page.getByTestId('site-name').fill('更新中新建的场所');
    await page.getByTestId('site-address').fill('演示区滨江路10号');
    await page.getByTestId('site-area-gas').check();
    await page.getByTestId('site-person').fill('赵六');
    await page.getByTestId('site-phone').fill('13800000098');
    await page.getByTestId('site-district').fill('demo-district');
    await page.getByTestId('site-street').fill('demo-s1');
    await page.getByTestId('site-grid').fill('demo-s1-g1');
    await page.getByTestId('update-apply').click();
    await expect(page.getByTestId('update-held')).toBeVisible();
    await page.waitForTimeout(1_000);
    await expect(page.getByTestId('site-name')).toHaveValue('更新中新建的场所');
    // Saving the site lets the update go ahead: the page reloads into build B.
    const reloaded = page.waitForEvent('load');
    await page.getByTestId('save-site').click();
    await reloaded;
    await expect(page.locator('nav.app-nav')).toBeVisible();
    await expect(page.locator('meta[name=anxun-build-label]')).toHaveAttribute('content', 'B');

    // B holds everything A stored.
    await expect(page.getByTestId('site-name')).toHaveText('更新中新建的场所');
    await open(page, draft);
    await expect(page.getByTestId('checklist-progress')).toContainText('2 / ');
    await expect(page.getByTestId('note-E03')).toHaveValue('充电线从窗口拉出');
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('profile-name')).toHaveValue('更新测试员');
    await expect(page.getByTestId('app-build')).not.toHaveText(buildA ?? '', { timeout: 10_000 });
    await expect(page.getByTestId('build-label')).toHaveText('B');
    await expect(page.getByTestId('shell-state')).toHaveText('已可离线使用');
    // A's outbox is B's: nothing waiting to be sent was lost (and the site and note were added).
    await expect(page.getByTestId('pending-changes')).toHaveText(/^\d+$/);
    expect(Number(await page.getByTestId('pending-changes').textContent())).toBeGreaterThan(pendingA);
    expect(errors).toEqual([]);
    await context.close();
  } finally {
    server?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
