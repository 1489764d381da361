// Capturing leads at the booth: saved on the tablet, found after a reload, refused when invalid,
// searchable, deletable with undo, exportable offline.
import { appReady, captureAndConfirm, captureLead, expect, expectOnScreenAndUncovered, listedCompanies, test } from '../support/fixtures';

test('a captured lead is stored on the tablet and found after a reload', async ({ page }) => {
  await page.goto('/');
  await appReady(page);

  await captureAndConfirm(page, { company: '成都蜀味预制菜有限公司', contact: '王芳', mobile: '138 0013 8000', event: '第十九届西博会' });
  await page.reload();
  await appReady(page);

  // The current event is remembered for the next lead.
  await expect(page.locator('#f-event')).toHaveValue('第十九届西博会');
  expect(await listedCompanies(page)).toEqual(['成都蜀味预制菜有限公司']);
  await expect(page.getByTestId('lead-row')).toContainText('13800138000');
  await expect(page.getByTestId('lead-count')).toHaveText('1');
});

test('a lead without company or consent is refused with Chinese messages and nothing is stored', async ({ page }) => {
  await page.goto('/');
  await appReady(page);

  await captureLead(page, { company: '', contact: '李强', mobile: '13912345678', consent: false });

  await expect(page.locator('#err-company_name')).toHaveText('必填');
  await expect(page.locator('#err-consent')).toHaveText('须经客商同意后才能保存');
  // Each message sits right under its own field.
  await expect(page.locator('.field:has(#f-company_name) #err-company_name')).toBeVisible();
  await expect(page.locator('#f-company_name')).toBeFocused();
  await expect(page.getByTestId('toast')).toContainText('有 2 处需要修改');
  await expectOnScreenAndUncovered(page, page.locator('#err-company_name'));

  await page.reload();
  await appReady(page);
  await expect(page.getByTestId('lead-count')).toHaveText('0');
  expect(await listedCompanies(page)).toEqual([]);
});

test('a tablet whose clock is far off is told once, beside the consent, on screen and not under the save bar', async ({ page }) => {
  // A tablet whose battery ran flat wakes up in 1970.
  await page.clock.install({ time: new Date('1970-01-02T09:00:00+08:00') });
  await page.goto('/');
  await appReady(page);

  await captureLead(page, { company: '时钟有误测试公司', contact: '赵明', mobile: '13800138001' });
  const message = page.locator('#err-clock');
  await expect(message).toHaveText(/平板的日期时间有误/);
  // One message for the one clock, though the consent, the capture and the edit all took it.
  await expect(page.locator('.field-error')).toHaveCount(1);
  await expect(page.locator('.field.consent #err-clock')).toBeVisible();
  await expect(page.locator('#f-consent')).toBeFocused();
  await expect(page.getByTestId('toast')).toContainText('有 1 处需要修改');
  await expectOnScreenAndUncovered(page, message);

  await page.reload();
  await appReady(page);
  await expect(page.getByTestId('lead-count')).toHaveText('0');
});

test('invalid contact details are explained next to their fields', async ({ page }) => {
  await page.goto('/');
  await appReady(page);

  await captureLead(page, { company: '重庆渝味食品', contact: '陈静', mobile: '12345' });
  await expect(page.locator('#err-mobile')).toContainText('11 位手机号');

  await page.getByTestId('more-toggle').tap();
  await page.fill('#f-credit_code', '91350100M000100Y44');
  await page.fill('#f-intended_investment', '1.23456');
  await page.getByTestId('unit-yi').tap();
  await page.fill('#f-mobile', '13912345678');
  await page.getByTestId('save').tap();
  await expect(page.locator('#err-credit_code')).toContainText('校验位');
  await expect(page.locator('#err-intended_investment')).toContainText('小数位太多');
  await expect(page.locator('#err-mobile')).toHaveCount(0);

  await page.fill('#f-credit_code', '91350100M000100Y43');
  await page.fill('#f-intended_investment', '1.5');
  await page.getByTestId('save').tap();
  await expect(page.getByTestId('toast')).toContainText('重庆渝味食品');
});

