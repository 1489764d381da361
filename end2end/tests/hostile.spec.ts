// What a hostile page or link does to a signed-in manager, in a real browser: a page on another
// port of the same host (same site to the browser, so the SameSite cookie goes along) posting a
// workspace form, links that try to send the browser off-site after login or a language switch,
// and every screen under the server's Content-Security-Policy without a violation.
import http from 'node:http';
import { AddressInfo } from 'node:net';

import { Page } from '@playwright/test';

import { appReady, expect, test } from '../support/fixtures';
import { addUser, loadDemo } from '../support/server';

const PASSWORD = 'a long enough password';

async function logIn(page: Page, next: string, user = 'zhao.manager'): Promise<void> {
  await page.goto(`/login?next=${next}`);
  await appReady(page);
  await page.fill('#f-username', user);
  await page.fill('#f-password', PASSWORD);
  await page.getByTestId('login-submit').tap();
}

/** Collects the page's Content-Security-Policy violations. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return violations;
}

test('every screen works under the Content-Security-Policy without a violation', async ({ page, server }) => {
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  const violations = await watchViolations(page);
  for (const path of ['/', '/leads', '/login']) {
    const response = await page.goto(path);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval' 'nonce-");
    await appReady(page);
  }
  await logIn(page, '%2Fmanage%2Fdashboard');
  await expect(page).toHaveURL(/\/manage\/dashboard$/);
  await page.goto('/manage/leads');
  await expect(page.getByTestId('lead-filters')).toBeVisible();
  expect(violations).toEqual([]);
});

test('a page on another port cannot post a workspace form as the signed-in manager', async ({ page, server }) => {
  await loadDemo(server, 30);
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  await logIn(page, '%2Fmanage%2Fleads');
  await expect(page).toHaveURL(/\/manage\/leads$/);
  const href = await page.locator('table a[href^="/manage/leads/"]').first().getAttribute('href');
  await page.goto(href!);
  const stageBefore = await page.getByTestId('stage-to').inputValue();
  const progressBefore = await page.locator('.lead-columns').textContent();

  // The attacker's page, on 127.0.0.1 as well: the browser sends the session cookie along.
  const evil = http.createServer((_, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!DOCTYPE html><form id="f" method="post" action="${server.url}${href}/stage">
      <input name="to" value="dropped"><input name="on" value="2026-10-01"><input name="reason" value="forged">
      </form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  try {
    await page.goto(evilUrl);
    await expect(page.getByTestId('notice')).toContainText('已拒绝');
  } finally {
    evil.close();
  }
  await page.goto(href!);
  expect(await page.getByTestId('stage-to').inputValue()).toBe(stageBefore);
  expect(await page.locator('.lead-columns').textContent()).toBe(progressBefore);
  await expect(page.locator('.lead-columns')).not.toContainText('forged');
});

test('links cannot send the browser off the site after login or a language switch', async ({ page, server }) => {
  await addUser(server, 'zhao.manager', 'manager', PASSWORD);
  const origin = new URL(server.url).origin;
  await logIn(page, '%2F%09%2Fevil.example%2F');
  await page.waitForURL((url) => url.pathname === '/' || url.origin !== origin);
  expect(new URL(page.url()).origin).toBe(origin);

  for (const back of ['/%09/evil.example', '/%5Cevil.example', '//evil.example']) {
    await page.goto(`/lang/en?back=${back}`);
    expect(new URL(page.url()).origin, back).toBe(origin);
  }
});
