// Shared by the benchmark and screenshot scripts: start the release server on a free port, add an
// account to it, and launch Debian's Chromium as the tests do.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER_BIN = process.env.ZS_SERVER_BIN ?? path.join(ROOT, 'target', 'release', 'server');

export const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts target/release/server; returns { url, kill(), start() }. */
export async function startServer() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const databaseUrl = `sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zs-db-')), 'zhaoshang.db')}`;
  let child = null;
  const server = {
    url,
    databaseUrl,
    async start() {
      child = spawn(SERVER_BIN, [], {
        env: { ...process.env, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: process.env.ZS_SITE_ROOT ?? path.join(ROOT, 'target', 'site'),
          LEPTOS_SITE_PKG_DIR: 'pkg', LEPTOS_OUTPUT_NAME: 'zhaoshang', LEPTOS_ENV: 'PROD', RUST_LOG: 'warn', DATABASE_URL: databaseUrl },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      for (let i = 0; i < 300; i++) {
        try { if ((await fetch(`${url}/healthz`)).ok) return; } catch { /* not yet */ }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('server did not start');
    },
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
  await server.start();
  return server;
}

/**
 * Adds an account to the server's database with `server user add`, the password on standard
 * input, as an admin would (and as end2end/support/server.ts does for the tests).
 */
export async function addUser(server, name, role, password, department = '经济合作和外事局') {
  const child = spawn(SERVER_BIN, ['user', 'add', name, '--role', role, '--department', department], {
    env: { ...process.env, DATABASE_URL: server.databaseUrl, RUST_LOG: 'warn' },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  child.stdin.end(`${password}\n`);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`server user add ${name} failed (${code})`);
}

/** The p-th percentile (0-100) of numbers, nearest-rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
