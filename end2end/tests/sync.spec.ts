// Leads captured with the server down reach it by themselves once it is back; a session that ends
// while the tablet is offline costs nothing: the officer logs in again and the sync resumes.
import { Page } from '@playwright/test';

import { appReady, captureAndConfirm, expect, offlineReady, test } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

/** Opens the login page and logs in. */
async function logIn(page: Page, name: string): Promise<void> {
  await page.goto('/login');
  await submitLogin(page, name);
}

/** Logs in on the login page already open. */
async function submitLogin(page: Page, name: string): Promise<void> {
  await expect(page).toHaveURL(/\/login$/);
  await appReady(page);
  await page.fill('#f-username', name);
  await page.fill('#f-password', PASSWORD);
  await page.getByTestId('login-submit').tap();
  await expect(page).toHaveURL(/\/$/);
  await appReady(page);
}

const pending = (page: Page) => page.getByTestId('sync-pending');

test('leads captured while the server is down sync by themselves within 35 s and a manager sees them', async ({ page, server, request }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'wang.fang', 'manager', PASSWORD);
  await logIn(page, 'li.wei');
  await offlineReady(page);
  await expect(page.getByTestId('officer')).toHaveText('li.wei');
  await expect(pending(page)).toHaveAttribute('data-pending', '0');

  await server.kill();
  const companies = ['资阳临空食品', '雁江康养中心', '西部冷链仓储'];
  for (const [i, company] of companies.entries()) {
    await captureAndConfirm(page, { company, contact: `联系人${i}`, mobile: `1370000000${i}`, event: '西博会' });
  }
  await expect(pending(page)).toHaveAttribute('data-pending', '3');
  await expect(pending(page)).toHaveText('待同步 3 条');

  await server.start();
  await expect(pending(page)).toHaveAttribute('data-pending', '0', { timeout: 35_000 });
  await expect(page.getByTestId('sync-last')).toContainText('上次同步');

  const login = await request.post(`${server.url}/api/v1/login`, { data: { username: 'wang.fang', password: PASSWORD } });
  expect(login.status()).toBe(200);
  const { token } = await login.json();
  const leads = await request.get(`${server.url}/api/v1/leads`, { headers: { authorization: `Bearer ${token}` } });
  expect(leads.status()).toBe(200);
  const names = (await leads.json()).map((l: { lead: { company_name: string } }) => l.lead.company_name).sort();
  expect(names).toEqual([...companies].sort());
  const owners = new Set((await leads.json()).map((l: { lead: { captured_by: string } }) => l.lead.captured_by));
  expect([...owners]).toEqual(['li.wei']);
});

test('a session that ended while offline keeps the outbox; after logging in again the sync resumes', async ({ page, server, context }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await logIn(page, 'li.wei');
  await offlineReady(page);

  // The session ends (logged out elsewhere, expired) while the tablet is offline.
  await page.evaluate(() => fetch('/api/v1/logout', { method: 'POST' }));
  await context.setOffline(true);
  await captureAndConfirm(page, { company: '离线期间的企业甲', contact: '甲', mobile: '13600000001' });
  await captureAndConfirm(page, { company: '离线期间的企业乙', contact: '乙', mobile: '13600000002' });
  await expect(pending(page)).toHaveAttribute('data-pending', '2');

  await context.setOffline(false);
  await page.getByTestId('sync-now').tap();
  await expect(page.getByTestId('sync-login')).toBeVisible();
  await expect(pending(page)).toHaveAttribute('data-pending', '2');

  await page.getByTestId('sync-login').tap();
  await submitLogin(page, 'li.wei');
  await expect(pending(page)).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
  await expect(page.getByTestId('sync-login')).toHaveCount(0);
});
