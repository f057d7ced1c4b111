// The supervisor console closes the loop with the field app (issue 7): a supervisor signs in
// to the console and filters the ledger; opens a hazard an inspector recorded offline and
// synced; assigns a deadline, which reaches the inspector's device; the inspector re-inspects
// offline with an after-photo and syncs; the supervisor closes the hazard; the statistics
// change as the domain computes them; the XLSX export holds the closed hazard.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import {
  test,
  expect,
  open,
  setProfile,
  createSite,
  sign,
  passAll,
  signIn,
  startDemoServer,
  ownDemoPassword,
  type DemoServer,
} from './fixtures';

const photo = (name: string) => path.join(__dirname, '../../fixtures/photos', name);
const repo = path.resolve(__dirname, '../../..');

/** A date `days` from now in Shanghai, `YYYY-MM-DD`. */
function shanghaiDate(days: number): string {
  const at = new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000);
  return at.toISOString().slice(0, 10);
}

async function stats(server: DemoServer, token: string): Promise<any> {
  const response = await fetch(`${server.baseURL}/api/stats`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()).overall;
}

async function supervisorToken(server: DemoServer): Promise<string> {
  const login = await fetch(`${server.baseURL}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'demo-supervisor', password: ownDemoPassword }),
  });
  expect(login.ok).toBe(true);
  return (await login.json()).token;
}

/** The inspector records a major hazard offline (G03, by deadline, raised to 重大), then syncs. */
async function recordOffline(page: Page, context: any, server: DemoServer, siteName: string) {
  await open(page, `${server.baseURL}/`);
  await setProfile(page, '周网格');
  await context.setOffline(true);
  await createSite(page, siteName, 'gas');
  await page.getByTestId('start-gas').click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  await passAll(page);
  const g03 = page.getByTestId('item-G03');
  await g03.getByRole('button', { name: '不符合', exact: true }).click();
  await g03.getByTestId('photo-input-G03').setInputFiles(photo('photo-2mp.jpg'));
  await expect(g03.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 30_000 });
  const finding = g03.getByTestId('finding');
  await finding.getByTestId('finding-by-deadline').click();
  await finding.getByTestId('finding-severity-major').click();
  await finding.getByTestId('finding-override-reason').fill('软管老化开裂，紧贴灶台明火');
  await finding.getByTestId('finding-override-reason').blur();
  await page.getByTestId('representative-name').fill('王五');
  await sign(page, 'representative-pad');
  await sign(page, 'inspector-pad');
  await page.getByTestId('complete-inspection').click();
  await expect(page.getByTestId('inspection-summary')).toBeVisible();
  await context.setOffline(false);
  await signIn(page, 'demo-inspector', ownDemoPassword);
  await expect(page.getByTestId('account-name')).toContainText('demo-inspector');
  await expect(page.getByTestId('sync-waiting')).toHaveText('0', { timeout: 60_000 });
}

async function syncNow(page: Page) {
  await page.getByTestId('nav-sync').click();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-phase')).toHaveText('同步已就绪。', { timeout: 60_000 });
  await expect(page.getByTestId('sync-waiting')).toHaveText('0');
}

test('a supervisor drives an offline-recorded hazard to closure in the console', async ({
  page,
  context,
  browser,
}) => {
  test.setTimeout(240_000);
  const server = await startDemoServer();
  try {
    const siteName = `控制台闭环餐馆 ${Date.now()}`;
    await recordOffline(page, context, server, siteName);

    // -- the supervisor signs in to the console (another browser profile) --
    const desk = await browser.newContext({ acceptDownloads: true });
    const console_ = await desk.newPage();
    const deskErrors: string[] = [];
    // The console must log nothing (a CSP violation, a failed script, an uncaught panic). The
    // field app's page is not checked: its photo upload asks HEAD first and logs each 404.
    console_.on('pageerror', (error) => deskErrors.push(`uncaught: ${error.message}`));
    console_.on('console', (message) => {
      if (message.type() === 'error') deskErrors.push(message.text());
    });
    await console_.goto(`${server.baseURL}/console/`);
    await expect(console_.locator('h1')).toHaveText('登录监管台');
    // Inspectors are sent to the field app.
    await console_.locator('input[name=username]').fill('demo-inspector');
    await console_.locator('input[name=password]').fill(ownDemoPassword);
    await console_.getByRole('button', { name: '登录' }).click();
    await expect(console_.getByTestId('use-field-app')).toBeVisible();
    await console_.locator('input[name=username]').fill('demo-supervisor');
    await console_.getByRole('button', { name: '登录' }).click();
    await expect(console_.getByTestId('signed-in-user')).toBeVisible();
    await expect(console_).toHaveURL(/\/console\/hazards$/);

    // -- filters: major, waiting to be assigned, the site's name; kept in the URL --
    const filters = console_.getByTestId('ledger-filters');
    await filters.locator('select[name=severity]').selectOption('major');
    await filters.locator('select[name=status]').selectOption('reported');
    await filters.locator('input[name=q]').fill(siteName);
    await console_.getByTestId('apply-filters').click();
    await expect(console_).toHaveURL(/severity=major/);
    await expect(console_).toHaveURL(/status=reported/);
    const rows = console_.getByTestId('hazard-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(siteName);
    await expect(console_.getByTestId('ledger-total')).toContainText('1');
    // A filter that excludes it: general hazards only.
    await filters.locator('select[name=severity]').selectOption('general');
    await console_.getByTestId('apply-filters').click();
    await expect(console_.getByTestId('no-hazards')).toBeVisible();
    // Back restores the previous view from the URL.
    await console_.goBack();
    await expect(console_).toHaveURL(/severity=major/);
    await expect(rows).toHaveCount(1);
    const hazardId = await rows.first().getAttribute('data-hazard');
    expect(hazardId).toMatch(/^[0-9a-f-]{36}$/);

    // -- the hazard: before photo (zoomable), legal basis, history --
    await rows.first().locator('a.hazard-link').click();
    await expect(console_).toHaveURL(new RegExp(`/console/hazards/${hazardId}$`));
    const detail = console_.getByTestId('hazard-detail');
    await expect(detail.getByTestId('detail-state')).toHaveText('待交办');
    await expect(detail.getByTestId('photo')).toHaveCount(1);
    await detail.getByTestId('photo').click();
    const viewer = console_.getByTestId('photo-viewer');
    await expect(viewer.locator('img')).toBeVisible();
    await viewer.getByTestId('zoom-in').click();
    await expect(viewer.getByTestId('zoom')).toHaveText('150%');
    await viewer.getByRole('button', { name: '关闭' }).click();
    await expect(detail.getByTestId('legal-basis')).not.toBeEmpty();
    await expect(detail.getByTestId('history').locator('li')).toHaveCount(1);

    // -- assign the responsible party and a deadline --
    const deadline = shanghaiDate(20);
    const assign = detail.getByTestId('action-assign');
    await assign.locator('input[name=responsible]').fill(`${siteName} 负责人王五`);
    await assign.locator('input[name=deadline]').fill(deadline);
    await assign.getByRole('button').click();
    await expect(detail.getByTestId('detail-state')).toHaveText('已交办');
    await expect(detail.getByTestId('detail-deadline')).toHaveText(deadline);
    await expect(detail.getByTestId('history').locator('li')).toHaveCount(2);

    // -- the inspector's device receives it --
    await syncNow(page);
    await page.getByTestId('nav-hazards').click();
    await page.getByTestId('filter-all').click();
    const card = page.locator(`[data-testid=hazard-card][data-hazard="${hazardId}"]`);
    await expect(card).toContainText(deadline);
    await expect(card.getByTestId('hazard-state')).toContainText('已交办');

    // -- the inspector re-inspects offline with an after-photo, then syncs --
    await context.setOffline(true);
    await card.getByTestId('reinspect').click();
    await card.getByTestId('reinspect-pass').click();
    await card.getByTestId('reinspect-photo').setInputFiles(photo('photo-2mp.jpg'));
    await expect(card.getByTestId('reinspect-photo-count')).toContainText('1');
    await card.getByTestId('reinspect-save').click();
    await expect(card.getByTestId('reinspection-form')).toHaveCount(0);
    await context.setOffline(false);
    await syncNow(page);

    // -- the supervisor sees the after-photo and closes the hazard --
    const token = await supervisorToken(server);
    const before = await stats(server, token);
    await console_.reload();
    await expect(detail.getByTestId('detail-state')).toHaveText('复查合格待销号');
    await expect(detail.getByTestId('photo')).toHaveCount(2);
    await detail.getByTestId('action-close').getByRole('button').click();
    await expect(detail.getByTestId('detail-state')).toHaveText('已销号');
    await expect(detail.getByTestId('no-actions')).toBeVisible();

    // -- the statistics change as the domain defines them: one more hazard rectified --
    const after = await stats(server, token);
    expect(after.hazards).toBe(before.hazards);
    expect(after.rectification_rate.denominator).toBe(before.rectification_rate.denominator);
    expect(after.rectification_rate.numerator).toBe(before.rectification_rate.numerator + 1);
    expect(after.major_rectification_rate.numerator).toBe(
      before.major_rectification_rate.numerator + 1,
    );
    expect(after.mean_days_to_close).not.toBeNull();

    // -- the ledger's XLSX export, with the current filters, holds the closed hazard --
    await console_.goto(
      `${server.baseURL}/console/hazards?q=${encodeURIComponent(siteName)}&status=closed`,
    );
    await expect(console_.getByTestId('hazard-row')).toHaveCount(1);
    const [download] = await Promise.all([
      console_.waitForEvent('download'),
      console_.getByTestId('export-xlsx').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-export-')), 'ledger.xlsx');
    await download.saveAs(file);
    const dump = JSON.parse(
      execFileSync('cargo', ['xtask', 'xlsx-dump', file], { cwd: repo, encoding: 'utf8' }),
    );
    const rowsOut: any[][] = dump.sheets[0].rows;
    const mine = rowsOut.filter((row) => row.some((cell) => cell === siteName));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('已销号');
    // Real dates, not text.
    expect(mine[0].some((cell) => cell && typeof cell === 'object' && 'datetime' in cell)).toBe(true);

    expect(deskErrors).toEqual([]);
    await desk.close();
  } finally {
    server.stop();
  }
});
