/**
 * Password policy and storage as an attacker or auditor sees it (ASVS V2.1,
 * V2.4): long passphrases and any Unicode work and are never truncated, no
 * composition rules, and what the database holds is a salted Argon2id hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../src/services/users.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { http } from '../support/http.js';

let t: TestApp;
let n = 0;
beforeAll(async () => {
  t = await startTestApp({ env: { SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '1000', SEMAUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' } });
});
afterAll(() => t.close());

async function userWith(password: string): Promise<string> {
  const login = `pw${++n}`;
  await t.services.users.add({ login, name: login, email: `${login}@example.com`, password }, CLI_CONTEXT);
  return login;
}
const tryLogin = (auth: string, password: string) => http('POST', `${t.api}/auth/login`, { body: { auth, password } }).then((r) => r.status);

describe('password policy', () => {
  it('accepts long passphrases up to the limit, and any Unicode', async () => {
    for (const pw of [
      'correct horse battery staple',
      'x'.repeat(64),
      'y'.repeat(MAX_PASSWORD_LENGTH),
      'pässwörd-ñandú-日本語-🔑🔑',
      'combining: e\u0301 vs \u00e9!!',
      '\u202eright-to-left',
    ]) {
      const login = await userWith(pw);
      expect(await tryLogin(login, pw), JSON.stringify(pw.slice(0, 20))).toBe(204);
    }
  });

  it('never truncates: a password differing only after 72 bytes (bcrypt’s limit) or at its last character fails', async () => {
    const pw = `${'a'.repeat(100)}-the-end`;
    const login = await userWith(pw);
    expect(await tryLogin(login, `${'a'.repeat(100)}-the-enD`)).toBe(401);
    expect(await tryLogin(login, 'a'.repeat(100))).toBe(401);
    expect(await tryLogin(login, 'a'.repeat(72))).toBe(401);
    expect(await tryLogin(login, pw)).toBe(204);
  });

  it('compares Unicode exactly (no normalisation that would merge distinct passwords)', async () => {
    const login = await userWith('caf\u00e9-password');
    expect(await tryLogin(login, 'cafe\u0301-password')).toBe(401);
    expect(await tryLogin(login, 'CAF\u00c9-PASSWORD')).toBe(401);
  });

  it('has no composition rules, only a length range of at least 12 (ASVS 2.1.1)', async () => {
    expect(MIN_PASSWORD_LENGTH).toBeGreaterThanOrEqual(12);
    expect(await tryLogin(await userWith('a'.repeat(MIN_PASSWORD_LENGTH)), 'a'.repeat(MIN_PASSWORD_LENGTH))).toBe(204);
    for (const bad of ['a'.repeat(MIN_PASSWORD_LENGTH - 1), 'b'.repeat(MAX_PASSWORD_LENGTH + 1)]) {
      await expect(userWith(bad)).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'INVALID_USER');
    }
  });
});

describe('password storage', () => {
  it('is Argon2id with a unique random salt: the same password never gives the same hash', async () => {
    const a = await t.storage.users.findByLogin(await userWith('same-password-for-both'));
    const b = await t.storage.users.findByLogin(await userWith('same-password-for-both'));
    for (const u of [a!, b!]) {
      expect(u.passwordHash).toMatch(/^\$argon2id\$v=19\$[mpt]=\d+,[mpt]=\d+,[mpt]=\d+\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/); // 16-byte salt, 32-byte hash
      expect(u.passwordHash).not.toContain('same-password');
    }
    expect(a!.passwordHash).not.toBe(b!.passwordHash);
    expect(a!.passwordHash!.split('$')[4]).not.toBe(b!.passwordHash!.split('$')[4]);
  });
});
