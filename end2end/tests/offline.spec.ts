// The tablet keeps working with the server gone: after one online visit the service worker serves
// the app, and leads are captured, listed and edited from the tablet's own store.
import { appReady, captureAndConfirm, expect, offlineReady, test } from '../support/fixtures';

test('with the server process killed, the app reloads, captures three leads, keeps them and edits one', async ({ page, server }) => {
  await page.goto('/');
  await appReady(page);
  await offlineReady(page);

  await server.kill();
  expect(server.running).toBe(false);
  // A stopped server is not "offline" to the browser: it still believes it has a network.
  expect(await page.evaluate(() => navigator.onLine)).toBe(true);

  const reload = await page.reload();
  expect(reload?.fromServiceWorker()).toBe(true);
  await appReady(page);

  const companies = ['雁江预制菜产业园', '资阳航空食品', '川渝冷链物流'];
  for (const [i, company] of companies.entries()) {
    await captureAndConfirm(page, { company, contact: `联系人${i + 1}`, mobile: `1390000000${i}`, event: '西博会' });
  }

  await page.reload();
  await appReady(page);
  await page.getByTestId('nav-leads').tap();
  await appReady(page);
  await expect(page.getByTestId('lead-row')).toHaveCount(3);
  expect((await page.locator('[data-testid="lead-row"] .company').allTextContents()).sort()).toEqual([...companies].sort());

  // Edit one, still without a server.
  await page.getByTestId('lead-row').filter({ hasText: '资阳航空食品' }).locator('a').tap();
  await appReady(page);
  await expect(page.locator('#f-company_name')).toHaveValue('资阳航空食品');
  await page.fill('#f-contact_title', '采购总监');
  await page.getByTestId('save').tap();
  await expect(page).toHaveURL(/\/leads$/);

  // The server comes back; nothing was lost and the edit is there.
  await server.start();
  await page.goto('/edit?id=' + (await leadIdOf(page, '资阳航空食品')));
  await appReady(page);
  await expect(page.locator('#f-contact_title')).toHaveValue('采购总监');
  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('lead-row')).toHaveCount(3);
});

test('with the network cut (setOffline), a cold reload comes from the service worker', async ({ page, context }) => {
  await page.goto('/leads');
  await appReady(page);
  await offlineReady(page);
  await context.setOffline(true);

  const reload = await page.reload();
  expect(reload?.fromServiceWorker()).toBe(true);
  await appReady(page);
  await expect(page.getByTestId('net-status')).toHaveText('离线');

  await page.getByTestId('nav-capture').tap();
  await appReady(page);
  await captureAndConfirm(page, { company: '离线录入测试企业', contact: '刘洋', mobile: '13700000000' });
  await context.setOffline(false);
  await expect(page.getByTestId('net-status')).toHaveText('在线');
});

async function leadIdOf(page: import('@playwright/test').Page, company: string): Promise<string> {
  const href = await page.getByTestId('lead-row').filter({ hasText: company }).locator('a').getAttribute('href');
  return new URL(href ?? '', 'http://x').searchParams.get('id') ?? '';
}
