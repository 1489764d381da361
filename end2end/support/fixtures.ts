// Test fixtures: a fresh server per test, and helpers that act as an officer would.
import { APIRequestContext, Browser, chromium, expect, Page, test as base } from '@playwright/test';

import { freePort, ServerProcess } from './server';

export const test = base.extend<{ server: ServerProcess }>({
  server: async ({}, use) => {
    const server = new ServerProcess(await freePort());
    await server.start();
    await use(server);
    await server.kill();
  },
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
});

export { expect };

/** Waits until the app has hydrated and loaded every lead from the tablet's store. */
export async function appReady(page: Page): Promise<void> {
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
}

/** Waits until the service worker controls the page, i.e. the app shell is cached. */
export async function offlineReady(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

export interface LeadInput {
  company: string;
  contact: string;
  mobile?: string;
  wechat?: string;
  event?: string;
  notes?: string;
  consent?: boolean;
}

/** Fills the capture form's essentials and taps "save, next lead". */
export async function captureLead(page: Page, lead: LeadInput): Promise<void> {
  if (lead.event !== undefined) await page.fill('#f-event', lead.event);
  await page.fill('#f-company_name', lead.company);
  await page.fill('#f-contact_name', lead.contact);
  if (lead.mobile) await page.fill('#f-mobile', lead.mobile);
  if (lead.wechat) await page.fill('#f-wechat', lead.wechat);
  if (lead.notes) {
    await page.getByTestId('more-toggle').tap();
    await page.fill('#f-notes', lead.notes);
  }
  if (lead.consent ?? true) await page.check('#f-consent');
  await page.getByTestId('save').tap();
}

/** Captures a lead and waits for the confirmation that it is stored. */
export async function captureAndConfirm(page: Page, lead: LeadInput): Promise<void> {
  await captureLead(page, lead);
  await expect(page.getByTestId('toast')).toContainText(lead.company);
  await expect(page.locator('#f-company_name')).toHaveValue('');
}

/** The company names shown in the tablet's lead list, in order. */
export async function listedCompanies(page: Page): Promise<string[]> {
  await page.goto('/leads');
  await appReady(page);
  return page.locator('[data-testid="lead-row"] .company').allTextContents();
}

/**
 * Asserts that `locator` is wholly on screen and that nothing (the sticky save bar, a toast) lies
 * over it: the element a tap would reach at its centre and near each corner is the element itself
 * or inside it.
 */
export async function expectOnScreenAndUncovered(page: Page, locator: ReturnType<Page['locator']>): Promise<void> {
  await expect(locator).toBeInViewport({ ratio: 1 });
  const covered = await locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    // Inside a rounded corner's arc: the corner itself is not the element's.
    const radius = parseFloat(getComputedStyle(element).borderTopLeftRadius) || 0;
    const inset = 2 + radius * 0.3;
    const points = [
      [box.left + box.width / 2, box.top + box.height / 2],
      [box.left + inset, box.top + inset],
      [box.right - inset, box.top + inset],
      [box.left + inset, box.bottom - inset],
      [box.right - inset, box.bottom - inset],
    ];
    return points
      .map(([x, y]) => document.elementFromPoint(x, y))
      .filter((hit) => hit === null || !element.contains(hit))
      .map((hit) => (hit ? `${hit.tagName.toLowerCase()}.${hit.className}` : 'nothing'));
  });
  expect(covered, 'what lies over the element').toEqual([]);
}

/** Logs an officer in on the tablet's login page and waits for the capture form. */
export async function logInOnTablet(page: Page, name: string, password: string): Promise<void> {
  await page.goto('/login');
  await appReady(page);
  await page.fill('#f-username', name);
  await page.fill('#f-password', password);
  await page.getByTestId('login-submit').tap();
  await expect(page).toHaveURL(/\/$/);
  await appReady(page);
}

/** The company names of the leads the server holds for `name`, sorted, read through the API. */
export async function serverCompanies(request: APIRequestContext, url: string, name: string, password: string): Promise<string[]> {
  const login = await request.post(`${url}/api/v1/login`, { data: { username: name, password } });
  expect(login.status()).toBe(200);
  const { token } = await login.json();
  const leads = await request.get(`${url}/api/v1/leads`, { headers: { authorization: `Bearer ${token}` } });
  expect(leads.status()).toBe(200);
  return (await leads.json()).map((l: { lead: { company_name: string } }) => l.lead.company_name).sort();
}

/** Opens the list, taps "sync now" and waits until nothing is pending. */
export async function syncNow(page: Page): Promise<void> {
  await page.goto('/leads');
  await appReady(page);
  await page.getByTestId('sync-now').tap();
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
}

/** Another tablet: its own browser profile, tablet size and touch, as the default page is. */
export async function newTablet(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: url, viewport: { width: 1180, height: 820 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', serviceWorkers: 'allow',
  });
  return context.newPage();
}

/** A manager's or an admin's tablet in its own profile (portrait unless told), logged in as
 * `user` and on the workspace page `next`. */
export async function workspaceDesk(
  browser: Browser,
  url: string,
  options: { user: string; password: string; next: string; locale?: string; viewport?: { width: number; height: number } },
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: url, viewport: options.viewport ?? { width: 820, height: 1180 }, deviceScaleFactor: 2,
    locale: options.locale ?? 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  await page.goto(`/login?next=${options.next}`);
  await appReady(page);
  await page.fill('#f-username', options.user);
  await page.fill('#f-password', options.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(new RegExp(`${options.next.replace(/[/?]/g, (c) => `\\${c}`)}$`));
  return page;
}

/** Asks the journal's own worker (`/journal.js`, a second one beside the page's: they take turns
 * under one lock) to do `op`; returns its value. */
export async function journalOp(page: Page, op: Record<string, unknown>): Promise<any> {
  return page.evaluate(
    (message) =>
      new Promise((resolve, reject) => {
        const worker = new Worker('/journal.js');
        worker.onmessage = (event) => {
          worker.terminate();
          if (event.data.ok) resolve(event.data.value);
          else reject(new Error(`${event.data.error.name}: ${event.data.error.message}`));
        };
        worker.postMessage({ id: 1, ...message });
      }),
    op,
  );
}

/** Debian's Chromium, headless, with no network traffic of its own. */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
  });
}

/** A tablet in its own browser whose back camera shows `video` (Y4M), or that has no camera at
 * all (`null`); tablet-sized, touch, in `locale`. */
export async function cameraTablet(url: string, video: string | null, locale = 'zh-CN', viewport = { width: 1180, height: 820 }) {
  const browser = await launchChromium(
    video ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`] : [],
  );
  const context = await browser.newContext({
    baseURL: url, viewport, hasTouch: true, isMobile: true, deviceScaleFactor: 2, locale, timezoneId: 'Asia/Shanghai', serviceWorkers: 'allow',
    permissions: video ? ['camera'] : [],
  });
  return { browser, page: await context.newPage() };
}
