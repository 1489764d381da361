// What the capture screen tells and shows an officer, tried as a new user would: the sync bar says
// only what is true before the first login, the header follows whether the server answers, long
// names and English labels fit, messages stay clear of the save bar, an edit is confirmed, and an
// officer can log out of a shared tablet, warned of what has not been synced.
import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, logInOnTablet, test } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

test('before the first login the sync bar claims nothing was synced', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  const status = page.getByTestId('sync-pending');
  await expect(status).toHaveText('本机没有待同步的线索');
  await expect(page.getByTestId('sync-last')).toHaveText('尚未同步');
  await expect(page.locator('.sync-bar')).not.toContainText('已全部同步');
  // A lead captured before any login waits, and the bar says how to send it.
  await captureAndConfirm(page, { company: '成都首次录入有限公司', contact: '周到', mobile: '13800138000' });
  await expect(status).toHaveText('待同步 1 条');
  // The next contact starts at the top of the empty form, the bar in view above it.
  await expectOnScreenAndUncovered(page, status);
  await expect(page.getByTestId('sync-login')).toBeVisible();
});

test('the header says the server cannot be reached while it cannot, and online again once it answers', async ({ page, server }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  const net = page.getByTestId('net-status');
  await expect(net).toHaveText('在线');
  await server.kill();
  await page.getByTestId('sync-now').tap();
  await expect(net).toHaveText('连不上服务器');
  await expect(net).toHaveClass(/offline/);
  // In English on a portrait tablet the header's labels stay whole (it may take a second row).
  await page.getByTestId('lang-toggle').tap();
  await page.setViewportSize({ width: 820, height: 1180 });
  await expect(net).toHaveText('Server unreachable');
  for (const item of [net, page.getByTestId('nav-leads'), page.getByTestId('lang-toggle')]) {
    // The lines a label takes: one box per line of each of its text nodes.
    const lines = await item.evaluate((el) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let most = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        most = Math.max(most, range.getClientRects().length);
      }
      return most;
    });
    expect(lines, `"${await item.textContent()}" on one line`).toBe(1);
  }
  await page.getByTestId('lang-toggle').tap();
  await page.setViewportSize({ width: 1180, height: 820 });
  await server.start();
  await page.getByTestId('sync-now').tap();
  await expect(net).toHaveText('在线');
});

test('a long company name fits its field, in English the amount keeps room to type, a lone consent error and "more" are on screen', async ({ page }, testInfo) => {
  await page.goto('/');
  await appReady(page);
  const company = page.locator('#f-company_name');
  await company.fill('中国电子科技集团公司第二十九研究所成都分所有限公司');
  const fits = await company.evaluate((input: HTMLInputElement) => input.scrollWidth <= input.clientWidth);
  expect(fits, 'the whole 24-character name is visible').toBe(true);

  // Everything else right, consent not asked: the message is on screen, not under the save bar.
  await page.fill('#f-contact_name', '王强');
  await page.fill('#f-mobile', '13912345678');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('save').tap();
  await expectOnScreenAndUncovered(page, page.locator('#err-consent'));

  // "More" brought into view (as a screen reader or the keyboard does) stops clear of the save bar.
  await page.getByTestId('more-toggle').evaluate((summary) => summary.scrollIntoView({ block: 'nearest' }));
  await expectOnScreenAndUncovered(page, page.getByTestId('more-toggle'));
  await page.getByTestId('more-toggle').focus();
  await expectOnScreenAndUncovered(page, page.getByTestId('more-toggle'));

  // The refusal's toast was said in Chinese: switching to English takes it away.
  await expect(page.getByTestId('toast')).toBeVisible();
  await page.getByTestId('lang-toggle').tap();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('toast')).toHaveCount(0);
  for (const viewport of [{ width: 1180, height: 820 }, { width: 820, height: 1180 }]) {
    await page.setViewportSize(viewport);
    await page.getByTestId('more-toggle').evaluate((summary) => (summary.parentElement as HTMLDetailsElement).open = true);
    const amount = page.locator('#f-intended_investment');
    await amount.scrollIntoViewIfNeeded();
    const width = await amount.evaluate((input) => input.getBoundingClientRect().width);
    expect(width, `the amount box at ${viewport.width}×${viewport.height}`).toBeGreaterThanOrEqual(120);
    await page.screenshot({ path: testInfo.outputPath(`amount-en-${viewport.width}.png`) });
  }
});

test('saving an edit is confirmed on the list it returns to', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  await captureAndConfirm(page, { company: '成都编辑确认有限公司', contact: '赵敏', mobile: '13800138000' });
  await page.goto('/leads');
  await appReady(page);
  await page.getByTestId('lead-row').first().locator('a').first().click();
  await expect(page).toHaveURL(/\/edit/);
  await appReady(page);
  await page.fill('#f-contact_name', '赵敏华');
  await page.getByTestId('save').tap();
  await expect(page).toHaveURL(/\/leads$/);
  const toast = page.getByTestId('toast');
  await expect(toast).toHaveText('已保存修改：成都编辑确认有限公司');
  await expectOnScreenAndUncovered(page, toast);
  await expect(page.getByTestId('lead-row').first()).toContainText('赵敏华');
  // Shown once: the next screen does not repeat it.
  await page.reload();
  await appReady(page);
  await expect(toast).toHaveCount(0);
});

test('an officer logs out of a shared tablet, warned first of changes not yet synced', async ({ page, server }, testInfo) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await logInOnTablet(page, 'li.wei', PASSWORD);
  // A lead captured while the server is away waits on the tablet.
  await server.kill();
  await captureAndConfirm(page, { company: '成都未同步有限公司', contact: '钱多', mobile: '13800138000' });
  await page.goto('/login');
  await appReady(page);
  await expect(page.locator('.signed-in')).toContainText('li.wei');

  // The server cannot be reached: the officer stays logged in and is told why.
  await page.getByTestId('logout').tap();
  await expect(page.getByTestId('logout-warning')).toContainText('还有 1 条修改没有同步');
  await expectOnScreenAndUncovered(page, page.getByTestId('logout-warning'));
  await page.screenshot({ path: testInfo.outputPath('logout-warning-zh.png') });
  await page.getByTestId('logout-anyway').tap();
  await expect(page.getByTestId('logout-error')).toContainText('连不上服务器');
  await expect(page.locator('.signed-in')).toContainText('li.wei');

  // With the server back, "log out anyway" ends the session.
  await server.start();
  await page.getByTestId('logout-anyway').tap();
  await expect(page.getByTestId('toast')).toHaveText('已退出登录');
  await expect(page.locator('.signed-in')).toHaveCount(0);
  await expect(page.getByTestId('officer')).toHaveText('登录');
  // The lead is still on the tablet, waiting for the next login; the session is gone.
  await page.goto('/leads');
  await appReady(page);
  await expect(page.getByTestId('lead-row')).toContainText('成都未同步有限公司');
  const me = await page.request.get('/api/v1/me');
  expect(me.status()).toBe(401);
});
