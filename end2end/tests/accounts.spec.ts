// Administration in the web: an administrator adds an officer on the accounts page (a refused
// field says so beside itself), and the officer logs in on a tablet, captures and syncs; the
// accounts page then shows their last login and sync. In portrait, and in English.

import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, logInOnTablet, test, workspaceDesk } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

test('an admin adds an officer who then logs in on a tablet', async ({ page, server, browser }) => {
  await addUser(server, 'sun.admin', 'admin', PASSWORD);
  const desk = await workspaceDesk(browser, server.url, { user: 'sun.admin', password: PASSWORD, next: '/manage/users', locale: 'zh-CN' });
  await expect(desk.getByTestId('users-tab')).toHaveAttribute('aria-current', 'page');

  // A refused password is named beside its field, on screen.
  await desk.getByTestId('new-username').fill('wang.wei');
  await desk.getByTestId('new-display-name').fill('王伟');
  await desk.getByTestId('new-password').fill('short');
  await desk.getByTestId('add-user').click();
  await expectOnScreenAndUncovered(desk, desk.getByTestId('user-error-password'));
  await expect(desk.getByTestId('new-username')).toHaveValue('wang.wei');
  await desk.screenshot({ path: 'test-results/screens/accounts-error-portrait-zh.png', fullPage: true });

  await desk.getByTestId('new-password').fill(PASSWORD);
  await desk.getByTestId('add-user').click();
  await expect(desk.getByTestId('users-notice')).toContainText('wang.wei');
  await expectOnScreenAndUncovered(desk, desk.getByTestId('users-notice'));
  await expect(desk.locator('#user-wang\\.wei')).toContainText('王伟');

  await logInOnTablet(page, 'wang.wei', PASSWORD);
  await captureAndConfirm(page, { company: '资阳临空食品有限公司', contact: '王芳', mobile: '13700000001' });
  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });

  await desk.reload();
  const row = desk.locator('#user-wang\\.wei');
  await expect(row).not.toContainText('从未');
  await desk.screenshot({ path: 'test-results/screens/accounts-portrait-zh.png', fullPage: true });

  // In English, from the header's toggle.
  await desk.locator('.lang-toggle').click();
  await expect(desk.locator('h1')).toHaveText('Accounts and departments');
  await expect(desk.locator('#user-wang\\.wei')).toContainText('Officer');
  await desk.screenshot({ path: 'test-results/screens/accounts-portrait-en.png', fullPage: true });
});
