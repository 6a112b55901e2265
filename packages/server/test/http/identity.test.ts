/**
 * Identity collisions over HTTP (issue: `Ünal`/`ünal`, a login equal to
 * another user's e-mail, zero-width spaces): logging in never opens someone
 * else's account, whatever spelling is typed — also on a database whose
 * accounts collided before identity keys existed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { http, login } from '../support/http.js';
import { legacyDatabase } from '../support/legacy-database.js';

const NFC_UNAL = '\u00dcnal';
const NFD_UNAL = 'U\u0308nal';

async function whoAmI(api: string, cookie: string): Promise<string> {
  const r = await http('GET', `${api}/user`, { headers: { cookie } });
  expect(r.status).toBe(200);
  return r.json().email;
}

function loginStatus(api: string, auth: string, password: string): Promise<number> {
  return http('POST', `${api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth, password } }).then((r) => r.status);
}

async function refused(p: Promise<unknown>, code: string): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe(code);
  return (e as AppError).message;
}

describe('one identity, however it is spelt', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.services.users.add({ login: NFC_UNAL, name: 'Ünal', email: 'unal@example.com', password: 'unal-password-1' }, CLI_CONTEXT);
    await t.services.users.add({ login: 'devops', name: 'Dev Ops', email: 'devops@example.com', password: 'devops-password' }, CLI_CONTEXT);
  });
  afterAll(() => t.close());

  it('refuses ünal, ÜNAL and an NFD-spelled Ünal as new users', async () => {
    for (const other of ['\u00fcnal', '\u00dcNAL', NFD_UNAL]) {
      const message = await refused(t.services.users.add({ login: other, name: 'X', email: `${other.length}x@example.com`, password: 'other-password-1' }, CLI_CONTEXT), 'USER_EXISTS');
      expect(message).toContain('is already taken');
    }
  });

  it('logs Ünal in as Ünal whether typed Ünal, ünal, ÜNAL, NFD or by e-mail', async () => {
    for (const auth of [NFC_UNAL, '\u00fcnal', '\u00dcNAL', NFD_UNAL, 'UNAL@EXAMPLE.COM']) {
      expect(await whoAmI(t.api, await login(t.api, auth, 'unal-password-1')), auth).toBe('unal@example.com');
    }
  });

  it("refuses another user's e-mail as a login, and the e-mail's owner still logs in with it", async () => {
    const message = await refused(
      t.services.users.add({ login: 'DevOps@Example.com', name: 'Impostor', email: 'impostor@example.com', password: 'impostor-password' }, CLI_CONTEXT),
      'USER_EXISTS',
    );
    expect(message).toContain('login "DevOps@Example.com"');
    expect(await whoAmI(t.api, await login(t.api, 'devops@example.com', 'devops-password'))).toBe('devops@example.com');
  });

  it("refuses another user's login as an e-mail, also on a change", async () => {
    await t.services.users.add({ login: 'ops-lead@example.com', name: 'Lead', email: 'lead@example.com', password: 'lead-password-1' }, CLI_CONTEXT);
    await refused(t.services.users.add({ login: 'other', name: 'O', email: 'OPS-LEAD@example.com', password: 'other-password-1' }, CLI_CONTEXT), 'USER_EXISTS');
    await refused(t.services.users.change('devops', { email: 'ops-lead@EXAMPLE.com' }, CLI_CONTEXT), 'USER_EXISTS');
    expect(await whoAmI(t.api, await login(t.api, 'ops-lead@example.com', 'lead-password-1'))).toBe('lead@example.com');
  });

  it('refuses a zero-width space (and other invisible characters) in a login or name', async () => {
    const message = await refused(
      t.services.users.add({ login: 'dev\u200bops', name: 'Z', email: 'zw@example.com', password: 'zero-width-pw' }, CLI_CONTEXT),
      'INVALID_USER',
    );
    expect(message).toBe('login must not contain control or invisible characters (found U+200B).');
    await refused(t.services.users.add({ login: 'zw', name: 'Z\u202e', email: 'zw@example.com', password: 'zero-width-pw' }, CLI_CONTEXT), 'INVALID_USER');
    await refused(t.services.users.change('devops', { login: 'devops\u2060' }, CLI_CONTEXT), 'INVALID_USER');
    // And an invisible character typed at login finds nobody.
    expect(await loginStatus(t.api, 'dev\u200bops', 'devops-password')).toBe(401);
  });
});

describe('accounts that collided before identity keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    const dbEnv = await legacyDatabase('0001_initial', [
      { username: 'admin', email: 'admin@localhost', password: 'admin-password-1', admin: true },
      { username: NFC_UNAL, email: 'unal.a@example.com', password: 'unal-a-password' },
      { username: NFD_UNAL, email: 'unal.b@example.com', password: 'unal-b-password' },
      { username: 'devops@example.com', email: 'f@example.com', password: 'f-password-123' },
      { username: 'devops', email: 'devops@example.com', password: 'devops-password' },
    ]);
    t = await startTestApp({ dbEnv });
  });
  afterAll(() => t.close());

  it('sign nobody in by the shared login or e-mail, with either password', async () => {
    for (const auth of [NFC_UNAL, NFD_UNAL, '\u00fcnal']) {
      for (const password of ['unal-a-password', 'unal-b-password']) expect(await loginStatus(t.api, auth, password), auth).toBe(401);
    }
    for (const password of ['f-password-123', 'devops-password']) expect(await loginStatus(t.api, 'devops@example.com', password)).toBe(401);
  });

  it('each still signs in by what is theirs alone', async () => {
    expect(await whoAmI(t.api, await login(t.api, 'unal.a@example.com', 'unal-a-password'))).toBe('unal.a@example.com');
    expect(await whoAmI(t.api, await login(t.api, 'unal.b@example.com', 'unal-b-password'))).toBe('unal.b@example.com');
    expect(await whoAmI(t.api, await login(t.api, 'devops', 'devops-password'))).toBe('devops@example.com');
    expect(await whoAmI(t.api, await login(t.api, 'f@example.com', 'f-password-123'))).toBe('f@example.com');
  });

  it('a selector naming the shared login gets its own answer, and selection by id works', async () => {
    const message = await refused(t.services.users.get(NFD_UNAL), 'USER_AMBIGUOUS');
    expect(message).toMatch(/several accounts \(ids \d+, \d+\)/);
    const [, second] = (await t.services.users.identityConflicts()).find((c) => c.key === 'ünal')!.users;
    const { changed } = await t.services.users.change({ id: second!.id }, { login: 'unal-b' }, CLI_CONTEXT);
    expect(changed).toEqual(['login']);
    expect(await whoAmI(t.api, await login(t.api, NFD_UNAL, 'unal-a-password'))).toBe('unal.a@example.com');
    expect(await whoAmI(t.api, await login(t.api, 'unal-b', 'unal-b-password'))).toBe('unal.b@example.com');
  });
});
