// Scanning at the booth: a business card's QR code read by the tablet's back camera (Chromium's
// fake camera playing a video of the code) fills the form for the officer to check and save, also
// offline once the reader has loaded; where there is no camera, a photo of the code does the same;
// nothing the officer typed is overwritten.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { appReady, cameraTablet, expect, expectOnScreenAndUncovered, offlineReady, test } from '../support/fixtures';
import { writeQrPng, writeQrVideo } from '../support/qr.cjs';

const VCARD = [
  'BEGIN:VCARD', 'VERSION:3.0', 'N:欧阳;晓明;;;', 'FN:欧阳晓明', 'ORG:成都天府智造科技有限公司;投资发展部',
  'TITLE:投资总监', 'TEL;TYPE=CELL:+86 138-0013-8000', 'TEL;TYPE=WORK:028-8888 6666', 'EMAIL:ouyang@tfzz.cn',
  'URL:https://www.tfzz.cn', 'END:VCARD',
].join('\r\n');

const MECARD = 'MECARD:N:陈,静;ORG:重庆两江新能源集团;TEL:13912345678;EMAIL:chenjing@ljny.com;NOTE:西博会新能源馆B12;;';


function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'zs-scan-'));
}

test('a vCard QR code read by the back camera fills the form, is saved as checked, and scanning works offline', async ({ server }, testInfo) => {
  const dir = tempDir();
  const video = path.join(dir, 'card.y4m');
  writeQrVideo(video, VCARD, { blankFrames: 5 });
  const { browser, page } = await cameraTablet(server.url, video);
  try {
    await page.goto('/');
    await appReady(page);
    await offlineReady(page);
    await page.fill('#f-event', '第十九届西博会');

    await page.getByTestId('scan').tap();
    await expect(page.locator('#f-company_name')).toHaveValue('成都天府智造科技有限公司', { timeout: 15_000 });
    await expect(page.locator('#f-contact_name')).toHaveValue('欧阳晓明');
    await expect(page.locator('#f-contact_title')).toHaveValue('投资总监');
    await expect(page.locator('#f-mobile')).toHaveValue('13800138000');
    await expect(page.locator('#f-email')).toHaveValue('ouyang@tfzz.cn');
    await expect(page.locator('#f-event')).toHaveValue('第十九届西博会');
    // Each filled field is marked for the officer to check; a field they edit loses its mark.
    await expect(page.getByTestId('scanned-mark')).toHaveCount(5);
    await expect(page.locator('.field:has(#f-contact_title) [data-testid="scanned-mark"]')).toHaveText('自动填入，请核对');
    await page.fill('#f-contact_title', '投资发展部总监');
    await expect(page.getByTestId('scanned-mark')).toHaveCount(4);
    // The department, the landline and the website are kept in the notes, shown under "more".
    await expect(page.locator('#f-notes')).toBeVisible();
    await expect(page.locator('#f-notes')).toHaveValue(/投资发展部/);
    await expect(page.locator('#f-notes')).toHaveValue(/028/);
    await expect(page.getByTestId('scan-dialog')).toBeHidden();
    const toast = page.getByTestId('toast').first();
    await expect(toast).toContainText('已从二维码填入');
    await expect(toast).toContainText('手机');
    await expectOnScreenAndUncovered(page, toast);
    await page.screenshot({ path: testInfo.outputPath('scan-filled-zh.png') });

    // The officer checks, asks consent, and saves as always.
    await page.check('#f-consent');
    await page.getByTestId('save').tap();
    await expect(page.getByTestId('toast').last()).toContainText('成都天府智造科技有限公司');
    await expect(page.locator('#f-company_name')).toHaveValue('');
    await expect(page.getByTestId('scanned-mark')).toHaveCount(0);

    // Without the server: the reader loaded once and is kept for offline use.
    await server.kill();
    await page.reload();
    await appReady(page);
    await page.getByTestId('scan').tap();
    await expect(page.locator('#f-company_name')).toHaveValue('成都天府智造科技有限公司', { timeout: 15_000 });
    await expect(page.locator('#f-mobile')).toHaveValue('13800138000');
  } finally {
    await browser.close();
  }
});

