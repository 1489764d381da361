// The end of a lead's life, as officers and a manager meet it: a delete on one tablet is a
// withdrawal the server keeps and that takes the lead off the officer's other tablet; a manager
// sees it among the withdrawn leads and restores it, and it comes back; a lead that became a
// project cannot be deleted on the tablet, and the screen says why.

import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, listedCompanies, logInOnTablet, newTablet, syncNow, test, workspaceDesk } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

test('a delete on one tablet takes the lead off the other, and a manager can restore it', async ({ page, server, browser }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await captureAndConfirm(page, { company: '资阳临空食品有限公司', contact: '王芳', mobile: '13700000001' });
  await captureAndConfirm(page, { company: '重复录入的公司', contact: '李强', mobile: '13700000002' });
  await syncNow(page);

  const other = await newTablet(browser, server.url);
  await logInOnTablet(other, 'li.wei', PASSWORD);
  await syncNow(other);
  expect(await listedCompanies(other)).toEqual(['重复录入的公司', '资阳临空食品有限公司']);

  // Deleted on the first tablet, which syncs.
  const doomed = page.getByTestId('lead-row').filter({ hasText: '重复录入的公司' });
  await doomed.getByTestId('delete').tap();
  // It asks why first; nothing is deleted until a reason is picked.
  await expectOnScreenAndUncovered(page, doomed.getByTestId('delete-reason-duplicate'));
  await expectOnScreenAndUncovered(page, doomed.locator('.company'));
  await page.screenshot({ path: 'test-results/screens/delete-reasons-zh.png' });
  await doomed.getByTestId('delete-cancel').tap();
  await expect(page.getByTestId('lead-row')).toHaveCount(2);
  await doomed.getByTestId('delete').tap();
  await doomed.getByTestId('delete-reason-duplicate').tap();
  await expect(page.getByTestId('toast')).toContainText('已删除');
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '1');
  await page.getByTestId('sync-now').tap();
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
  await page.reload();
  await appReady(page);
  expect(await listedCompanies(page)).toEqual(['资阳临空食品有限公司']);

  // The second tablet's next sync takes it off.
  await syncNow(other);
  await expect(other.getByTestId('lead-row')).toHaveCount(1);
  await other.reload();
  await appReady(other);
  expect(await listedCompanies(other)).toEqual(['资阳临空食品有限公司']);

  // The manager finds it among the withdrawn leads and restores it.
  const desk = await workspaceDesk(browser, server.url, { user: 'zhao.manager', password: PASSWORD, next: '/manage/leads', viewport: { width: 1180, height: 820 } });
  await expect(desk.getByTestId('lead-row')).toHaveCount(1);
  await desk.getByTestId('withdrawn-link').click();
  await expect(desk.getByTestId('withdrawn-table')).toContainText('重复录入的公司');
  await expect(desk.getByTestId('withdrawn-table')).toContainText('li.wei');
  await expect(desk.getByTestId('withdrawn-row-reason')).toHaveText('重复录入');
  await desk.getByRole('link', { name: '重复录入的公司' }).click();
  await expect(desk.getByTestId('lead-withdrawn')).toContainText('li.wei');
  await expect(desk.getByTestId('withdrawn-reason')).toContainText('重复录入');
  await expect(desk.getByTestId('stage-form')).toHaveCount(0);
  await desk.screenshot({ path: 'test-results/screens/withdrawn-lead-zh.png', fullPage: true });
  await desk.getByTestId('restore').click();
  await expect(desk.getByTestId('restored')).toBeVisible();
  await expect(desk.getByTestId('lead-withdrawn')).toHaveCount(0);

  for (const tablet of [page, other]) {
    await syncNow(tablet);
    await expect(tablet.getByTestId('lead-row')).toHaveCount(2);
  }
  await desk.context().close();
  await other.context().close();
});

test('a lead that became a project cannot be deleted on the tablet, and the screen says why', async ({ page, server, browser }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await captureAndConfirm(page, { company: '四川天然气装备有限公司', contact: '张伟', mobile: '13700000003' });
  await syncNow(page);

  const desk = await workspaceDesk(browser, server.url, { user: 'zhao.manager', password: PASSWORD, next: '/manage/leads', viewport: { width: 1180, height: 820 } });
  await desk.getByRole('link', { name: '四川天然气装备有限公司' }).click();
  await desk.selectOption('[data-testid=stage-to]', 'negotiating');
  await desk.getByTestId('stage-submit').click();
  await expect(desk.getByTestId('stage-saved')).toBeVisible();
  await desk.context().close();

  await syncNow(page);
  const row = page.getByTestId('lead-row').filter({ hasText: '四川天然气装备' });
  await expect(row.getByTestId('lead-stage')).toHaveText('洽谈');
  await row.getByTestId('delete').tap();
  await expect(page.getByTestId('toast')).toContainText('不能在平板上删除');
  await expect(page.getByTestId('lead-row')).toHaveCount(1);

  await row.locator('a').tap();
  await appReady(page);
  const note = page.getByTestId('not-deletable');
  await expect(note).toContainText('洽谈');
  await expect(page.getByTestId('delete')).toBeDisabled();
  await note.scrollIntoViewIfNeeded();
  await expectOnScreenAndUncovered(page, note);
  await page.screenshot({ path: 'test-results/screens/not-deletable-zh.png' });

  await page.reload();
  await appReady(page);
  expect(await page.getByTestId('delete').isDisabled()).toBe(true);
});

