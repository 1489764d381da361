// Tablet backlog: how long a tablet that comes back online with N leads waiting in its outbox
// takes until nothing is pending, and what the sync costs the officer at the booth meanwhile.
//
// How: per run, a fresh server (fresh SQLite database) and an officer added with `server user
// add`; Debian's Chromium at tablet size with a persistent on-disk profile, as capture-durable.mjs
// does. The officer logs in on the tablet's login page; once the service worker controls the page,
// the browser context goes offline (`context.setOffline`), so the app cannot sync early. N leads
// are then written straight into IndexedDB as the app leaves leads saved offline: a `leads` record
// `{schema: 2, id, updated_at, lead, server_version: 0}` and an `outbox` entry `{change_id,
// queued_at, change: {change_id, base_version: 0, changed: every attribute, lead}, rejected:
// null}` each (`seedInPage` with `queue`), owned by the officer, from this tablet's device id. The
// page is reloaded (from the service worker), and the script waits until the sync bar shows N
// pending, no sync is running and the app's start-up work is done (it copies the seeded leads
// into its journal, which a tablet that captured them would already hold). Then the context goes
// online: the app syncs on the browser's `online` event, as it would at the booth ("sync now" is
// tapped only if the page sees no `online` event within a second; the JSON says which).
// Figures, from the moment the context goes online:
//   - server has all N: the officer's leads as the server's API lists them (`GET /api/v1/leads`
//     with the officer's bearer token, read incrementally every 50 ms), independent of the app;
//   - app shows 0 pending: the sync bar's `data-pending` turning 0 (seen in the page);
//   - synced: the later of the two. Goals: 10,000 in under 3 s, and 10,000 taking at most 11 times
//     the 1,000 figure (medians over the runs);
//   - sync requests (`POST /api/v1/sync`) until 0 pending, with each one's size, pull and
//     `Server-Timing` (a request the app makes after showing 0, an empty round, is listed apart);
//   - long tasks on the page's main thread during the sync (PerformanceObserver `longtask`):
//     count, total, longest, and the share of the sync window (online to 0 pending) they cover.
// Capture during sync: one pass per run (`--runs`) with 10,000 leads waiting, whatever `--n` says
// (`--no-capture-during` skips it): 3 warm-up leads are captured offline (they join the backlog;
// not counted), and from the moment the first sync request has been answered 20 leads are captured
// through the real form as capture-durable.mjs does (fill, tap save, wait for the form to clear
// and the toast). Figures: the app's `zs-capture-durable` measure p50/p95/max (goal: p95 < 16 ms)
// and tap to form cleared, how many captures were made while the server still lacked some of the
// backlog, and the same sync figures as above (the backlog and the captures).
// Nothing is discarded; each size prints the range over its runs. Results go to
// bench-results/backlog.json.
// Timing never fails the run; it exits non-zero only if the app or the server misbehaves (a lead
// missing on the server, a change rejected, a page error) or a run takes over 5 minutes.
//
// Run (after `cargo leptos build --release`), from the repository root or end2end/:
//   node end2end/bench/backlog.mjs [--n 1000,3000,10000] [--runs 3] [--no-capture-during]
// Against another build: ZS_SERVER_BIN=/path/to/server ZS_SITE_ROOT=/path/to/site node ...
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from '@playwright/test';

import { READY_OBSERVER, round, seedInPage, tabletOptions, watchForProblems } from './capture-durable.mjs';
import { addUser, percentile, startServer } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OFFICER = 'bench.officer';
const PASSWORD = 'a long enough password';
const DEFAULT_SIZES = [1_000, 3_000, 10_000];
const DEFAULT_RUNS = 3;
const CAPTURE_BACKLOG = 10_000;
const CAPTURE_WARM_UP = 3;
const CAPTURES = 20;
const GOAL_10K_MS = 3_000;
const GOAL_RATIO = 11;
const GOAL_CAPTURE_P95_MS = 16;
const POLL_MS = 50;
const ONLINE_EVENT_GRACE_MS = 1_000;
const SAVE_TIMEOUT_MS = 10_000;
const RUN_DEADLINE_MS = 5 * 60_000;

