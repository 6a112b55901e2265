/**
 * Two-factor sign-in with TOTP (SPEC §10) over real HTTP: enrolment
 * (pending until a first code confirms it), the code step of a sign-in,
 * wrong, replayed and old codes, recovery codes, throttling, turning it
 * off, API tokens, and what the database holds. Codes are computed here
 * from RFC 6238 with node:crypto (support/totp.ts), never by the server's
 * library; the server's clock is the test's (t.clock), so each code's time
 * step is chosen, not waited for.
 */
import { randomBytes } from 'node:crypto';
import decodeQR from '@paulmillr/qr/decode.js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { addAccount, JSON_CT, signIn, type Account } from '../support/accounts.js';
import { http, type HttpResponse } from '../support/http.js';
import { hotp, secretOf, timeStep, totpCode } from '../support/totp.js';

const KEY = randomBytes(32).toString('base64');
const MAX_FAILURES = 5;
const TOTP_ENV = { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: KEY };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { ...TOTP_ENV, SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: String(MAX_FAILURES) } });
});
afterAll(() => t?.close());

const STEP_MS = 30_000;
const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  http(method, `${t.api}${path}`, { headers: { ...JSON_CT, ...headers }, ...(body === undefined ? {} : { body }) });
const code = (secret: string, offset = 0) => totpCode(secret, t.clock(), offset);
/** Moves the server's clock to the start of the next time step (so that a fresh code exists). */
const nextStep = () => t.clock.advance(STEP_MS - (t.clock() % STEP_MS));

function expectError(r: HttpResponse, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json()).toMatchObject({ error: expect.any(String), code });
}

interface Enrolled {
  id: number;
  secret: string;
  recoveryCodes: string[];
  /** A fully signed-in session, from before TOTP was on. */
  cookie: string;
}

/** Turns TOTP on for `a` through the API, as its web page does. */
async function enrol(a: Account): Promise<Enrolled> {
  const cookie = await signIn(t, a);
  const start = await call('POST', `/users/${a.id}/2fas/totp`, { cookie });
  expect(start.status, start.text).toBe(200);
  const { id, url } = start.json<{ id: number; url: string }>();
  const secret = secretOf(url);
  const confirm = await call('POST', `/users/${a.id}/2fas/totp/${id}/confirm`, { cookie }, { passcode: code(secret) });
  expect(confirm.status, confirm.text).toBe(200);
  // The confirming code is spent: the next sign-in needs another step's code.
  nextStep();
  return { id, secret, recoveryCodes: confirm.json().recovery_codes, cookie };
}

describe('the test’s own RFC 6238', () => {
  it('gives the RFC’s test vectors (SHA-1, 8 digits, seed "12345678901234567890")', () => {
    const key = Buffer.from('12345678901234567890', 'ascii');
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, expected] of vectors) expect(hotp(key, timeStep(seconds * 1000), 8)).toBe(expected);
  });
});

describe('GET /auth/login', () => {
  it('says TOTP is on, with recovery codes', async () => {
    const r = await http('GET', `${t.api}/auth/login`);
    expect(r.json().auth_methods).toEqual({ totp: { enabled: true, allow_recovery: true } });
  });
});

