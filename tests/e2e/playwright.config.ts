// End-to-end tests: Debian's Chromium (never a downloaded browser) against the real
// anxun-server serving the release build. `cargo xtask test` builds both and sets the
// environment; see README.md to run them by hand.
import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const port = Number(process.env.ANXUN_E2E_PORT ?? 18080);
const baseURL = `http://127.0.0.1:${port}`;
const repo = path.resolve(__dirname, '../..');
const serverBin = process.env.ANXUN_SERVER_BIN ?? path.join(repo, 'target/release/anxun-server');
const staticDir = process.env.ANXUN_STATIC_DIR ?? path.join(repo, 'dist');
const dataDir = process.env.ANXUN_E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-e2e-'));

export const demoPassword = 'e2e-demo-password';

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results/artifacts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/report.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.ANXUN_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `"${serverBin}" --bind 127.0.0.1:${port} --data-dir "${dataDir}" --static-dir "${staticDir}" --demo`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ANXUN_DEMO_PASSWORD: demoPassword, ANXUN_LOG: 'warn' },
  },
});
