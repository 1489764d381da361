// Capture latency on a full tablet: how long from the officer's tap on "save" until the lead is
// durably on the tablet, with 10,000 leads already stored.
//
// How: Debian's Chromium at tablet size (1180x820, touch), a persistent on-disk profile (so
// IndexedDB really writes to disk, as on a tablet; Playwright's default contexts keep IndexedDB in
// memory). The script opens `/`, seeds 10,000 realistic leads (about 780 characters of JSON each)
// straight into IndexedDB, reloads and reports how long loading them took (navigation start to
// `main[data-ready="true"]`). It then captures 10 warm-up leads (not counted) and N leads through
// the real form: fill, tap save, wait for the form to clear and the toast to name the company.
// Figures:
//   - durable: the app's own User Timing measure `zs-capture-durable` (tap on save to the lead's
//     strict-durability transaction having committed and its journal line flushed, as the store's
//     worker sees it: public/journal.js), p50/p95/max over all N. Goal: p95 < 5 ms.
//   - told: `zs-capture-told`, tap to the page having heard so (after the frame the tap asked for).

//   - tap to form cleared: wall time seen from node (includes Playwright's round trips), p50/p95.
// Nothing is discarded. Results go to bench-results/capture-durable.json.
// Timing never fails the run; it exits non-zero only if the app misbehaves (a save never
// completes, a seeded lead cannot be read, a page error).
//
// Run (after `cargo leptos build --release`, or via scripts/bench.sh):
//   node end2end/bench/capture-durable.mjs [--n 200]
// Against another build: ZS_SERVER_BIN=/path/to/server ZS_SITE_ROOT=/path/to/site node ...
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from '@playwright/test';

import { launchOptions, percentile, startServer } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEEDED = 10_000;
const WARM_UP = 10;
const GOAL_P95_MS = 5;
const SAVE_TIMEOUT_MS = 10_000;
const RUN_DEADLINE_MS = 15 * 60_000;