describe('enrolment', () => {
  it('starts pending with an otpauth URI and its QR code, and a first code turns it on and hands out ten recovery codes once', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    const start = await call('POST', `/users/${a.id}/2fas/totp`, { cookie });
    expect(start.status).toBe(200);
    expect(start.headers['content-type']).toBe('application/json');
    expect(start.headers['cache-control']).toBe('no-store');
    const body = start.json();
    expect(Object.keys(body).sort()).toEqual(['id', 'url']);
    expect(body.id).toEqual(expect.any(Number));
    const url = new URL(body.url);
    expect(`${url.protocol}//${url.host}${decodeURIComponent(url.pathname)}`).toBe(`otpauth://totp/semauth:${a.login}`);
    expect(url.searchParams.get('issuer')).toBe('semauth');
    expect(url.searchParams.get('secret')).toMatch(/^[A-Z2-7]{32}$/);

    const qr = await http('GET', `${t.api}/users/${a.id}/2fas/totp/${body.id}/qr`, { headers: { cookie } });
    expect(qr.status).toBe(200);
    expect(qr.headers['content-type']).toBe('image/png');
    expect(qr.headers['cache-control']).toBe('no-store');
    const png = PNG.sync.read(await binary(`/users/${a.id}/2fas/totp/${body.id}/qr`, cookie));
    expect(decodeQR({ width: png.width, height: png.height, data: png.data })).toBe(body.url);

    // Pending: nothing changes at sign-in, and GET /user shows no TOTP.
    expect((await call('GET', '/user', { cookie: await signIn(t, a) })).status).toBe(200);
    expect((await call('GET', '/user', { cookie })).json()).not.toHaveProperty('totp');

    const secret = secretOf(body.url);
    expectError(await call('POST', `/users/${a.id}/2fas/totp/${body.id}/confirm`, { cookie }, { passcode: code(secret, 3) }), 400, 'WRONG_ENROLMENT_PASSCODE');
    const confirm = await call('POST', `/users/${a.id}/2fas/totp/${body.id}/confirm`, { cookie }, { passcode: code(secret) });
    expect(confirm.status).toBe(200);
    const codes: string[] = confirm.json().recovery_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);

    // On now: GET /user says so (its id only), and the secret is never shown again.
    const me = (await call('GET', '/user', { cookie })).json();
    expect(me.totp).toEqual({ id: body.id });
    expectError(await call('GET', `/users/${a.id}/2fas/totp/${body.id}/qr`, { cookie }), 409, 'TOTP_ALREADY_ENABLED');
    expectError(await call('POST', `/users/${a.id}/2fas/totp/${body.id}/confirm`, { cookie }, { passcode: code(secret) }), 409, 'TOTP_ALREADY_ENABLED');
    expectError(await call('POST', `/users/${a.id}/2fas/totp`, { cookie }), 409, 'TOTP_ALREADY_ENABLED');
    // The session it was turned on from stays signed in.
    expect((await call('GET', '/user/tokens', { cookie })).status).toBe(200);
  });

  it('starting again replaces a pending enrolment: the old secret no longer confirms', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    const first = (await call('POST', `/users/${a.id}/2fas/totp`, { cookie })).json();
    const second = (await call('POST', `/users/${a.id}/2fas/totp/`, { cookie })).json();
    expect(second.id).not.toBe(first.id);
    expectError(await call('POST', `/users/${a.id}/2fas/totp/${first.id}/confirm`, { cookie }, { passcode: code(secretOf(first.url)) }), 404, 'TOTP_NOT_FOUND');
    expectError(await call('GET', `/users/${a.id}/2fas/totp/${first.id}/qr`, { cookie }), 404, 'TOTP_NOT_FOUND');
    expect((await call('POST', `/users/${a.id}/2fas/totp/${second.id}/confirm/`, { cookie }, { passcode: code(secretOf(second.url)) })).status).toBe(200);
  });

  it('is one’s own: nobody, administrators included, enrols another user or sees their QR code', async () => {
    const a = await addAccount(t);
    const b = await addAccount(t);
    const admin = await addAccount(t, { admin: true });
    const mine = (await call('POST', `/users/${a.id}/2fas/totp`, { cookie: await signIn(t, a) })).json();
    for (const who of [b, admin]) {
      const cookie = await signIn(t, who);
      expectError(await call('POST', `/users/${a.id}/2fas/totp`, { cookie }), 403, 'TOTP_ENROL_OTHERS');
      expectError(await call('GET', `/users/${a.id}/2fas/totp/${mine.id}/qr`, { cookie }), 403, 'TOTP_ENROL_OTHERS');
      expectError(await call('POST', `/users/${a.id}/2fas/totp/${mine.id}/confirm`, { cookie }, { passcode: code(secretOf(mine.url)) }), 403, 'TOTP_ENROL_OTHERS');
    }
  });

  it('refuses malformed ids and bodies with a 400, never a 5xx', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    const { id } = (await call('POST', `/users/${a.id}/2fas/totp`, { cookie })).json();
    expectError(await call('POST', `/users/abc/2fas/totp`, { cookie }), 400, 'INVALID_USER_ID');
    expectError(await call('GET', `/users/${a.id}/2fas/totp/0/qr`, { cookie }), 400, 'INVALID_TOTP_ID');
    expectError(await call('GET', `/users/${a.id}/2fas/totp/99999999999/qr`, { cookie }), 400, 'INVALID_TOTP_ID');
    for (const body of [undefined, '', [], { passcode: 123456 }, { passcode: '' }, { code: '123456' }, { passcode: 'x'.repeat(100) }]) {
      expectError(await call('POST', `/users/${a.id}/2fas/totp/${id}/confirm`, { cookie }, body), 400, 'INVALID_PASSCODE_BODY');
    }
    expectError(await call('POST', `/users/${a.id}/2fas/totp/${id}/confirm`, { cookie }, { passcode: 'abcdef' }), 400, 'WRONG_ENROLMENT_PASSCODE');
  });
});

