// Reading a business card on the tablet: the officer photographs a card (Chromium's fake camera
// playing a generated card) and its printed text fills the form, read on the tablet by PaddleOCR's
// models in a worker; the reader downloads once, then works offline; the officer corrects a field
// and saves.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { appReady, cameraTablet, expect, expectOnScreenAndUncovered, launchChromium, logInOnTablet, offlineReady, test } from '../support/fixtures';
import { drawCard, SAMPLE_CARD, writeY4m } from '../support/cards';
import { writePng } from '../support/qr.cjs';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

test('a photographed card fills the form, offline too once the reader has loaded, and the officer corrects and saves', async ({ server }, testInfo) => {
  test.setTimeout(180_000);
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-card-'));
  const video = path.join(dir, 'card.y4m');
  const painter = await launchChromium();
  writeY4m(video, await drawCard(painter, SAMPLE_CARD), 1280, 720);
  await painter.close();

  const { browser, page } = await cameraTablet(server.url, video);
  const context = page.context();
  try {
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

test('in English on a portrait tablet the reading says what it does, and its toast and marks are on screen', async ({ server }, testInfo) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-card-'));
  const video = path.join(dir, 'card.y4m');
  const painter = await launchChromium();
  writeY4m(video, await drawCard(painter, SAMPLE_CARD), 1280, 720);
  await painter.close();
  const { browser, page } = await cameraTablet(server.url, video, 'en', { width: 820, height: 1180 });
  try {
    await page.goto('/');
    await appReady(page);
    await page.getByTestId('lang-toggle').tap();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // The officer had typed the company's short name: it stays, the card's goes to the notes.
    await page.fill('#f-company_name', '天府智造');
    await page.getByTestId('card-photo').tap();
    await expect(page.getByTestId('card-photo-shoot')).toBeEnabled({ timeout: 15_000 });
    await expectOnScreenAndUncovered(page, page.getByTestId('card-photo-shoot'));
    await page.screenshot({ path: testInfo.outputPath('card-camera-en.png') });
    await page.getByTestId('card-photo-shoot').tap();
    await expect(page.getByTestId('card-photo-status')).toContainText(/Downloading the card reader|Reading the card/);
    await page.screenshot({ path: testInfo.outputPath('card-reading-en.png') });
    await expect(page.locator('#f-contact_name')).toHaveValue('欧阳晓明', { timeout: 90_000 });
    await expect(page.locator('#f-company_name')).toHaveValue('天府智造');
    const toast = page.getByTestId('toast').last();
    await expect(toast).toContainText('Read from the card');
    await expect(toast).toContainText('kept');
    await expectOnScreenAndUncovered(page, toast);
    await expect(page.locator('#f-notes')).toHaveValue(/成都天府智造科技有限公司/);
    await expect(page.locator('.field:has(#f-contact_name) [data-testid="scanned-mark"]')).toHaveText('filled in for you: check it');
    await page.screenshot({ path: testInfo.outputPath('card-read-en.png') });
  } finally {
    await browser.close();
  }
});

test('a photo picked from the album while the camera is still failing to open is read all the same', async ({ page, server }, testInfo) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-card-'));
  const picked = path.join(dir, 'card.png');
  const painter = await launchChromium();
  writePng(picked, 1280, 720, 4, await drawCard(painter, SAMPLE_CARD));
  await painter.close();
  // A camera that answers late, and with a refusal (a permission prompt left open, a camera
  // another app holds): the officer has picked the card from the album meanwhile.
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      new Promise((_, reject) => setTimeout(() => reject(new DOMException('no camera', 'NotFoundError')), 1_000));
  });
  await page.goto('/');
  await appReady(page);
  await page.getByTestId('card-photo').tap();
  await page.getByTestId('card-photo-file').setInputFiles(picked);
  await expect(page.locator('#f-company_name')).toHaveValue('成都天府智造科技有限公司', { timeout: 90_000 });
  await expect(page.locator('#f-contact_name')).toHaveValue('欧阳晓明');
  await expect(page.getByTestId('card-photo-dialog')).toBeHidden();
  await expect(page.getByTestId('card-photo-front')).toBeVisible();
  // The camera's refusal came while the card was read: nothing says there is no camera.
  const toast = page.getByTestId('toast').last();
  await expect(toast).toContainText('已从名片照片识别填入');
  await expectOnScreenAndUncovered(page, toast);
  await expect(page.getByText('没有可用的相机')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('card-read-album-zh.png') });
});
