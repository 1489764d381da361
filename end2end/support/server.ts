// Starts the real server binary (built by `cargo leptos build --release`) on a free port, so a test
// can kill it and start it again on the same address: the tablet's origin, and with it its
// IndexedDB and service worker, stays the same.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER_BIN = process.env.ZS_SERVER_BIN ?? path.join(ROOT, 'target', 'release', 'server');
export const SITE_ROOT = process.env.ZS_SITE_ROOT ?? path.join(ROOT, 'target', 'site');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  /** The server's own SQLite database, kept across kill() and start(). */
  readonly databaseUrl: string;

  constructor(readonly port: number, readonly extraEnv: Record<string, string> = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-db-'));
    this.databaseUrl = `sqlite://${path.join(dir, 'zhaoshang.db')}`;
  }

  /** Whether it serves HTTPS (`ZS_TLS_CERT` given). */
  get tls(): boolean {
    return 'ZS_TLS_CERT' in this.extraEnv;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Whether /healthz answers 200 (over HTTPS without checking the certificate: loopback only). */
  private async healthy(): Promise<boolean> {
    if (!this.tls) {
      const response = await fetch(`${this.url}/healthz`);
      return response.ok;
    }
    return new Promise((resolve, reject) => {
      const request = https.get(`${this.url}/healthz`, { rejectUnauthorized: false }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.on('error', reject);
    });
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    this.child = spawn(SERVER_BIN, [], {
      env: {
        ...process.env,
        LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
        LEPTOS_SITE_ROOT: SITE_ROOT,
        LEPTOS_SITE_PKG_DIR: 'pkg',
        LEPTOS_OUTPUT_NAME: 'zhaoshang',
        LEPTOS_ENV: 'PROD',
        DATABASE_URL: this.databaseUrl,
        RUST_LOG: process.env.RUST_LOG ?? 'warn',
        ...this.extraEnv,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`server exited early (${this.child.exitCode ?? this.child.signalCode})`);
      try {
        if (await this.healthy()) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('server did not become healthy within 15 s');
  }

  /** Kills the process for real (SIGKILL: no graceful shutdown) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }
}

/** Runs a command of the server binary on the server's database, `input` on standard input. */
async function runCommand(server: ServerProcess, args: string[], input = ''): Promise<void> {
  const child = spawn(SERVER_BIN, args, {
    env: { ...process.env, DATABASE_URL: server.databaseUrl, RUST_LOG: 'warn' },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  child.stdin!.end(input);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`server ${args.join(' ')} failed (${code})`);
}

/** Adds an account with `server user add`, the password on standard input, as an admin would. */
export async function addUser(server: ServerProcess, name: string, role: 'officer' | 'manager' | 'admin', password: string): Promise<void> {
  await runCommand(server, ['user', 'add', name, '--role', role, '--department', '经济合作和外事局'], `${password}\n`);
}

/** Makes a local CA and an HTTPS certificate for `host` in `dir` with `server cert`; returns the
 * environment that serves it. */
export async function makeCertificate(dir: string, host: string): Promise<Record<string, string>> {
  const child = spawn(SERVER_BIN, ['cert', '--host', host, '--dir', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`server cert failed (${code})`);
  return { ZS_TLS_CERT: path.join(dir, 'cert.pem'), ZS_TLS_KEY: path.join(dir, 'key.pem') };
}

/** Loads the 2023 targets and `leads` demo leads with `server demo`. */
export async function loadDemo(server: ServerProcess, leads: number): Promise<void> {
  await runCommand(server, ['demo', '--leads', String(leads)]);
}