describe('signing in with TOTP on', () => {
  it('the password alone gives a session that only the code step and logout accept; the right code signs it in', async () => {
    const a = await addAccount(t);
    const { secret } = await enrol(a);
    const login = await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: { auth: a.login, password: a.password } });
    expect(login.status).toBe(204);
    const cookie = login.cookie();
    for (const [method, path] of [['GET', '/user'], ['GET', '/user/tokens'], ['POST', '/user/tokens'], ['GET', '/user/sessions'], ['GET', `/users/${a.id}`], ['GET', '/users']] as const) {
      const r = await call(method, path, { cookie });
      expect(r.status, `${method} ${path}`).toBe(401);
      // Semaphore's exact error, which its web UI compares.
      expect(r.json()).toEqual({ error: 'TOTP_REQUIRED', code: 'TOTP_REQUIRED' });
    }
    // Nor can it set TOTP up or turn it off.
    expectError(await call('POST', `/users/${a.id}/2fas/totp`, { cookie }), 401, 'TOTP_REQUIRED');
    expectError(await call('DELETE', `/users/${a.id}/2fas/totp/1`, { cookie }), 401, 'TOTP_REQUIRED');

    expectError(await call('POST', '/auth/verify', { cookie }, { passcode: code(secret, 5) }), 401, 'WRONG_PASSCODE');
    const verify = await call('POST', '/auth/verify', { cookie }, { passcode: code(secret) });
    expect(verify.status).toBe(204);
    expect(verify.headers['content-type']).toBe('application/json');
    expect((await call('GET', '/user', { cookie })).status).toBe(200);
    expect((await call('POST', '/user/tokens', { cookie })).status).toBe(201);
    // Verifying again changes nothing (as Semaphore: 204).
    expect((await call('POST', '/auth/verify', { cookie }, { passcode: '000000' })).status).toBe(204);
  });

  it('a code counts once: the same code, or an older one, is refused afterwards — even at once from two requests', async () => {
    const a = await addAccount(t);
    const { secret } = await enrol(a);
    const first = await signIn(t, a);
    const now = code(secret);
    expect((await call('POST', '/auth/verify', { cookie: first }, { passcode: now })).status).toBe(204);
    const second = await signIn(t, a);
    expectError(await call('POST', '/auth/verify', { cookie: second }, { passcode: now }), 401, 'WRONG_PASSCODE');
    // The previous step's code is within the window, but older than the one used.
    expectError(await call('POST', '/auth/verify', { cookie: second }, { passcode: code(secret, -1) }), 401, 'WRONG_PASSCODE');
    nextStep();
    expect((await call('POST', '/auth/verify', { cookie: second }, { passcode: code(secret) })).status).toBe(204);

    nextStep();
    const racers = await Promise.all([signIn(t, a), signIn(t, a), signIn(t, a), signIn(t, a)]);
    const race = await Promise.all(racers.map((cookie) => call('POST', '/auth/verify', { cookie }, { passcode: code(secret) })));
    expect(race.map((r) => r.status).sort()).toEqual([204, 401, 401, 401]);
  });

  it('accepts the code of the step before or after (clock drift), and no further', async () => {
    const a = await addAccount(t);
    const { secret } = await enrol(a);
    nextStep();
    expect((await call('POST', '/auth/verify', { cookie: await signIn(t, a) }, { passcode: code(secret, -1) })).status).toBe(204);
    expect((await call('POST', '/auth/verify', { cookie: await signIn(t, a) }, { passcode: code(secret, 1) })).status).toBe(204);
    const cookie = await signIn(t, a);
    expectError(await call('POST', '/auth/verify', { cookie }, { passcode: code(secret, 3) }), 401, 'WRONG_PASSCODE');
    t.clock.advance(3 * STEP_MS);
    expectError(await call('POST', '/auth/verify', { cookie }, { passcode: code(secret, -2) }), 401, 'WRONG_PASSCODE');
  });

  it('recovery codes replace a TOTP code once each, typed in any case and spacing', async () => {
    const a = await addAccount(t);
    const { recoveryCodes } = await enrol(a);
    const [one, two] = recoveryCodes as [string, string];
    const first = await signIn(t, a);
    expect((await call('POST', '/auth/recovery', { cookie: first }, { recovery_code: ` ${one.toUpperCase().replace(/-/g, ' ')} ` })).status).toBe(204);
    expect((await call('GET', '/user', { cookie: first })).status).toBe(200);
    const second = await signIn(t, a);
    expectError(await call('POST', '/auth/recovery', { cookie: second }, { recovery_code: one }), 401, 'WRONG_RECOVERY_CODE');
    expectError(await call('POST', '/auth/recovery', { cookie: second }, { recovery_code: 'zzzz-zzzz-zzzz-zzzz' }), 401, 'WRONG_RECOVERY_CODE');
    expect((await call('POST', '/auth/recovery', { cookie: second }, { recovery_code: two })).status).toBe(204);
    expectError(await call('POST', '/auth/recovery', { cookie: second }, {}), 400, 'INVALID_RECOVERY_BODY');
  });

  it('wrong codes are throttled like logins, in a budget of their own: then even the right code waits', async () => {
    const a = await addAccount(t);
    const { secret, recoveryCodes } = await enrol(a);
    const cookie = await signIn(t, a);
    for (let i = 0; i < MAX_FAILURES; i++) {
      expectError(await call('POST', '/auth/verify', { cookie }, { passcode: code(secret, 7) }), 401, 'WRONG_PASSCODE');
    }
    const throttled = await call('POST', '/auth/verify', { cookie }, { passcode: code(secret) });
    expectError(throttled, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Recovery codes share the budget: no second one to spend.
    expectError(await call('POST', '/auth/recovery', { cookie }, { recovery_code: recoveryCodes[0] }), 429, 'TOO_MANY_ATTEMPTS');
    // Not the password's budget: the user can still sign in (and is still asked for a code).
    const again = await signIn(t, a);
    expectError(await call('GET', '/user', { cookie: again }), 401, 'TOTP_REQUIRED');
    // The window passes: a new sign-in's right code works again (the waiting sessions have ended meanwhile).
    t.clock.advance(t.config.loginThrottleWindowSeconds * 1000 + STEP_MS);
    expectError(await call('POST', '/auth/verify', { cookie: again }, { passcode: code(secret) }), 401, 'UNAUTHENTICATED');
    const later = await signIn(t, a);
    expect((await call('POST', '/auth/verify', { cookie: later }, { passcode: code(secret) })).status).toBe(204);
  });

  it('a session waiting for its code ends ten minutes after the password, code or not', async () => {
    const a = await addAccount(t);
    const { secret } = await enrol(a);
    const cookie = await signIn(t, a);
    t.clock.advance(10 * 60_000 - STEP_MS);
    const stillWaiting = await signIn(t, a);
    expectError(await call('GET', '/user', { cookie }), 401, 'TOTP_REQUIRED');
    t.clock.advance(STEP_MS);
    // Ten minutes after its password: gone for the code step and for everything else.
    expectError(await call('POST', '/auth/verify', { cookie }, { passcode: code(secret) }), 401, 'UNAUTHENTICATED');
    expectError(await call('GET', '/user', { cookie }), 401, 'UNAUTHENTICATED');
    // A younger one still takes its code, and then lives a whole session.
    expect((await call('POST', '/auth/verify', { cookie: stillWaiting }, { passcode: code(secret) })).status).toBe(204);
    t.clock.advance(60 * 60_000);
    expect((await call('GET', '/user', { cookie: stillWaiting })).status).toBe(200);
  });

  it('a session waiting for its code can sign out, and is then dead; the code step needs a session, not a token', async () => {
    const a = await addAccount(t);
    const { secret, cookie: signedIn } = await enrol(a);
    const token = (await call('POST', '/user/tokens', { cookie: signedIn })).json().id as string;
    const cookie = await signIn(t, a);
    expect((await call('POST', '/auth/logout', { cookie })).status).toBe(204);
    expectError(await call('POST', '/auth/verify', { cookie }, { passcode: code(secret) }), 401, 'UNAUTHENTICATED');
    expectError(await call('POST', '/auth/verify', { authorization: `Bearer ${token}` }, { passcode: code(secret) }), 401, 'UNAUTHENTICATED');
    expectError(await call('POST', '/auth/verify', {}, { passcode: code(secret) }), 401, 'UNAUTHENTICATED');
  });
});

