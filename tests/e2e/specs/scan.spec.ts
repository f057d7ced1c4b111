// Scanning a site's 检查码 from the sites screen (扫码). Linux Chromium has no
// BarcodeDetector, so these exercise the Rust decoder (rqrr) in its own web worker: a fake
// camera plays a video made here from the QR code of a site's link, and photos of codes go
// through the file picker. Denied camera access gets its own message.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import QRCode from 'qrcode';
import { test, expect, open, createSite } from './fixtures';

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** `text` as a QR code on a white 640×480 YUV4MPEG2 video (what Chromium's fake camera plays). */
function writeQrVideo(file: string, text: string): void {
  const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const modules = code.modules.size;
  const [width, height] = [640, 480];
  const scale = Math.floor(360 / (modules + 8));
  const left = Math.floor((width - modules * scale) / 2);
  const top = Math.floor((height - modules * scale) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < modules * scale; y++) {
    for (let x = 0; x < modules * scale; x++) {
      if (code.modules.get(Math.floor(y / scale), Math.floor(x / scale))) {
        luma[(top + y) * width + left + x] = 16;
      }
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array(10).fill(frame)]));
}

/** A browser whose fake camera plays `video` (read when the camera starts). */
async function browserWithCamera(video: string): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.ANXUN_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      ...chromiumArgs,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
}

async function newSite(page: Page, name: string): Promise<string> {
  await open(page, '/');
  await createSite(page, name, 'gas');
  const id = page.url().match(/\/sites\/([0-9a-f-]{36})$/)?.[1];
  expect(id).toBeTruthy();
  return id!;
}

test('scanning a site code with the camera opens the site', async ({ baseURL }) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-scan-'));
  const video = path.join(dir, 'code.y4m');
  writeQrVideo(video, 'not yet'); // replaced below, before the camera starts
  const browser = await browserWithCamera(video);
  try {
    const context = await browser.newContext({ baseURL, permissions: ['camera'] });
    const page = await context.newPage();
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    const name = `扫码测试餐馆 ${Date.now()}`;
    const id = await newSite(page, name);
    writeQrVideo(video, `${baseURL}/sites/${id}`);

    await page.getByTestId('nav-sites').click();
    expect(workers.filter((url) => url.includes('qr-worker'))).toEqual([]); // not loaded until needed
    await page.getByTestId('scan-site').click();
    await expect(page.getByTestId('scanner')).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/sites/${id}$`), { timeout: 30_000 });
    await expect(page.getByTestId('site-name')).toHaveText(name);
    expect(workers.some((url) => url.endsWith('/qr-worker.js'))).toBe(true);
    await context.close();
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('photos of codes: a site opens, another code or a site not on the device is named', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-scan-photo-'));
  try {
    const name = `扫码照片测试 ${Date.now()}`;
    const id = await newSite(page, name);
    const picture = async (file: string, text: string) => {
      const target = path.join(dir, file);
      await QRCode.toFile(target, text, { width: 480, margin: 4 });
      return target;
    };
    await page.getByTestId('nav-sites').click();
    await page.getByTestId('scan-site').click();
    const message = page.getByTestId('scan-message');

    await page.getByTestId('scan-photo').setInputFiles(await picture('other.png', 'https://example.com/pay?id=42'));
    await expect(message).toHaveText('这不是安巡场所检查码。', { timeout: 30_000 });

    const elsewhere = '019a5b2c-6d7e-7f80-9a1b-2c3d4e5f6071';
    await page.getByTestId('scan-photo').setInputFiles(await picture('elsewhere.png', `${baseURL}/sites/${elsewhere}`));
    await expect(message).toContainText('该场所不在本机上', { timeout: 30_000 });

    // A photo without a code (an evidence photo).
    await page.getByTestId('scan-photo').setInputFiles(path.join(__dirname, '../../fixtures/photos/photo-2mp.jpg'));
    await expect(message).toHaveText('照片中未识别到二维码，请靠近后重拍。', { timeout: 30_000 });

    await page.getByTestId('scan-photo').setInputFiles(await picture('site.png', `${baseURL}/sites/${id}`));
    await expect(page).toHaveURL(new RegExp(`/sites/${id}$`), { timeout: 30_000 });
    await expect(page.getByTestId('site-name')).toHaveText(name);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('denied camera access is said clearly and the photo fallback stays', async ({ baseURL }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anxun-scan-denied-'));
  const video = path.join(dir, 'code.y4m');
  writeQrVideo(video, 'x');
  // A camera exists, but the page is not allowed to use it (no permission granted, no prompt).
  const browser = await chromium.launch({
    executablePath: process.env.ANXUN_CHROMIUM ?? '/usr/bin/chromium',
    args: [...chromiumArgs, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await open(page, '/sites');
    await page.getByTestId('scan-site').click();
    await expect(page.getByTestId('scan-message')).toHaveText(
      '未获得相机权限。请在浏览器设置中允许本应用使用相机，或拍摄检查码照片。',
      { timeout: 30_000 },
    );
    await expect(page.getByTestId('scan-photo')).toBeAttached();
    await page.getByTestId('scan-close').click();
    await expect(page.getByTestId('scanner')).toHaveCount(0);
    await context.close();
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
