// The tablet never loses a lead to its own storage: every save is also appended to a journal in
// the Origin Private File System, and a database the browser lost is rebuilt from it at the next
// start, with what was waiting still waiting, and synced once the officer is online.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, Page } from '@playwright/test';

import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, journalOp, listedCompanies, logInOnTablet, offlineReady, serverCompanies, test } from '../support/fixtures';
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

test('a long journal is folded into a snapshot, and a lost database is rebuilt from it', async ({ page, server, request }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  await page.goto('/');
  await appReady(page);
  const companies = ['简阳空港物流', '乐至纺织', '安岳柠檬加工'];
  for (const [i, company] of companies.entries()) {
    await captureAndConfirm(page, { company, contact: `联系人${i}`, mobile: `1370000003${i}` });
  }
  // The journal as months of saves leave it: the same leads written over and over.
  await page.goto(`${server.url}/manifest.webmanifest`);
  const before = await journalOp(page, { op: 'read' });
  expect(before.log.trim().split('\n')).toHaveLength(3);
  await journalOp(page, { op: 'append', text: before.log.repeat(200) });
  const grown = await journalOp(page, { op: 'read' });
  expect(grown.sizes[0]).toBeGreaterThan(512 * 1024);

  // The next start folds it into a snapshot: one line per lead and per waiting change.
  await page.goto('/');
  await appReady(page);
  await expect.poll(async () => (await journalOp(page, { op: 'read' })).sizes[0], { timeout: 15_000 }).toBe(0);
  const after = await journalOp(page, { op: 'read' });
  const snapshot: string = after.snapshots.find((text: string) => text.length > 0);
  expect(after.snapshots.filter((text: string) => text.length > 0)).toHaveLength(1);
  const lines = snapshot.trim().split('\n');
  expect(lines[0]).toBe('{"t":"snapshot","seq":1}');
  expect(lines.at(-1)).toMatch(/^\{"t":"end","seq":1,"bytes":\d+,"fnv":\d+\}$/);
  expect(lines.slice(1, -1).map((line) => JSON.parse(line).t).sort()).toEqual(['put', 'put', 'put', 'queue', 'queue', 'queue']);
  expect(after.sizes[1] + after.sizes[2]).toBeLessThan(grown.sizes[0] / 50);

  // Rebuilt from the snapshot alone, still waiting, then synced.
  await loseTheDatabase(page, server.url);
  await page.goto('/');
  await appReady(page);
  await expect(page.getByTestId('recovered')).toContainText('已从平板的备份日志恢复 3 条线索');
  expect((await listedCompanies(page)).sort()).toEqual([...companies].sort());
  await logInOnTablet(page, 'li.wei', PASSWORD);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 35_000 });
  expect(await serverCompanies(request, server.url, 'li.wei', PASSWORD)).toEqual([...companies].sort());
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
    // With `leave`, all but that many megabytes.
    fill: (leave = 0) => {
      if (leave > 0) {
        const free = Number(execFileSync('df', ['--output=avail', '-B1M', dir]).toString().trim().split('\n').at(-1));
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', `count=${Math.max(0, free - leave)}`], { stdio: 'pipe' });
        return;
      }
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

/** Chromium on a profile in `dir`, at tablet size. `exempt`: the browser never evicts the site's
 * storage, as Chrome does not evict a site it granted persistent storage (an installed app). On a
 * full disk a failed write starts the browser's eviction, which takes a site's whole storage,
 * database, journal and offline app alike, unless it is exempt; headless Chromium cannot be made
 * to grant persistence (a permission override makes `persist()` answer true without exempting
 * the site), so `--unlimited-storage` stands in for it. */
function tabletOn(dir: string, baseURL: string, { exempt = false } = {}) {
  return chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...(exempt ? ['--unlimited-storage'] : [])],
    viewport: { width: 1180, height: 820 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL,
  });
}

