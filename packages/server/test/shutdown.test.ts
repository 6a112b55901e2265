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
    // Its connection ends with this answer instead of idling until the deadline.
    expect(login.headers.connection).toBe('close');
    const cookie = login.cookie();
    expect(await exited).toBe(0);
    expect(server.output()).not.toMatch(/unhandled|"level":50|deadline/);

    // The session that login created was written before the database closed.
    const again = await startServerProcess({ dbEnv });
    try {
      expect((await http('GET', `${again.url}/api/user`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await again.stop();
    }
  }, 60_000);

  it('closes the connection of a request still unfinished at the deadline (SEMAUTH_SHUTDOWN_TIMEOUT_SECONDS), then exits 0', async () => {
    const server = await startServerProcess({ env: { SEMAUTH_SHUTDOWN_TIMEOUT_SECONDS: '1' } });
    const port = Number(new URL(server.url).port);
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));

    // A request that hangs: its body never comes. `Expect: 100-continue` makes the
    // server say "100 Continue" once it has the request, so we know it is in flight.
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const gotContinue = new Promise<void>((resolve) =>
      socket.on('data', (d) => {
        received += d;
        if (received.includes('100 Continue')) resolve();
      }),
    );
    const socketClosed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 64\r\nExpect: 100-continue\r\n\r\n{"auth":',
    );
    await gotContinue;

    let exitedYet = false;
    void exited.then(() => (exitedYet = true));
    server.child.kill('SIGTERM');
    // New connections are soon refused; the hanging one is waited for…
    const deadline = Date.now() + 5000;
    let refused = '';
    while (refused !== 'ECONNREFUSED' && Date.now() < deadline) refused = await tryConnect(port);
    expect(refused).toBe('ECONNREFUSED');
    expect(exitedYet).toBe(false);
    // …until the deadline closes it without an answer, and the process exits cleanly.
    await socketClosed;
    expect(await exited).toBe(0);
    expect(received).not.toMatch(/HTTP\/1\.1 [2-5]\d\d/);
    expect(server.output()).toMatch(/"deadline_seconds":1,"msg":"shutdown deadline reached/);
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