/** The browser's user agent, as the first run saw it. */
let browserSeen = null;

function parseArgs(argv) {
  const usage = 'usage: backlog.mjs [--n 1000,3000,10000] [--runs 3] [--no-capture-during]';
  const options = { sizes: DEFAULT_SIZES, runs: DEFAULT_RUNS, captureDuring: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (name === '--n') {
      const text = value();
      options.sizes = String(text).split(',').map((s) => Number(s.trim()));
      if (!options.sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 100_000)) {
        throw new Error(`--n wants whole numbers from 1 to 100000, separated by commas, got ${text} (${usage})`);
      }
    } else if (name === '--runs') {
      const text = value();
      options.runs = Number(text);
      if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > 100) throw new Error(`--runs wants a whole number from 1 to 100, got ${text}`);
    } else if (name === '--no-capture-during' && inline === undefined) {
      options.captureDuring = false;
    } else {
      throw new Error(`unknown argument: ${arg} (${usage})`);
    }
  }
  return options;
}

/** The officer's bearer token, through the API (a session of its own, not the tablet's). */
async function apiToken(url) {
  const response = await fetch(`${url}/api/v1/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: OFFICER, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`API login as ${OFFICER}: ${response.status} ${await response.text()}`);
  return (await response.json()).token;
}

/**
 * Reads the officer's leads from the server's API until stopped: `GET /api/v1/leads` after the
 * last sequence number seen (`x-next-after`), so each lead is read about once. `allSeededAt` is
 * the time (node's `performance.now()`) the first answer holding the last seeded lead arrived.
 */
function pollServer(url, token, seeded) {
  const poller = { ids: new Set(), seededSeen: 0, allSeededAt: null, error: null, stopped: false, polls: 0 };
  let after = 0;
  poller.done = (async () => {
    while (!poller.stopped) {
      try {
        const response = await fetch(`${url}/api/v1/leads?after=${after}&limit=5000`, { headers: { authorization: `Bearer ${token}` } });
        if (response.status !== 200) throw new Error(`GET /api/v1/leads: ${response.status} ${await response.text()}`);
        const leads = await response.json();
        const arrived = performance.now();
        poller.polls += 1;
        for (const { lead } of leads) {
          if (poller.ids.has(lead.id)) continue;
          poller.ids.add(lead.id);
          if (seeded.has(lead.id)) poller.seededSeen += 1;
        }
        after = Number(response.headers.get('x-next-after') ?? after);
        if (poller.allSeededAt === null && poller.seededSeen === seeded.size) poller.allSeededAt = arrived;
        if (leads.length === 5000) continue; // more waiting: read on at once
      } catch (error) {
        poller.error = error;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  return poller;
}

/** Runs in the page before it goes online: long tasks, the `online` event, `data-pending` turning 0. */
function installProbe() {
  const bench = { longTasks: [], phases: [], zeros: [], onlineAt: null, onlineEventAt: null, last: null };
  window.__zsBench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  // The app's own measures of each sync round's phases (`zs-sync-head`, `-encode`, `-post`, `-apply`).
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name.startsWith('zs-sync-')) bench.phases.push([entry.name, entry.startTime, entry.duration]);
    }
  }).observe({ type: 'measure', buffered: true });
  addEventListener('online', () => { bench.onlineEventAt ??= performance.now(); });
  const pending = () => document.querySelector('[data-testid="sync-pending"]')?.getAttribute('data-pending');
  bench.last = pending();
  new MutationObserver(() => {
    const now = pending();
    if (now === bench.last) return;
    bench.last = now;
    if (now === '0' && bench.onlineAt !== null) bench.zeros.push(performance.now());
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-pending'] });
}

/** Runs in the page: the journal's size, the ballast's, and whether a journal operation is under way. */
async function journalState() {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('zhaoshang-journal').catch(() => null);
  const size = async (name) => {
    try {
      return (await (await dir.getFileHandle(name)).getFile()).size;
    } catch {
      return -1;
    }
  };
  const locks = await navigator.locks.query();
  const busy = [...locks.held, ...locks.pending].some((lock) => lock.name === 'zhaoshang-journal');
  return { journal: dir ? await size('journal.log') : -1, ballast: dir ? await size('ballast.bin') : -1, busy };
}

/** Long tasks overlapping [from, to] (page time), clipped to it. */
function longTaskFigures(tasks, from, to) {
  const inside = tasks
    .map(([start, duration]) => [Math.max(start, from), Math.min(start + duration, to), duration])
    .filter(([start, end]) => end > start);
  const total = inside.reduce((sum, [start, end]) => sum + (end - start), 0);
  return {
    count: inside.length,
    total_ms: round(total),
    longest_ms: round(Math.max(0, ...inside.map(([, , duration]) => duration))),
    window_ms: round(to - from),
    fraction_of_window: to > from ? Math.round((total / (to - from)) * 1000) / 1000 : null,
  };
}

/**
 * One run: a fresh server and tablet, `n` leads waiting, the context going online, and (with
 * `capture`) leads captured during the sync. Returns the run's figures; throws on misbehaviour.
 */
async function backlogRun({ n, capture }) {
  const started = performance.now();
  const left = () => {
    const ms = RUN_DEADLINE_MS - (performance.now() - started);
    if (ms <= 0) throw new Error(`the run exceeded ${RUN_DEADLINE_MS / 60_000} minutes`);
    return ms;
  };
  const problems = [];
  const fail = (message) => { throw new Error([message, ...problems].join('\n')); };

  const server = await startServer();
  await addUser(server, OFFICER, 'officer', PASSWORD);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'zs-bench-backlog-'));
  const context = await chromium.launchPersistentContext(profile, tabletOptions);
  let poller = null;
  try {
    await context.addInitScript(READY_OBSERVER);
    const page = context.pages()[0] ?? await context.newPage();
    watchForProblems(page, problems);
    const ready = (what) => page.locator('main[data-ready="true"]').waitFor({ timeout: Math.min(60_000, left()) })
      .catch(() => fail(`${what}: the app did not become ready`));
    const pendingAttr = () => page.getByTestId('sync-pending').getAttribute('data-pending');
    const waitPending = async (expected, what) => {
      await page.waitForFunction((want) => document.querySelector('[data-testid="sync-pending"]')?.getAttribute('data-pending') === want,
        String(expected), { timeout: Math.min(120_000, left()), polling: 100 })
        .catch(async () => fail(`${what}: the sync bar shows ${await pendingAttr()} pending, expected ${expected}`));
    };

    // Log in as the officer would; wait for the first (empty) sync to succeed and the service
    // worker to control the page, so that the app opens offline.
    await page.goto(`${server.url}/login`);
    await ready('the login page');
    await page.fill('#f-username', OFFICER);
    await page.fill('#f-password', PASSWORD);
    await page.getByTestId('login-submit').tap();
    await page.waitForURL(/\/$/, { timeout: 30_000 }).catch(() => fail('logging in did not lead to the capture page'));
    await ready('the capture page after logging in');
    await page.waitForFunction(() => localStorage.getItem('zs.last_sync') !== null && localStorage.getItem('zs.device_id') !== null
      && navigator.serviceWorker.controller !== null, null, { timeout: 30_000, polling: 100 })
      .catch(() => fail('after logging in, no sync succeeded or the service worker took no control'));
    const device = await page.evaluate(() => JSON.parse(localStorage.getItem('zs.device_id')));

    await context.setOffline(true);
    const seedStarted = performance.now();
    const newest = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const seeded = await page.evaluate(seedInPage, { count: n, batch: 500, tag: '', queue: { owner: OFFICER, device, newest } });
    const seedMs = performance.now() - seedStarted;
    await page.reload({ waitUntil: 'commit' });
    await ready(`the page reloaded offline with ${n} leads waiting`);
    const loadMs = await page.evaluate(() => window.__zsReadyAt ?? performance.now());
    if (problems.length) fail('the app did not load the seeded leads cleanly');

    // Offline, the sync bar counts the outbox; the app's start-up work copies the seeded leads
    // into its journal (at least a lead's JSON per lead): wait until that is written and quiet.
    await waitPending(n, 'offline after the reload');
    const settleStarted = performance.now();
    let last = null;
    let quietSince = performance.now();
    for (;;) {
      const state = await page.evaluate(journalState);
      const same = last && state.journal === last.journal && state.ballast === last.ballast;
      if (!same || state.busy) quietSince = performance.now();
      last = state;
      if (state.journal >= n * 1_000 && performance.now() - quietSince >= 1_000) break;
      if (performance.now() - settleStarted > Math.min(120_000, left())) fail(`the journal did not settle: ${JSON.stringify(state)}`);
      await page.waitForTimeout(200);
    }

    let warmUp = 0;
    const captureOne = async (k) => {
      const company = `重庆渝鲜冷链物流有限公司（同步中${k + 1}）`;
      await page.fill('#f-company_name', company);
      await page.fill('#f-contact_name', ['陈静', '王芳', '李强'][k % 3]);
      await page.fill('#f-mobile', `157${String(30_000_000 + k).slice(-8)}`);
      await page.check('#f-consent');
      const t0 = performance.now();
      await page.getByTestId('save').tap();
      await page.waitForFunction(() => document.querySelector('#f-company_name')?.value === '', null, { timeout: SAVE_TIMEOUT_MS })
        .catch(() => fail(`capture ${k + 1}: the form did not clear within ${SAVE_TIMEOUT_MS} ms after tapping save`));
      const t1 = performance.now();
      await page.getByTestId('toast').filter({ hasText: company }).first().waitFor({ timeout: SAVE_TIMEOUT_MS })
        .catch(() => fail(`capture ${k + 1}: no toast naming ${company}`));
      return { tapAt: t0, wallMs: t1 - t0 };
    };
    if (capture) {
      for (; warmUp < CAPTURE_WARM_UP; warmUp++) await captureOne(warmUp);
      await waitPending(n + warmUp, 'after the warm-up captures');
    }
    // Not in the middle of a (failing) sync attempt when the network comes back.
    await page.waitForFunction(() => !document.querySelector('[data-testid="sync-now"]')?.disabled, null, { timeout: Math.min(120_000, left()), polling: 100 })
      .catch(() => fail('offline, a sync attempt did not end'));

    // Count the sync requests from here on, with what each carried and got back.
    const requests = [];
    const byRequest = new Map();
    const reading = [];
    let t0 = null;
    let t0Wall = null;
    let firstAnswer = null;
    const firstAnswerSeen = new Promise((resolve) => { firstAnswer = resolve; });
    const isSync = (request) => t0 !== null && request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/sync';
    page.on('request', (request) => {
      if (!isSync(request)) return;
      let changes = null;
      try { changes = request.postDataJSON()?.changes?.length ?? null; } catch { /* not JSON: counted, not sized */ }
      // `at_ms` as node saw it, until the browser's own timing replaces it when it is answered.
      const entry = { at_ms: round(performance.now() - t0), took_ms: null, changes, status: null, server_ms: null, applied: null, rejected: null, pulled: null, more: null };
      requests.push(entry);
      byRequest.set(request, entry);
    });
    page.on('requestfinished', (request) => {
      const entry = byRequest.get(request);
      if (!entry) return;
      // The browser's own timing: started (wall clock), answered (ms after the start).
      const timing = request.timing();
      entry.at_ms = round(timing.startTime - t0Wall);
      entry.took_ms = round(timing.responseEnd);
      reading.push((async () => {
        const response = await request.response();
        entry.status = response?.status() ?? null;
        const serverTiming = response?.headers()['server-timing']?.match(/sync;.*?dur=([\d.]+)/);
        entry.server_ms = serverTiming ? Number(serverTiming[1]) : null;
        if (entry.status !== 200) return;
        const body = await response.json();
        entry.applied = body.results.filter((r) => r.status !== 'rejected').length;
        entry.rejected = body.results.filter((r) => r.status === 'rejected').map((r) => ({ change_id: r.change_id, reason: r.reason }));
        entry.pulled = body.changes.length;
        entry.more = body.more;
        firstAnswer();
      })().catch((error) => { entry.read_error = error.message; firstAnswer(); }));
    });
    page.on('requestfailed', (request) => {
      const entry = byRequest.get(request);
      if (entry) entry.failed = request.failure()?.errorText ?? 'failed';
    });

    const seededIds = new Set(seeded.ids);
    poller = pollServer(server.url, await apiToken(server.url), seededIds);
    await page.evaluate(installProbe);

    // Online: the app's `online` listener starts the sync; "sync now" only if the page saw no
    // `online` event (then no sync is running and the button is enabled).
    await page.evaluate(() => { window.__zsBench.onlineAt = performance.now(); });
    t0 = performance.now();
    t0Wall = Date.now();
    await context.setOffline(false);
    let trigger = 'online event';
    const fired = await page.waitForFunction(() => window.__zsBench.onlineEventAt !== null, null, { timeout: ONLINE_EVENT_GRACE_MS, polling: 50 })
      .then(() => true, () => false);
    if (!fired) {
      trigger = 'sync now (the page saw no online event)';
      await page.getByTestId('sync-now').tap();
    }

    // Capture during the sync, from the first answer on.
    const captures = [];
    if (capture) {
      await Promise.race([firstAnswerSeen, new Promise((_, reject) => setTimeout(() => reject(new Error('no sync request was answered')), Math.min(60_000, left())))])
        .catch((error) => fail(error.message));
      const before = await page.evaluate(() => performance.getEntriesByName('zs-capture-durable').length);
      for (let k = 0; k < CAPTURES; k++) {
        left();
        const backlogLeft = poller.seededSeen < n;
        const { tapAt, wallMs } = await captureOne(warmUp + k);
        captures.push({ tap_at_ms: round(tapAt - t0), wall_ms: wallMs, server_still_lacked_backlog: backlogLeft });
      }
      const durable = await page.evaluate(() => performance.getEntriesByName('zs-capture-durable').map((e) => e.duration));
      if (durable.length - before !== CAPTURES) fail(`expected ${CAPTURES} zs-capture-durable measures, found ${durable.length - before}`);
      durable.slice(before).forEach((ms, k) => { captures[k].durable_ms = ms; });
    }

    // Nothing pending: the server has every lead and the app shows 0.
    const expected = n + warmUp + captures.length;
    while (poller.ids.size < expected || poller.seededSeen < n) {
      if (poller.error) fail(`reading the server's leads failed: ${poller.error.message}`);
      if (performance.now() - started > RUN_DEADLINE_MS) {
        fail(`after ${RUN_DEADLINE_MS / 60_000} minutes the server has ${poller.seededSeen} of the ${n} seeded leads `
          + `(${poller.ids.size} of ${expected} in all); the sync bar shows ${await pendingAttr()} pending`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await waitPending(0, `with every lead on the server`);
    poller.stopped = true;
    await poller.done;
    await Promise.all(reading);
    const probe = await page.evaluate(() => window.__zsBench);
    if (problems.length) fail('the app reported problems during the sync');

    const rejected = requests.flatMap((r) => r.rejected ?? []);
    if (rejected.length) fail(`the server rejected ${rejected.length} changes, first: ${JSON.stringify(rejected[0])}`);
    if (poller.ids.size !== expected) fail(`the server lists ${poller.ids.size} leads of the officer, expected ${expected}`);
    if (await page.getByTestId('sync-attention').count()) fail('the sync bar asks for attention (changes refused)');
    const failed = requests.filter((r) => r.failed || (r.status !== null && r.status !== 200));
    if (failed.length) fail(`sync requests failed: ${JSON.stringify(failed)}`);

    browserSeen ??= await page.evaluate(() => navigator.userAgent);
    const zeroAt = capture ? probe.zeros.at(-1) : probe.zeros[0];
    const appZeroMs = zeroAt - probe.onlineAt;
    const serverAllMs = poller.allSeededAt - t0;
    const syncedMs = Math.max(appZeroMs, serverAllMs);
    // Requests until the app showed 0 (both clocks count from going online, a few ms apart).
    const until = requests.filter((r) => r.at_ms <= appZeroMs);
    const run = {
      n,
      seed_ms: round(seedMs),
      seeded_lead_json_chars: seeded.averageChars,
      reload_to_ready_ms: round(loadMs),
      trigger,
      server_has_all_ms: round(serverAllMs),
      app_zero_pending_ms: round(appZeroMs),
      synced_ms: round(syncedMs),
      sync_requests: until.length,
      changes_sent: until.reduce((sum, r) => sum + (r.changes ?? 0), 0),
      leads_pulled: until.reduce((sum, r) => sum + (r.pulled ?? 0), 0),
      server_ms_total: round(until.reduce((sum, r) => sum + (r.server_ms ?? 0), 0)),
      long_tasks: longTaskFigures(probe.longTasks, probe.onlineAt, zeroAt),
      // Wall time per phase of the app's sync rounds, summed (the phases of a round follow each
      // other; other work, such as a capture, may run inside them).
      phases_ms: Object.fromEntries(['zs-sync-head', 'zs-sync-encode', 'zs-sync-post', 'zs-sync-apply'].map((name) => [name.slice(8),
        round(probe.phases.filter(([n, start]) => n === name && start >= probe.onlineAt && start <= zeroAt).reduce((sum, [, , d]) => sum + d, 0))])),
      server_polls: poller.polls,
      requests: until,
      requests_after_zero_pending: requests.filter((r) => !until.includes(r)),
    };
    if (capture) {
      const durable = captures.map((c) => c.durable_ms);
      const wall = captures.map((c) => c.wall_ms);
      run.capture = {
        warm_up_captures_not_counted: warmUp,
        captures: captures.length,
        during_backlog: captures.filter((c) => c.server_still_lacked_backlog).length,
        durable_ms: { p50: round(percentile(durable, 50)), p95: round(percentile(durable, 95)), max: round(Math.max(...durable)) },
        tap_to_form_cleared_ms: { p50: round(percentile(wall, 50)), p95: round(percentile(wall, 95)), max: round(Math.max(...wall)) },
        samples: captures.map((c) => ({ ...c, wall_ms: round(c.wall_ms), durable_ms: round(c.durable_ms) })),
      };
    }
    return run;
  } finally {
    if (poller) poller.stopped = true;
    await context.close().catch(() => {});
    await server.kill();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** A run, cut off after RUN_DEADLINE_MS (plus a minute for its own waits to notice). */
async function runWithDeadline(options) {
  let timer;
  const running = backlogRun(options);
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the run did not end within ${RUN_DEADLINE_MS / 60_000 + 1} minutes`)), RUN_DEADLINE_MS + 60_000);
  });
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
    running.catch(() => {});
  }
}

const seconds = (ms) => (ms / 1000).toFixed(2);
const range = (values, format = (v) => String(v)) => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? format(lo) : `${format(lo)}–${format(hi)}`;
};
/** The median: the middle value, or the mean of the two middle ones. */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const sizes = [...new Set(options.sizes)].sort((a, b) => a - b);
  const runs = [];
  for (const n of sizes) {
    for (let k = 1; k <= options.runs; k++) {
      console.log(`backlog of ${n}, run ${k} of ${options.runs} ...`);
      const run = await runWithDeadline({ n, capture: false });
      runs.push({ run: k, ...run });
      const lt = run.long_tasks;
      console.log(`  synced in ${seconds(run.synced_ms)} s (server has all ${seconds(run.server_has_all_ms)} s, app 0 pending `
        + `${seconds(run.app_zero_pending_ms)} s), ${run.sync_requests} sync requests, server time ${seconds(run.server_ms_total)} s; `
        + `long tasks ${lt.count}, ${Math.round(lt.total_ms)} ms, longest ${Math.round(lt.longest_ms)} ms, `
        + `${Math.round((lt.fraction_of_window ?? 0) * 100)}% of the window; trigger: ${run.trigger}`);
      console.log(`  the app's rounds, summed: ${Object.entries(run.phases_ms).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ')}`);
    }
  }
  const captureRuns = [];
  if (options.captureDuring) {
    for (let k = 1; k <= options.runs; k++) {
      console.log(`capture during the sync of ${CAPTURE_BACKLOG}, run ${k} of ${options.runs} ...`);
      const run = await runWithDeadline({ n: CAPTURE_BACKLOG, capture: true });
      captureRuns.push({ run: k, ...run });
      const c = run.capture;
      console.log(`  durable p50 ${c.durable_ms.p50} ms, p95 ${c.durable_ms.p95} ms, max ${c.durable_ms.max} ms; tap to form cleared `
        + `p50 ${Math.round(c.tap_to_form_cleared_ms.p50)} ms, p95 ${Math.round(c.tap_to_form_cleared_ms.p95)} ms; `
        + `${c.during_backlog} of ${c.captures} while the server still lacked some of the backlog; synced in ${seconds(run.synced_ms)} s`);
    }
  }

  const bySize = sizes.map((n) => {
    const of = runs.filter((r) => r.n === n);
    const figure = (key) => ({ min: round(Math.min(...of.map(key))), median: round(median(of.map(key))), max: round(Math.max(...of.map(key))) });
    return {
      n,
      runs: of.length,
      synced_ms: figure((r) => r.synced_ms),
      server_has_all_ms: figure((r) => r.server_has_all_ms),
      app_zero_pending_ms: figure((r) => r.app_zero_pending_ms),
      sync_requests: figure((r) => r.sync_requests),
      long_tasks_count: figure((r) => r.long_tasks.count),
      long_tasks_total_ms: figure((r) => r.long_tasks.total_ms),
      long_task_longest_ms: figure((r) => r.long_tasks.longest_ms),
      long_tasks_fraction_of_window: figure((r) => r.long_tasks.fraction_of_window ?? 0),
    };
  });
  const of = (n) => bySize.find((s) => s.n === n);
  const goals = {};
  if (of(10_000)) goals.ten_thousand_median_synced_ms_below = { goal: GOAL_10K_MS, median: of(10_000).synced_ms.median, met: of(10_000).synced_ms.median < GOAL_10K_MS };
  if (of(10_000) && of(1_000)) {
    const ratio = of(10_000).synced_ms.median / of(1_000).synced_ms.median;
    goals.ten_thousand_over_one_thousand_at_most = { goal: GOAL_RATIO, ratio: Math.round(ratio * 100) / 100, met: ratio <= GOAL_RATIO };
  }
  let captureSummary = null;
  if (captureRuns.length) {
    const durable = captureRuns.flatMap((r) => r.capture.samples.map((s) => s.durable_ms));
    const wall = captureRuns.flatMap((r) => r.capture.samples.map((s) => s.wall_ms));
    captureSummary = {
      backlog: CAPTURE_BACKLOG,
      runs: captureRuns.length,
      captures: durable.length,
      durable_ms: { p50: round(percentile(durable, 50)), p95: round(percentile(durable, 95)), max: round(Math.max(...durable)) },
      durable_p95_per_run_ms: captureRuns.map((r) => r.capture.durable_ms.p95),
      tap_to_form_cleared_ms: { p50: round(percentile(wall, 50)), p95: round(percentile(wall, 95)), max: round(Math.max(...wall)) },
      during_backlog: captureRuns.reduce((sum, r) => sum + r.capture.during_backlog, 0),
    };
    goals.capture_during_sync_durable_p95_ms_below = { goal: GOAL_CAPTURE_P95_MS, p95: captureSummary.durable_ms.p95, met: captureSummary.durable_ms.p95 < GOAL_CAPTURE_P95_MS };
  }

  const summary = {
    benchmark: 'backlog',
    date: new Date().toISOString(),
    server: process.env.ZS_SERVER_BIN ?? 'target/release/server',
    site: process.env.ZS_SITE_ROOT ?? 'target/site',
    browser: browserSeen,
    machine: { cpus: os.cpus().length, load_average_1m: os.loadavg()[0] },
    runs_per_size: options.runs,
    sizes: bySize,
    capture_during_sync: captureSummary,
    goals,
    runs,
    capture_runs: captureRuns,
  };
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  const out = path.join(ROOT, 'bench-results', 'backlog.json');
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);

  console.log(`\ntablet backlog, ${options.runs} run(s) per size, fresh server and tablet each, none discarded (min–max over runs):`);
  for (const s of bySize) {
    const r = runs.filter((x) => x.n === s.n);
    console.log(`  ${String(s.n).padStart(6)}: synced ${range(r.map((x) => x.synced_ms), seconds)} s `
      + `(server has all ${range(r.map((x) => x.server_has_all_ms), seconds)} s, app 0 pending ${range(r.map((x) => x.app_zero_pending_ms), seconds)} s), `
      + `${range(r.map((x) => x.sync_requests))} requests, long tasks ${range(r.map((x) => x.long_tasks.count))} `
      + `(total ${range(r.map((x) => Math.round(x.long_tasks.total_ms)))} ms, longest ${range(r.map((x) => Math.round(x.long_tasks.longest_ms)))} ms, `
      + `${range(r.map((x) => Math.round((x.long_tasks.fraction_of_window ?? 0) * 100)))}% of the window)`);
  }
  if (captureSummary) {
    const c = captureSummary;
    console.log(`  capture during the sync of ${c.backlog}: durable p50 ${c.durable_ms.p50} ms, p95 ${c.durable_ms.p95} ms `
      + `(per run ${range(c.durable_p95_per_run_ms)} ms), max ${c.durable_ms.max} ms; tap to form cleared p50 ${Math.round(c.tap_to_form_cleared_ms.p50)} ms, `
      + `p95 ${Math.round(c.tap_to_form_cleared_ms.p95)} ms; ${c.during_backlog} of ${c.captures} captures while the server still lacked some of the backlog`);
  }
  const said = (met) => (met ? 'met' : 'NOT met');
  if (goals.ten_thousand_median_synced_ms_below) console.log(`  goal: 10,000 synced in under ${seconds(GOAL_10K_MS)} s (median): ${said(goals.ten_thousand_median_synced_ms_below.met)}`);
  if (goals.ten_thousand_over_one_thousand_at_most) {
    const g = goals.ten_thousand_over_one_thousand_at_most;
    console.log(`  goal: 10,000 within ${GOAL_RATIO}× the 1,000 figure (medians): ${g.ratio}×, ${said(g.met)}`);
  }
  if (goals.capture_during_sync_durable_p95_ms_below) console.log(`  goal: capture during sync p95 under ${GOAL_CAPTURE_P95_MS} ms: ${said(goals.capture_during_sync_durable_p95_ms_below.met)}`);
  console.log(`  written to ${path.relative(process.cwd(), out) || out}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`backlog: FAILED: ${error.message}`);
    process.exit(1);
  });
}
