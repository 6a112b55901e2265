/**
 * Migration 0002 (identity keys) over a database whose users already collide
 * under the new rules: it completes, merges nobody, and a shared login or
 * e-mail signs in nobody until all but one of its accounts are renamed.
 * Built with migration 0001 only (legacyDatabase), on the dialect under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { AppError } from '../../src/errors.js';
import { identityKey } from '../../src/identity.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/types.js';
import { testDialect } from '../support/database.js';
import { legacyDatabase, type LegacyUser } from '../support/legacy-database.js';
import { createUser } from '../support/storage.js';

const NFC_UNAL = '\u00dcnal';
const NFD_UNAL = 'U\u0308nal';

/**
 * Collisions 0001 allowed on both dialects (its unique lower() indexes keep
 * NFC and NFD apart, ß and ss apart, and logins apart from e-mails) — plus,
 * on SQLite, whose lower() folds ASCII only, `ünal` beside `Ünal`.
 */
const USERS: LegacyUser[] = [
  { username: 'admin', email: 'admin@localhost', password: 'admin-password-1', admin: true },
  { username: NFC_UNAL, email: 'unal.a@example.com', password: 'unal-a-password' },
  { username: NFD_UNAL, email: 'unal.b@example.com', password: 'unal-b-password' },
  { username: 'Strauß', email: 'strauss.a@example.com' },
  { username: 'STRAUSS', email: 'strauss.b@example.com' },
  { username: 'devops@example.com', email: 'f@example.com' },
  { username: 'devops', email: 'DevOps@Example.com' },
  { username: 'bystander', email: 'bystander@example.com' },
  ...(testDialect() === 'sqlite' ? [{ username: '\u00fcnal', email: 'unal.c@example.com' }] : []),
];

let storage: Storage;
let ids: Map<string, number>;
beforeAll(async () => {
  const env = await legacyDatabase('0001_initial', USERS);
  storage = await openStorage(loadConfig({ env }));
  await storage.migrate();
  ids = new Map((await storage.users.list()).map((u) => [u.email, u.id]));
});
afterAll(() => storage?.close());

const id = (email: string) => ids.get(email)!;

describe('migration 0002 over colliding accounts', () => {
  it('keeps every account, merges none, and lists each shared key with its accounts', async () => {
    expect((await storage.users.list()).map((u) => u.email).sort()).toEqual(USERS.map((u) => u.email).sort());
    const conflicts = await storage.users.identityConflicts();
    const summary = Object.fromEntries(conflicts.map((c) => [c.key, c.users.map((u) => u.id)]));
    expect(summary).toEqual({
      'devops@example.com': [id('f@example.com'), id('DevOps@Example.com')],
      strauss: [id('strauss.a@example.com'), id('strauss.b@example.com')],
      ünal: [id('unal.a@example.com'), id('unal.b@example.com'), ...(testDialect() === 'sqlite' ? [id('unal.c@example.com')] : [])],
    });
  });

  it('signs nobody in by a shared login or e-mail, in any spelling', async () => {
    for (const login of [NFC_UNAL, NFD_UNAL, 'ünal', 'ÜNAL', 'strauss', 'Strauß', 'devops@example.com', 'DEVOPS@EXAMPLE.COM']) {
      expect(await storage.users.findByLogin(login), login).toBeUndefined();
    }
  });

  it('still finds each of those accounts by what is theirs alone, and the bystander by both', async () => {
    expect((await storage.users.findByLogin('UNAL.A@example.com'))?.username).toBe(NFC_UNAL);
    expect((await storage.users.findByLogin('unal.b@example.com'))?.username).toBe(NFD_UNAL);
    expect((await storage.users.findByLogin('devops'))?.email).toBe('DevOps@Example.com');
    expect((await storage.users.findByLogin('f@example.com'))?.username).toBe('devops@example.com');
    expect((await storage.users.findByLogin('Bystander'))?.id).toBe(id('bystander@example.com'));
    expect((await storage.users.findByLogin('bystander@EXAMPLE.com'))?.id).toBe(id('bystander@example.com'));
  });

  it('lets no new account take a shared key', async () => {
    const e = await createUser(storage, { username: 'STRAUß' }).catch((err: unknown) => err);
    expect((e as AppError).code).toBe('USER_EXISTS');
  });

  it('hands a shared key to the last account left when the others are renamed', async () => {
    // Changing something else (the name) keeps the claim: still shared.
    await storage.users.update(id('unal.b@example.com'), { name: 'B' });
    expect(await storage.users.findByLogin(NFC_UNAL)).toBeUndefined();
    const [keep, ...others] = (await storage.users.identityConflicts()).find((c) => c.key === identityKey(NFC_UNAL))!.users;
    for (const [i, u] of others.entries()) await storage.users.update(u.id, { username: `unal-${i}` });
    for (const spelling of [NFC_UNAL, NFD_UNAL, 'ÜNAL']) expect((await storage.users.findByLogin(spelling))?.id, spelling).toBe(keep!.id);
    expect((await storage.users.findByLogin('unal-0'))?.id).toBe(others[0]!.id);
    expect((await storage.users.identityConflicts()).map((c) => c.key)).not.toContain('ünal');
  });

  it('hands a shared key to the last account left when the other is deleted', async () => {
    await storage.users.delete(id('f@example.com'));
    expect((await storage.users.findByLogin('devops@example.com'))?.id).toBe(id('DevOps@Example.com'));
    expect((await storage.users.identityConflicts()).map((c) => c.key)).toEqual(['strauss']);
  });

  it('drops a shared key that no account holds any more', async () => {
    await storage.users.update(id('strauss.a@example.com'), { username: 'strauss-a' });
    await storage.users.update(id('strauss.b@example.com'), { username: 'strauss-b' });
    expect(await storage.users.identityConflicts()).toEqual([]);
    const fresh = await createUser(storage, { username: 'Strauss' });
    expect((await storage.users.findByLogin('STRAUẞ'))?.id).toBe(fresh.id);
  });
});
