// Leads captured with the server down reach it by themselves once it is back; a session that ends
// while the tablet is offline costs nothing: the officer logs in again and the sync resumes; a
// backlog whose requests are cut by their size still syncs in one go.
import { Page } from '@playwright/test';

import { appReady, captureAndConfirm, expect, offlineReady, serverCompanies, test } from '../support/fixtures';
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

/**
 * Queues `count` leads straight into the tablet's IndexedDB as the app queues them (a record and
 * an outbox entry each, time-ordered ids), `sameMs` of them at a time queued in one millisecond.
 * Returns the change ids in queue order.
 */
async function seedBacklog(page: Page, count: number, options: { notes: string | null; sameMs: number }): Promise<string[]> {
  return page.evaluate(async ({ count, notes, sameMs }) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open('zhaoshang');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const attrs = ['company_name', 'credit_code', 'contact_name', 'contact_title', 'mobile', 'wechat', 'email', 'origin',
      'industry', 'industry_segment', 'intended_project', 'intended_investment', 'tier', 'intent', 'event', 'referrer',
      'consent', 'notes', 'next_follow_up', 'pipeline'];
    const device = localStorage.getItem('zs.device_id');
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    // Time-ordered ids, as the app makes them (UUID v7).
    const v7 = (ms: number, seq: number) => {
      const h = hex(ms, 12);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${hex(seq, 3)}-8${hex(seq, 3)}-${hex(seq, 12)}`;
    };
    const base = Date.parse('2026-11-20T02:00:00.000Z');
    const changeIds: string[] = [];
    await new Promise((resolve, reject) => {
      const tx = db.transaction(['leads', 'outbox', 'meta'], 'readwrite');
      for (let i = 0; i < count; i++) {
        const ms = base + Math.floor(i / sameMs) * 1000;
        const at = new Date(ms).toISOString();
        const id = v7(ms, i);
        const changeId = v7(ms + 1, i);
        changeIds.push(changeId);
        const lead = {
          id, company_name: `长备注企业${i}有限公司`, credit_code: null, contact_name: '陈静', contact_title: null,
          mobile: `139${String(10_000_000 + i).slice(-8)}`, wechat: null, email: null,
          origin: { kind: 'domestic', province: 'chongqing', city: null },
          industry: 'food_beverage', industry_segment: null, intended_project: null, intended_investment: null,
          tier: { fortune_global_500: false, china_top_500: false, china_private_top_500: false, industry_leader: false },
          intent: 'warm', event: '第十九届西博会', referrer: null,
          consent: { text_version: '2026-11-v1', given_at: at },
          notes, next_follow_up: null,
          captured_at: at, updated_at: at, captured_by: 'li.wei', device_id: device,
        };
        tx.objectStore('leads').put({ schema: 2, id, updated_at: at, lead, server_version: 0 });
        tx.objectStore('outbox').put({ change_id: changeId, queued_at: at, change: { change_id: changeId, base_version: 0, changed: attrs, lead }, rejected: null });
      }
      tx.objectStore('meta').put({ key: 'pending', value: count });
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return changeIds;
  }, { count, ...options });
}

test('a backlog of leads with long notes syncs in one go: a batch cut by its size does not end the sync', async ({ page, server, context, request }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await logIn(page, 'li.wei');
  await offlineReady(page);
  await context.setOffline(true);
  // 300 leads with 2,000-character notes, queued as the app queues them: about 100 fit in one
  // request's 1.5 MB, so every round after the first is cut by size, not by count.
  const COUNT = 300;
  await seedBacklog(page, COUNT, { notes: '客户关注冷链配套和土地指标，'.repeat(143).slice(0, 2000), sameMs: 1 });
  await page.reload();
  await appReady(page);
  await expect(pending(page)).toHaveAttribute('data-pending', String(COUNT));

  await context.setOffline(false);
  const syncNow = page.getByTestId('sync-now');
  await expect(syncNow).toBeDisabled();
  await expect(syncNow).toBeEnabled({ timeout: 30_000 });
  // The sync that just ended left nothing behind (the next one would start only 30 s later).
  expect(await pending(page).getAttribute('data-pending')).toBe('0');
  expect((await serverCompanies(request, server.url, 'li.wei', PASSWORD)).length).toBe(COUNT);
});

test('a backlog is sent once, in the order it was queued, though many changes were queued in one millisecond', async ({ page, server, context, request }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await logIn(page, 'li.wei');
  await offlineReady(page);
  await context.setOffline(true);
  // 70 changes to a millisecond: the first request's 100 end inside the second millisecond, and
  // the next round's head, read while a request is out, starts inside it too.
  const queued = await seedBacklog(page, 450, { notes: null, sameMs: 70 });
  await page.reload();
  await appReady(page);
  await expect(pending(page)).toHaveAttribute('data-pending', '450');

  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/sync') && r.method() === 'POST') sent.push(...r.postDataJSON().changes.map((c: { change_id: string }) => c.change_id));
  });
  await context.setOffline(false);
  await expect(pending(page)).toHaveAttribute('data-pending', '0', { timeout: 30_000 });
  expect(sent).toEqual(queued);
  expect((await serverCompanies(request, server.url, 'li.wei', PASSWORD)).length).toBe(450);
});

test('a pending count that disagrees with the outbox is put right by the next sync', async ({ page, server }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await logIn(page, 'li.wei');
  await expect(pending(page)).toHaveAttribute('data-pending', '0');
  // As if another tab's write had been counted twice: the kept figure says 7, the outbox is empty.
  await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve) => {
      const open = indexedDB.open('zhaoshang');
      open.onsuccess = () => resolve(open.result);
    });
    await new Promise((resolve) => {
      const tx = db.transaction('meta', 'readwrite');
      tx.objectStore('meta').put({ key: 'pending', value: 7 });
      tx.oncomplete = resolve;
    });
    db.close();
  });
  await page.reload();
  await appReady(page);
  await expect(pending(page)).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
});
