// The manager workspace: a manager narrows the lead table by industry and event, opens a lead,
// signs it with an amount, and the dashboard's figures move by exactly that signing.
import { Locator, Page } from '@playwright/test';

import { appReady, captureAndConfirm, expect, test } from '../support/fixtures';
import { addUser, loadDemo } from '../support/server';

const PASSWORD = 'a long enough password';
const FAIR = '第二十届西博会';

/** A figure of the dashboard's target table ("12", "80.00 亿元") as a number. */
async function figure(row: Locator): Promise<number> {
  const text = (await row.getByTestId('target-actual').textContent()) ?? '';
  return Number(text.replace(/[^0-9.]/g, ''));
}

async function logInAsManager(page: Page): Promise<void> {
  await page.goto('/manage/dashboard');
  // Not logged in: the workspace sends the manager to the login page and back.
  await expect(page).toHaveURL(/\/login\?next=/);
  await appReady(page);
  await page.fill('#f-username', 'zhao.manager');
  await page.fill('#f-password', PASSWORD);
  await page.getByTestId('login-submit').tap();
  await expect(page).toHaveURL(/\/manage\/dashboard$/);
}

test('a manager filters by industry and event, signs a lead and sees the dashboard move', async ({ page, server }) => {
  await loadDemo(server, 400);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await logInAsManager(page);

  // The demo is the plan's year 2023: the dashboard opens on it.
  await expect(page.getByTestId('period-name')).toHaveText('2023 年全年');
  const signedRow = page.locator('tr[data-metric="signed_projects"]');
  const agreedRow = page.locator('tr[data-metric="agreed_investment"]');
  const signedBefore = await figure(signedRow);
  const agreedBefore = await figure(agreedRow);

  await page.getByRole('link', { name: '线索审核' }).tap();
  await page.selectOption('#filter-industry', 'food_beverage');
  await page.selectOption('#filter-event', FAIR);
  await page.selectOption('#filter-stage', 'lead');
  await page.getByTestId('apply-filters').tap();
  await expect(page).toHaveURL(/industry=food_beverage/);
  const rows = page.getByTestId('lead-row');
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    await expect(rows.nth(i)).toContainText('食品饮料');
    await expect(rows.nth(i)).toContainText(FAIR);
  }

  const link = rows.first().locator('td.company a');
  const company = (await link.textContent())!.trim();
  await link.tap();
  await expect(page.getByTestId('lead-title')).toHaveText(company);
  await expect(page.getByTestId('lead-stage')).toHaveText('线索');

  // Signing without an amount is refused with a message, nothing changes.
  await page.selectOption('[data-testid=stage-to]', 'signed');
  await page.fill('input[name=on]', '2023-12-20');
  await page.fill('[data-testid=stage-agreed]', '');
  await page.getByTestId('stage-submit').tap();
  await expect(page.getByTestId('stage-error')).toContainText('协议引资');
  await expect(page.getByTestId('lead-stage')).toHaveText('线索');

  await page.selectOption('[data-testid=stage-to]', 'signed');
  await page.fill('input[name=on]', '2023-12-20');
  await page.fill('[data-testid=stage-agreed]', '30000');
  await page.getByTestId('stage-submit').tap();
  await expect(page.getByTestId('stage-saved')).toBeVisible();
  await expect(page.getByTestId('lead-stage')).toHaveText('签约');
  await expect(page.getByTestId('history')).toContainText('项目进展');

  await page.getByRole('link', { name: '目标看板' }).tap();
  await expect(page.getByTestId('period-name')).toHaveText('2023 年全年');
  expect(await figure(signedRow)).toBe(signedBefore + 1);
  // 30,000 万元 = 3.00 亿元.
  expect(await figure(agreedRow)).toBeCloseTo(agreedBefore + 3, 2);
});

test('an officer cannot open the workspace', async ({ page, server }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await page.goto('/login?next=/manage/leads');
  await appReady(page);
  await page.fill('#f-username', 'li.wei');
  await page.fill('#f-password', PASSWORD);
  await page.getByTestId('login-submit').tap();
  await expect(page).toHaveURL(/\/manage\/leads$/);
  await expect(page.getByTestId('notice')).toContainText('没有权限');
});

test("a manager's signing shows on the officer's tablet after its next sync", async ({ page, server, browser }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  // The officer's tablet: logged in, one lead captured and synced.
  await page.goto('/login');
  await appReady(page);
  await page.fill('#f-username', 'li.wei');
  await page.fill('#f-password', PASSWORD);
  await page.getByTestId('login-submit').tap();
  await expect(page).toHaveURL(/\/$/);
  await appReady(page);
  await captureAndConfirm(page, { company: '资阳临空食品有限公司', contact: '王芳', mobile: '13700000001', event: FAIR });
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });

  // The manager, at a desk, signs it.
  const desk = await browser.newContext({ baseURL: server.url });
  const manager = await desk.newPage();
  await manager.goto('/login?next=/manage/leads');
  await appReady(manager);
  await manager.fill('#f-username', 'zhao.manager');
  await manager.fill('#f-password', PASSWORD);
  await manager.getByTestId('login-submit').click();
  await expect(manager).toHaveURL(/\/manage\/leads$/);
  await manager.getByRole('link', { name: '资阳临空食品有限公司' }).click();
  await manager.selectOption('[data-testid=stage-to]', 'signed');
  await manager.fill('[data-testid=stage-agreed]', '80000');
  await manager.getByTestId('stage-submit').click();
  await expect(manager.getByTestId('stage-saved')).toBeVisible();
  await desk.close();

  // The tablet syncs and its list shows the stage.
  await page.goto('/leads');
  await appReady(page);
  await page.getByTestId('sync-now').tap();
  await expect(page.getByTestId('lead-row').first().getByTestId('lead-stage')).toHaveText('签约', { timeout: 15_000 });
});
