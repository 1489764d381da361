// Events as reference data: an administrator lists an event running today (a refused date range
// says so beside its field); the officer's tablet receives it with its next sync, offers it first
// in the event picker, fills it in as the day's default with its dates and venue, and the lead
// captured there counts on the event's page.
import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, logInOnTablet, test, workspaceDesk } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

/** Today and a day after it, as the district's calendar has them. */
function shanghaiDay(offsetDays: number): string {
  const at = new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000);
  return at.toISOString().slice(0, 10);
}

test('an event created by an admin appears in the tablet picker', async ({ page, server, browser }) => {
  await addUser(server, 'sun.admin', 'admin', PASSWORD);
  await addUser(server, 'li.officer', 'officer', PASSWORD);
  const desk = await workspaceDesk(browser, server.url, {
    user: 'sun.admin', password: PASSWORD, next: '/manage/events', viewport: { width: 1180, height: 820 },
  });
  await expect(desk.getByTestId('events-tab')).toHaveAttribute('aria-current', 'page');
  await expect(desk.getByTestId('events-empty')).toBeVisible();

  const name = '第二十一届中国西部国际博览会';
  await desk.getByTestId('new-event-name').fill(name);
  await desk.getByTestId('new-event-starts').fill(shanghaiDay(1));
  await desk.getByTestId('new-event-ends').fill(shanghaiDay(-1));
  await desk.getByTestId('add-event').click();
  await expectOnScreenAndUncovered(desk, desk.getByTestId('event-error-ends_on'));
  await expect(desk.getByTestId('new-event-name')).toHaveValue(name);
  await desk.screenshot({ path: 'test-results/screens/events-error-zh.png', fullPage: true });

  await desk.getByTestId('new-event-starts').fill(shanghaiDay(-1));
  await desk.getByTestId('new-event-ends').fill(shanghaiDay(3));
  await desk.getByTestId('new-event-venue').fill('中国西部国际博览城');
  await desk.getByTestId('add-event').click();
  await expectOnScreenAndUncovered(desk, desk.getByTestId('events-notice'));
  await expect(desk.getByTestId('event-row')).toContainText(name);

  // The tablet: after its sync the listed event is the day's default and first in the picker.
  await logInOnTablet(page, 'li.officer', PASSWORD);
  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
  await page.goto('/');
  await appReady(page);
  await expect(page.locator('#known-events option').first()).toHaveAttribute('value', name);
  const eventField = page.locator('#f-event');
  await expect(eventField).toHaveValue(name);
  await expect(page.getByTestId('event-listed')).toContainText('中国西部国际博览城');
  await page.screenshot({ path: 'test-results/screens/capture-listed-event-zh.png' });
  await captureAndConfirm(page, { company: '资阳临空食品有限公司', contact: '王芳', mobile: '13700000001' });
  await expect(eventField).toHaveValue(name);

  // Offline, after a reload, the list is still there.
  await page.context().setOffline(true);
  await page.reload();
  await appReady(page);
  await expect(page.locator('#known-events option').first()).toHaveAttribute('value', name);
  await page.context().setOffline(false);
  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });

  // The event's page counts the lead.
  await desk.getByTestId('event-row').getByRole('link').click();
  await expect(desk.getByTestId('capture-row')).toContainText('li.officer');
  await desk.screenshot({ path: 'test-results/screens/event-page-zh.png', fullPage: true });
  await desk.locator('.lang-toggle').click();
  await expect(desk.locator('h2').first()).toHaveText('Captures per officer per day');
  await desk.screenshot({ path: 'test-results/screens/event-page-en.png', fullPage: true });
});
