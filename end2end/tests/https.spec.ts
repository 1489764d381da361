// A tablet that reaches the server by a name, as at a fair (zs-fair.test, mapped to 127.0.0.1 by
// Chromium's resolver so the browser does not treat it as localhost). Over plain HTTP the page
// works but says the offline app cannot install; over HTTPS, with the certificate `server cert`
// made (its key trusted by this browser profile, as a tablet trusts the installed CA), the service
// worker installs, the server is stopped, the app reopens offline and captures, and the lead syncs
// once the server is back.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { BrowserContext, chromium } from '@playwright/test';

import { appReady, captureAndConfirm, expect, expectOnScreenAndUncovered, offlineReady, test } from '../support/fixtures';
import { addUser, freePort, makeCertificate, ServerProcess } from '../support/server';

const PASSWORD = 'a long enough password';
const HOST = 'zs-fair.test';

/** The base64 SHA-256 of the certificate's public key: what Chromium is told to accept. */
function spki(certPem: string): string {
  const der = new crypto.X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('base64');
}

async function tablet(profile: string, spkiHash?: string): Promise<BrowserContext> {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`];
  if (spkiHash) args.push(`--ignore-certificate-errors-spki-list=${spkiHash}`);
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args,
    viewport: { width: 1180, height: 820 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    serviceWorkers: 'allow',
  });
}

async function logIn(context: BrowserContext, origin: string) {
  const page = await context.newPage();
  await page.goto(`${origin}/login`);
  await appReady(page);
  await page.fill('#f-username', 'li.wei');
  await page.fill('#f-password', PASSWORD);
  await page.getByTestId('login-submit').tap();
  await expect(page).toHaveURL(`${origin}/`);
  await appReady(page);
  return page;
}

test('by a name over plain HTTP the offline app cannot install and the tablet is told so', async ({ server }) => {
  await addUser(server, 'li.wei', 'officer', PASSWORD);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-http-'));
  const context = await tablet(profile);
  try {
    const page = await logIn(context, `http://${HOST}:${server.port}`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    expect(await page.evaluate(() => 'serviceWorker' in navigator)).toBe(false);
    await expectOnScreenAndUncovered(page, page.getByTestId('insecure-origin'));
    await page.screenshot({ path: 'test-results/screens/insecure-origin-zh.png' });
  } finally {
    await context.close();
  }
});

test('over HTTPS by a name the offline app installs, reopens without the server and captures', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-tls-'));
  const env = await makeCertificate(path.join(dir, 'tls'), HOST);
  const server = new ServerProcess(await freePort(), env);
  await server.start();
  const profile = path.join(dir, 'profile');
  let context = await tablet(profile, spki(fs.readFileSync(env.ZS_TLS_CERT, 'utf8')));
  try {
    await addUser(server, 'li.wei', 'officer', PASSWORD);
    const origin = `https://${HOST}:${server.port}`;
    let page = await logIn(context, origin);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await expect(page.getByTestId('insecure-origin')).toHaveCount(0);
    await offlineReady(page);

    // The server goes away; the browser is restarted too: the app opens from its offline shell.
    await server.kill();
    await context.close();
    context = await tablet(profile, spki(fs.readFileSync(env.ZS_TLS_CERT, 'utf8')));
    page = await context.newPage();
    await page.goto(`${origin}/`);
    await appReady(page);
    await captureAndConfirm(page, { company: '会场离线公司', contact: '王芳', mobile: '13700000001' });
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '1');

    await server.start();
    await page.getByTestId('sync-now').tap();
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-pending', '0', { timeout: 20_000 });
  } finally {
    await context.close().catch(() => {});
    await server.kill();
  }
});