test('the dialog shows the camera while it looks, and closing it stops the camera', async ({ server }, testInfo) => {
  const dir = tempDir();
  const video = path.join(dir, 'blank.y4m');
  writeQrVideo(video, VCARD, { blankFrames: 20, frames: 20 }); // the code never shows
  for (const [locale, viewport, name] of [['zh-CN', { width: 1180, height: 820 }, 'zh'], ['en', { width: 820, height: 1180 }, 'en']] as const) {
    const { browser, page } = await cameraTablet(server.url, video, locale, viewport);
    try {
      await page.goto('/');
      await appReady(page);
      if (locale === 'en') {
        await page.getByTestId('lang-toggle').tap();
        await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      }
      await page.getByTestId('scan').tap();
      const status = page.getByTestId('scan-status');
      await expect(status).toHaveText(locale === 'en' ? /Hold the QR code/ : /二维码放在框内/);
      await expect(page.getByTestId('scan-dialog').locator('video')).toBeVisible();
      await expectOnScreenAndUncovered(page, page.getByTestId('scan-cancel'));
      await expectOnScreenAndUncovered(page, status);
      await page.screenshot({ path: testInfo.outputPath(`scan-watching-${name}.png`) });
      // The dialog holds the focus; Escape closes it as the close button does.
      await expect(page.getByTestId('scan-cancel')).toBeFocused();
      if (locale === 'en') await page.keyboard.press('Escape');
      else await page.getByTestId('scan-cancel').tap();
      await expect(page.getByTestId('scan-dialog')).toBeHidden();
      expect(await page.getByTestId('scan-dialog').locator('video').evaluate((v: HTMLVideoElement) => v.srcObject)).toBeNull();
      await expect(page.locator('#f-company_name')).toHaveValue('');
    } finally {
      await browser.close();
    }
  }
});

test('without a camera the officer is told so, and a photo of the code fills only what was not typed', async ({ server }, testInfo) => {
  const dir = tempDir();
  const photo = path.join(dir, 'badge.png');
  writeQrPng(photo, MECARD);
  const { browser, page } = await cameraTablet(server.url, null);
  try {
    await page.goto('/');
    await appReady(page);
    // The officer had typed a mobile already: it stays, the scanned one goes to the notes.
    await page.fill('#f-mobile', '13600000000');

    await page.getByTestId('scan').tap();
    const status = page.getByTestId('scan-status');
    await expect(status).toContainText('从照片识别');
    await expectOnScreenAndUncovered(page, status);
    await page.screenshot({ path: testInfo.outputPath('scan-no-camera-zh.png') });

    await page.getByTestId('scan-photo').setInputFiles(photo);
    await expect(page.locator('#f-company_name')).toHaveValue('重庆两江新能源集团', { timeout: 15_000 });
    await expect(page.locator('#f-contact_name')).toHaveValue('陈静');
    await expect(page.locator('#f-email')).toHaveValue('chenjing@ljny.com');
    await expect(page.locator('#f-mobile')).toHaveValue('13600000000');
    await expect(page.locator('#f-notes')).toHaveValue(/13912345678/);
    await expect(page.locator('#f-notes')).toHaveValue(/西博会新能源馆B12/);
    await expect(page.getByTestId('toast')).toContainText('已从二维码填入');
    await expect(page.getByTestId('toast')).toContainText('与已填内容不同的手机没有覆盖，已放入备注');
    await expectOnScreenAndUncovered(page, page.getByTestId('toast'));
    await page.screenshot({ path: testInfo.outputPath('scan-photo-kept-zh.png') });

    // A photo with no code in it is said so, and changes nothing.
    const before = await page.locator('#f-notes').inputValue();
    const empty = path.join(dir, 'table.png');
    writeQrPng(empty, 'x', { width: 400, height: 300, scale: 0 });
    await page.getByTestId('scan').tap();
    await page.getByTestId('scan-photo').setInputFiles(empty);
    await expect(status).toContainText('没有找到');
    await expect(page.locator('#f-notes')).toHaveValue(before);
  } finally {
    await browser.close();
  }
});
