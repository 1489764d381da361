// Accessibility of the manager workspace: every page, filled with the demo's data, passes axe-core's
// WCAG 2.1 A and AA rules in Chinese and in English; on a manager's tablet in portrait the lead
// table's filters fold away behind a switch and its first column stays in view while the table
// scrolls sideways.
import * as fs from 'node:fs';

import AxeBuilder from '@axe-core/playwright';
import { Page } from '@playwright/test';

import { appReady, expect, test } from '../support/fixtures';
import { writeQrPng } from '../support/qr.cjs';
import { addUser, loadDemo } from '../support/server';

const PASSWORD = 'a long enough password';

const PAGES = [
  '/manage/leads',
  '/manage/overdue',
  '/manage/duplicates',
  '/manage/dashboard',
  '/manage/targets',
  '/manage/events',
  '/manage/devices',
  '/manage/users',
  '/manage/withdrawn',
  '/manage/reassign',
];

async function logInAsAdmin(page: Page): Promise<void> {
  await page.goto('/login?next=/manage/leads');
  await appReady(page);
  await page.fill('#f-username', 'sun.admin');
  await page.fill('#f-password', PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/manage\/leads$/);
}

test('workspace pages have no axe-core violations in either language', async ({ page, server, context }) => {
  test.setTimeout(120_000);
  await loadDemo(server, 200);
  await addUser(server, 'sun.admin', 'admin', PASSWORD);
  await logInAsAdmin(page);
  await page.locator('td.company a').first().click();
  await expect(page).toHaveURL(/\/manage\/leads\/[0-9a-f-]+$/);
  const leadPage = new URL(page.url()).pathname;

  const failures: string[] = [];
  for (const lang of ['zh-CN', 'en']) {
    await context.addCookies([{ name: 'zs_lang', value: lang, url: server.url }]);
    for (const path of [...PAGES, leadPage, `${leadPage}/edit`]) {
      await page.goto(path);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      for (const v of results.violations) {
        failures.push(`${lang} ${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }
    }
  }
  expect(failures).toEqual([]);
});

test('on a portrait tablet the lead filters fold away and the company column stays in view', async ({ page, server }) => {
  await loadDemo(server, 60);
  await addUser(server, 'sun.admin', 'admin', PASSWORD);
  await page.setViewportSize({ width: 820, height: 1180 });
  await logInAsAdmin(page);

  const industry = page.locator('select[name="industry"]');
  await expect(page.getByTestId('filters-toggle')).toBeVisible();
  await expect(industry).toBeHidden();
  await expect(page.locator('input[name="q"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/leads-portrait-folded-zh.png' });
  await page.getByTestId('filters-toggle').click();
  await expect(industry).toBeVisible();
  await industry.selectOption('food_beverage');
  await page.getByTestId('apply-filters').click();
  // A filter in use keeps the filters open, and the switch counts it.
  await expect(industry).toBeVisible();
  await expect(page.getByTestId('filters-toggle')).toContainText('1');

  // Scrolled to its right end, the table still shows which company each row is.
  const wrap = page.locator('.table-wrap').first();
  await wrap.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  const company = page.locator('td.company').first();
  const box = (await company.boundingBox())!;
  const frame = (await wrap.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(frame.x - 1);
  expect(box.x + box.width).toBeLessThanOrEqual(frame.x + frame.width);
  await page.screenshot({ path: 'test-results/screens/leads-portrait-scrolled-zh.png' });

  // On a landscape screen the filters are all there without the switch.
  await page.setViewportSize({ width: 1180, height: 820 });
  await expect(page.getByTestId('filters-toggle')).toBeHidden();
  await expect(industry).toBeVisible();
});

test('tablet screens have no axe-core violations in either language, with errors shown, "more" open and the scan dialog open', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  fs.mkdirSync(testInfo.outputDir, { recursive: true });
  const cardPng = testInfo.outputPath('card.png');
  writeQrPng(cardPng, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:李明\r\nEND:VCARD');
  const failures: string[] = [];
  const audit = async (label: string) => {
    // WCAG 2.1 A and AA, and axe's best practices (every part of the page inside a landmark…).
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    for (const v of results.violations) {
      failures.push(`${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }
  };
  for (const lang of ['zh-CN', 'en']) {
    await page.goto('/');
    await appReady(page);
    // The officer's choice, as they make it (a page from the service worker's cache follows it).
    if (lang === 'en') await page.getByTestId('lang-toggle').tap();
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await audit(`${lang} /`);
    // Every error shown, and "more" open.
    await page.fill('#f-mobile', '12');
    await page.getByTestId('save').tap();
    await expect(page.locator('#err-company_name')).toBeVisible();
    await page.getByTestId('more-toggle').tap();
    await audit(`${lang} / with errors and more`);
    await page.getByTestId('scan').tap();
    await expect(page.getByTestId('scan-status')).not.toBeEmpty();
    await audit(`${lang} / scan dialog`);
    await page.getByTestId('scan-cancel').tap();
    // The card photo's dialog (no camera here: its message and the photo picker), then a photo
    // in the form.
    await page.getByTestId('card-photo').tap();
    await expect(page.getByTestId('card-photo-status')).not.toBeEmpty();
    await audit(`${lang} / card photo dialog`);
    await page.getByTestId('card-photo-file').setInputFiles(cardPng);
    await expect(page.getByTestId('card-photo-front')).toBeVisible();
    await audit(`${lang} / with a card photo`);
    // A lead to list and edit (with its photo).
    await page.fill('#f-company_name', '成都无障碍测试有限公司');
    await page.fill('#f-contact_name', '李明');
    await page.fill('#f-mobile', '13800138000');
    await page.check('#f-consent');
    await page.getByTestId('save').tap();
    await expect(page.locator('#f-company_name')).toHaveValue('');
    await page.goto('/leads');
    await appReady(page);
    await audit(`${lang} /leads`);
    await page.getByTestId('lead-row').first().locator('a').first().click();
    await expect(page).toHaveURL(/\/edit/);
    await appReady(page);
    await audit(`${lang} /edit`);
    await page.goto('/login');
    await appReady(page);
    await audit(`${lang} /login`);
  }
  expect(failures).toEqual([]);
});
