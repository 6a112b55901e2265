/**
 * Storage conformance: identities are unique by key (identity.ts) across
 * logins and e-mails together, enforced by the database — on SQLite and
 * PostgreSQL alike (scripts/test.sh runs this directory on both).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { Storage } from '../../src/storage/types.js';
import { createUser, newUser, openFreshStorage, unique, useFreshStorage } from '../support/storage.js';

const storage = useFreshStorage();

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

/** `Ünal` spelled four ways, with a suffix that keeps tests on the shared database apart. */
function unals(suffix: string) {
  return { nfc: `\u00dcnal${suffix}`, lower: `\u00fcnal${suffix}`, upper: `\u00dcNAL${suffix.toUpperCase()}`, nfd: `U\u0308nal${suffix}` };
}

describe('identity keys', () => {
  it('refuses ünal, ÜNAL and an NFD-spelled Ünal once Ünal exists, and finds Ünal by each of them', async () => {
    const v = unals(unique('x'));
    const first = await createUser(storage(), { username: v.nfc });
    for (const other of [v.lower, v.upper, v.nfd]) {
      const e = await refusal(storage().users.create(newUser({ username: other })));
      expect(e.code).toBe('USER_EXISTS');
      expect(e.message).toContain(`login "${other}" is already taken`);
    }
    for (const spelling of [v.nfc, v.lower, v.upper, v.nfd]) expect((await storage().users.findByLogin(spelling))?.id, spelling).toBe(first.id);
    expect((await storage().users.list()).filter((u) => u.username.toLowerCase().includes(v.lower.slice(1).toLowerCase()))).toHaveLength(1);
  });

  it('folds fully: Strauß and STRAUSS are one login; so are two e-mails that differ by ß/SS', async () => {
    const s = unique('s');
    await createUser(storage(), { username: `Strauß${s}`, email: `strauß.${s}@example.org` });
    expect((await refusal(storage().users.create(newUser({ username: `STRAUSS${s.toUpperCase()}` })))).code).toBe('USER_EXISTS');
    expect((await refusal(storage().users.create(newUser({ email: `STRAUSS.${s}@EXAMPLE.ORG` })))).code).toBe('USER_EXISTS');
  });

  it("refuses a login equal to another user's e-mail, in any case", async () => {
    const devops = await createUser(storage(), { username: unique('devops'), email: `${unique('devops')}@Example.com` });
    const e = await refusal(storage().users.create(newUser({ username: devops.email.toUpperCase() })));
    expect(e.code).toBe('USER_EXISTS');
    expect(e.message).toContain(`login "${devops.email.toUpperCase()}"`);
    // And the e-mail still signs in the right account.
    expect((await storage().users.findByLogin(devops.email))?.id).toBe(devops.id);
  });

  it("refuses an e-mail equal to another user's login", async () => {
    const login = `${unique('who')}@example.net`;
    const owner = await createUser(storage(), { username: login });
    const e = await refusal(storage().users.create(newUser({ email: login.toUpperCase() })));
    expect(e.code).toBe('USER_EXISTS');
    expect(e.message).toContain(`e-mail "${login.toUpperCase()}"`);
    expect((await storage().users.findByLogin(login))?.id).toBe(owner.id);
  });

  it('lets a user have their own e-mail as login, and keeps it theirs', async () => {
    const address = `${unique('self')}@example.org`;
    const u = await createUser(storage(), { username: address, email: address.toUpperCase() });
    expect((await storage().users.findByLogin(address))?.id).toBe(u.id);
    expect((await refusal(storage().users.create(newUser({ username: address })))).code).toBe('USER_EXISTS');
    // A new e-mail: the login keeps the key, the new e-mail gets its own.
    const other = `${unique('new')}@example.org`;
    await storage().users.update(u.id, { email: other });
    expect((await storage().users.findByLogin(address))?.id).toBe(u.id);
    expect((await storage().users.findByLogin(other))?.id).toBe(u.id);
    expect((await refusal(storage().users.create(newUser({ email: address })))).code).toBe('USER_EXISTS');
  });

  it('a rename frees the old login and takes the new one; a refused rename changes nothing', async () => {
    const a = await createUser(storage());
    const b = await createUser(storage());
    const renamed = unique('Renamed');
    await storage().users.update(a.id, { username: renamed });
    expect(await storage().users.findByLogin(a.username)).toBeUndefined();
    expect((await storage().users.findByLogin(renamed.toLowerCase()))?.id).toBe(a.id);
    // The old name is free again.
    expect((await createUser(storage(), { username: a.username })).username).toBe(a.username);
    // b may not take a's new login, nor a's e-mail as its e-mail or login.
    for (const patch of [{ username: renamed.toUpperCase() }, { email: a.email.toUpperCase() }, { username: a.email }]) {
      expect((await refusal(storage().users.update(b.id, patch))).code).toBe('USER_EXISTS');
    }
    expect(await storage().users.findById(b.id)).toEqual(b);
    expect((await storage().users.findByLogin(b.username))?.id).toBe(b.id);
    expect((await storage().users.findByLogin(b.email))?.id).toBe(b.id);
  });

  it("swaps a user's login and e-mail without colliding with itself", async () => {
    const u = await createUser(storage(), { username: unique('swap'), email: `${unique('swap')}@example.org` });
    await storage().users.update(u.id, { username: u.email, email: u.username });
    // The storage layer does not judge the e-mail's shape (the service does).
    expect((await storage().users.findByLogin(u.username))?.id).toBe(u.id);
    expect((await storage().users.findByLogin(u.email))?.id).toBe(u.id);
  });

  it("delete frees the user's login and e-mail", async () => {
    const u = await createUser(storage());
    await storage().users.delete(u.id);
    const again = await createUser(storage(), { username: u.email, email: `${u.username}@example.org` });
    expect((await storage().users.findByLogin(u.email))?.id).toBe(again.id);
  });

  it('of concurrent creations of one identity, exactly one wins', async () => {
    // Open connections first (PostgreSQL), so that the creations really overlap.
    await Promise.all(Array.from({ length: 6 }, () => storage().users.list()));
    const v = unals(unique('race'));
    const mail = `${unique('race')}@example.org`;
    const attempts = [
      newUser({ username: v.nfc }),
      newUser({ username: v.lower }),
      newUser({ username: v.upper }),
      newUser({ username: v.nfd }),
      // A login equal to the others' e-mail and an e-mail equal to it race too.
      newUser({ username: mail }),
      newUser({ email: mail.toUpperCase() }),
    ];
    const results = await Promise.allSettled(attempts.map((u) => storage().users.create(u)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    // One of the four Ünal spellings and one of the two mail claims.
    expect(won).toHaveLength(2);
    for (const r of lost) expect((r.reason as AppError).code, String(r.reason)).toBe('USER_EXISTS');
    expect(await storage().users.findByLogin(v.nfd)).toBeDefined();
    expect(await storage().users.findByLogin(mail)).toBeDefined();
  });
});

describe('the last enabled administrator', () => {
  async function withOwnDatabase(fn: (s: Storage) => Promise<void>) {
    const s = await openFreshStorage();
    try {
      await fn(s);
    } finally {
      await s.close();
    }
  }

  it('is not demoted, disabled or deleted when the store is asked to keep an admin; other admins are', async () => {
    await withOwnDatabase(async (s) => {
      const a = await createUser(s, { admin: true });
      const b = await createUser(s, { admin: true });
      await s.users.update(b.id, { admin: false }, { keepAnAdmin: true });
      for (const attempt of [
        () => s.users.update(a.id, { admin: false }, { keepAnAdmin: true }),
        () => s.users.update(a.id, { disabled: true }, { keepAnAdmin: true }),
        () => s.users.delete(a.id, { keepAnAdmin: true }),
      ]) {
        expect((await refusal(attempt())).code).toBe('LAST_ADMIN');
      }
      expect(await s.users.findById(a.id)).toEqual(a);
      // A disabled admin does not count.
      await s.users.update(b.id, { admin: true, disabled: true });
      expect((await refusal(s.users.delete(a.id, { keepAnAdmin: true }))).code).toBe('LAST_ADMIN');
      await s.users.update(b.id, { disabled: false });
      expect(await s.users.delete(a.id, { keepAnAdmin: true })).toBe(true);
    });
  });

  it('survives two concurrent demotions: one of them is refused, every time', async () => {
    await withOwnDatabase(async (s) => {
      const admins = [await createUser(s, { admin: true }), await createUser(s, { admin: true })];
      // Open connections first (PostgreSQL): else the second demotion waits for a
      // new connection while the first one finishes, and they never overlap.
      await Promise.all(Array.from({ length: 4 }, () => s.users.list()));
      for (let round = 0; round < 5; round++) {
        for (const a of admins) await s.users.update(a.id, { admin: true });
        const results = await Promise.allSettled(admins.map((a) => s.users.update(a.id, { admin: false }, { keepAnAdmin: true })));
        expect(results.filter((r) => r.status === 'fulfilled'), `round ${round}`).toHaveLength(1);
        const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect((refused?.reason as AppError).code).toBe('LAST_ADMIN');
        expect((await s.users.list()).filter((u) => u.admin)).toHaveLength(1);
      }
    });
  });
});
