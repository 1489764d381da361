// A tablet that stored leads with an earlier version of the app (database version 1, bare lead
// records; version 3, refused changes in the outbox; version 4, server versions in the records)
// keeps them all when the app is updated.
import { Page } from '@playwright/test';

import { appReady, captureAndConfirm, expect, logInOnTablet, offlineReady, serverCompanies, test } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

/** A lead as an earlier release stored it on the tablet (the lead inside a record or a change). */
function storedLead(id: string, company: string) {
  return {
    id, company_name: company, credit_code: null, contact_name: '陈静', contact_title: null,
    mobile: '13912345678', wechat: null, email: null,
    origin: { kind: 'domestic', province: 'chongqing', city: null },
    industry: 'food_beverage', industry_segment: null, intended_project: null, intended_investment: 20000,
    tier: { fortune_global_500: false, china_top_500: false, china_private_top_500: false, industry_leader: false },
    intent: 'warm', event: '第十九届西博会', referrer: null,
    consent: { text_version: '2026-11-v1', given_at: '2026-11-20T02:00:00Z' },
    notes: null, next_follow_up: null,
    captured_at: '2026-11-20T02:00:00Z', updated_at: '2026-11-20T02:00:00Z',
    captured_by: 'li.wei', device_id: 'tablet-1',
  };
}

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
  expect(version).toBe(5);

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

test('a tablet updated with changes queued and refused keeps both: the queued ones sync, the refused one stays marked', async ({ page, server, request }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  // Database version 3, as the previous release wrote it: refused changes sat in the outbox, marked.
  await page.goto('/healthz');
  const rows = [
    ['0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a01', '01890a5d-ac96-774b-bcce-b302099a8001', storedLead('0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a01', '甲方食品有限公司'), null],
    ['0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a02', '01890a5d-ac96-774b-bcce-b302099a8002', storedLead('0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a02', '乙方冷链有限公司'), null],
    ['0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a03', '01890a5d-ac96-774b-bcce-b302099a8003', storedLead('0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a03', '丙方调味品有限公司'), { code: 'not_your_lead' }],
  ] as const;
  await page.evaluate(async (rows) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open('zhaoshang', 3);
      open.onupgradeneeded = () => {
        const leads = open.result.createObjectStore('leads', { keyPath: 'id' });
        leads.createIndex('by_updated_at', 'updated_at');
        open.result.createObjectStore('outbox', { keyPath: 'change_id' });
        open.result.createObjectStore('meta', { keyPath: 'key' });
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const attrs = ['company_name', 'credit_code', 'contact_name', 'contact_title', 'mobile', 'wechat', 'email', 'origin',
      'industry', 'industry_segment', 'intended_project', 'intended_investment', 'tier', 'intent', 'event', 'referrer',
      'consent', 'notes', 'next_follow_up', 'pipeline'];
    await new Promise((resolve, reject) => {
      const tx = db.transaction(['leads', 'outbox', 'meta'], 'readwrite');
      rows.forEach(([id, changeId, value, rejected], i) => {
        tx.objectStore('leads').put({ schema: 2, id, updated_at: '2026-11-20T02:00:00.000Z', lead: value, server_version: 0 });
        tx.objectStore('outbox').put({
          change_id: changeId, queued_at: `2026-11-20T02:00:0${i}.000Z`,
          change: { change_id: changeId, base_version: 0, changed: attrs, lead: value }, rejected,
        });
      });
      tx.objectStore('meta').put({ key: 'sync_cursor', value: 0 });
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, rows);

  await logInOnTablet(page, 'li.wei', PASSWORD);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
  await expect(page.getByTestId('sync-attention')).toContainText('1');
  expect(await serverCompanies(request, server.url, 'li.wei', PASSWORD)).toEqual(['乙方冷链有限公司', '甲方食品有限公司'].sort());

  const stored = await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve) => {
      const open = indexedDB.open('zhaoshang');
      open.onsuccess = () => resolve(open.result);
    });
    const all = (store: string) => new Promise<any[]>((resolve) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
    });
    const result = { version: db.version, outbox: await all('outbox'), rejected: await all('rejected'), meta: await all('meta') };
    db.close();
    return result;
  });
  expect(stored.version).toBe(5);
  expect(stored.outbox).toEqual([]);
  expect(stored.rejected.map((e) => e.change.lead.company_name)).toEqual(['丙方调味品有限公司']);
  expect(stored.meta.find((m) => m.key === 'pending')?.value).toBe(0);
});

