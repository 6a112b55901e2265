/**
 * `semauth user totp show|disable` against the database a running server
 * uses: what an operator sees (never the secret), and turning TOTP off for
 * a user who lost their phone — the server asks them for no code at once.
 * The CLI runs without the secret key: it reads nothing secret.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { addAccount, JSON_CT, signIn } from '../support/accounts.js';
import { http } from '../support/http.js';
import { secretOf, totpCode } from '../support/totp.js';
import { cliEnv, ok } from './run.js';

let t: TestApp;
let env: Record<string, string>;
beforeAll(async () => {
  env = await cliEnv();
  t = await startTestApp({ dbEnv: env, env: { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: randomBytes(32).toString('base64') } });
});
afterAll(() => t?.close());

const call = (method: string, path: string, cookie: string, body?: unknown) =>
  http(method, `${t.api}${path}`, { headers: { ...JSON_CT, cookie }, ...(body === undefined ? {} : { body }) });

describe('semauth user totp', () => {
  it('shows off, pending and on (with the recovery codes left), and disable turns it off for the server at once', async () => {
    const a = await addAccount(t);
    const show = async () => JSON.parse((await ok(['user', 'totp', 'show', '--login', a.login, '--json'], { env })).stdout);
    expect(await show()).toMatchObject({ user: a.login, state: 'off', id: null, recovery_codes_left: null });

    const cookie = await signIn(t, a);
    const { id, url } = (await call('POST', `/users/${a.id}/2fas/totp`, cookie)).json();
    expect(await show()).toMatchObject({ state: 'pending', id, confirmed: null });
    expect((await ok(['user', 'totp', 'show', '--login', a.login], { env })).stdout).toContain(`enrolment ${id} pending`);

    const secret = secretOf(url);
    const { recovery_codes: codes } = (await call('POST', `/users/${a.id}/2fas/totp/${id}/confirm`, cookie, { passcode: totpCode(secret, t.clock()) })).json();
    t.clock.advance(30_000);
    const waiting = await signIn(t, a);
    expect((await call('POST', '/auth/recovery', waiting, { recovery_code: codes[0] })).status).toBe(204);
    const on = await show();
    expect(on).toMatchObject({ state: 'on', id, recovery_codes_left: 9 });
    expect(on.confirmed).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const text = (await ok(['user', 'totp', 'show', '--login', a.login], { env })).stdout;
    expect(text).toBe(`${a.login}: TOTP on since ${on.confirmed} (enrolment ${id}), 9 recovery codes left\n`);
    expect(JSON.stringify(on) + text).not.toContain(secret);

    const stillWaiting = await signIn(t, a);
    expect((await ok(['user', 'totp', 'disable', '--login', a.login], { env })).stdout).toBe(`TOTP of ${a.login} turned off\n`);
    expect((await call('GET', '/user', stillWaiting)).json().code).toBe('UNAUTHENTICATED');
    expect((await call('GET', '/user/tokens', await signIn(t, a))).status).toBe(200);
    expect((await ok(['user', 'totp', 'disable', '--login', a.login], { env })).stdout).toBe(`${a.login} has no TOTP: nothing to turn off\n`);
    expect(await show()).toMatchObject({ state: 'off' });
    const audit = (await ok(['audit', '--user', a.login, '--json'], { env })).stdout;
    expect(audit).toContain('totp.disabled');
  });
});
