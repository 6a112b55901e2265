// A real `semauth server` child process for the scripts (fuzz-long, crash-test):
// the built CLI (dist/), a SQLite file, a free loopback port.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SEMAUTH_BIN = join(SERVER_DIR, 'bin/semauth.js');
export const ADMIN_PASSWORD = 'admin-password-1';
/** Cheap Argon2 for scripts that are not about hashing cost. */
export const FAST_HASHING_ENV = { SEMAUTH_ARGON2_MEMORY_KIB: '8192', SEMAUTH_ARGON2_TIME_COST: '1' };

export function requireBuild() {
  if (!existsSync(join(SERVER_DIR, 'dist/cli/main.js'))) {
    throw new Error('packages/server/dist is missing: run `npm run build` first');
  }
}

export function tempDatabase(prefix = 'semauth-script-') {
  return join(mkdtempSync(join(tmpdir(), prefix)), 'semauth.sqlite');
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitForPing(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before answering`);
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

/**
 * Starts `semauth server` on `dbPath` and resolves once it answers /api/ping.
 * Returns { url, pid, child, output(), kill(signal) → exit info, exited }.
 */
export async function startServer({ dbPath, env = {}, timeoutMs = 30_000 }) {
  requireBuild();
  const port = await freePort();
  const child = spawn(process.execPath, [SEMAUTH_BIN, 'server'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      SEMAPHORE_DB_DIALECT: 'sqlite',
      SEMAPHORE_DB_HOST: dbPath,
      SEMAPHORE_INTERFACE: '127.0.0.1',
      SEMAPHORE_PORT: String(port),
      SEMAUTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      SEMAUTH_LOG_LEVEL: 'warn',
      ...FAST_HASHING_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const kill = async (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  try {
    await waitForPing(url, child, timeoutMs);
  } catch (e) {
    await kill('SIGKILL');
    throw new Error(`${e.message}\n--- server output ---\n${out}`);
  }
  return { url, port, pid: child.pid, child, output: () => out, kill, exited };
}

/** Resident memory of a process in MiB (Linux), or null. */
export async function rssMiB(pid) {
  try {
    const { readFile } = await import('node:fs/promises');
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Parses `--name value` flags into an object of numbers/strings, with defaults. */
export function parseFlags(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${m[1]} (known: ${Object.keys(defaults).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')})`);
    const raw = m[2] ?? argv[++i];
    out[key] = typeof defaults[key] === 'number' ? Number(raw) : raw;
    if (typeof defaults[key] === 'number' && !Number.isFinite(out[key])) throw new Error(`--${m[1]} needs a number`);
  }
  return out;
}
