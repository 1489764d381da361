// A photo of the business card kept with the lead: taken with the tablet's back camera (Chromium's
// fake camera playing a video) or picked from the photos, compressed on the tablet to at most
// 300 KiB, kept offline across a reload, uploaded once the lead has synced, and shown on the
// manager's page of the lead; the dialog's messages stay on screen in both languages.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Page } from '@playwright/test';

import { appReady, cameraTablet, expect, expectOnScreenAndUncovered, logInOnTablet, offlineReady, test, workspaceDesk } from '../support/fixtures';
import { addUser } from '../support/server';
import { writePng, writeQrVideo } from '../support/qr.cjs';

const PASSWORD = 'a long enough password';
const MAX_BYTES = 300 * 1024;


/** A PNG of random colours (a photo no JPEG compresses well): the worst case for the size bound. */
function writeNoisePng(file: string, width: number, height: number): void {
  writePng(file, width, height, 3, crypto.randomBytes(width * height * 3));
}

/** The photos the tablet keeps, as `photos.js` lists those waiting for the server. */
async function waitingPhotos(page: Page): Promise<{ lead: string; side: string; sha256: string; size: number }[]> {
  return page.evaluate(() => (globalThis as any).zsPhotos.waiting());
}

async function imageLoaded(locator: ReturnType<Page['locator']>): Promise<void> {
  await expect.poll(() => locator.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
}

test('a card photographed offline is kept across a reload, uploads once the lead has synced, and the manager sees it', async ({ server }, testInfo) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'wang.fang', 'manager', PASSWORD);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-photo-'));
  const video = path.join(dir, 'card.y4m');
  writeQrVideo(video, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:周雨桐\r\nEND:VCARD', { width: 1280, height: 720, frames: 10 });
  const back = path.join(dir, 'back.png');
  writeNoisePng(back, 2400, 1500);
  const { browser, page } = await cameraTablet(server.url, video);
  try {
    await logInOnTablet(page, 'li.wei', PASSWORD);
    await offlineReady(page);
    await page.context().setOffline(true);

    // The front from the camera.
    await page.fill('#f-company_name', '眉山东坡泡菜产业园');
    await page.fill('#f-contact_name', '周雨桐');
    await page.fill('#f-mobile', '13550001234');
    await page.getByTestId('card-photo').tap();
    const shoot = page.getByTestId('card-photo-shoot');
    await expect(shoot).toBeEnabled({ timeout: 15_000 });
    await expectOnScreenAndUncovered(page, shoot);
    await page.screenshot({ path: testInfo.outputPath('photo-camera-zh.png') });
    await shoot.tap();
    await expect(page.getByTestId('card-photo-dialog')).toBeHidden();
    await imageLoaded(page.getByTestId('card-photo-front').locator('img'));
    // The back from the photos: a 2400 × 1500 picture of noise, the hardest to compress.
    await expect(page.getByTestId('card-photo')).toHaveText('拍背面');
    await page.getByTestId('card-photo').tap();
    await page.getByTestId('card-photo-file').setInputFiles(back);
    await imageLoaded(page.getByTestId('card-photo-back').locator('img'));
    await expect(page.getByTestId('card-photo')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('photo-taken-zh.png'), fullPage: true });

    await page.check('#f-consent');
    await page.getByTestId('save').tap();
    await expect(page.getByTestId('toast').last()).toContainText('眉山东坡泡菜产业园');
    await expect(page.getByTestId('card-photos')).toBeHidden();

    const kept = await waitingPhotos(page);
    expect(kept.map((p) => p.side).sort()).toEqual(['back', 'front']);
    for (const photo of kept) {
      expect(photo.size).toBeGreaterThan(1000);
      expect(photo.size).toBeLessThanOrEqual(MAX_BYTES);
    }

    // Offline, after a reload: the lead's edit screen shows both photos, not yet uploaded.
    await page.reload();
    await appReady(page);
    await page.goto('/leads');
    await appReady(page);
    await page.getByTestId('lead-row').first().locator('a').first().click();
    await expect(page).toHaveURL(/\/edit\?id=/);
    const id = new URL(page.url()).searchParams.get('id')!;
    // Front first, as taken.
    await expect(page.getByTestId('card-photos').locator('figure')).toHaveCount(2);
    expect(await page.getByTestId('card-photos').locator('figure').evaluateAll((all) => all.map((f) => f.dataset.testid)))
      .toEqual(['card-photo-front', 'card-photo-back']);
    for (const side of ['front', 'back']) {
      const figure = page.getByTestId(`card-photo-${side}`);
      await imageLoaded(figure.locator('img'));
      await expect(figure.getByTestId('card-photo-state')).toHaveText('待上传');
    }
    await page.screenshot({ path: testInfo.outputPath('photo-edit-offline-zh.png'), fullPage: true });

    // Online: the lead syncs, then its photos, once.
    await page.context().setOffline(false);
    await page.goto('/leads');
    await appReady(page);
    await page.getByTestId('sync-now').tap();
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
    await expect.poll(async () => (await waitingPhotos(page)).length, { timeout: 15_000 }).toBe(0);
    await page.goto(`/edit?id=${id}`);
    await appReady(page);
    await expect(page.getByTestId('card-photo-front').getByTestId('card-photo-state')).toHaveText('已上传');

    const manager = await workspaceDesk(browser, server.url, { user: 'wang.fang', password: PASSWORD, next: `/manage/leads/${id}` });
    for (const photo of kept) {
      await imageLoaded(manager.getByTestId(`photo-${photo.side}`).locator('img'));
      const served = await manager.request.get(`/manage/leads/${id}/photos/${photo.side}`);
      expect(served.status()).toBe(200);
      expect(crypto.createHash('sha256').update(await served.body()).digest('hex')).toBe(photo.sha256);
    }
    await manager.screenshot({ path: testInfo.outputPath('photo-manager-zh.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});

test('without a camera the dialog says so on screen, in both languages, and a picked photo still goes with the lead', async ({ server }, testInfo) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-photo-'));
  const picked = path.join(dir, 'card.png');
  writeNoisePng(picked, 900, 540);
  for (const [locale, viewport, name] of [['zh-CN', { width: 1180, height: 820 }, 'zh'], ['en', { width: 820, height: 1180 }, 'en']] as const) {
    const { browser, page } = await cameraTablet(server.url, null, locale, viewport);
    try {
      await page.goto('/');
      await appReady(page);
      if (locale === 'en') {
        await page.getByTestId('lang-toggle').tap();
        await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      }
      await page.getByTestId('card-photo').tap();
      const status = page.getByTestId('card-photo-status');
      await expect(status).toContainText(locale === 'en' ? 'Choose a photo' : '从相册选');
      await expect(page.getByTestId('card-photo-shoot')).toBeHidden();
      await expectOnScreenAndUncovered(page, status);
      await expectOnScreenAndUncovered(page, page.getByTestId('card-photo-cancel'));
      await expect(page.getByTestId('card-photo-cancel')).toBeFocused();
      await page.screenshot({ path: testInfo.outputPath(`photo-no-camera-${name}.png`) });

      await page.getByTestId('card-photo-file').setInputFiles(picked);
      await expect(page.getByTestId('card-photo-dialog')).toBeHidden();
      const front = page.getByTestId('card-photo-front');
      await imageLoaded(front.locator('img'));
      await expectOnScreenAndUncovered(page, front.getByTestId('card-photo-remove'));
      await page.screenshot({ path: testInfo.outputPath(`photo-picked-${name}.png`) });
      // Removed before saving, it is forgotten.
      await front.getByTestId('card-photo-remove').tap();
      await expect(page.getByTestId('card-photos')).toBeHidden();
      await expect(page.getByTestId('card-photo')).toHaveText(locale === 'en' ? 'Photograph card' : '拍名片');
    } finally {
      await browser.close();
    }
  }
});
