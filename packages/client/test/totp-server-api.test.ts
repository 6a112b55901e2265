/*
 * The SDK's TOTP calls against a real semauth process with two-factor
 * sign-in on: enrolment (QR code as a PNG Blob, confirmation with a code
 * computed here from RFC 6238), the code step after a login, recovery
 * codes, and turning it off — as return values and ApiExceptions show them.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretOf, totpCode } from '../../server/test/support/totp.js';
import { AuthenticationApi, Configuration, UserApi } from '../src/index.js';
import { expectApiError } from './support/expect-api-error.js';
import { adminSession, configurationFor, startServer, type ServerProcess } from './support/server.js';

let server: ServerProcess;
let admin: UserApi;
beforeAll(async () => {
  server = await startServer({ SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: randomBytes(32).toString('base64') });
  admin = new UserApi(await adminSession(server));
});
afterAll(async () => {
  await server?.stop();
});

async function signedIn(username: string, password: string): Promise<Configuration> {
  const configuration = configurationFor(server);
  await new AuthenticationApi(configuration).authLoginPost({ auth: username, password });
  return configuration;
}

describe('two-factor sign-in through the SDK', () => {
  it('enrols, confirms, asks for the code after a login, takes a recovery code once, and turns off', async () => {
    const password = 'sdk-totp-password';
    const user = await admin.usersPost({ username: 'sdk-totp', name: 'TOTP', email: 'sdk-totp@example.org', password });
    const session = await signedIn('sdk-totp', password);
    const users = new UserApi(session);
    expect((await new AuthenticationApi(session).authLoginGet()).auth_methods).toEqual({ totp: { enabled: true, allow_recovery: true } });

    const enrolment = await users.usersUserId2fasTotpPost(user.id);
    expect(enrolment.url).toMatch(/^otpauth:\/\/totp\//);
    const qr = await users.usersUserId2fasTotpTotpIdQrGet(user.id, enrolment.id);
    expect(qr).toBeInstanceOf(Blob);
    expect(qr.type).toBe('image/png');
    expect([...new Uint8Array(await qr.arrayBuffer()).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    const secret = secretOf(enrolment.url);
    await expectApiError(users.usersUserId2fasTotpTotpIdConfirmPost(user.id, enrolment.id, { passcode: totpCode(secret, Date.now(), 5) }), 400);
    const { recovery_codes: codes } = await users.usersUserId2fasTotpTotpIdConfirmPost(user.id, enrolment.id, { passcode: totpCode(secret, Date.now()) });
    expect(codes).toHaveLength(10);
    expect((await users.userGet()).totp).toEqual({ id: enrolment.id });

    const next = await signedIn('sdk-totp', password);
    const error = await expectApiError(new UserApi(next).userGet(), 401);
    expect(error.body).toEqual({ error: 'TOTP_REQUIRED', code: 'TOTP_REQUIRED' });
    await expectApiError(new AuthenticationApi(next).authVerifyPost({ passcode: '000000' }), 401);
    // The next step's code: the confirming one is spent, and a code counts once.
    await new AuthenticationApi(next).authVerifyPost({ passcode: totpCode(secret, Date.now(), 1) });
    await expect(new UserApi(next).userGet()).resolves.toMatchObject({ username: 'sdk-totp' });

    const third = await signedIn('sdk-totp', password);
    await new AuthenticationApi(third).authRecoveryPost({ recovery_code: codes[0]! });
    const fourth = await signedIn('sdk-totp', password);
    await expectApiError(new AuthenticationApi(fourth).authRecoveryPost({ recovery_code: codes[0]! }), 401);

    await new UserApi(next).usersUserId2fasTotpTotpIdDelete(user.id, enrolment.id);
    expect((await new UserApi(await signedIn('sdk-totp', password)).userGet()).totp).toBeUndefined();
  });

  it('checks ids before any request', async () => {
    const users = new UserApi(configurationFor(server));
    await expect(users.usersUserId2fasTotpTotpIdQrGet(1, 0)).rejects.toThrow(TypeError);
    await expect(users.usersUserId2fasTotpTotpIdDelete(-1, 1)).rejects.toThrow(TypeError);
  });
});
