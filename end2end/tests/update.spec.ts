// The cached app: a new build replaces the one a tablet cached, cleanly, without losing leads; a
// tablet still running the last build syncs its queue first and is then offered the update.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, logInOnTablet, offlineReady, serverCompanies, test } from '../support/fixtures';
import { addUser, freePort, ServerProcess, SITE_ROOT } from '../support/server';

const PASSWORD = 'a long enough password';

test('a new build replaces the cached app: old caches are deleted and the new one works offline', async ({ browser }) => {
  // A copy of the built site whose files this test can change, as a deployment would.
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-site-'));
  fs.cpSync(SITE_ROOT, site, { recursive: true });
  const server = new ServerProcess(await freePort(), { LEPTOS_SITE_ROOT: site });
  await server.start();
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await page.goto('/');
    await appReady(page);
    await offlineReady(page);
    await captureAndConfirm(page, { company: '升级前录入的企业', contact: '赵六', mobile: '13800000021' });
    const before = await page.evaluate(() => caches.keys());
    expect(before).toHaveLength(1);

    // Deploy "another build": the stylesheet changes, so the build id and the cache name change.
    await server.kill();
    fs.appendFileSync(path.join(site, 'pkg', 'zhaoshang.css'), '\n/* next build */\n');
    await server.start();
    await page.reload();
    // The new worker installs its cache beside the old one, then deletes the old one on activation.
    await expect
      .poll(async () => page.evaluate(() => caches.keys()), { timeout: 15_000 })
      .toEqual([expect.not.stringMatching(`^${before[0]}$`)]);
    const after = await page.evaluate(() => caches.keys());
    expect(after).toHaveLength(1);
    const css = await page.evaluate(async (name) => (await (await caches.open(name)).match('/pkg/zhaoshang.css'))?.text(), after[0]);
    expect(css).toContain('next build');

    // The new build serves the app offline, with the lead captured under the old one.
    await server.kill();
    await page.goto('/leads');
    await appReady(page);
    await expect(page.getByTestId('lead-row')).toContainText('升级前录入的企业');
  } finally {
    await context.close();
    await server.kill();
    fs.rmSync(site, { recursive: true, force: true });
  }
});

test('a tablet still running the last build sends its queue to the upgraded server first, then is offered the update', async ({ browser, request }) => {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-site-'));
  fs.cpSync(SITE_ROOT, site, { recursive: true });
  const server = new ServerProcess(await freePort(), { LEPTOS_SITE_ROOT: site });
  await server.start();
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await logInOnTablet(page, 'li.wei', PASSWORD);
    await offlineReady(page);
    // Captured offline under the old build: they wait in its queue.
    await server.kill();
    for (const [i, company] of ['升级当天的企业甲', '升级当天的企业乙'].entries()) {
      await captureAndConfirm(page, { company, contact: `联系人${i}`, mobile: `1380000003${i}` });
    }
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '2');

    // The server is upgraded (another build) while this page still runs the old one.
    fs.appendFileSync(path.join(site, 'pkg', 'zhaoshang.css'), '\n/* next build */\n');
    await server.start();
    await page.getByTestId('sync-now').tap();
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
    // The queue went first; only then is the update offered, on screen.
    const update = page.getByTestId('update-ready');
    await expect(update).toBeVisible();
    await expectOnScreenAndUncovered(page, update);
    await page.screenshot({ path: 'test-results/screens/update-ready-zh.png' });
    // In portrait and in English, too.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByTestId('lang-toggle').tap();
    await expect(update).toContainText('new version');
    await expectOnScreenAndUncovered(page, update);
    await page.screenshot({ path: 'test-results/screens/update-ready-en-portrait.png' });
    const oldBuild = await page.locator('meta[name="zs-build"]').getAttribute('content');
    await update.tap();
    await appReady(page);
    await expect.poll(async () => page.locator('meta[name="zs-build"]').getAttribute('content'), { timeout: 15_000 }).not.toBe(oldBuild);
    await expect(page.getByTestId('update-ready')).toHaveCount(0);
    // Nothing lost: the server has both.
    expect(await serverCompanies(request, server.url, 'li.wei', PASSWORD)).toEqual(['升级当天的企业乙', '升级当天的企业甲']);
  } finally {
    await context.close();
    await server.kill();
    fs.rmSync(site, { recursive: true, force: true });
  }
});