describe('API tokens', () => {
  it('are not affected: a token of a user with TOTP works without any code', async () => {
    const a = await addAccount(t);
    const { cookie } = await enrol(a);
    const token = (await call('POST', '/user/tokens', { cookie })).json().id as string;
    const me = await call('GET', '/user', { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.json().totp).toEqual({ id: expect.any(Number) });
    expect((await call('GET', '/user/tokens', { authorization: token })).status).toBe(200);
  });
});

describe('turning TOTP off', () => {
  it('needs a signed-in session; afterwards a password signs in alone, and sessions still waiting for a code are ended', async () => {
    const a = await addAccount(t);
    const { id, cookie } = await enrol(a);
    const waiting = await signIn(t, a);
    expectError(await call('DELETE', `/users/${a.id}/2fas/totp/${id}`, { cookie: waiting }), 401, 'TOTP_REQUIRED');
    expectError(await call('DELETE', `/users/${a.id}/2fas/totp/${id + 1000}`, { cookie }), 404, 'TOTP_NOT_FOUND');
    const off = await call('DELETE', `/users/${a.id}/2fas/totp/${id}/`, { cookie });
    expect(off.status).toBe(204);
    expect((await call('GET', '/user', { cookie })).json()).not.toHaveProperty('totp');
    expectError(await call('GET', '/user', { cookie: waiting }), 401, 'UNAUTHENTICATED');
    expect((await call('GET', '/user/tokens', { cookie: await signIn(t, a) })).status).toBe(200);
    expectError(await call('DELETE', `/users/${a.id}/2fas/totp/${id}`, { cookie }), 404, 'TOTP_NOT_FOUND');
  });

  it("by an administrator for another user (a lost phone); never by another user", async () => {
    const a = await addAccount(t);
    const b = await addAccount(t);
    const admin = await addAccount(t, { admin: true });
    const { id } = await enrol(a);
    expectError(await call('DELETE', `/users/${a.id}/2fas/totp/${id}`, { cookie: await signIn(t, b) }), 403, 'FORBIDDEN');
    const adminCookie = await signIn(t, admin);
    expect((await call('GET', `/users/${a.id}`, { cookie: adminCookie })).json().totp).toEqual({ id });
    expect((await call('DELETE', `/users/${a.id}/2fas/totp/${id}`, { cookie: adminCookie })).status).toBe(204);
    expect((await call('GET', '/user', { cookie: await signIn(t, a) })).status).toBe(200);
    expectError(await call('DELETE', `/users/999999/2fas/totp/${id}`, { cookie: adminCookie }), 404, 'USER_NOT_FOUND');
  });
});

describe('at rest', () => {
  it('the database holds neither the secret nor a recovery code', async () => {
    const a = await addAccount(t);
    const { secret, recoveryCodes } = await enrol(a);
    const record = await t.storage.totp.findByUser(a.id);
    expect(record?.secret).toMatch(/^v1\./);
    expect(record?.secret).not.toContain(secret);
    const raw = JSON.stringify(record);
    for (const c of recoveryCodes) expect(raw).not.toContain(c);
    // Nor does the audit trail.
    const audit = JSON.stringify(await t.storage.audit.query({ userId: a.id }));
    expect(audit).not.toContain(secret);
    for (const c of recoveryCodes) expect(audit).not.toContain(c);
    expect(audit).toContain('totp.enabled');
  });
});

/** The body of a GET as bytes (the test's http() reads text). */
async function binary(path: string, cookie: string): Promise<Buffer> {
  const r = await fetch(`${t.api}${path}`, { headers: { cookie } });
  expect(r.status).toBe(200);
  return Buffer.from(await r.arrayBuffer());
}
