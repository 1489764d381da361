// Our sync next to the peer product's: the same leads pushed through `POST /api/v1/sync` to our
// server and replicated by PouchDB to pouchdb-server, side by side in one run.
//
// How: K rounds (`--rounds`), each running ours, then the peer, on every scenario, each side on a
// fresh store (ours: the release server on a fresh SQLite database, as lib.mjs starts it; the
// peer: pouchdb-server on a fresh LevelDB directory, its CLI as a child process). The leads are
// made before any clock starts, shaped as the tablet stores them (captured by the officer, UUID v7
// ids, instants with milliseconds, about 800 characters of JSON each; see `seedInPage` in
// capture-durable.mjs), and are the same for both sides: on the peer, a lead is a document's body
// with `_id` = the lead's id.
//   1. One device pushes 10,000 leads. Ours: an officer added with `server user add`, logged in
//      through the API, the leads pushed as new changes (base version 0, every attribute changed)
//      in requests sized as the tablet sizes them (domain/src/sync/request_size.rs, ported below:
//      from 100 changes, by the server's `Server-Timing: sync;dur=MS`), one after the other until
//      all are acknowledged; timed from the first request sent to the last answer. Peer: a local
//      PouchDB (LevelDB on a temporary directory) holding the same 10,000 documents, then
//      `local.replicate.to(remote)` with the default batch settings; timed from the start of the
//      replication to its completion. A second peer figure: the same documents uploaded raw with
//      `POST /_bulk_docs`, 500 a request, one after the other, into a new database.
//   2. Twenty devices at once, 500 leads each (10,000 in all). Ours: one officer and one device
//      id per device (as loadgen does), each sizing its requests as the tablet does. Peer: 20
//      local PouchDBs replicating to one database on one pouchdb-server at once.
//   3. Bytes on disk after each one-device run. Ours: the SQLite database file and its -wal once
//      the manager workspace has indexed every lead (`/healthz` `index_lag` 0) and the WAL has
//      been checkpointed (`PRAGMA wal_checkpoint(TRUNCATE)` through the `sqlite3` CLI; without it
//      the sizes are reported as they are, and the JSON says so). Peer: the pouchdb-server
//      directory (every LevelDB database in it), and the replicated database's own directory.
// Figures: leads/s for each side and scenario and the ratio ours/peer; for ours with 20 devices
// the latency of each sync request (p50/p99); for the peer the latency of its `_revs_diff` and
// `_bulk_docs` requests, as seen by a fetch wrapper handed to PouchDB (request sent to the
// answer's headers). Goals: ours at least 10 times the peer on both scenarios; ours' 20-device
// p99 under 100 ms; ours at most 15 MB per 10,000 leads. Every round prints its figures; the end
// prints the range (min-max) over the rounds and the goals on the medians. Results go to
// bench-results/peer.json.
// Timing never fails the run; it exits non-zero only on misbehaviour (a change rejected, a lead
// missing afterwards: ours by `GET /api/v1/leads` with the officer's token, the peer by the remote
// database's `doc_count`).
//
// The peer is not a dependency of end2end/ (CI installs that); install it apart first:
//   npm install --prefix end2end/bench/peer
// Run (after `cargo leptos build --release`), from the repository root:
//   node end2end/bench/peer.mjs [--rounds 3]
// Against another build: ZS_SERVER_BIN=/path/to/server ZS_SITE_ROOT=/path/to/site node ...
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { addUser, freePort, percentile, startServer } from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const PEER_DIR = path.join(HERE, 'peer');
const PEER_SERVER_BIN = path.join(PEER_DIR, 'node_modules', '.bin', 'pouchdb-server');
const PASSWORD = 'a long enough password';
const SINGLE = 10_000;
const DEVICES = 20;
const PER_DEVICE = 500;
const BULK_BATCH = 500;
const DEFAULT_ROUNDS = 3;
const GOAL_RATIO = 10;
const GOAL_P99_MS = 100;
const GOAL_BYTES_PER_10K = 15 * 1000 * 1000;
const RUN_DEADLINE_MS = 10 * 60_000;

// domain/src/sync/request_size.rs and MAX_CHANGES_PER_REQUEST, in JavaScript.
const FIRST_REQUEST_SIZE = 100;
const MIN_REQUEST_SIZE = 25;
const MAX_CHANGES_PER_REQUEST = 500;
const TARGET_SERVER_MS = 70;

/**
 * The next request's size after a request of `sent` changes at size `size` the server spent
 * `serverMs` on (`null`: it did not say; the size stays). Grows at most twofold, and only after a
 * full request; a short request shrinks it only when it was slow.
 */
