// A lead's owner and its contact's rights, as a manager and the officers' tablets meet them: a
// manager hands a lead to another officer, and it leaves one tablet for the other; a manager
// erases a contact's personal data on request, and the tablet's IndexedDB no longer holds any of
// it after its next sync.
import { Page } from '@playwright/test';

import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, journalOp, listedCompanies, logInOnTablet, newTablet, syncNow, test, workspaceDesk } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

/** Every value of every store of the tablet's database, as JSON. */
async function indexedDbText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open('zhaoshang');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all: unknown[] = [];
    for (const name of Array.from(db.objectStoreNames)) {
      const values: unknown[] = await new Promise((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      all.push(...values);
    }
    db.close();
    return JSON.stringify(all);
  });
}

test('a lead handed to another officer leaves one tablet for the other', async ({ page, server, browser }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'wang.fang', 'officer', PASSWORD);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await captureAndConfirm(page, { company: '资阳临空食品有限公司', contact: '王芳', mobile: '13700000001' });
  await captureAndConfirm(page, { company: '留给李伟的公司', contact: '李强', mobile: '13700000002' });
  await syncNow(page);
  const other = await newTablet(browser, server.url);
  await logInOnTablet(other, 'wang.fang', PASSWORD);
  await syncNow(other);
  expect(await listedCompanies(other)).toEqual([]);

  const desk = await workspaceDesk(browser, server.url, { user: 'zhao.manager', password: PASSWORD, next: '/manage/leads' });
  await desk.getByRole('link', { name: '资阳临空食品有限公司' }).click();
  const form = desk.getByTestId('reassign-form');
  await form.getByTestId('reassign-to').selectOption('wang.fang');
  await form.getByTestId('reassign-submit').click();
  await expect(desk.getByTestId('lead-notice')).toBeVisible();
  await expectOnScreenAndUncovered(desk, desk.getByTestId('lead-notice'));
  await desk.screenshot({ path: 'test-results/screens/reassigned-portrait-zh.png', fullPage: true });

  await syncNow(page);
  await page.reload();
  await appReady(page);
  expect(await listedCompanies(page)).toEqual(['留给李伟的公司']);
  await syncNow(other);
  expect(await listedCompanies(other)).toEqual(['资阳临空食品有限公司']);

  // All of an officer's leads, after a confirmation.
  await desk.goto('/manage/reassign');
  await desk.getByTestId('reassign-from').selectOption('li.wei');
  await desk.getByTestId('reassign-to').selectOption('wang.fang');
  await desk.getByTestId('reassign-submit').click();
  await expect(desk.getByTestId('reassign-confirm')).toContainText('1');
  await desk.screenshot({ path: 'test-results/screens/reassign-confirm-portrait-zh.png', fullPage: true });
  await desk.getByTestId('reassign-confirm-button').click();
  await expect(desk.getByTestId('reassign-notice')).toBeVisible();
  await syncNow(page);
  expect(await listedCompanies(page)).toEqual([]);
  await syncNow(other);
  expect(await listedCompanies(other)).toEqual(['留给李伟的公司', '资阳临空食品有限公司']);
});

test('an erased contact leaves the tablet\'s IndexedDB at its next sync', async ({ page, server, browser }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await captureAndConfirm(page, { company: '天府食品有限公司', contact: '欧阳建国', mobile: '13987654321', wechat: 'oyjg_cq2026', notes: '欧阳总说下周来园区' });
  await syncNow(page);
  const before = await indexedDbText(page);
  for (const value of ['欧阳建国', '13987654321', 'oyjg_cq2026', '欧阳总说下周来园区']) expect(before).toContain(value);
  // The tablet's journal holds them too (every save is written there).
  const journalText = async () => {
    const files = await journalOp(page, { op: 'read' });
    return files.log + files.snapshots.join('');
  };
  for (const value of ['欧阳建国', '13987654321', 'oyjg_cq2026', '欧阳总说下周来园区']) expect(await journalText()).toContain(value);

  const desk = await workspaceDesk(browser, server.url, { user: 'zhao.manager', password: PASSWORD, next: '/manage/leads' });
  await desk.getByRole('link', { name: '天府食品有限公司' }).click();
  const form = desk.getByTestId('erase-form');
  await form.getByTestId('erase-submit').click();
  await expect(desk.getByTestId('erase-error')).toBeVisible();
  await expectOnScreenAndUncovered(desk, desk.getByTestId('erase-error'));
  await desk.getByTestId('erase-note').fill('2026-12-04 来电要求删除');
  await desk.getByTestId('erase-confirm').check();
  await desk.getByTestId('erase-submit').click();
  await expect(desk.getByTestId('lead-notice')).toBeVisible();
  await expect(desk.getByTestId('lead-erased')).toBeVisible();
  await desk.screenshot({ path: 'test-results/screens/erased-portrait-zh.png', fullPage: true });

  await syncNow(page);
  const after = await indexedDbText(page);
  expect(after).toContain('天府食品有限公司');
  for (const value of ['欧阳建国', '13987654321', 'oyjg_cq2026', '欧阳总说下周来园区']) expect(after).not.toContain(value);
  expect(await listedCompanies(page)).toEqual(['天府食品有限公司']);
  await page.screenshot({ path: 'test-results/screens/erased-tablet-list-zh.png' });

  // The journal's next start compacts it, and then it holds the erased lead alone.
  await page.reload();
  await appReady(page);
  await expect.poll(async () => (await journalOp(page, { op: 'read' })).sizes[0], { timeout: 15_000 }).toBe(0);
  const text = await journalText();
  expect(text).toContain('天府食品有限公司');
  for (const value of ['欧阳建国', '13987654321', 'oyjg_cq2026', '欧阳总说下周来园区']) expect(text).not.toContain(value);
});