/** Every value of one of the app's object stores. */
async function storeValues(page: Page, store: string): Promise<any[]> {
  return page.evaluate(async (store) => {
    const db: IDBDatabase = await new Promise((resolve) => {
      const open = indexedDB.open('zhaoshang');
      open.onsuccess = () => resolve(open.result);
    });
    const all = await new Promise<any[]>((resolve) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return all;
  }, store);
}

test('a lead synced before the update to database version 5 is edited on the version its record holds', async ({ page }) => {
  // Database version 4, as the previous release wrote it: the server's version in the record.
  await page.goto('/healthz');
  const id = '0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a41';
  await page.evaluate(async ({ id, lead }) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open('zhaoshang', 4);
      open.onupgradeneeded = () => {
        const leads = open.result.createObjectStore('leads', { keyPath: 'id' });
        leads.createIndex('by_updated_at', 'updated_at');
        const outbox = open.result.createObjectStore('outbox', { keyPath: 'change_id' });
        outbox.createIndex('by_queue', 'queued_at');
        outbox.createIndex('by_lead', 'change.lead.id');
        open.result.createObjectStore('meta', { keyPath: 'key' });
        open.result.createObjectStore('rejected', { keyPath: 'change_id' }).createIndex('by_lead', 'change.lead.id');
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction(['leads', 'meta'], 'readwrite');
      tx.objectStore('leads').put({ schema: 2, id, updated_at: '2026-11-20T02:00:00.000Z', lead, server_version: 7 });
      tx.objectStore('meta').put({ key: 'pending', value: 0 });
      tx.objectStore('meta').put({ key: 'sync_cursor', value: 9 });
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, { id, lead: storedLead(id, '资阳临空食品有限公司') });

  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('lead-row')).toContainText('资阳临空食品有限公司');
  await page.getByTestId('lead-row').locator('a').tap();
  await appReady(page);
  await page.fill('#f-contact_title', '总经理');
  await page.getByTestId('save').tap();
  await expect(page).toHaveURL(/\/leads$/);
  const queued = await storeValues(page, 'outbox');
  expect(queued.map((e) => [e.change.base_version, e.change.changed])).toEqual([[7, ['contact_title']]]);
  expect(await storeValues(page, 'versions')).toEqual([]);
});

test('the versions a sync acknowledges are kept apart from the records, and an edit after a reload is sent on them', async ({ page, server, context, request }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await offlineReady(page);
  await captureAndConfirm(page, { company: '雁江康养中心', contact: '王静', mobile: '13700000001' });
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });

  const login = await request.post(`${server.url}/api/v1/login`, { data: { username: 'li.wei', password: PASSWORD } });
  const { token } = await login.json();
  const serverLeads = async () =>
    (await (await request.get(`${server.url}/api/v1/leads`, { headers: { authorization: `Bearer ${token}` } })).json()) as any[];
  const [synced] = await serverLeads();
  expect(synced.version).toBeGreaterThan(0);
  const [record] = await storeValues(page, 'leads');
  expect(record.server_version).toBe(0);
  expect(await storeValues(page, 'versions')).toEqual([{ id: record.id, version: synced.version }]);

  // Offline, so that the edit stays queued to be looked at; after a reload, so that the version
  // comes from the database, not from the page's memory.
  await context.setOffline(true);
  await page.reload();
  await appReady(page);
  await page.goto('/leads');
  await appReady(page);
  await page.getByTestId('lead-row').locator('a').tap();
  await appReady(page);
  await page.fill('#f-contact_title', '总经理');
  await page.getByTestId('save').tap();
  await expect(page).toHaveURL(/\/leads$/);
  const queued = await storeValues(page, 'outbox');
  expect(queued.map((e) => [e.change.base_version, e.change.changed])).toEqual([[synced.version, ['contact_title']]]);

  await context.setOffline(false);
  await page.getByTestId('sync-now').tap();
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
  const [edited] = await serverLeads();
  expect(edited.lead.contact_title).toBe('总经理');
  expect(edited.version).toBeGreaterThan(synced.version);
  expect(await storeValues(page, 'versions')).toEqual([{ id: record.id, version: edited.version }]);
});
