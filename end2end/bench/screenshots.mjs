// Screenshots of every screen at tablet size (1180x820, landscape, and 820x1180, portrait), in
// Chinese and English, for review and for the README. Usage (after `cargo leptos build --release`):
//   node end2end/bench/screenshots.mjs [out-dir]
import { chromium } from '@playwright/test';

import { launchOptions, startServer } from './lib.mjs';

const out = process.argv[2] ?? 'docs/screenshots';
const server = await startServer();
const browser = await chromium.launch(launchOptions);
try {
  for (const [orientation, viewport] of [['landscape', { width: 1180, height: 820 }], ['portrait', { width: 820, height: 1180 }]]) {
    const context = await browser.newContext({ viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const ready = () => page.locator('main[data-ready="true"]').waitFor();
    await page.goto(`${server.url}/`);
    await ready();
    await page.screenshot({ path: `${out}/capture-${orientation}.png` });
    await page.goto(`${server.url}/login`);
    await ready();
    await page.screenshot({ path: `${out}/login-${orientation}.png` });
    await page.goto(`${server.url}/`);
    await ready();

    // Three leads, then an attempt without company and consent.
    const leads = [
      ['成都蜀味预制菜有限公司', '王芳', '13800138000', '第十九届西博会'],
      ['深圳康源医疗器械股份有限公司', '孙丽', '13912345678', '第十九届西博会'],
      ['重庆渝鲜冷链物流有限公司', '陈静', '13700001111', '雁江食品饮料专题推介会'],
    ];
    for (const [company, contact, mobile, event] of leads) {
      await page.fill('#f-event', event);
      await page.fill('#f-company_name', company);
      await page.fill('#f-contact_name', contact);
      await page.fill('#f-mobile', mobile);
      await page.check('#f-consent');
      await page.getByTestId('save').tap();
      await page.getByTestId('toast').filter({ hasText: company }).waitFor();
    }
    await page.screenshot({ path: `${out}/capture-saved-${orientation}.png` });
    await page.fill('#f-contact_name', '李强');
    await page.getByTestId('save').tap();
    await page.locator('#err-company_name').waitFor();
    await page.screenshot({ path: `${out}/capture-errors-${orientation}.png` });
    await page.getByTestId('more-toggle').tap();
    await page.locator('#f-credit_code').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/capture-more-${orientation}.png` });

    await page.goto(`${server.url}/leads`);
    await ready();
    await page.screenshot({ path: `${out}/leads-${orientation}.png`, fullPage: true });
    await page.locator('[data-testid="lead-row"] a').first().tap();
    await ready();
    await page.screenshot({ path: `${out}/edit-${orientation}.png` });

    await page.getByTestId('lang-toggle').tap();
    await page.goto(`${server.url}/`);
    await ready();
    await page.screenshot({ path: `${out}/capture-en-${orientation}.png` });
    await page.goto(`${server.url}/leads`);
    await ready();
    await page.screenshot({ path: `${out}/leads-en-${orientation}.png`, fullPage: true });
    await context.close();
  }
} finally {
  await browser.close();
  await server.kill();
}
console.log(`screenshots written to ${out}`);