test('leads are listed newest first, searched, filtered by event, edited and deleted with undo', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  await captureAndConfirm(page, { company: '四川天然气装备', contact: '赵磊', mobile: '13800000001', event: '西博会' });
  await captureAndConfirm(page, { company: '深圳医疗器械', contact: '孙丽', wechat: 'sunli_szmed', event: '西博会' });
  await captureAndConfirm(page, { company: '资阳柑橘合作社', contact: '周杰', mobile: '13800000003', event: '雁江推介会' });

  expect(await listedCompanies(page)).toEqual(['资阳柑橘合作社', '深圳医疗器械', '四川天然气装备']);

  await page.getByTestId('search').fill('孙丽');
  await expect(page.getByTestId('lead-row')).toHaveCount(1);
  await expect(page.getByTestId('lead-row')).toContainText('深圳医疗器械');
  await page.getByTestId('search').fill('');
  await page.getByTestId('event-filter').selectOption('雁江推介会');
  await expect(page.getByTestId('lead-row')).toHaveCount(1);
  await expect(page.getByTestId('lead-row')).toContainText('资阳柑橘合作社');
  await page.getByTestId('event-filter').selectOption('');

  // Open and edit.
  await page.getByTestId('lead-row').filter({ hasText: '深圳医疗器械' }).locator('a').tap();
  await appReady(page);
  await expect(page.locator('#f-company_name')).toHaveValue('深圳医疗器械');
  await page.fill('#f-contact_title', '总经理');
  await page.getByTestId('save').tap();
  await expect(page).toHaveURL(/\/leads$/);
  await page.reload();
  await appReady(page);
  await page.getByTestId('lead-row').filter({ hasText: '深圳医疗器械' }).locator('a').tap();
  await expect(page.locator('#f-contact_title')).toHaveValue('总经理');

  // Delete, undo, delete for good.
  await page.goto('/leads');
  await appReady(page);
  const row = page.getByTestId('lead-row').filter({ hasText: '四川天然气装备' });
  await row.getByTestId('delete').tap();
  await row.getByTestId('delete-reason-mistake').tap();
  await expect(page.getByTestId('lead-row')).toHaveCount(2);
  await page.getByTestId('undo').tap();
  await expect(page.getByTestId('lead-row')).toHaveCount(3);
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId('lead-row')).toHaveCount(3);
  await page.getByTestId('lead-row').filter({ hasText: '四川天然气装备' }).getByTestId('delete').tap();
  await page.getByTestId('delete-reason-test').tap();
  await expect(page.getByTestId('toast')).toContainText('已删除');
  await page.reload();
  await appReady(page);
  expect(await page.locator('[data-testid="lead-row"] .company').allTextContents()).toEqual(['资阳柑橘合作社', '深圳医疗器械']);
});

test('every lead can be exported as CSV and JSON without a network', async ({ page, context }) => {
  await page.goto('/');
  await appReady(page);
  await captureAndConfirm(page, { company: '蜀味, 预制菜', contact: '王芳', mobile: '13800138000' });
  await page.goto('/leads');
  await appReady(page);
  await context.setOffline(true);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').tap()]);
  expect(csv.suggestedFilename()).toMatch(/^zhaoshang-leads-\d{8}-\d{4}\.csv$/);
  const csvText = (await (await csv.createReadStream()).toArray()).join('');
  const lines = csvText.replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain('企业名称');
  expect(lines[1]).toContain('"蜀味, 预制菜"');

  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').tap()]);
  const leads = JSON.parse((await (await json.createReadStream()).toArray()).join(''));
  expect(leads).toHaveLength(1);
  expect(leads[0].company_name).toBe('蜀味, 预制菜');
  expect(leads[0].consent.text_version).toBe('2026-11-v1');
});

test('without a usable IndexedDB (as in some private modes) every screen says leads cannot be saved', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
  await page.goto('/leads');
  await expect(page.getByTestId('store-failed')).toContainText('无法打开本机存储');
  await page.goto('/');
  await expect(page.getByTestId('store-failed')).toBeVisible();
});