test('a nearly full disk is measured, not guessed from the quota, and the officer is warned on every screen', async ({ server }) => {
  const disk = smallDisk(160);
  test.skip(disk === null, 'mounting a small filesystem needs root');
  let context = await tabletOn(disk!.dir, server.url);
  try {
    let page = await context.newPage();
    await page.goto('/leads');
    await appReady(page);
    await expect(page.getByTestId('free-space')).toContainText('剩余空间充足', { timeout: 15_000 });
    await expect(page.getByTestId('space-low')).toHaveCount(0);
    await context.close();

    // A camera roll fills the disk to within 12 MB (the 8 MB held in reserve are already taken).
    disk!.fill(12);
    context = await tabletOn(disk!.dir, server.url);
    page = await context.newPage();
    await page.goto('/leads');
    await appReady(page);
    const panel = page.getByTestId('free-space');
    await expect(panel).toContainText('剩余空间不足', { timeout: 15_000 });
    await expect(page.getByTestId('storage-status')).not.toContainText('GB');
    await page.getByTestId('storage-status').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screens/storage-panel-low-zh.png' });
    await page.goto('/');
    await appReady(page);
    const warning = page.getByTestId('space-low');
    await expect(warning).toContainText('平板存储空间快满了');
    // Headless Chromium grants no persistent storage: the officer is told what that risks.
    await expect(warning).toContainText('可能清除');
    await expect(warning).toContainText('MB');
    await expectOnScreenAndUncovered(page, warning);
    await page.screenshot({ path: 'test-results/screens/space-low-zh.png' });
    // Saving still works, and says it is saved.
    await captureAndConfirm(page, { company: '空间紧张时的公司', contact: '甲', mobile: '13700000041' });
    await page.getByTestId('lang-toggle').tap();
    await expect(warning).toContainText('nearly full');
    await page.setViewportSize({ width: 820, height: 1180 });
    await expectOnScreenAndUncovered(page, warning);
    await page.screenshot({ path: 'test-results/screens/space-low-en-portrait.png' });
    await page.goto('/leads');
    await appReady(page);
    await expect(page.getByTestId('free-space')).toContainText('Free space is short');
    await expectOnScreenAndUncovered(page, page.getByTestId('space-low'));
    await page.getByTestId('storage-status').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screens/storage-panel-low-en-portrait.png' });

    // Space freed: the next start measures again and the warning is gone.
    disk!.free();
    await page.reload();
    await appReady(page);
    await expect(page.getByTestId('lead-count')).toHaveText('1');
    await page.goto('/leads');
    await appReady(page);
    await expect(page.getByTestId('free-space')).toContainText('Free space: enough', { timeout: 15_000 });
    await expect(page.getByTestId('space-low')).toHaveCount(0);
  } finally {
    await context.close().catch(() => {});
    disk!.unmount();
  }
});

test('on a full disk no lead saved before is lost, through saves, reloads and a browser restart, and all sync once space returns', async ({ server, request }) => {
  const disk = smallDisk(96);
  test.skip(disk === null, 'mounting a small filesystem needs root');
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  const launch = () => tabletOn(disk!.dir, server.url, { exempt: true });
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
    expect(saved.length, 'the ballast lets the full disk take some saves').toBeGreaterThan(5);

    const listed = async (p: typeof page) => {
      await p.goto('/leads');
      await appReady(p);
      await expect(p.getByTestId('lead-count')).toHaveText(String(saved.length), { timeout: 15_000 });
      return (await p.locator('[data-testid="lead-row"] .company').allTextContents()).sort();
    };
    expect(await listed(page)).toEqual([...saved].sort());

    // The browser restarts with the disk still full, and still no network: the app opens from
    // the service worker's cache.
    await context.close();
    context = await launch();
    page = await context.newPage();
    expect(await listed(page)).toEqual([...saved].sort());

    // Space and the network return: everything saved reaches the server.
    disk!.free();
    await server.start();
    await page.goto('/');
    await appReady(page);
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 45_000 });
    expect(await serverCompanies(request, server.url, 'li.wei', PASSWORD)).toEqual([...saved].sort());
  } finally {
    await context.close().catch(() => {});
    disk!.unmount();
  }
});
