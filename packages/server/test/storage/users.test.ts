/**
 * Storage conformance: UserStore. Runs on the dialect under test
 * (SEMAUTH_TEST_DIALECT); scripts/test.sh runs it on SQLite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { createUser, newSession, newToken, newUser, unique, useFreshStorage } from '../support/storage.js';

const storage = useFreshStorage();

async function expectUserExists(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe('USER_EXISTS');
}

describe('UserStore', () => {
  it('create returns the stored record with an id and every field as given, with real types', async () => {
    const input = newUser({ admin: true, alert: true, external: false, disabled: false, createdAt: 4_102_444_800_123 });
    const u = await storage().users.create(input);
    expect(u.id).toBeTypeOf('number');
    expect(u.id).toBeGreaterThanOrEqual(1);
    // A new user has no TOTP: only the TotpStore sets it.
    expect(u).toEqual({ ...input, id: u.id, totpId: null });
    expect(await storage().users.findById(u.id)).toEqual(u);
  });

  it('stores a null password hash (external users) and true/false flags', async () => {
    const u = await createUser(storage(), { passwordHash: null, external: true, disabled: true });
    const back = await storage().users.findById(u.id);
    expect(back?.passwordHash).toBeNull();
    expect(back?.external).toBe(true);
    expect(back?.disabled).toBe(true);
    expect(back?.admin).toBe(false);
  });

  it('gives every user its own id', async () => {
    const a = await createUser(storage());
    const b = await createUser(storage());
    expect(b.id).not.toBe(a.id);
  });

  it('refuses a username taken in another case', async () => {
    const name = unique('Case');
    await createUser(storage(), { username: name });
    await expectUserExists(storage().users.create(newUser({ username: name.toUpperCase() })));
    await expectUserExists(storage().users.create(newUser({ username: name.toLowerCase() })));
  });

  it('refuses an e-mail taken in another case', async () => {
    const email = `${unique('Mail')}@Example.org`;
    await createUser(storage(), { email });
    await expectUserExists(storage().users.create(newUser({ email: email.toLowerCase() })));
  });

  it('findById answers undefined for an unknown id', async () => {
    expect(await storage().users.findById(987_654_321)).toBeUndefined();
  });

  it('findByLogin matches username or e-mail, case-insensitively', async () => {
    const u = await createUser(storage(), { username: unique('Mixed'), email: `${unique('Addr')}@Example.ORG` });
    expect((await storage().users.findByLogin(u.username))?.id).toBe(u.id);
    expect((await storage().users.findByLogin(u.username.toUpperCase()))?.id).toBe(u.id);
    expect((await storage().users.findByLogin(u.email.toLowerCase()))?.id).toBe(u.id);
    expect((await storage().users.findByLogin(u.email.toUpperCase()))?.id).toBe(u.id);
    expect(await storage().users.findByLogin(`${u.username}x`)).toBeUndefined();
  });

  it('findByLogin treats LIKE wildcards literally', async () => {
    const u = await createUser(storage(), { username: unique('wild_') });
    expect(await storage().users.findByLogin(u.username.replace('_', '%'))).toBeUndefined();
    expect(await storage().users.findByLogin(u.username.replace('_', 'x'))).toBeUndefined();
  });

  it('list returns every user ordered by id; count agrees', async () => {
    const before = await storage().users.count();
    const a = await createUser(storage());
    const b = await createUser(storage());
    const all = await storage().users.list();
    expect(await storage().users.count()).toBe(before + 2);
    expect(all).toHaveLength(before + 2);
    expect(all.map((u) => u.id)).toEqual([...all.map((u) => u.id)].sort((x, y) => x - y));
    expect(all.slice(-2)).toEqual([a, b]);
  });

  it('update changes only the patched fields', async () => {
    const u = await createUser(storage());
    await storage().users.update(u.id, { name: 'New Name', admin: true, passwordHash: null, disabled: true });
    expect(await storage().users.findById(u.id)).toEqual({ ...u, name: 'New Name', admin: true, passwordHash: null, disabled: true });
    await storage().users.update(u.id, { disabled: false, alert: true, external: true });
    expect(await storage().users.findById(u.id)).toEqual({
      ...u, name: 'New Name', admin: true, passwordHash: null, disabled: false, alert: true, external: true,
    });
  });

  it('update with an empty patch changes nothing and writes nothing', async () => {
    const u = await createUser(storage());
    const writes = storage().stats.writes;
    await storage().users.update(u.id, {});
    expect(storage().stats.writes).toBe(writes);
    expect(await storage().users.findById(u.id)).toEqual(u);
  });

  it('update refuses a username or e-mail taken (case-insensitively) by another user', async () => {
    const a = await createUser(storage());
    const b = await createUser(storage());
    await expectUserExists(storage().users.update(b.id, { username: a.username.toUpperCase() }));
    await expectUserExists(storage().users.update(b.id, { email: a.email.toUpperCase() }));
    expect(await storage().users.findById(b.id)).toEqual(b);
    // Renaming to one's own name in another case is fine.
    await storage().users.update(b.id, { username: b.username.toUpperCase() });
    expect((await storage().users.findById(b.id))?.username).toBe(b.username.toUpperCase());
  });

  it('update with endCredentials revokes, in the same write, the user’s live sessions (but one) and, if asked, live tokens', async () => {
    const s = storage();
    const u = await createUser(s);
    const other = await createUser(s);
    const T = 1_700_000_000_000;
    const keep = newSession(u.id);
    const ended = [newSession(u.id), newSession(u.id)];
    const earlier = newSession(u.id, { revokedAt: T - 5 });
    const theirs = newSession(other.id);
    const tokens = [newToken(u.id), newToken(u.id)];
    const oldToken = newToken(u.id, { revokedAt: T - 5 });
    const theirToken = newToken(other.id);
    for (const x of [keep, ...ended, earlier, theirs]) await s.sessions.create(x);
    for (const x of [...tokens, oldToken, theirToken]) await s.tokens.create(x);

    // A new password from session `keep`: sessions end, tokens stay.
    expect(await s.users.update(u.id, { passwordHash: 'new-hash' }, { endCredentials: { at: T, keepSessionId: keep.id, tokens: false } })).toEqual({ sessions: 2, tokens: 0 });
    for (const x of ended) expect((await s.sessions.findById(x.id))?.revokedAt).toBe(T);
    expect((await s.sessions.findById(keep.id))?.revokedAt).toBeNull();
    expect((await s.sessions.findById(earlier.id))?.revokedAt).toBe(T - 5);
    for (const x of tokens) expect((await s.tokens.findByHash(x.hash))?.revokedAt).toBeNull();

    // Disabled: everything of theirs ends, nobody else's.
    expect(await s.users.update(u.id, { disabled: true }, { endCredentials: { at: T + 1, tokens: true } })).toEqual({ sessions: 1, tokens: 2 });
    expect((await s.sessions.findById(keep.id))?.revokedAt).toBe(T + 1);
    for (const x of tokens) expect((await s.tokens.findByHash(x.hash))?.revokedAt).toBe(T + 1);
    expect((await s.tokens.findByHash(oldToken.hash))?.revokedAt).toBe(T - 5);
    expect(await s.sessions.findById(theirs.id)).toEqual(theirs);
    expect(await s.tokens.findByHash(theirToken.hash)).toEqual(theirToken);
    expect((await s.users.findById(u.id))?.disabled).toBe(true);

    // Without it, nothing is revoked and nothing reported.
    expect(await s.users.update(u.id, { disabled: false })).toEqual({ sessions: 0, tokens: 0 });
  });

  it('update with endCredentials revokes nothing when the change itself is refused (one transaction)', async () => {
    const s = storage();
    const a = await createUser(s);
    const u = await createUser(s);
    const session = newSession(u.id);
    const token = newToken(u.id);
    await s.sessions.create(session);
    await s.tokens.create(token);
    await expectUserExists(s.users.update(u.id, { disabled: true, email: a.email }, { endCredentials: { at: 1, tokens: true } }));
    expect(await s.sessions.findById(session.id)).toEqual(session);
    expect(await s.tokens.findByHash(token.hash)).toEqual(token);
    expect((await s.users.findById(u.id))?.disabled).toBe(false);
  });

  it('delete removes the user with all their sessions and tokens, and nobody else’s', async () => {
    const s = storage();
    const doomed = await createUser(s);
    const other = await createUser(s);
    const ds = newSession(doomed.id);
    const os = newSession(other.id);
    const dt = newToken(doomed.id);
    const ot = newToken(other.id);
    await s.sessions.create(ds);
    await s.sessions.create(os);
    await s.tokens.create(dt);
    await s.tokens.create(ot);

    expect(await s.users.delete(doomed.id)).toBe(true);
    expect(await s.users.findById(doomed.id)).toBeUndefined();
    expect(await s.users.findByLogin(doomed.username)).toBeUndefined();
    expect(await s.sessions.findById(ds.id)).toBeUndefined();
    expect(await s.tokens.findByHash(dt.hash)).toBeUndefined();
    expect(await s.tokens.listByUser(doomed.id)).toEqual([]);

    expect(await s.users.findById(other.id)).toEqual(other);
    expect(await s.sessions.findById(os.id)).toEqual(os);
    expect(await s.tokens.findByHash(ot.hash)).toEqual(ot);

    // The name is free again.
    const again = await createUser(s, { username: doomed.username, email: doomed.email });
    expect(again.id).not.toBe(doomed.id);
  });

  it('delete answers false for an unknown user', async () => {
    expect(await storage().users.delete(987_654_321)).toBe(false);
  });
});
