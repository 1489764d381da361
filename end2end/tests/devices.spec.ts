// The device fleet: a tablet that captured offline reports, with the sync that empties its queue,
// the build it runs and its storage; the manager's device page shows it as current with nothing
// waiting. A second tablet of the officer, whose sync left changes two days old behind, is named
// in the page's warning (its report is sent as that tablet's sync would send it).
import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, logInOnTablet, test, workspaceDesk } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

test('a tablet reports its queue, build and storage to the device page', async ({ page, server, browser, request }) => {
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await addUser(server, 'li.officer', 'officer', PASSWORD);

  await logInOnTablet(page, 'li.officer', PASSWORD);
  await page.context().setOffline(true);
  await captureAndConfirm(page, { company: '资阳临空食品有限公司', contact: '王芳', mobile: '13700000001' });
  await captureAndConfirm(page, { company: '成都天府智造科技有限公司', contact: '李强', mobile: '13700000002' });
  await page.context().setOffline(false);
  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });

  // The officer's other tablet: its last sync was cut with three changes left, queued two days ago.
  const login = await request.post(`${server.url}/api/v1/login`, { data: { username: 'li.officer', password: PASSWORD } });
  const { token } = await login.json();
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const sync = await request.post(`${server.url}/api/v1/sync`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      device_id: 'b7c4e2d0-0000-4000-8000-000000000002',
      cursor: 0,
      changes: [],
      device: { waiting: 3, oldest_waiting: twoDaysAgo, refused: 0, build: 'b0ld', storage: null },
    },
  });
  expect(sync.status()).toBe(200);

  const desk = await workspaceDesk(browser, server.url, {
    user: 'zhao.manager', password: PASSWORD, next: '/manage/devices', viewport: { width: 1180, height: 820 },
  });
  await expect(desk.getByTestId('devices-tab')).toHaveAttribute('aria-current', 'page');
  await expect(desk.getByTestId('device-row')).toHaveCount(2);

  // The browser tablet: the build of the page it runs is the one served, nothing waits.
  const tablet = desk.getByTestId('device-row').filter({ hasNot: desk.locator('[data-testid="device-waiting"]') });
  await expect(tablet).toHaveCount(1);
  await expect(tablet.getByTestId('device-build')).toHaveText('当前版本');
  await expect(tablet).toContainText('无');
  await expect(tablet).toContainText('已用');

  const stale = desk.locator('#device-b7c4e2d0-0000-4000-8000-000000000002');
  await expect(stale.getByTestId('device-waiting')).toHaveText('3 项待同步');
  await expect(stale.getByTestId('device-build')).toHaveText('较早版本');
  await expectOnScreenAndUncovered(desk, desk.getByTestId('devices-at-risk'));
  await expect(desk.getByTestId('devices-at-risk')).toContainText('b7c4e2d0');
  await desk.screenshot({ path: 'test-results/screens/devices-zh.png', fullPage: true });

  await desk.locator('.lang-toggle').click();
  await expect(desk.locator('h1')).toHaveText('Tablets');
  await expect(stale.getByTestId('device-waiting')).toHaveText('3 waiting');
  await desk.screenshot({ path: 'test-results/screens/devices-en.png', fullPage: true });

  // Portrait: the table scrolls inside its frame, the warning stays readable.
  await desk.setViewportSize({ width: 820, height: 1180 });
  await expectOnScreenAndUncovered(desk, desk.getByTestId('devices-at-risk'));
  await desk.screenshot({ path: 'test-results/screens/devices-portrait-en.png', fullPage: true });
});
