// Simplified Chinese by default, English on request, and the choice survives reloads, including
// reloads served by the service worker with the server gone.
import { appReady, expect, offlineReady, test } from '../support/fixtures';

test('Chinese by default; the English toggle is remembered across reloads, online and offline', async ({ page, server }) => {
  await page.goto('/');
  await appReady(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('h1')).toHaveText('录入线索');
  await expect(page.locator('label[for="f-company_name"]')).toContainText('企业名称');

  await page.getByTestId('lang-toggle').tap();
  await expect(page.locator('h1')).toHaveText('Capture a lead');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.reload();
  await appReady(page);
  await expect(page.locator('h1')).toHaveText('Capture a lead');
  await expect(page.locator('label[for="f-company_name"]')).toContainText('Company');

  // Offline, from the cache, in English, and hydration still works (the form validates).
  await offlineReady(page);
  await server.kill();
  await page.reload();
  await appReady(page);
  await expect(page.locator('h1')).toHaveText('Capture a lead');
  await page.getByTestId('save').tap();
  await expect(page.locator('#err-company_name')).toHaveText('Required');

  // And back to Chinese, still offline.
  await page.getByTestId('lang-toggle').tap();
  await page.reload();
  await appReady(page);
  await expect(page.locator('h1')).toHaveText('录入线索');
});
