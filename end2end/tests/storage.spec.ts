// The tablet never loses a lead to its own storage: every save is also appended to a journal in
// the Origin Private File System, and a database the browser lost is rebuilt from it at the next
// start, with what was waiting still waiting, and synced once the officer is online.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, Page } from '@playwright/test';

import { appReady, captureAndConfirm, expect, listedCompanies, logInOnTablet, offlineReady, serverCompanies, test } from '../support/fixtures';
import { addUser } from '../support/server';

const PASSWORD = 'a long enough password';

/** Deletes the tablet's IndexedDB database as the browser does when it gives up on it, from a
 * page of the site that does not run the app (so no connection holds it open). */
async function loseTheDatabase(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/manifest.webmanifest`);
  const outcome = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('zhaoshang');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve('error');
        request.onblocked = () => resolve('blocked');
      }),
  );
  expect(outcome).toBe('deleted');
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(names).not.toContain('zhaoshang');
}

test('a database the browser deleted is rebuilt from the journal, the officer is told, and the leads still sync', async ({ page, server, request }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await page.goto('/');
  await appReady(page);
  const companies = ['资阳临空食品', '雁江康养中心', '西部冷链仓储'];
  for (const [i, company] of companies.entries()) {
    await captureAndConfirm(page, { company, contact: `联系人${i}`, mobile: `1370000000${i}`, event: '西博会' });
  }

  await loseTheDatabase(page, server.url);
  await page.goto('/');
  await appReady(page);
  await expect(page.getByTestId('recovered')).toContainText('已从平板的备份日志恢复 3 条线索');
  await expect(page.getByTestId('lead-count')).toHaveText('3');
  expect((await listedCompanies(page)).sort()).toEqual([...companies].sort());

  // Restored to the database itself: a second start finds them without the journal's help.
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId('lead-count')).toHaveText('3');
  await expect(page.getByTestId('recovered')).toHaveCount(0);

  // What was waiting is still waiting, and goes to the server once the officer logs in.
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 35_000 });
  expect(await serverCompanies(request, server.url, 'li.wei', PASSWORD)).toEqual([...companies].sort());
});

test('a lead deleted on the tablet stays deleted when the database is rebuilt', async ({ page, server }) => {
  await page.goto('/');
  await appReady(page);
  await captureAndConfirm(page, { company: '留下的公司', contact: '甲', mobile: '13700000001' });
  await captureAndConfirm(page, { company: '删掉的公司', contact: '乙', mobile: '13700000002' });
  await page.goto('/leads');
  await appReady(page);
  await page.getByTestId('lead-row').filter({ hasText: '删掉的公司' }).getByTestId('delete').tap();
  await page.getByTestId('delete-reason-mistake').tap();
  await expect(page.getByTestId('toast')).toContainText('已删除');

  await loseTheDatabase(page, server.url);
  await page.goto('/');
  await appReady(page);
  await expect(page.getByTestId('recovered')).toContainText('恢复 1 条线索');
  expect(await listedCompanies(page)).toEqual(['留下的公司']);
});

/** A small filesystem of its own for a Chromium profile (tmpfs; needs root, as in CI). */
function smallDisk(megabytes: number): { dir: string; fill: () => void; free: () => void; unmount: () => void } | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zs-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    // A plain file takes every byte left, as a camera roll or a download would.
    fill: () => {
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'pipe' });
      } catch {
        // dd stops with "No space left on device": that is the point.
      }
    },
    free: () => rmSync(filler, { force: true }),
    unmount: () => {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('on a full disk no lead saved before is lost, through saves, reloads and a browser restart, and all sync once space returns', async ({ server, request }) => {
  const disk = smallDisk(96);
  test.skip(disk === null, 'mounting a small filesystem needs root');
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  const profile = path.join(disk!.dir, 'profile');
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1180, height: 820 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      baseURL: server.url,
    });
  let context = await launch();
  try {
    let page = await context.newPage();
    await logInOnTablet(page, 'li.wei', PASSWORD);
    // Offline from here on: the leads stay on the tablet.
    await offlineReady(page);
    await server.kill();
    const saved: string[] = [];
    for (let i = 0; i < 5; i++) {
      const company = `满盘前公司${i}`;
      await captureAndConfirm(page, { company, contact: `联系人${i}`, mobile: `1370000001${i}` });
      saved.push(company);
    }

    disk!.fill();
    // Saves on the full disk: each one is either confirmed (then it must survive) or refused
    // with a message in Chinese, never a raw browser error.
    for (let i = 0; i < 5; i++) {
      const company = `满盘后公司${i}`;
      // One toast at a time: let the last one go, so the one read is this save's.
      await expect(page.getByTestId('toast')).toBeHidden({ timeout: 15_000 });
      await page.fill('#f-company_name', company);
      await page.fill('#f-contact_name', `联系人${i}`);
      await page.fill('#f-mobile', `1370000002${i}`);
      await page.check('#f-consent');
      await page.getByTestId('save').tap();
      const toast = page.getByTestId('toast');
      await expect(toast).toBeVisible();
      const text = (await toast.textContent()) ?? '';
      if (text.includes(company) || text.includes('备份日志')) saved.push(company);
      else expect(text).toMatch(/存储|空间/);
      expect(text).not.toMatch(/[A-Za-z]{6,}/);
    }
    // The network is back (the shell itself comes from the server: a full disk can cost the
    // service worker's cache, which the browser then fetches again).
    await server.start();
    expect(saved.length, 'the ballast lets the full disk take some saves').toBeGreaterThan(5);

    const listed = async (p: typeof page) => {
      await p.goto('/leads');
      await appReady(p);
      await expect(p.getByTestId('lead-count')).toHaveText(String(saved.length), { timeout: 15_000 });
      return (await p.locator('[data-testid="lead-row"] .company').allTextContents()).sort();
    };
    expect(await listed(page)).toEqual([...saved].sort());

    // The browser restarts with the disk still full.
    await context.close();
    context = await launch();
    page = await context.newPage();
    expect(await listed(page)).toEqual([...saved].sort());

    // Space returns: everything saved reaches the server.
    disk!.free();
    await page.goto('/');
    await appReady(page);
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 45_000 });
    expect(await serverCompanies(request, server.url, 'li.wei', PASSWORD)).toEqual([...saved].sort());
  } finally {
    await context.close().catch(() => {});
    disk!.unmount();
  }
});
