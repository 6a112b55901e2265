/**
 * TOTP after an LDAP first factor, against a real OpenLDAP (slapd): an
 * external user whose password the directory checks sets TOTP up, and from
 * then on a right directory password gives a session that waits for the
 * code, exactly as a local password does.
 *
 * @dialects sqlite postgres
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { JSON_CT } from '../support/accounts.js';
import { http, login } from '../support/http.js';
import { DIRECTORY_START_TIMEOUT, startTestDirectory, type TestDirectory } from '../support/ldap.js';
import { secretOf, totpCode } from '../support/totp.js';

let dir: TestDirectory;
let t: TestApp;

beforeAll(async () => {
  dir = await startTestDirectory('totp');
  t = await startTestApp({ env: { ...dir.env(), SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: randomBytes(32).toString('base64') } });
}, DIRECTORY_START_TIMEOUT);
afterAll(async () => {
  await t?.close();
  await dir?.destroy();
});

const call = (method: string, path: string, cookie: string, body?: unknown) =>
  http(method, `${t.api}${path}`, { headers: { ...JSON_CT, cookie }, ...(body === undefined ? {} : { body }) });

describe('LDAP first factor + TOTP', () => {
  it('an LDAP user with TOTP on gets a session waiting for the code; the code signs it in', async () => {
    const first = await login(t.api, 'alice', dir.users.alice!);
    const me = (await call('GET', '/user', first)).json();
    expect(me).toMatchObject({ username: 'alice', external: true });
    const { id, url } = (await call('POST', `/users/${me.id}/2fas/totp`, first)).json();
    const secret = secretOf(url);
    expect((await call('POST', `/users/${me.id}/2fas/totp/${id}/confirm`, first, { passcode: totpCode(secret, t.clock()) })).status).toBe(200);
    t.clock.advance(30_000);

    const next = await login(t.api, 'alice', dir.users.alice!);
    expect((await call('GET', '/user', next)).json()).toEqual({ error: 'TOTP_REQUIRED', code: 'TOTP_REQUIRED' });
    expect((await call('POST', '/auth/verify', next, { passcode: totpCode(secret, t.clock()) })).status).toBe(204);
    expect((await call('GET', '/user', next)).json().totp).toEqual({ id });
  });
});
