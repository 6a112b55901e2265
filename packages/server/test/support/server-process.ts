/**
 * semauth as a real child process (`semauth server`), for tests that need a
 * separate process: restarts, kills, several instances, the SDK's tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAST_HASHING_ENV, freshDatabaseEnv, tempDir } from './database.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SEMAUTH_BIN = join(REPO_ROOT, 'packages/server/bin/semauth.js');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

export interface ServerProcess {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** SQLite file path ('' for PostgreSQL). */
  dbPath: string;
  adminPassword: string;
  env: Record<string, string>;
  child: ChildProcess;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  /** What it printed on stdout (the JSON log lines). */
  stdout(): string;
  /** What it printed on stderr. */
  stderr(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** Send a signal (e.g. SIGKILL) and wait for exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function waitForPing(url: string, timeoutMs = 20_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/api/ping`, { signal: AbortSignal.timeout(1000) });
      if (r.ok && (await r.text()) === 'pong') return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server at ${url} did not answer /api/ping within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The path prefix of a SEMAPHORE_WEB_ROOT (`/semaphore` or `https://host/semaphore`): the API is below it. */
function webRootPath(webRoot: string | undefined): string {
  if (!webRoot) return '';
  return (webRoot.startsWith('/') ? webRoot : new URL(webRoot).pathname).replace(/\/+$/, '');
}

export interface ServerProcessOptions {
  env?: Record<string, string>;
  dbEnv?: Record<string, string>;
  /** Working directory; default a new empty one, so that no stray ./config.json is found. */
  cwd?: string;
  /** Arguments before `server`, e.g. ['--config', file]. */
  globalArgs?: string[];
  /**
   * null: start without SEMAUTH_ADMIN_PASSWORD, as a newcomer does (the server
   * then makes up the first admin's password; `adminPassword` is '').
   */
  adminPassword?: null;
  /** Node options before the script, e.g. ['--import', url] to preload a test hook. */
  nodeOptions?: string[];
}

export async function startServerProcess(opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const adminPassword = opts.adminPassword === null ? '' : (opts.env?.SEMAUTH_ADMIN_PASSWORD ?? 'admin-password-1');
  const env: Record<string, string> = {
    ...(opts.dbEnv ?? (await freshDatabaseEnv())),
    ...FAST_HASHING_ENV,
    SEMAUTH_LOG_LEVEL: 'warn',
    SEMAPHORE_INTERFACE: '127.0.0.1',
    SEMAPHORE_PORT: String(port),
    ...(opts.adminPassword === null ? {} : { SEMAUTH_ADMIN_PASSWORD: adminPassword }),
    ...opts.env,
  };
  const child = spawn(process.execPath, [...(opts.nodeOptions ?? []), SEMAUTH_BIN, ...(opts.globalArgs ?? []), 'server'], {
    cwd: opts.cwd ?? tempDir('semauth-cwd-'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    out += d;
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
    stderr += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${env.SEMAPHORE_PORT}`;
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  try {
    await waitForPing(`${url}${webRootPath(env.SEMAPHORE_WEB_ROOT)}`, 20_000, child);
  } catch (e) {
    await kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n--- server output ---\n${out}`);
  }
  return {
    url,
    dbPath: env.SEMAPHORE_DB_DIALECT === 'postgres' ? '' : (env.SEMAPHORE_DB_HOST ?? ''),
    adminPassword,
    env,
    child,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => kill('SIGTERM'),
    kill,
  };
}
