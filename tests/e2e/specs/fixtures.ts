// Shared test helpers: a page that fails the test on any console error or uncaught exception.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

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

/**
 * Opens a path and waits until the service worker has cached the app shell and controls the
 * page: from then on the app starts with no network ("after one visit online").
 */
export async function openReady(page: Page, path: string): Promise<void> {
  await open(page, path);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 30_000,
  });
}

/** Stops every service worker of the browser, so that the next request starts one cold. */
export async function stopServiceWorkers(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

/** Sets the inspector's profile on the device (settings screen). */
export async function setProfile(page: Page, name: string): Promise<void> {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('profile-name').fill(name);
  await page.getByTestId('profile-organisation').fill('演示区应急管理局');
  await page.getByTestId('profile-save').click();
  await expect(page.getByTestId('profile-message')).toHaveText('已保存');
}

/** Creates a site on the device for one area and opens it. */
export async function createSite(page: Page, name: string, area: string): Promise<void> {
  await page.getByTestId('nav-sites').click();
  await page.getByTestId('new-site').click();
  await page.getByTestId('site-name').fill(name);
  await page.getByTestId('site-address').fill('演示区滨江路9号');
  await page.getByTestId(`site-area-${area}`).check();
  await page.getByTestId('site-person').fill('王五');
  await page.getByTestId('site-phone').fill('13800000099');
  await page.getByTestId('site-district').fill('demo-district');
  await page.getByTestId('site-street').fill('demo-s1');
  await page.getByTestId('site-grid').fill('demo-s1-g1');
  await page.getByTestId('save-site').click();
  await expect(page.getByTestId('site-name')).toHaveText(name);
}

/** Draws a signature in the pad inside `container` and confirms it. */
export async function sign(page: Page, container: string): Promise<void> {
  const pad = page.getByTestId(container);
  const canvas = pad.getByTestId('signature-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`no signature canvas in ${container}`);
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(box.x + 20 + i * 20, box.y + box.height / 2 + (i % 2 ? 15 : -15));
  }
  await page.mouse.up();
  await pad.getByRole('button', { name: '确认签名' }).click();
}

/** Answers every unanswered item 符合, filling values where an item takes one. */
export async function passAll(page: Page): Promise<void> {
  const items = page.locator('li.checklist-item');
  await expect(items.first()).toBeVisible();
  const count = await items.count();
  for (let i = 0; i < count; i++) {
    const item = items.nth(i);
    const pass = item.getByRole('button', { name: '符合', exact: true });
    if ((await pass.getAttribute('aria-pressed')) !== 'true') {
      await pass.click();
    }
    const value = item.locator('[data-testid^="value-"]');
    if ((await value.count()) > 0) {
      const tag = await value.evaluate((el) => el.tagName);
      if (tag === 'SELECT') {
        await value.selectOption({ index: 1 });
      } else {
        await value.fill('1');
        await value.blur();
      }
    }
  }
}

/** A server of a test's own, which the test may stop (a real outage, not an emulated one). */
export type Server = { baseURL: string; stop: () => void };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts anxun-server on a free port serving `staticDir` (the release build by default). */
export async function startServer(staticDir?: string): Promise<Server> {
  const bin = process.env.ANXUN_SERVER_BIN;
  const dir = staticDir ?? process.env.ANXUN_STATIC_DIR;
  if (!bin || !dir) {
    throw new Error('ANXUN_SERVER_BIN and ANXUN_STATIC_DIR must be set (cargo xtask test sets them)');
  }
  const port = await freePort();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-e2e-own-'));
  const child: ChildProcess = spawn(
    bin,
    ['--bind', `127.0.0.1:${port}`, '--data-dir', data, '--static-dir', dir],
    { stdio: 'ignore', env: { ...process.env, ANXUN_LOG: 'warn', ANXUN_ADMIN_PASSWORD: 'e2e-own-admin' } },
  );
  const baseURL = `http://127.0.0.1:${port}`;
  const stop = () => {
    child.kill();
    fs.rmSync(data, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${baseURL}/api/health`)).ok) return { baseURL, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error(`anxun-server did not start on ${baseURL}`);
}

/** A demo server of a test's own whose process the test can kill and start again. */
export type DemoServer = {
  baseURL: string;
  /** SIGKILL: no graceful shutdown, as in a crash or an OOM kill. */
  kill: () => Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart: () => Promise<void>;
  /** Stops it and removes its data. */
  stop: () => void;
};

export const ownDemoPassword = 'e2e-own-demo-password';

/** Starts anxun-server with the demo data on a free port, with a data directory that outlives restarts. */
export async function startDemoServer(): Promise<DemoServer> {
  const bin = process.env.ANXUN_SERVER_BIN;
  const dir = process.env.ANXUN_STATIC_DIR;
  if (!bin || !dir) {
    throw new Error('ANXUN_SERVER_BIN and ANXUN_STATIC_DIR must be set (cargo xtask test sets them)');
  }
  const port = await freePort();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-e2e-demo-'));
  const baseURL = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      bin,
      ['--bind', `127.0.0.1:${port}`, '--data-dir', data, '--static-dir', dir, '--demo'],
      { stdio: 'ignore', env: { ...process.env, ANXUN_LOG: 'warn', ANXUN_DEMO_PASSWORD: ownDemoPassword } },
    );
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`${baseURL}/api/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`anxun-server did not start on ${baseURL}`);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    baseURL,
    kill,
    restart: start,
    stop: () => {
      child?.kill('SIGKILL');
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Signs in on the sync screen. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('nav-sync').click();
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

/** Everything a user's scope holds, through the pull API from the beginning. */
export async function pullAll(
  baseURL: string,
  username: string,
  password: string,
): Promise<{ sites: any[]; hazard_events: any[]; token: string }> {
  const login = await fetch(`${baseURL}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(login.ok).toBe(true);
  const token = (await login.json()).token as string;
  const all = { sites: [] as any[], hazard_events: [] as any[], token };
  let cursor = 0;
  for (;;) {
    const response = await fetch(`${baseURL}/api/sync/pull?cursor=${cursor}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.ok).toBe(true);
    const page = await response.json();
    all.sites.push(...page.sites);
    all.hazard_events.push(...page.hazard_events);
    cursor = page.cursor;
    if (!page.more) return all;
  }
}
