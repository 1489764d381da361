// Reading a business card on the tablet: the officer photographs a card (Chromium's fake camera
// playing a generated card) and its printed text fills the form, read on the tablet by PaddleOCR's
// models in a worker; the reader downloads once, then works offline; the officer corrects a field
// and saves.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Browser, chromium } from '@playwright/test';

import { appReady, expect, expectOnScreenAndUncovered, logInOnTablet, offlineReady, test } from '../support/fixtures';
import { drawCard, SAMPLE_CARD, writeY4m } from '../support/cards';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

test('a photographed card fills the form, offline too once the reader has loaded, and the officer corrects and saves', async ({ server }, testInfo) => {
  test.setTimeout(180_000);
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  const launch = (args: string[] = []) => chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-card-'));
  const video = path.join(dir, 'card.y4m');
  const painter = await launch();
  writeY4m(video, await drawCard(painter, SAMPLE_CARD), 1280, 720);
  await painter.close();

  const browser: Browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  try {
    const context = await browser.newContext({
      baseURL: server.url, viewport: { width: 1180, height: 820 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2, locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai', serviceWorkers: 'allow', permissions: ['camera'],
    });
    const page = await context.newPage();
    await logInOnTablet(page, 'li.wei', PASSWORD);
    await offlineReady(page);

    const photograph = async () => {
      await page.getByTestId('card-photo').tap();
      const shoot = page.getByTestId('card-photo-shoot');
      await expect(shoot).toBeEnabled({ timeout: 15_000 });
      await shoot.tap();
    };

    // The first card: the reader downloads (a progress bar), then reads.
    await photograph();
    await expect(page.getByTestId('card-photo-status')).toContainText(/下载名片识别|识别名片/);
    await expectOnScreenAndUncovered(page, page.getByTestId('card-photo-status'));
    await page.screenshot({ path: testInfo.outputPath('card-reading-zh.png') });
    await expect(page.locator('#f-company_name')).toHaveValue('成都天府智造科技有限公司', { timeout: 90_000 });
    await expect(page.locator('#f-contact_name')).toHaveValue('欧阳晓明');
    await expect(page.locator('#f-mobile')).toHaveValue('13800138000');
    await expect(page.locator('#f-email')).toHaveValue('ouyang@tfzz.cn');
    await expect(page.getByTestId('card-photo-dialog')).toBeHidden();
    const toast = page.getByTestId('toast').last();
    await expect(toast).toContainText('已从名片照片识别填入');
    await expectOnScreenAndUncovered(page, toast);
    // Each filled field is marked for the officer to check.
    await expect(page.locator('.field:has(#f-company_name) [data-testid="scanned-mark"]')).toHaveText('自动填入，请核对');
    await expect(page.getByTestId('card-photo-front')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('card-read-zh.png') });
    await page.check('#f-consent');
    await page.getByTestId('save').tap();
    await expect(page.locator('#f-company_name')).toHaveValue('');

    // Offline, after a reload: the reader comes from the tablet's cache.
    await context.setOffline(true);
    await page.reload();
    await appReady(page);
    await photograph();
    await expect(page.locator('#f-company_name')).toHaveValue('成都天府智造科技有限公司', { timeout: 60_000 });
    await expect(page.locator('#f-contact_name')).toHaveValue('欧阳晓明');
    await expect(page.locator('#f-mobile')).toHaveValue('13800138000');
    // The officer corrects the title the card gave, and saves.
    await page.fill('#f-contact_title', '投资总监');
    await expect(page.locator('.field:has(#f-contact_title) [data-testid="scanned-mark"]')).toHaveCount(0);
    await page.check('#f-consent');
    await page.getByTestId('save').tap();
    await expect(page.locator('#f-company_name')).toHaveValue('');
    await page.goto('/leads');
    await appReady(page);
    await expect(page.getByTestId('lead-row')).toHaveCount(2);
    await expect(page.getByTestId('lead-row').first()).toContainText('欧阳晓明');
  } finally {
    await browser.close();
  }
});
