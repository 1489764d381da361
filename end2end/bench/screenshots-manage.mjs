// Screenshots of the manager workspace on the demo data, at tablet size (1180x820 landscape and
// 820x1180 portrait) and on a desk screen (1440x900), in Chinese and English.
// Usage (after `cargo leptos build --release`): node end2end/bench/screenshots-manage.mjs [out-dir]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from '@playwright/test';

import { launchOptions, startServer } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.ZS_SERVER_BIN ?? path.join(ROOT, 'target', 'release', 'server');
const out = process.argv[2] ?? 'docs/screenshots';
const PASSWORD = 'a long enough password';

function run(server, args, input = '') {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: { ...process.env, DATABASE_URL: server.databaseUrl, RUST_LOG: 'warn' }, stdio: ['pipe', 'ignore', 'inherit'] });
    child.stdin.end(input);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`server ${args.join(' ')}: ${code}`))));
  });
}

const server = await startServer();
await run(server, ['demo']);
await run(server, ['user', 'add', 'zhao.manager', '--role', 'manager', '--department', '领导小组办公室'], `${PASSWORD}\n`);
const browser = await chromium.launch(launchOptions);
try {
  for (const [name, viewport] of [['landscape', { width: 1180, height: 820 }], ['portrait', { width: 820, height: 1180 }], ['desk', { width: 1440, height: 900 }]]) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=/manage/leads`);
    await page.locator('main[data-ready="true"]').waitFor();
    await page.fill('#f-username', 'zhao.manager');
    await page.fill('#f-password', PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => u.pathname === '/manage/leads');
    await page.screenshot({ path: `${out}/manage-leads-${name}.png` });
    await page.goto(`${server.url}/manage/leads?stage=signed&sort=company`);
    await page.screenshot({ path: `${out}/manage-leads-filtered-${name}.png` });
    await page.locator('[data-testid=lead-row] td.company a').first().click();
    await page.screenshot({ path: `${out}/manage-lead-${name}.png`, fullPage: true });
    await page.goto(`${server.url}/manage/overdue`);
    await page.screenshot({ path: `${out}/manage-overdue-${name}.png` });
    await page.goto(`${server.url}/manage/duplicates`);
    await page.screenshot({ path: `${out}/manage-duplicates-${name}.png` });
    await page.goto(`${server.url}/manage/dashboard?period=2023`);
    await page.screenshot({ path: `${out}/manage-dashboard-${name}.png`, fullPage: true });
    await page.goto(`${server.url}/manage/targets`);
    await page.screenshot({ path: `${out}/manage-targets-${name}.png` });
    if (name === 'landscape') {
      await page.goto(`${server.url}/lang/en?back=/manage/dashboard?period=2023-Q2`);
      await page.screenshot({ path: `${out}/manage-dashboard-en-${name}.png`, fullPage: true });
      await page.goto(`${server.url}/manage/leads`);
      await page.screenshot({ path: `${out}/manage-leads-en-${name}.png` });
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.kill();
}
