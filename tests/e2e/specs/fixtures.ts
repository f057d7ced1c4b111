// Shared test helpers: a page that fails the test on any console error or uncaught exception.
import { test as base, expect, type Page } from '@playwright/test';

type Fixtures = { consoleErrors: string[] };

export const test = base.extend<Fixtures>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    await use(errors);
    expect(errors, 'the page logged errors').toEqual([]);
  },
});

export { expect };

/** Opens a path and waits until the app has mounted. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('nav.app-nav')).toBeVisible();
}