/** Browser options shared by the benchmarks: a tablet, in Chinese, in China's time zone. */
export const tabletOptions = {
  ...launchOptions,
  viewport: { width: 1180, height: 820 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1,
  locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
};

/** Records, in every page of the context, `performance.now()` at the moment `main` turns ready. */
export const READY_OBSERVER = () => {
  const check = () => {
    if (window.__zsReadyAt === undefined && document.querySelector('main[data-ready="true"]')) {
      window.__zsReadyAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
};

/**
 * Runs in the page: writes `count` schema-2 lead records into the app's IndexedDB in batches of
 * `batch` per transaction. The app must have created the database already (first ready page).
 * Returns the average length of a lead's JSON.
 *
 * With `queue: { owner, device, newest }` the leads are written as the app leaves leads saved
 * offline and not yet synced (end2end/bench/backlog.mjs): captured by `owner` on `device`, the
 * newest at `newest` (ms since the epoch), time-ordered ids (UUID v7), instants with milliseconds,
 * an empty note as null (as the form's parser gives it), `server_version: 0`, and each lead's
 * change queued in the `outbox` store as `OutboxEntry` serializes it (base version 0, every
 * attribute changed, queued when the lead was captured). Where the database keeps a count of the
 * queued changes (the `meta` record `pending`, store version 4 on), it moves by the changes
 * queued, in the same transaction, as the app's own writes move it. The database must then have
 * both stores; the leads' ids are returned too.
 */
export async function seedInPage({ count, batch, tag, queue = null }) {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('zhaoshang');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const has = (name) => db.objectStoreNames.contains(name);
  if (queue ? !(has('leads') && has('outbox')) : db.version < 2 || !has('leads')) {
    db.close();
    throw new Error(`unexpected database: version ${db.version}, stores ${[...db.objectStoreNames]}`);
  }
  const places = ['成都', '重庆', '深圳', '杭州', '苏州', '西安', '武汉', '长沙', '青岛', '宁波'];
  const brands = ['蜀味', '渝鲜', '康源', '华信', '天府', '锦程', '恒达', '嘉禾', '云图', '川粮'];
  const trades = ['预制菜', '食品', '冷链物流', '调味品', '餐饮管理', '农产品开发', '供应链管理', '中央厨房'];
  const contacts = ['王芳', '李强', '陈静', '张伟', '刘洋', '杨磊', '赵敏', '黄晓明', '周婷', '吴刚', '孙丽', '朱海峰'];
  const titles = ['总经理', '董事长', '投资总监', '副总裁', '战略发展部经理'];
  const cities = ['渝北', '江北', '南岸', '九龙坡', '沙坪坝'];
  const events = ['第十九届西博会', '雁江食品饮料推介会', '成都国际食品博览会'];
  const intents = ['hot', 'warm', 'cold'];
  const prefixes = ['139', '138', '137', '186', '158'];
  const projects = ['预制菜中央厨房项目', '冷链物流园', '调味品生产基地', '川菜预制菜工厂'];
  const filler = '客户对园区的冷链物流配套和土地指标比较关注，希望了解标准化厂房租金、设备补贴和人才公寓政策；'
    + '计划下月带技术团队实地考察，重点看食品加工园区的污水处理能力和天然气供应；已加微信，待发送招商政策汇编和园区宣传片。'
    + '对方提到已在川渝地区布局两个生产基地，年营业收入约十二亿元，正在筹备新三板挂牌，资金来源以自有资金和银行贷款为主。';
  const base = queue ? queue.newest : Date.UTC(2026, 8, 20, 2, 0, 0);
  const stamp = queue ? (ms) => new Date(ms).toISOString() : (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  // A UUID v7 (RFC 9562) for the instant `ms`: 48 bits of milliseconds, then random bits.
  const uuid7 = (ms) => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    for (let k = 5, t = ms; k >= 0; k--, t = Math.floor(t / 256)) bytes[k] = t % 256;
    bytes[6] = 0x70 | (bytes[6] & 0x0f);
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  // `domain::sync::LeadAttr::ALL` in its serde form: what a new lead's change names.
  const ATTRS = ['company_name', 'credit_code', 'contact_name', 'contact_title', 'mobile', 'wechat', 'email', 'origin',
    'industry', 'industry_segment', 'intended_project', 'intended_investment', 'tier', 'intent', 'event', 'referrer',
    'consent', 'notes', 'next_follow_up', 'pipeline'];
  const ids = [];
  // The lead's fields alone are about 760 characters of JSON; `notes` fills the rest.
  const TARGET = 780;
  let totalChars = 0;

  const lead = (i) => {
    const ms = base - i * 60_000;
    const at = stamp(ms);
    const value = {
      id: queue ? uuid7(ms) : crypto.randomUUID(),
      company_name: `${places[i % 10]}${brands[Math.floor(i / 10) % 10]}${trades[Math.floor(i / 100) % 8]}有限公司（${tag}${i + 1}）`,
      credit_code: null,
      contact_name: contacts[i % contacts.length],
      contact_title: titles[i % titles.length],
      mobile: prefixes[i % prefixes.length] + String(10_000_000 + i).slice(-8),
      wechat: null,
      email: null,
      origin: { kind: 'domestic', province: 'chongqing', city: cities[i % cities.length] },
      industry: 'food_beverage',
      industry_segment: 'pre_made_dishes',
      intended_project: projects[i % projects.length],
      intended_investment: 5000 + (i % 40) * 1000,
      tier: { fortune_global_500: false, china_top_500: i % 17 === 0, china_private_top_500: i % 11 === 0, industry_leader: i % 3 === 0 },
      intent: intents[i % 3],
      event: events[i % events.length],
      referrer: '市投资促进局',
      consent: { text_version: '2026-11-v1', given_at: at },
      notes: '',
      next_follow_up: '2026-10-08',
      captured_at: at,
      updated_at: at,
      captured_by: queue ? queue.owner : '',
      device_id: queue ? queue.device : 'bench',
    };
    const room = TARGET - JSON.stringify(value).length;
    let notes = filler.slice((i * 13) % 80);
    while (notes.length < room) notes += filler;
    value.notes = notes.slice(0, Math.max(0, room));
    if (queue && value.notes === '') value.notes = null;
    totalChars += JSON.stringify(value).length;
    if (!queue) return { schema: 2, id: value.id, updated_at: at, lead: value };
    ids.push(value.id);
    const changeId = uuid7(ms);
    return {
      record: { schema: 2, id: value.id, updated_at: at, lead: value, server_version: 0 },
      entry: { change_id: changeId, queued_at: at, change: { change_id: changeId, base_version: 0, changed: ATTRS, lead: value }, rejected: null },
    };
  };

  try {
    for (let start = 0; start < count; start += batch) {
      await new Promise((resolve, reject) => {
        const counted = queue && has('meta');
        const tx = db.transaction(queue ? ['leads', 'outbox', ...(counted ? ['meta'] : [])] : 'leads', 'readwrite');
        const store = tx.objectStore('leads');
        const outbox = queue ? tx.objectStore('outbox') : null;
        const end = Math.min(count, start + batch);
        for (let i = start; i < end; i++) {
          if (!queue) {
            store.put(lead(i));
            continue;
          }
          const { record, entry } = lead(i);
          store.put(record);
          outbox.put(entry);
        }
        if (counted) {
          const meta = tx.objectStore('meta');
          const held = meta.get('pending');
          held.onsuccess = () => {
            if (typeof held.result?.value === 'number') meta.put({ key: 'pending', value: held.result.value + (end - start) });
          };
        }
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('seeding transaction aborted'));
      });
    }
  } finally {
    db.close();
  }
  return queue ? { averageChars: Math.round(totalChars / count), ids } : { averageChars: Math.round(totalChars / count) };
}

/** Fails on page errors and on leads the app could not read. */
export function watchForProblems(page, problems) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/unreadable|panicked/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
}

export function round(ms) {
  return Math.round(ms * 100) / 100;
}

function parseN(argv) {
  let n = 200;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = arg === '--n' ? argv[++i] : arg.startsWith('--n=') ? arg.slice(4) : undefined;
    if (value === undefined) throw new Error(`unknown argument: ${arg} (usage: capture-durable.mjs [--n 200])`);
    n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`--n wants a whole number from 1 to 100000, got ${value}`);
  }
  return n;
}

