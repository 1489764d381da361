// The tablet never loses a lead to its own storage: every save is also appended to a journal in
// the Origin Private File System, and a database the browser lost is rebuilt from it at the next
// start, with what was waiting still waiting, and synced once the officer is online.
import { Page } from '@playwright/test';

import { appReady, captureAndConfirm, expect, listedCompanies, test } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

/** Deletes the tablet's IndexedDB database as the browser does when it gives up on it, from a
 * page of the site that does not run the app (so no connection holds it open). */
async function loseTheDatabase(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/manifest.webmanifest`);
  const outcome = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('zhaoshang');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve('error');
        request.onblocked = () => resolve('blocked');
      }),
  );
  expect(outcome).toBe('deleted');
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(names).not.toContain('zhaoshang');
}

test('a database the browser deleted is rebuilt from the journal, the officer is told, and the leads still sync', async ({ page, server, request }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await page.goto('/');
  await appReady(page);
  const companies = ['资阳临空食品', '雁江康养中心', '西部冷链仓储'];
  for (const [i, company] of companies.entries()) {
    await captureAndConfirm(page, { company, contact: `联系人${i}`, mobile: `1370000000${i}`, event: '西博会' });
  }

  await loseTheDatabase(page, server.url);
  await page.goto('/');
  await appReady(page);
  await expect(page.getByTestId('recovered')).toContainText('已从平板的备份日志恢复 3 条线索');
  await expect(page.getByTestId('lead-count')).toHaveText('3');
  expect((await listedCompanies(page)).sort()).toEqual([...companies].sort());

  // Restored to the database itself: a second start finds them without the journal's help.
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId('lead-count')).toHaveText('3');
  await expect(page.getByTestId('recovered')).toHaveCount(0);

  // What was waiting is still waiting, and goes to the server once the officer logs in.
  await page.goto('/login');
  await appReady(page);
  await page.fill('#f-username', 'li.wei');
  await page.fill('#f-password', PASSWORD);
  await page.getByTestId('login-submit').tap();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 35_000 });
  const login = await request.post(`${server.url}/api/v1/login`, { data: { username: 'li.wei', password: PASSWORD } });
  const { token } = await login.json();
  const leads = await request.get(`${server.url}/api/v1/leads`, { headers: { authorization: `Bearer ${token}` } });
  const names = (await leads.json()).map((l: { lead: { company_name: string } }) => l.lead.company_name).sort();
  expect(names).toEqual([...companies].sort());
});

test('a lead deleted on the tablet stays deleted when the database is rebuilt', async ({ page, server }) => {
  await page.goto('/');
  await appReady(page);
  await captureAndConfirm(page, { company: '留下的公司', contact: '甲', mobile: '13700000001' });
  await captureAndConfirm(page, { company: '删掉的公司', contact: '乙', mobile: '13700000002' });
  await page.goto('/leads');
  await appReady(page);
  await page.getByTestId('lead-row').filter({ hasText: '删掉的公司' }).getByTestId('delete').tap();
  await expect(page.getByTestId('toast')).toContainText('已删除');

  await loseTheDatabase(page, server.url);
  expect(await listedCompanies(page)).toEqual(['留下的公司']);
});