test("a manager corrects a company name and the officer's tablet shows it", async ({ page, server, browser }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await captureAndConfirm(page, { company: '天府食品', contact: '王芳', mobile: '13700000004' });
  await syncNow(page);

  const desk = await workspaceDesk(browser, server.url, { user: 'zhao.manager', password: PASSWORD, next: '/manage/leads', viewport: { width: 1180, height: 820 } });
  await desk.getByRole('link', { name: '天府食品' }).click();
  await desk.getByTestId('correct-link').click();
  // A wrong mobile is refused beside its field, and nothing is saved.
  await desk.fill('#c-mobile', '12345');
  await desk.fill('#c-company_name', '天府食品集团有限公司');
  await desk.getByTestId('correct-submit').click();
  await expect(desk.getByTestId('error-mobile')).toContainText('11 位手机号');
  await expect(desk.locator('#c-company_name')).toHaveValue('天府食品集团有限公司');
  await desk.screenshot({ path: 'test-results/screens/correct-refused-zh.png', fullPage: true });
  await desk.fill('#c-mobile', '13700000004');
  await desk.getByTestId('correct-submit').click();
  await expect(desk.getByTestId('lead-notice')).toContainText('更正已保存');
  await expect(desk.getByTestId('lead-title')).toHaveText('天府食品集团有限公司');
  await expect(desk.getByTestId('history')).toContainText('企业名称');
  // The trail in words: the old and the new name, not JSON.
  await expect(desk.getByTestId('history')).toContainText('天府食品集团有限公司');
  await expect(desk.getByTestId('history')).not.toContainText('"company_name"');
  await desk.screenshot({ path: 'test-results/screens/trail-in-words-zh.png', fullPage: true });
  await desk.goto('/manage/overdue?officer=li.wei');
  await expect(desk.getByTestId('overdue-filters')).toBeVisible();
  await expect(desk.locator('#filter-officer')).toHaveValue('li.wei');
  await desk.screenshot({ path: 'test-results/screens/overdue-filtered-zh.png', fullPage: true });
  await desk.context().close();

  await syncNow(page);
  expect(await listedCompanies(page)).toEqual(['天府食品集团有限公司']);
});

test('the workspace pages of a lead\'s end hold in English', async ({ page, server, browser }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await captureAndConfirm(page, { company: 'Chengdu Long Company Name Food Processing Group Co., Ltd.', contact: 'Wang Fang', mobile: '13700000005' });
  await captureAndConfirm(page, { company: '撤回的公司', contact: '李强', mobile: '13700000006' });
  await syncNow(page);
  await page.getByTestId('lead-row').filter({ hasText: '撤回的公司' }).getByTestId('delete').tap();
  await page.getByTestId('delete-reason-mistake').tap();
  await page.getByTestId('sync-now').tap();
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });

  const desk = await workspaceDesk(browser, server.url, { user: 'zhao.manager', password: PASSWORD, next: '/manage/leads', viewport: { width: 1180, height: 820 } });
  await desk.getByTestId('withdrawn-link').click();
  await expect(desk.locator('h1')).toHaveText('已撤回的线索');
  await desk.getByText('English', { exact: true }).click();
  await expect(desk.locator('h1')).toHaveText('Withdrawn leads');
  await expect(desk.getByTestId('withdrawn-table')).toContainText('撤回的公司');
  await desk.screenshot({ path: 'test-results/screens/withdrawn-list-en.png', fullPage: true });
  await desk.goto('/manage/leads');
  await desk.getByRole('link', { name: /Chengdu Long Company/ }).click();
  await desk.getByTestId('correct-link').click();
  await expect(desk.locator('h1')).toContainText('Correct the lead');
  await desk.fill('#c-email', 'not an address');
  await desk.getByTestId('correct-submit').click();
  await expect(desk.getByTestId('error-email')).toBeVisible();
  await desk.screenshot({ path: 'test-results/screens/correct-refused-en.png', fullPage: true });
  await desk.goto('/manage/overdue');
  await expect(desk.getByTestId('overdue-filters')).toBeVisible();
  await desk.screenshot({ path: 'test-results/screens/overdue-en.png', fullPage: true });
  await desk.context().close();
});

test('the delete reasons open on screen, on the list and in the edit screen\'s save bar, in portrait and in English', async ({ page, server }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await captureAndConfirm(page, { company: '成都天府国际生物城医药健康产业发展有限公司', contact: '欧阳慧敏', mobile: '13700000005' });
  for (const [viewport, lang] of [[{ width: 820, height: 1180 }, 'zh'], [{ width: 1180, height: 820 }, 'en']] as const) {
    await page.setViewportSize(viewport);
    await page.goto('/leads');
    await appReady(page);
    if (lang === 'en') {
      await page.getByTestId('lang-toggle').tap();
    }
    // On the list, the reasons open below the lead, whose name stays readable.
    const row = page.getByTestId('lead-row').first();
    await row.getByTestId('delete').tap();
    await expectOnScreenAndUncovered(page, row.locator('.company'));
    await expectOnScreenAndUncovered(page, row.getByTestId('delete-reason-other'));
    await row.getByTestId('delete-cancel').tap();
    await page.getByTestId('lead-row').first().locator('a').first().tap();
    await expect(page).toHaveURL(/\/edit/);
    await appReady(page);
    await page.getByTestId('delete').tap();
    for (const reason of ['duplicate', 'mistake', 'test', 'other']) {
      await expectOnScreenAndUncovered(page, page.getByTestId(`delete-reason-${reason}`));
    }
    await expectOnScreenAndUncovered(page, page.getByTestId('delete-cancel'));
    await page.screenshot({ path: `test-results/screens/edit-delete-reasons-${lang}-${viewport.width}.png` });
    await page.getByTestId('delete-cancel').tap();
    await expectOnScreenAndUncovered(page, page.getByTestId('delete'));
  }
  // Cancelled twice: the lead is still there.
  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('lead-row')).toHaveCount(1);
});