export function nextRequestSize(size, sent, serverMs) {
  if (serverMs === null || !Number.isFinite(serverMs) || serverMs < 0) return size;
  const full = sent >= size;
  if (!full && serverMs <= TARGET_SERVER_MS) return size;
  const fitting = Math.floor(size * TARGET_SERVER_MS / Math.max(serverMs, 1));
  const ceiling = full ? Math.min(size * 2, MAX_CHANGES_PER_REQUEST) : size;
  return Math.min(Math.max(fitting, MIN_REQUEST_SIZE), ceiling);
}

/** The `sync` metric's duration in a `Server-Timing` header value, or null. */
export function serverMs(header) {
  for (const metric of (header ?? '').split(',')) {
    const [name, ...params] = metric.split(';').map((part) => part.trim());
    if (name !== 'sync') continue;
    const dur = params.find((param) => param.startsWith('dur='));
    if (dur === undefined) return null;
    const text = dur.slice(4).replace(/^"|"$/g, '');
    const ms = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function parseArgs(argv) {
  const usage = 'usage: peer.mjs [--rounds 3] [--ours-only]';
  let rounds = DEFAULT_ROUNDS;
  let oursOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ours-only') {
      oursOnly = true;
      continue;
    }
    const value = arg === '--rounds' ? argv[++i] : arg.startsWith('--rounds=') ? arg.slice(9) : undefined;
    if (value === undefined) throw new Error(`unknown argument: ${arg} (${usage})`);
    rounds = Number(value);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new Error(`--rounds wants a whole number from 1 to 50, got ${value}`);
  }
  return { rounds, oursOnly };
}

/** PouchDB from end2end/bench/peer, or a clear message on how to install it. */
function loadPouchDB() {
  const require = createRequire(path.join(PEER_DIR, 'package.json'));
  try {
    if (!existsSync(PEER_SERVER_BIN)) throw new Error(`${path.relative(ROOT, PEER_SERVER_BIN)} is missing`);
    return require('pouchdb');
  } catch (error) {
    console.error(`peer: the peer product is not installed (${error.message}).\n`
      + 'Install it first, from the repository root:\n  npm install --prefix end2end/bench/peer');
    process.exit(2);
  }
}

// ---- The leads ---------------------------------------------------------------------------------

const PLACES = ['成都', '重庆', '深圳', '杭州', '苏州', '西安', '武汉', '长沙', '青岛', '宁波'];
const BRANDS = ['蜀味', '渝鲜', '康源', '华信', '天府', '锦程', '恒达', '嘉禾', '云图', '川粮'];
const TRADES = ['预制菜', '食品', '冷链物流', '调味品', '餐饮管理', '农产品开发', '供应链管理', '中央厨房'];
const CONTACTS = ['王芳', '李强', '陈静', '张伟', '刘洋', '杨磊', '赵敏', '黄晓明', '周婷', '吴刚', '孙丽', '朱海峰'];
const TITLES = ['总经理', '董事长', '投资总监', '副总裁', '战略发展部经理'];
const CITIES = ['渝北', '江北', '南岸', '九龙坡', '沙坪坝'];
const EVENTS = ['第十九届西博会', '雁江食品饮料推介会', '成都国际食品博览会'];
const INTENTS = ['hot', 'warm', 'cold'];
const PREFIXES = ['139', '138', '137', '186', '158'];
const PROJECTS = ['预制菜中央厨房项目', '冷链物流园', '调味品生产基地', '川菜预制菜工厂'];
const FILLER = '客户对园区的冷链物流配套和土地指标比较关注，希望了解标准化厂房租金、设备补贴和人才公寓政策；'
  + '计划下月带技术团队实地考察，重点看食品加工园区的污水处理能力和天然气供应；已加微信，待发送招商政策汇编和园区宣传片。'
  + '对方提到已在川渝地区布局两个生产基地，年营业收入约十二亿元，正在筹备新三板挂牌，资金来源以自有资金和银行贷款为主。';
/** `domain::sync::LeadAttr::ALL` in its serde form: what a new lead's change names. */
const ATTRS = ['company_name', 'credit_code', 'contact_name', 'contact_title', 'mobile', 'wechat', 'email', 'origin',
  'industry', 'industry_segment', 'intended_project', 'intended_investment', 'tier', 'intent', 'event', 'referrer',
  'consent', 'notes', 'next_follow_up', 'pipeline'];
