/**
 * Graceful shutdown on SIGTERM, as a load balancer or orchestrator sends it:
 * stop accepting connections, finish the requests in flight (their database
 * writes included), close the database, exit 0. Runs on both dialects.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freshDatabaseEnv } from './support/database.js';
// @ts-expect-error -- plain JavaScript, preloaded into the server process
import { HELD_LINE } from './support/hold-password-checks.mjs';
import { http } from './support/http.js';
import { startServerProcess } from './support/server-process.js';
import { until } from './support/wait.js';

const HOLD_PASSWORD_CHECKS = new URL('./support/hold-password-checks.mjs', import.meta.url).href;

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

/** A keep-alive connection that has had its answer and now sits idle; the test never closes it. */
function idleKeepAliveConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => socket.write('GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    let seen = '';
    socket.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
      if (/\r\n\r\npong$/.test(seen)) resolve(socket);
    });
  });
}

describe('SIGTERM', () => {
  it('stops accepting, finishes the request in flight, then exits 0', async () => {
    const dbEnv = await freshDatabaseEnv();
    // Password checks in the server wait for the test's SIGUSR2 (test/support/hold-password-checks.mjs):
    // the login below stays in flight exactly as long as the test needs, however loaded the machine is.
    const server = await startServerProcess({ dbEnv, env: { SEMAUTH_LOG_LEVEL: 'info' }, nodeOptions: ['--import', HOLD_PASSWORD_CHECKS] });
    const port = Number(new URL(server.url).port);
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));

    let answered = false;
    const inFlight = http('POST', `${server.url}/api/auth/login`, {
      headers: { 'content-type': 'application/json' },
      body: { auth: 'admin', password: server.adminPassword },
    }).finally(() => (answered = true));
    await until('the login to reach its password check', () => server.stderr().includes(HELD_LINE));

    server.child.kill('SIGTERM');
    await until('the server to log that it is shutting down', () => /"msg":"shutting down"/.test(server.stdout()));
    // New connections are refused while the login is still being answered.
    await until('the listening socket to close', async () => (await tryConnect(port)) === 'ECONNREFUSED');
    expect(answered).toBe(false);
    expect(server.child.exitCode).toBeNull();

    server.child.kill('SIGUSR2'); // let the password check finish
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

  it('exits 0 without waiting for idle keep-alive connections to time out', async () => {
    const server = await startServerProcess();
    const socket = await idleKeepAliveConnection(Number(new URL(server.url).port));
    const closedByServer = new Promise<void>((r) => socket.once('close', () => r()));
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    server.child.kill('SIGTERM');
    // A server that waited for this connection would wait out Fastify's keep-alive
    // timeout (72 s), past this test's timeout: no stopwatch is needed to tell.
    expect(await exited).toBe(0);
    await closedByServer;
  }, 60_000);
});
