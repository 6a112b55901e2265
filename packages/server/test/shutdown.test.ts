/**
 * Graceful shutdown on SIGTERM, as a load balancer or orchestrator sends it:
 * stop accepting connections, finish the requests in flight (their database
 * writes included), close the database, exit 0. Runs on both dialects.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freshDatabaseEnv } from './support/database.js';
import { http } from './support/http.js';
import { startServerProcess } from './support/server-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the error code of a plain TCP connect ('' when it connected). */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

describe('SIGTERM', () => {
  it('stops accepting, finishes the request in flight, then exits 0', async () => {
    const dbEnv = await freshDatabaseEnv();
    // Costly hashing (~0.5 s or more here) makes a login slow enough to be caught in flight.
    const slow = { SEMAUTH_ARGON2_MEMORY_KIB: '32768', SEMAUTH_ARGON2_TIME_COST: '12' };
    const server = await startServerProcess({ dbEnv, env: slow });
    const port = Number(new URL(server.url).port);
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));

    let answered = false;
    const inFlight = http('POST', `${server.url}/api/auth/login`, {
      headers: { 'content-type': 'application/json' },
      body: { auth: 'admin', password: server.adminPassword },
    }).finally(() => (answered = true));
    await sleep(100);
    server.child.kill('SIGTERM');
    await sleep(50);

    // New connections are refused while the login is still being answered.
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    expect(answered, 'the login was answered before the test could check; make hashing slower').toBe(false);
    const login = await inFlight;
    expect(login.status, login.text).toBe(204);
    const cookie = login.cookie();
    expect(await exited).toBe(0);
    expect(server.output()).not.toMatch(/unhandled|"level":50/);

    // The session that login created was written before the database closed.
    const again = await startServerProcess({ dbEnv });
    try {
      expect((await http('GET', `${again.url}/api/user`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await again.stop();
    }
  }, 60_000);

  it('exits 0 promptly when idle, keep-alive connections included', async () => {
    const server = await startServerProcess();
    // Leave an idle keep-alive connection open (node:http's global agent keeps it).
    expect((await http('GET', `${server.url}/api/ping`)).status).toBe(200);
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    const t = Date.now();
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t).toBeLessThan(5000);
  }, 60_000);
});
