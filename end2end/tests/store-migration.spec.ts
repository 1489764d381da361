// A tablet that stored leads with an earlier version of the app (database version 1, bare lead
// records) keeps them all when the app is updated.
import { appReady, expect, test } from '../support/fixtures';

test('leads written by database version 1 are read after the upgrade to the current version', async ({ page }) => {
  // A page of the same origin that does not run the app, so the old database can be written first.
  await page.goto('/healthz');
  await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open('zhaoshang', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('leads', { keyPath: 'id' });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const lead = {
      id: '0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a91',
      company_name: '重庆渝味食品有限公司', credit_code: null, contact_name: '陈静', contact_title: null,
      mobile: '13912345678', wechat: null, email: null,
      origin: { kind: 'domestic', province: 'chongqing', city: null },
      industry: 'food_beverage', industry_segment: null, intended_project: null, intended_investment: 20000,
      tier: { fortune_global_500: false, china_top_500: false, china_private_top_500: false, industry_leader: true },
      intent: 'hot', event: '第十九届西博会', referrer: null,
      consent: { text_version: '2026-11-v1', given_at: '2026-09-20T02:00:00Z' },
      notes: null, next_follow_up: null,
      captured_at: '2026-09-20T02:00:00Z', updated_at: '2026-09-20T02:00:00Z',
      captured_by: 'li.wei', device_id: 'tablet-1',
    };
    await new Promise((resolve, reject) => {
      const tx = db.transaction('leads', 'readwrite');
      tx.objectStore('leads').put(lead);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  });

  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('lead-row')).toHaveCount(1);
  await expect(page.getByTestId('lead-row')).toContainText('重庆渝味食品有限公司');
  await expect(page.getByTestId('lead-row')).toContainText('2026-09-20 10:00');

  // The database was upgraded in place.
  const version = await page.evaluate(async () => {
    const dbs = await indexedDB.databases();
    return dbs.find((d) => d.name === 'zhaoshang')?.version;
  });
  expect(version).toBe(3);

  // The old record opens in the form with every field, and saving writes the new schema.
  await page.getByTestId('lead-row').locator('a').tap();
  await appReady(page);
  await page.getByTestId('more-toggle').tap();
  await expect(page.locator('#f-intended_investment')).toHaveValue('2');
  await expect(page.getByTestId('unit-yi')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#f-province')).toHaveValue('chongqing');
  await page.fill('#f-contact_title', '总经理');
  await page.getByTestId('save').tap();
  await expect(page).toHaveURL(/\/leads$/);
  const stored = await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve) => {
      const open = indexedDB.open('zhaoshang');
      open.onsuccess = () => resolve(open.result);
    });
    return new Promise<any>((resolve) => {
      const get = db.transaction('leads').objectStore('leads').get('0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a91');
      get.onsuccess = () => resolve(get.result);
    });
  });
  expect(stored.schema).toBe(2);
  expect(stored.lead.company_name).toBe('重庆渝味食品有限公司');
  // The old lead (it predates sync) and its edit are queued for the server.
  const queued = await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve) => {
      const open = indexedDB.open('zhaoshang');
      open.onsuccess = () => resolve(open.result);
    });
    return new Promise<any[]>((resolve) => {
      const all = db.transaction('outbox').objectStore('outbox').getAll();
      all.onsuccess = () => resolve(all.result);
    });
  });
  expect(queued.length).toBeGreaterThanOrEqual(1);
  expect(queued.every((e) => e.change.lead.id === '0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a91')).toBe(true);
  expect(queued.some((e) => e.change.lead.contact_title === '总经理')).toBe(true);
});
