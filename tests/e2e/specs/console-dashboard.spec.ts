// The console's dashboard: a supervisor signs in, opens 统计分析, and every figure card shows
// what `GET /api/stats` answers for the same view (the server computes with the domain); the
// grouping selector redraws the chart by group; the open major hazards chart is drawn against
// the goal; the quarterly report opens printable.
import { test, expect } from './fixtures';
import { demoPassword } from '../playwright.config';
import type { APIRequestContext, Page } from '@playwright/test';

async function token(request: APIRequestContext): Promise<string> {
  const response = await request.post('/api/auth/login', {
    data: { username: 'demo-supervisor', password: demoPassword },
  });
  expect(response.ok()).toBeTruthy();
  return (await response.json()).token;
}

async function signIn(page: Page): Promise<void> {
  await page.goto('/console/dashboard');
  await page.locator('input[name=username]').fill('demo-supervisor');
  await page.locator('input[name=password]').fill(demoPassword);
  await page.locator('form button[type=submit]').click();
  await expect(page.getByTestId('dashboard')).toBeVisible();
}

type Ratio = { numerator: number; denominator: number };

function percent(r: Ratio): string {
  return r.denominator === 0 ? '—' : `${((r.numerator / r.denominator) * 100).toFixed(1)}%`;
}

test('the dashboard shows the figures GET /api/stats computes, by group and against the goal', async ({
  page,
  request,
  consoleErrors,
}) => {
  const bearer = await token(request);
  const stats = await request.get('/api/stats?group=area', {
    headers: { Authorization: `Bearer ${bearer}` },
  });
  expect(stats.ok()).toBeTruthy();
  const body = await stats.json();
  const overall = body.overall;

  await signIn(page);
  await expect(page.getByTestId('nav-dashboard')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('figure-hazards-value')).toHaveText(String(overall.hazards));
  await expect(page.getByTestId('figure-overdue-value')).toHaveText(String(overall.overdue));
  for (const id of [
    'rectification_rate',
    'major_rectification_rate',
    'on_time_rate',
    'listed_supervision_rate',
    'first_pass_rate',
  ]) {
    const ratio: Ratio = overall[id];
    await expect(page.getByTestId(`figure-${id}-value`)).toHaveText(percent(ratio));
    await expect(page.getByTestId(`figure-${id}-basis`)).toHaveText(
      `${ratio.numerator}/${ratio.denominator}`,
    );
  }

  // One bar per group of the answer; regrouping by level redraws it.
  await expect(page.getByTestId('group-chart').getByTestId('chart-bar')).toHaveCount(body.groups.length);
  await page.getByTestId('dashboard-group').selectOption('severity');
  await expect(page).toHaveURL(/group=severity/);
  const bySeverity = await (
    await request.get('/api/stats?group=severity', { headers: { Authorization: `Bearer ${bearer}` } })
  ).json();
  await expect(page.getByTestId('group-chart').getByTestId('chart-bar')).toHaveCount(
    bySeverity.groups.length,
  );

  // The open major hazards over the campaign, against the goal of clearing them.
  const last = body.open_major[body.open_major.length - 1];
  await expect(page.getByTestId('open-major-now')).toHaveText(String(last ? last.open : 0));
  await expect(page.getByTestId('open-major-chart').locator('svg')).toBeVisible();

  // The quarterly report opens, printable.
  await page.getByTestId('quarterly-link').click();
  await expect(page.getByTestId('quarterly-report')).toBeVisible();
  await expect(page.getByTestId('quarterly-figures')).toBeVisible();
  expect(consoleErrors).toEqual([]);
});