/** `notes` fills a lead up to this many characters of JSON (none when its fields reach it alone). */
const TARGET_CHARS = 780;
/** The newest lead's capture instant; older ones a minute apart (10,000 span a week). */
const NEWEST = Date.UTC(2026, 10, 20, 2, 0, 0);

/** A UUID v7 (RFC 9562) for the instant `ms`: 48 bits of milliseconds, then random bits. */
function uuid7(ms) {
  const bytes = randomBytes(16);
  for (let k = 5, t = ms; k >= 0; k--, t = Math.floor(t / 256)) bytes[k] = t % 256;
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Lead `i` (0 is the newest), captured by `owner` on `device`, as the tablet stores it. */
function makeLead(i, owner, device) {
  const ms = NEWEST - i * 60_000;
  const at = new Date(ms).toISOString();
  const lead = {
    id: uuid7(ms),
    company_name: `${PLACES[i % 10]}${BRANDS[Math.floor(i / 10) % 10]}${TRADES[Math.floor(i / 100) % 8]}有限公司（${i + 1}）`,
    credit_code: null,
    contact_name: CONTACTS[i % CONTACTS.length],
    contact_title: TITLES[i % TITLES.length],
    mobile: PREFIXES[i % PREFIXES.length] + String(10_000_000 + i).slice(-8),
    wechat: null,
    email: null,
    origin: { kind: 'domestic', province: 'chongqing', city: CITIES[i % CITIES.length] },
    industry: 'food_beverage',
    industry_segment: 'pre_made_dishes',
    intended_project: PROJECTS[i % PROJECTS.length],
    intended_investment: 5000 + (i % 40) * 1000,
    tier: { fortune_global_500: false, china_top_500: i % 17 === 0, china_private_top_500: i % 11 === 0, industry_leader: i % 3 === 0 },
    intent: INTENTS[i % 3],
    event: EVENTS[i % EVENTS.length],
    referrer: '市投资促进局',
    consent: { text_version: '2026-11-v1', given_at: at },
    notes: '',
    next_follow_up: '2026-10-08',
    captured_at: at,
    updated_at: at,
    captured_by: owner,
    device_id: device,
  };
  const room = TARGET_CHARS - JSON.stringify(lead).length;
  let notes = FILLER.slice((i * 13) % 80);
  while (notes.length < room) notes += FILLER;
  lead.notes = room > 0 ? notes.slice(0, room) : null;
  return lead;
}

/** `count` leads (numbered from `first`) for one device's officer. */
function makeLeads(first, count, owner, device) {
  return Array.from({ length: count }, (_, k) => makeLead(first + k, owner, device));
}

// ---- Ours --------------------------------------------------------------------------------------

async function login(url, username) {
  const response = await fetch(`${url}/api/v1/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`API login as ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()).token;
}

/**
 * Pushes `leads` as new changes from device `device`, one request after the other, sized as the
 * tablet sizes them. Returns each request's latency (ms) and size. A rejected change, a missing
 * result or an HTTP error fails the run.
 */
async function pushAsTablet(url, token, device, leads) {
  let cursor = 0;
  let size = FIRST_REQUEST_SIZE;
  const latencies = [];
  const sizes = [];
  for (let start = 0; start < leads.length;) {
    const batch = leads.slice(start, start + size);
    const changes = batch.map((lead) => ({ change_id: uuid7(Date.parse(lead.captured_at)), base_version: 0, changed: ATTRS, lead }));
    const t0 = performance.now();
    const response = await fetch(`${url}/api/v1/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ device_id: device, cursor, changes }),
    });
    const text = await response.text();
    latencies.push(performance.now() - t0);
    sizes.push(batch.length);
    if (response.status !== 200) throw new Error(`POST /api/v1/sync from ${device}: ${response.status} ${text.slice(0, 300)}`);
    const answer = JSON.parse(text);
    if (answer.results?.length !== batch.length) throw new Error(`${device}: ${batch.length} changes sent, ${answer.results?.length} results`);
    for (const [k, result] of answer.results.entries()) {
      if (result.status === 'rejected') throw new Error(`${device}: change for lead ${batch[k].id} rejected: ${JSON.stringify(result.reason)}`);
      if (result.lead_id !== batch[k].id) throw new Error(`${device}: result ${k} names lead ${result.lead_id}, sent ${batch[k].id}`);
    }
    cursor = answer.cursor;
    start += batch.length;
    size = nextRequestSize(size, batch.length, serverMs(response.headers.get('server-timing')));
  }
  return { latencies, sizes };
}

/** Fails unless the officer's leads on the server (`GET /api/v1/leads`) include every one of `leads`. */
async function checkOurs(url, token, leads, who) {
  const seen = new Set();
  for (let after = 0; ;) {
    const response = await fetch(`${url}/api/v1/leads?after=${after}&limit=5000`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`GET /api/v1/leads as ${who}: ${response.status} ${await response.text()}`);
    const page = await response.json();
    if (page.length === 0) break;
    for (const { lead } of page) seen.add(lead.id);
    after = Number(response.headers.get('x-next-after'));
  }
  const missing = leads.filter((lead) => !seen.has(lead.id)).length;
  if (missing) throw new Error(`ours: ${missing} of ${leads.length} leads of ${who} missing on the server`);
}

/** Waits until the manager workspace has indexed every synced lead (`/healthz` `index_lag` 0). */
async function untilIndexed(url) {
  for (const started = performance.now(); performance.now() - started < 120_000;) {
    const health = await (await fetch(`${url}/healthz`)).json();
    if (health.index_lag === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('ours: the manager workspace did not index every lead within 2 minutes');
}

/** The database file of a `sqlite://` URL. */
function databaseFile(databaseUrl) {
  return databaseUrl.replace(/^sqlite:\/\//, '');
}

/** The SQLite file and its -wal in bytes, after a checkpoint when the `sqlite3` CLI is there. */
function ourBytes(databaseUrl) {
  const file = databaseFile(databaseUrl);
  let checkpoint = 'sqlite3 CLI not found: sizes as they are, not checkpointed';
  try {
    const out = execFileSync('sqlite3', [file, 'PRAGMA busy_timeout=5000; PRAGMA wal_checkpoint(TRUNCATE);'], { encoding: 'utf8' }).trim();
    // The checkpoint's answer is `busy|log|checkpointed`; busy 1 means it could not finish.
    checkpoint = out.split('\n').pop().startsWith('0|') ? 'wal_checkpoint(TRUNCATE) done' : `wal_checkpoint(TRUNCATE) incomplete: ${out}`;
  } catch (error) {
    if (error.code !== 'ENOENT') checkpoint = `wal_checkpoint(TRUNCATE) failed: ${error.message.split('\n')[0]}`;
  }
  const size = (p) => (existsSync(p) ? statSync(p).size : 0);
  return { db: size(file), wal: size(`${file}-wal`), total: size(file) + size(`${file}-wal`), checkpoint, tables: tableBytes(file) };
}

/**
 * Bytes per table and index of the SQLite file (its `dbstat` table through the `sqlite3` CLI),
 * largest first; `null` when the CLI cannot tell.
 */
function tableBytes(file) {
  try {
    const out = execFileSync('sqlite3', ['-readonly', file, 'SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC;'], { encoding: 'utf8' });
    return Object.fromEntries(out.trim().split('\n').map((line) => line.split('|')).map(([name, bytes]) => [name, Number(bytes)]));
  } catch {
    return null;
  }
}

async function oursSingle(leads) {
  const server = await startServer();
  try {
    await addUser(server, 'bench.single', 'officer', PASSWORD);
    const token = await login(server.url, 'bench.single');
    const t0 = performance.now();
    const pushed = await pushAsTablet(server.url, token, 'tablet-single', leads);
    const ms = performance.now() - t0;
    await checkOurs(server.url, token, leads, 'bench.single');
    await untilIndexed(server.url);
    return { ms, leads_per_s: leads.length / (ms / 1000), requests: pushed.sizes.length, sizes: pushed.sizes,
      latency_ms: summary(pushed.latencies), bytes: ourBytes(server.databaseUrl) };
  } finally {
    await server.kill();
    rmSync(path.dirname(databaseFile(server.databaseUrl)), { recursive: true, force: true });
  }
}

async function oursDevices(perDevice) {
  const server = await startServer();
  try {
    const devices = [];
    for (let d = 0; d < perDevice.length; d++) {
      const officer = `bench.officer${d}`;
      await addUser(server, officer, 'officer', PASSWORD);
      devices.push({ officer, device: `tablet-${d}`, token: await login(server.url, officer), leads: perDevice[d](officer, `tablet-${d}`) });
    }
    const t0 = performance.now();
    const pushed = await Promise.all(devices.map((d) => pushAsTablet(server.url, d.token, d.device, d.leads)));
    const ms = performance.now() - t0;
    for (const d of devices) await checkOurs(server.url, d.token, d.leads, d.officer);
    const latencies = pushed.flatMap((p) => p.latencies);
    const sizes = pushed.flatMap((p) => p.sizes);
    const total = devices.reduce((n, d) => n + d.leads.length, 0);
    return { ms, leads_per_s: total / (ms / 1000), requests: sizes.length, mean_request_size: round(total / sizes.length),
      latency_ms: summary(latencies) };
  } finally {
    await server.kill();
    rmSync(path.dirname(databaseFile(server.databaseUrl)), { recursive: true, force: true });
  }
}

// ---- The peer ----------------------------------------------------------------------------------


/** pouchdb-server on a fresh LevelDB directory; returns { url, dir, kill() }. */
async function startPeerServer() {
  const port = await freePort();
  const home = mkdtempSync(path.join(os.tmpdir(), 'zs-peer-'));
  const dir = path.join(home, 'data');
  mkdirSync(dir);
  const url = `http://127.0.0.1:${port}`;
  // Its config and log files go to the working directory, kept apart from the databases.
  const child = spawn(PEER_SERVER_BIN, ['--host', '127.0.0.1', '--port', String(port), '--dir', dir, '--no-color'],
    { cwd: home, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`pouchdb-server exited (${child.exitCode})`);
    try { if ((await fetch(url)).ok) break; } catch { /* not yet */ }
    if (i === 599) throw new Error('pouchdb-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    dir,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Bytes under `dir`, as `du` would count the files' lengths. */
function dirBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

/** A fetch for PouchDB's http adapter that records each `_revs_diff` and `_bulk_docs` request's latency. */
function timedFetch(PouchDB, seen) {
  return async (url, options) => {
    const kind = /\/_(revs_diff|bulk_docs)(\?|$)/.exec(String(url))?.[1];
    const t0 = performance.now();
    const response = await PouchDB.fetch(url, options);
    if (kind) seen[kind].push(performance.now() - t0);
    return response;
  };
}

/** A local PouchDB on a temporary LevelDB directory holding `leads` as documents (not timed). */
async function localWith(PouchDB, scratch, name, leads) {
  const local = new PouchDB(path.join(scratch, name));
  for (let start = 0; start < leads.length; start += BULK_BATCH) {
    const docs = leads.slice(start, start + BULK_BATCH).map((lead) => ({ _id: lead.id, ...lead }));
    const answers = await local.bulkDocs(docs);
    if (answers.some((a) => a.error)) throw new Error(`peer: local write failed: ${JSON.stringify(answers.find((a) => a.error))}`);
  }
  return local;
}

async function remoteCount(url, db) {
  const response = await fetch(`${url}/${db}`);
  if (response.status !== 200) throw new Error(`peer: GET /${db}: ${response.status} ${await response.text()}`);
  return (await response.json()).doc_count;
}

async function peerSingle(PouchDB, leads) {
  const server = await startPeerServer();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'zs-peer-local-'));
  try {
    const local = await localWith(PouchDB, scratch, 'local', leads);
    const seen = { revs_diff: [], bulk_docs: [] };
    const remote = new PouchDB(`${server.url}/leads`, { fetch: timedFetch(PouchDB, seen) });
    await remote.info(); // creates the database, outside the clock
    const t0 = performance.now();
    const result = await local.replicate.to(remote);
    const ms = performance.now() - t0;
    if (!result.ok || result.doc_write_failures) throw new Error(`peer: replication failed: ${JSON.stringify(result.errors?.slice(0, 3))}`);
    const count = await remoteCount(server.url, 'leads');
    if (count !== leads.length) throw new Error(`peer: remote holds ${count} documents after replication, expected ${leads.length}`);
    await local.close();
    await remote.close();
    const bytes = { server_dir: dirBytes(server.dir), database_dir: dirBytes(path.join(server.dir, 'leads')) };

    // The raw upload: `_bulk_docs`, 500 a request, into a new database on the same server.
    await fetch(`${server.url}/bulk`, { method: 'PUT' });
    const bulk = [];
    const b0 = performance.now();
    for (let start = 0; start < leads.length; start += BULK_BATCH) {
      const docs = leads.slice(start, start + BULK_BATCH).map((lead) => ({ _id: lead.id, ...lead }));
      const t = performance.now();
      const response = await fetch(`${server.url}/bulk/_bulk_docs`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs }),
      });
      const answers = await response.json();
      bulk.push(performance.now() - t);
      if (response.status !== 201 || answers.some((a) => a.error)) throw new Error(`peer: _bulk_docs: ${response.status} ${JSON.stringify(answers).slice(0, 300)}`);
    }
    const bulkMs = performance.now() - b0;
    const bulkCount = await remoteCount(server.url, 'bulk');
    if (bulkCount !== leads.length) throw new Error(`peer: _bulk_docs left ${bulkCount} documents, expected ${leads.length}`);
    return {
      ms, leads_per_s: leads.length / (ms / 1000), docs_written: result.docs_written,
      revs_diff_ms: summary(seen.revs_diff), bulk_docs_ms: summary(seen.bulk_docs), bytes,
      raw_bulk_docs: { ms: bulkMs, leads_per_s: leads.length / (bulkMs / 1000), batch: BULK_BATCH, request_ms: summary(bulk) },
    };
  } finally {
    await server.kill();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function peerDevices(PouchDB, perDevice) {
  const server = await startPeerServer();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'zs-peer-local-'));
  try {
    const locals = [];
    for (let d = 0; d < perDevice.length; d++) {
      locals.push(await localWith(PouchDB, scratch, `tablet-${d}`, perDevice[d](`bench.officer${d}`, `tablet-${d}`)));
    }
    const total = perDevice.length * PER_DEVICE;
    const seen = { revs_diff: [], bulk_docs: [] };
    const remotes = locals.map(() => new PouchDB(`${server.url}/leads`, { fetch: timedFetch(PouchDB, seen) }));
    await remotes[0].info();
    const t0 = performance.now();
    const results = await Promise.all(locals.map((local, d) => local.replicate.to(remotes[d])));
    const ms = performance.now() - t0;
    const failed = results.find((r) => !r.ok || r.doc_write_failures);
    if (failed) throw new Error(`peer: a replication failed: ${JSON.stringify(failed.errors?.slice(0, 3))}`);
    const count = await remoteCount(server.url, 'leads');
    if (count !== total) throw new Error(`peer: remote holds ${count} documents after 20 replications, expected ${total}`);
    for (const db of [...locals, ...remotes]) await db.close();
    return { ms, leads_per_s: total / (ms / 1000), revs_diff_ms: summary(seen.revs_diff), bulk_docs_ms: summary(seen.bulk_docs) };
  } finally {
    await server.kill();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---- Reporting ---------------------------------------------------------------------------------

function round(x) {
  return Math.round(x * 100) / 100;
}

function summary(values) {
  if (!values.length) return null;
  return { n: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(Math.max(...values)) };
}

/** Min, max and median (the mean of the middle two when the count is even) over the rounds. */
function range(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = Number.isInteger(mid) ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[Math.floor(mid)];
  return { min: round(sorted[0]), max: round(sorted[sorted.length - 1]), median: round(median) };
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const mb = (bytes) => (bytes / 1e6).toFixed(2);

async function main() {
  const { rounds, oursOnly } = parseArgs(process.argv.slice(2));
  if (oursOnly) return oursAlone(rounds);
  const PouchDB = loadPouchDB();
  const started = Date.now();

  // The leads, made once, before any clock: the one device's 10,000, and each of the 20 devices'
  // 500 (made for its officer when the device is set up, from these numbers).
  const single = makeLeads(0, SINGLE, 'bench.single', 'tablet-single');
  const perDevice = Array.from({ length: DEVICES }, (_, d) => {
    let made = null;
    return (owner, device) => (made ??= makeLeads(d * PER_DEVICE, PER_DEVICE, owner, device));
  });
  const chars = Math.round(single.reduce((n, lead) => n + JSON.stringify(lead).length, 0) / single.length);
  console.log(`leads: ${SINGLE} for one device, ${DEVICES} × ${PER_DEVICE} for ${DEVICES} devices, ${chars} characters of JSON each on average`);

  const runs = [];
  for (let r = 1; r <= rounds; r++) {
    if (Date.now() - started > RUN_DEADLINE_MS * rounds) throw new Error(`run exceeded ${RUN_DEADLINE_MS * rounds / 60_000} minutes`);
    console.log(`\nround ${r} of ${rounds}`);
    const run = {};
    run.ours_single = await oursSingle(single);
    const o1 = run.ours_single;
    console.log(`  1 device, ours: ${SINGLE} leads in ${fmt(o1.ms)} ms = ${fmt(o1.leads_per_s)} leads/s, ${o1.requests} requests `
      + `(p50 ${o1.latency_ms.p50} ms, p99 ${o1.latency_ms.p99} ms); on disk ${mb(o1.bytes.total)} MB `
      + `(db ${mb(o1.bytes.db)} + wal ${mb(o1.bytes.wal)}, ${o1.bytes.checkpoint})`);
    run.peer_single = await peerSingle(PouchDB, single);
    const p1 = run.peer_single;
    console.log(`  1 device, peer: replicated in ${fmt(p1.ms)} ms = ${fmt(p1.leads_per_s)} leads/s `
      + `(_revs_diff ${p1.revs_diff_ms?.n ?? 0} × p50 ${p1.revs_diff_ms?.p50} ms, _bulk_docs ${p1.bulk_docs_ms?.n ?? 0} × p50 ${p1.bulk_docs_ms?.p50} ms); `
      + `raw _bulk_docs ×${BULK_BATCH}: ${fmt(p1.raw_bulk_docs.ms)} ms = ${fmt(p1.raw_bulk_docs.leads_per_s)} leads/s; `
      + `on disk ${mb(p1.bytes.server_dir)} MB (database alone ${mb(p1.bytes.database_dir)} MB)`);
    console.log(`  1 device, ours/peer: ${(o1.leads_per_s / p1.leads_per_s).toFixed(1)}× (vs raw _bulk_docs ${(o1.leads_per_s / p1.raw_bulk_docs.leads_per_s).toFixed(1)}×)`);

    run.ours_devices = await oursDevices(perDevice);
    const o2 = run.ours_devices;
    console.log(`  ${DEVICES} devices, ours: ${fmt(o2.ms)} ms = ${fmt(o2.leads_per_s)} leads/s, ${o2.requests} requests of ${o2.mean_request_size} `
      + `on average, latency p50 ${o2.latency_ms.p50} ms, p99 ${o2.latency_ms.p99} ms, max ${o2.latency_ms.max} ms`);
    run.peer_devices = await peerDevices(PouchDB, perDevice);
    const p2 = run.peer_devices;
    console.log(`  ${DEVICES} devices, peer: ${fmt(p2.ms)} ms = ${fmt(p2.leads_per_s)} leads/s `
      + `(_revs_diff ${p2.revs_diff_ms?.n ?? 0} × p50 ${p2.revs_diff_ms?.p50} / p99 ${p2.revs_diff_ms?.p99} ms, `
      + `_bulk_docs ${p2.bulk_docs_ms?.n ?? 0} × p50 ${p2.bulk_docs_ms?.p50} / p99 ${p2.bulk_docs_ms?.p99} ms)`);
    console.log(`  ${DEVICES} devices, ours/peer: ${(o2.leads_per_s / p2.leads_per_s).toFixed(1)}×`);
    run.ratio_single = o1.leads_per_s / p1.leads_per_s;
    run.ratio_devices = o2.leads_per_s / p2.leads_per_s;
    runs.push(run);
  }

  const over = (pick) => range(runs.map(pick));
  const ranges = {
    single_ours_leads_per_s: over((r) => r.ours_single.leads_per_s),
    single_peer_leads_per_s: over((r) => r.peer_single.leads_per_s),
    single_peer_raw_bulk_docs_leads_per_s: over((r) => r.peer_single.raw_bulk_docs.leads_per_s),
    single_ratio: over((r) => r.ratio_single),
    devices_ours_leads_per_s: over((r) => r.ours_devices.leads_per_s),
    devices_peer_leads_per_s: over((r) => r.peer_devices.leads_per_s),
    devices_ratio: over((r) => r.ratio_devices),
    devices_ours_p50_ms: over((r) => r.ours_devices.latency_ms.p50),
    devices_ours_p99_ms: over((r) => r.ours_devices.latency_ms.p99),
    ours_bytes: over((r) => r.ours_single.bytes.total),
    peer_bytes: over((r) => r.peer_single.bytes.server_dir),
  };
  const goals = {
    single_ratio_at_least: { goal: GOAL_RATIO, median: ranges.single_ratio.median, met: ranges.single_ratio.median >= GOAL_RATIO },
    devices_ratio_at_least: { goal: GOAL_RATIO, median: ranges.devices_ratio.median, met: ranges.devices_ratio.median >= GOAL_RATIO },
    devices_p99_ms_below: { goal: GOAL_P99_MS, median: ranges.devices_ours_p99_ms.median, met: ranges.devices_ours_p99_ms.median < GOAL_P99_MS },
    ours_bytes_per_10k_at_most: { goal: GOAL_BYTES_PER_10K, median: ranges.ours_bytes.median * 10_000 / SINGLE,
      met: ranges.ours_bytes.median * 10_000 / SINGLE <= GOAL_BYTES_PER_10K },
  };
  const roundAll = (value) => JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'number' ? round(v) : v)));
  const result = {
    benchmark: 'peer',
    date: new Date().toISOString(),
    server: process.env.ZS_SERVER_BIN ?? 'target/release/server',
    peer: { pouchdb: createRequire(path.join(PEER_DIR, 'package.json'))('pouchdb/package.json').version,
      'pouchdb-server': createRequire(path.join(PEER_DIR, 'package.json'))('pouchdb-server/package.json').version },
    node: process.version,
    machine: { cpus: os.cpus().length, load_average_1m: round(os.loadavg()[0]) },
    lead_json_chars: chars,
    rounds,
    runs: roundAll(runs),
    ranges,
    goals: roundAll(goals),
  };
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  const out = path.join(ROOT, 'bench-results', 'peer.json');
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

  const show = (r, unit = '') => `${fmt(r.min)}-${fmt(r.max)}${unit} (median ${fmt(r.median)}${unit})`;
  const met = (g) => (g.met ? 'met' : 'NOT met');
  console.log(`\nover ${rounds} round(s), min-max:`);
  console.log(`  1 device:   ours ${show(ranges.single_ours_leads_per_s)} leads/s; peer replication ${show(ranges.single_peer_leads_per_s)} leads/s; `
    + `peer raw _bulk_docs ${show(ranges.single_peer_raw_bulk_docs_leads_per_s)} leads/s`);
  console.log(`              ours/peer ${ranges.single_ratio.min.toFixed(1)}-${ranges.single_ratio.max.toFixed(1)}×`);
  console.log(`  ${DEVICES} devices: ours ${show(ranges.devices_ours_leads_per_s)} leads/s, p50 ${ranges.devices_ours_p50_ms.min}-${ranges.devices_ours_p50_ms.max} ms, `
    + `p99 ${ranges.devices_ours_p99_ms.min}-${ranges.devices_ours_p99_ms.max} ms; peer ${show(ranges.devices_peer_leads_per_s)} leads/s`);
  console.log(`              ours/peer ${ranges.devices_ratio.min.toFixed(1)}-${ranges.devices_ratio.max.toFixed(1)}×`);
  console.log(`  on disk after ${SINGLE} leads: ours ${mb(ranges.ours_bytes.min)}-${mb(ranges.ours_bytes.max)} MB; `
    + `peer ${mb(ranges.peer_bytes.min)}-${mb(ranges.peer_bytes.max)} MB`);
  console.log('goals (on the medians):');
  console.log(`  ours ≥ ${GOAL_RATIO}× the peer, 1 device: ${met(goals.single_ratio_at_least)} (${ranges.single_ratio.median.toFixed(1)}×)`);
  console.log(`  ours ≥ ${GOAL_RATIO}× the peer, ${DEVICES} devices: ${met(goals.devices_ratio_at_least)} (${ranges.devices_ratio.median.toFixed(1)}×)`);
  console.log(`  ours ${DEVICES}-device p99 < ${GOAL_P99_MS} ms: ${met(goals.devices_p99_ms_below)} (${ranges.devices_ours_p99_ms.median} ms)`);
  console.log(`  ours ≤ 15 MB per 10,000 leads: ${met(goals.ours_bytes_per_10k_at_most)} (${mb(goals.ours_bytes_per_10k_at_most.median)} MB)`);
  console.log(`  written to ${path.relative(process.cwd(), out) || out}`);
}

/**
 * `--ours-only`: our two scenarios alone, each round printed with the bytes per table and index;
 * nothing written (the side-by-side figures are the benchmark's). For working on the server.
 */
async function oursAlone(rounds) {
  const single = makeLeads(0, SINGLE, 'bench.single', 'tablet-single');
  const perDevice = Array.from({ length: DEVICES }, (_, d) => (owner, device) => makeLeads(d * PER_DEVICE, PER_DEVICE, owner, device));
  for (let r = 1; r <= rounds; r++) {
    const o1 = await oursSingle(single);
    const o2 = await oursDevices(perDevice);
    console.log(`round ${r}: 1 device ${fmt(o1.leads_per_s)} leads/s (p50 ${o1.latency_ms.p50} ms); ${DEVICES} devices `
      + `${fmt(o2.leads_per_s)} leads/s, p50 ${o2.latency_ms.p50} ms, p99 ${o2.latency_ms.p99} ms; on disk ${mb(o1.bytes.total)} MB`);
    for (const [name, bytes] of Object.entries(o1.bytes.tables ?? {}).filter(([, b]) => b >= 50_000)) console.log(`    ${name.padEnd(28)} ${mb(bytes).padStart(7)} MB`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(() => process.exit(0), (error) => {
    console.error(`peer: FAILED: ${error.message}`);
    process.exit(1);
  });
}
