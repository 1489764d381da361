// A business card's photo on the tablet: its size after compression and the time to make and
// keep it, in headless Chromium on the release build.
//
// Three kinds of picture, N of each, on the capture screen's page with `photos.js` loaded:
// - camera: the shutter on Chromium's fake camera playing a 1920 × 1080 video (a card's QR code on
//   grey: the easiest picture to compress);
// - card: a 12-megapixel (4000 × 3000) photo of a printed card, drawn in the page (a lit desk, the
//   card, Chinese and Latin text, a sensor's noise), picked as a file, as an officer would pick one
//   from the tablet's photos;
// - noise: 4000 × 3000 of random colours, the hardest picture to compress (the size bound's worst
//   case).
// For each: the compressed size (goal ≤ 300 KiB, `domain::photo::MAX_BYTES`), the time from the
// pixels to the JPEG and its SHA-256 (`prepare`, measured by photos.js; and with reading the
// picture first: the shutter's frame, or decoding the picked file), and the time to keep it
// in IndexedDB with strict durability (`zsPhotos.keep`). Results go to bench-results/photo.json.
//
// Run (after scripts/build.sh): node end2end/bench/photo.mjs [--n 10]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from '@playwright/test';

import qr from '../support/qr.cjs';
import { launchOptions, percentile, startServer } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_BYTES = 300 * 1024;

function args() {
  const n = process.argv.indexOf('--n');
  return { n: n > 0 ? Number(process.argv[n + 1]) : 10 };
}

// In the page: a 4000 × 3000 PNG file, of a card on a desk or of noise.
async function pictureFile(kind) {
  const canvas = new OffscreenCanvas(4000, 3000);
  const g = canvas.getContext('2d');
  const image = g.createImageData(4000, 3000);
  const px = image.data;
  if (kind === 'noise') {
    for (let i = 0; i < px.length; i += 4) {
      px[i] = Math.random() * 256; px[i + 1] = Math.random() * 256; px[i + 2] = Math.random() * 256; px[i + 3] = 255;
    }
    g.putImageData(image, 0, 0);
  } else {
    const desk = g.createLinearGradient(0, 0, 4000, 3000);
    desk.addColorStop(0, '#8a6f55');
    desk.addColorStop(1, '#5b4634');
    g.fillStyle = desk;
    g.fillRect(0, 0, 4000, 3000);
    g.save();
    g.translate(2000, 1500);
    g.rotate(-0.04);
    g.fillStyle = '#fbfaf6';
    g.fillRect(-1500, -900, 3000, 1800);
    g.fillStyle = '#b3261e';
    g.fillRect(-1500, -900, 3000, 120);
    g.fillStyle = '#1d1b1a';
    g.font = 'bold 180px sans-serif';
    g.fillText('欧阳晓明', -1350, -450);
    g.font = '90px sans-serif';
    g.fillText('投资总监 · Investment Director', -1350, -280);
    g.font = 'bold 110px sans-serif';
    g.fillText('成都天府智造科技有限公司', -1350, 0);
    g.font = '80px sans-serif';
    g.fillText('手机 138 0013 8000   电话 028-8888 6666', -1350, 300);
    g.fillText('ouyang@tfzz.cn   www.tfzz.cn', -1350, 430);
    g.fillText('四川省成都市高新区天府大道北段 1700 号', -1350, 560);
    g.restore();
    const lit = g.getImageData(0, 0, 4000, 3000);
    for (let i = 0; i < lit.data.length; i += 4) {
      const n = (Math.random() - 0.5) * 18;
      lit.data[i] += n; lit.data[i + 1] += n; lit.data[i + 2] += n;
    }
    g.putImageData(lit, 0, 0);
  }
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new File([blob], `${kind}.png`, { type: 'image/png' });
}

async function main() {
  const { n } = args();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zs-photo-bench-'));
  const video = path.join(dir, 'card.y4m');
  qr.writeQrVideo(video, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:欧阳晓明\r\nEND:VCARD', { width: 1920, height: 1080, scale: 12, frames: 10 });
  const server = await startServer();
  const result = { benchmark: 'photo', date: new Date().toISOString(), max_bytes: MAX_BYTES, n, kinds: {} };
  try {
    const browser = await chromium.launch({
      ...launchOptions,
      args: [...launchOptions.args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    const context = await browser.newContext({
      baseURL: server.url, viewport: { width: 1180, height: 820 }, isMobile: true, hasTouch: true, locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai', permissions: ['camera'], serviceWorkers: 'allow',
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => { throw error; });
    await page.goto('/');
    await page.locator('main[data-ready="true"]').waitFor();
    // The shutter's page: the card photo dialog opens the camera (and loads photos.js).
    await page.getByTestId('card-photo').tap();
    await page.getByTestId('card-photo-shoot').waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector('[data-testid="card-photo-shoot"]').disabled, null, { timeout: 20_000 });
    // Given to the page as a script of the test's (the page's policy allows no eval).
    await page.evaluate(`self.zsBenchPicture = ${pictureFile.toString()}`);
    for (const kind of ['camera', 'card', 'noise']) {
      const runs = await page.evaluate(async ({ kind, n }) => {
        const file = kind === 'camera' ? null : await self.zsBenchPicture(kind);
        const out = [];
        for (let i = 0; i < n; i++) {
          const tapped = performance.now();
          const photo = kind === 'camera' ? await zsPhotos.shoot() : await zsPhotos.fromFile(file);
          const total = performance.now() - tapped;
          const started = performance.now();
          await zsPhotos.keep(`bench-${kind}-${i}`, 'front', photo.id);
          out.push({ size: photo.size, width: photo.width, height: photo.height, prepare_ms: photo.ms, total_ms: total, keep_ms: performance.now() - started });
        }
        return out;
      }, { kind, n });
      const sizes = runs.map((r) => r.size);
      const prepare = runs.map((r) => r.prepare_ms);
      const keep = runs.map((r) => r.keep_ms);
      const total = runs.map((r) => r.total_ms);
      const summary = {
        width: runs[0].width, height: runs[0].height,
        size_bytes_min: Math.min(...sizes), size_bytes_max: Math.max(...sizes),
        prepare_ms_p50: percentile(prepare, 50), prepare_ms_p95: percentile(prepare, 95),
        total_ms_p50: percentile(total, 50), total_ms_p95: percentile(total, 95),
        keep_ms_p50: percentile(keep, 50), keep_ms_p95: percentile(keep, 95),
        within_bound: sizes.every((s) => s <= MAX_BYTES), runs,
      };
      result.kinds[kind] = summary;
      console.log(`${kind}: ${summary.width} × ${summary.height}, ${(summary.size_bytes_min / 1024).toFixed(0)}–${(summary.size_bytes_max / 1024).toFixed(0)} KiB `
        + `(≤ 300 KiB: ${summary.within_bound ? 'met' : 'NOT met'}); to JPEG + SHA-256 p50 ${summary.prepare_ms_p50.toFixed(0)} ms, p95 ${summary.prepare_ms_p95.toFixed(0)} ms `
        + `(with reading the picture p50 ${summary.total_ms_p50.toFixed(0)} ms, p95 ${summary.total_ms_p95.toFixed(0)} ms); `
        + `kept (strict durability) p50 ${summary.keep_ms_p50.toFixed(1)} ms, p95 ${summary.keep_ms_p95.toFixed(1)} ms`);
    }
    await browser.close();
  } finally {
    await server.kill();
  }
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench-results', 'photo.json'), JSON.stringify(result, null, 2));
}

main().catch((error) => { console.error(error); process.exit(1); });
