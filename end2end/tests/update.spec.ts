// The cached app: a new build replaces the one a tablet cached, cleanly, without losing leads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appReady, captureAndConfirm, expect, offlineReady, test } from '../support/fixtures';
import { freePort, ServerProcess, SITE_ROOT } from '../support/server';

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
