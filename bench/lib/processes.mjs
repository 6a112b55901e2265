// Server processes under test: real `semauth server` processes and the bare
// Fastify baseline, each on its own loopback port.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEMAUTH_BIN = fileURLToPath(new URL('../../packages/server/bin/semauth.js', import.meta.url));
const BARE_SERVER = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
/** Linux reports process CPU times in clock ticks of 1/100 s (USER_HZ) on every common architecture. */
const CLOCK_TICKS = 100;

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(origin, child, output, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const r = await fetch(`${origin}/api/ping`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${origin}/api/ping:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function track(child) {
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    /** CPU seconds (user + system) the process has used so far (Linux /proc), or null. */
    cpuSeconds() {
      try {
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      } catch {
        return null;
      }
    },
    /** Resident set size in bytes (Linux /proc), or null where unavailable. */
    rss() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : null;
      } catch {
        return null;
      }
    },
  };
}

/**
 * Starts `semauth server` with the given database environment. Statistics
 * (storage writes) are switched on with the opt-in SEMAUTH_DEBUG_STATS:
 * the server prints them on SIGUSR2, which `stats()` asks for.
 */
export async function startSemauth({ dbEnv, env = {}, threads, nodeArgs = [] }) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, SEMAUTH_BIN, 'server'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      // The server hashes on `threads` pool threads; libuv's pool must hold at least that many.
      ...(threads ? { SEMAUTH_HASHING_THREADS: String(threads), UV_THREADPOOL_SIZE: String(Math.max(4, threads)) } : {}),
      SEMAUTH_LOG_LEVEL: 'warn',
      SEMAUTH_DEBUG_STATS: 'true',
      SEMAPHORE_INTERFACE: '127.0.0.1',
      SEMAPHORE_PORT: String(port),
      ...dbEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t = track(child);
  try {
    await waitForPing(origin, child, t.output);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    ...t,
    origin,
    pid: child.pid,
    /** The server's storage counters, e.g. { writes }. */
    async stats() {
      const seen = (t.output().match(/semauth-stats /g) ?? []).length;
      child.kill('SIGUSR2');
      const deadline = Date.now() + 5000;
      while ((t.output().match(/semauth-stats /g) ?? []).length <= seen) {
        if (Date.now() > deadline) throw new Error(`semauth printed no statistics (is SEMAUTH_DEBUG_STATS supported?):\n${t.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const lines = t.output().match(/semauth-stats (\{.*\})/g);
      return JSON.parse(lines[lines.length - 1].slice('semauth-stats '.length));
    },
  };
}

/** The baseline server: bare Fastify answering GET /api/user with `body`. */
export async function startBare(body) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [BARE_SERVER, String(port)], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(JSON.stringify(body));
  const t = track(child);
  await waitForPing(origin, child, t.output);
  return { ...t, origin, pid: child.pid };
}