async function main() {
  const n = parseN(process.argv.slice(2));
  const started = Date.now();
  const problems = [];
  const fail = (message) => { throw new Error([message, ...problems].join('\n')); };

  const server = await startServer();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'zs-bench-capture-'));
  const context = await chromium.launchPersistentContext(profile, tabletOptions);
  try {
    await context.addInitScript(READY_OBSERVER);
    const page = context.pages()[0] ?? await context.newPage();
    watchForProblems(page, problems);
    const ready = () => page.locator('main[data-ready="true"]').waitFor({ timeout: 60_000 });

    await page.goto(`${server.url}/`);
    await ready();
    console.log(`seeding ${SEEDED} leads ...`);
    const seeded = await page.evaluate(seedInPage, { count: SEEDED, batch: 500, tag: '' });

    await page.reload({ waitUntil: 'commit' });
    await ready();
    const loadReadMs = await page.evaluate(() => performance.now());
    const loadObservedMs = await page.evaluate(() => window.__zsReadyAt);
    if (problems.length) fail('the app did not load the seeded leads cleanly');
    console.log(`loading ${SEEDED} leads (navigation start to ready): ${loadReadMs.toFixed(0)} ms `
      + `(ready flag observed in page at ${loadObservedMs?.toFixed(0)} ms)`);

    const before = await page.evaluate(() => performance.getEntriesByName('zs-capture-durable').length);
    const wall = [];
    console.log(`capturing ${WARM_UP} warm-up leads (not counted), then ${n} measured leads ...`);
    for (let k = 0; k < WARM_UP + n; k++) {
      if (Date.now() - started > RUN_DEADLINE_MS) fail(`run exceeded ${RUN_DEADLINE_MS / 60_000} minutes after ${k} captures`);
      const company = `重庆渝鲜冷链物流有限公司（现场${k + 1}）`;
      await page.fill('#f-company_name', company);
      await page.fill('#f-contact_name', ['陈静', '王芳', '李强'][k % 3]);
      await page.fill('#f-mobile', `157${String(20_000_000 + k).slice(-8)}`);
      await page.check('#f-consent');
      const t0 = performance.now();
      await page.getByTestId('save').tap();
      try {
        await page.waitForFunction(() => document.querySelector('#f-company_name')?.value === '', null, { timeout: SAVE_TIMEOUT_MS });
      } catch {
        fail(`capture ${k + 1}: the form did not clear within ${SAVE_TIMEOUT_MS} ms after tapping save`);
      }
      const t1 = performance.now();
      await page.getByTestId('toast').filter({ hasText: company }).first().waitFor({ timeout: SAVE_TIMEOUT_MS })
        .catch(() => fail(`capture ${k + 1}: no toast naming ${company}`));
      if (k >= WARM_UP) wall.push(t1 - t0);
    }
    const all = await page.evaluate(() => performance.getEntriesByName('zs-capture-durable').map((e) => e.duration));
    if (all.length - before !== WARM_UP + n) fail(`expected ${WARM_UP + n} zs-capture-durable measures, found ${all.length - before}`);
    const durable = all.slice(before + WARM_UP);
    // The capture's steps, from the tap: the lead posted to the store's worker, the page told that
    // it is durable.
    const steps = await page.evaluate((skip) => Object.fromEntries(['zs-capture-posted', 'zs-capture-told']
      .map((name) => [name.slice(11), performance.getEntriesByName(name).map((e) => e.duration).slice(skip)])), before + WARM_UP);

    // Every lead, seeded and captured, must be in the list.
    await page.goto(`${server.url}/leads`);
    await ready();
    const listed = Number((await page.getByTestId('result-count').textContent()).replace(/\D/g, ''));
    if (listed !== SEEDED + WARM_UP + n) fail(`the list shows ${listed} leads, expected ${SEEDED + WARM_UP + n}`);
    if (problems.length) fail('the app reported problems');

    const summary = {
      benchmark: 'capture-durable',
      date: new Date().toISOString(),
      server: process.env.ZS_SERVER_BIN ?? 'target/release/server',
      browser: await page.evaluate(() => navigator.userAgent),
      machine: { cpus: os.cpus().length, load_average_1m: os.loadavg()[0] },
      seeded_leads: SEEDED,
      seeded_lead_json_chars: seeded.averageChars,
      load_all_ms: round(loadReadMs),
      load_all_ready_observed_ms: loadObservedMs === undefined ? null : round(loadObservedMs),
      warm_up_captures_not_counted: WARM_UP,
      n,
      durable_ms: { p50: round(percentile(durable, 50)), p95: round(percentile(durable, 95)), max: round(Math.max(...durable)), samples: durable.map(round) },
      tap_to_form_cleared_ms: { p50: round(percentile(wall, 50)), p95: round(percentile(wall, 95)), max: round(Math.max(...wall)), samples: wall.map(round) },
      steps_ms: Object.fromEntries(Object.entries(steps).map(([name, values]) => [name,
        values.length ? { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)) } : null])),
      goal: { durable_p95_ms_below: GOAL_P95_MS, met: percentile(durable, 95) < GOAL_P95_MS },
    };
    mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
    const out = path.join(ROOT, 'bench-results', 'capture-durable.json');
    writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);

    const d = summary.durable_ms;
    const w = summary.tap_to_form_cleared_ms;
    console.log(`\ncapture with ${SEEDED} leads stored, ${n} captures after ${WARM_UP} uncounted warm-ups, none discarded:`);
    console.log(`  durable (tap to committed and flushed, zs-capture-durable): p50 ${d.p50} ms, p95 ${d.p95} ms, max ${d.max} ms`);
    console.log(`  steps from the tap (p50 / p95): ${Object.entries(summary.steps_ms).map(([k, v]) => `${k} ${v ? `${v.p50} / ${v.p95}` : '-'} ms`).join(', ')}`);
    console.log(`  tap to form cleared (node wall time, includes Playwright round trips): p50 ${w.p50} ms, p95 ${w.p95} ms`);
    console.log(`  goal: durable p95 under ${GOAL_P95_MS} ms: ${summary.goal.met ? 'met' : 'NOT met'}`);
    console.log(`  written to ${path.relative(process.cwd(), out) || out}`);
    console.log(`capture-durable: p95 ${d.p95} ms (goal < ${GOAL_P95_MS} ms, ${summary.goal.met ? 'met' : 'not met'}), `
      + `p50 ${d.p50} ms, max ${d.max} ms, n=${n}; ${SEEDED} leads loaded in ${summary.load_all_ms} ms`);
  } finally {
    await context.close();
    await server.kill();
    rmSync(profile, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`capture-durable: FAILED: ${error.message}`);
    process.exit(1);
  });
}
